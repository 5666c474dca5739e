"""Weather for PV and load models: a year's time index, weather files and clear-sky climate.

Three sources, all returning the same frame (index tz-aware, one row per step, the label is the
*start* of the step)::

    ghi, dni, dhi    global horizontal, direct normal, diffuse horizontal irradiance [W/m2],
                     the mean over the step
    temp_air         air temperature [°C]
    wind_speed       wind speed at 10 m [m/s]

- :func:`read_weather_file` — an EPW (EnergyPlus) or TMY3 CSV file read with ``pvlib.iotools``.
- :func:`clearsky_weather` — no file: Ineichen/Perez clear-sky irradiance with the monthly Linke
  turbidity that pvlib ships (``LinkeTurbidities.h5``, works offline), scaled month by month so
  that the mean daily GHI equals a monthly climate value (the *clearness derate*), split into
  direct and diffuse with the Erbs model; air temperature is a sinusoidal day around the monthly
  mean. Climate values for a few Chinese cities are shipped in ``data/energy/climate_cn.csv``
  (marked ESTIMATE there: replace them with a weather file for design work).

Leap years
----------
Every year has 365 days here: :func:`time_index` drops 29 February, so an hourly year always has
8,760 steps and a 15-minute year 35,040, as a TMY file and the sizing LP expect. The other days
keep their true dates (1 March 2024 is still a Friday). Files with 8,784 hours lose their 29
February rows.

Examples
--------
>>> idx = time_index(2024, "15min")
>>> len(idx), str(idx[0]), str(idx[-1])
(35040, '2024-01-01 00:00:00+08:00', '2024-12-31 23:45:00+08:00')
"""

from __future__ import annotations

import csv
import functools
import math
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from parkzero.config import packaged_data
from parkzero.errors import ConfigError

__all__ = [
    "CityClimate",
    "city_climate",
    "clearsky_weather",
    "climate_cities",
    "day_of_year",
    "nearest_city",
    "normalise_freq",
    "read_weather_file",
    "step_hours",
    "time_index",
]

_FREQS = {"1h": "1h", "h": "1h", "60min": "1h", "1H": "1h", "15min": "15min", "15T": "15min"}
WEATHER_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


def normalise_freq(freq: str) -> str:
    """Return ``"1h"`` or ``"15min"`` for the accepted spellings of an hourly or 15-minute step.

    Raises
    ------
    ConfigError
        Any other step.
    """
    try:
        return _FREQS[str(freq).strip()]
    except KeyError:
        raise ConfigError(
            f'time step "{freq}" is not supported (expected "1h" or "15min")', column="freq"
        ) from None


def step_hours(freq: str) -> float:
    """Length of one step [h]: 1.0 for ``"1h"``, 0.25 for ``"15min"``."""
    return 1.0 if normalise_freq(freq) == "1h" else 0.25


def _check_tz(tz: str) -> str:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f'"{tz}" is not an IANA time zone (expected e.g. "Asia/Shanghai")', column="tz"
        ) from None
    return tz


def time_index(year: int, freq: str = "1h", tz: str = "Asia/Shanghai") -> pd.DatetimeIndex:
    """The steps of one calendar year without 29 February, labelled by their start.

    Parameters
    ----------
    year : int
        Calendar year [-].
    freq : str
        ``"1h"`` (8,760 steps) or ``"15min"`` (35,040 steps) [-].
    tz : str
        IANA time zone of the labels, e.g. ``"Asia/Shanghai"`` [-]. Zones with daylight saving
        time gain or lose an hour in spring and autumn; China has none.

    Returns
    -------
    pandas.DatetimeIndex
        Tz-aware start of each step [-].
    """
    step = normalise_freq(freq)
    idx = pd.date_range(
        pd.Timestamp(year=int(year), month=1, day=1, tz=_check_tz(tz)),
        pd.Timestamp(year=int(year) + 1, month=1, day=1, tz=tz),
        freq=step,
        inclusive="left",
    )
    return idx[~((idx.month == 2) & (idx.day == 29))]


# ---------------------------------------------------------------------------------------------
# climate table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityClimate:
    """Monthly climate of one city from ``data/energy/climate_cn.csv``.

    Parameters
    ----------
    city : str
        Key in the table, e.g. ``"wuhan"`` [-].
    latitude, longitude : float
        City centre [°N, °E].
    altitude_m : float
        [m].
    ghi_kwh_m2_day : tuple of 12 float
        Monthly mean daily global horizontal irradiation [kWh/m2/day].
    temp_mean_c : tuple of 12 float
        Monthly mean air temperature [°C].
    temp_range_c : tuple of 12 float
        Mean daily maximum minus minimum temperature [°C].
    wind_ms : tuple of 12 float
        Mean wind speed [m/s].
    source, status : str
        Where the values come from and how sure we are (``ESTIMATE``, ``TRANSCRIBED``...) [-].
    """

    city: str
    latitude: float
    longitude: float
    altitude_m: float
    ghi_kwh_m2_day: tuple[float, ...]
    temp_mean_c: tuple[float, ...]
    temp_range_c: tuple[float, ...]
    wind_ms: tuple[float, ...]
    source: str
    status: str


@functools.cache
def _climate_table() -> dict[str, CityClimate]:
    rows: dict[str, list[dict[str, str]]] = {}
    with packaged_data("energy/climate_cn.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["city"], []).append(row)
    out = {}
    for city, rs in rows.items():
        rs.sort(key=lambda r: int(r["month"]))
        first = rs[0]
        out[city] = CityClimate(
            city=city,
            latitude=float(first["latitude"]),
            longitude=float(first["longitude"]),
            altitude_m=float(first["altitude_m"]),
            ghi_kwh_m2_day=tuple(float(r["ghi_kwh_m2_day"]) for r in rs),
            temp_mean_c=tuple(float(r["temp_mean_c"]) for r in rs),
            temp_range_c=tuple(float(r["temp_range_c"]) for r in rs),
            wind_ms=tuple(float(r["wind_ms"]) for r in rs),
            source=first["source"],
            status=first["status"],
        )
    return out


def climate_cities() -> list[str]:
    """Keys of the cities in the shipped climate table, e.g. ``["beijing", ...]`` [-]."""
    return sorted(_climate_table())


def city_climate(city: str) -> CityClimate:
    """The shipped monthly climate of one city.

    Raises
    ------
    ConfigError
        A city that is not in the table (the message lists those that are).
    """
    table = _climate_table()
    key = city.strip().lower()
    if key not in table:
        raise ConfigError(
            f'no climate data for "{city}" (known: {", ".join(sorted(table))}); give a weather '
            "file or 12 monthly ghi_kwh_m2_day values instead",
            column="weather.city",
        )
    return table[key]


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def nearest_city(latitude: float, longitude: float) -> tuple[CityClimate, float]:
    """The shipped city closest to a point, and its great-circle distance [km].

    >>> city, km = nearest_city(30.6, 114.3)
    >>> city.city, round(km)
    ('wuhan', 4)
    """
    best = min(
        _climate_table().values(),
        key=lambda c: _distance_km(latitude, longitude, c.latitude, c.longitude),
    )
    return best, _distance_km(latitude, longitude, best.latitude, best.longitude)


# ---------------------------------------------------------------------------------------------
# clear-sky weather
# ---------------------------------------------------------------------------------------------


def _midpoints(index: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    return index + pd.Timedelta(hours=step_hours(freq) / 2)


def day_of_year(index: pd.DatetimeIndex) -> np.ndarray:
    """Day of the year of each time stamp, 1 to 366 [-] (as a float array)."""
    return np.asarray(index.day_of_year, dtype=float)


def _ineichen_ghi(
    latitude: float,
    longitude: float,
    altitude_m: float,
    mid: pd.DatetimeIndex,
    solpos: pd.DataFrame,
    doy: np.ndarray,
) -> np.ndarray:
    """Ineichen–Perez clear-sky GHI [W/m2] with pvlib's monthly Linke turbidity interpolated
    linearly between mid-months by day of year (what ``Location.get_clearsky`` does)."""
    months = pd.DatetimeIndex([pd.Timestamp(2015, m, 15, tz="UTC") for m in range(1, 13)])
    lts = pvlib.clearsky.lookup_linke_turbidity(
        months, latitude, longitude, interp_turbidity=False
    ).to_numpy(dtype=float)
    mid_days = np.array([pd.Timestamp(2015, m, 15).day_of_year for m in range(1, 13)], float)
    x = np.concatenate([[mid_days[-1] - 365.0], mid_days, [mid_days[0] + 365.0]])
    y = np.concatenate([[lts[-1]], lts, [lts[0]]])
    linke = np.interp(doy, x, y)
    zen = solpos["apparent_zenith"].to_numpy(dtype=float)
    am_rel = pvlib.atmosphere.get_relative_airmass(zen)
    am_abs = pvlib.atmosphere.get_absolute_airmass(am_rel, pvlib.atmosphere.alt2pres(altitude_m))
    dni_extra = pvlib.irradiance.get_extra_radiation(doy)
    with np.errstate(divide="ignore", invalid="ignore"):  # night: cos(zenith) <= 0
        cs = pvlib.clearsky.ineichen(zen, am_abs, linke, altitude=altitude_m, dni_extra=dni_extra)
    return np.nan_to_num(np.asarray(cs["ghi"], dtype=float))


def clearsky_weather(
    latitude: float,
    longitude: float,
    altitude_m: float,
    year: int,
    freq: str = "1h",
    tz: str = "Asia/Shanghai",
    *,
    ghi_kwh_m2_day: tuple[float, ...] | list[float] | None = None,
    clearness: tuple[float, ...] | list[float] | None = None,
    temp_mean_c: tuple[float, ...] | list[float] = (20.0,) * 12,
    temp_range_c: tuple[float, ...] | list[float] = (8.0,) * 12,
    wind_ms: tuple[float, ...] | list[float] = (2.0,) * 12,
) -> pd.DataFrame:
    """A year of clear-sky weather scaled down to a monthly climate.

    The Ineichen–Perez clear-sky model (pvlib, Linke turbidity from pvlib's monthly global table)
    gives GHI at the midpoint of each step. Month by month, GHI is multiplied by a clearness
    derate ``k_m``: either given (``clearness``) or chosen so that the month's mean daily GHI
    equals ``ghi_kwh_m2_day`` (k_m = target / clear-sky mean, capped at 1). The derated GHI is split
    into DNI and DHI with the Erbs (1982) correlation. Air temperature follows a sine around the
    monthly mean, lowest at 05:00 and highest at 15:00 local time, with the monthly range.

    Parameters
    ----------
    latitude, longitude : float
        Site [°N, °E].
    altitude_m : float
        Site altitude [m].
    year : int
        Calendar year [-].
    freq : str
        ``"1h"`` or ``"15min"`` [-].
    tz : str
        Time zone of the index [-].
    ghi_kwh_m2_day : sequence of 12 float, optional
        Monthly mean daily GHI to calibrate to [kWh/m2/day].
    clearness : sequence of 12 float, optional
        Monthly derate factors applied to clear-sky GHI directly [-]; used when
        ``ghi_kwh_m2_day`` is not given. With neither, pure clear sky (k = 1).
    temp_mean_c, temp_range_c : sequence of 12 float
        Monthly mean and daily range of air temperature [°C].
    wind_ms : sequence of 12 float
        Monthly mean wind speed [m/s].

    Returns
    -------
    pandas.DataFrame
        Columns ghi, dni, dhi [W/m2], temp_air [°C], wind_speed [m/s]; ``attrs["clearness"]`` holds
        the 12 derate factors used [-].
    """
    for name, seq in (
        ("ghi_kwh_m2_day", ghi_kwh_m2_day),
        ("clearness", clearness),
        ("temp_mean_c", temp_mean_c),
        ("temp_range_c", temp_range_c),
        ("wind_ms", wind_ms),
    ):
        if seq is not None and len(seq) != 12:
            raise ConfigError(f"needs 12 monthly values, got {len(seq)}", column=name)
    index = time_index(year, freq, tz)
    mid = _midpoints(index, freq)
    location = pvlib.location.Location(latitude, longitude, tz=tz, altitude=altitude_m)
    solpos = location.get_solarposition(mid)
    doy = day_of_year(mid)
    ghi_cs = _ineichen_ghi(latitude, longitude, altitude_m, mid, solpos, doy)
    month = index.month.to_numpy() - 1
    h = step_hours(freq)
    if ghi_kwh_m2_day is not None:
        days = np.bincount(month, minlength=12) * h / 24.0
        cs_daily = np.bincount(month, weights=ghi_cs * h / 1000.0, minlength=12) / days
        k = np.minimum(np.asarray(ghi_kwh_m2_day, dtype=float) / cs_daily, 1.0)
    elif clearness is not None:
        k = np.asarray(clearness, dtype=float)
    else:
        k = np.ones(12)
    if np.any(k < 0) or np.any(k > 1.0 + 1e-9):
        raise ConfigError("clearness derates must lie between 0 and 1", column="clearness")
    ghi = ghi_cs * k[month]
    zenith = solpos["zenith"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        split = pvlib.irradiance.erbs(ghi, zenith, doy)
    dni = np.nan_to_num(np.asarray(split["dni"], dtype=float))
    dhi = np.nan_to_num(np.asarray(split["dhi"], dtype=float))
    hour = (index.hour + index.minute / 60.0).to_numpy() + h / 2
    # sine with minimum at 05:00 and maximum at 15:00 (period 20 h rising, approximated by a
    # 24 h cosine centred at 15:00): T = mean + range/2 * cos(2π (hour - 15) / 24)
    tmean = np.asarray(temp_mean_c, dtype=float)[month]
    trange = np.asarray(temp_range_c, dtype=float)[month]
    temp = tmean + trange / 2 * np.cos(2 * np.pi * (hour - 15.0) / 24.0)
    wind = np.asarray(wind_ms, dtype=float)[month]
    frame = pd.DataFrame(
        {"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp, "wind_speed": wind}, index=index
    )
    frame.attrs["clearness"] = [float(x) for x in k]
    return frame


# ---------------------------------------------------------------------------------------------
# weather files
# ---------------------------------------------------------------------------------------------


def _offset_hours(tz: str, year: int) -> float:
    ts = pd.Timestamp(year=year, month=1, day=15, tz=tz)
    off = ts.utcoffset()
    return 0.0 if off is None else off.total_seconds() / 3600.0


def read_weather_file(
    path: str | Path, year: int, freq: str = "1h", tz: str = "Asia/Shanghai"
) -> pd.DataFrame:
    """Read an EPW or TMY3 file and lay its typical year onto ``year``.

    The file's hours (hour-ending, local standard time, 8,760 or 8,784 rows) are relabelled by
    the start of each hour, 29 February is dropped, and the values are shifted by the difference
    between the file's UTC offset and that of ``tz`` (wrapping around the year end). For
    ``"15min"`` each hourly value is held for its four quarter hours.

    Parameters
    ----------
    path : str or Path
        ``*.epw`` (EnergyPlus) or a TMY3 ``*.csv`` [-].
    year : int
        Calendar year to lay the data onto [-].
    freq : str
        ``"1h"`` or ``"15min"`` [-].
    tz : str
        Time zone of the site [-].

    Returns
    -------
    pandas.DataFrame
        ghi, dni, dhi [W/m2], temp_air [°C], wind_speed [m/s]; ``attrs`` has the file's
        ``latitude``, ``longitude`` [°] and ``station`` name.

    Raises
    ------
    ConfigError
        The file is missing, unreadable, or has the wrong number of hours.
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"weather file {p} does not exist", column="weather.file")
    try:
        if p.suffix.lower() == ".epw":
            data, meta = pvlib.iotools.read_epw(p)
            tz_hours = float(meta.get("TZ", 0.0))
            station = str(meta.get("city", ""))
            lat, lon = float(meta["latitude"]), float(meta["longitude"])
        else:
            data, meta = pvlib.iotools.read_tmy3(p, map_variables=True)
            tz_hours = float(meta.get("TZ", 0.0))
            station = str(meta.get("Name", ""))
            lat, lon = float(meta["latitude"]), float(meta["longitude"])
    except ConfigError:
        raise
    except Exception as exc:  # pvlib raises many kinds on malformed files
        raise ConfigError(
            f"cannot read weather file {p} as EPW or TMY3: {exc}", column="weather.file"
        ) from None
    missing = [c for c in WEATHER_COLUMNS if c not in data.columns]
    if missing:
        raise ConfigError(f"weather file {p} lacks {', '.join(missing)}", column="weather.file")
    frame = data[list(WEATHER_COLUMNS)].astype(float)
    # rows are taken by position (a TMY mixes months of different years, so its own time stamps
    # cannot be trusted for the calendar): 8,760 rows as they are; 8,784 lose 29 February
    if len(frame) == 8784:
        frame = frame.drop(frame.index[59 * 24 : 60 * 24])
    if len(frame) != 8760:
        raise ConfigError(
            f"weather file {p} has {len(frame)} hourly rows (expected 8760, or 8784 in a leap "
            "year)",
            column="weather.file",
        )
    shift = round(_offset_hours(tz, year) - tz_hours)
    values = np.roll(frame.to_numpy(), shift, axis=0)
    hourly = time_index(year, "1h", tz)
    out = pd.DataFrame(values, index=hourly, columns=list(WEATHER_COLUMNS))
    if normalise_freq(freq) == "15min":
        quarter = time_index(year, "15min", tz)
        out = pd.DataFrame(
            np.repeat(out.to_numpy(), 4, axis=0), index=quarter, columns=list(WEATHER_COLUMNS)
        )
    out[["ghi", "dni", "dhi"]] = out[["ghi", "dni", "dhi"]].clip(lower=0.0)
    out.attrs.update({"latitude": lat, "longitude": lon, "station": station, "file": str(p)})
    return out
