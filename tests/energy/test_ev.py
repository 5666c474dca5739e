"""EV sessions: files, validation errors, daily templates, aggregate flexibility."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parkzero.energy.ev import (
    EVSession,
    SessionTemplate,
    expand_templates,
    fleet_profile,
    read_sessions,
    step_window,
)
from parkzero.errors import InputError

EXAMPLE = Path(__file__).parents[2] / "examples" / "energy" / "ev_depot_sessions.csv"
HEADER = "vehicle_id,arrival,departure,energy_kwh,max_power_kw,v2g,battery_kwh,priority\n"


def test_example_templates_repeat_daily() -> None:
    items = read_sessions(EXAMPLE)
    assert len(items) == 12 and all(isinstance(i, SessionTemplate) for i in items)
    idx = pd.date_range("2024-07-01", periods=96 * 3, freq="15min", tz="Asia/Shanghai")
    sessions = expand_templates(items, idx)
    # 3 days × 12 vehicles; overnight sessions of the last day are cut at the end of the index
    assert len(sessions) == 36
    last = [s for s in sessions if s.vehicle_id == "TRUCK-01"][-1]
    # arrives 18:30 on day 3, index ends 24:00: 5.5 h of 12 h plugged → 180 × 5.5/12 kWh
    assert last.energy_kwh == pytest.approx(180 * 5.5 / 12)


def test_dated_sessions_in_yaml(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "sessions:\n  - {vehicle_id: A, arrival: '2024-07-01T08:00', departure: '2024-07-01T10:00',"
        " energy_kwh: 30, max_power_kw: 20}\n",
        encoding="utf-8",
    )
    (s,) = read_sessions(path)
    assert isinstance(s, EVSession)
    assert s.arrival == pd.Timestamp("2024-07-01 08:00", tz="Asia/Shanghai")


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("A,18:00,06:00,-5,60,false,200,1", "energy_kwh", "a number >= 0"),
        ("A,18:00,06:00,50,0,false,200,1", "max_power_kw", "a positive number"),
        ("A,18:00,06:00,50,60,maybe,200,1", "v2g", "true or false"),
        ("A,18:00,06:00,50,60,true,0,1", "battery_kwh", "needs battery_kwh"),
        ("A,18:00,18:00,50,60,false,200,1", "departure", "arrival equals departure"),
        (",18:00,06:00,50,60,false,200,1", "vehicle_id", "missing value"),
        ("A,noon,06:00,50,60,false,200,1", "arrival", "HH:MM"),
    ],
)
def test_bad_rows_name_row_and_column(tmp_path: Path, row: str, column: str, message: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "B,18:00,06:00,50,60,false,200,1\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_sessions(path)
    assert info.value.row == 3 and info.value.column == column
    assert message in str(info.value)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("vehicle_id,arrival\nA,18:00\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_sessions(path)


def test_fleet_profile_bounds_by_hand() -> None:
    idx = pd.date_range("2024-01-01", periods=6, freq="1h", tz="Asia/Shanghai")
    a = EVSession("a", idx[0], idx[3], 10.0, 5.0)  # steps 0-2
    b = EVSession("b", idx[2], idx[5] + pd.Timedelta(minutes=30), 4.0, 4.0)  # steps 2-4 (5 is cut)
    assert step_window(b, idx) == (2, 5)
    f = fleet_profile([a, b], idx, 1.0)
    assert f.available_kw.tolist() == [5, 5, 9, 4, 4, 0]
    # a: lower 0,5,10,10,10,10 ; b: lower 0,0,0,0,4,4 (4 − 4 × remaining steps)
    assert f.lower_kwh.tolist() == [0, 5, 10, 10, 14, 14]
    # a: upper 5,10,10,... ; b: upper 0,0,4,4,4,4
    assert f.upper_kwh.tolist() == [5, 10, 14, 14, 14, 14]
    assert f.uncontrolled_kw.tolist() == [5, 5, 4, 0, 0, 0]
    assert f.plugged.max() == 2 and f.energy_kwh == 14 and f.shortfall_kwh == 0


def test_fleet_profile_caps_impossible_energy() -> None:
    idx = pd.date_range("2024-01-01", periods=4, freq="1h", tz="Asia/Shanghai")
    f = fleet_profile([EVSession("a", idx[0], idx[2], 50.0, 10.0)], idx, 1.0)
    assert f.energy_kwh == 20 and f.shortfall_kwh == 30
    assert np.all(f.lower_kwh <= f.upper_kwh)
