"""Migration 0003_ledger: creates and drops the ledger and monitoring tables on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from parkzero.carbon.park import park_from_dict
from parkzero.ledger import store as ledger
from parkzero.monitoring.registry import MeterSpec
from parkzero.monitoring.service import register_meters
from parkzero.monitoring.tables import Reading
from parkzero.store.service import save_park
from parkzero.store.session import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    make_sessionmaker,
    upgrade,
)

from .conftest import PARK

TABLES = {
    "ledger_logs",
    "ledger_entries",
    "ledger_tiles",
    "ledger_checkpoints",
    "ledger_epods",
    "meters",
    "readings",
    "reading_rejects",
    "alerts",
}


def test_revision_chain() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    rev = script.get_revision("0003_ledger")
    assert rev is not None and rev.down_revision == "0002_credits"


def test_upgrade_downgrade_upgrade(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as c:
            assert TABLES <= set(inspect(c).get_table_names())
            unique = {
                tuple(u["column_names"]) for u in inspect(c).get_unique_constraints("readings")
            }
            assert ("park_id", "meter_id", "ts") in unique
        with engine.begin() as c:
            config = alembic_config(blank_url)
            config.attributes["connection"] = c
            command.downgrade(config, "0002_credits")
        with engine.connect() as c:
            assert not TABLES & set(inspect(c).get_table_names())
        assert current_revision(blank_url) == "0002_credits"
        assert upgrade(blank_url) == head_revision()
    finally:
        engine.dispose()


def test_the_unique_constraint_refuses_a_second_reading(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as s, s.begin():
            save_park(s, park_from_dict(PARK, source="park.yaml"))
            register_meters(
                s,
                PARK["park"]["id"],
                [MeterSpec("E", "electricity", "interval", bytes(range(32)), "kWh")],
                log="l",
            )
            index = ledger.append(s, "l", [b"r1", b"r2"], "reading").first
        row = {
            "park_id": PARK["park"]["id"],
            "meter_id": "E",
            "ts": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            "value": 1.0,
            "log_id": "l",
            "source": "api",
            "received_at": dt.datetime.now(dt.UTC),
        }
        with make_sessionmaker(engine)() as s, s.begin():
            s.execute(insert(Reading), [{**row, "ledger_index": index}])
        with pytest.raises(IntegrityError), make_sessionmaker(engine)() as s, s.begin():
            s.execute(insert(Reading), [{**row, "ledger_index": index + 1, "value": 2.0}])
    finally:
        engine.dispose()
