"""Fixtures of the web tests: one demo-park database per run, users with generated passwords.

The database (temporary SQLite file) holds the demo park with its three inventories, a small
yard for dock bookings and one user per role. ``client`` is a TestClient of the whole app;
``live_server`` (in ``test_browser.py``) runs the same app under uvicorn for Chromium.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from parkzero.api.app import create_app
from parkzero.api.service import create_user
from parkzero.api.settings import ApiSettings
from parkzero.carbon.inventory import compute_inventory, inventory_years
from parkzero.carbon.park import load_park
from parkzero.ledger.checkpoint import generate_log_key
from parkzero.store.service import import_park, load_activities, save_inventory
from parkzero.store.session import session_scope, upgrade
from parkzero.yard.models import yard_from_dict
from parkzero.yard.service import save_yard

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-park" / "park.yaml"
PARK = "demo-wuhan"
LOG = "parkzero.test/ledger"

#: A small yard: 2 inbound docks, 1 reefer dock; carriers sf-express and jd-logistics; bookable all day.
YARD = {
    "yard": {
        "id": "demo-wuhan-yard",
        "park_id": PARK,
        "timezone": "Asia/Shanghai",
        "hours": {"open": "00:00", "close": "24:00"},
        "slot_min": 30,
        "docks": [
            {"id": "IN", "count": 2, "direction": "both"},
            {"id": "RF", "count": 1, "direction": "both", "reefer": True},
        ],
        "carriers": [{"id": "sf-express", "name": "顺丰"}, {"id": "jd-logistics", "name": "京东"}],
        "rules": {"book_cutoff_min": 0, "cancel_cutoff_min": 0, "horizon_days": 30},
    }
}

#: username → (role, tenant, carrier)
USERS: dict[str, tuple[str, str | None, str | None]] = {
    "manager1": ("manager", None, None),
    "operator1": ("operator", None, None),
    "auditor1": ("auditor", None, None),
    "carrier-sf": ("carrier", None, "sf-express"),
    "carrier-jd": ("carrier", None, "jd-logistics"),
    "tenant-coldco": ("tenant", "coldco", None),
    "tenant-ecom": ("tenant", "ecom", None),
}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo park in a fresh SQLite file, with users and passwords (generated per run)."""
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'web.db'}"
    upgrade(url)
    park = load_park(DEMO)
    passwords = {name: secrets.token_urlsafe(12) for name in USERS}
    with session_scope(url) as session:
        import_park(session, park, replace=True)
        activities = load_activities(session, park.id)
        for year in inventory_years(activities):
            result = compute_inventory(park, activities, year)
            save_inventory(session, park.id, result.to_dict(), result.factors_used)
        save_yard(session, PARK, yard_from_dict(YARD))
        for name, (role, tenant, carrier) in USERS.items():
            create_user(
                session, username=name, password=passwords[name], role=role, park_id=PARK,
                tenant_id=tenant, carrier_id=carrier,
            )  # fmt: skip
    skey, vkey = generate_log_key(LOG)
    key_file = folder / "log.key"
    key_file.write_text(skey + "\n", encoding="ascii")
    key_file.chmod(0o600)
    return {
        "url": url,
        "passwords": passwords,
        "folder": folder,
        "log_key": str(key_file),
        "log_vkey": vkey,
    }


@pytest.fixture(scope="session")
def secret() -> str:
    return secrets.token_urlsafe(40)


@pytest.fixture(scope="session")
def ledger_env(demo_db: dict[str, Any]) -> Iterator[None]:
    """PARKZERO_LEDGER_KEY / _ORIGIN for the e-POD receipts (restored afterwards)."""
    old = {k: os.environ.get(k) for k in ("PARKZERO_LEDGER_KEY", "PARKZERO_LEDGER_ORIGIN")}
    os.environ["PARKZERO_LEDGER_KEY"] = demo_db["log_key"]
    os.environ["PARKZERO_LEDGER_ORIGIN"] = LOG
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def app(demo_db: dict[str, Any], secret: str, ledger_env: None) -> Any:
    settings = ApiSettings(
        secret_key=secret, database_url=demo_db["url"], migrate=False, ledger_origin=LOG
    )
    return create_app(settings)


@pytest.fixture()
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


@pytest.fixture()
def login(demo_db: dict[str, Any]) -> Any:
    """``login(client, username)`` signs `client` in through the sign-in page."""

    def sign_in(client: TestClient, username: str) -> TestClient:
        data = {"username": username, "password": demo_db["passwords"][username], "next": ""}
        r = client.post("/login", data=data)
        assert r.status_code == 303, r.text
        return client

    return sign_in
