"""The Spark engine of the shipments pipeline, in local mode: same footprints as DuckDB.

One local Spark session (one core, one shuffle partition, C1-only JIT for a quick start) serves
the whole module; the runs reuse it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import shipments as shipments_cli
from parkzero.errors import ConfigError, InputError
from parkzero.logistics import pipeline
from parkzero.logistics.pipeline import (
    OUTPUT_COLUMNS,
    compute_footprints,
    read_table,
    run_pipeline,
)
from parkzero.logistics.spark import parse_conf, spark_session

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"
REL = 1e-9

app = typer.Typer()
app.add_typer(shipments_cli.app, name="shipments")
runner = CliRunner()


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    conf = {
        "spark.sql.shuffle.partitions": "1",
        "spark.default.parallelism": "1",
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        "spark.local.dir": str(tmp_path_factory.mktemp("spark-local")),
    }
    with spark_session("local[1]", conf) as session:
        yield session


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) == list(OUTPUT_COLUMNS)
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, rtol=REL, atol=0
    )


def _same_summary(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["shipments"] == b["shipments"]
    for key in ("tkm", "total_kgco2e", "kgco2e_per_tkm"):
        assert a[key] == pytest.approx(b[key], rel=REL, abs=0)


# Road classes of the generated legs after the first: factor library (no TTW), CPCD (no TTW),
# DEFRA with a laden model (TTW; load factor / empty running), DEFRA battery-electric (TTW 0).
CLASSES = ("lgv", "hgv", "cn-heavy-diesel", "uk-artic-33t+-diesel", "uk-van-iii-bev")


def _generate(n: int, seed: int = 14083) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`n` shipments, 1-3 legs each: every mode, LGV/HGV, refrigerated road legs on shared
    reefer trips, HGV trips shared by 10 shipments, one trip without t·km, hubs of three
    categories at two temperatures, a measured hub intensity for one hub shipment in four,
    volumes of 0.1-60 m³, road classes with and without TTW and with load factors and empty
    running."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"S{i:05d}" for i in range(n)], dtype=object)
    hub_cat = rng.choice(
        np.array(["", "warehouse", "transshipment", "storage_transshipment"], dtype=object), n
    )
    has_hub = hub_cat != ""
    measured = np.where(has_hub & (rng.random(n) < 0.25), rng.uniform(2, 30, n).round(2), np.nan)
    shipments = pd.DataFrame(
        {
            "shipment_id": ids,
            "customer_id": np.array([f"C{c}" for c in rng.integers(0, 40, n)], dtype=object),
            "ship_date": (np.datetime64("2024-01-01") + rng.integers(0, 366, n)).astype(str),
            "mass_t": rng.uniform(0.05, 24.0, n).round(3),
            "hub_category": np.where(has_hub, hub_cat, None),
            "hub_temperature": np.where(
                has_hub, rng.choice(np.array(["ambient", "mixed"], dtype=object), n), None
            ),
            "hub_kgco2e_per_t": measured,
            "volume_m3": rng.uniform(0.1, 60.0, n).round(2),
        }
    )
    shipments.loc[0, "mass_t"] = 0.0  # a shipment without mass
    rows: list[tuple[Any, ...]] = []
    modes = ["rail", "air", "sea", "inland_waterway", "road"]
    for i, sid in enumerate(ids):
        if i % 11 == 5:
            # One leg only, on a shared DEFRA rigid trip at LF 0.6 and ER 0.2: TTW known.
            km = float(rng.uniform(20, 600))
            rows.append(
                (sid, 1, "road", "uk-rigid-17t+-diesel", False, km, f"U{i // 55}", 0.6, 0.2)
            )
            continue
        reefer = i % 7 == 0
        # Leg 1: road, on a shared HGV trip (or a shared reefer trip).
        trip = f"R{i // 5}" if reefer else f"T{i // 10}"
        rows.append((sid, 1, "road", "hgv", reefer, float(rng.uniform(20, 600)), trip, None, None))
        legs = int(rng.integers(1, 4))
        for leg in range(2, legs + 1):
            mode = modes[(i + leg) % len(modes)]
            vclass = CLASSES[(i // 5 + leg) % len(CLASSES)] if mode == "road" else None
            # Load factor and empty running on the laden-model class (0.3-0.9, 0-0.2).
            laden = vclass == "uk-artic-33t+-diesel"
            lf = 0.3 + 0.1 * (i % 7) if laden else None
            er = 0.1 * (i % 3) if laden and i % 2 else None
            rows.append((sid, leg, mode, vclass, False, float(rng.uniform(5, 4000)), None, lf, er))
    # Trip Z: two shipments moved no distance (no t·km): its (zero) emissions are shared equally.
    rows = [
        r if r[0] not in ("S00001", "S00002") or r[1] != 1 else (*r[:5], 0.0, "Z", None, None)
        for r in rows
    ]
    legs_frame = pd.DataFrame(
        rows,
        columns=[
            "shipment_id",
            "leg_no",
            "mode",
            "vehicle_class",
            "refrigerated",
            "distance_km",
            "trip_id",
            "load_factor",
            "empty_running",
        ],
    )
    legs_frame["distance_km"] = legs_frame["distance_km"].round(1)
    # Some road legs give the shortest feasible distance: x 1.05 (GLEC road DAF).
    own_trip = legs_frame["trip_id"].isna()
    legs_frame["shortest_feasible"] = (
        (legs_frame["mode"] == "road") & own_trip & (legs_frame.index % 4 == 0)
    )
    return shipments, legs_frame


def test_parse_conf() -> None:
    assert parse_conf(["a.b=1", " c = x=y "]) == {"a.b": "1", "c": "x=y"}
    with pytest.raises(ConfigError, match=r'"spark\.executor\.memory" is not key=value'):
        parse_conf(["spark.executor.memory"])


def test_without_pyspark_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark → ImportError
    out = tmp_path / "o.parquet"
    s, g = EXAMPLES / "shipments.csv", EXAMPLES / "legs.csv"
    with pytest.raises(ConfigError, match=r"pip install 'parkzero\[spark\]'"):
        run_pipeline(s, g, out, engine="spark")
    args = ["shipments", "footprint", str(s), "--legs", str(g), "--out", str(out)]
    result = runner.invoke(app, [*args, "--engine", "spark"])
    assert result.exit_code == 2
    assert "pip install 'parkzero[spark]'" in result.output
    assert not out.exists()


def test_examples_through_the_cli_same_as_duckdb(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, g = EXAMPLES / "shipments.csv", EXAMPLES / "legs.csv"
    duck = run_pipeline(s, g, tmp_path / "duck.parquet")
    _sql_path_only(monkeypatch)
    out = tmp_path / "spark.parquet"
    result = runner.invoke(
        app,
        [
            *("shipments", "footprint", str(s), "--legs", str(g), "--out", str(out)),
            *("--engine", "spark", "--master", "local[1]"),
            *("--spark-conf", "spark.sql.shuffle.partitions=1", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["engine"] == "spark" and summary["out"] == str(out.resolve())
    _same_summary(summary, duck)
    _same(pd.read_parquet(out), pd.read_parquet(tmp_path / "duck.parquet"))
    # Hand-checked S004: air 1.2 t x 1200 km x 0.921 + road LGV 1.2 t x 25 km x 0.2611 =
    # 1326.24 + 7.833, and its warehouse at the measured 17.25 kgCO2e/t: 1.2 x 17.25 = 20.7.
    fp = pd.read_parquet(out).set_index("shipment_id")
    assert fp.loc["S004", "wtw_kgco2e"] == pytest.approx(1326.24 + 7.833 + 20.7, rel=1e-12)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duck.parquet", "spark.parquet"]


def _sql_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fail if a run hands its input to the pandas path: these inputs stay in Spark SQL.
    def pandas_path(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("fell back to the pandas path")

    monkeypatch.setattr(pipeline, "compute_footprints", pandas_path)


def test_generated_set_identical_to_duckdb(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipments, legs = _generate(3000)
    assert set(legs["mode"]) == {"road", "rail", "air", "sea", "inland_waterway"}
    s, g = tmp_path / "shipments.parquet", tmp_path / "legs.parquet"
    shipments.to_parquet(s, index=False)
    legs.to_parquet(g, index=False)
    with monkeypatch.context() as m:
        _sql_path_only(m)
        duck = run_pipeline(s, g, tmp_path / "duck.parquet")
        spk = run_pipeline(s, g, tmp_path / "spark.parquet", engine="spark")
    _same_summary(spk, duck)
    a, b = pd.read_parquet(tmp_path / "spark.parquet"), pd.read_parquet(tmp_path / "duck.parquet")
    _same(a, b)
    assert len(a) == 3000 and a["shipment_id"].is_monotonic_increasing
    # The pandas engine agrees per shipment; TTW is known exactly where every leg's is.
    pand = compute_footprints(read_table(s), read_table(g), engine="pandas").footprints
    pand = pand.sort_values("shipment_id").reset_index(drop=True)
    for column in ("tkm", "transport_wtw_kgco2e", "transport_ttw_kgco2e", "wtw_kgco2e"):
        np.testing.assert_allclose(pand[column], b[column], rtol=REL)
    ttw = b["transport_ttw_kgco2e"]
    assert 0 < ttw.notna().sum() < len(b)
    # Measured hub intensities replace the defaults; the trip without t·km emits nothing.
    row = shipments[shipments["hub_kgco2e_per_t"].notna()].iloc[0]
    hub = a.set_index("shipment_id").loc[row["shipment_id"], "hub_wtw_kgco2e"]
    assert hub == pytest.approx(row["mass_t"] * row["hub_kgco2e_per_t"], rel=1e-12)
    # Every trip's emissions are allocated, none lost: the total is the sum over the legs.
    legs_kg = compute_footprints(read_table(s), read_table(g), engine="pandas").legs
    transport = float((legs_kg["tkm"] * legs_kg["kgco2e_per_tkm"]).sum())
    assert a["transport_wtw_kgco2e"].sum() == pytest.approx(transport, rel=REL)


BAD_SHIPMENTS = """shipment_id,customer_id,ship_date,mass_t,hub_category
A,C1,2024-03-04,2,warehouse
B,C1,2024-03-20,5,
C,C2,2024-04-01,-3,
D,C2,2024-04-02,1,
"""
BAD_LEGS = """shipment_id,leg_no,mode,vehicle_class,distance_km,trip_id
A,1,road,hgv,300,T1
B,1,road,hgv,300,T1
C,1,road,hgv,100,T1
A,3,rail,,800,
B,2,teleport,,10,
"""


def test_bad_input_same_errors_as_duckdb_and_nothing_written(spark: Any, tmp_path: Path) -> None:
    s, g = tmp_path / "shipments.csv", tmp_path / "legs.csv"
    s.write_text(BAD_SHIPMENTS, encoding="utf-8")
    g.write_text(BAD_LEGS, encoding="utf-8")
    with pytest.raises(InputError) as duck:
        run_pipeline(s, g, tmp_path / "out.parquet")
    with pytest.raises(InputError) as spk:
        run_pipeline(s, g, tmp_path / "out.parquet", engine="spark")
    assert str(spk.value) == str(duck.value)
    msg = str(spk.value)
    assert msg.startswith("shipments.csv: 4 problem(s)")
    assert 'legs.csv row 6, column "mode": unknown mode "teleport"' in msg
    assert 'shipments.csv row 4, column "mass_t": negative' in msg
    assert 'shipments.csv row 5, column "shipment_id": shipment D has no legs' in msg
    assert 'shipments.csv row 2, column "shipment_id": shipment A is missing leg 2' in msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legs.csv", "shipments.csv"]


def test_input_the_sql_checks_leave_to_pandas_is_computed_on_spark(
    spark: Any, tmp_path: Path
) -> None:
    # Padded ids and a "#" in a trip id make the SQL checks hand over to the pandas checker,
    # which accepts them; the footprints are then computed on Spark from the checked tables.
    text = (EXAMPLES / "legs.csv").read_text(encoding="utf-8")
    g = tmp_path / "legs.csv"
    g.write_text(text.replace("S001,1", " S001 ,1").replace("T-WH-01", "T#1"), encoding="utf-8")
    s = EXAMPLES / "shipments.csv"
    duck = run_pipeline(s, g, tmp_path / "duck.parquet")
    spk = run_pipeline(s, g, tmp_path / "spark.parquet", engine="spark")
    _same_summary(spk, duck)
    _same(pd.read_parquet(tmp_path / "spark.parquet"), pd.read_parquet(tmp_path / "duck.parquet"))
    frames = read_table(s), read_table(g)
    via_spark = compute_footprints(*frames, engine="spark").footprints
    _same(via_spark, compute_footprints(*frames, engine="pandas").footprints)


def test_uris_and_a_folder_of_part_files(spark: Any, tmp_path: Path) -> None:
    s, g = EXAMPLES / "shipments.csv", EXAMPLES / "legs.csv"
    duck = run_pipeline(s, g, tmp_path / "duck.parquet")
    out = f"file://{tmp_path}/footprints"
    spk = run_pipeline(f"file://{s}", f"file://{g}", out, engine="spark")
    assert spk["out"] == out
    parts = sorted((tmp_path / "footprints").glob("part-*.parquet"))
    assert parts
    _same(pd.read_parquet(tmp_path / "footprints"), pd.read_parquet(tmp_path / "duck.parquet"))
    _same_summary(spk, duck)
    # Bad rows of URI inputs are reported by key (the pandas checker cannot read a URI).
    bad = tmp_path / "legs.csv"
    bad.write_text(BAD_LEGS.replace("A,3,rail", "A,2,rail"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        run_pipeline(f"file://{s}", f"file://{bad}", f"file://{tmp_path}/x", engine="spark")
    msg = str(err.value)
    assert "legs.csv shipment_id 'B' leg 2: unknown mode or vehicle class 'teleport'" in msg
    assert "legs.csv shipment_id 'A': leg of a shipment missing from shipments.csv" in msg
    assert "shipments.csv shipment_id 'S001': shipment has no legs" in msg
    assert not (tmp_path / "x").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duck.parquet", "footprints", "legs.csv"]


@pytest.mark.parametrize("allocation", ["mass", "volume"])
def test_mass_and_volume_allocation_identical_to_duckdb_and_pandas(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, allocation: str
) -> None:
    shipments, legs = _generate(400, seed=2023)
    s, g = tmp_path / "shipments.parquet", tmp_path / "legs.parquet"
    shipments.to_parquet(s, index=False)
    legs.to_parquet(g, index=False)
    pan = run_pipeline(s, g, tmp_path / "pandas.parquet", engine="pandas", allocation=allocation)
    with monkeypatch.context() as m:
        _sql_path_only(m)
        duck = run_pipeline(s, g, tmp_path / "duck.parquet", allocation=allocation)
        spk = run_pipeline(s, g, tmp_path / "spark.parquet", engine="spark", allocation=allocation)
    assert spk["allocation"] == duck["allocation"] == pan["allocation"] == allocation
    _same_summary(spk, duck)
    _same_summary(duck, pan)
    a = pd.read_parquet(tmp_path / "spark.parquet")
    _same(a, pd.read_parquet(tmp_path / "duck.parquet"))
    _same(a, pd.read_parquet(tmp_path / "pandas.parquet"))
    # Hand check of HGV trip T0 (leg 1 of S00003-S00009 but S00007, which rides reefer trip
    # R1, and S00005, on DEFRA trip U0; S00000 rides R0, S00001-2 trip Z): its emissions,
    # t·km x 0.042 kgCO2e/t·km, land on its five shipments in proportion to their mass or
    # volume.
    t_legs = legs[(legs["trip_id"] == "T0")].merge(shipments, on="shipment_id")
    key = t_legs["mass_t" if allocation == "mass" else "volume_m3"]
    trip_kg = float((t_legs["mass_t"] * t_legs["distance_km"]).sum()) * 0.042
    by_leg = compute_footprints(read_table(s), read_table(g), allocation=allocation).legs
    got = by_leg[by_leg["trip_id"] == "T0"].set_index("shipment_id")["wtw_kgco2e"].to_dict()
    want = dict(zip(t_legs["shipment_id"], key / key.sum() * trip_kg, strict=True))
    assert len(got) == 5 and got == pytest.approx(want, rel=1e-12)


def test_volume_allocation_bad_rows_same_as_duckdb_and_checked_tables_on_spark(
    spark: Any, tmp_path: Path
) -> None:
    text = (EXAMPLES / "shipments.csv").read_text(encoding="utf-8")
    s = tmp_path / "shipments.csv"
    s.write_text(text.replace("ambient,,18", "ambient,,"), encoding="utf-8")
    g = EXAMPLES / "legs.csv"
    with pytest.raises(InputError) as duck:
        run_pipeline(s, g, tmp_path / "out.parquet", allocation="volume")
    with pytest.raises(InputError) as spk:
        run_pipeline(s, g, tmp_path / "out.parquet", engine="spark", allocation="volume")
    assert str(spk.value) == str(duck.value)
    assert 'shipments.csv row 3, column "volume_m3": missing' in str(spk.value)
    # Given as URIs (no pandas checker), the shipment is named by key.
    with pytest.raises(InputError) as uri:
        run_pipeline(
            f"file://{s}",
            f"file://{g}",
            f"file://{tmp_path}/x",
            engine="spark",
            allocation="volume",
        )
    assert "shipments.csv shipment_id 'S002': volume_m3 missing or zero" in str(uri.value)
    assert "trip T-WH-01" in str(uri.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shipments.csv"]
    # compute_footprints(engine="spark") on the checked example tables, by volume.
    frames = read_table(EXAMPLES / "shipments.csv"), read_table(g)
    via_spark = compute_footprints(*frames, engine="spark", allocation="volume").footprints
    _same(via_spark, compute_footprints(*frames, engine="pandas", allocation="volume").footprints)
    # S003: 30/60 m³ of trip T-WH-01 (100.8) + reefer 3 t x 60 km x reefer factor.
    s003 = via_spark.set_index("shipment_id").loc["S003", "transport_wtw_kgco2e"]
    assert s003 == pytest.approx(50.4 + 30.294, rel=1e-12)


def test_fuel_based_trips_identical_to_duckdb(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipments, legs = _generate(600, seed=83)
    s, g = tmp_path / "shipments.parquet", tmp_path / "legs.parquet"
    shipments.to_parquet(s, index=False)
    legs.to_parquet(g, index=False)
    # Metered diesel on ten HGV trips, a reefer trip with its unit's fuel and a leak.
    trips = tmp_path / "trips.csv"
    rows = [f"T{k},diesel,{20 + k},L,,,," for k in range(10)]
    rows += ["R1,diesel,30,L,,0.15,,", "R1,,,,,,R-404A,0.05"]
    header = "trip_id,carrier,quantity,unit,region,reefer_uplift,refrigerant,refrigerant_kg"
    trips.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with monkeypatch.context() as m:
        _sql_path_only(m)
        duck = run_pipeline(s, g, tmp_path / "duck.parquet", trips_path=trips)
        spk = run_pipeline(s, g, tmp_path / "spark.parquet", engine="spark", trips_path=trips)
    _same_summary(spk, duck)
    a, b = pd.read_parquet(tmp_path / "spark.parquet"), pd.read_parquet(tmp_path / "duck.parquet")
    _same(a, b)
    plain = run_pipeline(s, g, tmp_path / "plain.parquet")
    assert duck["total_kgco2e"] != pytest.approx(plain["total_kgco2e"], rel=1e-6)
