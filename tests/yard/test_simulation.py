"""The SimPy yard day: arrivals, policies, measures and the lever result."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from parkzero.carbon.abatement import abatement
from parkzero.carbon.park import load_park
from parkzero.errors import ConfigError
from parkzero.yard.heuristics import evaluate, fcfs
from parkzero.yard.problem import Schedule
from parkzero.yard.simulation import (
    OptimisedPolicy,
    generate_day,
    lever_result,
    load_scenario,
    scenario_from_dict,
    simulate,
    simulate_day,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SMALL = EXAMPLES / "yard" / "small-day.yaml"


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(SMALL)


def _stand_in_reopt(problem, current: Schedule, now: int) -> Schedule:  # type: ignore[no-untyped-def]
    return fcfs(problem)


def test_generated_day_is_reproducible_and_bookings_fit(scenario) -> None:  # type: ignore[no-untyped-def]
    a, b = generate_day(scenario, 3), generate_day(scenario, 3)
    assert a == b and generate_day(scenario, 4) != a
    assert len(a.visits) == 80
    booked = [v for v in a.visits if v.appointment_min is not None]
    assert len(booked) >= 70  # walk-ins ~5 % and a full day leave a few without a slot
    yard = scenario.yard
    for v in booked:
        dock = yard.dock(v.appointment_dock)  # type: ignore[arg-type]
        assert dock.accepts(v.direction, v.cargo, v.vehicle)  # type: ignore[arg-type]
        o, c = yard.dock_hours(dock)
        assert o <= v.appointment_min < c  # type: ignore[operator]


def test_policies_with_a_stand_in_solver(scenario) -> None:  # type: ignore[no-untyped-def]
    day = generate_day(scenario, 0)
    res = simulate(scenario, 0, solver=fcfs, reoptimiser=_stand_in_reopt)
    base, appt, opt = res["fcfs"], res["appointments_fcfs"], res["appointments_optimised"]
    came = sum(not v.no_show for v in day.visits)
    for r in res.values():
        assert r.trucks == came and r.served + r.turned_away == came
        assert r.p95_wait_min >= r.mean_wait_min >= 0
        assert r.mean_turnaround_min > r.mean_wait_min
        assert 0 < r.dock_utilisation < 1
        # idling: waiting [h] × share 1.0 × 3.03 L/h
        assert r.idle_fuel_l == pytest.approx(r.idle_h * 3.03)
        assert r.warehouse_kwh == pytest.approx(r.operating_h * 1142)
        assert r.queue_max >= r.queue_mean
    assert opt.solver_calls >= 1
    assert appt.mean_wait_min < 0.7 * base.mean_wait_min
    assert opt.mean_wait_min < 0.7 * base.mean_wait_min


def test_optimised_policy_with_cp_sat_cuts_waiting(scenario) -> None:  # type: ignore[no-untyped-def]
    day = generate_day(scenario, 1)
    base = simulate_day(
        scenario, day, __import__("parkzero.yard.simulation", fromlist=["x"]).FcfsPolicy()
    )
    policy = OptimisedPolicy(scenario.optimiser, seed=1)
    opt = simulate_day(scenario, day, policy)
    assert opt.solver_calls >= 1 and opt.solver_s > 0
    assert opt.served == base.served
    assert opt.mean_wait_min <= 0.7 * base.mean_wait_min
    # the announced plan of the day's bookings was a valid schedule
    assert policy.plan and all(a.end_min > a.start_min for a in policy.plan.values())


def test_first_plan_is_checked_by_the_independent_evaluator(scenario) -> None:  # type: ignore[no-untyped-def]
    from parkzero.yard.models import to_problem

    day = generate_day(scenario, 2)
    booked = [v.appointment() for v in day.visits if v.appointment_min is not None]
    problem = to_problem(scenario.yard, booked, overtime_min=scenario.overtime_min)
    plan = fcfs(problem)
    assert evaluate(problem, plan.assignments).feasible


def test_lever_result_goes_through_carbon(scenario) -> None:  # type: ignore[no-untyped-def]
    res = simulate(scenario, 0, policies=["fcfs", "appointments_fcfs"])
    lever = lever_result(scenario, res["fcfs"], res["appointments_fcfs"])
    assert lever.lever == "yard.appointments"
    fuel_b, kwh_b = lever.baseline
    fuel_s, _ = lever.scenario
    assert (fuel_b.kind, fuel_b.unit, kwh_b.kind, kwh_b.unit) == (
        "fuel.diesel.mobile",
        "L",
        "electricity.grid",
        "kWh",
    )
    # one day × 350 operating days
    assert fuel_b.quantity == pytest.approx(res["fcfs"].idle_fuel_l * 350)
    assert fuel_s.quantity < fuel_b.quantity
    park = load_park(EXAMPLES / "demo-park" / "park.yaml")
    ab = abatement(park, lever, 2024)
    assert ab.baseline_tco2e > 0
    assert lever.metrics["mean_wait_min"] < lever.metrics["baseline_mean_wait_min"]


def test_bad_scenario_names_the_field(tmp_path: Path) -> None:
    data = {"yard": {"id": "y", "docks": [{"id": "D"}]}, "scenario": {"policies": ["magic"]}}
    with pytest.raises(ConfigError, match="unknown policy 'magic'") as err:
        scenario_from_dict(data, source="s.yaml")
    assert err.value.column == "scenario.policies"
    with pytest.raises(ConfigError, match=r"demand\.trucks"):
        scenario_from_dict({"yard": data["yard"], "scenario": {"demand": {"trucks": 0}}})
    with pytest.raises(ConfigError, match="yard"):
        scenario_from_dict({"scenario": {}}, source="s.yaml")
    with pytest.raises(ConfigError, match="not found"):
        load_scenario(tmp_path / "missing.yaml")


def test_demo_scenario_loads() -> None:
    demo = load_scenario(EXAMPLES / "yard" / "demo-day.yaml")
    assert demo.demand.trucks == 1000 and len(demo.yard.docks) == 50
    assert demo.park is not None and demo.park.name == "park.yaml"
    assert dataclasses.is_dataclass(generate_day(demo, 0).visits[0])
