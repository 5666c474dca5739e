"""Inventory runs and results of the caller's park (``/api/parks/{park_id}/inventory``).

Results by scope, category, zone, tenant and month come from the stored run (computed once by
:mod:`parkzero.carbon.inventory` when the data was imported); a summary is serialised once per
run and tenant and then served from memory. A tenant sees only its own lines, and summaries
built from them alone.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from pathlib import PurePath
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.ratelimit import client_ip
from parkzero.api.routers._scope import (
    MANAGERS,
    STAFF,
    cache_of,
    json_bytes,
    json_response,
    not_found,
    tenant_of,
)
from parkzero.api.service import audit
from parkzero.errors import InputError
from parkzero.store import models as db

__all__ = [
    "InventoryLineOut",
    "InventorySummary",
    "RunIn",
    "RunOut",
    "inventory_summary",
    "router",
    "summary_bytes",
]

router = APIRouter(prefix="/api/parks/{park_id}/inventory", tags=["inventory"])

_TOTALS = (
    "total_tco2e",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "scope3_tco2e",
)
_PARK_EXTRAS = (
    "total_market_tco2e",
    "energy_tce",
    "electricity_kwh",
    "grid_electricity_kwh",
    "onsite_pv_kwh",
    "indicators",
    "intensities",
    "by_gas_tco2e",
    "by_kind",
    "base_year",
)


class RunOut(BaseModel):
    """A stored inventory run and its headline figures [tCO2e] (the tenant's own for tenants)."""

    id: int
    year: int
    created_at: dt.datetime
    gwp_set: str
    total_tco2e: float
    scope1_tco2e: float
    scope2_location_tco2e: float
    scope2_market_tco2e: float
    scope3_tco2e: float
    line_count: int


class InventorySummary(BaseModel):
    """Results of one run [tCO2e]; for a tenant, of its own lines only (``tenant`` set)."""

    run_id: int
    park_id: str
    year: int
    created_at: dt.datetime
    gwp_set: str
    tenant: str | None
    total_tco2e: float
    scope1_tco2e: float
    scope2_location_tco2e: float
    scope2_market_tco2e: float
    scope3_tco2e: float
    by_scope: dict[str, float]
    by_category: dict[str, float]
    by_zone: dict[str, float]
    by_tenant: dict[str, float]
    by_month: dict[str, float]
    park: dict[str, Any] | None = Field(
        description="Park-wide figures (energy [tce, kWh], indicators, intensities); "
        "null for a tenant."
    )


class InventoryLineOut(BaseModel):
    """One computed line: activity × factor → tCO2e (location) and tCO2e (market)."""

    position: int
    line_id: str | None
    scope: int | None
    category: str | None
    kind: str | None
    zone: str | None
    tenant: str | None
    quantity: float | None
    unit: str | None
    factor_id: str | None
    factor_value: float | None
    factor_unit: str | None
    tco2e: float | None
    tco2e_market: float | None
    quality: str | None


class RunIn(BaseModel):
    """Compute the inventory of a year from the stored activity data."""

    year: int = Field(ge=1990, le=2100)


def _run(session: Session, park_id: str, run_id: int) -> db.InventoryRun:
    run = session.get(db.InventoryRun, run_id)
    if run is None or run.park_id != park_id:
        raise not_found()
    return run


def _month_split(
    values: np.ndarray, starts: list[dt.date], ends: list[dt.date], year: int
) -> dict[str, float]:
    """Split each value over the months of `year` by days, as the inventory engine does."""
    out = dict.fromkeys((f"{year}-{m:02d}" for m in range(1, 13)), 0.0)
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for value, s, e in zip(values.tolist(), starts, ends, strict=True):
        s, e = max(s, lo), min(e, hi)
        if e < s:
            continue
        days = (e - s).days + 1
        month = dt.date(s.year, s.month, 1)
        while month <= e:
            nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            first, last = max(month, s), min(nxt - dt.timedelta(days=1), e)
            out[f"{month:%Y-%m}"] += value * ((last - first).days + 1) / days
            month = nxt
    return out


def _tenant_summary(session: Session, run: db.InventoryRun, tenant: str) -> dict[str, Any]:
    L = db.InventoryLine
    rows = session.execute(
        select(L.line_id, L.scope, L.category, L.zone, L.tco2e, L.tco2e_market)
        .where(L.run_id == run.id, L.tenant == tenant)
        .order_by(L.position)
    ).all()
    a, b = db.Activity, db.ImportBatch
    periods = {
        (PurePath(name).name, int(row)): (start, end)
        for name, row, start, end in session.execute(
            select(b.file_name, a.source_row, a.start, a.end)
            .join(b, b.id == a.batch_id)
            .where(a.park_id == run.park_id, a.tenant == tenant)
        )
    }
    by_scope: dict[str, float] = defaultdict(float)
    by_category: dict[str, float] = defaultdict(float)
    by_zone: dict[str, float] = defaultdict(float)
    values, starts, ends = [], [], []
    for line_id, scope, category, zone, tco2e, market in rows:
        loc = float(tco2e or 0.0)
        if scope == 2:
            by_scope["2_location"] += loc
            by_scope["2_market"] += float(market if market is not None else loc)
        elif scope is not None:
            by_scope[str(scope)] += loc
        by_category[category or ""] += loc
        by_zone[zone or ""] += loc
        name, _, row = (line_id or "").rpartition(":")
        period = periods.get((PurePath(name).name, int(row))) if row.isdigit() else None
        if period is not None:
            values.append(loc)
            starts.append(period[0])
            ends.append(period[1])
    s1, s3 = by_scope.get("1", 0.0), by_scope.get("3", 0.0)
    s2l, s2m = by_scope.get("2_location", 0.0), by_scope.get("2_market", 0.0)
    return {
        "total_tco2e": s1 + s2l + s3,
        "scope1_tco2e": s1,
        "scope2_location_tco2e": s2l,
        "scope2_market_tco2e": s2m,
        "scope3_tco2e": s3,
        "by_scope": dict(by_scope),
        "by_category": dict(by_category),
        "by_zone": dict(by_zone),
        "by_tenant": {tenant: s1 + s2l + s3},
        "by_month": _month_split(np.asarray(values, dtype=float), starts, ends, run.year),
        "park": None,
        "line_count": len(rows),
    }


def inventory_summary(session: Session, run: db.InventoryRun, tenant: str | None) -> dict[str, Any]:
    """The results of a run for the whole park (tenant None) or one tenant's lines [tCO2e]."""
    head = {
        "run_id": run.id,
        "park_id": run.park_id,
        "year": run.year,
        "created_at": run.created_at.isoformat(),
        "gwp_set": run.gwp_set,
        "tenant": tenant,
    }
    if tenant is not None:
        return head | _tenant_summary(session, run, tenant)
    result = run.result
    return head | {
        **{k: float(getattr(run, k)) for k in _TOTALS},
        **{k: dict(result.get(k) or {}) for k in ("by_scope", "by_category", "by_zone")},
        "by_tenant": dict(result.get("by_tenant") or {}),
        "by_month": dict(result.get("by_month") or {}),
        "park": {k: result.get(k) for k in _PARK_EXTRAS},
        "line_count": run.line_count,
    }


def summary_bytes(
    request: Request, session: Session, run: db.InventoryRun, tenant: str | None
) -> bytes:
    """:func:`inventory_summary` as JSON bytes, computed once per run and tenant."""
    return cache_of(request, "inventory").get_or_compute(
        ("summary", run.id, tenant), lambda: json_bytes(inventory_summary(session, run, tenant))
    )


@router.get("/runs", response_model=list[RunOut])
def list_runs(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    year: int | None = Query(default=None, ge=1990, le=2100),
    session: Session = Depends(get_session),
) -> list[RunOut]:
    """Stored inventory runs, newest first; a tenant sees its own totals."""
    stmt = select(db.InventoryRun).where(db.InventoryRun.park_id == park_id)
    if year is not None:
        stmt = stmt.where(db.InventoryRun.year == year)
    runs = session.scalars(
        stmt.order_by(db.InventoryRun.created_at.desc(), db.InventoryRun.id.desc()).limit(200)
    ).all()
    tenant = tenant_of(principal)
    out = []
    for run in runs:
        figures: dict[str, Any]
        if tenant is None:
            figures = {k: float(getattr(run, k)) for k in _TOTALS} | {"line_count": run.line_count}
        else:
            s = inventory_summary(session, run, tenant)
            figures = {k: s[k] for k in (*_TOTALS, "line_count")}
        out.append(
            RunOut(
                id=run.id, year=run.year, created_at=run.created_at, gwp_set=run.gwp_set, **figures
            )
        )
    return out


#: How long "the newest run of a year" is reused before the store is asked again [s].
LATEST_TTL_S = 2.0


@router.get("/summary", response_model=InventorySummary)
def latest_summary(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    year: int | None = Query(default=None, ge=1990, le=2100, description="Default: the latest."),
) -> Response:
    """Results of the newest run of a year (default the latest year with a run).

    Served from memory: the newest run is looked up at most every 2 s per park, year and
    tenant, and its summary is serialised once.
    """
    tenant = tenant_of(principal)
    key = ("latest", park_id, year, tenant)
    cache = cache_of(request, "inventory-latest", 1024)
    hit = cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < LATEST_TTL_S:
        return json_response(hit[1])
    R = db.InventoryRun
    with request.app.state.sessionmaker() as session:
        stmt = select(R).where(R.park_id == park_id)
        if year is not None:
            stmt = stmt.where(R.year == year)
        run = session.scalars(
            stmt.order_by(R.year.desc(), R.created_at.desc(), R.id.desc()).limit(1)
        ).first()
        if run is None:
            raise not_found("no inventory has been computed for this park and year")
        body = summary_bytes(request, session, run, tenant)
    cache.put(key, (time.monotonic(), body))
    return json_response(body)


@router.get("/runs/{run_id}", response_model=InventorySummary)
def run_summary(
    park_id: str,
    run_id: int,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    session: Session = Depends(get_session),
) -> Response:
    """Results of one run by scope, category, zone, tenant and month [tCO2e]."""
    run = _run(session, park_id, run_id)
    return json_response(summary_bytes(request, session, run, tenant_of(principal)))


@router.get("/runs/{run_id}/lines", response_model=list[InventoryLineOut])
def run_lines(
    park_id: str,
    run_id: int,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    scope: int | None = Query(default=None, ge=1, le=3),
    category: str | None = Query(default=None, max_length=64),
    zone: str | None = Query(default=None, max_length=255),
    limit: int = Query(default=100, ge=1, le=5000),
    offset: int = Query(default=0, ge=0, le=10_000_000),
    session: Session = Depends(get_session),
) -> list[InventoryLineOut]:
    """The run's lines (a tenant's own only), in order, filtered and paged."""
    run = _run(session, park_id, run_id)
    L = db.InventoryLine
    stmt = select(L).where(L.run_id == run.id)
    tenant = tenant_of(principal)
    if tenant is not None:
        stmt = stmt.where(L.tenant == tenant)
    if scope is not None:
        stmt = stmt.where(L.scope == scope)
    if category is not None:
        stmt = stmt.where(L.category == category)
    if zone is not None:
        stmt = stmt.where(L.zone == zone)
    rows = session.scalars(stmt.order_by(L.position).limit(limit).offset(offset))
    return [
        InventoryLineOut(
            position=r.position,
            line_id=r.line_id,
            scope=r.scope,
            category=r.category,
            kind=r.kind,
            zone=r.zone,
            tenant=r.tenant,
            quantity=r.quantity,
            unit=r.unit,
            factor_id=r.factor_id,
            factor_value=r.factor_value,
            factor_unit=r.factor_unit,
            tco2e=r.tco2e,
            tco2e_market=r.tco2e_market,
            quality=r.quality,
        )
        for r in rows
    ]


@router.post("/runs", response_model=RunOut, status_code=201)
def compute_run(
    park_id: str,
    body: RunIn,
    request: Request,
    principal: Annotated[Principal, allow(*MANAGERS, scope="park")],
    session: Session = Depends(get_session),
) -> RunOut:
    """Compute and store the inventory of a year from the park's stored activity data."""
    from parkzero.carbon.inventory import compute_inventory, inventory_years
    from parkzero.store.service import get_park, load_activities, save_inventory

    park = get_park(session, park_id)
    activities = load_activities(session, park_id)
    years = inventory_years(activities)
    if body.year not in years:
        raise InputError(
            f"the park has no activity data for {body.year} "
            f"(years with data: {', '.join(map(str, years)) or 'none'})",
            column="year",
        )
    result = compute_inventory(park, activities, body.year)
    run_id = save_inventory(session, park_id, result.to_dict(), result.factors_used)
    audit(
        session, "inventory.compute", principal=principal, ip=client_ip(request),
        target=f"inventory_run:{run_id}", details={"year": body.year},
        ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    run = _run(session, park_id, run_id)
    return RunOut(
        id=run.id,
        year=run.year,
        created_at=run.created_at,
        gwp_set=run.gwp_set,
        line_count=run.line_count,
        **{k: float(getattr(run, k)) for k in _TOTALS},
    )
