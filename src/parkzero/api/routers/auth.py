"""Sign-in and sign-out, the caller, their tokens and password (``/api/auth``).

* ``POST /api/auth/token``: user name and password → a bearer token (for scripts and the API).
* ``POST /api/auth/login``: the same → an HttpOnly session cookie and the session's CSRF token
  (for browser pages; :func:`start_session` does it for a page's own sign-in form).
* ``POST /api/auth/logout``: end the token or session used.

Sign-in is rate-limited per client address and per user name (failed attempts count); every
attempt is audit-logged, and appended to the ledger.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import SESSION_COOKIE, forget_principals, get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.ratelimit import RateLimiter, RateLimitError, client_ip
from parkzero.api.security import MAX_PASSWORD_CHARS, csrf_token, verify_password
from parkzero.api.service import (
    USERNAME_PATTERN,
    audit,
    authenticate,
    find_user,
    issue_token,
    record_audit_now,
    revoke_token,
    set_password,
)
from parkzero.api.settings import ApiSettings
from parkzero.store.accounts import ApiToken, User

__all__ = [
    "Credentials",
    "MeOut",
    "PasswordChange",
    "SessionOut",
    "TokenIn",
    "TokenInfo",
    "TokenOut",
    "router",
    "sign_in",
    "start_session",
]

router = APIRouter(prefix="/api/auth", tags=["auth"])


class Credentials(BaseModel):
    """User name and password."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_CHARS)
    label: str = Field(default="", max_length=200, description="What the token is for.")


class MeOut(BaseModel):
    """The caller."""

    user_id: int
    username: str
    role: str
    park_id: str
    tenant_id: str | None
    carrier_id: str | None
    via: str


class TokenOut(BaseModel):
    """A new bearer token: shown once, stored only as a keyed digest."""

    access_token: str
    token_type: str = "bearer"
    token_id: int
    expires_at: dt.datetime
    user: MeOut


class SessionOut(BaseModel):
    """A new browser session (the token itself is in the HttpOnly cookie)."""

    csrf_token: str
    expires_at: dt.datetime
    user: MeOut


class TokenIn(BaseModel):
    """A further bearer token for the caller."""

    label: str = Field(default="", max_length=200)
    ttl_s: int | None = Field(
        default=None, ge=60, le=366 * 86400, description="Lifetime [s]; at most the service's."
    )


class TokenInfo(BaseModel):
    """A token of the caller (never the token itself)."""

    id: int
    kind: str
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked: bool


class PasswordChange(BaseModel):
    """The current password and the new one (8 to 128 characters)."""

    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_CHARS)
    new_password: str = Field(min_length=1, max_length=MAX_PASSWORD_CHARS)


def _me(p: Principal) -> MeOut:
    return MeOut(**p.to_dict())  # type: ignore[arg-type]


def _principal(user: User, token_id: int, via: str) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        park_id=user.park_id,
        tenant_id=user.tenant_id,
        carrier_id=user.carrier_id,
        token_id=token_id,
        via=via,
    )


def sign_in(
    request: Request, session: Session, username: str, password: str, *, kind: str, label: str = ""
) -> tuple[Principal, str, ApiToken]:
    """Check a user name and password and open a token (``bearer``) or session (``session``).

    Rate-limited and audit-logged; commits. Raises 429 when over the limit and 401 on bad
    credentials (the same answer for an unknown user, a wrong password and a disabled user).

    Returns
    -------
    (Principal, str, ApiToken)
        The caller, the token (shown once) and its row.
    """
    settings: ApiSettings = get_settings(request)
    limiter: RateLimiter = request.app.state.login_limiter
    maker = request.app.state.sessionmaker
    ip = client_ip(request)
    keys = (f"ip:{ip}", f"user:{username.lower()}")
    try:
        for key in keys:
            limiter.check(key)
    except RateLimitError:
        record_audit_now(
            maker, "auth.login", outcome="denied", username=username, ip=ip,
            details={"reason": "rate limit"}, ledger_origin=settings.ledger_origin,
        )  # fmt: skip
        raise
    user = authenticate(session, username, password)
    if user is None:
        known = find_user(session, username) if USERNAME_PATTERN.match(username) else None
        park_id = known.park_id if known is not None else None
        session.rollback()
        for key in keys:
            with contextlib.suppress(RateLimitError):
                limiter.hit(key)
        record_audit_now(
            maker, "auth.login", outcome="failed", username=username, ip=ip, park_id=park_id,
            ledger_origin=settings.ledger_origin,
        )  # fmt: skip
        raise HTTPException(401, "wrong user name or password", {"WWW-Authenticate": "Bearer"})
    ttl = settings.session_ttl_s if kind == "session" else settings.token_ttl_s
    token, row = issue_token(
        session, user, secret_key=settings.secret_key, kind=kind, ttl_s=ttl, label=label
    )
    principal = _principal(user, row.id, "cookie" if kind == "session" else "bearer")
    audit(
        session, "auth.login", principal=principal, ip=ip, target=f"token:{row.id}",
        details={"kind": kind}, ledger_origin=settings.ledger_origin,
    )  # fmt: skip
    session.commit()
    return principal, token, row


def start_session(
    request: Request, response: Response, session: Session, username: str, password: str
) -> tuple[Principal, str]:
    """Sign in for a browser: set the HttpOnly session cookie on `response`.

    Returns the caller and the session's CSRF token (for forms). See :func:`sign_in`.
    """
    settings: ApiSettings = get_settings(request)
    principal, token, _ = sign_in(request, session, username, password, kind="session")
    secure = settings.cookie_secure
    if secure is None:
        secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_s,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    return principal, csrf_token(settings.secret_key, token)


@router.post("/token", response_model=TokenOut, dependencies=[allow(scope="public")])
def create_token(
    credentials: Credentials, request: Request, session: Session = Depends(get_session)
) -> TokenOut:
    """Sign in with user name and password; returns a bearer token for ``Authorization``."""
    principal, token, row = sign_in(
        request,
        session,
        credentials.username,
        credentials.password,
        kind="bearer",
        label=credentials.label,
    )
    return TokenOut(
        access_token=token, token_id=row.id, expires_at=row.expires_at, user=_me(principal)
    )


@router.post("/login", response_model=SessionOut, dependencies=[allow(scope="public")])
def login(
    credentials: Credentials,
    request: Request,
    response: Response,
    session: Session = Depends(get_session),
) -> SessionOut:
    """Sign in a browser: sets the HttpOnly session cookie; returns the CSRF token."""
    principal, csrf = start_session(
        request, response, session, credentials.username, credentials.password
    )
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=get_settings(request).session_ttl_s)
    return SessionOut(csrf_token=csrf, expires_at=expires, user=_me(principal))


@router.post("/logout", status_code=204)
def logout(
    request: Request,
    principal: Annotated[Principal, allow("*", scope="self")],
    session: Session = Depends(get_session),
) -> Response:
    """End the token or browser session this request used."""
    if principal.token_id is not None:
        revoke_token(session, principal.token_id, principal.user_id)
    audit(
        session, "auth.logout", principal=principal, ip=client_ip(request),
        target=f"token:{principal.token_id}", ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    forget_principals()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeOut)
def me(principal: Annotated[Principal, allow("*", scope="self")]) -> MeOut:
    """The caller: user, role, park and tenant or carrier."""
    return _me(principal)


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(
    principal: Annotated[Principal, allow("*", scope="self")],
    session: Session = Depends(get_session),
) -> list[TokenInfo]:
    """The caller's tokens and sessions that have not expired."""
    rows = session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == principal.user_id, ApiToken.expires_at > dt.datetime.now(dt.UTC))
        .order_by(ApiToken.id)
    )
    return [
        TokenInfo(
            id=r.id,
            kind=r.kind,
            label=r.label,
            created_at=r.created_at,
            expires_at=r.expires_at,
            revoked=r.revoked_at is not None,
        )
        for r in rows
    ]


@router.post("/tokens", response_model=TokenOut, status_code=201)
def add_token(
    body: TokenIn,
    request: Request,
    principal: Annotated[Principal, allow("*", scope="self")],
    session: Session = Depends(get_session),
) -> TokenOut:
    """Issue a further bearer token for the caller (lifetime at most the service's)."""
    settings = get_settings(request)
    user = session.get(User, principal.user_id)
    if user is None or not user.active:  # pragma: no cover - resolved a moment ago
        raise HTTPException(401, "not signed in")
    ttl = min(body.ttl_s or settings.token_ttl_s, settings.token_ttl_s)
    token, row = issue_token(
        session, user, secret_key=settings.secret_key, kind="bearer", ttl_s=ttl, label=body.label
    )
    audit(
        session, "auth.token", principal=principal, ip=client_ip(request),
        target=f"token:{row.id}", ledger_origin=settings.ledger_origin,
    )  # fmt: skip
    session.commit()
    return TokenOut(
        access_token=token, token_id=row.id, expires_at=row.expires_at, user=_me(principal)
    )


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(
    token_id: int,
    request: Request,
    principal: Annotated[Principal, allow("*", scope="self")],
    session: Session = Depends(get_session),
) -> Response:
    """Revoke one of the caller's tokens; 404 for a token that is not theirs or not live."""
    if not revoke_token(session, token_id, principal.user_id):
        raise HTTPException(404, "not found")
    audit(
        session, "auth.revoke", principal=principal, ip=client_ip(request),
        target=f"token:{token_id}", ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    forget_principals()
    return Response(status_code=204)


@router.post("/password", status_code=204)
def change_password(
    body: PasswordChange,
    request: Request,
    principal: Annotated[Principal, allow("*", scope="self")],
    session: Session = Depends(get_session),
) -> Response:
    """Change the caller's password; every other token and session of theirs ends."""
    settings = get_settings(request)
    user = session.get(User, principal.user_id)
    if user is None or not verify_password(user.password_hash, body.current_password):
        session.rollback()  # end the read transaction: SQLite lets the audit write through
        record_audit_now(
            request.app.state.sessionmaker, "auth.password", outcome="failed",
            principal=principal, ip=client_ip(request), ledger_origin=settings.ledger_origin,
        )  # fmt: skip
        raise HTTPException(403, "the current password is wrong")
    set_password(session, user, body.new_password, keep_token=principal.token_id)
    audit(
        session, "auth.password", principal=principal, ip=client_ip(request),
        ledger_origin=settings.ledger_origin,
    )  # fmt: skip
    session.commit()
    forget_principals()
    return Response(status_code=204)
