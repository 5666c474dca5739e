"""The web pages: sign-in, the big screen, drill-downs, inventory, target, plan, energy, reports.

Server-rendered with :mod:`parkzero.web.templating`; the language is ``?lang=`` (remembered in
the ``pz_lang`` cookie) or zh-CN. Every route declares its access rule with
:func:`parkzero.api.access.allow`. A page opened without a session redirects to ``/login``; a
page of another tenant answers 404 like any object outside the caller's scope.
:func:`setup` serves the static files (``/static/web``) and turns 401/403/404 of pages (not of
``/api``) into a redirect or an HTML error page.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from parkzero.api.access import allow
from parkzero.api.deps import csrf_token, get_optional_principal, get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.ratelimit import RateLimitError, client_ip
from parkzero.api.routers._scope import cache_of
from parkzero.errors import InputError
from parkzero.store import models as db
from parkzero.web import service as web
from parkzero.web import views
from parkzero.web.i18n import LANG_COOKIE, resolve_lang
from parkzero.web.templating import STATIC_DIR, STATIC_PREFIX, render

__all__ = ["REPORT_LINKS", "html_page", "router", "setup"]

router = APIRouter(tags=["pages"], include_in_schema=False)

_STAFF = ("admin", "manager", "operator", "auditor")
_LANG_MAX_AGE = 365 * 24 * 3600
#: Inventory report downloads (served by :mod:`parkzero.api.routers.reports`); ``{park}`` and
#: ``{year}`` are filled in.
REPORT_LINKS: tuple[dict[str, str], ...] = (
    {"key": "rep.xlsx", "href": "/api/parks/{park}/reports/inventory?format=xlsx&year={year}"},
    {"key": "rep.pdf", "href": "/api/parks/{park}/reports/inventory?format=pdf&year={year}"},
    {"key": "rep.csv", "href": "/api/parks/{park}/reports/inventory-lines.csv?year={year}"},
    {"key": "rep.html", "href": "/api/parks/{park}/reports/inventory?format=html&year={year}"},
)


def _lang(request: Request) -> str:
    return resolve_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def html_page(
    request: Request,
    template: str,
    *,
    title_key: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page in the request's language; remember a ``?lang=`` choice in the cookie."""
    lang = _lang(request)
    body = render(
        template,
        lang=lang,
        title_key=title_key,
        principal=principal,
        current=request.url.path,
        csrf_token=csrf_token(request) if principal is not None else None,
        **context,
    )
    response = HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})
    asked = request.query_params.get("lang")
    if asked and resolve_lang(asked, None) == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=_LANG_MAX_AGE, samesite="lax", httponly=True)
    return response


def _home(principal: Principal) -> str:
    if principal.role == "carrier":
        return "/carrier"
    if principal.role == "tenant":
        return f"/park/tenants/{principal.tenant_id}"
    return "/screen"


def _safe_next(target: str | None) -> str | None:
    """A same-site path to go to after sign-in, or None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@router.get("/", dependencies=[allow(scope="public")])
def home(principal: Annotated[Principal | None, Depends(get_optional_principal)]) -> Response:
    """The signed-in user's start page, or the sign-in page."""
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(_home(principal), status_code=303)


@router.get("/login", dependencies=[allow(scope="public")])
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in form (posts user name and password to ``POST /login``)."""
    return html_page(
        request, "login.html", title_key="auth.title", principal=None,
        login_url="/login", next_url=_safe_next(next) or "", error=None,
    )  # fmt: skip


@router.post("/login", dependencies=[allow(scope="public")])
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "",
    session: Session = Depends(get_session),
) -> Response:
    """Sign in a browser: the session cookie is set and the user goes to their start page."""
    from parkzero.api.routers.auth import start_session

    redirect = RedirectResponse("/", status_code=303)
    try:
        principal, _ = start_session(request, redirect, session, username, password)
    except (HTTPException, RateLimitError) as exc:
        limited = isinstance(exc, RateLimitError) or getattr(exc, "status_code", 0) == 429
        return html_page(
            request, "login.html", title_key="auth.title", principal=None,
            status_code=429 if limited else 401, login_url="/login",
            next_url=_safe_next(next) or "", error="auth.limited" if limited else "auth.failed",
        )  # fmt: skip
    redirect.headers["location"] = _safe_next(next) or _home(principal)
    return redirect


@router.post("/logout")
def logout_submit(
    request: Request,
    principal: Annotated[Principal, allow("*", scope="self")],
    session: Session = Depends(get_session),
) -> Response:
    """End the browser session and go back to the sign-in page."""
    from parkzero.api.deps import SESSION_COOKIE
    from parkzero.api.service import audit, revoke_token

    if principal.token_id is not None:
        revoke_token(session, principal.token_id, principal.user_id)
    audit(
        session, "auth.logout", principal=principal, ip=client_ip(request),
        target=f"token:{principal.token_id}", ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/screen")
def screen_page(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """The big screen (1920×1080, dark); its data come from ``/api/screen`` every 30 s."""
    info = web.park_info(session, principal.park_id)
    years = web.inventory_summaries(session, principal.park_id)
    return html_page(
        request, "screen.html", title_key="nav.screen", principal=principal,
        park_name=info["name"], year=max(years) if years else None,
        page={"data_url": "/api/screen", "refresh_s": 30},
    )  # fmt: skip


def _view_page(
    request: Request, principal: Principal, title_key: str, view: dict[str, Any]
) -> HTMLResponse:
    return html_page(request, "view.html", title_key=title_key, principal=principal, **view)


def _lines(session: Session, park_id: str, year: int | None) -> list[dict[str, Any]]:
    from parkzero.store.service import latest_inventory

    if year is None:
        return []
    return list((latest_inventory(session, park_id, year) or {}).get("lines") or [])


@router.get("/park")
def park_page(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """Park overview: zones, tenants and main meters, each a link one level down."""
    info = web.park_info(session, principal.park_id)
    inventories = web.inventory_summaries(session, principal.park_id)
    year = max(inventories) if inventories else None
    summary = inventories.get(year) if year is not None else None
    meters = web.meters_of(session, principal.park_id)
    view = views.park_view(info, summary, [], meters, _lang(request))
    return _view_page(request, principal, "nav.park", view)


@router.get("/park/zones/{zone_id}")
def zone_page(
    zone_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """A zone: emissions by activity type, tenants and meters in it."""
    info = web.park_info(session, principal.park_id)
    if zone_id not in info["zones"]:
        raise HTTPException(404, "not found")
    lines = _lines(session, principal.park_id, web.newest_year(session, principal.park_id))
    view = views.zone_view(
        info, zone_id, lines, web.meters_of(session, principal.park_id), _lang(request)
    )
    return _view_page(request, principal, "drill.zone", view)


@router.get("/park/tenants/{tenant_id}")
def tenant_page(
    tenant_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, "tenant", scope="tenant")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """A tenant: its emissions by activity type and its meters (a tenant sees only its own)."""
    info = web.park_info(session, principal.park_id)
    if tenant_id not in info["tenants"]:
        raise HTTPException(404, "not found")
    lines = _lines(session, principal.park_id, web.newest_year(session, principal.park_id))
    own = principal.role == "tenant"
    meters = web.meters_of(session, principal.park_id, tenant_id=tenant_id)
    view = views.tenant_view(info, tenant_id, lines, meters, _lang(request), own=own)
    return _view_page(request, principal, "drill.tenant", view)


@router.get("/park/meters/{meter_id}")
def meter_page(
    meter_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, "tenant", scope="tenant")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """A meter and its daily totals; a tenant may open only its own meters."""
    info = web.park_info(session, principal.park_id)
    try:
        detail = web.meter_detail(session, principal.park_id, meter_id)
    except InputError as exc:  # unknown meter
        raise HTTPException(404, "not found") from exc
    own = principal.role == "tenant"
    if own and detail.get("tenant") != principal.tenant_id:
        raise HTTPException(404, "not found")
    return _view_page(
        request, principal, "drill.meter", views.meter_view(info, detail, _lang(request), own=own)
    )


@router.get("/inventory")
def inventory_page(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    year: int | None = None,
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """The inventory of a year (default the newest): scopes, categories, indicators, years."""
    info = web.park_info(session, principal.park_id)
    inventories = web.inventory_summaries(session, principal.park_id)
    if year is None and inventories:
        year = max(inventories)
    if year is not None and inventories and year not in inventories:
        raise HTTPException(404, "not found")
    view = views.inventory_view(info, inventories, year, _lang(request))
    return _view_page(request, principal, "nav.inventory", view)


def _plan(request: Request, session: Session, park_id: str) -> dict[str, Any] | None:
    """The park's plan (:func:`parkzero.plan.make_plan`), cached per set of inventory runs."""
    newest = session.scalar(
        select(func.max(db.InventoryRun.id)).where(db.InventoryRun.park_id == park_id)
    )
    if newest is None:
        return None

    def compute() -> dict[str, Any] | None:
        from parkzero.errors import ParkzeroError
        from parkzero.plan import build_catalogue, make_plan
        from parkzero.store.service import get_park, load_activities

        try:
            park = get_park(session, park_id)
            activities = load_activities(session, park_id)
            plan: dict[str, Any] = make_plan(park, activities, build_catalogue()).to_dict()
        except ParkzeroError:
            return None
        return plan

    result: dict[str, Any] | None = cache_of(request, "web.plan", 16).get_or_compute(
        (park_id, newest), compute
    )
    return result


@router.get("/targets")
def targets_page(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """The 1.5 °C target pathway (scopes 1 + 2) against the actual emissions."""
    plan = _plan(request, session, principal.park_id)
    inventories = web.inventory_summaries(session, principal.park_id)
    return _view_page(
        request, principal, "nav.targets", views.targets_view(plan, inventories, _lang(request))
    )


@router.get("/plan")
def plan_page(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """The marginal abatement cost curve and the roadmap to the target."""
    plan = _plan(request, session, principal.park_id)
    return _view_page(request, principal, "nav.plan", views.plan_view(plan, _lang(request)))


@router.get("/energy")
def energy_page(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
) -> HTMLResponse:
    """Energy: mix, flow (能流图), time-of-use energy and the 24-hour load."""
    from parkzero.api.routers.screen import _document

    lang = _lang(request)
    data, _ = _document(request, principal.park_id, lang)
    return _view_page(request, principal, "nav.energy", views.energy_view(data, lang))


@router.get("/reports")
def reports_page(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> HTMLResponse:
    """Downloads of the inventory report of every year (XLSX, PDF, CSV, HTML)."""
    years = list(web.inventory_summaries(session, principal.park_id))
    park = quote(principal.park_id, safe="")
    links = [dict(link, href=link["href"].replace("{park}", park)) for link in REPORT_LINKS]
    return _view_page(
        request, principal, "nav.reports", views.reports_view(links, years, _lang(request))
    )


def setup(app: Any) -> None:
    """Serve ``/static/web`` and answer page errors in HTML (the API keeps JSON errors)."""
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="web-static")

    async def page_errors(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        is_page = request.method == "GET" and not path.startswith(
            ("/api/", "/static/", "/docs", "/openapi")
        )
        if not is_page or exc.status_code not in (401, 403, 404):
            return await http_exception_handler(request, exc)
        if exc.status_code == 401:
            target = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        key = "error.forbidden" if exc.status_code == 403 else "error.not_found"
        return html_page(
            request, "error.html", title_key=key, principal=None,
            status_code=exc.status_code, heading_key=key, detail="",
        )  # fmt: skip

    app.add_exception_handler(StarletteHTTPException, page_errors)
