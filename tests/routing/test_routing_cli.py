"""``parkzero route``: JSON keys, readable output, exit code 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import route
from parkzero.routing.evaluate import default_emission_weights

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "routing"

app = typer.Typer()
app.add_typer(route.app, name="route")
runner = CliRunner()


def test_solve_solomon_json_dimacs() -> None:
    res = runner.invoke(
        app,
        [
            "route",
            "solve",
            str(EXAMPLES / "C101.txt"),
            "--objective",
            "dimacs",
            "--time-limit",
            "1",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {"vehicles", "distance", "routes", "feasible"} <= set(out)
    assert out["feasible"] and out["vehicles"] == 10
    assert 827.3 <= out["distance"] <= 827.3 * 1.01
    assert sorted(int(c) for r in out["routes"] for c in r) == list(range(1, 101))
    assert "co2e_kg" not in out


def test_solve_yaml_json_has_measures_and_loading(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "route",
            "solve",
            str(EXAMPLES / "wuhan_cold_chain.yaml"),
            "--time-limit",
            "2",
            "--objective",
            "cost",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {"co2e_kg", "cost_cny", "load_factor", "diesel_l", "reefer_h"} <= set(out)
    assert out["co2e_kg"] > 0 and 0 < out["load_factor"] <= 1
    first = out["route_details"][0]
    assert first["loading"] and "load_order" in first["loading"][0]


def test_solve_readable_summary() -> None:
    res = runner.invoke(app, ["route", "solve", str(EXAMPLES / "R201.txt"), "--time-limit", "1"])
    assert res.exit_code == 0, res.output
    assert "vehicles" in res.stdout and "feasible" in res.stdout


def test_compare_json_has_lever() -> None:
    res = runner.invoke(
        app,
        [
            "route",
            "compare",
            str(EXAMPLES / "wuhan_cold_chain.yaml"),
            "--time-limit",
            "2",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["lever"]["lever"] == "routing.cold_chain"
    assert out["baseline"]["vehicles"] > out["optimised"]["vehicles"]
    assert {a["kind"] for a in out["lever"]["scenario"]} <= {
        "fuel.diesel.mobile",
        "electricity.grid",
    }


def test_bad_input_exits_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["route", "solve", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("depots: []\norders: []\nvehicle_types: []\n")
    res = runner.invoke(app, ["route", "solve", str(bad), "--json"])
    assert res.exit_code == 2
    assert "depots" in res.stderr
    unknown = tmp_path / "x.dat"
    unknown.write_text("")
    assert runner.invoke(app, ["route", "solve", str(unknown)]).exit_code == 2
    half = runner.invoke(
        app, ["route", "solve", str(EXAMPLES / "C101.txt"), "--kgco2e-per-l", "2.6"]
    )
    assert half.exit_code == 2


def test_co2_without_weights_uses_the_carbon_library(tmp_path: Path) -> None:
    text = (EXAMPLES / "wuhan_cold_chain.yaml").read_text(encoding="utf-8")
    start = text.index("emission_weights:")
    end = text.index("depots:")
    f = tmp_path / "noweights.yaml"
    f.write_text(text[:start] + "region: CN-HB\n" + text[end:], encoding="utf-8")
    res = runner.invoke(
        app, ["route", "solve", str(f), "--objective", "co2", "--time-limit", "1", "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["co2e_kg"] == pytest.approx(
        out["diesel_l"] * default_emission_weights("CN-HB", 2025).kgco2e_per_l_diesel
        + out["electricity_kwh"] * 0.4044,
        rel=1e-3,
    )
