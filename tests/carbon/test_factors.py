"""Tests of the emission-factor library: every lookup path, fallback, user file and datum."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import parkzero.carbon.factors as factors_module
import parkzero.carbon.regions as regions_module
from parkzero.carbon.factors import (
    ELECTRICITY_SERIES,
    FACTOR_SET_PRESETS,
    IDENTITY_SET,
    Factor,
    FactorLibrary,
    FactorMatch,
)
from parkzero.carbon.regions import RegionTable
from parkzero.config import packaged_data
from parkzero.errors import FactorNotFoundError, InputError, UnitError, UnknownActivityError
from parkzero.units import conversion_factor

DATA = Path(str(packaged_data("factors.csv"))).parent


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    return FactorLibrary.default()


def catalogue_rows() -> list[dict[str, str]]:
    with (DATA / "activity_types.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


HEADER = "id,kind,factor_set,series,region,year,gas,value,unit,source,licence"


def write(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "site.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- public surface


def test_all_is_the_public_surface() -> None:
    assert set(factors_module.__all__) == {
        "ELECTRICITY_SERIES",
        "FACTOR_SET_PRESETS",
        "IDENTITY_SET",
        "Factor",
        "FactorLibrary",
        "FactorMatch",
    }
    assert len(factors_module.__all__) == len(set(factors_module.__all__))
    for name in factors_module.__all__:
        assert hasattr(factors_module, name)
    assert set(regions_module.__all__) == {"LEVELS", "Region", "RegionTable"}
    for name in regions_module.__all__:
        assert hasattr(regions_module, name)


def test_presets_and_series() -> None:
    assert FACTOR_SET_PRESETS["cn"] == ("cn", "guide", "cpcd", "defra2021")
    assert FACTOR_SET_PRESETS["ipcc"] == ("ipcc2006", "guide", "cpcd", "defra2021")
    assert FACTOR_SET_PRESETS["defra"] == ("defra2021", "ipcc2006", "cn")
    assert ELECTRICITY_SERIES == (
        "mee-location",
        "mee-excl-market-nonfossil",
        "mee-fossil",
        "ets-reporting",
    )
    assert IDENTITY_SET == "identity"


def test_default_is_loaded_once(lib: FactorLibrary) -> None:
    assert FactorLibrary.default() is lib


# ---------------------------------------------------------------------------- packaged data


def test_every_catalogue_kind_resolves_for_cn_2021_to_2025(lib: FactorLibrary) -> None:
    for row in catalogue_rows():
        if row["method"] == "zero":
            continue
        for year in range(2021, 2026):
            match = lib.lookup(row["kind"], region="CN", year=year)
            assert match.factor.kind == row["kind"]
            assert match.factor.unit == row["unit"]


def test_every_catalogue_kind_resolves_for_a_provincial_park(lib: FactorLibrary) -> None:
    for row in catalogue_rows():
        if row["method"] != "zero":
            assert lib.lookup(row["kind"], region="CN-GD", year=2024).factor.kind == row["kind"]


def test_every_factor_is_complete_and_in_catalogue_units(lib: FactorLibrary) -> None:
    units = {r["kind"]: r["unit"] for r in catalogue_rows()}
    all_factors = lib.factors()
    assert len(all_factors) > 180
    assert [f.id for f in all_factors] == sorted(f.id for f in all_factors)
    for f in all_factors:
        assert f.unit == units[f.kind], f.id
        assert f.source and f.licence and f.version and f.status, f.id
        assert f.status.split("; ")[0] in {"COPIED", "DERIVED", "TRANSCRIBED", "ASSUMPTION"}
        assert f.gases, f.id
        for gas, value in f.gases.items():
            assert math.isfinite(value) and value >= 0, (f.id, gas)
            lib.gas_group(gas)  # every gas is known
        assert (f.series is not None) == (f.kind == "electricity.grid"), f.id
        assert f.region in lib.region_chain(f.region)


def test_packaged_factor_files_have_source_and_licence_on_every_row() -> None:
    for name in ("factors.csv", "fuels.csv", "fuel_ch4_n2o.csv", "gwp.csv",
                 "energy_coefficients.csv", "regions.csv"):  # fmt: skip
        with (DATA / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                assert row["source"].strip() and row["licence"].strip(), (name, row)
    assert (DATA / "SOURCES.md").is_file()


def test_guide_figures(lib: FactorLibrary) -> None:
    expected = {
        "material.carton": 1140.0,
        "material.waybill_paper": 1870.0,
        "material.waybill": 0.00748,
        "material.plastic_packaging": 3120.0,
        "material.dry_ice": 260 * 0.5810,
        "freight.road.hgv": 0.042,
        "travel.air": 0.088,
        "travel.rail": 0.018,
        "travel.road": 0.028,
    }
    for kind, value in expected.items():
        factor = lib.lookup(kind, year=2023).factor
        assert factor.factor_set == "guide"
        assert factor.gases == {"CO2e": pytest.approx(value)}
    # 10,000 paper waybills ≈ 74.8 kgCO2; 10 t of dry ice ≈ 1.5 tCO2 (the guide's examples)
    waybill = lib.lookup("material.waybill", year=2023).factor
    assert 10_000 * waybill.gases["CO2e"] == pytest.approx(74.8)
    dry_ice = lib.lookup("material.dry_ice", year=2023).factor
    assert 10 * dry_ice.gases["CO2e"] / 1000 == pytest.approx(1.5, abs=0.02)
    assert "吕晨" in lib.lookup("freight.road.hgv", year=2023).factor.source


def test_other_fixed_values(lib: FactorLibrary) -> None:
    td = lib.lookup("td.electricity", year=2024)
    assert td.factor.gases == {"CO2e": 0.0327} and td.fallbacks == ()
    assert lib.lookup("heat.purchased", year=2023).factor.gases == {"CO2": 110.0}
    assert lib.lookup("steam.purchased", year=2023).factor.gases == {"CO2": 110.0}
    cooling = lib.lookup("cooling.purchased", year=2023).factor
    assert cooling.gases["CO2"] == pytest.approx(1e6 / 3600 / 4.0 * 0.5306, rel=1e-6)
    assert cooling.status == "ASSUMPTION"
    assert lib.lookup("process.co2.release", year=2023).factor.gases == {"CO2": 1.0}
    assert lib.lookup("fugitive.SF6.leak", year=2023).factor.gases == {"SF6": 1.0}
    assert lib.lookup("refrigerant.R-134a.leak", year=2023).factor.gases == {"HFC-134a": 1.0}
    assert lib.lookup("electricity.onsite.pv", year=2023).factor.gases == {"CO2": 0.0}
    hotel = lib.lookup("hotel.night", year=2021)
    assert hotel.factor.gases == {"CO2e": 62.9} and hotel.factor.region == "CN"
    assert hotel.fallbacks == ()
    assert lib.lookup("freight.road.lgv", year=2024).factor.gases == {"CO2e": 0.2611}
    assert lib.lookup("freight.rail", year=2021).factor.gases == {"CO2e": 0.01}


def test_ets_reporting_values(lib: FactorLibrary) -> None:
    ets = {"series": "ets-reporting"}
    assert lib.lookup("electricity.grid", year=2021, **ets).factor.gases == {"CO2": 0.5810}
    assert lib.lookup("electricity.grid", year=2022, **ets).factor.gases == {"CO2": 0.5703}


def test_mee_location_covers_30_provinces_7_grids_each_year(lib: FactorLibrary) -> None:
    regions = RegionTable.default()
    for year in (2021, 2022, 2023):
        levels = [
            regions.get(f.region).level
            for f in lib.factors()
            if f.series == "mee-location" and f.year == year
        ]
        assert levels.count("province") == 30
        assert levels.count("grid") == 7
        assert levels.count("country") == 1


# ---------------------------------------------------------------------------- electricity


def test_hubei_2022_location_factor_is_a_provincial_hit(lib: FactorLibrary) -> None:
    match = lib.lookup("electricity.grid", region="CN-HB", year=2022)
    assert isinstance(match, FactorMatch)
    assert match.factor.gases == {"CO2": 0.4364}
    assert match.factor.region == "CN-HB" and match.factor.series == "mee-location"
    assert match.fallbacks == ()
    assert match.factor.id == "cn/electricity.grid/mee-location/CN-HB/2022"


def test_region_names_work_in_lookup(lib: FactorLibrary) -> None:
    for name in ("湖北", "湖北省", "Hubei", "cn-hb"):
        assert lib.lookup("electricity.grid", region=name, year=2022).factor.gases["CO2"] == 0.4364


def test_province_falls_back_to_its_regional_grid(lib: FactorLibrary) -> None:
    match = lib.lookup("electricity.grid", region="CN-XZ", year=2023)  # Tibet: no MEE value
    assert match.factor.region == "CN-GRID-SOUTHWEST"
    assert match.factor.gases == {"CO2": 0.2472}
    assert match.fallbacks == (
        "region CN-XZ → CN-GRID-SOUTHWEST (no provincial value in series mee-location for 2023)",
    )


def test_grid_falls_back_to_national(lib: FactorLibrary) -> None:
    match = lib.lookup("electricity.grid", region="CN-GRID-CENTRAL", year=2023, series="mee-fossil")
    assert match.factor.region == "CN" and match.factor.gases == {"CO2": 0.8273}
    assert match.fallbacks == (
        "region CN-GRID-CENTRAL → CN (no regional-grid value in series mee-fossil for 2023)",
    )
    match = lib.lookup("electricity.grid", region="CN-HB", year=2022, series="mee-fossil")
    assert match.factor.gases == {"CO2": 0.8325}
    assert match.fallbacks == (
        "region CN-HB → CN (no provincial or regional-grid value in series mee-fossil for 2022)",
    )


def test_year_falls_back_to_the_latest_not_after(lib: FactorLibrary) -> None:
    match = lib.lookup("electricity.grid", region="CN-SH", year=2025)
    assert match.factor.year == 2023 and match.factor.gases == {"CO2": 0.5737}
    assert match.fallbacks == (
        "year 2025 → 2023 (latest value not after 2025 in series mee-location)",
    )


def test_year_before_the_series_uses_the_earliest(lib: FactorLibrary) -> None:
    match = lib.lookup("electricity.grid", region="CN-HB", year=2019)
    assert match.factor.year == 2021 and match.factor.gases == {"CO2": 0.3672}
    assert match.fallbacks == (
        "year 2019 → 2021 (earliest available in series mee-location; nothing for 2019 or before)",
    )


def test_series_are_never_mixed(lib: FactorLibrary) -> None:
    mee = {f.gases["CO2"] for f in lib.factors() if f.series == "mee-location"}
    for year in range(2018, 2027):
        for region in ("CN", "CN-HB", "CN-GD", "CN-GRID-EAST", "CN-XZ"):
            ets = lib.lookup("electricity.grid", region=region, year=year, series="ets-reporting")
            assert ets.factor.series == "ets-reporting"
            assert ets.factor.gases["CO2"] in (0.5810, 0.5703)
            loc = lib.lookup("electricity.grid", region=region, year=year)
            assert loc.factor.series == "mee-location"
            assert loc.factor.gases["CO2"] in mee
    # 2023: the ETS series has nothing newer than 2022 and says so, never the MEE 0.5306
    ets_2023 = lib.lookup("electricity.grid", year=2023, series="ets-reporting")
    assert ets_2023.factor.gases == {"CO2": 0.5703}
    assert ets_2023.fallbacks == (
        "year 2023 → 2022 (latest value not after 2023 in series ets-reporting)",
    )


def test_electricity_ignores_factor_sets(lib: FactorLibrary) -> None:
    match = lib.lookup("electricity.grid", region="CN-HB", year=2022, factor_sets=("defra2021",))
    assert match.factor.gases == {"CO2": 0.4364}


def test_unknown_series_is_an_input_error(lib: FactorLibrary) -> None:
    with pytest.raises(InputError, match=r'unknown electricity series "iea".*mee-location'):
        lib.lookup("electricity.grid", year=2022, series="iea")
    assert lib.electricity_series() == ELECTRICITY_SERIES


def test_series_is_ignored_for_other_kinds(lib: FactorLibrary) -> None:
    diesel = lib.lookup("fuel.diesel.mobile", year=2015, series="ets-reporting")
    assert diesel.factor.factor_set == "cn"


# ---------------------------------------------------------------------------- fuels


def test_chinese_diesel_co2_factor(lib: FactorLibrary) -> None:
    match = lib.lookup("fuel.diesel.mobile", year=2023)
    factor = match.factor
    assert factor.id == "cn/fuel.diesel.mobile/CN/2015"
    co2 = 42.652 * 20.2 * 0.98 * 44 / 12
    assert co2 == pytest.approx(3095.91, abs=0.01)
    assert factor.gases["CO2"] == pytest.approx(co2, rel=1e-12)
    assert factor.gases["CH4-fossil"] == pytest.approx(42.652 * 3.9 / 1000)
    assert factor.gases["N2O"] == pytest.approx(42.652 * 3.9 / 1000)
    stationary = lib.lookup("fuel.diesel.stationary", year=2023).factor
    assert stationary.gases["CH4-fossil"] == pytest.approx(42.652 * 10 / 1000)
    assert stationary.gases["N2O"] == pytest.approx(42.652 * 0.6 / 1000)
    assert "42.652 GJ/t" in factor.notes and "20.2 tC/TJ" in factor.notes
    # the 2015 guideline is the set's only edition: using it is not a fallback
    assert match.fallbacks == ()


def test_other_chinese_fuel_factors(lib: FactorLibrary) -> None:
    cases = {
        "fuel.gasoline.mobile": 43.070 * 18.9 * 0.98,
        "fuel.natural_gas.stationary": 389.31e-4 * 15.3 * 0.99,  # per Nm3
        "fuel.lpg.stationary": 50.179 * 17.2 * 0.98,
        "fuel.fuel_oil.stationary": 41.816 * 21.1 * 0.98,
        "fuel.lng.mobile": 44.2 * 17.2 * 0.98,
    }
    for kind, carbon in cases.items():
        assert lib.lookup(kind, year=2023).factor.gases["CO2"] == pytest.approx(carbon * 44 / 12)


def test_ipcc_fuel_set(lib: FactorLibrary) -> None:
    match = lib.lookup("fuel.diesel.mobile", year=2023, factor_sets="ipcc")
    assert match.factor.factor_set == "ipcc2006" and match.factor.region == "GLOBAL"
    assert match.factor.gases["CO2"] == pytest.approx(43.0 * 20.2 * 44 / 12)
    # a GLOBAL factor of a single-edition set is valid anywhere and any later year
    assert match.fallbacks == ()


def test_biodiesel_co2_is_biogenic(lib: FactorLibrary) -> None:
    factor = lib.lookup("fuel.biodiesel.mobile", year=2023).factor
    assert set(factor.gases) == {"CO2-biogenic", "CH4", "N2O"}
    assert factor.gases["CO2-biogenic"] == pytest.approx(37.0 * 19.3 * 44 / 12)
    assert lib.gas_group("CO2-biogenic") == "biogenic"
    # only CH4 and N2O count
    expected = 37.0 * 3.9 / 1000 * (27.9 + 273)
    assert factor.co2e_per_unit("AR6", lib) == pytest.approx(expected)


def test_litres_of_diesel_via_density(lib: FactorLibrary) -> None:
    factor = lib.lookup("fuel.diesel.mobile", year=2023).factor
    assert factor.density_kg_per_l == 0.8432
    assert factor.multiplier_from("L") == pytest.approx(0.8432e-3)
    assert factor.multiplier_from("m**3") == pytest.approx(0.8432)
    kg_co2 = 1000 * factor.multiplier_from("L") * factor.gases["CO2"]  # 1,000 L of diesel
    assert kg_co2 == pytest.approx(0.8432 * 42.652 * 20.2 * 0.98 * 44 / 12)
    assert factor.multiplier_from("kg") == pytest.approx(1e-3)


def test_unit_conversions_of_other_factors(lib: FactorLibrary) -> None:
    grid = lib.lookup("electricity.grid", year=2023).factor
    assert grid.multiplier_from("MWh") == pytest.approx(1000)
    assert grid.multiplier_from("万kWh") == pytest.approx(10_000)
    assert grid.multiplier_from("度") == pytest.approx(1)
    assert lib.lookup("freight.road.hgv", year=2023).factor.multiplier_from("t·km") == 1
    assert lib.lookup("travel.air", year=2023).factor.multiplier_from("p*km") == 1
    gas = lib.lookup("fuel.natural_gas.stationary", year=2023).factor
    assert gas.multiplier_from("万Nm³") == pytest.approx(10_000)
    assert lib.lookup("heat.purchased", year=2023).factor.multiplier_from("MWh") == pytest.approx(
        3.6
    )


def test_wrong_units_name_the_kind_and_what_is_accepted(lib: FactorLibrary) -> None:
    diesel = lib.lookup("fuel.diesel.mobile", year=2023).factor
    with pytest.raises(UnitError) as err:
        diesel.multiplier_from("kWh")
    msg = str(err.value)
    assert 'activity "fuel.diesel.mobile"' in msg and '"kWh"' in msg
    assert "expected a mass or volume unit such as t, kg or L" in msg
    grid = lib.lookup("electricity.grid", year=2023).factor
    with pytest.raises(
        UnitError, match=r'"kg" is not an energy unit for activity "electricity.grid"'
    ):
        grid.multiplier_from("kg")
    # the example of STYLE.md
    with pytest.raises(
        UnitError, match=r'"kwh/m2" is not an energy unit for activity "electricity\.grid"'
    ):
        grid.multiplier_from("kwh/m2")
    with pytest.raises(UnitError, match=r'unknown unit "bananas" for activity "electricity\.grid"'):
        grid.multiplier_from("bananas")
    gas = lib.lookup("fuel.natural_gas.stationary", year=2023).factor
    with pytest.raises(UnitError, match="normal gas volume unit such as Nm3"):
        gas.multiplier_from("L")


MASS_VOLUME = st.sampled_from(["t", "kg", "g", "Mt", "L", "m**3", "mL"])


def same_amount(qty: float, a: str, b: str, density: float) -> float:
    """`qty` in unit `a` expressed in unit `b`, through kg and L, independently of the library."""
    mass = {"t", "kg", "g", "Mt"}
    if (a in mass) == (b in mass):
        return qty * conversion_factor(a, b)
    if a in mass:  # mass -> volume
        return qty * conversion_factor(a, "kg") / density * conversion_factor("L", b)
    return qty * conversion_factor(a, "L") * density * conversion_factor("kg", b)


@given(a=MASS_VOLUME, b=MASS_VOLUME, qty=st.floats(1e-3, 1e9))
def test_multiplier_is_consistent_across_units(a: str, b: str, qty: float) -> None:
    # the same physical amount of diesel gives the same tonnes whatever unit it is written in
    diesel = FactorLibrary.default().lookup("fuel.diesel.mobile", year=2023).factor
    density = diesel.density_kg_per_l
    assert density is not None
    in_b = same_amount(qty, a, b, density)
    assert qty * diesel.multiplier_from(a) == pytest.approx(in_b * diesel.multiplier_from(b))
    # and converting there and back returns the quantity
    assert same_amount(in_b, b, a, density) == pytest.approx(qty)


# ---------------------------------------------------------------------------- factor sets


def test_set_preference_order(lib: FactorLibrary) -> None:
    assert lib.lookup("material.carton", year=2023).factor.factor_set == "guide"
    defra = lib.lookup("material.carton", year=2023, factor_sets="defra")
    assert defra.factor.factor_set == "defra2021"
    assert defra.factor.gases["CO2e"] == pytest.approx(821.2339, abs=1e-4)
    hgv = lib.lookup("freight.road.hgv", year=2021, factor_sets=("defra2021", "guide"))
    assert hgv.factor.gases == {"CO2e": 0.10749}
    hgv = lib.lookup("freight.road.hgv", year=2021, factor_sets=("guide", "defra2021"))
    assert hgv.factor.gases == {"CO2e": 0.042} and hgv.fallbacks == ()
    # cpcd before defra for what the guide lacks
    assert lib.lookup("freight.road.reefer", year=2024).factor.factor_set == "cpcd"
    custom = ("defra2021", "cpcd")
    assert lib.lookup("freight.road.reefer", year=2024, factor_sets=custom).factor.gases == {
        "CO2e": 0.12588
    }


def test_foreign_factor_is_noted(lib: FactorLibrary) -> None:
    match = lib.lookup("waste.landfill", region="CN-HB", year=2021)
    assert match.factor.region == "UK" and match.factor.gases == {"CO2e": 467.0458}
    assert len(match.fallbacks) == 1
    note = match.fallbacks[0]
    assert note.startswith("region CN-HB → UK (set defra2021 has no value for CN")
    assert note.endswith("a UK factor is used)")


def test_national_factor_for_a_province_is_not_a_fallback(lib: FactorLibrary) -> None:
    match = lib.lookup("freight.road.hgv", region="CN-HB", year=2021)
    assert match.factor.region == "CN" and match.fallbacks == ()


def test_earliest_year_fallback_for_a_set(lib: FactorLibrary) -> None:
    match = lib.lookup("freight.air", year=2022)
    assert match.factor.year == 2024
    assert match.fallbacks == (
        "year 2022 → 2024 (earliest available in set cpcd; nothing for 2022 or before)",
    )


def test_identity_factors_are_always_available_and_never_noted(lib: FactorLibrary) -> None:
    match = lib.lookup("refrigerant.R-404A.leak", year=2031, factor_sets=("defra2021",))
    assert match.factor.factor_set == IDENTITY_SET and match.fallbacks == ()
    assert match.factor.gases == {"R-404A": 1.0}


def test_no_factor_names_kind_region_year_and_sets(lib: FactorLibrary) -> None:
    with pytest.raises(FactorNotFoundError) as err:
        lib.lookup("cooling.purchased", region="CN-HB", year=2023, factor_sets="ipcc")
    msg = str(err.value)
    for part in ('"cooling.purchased"', "CN-HB", "2023", "ipcc2006, guide, cpcd, defra2021"):
        assert part in msg


def test_unknown_kind_suggests_close_kinds(lib: FactorLibrary) -> None:
    with pytest.raises(UnknownActivityError, match=r"did you mean fuel\.diesel\.mobile"):
        lib.lookup("fuel.diesel.mobil", year=2023)


def test_unknown_region_lists_options(lib: FactorLibrary) -> None:
    with pytest.raises(InputError, match=r'unknown region "Atlantis".*CN-HB 湖北'):
        lib.lookup("electricity.grid", region="Atlantis", year=2023)


def test_lookups_are_cached(lib: FactorLibrary) -> None:
    a = lib.lookup("electricity.grid", region="CN-JS", year=2023)
    assert lib.lookup("electricity.grid", region="CN-JS", year=2023) is a


# ---------------------------------------------------------------------------- regions


def test_resolve_region(lib: FactorLibrary) -> None:
    for text in ("湖北", "湖北省", "Hubei", "hubei", "CN-HB", "cn-hb", " 湖北 "):
        assert lib.resolve_region(text) == "CN-HB"
    assert lib.resolve_region("上海市") == "CN-SH"
    assert lib.resolve_region("Inner Mongolia") == "CN-NM"
    assert lib.resolve_region("内蒙古自治区") == "CN-NM"
    assert lib.resolve_region("华中") == "CN-GRID-CENTRAL"
    assert lib.resolve_region("全国") == "CN"
    with pytest.raises(InputError, match=r'unknown region "Hubie"; did you mean hubei \(CN-HB\)'):
        lib.resolve_region("Hubie")


def test_region_chains(lib: FactorLibrary) -> None:
    assert lib.region_chain("CN-HB") == ("CN-HB", "CN-GRID-CENTRAL", "CN")
    assert lib.region_chain("湖北") == ("CN-HB", "CN-GRID-CENTRAL", "CN")
    assert lib.region_chain("CN-SC") == ("CN-SC", "CN-GRID-SOUTHWEST", "CN")
    assert lib.region_chain("CN-GRID-EAST") == ("CN-GRID-EAST", "CN")
    assert lib.region_chain("CN") == ("CN",)
    assert lib.region_label("CN-HB") == "CN-HB 湖北 Hubei"


def test_every_province_maps_to_a_grid_and_every_grid_to_cn() -> None:
    regions = RegionTable.default()
    provinces = [c for c in regions.codes() if regions.get(c).level == "province"]
    grids = [c for c in regions.codes() if regions.get(c).level == "grid"]
    assert len(provinces) == 31 and len(grids) == 7
    for code in provinces:
        assert regions.get(code).parent in grids
        assert regions.chain(code)[-1] == "CN"
    assert {regions.get(g).parent for g in grids} == {"CN"}
    members = {g: sorted(p for p in provinces if regions.get(p).parent == g) for g in grids}
    assert members["CN-GRID-CENTRAL"] == ["CN-HA", "CN-HB", "CN-HN", "CN-JX"]
    assert members["CN-GRID-SOUTHWEST"] == ["CN-CQ", "CN-SC", "CN-XZ"]


# ---------------------------------------------------------------------------- get / search


def test_get(lib: FactorLibrary) -> None:
    factor = lib.get("cn/electricity.grid/mee-location/CN-HB/2022")
    assert isinstance(factor, Factor) and factor.gases == {"CO2": 0.4364}
    with pytest.raises(
        FactorNotFoundError, match=r"did you mean cn/electricity\.grid/mee-location/CN-HB/2022"
    ):
        lib.get("cn/electricity.grid/mee-location/CN-HB/2O22")


def test_search(lib: FactorLibrary) -> None:
    hits = lib.search("湖北 2022")
    assert hits[0].id == "cn/electricity.grid/mee-location/CN-HB/2022"
    assert {f.region for f in hits} == {"CN-HB"}
    assert "cn/electricity.grid/mee-location/CN-HB/2023" in [f.id for f in lib.search("Hubei")]
    diesel = lib.search("DIESEL mobile")
    assert {f.kind for f in diesel} >= {"fuel.diesel.mobile"}
    assert lib.search("hotel China")[0].kind == "hotel.night"
    assert len(lib.search("electricity", limit=5)) == 5
    assert lib.search("no such words here") == []
    assert lib.search("吕晨")[0].factor_set == "guide"


# ---------------------------------------------------------------------------- CO2e


def test_co2e_per_unit(lib: FactorLibrary) -> None:
    diesel = lib.lookup("fuel.diesel.mobile", year=2023).factor
    g = diesel.gases
    assert diesel.co2e_per_unit("AR6", lib) == pytest.approx(
        g["CO2"] + 29.8 * g["CH4-fossil"] + 273 * g["N2O"]
    )
    assert diesel.co2e_per_unit("AR4", lib) == pytest.approx(
        g["CO2"] + 25 * g["CH4-fossil"] + 298 * g["N2O"]
    )
    r404a = lib.lookup("refrigerant.R-404A.leak", year=2023).factor
    assert r404a.co2e_per_unit("AR6", lib) == pytest.approx(4728)
    assert r404a.co2e_per_unit("AR4", lib) == pytest.approx(3922, abs=0.5)
    r22 = lib.lookup("refrigerant.R-22.leak", year=2023).factor
    assert r22.co2e_per_unit("AR6", lib) == 0.0  # Montreal gas: reported separately
    carton = lib.lookup("material.carton", year=2023).factor
    assert carton.co2e_per_unit("AR4", lib) == carton.co2e_per_unit("AR6", lib) == 1140.0


# ---------------------------------------------------------------------------- tce


def test_tce_coefficients(lib: FactorLibrary) -> None:
    assert lib.tce_per_unit("electricity", "kWh") == pytest.approx(0.1229e-3)
    assert lib.tce_per_unit("electricity", "万kWh") == pytest.approx(1.229)
    assert lib.tce_per_unit("diesel", "t") == pytest.approx(1.4571)
    assert lib.tce_per_unit("diesel", "kg") == pytest.approx(1.4571e-3)
    assert lib.tce_per_unit("diesel", "L") == pytest.approx(1.4571e-3 * 0.8432)
    assert lib.tce_per_unit("diesel", "L", density_kg_per_l=0.85) == pytest.approx(1.4571e-3 * 0.85)
    assert lib.tce_per_unit("gasoline", "t") == pytest.approx(1.4714)
    assert lib.tce_per_unit("natural_gas", "Nm3") == pytest.approx(1.33e-3)
    assert lib.tce_per_unit("lpg", "t") == pytest.approx(1.7143)
    assert lib.tce_per_unit("lng", "t") == pytest.approx(1.7572)
    assert lib.tce_per_unit("fuel_oil", "t") == pytest.approx(1.4286)
    assert lib.tce_per_unit("heat", "GJ") == pytest.approx(0.03412)
    assert lib.tce_per_unit("steam", "GJ") == pytest.approx(0.03412)
    assert lib.tce_per_unit("steam", "t") == pytest.approx(0.1286)
    assert lib.tce_per_unit("cooling", "GJ") == pytest.approx(1e6 / 3600 / 4 * 0.1229e-3, rel=1e-4)
    # 1 tce is 29.3076 GJ: heat at its calorific value
    assert lib.tce_per_unit("heat", "tce") == pytest.approx(29307.6 * 0.03412e-3, rel=1e-4)
    carriers = {r["energy_carrier"] for r in catalogue_rows() if r["energy_carrier"]}
    for row in catalogue_rows():
        if row["energy_carrier"]:
            assert lib.tce_per_unit(row["energy_carrier"], row["unit"]) > 0
    assert carriers >= {"electricity", "diesel", "heat", "cooling"}


def test_tce_errors(lib: FactorLibrary) -> None:
    with pytest.raises(InputError, match=r'unknown energy carrier "coal".*diesel'):
        lib.tce_per_unit("coal", "t")
    with pytest.raises(UnitError, match=r'"kWh" is not a unit energy carrier "diesel"'):
        lib.tce_per_unit("diesel", "kWh")
    with pytest.raises(UnitError, match="unknown unit"):
        lib.tce_per_unit("diesel", "bananas")


# ---------------------------------------------------------------------------- user files


def test_user_file_overrides_one_gas_and_leaves_the_library_unchanged(
    lib: FactorLibrary, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "cn/fuel.diesel.mobile/CN/2015,fuel.diesel.mobile,cn,,CN,2015,CO2,2.63,L,"
        "Fuel card lab test,own data",
    )
    mine = lib.with_user_file(path)
    assert mine is not lib
    factor = mine.lookup("fuel.diesel.mobile", year=2023).factor
    assert factor.gases["CO2"] == pytest.approx(2.63 / 0.8432 * 1000)  # per t, packaged density
    assert factor.gases["N2O"] == pytest.approx(42.652 * 3.9 / 1000)  # kept
    assert "user override of CO2" in factor.notes and "N2O kept" in factor.notes
    assert factor.source == "Fuel card lab test"
    original = lib.lookup("fuel.diesel.mobile", year=2023).factor
    assert original.gases["CO2"] == pytest.approx(3095.91, abs=0.01)


def test_user_file_adds_a_series_and_converts_units(lib: FactorLibrary, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "site/grid/2024,electricity.grid,site,supplier-2024,湖北,2024,CO2,352,MWh,"
        "Supplier disclosure 2024,own data",
    )
    mine = lib.with_user_file(path)
    match = mine.lookup("electricity.grid", region="CN-HB", year=2024, series="supplier-2024")
    assert match.factor.gases == {"CO2": pytest.approx(0.352)}
    assert match.factor.unit == "kWh" and match.factor.region == "CN-HB"
    assert "given as 352 kg CO2 per MWh" in match.factor.notes
    assert "supplier-2024" in mine.electricity_series()
    with pytest.raises(FactorNotFoundError, match="series supplier-2024 for region CN-GD"):
        mine.lookup("electricity.grid", region="CN-GD", year=2024, series="supplier-2024")
    # the packaged series is untouched
    assert mine.lookup("electricity.grid", region="CN-HB", year=2024).factor.year == 2023


def test_user_factor_wins_a_tie_with_a_packaged_one(lib: FactorLibrary, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "my/hubei-2023,electricity.grid,cn,mee-location,CN-HB,2023,CO2,0.39,kWh,"
        "Corrected MEE value,public",
    )
    mine = lib.with_user_file(path)
    match = mine.lookup("electricity.grid", region="CN-HB", year=2023)
    assert match.factor.id == "my/hubei-2023" and match.factor.gases == {"CO2": 0.39}
    assert "from user file site.csv" in match.factor.notes


def test_user_file_can_carry_optional_columns(lib: FactorLibrary, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "own/biodiesel,fuel.biodiesel.mobile,own,,CN,2024,CO2-biogenic,2500,t,Lab,own,"
        "0.88,v2,COPIED,measured",
        "own/biodiesel,fuel.biodiesel.mobile,own,,CN,2024,CH4,0.1,t,Lab,own,0.88,v2,COPIED,",
        header=HEADER + ",density_kg_per_l,version,status,notes",
    )
    factor = (
        lib.with_user_file(path)
        .lookup("fuel.biodiesel.mobile", year=2024, factor_sets=("own", "cn"))
        .factor
    )
    assert factor.gases == {"CO2-biogenic": 2500.0, "CH4": 0.1}
    assert factor.density_kg_per_l == 0.88 and factor.version == "v2"
    assert factor.multiplier_from("L") == pytest.approx(0.88e-3)


BAD_ROWS = [
    # (row, column, message fragment)
    ("x,fuel.diesel.mobil,own,,CN,2024,CO2,1,t,S,L", "kind", "did you mean fuel.diesel.mobile"),
    ("x,fuel.diesel.mobile,own,,CN,2024,CO2,abc,t,S,L", "value", '"abc" is not a number'),
    ("x,fuel.diesel.mobile,own,,CN,2024,CO2,-1,t,S,L", "value", "non-negative"),
    ("x,fuel.diesel.mobile,own,,CN,2024,CO3,1,t,S,L", "gas", 'unknown gas "CO3"'),
    ("x,fuel.diesel.mobile,own,,Atlantis,2024,CO2,1,t,S,L", "region", "unknown region"),
    ("x,fuel.diesel.mobile,own,,CN,2024,CO2,1,kWh,S,L", "unit", "mass unit"),
    ("x,electricity.grid,own,,CN,2024,CO2,1,kWh,S,L", "series", "empty series"),
    ("x,freight.rail,own,s1,CN,2024,CO2e,1,t*km,S,L", "series", "only electricity.grid"),
    ("x,freight.rail,own,,CN,twenty,CO2e,1,t*km,S,L", "year", "is not a year"),
    ("x,freight.rail,own,,CN,2024,CO2e,1,t*km,,L", "source", "empty source"),
    ("x,freight.rail,own,,CN,2024,CO2e,1,t*km,S,", "licence", "empty licence"),
    ("x,freight.rail,own,,CN,2024,CO2e,1,furlong,S,L", "unit", "freight transport unit"),
]


@pytest.mark.parametrize(("line", "column", "fragment"), BAD_ROWS)
def test_bad_user_rows_name_file_row_and_column(
    lib: FactorLibrary, tmp_path: Path, line: str, column: str, fragment: str
) -> None:
    good = "ok,freight.rail,own,,CN,2024,CO2e,0.01,t*km,S,L"
    path = write(tmp_path, good, line)
    with pytest.raises(InputError) as err:
        lib.with_user_file(path)
    msg = str(err.value)
    assert msg.startswith(f'{path}, row 3, column "{column}": '), msg
    assert fragment in msg


def test_bad_user_files(lib: FactorLibrary, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        lib.with_user_file(tmp_path / "missing.csv")
    path = write(
        tmp_path, "x,freight.rail,own,,CN,2024,CO2e,1,t*km", header=HEADER.rsplit(",", 2)[0]
    )
    with pytest.raises(InputError, match=r"row 1: missing column\(s\) source, licence"):
        lib.with_user_file(path)
    dup = write(
        tmp_path,
        "x,freight.rail,own,,CN,2024,CO2e,1,t*km,S,L",
        "x,freight.rail,own,,CN,2024,CO2e,2,t*km,S,L",
    )
    with pytest.raises(
        InputError, match=r'row 3, column "gas": gas CO2e of "x" is already given in row 2'
    ):
        lib.with_user_file(dup)
    mixed = write(
        tmp_path,
        "x,freight.rail,own,,CN,2024,CO2,1,t*km,S,L",
        "x,freight.rail,own,,CN,2023,CH4,2,t*km,S,L",
    )
    with pytest.raises(InputError, match=r'row 3, column "year": year "2023" differs from row 2'):
        lib.with_user_file(mixed)
    other_kind = write(
        tmp_path, "cn/fuel.diesel.mobile/CN/2015,fuel.lpg.mobile,cn,,CN,2015,CO2,1,t,S,L"
    )
    with pytest.raises(InputError, match="an override must keep that kind"):
        lib.with_user_file(other_kind)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="UTF-8"):
        lib.with_user_file(binary)


def test_from_paths_rejects_duplicate_coordinates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a,freight.rail,own,,CN,2024,CO2e,1,t*km,S,L",
        "b,freight.rail,own,,CN,2024,CO2e,2,t*km,S,L",
        name="factors.csv",
    )
    with pytest.raises(InputError, match='factors "a" and "b" have the same set'):
        FactorLibrary.from_paths(path)


def test_from_paths_with_a_small_factor_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a,freight.rail,own,,CN,2024,CO2e,1,t*km,S,L", name="factors.csv")
    small = FactorLibrary.from_paths(path)
    assert small.lookup("freight.rail", year=2024, factor_sets=("own",)).factor.id == "a"
    # fuels are still derived from the packaged parameters
    assert small.lookup("fuel.diesel.mobile", year=2024).factor.factor_set == "cn"
