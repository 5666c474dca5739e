"""Alembic environment of the parkzero store.

Run by :func:`parkzero.store.session.upgrade` (and ``parkzero db upgrade``) with a configuration
built in code; no ``alembic.ini`` is needed. The connection comes from
``config.attributes["connection"]`` when the caller opened one, otherwise from
``config.attributes["url"]`` or ``PARKZERO_DATABASE_URL``.

To write a new migration after changing :mod:`parkzero.store.models`, against a database that is
at head::

    from alembic import command
    from parkzero.store.session import alembic_config
    command.revision(alembic_config(), message="what changed", autogenerate=True,
                     rev_id="0002")

then read the generated file and keep it portable (SQLite and PostgreSQL).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from parkzero.store.models import Base
from parkzero.store.session import database_url, make_engine


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates tables
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """Run the migrations on the configured connection or URL (online mode only)."""
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=database_url(config.attributes.get("url")),
            target_metadata=Base.metadata,
            literal_binds=True,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = make_engine(config.attributes.get("url"))
    try:
        with engine.begin() as conn:
            _configure_and_run(conn)
    finally:
        engine.dispose()


# Alembic executes this file with its context installed; anything else that imports it (such as
# pytest collecting doctests) must not run migrations.
if hasattr(context, "config"):
    run_migrations()
