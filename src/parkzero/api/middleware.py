"""ASGI middleware: security headers on every response, and a same-origin check on writes.

Headers (OWASP ASVS 5.0 V3.4): ``Content-Security-Policy`` with ``default-src 'self'`` and
``frame-ancestors 'none'`` (no inline script anywhere), ``X-Content-Type-Options: nosniff``,
``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``, ``Cross-Origin-Opener-Policy`` and
``Cross-Origin-Resource-Policy`` ``same-origin``, ``Permissions-Policy`` switching off sensors,
``Cache-Control: no-store`` on API responses, and ``Strict-Transport-Security`` over https.
A response that sets its own ``Content-Security-Policy`` keeps it.

A state-changing request (POST, PUT, PATCH, DELETE) whose ``Origin`` header names another origin
than the server's is refused with 403 before it reaches a route (login CSRF included); requests
without ``Origin`` (scripts, curl) pass and rely on tokens.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CSP", "SecurityHeaders"]

#: The Content-Security-Policy of every page and response.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _same_origin(scope: Scope, origin: str) -> bool:
    if origin == "null":
        return False
    host = _header(scope, b"host")
    if host is None:
        return False
    parts = urlsplit(origin)
    return parts.netloc.lower() == host.lower()


class SecurityHeaders:
    """Wrap an ASGI app: add the security headers and refuse cross-origin writes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in _UNSAFE:
            origin = _header(scope, b"origin")
            if origin is not None and not _same_origin(scope, origin):
                body = json.dumps({"detail": "cross-origin request refused"}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"content-security-policy", CSP.encode()),
                            *_COMMON,
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        is_api = str(scope.get("path", "")).startswith("/api/")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {bytes(k).lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend(h for h in _COMMON if h[0] not in names)
                if is_api and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
