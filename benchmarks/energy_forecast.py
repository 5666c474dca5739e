"""Day-ahead forecast skill on the demo park's 2024 hourly data (issue 5 target: skill ≥ 20 %).

Runs the rolling-origin backtest of ``parkzero.energy.forecast`` for the load and the PV of
``examples/demo-park/load_2024_hourly.csv`` (6 weeks of training, then every day of the year
forecast the evening before, retrained weekly) and prints the gradient-boosting model beside the
seasonal-naive baseline measured on the same hours: same hour last week for load, same hour
yesterday (× capacity ratio) for PV.

    .venv/bin/python benchmarks/energy_forecast.py [--retrain-days 7] [--threads 1]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from parkzero.energy import forecast as fc
from parkzero.energy import pv

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "examples" / "demo-park" / "load_2024_hourly.csv"
SITE = ROOT / "examples" / "demo-park" / "pv_site.yaml"
TARGET_SKILL = 0.20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain-days", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    loc = pv.load_site(SITE).location
    params = fc.ForecastParams(
        retrain_days=args.retrain_days,
        threads=args.threads,
        latitude=loc.latitude,
        longitude=loc.longitude,
        altitude_m=loc.altitude_m,
    )
    header = (
        f"{'target':<6} {'days':>4} {'fits':>4} {'model MAE kW':>12} {'naive MAE kW':>12} "
        f"{'model %':>8} {'naive %':>8} {'metric':<7} {'skill':>6} {'target':>7} {'time s':>7}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for target in ("load", "pv"):
        history = fc.read_history(HISTORY, target)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        result = fc.backtest(history, params)
        seconds = time.perf_counter() - t0
        key = "mape_pct" if target == "load" else "nmae_pct"
        label = "MAPE" if target == "load" else "nMAE"
        passed = result.skill >= TARGET_SKILL
        ok &= passed
        print(
            f"{target:<6} {result.days:>4} {result.origins:>4} "
            f"{result.metrics['mae_kw']:>12,.1f} {result.naive['mae_kw']:>12,.1f} "
            f"{result.metrics[key]:>8.2f} {result.naive[key]:>8.2f} {label:<7} "
            f"{100 * result.skill:>5.1f}% {'pass' if passed else 'FAIL':>7} {seconds:>7.1f}"
        )
    print()
    print(
        "skill = 1 - MAE_model / MAE_naive; naive: load = same hour last week, PV = same hour "
        "yesterday. PV is scored by nMAE (sum |error| / sum actual) because night zeros make MAPE "
        "undefined."
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
