"""Pure booking rules: slot units, offers, cut-offs, no-shows and check-in status."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkzero.yard.booking import (
    CutOffPassed,
    available_slots,
    check_book_cutoff,
    check_cancel_cutoff,
    checkin_status,
    dock_slot_starts,
    find_reservation,
    is_no_show,
    slots_needed,
)
from parkzero.yard.models import yard_from_dict

YARD = yard_from_dict(
    {
        "id": "y",
        "hours": {"open": "08:00", "close": "12:00"},
        "slot_min": 30,
        "docks": [{"id": "A", "direction": "inbound"}, {"id": "B", "direction": "both"}],
        "rules": {
            "book_cutoff_min": 60,
            "cancel_cutoff_min": 120,
            "no_show_grace_min": 30,
            "early_checkin_min": 60,
            "horizon_days": 7,
        },
    }
)
D = dt.date(2024, 5, 2)


def test_units_and_slot_grid() -> None:
    assert slots_needed(45, 30) == 2 and slots_needed(60, 30) == 2 and slots_needed(61, 30) == 3
    assert dock_slot_starts(YARD, YARD.docks[0]) == [480, 510, 540, 570, 600, 630, 660, 690]


def test_offers_count_free_docks() -> None:
    # 20 pallets inbound: 15 + 30 = 45 min → 2 units; A holds 08:30, B holds 09:00
    taken = {("A", 510), ("B", 540)}
    offers = available_slots(YARD, direction="inbound", cargo="dry", pallets=20, taken=taken)
    got = {o.start_min: (o.docks_free, o.dock) for o in offers}
    assert got[480] == (1, "B")  # A is broken at 08:30, B is free 08:00–09:00
    assert 510 not in got  # A taken; B would need 08:30 and 09:00 (taken)
    assert got[540] == (1, "A")
    assert got[570] == (2, "A")
    assert max(got) == 660  # 11:00–12:00 is the last 2-unit window
    outbound = available_slots(YARD, direction="outbound", cargo="dry", pallets=20, taken=set())
    assert {o.dock for o in outbound} == {"B"}


def test_find_reservation_exact_earliest_and_nearest() -> None:
    taken = {("A", 480), ("B", 480), ("B", 510)}
    assert (
        find_reservation(
            YARD, direction="inbound", cargo="dry", pallets=5, taken=taken, start_min=480
        )
        is None
    )
    r = find_reservation(YARD, direction="inbound", cargo="dry", pallets=5, taken=taken)
    assert (r.dock, r.start_min, r.units) == ("A", 510, (510,))  # type: ignore[union-attr]
    n = find_reservation(
        YARD, direction="inbound", cargo="dry", pallets=5, taken=set(), near_min=601
    )
    assert n is not None and n.start_min == 600


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(440, 720)), max_size=25))
@settings(max_examples=60, deadline=None)
def test_greedy_bookings_never_share_a_unit(requests: list[tuple[int, int]]) -> None:
    taken: set[tuple[str, int]] = set()
    for pallets, near in requests:
        r = find_reservation(
            YARD, direction="inbound", cargo="dry", pallets=pallets, taken=taken, near_min=near
        )
        if r is None:
            continue
        units = {(r.dock, u) for u in r.units}
        assert not units & taken
        o, c = YARD.dock_hours(YARD.dock(r.dock))
        assert o <= r.start_min and r.end_min <= c
        taken |= units


def test_cutoffs_grace_and_checkin() -> None:
    eve = dt.date(2024, 5, 1)
    check_book_cutoff(YARD, D, 480, D, 420)  # exactly 60 min ahead is allowed
    with pytest.raises(CutOffPassed, match="60 min before"):
        check_book_cutoff(YARD, D, 480, D, 421)
    with pytest.raises(CutOffPassed, match="more than 7 days"):
        check_book_cutoff(YARD, D + dt.timedelta(days=8), 480, D, 0)
    check_cancel_cutoff(YARD, D, 480, eve, 1400)
    with pytest.raises(CutOffPassed, match="100 min left"):
        check_cancel_cutoff(YARD, D, 480, D, 380)
    assert not is_no_show(YARD, D, 480, D, 509) and is_no_show(YARD, D, 480, D, 510)
    assert [checkin_status(YARD, D, 480, D, t) for t in (400, 420, 480, 509, 510)] == [
        "early",
        "on_time",
        "on_time",
        "late",
        "forfeited",
    ]
