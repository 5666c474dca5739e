"""Tables of the ledger: logs, entries, hash tiles and signed checkpoints.

Declared on :class:`parkzero.store.models.Base`, created by the migration ``0003_ledger``.

Tables::

    ledger_logs ─┬─ ledger_entries      (log_id, idx)          the bytes of every leaf
                 ├─ ledger_tiles        (log_id, level, idx)   hashes, 256 per row
                 ├─ ledger_checkpoints  id                     signed tree heads (+ co-signatures)
                 └─ ledger_epods        (log_id, id)           e-POD documents and their entries

Hash tiles (the layout of C2SP tlog-tiles, with height 4): tile ``(level L, index N)`` holds
the hashes of the complete subtrees of ``2**(4L)`` leaves numbered ``16N … 16N+15``,
concatenated (32 bytes each); level 0 holds the leaf hashes. The rightmost tile of a level is
partial (fewer than 16 hashes) until it fills. Every complete subtree hash of the tree is in a
tile or is computed from at most 8 hashes of one tile, so a proof reads O(log n) rows of at
most 512 bytes and hashes a few dozen nodes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from parkzero.store.models import Base, BigId, UTCDateTime, utcnow

__all__ = ["LedgerCheckpoint", "LedgerEntry", "LedgerEpod", "LedgerLog", "LedgerTile"]

_ID = 255


class LedgerLog(Base):
    """One append-only log, identified by its checkpoint origin; its current size and root."""

    __tablename__ = "ledger_logs"
    __table_args__ = (CheckConstraint("size >= 0", name="size"),)

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)  # the origin line
    size: Mapped[int] = mapped_column(BigInteger, default=0)  # leaves [-]
    root: Mapped[bytes] = mapped_column(LargeBinary(32))  # RFC 9162 root at `size`
    vkey: Mapped[str | None] = mapped_column(Text)  # public key of the last checkpoint signer
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerEntry(Base):
    """The data of one leaf: ``leaf hash = SHA-256(0x00 ‖ data)``."""

    __tablename__ = "ledger_entries"

    log_id: Mapped[str] = mapped_column(
        ForeignKey("ledger_logs.id", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))  # reading | meter | epod | document
    data: Mapped[bytes] = mapped_column(LargeBinary)
    appended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerTile(Base):
    """Up to 16 consecutive subtree hashes of one tree level (see the module docstring)."""

    __tablename__ = "ledger_tiles"

    log_id: Mapped[str] = mapped_column(
        ForeignKey("ledger_logs.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)  # 32 × width bytes


class LedgerCheckpoint(Base):
    """A signed checkpoint of a log: the note text with the log's and witnesses' signatures."""

    __tablename__ = "ledger_checkpoints"
    __table_args__ = (
        Index(None, "log_id", "size"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    log_id: Mapped[str] = mapped_column(ForeignKey("ledger_logs.id", ondelete="CASCADE"))
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerEpod(Base):
    """An electronic proof of delivery logged as an entry; ``sheets`` of paper it replaced."""

    __tablename__ = "ledger_epods"
    __table_args__ = (
        ForeignKeyConstraint(
            ["log_id", "ledger_index"],
            ["ledger_entries.log_id", "ledger_entries.idx"],
            ondelete="CASCADE",
        ),
        CheckConstraint("sheets >= 0", name="sheets"),
        Index(None, "park_id", "delivered_at"),
    )

    log_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)  # the document id
    ledger_index: Mapped[int] = mapped_column(BigInteger)
    park_id: Mapped[str | None] = mapped_column(String(_ID))
    carrier: Mapped[str] = mapped_column(String(_ID))  # key name of the carrier
    receiver: Mapped[str] = mapped_column(String(_ID))  # key name of the receiver
    delivered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sheets: Mapped[int] = mapped_column(Integer, default=0)  # paper waybill sheets avoided [sheet]
