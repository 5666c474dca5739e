"""Transport chain elements (ISO 14083:2023, GLEC Framework v3).

Two ways to compute a trip or leg:

* **fuel-based** (primary data): the energy the vehicle used — litres, kilograms or kWh —
  times the GLEC v3 energy-carrier factors shipped in ``parkzero/data/glec_energy_carriers.csv``,
  tank-to-wheel (TTW) and well-to-wheel (WTW) reported separately;
* **distance-based** (default intensities): mass × distance [t·km] times the activity factor
  of the mode from :class:`parkzero.carbon.factors.FactorLibrary`
  (``freight.road.hgv``, ``freight.road.lgv``, ``freight.road.reefer``, ``freight.rail``,
  ``freight.air``, ``freight.sea``, ``freight.waterway``). These factors are published as one
  CO2e value, so only WTW is reported and TTW is None. Road can instead name a vehicle class
  of :mod:`parkzero.logistics.road` (by gross weight, energy and temperature, e.g.
  ``cn-heavy-diesel``, ``uk-artic-33t+-diesel``): WTW and, where the source splits it, TTW;
  the UK HGV classes also take a load factor and empty running.

Refrigerated transport adds the reefer unit's own fuel (fuel-based, or a fractional uplift of
the traction fuel given by the caller) and refrigerant leakage (:func:`refrigerant_leakage`).
When only origin and destination are known, the shortest feasible distance is multiplied by
the distance adjustment factor of ``parkzero/data/glec_distance_adjustment.csv``
(:func:`adjusted_distance`).

>>> e = fuel_based(100.0, "L", "diesel")
>>> round(e.ttw_kgco2e, 2), round(e.wtw_kgco2e, 2)
(263.11, 342.79)
"""

from __future__ import annotations

import csv
import functools
import math
from pathlib import Path

from parkzero.carbon.factors import FactorLibrary
from parkzero.config import packaged_data
from parkzero.errors import InputError, UnitError
from parkzero.logistics.models import MODES, ROAD_CLASSES, ChainEmissions, EnergyCarrier
from parkzero.logistics.road import reefer_variant, road_class, road_intensity
from parkzero.units import conversion_factor

__all__ = [
    "adjusted_distance",
    "default_dafs",
    "distance_based",
    "distance_kind",
    "energy_carrier",
    "energy_carriers",
    "fuel_based",
    "refrigerant_leakage",
]

_ALL_MODES = ("road", *MODES)


def _opt(text: str) -> float | None:
    return float(text) if text.strip() else None


@functools.cache
def _carriers(path: str) -> dict[tuple[str, str], EnergyCarrier]:
    out: dict[tuple[str, str], EnergyCarrier] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            c = EnergyCarrier(
                carrier=row["carrier"],
                region=row["region"],
                name=row["name"],
                lhv_mj_per_kg=_opt(row["lhv_MJ_per_kg"]),
                density_kg_per_l=_opt(row["density_kg_per_l"]),
                ttw_g_per_mj=float(row["ttw_gCO2e_per_MJ"]),
                wtw_g_per_mj=float(row["wtw_gCO2e_per_MJ"]),
                ttw_kg_per_kg=_opt(row["ttw_kgCO2e_per_kg"]),
                wtw_kg_per_kg=_opt(row["wtw_kgCO2e_per_kg"]),
                source=row["source"],
                licence=row["licence"],
                status=row["status"],
            )
            out.setdefault((c.region, c.carrier), c)
    return out


def energy_carriers() -> dict[tuple[str, str], EnergyCarrier]:
    """GLEC v3 energy carriers keyed by (region, carrier id) [-].

    >>> energy_carriers()[("Europe", "diesel")].density_kg_per_l
    0.83
    """
    return _carriers(str(packaged_data("glec_energy_carriers.csv")))


def energy_carrier(carrier: str, region: str = "Europe") -> EnergyCarrier:
    """One GLEC energy carrier.

    Parameters
    ----------
    carrier : str
        Carrier id, e.g. ``"diesel"``, ``"electricity"``, ``"lng"`` [-].
    region : str
        GLEC region, ``"Europe"`` or ``"North America"`` [-].

    Raises
    ------
    InputError
        Naming the field ``carrier`` and the carriers available in `region`.
    """
    table = energy_carriers()
    found = table.get((region, carrier))
    if found is None:
        known = sorted(c for r, c in table if r == region)
        if not known:
            regions = sorted({r for r, _ in table})
            raise InputError(
                f'unknown GLEC region "{region}" (expected one of {", ".join(regions)})',
                column="region",
            )
        raise InputError(
            f'unknown energy carrier "{carrier}" for region {region} '
            f"(expected one of {', '.join(known)})",
            column="carrier",
        )
    return found


def _check_non_negative(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{name} must be a finite number ≥ 0, got {value!r}", column=name)
    return value


def _dimension(unit: str) -> tuple[str, float]:
    """('mass'|'volume'|'energy', multiplier to kg|L|MJ) of a unit."""
    for dim, canonical in (("mass", "kg"), ("volume", "L"), ("energy", "MJ")):
        try:
            return dim, conversion_factor(unit, canonical)
        except UnitError:
            continue
    raise InputError(
        f'unit "{unit}" is not a mass, volume or energy (expected e.g. L, kg, kWh, MJ)',
        column="unit",
    )


def fuel_based(
    quantity: float,
    unit: str,
    carrier: str,
    *,
    region: str = "Europe",
    tkm: float = 0.0,
    distance_km: float = 0.0,
    reefer_uplift: float = 0.0,
) -> ChainEmissions:
    """Fuel-based emissions of a trip from the energy it used (primary data).

    Parameters
    ----------
    quantity : float
        Energy carrier used on the trip [`unit`].
    unit : str
        A mass (``"kg"``, ``"t"``), volume (``"L"``) or energy (``"kWh"``, ``"MJ"``) unit [-].
    carrier : str
        GLEC energy carrier id, e.g. ``"diesel"``, ``"electricity"`` [-].
    region : str
        GLEC region of the factors, ``"Europe"`` or ``"North America"`` [-].
    tkm : float
        Transport activity of the trip, for the intensity [t·km].
    distance_km : float
        Trip distance [km].
    reefer_uplift : float
        Extra fuel burnt by a refrigeration unit as a fraction of `quantity`, when the reefer
        fuel is not metered separately [-].

    Returns
    -------
    ChainEmissions
        TTW and WTW emissions [kgCO2e].

    Raises
    ------
    InputError
        For a negative quantity, an unknown carrier or unit, or a volume of a carrier without
        density; the message names the field.
    """
    quantity = _check_non_negative(quantity, "quantity")
    reefer_uplift = _check_non_negative(reefer_uplift, "reefer_uplift")
    c = energy_carrier(carrier, region)
    dim, mult = _dimension(unit)
    amount = quantity * mult * (1.0 + reefer_uplift)
    if dim == "volume":
        if c.density_kg_per_l is None:
            raise InputError(
                f"carrier {carrier} has no density in the GLEC table; give the quantity as a "
                "mass (kg) or energy (MJ, kWh)",
                column="unit",
            )
        amount, dim = amount * c.density_kg_per_l, "mass"
    g_to_kg = conversion_factor("g", "kg")
    if dim == "mass" and c.ttw_kg_per_kg is not None and c.wtw_kg_per_kg is not None:
        ttw, wtw = amount * c.ttw_kg_per_kg, amount * c.wtw_kg_per_kg
    else:
        if dim == "mass":
            if c.lhv_mj_per_kg is None:
                raise InputError(
                    f"carrier {carrier} has no heating value; give the quantity in MJ or kWh",
                    column="unit",
                )
            amount *= c.lhv_mj_per_kg
        ttw = amount * c.ttw_g_per_mj * g_to_kg
        wtw = amount * c.wtw_g_per_mj * g_to_kg
    notes = (f"reefer uplift {reefer_uplift:g} of traction fuel",) if reefer_uplift else ()
    return ChainEmissions(
        wtw_kgco2e=wtw,
        ttw_kgco2e=ttw,
        tkm=_check_non_negative(tkm, "tkm"),
        distance_km=_check_non_negative(distance_km, "distance_km"),
        factor_ids=(c.id,),
        notes=notes,
    )


@functools.cache
def _dafs(path: str) -> dict[str, float]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return {r["mode"]: float(r["distance_adjustment_factor"]) for r in csv.DictReader(fh)}


def default_dafs() -> dict[str, float]:
    """Default distance adjustment factor per mode, from ``glec_distance_adjustment.csv`` [-].

    >>> default_dafs()["road"]
    1.05
    """
    return dict(_dafs(str(packaged_data("glec_distance_adjustment.csv"))))


def _check_mode(mode: str) -> str:
    if mode not in _ALL_MODES:
        raise InputError(
            f'unknown transport mode "{mode}" (expected one of {", ".join(_ALL_MODES)})',
            column="mode",
        )
    return mode


def adjusted_distance(shortest_feasible_km: float, mode: str, *, daf: float | None = None) -> float:
    """Distance to use when only origin and destination are known.

    Parameters
    ----------
    shortest_feasible_km : float
        Shortest feasible distance between origin and destination [km].
    mode : str
        Transport mode, one of ``road``, ``rail``, ``air``, ``sea``, ``inland_waterway`` [-].
    daf : float, optional
        Distance adjustment factor; default from ``glec_distance_adjustment.csv`` [-].

    Returns
    -------
    float
        ``shortest_feasible_km × daf`` [km].

    Raises
    ------
    InputError
        For an unknown mode, a negative distance, or a mode without a shipped default factor
        when `daf` is not given (field ``distance_adjustment_factor``).

    >>> round(adjusted_distance(100.0, "road"), 6)
    105.0
    """
    km = _check_non_negative(shortest_feasible_km, "distance_km")
    _check_mode(mode)
    if daf is None:
        table = _dafs(str(packaged_data("glec_distance_adjustment.csv")))
        if mode not in table:
            raise InputError(
                f"no default distance adjustment factor for mode {mode} (defaults exist for "
                f"{', '.join(sorted(table))}); give distance_adjustment_factor or the actual "
                "distance",
                column="distance_adjustment_factor",
            )
        daf = table[mode]
    if not math.isfinite(daf) or daf < 1.0:
        raise InputError(
            f"distance_adjustment_factor must be ≥ 1, got {daf!r}",
            column="distance_adjustment_factor",
        )
    return km * daf


def distance_kind(mode: str, vehicle_class: str | None = None, refrigerated: bool = False) -> str:
    """Activity kind of the factor catalogue for a mode [-].

    Parameters
    ----------
    mode : str
        ``road``, ``rail``, ``air``, ``sea`` or ``inland_waterway`` [-].
    vehicle_class : str, optional
        Road only: ``lgv`` (gross weight ≤ 3.5 t) or ``hgv`` [-]. The classes of
        :mod:`parkzero.logistics.road` have no factor-library kind; :func:`distance_based`
        takes them directly.
    refrigerated : bool
        Temperature-controlled transport; road only has a refrigerated default [-].

    >>> distance_kind("road", "hgv", refrigerated=True)
    'freight.road.reefer'
    """
    _check_mode(mode)
    if mode != "road":
        if refrigerated:
            raise InputError(
                f"no refrigerated default intensity for mode {mode}; use fuel-based data",
                column="refrigerated",
            )
        return MODES[mode]
    if refrigerated:
        return "freight.road.reefer"
    if vehicle_class not in ROAD_CLASSES:
        raise InputError(
            f"road needs vehicle_class, one of {', '.join(ROAD_CLASSES)} (or a class of "
            f"parkzero.logistics.road, see road_class_table()); got {vehicle_class!r}",
            column="vehicle_class",
        )
    return ROAD_CLASSES[vehicle_class]


def distance_based(
    mode: str,
    mass_t: float,
    distance_km: float,
    *,
    vehicle_class: str | None = None,
    refrigerated: bool = False,
    load_factor: float | None = None,
    empty_running: float | None = None,
    shortest_feasible: bool = False,
    daf: float | None = None,
    year: int,
    region: str = "CN",
    factor_sets: str | tuple[str, ...] = "cn",
    gwp_set: str = "AR5",
    library: FactorLibrary | None = None,
) -> ChainEmissions:
    """Distance-based emissions of moving `mass_t` over `distance_km` (default intensities).

    Parameters
    ----------
    mode : str
        ``road``, ``rail``, ``air``, ``sea`` or ``inland_waterway`` [-].
    mass_t : float
        Mass of the freight [t].
    distance_km : float
        Actual distance, or the shortest feasible distance when `shortest_feasible` [km].
    vehicle_class : str, optional
        Road vehicle class: ``lgv`` or ``hgv`` (factor library, as `region`/`factor_sets`
        select), or a class id of :mod:`parkzero.logistics.road` such as
        ``"cn-heavy-diesel"`` or ``"uk-artic-33t+-diesel"`` [-].
    refrigerated : bool
        Temperature-controlled transport; with a road class id that is not refrigerated, its
        refrigerated variant is used (an error if there is none) [-].
    load_factor : float, optional
        Road class with a laden model only: share of the payload capacity used on laden km,
        by mass, 0 < LF ≤ 1; default the class's reference load [-].
    empty_running : float, optional
        Road class with a laden model only: share of the vehicle's km driven empty,
        0 ≤ ER < 1; default the class's reference (0) [-].
    shortest_feasible : bool
        `distance_km` is the shortest feasible distance; the distance adjustment factor is
        applied [-].
    daf : float, optional
        Distance adjustment factor overriding the shipped default [-].
    year : int
        Reporting year for the factor lookup; a road class carries its own data year [yr].
    region : str
        Region of the factor lookup; a road class carries its own region (a note records a
        class of another region) [-].
    factor_sets : str or tuple of str
        Factor sets or preset, as :meth:`FactorLibrary.lookup` [-].
    gwp_set : str
        GWP100 set [-].
    library : FactorLibrary, optional
        Defaults to :meth:`FactorLibrary.default` [-].

    Returns
    -------
    ChainEmissions
        WTW emissions [kgCO2e]; TTW for a road class whose source splits it, else None (the
        factor-library factors are not split by boundary).

    Raises
    ------
    InputError
        For bad input, naming the field: ``mode``, ``vehicle_class``, ``refrigerated``,
        ``mass_t``, ``distance_km``, ``distance_adjustment_factor``, ``load_factor`` or
        ``empty_running`` (out of range, or given for a class or mode without a laden model).

    >>> e = distance_based("road", 10.0, 100.0, vehicle_class="cn-heavy-diesel", year=2024)
    >>> round(e.wtw_kgco2e, 2), e.ttw_kgco2e, e.factor_ids
    (97.8, None, ('road/cn-heavy-diesel/CPCD-65119X0282024C',))
    """
    mass_t = _check_non_negative(mass_t, "mass_t")
    _check_mode(mode)
    if mode == "road" and vehicle_class is not None and vehicle_class not in ROAD_CLASSES:
        # A class of parkzero.logistics.road: its own intensity, region and data year.
        try:
            c = reefer_variant(vehicle_class) if refrigerated else road_class(vehicle_class)
        except InputError as exc:
            if exc.column != "vehicle_class":
                raise
            raise InputError(
                f"{exc.message}; the factor-library classes {', '.join(ROAD_CLASSES)} are "
                "accepted too",
                column="vehicle_class",
            ) from None
        wtw, ttw, factor_id = road_intensity(
            c.id, load_factor=load_factor, empty_running=empty_running
        )
        km = (
            adjusted_distance(distance_km, mode, daf=daf)
            if shortest_feasible
            else _check_non_negative(distance_km, "distance_km")
        )
        tkm = mass_t * km
        notes: list[str] = []
        if c.id != vehicle_class.strip().lower():
            notes.append(f"refrigerated: class {c.id} used for {vehicle_class}")
        if load_factor is not None or empty_running is not None:
            lf = c.load_factor_ref if load_factor is None else load_factor
            er = c.empty_running_ref if empty_running is None else empty_running
            notes.append(f"{c.id}: load factor {lf:g}, empty running {er:g} (laden model)")
        if c.region != region:
            notes.append(f"road class {c.id} describes the {c.region} fleet (region {region})")
        return ChainEmissions(
            wtw_kgco2e=tkm * wtw,
            ttw_kgco2e=None if ttw is None else tkm * ttw,
            tkm=tkm,
            distance_km=km,
            factor_ids=(factor_id,),
            notes=tuple(notes),
        )
    for name, value in (("load_factor", load_factor), ("empty_running", empty_running)):
        if value is not None:
            raise InputError(
                f"{name} needs a road vehicle class with a laden model (the uk-* HGV classes "
                f"of parkzero.logistics.road), not mode {mode} / vehicle_class "
                f"{vehicle_class!r}",
                column=name,
            )
    kind = distance_kind(mode, vehicle_class, refrigerated)
    km = (
        adjusted_distance(distance_km, mode, daf=daf)
        if shortest_feasible
        else _check_non_negative(distance_km, "distance_km")
    )
    lib = library or FactorLibrary.default()
    match = lib.lookup(kind, region=region, year=year, factor_sets=factor_sets)
    tkm = mass_t * km
    per_unit = match.factor.co2e_per_unit(gwp_set, lib) * match.factor.multiplier_from("t*km")
    return ChainEmissions(
        wtw_kgco2e=tkm * per_unit,
        ttw_kgco2e=None,
        tkm=tkm,
        distance_km=km,
        factor_ids=(match.factor.id,),
        notes=match.fallbacks,
    )


def refrigerant_leakage(
    mass_kg: float,
    refrigerant: str,
    *,
    gwp_set: str = "AR5",
    year: int,
    library: FactorLibrary | None = None,
) -> ChainEmissions:
    """Emissions of refrigerant leaked from a reefer unit (direct: TTW = WTW).

    Parameters
    ----------
    mass_kg : float
        Refrigerant leaked over the trip or allocated to it [kg].
    refrigerant : str
        Refrigerant, e.g. ``"R-404A"``; must be a ``refrigerant.<name>.leak`` kind [-].
    gwp_set : str
        GWP100 set [-].
    year : int
        Reporting year [yr].
    library : FactorLibrary, optional
        Defaults to :meth:`FactorLibrary.default` [-].

    Returns
    -------
    ChainEmissions
        [kgCO2e].
    """
    mass_kg = _check_non_negative(mass_kg, "refrigerant_kg")
    lib = library or FactorLibrary.default()
    kind = f"refrigerant.{refrigerant}.leak"
    try:
        match = lib.lookup(kind, year=year)
    except InputError as exc:
        raise InputError(f"refrigerant: {exc.message}", column="refrigerant") from None
    kg = mass_kg * match.factor.multiplier_from("kg") * match.factor.co2e_per_unit(gwp_set, lib)
    return ChainEmissions(wtw_kgco2e=kg, ttw_kgco2e=kg, factor_ids=(match.factor.id,))
