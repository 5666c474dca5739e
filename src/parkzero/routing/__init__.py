"""Smart transport (智能运输): cold-chain vehicle routing and loading with an emissions objective.

Model a day of deliveries — depots, orders with per-temperature-zone demand, a heterogeneous
fleet with compartments, time windows and city traffic restrictions — solve it with PyVRP
under a hierarchical, cost or CO2e objective, plan the loading of each vehicle, and compare
with a baseline to get the ``routing.cold_chain`` :class:`~parkzero.carbon.models.LeverResult`.

>>> from parkzero.routing import RouteParams
>>> RouteParams(objective="dimacs", time_limit_s=5).objective
'dimacs'
"""

from __future__ import annotations

from parkzero.routing.baseline import LEVER_ID, Comparison, baseline_plan, compare, lever_result
from parkzero.routing.evaluate import Measures, activities, measure, violations
from parkzero.routing.io import load_problem, parse_problem, plan_to_dict
from parkzero.routing.loading import VehicleLoad, loading_plan
from parkzero.routing.matrix import Matrices, build_matrices, haversine_km
from parkzero.routing.models import (
    Compartment,
    Demand,
    Depot,
    EmissionWeights,
    Order,
    Plan,
    PlannedRoute,
    Problem,
    Restriction,
    VehicleType,
)
from parkzero.routing.readers import read_solomon, read_vrplib
from parkzero.routing.solve import OBJECTIVES, RouteParams, solve

__all__ = [
    "LEVER_ID",
    "OBJECTIVES",
    "Comparison",
    "Compartment",
    "Demand",
    "Depot",
    "EmissionWeights",
    "Matrices",
    "Measures",
    "Order",
    "Plan",
    "PlannedRoute",
    "Problem",
    "Restriction",
    "RouteParams",
    "VehicleLoad",
    "VehicleType",
    "activities",
    "baseline_plan",
    "build_matrices",
    "compare",
    "haversine_km",
    "lever_result",
    "load_problem",
    "loading_plan",
    "measure",
    "parse_problem",
    "plan_to_dict",
    "read_solomon",
    "read_vrplib",
    "solve",
    "violations",
]
