"""What the web pages read from the store: the big screen's inputs, drill-downs, ledger checks.

The only module of :mod:`parkzero.web` that touches the database. Every function takes a
:class:`~sqlalchemy.orm.Session`, only reads, and returns plain data for the pure builders in
:mod:`parkzero.web.screen` and :mod:`parkzero.web.drill`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parkzero.errors import InputError, ProofError
from parkzero.ledger import store as ledger
from parkzero.ledger.checkpoint import open_checkpoint
from parkzero.ledger.note import Verifier
from parkzero.ledger.tables import LedgerCheckpoint, LedgerEpod, LedgerLog
from parkzero.monitoring.tables import Alert, Meter, Reading
from parkzero.store import models as db
from parkzero.store.service import latest_inventory
from parkzero.web.screen import ScreenInputs, hourly_load

__all__ = [
    "DEFAULT_LOG",
    "alerts_of",
    "energy_results",
    "hourly_of",
    "inventory_summaries",
    "meter_detail",
    "meters_of",
    "newest_year",
    "park_info",
    "park_logs",
    "retired_for",
    "screen_inputs",
    "verify_ledger",
]

#: The log verified for the badge when ``PARKZERO_LEDGER_ORIGIN`` is not set (as the CLI).
DEFAULT_LOG = "parkzero.local/ledger"
_ALERTS_READ = 50


def park_info(session: Session, park_id: str) -> dict[str, Any]:
    """Name, zones and tenants of a park.

    Returns
    -------
    dict
        ``id``, ``name``, ``region``, ``zones`` (id → ``{"name", "area_m2"}`` [m²]) and
        ``tenants`` (id → ``{"name", "area_m2", "zones"}``).

    Raises
    ------
    InputError
        No park `park_id` in the store.
    """
    park = session.get(db.Park, park_id)
    if park is None:
        raise InputError(f'there is no park "{park_id}" in the store', column="park")
    zones = session.scalars(select(db.Zone).where(db.Zone.park_id == park_id).order_by(db.Zone.id))
    tenants = session.scalars(
        select(db.Tenant).where(db.Tenant.park_id == park_id).order_by(db.Tenant.id)
    )
    return {
        "id": park.id,
        "name": park.name,
        "region": park.region,
        "zones": {z.id: {"name": z.name or z.id, "area_m2": z.area_m2} for z in zones},
        "tenants": {
            t.id: {"name": t.name or t.id, "area_m2": t.area_m2, "zones": list(t.zones or [])}
            for t in tenants
        },
    }


def inventory_summaries(session: Session, park_id: str) -> dict[int, dict[str, Any]]:
    """The newest stored inventory summary of every year of a park (without lines) [tCO2e, kWh]."""
    run = db.InventoryRun
    newest = (
        select(run.year, func.max(run.id).label("id"))
        .where(run.park_id == park_id)
        .group_by(run.year)
    ).subquery()
    rows = session.execute(
        select(run.year, run.result).join(newest, run.id == newest.c.id).order_by(run.year)
    )
    return {int(year): dict(result) for year, result in rows}


def newest_year(session: Session, park_id: str) -> int | None:
    """The newest year with a stored inventory of a park, or None [-]."""
    year = session.scalar(
        select(func.max(db.InventoryRun.year)).where(db.InventoryRun.park_id == park_id)
    )
    return None if year is None else int(year)


def alerts_of(session: Session, park_id: str, limit: int = _ALERTS_READ) -> list[dict[str, Any]]:
    """The newest monitoring alerts of a park (at most `limit`), newest first."""
    rows = session.scalars(
        select(Alert)
        .where(Alert.park_id == park_id)
        .order_by(Alert.period_start.desc(), Alert.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": a.id,
            "kind": a.kind,
            "subject": a.subject,
            "severity": a.severity,
            "message": a.message,
            "period_start": a.period_start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for a in rows
    ]


def hourly_of(
    session: Session, park_id: str, now: dt.datetime, tz: str = "Asia/Shanghai"
) -> list[dict[str, Any]] | None:
    """Site load and PV per hour over the 24 hours before `now` (monitoring roll-up) [kWh].

    None when the park has no meter or no reading in that window.
    """
    if session.scalar(select(func.count()).select_from(Meter).where(Meter.park_id == park_id)) == 0:
        return None
    from parkzero.monitoring.rollup import rollup
    from parkzero.monitoring.service import intervals_of

    end = pd.Timestamp(now).tz_convert(tz).floor("h")
    start = end - pd.Timedelta(hours=24)
    meters, intervals = intervals_of(
        session,
        park_id,
        start.tz_convert("UTC").to_pydatetime(),
        end.tz_convert("UTC").to_pydatetime(),
    )
    if intervals.empty:
        return None
    frame = rollup(intervals, meters, "hour", tz)
    hours = [(start + pd.Timedelta(hours=h)).tz_localize(None) for h in range(24)]
    return hourly_load(frame, hours)


def retired_for(session: Session, park_id: str, year: int) -> float | None:
    """Credits retired in the park's stored neutrality claims for `year` [tCO2e]; None if none."""
    from parkzero.neutrality.service import list_claims

    claims = [c for c in list_claims(session, park_id) if c.period_start.year == year]
    if not claims:
        return None
    return float(max(c.retired_tco2e for c in claims))


def park_logs(session: Session, park_id: str) -> list[str]:
    """The ledger logs that hold the park's evidence: its meters' and e-PODs' logs, and the
    configured log (``PARKZERO_LEDGER_ORIGIN``) when it exists."""
    logs = set(
        session.scalars(
            select(Meter.log_id).where(Meter.park_id == park_id, Meter.log_id.is_not(None))
        )
    )
    logs |= set(session.scalars(select(LedgerEpod.log_id).where(LedgerEpod.park_id == park_id)))
    configured = os.environ.get("PARKZERO_LEDGER_ORIGIN", DEFAULT_LOG)
    if session.get(LedgerLog, configured) is not None:
        logs.add(configured)
    return sorted(str(x) for x in logs if x)


def verify_ledger(session: Session, logs: Sequence[str]) -> dict[str, Any] | None:
    """Check each log's newest signed checkpoint against the stored tree: the badge's data.

    For every log: the checkpoint's signature verifies with the log's recorded key, and the root
    of the stored tree at the checkpoint's size is the signed root (O(log n) tile reads, not a
    full audit). ``status`` is ``verified`` when every log passes, ``failed`` otherwise; None
    when no log has a checkpoint.
    """
    checked = []
    problems = []
    for origin in logs:
        cp = ledger.latest_checkpoint(session, origin)
        if cp is None:
            continue
        vkey = ledger.log_vkey(session, origin)
        try:
            if vkey is None:
                raise ProofError("the log has no recorded key")
            open_checkpoint(cp.note, Verifier.from_vkey(vkey))
            if ledger.root_at(session, origin, cp.size) != cp.root:
                raise ProofError("the stored tree does not have the signed root")
        except (ProofError, InputError) as exc:
            problems.append({"log": origin, "problem": str(exc)})
        created = session.scalar(
            select(LedgerCheckpoint.created_at).where(LedgerCheckpoint.id == cp.id)
        )
        checked.append(
            {
                "log": origin,
                "size": cp.size,
                "signed_at": None if created is None else created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    if not checked:
        return None
    return {
        "status": "failed" if problems else "verified",
        "logs": checked,
        "problems": problems,
    }


def energy_results(session: Session, park_id: str) -> dict[str, Any] | None:
    """Time-of-use energy, the dispatched day's hourly load and PV and the battery state of
    charge from :mod:`parkzero.energy` (:func:`parkzero.energy.service.screen_results`).

    Returns ``{"tou": {"periods", "kwh"}, "hourly": [...], "soc": [...] | None, "day", ...}``
    [kWh, -], or None when the park has no stored dispatch, so the panels show "no data yet".
    """
    from parkzero.energy.service import screen_results

    result = screen_results(session, park_id)
    return None if result is None else dict(result)


def screen_inputs(
    session: Session,
    park_id: str,
    *,
    now: dt.datetime | None = None,
    year: int | None = None,
    tz: str = "Asia/Shanghai",
) -> ScreenInputs:
    """Read everything the big screen of a park needs (see :class:`ScreenInputs`).

    Parameters
    ----------
    year : int, optional
        Reporting year; default the newest year with a stored inventory.
    now : datetime, optional
        The time the 24-hour load ends at (UTC); default now.
    """
    now = now or dt.datetime.now(dt.UTC)
    info = park_info(session, park_id)
    inventories = inventory_summaries(session, park_id)
    if year is None:
        year = max(inventories) if inventories else None
    lines: list[dict[str, Any]] = []
    if year is not None and year in inventories:
        full = latest_inventory(session, park_id, year) or {}
        lines = list(full.get("lines") or [])
    return ScreenInputs(
        park_id=park_id,
        park_name=info["name"],
        year=year,
        inventories=inventories,
        lines=lines,
        tenants=info["tenants"],
        zones={k: v["name"] for k, v in info["zones"].items()},
        hourly=hourly_of(session, park_id, now, tz),
        alerts=alerts_of(session, park_id),
        ledger=verify_ledger(session, park_logs(session, park_id)),
        retired_tco2e=None if year is None else retired_for(session, park_id, year),
        energy=energy_results(session, park_id),
        now=now,
    )


def meter_detail(
    session: Session, park_id: str, meter_id: str, *, days: int = 30
) -> dict[str, Any]:
    """A meter and its readings' daily totals over the last `days` days [meter unit per day].

    Raises
    ------
    InputError
        No meter `meter_id` in the park.
    """
    meter = session.get(Meter, (park_id, meter_id))
    if meter is None:
        raise InputError(f'there is no meter "{meter_id}" in park "{park_id}"', column="meter")
    last = session.scalar(
        select(func.max(Reading.ts)).where(Reading.park_id == park_id, Reading.meter_id == meter_id)
    )
    daily: list[dict[str, Any]] = []
    if last is not None:
        from parkzero.monitoring.rollup import rollup
        from parkzero.monitoring.service import intervals_of

        start = last - dt.timedelta(days=days)
        meters, intervals = intervals_of(session, park_id, start, last + dt.timedelta(seconds=1))
        intervals = intervals[intervals["meter_id"] == meter_id]
        frame = rollup(intervals, meters, "day")
        daily = [
            {"day": pd.Timestamp(p).strftime("%Y-%m-%d"), "quantity": float(q)}
            for p, q in zip(frame["period"], frame["quantity"], strict=True)
        ]
    return {
        "id": meter.id,
        "name": meter.name or meter.id,
        "kind": meter.kind,
        "unit": meter.unit,
        "zone": meter.zone,
        "tenant": meter.tenant,
        "parent": meter.parent_id,
        "last_reading": None if last is None else last.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "daily": daily,
    }


def meters_of(
    session: Session, park_id: str, *, tenant_id: str | None = None
) -> list[dict[str, Any]]:
    """The park's meters (only the tenant's own when `tenant_id` is given), by id."""
    stmt = select(Meter).where(Meter.park_id == park_id)
    if tenant_id is not None:
        stmt = stmt.where(Meter.tenant == tenant_id)
    return [
        {
            "id": m.id,
            "name": m.name or m.id,
            "kind": m.kind,
            "unit": m.unit,
            "zone": m.zone,
            "tenant": m.tenant,
            "parent": m.parent_id,
        }
        for m in session.scalars(stmt.order_by(Meter.id))
    ]
