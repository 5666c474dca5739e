"""Parameters of the PV + storage + charger sizing and dispatch models.

Cost and technical defaults come from ``parkzero/data/energy/capex_cn.yaml`` (each value with
source and confidence): build parameters with ``PVParams.default(...)`` and friends, which take
overrides as keyword arguments. Units are in every field name or docstring.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import yaml

from parkzero.errors import ConfigError

__all__ = [
    "BatteryParams",
    "ChargerParams",
    "FinanceParams",
    "GridParams",
    "PVParams",
    "SolverParams",
    "cost_defaults",
]

T = TypeVar("T")


@lru_cache(maxsize=1)
def cost_defaults() -> dict[str, dict[str, Any]]:
    """The shipped defaults, ``{"pv": {"capex": {"value": ..., "unit": ..., "source": ...}}}``."""
    ref = resources.files("parkzero.data").joinpath("energy/capex_cn.yaml")
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def _d(group: str, key: str) -> float:
    return float(cost_defaults()[group][key]["value"])


def _with(obj: T, overrides: Mapping[str, Any], where: str) -> T:
    names = {f.name for f in fields(obj)}  # type: ignore[arg-type]
    unknown = set(overrides) - names
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(unknown))} (expected some of {', '.join(sorted(names))})",
            column=where,
        )
    return replace(obj, **overrides)  # type: ignore[type-var]


@dataclass(frozen=True)
class PVParams:
    """Rooftop PV as a sizing option.

    Parameters
    ----------
    capex_cny_per_kw : float
        Installed cost [CNY/kWp].
    om_cny_per_kw_year : float
        Operation and maintenance [CNY/(kWp*yr)].
    lifetime_years : float
        [yr]
    min_kw, max_kw : float
        Size bounds; `max_kw` usually the roof limit from ``pv.max_kwp`` [kWp].
    subsidy_fraction : float
        Share of the capex paid by a grant or tax credit [-].
    existing_kw : float
        PV already installed: in the baseline too, no capex; the optimum is at least this [kWp].
    """

    capex_cny_per_kw: float
    om_cny_per_kw_year: float
    lifetime_years: float
    min_kw: float = 0.0
    max_kw: float = math.inf
    subsidy_fraction: float = 0.0
    existing_kw: float = 0.0

    @classmethod
    def default(cls, **overrides: Any) -> PVParams:
        """The shipped defaults (capex_cn.yaml) with `overrides` [-]."""
        base = cls(_d("pv", "capex"), _d("pv", "om"), _d("pv", "lifetime"))
        return _with(base, overrides, "pv")


@dataclass(frozen=True)
class BatteryParams:
    """A battery (LFP cabinet) as a sizing option or a fixed asset for dispatch.

    Parameters
    ----------
    capex_cny_per_kwh, capex_cny_per_kw : float
        Installed cost per energy and per power capacity [CNY/kWh], [CNY/kW].
    om_fraction : float
        Yearly O&M as a share of capex [1/yr].
    lifetime_years : float
        [yr]
    charge_efficiency, discharge_efficiency : float
        One-way efficiencies [-].
    soc_min, soc_max : float
        State-of-charge window as a share of the energy capacity [-].
    min_kwh, max_kwh, min_kw, max_kw : float
        Size bounds; equal bounds fix the size [kWh], [kW].
    min_duration_h, max_duration_h : float
        Bounds on energy / power capacity [h].
    can_grid_charge : bool
        The battery may charge from the grid (else from PV only) [-].
    soc_initial : float or None
        State of charge at the start as a share of capacity; None = cyclic (end = start) [-].
    self_discharge_per_h : float
        [1/h]
    """

    capex_cny_per_kwh: float
    capex_cny_per_kw: float
    om_fraction: float
    lifetime_years: float
    charge_efficiency: float
    discharge_efficiency: float
    soc_min: float
    soc_max: float
    min_kwh: float = 0.0
    max_kwh: float = math.inf
    min_kw: float = 0.0
    max_kw: float = math.inf
    min_duration_h: float = 0.0
    max_duration_h: float = math.inf
    can_grid_charge: bool = True
    soc_initial: float | None = None
    self_discharge_per_h: float = 0.0

    @classmethod
    def default(cls, **overrides: Any) -> BatteryParams:
        """The shipped defaults (capex_cn.yaml) with `overrides` [-]."""
        g = "battery"
        base = cls(
            _d(g, "capex_energy"),
            _d(g, "capex_power"),
            _d(g, "om_fraction"),
            _d(g, "lifetime"),
            _d(g, "charge_efficiency"),
            _d(g, "discharge_efficiency"),
            _d(g, "soc_min"),
            _d(g, "soc_max"),
        )
        out = _with(base, overrides, "battery")
        _check_battery(out)
        return out


def _check_battery(b: BatteryParams) -> None:
    for name in ("charge_efficiency", "discharge_efficiency"):
        if not 0 < getattr(b, name) <= 1:
            raise ConfigError(
                f"must be in (0, 1], got {getattr(b, name)}", column=f"battery.{name}"
            )
    if not 0 <= b.soc_min < b.soc_max <= 1:
        raise ConfigError(
            f"expected 0 <= soc_min < soc_max <= 1, got {b.soc_min} and {b.soc_max}",
            column="battery.soc_min",
        )
    if b.soc_initial is not None and not b.soc_min <= b.soc_initial <= b.soc_max:
        raise ConfigError("must lie between soc_min and soc_max", column="battery.soc_initial")
    if b.min_kwh > b.max_kwh or b.min_kw > b.max_kw:
        raise ConfigError("a minimum size is above the maximum", column="battery")


@dataclass(frozen=True)
class ChargerParams:
    """EV chargers as a sizing option.

    The count is continuous in the LP (a relaxation: the reported count is rounded up and the
    rounded-up cost reported beside it) unless `integer` is set, which makes the model a MILP.

    Parameters
    ----------
    power_kw : float
        Rated power of one charger [kW].
    capex_cny_per_unit : float
        Installed cost of one charger [CNY].
    om_fraction : float
        [1/yr]
    lifetime_years : float
        [yr]
    min_count, max_count : float
        Bounds on the number of chargers [-].
    integer : bool
        Whole chargers only (MILP) [-].
    baseline_count : float or None
        Chargers the baseline (no smart charging) needs; None = one per simultaneously plugged
        vehicle, from the fleet schedule [-].
    """

    power_kw: float
    capex_cny_per_unit: float
    om_fraction: float
    lifetime_years: float
    min_count: float = 0.0
    max_count: float = math.inf
    integer: bool = False
    baseline_count: float | None = None

    @classmethod
    def default(cls, **overrides: Any) -> ChargerParams:
        """The shipped defaults (capex_cn.yaml) with `overrides` [-]."""
        g = "charger"
        base = cls(_d(g, "power"), _d(g, "capex"), _d(g, "om_fraction"), _d(g, "lifetime"))
        return _with(base, overrides, "chargers")


@dataclass(frozen=True)
class GridParams:
    """The grid connection.

    Parameters
    ----------
    import_limit_kw : float
        Maximum import (transformer or contract) [kW].
    export_limit_kw : float
        Maximum export; 0 = zero-export connection (防逆流) [kW].
    net_metering_limit_kw : float or None
        PV up to this size may net-meter (exports credited at the import price); larger systems
        get the tariff's export price. None = no net metering [kW].
    transformer_kva : float
        Contracted capacity for the capacity charge [kVA].
    """

    import_limit_kw: float = math.inf
    export_limit_kw: float = math.inf
    net_metering_limit_kw: float | None = None
    transformer_kva: float = 0.0

    @classmethod
    def default(cls, **overrides: Any) -> GridParams:
        """No limits, with `overrides` [-]."""
        return _with(cls(), overrides, "grid")


@dataclass(frozen=True)
class FinanceParams:
    """Economic assumptions.

    Parameters
    ----------
    discount_rate : float
        [1/yr]
    analysis_years : int
        Period of the NPV [yr].
    electricity_escalation : float
        Yearly growth of electricity prices [1/yr].
    """

    discount_rate: float
    analysis_years: int
    electricity_escalation: float = 0.0

    @classmethod
    def default(cls, **overrides: Any) -> FinanceParams:
        """The shipped defaults (capex_cn.yaml) with `overrides` [-]."""
        g = "finance"
        base = cls(
            _d(g, "discount_rate"), int(_d(g, "analysis_years")), _d(g, "electricity_escalation")
        )
        out = _with(base, overrides, "finance")
        if out.analysis_years < 1:
            raise ConfigError("must be at least 1", column="finance.analysis_years")
        return out


@dataclass(frozen=True)
class SolverParams:
    """HiGHS settings.

    Parameters
    ----------
    time_limit_s : float
        [s]
    mip_rel_gap : float
        Relative optimality gap at which a MILP stops [-].
    threads : int
        HiGHS threads; 0 keeps HiGHS's default. HiGHS has one thread scheduler per process, and a
        solve that asks for another thread count than an earlier one in the same process fails,
        so set this only in a process of its own [-].
    solver : str
        HiGHS LP algorithm: ``"choose"``, ``"simplex"`` or ``"ipm"``; sizing turns ``"choose"``
        into interior point without crossover from 20,000 steps on [-].
    crossover : bool
        With ``solver="ipm"``: finish with a simplex crossover to a vertex (off: faster, the
        objective is still within the IPM tolerance, about 1e-8 relative) [-].
    exact_export : bool
        Sizing only: where the export price exceeds the import price, forbid simultaneous import
        and export with one binary per such step (a MILP). Off: those exports are credited at the
        import price in the LP (a conservative convex bound; the reported bill uses true prices).
    """

    time_limit_s: float = 300.0
    mip_rel_gap: float = 1e-4
    threads: int = 0
    solver: str = "choose"
    crossover: bool = True
    exact_export: bool = False
