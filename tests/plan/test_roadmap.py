"""The roadmap MILP: optimal against brute force, budgets, ramps, infeasibility explained."""

from __future__ import annotations

import itertools

import pytest

from parkzero.errors import ConfigError, InfeasibleError
from parkzero.plan.roadmap import (
    RoadmapLever,
    RoadmapParams,
    RoadmapProblem,
    deployment_cost,
    evaluate_schedule,
    greedy_roadmap,
    ramp,
    solve_roadmap,
)

YEARS = [2025, 2026, 2027, 2028]


def lever(
    id: str,
    a: float,
    capex: float,
    opex: float,
    *,
    life: float = 10,
    ramp_years: int = 1,
    group: str = "",
) -> RoadmapLever:
    return RoadmapLever(id, [a] * 4, [opex] * 4, capex, life, ramp_years, group)


def problem(**kw: object) -> RoadmapProblem:
    levers = [
        lever("cheap", 200.0, 100_000, -5_000),
        lever("ramped", 500.0, 400_000, 0.0, ramp_years=2),
        lever("ie3", 150.0, 50_000, 0.0, group="motor"),
        lever("ie4", 250.0, 150_000, 0.0, group="motor"),
        lever("short_life", 300.0, 60_000, 10_000, life=2),
    ]
    args: dict = {
        "years": YEARS,
        "bau": [1_000.0] * 4,
        "cap": [950.0, 800.0, 600.0, 450.0],
        "levers": levers,
        "discount_rate": 0.06,
    }
    args.update(kw)
    return RoadmapProblem(**args)


def brute_force(p: RoadmapProblem) -> tuple[float, list[int | None]] | None:
    best: tuple[float, list[int | None]] | None = None
    options = [None, *range(len(p.years))]
    for combo in itertools.product(options, repeat=len(p.levers)):
        ev = evaluate_schedule(p, list(combo))
        if ev["feasible"] and (best is None or ev["cost"] < best[0] - 1e-6):
            best = (ev["cost"], list(combo))
    return best


@pytest.mark.parametrize("formulation", ["hybrid", "step", "pulse"])
@pytest.mark.parametrize("budget", [None, 400_000.0, 250_000.0])
def test_milp_matches_brute_force(budget: float | None, formulation: str) -> None:
    p = problem(budget=budget)
    expected = brute_force(p)
    assert expected is not None
    road = solve_roadmap(p, RoadmapParams(formulation=formulation))
    assert road.status == "optimal"
    assert road.cost_cny == pytest.approx(expected[0], rel=1e-9, abs=1e-6)
    assert all(e <= c + 1e-6 for e, c in zip(road.emissions, road.cap, strict=True))
    if budget is not None:
        assert max(road.capex) <= budget + 1e-6
    # at most one motor class
    assert sum(road.deploy[k] is not None for k in ("ie3", "ie4")) <= 1


def test_ramp_and_reinvestment_are_modelled() -> None:
    assert ramp(0, 2) == 0.5 and ramp(1, 2) == 1.0
    p = problem()
    ev = evaluate_schedule(p, [None, 0, None, None, 0])
    # ramped lever: 250 in its first year, 500 after; short_life reinvested every 2 years
    assert list(ev["abatement"]) == [550.0, 800.0, 800.0, 800.0]
    assert list(ev["capex"]) == [460_000.0, 0.0, 60_000.0, 0.0]
    # cost is the present value of equivalent annual costs from the deployment year
    crf = 0.06 / (1 - 1.06**-10)
    assert deployment_cost(p, p.levers[0], 2) == pytest.approx(
        sum((100_000 * crf - 5_000) * 1.06 ** -(y + 1) for y in (2, 3))
    )


def test_money_saving_levers_are_deployed_at_once() -> None:
    p = problem(cap=[1_000.0] * 4)  # no pressure from the pathway
    road = solve_roadmap(p)
    annual = 100_000 * 0.06 / (1 - 1.06**-10) - 5_000
    assert annual > 0 and road.deploy["cheap"] is None  # costs money: not needed
    saver = problem(cap=[1_000.0] * 4, levers=[lever("saver", 10.0, 10_000, -10_000)])
    assert solve_roadmap(saver).deploy["saver"] == 2025


def test_greedy_is_feasible_but_not_cheaper() -> None:
    p = problem()
    greedy = greedy_roadmap(p)
    assert greedy is not None
    assert evaluate_schedule(
        p,
        [
            (None if greedy.deploy[lv.id] is None else YEARS.index(greedy.deploy[lv.id]))
            for lv in p.levers
        ],
    )["feasible"]
    assert greedy.cost_cny >= solve_roadmap(p).cost_cny - 1e-6


def test_credits_are_the_residual_emissions() -> None:
    road = solve_roadmap(problem())
    assert road.credits_needed == pytest.approx(road.emissions)
    data = road.to_dict()
    assert [y["credits_needed_tco2e"] for y in data["years"]] == pytest.approx(road.emissions)
    assert data["status"] == "optimal"


def test_infeasible_explanation_numbers() -> None:
    small = [lever("a", 100.0, 10_000, 0.0), lever("b", 50.0, 10_000, 0.0, ramp_years=2)]
    p = RoadmapProblem(YEARS, [1_000.0] * 4, [950.0, 900.0, 880.0, 800.0], small)
    with pytest.raises(InfeasibleError) as exc:
        solve_roadmap(p)
    err = exc.value
    # best possible: 1,000 − 100 − 25 = 875 in 2025, then 850 from 2026
    assert err.shortfall == pytest.approx({2028: 50.0})  # type: ignore[attr-defined]
    assert err.reason == "levers"  # type: ignore[attr-defined]
    assert "2028: at best 850.0 tCO2e against the pathway's 800.0 (short by 50.0 tCO2e)" in str(err)
    assert "2027" not in str(err)


def test_budget_infeasibility_is_explained() -> None:
    small = [lever("a", 100.0, 10_000, 0.0), lever("b", 100.0, 10_000, 0.0)]
    p = RoadmapProblem(YEARS, [1_000.0] * 4, [800.0] * 4, small, budget=15_000.0)
    with pytest.raises(InfeasibleError) as exc:
        solve_roadmap(p)
    err = exc.value
    assert err.reason == "budget"  # type: ignore[attr-defined]
    assert "budget of 15,000 CNY is too small" in str(err)
    assert sum(err.shortfall.values()) == pytest.approx(100.0)  # type: ignore[attr-defined]


def test_bad_problems() -> None:
    with pytest.raises(ConfigError, match="one value per horizon year"):
        RoadmapProblem(YEARS, [1.0] * 3, [1.0] * 4, [])
    with pytest.raises(ConfigError, match='lever "x" needs'):
        RoadmapProblem(YEARS, [1.0] * 4, [1.0] * 4, [RoadmapLever("x", [1.0], [0.0], 1.0, 5)])
    with pytest.raises(ConfigError, match="budget"):
        RoadmapProblem(YEARS, [1.0] * 4, [1.0] * 4, [], budget=-1.0)
