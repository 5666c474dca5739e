"""parkzero.energy.forecast: features, rolling-origin backtest against seasonal naive, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parkzero.energy import forecast as fc
from parkzero.errors import InputError

DEMO = Path(__file__).parents[2] / "examples" / "demo-park" / "load_2024_hourly.csv"
# a quick model: fewer trees than the default, so the test stays fast
FAST = fc.ForecastParams(
    min_train_days=42, retrain_days=14, max_iter=80, latitude=30.65, longitude=114.15
)


@pytest.fixture(scope="module")
def spring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo year from 19 February to 31 May (103 days): 42 training days, 61 forecast."""
    raw = pd.read_csv(DEMO)
    part = raw[(raw["timestamp"] >= "2024-02-19") & (raw["timestamp"] < "2024-06-01")]
    path = tmp_path_factory.mktemp("fc") / "spring.csv"
    part.to_csv(path, index=False)
    return path


def test_read_history_units_and_columns(spring: Path) -> None:
    h = fc.read_history(spring, "load")
    assert len(h.frame) == 103 * 24
    assert set(h.frame.columns) == {"y", "temp_c", "ghi_wm2"}
    first = pd.read_csv(spring)["kwh"].iloc[0]
    assert h.frame["y"].iloc[0] == pytest.approx(first)  # kWh per hour = kW
    p = fc.read_history(spring, "pv")
    assert "kwp" in p.frame.columns
    assert p.frame["kwp"].iloc[0] == 1600 and p.frame["kwp"].iloc[-1] == 3000


def test_load_backtest_beats_seasonal_naive(spring: Path) -> None:
    h = fc.read_history(spring, "load")
    b = fc.backtest(h, FAST)
    assert b.days == 61 and b.origins == 5  # origins on days 42, 56, 70, 84, 98
    pred = b.predictions
    # naive is the same hour a week earlier
    raw = h.frame["y"]
    t = pred.index[30]
    assert pred.loc[t, "naive"] == pytest.approx(raw.loc[t - pd.Timedelta(hours=168)])
    # metrics are what they say
    err = pred["model"] - pred["actual"]
    assert b.metrics["mae_kw"] == pytest.approx(err.abs().mean())
    assert b.metrics["nmae_pct"] == pytest.approx(100 * err.abs().sum() / pred["actual"].sum())
    assert b.metrics["mape_pct"] == pytest.approx(100 * (err.abs() / pred["actual"]).mean())
    assert b.skill == pytest.approx(1 - b.metrics["mae_kw"] / b.naive["mae_kw"])
    # the spring has Qingming and the May holidays, which a week-old value gets wrong
    assert b.skill > 0.2
    assert b.metrics["mape_pct"] < 8.0


def test_pv_backtest_uses_nmae_and_beats_yesterday(spring: Path) -> None:
    h = fc.read_history(spring, "pv")
    b = fc.backtest(h, FAST)
    pred = b.predictions
    assert "mape_daylight_pct" in b.metrics and "mape_pct" not in b.metrics
    # night stays dark
    night = pred.index.hour < 5
    assert (pred.loc[night, "model"] == 0).all()
    # naive = yesterday × capacity ratio: across 1 April the capacity grows 1,600 -> 3,000 kWp
    t = pd.Timestamp("2024-04-01 12:00", tz="Asia/Shanghai")
    yesterday = h.frame["y"].loc[t - pd.Timedelta(hours=24)]
    assert pred.loc[t, "naive"] == pytest.approx(yesterday * 3000 / 1600)
    assert b.skill > 0.2


def test_day_ahead_forecasts_future_rows(spring: Path, tmp_path: Path) -> None:
    raw = pd.read_csv(spring)
    future = raw.tail(24).copy()
    future["timestamp"] = [
        (pd.Timestamp(x) + pd.Timedelta(days=1)).isoformat() for x in future["timestamp"]
    ]
    future[["kwh", "grid_kwh", "pv_kwh"]] = np.nan
    path = tmp_path / "with_future.csv"
    pd.concat([raw, future]).to_csv(path, index=False)
    h = fc.read_history(path, "load")
    assert h.last_observed == pd.Timestamp("2024-05-31 23:00", tz="Asia/Shanghai")
    nxt = fc.day_ahead(h, FAST)
    assert len(nxt) == 24 and nxt.index[0] == pd.Timestamp("2024-06-01", tz="Asia/Shanghai")
    # a plausible day for this park: 1-5 MW
    assert 1000 < nxt.min() and nxt.max() < 5000
    pvh = fc.read_history(path, "pv")
    pv_next = fc.day_ahead(pvh, FAST)
    assert pv_next.iloc[0] == 0.0 and pv_next.max() > 300


def test_day_ahead_without_future_rows(spring: Path) -> None:
    h = fc.read_history(spring, "load")
    nxt = fc.day_ahead(h, FAST)
    assert len(nxt) == 24 and nxt.index[0] == pd.Timestamp("2024-06-01", tz="Asia/Shanghai")


def test_errors_name_file_row_and_column(tmp_path: Path, spring: Path) -> None:
    raw = pd.read_csv(spring)
    short = tmp_path / "short.csv"
    raw.head(24 * 10).to_csv(short, index=False)
    with pytest.raises(InputError, match="at least 14 days"):
        fc.read_history(short, "load")
    mid = tmp_path / "mid.csv"
    raw.head(24 * 20).to_csv(mid, index=False)
    with pytest.raises(InputError, match="need min_train_days"):
        fc.backtest(fc.read_history(mid, "load"), FAST)
    dup = tmp_path / "dup.csv"
    pd.concat([raw.head(5), raw.iloc[[4]], raw.iloc[5:]]).to_csv(dup, index=False)
    with pytest.raises(InputError, match=r'row 7, column "timestamp": duplicate'):
        fc.read_history(dup, "load")
    nocol = tmp_path / "nocol.csv"
    raw[["timestamp", "temp_c"]].to_csv(nocol, index=False)
    with pytest.raises(InputError, match="no pv column"):
        fc.read_history(nocol, "pv")
