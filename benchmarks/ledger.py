"""Ledger speed: signed readings verified and appended, and proofs on a 10-million-leaf log.

Two measurements, each against a baseline measured in the same run:

1. **Ingest.** ``--readings`` signed readings (default 100,000 from 1,000 meters) arrive as the
   JSON messages a gateway publishes. parkzero parses them, checks every Ed25519 signature
   against the meter's registered key, drops duplicates, appends them to the Merkle log and the
   readings table and commits, in batches of ``--batch`` (default 5,000), into a fresh SQLite
   store, with one checking process per CPU ahead of the storing one. Baselines, alternating
   with it in each of ``--repeat`` rounds (medians printed): the same batches checked by one
   thread beside the storing one (the design before worker processes), and one transaction
   per reading (unbatched) on a sample of ``--baseline-readings``. Also printed: the
   verify-only ceiling (signatures alone, on all cores) and the CPU each stage costs per
   reading, measured one after the other in one thread (libsodium and OpenSSL for the
   signatures), with the rate those costs allow on idle cores. Target (issue 9):
   ≥ 20,000 readings/s.
2. **Proofs.** A log of ``--leaves`` leaves (default 10,000,000) is built straight into the
   hash tiles of a SQLite store (leaf hashes of the 8-byte leaf numbers, appended in chunks of
   1,000,000 through the store's own tile writer; the entries table is not filled, because a
   proof never reads it). Inclusion and consistency proofs for random indexes are generated
   from the database, each in a new query, and verified. Baseline: generating one proof by
   rebuilding from all leaf hashes in memory (pure RFC 9162). Target: ≤ 5 ms per inclusion
   proof. The log's root is also checked against an independent in-memory computation.

Run from the repository root::

    .venv/bin/python benchmarks/ledger.py                     # both parts, about 2-4 minutes
    .venv/bin/python benchmarks/ledger.py --leaves 1000000    # a smaller log
    .venv/bin/python benchmarks/ledger.py --skip-proofs

The machine's load average is printed: other processes on the same cores slow every number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from parkzero.carbon.park import park_from_dict
from parkzero.ledger import merkle
from parkzero.ledger import store as ledger
from parkzero.ledger.store import _append_tiles  # the store's own tile writer
from parkzero.ledger.tables import LedgerLog
from parkzero.monitoring.readings import (
    reading_from_json,
    sign_reading,
    verify_backend,
    verify_signatures,
)
from parkzero.monitoring.registry import MeterSpec
from parkzero.monitoring.service import check_batch, ingest, register_meters, store_batch
from parkzero.store.service import save_park
from parkzero.store.session import make_engine, make_sessionmaker, upgrade

PARK = {"park": {"id": "bench", "name": "Benchmark park", "region": "湖北", "base_year": 2024}}
LOG = "bench.parkzero.example/ledger"


def fresh_store(folder: Path, name: str) -> str:
    url = f"sqlite:///{folder / name}"
    upgrade(url)
    return url


def make_readings(n: int, meters: int) -> tuple[list[MeterSpec], list[str]]:
    keys = [Ed25519PrivateKey.generate() for _ in range(meters)]
    specs = [
        MeterSpec(f"M{i:05d}", "electricity", "interval", k.public_key().public_bytes_raw(), "kWh")
        for i, k in enumerate(keys)
    ]
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    messages: list[str] = []
    for j in range(-(-n // meters)):
        ts = t0 + j * dt.timedelta(minutes=15)
        for i, key in enumerate(keys):
            if len(messages) == n:
                break
            messages.append(
                sign_reading(key, "bench", specs[i].id, ts, f"{1.5 + i % 7}", "kWh").to_json()
            )
    return specs, messages


def prepare(url: str, specs: list[MeterSpec]) -> None:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s, s.begin():
        save_park(s, park_from_dict(PARK, source="bench"))
        register_meters(s, "bench", specs, log=LOG)
    engine.dispose()


def cpu_seconds() -> float:
    """CPU time of this process and of its reaped children (the ingest workers) [s]."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def stage_costs(
    folder: Path, specs: list[MeterSpec], messages: list[str], batch: int
) -> dict[str, float]:
    """CPU per reading of each ingest stage, run one after the other in one thread [µs].

    ``parse``: JSON → checked fields; ``encode``: the signed message and the ledger entry;
    ``verify``: Ed25519 (libsodium, and OpenSSL through cryptography); ``hash``: the leaf hash;
    ``store``: :func:`store_batch` (dedup lookup, Merkle append, inserts, commit) on SQLite.
    """
    keys = {s.id: s.public_key for s in specs}
    n = len(messages)

    def per_reading(fn: Callable[[], object], rounds: int = 3) -> float:
        # best of a few rounds: a collection of the whole heap can land in any one of them
        best = float("inf")
        for _ in range(rounds):
            t = time.thread_time()
            fn()
            best = min(best, time.thread_time() - t)
        return best / n * 1e6

    out: dict[str, float] = {}
    out["parse"] = per_reading(lambda: [reading_from_json(m) for m in messages])
    parsed = [reading_from_json(m) for m in messages]
    out["encode"] = per_reading(lambda: [r.message_and_entry() for r in parsed])
    encoded = [r.message_and_entry() for r in parsed]
    items = [(keys[r.meter], r.sig, m) for r, (m, _) in zip(parsed, encoded, strict=True)]
    out["verify libsodium"] = per_reading(
        lambda: verify_signatures(items, threads=1, backend="libsodium")
    )
    out["verify cryptography (OpenSSL)"] = per_reading(
        lambda: verify_signatures(items, backend="cryptography")
    )
    out["hash"] = per_reading(lambda: [merkle.leaf_hash(e) for _, e in encoded])
    checked = [
        check_batch("bench", messages[i : i + batch], keys, threads=1) for i in range(0, n, batch)
    ]
    url = fresh_store(folder, "stages.db")
    prepare(url, specs)
    engine = make_engine(url)
    maker = make_sessionmaker(engine)

    def store() -> None:
        for c in checked:
            with maker() as s, s.begin():
                store_batch(s, "bench", c, log=LOG, source="mqtt")

    out["store"] = per_reading(store, rounds=1)  # a second round would find only duplicates
    engine.dispose()
    return out


def timed_ingest(
    folder: Path, name: str, specs: list[MeterSpec], messages: list[str], **options: Any
) -> tuple[float, float]:
    """Readings per second and CPU per reading (all threads and worker processes) [/s, µs]."""
    url = fresh_store(folder, name)
    prepare(url, specs)
    engine = make_engine(url)
    t, cpu = time.perf_counter(), cpu_seconds()
    result = ingest(engine, "bench", messages, log=LOG, source="mqtt", **options)
    wall, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    engine.dispose()
    assert result.accepted == len(messages) and result.rejected_total == 0, result.to_dict()
    return len(messages) / wall, cpu / len(messages) * 1e6


def bench_ingest(
    folder: Path, n: int, meters: int, batch: int, baseline_n: int, repeat: int
) -> list[tuple[str, str, str, str]]:
    print(f"signing {n:,} readings from {meters:,} meters…", flush=True)
    specs, messages = make_readings(n, meters)
    keys = {s.id: s.public_key for s in specs}
    cpus = os.cpu_count() or 1

    sample = [reading_from_json(m) for m in messages[:20_000]]
    items = [(keys[r.meter], r.sig, r.message()) for r in sample]
    verify_rates = []
    for _ in range(repeat):
        t = time.perf_counter()
        assert all(verify_signatures(items))
        verify_rates.append(len(items) / (time.perf_counter() - t))

    print("per-stage CPU…", flush=True)
    stages = stage_costs(folder, specs, messages[:20_000], batch)

    # The designs alternate within each repeat, so a burst of load elsewhere hits both alike.
    runs: dict[str, list[tuple[float, float]]] = {"processes": [], "thread": [], "unbatched": []}
    for r in range(repeat):
        print(f"ingest, round {r + 1} of {repeat}…", flush=True)
        runs["processes"].append(
            timed_ingest(folder, f"p{r}.db", specs, messages, batch_size=batch, workers=cpus)
        )
        runs["thread"].append(
            timed_ingest(folder, f"t{r}.db", specs, messages, batch_size=batch, workers=0)
        )
        runs["unbatched"].append(
            timed_ingest(folder, f"u{r}.db", specs, messages[:baseline_n], batch_size=1, workers=0)
        )
    rate = {k: statistics.median(x for x, _ in v) for k, v in runs.items()}
    cpu_us = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    verify_rate = statistics.median(verify_rates)
    # What the measured costs allow on idle cores: the storing process is serial, the rest
    # spreads over all cores.
    capacity = min(1e6 / stages["store"], cpus * 1e6 / cpu_us["processes"])
    spread = ", ".join(f"{x:,.0f}" for x, _ in runs["processes"])
    return [
        (f"signatures verified only, {cpus} threads (readings/s)", f"{verify_rate:,.0f}", "", ""),
        (
            f"ingest, batches of {batch:,}, {cpus} checking processes (readings/s)",
            f"{rate['processes']:,.0f}",
            f"unbatched: {rate['unbatched']:,.0f}",
            f"{rate['processes'] / rate['unbatched']:,.1f}x",
        ),
        (f"  runs ({repeat}; median above)", spread, "", ""),
        (
            f"ingest, batches of {batch:,}, one checking thread (readings/s)",
            f"{rate['thread']:,.0f}",
            "",
            f"{rate['processes'] / rate['thread']:,.2f}x",
        ),
        (
            "  CPU per reading, processes / thread (µs)",
            f"{cpu_us['processes']:.1f}",
            f"{cpu_us['thread']:.1f}",
            "",
        ),
        *[(f"  stage: {k} (µs CPU per reading)", f"{v:.1f}", "", "") for k, v in stages.items()],
        (
            f"  capacity of {cpus} idle cores at those costs (readings/s)",
            f"{capacity:,.0f}",
            "",
            "",
        ),
        (
            "  target ≥ 20,000 readings/s (measured)",
            "met" if rate["processes"] >= 20_000 else "NOT met",
            "",
            "",
        ),
    ]


def build_log(url: str, leaves: int, chunk: int = 1_000_000) -> list[bytes]:
    engine = make_engine(url)
    sha = __import__("hashlib").sha256
    hashes: list[bytes] = []
    t = time.perf_counter()
    with make_sessionmaker(engine)() as s, s.begin():
        ledger.create_log(s, LOG)
        size = 0
        while size < leaves:
            n = min(chunk, leaves - size)
            block = [sha(b"\x00" + struct.pack(">Q", i)).digest() for i in range(size, size + n)]
            tiles = _append_tiles(s, LOG, size, block)
            size += n
            hashes.extend(block)
            print(f"  {size:>12,} leaves  {time.perf_counter() - t:6.1f} s", flush=True)
        root = tiles.root(size)
        s.execute(update(LedgerLog).where(LedgerLog.id == LOG).values(size=size, root=root))
    engine.dispose()
    return hashes


def bench_proofs(
    folder: Path, leaves: int, samples: int, seed: int
) -> list[tuple[str, str, str, str]]:
    url = fresh_store(folder, "proofs.db")
    print(f"building a log of {leaves:,} leaves…", flush=True)
    t = time.perf_counter()
    hashes = build_log(url, leaves)
    build_s = time.perf_counter() - t
    size_mb = (folder / "proofs.db").stat().st_size / 1e6
    engine = make_engine(url)
    rng = random.Random(seed)
    with make_sessionmaker(engine)() as s:
        head = ledger.get_head(s, LOG)
        t = time.perf_counter()
        independent = merkle.root(hashes)
        root_s = time.perf_counter() - t
        assert independent == head.root, "the tiles give another root than the leaves"
        times = []
        for _ in range(samples):
            index = rng.randrange(leaves)
            t = time.perf_counter()
            proof = ledger.inclusion_proof(s, LOG, index)
            times.append(time.perf_counter() - t)
            merkle.verify_inclusion(hashes[index], index, leaves, proof, head.root)
        ctimes = []
        for _ in range(samples // 4 or 1):
            m = rng.randrange(1, leaves)
            t = time.perf_counter()
            proof = ledger.consistency_proof(s, LOG, m)
            ctimes.append(time.perf_counter() - t)
            merkle.verify_consistency(m, leaves, proof, ledger.root_at(s, LOG, m), head.root)
    engine.dispose()
    index = rng.randrange(leaves)
    t = time.perf_counter()
    rebuilt = merkle.inclusion_proof(hashes, index)
    rebuild_s = time.perf_counter() - t
    merkle.verify_inclusion(hashes[index], index, leaves, rebuilt, head.root)
    p50 = statistics.median(times) * 1e3
    p95 = sorted(times)[int(0.95 * (len(times) - 1))] * 1e3
    return [
        (f"log built: {leaves:,} leaves (s)", f"{build_s:,.1f}", f"{size_mb:,.0f} MB SQLite", ""),
        ("root checked against an in-memory rebuild (s)", f"{root_s:,.1f}", "", ""),
        (
            f"inclusion proof, p50 of {samples} (ms)",
            f"{p50:.2f}",
            f"full rebuild: {rebuild_s * 1e3:,.0f}",
            f"{rebuild_s * 1e3 / p50:,.0f}x",
        ),
        ("inclusion proof, p95 / max (ms)", f"{p95:.2f} / {max(times) * 1e3:.2f}", "", ""),
        (
            f"consistency proof, p50 of {len(ctimes)} (ms)",
            f"{statistics.median(ctimes) * 1e3:.2f}",
            "",
            "",
        ),
        ("  target ≤ 5 ms per inclusion proof (p95)", "met" if p95 <= 5 else "NOT met", "", ""),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--meters", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--baseline-readings", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="Ingest runs per design (median).")
    parser.add_argument("--leaves", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-proofs", action="store_true")
    parser.add_argument(
        "--dir", type=Path, default=None, help="Folder for the SQLite files (default: temporary)."
    )
    args = parser.parse_args(argv)
    print(
        f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}, Ed25519 backend {verify_backend()}"
    )
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        if not args.skip_ingest:
            rows += bench_ingest(
                folder, args.readings, args.meters, args.batch, args.baseline_readings, args.repeat
            )
        if not args.skip_proofs:
            rows += bench_proofs(folder, args.leaves, args.samples, args.seed)
    widths = [
        max(len(r[i]) for r in [("measure", "parkzero", "baseline", "ratio"), *rows])
        for i in range(4)
    ]
    print()
    for row in [("measure", "parkzero", "baseline", "ratio"), *rows]:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
