"""Carbon credits: credit batches, retirements, neutrality claims.

Tables of :mod:`parkzero.neutrality.tables`. Portable SQLite/PostgreSQL: serial numbers and credit
quantities are 64-bit integers, dates are ``DATE``, times are timezone-aware UTC.

Revision ID: 0002_credits
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_credits"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit keys on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)  # parkzero.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "credit_batches",
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("registry", sa.Text(), nullable=False),
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("project_name", sa.Text(), nullable=False),
        sa.Column("project_type", sa.String(length=128), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("vintage", sa.Integer(), nullable=False),
        sa.Column("host_country", sa.String(length=64), nullable=False),
        sa.Column("methodology", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("serials", sa.Text(), nullable=False),
        sa.Column("serial_prefix", sa.Text(), nullable=False),
        sa.Column("serial_suffix", sa.Text(), nullable=False),
        sa.Column("serial_paired", sa.Boolean(), nullable=False),
        sa.Column("serial_width", sa.Integer(), nullable=False),
        sa.Column("serial_start", sa.BigInteger(), nullable=False),
        sa.Column("serial_end", sa.BigInteger(), nullable=False),
        sa.Column("quantity_tco2e", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("imported_at", UTC, nullable=False),
        sa.CheckConstraint(
            "category IN ('removal', 'avoidance')", name=op.f("ck_credit_batches_category")
        ),
        sa.CheckConstraint(
            "standard IN ('CCER', 'CDM', 'VCS', 'GS')", name=op.f("ck_credit_batches_standard")
        ),
        sa.CheckConstraint(
            "quantity_tco2e = serial_end - serial_start + 1",
            name=op.f("ck_credit_batches_quantity"),
        ),
        sa.CheckConstraint(
            "serial_end >= serial_start", name=op.f("ck_credit_batches_serial_range")
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_credit_batches_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("park_id", "id", name=op.f("pk_credit_batches")),
    )
    op.create_index(
        op.f("ix_credit_batches_standard_serial_start"),
        "credit_batches",
        ["standard", "serial_start"],
    )
    op.create_table(
        "credit_retirements",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("batch_id", sa.String(length=255), nullable=False),
        sa.Column("serials", sa.Text(), nullable=False),
        sa.Column("serial_start", sa.BigInteger(), nullable=False),
        sa.Column("serial_end", sa.BigInteger(), nullable=False),
        sa.Column("quantity_tco2e", sa.BigInteger(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=False),
        sa.Column("beneficiary", sa.String(length=255), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint(
            "purpose IN ('carbon_neutrality', 'net_zero', 'compliance', 'other')",
            name=op.f("ck_credit_retirements_purpose"),
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_credit_retirements_period")),
        sa.CheckConstraint(
            "quantity_tco2e = serial_end - serial_start + 1",
            name=op.f("ck_credit_retirements_quantity"),
        ),
        sa.CheckConstraint(
            "serial_end >= serial_start", name=op.f("ck_credit_retirements_serial_range")
        ),
        sa.ForeignKeyConstraint(
            ["park_id", "batch_id"],
            ["credit_batches.park_id", "credit_batches.id"],
            name=op.f("fk_credit_retirements_park_id_batch_id_credit_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_retirements")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_credit_retirements_beneficiary_period_start"),
        "credit_retirements",
        ["beneficiary", "period_start"],
    )
    op.create_index(
        op.f("ix_credit_retirements_park_id_batch_id"),
        "credit_retirements",
        ["park_id", "batch_id"],
    )
    op.create_table(
        "neutrality_claims",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("claim_type", sa.String(length=32), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("footprint_tco2e", sa.Double(), nullable=False),
        sa.Column("retired_tco2e", sa.BigInteger(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint(
            "valid_until >= declared_on", name=op.f("ck_neutrality_claims_validity")
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_neutrality_claims_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neutrality_claims")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_neutrality_claims_park_id_period_start"),
        "neutrality_claims",
        ["park_id", "period_start"],
    )


def downgrade() -> None:
    op.drop_table("neutrality_claims")
    op.drop_table("credit_retirements")
    op.drop_table("credit_batches")
