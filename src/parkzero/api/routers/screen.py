"""The big screen's data (``/api/screen``): one JSON document per park and language, cached.

The document is assembled by :func:`parkzero.web.screen.build_screen` from the store
(:func:`parkzero.web.service.screen_inputs`) and kept per (park, language) for
:data:`SCREEN_TTL_S` seconds, serialised once: a big screen polling every 30 s, and many of them,
cost one database read per park and TTL. Concurrent misses of one key compute it once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from parkzero.api.access import allow
from parkzero.api.principal import Principal
from parkzero.web.i18n import resolve_lang
from parkzero.web.screen import build_screen, screen_labels
from parkzero.web.service import screen_inputs

__all__ = ["PANELS", "SCREEN_TTL_S", "TtlCache", "router", "screen_document", "setup"]

router = APIRouter(prefix="/api/screen", tags=["screen"])

#: How long a park's big-screen document is reused [s].
SCREEN_TTL_S = 10.0
#: Panels that ``/api/screen/{panel}`` serves.
PANELS = (
    "kpis",
    "energy_mix",
    "tou",
    "load_24h",
    "energy_flow",
    "emissions_by_scope",
    "emissions_by_source",
    "logistics_intensity",
    "ranking",
    "trend",
    "alerts",
    "ledger",
)
_STAFF = ("admin", "manager", "operator", "auditor")


class TtlCache:
    """Values kept for `ttl_s` seconds; one computation per key at a time (no stampede).

    Examples
    --------
    >>> c = TtlCache(60.0)
    >>> c.get("a", lambda: 1), c.get("a", lambda: 2)
    (1, 1)
    """

    def __init__(self, ttl_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._data: dict[Any, tuple[float, Any]] = {}
        self._locks: dict[Any, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The fresh value of `key`, computing it when missing or older than the TTL."""
        hit = self._data.get(key)
        if hit is not None and self._clock() - hit[0] < self.ttl_s:
            return hit[1]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            hit = self._data.get(key)
            if hit is not None and self._clock() - hit[0] < self.ttl_s:
                return hit[1]
            value = compute()
            self._data[key] = (self._clock(), value)
            return value

    def clear(self) -> None:
        """Forget every value."""
        self._data.clear()


def setup(app: Any) -> None:
    """Give the app its big-screen cache."""
    app.state.screen_cache = TtlCache(SCREEN_TTL_S)


def _cache(request: Request) -> TtlCache:
    cache = getattr(request.app.state, "screen_cache", None)
    if cache is None:
        cache = request.app.state.screen_cache = TtlCache(SCREEN_TTL_S)
    return cache


def screen_document(maker: sessionmaker[Session], park_id: str, lang: str) -> dict[str, Any]:
    """The big-screen JSON of a park in `lang` (uncached), with the ``labels`` of its ids."""
    with maker() as session:
        inputs = screen_inputs(session, park_id)
    data = build_screen(inputs)
    data["labels"] = screen_labels(data, inputs.zones, lang)
    data["lang"] = lang
    return data


def _document(request: Request, park_id: str, lang: str) -> tuple[dict[str, Any], bytes]:
    maker = request.app.state.sessionmaker

    def compute() -> tuple[dict[str, Any], bytes]:
        data = screen_document(maker, park_id, lang)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return data, body.encode("utf-8")

    result: tuple[dict[str, Any], bytes] = _cache(request).get((park_id, lang), compute)
    return result


LangQuery = Annotated[str | None, Query(description="zh-CN (default) or en", max_length=16)]


@router.get("", responses={200: {"content": {"application/json": {}}}})
def screen_data(
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    lang: LangQuery = None,
) -> Response:
    """The whole big-screen document of the caller's park (KPIs and every panel).

    Panels whose domain has no data yet are ``{"status": "no_data", "reason": ...}``; ``labels``
    names every id in the requested language. Cached per park and language for a few seconds.
    """
    code = resolve_lang(lang, request.cookies.get("pz_lang"))
    _, body = _document(request, principal.park_id, code)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


@router.get("/{panel}", responses={200: {"content": {"application/json": {}}}})
def screen_panel(
    panel: str,
    request: Request,
    principal: Annotated[Principal, allow(*_STAFF, scope="park")],
    lang: LangQuery = None,
) -> dict[str, Any]:
    """One panel of the big screen (``kpis``, ``energy_mix``, ``trend`` …) with its labels."""
    if panel not in PANELS:
        raise HTTPException(404, f'no panel "{panel}" (expected one of {", ".join(PANELS)})')
    code = resolve_lang(lang, request.cookies.get("pz_lang"))
    data, _ = _document(request, principal.park_id, code)
    return {
        "park": data["park"],
        "year": data["year"],
        "lang": code,
        panel: data[panel],
        "labels": data["labels"],
    }
