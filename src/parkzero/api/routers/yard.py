"""The dispatcher's window onto the digital yard (``/api/parks/{park_id}/yard``).

Admins, managers and operators (yard dispatchers) of the park; carriers and tenants get 403
(carriers book through ``/api/bookings``):

* ``GET …/yard/bookings?day=``: every booking of the park on a local day (default today).
* ``POST …/yard/checkin`` ``{"plate"}``: gate check-in by plate against today's booking
  (on time, late, or forfeited → walk-in), :func:`parkzero.yard.service.check_in`.
* ``POST …/yard/bookings/{booking_id}/no-show``: a booked truck past its grace.
* ``POST …/yard/walk-in`` ``{"carrier_id", "plate", "direction", "cargo", "pallets",
  "vehicle"}``: a truck without booking gets the earliest free slot, checked in.
* ``POST …/yard/schedule`` ``{"day", "time_limit_s"}``: the day's open bookings (booked and
  checked in) scheduled with OR-Tools CP-SAT (:func:`parkzero.yard.scheduler.solve`, at most
  :data:`SCHEDULE_MAX_S` seconds), against the booked plan. The newest schedule of a day is the
  schedule in force for calls (kept in the process).
* ``GET …/yard/calls?lead_min=10``: trucks to call to a dock now (叫号,
  :func:`parkzero.yard.calls.next_calls`): checked-in trucks whose planned start is within
  ``lead_min`` minutes, from the schedule in force or else the booked plan.

Writes are rate-limited per user (:data:`YARD_LIMIT` per :data:`YARD_WINDOW_S`; schedules
:data:`SCHEDULE_LIMIT` per window and park) and audited. The current time is
``app.state.clock()`` when set (tests), else the system clock.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.ratelimit import RateLimiter, client_ip
from parkzero.errors import ConfigError
from parkzero.yard.instance import format_time

__all__ = [
    "SCHEDULE_LIMIT",
    "SCHEDULE_MAX_S",
    "YARD_LIMIT",
    "YARD_WINDOW_S",
    "CheckInIn",
    "ScheduleIn",
    "WalkInIn",
    "router",
    "setup",
]

router = APIRouter(prefix="/api/parks/{park_id}/yard", tags=["yard"])

#: Dispatcher writes (check-in, no-show, walk-in) per user and window [-].
YARD_LIMIT = 120
#: The window of the yard limits [s].
YARD_WINDOW_S = 60
#: CP-SAT schedules a park may start per window [-].
SCHEDULE_LIMIT = 6
#: Longest CP-SAT time limit a request may ask for [s].
SCHEDULE_MAX_S = 10.0
_DISPATCH = ("admin", "manager", "operator")
_ACTIVE = ("booked", "checked_in")


class CheckInIn(BaseModel):
    """A truck at the gate, by licence plate."""

    plate: str = Field(min_length=1, max_length=16)


class WalkInIn(BaseModel):
    """A truck without booking at the gate."""

    carrier_id: str = Field(min_length=1, max_length=64)
    plate: str = Field(min_length=1, max_length=16)
    direction: str = Field("inbound", pattern="^(inbound|outbound)$")
    cargo: str = Field("dry", pattern="^(dry|chilled|frozen)$")
    pallets: int = Field(10, ge=0, le=100)
    vehicle: str = Field("trailer", pattern="^(trailer|rigid|van)$")


class ScheduleIn(BaseModel):
    """Schedule a day's open bookings with CP-SAT."""

    day: dt.date | None = Field(None, description="Local day; default today")
    time_limit_s: float = Field(5.0, gt=0, le=SCHEDULE_MAX_S, description="CP-SAT budget [s]")


def setup(app: Any) -> None:
    """Give the app its yard rate limiters and the in-process schedules in force."""
    app.state.yard_limiter = RateLimiter(YARD_LIMIT, YARD_WINDOW_S, "yard")
    app.state.yard_schedule_limiter = RateLimiter(SCHEDULE_LIMIT, YARD_WINDOW_S, "yard schedule")
    app.state.yard_schedules = {}
    app.state.yard_schedules_lock = threading.Lock()


def _state(request: Request) -> Any:
    state = request.app.state
    if getattr(state, "yard_limiter", None) is None:
        setup(request.app)
    return state


def _now(request: Request) -> dt.datetime:
    clock = getattr(request.app.state, "clock", None)
    return clock() if callable(clock) else dt.datetime.now(dt.UTC)


def _yard(session: Session, park_id: str) -> Any:
    from parkzero.yard.service import get_yard

    try:
        return get_yard(session, park_id)
    except ConfigError as exc:
        raise HTTPException(404, "this park has no yard configured") from exc


def _audit(request: Request, session: Session, principal: Principal, action: str, target: str,
           **details: Any) -> None:  # fmt: skip
    from parkzero.api.service import audit

    audit(
        session, action, principal=principal, ip=client_ip(request), target=target,
        details=details, ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip


def _booking(b: Any) -> dict[str, Any]:
    out: dict[str, Any] = b.as_dict()
    out["day"] = b.day.isoformat()
    out["checked_in_at"] = (
        None if b.checked_in_at is None else b.checked_in_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    return out


@router.get("/bookings")
def day_bookings(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*_DISPATCH, scope="park")],
    day: dt.date | None = Query(None, description="Local day; default today"),
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    """Every booking of the park on a day, by start and dock."""
    from parkzero.yard.service import day_bookings as rows

    yard = _yard(session, park_id)
    when = day or yard.local(_now(request))[0]
    return [_booking(b) for b in rows(session, park_id, when)]


@router.post("/checkin")
def check_in(
    park_id: str,
    body: CheckInIn,
    request: Request,
    principal: Annotated[Principal, allow(*_DISPATCH, scope="park")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Check a truck in by plate: ``status`` on_time | late | walk_in, ``lateness_min`` [min]."""
    from parkzero.yard.service import check_in as run

    _state(request).yard_limiter.hit(f"yard:{park_id}:{principal.user_id}")
    _yard(session, park_id)
    result = run(session, park_id, plate=body.plate, now=_now(request))
    _audit(request, session, principal, "yard.checkin", f"booking:{result.booking.id}",
           status=result.status)  # fmt: skip
    session.commit()
    return {
        "status": result.status,
        "lateness_min": result.lateness_min,
        "booking": _booking(result.booking),
    }


@router.post("/bookings/{booking_id}/no-show")
def no_show(
    park_id: str,
    booking_id: int,
    request: Request,
    principal: Annotated[Principal, allow(*_DISPATCH, scope="park")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Mark a booked truck that has not come within the grace as a no-show (frees its slots)."""
    from parkzero.yard.booking import BookingNotFound
    from parkzero.yard.service import mark_no_show

    _state(request).yard_limiter.hit(f"yard:{park_id}:{principal.user_id}")
    _yard(session, park_id)
    try:
        view = mark_no_show(session, park_id, booking_id, now=_now(request))
    except BookingNotFound as exc:
        raise HTTPException(404, "not found") from exc
    _audit(request, session, principal, "yard.no_show", f"booking:{booking_id}")
    session.commit()
    return _booking(view)


@router.post("/walk-in", status_code=201)
def walk_in(
    park_id: str,
    body: WalkInIn,
    request: Request,
    principal: Annotated[Principal, allow(*_DISPATCH, scope="park")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Register a truck without booking: the earliest free compatible slot from now, checked in."""
    from parkzero.yard.service import walk_in as run

    _state(request).yard_limiter.hit(f"yard:{park_id}:{principal.user_id}")
    _yard(session, park_id)
    view = run(
        session, park_id, body.carrier_id, plate=body.plate, direction=body.direction,
        cargo=body.cargo, pallets=body.pallets, vehicle=body.vehicle, now=_now(request),
    )  # fmt: skip
    _audit(request, session, principal, "yard.walk_in", f"booking:{view.id}")
    session.commit()
    return _booking(view)


def _plan(yard: Any, bookings: list[Any]) -> tuple[Any, dict[str, int]]:
    """The day's open bookings as the solver's problem, and each truck's release [min]."""
    from parkzero.yard.models import Appointment, to_problem

    release: dict[str, int] = {}
    appointments = []
    for b in bookings:
        start = b.start_min
        if b.checked_in_at is not None:
            day, minute = yard.local(b.checked_in_at)
            start = minute if day == b.day else 0
        release[str(b.id)] = int(start)
        appointments.append(
            Appointment(
                id=str(b.id),
                carrier=b.carrier_id,
                plate=b.plate,
                direction=b.direction,
                cargo=b.cargo,
                pallets=b.pallets,
                vehicle=b.vehicle,
                window_start=b.start_min,
            )
        )
    return to_problem(yard, appointments, release=release), release


def _booked_schedule(bookings: list[Any]) -> Any:
    from parkzero.yard.problem import Assignment, Schedule

    return Schedule(
        assignments=tuple(
            Assignment(str(b.id), b.dock_id, b.start_min, b.end_min) for b in bookings
        ),
        objective=0.0,
        feasible=True,
        solver="booked",
    )


@router.post("/schedule")
def schedule_day(
    park_id: str,
    body: ScheduleIn,
    request: Request,
    principal: Annotated[Principal, allow(*_DISPATCH, scope="park")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Schedule the day's open bookings with CP-SAT (time-limited) against the booked plan.

    ``assignments``: per booking the dock and start [HH:MM, min] chosen and the booked ones;
    ``objective_min`` = Σ (end − release) over trucks, waiting plus handling [min], with
    ``booked_objective_min`` for the booked plan (handling at the estimated service time),
    ``lower_bound_min``, ``status``, ``wall_s`` [s].
    """
    from parkzero.yard.scheduler import CpSatParams, solve
    from parkzero.yard.service import day_bookings as rows

    state = _state(request)
    state.yard_schedule_limiter.hit(f"yard-schedule:{park_id}")
    yard = _yard(session, park_id)
    day = body.day or yard.local(_now(request))[0]
    open_ = [b for b in rows(session, park_id, day) if b.status in _ACTIVE]
    out: dict[str, Any] = {"day": day.isoformat(), "trucks": len(open_), "assignments": []}
    if not open_:
        return out | {"objective_min": 0.0, "booked_objective_min": 0.0, "status": "EMPTY"}
    problem, release = _plan(yard, open_)
    params = CpSatParams(time_limit_s=body.time_limit_s, workers=2)
    result = solve(problem, params)
    handling = {t.id: t.handling_min for t in problem.trucks}
    booked = 0.0
    for b in open_:
        h = handling[str(b.id)].get(b.dock_id)
        end = b.start_min + h if h is not None else b.end_min
        booked += max(end, release[str(b.id)]) - release[str(b.id)]
    by_id = {str(b.id): b for b in open_}
    out["assignments"] = [
        {
            "booking_id": int(a.truck),
            "plate": by_id[a.truck].plate,
            "carrier_id": by_id[a.truck].carrier_id,
            "dock": a.dock,
            "start_min": a.start_min,
            "end_min": a.end_min,
            "start": format_time(a.start_min),
            "end": format_time(a.end_min),
            "booked_dock": by_id[a.truck].dock_id,
            "booked_start": format_time(by_id[a.truck].start_min),
        }
        for a in sorted(result.assignments, key=lambda a: (a.start_min, a.dock))
    ]
    out |= {
        "objective_min": float(result.objective),
        "booked_objective_min": float(booked),
        "lower_bound_min": result.lower_bound,
        "status": result.status,
        "solver": result.solver,
        "feasible": result.feasible,
        "unplaced": [int(t) for t in result.unplaced],
        "wall_s": round(float(result.wall_s), 3),
    }
    with state.yard_schedules_lock:
        state.yard_schedules[(park_id, day)] = result
    _audit(request, session, principal, "yard.schedule", f"yard:{park_id}:{day.isoformat()}",
           trucks=len(open_), objective_min=out["objective_min"])  # fmt: skip
    session.commit()
    return out


@router.get("/calls")
def calls(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*_DISPATCH, scope="park")],
    lead_min: int = Query(10, ge=0, le=240, description="Call this long before the start [min]"),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Trucks to call to a dock now (叫号): checked-in trucks due within ``lead_min`` minutes."""
    from parkzero.yard.calls import next_calls
    from parkzero.yard.service import day_bookings as rows

    state = _state(request)
    yard = _yard(session, park_id)
    day, now_min = yard.local(_now(request))
    bookings = [b for b in rows(session, park_id, day) if b.status in _ACTIVE]
    with state.yard_schedules_lock:
        in_force = state.yard_schedules.get((park_id, day))
    source = "schedule" if in_force is not None else "bookings"
    plan = in_force if in_force is not None else _booked_schedule(bookings)
    present = {str(b.id) for b in bookings if b.status == "checked_in"}
    by_id = {str(b.id): b for b in bookings}
    found = next_calls(plan, now_min, lead_min, present=present)
    return {
        "day": day.isoformat(),
        "now": format_time(now_min),
        "source": source,
        "calls": [
            {
                "booking_id": int(c.truck),
                "plate": by_id[c.truck].plate if c.truck in by_id else None,
                "dock": c.dock,
                "start": format_time(c.start_min),
                "in_min": c.in_min,
            }
            for c in found
        ],
    }
