"""Readers for benchmark instances: Solomon / Gehring-Homberger text and VRPLIB.

Both give a :class:`~parkzero.routing.models.Problem` in ``euclidean`` coordinates with one
depot and one vehicle type of ``ambient`` capacity, a speed of 60 km/h so that one length unit
takes one time unit (the benchmark convention), and no energy or cost figures.

Solomon format (Solomon 1987; Gehring & Homberger 1999 use the same)::

    C101

    VEHICLE
    NUMBER     CAPACITY
      25         200

    CUSTOMER
    CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME
        0      40         50          0          0       1236          0
        1      45         68         10        912        967         90

Customer 0 is the depot; its ready and due times bound every route.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from parkzero.errors import InputError
from parkzero.routing.models import Compartment, Demand, Depot, Order, Problem, VehicleType

__all__ = ["read_solomon", "read_vrplib"]


def _benchmark_vehicle(count: int, capacity: float, depot: str, end: float) -> VehicleType:
    return VehicleType(
        id="vehicle",
        count=count,
        depot=depot,
        compartments={"ambient": Compartment(weight_kg=capacity)},
        consumption_empty=0.0,
        consumption_full=0.0,
        shift_end_min=end,
    )


def read_solomon(path: str | Path) -> Problem:
    """Read a Solomon or Gehring-Homberger VRPTW instance.

    Parameters
    ----------
    path : str or Path
        Instance file.

    Returns
    -------
    Problem
        Distances in the instance's length unit (read as km), times in its time unit (read as
        min), demand as ``ambient`` weight.

    Raises
    ------
    InputError
        With the file and line of the first line that does not parse.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from exc
    name = next((ln.strip() for ln in lines if ln.strip()), path.stem)
    count = capacity = None
    rows: list[tuple[int, list[float]]] = []
    section = ""
    for no, line in enumerate(lines, start=1):
        text = line.strip()
        upper = text.upper()
        if upper.startswith("VEHICLE"):
            section = "vehicle"
            continue
        if upper.startswith("CUSTOMER"):
            section = "customer"
            continue
        if not text or upper.startswith(("NUMBER", "CUST")):
            continue
        if section == "vehicle" and count is None:
            parts = text.split()
            try:
                count, capacity = int(parts[0]), float(parts[1])
            except (IndexError, ValueError) as exc:
                raise InputError(
                    f"line {no}: expected 'NUMBER CAPACITY', got {text!r}", source=str(path)
                ) from exc
        elif section == "customer":
            parts = text.split()
            try:
                values = [float(p) for p in parts]
            except ValueError as exc:
                raise InputError(
                    f"line {no}: expected 7 numbers, got {text!r}", source=str(path)
                ) from exc
            if len(values) != 7:
                raise InputError(
                    f"line {no}: expected 7 numbers (no, x, y, demand, ready, due, service), "
                    f"got {len(values)}",
                    source=str(path),
                )
            rows.append((no, values))
    if count is None or capacity is None or not rows:
        raise InputError(
            "not a Solomon instance: expected a VEHICLE and a CUSTOMER section", source=str(path)
        )
    _, dep = rows[0]
    depot = Depot(id=str(int(dep[0])), location=(dep[1], dep[2]), open_min=dep[4], close_min=dep[5])
    orders = tuple(
        Order(
            id=str(int(v[0])),
            location=(v[1], v[2]),
            demand={"ambient": Demand(weight_kg=v[3])},
            tw_start_min=v[4],
            tw_end_min=v[5],
            service_min=v[6],
        )
        for _, v in rows[1:]
    )
    return Problem(
        name=name,
        coordinates="euclidean",
        speed_kmh=60.0,
        depots=(depot,),
        orders=orders,
        vehicle_types=(_benchmark_vehicle(count, capacity, depot.id, dep[5]),),
    )


def read_vrplib(path: str | Path) -> Problem:
    """Read a VRPLIB instance (CVRP or VRPTW) with the ``vrplib`` package.

    Parameters
    ----------
    path : str or Path
        Instance file (``.vrp``).

    Returns
    -------
    Problem
        One depot (the first ``DEPOT_SECTION`` entry); the vehicle count from ``VEHICLES`` or
        one per order when absent; an explicit ``EDGE_WEIGHT_SECTION`` becomes the distance
        and time matrix.

    Raises
    ------
    InputError
        When the file cannot be read or lacks what a VRP needs.
    """
    import vrplib

    path = Path(path)
    try:
        inst = vrplib.read_instance(str(path))
    except FileNotFoundError as exc:
        raise InputError("file not found", source=str(path)) from exc
    except Exception as exc:  # vrplib raises bare ValueError/IndexError/KeyError on bad input
        raise InputError(f"not a VRPLIB instance: {exc}", source=str(path)) from exc
    for key in ("dimension", "capacity", "demand"):
        if key not in inst:
            raise InputError(f"missing {key.upper()}", source=str(path), column=key.upper())
    n = int(inst["dimension"])
    coords = np.asarray(inst.get("node_coord", np.zeros((n, 2))), dtype=float)
    demand = np.asarray(inst["demand"], dtype=float)
    tw = np.asarray(inst.get("time_window", [[0.0, 1e7]] * n), dtype=float)
    service = np.broadcast_to(np.asarray(inst.get("service_time", 0.0), dtype=float), (n,))
    depots = [int(d) for d in np.atleast_1d(inst.get("depot", [0]))]
    d0 = depots[0]
    edge = inst.get("edge_weight")
    matrix = None
    if edge is not None and inst.get("edge_weight_type", "").upper() == "EXPLICIT":
        m = np.asarray(edge, dtype=float)
        order_idx = [d0] + [i for i in range(n) if i != d0]
        m = m[np.ix_(order_idx, order_idx)]
        matrix = tuple(tuple(float(x) for x in row) for row in m)
    elif "node_coord" not in inst:
        raise InputError("needs NODE_COORD_SECTION or an explicit matrix", source=str(path))
    depot = Depot(
        id=str(d0 + 1),
        location=(float(coords[d0, 0]), float(coords[d0, 1])),
        open_min=float(tw[d0, 0]),
        close_min=float(tw[d0, 1]),
    )
    orders = tuple(
        Order(
            id=str(i + 1),
            location=(float(coords[i, 0]), float(coords[i, 1])),
            demand={"ambient": Demand(weight_kg=float(demand[i]))},
            tw_start_min=float(tw[i, 0]),
            tw_end_min=float(tw[i, 1]),
            service_min=float(service[i]),
        )
        for i in range(n)
        if i != d0
    )
    count = int(inst.get("vehicles", len(orders)))
    return Problem(
        name=str(inst.get("name", path.stem)),
        coordinates="euclidean",
        speed_kmh=60.0,
        distance_km=matrix,
        duration_min=matrix,
        depots=(depot,),
        orders=orders,
        vehicle_types=(
            _benchmark_vehicle(count, float(inst["capacity"]), depot.id, float(tw[d0, 1])),
        ),
    )
