"""Staging: the dynamic programme against brute force, the baseline, and the lever result."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from parkzero.carbon.models import LeverResult
from parkzero.errors import ConfigError, InfeasibleError
from parkzero.hvac import (
    Chiller,
    CubicCurve,
    LoadProfile,
    Plant,
    StagingParams,
    compare_staging,
    optimal_schedule,
    read_load,
    read_plant,
    sequential_schedule,
)
from parkzero.hvac.ocl import set_power_table
from parkzero.hvac.staging import Schedule

EXAMPLES = Path(__file__).parents[2] / "examples" / "hvac"


def _plant(min_on: float, min_off: float, penalty: float = 15.0) -> Plant:
    return Plant(
        (
            Chiller(
                "A",
                800,
                CubicCurve(100.95, 818.61, -973.43, 788.55),
                min_on_h=min_on,
                min_off_h=min_off,
                aux_kw=20,
            ),
            Chiller(
                "B",
                500,
                CubicCurve(40.0, 380.0, -100.0, 90.0),
                min_on_h=min_on,
                min_off_h=min_off,
                aux_kw=10,
            ),
        ),
        name="two",
        switch_penalty_kwh=penalty,
    )


def _profile(loads: list[float], step_h: float = 1.0) -> LoadProfile:
    return LoadProfile(dt.datetime(2024, 7, 1), step_h, np.asarray(loads, dtype=float))


def _runs_ok(on: np.ndarray, up: int, down: int) -> bool:
    """Every run lasts >= up steps and every rest between runs >= down steps (horizon ends
    excepted); the chillers start the horizon rested."""
    for col in on.T:
        values = [bool(v) for v in col]
        groups = [(k, len(list(g))) for k, g in itertools.groupby(values)]
        for i, (state, length) in enumerate(groups):
            last = i == len(groups) - 1
            if state and not last and length < up:
                return False
            if not state and 0 < i and not last and length < down:
                return False
    return True


def _brute_force(plant: Plant, profile: LoadProfile, up: int, down: int) -> float:
    power, _ = set_power_table(plant, profile.load_rt)
    cost = power * profile.step_h
    n = plant.n
    best = math.inf
    for seq in itertools.product(range(2**n), repeat=profile.steps):
        on = ((np.asarray(seq)[:, None] >> np.arange(n)) & 1).astype(bool)
        if not _runs_ok(on, up, down):
            continue
        energy = sum(cost[t, s] for t, s in enumerate(seq))
        prev = np.vstack([np.zeros((1, n), dtype=bool), on[:-1]])
        switches = int(np.sum(on != prev))
        best = min(best, energy + plant.switch_penalty_kwh * switches)
    return best


@pytest.mark.parametrize(("min_on", "min_off"), [(0.0, 0.0), (2.0, 1.0), (3.0, 2.0)])
def test_dp_matches_brute_force(min_on: float, min_off: float) -> None:
    plant = _plant(min_on, min_off)
    profile = _profile([300, 900, 1250, 200, 700, 0])
    sched = optimal_schedule(plant, profile)
    up, down = max(1, math.ceil(min_on)), max(1, math.ceil(min_off))
    assert _runs_ok(sched.on, up, down)
    assert sched.objective_kwh == pytest.approx(_brute_force(plant, profile, up, down), rel=1e-9)


def test_switch_penalty_trades_energy_for_fewer_starts() -> None:
    profile = _profile([700, 100, 700, 100, 700, 100, 700, 100])
    cheap = optimal_schedule(_plant(0, 0, penalty=0.0), profile)
    dear = optimal_schedule(_plant(0, 0, penalty=500.0), profile)
    assert dear.starts <= cheap.starts
    assert dear.energy_kwh >= cheap.energy_kwh - 1e-6
    assert cheap.objective_kwh == pytest.approx(cheap.energy_kwh)


def test_dp_never_worse_than_the_sequential_baseline() -> None:
    plant = read_plant(EXAMPLES / "PLANT.yaml")
    profile = read_load(EXAMPLES / "LOAD.csv")
    base = sequential_schedule(plant, profile)
    opt = optimal_schedule(plant, profile)
    assert opt.objective_kwh <= base.objective_kwh + 1e-6
    assert opt.energy_kwh < base.energy_kwh
    up = [max(1, math.ceil(c.min_on_h)) for c in plant.chillers]
    down = [max(1, math.ceil(c.min_off_h)) for c in plant.chillers]
    for i in range(plant.n):
        assert _runs_ok(opt.on[:, [i]], up[i], down[i])
        assert _runs_ok(base.on[:, [i]], up[i], down[i])
    # Every step carries its load.
    delivered = np.sum(opt.plr * opt.capacity_rt, axis=1)
    assert np.all(delivered >= profile.load_rt - 1e-6)


def test_sequential_baseline_stages_in_plant_order() -> None:
    plant = _plant(0, 0)
    sched = sequential_schedule(plant, _profile([300, 1000, 1250, 300]))
    assert sched.on.tolist() == [[True, False], [True, True], [True, True], [True, False]]
    # Equal PLR among the running chillers.
    assert sched.plr[1, 0] == pytest.approx(1000 / 1300)
    assert sched.plr[1, 1] == pytest.approx(1000 / 1300)


def test_quarter_hour_steps_round_min_times_up() -> None:
    plant = _plant(0.6, 0.3)  # 3 and 2 quarter-hour steps
    profile = _profile([400, 900, 200, 200, 900, 200, 900, 0], step_h=0.25)
    sched = optimal_schedule(plant, profile)
    assert _runs_ok(sched.on, 3, 2)
    assert sched.energy_kwh == pytest.approx(float(np.sum(sched.power_kw)) * 0.25)


def test_lever_result_reports_kwh_not_co2() -> None:
    plant = read_plant(EXAMPLES / "PLANT.yaml")
    profile = read_load(EXAMPLES / "LOAD.csv")
    cmp = compare_staging(plant, profile)
    lever = cmp.lever_result(price_cny_per_kwh=0.8, capex_cny=50_000)
    assert isinstance(lever, LeverResult)
    assert lever.lever == "hvac.ocl"
    (base,), (scen,) = lever.baseline, lever.scenario
    assert base.kind == scen.kind == "electricity.grid"
    assert base.unit == scen.unit == "kWh"
    factor = 8760 / 48
    assert base.quantity == pytest.approx(cmp.baseline.energy_kwh * factor)
    assert scen.quantity == pytest.approx(cmp.optimised.energy_kwh * factor)
    assert base.quality == "estimated"
    assert (base.start, base.end) == (dt.date(2024, 7, 15), dt.date(2025, 7, 14))
    assert lever.opex_delta_cny_per_year == pytest.approx(-(base.quantity - scen.quantity) * 0.8)
    assert lever.metrics["saving_kwh"] == pytest.approx(base.quantity - scen.quantity)
    assert not any("co2" in key.lower() for key in lever.metrics)
    assert len(str(lever.evidence["input_sha256"])) == 64


def test_full_year_is_reported_as_calculated() -> None:
    plant = Plant((Chiller("only", 500, CubicCurve(40.0, 380.0, -100.0, 90.0)),))
    hours = np.arange(8760)
    profile = LoadProfile(
        dt.datetime(2023, 1, 1), 1.0, 200 + 150 * np.sin(2 * np.pi * hours / 24) ** 2
    )
    lever = compare_staging(plant, profile).lever_result()
    assert lever.metrics["annualise_factor"] == 1.0
    assert lever.baseline[0].quality == "calculated"
    assert (lever.baseline[0].start, lever.baseline[0].end) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
    )


def test_load_above_capacity_names_the_row() -> None:
    with pytest.raises(InfeasibleError, match=r"row 3 .*shortfall 100\.00 RT"):
        optimal_schedule(_plant(0, 0), _profile([100, 200, 1400]))


def test_state_space_limit() -> None:
    plant = _plant(10, 10)
    with pytest.raises(ConfigError, match="state space"):
        optimal_schedule(plant, _profile([100, 200]), StagingParams(max_states=100))


def test_schedule_summary_keys() -> None:
    sched: Schedule = optimal_schedule(_plant(0, 0), _profile([300, 900]))
    assert set(sched.summary()) == {
        "method",
        "energy_kwh",
        "starts",
        "stops",
        "objective_kwh",
        "bypass_rth",
        "peak_kw",
    }
