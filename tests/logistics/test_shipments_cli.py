"""``parkzero shipments footprint|statement`` through a local Typer app."""

from __future__ import annotations

import json
from pathlib import Path

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
