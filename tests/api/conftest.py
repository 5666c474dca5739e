"""Fixtures of the API tests: two parks with users of every role, on SQLite and PostgreSQL.

``home-park`` is the attackers' park, ``victim-park`` the other one. Each has two tenants, two
carriers, a meter per tenant (the ledger logs their enrolment), and a stored inventory with lines
of both tenants. Tokens are issued straight from the store (no HTTP sign-in, no rate limit).
Names are distinctive (``tenant-omega``, ``victim-park``) so a response that leaks another
park's or tenant's data can be found by looking for the name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from parkzero.api.app import create_app
from parkzero.api.service import create_user, issue_token
from parkzero.api.settings import ApiSettings
from parkzero.carbon.inventory import compute_inventory
from parkzero.carbon.park import park_from_dict
from parkzero.monitoring.registry import MeterSpec
from parkzero.monitoring.service import register_meters
from parkzero.store import models as db
from parkzero.store.accounts import AuditEntry, User
from parkzero.store.service import import_activity_file, load_activities, save_inventory
from parkzero.store.session import session_scope, upgrade

from ..store.conftest import postgres_schema

SECRET = "test-secret-key-" + "k" * 32
LOG = "parkzero.test/ledger"
YEAR = 2023
PASSWORD = "correct horse battery"
#: Roles of the users created in each park; tenants and carriers get the "alpha" ones.
ROLES = ("admin", "manager", "operator", "auditor", "tenant", "carrier")


def park_dict(park_id: str, name: str) -> dict[str, Any]:
    own = {"id": f"tenant-{park_id.split('-')[0]}", "name": "本园租户", "zones": []}
    return {
        "park": {"id": park_id, "name": name, "region": "湖北", "base_year": 2022},
        "zones": [
            {"id": f"{park_id}-sorting", "name": "分拣中心", "area_m2": 30000},
            {"id": f"{park_id}-cold", "name": "冷库", "area_m2": 8000},
        ],
        "tenants": [
            {"id": "tenant-alpha", "name": "Alpha 冷链", "zones": [f"{park_id}-cold"]},
            {"id": "tenant-omega", "name": "Omega 电商", "zones": [f"{park_id}-sorting"]},
            own,
        ],
    }


def activities_csv(park_id: str, scale: float) -> str:
    """Two years of data: park-wide lines and lines of each tenant [kWh, L]."""
    rows = ["kind,quantity,unit,period,zone,tenant,source_id,quality,category,region"]
    for year in (2022, YEAR):
        rows += [
            f"electricity.grid,{100000 * scale},kWh,{year}-01,{park_id}-sorting,,m-main,measured,,",
            f"electricity.grid,{20000 * scale},kWh,{year}-02,{park_id}-cold,tenant-alpha,m-a,,,",
            f"electricity.grid,{5000 * scale},kWh,{year}-03,{park_id}-sorting,tenant-omega,m-o,,,",
            f"fuel.diesel.mobile,{800 * scale},L,{year},,,fuel-card,calculated,,",
        ]
    return "\n".join(rows) + "\n"


def _key() -> bytes:
    return (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(encoding=Encoding.Raw, format=PublicFormat.Raw)
    )


@dataclass
class ParkData:
    """What one test park holds: ids of its objects and a token per role."""

    id: str
    run_id: int = 0
    meters: dict[str, str] = field(default_factory=dict)  # tenant → meter id
    users: dict[str, int] = field(default_factory=dict)  # role → user id
    tokens: dict[str, str] = field(default_factory=dict)  # role → bearer token
    token_ids: dict[str, int] = field(default_factory=dict)
    omega_token: str = ""  # a tenant-omega user's token
    carrier_omega_token: str = ""
    audit_index: int = 0  # a ledger entry (audit record) of this park


@dataclass
class World:
    url: str
    app: FastAPI
    client: TestClient
    home: ParkData
    victim: ParkData

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def _populate(url: str, tmp: Path, park_id: str, name: str, scale: float) -> ParkData:
    data = ParkData(park_id)
    park = park_from_dict(park_dict(park_id, name), source="park.yaml", base_dir=tmp)
    csv = tmp / f"activities-{park_id}.csv"
    csv.write_text(activities_csv(park_id, scale), encoding="utf-8")
    with session_scope(url) as session:
        import_activity_file(session, park, csv)
        activities = load_activities(session, park_id)
        for year in (2022, YEAR):
            result = compute_inventory(park, activities, year)
            run_id = save_inventory(session, park_id, result.to_dict(), result.factors_used)
        data.run_id = run_id
        specs = [
            MeterSpec(
                id=f"{park_id}-meter-{tenant}",
                kind="electricity",
                mode="cumulative",
                public_key=_key(),
                unit="kWh",
                zone=f"{park_id}-cold",
                tenant=tenant,
            )
            for tenant in ("tenant-alpha", "tenant-omega")
        ]
        register_meters(session, park_id, specs, log=LOG)
        data.meters = {s.tenant or "": s.id for s in specs}
        for role in ROLES:
            user = create_user(
                session,
                username=f"{park_id}-{role}",
                password=PASSWORD,
                role=role,
                park_id=park_id,
                tenant_id="tenant-alpha" if role == "tenant" else None,
                carrier_id="carrier-alpha" if role == "carrier" else None,
            )
            token, row = issue_token(session, user, secret_key=SECRET, ttl_s=3600)
            data.users[role], data.tokens[role], data.token_ids[role] = user.id, token, row.id
        for role, extra in (("tenant", "omega_token"), ("carrier", "carrier_omega_token")):
            user = create_user(
                session,
                username=f"{park_id}-{role}-omega",
                password=PASSWORD,
                role=role,
                park_id=park_id,
                tenant_id="tenant-omega" if role == "tenant" else None,
                carrier_id="carrier-omega" if role == "carrier" else None,
            )
            setattr(data, extra, issue_token(session, user, secret_key=SECRET, ttl_s=3600)[0])
    return data


def _world(url: str, tmp: Path) -> World:
    upgrade(url)
    home = _populate(url, tmp, "home-park", "本园区", 1.0)
    victim = _populate(url, tmp, "victim-park", "受害园区", 2.0)
    app = create_app(ApiSettings(secret_key=SECRET, database_url=url, ledger_origin=LOG))
    client = TestClient(app)
    # one audited action per park, so each park has a ledger entry of its own
    for park in (home, victim):
        r = client.post(
            "/api/auth/token", json={"username": f"{park.id}-auditor", "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
    with session_scope(url) as session:
        for park in (home, victim):
            park.audit_index = session.scalars(
                select(AuditEntry.ledger_index).where(AuditEntry.park_id == park.id)
            ).first()
    app.state.login_limiter.reset()
    return World(url, app, client, home, victim)


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Two parks with users, tokens, meters and inventories, and a TestClient of the app."""
    tmp = tmp_path_factory.mktemp("api")
    if request.param == "sqlite":
        w = _world(f"sqlite:///{tmp / 'api.db'}", tmp)
        yield w
        w.client.close()
        w.app.state.engine.dispose()
        return
    with postgres_schema("pz_api") as url:
        w = _world(url, tmp)
        yield w
        w.client.close()
        w.app.state.engine.dispose()


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[World]:
    """A fresh world on SQLite for tests that change accounts or exhaust limits."""
    w = _world(f"sqlite:///{tmp_path / 'api.db'}", tmp_path)
    yield w
    w.client.close()
    w.app.state.engine.dispose()


def user_row(url: str, username: str) -> User:
    with session_scope(url) as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        session.expunge(user)
        return user


def count(url: str, model: type[db.Base] | type[Any], **where: Any) -> int:
    from sqlalchemy import func

    with session_scope(url) as session:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return int(session.scalar(stmt) or 0)
