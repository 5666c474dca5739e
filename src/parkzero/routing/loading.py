"""Loading plan of each vehicle: which orders go in which compartment, loaded last-out-first-in.

Orders are loaded in reverse delivery order, so the first store's goods sit at the door of each
compartment. Pallet places are numbered from the front wall (1) towards the door; an order takes
``ceil(pallets)`` places. Utilisation is given for weight, volume and pallet places per
compartment (no 3-D packing: stowage inside a compartment is left to the loaders, or to
:mod:`parkzero.packing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from parkzero.routing.models import MEASURES, ZONES, PlannedRoute, Problem

__all__ = ["CompartmentLoad", "LoadItem", "VehicleLoad", "loading_plan"]


@dataclass(frozen=True)
class LoadItem:
    """One order's goods in one compartment.

    Parameters
    ----------
    order : str
        Order id [-].
    stop : int
        1-based position of the order on the route [-].
    weight_kg, volume_m3, pallets : float
        Amounts [kg], [m³], [-].
    pallet_places : tuple of int
        Pallet places taken, numbered from the front wall [-].
    """

    order: str
    stop: int
    weight_kg: float
    volume_m3: float
    pallets: float
    pallet_places: tuple[int, ...]


@dataclass(frozen=True)
class CompartmentLoad:
    """Contents of one compartment, in loading order (first item goes in first).

    Parameters
    ----------
    zone : str
        ``frozen``, ``chilled`` or ``ambient`` [-].
    items : tuple of LoadItem
        In loading order, i.e. reverse delivery order.
    utilisation : dict
        Share of capacity used per measure (``weight_kg``, ``volume_m3``, ``pallets``);
        None for a measure without a finite capacity [-].
    """

    zone: str
    items: tuple[LoadItem, ...]
    utilisation: dict[str, float | None]

    def total(self, measure: str) -> float:
        """Sum of one measure over the items [kg, m³ or -]."""
        return float(sum(getattr(i, measure) for i in self.items))


@dataclass(frozen=True)
class VehicleLoad:
    """Loading plan of one vehicle.

    Parameters
    ----------
    vehicle_type : str
        Vehicle type id [-].
    compartments : tuple of CompartmentLoad
        In body order: frozen (front), chilled, ambient (door).
    payload_utilisation : float
        Total weight / payload [-].
    """

    vehicle_type: str
    compartments: tuple[CompartmentLoad, ...]
    payload_utilisation: float


def loading_plan(problem: Problem, route: PlannedRoute) -> VehicleLoad:
    """Which orders go into which compartment of a vehicle, and how full it is.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    route : PlannedRoute
        The vehicle's route.

    Returns
    -------
    VehicleLoad
    """
    vt = problem.vehicle_type(route.vehicle_type)
    orders = {o.id: o for o in problem.orders}
    comps = []
    total_kg = 0.0
    for zone in ZONES:
        cap = vt.compartments.get(zone)
        place = 1
        items = []
        for pos in range(len(route.stops), 0, -1):
            order = orders[route.stops[pos - 1].order]
            d = order.demand.get(zone)
            if d is None or d.is_empty:
                continue
            n_places = math.ceil(d.pallets - 1e-9)
            items.append(
                LoadItem(
                    order=order.id,
                    stop=pos,
                    weight_kg=d.weight_kg,
                    volume_m3=d.volume_m3,
                    pallets=d.pallets,
                    pallet_places=tuple(range(place, place + n_places)),
                )
            )
            place += n_places
        if not items and cap is None:
            continue
        util: dict[str, float | None] = {}
        for m in MEASURES:
            c = 0.0 if cap is None else cap.get(m)
            used = sum(getattr(i, m) for i in items)
            util[m] = None if math.isinf(c) else (used / c if c > 0 else math.inf)
        total_kg += sum(i.weight_kg for i in items)
        comps.append(CompartmentLoad(zone, tuple(items), util))
    payload = vt.payload_kg
    return VehicleLoad(vt.id, tuple(comps), total_kg / payload if payload > 0 else math.inf)
