"""What a lever saves, in tCO2e, computed with the park's own factors, GWP set and boundary.

A lever reports physical activity before and after (:class:`~parkzero.carbon.models.LeverResult`);
this module runs both through the inventory engine, so a plan, a dashboard and a claim value a kWh
the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parkzero.carbon.activities import activities_frame
from parkzero.carbon.factors import FactorLibrary
from parkzero.carbon.inventory import compute_inventory
from parkzero.carbon.models import Activity, LeverResult
from parkzero.carbon.park import Park

__all__ = ["Abatement", "abatement", "emissions_of"]


@dataclass(frozen=True)
class Abatement:
    """Emissions of a lever's baseline and scenario activities for one year.

    Attributes
    ----------
    lever : str
        Lever id [-].
    baseline_tco2e, scenario_tco2e : float
        Scope 1 + 2 (location-based) + 3 of each activity set [tCO2e/yr].
    baseline_market_tco2e, scenario_market_tco2e : float
        The same with scope 2 market-based [tCO2e/yr].
    """

    lever: str
    baseline_tco2e: float
    scenario_tco2e: float
    baseline_market_tco2e: float
    scenario_market_tco2e: float

    @property
    def tco2e(self) -> float:
        """Location-based abatement; positive is a reduction [tCO2e/yr]."""
        return self.baseline_tco2e - self.scenario_tco2e

    @property
    def market_tco2e(self) -> float:
        """Market-based abatement; positive is a reduction [tCO2e/yr]."""
        return self.baseline_market_tco2e - self.scenario_market_tco2e


def emissions_of(
    park: Park,
    activities: Sequence[Activity],
    year: int,
    *,
    library: FactorLibrary | None = None,
) -> tuple[float, float]:
    """Location- and market-based emissions of a set of activities in `year` [tCO2e].

    Uses the park's factor sets, GWP set, boundary and scope 3 selection, exactly as its
    inventory does. The park's own contractual instruments and refrigerant stocks belong to the
    whole park, not to a lever's activities, so they are left out here; the market-based figure
    then differs from the location-based one only through the residual series.
    """
    frame = activities_frame(
        list(activities), source="lever", zones=park.zone_ids, tenants=park.tenant_ids
    )
    if not len(frame):
        return 0.0, 0.0
    bare = park.model_copy(update={"refrigerant_stocks": (), "instruments": ()})
    result = compute_inventory(bare, frame, year, library=library, with_base_year=False)
    return result.total_tco2e, float(result.summary["total_market_tco2e"])


def abatement(
    park: Park, lever: LeverResult, year: int, *, library: FactorLibrary | None = None
) -> Abatement:
    """Abatement of a lever in `year`: emissions of its baseline minus its scenario [tCO2e/yr].

    Examples
    --------
    The guide's motor example: an 18.5 kW motor, 2,400 h/yr, IE1 (89.3 %) → IE4 (94.2 %).

    >>> import datetime as dt
    >>> from parkzero.carbon.park import park_from_dict
    >>> park = park_from_dict({"park": {"id": "p", "name": "P", "region": "湖北",
    ...                                 "base_year": 2022, "scope3_categories": ["3.1"]}})
    >>> span = dict(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31))
    >>> ie1 = Activity("electricity.grid", 18.5 * 2400 / 0.893, "kWh", **span)
    >>> ie4 = Activity("electricity.grid", 18.5 * 2400 / 0.942, "kWh", **span)
    >>> result = abatement(park, LeverResult("efficiency.motor_ie4", (ie1,), (ie4,)), 2022)
    >>> round(result.tco2e, 3)  # ≈ 2,586 kWh × 0.4364 kgCO2/kWh (Hubei 2022)
    1.129
    """
    base, base_m = emissions_of(park, lever.baseline, year, library=library)
    scen, scen_m = emissions_of(park, lever.scenario, year, library=library)
    return Abatement(lever.lever, base, scen, base_m, scen_m)
