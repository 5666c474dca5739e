"""Ledger and monitoring: Merkle logs, hash tiles, checkpoints, e-PODs; meters, readings, alerts.

Tables of :mod:`parkzero.ledger.tables` and :mod:`parkzero.monitoring.tables`. Portable
SQLite/PostgreSQL: hashes and entries are ``BLOB``/``bytea``, log indexes 64-bit integers, times
timezone-aware UTC.

Revision ID: 0003_ledger
Revises: 0002_credits
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_ledger"
down_revision: str | None = "0002_credits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit keys on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)  # parkzero.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "ledger_logs",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("vkey", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_ledger_logs_size")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_logs")),
    )
    op.create_table(
        "reading_rejects",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("meter_id", sa.String(length=255), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("received_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_rejects")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_reading_rejects_park_id_received_at"),
        "reading_rejects",
        ["park_id", "received_at"],
    )

    op.create_table(
        "alerts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("period_start", UTC, nullable=False),
        sa.Column("period_end", UTC, nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint(
            "kind IN ('silent', 'anomaly', 'reset', 'gap', 'balance', 'budget')",
            name=op.f("ck_alerts_kind"),
        ),
        sa.CheckConstraint(
            "severity IN ('info', 'warning', 'critical')", name=op.f("ck_alerts_severity")
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_alerts_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "park_id",
            "kind",
            "subject",
            "period_start",
            name=op.f("uq_alerts_park_id_kind_subject_period_start"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("log_id", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["ledger_logs.id"],
            name=op.f("fk_ledger_checkpoints_log_id_ledger_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_checkpoints")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_ledger_checkpoints_log_id_size"), "ledger_checkpoints", ["log_id", "size"]
    )

    op.create_table(
        "ledger_entries",
        sa.Column("log_id", sa.String(length=255), nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("appended_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["ledger_logs.id"],
            name=op.f("fk_ledger_entries_log_id_ledger_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("log_id", "idx", name=op.f("pk_ledger_entries")),
    )
    op.create_table(
        "ledger_tiles",
        sa.Column("log_id", sa.String(length=255), nullable=False),
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["ledger_logs.id"],
            name=op.f("fk_ledger_tiles_log_id_ledger_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("log_id", "level", "idx", name=op.f("pk_ledger_tiles")),
    )
    op.create_table(
        "ledger_epods",
        sa.Column("log_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=True),
        sa.Column("carrier", sa.String(length=255), nullable=False),
        sa.Column("receiver", sa.String(length=255), nullable=False),
        sa.Column("delivered_at", UTC, nullable=False),
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.CheckConstraint("sheets >= 0", name=op.f("ck_ledger_epods_sheets")),
        sa.ForeignKeyConstraint(
            ["log_id", "ledger_index"],
            ["ledger_entries.log_id", "ledger_entries.idx"],
            name=op.f("fk_ledger_epods_log_id_ledger_index_ledger_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("log_id", "id", name=op.f("pk_ledger_epods")),
    )
    op.create_index(
        op.f("ix_ledger_epods_park_id_delivered_at"), "ledger_epods", ["park_id", "delivered_at"]
    )

    op.create_table(
        "meters",
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("activity_kind", sa.String(length=128), nullable=True),
        sa.Column("zone", sa.String(length=255), nullable=True),
        sa.Column("tenant", sa.String(length=255), nullable=True),
        sa.Column("parent_id", sa.String(length=255), nullable=True),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("multiplier", sa.Double(), nullable=False),
        sa.Column("log_id", sa.String(length=255), nullable=True),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint(
            "kind IN ('electricity', 'water', 'gas', 'heat', 'pv', 'ev_charger')",
            name=op.f("ck_meters_kind"),
        ),
        sa.CheckConstraint("mode IN ('cumulative', 'interval')", name=op.f("ck_meters_mode")),
        sa.CheckConstraint("interval_s > 0", name=op.f("ck_meters_interval_s")),
        sa.CheckConstraint("multiplier > 0", name=op.f("ck_meters_multiplier")),
        sa.ForeignKeyConstraint(
            ["park_id", "parent_id"],
            ["meters.park_id", "meters.id"],
            name=op.f("fk_meters_park_id_parent_id_meters"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id", "tenant"],
            ["tenants.park_id", "tenants.id"],
            name=op.f("fk_meters_park_id_tenant_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id", "zone"],
            ["zones.park_id", "zones.id"],
            name=op.f("fk_meters_park_id_zone_zones"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_meters_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("park_id", "id", name=op.f("pk_meters")),
    )
    op.create_table(
        "readings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("meter_id", sa.String(length=255), nullable=False),
        sa.Column("ts", UTC, nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("log_id", sa.String(length=255), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id", "ledger_index"],
            ["ledger_entries.log_id", "ledger_entries.idx"],
            name=op.f("fk_readings_log_id_ledger_index_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["park_id", "meter_id"],
            ["meters.park_id", "meters.id"],
            name=op.f("fk_readings_park_id_meter_id_meters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readings")),
        sa.UniqueConstraint(
            "park_id", "meter_id", "ts", name=op.f("uq_readings_park_id_meter_id_ts")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_readings_park_id_ts"), "readings", ["park_id", "ts"])


def downgrade() -> None:
    op.drop_index(op.f("ix_readings_park_id_ts"), table_name="readings")

    op.drop_table("readings")
    op.drop_table("meters")
    op.drop_index(op.f("ix_ledger_epods_park_id_delivered_at"), table_name="ledger_epods")

    op.drop_table("ledger_epods")
    op.drop_table("ledger_tiles")
    op.drop_table("ledger_entries")
    op.drop_index(op.f("ix_ledger_checkpoints_log_id_size"), table_name="ledger_checkpoints")

    op.drop_table("ledger_checkpoints")
    op.drop_table("alerts")
    op.drop_index(op.f("ix_reading_rejects_park_id_received_at"), table_name="reading_rejects")

    op.drop_table("reading_rejects")
    op.drop_table("ledger_logs")
