"""Migrations: an empty database goes to head, and the models match what the migrations built."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from parkzero.store import models as db
from parkzero.store.session import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)

TABLES = {
    "parks",
    "zones",
    "tenants",
    "import_batches",
    "activities",
    "inventory_runs",
    "inventory_lines",
    "factors_used",
}


def test_migrations_form_one_chain_from_the_initial_revision() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[-1] == "0001"
    assert chain[0] == head_revision()
    assert len(script.get_heads()) == 1


def test_upgrade_from_empty_to_head_and_models_match(blank_url: str) -> None:
    assert current_revision(blank_url) is None
    assert upgrade(blank_url) == head_revision()
    assert current_revision(blank_url) == head_revision()
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) >= TABLES
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_downgrade_reverses_it(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(db_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        with engine.connect() as connection:
            assert not TABLES & set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert current_revision(db_url) is None
    assert upgrade(db_url) == head_revision()


def test_indexes_and_keys_the_queries_rely_on(engine: Engine) -> None:
    with engine.connect() as connection:
        insp = inspect(connection)
        indexes = {tuple(ix["column_names"]) for ix in insp.get_indexes("activities")}
        assert ("park_id", "start") in indexes
        assert insp.get_pk_constraint("zones")["constrained_columns"] == ["park_id", "id"]
        assert insp.get_pk_constraint("tenants")["constrained_columns"] == ["park_id", "id"]
        unique = {tuple(u["column_names"]) for u in insp.get_unique_constraints("import_batches")}
        assert ("park_id", "sha256") in unique
        fks = {
            (tuple(fk["constrained_columns"]), fk["referred_table"])
            for fk in insp.get_foreign_keys("activities")
        }
        assert (("park_id", "zone"), "zones") in fks
        assert (("park_id", "tenant"), "tenants") in fks
        assert (("park_id", "batch_id"), "import_batches") in fks
