"""The FastAPI application: :func:`create_app` builds it with every router of the service.

Routers live in :mod:`parkzero.api.routers`, one per domain. Those of packages that land later
(``pages`` and ``screen`` of the web front end, ``bookings`` of the yard, ``energy``) are
included when their module exists; a router module exposes ``router`` (an ``APIRouter``) and may
define ``setup(app)`` to mount what else it needs (static files, templates).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from parkzero.api.access import allow, route_rule
from parkzero.api.deps import PrincipalCache
from parkzero.api.middleware import SecurityHeaders
from parkzero.api.ratelimit import RateLimiter, RateLimitError
from parkzero.api.settings import ApiSettings
from parkzero.errors import InputError, ParkzeroError
from parkzero.store.errors import StoreError
from parkzero.store.session import make_engine, make_sessionmaker, upgrade

__all__ = ["CORE_ROUTERS", "OPTIONAL_ROUTERS", "create_app"]

#: Routers always included, in this order (modules of :mod:`parkzero.api.routers`).
CORE_ROUTERS = ("auth", "admin", "parks", "inventory", "plan", "monitoring", "ledger", "reports")
#: Routers included when their module exists (built by other work: web, yard, energy).
OPTIONAL_ROUTERS = ("pages", "screen", "bookings", "energy", "yard")

_STATIC = Path(__file__).resolve().parent / "static"
_DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>parkzero API</title>
<link rel="icon" type="image/png" href="/static/swagger/favicon-32x32.png">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/parkzero-swagger.js"></script>
</body>
</html>
"""


def _error_handlers(app: FastAPI) -> None:
    async def input_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InputError)
        return JSONResponse(
            {"detail": str(exc), "field": exc.column, "row": exc.row}, status_code=422
        )

    async def store_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": "the database is unavailable; try again"}, 503)

    async def parkzero_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    async def rate_limited(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RateLimitError)
        retry = max(1, int(exc.retry_after + 0.999))
        return JSONResponse(
            {"detail": str(exc)}, status_code=429, headers={"Retry-After": str(retry)}
        )

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.add_exception_handler(InputError, input_error)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(ParkzeroError, parkzero_error)
    app.add_exception_handler(RateLimitError, rate_limited)
    app.add_exception_handler(RequestValidationError, validation_error)


def _include(app: FastAPI, name: str, *, optional: bool) -> bool:
    module_name = f"parkzero.api.routers.{name}"
    if optional and importlib.util.find_spec(module_name) is None:
        return False
    module = importlib.import_module(module_name)
    _declare_rules(module.router.routes)
    app.include_router(module.router)
    setup = getattr(module, "setup", None)
    if callable(setup):
        setup(app)
    return True


def _declare_rules(routes: list[Any]) -> None:
    """Show each route's access rule in the OpenAPI schema (``x-access``) and description."""
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        rule = route_rule(route)
        if rule is None:
            continue
        extra: dict[str, Any] = dict(route.openapi_extra or {})
        extra["x-access"] = rule.to_dict()
        route.openapi_extra = extra
        who = "anyone" if rule.scope == "public" else ", ".join(rule.roles)
        note = f"Access: {who} (scope {rule.scope})."
        route.description = f"{route.description}\n\n{note}".strip()


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the parkzero service.

    Parameters
    ----------
    settings : ApiSettings, optional
        Default :meth:`ApiSettings.from_env` (which requires ``PARKZERO_SECRET_KEY``).

    Returns
    -------
    fastapi.FastAPI
        With every router, the self-hosted API docs at ``/docs``, the schema at
        ``/openapi.json``; the database migrated to the newest revision when
        ``settings.migrate``.
    """
    settings = settings or ApiSettings.from_env()
    url = settings.url
    if settings.migrate:
        upgrade(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
    engine = make_engine(url, **kwargs)
    maker: sessionmaker[Session] = make_sessionmaker(engine)

    app = FastAPI(
        title="parkzero",
        summary="Carbon neutrality of a logistics park: inventory, targets, plan, monitoring, ledger.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = maker
    app.state.login_limiter = RateLimiter(settings.login_limit, settings.login_window_s, "sign-in")
    app.state.caches = {}
    app.state.principals = PrincipalCache(settings.principal_cache_s)
    _error_handlers(app)

    @app.get("/openapi.json", include_in_schema=False, dependencies=[allow(scope="public")])
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=[allow(scope="public")])
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_HTML, headers={"Content-Security-Policy": _DOCS_CSP})

    @app.get("/api/health", tags=["service"], dependencies=[allow(scope="public")])
    def health() -> dict[str, str]:
        """Liveness: the service answers."""
        return {"status": "ok"}

    _declare_rules(app.router.routes)
    for name in CORE_ROUTERS:
        _include(app, name, optional=False)
    app.state.optional_routers = [n for n in OPTIONAL_ROUTERS if _include(app, n, optional=True)]
    app.mount("/static/swagger", StaticFiles(directory=_STATIC / "swagger"), name="swagger")
    app.add_middleware(SecurityHeaders)
    return app
