"""Tables of monitoring: meters with their device keys, readings, rejected readings, alerts.

Declared on :class:`parkzero.store.models.Base`, created by the migration ``0003_ledger``.

Tables::

    parks ─┬─ meters ── readings        unique (park_id, meter_id, ts): a resend never double-counts
           ├─ reading_rejects           bad or missing signatures, unknown meters, malformed rows
           └─ alerts                    silent or anomalous meters, resets, gaps, balance, budget

Every accepted reading is also an entry of the park's ledger (``log_id``, ``ledger_index``).
Values are in the meter's ``unit``: the register value of a cumulative meter, or the quantity
of the interval ending at ``ts`` for an interval meter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from parkzero.store.models import Base, BigId, UTCDateTime, utcnow

__all__ = [
    "ALERT_KINDS",
    "METER_KINDS",
    "METER_MODES",
    "Alert",
    "Meter",
    "Reading",
    "ReadingReject",
]

#: Meter types (``meters.kind``).
METER_KINDS = ("electricity", "water", "gas", "heat", "pv", "ev_charger")
#: How a meter reports (``meters.mode``).
METER_MODES = ("cumulative", "interval")
#: Alert types (``alerts.kind``).
ALERT_KINDS = ("silent", "anomaly", "reset", "gap", "balance", "budget")

_ID = 255


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Meter(Base):
    """A meter of a park and the Ed25519 public key of its device.

    ``parent_id`` names the meter this one is a sub-meter of (for the balance check and to
    attribute the parent's energy to zones and tenants).
    """

    __tablename__ = "meters"
    __table_args__ = (
        ForeignKeyConstraint(["park_id", "zone"], ["zones.park_id", "zones.id"]),
        ForeignKeyConstraint(["park_id", "tenant"], ["tenants.park_id", "tenants.id"]),
        ForeignKeyConstraint(["park_id", "parent_id"], ["meters.park_id", "meters.id"]),
        CheckConstraint(_in("kind", METER_KINDS), name="kind"),
        CheckConstraint(_in("mode", METER_MODES), name="mode"),
        CheckConstraint("interval_s > 0", name="interval_s"),
        CheckConstraint("multiplier > 0", name="multiplier"),
    )

    park_id: Mapped[str] = mapped_column(
        ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(32))  # unit of the values, e.g. kWh, m**3
    activity_kind: Mapped[str | None] = mapped_column(String(128))  # override of the default
    zone: Mapped[str | None] = mapped_column(String(_ID))
    tenant: Mapped[str | None] = mapped_column(String(_ID))
    parent_id: Mapped[str | None] = mapped_column(String(_ID))
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32-byte Ed25519 key
    interval_s: Mapped[int] = mapped_column(Integer, default=900)  # expected reporting interval [s]
    multiplier: Mapped[float] = mapped_column(Double, default=1.0)  # CT/PT ratio [-]
    log_id: Mapped[str | None] = mapped_column(String(_ID))  # ledger entry of the enrolment
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reading(Base):
    """One accepted, signature-checked reading, logged as ledger entry ``ledger_index``."""

    __tablename__ = "readings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["park_id", "meter_id"], ["meters.park_id", "meters.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["log_id", "ledger_index"], ["ledger_entries.log_id", "ledger_entries.idx"]
        ),
        UniqueConstraint("park_id", "meter_id", "ts"),
        Index(None, "park_id", "ts"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(String(_ID))
    meter_id: Mapped[str] = mapped_column(String(_ID))
    ts: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # end of the interval / time read
    value: Mapped[float] = mapped_column(Double)  # [meter unit]
    log_id: Mapped[str] = mapped_column(String(_ID))
    ledger_index: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16))  # csv | mqtt | api
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReadingReject(Base):
    """A reading that was refused, and why (it is counted, never stored as a reading)."""

    __tablename__ = "reading_rejects"
    __table_args__ = (Index(None, "park_id", "received_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(String(_ID))
    meter_id: Mapped[str | None] = mapped_column(String(_ID))
    reason: Mapped[str] = mapped_column(String(32))  # bad_signature | missing_signature | ...
    detail: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str | None] = mapped_column(Text)  # the raw message, cut to 2,000 characters
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Alert(Base):
    """An alert raised by a monitoring rule; one per (kind, subject, period start)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("park_id", "kind", "subject", "period_start"),
        CheckConstraint(_in("kind", ALERT_KINDS), name="kind"),
        CheckConstraint(_in("severity", ("info", "warning", "critical")), name="severity"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(_ID))  # meter id, zone id or "park"
    period_start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
