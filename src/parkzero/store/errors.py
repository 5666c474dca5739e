"""The store's own error: the database failed or is not ready (exit code 1).

Bad *input* is always an :class:`parkzero.errors.InputError` (exit code 2); a :class:`StoreError`
means the database itself could not do the work — unreachable, not migrated, out of space — and
nothing was written.
"""

from __future__ import annotations

from sqlalchemy import make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from parkzero.errors import ParkzeroError

__all__ = ["StoreError"]


class StoreError(ParkzeroError):
    """The database failed or is not at the expected schema revision."""

    @classmethod
    def from_db(
        cls, exc: SQLAlchemyError, *, url: str | URL | None = None, doing: str = ""
    ) -> StoreError:
        """Wrap a SQLAlchemy error in one readable line (the driver's message, no SQL)."""
        from parkzero.store.session import database_url

        detail = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
        detail = detail.strip().splitlines()[0] if detail.strip() else type(exc).__name__
        where = make_url(database_url(url)).render_as_string(hide_password=True)
        what = f" while {doing}" if doing else ""
        return cls(f"database {where} failed{what}: {detail}")
