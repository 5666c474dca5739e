"""Booking rules of the dock appointment system, as pure functions.

Capacity is counted in **slot units**: each dock's opening hours are cut into slots of
``yard.slot_min`` minutes starting at its opening time, and a dock serves one truck at a time, so
one (dock, slot start) unit holds at most one booking. A visit needs
``ceil(service / slot_min)`` consecutive units of one compatible dock, where ``service`` is the
expected service time (:class:`~parkzero.yard.estimates.ServiceTimeModel`). The store enforces
the same rule with a unique key on (park, day, dock, slot start) (:mod:`parkzero.yard.service`).

Rules (:class:`~parkzero.yard.models.BookingRules`):

* a slot can be booked until ``book_cutoff_min`` before it starts, at most ``horizon_days`` ahead;
* a booking can be cancelled or moved until ``cancel_cutoff_min`` before it starts;
* a truck that has not checked in ``no_show_grace_min`` after its start is a no-show, and the
  units from then on are released;
* a truck may check in from ``early_checkin_min`` before its start until the grace ends; later,
  its booking is forfeited and it is handled as a walk-in;
* a walk-in (no booking) gets the earliest free units at or after the current time.

Times are whole minutes after the local midnight of the booking day [min]; days are local dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from parkzero.errors import InputError
from parkzero.yard.estimates import Direction, ServiceTimeModel
from parkzero.yard.models import Cargo, Dock, Vehicle, Yard, format_hhmm

__all__ = [
    "BookingError",
    "BookingNotFound",
    "CutOffPassed",
    "Reservation",
    "SlotOffer",
    "SlotUnavailable",
    "available_slots",
    "check_book_cutoff",
    "check_cancel_cutoff",
    "checkin_status",
    "dock_slot_starts",
    "find_reservation",
    "is_no_show",
    "minutes_until",
    "slots_needed",
]


class BookingError(InputError):
    """A booking request the rules refuse; the message says why and what is possible."""


class SlotUnavailable(BookingError):
    """The requested slot is full (or became full while booking): choose another slot."""


class CutOffPassed(BookingError):
    """Too late (or too early) to book, cancel or move: the cut-off has passed."""


class BookingNotFound(BookingError):
    """No such booking for this carrier (another carrier's bookings are never visible)."""


@dataclass(frozen=True)
class Reservation:
    """A visit placed on a dock: ``units`` slot starts from ``start_min`` to ``end_min`` [min]."""

    dock: str
    start_min: int
    end_min: int
    units: tuple[int, ...]


@dataclass(frozen=True)
class SlotOffer:
    """A start time that can be booked and how many docks are free for it.

    Parameters
    ----------
    start_min, end_min : int
        Slot start and the end of the reserved units [min after midnight].
    docks_free : int
        Compatible docks with all needed units free [-].
    dock : str
        The dock a booking would get (first free one in the yard's order) [-].
    """

    start_min: int
    end_min: int
    docks_free: int
    dock: str


def slots_needed(service_min: float, slot_min: int) -> int:
    """Consecutive slot units a visit needs [-].

    >>> slots_needed(45, 15), slots_needed(46, 15), slots_needed(0, 15)
    (3, 4, 1)
    """
    return max(1, math.ceil(round(service_min / slot_min, 9)))


def dock_slot_starts(yard: Yard, dock: Dock) -> list[int]:
    """Slot starts of a dock: from opening, every ``slot_min``, while the slot fits [min]."""
    o, c = yard.dock_hours(dock)
    return list(range(o, c - yard.slot_min + 1, yard.slot_min))


def _service(
    yard: Yard, dock: Dock, direction: Direction, pallets: int, model: ServiceTimeModel | None
) -> int:
    return (model or ServiceTimeModel()).minutes(dock.kind, direction, pallets)


def _fits(
    yard: Yard, dock: Dock, start: int, n: int, taken: Collection[tuple[str, int]]
) -> tuple[int, ...] | None:
    o, c = yard.dock_hours(dock)
    if start < o or (start - o) % yard.slot_min:
        return None
    units = tuple(start + k * yard.slot_min for k in range(n))
    if units[-1] + yard.slot_min > c:
        return None
    if any((dock.id, u) in taken for u in units):
        return None
    return units


def available_slots(
    yard: Yard,
    *,
    direction: Direction,
    cargo: Cargo,
    pallets: int,
    taken: Collection[tuple[str, int]],
    vehicle: Vehicle = "trailer",
    earliest_min: int = 0,
    model: ServiceTimeModel | None = None,
) -> list[SlotOffer]:
    """Start times a visit can be booked at, from `earliest_min` on.

    Parameters
    ----------
    yard : Yard
    direction, cargo, pallets, vehicle
        The visit; they select compatible docks and the service time [-].
    taken : collection of (dock id, slot start)
        Units already booked that day [-, min].
    earliest_min : int
        No offer starts before this (e.g. now + the booking cut-off) [min].
    model : ServiceTimeModel, optional
        Service-time estimates [min].

    Returns
    -------
    list of SlotOffer
        Sorted by start; one per start time with at least one free compatible dock.

    Examples
    --------
    One dry inbound dock open 08:00–10:00 with 30-min slots; 20 pallets need 45 min → 2 units.

    >>> y = Yard(id="y", hours={"open": "08:00", "close": "10:00"}, slot_min=30,
    ...          docks=[{"id": "D1", "direction": "inbound"}])
    >>> [(o.start_min, o.end_min) for o in available_slots(
    ...     y, direction="inbound", cargo="dry", pallets=20, taken={("D1", 510)})]
    [(540, 600)]
    """
    offers: dict[int, list[tuple[Dock, int]]] = {}
    for dock in yard.compatible(direction, cargo, vehicle):
        n = slots_needed(_service(yard, dock, direction, pallets, model), yard.slot_min)
        for start in dock_slot_starts(yard, dock):
            if start < earliest_min:
                continue
            units = _fits(yard, dock, start, n, taken)
            if units is not None:
                offers.setdefault(start, []).append((dock, units[-1] + yard.slot_min))
    return [
        SlotOffer(start, docks[0][1], len(docks), docks[0][0].id)
        for start, docks in sorted(offers.items())
    ]


def find_reservation(
    yard: Yard,
    *,
    direction: Direction,
    cargo: Cargo,
    pallets: int,
    taken: Collection[tuple[str, int]],
    vehicle: Vehicle = "trailer",
    start_min: int | None = None,
    earliest_min: int = 0,
    dock: str | None = None,
    near_min: float | None = None,
    model: ServiceTimeModel | None = None,
) -> Reservation | None:
    """Units for a visit: at `start_min` exactly, the start nearest `near_min`, or the earliest
    from `earliest_min` on.

    With `dock` only that dock is tried (it must be compatible). Returns None when nothing is
    free. Docks are tried in the yard's order; ties go to the earlier start.

    Examples
    --------
    >>> y = Yard(id="y", hours={"open": "08:00", "close": "10:00"}, slot_min=30,
    ...          docks=[{"id": "D1"}, {"id": "D2"}])
    >>> find_reservation(y, direction="inbound", cargo="dry", pallets=5,
    ...                  taken={("D1", 480)}, start_min=480)
    Reservation(dock='D2', start_min=480, end_min=510, units=(480,))
    """
    candidates: Iterable[Dock] = yard.compatible(direction, cargo, vehicle)
    if dock is not None:
        candidates = [d for d in candidates if d.id == dock]
    best: Reservation | None = None
    for d in candidates:
        n = slots_needed(_service(yard, d, direction, pallets, model), yard.slot_min)
        starts = [start_min] if start_min is not None else dock_slot_starts(yard, d)
        if near_min is not None and start_min is None:
            starts.sort(key=lambda s: (abs(s - near_min), s))
        for s in starts:
            if s < earliest_min:
                continue
            units = _fits(yard, d, s, n, taken)
            if units is None:
                continue
            found = Reservation(d.id, s, units[-1] + yard.slot_min, units)
            if best is None or _closer(found.start_min, best.start_min, near_min):
                best = found
            break
        if best is not None and start_min is not None:
            break
    return best


def _closer(a: int, b: int, near: float | None) -> bool:
    if near is None:
        return a < b
    return (abs(a - near), a) < (abs(b - near), b)


def minutes_until(day: dt.date, start_min: int, now_day: dt.date, now_min: int) -> int:
    """Minutes from (now_day, now_min) to (day, start_min), negative when it has passed [min].

    >>> minutes_until(dt.date(2024, 5, 2), 480, dt.date(2024, 5, 1), 1380)
    540
    """
    return (day - now_day).days * 24 * 60 + start_min - now_min


def check_book_cutoff(
    yard: Yard, day: dt.date, start_min: int, now_day: dt.date, now_min: int
) -> None:
    """Raise :class:`CutOffPassed` unless a slot at (day, start) may still be booked now."""
    lead = minutes_until(day, start_min, now_day, now_min)
    cut = yard.rules.book_cutoff_min
    if lead < cut:
        raise CutOffPassed(
            f"slot {day.isoformat()} {format_hhmm(start_min)} can no longer be booked: bookings "
            f"close {cut} min before the slot starts (use a walk-in instead)",
            column="start",
        )
    if (day - now_day).days > yard.rules.horizon_days:
        raise CutOffPassed(
            f"slot {day.isoformat()} is more than {yard.rules.horizon_days} days ahead "
            f"(bookings open {yard.rules.horizon_days} days before the day)",
            column="day",
        )


def check_cancel_cutoff(
    yard: Yard, day: dt.date, start_min: int, now_day: dt.date, now_min: int
) -> None:
    """Raise :class:`CutOffPassed` unless a booking at (day, start) may be cancelled or moved."""
    lead = minutes_until(day, start_min, now_day, now_min)
    cut = yard.rules.cancel_cutoff_min
    if lead < cut:
        raise CutOffPassed(
            f"the booking at {day.isoformat()} {format_hhmm(start_min)} can no longer be "
            f"cancelled or moved: the cut-off is {cut} min before the slot "
            f"({max(lead, 0)} min left)",
            column="start",
        )


def is_no_show(yard: Yard, day: dt.date, start_min: int, now_day: dt.date, now_min: int) -> bool:
    """True when a booked truck that has not checked in is past its grace time.

    >>> y = Yard(id="y", docks=[{"id": "D1"}])  # grace 30 min
    >>> d = dt.date(2024, 5, 1)
    >>> is_no_show(y, d, 480, d, 509), is_no_show(y, d, 480, d, 510)
    (False, True)
    """
    return minutes_until(day, start_min, now_day, now_min) <= -yard.rules.no_show_grace_min


def checkin_status(yard: Yard, day: dt.date, start_min: int, now_day: dt.date, now_min: int) -> str:
    """How a truck arriving now relates to its booking: ``"early"``, ``"on_time"``,
    ``"late"`` (within grace) or ``"forfeited"`` (past grace: handle as a walk-in).

    ``"early"`` means earlier than ``early_checkin_min`` before the slot: it may wait in the
    buffer but cannot check in yet.
    """
    lead = minutes_until(day, start_min, now_day, now_min)
    if lead > yard.rules.early_checkin_min:
        return "early"
    if lead >= 0:
        return "on_time"
    if -lead < yard.rules.no_show_grace_min:
        return "late"
    return "forfeited"
