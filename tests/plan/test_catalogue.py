"""The lever catalogue: the guide's motor example, data file hygiene, activity-only results."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from parkzero.carbon.abatement import abatement
from parkzero.carbon.inventory import compute_inventory
from parkzero.carbon.models import Activity, LeverResult
from parkzero.carbon.park import Park
from parkzero.errors import ConfigError
from parkzero.plan.base import ActivityBase, Basis
from parkzero.plan.catalogue import (
    CALCULATORS,
    ExternalLever,
    build_catalogue,
    lever_specs,
    motor_annual_energy,
    motor_upgrade,
)

from .conftest import HUBEI_2022, base_of, small_park

GUIDE_LEVERS = {
    "yard.appointments",
    "efficiency.motor_ie3",
    "efficiency.motor_ie4",
    "efficiency.robot_sleep",
    "it.edge_cloud",
    "ar.remote_maintenance",
    "routing.cold_chain",
    "paperless.epod",
    "agv.dispatch",
    "roster.shifts",
    "hvac.ocl",
    "energy.rooftop_pv",
    "energy.green_power_contract",
    "energy.green_certificates",
    "fleet.ev",
    "energy.storage_v2g",
    "packaging.shared_pallets",
    "packaging.reusable_boxes",
    "packaging.right_sizing",
    "coolant.dry_ice",
    "sinks.trees",
}


# -- acceptance: the guide's motor example ----------------------------------------------------


def test_motor_example_reproduces_the_guide_within_1_kwh() -> None:
    assert motor_annual_energy(18.5, 2400, 0.893) == pytest.approx(49_720, abs=1)
    assert motor_annual_energy(18.5, 2400, 0.942) == pytest.approx(47_134, abs=1)
    lever = motor_upgrade(18.5, 2400, 0.893, 0.942, year=2022, zone="a")
    assert lever.baseline[0].quantity == pytest.approx(49_720, abs=1)
    assert lever.scenario[0].quantity == pytest.approx(47_134, abs=1)
    assert lever.metrics["saving_kwh"] == pytest.approx(2_586, abs=1)


def test_motor_abatement_is_delta_kwh_times_the_parks_grid_factor() -> None:
    park = small_park()
    lever = motor_upgrade(18.5, 2400, 0.893, 0.942, year=2022, zone="a")
    saved_kwh = lever.baseline[0].quantity - lever.scenario[0].quantity
    # the factor the park's inventory uses for its grid electricity
    base = base_of(
        park, [{"kind": "electricity.grid", "quantity": 1_000_000, "unit": "kWh", "zone": "a"}]
    )
    inv = base.inventory(park)
    lines = inv.lines
    grid = lines[(lines["kind"] == "electricity.grid") & (lines["scope"] == 2)]
    factor = float(grid["factor_value"].iloc[0])  # kgCO2e/kWh
    assert factor == pytest.approx(HUBEI_2022, rel=1e-3)
    expected = saved_kwh * factor / 1000
    assert abatement(park, lever, 2022).tco2e == pytest.approx(expected, rel=1e-9)
    # the same through the activity base: inventory before minus after
    location = Basis("location")
    after = base.apply(lever)
    assert base.emissions(park, location) - after.emissions(park, location) == pytest.approx(
        expected, rel=1e-9
    )


def test_motor_rejects_impossible_efficiency() -> None:
    with pytest.raises(ConfigError, match="efficiency"):
        motor_annual_energy(18.5, 2400, 1.2)


# -- the data file ----------------------------------------------------------------------------


def test_every_guide_lever_is_in_the_data_file_with_sources() -> None:
    specs = lever_specs()
    assert GUIDE_LEVERS <= set(specs)
    for spec in specs.values():
        assert spec.calculator in CALCULATORS, spec.id
        assert spec.scaling in ("activity", "fixed")
        assert spec.ramp_years >= 1
        assert "lifetime_years" in spec.params, spec.id
        for name, param in spec.params.items():
            assert param.source, f"{spec.id}.{name} has no source"
            assert param.unit, f"{spec.id}.{name} has no unit"


def test_guide_figures_are_the_defaults() -> None:
    specs = lever_specs()
    assert specs["efficiency.motor_ie4"].num("efficiency_from") == 0.893
    assert specs["efficiency.motor_ie4"].num("efficiency_to") == 0.942
    assert specs["hvac.ocl"].num("saving") == 0.15
    assert specs["efficiency.robot_sleep"].num("saving") == 0.5
    assert specs["it.edge_cloud"].num("saving") == 0.5
    assert specs["ar.remote_maintenance"].num("saving") == 0.8
    assert specs["routing.cold_chain"].num("saving") == 0.3
    assert specs["sinks.trees"].num("removal_kgco2_per_tree_year") == 18.3


# -- every lever on the demo park: activity only, never CO2 -----------------------------------


@pytest.fixture(scope="module")
def demo_base(demo_park: Park, demo_activities: Any) -> ActivityBase:
    return ActivityBase.from_park(demo_park, demo_activities, 2024)


def test_activity_base_reproduces_the_inventory(
    demo_park: Park, demo_activities: Any, demo_base: ActivityBase
) -> None:
    direct = compute_inventory(demo_park, demo_activities, 2024, with_base_year=False)
    via_base = demo_base.inventory(demo_park)
    for key in ("total_tco2e", "total_market_tco2e", "scope1_tco2e", "scope3_tco2e"):
        assert via_base.summary[key] == pytest.approx(direct.summary[key], rel=1e-12)


def test_every_lever_returns_activity_data(demo_park: Park, demo_base: ActivityBase) -> None:
    for lever in build_catalogue():
        result = lever.evaluate(demo_park, demo_base, demo_base)
        assert isinstance(result, LeverResult) and result.lever == lever.id
        assert all(a.quantity >= 0 for a in (*result.baseline, *result.scenario)), lever.id
        assert not any(
            "co2" in k.lower()
            for k in result.metrics
            if "per_million" not in k and "per_tree" not in k
        ), lever.id
        assert result.lifetime_years > 0
        assert result.evidence["sources"], lever.id
        changes = result.baseline != result.scenario or result.evidence.get("instruments")
        assert changes or result.evidence.get("outside_inventory"), lever.id


def test_pv_replaces_grid_kwh_in_own_zones(demo_park: Park, demo_base: ActivityBase) -> None:
    (pv,) = build_catalogue(
        only=["energy.rooftop_pv"], overrides={"energy.rooftop_pv": {"params": {"kwp": 1000}}}
    )
    result = pv.evaluate(demo_park, demo_base, demo_base)
    after = demo_base.apply(result)
    grid = sum(a.quantity for a in after.rows(["electricity.grid"]))
    before = sum(a.quantity for a in demo_base.rows(["electricity.grid"]))
    assert before - grid == pytest.approx(1000 * 1075)
    assert result.capex_cny == pytest.approx(1000 * 1000 * 3.0)
    tenants = [a for a in after.rows(["electricity.grid"], own=False)]
    assert tenants == demo_base.rows(["electricity.grid"], own=False)


def test_instrument_levers_add_instruments_not_activity(
    demo_park: Park, demo_base: ActivityBase
) -> None:
    (gec,) = build_catalogue(
        only=["energy.green_certificates"],
        overrides={"energy.green_certificates": {"params": {"mwh": 500}}},
    )
    result = gec.evaluate(demo_park, demo_base, demo_base)
    after = demo_base.apply(result)
    assert after.quantities == demo_base.quantities
    assert after.instruments[-1].mwh == 500 and after.instruments[-1].type == "green_certificate"


# -- building the catalogue -------------------------------------------------------------------


def _supplied(lever: str) -> LeverResult:
    span = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 12, 31)}
    return LeverResult(
        lever,
        (Activity("electricity.grid", 100.0, "kWh", zone="a", **span),),
        (Activity("electricity.grid", 60.0, "kWh", zone="a", **span),),
        capex_cny=10.0,
        lifetime_years=5.0,
        evidence={"solver": "test"},
    )


def test_supplied_results_replace_or_extend_the_catalogue() -> None:
    levers = build_catalogue(external=[_supplied("hvac.ocl"), _supplied("yard.new")])
    by_id = {lv.id: lv for lv in levers}
    assert isinstance(by_id["hvac.ocl"], ExternalLever)
    assert by_id["hvac.ocl"].spec.name_en.startswith("Chiller")  # catalogue metadata kept
    assert "yard.new" in by_id and by_id["yard.new"].spec.calculator == "supplied"
    park = small_park()
    base = base_of(
        park, [{"kind": "electricity.grid", "quantity": 1_000, "unit": "kWh", "zone": "a"}], 2024
    )
    result = by_id["hvac.ocl"].evaluate(park, base, base)
    assert result.baseline[0].start.year == 2024  # re-dated to the planned year
    assert base.apply(result).rows(["electricity.grid"])[0].quantity == pytest.approx(960.0)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"overrides": {"nope": {}}}, 'unknown lever "nope"'),
        ({"overrides": {"hvac.ocl": {"params": {"speed": 1}}}}, 'no parameter "speed"'),
        ({"overrides": {"hvac.ocl": {"colour": 1}}}, "unknown settings"),
        ({"overrides": {"hvac.ocl": {"ramp_years": 0}}}, "ramp_years"),
        ({"only": ["hvac.ocl", "x.y"]}, 'unknown lever "x.y"'),
    ],
)
def test_bad_overrides(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        build_catalogue(**kwargs)


def test_overrides_and_disabling() -> None:
    levers = build_catalogue(
        overrides={
            "sinks.trees": {"enabled": False},
            "hvac.ocl": {"params": {"saving": 0.2}, "zones": ["a"]},
        }
    )
    by_id = {lv.id: lv for lv in levers}
    assert "sinks.trees" not in by_id
    hvac = by_id["hvac.ocl"]
    assert hvac.spec.num("saving") == 0.2
    assert dataclasses.asdict(hvac)["zones"] == ("a",)


def test_apply_clips_and_says_so() -> None:
    park = small_park()
    base = base_of(
        park, [{"kind": "electricity.grid", "quantity": 100, "unit": "kWh", "zone": "a"}]
    )
    span = {"start": base.activities()[0].start, "end": base.activities()[0].end}
    big = LeverResult("x", (Activity("electricity.grid", 500.0, "kWh", zone="b", **span),), ())
    after = base.apply(big)
    assert after.quantities == base.quantities
    assert any("no electricity.grid rows in b" in n for n in after.notes)
    park_wide = LeverResult("y", (Activity("electricity.grid", 0.5, "MWh", **span),), ())
    clipped = base.apply(park_wide)  # a park-wide 500 kWh cut, taken from zone a's 100 kWh
    assert clipped.rows(["electricity.grid"]) == []
    assert any("exceeds the 0.1 MWh" in n for n in clipped.notes)
    half = base.apply(LeverResult("z", (Activity("electricity.grid", 0.04, "MWh", **span),), ()))
    assert half.rows(["electricity.grid"])[0].quantity == pytest.approx(60.0)


def test_public_surface() -> None:
    import parkzero.plan as plan

    assert sorted(plan.__all__) == plan.__all__
    for name in plan.__all__:
        assert hasattr(plan, name), name
