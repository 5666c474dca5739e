"""Migration 0002_credits: creates the credit tables on top of 0001 and removes them again."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from parkzero.store.session import alembic_config, current_revision, make_engine, upgrade

CREDIT_TABLES = {"credit_batches", "credit_retirements", "neutrality_claims"}


def test_revision_ids() -> None:
    script = ScriptDirectory.from_config(alembic_config()).get_revision("0002_credits")
    assert script is not None and script.down_revision == "0001"


def test_upgrade_to_0002_and_back(blank_url: str) -> None:
    assert upgrade(blank_url, "0002_credits") == "0002_credits"
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            insp = inspect(connection)
            assert CREDIT_TABLES <= set(insp.get_table_names())
            fks = {
                (tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in insp.get_foreign_keys("credit_retirements")
            }
            assert (("park_id", "batch_id"), "credit_batches") in fks
            pk = insp.get_pk_constraint("credit_batches")["constrained_columns"]
            assert pk == ["park_id", "id"]
        with engine.begin() as connection:
            config = alembic_config(blank_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        with engine.connect() as connection:
            assert not CREDIT_TABLES & set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert current_revision(blank_url) == "0001"
