"""Fuel-based trips (primary data): the trips file, its emissions and its place in the pipeline."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import shipments as shipments_cli
from parkzero.errors import InputError
from parkzero.logistics import pipeline
from parkzero.logistics.pipeline import compute_footprints, read_table, run_pipeline
from parkzero.logistics.trips import trip_energy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"
# GLEC v3 Europe diesel: 0.83 kg/L, TTW 3.17 and WTW 4.13 kgCO2e/kg (Module 1, p.77).
DIESEL_TTW, DIESEL_WTW = 0.83 * 3.17, 0.83 * 4.13  # kgCO2e per litre
R404A = 3942.8  # GWP100 AR5 of R-404A [kgCO2e/kg]
HUBEI_2023 = 0.4044  # MEE 2023 grid factor, Hubei [kgCO2e/kWh]

app = typer.Typer()
app.add_typer(shipments_cli.app, name="shipments")
runner = CliRunner()


def _trips(**columns: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_fuel_electricity_reefer_and_refrigerant_hand_checked() -> None:
    t = _trips(
        trip_id=["T1", "T1", "T2", "T3", "T4"],
        carrier=["diesel", None, "electricity", "diesel", "diesel"],
        quantity=["100", None, "50", "10", "10"],
        unit=["L", None, "kWh", "L", "L"],
        region=[None, None, "CN-HB", None, "North America"],
        reefer_uplift=[None, None, None, "0.2", None],
        refrigerant=[None, "R-404A", None, None, None],
        refrigerant_kg=[None, "0.1", None, None, None],
    )
    got = trip_energy(t, year=2024).set_index("trip_id")
    # T1: 100 L diesel + 0.1 kg R-404A leaked (direct: TTW = WTW).
    assert got.loc["T1", "wtw_kgco2e"] == pytest.approx(100 * DIESEL_WTW + 0.1 * R404A)
    assert got.loc["T1", "ttw_kgco2e"] == pytest.approx(100 * DIESEL_TTW + 0.1 * R404A)
    # T2: 50 kWh on Hubei's grid; electricity has no tank-to-wheel emissions.
    assert got.loc["T2", "wtw_kgco2e"] == pytest.approx(50 * HUBEI_2023)
    assert got.loc["T2", "ttw_kgco2e"] == 0.0
    # T3: 10 L traction diesel + a reefer unit burning another 20 % of it.
    assert got.loc["T3", "wtw_kgco2e"] == pytest.approx(12 * DIESEL_WTW)
    # T4: North American diesel, 3.22 / 3.89 kgCO2e/kg at 0.847 kg/L per the GLEC table
    # (the shipped row): a different factor from Europe's.
    assert got.loc["T4", "wtw_kgco2e"] != pytest.approx(10 * DIESEL_WTW, rel=1e-3)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"trip_id": [None], "carrier": ["diesel"], "quantity": ["1"], "unit": ["L"]},
         'trips row 2, column "trip_id": missing'),
        ({"trip_id": ["T"], "carrier": ["whale_oil"], "quantity": ["1"], "unit": ["L"]},
         'trips row 2, column "carrier": unknown energy carrier "whale_oil"'),
        ({"trip_id": ["T"], "carrier": ["diesel"], "quantity": ["1"], "unit": ["parsec"]},
         'trips row 2, column "unit": unit "parsec" is not a mass, volume or energy'),
        ({"trip_id": ["T"], "carrier": ["diesel"], "quantity": ["-5"], "unit": ["L"]},
         "trips row 2, column \"quantity\": '-5' is not a number ≥ 0"),
        ({"trip_id": ["T"], "carrier": ["diesel"], "quantity": ["5"], "unit": [None]},
         'trips row 2, column "unit": missing'),
        ({"trip_id": ["T"], "refrigerant": ["R-404A"], "refrigerant_kg": [None]},
         'trips row 2, column "refrigerant": a leak needs refrigerant and refrigerant_kg'),
        ({"trip_id": ["T"], "refrigerant": ["R-9999"], "refrigerant_kg": ["1"]},
         'trips row 2, column "refrigerant": refrigerant:'),
        ({"trip_id": ["T"], "carrier": [None]}, "trips row 2: neither fuel nor refrigerant"),
    ],
)  # fmt: skip
def test_bad_trip_rows_name_row_and_column(row: dict[str, list[Any]], message: str) -> None:
    with pytest.raises(InputError) as err:
        trip_energy(pd.DataFrame(row), year=2024)
    assert message in str(err.value)


SHIPMENTS = """shipment_id,customer_id,ship_date,mass_t
A,C1,2024-05-01,2
B,C1,2024-05-02,6
"""
LEGS = """shipment_id,leg_no,mode,vehicle_class,distance_km,trip_id
A,1,road,hgv,300,T1
B,1,road,lgv,100,T1
"""
TRIPS = """trip_id,carrier,quantity,unit
T1,diesel,40,L
"""


def _write(tmp: Path, shipments: str = SHIPMENTS, legs: str = LEGS, trips: str = TRIPS) -> Any:
    paths = tmp / "shipments.csv", tmp / "legs.csv", tmp / "trips.csv"
    for path, text in zip(paths, (shipments, legs, trips), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_fuel_based_trip_replaces_the_estimate_and_gives_ttw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    s, g, t = _write(tmp_path)
    with monkeypatch.context() as m:
        if engine == "duckdb":  # the SQL path computes it, no fallback

            def pandas_path(*args: Any, **kwargs: Any) -> None:
                raise AssertionError("fell back to the pandas path")

            m.setattr(pipeline, "compute_footprints", pandas_path)
        summary = run_pipeline(s, g, tmp_path / "fp.parquet", engine=engine, trips_path=t)
    fp = pd.read_parquet(tmp_path / "fp.parquet").set_index("shipment_id")
    # 40 L of diesel shared by t·km: A 2 t x 300 km = 600, B 6 t x 100 km = 600 → half each.
    # The trip mixes an HGV and an LGV leg: with primary data the kinds need not agree.
    assert fp.loc["A", "transport_wtw_kgco2e"] == pytest.approx(20 * DIESEL_WTW, rel=1e-12)
    assert fp.loc["B", "transport_ttw_kgco2e"] == pytest.approx(20 * DIESEL_TTW, rel=1e-12)
    assert summary["total_kgco2e"] == pytest.approx(40 * DIESEL_WTW, rel=1e-12)


def test_example_trips_file_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "fp.parquet"
    args = [str(EXAMPLES / "shipments.csv"), "--legs", str(EXAMPLES / "legs.csv")]
    result = runner.invoke(
        app,
        ["shipments", "footprint", *args, "--out", str(out), "--json",
         "--trips", str(EXAMPLES / "trips.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with_fuel = json.loads(result.output)["total_kgco2e"]
    result = runner.invoke(app, ["shipments", "footprint", *args, "--out", str(out), "--json"])
    without = json.loads(result.output)["total_kgco2e"]
    # Trip T-WH-01: distance-based 2,400 t·km x 0.042 = 100.8 kgCO2e; metered 95 L of diesel.
    assert with_fuel - without == pytest.approx(95 * DIESEL_WTW - 100.8, rel=1e-9)
    fp = pd.read_parquet(out).set_index("shipment_id")
    assert fp.loc["S001", "transport_wtw_kgco2e"] == pytest.approx(25.2 + 16.0)  # docs
    exported = runner.invoke(
        app, ["shipments", "export", *args, "--shipment", "S003",
              "--trips", str(EXAMPLES / "trips.csv")],
    )  # fmt: skip
    (doc,) = json.loads(exported.output)
    # S003's 300 of the trip's 2,400 t·km, with TTW from the metered diesel.
    tce = doc["shipmentFootprint"]["tces"][0]
    assert float(tce["co2eWTW"]) == pytest.approx(95 * DIESEL_WTW / 8, abs=1e-6)
    assert float(tce["co2eTTW"]) == pytest.approx(95 * DIESEL_TTW / 8, abs=1e-6)


def test_trip_without_legs_reported_and_nothing_written(tmp_path: Path) -> None:
    s, g, t = _write(tmp_path, trips=TRIPS + "T9,diesel,5,L\n")
    out = tmp_path / "fp.parquet"
    with pytest.raises(InputError, match=r'trips.csv row 3, column "trip_id": trip T9 has no legs'):
        run_pipeline(s, g, out, trips_path=t)
    assert not out.exists()
    s, g, t = _write(tmp_path, trips=TRIPS + "T1,diesel,-5,L\n")
    with pytest.raises(InputError, match=r"trips.csv row 3, column \"quantity\""):
        run_pipeline(s, g, out, trips_path=t)
    assert not out.exists()


def test_without_trips_file_the_mixed_trip_is_an_error(tmp_path: Path) -> None:
    s, g, _ = _write(tmp_path)
    with pytest.raises(InputError, match="T1"):
        run_pipeline(s, g, tmp_path / "fp.parquet")


def test_legs_table_and_pandas_engine_agree_with_duckdb(tmp_path: Path) -> None:
    s, g, t = _write(tmp_path)
    a = compute_footprints(read_table(s), read_table(g), trips=read_table(t), engine="duckdb")
    b = compute_footprints(read_table(s), read_table(g), trips=read_table(t), engine="pandas")
    pd.testing.assert_frame_equal(a.footprints, b.footprints, rtol=1e-12)
    legs = a.legs.set_index("shipment_id")
    assert legs.loc["A", "ttw_kgco2e"] == pytest.approx(20 * DIESEL_TTW, rel=1e-12)
    assert not math.isnan(legs.loc["B", "ttw_kgco2e"])


def test_export_names_the_fuel_based_trip_as_its_own_toc(tmp_path: Path) -> None:
    from parkzero.logistics.export import shipment_footprint_json

    s, g, t = _write(tmp_path)
    r = compute_footprints(read_table(s), read_table(g), trips=read_table(t))
    doc = shipment_footprint_json(r, "A")
    (toc,) = doc["tocs"]
    # A's share 20 L over its 600 t·km.
    assert toc["tocId"] == "toc-trip-T1" and "fuel-based" in toc["description"]
    assert float(toc["co2eIntensityWTW"]) == pytest.approx(20 * DIESEL_WTW / 600, abs=1e-6)
    assert float(toc["co2eIntensityTTW"]) == pytest.approx(20 * DIESEL_TTW / 600, abs=1e-6)
