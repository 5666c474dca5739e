"""The emission-factor library: which factor applies to an activity, and what it is worth.

An emission factor gives kilograms of each greenhouse gas per unit of activity (per kWh, t of
diesel, t·km, night, ...). Every number comes from a data file shipped in ``parkzero/data``
with its source, licence and status (``COPIED``, ``DERIVED``, ``TRANSCRIBED``,
``ASSUMPTION``; see ``parkzero/data/SOURCES.md`` and ``docs/data-sources.md``):

=============================  ==============================================================
file                           content
=============================  ==============================================================
``factors.csv``                one row per (factor id, gas): grid electricity series, the
                               guide's figures, CPCD transport, DEFRA/BEIS 2021, heat, steam,
                               cooling, T&D, identity factors
``fuels.csv``                  fuel parameters of record (NCV, carbon content, oxidation,
                               density) per factor set; the fuel factors are derived from
                               them when the library loads
``fuel_ch4_n2o.csv``           CH4 and N2O per TJ by fuel and use (IPCC 2006)
``gwp.csv``,                   GWP100 (AR4, AR5, AR6) and blends, see
``refrigerant_blends.csv``     :mod:`parkzero.carbon.gwp`
``regions.csv``                provinces, regional grids, countries, see
                               :mod:`parkzero.carbon.regions`
``energy_coefficients.csv``    tce per unit of each energy carrier (GB/T 2589-2020)
``activity_types.csv``         the activity catalogue: every kind and its canonical unit
=============================  ==============================================================

Factor sets and presets
-----------------------
Each factor belongs to a *factor set* (where it comes from): ``cn`` (Chinese official
defaults: enterprise GHG accounting guidelines, MEE grid and T&D factors), ``guide`` (the
figures of 《物流园区碳中和指南》), ``cpcd`` (China Products Carbon Footprint Database transport
factors), ``defra2021`` (UK DESNZ/BEIS 2021), ``ipcc2006`` (IPCC 2006 defaults) and
``identity`` (definitions: 1 kg of leaked refrigerant is 1 kg of that gas). A park names a
preset of :data:`FACTOR_SET_PRESETS` or gives its own ordered list:

=========  ===============================================  ===================================
preset     sets, first preferred                            use
=========  ===============================================  ===================================
``cn``     cn, guide, cpcd, defra2021                       default: Chinese official values,
                                                            the guide, CPCD, then DEFRA for
                                                            what China publishes nothing
``ipcc``   ipcc2006, guide, cpcd, defra2021                 IPCC fuel defaults instead of the
                                                            Chinese guideline's
``defra``  defra2021, ipcc2006, cn                          DEFRA first (UK-style reporting)
=========  ===============================================  ===================================

The ``identity`` set is searched after the configured sets whatever they are, because its
factors are definitions rather than a choice of data source.

Electricity series
------------------
Grid electricity (``electricity.grid``) is organised in named *series* that are never mixed
silently (:data:`ELECTRICITY_SERIES`): ``mee-location`` (MEE/NBS average factors for 2021-2023:
national, 7 regional grids, 30 provinces), ``mee-excl-market-nonfossil`` and ``mee-fossil``
(national) and ``ets-reporting`` (national value of the ETS/enterprise reporting notices:
0.5810 t/MWh for 2021 data, 0.5703 for 2022). A lookup never leaves its series and ignores the
factor sets.

Lookup
------
:meth:`FactorLibrary.lookup` (cached per argument set) resolves one factor:

1. The kind must be in the activity catalogue, else :class:`~parkzero.errors.
   UnknownActivityError` with close kinds suggested. The region may be a code or a name.
2. **Where to look.** ``electricity.grid``: the series asked for (default ``mee-location``).
   Any other kind: the factor sets in order, then ``identity``; the *first set with any factor
   for the kind wins* — that is the configured preference, so it is not reported.
3. **Region tiers.** Within the series or set, candidates are taken from the first non-empty
   tier: (a) the region chain (``CN-HB`` → ``CN-GRID-CENTRAL`` → ``CN``), (b) ``GLOBAL``
   factors (IPCC defaults, definitions), (c) factors of another country, e.g. DEFRA's UK
   values (electricity never uses tiers b and c).
4. **Year.** Within the tier, the latest year not after the requested one; if there is none,
   the earliest year available.
5. **Region.** Among the candidates of that year, the most specific region of the chain
   (province before regional grid before country).

Every step that gives something other than what was asked for adds a note to
:attr:`FactorMatch.fallbacks`: a year other than the requested one (``"year 2024 → 2023"``)
in a time series, or a value newer than the requested year (a set with one edition older
than the year, such as the 2015 guideline defaults, is not a fallback),
a grid factor at a wider level than the park's region (``"region CN-XZ → CN-GRID-SOUTHWEST (no
provincial value in series mee-location for 2023)"``), a factor of another country. For other
kinds a national factor for a provincial park is the normal resolution and is noted only when
the set also has sub-national factors for that kind. Identity factors (year 0, region
``GLOBAL``) are timeless and never noted. No factor at all raises
:class:`~parkzero.errors.FactorNotFoundError` naming the kind, region, year and sets tried.

All factors are stored per the catalogue's canonical unit of their kind (``kWh``, ``t``,
``Nm3``, ``t*km``, ...); :meth:`Factor.multiplier_from` turns an activity's own unit into it,
bridging litres and tonnes with the fuel's density.

User factor files
-----------------
:meth:`FactorLibrary.with_user_file` reads a CSV with the columns of ``factors.csv``
(``id, kind, factor_set, region, year, gas, value, unit, source, licence`` required;
``series`` required for ``electricity.grid``; ``version, status, notes, density_kg_per_l``
optional). A row whose (id, gas) exists replaces that gas of the packaged factor; new ids add
factors, and a user factor with the same set, kind, series, region and year as a packaged one
takes precedence. Values given per another unit (``MWh``, ``L``) are converted to the
catalogue unit once, when read.

Examples
--------
>>> lib = FactorLibrary.default()
>>> match = lib.lookup("electricity.grid", region="湖北", year=2022)
>>> match.factor.gases["CO2"], match.fallbacks
(0.4364, ())
>>> diesel = lib.lookup("fuel.diesel.mobile", year=2015).factor
>>> round(diesel.gases["CO2"], 1)  # 42.652 GJ/t × 20.2 tC/TJ × 0.98 × 44/12
3095.9
>>> round(diesel.multiplier_from("L"), 6)  # 1 L at 0.8432 kg/L, in t
0.000843
>>> lib.lookup("electricity.grid", region="CN-SH", year=2025).fallbacks
('year 2025 → 2023 (latest value not after 2025 in series mee-location)',)
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

from parkzero.carbon.gwp import GwpTable, normalise_gwp_set
from parkzero.carbon.regions import RegionTable
from parkzero.config import packaged_data
from parkzero.errors import FactorNotFoundError, InputError, UnitError, UnknownActivityError
from parkzero.units import conversion_factor, dimension_of

__all__ = [
    "ELECTRICITY_SERIES",
    "FACTOR_SET_PRESETS",
    "IDENTITY_SET",
    "Factor",
    "FactorLibrary",
    "FactorMatch",
]

FACTOR_SET_PRESETS: dict[str, tuple[str, ...]] = {
    "cn": ("cn", "guide", "cpcd", "defra2021"),
    "ipcc": ("ipcc2006", "guide", "cpcd", "defra2021"),
    "defra": ("defra2021", "ipcc2006", "cn"),
}
"""Named, ordered factor-set preferences a park can choose (first set preferred)."""

ELECTRICITY_SERIES: tuple[str, ...] = (
    "mee-location",
    "mee-excl-market-nonfossil",
    "mee-fossil",
    "ets-reporting",
)
"""Packaged grid-electricity series; the first is the default of :meth:`FactorLibrary.lookup`."""

IDENTITY_SET = "identity"
"""Factor set of definitional factors, searched after the configured sets."""

_GRID_KIND = "electricity.grid"
_CO2_PER_C = 44.0 / 12.0  # kg CO2 per kg C (IPCC 2006 Vol.2 eq. 2.1 convention)
_REQUIRED = (
    "id",
    "kind",
    "factor_set",
    "region",
    "year",
    "gas",
    "value",
    "unit",
    "source",
    "licence",
)
_SHARED = (
    "kind",
    "factor_set",
    "series",
    "region",
    "year",
    "unit",
    "source",
    "licence",
    "version",
    "density_kg_per_l",
)
_LEVEL_WORD = {"province": "provincial", "grid": "regional-grid", "country": "national"}

# (representative unit, what it measures, examples) for messages about wrong units
_UNIT_HINTS = (
    ("kg", "mass", "t, kg"),
    ("L", "volume", "m**3, L"),
    ("kWh", "energy", "kWh, MWh, 万kWh or GJ"),
    ("Nm3", "normal gas volume", "Nm3 or 万Nm3"),
    ("t*km", "freight transport", "t*km"),
    ("pkm", "passenger transport", "pkm (p*km)"),
    ("sheet", "count of sheets", "sheet"),
    ("night", "count of nights", "night"),
)


@dataclass(frozen=True)
class Factor:
    """One emission factor: kilograms of each gas per unit of one kind of activity.

    Parameters
    ----------
    id : str
        Unique id, e.g. ``"cn/electricity.grid/mee-location/CN-HB/2022"`` [-].
    kind : str
        Activity type of the catalogue, e.g. ``"fuel.diesel.mobile"`` [-].
    factor_set : str
        Set the factor belongs to, e.g. ``"cn"``, ``"defra2021"`` [-].
    series : str or None
        Electricity series, e.g. ``"mee-location"``; None for other kinds [-].
    region : str
        Region code the factor applies to, e.g. ``"CN-HB"``, ``"CN"``, ``"UK"`` [-].
    year : int
        Data year the factor describes; 0 for timeless definitions [yr].
    unit : str
        Activity unit the factor applies per, the catalogue unit of `kind` [-].
    gases : mapping of str to float
        Mass of each gas per unit, e.g. ``{"CO2": 3095.9, "CH4-fossil": 0.42}``; ``CO2e`` for
        values a source publishes only as CO2e [kg/unit].
    source, licence : str
        Publication and the terms the value is used under [-].
    version : str
        Edition of the source, e.g. ``"DEFRA-2021-v3"``; recorded with every computed
        emission [-].
    notes : str
        Derivation, assumptions, caveats [-].
    density_kg_per_l : float, optional
        Density of the fuel, so a mass-based factor also accepts litres and vice versa
        [kg/L].
    status : str
        ``COPIED``, ``DERIVED``, ``TRANSCRIBED`` (check against the primary document) or
        ``ASSUMPTION`` [-].
    """

    id: str
    kind: str
    factor_set: str
    series: str | None
    region: str
    year: int
    unit: str
    gases: Mapping[str, float]
    source: str
    licence: str
    version: str
    notes: str = ""
    density_kg_per_l: float | None = None
    status: str = ""

    def multiplier_from(self, unit: str) -> float:
        """Multiplier turning a quantity in `unit` into the factor's unit.

        Parameters
        ----------
        unit : str
            Unit of the activity quantity, e.g. ``"MWh"``, ``"L"``, ``"t·km"`` [-].

        Returns
        -------
        float
            ``quantity_in_factor_unit = quantity * multiplier`` [factor unit / unit].

        Raises
        ------
        UnitError
            If `unit` is unknown or measures something else; the message names the kind,
            the unit given and the units accepted.
        """
        return _multiplier(f'activity "{self.kind}"', self.unit, unit, self.density_kg_per_l)

    def co2e_per_unit(self, gwp_set: str, library: FactorLibrary) -> float:
        """CO2-equivalent of one unit of activity in a GWP set.

        Kyoto gases are weighted by their GWP100, ``CO2e`` values count as published;
        biogenic CO2 and Montreal-Protocol gases are excluded (they are reported separately).

        Parameters
        ----------
        gwp_set : {"AR4", "AR5", "AR6"}
            GWP100 set [-].
        library : FactorLibrary
            Library whose GWP table and gas groups apply [-].

        Returns
        -------
        float
            [kgCO2e/unit].
        """
        gwp_set = normalise_gwp_set(gwp_set)
        total = 0.0
        for gas, value in self.gases.items():
            group = library.gas_group(gas)
            if group == "CO2e":
                total += value
            elif group not in ("biogenic", "Montreal", "other"):
                total += value * library.gwp(gas, gwp_set)
        return total


@dataclass(frozen=True)
class FactorMatch:
    """The factor a lookup resolved and how.

    Parameters
    ----------
    factor : Factor
        The factor to apply [-].
    fallbacks : tuple of str
        One human-readable note per fallback used, e.g. ``"year 2024 → 2023"``; empty when
        the factor is exactly what was asked for [-].
    """

    factor: Factor
    fallbacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Kind:
    kind: str
    unit: str
    method: str
    energy_carrier: str | None


@dataclass(frozen=True)
class _EnergyCoefficient:
    carrier: str
    kgce: float  # kgce per one `per_unit`
    per_unit: str
    source: str


@dataclass
class _Data:
    """Everything a library is built from, shared by copies made with user files."""

    catalogue: dict[str, _Kind]
    gwp: GwpTable
    regions: RegionTable
    energy: dict[str, list[_EnergyCoefficient]]
    densities: dict[str, float] = field(default_factory=dict)


class FactorLibrary:
    """Emission factors, GWP values, regions and energy coefficients, with lookups.

    Use :meth:`default` for the packaged data, :meth:`from_paths` for other files and
    :meth:`with_user_file` to add a park's own factors. A library never changes after it is
    built; :meth:`with_user_file` returns a new one.
    """

    def __init__(self, factors: Iterable[Factor], data: _Data) -> None:
        self._data = data
        self._factors: dict[str, Factor] = {}
        for f in factors:
            self._factors[f.id] = f
        self._by_kind: dict[str, list[Factor]] = {}
        for f in self._factors.values():
            self._by_kind.setdefault(f.kind, []).append(f)
        self._series = {f.series for f in self._by_kind.get(_GRID_KIND, []) if f.series}
        self._lookups: dict[tuple[object, ...], FactorMatch] = {}
        self._tce: dict[tuple[str, str, float | None], float] = {}
        self._haystack: dict[str, str] | None = None

    # ------------------------------------------------------------------ construction

    @classmethod
    def default(cls) -> FactorLibrary:
        """The packaged data, loaded once per process (cached)."""
        return _default_library()

    @classmethod
    def from_paths(
        cls,
        factors_csv: str | Path,
        *,
        fuels_csv: str | Path | None = None,
        fuel_ch4_n2o_csv: str | Path | None = None,
        gwp_csv: str | Path | None = None,
        blends_csv: str | Path | None = None,
        regions_csv: str | Path | None = None,
        energy_csv: str | Path | None = None,
        activity_types_csv: str | Path | None = None,
    ) -> FactorLibrary:
        """Build a library from files; any file not given is the packaged one.

        Parameters
        ----------
        factors_csv : path
            Factor rows with the columns of ``factors.csv`` [-].
        fuels_csv, fuel_ch4_n2o_csv : path, optional
            Fuel parameters and CH4/N2O per TJ the fuel factors are derived from [-].
        gwp_csv, blends_csv : path, optional
            GWP100 table and refrigerant blends [-].
        regions_csv : path, optional
            Regions and their parents [-].
        energy_csv : path, optional
            Energy coefficients (tce per unit of each carrier) [-].
        activity_types_csv : path, optional
            The activity catalogue [-].

        Raises
        ------
        InputError
            Naming file, row and column of the first bad value.
        """

        def pick(path: str | Path | None, name: str) -> Path:
            return Path(path) if path is not None else packaged_data(name)

        data = _Data(
            catalogue=_read_catalogue(pick(activity_types_csv, "activity_types.csv")),
            gwp=GwpTable.from_csv(
                pick(gwp_csv, "gwp.csv"), pick(blends_csv, "refrigerant_blends.csv")
            ),
            regions=RegionTable.from_csv(pick(regions_csv, "regions.csv")),
            energy=_read_energy(pick(energy_csv, "energy_coefficients.csv")),
        )
        fuels, densities = _fuel_factors(
            pick(fuels_csv, "fuels.csv"), pick(fuel_ch4_n2o_csv, "fuel_ch4_n2o.csv"), data
        )
        data.densities = densities
        rows = _read_factor_file(Path(factors_csv), data)
        factors = [*fuels, *(_build(fid, grp, data, None) for fid, grp in rows.items())]
        seen: dict[tuple[object, ...], str] = {}
        for f in factors:
            key = (f.factor_set, f.kind, f.series, f.region, f.year)
            if key in seen:
                raise InputError(
                    f'factors "{seen[key]}" and "{f.id}" have the same set, kind, series, '
                    "region and year; keep one",
                    source=str(factors_csv),
                    column="id",
                )
            seen[key] = f.id
        return cls(factors, data)

    def with_user_file(self, path: str | Path) -> FactorLibrary:
        """A new library with a user's factor file added; this one is unchanged.

        Parameters
        ----------
        path : path
            CSV with the columns of ``factors.csv`` (source and licence required) [-].

        Returns
        -------
        FactorLibrary
            Packaged factors plus the user's: a row with an existing (id, gas) replaces that
            gas of the factor, new ids are added.

        Raises
        ------
        InputError
            Naming the file, row and column of the first bad value and what was expected.
        """
        path = Path(path)
        rows = _read_factor_file(path, self._data, self._factors)
        out = dict(self._factors)
        for fid, group in rows.items():
            base = self._factors.get(fid)
            if base is not None and base.kind != group[0][1]["kind"]:
                raise InputError(
                    f'"{fid}" is a packaged factor for "{base.kind}"; an override must keep '
                    "that kind (use a new id for a new factor)",
                    source=str(path),
                    row=group[0][0],
                    column="kind",
                )
            new = _build(fid, group, self._data, base)
            if base is None:
                new = replace(new, notes=_join(new.notes, f"from user file {path.name}"))
            out[fid] = new
        # user factors come last so they win ties of (set, kind, series, region, year)
        order = [f for k, f in out.items() if k not in rows] + [out[k] for k in rows]
        return FactorLibrary(order, self._data)

    # ------------------------------------------------------------------ queries

    def factors(self) -> list[Factor]:
        """Every factor, sorted by id."""
        return [self._factors[k] for k in sorted(self._factors)]

    def get(self, factor_id: str) -> Factor:
        """The factor with this id.

        Raises
        ------
        FactorNotFoundError
            If there is none; the message suggests close ids.
        """
        try:
            return self._factors[factor_id]
        except KeyError:
            close = difflib.get_close_matches(str(factor_id), list(self._factors), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise FactorNotFoundError(
                f'no factor with id "{factor_id}"{hint} (find ids with `parkzero factors search`)'
            ) from None

    def search(self, text: str, limit: int = 50) -> list[Factor]:
        """Factors whose id, kind, set, series, source, notes, gases or region names match.

        Every word of `text` must occur (case-insensitive). Matches in id or kind rank first.

        Parameters
        ----------
        text : str
            Words, e.g. ``"湖北 2022"``, ``"diesel mobile"``, ``"DEFRA hotel"`` [-].
        limit : int
            At most this many factors [-].

        Returns
        -------
        list of Factor
        """
        if self._haystack is None:
            self._haystack = {fid: self._text_of(f) for fid, f in self._factors.items()}
        words = str(text).casefold().split()
        hits: list[tuple[int, str]] = []
        for fid, hay in self._haystack.items():
            if all(w in hay for w in words):
                f = self._factors[fid]
                head = f"{f.id} {f.kind}".casefold()
                rank = (
                    0
                    if fid.casefold() == str(text).casefold()
                    else (1 if all(w in head for w in words) else 2)
                )
                hits.append((rank, fid))
        hits.sort()
        return [self._factors[fid] for _, fid in hits[: max(int(limit), 0)]]

    def lookup(
        self,
        kind: str,
        *,
        region: str = "CN",
        year: int,
        factor_sets: Sequence[str] = FACTOR_SET_PRESETS["cn"],
        series: str | None = None,
    ) -> FactorMatch:
        """The factor for one kind of activity, region and year (see the module docstring).

        Parameters
        ----------
        kind : str
            Activity type of the catalogue, e.g. ``"electricity.grid"`` [-].
        region : str
            Region code or name, e.g. ``"CN-HB"``, ``"湖北"`` [-].
        year : int
            Reporting year [yr].
        factor_sets : sequence of str or str
            Ordered factor sets, or a preset name of :data:`FACTOR_SET_PRESETS`; ignored for
            ``electricity.grid`` [-].
        series : str, optional
            Electricity series, default ``"mee-location"``; ignored for other kinds [-].

        Returns
        -------
        FactorMatch
            The factor and a note for every fallback used.

        Raises
        ------
        UnknownActivityError
            If `kind` is not in the activity catalogue.
        InputError
            For an unknown region or electricity series.
        FactorNotFoundError
            If no factor matches.
        """
        if kind not in self._data.catalogue:
            close = difflib.get_close_matches(str(kind), list(self._data.catalogue), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownActivityError(
                f'unknown activity type "{kind}"{hint} (the activity catalogue lists '
                f"{len(self._data.catalogue)} kinds, e.g. electricity.grid, fuel.diesel.mobile)"
            )
        if isinstance(factor_sets, str):
            sets = FACTOR_SET_PRESETS.get(factor_sets, (factor_sets,))
        else:
            sets = tuple(factor_sets)
        if kind != _GRID_KIND:
            series = None
        key = (kind, region, int(year), sets, series)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookup(kind, self.resolve_region(region), int(year), sets, series)
            self._lookups[key] = found
        return found

    def gwp(self, gas: str, gwp_set: str) -> float:
        """GWP100 of a gas or blend (blends from their components) [kgCO2e/kg].

        Raises
        ------
        InputError
            For a GWP set other than AR4, AR5, AR6.
        FactorNotFoundError
            For an unknown gas.
        """
        return self._data.gwp.gwp(gas, gwp_set)

    def gas_group(self, gas: str) -> str:
        """Group of a gas: CO2, CH4, N2O, HFCs, PFCs, SF6, NF3, Montreal, biogenic, other or
        CO2e (pre-aggregated) [-]."""
        return self._data.gwp.group(gas)

    def canonical_gas(self, gas: str) -> str:
        """Canonical name of a gas, e.g. ``"R-134a"`` → ``"HFC-134a"`` [-]."""
        return self._data.gwp.canonical(gas)

    def region_chain(self, region: str) -> tuple[str, ...]:
        """Region codes from `region` up to its country, e.g. ``("CN-HB", "CN-GRID-CENTRAL",
        "CN")`` [-]."""
        return self._data.regions.chain(self.resolve_region(region))

    def resolve_region(self, text: str) -> str:
        """Region code of a code, Chinese name (湖北, 湖北省) or English name (Hubei) [-].

        Raises
        ------
        InputError
            If unknown; the message lists the options.
        """
        return self._data.regions.resolve(text)

    def region_label(self, region: str) -> str:
        """``"CN-HB 湖北 Hubei"``: a region with its names, for reports [-]."""
        return self._data.regions.label(self.resolve_region(region))

    def electricity_series(self) -> tuple[str, ...]:
        """Every grid-electricity series of this library (packaged and user-defined) [-]."""
        extra = sorted(self._series - set(ELECTRICITY_SERIES))
        return tuple(s for s in ELECTRICITY_SERIES if s in self._series) + tuple(extra)

    def tce_per_unit(self, carrier: str, unit: str, density_kg_per_l: float | None = None) -> float:
        """Energy of one unit of a carrier in tonnes of standard coal equivalent.

        Coefficients of GB/T 2589-2020 综合能耗计算通则 (electricity at its calorific
        equivalent, 0.1229 kgce/kWh).

        Parameters
        ----------
        carrier : str
            Energy carrier as in the catalogue's ``energy_carrier`` column, e.g.
            ``"diesel"``, ``"electricity"``, ``"natural_gas"`` [-].
        unit : str
            Unit of the quantity, e.g. ``"t"``, ``"L"``, ``"kWh"``, ``"Nm3"``, ``"GJ"`` [-].
        density_kg_per_l : float, optional
            Density for volume↔mass; default the fuel's packaged density [kg/L].

        Returns
        -------
        float
            [tce/unit].

        Raises
        ------
        InputError
            For an unknown carrier.
        UnitError
            For a unit the carrier cannot be measured in.
        """
        key = (carrier, unit, density_kg_per_l)
        if key not in self._tce:
            self._tce[key] = self._tce_per_unit(carrier, unit, density_kg_per_l)
        return self._tce[key]

    # ------------------------------------------------------------------ internals

    def _text_of(self, f: Factor) -> str:
        regions = self._data.regions
        parts = [
            f.id,
            f.kind,
            f.factor_set,
            f.series or "",
            f.source,
            f.notes,
            str(f.year),
            " ".join(f.gases),
            f.region,
        ]
        if f.region in regions:
            r = regions.get(f.region)
            parts += [r.name_zh, r.name_en, *r.aliases]
        return " ".join(parts).casefold()

    def _lookup(
        self, kind: str, region: str, year: int, sets: tuple[str, ...], series: str | None
    ) -> FactorMatch:
        chain = self._data.regions.chain(region)
        candidates = self._by_kind.get(kind, [])
        if kind == _GRID_KIND:
            series = series or ELECTRICITY_SERIES[0]
            if series not in self._series:
                raise InputError(
                    f'unknown electricity series "{series}" (expected one of '
                    f"{', '.join(self.electricity_series())})",
                    column="series",
                )
            in_series = [f for f in candidates if f.series == series]
            tier = [f for f in in_series if f.region in chain]
            if not tier:
                raise FactorNotFoundError(
                    f'no "{kind}" factor in series {series} for region {region} or its grid and '
                    f"country ({' → '.join(chain)}), year {year}; the series covers "
                    f"{', '.join(sorted({f.region for f in in_series}))}"
                )
            return self._choose(tier, chain, year, f"series {series}", always_region=True)
        tried: list[str] = []
        for s in (*sets, *(() if IDENTITY_SET in sets else (IDENTITY_SET,))):
            tried.append(s)
            in_set = [f for f in candidates if f.factor_set == s]
            if not in_set:
                continue
            tier = [f for f in in_set if f.region in chain]
            if tier:
                subnational = any(
                    self._data.regions.get(f.region).level in ("province", "grid")
                    for f in in_set
                    if f.region in self._data.regions
                )
                return self._choose(tier, chain, year, f"set {s}", always_region=subnational)
            tier = [f for f in in_set if f.region == "GLOBAL"]
            if tier:
                return self._choose(tier, ("GLOBAL",), year, f"set {s}", always_region=False)
            match = self._choose(
                sorted(in_set, key=lambda f: f.region), None, year, f"set {s}", always_region=False
            )
            used, country = match.factor.region, chain[-1]
            note = (
                f"region {region} → {used} (set {s} has no value for {country}; "
                f"a {used} factor is used)"
            )
            return FactorMatch(match.factor, (*match.fallbacks, note))
        raise FactorNotFoundError(
            f'no emission factor for "{kind}" in region {region} for {year}; factor sets tried: '
            f"{', '.join(tried)}. Add one in a factors file (see docs/data-sources.md) or choose "
            "other factor sets"
        )

    def _choose(
        self,
        tier: list[Factor],
        chain: tuple[str, ...] | None,
        year: int,
        where: str,
        *,
        always_region: bool,
    ) -> FactorMatch:
        """Year rule, then the most specific region; notes for each fallback."""
        years = {f.year for f in tier}
        not_after = [y for y in years if y <= year]
        chosen_year = max(not_after) if not_after else min(years)
        in_year = [f for f in tier if f.year == chosen_year]
        if chain is not None:
            in_year.sort(key=lambda f: chain.index(f.region))
        factor = in_year[0]
        # a later factor with identical coordinates (a user file's) wins
        same = [f for f in in_year if f.region == factor.region]
        factor = same[-1]
        notes: list[str] = []
        # a single-edition default (the 2015 guideline, the guide's figures) is not a fallback
        # when it predates the year; a time series, or a value from after the year, is noted
        if chosen_year != year and factor.year != 0 and (len(years) > 1 or chosen_year > year):
            if not_after:
                notes.append(
                    f"year {year} → {chosen_year} (latest value not after {year} in {where})"
                )
            else:
                notes.append(
                    f"year {year} → {chosen_year} (earliest available in {where}; nothing for "
                    f"{year} or before)"
                )
        if chain is not None and always_region and factor.region != chain[0]:
            skipped = chain[: chain.index(factor.region)]
            levels = []
            for code in skipped:
                word = _LEVEL_WORD.get(self._data.regions.get(code).level, "")
                if word and word not in levels:
                    levels.append(word)
            notes.append(
                f"region {chain[0]} → {factor.region} (no {' or '.join(levels) or 'specific'} "
                f"value in {where} for {chosen_year})"
            )
        return FactorMatch(factor, tuple(notes))

    def _tce_per_unit(self, carrier: str, unit: str, density: float | None) -> float:
        rows = self._data.energy.get(carrier)
        if not rows:
            raise InputError(
                f'unknown energy carrier "{carrier}" (expected one of '
                f"{', '.join(sorted(self._data.energy))})",
                column="energy_carrier",
            )
        try:
            dim = dimension_of(unit)
        except UnitError:
            raise UnitError(
                f'unknown unit "{unit}" for energy carrier "{carrier}" (expected {_accepted(rows)})'
            ) from None
        for row in rows:
            if dimension_of(row.per_unit) == dim:
                return (
                    row.kgce
                    * conversion_factor(unit, row.per_unit)
                    * conversion_factor("kgce", "tce")
                )
        dens = density if density is not None else self._data.densities.get(carrier)
        if dens is not None:
            for row in rows:
                try:
                    mult = _multiplier(f'energy carrier "{carrier}"', row.per_unit, unit, dens)
                except UnitError:
                    continue
                return row.kgce * mult * conversion_factor("kgce", "tce")
        raise UnitError(
            f'"{unit}" is not a unit energy carrier "{carrier}" can be measured in (expected '
            f"{_accepted(rows)})"
        )


# ---------------------------------------------------------------------- unit conversion


def _label(unit: str) -> tuple[str, str]:
    """(what the unit measures, example units) for messages."""
    dim = dimension_of(unit)
    for rep, label, examples in _UNIT_HINTS:
        if dimension_of(rep) == dim:
            return label, examples
    return f"[{dim}]", unit


def _accepted(rows: list[_EnergyCoefficient]) -> str:
    return " or ".join(
        f"{_a(_label(r.per_unit)[0])} unit such as {_label(r.per_unit)[1]}" for r in rows
    )


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


@lru_cache(maxsize=4096)
def _multiplier(what: str, to_unit: str, from_unit: str, density: float | None) -> float:
    """Multiplier turning a quantity in `from_unit` into `to_unit` (`what` names the subject
    in error messages, e.g. 'activity "fuel.diesel.mobile"')."""
    label, examples = _label(to_unit)
    mass_dim, vol_dim = dimension_of("kg"), dimension_of("L")
    dst = dimension_of(to_unit)
    bridge = density is not None and dst in (mass_dim, vol_dim)
    if bridge:
        label, examples = "mass or volume", "t, kg or L"
    try:
        src = dimension_of(from_unit)
    except UnitError:
        raise UnitError(
            f'unknown unit "{from_unit}" for {what} (expected {_a(label)} unit such as {examples})'
        ) from None
    if src == dst:
        return conversion_factor(from_unit, to_unit)
    if bridge and density is not None:
        if src == vol_dim and dst == mass_dim:
            return conversion_factor(from_unit, "L") * density * conversion_factor("kg", to_unit)
        if src == mass_dim and dst == vol_dim:
            return conversion_factor(from_unit, "kg") / density * conversion_factor("L", to_unit)
    raise UnitError(
        f'"{from_unit}" is not {_a(label)} unit for {what} (expected {_a(label)} unit such as '
        f"{examples})"
    )


# ---------------------------------------------------------------------- reading files


def _read_rows(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, row) of a UTF-8 CSV, the header checked; header is row 1."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    f"missing column(s) {', '.join(missing)} (expected at least "
                    f"{', '.join(required)})",
                    source=str(path),
                    row=1,
                )
            out = []
            for i, raw in enumerate(reader):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
                if any(row.values()):
                    out.append((i + 2, row))
            return out
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError(
            "not a UTF-8 text file (save the CSV as UTF-8)", source=str(path)
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None


def _read_catalogue(path: Path) -> dict[str, _Kind]:
    out: dict[str, _Kind] = {}
    for row_no, row in _read_rows(path, ("kind", "method", "unit")):
        try:
            dimension_of(row["unit"])
        except UnitError as exc:
            raise exc.at(source=str(path), row=row_no, column="unit") from None
        out[row["kind"]] = _Kind(
            row["kind"], row["unit"], row["method"], row.get("energy_carrier") or None
        )
    return out


def _read_energy(path: Path) -> dict[str, list[_EnergyCoefficient]]:
    out: dict[str, list[_EnergyCoefficient]] = {}
    for row_no, row in _read_rows(
        path, ("carrier", "value", "value_unit", "per_unit", "source", "licence")
    ):
        value = _float(row["value"], path, row_no, "value")
        try:
            kgce = value * conversion_factor(row["value_unit"], "kgce")
            dimension_of(row["per_unit"])
        except UnitError as exc:
            raise exc.at(source=str(path), row=row_no, column="value_unit") from None
        out.setdefault(row["carrier"], []).append(
            _EnergyCoefficient(row["carrier"], kgce, row["per_unit"], row["source"])
        )
    return out


def _float(text: str, path: Path, row: int, column: str, *, positive: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f'"{text}" is not a number', source=str(path), row=row, column=column
        ) from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        what = "positive" if positive else "non-negative"
        raise InputError(
            f'"{text}" is not a finite, {what} number', source=str(path), row=row, column=column
        )
    return value


_Row = tuple[int, dict[str, str]]


def _fuel_of(kind: str) -> str | None:
    """``"fuel.diesel.mobile"`` and ``"wtt.fuel.diesel"`` → ``"diesel"``; else None."""
    parts = kind.split(".")
    if parts[0] == "fuel" and len(parts) > 1:
        return parts[1]
    if parts[:2] == ["wtt", "fuel"] and len(parts) > 2:
        return parts[2]
    return None


def _read_factor_file(
    path: Path, data: _Data, existing: Mapping[str, Factor] | None = None
) -> dict[str, list[_Row]]:
    """Validated factor rows grouped by id, in file order; values per the catalogue unit.

    A row without ``density_kg_per_l`` takes the density of the factor it overrides, else the
    packaged density of its fuel, so litres work for fuel factors.
    """
    src = str(path)
    groups: dict[str, list[_Row]] = {}
    gas_seen: dict[tuple[str, str], int] = {}
    for row_no, row in _read_rows(path, _REQUIRED):

        def bad(message: str, column: str, row_no: int = row_no) -> InputError:
            return InputError(message, source=src, row=row_no, column=column)

        for col in _REQUIRED:
            if not row.get(col):
                raise bad(f"empty {col} (every factor needs {', '.join(_REQUIRED)})", col)
        kind = row["kind"]
        if kind not in data.catalogue:
            close = difflib.get_close_matches(kind, list(data.catalogue), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownActivityError(
                f'unknown activity type "{kind}"{hint} (expected a kind of the activity catalogue)',
                source=src,
                row=row_no,
                column="kind",
            )
        cat = data.catalogue[kind]
        series = row.get("series", "")
        if kind == _GRID_KIND and not series:
            raise bad(
                "empty series: an electricity.grid factor belongs to a named series (e.g. "
                f"{', '.join(ELECTRICITY_SERIES)} or your own, such as supplier-2024)",
                "series",
            )
        if kind != _GRID_KIND and series:
            raise bad(f'series "{series}" given, but only electricity.grid has series', "series")
        try:
            row["region"] = data.regions.resolve(row["region"])
        except InputError as exc:
            raise exc.at(source=src, row=row_no, column="region") from None
        try:
            year = int(row["year"])
        except ValueError:
            raise bad(f'"{row["year"]}" is not a year (expected e.g. 2023)', "year") from None
        if not (year == 0 or 1900 <= year <= 2100):
            raise bad(f"year {year} is out of range (expected 1900–2100, or 0 if timeless)", "year")
        try:
            row["gas"] = data.gwp.canonical(row["gas"])
        except FactorNotFoundError as exc:
            raise bad(str(exc), "gas") from None
        value = _float(row["value"], path, row_no, "value")
        density = (
            _float(row["density_kg_per_l"], path, row_no, "density_kg_per_l", positive=True)
            if row.get("density_kg_per_l")
            else None
        )
        if density is None:
            base = (existing or {}).get(row["id"])
            fuel = _fuel_of(kind)
            if base is not None and base.density_kg_per_l is not None:
                density = base.density_kg_per_l
            elif fuel is not None:
                density = data.densities.get(fuel)
        try:
            mult = _multiplier(f'activity "{kind}"', row["unit"], cat.unit, density)
        except UnitError:
            label, examples = _label(cat.unit)
            hint = (
                " or a volume unit with density_kg_per_l"
                if label == "mass"
                else (" or a mass unit with density_kg_per_l" if label == "volume" else "")
            )
            raise bad(
                f'"{row["unit"]}" is not {_a(label)} unit for activity "{kind}" (expected '
                f"{_a(label)} unit such as {examples}{hint})",
                "unit",
            ) from None
        # value is kg per row unit; per catalogue unit = value × (row units per catalogue unit)
        row["_value"] = repr(value * mult)
        if row["unit"] != cat.unit:
            row["_converted"] = f"given as {row['value']} kg {row['gas']} per {row['unit']}" + (
                f" (density {density} kg/L)"
                if density is not None and dimension_of(row["unit"]) != dimension_of(cat.unit)
                else ""
            )
        row["unit"] = cat.unit
        row["year"] = str(year)
        row["density_kg_per_l"] = "" if density is None else repr(density)
        key = (row["id"], row["gas"])
        if key in gas_seen:
            raise bad(
                f'gas {row["gas"]} of "{row["id"]}" is already given in row {gas_seen[key]}', "gas"
            )
        gas_seen[key] = row_no
        group = groups.setdefault(row["id"], [])
        if group:
            first_no, first = group[0]
            for col in _SHARED:
                if row.get(col, "") != first.get(col, ""):
                    raise bad(
                        f'{col} "{row.get(col, "")}" differs from row {first_no} of the same id '
                        f'"{row["id"]}" ("{first.get(col, "")}"); one factor has one {col}',
                        col,
                    )
        group.append((row_no, row))
    return groups


def _build(fid: str, group: list[_Row], data: _Data, base: Factor | None) -> Factor:
    """A Factor from validated rows of one id, on top of `base` when it overrides one."""
    first = group[0][1]
    gases = dict(base.gases) if base is not None else {}
    given = {row["gas"]: float(row["_value"]) for _, row in group}
    gases.update(given)
    notes = _join(*(row.get("notes", "") for _, row in group))
    converted = "; ".join(row["_converted"] for _, row in group if row.get("_converted"))
    notes = _join(notes, converted)
    if base is not None:
        kept = [g for g in base.gases if g not in given]
        notes = _join(
            notes,
            f"user override of {', '.join(given)}"
            + (f"; {', '.join(kept)} kept from {base.source}" if kept else ""),
        )
    density = float(first["density_kg_per_l"]) if first.get("density_kg_per_l") else None
    return Factor(
        id=fid,
        kind=first["kind"],
        factor_set=first["factor_set"],
        series=first.get("series") or None,
        region=first["region"],
        year=int(first["year"]),
        unit=first["unit"],
        gases=gases,
        source=first["source"],
        licence=first["licence"],
        version=first.get("version") or ("user" if base is None else "user-override"),
        notes=notes,
        density_kg_per_l=density
        if density is not None
        else (base.density_kg_per_l if base else None),
        status=_join(*dict.fromkeys(row.get("status", "") for _, row in group)),
    )


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _fuel_factors(
    fuels_csv: Path, ch4_csv: Path, data: _Data
) -> tuple[list[Factor], dict[str, float]]:
    """Fuel factors derived from the fuel parameters of record, and each fuel's density.

    CO2 = NCV × carbon content × oxidation × 44/12; CH4 and N2O = NCV × (kg per TJ) / 1000.
    """
    required = (
        "fuel",
        "factor_set",
        "ncv",
        "ncv_unit",
        "carbon_content_tc_per_tj",
        "oxidation",
        "year",
        "region",
        "source",
        "licence",
    )
    fuels: dict[str, list[tuple[int, dict[str, str]]]] = {}
    densities: dict[str, float] = {}
    for row_no, row in _read_rows(fuels_csv, required):
        fuels.setdefault(row["fuel"], []).append((row_no, row))
        if row.get("density_kg_per_l"):
            dens = _float(
                row["density_kg_per_l"], fuels_csv, row_no, "density_kg_per_l", positive=True
            )
            densities.setdefault(row["fuel"], dens)
    out: list[Factor] = []
    for ch_no, ch in _read_rows(
        ch4_csv, ("fuel", "use", "ch4_kg_per_tj", "n2o_kg_per_tj", "source", "licence")
    ):
        kind = f"fuel.{ch['fuel']}.{ch['use']}"
        if kind not in data.catalogue:
            raise InputError(
                f'"{kind}" is not in the activity catalogue (expected a fuel and a use '
                "(stationary, mobile) of a catalogue kind)",
                source=str(ch4_csv),
                row=ch_no,
                column="use",
            )
        if ch["fuel"] not in fuels:
            raise InputError(
                f'no parameters for fuel "{ch["fuel"]}" in {fuels_csv.name}',
                source=str(ch4_csv),
                row=ch_no,
                column="fuel",
            )
        ch4 = _float(ch["ch4_kg_per_tj"], ch4_csv, ch_no, "ch4_kg_per_tj")
        n2o = _float(ch["n2o_kg_per_tj"], ch4_csv, ch_no, "n2o_kg_per_tj")
        unit = data.catalogue[kind].unit
        for row_no, row in fuels[ch["fuel"]]:
            ncv = _float(row["ncv"], fuels_csv, row_no, "ncv", positive=True)
            cc = _float(
                row["carbon_content_tc_per_tj"], fuels_csv, row_no, "carbon_content_tc_per_tj"
            )
            ox = _float(row["oxidation"], fuels_csv, row_no, "oxidation")
            if ox > 1:
                raise InputError(
                    f"oxidation {ox} is above 1 (a fraction, e.g. 0.98)",
                    source=str(fuels_csv),
                    row=row_no,
                    column="oxidation",
                )
            try:
                gj = ncv * conversion_factor(row["ncv_unit"], f"GJ/{unit}")
            except UnitError:
                raise InputError(
                    f'NCV unit "{row["ncv_unit"]}" does not give energy per {unit}, the unit of '
                    f'"{kind}" (expected e.g. GJ/{unit})',
                    source=str(fuels_csv),
                    row=row_no,
                    column="ncv_unit",
                ) from None
            try:
                region = data.regions.resolve(row["region"])
                year = int(row["year"])
            except (InputError, ValueError):
                raise InputError(
                    f'bad region "{row["region"]}" or year "{row["year"]}"',
                    source=str(fuels_csv),
                    row=row_no,
                    column="region",
                ) from None
            biogenic = row.get("biogenic", "").lower() in ("yes", "true", "1")
            co2_gas, ch4_gas = ("CO2-biogenic", "CH4") if biogenic else ("CO2", "CH4-fossil")
            co2 = gj * cc * ox * _CO2_PER_C
            gases = {co2_gas: co2, ch4_gas: gj * ch4 / 1000.0, "N2O": gj * n2o / 1000.0}
            density = (
                _float(
                    row["density_kg_per_l"], fuels_csv, row_no, "density_kg_per_l", positive=True
                )
                if row.get("density_kg_per_l")
                else None
            )
            ch4_kg, n2o_kg = gj * ch4 / 1000.0, gj * n2o / 1000.0
            per_unit = "" if row["ncv_unit"] == f"GJ/{unit}" else f" ({gj:.6g} GJ/{unit})"
            notes = (
                f"DERIVED at load from fuels.csv row {row_no} and fuel_ch4_n2o.csv row {ch_no}: "
                f"{co2_gas} = {row['ncv']} {row['ncv_unit']}{per_unit} × "
                f"{row['carbon_content_tc_per_tj']} tC/TJ × {row['oxidation']} × 44/12 = "
                f"{co2:.6g} kg/{unit}; {ch4_gas} = {gj:.6g} GJ × {ch['ch4_kg_per_tj']} kg/TJ = "
                f"{ch4_kg:.6g} kg/{unit}; N2O = {gj:.6g} GJ × {ch['n2o_kg_per_tj']} kg/TJ = "
                f"{n2o_kg:.6g} kg/{unit} ({ch.get('ipcc_category', '')})"
            )
            notes = _join(notes, row.get("notes", ""), ch.get("notes", ""))
            statuses = {row.get("status", ""), ch.get("status", "")}
            status = "TRANSCRIBED" if "TRANSCRIBED" in statuses else "DERIVED"
            out.append(
                Factor(
                    id=f"{row['factor_set']}/{kind}/{region}/{year}",
                    kind=kind,
                    factor_set=row["factor_set"],
                    series=None,
                    region=region,
                    year=year,
                    unit=unit,
                    gases=gases,
                    source=f"{row['source']}; CH4/N2O: {ch['source']}",
                    licence=_join(*dict.fromkeys((row["licence"], ch["licence"]))),
                    version=_join(*dict.fromkeys((row.get("version", ""), ch.get("version", "")))),
                    notes=notes,
                    density_kg_per_l=density,
                    status=status,
                )
            )
    return out, densities


@cache
def _default_library() -> FactorLibrary:
    return FactorLibrary.from_paths(packaged_data("factors.csv"))
