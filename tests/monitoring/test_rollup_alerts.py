"""Roll-ups to activity data through sub-meters, and the alert rules, on stored readings."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from parkzero.monitoring.alerts import monthly_budget
from parkzero.monitoring.rollup import interval_energy, rollup, to_activities
from parkzero.monitoring.service import check_park, ingest, intervals_of, park_activities
from parkzero.store.session import make_sessionmaker

from .conftest import LOG, PARK_ID, STEP, T0, Site

N = 192  # two days of 15-minute readings
GAP = range(50, 54)  # E-COLD does not report these
SPIKE = 100  # E-SORT draws 60 kWh instead of 6 in this interval


def load_site(site: Site) -> None:
    items = []
    for i in range(N):
        items.append(site.sign("E-MAIN", i, 1000 + 10 * i))
        items.append(site.sign("E-SORT", i, 6 * i + (54 if i >= SPIKE else 0)))
        if i not in GAP:
            items.append(site.sign("E-COLD", i, "3.0"))
    for h in range(48):  # water, hourly; the register is replaced after 30 h
        value = 500 + 2 * h if h < 30 else 2 * (h - 30) + 1
        items.append(site.sign("W-1", 4 * h, value))
    result = ingest(site.engine, PARK_ID, items, log=LOG, source="csv")
    assert result.accepted == len(items)


def test_interval_energy_resets_and_gaps(site: Site) -> None:
    load_site(site)
    with make_sessionmaker(site.engine)() as s:
        _meters, intervals = intervals_of(s, PARK_ID)
    by = intervals.groupby("meter_id")
    assert by["quantity"].sum().to_dict() == pytest.approx(
        {
            "E-MAIN": 1910.0,
            "E-SORT": 1146.0 + 54,
            "E-COLD": 3.0 * (N - 4),
            "W-1": 2 * 29 + 1 + 2 * 17,
        }
    )
    water = intervals[intervals["meter_id"] == "W-1"]
    assert water["reset"].sum() == 1
    cold = intervals[intervals["meter_id"] == "E-COLD"]
    assert cold["gap"].sum() == 1 and cold["missing"].sum() == 4


def test_monthly_activities_are_attributed_through_sub_meters(site: Site) -> None:
    load_site(site)
    with make_sessionmaker(site.engine)() as s:
        acts = park_activities(s, PARK_ID)
    elec = {a.source_id: a for a in acts if a.kind == "electricity.grid"}
    assert elec["E-SORT"].quantity == pytest.approx(1200.0)
    assert elec["E-SORT"].zone == "sorting"
    assert elec["E-COLD"].quantity == pytest.approx(564.0)
    assert (elec["E-COLD"].zone, elec["E-COLD"].tenant) == ("cold-store", "coldco")
    remainder = elec["E-MAIN (remainder after sub-meters)"]
    assert remainder.quantity == pytest.approx(1910.0 - 1200.0 - 564.0)
    assert sum(a.quantity for a in elec.values()) == pytest.approx(1910.0)  # nothing twice
    assert {(a.start, a.end) for a in acts} == {(dt.date(2024, 3, 1), dt.date(2024, 3, 31))}
    water = [a for a in acts if a.kind == "water.supply"]
    assert len(water) == 1 and water[0].unit == "m**3" and water[0].quantity == pytest.approx(93.0)


def test_rollup_splits_intervals_across_periods() -> None:
    from parkzero.monitoring.registry import MeterSpec

    meter = MeterSpec("E1", "electricity", "cumulative", bytes(32), "kWh")
    ts = pd.to_datetime(["2024-03-31 15:00", "2024-03-31 17:00"], utc=True)  # 23:00 → 01:00 local
    readings = pd.DataFrame({"meter_id": "E1", "ts": ts, "value": [0.0, 8.0]})
    intervals = interval_energy(readings, [meter])
    assert bool(intervals["gap"].iloc[0])
    monthly = rollup(intervals, [meter], "month")
    assert monthly["quantity"].tolist() == [4.0, 4.0]
    assert [p.month for p in monthly["period"]] == [3, 4]
    hourly = rollup(intervals, [meter], "hour")
    assert hourly["quantity"].tolist() == [4.0, 4.0]
    acts = to_activities(monthly)
    assert [(a.start, a.quantity) for a in acts] == [
        (dt.date(2024, 3, 1), 4.0),
        (dt.date(2024, 4, 1), 4.0),
    ]


def test_alert_rules_on_stored_readings(site: Site) -> None:
    load_site(site)
    now = T0 + (N - 1) * STEP + dt.timedelta(hours=2, minutes=15)
    with make_sessionmaker(site.engine)() as s, s.begin():
        raised = check_park(s, PARK_ID, now, budgets={"2024-03": 0.5})
    kinds: dict[str, set[str]] = {}
    for a in raised:
        kinds.setdefault(a.kind, set()).add(a.subject)
    assert kinds["silent"] == {"E-MAIN", "E-SORT", "E-COLD"}  # water reports hourly: 4 h limit
    assert kinds["reset"] == {"W-1"}
    assert kinds["gap"] == {"E-COLD"}
    assert kinds["anomaly"] == {"E-SORT"}
    assert kinds["balance"] == {"E-MAIN"}  # sub-meters explain 9 of every 10 kWh
    assert kinds["budget"] == {"park"}
    budget = next(a for a in raised if a.kind == "budget")
    assert budget.severity == "critical"
    assert (
        budget.details is not None
        and budget.details["emitted_tco2e"] > budget.details["allowed_tco2e"]
    )
    with make_sessionmaker(site.engine)() as s, s.begin():
        assert check_park(s, PARK_ID, now, budgets={"2024-03": 0.5}) == []  # nothing twice
    with make_sessionmaker(site.engine)() as s, s.begin():
        later = check_park(s, PARK_ID, now + dt.timedelta(minutes=1), budgets={"2024-03": 1e6})
        assert all(a.kind != "budget" for a in later)


def test_monthly_budget_from_pathway() -> None:
    assert monthly_budget({"2023": 365.0}, 2023, 4) == pytest.approx(30.0)
    assert monthly_budget({"2023-04": 12.0, "2023": 365.0}, 2023, 4) == 12.0
    assert monthly_budget({}, 2023, 4) is None
