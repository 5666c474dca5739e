"""Project finance for energy investments: annuities, NPV, IRR, payback.

Pure functions on plain floats. Cash flows are yearly, year 0 first (the investment, negative),
in CNY; rates are fractions per year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.optimize import brentq

__all__ = [
    "capital_recovery_factor",
    "cash_flows",
    "irr",
    "levelisation_factor",
    "npv",
    "payback_years",
    "present_worth_factor",
]


def capital_recovery_factor(rate: float, years: float) -> float:
    """Share of a present sum repaid each year by an annuity over `years`.

    Parameters
    ----------
    rate : float
        Discount rate [1/yr].
    years : float
        Life of the investment [yr].

    Returns
    -------
    float
        r (1 + r)^n / ((1 + r)^n − 1), or 1/n when r = 0 [1/yr].

    Examples
    --------
    >>> round(capital_recovery_factor(0.06, 25), 6)
    0.078227
    >>> capital_recovery_factor(0.0, 10)
    0.1
    """
    if years <= 0:
        raise ValueError("years must be positive")
    if rate == 0:
        return 1.0 / years
    g = (1 + rate) ** years
    return rate * g / (g - 1)


def present_worth_factor(rate: float, years: int, escalation: float = 0.0) -> float:
    """Present worth of a yearly amount that starts at 1 in year 1 and escalates.

    Σ_{y=1..n} (1 + e)^(y−1) / (1 + r)^y, REopt's ``pwf`` with the escalation applied from year 2
    (Cutler et al. 2017, NREL/TP-7A40-70022, section 3).

    Parameters
    ----------
    rate : float
        Discount rate [1/yr].
    years : int
        Analysis period [yr].
    escalation : float
        Yearly growth of the amount [1/yr].

    Returns
    -------
    float
        [yr]

    Examples
    --------
    >>> round(present_worth_factor(0.06, 25), 4)
    12.7834
    >>> present_worth_factor(0.0, 3, 0.0)
    3.0
    """
    return sum((1 + escalation) ** (y - 1) / (1 + rate) ** y for y in range(1, years + 1))


def levelisation_factor(rate: float, years: int, escalation: float = 0.0) -> float:
    """Year-one amount → equal yearly amount with the same present worth [-].

    CRF(r, n) × PWF(r, n, e); 1 without escalation.

    Examples
    --------
    >>> levelisation_factor(0.06, 25)
    1.0
    >>> round(levelisation_factor(0.06, 25, 0.02), 4)
    1.2081
    """
    if escalation == 0:
        return 1.0
    return capital_recovery_factor(rate, years) * present_worth_factor(rate, years, escalation)


def npv(rate: float, flows: Sequence[float]) -> float:
    """Net present value of yearly cash flows, year 0 first [CNY].

    Examples
    --------
    >>> round(npv(0.1, [-100, 60, 60]), 4)
    4.1322
    """
    return sum(f / (1 + rate) ** y for y, f in enumerate(flows))


def irr(flows: Sequence[float]) -> float | None:
    """Internal rate of return: the rate where the NPV is zero [1/yr].

    None when the flows never change sign or no root lies in (−99 %, 1,000 %).

    Examples
    --------
    >>> round(irr([-100, 60, 60]), 6)
    0.130662
    >>> irr([-100, 10]) is None or irr([-100, 10]) < 0
    True
    """
    if not any(f < 0 for f in flows) or not any(f > 0 for f in flows):
        return None
    lo, hi = -0.99, 10.0
    f_lo, f_hi = npv(lo, flows), npv(hi, flows)
    if math.copysign(1, f_lo) == math.copysign(1, f_hi):
        return None
    return float(brentq(lambda r: npv(r, flows), lo, hi, xtol=1e-12, maxiter=500))


def payback_years(flows: Sequence[float]) -> float | None:
    """Simple (undiscounted) payback, interpolated within the year it happens [yr].

    None when the cumulative flow never turns non-negative.

    Examples
    --------
    >>> payback_years([-100, 30, 30, 30, 30])
    3.3333333333333335
    >>> payback_years([-100, 10]) is None
    True
    """
    total = 0.0
    for y, f in enumerate(flows):
        before = total
        total += f
        if y > 0 and total >= 0 > before:
            return y - 1 + (-before / f)
        if y == 0 and total >= 0:
            return 0.0
    return None


def cash_flows(
    capex: float,
    yearly_saving: float,
    years: int,
    *,
    escalation: float = 0.0,
    replacements: Sequence[tuple[float, float]] = (),
) -> list[float]:
    """Yearly cash flows of an investment: −capex, then savings that escalate [CNY].

    Parameters
    ----------
    capex : float
        Year-0 investment [CNY].
    yearly_saving : float
        Year-one net saving (bill saving minus O&M) [CNY/yr].
    years : int
        Analysis period [yr].
    escalation : float
        Yearly growth of the saving [1/yr].
    replacements : sequence of (cost, life)
        Equipment re-bought every `life` years within the period at `cost` [CNY, yr].

    Examples
    --------
    >>> cash_flows(100, 30, 3, replacements=[(50, 2)])
    [-100.0, 30.0, -20.0, 30.0]
    """
    flows = [-float(capex)]
    for y in range(1, years + 1):
        f = yearly_saving * (1 + escalation) ** (y - 1)
        for cost, life in replacements:
            if life > 0 and y < years and y % round(life) == 0:
                f -= cost
        flows.append(float(f))
    return flows
