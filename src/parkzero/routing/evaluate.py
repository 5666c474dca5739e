"""Measures of a plan — vehicles, km, load factor, fuel, reefer hours, cost — and its activities.

Routing reports physical quantities only. The ``co2e_kg`` figure is activity × the weights the
caller supplied (:class:`~parkzero.routing.models.EmissionWeights`) and is there to rank plans;
the inventory's tCO2e comes from :mod:`parkzero.carbon` applied to :func:`activities`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from parkzero.carbon.models import Activity
from parkzero.routing.energy import energy_model
from parkzero.routing.matrix import Matrices
from parkzero.routing.models import MEASURES, EmissionWeights, Plan, PlannedRoute, Problem

__all__ = [
    "Measures",
    "RouteMeasures",
    "activities",
    "default_emission_weights",
    "measure",
    "measure_route",
    "violations",
    "with_emission_weights",
]

_TOL_MIN = 1e-3  # scheduling tolerance [min]: PyVRP rounds times to 1/1000 min per arc


@dataclass(frozen=True)
class RouteMeasures:
    """Physical and money figures of one route.

    Parameters
    ----------
    vehicle_type : str
        Vehicle type id [-].
    distance_km : float
        Route length [km].
    duration_h : float
        Departure to return [h].
    load_kg : float
        Weight on board when leaving the depot [kg].
    weight_utilisation : float
        `load_kg` / payload [-].
    traction_diesel_l, traction_kwh : float
        Traction energy, load-dependent per leg [L], [kWh].
    reefer_h : float
        Reefer unit running hours (the route duration, for vehicles with a reefer unit) [h].
    reefer_diesel_l, reefer_kwh : float
        Reefer unit energy [L], [kWh].
    cost_cny : float
        Fixed + distance + time + energy cost [CNY].
    """

    vehicle_type: str
    distance_km: float
    duration_h: float
    load_kg: float
    weight_utilisation: float
    traction_diesel_l: float
    traction_kwh: float
    reefer_h: float
    reefer_diesel_l: float
    reefer_kwh: float
    cost_cny: float


@dataclass(frozen=True)
class Measures:
    """Totals of a plan for one day.

    Parameters
    ----------
    vehicles : int
        Vehicles used [-].
    distance_km : float
        Vehicle-km [km].
    duration_h : float
        Sum of route durations [h].
    load_factor : float
        Weight carried / payload of the vehicles used [-].
    diesel_l : float
        Diesel, traction plus reefer units [L].
    electricity_kwh : float
        Electricity, traction plus reefer units [kWh].
    traction_diesel_l, reefer_diesel_l, traction_kwh, reefer_kwh : float
        The same split by use [L], [kWh].
    reefer_h : float
        Reefer unit running hours [h].
    cost_cny : float
        Running cost [CNY].
    co2e_kg : float or None
        Diesel × kgCO2e/L + kWh × kgCO2e/kWh with the problem's emission weights, None when
        it has none [kgCO2e].
    served_orders, unserved_orders : int
        Orders served and not served [-].
    routes : tuple of RouteMeasures
        Per route.
    """

    vehicles: int
    distance_km: float
    duration_h: float
    load_factor: float
    diesel_l: float
    electricity_kwh: float
    traction_diesel_l: float
    reefer_diesel_l: float
    traction_kwh: float
    reefer_kwh: float
    reefer_h: float
    cost_cny: float
    co2e_kg: float | None
    served_orders: int
    unserved_orders: int
    routes: tuple[RouteMeasures, ...] = ()

    def summary(self) -> dict[str, float | int | None]:
        """The totals as a flat dict, units in the keys [-]."""
        d = asdict(self)
        d.pop("routes")
        return d


def measure_route(problem: Problem, matrices: Matrices, route: PlannedRoute) -> RouteMeasures:
    """Figures of one route, with traction energy interpolated by the load on each leg.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    matrices : Matrices
        Distances [km] and times [min].
    route : PlannedRoute
        The route.

    Returns
    -------
    RouteMeasures
    """
    vt = problem.vehicle_type(route.vehicle_type)
    em = energy_model(vt)
    weights = {o.id: o.weight_kg for o in problem.orders}
    load = sum(weights[s.order] for s in route.stops)
    index = {o.id: len(problem.depots) + k for k, o in enumerate(problem.orders)}
    depot_i = problem.location_index(depot=route.depot)
    on_board = load
    prev = depot_i
    traction = 0.0
    for s in route.stops:
        i = index[s.order]
        traction += float(matrices.distance_km[prev, i]) * em.per_km(on_board)
        on_board -= weights[s.order]
        prev = i
    if route.stops:
        traction += float(matrices.distance_km[prev, depot_i]) * em.per_km(0.0)
    hours = route.duration_min / 60.0 if route.stops else 0.0
    reefer_h = hours if em.reefer_per_h > 0 else 0.0
    reefer = reefer_h * em.reefer_per_h
    diesel_t = traction if em.carrier == "diesel" else 0.0
    kwh_t = traction if em.carrier == "electricity" else 0.0
    diesel_r = reefer if em.reefer_carrier == "diesel" else 0.0
    kwh_r = reefer if em.reefer_carrier == "electricity" else 0.0
    prices = problem.prices
    cost = 0.0
    if route.stops:
        cost = (
            vt.fixed_cost_cny
            + vt.cost_per_km_cny * route.distance_km
            + vt.cost_per_h_cny * hours
            + prices.diesel_cny_per_l * (diesel_t + diesel_r)
            + prices.electricity_cny_per_kwh * (kwh_t + kwh_r)
        )
    return RouteMeasures(
        vehicle_type=vt.id,
        distance_km=route.distance_km,
        duration_h=hours,
        load_kg=load,
        weight_utilisation=load / vt.payload_kg if vt.payload_kg > 0 else 0.0,
        traction_diesel_l=diesel_t,
        traction_kwh=kwh_t,
        reefer_h=reefer_h,
        reefer_diesel_l=diesel_r,
        reefer_kwh=kwh_r,
        cost_cny=cost,
    )


def measure(problem: Problem, plan: Plan, matrices: Matrices) -> Measures:
    """Totals of a plan.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    plan : Plan
        The plan.
    matrices : Matrices
        Distances [km] and times [min] the plan was made with.

    Returns
    -------
    Measures
    """
    rms = tuple(measure_route(problem, matrices, r) for r in plan.routes if r.stops)
    payload = sum(problem.vehicle_type(r.vehicle_type).payload_kg for r in rms)
    diesel_t = sum(r.traction_diesel_l for r in rms)
    diesel_r = sum(r.reefer_diesel_l for r in rms)
    kwh_t = sum(r.traction_kwh for r in rms)
    kwh_r = sum(r.reefer_kwh for r in rms)
    w = problem.emission_weights
    co2 = None
    if w is not None:
        co2 = (diesel_t + diesel_r) * w.kgco2e_per_l_diesel + (kwh_t + kwh_r) * w.kgco2e_per_kwh
    return Measures(
        vehicles=len(rms),
        distance_km=sum(r.distance_km for r in rms),
        duration_h=sum(r.duration_h for r in rms),
        load_factor=sum(r.load_kg for r in rms) / payload if payload > 0 else 0.0,
        diesel_l=diesel_t + diesel_r,
        electricity_kwh=kwh_t + kwh_r,
        traction_diesel_l=diesel_t,
        reefer_diesel_l=diesel_r,
        traction_kwh=kwh_t,
        reefer_kwh=kwh_r,
        reefer_h=sum(r.reefer_h for r in rms),
        cost_cny=sum(r.cost_cny for r in rms),
        co2e_kg=co2,
        served_orders=sum(len(r.stops) for r in plan.routes),
        unserved_orders=len(plan.unserved),
        routes=rms,
    )


def violations(problem: Problem, plan: Plan, matrices: Matrices) -> list[str]:
    """Constraints a plan breaks: capacity per compartment, windows, hours, fleet size.

    Restrictions are not re-checked here (see :func:`parkzero.routing.solve.access`); the
    independent checker in the test suite checks everything.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    plan : Plan
        The plan.
    matrices : Matrices
        Distances [km] and times [min].

    Returns
    -------
    list of str
        One line per broken constraint; empty when the plan is feasible.
    """
    out: list[str] = []
    orders = {o.id: o for o in problem.orders}
    used: dict[str, int] = {}
    for n, r in enumerate(plan.routes, start=1):
        vt = problem.vehicle_type(r.vehicle_type)
        used[vt.id] = used.get(vt.id, 0) + 1
        depot = problem.depot(r.depot)
        for zone in {z for s in r.stops for z in orders[s.order].demand}:
            comp = vt.compartments.get(zone)
            for m in MEASURES:
                amount = sum(orders[s.order].amount(zone, m) for s in r.stops)
                cap = 0.0 if comp is None else comp.get(m)
                if amount > cap + 1e-6:
                    out.append(f"route {n} ({vt.id}): {zone} {m} {amount:g} > {cap:g}")
        weight = sum(orders[s.order].weight_kg for s in r.stops)
        if weight > vt.payload_kg + 1e-6:
            out.append(f"route {n} ({vt.id}): weight {weight:g} kg > payload {vt.payload_kg:g}")
        for s in r.stops:
            if s.start_min > orders[s.order].tw_end_min + _TOL_MIN:
                out.append(
                    f"route {n} ({vt.id}): order {s.order} served at {s.start_min:.1f}, "
                    f"after its window ends at {orders[s.order].tw_end_min:g}"
                )
        if r.stops and r.end_min > min(vt.shift_end_min, depot.close_min) + _TOL_MIN:
            out.append(f"route {n} ({vt.id}): returns at {r.end_min:.1f}, after the shift")
        if vt.max_duration_min is not None and r.duration_min > vt.max_duration_min + _TOL_MIN:
            out.append(f"route {n} ({vt.id}): lasts {r.duration_min:.1f} min")
    for t_id, k in used.items():
        if k > problem.vehicle_type(t_id).count:
            out.append(f"{t_id}: {k} vehicles used, {problem.vehicle_type(t_id).count} available")
    return out


def activities(
    problem: Problem, measures: Measures, *, period: str = "routing"
) -> tuple[Activity, ...]:
    """A year of the plan's energy use as activity data for :mod:`parkzero.carbon`.

    Daily figures × ``problem.operating_days_per_year``: diesel for traction and for reefer
    units as ``fuel.diesel.mobile`` [L], and electricity as ``electricity.grid`` [kWh], each
    ``estimated`` (a model, not a meter).

    Parameters
    ----------
    problem : Problem
        The routing problem (days per year, year, region).
    measures : Measures
        Daily totals of a plan.
    period : str
        Prefix of the ``source_id`` of each activity, e.g. ``"routing.baseline"`` [-].

    Returns
    -------
    tuple of Activity
    """
    year = problem.year or dt.date.today().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = problem.operating_days_per_year
    items = [
        ("fuel.diesel.mobile", measures.traction_diesel_l, "L", "traction"),
        ("fuel.diesel.mobile", measures.reefer_diesel_l, "L", "reefer"),
        ("electricity.grid", measures.traction_kwh, "kWh", "traction"),
        ("electricity.grid", measures.reefer_kwh, "kWh", "reefer"),
    ]
    return tuple(
        Activity(
            kind=kind,
            quantity=qty * days,
            unit=unit,
            start=start,
            end=end,
            source_id=f"{period}.{use}",
            quality="estimated",
            region=problem.region,
        )
        for kind, qty, unit, use in items
        if qty > 0
    )


def default_emission_weights(
    region: str | None = None, year: int | None = None, gwp_set: str = "AR6"
) -> EmissionWeights:
    """Diesel and grid-electricity factors from the carbon engine's default library.

    Parameters
    ----------
    region : str, optional
        Region code for the lookup, e.g. ``"CN-HB"``; ``"CN"`` when not given [-].
    year : int, optional
        Year of the factors; this year when not given [-].
    gwp_set : str
        GWP100 set [-].

    Returns
    -------
    EmissionWeights
        ``fuel.diesel.mobile`` per L and ``electricity.grid`` per kWh [kgCO2e/L, kgCO2e/kWh],
        with the factor ids in ``source``.

    Examples
    --------
    >>> w = default_emission_weights("CN-HB", 2023)
    >>> round(w.kgco2e_per_kwh, 4)
    0.4044
    """
    from parkzero.carbon.factors import FactorLibrary

    lib = FactorLibrary.default()
    region = region or "CN"
    year = year or dt.date.today().year
    values = []
    ids = []
    for kind, unit in (("fuel.diesel.mobile", "L"), ("electricity.grid", "kWh")):
        factor = lib.lookup(kind, region=region, year=year).factor
        values.append(factor.co2e_per_unit(gwp_set, lib) * factor.multiplier_from(unit))
        ids.append(factor.id)
    return EmissionWeights(
        kgco2e_per_l_diesel=values[0],
        kgco2e_per_kwh=values[1],
        source=f"parkzero.carbon default library, {gwp_set}: {', '.join(ids)}",
    )


def with_emission_weights(problem: Problem, gwp_set: str = "AR6") -> Problem:
    """The problem, with the carbon engine's factors filled in when it has no weights [-]."""
    if problem.emission_weights is not None:
        return problem
    weights = default_emission_weights(problem.region, problem.year, gwp_set)
    return problem.model_copy(update={"emission_weights": weights})
