"""Independent checker of dock schedules, used on every schedule the yard tests produce.

Written apart from :func:`parkzero.yard.heuristics.evaluate` (minute-by-minute occupancy arrays
instead of sorted events) so that a bug in one does not hide in the other. It checks:

* every truck placed exactly once (or listed in ``unplaced``), no unknown trucks;
* compatibility: the dock is one of the truck's docks, service lasts its handling time there;
* release: no start before the truck's release;
* opening hours: inside the dock's [open, close];
* latest departure;
* one truck per dock at a time;
* dock workers in service ≤ workers on shift, every minute (when the problem limits staff);
* trucks waiting (released, not started) ≤ buffer capacity, every minute (when limited);
* the objective Σ weight × (end − release) recomputed, and the lower bound not above it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from parkzero.yard.problem import DockProblem, Schedule


def violations(problem: DockProblem, schedule: Schedule) -> list[str]:
    """Every rule `schedule` breaks, as readable lines (empty when it is valid)."""
    out: list[str] = []
    trucks = {t.id: t for t in problem.trucks}
    docks = {d.id: d for d in problem.docks}
    counts = Counter(a.truck for a in schedule.assignments)
    out += [f"{tid} assigned {n} times" for tid, n in counts.items() if n > 1]
    out += [f"{tid} is not a truck of the problem" for tid in counts if tid not in trucks]
    missing = {t for t in trucks if t not in counts}
    if missing != set(schedule.unplaced):
        out.append(f"unplaced {sorted(schedule.unplaced)} but missing {sorted(missing)}")
    horizon = 1 + max(
        [d.close_min for d in problem.docks] + [a.end_min for a in schedule.assignments]
    )
    for a in schedule.assignments:
        t, d = trucks.get(a.truck), docks.get(a.dock)
        if t is None:
            continue
        if d is None or a.dock not in t.handling_min:
            out.append(f"{a.truck} at incompatible dock {a.dock}")
            continue
        if a.end_min - a.start_min != t.handling_min[a.dock]:
            out.append(f"{a.truck} served {a.end_min - a.start_min} ≠ {t.handling_min[a.dock]}")
        if a.start_min < t.release_min:
            out.append(f"{a.truck} starts at {a.start_min} before its release {t.release_min}")
        if a.start_min < d.open_min or a.end_min > d.close_min:
            out.append(f"{a.truck} at {a.dock} {a.start_min}–{a.end_min} outside opening hours")
        if t.latest_end_min is not None and a.end_min > t.latest_end_min:
            out.append(f"{a.truck} leaves at {a.end_min} after {t.latest_end_min}")
    for dock_id in docks:
        busy = np.zeros(horizon, dtype=int)
        for a in schedule.assignments:
            if a.dock == dock_id:
                busy[a.start_min : a.end_min] += 1
        if busy.max(initial=0) > 1:
            out.append(f"dock {dock_id} serves two trucks at minute {int(np.argmax(busy > 1))}")
    if problem.staff:
        need = np.zeros(horizon, dtype=int)
        have = np.zeros(horizon, dtype=int)
        for a in schedule.assignments:
            if a.truck in trucks:
                need[a.start_min : a.end_min] += trucks[a.truck].staff
        for w in problem.staff:
            have[max(w.start_min, 0) : max(min(w.end_min, horizon), 0)] += w.workers
        if (need > have).any():
            out.append(f"staff short at minute {int(np.argmax(need > have))}")
    if problem.buffer_capacity is not None:
        waiting = np.zeros(horizon + 1, dtype=int)
        started = {a.truck: a.start_min for a in schedule.assignments}
        for t in problem.trucks:
            waiting[t.release_min : started.get(t.id, horizon)] += 1
        if waiting.max(initial=0) > problem.buffer_capacity:
            out.append(
                f"{waiting.max()} trucks waiting at minute {int(np.argmax(waiting))}, "
                f"buffer {problem.buffer_capacity}"
            )
    return out


def objective(problem: DockProblem, schedule: Schedule) -> float:
    """Σ weight × (end − release) over the placed trucks [min]."""
    trucks = {t.id: t for t in problem.trucks}
    return float(
        sum(
            trucks[a.truck].weight * (a.end_min - trucks[a.truck].release_min)
            for a in schedule.assignments
        )
    )


def check(problem: DockProblem, schedule: Schedule, *, expect_feasible: bool = True) -> float:
    """Assert `schedule` is valid for `problem` (and says so); return its objective [min]."""
    bad = violations(problem, schedule)
    if expect_feasible:
        assert not bad, "schedule breaks rules:\n" + "\n".join(bad[:20])
        assert schedule.feasible, "a valid schedule is reported infeasible"
    else:
        assert not schedule.feasible, "an invalid schedule is reported feasible"
    value = objective(problem, schedule)
    assert schedule.objective == value, f"objective {schedule.objective} ≠ recomputed {value}"
    if schedule.lower_bound is not None and schedule.feasible:
        assert schedule.lower_bound <= value + 1e-6, "lower bound above the objective"
    return value
