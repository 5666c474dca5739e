"""``/api/parks/{park_id}/yard``: the dispatcher's window — bookings, check-in, no-show, walk-in,
the CP-SAT schedule of the day and the calls (叫号).

home-park gets a yard with two docks open all day (30-minute slots) and three bookings on
2025-03-03; the app's clock is fixed at 08:00 Shanghai time. Dry inbound handling is 15 min +
1.5 min/pallet (data/yard/reference.csv): 10 pallets → 30 min, 20 pallets → 45 min.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import select

from parkzero.api.ratelimit import RateLimiter
from parkzero.store.accounts import AuditEntry
from parkzero.store.session import session_scope
from parkzero.yard.models import yard_from_dict
from parkzero.yard.service import book, save_yard

from ..store.conftest import postgres_schema
from .conftest import World, _world

DAY = dt.date(2025, 3, 3)
NOW = dt.datetime(2025, 3, 3, 0, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Shanghai
BASE = "/api/parks/home-park/yard"


def _yard(park: str) -> dict[str, object]:
    return {
        "yard": {
            "id": f"{park}-yard",
            "park_id": park,
            "hours": {"open": "00:00", "close": "24:00"},
            "slot_min": 30,
            "docks": [{"id": "IN", "count": 2, "direction": "both"}],
            "rules": {"book_cutoff_min": 0, "cancel_cutoff_min": 0, "no_show_grace_min": 30,
                      "early_checkin_min": 60, "horizon_days": 30},
        }
    }  # fmt: skip


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def yw(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("yard-api")
    stack = ExitStack()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'api.db'}"
    else:
        url = stack.enter_context(postgres_schema("pz_yapi"))
    w = _world(url, tmp)
    early = NOW - dt.timedelta(hours=3)
    with session_scope(url) as session:
        for park in (w.home.id, w.victim.id):
            save_yard(session, park, yard_from_dict(_yard(park)))
        for plate, start in (("鄂A00001", 480), ("鄂A00002", 420), ("鄂A00003", 540)):
            book(session, w.home.id, "carrier-alpha", day=DAY, start_min=start, plate=plate,
                 direction="inbound", pallets=10, now=early)  # fmt: skip
        book(session, w.victim.id, "carrier-victim", day=DAY, start_min=480, plate="鄂V99999",
             direction="inbound", pallets=10, now=early)  # fmt: skip
    w.app.state.clock = lambda: NOW
    yield w
    w.client.close()
    w.app.state.engine.dispose()
    stack.close()


def _ids(yw: World) -> dict[str, int]:
    r = yw.client.get(f"{BASE}/bookings?day={DAY}", headers=yw.auth(yw.home.tokens["operator"]))
    assert r.status_code == 200, r.text
    return {b["plate"]: b["id"] for b in r.json()}


def test_a_day_at_the_gate(yw: World) -> None:
    auth = yw.auth(yw.home.tokens["operator"])
    r = yw.client.get(f"{BASE}/bookings", headers=auth)  # default: today by the app's clock
    assert r.status_code == 200
    assert [(b["plate"], b["start"]) for b in r.json()] == [
        ("鄂A00002", "07:00"), ("鄂A00001", "08:00"), ("鄂A00003", "09:00")
    ]  # fmt: skip
    assert "鄂V99999" not in r.text
    ids = _ids(yw)
    # check-in at 08:00 for the 08:00 slot: on time
    r = yw.client.post(f"{BASE}/checkin", json={"plate": "鄂A00001"}, headers=auth)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["lateness_min"]) == ("on_time", 0)
    assert r.json()["booking"]["status"] == "checked_in"
    # 07:00 slot: the 30 min grace ended at 07:30 → a no-show; the 09:00 one is not yet
    r = yw.client.post(f"{BASE}/bookings/{ids['鄂A00002']}/no-show", headers=auth)
    assert r.status_code == 200 and r.json()["status"] == "no_show"
    r = yw.client.post(f"{BASE}/bookings/{ids['鄂A00003']}/no-show", headers=auth)
    assert r.status_code == 422 and "not a no-show yet" in r.json()["detail"]
    assert yw.client.post(f"{BASE}/bookings/99999/no-show", headers=auth).status_code == 404
    # a walk-in with 20 pallets takes the earliest free slot from 08:00: the other dock
    r = yw.client.post(f"{BASE}/walk-in", headers=auth,
                       json={"carrier_id": "carrier-alpha", "plate": "鄂A00009", "pallets": 20})  # fmt: skip
    assert r.status_code == 201, r.text
    walk = r.json()
    assert walk["walk_in"] is True and walk["status"] == "checked_in" and walk["start"] == "08:00"
    # the schedule: A 08:00-08:30 (30), walk-in 08:00-08:45 on the other dock (45),
    # the 09:00 truck 09:00-09:30 (30): Σ (end − release) = 105 min, the booked plan's too
    r = yw.client.post(f"{BASE}/schedule", json={"day": str(DAY), "time_limit_s": 3},
                       headers=yw.auth(yw.home.tokens["manager"]))  # fmt: skip
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["trucks"] == 3 and len(s["assignments"]) == 3 and s["feasible"] is True
    assert s["objective_min"] == pytest.approx(105.0)
    assert s["booked_objective_min"] == pytest.approx(105.0)
    assert {a["booking_id"] for a in s["assignments"]} == {
        ids["鄂A00001"],
        ids["鄂A00003"],
        walk["id"],
    }
    # calls at 08:00: the two checked-in trucks due now; the 09:00 truck is not at the gate
    r = yw.client.get(f"{BASE}/calls?lead_min=10", headers=auth)
    assert r.status_code == 200, r.text
    calls = r.json()
    assert calls["source"] == "schedule" and calls["now"] == "08:00"
    assert sorted(c["plate"] for c in calls["calls"]) == ["鄂A00001", "鄂A00009"]
    assert all(c["in_min"] == 0 for c in calls["calls"])
    with session_scope(yw.url) as session:
        actions = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.park_id == "home-park"))
        )
    assert {"yard.checkin", "yard.no_show", "yard.walk_in", "yard.schedule"} <= actions


@pytest.mark.parametrize("role", ["carrier", "tenant", "auditor"])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/bookings"), ("POST", "/checkin"), ("POST", "/bookings/1/no-show"),
     ("POST", "/walk-in"), ("POST", "/schedule"), ("GET", "/calls")],
)  # fmt: skip
def test_carriers_and_tenants_are_refused(yw: World, role: str, method: str, path: str) -> None:
    r = yw.client.request(method, BASE + path, json={"plate": "鄂A00003"},
                          headers=yw.auth(yw.home.tokens[role]))  # fmt: skip
    assert r.status_code == 403


def test_bad_input_and_limits(yw: World) -> None:
    auth = yw.auth(yw.home.tokens["manager"])
    r = yw.client.post(f"{BASE}/schedule", json={"time_limit_s": 60}, headers=auth)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "time_limit_s"]
    r = yw.client.post(f"{BASE}/checkin", json={"plate": "鄂Z00000"}, headers=auth)
    assert r.status_code == 422 and "no open booking today" in r.json()["detail"]
    r = yw.client.post(f"{BASE}/walk-in", json={"carrier_id": "c", "plate": "x", "cargo": "hot"},
                       headers=auth)  # fmt: skip
    assert r.status_code == 422
    r = yw.client.get("/api/parks/victim-park/yard/bookings", headers=auth)
    assert r.status_code == 404 and "鄂V99999" not in r.text
    yw.app.state.yard_limiter = RateLimiter(1, 60, "yard")
    try:
        yw.client.post(f"{BASE}/checkin", json={"plate": "鄂Z00000"}, headers=auth)
        r = yw.client.post(f"{BASE}/checkin", json={"plate": "鄂Z00000"}, headers=auth)
        assert r.status_code == 429 and "Retry-After" in r.headers
    finally:
        yw.app.state.yard_limiter = RateLimiter(120, 60, "yard")
