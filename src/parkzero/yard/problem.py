"""The dock-scheduling problem as the solver sees it, and its answer.

This is the contract between the domain model (:mod:`parkzero.yard.models`: gates, docks, shifts,
appointments), the scheduler (:mod:`parkzero.yard.scheduler`, CP-SAT), the baseline heuristics and
the simulation (:mod:`parkzero.yard.simulation`). It is the dynamic discrete berth-allocation
problem (trucks = vessels, docks = berths) extended with staff and buffer capacity.

==============  ================================================================
quantity        unit
==============  ================================================================
time            whole minutes after the planning day's midnight, local [min]
duration        whole minutes [min]
weight          dimensionless priority (1 = normal) [-]
==============  ================================================================

A truck may only be served at a dock listed in its ``handling_min``; a dock missing from that
mapping is forbidden (the DBAP file's 99999).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Assignment", "DockProblem", "DockSlot", "Schedule", "StaffWindow", "TruckJob"]


@dataclass(frozen=True)
class TruckJob:
    """One truck visit to be placed at a dock.

    Parameters
    ----------
    id : str
        Truck or appointment identifier [-].
    release_min : int
        Earliest start: arrival at the gate, or the start of its booked window [min].
    handling_min : Mapping[str, int]
        Service time at each compatible dock id [min]; other docks are forbidden.
    latest_end_min : int | None
        Latest allowed departure (hard), None for no limit [min].
    weight : float
        Weight of this truck's waiting in the objective [-].
    fixed_dock : str | None
        Dock already announced to the driver; re-optimisation penalises changing it [-].
    fixed_start_min : int | None
        Start already announced; re-optimisation penalises moving it [min].
    staff : int
        Dock workers busy while this truck is served [-].
    """

    id: str
    release_min: int
    handling_min: Mapping[str, int]
    latest_end_min: int | None = None
    weight: float = 1.0
    fixed_dock: str | None = None
    fixed_start_min: int | None = None
    staff: int = 1


@dataclass(frozen=True)
class DockSlot:
    """A dock (berth) and the hours it is open.

    Parameters
    ----------
    id : str
        Dock identifier [-].
    open_min, close_min : int
        Opening and closing time; a service must lie inside [open, close] [min].
    """

    id: str
    open_min: int = 0
    close_min: int = 24 * 60


@dataclass(frozen=True)
class StaffWindow:
    """Dock workers on shift from ``start_min`` to ``end_min`` [min]; ``workers`` [-]."""

    start_min: int
    end_min: int
    workers: int


@dataclass(frozen=True)
class DockProblem:
    """A day's dock-assignment problem.

    Parameters
    ----------
    trucks : tuple[TruckJob, ...]
    docks : tuple[DockSlot, ...]
    staff : tuple[StaffWindow, ...]
        Worker capacity over the day; empty means unlimited [-].
    buffer_capacity : int | None
        Trucks that may wait in the buffer area at once (arrived, not yet at a dock), None for
        unlimited [-].
    name : str
        Instance name for reports [-].
    """

    trucks: tuple[TruckJob, ...]
    docks: tuple[DockSlot, ...]
    staff: tuple[StaffWindow, ...] = ()
    buffer_capacity: int | None = None
    name: str = ""


@dataclass(frozen=True)
class Assignment:
    """Truck ``truck`` served at dock ``dock`` from ``start_min`` to ``end_min`` [min]."""

    truck: str
    dock: str
    start_min: int
    end_min: int


@dataclass(frozen=True)
class Schedule:
    """A solution.

    Parameters
    ----------
    assignments : tuple[Assignment, ...]
    objective : float
        Total waiting + handling time, sum over trucks of (end − release), weighted [min]; the
        DBAP benchmark's objective.
    feasible : bool
        Every truck is placed and every constraint holds.
    lower_bound : float | None
        Proven lower bound on ``objective`` when the solver gives one [min].
    status : str
        Solver status ("OPTIMAL", "FEASIBLE", "HEURISTIC", "INFEASIBLE", ...).
    solver : str
        Which method produced it, e.g. "cp-sat", "fcfs" [-].
    wall_s : float
        Time taken [s].
    unplaced : tuple[str, ...]
        Trucks that could not be placed [-].
    """

    assignments: tuple[Assignment, ...]
    objective: float
    feasible: bool
    lower_bound: float | None = None
    status: str = ""
    solver: str = ""
    wall_s: float = 0.0
    unplaced: tuple[str, ...] = field(default_factory=tuple)
