"""Baseline dock assignment and schedule evaluation.

:func:`fcfs` is the greedy first-come-first-served rule a yard without an optimiser follows:
trucks in order of release, each sent to the compatible dock where it can start earliest
(appended after the trucks already sent there), respecting opening hours, latest departures and
dock-worker capacity. It is the baseline of the benchmark and the hint and fallback of the CP-SAT
scheduler (:mod:`parkzero.yard.scheduler`).

:func:`evaluate` recomputes a schedule's objective and checks every constraint of a
:class:`~parkzero.yard.problem.DockProblem`; solvers use it to set ``Schedule.feasible``.

All times are whole minutes after the planning day's midnight [min].

>>> from parkzero.yard.problem import DockProblem, DockSlot, TruckJob
>>> p = DockProblem(
...     trucks=(TruckJob("A", 0, {"D1": 30}), TruckJob("B", 5, {"D1": 30, "D2": 40})),
...     docks=(DockSlot("D1"), DockSlot("D2")),
... )
>>> s = fcfs(p)
>>> [(a.truck, a.dock, a.start_min, a.end_min) for a in s.assignments]
[('A', 'D1', 0, 30), ('B', 'D2', 5, 45)]
>>> s.objective  # (30 - 0) + (45 - 5)
70.0
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from parkzero.yard.problem import Assignment, DockProblem, DockSlot, Schedule, TruckJob

__all__ = ["Evaluation", "evaluate", "fcfs", "lower_bound"]


@dataclass(frozen=True)
class Evaluation:
    """A schedule measured against its problem.

    Parameters
    ----------
    objective : float
        Sum over placed trucks of weight × (end − release) [min].
    feasible : bool
        Every truck placed once and no constraint violated.
    violations : tuple[str, ...]
        One readable line per violated constraint (at most 50 are listed) [-].
    unplaced : tuple[str, ...]
        Trucks of the problem without an assignment [-].
    """

    objective: float
    feasible: bool
    violations: tuple[str, ...]
    unplaced: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# time lines shared with the scheduler


def _horizon(problem: DockProblem) -> int:
    """End of the planning horizon: no service can end after the last dock closes [min]."""
    return max((d.close_min for d in problem.docks), default=0)


def _workers(staff: Sequence[object], horizon: int) -> np.ndarray:
    """Dock workers on shift in each minute [0, horizon) [-] (overlapping windows add up)."""
    out = np.zeros(max(horizon, 0), dtype=np.int64)
    for w in staff:
        lo, hi = max(w.start_min, 0), min(w.end_min, horizon)  # type: ignore[attr-defined]
        if hi > lo:
            out[lo:hi] += w.workers  # type: ignore[attr-defined]
    return out


class _Timeline:
    """Dock free times and staff use while trucks are placed one after another."""

    def __init__(self, problem: DockProblem, now_min: int = 0) -> None:
        self.docks: dict[str, DockSlot] = {d.id: d for d in problem.docks}
        self.free: dict[str, int] = {d.id: d.open_min for d in problem.docks}
        self.now = now_min
        self.horizon = _horizon(problem)
        self.limited = bool(problem.staff)
        self.workers = _workers(problem.staff, self.horizon) if self.limited else np.zeros(0)
        self.used = np.zeros_like(self.workers)

    def occupy(self, a: Assignment, staff: int) -> None:
        """Record a service: the dock is busy until its end, its workers during it."""
        if a.dock in self.free:
            self.free[a.dock] = max(self.free[a.dock], a.end_min)
        if self.limited:
            lo, hi = max(a.start_min, 0), min(a.end_min, self.horizon)
            if hi > lo:
                self.used[lo:hi] += staff

    def best(
        self, truck: TruckJob, prefer: str | None = None, tolerance: int = 0
    ) -> tuple[str, int, int] | None:
        """The compatible dock where `truck` can start earliest, appended after its last truck.

        Ties go to the earlier end, then to the dock listed first. A `prefer`red dock wins when
        it starts at most `tolerance` minutes later than the best one. Returns (dock, start,
        end) [min], or None when no dock can take the truck in time.
        """
        if self.limited:
            bad = (self.used + truck.staff > self.workers).astype(np.int64)
            cum = np.concatenate(([0], np.cumsum(bad)))
            nxt: dict[int, np.ndarray] = {}
        best: tuple[int, int, int, str] | None = None
        choice: dict[str, tuple[int, int]] = {}
        for order, (dock_id, h) in enumerate(truck.handling_min.items()):
            dock = self.docks.get(dock_id)
            if dock is None or h <= 0:
                continue
            lo = max(truck.release_min, self.free[dock_id], dock.open_min, self.now)
            hi = dock.close_min - h
            if truck.latest_end_min is not None:
                hi = min(hi, truck.latest_end_min - h)
            if lo > hi:
                continue
            start = lo
            if self.limited:
                if h not in nxt:
                    ok = cum[h:] - cum[:-h] == 0  # ok[s]: no shortage in [s, s + h)
                    idx = np.where(ok, np.arange(ok.size), ok.size)
                    nxt[h] = np.minimum.accumulate(idx[::-1])[::-1]
                table = nxt[h]
                if lo >= table.size:
                    continue
                start = int(table[lo])
                if start > hi:
                    continue
            choice[dock_id] = (start, start + h)
            key = (start, start + h, order, dock_id)
            if best is None or key < best:
                best = key
        if best is None:
            return None
        if prefer is not None and prefer in choice and choice[prefer][0] <= best[0] + tolerance:
            return prefer, choice[prefer][0], choice[prefer][1]
        return best[3], best[0], best[1]


def _greedy(
    problem: DockProblem,
    trucks: Iterable[TruckJob],
    fixed: Sequence[Assignment] = (),
    now_min: int = 0,
    prefer: Mapping[str, str] | None = None,
    tolerance: int = 0,
) -> tuple[list[Assignment], list[str]]:
    """Place `trucks` in the given order after the `fixed` assignments; (placed, unplaced)."""
    line = _Timeline(problem, now_min)
    staff = {t.id: t.staff for t in problem.trucks}
    for a in fixed:
        line.occupy(a, staff.get(a.truck, 1))
    placed: list[Assignment] = []
    unplaced: list[str] = []
    for t in trucks:
        pick = line.best(t, (prefer or {}).get(t.id), tolerance)
        if pick is None:
            unplaced.append(t.id)
            continue
        a = Assignment(t.id, pick[0], pick[1], pick[2])
        line.occupy(a, t.staff)
        placed.append(a)
    return placed, unplaced


def _dispatch(
    problem: DockProblem,
    trucks: Sequence[TruckJob],
    fixed: Sequence[Assignment] = (),
    now_min: int = 0,
) -> tuple[list[Assignment], list[str]]:
    """Shortest-handling-first dispatching: whenever a dock is free, it takes the waiting truck
    with the least weighted handling time there (h / weight), if dock hours, the truck's latest
    departure and the dock workers allow. A hint for the scheduler, not a policy of its own."""
    line = _Timeline(problem, now_min)
    staff = {t.id: t.staff for t in problem.trucks}
    for a in fixed:
        line.occupy(a, staff.get(a.truck, 1))
    pending = _release_order(trucks)
    events = {d.open_min for d in problem.docks} | {w.start_min for w in problem.staff}
    events |= {max(t.release_min, now_min) for t in pending}
    events |= set(line.free.values())
    clock = sorted(events)
    placed: list[Assignment] = []
    waiting: list[TruckJob] = []
    nxt = 0
    heapq.heapify(clock)
    while clock:
        t = heapq.heappop(clock)
        while clock and clock[0] == t:
            heapq.heappop(clock)
        if t < now_min:
            continue
        while nxt < len(pending) and max(pending[nxt].release_min, now_min) <= t:
            waiting.append(pending[nxt])
            nxt += 1
        if not waiting:
            continue
        for dock_id, dock in line.docks.items():
            if line.free[dock_id] > t or not (dock.open_min <= t < dock.close_min):
                continue
            best: tuple[float, int, str] | None = None
            pick: TruckJob | None = None
            for truck in waiting:
                h = truck.handling_min.get(dock_id)
                if h is None or h <= 0 or t + h > dock.close_min:
                    continue
                if truck.latest_end_min is not None and t + h > truck.latest_end_min:
                    continue
                if line.limited and (
                    t + h > line.horizon
                    or (line.used[t : t + h] + truck.staff > line.workers[t : t + h]).any()
                ):
                    continue
                key = (h / truck.weight, truck.release_min, truck.id)
                if best is None or key < best:
                    best, pick = key, truck
            if pick is None:
                continue
            h = pick.handling_min[dock_id]
            a = Assignment(pick.id, dock_id, t, t + h)
            line.occupy(a, pick.staff)
            placed.append(a)
            waiting.remove(pick)
            heapq.heappush(clock, t + h)
    done = {a.truck for a in placed}
    return placed, [t.id for t in trucks if t.id not in done]


def _release_order(trucks: Iterable[TruckJob]) -> list[TruckJob]:
    return sorted(trucks, key=lambda t: (t.release_min, t.id))


# --------------------------------------------------------------------------------------------


def fcfs(problem: DockProblem) -> Schedule:
    """Greedy first-come-first-served dock assignment.

    Trucks are taken in order of release (ties by id); each goes to the compatible dock where it
    can start earliest, after the trucks already sent there, inside the dock's opening hours and
    its own latest departure, at a time when enough dock workers are free. A truck that fits
    nowhere is left unplaced. The buffer capacity is not steered (a first-come rule cannot) but
    is checked.

    Parameters
    ----------
    problem : DockProblem
        The day to schedule (times [min]).

    Returns
    -------
    Schedule
        ``solver="fcfs"``, ``status="HEURISTIC"``; ``feasible`` from :func:`evaluate`;
        ``objective`` = sum of weight × (end − release) over placed trucks [min].
    """
    t0 = time.perf_counter()
    placed, _unplaced = _greedy(problem, _release_order(problem.trucks))
    return _schedule(problem, placed, solver="fcfs", status="HEURISTIC", t0=t0)


def _schedule(
    problem: DockProblem,
    assignments: Sequence[Assignment],
    *,
    solver: str,
    status: str,
    t0: float,
    lower: float | None = None,
) -> Schedule:
    ev = evaluate(problem, assignments)
    ordered = tuple(sorted(assignments, key=lambda a: (a.start_min, a.dock, a.truck)))
    return Schedule(
        assignments=ordered,
        objective=ev.objective,
        feasible=ev.feasible,
        lower_bound=lower,
        status=status,
        solver=solver,
        wall_s=time.perf_counter() - t0,
        unplaced=ev.unplaced,
    )


def lower_bound(problem: DockProblem, now_min: int = 0) -> float:
    """Each truck alone at its fastest dock: a valid (weak) lower bound on the objective.

    Parameters
    ----------
    problem : DockProblem
    now_min : int
        No service may start before this time [min].

    Returns
    -------
    float
        Sum of weight × (earliest end − release) over trucks that fit some dock [min].
    """
    docks = {d.id: d for d in problem.docks}
    total = 0.0
    for t in problem.trucks:
        ends = [
            max(t.release_min, docks[k].open_min, now_min) + h
            for k, h in t.handling_min.items()
            if k in docks and h > 0
        ]
        if ends:
            total += t.weight * (min(ends) - t.release_min)
    return total


def evaluate(problem: DockProblem, assignments: Sequence[Assignment]) -> Evaluation:
    """Recompute the objective of `assignments` and check them against `problem`.

    Checked: each truck placed exactly once, at a compatible dock, for its handling time there,
    not before its release, inside the dock's opening hours, by its latest departure; one truck
    per dock at a time; dock workers in service ≤ workers on shift in every minute; trucks
    waiting (released, not started) ≤ buffer capacity at every time.

    Parameters
    ----------
    problem : DockProblem
    assignments : sequence of Assignment
        Times [min].

    Returns
    -------
    Evaluation
    """
    trucks = {t.id: t for t in problem.trucks}
    docks = {d.id: d for d in problem.docks}
    bad: list[str] = []
    seen: dict[str, Assignment] = {}
    objective = 0.0
    for a in assignments:
        t = trucks.get(a.truck)
        if t is None:
            bad.append(f"truck {a.truck}: not in the problem")
            continue
        if a.truck in seen:
            bad.append(f"truck {a.truck}: assigned twice")
            continue
        seen[a.truck] = a
        objective += t.weight * (a.end_min - t.release_min)
        h = t.handling_min.get(a.dock)
        dock = docks.get(a.dock)
        if h is None or dock is None:
            bad.append(f"truck {a.truck}: dock {a.dock} is not compatible")
            continue
        if a.end_min - a.start_min != h:
            bad.append(f"truck {a.truck}: served {a.end_min - a.start_min} min, needs {h}")
        if a.start_min < t.release_min:
            bad.append(f"truck {a.truck}: starts {a.start_min} before release {t.release_min}")
        if a.start_min < dock.open_min or a.end_min > dock.close_min:
            bad.append(f"truck {a.truck}: outside dock {a.dock} hours")
        if t.latest_end_min is not None and a.end_min > t.latest_end_min:
            bad.append(f"truck {a.truck}: ends {a.end_min} after latest {t.latest_end_min}")
    unplaced = tuple(t.id for t in problem.trucks if t.id not in seen)
    by_dock: dict[str, list[Assignment]] = {}
    for a in seen.values():
        by_dock.setdefault(a.dock, []).append(a)
    for dock_id, items in by_dock.items():
        items.sort(key=lambda a: (a.start_min, a.end_min))
        for prev, nxt in itertools.pairwise(items):
            if nxt.start_min < prev.end_min:
                bad.append(f"dock {dock_id}: trucks {prev.truck} and {nxt.truck} overlap")
    if problem.staff and seen:
        hi = max(_horizon(problem), *(a.end_min for a in seen.values()))
        workers = _workers(problem.staff, hi)
        delta = np.zeros(hi + 1, dtype=np.int64)
        for a in seen.values():
            delta[max(a.start_min, 0)] += trucks[a.truck].staff
            delta[max(a.end_min, 0)] -= trucks[a.truck].staff
        short = np.nonzero(np.cumsum(delta)[:-1] > workers)[0]
        if short.size:
            bad.append(f"staff: more workers needed than on shift at minute {int(short[0])}")
    if problem.buffer_capacity is not None:
        events: list[tuple[int, int]] = []
        for t in problem.trucks:
            got = seen.get(t.id)
            if got is None:
                events.append((t.release_min, 1))  # waits and is never served
            elif got.start_min > t.release_min:
                events += [(t.release_min, 1), (got.start_min, -1)]
        waiting = 0
        for when, step in sorted(events, key=lambda e: (e[0], e[1])):
            waiting += step
            if waiting > problem.buffer_capacity:
                bad.append(
                    f"buffer: {waiting} trucks waiting at minute {when}, "
                    f"capacity {problem.buffer_capacity}"
                )
                break
    if unplaced:
        bad.append(f"{len(unplaced)} truck(s) not placed: {', '.join(unplaced[:10])}")
    return Evaluation(
        objective=float(objective),
        feasible=not bad,
        violations=tuple(bad[:50]),
        unplaced=unplaced,
    )
