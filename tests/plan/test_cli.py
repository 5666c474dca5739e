"""``parkzero target`` and ``parkzero plan`` through a local Typer app, and the plan report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from parkzero.carbon.models import Activity, LeverResult
from parkzero.cli.plan import plan, target
from parkzero.errors import InputError
from parkzero.plan.catalogue import lever_specs
from parkzero.plan.io import lever_result_to_dict, read_lever_results
from parkzero.reports.html import render_html
from parkzero.reports.plan import plan_report

from .conftest import DEMO

app = typer.Typer(pretty_exceptions_enable=False)
app.command("target")(target)
app.command("plan")(plan)
runner = CliRunner()

TARGET_KEYS = {
    "method",
    "scope2",
    "base_year",
    "target_year",
    "submission_year",
    "net_zero_year",
    "annual_rate",
    "base_tco2e",
    "base_scope12_tco2e",
    "base_scope3_tco2e",
    "base_adjustment_tco2e",
    "scope3_categories",
    "target_tco2e",
    "target_scope12_tco2e",
    "net_zero_residual_tco2e",
    "pathway",
    "checks",
}
PLAN_KEYS = {"park", "reference_year", "settings", "target", "macc", "roadmap", "assumptions"}
MACC_ENTRY_KEYS = {
    "lever",
    "abatement_tco2e",
    "standalone_tco2e",
    "cumulative_tco2e",
    "cost_cny_per_tco2e",
    "npv_cny",
    "capex_cny",
    "opex_delta_cny_per_year",
    "lifetime_years",
}
YEAR_KEYS = {
    "year",
    "bau_tco2e",
    "cap_tco2e",
    "abatement_tco2e",
    "emissions_tco2e",
    "credits_needed_tco2e",
    "verified_tco2e",
    "capex_cny",
    "deployed",
    "active",
}


def only(tmp_path: Path, keep: list[str]) -> Path:
    path = tmp_path / "plan.yaml"
    levers = {k: {"enabled": False} for k in lever_specs() if k not in keep}
    path.write_text(yaml.safe_dump({"levers": levers}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report")
    result = runner.invoke(app, ["plan", str(DEMO), "--json", "--report", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_target_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["target", str(DEMO), "--method", "aca-wb2c", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["park"] == "demo-wuhan"
    t = data["target"]
    assert TARGET_KEYS <= t.keys()
    assert (t["method"], t["base_year"], t["target_year"]) == ("aca-wb2c", 2022, 2030)
    # the demo's cold store B acquisition is added to the base year (1,672.2 tCO2e)
    assert t["base_adjustment_tco2e"] == pytest.approx(1672.2)
    assert t["target_scope12_tco2e"] == pytest.approx(t["base_scope12_tco2e"] * 0.8)
    assert t["scope3_categories"]  # scope 3 is > 40 % of the demo's total
    years = [r["year"] for r in data["progress"]["years"]]
    assert years == [2022, 2023, 2024]


def test_target_human_and_bad_input() -> None:
    ok = runner.invoke(app, ["target", str(DEMO)])
    assert ok.exit_code == 0 and "aca-1.5" in ok.stdout
    bad = runner.invoke(app, ["target", str(DEMO), "--rate", "0.01"])
    assert bad.exit_code == 2
    assert "ambition 1.00%/yr is below the 1.5 °C minimum" in bad.output
    assert runner.invoke(app, ["target", str(DEMO), "--method", "x"]).exit_code == 2
    nopath = runner.invoke(app, ["target", str(DEMO), "--method", "intensity"])
    assert nopath.exit_code == 2 and "--pathway" in nopath.output


def test_target_intensity_per_tonne(tmp_path: Path) -> None:
    path = tmp_path / "sector.csv"
    path.write_text("year,value,unit\n2020,12,kgCO2e/t\n2050,1,kgCO2e/t\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "target",
            str(DEMO),
            "--method",
            "intensity",
            "--metric",
            "tonne",
            "--pathway",
            str(path),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    t = json.loads(result.stdout)["target"]
    assert t["intensity_unit"] == "kgCO2e/t"
    assert t["intensity_base"] == pytest.approx(t["base_tco2e"] * 1000 / 1_350_000)


def test_plan_json_shape(demo_plan: dict[str, Any]) -> None:
    assert PLAN_KEYS <= demo_plan.keys()
    macc, road = demo_plan["macc"], demo_plan["roadmap"]
    assert MACC_ENTRY_KEYS <= macc["entries"][0].keys()
    assert YEAR_KEYS <= road["years"][0].keys()
    assert road["status"] == "optimal"
    assert [y["year"] for y in road["years"]] == list(range(2025, 2035))
    # interactions: the curve's total is below the sum of stand-alone savings
    assert macc["total_abatement_tco2e"] < macc["standalone_sum_tco2e"]
    for y in road["years"]:
        assert y["emissions_tco2e"] <= y["cap_tco2e"] + 1e-6
        if y["verified_tco2e"] is not None:  # the engine agrees with the model
            assert y["verified_tco2e"] <= y["emissions_tco2e"] + 1e-6 * y["bau_tco2e"]
    checked = [y for y in road["years"] if y["verified_tco2e"] is not None]
    assert {y["year"] for y in checked} == {2030, 2034}
    assert set(demo_plan["reports"]) == {"html", "xlsx"}


def test_plan_report_files(demo_plan: dict[str, Any]) -> None:
    html = Path(demo_plan["reports"]["html"]).read_text(encoding="utf-8")
    assert "Marginal abatement cost curve" in html and "Roadmap" in html
    assert html.count('class="pz-line"') >= 3  # pathway, BAU, planned
    wb = load_workbook(demo_plan["reports"]["xlsx"])
    assert "MACC" in wb.sheetnames


def test_plan_report_spec(demo_plan: dict[str, Any]) -> None:
    report = plan_report(demo_plan, "zh-CN", actuals={2022: 11_000.0, 2023: 9_000.0})
    keys = [s.key for s in report.sections]
    assert keys == ["summary", "pathway", "macc", "roadmap", "checks", "notes"]
    chart = report.sections[1].blocks[0]
    assert [s.name for s in chart.series] == ["目标路径", "基准情景", "规划排放", "实际排放"]
    roadmap_table = report.sections[3].blocks[0]
    assert len(roadmap_table.rows) == 10
    assert "边际减排成本曲线" in render_html(report)
    with pytest.raises(InputError, match="roadmap"):
        plan_report({"target": {}, "macc": {}}, "en")


def test_plan_takes_supplied_lever_results(tmp_path: Path) -> None:
    span = {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 12, 31)}
    hvac = LeverResult(
        "hvac.ocl",
        (Activity("electricity.grid", 2_000_000.0, "kWh", zone="cold-store", **span),),
        (Activity("electricity.grid", 1_700_000.0, "kWh", zone="cold-store", **span),),
        capex_cny=500_000.0,
        opex_delta_cny_per_year=-195_000.0,
        lifetime_years=10.0,
        metrics={"saving_kwh": 300_000.0},
        evidence={"solver": "exact DP"},
    )
    path = tmp_path / "hvac.json"
    path.write_text(json.dumps({"lever": lever_result_to_dict(hvac)}), encoding="utf-8")
    assert read_lever_results(path)[0] == hvac
    result = runner.invoke(
        app,
        [
            "plan",
            str(DEMO),
            "--json",
            "--lever-results",
            str(path),
            "--config",
            str(only(tmp_path, ["hvac.ocl", "energy.rooftop_pv", "energy.green_certificates"])),
        ],
    )
    assert result.exit_code == 0, result.output
    entries = {e["lever"]: e for e in json.loads(result.stdout)["macc"]["entries"]}
    assert entries["hvac.ocl"]["metrics"] == {"saving_kwh": 300_000.0}
    assert entries["hvac.ocl"]["capex_cny"] == 500_000.0


def test_plan_infeasible_and_bad_input(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["plan", str(DEMO), "--config", str(only(tmp_path, ["roster.shifts"]))]
    )
    assert res.exit_code == 1
    assert "cannot keep emissions on the pathway" in res.output
    assert "short by" in res.output
    assert runner.invoke(app, ["plan", str(DEMO), "--horizon", "5"]).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"lever": "x", "baseline": [{"kind": "electricity.grid"}]}', "utf-8")
    res = runner.invoke(app, ["plan", str(DEMO), "--lever-results", str(bad)])
    assert res.exit_code == 2 and "baseline[0].quantity" in res.output


def test_plan_with_an_intensity_target(tmp_path: Path) -> None:
    path = tmp_path / "sector.csv"
    path.write_text("year,value,unit\n2020,12,kgCO2e/t\n2050,1,kgCO2e/t\n", encoding="utf-8")
    config = only(tmp_path, ["energy.rooftop_pv", "energy.green_certificates", "hvac.ocl"])
    res = runner.invoke(
        app,
        [
            "plan",
            str(DEMO),
            "--json",
            "--method",
            "intensity",
            "--metric",
            "tonne",
            "--pathway",
            str(path),
            "--config",
            str(config),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    t, years = data["target"], data["roadmap"]["years"]
    # absolute caps follow the intensity pathway at the latest year's tonnes handled (no growth)
    share12 = t["base_scope12_tco2e"] / t["base_tco2e"]
    path_2030 = next(p["intensity"] for p in t["pathway"] if p["year"] == 2030)
    cap_2030 = next(y["cap_tco2e"] for y in years if y["year"] == 2030)
    assert cap_2030 == pytest.approx(path_2030 * 1_512_000 / 1000 * share12)


def test_monitoring_budgets_follow_the_target_pathway() -> None:
    from parkzero.cli.monitor import pathway_budgets

    result = runner.invoke(app, ["target", str(DEMO), "--json"])
    assert result.exit_code == 0, result.output
    pathway = json.loads(result.stdout)["target"]["pathway"]
    budgets = pathway_budgets(DEMO)
    assert budgets == {str(r["year"]): pytest.approx(r["scope12_tco2e"]) for r in pathway}
    # aca-1.5 is a 4.2 %/yr linear contraction from the (adjusted) 2022 base
    base = budgets["2022"]
    assert budgets["2025"] == pytest.approx(base * (1 - 3 * 0.042))
