"""Rendering pages: one Jinja2 environment, the navigation by role, static asset URLs.

Templates live in ``templates/``, static files in ``static/`` (served at :data:`STATIC_PREFIX`).
Pages never hold inline script or style (the service's CSP is ``default-src 'self'``): data for
scripts go into ``<script type="application/json">`` blocks, which browsers never execute.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from parkzero.web.i18n import messages, t

__all__ = [
    "ASSET_VERSION",
    "ECHARTS_VERSION",
    "STATIC_DIR",
    "STATIC_PREFIX",
    "TEMPLATES_DIR",
    "environment",
    "nav_for",
    "render",
    "static_url",
]

_HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"
#: URL prefix of the static files.
STATIC_PREFIX = "/static/web"
#: Vendored Apache ECharts (``static/vendor/echarts/README.md``).
ECHARTS_VERSION = "5.6.0"
#: Cache-busting query of static URLs; change with any static file.
ASSET_VERSION = f"0.1.0-e{ECHARTS_VERSION}"

_STAFF = ("admin", "manager", "operator", "auditor")
#: (message key, path, roles) of the navigation bar, in order.
_NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("nav.screen", "/screen", _STAFF),
    ("nav.park", "/park", _STAFF),
    ("nav.inventory", "/inventory", _STAFF),
    ("nav.targets", "/targets", _STAFF),
    ("nav.plan", "/plan", _STAFF),
    ("nav.energy", "/energy", _STAFF),
    ("nav.reports", "/reports", _STAFF),
    ("nav.dispatch", "/dispatch", ("admin", "manager", "operator")),
    ("nav.carrier", "/carrier", ("carrier",)),
)


def static_url(path: str) -> str:
    """URL of a static file, e.g. ``static_url("css/parkzero.css")``.

    >>> static_url("js/common.js")  # doctest: +ELLIPSIS
    '/static/web/js/common.js?v=...'
    """
    return f"{STATIC_PREFIX}/{path}?v={ASSET_VERSION}"


def nav_for(role: str | None, tenant_id: str | None, current: str) -> list[dict[str, Any]]:
    """The navigation links a role sees; `current` marks the active one.

    A tenant sees its own page only (``/park/tenants/<id>``).
    """
    items = [
        {"key": key, "href": href, "active": current == href or current.startswith(href + "/")}
        for key, href, roles in _NAV
        if role in roles
    ]
    if role == "tenant" and tenant_id:
        href = f"/park/tenants/{tenant_id}"
        items.append({"key": "nav.park", "href": href, "active": current == href})
    return items


@cache
def environment() -> Environment:
    """The Jinja2 environment (autoescaping; a missing optional key renders as nothing)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static_url"] = static_url
    return env


def render(
    template: str,
    *,
    lang: str,
    title_key: str,
    principal: Any = None,
    current: str = "",
    csrf_token: str | None = None,
    page: Mapping[str, Any] | None = None,
    **context: Any,
) -> str:
    """Render `template` in `lang` with the page chrome (navigation, language switch, sign-out).

    Parameters
    ----------
    title_key : str
        Catalogue key of the page title [-].
    principal : parkzero.api.principal.Principal, optional
        The signed-in user; None on the sign-in page.
    page : mapping, optional
        Data for the page's scripts, embedded as JSON (``id="pz-page"``).
    """

    def tr(key: str, **values: object) -> str:
        return t(key, lang, **values)

    role = getattr(principal, "role", None)
    tenant = getattr(principal, "tenant_id", None)
    values: dict[str, Any] = {
        "lang": lang,
        "t": tr,
        "title_key": title_key,
        "principal": principal,
        "nav": nav_for(role, tenant, current) if principal else [],
        "csrf_token": csrf_token,
        "logout_url": "/logout",
        "messages": messages(lang),
        "page": dict(page or {}),
    }
    values.update(context)
    return environment().get_template(template).render(**values)
