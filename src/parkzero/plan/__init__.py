"""The reduction plan: the lever catalogue, the MACC and the roadmap to the target.

Levers report physical activity changes (:class:`~parkzero.carbon.models.LeverResult`); every
tonne comes from the carbon engine run on the park's activity base with the levers applied.

Modules: :mod:`~parkzero.plan.base` (the activity base and the emissions basis),
:mod:`~parkzero.plan.catalogue` (levers and their data), :mod:`~parkzero.plan.macc` (merit
order with interactions), :mod:`~parkzero.plan.roadmap` (the HiGHS MILP),
:mod:`~parkzero.plan.planner` (all of it for a park), :mod:`~parkzero.plan.io` (files).
"""

from parkzero.plan.base import ActivityBase, Basis
from parkzero.plan.catalogue import (
    CatalogueLever,
    ExternalLever,
    Lever,
    LeverSpec,
    build_catalogue,
    lever_specs,
    motor_annual_energy,
    motor_upgrade,
)
from parkzero.plan.io import lever_result_to_dict, read_lever_results, read_plan_config
from parkzero.plan.macc import Macc, MaccEntry, build_macc
from parkzero.plan.planner import Plan, PlanSettings, make_plan, park_inventories
from parkzero.plan.roadmap import (
    Roadmap,
    RoadmapLever,
    RoadmapParams,
    RoadmapProblem,
    greedy_roadmap,
    solve_roadmap,
)

__all__ = [
    "ActivityBase",
    "Basis",
    "CatalogueLever",
    "ExternalLever",
    "Lever",
    "LeverSpec",
    "Macc",
    "MaccEntry",
    "Plan",
    "PlanSettings",
    "Roadmap",
    "RoadmapLever",
    "RoadmapParams",
    "RoadmapProblem",
    "build_catalogue",
    "build_macc",
    "greedy_roadmap",
    "lever_result_to_dict",
    "lever_specs",
    "make_plan",
    "motor_annual_energy",
    "motor_upgrade",
    "park_inventories",
    "read_lever_results",
    "read_plan_config",
    "solve_roadmap",
]
