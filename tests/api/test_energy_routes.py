"""``/api/parks/{park_id}/energy`` and ``/api/energy/tariffs``: stored results, a day's dispatch.

home-park gets a small stored scenario (constant 100 kW load, 50 kWp PV, no battery, Hubei 2024
tariff; the hand-checked figures are in tests/energy/test_service.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import select

from parkzero.api.ratelimit import RateLimiter
from parkzero.energy import service as es
from parkzero.store.accounts import AuditEntry
from parkzero.store.session import session_scope

from ..energy.test_service import scenario
from ..store.conftest import postgres_schema
from .conftest import World, _world

BASE = "/api/parks/{park}/energy"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def ew(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Two parks; home-park has a stored energy scenario (no result yet)."""
    tmp = tmp_path_factory.mktemp("energy-api")
    stack = ExitStack()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'api.db'}"
    else:
        url = stack.enter_context(postgres_schema("pz_eapi"))
    w = _world(url, tmp)
    doc, _ = es.scenario_document(scenario(tmp))
    with session_scope(url) as session:
        es.save_scenario(session, w.home.id, doc)
    yield w
    w.client.close()
    w.app.state.engine.dispose()
    stack.close()


def test_dispatch_run_store_read_and_screen(ew: World) -> None:
    home = ew.home.id
    url = BASE.format(park=home)
    r = ew.client.get(f"{url}/dispatch", headers=ew.auth(ew.home.tokens["manager"]))
    assert r.status_code == 404 and "--save" in r.json()["detail"]
    r = ew.client.post(f"{url}/dispatch", json={"day": "2024-07-15"},
                       headers=ew.auth(ew.home.tokens["operator"]))  # fmt: skip
    assert r.status_code == 201, r.text
    made = r.json()
    # 24 h × 100 kW − 50 kWp × 6.6 kWh/kWp of PV = 2,070 kWh from the grid
    assert made["figures"]["import_kwh"] == pytest.approx(2070.0, abs=0.01)
    assert made["day"] == "2024-07-15" and len(made["payload"]["schedule"]["time"]) == 96
    for role in ("admin", "manager", "operator", "auditor"):
        r = ew.client.get(f"{url}/dispatch", headers=ew.auth(ew.home.tokens[role]))
        assert r.status_code == 200 and r.json()["id"] == made["id"], role
    screen = ew.client.get("/api/screen?lang=en", headers=ew.auth(ew.home.tokens["manager"]))
    assert screen.status_code == 200
    tou = screen.json()["tou"]
    assert tou["status"] == "ok" and tou["periods"] == ["critical", "peak", "flat", "valley"]
    assert tou["kwh"] == pytest.approx([200.0, 580.0, 580.0, 710.0])
    assert screen.json()["labels"]["tou.critical"] == "Critical peak"
    with session_scope(ew.url) as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.park_id == home))
        assert "energy.dispatch" in set(actions)


def test_sizing_read(ew: World) -> None:
    url = BASE.format(park=ew.home.id)
    with session_scope(ew.url) as session:
        doc = es.latest_scenario(session, ew.home.id)
        assert doc is not None
        es.save_sizing(session, ew.home.id, doc.document, {"pv_kw": 50.0, "battery_kwh": 0.0})
    r = ew.client.get(f"{url}/sizing", headers=ew.auth(ew.home.tokens["auditor"]))
    assert r.status_code == 200 and r.json()["figures"]["pv_kw"] == 50.0


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        ("tenant", "GET", "dispatch", 403),
        ("carrier", "GET", "sizing", 403),
        ("auditor", "POST", "dispatch", 403),
        ("admin", "POST", "dispatch", 403),
        ("tenant", "POST", "dispatch", 403),
    ],
)
def test_roles(ew: World, role: str, method: str, path: str, status: int) -> None:
    r = ew.client.request(method, f"{BASE.format(park=ew.home.id)}/{path}",
                          json={"day": "2024-07-15"}, headers=ew.auth(ew.home.tokens[role]))  # fmt: skip
    assert r.status_code == status


def test_bad_input_is_422_with_the_reason(ew: World) -> None:
    url = f"{BASE.format(park=ew.home.id)}/dispatch"
    auth = ew.auth(ew.home.tokens["manager"])
    r = ew.client.post(url, json={"day": "2024-09-01"}, headers=auth)
    assert r.status_code == 422
    assert (
        "2024-09-01 is not in the stored scenario (2024-07-15 to 2024-07-16)" in r.json()["detail"]
    )
    assert r.json()["field"] == "day"
    r = ew.client.post(url, json={"day": "2024-07-15", "horizon_h": 100}, headers=auth)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "horizon_h"]
    r = ew.client.post(url, json={"day": "not a day"}, headers=auth)
    assert r.status_code == 422
    # the victim park has no scenario, but home's manager never reaches it
    victim = f"{BASE.format(park=ew.victim.id)}/dispatch"
    assert ew.client.post(victim, json={"day": "2024-07-15"}, headers=auth).status_code == 404


def test_dispatch_is_rate_limited(ew: World) -> None:
    ew.app.state.energy_limiter = RateLimiter(1, 60, "energy dispatch")
    try:
        url = f"{BASE.format(park=ew.home.id)}/dispatch"
        auth = ew.auth(ew.home.tokens["manager"])
        assert ew.client.post(url, json={"day": "2024-07-16"}, headers=auth).status_code == 201
        r = ew.client.post(url, json={"day": "2024-07-16"}, headers=auth)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    finally:
        ew.app.state.energy_limiter = RateLimiter(10, 60, "energy dispatch")


def test_tariffs_for_every_role(ew: World) -> None:
    for role in ("carrier", "tenant", "operator"):
        r = ew.client.get("/api/energy/tariffs", headers=ew.auth(ew.home.tokens[role]))
        assert r.status_code == 200, role
    hubei = {t["id"]: t for t in r.json()}["hubei_2024"]
    july = next(s for s in hubei["seasons"] if 7 in s["months"])
    assert july["periods"]["critical"] == [[20.0, 22.0]]
    assert july["periods"]["valley"] == [[1.0, 7.0], [12.0, 14.0]]
    assert hubei["flat_price_cny_per_kwh"] == 0.62 and hubei["ratios"]["peak"] == 1.49
    assert ew.client.get("/api/energy/tariffs").status_code == 401


def test_no_data_screen_for_a_park_without_results(ew: World, tmp_path: Path) -> None:
    r = ew.client.get("/api/screen", headers=ew.auth(ew.victim.tokens["manager"]))
    assert r.status_code == 200 and r.json()["tou"] == {"status": "no_data", "reason": "energy"}
