"""Dependencies of the routes: settings, a database session, and the calling principal.

A caller authenticates with ``Authorization: Bearer <token>`` (scripts, the API) or with the
HttpOnly session cookie ``parkzero_session`` (browser pages). A request authenticated by the
cookie that changes state (POST, PUT, PATCH, DELETE) must also carry the session's CSRF token,
in the ``X-CSRF-Token`` header or a ``csrf_token`` form field; :func:`csrf_token` gives pages the
value to embed. Bearer requests need no CSRF token: browsers never attach them on their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from parkzero.api.principal import Principal, PrincipalCache, bump_revocations
from parkzero.api.security import csrf_token as _csrf_for
from parkzero.api.security import csrf_valid, token_digest
from parkzero.api.service import resolve_token
from parkzero.api.settings import ApiSettings

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Principal",
    "PrincipalCache",
    "csrf_token",
    "forget_principals",
    "get_optional_principal",
    "get_principal",
    "get_session",
    "get_settings",
    "session_token",
]

#: Name of the browser session cookie (HttpOnly, SameSite=Lax, Secure over https).
SESSION_COOKIE = "parkzero_session"
#: Header and form field that carry the CSRF token of a cookie session.
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/auth/token.")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="Browser session from POST /api/auth/login; state changes need X-CSRF-Token.",
)


def get_settings(request: Request) -> ApiSettings:
    """The settings the app was created with."""
    settings: ApiSettings = request.app.state.settings
    return settings


def _maker(request: Request) -> sessionmaker[Session]:
    maker: sessionmaker[Session] = request.app.state.sessionmaker
    return maker


def get_session(request: Request) -> Iterator[Session]:
    """A SQLAlchemy session for this request; routes that write call ``session.commit()``.

    Anything not committed when the route returns or raises is rolled back.
    """
    with _maker(request)() as session:
        yield session


def _unauthorized(detail: str = "not signed in: send a bearer token or sign in") -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def forget_principals(request: Request | None = None) -> None:
    """Drop every cached caller of this process: call after revoking tokens or changing users.

    The service functions that revoke (:mod:`parkzero.api.service`) do it themselves; routes
    call it again after their commit so no request re-caches the old state in between.
    """
    bump_revocations()


def _lookup(request: Request, token: str, kind: str) -> Principal | None:
    settings = get_settings(request)
    cache: PrincipalCache | None = getattr(request.app.state, "principals", None)
    digest = f"{kind}:{token_digest(settings.secret_key, token)}"
    if cache is not None:
        principal = cache.get(digest)
        if principal is not None:
            return principal
    with _maker(request)() as session:
        found = resolve_token(session, settings.secret_key, token, kind=kind)
    if found is None:
        return None
    principal, row = found
    if cache is not None:
        cache.put(digest, row.expires_at, principal)
    return principal


async def _authenticate(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None,
    cookie: str | None,
) -> Principal | None:
    cached: Any = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    if bearer is not None and bearer.scheme.lower() == "bearer":
        principal = await run_in_threadpool(_lookup, request, bearer.credentials, "bearer")
        if principal is None:
            raise _unauthorized("the bearer token is unknown, expired or revoked")
    elif cookie:
        principal = await run_in_threadpool(_lookup, request, cookie, "session")
        if principal is None:
            return None
        if request.method in _UNSAFE:
            sent = request.headers.get(CSRF_HEADER)
            if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                form = await request.form()
                value = form.get(CSRF_FIELD)
                sent = value if isinstance(value, str) else None
            if not csrf_valid(get_settings(request).secret_key, cookie, sent):
                raise HTTPException(
                    403, f"missing or wrong CSRF token: send the {CSRF_HEADER} header"
                )
    else:
        return None
    request.state.principal = principal
    return principal


async def get_optional_principal(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
    cookie: str | None = Depends(_cookie),
) -> Principal | None:
    """The caller, or None when the request carries no valid credentials (pages that redirect
    to the sign-in page use this). A bad bearer token is still 401; a bad CSRF token 403."""
    return await _authenticate(request, bearer, cookie)


async def get_principal(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
    cookie: str | None = Depends(_cookie),
) -> Principal:
    """The caller; 401 Unauthorized without valid credentials."""
    principal = await _authenticate(request, bearer, cookie)
    if principal is None:
        raise _unauthorized()
    return principal


def session_token(request: Request) -> str | None:
    """The browser session token of this request (from the cookie), or None."""
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_token(request: Request) -> str | None:
    """The CSRF token pages must send back with forms of this browser session, or None."""
    token = session_token(request)
    return None if token is None else _csrf_for(get_settings(request).secret_key, token)
