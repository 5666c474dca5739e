"""Meters, readings and alerts in and out of the store; readings are logged in the ledger.

Ingestion semantics
-------------------
* A reading is accepted only with a valid Ed25519 signature of its meter's registered device
  key (:mod:`parkzero.monitoring.readings`). Bad or missing signatures, unknown meters, readings
  for another park and malformed messages are **rejected and counted** by reason, and kept in
  ``reading_rejects`` for the audit trail; they never become readings.
* Readings are **idempotent on (meter, timestamp)**: a resend or replay of a stored reading is
  counted as a duplicate and stored nothing (the unique constraint on ``readings`` guarantees it
  even against a concurrent writer); the same meter and timestamp with a *different* value is
  rejected as ``conflict``.
* Each batch is **one transaction**: its readings, their ledger entries, the new tiles and log
  head, the rejects and (with a log key) a signed checkpoint are committed together. A process
  killed mid-batch loses nothing that was committed, and the batch it was writing is simply
  ingested again on restart.

:func:`check_batch` is pure (parse, verify); :func:`store_batch` works in the caller's
transaction; :func:`ingest` drives both over an iterable, committing batch by batch.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from parkzero.errors import InputError
from parkzero.ledger import merkle
from parkzero.ledger import store as ledger
from parkzero.ledger.note import Signer
from parkzero.monitoring.alerts import AlertSpec
from parkzero.monitoring.readings import (
    BadReading,
    SignedReading,
    canonical_json,
    parse_reading,
    reading_from_json,
    verify_signatures,
)
from parkzero.monitoring.registry import MeterSpec
from parkzero.monitoring.tables import Alert, Meter, Reading, ReadingReject
from parkzero.store.models import utcnow
from parkzero.store.service import _park_row
from parkzero.store.session import make_sessionmaker

__all__ = [
    "AlertSpec",
    "CheckedBatch",
    "IngestResult",
    "Reject",
    "check_batch",
    "get_meters",
    "ingest",
    "load_readings",
    "meter_keys",
    "register_meters",
    "save_alerts",
    "store_batch",
]

_PAYLOAD_CHARS = 2000
_sha256 = hashlib.sha256


@dataclass(frozen=True)
class Reject:
    """A refused reading: the counter it goes to, why, and the raw message."""

    reason: str
    detail: str
    meter: str | None = None
    payload: str | None = None


@dataclass
class IngestResult:
    """Counts of one ingestion run (or batch).

    Attributes
    ----------
    received : int
        Messages or rows seen [-].
    accepted : int
        New readings stored and logged [-].
    duplicates : int
        Readings already stored with the same value (resends, replays) [-].
    rejected : Counter
        Refused readings by reason: ``bad_signature``, ``missing_signature``, ``unknown_meter``,
        ``wrong_park``, ``topic_mismatch``, ``malformed``, ``conflict`` [-].
    first_index, last_index : int or None
        Ledger indexes of the first and last accepted reading [-].
    log_size : int
        Size of the log after the last batch [leaves].
    checkpoint_size : int or None
        Size of the last checkpoint signed during the run [leaves].
    """

    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    first_index: int | None = None
    last_index: int | None = None
    log_size: int = 0
    checkpoint_size: int | None = None

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def merge(self, other: IngestResult) -> None:
        self.received += other.received
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected.update(other.rejected)
        self.batches += other.batches
        if other.first_index is not None and self.first_index is None:
            self.first_index = other.first_index
        if other.last_index is not None:
            self.last_index = other.last_index
        self.log_size = max(self.log_size, other.log_size)
        if other.checkpoint_size is not None:
            self.checkpoint_size = other.checkpoint_size

    def to_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": dict(sorted(self.rejected.items())),
            "rejected_total": self.rejected_total,
            "batches": self.batches,
            "first_index": self.first_index,
            "last_index": self.last_index,
            "log_size": self.log_size,
            "checkpoint_size": self.checkpoint_size,
        }


# --------------------------------------------------------------------------------------------
# meters


def _enrolment(park_id: str, spec: MeterSpec) -> bytes:
    """The ledger entry recording a meter and its device key."""
    return canonical_json(
        {
            "type": "meter/v1",
            "park": park_id,
            "meter": spec.id,
            "kind": spec.kind,
            "mode": spec.mode,
            "unit": spec.unit,
            "public_key": spec.public_key_b64,
            "zone": spec.zone or "",
            "tenant": spec.tenant or "",
            "parent": spec.parent or "",
        }
    )


def register_meters(
    session: Session, park_id: str, specs: Sequence[MeterSpec], *, log: str
) -> dict[str, list[str]]:
    """Insert or update meters; log every new meter and every key change in the ledger.

    Returns ``{"added": [...], "updated": [...], "unchanged": [...]}`` (meter ids).
    """
    park = _park_row(session, park_id)
    zones = {z.id for z in park.zones}
    tenants = {t.id for t in park.tenants}
    out: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    existing = {m.id: m for m in session.scalars(select(Meter).where(Meter.park_id == park_id))}
    ordered = _parents_first(specs, existing)
    entries: list[tuple[MeterSpec, bytes]] = []
    for spec in ordered:
        if spec.zone is not None and spec.zone not in zones:
            raise InputError(
                f'zone "{spec.zone}" of meter {spec.id} is not in park {park_id}', column="zone"
            )
        if spec.tenant is not None and spec.tenant not in tenants:
            raise InputError(
                f'tenant "{spec.tenant}" of meter {spec.id} is not in park {park_id}',
                column="tenant",
            )
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "mode": spec.mode,
            "unit": spec.unit,
            "activity_kind": spec.activity_kind,
            "zone": spec.zone,
            "tenant": spec.tenant,
            "parent_id": spec.parent,
            "public_key": spec.public_key_b64,
            "interval_s": spec.interval_s,
            "multiplier": spec.multiplier,
        }
        row = existing.get(spec.id)
        if row is None:
            session.add(Meter(park_id=park_id, id=spec.id, **values))
            out["added"].append(spec.id)
            entries.append((spec, _enrolment(park_id, spec)))
        elif any(getattr(row, k) != v for k, v in values.items()):
            key_changed = row.public_key != spec.public_key_b64
            for k, v in values.items():
                setattr(row, k, v)
            out["updated"].append(spec.id)
            if key_changed:
                entries.append((spec, _enrolment(park_id, spec)))
        else:
            out["unchanged"].append(spec.id)
        session.flush()
    if entries:
        result = ledger.append(session, log, [e for _, e in entries], "meter")
        for i, (spec, _) in enumerate(entries):
            row = session.get(Meter, (park_id, spec.id))
            assert row is not None
            row.log_id, row.ledger_index = log, result.first + i
        session.flush()
    return out


def _parents_first(specs: Sequence[MeterSpec], existing: Mapping[str, Meter]) -> list[MeterSpec]:
    by_id = {s.id: s for s in specs}
    done: set[str] = set(existing)
    out: list[MeterSpec] = []

    def visit(spec: MeterSpec, path: tuple[str, ...]) -> None:
        if spec.id in path:
            raise InputError(f"meters {' → '.join((*path, spec.id))} form a cycle", column="parent")
        if (
            spec.parent is not None
            and spec.parent in by_id
            and spec.parent not in {s.id for s in out}
        ):
            visit(by_id[spec.parent], (*path, spec.id))
        if spec not in out:
            out.append(spec)

    for spec in specs:
        visit(spec, ())
    for spec in out:
        if spec.parent is not None and spec.parent not in by_id and spec.parent not in done:
            raise InputError(
                f'parent "{spec.parent}" of meter {spec.id} is not registered', column="parent"
            )
    return out


def get_meters(session: Session, park_id: str) -> list[MeterSpec]:
    """The registered meters of a park."""
    import base64

    rows = session.scalars(select(Meter).where(Meter.park_id == park_id).order_by(Meter.id))
    return [
        MeterSpec(
            id=m.id,
            kind=m.kind,
            mode=m.mode,
            public_key=base64.b64decode(m.public_key),
            unit=m.unit,
            zone=m.zone,
            tenant=m.tenant,
            parent=m.parent_id,
            interval_s=m.interval_s,
            multiplier=m.multiplier,
            activity_kind=m.activity_kind,
            name=m.name,
        )
        for m in rows
    ]


def meter_keys(session: Session, park_id: str) -> dict[str, bytes]:
    """Device public keys of a park's meters: meter id → 32-byte Ed25519 key."""
    return {m.id: m.public_key for m in get_meters(session, park_id)}


# --------------------------------------------------------------------------------------------
# checking (pure) and storing (one transaction) a batch


@dataclass
class CheckedBatch:
    """Readings whose signature verified, and the rejects, of one batch.

    ``entries`` and ``leaf_hashes`` are the ledger entry (:meth:`SignedReading.entry`) and its
    RFC 9162 leaf hash for each reading of ``valid``, computed where the batch was checked (in
    a worker process when :func:`ingest` runs several); left empty, :func:`store_batch`
    computes them.
    """

    valid: list[SignedReading]
    rejects: list[Reject]
    received: int
    entries: list[bytes] = field(default_factory=list)
    leaf_hashes: list[bytes] = field(default_factory=list)


def _raw_text(item: Any) -> str:
    if isinstance(item, bytes | bytearray):
        return bytes(item[:_PAYLOAD_CHARS]).decode("utf-8", "replace")
    if isinstance(item, str):
        return item[:_PAYLOAD_CHARS]
    if isinstance(item, SignedReading):
        return item.to_json()[:_PAYLOAD_CHARS]
    try:
        return json.dumps(item, ensure_ascii=False, default=str)[:_PAYLOAD_CHARS]
    except (TypeError, ValueError):
        return repr(item)[:_PAYLOAD_CHARS]


def check_batch(
    park_id: str,
    items: Sequence[Any],
    keys: Mapping[str, bytes],
    *,
    topic_meters: Sequence[str | None] | None = None,
    threads: int | None = None,
) -> CheckedBatch:
    """Parse and verify a batch of readings (no database access).

    Parameters
    ----------
    park_id : str
        The park being ingested; readings for another park are rejected.
    items : sequence
        :class:`SignedReading` objects, decoded mappings (CSV rows) or raw JSON messages.
    keys : mapping of str to bytes
        Device public key of every registered meter.
    topic_meters : sequence of str or None, optional
        For MQTT: the meter named in each message's topic, which must match the payload.
    threads : int, optional
        Threads verifying signatures (:func:`~parkzero.monitoring.readings.verify_signatures`).
    """
    parsed: list[SignedReading] = []
    checks: list[tuple[bytes, bytes, bytes]] = []
    entries: list[bytes] = []
    rejects: list[Reject] = []
    for i, item in enumerate(items):
        try:
            if isinstance(item, SignedReading):
                reading = item
            elif isinstance(item, bytes | bytearray | str):
                reading = reading_from_json(bytes(item) if isinstance(item, bytearray) else item)
            else:
                reading = parse_reading(item)
        except BadReading as exc:
            rejects.append(Reject(exc.reason, exc.detail, exc.meter, _raw_text(item)))
            continue
        if reading.park != park_id:
            rejects.append(
                Reject(
                    "wrong_park",
                    f'reading for park "{reading.park}"',
                    reading.meter,
                    _raw_text(item),
                )
            )
            continue
        if topic_meters is not None and topic_meters[i] != reading.meter:
            rejects.append(
                Reject(
                    "topic_mismatch",
                    f"topic names meter {topic_meters[i]}",
                    reading.meter,
                    _raw_text(item),
                )
            )
            continue
        key = keys.get(reading.meter)
        if key is None:
            rejects.append(
                Reject(
                    "unknown_meter",
                    f'meter "{reading.meter}" is not registered',
                    reading.meter,
                    _raw_text(item),
                )
            )
            continue
        # the signed message and the ledger entry share the payload's encoding: build both once
        message, entry = reading.message_and_entry()
        parsed.append(reading)
        checks.append((key, reading.sig, message))
        entries.append(entry)
    ok = verify_signatures(checks, threads=threads)
    valid: list[SignedReading] = []
    valid_entries: list[bytes] = []
    for reading, entry, good in zip(parsed, entries, ok, strict=True):
        if good:
            valid.append(reading)
            valid_entries.append(entry)
        else:
            rejects.append(
                Reject(
                    "bad_signature",
                    "the signature does not verify with the meter's key",
                    reading.meter,
                    entry.decode("utf-8"),
                )
            )
    hashes = [_sha256(b"\x00" + e).digest() for e in valid_entries]  # merkle.leaf_hash, inlined
    return CheckedBatch(valid, rejects, len(items), valid_entries, hashes)


def _epoch(ts: dt.datetime) -> int:
    return int(ts.timestamp())


def _parse_ts(ts: str) -> dt.datetime:
    return dt.datetime.fromisoformat(ts[:-1]).replace(tzinfo=dt.UTC)


def store_batch(
    session: Session,
    park_id: str,
    batch: CheckedBatch,
    *,
    log: str,
    source: str,
    signer: Signer | None = None,
) -> IngestResult:
    """Store a checked batch in the caller's transaction: readings, ledger entries, rejects.

    With `signer` (the log's key) a checkpoint of the new head is signed in the same transaction.
    """
    ledger.lock_log(session, log, create=True)  # first: serialises writers of this log
    result = IngestResult(received=batch.received, batches=1)
    rejects = list(batch.rejects)
    valid = batch.valid
    entries = batch.entries if len(batch.entries) == len(valid) else [r.entry() for r in valid]
    hashes = (
        batch.leaf_hashes
        if len(batch.leaf_hashes) == len(valid)
        else [merkle.leaf_hash(e) for e in entries]
    )
    # duplicates inside the batch: keep the first of each (meter, ts); ts is canonical text.
    # Work on positions in `valid` so that entries and leaf hashes stay aligned.
    first_of: dict[tuple[str, str], int] = {}
    fresh: list[int] = []
    for i, r in enumerate(valid):
        j = first_of.setdefault((r.meter, r.ts), i)
        if j == i:
            fresh.append(i)
        elif valid[j].value == r.value:
            result.duplicates += 1
        else:
            rejects.append(
                Reject(
                    "conflict",
                    f"two values for {r.ts} in one batch",
                    r.meter,
                    entries[i].decode("utf-8"),
                )
            )
    if fresh:  # duplicates of readings already stored
        stamps = [valid[i].ts for i in fresh]
        query = select(Reading.meter_id, Reading.ts, Reading.value).where(
            Reading.park_id == park_id,
            Reading.ts >= _parse_ts(min(stamps)),
            Reading.ts <= _parse_ts(max(stamps)),
        )
        meters = sorted({valid[i].meter for i in fresh})
        if len(meters) <= 500:
            query = query.where(Reading.meter_id.in_(meters))
        stored = {(m, ts.strftime("%Y-%m-%dT%H:%M:%SZ")): v for m, ts, v in session.execute(query)}
        if stored:
            kept = []
            for i in fresh:
                r = valid[i]
                value = stored.get((r.meter, r.ts))
                if value is None:
                    kept.append(i)
                elif value == r.quantity:
                    result.duplicates += 1
                else:
                    rejects.append(
                        Reject(
                            "conflict",
                            f"{r.ts} is stored with value {value}, not {r.value}",
                            r.meter,
                            entries[i].decode("utf-8"),
                        )
                    )
            fresh = kept
    now = utcnow()
    if fresh:
        appended = ledger.append(
            session,
            log,
            [entries[i] for i in fresh],
            "reading",
            leaf_hashes=[hashes[i] for i in fresh],
        )
        n = len(fresh)
        rows = [valid[i] for i in fresh]
        if session.get_bind().dialect.name == "sqlite":
            stamps_db: list[Any] = [ledger.sqlite_time(r.ts) for r in rows]
        else:  # a batch holds few distinct times: parse each once
            parsed_ts: dict[str, dt.datetime] = {}
            stamps_db = [
                parsed_ts.get(r.ts) or parsed_ts.setdefault(r.ts, _parse_ts(r.ts)) for r in rows
            ]
        ledger.bulk_insert(
            session,
            Reading,
            {
                "park_id": [park_id] * n,
                "meter_id": [r.meter for r in rows],
                "ts": stamps_db,
                "value": [float(r.value) for r in rows],
                "log_id": [log] * n,
                "ledger_index": list(range(appended.first, appended.first + n)),
                "source": [source] * n,
                "received_at": [now] * n,
            },
        )
        result.accepted = n
        result.first_index, result.last_index = appended.first, appended.first + n - 1
    if rejects:
        ledger.bulk_insert(
            session,
            ReadingReject,
            {
                "park_id": [park_id] * len(rejects),
                "meter_id": [r.meter for r in rejects],
                "reason": [r.reason for r in rejects],
                "detail": [r.detail for r in rejects],
                "source": [source] * len(rejects),
                "payload": [r.payload for r in rejects],
                "received_at": [now] * len(rejects),
            },
        )
        result.rejected.update(r.reason for r in rejects)
    if signer is not None and fresh:
        result.checkpoint_size = ledger.sign_head(session, log, signer).size
    result.log_size = ledger.get_head(session, log).size
    return result


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# Checking batches ahead of the one being stored. Parsing and verifying cost about four
# fifths of the CPU of an ingest; storing (the Merkle append and the inserts) must stay in one
# process, in order. Threads cannot share that work out well: parsing holds the GIL, and a
# thread coming back from libsodium waits for the GIL while the storing thread runs Python
# (up to the 5 ms switch interval), so the cores take turns instead of working together.
# Worker processes have no GIL to share. They are forked (a few ms; spawning would re-import
# the application, about 2 s per worker), which is only safe while this process runs a
# single thread, so ingest falls back to a checking thread otherwise.

_WORKER_KEYS: Mapping[str, bytes] = {}


def _worker_start(parent: int, keys: Mapping[str, bytes]) -> None:
    global _WORKER_KEYS
    _WORKER_KEYS = keys  # inherited through the fork, not pickled per batch
    # Keep the collector off the heap inherited from the parent: a full collection writes to
    # every object's header, which would copy each shared page into this process.
    gc.freeze()
    # Ctrl-C goes to the whole process group: let the parent alone decide to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    # A forked worker holds the task pipe open itself, so it would wait forever for work from
    # a parent that was killed; this watchdog ends it instead.
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, name="parkzero-parent-watch", daemon=True).start()


def _check_in_worker(park_id: str, items: list[Any]) -> CheckedBatch:
    return check_batch(park_id, items, _WORKER_KEYS, threads=1)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _worker_count(workers: int | None) -> int:
    if workers is None:
        cpus = os.cpu_count() or 1
        workers = cpus if cpus > 1 else 0
    if workers < 0:
        raise ValueError(f"workers must be 0 or more, not {workers}")
    return workers if workers and _can_fork() else 0


def _checked_in_processes(
    park_id: str, chunks: Iterator[list[Any]], keys: Mapping[str, bytes], workers: int
) -> Generator[CheckedBatch, None, None]:
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_start,
        initargs=(os.getpid(), keys),
    )
    try:
        pending: deque[Future[CheckedBatch]] = deque()
        with warnings.catch_warnings():
            # The workers are forked at the first submit. Python 3.12+ warns about forking
            # whenever the OS reports several threads; here the others can only be native
            # library threads (OpenBLAS, loaded with numpy), which hold no Python lock and
            # whose code the workers never run (_can_fork checked there is no Python thread).
            warnings.filterwarnings("ignore", r".*multi-threaded.*fork", DeprecationWarning)
            # one batch more than workers in flight: no worker idles while a batch is stored
            for ahead in islice(chunks, workers + 1):
                pending.append(pool.submit(_check_in_worker, park_id, ahead))
        while pending:
            checked = pending.popleft().result()
            chunk = next(chunks, None)
            if chunk is not None:
                pending.append(pool.submit(_check_in_worker, park_id, chunk))
            yield checked
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _checked_in_thread(
    park_id: str, chunks: Iterator[list[Any]], keys: Mapping[str, bytes]
) -> Generator[CheckedBatch, None, None]:
    with ThreadPoolExecutor(1, thread_name_prefix="parkzero-check") as pool:
        chunk = next(chunks, None)
        pending = None if chunk is None else pool.submit(check_batch, park_id, chunk, keys)
        while pending is not None:
            checked = pending.result()
            chunk = next(chunks, None)
            pending = None if chunk is None else pool.submit(check_batch, park_id, chunk, keys)
            yield checked


def ingest(
    engine: Engine,
    park_id: str,
    items: Iterable[Any],
    *,
    log: str,
    source: str,
    signer: Signer | None = None,
    batch_size: int = 5000,
    on_batch: Callable[[IngestResult], None] | None = None,
    workers: int | None = None,
) -> IngestResult:
    """Check and store readings batch by batch, committing each batch.

    The next batches are parsed and verified while the current one is stored: in `workers`
    forked processes when the input spans several batches, this process runs one thread and
    the platform is Linux; otherwise in one thread beside the storing one. Either way batches
    are stored and committed in input order.

    Parameters
    ----------
    engine : Engine
        The store.
    items : iterable
        Readings (:class:`SignedReading`, mappings or raw JSON messages).
    log : str
        The ledger (origin) the readings are logged in.
    source : str
        ``csv``, ``mqtt`` or ``api`` (kept with each reading).
    signer : Signer, optional
        The log's key: sign a checkpoint after every batch.
    batch_size : int
        Readings per transaction [-].
    on_batch : callable, optional
        Called with each batch's result after its commit (progress bars).
    workers : int, optional
        Checking processes [-]; default one per CPU on a machine with several, 0 for none.
    """
    n = _worker_count(workers)
    maker = make_sessionmaker(engine)
    with maker() as session:
        _park_row(session, park_id)
        keys = meter_keys(session, park_id)
    total = IngestResult()
    chunks = _batches(items, batch_size)
    first = next(chunks, None)
    if first is None:
        return total
    second = next(chunks, None)
    if second is None:
        n = 0  # one batch: nothing to overlap, and its signatures are checked on all cores
    stream = chain([first] if second is None else [first, second], chunks)
    checked_batches = (
        _checked_in_processes(park_id, stream, keys, n)
        if n
        else _checked_in_thread(park_id, stream, keys)
    )
    with closing(checked_batches):
        for checked in checked_batches:
            with maker() as session, session.begin():
                result = store_batch(
                    session, park_id, checked, log=log, source=source, signer=signer
                )
            total.merge(result)
            if on_batch is not None:
                on_batch(result)
    return total


# --------------------------------------------------------------------------------------------
# reading back


def load_readings(
    session: Session,
    park_id: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> pd.DataFrame:
    """Stored readings of a park: columns ``meter_id``, ``ts`` (UTC), ``value`` [meter unit].

    `start` inclusive, `end` exclusive; sorted by meter and time.
    """
    query = select(Reading.meter_id, Reading.ts, Reading.value).where(Reading.park_id == park_id)
    if start is not None:
        query = query.where(Reading.ts >= start)
    if end is not None:
        query = query.where(Reading.ts < end)
    rows = session.execute(query.order_by(Reading.meter_id, Reading.ts)).all()
    frame = pd.DataFrame(rows, columns=["meter_id", "ts", "value"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["value"] = frame["value"].astype(float)
    return frame


# --------------------------------------------------------------------------------------------
# alerts


def save_alerts(session: Session, park_id: str, alerts: Sequence[AlertSpec]) -> list[AlertSpec]:
    """Store alerts not stored before (same kind, subject and period start); return the new ones."""
    _park_row(session, park_id)
    existing = {
        (k, s, _epoch(p))
        for k, s, p in session.execute(
            select(Alert.kind, Alert.subject, Alert.period_start).where(Alert.park_id == park_id)
        )
    }
    new = []
    for a in alerts:
        key = (a.kind, a.subject, _epoch(a.period_start))
        if key in existing:
            continue
        existing.add(key)
        session.add(
            Alert(
                park_id=park_id,
                kind=a.kind,
                subject=a.subject,
                period_start=a.period_start,
                period_end=a.period_end,
                severity=a.severity,
                message=a.message,
                details=json.loads(json.dumps(dict(a.details or {}), default=str)),
            )
        )
        new.append(a)
    session.flush()
    return new


# --------------------------------------------------------------------------------------------
# roll-ups and checks over stored readings


def intervals_of(
    session: Session,
    park_id: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> tuple[list[MeterSpec], pd.DataFrame]:
    """The park's meters and the interval quantities of its readings in ``[start, end)``.

    One reporting interval before `start` is read too, so that a cumulative meter's first
    interval in the window is known.
    """
    from parkzero.monitoring.rollup import interval_energy

    meters = get_meters(session, park_id)
    lead = max((m.interval_s for m in meters), default=900) * 2
    since = None if start is None else start - dt.timedelta(seconds=lead)
    readings = load_readings(session, park_id, since, end)
    intervals = interval_energy(readings, meters)
    if start is not None and not intervals.empty:
        intervals = intervals[pd.to_datetime(intervals["end"], utc=True) > start].reset_index(
            drop=True
        )
    return meters, intervals


def park_activities(
    session: Session,
    park_id: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    *,
    tz: str = "Asia/Shanghai",
) -> list[Any]:
    """Activity data (:class:`parkzero.carbon.models.Activity`) of the readings, per month."""
    from parkzero.monitoring.rollup import rollup, to_activities

    meters, intervals = intervals_of(session, park_id, start, end)
    return to_activities(rollup(intervals, meters, "month", tz))


def check_park(
    session: Session,
    park_id: str,
    now: dt.datetime,
    *,
    budgets: Mapping[str, float] | None = None,
    window: dt.timedelta = dt.timedelta(days=35),
    tz: str = "Asia/Shanghai",
) -> list[AlertSpec]:
    """Run every alert rule over the last `window` of readings and store the new alerts.

    Parameters
    ----------
    budgets : mapping, optional
        The target pathway's budgets [tCO2e]: ``{"2024": 12000}`` per year or
        ``{"2024-03": 950}`` per month; without it the budget rule is skipped.

    Returns
    -------
    list of AlertSpec
        The alerts raised now for the first time.
    """
    from parkzero.monitoring import alerts as rules
    from parkzero.monitoring.rollup import rollup, to_activities
    from parkzero.store.service import get_park

    meters, intervals = intervals_of(session, park_id, now - window, now)
    last_seen = {
        m: ts
        for m, ts in session.execute(
            select(Reading.meter_id, func.max(Reading.ts))
            .where(Reading.park_id == park_id)
            .group_by(Reading.meter_id)
        )
    }
    found = rules.silent_meters(meters, last_seen, now)
    found += rules.resets_and_gaps(intervals)
    found += rules.anomalies(intervals)
    found += rules.balance(rollup(intervals, meters, "day", tz), tz=tz)
    if budgets:
        local = pd.Timestamp(now).tz_convert(tz)
        month_budget = rules.monthly_budget(budgets, local.year, local.month)
        if month_budget is not None:
            month_start = local.normalize().replace(day=1).tz_convert("UTC").to_pydatetime()
            month = intervals[pd.to_datetime(intervals["end"], utc=True) > month_start]
            acts = to_activities(rollup(month, meters, "month", tz))
            found += rules.budget(get_park(session, park_id), acts, month_budget, now, tz=tz)
    return save_alerts(session, park_id, found)
