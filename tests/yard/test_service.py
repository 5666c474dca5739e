"""Bookings in the store (SQLite and PostgreSQL): book, move, cancel, no-show, walk-in, check-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parkzero.errors import ConfigError, InputError
from parkzero.store import models as db
from parkzero.store.session import make_engine, upgrade
from parkzero.yard import service
from parkzero.yard.booking import BookingNotFound, CutOffPassed, SlotUnavailable
from parkzero.yard.models import yard_from_dict
from parkzero.yard.tables import YardBooking, YardConfig, YardSlotUnit

from ..store.conftest import postgres_schema

CST = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2024, 5, 2)
# The day before at 20:00 local time: every slot of DAY is more than the cut-offs ahead.
EVE = dt.datetime(2024, 5, 1, 20, 0, tzinfo=CST)

YARD = {
    "yard": {
        "id": "test-yard",
        "park_id": "p1",
        "hours": {"open": "08:00", "close": "12:00"},
        "slot_min": 30,
        "docks": [
            {"id": "IN", "count": 2, "direction": "inbound"},
            {"id": "RF", "direction": "both", "reefer": True},
        ],
        "carriers": [{"id": "sf"}, {"id": "jd"}],
        "rules": {"book_cutoff_min": 60, "cancel_cutoff_min": 120, "no_show_grace_min": 30},
    }
}


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=CST)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('yard') / 'parkzero.db'}"
        upgrade(url, "0004_yard")
        eng = make_engine(url, connect_args={"timeout": 30})
        yield eng
        eng.dispose()
        return
    with postgres_schema("pz_yard") as url:
        upgrade(url, "0004_yard")
        eng = make_engine(url, pool_size=10, max_overflow=5)
        yield eng
        eng.dispose()


@pytest.fixture
def s(engine: Engine) -> Iterator[Session]:
    """A session on a database holding park p1 with the test yard and no bookings."""
    with Session(engine, expire_on_commit=False) as session:
        with session.begin():
            session.execute(delete(YardSlotUnit))
            session.execute(delete(YardBooking))
            session.execute(delete(YardConfig))
            session.execute(delete(db.Park).where(db.Park.id == "p1"))
            session.add(db.Park(id="p1", name="P", region="湖北", settings={}))
            session.flush()
            service.save_yard(session, "p1", yard_from_dict(YARD))
        yield session
        session.rollback()


@contextmanager
def tx(session: Session) -> Iterator[None]:
    """Commit on success, roll back on error (sessions autobegin after every commit)."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _book(s: Session, carrier: str = "sf", start: int = 480, **kw: object) -> service.BookingView:
    args: dict[str, object] = dict(
        day=DAY, start_min=start, plate="鄂A12345", direction="inbound", pallets=20, now=EVE
    )
    args.update(kw)
    with tx(s):
        return service.book(s, "p1", carrier, **args)  # type: ignore[arg-type]


def test_book_takes_units_and_lists_only_own(s: Session) -> None:
    # 20 pallets inbound at a dry dock: 15 + 20 × 1.5 = 45 min → 2 units of 30 min (08:00–09:00)
    b = _book(s)
    assert (b.dock_id, b.start_min, b.end_min, b.status) == ("IN-01", 480, 540, "booked")
    assert b.plate == "鄂A12345"
    units = s.execute(select(YardSlotUnit.dock_id, YardSlotUnit.slot_min)).all()
    assert sorted(units) == [("IN-01", 480), ("IN-01", 510)]
    _book(s, carrier="jd", plate="鄂B1")
    assert [v.carrier_id for v in service.list_bookings(s, "p1", "sf")] == ["sf"]
    assert [v.dock_id for v in service.list_bookings(s, "p1", "jd", day=DAY)] == ["IN-02"]
    # frozen cargo only fits the reefer dock
    f = _book(s, carrier="jd", plate="鄂B2", cargo="frozen", pallets=10)
    assert f.dock_id == "RF"


def test_full_slot_is_refused_with_next_free_times(s: Session) -> None:
    for i in range(3):  # IN-01, IN-02 and the reefer dock (it also takes dry cargo)
        _book(s, plate=f"P{i}")
    with pytest.raises(SlotUnavailable, match=r"08:00 is full .*next free: 09:00"):
        _book(s, plate="P9")
    offers = service.slots(s, "p1", day=DAY, direction="inbound", pallets=20, now=EVE)
    assert [o.start_min for o in offers][:2] == [540, 570]
    assert offers[0].docks_free == 3


def test_other_carrier_cannot_see_or_cancel(s: Session) -> None:
    b = _book(s)
    with pytest.raises(BookingNotFound), tx(s):
        service.cancel(s, "p1", "jd", b.id, now=EVE)


def test_cancel_frees_units_and_respects_cutoff(s: Session) -> None:
    b = _book(s)
    with pytest.raises(CutOffPassed, match="120 min before"), tx(s):
        service.cancel(s, "p1", "sf", b.id, now=at("06:30"))  # 90 min before 08:00
    with tx(s):
        c = service.cancel(s, "p1", "sf", b.id, now=at("05:59"))
    assert c.status == "cancelled"
    assert s.scalar(select(YardSlotUnit.slot_min)) is None


def test_book_cutoff_and_unknown_carrier(s: Session) -> None:
    with pytest.raises(CutOffPassed, match="60 min before"):
        _book(s, now=at("07:30"))
    with pytest.raises(InputError, match="carrier 'zto' is not registered"):
        _book(s, carrier="zto")
    with pytest.raises(ConfigError, match="no yard configured"), tx(s):
        service.book(
            s,
            "nope",
            "sf",
            day=DAY,
            start_min=480,
            plate="X",
            direction="inbound",
            pallets=1,
            now=EVE,
        )


def test_reschedule_moves_or_keeps_the_old_slot(s: Session) -> None:
    b = _book(s)
    blocker = [_book(s, start=600, plate=f"B{i}") for i in range(3)]
    assert len(blocker) == 3
    with pytest.raises(SlotUnavailable), tx(s):
        service.reschedule(s, "p1", "sf", b.id, day=DAY, start_min=600, now=EVE)
    assert service.list_bookings(s, "p1", "sf")[0].start_min == 480  # unchanged
    with tx(s):
        m = service.reschedule(s, "p1", "sf", b.id, day=DAY, start_min=540, now=EVE)
    assert (m.start_min, m.end_min, m.dock_id) == (540, 600, "IN-01")
    units = (
        s.execute(select(YardSlotUnit.slot_min).where(YardSlotUnit.booking_id == b.id))
        .scalars()
        .all()
    )
    assert sorted(units) == [540, 570]


def test_check_in_on_time_late_early_and_forfeited(s: Session) -> None:
    a = _book(s, plate="A1")
    b = _book(s, plate="B1", start=540)
    c = _book(s, plate="C1", start=600)
    with pytest.raises(CutOffPassed, match="early"), tx(s):
        service.check_in(s, "p1", plate="A1", now=at("06:30"))  # 90 min early, window 60
    with tx(s):
        r = service.check_in(s, "p1", plate="a1", now=at("07:50"))
    assert (r.status, r.lateness_min, r.booking.status) == ("on_time", -10, "checked_in")
    with tx(s):
        r = service.check_in(s, "p1", plate="B1", now=at("09:20"))
    assert (r.status, r.lateness_min) == ("late", 20)
    with tx(s):  # 40 min late: past the 30 min grace → no-show + walk-in at 10:30
        r = service.check_in(s, "p1", plate="C1", now=at("10:40"))
    assert r.status == "walk_in" and r.booking.walk_in and r.booking.start_min == 660
    old = next(v for v in service.list_bookings(s, "p1", "sf") if v.id == c.id)
    assert old.status == "no_show"
    assert a.id != b.id


def test_no_show_and_walk_in(s: Session) -> None:
    b = _book(s)
    with pytest.raises(CutOffPassed, match="grace ends at 08:30"), tx(s):
        service.mark_no_show(s, "p1", b.id, now=at("08:20"))
    with tx(s):
        n = service.mark_no_show(s, "p1", b.id, now=at("08:30"))
    assert n.status == "no_show"
    # units from 08:30 on are free again; the 08:00 unit stays with the no-show
    units = s.execute(select(YardSlotUnit.slot_min)).scalars().all()
    assert units == [480]
    with tx(s):
        w = service.walk_in(
            s, "p1", "jd", plate="W1", direction="inbound", pallets=5, now=at("08:31")
        )
    # 15 + 5 × 1.5 = 22.5 min → one unit; earliest grid start ≥ 08:31 is 09:00 (IN-01)
    assert (w.dock_id, w.start_min, w.status, w.walk_in) == ("IN-01", 540, "checked_in", True)
    with tx(s):
        done = service.complete(s, "p1", w.id, now=at("09:20"))
    assert done.status == "completed"


def test_database_refuses_a_second_booking_of_a_unit(
    s: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = _book(s)
    with pytest.raises(IntegrityError), tx(s):
        s.execute(
            insert(YardSlotUnit).values(
                park_id="p1", day=DAY, dock_id="IN-01", slot_min=480, booking_id=b.id
            )
        )
    # a writer that does not see the taken units still cannot double-book: the key refuses it
    monkeypatch.setattr(service, "_taken", lambda *a, **k: set())
    with pytest.raises(SlotUnavailable, match="just taken"):
        _book(s, plate="X2")


def test_save_yard_needs_a_park(s: Session, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not in the database"), tx(s):
        service.save_yard(s, "ghost", yard_from_dict(YARD))
    assert service.get_yard(s, "p1").slot_min == 30
