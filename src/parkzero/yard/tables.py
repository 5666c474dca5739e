"""Tables of the dock appointment system: yard settings, bookings and booked slot units.

Declared on :class:`parkzero.store.models.Base`, created by the migration ``0004_yard``.

Tables::

    parks ── yard_configs        park_id                        the yard (YAML as JSON) + lock row
          └─ yard_bookings ──── yard_slot_units  (park_id, day, dock_id, slot_min) primary key

No double booking: a dock serves one truck per slot, so the primary key of ``yard_slot_units``
makes a second booking of the same (park, day, dock, slot start) impossible in the database
itself, whatever the application does. The service also locks the park's ``yard_configs`` row
(an ``UPDATE`` of ``booking_seq``) before it looks for free units, so concurrent bookings of one
park are serialised and the loser gets a clean "slot unavailable" instead of a constraint error.

``day`` is the local date of the yard and ``start_min``/``end_min``/``slot_min`` are minutes
after its local midnight [min], the units of :mod:`parkzero.yard.problem`; event times
(``created_at``, ``checked_in_at`` …) are UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from parkzero.store.models import Base, BigId, UTCDateTime, utcnow

__all__ = ["BOOKING_STATUSES", "YardBooking", "YardConfig", "YardSlotUnit"]

_ID = 255

#: Life cycle of a booking: booked → checked_in → completed, or cancelled / no_show.
BOOKING_STATUSES: tuple[str, ...] = ("booked", "checked_in", "completed", "cancelled", "no_show")


class YardConfig(Base):
    """A park's yard (validated :class:`~parkzero.yard.models.Yard` as JSON) and its lock row."""

    __tablename__ = "yard_configs"

    park_id: Mapped[str] = mapped_column(
        ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True
    )
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    booking_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # bumped by every change
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class YardBooking(Base):
    """One appointment (or walk-in) of a carrier's truck at a dock."""

    __tablename__ = "yard_bookings"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in BOOKING_STATUSES) + ")", name="status"
        ),
        CheckConstraint("direction IN ('inbound', 'outbound')", name="direction"),
        CheckConstraint("cargo IN ('dry', 'chilled', 'frozen')", name="cargo"),
        CheckConstraint("vehicle IN ('trailer', 'rigid', 'van')", name="vehicle"),
        CheckConstraint("pallets >= 0", name="pallets"),
        CheckConstraint("end_min > start_min", name="period"),
        Index(None, "park_id", "carrier_id", "day"),
        Index(None, "park_id", "day", "status"),
        {"sqlite_autoincrement": True},  # never reuse a booking number a driver was given
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    carrier_id: Mapped[str] = mapped_column(String(_ID))
    plate: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(16))
    cargo: Mapped[str] = mapped_column(String(16))
    vehicle: Mapped[str] = mapped_column(String(16))
    pallets: Mapped[int] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)  # local day of the yard
    start_min: Mapped[int] = mapped_column(Integer)  # [min after local midnight]
    end_min: Mapped[int] = mapped_column(Integer)  # end of the reserved units [min]
    dock_id: Mapped[str] = mapped_column(String(_ID))
    status: Mapped[str] = mapped_column(String(16), default="booked")
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class YardSlotUnit(Base):
    """One dock slot held by a booking; the primary key is the no-double-booking rule."""

    __tablename__ = "yard_slot_units"
    __table_args__ = (Index(None, "booking_id"),)

    park_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    dock_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    slot_min: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    booking_id: Mapped[int] = mapped_column(ForeignKey("yard_bookings.id", ondelete="CASCADE"))
