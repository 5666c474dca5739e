"""Allocation in the file pipeline: t·km (ISO 14083), mass or volume (GHG Protocol)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import shipments as shipments_cli
from parkzero.errors import ConfigError, InputError
from parkzero.logistics import pipeline
from parkzero.logistics.pipeline import compute_footprints, read_table, run_pipeline

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"

# Three shipments on one HGV trip T1 with different masses, distances and volumes; A also rides
# rail alone (its own trip, 2 t x 800 km x 0.01 = 16 kgCO2e whatever the method) and D travels
# alone without a volume (not needed: it is on no shared trip).
SHIPMENTS = """shipment_id,customer_id,ship_date,mass_t,volume_m3
A,C1,2024-03-04,2,12
B,C1,2024-03-20,5,8
C,C2,2024-04-01,3,20
D,C2,2024-04-02,1,
"""
LEGS = """shipment_id,leg_no,mode,vehicle_class,distance_km,trip_id
A,1,road,hgv,300,T1
B,1,road,hgv,300,T1
C,1,road,hgv,100,T1
A,2,rail,,800,
D,1,road,hgv,50,
"""
# Trip T1: t·km 2x300 + 5x300 + 3x100 = 600 + 1500 + 300 = 2400; HGV 0.042 kgCO2e/t·km
# → 2400 x 0.042 = 100.8 kgCO2e to share among A, B, C:
#   tkm:    600/2400, 1500/2400, 300/2400 = 0.25, 0.625, 0.125 → 25.2, 63.0, 12.6
#   mass:   2/10, 5/10, 3/10 t            = 0.2, 0.5, 0.3     → 20.16, 50.4, 30.24
#   volume: 12/40, 8/40, 20/40 m³         = 0.3, 0.2, 0.5     → 30.24, 20.16, 50.4
TRIP_KG = 100.8
SHARES = {
    "tkm": {"A": 25.2, "B": 63.0, "C": 12.6},
    "mass": {"A": 20.16, "B": 50.4, "C": 30.24},
    "volume": {"A": 30.24, "B": 20.16, "C": 50.4},
}
RAIL_A = 16.0  # 2 t x 800 km x 0.01 kgCO2e/t·km
ROAD_D = 2.1  # 1 t x 50 km x 0.042 kgCO2e/t·km

app = typer.Typer()
app.add_typer(shipments_cli.app, name="shipments")
runner = CliRunner()


def _write(tmp: Path, shipments: str = SHIPMENTS, legs: str = LEGS) -> tuple[Path, Path]:
    s, g = tmp / "shipments.csv", tmp / "legs.csv"
    s.write_text(shipments, encoding="utf-8")
    g.write_text(legs, encoding="utf-8")
    return s, g


def _sql_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def pandas_path(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("fell back to the pandas path")

    monkeypatch.setattr(pipeline, "compute_footprints", pandas_path)


@pytest.mark.parametrize("allocation", ["tkm", "mass", "volume"])
@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_three_shipments_on_one_trip_hand_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, allocation: str
) -> None:
    s, g = _write(tmp_path)
    out = tmp_path / "out.parquet"
    with monkeypatch.context() as m:
        if engine == "duckdb":
            _sql_path_only(m)  # the DuckDB SQL path computes it, no fallback
        summary = run_pipeline(s, g, out, engine=engine, allocation=allocation)
    assert summary["allocation"] == allocation and summary["engine"] == engine
    fp = pd.read_parquet(out).set_index("shipment_id")["transport_wtw_kgco2e"]
    share = SHARES[allocation]
    assert sum(share.values()) == pytest.approx(TRIP_KG, rel=1e-12)
    assert fp["A"] == pytest.approx(share["A"] + RAIL_A, rel=1e-12)
    assert fp["B"] == pytest.approx(share["B"], rel=1e-12)
    assert fp["C"] == pytest.approx(share["C"], rel=1e-12)
    assert fp["D"] == pytest.approx(ROAD_D, rel=1e-12)
    # The allocation moves emissions between shipments, never changes the total.
    assert summary["total_kgco2e"] == pytest.approx(TRIP_KG + RAIL_A + ROAD_D, rel=1e-12)
    assert summary["tkm"] == pytest.approx(2400 + 1600 + 50)


@pytest.mark.parametrize("allocation", ["tkm", "mass", "volume"])
def test_per_leg_allocated_share_sums_to_trip(allocation: str) -> None:
    s, g = read_table(EXAMPLES / "shipments.csv"), read_table(EXAMPLES / "legs.csv")
    r = compute_footprints(s, g, allocation=allocation)
    legs = r.legs
    trip = legs[legs["trip_id"] == "T-WH-01"]
    # Trip T-WH-01: (2x300 + 5x300 + 3x100) t·km x 0.042 = 100.8 kgCO2e, by any method.
    assert trip["wtw_kgco2e"].sum() == pytest.approx(100.8, rel=1e-12)
    per_shipment = legs.groupby("shipment_id")["wtw_kgco2e"].sum()
    fp = r.footprints.set_index("shipment_id")["transport_wtw_kgco2e"]
    pd.testing.assert_series_equal(per_shipment, fp, rtol=1e-12, check_names=False)
    # Example volumes 12, 18, 30 m³ of 60: S003 carries half of the trip by volume.
    if allocation == "volume":
        assert trip.set_index("shipment_id").loc["S003", "wtw_kgco2e"] == pytest.approx(50.4)


@pytest.mark.parametrize("allocation", ["mass", "volume"])
def test_duckdb_sql_path_equals_pandas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, allocation: str
) -> None:
    s, g = EXAMPLES / "shipments.csv", EXAMPLES / "legs.csv"
    b = run_pipeline(s, g, tmp_path / "p.parquet", engine="pandas", allocation=allocation)
    _sql_path_only(monkeypatch)
    a = run_pipeline(s, g, tmp_path / "d.parquet", allocation=allocation)
    assert a["total_kgco2e"] == pytest.approx(b["total_kgco2e"], rel=1e-12)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "d.parquet"),
        pd.read_parquet(tmp_path / "p.parquet"),
        check_exact=False,
        rtol=1e-9,
        atol=0,
    )


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_bad_volumes_reported_per_row_and_nothing_written(tmp_path: Path, engine: str) -> None:
    shipments = (
        SHIPMENTS.replace("A,C1,2024-03-04,2,12", "A,C1,2024-03-04,2,")
        .replace("B,C1,2024-03-20,5,8", "B,C1,2024-03-20,5,0")
        .replace("C,C2,2024-04-01,3,20", "C,C2,2024-04-01,3,-4")
    )
    s, g = _write(tmp_path, shipments)
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError) as err:
        run_pipeline(s, g, out, engine=engine, allocation="volume")
    msg = str(err.value)
    assert msg.startswith("shipments.csv: 3 problem(s)")
    assert 'shipments.csv row 2, column "volume_m3": missing (allocation by volume' in msg
    assert "shipment A on shared trip T1" in msg
    assert 'shipments.csv row 3, column "volume_m3": zero (allocation by volume' in msg
    assert 'shipments.csv row 4, column "volume_m3": negative (expected ≥ 0)' in msg
    assert "row 5" not in msg  # D travels alone: no volume needed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legs.csv", "shipments.csv"]


def test_missing_volume_only_matters_for_volume_allocation(tmp_path: Path) -> None:
    shipments = SHIPMENTS.replace("A,C1,2024-03-04,2,12", "A,C1,2024-03-04,2,")
    s, g = _write(tmp_path, shipments)
    summary = run_pipeline(s, g, tmp_path / "o.parquet", allocation="mass")
    assert summary["total_kgco2e"] == pytest.approx(TRIP_KG + RAIL_A + ROAD_D)
    # A negative volume is wrong whatever the method.
    s, g = _write(tmp_path, SHIPMENTS.replace("B,C1,2024-03-20,5,8", "B,C1,2024-03-20,5,-8"))
    with pytest.raises(InputError, match=r'row 3, column "volume_m3": negative'):
        run_pipeline(s, g, tmp_path / "o.parquet")


def test_volume_column_missing_or_unknown_allocation(tmp_path: Path) -> None:
    no_volume = "\n".join(line.rsplit(",", 1)[0] for line in SHIPMENTS.splitlines()) + "\n"
    s, g = _write(tmp_path, no_volume)
    with pytest.raises(InputError, match=r"missing column volume_m3") as err:
        run_pipeline(s, g, tmp_path / "o.parquet", allocation="volume")
    assert err.value.column == "volume_m3"
    with pytest.raises(ConfigError, match=r'unknown allocation "weight" \(expected one of tkm'):
        run_pipeline(s, g, tmp_path / "o.parquet", allocation="weight")
    assert not (tmp_path / "o.parquet").exists()


def _cli(tmp_path: Path, s: Path, g: Path, *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / "fp.parquet"
    args = ["shipments", "footprint", str(s), "--legs", str(g), "--out", str(out), *extra]
    result = runner.invoke(app, args)
    return result.exit_code, result.output, out


def test_cli_allocation_volume(tmp_path: Path) -> None:
    s, g = EXAMPLES / "shipments.csv", EXAMPLES / "legs.csv"
    code, output, out = _cli(tmp_path, s, g, "--allocation", "volume", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["allocation"] == "volume" and data["engine"] == "duckdb"
    fp = pd.read_parquet(out).set_index("shipment_id")
    # S002: 18/60 of trip T-WH-01 (100.8) = 30.24, sea 5 t x 2000 km x 0.008122 = 81.22 and
    # road LGV 5 t x 40 km x 0.2611 = 52.22 → 163.68 kgCO2e of transport.
    assert fp.loc["S002", "transport_wtw_kgco2e"] == pytest.approx(30.24 + 81.22 + 52.22)
    code, output, _ = _cli(tmp_path, s, g, "--allocation", "mass")
    assert code == 0, output
    assert "allocation mass" in output


def test_cli_bad_volume_row_exits_2_without_output(tmp_path: Path) -> None:
    text = (EXAMPLES / "shipments.csv").read_text(encoding="utf-8")
    s = tmp_path / "shipments.csv"
    s.write_text(text.replace("ambient,,18", "ambient,,0"), encoding="utf-8")
    code, output, out = _cli(tmp_path, s, EXAMPLES / "legs.csv", "--allocation", "volume")
    assert code == 2
    assert 'shipments.csv row 3, column "volume_m3": zero' in " ".join(output.split())
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shipments.csv"]
    code, output, _ = _cli(tmp_path, s, EXAMPLES / "legs.csv", "--allocation", "pallets")
    assert code == 2 and "unknown allocation" in output
