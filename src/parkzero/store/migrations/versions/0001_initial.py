"""Initial schema: parks, zones, tenants, import batches, activities, inventory runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit keys on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)  # parkzero.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "parks",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parks")),
    )
    op.create_table(
        "zones",
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("area_m2", sa.Double(), nullable=True),
        sa.Column("equity_share", sa.Double(), nullable=False),
        sa.Column("financial_control", sa.Boolean(), nullable=False),
        sa.Column("operational_control", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_zones_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("park_id", "id", name=op.f("pk_zones")),
    )
    op.create_table(
        "tenants",
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("zones", sa.JSON(), nullable=False),
        sa.Column("area_m2", sa.Double(), nullable=True),
        sa.Column("operational_control", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_tenants_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("park_id", "id", name=op.f("pk_tenants")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC, nullable=False),
        sa.CheckConstraint(
            "kind IN ('csv', 'inline', 'frame')", name=op.f("ck_import_batches_kind")
        ),
        sa.CheckConstraint("row_count >= 0", name=op.f("ck_import_batches_row_count")),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_import_batches_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("park_id", "sha256", name=op.f("uq_import_batches_park_id_sha256")),
        sa.UniqueConstraint("park_id", "id", name=op.f("uq_import_batches_park_id_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "activities",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("batch_id", BigId, nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=128), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("zone", sa.String(length=255), nullable=True),
        sa.Column("tenant", sa.String(length=255), nullable=True),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.Column("quality", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "quality IN ('measured', 'calculated', 'estimated')",
            name=op.f("ck_activities_quality"),
        ),
        sa.CheckConstraint('"end" >= start', name=op.f("ck_activities_period")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_activities_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["park_id", "batch_id"],
            ["import_batches.park_id", "import_batches.id"],
            name=op.f("fk_activities_park_id_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id", "tenant"],
            ["tenants.park_id", "tenants.id"],
            name=op.f("fk_activities_park_id_tenant_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id", "zone"],
            ["zones.park_id", "zones.id"],
            name=op.f("fk_activities_park_id_zone_zones"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index(op.f("ix_activities_batch_id"), "activities", ["batch_id"])
    op.create_index(op.f("ix_activities_park_id_start"), "activities", ["park_id", "start"])
    op.create_index(op.f("ix_activities_park_id_tenant"), "activities", ["park_id", "tenant"])
    op.create_index(op.f("ix_activities_park_id_zone"), "activities", ["park_id", "zone"])
    op.create_table(
        "inventory_runs",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("gwp_set", sa.String(length=16), nullable=False),
        sa.Column("factor_sets", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("total_tco2e", sa.Double(), nullable=False),
        sa.Column("scope1_tco2e", sa.Double(), nullable=False),
        sa.Column("scope2_location_tco2e", sa.Double(), nullable=False),
        sa.Column("scope2_market_tco2e", sa.Double(), nullable=False),
        sa.Column("scope3_tco2e", sa.Double(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("line_keys", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_inventory_runs_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_runs")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_inventory_runs_park_id_year_created_at"),
        "inventory_runs",
        ["park_id", "year", "created_at"],
    )
    op.create_table(
        "inventory_lines",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", BigId, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=True),
        sa.Column("scope", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=128), nullable=True),
        sa.Column("zone", sa.String(length=255), nullable=True),
        sa.Column("tenant", sa.String(length=255), nullable=True),
        sa.Column("quantity", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("quantity_factor_unit", sa.Double(), nullable=True),
        sa.Column("factor_id", sa.String(length=255), nullable=True),
        sa.Column("factor_value", sa.Double(), nullable=True),
        sa.Column("factor_unit", sa.String(length=64), nullable=True),
        sa.Column("factor_source", sa.Text(), nullable=True),
        sa.Column("tco2e", sa.Double(), nullable=True),
        sa.Column("tco2e_market", sa.Double(), nullable=True),
        sa.Column("market_factor_id", sa.String(length=255), nullable=True),
        sa.Column("quality", sa.String(length=16), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["inventory_runs.id"],
            name=op.f("fk_inventory_lines_run_id_inventory_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_lines")),
        sa.UniqueConstraint("run_id", "position", name=op.f("uq_inventory_lines_run_id_position")),
    )
    op.create_index(
        op.f("ix_inventory_lines_run_id_factor_id"), "inventory_lines", ["run_id", "factor_id"]
    )
    op.create_table(
        "factors_used",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", BigId, nullable=False),
        sa.Column("factor_id", sa.String(length=255), nullable=False),
        sa.Column("gas", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=128), nullable=True),
        sa.Column("factor_set", sa.String(length=64), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["inventory_runs.id"],
            name=op.f("fk_factors_used_run_id_inventory_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factors_used")),
        sa.UniqueConstraint(
            "run_id", "factor_id", "gas", name=op.f("uq_factors_used_run_id_factor_id_gas")
        ),
    )


def downgrade() -> None:
    op.drop_table("factors_used")
    op.drop_table("inventory_lines")
    op.drop_table("inventory_runs")
    op.drop_table("activities")
    op.drop_table("import_batches")
    op.drop_table("tenants")
    op.drop_table("zones")
    op.drop_table("parks")
