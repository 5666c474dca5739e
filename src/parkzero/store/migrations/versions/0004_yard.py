"""Digital yard: yard settings, dock bookings and booked slot units.

Tables of :mod:`parkzero.yard.tables`. Portable SQLite/PostgreSQL: booking days are ``DATE`` (the
yard's local day), slot times whole minutes after local midnight, event times timezone-aware UTC.
The primary key of ``yard_slot_units`` (park, day, dock, slot start) is the rule that no dock slot
is ever booked twice.

Revision ID: 0004_yard
Revises: 0003_ledger
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_yard"
down_revision: str | None = "0003_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit keys on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)  # parkzero.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "yard_configs",
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("booking_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_yard_configs_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("park_id", name=op.f("pk_yard_configs")),
    )
    op.create_table(
        "yard_bookings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("carrier_id", sa.String(length=255), nullable=False),
        sa.Column("plate", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("cargo", sa.String(length=16), nullable=False),
        sa.Column("vehicle", sa.String(length=16), nullable=False),
        sa.Column("pallets", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_min", sa.Integer(), nullable=False),
        sa.Column("end_min", sa.Integer(), nullable=False),
        sa.Column("dock_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("checked_in_at", UTC, nullable=True),
        sa.CheckConstraint(
            "cargo IN ('dry', 'chilled', 'frozen')", name=op.f("ck_yard_bookings_cargo")
        ),
        sa.CheckConstraint(
            "direction IN ('inbound', 'outbound')", name=op.f("ck_yard_bookings_direction")
        ),
        sa.CheckConstraint(
            "status IN ('booked', 'checked_in', 'completed', 'cancelled', 'no_show')",
            name=op.f("ck_yard_bookings_status"),
        ),
        sa.CheckConstraint(
            "vehicle IN ('trailer', 'rigid', 'van')", name=op.f("ck_yard_bookings_vehicle")
        ),
        sa.CheckConstraint("end_min > start_min", name=op.f("ck_yard_bookings_period")),
        sa.CheckConstraint("pallets >= 0", name=op.f("ck_yard_bookings_pallets")),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_yard_bookings_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yard_bookings")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_yard_bookings_park_id_carrier_id_day"),
        "yard_bookings",
        ["park_id", "carrier_id", "day"],
    )
    op.create_index(
        op.f("ix_yard_bookings_park_id_day_status"), "yard_bookings", ["park_id", "day", "status"]
    )
    op.create_table(
        "yard_slot_units",
        sa.Column("park_id", sa.String(length=255), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dock_id", sa.String(length=255), nullable=False),
        sa.Column("slot_min", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("booking_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["yard_bookings.id"],
            name=op.f("fk_yard_slot_units_booking_id_yard_bookings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "park_id", "day", "dock_id", "slot_min", name=op.f("pk_yard_slot_units")
        ),
    )
    op.create_index(op.f("ix_yard_slot_units_booking_id"), "yard_slot_units", ["booking_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_yard_slot_units_booking_id"), table_name="yard_slot_units")
    op.drop_table("yard_slot_units")
    op.drop_index(op.f("ix_yard_bookings_park_id_day_status"), table_name="yard_bookings")
    op.drop_index(op.f("ix_yard_bookings_park_id_carrier_id_day"), table_name="yard_bookings")
    op.drop_table("yard_bookings")
    op.drop_table("yard_configs")
