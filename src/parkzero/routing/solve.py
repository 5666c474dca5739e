"""Build a PyVRP model from a :class:`~parkzero.routing.models.Problem` and solve it.

PyVRP (MIT, Wouda, Lan & Kool 2024) is a state-of-the-art hybrid genetic search / iterated
local search for VRPs with time windows, heterogeneous fleets, several depots, several load
dimensions, routing profiles and optional clients. This module writes the model, not the
algorithm:

* **Compartments** become load dimensions: one per (zone, measure) that some order uses —
  frozen/chilled/ambient × kg/m³/pallets — plus one for the vehicle's legal payload when that is
  below the sum of its compartments. A zone a vehicle has no compartment for has capacity 0.
* **Vehicle restrictions** (城市限行, reefer-only orders, order→depot) become routing profiles:
  each vehicle type has its own copy of the matrices in which edges into the stores it may not
  serve are prohibitively long. A ban that covers only part of an order's window splits the
  order into copies with sub-windows in a mutually exclusive client group; the solver serves
  exactly one copy, with a vehicle allowed at that time.
* **Objectives** (``fixed_cost``, ``unit_distance_cost``, ``unit_duration_cost`` per vehicle
  type):

  ``hierarchical``
      fewest vehicles, then shortest distance: a fixed cost per vehicle larger than any route
      set's length. With one vehicle type a fleet-minimisation phase (as PyVRP's
      ``minimise_fleet``) runs first on ``RouteParams.fleet_share`` of the time budget.
  ``dimacs``
      distance only, every arc truncated to one decimal (DIMACS 12th challenge convention).
  ``cost``
      fixed cost + (cost per km + energy price × energy per km) × km + (cost per hour +
      energy price × reefer rate) × hours [CNY].
  ``co2``
      (factor × energy per km) × km + (factor × reefer rate) × hours [kgCO2e], with factors
      supplied by the caller (:class:`~parkzero.routing.models.EmissionWeights`) or, when the
      problem has none, looked up in the carbon engine's default library
      (``fuel.diesel.mobile`` per L, ``electricity.grid`` per kWh, the problem's region and
      year).

  PyVRP prices distance per vehicle type, not per load, so for ``cost`` and ``co2`` traction
  energy is taken at a fixed share of the payload (``RouteParams.load_share``, default 0.5: a
  delivery tour leaves full and returns empty). The exact load-dependent figures are computed
  afterwards by :mod:`parkzero.routing.evaluate` and are what every output reports.

Integers: PyVRP works on integers, so distances are scaled to metres (×1000 per km), times to
1/1000 min, weights to 0.1 kg, volumes to litres and pallets to 1/100. Demands, travel and
service times round up and capacities and window ends down, so a plan feasible in integers is
feasible in the original units.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.PenaltyManager import PenaltyParams
from pyvrp.stop import FirstFeasible, MaxRuntime, MultipleCriteria

from parkzero.errors import ConfigError
from parkzero.routing.energy import EnergyModel, energy_model
from parkzero.routing.matrix import Matrices, build_matrices
from parkzero.routing.models import (
    MEASURES,
    Order,
    Plan,
    PlannedRoute,
    Problem,
    Stop,
    Unserved,
    VehicleType,
)

__all__ = [
    "OBJECTIVES",
    "Access",
    "Objective",
    "RouteParams",
    "access",
    "dimacs_matrices",
    "schedule",
    "solve",
]

Objective = Literal["hierarchical", "dimacs", "cost", "co2"]
OBJECTIVES: tuple[str, ...] = ("hierarchical", "dimacs", "cost", "co2")

_DIST_SCALE = 1000.0  # integer units per km
_TIME_SCALE = 1000.0  # integer units per min
_LOAD_SCALE = {"weight_kg": 10.0, "volume_m3": 1000.0, "pallets": 100.0}
_COST_SCALE = 1e6  # integer units per CNY or per kgCO2e
_FORBIDDEN = 1 << 30  # arc length and time that bars a vehicle type from a store (~1e9)
_BIG_CAPACITY = 1 << 40
_EPS = 1e-6

Interval = tuple[float, float]


@dataclass(frozen=True)
class RouteParams:
    """Solver settings.

    Parameters
    ----------
    objective : {"hierarchical", "dimacs", "cost", "co2"}
        What to minimise, see the module docstring [-].
    time_limit_s : float
        Wall-clock budget of the search [s].
    seed : int
        Random seed; the same seed, settings and machine give the same plan [-].
    load_share : float
        Share of the payload at which traction energy is priced in the ``cost`` and ``co2``
        objectives [-].
    fleet_share : float
        Share of the time budget spent on fleet minimisation (``hierarchical``, one vehicle
        type) [-].
    """

    objective: Objective = "hierarchical"
    time_limit_s: float = 10.0
    seed: int = 0
    load_share: float = 0.5
    fleet_share: float = 0.5

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ConfigError(
                f"unknown objective {self.objective!r}; expected one of {', '.join(OBJECTIVES)}",
                column="objective",
            )
        if not self.time_limit_s > 0:
            raise ConfigError(
                f"time limit must be positive, got {self.time_limit_s}", column="time_limit_s"
            )


@dataclass(frozen=True)
class Access:
    """Which vehicle types may serve each order, and when.

    Parameters
    ----------
    windows : dict
        ``windows[order_id][type_id]`` = allowed service-start intervals, after restrictions,
        reachability from the type's depot and its shift [min after midnight]. An empty list
        means the type may not serve the order.
    reasons : dict
        ``reasons[order_id]`` = why types were ruled out, one text per type [-].
    """

    windows: dict[str, dict[str, list[Interval]]]
    reasons: dict[str, list[str]] = field(default_factory=dict)

    def unserviceable(self) -> list[Unserved]:
        """Orders no vehicle type can serve, each with the reasons per type."""
        out = []
        for order_id, by_type in self.windows.items():
            if not any(by_type.values()):
                out.append(Unserved(order_id, "; ".join(self.reasons.get(order_id, []))))
        return out


def dimacs_matrices(matrices: Matrices) -> Matrices:
    """Distances and times truncated to one decimal (DIMACS convention) [km], [min].

    Examples
    --------
    >>> import numpy as np
    >>> m = dimacs_matrices(Matrices(np.array([[0.0, 2.99]]), np.array([[0.0, 3.0]])))
    >>> m.distance_km.tolist()
    [[0.0, 2.9]]
    """

    def trunc(a: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.floor(a * 10.0 + 1e-9) / 10.0

    return Matrices(trunc(matrices.distance_km), trunc(matrices.duration_min))


def _point_in_polygon(pt: tuple[float, float], poly: Sequence[tuple[float, float]]) -> bool:
    x, y = pt
    inside = False
    j = len(poly) - 1
    for i in range(len(poly)):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _order_areas(problem: Problem, order: Order) -> set[str]:
    areas = set(order.areas)
    for area in problem.areas:
        if _point_in_polygon(order.location, area.polygon):
            areas.add(area.id)
    return areas


def _subtract(intervals: list[Interval], lo: float, hi: float) -> list[Interval]:
    """Remove the open interval (lo, hi) from closed intervals."""
    out: list[Interval] = []
    for a, b in intervals:
        if hi <= a or lo >= b:
            out.append((a, b))
            continue
        if a <= lo:
            out.append((a, lo))
        if hi <= b:
            out.append((hi, b))
    return [(a, b) for a, b in out if b >= a]


def _fits(order: Order, vehicle: VehicleType) -> str | None:
    for zone, demand in order.demand.items():
        if demand.is_empty:
            continue
        comp = vehicle.compartments.get(zone)
        if comp is None:
            return f"{vehicle.id}: no {zone} compartment"
        for m in MEASURES:
            if demand.get(m) > comp.get(m) + _EPS:
                return f"{vehicle.id}: {zone} {m} {demand.get(m):g} > capacity {comp.get(m):g}"
    if order.weight_kg > vehicle.payload_kg + _EPS:
        return f"{vehicle.id}: weight {order.weight_kg:g} kg > payload {vehicle.payload_kg:g} kg"
    return None


def access(problem: Problem, matrices: Matrices) -> Access:
    """Work out which vehicle types may serve which orders at which times.

    Checks, per order and vehicle type: compartments and capacity, reefer-only, the order's
    depot, restrictions (all-day and windowed), and whether a direct trip from the type's depot
    within its shift and the depot's hours can start service in the window.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    matrices : Matrices
        Distances [km] and times [min] over depots then orders.

    Returns
    -------
    Access
    """
    windows: dict[str, dict[str, list[Interval]]] = {}
    reasons: dict[str, list[str]] = {}
    dur = matrices.duration_min
    for k, order in enumerate(problem.orders):
        areas = _order_areas(problem, order)
        oi = len(problem.depots) + k
        windows[order.id] = {}
        why: list[str] = []
        for vt in problem.vehicle_types:
            allowed: list[Interval] = [(order.tw_start_min, order.tw_end_min)]
            reason = _fits(order, vt)
            if reason is None and order.reefer_only and not vt.is_reefer:
                reason = f"{vt.id}: order is reefer-only"
            if reason is None and order.depot is not None and order.depot != vt.depot:
                reason = f"{vt.id}: order must be served from depot {order.depot}"
            if reason is None and vt.count == 0:
                reason = f"{vt.id}: none available"
            if reason is None:
                for r in problem.restrictions:
                    if vt.id not in r.vehicle_types:
                        continue
                    if not ((r.area is not None and r.area in areas) or order.id in r.orders):
                        continue
                    if r.window is None:
                        allowed = []
                    else:
                        allowed = _subtract(allowed, r.window[0] - order.service_min, r.window[1])
                    if not allowed:
                        reason = f"{vt.id}: barred ({r.reason or r.area or 'restriction'})"
                        break
            if reason is None:
                depot = problem.depot(vt.depot)
                di = problem.location_index(depot=vt.depot)
                out_t = dur[di, oi] * vt.speed_factor
                back_t = dur[oi, di] * vt.speed_factor
                leave = max(vt.shift_start_min, depot.open_min)
                back_by = min(vt.shift_end_min, depot.close_min)
                earliest = leave + out_t
                latest = back_by - back_t - order.service_min
                allowed = _subtract(allowed, -math.inf, earliest - _EPS)
                allowed = _subtract(allowed, latest + _EPS, math.inf)
                allowed = [(max(a, earliest), min(b, latest)) for a, b in allowed]
                allowed = [(a, b) for a, b in allowed if b >= a - _EPS]
                if vt.max_duration_min is not None and (
                    out_t + order.service_min + back_t > vt.max_duration_min + _EPS
                ):
                    allowed = []
                if not allowed:
                    reason = f"{vt.id}: cannot reach it in its window within the shift"
            if reason is not None:
                allowed = []
                why.append(reason)
            windows[order.id][vt.id] = allowed
        reasons[order.id] = why
    return Access(windows=windows, reasons=reasons)


@dataclass
class _Built:
    data: pyvrp.ProblemData
    client_order: list[str]  # client index -> order id
    type_ids: list[str]  # pyvrp vehicle type index -> our id
    unserved: list[Unserved]
    big_m: int
    penalty_scale: float


def _load_dims(problem: Problem, served: list[Order]) -> list[tuple[str, str]]:
    dims: list[tuple[str, str]] = []
    for zone in problem.zones_used:
        for m in MEASURES:
            if any(o.amount(zone, m) > 0 for o in served):
                dims.append((zone, m))
    return dims


def _unit_costs(
    params: RouteParams, problem: Problem, vt: VehicleType, em: EnergyModel
) -> tuple[float, float, float]:
    """(fixed [CNY or kgCO2e], per km, per min) for the cost and co2 objectives."""
    per_km = em.per_km(params.load_share * em.payload_kg)
    if params.objective == "cost":
        price = {
            "diesel": problem.prices.diesel_cny_per_l,
            "electricity": problem.prices.electricity_cny_per_kwh,
        }
        return (
            vt.fixed_cost_cny,
            vt.cost_per_km_cny + price[em.carrier] * per_km,
            (vt.cost_per_h_cny + price[em.reefer_carrier] * em.reefer_per_h) / 60.0,
        )
    w = problem.emission_weights
    if w is None:
        from parkzero.routing.evaluate import default_emission_weights

        w = default_emission_weights(problem.region, problem.year)
    factor = {"diesel": w.kgco2e_per_l_diesel, "electricity": w.kgco2e_per_kwh}
    return (0.0, factor[em.carrier] * per_km, factor[em.reefer_carrier] * em.reefer_per_h / 60.0)


def _build(problem: Problem, matrices: Matrices, params: RouteParams) -> _Built:
    acc = access(problem, matrices)
    unserved = acc.unserviceable()
    dropped = {u.order for u in unserved}
    served = [o for o in problem.orders if o.id not in dropped]
    dims = _load_dims(problem, served)
    need_payload = any(
        v.max_payload_kg is not None
        and v.max_payload_kg < sum(c.weight_kg for c in v.compartments.values())
        for v in problem.vehicle_types
    )
    n_dep = len(problem.depots)
    types = [v for v in problem.vehicle_types if v.count > 0]
    type_index = {v.id: i for i, v in enumerate(types)}

    locations: list[pyvrp.Location] = []
    loc_rows: list[int] = []  # pyvrp location -> row of the problem matrices
    for i, d in enumerate(problem.depots):
        locations.append(pyvrp.Location(d.location[1], d.location[0], name=d.id))
        loc_rows.append(i)
    depots = [
        pyvrp.Depot(i, round(d.open_min * _TIME_SCALE), round(d.close_min * _TIME_SCALE), name=d.id)
        for i, d in enumerate(problem.depots)
    ]

    clients: list[pyvrp.Client] = []
    client_order: list[str] = []
    groups: list[pyvrp.ClientGroup] = []
    client_allowed: list[set[int]] = []  # vehicle type indices that may visit each client
    max_d = float(np.max(matrices.distance_km)) if matrices.distance_km.size else 0.0
    big_m = int(2 * (len(served) + 1) * max(max_d, 1e-3) * _DIST_SCALE) + 1
    for order in served:
        k = problem.orders.index(order)
        delivery = [math.ceil(order.amount(z, m) * _LOAD_SCALE[m] - 1e-9) for z, m in dims]
        if need_payload:
            delivery.append(math.ceil(order.weight_kg * _LOAD_SCALE["weight_kg"] - 1e-9))
        by_interval: dict[Interval, set[int]] = {}
        for t_id, ivs in acc.windows[order.id].items():
            if t_id not in type_index:
                continue
            for iv in ivs:
                by_interval.setdefault((round(iv[0], 6), round(iv[1], 6)), set()).add(
                    type_index[t_id]
                )
        prize = _prize(order, params, problem, big_m)
        copies = sorted(by_interval.items())
        group = None
        if len(copies) > 1:
            group = len(groups)
            groups.append(pyvrp.ClientGroup(required=order.required, name=order.id))
        for (a, b), allowed in copies:
            loc = len(locations)
            locations.append(pyvrp.Location(order.location[1], order.location[0], name=order.id))
            loc_rows.append(n_dep + k)
            if group is not None:
                groups[group].add_client(len(clients))
            clients.append(
                pyvrp.Client(
                    loc,
                    delivery=delivery,
                    service_duration=math.ceil(order.service_min * _TIME_SCALE - 1e-6),
                    tw_early=math.ceil(a * _TIME_SCALE - 1e-6),
                    tw_late=math.floor(b * _TIME_SCALE + 1e-6),
                    prize=prize,
                    required=order.required and group is None,
                    group=group,
                    name=order.id,
                )
            )
            client_order.append(order.id)
            client_allowed.append(allowed)

    rows = np.asarray(loc_rows)
    base_d = np.rint(matrices.distance_km[np.ix_(rows, rows)] * _DIST_SCALE).astype(np.int64)
    base_t = matrices.duration_min[np.ix_(rows, rows)]
    np.fill_diagonal(base_d, 0)

    # One profile per distinct (barred clients, speed factor).
    profiles: dict[tuple[frozenset[int], float], int] = {}
    dist_mats: list[npt.NDArray[np.int64]] = []
    dur_mats: list[npt.NDArray[np.int64]] = []
    vehicle_types: list[pyvrp.VehicleType] = []
    for ti, vt in enumerate(types):
        barred = frozenset(c for c, allowed in enumerate(client_allowed) if ti not in allowed)
        key = (barred, vt.speed_factor)
        if key not in profiles:
            profiles[key] = len(dist_mats)
            d = base_d.copy()
            # Times round up, so a schedule feasible in integers is feasible in minutes.
            t = np.ceil(base_t * vt.speed_factor * _TIME_SCALE - 1e-6).astype(np.int64)
            np.fill_diagonal(t, 0)
            cols = [n_dep + c for c in sorted(barred)]
            if cols:
                d[:, cols] = _FORBIDDEN
                t[:, cols] = _FORBIDDEN
                for c in cols:
                    d[c, c] = 0
                    t[c, c] = 0
            dist_mats.append(d)
            dur_mats.append(t)
        depot_i = problem.location_index(depot=vt.depot)
        depot = problem.depot(vt.depot)
        capacity = []
        for z, m in dims:
            comp = vt.compartments.get(z)  # type: ignore[call-overload]
            cap = 0.0 if comp is None else comp.get(m)
            capacity.append(
                _BIG_CAPACITY if math.isinf(cap) else math.floor(cap * _LOAD_SCALE[m] + 1e-9)
            )
        if need_payload:
            capacity.append(math.floor(vt.payload_kg * _LOAD_SCALE["weight_kg"] + 1e-9))
        if params.objective in ("hierarchical", "dimacs"):
            fixed, per_m, per_t = (big_m if params.objective == "hierarchical" else 0), 1, 0
        else:
            f, km, mn = _unit_costs(params, problem, vt, energy_model(vt))
            fixed = round(f * _COST_SCALE)
            per_m = round(km * _COST_SCALE / _DIST_SCALE)
            per_t = round(mn * _COST_SCALE / _TIME_SCALE)
        shift = (
            _BIG_CAPACITY
            if vt.max_duration_min is None
            else math.floor(vt.max_duration_min * _TIME_SCALE)
        )
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=vt.count,
                capacity=capacity,
                start_depot=depot_i,
                end_depot=depot_i,
                fixed_cost=fixed,
                tw_early=round(max(vt.shift_start_min, depot.open_min) * _TIME_SCALE),
                tw_late=round(min(vt.shift_end_min, depot.close_min) * _TIME_SCALE),
                shift_duration=shift,
                unit_distance_cost=per_m,
                unit_duration_cost=per_t,
                profile=profiles[key],
                name=vt.id,
            )
        )
    data = pyvrp.ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        cast(list[Any], dist_mats),
        cast(list[Any], dur_mats),
        groups=groups,
    )
    # PyVRP's penalty bounds assume about one cost unit per distance unit; keep that ratio.
    scale = float(np.median([max(v.unit_distance_cost, 1) for v in vehicle_types] or [1]))
    return _Built(data, client_order, [v.id for v in types], unserved, big_m, scale)


def _prize(order: Order, params: RouteParams, problem: Problem, big_m: int) -> int:
    if order.required:
        return 0
    if params.objective in ("hierarchical", "dimacs"):
        # Worth more than a vehicle: optional orders are dropped only when they cannot be served.
        return order.priority * big_m + big_m // 2
    if params.objective == "cost":
        return round(order.priority * problem.drop_penalty_cny * _COST_SCALE)
    return round(order.priority * problem.drop_penalty_kgco2e * _COST_SCALE)


def schedule(
    problem: Problem,
    matrices: Matrices,
    vehicle_type: str,
    orders: Sequence[str],
    start_min: float | None = None,
    windows: Sequence[Sequence[Interval]] | None = None,
) -> PlannedRoute:
    """Times and length of visiting `orders` in sequence with one vehicle.

    Leaves the depot at `start_min` (the earliest the shift and depot allow when not given),
    waits at a store until its window opens, and never checks feasibility; see
    :func:`parkzero.routing.evaluate.violations` for that.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    matrices : Matrices
        Distances [km] and times [min].
    vehicle_type : str
        Vehicle type id [-].
    orders : sequence of str
        Order ids in visiting order [-].
    start_min : float, optional
        Departure from the depot [min after midnight].
    windows : sequence of list of (float, float), optional
        Per stop, the intervals in which service may start (e.g. outside a traffic ban); the
        order's own window when not given [min after midnight].

    Returns
    -------
    PlannedRoute
    """
    vt = problem.vehicle_type(vehicle_type)
    depot = problem.depot(vt.depot)
    di = problem.location_index(depot=vt.depot)
    t = max(vt.shift_start_min, depot.open_min) if start_min is None else start_min
    start = t
    prev = di
    dist = 0.0
    stops = []
    by_id = {o.id: (i, o) for i, o in enumerate(problem.orders)}
    for n, o_id in enumerate(orders):
        k, order = by_id[o_id]
        oi = len(problem.depots) + k
        arrival = t + matrices.duration_min[prev, oi] * vt.speed_factor
        begin = max(arrival, order.tw_start_min)
        if windows is not None:
            later = [max(a, arrival) for a, b in windows[n] if b >= arrival - _EPS]
            begin = min(later) if later else begin
        t = begin + order.service_min
        dist += float(matrices.distance_km[prev, oi])
        stops.append(Stop(o_id, arrival, begin, t))
        prev = oi
    end = t + matrices.duration_min[prev, di] * vt.speed_factor
    dist += float(matrices.distance_km[prev, di])
    if not stops:
        end = start
        dist = 0.0
    return PlannedRoute(vt.id, vt.depot, tuple(stops), float(start), float(end), dist)


def _run(
    data: pyvrp.ProblemData,
    params: RouteParams,
    solve_params: pyvrp.SolveParams,
    budget: float,
    evidence: dict[str, object],
    t0: float,
) -> tuple[pyvrp.Solution, int, pyvrp.ProblemData, float]:
    """Search; for one vehicle type under ``hierarchical``, shrink the fleet first.

    Fleet minimisation (as :func:`pyvrp.minimise_fleet`, but keeping the solutions): solve with
    k vehicles until the first feasible solution, then retry with one vehicle fewer than it
    used, for ``fleet_share`` of the budget; the rest minimises distance with the smallest
    feasible fleet, starting from its solution.
    """
    initial = None
    iterations = 0
    if (
        params.objective == "hierarchical"
        and data.num_vehicle_types == 1
        and data.num_groups == 0
        and all(c.required for c in data.clients())
    ):
        fleet_end = t0 + budget * params.fleet_share
        vt = data.vehicle_type(0)
        best_data, best_sol = data, None
        k = vt.num_available
        while k >= 1 and time.perf_counter() < fleet_end:
            trial = data.replace(vehicle_types=[vt.replace(num_available=k)])
            res = pyvrp.solve(
                trial,
                stop=MultipleCriteria(
                    [FirstFeasible(), MaxRuntime(fleet_end - time.perf_counter())]
                ),
                seed=params.seed,
                collect_stats=False,
                display=False,
                params=solve_params,
            )
            iterations += res.num_iterations
            if not res.best.is_feasible():
                break
            best_data, best_sol = trial, res.best
            k = res.best.num_routes() - 1
        if best_sol is not None:
            data = best_data
            initial = best_sol
        evidence["fleet_minimisation_s"] = round(time.perf_counter() - t0, 3)
        budget = max(t0 + params.time_limit_s - time.perf_counter(), 0.05 * params.time_limit_s)
    result = pyvrp.solve(
        data,
        stop=MaxRuntime(budget),
        seed=params.seed,
        collect_stats=False,
        display=False,
        params=solve_params,
        initial_solution=initial,
    )
    return result.best, iterations + result.num_iterations, data, result.cost()


def _relaxed(
    data: pyvrp.ProblemData,
    problem: Problem,
    built: _Built,
    params: RouteParams,
    solve_params: pyvrp.SolveParams,
) -> pyvrp.Solution:
    """Best feasible plan when not every order fits: all orders optional, worth a lot each."""
    vts = data.vehicle_types()
    worth = 10 * (
        built.big_m * max(v.unit_distance_cost for v in vts) + max(v.fixed_cost for v in vts)
    )
    priority = {o.id: o.priority for o in problem.orders}
    clients = [
        pyvrp.Client(
            c.location,
            delivery=list(c.delivery),
            pickup=list(c.pickup),
            service_duration=c.service_duration,
            tw_early=c.tw_early,
            tw_late=c.tw_late,
            release_time=c.release_time,
            prize=worth * priority[c.name],
            required=False,
            group=c.group,
            name=c.name,
        )
        for c in data.clients()
    ]
    groups = [
        pyvrp.ClientGroup(list(g.clients), required=False, name=g.name) for g in data.groups()
    ]
    relaxed = data.replace(clients=clients, groups=groups)
    result = pyvrp.solve(
        relaxed,
        stop=MaxRuntime(max(0.5 * params.time_limit_s, 0.1)),
        seed=params.seed,
        collect_stats=False,
        display=False,
        params=solve_params,
    )
    return result.best


def solve(
    problem: Problem,
    params: RouteParams | None = None,
    *,
    matrices: Matrices | None = None,
) -> Plan:
    """Plan routes for a problem with PyVRP.

    Orders that no vehicle type can serve (capacity, compartment, restriction, reach) are not
    dropped silently: they come back in ``Plan.unserved`` with the reason per vehicle type, and
    the plan is then not ``feasible``. When no feasible plan serves every order (the fleet is
    too small for the day), the search is repeated for half the time limit with every order
    optional and worth more than any vehicle, and the orders left out are listed as unserved;
    the routes returned always keep every constraint.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    params : RouteParams, optional
        Objective, time limit [s] and seed.
    matrices : Matrices, optional
        Distances [km] and times [min]; built from the problem when not given.

    Returns
    -------
    Plan
        Routes with times [min after midnight] and lengths [km]; for ``dimacs`` the lengths use
        arcs truncated to one decimal.

    Raises
    ------
    FactorNotFoundError
        For the ``co2`` objective without emission weights, when the carbon engine has no
        factor for the problem's region and year.
    """
    params = params or RouteParams()
    matrices = matrices or build_matrices(problem)
    if params.objective == "dimacs":
        matrices = dimacs_matrices(matrices)
    built = _build(problem, matrices, params)
    data = built.data
    t0 = time.perf_counter()
    evidence: dict[str, object] = {
        "solver": "pyvrp",
        "solver_version": version("pyvrp"),
        "objective": params.objective,
        "time_limit_s": params.time_limit_s,
        "seed": params.seed,
        "load_share": params.load_share,
    }
    unserved = list(built.unserved)
    if data.num_clients == 0:
        return Plan((), tuple(unserved), not unserved, params.objective, evidence)

    defaults = PenaltyParams()
    solve_params = pyvrp.SolveParams(
        penalty=PenaltyParams(
            min_penalty=defaults.min_penalty * built.penalty_scale,
            max_penalty=defaults.max_penalty * built.penalty_scale,
        )
    )
    budget = params.time_limit_s
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PenaltyBoundWarning)
        best, iterations, data, cost = _run(data, params, solve_params, budget, evidence, t0)
    if caught:
        evidence["solver_warnings"] = sorted({str(w.category.__name__) for w in caught})
    evidence["runtime_s"] = round(time.perf_counter() - t0, 3)
    evidence["iterations"] = iterations
    evidence["objective_value"] = cost if best.is_feasible() else None

    if not best.is_feasible():
        evidence["violations"] = {
            "time_warp_min": best.time_warp() / _TIME_SCALE,
            "excess_load": list(best.excess_load()),
        }
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always", PenaltyBoundWarning)
            best = _relaxed(data, problem, built, params, solve_params)
        evidence["relaxed"] = "no feasible plan serves every order: re-solved with all optional"
        evidence["runtime_s"] = round(time.perf_counter() - t0, 3)

    routes = []
    visited: set[str] = set()
    kept = [r for r in best.routes() if best.is_feasible() or r.is_feasible()]
    if len(kept) < best.num_routes():
        evidence["routes_dropped_as_infeasible"] = best.num_routes() - len(kept)
    for r in kept:
        acts = [a for a in r.schedule() if a.is_client()]
        ids = [built.client_order[a.idx] for a in acts]
        wins = [
            [(c.tw_early / _TIME_SCALE, c.tw_late / _TIME_SCALE)]
            for c in (data.client(a.idx) for a in acts)
        ]
        visited.update(ids)
        vt_id = built.type_ids[r.vehicle_type()]
        routes.append(schedule(problem, matrices, vt_id, ids, r.start_time() / _TIME_SCALE, wins))
    for order in problem.orders:
        if order.id in visited or any(u.order == order.id for u in unserved):
            continue
        if order.required:
            reason = (
                "no feasible plan found that serves it: the fleet is too small for the day "
                "(or the time limit too short)"
            )
        else:
            reason = f"optional order left out (priority {order.priority})"
        unserved.append(Unserved(order.id, reason))
    required = {o.id for o in problem.orders if o.required}
    feasible = not any(u.order in required for u in unserved) and (
        best.is_feasible() or "relaxed" in evidence
    )
    return Plan(tuple(routes), tuple(unserved), feasible, params.objective, evidence)
