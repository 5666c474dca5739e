"""A park's reduction plan end to end: inventories → target → MACC → roadmap → engine check.

:func:`make_plan` ties the pieces together the way ``parkzero plan`` runs them:

1. the inventory of every year with data (the carbon engine);
2. the target and its pathway (:mod:`parkzero.carbon.targets`), from the base year;
3. the activity base of the reference year (the latest with data), projected to the first plan
   year with the activity growth rate;
4. the MACC of the levers on it (:mod:`parkzero.plan.macc`), in the target's basis;
5. business-as-usual emissions per year: the engine's figure for the projected activity (the
   engine is linear in activity; each year is recomputed when its factors differ);
6. the roadmap MILP (:mod:`parkzero.plan.roadmap`) against the pathway, scopes 1 + 2 by default
   or the whole target boundary with ``scope3=True``;
7. an engine check: the chosen levers are applied, at their ramp-up shares and in merit order,
   to the projected activity of the target year and of the last year, and the engine's
   emissions are reported next to the model's (``verified_tco2e``).

Assumptions, stated in the output: factors stay at the latest published year, contractual
instruments of the reference year are not carried forward (buy them as levers), levers'
effects are one year's effect at the start of the plan grown with activity where they scale
with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from parkzero.carbon.factors import FactorLibrary
from parkzero.carbon.inventory import InventoryResult, compute_inventory, inventory_years
from parkzero.carbon.park import Park
from parkzero.carbon.targets import Target, TargetSpec, intensity_denominator, set_target
from parkzero.errors import ConfigError
from parkzero.plan.base import ActivityBase, Basis
from parkzero.plan.catalogue import Lever
from parkzero.plan.macc import Macc, MaccEntry, build_macc
from parkzero.plan.roadmap import (
    Roadmap,
    RoadmapLever,
    RoadmapParams,
    RoadmapProblem,
    solve_roadmap,
)

__all__ = [
    "Plan",
    "PlanSettings",
    "Prepared",
    "freight_tkm",
    "make_plan",
    "park_inventories",
    "prepare_plan",
]


@dataclass(frozen=True)
class PlanSettings:
    """How to plan.

    Parameters
    ----------
    horizon : int
        Years planned, 10–30 [yr].
    start_year : int, optional
        First plan year; default the year after the reference year [-].
    reference_year : int, optional
        Year whose activity the plan starts from; default the latest with data [-].
    growth : float
        Annual growth of the park's activity [1/yr].
    discount_rate : float
        Real discount rate [1/yr].
    budget : float, optional
        Annual capex budget [CNY/yr].
    scope3 : bool
        Hold the covered scope 3 categories to their pathway too (default: scopes 1 + 2) [-].
    roadmap : RoadmapParams
        Solver settings.
    """

    horizon: int = 10
    start_year: int | None = None
    reference_year: int | None = None
    growth: float = 0.0
    discount_rate: float = 0.06
    budget: float | None = None
    scope3: bool = False
    roadmap: RoadmapParams = field(default_factory=RoadmapParams)

    def check(self) -> None:
        """Raise :class:`ConfigError` naming the setting that is out of range."""
        if not 10 <= self.horizon <= 30:
            raise ConfigError(
                f"horizon {self.horizon} is out of range (expected 10–30 years)", column="horizon"
            )
        if not -0.5 < self.growth < 1.0:
            raise ConfigError(
                f"growth {self.growth} is out of range (expected a fraction per year, e.g. 0.03)",
                column="growth",
            )
        if not 0 <= self.discount_rate < 1:
            raise ConfigError(
                f"discount rate {self.discount_rate} is out of range (expected "
                "0 ≤ r < 1, e.g. 0.06)",
                column="discount_rate",
            )
        if self.budget is not None and self.budget < 0:
            raise ConfigError(f"budget {self.budget} must not be negative", column="budget")


@dataclass(frozen=True)
class Plan:
    """A target, its MACC and the roadmap that meets it."""

    park: str
    reference_year: int
    settings: PlanSettings
    target: Target
    basis: Basis
    macc: Macc
    roadmap: Roadmap
    assumptions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """One JSON object with the keys documented in ``docs/plan.md``."""
        s = self.settings
        return {
            "park": self.park,
            "reference_year": self.reference_year,
            "settings": {
                "horizon": s.horizon,
                "start_year": self.roadmap.years[0],
                "growth": s.growth,
                "discount_rate": s.discount_rate,
                "budget_cny": s.budget,
                "scope3": s.scope3,
                "basis": self.basis.label(),
            },
            "target": self.target.to_dict(),
            "macc": self.macc.to_dict(),
            "roadmap": self.roadmap.to_dict(),
            "assumptions": list(self.assumptions),
        }


def freight_tkm(result: InventoryResult) -> float:
    """Freight t·km of an inventory (every ``freight.*`` line, in the factor unit) [t·km]."""
    lines = result.lines
    if not len(lines):
        return 0.0
    mask = lines["kind"].astype(str).str.startswith("freight.")
    return float(lines.loc[mask, "quantity_factor_unit"].sum())


def park_inventories(
    park: Park,
    activities: pd.DataFrame,
    *,
    library: FactorLibrary | None = None,
    years: Sequence[int] | None = None,
) -> dict[int, InventoryResult]:
    """The inventory of every year with data (the latest with the base-year check) [tCO2e]."""
    have = inventory_years(activities)
    if not have:
        raise ConfigError("the park has no activity data", column="activities")
    wanted = sorted(set(years or have))
    latest = max(wanted)
    return {
        y: compute_inventory(park, activities, y, library=library, with_base_year=(y == latest))
        for y in wanted
    }


def _growth(settings: PlanSettings, ref: int) -> dict[int, float]:
    return {y: (1 + settings.growth) ** (y - ref) for y in range(ref - 100, ref + 200)}


@dataclass(frozen=True)
class Prepared:
    """Everything the roadmap needs, before solving (see :func:`prepare_plan`)."""

    target: Target
    basis: Basis
    macc: Macc
    problem: RoadmapProblem
    reference_year: int
    base_ref: ActivityBase
    growth_index: Mapping[int, float]


def prepare_plan(
    park: Park,
    activities: pd.DataFrame,
    levers: Sequence[Lever],
    *,
    spec: TargetSpec | None = None,
    settings: PlanSettings | None = None,
    inventories: Mapping[int, InventoryResult] | None = None,
    library: FactorLibrary | None = None,
) -> Prepared:
    """Steps 1–5 of :func:`make_plan`: target, MACC, BAU and the roadmap problem.

    Raises
    ------
    ConfigError
        Bad settings or target.
    """
    settings = settings or PlanSettings()
    settings.check()
    spec = spec or TargetSpec()
    invs = (
        dict(inventories)
        if inventories is not None
        else park_inventories(park, activities, library=library)
    )
    ref = settings.reference_year or max(invs)
    if ref not in invs:
        raise ConfigError(f"no inventory for the reference year {ref}", column="reference_year")
    summaries = {y: r.summary for y, r in invs.items() if y <= ref}
    denominators: dict[int, float] = {}
    if spec.method == "intensity":
        if spec.metric == "tkm":
            raise ConfigError(
                "a plan needs an absolute or a per-m2/per-tonne target; "
                "per t*km targets are tracked with `parkzero target`",
                column="metric",
            )
        for y in summaries:
            try:
                denominators[y] = intensity_denominator(
                    spec.metric or "", y, drivers=park.drivers, floor_area_m2=park.floor_area_m2
                )
            except ConfigError:
                continue
    target = set_target(
        summaries,
        spec,
        base_year=park.base_year,
        structural_changes=park.structural_changes,
        denominators=denominators,
    )
    start = settings.start_year or ref + 1
    if start <= ref:
        raise ConfigError(
            f"start year {start} must be after the reference year {ref}", column="start_year"
        )
    years = list(range(start, start + settings.horizon))
    g = _growth(settings, ref)
    base_ref = ActivityBase.from_park(park, activities, ref)
    base0 = base_ref.projected(start, g[start])
    basis = Basis(target.scope2, target.scope3_categories if settings.scope3 else ())
    macc = build_macc(
        park, base0, levers, basis=basis, discount_rate=settings.discount_rate, library=library
    )
    bau = _bau(park, base_ref, years, g, basis, macc.baseline_tco2e, library)
    scope = "all" if settings.scope3 else "1+2"
    caps = []
    for y in years:
        cap = target.allowed(y, scope)
        if target.method == "intensity" and target.base_year in denominators:
            latest_denom = denominators[max(denominators)]
            cap *= latest_denom * g[y] / g[max(denominators)] / denominators[target.base_year]
        caps.append(cap)
    on_curve = list(macc.entries) + list(macc.alternatives)
    rl = [_roadmap_lever(e, years, g, start) for e in on_curve]
    problem = RoadmapProblem(years, bau, caps, rl, settings.discount_rate, settings.budget)
    return Prepared(target, basis, macc, problem, ref, base_ref, g)


def make_plan(
    park: Park,
    activities: pd.DataFrame,
    levers: Sequence[Lever],
    *,
    spec: TargetSpec | None = None,
    settings: PlanSettings | None = None,
    inventories: Mapping[int, InventoryResult] | None = None,
    library: FactorLibrary | None = None,
    verify: bool = True,
) -> Plan:
    """Plan a park's reductions: target, MACC and roadmap, checked with the engine.

    Parameters
    ----------
    park : Park
    activities : pandas.DataFrame
        The park's validated activity rows.
    levers : sequence of Lever
        From :func:`parkzero.plan.catalogue.build_catalogue`.
    spec : TargetSpec, optional
        Default 1.5 °C absolute contraction, market-based.
    settings : PlanSettings, optional
    inventories : mapping, optional
        Precomputed inventories by year (as :func:`park_inventories`).
    library : FactorLibrary, optional
    verify : bool
        Run the engine on the chosen levers for the target and last years.

    Returns
    -------
    Plan

    Raises
    ------
    ConfigError
        Bad settings or target.
    InfeasibleError
        The levers cannot keep emissions on the pathway; names the years and shortfalls.
    """
    settings = settings or PlanSettings()
    prep = prepare_plan(
        park,
        activities,
        levers,
        spec=spec,
        settings=settings,
        inventories=inventories,
        library=library,
    )
    target, basis, macc, ref, g = (
        prep.target,
        prep.basis,
        prep.macc,
        prep.reference_year,
        prep.growth_index,
    )
    years = list(prep.problem.years)
    roadmap = solve_roadmap(prep.problem, settings.roadmap)
    if verify:
        checks = {y for y in (target.target_year, years[-1]) if y in years}
        verified = {
            y: _engine_check(
                park,
                prep.base_ref,
                macc,
                roadmap,
                y,
                g,
                basis,
                library,
                {lv.id: lv for lv in levers},
            )
            for y in sorted(checks)
        }
        roadmap = replace(roadmap, verified=verified)
    assumptions = (
        f"activity grows {settings.growth:.1%} a year from {ref}",
        "emission factors stay at the latest published year",
        f"contractual instruments of {ref} are not carried forward; buy them as levers",
        "lever effects are evaluated in the first plan year and grow with activity where "
        "they scale with it",
        f"target and plan count {basis.label()}",
    )
    return Plan(park.id, ref, settings, target, basis, macc, roadmap, assumptions)


def _bau(
    park: Park,
    base_ref: ActivityBase,
    years: Sequence[int],
    g: Mapping[int, float],
    basis: Basis,
    first: float,
    library: FactorLibrary | None,
) -> list[float]:
    """Business-as-usual emissions per year from the engine [tCO2e/yr]."""
    start, last = years[0], years[-1]
    inv_first = base_ref.projected(start, g[start]).inventory(park, library=library)
    inv_last = base_ref.projected(last, g[last]).inventory(park, library=library)
    same = {f.id for f in inv_first.factors_used} == {f.id for f in inv_last.factors_used}
    first = basis.of(inv_first.summary)
    if same:
        # same factors from the first to the last year (the lookup takes the latest year not
        # after the reporting year, so every year between uses them too): the engine is
        # linear in activity
        return [first * g[y] / g[start] for y in years]
    return [
        basis.of(base_ref.projected(y, g[y]).inventory(park, library=library).summary)
        for y in years
    ]


def _roadmap_lever(
    e: MaccEntry, years: Sequence[int], g: Mapping[int, float], start: int
) -> RoadmapLever:
    scale = [g[y] / g[start] if e.scaling == "activity" else 1.0 for y in years]
    return RoadmapLever(
        id=e.lever,
        abatement=[max(0.0, e.abatement_tco2e) * s for s in scale],
        opex=[e.result.opex_delta_cny_per_year * s for s in scale],
        capex=e.result.capex_cny,
        lifetime=e.result.lifetime_years,
        ramp_years=e.ramp_years,
        group=e.group,
        name=e.name_en,
    )


def _engine_check(
    park: Park,
    base_ref: ActivityBase,
    macc: Macc,
    roadmap: Roadmap,
    year: int,
    g: Mapping[int, float],
    basis: Basis,
    library: FactorLibrary | None,
    levers: Mapping[str, Lever],
) -> float:
    """Emissions of `year` with the deployed levers applied, computed by the engine."""
    i = roadmap.years.index(year)
    running = base_ref.projected(year, g[year])
    reference = running
    alts = {a.alternative_to: a for a in macc.alternatives if roadmap.deploy.get(a.lever)}
    for entry in macc.entries:
        chosen = alts.get(entry.lever, entry)
        share = roadmap.share[chosen.lever][i]
        if share <= 0:
            continue
        result = levers[chosen.lever].evaluate(park, running, reference)
        running = running.apply(result, share)
    return running.emissions(park, basis, library=library)
