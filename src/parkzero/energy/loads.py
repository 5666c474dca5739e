"""Electric load profiles for a year: from meter CSVs or from annual kWh on a load shape.

A load is described by a :class:`LoadSpec` (a mapping in a scenario YAML works too)::

    {csv: load_2024_hourly.csv}                      # meter data; column kwh or kw by default
    {csv: meter.csv, column: import_kwh, unit: kWh, annual_kwh: 21000000}   # rescaled
    {shape: warehouse_atlanta, annual_kwh: 2.0e7}    # a shipped DOE warehouse shape
    {city: wuhan, annual_kwh: 2.0e7}                 # the shape of the city's climate analogue

Meter CSV
---------
A header row, then one row per interval: a time stamp (ISO 8601, start of the interval; without
an offset it is read in ``tz``, default Asia/Shanghai) and either energy per interval [kWh] or mean
power [kW]. Columns are found by name: ``timestamp`` and ``kwh``/``kw`` (or ``load_kwh``/
``load_kw``); ``column`` and ``unit`` override. Intervals of 15 minutes or one hour. Rows out of
order, duplicate time stamps, missing intervals and empty or negative values are reported with
their row numbers (the header is row 1). Gaps are an error unless ``fill_gaps: true``: then runs
of up to 3 hours are interpolated linearly and longer ones copied from the same time a week
earlier (or later, at the start).

Shapes
------
``data/energy/load_shapes/`` ships five DOE commercial reference building warehouse profiles
(REopt.jl copies, Apache-2.0; see NOTICE.md there): the hourly share of annual kWh for one
simulated year that starts on a Sunday (2017).

From one year to another
------------------------
Shapes and meter years are laid onto the requested year day by day (:func:`align_days`): each
target day takes the nearest source day (within three weeks) of the same weekday, so Mondays stay
Mondays and the season shifts by at most three days. With ``holidays: true`` (the default)
Chinese public holidays of the target year (``data/energy/cn_holidays.csv``, State Council
notices 2023–2025) take the nearest source Sunday or holiday, and make-up working days (调休) the
nearest source working day; a meter year's own holidays are recognised the same way. Years not in
the holiday file have weekends only.

Every profile has 365 days (29 February dropped, see :mod:`parkzero.energy.weather`): 8,760
hourly or 35,040 quarter-hour values of mean power [kW], tz-aware, labelled by the start of the
step. Hourly values from 15-minute data are the mean of the four quarters; 15-minute values from
hourly data repeat the hour.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from parkzero.config import packaged_data
from parkzero.energy.weather import _check_tz, normalise_freq, time_index
from parkzero.errors import ConfigError, InputError

__all__ = [
    "LoadSpec",
    "MeterData",
    "align_days",
    "analogue_shape",
    "cn_holidays",
    "day_kinds",
    "holiday_years",
    "load_profile",
    "load_shapes",
    "off_days",
    "read_meter_csv",
    "shape_profile",
]

_SHAPE_DIR = "energy/load_shapes"
_MAX_INTERP_H = 3.0


# ---------------------------------------------------------------------------------------------
# Chinese public holidays
# ---------------------------------------------------------------------------------------------


@functools.cache
def _holiday_table() -> dict[dt.date, str]:
    with packaged_data("energy/cn_holidays.csv").open(encoding="utf-8", newline="") as fh:
        return {dt.date.fromisoformat(r["date"]): r["kind"] for r in csv.DictReader(fh)}


def holiday_years() -> list[int]:
    """Years covered by the shipped Chinese holiday calendar [-]."""
    return sorted({d.year for d in _holiday_table()})


def cn_holidays(year: int) -> dict[dt.date, str]:
    """Chinese public holidays and make-up working days of one year.

    Returns
    -------
    dict
        ``{date: "holiday" | "workday"}``; empty for years not in the file [-].

    >>> h = cn_holidays(2024)
    >>> h[dt.date(2024, 2, 10)], h[dt.date(2024, 2, 18)]   # 春节; Sunday worked (调休)
    ('holiday', 'workday')
    """
    return {d: k for d, k in _holiday_table().items() if d.year == year}


def day_kinds(dates: Any) -> np.ndarray:
    """Kind of each date: 0 working day, 1 Saturday off, 2 Sunday or public holiday [-].

    Make-up working days count as working days, public holidays as Sundays. ``dates`` is any
    sequence of dates or time stamps.
    """
    table = _holiday_table()
    out = np.empty(len(dates), dtype=np.int8)
    for i, d in enumerate(dates):
        day = d.date() if isinstance(d, dt.datetime) else d
        kind = table.get(day)
        if kind == "holiday":
            out[i] = 2
        elif kind == "workday":
            out[i] = 0
        else:
            out[i] = {5: 1, 6: 2}.get(day.weekday(), 0)
    return out


def off_days(index: pd.DatetimeIndex) -> np.ndarray:
    """1.0 where a time stamp falls on a weekend day or public holiday that is not worked [-]."""
    days = pd.DatetimeIndex(index).normalize()
    unique = days.unique()
    kinds = dict(zip(unique, day_kinds([d.date() for d in unique]), strict=True))
    return np.array([1.0 if kinds[d] > 0 else 0.0 for d in days])


# ---------------------------------------------------------------------------------------------
# day alignment
# ---------------------------------------------------------------------------------------------


def _year_days(year: int) -> list[dt.date]:
    start = dt.date(year, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(366)]
    return [d for d in days if d.year == year and not (d.month == 2 and d.day == 29)]


def align_days(
    source_dates: list[dt.date],
    target_year: int,
    *,
    holidays: bool = True,
    source_holidays: bool = True,
) -> np.ndarray:
    """For each of the 365 days of ``target_year``, the source day that stands in for it.

    Parameters
    ----------
    source_dates : list of date
        The 365 dates of the source year (29 February removed) [-].
    target_year : int
        Year to lay the source onto [-].
    holidays : bool
        Treat the target year's Chinese public holidays as Sundays and make-up days as working
        days [-].
    source_holidays : bool
        Recognise Chinese holidays in the source year too (meter data); ``False`` for the US
        shapes, whose days are plain weekdays [-].

    Returns
    -------
    numpy.ndarray
        365 indices into ``source_dates`` [-].

    Examples
    --------
    2017 starts on a Sunday, 2024 on a Monday: 1 January 2024 is a holiday and takes the nearest
    Sunday of 2017 (1 January, index 0); Tuesday 2 January takes Tuesday 3 January 2017.

    >>> idx = align_days(_year_days(2017), 2024, source_holidays=False)
    >>> int(idx[0]), int(idx[1])
    (0, 2)
    """
    n = len(source_dates)
    src_wd = np.array([d.weekday() for d in source_dates])
    if source_holidays:
        src_kind = day_kinds(source_dates)
        src_special = np.array([d in _holiday_table() for d in source_dates])
    else:
        src_kind = np.array([{5: 1, 6: 2}.get(int(w), 0) for w in src_wd], dtype=np.int8)
        src_special = np.zeros(n, dtype=bool)
    table = _holiday_table() if holidays else {}
    out = np.empty(365, dtype=np.int64)
    for i, day in enumerate(_year_days(target_year)):
        kind = table.get(day)
        lo, hi = max(0, i - 21), min(n, i + 22)
        cand = np.arange(lo, hi)
        if kind == "holiday":
            ok = src_kind[cand] == 2
        elif kind == "workday":
            ok = (src_kind[cand] == 0) & ~src_special[cand]
        else:
            ok = (src_wd[cand] == day.weekday()) & ~src_special[cand]
        if not ok.any():  # e.g. a long source holiday around the day: fall back on the weekday
            ok = src_wd[cand] == day.weekday()
        pool = cand[ok]
        out[i] = pool[np.argmin(np.abs(pool - i))]
    return out


def _to_freq(hourly_kw: np.ndarray, freq: str) -> np.ndarray:
    return hourly_kw if normalise_freq(freq) == "1h" else np.repeat(hourly_kw, 4)


# ---------------------------------------------------------------------------------------------
# shapes
# ---------------------------------------------------------------------------------------------


@functools.cache
def load_shapes() -> dict[str, dict[str, str]]:
    """Shipped load shapes: ``{shape id: row of load_shapes/shapes.csv}`` [-]."""
    with packaged_data(f"{_SHAPE_DIR}/shapes.csv").open(encoding="utf-8", newline="") as fh:
        return {r["shape"]: r for r in csv.DictReader(fh)}


@functools.cache
def _analogues() -> dict[str, str]:
    with packaged_data(f"{_SHAPE_DIR}/analogues.csv").open(encoding="utf-8", newline="") as fh:
        return {r["city"]: r["shape"] for r in csv.DictReader(fh)}


def analogue_shape(city: str) -> str:
    """The shipped shape whose climate stands in for a Chinese city.

    >>> analogue_shape("Wuhan"), analogue_shape("guangzhou")
    ('warehouse_atlanta', 'warehouse_houston')
    """
    key = city.strip().lower()
    table = _analogues()
    if key not in table:
        raise ConfigError(
            f'no climate analogue for "{city}" (known: {", ".join(sorted(table))}); name a '
            f"shape instead ({', '.join(load_shapes())})",
            column="city",
        )
    return table[key]


@functools.cache
def _shape_values(shape: str) -> np.ndarray:
    row = load_shapes()[shape]
    values = np.loadtxt(packaged_data(f"{_SHAPE_DIR}/{row['file']}"), dtype=float)
    return values / values.sum()


def shape_profile(
    shape: str,
    annual_kwh: float,
    year: int,
    freq: str = "1h",
    tz: str = "Asia/Shanghai",
    *,
    holidays: bool = True,
) -> pd.Series:
    """A shipped load shape scaled to ``annual_kwh`` and laid onto ``year`` [kW].

    Parameters
    ----------
    shape : str
        Shape id, e.g. ``"warehouse_atlanta"`` (see :func:`load_shapes`) [-].
    annual_kwh : float
        Energy over the 365 days [kWh].
    year : int
        Target calendar year [-].
    freq : str
        ``"1h"`` or ``"15min"`` [-].
    tz : str
        Time zone of the index [-].
    holidays : bool
        Chinese public holidays take a Sunday's profile [-].

    Returns
    -------
    pandas.Series
        Mean power of each step [kW]; its energy sums to ``annual_kwh``.
    """
    if shape not in load_shapes():
        raise ConfigError(
            f'unknown load shape "{shape}" (known: {", ".join(load_shapes())})', column="shape"
        )
    if not annual_kwh > 0:
        raise ConfigError(f"annual_kwh must be positive, got {annual_kwh}", column="annual_kwh")
    source_year = int(load_shapes()[shape]["source_year"])
    days = _shape_values(shape).reshape(365, 24)
    pick = align_days(_year_days(source_year), year, holidays=holidays, source_holidays=False)
    hourly = days[pick].reshape(-1)
    hourly = hourly / hourly.sum() * float(annual_kwh)  # kWh in each hour = mean kW
    return pd.Series(_to_freq(hourly, freq), index=time_index(year, freq, tz), name="load_kw")


# ---------------------------------------------------------------------------------------------
# meter data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeterData:
    """A meter CSV after checks.

    Parameters
    ----------
    kw : pandas.Series
        Mean power of each interval on a complete grid [kW] (tz-aware, start of interval).
    step_h : float
        Interval length [h].
    source : str
        File name [-].
    filled : list of str
        Gaps that were filled, one line each (rows, interval, method) [-].
    """

    kw: pd.Series
    step_h: float
    source: str
    filled: list[str] = field(default_factory=list)


def _pick_column(header: list[str], column: str | None, unit: str | None) -> tuple[str, str]:
    lower = {h.strip().lower(): h for h in header}
    if column is not None:
        if column not in header:
            raise ConfigError(
                f'no column "{column}" (columns: {", ".join(header)})', column="column"
            )
        name = column
    else:
        for cand in ("kwh", "kw", "load_kwh", "load_kw"):
            if cand in lower:
                name = lower[cand]
                break
        else:
            raise ConfigError(
                f"no load column: expected kwh, kw, load_kwh or load_kw (columns: "
                f"{', '.join(header)}), or set column and unit",
                column="column",
            )
    if unit is None:
        low = name.strip().lower()
        if low.endswith("kwh"):
            unit = "kWh"
        elif low.endswith("kw"):
            unit = "kW"
        else:
            raise ConfigError(
                f'cannot tell the unit of column "{name}": set unit to kWh or kW', column="unit"
            )
    return name, unit


def _rows(numbers: list[int], limit: int = 5) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def read_meter_csv(
    path: str | Path,
    *,
    column: str | None = None,
    unit: str | None = None,
    timestamp_column: str = "timestamp",
    tz: str = "Asia/Shanghai",
    fill_gaps: bool = False,
) -> MeterData:
    """Read and check a meter CSV (format in the module docstring).

    Raises
    ------
    InputError
        Unreadable time stamps or values, rows out of order, duplicates, an interval other
        than 15 minutes or one hour, and gaps (unless ``fill_gaps``); the message names the
        file, the rows (header = row 1) and the column.
    """
    p = Path(path)
    src = str(p)
    if not p.is_file():
        raise InputError(f"file {p} does not exist", source=src)
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as CSV: {exc}", source=src) from None
    header = [str(c) for c in frame.columns]
    if timestamp_column not in header:
        raise InputError(
            f'no time stamp column "{timestamp_column}" (columns: {", ".join(header)})',
            source=src,
            column=timestamp_column,
        )
    try:
        name, unit = _pick_column(header, column, unit)
    except ConfigError as exc:
        raise InputError(exc.message, source=src, column=exc.column) from None
    if unit not in ("kWh", "kW"):
        raise InputError(f'unit "{unit}" is not kWh or kW', source=src, column="unit")
    if len(frame) < 2:
        raise InputError("needs at least two data rows", source=src)
    _check_tz(tz)
    stamps = pd.to_datetime(
        frame[timestamp_column].str.strip(), errors="coerce", utc=True, format="ISO8601"
    )
    if stamps.isna().any():
        i = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise InputError(
            f'"{frame[timestamp_column].iloc[i]}" is not a time stamp (expected ISO 8601, e.g. '
            "2024-01-01T00:00+08:00)",
            source=src,
            row=i + 2,
            column=timestamp_column,
        )
    naive = ~frame[timestamp_column].str.contains(r"(?:[+-]\d\d:?\d\d|Z)\s*$", regex=True)
    if naive.all():
        local = pd.to_datetime(
            frame[timestamp_column].str.strip(), format="ISO8601"
        ).dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        stamps = local.dt.tz_convert("UTC")
    elif naive.any():
        i = int(np.flatnonzero(naive.to_numpy())[0])
        raise InputError(
            "some time stamps carry a UTC offset and some do not; use one style",
            source=src,
            row=i + 2,
            column=timestamp_column,
        )
    values = pd.Series(pd.to_numeric(frame[name].str.strip(), errors="coerce"), index=frame.index)
    bad = values.isna() & (frame[name].str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f'"{frame[name].iloc[i]}" is not a number (expected {unit})',
            source=src,
            row=i + 2,
            column=name,
        )
    neg = values < 0
    if neg.any():
        rows = [int(i) + 2 for i in np.flatnonzero(neg.to_numpy())]
        raise InputError(
            f"negative load in rows {_rows(rows)} (expected {unit} ≥ 0; export belongs in its "
            "own column)",
            source=src,
            column=name,
        )
    t = pd.DatetimeIndex(stamps).as_unit("ns")
    shown = t.tz_convert(tz)  # messages in local time
    diffs = np.diff(t.asi8)
    back = np.flatnonzero(diffs < 0)
    if back.size:
        raise InputError(
            f"time stamps go backwards at row {int(back[0]) + 3} ({shown[back[0] + 1]} after "
            f"{shown[back[0]]}); sort the file by time",
            source=src,
            row=int(back[0]) + 3,
            column=timestamp_column,
        )
    dup = np.flatnonzero(diffs == 0)
    if dup.size:
        rows = [int(i) + 3 for i in dup]
        raise InputError(
            f"duplicate time stamps in rows {_rows(rows)} (first: {shown[dup[0]]}); keep one "
            "reading per interval",
            source=src,
            column=timestamp_column,
        )
    step_ns = int(np.median(diffs))
    step_h = step_ns / 3.6e12
    if step_h not in (0.25, 1.0):
        raise InputError(
            f"readings are {step_h * 60:g} minutes apart (expected 15 minutes or one hour)",
            source=src,
            column=timestamp_column,
        )
    off_grid = np.flatnonzero((t.asi8 - t.asi8[0]) % step_ns != 0)
    if off_grid.size:
        rows = [int(i) + 2 for i in off_grid]
        raise InputError(
            f"time stamps off the {step_h * 60:g}-minute grid in rows {_rows(rows)}",
            source=src,
            column=timestamp_column,
        )
    kw = values.to_numpy(dtype=float) / (step_h if unit == "kWh" else 1.0)
    grid = pd.date_range(t[0], t[-1], freq=pd.Timedelta(hours=step_h))
    series = pd.Series(kw, index=t).reindex(grid)
    missing = series.isna().to_numpy()
    gaps = _runs(missing)
    row_of = {ts: i + 2 for i, ts in enumerate(t)}
    notes = []
    for a, b in gaps:
        before = grid[a - 1] if a > 0 else None
        after = grid[b] if b < len(grid) else None
        r0 = row_of.get(before) if before is not None else None
        r1 = row_of.get(after) if after is not None else None
        where = f"between rows {r0} and {r1}" if r0 and r1 else f"near row {r0 or r1}"
        notes.append(
            f"{(b - a) * step_h:g} h missing from {grid[a].tz_convert(tz):%Y-%m-%d %H:%M} ({where})"
        )
    if gaps and not fill_gaps:
        listed = "; ".join(notes[:3]) + (f"; and {len(notes) - 3} more" if len(notes) > 3 else "")
        raise InputError(
            f"{len(gaps)} gap(s) in the readings: {listed}. Fix the file or set fill_gaps: true",
            source=src,
            column=name,
        )
    if gaps:
        series = _fill(series, gaps, step_h)
        notes = [
            n
            + (
                ", interpolated"
                if (b - a) * step_h <= _MAX_INTERP_H
                else ", copied from a week away"
            )
            for n, (a, b) in zip(notes, gaps, strict=True)
        ]
    series.index = pd.DatetimeIndex(series.index).tz_convert(tz)
    series.name = "load_kw"
    return MeterData(kw=series, step_h=step_h, source=p.name, filled=notes if gaps else [])


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, end) index runs where ``mask`` is true."""
    out = []
    i, n = 0, len(mask)
    while i < n:
        if mask[i]:
            j = i
            while j < n and mask[j]:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _fill(series: pd.Series, gaps: list[tuple[int, int]], step_h: float) -> pd.Series:
    values = series.to_numpy(dtype=float).copy()
    week = round(168 / step_h)
    n = len(values)
    for a, b in gaps:
        if (b - a) * step_h <= _MAX_INTERP_H and a > 0 and b < n:
            left, right = values[a - 1], values[b]
            frac = np.arange(1, b - a + 1) / (b - a + 1)
            values[a:b] = left + (right - left) * frac
            continue
        for k in range(a, b):
            src = k - week if k - week >= 0 else k + week
            values[k] = values[src] if 0 <= src < n and not np.isnan(values[src]) else np.nan
    if np.isnan(values).any():
        values = pd.Series(values).interpolate(limit_direction="both").to_numpy()
    return pd.Series(values, index=series.index)


def _full_year(kw: pd.Series, wanted: int) -> int:
    idx = pd.DatetimeIndex(kw.index)
    years = sorted(set(idx.year))
    full = []
    for y in years:
        start = pd.Timestamp(year=y, month=1, day=1, tz=idx.tz)
        end = pd.Timestamp(year=y + 1, month=1, day=1, tz=idx.tz)
        if idx[0] <= start and idx[-1] + (idx[1] - idx[0]) >= end:
            full.append(y)
    if not full:
        return -1
    return wanted if wanted in full else full[-1]


def _meter_year_profile(meter: MeterData, year: int, freq: str, holidays: bool) -> pd.Series:
    kw = meter.kw
    idx = pd.DatetimeIndex(kw.index)
    src_year = _full_year(kw, year)
    if src_year < 0:
        raise InputError(
            f"readings cover {idx[0]:%Y-%m-%d %H:%M} to {idx[-1]:%Y-%m-%d %H:%M}; a full "
            "calendar year is needed (or give annual_kwh with a shape instead)",
            source=meter.source,
        )
    in_year = kw[idx.year == src_year]
    yidx = pd.DatetimeIndex(in_year.index)
    in_year = in_year[~((yidx.month == 2) & (yidx.day == 29))]
    per_day = round(24 / meter.step_h)
    days = in_year.to_numpy(dtype=float).reshape(365, per_day)
    if src_year != year:
        days = days[align_days(_year_days(src_year), year, holidays=holidays)]
    values = days.reshape(-1)
    if normalise_freq(freq) == "1h" and per_day == 96:
        values = values.reshape(-1, 4).mean(axis=1)
    elif normalise_freq(freq) == "15min" and per_day == 24:
        values = np.repeat(values, 4)
    return pd.Series(values, index=time_index(year, freq, str(idx.tz)), name="load_kw")


# ---------------------------------------------------------------------------------------------
# the one entry point
# ---------------------------------------------------------------------------------------------


class LoadSpec(BaseModel):
    """Where a load profile comes from (see the module docstring).

    Parameters
    ----------
    csv : Path, optional
        Meter CSV; relative to ``base_dir`` of :func:`load_profile` [-].
    column, unit : str, optional
        Value column and its unit (``kWh`` per interval or ``kW``) [-].
    timestamp_column : str
        [-].
    tz : str
        Zone of naive time stamps and of the result [-].
    fill_gaps : bool
        Fill gaps instead of refusing the file [-].
    shape : str, optional
        Shipped shape id [-].
    city : str, optional
        Chinese city whose climate analogue shape to use [-].
    annual_kwh : float, optional
        Energy over the 365 days [kWh]: required with a shape, rescales meter data [-].
    holidays : bool
        Lay Chinese public holidays onto the target year [-].
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    csv: Path | None = None
    column: str | None = None
    unit: Literal["kWh", "kW"] | None = None
    timestamp_column: str = "timestamp"
    tz: str = "Asia/Shanghai"
    fill_gaps: bool = False
    shape: str | None = None
    city: str | None = None
    annual_kwh: float | None = Field(default=None, gt=0)
    holidays: bool = True

    @model_validator(mode="after")
    def _one_source(self) -> LoadSpec:
        given = [k for k in ("csv", "shape", "city") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of csv, shape or city"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.csv is None and self.annual_kwh is None:
            raise ValueError("annual_kwh is required with a shape or city")
        return self


def _spec(spec: Mapping[str, Any] | LoadSpec) -> LoadSpec:
    if isinstance(spec, LoadSpec):
        return spec
    try:
        return LoadSpec.model_validate(dict(spec))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or None
        raise ConfigError(str(err["msg"]).removeprefix("Value error, "), column=where) from None


def load_profile(
    spec: Mapping[str, Any] | LoadSpec,
    year: int,
    freq: str = "1h",
    *,
    base_dir: str | Path | None = None,
) -> pd.Series:
    """A year of electric load [kW] from a meter CSV or a shape.

    Parameters
    ----------
    spec : mapping or LoadSpec
        Where the load comes from (module docstring) [-].
    year : int
        Calendar year; 365 days, 29 February dropped [-].
    freq : str
        ``"1h"`` (8,760 steps) or ``"15min"`` (35,040 steps) [-].
    base_dir : str or Path, optional
        Folder that a relative ``csv`` path is relative to (e.g. the scenario file's) [-].

    Returns
    -------
    pandas.Series
        Mean power of each step [kW], tz-aware, labelled by the start of the step.

    Raises
    ------
    ConfigError
        A bad spec (field named). InputError: a bad meter file (file, rows, column named).
    """
    s = _spec(spec)
    step = normalise_freq(freq)
    if s.csv is not None:
        path = s.csv if s.csv.is_absolute() or base_dir is None else Path(base_dir) / s.csv
        meter = read_meter_csv(
            path,
            column=s.column,
            unit=s.unit,
            timestamp_column=s.timestamp_column,
            tz=s.tz,
            fill_gaps=s.fill_gaps,
        )
        out = _meter_year_profile(meter, int(year), step, s.holidays)
        if s.annual_kwh is not None:
            h = 1.0 if step == "1h" else 0.25
            out = out * (s.annual_kwh / (out.sum() * h))
        return out
    shape = s.shape if s.shape is not None else analogue_shape(str(s.city))
    assert s.annual_kwh is not None
    return shape_profile(shape, s.annual_kwh, int(year), step, s.tz, holidays=s.holidays)
