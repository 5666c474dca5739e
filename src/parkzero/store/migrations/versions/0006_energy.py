"""Energy results: a park's self-contained scenarios, sizing runs and day dispatches.

Tables of :mod:`parkzero.energy.tables`. Portable SQLite/PostgreSQL: payloads are JSON, the
dispatch day a ``DATE`` (local day of the site), times timezone-aware UTC.

Revision ID: 0006_energy
Revises: 0005_accounts
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_energy"
down_revision: str | None = "0005_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit keys on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)  # parkzero.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "energy_scenarios",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("freq", sa.String(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_energy_scenarios_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_energy_scenarios")),
        sa.UniqueConstraint("park_id", "digest", name=op.f("uq_energy_scenarios_park_id_digest")),
    )
    op.create_table(
        "energy_results",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "scenario_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("scenario_digest", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('sizing', 'dispatch')", name=op.f("ck_energy_results_kind")),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_energy_results_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["energy_scenarios.id"],
            name=op.f("fk_energy_results_scenario_id_energy_scenarios"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_energy_results")),
    )
    op.create_index(
        op.f("ix_energy_results_park_id_kind_created_at"),
        "energy_results",
        ["park_id", "kind", "created_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_energy_results_park_id_kind_created_at"), table_name="energy_results")
    op.drop_table("energy_results")
    op.drop_table("energy_scenarios")
