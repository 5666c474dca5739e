"""EV fleet charging sessions: reading, validation, and profiles on a time index.

A session is one vehicle plugged in from `arrival` to `departure` needing `energy_kwh`, at most
`max_power_kw` (the lower of the vehicle's and the charger's limit). Files (format in
``docs/energy.md``, "Scenario format"):

CSV, one row per session (``date`` optional: without it the rows are a daily template that
repeats every day of the index, and a departure earlier than the arrival is the next day)::

    vehicle_id,arrival,departure,energy_kwh,max_power_kw,v2g,battery_kwh,priority
    EV-01,18:30,06:30,120,60,false,200,1

YAML: ``sessions: [{vehicle_id: EV-01, arrival: "18:30", departure: "06:30", ...}]`` with the
same keys; ``arrival``/``departure`` may be full ISO date-times instead of clock times.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from parkzero.errors import InputError

__all__ = [
    "EVSession",
    "FleetProfile",
    "SessionTemplate",
    "expand_templates",
    "fleet_profile",
    "read_sessions",
    "sessions_from_records",
    "step_window",
]

_COLUMNS = ("vehicle_id", "arrival", "departure", "energy_kwh", "max_power_kw")
_OPTIONAL = ("v2g", "battery_kwh", "priority", "date", "initial_soc_kwh")


@dataclass(frozen=True)
class EVSession:
    """One plug-in session of one vehicle.

    Parameters
    ----------
    vehicle_id : str
    arrival, departure : pandas.Timestamp
        Plug-in and plug-out time (tz-aware) [-].
    energy_kwh : float
        Energy to deliver before departure [kWh].
    max_power_kw : float
        Charging power limit [kW].
    v2g : bool
        The vehicle may discharge to the site (vehicle-to-grid) [-].
    battery_kwh : float
        Usable battery capacity, bounding V2G excursions [kWh].
    priority : int
        Higher is served first when energy cannot be delivered to all [-].
    """

    vehicle_id: str
    arrival: pd.Timestamp
    departure: pd.Timestamp
    energy_kwh: float
    max_power_kw: float
    v2g: bool = False
    battery_kwh: float = 0.0
    priority: int = 1


@dataclass(frozen=True)
class SessionTemplate:
    """A session that repeats every day: clock times, departure the next day if earlier [-]."""

    vehicle_id: str
    arrival: dt.time
    departure: dt.time
    energy_kwh: float
    max_power_kw: float
    v2g: bool = False
    battery_kwh: float = 0.0
    priority: int = 1


def _bool(raw: Any, where: str, source: str | None, row: int | None) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"", "false", "0", "no", "n"}:
        return False
    if text in {"true", "1", "yes", "y"}:
        return True
    raise InputError(f"expected true or false, got {raw!r}", source=source, row=row, column=where)


def _number(
    raw: Any, where: str, source: str | None, row: int | None, *, positive: bool = False
) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InputError(
            f"expected a number, got {raw!r}", source=source, row=row, column=where
        ) from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        expected = "a positive number" if positive else "a number >= 0"
        raise InputError(f"expected {expected}, got {raw!r}", source=source, row=row, column=where)
    return value


def _clock(raw: Any) -> dt.time | None:
    if isinstance(raw, dt.time):
        return raw
    if isinstance(raw, int) and 0 <= raw < 24 * 60:  # YAML 1.1 reads 18:30 as 1110 minutes
        return dt.time(raw // 60, raw % 60)
    text = str(raw).strip()
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    return None


def sessions_from_records(
    records: Iterable[Mapping[str, Any]],
    *,
    source: str | None = None,
    tz: str = "Asia/Shanghai",
    first_row: int = 2,
) -> list[EVSession | SessionTemplate]:
    """Validate session records (dicts with the CSV columns) into sessions or daily templates.

    Raises
    ------
    InputError
        Naming the source, the row (header = row 1 for CSV; 1-based list position for YAML) and
        the column, what is wrong and what was expected.
    """
    out: list[EVSession | SessionTemplate] = []
    for i, rec in enumerate(records):
        row = first_row + i
        if not isinstance(rec, Mapping):
            raise InputError("expected a mapping of session fields", source=source, row=row)
        unknown = set(rec) - set(_COLUMNS) - set(_OPTIONAL)
        if unknown:
            raise InputError(
                f"unknown field(s) {', '.join(sorted(map(str, unknown)))}", source=source, row=row
            )
        for col in _COLUMNS:
            if rec.get(col) in (None, ""):
                raise InputError("missing value", source=source, row=row, column=col)
        vid = str(rec["vehicle_id"])
        energy = _number(rec["energy_kwh"], "energy_kwh", source, row)
        power = _number(rec["max_power_kw"], "max_power_kw", source, row, positive=True)
        v2g = _bool(rec.get("v2g", False), "v2g", source, row)
        battery = _number(rec.get("battery_kwh") or 0, "battery_kwh", source, row)
        priority = int(_number(rec.get("priority") or 1, "priority", source, row))
        if v2g and battery <= 0:
            raise InputError(
                "a V2G vehicle needs battery_kwh > 0", source=source, row=row, column="battery_kwh"
            )
        a_clock, d_clock = _clock(rec["arrival"]), _clock(rec["departure"])
        date = rec.get("date")
        if a_clock is not None and d_clock is not None and not date:
            if a_clock == d_clock:
                raise InputError(
                    "arrival equals departure", source=source, row=row, column="departure"
                )
            out.append(
                SessionTemplate(vid, a_clock, d_clock, energy, power, v2g, battery, priority)
            )
            continue
        try:
            if a_clock is not None and d_clock is not None:
                day = pd.Timestamp(str(date))
                arrival = pd.Timestamp.combine(day.date(), a_clock)
                departure = pd.Timestamp.combine(day.date(), d_clock)
                if departure <= arrival:
                    departure += pd.Timedelta(days=1)
            else:
                arrival = pd.Timestamp(str(rec["arrival"]))
                departure = pd.Timestamp(str(rec["departure"]))
        except (ValueError, TypeError):
            raise InputError(
                "expected HH:MM clock times (with an optional date column) or ISO date-times",
                source=source,
                row=row,
                column="arrival",
            ) from None
        arrival = arrival.tz_localize(tz) if arrival.tzinfo is None else arrival
        departure = departure.tz_localize(tz) if departure.tzinfo is None else departure
        if departure <= arrival:
            raise InputError(
                f"departure {departure} is not after arrival {arrival}",
                source=source,
                row=row,
                column="departure",
            )
        out.append(EVSession(vid, arrival, departure, energy, power, v2g, battery, priority))
    return out


def read_sessions(
    path: str | Path, *, tz: str = "Asia/Shanghai"
) -> list[EVSession | SessionTemplate]:
    """Read EV sessions from a CSV or YAML file (format in the module docstring)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("EV session file not found", source=str(p))
    if p.suffix.lower() in {".yaml", ".yml"}:
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise InputError(f"not valid YAML: {exc}", source=str(p)) from None
        items = data.get("sessions") if isinstance(data, Mapping) else data
        if not isinstance(items, list):
            raise InputError("expected a list under 'sessions'", source=str(p), column="sessions")
        return sessions_from_records(items, source=str(p), tz=tz, first_row=1)
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)} (expected {', '.join(_COLUMNS)})",
                source=str(p),
                row=1,
            )
        return sessions_from_records(list(reader), source=str(p), tz=tz)


def expand_templates(
    items: Sequence[EVSession | SessionTemplate],
    index: pd.DatetimeIndex,
    *,
    tz: str = "Asia/Shanghai",
) -> list[EVSession]:
    """Sessions over `index`: dated sessions as they are, templates once per day of the index.

    A template whose departure falls after the end of the index is cut at the end (and its
    energy reduced in proportion to the plugged time that remains).
    """
    if not len(index):
        return []
    local = index.tz_convert(tz) if index.tz is not None else index.tz_localize(tz)
    start, end = (
        local[0],
        local[-1] + (local[-1] - local[-2] if len(local) > 1 else pd.Timedelta(hours=1)),
    )
    days = pd.DatetimeIndex(local.normalize().unique())  # days of the index (29 Feb may be absent)
    out: list[EVSession] = []
    for item in items:
        if isinstance(item, EVSession):
            out.append(item)
            continue
        for day in days:
            a = pd.Timestamp.combine(day.date(), item.arrival).tz_localize(tz)
            d = pd.Timestamp.combine(day.date(), item.departure).tz_localize(tz)
            if d <= a:
                d += pd.Timedelta(days=1)
            if a < start or a >= end:
                continue
            energy = item.energy_kwh
            if d > end:
                energy *= (end - a) / (d - a)
                d = end
            out.append(
                EVSession(
                    item.vehicle_id,
                    a,
                    d,
                    energy,
                    item.max_power_kw,
                    item.v2g,
                    item.battery_kwh,
                    item.priority,
                )
            )
    return out


def step_window(session: EVSession, index: pd.DatetimeIndex) -> tuple[int, int]:
    """First step and one past the last step the vehicle is plugged in for in full [-].

    A step counts when it starts at or after arrival and ends at or before departure.
    """
    step = index[1] - index[0] if len(index) > 1 else pd.Timedelta(hours=1)
    first = int(index.searchsorted(session.arrival, side="left"))
    last = int(index.searchsorted(session.departure - step, side="right"))
    return first, max(first, last)


@dataclass(frozen=True)
class FleetProfile:
    """Aggregate charging flexibility of a fleet on a time index.

    The bounds are the sum of each session's: by the end of step t at least ``lower_kwh[t]`` and
    at most ``upper_kwh[t]`` must have been delivered in total, at most ``available_kw[t]`` at
    once. They are necessary (not sufficient) conditions for the sessions to be met — the usual
    aggregate relaxation for sizing; :mod:`parkzero.energy.dispatch` schedules each vehicle.

    Attributes
    ----------
    available_kw : numpy.ndarray
        Sum of the power limits of the plugged-in vehicles [kW].
    lower_kwh, upper_kwh : numpy.ndarray
        Cumulative energy bounds at the end of each step [kWh].
    uncontrolled_kw : numpy.ndarray
        Charging at full power from arrival until done (the baseline) [kW].
    plugged : numpy.ndarray
        Vehicles plugged in at each step [-].
    energy_kwh : float
        Energy requested, after capping sessions too short to take it [kWh].
    shortfall_kwh : float
        Energy requested that no schedule can deliver (session too short at full power) [kWh].
    """

    available_kw: np.ndarray
    lower_kwh: np.ndarray
    upper_kwh: np.ndarray
    uncontrolled_kw: np.ndarray
    plugged: np.ndarray
    energy_kwh: float
    shortfall_kwh: float


def fleet_profile(
    sessions: Sequence[EVSession], index: pd.DatetimeIndex, step_h: float
) -> FleetProfile:
    """Aggregate the sessions on `index` (steps of `step_h` hours).

    Examples
    --------
    One vehicle from 00:00 to 03:00 needing 10 kWh at up to 5 kW (hourly steps): it must have
    have at least 10 − 5·2 = 0 kWh after the first hour, 10 − 5 = 5 after the second and 10
    after the third; it can have at most 5, 10 and 10.

    >>> idx = pd.date_range("2024-01-01", periods=4, freq="1h", tz="Asia/Shanghai")
    >>> s = EVSession("a", idx[0], idx[3], 10.0, 5.0)
    >>> f = fleet_profile([s], idx, 1.0)
    >>> f.lower_kwh.tolist(), f.upper_kwh.tolist(), f.uncontrolled_kw.tolist()
    ([0.0, 5.0, 10.0, 10.0], [5.0, 10.0, 10.0, 10.0], [5.0, 5.0, 0.0, 0.0])
    """
    n = len(index)
    avail = np.zeros(n)
    lower = np.zeros(n)
    upper = np.zeros(n)
    dumb = np.zeros(n)
    plugged = np.zeros(n)
    total = 0.0
    short = 0.0
    t = np.arange(n)
    for s in sessions:
        a, d = step_window(s, index)
        if d <= a:
            short += s.energy_kwh
            continue
        cap = s.max_power_kw * step_h * (d - a)
        energy = min(s.energy_kwh, cap)
        short += s.energy_kwh - energy
        total += energy
        avail[a:d] += s.max_power_kw
        plugged[a:d] += 1
        done_steps = np.clip(t - a + 1, 0, d - a)
        upper += np.minimum(energy, s.max_power_kw * step_h * done_steps)
        left_steps = np.clip(d - t - 1, 0, None)
        lo = np.maximum(0.0, energy - s.max_power_kw * step_h * left_steps)
        lo[t < a] = 0.0
        lower += lo
        full = int(energy // (s.max_power_kw * step_h))
        dumb[a : a + full] += s.max_power_kw
        rest = energy - full * s.max_power_kw * step_h
        if rest > 1e-12 and a + full < d:
            dumb[a + full] += rest / step_h
    return FleetProfile(avail, lower, upper, dumb, plugged, total, short)
