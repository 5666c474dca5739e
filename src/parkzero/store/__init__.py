"""The store: SQLAlchemy 2 models, Alembic migrations and sessions (SQLite or PostgreSQL).

SQLite file ``parkzero.db`` by default; PostgreSQL (or another SQLite file) when
``PARKZERO_DATABASE_URL`` is set. ``parkzero db upgrade`` (:func:`upgrade`) creates or migrates the
schema. Reading and writing goes through :mod:`parkzero.store.service`; every write is
transactional (``docs/store.md``).
"""

from parkzero.store.errors import StoreError
from parkzero.store.service import (
    ImportResult,
    get_park,
    import_activities,
    import_activity_file,
    import_park,
    latest_inventory,
    latest_inventory_run,
    load_activities,
    save_inventory,
    save_park,
    sha256_bytes,
)
from parkzero.store.session import (
    current_revision,
    head_revision,
    make_engine,
    make_sessionmaker,
    mask_url,
    require_current,
    session_scope,
    upgrade,
)

__all__ = [
    "ImportResult",
    "StoreError",
    "current_revision",
    "get_park",
    "head_revision",
    "import_activities",
    "import_activity_file",
    "import_park",
    "latest_inventory",
    "latest_inventory_run",
    "load_activities",
    "make_engine",
    "make_sessionmaker",
    "mask_url",
    "require_current",
    "save_inventory",
    "save_park",
    "session_scope",
    "sha256_bytes",
    "upgrade",
]
