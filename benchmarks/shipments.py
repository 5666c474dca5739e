"""Shipment pipeline speed: N generated shipments x 3 legs through the DuckDB engine.

Generates a shipments and a legs Parquet file (leg 1: road HGV on a trip shared by 20
shipments; leg 2: rail or sea; leg 3: road LGV, refrigerated for one shipment in ten; a hub
operation for half of the shipments), runs :func:`parkzero.logistics.pipeline.run_pipeline` end
to end (read, validate, allocate on DuckDB, write Parquet) and prints shipment-legs per second.
On a sample it runs the same pipeline with the pandas engine and with DuckDB, checks that the
totals agree to 1e-9 relative and prints the ratio. On a third set (``--spark-sample``,
default 1,000,000 shipments) it runs DuckDB and Spark in local mode (``--master``, default
``local[*]``), twice on Spark (the first run includes the JIT warm-up), checks the totals and
every shipment agree to 1e-9 and prints the Spark/DuckDB time ratio. Spark runs only when
pyspark is installed (the ``spark`` extra); otherwise the output says it was not run.

The full set runs ``--repeat`` times (default 3) and the median is reported against the
issue's target of 1,000,000 shipment-legs per second.

Run: ``.venv/bin/python benchmarks/shipments.py [--shipments N] [--sample M]
[--spark-sample K] [--master URL] [--repeat R]`` (default N = 10,000,000, K = 1,000,000).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from parkzero.logistics.pipeline import run_pipeline

LEGS_PER_SHIPMENT = 3
TARGET = 1_000_000  # shipment-legs per second (issue 4)


def generate(n: int, folder: Path, seed: int = 14083) -> tuple[Path, Path]:
    """Write `n` shipments and 3 n legs as Parquet into `folder`; return the two paths."""
    rng = np.random.default_rng(seed)
    ids = pd.Series(np.arange(n)).astype(str).radd("S")
    days = rng.integers(0, 365, n)
    dates = (np.datetime64("2024-01-01") + days).astype("datetime64[D]").astype(str)
    hub = np.where(rng.random(n) < 0.5, "warehouse", None)
    shipments = pd.DataFrame(
        {
            "shipment_id": ids,
            "customer_id": pd.Series(rng.integers(0, 1000, n)).astype(str).radd("C"),
            "ship_date": dates,
            "mass_t": rng.uniform(0.1, 20.0, n).round(3),
            "hub_category": hub,
        }
    )
    trip = pd.Series(np.arange(n) // 20).astype(str).radd("T")
    second = np.where(rng.random(n) < 0.7, "rail", "sea")
    reefer = rng.random(n) < 0.1
    legs = pd.DataFrame(
        {
            "shipment_id": np.concatenate([ids.to_numpy()] * 3),
            "leg_no": np.repeat(np.arange(1, 4), n),
            "mode": np.concatenate([np.full(n, "road"), second, np.full(n, "road")]),
            "vehicle_class": np.concatenate(
                [np.full(n, "hgv"), np.full(n, None), np.full(n, "lgv")]
            ),
            "refrigerated": np.concatenate([np.zeros(2 * n, dtype=bool), reefer]),
            "distance_km": np.concatenate(
                [
                    rng.uniform(50, 800, n).round(1),
                    rng.uniform(200, 3000, n).round(1),
                    rng.uniform(5, 60, n).round(1),
                ]
            ),
            "trip_id": np.concatenate([trip.to_numpy(), np.full(2 * n, None)]),
        }
    )
    s_path, l_path = folder / f"shipments-{n}.parquet", folder / f"legs-{n}.parquet"
    shipments.to_parquet(s_path, index=False)
    legs.to_parquet(l_path, index=False)
    return s_path, l_path


def timed(s: Path, g: Path, out: Path, engine: str) -> tuple[float, dict[str, object]]:
    t0 = time.perf_counter()
    summary = run_pipeline(s, g, out, engine=engine)
    return time.perf_counter() - t0, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--spark-sample", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the full set (median)")
    parser.add_argument("--master", default="local[*]")
    args = parser.parse_args()
    n, m = args.shipments, min(args.sample, args.shipments)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        s, g = generate(n, folder)
        gen = time.perf_counter() - t0
        runs = [timed(s, g, folder / "out.parquet", "duckdb") for _ in range(max(args.repeat, 1))]
        times = sorted(t for t, _ in runs)
        secs, summary = statistics.median(times), runs[0][1]
        ss, sg = generate(m, folder, seed=7)
        t_duck, a = timed(ss, sg, folder / "a.parquet", "duckdb")
        t_pd, b = timed(ss, sg, folder / "b.parquet", "pandas")
        total_a, total_b = float(a["total_kgco2e"]), float(b["total_kgco2e"])  # type: ignore[arg-type]
        assert abs(total_a - total_b) <= 1e-9 * abs(total_b), (total_a, total_b)
    legs = n * LEGS_PER_SHIPMENT
    print(
        f"shipments benchmark ({n:,} shipments x {LEGS_PER_SHIPMENT} legs, generation {gen:.1f} s)"
    )
    print("| run | shipments | shipment-legs | time [s] | shipment-legs/s |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| duckdb, full (median of {len(times)}; {times[0]:.2f}-{times[-1]:.2f} s) | {n:,} "
        f"| {legs:,} | {secs:.2f} | {legs / secs:,.0f} |"
    )
    ml = m * LEGS_PER_SHIPMENT
    print(f"| duckdb, sample | {m:,} | {ml:,} | {t_duck:.2f} | {ml / t_duck:,.0f} |")
    print(f"| pandas, sample | {m:,} | {ml:,} | {t_pd:.2f} | {ml / t_pd:,.0f} |")
    print(f"duckdb / pandas speed ratio on the sample: {t_pd / t_duck:.2f}x")
    verdict = "met" if legs / secs >= TARGET else "NOT met"
    print(
        f"target {TARGET:,} shipment-legs/s on the full set: {verdict} ({legs / secs / TARGET:.2f}x)"
    )
    print(
        f"total {summary['total_kgco2e']:,.1f} kgCO2e over {summary['tkm']:,.0f} t·km "
        f"({summary['kgco2e_per_tkm']:.5f} kgCO2e/t·km)"
    )
    if args.spark_sample <= 0:
        print("Spark: not run (--spark-sample 0).")
        return
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("Spark: not run (pyspark is not installed; it comes with the 'spark' extra).")
        return
    spark_bench(min(args.spark_sample, n), args.master)


def spark_bench(k: int, master: str) -> None:
    """DuckDB vs Spark (local mode) on `k` shipments; checks the totals agree to 1e-9."""
    from parkzero.logistics.spark import spark_session

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ks, kg = generate(k, folder, seed=11)
        t_duck, a = timed(ks, kg, folder / "a.parquet", "duckdb")
        t0 = time.perf_counter()
        with spark_session(master) as session:
            start = time.perf_counter() - t0
            session.sparkContext.setLogLevel("ERROR")
            t_first, b = timed(ks, kg, folder / "b.parquet", "spark")
            t_spark, b = timed(ks, kg, folder / "c.parquet", "spark")
        total_a, total_b = float(a["total_kgco2e"]), float(b["total_kgco2e"])  # type: ignore[arg-type]
        assert abs(total_a - total_b) <= 1e-9 * abs(total_a), (total_a, total_b)
        fa, fb = pd.read_parquet(folder / "a.parquet"), pd.read_parquet(folder / "c.parquet")
        worst = float(
            (abs(fa["wtw_kgco2e"] - fb["wtw_kgco2e"]) / fa["wtw_kgco2e"].abs().clip(1e-300)).max()
        )
    kl = k * LEGS_PER_SHIPMENT
    print(f"\nSpark local mode ({master}), {k:,} shipments; JVM/session start {start:.1f} s")
    print("| run | shipment-legs | time [s] | shipment-legs/s |")
    print("|---|---:|---:|---:|")
    print(f"| duckdb | {kl:,} | {t_duck:.2f} | {kl / t_duck:,.0f} |")
    print(f"| spark, first run | {kl:,} | {t_first:.2f} | {kl / t_first:,.0f} |")
    print(f"| spark, second run | {kl:,} | {t_spark:.2f} | {kl / t_spark:,.0f} |")
    print(f"spark / duckdb time ratio (second run): {t_spark / t_duck:.1f}x")
    print(f"largest per-shipment relative difference spark vs duckdb: {worst:.1e}")


if __name__ == "__main__":
    main()
