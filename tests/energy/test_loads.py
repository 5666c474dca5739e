"""parkzero.energy.loads: shapes, meter CSVs, day alignment, holidays and errors."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parkzero.config import packaged_data
from parkzero.energy import loads
from parkzero.energy.loads import LoadSpec, load_profile, read_meter_csv
from parkzero.errors import ConfigError, InputError

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "examples" / "demo-park" / "load_2024_hourly.csv"


def _atlanta() -> np.ndarray:
    return np.loadtxt(packaged_data("energy/load_shapes/crb8760_norm_Atlanta_Warehouse.dat"))


def test_shape_scaled_to_annual_kwh_and_aligned_by_weekday() -> None:
    s = load_profile({"shape": "warehouse_atlanta", "annual_kwh": 1_000_000}, 2024)
    assert len(s) == 8760 and str(s.index.tz) == "Asia/Shanghai"
    assert s.sum() == pytest.approx(1_000_000)
    frac = _atlanta().reshape(365, 24)
    # Thursday 2024-03-07 (a normal day) takes the nearest 2017 Thursday: 2017-03-09 (day 67);
    # scale = 1e6 / sum of the picked days, so compare shapes, not levels
    day = s["2024-03-07"].to_numpy()
    np.testing.assert_allclose(day / day.sum(), frac[67] / frac[67].sum(), rtol=1e-12)


def test_chinese_holidays_take_a_sunday_and_makeup_days_a_workday() -> None:
    s = load_profile({"city": "wuhan", "annual_kwh": 2e7}, 2024)
    daily = s.groupby(s.index.normalize()).sum()
    monday_holiday = daily[pd.Timestamp("2024-02-12", tz="Asia/Shanghai")]  # 春节
    monday_normal = daily[pd.Timestamp("2024-02-26", tz="Asia/Shanghai")]
    sunday_worked = daily[pd.Timestamp("2024-02-04", tz="Asia/Shanghai")]  # 调休
    sunday_off = daily[pd.Timestamp("2024-02-25", tz="Asia/Shanghai")]
    # the warehouse shape's Sundays run at ~50 % of a weekday
    assert monday_holiday < 0.7 * monday_normal
    assert sunday_worked > 1.4 * sunday_off
    plain = load_profile({"city": "wuhan", "annual_kwh": 2e7, "holidays": False}, 2024)
    pd_daily = plain.groupby(plain.index.normalize()).sum()
    assert pd_daily[pd.Timestamp("2024-02-12", tz="Asia/Shanghai")] > 0.9 * monday_normal


def test_align_days_keeps_weekdays() -> None:
    src = loads._year_days(2017)
    pick = loads.align_days(src, 2025, holidays=False, source_holidays=False)
    target = loads._year_days(2025)
    assert all(src[j].weekday() == d.weekday() for j, d in zip(pick, target, strict=True))
    # at most 3 days away inside the year, 6 at its ends (no source days beyond 31 December)
    assert max(abs(int(j) - i) for i, j in enumerate(pick) if 3 <= i <= 361) <= 3
    assert max(abs(int(j) - i) for i, j in enumerate(pick)) <= 6


def test_fifteen_minute_shape_holds_the_hour() -> None:
    s = load_profile({"shape": "warehouse_houston", "annual_kwh": 8760}, 2023, "15min")
    assert len(s) == 35040
    assert (s.sum() * 0.25) == pytest.approx(8760)
    np.testing.assert_allclose(s.to_numpy()[:4], s.to_numpy()[0])


def test_demo_meter_csv_round_trip() -> None:
    raw = pd.read_csv(DEMO)
    s = load_profile({"csv": DEMO}, 2024)
    feb29 = raw["timestamp"].str.startswith("2024-02-29")
    assert len(s) == 8760
    # hourly kWh = mean kW; 29 February dropped: 22,283 MWh minus that day
    assert s.sum() == pytest.approx(raw.loc[~feb29, "kwh"].sum(), rel=1e-12)
    assert s.iloc[0] == pytest.approx(raw["kwh"].iloc[0])
    rel = load_profile({"csv": "load_2024_hourly.csv"}, 2024, base_dir=DEMO.parent)
    pd.testing.assert_series_equal(s, rel)


def test_meter_year_moved_onto_another_year() -> None:
    s24 = load_profile({"csv": DEMO}, 2024)
    s25 = load_profile({"csv": DEMO, "annual_kwh": 2.1e7}, 2025)
    assert s25.sum() == pytest.approx(2.1e7)
    assert s25.index[0] == pd.Timestamp("2025-01-01", tz="Asia/Shanghai")
    # Wednesday 2025-03-12 takes the nearest normal Wednesday of 2024: 2024-03-13
    a = s25["2025-03-12"].to_numpy()
    b = s24["2024-03-13"].to_numpy()
    np.testing.assert_allclose(a / a.sum(), b / b.sum())


def _write(path: Path, rows: list[str], header: str = "timestamp,kwh") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _year_rows(step_min: int = 60, unit_kw: float = 100.0) -> list[str]:
    idx = pd.date_range("2023-01-01", "2024-01-01", freq=f"{step_min}min", inclusive="left")
    return [f"{t:%Y-%m-%dT%H:%M},{unit_kw}" for t in idx]


def test_quarter_hour_kw_csv(tmp_path: Path) -> None:
    idx = pd.date_range("2023-01-01", "2024-01-01", freq="15min", inclusive="left")
    kw = 100 + 40 * (np.arange(len(idx)) % 4)  # 100, 140, 180, 220 kW in each hour
    f = tmp_path / "q.csv"
    f.write_text(
        "timestamp,kw\n"
        + "\n".join(f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(idx, kw, strict=True)),
        encoding="utf-8",
    )
    hourly = load_profile({"csv": f}, 2023)
    assert hourly.iloc[0] == pytest.approx(160.0)  # (100 + 140 + 180 + 220) / 4
    quarter = load_profile({"csv": f}, 2023, "15min")
    np.testing.assert_allclose(quarter.to_numpy()[:4], [100, 140, 180, 220])


def test_duplicates_are_reported_with_rows(tmp_path: Path) -> None:
    rows = _year_rows()
    rows.insert(5, rows[4])  # data row 6 repeats row 5 -> file rows 6 and 7
    f = _write(tmp_path / "dup.csv", rows)
    with pytest.raises(InputError, match=r"duplicate time stamps in rows 7 \(first: 2023-01-01"):
        read_meter_csv(f)


def test_gaps_are_reported_with_rows_and_can_be_filled(tmp_path: Path) -> None:
    rows = _year_rows()
    del rows[10:12]  # 10:00 and 11:00 on 1 January missing: between file rows 11 and 12
    rows[100] = rows[100].split(",")[0] + ","  # an empty reading
    f = _write(tmp_path / "gap.csv", rows)
    with pytest.raises(InputError) as err:
        read_meter_csv(f)
    assert "2 gap(s)" in str(err.value)
    assert "2 h missing from 2023-01-01 10:00 (between rows 11 and 12)" in str(err.value)
    assert "fill_gaps: true" in str(err.value)
    meter = read_meter_csv(f, fill_gaps=True)
    assert len(meter.filled) == 2
    assert meter.kw.isna().sum() == 0
    assert meter.kw.iloc[10] == pytest.approx(100.0)
    s = load_profile({"csv": f, "fill_gaps": True}, 2023)
    assert s.sum() == pytest.approx(100.0 * 8760)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda r: r.__setitem__(3, "yesterday,5"), r'row 5, column "timestamp": "yesterday"'),
        (lambda r: r.__setitem__(3, r[3].split(",")[0] + ",lots"), r'row 5, column "kwh": "lots"'),
        (lambda r: r.__setitem__(3, r[3].split(",")[0] + ",-4"), r"negative load in rows 5"),
        (lambda r: r.__setitem__(3, r[5]), r"go backwards at row 6"),
    ],
)
def test_bad_rows(tmp_path: Path, edit: object, match: str) -> None:
    rows = _year_rows()
    edit(rows)  # type: ignore[operator]
    with pytest.raises(InputError, match=match):
        read_meter_csv(_write(tmp_path / "bad.csv", rows))


def test_wrong_interval_missing_column_and_short_data(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="30 minutes apart"):
        read_meter_csv(_write(tmp_path / "a.csv", _year_rows(30)))
    with pytest.raises(InputError, match="no load column"):
        read_meter_csv(_write(tmp_path / "b.csv", _year_rows(), "timestamp,energy"))
    short = _write(tmp_path / "c.csv", _year_rows()[:500])
    with pytest.raises(InputError, match="a full calendar year is needed"):
        load_profile({"csv": short}, 2023)


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"shape": "warehouse_atlanta"}, "annual_kwh is required"),
        ({"csv": "x.csv", "shape": "warehouse_atlanta", "annual_kwh": 1}, "exactly one of"),
        ({"shape": "warehouse_tokyo", "annual_kwh": 1}, "unknown load shape"),
        ({"city": "lhasa", "annual_kwh": 1}, "no climate analogue"),
        ({"city": "wuhan", "annual_kwh": -5}, "greater than 0"),
    ],
)
def test_bad_specs(spec: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_profile(spec, 2024)


def test_spec_object_and_holiday_calendar() -> None:
    spec = LoadSpec(city="guangzhou", annual_kwh=1e6)
    assert load_profile(spec, 2025).sum() == pytest.approx(1e6)
    assert loads.holiday_years() == [2023, 2024, 2025]
    kinds = loads.day_kinds([dt.date(2025, 1, 26), dt.date(2025, 1, 29), dt.date(2025, 3, 1)])
    assert list(kinds) == [0, 2, 1]  # worked Sunday, 春节, plain Saturday


def test_committed_demo_csv_equals_generator_output(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_energy_data", ROOT / "examples" / "demo-park" / "make_energy_data.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    frame = mod.build()
    out = tmp_path / "load.csv"
    frame.to_csv(out, index=False, lineterminator="\n")
    assert out.read_bytes() == DEMO.read_bytes()
    # the hourly year adds up to the monthly activity data: 22,283 MWh use, 19,306 MWh grid
    assert frame["kwh"].sum() / 1e3 == pytest.approx(22283, abs=1)
    assert frame["grid_kwh"].sum() / 1e3 == pytest.approx(19306.4, abs=1)
