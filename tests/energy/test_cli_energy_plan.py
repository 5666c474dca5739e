"""``parkzero energy size`` and ``dispatch``: mounted on a local app the way the lead registers them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from parkzero.cli import energy_plan

EXAMPLES = Path(__file__).parents[2] / "examples" / "energy"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    energy = typer.Typer()
    energy_plan.register(energy)
    root.add_typer(energy, name="energy")
    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def week(tmp_path: Path) -> Path:
    data = {
        "name": "week",
        "start": "2024-07-01",
        "steps": 168,
        "region": "湖北",
        "tariff": "hubei_2024",
        "load": {"loads_kw": [300] * 8 + [500] * 12 + [300] * 4},
        "pv": {
            "production_factor": [0] * 7 + [0.3, 0.5, 0.6, 0.7, 0.7, 0.6, 0.5, 0.3] + [0] * 9,
            "max_kw": 800,
        },
        "battery": {},
    }
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_size_json_has_the_stable_keys(app: typer.Typer, runner: CliRunner, week: Path) -> None:
    res = runner.invoke(app, ["energy", "size", str(week), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    for key in (
        "pv_kw",
        "battery_kwh",
        "battery_kw",
        "chargers",
        "npv_cny",
        "annual_cost_cny",
        "annual_cost_bau_cny",
        "co2e_avoided_t",
        "self_sufficiency",
    ):
        assert key in out, key
    assert out["pv_kw"] == pytest.approx(800.0)
    assert out["annual_cost_cny"] < out["annual_cost_bau_cny"]
    assert out["co2e_avoided_t"] > 0
    assert res.stdout.count("\n") == 1


def test_size_text(app: typer.Typer, runner: CliRunner, week: Path) -> None:
    res = runner.invoke(app, ["energy", "size", str(week)])
    assert res.exit_code == 0, res.output
    assert "PV" in res.output and "kWp" in res.output and "NPV" in res.output


def test_dispatch_json_rolling(app: typer.Typer, runner: CliRunner) -> None:
    scenario = str(EXAMPLES / "depot_dispatch.yaml")
    res = runner.invoke(
        app,
        [
            "energy",
            "dispatch",
            scenario,
            "--day",
            "2024-07-15",
            "--rolling",
            "--replan-h",
            "6",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["steps"] == 96 and out["solves"] == 4 and out["mode"] == "rolling"
    assert out["peak_import_kw"] <= 700 + 1e-6  # the demand limit holds
    assert out["vehicles_short"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["size", "missing.yaml"], "scenario file not found"),
        (
            ["dispatch", str(EXAMPLES / "depot_dispatch.yaml"), "--day", "2030-01-01"],
            "is not in the scenario",
        ),
        (
            ["dispatch", str(EXAMPLES / "depot_dispatch.yaml"), "--day", "tomorrow"],
            "expected YYYY-MM-DD",
        ),
        (["size", str(EXAMPLES / "small_site.yaml"), "--freq", "5min"], "not a supported step"),
    ],
)
def test_bad_input_exits_2(
    app: typer.Typer, runner: CliRunner, args: list[str], message: str
) -> None:
    res = runner.invoke(app, ["energy", *args])
    assert res.exit_code == 2
    assert message in res.output
