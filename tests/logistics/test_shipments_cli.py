"""``parkzero shipments footprint|statement`` through a local Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import shipments

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"

app = typer.Typer()
app.add_typer(shipments.app, name="shipments")
runner = CliRunner()


def _footprint(tmp_path: Path, *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / "fp.parquet"
    result = runner.invoke(
        app,
        [
            "shipments",
            "footprint",
            str(EXAMPLES / "shipments.csv"),
            "--legs",
            str(EXAMPLES / "legs.csv"),
            "--out",
            str(out),
            *extra,
        ],
    )
    return result.exit_code, result.output, out


def test_footprint_json(tmp_path: Path) -> None:
    code, output, out = _footprint(tmp_path, "--json")
    assert code == 0, output
    data = json.loads(output)
    assert {"shipments", "tkm", "total_kgco2e", "kgco2e_per_tkm"} <= set(data)
    assert data["shipments"] == 4
    assert data["kgco2e_per_tkm"] == pytest.approx(data["total_kgco2e"] / data["tkm"])
    assert out.is_file()


def test_footprint_rich_summary(tmp_path: Path) -> None:
    code, output, _ = _footprint(tmp_path)
    assert code == 0, output
    assert "kgCO2e per t·km" in output


def test_footprint_bad_input_exits_2(tmp_path: Path) -> None:
    legs = tmp_path / "legs.csv"
    legs.write_text("shipment_id,leg_no,mode,distance_km\nS001,1,hovercraft,10\n", encoding="utf-8")
    out = tmp_path / "fp.parquet"
    result = runner.invoke(
        app,
        [
            "shipments",
            "footprint",
            str(EXAMPLES / "shipments.csv"),
            "--legs",
            str(legs),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "legs.csv row 2" in result.output and "hovercraft" in result.output
    assert not out.exists()


def test_statement_json_and_files(tmp_path: Path) -> None:
    code, output, fp = _footprint(tmp_path)
    assert code == 0, output
    result = runner.invoke(
        app,
        [
            "shipments",
            "statement",
            "--customer",
            "C-ACME",
            "--month",
            "2024-03",
            "--footprints",
            str(fp),
            "--out",
            str(tmp_path / "st"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["shipments"] == 2
    assert Path(data["html"]).is_file() and Path(data["xlsx"]).is_file()


def test_statement_bad_month_exits_2(tmp_path: Path) -> None:
    _, _, fp = _footprint(tmp_path)
    result = runner.invoke(
        app,
        [
            "shipments",
            "statement",
            "--customer",
            "C-ACME",
            "--month",
            "March",
            "--footprints",
            str(fp),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output


def test_export_ileap_json_for_shipments_and_a_customer_month(tmp_path: Path) -> None:
    base = [
        "shipments",
        "export",
        str(EXAMPLES / "shipments.csv"),
        "--legs",
        str(EXAMPLES / "legs.csv"),
    ]
    result = runner.invoke(app, [*base, "--shipment", "S001"])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.output)
    tces = doc["shipmentFootprint"]["tces"]
    # S001: its share of HGV trip T-WH-01 by t·km, 600/2400 x 100.8 = 25.2 kgCO2e (docs).
    assert tces[0]["tocId"] == "toc-road-hgv" and tces[0]["co2eWTW"] == "25.2"
    out = tmp_path / "ileap.json"
    fp = tmp_path / "fp.parquet"
    runner.invoke(app, ["shipments", "footprint", *base[2:], "--out", str(fp)])
    frame = pd.read_parquet(fp)
    row = frame.iloc[0]
    month = str(row["ship_date"])[:7]
    result = runner.invoke(
        app, [*base, "--customer", row["customer_id"], "--month", month, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    docs = json.loads(out.read_text(encoding="utf-8"))
    dates = pd.to_datetime(frame["ship_date"]).dt.strftime("%Y-%m")
    want = frame[(frame["customer_id"] == row["customer_id"]) & (dates == month)]
    assert sorted(d["shipmentFootprint"]["shipmentId"] for d in docs) == sorted(want["shipment_id"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "choose the shipments"),
        (["--customer", "C1"], "--customer and --month go together"),
        (["--shipment", "NOPE"], "shipment NOPE is not in the footprints"),
        (["--customer", "C1", "--month", "1999-01"], "customer C1 has no shipment in 1999-01"),
    ],
)
def test_export_bad_selection_exits_2(extra: list[str], message: str) -> None:
    result = runner.invoke(
        app,
        [
            "shipments",
            "export",
            str(EXAMPLES / "shipments.csv"),
            "--legs",
            str(EXAMPLES / "legs.csv"),
            *extra,
        ],
    )
    assert result.exit_code == 2
    assert message in result.output


def test_classes_lists_the_road_classes() -> None:
    result = runner.invoke(app, ["shipments", "classes", "--region", "UK", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert rows["uk-artic-33t+-diesel"]["ttw_per_tkm"] == 0.08017
    assert rows["uk-artic-33t+-diesel"]["laden_model"] is True
    assert all(r["region"] == "UK" for r in rows.values())
    table = runner.invoke(app, ["shipments", "classes"])
    assert "cn-heavy-diesel" in table.output and "0.0978" in table.output
    bad = runner.invoke(app, ["shipments", "classes", "--region", "XX"])
    assert bad.exit_code == 2 and "unknown region XX" in bad.output
