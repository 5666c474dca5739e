"""The lever catalogue: every reduction lever of the guide as a calculator of activity data.

A lever is a :class:`Lever`: given the park, the *running* activity base (after the levers
before it) and the *reference* base (the year as it is, used for sizing: motors, trucks, roof),
it returns a :class:`~parkzero.carbon.models.LeverResult` — the affected activities before and
after, capex, running-cost change and lifetime — and never a CO2 number. Effect sizes, costs and
lifetimes come from ``parkzero/data/levers.yaml``, one source per number; a plan can override
them per lever (:func:`build_catalogue`).

Where a lever has its own optimiser package (``hvac.ocl`` from :mod:`parkzero.hvac`,
``routing.cold_chain`` from :mod:`parkzero.routing`, and later yard, energy, agv, roster), the
caller passes that package's ``LeverResult`` in (``external``), and it replaces the default;
this module imports none of those packages. A ``LeverResult`` whose id is not in the catalogue
is added as a lever of its own.

Levers whose effect the inventory cannot express yet (shared pallets: no activity type for
pallets; carbon sinks: removals are reported apart from emissions) return a result without
activities and say why in ``evidence["outside_inventory"]``; MACC and roadmap list them as
skipped.

Examples
--------
The guide's motor example, 18.5 kW for 2,400 h, IE1 (89.3 %) → IE4 (94.2 %):

>>> r = motor_upgrade(18.5, 2400, 0.893, 0.942, year=2024)
>>> round(r.baseline[0].quantity), round(r.scenario[0].quantity)
(49720, 47134)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Protocol

import yaml

from parkzero.carbon.models import Activity, LeverResult
from parkzero.carbon.park import Park
from parkzero.config import packaged_data
from parkzero.errors import ConfigError, UnitError
from parkzero.plan.base import ActivityBase
from parkzero.units import conversion_factor

__all__ = [
    "CALCULATORS",
    "CatalogueLever",
    "ExternalLever",
    "Lever",
    "LeverSpec",
    "Param",
    "build_catalogue",
    "lever_specs",
    "motor_annual_energy",
    "motor_upgrade",
]


# --------------------------------------------------------------------------------------------
# the data file


@dataclass(frozen=True)
class Param:
    """One number (or list) of the lever data file with its unit and source."""

    value: Any
    unit: str = "-"
    source: str = ""


@dataclass(frozen=True)
class LeverSpec:
    """A lever's description and default parameters (one entry of ``levers.yaml``).

    Attributes
    ----------
    id, name_en, name_zh, guide : str
        Catalogue id, names, the guide's section [-].
    calculator : str
        Key of :data:`CALCULATORS` [-].
    group : str
        Levers of one non-empty group exclude each other (IE3 or IE4) [-].
    scaling : {"activity", "fixed"}
        Whether the effect grows with the park's activity (a share) or is sized absolutely
        (kWp of PV, MWh of certificates) [-].
    ramp_years : int
        Years to full effect after deployment; the effect is ``min(1, (k + 1) / ramp)`` in the
        k-th year [yr].
    params : mapping of str to Param
    """

    id: str
    name_en: str
    name_zh: str
    guide: str
    calculator: str
    group: str = ""
    scaling: str = "activity"
    ramp_years: int = 1
    params: Mapping[str, Param] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        """The value of parameter `name`.

        Raises
        ------
        ConfigError
            The parameter is missing, naming the lever and field.
        """
        try:
            return self.params[name].value
        except KeyError:
            raise ConfigError(
                f'lever "{self.id}" has no parameter "{name}"', column=f"{self.id}.{name}"
            ) from None

    def num(self, name: str) -> float:
        """A numeric parameter [its unit]."""
        value = self.value(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(
                f'lever "{self.id}" parameter "{name}" must be a number, got {value!r}',
                column=f"{self.id}.{name}",
            )
        return float(value)

    def get(self, name: str, default: Any = None) -> Any:
        """The value of `name`, or `default` when the lever has no such parameter."""
        p = self.params.get(name)
        return default if p is None else p.value


def _param(raw: Any, where: str) -> Param:
    if isinstance(raw, Mapping):
        if "value" not in raw:
            raise ConfigError("expected {value, unit, source}", source="levers.yaml", column=where)
        return Param(raw["value"], str(raw.get("unit", "-")), str(raw.get("source", "")))
    return Param(raw, "-", "plan settings")


@cache
def _data() -> tuple[dict[str, LeverSpec], dict[str, Param]]:
    path = packaged_data("levers.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    common = {k: _param(v, f"common.{k}") for k, v in (raw.get("common") or {}).items()}
    specs = {}
    for lever_id, item in (raw.get("levers") or {}).items():
        specs[lever_id] = LeverSpec(
            id=lever_id,
            name_en=item["name_en"],
            name_zh=item["name_zh"],
            guide=item.get("guide", ""),
            calculator=item["calculator"],
            group=item.get("group", "") or "",
            scaling=item.get("scaling", "activity"),
            ramp_years=int(item.get("ramp_years", 1)),
            params={
                k: _param(v, f"levers.{lever_id}.{k}")
                for k, v in (item.get("params") or {}).items()
            },
        )
    return specs, common


def lever_specs() -> dict[str, LeverSpec]:
    """Every lever of the data file by id (a copy)."""
    return dict(_data()[0])


def common_params() -> dict[str, Param]:
    """Prices and constants shared by levers (electricity, diesel, gas) (a copy)."""
    return dict(_data()[1])


# --------------------------------------------------------------------------------------------
# context and helpers


@dataclass(frozen=True)
class Context:
    """What a calculator sees.

    Attributes
    ----------
    park : Park
    running : ActivityBase
        The activity after the levers applied before this one.
    reference : ActivityBase
        The activity as it is, for sizing (motors, trucks, roof).
    common : mapping of str to Param
        Shared prices and constants.
    zones : sequence of str or None
        Zones the lever acts on; None for all of the park's own zones.
    """

    park: Park
    running: ActivityBase
    reference: ActivityBase
    common: Mapping[str, Param]
    zones: Sequence[str] | None = None

    def price(self, name: str) -> float:
        """A shared price or constant [its unit]."""
        try:
            return float(self.common[name].value)
        except KeyError:
            raise ConfigError(
                f'missing common parameter "{name}"', source="levers.yaml", column=f"common.{name}"
            ) from None


def _kwh(rows: Iterable[Activity]) -> float:
    return float(sum(a.quantity * conversion_factor(a.unit, "kWh") for a in rows))


def _in(rows: Iterable[Activity], unit: str) -> float:
    return float(sum(a.quantity * conversion_factor(a.unit, unit) for a in rows))


def _litres(a: Activity, density_kg_per_l: float) -> float:
    """Volume of a fuel activity in L, through the density for mass units [L]."""
    try:
        return a.quantity * conversion_factor(a.unit, "L")
    except UnitError:
        return a.quantity * conversion_factor(a.unit, "kg") / density_kg_per_l


def _scaled(rows: Sequence[Activity], factor: float) -> tuple[Activity, ...]:
    return tuple(a.scaled(max(0.0, factor), quality="estimated") for a in rows)


def _by_zone(rows: Iterable[Activity], unit: str) -> dict[str | None, float]:
    out: dict[str | None, float] = {}
    for a in rows:
        out[a.zone] = out.get(a.zone, 0.0) + a.quantity * conversion_factor(a.unit, unit)
    return out


def _new(kind: str, qty: float, unit: str, year: int, zone: str | None) -> Activity:
    return Activity(
        kind, qty, unit, dt.date(year, 1, 1), dt.date(year, 12, 31), zone=zone, quality="estimated"
    )


def _evidence(spec: LeverSpec, ctx: Context, **extra: Any) -> dict[str, Any]:
    params = {k: p.value for k, p in spec.params.items()}
    digest = hashlib.sha256(
        json.dumps(
            {"id": spec.id, "params": params, "zones": ctx.zones}, sort_keys=True, default=str
        ).encode()
    ).hexdigest()[:16]
    return {
        "calculator": spec.calculator,
        "data": "parkzero/data/levers.yaml",
        "params": params,
        "sources": {k: p.source for k, p in spec.params.items()},
        "zones": list(ctx.zones) if ctx.zones is not None else "own",
        "year": ctx.running.year,
        "digest": digest,
        **extra,
    }


def _result(
    spec: LeverSpec,
    ctx: Context,
    baseline: Sequence[Activity],
    scenario: Sequence[Activity],
    *,
    capex: float = 0.0,
    opex: float = 0.0,
    metrics: Mapping[str, float] | None = None,
    **evidence: Any,
) -> LeverResult:
    return LeverResult(
        lever=spec.id,
        baseline=tuple(baseline),
        scenario=tuple(scenario),
        capex_cny=float(capex),
        opex_delta_cny_per_year=float(opex),
        lifetime_years=spec.num("lifetime_years"),
        metrics=dict(metrics or {}),
        evidence=_evidence(spec, ctx, **evidence),
    )


def _own_grid(base: ActivityBase, zones: Sequence[str] | None) -> list[Activity]:
    return base.rows(["electricity.grid"], own=True, zones=zones)


# --------------------------------------------------------------------------------------------
# the guide's motor example as pure functions


def motor_annual_energy(rated_power: float, hours: float, efficiency: float) -> float:
    """Electricity drawn by a motor running at rated output.

    Parameters
    ----------
    rated_power : float
        Shaft output at rated load [kW].
    hours : float
        Running hours per year [h/yr].
    efficiency : float
        Nominal efficiency at rated load, IEC 60034-30-1 class value [-].

    Returns
    -------
    float
        Electricity drawn [kWh/yr].

    Examples
    --------
    The guide's 18.5 kW example: IE1 (89.3 %) vs IE4 (94.2 %) over 2,400 h.

    >>> round(motor_annual_energy(18.5, 2400, 0.893)), round(motor_annual_energy(18.5, 2400, 0.942))
    (49720, 47134)
    """
    if not 0 < efficiency <= 1:
        raise ConfigError(
            f"motor efficiency must be in (0, 1], got {efficiency}", column="efficiency"
        )
    return rated_power * hours / efficiency


def motor_upgrade(
    rated_power: float,
    hours: float,
    efficiency_from: float,
    efficiency_to: float,
    *,
    count: int = 1,
    year: int,
    zone: str | None = None,
    capex_cny: float = 0.0,
    lifetime_years: float = 15.0,
    price_cny_per_kwh: float | None = None,
    lever: str = "efficiency.motor_ie4",
) -> LeverResult:
    """A motor class upgrade for a known set of motors, as grid electricity before and after.

    Parameters
    ----------
    rated_power : float
        Shaft output of each motor [kW].
    hours : float
        Running hours per year [h/yr].
    efficiency_from, efficiency_to : float
        Efficiency of the old and new class [-].
    count : int
        Number of motors [-].
    year : int
        Year the result covers [-].
    zone : str, optional
        Zone of the motors [-].
    capex_cny : float
        Investment [CNY].
    lifetime_years : float
        [yr].
    price_cny_per_kwh : float, optional
        Electricity price for the running-cost change [CNY/kWh].
    lever : str
        Lever id [-].

    Returns
    -------
    LeverResult
        ``electricity.grid`` in kWh/yr; metrics ``baseline_kwh``, ``scenario_kwh``,
        ``saving_kwh``.
    """
    before = count * motor_annual_energy(rated_power, hours, efficiency_from)
    after = count * motor_annual_energy(rated_power, hours, efficiency_to)
    opex = 0.0 if price_cny_per_kwh is None else -(before - after) * price_cny_per_kwh
    return LeverResult(
        lever=lever,
        baseline=(_new("electricity.grid", before, "kWh", year, zone),),
        scenario=(_new("electricity.grid", after, "kWh", year, zone),),
        capex_cny=capex_cny,
        opex_delta_cny_per_year=opex,
        lifetime_years=lifetime_years,
        metrics={
            "baseline_kwh": before,
            "scenario_kwh": after,
            "saving_kwh": before - after,
            "rated_kw": rated_power,
            "hours": hours,
            "count": float(count),
        },
        evidence={"calculator": "motor_upgrade", "method": "P · h / η (IEC 60034-30-1 class)"},
    )


# --------------------------------------------------------------------------------------------
# calculators


Calculator = Callable[[LeverSpec, Context], LeverResult]


def _enduse_electricity(spec: LeverSpec, ctx: Context) -> LeverResult:
    share, saving = spec.num("enduse_share"), spec.num("saving")
    rows = _own_grid(ctx.running, ctx.zones)
    kwh = _kwh(rows)
    saved = kwh * share * saving
    price = ctx.price("electricity_price_cny_per_kwh")
    return _result(
        spec,
        ctx,
        rows,
        _scaled(rows, 1 - share * saving),
        capex=spec.get("capex_cny", 0.0),
        opex=-saved * price + spec.get("fixed_opex_cny_per_year", 0.0),
        metrics={"enduse_kwh": kwh * share, "saving_kwh": saved},
    )


def _motor_class(spec: LeverSpec, ctx: Context) -> LeverResult:
    share = spec.num("enduse_share")
    e_from, e_to = spec.num("efficiency_from"), spec.num("efficiency_to")
    hours, rated = spec.num("hours"), spec.num("rated_kw")
    rel = 1 - motor_annual_energy(1.0, 1.0, e_to) / motor_annual_energy(1.0, 1.0, e_from)
    rows = _own_grid(ctx.running, ctx.zones)
    kwh = _kwh(rows) * share
    motor_kw = _kwh(_own_grid(ctx.reference, ctx.zones)) * share * e_from / hours
    price = ctx.price("electricity_price_cny_per_kwh")
    return _result(
        spec,
        ctx,
        rows,
        _scaled(rows, 1 - share * rel),
        capex=motor_kw * spec.num("capex_cny_per_kw"),
        opex=-kwh * rel * price,
        metrics={
            "motor_kw": motor_kw,
            "motors_of_rated_kw": motor_kw / rated,
            "motor_kwh_before": kwh,
            "motor_kwh_after": kwh * (1 - rel),
            "saving_pct": 100 * rel,
        },
    )


def _robot_sleep(spec: LeverSpec, ctx: Context) -> LeverResult:
    share, saving = spec.num("enduse_share"), spec.num("saving")
    rows = _own_grid(ctx.running, ctx.zones)
    kwh = _kwh(rows) * share
    robots = _kwh(_own_grid(ctx.reference, ctx.zones)) * share / spec.num("kwh_per_robot_year")
    return _result(
        spec,
        ctx,
        rows,
        _scaled(rows, 1 - share * saving),
        capex=robots * spec.num("capex_cny_per_robot"),
        opex=-kwh * saving * ctx.price("electricity_price_cny_per_kwh"),
        metrics={"robots": robots, "robot_kwh_before": kwh, "saving_kwh": kwh * saving},
    )


def _travel(spec: LeverSpec, ctx: Context) -> LeverResult:
    share = spec.num("maintenance_share") * spec.num("saving")
    rows = ctx.running.rows(list(spec.value("kinds")), own=None, zones=ctx.zones)
    pkm = sum(_in([a], "pkm") for a in rows if a.kind.startswith("travel."))
    nights = sum(a.quantity for a in rows if a.kind == "hotel.night")
    cost = pkm * share * spec.num("travel_cost_cny_per_pkm") + nights * share * spec.num(
        "hotel_cny_per_night"
    )
    return _result(
        spec,
        ctx,
        rows,
        _scaled(rows, 1 - share),
        capex=spec.num("capex_cny"),
        opex=-cost + spec.get("fixed_opex_cny_per_year", 0.0),
        metrics={"travel_pkm_saved": pkm * share, "hotel_nights_saved": nights * share},
    )


def _fleet_fuel(spec: LeverSpec, ctx: Context) -> LeverResult:
    share = spec.num("fleet_share") * spec.num("saving")
    rows = ctx.running.rows(["fuel.diesel.mobile"], own=True, zones=ctx.zones)
    density = ctx.price("diesel_density_kg_per_l")
    litres = sum(_litres(a, density) for a in rows)
    return _result(
        spec,
        ctx,
        rows,
        _scaled(rows, 1 - share),
        capex=spec.num("capex_cny"),
        opex=-litres * share * ctx.price("diesel_price_cny_per_l")
        + spec.get("fixed_opex_cny_per_year", 0.0),
        metrics={"diesel_l_before": litres, "diesel_l_saved": litres * share},
    )


def _epod(spec: LeverSpec, ctx: Context) -> LeverResult:
    share = spec.num("digital_share")
    grams = spec.num("grams_per_sheet")
    year = ctx.running.year
    sheets_given = spec.get("sheets")
    if sheets_given is not None:
        # explicit document count: sheets → paper, as waybill paper in t
        paper_t = float(sheets_given) * grams / 1e6
        baseline: Sequence[Activity] = (_new("material.waybill_paper", paper_t, "t", year, None),)
        scenario: Sequence[Activity] = _scaled(baseline, 1 - share)
        sheets = float(sheets_given)
    else:
        baseline = ctx.running.rows(
            ["material.waybill", "material.waybill_paper"], own=None, zones=ctx.zones
        )
        scenario = _scaled(baseline, 1 - share)
        sheets = sum(_in([a], "sheet") for a in baseline if a.kind == "material.waybill") + sum(
            _in([a], "t") * 1e6 / grams for a in baseline if a.kind == "material.waybill_paper"
        )
    saved = sheets * share
    cost = saved * (spec.num("paper_cost_cny_per_sheet") + spec.num("handling_cny_per_sheet"))
    return _result(
        spec,
        ctx,
        baseline,
        scenario,
        capex=spec.num("capex_cny"),
        opex=-cost + spec.get("fixed_opex_cny_per_year", 0.0),
        metrics={"sheets_saved": saved, "paper_t_saved": saved * grams / 1e6},
    )


def _floor_area(park: Park, year: int) -> float:
    drivers = park.drivers.get(year)
    if drivers and drivers.floor_area_m2:
        return float(drivers.floor_area_m2)
    if park.floor_area_m2:
        return float(park.floor_area_m2)
    return float(sum(z.area_m2 or 0.0 for z in park.zones))


def _rooftop_pv(spec: LeverSpec, ctx: Context) -> LeverResult:
    yield_ = spec.num("yield_kwh_per_kwp")
    kwp = spec.get("kwp")
    existing = _kwh(ctx.reference.rows(["electricity.onsite.pv"], own=None)) / yield_
    if kwp is None:
        area = _floor_area(ctx.park, ctx.reference.year)
        potential = area * spec.num("roof_share") * spec.num("kwp_per_m2")
        kwp = max(0.0, potential - existing)
    kwp = float(kwp)
    produced = kwp * yield_
    rows = _own_grid(ctx.running, ctx.zones)
    load = _by_zone(rows, "kWh")
    total = sum(load.values())
    used = min(produced, total)
    scenario: list[Activity] = []
    for a in rows:
        zone_load = load[a.zone]
        zone_pv = used * zone_load / total if total > 0 else 0.0
        scenario.append(
            a.scaled(1 - zone_pv / zone_load if zone_load > 0 else 1.0, quality="estimated")
        )
    year = ctx.running.year
    for zone, zone_load in load.items():
        if total > 0 and zone_load > 0:
            scenario.append(
                _new("electricity.onsite.pv", used * zone_load / total, "kWh", year, zone)
            )
    return _result(
        spec,
        ctx,
        rows,
        scenario,
        capex=kwp * 1000 * spec.num("capex_cny_per_w"),
        opex=kwp * 1000 * spec.num("om_cny_per_w_year")
        - used * ctx.price("electricity_price_cny_per_kwh"),
        metrics={
            "kwp": kwp,
            "existing_kwp": existing,
            "produced_kwh": produced,
            "self_consumed_kwh": used,
            "curtailed_or_exported_kwh": produced - used,
        },
    )


def _instrument(spec: LeverSpec, ctx: Context) -> LeverResult:
    mwh = spec.get("mwh")
    if mwh is None:
        mwh = _kwh(_own_grid(ctx.reference, ctx.zones)) * spec.num("share") / 1000
    mwh = float(mwh)
    zone = ctx.zones[0] if ctx.zones and len(ctx.zones) == 1 else None
    return _result(
        spec,
        ctx,
        (),
        (),
        opex=mwh * 1000 * spec.num("premium_cny_per_kwh"),
        metrics={"mwh": mwh},
        instruments=[{"type": spec.value("instrument_type"), "mwh": mwh, "zone": zone}],
    )


def _ev_fleet(spec: LeverSpec, ctx: Context) -> LeverResult:
    share = spec.num("fleet_share") * spec.num("ev_share")
    density = ctx.price("diesel_density_kg_per_l")
    per_km_l = spec.num("diesel_l_per_100km") / 100
    kwh_per_km = spec.num("ev_kwh_per_km") * (1 + spec.num("charging_loss"))
    rows = ctx.running.rows(["fuel.diesel.mobile"], own=True, zones=ctx.zones)
    scenario = list(_scaled(rows, 1 - share))
    year = ctx.running.year
    litres = 0.0
    for zone, zone_l in _by_zone_litres(rows, density).items():
        litres += zone_l * share
        scenario.append(
            _new("electricity.grid", zone_l * share / per_km_l * kwh_per_km, "kWh", year, zone)
        )
    km = litres / per_km_l
    kwh = km * kwh_per_km
    ref_rows = ctx.reference.rows(["fuel.diesel.mobile"], own=True, zones=ctx.zones)
    ref_km = sum(_litres(a, density) for a in ref_rows) * share / per_km_l
    trucks = ref_km / spec.num("km_per_truck_year")
    capex = trucks * (
        spec.num("capex_premium_cny_per_truck")
        + spec.num("charger_kw_per_truck") * 1000 * spec.num("charger_cny_per_w")
    )
    opex = (
        -litres * ctx.price("diesel_price_cny_per_l")
        + kwh * ctx.price("electricity_price_cny_per_kwh")
        - km * spec.num("maintenance_saving_cny_per_km")
    )
    return _result(
        spec,
        ctx,
        rows,
        scenario,
        capex=capex,
        opex=opex,
        metrics={
            "trucks": trucks,
            "km": km,
            "diesel_l_saved": litres,
            "electricity_kwh_added": kwh,
        },
    )


def _by_zone_litres(rows: Iterable[Activity], density: float) -> dict[str | None, float]:
    out: dict[str | None, float] = {}
    for a in rows:
        out[a.zone] = out.get(a.zone, 0.0) + _litres(a, density)
    return out


def _storage(spec: LeverSpec, ctx: Context) -> LeverResult:
    cap = spec.num("capacity_kwh")
    rte = spec.num("round_trip_efficiency")
    discharged = cap * spec.num("cycles_per_year")
    charged = discharged / rte
    pv_rows = ctx.running.rows(["electricity.onsite.pv"], own=True, zones=ctx.zones)
    pv_share = spec.num("pv_surplus_share") if pv_rows else 0.0
    from_pv = min(charged * pv_share, _kwh(pv_rows) if pv_rows else 0.0)
    from_grid = charged - from_pv
    rows = _own_grid(ctx.running, ctx.zones)
    load = _by_zone(rows, "kWh")
    total = sum(load.values())
    delta_grid = from_grid - discharged  # negative: less grid electricity
    scenario = [
        a.scaled(1 + delta_grid / total if total > 0 else 1.0, quality="estimated") for a in rows
    ]
    year = ctx.running.year
    pv_zones = _by_zone(pv_rows, "kWh")
    pv_total = sum(pv_zones.values())
    for zone, value in pv_zones.items():
        if from_pv > 0 and pv_total > 0:
            scenario.append(
                _new("electricity.onsite.pv", from_pv * value / pv_total, "kWh", year, zone)
            )
    capex = cap * 1000 * spec.num("capex_cny_per_wh")
    opex = (
        capex * spec.num("om_share_of_capex")
        - discharged * spec.num("tou_spread_cny_per_kwh")
        + delta_grid * ctx.price("electricity_price_cny_per_kwh")
    )
    return _result(
        spec,
        ctx,
        rows,
        scenario,
        capex=capex,
        opex=opex,
        metrics={
            "capacity_kwh": cap,
            "discharged_kwh": discharged,
            "charged_from_pv_kwh": from_pv,
            "grid_change_kwh": delta_grid,
        },
    )


def _outside_inventory(spec: LeverSpec, ctx: Context) -> LeverResult:
    metrics = {
        k: float(p.value)
        for k, p in spec.params.items()
        if isinstance(p.value, int | float) and not isinstance(p.value, bool)
    }
    return _result(
        spec,
        ctx,
        (),
        (),
        capex=spec.get("capex_cny", 0.0),
        metrics=metrics,
        outside_inventory=str(spec.value("reason")),
    )


def _reusable_boxes(spec: LeverSpec, ctx: Context) -> LeverResult:
    share = spec.num("share")
    rows = ctx.running.rows(["material.carton"], own=None, zones=ctx.zones)
    saved_t = _in(rows, "t") * share
    ref_t = _in(ctx.reference.rows(["material.carton"], own=None, zones=ctx.zones), "t") * share
    uses = saved_t * 1000 / spec.num("kg_carton_per_use")
    boxes = ref_t * 1000 / spec.num("kg_carton_per_use") / spec.num("uses_per_box")
    return _result(
        spec,
        ctx,
        rows,
        _scaled(rows, 1 - share),
        capex=boxes * spec.num("box_cny"),
        opex=-saved_t * spec.num("carton_cny_per_t") + uses * spec.num("return_cny_per_use"),
        metrics={"uses": uses, "boxes": boxes, "carton_t_saved": saved_t},
    )


def _cut(
    rows: Sequence[Activity], unit: str, fraction: float | None, amount: float | None
) -> tuple[tuple[Activity, ...], float]:
    """Scale rows down by `fraction`, or by an absolute `amount` [unit]; returns rows, saved."""
    total = _in(rows, unit)
    if amount is not None:
        fraction = min(1.0, amount / total) if total > 0 else 0.0
    assert fraction is not None
    return _scaled(rows, 1 - fraction), total * fraction


def _right_sizing(spec: LeverSpec, ctx: Context) -> LeverResult:
    orders = spec.get("orders")
    cartons = ctx.running.rows(["material.carton"], own=None, zones=ctx.zones)
    plastic = ctx.running.rows(["material.plastic_packaging"], own=None, zones=ctx.zones)
    if orders is not None:
        c_rows, c_t = _cut(cartons, "t", None, float(orders) * spec.num("paper_kg_per_order") / 1e3)
        p_rows, p_t = _cut(
            plastic, "t", None, float(orders) * spec.num("plastic_kg_per_order") / 1e3
        )
    else:
        c_rows, c_t = _cut(cartons, "t", spec.num("carton_saving"), None)
        p_rows, p_t = _cut(plastic, "t", spec.num("plastic_saving"), None)
    return _result(
        spec,
        ctx,
        [*cartons, *plastic],
        [*c_rows, *p_rows],
        capex=spec.num("capex_cny"),
        opex=-c_t * spec.num("carton_cny_per_t") - p_t * spec.num("plastic_cny_per_t"),
        metrics={"carton_t_saved": c_t, "plastic_t_saved": p_t},
    )


def _dry_ice(spec: LeverSpec, ctx: Context) -> LeverResult:
    orders = spec.get("orders")
    rows = ctx.running.rows(["material.dry_ice"], own=None, zones=ctx.zones)
    if orders is not None:
        new, saved = _cut(rows, "t", None, float(orders) * spec.num("kg_per_order") / 1e3)
    else:
        new, saved = _cut(rows, "t", spec.num("saving"), None)
    return _result(
        spec,
        ctx,
        rows,
        new,
        capex=spec.num("capex_cny"),
        opex=-saved * spec.num("dry_ice_cny_per_t"),
        metrics={"dry_ice_t_saved": saved},
    )


_NATURAL = ("refrigerant.R-744.leak", "refrigerant.R-717.leak")


def _refrigerant_leak(spec: LeverSpec, ctx: Context) -> LeverResult:
    rows = ctx.running.rows(prefix="refrigerant.", own=True, zones=ctx.zones)
    rows = [a for a in rows if a.kind not in _NATURAL]
    saving = spec.num("saving")
    return _result(
        spec,
        ctx,
        rows,
        _scaled(rows, 1 - saving),
        capex=spec.num("capex_cny"),
        opex=spec.get("fixed_opex_cny_per_year", 0.0),
        metrics={"leak_kg_before": _in(rows, "kg"), "leak_kg_saved": _in(rows, "kg") * saving},
    )


def _refrigerant_natural(spec: LeverSpec, ctx: Context) -> LeverResult:
    rows = [
        a
        for a in ctx.running.rows(prefix="refrigerant.", own=True, zones=ctx.zones)
        if a.kind not in _NATURAL
    ]
    share = spec.num("share")
    scenario = list(_scaled(rows, 1 - share))
    for zone, kg in _by_zone(rows, "kg").items():
        scenario.append(
            _new(str(spec.value("replacement")), kg * share, "kg", ctx.running.year, zone)
        )
    return _result(
        spec,
        ctx,
        rows,
        scenario,
        capex=spec.num("capex_cny"),
        metrics={"hfc_kg_replaced": _in(rows, "kg") * share},
    )


def _heat_pump(spec: LeverSpec, ctx: Context) -> LeverResult:
    share = spec.num("share")
    rows = ctx.running.rows(["fuel.natural_gas.stationary"], own=True, zones=ctx.zones)
    per_nm3 = spec.num("kwh_heat_per_nm3") / spec.num("cop")
    scenario = list(_scaled(rows, 1 - share))
    nm3 = 0.0
    for zone, zone_nm3 in _by_zone(rows, "Nm3").items():
        nm3 += zone_nm3 * share
        scenario.append(
            _new("electricity.grid", zone_nm3 * share * per_nm3, "kWh", ctx.running.year, zone)
        )
    kwh = nm3 * per_nm3
    return _result(
        spec,
        ctx,
        rows,
        scenario,
        capex=spec.num("capex_cny"),
        opex=-nm3 * ctx.price("gas_price_cny_per_nm3")
        + kwh * ctx.price("electricity_price_cny_per_kwh"),
        metrics={"gas_nm3_saved": nm3, "electricity_kwh_added": kwh},
    )


#: Calculator functions by the name used in ``levers.yaml``.
CALCULATORS: dict[str, Calculator] = {
    "enduse_electricity": _enduse_electricity,
    "motor_class": _motor_class,
    "robot_sleep": _robot_sleep,
    "travel": _travel,
    "fleet_fuel": _fleet_fuel,
    "epod": _epod,
    "rooftop_pv": _rooftop_pv,
    "instrument": _instrument,
    "ev_fleet": _ev_fleet,
    "storage": _storage,
    "outside_inventory": _outside_inventory,
    "reusable_boxes": _reusable_boxes,
    "right_sizing": _right_sizing,
    "dry_ice": _dry_ice,
    "refrigerant_leak": _refrigerant_leak,
    "refrigerant_natural": _refrigerant_natural,
    "heat_pump": _heat_pump,
}


# --------------------------------------------------------------------------------------------
# levers


class Lever(Protocol):
    """Anything the MACC and the roadmap can apply: an id, a spec and an evaluation."""

    @property
    def id(self) -> str: ...

    @property
    def spec(self) -> LeverSpec: ...

    def evaluate(
        self, park: Park, running: ActivityBase, reference: ActivityBase
    ) -> LeverResult: ...


@dataclass(frozen=True)
class CatalogueLever:
    """A lever of the data file with its (possibly overridden) parameters.

    Parameters
    ----------
    spec : LeverSpec
    zones : sequence of str, optional
        Zones to act on; None for all of the park's own rows.
    common : mapping, optional
        Shared prices; default those of the data file.
    """

    spec: LeverSpec
    zones: tuple[str, ...] | None = None
    common: Mapping[str, Param] | None = None

    @property
    def id(self) -> str:
        """Catalogue id [-]."""
        return self.spec.id

    def evaluate(self, park: Park, running: ActivityBase, reference: ActivityBase) -> LeverResult:
        """The lever's effect on `running`, sized on `reference`.

        Raises
        ------
        ConfigError
            The calculator is unknown or a parameter is missing or not a number.
        """
        try:
            fn = CALCULATORS[self.spec.calculator]
        except KeyError:
            raise ConfigError(
                f'lever "{self.id}": unknown calculator "{self.spec.calculator}" '
                f"(expected one of {', '.join(CALCULATORS)})",
                column=f"{self.id}.calculator",
            ) from None
        ctx = Context(park, running, reference, self.common or common_params(), self.zones)
        return fn(self.spec, ctx)


@dataclass(frozen=True)
class ExternalLever:
    """A lever whose :class:`LeverResult` comes from its own optimiser package (or a file).

    Its activities are taken as one year's effect and re-dated to the year being planned.
    """

    spec: LeverSpec
    result: LeverResult

    @property
    def id(self) -> str:
        """Catalogue id [-]."""
        return self.spec.id

    def evaluate(self, park: Park, running: ActivityBase, reference: ActivityBase) -> LeverResult:
        """The supplied result, dated to `running`'s year."""
        year = running.year
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

        def redate(acts: Sequence[Activity]) -> tuple[Activity, ...]:
            return tuple(replace(a, start=start, end=end) for a in acts)

        evidence = dict(self.result.evidence or {})
        evidence.setdefault("supplied", True)
        return replace(
            self.result,
            baseline=redate(self.result.baseline),
            scenario=redate(self.result.scenario),
            evidence=evidence,
        )


def _external_spec(result: LeverResult, known: Mapping[str, LeverSpec]) -> LeverSpec:
    if result.lever in known:
        return known[result.lever]
    return LeverSpec(
        id=result.lever,
        name_en=result.lever,
        name_zh=result.lever,
        guide="supplied LeverResult",
        calculator="supplied",
        scaling="activity",
        ramp_years=1,
    )


def build_catalogue(
    *,
    external: Sequence[LeverResult] = (),
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    only: Sequence[str] | None = None,
) -> list[Lever]:
    """The levers of a plan: the data file's, replaced or extended by supplied results.

    Parameters
    ----------
    external : sequence of LeverResult
        Results of lever packages (hvac, routing, …) or files; each replaces the catalogue
        lever of the same id, or is added when the id is new.
    overrides : mapping, optional
        Per lever id: ``enabled`` (bool), ``zones`` (list of zone ids), ``ramp_years`` (int),
        ``group`` (str) and ``params`` (name → value) replacing the defaults.
    only : sequence of str, optional
        Keep just these lever ids (in this order).

    Returns
    -------
    list of Lever

    Raises
    ------
    ConfigError
        An override or `only` names an unknown lever or parameter.
    """
    specs = lever_specs()
    overrides = dict(overrides or {})
    supplied = {r.lever: r for r in external}
    ids = list(specs) + [i for i in supplied if i not in specs]
    for lever_id in [*overrides, *(only or [])]:
        if lever_id not in ids:
            raise ConfigError(
                f'unknown lever "{lever_id}" (known: {", ".join(ids)})', column="levers"
            )
    levers: list[Lever] = []
    for lever_id in only if only is not None else ids:
        over = dict(overrides.get(lever_id) or {})
        unknown = set(over) - {"enabled", "zones", "ramp_years", "group", "params"}
        if unknown:
            raise ConfigError(
                f'lever "{lever_id}": unknown settings {sorted(unknown)} (expected enabled, '
                "zones, ramp_years, group, params)",
                column=f"levers.{lever_id}",
            )
        if over.get("enabled") is False:
            continue
        if lever_id in supplied:
            spec = _external_spec(supplied[lever_id], specs)
        else:
            spec = specs[lever_id]
        params = dict(spec.params)
        for name, value in (over.get("params") or {}).items():
            if name not in params and name not in ("kwp", "mwh", "sheets", "orders"):
                raise ConfigError(
                    f'lever "{lever_id}" has no parameter "{name}" (parameters: '
                    f"{', '.join(params)})",
                    column=f"levers.{lever_id}.params.{name}",
                )
            old = params.get(name)
            params[name] = Param(value, old.unit if old else "-", "plan settings")
        spec = replace(
            spec,
            params=params,
            ramp_years=int(over.get("ramp_years", spec.ramp_years)),
            group=str(over.get("group", spec.group)),
        )
        if spec.ramp_years < 1:
            raise ConfigError(
                f'lever "{lever_id}": ramp_years must be ≥ 1',
                column=f"levers.{lever_id}.ramp_years",
            )
        if lever_id in supplied:
            levers.append(ExternalLever(spec, supplied[lever_id]))
        else:
            zones = over.get("zones")
            levers.append(CatalogueLever(spec, tuple(zones) if zones is not None else None))
    return levers


def outside_inventory(result: LeverResult) -> str | None:
    """Why a lever's effect is not in the inventory, or None when it is."""
    reason = (result.evidence or {}).get("outside_inventory")
    return str(reason) if reason else None
