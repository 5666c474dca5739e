"""Electricity tariffs as data: time-of-use energy prices, demand charges, export prices.

China's commercial and industrial tariffs (分时电价) divide each day into critical-peak (尖峰),
peak (高峰), flat (平) and valley (谷) periods, price each as a ratio of the flat price, change the
division by season, and add a two-part charge (基本电费) per kW of monthly maximum demand or per
kVA of transformer capacity. :func:`load_tariffs` reads the shipped table
(``parkzero/data/energy/tariffs_cn.yaml``: Hubei, Guangdong, Beijing, Shanghai, Jiangsu,
Zhejiang, each value with source and effective date); :func:`load_tariff_file` reads a user's own
file in the same format. The format is in ``docs/energy.md`` ("Tariffs")::

    tariffs:
      my_site:
        name: My 10 kV supply
        flat_price: 0.62                 # or {value: 0.62, unit: CNY/kWh, source: ...}
        ratios: {critical: 1.8, peak: 1.49, flat: 1.0, valley: 0.48}
        seasons:
          - months: [7, 8]
            ratios: {critical: 2.0}      # optional override for these months
            periods: {critical: [[20, 22]], peak: [[16, 20], [22, 24]],
                      flat: [[0, 1], [7, 12], [14, 16]], valley: [[1, 7], [12, 14]]}
          - months: [1, 2, 3, 4, 5, 6, 9, 10, 11, 12]
            periods: {...}
        demand_charge: 39                # CNY/(kW*month) of monthly maximum demand
        capacity_charge: 26              # CNY/(kVA*month) of transformer capacity (fixed)
        export_price: 0.4161             # CNY/kWh for surplus PV; "net_metering" = import price
        green_premium: 0.03              # CNY/kWh, green-power trading premium (informative)

Two more forms serve tariffs that are not Chinese TOU (the REopt reference cases):
``energy_rates`` (a list of CNY/kWh, one per step or one cycle of steps, e.g. 24 hourly values
repeated daily), ``monthly_flat_price`` (12 values), and ``demand_periods`` (time-of-use demand
charges with ``rate``, ``hours`` or 1-based ``steps`` and optional ``previous_peak_kw``).

Times are local clock times in the tariff's time zone (Asia/Shanghai unless ``timezone`` says
otherwise); a tz-naive index is taken as local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from parkzero.errors import ConfigError

__all__ = [
    "PERIODS",
    "DemandGroup",
    "DemandPeriod",
    "Season",
    "Tariff",
    "TariffBill",
    "bill",
    "demand_groups",
    "effective_date",
    "export_price_series",
    "get_tariff",
    "load_tariff_file",
    "load_tariffs",
    "month_of_step",
    "period_labels",
    "price_series",
    "tariff_from_dict",
]

PERIODS: tuple[str, ...] = ("critical", "peak", "flat", "valley", "deep_valley")
"""Period names, from the most to the least expensive (尖峰, 高峰, 平, 谷, 深谷)."""

_ENERGY_UNITS = {"CNY/kWh": 1.0, "元/kWh": 1.0, "CNY/MWh": 1e-3, "元/MWh": 1e-3, "元/千瓦时": 1.0}
_DEMAND_UNITS = {"CNY/(kW*month)": 1.0, "CNY/kW/month": 1.0, "元/(kW·月)": 1.0, "元/千瓦·月": 1.0}
_CAPACITY_UNITS = {"CNY/(kVA*month)": 1.0, "CNY/kVA/month": 1.0, "元/(kVA·月)": 1.0}
_TARIFF_KEYS = {
    "name",
    "region",
    "currency",
    "timezone",
    "policy",
    "effective_from",
    "confidence",
    "flat_price",
    "monthly_flat_price",
    "energy_rates",
    "ratios",
    "seasons",
    "demand_charge",
    "demand_periods",
    "previous_peak_kw",
    "capacity_charge",
    "export_price",
    "green_premium",
    "ratios_confidence",
    "periods_confidence",
    "critical_hours_confidence",
    "note",
}


@dataclass(frozen=True)
class Season:
    """One division of the day into periods, for some months.

    Parameters
    ----------
    months : frozenset of int
        Months it applies to, 1-12 [-].
    hour_period : tuple of str
        Period name of each quarter hour of the day, 96 entries from 00:00 [-].
    ratios : mapping of str to float
        Price ratios to the flat price overriding the tariff's for these months [-].
    """

    months: frozenset[int]
    hour_period: tuple[str, ...]
    ratios: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DemandPeriod:
    """A demand charge on the maximum grid import within some steps of each month.

    Parameters
    ----------
    rate : float
        Charge per kW of the month's maximum import in the period [CNY/(kW*month)].
    quarter_hours : frozenset of int, optional
        Quarter hours of the day (0-95) in the period; None = all day [-].
    months : frozenset of int, optional
        Months it applies to; None = every month [-].
    steps : tuple of int, optional
        0-based step numbers instead of clock times (REopt's ``tou_demand_time_steps``) [-].
    previous_peak_kw : float
        Maximum demand already set earlier in the billing month (ratchet) [kW].
    """

    rate: float
    quarter_hours: frozenset[int] | None = None
    months: frozenset[int] | None = None
    steps: tuple[int, ...] | None = None
    previous_peak_kw: float = 0.0


@dataclass(frozen=True)
class Tariff:
    """An electricity tariff: energy prices by period, demand and capacity charges, export price.

    Parameters
    ----------
    id, name, region : str
        Key, display name and province [-].
    flat_price : float
        Flat-period (平段) energy price [CNY/kWh].
    ratios : mapping of str to float
        Energy price of each period as a ratio of the flat price [-].
    seasons : tuple of Season
        Divisions of the day; empty = the flat price all day [-].
    monthly_flat_price : tuple of float, optional
        Flat price of each month, replacing `flat_price` [CNY/kWh].
    energy_rates : tuple of float, optional
        Explicit energy price per step, tiled over the index; replaces the TOU prices [CNY/kWh].
    demand_charge : float
        Charge on each month's maximum grid import [CNY/(kW*month)].
    demand_periods : tuple of DemandPeriod
        Time-of-use demand charges on top of `demand_charge` [-].
    previous_peak_kw : float
        Maximum demand already set in the billing month, for `demand_charge` [kW].
    capacity_charge : float
        Charge per kVA of transformer capacity, independent of use [CNY/(kVA*month)].
    export_price : float or None
        Price paid for exported PV energy; None = exports are not paid [CNY/kWh].
    net_metering : bool
        Exports are credited at the import price of the same step [-].
    green_premium : float
        Premium for buying green power (绿电) on top of the energy price [CNY/kWh].
    timezone : str
        Time zone of the clock hours [-].
    sources : mapping
        Policy, effective date and confidence of each value, as in the file [-].
    """

    id: str
    name: str = ""
    region: str = ""
    flat_price: float = 0.0
    ratios: Mapping[str, float] = field(default_factory=lambda: {"flat": 1.0})
    seasons: tuple[Season, ...] = ()
    monthly_flat_price: tuple[float, ...] | None = None
    energy_rates: tuple[float, ...] | None = None
    demand_charge: float = 0.0
    demand_periods: tuple[DemandPeriod, ...] = ()
    previous_peak_kw: float = 0.0
    capacity_charge: float = 0.0
    export_price: float | None = None
    net_metering: bool = False
    green_premium: float = 0.0
    timezone: str = "Asia/Shanghai"
    sources: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_tou(self) -> bool:
        """Whether the energy price varies by period of the day [-]."""
        return bool(self.seasons) and self.energy_rates is None


@dataclass(frozen=True)
class DemandGroup:
    """Steps whose maximum import is charged together (one month × one demand period).

    Parameters
    ----------
    rate : float
        Charge per kW of the group's maximum import [CNY/kW].
    steps : numpy.ndarray
        0-based positions of the steps in the index [-].
    label : str
        E.g. ``"2024-07 all"`` [-].
    previous_peak_kw : float
        Demand already set before the index starts [kW].
    """

    rate: float
    steps: np.ndarray
    label: str
    previous_peak_kw: float = 0.0


@dataclass(frozen=True)
class TariffBill:
    """An electricity bill over an index [CNY].

    Attributes
    ----------
    energy_cny : float
        Energy charges of imports [CNY].
    demand_cny : float
        Demand charges [CNY].
    capacity_cny : float
        Capacity (transformer) charges [CNY].
    export_credit_cny : float
        Payment for exports, positive [CNY].
    """

    energy_cny: float
    demand_cny: float
    capacity_cny: float
    export_credit_cny: float

    @property
    def total_cny(self) -> float:
        """Energy + demand + capacity − export credit [CNY]."""
        return self.energy_cny + self.demand_cny + self.capacity_cny - self.export_credit_cny


# --------------------------------------------------------------------------- reading


def _value(
    raw: Any,
    units: Mapping[str, float],
    where: str,
    source: str | None,
    *,
    allow_none: bool = False,
) -> float | None:
    """A number, or a {value, unit, ...} block, converted to the canonical unit."""
    if raw is None and allow_none:
        return None
    unit = None
    if isinstance(raw, Mapping):
        if "value" not in raw:
            raise ConfigError(
                "expected a number or {value: ..., unit: ...}", source=source, column=where
            )
        unit = raw.get("unit")
        raw = raw["value"]
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not np.isfinite(raw):
        raise ConfigError(f"expected a number, got {raw!r}", source=source, column=where)
    if unit is None:
        return float(raw)
    if unit not in units:
        raise ConfigError(
            f"unit {unit!r} is not accepted here (expected one of {', '.join(units)})",
            source=source,
            column=where,
        )
    return float(raw) * units[unit]


def _hours_to_quarters(spans: Any, where: str, source: str | None) -> list[int]:
    if not isinstance(spans, list):
        raise ConfigError("expected a list of [start, end] hours", source=source, column=where)
    quarters: list[int] = []
    for i, span in enumerate(spans):
        ok = (
            isinstance(span, list | tuple)
            and len(span) == 2
            and all(isinstance(h, int | float) and not isinstance(h, bool) for h in span)
        )
        if not ok:
            raise ConfigError(
                f"expected [start, end] in hours, got {span!r}",
                source=source,
                column=f"{where}[{i}]",
            )
        a, b = float(span[0]), float(span[1])
        if not (0 <= a < b <= 24) or (a * 4) % 1 or (b * 4) % 1:
            raise ConfigError(
                f"[{span[0]}, {span[1]}] is not a span within 0-24 h on quarter hours (start < end)",
                source=source,
                column=f"{where}[{i}]",
            )
        quarters.extend(range(int(a * 4), int(b * 4)))
    return quarters


def _months(raw: Any, where: str, source: str | None) -> frozenset[int]:
    if (
        not isinstance(raw, list)
        or not raw
        or not all(isinstance(m, int) and 1 <= m <= 12 for m in raw)
    ):
        raise ConfigError(
            f"expected a list of months 1-12, got {raw!r}", source=source, column=where
        )
    return frozenset(raw)


def _ratios(raw: Any, where: str, source: str | None) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise ConfigError("expected a mapping period → ratio", source=source, column=where)
    out: dict[str, float] = {}
    for name, value in raw.items():
        if name not in PERIODS:
            raise ConfigError(
                f"unknown period {name!r} (expected one of {', '.join(PERIODS)})",
                source=source,
                column=f"{where}.{name}",
            )
        number = _value(value, {"-": 1.0}, f"{where}.{name}", source)
        assert number is not None
        if number < 0:
            raise ConfigError(
                "a price ratio cannot be negative", source=source, column=f"{where}.{name}"
            )
        out[str(name)] = number
    return out


def _season(raw: Any, ratios: Mapping[str, float], where: str, source: str | None) -> Season:
    if not isinstance(raw, Mapping):
        raise ConfigError("expected a mapping with months and periods", source=source, column=where)
    unknown = set(raw) - {"name", "months", "periods", "ratios"}
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(unknown))} (expected name, months, periods, ratios)",
            source=source,
            column=where,
        )
    months = _months(raw.get("months"), f"{where}.months", source)
    own = _ratios(raw.get("ratios", {}), f"{where}.ratios", source)
    periods = raw.get("periods")
    if not isinstance(periods, Mapping) or not periods:
        raise ConfigError(
            "expected periods: {name: [[start, end], ...]}",
            source=source,
            column=f"{where}.periods",
        )
    slots: list[str | None] = [None] * 96
    for name, spans in periods.items():
        pwhere = f"{where}.periods.{name}"
        if name not in {**ratios, **own}:
            raise ConfigError(
                f"period {name!r} has no price ratio (the tariff's ratios are {', '.join(ratios)})",
                source=source,
                column=pwhere,
            )
        for q in _hours_to_quarters(spans, pwhere, source):
            if slots[q] is not None:
                raise ConfigError(
                    f"{q / 4:g} h is in both {slots[q]!r} and {name!r}",
                    source=source,
                    column=pwhere,
                )
            slots[q] = str(name)
    gaps = [q for q, s in enumerate(slots) if s is None]
    if gaps:
        raise ConfigError(
            f"the periods leave {gaps[0] / 4:g} h (and {len(gaps) - 1} more quarter hours) without a"
            " period; they must cover 0-24 h exactly once",
            source=source,
            column=f"{where}.periods",
        )
    return Season(months, tuple(s for s in slots if s is not None), own)


def _demand_period(raw: Any, where: str, source: str | None) -> DemandPeriod:
    if not isinstance(raw, Mapping) or "rate" not in raw:
        raise ConfigError("expected {rate: ..., hours or steps: ...}", source=source, column=where)
    unknown = set(raw) - {"rate", "hours", "months", "steps", "previous_peak_kw", "name"}
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(unknown))}", source=source, column=where
        )
    rate = _value(raw["rate"], _DEMAND_UNITS, f"{where}.rate", source)
    assert rate is not None
    quarters = (
        frozenset(_hours_to_quarters(raw["hours"], f"{where}.hours", source))
        if "hours" in raw
        else None
    )
    months = _months(raw["months"], f"{where}.months", source) if "months" in raw else None
    steps = None
    if "steps" in raw:
        s = raw["steps"]
        if not isinstance(s, list) or not all(isinstance(i, int) and i >= 1 for i in s):
            raise ConfigError(
                "steps: expected a list of 1-based step numbers",
                source=source,
                column=f"{where}.steps",
            )
        steps = tuple(i - 1 for i in s)
    prev = _value(
        raw.get("previous_peak_kw", 0.0), {"kW": 1.0}, f"{where}.previous_peak_kw", source
    )
    assert prev is not None
    return DemandPeriod(rate, quarters, months, steps, prev)


def tariff_from_dict(
    data: Mapping[str, Any], *, id: str = "custom", source: str | None = None
) -> Tariff:
    """Build a :class:`Tariff` from one entry of a tariff file.

    Parameters
    ----------
    data : mapping
        The entry (format in the module docstring) [-].
    id : str
        The tariff's key [-].
    source : str, optional
        File name for error messages [-].

    Raises
    ------
    ConfigError
        Naming the field (``tariffs.<id>.<key>``), what is wrong and what was expected.

    Examples
    --------
    >>> t = tariff_from_dict({"flat_price": 0.6, "demand_charge": 40})
    >>> t.flat_price, t.demand_charge, t.is_tou
    (0.6, 40.0, False)
    """
    base = f"tariffs.{id}"
    if not isinstance(data, Mapping):
        raise ConfigError("expected a mapping of tariff fields", source=source, column=base)
    unknown = set(data) - _TARIFF_KEYS
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))} (expected some of"
            f" {', '.join(sorted(_TARIFF_KEYS))})",
            source=source,
            column=base,
        )
    ratios = _ratios(data.get("ratios", {"flat": 1.0}), f"{base}.ratios", source)
    seasons_raw = data.get("seasons", [])
    if not isinstance(seasons_raw, list):
        raise ConfigError("expected a list of seasons", source=source, column=f"{base}.seasons")
    seasons = tuple(
        _season(s, ratios, f"{base}.seasons[{i}]", source) for i, s in enumerate(seasons_raw)
    )
    if seasons:
        seen: dict[int, int] = {}
        for i, s in enumerate(seasons):
            for m in s.months:
                if m in seen:
                    raise ConfigError(
                        f"month {m} is in seasons[{seen[m]}] and seasons[{i}]",
                        source=source,
                        column=f"{base}.seasons",
                    )
                seen[m] = i
        missing = sorted(set(range(1, 13)) - set(seen))
        if missing:
            raise ConfigError(
                f"months {missing} are in no season; the seasons must cover all 12 months",
                source=source,
                column=f"{base}.seasons",
            )
    flat = _value(data.get("flat_price", 0.0), _ENERGY_UNITS, f"{base}.flat_price", source)
    assert flat is not None
    monthly = data.get("monthly_flat_price")
    monthly_t = None
    if monthly is not None:
        if not isinstance(monthly, list) or len(monthly) != 12:
            raise ConfigError(
                "expected 12 prices, January first",
                source=source,
                column=f"{base}.monthly_flat_price",
            )
        monthly_t = tuple(
            float(_value(v, _ENERGY_UNITS, f"{base}.monthly_flat_price[{i}]", source) or 0.0)
            for i, v in enumerate(monthly)
        )
    rates = data.get("energy_rates")
    rates_t = None
    if rates is not None:
        if not isinstance(rates, list) or not rates:
            raise ConfigError(
                "expected a list of prices [CNY/kWh]", source=source, column=f"{base}.energy_rates"
            )
        rates_t = tuple(
            float(_value(v, _ENERGY_UNITS, f"{base}.energy_rates[{i}]", source) or 0.0)
            for i, v in enumerate(rates)
        )
    if "flat_price" not in data and monthly_t is None and rates_t is None:
        raise ConfigError(
            "no energy price: give flat_price, monthly_flat_price or energy_rates",
            source=source,
            column=base,
        )
    export_raw = data.get("export_price")
    net_metering = export_raw == "net_metering"
    export = (
        None
        if net_metering
        else _value(export_raw, _ENERGY_UNITS, f"{base}.export_price", source, allow_none=True)
    )
    dps = data.get("demand_periods", [])
    if not isinstance(dps, list):
        raise ConfigError("expected a list", source=source, column=f"{base}.demand_periods")
    demand = _value(data.get("demand_charge", 0.0), _DEMAND_UNITS, f"{base}.demand_charge", source)
    capacity = _value(
        data.get("capacity_charge", 0.0), _CAPACITY_UNITS, f"{base}.capacity_charge", source
    )
    green = _value(data.get("green_premium", 0.0), _ENERGY_UNITS, f"{base}.green_premium", source)
    prev = _value(
        data.get("previous_peak_kw", 0.0), {"kW": 1.0}, f"{base}.previous_peak_kw", source
    )
    for name, number in (
        ("demand_charge", demand),
        ("capacity_charge", capacity),
        ("flat_price", flat),
    ):
        if number is not None and number < 0:
            raise ConfigError("cannot be negative", source=source, column=f"{base}.{name}")
    tz = str(data.get("timezone", "Asia/Shanghai"))
    try:
        pd.Timestamp("2024-01-01", tz=tz)
    except Exception:
        raise ConfigError(
            f"unknown time zone {tz!r}", source=source, column=f"{base}.timezone"
        ) from None
    sources = {
        k: v
        for k, v in data.items()
        if k in {"policy", "effective_from", "confidence"}
        or (isinstance(v, Mapping) and "source" in v)
    }
    return Tariff(
        id=id,
        name=str(data.get("name", id)),
        region=str(data.get("region", "")),
        flat_price=flat,
        ratios=ratios,
        seasons=seasons,
        monthly_flat_price=monthly_t,
        energy_rates=rates_t,
        demand_charge=float(demand or 0.0),
        demand_periods=tuple(
            _demand_period(d, f"{base}.demand_periods[{i}]", source) for i, d in enumerate(dps)
        ),
        previous_peak_kw=float(prev or 0.0),
        capacity_charge=float(capacity or 0.0),
        export_price=export,
        net_metering=net_metering,
        green_premium=float(green or 0.0),
        timezone=tz,
        sources=sources,
    )


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError("tariff file not found", source=str(path))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"not valid YAML: {exc}",
            source=str(path),
            row=mark.line + 1 if mark is not None else None,
        ) from None


def _from_document(data: Any, source: str | None) -> dict[str, Tariff]:
    if not isinstance(data, Mapping):
        raise ConfigError("expected a mapping with a 'tariffs' key", source=source)
    if "tariffs" not in data:  # a single tariff at the top level
        return {"custom": tariff_from_dict(data, id="custom", source=source)}
    entries = data["tariffs"]
    if not isinstance(entries, Mapping) or not entries:
        raise ConfigError("expected a mapping id → tariff", source=source, column="tariffs")
    return {str(k): tariff_from_dict(v, id=str(k), source=source) for k, v in entries.items()}


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Tariff]:
    ref = resources.files("parkzero.data").joinpath("energy/tariffs_cn.yaml")
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    return _from_document(data, "parkzero/data/energy/tariffs_cn.yaml")


def load_tariffs() -> dict[str, Tariff]:
    """The shipped China C&I tariffs, by id (``hubei_2024``, ``guangdong_2021``, ...).

    Examples
    --------
    >>> t = load_tariffs()["hubei_2024"]
    >>> t.region, t.ratios["peak"], t.export_price
    ('湖北', 1.49, 0.4161)
    """
    return dict(_shipped())


def load_tariff_file(path: str | Path) -> dict[str, Tariff]:
    """Read a user's tariff file: ``tariffs: {id: {...}}`` or one tariff at the top level.

    Raises
    ------
    ConfigError
        File missing, not YAML, or a field invalid; names the file and the field path.
    """
    p = Path(path)
    return _from_document(_read_yaml(p), str(p))


def get_tariff(key: str, *, base_dir: str | Path | None = None) -> Tariff:
    """A shipped tariff by id, or ``FILE.yaml`` / ``FILE.yaml#id`` for a user file.

    Raises
    ------
    ConfigError
        Unknown id (the message lists the shipped ones) or a bad file.
    """
    shipped = _shipped()
    if key in shipped:
        return shipped[key]
    file, _, wanted = key.partition("#")
    if file.endswith((".yaml", ".yml")):
        p = Path(file)
        if base_dir is not None and not p.is_absolute():
            p = Path(base_dir) / p
        found = load_tariff_file(p)
        if wanted:
            if wanted not in found:
                raise ConfigError(
                    f"no tariff {wanted!r} in the file (it has {', '.join(found)})", source=str(p)
                )
            return found[wanted]
        if len(found) != 1:
            raise ConfigError(
                f"the file has several tariffs; name one as FILE#id ({', '.join(found)})",
                source=str(p),
            )
        return next(iter(found.values()))
    raise ConfigError(
        f"unknown tariff {key!r} (shipped: {', '.join(sorted(shipped))}; or give a .yaml file)"
    )


# --------------------------------------------------------------------------- series


def _local(index: pd.DatetimeIndex, tz: str) -> pd.DatetimeIndex:
    if not isinstance(index, pd.DatetimeIndex):
        raise ConfigError("expected a pandas DatetimeIndex of step start times")
    return index if index.tz is None else index.tz_convert(tz)


def month_of_step(index: pd.DatetimeIndex, tz: str = "Asia/Shanghai") -> np.ndarray:
    """Calendar month (1-12) of each step in local time, for monthly demand charges [-].

    Examples
    --------
    >>> idx = pd.date_range("2024-01-31 23:00", periods=2, freq="1h", tz="Asia/Shanghai")
    >>> month_of_step(idx).tolist()
    [1, 2]
    """
    return np.asarray(_local(index, tz).month, dtype=int)


def _quarter_of_day(local: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(local.hour * 4 + local.minute // 15, dtype=int)


def period_labels(tariff: Tariff, index: pd.DatetimeIndex) -> pd.Series:
    """Period name of each step (``"critical"``, ``"peak"``, ``"flat"``, ``"valley"``) [-].

    A tariff without seasons is ``"flat"`` at every step.
    """
    local = _local(index, tariff.timezone)
    labels = np.full(len(index), "flat", dtype=object)
    if tariff.seasons:
        months = np.asarray(local.month)
        quarter = _quarter_of_day(local)
        for season in tariff.seasons:
            mask = np.isin(months, list(season.months))
            table = np.asarray(season.hour_period, dtype=object)
            labels[mask] = table[quarter[mask]]
    return pd.Series(labels, index=index, name="period")


def price_series(tariff: Tariff, index: pd.DatetimeIndex) -> pd.Series:
    """Energy price of grid imports at each step [CNY/kWh].

    Examples
    --------
    Hubei, a July evening: critical peak 20-22 h at 2.0 × flat, valley 12-14 h at 0.45 × flat.

    >>> t = load_tariffs()["hubei_2024"]
    >>> idx = pd.DatetimeIndex(["2024-07-01 21:00", "2024-07-01 13:00"], tz="Asia/Shanghai")
    >>> [round(p, 4) for p in price_series(t, idx)]
    [1.24, 0.279]
    """
    n = len(index)
    if tariff.energy_rates is not None:
        rates = np.asarray(tariff.energy_rates, dtype=float)
        if n % len(rates):
            raise ConfigError(
                f"energy_rates has {len(rates)} values, which does not divide the {n} steps",
                column=f"tariffs.{tariff.id}.energy_rates",
            )
        return pd.Series(np.tile(rates, n // len(rates)), index=index, name="price_cny_per_kwh")
    local = _local(index, tariff.timezone)
    months = np.asarray(local.month)
    if tariff.monthly_flat_price is not None:
        flat = np.asarray(tariff.monthly_flat_price)[months - 1]
    else:
        flat = np.full(n, tariff.flat_price)
    ratio = np.ones(n)
    if tariff.seasons:
        quarter = _quarter_of_day(local)
        for season in tariff.seasons:
            mask = np.isin(months, list(season.months))
            merged = {**tariff.ratios, **season.ratios}
            table = np.array([merged[p] for p in season.hour_period])
            ratio[mask] = table[quarter[mask]]
    return pd.Series(flat * ratio, index=index, name="price_cny_per_kwh")


def export_price_series(tariff: Tariff, index: pd.DatetimeIndex) -> pd.Series:
    """Price paid for exported energy at each step (0 when exports are unpaid) [CNY/kWh]."""
    if tariff.net_metering:
        return price_series(tariff, index).rename("export_cny_per_kwh")
    value = tariff.export_price or 0.0
    return pd.Series(np.full(len(index), value), index=index, name="export_cny_per_kwh")


def demand_groups(tariff: Tariff, index: pd.DatetimeIndex) -> list[DemandGroup]:
    """Groups of steps whose maximum import is charged: each month × each demand period.

    The monthly maximum-demand charge gives one group per calendar month present in the index;
    each entry of ``demand_periods`` gives one more group per month (or one group of its
    ``steps``).
    """
    local = _local(index, tariff.timezone)
    months = np.asarray(local.month)
    years = np.asarray(local.year)
    quarter = _quarter_of_day(local)
    keys = sorted({(int(y), int(m)) for y, m in zip(years, months, strict=True)})
    groups: list[DemandGroup] = []
    if tariff.demand_charge > 0:
        for y, m in keys:
            steps = np.flatnonzero((years == y) & (months == m))
            groups.append(
                DemandGroup(
                    tariff.demand_charge, steps, f"{y}-{m:02d} all", tariff.previous_peak_kw
                )
            )
    for k, dp in enumerate(tariff.demand_periods):
        if dp.rate <= 0:
            continue
        if dp.steps is not None:
            steps = np.asarray([s for s in dp.steps if s < len(index)], dtype=int)
            if len(steps):
                groups.append(DemandGroup(dp.rate, steps, f"period {k + 1}", dp.previous_peak_kw))
            continue
        for y, m in keys:
            if dp.months is not None and m not in dp.months:
                continue
            mask = (years == y) & (months == m)
            if dp.quarter_hours is not None:
                mask &= np.isin(quarter, list(dp.quarter_hours))
            steps = np.flatnonzero(mask)
            if len(steps):
                groups.append(
                    DemandGroup(dp.rate, steps, f"{y}-{m:02d} period {k + 1}", dp.previous_peak_kw)
                )
    return groups


def bill(
    tariff: Tariff,
    index: pd.DatetimeIndex,
    import_kw: Sequence[float] | np.ndarray,
    export_kw: Sequence[float] | np.ndarray | None = None,
    *,
    step_h: float | None = None,
    transformer_kva: float = 0.0,
) -> TariffBill:
    """The bill for a grid import (and export) profile.

    Parameters
    ----------
    tariff : Tariff
    index : pandas.DatetimeIndex
        Start of each step [-].
    import_kw, export_kw : array-like
        Mean grid import and export in each step [kW].
    step_h : float, optional
        Step length; inferred from the index when omitted [h].
    transformer_kva : float
        Contracted transformer capacity for the capacity charge [kVA].

    Returns
    -------
    TariffBill
        Charges over the index; the capacity charge counts each calendar month present [CNY].

    Examples
    --------
    REopt's ``no_techs`` case: a flat 10,000 kWh/yr load, 0.10 per kWh and 10 per kW-month.

    >>> idx = pd.date_range("2017-01-01", periods=8760, freq="1h")
    >>> b = bill(tariff_from_dict({"flat_price": 0.1, "demand_charge": 10}), idx, [10000 / 8760] * 8760)
    >>> round(b.energy_cny, 2), round(b.demand_cny, 2)
    (1000.0, 136.99)
    """
    imp = np.asarray(import_kw, dtype=float)
    if len(imp) != len(index):
        raise ConfigError(f"import profile has {len(imp)} steps, the index {len(index)}")
    dt_h = step_h if step_h is not None else _step_hours(index)
    exp = np.zeros(len(index)) if export_kw is None else np.asarray(export_kw, dtype=float)
    price = price_series(tariff, index).to_numpy()
    energy = float(np.sum(price * imp) * dt_h)
    credit = float(np.sum(export_price_series(tariff, index).to_numpy() * exp) * dt_h)
    demand = 0.0
    for g in demand_groups(tariff, index):
        demand += g.rate * max(float(imp[g.steps].max()), g.previous_peak_kw)
    n_months = 0
    if len(index):
        local = _local(index, tariff.timezone)
        n_months = len(set(zip(local.year, local.month, strict=True)))
    capacity = tariff.capacity_charge * transformer_kva * n_months
    return TariffBill(energy, demand, capacity, credit)


def _step_hours(index: pd.DatetimeIndex) -> float:
    if len(index) < 2:
        raise ConfigError("cannot infer the step length from fewer than 2 steps; pass step_h")
    delta = (index[1] - index[0]) / pd.Timedelta(hours=1)
    return float(delta)


def effective_date(tariff: Tariff) -> dt.date | None:
    """The tariff's effective-from date, when the file gives one [-]."""
    raw = tariff.sources.get("effective_from")
    if isinstance(raw, dt.date):
        return raw
    return None
