"""SQLAlchemy 2 models of the store: parks, activity data as imported, inventory runs.

One schema for SQLite (the embedded default) and PostgreSQL (production), created and changed only
by the Alembic migrations in :mod:`parkzero.store.migrations`. Portable types throughout: text ids,
``JSON``, double-precision floats, ``DATE`` for activity periods and timezone-aware timestamps that
are always stored in UTC (:class:`UTCDateTime`).

Tables::

    parks ─┬─ zones            (park_id, id) primary key
           ├─ tenants          (park_id, id) primary key
           ├─ import_batches ── activities     one batch per imported file; a file is all or nothing
           └─ inventory_runs ─┬─ inventory_lines
                              └─ factors_used  every emission factor a run used, one row per gas

Quantities keep the unit they were reported in (``quantity`` [``unit``]); the inventory engine
converts them when it computes. Emissions are in tCO2e.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from parkzero.carbon.models import QUALITY_TIERS

__all__ = [
    "QUALITY_VALUES",
    "Activity",
    "Base",
    "FactorUsed",
    "ImportBatch",
    "InventoryLine",
    "InventoryRun",
    "Park",
    "Tenant",
    "UTCDateTime",
    "Zone",
    "utcnow",
]

#: Data-quality tiers accepted in ``activities.quality``.
QUALITY_VALUES: tuple[str, ...] = QUALITY_TIERS

#: Constraint names are fixed so that migrations can address them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_ID = 255  # length of text identifiers (park, zone, tenant, factor ids) [characters]

#: 64-bit surrogate keys on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp stored in UTC and always returned timezone-aware in UTC.

    PostgreSQL keeps it as ``timestamp with time zone``; SQLite has no time zone type, so the UTC
    wall time is stored and UTC is attached again when it is read. Naive values are refused: a
    timestamp without a time zone is ambiguous.

    Examples
    --------
    >>> UTCDateTime().process_bind_param(
    ...     dt.datetime(2024, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))), None)
    datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect | None) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store times with a time zone (UTC)")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every parkzero table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Park(Base):
    """A park: identity and its settings as validated (:class:`parkzero.carbon.park.Park`).

    ``settings`` holds the whole validated park description as JSON, so the park can be rebuilt
    from the store; zones and tenants are also kept as rows for references and queries.
    """

    __tablename__ = "parks"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    zones: Mapped[list[Zone]] = relationship(
        back_populates="park", cascade="all, delete-orphan", passive_deletes=True
    )
    tenants: Mapped[list[Tenant]] = relationship(
        back_populates="park", cascade="all, delete-orphan", passive_deletes=True
    )


class Zone(Base):
    """A facility or functional zone of a park; ``id`` is unique within the park."""

    __tablename__ = "zones"

    park_id: Mapped[str] = mapped_column(
        ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    area_m2: Mapped[float | None] = mapped_column(Double)  # floor area [m²]
    equity_share: Mapped[float] = mapped_column(Double, default=1.0)  # [0–1]
    financial_control: Mapped[bool] = mapped_column(default=True)
    operational_control: Mapped[bool] = mapped_column(default=True)

    park: Mapped[Park] = relationship(back_populates="zones")


class Tenant(Base):
    """A tenant of a park; ``id`` is unique within the park, ``zones`` lists zone ids."""

    __tablename__ = "tenants"

    park_id: Mapped[str] = mapped_column(
        ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    zones: Mapped[list[str]] = mapped_column(JSON, default=list)
    area_m2: Mapped[float | None] = mapped_column(Double)  # [m²]
    operational_control: Mapped[bool] = mapped_column(default=False)

    park: Mapped[Park] = relationship(back_populates="tenants")


class ImportBatch(Base):
    """One imported activity file (or the inline rows of a park file): all its rows or none.

    ``sha256`` is the hex digest of the file's bytes; the same content cannot be imported twice
    into one park (unique with ``park_id``) unless the earlier batch is replaced.
    """

    __tablename__ = "import_batches"
    __table_args__ = (
        UniqueConstraint("park_id", "sha256"),
        UniqueConstraint("park_id", "id"),  # target of activities' (park_id, batch_id) key
        CheckConstraint("kind IN ('csv', 'inline', 'frame')", name="kind"),
        CheckConstraint("row_count >= 0", name="row_count"),
        {"sqlite_autoincrement": True},  # never reuse a batch id that messages have named
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # csv | inline | frame
    file_name: Mapped[str] = mapped_column(Text)  # the source as given, e.g. a path
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Activity(Base):
    """One activity row as imported: ``quantity`` [``unit``] of ``kind`` from ``start`` to ``end``.

    Mirrors :data:`parkzero.carbon.activities.ACTIVITY_COLUMNS`; empty optional fields are NULL.
    ``zone`` and ``tenant`` reference the park's zones and tenants, ``(park_id, batch_id)`` a
    batch of the same park (which also guarantees the park exists: one foreign key check fewer
    per row on a 100,000-row import).
    """

    __tablename__ = "activities"
    __table_args__ = (
        ForeignKeyConstraint(
            ["park_id", "batch_id"],
            ["import_batches.park_id", "import_batches.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["park_id", "zone"], ["zones.park_id", "zones.id"]),
        ForeignKeyConstraint(["park_id", "tenant"], ["tenants.park_id", "tenants.id"]),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint('"end" >= start', name="period"),
        CheckConstraint(
            "quality IN (" + ", ".join(f"'{q}'" for q in QUALITY_VALUES) + ")", name="quality"
        ),
        Index(None, "park_id", "start"),
        Index(None, "park_id", "zone"),
        Index(None, "park_id", "tenant"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(String(_ID))
    batch_id: Mapped[int] = mapped_column(BigId, index=True)
    source_row: Mapped[int] = mapped_column(Integer)  # row in the file, header = row 1
    kind: Mapped[str] = mapped_column(String(128))
    quantity: Mapped[float] = mapped_column(Double)  # [unit]
    unit: Mapped[str] = mapped_column(String(64))
    start: Mapped[dt.date] = mapped_column(Date)  # first day covered
    end: Mapped[dt.date] = mapped_column(Date)  # last day covered, inclusive
    zone: Mapped[str | None] = mapped_column(String(_ID))
    tenant: Mapped[str | None] = mapped_column(String(_ID))
    source_id: Mapped[str | None] = mapped_column(Text)
    quality: Mapped[str] = mapped_column(String(16), default="measured")
    category: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(64))


class InventoryRun(Base):
    """One computed inventory of a park for a year, with its headline figures [tCO2e].

    ``result`` is the engine's whole result dict except the lines (which are rows of
    :class:`InventoryLine`); the totals are also columns so they can be queried.
    """

    __tablename__ = "inventory_runs"
    __table_args__ = (
        Index(None, "park_id", "year", "created_at"),
        {"sqlite_autoincrement": True},  # never reuse a run id
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    gwp_set: Mapped[str] = mapped_column(String(16))
    factor_sets: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    total_tco2e: Mapped[float] = mapped_column(Double)  # S1 + S2 location + S3 [tCO2e]
    scope1_tco2e: Mapped[float] = mapped_column(Double)
    scope2_location_tco2e: Mapped[float] = mapped_column(Double)
    scope2_market_tco2e: Mapped[float] = mapped_column(Double)
    scope3_tco2e: Mapped[float] = mapped_column(Double)
    line_count: Mapped[int] = mapped_column(Integer, default=0)  # rows in inventory_lines
    line_keys: Mapped[list[str] | None] = mapped_column(JSON)  # keys of a line; None: no lines
    result: Mapped[dict[str, Any]] = mapped_column(JSON)

    factors: Mapped[list[FactorUsed]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="FactorUsed.id"
    )


class InventoryLine(Base):
    """One computed line of an inventory run: an activity × a factor → tCO2e.

    The columns are the documented line keys of the engine's JSON; keys a future engine adds are
    kept in ``extra``.
    """

    __tablename__ = "inventory_lines"
    __table_args__ = (
        UniqueConstraint("run_id", "position"),
        Index(None, "run_id", "factor_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inventory_runs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order of the line in the result
    line_id: Mapped[str | None] = mapped_column(Text)  # e.g. "activities-2024.csv:14"
    scope: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(128))
    zone: Mapped[str | None] = mapped_column(String(_ID))
    tenant: Mapped[str | None] = mapped_column(String(_ID))
    quantity: Mapped[float | None] = mapped_column(Double)  # [unit]
    unit: Mapped[str | None] = mapped_column(String(64))
    quantity_factor_unit: Mapped[float | None] = mapped_column(Double)  # [factor's unit]
    factor_id: Mapped[str | None] = mapped_column(String(_ID))
    factor_value: Mapped[float | None] = mapped_column(Double)  # [factor_unit]
    factor_unit: Mapped[str | None] = mapped_column(String(64))
    factor_source: Mapped[str | None] = mapped_column(Text)
    tco2e: Mapped[float | None] = mapped_column(Double)  # location-based [tCO2e]
    tco2e_market: Mapped[float | None] = mapped_column(Double)  # market-based [tCO2e]
    market_factor_id: Mapped[str | None] = mapped_column(String(_ID))
    quality: Mapped[str | None] = mapped_column(String(16))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FactorUsed(Base):
    """An emission factor an inventory run used, one row per gas.

    ``value`` is the mass of ``gas`` per unit of activity [``unit``, e.g. ``kg/kWh``]; ``source``
    and ``version`` identify the published figure.
    """

    __tablename__ = "factors_used"
    __table_args__ = (UniqueConstraint("run_id", "factor_id", "gas"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inventory_runs.id", ondelete="CASCADE"))
    factor_id: Mapped[str] = mapped_column(String(_ID))
    gas: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Double)  # [unit]
    unit: Mapped[str] = mapped_column(String(64))  # e.g. "kg/kWh": kg of gas per activity unit
    source: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(128))
    factor_set: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int | None] = mapped_column(Integer)


# Tables that live with their domain package register on Base when imported; import them here so
# that the store's metadata (migrations, autogenerate, tests) always holds every table.
from parkzero.energy import tables as _energy_tables  # noqa: E402, F401
from parkzero.ledger import tables as _ledger_tables  # noqa: E402, F401
from parkzero.monitoring import tables as _monitoring_tables  # noqa: E402, F401
from parkzero.neutrality import tables as _neutrality_tables  # noqa: E402, F401
from parkzero.store import accounts as _accounts_tables  # noqa: E402, F401
from parkzero.yard import tables as _yard_tables  # noqa: E402, F401
