"""Road vehicle classes in the batch pipeline: CPCD and DEFRA classes, load factor and empty
running, tank-to-wheel next to well-to-wheel, on the DuckDB SQL path and the pandas engine."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from parkzero.errors import InputError
from parkzero.logistics import pipeline
from parkzero.logistics.pipeline import compute_footprints, read_table, run_pipeline

SHIPMENTS = """shipment_id,customer_id,ship_date,mass_t
A,C1,2024-05-01,10
B,C1,2024-05-02,5
C,C2,2024-05-03,2
D,C2,2024-05-04,1
"""
LEGS = """shipment_id,leg_no,mode,vehicle_class,distance_km,trip_id,load_factor,empty_running
A,1,road,uk-artic-33t+-diesel,100,T1,0.8,0.25
B,1,road,uk-artic-33t+-diesel,100,T1,0.8,0.25
A,2,rail,,500,,,
C,1,road,cn-heavy-diesel,50,,,
D,1,road,uk-van-iii-bev,20,,,
"""
# uk-artic-33t+-diesel (DEFRA 2021): payload 18.144089 t; TTW 0.65023 / 1.07286 kgCO2e per km
# empty / full, WTW 0.80591 / 1.33232. At LF 0.8, ER 0.25 (one empty km per three laden):
#   TTW per laden km 0.65023 + 0.42263 x 0.8 + 0.65023 x 0.25 / 0.75 = 1.205077
#   WTW per laden km 0.80591 + 0.52641 x 0.8 + 0.80591 / 3          = 1.495675
#   over 18.144089 x 0.8 = 14.515271 t → 0.0830213 (TTW), 0.1030415 (WTW) kgCO2e/(t·km).
TTW_I, WTW_I = 1.205077 / 14.515271, 1.495675 / 14.515271
# Trip T1 carries 10 t x 100 km + 5 t x 100 km = 1500 t·km, shared 2:1 by t·km.
RAIL_A = 10 * 500 * 0.01  # CPCD rail 0.01 kgCO2e/(t·km), WTW only
CPCD_C = 2 * 50 * 0.0978  # cn-heavy-diesel (CPCD 2024), WTW only
BEV_D = 1 * 20 * 0.28908  # uk-van-iii-bev WTW (generation + T&D + upstream); TTW 0


def _write(tmp: Path, shipments: str = SHIPMENTS, legs: str = LEGS) -> tuple[Path, Path]:
    s, g = tmp / "shipments.csv", tmp / "legs.csv"
    s.write_text(shipments, encoding="utf-8")
    g.write_text(legs, encoding="utf-8")
    return s, g


def _no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    def pandas_path(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("fell back to the pandas path")

    monkeypatch.setattr(pipeline, "compute_footprints", pandas_path)


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_classes_load_factor_and_ttw_hand_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    s, g = _write(tmp_path)
    with monkeypatch.context() as m:
        if engine == "duckdb":
            _no_fallback(m)
        run_pipeline(s, g, tmp_path / "fp.parquet", engine=engine)
    fp = pd.read_parquet(tmp_path / "fp.parquet").set_index("shipment_id")
    wtw, ttw = fp["transport_wtw_kgco2e"], fp["transport_ttw_kgco2e"]
    assert wtw["A"] == pytest.approx(1000 * WTW_I + RAIL_A, rel=1e-6)
    assert wtw["B"] == pytest.approx(500 * WTW_I, rel=1e-6)
    assert ttw["B"] == pytest.approx(500 * TTW_I, rel=1e-6)
    assert math.isnan(ttw["A"])  # its rail leg has no TTW: no partial sum
    assert wtw["C"] == pytest.approx(CPCD_C, rel=1e-12) and math.isnan(ttw["C"])
    assert wtw["D"] == pytest.approx(BEV_D, rel=1e-12) and ttw["D"] == 0.0


def test_engines_agree_and_legs_carry_ttw(tmp_path: Path) -> None:
    s, g = _write(tmp_path)
    a = compute_footprints(read_table(s), read_table(g), engine="duckdb")
    b = compute_footprints(read_table(s), read_table(g), engine="pandas")
    pd.testing.assert_frame_equal(a.footprints, b.footprints, rtol=1e-12)
    legs = a.legs.set_index(["shipment_id", "leg_no"])
    assert legs.loc[("A", 1), "kgco2e_per_tkm"] == pytest.approx(WTW_I, rel=1e-6)
    assert legs.loc[("A", 1), "ttw_kgco2e"] == pytest.approx(1000 * TTW_I, rel=1e-6)
    assert legs.loc[("A", 1), "load_factor"] == 0.8
    assert math.isnan(legs.loc[("A", 2), "ttw_kgco2e"])


def test_without_load_factor_the_class_reference_applies(tmp_path: Path) -> None:
    legs = LEGS.replace(",0.8,0.25", ",,")
    s, g = _write(tmp_path, legs=legs)
    fp = compute_footprints(read_table(s), read_table(g)).footprints.set_index("shipment_id")
    # DEFRA's average-laden uk-artic-33t+-diesel: 0.09951 WTW, 0.08017 TTW kgCO2e/(t·km).
    assert fp.loc["B", "transport_wtw_kgco2e"] == pytest.approx(500 * 0.09951, rel=1e-12)
    assert fp.loc["B", "transport_ttw_kgco2e"] == pytest.approx(500 * 0.08017, rel=1e-12)


@pytest.mark.parametrize(
    ("legs", "message"),
    [
        (
            LEGS.replace("cn-heavy-diesel,50,,,", "cn-heavy-diesel,50,,0.5,"),
            'legs.csv row 5, column "load_factor": vehicle class "cn-heavy-diesel" has no laden '
            "model",
        ),
        (
            LEGS.replace(
                "A,1,road,uk-artic-33t+-diesel,100,T1,0.8",
                "A,1,road,uk-artic-33t+-diesel,100,T1,1.5",
            ),
            'legs.csv row 2, column "load_factor": 1.5 is out of range (expected 0 < load factor ≤ 1',
        ),
        (
            LEGS.replace(
                "B,1,road,uk-artic-33t+-diesel,100,T1,0.8,0.25",
                "B,1,road,uk-artic-33t+-diesel,100,T1,0.8,1",
            ),
            'legs.csv row 3, column "empty_running": 1 is out of range',
        ),
        (
            LEGS.replace("rail,,500,,,", "rail,,500,,0.5,"),
            'legs.csv row 4, column "load_factor": mode rail has no laden model',
        ),
        (
            LEGS.replace("cn-heavy-diesel", "cn-giant-diesel"),
            'legs.csv row 5, column "vehicle_class": unknown vehicle class "cn-giant-diesel"',
        ),
        (
            LEGS.replace(
                "B,1,road,uk-artic-33t+-diesel,100,T1,0.8",
                "B,1,road,uk-artic-33t+-diesel,100,T1,0.6",
            ),
            "trip(s) T1: legs of one trip must have the same mode, vehicle class, refrigeration, "
            "load factor and empty running",
        ),
    ],
)
def test_bad_classes_and_shares_reported_and_nothing_written(
    tmp_path: Path, legs: str, message: str
) -> None:
    s, g = _write(tmp_path, legs=legs)
    out = tmp_path / "fp.parquet"
    with pytest.raises(InputError) as err:
        run_pipeline(s, g, out)
    assert message in str(err.value)
    assert not out.exists()


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_shortest_feasible_distance_takes_the_road_daf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    legs = (
        "shipment_id,leg_no,mode,vehicle_class,distance_km,shortest_feasible\n"
        "A,1,road,cn-heavy-diesel,200,true\n"
        "B,1,road,cn-heavy-diesel,200,false\n"
        "C,1,road,cn-heavy-diesel,200,\n"
        "D,1,rail,,200,false\n"
    )
    s, g = _write(tmp_path, legs=legs)
    with monkeypatch.context() as m:
        if engine == "duckdb":
            _no_fallback(m)
        run_pipeline(s, g, tmp_path / "fp.parquet", engine=engine)
    fp = pd.read_parquet(tmp_path / "fp.parquet").set_index("shipment_id")
    # A: 10 t x 200 km x 1.05 (GLEC road distance adjustment factor) = 2,100 t·km.
    assert fp.loc["A", "tkm"] == pytest.approx(10 * 200 * 1.05, rel=1e-12)
    assert fp.loc["A", "transport_wtw_kgco2e"] == pytest.approx(2100 * 0.0978, rel=1e-12)
    # false or blank: the distance as given (B 5 t, C 2 t, D 1 t by rail over 200 km).
    assert fp.loc["B", "tkm"] == pytest.approx(1000.0)
    assert fp.loc["C", "tkm"] == pytest.approx(400.0)
    assert fp.loc["D", "tkm"] == pytest.approx(200.0)


def test_shortest_feasible_distance_without_a_default_daf_is_reported(tmp_path: Path) -> None:
    legs = "shipment_id,leg_no,mode,distance_km,shortest_feasible\nA,1,rail,200,yes\n"
    s, g = _write(
        tmp_path,
        shipments="shipment_id,customer_id,ship_date,mass_t\nA,C,2024-01-02,1\n",
        legs=legs,
    )
    with pytest.raises(InputError) as err:
        run_pipeline(s, g, tmp_path / "fp.parquet")
    assert (
        'legs.csv row 2, column "shortest_feasible": no default distance adjustment factor '
        "for mode rail (defaults exist for road); give the actual distance"
    ) in str(err.value)
    assert not (tmp_path / "fp.parquet").exists()
