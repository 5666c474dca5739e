"""First-come-first-served baseline and the solver-side evaluation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parkzero.yard.dbap import read_dbap
from parkzero.yard.heuristics import evaluate, fcfs, lower_bound
from parkzero.yard.problem import Assignment, DockProblem, DockSlot, StaffWindow, TruckJob

Check = Callable[..., float]


def _spans(s: object) -> list[tuple[str, str, int, int]]:
    return [(a.truck, a.dock, a.start_min, a.end_min) for a in s.assignments]  # type: ignore[attr-defined]


def test_fcfs_takes_trucks_in_release_order_to_earliest_start(check: Check) -> None:
    p = DockProblem(
        trucks=(
            TruckJob("C", 2, {"D1": 5}),
            TruckJob("A", 0, {"D1": 30}),
            TruckJob("B", 1, {"D1": 5, "D2": 50}),
        ),
        docks=(DockSlot("D1"), DockSlot("D2")),
    )
    s = fcfs(p)
    # A at D1 0–30; B can start at D1 at 30 or at D2 at 1 → D2 1–51; C waits for D1: 30–35
    assert sorted(_spans(s)) == [("A", "D1", 0, 30), ("B", "D2", 1, 51), ("C", "D1", 30, 35)]
    assert check(p, s) == (30 - 0) + (51 - 1) + (35 - 2)  # 113
    assert (s.solver, s.status, s.lower_bound) == ("fcfs", "HEURISTIC", None)


def test_fcfs_respects_opening_hours_and_staff(check: Check) -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 10, "D2": 10}), TruckJob("B", 0, {"D1": 10, "D2": 10})),
        docks=(DockSlot("D1", 60, 600), DockSlot("D2", 60, 600)),
        staff=(StaffWindow(0, 600, 1),),
    )
    s = fcfs(p)
    # docks open at 60; one worker: B waits for A although D2 is free (then ties go to D1)
    assert sorted(_spans(s)) == [("A", "D1", 60, 70), ("B", "D1", 70, 80)]
    assert check(p, s) == 70 + 80


def test_fcfs_waits_for_the_next_shift(check: Check) -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 30}),),
        docks=(DockSlot("D1"),),
        staff=(StaffWindow(0, 20, 1), StaffWindow(40, 100, 1)),
    )
    # 30 min of work fits neither [0, 20) nor before 40: starts at 40
    assert _spans(fcfs(p)) == [("A", "D1", 40, 70)]


def test_fcfs_leaves_a_truck_that_cannot_make_its_deadline(check: Check) -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 30}), TruckJob("B", 0, {"D1": 30}, latest_end_min=40)),
        docks=(DockSlot("D1"),),
    )
    s = fcfs(p)
    assert s.unplaced == ("B",) and not s.feasible
    assert check(p, s, expect_feasible=False) == 30


def test_fcfs_reports_buffer_overflow(check: Check) -> None:
    p = DockProblem(
        trucks=tuple(TruckJob(f"T{i}", 0, {"D1": 10}) for i in range(3)),
        docks=(DockSlot("D1"),),
        buffer_capacity=1,
    )
    s = fcfs(p)
    assert not s.feasible  # two trucks wait at minute 0, the buffer holds one
    assert any("buffer" in v for v in evaluate(p, s.assignments).violations)
    check(p, s, expect_feasible=False)


def test_evaluate_finds_overlaps_and_wrong_docks() -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 10}), TruckJob("B", 0, {"D1": 10})),
        docks=(DockSlot("D1"), DockSlot("D2")),
    )
    bad = evaluate(p, [Assignment("A", "D1", 0, 10), Assignment("B", "D1", 5, 15)])
    assert not bad.feasible and any("overlap" in v for v in bad.violations)
    assert bad.objective == 10 + 15
    wrong = evaluate(p, [Assignment("A", "D2", 0, 10), Assignment("B", "D1", 0, 10)])
    assert any("not compatible" in v for v in wrong.violations)


def test_lower_bound_is_every_truck_alone() -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 10, "D2": 7}), TruckJob("B", 5, {"D1": 3}, weight=2)),
        docks=(DockSlot("D1", 10, 100), DockSlot("D2")),
    )
    # A: min(10 + 10, 0 + 7) − 0 = 7; B: 2 × (max(5, 10) + 3 − 5) = 16
    assert lower_bound(p) == 23


@pytest.mark.parametrize("name", ["f30x3-01", "f30x5-10"])
def test_fcfs_on_dbap_is_valid(dbap_dir: Path, check: Check, name: str) -> None:
    p = read_dbap(dbap_dir / f"{name}.txt")
    s = fcfs(p)
    check(p, s)
    assert s.objective >= lower_bound(p)
