"""No double booking under concurrency: 50 threads book the same one-truck slot at once.

Runs against PostgreSQL (own schema, dropped afterwards) and SQLite. Exactly one booking
succeeds; the 49 others get :class:`SlotUnavailable`, and the database holds one booking and
its units.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from parkzero.store import models as db
from parkzero.store.session import make_engine, upgrade
from parkzero.yard import service
from parkzero.yard.booking import SlotUnavailable
from parkzero.yard.models import yard_from_dict
from parkzero.yard.tables import YardBooking, YardSlotUnit

from ..store.conftest import postgres_schema

CST = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2024, 5, 2)
EVE = dt.datetime(2024, 5, 1, 20, 0, tzinfo=CST)
N = 50

# One dock, 08:00–09:00, 60-minute slots: exactly one truck fits.
YARD = {
    "id": "one-dock",
    "hours": {"open": "08:00", "close": "09:00"},
    "slot_min": 60,
    "docks": [{"id": "D1", "direction": "inbound"}],
}


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def engine(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/parkzero.db"
        upgrade(url, "0004_yard")
        eng = make_engine(url, connect_args={"timeout": 60})
        yield eng
        eng.dispose()
        return
    with postgres_schema("pz_yard") as url:
        upgrade(url, "0004_yard")
        eng = make_engine(url, pool_size=10, max_overflow=10, pool_timeout=60)
        yield eng
        eng.dispose()


def test_fifty_parallel_bookings_of_a_one_truck_slot(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        s.add(db.Park(id="p1", name="P", region="湖北", settings={}))
        s.flush()
        service.save_yard(s, "p1", yard_from_dict(YARD))
    barrier = threading.Barrier(N)

    def attempt(i: int) -> str:
        barrier.wait()
        try:
            with Session(engine) as s, s.begin():
                service.book(
                    s,
                    "p1",
                    f"carrier-{i}",
                    day=DAY,
                    start_min=480,
                    plate=f"T{i:03d}",
                    direction="inbound",
                    pallets=10,
                    now=EVE,
                )
        except SlotUnavailable as exc:
            assert "08:00 is full" in str(exc) or "just taken" in str(exc)
            return "unavailable"
        return "booked"

    with ThreadPoolExecutor(max_workers=N) as pool:
        outcomes = Counter(pool.map(attempt, range(N)))
    assert outcomes == {"booked": 1, "unavailable": N - 1}
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(YardBooking)) == 1
        assert s.scalar(select(func.count()).select_from(YardSlotUnit)) == 1
