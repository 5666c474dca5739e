"""The energy scenario file: site, PV, load, tariff, battery, chargers, EV fleet, grid, finance.

One YAML file feeds both ``parkzero energy size`` and ``parkzero energy dispatch`` (format and
a complete example in ``docs/energy.md``, "Scenario format")::

    name: 武汉示范物流园 PV + storage
    year: 2024
    freq: 1h                       # or 15min
    region: 湖北                    # grid emission factor of the LeverResult
    tariff: hubei_2024             # shipped id, FILE.yaml[#id], or an inline tariff mapping
    load: {csv: load_2024_hourly.csv, column: kwh}     # parkzero.energy.loads spec, or
          # {loads_kw: [..]} (tiled), {constant_kw: 100}, {flat_annual_kwh: 10000}
    pv: {site: pv_site.yaml, existing_kw: 3000}        # or production_factor: [..] (tiled),
          # production_factor_csv: FILE (column kw_per_kwp); size_kw fixes the size;
          # PVParams fields override the shipped costs
    battery: {max_kwh: 20000}      # BatteryParams fields; size_kwh/size_kw fix the size; false = none
    chargers: {power_kw: 120}      # ChargerParams fields; count fixes the number
    ev_fleet: {sessions: ev_sessions.csv}   # or an inline list of sessions
    grid: {export_limit_kw: 0}     # GridParams fields
    finance: {discount_rate: 0.06} # FinanceParams fields
    dispatch: {demand_limit_kw: 5000, v2g: true, shed: [{name: yard-lighting, share: 0.02, priority: 1}]}

Paths are relative to the scenario file. PV sites and load specs are read by
:mod:`parkzero.energy.pv` and :mod:`parkzero.energy.loads` (imported when needed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from parkzero.energy.dispatch import DispatchInput, SheddableLoad
from parkzero.energy.ev import (
    EVSession,
    SessionTemplate,
    expand_templates,
    fleet_profile,
    read_sessions,
    sessions_from_records,
)
from parkzero.energy.models import BatteryParams, ChargerParams, FinanceParams, GridParams, PVParams
from parkzero.energy.sizing import SizingInput, SizingResult
from parkzero.energy.tariffs import Tariff, get_tariff, tariff_from_dict
from parkzero.errors import ConfigError, InputError

__all__ = ["Scenario", "load_scenario", "scenario_from_dict"]

_TOP = {
    "name",
    "year",
    "freq",
    "timezone",
    "start",
    "steps",
    "region",
    "tariff",
    "load",
    "pv",
    "battery",
    "chargers",
    "ev_fleet",
    "grid",
    "finance",
    "dispatch",
    "notes",
}
_FREQS = {
    "1h": "1h",
    "h": "1h",
    "60min": "1h",
    "hourly": "1h",
    "15min": "15min",
    "15m": "15min",
    "quarter-hour": "15min",
}


@dataclass(frozen=True)
class Scenario:
    """A scenario read from YAML, with its profiles on one index.

    Attributes
    ----------
    name, region : str
    index : pandas.DatetimeIndex
        Step starts, tz-aware [-].
    load_kw : numpy.ndarray
        Site load without EV charging [kW].
    pv_kw_per_kwp : numpy.ndarray or None
        PV production factor [kW/kWp].
    tariff : Tariff
    pv, battery, chargers : params or None
    sessions : list of EVSession
    grid : GridParams
    finance : FinanceParams
    dispatch : dict
        ``demand_limit_kw`` [kW], ``v2g`` [-], ``shed`` (list), ``soc_initial_kwh`` [kWh].
    source : str
        The file [-].
    """

    name: str
    region: str | None
    index: pd.DatetimeIndex
    load_kw: np.ndarray
    pv_kw_per_kwp: np.ndarray | None
    tariff: Tariff
    pv: PVParams | None
    battery: BatteryParams | None
    chargers: ChargerParams | None
    sessions: list[EVSession]
    grid: GridParams
    finance: FinanceParams
    dispatch: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def step_h(self) -> float:
        """[h]"""
        return float((self.index[1] - self.index[0]) / pd.Timedelta(hours=1))

    def sizing_input(self) -> SizingInput:
        """The sizing LP's input [-]."""
        fleet = fleet_profile(self.sessions, self.index, self.step_h) if self.sessions else None
        return SizingInput(
            index=self.index,
            load_kw=self.load_kw,
            tariff=self.tariff,
            pv_kw_per_kwp=self.pv_kw_per_kwp,
            pv=self.pv,
            battery=self.battery,
            chargers=self.chargers if fleet is not None else None,
            fleet=fleet,
            grid=self.grid,
            finance=self.finance,
            region=self.region,
            name=self.name,
        )

    def dispatch_input(self, sizes: SizingResult | None = None) -> DispatchInput:
        """The dispatch input with fixed sizes: from `sizes`, else the scenario's fixed sizes.

        Without either, PV and battery sizes are their maximum bounds when finite, else 0.
        """
        pv_kw = 0.0
        if self.pv is not None:
            if sizes is not None:
                pv_kw = sizes.pv_kw
            elif self.pv.min_kw == self.pv.max_kw or math.isfinite(self.pv.max_kw):
                pv_kw = self.pv.max_kw
            else:
                pv_kw = self.pv.existing_kw
        cf = self.pv_kw_per_kwp if self.pv_kw_per_kwp is not None else np.zeros(len(self.index))
        battery = self.battery
        if battery is not None:
            e = sizes.battery_kwh if sizes is not None else battery.max_kwh
            p = sizes.battery_kw if sizes is not None else battery.max_kw
            e = e if math.isfinite(e) else 0.0
            p = p if math.isfinite(p) else 0.0
            battery = BatteryParams(
                **{**battery.__dict__, "min_kwh": e, "max_kwh": e, "min_kw": p, "max_kw": p}
            )
        charger_total = math.inf
        if self.chargers is not None:
            n = sizes.chargers_installed if sizes is not None else self.chargers.max_count
            if math.isfinite(n):
                charger_total = n * self.chargers.power_kw
        d = self.dispatch
        shed = []
        for item in d.get("shed", []):
            kw = (
                item["share"] * self.load_kw
                if "share" in item
                else np.minimum(float(item["kw"]), self.load_kw)
            )
            shed.append(
                SheddableLoad(str(item.get("name", "shed")), kw, int(item.get("priority", 1)))
            )
        return DispatchInput(
            index=self.index,
            load_kw=self.load_kw,
            pv_kw=pv_kw * cf,
            tariff=self.tariff,
            battery=battery,
            sessions=self.sessions,
            charger_kw_total=charger_total,
            v2g=bool(d.get("v2g", False)),
            import_limit_kw=self.grid.import_limit_kw,
            export_limit_kw=self.grid.export_limit_kw,
            demand_limit_kw=d.get("demand_limit_kw"),
            shed=shed,
            soc_initial_kwh=d.get("soc_initial_kwh"),
        )


def _section(data: Mapping[str, Any], key: str, source: str) -> dict[str, Any] | None:
    raw = data.get(key)
    if raw is None or raw is False:
        return None
    if raw is True:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError("expected a mapping of fields (or false)", source=source, column=key)
    return dict(raw)


def _series(raw: Any, n: int, where: str, source: str) -> np.ndarray:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("expected a non-empty list of numbers", source=source, column=where)
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError("expected a list of numbers", source=source, column=where) from None
    if n % len(arr):
        raise ConfigError(
            f"{len(arr)} values do not divide the {n} steps", source=source, column=where
        )
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise ConfigError("values must be finite and >= 0", source=source, column=where)
    return np.tile(arr, n // len(arr))


def _csv_column(path: Path, column: str, n: int, where: str) -> np.ndarray:
    if not path.is_file():
        raise ConfigError("file not found", source=str(path), column=where)
    frame = pd.read_csv(path)
    if column not in frame.columns:
        raise InputError(
            f"no column {column!r} (columns: {', '.join(map(str, frame.columns))})",
            source=str(path),
            row=1,
        )
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy()
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        raise InputError(
            "expected a number >= 0", source=str(path), row=int(bad[0]) + 2, column=column
        )
    if len(values) != n:
        raise InputError(
            f"{len(values)} rows, the scenario has {n} steps", source=str(path), column=column
        )
    return values


def _params(cls: Any, overrides: Mapping[str, Any], where: str, source: str) -> Any:
    try:
        return cls.default(**overrides)
    except ConfigError as exc:
        col = (
            exc.column
            if exc.column and exc.column.startswith(where)
            else f"{where}{'.' + exc.column if exc.column and exc.column != where else ''}"
        )
        raise ConfigError(exc.message, source=source, column=col) from None
    except TypeError as exc:
        raise ConfigError(f"bad value: {exc}", source=source, column=where) from None


def scenario_from_dict(
    data: Mapping[str, Any],
    *,
    source: str = "scenario",
    base_dir: str | Path | None = None,
    freq: str | None = None,
) -> Scenario:
    """Build a :class:`Scenario` from the parsed YAML.

    Parameters
    ----------
    data : mapping
    source : str
        File name for messages [-].
    base_dir : str or Path, optional
        Folder relative paths are relative to [-].
    freq : str, optional
        Overrides the file's ``freq`` (``"1h"`` or ``"15min"``) [-].

    Raises
    ------
    ConfigError
        Naming the file and the field path.
    """
    if not isinstance(data, Mapping):
        raise ConfigError("expected a mapping at the top level", source=source)
    unknown = set(data) - _TOP
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))} (expected some of {', '.join(sorted(_TOP))})",
            source=source,
        )
    base = Path(base_dir) if base_dir is not None else Path(".")
    tz = str(data.get("timezone", "Asia/Shanghai"))
    f_raw = str(freq or data.get("freq", "1h"))
    if f_raw not in _FREQS:
        raise ConfigError(
            f"time step {f_raw!r} is not supported (expected 1h or 15min)",
            source=source,
            column="freq",
        )
    step = _FREQS[f_raw]
    year = data.get("year", 2024)
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ConfigError(
            f"expected a year such as 2024, got {year!r}", source=source, column="year"
        )
    if "start" in data or "steps" in data:
        steps = data.get("steps")
        if not isinstance(steps, int) or steps < 2:
            raise ConfigError(
                "expected a number of steps >= 2 with start", source=source, column="steps"
            )
        try:
            start = pd.Timestamp(str(data.get("start", f"{year}-01-01")))
        except ValueError:
            raise ConfigError(
                "expected an ISO date or date-time", source=source, column="start"
            ) from None
        start = start.tz_localize(tz) if start.tzinfo is None else start
        # `steps` counts the file's own time step: keep the same period when --freq overrides it
        file_step = _FREQS.get(str(data.get("freq", "1h")), step)
        steps = round(steps * pd.Timedelta(file_step) / pd.Timedelta(step))
        index = pd.date_range(start, periods=steps, freq=step)
    else:
        from parkzero.energy.weather import time_index

        index = time_index(year, step, tz)
    n = len(index)
    # tariff
    raw_t = data.get("tariff")
    if raw_t is None:
        raise ConfigError(
            "missing: a shipped tariff id, a FILE.yaml or an inline tariff",
            source=source,
            column="tariff",
        )
    if isinstance(raw_t, Mapping):
        tariff = tariff_from_dict(raw_t, id="scenario", source=source)
    else:
        try:
            tariff = get_tariff(str(raw_t), base_dir=base)
        except ConfigError as exc:
            raise ConfigError(
                exc.message, source=exc.source or source, column=exc.column or "tariff"
            ) from None
    # load
    load_spec = _section(data, "load", source)
    if load_spec is None:
        raise ConfigError("missing: the site load", source=source, column="load")
    if "loads_kw" in load_spec:
        load = _series(load_spec["loads_kw"], n, "load.loads_kw", source)
    elif "constant_kw" in load_spec:
        load = np.full(n, float(load_spec["constant_kw"]))
    elif "flat_annual_kwh" in load_spec:
        load = np.full(n, float(load_spec["flat_annual_kwh"]) / 8760.0)
    else:
        from parkzero.energy.loads import load_profile

        series = load_profile(load_spec, year, step, base_dir=base)
        load = series.to_numpy(dtype=float)
        if len(load) != n:
            raise ConfigError(
                f"the load has {len(load)} steps, the scenario {n}", source=source, column="load"
            )
    # PV
    pv_raw = _section(data, "pv", source)
    pv = None
    cf = None
    if pv_raw is not None:
        site = pv_raw.pop("site", None)
        pf = pv_raw.pop("production_factor", None)
        pf_csv = pv_raw.pop("production_factor_csv", None)
        size = pv_raw.pop("size_kw", None)
        if site is not None:
            from parkzero.energy import pv as pvmod

            site_obj = pvmod.load_site(base / str(site))
            cf = pvmod.profile_per_kwp(site_obj, year, step).to_numpy(dtype=float)
            pv_raw.setdefault("max_kw", pvmod.max_kwp(site_obj))
            if len(cf) != n:
                raise ConfigError(
                    f"the PV profile has {len(cf)} steps, the scenario {n}",
                    source=source,
                    column="pv.site",
                )
        elif pf is not None:
            cf = _series(pf, n, "pv.production_factor", source)
        elif pf_csv is not None:
            cf = _csv_column(base / str(pf_csv), "kw_per_kwp", n, "pv.production_factor_csv")
        else:
            raise ConfigError(
                "expected site, production_factor or production_factor_csv",
                source=source,
                column="pv",
            )
        if size is not None:
            pv_raw["min_kw"] = pv_raw["max_kw"] = float(size)
        pv = _params(PVParams, pv_raw, "pv", source)
    # battery
    b_raw = _section(data, "battery", source)
    battery = None
    if b_raw is not None:
        if "size_kwh" in b_raw:
            b_raw["min_kwh"] = b_raw["max_kwh"] = float(b_raw.pop("size_kwh"))
        if "size_kw" in b_raw:
            b_raw["min_kw"] = b_raw["max_kw"] = float(b_raw.pop("size_kw"))
        battery = _params(BatteryParams, b_raw, "battery", source)
    c_raw = _section(data, "chargers", source)
    chargers = None
    if c_raw is not None:
        if "count" in c_raw:
            c_raw["min_count"] = c_raw["max_count"] = float(c_raw.pop("count"))
        chargers = _params(ChargerParams, c_raw, "chargers", source)
    # EV fleet
    sessions: list[EVSession] = []
    ev_raw = _section(data, "ev_fleet", source)
    if ev_raw is not None:
        s = ev_raw.get("sessions")
        items: list[EVSession | SessionTemplate]
        if isinstance(s, list):
            items = sessions_from_records(
                s, source=f"{source}: ev_fleet.sessions", tz=tz, first_row=1
            )
        elif isinstance(s, str):
            items = read_sessions(base / s, tz=tz)
        else:
            raise ConfigError(
                "expected a file name or a list of sessions",
                source=source,
                column="ev_fleet.sessions",
            )
        sessions = expand_templates(items, index, tz=tz)
    grid = _params(GridParams, _section(data, "grid", source) or {}, "grid", source)
    finance = _params(FinanceParams, _section(data, "finance", source) or {}, "finance", source)
    disp = _section(data, "dispatch", source) or {}
    unknown_d = set(disp) - {"demand_limit_kw", "v2g", "shed", "soc_initial_kwh"}
    if unknown_d:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(unknown_d))}", source=source, column="dispatch"
        )
    for i, item in enumerate(disp.get("shed", []) or []):
        if not isinstance(item, Mapping) or ("share" not in item and "kw" not in item):
            raise ConfigError(
                "expected {name, share or kw, priority}",
                source=source,
                column=f"dispatch.shed[{i}]",
            )
    return Scenario(
        name=str(data.get("name", Path(source).stem)),
        region=str(data["region"]) if data.get("region") else (tariff.region or None),
        index=index,
        load_kw=load,
        pv_kw_per_kwp=cf,
        tariff=tariff,
        pv=pv,
        battery=battery,
        chargers=chargers,
        sessions=sessions,
        grid=grid,
        finance=finance,
        dispatch=dict(disp),
        source=source,
    )


def load_scenario(path: str | Path, *, freq: str | None = None) -> Scenario:
    """Read a scenario YAML file (format in the module docstring).

    Raises
    ------
    ConfigError
        File missing, not YAML, or a field invalid (file and field path named).
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError("scenario file not found", source=str(p))
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"not valid YAML: {exc}", source=str(p), row=mark.line + 1 if mark is not None else None
        ) from None
    return scenario_from_dict(data, source=str(p), base_dir=p.parent, freq=freq)
