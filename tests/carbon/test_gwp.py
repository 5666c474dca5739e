"""Tests of GWP100 values, gas groups and refrigerant blends."""

from __future__ import annotations

from pathlib import Path

import pytest

import parkzero.carbon.gwp as gwp_module
from parkzero.carbon.factors import FactorLibrary
from parkzero.carbon.gwp import GAS_GROUPS, GWP_SETS, GwpTable, normalise_gwp_set
from parkzero.config import packaged_data
from parkzero.errors import FactorNotFoundError, InputError


@pytest.fixture(scope="module")
def table() -> GwpTable:
    return GwpTable.default()


def test_all_is_the_public_surface() -> None:
    assert set(gwp_module.__all__) == {
        "GAS_GROUPS",
        "GWP_SETS",
        "Gas",
        "GwpTable",
        "normalise_gwp_set",
    }
    for name in gwp_module.__all__:
        assert hasattr(gwp_module, name)
    assert GWP_SETS == ("AR4", "AR5", "AR6")
    assert GAS_GROUPS[:7] == ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")


def test_r404a_ar6_is_mass_weighted_blend(table: GwpTable) -> None:
    # R-404A = 44 % R-125 + 52 % R-143a + 4 % R-134a (ASHRAE 34); AR6 GWP100 3740, 5810, 1530.
    assert table.gwp("R-404A", "AR6") == pytest.approx(0.44 * 3740 + 0.52 * 5810 + 0.04 * 1530)
    assert table.gwp("R-404A", "AR6") == pytest.approx(4728)


@pytest.mark.parametrize(
    ("blend", "published_ar4"),
    [("R-404A", 3922), ("R-410A", 2088), ("R-407C", 1774), ("R-507A", 3985)],
)
def test_blends_reproduce_published_ar4_values(
    table: GwpTable, blend: str, published_ar4: float
) -> None:
    assert table.gwp(blend, "AR4") == pytest.approx(published_ar4, abs=0.5)
    assert table.group(blend) == "HFCs"


def test_blend_values_in_every_set(table: GwpTable) -> None:
    assert table.gwp("R-410A", "AR5") == pytest.approx(0.5 * 677 + 0.5 * 3170)
    assert table.gwp("R-407C", "AR6") == pytest.approx(0.23 * 771 + 0.25 * 3740 + 0.52 * 1530)
    assert table.gwp("R-507A", "AR6") == pytest.approx(0.5 * 3740 + 0.5 * 5810)
    assert table.get("R-404A").components == (
        ("HFC-125", 0.44),
        ("HFC-143a", 0.52),
        ("HFC-134a", 0.04),
    )


def test_kyoto_gases(table: GwpTable) -> None:
    expected = {
        ("CO2", "AR6"): 1,
        ("CH4", "AR4"): 25,
        ("CH4", "AR5"): 28,
        ("CH4", "AR6"): 27.9,
        ("CH4-fossil", "AR5"): 30,
        ("CH4-fossil", "AR6"): 29.8,
        ("CH4-non-fossil", "AR6"): 27.0,
        ("N2O", "AR4"): 298,
        ("N2O", "AR5"): 265,
        ("N2O", "AR6"): 273,
        ("HFC-32", "AR6"): 771,
        ("HFC-125", "AR4"): 3500,
        ("HFC-134a", "AR4"): 1430,
        ("HFC-143a", "AR6"): 5810,
        ("CF4", "AR6"): 7380,
        ("C2F6", "AR4"): 12200,
        ("SF6", "AR4"): 22800,
        ("SF6", "AR6"): 25200,
        ("NF3", "AR5"): 16100,
    }
    for (gas, gwp_set), value in expected.items():
        assert table.gwp(gas, gwp_set) == pytest.approx(value), (gas, gwp_set)
    groups = {table.group(g.name) for g in table.gases()}
    assert groups >= {"CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3"}


def test_aliases_and_single_component_refrigerants(table: GwpTable) -> None:
    assert table.canonical("R-134a") == "HFC-134a"
    assert table.canonical("r134a") == "HFC-134a"
    assert table.canonical("R-32") == "HFC-32"
    assert table.canonical("r410a") == "R-410A"
    assert table.canonical("R 404A") == "R-404A"
    assert table.gwp("R-134a", "AR4") == table.gwp("HFC-134a", "AR4") == 1430
    assert table.canonical("R-744") == "CO2" and table.gwp("R-744", "AR6") == 1
    assert table.canonical("PFC-14") == "CF4"


def test_groups_outside_the_kyoto_total(table: GwpTable) -> None:
    assert table.group("R-22") == "Montreal" and table.gwp("R-22", "AR4") == 1810
    assert table.group("HCFC-22") == "Montreal"
    assert table.group("R-717") == "other" and table.gwp("R-717", "AR6") == 0
    assert table.group("ammonia") == "other"
    assert table.group("CO2-biogenic") == "biogenic"
    assert table.group("CO2e") == "CO2e"
    for gwp_set in GWP_SETS:
        assert table.gwp("CO2e", gwp_set) == 1  # pre-aggregated: never re-weighted


def test_gwp_set_names(table: GwpTable) -> None:
    assert normalise_gwp_set("ar6") == "AR6"
    assert table.gwp("N2O", " ar5 ") == 265
    with pytest.raises(
        InputError, match=r'unknown GWP set "AR7" \(expected one of AR4, AR5, AR6\)'
    ):
        table.gwp("N2O", "AR7")


def test_unknown_gas_suggests_names(table: GwpTable) -> None:
    with pytest.raises(FactorNotFoundError, match=r'unknown gas "HFC-134b"; did you mean HFC-134a'):
        table.gwp("HFC-134b", "AR6")


def test_library_delegates(table: GwpTable) -> None:
    lib = FactorLibrary.default()
    assert lib.gwp("R-404A", "AR4") == table.gwp("R-404A", "AR4")
    assert lib.gas_group("R-404A") == "HFCs"
    assert lib.gas_group("CO2e") == "CO2e"
    assert lib.canonical_gas("R-22") == "HCFC-22"
    with pytest.raises(FactorNotFoundError):
        lib.gwp("unobtainium", "AR6")
    with pytest.raises(InputError):
        lib.gwp("CO2", "SAR")


def test_bad_blend_files(tmp_path: Path) -> None:
    gwp_csv = packaged_data("gwp.csv")
    bad_sum = tmp_path / "blends.csv"
    bad_sum.write_text(
        "blend,component,mass_fraction,source\nR-X,HFC-32,0.5,s\nR-X,HFC-125,0.4,s\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r'mass fractions of blend "R-X" add up to 0\.9, not 1'):
        GwpTable.from_csv(gwp_csv, bad_sum)
    bad_component = tmp_path / "blends2.csv"
    bad_component.write_text(
        "blend,component,mass_fraction,source\nR-X,HFC-999,1,s\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r'row 2, column "component": unknown component "HFC-999"'):
        GwpTable.from_csv(gwp_csv, bad_component)
    bad_gwp = tmp_path / "gwp.csv"
    bad_gwp.write_text(
        "gas,group,ar4,ar5,ar6,source,licence\nX,Kyoto,1,1,1,s,l\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r'row 2, column "group": unknown group "Kyoto"'):
        GwpTable.from_csv(bad_gwp)
