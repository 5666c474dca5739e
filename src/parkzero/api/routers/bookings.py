"""Dock bookings for carriers and dispatchers: the mobile carrier page, QR check-in codes, e-POD.

Pages (HTML forms, mobile first):

* ``GET /carrier``: the carrier's own bookings with a QR code each, the free slots of a day for
  a visit (direction, cargo, pallets, vehicle), forms to book, change and cancel, e-POD upload.
* ``GET /dispatch``: every booking of the park on a day (dispatchers, managers, admins).

JSON (``/api/bookings``): free slots, the caller's bookings, book, reschedule, cancel, and the
e-POD upload that returns a verifiable receipt (:mod:`parkzero.ledger.receipt`).

Bookings go through :mod:`parkzero.yard.service` (concurrency-safe, no double booking). A
carrier only ever sees its own bookings: another carrier's booking id is 404. Booking changes
are rate-limited per carrier (:data:`BOOKING_LIMIT` per :data:`BOOKING_WINDOW_S`) and audited.

The QR code holds ``PZB1|<park>|<booking id>|<plate>|<day>|<HH:MM>|<tag>`` where ``tag`` is the
first 16 bytes of HMAC-SHA-256 (the service's secret key) over the fields before it, base32: the
gate can check it offline with the key and then checks the truck in by plate.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import os
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.ratelimit import RateLimiter, RateLimitError, client_ip
from parkzero.api.routers.pages import html_page
from parkzero.errors import ConfigError, InputError, ParkzeroError
from parkzero.yard.instance import format_time

__all__ = [
    "BOOKING_LIMIT",
    "BOOKING_WINDOW_S",
    "BookIn",
    "RescheduleIn",
    "checkin_code",
    "router",
    "setup",
]

router = APIRouter(tags=["bookings"])

#: Booking changes (book, reschedule, cancel) a carrier may make per window [-].
BOOKING_LIMIT = 30
#: The window of :data:`BOOKING_LIMIT` [s].
BOOKING_WINDOW_S = 60
_DISPATCH = ("admin", "manager", "operator")
_MAX_EPOD_BYTES = 256 * 1024


class BookIn(BaseModel):
    """A booking request: the slot start on a local day and the visit."""

    day: dt.date
    start_min: int = Field(ge=0, le=24 * 60, description="Slot start [min after local midnight]")
    plate: str = Field(min_length=1, max_length=16)
    direction: str = Field("inbound", max_length=16)
    cargo: str = Field("dry", max_length=16)
    pallets: int = Field(10, ge=0, le=100)
    vehicle: str = Field("trailer", max_length=16)


class RescheduleIn(BaseModel):
    """Move a booking to another slot start [min after local midnight] of `day`."""

    day: dt.date
    start_min: int = Field(ge=0, le=24 * 60)


def setup(app: Any) -> None:
    """Give the app its booking rate limiter."""
    app.state.booking_limiter = RateLimiter(BOOKING_LIMIT, BOOKING_WINDOW_S, "booking")


def _limit(request: Request, principal: Principal) -> None:
    limiter: RateLimiter | None = getattr(request.app.state, "booking_limiter", None)
    if limiter is None:
        limiter = request.app.state.booking_limiter = RateLimiter(
            BOOKING_LIMIT, BOOKING_WINDOW_S, "booking"
        )
    limiter.hit(f"carrier:{principal.park_id}:{principal.carrier_id or principal.user_id}")


def _yard() -> Any:
    try:
        from parkzero.yard import service
    except ImportError as exc:  # pragma: no cover - the yard package ships with parkzero
        raise HTTPException(503, "the yard booking service is not installed") from exc
    return service


def _carrier(principal: Principal) -> str:
    if principal.role != "carrier" or not principal.carrier_id:
        raise HTTPException(403, "only a carrier books dock slots")
    return principal.carrier_id


def checkin_code(secret_key: str, park_id: str, booking: Any) -> str:
    """The text of a booking's gate check-in QR code (see the module docstring).

    >>> from types import SimpleNamespace as B
    >>> checkin_code("k" * 32, "p", B(id=7, plate="鄂A12345", day=dt.date(2025, 3, 1), start_min=480))
    'PZB1|p|7|鄂A12345|2025-03-01|08:00|...'
    """
    fields = [
        "PZB1",
        park_id,
        str(booking.id),
        booking.plate,
        booking.day.isoformat(),
        format_time(booking.start_min),
    ]
    body = "|".join(fields)
    mac = hmac.new(secret_key.encode(), body.encode(), hashlib.sha256).digest()[:16]
    return body + "|" + base64.b32encode(mac).decode("ascii").rstrip("=")


def _audit(
    request: Request,
    session: Session,
    principal: Principal,
    action: str,
    target: str,
    **details: Any,
) -> None:
    from parkzero.api.service import audit

    audit(
        session, action, principal=principal, ip=client_ip(request), target=target,
        details=details, ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip


def _booking_dict(b: Any) -> dict[str, Any]:
    out: dict[str, Any] = b.as_dict()
    out["day"] = b.day.isoformat()
    if out.get("checked_in_at") is not None:
        out["checked_in_at"] = b.checked_in_at.isoformat()
    return out


def _today(session: Session, park_id: str) -> dt.date:
    from zoneinfo import ZoneInfo

    try:
        tz = _yard().get_yard(session, park_id).timezone
    except ParkzeroError:
        tz = "Asia/Shanghai"
    return dt.datetime.now(ZoneInfo(tz)).date()


# --------------------------------------------------------------------------------------------
# JSON


@router.get("/api/bookings/slots")
def free_slots(
    principal: Annotated[Principal, allow(*_DISPATCH, "carrier", scope="carrier")],
    day: dt.date,
    direction: str = "inbound",
    cargo: str = "dry",
    pallets: int = 10,
    vehicle: str = "trailer",
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    """Slot starts that can still be booked on `day` for the visit, with the dock each gets."""
    offers = _yard().slots(
        session, principal.park_id, day=day, direction=direction, cargo=cargo,
        pallets=pallets, vehicle=vehicle,
    )  # fmt: skip
    return [
        {
            "day": day.isoformat(),
            "start_min": o.start_min,
            "end_min": o.end_min,
            "start": format_time(o.start_min),
            "end": format_time(o.end_min),
            "dock": o.dock,
            "docks_free": o.docks_free,
        }
        for o in offers
    ]


@router.get("/api/bookings")
def bookings(
    principal: Annotated[Principal, allow(*_DISPATCH, "carrier", scope="carrier")],
    day: dt.date | None = None,
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    """A carrier's own bookings (all days or one); for dispatchers every booking of `day`."""
    service = _yard()
    if principal.role == "carrier":
        rows = service.list_bookings(session, principal.park_id, _carrier(principal), day=day)
    else:
        rows = service.day_bookings(
            session, principal.park_id, day or _today(session, principal.park_id)
        )
    return [_booking_dict(b) for b in rows]


@router.post("/api/bookings", status_code=201)
def book_slot(
    body: BookIn,
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Book a slot; 422 with the next free starts when it is taken (also by a concurrent booking)."""
    return _booking_dict(_book(request, session, principal, **body.model_dump()))


@router.post("/api/bookings/{booking_id}/reschedule")
def reschedule_booking(
    booking_id: int,
    body: RescheduleIn,
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Move an own booking to another slot; the old one is kept if the new one is not free."""
    view = _reschedule(request, session, principal, booking_id, body.day, body.start_min)
    return _booking_dict(view)


@router.post("/api/bookings/{booking_id}/cancel")
def cancel_booking(
    booking_id: int,
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Cancel an own booking before the cancellation cut-off."""
    return _booking_dict(_cancel(request, session, principal, booking_id))


# The three changes a carrier makes, shared by the JSON routes and the carrier page's forms:
# rate limit, the yard service, audit, commit.


def _book(request: Request, session: Session, principal: Principal, **visit: Any) -> Any:
    _limit(request, principal)
    view = _yard().book(session, principal.park_id, _carrier(principal), **visit)
    _audit(request, session, principal, "booking.book", f"booking:{view.id}")
    session.commit()
    return view


def _reschedule(
    request: Request,
    session: Session,
    principal: Principal,
    booking_id: int,
    day: dt.date,
    start_min: int,
) -> Any:
    _limit(request, principal)
    view = _not_found_as_404(
        lambda: _yard().reschedule(
            session,
            principal.park_id,
            _carrier(principal),
            booking_id,
            day=day,
            start_min=start_min,
        )
    )
    _audit(request, session, principal, "booking.reschedule", f"booking:{booking_id}")
    session.commit()
    return view


def _cancel(request: Request, session: Session, principal: Principal, booking_id: int) -> Any:
    _limit(request, principal)
    view = _not_found_as_404(
        lambda: _yard().cancel(session, principal.park_id, _carrier(principal), booking_id)
    )
    _audit(request, session, principal, "booking.cancel", f"booking:{booking_id}")
    session.commit()
    return view


def _not_found_as_404(call: Any) -> Any:
    from parkzero.yard.booking import BookingNotFound

    try:
        return call()
    except BookingNotFound as exc:
        raise HTTPException(404, "not found") from exc


def _log_epod(
    request: Request, session: Session, principal: Principal, note: str
) -> dict[str, Any]:
    """Verify and log an e-POD of the calling carrier; sign a checkpoint; return its receipt."""
    from parkzero.ledger import store as ledger
    from parkzero.ledger.epod import log_epod, open_epod
    from parkzero.ledger.note import load_signer
    from parkzero.ledger.receipt import make_receipt

    key = os.environ.get("PARKZERO_LEDGER_KEY")
    if not key:
        raise ConfigError(
            "e-POD receipts need the log's signing key: set PARKZERO_LEDGER_KEY",
            column="PARKZERO_LEDGER_KEY",
        )
    signer = load_signer(key)
    epod = open_epod(note)
    carrier = epod.document.get("carrier")
    carrier_id = carrier.get("id") if isinstance(carrier, dict) else None
    if carrier_id != principal.carrier_id:
        raise InputError(
            f'the e-POD\'s carrier is "{carrier_id}", not you ("{principal.carrier_id}")',
            column="carrier.id",
        )
    if epod.park not in (None, principal.park_id):
        raise InputError(f'the e-POD is for park "{epod.park}", not this park', column="park")
    index, _ = log_epod(session, signer.name, note, park_id=principal.park_id)
    checkpoint = ledger.sign_head(session, signer.name, signer)
    receipt = make_receipt(
        session, signer.name, index, size=checkpoint.size, log_key=signer.verifier
    )
    _audit(request, session, principal, "epod.upload", f"epod:{epod.id}", index=index)
    session.commit()
    return {"epod_id": epod.id, "index": index, "receipt": receipt}


async def _read_note(file: UploadFile) -> str:
    data = await file.read(_MAX_EPOD_BYTES + 1)
    if len(data) > _MAX_EPOD_BYTES:
        raise InputError(
            f"the e-POD file is larger than {_MAX_EPOD_BYTES // 1024} KiB",
            source=file.filename,
            column="file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            "the e-POD file is not UTF-8 text (a signed note)", source=file.filename, column="file"
        ) from exc


@router.post("/api/bookings/epod", status_code=201)
async def upload_epod(
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    file: Annotated[UploadFile, File(description="The e-POD signed by carrier and receiver")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Log an e-POD signed by both parties and return its receipt (verify it offline)."""
    _carrier(principal)
    note = await _read_note(file)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_log_epod, request, session, principal, note)


# --------------------------------------------------------------------------------------------
# pages


def _visit(params: Any) -> dict[str, Any]:
    def pick(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = params.get(name) or default
        return value if value in allowed else default

    try:
        pallets = max(0, min(100, int(params.get("pallets") or 10)))
    except ValueError:
        pallets = 10
    return {
        "direction": pick("direction", ("inbound", "outbound"), "inbound"),
        "cargo": pick("cargo", ("dry", "chilled", "frozen"), "dry"),
        "vehicle": pick("vehicle", ("trailer", "rigid", "van"), "trailer"),
        "pallets": pallets,
    }


def _day(value: str | None, session: Session, park_id: str) -> dt.date:
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return _today(session, park_id)


def carrier_context(
    session: Session, principal: Principal, day: dt.date, visit: dict[str, Any]
) -> dict[str, Any]:
    """The carrier page's bookings and free slots (plain data for ``carrier.html``)."""
    service = _yard()
    carrier = _carrier(principal)
    missing = False
    offers: list[Any] = []
    try:
        offers = service.slots(session, principal.park_id, day=day, **visit)
    except ParkzeroError:
        missing = True
    own = service.list_bookings(session, principal.park_id, carrier)
    today = _today(session, principal.park_id)
    bookings = [
        {
            "id": b.id,
            "dock": b.dock_id,
            "status": b.status,
            "truck": b.plate,
            "when": f"{b.day.isoformat()} {format_time(b.start_min)}–{format_time(b.end_min)}",
            "active": b.status == "booked" and b.day >= today,
            "qr_url": f"/carrier/bookings/{b.id}/qr.svg",
            "change_url": f"/carrier/bookings/{b.id}/change",
            "cancel_url": f"/carrier/bookings/{b.id}/cancel",
        }
        for b in own
        if b.status != "cancelled"
    ]
    free = [
        {
            "id": f"{day.isoformat()}|{o.start_min}",
            "when": f"{day.isoformat()} {format_time(o.start_min)}",
            "dock": o.dock,
            "free": o.docks_free,
        }
        for o in offers
    ]
    return {
        "bookings": bookings,
        "free_slots": free,
        "missing": missing,
        "day": day.isoformat(),
        "visit": visit,
    }


def _carrier_page(request: Request, session: Session, principal: Principal, *, day: dt.date, visit: dict[str, Any],
                  flash: dict[str, Any] | None = None, receipt: dict[str, Any] | None = None,
                  status_code: int = 200) -> HTMLResponse:  # fmt: skip
    context = carrier_context(session, principal, day, visit)
    return html_page(
        request, "carrier.html", title_key="carrier.title", principal=principal, status_code=status_code,
        flash=flash, receipt=receipt, book_url="/carrier/book", epod_url="/carrier/epod", **context,
    )  # fmt: skip


_DONE = {"booked": "carrier.booked", "changed": "carrier.changed", "cancelled": "carrier.cancelled"}


@router.get("/carrier")
def carrier_page(
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """The carrier's page: own bookings with QR codes, free slots of a day, e-POD upload."""
    params = request.query_params
    done = params.get("done")
    flash = {"kind": "ok", "key": _DONE[done], "detail": ""} if done in _DONE else None
    day = _day(params.get("day"), session, principal.park_id)
    return _carrier_page(request, session, principal, day=day, visit=_visit(params), flash=flash)


def _after(day: dt.date, visit: dict[str, Any], done: str) -> RedirectResponse:
    query = "&".join(f"{k}={v}" for k, v in {"day": day.isoformat(), **visit, "done": done}.items())
    return RedirectResponse(f"/carrier?{query}", status_code=303)


def _slot(value: str) -> tuple[dt.date, int]:
    try:
        day, start = value.split("|", 1)
        return dt.date.fromisoformat(day), int(start)
    except ValueError as exc:
        raise InputError(f'slot "{value}": expected DAY|START_MIN', column="slot_id") from exc


def _form_failed(request: Request, session: Session, principal: Principal, day: dt.date, visit: dict[str, Any],
                 exc: Exception) -> HTMLResponse:  # fmt: skip
    session.rollback()
    status = 429 if isinstance(exc, RateLimitError) else 409
    flash = {"kind": "error", "key": "carrier.failed", "detail": str(exc)}
    return _carrier_page(
        request, session, principal, day=day, visit=visit, flash=flash, status_code=status
    )


@router.post("/carrier/book")
def carrier_book(
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    slot_id: Annotated[str, Form(max_length=40)],
    truck: Annotated[str, Form(max_length=16)] = "",
    direction: Annotated[str, Form(max_length=16)] = "inbound",
    cargo: Annotated[str, Form(max_length=16)] = "dry",
    pallets: Annotated[int, Form(ge=0, le=100)] = 10,
    vehicle: Annotated[str, Form(max_length=16)] = "trailer",
    session: Session = Depends(get_session),
) -> Response:
    """Book a free slot from the carrier page (form)."""
    visit = _visit({"direction": direction, "cargo": cargo, "pallets": pallets, "vehicle": vehicle})
    day = _today(session, principal.park_id)
    try:
        day, start = _slot(slot_id)
        if not truck.strip():
            raise InputError("enter the truck's plate", column="truck")
        _book(request, session, principal, day=day, start_min=start, plate=truck, **visit)
    except (ParkzeroError, RateLimitError) as exc:
        return _form_failed(request, session, principal, day, visit, exc)
    return _after(day, visit, "booked")


@router.post("/carrier/bookings/{booking_id}/change")
def carrier_change(
    booking_id: int,
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    slot_id: Annotated[str, Form(max_length=40)],
    session: Session = Depends(get_session),
) -> Response:
    """Move an own booking to another free slot (form)."""
    visit = _visit(request.query_params)
    day = _today(session, principal.park_id)
    try:
        day, start = _slot(slot_id)
        _reschedule(request, session, principal, booking_id, day, start)
    except (ParkzeroError, RateLimitError) as exc:
        return _form_failed(request, session, principal, day, visit, exc)
    return _after(day, visit, "changed")


@router.post("/carrier/bookings/{booking_id}/cancel")
def carrier_cancel(
    booking_id: int,
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    session: Session = Depends(get_session),
) -> Response:
    """Cancel an own booking (form)."""
    visit = _visit(request.query_params)
    day = _today(session, principal.park_id)
    try:
        day = _cancel(request, session, principal, booking_id).day
    except (ParkzeroError, RateLimitError) as exc:
        return _form_failed(request, session, principal, day, visit, exc)
    return _after(day, visit, "cancelled")


@router.get("/carrier/bookings/{booking_id}/qr.svg")
def carrier_qr(
    booking_id: int,
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    session: Session = Depends(get_session),
) -> Response:
    """The gate check-in QR code of an own booking (SVG, made on the server with segno)."""
    import segno

    own = _yard().list_bookings(session, principal.park_id, _carrier(principal))
    booking = next((b for b in own if b.id == booking_id), None)
    if booking is None:
        raise HTTPException(404, "not found")
    code = checkin_code(get_settings(request).secret_key, principal.park_id, booking)
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return Response(
        buffer.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


@router.post("/carrier/epod")
async def carrier_epod(
    request: Request,
    principal: Annotated[Principal, allow("carrier", scope="carrier")],
    file: Annotated[UploadFile, File()],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """Upload an e-POD from the carrier page; the page shows the receipt."""
    from starlette.concurrency import run_in_threadpool

    day = _day(None, session, principal.park_id)
    visit = _visit({})
    try:
        note = await _read_note(file)
        result = await run_in_threadpool(_log_epod, request, session, principal, note)
    except ParkzeroError as exc:
        session.rollback()
        flash = {"kind": "error", "key": "epod.bad", "detail": str(exc)}
        return await run_in_threadpool(
            _carrier_page,
            request,
            session,
            principal,
            day=day,
            visit=visit,
            flash=flash,
            status_code=422,
        )
    receipt = {
        "epod_id": result["epod_id"],
        "index": result["index"],
        "json": json.dumps(result["receipt"], ensure_ascii=False, indent=2),
    }
    return await run_in_threadpool(
        _carrier_page, request, session, principal, day=day, visit=visit, receipt=receipt
    )


@router.get("/dispatch")
def dispatch_page(
    request: Request,
    principal: Annotated[Principal, allow(*_DISPATCH, scope="park")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """Every booking of the park on a day, by start and dock (dispatchers)."""
    day = _day(request.query_params.get("day"), session, principal.park_id)
    missing = False
    rows: list[Any] = []
    try:
        rows = _yard().day_bookings(session, principal.park_id, day)
    except ParkzeroError:
        missing = True
    bookings = [
        {
            "id": b.id,
            "when": f"{format_time(b.start_min)}–{format_time(b.end_min)}",
            "dock": b.dock_id,
            "carrier": b.carrier_id,
            "truck": b.plate,
            "status": b.status,
        }
        for b in rows
    ]
    return html_page(
        request, "dispatch.html", title_key="dispatch.title", principal=principal,
        bookings=bookings, day=day.isoformat(), missing=missing,
    )  # fmt: skip
