"""Helpers every router uses to narrow queries to the caller and to answer 404."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, Request, Response

from parkzero.api.cache import LruCache
from parkzero.api.principal import Principal

__all__ = ["MANAGERS", "STAFF", "cache_of", "json_bytes", "json_response", "not_found", "tenant_of"]

#: Roles that see the whole park read-only or better.
STAFF: tuple[str, ...] = ("admin", "manager", "operator", "auditor")
#: Roles that may change the park's data.
MANAGERS: tuple[str, ...] = ("admin", "manager")


def tenant_of(principal: Principal) -> str | None:
    """The tenant a caller's data is narrowed to: their own for a tenant, else None (all)."""
    return principal.tenant_id if principal.role == "tenant" else None


def not_found(what: str = "not found") -> HTTPException:
    """404 — also the answer for objects of another park or tenant, which must not be revealed."""
    return HTTPException(404, what)


def cache_of(request: Request, name: str, size: int = 256) -> LruCache[Any]:
    """The app's cache called `name` (created on first use)."""
    caches: dict[str, LruCache[Any]] = request.app.state.caches
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, LruCache(size))
    return cache


def json_bytes(data: Any) -> bytes:
    """UTF-8 JSON of plain data (NaN refused: data must already be clean)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def json_response(body: bytes) -> Response:
    """A JSON response of pre-serialised bytes."""
    return Response(content=body, media_type="application/json")
