"""Fast bulk inserts of many rows into one table, inside the caller's transaction.

SQLAlchemy's executemany processes every parameter of every row in Python, which dominates the
time of a 100,000-row import. Here the rows go to the driver as plain tuples: ``COPY … FROM
STDIN`` on PostgreSQL with psycopg 3, ``executemany`` with ``?`` placeholders on SQLite, and
SQLAlchemy's generic path for any other database. Values are converted once per column the way
the column's type stores them (ISO dates on SQLite, JSON as text).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Date, Table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

__all__ = ["insert_rows"]

_CHUNK_ROWS = 10_000  # rows per executemany on SQLite and the generic path


def _json_text(values: Sequence[Any]) -> list[str | None]:
    return [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]


def _iso(values: Sequence[dt.date | None]) -> list[str | None]:
    return [None if v is None else v.isoformat() for v in values]


def insert_rows(connection: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert rows given column-wise; return how many.

    Parameters
    ----------
    connection : Connection
        In a transaction; nothing is committed here.
    table : Table
        Target table; columns not given take their server defaults (e.g. the id).
    columns : mapping of str to sequence
        Equal-length value lists per column name, Python values (``None`` for NULL).

    Raises
    ------
    sqlalchemy.exc.DBAPIError
        The subclass matching the driver's error (``IntegrityError`` for a constraint).
    """
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if count == 0:
        return 0
    dialect = connection.dialect
    prepared: dict[str, Sequence[Any]] = {}
    for name in names:
        kind = table.c[name].type
        values = columns[name]
        if isinstance(kind, JSON):
            values = _json_text(values)
        elif isinstance(kind, Date) and dialect.name == "sqlite":
            values = _iso(values)
        prepared[name] = values
    quote = dialect.identifier_preparer.quote
    target = dialect.identifier_preparer.format_table(table)
    column_list = ", ".join(quote(n) for n in names)
    rows = list(zip(*prepared.values(), strict=True))

    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        statement = f"COPY {target} ({column_list}) FROM STDIN"
        raw = connection.connection.dbapi_connection
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                statement, None, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        return count
    if dialect.name == "sqlite":
        marks = ", ".join("?" for _ in names)
        statement = f"INSERT INTO {target} ({column_list}) VALUES ({marks})"
        for i in range(0, count, _CHUNK_ROWS):
            connection.exec_driver_sql(statement, rows[i : i + _CHUNK_ROWS])
        return count
    # any other database: SQLAlchemy's own executemany (slower, always correct)
    records = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    for i in range(0, count, _CHUNK_ROWS):
        connection.execute(table.insert(), records[i : i + _CHUNK_ROWS])
    return count
