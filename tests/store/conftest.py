"""Fixtures of the store tests: every test runs on SQLite and on PostgreSQL.

The PostgreSQL variant uses ``PARKZERO_TEST_POSTGRES_URL`` (default the local server on
127.0.0.1:5432, database ``test``, trust authentication). Each test gets its own schema, dropped
afterwards, so parallel runs never see each other's tables. When the server is unreachable the
PostgreSQL variant is skipped — unless ``CI=true``, where it fails: CI must test PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

from parkzero.carbon.park import Park, park_from_dict
from parkzero.store import models as db
from parkzero.store.session import make_engine, make_sessionmaker, mask_url, upgrade

POSTGRES_URL = os.environ.get(
    "PARKZERO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def ci_requires_postgres() -> bool:
    """True when the environment is CI (``CI=true``), where PostgreSQL must be tested."""
    return os.environ.get("CI", "").strip().lower() == "true"


def reachable_or_skip(url: str) -> str:
    """Return `url` when the server answers; otherwise skip the test, or fail it under CI."""
    problem = None
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
    except ImportError as exc:  # the driver is missing
        problem = f"{type(exc).__name__}: {exc}"
    else:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means "not reachable"
            problem = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        finally:
            engine.dispose()
    if problem is not None:
        message = f"PostgreSQL at {mask_url(url)} is not reachable ({problem})"
        if ci_requires_postgres():
            pytest.fail(f"{message}; CI=true requires the store tests on PostgreSQL", False)
        pytest.skip(message)
    return url


def _with_schema(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@contextmanager
def postgres_schema(prefix: str = "pz_test") -> Iterator[str]:
    """The URL of a new, empty schema on the test server, dropped afterwards.

    Skips the test when the server is unreachable, or fails it under CI (:func:`reachable_or_skip`).
    """
    base = reachable_or_skip(POSTGRES_URL)
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield _with_schema(base, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'parkzero.db'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def db_url(blank_url: str) -> str:
    """URL of a database migrated to the newest revision."""
    upgrade(blank_url)
    return blank_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database; tests commit when they need to."""
    with make_sessionmaker(engine)() as s:
        yield s


def count_rows(engine: Engine, model: type[db.Base], **where: object) -> int:
    """Committed rows of a table, read through a new connection."""
    stmt = select(func.count()).select_from(model)
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    with make_sessionmaker(engine)() as s:
        return int(s.scalar(stmt) or 0)


PARK = {
    "park": {"id": "wuhan-demo", "name": "武汉示范物流园", "region": "湖北", "base_year": 2023},
    "zones": [
        {"id": "sorting", "name": "分拣中心", "area_m2": 30000},
        {"id": "cold-store", "name": "冷库", "area_m2": 8000, "equity_share": 0.6},
        {"id": "yard", "name": "堆场"},
    ],
    "tenants": [{"id": "coldco", "name": "冷链租户", "zones": ["cold-store"]}],
}


@pytest.fixture
def park(tmp_path: Path) -> Park:
    return park_from_dict(PARK, source="park.yaml", base_dir=tmp_path)


ACTIVITIES = (
    "kind,quantity,unit,period,zone,tenant,source_id,quality,category,region\n"
    "electricity.grid,120000,kWh,2023-01,sorting,,meter-1,measured,,\n"
    'electricity.grid,"1,500.5",kWh,2023-02,cold-store,coldco,meter-2,,,\n'
    "fuel.diesel.mobile,800,L,2023,yard,,fuel-card,calculated,,\n"
    "material.carton,12.5,t,2023-03,,,,estimated,,\n"
    "freight.road.hgv,45000,t*km,2023-12-15,,,,,3.9,\n"
    "electricity.grid,98000,kWh,2024-01,sorting,,meter-1,,,湖北\n"
)


def write(path: Path, text_: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_, encoding="utf-8")
    return path
