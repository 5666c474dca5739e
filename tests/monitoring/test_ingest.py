"""Ingestion: signatures checked, rejects counted, idempotent on (meter, timestamp), logged."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from parkzero.errors import InputError
from parkzero.ledger import merkle
from parkzero.ledger import store as ledger
from parkzero.monitoring.readings import SignedReading, parse_reading
from parkzero.monitoring.service import (
    CheckedBatch,
    check_batch,
    get_meters,
    ingest,
    load_readings,
    register_meters,
    store_batch,
)
from parkzero.monitoring.tables import Meter, Reading, ReadingReject
from parkzero.store.session import make_sessionmaker

from .conftest import LOG, PARK_ID, Site, ingest_command


def count(site: Site, model: type, **where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    with make_sessionmaker(site.engine)() as s:
        return int(s.scalar(stmt) or 0)


def test_meters_are_enrolled_in_the_ledger(site: Site) -> None:
    with make_sessionmaker(site.engine)() as s:
        head = ledger.get_head(s, LOG)
        assert head.size == 4  # one enrolment entry per meter
        kind, data = ledger.get_entry(s, LOG, 0)
        assert kind == "meter"
        entry = json.loads(data)
        assert entry["type"] == "meter/v1" and entry["park"] == PARK_ID
        meters = {m.id: m for m in get_meters(s, PARK_ID)}
        assert meters["E-COLD"].parent == "E-MAIN"
        assert base64.b64decode(entry["public_key"]) == meters[entry["meter"]].public_key
        # re-registering the same meters changes nothing and logs nothing
        result = register_meters(s, PARK_ID, list(site.meters.values()), log=LOG)
        assert result["unchanged"] == sorted(site.meters) or len(result["unchanged"]) == 4
        assert ledger.get_head(s, LOG).size == 4


def test_valid_readings_land_once_and_the_rest_is_counted(site: Site) -> None:
    good = [site.sign("E-MAIN", i, 1000 + 10 * i) for i in range(50)]
    forged = site.sign("E-SORT", 1, 5.0)
    forged = SignedReading(forged.park, forged.meter, forged.ts, "500.0", forged.unit, forged.sig)
    wrong_key = site.sign("E-SORT", 2, 7.0)  # signed by E-SORT's key but claims E-COLD
    wrong_key = SignedReading(
        wrong_key.park, "E-COLD", wrong_key.ts, wrong_key.value, "kWh", wrong_key.sig
    )
    unsigned = {**good[0].payload(), "ts": "2024-02-01T00:00:00Z"}
    unknown = {**good[0].payload(), "meter": "E-404", "sig": base64.b64encode(good[0].sig).decode()}
    other_park = site.sign("E-MAIN", 99, 1.0)
    other_park = SignedReading(
        "elsewhere", other_park.meter, other_park.ts, "1.0", "kWh", other_park.sig
    )
    conflict = site.sign("E-MAIN", 3, 99999)  # same meter and time as good[3], other value
    items: list[object] = [
        *good,
        good[5],
        good[7].to_json(),
        forged,
        wrong_key,
        unsigned,
        unknown,
        other_park,
        conflict,
        b"not json",
        {"meter": "E-MAIN"},
    ]
    result = ingest(site.engine, PARK_ID, items, log=LOG, source="api", batch_size=17)
    assert result.accepted == 50
    assert result.duplicates == 2
    assert dict(result.rejected) == {
        "bad_signature": 2,
        "missing_signature": 1,
        "unknown_meter": 1,
        "wrong_park": 1,
        "conflict": 1,
        "malformed": 2,
    }
    assert count(site, Reading) == 50
    assert count(site, ReadingReject) == 8
    # a replay of everything stores nothing new
    again = ingest(site.engine, PARK_ID, [r.to_json() for r in good], log=LOG, source="mqtt")
    assert (again.accepted, again.duplicates) == (0, 50)
    assert count(site, Reading) == 50


def test_each_reading_is_a_verifiable_ledger_entry(site: Site) -> None:
    readings = [site.sign("E-COLD", i, 2.5) for i in range(10)]
    ingest(site.engine, PARK_ID, readings, log=LOG, source="csv", signer=site.log_signer)
    with make_sessionmaker(site.engine)() as s:
        head = ledger.get_head(s, LOG)
        cp = ledger.latest_checkpoint(s, LOG)
        assert cp is not None and cp.size == head.size == 14
        row = s.execute(select(Reading.ledger_index).where(Reading.meter_id == "E-COLD")).first()
        assert row is not None
        kind, data = ledger.get_entry(s, LOG, row.ledger_index)
        assert kind == "reading"
        reading = parse_reading(json.loads(data))
        assert reading.entry() == data
        proof = ledger.inclusion_proof(s, LOG, row.ledger_index, cp.size)
        merkle.verify_inclusion(merkle.leaf_hash(data), row.ledger_index, cp.size, proof, cp.root)
        frame = load_readings(s, PARK_ID)
        assert len(frame) == 10 and frame["value"].sum() == 25.0
        assert ledger.audit_log(s, LOG, site.log_key).ok


def test_unknown_park_is_an_input_error(site: Site) -> None:
    with pytest.raises(InputError, match="not in the store"):
        ingest(site.engine, "nowhere", [], log=LOG, source="api")


def test_meter_rows_reference_the_park(site: Site) -> None:
    assert count(site, Meter, park_id=PARK_ID) == 4


def test_worker_processes_store_exactly_what_one_thread_stores(site: Site, tmp_path: Path) -> None:
    good = [site.sign(m, i, 10 * i + 1) for i in range(20) for m in ("E-MAIN", "E-SORT")]
    forged = site.sign("E-COLD", 1, 5.0)
    forged = SignedReading(forged.park, forged.meter, forged.ts, "6.0", forged.unit, forged.sig)
    conflict = site.sign("E-MAIN", 3, 99999)  # same meter and time as a good one, other value
    unsigned = json.dumps({**good[0].payload(), "ts": "2024-02-01T00:00:00Z"})
    lines = [r.to_json() for r in good] + [good[4].to_json(), forged.to_json(), conflict.to_json()]
    lines += [unsigned, "not json", good[39].to_json()]
    path = tmp_path / "messages.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run = subprocess.run(
        ingest_command(site, path, batch=7, workers=2),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    *progress, last = [json.loads(line) for line in run.stdout.splitlines()]
    assert last["mode"] == "processes"
    assert len(progress) == last["batches"] == 7  # 46 messages in batches of 7
    assert len(progress[0]["pids"]) == 2  # the two checking workers
    assert (last["accepted"], last["duplicates"]) == (40, 2)
    assert last["rejected"] == {
        "bad_signature": 1,
        "conflict": 1,
        "malformed": 1,
        "missing_signature": 1,
    }
    # batches were stored in input order whatever worker checked them: reading i is entry 4 + i
    with make_sessionmaker(site.engine)() as s:
        for i in (0, 6, 7, 21, 39):
            assert ledger.get_entry(s, LOG, 4 + i) == ("reading", good[i].entry())
        assert ledger.get_head(s, LOG).size == 44
        assert ledger.audit_log(s, LOG).ok
    assert count(site, Reading) == 40 and count(site, ReadingReject) == 4


def test_store_batch_computes_entries_a_caller_left_out(site: Site) -> None:
    readings = [site.sign("W-1", i, 3 * i) for i in range(5)]
    with make_sessionmaker(site.engine)() as s, s.begin():
        result = store_batch(s, PARK_ID, CheckedBatch(readings, [], 5), log=LOG, source="api")
    assert (result.accepted, result.first_index, result.last_index) == (5, 4, 8)
    with make_sessionmaker(site.engine)() as s:
        assert ledger.get_entry(s, LOG, 8) == ("reading", readings[4].entry())
        assert ledger.audit_log(s, LOG).ok


def test_checked_batches_carry_entries_and_leaf_hashes(site: Site) -> None:
    good = [site.sign("E-COLD", i, 1.5) for i in range(3)]
    keys = {m: spec.public_key for m, spec in site.meters.items()}
    checked = check_batch(PARK_ID, [r.to_json() for r in good], keys)
    assert checked.valid == good
    assert checked.entries == [r.entry() for r in good]
    assert checked.leaf_hashes == [merkle.leaf_hash(r.entry()) for r in good]


def test_workers_must_not_be_negative(site: Site) -> None:
    with pytest.raises(ValueError, match="workers"):
        ingest(
            site.engine,
            PARK_ID,
            [site.sign("W-1", 0, 1)] * 3,
            log=LOG,
            source="api",
            batch_size=1,
            workers=-1,
        )
