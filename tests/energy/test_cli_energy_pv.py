"""``parkzero energy pv`` and ``parkzero energy forecast``, mounted the way the lead registers them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import energy

ROOT = Path(__file__).parents[2]
SITE = str(ROOT / "examples" / "demo-park" / "pv_site.yaml")
DEMO = ROOT / "examples" / "demo-park" / "load_2024_hourly.csv"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(energy.app, name="energy")
    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_pv_text(app: typer.Typer, runner: CliRunner) -> None:
    res = runner.invoke(app, ["energy", "pv", SITE, "--year", "2024"])
    assert res.exit_code == 0, res.output
    assert "10,331 kWp" in res.output  # 54,375 m2 usable × 0.19 kWp/m2
    assert "specific yield" in res.output and "sorting-south" in res.output


def test_pv_json_and_csv(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "pv.csv"
    res = runner.invoke(app, ["energy", "pv", SITE, "--kwp", "3000", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert res.stdout.count("\n") == 1  # one object
    obj = json.loads(res.stdout)
    assert obj["kwp"] == 3000 and obj["ac_kw"] == pytest.approx(2500)  # 3,000 / 1.2
    assert obj["annual_kwh"] == pytest.approx(3000 * obj["specific_yield_kwh_per_kwp"])
    assert len(obj["monthly_kwh"]) == 12 and obj["steps"] == 8760
    frame = pd.read_csv(out)
    assert len(frame) == 8760
    assert frame["total_kw"].sum() == pytest.approx(obj["annual_kwh"], rel=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--freq", "5min"], 'field "freq"'),
        (["--kwp", "50000"], "does not fit"),
        (["--out", "/nonexistent-dir/x.csv"], "does not exist"),
    ],
)
def test_pv_bad_options_exit_2(
    app: typer.Typer, runner: CliRunner, args: list[str], message: str
) -> None:
    res = runner.invoke(app, ["energy", "pv", SITE, *args])
    assert res.exit_code == 2
    assert message in res.output


def test_pv_bad_site_exit_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "site.yaml"
    bad.write_text("location: {latitude: 130, longitude: 114}\nsections: []\n", encoding="utf-8")
    res = runner.invoke(app, ["energy", "pv", str(bad)])
    assert res.exit_code == 2
    assert 'field "location.latitude"' in res.output


def test_forecast_json(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    raw = pd.read_csv(DEMO)
    small = tmp_path / "h.csv"
    raw.head(24 * 56).to_csv(small, index=False)  # 8 weeks: 42 days training, 14 forecast
    res = runner.invoke(
        app,
        [
            "energy",
            "forecast",
            str(small),
            "--target",
            "pv",
            "--site",
            SITE,
            "--retrain-days",
            "14",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["target"] == "pv" and obj["days"] == 14 and obj["origins"] == 1
    assert {"mae_kw", "nmae_pct", "mape_daylight_pct"} <= set(obj["model"])
    assert obj["skill"] == pytest.approx(1 - obj["model"]["mae_kw"] / obj["naive"]["mae_kw"])
    assert len(obj["next_day"]["kw"]) == 24
    assert obj["next_day"]["start"].startswith("2024-02-26T00:00")


def test_forecast_bad_target_exit_2(app: typer.Typer, runner: CliRunner) -> None:
    res = runner.invoke(app, ["energy", "forecast", str(DEMO), "--target", "wind"])
    assert res.exit_code == 2
    assert "not load or pv" in res.output
