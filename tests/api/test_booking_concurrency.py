"""50 carriers book the same one-truck slot at once through the HTTP API, against PostgreSQL.

The service runs under uvicorn on a loopback port (real concurrent requests, one database
session each); exactly one request gets 201, the 49 others 409/422 naming the slot, and the
database holds a single booking.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from parkzero.api.app import create_app
from parkzero.api.service import create_user, issue_token
from parkzero.api.settings import ApiSettings
from parkzero.carbon.park import load_park
from parkzero.store.service import save_park
from parkzero.store.session import session_scope, upgrade
from parkzero.yard.models import yard_from_dict
from parkzero.yard.service import save_yard
from parkzero.yard.tables import YardBooking

from ..store.conftest import postgres_schema

pytestmark = pytest.mark.postgres

SECRET = "test-secret-key-" + "c" * 32
DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-park" / "park.yaml"
N = 50
DAY = dt.date.today() + dt.timedelta(days=2)

# One dock open 08:00–09:00 with 60-minute slots: exactly one truck fits in the day.
YARD = {
    "yard": {
        "id": "one-dock",
        "park_id": "demo-wuhan",
        "timezone": "Asia/Shanghai",
        "hours": {"open": "08:00", "close": "09:00"},
        "slot_min": 60,
        "docks": [{"id": "D1", "direction": "inbound"}],
        "carriers": [{"id": f"carrier-{i:02d}", "name": f"承运商 {i}"} for i in range(N)],
        "rules": {"book_cutoff_min": 0, "cancel_cutoff_min": 0, "horizon_days": 30},
    }
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, str, list[str]]]:
    """uvicorn serving the app on a fresh PostgreSQL schema: (base URL, db URL, tokens)."""
    with postgres_schema("pz_book") as url:
        upgrade(url)
        park = load_park(DEMO)
        tokens = []
        with session_scope(url) as session:
            save_park(session, park)
            save_yard(session, park.id, yard_from_dict(YARD))
            for i in range(N):
                user = create_user(
                    session, username=f"carrier-{i:02d}", password=uuid.uuid4().hex,
                    role="carrier", park_id=park.id, carrier_id=f"carrier-{i:02d}",
                )  # fmt: skip
                tokens.append(issue_token(session, user, secret_key=SECRET, ttl_s=600)[0])
        app = create_app(ApiSettings(secret_key=SECRET, database_url=url, migrate=False))
        port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while not server.started:
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}", url, tokens
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def test_fifty_concurrent_bookings_of_a_one_truck_slot(
    served: tuple[str, str, list[str]],
) -> None:
    base, url, tokens = served
    body = {"day": DAY.isoformat(), "start_min": 8 * 60, "plate": "鄂A12345", "pallets": 10}
    barrier = threading.Barrier(N)

    def attempt(token: str) -> int:
        with httpx.Client(base_url=base, timeout=60) as client:
            barrier.wait()  # all 50 requests leave together
            r = client.post(
                "/api/bookings", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            return r.status_code

    with ThreadPoolExecutor(N) as pool:
        codes = Counter(pool.map(attempt, tokens))
    assert codes[201] == 1, codes
    assert sum(n for code, n in codes.items() if code in (409, 422)) == N - 1, codes
    with session_scope(url) as session:
        booked = session.scalar(
            select(func.count())
            .select_from(YardBooking)
            .where(YardBooking.status == "booked", YardBooking.day == DAY)
        )
    assert booked == 1
