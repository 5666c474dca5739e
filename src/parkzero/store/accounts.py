"""Tables of the service's accounts: users, API tokens and browser sessions, the audit log.

Declared on :class:`parkzero.store.models.Base`, created by the migration ``0005_accounts``.

Tables::

    parks ─┬─ users ── api_tokens   one row per bearer token or browser session (hashed)
           └─ audit_log             security-relevant actions, also appended to the ledger

A user belongs to one park and has one role (:data:`ROLES`). A ``tenant`` user names a tenant of
that park, a ``carrier`` user a carrier id; every query the service runs for them is narrowed to
it. Passwords are stored only as argon2id hashes (PHC string format), tokens only as a keyed
SHA-256 digest (HMAC with the service's secret key), so neither can be read back from the store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from parkzero.store.models import Base, BigId, UTCDateTime, utcnow

__all__ = ["AUDIT_OUTCOMES", "ROLES", "TOKEN_KINDS", "ApiToken", "AuditEntry", "User"]

#: Roles of a user, from most to least privileged within a park.
ROLES: tuple[str, ...] = ("admin", "manager", "operator", "auditor", "tenant", "carrier")
#: ``api_tokens.kind``: a bearer token for scripts or an HttpOnly cookie session for browsers.
TOKEN_KINDS: tuple[str, ...] = ("bearer", "session")
#: ``audit_log.outcome``.
AUDIT_OUTCOMES: tuple[str, ...] = ("ok", "denied", "failed")

_ID = 255


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class User(Base):
    """A person or system that signs in to the service; one park, one role."""

    __tablename__ = "users"
    __table_args__ = (
        ForeignKeyConstraint(["park_id", "tenant_id"], ["tenants.park_id", "tenants.id"]),
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("role <> 'tenant' OR tenant_id IS NOT NULL", name="tenant_role"),
        CheckConstraint("role <> 'carrier' OR carrier_id IS NOT NULL", name="carrier_role"),
        Index(None, "park_id", "role"),
        {"sqlite_autoincrement": True},  # never reuse a user id that the audit log names
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(16))
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    tenant_id: Mapped[str | None] = mapped_column(String(_ID))
    carrier_id: Mapped[str | None] = mapped_column(String(_ID))
    display_name: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(Base):
    """A bearer token or browser session: only its keyed digest is stored, with an expiry."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(_in("kind", TOKEN_KINDS), name="kind"),
        Index(None, "user_id", "expires_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # hex HMAC-SHA-256 of the token
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """One security-relevant action: who, what, on which object, with what outcome, from where.

    ``user_id`` is kept without a foreign key so that the trail outlives the user. When the
    ledger is in use, ``log_id``/``ledger_index`` name the ledger entry holding the same record.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("outcome", AUDIT_OUTCOMES), name="outcome"),
        Index(None, "park_id", "at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    park_id: Mapped[str | None] = mapped_column(String(_ID))
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))  # e.g. auth.login, users.create
    target: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    ip: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    log_id: Mapped[str | None] = mapped_column(String(_ID))
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)
