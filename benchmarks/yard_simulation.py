"""Yard simulation benchmark: optimised appointments vs FCFS without appointments (issue 7).

Acceptance: on the demo scenario (1,000 trucks, 50 docks) optimised appointments cut the mean
waiting by ≥ 30 % against first-come-first-served without appointments, averaged over ≥ 20
seeds, with the 95 % confidence interval (Student t) printed. Every seed draws a new day that
all policies share (common random numbers).

    .venv/bin/python benchmarks/yard_simulation.py [--seeds 20] [--scenario PATH] [--time-limit S]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
from scipy import stats

from parkzero.yard.simulation import load_scenario, simulate

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "examples" / "yard" / "demo-day.yaml"


def ci95(values: list[float]) -> tuple[float, float, float]:
    arr = np.asarray(values, dtype=float)
    half = float(stats.t.ppf(0.975, len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))
    return float(arr.mean()), float(arr.mean()) - half, float(arr.mean()) + half


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--scenario", type=Path, default=DEFAULT)
    ap.add_argument("--time-limit", type=float, default=None, help="CP-SAT day budget [s]")
    args = ap.parse_args()
    scenario = load_scenario(args.scenario)
    if args.time_limit is not None:
        opt = scenario.optimiser.model_copy(update={"time_limit_s": args.time_limit})
        scenario = scenario.model_copy(update={"optimiser": opt})
    names = scenario.policies
    rows: dict[str, list] = {n: [] for n in names}
    t0 = time.perf_counter()
    print(
        f"scenario {scenario.name}: {scenario.demand.trucks} trucks, "
        f"{len(scenario.yard.docks)} docks, {args.seeds} seeds"
    )
    print(f"{'seed':>4}  " + "  ".join(f"{n:>24}" for n in names) + "   wall_s")
    for seed in range(args.seeds):
        ts = time.perf_counter()
        res = simulate(scenario, seed)
        for n in names:
            rows[n].append(res[n])
        print(
            f"{seed:>4}  "
            + "  ".join(f"{res[n].mean_wait_min:>20.1f} min" for n in names)
            + f"   {time.perf_counter() - ts:6.1f}",
            flush=True,
        )
    base = names[0]
    print()
    print(
        f"{'policy':<24} {'mean_wait_min':>14} {'95% CI':>16} {'p95_wait_min':>13} "
        f"{'turnaround':>11} {'idle_fuel_l':>12} {'cut vs ' + base:>16} {'95% CI':>18}"
    )
    for n in names:
        m, lo, hi = ci95([r.mean_wait_min for r in rows[n]])
        p95 = np.mean([r.p95_wait_min for r in rows[n]])
        turn = np.mean([r.mean_turnaround_min for r in rows[n]])
        fuel = np.mean([r.idle_fuel_l for r in rows[n]])
        if n == base:
            cut = " " * 16 + " " * 19
        else:
            cuts = [
                1 - r.mean_wait_min / b.mean_wait_min
                for r, b in zip(rows[n], rows[base], strict=True)
            ]
            c, clo, chi = ci95(cuts)
            cut = f"{c:>16.1%} {f'{clo:.1%}…{chi:.1%}':>18}"
        print(
            f"{n:<24} {m:>14.1f} {f'{lo:.1f}…{hi:.1f}':>16} {p95:>13.1f} {turn:>11.1f} "
            f"{fuel:>12,.0f} {cut}"
        )
    opt = "appointments_optimised"
    if opt in rows and base == "fcfs":
        cuts = [
            1 - r.mean_wait_min / b.mean_wait_min
            for r, b in zip(rows[opt], rows[base], strict=True)
        ]
        c, clo, _ = ci95(cuts)
        verdict = "PASS" if c >= 0.30 else "FAIL"
        print(
            f"\nacceptance (mean waiting cut ≥ 30 %): {verdict}: {c:.1%} "
            f"(lower 95 % bound {clo:.1%}); total {time.perf_counter() - t0:.0f} s"
        )


if __name__ == "__main__":
    main()
