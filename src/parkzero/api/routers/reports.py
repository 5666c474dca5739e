"""Report exports through :mod:`parkzero.reports` (``/api/parks/{park_id}/reports``).

* ``inventory?format=xlsx|html|pdf``: the GHG inventory report of a year (with earlier years
  for the trend), the same as ``parkzero demo`` writes.
* ``plan?format=xlsx|html|pdf``: the reduction plan report (pathway, MACC, roadmap).
* ``inventory-lines.csv``: the inventory lines of a year as CSV; a tenant gets its own lines.

HTML reports are served with a sandboxing Content-Security-Policy (no script runs). PDF is the
HTML report printed by headless Chromium on the server (:func:`parkzero.reports.pdf.render_pdf`);
without Chromium the PDF answers 503 and says what to install. Rendered files are cached per
stored data version, language and format.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session
from parkzero.api.principal import Principal
from parkzero.api.routers._scope import STAFF, cache_of, not_found, tenant_of
from parkzero.api.routers.plan import data_version, park_plan
from parkzero.store import models as db
from parkzero.store.service import latest_inventory

__all__ = ["CSV_COLUMNS", "router"]

router = APIRouter(prefix="/api/parks/{park_id}/reports", tags=["reports"])

#: Columns of ``inventory-lines.csv`` (quantities [unit], factor [factor_unit], tCO2e).
CSV_COLUMNS = (
    "line_id",
    "scope",
    "category",
    "kind",
    "zone",
    "tenant",
    "quantity",
    "unit",
    "factor_id",
    "factor_value",
    "factor_unit",
    "tco2e",
    "tco2e_market",
    "quality",
)
_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {m: {} for m in (*_MEDIA.values(), "text/csv")}}
}


def _file(body: bytes, fmt: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "html":
        headers["Content-Security-Policy"] = _REPORT_CSP
    return Response(content=body, media_type=_MEDIA.get(fmt, "text/csv"), headers=headers)


def _render(report: Any, fmt: str) -> bytes:
    """A report spec as XLSX, HTML or PDF bytes."""
    from parkzero.reports import render_html, render_xlsx

    if fmt == "xlsx":
        return render_xlsx(report)
    html = render_html(report)
    if fmt == "html":
        return html.encode()
    from parkzero.reports.claim import ChromiumNotFound
    from parkzero.reports.pdf import render_pdf

    try:
        return render_pdf(html)
    except ChromiumNotFound as exc:
        raise HTTPException(503, f"PDF export is not available on this server: {exc}") from exc


def _years(session: Session, park_id: str, year: int | None) -> list[int]:
    years = sorted(
        set(session.scalars(select(db.InventoryRun.year).where(db.InventoryRun.park_id == park_id)))
    )
    if year is not None:
        years = [y for y in years if y <= year]
        if year not in years:
            raise not_found(f"no inventory has been computed for {year}")
    if not years:
        raise not_found("no inventory has been computed for this park")
    return years


def _latest_run_id(session: Session, park_id: str, year: int) -> int:
    R = db.InventoryRun
    run_id = session.scalar(
        select(R.id)
        .where(R.park_id == park_id, R.year == year)
        .order_by(R.created_at.desc(), R.id.desc())
        .limit(1)
    )
    if run_id is None:  # pragma: no cover - _years found the year
        raise not_found()
    return int(run_id)


@router.get("/inventory", response_class=Response, responses=_FILE)
def inventory_report(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    year: int | None = Query(default=None, ge=1990, le=2100, description="Default: the latest."),
    lang: str = Query(default="zh-CN", pattern="^(zh-CN|en)$"),
    format: str = Query(default="xlsx", pattern="^(xlsx|html|pdf)$"),
    session: Session = Depends(get_session),
) -> Response:
    """The GHG inventory report of a year as XLSX, HTML or PDF."""
    from parkzero.reports import inventory_report as build
    from parkzero.reports import report_filename

    years = _years(session, park_id, year)
    key = tuple(_latest_run_id(session, park_id, y) for y in years)

    def render() -> bytes:
        results: list[dict[str, Any]] = []
        for y in years:
            result = latest_inventory(session, park_id, y)
            if result is not None:
                results.append(result)
        return _render(build(results, lang), format)

    body = cache_of(request, "reports", 32).get_or_compute(("inventory", key, lang, format), render)
    return _file(body, format, report_filename(park_id, years[-1], lang, format))


@router.get("/plan", response_class=Response, responses=_FILE)
def plan_report(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    lang: str = Query(default="zh-CN", pattern="^(zh-CN|en)$"),
    format: str = Query(default="xlsx", pattern="^(xlsx|html|pdf)$"),
    session: Session = Depends(get_session),
) -> Response:
    """The reduction plan report (target pathway, MACC, roadmap) as XLSX, HTML or PDF."""
    from parkzero.reports.plan import plan_report as build
    from parkzero.reports.plan import plan_report_filename

    plan = park_plan(request, session, park_id)
    version = data_version(session, park_id)

    def render() -> bytes:
        return _render(build(plan, lang), format)

    body = cache_of(request, "reports", 32).get_or_compute(
        ("plan", park_id, version, lang, format), render
    )
    years = [int(y["year"]) for y in plan["roadmap"].get("years") or []] or [0]
    first, last = years[0], years[-1]
    return _file(body, format, plan_report_filename(park_id, first, last, lang, format))


@router.get("/inventory-lines.csv", response_class=Response, responses=_FILE)
def inventory_lines_csv(
    park_id: str,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    year: int | None = Query(default=None, ge=1990, le=2100, description="Default: the latest."),
    session: Session = Depends(get_session),
) -> Response:
    """The inventory lines of a year as CSV (UTF-8 with BOM for Excel); a tenant's own only."""
    years = _years(session, park_id, year)
    run_id = _latest_run_id(session, park_id, years[-1])
    L = db.InventoryLine
    stmt = select(*(getattr(L, c) for c in CSV_COLUMNS)).where(L.run_id == run_id)
    tenant = tenant_of(principal)
    if tenant is not None:
        stmt = stmt.where(L.tenant == tenant)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in session.execute(stmt.order_by(L.position)):
        writer.writerow(["" if v is None else v for v in row])
    name = f"inventory-lines-{park_id}-{years[-1]}{'-' + tenant if tenant else ''}.csv"
    safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in name)
    return _file(("\ufeff" + out.getvalue()).encode("utf-8"), "csv", safe)
