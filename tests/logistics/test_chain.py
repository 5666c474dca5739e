"""Transport chain elements: hand-checked numbers from the GLEC v3 tables and parkzero's
factor library (see tests/data/logistics/SOURCES.md)."""

from __future__ import annotations

import pytest

from parkzero.errors import InputError
from parkzero.logistics import (
    adjusted_distance,
    distance_based,
    fuel_based,
    refrigerant_leakage,
)
from parkzero.logistics.chain import distance_kind, energy_carrier


def test_fuel_based_diesel_litres_ttw_and_wtw() -> None:
    # GLEC v3 p.77, Europe diesel: 0.83 kg/L, TTW 3.17 and WTW 4.13 kgCO2e/kg.
    e = fuel_based(100.0, "L", "diesel", tkm=1000.0, distance_km=100.0)
    assert e.ttw_kgco2e == pytest.approx(100 * 0.83 * 3.17)  # 263.11
    assert e.wtw_kgco2e == pytest.approx(100 * 0.83 * 4.13)  # 342.79
    assert e.wtt_kgco2e == pytest.approx(342.79 - 263.11)
    assert e.kgco2e_per_tkm == pytest.approx(0.34279)
    assert e.factor_ids == ("glec-v3/energy/Europe/diesel",)


def test_fuel_based_diesel_per_litre_matches_sources_note() -> None:
    # SOURCES.md: "Diesel EU WTW is 4.13 kgCO2e/kg (about 3.43 kg/l at 0.83 kg/l)".
    assert fuel_based(1.0, "L", "diesel").wtw_kgco2e == pytest.approx(3.43, abs=0.005)


def test_fuel_based_electricity_kwh() -> None:
    # GLEC v3 p.77: EU27 electricity WTW 97 gCO2e/MJ = 349.2 g/kWh, TTW 0.
    e = fuel_based(1000.0, "kWh", "electricity")
    assert e.wtw_kgco2e == pytest.approx(349.2)
    assert e.ttw_kgco2e == 0.0


def test_fuel_based_north_america_and_mass_units() -> None:
    # GLEC v3 p.79, North America diesel TTW 3.22, WTW 3.89 kgCO2e/kg.
    e = fuel_based(2.0, "t", "diesel", region="North America")
    assert e.ttw_kgco2e == pytest.approx(6440.0)
    assert e.wtw_kgco2e == pytest.approx(7780.0)


def test_fuel_based_lng_by_energy() -> None:
    # GLEC v3 p.78, LNG truck: TTW 57.9, WTW 82.6 gCO2e/MJ.
    e = fuel_based(10_000.0, "MJ", "lng")
    assert e.ttw_kgco2e == pytest.approx(579.0)
    assert e.wtw_kgco2e == pytest.approx(826.0)


def test_reefer_uplift_and_refrigerant_leakage() -> None:
    # 100 L traction diesel + 10 % reefer uplift = 110 L; 0.5 kg R-404A at AR5 GWP 3942.8.
    traction = fuel_based(100.0, "L", "diesel", reefer_uplift=0.10)
    assert traction.wtw_kgco2e == pytest.approx(110 * 0.83 * 4.13)
    leak = refrigerant_leakage(0.5, "R-404A", gwp_set="AR5", year=2023)
    assert leak.wtw_kgco2e == pytest.approx(1971.4)
    assert leak.ttw_kgco2e == pytest.approx(1971.4)
    trip = traction + leak
    assert trip.wtw_kgco2e == pytest.approx(377.069 + 1971.4)
    assert trip.ttw_kgco2e == pytest.approx(110 * 0.83 * 3.17 + 1971.4)


def test_reefer_fuel_metered_separately() -> None:
    trip = fuel_based(100.0, "L", "diesel") + fuel_based(8.0, "L", "diesel")
    assert trip.wtw_kgco2e == pytest.approx(108 * 0.83 * 4.13)


def test_distance_adjustment_factor_road_default() -> None:
    assert adjusted_distance(200.0, "road") == pytest.approx(210.0)
    assert adjusted_distance(200.0, "rail", daf=1.1) == pytest.approx(220.0)
    with pytest.raises(InputError, match="distance_adjustment_factor"):
        adjusted_distance(200.0, "rail")


def test_distance_based_road_hgv_with_daf() -> None:
    # 10 t over 100 km shortest feasible distance × 1.05 = 1050 t·km × 0.042 kgCO2e/t·km
    # (guide factor freight.road.hgv CN 2021).
    e = distance_based("road", 10.0, 100.0, vehicle_class="hgv", shortest_feasible=True, year=2021)
    assert e.tkm == pytest.approx(1050.0)
    assert e.distance_km == pytest.approx(105.0)
    assert e.wtw_kgco2e == pytest.approx(44.1)
    assert e.ttw_kgco2e is None
    assert e.factor_ids == ("guide/freight.road.hgv/CN/2021",)


@pytest.mark.parametrize(
    ("mode", "kwargs", "factor"),
    [
        ("rail", {}, 0.01),
        ("air", {}, 0.921),
        ("sea", {}, 0.008122),
        ("inland_waterway", {}, 0.004505),
        ("road", {"vehicle_class": "lgv"}, 0.2611),
        ("road", {"refrigerated": True}, 0.1683),
    ],
)
def test_distance_based_modes(mode: str, kwargs: dict[str, object], factor: float) -> None:
    e = distance_based(mode, 2.0, 500.0, year=2024, **kwargs)  # type: ignore[arg-type]
    assert e.tkm == pytest.approx(1000.0)
    assert e.wtw_kgco2e == pytest.approx(1000.0 * factor)


def test_distance_based_defra_set() -> None:
    e = distance_based(
        "road", 1.0, 1000.0, vehicle_class="hgv", year=2021, region="UK", factor_sets="defra"
    )
    assert e.wtw_kgco2e == pytest.approx(107.49)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: distance_kind("teleport"), "mode"),
        (lambda: distance_kind("road"), "vehicle_class"),
        (lambda: distance_kind("rail", refrigerated=True), "refrigerated"),
        (lambda: fuel_based(-1.0, "L", "diesel"), "quantity"),
        (lambda: fuel_based(1.0, "L", "unobtainium"), "carrier"),
        (lambda: fuel_based(1.0, "L", "diesel", region="Mars"), "region"),
        (lambda: fuel_based(1.0, "km", "diesel"), "unit"),
        (lambda: fuel_based(1.0, "L", "electricity"), "unit"),
        (lambda: distance_based("rail", -2.0, 10.0, year=2021), "mass_t"),
        (lambda: distance_based("rail", 2.0, float("nan"), year=2021), "distance_km"),
        (lambda: refrigerant_leakage(1.0, "R-999", year=2021), "refrigerant"),
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(InputError) as info:
        call()  # type: ignore[operator]
    assert info.value.column == field
    assert field in str(info.value) or info.value.column == field


def test_energy_carrier_provenance() -> None:
    c = energy_carrier("diesel")
    assert c.status == "TRANSCRIBED"
    assert "GLEC" in c.source and "p.77" in c.source
    assert "Smart Freight Centre" in c.licence
