"""Users of the park and the audit log (``/api/parks/{park_id}/users``, ``…/audit``).

Only an ``admin`` manages users, and only those of their own park; an ``auditor`` may read the
audit log. Every change is audit-logged (and appended to the ledger).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import forget_principals, get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.ratelimit import client_ip
from parkzero.api.routers._scope import not_found
from parkzero.api.security import MAX_PASSWORD_CHARS, generate_password
from parkzero.api.service import audit, create_user, list_users, set_password, update_user
from parkzero.store.accounts import AuditEntry, User

__all__ = ["AuditOut", "UserCreate", "UserCreated", "UserOut", "UserPatch", "router"]

router = APIRouter(prefix="/api/parks/{park_id}", tags=["admin"])

_ROLE_PATTERN = "^(admin|manager|operator|auditor|tenant|carrier)$"


class UserOut(BaseModel):
    """A user (never the password hash)."""

    id: int
    username: str
    role: str
    park_id: str
    tenant_id: str | None
    carrier_id: str | None
    display_name: str
    active: bool
    created_at: dt.datetime


class UserCreate(BaseModel):
    """A new user; without a password one is generated and returned once."""

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    role: str = Field(pattern=_ROLE_PATTERN)
    password: str | None = Field(default=None, min_length=8, max_length=MAX_PASSWORD_CHARS)
    tenant_id: str | None = Field(default=None, max_length=255)
    carrier_id: str | None = Field(default=None, max_length=255)
    display_name: str = Field(default="", max_length=200)


class UserCreated(UserOut):
    """The new user, with the generated password when none was given (shown once)."""

    password: str | None = None


class UserPatch(BaseModel):
    """Changes to a user; a new role or scope, or deactivation, ends their sessions."""

    role: str | None = Field(default=None, pattern=_ROLE_PATTERN)
    tenant_id: str | None = Field(default=None, max_length=255)
    carrier_id: str | None = Field(default=None, max_length=255)
    active: bool | None = None
    display_name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=8, max_length=MAX_PASSWORD_CHARS)


class AuditOut(BaseModel):
    """One audit record."""

    id: int
    at: dt.datetime
    username: str
    action: str
    target: str
    outcome: str
    ip: str
    details: dict[str, Any] | None
    ledger_index: int | None


def _out(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "park_id": user.park_id,
        "tenant_id": user.tenant_id,
        "carrier_id": user.carrier_id,
        "display_name": user.display_name,
        "active": user.active,
        "created_at": user.created_at,
    }


def _user(session: Session, park_id: str, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.park_id != park_id:
        raise not_found()
    return user


@router.get("/users", response_model=list[UserOut])
def users(
    park_id: str,
    principal: Annotated[Principal, allow("admin", scope="park")],
    session: Session = Depends(get_session),
) -> list[UserOut]:
    """The park's users."""
    return [UserOut(**_out(u)) for u in list_users(session, park_id)]


@router.post("/users", response_model=UserCreated, status_code=201)
def add_user(
    park_id: str,
    body: UserCreate,
    request: Request,
    principal: Annotated[Principal, allow("admin", scope="park")],
    session: Session = Depends(get_session),
) -> UserCreated:
    """Add a user to the park."""
    password = body.password or generate_password()
    user = create_user(
        session,
        username=body.username,
        password=password,
        role=body.role,
        park_id=park_id,
        tenant_id=body.tenant_id,
        carrier_id=body.carrier_id,
        display_name=body.display_name,
    )
    audit(
        session, "users.create", principal=principal, ip=client_ip(request),
        target=f"user:{user.id}", details={"username": user.username, "role": user.role},
        ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    return UserCreated(**_out(user), password=None if body.password else password)


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(
    park_id: str,
    user_id: int,
    principal: Annotated[Principal, allow("admin", scope="park")],
    session: Session = Depends(get_session),
) -> UserOut:
    """One user of the park."""
    return UserOut(**_out(_user(session, park_id, user_id)))


@router.patch("/users/{user_id}", response_model=UserOut)
def patch_user(
    park_id: str,
    user_id: int,
    body: UserPatch,
    request: Request,
    principal: Annotated[Principal, allow("admin", scope="park")],
    session: Session = Depends(get_session),
) -> UserOut:
    """Change a user's role, scope, name, active flag or password."""
    user = _user(session, park_id, user_id)
    update_user(
        session,
        user,
        role=body.role,
        tenant_id=body.tenant_id,
        carrier_id=body.carrier_id,
        active=body.active,
        display_name=body.display_name,
    )
    if body.password is not None:
        set_password(session, user, body.password)
    changed = sorted(k for k, v in body.model_dump().items() if v is not None and k != "password")
    audit(
        session, "users.update", principal=principal, ip=client_ip(request),
        target=f"user:{user.id}",
        details={"changed": changed, "password": body.password is not None},
        ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    forget_principals()
    return UserOut(**_out(user))


@router.delete("/users/{user_id}", status_code=204)
def deactivate_user(
    park_id: str,
    user_id: int,
    request: Request,
    principal: Annotated[Principal, allow("admin", scope="park")],
    session: Session = Depends(get_session),
) -> Response:
    """Deactivate a user and end their sessions (the audit trail keeps their name)."""
    user = _user(session, park_id, user_id)
    update_user(session, user, active=False)
    audit(
        session, "users.deactivate", principal=principal, ip=client_ip(request),
        target=f"user:{user.id}", ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    forget_principals()
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    park_id: str,
    principal: Annotated[Principal, allow("admin", "auditor", scope="park")],
    action: str | None = Query(default=None, max_length=64),
    limit: int = Query(default=100, ge=1, le=1000),
    before_id: int | None = Query(
        default=None, ge=1, description="Page: records older than this id."
    ),
    session: Session = Depends(get_session),
) -> list[AuditOut]:
    """The park's audit log, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.park_id == park_id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    rows = session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit))
    return [
        AuditOut(
            id=r.id,
            at=r.at,
            username=r.username,
            action=r.action,
            target=r.target,
            outcome=r.outcome,
            ip=r.ip,
            details=r.details,
            ledger_index=r.ledger_index,
        )
        for r in rows
    ]
