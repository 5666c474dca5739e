"""Rooftop PV yield on pvlib, the PVWatts v5 way, for one or many roof sections.

A site (``SITE.yaml``, :class:`PVSite`) is a location, roof sections (area, tilt, azimuth, the
share of the area modules can cover), a module type, an inverter, PVWatts loss categories and a
weather source. The chain, per step and per roof orientation:

1. solar position at the midpoint of the step (pvlib SPA);
2. plane-of-array irradiance by the Perez (1990) model, ground albedo 0.2;
3. angle-of-incidence loss on the beam only, physical (Fresnel/Snell) model, as PVWatts v5 does;
4. cell temperature: Fuentes (1987) with installed NOCT (PVWatts' model; 49 °C roof mount,
   45 °C open rack) or the SAPM / PVsyst models;
5. DC: ``pvlib.pvsystem.pvwatts_dc`` [kW/kWp] × (1 − PVWatts system losses, 14.08 % by default);
6. AC: ``pvlib.inverter.pvwatts`` with the inverter sized at kWp / DC-to-AC ratio.

Against the PVWatts reference years in ``tests/data/energy/`` (Golden CO, 4 kWp) the annual AC
energy agrees to 0.1 % and every month to 0.6 % (``tests/energy/test_pv.py``).

SITE.yaml::

    name: Demo park rooftops
    location: {latitude: 30.58, longitude: 114.27, altitude_m: 23, tz: Asia/Shanghai}
    sections:
      - {name: sorting-south, area_m2: 15000, tilt_deg: 5, azimuth_deg: 180, usable_share: 0.65}
    module: {type: standard}            # power density and gamma_pdc from data/energy/pv_modules.csv
    inverter: {eta_inv_nom: 0.96, dc_ac_ratio: 1.2}
    losses: {soiling: 2, shading: 3}    # % per PVWatts category; the others keep their defaults
    weather: {city: wuhan}              # or {file: weather.epw}; nothing = nearest shipped city

Azimuths are degrees clockwise from north (180 = south). Output power is AC [kW]; energy per step
is power × step length. Years have 365 days (29 February dropped, see
:mod:`parkzero.energy.weather`).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pvlib
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from parkzero.config import packaged_data
from parkzero.energy.weather import (
    _check_tz,
    city_climate,
    clearsky_weather,
    day_of_year,
    nearest_city,
    normalise_freq,
    read_weather_file,
    step_hours,
)
from parkzero.errors import ConfigError

__all__ = [
    "Inverter",
    "Location",
    "Losses",
    "Module",
    "PVSite",
    "RoofSection",
    "Weather",
    "load_site",
    "max_kwp",
    "module_types",
    "production",
    "profile_per_kwp",
    "section_kwp",
    "simulate",
    "site_weather",
    "summary",
    "total_losses_pct",
]

TemperatureModel = Literal[
    "fuentes",
    "sapm_open_rack",
    "sapm_close_mount",
    "sapm_insulated_back",
    "pvsyst_freestanding",
    "pvsyst_insulated",
]

_SAPM_KEYS = {
    "sapm_open_rack": "open_rack_glass_polymer",
    "sapm_close_mount": "close_mount_glass_glass",
    "sapm_insulated_back": "insulated_back_glass_polymer",
}
_PVSYST_KEYS = {"pvsyst_freestanding": "freestanding", "pvsyst_insulated": "insulated"}


# ---------------------------------------------------------------------------------------------
# reference data
# ---------------------------------------------------------------------------------------------


@functools.cache
def _table(name: str, key: str) -> dict[str, dict[str, str]]:
    with packaged_data(f"energy/{name}").open(encoding="utf-8", newline="") as fh:
        return {row[key]: row for row in csv.DictReader(fh)}


def module_types() -> dict[str, tuple[float, float]]:
    """Shipped module types: ``{type: (power density [kWp/m2], gamma_pdc [1/°C])}``.

    >>> module_types()["standard"]
    (0.19, -0.0037)
    """
    return {
        k: (float(r["power_density_kwp_per_m2"]), float(r["gamma_pdc_per_c"]))
        for k, r in _table("pv_modules.csv", "module_type").items()
    }


def _default(parameter: str) -> float:
    return float(_table("pv_defaults.csv", "parameter")[parameter]["value"])


def _default_losses() -> dict[str, float]:
    return {k: float(r["value"]) for k, r in _table("pv_losses.csv", "category").items()}


# ---------------------------------------------------------------------------------------------
# site model
# ---------------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(_Model):
    """Where the site is: latitude [°N], longitude [°E], altitude [m], IANA time zone."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    altitude_m: float = 0.0
    tz: str = "Asia/Shanghai"

    @field_validator("tz")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            return _check_tz(v)
        except ConfigError as exc:
            raise ValueError(exc.message) from None


class RoofSection(_Model):
    """One roof plane.

    Parameters
    ----------
    name : str
        Unique within the site [-].
    area_m2 : float
        Roof area of the plane [m2].
    tilt_deg : float
        Module tilt from horizontal [°].
    azimuth_deg : float
        Direction the modules face, clockwise from north, 180 = south [°].
    usable_share : float
        Share of the area modules can cover after walkways, set-backs, skylights and shade [-].
    """

    name: str = Field(min_length=1)
    area_m2: float = Field(gt=0)
    tilt_deg: float = Field(ge=0, le=90)
    azimuth_deg: float = Field(ge=0, le=360)
    usable_share: float = Field(gt=0, le=1)


class Module(_Model):
    """PVWatts module parameters.

    Parameters
    ----------
    type : str
        Key in ``data/energy/pv_modules.csv`` (``standard``, ``premium``, ``thin_film``,
        ``pvwatts5_standard``) giving the defaults below [-].
    pdc0_kw_per_kwp : float
        DC power at 1,000 W/m2 and 25 °C per kWp of nameplate [kW/kWp]; 1.0 unless the modules
        are binned above nameplate.
    gamma_pdc : float, optional
        Temperature coefficient of power [1/°C].
    power_density_kwp_per_m2 : float, optional
        Nameplate per module area [kWp/m2].
    temperature_model : str
        ``fuentes`` (PVWatts) or ``sapm_open_rack``, ``sapm_close_mount``,
        ``sapm_insulated_back``, ``pvsyst_freestanding``, ``pvsyst_insulated`` [-].
    inoct_c : float, optional
        Installed nominal operating cell temperature for ``fuentes`` [°C]; 49 (roof mount) by
        default, 45 for open rack.
    """

    type: str = "standard"
    pdc0_kw_per_kwp: float = Field(default=1.0, gt=0, le=1.2)
    gamma_pdc: float | None = Field(default=None, ge=-0.02, le=0.0)
    power_density_kwp_per_m2: float | None = Field(default=None, gt=0, le=0.3)
    temperature_model: TemperatureModel = "fuentes"
    inoct_c: float | None = Field(default=None, ge=20, le=80)

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        if v not in module_types():
            raise ValueError(f'unknown module type "{v}" (known: {", ".join(module_types())})')
        return v

    @property
    def gamma(self) -> float:
        """Temperature coefficient used [1/°C]."""
        return self.gamma_pdc if self.gamma_pdc is not None else module_types()[self.type][1]

    @property
    def density(self) -> float:
        """Power density used [kWp/m2]."""
        if self.power_density_kwp_per_m2 is not None:
            return self.power_density_kwp_per_m2
        return module_types()[self.type][0]

    @property
    def inoct(self) -> float:
        """Installed NOCT used by the Fuentes model [°C]."""
        return self.inoct_c if self.inoct_c is not None else _default("inoct_roof_c")


class Inverter(_Model):
    """PVWatts inverter: nominal efficiency [-] and DC-to-AC size ratio [-]."""

    eta_inv_nom: float | None = Field(default=None, gt=0.5, le=1.0)
    dc_ac_ratio: float | None = Field(default=None, ge=0.5, le=3.0)

    @property
    def eta(self) -> float:
        """Nominal efficiency used [-]."""
        return self.eta_inv_nom if self.eta_inv_nom is not None else _default("eta_inv_nom")

    @property
    def ratio(self) -> float:
        """DC-to-AC ratio used [-]."""
        return self.dc_ac_ratio if self.dc_ac_ratio is not None else _default("dc_ac_ratio")


class Losses(_Model):
    """PVWatts system loss categories [%]; unset ones take the PVWatts v5 defaults.

    ``total_pct`` replaces the whole combination by one figure [%].
    """

    soiling: float | None = Field(default=None, ge=0, lt=100)
    shading: float | None = Field(default=None, ge=0, lt=100)
    snow: float | None = Field(default=None, ge=0, lt=100)
    mismatch: float | None = Field(default=None, ge=0, lt=100)
    wiring: float | None = Field(default=None, ge=0, lt=100)
    connections: float | None = Field(default=None, ge=0, lt=100)
    lid: float | None = Field(default=None, ge=0, lt=100)
    nameplate_rating: float | None = Field(default=None, ge=0, lt=100)
    age: float | None = Field(default=None, ge=0, lt=100)
    availability: float | None = Field(default=None, ge=0, lt=100)
    total_pct: float | None = Field(default=None, ge=0, lt=100)


class Weather(_Model):
    """Weather source: a file, a shipped city's climate, or 12 monthly GHI values.

    Parameters
    ----------
    file : Path, optional
        EPW or TMY3 file; relative paths are relative to SITE.yaml [-].
    city : str, optional
        Key in ``data/energy/climate_cn.csv``; default the nearest shipped city [-].
    ghi_kwh_m2_day : list of 12 float, optional
        Monthly mean daily GHI that the clear-sky model is derated to [kWh/m2/day].
    clearness : list of 12 float, optional
        Monthly clear-sky derates, used when ``ghi_kwh_m2_day`` is not given [-].
    albedo : float
        Ground reflectance [-].
    """

    file: Path | None = None
    city: str | None = None
    ghi_kwh_m2_day: list[float] | None = None
    clearness: list[float] | None = None
    albedo: float | None = Field(default=None, ge=0, le=1)

    @field_validator("ghi_kwh_m2_day", "clearness")
    @classmethod
    def _twelve(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and len(v) != 12:
            raise ValueError(f"needs 12 monthly values, got {len(v)}")
        return v


class PVSite(_Model):
    """A PV site: location, roof sections, module, inverter, losses and weather."""

    name: str = ""
    location: Location
    sections: list[RoofSection] = Field(min_length=1)
    module: Module = Module()
    inverter: Inverter = Inverter()
    losses: Losses = Losses()
    weather: Weather = Weather()

    @model_validator(mode="after")
    def _unique_names(self) -> PVSite:
        seen: set[str] = set()
        for s in self.sections:
            if s.name in seen or s.name == "total":
                raise ValueError(f'section name "{s.name}" is used twice or reserved')
            seen.add(s.name)
        return self


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_site(path: str | Path) -> PVSite:
    """Read SITE.yaml.

    Raises
    ------
    ConfigError
        A missing file, bad YAML, or a field that is missing, unknown or out of range; the
        message names the file and the field path (e.g. ``sections[2].tilt_deg``).
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"file {p} does not exist", source=str(p))
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", source=str(p)) from None
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping with location and sections", source=str(p))
    try:
        site = PVSite.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = _field_path(tuple(err["loc"]))
        extra = f" (and {len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else ""
        raise ConfigError(f"{err['msg']}{extra}", source=str(p), column=field or None) from None
    if site.weather.file is not None and not site.weather.file.is_absolute():
        weather = site.weather.model_copy(update={"file": (p.parent / site.weather.file)})
        site = site.model_copy(update={"weather": weather})
    return site


# ---------------------------------------------------------------------------------------------
# capacity and weather
# ---------------------------------------------------------------------------------------------


def section_kwp(site: PVSite) -> dict[str, float]:
    """Roof-bounded DC capacity of each section: area × usable share × power density [kWp]."""
    d = site.module.density
    return {s.name: s.area_m2 * s.usable_share * d for s in site.sections}


def max_kwp(site: PVSite) -> float:
    """Roof-bounded DC capacity of the whole site [kWp].

    >>> site = PVSite(location=Location(latitude=30.6, longitude=114.3),
    ...               sections=[RoofSection(name="a", area_m2=1000, tilt_deg=5,
    ...                                     azimuth_deg=180, usable_share=0.5)])
    >>> max_kwp(site)   # 1000 m2 × 0.5 × 0.19 kWp/m2
    95.0
    """
    return float(sum(section_kwp(site).values()))


def total_losses_pct(site: PVSite) -> float:
    """Combined PVWatts system losses [%] (categories combined multiplicatively)."""
    if site.losses.total_pct is not None:
        return float(site.losses.total_pct)
    values = _default_losses()
    for k, v in site.losses.model_dump(exclude={"total_pct"}).items():
        if v is not None:
            values[k] = float(v)
    return float(pvlib.pvsystem.pvwatts_losses(**values))


def _weather_source(site: PVSite) -> str:
    loc, w = site.location, site.weather
    if w.file is not None:
        return f"file: {Path(w.file).name}"
    city = (
        city_climate(w.city) if w.city is not None else nearest_city(loc.latitude, loc.longitude)[0]
    )
    if w.ghi_kwh_m2_day is not None:
        how = "own monthly GHI"
    elif w.clearness is not None:
        how = "own clearness"
    else:
        how = f"{city.city} climate, {city.status}"
    return f"clear-sky × monthly derate ({how}; temperatures: {city.city})"


def site_weather(site: PVSite, year: int, freq: str = "1h") -> pd.DataFrame:
    """The weather frame the site is simulated with (see :mod:`parkzero.energy.weather`).

    ``attrs["source"]`` says which: ``"file: ..."`` or ``"clear-sky × monthly derate (city)"``.
    """
    loc, w = site.location, site.weather
    if w.file is not None:
        frame = read_weather_file(w.file, year, freq, loc.tz)
        frame.attrs["source"] = _weather_source(site)
        return frame
    if w.city is not None:
        city = city_climate(w.city)
    else:
        city, _ = nearest_city(loc.latitude, loc.longitude)
    ghi = w.ghi_kwh_m2_day
    if ghi is None and w.clearness is None:
        ghi = list(city.ghi_kwh_m2_day)
    frame = clearsky_weather(
        loc.latitude,
        loc.longitude,
        loc.altitude_m,
        year,
        freq,
        loc.tz,
        ghi_kwh_m2_day=ghi,
        clearness=w.clearness,
        temp_mean_c=city.temp_mean_c,
        temp_range_c=city.temp_range_c,
        wind_ms=city.wind_ms,
    )
    frame.attrs["source"] = _weather_source(site)
    return frame


# ---------------------------------------------------------------------------------------------
# the model chain
# ---------------------------------------------------------------------------------------------


def _step_h(index: pd.DatetimeIndex) -> float:
    if len(index) < 2:
        return 1.0
    return float(pd.Series(index).diff().median().total_seconds() / 3600.0)


def _cell_temperature(
    site: PVSite, poa: pd.Series, temp_air: pd.Series, wind: pd.Series, tilt: float
) -> pd.Series:
    model = site.module.temperature_model
    if model == "fuentes":
        return pvlib.temperature.fuentes(
            poa,
            temp_air,
            wind,
            site.module.inoct,
            module_height=_default("module_height_m"),
            wind_height=_default("wind_height_m"),
            surface_tilt=tilt,
        )
    if model in _SAPM_KEYS:
        p = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][_SAPM_KEYS[model]]
        return pvlib.temperature.sapm_cell(poa, temp_air, wind, **p)
    p = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["pvsyst"][_PVSYST_KEYS[model]]
    return pvlib.temperature.pvsyst_cell(poa, temp_air, wind, **p)


def _ac_per_kwp(site: PVSite, weather: pd.DataFrame) -> dict[tuple[float, float], np.ndarray]:
    """AC output per kWp for each distinct (tilt, azimuth) [kW/kWp]."""
    loc = site.location
    index = pd.DatetimeIndex(weather.index)
    step = _step_h(index)
    mid = index + pd.Timedelta(hours=step / 2)
    location = pvlib.location.Location(
        loc.latitude, loc.longitude, tz=loc.tz, altitude=loc.altitude_m
    )
    sp = location.get_solarposition(mid)
    sp.index = index
    zenith = sp["apparent_zenith"]
    dni = weather["dni"].clip(lower=0.0)
    dhi = weather["dhi"].clip(lower=0.0)
    if "ghi" in weather.columns:
        ghi = weather["ghi"].clip(lower=0.0)
    else:  # closure: GHI = DNI cos(z) + DHI
        ghi = dni * np.cos(np.radians(zenith)).clip(lower=0.0) + dhi
    dni_extra = pd.Series(pvlib.irradiance.get_extra_radiation(day_of_year(mid)), index=index)
    airmass = pvlib.atmosphere.get_relative_airmass(zenith)
    albedo = site.weather.albedo if site.weather.albedo is not None else _default("albedo")
    loss = 1.0 - total_losses_pct(site) / 100.0
    inv_pdc0 = 1.0 / site.inverter.ratio  # inverter DC input limit per kWp [kW/kWp]
    out: dict[tuple[float, float], np.ndarray] = {}
    for sec in site.sections:
        key = (sec.tilt_deg, sec.azimuth_deg)
        if key in out:
            continue
        irr = pvlib.irradiance.get_total_irradiance(
            sec.tilt_deg,
            sec.azimuth_deg,
            zenith,
            sp["azimuth"],
            dni,
            ghi,
            dhi,
            dni_extra=dni_extra,
            airmass=airmass,
            albedo=albedo,
            model="perez",
        )
        aoi = pvlib.irradiance.aoi(sec.tilt_deg, sec.azimuth_deg, zenith, sp["azimuth"])
        iam = pvlib.iam.physical(aoi)
        poa = (irr["poa_direct"] * iam + irr["poa_diffuse"]).fillna(0.0).clip(lower=0.0)
        tcell = _cell_temperature(
            site, poa, weather["temp_air"], weather["wind_speed"], sec.tilt_deg
        )
        dc = pvlib.pvsystem.pvwatts_dc(poa, tcell, site.module.pdc0_kw_per_kwp, site.module.gamma)
        dc = np.asarray(dc, dtype=float) * loss
        ac = pvlib.inverter.pvwatts(dc, inv_pdc0, site.inverter.eta, _default("eta_inv_ref"))
        out[key] = np.clip(np.nan_to_num(np.asarray(ac, dtype=float)), 0.0, None)
    return out


def simulate(
    site: PVSite, weather: pd.DataFrame, kwp: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """AC output of each section for a given weather frame.

    Parameters
    ----------
    site : PVSite
        The site [-].
    weather : pandas.DataFrame
        Tz-aware index at a fixed step labelled by the start of the step; columns dni, dhi
        [W/m2] (mean over the step), temp_air [°C], wind_speed [m/s] and optionally ghi [W/m2]
        (else DNI·cos(zenith) + DHI at the midpoint).
    kwp : mapping, optional
        DC capacity per section name [kWp]; default each section's roof-bounded capacity.

    Returns
    -------
    pandas.DataFrame
        One column per section and ``total``: AC power [kW], index as ``weather``.
    """
    caps = dict(section_kwp(site)) if kwp is None else {k: float(v) for k, v in kwp.items()}
    unknown = set(caps) - {s.name for s in site.sections}
    if unknown:
        raise ConfigError(f"no roof section named {sorted(unknown)}", column="kwp")
    per = _ac_per_kwp(site, weather)
    cols = {s.name: per[(s.tilt_deg, s.azimuth_deg)] * caps.get(s.name, 0.0) for s in site.sections}
    frame = pd.DataFrame(cols, index=weather.index)
    frame["total"] = frame.sum(axis=1)
    return frame


@functools.lru_cache(maxsize=8)
def _production_max(site_json: str, year: int, freq: str) -> pd.DataFrame:
    site = PVSite.model_validate_json(site_json)
    return simulate(site, site_weather(site, year, freq))


def production(site: PVSite, year: int, freq: str = "1h", kwp: float | None = None) -> pd.DataFrame:
    """AC output per section and in total for a year.

    Parameters
    ----------
    site : PVSite
        The site [-].
    year : int
        Calendar year; 365 days, 29 February dropped [-].
    freq : str
        ``"1h"`` (8,760 steps) or ``"15min"`` (35,040 steps) [-].
    kwp : float, optional
        Installed DC capacity [kWp], spread over the sections in proportion to their
        roof-bounded capacity; default :func:`max_kwp`.

    Returns
    -------
    pandas.DataFrame
        One column per section and ``total``: AC power [kW]; index tz-aware in the site's zone.

    Raises
    ------
    ConfigError
        ``kwp`` is negative or more than the roof holds.
    """
    step = normalise_freq(freq)
    top = max_kwp(site)
    frame = _production_max(site.model_dump_json(), int(year), step).copy()
    if kwp is None:
        return frame
    if kwp < 0 or kwp > top * (1 + 1e-9):
        raise ConfigError(
            f"{kwp:,.1f} kWp does not fit: the roof sections hold 0 to {top:,.1f} kWp",
            column="kwp",
        )
    return frame * (kwp / top if top > 0 else 0.0)


def profile_per_kwp(site: PVSite, year: int, freq: str = "1h") -> pd.Series:
    """AC output per kWp installed over the whole roof mix [kW/kWp].

    Sections are weighted by their roof-bounded capacity, so ``profile × kwp`` equals
    ``production(site, year, freq, kwp)["total"]``. 8,760 hourly or 35,040 quarter-hour steps
    (29 February dropped), tz-aware in the site's zone, labelled by the start of the step.
    """
    frame = production(site, year, freq)
    top = max_kwp(site)
    series = frame["total"] / top if top > 0 else frame["total"] * 0.0
    series.name = "ac_kw_per_kwp"
    return series


def summary(site: PVSite, year: int, freq: str = "1h", kwp: float | None = None) -> dict[str, Any]:
    """Headline figures of a year of production.

    Returns
    -------
    dict
        ``kwp`` [kWp], ``max_kwp`` [kWp], ``ac_kw`` (inverter AC rating, kWp / DC-AC ratio) [kW],
        ``annual_kwh`` [kWh], ``specific_yield_kwh_per_kwp`` [kWh/kWp], ``capacity_factor``
        (annual kWh / (kWp × 8,760 h), DC basis as PVWatts) [-], ``peak_kw`` [kW],
        ``monthly_kwh`` (12 values) [kWh], ``sections`` (name, kwp, annual_kwh,
        specific_yield_kwh_per_kwp), ``losses_pct`` [%], ``weather`` (source) [-], ``year``,
        ``freq``, ``steps``.
    """
    step = normalise_freq(freq)
    frame = production(site, year, step, kwp)
    h = step_hours(step)
    installed = max_kwp(site) if kwp is None else float(kwp)
    scale = installed / max_kwp(site) if max_kwp(site) > 0 else 0.0
    annual = float(frame["total"].sum() * h)
    monthly = (
        frame["total"]
        .groupby(pd.DatetimeIndex(frame.index).month)
        .sum()
        .reindex(range(1, 13), fill_value=0.0)
    )
    caps = section_kwp(site)
    sections = []
    for s in site.sections:
        cap = caps[s.name] * scale
        e = float(frame[s.name].sum() * h)
        sections.append(
            {
                "name": s.name,
                "kwp": cap,
                "annual_kwh": e,
                "specific_yield_kwh_per_kwp": e / cap if cap > 0 else 0.0,
            }
        )
    return {
        "name": site.name,
        "year": int(year),
        "freq": step,
        "steps": len(frame),
        "kwp": installed,
        "max_kwp": max_kwp(site),
        "ac_kw": installed / site.inverter.ratio,
        "annual_kwh": annual,
        "specific_yield_kwh_per_kwp": annual / installed if installed > 0 else 0.0,
        "capacity_factor": annual / (installed * 8760.0) if installed > 0 else 0.0,
        "peak_kw": float(frame["total"].max()),
        "monthly_kwh": [float(v) * h for v in monthly.to_numpy()],
        "sections": sections,
        "losses_pct": total_losses_pct(site),
        "weather": _weather_source(site),
    }
