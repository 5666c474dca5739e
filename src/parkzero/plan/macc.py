"""The marginal abatement cost curve (MACC), with interactions between levers.

Method
------
1. **Stand-alone.** Each lever is evaluated on the year's activity base and the carbon engine
   computes the inventory of the base with it applied; its stand-alone abatement is the base's
   emissions minus that [tCO2e/yr] in the plan's :class:`~parkzero.plan.base.Basis` (scope 1 +
   2, market- or location-based, plus any scope 3 categories).
2. **Cost.** A lever's annualised cost is its capex times the capital recovery factor plus its
   running-cost change, ``capex · r / (1 − (1 + r)^−L) + Δopex`` [CNY/yr], so the cost per
   tonne ``annualised / abatement`` [CNY/tCO2e] equals −NPV over the discounted tonnes of its
   lifetime. NPV is ``−capex − Δopex · (1 − (1 + r)^−L) / r`` [CNY] (positive: it pays).
3. **Merit order with interactions.** Levers are sorted by stand-alone cost per tonne; then
   each is evaluated again on the *running* base (after every cheaper lever) and applied to it,
   and its incremental abatement is the engine's emissions before minus after. PV shrinks the
   grid kWh that an efficiency lever then saves, two instruments cannot cover the same kWh, and
   the curve's total is exactly the inventory of the base with every lever applied — never a
   sum of stand-alone savings.
4. **Alternatives.** Of levers in one group (IE3 or IE4 motors) the cheapest per tonne goes into
   the curve; the others are evaluated at its position and listed as alternatives, so the
   roadmap can choose between them.

Levers without abatement in the basis (they act on scope 3 categories outside it, or their
effect is outside the inventory) are listed as skipped with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from parkzero.carbon.catalogue import catalogue
from parkzero.carbon.factors import FactorLibrary
from parkzero.carbon.models import LeverResult
from parkzero.carbon.park import Park
from parkzero.errors import ConfigError
from parkzero.plan.base import ActivityBase, Basis
from parkzero.plan.catalogue import Lever, outside_inventory

__all__ = [
    "Macc",
    "MaccEntry",
    "Skipped",
    "annualised_cost",
    "build_macc",
    "capital_recovery_factor",
    "npv",
]


def capital_recovery_factor(rate: float, years: float) -> float:
    """Capital recovery factor ``r / (1 − (1 + r)^−n)`` [1/yr]; ``1/n`` at r = 0.

    >>> round(capital_recovery_factor(0.06, 10), 6), capital_recovery_factor(0.0, 4)
    (0.135868, 0.25)
    """
    if years <= 0:
        raise ConfigError(f"lifetime must be positive, got {years}", column="lifetime_years")
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** -years)


def annualised_cost(capex: float, opex: float, lifetime: float, rate: float) -> float:
    """Equivalent annual cost of a lever [CNY/yr]: ``capex · CRF + Δopex``.

    >>> round(annualised_cost(1000.0, -100.0, 10, 0.06), 2)
    35.87
    """
    return capex * capital_recovery_factor(rate, lifetime) + opex


def npv(capex: float, opex: float, lifetime: float, rate: float) -> float:
    """Net present value of a lever over its lifetime [CNY]; positive when it pays.

    >>> round(npv(1000.0, -200.0, 10, 0.06), 2)
    472.02
    """
    return -annualised_cost(capex, opex, lifetime, rate) / capital_recovery_factor(rate, lifetime)


@dataclass(frozen=True)
class MaccEntry:
    """One lever on the curve (or an alternative to one).

    Attributes
    ----------
    lever, name_en, name_zh, group, scaling : str
    ramp_years : int
    result : LeverResult
        The lever evaluated on the running base at its place in the merit order.
    standalone_tco2e : float
        Abatement applied alone to the base [tCO2e/yr].
    abatement_tco2e : float
        Incremental abatement at its place in the merit order [tCO2e/yr].
    cumulative_tco2e : float
        Sum of incremental abatement up to and including this lever [tCO2e/yr].
    annualised_cost_cny : float
        [CNY/yr]
    npv_cny : float
        [CNY]
    cost_per_tco2e : float or None
        ``annualised_cost_cny / abatement_tco2e``; None without abatement [CNY/tCO2e].
    standalone_cost_per_tco2e : float or None
        The same with the stand-alone evaluation, which sets the merit order [CNY/tCO2e].
    alternative_to : str or None
        For alternatives: the lever of the same group on the curve [-].
    """

    lever: str
    name_en: str
    name_zh: str
    group: str
    scaling: str
    ramp_years: int
    result: LeverResult
    standalone_tco2e: float
    abatement_tco2e: float
    cumulative_tco2e: float
    annualised_cost_cny: float
    npv_cny: float
    cost_per_tco2e: float | None
    standalone_cost_per_tco2e: float | None
    alternative_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (``docs/plan.md``)."""
        return {
            "lever": self.lever,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "group": self.group,
            "abatement_tco2e": self.abatement_tco2e,
            "standalone_tco2e": self.standalone_tco2e,
            "cumulative_tco2e": self.cumulative_tco2e,
            "cost_cny_per_tco2e": self.cost_per_tco2e,
            "standalone_cost_cny_per_tco2e": self.standalone_cost_per_tco2e,
            "annualised_cost_cny": self.annualised_cost_cny,
            "npv_cny": self.npv_cny,
            "capex_cny": self.result.capex_cny,
            "opex_delta_cny_per_year": self.result.opex_delta_cny_per_year,
            "lifetime_years": self.result.lifetime_years,
            "ramp_years": self.ramp_years,
            "scaling": self.scaling,
            "metrics": dict(self.result.metrics),
            "alternative_to": self.alternative_to,
        }


@dataclass(frozen=True)
class Skipped:
    """A lever left off the curve and why."""

    lever: str
    reason: str


@dataclass(frozen=True)
class Macc:
    """A marginal abatement cost curve for one year.

    Attributes
    ----------
    year : int
    basis : Basis
    discount_rate : float
        [1/yr]
    baseline_tco2e : float
        Emissions of the base in the basis [tCO2e/yr].
    final_tco2e : float
        Emissions with every lever on the curve applied, from the engine [tCO2e/yr].
    entries : tuple of MaccEntry
        The curve, in merit order.
    alternatives : tuple of MaccEntry
        Group alternatives, evaluated at the place of the lever they replace.
    skipped : tuple of Skipped
    notes : tuple of str
        What was clipped when levers were applied.
    """

    year: int
    basis: Basis
    discount_rate: float
    baseline_tco2e: float
    final_tco2e: float
    entries: tuple[MaccEntry, ...]
    alternatives: tuple[MaccEntry, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def total_abatement_tco2e(self) -> float:
        """Abatement of every lever together [tCO2e/yr]."""
        return self.baseline_tco2e - self.final_tco2e

    @property
    def standalone_sum_tco2e(self) -> float:
        """The sum of the curve's stand-alone abatements (what adding them would claim)."""
        return float(sum(e.standalone_tco2e for e in self.entries))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (``docs/plan.md``)."""
        return {
            "year": self.year,
            "basis": self.basis.label(),
            "discount_rate": self.discount_rate,
            "baseline_tco2e": self.baseline_tco2e,
            "final_tco2e": self.final_tco2e,
            "total_abatement_tco2e": self.total_abatement_tco2e,
            "standalone_sum_tco2e": self.standalone_sum_tco2e,
            "entries": [e.to_dict() for e in self.entries],
            "alternatives": [e.to_dict() for e in self.alternatives],
            "skipped": [{"lever": s.lever, "reason": s.reason} for s in self.skipped],
            "notes": list(self.notes),
        }


def _outside_basis(result: LeverResult, basis: Basis) -> bool:
    """True when every activity a lever changes is a scope 3 category outside `basis`.

    Read from the activity catalogue's scope and category, so such levers (packaging against
    a scope 1 + 2 basis) are left off without running the engine; anything else is computed.
    """
    if (result.evidence or {}).get("instruments"):
        return False
    kinds = catalogue()
    acts = (*result.baseline, *result.scenario)
    for a in acts:
        t = kinds.get(a.kind)
        if t is None or t.scope != 3 or (a.category or t.category) in basis.scope3_categories:
            return False
    return bool(acts)


def _cost_per_t(annual: float, abatement: float) -> float | None:
    return annual / abatement if abatement > 1e-9 else None


def build_macc(
    park: Park,
    base: ActivityBase,
    levers: Sequence[Lever],
    *,
    basis: Basis | None = None,
    discount_rate: float = 0.06,
    reference: ActivityBase | None = None,
    library: FactorLibrary | None = None,
) -> Macc:
    """Build the MACC of `levers` on `base`, with interactions.

    Parameters
    ----------
    park : Park
        Factors, GWP set and boundary of the inventory.
    base : ActivityBase
        The year's activity [unit/yr].
    levers : sequence of Lever
        From :func:`parkzero.plan.catalogue.build_catalogue`.
    basis : Basis, optional
        Which emissions count; default scope 1 + 2 market-based.
    discount_rate : float
        Real discount rate [1/yr].
    reference : ActivityBase, optional
        Base used to size levers (motors, trucks, roof); default `base`.
    library : FactorLibrary, optional

    Returns
    -------
    Macc
    """
    if not 0 <= discount_rate < 1:
        raise ConfigError(
            f"discount rate must be in [0, 1), got {discount_rate}", column="discount_rate"
        )
    basis = basis or Basis()
    reference = reference or base
    e0 = base.emissions(park, basis, library=library)
    skipped: list[Skipped] = []
    standalone: dict[str, tuple[Lever, float, float | None]] = {}
    for lever in levers:
        result = lever.evaluate(park, base, reference)
        why = outside_inventory(result)
        if why:
            skipped.append(Skipped(lever.id, why))
            continue
        if _outside_basis(result, basis):
            skipped.append(Skipped(lever.id, "no abatement in the basis " + basis.label()))
            continue
        a = e0 - base.apply(result).emissions(park, basis, library=library)
        if a <= 1e-9:
            reason = (
                "no abatement in the basis " + basis.label()
                if abs(a) <= 1e-9
                else f"increases emissions by {-a:,.2f} tCO2e/yr"
            )
            skipped.append(Skipped(lever.id, reason))
            continue
        annual = annualised_cost(
            result.capex_cny, result.opex_delta_cny_per_year, result.lifetime_years, discount_rate
        )
        standalone[lever.id] = (lever, a, _cost_per_t(annual, a))

    def key(item: tuple[Lever, float, float | None]) -> tuple[float, str]:
        cost = item[2]
        return (math.inf if cost is None else cost, item[0].id)

    ordered = sorted(standalone.values(), key=key)
    on_curve: list[tuple[Lever, float, float | None]] = []
    alternatives_of: dict[str, list[tuple[Lever, float, float | None]]] = {}
    seen_groups: dict[str, str] = {}
    for item in ordered:
        group = item[0].spec.group
        if group and group in seen_groups:
            alternatives_of.setdefault(seen_groups[group], []).append(item)
            continue
        if group:
            seen_groups[group] = item[0].id
        on_curve.append(item)

    running = base
    e_prev = e0
    cumulative = 0.0
    entries: list[MaccEntry] = []
    alternatives: list[MaccEntry] = []
    for lever, alone, alone_cost in on_curve:
        for alt, alt_alone, alt_cost in alternatives_of.get(lever.id, []):
            res = alt.evaluate(park, running, reference)
            inc = e_prev - running.apply(res).emissions(park, basis, library=library)
            alternatives.append(
                _entry(
                    alt,
                    res,
                    alt_alone,
                    alt_cost,
                    inc,
                    cumulative + inc,
                    discount_rate,
                    alternative_to=lever.id,
                )
            )
        result = lever.evaluate(park, running, reference)
        after = running.apply(result)
        e_next = after.emissions(park, basis, library=library)
        inc = e_prev - e_next
        cumulative += inc
        entries.append(_entry(lever, result, alone, alone_cost, inc, cumulative, discount_rate))
        running, e_prev = after, e_next
    return Macc(
        year=base.year,
        basis=basis,
        discount_rate=discount_rate,
        baseline_tco2e=e0,
        final_tco2e=e_prev,
        entries=tuple(entries),
        alternatives=tuple(alternatives),
        skipped=tuple(skipped),
        notes=tuple(n for n in running.notes if n not in base.notes),
    )


def _entry(
    lever: Lever,
    result: LeverResult,
    alone: float,
    alone_cost: float | None,
    inc: float,
    cumulative: float,
    rate: float,
    alternative_to: str | None = None,
) -> MaccEntry:
    annual = annualised_cost(
        result.capex_cny, result.opex_delta_cny_per_year, result.lifetime_years, rate
    )
    return MaccEntry(
        lever=lever.id,
        name_en=lever.spec.name_en,
        name_zh=lever.spec.name_zh,
        group=lever.spec.group,
        scaling=lever.spec.scaling,
        ramp_years=lever.spec.ramp_years,
        result=result,
        standalone_tco2e=alone,
        abatement_tco2e=inc,
        cumulative_tco2e=cumulative,
        annualised_cost_cny=annual,
        npv_cny=npv(result.capex_cny, result.opex_delta_cny_per_year, result.lifetime_years, rate),
        cost_per_tco2e=_cost_per_t(annual, inc),
        standalone_cost_per_tco2e=alone_cost,
        alternative_to=alternative_to,
    )
