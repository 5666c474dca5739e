"""The MACC: interactions through the running activity base, costs, what is left off."""

from __future__ import annotations

import pytest

from parkzero.plan.base import Basis
from parkzero.plan.catalogue import build_catalogue
from parkzero.plan.macc import annualised_cost, build_macc, capital_recovery_factor, npv

from .conftest import HUBEI_2022, base_of, small_park

ROWS = [
    {"kind": "electricity.grid", "quantity": 1_000_000, "unit": "kWh", "zone": "a"},
    {"kind": "electricity.grid", "quantity": 500_000, "unit": "kWh", "zone": "b"},
    {"kind": "fuel.diesel.mobile", "quantity": 20_000, "unit": "L", "zone": "b"},
    {"kind": "material.carton", "quantity": 50, "unit": "t"},
]


def pv_and_efficiency() -> list:
    return build_catalogue(
        only=["energy.rooftop_pv", "hvac.ocl"],
        overrides={
            "energy.rooftop_pv": {"params": {"kwp": 400}},  # 430,000 kWh
            "hvac.ocl": {"params": {"enduse_share": 1.0, "saving": 0.15}},
        },
    )


def test_pv_and_efficiency_together_abate_less_than_apart() -> None:
    park = small_park()
    base = base_of(park, ROWS)
    basis = Basis("location")
    macc = build_macc(park, base, pv_and_efficiency(), basis=basis)
    assert [e.lever for e in macc.entries] == ["energy.rooftop_pv", "hvac.ocl"] or [
        e.lever for e in macc.entries
    ] == ["hvac.ocl", "energy.rooftop_pv"]
    alone = {e.lever: e.standalone_tco2e for e in macc.entries}
    # stand-alone: PV 430 MWh, efficiency 15 % of 1,500 MWh, at Hubei's grid factor
    assert alone["energy.rooftop_pv"] == pytest.approx(430_000 * HUBEI_2022 / 1000, rel=1e-3)
    assert alone["hvac.ocl"] == pytest.approx(225_000 * HUBEI_2022 / 1000, rel=1e-3)
    # together less than the sum: efficiency saves 15 % of the grid kWh PV leaves, or PV
    # covers less after efficiency — either way not additive
    assert macc.total_abatement_tco2e < sum(alone.values()) - 1.0
    together_kwh = 1_500_000 - (1_500_000 - 430_000) * 0.85
    second = macc.entries[1].lever
    if second == "hvac.ocl":
        assert macc.total_abatement_tco2e == pytest.approx(
            (430_000 + 1_070_000 * 0.15) * HUBEI_2022 / 1000, rel=1e-3
        )
        assert together_kwh == pytest.approx(430_000 + 1_070_000 * 0.15)
    # the curve's figure is the engine's: recompute the inventory with both applied
    running = base
    for entry in macc.entries:
        running = running.apply(entry.result)
    recomputed = running.inventory(park).summary
    assert macc.final_tco2e == pytest.approx(basis.of(recomputed), rel=1e-12)
    assert macc.baseline_tco2e - macc.final_tco2e == pytest.approx(
        sum(e.abatement_tco2e for e in macc.entries), rel=1e-12
    )
    assert macc.entries[-1].cumulative_tco2e == pytest.approx(macc.total_abatement_tco2e)


def test_merit_order_is_by_cost_per_tonne() -> None:
    park = small_park()
    base = base_of(park, ROWS)
    macc = build_macc(park, base, build_catalogue(), basis=Basis("market"))
    costs = [e.standalone_cost_per_tco2e for e in macc.entries]
    assert costs == sorted(costs)
    # IE3 and IE4 are alternatives: one on the curve, the other listed at its place
    motor = [e.lever for e in macc.entries if e.group == "motor_class"]
    alts = [e.lever for e in macc.alternatives]
    assert len(motor) == 1 and set(motor + alts) == {"efficiency.motor_ie3", "efficiency.motor_ie4"}
    skipped = {s.lever: s.reason for s in macc.skipped}
    assert "no activity type for pallets" in skipped["packaging.shared_pallets"]
    assert "removals" in skipped["sinks.trees"]
    assert "no abatement in the basis" in skipped["packaging.reusable_boxes"]  # scope 3.1
    with_s3 = build_macc(
        park,
        base,
        build_catalogue(only=["packaging.reusable_boxes"]),
        basis=Basis("market", ("3.1",)),
    )
    assert with_s3.entries and with_s3.entries[0].abatement_tco2e > 0


def test_instruments_count_market_based_only() -> None:
    park = small_park()
    base = base_of(park, ROWS)
    gec = build_catalogue(
        only=["energy.green_certificates"],
        overrides={"energy.green_certificates": {"params": {"mwh": 300}}},
    )
    market = build_macc(park, base, gec, basis=Basis("market"))
    assert market.total_abatement_tco2e == pytest.approx(300_000 * HUBEI_2022 / 1000, rel=1e-3)
    location = build_macc(park, base, gec, basis=Basis("location"))
    assert not location.entries and location.skipped[0].lever == "energy.green_certificates"


def test_cost_formulas() -> None:
    assert capital_recovery_factor(0.06, 10) == pytest.approx(0.1358679582)
    assert capital_recovery_factor(0.0, 5) == 0.2
    # 1,000 CNY, saves 200 CNY/yr for 10 years at 6 %: NPV = −1000 + 200 × 7.3601
    assert npv(1000.0, -200.0, 10, 0.06) == pytest.approx(-1000 + 200 * 7.360087051)
    assert annualised_cost(1000.0, -200.0, 10, 0.06) == pytest.approx(135.8679582 - 200)
    park = small_park()
    base = base_of(park, ROWS)
    macc = build_macc(park, base, pv_and_efficiency(), basis=Basis("location"), discount_rate=0.06)
    for e in macc.entries:
        expected = annualised_cost(
            e.result.capex_cny, e.result.opex_delta_cny_per_year, e.result.lifetime_years, 0.06
        )
        assert e.cost_per_tco2e == pytest.approx(expected / e.abatement_tco2e)
    with pytest.raises(Exception, match="discount rate"):
        build_macc(park, base, pv_and_efficiency(), discount_rate=1.5)
