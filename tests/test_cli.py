"""The parkzero command line: inventory, factors, demo; JSON shape and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from parkzero.cli import app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-park" / "park.yaml"
runner = CliRunner()

REQUIRED_KEYS = {
    "park",
    "year",
    "gwp_set",
    "total_tco2e",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "scope3_tco2e",
    "by_category",
    "by_gas_t",
    "by_zone",
    "energy_tce",
    "indicators",
    "lines",
}
LINE_KEYS = {
    "id",
    "scope",
    "category",
    "quantity",
    "unit",
    "factor_id",
    "factor_value",
    "factor_unit",
    "tco2e",
}


@pytest.fixture(scope="module")
def demo_2024() -> dict:
    result = runner.invoke(app, ["inventory", str(DEMO), "--year", "2024", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_inventory_json_has_the_documented_keys(demo_2024: dict) -> None:
    assert REQUIRED_KEYS <= demo_2024.keys()
    assert {"tco2_per_tce", "clean_energy_share"} <= demo_2024["indicators"].keys()
    assert demo_2024["park"] == "demo-wuhan" and demo_2024["year"] == 2024
    assert LINE_KEYS <= demo_2024["lines"][0].keys()


def test_inventory_json_totals_are_consistent(demo_2024: dict) -> None:
    d = demo_2024
    assert d["total_tco2e"] == pytest.approx(
        d["scope1_tco2e"] + d["scope2_location_tco2e"] + d["scope3_tco2e"]
    )
    assert d["total_tco2e"] == pytest.approx(sum(x["tco2e"] for x in d["lines"]))
    assert d["scope2_market_tco2e"] < d["scope2_location_tco2e"]  # 2024 holds certificates
    # every line can be recomputed from its factor
    for line in d["lines"][:200]:
        assert line["tco2e"] == pytest.approx(
            line["quantity_factor_unit"] * line["factor_value"] / 1000, abs=1e-9
        )


def test_demo_park_magnitudes(demo_2024: dict) -> None:
    # ~20 GWh a year at Hubei's ~0.40 kgCO2/kWh: scope 2 location-based in the thousands
    assert 4_000 < demo_2024["scope2_location_tco2e"] < 9_000
    assert demo_2024["base_year"]["recalculation_required"]  # cold store B acquired in 2024
    assert 0 < demo_2024["indicators"]["clean_energy_share"] < 0.9


def test_inventory_human_output() -> None:
    result = runner.invoke(app, ["inventory", str(DEMO), "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert "Scope 2 (market-based)" in result.stdout and "tCO2/tce" in result.stdout


def test_inventory_year_without_data_exits_2() -> None:
    result = runner.invoke(app, ["inventory", str(DEMO), "--year", "2019"])
    assert result.exit_code == 2
    assert "no activity data for 2019" in result.output


def test_inventory_bad_csv_exits_2_naming_row(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        "kind,quantity,unit,period\nelectricity.grid,10,kWh,2023-01\nfuel.diesel.mobile,-3,L,2023-02\n",
        encoding="utf-8",
    )
    (tmp_path / "park.yaml").write_text(
        "park: {id: p, name: P, region: 湖北, base_year: 2023}\nactivities: [a.csv]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["inventory", str(tmp_path / "park.yaml")])
    assert result.exit_code == 2
    assert 'a.csv, row 3, column "quantity": must not be negative' in result.output


def test_factors_search_and_show() -> None:
    found = runner.invoke(app, ["factors", "search", "湖北", "--json"])
    assert found.exit_code == 0
    data = json.loads(found.stdout)
    assert data["count"] >= 3
    ids = [f["id"] for f in data["factors"]]
    hubei_2022 = next(i for i in ids if i.endswith("CN-HB/2022"))
    shown = runner.invoke(app, ["factors", "show", hubei_2022, "--json"])
    assert json.loads(shown.stdout)["gases"] == {"CO2": 0.4364}
    human = runner.invoke(app, ["factors", "show", hubei_2022])
    assert "0.4364 kg per kWh" in human.stdout


def test_factors_show_unknown_exits_2() -> None:
    result = runner.invoke(app, ["factors", "show", "no/such/factor"])
    assert result.exit_code == 2
    assert "no/such/factor" in result.output


def test_demo_writes_database_and_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    out = tmp_path / "out"
    result = runner.invoke(app, ["demo", "--park", str(DEMO), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [y["year"] for y in summary["years"]] == [2022, 2023, 2024]
    assert summary["rows_imported"] > 1000
    html = Path(summary["reports"]["html"]).read_text(encoding="utf-8")
    assert "武汉示范物流园" in html
    sheets = load_workbook(summary["reports"]["xlsx"], read_only=True).sheetnames
    assert len(sheets) >= 3
    # the demo's energy.yaml is sized and shown in the plan report
    energy = summary["energy"]
    assert energy["pv_kw"] <= 10_331.25 + 1e-6  # the demo roofs hold 10,331 kWp
    assert energy["annual_cost_cny"] < energy["annual_cost_bau_cny"]
    assert energy["co2e_avoided_t"] > 0
    plan_html = Path(summary["reports"]["plan_html"]).read_text(encoding="utf-8")
    assert "绿色能源" in plan_html and f"{energy['pv_kw']:,.0f}" in plan_html
    # running it again replaces the data instead of duplicating it
    args = ["demo", "--park", str(DEMO), "--out", str(out), "--json", "--no-energy"]
    again = runner.invoke(app, args)
    assert json.loads(again.stdout)["rows_imported"] == summary["rows_imported"]
    assert json.loads(again.stdout)["years"] == summary["years"]
    assert json.loads(again.stdout)["energy"] is None
