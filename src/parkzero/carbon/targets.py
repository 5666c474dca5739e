"""Science-based targets: the pathway a park's emissions must follow, its checks, and progress.

Methods (SBTi Corporate Near-Term Criteria v5.x and Corporate Net-Zero Standard v1.x):

``aca-1.5`` / ``aca-wb2c``: absolute contraction
    Emissions fall *linearly* from the base-year emissions by at least 4.2 % (1.5 °C) or 2.5 %
    (well-below 2 °C) of the base-year value per year: ``E(y) = E_b · (1 − r · (y − b))``. The
    arithmetic is exact (decimal), so 10,000 tCO2e in 2022 gives 6,640 (1.5 °C) and 8,000 (WB2C)
    in 2030.
``intensity``
    Emissions per m² of floor area, per tonne handled or per t·km follow a user-supplied sector
    pathway (SBTi buildings / CRREM-style kgCO2e/m², transport gCO2e/t·km). The park converges
    to the sector's last value as in SBTi's sectoral decarbonisation approach (SDA) without the
    market-share term: ``I(y) = (I_b − S_end) · (S(y) − S_end) / (S_b − S_end) + S_end``; with
    ``convergence="direct"`` the sector values themselves are the target.

Coverage and time frame (the criteria, checked by :func:`set_target`):

- the near-term target year is 5–10 years after the submission year; the base year is 2015 or
  later and before the submission;
- scope 1 + 2 coverage ≥ 95 %;
- a scope 3 target is required when scope 3 is ≥ 40 % of scopes 1 + 2 + 3, and it covers
  ≥ 67 % of scope 3 (whole categories, largest first unless chosen); scope 3 contracts at least
  at the well-below 2 °C rate;
- long term: ≥ 90 % reduction by 2050 at the latest; the residual is neutralised by permanent
  removals. After the near-term target year the pathway is the lower of the contraction line
  carried on (floored at the residual) and the straight line from the near-term target to the
  long-term one, and it stays at the residual after the net-zero year. At 4.2 %/yr the first
  reaches −90 % before 2050; at 2.5 %/yr the second takes over.

Scope 2 is market-based by default (contractual instruments count, as SBTi allows) or
location-based; base, pathway and progress always use the same one. When the inventory engine
flags a base-year recalculation (structural changes at or above the significance threshold), the
base is adjusted by the structural changes' base-year emissions, attributed to scopes 1 + 2.

Every tonne here is read from inventory results (:mod:`parkzero.carbon.inventory`); this module
only does pathway arithmetic on them.

Examples
--------
>>> contraction(10_000, 2022, 2030, "aca-1.5"), contraction(10_000, 2022, 2030, "aca-wb2c")
(6640.0, 8000.0)
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from parkzero.errors import ConfigError, InputError

__all__ = [
    "CRITERIA",
    "METHODS",
    "Progress",
    "ProgressRow",
    "Projection",
    "SectorPathway",
    "Target",
    "TargetSpec",
    "contraction",
    "covered_emissions",
    "default_target_year",
    "intensity_denominator",
    "progress",
    "read_sector_pathway",
    "sda_pathway",
    "set_target",
]

Method = Literal["aca-1.5", "aca-wb2c", "intensity"]
Metric = Literal["m2", "tonne", "tkm"]
METHODS: tuple[str, ...] = ("aca-1.5", "aca-wb2c", "intensity")

#: The SBTi criteria as numbers (Corporate Near-Term Criteria v5.2, Net-Zero Standard v1.2).
CRITERIA: dict[str, Any] = {
    "rate_1.5": Decimal("0.042"),  # minimum linear annual reduction, 1.5 °C [1/yr]
    "rate_wb2c": Decimal("0.025"),  # minimum linear annual reduction, well-below 2 °C [1/yr]
    "near_term_years": (5, 10),  # target year after submission [yr]
    "earliest_base_year": 2015,
    "scope12_min_coverage": 0.95,
    "scope3_trigger_share": 0.40,  # scope 3 share of the total that requires a scope 3 target
    "scope3_min_coverage": 0.67,
    "long_term_min_reduction": 0.90,
    "net_zero_latest_year": 2050,
}

#: Units a sector pathway file may use for each intensity metric.
METRIC_UNITS: dict[str, str] = {"m2": "kgCO2e/m2", "tonne": "kgCO2e/t", "tkm": "gCO2e/t*km"}
_UNIT_SPELLINGS: dict[str, str] = {
    "kgco2e/m2": "m2",
    "kgco2e/m²": "m2",
    "kgco2e/t": "tonne",
    "kgco2e/tonne": "tonne",
    "gco2e/t*km": "tkm",
    "gco2e/tkm": "tkm",
    "gco2e/t·km": "tkm",
    "gco2e/t.km": "tkm",
}


def _rate_of(method: str) -> Decimal:
    if method == "aca-1.5":
        return Decimal(CRITERIA["rate_1.5"])
    if method == "aca-wb2c":
        return Decimal(CRITERIA["rate_wb2c"])
    raise ConfigError(
        f'unknown absolute-contraction method "{method}" (expected aca-1.5 or aca-wb2c)',
        column="method",
    )


def _dec(value: float | str | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def contraction(base_tco2e: float, base_year: int, year: int, rate: float | str | Decimal) -> float:
    """Allowed emissions in `year` under linear absolute contraction, never below zero.

    Parameters
    ----------
    base_tco2e : float
        Base-year emissions [tCO2e].
    base_year, year : int
        [-].
    rate : float, Decimal or str
        Annual reduction as a fraction of the base-year emissions [1/yr], or a method name
        ``"aca-1.5"`` (0.042) / ``"aca-wb2c"`` (0.025).

    Returns
    -------
    float
        ``base · (1 − rate · (year − base_year))``, computed in decimal arithmetic [tCO2e].

    Examples
    --------
    >>> contraction(10_000, 2022, 2030, 0.042), contraction(10_000, 2022, 2030, 0.025)
    (6640.0, 8000.0)
    >>> contraction(10_000, 2022, 2050, 0.042)
    0.0
    """
    r = _rate_of(rate) if isinstance(rate, str) and rate.startswith("aca") else _dec(rate)
    value = _dec(base_tco2e) * (1 - r * (year - base_year))
    return max(0.0, float(value))


def default_target_year(submission_year: int) -> int:
    """The near-term target year used when none is given: the first multiple of 5 in the window.

    >>> default_target_year(2025), default_target_year(2023), default_target_year(2027)
    (2030, 2030, 2035)
    """
    lo, hi = CRITERIA["near_term_years"]
    for year in range(submission_year + lo, submission_year + hi + 1):
        if year % 5 == 0:
            return year
    return submission_year + lo  # pragma: no cover - a 6-year window always holds a multiple of 5


# --------------------------------------------------------------------------------------------
# reading inventory results


def _num(summary: Mapping[str, Any], key: str) -> float:
    value = summary.get(key)
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(
            f"inventory result of {summary.get('year', '?')} has no number for {key!r}",
            source="inventory",
            column=key,
        )
    return float(value)


def covered_emissions(
    summary: Mapping[str, Any],
    scope2: str = "market",
    scope3_categories: Iterable[str] = (),
) -> tuple[float, float]:
    """Scope 1 + 2 and the covered part of scope 3 of an inventory result [tCO2e].

    Parameters
    ----------
    summary : mapping
        An inventory result (``InventoryResult.summary`` or ``parkzero inventory --json``).
    scope2 : {"market", "location"}
        Which scope 2 figure [-].
    scope3_categories : iterable of str
        Scope 3 categories in the target boundary, e.g. ``("3.4", "3.9")`` [-].

    Returns
    -------
    tuple of float
        ``(scope1 + scope2, Σ covered scope 3 categories)`` [tCO2e].
    """
    key = "scope2_market_tco2e" if scope2 == "market" else "scope2_location_tco2e"
    s12 = _num(summary, "scope1_tco2e") + _num(summary, key)
    by_cat = summary.get("by_category") or {}
    s3 = float(sum(float(by_cat.get(c) or 0.0) for c in scope3_categories))
    return s12, s3


def intensity_denominator(
    metric: str,
    year: int,
    *,
    drivers: Mapping[int, Any],
    floor_area_m2: float | None = None,
    tkm: Mapping[int, float] | None = None,
) -> float:
    """The denominator of an intensity metric in `year`: m², tonnes handled or t·km.

    Parameters
    ----------
    metric : {"m2", "tonne", "tkm"}
    year : int
    drivers : mapping
        The park's ``drivers`` by year (objects or dicts with ``floor_area_m2``,
        ``tonnes_handled``).
    floor_area_m2 : float, optional
        The park's floor area, used when a year has no ``floor_area_m2`` driver [m²].
    tkm : mapping, optional
        Freight t·km by year (from the inventory lines) [t·km].

    Raises
    ------
    ConfigError
        The driver is missing; the message names the field to add.
    """
    d = drivers.get(year)

    def get(name: str) -> float | None:
        if d is None:
            return None
        value = d.get(name) if isinstance(d, Mapping) else getattr(d, name, None)
        return float(value) if value else None

    if metric == "m2":
        value = get("floor_area_m2") or floor_area_m2
        field_name = f"drivers.{year}.floor_area_m2"
    elif metric == "tonne":
        value = get("tonnes_handled")
        field_name = f"drivers.{year}.tonnes_handled"
    elif metric == "tkm":
        value = (tkm or {}).get(year)
        field_name = f"freight t*km in {year}"
    else:
        raise ConfigError(
            f'unknown intensity metric "{metric}" (expected m2, tonne or tkm)', column="metric"
        )
    if not value or value <= 0:
        raise ConfigError(
            f"an intensity target per {metric} needs {field_name} (a positive number)",
            column=field_name if metric != "tkm" else "activities",
        )
    return float(value)


# --------------------------------------------------------------------------------------------
# sector pathways for intensity targets


@dataclass(frozen=True)
class SectorPathway:
    """A sector's intensity pathway: value per year in one unit.

    Parameters
    ----------
    metric : {"m2", "tonne", "tkm"}
        What the intensity is per [-].
    values : mapping of int to float
        Intensity by year [kgCO2e/m², kgCO2e/t or gCO2e/t·km].
    source : str
        Where the values come from [-].
    """

    metric: str
    values: Mapping[int, float]
    source: str = ""

    @property
    def unit(self) -> str:
        """Unit of the values [-]."""
        return METRIC_UNITS[self.metric]

    def at(self, year: int) -> float:
        """Value in `year`, linear between listed years and flat outside them [unit]."""
        years = sorted(self.values)
        if year <= years[0]:
            return float(self.values[years[0]])
        if year >= years[-1]:
            return float(self.values[years[-1]])
        for lo, hi in itertools.pairwise(years):
            if lo <= year <= hi:
                w = (year - lo) / (hi - lo)
                return float(self.values[lo]) * (1 - w) + float(self.values[hi]) * w
        raise AssertionError  # pragma: no cover


def read_sector_pathway(path: str | Path, metric: str | None = None) -> SectorPathway:
    """Read a sector pathway CSV: columns ``year``, ``value``, ``unit`` and optionally ``source``.

    Units: ``kgCO2e/m2`` (per m² of floor area), ``kgCO2e/t`` (per tonne handled) or
    ``gCO2e/t*km`` (per tonne-kilometre); one unit in the whole file.

    Raises
    ------
    InputError
        Naming the file, row and column of the first problem.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("sector pathway file not found", source=source)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        cols = [c.strip().lower() for c in reader.fieldnames or []]
        for col in ("year", "value", "unit"):
            if col not in cols:
                raise InputError(
                    f'missing column "{col}" (expected year,value,unit[,source])',
                    source=source,
                    column=col,
                )
        values: dict[int, float] = {}
        units: set[str] = set()
        sources: list[str] = []
        for i, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            try:
                year = int(row["year"])
            except ValueError:
                raise InputError(
                    "expected a year such as 2030", source=source, row=i, column="year"
                ) from None
            try:
                value = float(row["value"])
            except ValueError:
                raise InputError(
                    "expected a number", source=source, row=i, column="value"
                ) from None
            if not math.isfinite(value) or value < 0:
                raise InputError("must be a number ≥ 0", source=source, row=i, column="value")
            unit = _UNIT_SPELLINGS.get(row["unit"].replace(" ", "").lower())
            if unit is None:
                raise InputError(
                    f'unknown unit "{row["unit"]}" (expected one of '
                    f"{', '.join(METRIC_UNITS.values())})",
                    source=source,
                    row=i,
                    column="unit",
                )
            if year in values:
                raise InputError(f"year {year} appears twice", source=source, row=i, column="year")
            units.add(unit)
            values[year] = value
            if row.get("source"):
                sources.append(row["source"])
    if not values:
        raise InputError("the file has no rows", source=source)
    if len(units) > 1:
        raise InputError(f"mixed units {sorted(units)}; use one unit", source=source, column="unit")
    found = units.pop()
    if metric is not None and found != metric:
        raise InputError(
            f"the pathway is in {METRIC_UNITS[found]}, but the target is per {metric} "
            f"(expected {METRIC_UNITS.get(metric, metric)})",
            source=source,
            column="unit",
        )
    return SectorPathway(found, values, "; ".join(dict.fromkeys(sources)))


def sda_pathway(
    company_base: float, sector: SectorPathway, base_year: int, years: Iterable[int]
) -> dict[int, float]:
    """The park's intensity pathway converging to the sector's last value (SDA, m = 1).

    Parameters
    ----------
    company_base : float
        The park's base-year intensity [sector unit].
    sector : SectorPathway
    base_year : int
    years : iterable of int

    Returns
    -------
    dict
        Intensity by year [sector unit].

    Examples
    --------
    A park at twice the sector's base value closes the gap in step with the sector:

    >>> s = SectorPathway("m2", {2020: 50.0, 2050: 10.0})
    >>> p = sda_pathway(100.0, s, 2020, [2020, 2035, 2050])
    >>> [round(p[y], 6) for y in (2020, 2035, 2050)]
    [100.0, 55.0, 10.0]
    """
    end = float(sector.values[max(sector.values)])
    s_base = sector.at(base_year)
    out = {}
    for y in years:
        if s_base - end <= 0:
            out[y] = min(company_base, sector.at(y))
            continue
        p = (sector.at(y) - end) / (s_base - end)
        out[y] = (company_base - end) * p + end
    return out


# --------------------------------------------------------------------------------------------
# the target


@dataclass(frozen=True)
class TargetSpec:
    """What the park wants: method, years, scope 2 basis, coverage.

    Parameters
    ----------
    method : {"aca-1.5", "aca-wb2c", "intensity"}
    target_year : int, optional
        Near-term target year; default :func:`default_target_year` of the submission year.
    submission_year : int, optional
        Year the target is set; default the year after the latest inventory [-].
    annual_rate : float, optional
        Linear annual reduction for scopes 1 + 2, at least the method's minimum [1/yr].
    scope3_rate : float, optional
        Linear annual reduction for the covered scope 3; default the WB2C minimum [1/yr].
    scope2 : {"market", "location"}
    scope12_coverage : float
        Share of scope 1 + 2 emissions inside the target boundary [0–1].
    scope3 : bool, optional
        Set a scope 3 target; default only when the criteria require one [-].
    scope3_categories : sequence of str, optional
        Categories covered; default the largest ones until ≥ 67 % of scope 3 [-].
    net_zero_year : int
        Long-term (net-zero) target year, at the latest 2050 [-].
    long_term_reduction : float
        Reduction by the net-zero year [0–1].
    metric : {"m2", "tonne", "tkm"}, optional
        Intensity targets: the denominator [-].
    sector_pathway : SectorPathway, optional
        Intensity targets: the sector's pathway.
    convergence : {"sda", "direct"}
        Intensity targets: converge to the sector (SDA) or follow its values [-].
    """

    method: str = "aca-1.5"
    target_year: int | None = None
    submission_year: int | None = None
    annual_rate: float | None = None
    scope3_rate: float | None = None
    scope2: str = "market"
    scope12_coverage: float = 1.0
    scope3: bool | None = None
    scope3_categories: tuple[str, ...] | None = None
    net_zero_year: int = 2050
    long_term_reduction: float = 0.90
    metric: str | None = None
    sector_pathway: SectorPathway | None = None
    convergence: str = "sda"


@dataclass(frozen=True)
class Check:
    """One criterion: its name, whether it is met, and the figures behind it."""

    name: str
    ok: bool
    message: str


@dataclass(frozen=True)
class Target:
    """A validated target and its yearly pathway.

    Attributes
    ----------
    method, scope2 : str
    base_year, target_year, submission_year, net_zero_year : int
    annual_rate, scope3_rate : float or None
        Linear annual reductions [1/yr]; None for intensity targets.
    base_scope12_tco2e, base_scope3_tco2e : float
        Base-year emissions in the boundary (scope 3: covered categories), incl. the
        base-year adjustment [tCO2e].
    base_adjustment_tco2e : float
        Structural changes added to the base year [tCO2e].
    scope3_share : float
        Scope 3 share of the base-year total [0–1].
    scope3_categories : tuple of str
        Covered scope 3 categories (empty without a scope 3 target) [-].
    scope3_coverage : float
        Covered share of base-year scope 3 [0–1].
    pathway_scope12, pathway_scope3 : dict
        Allowed emissions by year, base year to the net-zero year [tCO2e].
    metric : str or None
        Intensity targets: per m2, tonne or tkm.
    intensity_pathway : dict
        Intensity targets: allowed intensity by year [unit of ``intensity_unit``].
    intensity_base : float or None
        Intensity targets: the base-year intensity [``intensity_unit``].
    checks : tuple of Check
        Every criterion with its figures.
    """

    method: str
    scope2: str
    base_year: int
    target_year: int
    submission_year: int
    net_zero_year: int
    annual_rate: float | None
    scope3_rate: float | None
    base_scope12_tco2e: float
    base_scope3_tco2e: float
    base_adjustment_tco2e: float
    scope3_share: float
    scope3_categories: tuple[str, ...]
    scope3_coverage: float
    long_term_reduction: float
    pathway_scope12: Mapping[int, float]
    pathway_scope3: Mapping[int, float]
    metric: str | None = None
    intensity_unit: str | None = None
    intensity_base: float | None = None
    intensity_pathway: Mapping[int, float] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()

    @property
    def has_scope3(self) -> bool:
        """Whether the target covers scope 3 [-]."""
        return bool(self.scope3_categories)

    @property
    def pathway(self) -> dict[int, float]:
        """Allowed emissions in the whole target boundary by year [tCO2e]."""
        return {
            y: self.pathway_scope12[y] + self.pathway_scope3.get(y, 0.0)
            for y in self.pathway_scope12
        }

    @property
    def base_tco2e(self) -> float:
        """Base-year emissions in the whole target boundary [tCO2e]."""
        return self.base_scope12_tco2e + self.base_scope3_tco2e

    def allowed(self, year: int, scope: str = "all") -> float:
        """Allowed emissions in `year` for ``"1+2"``, ``"3"`` or ``"all"`` [tCO2e].

        Years after the net-zero year keep its residual.
        """

        def pick(path: Mapping[int, float]) -> float:
            if not path:
                return 0.0
            if year in path:
                return path[year]
            return path[max(path)] if year > max(path) else path[min(path)]

        if scope == "1+2":
            return pick(self.pathway_scope12)
        if scope == "3":
            return pick(self.pathway_scope3)
        return pick(self.pathway_scope12) + pick(self.pathway_scope3)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data; the keys are documented in ``docs/plan.md``."""
        return {
            "method": self.method,
            "scope2": self.scope2,
            "base_year": self.base_year,
            "target_year": self.target_year,
            "submission_year": self.submission_year,
            "net_zero_year": self.net_zero_year,
            "annual_rate": self.annual_rate,
            "scope3_rate": self.scope3_rate,
            "base_tco2e": self.base_tco2e,
            "base_scope12_tco2e": self.base_scope12_tco2e,
            "base_scope3_tco2e": self.base_scope3_tco2e,
            "base_adjustment_tco2e": self.base_adjustment_tco2e,
            "scope3_share": self.scope3_share,
            "scope3_categories": list(self.scope3_categories),
            "scope3_coverage": self.scope3_coverage,
            "long_term_reduction": self.long_term_reduction,
            "target_tco2e": self.allowed(self.target_year),
            "target_scope12_tco2e": self.allowed(self.target_year, "1+2"),
            "target_scope3_tco2e": self.allowed(self.target_year, "3"),
            "net_zero_residual_tco2e": self.allowed(self.net_zero_year),
            "pathway": [
                {
                    "year": y,
                    "scope12_tco2e": self.pathway_scope12[y],
                    "scope3_tco2e": self.pathway_scope3.get(y, 0.0),
                    "total_tco2e": self.pathway_scope12[y] + self.pathway_scope3.get(y, 0.0),
                    **(
                        {"intensity": self.intensity_pathway[y]}
                        if y in self.intensity_pathway
                        else {}
                    ),
                }
                for y in sorted(self.pathway_scope12)
            ],
            "metric": self.metric,
            "intensity_unit": self.intensity_unit,
            "intensity_base": self.intensity_base,
            "checks": [{"name": c.name, "ok": c.ok, "message": c.message} for c in self.checks],
        }


def _linear_with_long_term(
    base: float, base_year: int, rate: Decimal, target_year: int, nz_year: int, residual: float
) -> dict[int, float]:
    """Linear contraction to the near-term year, then linear to the long-term residual."""
    out: dict[int, float] = {}
    near = contraction(base, base_year, target_year, rate)
    for y in range(base_year, nz_year + 1):
        if y <= target_year:
            value = contraction(base, base_year, y, rate)
        else:
            w = (y - target_year) / (nz_year - target_year)
            value = near + (residual - near) * w
            # a steep near-term rate may already be below the straight line to the residual
            value = min(value, max(contraction(base, base_year, y, rate), residual))
        out[y] = value
    return out


def _choose_scope3(
    by_cat: Mapping[str, float], wanted: Sequence[str] | None, minimum: float
) -> tuple[str, ...]:
    cats = {c: float(v or 0.0) for c, v in by_cat.items() if str(c).startswith("3.")}
    if wanted is not None:
        unknown = [c for c in wanted if c not in cats]
        if unknown:
            raise ConfigError(
                f"scope 3 categories {unknown} have no emissions in the base year "
                f"(categories with emissions: {', '.join(sorted(cats)) or 'none'})",
                column="scope3_categories",
            )
        return tuple(wanted)
    total = sum(cats.values())
    chosen: list[str] = []
    covered = 0.0
    for cat, value in sorted(cats.items(), key=lambda kv: -kv[1]):
        if total <= 0 or covered / total >= minimum:
            break
        chosen.append(cat)
        covered += value
    return tuple(chosen)


def set_target(
    summaries: Mapping[int, Mapping[str, Any]],
    spec: TargetSpec,
    *,
    base_year: int,
    structural_changes: Sequence[Any] = (),
    denominators: Mapping[int, float] | None = None,
) -> Target:
    """Set a target from a park's inventory results and check it against the criteria.

    Parameters
    ----------
    summaries : mapping of int to dict
        Inventory results by year; must include `base_year` [tCO2e].
    spec : TargetSpec
        The method and choices.
    base_year : int
        The park's base year [-].
    structural_changes : sequence
        The park's structural changes (objects or dicts with ``year`` and
        ``base_year_tco2e``); added to the base when the latest inventory flags a base-year
        recalculation [tCO2e].
    denominators : mapping of int to float, optional
        Intensity targets: m², tonnes or t·km by year (see :func:`intensity_denominator`).

    Returns
    -------
    Target

    Raises
    ------
    ConfigError
        A criterion is not met; the message names the field, the figure and what is expected.
    """
    if spec.method not in METHODS:
        raise ConfigError(
            f'unknown target method "{spec.method}" (expected {", ".join(METHODS)})',
            column="method",
        )
    if spec.scope2 not in ("market", "location"):
        raise ConfigError(
            f'unknown scope 2 basis "{spec.scope2}" (expected market or location)',
            column="scope2",
        )
    if base_year not in summaries:
        have = ", ".join(map(str, sorted(summaries))) or "none"
        raise ConfigError(
            f"no inventory for the base year {base_year} (inventories: {have})",
            column="base_year",
        )
    checks: list[Check] = []
    earliest = CRITERIA["earliest_base_year"]
    if base_year < earliest:
        raise ConfigError(
            f"base year {base_year} is before {earliest}; SBTi requires a base year of "
            f"{earliest} or later",
            column="base_year",
        )
    latest = max(summaries)
    submission = spec.submission_year or latest + 1
    if submission <= base_year:
        raise ConfigError(
            f"submission year {submission} must be after the base year {base_year}",
            column="submission_year",
        )
    target_year = spec.target_year or default_target_year(submission)
    lo, hi = CRITERIA["near_term_years"]
    if not submission + lo <= target_year <= submission + hi:
        raise ConfigError(
            f"target year {target_year} is out of range: a near-term target year lies "
            f"{lo}–{hi} years after the submission year {submission} "
            f"(expected {submission + lo}–{submission + hi})",
            column="target_year",
        )
    checks.append(
        Check(
            "near_term_timeframe",
            True,
            f"{target_year} is {target_year - submission} years after {submission}",
        )
    )
    nz = CRITERIA["net_zero_latest_year"]
    if not target_year < spec.net_zero_year <= nz:
        raise ConfigError(
            f"net-zero year {spec.net_zero_year} must be after the near-term target year "
            f"{target_year} and no later than {nz}",
            column="net_zero_year",
        )
    lt_min = CRITERIA["long_term_min_reduction"]
    if not lt_min <= spec.long_term_reduction <= 1.0:
        raise ConfigError(
            f"long-term reduction {spec.long_term_reduction:.0%} is below the net-zero "
            f"standard's {lt_min:.0%} by {nz} (expected {lt_min:.0%}–100 %)",
            column="long_term_reduction",
        )
    checks.append(
        Check(
            "long_term",
            True,
            f"−{spec.long_term_reduction:.0%} by {spec.net_zero_year}; the residual "
            "is neutralised by permanent removals",
        )
    )
    s12_min = CRITERIA["scope12_min_coverage"]
    if not s12_min <= spec.scope12_coverage <= 1.0:
        raise ConfigError(
            f"scope 1 + 2 coverage {spec.scope12_coverage:.1%} is too low "
            f"(expected ≥ {s12_min:.0%})",
            column="scope12_coverage",
        )
    checks.append(Check("scope12_coverage", True, f"{spec.scope12_coverage:.0%} ≥ {s12_min:.0%}"))

    base = summaries[base_year]
    by_cat = base.get("by_category") or {}
    s12_full, _ = covered_emissions(base, spec.scope2)
    s3_total = _num(base, "scope3_tco2e")
    total = s12_full + s3_total
    share3 = s3_total / total if total > 0 else 0.0
    trigger = CRITERIA["scope3_trigger_share"]
    s3_min = CRITERIA["scope3_min_coverage"]
    required = share3 >= trigger
    wants3 = required if spec.scope3 is None else spec.scope3
    if required and not wants3:
        raise ConfigError(
            f"scope 3 is {share3:.0%} of the base-year total (≥ {trigger:.0%}), so the "
            f"criteria require a scope 3 target covering ≥ {s3_min:.0%} of it",
            column="scope3",
        )
    cats: tuple[str, ...] = ()
    coverage3 = 0.0
    if wants3:
        cats = _choose_scope3(by_cat, spec.scope3_categories, s3_min)
        covered = sum(float(by_cat.get(c) or 0.0) for c in cats)
        coverage3 = covered / s3_total if s3_total > 0 else 0.0
        if coverage3 < s3_min:
            raise ConfigError(
                f"scope 3 coverage {coverage3:.1%} ({', '.join(cats) or 'no categories'}) is "
                f"too low (expected ≥ {s3_min:.0%} of scope 3)",
                column="scope3_categories",
            )
        checks.append(
            Check(
                "scope3_coverage",
                True,
                f"{coverage3:.0%} of scope 3 ({', '.join(cats)}) ≥ {s3_min:.0%}",
            )
        )
    checks.append(
        Check(
            "scope3_required",
            True,
            f"scope 3 is {share3:.0%} of the total; a scope 3 target is "
            f"{'required' if required else 'optional'} (threshold {trigger:.0%})",
        )
    )

    adjustment = 0.0
    status = (summaries[latest].get("base_year") or {}) if summaries else {}
    if status.get("recalculation_required"):
        for change in structural_changes:
            year = change["year"] if isinstance(change, Mapping) else change.year
            value = (
                change["base_year_tco2e"] if isinstance(change, Mapping) else change.base_year_tco2e
            )
            if base_year < year <= latest:
                adjustment += float(value)
        checks.append(
            Check(
                "base_year_recalculated",
                True,
                f"base year adjusted by {adjustment:+,.1f} tCO2e for structural changes",
            )
        )
    s12, s3 = covered_emissions(base, spec.scope2, cats)
    s12 = (s12 + adjustment) * spec.scope12_coverage
    residual_share = 1.0 - spec.long_term_reduction

    if spec.method == "intensity":
        return _intensity_target(
            spec,
            summaries,
            base_year,
            target_year,
            submission,
            s12,
            s3,
            adjustment,
            share3,
            cats,
            coverage3,
            checks,
            denominators or {},
        )

    rate = _rate_of(spec.method)
    name = "1.5 °C" if spec.method == "aca-1.5" else "well-below 2 °C"
    r12 = _dec(spec.annual_rate) if spec.annual_rate is not None else rate
    if r12 < rate:
        raise ConfigError(
            f"ambition {float(r12):.2%}/yr is below the {name} minimum of {float(rate):.1%}/yr "
            "(linear absolute contraction)",
            column="annual_rate",
        )
    wb2c = Decimal(CRITERIA["rate_wb2c"])
    r3 = _dec(spec.scope3_rate) if spec.scope3_rate is not None else wb2c
    if wants3 and r3 < wb2c:
        raise ConfigError(
            f"scope 3 ambition {float(r3):.2%}/yr is below the well-below 2 °C minimum of "
            f"{float(wb2c):.1%}/yr",
            column="scope3_rate",
        )
    checks.append(Check("ambition", True, f"{float(r12):.1%}/yr ≥ {float(rate):.1%}/yr ({name})"))
    p12 = _linear_with_long_term(
        s12, base_year, r12, target_year, spec.net_zero_year, s12 * residual_share
    )
    p3 = (
        _linear_with_long_term(
            s3, base_year, r3, target_year, spec.net_zero_year, s3 * residual_share
        )
        if wants3
        else {}
    )
    return Target(
        method=spec.method,
        scope2=spec.scope2,
        base_year=base_year,
        target_year=target_year,
        submission_year=submission,
        net_zero_year=spec.net_zero_year,
        annual_rate=float(r12),
        scope3_rate=float(r3) if wants3 else None,
        base_scope12_tco2e=s12,
        base_scope3_tco2e=s3,
        base_adjustment_tco2e=adjustment,
        scope3_share=share3,
        scope3_categories=cats,
        scope3_coverage=coverage3,
        long_term_reduction=spec.long_term_reduction,
        pathway_scope12=p12,
        pathway_scope3=p3,
        checks=tuple(checks),
    )


def _intensity_target(
    spec: TargetSpec,
    summaries: Mapping[int, Mapping[str, Any]],
    base_year: int,
    target_year: int,
    submission: int,
    s12: float,
    s3: float,
    adjustment: float,
    share3: float,
    cats: tuple[str, ...],
    coverage3: float,
    checks: list[Check],
    denominators: Mapping[int, float],
) -> Target:
    metric = spec.metric
    if metric not in METRIC_UNITS:
        raise ConfigError(
            f'an intensity target needs a metric: m2, tonne or tkm (got "{metric}")',
            column="metric",
        )
    if spec.sector_pathway is None:
        raise ConfigError("an intensity target needs a sector pathway file", column="pathway")
    sector = spec.sector_pathway
    if sector.metric != metric:
        raise ConfigError(
            f"the sector pathway is in {sector.unit}, the target is per {metric}",
            column="pathway",
        )
    if spec.convergence not in ("sda", "direct"):
        raise ConfigError(
            f'unknown convergence "{spec.convergence}" (expected sda or direct)',
            column="convergence",
        )
    if base_year not in denominators:
        raise ConfigError(
            f"no {metric} denominator for the base year {base_year}", column="drivers"
        )
    scale = 1e6 if metric == "tkm" else 1e3  # g or kg per unit
    base_total = s12 + s3
    i_base = base_total * scale / denominators[base_year]
    years = range(base_year, spec.net_zero_year + 1)
    if spec.convergence == "direct":
        path = {y: sector.at(y) for y in years}
    else:
        path = sda_pathway(i_base, sector, base_year, years)
    if path[target_year] >= i_base:
        raise ConfigError(
            f"the intensity pathway does not fall by {target_year} "
            f"({path[target_year]:,.2f} vs base {i_base:,.2f} {sector.unit}); check the "
            "sector pathway file",
            column="pathway",
        )
    checks.append(
        Check(
            "intensity_reduction",
            True,
            f"{i_base:,.2f} → {path[target_year]:,.2f} {sector.unit} by {target_year}",
        )
    )
    # allowed absolute emissions at the base-year denominator; the plan rescales per year
    share12 = s12 / base_total if base_total > 0 else 1.0
    p12 = {y: path[y] * denominators[base_year] / scale * share12 for y in years}
    p3 = (
        {y: path[y] * denominators[base_year] / scale * (1 - share12) for y in years}
        if cats
        else {}
    )
    return Target(
        method="intensity",
        scope2=spec.scope2,
        base_year=base_year,
        target_year=target_year,
        submission_year=submission,
        net_zero_year=spec.net_zero_year,
        annual_rate=None,
        scope3_rate=None,
        base_scope12_tco2e=s12,
        base_scope3_tco2e=s3,
        base_adjustment_tco2e=adjustment,
        scope3_share=share3,
        scope3_categories=cats,
        scope3_coverage=coverage3,
        long_term_reduction=spec.long_term_reduction,
        pathway_scope12=p12,
        pathway_scope3=p3,
        metric=metric,
        intensity_unit=sector.unit,
        intensity_base=i_base,
        intensity_pathway=path,
        checks=tuple(checks),
    )


# --------------------------------------------------------------------------------------------
# progress


@dataclass(frozen=True)
class ProgressRow:
    """Actual against pathway for one year [tCO2e, or the intensity unit]."""

    year: int
    pathway: float
    actual: float
    gap: float
    on_track: bool


@dataclass(frozen=True)
class Projection:
    """A year-end projection from the months so far.

    Attributes
    ----------
    year, months : int
        The year and the months with data (January to ``months``) [-].
    so_far : float
        Emissions in the target boundary so far [tCO2e].
    projected : float
        Projected year-end emissions [tCO2e].
    method : {"seasonal", "run-rate"}
        ``seasonal`` scales by last year's share of the same months; ``run-rate`` by 12/months.
    pathway : float
        Allowed emissions in the year [tCO2e].
    on_track : bool
    """

    year: int
    months: int
    so_far: float
    projected: float
    method: str
    pathway: float
    on_track: bool


@dataclass(frozen=True)
class Progress:
    """Actual emissions against the pathway per year, and the current year's projection."""

    unit: str
    rows: tuple[ProgressRow, ...]
    projection: Projection | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (``docs/plan.md``)."""
        return {
            "unit": self.unit,
            "years": [
                {
                    "year": r.year,
                    "pathway": r.pathway,
                    "actual": r.actual,
                    "gap": r.gap,
                    "on_track": r.on_track,
                }
                for r in self.rows
            ],
            "projection": None
            if self.projection is None
            else {
                "year": self.projection.year,
                "months": self.projection.months,
                "so_far_tco2e": self.projection.so_far,
                "projected_tco2e": self.projection.projected,
                "method": self.projection.method,
                "pathway_tco2e": self.projection.pathway,
                "on_track": self.projection.on_track,
            },
        }


def _months_with_data(by_month: Mapping[str, float]) -> int:
    last = 0
    for key, value in by_month.items():
        if value:
            last = max(last, int(str(key)[5:7]))
    return last


def _target_emissions(target: Target, summary: Mapping[str, Any]) -> float:
    s12, s3 = covered_emissions(summary, target.scope2, target.scope3_categories)
    return s12 + s3


def progress(
    target: Target,
    summaries: Mapping[int, Mapping[str, Any]],
    *,
    current: Mapping[str, Any] | None = None,
    months: int | None = None,
    denominators: Mapping[int, float] | None = None,
) -> Progress:
    """Actual emissions (or intensity) against the pathway for every year with an inventory.

    Parameters
    ----------
    target : Target
    summaries : mapping of int to dict
        Inventory results of complete years.
    current : dict, optional
        The inventory result of the year in progress (its ``by_month`` tells the months so far).
    months : int, optional
        Months of data in `current`; default: up to the last month with emissions [-].
    denominators : mapping, optional
        Intensity targets: the denominator by year.

    Returns
    -------
    Progress
        ``gap`` is actual − pathway (positive: above the pathway).

    Raises
    ------
    InputError
        `current` has no monthly figures or no months with data.
    """
    intensity = target.method == "intensity"
    rows = []
    for year in sorted(summaries):
        if year < target.base_year:
            continue
        actual = _target_emissions(target, summaries[year])
        if year == target.base_year:
            actual += target.base_adjustment_tco2e
        pathway = target.allowed(year)
        if intensity:
            denom = (denominators or {}).get(year)
            if not denom:
                continue
            scale = 1e6 if target.metric == "tkm" else 1e3
            actual = actual * scale / denom
            pathway = target.intensity_pathway.get(year, pathway)
        rows.append(ProgressRow(year, pathway, actual, actual - pathway, actual <= pathway + 1e-9))
    projection = None
    if current is not None:
        projection = _project(target, summaries, current, months)
    unit = (target.intensity_unit or "tCO2e") if intensity else "tCO2e"
    return Progress(unit, tuple(rows), projection)


def _project(
    target: Target,
    summaries: Mapping[int, Mapping[str, Any]],
    current: Mapping[str, Any],
    months: int | None,
) -> Projection:
    year = int(current["year"])
    by_month = current.get("by_month")
    if not isinstance(by_month, Mapping) or not by_month:
        raise InputError(
            "the current year's inventory has no by_month figures",
            source="inventory",
            column="by_month",
        )
    n = months or _months_with_data(by_month)
    if not 1 <= n <= 12:
        raise InputError(f"months with data must be 1–12, got {n}", column="months")
    keys = [f"{year}-{m:02d}" for m in range(1, n + 1)]
    so_far_all = sum(float(by_month.get(k) or 0.0) for k in keys)
    if so_far_all <= 0:
        raise InputError(f"no emissions in the first {n} months of {year}", column="by_month")
    prev = summaries.get(year - 1)
    method = "run-rate"
    factor = 12.0 / n
    if prev is not None and isinstance(prev.get("by_month"), Mapping):
        pm = prev["by_month"]
        part = sum(float(pm.get(f"{year - 1}-{m:02d}") or 0.0) for m in range(1, n + 1))
        whole = sum(float(v or 0.0) for v in pm.values())
        if part > 0 and whole > 0:
            method, factor = "seasonal", whole / part
    so_far = _target_emissions(target, current)
    projected = so_far * factor
    pathway = target.allowed(year)
    return Projection(year, n, so_far, projected, method, pathway, projected <= pathway + 1e-9)
