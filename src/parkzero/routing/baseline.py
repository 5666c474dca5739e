"""The baseline to compare an optimised plan with, and the lever result of the comparison.

The baseline is the plan in use today when the problem file gives one (``current_plan``).
Otherwise it is a documented manual dispatch rule, the way a planner fills trucks district by
district:

1. orders are grouped by the depot that can serve them and sorted by bearing from the depot
   (a sweep, so each truck gets one district);
2. each order goes on the first truck already opened (in opening order) whose compartments
   still have room and whose stops, visited in order of window opening time (waiting out any
   ban), still keep every window, ban and the shift (first fit);
3. if none fits, a new truck opens, of the first listed vehicle type that can serve the order
   (a type with vehicles left first).

(A next-fit variant — one trip per sweep cluster, the truck leaves as soon as the next order
does not fit — needs 46 vehicles on the Wuhan example, more than its fleet, so it is not used.)

No search is done: this is the status quo a routing tool replaces, not a competing heuristic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from parkzero.carbon.models import LeverResult
from parkzero.routing.evaluate import Measures, activities, measure, violations
from parkzero.routing.matrix import Matrices, build_matrices
from parkzero.routing.models import MEASURES, Order, Plan, PlannedRoute, Problem, Unserved
from parkzero.routing.solve import Access, RouteParams, access, schedule, solve

__all__ = [
    "LEVER_ID",
    "Comparison",
    "baseline_plan",
    "compare",
    "lever_result",
    "problem_digest",
]

#: Lever catalogue id of cold-chain routing [-].
LEVER_ID = "routing.cold_chain"
_TOL = 1e-3


def _bearing(problem: Problem, depot_id: str, order: Order) -> float:
    a0, b0 = problem.depot(depot_id).location
    a, b = order.location
    if problem.coordinates == "wgs84":  # (lat, lon): scale longitude by cos(lat)
        return math.atan2(a - a0, (b - b0) * math.cos(math.radians(a0)))
    return math.atan2(b - b0, a - a0)  # (x, y)


def _route_ok(
    problem: Problem, matrices: Matrices, acc: Access, type_id: str, orders: list[Order]
) -> PlannedRoute | None:
    vt = problem.vehicle_type(type_id)
    for zone in {z for o in orders for z in o.demand}:
        comp = vt.compartments.get(zone)
        for m in MEASURES:
            if sum(o.amount(zone, m) for o in orders) > (0.0 if comp is None else comp.get(m)):
                return None
    if sum(o.weight_kg for o in orders) > vt.payload_kg:
        return None
    seq = sorted(orders, key=lambda o: (o.tw_start_min, o.tw_end_min))
    route = schedule(
        problem,
        matrices,
        type_id,
        [o.id for o in seq],
        windows=[acc.windows[o.id][type_id] for o in seq],
    )
    for s in route.stops:
        ivs = acc.windows[s.order][type_id]
        if not any(a - _TOL <= s.start_min <= b + _TOL for a, b in ivs):
            return None
    depot = problem.depot(vt.depot)
    if route.end_min > min(vt.shift_end_min, depot.close_min) + _TOL:
        return None
    if vt.max_duration_min is not None and route.duration_min > vt.max_duration_min + _TOL:
        return None
    return route


def baseline_plan(problem: Problem, matrices: Matrices | None = None) -> Plan:
    """Today's plan: ``problem.current_plan`` if given, else the sweep rule of this module.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    matrices : Matrices, optional
        Distances [km] and times [min]; built from the problem when not given.

    Returns
    -------
    Plan
        ``feasible`` is False when a supplied current plan breaks a constraint (listed in
        ``evidence["violations"]``) or when the rule needs more vehicles than the fleet has.
    """
    matrices = matrices or build_matrices(problem)
    if problem.current_plan is not None:
        cur_routes = tuple(
            schedule(problem, matrices, r.vehicle_type, list(r.orders))
            for r in problem.current_plan
        )
        served = {o for r in cur_routes for o in r.orders}
        cur_unserved = tuple(
            Unserved(o.id, "not in the current plan") for o in problem.orders if o.id not in served
        )
        plan = Plan(cur_routes, cur_unserved, True, "current", {"baseline": "current_plan"})
        bad = violations(problem, plan, matrices)
        return Plan(
            cur_routes,
            cur_unserved,
            not bad and not cur_unserved,
            "current",
            {"baseline": "current_plan", "violations": bad},
        )

    acc = access(problem, matrices)
    unserved = acc.unserviceable()
    dropped = {u.order for u in unserved}
    left = {v.id: v.count for v in problem.vehicle_types}
    by_depot: dict[str, list[Order]] = {}
    candidates: dict[str, list[str]] = {}
    for o in problem.orders:
        if o.id in dropped:
            continue
        cands = [t for t, ivs in acc.windows[o.id].items() if ivs]
        candidates[o.id] = cands
        depot = problem.vehicle_type(cands[0]).depot
        by_depot.setdefault(depot, []).append(o)
    routes: list[PlannedRoute] = []
    for depot_id, orders in by_depot.items():
        orders.sort(key=lambda o: _bearing(problem, depot_id, o))
        open_routes: list[tuple[str, list[Order], PlannedRoute]] = []
        for o in orders:
            for k, (t_id, members, _) in enumerate(open_routes):
                if t_id not in candidates[o.id]:
                    continue
                trial = _route_ok(problem, matrices, acc, t_id, [*members, o])
                if trial is not None:
                    open_routes[k] = (t_id, [*members, o], trial)
                    break
            else:
                cands = [t for t in candidates[o.id] if problem.vehicle_type(t).depot == depot_id]
                cands = sorted(cands, key=lambda t: left[t] <= 0)  # types with vehicles first
                t_id = cands[0]
                left[t_id] -= 1
                route = _route_ok(problem, matrices, acc, t_id, [o]) or schedule(
                    problem, matrices, t_id, [o.id], windows=[acc.windows[o.id][t_id]]
                )
                open_routes.append((t_id, [o], route))
        routes.extend(r for _, _, r in open_routes)
    over = {t: -n for t, n in left.items() if n < 0}
    evidence: dict[str, object] = {"baseline": "sweep + window order (parkzero.routing.baseline)"}
    if over:
        evidence["vehicles_over_fleet"] = over
    return Plan(tuple(routes), tuple(unserved), not unserved and not over, "baseline", evidence)


@dataclass(frozen=True)
class Comparison:
    """Baseline against optimised plan.

    Parameters
    ----------
    baseline, optimised : Plan
        The two plans.
    baseline_measures, optimised_measures : Measures
        Their daily totals.
    lever : LeverResult
        The yearly activities for :mod:`parkzero.carbon` and the plan module.
    """

    baseline: Plan
    optimised: Plan
    baseline_measures: Measures
    optimised_measures: Measures
    lever: LeverResult


def lever_result(
    problem: Problem,
    baseline: Measures,
    optimised: Measures,
    evidence: dict[str, object],
    *,
    capex_cny: float = 0.0,
    lifetime_years: float = 5.0,
) -> LeverResult:
    """The ``routing.cold_chain`` lever: yearly diesel and electricity without and with it.

    Parameters
    ----------
    problem : Problem
        The routing problem (days per year, year, region).
    baseline, optimised : Measures
        Daily totals of the two plans.
    evidence : dict
        Solver settings and input digest.
    capex_cny : float
        Investment in the planning system, if the caller knows it [CNY].
    lifetime_years : float
        Economic life of that investment [yr].

    Returns
    -------
    LeverResult
        ``opex_delta_cny_per_year`` is the change in running cost [CNY/yr]; metrics carry the
        daily vehicles, km, load factor, fuel and reefer hours of both plans.
    """
    days = problem.operating_days_per_year
    metrics: dict[str, float] = {}
    for tag, m in (("baseline", baseline), ("optimised", optimised)):
        metrics[f"vehicles_{tag}"] = m.vehicles
        metrics[f"vehicle_km_per_day_{tag}"] = round(m.distance_km, 3)
        metrics[f"load_factor_{tag}"] = round(m.load_factor, 4)
        metrics[f"diesel_l_per_day_{tag}"] = round(m.diesel_l, 3)
        metrics[f"electricity_kwh_per_day_{tag}"] = round(m.electricity_kwh, 3)
        metrics[f"reefer_h_per_day_{tag}"] = round(m.reefer_h, 3)
        metrics[f"cost_cny_per_day_{tag}"] = round(m.cost_cny, 2)
    if baseline.vehicles:
        metrics["vehicles_saved_pct"] = round(
            100.0 * (baseline.vehicles - optimised.vehicles) / baseline.vehicles, 2
        )
    if baseline.distance_km:
        metrics["vehicle_km_saved_pct"] = round(
            100.0 * (baseline.distance_km - optimised.distance_km) / baseline.distance_km, 2
        )
    return LeverResult(
        lever=LEVER_ID,
        baseline=activities(problem, baseline, period="routing.baseline"),
        scenario=activities(problem, optimised, period="routing.optimised"),
        capex_cny=capex_cny,
        opex_delta_cny_per_year=round((optimised.cost_cny - baseline.cost_cny) * days, 2),
        lifetime_years=lifetime_years,
        metrics=metrics,
        evidence=evidence,
    )


def compare(
    problem: Problem, params: RouteParams | None = None, *, matrices: Matrices | None = None
) -> Comparison:
    """Run the baseline and the optimiser on the same problem and build the lever result.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    params : RouteParams, optional
        Optimiser settings (objective, time limit [s], seed).
    matrices : Matrices, optional
        Distances [km] and times [min].

    Returns
    -------
    Comparison
    """
    matrices = matrices or build_matrices(problem)
    params = params or RouteParams()
    base = baseline_plan(problem, matrices)
    opt = solve(problem, params, matrices=matrices)
    bm = measure(problem, base, matrices)
    om = measure(problem, opt, matrices)
    evidence = {
        **opt.evidence,
        "baseline": base.evidence.get("baseline"),
        "problem": problem.name,
        "input_sha256": problem_digest(problem),
    }
    return Comparison(base, opt, bm, om, lever_result(problem, bm, om, evidence))


def problem_digest(problem: Problem) -> str:
    """SHA-256 of the problem's canonical JSON, to tie a result to its input [-]."""
    import hashlib

    return hashlib.sha256(problem.model_dump_json().encode("utf-8")).hexdigest()
