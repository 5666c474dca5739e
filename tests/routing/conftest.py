"""Fixtures for the routing tests, and an independent feasibility checker.

The checker shares no code with :mod:`parkzero.routing.solve` or ``evaluate``: it re-derives
arrival times from the matrices, and re-checks capacity per compartment and measure, payload,
windows, shift and depot hours, route duration, fleet size, reefer-only orders, and traffic
restrictions (area polygons and tags, all-day and windowed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parkzero.routing import Matrices, Plan, Problem, build_matrices, load_problem

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "routing"
SHARED = REPO / "tests" / "data" / "vrptw"
TOL = 1e-6


def _inside(pt: tuple[float, float], poly: tuple[tuple[float, float], ...]) -> bool:
    # Ray casting along the first coordinate, written independently of solve._point_in_polygon.
    a, b = pt
    crossings = 0
    for (a1, b1), (a2, b2) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (b1 <= b < b2) or (b2 <= b < b1):
            a_cross = a1 + (b - b1) * (a2 - a1) / (b2 - b1)
            if a_cross > a:
                crossings += 1
    return crossings % 2 == 1


def check_plan(problem: Problem, plan: Plan, *, dimacs: bool = False) -> list[str]:
    """Every constraint a plan breaks, one line each; [] for a feasible plan.

    ``dimacs``: arcs truncated to one decimal, as the DIMACS objective plans with.
    """
    m = build_matrices(problem)
    if dimacs:
        m = Matrices(
            np.floor(m.distance_km * 10 + 1e-9) / 10, np.floor(m.duration_min * 10 + 1e-9) / 10
        )
    out: list[str] = []
    n_dep = len(problem.depots)
    idx = {o.id: n_dep + k for k, o in enumerate(problem.orders)}
    orders = {o.id: o for o in problem.orders}
    types = {v.id: v for v in problem.vehicle_types}
    seen: dict[str, int] = {}
    per_type: dict[str, int] = {}
    for r in plan.routes:
        if not r.stops:
            continue
        vt = types[r.vehicle_type]
        per_type[vt.id] = per_type.get(vt.id, 0) + 1
        if r.depot != vt.depot:
            out.append(f"{vt.id} starts at {r.depot}, home is {vt.depot}")
        depot = next(d for d in problem.depots if d.id == vt.depot)
        di = [d.id for d in problem.depots].index(vt.depot)
        if r.start_min < max(vt.shift_start_min, depot.open_min) - TOL:
            out.append(f"{vt.id} leaves at {r.start_min} before its shift")
        # capacity per compartment and measure, and payload
        for zone in ("frozen", "chilled", "ambient"):
            for meas in ("weight_kg", "volume_m3", "pallets"):
                total = 0.0
                for s in r.stops:
                    d = orders[s.order].demand.get(zone)
                    total += 0.0 if d is None else getattr(d, meas)
                comp = vt.compartments.get(zone)
                cap = 0.0 if comp is None else getattr(comp, meas)
                if total > cap + TOL:
                    out.append(f"{vt.id}: {zone}.{meas} {total} > {cap}")
        kg = sum(d.weight_kg for s in r.stops for d in orders[s.order].demand.values())
        if kg > vt.payload_kg + TOL:
            out.append(f"{vt.id}: payload {kg} > {vt.payload_kg}")
        # times
        t, prev = r.start_min, di
        for s in r.stops:
            o = orders[s.order]
            i = idx[o.id]
            arrival = t + m.duration_min[prev, i] * vt.speed_factor
            t = s.start_min  # the plan may wait, e.g. for a ban to end; it may not start early
            if t < max(arrival, o.tw_start_min) - 1e-3:
                out.append(f"{vt.id}: {o.id} starts {t:.4f} before arrival or window")
            if t > o.tw_end_min + 1e-3:
                out.append(f"{vt.id}: {o.id} starts {t:.4f} > window end {o.tw_end_min}")
            if o.reefer_only and not any(z in vt.compartments for z in ("frozen", "chilled")):
                out.append(f"{vt.id}: reefer-only {o.id} on a non-reefer vehicle")
            if o.depot is not None and o.depot != vt.depot:
                out.append(f"{o.id} must come from {o.depot}")
            for rule in problem.restrictions:
                if vt.id not in rule.vehicle_types:
                    continue
                covered = o.id in rule.orders or (
                    rule.area is not None
                    and (
                        rule.area in o.areas
                        or any(
                            a.id == rule.area and _inside(o.location, a.polygon)
                            for a in problem.areas
                        )
                    )
                )
                if not covered:
                    continue
                if rule.window is None:
                    out.append(f"{vt.id} serves barred {o.id}")
                elif t < rule.window[1] - TOL and t + o.service_min > rule.window[0] + TOL:
                    out.append(f"{vt.id} unloads at {o.id} at {t:.1f} during a ban {rule.window}")
            seen[o.id] = seen.get(o.id, 0) + 1
            t += o.service_min
            prev = i
        t += m.duration_min[prev, di] * vt.speed_factor
        if t > min(vt.shift_end_min, depot.close_min) + 1e-3:
            out.append(f"{vt.id}: back at {t:.2f}, after shift/depot close")
        if vt.max_duration_min is not None and t - r.start_min > vt.max_duration_min + 1e-3:
            out.append(f"{vt.id}: route lasts {t - r.start_min:.2f} > {vt.max_duration_min}")
    for t_id, k in per_type.items():
        if k > types[t_id].count:
            out.append(f"{t_id}: {k} used, {types[t_id].count} available")
    unserved = {u.order for u in plan.unserved}
    for o in problem.orders:
        k = seen.get(o.id, 0)
        if k > 1:
            out.append(f"{o.id} served {k} times")
        if k == 0 and o.id not in unserved:
            out.append(f"{o.id} silently dropped")
        if k == 1 and o.id in unserved:
            out.append(f"{o.id} served but listed as unserved")
    return out


@pytest.fixture(scope="session")
def checker():  # type: ignore[no-untyped-def]
    """The independent feasibility checker, :func:`check_plan`."""
    return check_plan


@pytest.fixture(scope="session")
def wuhan() -> Problem:
    return load_problem(EXAMPLES / "wuhan_cold_chain.yaml")


@pytest.fixture(scope="session")
def wuhan_small(wuhan: Problem) -> Problem:
    """The first 30 stores of the Wuhan example, same fleet and rules."""
    return wuhan.model_copy(update={"orders": wuhan.orders[:30], "name": "wuhan-30"})
