"""Benchmark of the dock scheduler (issue 7): CP-SAT against first-come-first-served.

Run ``.venv/bin/python benchmarks/yard.py`` (``--quick`` for a short smoke run). Prints:

1. The 20 DBAP instances of Lalla-Ruiz et al. (2012) (30 trucks × 3 or 5 docks; objective =
   Σ (end − arrival), waiting plus handling, as in the benchmark): greedy FCFS, the CP-SAT
   schedule, its lower bound (LP relaxation / CP-SAT bound), the gap (objective − bound) /
   objective, the wall time, and the saving against FCFS. Target: CP-SAT beats FCFS on every
   instance.
2. A generated 1,000-truck, 50-dock day (:func:`parkzero.yard.generate.generate_day`, seed 0,
   two dock-worker shifts, buffer for 150 trucks): FCFS vs CP-SAT, mean waiting per truck and
   the ratio. Target: scheduled in ≤ 10 s.

Every schedule is re-checked with :func:`parkzero.yard.heuristics.evaluate`. The instances are
read from tests/data/yard/dock_scheduling (copies of the shared benchmark files).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from parkzero.yard.dbap import read_dbap
from parkzero.yard.generate import DayParams, generate_day
from parkzero.yard.heuristics import evaluate, fcfs
from parkzero.yard.problem import DockProblem, Schedule
from parkzero.yard.scheduler import CpSatParams, solve

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "tests" / "data" / "yard" / "dock_scheduling"
BIG = DayParams(trucks=1000, docks=50, workers=(46, 42), buffer_share=0.15)


def mean_wait(problem: DockProblem, s: Schedule) -> float:
    """Mean waiting (start − release) per placed truck [min]."""
    release = {t.id: t.release_min for t in problem.trucks}
    waits = [a.start_min - release[a.truck] for a in s.assignments]
    return sum(waits) / max(len(waits), 1)


def valid(problem: DockProblem, s: Schedule) -> bool:
    ev = evaluate(problem, s.assignments)
    return ev.feasible and ev.objective == s.objective


def run_dbap(limit: float, names: list[str]) -> bool:
    print(f"DBAP instances, CP-SAT time limit {limit:g} s, {CpSatParams().workers} workers")
    head = f"{'instance':<10} {'fcfs':>7} {'cp-sat':>7} {'bound':>7} {'gap':>6} {'time_s':>7} {'saving':>7}"
    print(head)
    print("-" * len(head))
    wins = 0
    ratios = []
    for name in names:
        p = read_dbap(INSTANCES / f"{name}.txt")
        base = fcfs(p)
        s = solve(p, CpSatParams(time_limit_s=limit))
        ok = valid(p, s) and valid(p, base)
        wins += ok and s.objective < base.objective
        ratios.append(s.objective / base.objective)
        lb = s.lower_bound
        gap = "-" if lb is None else f"{100 * (s.objective - lb) / s.objective:.1f}%"
        print(
            f"{name:<10} {base.objective:>7,.0f} {s.objective:>7,.0f} "
            f"{'-' if lb is None else f'{lb:,.0f}':>7} {gap:>6} {s.wall_s:>7.2f} "
            f"{100 * (1 - s.objective / base.objective):>6.1f}%" + ("" if ok else "  INVALID")
        )
    print(
        f"CP-SAT beats FCFS on {wins}/{len(names)} instances; mean objective ratio "
        f"CP-SAT/FCFS {sum(ratios) / len(ratios):.3f}"
    )
    return wins == len(names)


def run_big(limit: float, seed: int) -> bool:
    t0 = time.perf_counter()
    p = generate_day(BIG, seed=seed)
    gen_s = time.perf_counter() - t0
    pairs = sum(len(t.handling_min) for t in p.trucks)
    print(
        f"\nGenerated day: {len(p.trucks):,} trucks, {len(p.docks)} docks, {pairs:,} "
        f"truck-dock pairs, buffer {p.buffer_capacity}, seed {seed} (generated in {gen_s:.2f} s)"
    )
    base = fcfs(p)
    s = solve(p, CpSatParams(time_limit_s=limit))
    head = f"{'method':<8} {'objective':>10} {'mean_wait_min':>14} {'feasible':>9} {'time_s':>7}"
    print(head)
    print("-" * len(head))
    for label, sched in (("fcfs", base), ("cp-sat", s)):
        print(
            f"{label:<8} {sched.objective:>10,.0f} {mean_wait(p, sched):>14.1f} "
            f"{valid(p, sched)!s:>9} {sched.wall_s:>7.2f}"
        )
    lb = s.lower_bound
    print(
        f"ratio CP-SAT/FCFS: objective {s.objective / base.objective:.3f}, mean waiting "
        f"{mean_wait(p, s) / max(mean_wait(p, base), 1e-9):.3f}; lower bound "
        f"{'-' if lb is None else f'{lb:,.0f}'} ({s.solver}, {s.status})"
    )
    ok = valid(p, s) and s.wall_s <= 10.0
    print(f"scheduled in {s.wall_s:.2f} s (target ≤ 10 s): {'ok' if ok else 'MISSED'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-limit", type=float, default=10.0, help="per DBAP instance [s]")
    ap.add_argument("--big-time-limit", type=float, default=9.5, help="1,000-truck day [s]")
    ap.add_argument("--seed", type=int, default=0, help="seed of the generated day")
    ap.add_argument("--quick", action="store_true", help="4 instances at 2 s, day at 5 s")
    args = ap.parse_args(argv)
    names = [f"f30x{m}-{k:02d}" for m in (3, 5) for k in range(1, 11)]
    if args.quick:
        names, args.time_limit, args.big_time_limit = names[::5], 2.0, 5.0
    ok = run_dbap(args.time_limit, names)
    ok = run_big(args.big_time_limit, args.seed) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
