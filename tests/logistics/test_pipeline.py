"""Batch pipeline: shipments + legs files → validated → footprints → Parquet (all or nothing)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parkzero.errors import InputError
from parkzero.logistics.pipeline import (
    OUTPUT_COLUMNS,
    compute_footprints,
    read_table,
    run_pipeline,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"

SHIPMENTS = """shipment_id,customer_id,ship_date,mass_t,hub_category
A,C1,2024-03-04,2,warehouse
B,C1,2024-03-20,5,
C,C2,2024-04-01,3,
"""
LEGS = """shipment_id,leg_no,mode,vehicle_class,distance_km,trip_id
A,1,road,hgv,300,T1
B,1,road,hgv,300,T1
C,1,road,hgv,100,T1
A,2,rail,,800,
"""


def _write(tmp: Path, shipments: str = SHIPMENTS, legs: str = LEGS) -> tuple[Path, Path]:
    s, g = tmp / "shipments.csv", tmp / "legs.csv"
    s.write_text(shipments, encoding="utf-8")
    g.write_text(legs, encoding="utf-8")
    return s, g


def test_hand_checked_footprints(tmp_path: Path) -> None:
    s, g = _write(tmp_path)
    out = tmp_path / "out.parquet"
    summary = run_pipeline(s, g, out)
    fp = pd.read_parquet(out).set_index("shipment_id")
    assert list(pd.read_parquet(out).columns) == list(OUTPUT_COLUMNS)
    # Trip T1: HGV 0.042 kgCO2e/t·km over 600 + 1500 + 300 t·km = 100.8 kgCO2e, shared by t·km.
    # A also rides rail 2 t x 800 km x 0.01 = 16 and is warehoused: 2 t x 17.5 = 35.
    assert fp.loc["A", "transport_wtw_kgco2e"] == pytest.approx(25.2 + 16.0)
    assert fp.loc["A", "hub_wtw_kgco2e"] == pytest.approx(35.0)
    assert fp.loc["B", "wtw_kgco2e"] == pytest.approx(63.0)
    assert fp.loc["C", "wtw_kgco2e"] == pytest.approx(12.6)
    assert fp.loc["A", "legs"] == 2
    assert summary["shipments"] == 3
    assert summary["tkm"] == pytest.approx(600 + 1600 + 1500 + 300)
    assert summary["total_kgco2e"] == pytest.approx(41.2 + 35 + 63 + 12.6)
    assert summary["kgco2e_per_tkm"] == pytest.approx(summary["total_kgco2e"] / summary["tkm"])


def test_duckdb_and_pandas_engines_agree() -> None:
    s = read_table(EXAMPLES / "shipments.csv")
    g = read_table(EXAMPLES / "legs.csv")
    a = compute_footprints(s, g, engine="duckdb").footprints
    b = compute_footprints(s, g, engine="pandas").footprints
    pd.testing.assert_series_equal(a["wtw_kgco2e"], b["wtw_kgco2e"], rtol=1e-9)


def test_parquet_input(tmp_path: Path) -> None:
    s, g = _write(tmp_path)
    read_table(s).to_parquet(tmp_path / "s.parquet")
    read_table(g).to_parquet(tmp_path / "g.parquet")
    a = run_pipeline(s, g, tmp_path / "a.parquet")
    b = run_pipeline(tmp_path / "s.parquet", tmp_path / "g.parquet", tmp_path / "b.parquet")
    assert a["total_kgco2e"] == pytest.approx(b["total_kgco2e"], rel=1e-12)


def test_measured_hub_intensity_replaces_default(tmp_path: Path) -> None:
    shipments = (
        SHIPMENTS.replace("hub_category\n", "hub_category,hub_kgco2e_per_t\n")
        .replace("warehouse\n", "warehouse,10\n")
        .replace(",\n", ",,\n")
    )
    s, g = _write(tmp_path, shipments=shipments)
    r = compute_footprints(read_table(s), read_table(g))
    assert r.footprints.set_index("shipment_id").loc["A", "hub_wtw_kgco2e"] == pytest.approx(20.0)


def test_bad_rows_reported_per_row_and_nothing_written(tmp_path: Path) -> None:
    shipments = (
        SHIPMENTS.replace("C,C2,2024-04-01,3", "C,C2,2024-04-01,-3") + "D,C2,2024-04-02,1,\n"
    )
    legs = LEGS.replace("A,2,rail", "A,3,rail") + "B,2,teleport,,10,\n"
    s, g = _write(tmp_path, shipments, legs)
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError) as err:
        run_pipeline(s, g, out)
    msg = str(err.value)
    assert 'legs.csv row 6, column "mode": unknown mode "teleport"' in msg
    assert 'shipments.csv row 4, column "mass_t": negative' in msg
    assert 'shipments.csv row 5, column "shipment_id": shipment D has no legs' in msg
    assert 'shipments.csv row 2, column "shipment_id": shipment A is missing leg 2' in msg
    assert msg.startswith("shipments.csv: 4 problem(s)")
    assert not out.exists()
    assert list(tmp_path.glob(".out.parquet*")) == []


def test_failed_run_keeps_previous_output(tmp_path: Path) -> None:
    s, g = _write(tmp_path)
    out = tmp_path / "out.parquet"
    run_pipeline(s, g, out)
    before = out.read_bytes()
    g.write_text(LEGS + "Z,1,road,hgv,5,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"legs.csv row 6.*missing from shipments.csv"):
        run_pipeline(s, g, out)
    assert out.read_bytes() == before


def test_missing_column_and_unknown_file(tmp_path: Path) -> None:
    s, g = _write(tmp_path, legs="shipment_id,mode,distance_km\nA,road,3\n")
    with pytest.raises(InputError, match=r'legs.csv, column "leg_no": missing column'):
        run_pipeline(s, g, tmp_path / "o.parquet")
    with pytest.raises(InputError, match="file not found"):
        run_pipeline(tmp_path / "nope.csv", g, tmp_path / "o.parquet")


def test_mixed_modes_on_one_trip_rejected(tmp_path: Path) -> None:
    s, g = _write(tmp_path, legs=LEGS.replace("C,1,road,hgv,100,T1", "C,1,rail,,100,T1"))
    with pytest.raises(InputError, match="T1"):
        run_pipeline(s, g, tmp_path / "o.parquet")


@pytest.mark.parametrize(
    ("legs", "flagged"),
    [
        ([("A", 1), ("A", 2), ("A", 3)], False),
        ([("A", 1), ("A", 1), ("A", 3)], True),  # max = count = 3, but leg 1 twice
        ([("A", 1), ("A", 3)], True),  # leg 2 missing
        ([("A", 2), ("A", 1)], False),  # order in the file does not matter
    ],
)
def test_sql_row_check_flags_repeated_and_missing_leg_numbers(
    legs: list[tuple[str, int]], flagged: bool
) -> None:
    import duckdb

    from parkzero.logistics.sql import check_rows_sql

    con = duckdb.connect()
    con.execute("CREATE TABLE s AS SELECT 'A' AS sid, FALSE AS bad")
    con.execute("CREATE TABLE l (sid VARCHAR, leg_no BIGINT, bad BOOLEAN)")
    con.executemany("INSERT INTO l VALUES (?, ?, FALSE)", legs)
    assert con.execute(check_rows_sql()).fetchone() == (flagged,)


def test_repeated_leg_number_reported_per_row(tmp_path: Path) -> None:
    s, g = _write(tmp_path, legs=LEGS + "A,2,rail,,10,\n")
    with pytest.raises(InputError, match="leg_no"):
        run_pipeline(s, g, tmp_path / "o.parquet")
    assert not (tmp_path / "o.parquet").exists()


def _sql_path(tmp: Path, shipments: str, legs: str) -> bool:
    """True when the DuckDB SQL path computes the input itself, False when its checks send it
    to the pandas checker."""
    from parkzero.logistics.pipeline import _run_duckdb
    from parkzero.logistics.sql import Unsupported

    s, g = _write(tmp, shipments, legs)
    try:
        _run_duckdb(s, g, tmp / "sql.parquet", None, "tkm")
    except Unsupported:
        return False
    return True


@pytest.mark.parametrize(
    ("case", "shipments", "legs"),
    [
        ("duplicated shipment with legs", SHIPMENTS + "B,C9,2024-03-21,1,\n", LEGS),
        (
            "duplicated shipment without legs",
            SHIPMENTS + "D,C9,2024-03-21,1,\nD,C9,2024-03-21,1,\n",
            LEGS,
        ),
        ("shipment without legs", SHIPMENTS + "D,C2,2024-04-02,1,\n", LEGS),
        ("leg of an unknown shipment", SHIPMENTS, LEGS + "Z,1,road,hgv,5,\n"),
        ("leg number repeated", SHIPMENTS, LEGS + "A,2,road,lgv,5,\n"),
        ("leg number missing", SHIPMENTS, LEGS.replace("A,2,rail", "A,3,rail")),
        (
            "refrigerated rail (no default)",
            SHIPMENTS,
            LEGS.replace(
                "vehicle_class,distance_km,trip_id",
                "vehicle_class,distance_km,trip_id,refrigerated",
            )
            .replace(",T1\n", ",T1,false\n")
            .replace("800,\n", "800,,true\n"),
        ),
        ("unknown hub category", SHIPMENTS.replace("warehouse", "castle"), LEGS),
        ("trip mixing modes", SHIPMENTS, LEGS.replace("C,1,road,hgv,100,T1", "C,1,rail,,100,T1")),
    ],
)
def test_sql_checks_send_bad_input_to_the_pandas_checker(
    tmp_path: Path, case: str, shipments: str, legs: str
) -> None:
    assert _sql_path(tmp_path, SHIPMENTS, LEGS)  # the clean input stays on the SQL path
    assert not _sql_path(tmp_path, shipments, legs), case
    with pytest.raises(InputError):
        run_pipeline(*_write(tmp_path, shipments, legs), tmp_path / "o.parquet")


def test_shipment_with_more_than_62_legs(tmp_path: Path) -> None:
    # The SQL's leg-number check (one bit per leg) covers up to 62 legs; a longer chain is
    # handed to the pandas path, which computes it all the same.
    legs = "shipment_id,leg_no,mode,vehicle_class,distance_km,trip_id\n" + "".join(
        f"A,{k},road,hgv,10,\n" for k in range(1, 71)
    )
    shipments = "shipment_id,customer_id,ship_date,mass_t,hub_category\nA,C1,2024-03-04,2,\n"
    assert not _sql_path(tmp_path, shipments, legs)
    summary = run_pipeline(*_write(tmp_path, shipments, legs), tmp_path / "o.parquet")
    # 70 legs x 2 t x 10 km x 0.042 kgCO2e/t·km
    assert summary["total_kgco2e"] == pytest.approx(70 * 2 * 10 * 0.042)
    sixty_two = legs.split("\n")[:63]
    assert _sql_path(tmp_path, shipments, "\n".join(sixty_two) + "\n")
