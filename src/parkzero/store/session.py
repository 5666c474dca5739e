"""Engines, sessions and migrations of the store.

The database is chosen by a SQLAlchemy URL: the argument when one is given, otherwise
``PARKZERO_DATABASE_URL`` (:func:`parkzero.config.settings`), by default the SQLite file
``parkzero.db`` in the working directory. The schema is only ever created or changed by the Alembic
migrations shipped in ``parkzero/store/migrations``; :func:`upgrade` runs them without any
``alembic.ini``.

SQLite connections are set up so that SQLite behaves like PostgreSQL where it matters: foreign
keys are enforced, and every transaction (including DDL and savepoints) starts with an explicit
``BEGIN`` so that a failed import really rolls back.

Transactions belong to the caller: service functions flush inside a savepoint and never commit.
:func:`session_scope` is the usual way to get one transaction::

    with session_scope() as session:
        import_activity_file(session, park, "activities-2024.csv")
    # committed here, or rolled back if anything raised
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from parkzero.config import settings
from parkzero.store.errors import StoreError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "database_url",
    "head_revision",
    "make_engine",
    "make_sessionmaker",
    "mask_url",
    "require_current",
    "session_scope",
    "upgrade",
]

#: Folder of the Alembic environment shipped inside the package.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def database_url(url: str | URL | None = None) -> str:
    """The URL to use: `url` when given, else ``PARKZERO_DATABASE_URL`` or the SQLite default."""
    if url is None:
        return settings().database_url
    if isinstance(url, URL):
        return url.render_as_string(hide_password=False)
    return url


def mask_url(url: str | URL | None = None) -> str:
    """The database URL with its password replaced by ``***``, safe to print.

    Examples
    --------
    >>> mask_url("postgresql+psycopg://park:s3cret@db.internal:5432/parkzero")
    'postgresql+psycopg://park:***@db.internal:5432/parkzero'
    >>> mask_url("sqlite:///parkzero.db")
    'sqlite:///parkzero.db'
    """
    return make_url(database_url(url)).render_as_string(hide_password=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's legacy mode skips it for DDL and SAVEPOINT)
    # and enforce foreign keys, which SQLite leaves off by default.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """Create an engine for the store.

    Parameters
    ----------
    url : str or URL, optional
        SQLAlchemy URL; default :func:`database_url`. For a SQLite file the parent folder is
        created when missing.
    **kwargs
        Passed to :func:`sqlalchemy.create_engine`.

    Returns
    -------
    sqlalchemy.Engine
        On SQLite with foreign keys enforced and real transactions (see the module docstring).
    """
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine`; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(url: str | URL | None = None) -> Iterator[Session]:
    """One session in one transaction: committed on success, rolled back on any exception.

    The engine is created for the block and disposed after it. A database error (connecting,
    working or committing) is raised as :class:`StoreError`; nothing of the block is kept.
    """
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            yield session
    except SQLAlchemyError as exc:
        raise StoreError.from_db(exc, url=url) from exc
    finally:
        engine.dispose()


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic configuration for the packaged migrations, built in code (no ``alembic.ini``).

    The URL is passed in ``config.attributes["url"]`` rather than the ini option, so characters
    such as ``%`` in a password need no escaping.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = database_url(url)
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of parkzero."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StoreError("no migrations found in the parkzero package")
    return head


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def current_revision(url: str | URL | None = None) -> str | None:
    """The migration the database is at, or None for an empty database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return _revision(connection)
    except SQLAlchemyError as exc:
        raise StoreError.from_db(exc, url=url, doing="reading the schema revision") from exc
    finally:
        engine.dispose()


def upgrade(url: str | URL | None = None, revision: str = "head") -> str | None:
    """Migrate the database to `revision` (default the newest) and return the revision it is at.

    Runs in one transaction on both SQLite and PostgreSQL: a migration that fails leaves the
    database as it was.
    """
    config = alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            return _revision(connection)
    except SQLAlchemyError as exc:
        raise StoreError.from_db(exc, url=url, doing="migrating the database") from exc
    finally:
        engine.dispose()


def require_current(session: Session) -> None:
    """Raise :class:`StoreError` unless the session's database is at the newest migration."""
    connection = session.connection()
    at = _revision(connection)
    head = head_revision()
    if at != head:
        state = "has no parkzero tables" if at is None else f"is at revision {at}"
        raise StoreError(
            f"the database {mask_url(connection.engine.url)} {state}, expected {head}; "
            "run `parkzero db upgrade` first"
        )
