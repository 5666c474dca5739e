"""Day-ahead load and PV forecasts with gradient boosting, backtested against seasonal naive.

The model is scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingRegressor` on hourly
features:

- calendar: hour, weekday, day off (weekend or Chinese public holiday, make-up working days
  count as working; :func:`parkzero.energy.loads.off_days`), season (sine and cosine of the day
  of the year);
- weather, if the history has the columns: ``temp_c`` [°C] and ``ghi_wm2`` [W/m2] — these should
  be the *day-ahead forecasts* a park receives, not measurements, or the backtest flatters the
  model; and clear-sky GHI from the site's location (pvlib Ineichen) when a location is given;
- history: the value 24 h and 168 h earlier, whether those days were off, and the mean of the
  previous day. For PV the target is output per kWp when the history has ``pv_kwp`` (so a
  capacity change does not confuse the model), and the previous day's clearness (its energy over
  its clear-sky energy) replaces the daily mean.

Day-ahead means: the forecast for day D is made at the end of day D−1, from data up to then.
The **rolling-origin backtest** trains on everything before an origin day, forecasts the next
``retrain_days`` days one day at a time (each day's lags reach back only to days before it),
then moves the origin on and retrains. Its baseline, measured on the same hours, is the
**seasonal naive** forecast: the same hour a week earlier for load, the same hour the day before
for PV (scaled by the capacity ratio when ``pv_kwp`` changes).

Metrics (over all backtest hours): MAE [kW], RMSE [kW], nMAE = Σ|error| / Σ actual [%] and, for
load, MAPE = mean(|error| / actual) [%]. PV has zeros every night, where a percentage error is
undefined, so for PV MAPE is computed only over hours with output above 10 % of capacity
(``mape_daylight_pct``) and nMAE is the headline. **Skill** = 1 − MAE_model / MAE_naive [-]:
0 is no better than naive, 0.2 is 20 % better.

History CSV (hourly or 15-minute; 15-minute is averaged to hours)::

    timestamp,kwh,pv_kwh,pv_kwp,temp_c,ghi_wm2
    2024-01-01T00:00+08:00,1878.8,0.0,1600,5.5,0.0

The load column is ``kwh``/``kw``/``load_kwh``/``load_kw`` (or ``column``), the PV column
``pv_kwh``/``pv_kw``. Rows after the last reading that carry weather but no target value are the
days to forecast: :func:`day_ahead` forecasts them (or, without such rows, the next 24 hours with
the weather features left empty).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pvlib
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from parkzero.energy.loads import off_days
from parkzero.energy.weather import _check_tz, _ineichen_ghi, day_of_year
from parkzero.errors import ConfigError, InputError

__all__ = [
    "Backtest",
    "ForecastParams",
    "History",
    "backtest",
    "day_ahead",
    "feature_frame",
    "read_history",
]

Target = Literal["load", "pv"]
_TARGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "load": ("kwh", "kw", "load_kwh", "load_kw"),
    "pv": ("pv_kwh", "pv_kw"),
}
_WEATHER = ("temp_c", "ghi_wm2")


@dataclass(frozen=True)
class ForecastParams:
    """Settings of the model and the backtest.

    Parameters
    ----------
    min_train_days : int
        Days of history before the first backtest origin [d].
    retrain_days : int
        Days forecast between two retrainings (the origin step) [d].
    max_iter, learning_rate, max_leaf_nodes, l2_regularization :
        HistGradientBoostingRegressor settings [-].
    seed : int
        Random state [-].
    threads : int
        OpenMP threads per fit [-]; 1 by default because the many small fits of a backtest
        run fastest single-threaded on a shared machine.
    latitude, longitude, altitude_m : float, optional
        Site location for the clear-sky feature [°N, °E, m].
    """

    min_train_days: int = 42
    retrain_days: int = 7
    max_iter: int = 250
    learning_rate: float = 0.06
    max_leaf_nodes: int = 31
    l2_regularization: float = 1.0
    seed: int = 0
    threads: int = 1
    latitude: float | None = None
    longitude: float | None = None
    altitude_m: float = 0.0


@dataclass(frozen=True)
class History:
    """An hourly history read by :func:`read_history`.

    Parameters
    ----------
    target : str
        ``"load"`` or ``"pv"`` [-].
    frame : pandas.DataFrame
        Hourly, tz-aware; column ``y`` (mean power [kW]) and, when present, ``temp_c`` [°C],
        ``ghi_wm2`` [W/m2], ``kwp`` [kWp]. Rows after the last reading have ``y`` = NaN.
    last_observed : pandas.Timestamp
        Start of the last hour with a reading [-].
    source : str
        File name [-].
    filled_hours : int
        Missing readings inside the history that were interpolated [h].
    """

    target: str
    frame: pd.DataFrame
    last_observed: pd.Timestamp
    source: str
    filled_hours: int = 0


@dataclass(frozen=True)
class Backtest:
    """Result of a rolling-origin backtest.

    Parameters
    ----------
    target : str
        [-].
    metrics, naive : dict
        ``mae_kw``, ``rmse_kw``, ``nmae_pct``, ``mape_pct`` (load) or ``mape_daylight_pct``
        (PV) for the model and for seasonal naive [kW, %].
    skill : float
        1 − MAE_model / MAE_naive [-].
    predictions : pandas.DataFrame
        ``actual``, ``model``, ``naive`` for every backtest hour [kW].
    origins : int
        Number of retrainings [-].
    days : int
        Days forecast [d].
    features : list of str
        Feature names [-].
    """

    target: str
    metrics: dict[str, float]
    naive: dict[str, float]
    skill: float
    predictions: pd.DataFrame
    origins: int
    days: int
    features: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no per-hour data)."""
        return {
            "target": self.target,
            "hours": len(self.predictions),
            "days": self.days,
            "origins": self.origins,
            "first": self.predictions.index[0].isoformat() if len(self.predictions) else None,
            "last": self.predictions.index[-1].isoformat() if len(self.predictions) else None,
            "model": self.metrics,
            "naive": self.naive,
            "skill": self.skill,
            "features": self.features,
        }


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------


def _find(header: list[str], names: tuple[str, ...]) -> str | None:
    lower = {h.strip().lower(): h for h in header}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def read_history(
    path: str | Path,
    target: Target = "load",
    *,
    column: str | None = None,
    tz: str = "Asia/Shanghai",
) -> History:
    """Read a history CSV (format in the module docstring).

    Raises
    ------
    InputError
        Missing file or columns, bad time stamps or numbers, duplicates, rows out of order, an
        interval other than 15 minutes or one hour, or fewer than 14 days of readings; the
        message names the file, row (header = row 1) and column.
    """
    if target not in _TARGET_COLUMNS:
        raise ConfigError(f'target "{target}" is not load or pv', column="target")
    p = Path(path)
    src = str(p)
    if not p.is_file():
        raise InputError(f"file {p} does not exist", source=src)
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as CSV: {exc}", source=src) from None
    header = [str(c) for c in raw.columns]
    if "timestamp" not in header:
        raise InputError(
            f"no timestamp column (columns: {', '.join(header)})", source=src, column="timestamp"
        )
    name = column or _find(header, _TARGET_COLUMNS[target])
    if name is None or name not in header:
        raise InputError(
            f"no {target} column: expected one of {', '.join(_TARGET_COLUMNS[target])} "
            f"(columns: {', '.join(header)})",
            source=src,
            column=column,
        )
    _check_tz(tz)
    text = raw["timestamp"].str.strip()
    stamps = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    if stamps.isna().any():
        i = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise InputError(
            f'"{text.iloc[i]}" is not a time stamp (expected ISO 8601)',
            source=src,
            row=i + 2,
            column="timestamp",
        )
    if not text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True).any():
        stamps = pd.to_datetime(text, format="ISO8601").dt.tz_localize(tz).dt.tz_convert("UTC")
    t = pd.DatetimeIndex(stamps).as_unit("ns").tz_convert(tz)
    diffs = np.diff(t.asi8)
    if (diffs <= 0).any():
        i = int(np.flatnonzero(diffs <= 0)[0])
        what = "duplicate time stamp" if diffs[i] == 0 else "time stamps go backwards"
        raise InputError(f"{what} ({t[i + 1]})", source=src, row=i + 3, column="timestamp")
    step_h = float(np.median(diffs)) / 3.6e12
    if step_h not in (0.25, 1.0):
        raise InputError(
            f"rows are {step_h * 60:g} minutes apart (expected 15 minutes or one hour)",
            source=src,
            column="timestamp",
        )
    cols = {"y": name}
    for c in _WEATHER:
        if c in header:
            cols[c] = c
    kwp_col = _find(header, ("pv_kwp",)) if target == "pv" else None
    if kwp_col:
        cols["kwp"] = kwp_col
    data = {}
    for key, col in cols.items():
        values = pd.to_numeric(raw[col].str.strip(), errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy() & (raw[col].str.strip() != "").to_numpy())
        if bad.size:
            i = int(bad[0])
            raise InputError(
                f'"{raw[col].iloc[i]}" is not a number', source=src, row=i + 2, column=col
            )
        data[key] = values.to_numpy(dtype=float)
    frame = pd.DataFrame(data, index=t)
    unit_energy = name.strip().lower().endswith("kwh")
    if unit_energy:
        frame["y"] = frame["y"] / step_h
    if (frame["y"] < 0).any():
        i = int(np.flatnonzero((frame["y"] < 0).to_numpy())[0])
        raise InputError("negative value (expected ≥ 0)", source=src, row=i + 2, column=name)
    frame = frame.resample("1h").mean() if step_h < 1 else frame.asfreq("1h")
    observed = frame["y"].notna().to_numpy()
    if not observed.any():
        raise InputError("no readings", source=src, column=name)
    last = int(np.flatnonzero(observed)[-1])
    if last + 1 < 14 * 24:
        raise InputError(
            f"only {last + 1} hours of readings; at least 14 days are needed", source=src
        )
    yv = frame["y"].to_numpy(dtype=float, copy=True)
    filled = int(np.isnan(yv[: last + 1]).sum())
    yv[: last + 1] = pd.Series(yv[: last + 1]).interpolate(limit_direction="both").to_numpy()
    frame["y"] = yv
    for c in [c for c in frame.columns if c != "y"]:
        frame[c] = frame[c].interpolate(limit_direction="both")
    return History(
        target=target,
        frame=frame,
        last_observed=pd.Timestamp(frame.index[last]),
        source=p.name,
        filled_hours=filled,
    )


# ---------------------------------------------------------------------------------------------
# features
# ---------------------------------------------------------------------------------------------


def _clearsky(index: pd.DatetimeIndex, params: ForecastParams) -> np.ndarray | None:
    if params.latitude is None or params.longitude is None:
        return None
    mid = index + pd.Timedelta(minutes=30)
    loc = pvlib.location.Location(params.latitude, params.longitude, altitude=params.altitude_m)
    sp = loc.get_solarposition(mid)
    return _ineichen_ghi(
        params.latitude, params.longitude, params.altitude_m, mid, sp, day_of_year(mid)
    )


def feature_frame(history: History, params: ForecastParams | None = None) -> pd.DataFrame:
    """The model's features for every hour of the history (and the future rows) [-].

    Columns are named for what they are; lags are of the (per-kWp for PV) target [kW or kW/kWp].
    """
    p = params or ForecastParams()
    f = history.frame
    idx = pd.DatetimeIndex(f.index)
    y = f["y"].to_numpy(dtype=float)
    if history.target == "pv" and "kwp" in f.columns:
        y = y / np.where(f["kwp"].to_numpy() > 0, f["kwp"].to_numpy(), np.nan)
    doy = day_of_year(idx)
    off = off_days(idx)
    out = pd.DataFrame(index=idx)
    out["hour"] = idx.hour
    out["weekday"] = idx.day_of_week
    out["off"] = off
    out["season_sin"] = np.sin(2 * math.pi * doy / 365.25)
    out["season_cos"] = np.cos(2 * math.pi * doy / 365.25)
    for c in _WEATHER:
        if c in f.columns:
            out[c] = f[c].to_numpy(dtype=float)
    cs = _clearsky(idx, p)
    n = len(idx)

    def lag(values: np.ndarray, k: int) -> np.ndarray:
        res = np.full(n, np.nan)
        res[k:] = values[:-k]
        return res

    out["lag_24h"] = lag(y, 24)
    out["off_24h"] = lag(off, 24)
    # previous calendar day's mean (or PV clearness), the same for every hour of a day
    day_key = idx.normalize()
    daily = pd.Series(y, index=idx).groupby(day_key).mean()
    prev = daily.shift(1)
    if history.target == "load":
        out["lag_168h"] = lag(y, 168)
        out["off_168h"] = lag(off, 168)
        out["prev_day_mean"] = prev.reindex(day_key).to_numpy()
        if "temp_c" in f.columns:
            tday = f["temp_c"].groupby(day_key).mean()
            out["temp_day_mean"] = tday.reindex(day_key).to_numpy()
    else:
        if cs is not None:
            out["clearsky_ghi"] = cs
            cs_daily = pd.Series(cs, index=idx).groupby(day_key).mean()
            with np.errstate(divide="ignore", invalid="ignore"):
                clearness = (daily / cs_daily).shift(1)
            out["prev_day_clearness"] = clearness.reindex(day_key).to_numpy()
            if "ghi_wm2" in f.columns:
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(cs > 20, f["ghi_wm2"].to_numpy() / cs, np.nan)
                out["ghi_fcst_clearness"] = ratio
        else:
            out["prev_day_mean"] = prev.reindex(day_key).to_numpy()
    return out


def _target_values(history: History) -> tuple[np.ndarray, np.ndarray]:
    """Model target (per kWp for PV with capacity) and the factor back to kW."""
    f = history.frame
    y = f["y"].to_numpy(dtype=float)
    if history.target == "pv" and "kwp" in f.columns:
        k = f["kwp"].to_numpy(dtype=float)
        return y / np.where(k > 0, k, np.nan), k
    return y, np.ones(len(y))


def _model(p: ForecastParams) -> HistGradientBoostingRegressor:
    return HistGradientBoostingRegressor(
        max_iter=p.max_iter,
        learning_rate=p.learning_rate,
        max_leaf_nodes=p.max_leaf_nodes,
        l2_regularization=p.l2_regularization,
        early_stopping=False,
        random_state=p.seed,
    )


def _naive(history: History) -> np.ndarray:
    f = history.frame
    y = f["y"].to_numpy(dtype=float)
    k = 168 if history.target == "load" else 24
    out = np.full(len(y), np.nan)
    out[k:] = y[:-k]
    if history.target == "pv" and "kwp" in f.columns:
        cap = f["kwp"].to_numpy(dtype=float)
        ratio = np.ones(len(y))
        ratio[k:] = np.divide(cap[k:], cap[:-k], out=np.ones(len(y) - k), where=cap[:-k] > 0)
        out = out * ratio
    return out


def _metrics(
    actual: np.ndarray, pred: np.ndarray, target: str, cap: np.ndarray
) -> dict[str, float]:
    err = pred - actual
    out = {
        "mae_kw": float(np.mean(np.abs(err))),
        "rmse_kw": float(np.sqrt(np.mean(err**2))),
        "nmae_pct": float(100 * np.sum(np.abs(err)) / np.sum(actual))
        if np.sum(actual)
        else math.nan,
    }
    if target == "load":
        pos = actual > 0
        out["mape_pct"] = float(100 * np.mean(np.abs(err[pos]) / actual[pos]))
    else:
        day = actual > 0.1 * cap if np.any(cap > 1) else actual > 0.1 * np.max(actual)
        out["mape_daylight_pct"] = (
            float(100 * np.mean(np.abs(err[day]) / actual[day])) if day.any() else math.nan
        )
    return out


def _fit_predict(
    feats: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray, p: ForecastParams
) -> np.ndarray:
    ok = train & ~np.isnan(y)
    model = _model(p)
    x = feats.to_numpy(dtype=float)
    with threadpool_limits(limits=p.threads, user_api="openmp"):
        model.fit(x[ok], y[ok])
        return np.asarray(model.predict(x[test]), dtype=float)


def _post(pred: np.ndarray, history: History, feats: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    out = np.clip(pred, 0.0, None)
    if history.target == "pv" and "clearsky_ghi" in feats.columns:
        out[feats["clearsky_ghi"].to_numpy()[rows] <= 0] = 0.0
    return out


def backtest(
    history: History, params: ForecastParams | None = None, *, days: int | None = None
) -> Backtest:
    """Rolling-origin day-ahead backtest of the model against seasonal naive.

    Parameters
    ----------
    history : History
        From :func:`read_history` [-].
    params : ForecastParams, optional
        [-].
    days : int, optional
        Forecast only the last ``days`` days of the history (default: every day after
        ``min_train_days``) [d].

    Raises
    ------
    InputError
        Not enough history for the training window and one week of backtest.
    """
    p = params or ForecastParams()
    f = history.frame
    idx = pd.DatetimeIndex(f.index)
    observed = np.asarray(idx <= history.last_observed)
    day_key = idx.normalize()
    all_days = day_key[observed].unique()
    first = p.min_train_days if days is None else max(p.min_train_days, len(all_days) - days)
    if len(all_days) - first < 1 or first < 8:
        raise InputError(
            f"{len(all_days)} days of history: need min_train_days ({p.min_train_days}, ≥ 8) "
            "plus at least one day to forecast",
            source=history.source,
        )
    feats = feature_frame(history, p)
    y, scale = _target_values(history)
    naive = _naive(history)
    pred = np.full(len(idx), np.nan)
    origins = 0
    for o in range(first, len(all_days), p.retrain_days):
        start = all_days[o]
        end = all_days[min(o + p.retrain_days, len(all_days)) - 1] + pd.Timedelta(days=1)
        train = np.asarray(day_key < start) & observed
        test = np.asarray((idx >= start) & (idx < end)) & observed
        rows = np.flatnonzero(test)
        raw = _fit_predict(feats, y, train, test, p)
        pred[rows] = _post(raw, history, feats, rows) * scale[rows]
        origins += 1
    mask = ~np.isnan(pred) & ~np.isnan(naive)
    actual = f["y"].to_numpy(dtype=float)[mask]
    cap = scale[mask] if history.target == "pv" else np.zeros(int(mask.sum()))
    m = _metrics(actual, pred[mask], history.target, cap)
    n = _metrics(actual, naive[mask], history.target, cap)
    skill = 1.0 - m["mae_kw"] / n["mae_kw"] if n["mae_kw"] > 0 else math.nan
    frame = pd.DataFrame(
        {"actual": actual, "model": pred[mask], "naive": naive[mask]}, index=idx[mask]
    )
    return Backtest(
        target=history.target,
        metrics=m,
        naive=n,
        skill=float(skill),
        predictions=frame,
        origins=origins,
        days=len(pd.DatetimeIndex(frame.index).normalize().unique()),
        features=list(feats.columns),
    )


def day_ahead(history: History, params: ForecastParams | None = None) -> pd.Series:
    """Forecast the rows after the last reading (or the next 24 hours) [kW].

    The model is trained on the whole history. Future rows in the CSV (weather, no reading) are
    forecast as they are; without them the next 24 hours are added with empty weather features.
    """
    p = params or ForecastParams()
    f = history.frame
    idx = pd.DatetimeIndex(f.index)
    future = np.asarray(idx > history.last_observed)
    if not future.any():
        extra = pd.date_range(history.last_observed + pd.Timedelta(hours=1), periods=24, freq="1h")
        add = pd.DataFrame(index=extra, columns=f.columns, dtype=float)
        if "kwp" in f.columns:
            add["kwp"] = f["kwp"].iloc[-1]
        f = pd.concat([f, add])
        history = History(history.target, f, history.last_observed, history.source)
        idx = pd.DatetimeIndex(f.index)
        future = np.asarray(idx > history.last_observed)
    first_future = int(np.flatnonzero(future)[0])
    future &= np.arange(len(idx)) < first_future + 24  # one day ahead: lags stay observed
    feats = feature_frame(history, p)
    y, scale = _target_values(history)
    train = np.asarray(idx <= history.last_observed)
    rows = np.flatnonzero(future)
    raw = _fit_predict(feats, y, train, future, p)
    values = _post(raw, history, feats, rows) * scale[rows]
    return pd.Series(values, index=idx[rows], name=f"{history.target}_kw")
