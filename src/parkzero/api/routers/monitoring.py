"""Meters, readings, roll-ups and alerts of the caller's park (``/api/parks/{park_id}/…``).

From :mod:`parkzero.monitoring`. A tenant sees only the meters registered to it, their
readings and roll-ups, and the alerts about them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session
from parkzero.api.principal import Principal
from parkzero.api.routers._scope import STAFF, not_found, tenant_of
from parkzero.errors import InputError
from parkzero.monitoring.tables import Alert, Meter, Reading

__all__ = ["AlertOut", "MeterOut", "ReadingOut", "RollupRow", "router"]

router = APIRouter(prefix="/api/parks/{park_id}", tags=["monitoring"])

_MAX_SPAN = dt.timedelta(days=400)


class MeterOut(BaseModel):
    """A meter (its device key is public)."""

    id: str
    name: str
    kind: str
    mode: str
    unit: str
    zone: str | None
    tenant: str | None
    parent_id: str | None
    interval_s: int
    multiplier: float
    public_key: str


class ReadingOut(BaseModel):
    """A stored reading [meter unit] and its ledger entry."""

    ts: dt.datetime
    value: float
    source: str
    ledger_index: int


class RollupRow(BaseModel):
    """Energy or water of one meter in one period (local time) [unit]."""

    period: str
    meter_id: str
    kind: str
    unit: str
    zone: str | None
    tenant: str | None
    quantity: float


class AlertOut(BaseModel):
    """An alert raised by a monitoring rule."""

    id: int
    kind: str
    subject: str
    severity: str
    message: str
    period_start: dt.datetime
    period_end: dt.datetime | None
    created_at: dt.datetime


def _meter_out(m: Meter) -> MeterOut:
    return MeterOut(
        id=m.id,
        name=m.name,
        kind=m.kind,
        mode=m.mode,
        unit=m.unit,
        zone=m.zone,
        tenant=m.tenant,
        parent_id=m.parent_id,
        interval_s=m.interval_s,
        multiplier=m.multiplier,
        public_key=m.public_key,
    )


def _meter(session: Session, park_id: str, meter_id: str, tenant: str | None) -> Meter:
    meter = session.get(Meter, (park_id, meter_id))
    if meter is None or (tenant is not None and meter.tenant != tenant):
        raise not_found()
    return meter


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _window(start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` in UTC (naive times are UTC); default the 31 days up to now."""
    try:
        hi = _utc(end) if end is not None else dt.datetime.now(dt.UTC)
        lo = _utc(start) if start is not None else hi - dt.timedelta(days=31)
    except OverflowError:
        raise InputError("start or end is out of range", column="start") from None
    if lo >= hi:
        raise InputError("start must be before end", column="start")
    if hi - lo > _MAX_SPAN:
        raise InputError(f"at most {_MAX_SPAN.days} days at a time", column="end")
    return lo, hi


@router.get("/meters", response_model=list[MeterOut])
def meters(
    park_id: str,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    session: Session = Depends(get_session),
) -> list[MeterOut]:
    """The park's meters (a tenant's own only)."""
    stmt = select(Meter).where(Meter.park_id == park_id)
    tenant = tenant_of(principal)
    if tenant is not None:
        stmt = stmt.where(Meter.tenant == tenant)
    return [_meter_out(m) for m in session.scalars(stmt.order_by(Meter.id))]


@router.get("/meters/{meter_id}", response_model=MeterOut)
def meter(
    park_id: str,
    meter_id: str,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    session: Session = Depends(get_session),
) -> MeterOut:
    """One meter."""
    return _meter_out(_meter(session, park_id, meter_id, tenant_of(principal)))


@router.get("/meters/{meter_id}/readings", response_model=list[ReadingOut])
def readings(
    park_id: str,
    meter_id: str,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    start: dt.datetime | None = Query(
        default=None, description="Inclusive; default end − 31 days."
    ),
    end: dt.datetime | None = Query(default=None, description="Exclusive; default now."),
    limit: int = Query(default=1000, ge=1, le=10000),
    session: Session = Depends(get_session),
) -> list[ReadingOut]:
    """A meter's stored readings in ``[start, end)`` [meter unit], oldest first."""
    m = _meter(session, park_id, meter_id, tenant_of(principal))
    lo, hi = _window(start, end)
    rows = session.execute(
        select(Reading.ts, Reading.value, Reading.source, Reading.ledger_index)
        .where(Reading.park_id == park_id, Reading.meter_id == m.id)
        .where(Reading.ts >= lo, Reading.ts < hi)
        .order_by(Reading.ts)
        .limit(limit)
    )
    return [ReadingOut(ts=ts, value=v, source=s, ledger_index=i) for ts, v, s, i in rows]


@router.get("/monitoring/rollup", response_model=list[RollupRow])
def rollup(
    park_id: str,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    freq: str = Query(default="day", pattern="^(15min|hour|day|month)$"),
    start: dt.datetime | None = Query(
        default=None, description="Inclusive; default end − 31 days."
    ),
    end: dt.datetime | None = Query(default=None, description="Exclusive; default now."),
    meter_id: str | None = Query(default=None, max_length=255),
    session: Session = Depends(get_session),
) -> list[RollupRow]:
    """Meter totals per period of local time (``PARKZERO_TIMEZONE``) [meter unit]."""
    from parkzero.config import settings
    from parkzero.monitoring.rollup import rollup as roll
    from parkzero.monitoring.service import intervals_of

    lo, hi = _window(start, end)
    meters_, intervals = intervals_of(session, park_id, lo, hi)
    tenant = tenant_of(principal)
    frame = roll(intervals, meters_, freq, settings().timezone)
    if tenant is not None:
        frame = frame[frame["tenant"] == tenant]
    if meter_id is not None:
        frame = frame[frame["meter_id"] == meter_id]

    def text(v: Any) -> str | None:
        return None if v is None or (isinstance(v, float) and v != v) or v == "" else str(v)

    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    return [
        RollupRow(
            period=pd.Timestamp(r["period"]).isoformat(),
            meter_id=str(r["meter_id"]),
            kind=str(r["kind"]),
            unit=str(r["unit"]),
            zone=text(r["zone"]),
            tenant=text(r["tenant"]),
            quantity=float(r["quantity"]),
        )
        for r in records
    ]


@router.get("/alerts", response_model=list[AlertOut])
def alerts(
    park_id: str,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    kind: str | None = Query(default=None, pattern="^(silent|anomaly|reset|gap|balance|budget)$"),
    limit: int = Query(default=100, ge=1, le=1000),
    session: Session = Depends(get_session),
) -> list[AlertOut]:
    """Alerts of the park, newest first; a tenant sees those about its own meters."""
    stmt = select(Alert).where(Alert.park_id == park_id)
    tenant = tenant_of(principal)
    if tenant is not None:
        own = select(Meter.id).where(Meter.park_id == park_id, Meter.tenant == tenant)
        stmt = stmt.where(Alert.subject.in_(own))
    if kind is not None:
        stmt = stmt.where(Alert.kind == kind)
    rows = session.scalars(stmt.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit))
    return [
        AlertOut(
            id=a.id,
            kind=a.kind,
            subject=a.subject,
            severity=a.severity,
            message=a.message,
            period_start=a.period_start,
            period_end=a.period_end,
            created_at=a.created_at,
        )
        for a in rows
    ]
