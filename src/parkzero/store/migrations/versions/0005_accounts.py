"""Accounts of the service: users, API tokens and sessions (hashed), the audit log.

Tables of :mod:`parkzero.store.accounts`. Portable SQLite/PostgreSQL; passwords are argon2id PHC
strings, tokens keyed SHA-256 digests, times timezone-aware UTC.

Revision ID: 0005_accounts
Revises: 0004_yard
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_accounts"
down_revision: str | None = "0004_yard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit keys on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)  # parkzero.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("log_id", sa.String(length=255), nullable=True),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('ok', 'denied', 'failed')", name=op.f("ck_audit_log_outcome")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_audit_log_park_id_at"), "audit_log", ["park_id", "at"])

    op.create_table(
        "users",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("tenant_id", sa.String(length=255), nullable=True),
        sa.Column("carrier_id", sa.String(length=255), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("password_changed_at", UTC, nullable=False),
        sa.CheckConstraint(
            "role <> 'carrier' OR carrier_id IS NOT NULL", name=op.f("ck_users_carrier_role")
        ),
        sa.CheckConstraint(
            "role <> 'tenant' OR tenant_id IS NOT NULL", name=op.f("ck_users_tenant_role")
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'manager', 'operator', 'auditor', 'tenant', 'carrier')",
            name=op.f("ck_users_role"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id", "tenant_id"],
            ["tenants.park_id", "tenants.id"],
            name=op.f("fk_users_park_id_tenant_id_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_users_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_users_park_id_role"), "users", ["park_id", "role"])

    op.create_table(
        "api_tokens",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.CheckConstraint("kind IN ('bearer', 'session')", name=op.f("ck_api_tokens_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_api_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_tokens_digest")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_api_tokens_user_id_expires_at"), "api_tokens", ["user_id", "expires_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_api_tokens_user_id_expires_at"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_users_park_id_role"), table_name="users")
    op.drop_table("users")
    op.drop_index(op.f("ix_audit_log_park_id_at"), table_name="audit_log")
    op.drop_table("audit_log")
