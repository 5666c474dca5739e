"""The demo park in examples/demo-park loads, validates and has the magnitudes the guide implies."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from parkzero.carbon.activities import activities_frame, read_activity_csv
from parkzero.carbon.park import Park, load_park
from parkzero.units import conversion_factor

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-park"
YEARS = (2022, 2023, 2024)


@pytest.fixture(scope="module")
def park() -> Park:
    return load_park(DEMO / "park.yaml")


@pytest.fixture(scope="module")
def frame(park: Park) -> pd.DataFrame:
    parts = [
        read_activity_csv(path, zones=park.zone_ids, tenants=park.tenant_ids)
        for path in park.activity_files()
    ]
    df = pd.concat(parts, ignore_index=True)
    df["year"] = df["start"].dt.year
    df["month"] = df["start"].dt.month
    return df


@pytest.fixture(scope="module")
def electricity(frame: pd.DataFrame) -> pd.DataFrame:
    """Grid and PV rows with the quantity converted to kWh."""
    rows = frame[frame["kind"].isin(["electricity.grid", "electricity.onsite.pv"])].copy()
    rows["kwh"] = [
        q * conversion_factor(u, "kWh") for q, u in zip(rows.quantity, rows.unit, strict=True)
    ]
    return rows


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_park_generate", DEMO / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_park_file_describes_the_demo_park(park: Park) -> None:
    assert park.region == "湖北"
    assert park.base_year == 2022
    assert park.gwp_set == "AR6"
    assert park.boundary.approach == "operational_control"
    assert set(park.zone_ids) >= {"sorting", "warehouse", "cold-store", "offices", "yard"}
    base_zones = [z for z in park.zones if z.id != "cold-store-b"]
    assert sum(z.area_m2 or 0 for z in base_zones) == pytest.approx(100_000, rel=0.02)
    assert 2 <= len(park.tenants) <= 4
    assert not any(t.operational_control for t in park.tenants)
    assert sorted(park.drivers) == list(YEARS)
    assert {i.year for i in park.instruments} == {2023, 2024}
    assert [s.year for s in park.structural_changes] == [2024]
    assert all(s.leaked_kg >= 0 for s in park.refrigerant_stocks)
    assert {s.year for s in park.refrigerant_stocks if s.equipment == "CS-RACK-1"} == set(YEARS)
    assert [p.name for p in park.activity_files()] == [f"activities-{y}.csv" for y in YEARS]


def test_every_month_of_three_years_is_present(frame: pd.DataFrame) -> None:
    months = set(zip(frame["year"], frame["month"], strict=True))
    assert months == {(y, m) for y in YEARS for m in range(1, 13)}
    # monthly rows cover a whole calendar month; 2024 service records are single days
    whole_month = (frame["start"].dt.day == 1) & (
        frame["end"] == frame["start"] + pd.offsets.MonthEnd(0)
    )
    single_day = frame["start"] == frame["end"]
    assert (whole_month | single_day).all()
    assert set(frame.loc[single_day & ~whole_month, "kind"].str.split(".").str[0]) <= {
        "refrigerant",
        "fugitive",
    }


def test_every_zone_has_electricity_every_month(park: Park, electricity: pd.DataFrame) -> None:
    grid = electricity[electricity["kind"] == "electricity.grid"]
    for zone in park.zone_ids:
        years = (2024,) if zone == "cold-store-b" else YEARS  # acquired on 1 January 2024
        have = set(
            zip(*(grid.loc[grid["zone"] == zone, c] for c in ("year", "month")), strict=True)
        )
        assert have == {(y, m) for y in years for m in range(1, 13)}, zone
    assert (grid["kwh"] > 0).all()


def test_annual_electricity_matches_the_guide(electricity: pd.DataFrame) -> None:
    """Guide: a 100,000 m² park uses ~20 GWh (2000万度) a year."""
    total = electricity.groupby("year")["kwh"].sum()
    assert 18e6 <= total[2022] <= 22e6
    assert 18e6 <= total[2023] <= 22e6
    assert 20e6 <= total[2024] <= 24.5e6  # plus the acquired cold store B
    pv = electricity[electricity["kind"] == "electricity.onsite.pv"].groupby("year")["kwh"].sum()
    assert 2022 not in pv.index
    assert 0 < pv[2023] < pv[2024] < 0.2 * total[2024]
    # tenants' sub-metered load (scope 3.13 for the park) is a fifth to a quarter of the total
    tenants = electricity[electricity["tenant"] != ""].groupby("year")["kwh"].sum()
    share = tenants / total
    assert ((share > 0.15) & (share < 0.3)).all()


def test_seasonality_follows_wuhan_weather(electricity: pd.DataFrame) -> None:
    rows = electricity[(electricity["year"] == 2022) & (electricity["zone"] == "cold-store")]
    by_month = rows.groupby("month")["kwh"].sum()
    assert by_month[[7, 8]].mean() > 1.3 * by_month[[1, 2]].mean()  # hot Jul–Aug
    offices = electricity[(electricity["year"] == 2022) & (electricity["zone"] == "offices")]
    by_month = offices.groupby("month")["kwh"].sum()
    assert by_month[7] > by_month[4] and by_month[1] > by_month[4]  # cooling and heating peaks


def test_fleet_diesel_matches_about_100_trucks(frame: pd.DataFrame) -> None:
    gen = _generator()
    fleet = frame[frame["source_id"].str.startswith("FC-FLEET")]
    assert set(fleet["unit"]) == {"L"}
    litres = fleet.groupby("year")["quantity"].sum()
    for year in YEARS:
        diesel_trucks = gen.DIESEL_DRY_TRUCKS[year] + gen.DIESEL_REEFER_TRUCKS[year]
        assert diesel_trucks + gen.ELECTRIC_TRUCKS[year] == 100
        # 20,000 km a year (guide) at 9–15 L/100 km
        per_truck = litres[year] / diesel_trucks
        assert 0.09 * 20_000 <= per_truck <= 0.15 * 20_000, (year, per_truck)
    assert litres[2022] > litres[2023] > litres[2024]  # electrification of the fleet


def test_other_magnitudes(frame: pd.DataFrame) -> None:
    def total(kind: str, year: int) -> float:
        return float(frame.loc[(frame["kind"] == kind) & (frame["year"] == year), "quantity"].sum())

    assert 90_000 <= total("water.supply", 2022) <= 110_000  # guide: ~100,000 t a year
    assert total("wastewater.treatment", 2022) < total("water.supply", 2022)
    assert 100_000 <= total("fuel.natural_gas.stationary", 2022) <= 150_000
    assert 800 <= total("material.carton", 2022) <= 1_200
    assert total("material.waybill_paper", 2024) < total("material.waybill_paper", 2022)
    assert total("travel.air", 2023) > total("travel.air", 2022)  # travel back after 2022
    assert total("refrigerant.R-404A.leak", 2022) > 0 and total("refrigerant.R-507A.leak", 2022) > 0
    downstream = frame[frame["category"] == "3.9"]
    assert not downstream.empty and downstream["kind"].str.startswith("freight.").all()
    assert set(frame.loc[frame["kind"].str.startswith("freight."), "unit"]) == {"t·km"}


def test_tenant_rows_are_in_their_zones(park: Park, frame: pd.DataFrame) -> None:
    rows = frame[frame["tenant"] != ""]
    assert set(rows["tenant"]) == set(park.tenant_ids)
    for tenant_id, zones in rows.groupby("tenant")["zone"]:
        assert set(zones) <= set(park.tenant(str(tenant_id)).zones)


def test_committed_csvs_are_the_generators_output(tmp_path: Path) -> None:
    paths = _generator().main(["--out", str(tmp_path), "--quiet"])
    assert len(paths) == len(YEARS)
    for path in paths:
        assert path.read_bytes() == (DEMO / path.name).read_bytes(), path.name


@pytest.mark.parametrize("doc", ["park-format.md", "park-format.zh.md"])
def test_small_example_in_the_format_docs_loads(doc: str, tmp_path: Path) -> None:
    text = (DEMO.parents[1] / "docs" / doc).read_text(encoding="utf-8")
    example = text[text.rindex("\n## ") :]
    yamls = re.findall(r"```yaml\n(.*?)```", example, re.S)
    csvs = re.findall(r"```csv\n(.*?)```", example, re.S)
    (tmp_path / "park.yaml").write_text(yamls[0], encoding="utf-8")
    (tmp_path / "activities-2023.csv").write_text(csvs[0], encoding="utf-8")
    park = load_park(tmp_path / "park.yaml")
    assert park.refrigerant_stocks[0].leaked_kg == pytest.approx(55.0)
    for i, body in enumerate(csvs):
        path = tmp_path / f"example-{i}.csv"
        path.write_text(body, encoding="utf-8")
        assert len(read_activity_csv(path, zones=park.zone_ids, tenants=park.tenant_ids)) >= 2
    if park.inline_activities():
        assert len(activities_frame(park.inline_activities(), zones=park.zone_ids)) == 1
