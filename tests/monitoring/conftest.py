"""Fixtures of the monitoring tests: a stored park, meters with device keys, signed readings."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from parkzero.carbon.park import park_from_dict
from parkzero.ledger.checkpoint import generate_log_key
from parkzero.ledger.note import Signer, Verifier
from parkzero.monitoring.readings import SignedReading, sign_reading
from parkzero.monitoring.registry import MeterSpec
from parkzero.monitoring.service import register_meters
from parkzero.store.service import save_park
from parkzero.store.session import make_engine, make_sessionmaker

# The store's database fixtures (SQLite and PostgreSQL; PostgreSQL required under CI=true).
from ..store.conftest import PARK, blank_url, db_url  # noqa: F401

LOG = "wuhan-demo.parkzero.example/ledger"
PARK_ID = PARK["park"]["id"]
T0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=15)


@dataclass
class Site:
    """A park in the store with registered meters and their device keys."""

    url: str
    engine: Engine
    keys: dict[str, Ed25519PrivateKey]
    meters: dict[str, MeterSpec]
    log_signer: Signer
    log_key: Verifier
    skey: str

    def sign(self, meter: str, i: int, value: float | str) -> SignedReading:
        spec = self.meters[meter]
        return sign_reading(self.keys[meter], PARK_ID, meter, T0 + i * STEP, value, spec.unit)


def meter_specs(keys: dict[str, Ed25519PrivateKey]) -> list[MeterSpec]:
    def pub(m: str) -> bytes:
        return keys[m].public_key().public_bytes_raw()

    return [
        MeterSpec("E-MAIN", "electricity", "cumulative", pub("E-MAIN"), "kWh"),
        MeterSpec(
            "E-SORT",
            "electricity",
            "cumulative",
            pub("E-SORT"),
            "kWh",
            zone="sorting",
            parent="E-MAIN",
        ),
        MeterSpec(
            "E-COLD",
            "electricity",
            "interval",
            pub("E-COLD"),
            "kWh",
            zone="cold-store",
            tenant="coldco",
            parent="E-MAIN",
        ),
        MeterSpec("W-1", "water", "cumulative", pub("W-1"), "m**3", zone="yard", interval_s=3600),
    ]


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:  # noqa: F811 - the store fixture
    park = park_from_dict(PARK, source="park.yaml")
    keys = {m: Ed25519PrivateKey.generate() for m in ("E-MAIN", "E-SORT", "E-COLD", "W-1")}
    specs = meter_specs(keys)
    skey, vkey = generate_log_key(LOG)
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s, s.begin():
        save_park(s, park)
        register_meters(s, PARK_ID, specs, log=LOG)
    yield Site(
        db_url,
        engine,
        keys,
        {m.id: m for m in specs},
        Signer.from_skey(skey),
        Verifier.from_vkey(vkey),
        skey,
    )
    engine.dispose()


# Worker processes are forked only from a process running one thread, which pytest with other
# tests' threads may not be: these tests run ingest in a fresh interpreter.
CHILD = """
import json, multiprocessing, sys
from parkzero.monitoring import service
from parkzero.store.session import make_engine
url, park, log, path, batch, workers = sys.argv[1:7]
with open(path, encoding="utf-8") as handle:
    items = [line.rstrip("\\n") for line in handle]
mode = "processes" if service._worker_count(int(workers)) else "thread"
def progress(result):
    pids = [p.pid for p in multiprocessing.active_children()]
    print(json.dumps({"batch": result.accepted, "pids": pids}), flush=True)
engine = make_engine(url)
result = service.ingest(
    engine, park, items, log=log, source="api", batch_size=int(batch), workers=int(workers),
    on_batch=progress,
)
engine.dispose()
print(json.dumps({"mode": mode, **result.to_dict()}), flush=True)
"""


def ingest_command(site: Site, path: Path, batch: int, workers: int) -> list[str]:
    """Run ingest over the JSON lines in `path` in a child; it prints one line per batch."""
    return [
        sys.executable,
        "-c",
        CHILD,
        site.url,
        PARK_ID,
        LOG,
        str(path),
        str(batch),
        str(workers),
    ]
