"""Dock appointments in the store: the functions the HTTP API and the CLI call.

Every function takes a session, the park and (for carrier actions) the carrier, and returns plain
frozen dataclasses. Transactions belong to the caller (:func:`parkzero.store.session.session_scope`);
functions flush, never commit. A carrier only ever sees and changes its own bookings: another
carrier's booking id gives :class:`~parkzero.yard.booking.BookingNotFound`, exactly as an
unknown id does.

No double booking, also under concurrent requests:

1. every change first bumps ``yard_configs.booking_seq`` of the park (an ``UPDATE``). On
   PostgreSQL the row lock it takes is held to commit, so concurrent changes of one park run one
   after another and each sees the previous one's units; on SQLite the ``UPDATE`` takes the
   database write lock (make it the first statement of the transaction);
2. the booked units are rows of ``yard_slot_units`` whose primary key is (park, day, dock, slot
   start), so even a writer that skipped the lock cannot book a unit twice: the insert fails and
   the request gets :class:`~parkzero.yard.booking.SlotUnavailable`.

Times: ``now`` is an aware timestamp (default the current UTC time) converted to the yard's local
day and minute; booking days are local dates and ``start_min`` minutes after local midnight.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast, get_args

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from parkzero.errors import ConfigError, InputError
from parkzero.store.models import utcnow
from parkzero.yard.booking import (
    BookingError,
    BookingNotFound,
    CutOffPassed,
    Reservation,
    SlotOffer,
    SlotUnavailable,
    available_slots,
    check_book_cutoff,
    check_cancel_cutoff,
    checkin_status,
    find_reservation,
    is_no_show,
)
from parkzero.yard.estimates import DIRECTIONS, Direction
from parkzero.yard.models import Cargo, Vehicle, Yard, format_hhmm
from parkzero.yard.tables import YardBooking, YardConfig, YardSlotUnit

__all__ = [
    "BookingBusy",
    "BookingView",
    "CheckIn",
    "book",
    "cancel",
    "check_in",
    "complete",
    "day_bookings",
    "get_yard",
    "list_bookings",
    "mark_no_show",
    "reschedule",
    "save_yard",
    "slots",
    "walk_in",
]


class BookingBusy(BookingError):
    """Another booking of the park is being written and the database would not wait: retry."""


@dataclass(frozen=True)
class BookingView:
    """A booking as a carrier or dispatcher sees it.

    ``start_min``/``end_min`` are minutes after the local midnight of ``day`` [min].
    """

    id: int
    park_id: str
    carrier_id: str
    plate: str
    direction: str
    cargo: str
    vehicle: str
    pallets: int
    day: dt.date
    start_min: int
    end_min: int
    dock_id: str
    status: str
    walk_in: bool
    checked_in_at: dt.datetime | None = None

    @property
    def start(self) -> str:
        """Slot start as ``HH:MM`` local time [-]."""
        return format_hhmm(self.start_min)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields, with ``start``/``end`` as ``HH:MM`` added."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["start"] = format_hhmm(self.start_min)
        out["end"] = format_hhmm(self.end_min)
        return out


@dataclass(frozen=True)
class CheckIn:
    """Result of a gate check-in.

    Parameters
    ----------
    booking : BookingView
        The booking the truck is now checked in against (a new walk-in when it was forfeited).
    status : {"on_time", "late", "walk_in"}
        How it arrived relative to its slot [-].
    lateness_min : int
        Arrival minus slot start; negative is early [min].
    """

    booking: BookingView
    status: str
    lateness_min: int


def _view(b: YardBooking) -> BookingView:
    return BookingView(
        id=b.id,
        park_id=b.park_id,
        carrier_id=b.carrier_id,
        plate=b.plate,
        direction=b.direction,
        cargo=b.cargo,
        vehicle=b.vehicle,
        pallets=b.pallets,
        day=b.day,
        start_min=b.start_min,
        end_min=b.end_min,
        dock_id=b.dock_id,
        status=b.status,
        walk_in=b.walk_in,
        checked_in_at=b.checked_in_at,
    )


def save_yard(session: Session, park_id: str, yard: Yard) -> None:
    """Store (or replace) the yard of a park; existing bookings are kept.

    Raises
    ------
    ConfigError
        When the park does not exist in the store.
    """
    from parkzero.store.models import Park

    if session.get(Park, park_id) is None:
        raise ConfigError(
            f"park {park_id!r} is not in the database; import the park first", column="park_id"
        )
    row = session.get(YardConfig, park_id)
    config = yard.model_dump(mode="json")
    if row is None:
        session.add(YardConfig(park_id=park_id, config=config, booking_seq=0))
    else:
        row.config = config
        row.updated_at = utcnow()
    session.flush()


def get_yard(session: Session, park_id: str) -> Yard:
    """The yard stored for a park; :class:`ConfigError` when there is none."""
    config = session.scalar(select(YardConfig.config).where(YardConfig.park_id == park_id))
    if config is None:
        raise ConfigError(f"park {park_id!r} has no yard configured", column="park_id")
    return Yard.model_validate(config)


def _lock(session: Session, park_id: str) -> Yard:
    """Serialise changes of one park's bookings (see the module docstring); return its yard."""
    try:
        result = session.execute(
            update(YardConfig)
            .where(YardConfig.park_id == park_id)
            .values(booking_seq=YardConfig.booking_seq + 1)
        )
    except OperationalError as exc:  # SQLite: the write lock is held by another transaction
        raise BookingBusy(
            "another booking of this park is being saved; try again in a moment"
        ) from exc
    if cast(Any, result).rowcount == 0:
        raise ConfigError(f"park {park_id!r} has no yard configured", column="park_id")
    return get_yard(session, park_id)


def _now(yard: Yard, now: dt.datetime | None) -> tuple[dt.date, int]:
    return yard.local(now or utcnow())


def _taken(session: Session, park_id: str, day: dt.date) -> set[tuple[str, int]]:
    rows = session.execute(
        select(YardSlotUnit.dock_id, YardSlotUnit.slot_min).where(
            YardSlotUnit.park_id == park_id, YardSlotUnit.day == day
        )
    )
    return {(d, int(s)) for d, s in rows}


def _check_truck(yard: Yard, carrier_id: str, plate: str) -> None:
    if yard.carriers and carrier_id not in yard.carrier_ids():
        raise InputError(f"carrier {carrier_id!r} is not registered at this yard", column="carrier")
    if not plate.strip():
        raise InputError("the truck's licence plate is empty", column="plate")


def _check_visit(yard: Yard, direction: str, cargo: str, vehicle: str, pallets: int) -> None:
    if direction not in DIRECTIONS:
        raise InputError(
            f"direction {direction!r}: expected inbound or outbound", column="direction"
        )
    if cargo not in get_args(Cargo):
        raise InputError(f"cargo {cargo!r}: expected dry, chilled or frozen", column="cargo")
    if vehicle not in get_args(Vehicle):
        raise InputError(f"vehicle {vehicle!r}: expected trailer, rigid or van", column="vehicle")
    if not 0 <= pallets <= 100:
        raise InputError(f"pallets {pallets}: expected 0 to 100", column="pallets")
    if not yard.compatible(direction, cast(Cargo, cargo), cast(Vehicle, vehicle)):
        raise InputError(
            f"no dock of this yard takes {direction} {cargo} cargo on a {vehicle}", column="cargo"
        )


def _insert_units(
    session: Session, park_id: str, day: dt.date, res: Reservation, booking: YardBooking
) -> None:
    """Insert the units of `res` for `booking` in a savepoint; a duplicate → SlotUnavailable."""
    try:
        with session.begin_nested():
            if booking.id is None:
                session.add(booking)
                session.flush()
            session.add_all(
                YardSlotUnit(
                    park_id=park_id, day=day, dock_id=res.dock, slot_min=u, booking_id=booking.id
                )
                for u in res.units
            )
            session.flush()
    except IntegrityError as exc:
        raise SlotUnavailable(
            f"slot {day.isoformat()} {format_hhmm(res.start_min)} at dock {res.dock} was just "
            "taken by another booking; choose another slot",
            column="start",
        ) from exc


def _new_booking(
    session: Session,
    park_id: str,
    carrier_id: str,
    plate: str,
    visit: dict[str, Any],
    day: dt.date,
    res: Reservation,
    *,
    status: str,
    walk_in: bool = False,
    checked_in_at: dt.datetime | None = None,
) -> BookingView:
    """Store a booking of `visit` (direction, cargo, vehicle, pallets) in reservation `res`
    with its slot units (:func:`_insert_units`) [-]."""
    booking = YardBooking(
        park_id=park_id,
        carrier_id=carrier_id,
        plate=plate.strip().upper(),
        **visit,
        day=day,
        start_min=res.start_min,
        end_min=res.end_min,
        dock_id=res.dock,
        status=status,
        walk_in=walk_in,
        checked_in_at=checked_in_at,
    )
    _insert_units(session, park_id, day, res, booking)
    return _view(booking)


def _unavailable(
    yard: Yard, day: dt.date, start_min: int, offers: list[SlotOffer]
) -> SlotUnavailable:
    later = [o for o in offers if o.start_min > start_min][:3]
    hint = (
        "next free: " + ", ".join(format_hhmm(o.start_min) for o in later)
        if later
        else "no later slot is free that day"
    )
    return SlotUnavailable(
        f"slot {day.isoformat()} {format_hhmm(start_min)} is full for this visit ({hint})",
        column="start",
    )


def slots(
    session: Session,
    park_id: str,
    *,
    day: dt.date,
    direction: str,
    cargo: str = "dry",
    pallets: int,
    vehicle: str = "trailer",
    now: dt.datetime | None = None,
) -> list[SlotOffer]:
    """Start times a visit can still be booked at on `day` (respecting the booking cut-off)."""
    yard = get_yard(session, park_id)
    _check_visit(yard, direction, cargo, vehicle, pallets)
    now_day, now_min = _now(yard, now)
    # the cut-off as minutes after the local midnight of `day`
    earliest = now_min + yard.rules.book_cutoff_min - (day - now_day).days * 24 * 60
    return available_slots(
        yard,
        direction=cast(Direction, direction),
        cargo=cast(Cargo, cargo),
        vehicle=cast(Vehicle, vehicle),
        pallets=pallets,
        taken=_taken(session, park_id, day),
        earliest_min=earliest,
    )


def book(
    session: Session,
    park_id: str,
    carrier_id: str,
    *,
    day: dt.date,
    start_min: int,
    plate: str,
    direction: str,
    cargo: str = "dry",
    pallets: int,
    vehicle: str = "trailer",
    now: dt.datetime | None = None,
) -> BookingView:
    """Book a slot starting at `start_min` [min after local midnight] of `day`.

    Raises
    ------
    SlotUnavailable
        No compatible dock is free for the whole visit at that time (the message lists the next
        free starts), or a concurrent booking took it first.
    CutOffPassed
        The slot starts within the booking cut-off or is beyond the booking horizon.
    InputError
        Unknown carrier, bad direction/cargo/vehicle/pallets.
    """
    yard = _lock(session, park_id)
    _check_truck(yard, carrier_id, plate)
    _check_visit(yard, direction, cargo, vehicle, pallets)
    now_day, now_min = _now(yard, now)
    check_book_cutoff(yard, day, start_min, now_day, now_min)
    taken = _taken(session, park_id, day)
    visit: dict[str, Any] = dict(
        direction=cast(Direction, direction),
        cargo=cast(Cargo, cargo),
        vehicle=cast(Vehicle, vehicle),
        pallets=pallets,
    )
    res = find_reservation(yard, taken=taken, start_min=start_min, **visit)
    if res is None:
        raise _unavailable(yard, day, start_min, available_slots(yard, taken=taken, **visit))
    return _new_booking(session, park_id, carrier_id, plate, visit, day, res, status="booked")


def _own(session: Session, park_id: str, carrier_id: str | None, booking_id: int) -> YardBooking:
    stmt = select(YardBooking).where(YardBooking.park_id == park_id, YardBooking.id == booking_id)
    if carrier_id is not None:
        stmt = stmt.where(YardBooking.carrier_id == carrier_id)
    booking = session.scalar(stmt)
    if booking is None:
        raise BookingNotFound(f"no booking {booking_id} for this carrier", column="booking")
    return booking


def _release(session: Session, booking: YardBooking, from_min: int | None = None) -> None:
    stmt = delete(YardSlotUnit).where(YardSlotUnit.booking_id == booking.id)
    if from_min is not None:
        stmt = stmt.where(YardSlotUnit.slot_min >= from_min)
    session.execute(stmt)


def _require_status(booking: YardBooking, *allowed: str) -> None:
    if booking.status not in allowed:
        raise BookingError(
            f"booking {booking.id} is {booking.status} (expected {' or '.join(allowed)})",
            column="status",
        )


def reschedule(
    session: Session,
    park_id: str,
    carrier_id: str,
    booking_id: int,
    *,
    day: dt.date,
    start_min: int,
    now: dt.datetime | None = None,
) -> BookingView:
    """Move a booking to another slot; the old slot stays booked if the new one is not free.

    Raises
    ------
    BookingNotFound, CutOffPassed, SlotUnavailable
    """
    yard = _lock(session, park_id)
    booking = _own(session, park_id, carrier_id, booking_id)
    _require_status(booking, "booked")
    now_day, now_min = _now(yard, now)
    check_cancel_cutoff(yard, booking.day, booking.start_min, now_day, now_min)
    check_book_cutoff(yard, day, start_min, now_day, now_min)
    visit: dict[str, Any] = dict(
        direction=cast(Direction, booking.direction),
        cargo=cast(Cargo, booking.cargo),
        vehicle=cast(Vehicle, booking.vehicle),
        pallets=booking.pallets,
    )
    with session.begin_nested():  # rolled back (old units kept) if the new slot is not free
        _release(session, booking)
        session.flush()
        taken = _taken(session, park_id, day)
        res = find_reservation(yard, taken=taken, start_min=start_min, **visit)
        if res is None:
            raise _unavailable(yard, day, start_min, available_slots(yard, taken=taken, **visit))
        booking.day, booking.start_min, booking.end_min = day, res.start_min, res.end_min
        booking.dock_id = res.dock
        booking.updated_at = utcnow()
        _insert_units(session, park_id, day, res, booking)
    return _view(booking)


def cancel(
    session: Session,
    park_id: str,
    carrier_id: str,
    booking_id: int,
    *,
    now: dt.datetime | None = None,
) -> BookingView:
    """Cancel a booking before the cancellation cut-off; its slot units are freed."""
    yard = _lock(session, park_id)
    booking = _own(session, park_id, carrier_id, booking_id)
    _require_status(booking, "booked")
    now_day, now_min = _now(yard, now)
    check_cancel_cutoff(yard, booking.day, booking.start_min, now_day, now_min)
    _release(session, booking)
    booking.status = "cancelled"
    booking.updated_at = utcnow()
    session.flush()
    return _view(booking)


def mark_no_show(
    session: Session, park_id: str, booking_id: int, *, now: dt.datetime | None = None
) -> BookingView:
    """Dispatcher: mark a booked truck that did not check in within the grace as a no-show.

    The units from the current slot on are freed for walk-ins.

    Raises
    ------
    CutOffPassed
        The grace period has not ended yet.
    """
    yard = _lock(session, park_id)
    booking = _own(session, park_id, None, booking_id)
    _require_status(booking, "booked")
    now_day, now_min = _now(yard, now)
    if not is_no_show(yard, booking.day, booking.start_min, now_day, now_min):
        raise CutOffPassed(
            f"booking {booking.id} is not a no-show yet: the grace ends at "
            f"{format_hhmm(booking.start_min + yard.rules.no_show_grace_min)}",
            column="status",
        )
    _release(session, booking, now_min if booking.day == now_day else None)
    booking.status = "no_show"
    booking.updated_at = utcnow()
    session.flush()
    return _view(booking)


def walk_in(
    session: Session,
    park_id: str,
    carrier_id: str,
    *,
    plate: str,
    direction: str,
    cargo: str = "dry",
    pallets: int,
    vehicle: str = "trailer",
    now: dt.datetime | None = None,
) -> BookingView:
    """A truck without booking at the gate: the earliest free slot from now on, checked in.

    Raises
    ------
    SlotUnavailable
        No compatible dock has a free slot for the rest of the day.
    """
    yard = _lock(session, park_id)
    _check_truck(yard, carrier_id, plate)
    _check_visit(yard, direction, cargo, vehicle, pallets)
    now_day, now_min = _now(yard, now)
    res = find_reservation(
        yard,
        direction=cast(Direction, direction),
        cargo=cast(Cargo, cargo),
        vehicle=cast(Vehicle, vehicle),
        pallets=pallets,
        taken=_taken(session, park_id, now_day),
        earliest_min=now_min,
    )
    if res is None:
        raise SlotUnavailable(
            f"no compatible dock is free for the rest of {now_day.isoformat()}; "
            "the truck cannot be served today",
            column="start",
        )
    visit = dict(direction=direction, cargo=cargo, vehicle=vehicle, pallets=pallets)
    return _new_booking(
        session, park_id, carrier_id, plate, visit, now_day, res,
        status="checked_in", walk_in=True, checked_in_at=now or utcnow(),
    )  # fmt: skip


def check_in(
    session: Session, park_id: str, *, plate: str, now: dt.datetime | None = None
) -> CheckIn:
    """Gate check-in of a truck by licence plate against today's booking.

    On time or late within the grace: checked in. Past the grace: the booking becomes a
    no-show and the truck is registered as a walk-in (earliest free slot).

    Raises
    ------
    BookingNotFound
        No open booking today for the plate.
    CutOffPassed
        More than ``early_checkin_min`` before its slot: wait and check in later.
    """
    yard = _lock(session, park_id)
    now_day, now_min = _now(yard, now)
    candidates = session.scalars(
        select(YardBooking)
        .where(
            YardBooking.park_id == park_id,
            YardBooking.plate == plate.strip().upper(),
            YardBooking.day == now_day,
            YardBooking.status == "booked",
        )
        .order_by(YardBooking.start_min)
    ).all()
    if not candidates:
        raise BookingNotFound(
            f"no open booking today for plate {plate!r}; register the truck as a walk-in",
            column="plate",
        )
    booking = min(candidates, key=lambda b: abs(b.start_min - now_min))
    lateness = now_min - booking.start_min
    status = checkin_status(yard, booking.day, booking.start_min, now_day, now_min)
    if status == "early":
        raise CutOffPassed(
            f"plate {booking.plate} is {-lateness} min early; check-in opens at "
            f"{format_hhmm(booking.start_min - yard.rules.early_checkin_min)}",
            column="plate",
        )
    if status == "forfeited":
        _release(session, booking)
        booking.status = "no_show"
        booking.updated_at = utcnow()
        session.flush()
        walk = walk_in(
            session,
            park_id,
            booking.carrier_id,
            plate=booking.plate,
            direction=booking.direction,
            cargo=booking.cargo,
            pallets=booking.pallets,
            vehicle=booking.vehicle,
            now=now,
        )
        return CheckIn(walk, "walk_in", lateness)
    booking.status = "checked_in"
    booking.checked_in_at = now or utcnow()
    booking.updated_at = utcnow()
    session.flush()
    return CheckIn(_view(booking), status, lateness)


def complete(
    session: Session, park_id: str, booking_id: int, *, now: dt.datetime | None = None
) -> BookingView:
    """Dispatcher: the truck has left the dock; units after the current minute are freed."""
    yard = _lock(session, park_id)
    booking = _own(session, park_id, None, booking_id)
    _require_status(booking, "checked_in")
    now_day, now_min = _now(yard, now)
    if booking.day == now_day:
        _release(session, booking, now_min)
    booking.status = "completed"
    booking.updated_at = utcnow()
    session.flush()
    return _view(booking)


def list_bookings(
    session: Session, park_id: str, carrier_id: str, *, day: dt.date | None = None
) -> list[BookingView]:
    """A carrier's own bookings (all days, or one), by day and start."""
    stmt = select(YardBooking).where(
        YardBooking.park_id == park_id, YardBooking.carrier_id == carrier_id
    )
    if day is not None:
        stmt = stmt.where(YardBooking.day == day)
    stmt = stmt.order_by(YardBooking.day, YardBooking.start_min, YardBooking.id)
    return [_view(b) for b in session.scalars(stmt)]


def day_bookings(session: Session, park_id: str, day: dt.date) -> list[BookingView]:
    """Dispatcher: every booking of the park on `day`, by start and dock."""
    stmt = (
        select(YardBooking)
        .where(YardBooking.park_id == park_id, YardBooking.day == day)
        .order_by(YardBooking.start_min, YardBooking.dock_id, YardBooking.id)
    )
    return [_view(b) for b in session.scalars(stmt)]
