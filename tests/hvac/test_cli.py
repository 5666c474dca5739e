"""``parkzero hvac``: the group is mounted on a local app the way the lead registers it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import hvac

EXAMPLES = Path(__file__).parents[2] / "examples" / "hvac"
CASE = str(EXAMPLES / "ocl_case_3x800RT.json")


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(hvac.app, name="hvac")
    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_ocl_text(app: typer.Typer, runner: CliRunner) -> None:
    res = runner.invoke(app, ["hvac", "ocl", CASE, "--load", "1440", "--allow-off"])
    assert res.exit_code == 0, res.output
    assert "993.6 kW" in res.output
    assert "CH-2 and CH-3 on" in res.output and "CH-1 off" in res.output


def test_ocl_json(app: typer.Typer, runner: CliRunner) -> None:
    res = runner.invoke(app, ["hvac", "ocl", CASE, "--load", "1440", "--allow-off", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["power_kw"] == pytest.approx(993.60, abs=0.01)
    assert out["on"] == [False, True, True]
    assert out["plr"] == pytest.approx([0.0, 0.8853, 0.9147], abs=1e-4)
    assert out["chillers"] == ["CH-1", "CH-2", "CH-3"]
    assert out["convention"] == "allow_off"
    assert out["gap_kw"] <= 1e-6
    assert out["equal_loading_kw"] == pytest.approx(1104.53, abs=0.01)
    assert out["saving_kw"] == pytest.approx(out["equal_loading_kw"] - out["power_kw"])
    assert res.stdout.count("\n") == 1  # one object


def test_ocl_all_on_json(app: typer.Typer, runner: CliRunner) -> None:
    res = runner.invoke(app, ["hvac", "ocl", CASE, "--load", "960", "--json"])
    out = json.loads(res.stdout)
    assert out["power_kw"] == pytest.approx(841.44, abs=0.01)
    assert out["on"] == [True, True, True]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--load", "3000"], "shortfall 600.00 RT"),
        (["--load", "-5"], ">= 0 RT"),
        (["--load", "100"], "below the all-on minimum"),
    ],
)
def test_ocl_bad_input_exits_2(
    app: typer.Typer, runner: CliRunner, args: list[str], message: str
) -> None:
    res = runner.invoke(app, ["hvac", "ocl", CASE, *args])
    assert res.exit_code == 2
    assert message in res.output
    assert res.stdout == ""


def test_missing_file_exits_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["hvac", "ocl", str(tmp_path / "nope.json"), "--load", "1"])
    assert res.exit_code == 2
    assert "file not found" in res.output


def test_schedule_text(app: typer.Typer, runner: CliRunner) -> None:
    res = runner.invoke(
        app, ["hvac", "schedule", str(EXAMPLES / "PLANT.yaml"), str(EXAMPLES / "LOAD.csv")]
    )
    assert res.exit_code == 0, res.output
    assert "electricity [kWh]" in res.output
    assert "Saving:" in res.output and "hvac.ocl" in res.output


def test_schedule_json_and_csv(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "schedule.csv"
    res = runner.invoke(
        app,
        [
            "hvac",
            "schedule",
            str(EXAMPLES / "PLANT.yaml"),
            str(EXAMPLES / "LOAD.csv"),
            "--json",
            "--price",
            "0.8",
            "--schedule-csv",
            str(target),
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    for key in (
        "steps",
        "step_h",
        "baseline_kwh",
        "optimised_kwh",
        "saving_kwh",
        "saving_pct",
        "baseline",
        "optimised",
        "lever",
    ):
        assert key in out
    assert out["steps"] == 48
    assert out["saving_kwh"] == pytest.approx(out["baseline_kwh"] - out["optimised_kwh"])
    assert out["saving_kwh"] > 0
    lever = out["lever"]
    assert lever["lever"] == "hvac.ocl"
    assert lever["baseline"][0]["kind"] == "electricity.grid"
    assert lever["baseline"][0]["unit"] == "kWh"
    assert lever["opex_delta_cny_per_year"] < 0
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 48
    assert float(rows[14]["optimised_kw"]) > 0
    assert {"CH-1_plr", "CH-4_baseline_plr"} <= set(rows[0])


def test_schedule_bad_load_row_exits_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    load = tmp_path / "load.csv"
    load.write_text("time,load_rt\n2024-07-01T00:00,100\n2024-07-01T01:00,9999\n")
    res = runner.invoke(app, ["hvac", "schedule", str(EXAMPLES / "PLANT.yaml"), str(load)])
    assert res.exit_code == 2
    assert "row 2" in res.output and "shortfall" in res.output
    bad = tmp_path / "bad.csv"
    bad.write_text("time,load_rt\n2024-07-01T00:00,lots\n")
    res = runner.invoke(app, ["hvac", "schedule", str(EXAMPLES / "PLANT.yaml"), str(bad)])
    assert res.exit_code == 2
    assert 'row 1, column "load_rt"' in res.output
