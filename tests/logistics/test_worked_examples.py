"""Acceptance tests: published worked examples of freight emission calculations.

Every case of ``tests/data/logistics/worked_examples.json`` (source, inputs, published result
and tolerance, transcribed from the source) is recomputed with parkzero and compared with the
published figure:

* GHG Protocol, Technical Guidance for Calculating Scope 3 Emissions v1.0 (2013), category 4,
  examples 4.1 (fuel-based), 4.2 (distance-based), 4.3 (allocation, Deutsche Post DHL),
  4.5 and 4.6 (distribution hubs);
* iLEAP Technical Specifications 0.1.0-20240124 (TCE transport activity, shipment footprint);
* hyperledger-labs/blockchain-carbon-accounting ``data/README.md`` examples with the DEFRA/BEIS
  2021 factors.

Where an example uses illustrative factors instead of parkzero's packaged ones, they are handed
to parkzero's factor library as a user factor file, so the arithmetic under test is parkzero's.
Sources, licences and the examples that could not be obtained: ``tests/data/logistics/
SOURCES.md``.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import operator
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from parkzero.carbon.factors import FactorLibrary
from parkzero.errors import InputError
from parkzero.logistics import (
    ChainEmissions,
    HubIntensity,
    distance_based,
    hub_emissions,
    shipment_footprints,
)
from parkzero.units import conversion_factor

DATA = Path(__file__).resolve().parents[1] / "data" / "logistics" / "worked_examples.json"
ENGINES = ["pandas", "duckdb"]
#: Factor set of the examples' illustrative factors in the user factor files [-].
EXAMPLE_SET = "worked-example"
#: Case ids recomputed by a test below; the file test checks none is left out.
COVERED = {
    "ghgp-s3-4.1-fuel-based-refrigerated-supply",
    "ghgp-s3-4.2-distance-based-road-air-sea",
    "ghgp-s3-4.3-allocation-driven-tkm",
    "ghgp-s3-4.3-allocation-great-circle-tkm",
    "ghgp-s3-4.5-site-specific-distribution",
    "ghgp-s3-4.6-average-data-distribution",
    "ileap-tce-carrier-a-road",
    "ileap-tce-organizer-z-road",
    "ileap-shipment-footprint-two-tces",
    "ileap-transport-activity-definition",
    "hyperledger-defra2021-refrigerant-pfc-3-1-10",
    "hyperledger-defra2021-wtt-flight-first-class",
    "hyperledger-defra2021-wtt-flight-premium-economy",
}


@functools.cache
def _document() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


def _case(case_id: str) -> dict[str, Any]:
    for case in _document()["cases"]:
        if case["id"] == case_id:
            return dict(case)
    raise KeyError(case_id)


def _check(case: Mapping[str, Any], name: str, computed: Any) -> None:
    """Assert a figure computed by parkzero equals the published one within the case's rel_tol.

    `computed` is a float or a numpy/pandas scalar in the published result's unit.
    """
    published = case["published"][name]["value"]
    assert computed is not None, f"{case['id']}: parkzero gave no value for {name}"
    assert float(computed) == pytest.approx(published, rel=case["rel_tol"]), (
        f"{case['id']} {name}: parkzero {computed!r} vs published {published!r} "
        f"{case['published'][name]['unit']}"
    )


def _total(elements: Iterable[ChainEmissions]) -> ChainEmissions:
    return functools.reduce(operator.add, elements)


def _factor(
    fid: str, kind: str, value: float, unit: str, *, region: str, year: int
) -> dict[str, Any]:
    """One row of an example's factor file.

    Parameters
    ----------
    fid, kind, unit : str
        Factor id, activity kind of the catalogue and the unit `value` is given per [-].
    value : float
        The example's factor [kgCO2e/unit].
    region : str
        Region code the factor is filed under [-].
    year : int
        Year the factor is filed under [yr].
    """
    row: dict[str, Any] = {"id": fid, "kind": kind, "value": repr(value), "unit": unit}
    row.update(region=region, year=year)
    return row


def _user_library(
    tmp_path: Path, case: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]
) -> FactorLibrary:
    """Packaged library plus the example's factors (rows of :func:`_factor`) as a user file."""
    licence = _document()["sources"][case["source"]["ref"]]["licence"]
    source = f"{case['source']['document']}, {case['source']['section']}"
    fields = ["id", "kind", "factor_set", "region", "year", "gas", "value", "unit", "source"]
    path = tmp_path / f"{case['id']}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*fields, "licence"])
        writer.writeheader()
        for row in rows:
            extra = {"factor_set": EXAMPLE_SET, "gas": "CO2e", "source": source}
            writer.writerow({**row, **extra, "licence": licence})
    return FactorLibrary.default().with_user_file(path)


def _activity_emissions(
    lib: FactorLibrary, kind: str, quantity: float, unit: str, *, region: str, year: int
) -> ChainEmissions:
    """Quantity × the example's factor, resolved by parkzero's factor library [kgCO2e]."""
    factor = lib.lookup(kind, region=region, year=year, factor_sets=(EXAMPLE_SET,)).factor
    kg = quantity * factor.multiplier_from(unit) * factor.co2e_per_unit("AR5", lib)
    return ChainEmissions(wtw_kgco2e=kg, ttw_kgco2e=None, factor_ids=(factor.id,))


def _legs(shipments: Iterable[Mapping[str, Any]], trip_id: str) -> pd.DataFrame:
    rows = list(shipments)
    return pd.DataFrame(
        {
            "shipment_id": [s["id"] for s in rows],
            "trip_id": [trip_id] * len(rows),
            "mass_t": [float(s["mass_t"]) for s in rows],
            "distance_km": [float(s["distance_km"]) for s in rows],
        }
    )


# --------------------------------------------------------------------- the data file itself


def test_worked_examples_file_cites_a_source_and_a_published_value_for_every_case() -> None:
    doc = _document()
    ids = [c["id"] for c in doc["cases"]]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert set(ids) == COVERED, "every case must be recomputed by a test (update COVERED)"
    for ref, src in doc["sources"].items():
        for key in ("document", "version", "read_at", "licence"):
            assert src.get(key), f"source {ref}: missing {key}"
        assert src["read_at"].startswith("https://")
    for case in doc["cases"]:
        src = case["source"]
        assert src["ref"] in doc["sources"], case["id"]
        for key in ("document", "section", "url"):
            assert src.get(key), f"{case['id']}: source without {key}"
        assert src["url"].startswith("https://"), case["id"]
        assert case["inputs"], f"{case['id']}: no inputs"
        assert case["published"], f"{case['id']}: no published result"
        for name, result in case["published"].items():
            value = result["value"]
            assert isinstance(value, int | float) and math.isfinite(value), (case["id"], name)
            assert result["unit"], (case["id"], name)
        assert 0 < case["rel_tol"] <= 0.01, case["id"]
        assert case["rounding"] and case["note"] and case["method"], case["id"]
    for missing in doc["not_reproduced"]:
        assert missing["id"] and missing["source"] and missing["reason"]


# --------------------------------------------------------- GHG Protocol Scope 3, category 4


def test_ghgp_example_4_1_fuel_based_diesel_and_refrigerant_leakage(tmp_path: Path) -> None:
    # 220,000 L diesel × 3 kgCO2e/L = 660,000; 50 kg R-410A × GWP 2,000 = 100,000 kgCO2e.
    case = _case("ghgp-s3-4.1-fuel-based-refrigerated-supply")
    inp = case["inputs"]
    year = inp["year"]
    refrigerant_kind = f"refrigerant.{inp['refrigerant']}.leak"
    lib = _user_library(
        tmp_path,
        case,
        [
            _factor(
                "example/4.1/diesel",
                "fuel.diesel.mobile",
                inp["diesel_kgco2e_per_l"],
                "L",
                region="GLOBAL",
                year=year,
            ),
            _factor(
                "example/4.1/refrigerant",
                refrigerant_kind,
                inp["refrigerant_gwp"],
                "kg",
                region="GLOBAL",
                year=year,
            ),
        ],
    )
    diesel = _total(
        _activity_emissions(lib, "fuel.diesel.mobile", litres, "L", region="CN", year=year)
        for litres in inp["diesel_l"].values()
    )
    leak = _activity_emissions(
        lib, refrigerant_kind, inp["refrigerant_leak_kg"], "kg", region="CN", year=year
    )
    _check(case, "diesel", diesel.wtw_kgco2e)
    _check(case, "refrigerant", leak.wtw_kgco2e)
    _check(case, "total", (diesel + leak).wtw_kgco2e)


def test_ghgp_example_4_2_distance_based_road_air_and_sea_legs(tmp_path: Path) -> None:
    # 2 t × 2,000 km × 0.2 = 800; 1 t × 3,000 km × 1.0 = 3,000; 6 t × 4,000 km × 0.05 = 1,200.
    case = _case("ghgp-s3-4.2-distance-based-road-air-sea")
    inp = case["inputs"]
    kinds = {"road": "freight.road.hgv", "air": "freight.air", "sea": "freight.sea"}
    lib = _user_library(
        tmp_path,
        case,
        [
            _factor(
                f"example/4.2/{leg['mode']}",
                kinds[leg["mode"]],
                leg["kgco2e_per_tkm"],
                "t*km",
                region="GLOBAL",
                year=inp["year"],
            )
            for leg in inp["legs"]
        ],
    )
    legs = {
        leg["mode"]: distance_based(
            leg["mode"],
            leg["mass_t"],
            leg["distance_km"],
            vehicle_class=leg["vehicle_class"],
            year=inp["year"],
            factor_sets=(EXAMPLE_SET,),
            library=lib,
        )
        for leg in inp["legs"]
    }
    for mode, emissions in legs.items():
        _check(case, mode, emissions.wtw_kgco2e)
        assert emissions.factor_ids == (f"example/4.2/{mode}",)
    _check(case, "total", _total(legs.values()).wtw_kgco2e)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "case_id", ["ghgp-s3-4.3-allocation-driven-tkm", "ghgp-s3-4.3-allocation-great-circle-tkm"]
)
def test_ghgp_example_4_3_dhl_delivery_run_allocated_by_tkm(case_id: str, engine: str) -> None:
    # 31.5 kg CO2 shared by t·km: driven 240/150/250 → 11.8/7.4/12.3; great-circle
    # 240/150/100 → 15.43/9.64/6.43.
    case = _case(case_id)
    inp = case["inputs"]
    legs = _legs(inp["shipments"], "delivery-run")
    trips = pd.DataFrame({"trip_id": ["delivery-run"], "wtw_kgco2e": [inp["trip_kgco2"]]})
    out = shipment_footprints(legs, trips, engine=engine).set_index("shipment_id")
    for sid in out.index:
        _check(case, f"tkm_{sid}", out.loc[sid, "tkm"])
        _check(case, f"shipment_{sid}", out.loc[sid, "wtw_kgco2e"])
    _check(case, "tkm_total", out["tkm"].sum())
    _check(case, "total", out["wtw_kgco2e"].sum())
    _check(case, "allocation_factor", out["wtw_kgco2e"].sum() / out["tkm"].sum())


def test_ghgp_example_4_3_rejects_a_negative_distance_naming_the_column() -> None:
    inp = _case("ghgp-s3-4.3-allocation-driven-tkm")["inputs"]
    legs = _legs(inp["shipments"], "delivery-run")
    legs.loc[2, "distance_km"] = -25.0
    trips = pd.DataFrame({"trip_id": ["delivery-run"], "wtw_kgco2e": [inp["trip_kgco2"]]})
    with pytest.raises(InputError, match=r"legs row 4: distance_km is negative"):
        shipment_footprints(legs, trips)


def _facility_kgco2e(facility: Mapping[str, Any]) -> float:
    # The example's own step (calculation formula 4.8): energy × its illustrative factors.
    return float(
        facility["electricity_kwh"] * facility["electricity_kgco2e_per_kwh"]
        + facility["natural_gas_kwh"] * facility["natural_gas_kgco2e_per_kwh"]
    )


def _storage_tables(facilities: Iterable[Mapping[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    legs: list[dict[str, Any]] = []
    trips: list[dict[str, Any]] = []
    for f in facilities:
        trips.append({"trip_id": f"facility-{f['id']}", "wtw_kgco2e": _facility_kgco2e(f)})
        others = f["total_volume_m3"] - f["company_volume_m3"]
        for sid, volume in (("company_A", f["company_volume_m3"]), (f"others-{f['id']}", others)):
            legs.append(
                {
                    "shipment_id": sid,
                    "trip_id": f"facility-{f['id']}",
                    "mass_t": 0.0,
                    "distance_km": 0.0,
                    "volume_m3": float(volume),
                }
            )
    return pd.DataFrame(legs), pd.DataFrame(trips)


@pytest.mark.parametrize("engine", ENGINES)
def test_ghgp_example_4_5_site_specific_storage_allocated_by_volume(engine: str) -> None:
    # (10,000 × 0.8 + 1,000 × 0.25) × 100/400 = 2,062.5; (15,000 × 0.8 + 2,000 × 0.25) × 200/800
    # = 3,125; together 5,187.5 kgCO2e.
    case = _case("ghgp-s3-4.5-site-specific-distribution")
    facilities = case["inputs"]["facilities"]
    for facility in facilities:
        legs, trips = _storage_tables([facility])
        out = shipment_footprints(legs, trips, method="volume", engine=engine)
        company = out.set_index("shipment_id").loc["company_A", "wtw_kgco2e"]
        _check(case, f"facility_{facility['id']}", company)
    legs, trips = _storage_tables(facilities)
    out = shipment_footprints(legs, trips, method="volume", engine=engine)
    _check(case, "total", out.set_index("shipment_id").loc["company_A", "wtw_kgco2e"])


def test_ghgp_example_4_6_average_data_distribution_per_m3_day() -> None:
    # 4,000 m³ × 2 d × 0.01 = 80; 4,000 m³ × 2 d × 0.02 = 160; total 240 kgCO2e.
    case = _case("ghgp-s3-4.6-average-data-distribution")
    parts = {}
    for f in case["inputs"]["facilities"]:
        intensity = HubIntensity(
            wtw_kgco2e_per_unit=f["kgco2e_per_m3_day"],
            unit="m3*day",
            source=f"example/4.6/{f['id']}",
        )
        parts[f["id"]] = hub_emissions(f["volume_m3"] * f["days"], intensity)
        _check(case, f["id"], parts[f["id"]].wtw_kgco2e)
    _check(case, "total", _total(parts.values()).wtw_kgco2e)


def test_ghgp_example_4_6_rejects_a_negative_throughput() -> None:
    intensity = HubIntensity(wtw_kgco2e_per_unit=0.01, unit="m3*day", source="example/4.6")
    with pytest.raises(InputError) as err:
        hub_emissions(-8000.0, intensity)
    assert err.value.column == "mass_t"


def test_example_factor_file_without_licence_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "no_licence.csv"
    path.write_text(
        "id,kind,factor_set,region,year,gas,value,unit,source,licence\n"
        "example/4.2/road,freight.road.hgv,worked-example,GLOBAL,2013,CO2e,0.2,t*km,GHGP,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        FactorLibrary.default().with_user_file(path)
    assert err.value.column == "licence"
    assert err.value.row == 2


def test_example_road_leg_without_vehicle_class_is_rejected(tmp_path: Path) -> None:
    case = _case("ghgp-s3-4.2-distance-based-road-air-sea")
    lib = _user_library(
        tmp_path,
        case,
        [_factor("example/4.2/road", "freight.road.hgv", 0.2, "t*km", region="GLOBAL", year=2013)],
    )
    with pytest.raises(InputError) as err:
        distance_based("road", 2.0, 2000.0, year=2013, factor_sets=(EXAMPLE_SET,), library=lib)
    assert err.value.column == "vehicle_class"


# ----------------------------------------------------------------------------------- iLEAP


def _tce_tables(shipment_id: str, tces: Iterable[Mapping[str, Any]]) -> tuple[pd.DataFrame, ...]:
    kg_to_t = conversion_factor("kg", "t")
    rows = list(tces)
    legs = pd.DataFrame(
        {
            "shipment_id": [shipment_id] * len(rows),
            "trip_id": [t["tce_id"] for t in rows],
            "mass_t": [t["mass_kg"] * kg_to_t for t in rows],
            "distance_km": [float(t["distance_km"]) for t in rows],
        }
    )
    trips = pd.DataFrame(
        {
            "trip_id": [t["tce_id"] for t in rows],
            "wtw_kgco2e": [t["co2e_wtw_kg"] for t in rows],
            "ttw_kgco2e": [t["co2e_ttw_kg"] for t in rows],
        }
    )
    return legs, trips


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case_id", ["ileap-tce-carrier-a-road", "ileap-tce-organizer-z-road"])
def test_ileap_tce_transport_activity_is_mass_times_actual_distance(
    case_id: str, engine: str
) -> None:
    # 87 kg × 423 km = 36.801 t·km; 87 kg × 321 km = 27.927 t·km.
    case = _case(case_id)
    legs, trips = _tce_tables("1237890", [case["inputs"]])
    row = shipment_footprints(legs, trips, engine=engine).iloc[0]
    _check(case, "transportActivity", row["tkm"])
    _check(case, "co2eWTW", row["transport_wtw_kgco2e"])
    _check(case, "co2eTTW", row["transport_ttw_kgco2e"])


@pytest.mark.parametrize("engine", ENGINES)
def test_ileap_shipment_footprint_sums_its_two_tces(engine: str) -> None:
    # 36.801 + 27.927 = 64.728 t·km; 3.6801 + 4.74759 = 8.42769 kgCO2e.
    case = _case("ileap-shipment-footprint-two-tces")
    inp = case["inputs"]
    legs, trips = _tce_tables(inp["shipment_id"], inp["tces"])
    out = shipment_footprints(legs, trips, engine=engine)
    assert out["shipment_id"].tolist() == [inp["shipment_id"]]
    _check(case, "unitaryProductAmount", out.loc[0, "tkm"])
    _check(case, "pCfExcludingBiogenic", out.loc[0, "wtw_kgco2e"])


def test_ileap_transport_activity_definition_example_700_km_230_kg() -> None:
    # 0.23 t × 700 km = 161 t·km, printed by the spec in kg·km as 161000.
    case = _case("ileap-transport-activity-definition")
    inp = case["inputs"]
    legs, trips = _tce_tables(
        "example",
        [{"tce_id": "tce", **inp, "co2e_wtw_kg": 0.0, "co2e_ttw_kg": 0.0}],
    )
    tkm = float(shipment_footprints(legs, trips)["tkm"].iloc[0])
    _check(case, "transportActivity", tkm * conversion_factor("t*km", "kg*km"))


# --------------------------------------------------- hyperledger / DEFRA-BEIS 2021 examples


def test_defra2021_pfc_3_1_10_release_hyperledger_example() -> None:
    # 12 kg perfluorobutane × AR4 GWP100 8,860 = 106,320 kgCO2e.
    case = _case("hyperledger-defra2021-refrigerant-pfc-3-1-10")
    inp = case["inputs"]
    lib = FactorLibrary.default()
    gwp = lib.gwp(inp["gas"], inp["gwp_set"])
    assert gwp == inp["defra2021_kgco2e_per_kg"]
    _check(case, "emission", inp["released_kg"] * gwp)


@pytest.mark.parametrize(
    "case_id",
    [
        "hyperledger-defra2021-wtt-flight-first-class",
        "hyperledger-defra2021-wtt-flight-premium-economy",
    ],
)
def test_defra2021_wtt_flight_hyperledger_examples(case_id: str, tmp_path: Path) -> None:
    # 2,500 pkm × 0.06159 = 153.975; 2,500 pkm × 0.02464 = 61.6 kgCO2e.
    case = _case(case_id)
    inp = case["inputs"]
    lib = _user_library(
        tmp_path,
        case,
        [
            _factor(
                "example/defra2021/wtt-flight",
                "travel.air",
                inp["defra2021_kgco2e_per_pkm"],
                "pkm",
                region="UK",
                year=2021,
            )
        ],
    )
    emissions = _activity_emissions(lib, "travel.air", inp["pkm"], "pkm", region="UK", year=2021)
    _check(case, "emission", emissions.wtw_kgco2e)
