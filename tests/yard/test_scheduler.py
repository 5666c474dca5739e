"""CP-SAT dock scheduler: hand-checked optima, every constraint, DBAP instances, online re-planning.

Every schedule goes through the independent checker (tests/yard/checker.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkzero.errors import ConfigError
from parkzero.yard.dbap import read_dbap
from parkzero.yard.generate import DayParams, generate_day
from parkzero.yard.heuristics import fcfs
from parkzero.yard.problem import (
    Assignment,
    DockProblem,
    DockSlot,
    Schedule,
    StaffWindow,
    TruckJob,
)
from parkzero.yard.scheduler import CpSatParams, reoptimise, solve

Check = Callable[..., float]
FAST = CpSatParams(time_limit_s=2.0)


def _at(s: Schedule) -> dict[str, tuple[str, int, int]]:
    return {a.truck: (a.dock, a.start_min, a.end_min) for a in s.assignments}


def test_short_trucks_first_even_if_the_dock_idles(check: Check) -> None:
    p = DockProblem(
        trucks=(
            TruckJob("A", 0, {"D1": 30}),
            TruckJob("B", 1, {"D1": 5}),
            TruckJob("C", 2, {"D1": 5}),
        ),
        docks=(DockSlot("D1"),),
    )
    # FCFS: A 0–30, B 30–35, C 35–40 → 30 + 34 + 38 = 102.
    # Optimum: idle until B arrives: B 1–6, C 6–11, A 11–41 → 5 + 9 + 41 = 55.
    assert fcfs(p).objective == 102
    s = solve(p, FAST)
    assert check(p, s) == 55
    assert (s.status, s.lower_bound, s.solver) == ("OPTIMAL", 55.0, "cp-sat")
    assert _at(s)["A"] == ("D1", 11, 41)


def test_staff_capacity_serialises_docks(check: Check) -> None:
    trucks = (TruckJob("A", 0, {"D1": 10, "D2": 10}), TruckJob("B", 0, {"D1": 10, "D2": 10}))
    docks = (DockSlot("D1"), DockSlot("D2"))
    free = solve(DockProblem(trucks, docks), FAST)
    assert check(DockProblem(trucks, docks), free) == 10 + 10  # both at once
    p = DockProblem(trucks, docks, staff=(StaffWindow(0, 1440, 1),))
    assert check(p, solve(p, FAST)) == 10 + 20  # one worker: one after the other


def test_staff_shift_gap(check: Check) -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 30}), TruckJob("B", 0, {"D1": 10})),
        docks=(DockSlot("D1"),),
        staff=(StaffWindow(0, 20, 1), StaffWindow(40, 200, 1)),
    )
    # B 0–10 fits the first shift; A (30 min) only from 40: 10 + 70 = 80
    s = solve(p, FAST)
    assert check(p, s) == 80
    assert _at(s)["A"] == ("D1", 40, 70)


def test_buffer_capacity_sends_a_truck_to_the_slow_dock(check: Check) -> None:
    trucks = (TruckJob("A", 0, {"D1": 10, "D2": 30}), TruckJob("B", 0, {"D1": 10, "D2": 30}))
    docks = (DockSlot("D1"), DockSlot("D2"))
    # unlimited: both on the fast dock, 10 + 20 = 30
    assert check(DockProblem(trucks, docks), solve(DockProblem(trucks, docks), FAST)) == 30
    # no truck may wait: one goes to D2 at once, 10 + 30 = 40
    p = DockProblem(trucks, docks, buffer_capacity=0)
    s = solve(p, FAST)
    assert check(p, s) == 40
    assert sorted(d for d, _, _ in _at(s).values()) == ["D1", "D2"]


def test_latest_departure_reorders(check: Check) -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 10}), TruckJob("B", 0, {"D1": 20}, latest_end_min=20)),
        docks=(DockSlot("D1"),),
    )
    # shortest first would be 10 + 30 = 40 but B must leave by 20: B 0–20, A 20–30 → 50
    assert check(p, solve(p, FAST)) == 50


def test_opening_hours(check: Check) -> None:
    p = DockProblem(trucks=(TruckJob("A", 0, {"D1": 10}),), docks=(DockSlot("D1", 100, 200),))
    s = solve(p, FAST)
    assert _at(s)["A"] == ("D1", 100, 110)
    assert check(p, s) == 110


def test_weighted_turnaround_serves_the_heavy_truck_first(check: Check) -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 10}), TruckJob("B", 0, {"D1": 10}, weight=5)),
        docks=(DockSlot("D1"),),
    )
    s = solve(p, CpSatParams(time_limit_s=2, objective="weighted_turnaround"))
    assert check(p, s) == 5 * 10 + 1 * 20  # 70; the other order gives 10 + 5 × 20 = 110
    assert s.lower_bound == 70


def test_unplaceable_truck_is_reported(check: Check) -> None:
    p = DockProblem(
        trucks=(TruckJob("A", 0, {"D1": 10}), TruckJob("B", 0, {"D1": 30}, latest_end_min=20)),
        docks=(DockSlot("D1"),),
    )
    s = solve(p, FAST)
    assert s.unplaced == ("B",) and not s.feasible
    assert check(p, s, expect_feasible=False) == 10


@pytest.mark.parametrize("name", ["f30x3-01", "f30x3-06", "f30x5-04", "f30x5-09"])
def test_dbap_beats_fcfs(dbap_dir: Path, check: Check, name: str) -> None:
    p = read_dbap(dbap_dir / f"{name}.txt")
    base = fcfs(p)
    s = solve(p, CpSatParams(time_limit_s=2.0))
    value = check(p, s)
    assert value < base.objective
    assert s.lower_bound is not None and s.lower_bound <= value
    assert s.wall_s < 2.0 + 1.0


def test_generated_day_with_staff_and_buffer(check: Check) -> None:
    p = generate_day(DayParams(trucks=150, docks=10, workers=(8, 6), buffer_share=0.3), seed=3)
    base = fcfs(p)
    s = solve(p, CpSatParams(time_limit_s=3.0))
    check(p, s, expect_feasible=base.feasible or s.feasible)
    assert s.objective <= base.objective
    assert s.wall_s < 3.0 + 1.5


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    releases=st.lists(st.integers(0, 60), min_size=1, max_size=7),
    handling=st.lists(st.integers(1, 25), min_size=14, max_size=14),
    staff=st.sampled_from([None, 1, 2]),
    buffer=st.sampled_from([None, 1, 3]),
)
def test_random_days_are_valid_and_never_worse_than_fcfs(
    check: Check, releases: list[int], handling: list[int], staff: int | None, buffer: int | None
) -> None:
    docks = (DockSlot("D1", 0, 400), DockSlot("D2", 10, 400))
    trucks = tuple(
        TruckJob(f"T{i}", r, {"D1": handling[2 * i], "D2": handling[2 * i + 1]})
        if i % 3
        else TruckJob(f"T{i}", r, {"D2": handling[2 * i + 1]})
        for i, r in enumerate(releases)
    )
    p = DockProblem(
        trucks,
        docks,
        staff=() if staff is None else (StaffWindow(0, 400, staff),),
        buffer_capacity=buffer,
    )
    base = fcfs(p)
    s = solve(p, CpSatParams(time_limit_s=0.5))
    if s.feasible:
        value = check(p, s)
        if base.feasible:
            assert value <= base.objective
    else:
        assert not base.feasible  # CP-SAT only fails where the baseline fails too


# ---------------------------------------------------------------------------- online


def _day() -> DockProblem:
    return DockProblem(
        trucks=(
            TruckJob("A", 0, {"D1": 30, "D2": 30}),
            TruckJob("B", 0, {"D1": 30, "D2": 30}),
            TruckJob("C", 10, {"D1": 20, "D2": 20}),
            TruckJob("D", 40, {"D1": 20, "D2": 20}),
        ),
        docks=(DockSlot("D1"), DockSlot("D2")),
    )


def test_reoptimise_keeps_started_trucks_and_drops_no_shows(check: Check) -> None:
    p = _day()
    plan = solve(p, FAST)
    check(p, plan)
    started = {a.truck: a for a in plan.assignments if a.start_min < 15}
    assert set(started) == {"A", "B"}  # both start at 0
    # C does not show up; D checks in early at 15
    later = DockProblem(
        trucks=(p.trucks[0], p.trucks[1], TruckJob("D", 15, {"D1": 20, "D2": 20})),
        docks=p.docks,
    )
    s = reoptimise(later, plan, now_min=15, params=FAST)
    check(later, s)
    for tid, a in started.items():
        assert _at(s)[tid] == (a.dock, a.start_min, a.end_min)
    assert "C" not in _at(s)
    assert _at(s)["D"][1] == 30  # first dock free at 30
    assert s.objective == 30 + 30 + (50 - 15)


def test_reoptimise_never_starts_in_the_past(check: Check) -> None:
    p = DockProblem(trucks=(TruckJob("A", 0, {"D1": 10}),), docks=(DockSlot("D1"),))
    s = reoptimise(p, Schedule((), 0.0, True), now_min=25, params=FAST)
    assert _at(s)["A"] == ("D1", 25, 35)
    check(p, s)


def test_announced_dock_kept_unless_the_gain_is_worth_it(check: Check) -> None:
    docks = (DockSlot("D1"), DockSlot("D2"))
    busy = TruckJob("X", 0, {"D1": 40})
    told = TruckJob("Y", 0, {"D1": 10, "D2": 10}, fixed_dock="D1", fixed_start_min=40)
    p = DockProblem(trucks=(busy, told), docks=docks)
    current = Schedule((Assignment("X", "D1", 0, 40),), 40.0, True)  # X is being served

    def replan(**kw: float) -> Schedule:
        return reoptimise(p, current, 1, CpSatParams(time_limit_s=2, shift_penalty=0, **kw))

    # D2 now: Y ends at 11 (+ penalty) instead of 50 at its announced D1
    s = replan(change_penalty=30)  # 11 + 30 = 41 < 50: move
    assert _at(s)["Y"] == ("D2", 1, 11)
    assert check(p, s) == 40 + 11
    s = replan(change_penalty=60)  # 11 + 60 = 71 > 50: stay
    assert _at(s)["Y"] == ("D1", 40, 50)
    assert s.lower_bound is None  # penalised objective: no bound on the plain one
    s = replan(change_penalty=0, max_changes=0)  # no change allowed at all
    assert _at(s)["Y"] == ("D1", 40, 50)
    assert _at(s)["X"] == ("D1", 0, 40)
    check(p, s)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"objective": "cost"}, "objective"),
        ({"time_limit_s": 0}, "time_limit_s"),
        ({"workers": 0}, "workers"),
        ({"change_penalty": -1}, "change_penalty"),
        ({"max_changes": -1}, "max_changes"),
    ],
)
def test_params_are_checked(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError) as err:
        CpSatParams(**kwargs)  # type: ignore[arg-type]
    assert err.value.column == field
