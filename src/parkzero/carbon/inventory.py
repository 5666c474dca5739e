"""The GHG inventory engine: activity data × emission factors → tCO2e, line by line.

Method (GHG Protocol Corporate Standard and Scope 2 Guidance, ISO 14064-1:2018, and China's
enterprise GHG accounting guidelines):

1. **Period.** A row counts towards reporting year *Y* with the share of its days that fall in
   *Y* (a row for 2023-12-15…2024-01-14 is split 17/31 : 14/31). Monthly figures split rows the
   same way.
2. **Boundary.** Under operational (financial) control a zone without that control is left out;
   under equity share each zone's rows are weighted by its equity share. A tenant that the park
   does not control reports its scope 1 and 2 energy in the park's scope 3 category 13
   (downstream leased assets), with the same factors; its other rows are not the park's and are
   left out. Scope 3 categories the park did not select are left out. Every exclusion is listed
   in ``warnings``.
3. **Factors.** One lookup per distinct (activity type, region) in
   :class:`~parkzero.carbon.factors.FactorLibrary` with the park's factor sets and electricity
   series; every fallback it used is reported. Quantities are converted once per distinct unit.
4. **Gases.** Each factor gives kg of each gas per unit; tCO2e = Σ mass × GWP100 of the park's
   GWP set. Biogenic CO2 and Montreal-Protocol gases (R-22) are reported separately and are not
   in the totals. Factors a source publishes only in CO2e stay as published (``unspecified``).
5. **Scope 2, two ways.** Location-based uses the grid series; market-based lets contractual
   instruments of the reporting year (green certificates, green power contracts, I-RECs) cover
   load at zero — zone-specific ones first, then park-wide ones pro rata — and applies the
   residual series (default: the location series) to the rest.
6. **Scope 3 category 3** is generated from the park's own fuel (well-to-tank) and grid
   electricity (transmission and distribution incl. losses) when the category is selected.
7. **Energy and indicators.** Energy in tce by carrier (electricity at the park's kgce/kWh,
   当量 0.1229 by default). The zero-carbon park indicators of the 2025 notice
   (发改环资〔2025〕910号): energy-related CO2 per tce (scope 1 combustion CO2 plus market-based
   electricity CO2, including tenants, i.e. the whole park area) against 0.20 (0.30 above
   1 Mtce/yr), and the clean-energy share of energy use against 90 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parkzero.carbon.activities import activities_frame, read_activity_csv
from parkzero.carbon.catalogue import catalogue, category_label
from parkzero.carbon.factors import FACTOR_SET_PRESETS, Factor, FactorLibrary
from parkzero.carbon.park import Instrument, Park
from parkzero.config import settings
from parkzero.errors import ConfigError, InputError, ParkzeroError, UnitError
from parkzero.units import conversion_factor

__all__ = [
    "GAS_GROUPS",
    "InventoryResult",
    "compute_inventory",
    "inventory_years",
    "load_park_activities",
    "park_factor_sets",
    "park_library",
]

GAS_GROUPS = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")
_NOTICE_SCALE_TCE = (200_000.0, 1_000_000.0)  # 2025 zero-carbon park notice, annual tce bands
_NOTICE_THRESHOLDS = (0.20, 0.30)  # tCO2/tce for the two bands
_CLEAN_TARGET = 0.90


def park_factor_sets(park: Park) -> tuple[str, ...]:
    """The ordered factor sets of a park: a preset name expanded, or the list as given."""
    if isinstance(park.factor_set, str):
        try:
            return tuple(FACTOR_SET_PRESETS[park.factor_set])
        except KeyError:
            raise ConfigError(
                f'unknown factor set "{park.factor_set}" (expected one of '
                f"{', '.join(FACTOR_SET_PRESETS)} or a list of factor sets)",
                column="factor_set",
            ) from None
    return tuple(park.factor_set)


def park_library(park: Park, library: FactorLibrary | None = None) -> FactorLibrary:
    """The factor library a park uses.

    The packaged library, then ``factors.csv`` in ``PARKZERO_DATA_DIR`` (an organisation's own
    factors), then the park's ``factors_file``; later files override earlier ones by id.
    """
    lib = library or FactorLibrary.default()
    data_dir = settings().data_dir
    if data_dir is not None and (data_dir / "factors.csv").is_file():
        lib = lib.with_user_file(data_dir / "factors.csv")
    if park.factors_file is not None:
        lib = lib.with_user_file(park.base_dir / park.factors_file)
    return lib


def load_park_activities(park: Park) -> pd.DataFrame:
    """All activity rows of a park: its CSV files and inline rows, validated.

    Returns
    -------
    pandas.DataFrame
        As :func:`parkzero.carbon.activities.validate_frame`.
    """
    frames = [
        read_activity_csv(p, zones=park.zone_ids, tenants=park.tenant_ids)
        for p in park.activity_files()
    ]
    inline = park.inline_activities()
    if inline:
        frames.append(
            activities_frame(
                inline, source="park.activities", zones=park.zone_ids, tenants=park.tenant_ids
            )
        )
    if not frames:
        return activities_frame([])
    return pd.concat(frames, ignore_index=True)


@dataclass
class InventoryResult:
    """One year's inventory: the computed lines and the summary figures.

    Attributes
    ----------
    summary : dict
        Everything but the lines, in the documented JSON shape (``docs/inventory.md``).
    lines : pandas.DataFrame
        One row per activity line in the boundary, with factor and tCO2e columns.
    factors_used : list of Factor
        Every factor a line used (location and market).
    """

    summary: dict[str, Any]
    lines: pd.DataFrame
    factors_used: list[Factor] = field(default_factory=list)
    factor_table: list[Factor] = field(default_factory=list)

    def line_table(self) -> pd.DataFrame:
        """The lines with their ids and the factor attribution as text columns.

        ``id`` is ``<file name>:<row>`` for activity rows, ``park.refrigerant_stocks[i]`` for
        mass balances and ``3.3:<file>:<row>`` for generated upstream-energy lines.
        """
        frame = self.lines.copy()
        ids = np.asarray([f.id for f in self.factor_table], dtype=object)
        fidx = frame["factor_index"].to_numpy()
        frame["factor_id"] = ids[fidx]
        frame["market_factor_id"] = ids[frame["market_factor_index"].to_numpy()]
        frame["factor_unit"] = np.asarray(
            ["kgCO2e/" + f.unit for f in self.factor_table], dtype=object
        )[fidx]
        frame["factor_source"] = np.asarray([f.source for f in self.factor_table], dtype=object)[
            fidx
        ]
        names = {s: Path(str(s)).name for s in pd.unique(frame["source"].astype(object))}
        own = frame["source"].astype(object).map(names) + ":" + frame["row"].astype(str)
        given = frame["_id"].astype(object)
        frame["id"] = np.where(given != "", given, own)
        for col in ("kind", "unit", "zone", "tenant", "quality", "category", "source_id"):
            frame[col] = frame[col].astype(object)
        frame["scope"] = frame["scope"].astype(object).where(frame["scope"] > 0, None)
        return frame

    @property
    def total_tco2e(self) -> float:
        """Scope 1 + scope 2 (location-based) + scope 3 [tCO2e]."""
        return float(self.summary["total_tco2e"])

    def to_dict(self, *, include_lines: bool = True) -> dict[str, Any]:
        """The result as plain JSON-able data; ``lines`` as a list of records."""
        out = dict(self.summary)
        if include_lines:
            cols = [
                "id",
                "scope",
                "category",
                "kind",
                "zone",
                "tenant",
                "quantity",
                "unit",
                "quantity_factor_unit",
                "factor_id",
                "factor_value",
                "factor_unit",
                "factor_source",
                "tco2e",
                "tco2e_market",
                "market_factor_id",
                "quality",
            ]
            out["lines"] = self.line_table()[cols].to_dict("records")
        return out


# --------------------------------------------------------------------------------------------
# period and boundary


def _year_share(frame: pd.DataFrame, year: int) -> np.ndarray:
    """Share of each row's days that fall in `year` [-]."""
    lo = np.datetime64(f"{year}-01-01")
    hi = np.datetime64(f"{year}-12-31")
    start = frame["start"].to_numpy(dtype="datetime64[D]")
    end = frame["end"].to_numpy(dtype="datetime64[D]")
    total = (end - start).astype(np.int64) + 1
    overlap = (np.minimum(end, hi) - np.maximum(start, lo)).astype(np.int64) + 1
    return np.clip(overlap, 0, None) / total


def _stock_rows(park: Park, year: int) -> list[dict[str, Any]]:
    """Leak rows from the refrigerant mass balances of `year` (quality: calculated)."""
    rows = []
    for i, stock in enumerate(park.refrigerant_stocks):
        if stock.year != year:
            continue
        gas = stock.gas.strip()
        kind = "fugitive.SF6.leak" if gas.upper() == "SF6" else f"refrigerant.{gas}.leak"
        rows.append(
            {
                "kind": kind,
                "quantity": round(stock.leaked_kg, 9),
                "unit": "kg",
                "start": f"{year}-01-01",
                "end": f"{year}-12-31",
                "zone": stock.zone or "",
                "tenant": stock.tenant or "",
                "source_id": f"mass balance {stock.equipment}",
                "quality": "calculated",
                "_id": f"park.refrigerant_stocks[{i}]",
            }
        )
    return rows


def _boundary_weight(park: Park, zones: pd.Series) -> np.ndarray:
    """Share of each row inside the organisational boundary [-]."""
    approach = park.boundary.approach
    weights: dict[str, float] = {"": 1.0}
    for zone in park.zones:
        if approach == "equity_share":
            weights[zone.id] = zone.equity_share
        elif approach == "financial_control":
            weights[zone.id] = 1.0 if zone.financial_control else 0.0
        else:
            weights[zone.id] = 1.0 if zone.operational_control else 0.0
    return zones.map(weights).fillna(1.0).to_numpy(dtype=float)


# --------------------------------------------------------------------------------------------
# factors


@dataclass
class _FactorTable:
    """Per-factor arrays, indexed by a factor number, for vectorised line arithmetic."""

    library: FactorLibrary
    gwp_set: str
    factors: list[Factor] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def add(self, factor: Factor) -> int:
        key = factor.id
        if key not in self.index:
            self.index[key] = len(self.factors)
            self.factors.append(factor)
        return self.index[key]

    def arrays(self) -> dict[str, np.ndarray]:
        """kg per factor unit: CO2e, each gas group, biogenic CO2 and Montreal CO2e."""
        n = len(self.factors)
        out = {name: np.zeros(n) for name in ("co2e", "unspecified", "biogenic", "montreal")}
        out.update({f"mass_{g}": np.zeros(n) for g in GAS_GROUPS})
        out.update({f"co2e_{g}": np.zeros(n) for g in GAS_GROUPS})
        for i, factor in enumerate(self.factors):
            for gas, value in factor.gases.items():
                group = self.library.gas_group(gas)
                if group == "CO2e":
                    out["unspecified"][i] += value
                    out["co2e"][i] += value
                elif group == "biogenic":
                    out["biogenic"][i] += value
                elif group == "Montreal":
                    out["montreal"][i] += value * self.library.gwp(gas, self.gwp_set)
                elif group in GAS_GROUPS:
                    weighted = value * self.library.gwp(gas, self.gwp_set)
                    out[f"mass_{group}"][i] += value
                    out[f"co2e_{group}"][i] += weighted
                    out["co2e"][i] += weighted
                # "other" gases (ammonia) have no GWP100 in the Kyoto basket
        return out


def _resolve_factors(
    lines: pd.DataFrame,
    park: Park,
    year: int,
    library: FactorLibrary,
    table: _FactorTable,
    warnings: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Factor number, unit multiplier and market factor number for every line."""
    sets = park_factor_sets(park)
    cat = catalogue()
    location_series = park.electricity.location_series
    residual_series = park.electricity.residual_series or location_series
    n = len(lines)
    fidx = np.zeros(n, dtype=np.int64)
    midx = np.zeros(n, dtype=np.int64)
    mult = np.ones(n)
    groups = lines.groupby(["kind", "_region", "unit"], sort=False, observed=True).indices
    match_cache: dict[tuple[str, str, str | None], int] = {}

    def lookup(kind: str, region: str, series: str | None) -> int:
        key = (kind, region, series)
        if key not in match_cache:
            match = library.lookup(kind, region=region, year=year, factor_sets=sets, series=series)
            for note in match.fallbacks:
                msg = f"{kind} ({region}, {year}): {note}"
                if msg not in warnings:
                    warnings.append(msg)
            match_cache[key] = table.add(match.factor)
        return match_cache[key]

    for key, idx in groups.items():
        kind, region, unit = (str(part) for part in key)  # type: ignore[attr-defined]
        first = lines.iloc[idx[0]]
        electric = cat[kind].method == "electricity"
        try:
            f = lookup(kind, region, location_series if electric else None)
            m = lookup(kind, region, residual_series) if electric else f
            multiplier = table.factors[f].multiplier_from(unit)
        except InputError as exc:
            raise exc.at(source=first["source"], row=int(first["row"]), column="unit") from None
        except ParkzeroError as exc:
            raise InputError(
                str(exc), source=first["source"], row=int(first["row"]), column="kind"
            ) from None
        fidx[idx], midx[idx], mult[idx] = f, m, multiplier
    return fidx, midx, mult


# --------------------------------------------------------------------------------------------
# the engine


def _prepare(
    park: Park, activities: pd.DataFrame, year: int, library: FactorLibrary, warnings: list[str]
) -> pd.DataFrame:
    """Rows in the year and the boundary, with scope, category and region set."""
    stock = _stock_rows(park, year)
    frame = activities
    if stock:
        extra = activities_frame(
            [{k: v for k, v in r.items() if k != "_id"} for r in stock],
            source="park.refrigerant_stocks",
            zones=park.zone_ids,
            tenants=park.tenant_ids,
        )
        extra["_id"] = [r["_id"] for r in stock]
        frame = pd.concat([frame, extra], ignore_index=True)
    ids = frame["_id"].astype(object) if "_id" in frame.columns else pd.Series("", frame.index)
    frame = frame.assign(_id=ids.where(ids.notna(), ""))
    share = _year_share(frame, year) if len(frame) else np.zeros(0)
    frame = frame.loc[share > 0].copy()
    frame["year_share"] = share[share > 0]

    frame = _as_categories(frame)
    codes = frame["kind"].cat.codes.to_numpy()
    kinds = [catalogue()[k] for k in frame["kind"].cat.categories]
    frame["scope"] = np.asarray([t.scope or 0 for t in kinds], dtype=np.int64)[codes]
    given = frame["category"].astype(object).to_numpy()
    default = np.asarray([t.category for t in kinds], dtype=object)[codes]
    frame["category"] = np.where(given != "", given, default)
    frame["method"] = np.asarray([t.method for t in kinds], dtype=object)[codes]
    frame["energy_carrier"] = np.asarray([t.energy_carrier or "" for t in kinds], dtype=object)[
        codes
    ]

    uncontrolled = [t.id for t in park.tenants if not t.operational_control]
    leased = frame["tenant"].isin(uncontrolled)
    leased_energy = leased & frame["scope"].isin([1, 2])
    frame.loc[leased_energy, "category"] = "3.13"
    frame.loc[leased_energy, "scope"] = 3
    dropped = leased & ~leased_energy & (frame["scope"] == 3)
    if dropped.any():
        warnings.append(
            f"{int(dropped.sum())} scope 3 rows of tenants outside the park's control left out "
            "(category 13 covers a lessee's scope 1 and 2 only)"
        )
    frame = frame.loc[~dropped]

    weight = _boundary_weight(park, frame["zone"])
    if (weight == 0).any():
        warnings.append(
            f"{int((weight == 0).sum())} rows of zones outside the {park.boundary.approach} "
            "boundary left out"
        )
    frame["boundary_share"] = weight
    frame = frame.loc[weight > 0]
    selected = (frame["scope"] != 3) | frame["category"].isin(park.scope3_categories)
    if (~selected).any():
        skipped = sorted(set(frame.loc[~selected, "category"]))
        warnings.append(f"scope 3 categories not selected by the park left out: {skipped}")
    frame = frame.loc[selected].copy()

    park_region = library.resolve_region(park.region)
    regions = {r: library.resolve_region(r) for r in pd.unique(frame["region"]) if r}
    regions[""] = park_region
    frame["_region"] = frame["region"].map(regions).astype("category")
    return _as_categories(frame).reset_index(drop=True)


_TEXT_COLUMNS = (
    "kind",
    "unit",
    "zone",
    "tenant",
    "source_id",
    "quality",
    "category",
    "region",
    "source",
    "_id",
    "method",
    "energy_carrier",
    "_region",
)


def _as_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as categoricals: a million lines repeat a few hundred distinct values."""
    out = frame.copy()
    for col in _TEXT_COLUMNS:
        if col in out.columns and not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("category")
    return out


def _upstream_energy_rows(
    frame: pd.DataFrame, fuel_qty: np.ndarray, fuel_units: list[str]
) -> pd.DataFrame:
    """Scope 3.3 rows: well-to-tank of the park's own fuels, T&D of its grid electricity."""
    own = frame["scope"].isin([1, 2]).to_numpy()
    fuel = own & (frame["method"] == "fuel").to_numpy()
    grid = own & (frame["kind"] == "electricity.grid").to_numpy()
    parts = []
    if fuel.any():
        wtt = frame.loc[fuel].copy()
        fuels = pd.unique(wtt["kind"].astype(object))
        wtt["kind"] = (
            wtt["kind"].astype(object).map({k: f"wtt.fuel.{k.split('.')[1]}" for k in fuels})
        )
        wtt["quantity"] = fuel_qty[fuel] / wtt["year_share"] / wtt["boundary_share"]
        wtt["unit"] = np.asarray(fuel_units, dtype=object)[fuel]
        parts.append(wtt)
    if grid.any():
        td = frame.loc[grid].copy()
        td["kind"] = "td.electricity"
        parts.append(td)
    if not parts:
        return frame.iloc[0:0].copy()
    out = pd.concat(parts, ignore_index=True)
    out["scope"], out["category"], out["method"], out["energy_carrier"] = 3, "3.3", "factor", ""
    out["_id"] = "3.3:" + out["source"].astype(str) + ":" + out["row"].astype(str)
    return out


def _monthly(frame: pd.DataFrame, values: np.ndarray, year: int) -> dict[str, float]:
    """Split each line's value over the months of `year` by days [same unit as values]."""
    out = dict.fromkeys((f"{year}-{m:02d}" for m in range(1, 13)), 0.0)
    if not len(frame):
        return out
    lo, hi = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
    start = np.maximum(frame["start"].to_numpy(dtype="datetime64[D]"), lo)
    end = np.minimum(frame["end"].to_numpy(dtype="datetime64[D]"), hi)
    days = (end - start).astype(np.int64) + 1
    m0 = start.astype("datetime64[M]")
    single = m0 == end.astype("datetime64[M]")
    month_num = (m0.astype(np.int64) % 12) + 1
    sums = np.bincount(month_num[single], weights=values[single], minlength=13)
    for m in range(1, 13):
        out[f"{year}-{m:02d}"] += float(sums[m])
    for i in np.flatnonzero(~single):
        month = m0[i]
        while month <= end[i].astype("datetime64[M]"):
            first = max(month.astype("datetime64[D]"), start[i])
            last = min((month + 1).astype("datetime64[D]") - 1, end[i])
            share = ((last - first).astype(np.int64) + 1) / days[i]
            out[str(month)] += float(values[i] * share)
            month += 1
    return out


def _sum_by(frame: pd.DataFrame, column: str, values: np.ndarray) -> dict[str, float]:
    if not len(frame):
        return {}
    series = pd.Series(values, index=frame.index).groupby(frame[column], observed=True).sum()
    return {str(k): float(v) for k, v in series.items()}


def compute_inventory(
    park: Park,
    activities: pd.DataFrame,
    year: int,
    *,
    library: FactorLibrary | None = None,
    with_base_year: bool = True,
) -> InventoryResult:
    """Compute a park's GHG inventory for one calendar year.

    Parameters
    ----------
    park : Park
        The park and its inventory settings.
    activities : pandas.DataFrame
        Validated activity rows (:func:`load_park_activities`); rows outside `year` are ignored,
        rows spanning it are pro-rated by days.
    year : int
        Reporting year [-].
    library : FactorLibrary, optional
        Factor library; default the packaged one plus the park's ``factors_file``.
    with_base_year : bool
        Also compute the base year to report the change and the recalculation check.

    Returns
    -------
    InventoryResult
        Lines in [tCO2e] and the summary in the JSON shape of ``docs/inventory.md``.
    """
    lib = park_library(park, library)
    warnings: list[str] = []
    frame = _prepare(park, activities, year, lib, warnings)
    table = _FactorTable(lib, park.gwp_set)
    zero_factor = table.add(_zero_factor())
    method = frame["method"].to_numpy()
    memo = method == "zero"
    fidx = np.full(len(frame), zero_factor, dtype=np.int64)
    midx = fidx.copy()
    mult = np.ones(len(frame))
    if (~memo).any():
        sub = frame.loc[~memo]
        f, m, k = _resolve_factors(sub, park, year, lib, table, warnings)
        fidx[~memo], midx[~memo], mult[~memo] = f, m, k
    qty_fu = (
        frame["quantity"].to_numpy()
        * frame["year_share"].to_numpy()
        * frame["boundary_share"].to_numpy()
        * mult
    )

    if "3.3" in park.scope3_categories and len(frame):
        units = [table.factors[i].unit for i in fidx]
        upstream = _upstream_energy_rows(frame, qty_fu, units)
        if len(upstream):
            f, m, k = _resolve_factors(upstream, park, year, lib, table, warnings)
            q = (
                upstream["quantity"].to_numpy()
                * upstream["year_share"].to_numpy()
                * upstream["boundary_share"].to_numpy()
                * k
            )
            frame = _as_categories(pd.concat([frame, upstream], ignore_index=True))
            fidx, midx = np.concatenate([fidx, f]), np.concatenate([midx, m])
            mult, qty_fu = np.concatenate([mult, k]), np.concatenate([qty_fu, q])

    arrays = table.arrays()
    kg = qty_fu * arrays["co2e"][fidx]
    tco2e = kg / 1000.0
    frame["quantity"] = frame["quantity"] * frame["year_share"] * frame["boundary_share"]
    frame["quantity_factor_unit"] = qty_fu
    frame["tco2e"] = tco2e

    # ---- scope 2 market-based
    scope2_grid = ((frame["scope"] == 2) & (frame["kind"] == "electricity.grid")).to_numpy()
    kwh = np.where(scope2_grid, qty_fu, 0.0)  # electricity factors are per kWh
    covered, instruments = _instrument_coverage(
        park, frame, kwh, warnings, held=[i for i in park.instruments if i.year == year]
    )
    residual_kg_per_kwh = arrays["co2e"][midx]
    market = np.where(scope2_grid, (kwh - covered) * residual_kg_per_kwh / 1000.0, tco2e)
    frame["tco2e_market"] = market

    # ---- attribution columns
    frame["factor_index"], frame["market_factor_index"] = fidx, midx
    frame["factor_value"] = arrays["co2e"][fidx]

    summary = _summarise(
        park, year, frame, table, arrays, fidx, qty_fu, covered, instruments, lib, warnings
    )
    if with_base_year:
        summary["base_year"] = _base_year_status(park, activities, year, summary, lib)
    used = [table.factors[i] for i in sorted(set(fidx) | set(midx)) if i != zero_factor]
    return InventoryResult(
        summary=summary, lines=frame, factors_used=used, factor_table=table.factors
    )


def _zero_factor() -> Factor:
    return Factor(
        id="parkzero.zero",
        kind="",
        factor_set="parkzero",
        series=None,
        region="",
        year=0,
        unit="kWh",
        gases={},
        source="no emissions (on-site renewable electricity)",
        licence="-",
        version="1",
    )


def _instrument_coverage(
    park: Park,
    frame: pd.DataFrame,
    kwh: np.ndarray,
    warnings: list[str],
    held: Sequence[Instrument],
) -> tuple[np.ndarray, dict[str, float]]:
    """kWh of each line covered by contractual instruments, and the totals.

    Only instruments whose vintage is the reporting year are `held`; zone-specific ones cover
    their zone first, park-wide ones then cover what is left pro rata.
    """
    covered = np.zeros(len(frame))
    zones = frame["zone"].to_numpy()
    remaining = kwh.copy()
    for zone in {i.zone for i in held if i.zone}:
        mwh = sum(i.mwh for i in held if i.zone == zone)
        in_zone = zones == zone
        load = remaining[in_zone].sum()
        share = min(1.0, mwh * 1000.0 / load) if load > 0 else 0.0
        covered[in_zone] += remaining[in_zone] * share
        remaining[in_zone] *= 1 - share
    park_wide = sum(i.mwh for i in held if not i.zone)
    load = remaining.sum()
    share = min(1.0, park_wide * 1000.0 / load) if load > 0 else 0.0
    covered += remaining * share
    held_mwh = sum(i.mwh for i in held)
    applied = covered.sum() / 1000.0
    if held_mwh - applied > 1e-6:
        warnings.append(
            f"{held_mwh - applied:,.1f} MWh of instruments exceed the electricity they "
            "can cover and were not applied"
        )
    total = kwh.sum()
    return covered, {
        "held_mwh": held_mwh,
        "applied_mwh": applied,
        "coverage_share": covered.sum() / total if total > 0 else 0.0,
    }


def _summarise(
    park: Park,
    year: int,
    frame: pd.DataFrame,
    table: _FactorTable,
    arrays: dict[str, np.ndarray],
    fidx: np.ndarray,
    qty_fu: np.ndarray,
    covered: np.ndarray,
    instruments: dict[str, float],
    lib: FactorLibrary,
    warnings: list[str],
) -> dict[str, Any]:
    scope = frame["scope"].to_numpy()
    tco2e = frame["tco2e"].to_numpy()
    market = frame["tco2e_market"].to_numpy()
    s1, s2, s3 = (float(tco2e[scope == s].sum()) for s in (1, 2, 3))
    s2m = float(market[scope == 2].sum())
    by_gas_t = {g: float((qty_fu * arrays[f"mass_{g}"][fidx]).sum() / 1000.0) for g in GAS_GROUPS}
    by_gas_co2e = {
        g: float((qty_fu * arrays[f"co2e_{g}"][fidx]).sum() / 1000.0) for g in GAS_GROUPS
    }
    by_gas_co2e["unspecified"] = float((qty_fu * arrays["unspecified"][fidx]).sum() / 1000.0)

    unit_names = sorted({f.unit for f in table.factors})
    unit_of_factor = np.asarray([unit_names.index(f.unit) for f in table.factors], dtype=np.int64)
    energy = _energy(park, frame, qty_fu, unit_of_factor[fidx], unit_names, covered, lib)
    # energy-related CO2 of the park area: combustion CO2 (scope 1 and the tenants' 3.13) and
    # grid electricity CO2 after instruments (market-based)
    energy_lines = (frame["energy_carrier"] != "").to_numpy() & (scope > 0)
    co2_kg = np.where(
        frame["kind"].to_numpy() == "electricity.grid",
        market * 1000.0 * _co2_share(arrays, fidx),
        qty_fu * arrays["mass_CO2"][fidx],
    )
    energy_co2_t = float(co2_kg[energy_lines].sum() / 1000.0)
    indicators = _indicators(energy_co2_t, energy["energy_tce"], energy["clean_tce"])

    drivers = park.drivers.get(year)
    area = drivers.floor_area_m2 if drivers and drivers.floor_area_m2 else park.floor_area_m2
    total = s1 + s2 + s3
    quality = _sum_by(frame, "quality", tco2e)
    quality_total = sum(quality.values())
    labels = {c: category_label(c) for c in sorted(set(frame["category"]))}
    return {
        "park": park.id,
        "park_name": park.name,
        "year": year,
        "gwp_set": park.gwp_set,
        "factor_sets": list(park_factor_sets(park)),
        "boundary": park.boundary.approach,
        "electricity_series": park.electricity.location_series,
        "residual_series": park.electricity.residual_series or park.electricity.location_series,
        "total_tco2e": total,
        "total_market_tco2e": s1 + s2m + s3,
        "scope1_tco2e": s1,
        "scope2_location_tco2e": s2,
        "scope2_market_tco2e": s2m,
        "scope3_tco2e": s3,
        "by_scope": {"1": s1, "2_location": s2, "2_market": s2m, "3": s3},
        "by_category": {
            k: v
            for k, v in sorted(_sum_by(frame, "category", tco2e).items())
            if not k.startswith("memo")
        },
        "category_labels": labels,
        "by_gas_t": by_gas_t,
        "by_gas_tco2e": by_gas_co2e,
        "by_zone": _sum_by(frame, "zone", tco2e),
        "by_tenant": {k: v for k, v in _sum_by(frame, "tenant", tco2e).items() if k},
        "by_month": _monthly(frame, tco2e, year),
        "by_kind": _sum_by(frame, "kind", tco2e),
        "biogenic_co2_t": float((qty_fu * arrays["biogenic"][fidx]).sum() / 1000.0),
        "montreal_tco2e": float((qty_fu * arrays["montreal"][fidx]).sum() / 1000.0),
        **energy["public"],
        "indicators": indicators,
        "intensities": {
            "kgco2e_per_m2": total * 1000.0 / area if area else None,
            "kgco2e_per_tonne": total * 1000.0 / drivers.tonnes_handled
            if drivers and drivers.tonnes_handled
            else None,
            "gco2e_per_parcel": total * 1e6 / drivers.parcels
            if drivers and drivers.parcels
            else None,
        },
        "quality_share": {
            k: (v / quality_total if quality_total else 0.0) for k, v in quality.items()
        },
        "instruments": instruments,
        "line_count": len(frame),
        "warnings": warnings,
    }


def _co2_share(arrays: dict[str, np.ndarray], fidx: np.ndarray) -> np.ndarray:
    """Share of CO2 in each factor's CO2e (1 for CO2e-only factors) [-]."""
    co2e = arrays["co2e"][fidx]
    co2 = arrays["co2e_CO2"][fidx] + arrays["unspecified"][fidx]
    return np.divide(co2, co2e, out=np.ones_like(co2e), where=co2e > 0)


def _energy(
    park: Park,
    frame: pd.DataFrame,
    qty_fu: np.ndarray,
    units_fu: np.ndarray,
    unit_names: Sequence[str],
    covered: np.ndarray,
    lib: FactorLibrary,
) -> dict[str, Any]:
    """Energy use in tce by carrier and the clean part of it.

    Quantities are taken in each line's factor unit (t or Nm3 of fuel, kWh, GJ), so one
    coefficient per (carrier, unit) applies; `units_fu` are codes into `unit_names`.
    """
    carrier_cat = frame["energy_carrier"].astype("category")
    carriers = np.asarray(carrier_cat.cat.categories, dtype=object)
    ccode = carrier_cat.cat.codes.to_numpy()
    kinds = frame["kind"].astype(object).to_numpy()
    elec_tce_per_kwh = park.electricity.kgce_per_kwh / 1000.0
    is_energy = (frame["energy_carrier"] != "").to_numpy() & (frame["category"] != "3.3").to_numpy()
    # one coefficient per distinct (carrier, factor unit) pair
    base = len(unit_names) + 1
    key = ccode.astype(np.int64) * base + units_fu
    tce = np.zeros(len(frame))
    for k in np.unique(key[is_energy]):
        rows = is_energy & (key == k)
        carrier = carriers[k // base]
        unit = unit_names[k % base]
        if carrier == "electricity":
            per = elec_tce_per_kwh * conversion_factor(unit, "kWh")
        else:
            per = _tce_per(lib, carrier, unit, frame, rows)
        tce[rows] = qty_fu[rows] * per
    by_carrier = _sum_by(frame.loc[is_energy], "energy_carrier", tce[is_energy])
    grid = is_energy & (kinds == "electricity.grid")
    pv = kinds == "electricity.onsite.pv"
    clean_kwh = (
        qty_fu[pv].sum()
        + covered[grid].sum()
        + park.electricity.grid_clean_share * (qty_fu[grid].sum() - covered[grid].sum())
    )
    return {
        "energy_tce": float(tce.sum()),
        "clean_tce": float(clean_kwh * elec_tce_per_kwh),
        "public": {
            "energy_tce": float(tce.sum()),
            "energy_by_carrier_tce": by_carrier,
            "electricity_kwh": float(qty_fu[grid].sum() + qty_fu[pv].sum()),
            "grid_electricity_kwh": float(qty_fu[grid].sum()),
            "onsite_pv_kwh": float(qty_fu[pv].sum()),
            "green_instruments_kwh": float(covered.sum()),
            "electricity_kgce_per_kwh": park.electricity.kgce_per_kwh,
        },
    }


def _tce_per(
    lib: FactorLibrary, carrier: str, unit: str, frame: pd.DataFrame, rows: np.ndarray
) -> float:
    first = frame.loc[rows].iloc[0]
    try:
        return lib.tce_per_unit(carrier, unit)
    except UnitError as exc:
        raise exc.at(source=first["source"], row=int(first["row"]), column="unit") from None


def _indicators(co2_t: float, energy_tce: float, clean_tce: float) -> dict[str, Any]:
    """Zero-carbon park indicators of the 2025 notice (发改环资〔2025〕910号)."""
    ratio = co2_t / energy_tce if energy_tce > 0 else None
    threshold = (
        _NOTICE_THRESHOLDS[1] if energy_tce > _NOTICE_SCALE_TCE[1] else _NOTICE_THRESHOLDS[0]
    )
    in_scope = energy_tce >= _NOTICE_SCALE_TCE[0]
    clean = clean_tce / energy_tce if energy_tce > 0 else None
    note = (
        ""
        if in_scope
        else f"energy use {energy_tce:,.0f} tce is below the notice's 200,000 tce/yr band; "
        f"the {threshold:.2f} tCO2/tce threshold is shown for reference"
    )
    return {
        "tco2_per_tce": ratio,
        "tco2_per_tce_threshold": threshold,
        "tco2_per_tce_ok": ratio is not None and ratio <= threshold,
        "clean_energy_share": clean,
        "clean_energy_share_target": _CLEAN_TARGET,
        "clean_energy_ok": clean is not None and clean >= _CLEAN_TARGET,
        "energy_co2_t": co2_t,
        "in_scope_of_notice": in_scope,
        "note": note,
    }


def _base_year_status(
    park: Park, activities: pd.DataFrame, year: int, summary: dict[str, Any], lib: FactorLibrary
) -> dict[str, Any]:
    """Base-year emissions, change since, and whether structural changes call for recalculation.

    GHG Protocol ch. 5 / ISO 14064-1 6.4.1: recalculate the base year when structural changes
    (acquisitions, divestments, outsourcing, insourcing) change base-year emissions by more than
    the significance threshold, individually or cumulatively.
    """
    base = park.base_year
    threshold = park.significance_threshold
    if year == base:
        base_total: float | None = summary["total_tco2e"]
    else:
        base_frame = activities
        has_data = len(base_frame) and bool((_year_share(base_frame, base) > 0).any())
        base_total = (
            compute_inventory(park, activities, base, library=lib, with_base_year=False).total_tco2e
            if has_data
            else None
        )
    changes = [c for c in park.structural_changes if base < c.year <= year]
    cumulative = float(sum(c.base_year_tco2e for c in changes))
    reasons = []
    share = None
    if base_total:
        share = cumulative / base_total
        for c in changes:
            if abs(c.base_year_tco2e) / base_total >= threshold:
                reasons.append(
                    f"{c.year}: {c.description} changes base-year emissions by "
                    f"{c.base_year_tco2e / base_total:+.1%} (threshold {threshold:.0%})"
                )
        if not reasons and abs(share) >= threshold:
            reasons.append(
                f"structural changes since {base} together change base-year emissions by "
                f"{share:+.1%} (threshold {threshold:.0%})"
            )
    return {
        "year": base,
        "total_tco2e": base_total,
        "change_pct": (summary["total_tco2e"] / base_total - 1.0) * 100.0 if base_total else None,
        "structural_change_tco2e": cumulative,
        "structural_change_share": share,
        "threshold": threshold,
        "recalculation_required": bool(reasons),
        "reasons": reasons,
    }


def inventory_years(activities: pd.DataFrame) -> list[int]:
    """Calendar years that activity rows touch, ascending."""
    if not len(activities):
        return []
    years = set(activities["start"].dt.year) | set(activities["end"].dt.year)
    return sorted(int(y) for y in years)
