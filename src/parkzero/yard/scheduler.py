"""Dock scheduling with OR-Tools CP-SAT, offline (:func:`solve`) and online (:func:`reoptimise`).

Model (one day, whole minutes)
------------------------------
For each truck *i* and each compatible dock *k* an optional interval of fixed length
``h[i,k]`` (the handling time), present iff the literal ``x[i,k]`` is true, with start in
``[max(release_i, open_k, now), min(close_k, latest_end_i) − h[i,k]]``:

* exactly one ``x[i,k]`` per truck;
* NoOverlap of the intervals of each dock (one truck per dock at a time);
* Cumulative of all intervals with demand ``staff_i`` against the workers on shift (the
  :class:`~parkzero.yard.problem.StaffWindow` profile, modelled as the largest crew minus
  fixed blocking intervals where fewer are on shift);
* Cumulative of the waiting intervals ``[release_i, start_i)`` with demand 1 against the buffer
  capacity (trucks that have arrived and not yet started);
* objective: minimise Σ ``w_i`` × (``end_i`` − ``release_i``), waiting plus handling, the DBAP
  benchmark's objective. ``objective="wait"`` counts every truck alike (``w_i`` = 1),
  ``"weighted_turnaround"`` uses each truck's ``weight``. In :func:`reoptimise`,
  ``change_penalty`` per truck moved away from its announced dock and ``shift_penalty`` per
  minute away from its announced start are added, and ``max_changes`` caps the dock changes.

Search
------
1. The greedy first-come-first-served schedule (:func:`parkzero.yard.heuristics.fcfs`) is the
   fallback: :func:`solve` always returns a schedule, never worse than it. The hint is the
   better of it and shortest-handling-first dispatching.
2. Up to ``full_model_max_trucks`` trucks: the preemptive time-indexed LP relaxation (HiGHS)
   gives a lower bound, then the model above is solved for the whole day (``workers``
   threads) for a quarter of the remaining time. The bound reported is the larger of the LP
   and CP-SAT bounds.
3. Unless that proved optimality, large-neighbourhood search for the remaining time: a few
   trucks at a time (consecutive starts, or the trucks of two or three docks around a time)
   are freed, the others fixed, and the sub-model re-solved exactly by CP-SAT with a short
   deterministic limit; improvements are kept. Days larger than ``full_model_max_trucks``
   start here from the first-come-first-served schedule, and report the every-truck-alone
   bound of :func:`parkzero.yard.heuristics.lower_bound`.

>>> from parkzero.yard.problem import DockProblem, DockSlot, TruckJob
>>> p = DockProblem(
...     trucks=(TruckJob("A", 0, {"D1": 60, "D2": 10}), TruckJob("B", 0, {"D2": 30})),
...     docks=(DockSlot("D1"), DockSlot("D2")),
... )
>>> s = solve(p, CpSatParams(time_limit_s=5))
>>> [(a.truck, a.dock, a.start_min, a.end_min) for a in s.assignments]
[('A', 'D2', 0, 10), ('B', 'D2', 10, 40)]
>>> s.objective, s.lower_bound, s.status  # 10 + 40 beats A at D1 (60) + B at D2 (30)
(50.0, 50.0, 'OPTIMAL')
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from parkzero.errors import ConfigError
from parkzero.yard.heuristics import (
    _dispatch,
    _greedy,
    _horizon,
    _schedule,
    _workers,
    evaluate,
    lower_bound,
)
from parkzero.yard.problem import Assignment, DockProblem, Schedule, TruckJob

__all__ = ["OBJECTIVES", "CpSatParams", "reoptimise", "solve"]

_FULL_SHARE = 0.25
_LNS_STEP_S = 0.2
_LNS_LIGHT = True
_LNS_DTIME = 0.05
_LNS_PRESOLVE = True
_LNS_SIZE = 8
OBJECTIVES = ("wait", "weighted_turnaround")
"""Objectives the scheduler knows: unweighted or weighted sum of (end − release) [min]."""


@dataclass(frozen=True)
class CpSatParams:
    """Settings of the CP-SAT dock scheduler.

    Parameters
    ----------
    time_limit_s : float
        Wall-clock budget of the whole call [s].
    workers : int
        CP-SAT search workers (threads) [-].
    seed : int
        Random seed of the search [-].
    objective : str
        ``"wait"`` (Σ end − release, every truck alike) or ``"weighted_turnaround"``
        (Σ weight × (end − release)).
    change_penalty : float
        Re-optimisation: cost of sending a truck to another dock than the announced one, in
        minutes of turnaround [min].
    shift_penalty : float
        Re-optimisation: cost per minute between the new and the announced start [min/min].
    max_changes : int | None
        Re-optimisation: at most this many announced docks may change; None for no cap [-].
    full_model_max_trucks : int
        Up to this many trucks to place, one CP-SAT model of the whole day is solved first;
        beyond, the search starts from the first-come-first-served schedule [-].
    """

    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0
    objective: str = "wait"
    change_penalty: float = 60.0
    shift_penalty: float = 0.5
    max_changes: int | None = None
    full_model_max_trucks: int = 150

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ConfigError(
                f"unknown objective {self.objective!r}; expected one of {', '.join(OBJECTIVES)}",
                column="objective",
            )
        if not (math.isfinite(self.time_limit_s) and self.time_limit_s > 0):
            raise ConfigError(
                f"{self.time_limit_s} s; expected a positive number of seconds",
                column="time_limit_s",
            )
        for name, value in (
            ("change_penalty", self.change_penalty),
            ("shift_penalty", self.shift_penalty),
        ):
            if not (math.isfinite(value) and value >= 0):
                raise ConfigError(f"{value}; expected a number ≥ 0 [min]", column=name)
        for name, count in (
            ("workers", self.workers),
            ("full_model_max_trucks", self.full_model_max_trucks),
        ):
            if count < 1:
                raise ConfigError(f"{count} is too small; expected at least 1", column=name)
        if self.max_changes is not None and self.max_changes < 0:
            raise ConfigError("expected ≥ 0 or None", column="max_changes")


@dataclass
class _Result:
    assignments: dict[str, Assignment]
    status: str
    bound: float | None  # on Σ w (end - release) of the modelled trucks, when valid


def _scale(values: Sequence[float]) -> int:
    """1 when every coefficient is a whole number, else 100 (objective in 1/100 min)."""
    return 1 if all(float(v).is_integer() for v in values) else 100


def _build_and_solve(
    problem: DockProblem,
    trucks: Sequence[TruckJob],
    fixed: Sequence[Assignment],
    now: int | None,
    params: CpSatParams,
    hint: Mapping[str, Assignment],
    candidates: Mapping[str, Sequence[str]] | None,
    time_limit: float,
    penalties: bool,
    floor: float | None = None,
    light: bool = False,
    until: int | None = None,
    since: int | None = None,
) -> _Result:
    """One CP-SAT model over `trucks`, with `fixed` assignments occupying docks, staff, buffer.

    `floor` is a proven lower bound on Σ w (end − release) of `trucks` [min], used to stop
    the search once it is reached (only with the true weights and no penalties). `since` and
    `until` restrict every start to at least and every end to at most that time [min] (LNS
    neighbourhoods); fixed work outside [since, until) is then left out of the model.
    """
    docks = {d.id: d for d in problem.docks}
    truck_by_id = {t.id: t for t in problem.trucks}
    model = cp_model.CpModel()
    weighted = params.objective == "weighted_turnaround"
    w = {t.id: (t.weight if weighted else 1.0) for t in trucks}
    coefs = list(w.values())
    if penalties:
        coefs += [params.change_penalty, params.shift_penalty]
    scale = _scale(coefs)
    lo_time = now if now is not None else -(10**9)

    per_dock: dict[str, list[cp_model.IntervalVar]] = {d: [] for d in docks}
    staff_iv: list[cp_model.IntervalVar] = []
    staff_dem: list[int] = []
    wait_iv: list[cp_model.IntervalVar] = []
    lits: dict[str, list[tuple[str, cp_model.IntVar, cp_model.IntVar, int, int, int]]] = {}
    ends: dict[str, cp_model.IntVar] = {}
    starts: dict[str, cp_model.IntVar] = {}
    need_start = problem.buffer_capacity is not None or penalties
    terms: list[tuple[cp_model.IntVar, int]] = []
    constant = 0.0
    changes: list[cp_model.LinearExprT] = []
    fixed_changes = 0

    for t in trucks:
        opts = []
        names = candidates[t.id] if candidates is not None else list(t.handling_min)
        for k in names:
            h = t.handling_min.get(k)
            dock = docks.get(k)
            if h is None or dock is None or h <= 0:
                continue
            est = max(
                t.release_min, dock.open_min, lo_time, since if since is not None else lo_time
            )
            lst = dock.close_min - h
            if until is not None:
                lst = min(lst, until - h)
            if t.latest_end_min is not None:
                lst = min(lst, t.latest_end_min - h)
            if est > lst:
                continue
            x = model.new_bool_var(f"x[{t.id},{k}]")
            s = model.new_int_var(est, lst, f"s[{t.id},{k}]")
            iv = model.new_optional_fixed_size_interval_var(s, h, x, f"iv[{t.id},{k}]")
            per_dock[k].append(iv)
            if problem.staff:
                staff_iv.append(iv)
                staff_dem.append(t.staff)
            opts.append((k, x, s, h, est, lst))
        if not opts:
            continue  # fits no dock: left unplaced
        lits[t.id] = opts
        model.add_exactly_one(o[1] for o in opts)
        e_lo = min(o[4] + o[3] for o in opts)
        e_hi = max(o[5] + o[3] for o in opts)
        end = model.new_int_var(e_lo, e_hi, f"e[{t.id}]")
        ends[t.id] = end
        for _k, x, s, h, _lo, _hi in opts:
            model.add(end == s + h).only_enforce_if(x)
        if need_start:
            s_lo = min(o[4] for o in opts)
            s_hi = max(o[5] for o in opts)
            start = model.new_int_var(s_lo, s_hi, f"S[{t.id}]")
            starts[t.id] = start
            for _k, x, s, _h, _lo, _hi in opts:
                model.add(start == s).only_enforce_if(x)
            if problem.buffer_capacity is not None:
                size = model.new_int_var(0, max(s_hi - t.release_min, 0), f"w[{t.id}]")
                wait_iv.append(model.new_interval_var(t.release_min, size, start, f"wi[{t.id}]"))
        terms.append((end, round(w[t.id] * scale)))
        constant -= w[t.id] * t.release_min
        if penalties and t.fixed_dock is not None:
            chosen = [o[1] for o in opts if o[0] == t.fixed_dock]
            if chosen:
                changes.append(1 - chosen[0])
                terms.append((chosen[0], -round(params.change_penalty * scale)))
                constant += params.change_penalty
            else:
                fixed_changes += 1
                constant += params.change_penalty
        if penalties and t.fixed_start_min is not None and params.shift_penalty > 0:
            start = starts[t.id]
            dev = model.new_int_var(0, 10**6, f"dev[{t.id}]")
            model.add_abs_equality(dev, start - t.fixed_start_min)
            terms.append((dev, round(params.shift_penalty * scale)))

    if penalties and params.max_changes is not None and (changes or fixed_changes):
        model.add(sum(changes) + fixed_changes <= params.max_changes)

    first = min((t.release_min for t in trucks), default=0)
    if since is not None:
        first = max(first, since)
    last = until if until is not None else 10**9
    used_docks = {o[0] for opts in lits.values() for o in opts}
    for a in fixed:
        if a.end_min <= first or a.start_min >= last:
            continue
        if a.dock in used_docks or problem.staff:
            iv = model.new_fixed_size_interval_var(a.start_min, a.end_min - a.start_min, "")
            if a.dock in used_docks:
                per_dock[a.dock].append(iv)
            if problem.staff:
                staff_iv.append(iv)
                staff_dem.append(truck_by_id[a.truck].staff if a.truck in truck_by_id else 1)
    for ivs in per_dock.values():
        if len(ivs) > 1:
            model.add_no_overlap(ivs)

    if problem.staff and staff_iv:
        horizon = _horizon(problem)
        prof = _workers(problem.staff, horizon)
        cap = int(prof.max()) if prof.size else 0
        gaps = cap - prof
        change = np.flatnonzero(np.diff(gaps)) + 1
        bounds = [0, *change.tolist(), horizon]
        for lo, hi in itertools.pairwise(bounds):
            if hi > lo and gaps[lo] > 0:
                staff_iv.append(model.new_fixed_size_interval_var(lo, hi - lo, ""))
                staff_dem.append(int(gaps[lo]))
        model.add_cumulative(staff_iv, staff_dem, cap)

    if problem.buffer_capacity is not None:
        for a in fixed:
            r = truck_by_id[a.truck].release_min if a.truck in truck_by_id else a.start_min
            if a.start_min > r and a.start_min > first and r < last:
                wait_iv.append(model.new_fixed_size_interval_var(r, a.start_min - r, ""))
        if len(wait_iv) > problem.buffer_capacity:
            model.add_cumulative(wait_iv, [1] * len(wait_iv), problem.buffer_capacity)

    # identical trucks are interchangeable: the one listed first ends first
    twins: dict[tuple[object, ...], str] = {}
    for t in trucks:
        if t.id not in ends:
            continue
        key = (
            t.release_min,
            tuple(sorted(t.handling_min.items())),
            t.latest_end_min,
            t.weight,
            t.staff,
            t.fixed_dock,
            t.fixed_start_min,
            tuple(o[0] for o in lits[t.id]),
        )
        if key in twins:
            model.add(ends[twins[key]] <= ends[t.id])
        twins[key] = t.id

    objective = sum(coef * var for var, coef in terms)
    true_weights = all(w[t.id] == t.weight for t in trucks)
    if floor is not None and true_weights and not penalties and scale == 1:
        model.add(objective >= math.ceil(floor - constant - 1e-6))
    model.minimize(objective)

    for tid, opts in lits.items():
        given = hint.get(tid)
        if given is None:
            continue
        for k, x, s, _h, _lo, _hi in opts:
            model.add_hint(x, k == given.dock)
            if k == given.dock:
                model.add_hint(s, given.start_min)
        model.add_hint(ends[tid], given.end_min)
        if tid in starts:
            model.add_hint(starts[tid], given.start_min)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.05)
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    solver.parameters.log_search_progress = False
    if light:  # small LNS sub-problems: a deterministic work limit
        solver.parameters.max_deterministic_time = _LNS_DTIME
        solver.parameters.cp_model_presolve = _LNS_PRESOLVE
    code = solver.solve(model)
    status = solver.status_name(code)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Result({}, status, None)
    out: dict[str, Assignment] = {}
    for tid, opts in lits.items():
        for k, x, s, h, _lo, _hi in opts:
            if solver.boolean_value(x):
                start_val = int(solver.value(s))
                out[tid] = Assignment(tid, k, start_val, start_val + h)
                break
    bound = None
    if not penalties:
        bound = solver.best_objective_bound / scale + constant
    return _Result(out, status, bound)


def _lp_bound(problem: DockProblem, time_limit: float, max_columns: int = 250_000) -> float | None:
    """Lower bound from the preemptive time-indexed LP relaxation (HiGHS via SciPy).

    Variables y[i,k,t] ∈ [0, 1]: the part of minute t that dock k spends on truck i, zero
    outside the truck's release/latest end and the dock's hours. Each truck gets its whole
    handling time (Σ_k Σ_t y / h[i,k] = 1), each dock-minute holds at most one truck, each
    truck is at most at one dock in a minute, and the workers in service stay within the shift
    profile. For any real schedule
    end_i = Σ_k,t y·(t + ½)/h[i,k] + ½ Σ_k,t y, so the LP optimum of Σ w·(that − release) bounds
    the objective from below (Schulz & Skutella 2002, SIAM J. Discrete Math. 15(4):450–469).

    Returns the bound [min], or None when the LP is too large (> `max_columns` variables), not
    solved within `time_limit` [s], or infeasible.
    """
    try:  # SciPy comes with pvlib and scikit-learn; without it, no LP bound
        import scipy.sparse as sp
        from scipy.optimize import linprog
    except ImportError:  # pragma: no cover
        return None

    docks = {d.id: (j, d) for j, d in enumerate(problem.docks)}
    horizon = _horizon(problem)
    size = 0
    spans = []
    for i, t in enumerate(problem.trucks):
        for k, h in t.handling_min.items():
            if k not in docks or h <= 0:
                continue
            j, dock = docks[k]
            lo = max(t.release_min, dock.open_min, 0)
            hi = min(dock.close_min, horizon)
            if t.latest_end_min is not None:
                hi = min(hi, t.latest_end_min)
            if hi - lo >= h:
                spans.append((i, j, h, lo, hi, t.weight, t.staff))
                size += hi - lo
    if size == 0 or size > max_columns:
        return None
    cost = np.empty(size)
    eq_val = np.empty(size)
    eq_row = np.empty(size, dtype=np.int64)
    dock_row = np.empty(size, dtype=np.int64)
    staff_val = np.empty(size)
    minute = np.empty(size, dtype=np.int64)
    at = 0
    for i, j, h, lo, hi, weight, staff in spans:
        ts = np.arange(lo, hi)
        sl = slice(at, at + ts.size)
        cost[sl] = weight * ((ts + 0.5) / h + 0.5)
        eq_val[sl] = 1.0 / h
        eq_row[sl] = i
        dock_row[sl] = j * horizon + ts
        staff_val[sl] = staff
        minute[sl] = ts
        at += ts.size
    cols = np.arange(size)
    a_eq = sp.csr_matrix((eq_val, (eq_row, cols)), shape=(len(problem.trucks), size))
    a_ub = sp.csr_matrix((np.ones(size), (dock_row, cols)), shape=(len(docks) * horizon, size))
    # a truck is at one dock at a time
    a_truck = sp.csr_matrix(
        (np.ones(size), (eq_row * horizon + minute, cols)),
        shape=(len(problem.trucks) * horizon, size),
    )
    a_ub = sp.vstack([a_ub, a_truck]).tocsr()
    b_ub = np.ones(a_ub.shape[0])
    if problem.staff:
        a_staff = sp.csr_matrix((staff_val, (minute, cols)), shape=(horizon, size))
        a_ub = sp.vstack([a_ub, a_staff]).tocsr()
        b_ub = np.concatenate([b_ub, _workers(problem.staff, horizon).astype(float)])
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=np.ones(len(problem.trucks)),
        bounds=(0, 1),
        method="highs",
        options={"time_limit": max(time_limit, 0.1)},
    )
    if res.status != 0:
        return None
    released = sum(t.weight * t.release_min for t in problem.trucks)
    return float(res.fun) - released - 1e-6 * max(1.0, abs(float(res.fun)))


def _cost(
    trucks: Mapping[str, TruckJob],
    assignments: Sequence[Assignment],
    params: CpSatParams,
    penalties: bool,
) -> float:
    """The model's objective for `assignments`: weighted (end − release) plus penalties [min]."""
    weighted = params.objective == "weighted_turnaround"
    total = 0.0
    for a in assignments:
        t = trucks[a.truck]
        total += (t.weight if weighted else 1.0) * (a.end_min - t.release_min)
        if penalties and t.fixed_dock is not None and a.dock != t.fixed_dock:
            total += params.change_penalty
        if penalties and t.fixed_start_min is not None:
            total += params.shift_penalty * abs(a.start_min - t.fixed_start_min)
    return total


def _improve(
    problem: DockProblem,
    current: dict[str, Assignment],
    frozen: Sequence[Assignment],
    now: int | None,
    params: CpSatParams,
    deadline: float,
    penalties: bool,
) -> tuple[dict[str, Assignment], int]:
    """Large-neighbourhood search: re-solve a few trucks at a time with CP-SAT, keep what helps.

    Each step frees the trucks of one neighbourhood — consecutive starts in time, or the trucks
    of two or three docks inside a time window — fixes all others, and re-solves the freed
    trucks exactly (one CP-SAT worker, a short time limit) with the current solution as hint.
    The neighbourhood grows while the sub-problems solve to optimality and shrinks when they do
    not. Returns the improved assignments and the number of improving steps.
    """
    if not current:
        return current, 0
    rng = np.random.default_rng(params.seed)
    trucks = {t.id: t for t in problem.trucks}
    sub_params = CpSatParams(
        objective=params.objective,
        change_penalty=params.change_penalty,
        shift_penalty=params.shift_penalty,
        workers=1,
        seed=params.seed,
    )
    size = _LNS_SIZE
    improved = 0
    stall = 0
    while time.perf_counter() < deadline - 0.02 and stall < 400:
        ordered = sorted(current.values(), key=lambda a: (a.start_min, a.dock))
        n = len(ordered)
        if rng.random() < 0.4 or len(problem.docks) < 3:
            first = int(rng.integers(0, max(n - size, 0) + 1))
            chosen = ordered[first : first + size]
        else:  # the anchor's dock and one or two others it could use, around its start
            anchor = ordered[int(rng.integers(0, n))]
            others = [d for d in trucks[anchor.truck].handling_min if d != anchor.dock]
            pick = {anchor.dock}
            if others:
                extra = rng.choice(others, size=min(len(others), int(rng.integers(1, 3))))
                pick.update(str(d) for d in extra)
            on = [a for a in ordered if a.dock in pick]
            on.sort(key=lambda a: abs(a.start_min - anchor.start_min))
            chosen = on[:size]
        if len(chosen) < 2:
            stall += 1
            continue
        free_ids = {a.truck for a in chosen}
        docks_in = {a.dock for a in chosen}
        cands = {
            tid: sorted(d for d in trucks[tid].handling_min if d in docks_in) for tid in free_ids
        }
        fixed = [*frozen, *(a for a in current.values() if a.truck not in free_ids)]
        budget = min(_LNS_STEP_S, deadline - time.perf_counter())
        if budget <= 0.01:
            break
        res = _build_and_solve(
            problem,
            [trucks[tid] for tid in free_ids],
            fixed,
            now,
            sub_params,
            {tid: current[tid] for tid in free_ids},
            cands,
            budget,
            penalties,
            light=_LNS_LIGHT,
            until=max(a.end_min for a in chosen) + max(a.end_min - a.start_min for a in chosen),
            since=min(a.start_min for a in chosen),
        )
        size = min(size + 1, 40) if res.status == "OPTIMAL" else max(size - 1, 4)
        if len(res.assignments) < len(free_ids):
            stall += 1
            continue
        old = _cost(trucks, chosen, params, penalties)
        new_list = list(res.assignments.values())
        if _cost(trucks, new_list, params, penalties) < old - 1e-9:
            current.update(res.assignments)
            improved += 1
            stall = 0
        else:
            stall += 1
    return current, improved


def _run(
    problem: DockProblem,
    frozen: Sequence[Assignment],
    now: int | None,
    params: CpSatParams,
    t0: float,
) -> Schedule:
    frozen_ids = {a.truck for a in frozen}
    free = [t for t in problem.trucks if t.id not in frozen_ids]
    penalties = any(t.fixed_dock is not None or t.fixed_start_min is not None for t in free)
    order = sorted(
        free,
        key=lambda t: (
            t.fixed_start_min if t.fixed_start_min is not None else t.release_min,
            t.release_min,
            t.id,
        ),
    )
    prefer = {t.id: t.fixed_dock for t in free if t.fixed_dock is not None}
    # with a cap on changes the baseline keeps every announced dock it can
    tolerance = 10**6 if params.max_changes is not None else round(params.change_penalty)
    greedy, _ = _greedy(problem, order, frozen, now or 0, prefer, tolerance)
    baseline = [*frozen, *greedy]
    deadline = t0 + 0.97 * params.time_limit_s  # leaves time to evaluate and wrap up

    by_id = {t.id: t for t in problem.trucks}
    # hint: the better of first-come-first-served and shortest-handling-first dispatching
    hint = greedy
    if params.max_changes is None or not penalties:
        spt, _ = _dispatch(problem, free, frozen, now or 0)
        if (
            len(spt) >= len(greedy)
            and evaluate(problem, [*frozen, *spt]).feasible
            and _cost(by_id, spt, params, penalties) < _cost(by_id, greedy, params, penalties)
        ):
            hint = spt
    constant_frozen = sum(
        by_id[a.truck].weight * (a.end_min - by_id[a.truck].release_min) for a in frozen
    )
    bound_ok = params.objective == "weighted_turnaround" or all(t.weight == 1.0 for t in free)
    trivial = lower_bound(
        DockProblem(trucks=tuple(free), docks=problem.docks), now_min=now or -(10**9)
    )

    if len(free) <= params.full_model_max_trucks:
        floor = None
        if not frozen and not penalties:
            floor = _lp_bound(
                problem, max(0.2 * params.time_limit_s, min(2.0, 0.5 * params.time_limit_s))
            )
            if floor is not None and all(float(t.weight).is_integer() for t in free):
                floor = float(math.ceil(floor))  # the objective is a whole number then
            if floor is not None:
                trivial = max(trivial, floor)
        res = _build_and_solve(
            problem,
            free,
            frozen,
            now,
            params,
            {a.truck: a for a in hint},
            None,
            _FULL_SHARE * (deadline - time.perf_counter()),
            penalties,
            floor,
        )
        found = list(res.assignments.values())
        solver, status = "cp-sat", res.status
        base_lb = constant_frozen + trivial
        if res.bound is not None and bound_ok:
            integral = all(float(t.weight).is_integer() for t in free)
            cp_lb = math.ceil(res.bound - 1e-6) if integral else res.bound
            base_lb = max(base_lb, constant_frozen + cp_lb)
        lower: float | None = base_lb
    else:
        found = list(hint)
        solver, status = "cp-sat", "FEASIBLE"
        lower = constant_frozen + trivial
    if status != "OPTIMAL" and (params.max_changes is None or not penalties):
        start_from = found if len(found) >= len(hint) else hint
        if len(start_from) == len(free) and evaluate(problem, [*frozen, *start_from]).feasible:
            better, steps = _improve(
                problem, {a.truck: a for a in start_from}, frozen, now, params, deadline, penalties
            )
            if steps:
                found = list(better.values())
                solver += "+lns"
                status = "FEASIBLE"
    if penalties:
        lower = None

    exact = bound_ok and not penalties
    if found or not free:
        mine = evaluate(problem, [*frozen, *found])
        base = evaluate(problem, baseline)
        if (mine.feasible, -len(mine.unplaced), -_cost(by_id, found, params, penalties)) >= (
            base.feasible,
            -len(base.unplaced),
            -_cost(by_id, greedy, params, penalties),
        ):
            sched = _schedule(problem, [*frozen, *found], solver=solver, status=status, t0=t0)
            return _with_bound(sched, lower, exact)
    sched = _schedule(problem, baseline, solver="fcfs", status=status, t0=t0)
    return _with_bound(sched, lower, exact)


def _with_bound(s: Schedule, lower: float | None, exact: bool) -> Schedule:
    """Attach the lower bound; an optimal run of the reported objective is its own bound."""
    if s.status == "OPTIMAL" and s.feasible and exact and s.solver.startswith("cp-sat"):
        lower = s.objective
    if not s.feasible:
        lower = None  # a bound on a schedule that breaks rules or leaves trucks out means little
    return Schedule(
        assignments=s.assignments,
        objective=s.objective,
        feasible=s.feasible,
        lower_bound=None if lower is None else float(lower),
        status=s.status,
        solver=s.solver,
        wall_s=s.wall_s,
        unplaced=s.unplaced,
    )


def solve(problem: DockProblem, params: CpSatParams | None = None) -> Schedule:
    """Assign every truck of the day to a dock and a start time.

    Parameters
    ----------
    problem : DockProblem
        Trucks, docks, staff and buffer (times [min]).
    params : CpSatParams, optional
        Time limit [s], workers, seed, objective, decomposition settings.

    Returns
    -------
    Schedule
        The better (feasible first, then fewer unplaced, then lower objective) of the CP-SAT and
        the greedy first-come-first-served schedule. ``objective`` = Σ weight × (end − release)
        [min]; ``lower_bound`` [min] from CP-SAT's best bound, or the every-truck-alone bound
        for rolling-horizon runs; ``status`` is the CP-SAT status of the (last) model.
    """
    t0 = time.perf_counter()
    return _run(problem, (), None, params or CpSatParams(), t0)


def reoptimise(
    problem: DockProblem,
    current: Schedule,
    now_min: int,
    params: CpSatParams | None = None,
) -> Schedule:
    """Re-plan at time `now_min` after check-ins, delays and no-shows.

    Trucks of `current` that started before `now_min` keep their dock and times; trucks no
    longer in `problem` (no-shows) are dropped; every other truck is placed again, starting no
    earlier than `now_min`. A truck's ``fixed_dock`` / ``fixed_start_min`` (what its driver was
    told) is kept unless changing it saves more than ``change_penalty`` minutes, resp.
    ``shift_penalty`` per minute moved; ``max_changes`` caps the changed docks.

    Parameters
    ----------
    problem : DockProblem
        The updated day: actual release times of trucks that checked in, expected ones of the
        others [min].
    current : Schedule
        The schedule in force.
    now_min : int
        Current time [min].
    params : CpSatParams, optional

    Returns
    -------
    Schedule
        For all trucks of `problem`; ``objective`` counts started trucks too [min].
        ``lower_bound`` is None when announcements are penalised.
    """
    t0 = time.perf_counter()
    ids = {t.id for t in problem.trucks}
    frozen = [a for a in current.assignments if a.start_min < now_min and a.truck in ids]
    return _run(problem, frozen, now_min, params or CpSatParams(), t0)
