"""The value types that carry activity data and lever effects between packages.

A lever never writes a CO2 number of its own: it reports :class:`Activity` before and after in a
:class:`LeverResult`, and :mod:`parkzero.carbon` turns those into tCO2e with the park's factors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["QUALITY_TIERS", "Activity", "LeverResult", "Quality"]

Quality = Literal["measured", "calculated", "estimated"]
QUALITY_TIERS: tuple[Quality, ...] = ("measured", "calculated", "estimated")


@dataclass(frozen=True)
class Activity:
    """One quantity of something that emits, for one period.

    Parameters
    ----------
    kind : str
        Activity type id in the activity catalogue, e.g. ``"electricity.grid"``,
        ``"fuel.diesel.mobile"``, ``"refrigerant.R-404A.leak"``, ``"paper.carton"`` [-].
    quantity : float
        Amount in `unit`; never negative [unit].
    unit : str
        ``"kWh"``, ``"L"``, ``"kg"``, ``"t"``, ``"t*km"``, ``"p*km"``, ... [-].
    start, end : datetime.date
        First and last day covered, inclusive [date].
    zone, tenant, source_id : str, optional
        Attribution: park zone id, tenant id, meter or document id [-].
    quality : {"measured", "calculated", "estimated"}
        Data-quality tier [-].
    category : str, optional
        Override of the catalogue's scope/category, e.g. ``"3.9"`` for downstream transport [-].
    region : str, optional
        Override of the park's region for the factor lookup, e.g. a province [-].
    """

    kind: str
    quantity: float
    unit: str
    start: dt.date
    end: dt.date
    zone: str | None = None
    tenant: str | None = None
    source_id: str | None = None
    quality: Quality = "measured"
    category: str | None = None
    region: str | None = None

    def scaled(self, factor: float, **changes: Any) -> Activity:
        """A copy with the quantity multiplied by `factor` [-] and other fields changed."""
        from dataclasses import replace

        return replace(self, quantity=self.quantity * factor, **changes)


@dataclass(frozen=True)
class LeverResult:
    """What a reduction lever changes, per year, in physical terms — never in CO2.

    Parameters
    ----------
    lever : str
        Catalogue id, e.g. ``"yard.appointments"``, ``"energy.pv_storage"``, ``"hvac.ocl"`` [-].
    baseline, scenario : tuple of Activity
        The activities of one year without and with the lever [Activity].
    capex_cny : float
        One-off investment [CNY].
    opex_delta_cny_per_year : float
        Change in running cost; negative is a saving [CNY/yr].
    lifetime_years : float
        Economic life of the investment [yr].
    metrics : mapping
        Lever-specific figures with the unit in the key, e.g. ``{"mean_wait_min": 12.4}``.
    evidence : mapping
        How the result was obtained (solver, settings, input digest) so it can be reproduced.
    """

    lever: str
    baseline: tuple[Activity, ...]
    scenario: tuple[Activity, ...]
    capex_cny: float = 0.0
    opex_delta_cny_per_year: float = 0.0
    lifetime_years: float = 10.0
    metrics: Mapping[str, float] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)
