"""Generate the demo park's hourly electricity year 2024 (deterministic, seeded).

Writes ``load_2024_hourly.csv`` next to this script (or into ``--out DIR``) and prints totals.
The file is one year of hourly meter data for the forecast (``parkzero energy forecast``) and the
sizing scenario. Columns::

    timestamp   start of the hour, ISO 8601 with +08:00 (Asia/Shanghai)
    kwh         the park's electricity use in the hour, all zones and tenants (grid + own PV) [kWh]
    grid_kwh    drawn from the grid: kwh - pv_kwh [kWh]
    pv_kwh      output of the existing rooftop PV, all self-consumed [kWh]
    pv_kwp      PV capacity in service: 1,600 kWp on the sorting centre, + 1,400 kWp on the cold
                store from 1 April 2024 [kWp]
    temp_c      day-ahead forecast of the air temperature for the hour [°C]
    ghi_wm2     day-ahead forecast of global horizontal irradiance, mean over the hour [W/m2]

The weather columns are what a park would receive from a weather service the day before (the
synthetic truth plus forecast error), so a backtest that uses them is honest about what is known
at forecast time; the load and PV were generated from the *true* weather.

How it is made (every assumption is a named constant below):

1. Weather: a daily temperature anomaly (AR(1)) around Wuhan's monthly normals and a daily
   cloudiness (AR(1) in logit space) around the monthly clearness of ``data/energy/
   climate_cn.csv``, hourly clear-sky GHI from pvlib (parkzero.energy.weather), diurnal cycles.
2. PV: the demo site's sorting-centre and cold-store roofs simulated with parkzero.energy.pv on
   that weather, then scaled month by month to the PV memo lines (PV-SORT, PV-CS) of
   ``activities-2024.csv``.
3. Load: five zone models (sorting waves, warehouse shifts, cold-store refrigeration with a
   temperature-driven COP, offices with heating and cooling, yard lighting and night EV
   charging), each with the Chinese calendar — weekends, public holidays and make-up working days
   of 2024 (data/energy/cn_holidays.csv), a Spring Festival trough that starts before and ends
   after the official 10–17 February holiday, the "618" and "双十一" e-commerce peaks — and
   noise; then scaled month by month so every zone's month equals ``activities-2024.csv``
   (grid + PV). The year therefore totals 22,283 MWh of use and 19,306 MWh from the grid.

Run::

    .venv/bin/python examples/demo-park/make_energy_data.py
    .venv/bin/python examples/demo-park/make_energy_data.py --out OUT_DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from parkzero.energy import pv
from parkzero.energy.loads import day_kinds
from parkzero.energy.weather import city_climate, clearsky_weather

HERE = Path(__file__).resolve().parent
YEAR = 2024
TZ = "Asia/Shanghai"
SEED = 20240101  # assumption: any fixed number

# --- weather (assumption unless said) --------------------------------------------------------
TEMP_ANOMALY_PHI = 0.78  # day-to-day persistence of the temperature anomaly [-]
TEMP_ANOMALY_SD = 1.9  # innovation of the daily anomaly [°C]; gives ~3 °C spread
CLOUD_PHI = 0.55  # day-to-day persistence of cloudiness [-]
CLOUD_SD = 1.15  # spread of daily cloudiness in logit space [-]
HOURLY_CLOUD_SD = 0.18  # hour-to-hour flicker of irradiance on broken-cloud days [-]
FCST_TEMP_SD = 1.3  # day-ahead temperature forecast error [°C]
FCST_CLOUD_SD = 0.55  # day-ahead cloudiness forecast error, logit space [-]

# --- PV (README.md: 1.6 MWp from July 2023, 1.4 MWp from April 2024) ---------------------------
PV_SORT_KWP = 1600.0
PV_CS_KWP = 1400.0
PV_CS_START = dt.date(2024, 4, 1)

# --- calendar of a Chinese express/e-commerce park (assumption) --------------------------------
# daily activity of sorting and warehouse relative to a normal weekday [-]
SPRING_FESTIVAL = {  # 除夕 9 Feb 2024; couriers leave from late January, back by ~25 February
    **{dt.date(2024, 1, 25) + dt.timedelta(days=i): 1.0 - 0.03 * i for i in range(11)},
    **{
        dt.date(2024, 2, 5) + dt.timedelta(days=i): v
        for i, v in enumerate(
            [0.55, 0.45, 0.38, 0.32, 0.26, 0.22, 0.24, 0.27, 0.30, 0.34, 0.38, 0.42, 0.47]
        )
    },
    **{dt.date(2024, 2, 18) + dt.timedelta(days=i): 0.55 + 0.055 * i for i in range(8)},
}
PEAKS = [  # e-commerce festivals: (first day, last day, factor)
    (dt.date(2024, 5, 28), dt.date(2024, 6, 20), 1.15),  # "618"
    (dt.date(2024, 10, 20), dt.date(2024, 11, 15), 1.30),  # "双十一" pre-sales and shipping
    (dt.date(2024, 11, 11), dt.date(2024, 11, 14), 1.25),  # on top: the days after 11.11
    (dt.date(2024, 12, 8), dt.date(2024, 12, 14), 1.08),  # "双十二"
]
SORTING_DAY_FACTOR = {0: 1.0, 1: 0.9, 2: 0.78}  # working day, Saturday, Sunday/holiday
WAREHOUSE_DAY_FACTOR = {0: 1.0, 1: 0.62, 2: 0.38}

# zone -> (zones in activities-2024.csv); the PV memo lines belong to sorting and cold-store
ZONES = {
    "sorting": ["sorting"],
    "warehouse": ["warehouse"],
    "cold": ["cold-store", "cold-store-b"],
    "offices": ["offices"],
    "yard": ["yard"],
}


def _hours() -> pd.DatetimeIndex:
    return pd.date_range(f"{YEAR}-01-01", f"{YEAR + 1}-01-01", freq="1h", tz=TZ, inclusive="left")


def _daily_normals(values: tuple[float, ...], days: pd.DatetimeIndex) -> np.ndarray:
    """Monthly values interpolated to days, through mid-months (periodic)."""
    mid = np.array([pd.Timestamp(YEAR, m, 15).day_of_year for m in range(1, 13)], float)
    x = np.concatenate([[mid[-1] - 366], mid, [mid[0] + 366]])
    y = np.concatenate([[values[-1]], values, [values[0]]])
    return np.interp(days.day_of_year.to_numpy(dtype=float), x, y)


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    out = np.empty(n)
    out[0] = rng.normal(0, sd / np.sqrt(1 - phi**2))
    for i in range(1, n):
        out[i] = phi * out[i - 1] + rng.normal(0, sd)
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def weather(rng: np.random.Generator, site: pv.PVSite) -> tuple[pd.DataFrame, pd.DataFrame]:
    """True and day-ahead-forecast weather, hourly for 2024 incl. 29 February."""
    hours = _hours()
    days = pd.DatetimeIndex(hours.normalize().unique())
    clim = city_climate("wuhan")
    loc = site.location
    # clear sky for 2024 (365 days) and the monthly clearness calibrated to Wuhan's GHI
    cs = clearsky_weather(
        loc.latitude,
        loc.longitude,
        loc.altitude_m,
        YEAR,
        "1h",
        TZ,
        ghi_kwh_m2_day=clim.ghi_kwh_m2_day,
    )
    k_month = np.asarray(cs.attrs["clearness"])
    clear = clearsky_weather(loc.latitude, loc.longitude, loc.altitude_m, YEAR, "1h", TZ)
    ghi_cs = clear["ghi"].reindex(hours)
    ghi_cs = ghi_cs.fillna(ghi_cs.shift(24)).to_numpy()  # 29 February = 28 February

    n_days = len(days)
    t_norm = _daily_normals(clim.temp_mean_c, days)
    t_range = _daily_normals(clim.temp_range_c, days)
    t_day = t_norm + _ar1(rng, n_days, TEMP_ANOMALY_PHI, TEMP_ANOMALY_SD)
    k_day_mean = _daily_normals(tuple(k_month), days)
    # daily clearness of a sky that is sometimes clear (~1.0) and sometimes overcast (~0.15)
    latent = _ar1(rng, n_days, CLOUD_PHI, CLOUD_SD * np.sqrt(1 - CLOUD_PHI**2))
    c_day = _sigmoid(_logit(np.clip(k_day_mean, 0.05, 0.95)) + latent)
    c_day *= k_day_mean / _smooth_mean(c_day, days)  # keep the monthly clearness
    c_day = np.clip(c_day, 0.06, 1.0)

    day_of_hour = np.searchsorted(days.asi8, hours.normalize().asi8)
    c_h = c_day[day_of_hour]
    flicker = 1 + HOURLY_CLOUD_SD * rng.standard_normal(len(hours)) * (1 - c_h) * 2
    ghi = np.clip(ghi_cs * c_h * flicker, 0, ghi_cs * 1.05)
    hour = hours.hour.to_numpy()
    amp = t_range[day_of_hour] * (0.55 + 0.6 * c_h) / 2
    temp = t_day[day_of_hour] + amp * np.cos(2 * np.pi * (hour - 15) / 24)
    temp += 0.35 * rng.standard_normal(len(hours))
    wind = np.clip(2.0 + 0.8 * rng.standard_normal(len(hours)), 0.3, None)
    true = pd.DataFrame({"ghi": ghi, "temp_air": temp, "wind_speed": wind}, index=hours)

    # day-ahead forecasts: daily errors (a forecast misses whole weather systems)
    t_err = _ar1(rng, n_days, 0.4, FCST_TEMP_SD * np.sqrt(1 - 0.16))
    c_fc = _sigmoid(
        _logit(np.clip(c_day, 0.03, 0.97)) + FCST_CLOUD_SD * rng.standard_normal(n_days)
    )
    fc = pd.DataFrame(
        {
            "temp_c": temp + t_err[day_of_hour],
            "ghi_wm2": ghi_cs * c_fc[day_of_hour],
        },
        index=hours,
    )
    return true, fc


def _smooth_mean(values: np.ndarray, days: pd.DatetimeIndex) -> np.ndarray:
    """Monthly mean of daily values, interpolated back to days like the normals."""
    monthly = pd.Series(values, index=days).groupby(days.month).mean().to_numpy()
    return _daily_normals(tuple(monthly), days)


def pv_output(site: pv.PVSite, true: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Hourly AC of the existing PV [kWh] and capacity in service [kWp]."""
    hours = pd.DatetimeIndex(true.index)
    loc = site.location
    sp = pvlib.location.Location(loc.latitude, loc.longitude, TZ, loc.altitude_m).get_solarposition(
        hours + pd.Timedelta(minutes=30)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        split = pvlib.irradiance.erbs(
            true["ghi"].to_numpy(),
            sp["zenith"].to_numpy(),
            hours.day_of_year.to_numpy(dtype=float),
        )
    w = pd.DataFrame(
        {
            "ghi": true["ghi"].to_numpy(),
            "dni": np.nan_to_num(np.asarray(split["dni"], dtype=float)),
            "dhi": np.nan_to_num(np.asarray(split["dhi"], dtype=float)),
            "temp_air": true["temp_air"].to_numpy(),
            "wind_speed": true["wind_speed"].to_numpy(),
        },
        index=hours,
    )
    kwp = {
        "sorting-south": PV_SORT_KWP / 2,
        "sorting-north": PV_SORT_KWP / 2,
        "cold-store": PV_CS_KWP,
    }
    frame = pv.simulate(site, w, kwp)
    sort = (frame["sorting-south"] + frame["sorting-north"]).to_numpy()
    cold = frame["cold-store"].to_numpy()
    in_service = np.array([d >= PV_CS_START for d in hours.date])
    return sort, np.where(in_service, cold, 0.0)


def _day_factor(hours: pd.DatetimeIndex, table: dict[int, float], festival: bool) -> np.ndarray:
    days = pd.DatetimeIndex(hours.normalize().unique())
    kinds = day_kinds([d.date() for d in days])
    f = np.array([table[int(k)] for k in kinds])
    if festival:
        for i, d in enumerate(days.date):
            if d in SPRING_FESTIVAL:
                f[i] = min(f[i], SPRING_FESTIVAL[d]) if kinds[i] else SPRING_FESTIVAL[d]
            for a, b, g in PEAKS:
                if a <= d <= b:
                    f[i] *= g
    return f[np.searchsorted(days.asi8, hours.normalize().asi8)]


def zone_loads(
    rng: np.random.Generator, true: pd.DataFrame, ghi_cs_dark: np.ndarray
) -> dict[str, np.ndarray]:
    """Unscaled hourly shapes of the five zone groups [relative kW]."""
    hours = pd.DatetimeIndex(true.index)
    h = hours.hour.to_numpy()
    temp = true["temp_air"].to_numpy()
    n = len(hours)
    noise = lambda sd: np.exp(_ar1(rng, n, 0.7, sd * np.sqrt(1 - 0.49)))  # noqa: E731
    # sorting: night waves 18-04 (outbound, line-haul arrivals), day wave 09-15, 04-08 maintenance
    wave = np.select(
        [(h >= 18) | (h < 4), (h >= 9) & (h < 15), (h >= 4) & (h < 8)], [1.0, 0.75, 0.18], 0.45
    )
    volume = _day_factor(hours, SORTING_DAY_FACTOR, True)
    sorting = (0.12 + wave * volume) * noise(0.05)
    # warehouse: two shifts 07-22, pick/pack, lighting; fans above 26 °C
    shift = np.select([(h >= 7) & (h < 15), (h >= 15) & (h < 22)], [1.0, 0.8], 0.18)
    wh_day = _day_factor(hours, WAREHOUSE_DAY_FACTOR, True)
    warehouse = (0.15 + shift * wh_day) * (1 + 0.02 * np.clip(temp - 26, 0, None)) * noise(0.04)
    # cold store: compressors against outdoor temperature (COP falls ~2.5 %/°C), defrost cycles,
    # door traffic in the day shifts
    doors = np.where((h >= 6) & (h < 21), 0.12, 0.0) * _day_factor(hours, SORTING_DAY_FACTOR, False)
    defrost = np.isin(h, [2, 8, 14, 20]) * 0.06
    cold = (1 + 0.028 * (temp - 15)) * (1 + doors + defrost) * noise(0.03)
    # offices: occupied 08-18 on working days; VRF cooling above 24 °C, heating below 14 °C
    occ = np.where((h >= 8) & (h < 18), 1.0, 0.0) * (
        _day_factor(hours, {0: 1.0, 1: 0.25, 2: 0.1}, False)
    )
    canteen = np.isin(h, [11, 12, 17, 18]) * 0.35 * (occ > 0.2)
    hvac = 0.06 * np.clip(temp - 24, 0, None) + 0.05 * np.clip(14 - temp, 0, None)
    offices = (0.25 + occ * (1 + canteen) + hvac * (0.35 + occ)) * noise(0.05)
    # yard: floodlights in the dark, EV trucks charging 21-06, workshop and gate by day
    dark = ghi_cs_dark < 1.0
    ev = np.where((h >= 21) | (h < 6), 1.0, 0.0) * _day_factor(
        hours, {0: 1.0, 1: 0.8, 2: 0.6}, False
    )
    yard = (0.25 + 0.6 * dark + 0.9 * ev + np.where((h >= 8) & (h < 18), 0.3, 0.0)) * noise(0.08)
    return {
        "sorting": sorting,
        "warehouse": warehouse,
        "cold": cold,
        "offices": offices,
        "yard": yard,
    }


def monthly_targets() -> dict[str, np.ndarray]:
    """Monthly kWh per zone group from activities-2024.csv (grid + PV memo)."""
    acts = pd.read_csv(HERE / "activities-2024.csv")
    elec = acts[acts["kind"].str.startswith("electricity")].copy()
    factor = elec["unit"].map({"kWh": 1.0, "MWh": 1000.0, "万kWh": 10000.0})
    elec["kwh"] = elec["quantity"] * factor
    elec["month"] = pd.to_datetime(elec["start"]).dt.month
    out = {}
    for group, zones in ZONES.items():
        sel = elec[elec["zone"].isin(zones)]
        out[group] = sel.groupby("month")["kwh"].sum().reindex(range(1, 13)).to_numpy()
    pv_rows = elec[elec["kind"] == "electricity.onsite.pv"]
    for zone, key in (("sorting", "pv_sorting"), ("cold-store", "pv_cold")):
        sel = pv_rows[pv_rows["zone"] == zone]
        out[key] = (
            sel.groupby("month")["kwh"].sum().reindex(range(1, 13), fill_value=0.0).to_numpy()
        )
    return out


def _scale_monthly(values: np.ndarray, months: np.ndarray, target: np.ndarray) -> np.ndarray:
    sums = np.bincount(months - 1, weights=values, minlength=12)
    factor = np.divide(target, sums, out=np.zeros(12), where=sums > 0)
    return values * factor[months - 1]


def build() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    site = pv.load_site(HERE / "pv_site.yaml")
    true, fc = weather(rng, site)
    hours = pd.DatetimeIndex(true.index)
    months = hours.month.to_numpy()
    targets = monthly_targets()
    sort_pv, cold_pv = pv_output(site, true)
    sort_pv = _scale_monthly(sort_pv, months, targets["pv_sorting"])
    cold_pv = _scale_monthly(cold_pv, months, targets["pv_cold"])
    clear = clearsky_weather(site.location.latitude, site.location.longitude, 25, YEAR, "1h", TZ)
    dark = clear["ghi"].reindex(hours)
    dark = dark.fillna(dark.shift(24)).to_numpy()
    shapes = zone_loads(rng, true, dark)
    total = np.zeros(len(hours))
    for group, shape in shapes.items():
        total += _scale_monthly(shape, months, targets[group])
    pv_total = sort_pv + cold_pv
    kwp = np.where(
        np.array([d >= PV_CS_START for d in hours.date]), PV_SORT_KWP + PV_CS_KWP, PV_SORT_KWP
    )
    return pd.DataFrame(
        {
            "timestamp": [t.isoformat(timespec="minutes") for t in hours],
            "kwh": np.round(total, 1),
            "grid_kwh": np.round(total - pv_total, 1),
            "pv_kwh": np.round(pv_total, 1),
            "pv_kwp": kwp,
            "temp_c": np.round(fc["temp_c"].to_numpy(), 1),
            "ghi_wm2": np.round(fc["ghi_wm2"].to_numpy(), 1),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder")
    args = parser.parse_args()
    frame = build()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "load_2024_hourly.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    print(f"wrote {path} ({len(frame)} hours)")
    print(
        f"use {frame['kwh'].sum() / 1e3:,.0f} MWh, grid {frame['grid_kwh'].sum() / 1e3:,.0f} MWh, "
        f"PV {frame['pv_kwh'].sum() / 1e3:,.0f} MWh; peak {frame['kwh'].max():,.0f} kW, "
        f"minimum {frame['kwh'].min():,.0f} kW"
    )


if __name__ == "__main__":
    main()
