"""Store tables of the neutrality package: credit batches, retirements, claims.

Declared on :class:`parkzero.store.models.Base` (so the store's metadata and migrations know
them) and created by migration ``0002_credits``::

    parks ─┬─ credit_batches ── credit_retirements    (park_id, batch_id) → credit_batches
           └─ neutrality_claims

Serial ranges are kept twice: as the registry prints them (``serials``) and parsed
(``serial_prefix``, ``serial_start``, ``serial_end``, ``serial_suffix``, ``serial_paired``,
``serial_width``, see :class:`parkzero.neutrality.registry.SerialRange`), so that overlaps are a
range query. Quantities are whole credits [tCO2e]; dates are calendar dates, times UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from parkzero.store.models import Base, BigId, UTCDateTime, utcnow

__all__ = ["CreditBatchRow", "CreditRetirementRow", "NeutralityClaimRow"]

_ID = 255


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class CreditBatchRow(Base):
    """A block of carbon credits held by a park (:class:`parkzero.neutrality.models.CreditBatch`).

    ``(park_id, id)`` is the key; a serial range may belong to one batch in the whole store
    (checked on import).
    """

    __tablename__ = "credit_batches"
    __table_args__ = (
        CheckConstraint(_in("standard", ("CCER", "CDM", "VCS", "GS")), name="standard"),
        CheckConstraint(_in("category", ("removal", "avoidance")), name="category"),
        CheckConstraint("serial_end >= serial_start", name="serial_range"),
        CheckConstraint("quantity_tco2e = serial_end - serial_start + 1", name="quantity"),
        Index(None, "standard", "serial_start"),
    )

    park_id: Mapped[str] = mapped_column(
        ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    standard: Mapped[str] = mapped_column(String(8))
    registry_name: Mapped[str] = mapped_column("registry", Text)  # `registry` is reserved
    project_id: Mapped[str] = mapped_column(String(_ID))
    project_name: Mapped[str] = mapped_column(Text, default="")
    project_type: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(16))  # removal | avoidance
    vintage: Mapped[int] = mapped_column(Integer)
    host_country: Mapped[str] = mapped_column(String(64), default="CN")
    methodology: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    serials: Mapped[str] = mapped_column(Text)  # as the registry prints the block
    serial_prefix: Mapped[str] = mapped_column(Text)
    serial_suffix: Mapped[str] = mapped_column(Text)
    serial_paired: Mapped[bool] = mapped_column()
    serial_width: Mapped[int] = mapped_column(Integer, default=0)
    serial_start: Mapped[int] = mapped_column(BigInteger)
    serial_end: Mapped[int] = mapped_column(BigInteger)
    quantity_tco2e: Mapped[int] = mapped_column(BigInteger)  # [tCO2e]
    source: Mapped[str] = mapped_column(Text, default="")  # file it was imported from
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CreditRetirementRow(Base):
    """A retired sub-range of a batch, for a beneficiary and a claim period."""

    __tablename__ = "credit_retirements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["park_id", "batch_id"], ["credit_batches.park_id", "credit_batches.id"]
        ),
        CheckConstraint("serial_end >= serial_start", name="serial_range"),
        CheckConstraint("quantity_tco2e = serial_end - serial_start + 1", name="quantity"),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint(
            _in("purpose", ("carbon_neutrality", "net_zero", "compliance", "other")),
            name="purpose",
        ),
        Index(None, "park_id", "batch_id"),
        Index(None, "beneficiary", "period_start"),
        {"sqlite_autoincrement": True},  # never reuse a retirement id
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(String(_ID))
    batch_id: Mapped[str] = mapped_column(String(_ID))
    serials: Mapped[str] = mapped_column(Text)  # the sub-range in the registry's notation
    serial_start: Mapped[int] = mapped_column(BigInteger)
    serial_end: Mapped[int] = mapped_column(BigInteger)
    quantity_tco2e: Mapped[int] = mapped_column(BigInteger)  # [tCO2e]
    retired_on: Mapped[dt.date] = mapped_column(Date)
    beneficiary: Mapped[str] = mapped_column(String(_ID))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NeutralityClaimRow(Base):
    """A claim that passed its checks, with its validity dates and the whole claim as JSON."""

    __tablename__ = "neutrality_claims"
    __table_args__ = (
        CheckConstraint("valid_until >= declared_on", name="validity"),
        Index(None, "park_id", "period_start"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    claim_type: Mapped[str] = mapped_column(String(32))
    declared_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    footprint_tco2e: Mapped[float] = mapped_column(Double)  # [tCO2e]
    retired_tco2e: Mapped[int] = mapped_column(BigInteger)  # [tCO2e]
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # Claim.to_dict()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
