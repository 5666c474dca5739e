"""Benchmark of parkzero.hvac: optimal chiller loading and a year of staging.

Run ``.venv/bin/python benchmarks/hvac.py`` (``--quick`` for a short smoke run). Prints:

1. One load on the 8-chiller example plant (examples/hvac/plant_8ch.yaml) and on the 3×800 RT
   literature case, both conventions: the certified optimum vs. scipy SLSQP started from equal
   loading (for "allow_off": SLSQP on every on/off set, best kept). Median time of repeats,
   speed-up, and SLSQP's optimality gap against the certified optimum.
2. A year of hourly staging of the 8-chiller plant (synthetic cooling-load year, formula
   below): wall and CPU time, energy against sequential staging with equal loading.
3. The dynamic programme's separable transition vs. a naive dense transition matrix on the
   same states (6 chillers, 3^6 = 729 states, 720 h): time and equal objectives.

Targets (issue 8): one 8-chiller load <= 50 ms; a year of hourly staging <= 30 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import resource
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from parkzero.hvac import (
    LoadProfile,
    Plant,
    StagingParams,
    compare_staging,
    equal_loading,
    optimal_loading,
    read_case,
    read_plant,
)
from parkzero.hvac.ocl import set_power_table
from parkzero.hvac.staging import _dp, _dp_tables, _steps

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "hvac"


def median_time(func: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time of `repeats` calls [s] and the last result."""
    times = []
    out: object = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def slsqp(plant: Plant, load: float, on: np.ndarray) -> float:
    """SLSQP from equal loading over the chillers in `on`; inf when it ends infeasible [kW]."""
    from scipy.optimize import minimize

    arr = plant.arrays()
    idx = np.nonzero(on)[0]
    q = arr.capacity_rt[idx]
    a, b, c, d = (arr.coef[idx, k] for k in range(4))
    lo, hi = arr.min_plr[idx], arr.max_plr[idx]
    if not (q @ lo <= load + 1e-9 and q @ hi >= load - 1e-9):
        return math.inf
    x0 = np.clip(np.full(idx.size, load / q.sum()), lo, hi)

    def fun(x: np.ndarray) -> float:
        return float(np.sum(a + x * (b + x * (c + x * d))))

    def jac(x: np.ndarray) -> np.ndarray:
        return np.asarray(b + x * (2 * c + 3 * d * x))

    cons = {"type": "eq", "fun": lambda x: float(q @ x - load), "jac": lambda x: q}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(
            fun,
            x0,
            jac=jac,
            bounds=list(zip(lo, hi, strict=True)),
            constraints=[cons],
            method="SLSQP",
            options={"ftol": 1e-10, "maxiter": 200},
        )
    # Generous to SLSQP: any feasible end point counts, converged or not.
    x = np.clip(res.x, lo, hi)
    feasible = abs(q @ x - load) <= 1e-6 * max(load, 1.0)
    return fun(x) if feasible else math.inf


def slsqp_all_sets(plant: Plant, load: float) -> float:
    """Best SLSQP result over every on/off set [kW]."""
    best = math.inf
    for bits in range(1, 2**plant.n):
        on = ((bits >> np.arange(plant.n)) & 1).astype(bool)
        best = min(best, slsqp(plant, load, on))
    return best


def ocl_table(name: str, plant: Plant, fracs: list[float], repeats: int) -> list[float]:
    """Print the OCL comparison for one plant; returns our median times [s]."""
    cap = plant.capacity_rt()
    arr = plant.arrays()
    all_on_min = float(np.sum(arr.capacity_rt * arr.min_plr))
    print(f"\n## One load: {name} ({plant.n} chillers, {cap:,.0f} RT)")
    header = (
        f"{'load_RT':>8} {'convention':>10} {'ours_ms':>8} {'slsqp_ms':>9} {'speed-up':>9} "
        f"{'ours_kW':>10} {'slsqp_kW':>10} {'slsqp_gap_%':>11} {'equal_kW':>10}"
    )
    print(header)
    ours_times = []
    gaps = []
    for frac in fracs:
        load = frac * cap
        for allow_off in (False, True):
            if not allow_off and load < all_on_min:
                continue
            t_ours, best = median_time(
                lambda load=load, allow_off=allow_off: optimal_loading(
                    plant, load, allow_off=allow_off
                ),
                repeats,
            )
            if allow_off:
                t_sl, sl = median_time(lambda load=load: slsqp_all_sets(plant, load), 1)
            else:
                everyone = np.ones(plant.n, dtype=bool)
                t_sl, sl = median_time(
                    lambda load=load, everyone=everyone: slsqp(plant, load, everyone), 3
                )
            power = best.power_kw  # type: ignore[attr-defined]
            assert best.proven()  # type: ignore[attr-defined]
            sl_kw = float(sl)  # type: ignore[arg-type]
            gap = 100 * (sl_kw - power) / power if math.isfinite(sl_kw) else math.inf
            gaps.append(gap)
            ours_times.append(t_ours)
            eq = equal_loading(plant, load).power_kw
            conv = "allow_off" if allow_off else "all_on"
            print(
                f"{load:8.0f} {conv:>10} {1e3 * t_ours:8.2f} {1e3 * t_sl:9.2f} "
                f"{t_sl / t_ours:8.1f}x {power:10.2f} {sl_kw:10.2f} {gap:11.4f} {eq:10.2f}"
            )
    finite = [g for g in gaps if math.isfinite(g)]
    print(
        f"SLSQP from equal loading: worst gap {max(finite):.3f} %, mean {statistics.mean(finite):.3f} %,"
        f" {sum(g > 1e-3 for g in finite)} of {len(gaps)} loads > 0.001 % above the certified"
        f" optimum, {len(gaps) - len(finite)} failed"
    )
    return ours_times


def random_plants(count: int) -> None:
    """SLSQP from equal loading vs. the certified optimum on random non-convex cubic plants."""
    from parkzero.hvac import Chiller, CubicCurve

    rng = np.random.default_rng(7)
    gaps, t_ours, t_sl = [], [], []
    for _ in range(count):
        chillers = []
        for i in range(4):
            cap = float(rng.uniform(300, 1000))
            s = cap / 800
            # Shapes like the literature curves: concave below an inflection PLR, then convex.
            c = float(rng.uniform(-1000, -200))
            d = float(rng.uniform(-c / 3 / 0.7, -c / 3 / 0.35))
            b = float(rng.uniform(0.9, 1.3)) * (c * c / (3 * d))  # keeps P' > 0
            curve = CubicCurve(float(rng.uniform(40, 140)) * s, b * s, c * s, d * s)
            chillers.append(Chiller(f"r{i}", cap, curve, min_plr=0.3))
        plant = Plant(tuple(chillers))
        arr = plant.arrays()
        lo = float(np.sum(arr.capacity_rt * arr.min_plr))
        load = lo + float(rng.uniform(0.0, 0.5)) * (plant.capacity_rt() - lo)
        t1, best = median_time(lambda plant=plant, load=load: optimal_loading(plant, load), 3)
        everyone = np.ones(plant.n, dtype=bool)
        t2, sl = median_time(lambda p=plant, x=load, on=everyone: slsqp(p, x, on), 3)
        power = best.power_kw  # type: ignore[attr-defined]
        sl_kw = float(sl)  # type: ignore[arg-type]
        gaps.append(100 * (sl_kw - power) / power if math.isfinite(sl_kw) else math.inf)
        t_ours.append(t1)
        t_sl.append(t2)
    finite = sorted(g for g in gaps if math.isfinite(g))
    print(f"\n## {count} random non-convex 4-chiller plants, all on, low-to-mid loads")
    print(
        f"certified optimum: median {1e3 * statistics.median(t_ours):.2f} ms; SLSQP from equal "
        f"loading: median {1e3 * statistics.median(t_sl):.2f} ms"
    )
    print(
        f"SLSQP above the optimum by > 0.01 %: {sum(g > 0.01 for g in finite)} of {count}; "
        f"worst {finite[-1]:.2f} %; failed {count - len(finite)}"
    )


def synthetic_year(cap_rt: float, hours: int) -> np.ndarray:
    """Cooling load of a logistics park [RT]: seasonal x diurnal shape, 5 % noise (seed 0)."""
    h = np.arange(hours)
    rng = np.random.default_rng(0)
    season = 0.55 + 0.35 * np.sin(2 * np.pi * (h / 24 - 100) / 365)
    day = 0.6 + 0.4 * np.clip(np.sin(np.pi * ((h % 24) - 6) / 14), 0, None)
    return np.clip(
        cap_rt * season * day * (1 + 0.05 * rng.standard_normal(hours)), 0, 0.98 * cap_rt
    )


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def staging_year(plant: Plant, hours: int) -> float:
    print(f"\n## Staging: {plant.name}, {hours:,} hourly steps (min on 2 h, min off 1 h)")
    profile = LoadProfile(dt.datetime(2024, 1, 1), 1.0, synthetic_year(plant.capacity_rt(), hours))
    w0, c0 = time.perf_counter(), cpu_s()
    cmp = compare_staging(plant, profile)
    wall, cpu = time.perf_counter() - w0, cpu_s() - c0
    b, o = cmp.baseline, cmp.optimised
    print(f"{'method':>26} {'kWh':>14} {'starts':>7} {'objective_kWh':>14}")
    print(
        f"{'sequential, equal PLR':>26} {b.energy_kwh:14,.0f} {b.starts:7d} {b.objective_kwh:14,.0f}"
    )
    print(
        f"{'DP + certified OCL':>26} {o.energy_kwh:14,.0f} {o.starts:7d} {o.objective_kwh:14,.0f}"
    )
    print(
        f"saving {cmp.saving_kwh:,.0f} kWh ({cmp.saving_pct:.2f} %); time {wall:.1f} s wall, "
        f"{cpu:.1f} s CPU"
    )
    return wall


def dense_dp(step_cost: np.ndarray, up: np.ndarray, down: np.ndarray, penalty: float) -> float:
    """Naive DP: the full (states x states) transition matrix every step; objective [kWh]."""
    _, dense = _dp_tables(up, down, penalty)
    shape = tuple(int(v) for v in (down + up))
    n = len(shape)
    trans = np.zeros(shape + shape)
    for i in range(n):
        view = [1] * (2 * n)
        view[i], view[n + i] = shape[i], shape[i]
        trans = trans + dense[i].reshape(view)
    size = math.prod(shape)
    trans = trans.reshape(size, size)
    idx = np.indices(shape)
    onset = np.zeros(shape, dtype=np.int64)
    for i in range(n):
        onset |= (idx[i] >= down[i]).astype(np.int64) << i
    onset = onset.reshape(-1)
    v = np.full(size, np.inf)
    v[np.ravel_multi_index(tuple(int(d) - 1 for d in down), shape)] = 0.0
    for t in range(step_cost.shape[0]):
        v = np.min(v[:, None] + trans, axis=0) + step_cost[t][onset]
    return float(np.min(v))


def dp_vs_dense(plant8: Plant, hours: int) -> float:
    plant = Plant(plant8.chillers[:6], name="first 6 chillers", switch_penalty_kwh=20.0)
    load = synthetic_year(plant.capacity_rt(), hours)
    power, _ = set_power_table(plant, load, params=StagingParams().ocl)
    cost = power * 1.0
    up = np.array([_steps(c.min_on_h, 1.0) for c in plant.chillers])
    down = np.array([_steps(c.min_off_h, 1.0) for c in plant.chillers])
    states = math.prod(int(v) for v in up + down)
    t_sep, sets = median_time(lambda: _dp(cost, up, down, 20.0, 10**6), 3)
    t_dense, obj_dense = median_time(lambda: dense_dp(cost, up, down, 20.0), 1)
    seq = np.asarray(sets)
    on = (seq[:, None] >> np.arange(plant.n)) & 1
    prev = np.vstack([np.zeros((1, plant.n), dtype=np.int64), on[:-1]])
    obj_sep = float(np.sum(cost[np.arange(hours), seq])) + 20.0 * int(np.sum(on != prev))
    print(f"\n## DP: {plant.n} chillers, {states} states, {hours} steps (path recovered)")
    print(f"{'method':>34} {'median_s':>9} {'objective_kWh':>14}")
    print(f"{'separable transitions + checkpoints':>34} {t_sep:9.3f} {obj_sep:14,.2f}")
    print(f"{'naive dense matrix (value only)':>34} {t_dense:9.3f} {float(obj_dense):14,.2f}")  # type: ignore[arg-type]
    print(
        f"speed-up {t_dense / t_sep:.1f}x; objectives differ by {abs(obj_sep - float(obj_dense)):.2e} kWh"
    )  # type: ignore[arg-type]
    return t_dense / t_sep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer loads, a 30-day year")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    plant8 = read_plant(EXAMPLES / "plant_8ch.yaml")
    case = read_case(EXAMPLES / "ocl_case_3x800RT.json")
    fracs = [0.15, 0.5, 0.85] if args.quick else [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97]
    t8 = ocl_table("8-chiller example plant", plant8, fracs, repeats)
    ocl_table(
        "3×800 RT literature case",
        case.plant,
        [load / case.plant.capacity_rt() for load in sorted(case.optima)],
        repeats,
    )
    random_plants(30 if args.quick else 200)
    hours = 720 if args.quick else 8760
    wall = staging_year(plant8, hours)
    dp_vs_dense(plant8, 168 if args.quick else 720)
    print("\n## Targets")
    print(f"one load, 8 chillers: max median {1e3 * max(t8):.1f} ms (target <= 50 ms)")
    print(f"{hours:,} h of hourly staging: {wall:.1f} s wall (target <= 30 s for 8,760 h)")


if __name__ == "__main__":
    main()
