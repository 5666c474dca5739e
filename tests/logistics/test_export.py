"""iLEAP / PACT-shaped JSON export of a shipment footprint."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from parkzero.errors import InputError
from parkzero.logistics.export import shipment_footprint_json
from parkzero.logistics.pipeline import PipelineResult, compute_footprints, read_table

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"


@pytest.fixture(scope="module")
def result() -> PipelineResult:
    return compute_footprints(
        read_table(EXAMPLES / "shipments.csv"), read_table(EXAMPLES / "legs.csv")
    )


def test_shape_and_sum(result: PipelineResult) -> None:
    doc = json.loads(json.dumps(shipment_footprint_json(result, "S001")))
    sf = doc["shipmentFootprint"]
    assert sf["shipmentId"] == "S001" and sf["mass"] == "2000"
    tces = sf["tces"]
    assert [t.get("tocId") or t.get("hocId") for t in tces] == [
        "toc-road-hgv",
        "toc-rail",
        "hoc-warehouse-ambient",
    ]
    assert tces[0]["prevTceIds"] == [] and tces[1]["prevTceIds"] == [tces[0]["tceId"]]
    assert tces[0]["distance"] == {"actual": "300"}
    assert tces[0]["transportActivity"] == "600"
    assert all(isinstance(t["co2eWTW"], str) for t in tces)
    total = sum(float(t["co2eWTW"]) for t in tces)
    assert total == pytest.approx(float(doc["totals"]["co2eWTW"]))
    assert total == pytest.approx(25.2 + 16.0 + 35.0)
    assert {t["mode"] for t in doc["tocs"]} == {"Road", "Rail"}
    assert doc["hocs"][0]["hubType"] == "warehouse"  # iLEAP HubType enum spelling
    assert doc["hocs"][0]["isVerified"] is False and doc["tocs"][0]["isAccredited"] is False
    assert doc["hocs"][0]["co2eIntensityThroughput"] == "tonnes"


def test_shared_trip_leg_is_its_allocated_share(result: PipelineResult) -> None:
    # S002 shares trip T-WH-01 with S001 and S003: its share is its t·km x the HGV intensity.
    doc = shipment_footprint_json(result, "S002")
    first = doc["shipmentFootprint"]["tces"][0]
    assert float(first["co2eWTW"]) == pytest.approx(1500 * 0.042)
    fp = result.footprints.set_index("shipment_id")
    legs_sum = sum(float(t["co2eWTW"]) for t in doc["shipmentFootprint"]["tces"])
    assert legs_sum == pytest.approx(fp.loc["S002", "wtw_kgco2e"])


def test_measured_hub_and_refrigerated(result: PipelineResult) -> None:
    doc = shipment_footprint_json(result, "S004")
    assert doc["hocs"][0]["hocId"].endswith("-measured")
    assert doc["hocs"][0]["co2eIntensityWTW"] == "17.25"
    reefer = shipment_footprint_json(result, "S003")["tocs"]
    assert any(t["temperatureControl"] == "refrigerated" for t in reefer)


def test_unknown_shipment(result: PipelineResult) -> None:
    with pytest.raises(InputError, match="S999"):
        shipment_footprint_json(result, "S999")


@pytest.mark.parametrize("method", ["mass", "volume"])
def test_tces_carry_the_chosen_allocation(method: str) -> None:
    res = compute_footprints(
        read_table(EXAMPLES / "shipments.csv"), read_table(EXAMPLES / "legs.csv"), allocation=method
    )
    tkm = compute_footprints(
        read_table(EXAMPLES / "shipments.csv"), read_table(EXAMPLES / "legs.csv")
    )
    for sid in res.footprints["shipment_id"].astype(str):
        doc = shipment_footprint_json(res, sid)
        total = sum(float(t["co2eWTW"]) for t in doc["shipmentFootprint"]["tces"])
        assert total == pytest.approx(float(doc["totals"]["co2eWTW"]), abs=1e-5)
    # S002 shares trip T-WH-01, so its footprint changes with the method
    moved = shipment_footprint_json(res, "S002")["totals"]["co2eWTW"]
    assert moved != shipment_footprint_json(tkm, "S002")["totals"]["co2eWTW"]


def test_ttw_load_factor_and_empty_running_exported() -> None:
    shipments = pd.DataFrame(
        {
            "shipment_id": ["A", "B"],
            "customer_id": ["C1", "C1"],
            "ship_date": ["2024-05-01", "2024-05-02"],
            "mass_t": ["10", "5"],
        }
    )
    legs = pd.DataFrame(
        {
            "shipment_id": ["A", "B", "A"],
            "leg_no": ["1", "1", "2"],
            "mode": ["road", "road", "road"],
            "vehicle_class": ["uk-artic-33t+-diesel", "uk-artic-33t+-diesel", "cn-heavy-diesel"],
            "distance_km": ["100", "100", "50"],
            "trip_id": ["T1", "T1", None],
            "load_factor": ["0.8", "0.8", None],
            "empty_running": ["0.25", "0.25", None],
        }
    )
    r = compute_footprints(shipments, legs)
    b = shipment_footprint_json(r, "B")
    (tce,) = b["shipmentFootprint"]["tces"]
    (toc,) = b["tocs"]
    # DEFRA uk-artic-33t+-diesel at LF 0.8, ER 0.25: 1.205077 / 14.515271 kgCO2e/(t·km) TTW,
    # 1.495675 / 14.515271 WTW (see test_pipeline_classes); B's 500 t·km.
    assert toc["tocId"] == "toc-road-uk-artic-33t+-diesel-lf0.8-er0.25"
    assert (toc["loadFactor"], toc["emptyDistanceFactor"]) == ("0.8", "0.25")
    assert float(toc["co2eIntensityTTW"]) == pytest.approx(1.205077 / 14.515271, abs=1e-6)
    assert float(tce["co2eTTW"]) == pytest.approx(500 * 1.205077 / 14.515271, rel=1e-5)
    assert float(b["totals"]["co2eTTW"]) == pytest.approx(float(tce["co2eTTW"]), rel=1e-6)
    # A's CPCD leg has no TTW: that TCE and A's total carry none, the DEFRA TCE still does.
    a = shipment_footprint_json(r, "A")
    by_id = {t["tceId"]: t for t in a["shipmentFootprint"]["tces"]}
    assert "co2eTTW" in by_id["A-tce-1"] and "co2eTTW" not in by_id["A-tce-2"]
    assert a["totals"]["co2eTTW"] is None
    cn = next(t for t in a["tocs"] if t["tocId"] == "toc-road-cn-heavy-diesel")
    assert "co2eIntensityTTW" not in cn and "loadFactor" not in cn
