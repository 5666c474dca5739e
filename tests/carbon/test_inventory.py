"""The inventory engine: scopes, both scope 2 methods, gases, boundary, indicators, base year."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkzero.carbon.activities import activities_frame
from parkzero.carbon.factors import FactorLibrary
from parkzero.carbon.inventory import compute_inventory
from parkzero.carbon.park import Park, park_from_dict
from parkzero.errors import InputError

LIB = FactorLibrary.default()
HUBEI_2022 = 0.4364  # kgCO2/kWh, MEE/NBS 2022 provincial average, Hubei
NATIONAL_EXCL_2022 = 0.5856  # kgCO2/kWh, MEE 2022 national excl. market-traded non-fossil


def make_park(**extra: Any) -> Park:
    park = {
        "id": "p",
        "name": "Test park",
        "region": "湖北",
        "base_year": 2022,
        "floor_area_m2": 10_000,
        **extra.pop("park", {}),
    }
    data = {
        "park": park,
        "zones": [{"id": "a"}, {"id": "b"}],
        "tenants": [{"id": "t", "zones": ["b"]}],
        **extra,
    }
    return park_from_dict(data)


def run(park: Park, rows: list[dict[str, Any]], year: int = 2022, **kw: Any) -> dict[str, Any]:
    frame = activities_frame(rows, zones=park.zone_ids, tenants=park.tenant_ids)
    return compute_inventory(park, frame, year, **kw).to_dict()


ELEC = {
    "kind": "electricity.grid",
    "quantity": 1_000_000,
    "unit": "kWh",
    "period": "2022",
    "zone": "a",
}


def test_location_based_uses_provincial_factor() -> None:
    result = run(make_park(), [ELEC])
    assert result["scope2_location_tco2e"] == pytest.approx(1_000_000 * HUBEI_2022 / 1000)
    (line,) = [x for x in result["lines"] if x["category"] == "2.electricity"]
    assert line["factor_id"].endswith("CN-HB/2022")
    assert line["factor_value"] == pytest.approx(HUBEI_2022)
    assert line["factor_unit"] == "kgCO2e/kWh"


def test_market_equals_location_without_instruments() -> None:
    result = run(make_park(), [ELEC])
    assert result["scope2_market_tco2e"] == pytest.approx(result["scope2_location_tco2e"])


def test_market_below_location_with_certificates() -> None:
    park = make_park(
        instruments=[{"id": "gec", "type": "green_certificate", "mwh": 200, "year": 2022}]
    )
    result = run(park, [ELEC])
    assert result["scope2_market_tco2e"] == pytest.approx(800_000 * HUBEI_2022 / 1000)
    assert result["scope2_market_tco2e"] < result["scope2_location_tco2e"]
    assert result["instruments"]["coverage_share"] == pytest.approx(0.2)


def test_certificates_of_another_vintage_do_not_count() -> None:
    park = make_park(
        instruments=[{"id": "gec", "type": "green_certificate", "mwh": 200, "year": 2023}]
    )
    result = run(park, [ELEC])
    assert result["scope2_market_tco2e"] == pytest.approx(result["scope2_location_tco2e"])


def test_excess_certificates_cap_at_zero_and_warn() -> None:
    park = make_park(
        instruments=[{"id": "gec", "type": "green_power_contract", "mwh": 5000, "year": 2022}]
    )
    result = run(park, [ELEC])
    assert result["scope2_market_tco2e"] == pytest.approx(0.0)
    assert any("exceed the electricity" in w for w in result["warnings"])


def test_zone_instruments_cover_their_zone_first() -> None:
    park = make_park(
        instruments=[
            {"id": "zone-a", "type": "green_certificate", "mwh": 500, "year": 2022, "zone": "a"},
            {"id": "park", "type": "i-rec", "mwh": 250, "year": 2022},
        ]
    )
    rows = [ELEC, {**ELEC, "zone": "b"}]
    lines = {x["zone"]: x for x in run(park, rows)["lines"] if x["category"] == "2.electricity"}
    # zone a: 500 MWh own + half of the 250 park-wide MWh spread pro rata over 1,500 MWh left
    left_a, left_b = 500_000, 1_000_000
    park_share = 250_000 / (left_a + left_b)
    assert lines["a"]["tco2e_market"] == pytest.approx(left_a * (1 - park_share) * HUBEI_2022 / 1e3)
    assert lines["b"]["tco2e_market"] == pytest.approx(left_b * (1 - park_share) * HUBEI_2022 / 1e3)


def test_residual_series_is_selectable() -> None:
    park = make_park(
        park={"electricity": {"residual_series": "mee-excl-market-nonfossil"}},
        instruments=[{"id": "g", "type": "green_certificate", "mwh": 100, "year": 2022}],
    )
    result = run(park, [ELEC])
    assert result["scope2_market_tco2e"] == pytest.approx(900_000 * NATIONAL_EXCL_2022 / 1000)
    assert any("CN-HB" in w and "CN" in w for w in result["warnings"])


def test_diesel_scope1_gases_and_litres() -> None:
    result = run(
        make_park(),
        [
            {
                "kind": "fuel.diesel.mobile",
                "quantity": 1000,
                "unit": "L",
                "period": "2022-06",
                "zone": "a",
            }
        ],
    )
    factor = LIB.lookup("fuel.diesel.mobile", region="CN-HB", year=2022).factor
    tonnes = 1000 * factor.multiplier_from("L")
    assert result["by_gas_t"]["CO2"] == pytest.approx(tonnes * factor.gases["CO2"] / 1000)
    assert result["by_gas_t"]["CH4"] > 0 and result["by_gas_t"]["N2O"] > 0
    assert result["scope1_tco2e"] == pytest.approx(tonnes * factor.co2e_per_unit("AR6", LIB) / 1000)
    assert result["by_month"]["2022-06"] == pytest.approx(result["total_tco2e"])


def test_refrigerant_blend_ar6_and_ar4() -> None:
    rows = [{"kind": "refrigerant.R-404A.leak", "quantity": 10, "unit": "kg", "period": "2022"}]
    ar6 = run(make_park(), rows)
    ar4 = run(make_park(park={"gwp_set": "AR4"}), rows)
    assert ar6["scope1_tco2e"] == pytest.approx(10 * 4728 / 1000)
    assert ar4["scope1_tco2e"] == pytest.approx(10 * 3922 / 1000, abs=0.005)  # AR4 3922 rounded
    assert ar6["by_gas_t"]["HFCs"] == pytest.approx(0.010)


def test_mass_balance_stock_becomes_a_calculated_line() -> None:
    park = make_park(
        refrigerant_stocks=[
            {
                "equipment": "rack",
                "gas": "R-507A",
                "year": 2022,
                "stock_start_kg": 300,
                "purchased_kg": 40,
                "stock_end_kg": 310,
                "recovered_kg": 5,
            }
        ]
    )
    result = run(park, [])
    (line,) = result["lines"]
    assert line["quantity"] == pytest.approx(25.0)
    assert line["quality"] == "calculated"
    assert line["tco2e"] == pytest.approx(25 * LIB.gwp("R-507A", "AR6") / 1000)


def test_montreal_and_biogenic_outside_totals() -> None:
    rows = [
        {"kind": "refrigerant.R-22.leak", "quantity": 2, "unit": "kg", "period": "2022"},
        {"kind": "fuel.biodiesel.mobile", "quantity": 1, "unit": "t", "period": "2022"},
    ]
    result = run(make_park(park={"scope3_categories": ["3.1"]}), rows)
    assert result["montreal_tco2e"] == pytest.approx(2 * LIB.gwp("R-22", "AR6") / 1000)
    assert result["biogenic_co2_t"] > 2.0
    assert result["by_gas_t"]["CO2"] == pytest.approx(0.0)
    # only the biodiesel's CH4 and N2O are in the total
    assert 0 < result["total_tco2e"] < 0.1


def test_tenant_energy_is_downstream_leased_assets() -> None:
    rows = [
        {**ELEC, "zone": "b", "tenant": "t"},
        {"kind": "waste.landfill", "quantity": 5, "unit": "t", "period": "2022", "tenant": "t"},
    ]
    result = run(make_park(), rows)
    assert result["scope2_location_tco2e"] == 0
    assert result["by_category"]["3.13"] == pytest.approx(1_000_000 * HUBEI_2022 / 1000)
    assert result["by_tenant"]["t"] == pytest.approx(result["by_category"]["3.13"])
    assert any("tenants outside the park's control" in w for w in result["warnings"])


def test_equity_share_and_financial_control() -> None:
    zones = [{"id": "a", "equity_share": 0.6, "financial_control": False}, {"id": "b"}]
    rows = [ELEC, {**ELEC, "zone": "b"}]
    equity = run(make_park(zones=zones, park={"boundary": {"approach": "equity_share"}}), rows)
    assert equity["scope2_location_tco2e"] == pytest.approx(1.6 * 1_000_000 * HUBEI_2022 / 1000)
    fin = run(make_park(zones=zones, park={"boundary": {"approach": "financial_control"}}), rows)
    assert fin["scope2_location_tco2e"] == pytest.approx(1_000_000 * HUBEI_2022 / 1000)


def test_scope3_categories_and_generated_category_3() -> None:
    rows = [
        ELEC,
        {"kind": "fuel.diesel.mobile", "quantity": 2, "unit": "t", "period": "2022"},
        {"kind": "travel.air", "quantity": 10_000, "unit": "pkm", "period": "2022"},
    ]
    result = run(make_park(), rows)
    kinds = {x["kind"]: x for x in result["lines"]}
    assert kinds["wtt.fuel.diesel"]["quantity_factor_unit"] == pytest.approx(2.0)
    assert kinds["td.electricity"]["quantity"] == pytest.approx(1_000_000)
    assert result["by_category"]["3.6"] == pytest.approx(10_000 * 0.088 / 1000)
    narrow = run(make_park(park={"scope3_categories": ["3.1"]}), rows)
    assert "3.3" not in narrow["by_category"] and "3.6" not in narrow["by_category"]
    assert narrow["scope3_tco2e"] == 0


def test_rows_across_the_year_end_are_pro_rated() -> None:
    rows = [
        {
            "kind": "electricity.grid",
            "quantity": 31_000,
            "unit": "kWh",
            "start": "2022-12-15",
            "end": "2023-01-14",
            "zone": "a",
        }
    ]
    result = run(make_park(), rows)
    assert result["grid_electricity_kwh"] == pytest.approx(17_000)
    assert result["by_month"]["2022-12"] == pytest.approx(result["total_tco2e"])
    assert result["by_month"]["2022-11"] == 0


def test_multi_month_rows_split_by_days() -> None:
    rows = [
        {
            "kind": "electricity.grid",
            "quantity": 59_000,
            "unit": "kWh",
            "start": "2022-01-01",
            "end": "2022-02-28",
            "zone": "a",
        }
    ]
    result = run(make_park(), rows)
    months = result["by_month"]
    assert months["2022-01"] / months["2022-02"] == pytest.approx(31 / 28)


def test_energy_and_zero_carbon_indicators() -> None:
    park = make_park(
        instruments=[{"id": "g", "type": "green_certificate", "mwh": 200, "year": 2022}]
    )
    rows = [
        ELEC,
        {
            "kind": "electricity.onsite.pv",
            "quantity": 250_000,
            "unit": "kWh",
            "period": "2022",
            "zone": "a",
        },
    ]
    result = run(park, rows)
    assert result["energy_tce"] == pytest.approx(1_250_000 * 0.1229 / 1000)
    ind = result["indicators"]
    assert ind["clean_energy_share"] == pytest.approx(450_000 / 1_250_000)
    assert ind["tco2_per_tce"] == pytest.approx((800_000 * HUBEI_2022 / 1000) / 153.625)
    assert ind["tco2_per_tce_threshold"] == 0.20
    assert not ind["in_scope_of_notice"] and not ind["clean_energy_ok"]


def test_grid_clean_share_setting_counts_grid_electricity() -> None:
    park = make_park(park={"electricity": {"grid_clean_share": 0.5}})
    ind = run(park, [ELEC])["indicators"]
    assert ind["clean_energy_share"] == pytest.approx(0.5)


def test_intensities_and_quality_share() -> None:
    park = make_park(drivers={2022: {"tonnes_handled": 50_000, "parcels": 2_000_000}})
    rows = [ELEC, {**ELEC, "quality": "estimated", "zone": "a", "quantity": 250_000}]
    result = run(park, rows)
    total = result["total_tco2e"]
    assert result["intensities"]["kgco2e_per_m2"] == pytest.approx(total * 1000 / 10_000)
    assert result["intensities"]["kgco2e_per_tonne"] == pytest.approx(total * 1000 / 50_000)
    assert result["intensities"]["gco2e_per_parcel"] == pytest.approx(total * 1e6 / 2_000_000)
    assert result["quality_share"]["estimated"] == pytest.approx(0.2)


def test_year_fallback_is_reported() -> None:
    result = run(make_park(), [{**ELEC, "period": "2025"}], year=2025)
    (line,) = [x for x in result["lines"] if x["category"] == "2.electricity"]
    assert line["factor_id"].endswith("/2023")
    assert any("year 2025 → 2023" in w for w in result["warnings"])


def test_base_year_recalculation_flag() -> None:
    rows = [ELEC, {**ELEC, "period": "2024"}]
    base_total = run(make_park(park={"scope3_categories": ["3.1"]}), rows)["total_tco2e"]
    small = make_park(
        park={"scope3_categories": ["3.1"]},
        structural_changes=[
            {"year": 2024, "description": "new office", "base_year_tco2e": 0.03 * base_total}
        ],
    )
    big = make_park(
        park={"scope3_categories": ["3.1"]},
        structural_changes=[
            {
                "year": 2023,
                "description": "cold store acquired",
                "base_year_tco2e": 0.04 * base_total,
            },
            {"year": 2024, "description": "yard extension", "base_year_tco2e": 0.02 * base_total},
        ],
    )
    assert not run(small, rows, year=2024)["base_year"]["recalculation_required"]
    status = run(big, rows, year=2024)["base_year"]
    assert status["recalculation_required"]
    assert status["structural_change_share"] == pytest.approx(0.06)
    assert "together change base-year emissions by +6.0%" in status["reasons"][0]
    assert status["total_tco2e"] == pytest.approx(base_total)


def test_unknown_region_override_is_an_error() -> None:
    with pytest.raises(InputError, match="Atlantis"):
        run(make_park(), [{**ELEC, "region": "Atlantis"}])


def test_bad_unit_for_factor_names_row() -> None:
    park = make_park()
    frame = activities_frame([ELEC], zones=park.zone_ids, tenants=park.tenant_ids)
    frame.loc[0, "unit"] = "kg"  # bypassing validation, the engine still refuses
    with pytest.raises(InputError) as info:
        compute_inventory(park, frame, 2022)
    assert info.value.row == 1 and info.value.column == "unit"


KINDS = [
    "electricity.grid",
    "fuel.diesel.mobile",
    "fuel.natural_gas.stationary",
    "refrigerant.R-410A.leak",
    "material.carton",
    "freight.road.hgv",
    "commute.car",
    "waste.landfill",
    "heat.purchased",
]


def random_rows(draw_qty: list[float]) -> list[dict[str, Any]]:
    from parkzero.carbon.catalogue import catalogue

    return [
        {"kind": k, "quantity": q, "unit": catalogue()[k].unit, "period": "2023-04", "zone": "a"}
        for k, q in zip(KINDS, draw_qty, strict=True)
    ]


quantities = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=len(KINDS), max_size=len(KINDS))


@settings(max_examples=25, deadline=None)
@given(quantities, st.floats(0.01, 100))
def test_emissions_scale_linearly(qty: list[float], k: float) -> None:
    park = make_park()
    one = run(park, random_rows(qty), year=2023)
    scaled = run(park, random_rows([q * k for q in qty]), year=2023)
    for key in (
        "total_tco2e",
        "scope1_tco2e",
        "scope2_location_tco2e",
        "scope3_tco2e",
        "energy_tce",
    ):
        assert scaled[key] == pytest.approx(one[key] * k, rel=1e-9, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(quantities)
def test_totals_equal_sum_of_lines(qty: list[float]) -> None:
    result = run(make_park(), random_rows(qty), year=2023)
    lines = pd.DataFrame(result["lines"])
    assert result["total_tco2e"] == pytest.approx(lines["tco2e"].sum(), rel=1e-12, abs=1e-9)
    for scope, key in ((1, "scope1_tco2e"), (2, "scope2_location_tco2e"), (3, "scope3_tco2e")):
        assert result[key] == pytest.approx(
            lines.loc[lines["scope"] == scope, "tco2e"].sum(), rel=1e-12, abs=1e-9
        )
    assert sum(result["by_category"].values()) == pytest.approx(
        result["total_tco2e"], rel=1e-12, abs=1e-9
    )
    assert sum(result["by_month"].values()) == pytest.approx(
        result["total_tco2e"], rel=1e-9, abs=1e-9
    )
    gases = sum(result["by_gas_tco2e"].values())
    assert gases == pytest.approx(result["total_tco2e"], rel=1e-9, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(quantities)
def test_gwp_set_changes_only_non_co2_gases(qty: list[float]) -> None:
    results = {
        g: run(make_park(park={"gwp_set": g}), random_rows(qty), year=2023)
        for g in ("AR4", "AR5", "AR6")
    }
    co2 = {g: r["by_gas_tco2e"]["CO2"] for g, r in results.items()}
    unspecified = {g: r["by_gas_tco2e"]["unspecified"] for g, r in results.items()}
    assert co2["AR4"] == pytest.approx(co2["AR6"]) and co2["AR5"] == pytest.approx(co2["AR6"])
    assert unspecified["AR4"] == pytest.approx(unspecified["AR6"])
    for g in ("AR4", "AR5"):
        diff = results[g]["total_tco2e"] - results["AR6"]["total_tco2e"]
        non_co2 = sum(
            results[g]["by_gas_tco2e"][x] - results["AR6"]["by_gas_tco2e"][x]
            for x in ("CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")
        )
        assert diff == pytest.approx(non_co2, abs=1e-6)
        assert results[g]["by_gas_t"] == pytest.approx(results["AR6"]["by_gas_t"])


def test_park_factor_file_overrides_by_id(tmp_path: Any) -> None:
    # a park with a supplier-specific carton factor (its own LCA) instead of the guide's 1.14 t/t
    (tmp_path / "my-factors.csv").write_text(
        "id,kind,factor_set,region,year,gas,value,unit,source,licence\n"
        "guide/material.carton/CN/2014,material.carton,guide,CN,2014,CO2e,900,t,"
        "supplier EPD 2023,proprietary\n",
        encoding="utf-8",
    )
    park = park_from_dict(
        {
            "park": {
                "id": "p",
                "name": "P",
                "region": "湖北",
                "base_year": 2022,
                "factors_file": "my-factors.csv",
            }
        },
        base_dir=tmp_path,
    )
    rows = [{"kind": "material.carton", "quantity": 10, "unit": "t", "period": "2022"}]
    result = run(park, rows)
    assert result["by_category"]["3.1"] == pytest.approx(10 * 900 / 1000)
    (line,) = result["lines"]
    assert line["factor_source"] == "supplier EPD 2023"
    assert run(make_park(), rows)["by_category"]["3.1"] == pytest.approx(10 * 1140 / 1000)


def test_bad_park_factor_file_names_file_and_row(tmp_path: Any) -> None:
    (tmp_path / "f.csv").write_text(
        "id,kind,factor_set,region,year,gas,value,unit,source,licence\n"
        "x,material.carton,guide,CN,2014,CO2e,not-a-number,t,s,l\n",
        encoding="utf-8",
    )
    park = park_from_dict(
        {"park": {"id": "p", "name": "P", "base_year": 2022, "factors_file": "f.csv"}},
        base_dir=tmp_path,
    )
    with pytest.raises(InputError) as info:
        run(park, [{"kind": "material.carton", "quantity": 1, "unit": "t", "period": "2022"}])
    assert "f.csv" in str(info.value) and info.value.column == "value"


def test_data_dir_factors_apply_to_every_park(tmp_path: Any, monkeypatch: Any) -> None:
    (tmp_path / "factors.csv").write_text(
        "id,kind,factor_set,region,year,gas,value,unit,source,licence\n"
        "guide/material.carton/CN/2014,material.carton,guide,CN,2014,CO2e,1000,t,"
        "group-wide carton factor,internal\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PARKZERO_DATA_DIR", str(tmp_path))
    rows = [{"kind": "material.carton", "quantity": 2, "unit": "t", "period": "2022"}]
    assert run(make_park(), rows)["by_category"]["3.1"] == pytest.approx(2.0)
