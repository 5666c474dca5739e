"""Accounts in the store: users, tokens and sessions, and the audit log (with its ledger copy).

Every function takes a :class:`~sqlalchemy.orm.Session` and never commits; the caller owns the
transaction. :func:`record_audit_now` is the exception: it writes one audit record in a
transaction of its own, for refusals that must be kept although the request fails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from parkzero.api.principal import Principal, bump_revocations
from parkzero.api.security import (
    check_password_policy,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)
from parkzero.errors import InputError
from parkzero.store import models as db
from parkzero.store.accounts import ROLES, ApiToken, AuditEntry, User

__all__ = [
    "USERNAME_PATTERN",
    "audit",
    "authenticate",
    "create_user",
    "find_user",
    "issue_token",
    "list_users",
    "record_audit_now",
    "resolve_token",
    "revoke_token",
    "revoke_user_tokens",
    "set_password",
    "update_user",
]

#: Accepted user names: 3 to 64 letters, digits and ``. _ @ -``.
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{3,64}$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_scope(
    session: Session, park_id: str, role: str, tenant_id: str | None, carrier_id: str | None
) -> None:
    if role not in ROLES:
        raise InputError(f'unknown role "{role}" (expected {", ".join(ROLES)})', column="role")
    if session.get(db.Park, park_id) is None:
        raise InputError(
            f'park "{park_id}" is not in the store; import it first (`parkzero db import`)',
            column="park",
        )
    if role == "tenant":
        if not tenant_id:
            raise InputError("a tenant user needs a tenant id", column="tenant")
        if session.get(db.Tenant, (park_id, tenant_id)) is None:
            known = session.scalars(select(db.Tenant.id).where(db.Tenant.park_id == park_id)).all()
            raise InputError(
                f'park "{park_id}" has no tenant "{tenant_id}" '
                f"(expected {', '.join(sorted(known)) or 'none: the park has no tenants'})",
                column="tenant",
            )
    elif tenant_id:
        raise InputError(f'only a tenant user has a tenant, not a "{role}"', column="tenant")
    if role == "carrier":
        if not carrier_id or not USERNAME_PATTERN.match(carrier_id):
            raise InputError(
                "a carrier user needs a carrier id of 3 to 64 letters, digits and . _ @ -",
                column="carrier",
            )
    elif carrier_id:
        raise InputError(f'only a carrier user has a carrier, not a "{role}"', column="carrier")


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    park_id: str,
    tenant_id: str | None = None,
    carrier_id: str | None = None,
    display_name: str = "",
) -> User:
    """Add a user; the password is stored only as its argon2id hash.

    Raises
    ------
    InputError
        Bad user name, password, role or scope, unknown park or tenant, or a taken user name.
    """
    if not USERNAME_PATTERN.match(username or ""):
        raise InputError(
            f'"{username}" is not a valid user name (expected 3 to 64 letters, digits and . _ @ -)',
            column="username",
        )
    check_password_policy(password)
    _check_scope(session, park_id, role, tenant_id, carrier_id)
    if find_user(session, username) is not None:
        raise InputError(f'the user name "{username}" is taken', column="username")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        park_id=park_id,
        tenant_id=tenant_id or None,
        carrier_id=carrier_id or None,
        display_name=display_name,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    """The user with this name, or None."""
    return session.scalars(select(User).where(User.username == username)).first()


def list_users(session: Session, park_id: str | None = None) -> list[User]:
    """Users of a park (all parks when None), by id."""
    stmt = select(User).order_by(User.id)
    if park_id is not None:
        stmt = stmt.where(User.park_id == park_id)
    return list(session.scalars(stmt))


def revoke_user_tokens(session: Session, user_id: int, *, except_id: int | None = None) -> int:
    """Revoke every live token and session of a user; return how many [-]."""
    stmt = (
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    if except_id is not None:
        stmt = stmt.where(ApiToken.id != except_id)
    result = session.execute(stmt)
    bump_revocations()
    return int(getattr(result, "rowcount", 0) or 0)


def set_password(
    session: Session, user: User, password: str, *, keep_token: int | None = None
) -> None:
    """Change a user's password and end all their other sessions and tokens."""
    check_password_policy(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = _now()
    revoke_user_tokens(session, user.id, except_id=keep_token)
    session.flush()


def update_user(
    session: Session,
    user: User,
    *,
    role: str | None = None,
    tenant_id: str | None = None,
    carrier_id: str | None = None,
    active: bool | None = None,
    display_name: str | None = None,
) -> User:
    """Change a user's role, scope, name or active flag; a role/scope change or deactivation
    ends the user's sessions and tokens."""
    new_role = role or user.role
    new_tenant = tenant_id if role is not None or tenant_id is not None else user.tenant_id
    new_carrier = carrier_id if role is not None or carrier_id is not None else user.carrier_id
    if new_role != "tenant" and role is not None and tenant_id is None:
        new_tenant = None
    if new_role != "carrier" and role is not None and carrier_id is None:
        new_carrier = None
    _check_scope(session, user.park_id, new_role, new_tenant, new_carrier)
    changed_scope = (new_role, new_tenant, new_carrier) != (
        user.role,
        user.tenant_id,
        user.carrier_id,
    )
    user.role, user.tenant_id, user.carrier_id = new_role, new_tenant, new_carrier
    if display_name is not None:
        user.display_name = display_name
    if active is not None:
        user.active = active
    bump_revocations()
    if changed_scope or active is False:
        revoke_user_tokens(session, user.id)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same work either way).

    A hash made with weaker parameters than today's is replaced by a new one.
    """
    user = find_user(session, username) if USERNAME_PATTERN.match(username or "") else None
    ok = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not ok or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user


def issue_token(
    session: Session,
    user: User,
    *,
    secret_key: str,
    kind: str = "bearer",
    ttl_s: int,
    label: str = "",
) -> tuple[str, ApiToken]:
    """Create a token or session for `user`; return the token (shown once) and its row.

    Parameters
    ----------
    ttl_s : int
        Lifetime [s].
    """
    token = new_token()
    row = ApiToken(
        user_id=user.id,
        digest=token_digest(secret_key, token),
        kind=kind,
        label=label[:200],
        expires_at=_now() + dt.timedelta(seconds=ttl_s),
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_token(
    session: Session, secret_key: str, token: str, *, kind: str | None = None
) -> tuple[Principal, ApiToken] | None:
    """The caller a token stands for, or None when it is unknown, expired, revoked or its user
    is inactive. With `kind`, only tokens of that kind are accepted."""
    if not token or len(token) > 200:
        return None
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.digest == token_digest(secret_key, token))
    ).first()
    if row is None:
        return None
    tok, user = row
    if tok.revoked_at is not None or tok.expires_at <= _now() or not user.active:
        return None
    if kind is not None and tok.kind != kind:
        return None
    principal = Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        park_id=user.park_id,
        tenant_id=user.tenant_id,
        carrier_id=user.carrier_id,
        token_id=tok.id,
        via="cookie" if tok.kind == "session" else "bearer",
    )
    return principal, tok


def revoke_token(session: Session, token_id: int, user_id: int) -> bool:
    """Revoke one token of a user; False when the user has no such live token."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    bump_revocations()
    return bool(getattr(result, "rowcount", 0))


def _canonical(record: Mapping[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def audit(
    session: Session,
    action: str,
    *,
    outcome: str = "ok",
    principal: Principal | None = None,
    park_id: str | None = None,
    username: str = "",
    user_id: int | None = None,
    target: str = "",
    ip: str = "",
    details: Mapping[str, Any] | None = None,
    ledger_origin: str | None = None,
) -> AuditEntry:
    """Record a security-relevant action in the audit log, and in the ledger when given one.

    The ledger entry (kind ``audit``) is the record as canonical JSON (sorted keys, no spaces,
    UTF-8), so it can be matched byte for byte with the row.
    """
    if principal is not None:
        park_id = park_id or principal.park_id
        username = username or principal.username
        user_id = user_id if user_id is not None else principal.user_id
    entry = AuditEntry(
        at=_now(),
        park_id=park_id,
        user_id=user_id,
        username=username[:64],
        action=action,
        target=target,
        outcome=outcome,
        ip=ip[:64],
        details=dict(details) if details else None,
    )
    session.add(entry)
    session.flush()
    if ledger_origin:
        from parkzero.ledger import store as ledger

        record = {
            "type": "parkzero.audit/v1",
            "id": entry.id,
            "at": entry.at.isoformat(),
            "park": park_id,
            "user": username,
            "action": action,
            "target": target,
            "outcome": outcome,
        }
        appended = ledger.append(session, ledger_origin, [_canonical(record)], "audit")
        entry.log_id, entry.ledger_index = ledger_origin, appended.first
        session.flush()
    return entry


def record_audit_now(maker: sessionmaker[Session], action: str, **kwargs: Any) -> None:
    """:func:`audit` in a transaction of its own (kept even when the request fails).

    A database failure here is swallowed: it must not turn a refusal into a server error.
    """
    try:
        with maker() as session, session.begin():
            audit(session, action, **kwargs)
    except SQLAlchemyError:  # pragma: no cover - the database is gone; the refusal stands
        pass
