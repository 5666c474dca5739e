"""Optimal chiller loading: literature acceptance, certificates, errors and invariants."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkzero.errors import ConfigError, InfeasibleError
from parkzero.hvac import (
    Case,
    Chiller,
    CubicCurve,
    EirCurve,
    OclParams,
    Plant,
    equal_loading,
    optimal_loading,
)
from parkzero.hvac.ocl import set_loading, set_power_table

# the shipped copy of ../shared/data/benchmarks/chiller/ocl_case_3x800RT.json
SHARED_CASE = Path(__file__).parents[2] / "examples" / "hvac" / "ocl_case_3x800RT.json"

CONVENTIONS = {"all_on_plr_0.3_1": False, "on_off_plr_0.3_1": True}


def _acceptance_rows() -> list[tuple[float, str]]:
    if not SHARED_CASE.exists():
        return []
    data = json.loads(SHARED_CASE.read_text(encoding="utf-8"))["case2_3ch"]["results"]
    return [(float(load), conv) for load, by in data.items() for conv in by]


@pytest.mark.parametrize(("load", "convention"), _acceptance_rows())
def test_literature_case_matches_every_listed_optimum(
    case: Case, load: float, convention: str
) -> None:
    # Acceptance (issue 8): every load level within 0.05 % under both conventions.
    expected_kw, expected_plr = case.optima[load][convention]
    best = optimal_loading(case.plant, load, allow_off=CONVENTIONS[convention])
    assert best.power_kw == pytest.approx(expected_kw, rel=5e-4)
    # The listed values are rounded to 0.01 kW; ours is the certified optimum.
    assert abs(best.power_kw - expected_kw) <= 0.01
    assert best.plr == pytest.approx(expected_plr, abs=2e-4)
    assert best.proven()
    assert sum(best.load_each_rt) == pytest.approx(load, rel=1e-12)


def test_acceptance_rows_are_all_there() -> None:
    if not SHARED_CASE.exists():
        pytest.fail("examples/hvac/ocl_case_3x800RT.json is missing")
    assert len(_acceptance_rows()) == 12


def test_shipped_example_case_is_the_shared_case(case: Case, example_case: Case) -> None:
    assert example_case.plant == case.plant
    assert example_case.optima == case.optima


def test_switching_off_saves_at_1440_rt(plant3: Plant) -> None:
    # 1,440 RT: all three on costs 1,102.26 kW, chillers 2 and 3 alone 993.60 kW.
    all_on = optimal_loading(plant3, 1440)
    off = optimal_loading(plant3, 1440, allow_off=True)
    assert all_on.power_kw == pytest.approx(1102.2646, abs=1e-3)
    assert off.power_kw == pytest.approx(993.6021, abs=1e-3)
    assert off.on == (False, True, True)
    assert off.plr[0] == 0.0
    assert all_on.convention == "all_on" and off.convention == "allow_off"


def test_interior_concave_optimum_is_certified(plant3: Plant) -> None:
    # At 1,200 RT all-on, chiller 2 runs at PLR 0.385, inside the concave part of its curve
    # (inflection at 380.58 / (3 × 275.95) = 0.46): equal-marginal KKT alone cannot prove this.
    best = optimal_loading(plant3, 1200)
    assert best.plr[1] == pytest.approx(0.3849, abs=1e-4)
    assert best.plr[1] < 380.58 / (3 * 275.95)
    assert best.gap_kw is not None and best.gap_kw <= 1e-6
    assert best.nodes > 1


def test_equal_loading_numbers(plant3: Plant) -> None:
    eq = equal_loading(plant3, 1440)
    assert eq.plr == (0.6, 0.6, 0.6)
    expected = sum(
        c.curve.power_kw(0.6) for c in plant3.chillers if isinstance(c.curve, CubicCurve)
    )
    assert eq.power_kw == pytest.approx(expected)
    assert eq.method == "equal" and eq.lower_bound_kw is None and eq.gap_kw is None


def test_equal_loading_false_loads_below_min_plr(plant3: Plant) -> None:
    eq = equal_loading(plant3, 300)  # 0.125 PLR each: raised to 0.3
    assert eq.plr == (0.3, 0.3, 0.3)
    assert sum(eq.load_each_rt) == pytest.approx(720)


def test_load_above_capacity_names_the_shortfall(plant3: Plant) -> None:
    with pytest.raises(InfeasibleError, match=r"shortfall 100\.00 RT"):
        optimal_loading(plant3, 2500, allow_off=True)
    with pytest.raises(InfeasibleError, match="shortfall"):
        optimal_loading(plant3, 2500)


def test_load_below_minimum_is_infeasible(plant3: Plant) -> None:
    with pytest.raises(InfeasibleError, match=r"all-on minimum stable load 720\.00 RT"):
        optimal_loading(plant3, 500)
    with pytest.raises(InfeasibleError, match="smallest chiller"):
        optimal_loading(plant3, 100, allow_off=True)


def test_zero_load_with_switch_off_is_all_off(plant3: Plant) -> None:
    best = optimal_loading(plant3, 0, allow_off=True)
    assert best.power_kw == 0.0 and best.on == (False, False, False)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "many"])
def test_bad_load_is_an_input_error(plant3: Plant, bad: object) -> None:
    with pytest.raises(ConfigError):
        optimal_loading(plant3, bad)  # type: ignore[arg-type]


def _grid_optimum(plant: Plant, load: float, allow_off: bool, step: float = 1e-3) -> float:
    """Brute force: every on/off set, a PLR grid on all chillers but the last [kW]."""
    arr = plant.arrays()
    best = np.inf
    n = plant.n
    sets = itertools.product((False, True), repeat=n) if allow_off else [(True,) * n]
    for on in sets:
        idx = [i for i in range(n) if on[i]]
        if not idx:
            continue
        grids = [np.arange(arr.min_plr[i], arr.max_plr[i] + step / 2, step) for i in idx[:-1]]
        mesh = np.meshgrid(*grids, indexing="ij") if grids else []
        last = idx[-1]
        rest = load - sum(m * arr.capacity_rt[i] for m, i in zip(mesh, idx[:-1], strict=True))
        x_last = np.asarray(rest / arr.capacity_rt[last], dtype=float)
        ok = (x_last >= arr.min_plr[last] - 1e-12) & (x_last <= arr.max_plr[last] + 1e-12)

        def power(i: int, x: np.ndarray) -> np.ndarray:
            a, b, c, d = arr.coef[i]
            return a + x * (b + x * (c + x * d))

        total = power(last, x_last)
        for m, i in zip(mesh, idx[:-1], strict=True):
            total = total + power(i, m)
        best = min(best, float(np.min(np.where(ok, total, np.inf))))
    return best


def _random_plant(rng: np.random.Generator, n: int) -> Plant:
    chillers = []
    for i in range(n):
        cap = float(rng.uniform(200, 1000))
        s = cap / 800
        curve = CubicCurve(
            float(rng.uniform(20, 150)) * s,
            float(rng.uniform(-200, 900)) * s,
            float(rng.uniform(-1200, 600)) * s,
            float(rng.uniform(-600, 900)) * s,
        )
        chillers.append(
            Chiller(
                f"c{i}",
                cap,
                curve,
                min_plr=float(rng.choice([0.0, 0.2, 0.3])),
                aux_kw=float(rng.uniform(0, 30)),
            )
        )
    return Plant(tuple(chillers))


def test_never_worse_than_a_fine_grid_and_bound_below_it() -> None:
    # Random cubics, convex or not, monotone or not: the certified optimum is never above the
    # best point of a 0.001-PLR grid, and its lower bound is never above that point either.
    rng = np.random.default_rng(20240701)
    checked = 0
    for _ in range(30):
        plant = _random_plant(rng, 3)
        load = float(rng.uniform(0.05, 1.0) * plant.capacity_rt())
        allow_off = bool(rng.integers(2))
        try:
            best = optimal_loading(plant, load, allow_off=allow_off)
        except InfeasibleError:
            continue
        grid = _grid_optimum(plant, load, allow_off)
        assert best.power_kw <= grid + 1e-6
        assert best.lower_bound_kw is not None and best.lower_bound_kw <= grid + 1e-9
        assert best.proven()
        checked += 1
    assert checked >= 18


def test_eight_chillers_certified(plant8: Plant) -> None:
    for frac in (0.1, 0.35, 0.62, 0.9):
        load = frac * plant8.capacity_rt()
        best = optimal_loading(plant8, load, allow_off=True)
        assert best.proven()
        assert best.power_kw <= equal_loading(plant8, load).power_kw


def test_eir_curve_follows_condenser_temperature() -> None:
    # EnergyPlus Chillers.idf "ElectricEIRChiller McQuay WSC 471kW/5.89COP/Vanes", curves valid
    # for condenser water entering at 12.78-26.67 °C.
    eir = EirCurve(
        471.2,
        5.89,
        (0.2521130, 0.01324053, -0.008637329, 0.08581056, -0.004261176, 0.008661899),
        (0.4475238, -0.02588210, -0.001459053, 0.04342595, -0.001000651, 0.001920106),
        (0.2778889, 0.2338363, 0.4883748),
        t_chw_c=8.89,
        t_cw_ref_c=26.67,
        t_cw_min_c=12.78,
        t_cw_max_c=26.67,
    )
    # At the reference point both modifiers are ~1: full load draws ~ Q_ref / COP_ref.
    assert eir.capacity_factor() == pytest.approx(1.0, abs=2e-3)
    assert eir.power_kw(1.0) == pytest.approx(471.2 / 5.89, rel=5e-3)
    # Outside the validity range the curves are clipped, as EnergyPlus does.
    assert eir.power_kw(0.7, 32.0) == eir.power_kw(0.7, 26.67)
    # Cooler condenser water: more capacity and fewer kW per RT.
    ch = Chiller("p", 471.2 / 3.51685, eir, min_plr=0.2)
    plant = Plant((ch,))
    assert plant.capacity_rt(20.0) > plant.capacity_rt(26.0)
    warm = optimal_loading(plant, 100, t_cw_c=26.0)
    cool = optimal_loading(plant, 100, t_cw_c=20.0)
    assert cool.power_kw < warm.power_kw
    assert cool.plr[0] < warm.plr[0]


def test_set_tables_agree_with_single_solves(plant3: Plant) -> None:
    loads = np.array([0.0, 150.0, 960.0, 1440.0, 2160.0])
    power, bypass = set_power_table(plant3, loads, params=OclParams())
    assert power.shape == (5, 8)
    assert power[0, 0] == 0.0 and np.isinf(power[1, 0])
    # Set 0b110 = chillers 2 and 3 at 1,440 RT is the switch-off optimum.
    assert power[3, 0b110] == pytest.approx(993.6021, abs=1e-3)
    assert power[3, 0b111] == pytest.approx(1102.2646, abs=1e-3)
    assert np.isinf(power[4, 0b011])  # 1,600 RT of capacity for 2,160 RT
    # 150 RT on chiller 1 alone: false-loaded at its 240 RT minimum.
    assert bypass[1, 0b001] == pytest.approx(90.0)
    plr, pw = set_loading(plant3, loads[1:4], np.array([0b001, 0b111, 0b110]))
    assert plr[0] == pytest.approx([0.3, 0, 0])
    assert pw[2] == pytest.approx(993.6021, abs=1e-3)


def test_identical_chillers_deduplicated_consistently() -> None:
    curve = CubicCurve(66.598, 606.34, -380.58, 275.95)
    twins = Plant(tuple(Chiller(f"T{i}", 800, curve) for i in range(3)))
    power, _ = set_power_table(twins, np.array([700.0, 1500.0]))
    # Sets with the same number of identical chillers cost the same.
    for count in (1, 2, 3):
        cols = [s for s in range(1, 8) if bin(s).count("1") == count]
        assert np.allclose(power[:, cols], power[:, cols[:1]], equal_nan=True)


# --------------------------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------------------------

coef = st.tuples(
    st.floats(10, 200),
    st.floats(-300, 1000),
    st.floats(-1200, 800),
    st.floats(-600, 1000),
)
chiller_st = st.builds(
    lambda cap, c, mp, aux: (cap, c, mp, aux),
    st.floats(150, 1200),
    coef,
    st.sampled_from([0.1, 0.2, 0.3, 0.5]),
    st.floats(0, 40),
)


def _plant(specs: list[tuple[float, tuple[float, float, float, float], float, float]]) -> Plant:
    return Plant(
        tuple(
            Chiller(f"c{i}", cap, CubicCurve(*(v * cap / 800 for v in c)), min_plr=mp, aux_kw=aux)
            for i, (cap, c, mp, aux) in enumerate(specs)
        )
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(chiller_st, min_size=1, max_size=5), frac=st.floats(0.0, 1.0))
def test_optimum_never_above_equal_loading(specs: list, frac: float) -> None:  # type: ignore[type-arg]
    plant = _plant(specs)
    arr = plant.arrays()
    cap = float(np.sum(arr.capacity_rt))
    lo_share = float(np.max(arr.min_plr))  # equal PLR must be feasible for every chiller
    load = cap * (lo_share + frac * (1.0 - lo_share))
    eq = equal_loading(plant, load)
    best = optimal_loading(plant, load)
    off = optimal_loading(plant, load, allow_off=True)
    tol = 1e-7 * max(1.0, abs(eq.power_kw))
    assert best.power_kw <= eq.power_kw + tol
    assert off.power_kw <= best.power_kw + tol
    assert best.proven() and off.proven()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(chiller_st, min_size=1, max_size=4),
    extra=chiller_st,
    frac=st.floats(0.0, 1.0),
)
def test_adding_a_chiller_never_raises_the_optimum(
    specs: list,  # type: ignore[type-arg]
    extra: tuple,  # type: ignore[type-arg]
    frac: float,
) -> None:
    plant = _plant(specs)
    bigger = _plant([*specs, extra])
    arr = plant.arrays()
    smallest = float(np.min(arr.capacity_rt * arr.min_plr))
    load = smallest + frac * (float(np.sum(arr.capacity_rt)) - smallest)
    before = optimal_loading(plant, load, allow_off=True)
    after = optimal_loading(bigger, load, allow_off=True)
    assert after.power_kw <= before.power_kw + 1e-7 * max(1.0, abs(before.power_kw))
