"""The Merkle log in the database: append, roots at any size, and proofs in O(log n) reads.

Every function takes a SQLAlchemy :class:`~sqlalchemy.orm.Session` and never commits: the caller
owns the transaction (:func:`parkzero.store.session.session_scope`), so a batch of readings and
the log entries that record them are committed together or not at all.

Storage (:mod:`parkzero.ledger.tables`): the leaf data in ``ledger_entries``; the leaf hashes and
every complete subtree hash in 16-wide hash tiles (``ledger_tiles``); the current size and
root in ``ledger_logs``. An append writes its entries, rewrites the rightmost tile of each
level and adds the new ones — about one tile row per 15 leaves. A proof reads the few tiles
its nodes live in (at most two per 4 tree levels), whatever the size of the log.

Appends to one log are serialised: :func:`lock_log` updates the log's row first, which holds a
row lock on PostgreSQL and the write lock on SQLite until the transaction ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from parkzero.errors import InputError, ProofError
from parkzero.ledger import merkle
from parkzero.ledger.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from parkzero.ledger.note import Signer, Verifier, open_note, sign_note
from parkzero.ledger.tables import LedgerCheckpoint, LedgerEntry, LedgerLog, LedgerTile
from parkzero.store._bulk import insert_rows
from parkzero.store.models import UTCDateTime, utcnow

__all__ = [
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "AppendResult",
    "AuditReport",
    "LogHead",
    "StoredCheckpoint",
    "add_cosignatures",
    "append",
    "audit_log",
    "bulk_insert",
    "checkpoint_at",
    "consistency_proof",
    "create_log",
    "get_entry",
    "get_head",
    "inclusion_proof",
    "latest_checkpoint",
    "leaf_hash_at",
    "lock_log",
    "log_vkey",
    "root_at",
    "sign_head",
    "sqlite_time",
]

TILE_HEIGHT = 4  # tree levels per tile
TILE_WIDTH = 1 << TILE_HEIGHT  # hashes per full tile
_H = merkle.HASH_SIZE
_FULL = TILE_WIDTH * _H  # bytes of a full tile
_sha256 = hashlib.sha256


@dataclass(frozen=True)
class LogHead:
    """A log's origin, current size [leaves] and root."""

    origin: str
    size: int
    root: bytes


@dataclass(frozen=True)
class AppendResult:
    """What an append did: indexes ``first … first + count - 1``, and the new head."""

    origin: str
    first: int
    count: int
    size: int
    root: bytes
    leaf_hashes: tuple[bytes, ...]


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as stored: its row id, size [leaves], root and signed note."""

    id: int
    origin: str
    size: int
    root: bytes
    note: str


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def bulk_insert(session: Session, model: Any, columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert rows column-wise through the fast driver path, inside the session's transaction.

    Wraps :func:`parkzero.store._bulk.insert_rows` and converts timezone-aware timestamps of
    :class:`~parkzero.store.models.UTCDateTime` columns the way SQLAlchemy stores them (UTC
    wall time text on SQLite, ``timestamptz`` on PostgreSQL). On SQLite a timestamp may also be
    given as that text already (:func:`sqlite_time`), which saves the conversion.
    """
    table = _table(model)
    connection = session.connection()
    prepared: dict[str, Sequence[Any]] = dict(columns)
    sqlite = connection.dialect.name == "sqlite"
    for name, values in columns.items():
        if isinstance(table.c[name].type, UTCDateTime):
            convert = _sqlite_time if sqlite else _utc
            # a batch holds few distinct times (often one, "now"): convert each once
            converted = {v: convert(v) for v in set(values)}
            prepared[name] = [converted[v] for v in values]
    return insert_rows(connection, table, prepared)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if isinstance(value, str):
        raise ValueError("timestamps for PostgreSQL must be datetimes, not text")
    return None if value is None else value.astimezone(dt.UTC)


def sqlite_time(ts: str) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (UTC) as SQLAlchemy stores a timestamp on SQLite.

    Examples
    --------
    >>> sqlite_time("2024-03-01T08:15:00Z")
    '2024-03-01 08:15:00.000000'
    """
    return f"{ts[:10]} {ts[11:19]}.000000"


def _sqlite_time(value: dt.datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: store times with a time zone (UTC)")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _check_origin(origin: str) -> str:
    if not origin or any(c.isspace() for c in origin) or "+" in origin or len(origin) > 255:
        raise InputError(
            f"log origin {origin!r} must be 1-255 characters without spaces or '+', "
            "e.g. park.example/ledger",
            column="origin",
        )
    return origin


# --------------------------------------------------------------------------------------------
# heads and locking


def create_log(session: Session, origin: str) -> LogHead:
    """Create an empty log named `origin` (its checkpoint origin line); refuse an existing one."""
    _check_origin(origin)
    if session.get(LedgerLog, origin) is not None:
        raise InputError(f'log "{origin}" already exists', column="origin")
    now = utcnow()
    session.add(
        LedgerLog(id=origin, size=0, root=merkle.EMPTY_ROOT, created_at=now, updated_at=now)
    )
    session.flush()
    return LogHead(origin, 0, merkle.EMPTY_ROOT)


def log_vkey(session: Session, origin: str) -> str | None:
    """The public key of the last checkpoint signer of a log, as recorded, or None."""
    row = session.get(LedgerLog, origin)
    return None if row is None else row.vkey


def get_head(session: Session, origin: str) -> LogHead:
    """The current size and root of a log (no lock).

    Raises
    ------
    InputError
        There is no such log.
    """
    table = _table(LedgerLog)
    row = session.execute(select(table.c.size, table.c.root).where(table.c.id == origin)).first()
    if row is None:
        raise InputError(f'there is no log "{origin}" in the store', column="log")
    return LogHead(origin, int(row.size), bytes(row.root))


def lock_log(session: Session, origin: str, *, create: bool = False) -> LogHead:
    """Take the log's append lock for the rest of the transaction and return its head.

    Call it before any other read in the transaction when appending (SQLite then takes its
    write lock first and cannot deadlock with another writer).
    """
    table = _table(LedgerLog)
    result = session.execute(table.update().where(table.c.id == origin).values(size=table.c.size))
    if getattr(result, "rowcount", 1) == 0:
        if not create:
            raise InputError(f'there is no log "{origin}" in the store', column="log")
        return create_log(session, origin)
    return get_head(session, origin)


# --------------------------------------------------------------------------------------------
# tiles


def _perfect_root(buf: bytes) -> bytes:
    """Root of a perfect tree whose leaves' hashes are concatenated in `buf`."""
    # Siblings are adjacent in the buffer, so each node hashes one 64-byte slice: no list of
    # single hashes to build and concatenate again (the append's hot loop, once per 16 leaves).
    sha, pair = _sha256, 2 * _H
    while len(buf) > _H:
        buf = b"".join(
            [sha(b"\x01" + buf[i : i + pair]).digest() for i in range(0, len(buf), pair)]
        )
    return buf


class _Tiles:
    """Reads tiles of one log on demand (one query per batch of keys) and caches them."""

    def __init__(self, session: Session, origin: str) -> None:
        self.session = session
        self.origin = origin
        self.cache: dict[tuple[int, int], bytes] = {}

    @staticmethod
    def tile_of(level: int, index: int) -> tuple[int, int]:
        tile_level, r = divmod(level, TILE_HEIGHT)
        return tile_level, (index << r) >> TILE_HEIGHT

    def prefetch(self, keys: Iterable[tuple[int, int]]) -> None:
        wanted = sorted(set(keys) - self.cache.keys())
        if not wanted:
            return
        # Plain driver SQL: a proof is a handful of primary-key reads, and building and
        # compiling a SQLAlchemy statement would cost more than the reads themselves.
        connection = self.session.connection()
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        by_level: dict[int, list[int]] = {}
        for level, idx in wanted:
            by_level.setdefault(level, []).append(idx)
        parts, params = [], []
        for level, idxs in sorted(by_level.items()):  # one primary-key lookup per level
            marks = ", ".join([mark] * len(idxs))
            parts.append(
                "SELECT level, idx, hashes FROM ledger_tiles "
                f"WHERE log_id = {mark} AND level = {mark} AND idx IN ({marks})"
            )
            params += [self.origin, level, *idxs]
        sql = " UNION ALL ".join(parts)
        for level, idx, hashes in connection.exec_driver_sql(sql, tuple(params)):
            self.cache[(int(level), int(idx))] = bytes(hashes)

    def node(self, level: int, index: int) -> bytes:
        """Hash of the complete subtree of ``2**level`` leaves starting at ``index * 2**level``."""
        tile_level, r = divmod(level, TILE_HEIGHT)
        first = index << r
        key = (tile_level, first >> TILE_HEIGHT)
        if key not in self.cache:
            self.prefetch([key])
        tile = self.cache.get(key)
        offset = (first & (TILE_WIDTH - 1)) * _H
        end = offset + (_H << r)
        if tile is None or len(tile) < end:
            raise ProofError(
                f"log {self.origin}: hash tile {key} is missing or short; the store is damaged"
            )
        return tile[offset:end] if r == 0 else _perfect_root(tile[offset:end])

    def range_hash(self, start: int, end: int) -> bytes:
        """MTH of the leaves ``[start, end)`` (a subtree of the recursive split)."""
        pieces = merkle.perfect_subtrees(start, end)
        acc = self.node(*pieces[-1])
        for level, index in reversed(pieces[:-1]):
            acc = _sha256(b"\x01" + self.node(level, index) + acc).digest()
        return acc

    def ranges(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        keys = [
            self.tile_of(level, index)
            for a, b in ranges
            for level, index in merkle.perfect_subtrees(a, b)
        ]
        self.prefetch(keys)
        return [self.range_hash(a, b) for a, b in ranges]

    def root(self, size: int) -> bytes:
        return merkle.EMPTY_ROOT if size == 0 else self.ranges([(0, size)])[0]


def _append_tiles(session: Session, origin: str, size: int, hashes: Sequence[bytes]) -> _Tiles:
    """Add leaf hashes to the tiles of a log of `size` leaves; return a cache of touched tiles."""
    tiles = _Tiles(session, origin)
    table = _table(LedgerTile)
    level_new: list[bytes] = list(hashes)
    tile_level, count = 0, size  # count: hashes stored at this tile level before the append
    while level_new:
        start_tile, partial = divmod(count, TILE_WIDTH)
        prefix = b""
        if partial:
            prefix = tiles.cache.get((tile_level, start_tile)) or b""
            if not prefix:
                tiles.prefetch([(tile_level, start_tile)])
                prefix = tiles.cache.get((tile_level, start_tile), b"")
            if len(prefix) < partial * _H:
                raise ProofError(f"log {origin}: partial tile {(tile_level, start_tile)} is short")
            prefix = prefix[: partial * _H]
        stream = prefix + b"".join(level_new)
        next_new: list[bytes] = []
        idxs: list[int] = []
        blobs: list[bytes] = []
        for t, pos in enumerate(range(0, len(stream), _FULL)):
            chunk = stream[pos : pos + _FULL]
            tiles.cache[(tile_level, start_tile + t)] = chunk
            idxs.append(start_tile + t)
            blobs.append(chunk)
            if len(chunk) == _FULL:
                next_new.append(_perfect_root(chunk))
        if partial:  # the old partial tile grows: replace it
            session.execute(
                delete(table).where(
                    table.c.log_id == origin,
                    table.c.level == tile_level,
                    table.c.idx == start_tile,
                )
            )
        bulk_insert(
            session,
            LedgerTile,
            {
                "log_id": [origin] * len(idxs),
                "level": [tile_level] * len(idxs),
                "idx": idxs,
                "hashes": blobs,
            },
        )
        level_new = next_new
        count >>= TILE_HEIGHT
        tile_level += 1
    return tiles


# --------------------------------------------------------------------------------------------
# append and read


def append(
    session: Session,
    origin: str,
    data: Sequence[bytes],
    kind: str | Sequence[str],
    *,
    create: bool = True,
    leaf_hashes: Sequence[bytes] | None = None,
) -> AppendResult:
    """Append entries to a log, in the caller's transaction.

    Parameters
    ----------
    origin : str
        The log (its checkpoint origin).
    data : sequence of bytes
        The entries; entry ``i`` gets index ``size + i``.
    kind : str or sequence of str
        Entry kind(s): ``reading``, ``meter``, ``epod``, ``document`` ...
    create : bool
        Create the log when it does not exist.
    leaf_hashes : sequence of bytes, optional
        ``leaf_hash(d)`` for each entry when the caller already computed them.

    Returns
    -------
    AppendResult
        Indexes, new size and root, and the leaf hashes.
    """
    head = lock_log(session, origin, create=create)
    n = len(data)
    kinds = [kind] * n if isinstance(kind, str) else list(kind)
    if len(kinds) != n:
        raise ValueError("one kind per entry")
    hashes = list(leaf_hashes) if leaf_hashes is not None else [merkle.leaf_hash(d) for d in data]
    if n == 0:
        return AppendResult(origin, head.size, 0, head.size, head.root, ())
    now = utcnow()
    bulk_insert(
        session,
        LedgerEntry,
        {
            "log_id": [origin] * n,
            "idx": list(range(head.size, head.size + n)),
            "kind": kinds,
            "data": [d if type(d) is bytes else bytes(d) for d in data],
            "appended_at": [now] * n,
        },
    )
    tiles = _append_tiles(session, origin, head.size, hashes)
    size = head.size + n
    root = tiles.root(size)
    table = _table(LedgerLog)
    session.execute(
        table.update().where(table.c.id == origin).values(size=size, root=root, updated_at=now)
    )
    return AppendResult(origin, head.size, n, size, root, tuple(hashes))


def _size(head: LogHead, size: int | None) -> int:
    n = head.size if size is None else size
    if not 0 <= n <= head.size:
        raise InputError(
            f"tree size {n} is not between 0 and the log's size {head.size}", column="size"
        )
    return n


def root_at(session: Session, origin: str, size: int | None = None) -> bytes:
    """The root of the log when it had `size` leaves (default: now)."""
    head = get_head(session, origin)
    n = _size(head, size)
    return head.root if n == head.size else _Tiles(session, origin).root(n)


def leaf_hash_at(session: Session, origin: str, index: int) -> bytes:
    """The stored leaf hash of entry `index`."""
    head = get_head(session, origin)
    if not 0 <= index < head.size:
        raise InputError(f"index {index} is not in the log of size {head.size}", column="index")
    return _Tiles(session, origin).node(0, index)


def inclusion_proof(
    session: Session, origin: str, index: int, size: int | None = None
) -> list[bytes]:
    """Inclusion proof of entry `index` in the tree of `size` leaves (default: now)."""
    head = get_head(session, origin)
    n = _size(head, size)
    if not 0 <= index < n:
        raise InputError(f"index {index} is not in a tree of size {n}", column="index")
    return _Tiles(session, origin).ranges(merkle.inclusion_ranges(index, n))


def consistency_proof(
    session: Session, origin: str, size1: int, size2: int | None = None
) -> list[bytes]:
    """Consistency proof from the tree of `size1` leaves to that of `size2` (default: now)."""
    head = get_head(session, origin)
    n = _size(head, size2)
    if not 0 <= size1 <= n:
        raise InputError(f"size {size1} is not between 0 and {n}", column="size")
    return _Tiles(session, origin).ranges(merkle.consistency_ranges(size1, n))


def get_entry(session: Session, origin: str, index: int) -> tuple[str, bytes]:
    """The kind and data of entry `index`."""
    row = session.execute(
        select(LedgerEntry.kind, LedgerEntry.data).where(
            LedgerEntry.log_id == origin, LedgerEntry.idx == index
        )
    ).first()
    if row is None:
        raise InputError(f'log "{origin}" has no entry {index}', column="index")
    return str(row.kind), bytes(row.data)


# --------------------------------------------------------------------------------------------
# checkpoints


def _stored(row: LedgerCheckpoint) -> StoredCheckpoint:
    return StoredCheckpoint(row.id, row.log_id, int(row.size), bytes(row.root), row.note)


def sign_head(session: Session, origin: str, signer: Signer) -> StoredCheckpoint:
    """Sign the log's current head with its key and store the checkpoint.

    When the latest stored checkpoint already has the current size it is returned instead.
    The signer's public key is recorded with the log (``ledger_logs.vkey``) for receipts.
    """
    head = lock_log(session, origin)
    log_row = session.get(LedgerLog, origin)
    if log_row is not None and log_row.vkey != signer.vkey:
        log_row.vkey = signer.vkey  # so receipts can name the key (verifiers pin their own)
    latest = latest_checkpoint(session, origin)
    if latest is not None and latest.size == head.size:
        return latest
    note = sign_checkpoint(Checkpoint(origin, head.size, head.root), signer)
    row = LedgerCheckpoint(log_id=origin, size=head.size, root=head.root, note=note)
    session.add(row)
    session.flush()
    return _stored(row)


def latest_checkpoint(
    session: Session, origin: str, *, min_size: int = 0
) -> StoredCheckpoint | None:
    """The newest stored checkpoint of a log, or None when it has none of at least `min_size`."""
    row = session.scalars(
        select(LedgerCheckpoint)
        .where(LedgerCheckpoint.log_id == origin, LedgerCheckpoint.size >= min_size)
        .order_by(LedgerCheckpoint.size.desc(), LedgerCheckpoint.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _stored(row)


def checkpoint_at(session: Session, origin: str, size: int) -> StoredCheckpoint | None:
    """The newest stored checkpoint of exactly `size` leaves, or None."""
    row = session.scalars(
        select(LedgerCheckpoint)
        .where(LedgerCheckpoint.log_id == origin, LedgerCheckpoint.size == size)
        .order_by(LedgerCheckpoint.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _stored(row)


def add_cosignatures(
    session: Session, checkpoint_id: int, note: str, log_key: Verifier
) -> StoredCheckpoint:
    """Merge the signature lines of `note` into a stored checkpoint with the same text.

    The note must carry a valid signature of `log_key` and the same checkpoint text; signature
    lines already stored are kept, new ones are added (they are checked by whoever trusts the
    witness keys, see :func:`parkzero.ledger.checkpoint.open_checkpoint`).
    """
    row = session.get(LedgerCheckpoint, checkpoint_id)
    if row is None:
        raise InputError(f"there is no checkpoint {checkpoint_id}", column="checkpoint")
    open_checkpoint(note, log_key)
    incoming = open_note(note, [log_key])
    stored = open_note(row.note, [log_key])
    if incoming.text != stored.text:
        raise ProofError("the co-signed note is not the stored checkpoint")
    lines = {s.line: s for s in (*stored.sigs, *stored.unverified)}
    for s in (*incoming.sigs, *incoming.unverified):
        lines.setdefault(s.line, s)
    row.note = sign_note(stored.text, [], keep=list(lines.values()))
    session.flush()
    return _stored(row)


# --------------------------------------------------------------------------------------------
# audit


@dataclass(frozen=True)
class AuditReport:
    """Result of :func:`audit_log`: what was checked and the problems found."""

    origin: str
    size: int
    entries_checked: int
    checkpoints_checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_log(
    session: Session, origin: str, log_key: Verifier | None = None, *, batch: int = 50_000
) -> AuditReport:
    """Re-derive the whole log from its entries and check it against the stored tiles and head.

    Checks that there is one entry per index, that every stored leaf hash is
    ``SHA-256(0x00 ‖ data)``, that the root of all leaves is the head's root, and that every
    stored checkpoint's root is the root of the log at its size (and, given `log_key`, that its
    signature verifies). O(n): for auditors and crash recovery, not for every request.
    """
    head = get_head(session, origin)
    problems: list[str] = []
    tiles = _Tiles(session, origin)
    hashes: list[bytes] = []
    expected = 0
    for start in range(0, head.size, batch):
        rows = session.execute(
            select(LedgerEntry.idx, LedgerEntry.data)
            .where(
                LedgerEntry.log_id == origin,
                LedgerEntry.idx >= start,
                LedgerEntry.idx < start + batch,
            )
            .order_by(LedgerEntry.idx)
        ).all()
        first_tile, last_tile = start >> TILE_HEIGHT, (start + batch - 1) >> TILE_HEIGHT
        table = _table(LedgerTile)
        for idx, blob in session.execute(
            select(table.c.idx, table.c.hashes).where(
                table.c.log_id == origin,
                table.c.level == 0,
                table.c.idx >= first_tile,
                table.c.idx <= last_tile,
            )
        ):
            tiles.cache[(0, int(idx))] = bytes(blob)
        for idx, data in rows:
            if idx != expected:
                problems.append(f"entry {expected} is missing")
                expected = int(idx)
            h = merkle.leaf_hash(bytes(data))
            try:
                stored = tiles.node(0, int(idx))
            except ProofError as exc:
                problems.append(str(exc))
                stored = b""
            if stored != h:
                problems.append(f"entry {idx}: stored leaf hash does not match its data")
            hashes.append(h)
            expected += 1
        tiles.cache = {k: v for k, v in tiles.cache.items() if k[0] != 0}
    if expected != head.size:
        problems.append(f"{expected} entries for a log of size {head.size}")
    rows_cp = session.scalars(
        select(LedgerCheckpoint)
        .where(LedgerCheckpoint.log_id == origin)
        .order_by(LedgerCheckpoint.id)
    ).all()
    sizes = {int(cp.size) for cp in rows_cp if cp.size <= len(hashes)} | {len(hashes)}
    roots = _roots_at(hashes, sizes)
    if roots[len(hashes)] != head.root:
        problems.append("the root of all entries is not the log's root")
    tiles = _Tiles(session, origin)
    for n in sorted(sizes):
        try:
            if n <= head.size and tiles.root(n) != roots[n]:
                problems.append(f"the hash tiles give a wrong root at size {n}")
        except ProofError as exc:
            problems.append(str(exc))
    for cp in rows_cp:
        if cp.size > len(hashes) or roots[int(cp.size)] != bytes(cp.root):
            problems.append(f"checkpoint {cp.id} (size {cp.size}) does not match the entries")
        if log_key is not None:
            try:
                parsed = open_checkpoint(cp.note, log_key)
            except ProofError as exc:
                problems.append(f"checkpoint {cp.id}: {exc}")
            else:
                if parsed.size != cp.size or parsed.root != bytes(cp.root):
                    problems.append(f"checkpoint {cp.id}: note and columns disagree")
    return AuditReport(origin, head.size, len(hashes), len(rows_cp), tuple(problems))


def _roots_at(hashes: Sequence[bytes], sizes: Iterable[int]) -> dict[int, bytes]:
    """Roots of the first ``n`` leaves for every ``n`` in `sizes`, in one pass [O(n)]."""
    wanted = set(sizes)
    out: dict[int, bytes] = {}
    if 0 in wanted:
        out[0] = merkle.EMPTY_ROOT
    stack: list[bytes] = []
    widths: list[int] = []
    for i, h in enumerate(hashes, start=1):
        node, width = h, 1
        while widths and widths[-1] == width:
            node = _sha256(b"\x01" + stack.pop() + node).digest()
            width += widths.pop()
        stack.append(node)
        widths.append(width)
        if i in wanted:
            acc = stack[-1]
            for left in reversed(stack[:-1]):
                acc = _sha256(b"\x01" + left + acc).digest()
            out[i] = acc
    return out
