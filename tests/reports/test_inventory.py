"""Building the inventory report spec, bad input, and writing the files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from parkzero.errors import InputError
from parkzero.reports import (
    Cell,
    KpiGrid,
    Table,
    inventory_report,
    report_filename,
    write_inventory_reports,
)
from parkzero.reports.spec import Report


def table(report: Report, title: str) -> Table:
    found = [b for _, b in report.blocks() if isinstance(b, Table) and b.title == title]
    assert len(found) == 1, title
    return found[0]


def value(cell: Any) -> Any:
    return cell.value if isinstance(cell, Cell) else cell


def test_sections_in_reading_order(result: dict[str, Any], generated_at: datetime) -> None:
    report = inventory_report([result], generated_at=generated_at)
    assert [s.key for s in report.sections] == [
        "summary",
        "scopes",
        "months",
        "gases",
        "by-zone",
        "by-tenant",
        "energy",
        "indicators",
        "quality",
        "base-year",
        "instruments",
        "warnings",
        "methodology",
        "lines",
    ]
    assert report.sections[-1].collapsible
    assert report.generated_at == generated_at
    assert report.timezone == "Asia/Shanghai"
    assert ("报告年度", "2024") in report.meta
    assert ("排放因子集", "cn, guide, cpcd, defra2021") in report.meta


def test_kpi_tiles(result: dict[str, Any], generated_at: datetime) -> None:
    report = inventory_report([result], "en", generated_at=generated_at)
    grid = next(b for _, b in report.blocks() if isinstance(b, KpiGrid))
    tiles = {k.label: k for k in grid.tiles}
    assert tiles["Total emissions"].value == pytest.approx(result["total_tco2e"])
    assert tiles["Scope 2 (market-based)"].value == pytest.approx(result["scope2_market_tco2e"])
    ratio = tiles["CO₂ per unit of energy"]
    assert ratio.status == "fail" and "threshold ≤ 0.20" in ratio.note
    clean = tiles["Clean-energy share"]
    assert clean.status == "fail" and "target ≥ 90%" in clean.note


def test_zone_table_names_park_wide_and_sums_to_total(
    result: dict[str, Any], generated_at: datetime
) -> None:
    report = inventory_report([result], generated_at=generated_at)
    zones = table(report, "按区域")
    names = [row[0] for row in zones.rows]
    assert "园区公共 (未分区)" in names  # the "" zone
    assert names[0] == "sorting"  # largest first
    assert sum(row[1] for row in zones.rows) == pytest.approx(result["total_tco2e"])  # type: ignore[misc]
    assert sum(row[2] for row in zones.rows) == pytest.approx(1.0)  # type: ignore[misc]


def test_year_on_year_in_tables(
    make: Callable[..., dict[str, Any]], generated_at: datetime
) -> None:
    r22, r23, r24 = make(2022, scale=0.8), make(2023, scale=0.9), make(2024)
    report = inventory_report([r23, r24, r22], generated_at=generated_at)
    assert "2024" in report.title
    trend = table(report, "历年趋势")
    assert [row[0] for row in trend.rows] == ["2022", "2023", "2024"]
    assert trend.rows[0][7] is None
    assert trend.rows[2][7] == pytest.approx(
        (r24["total_tco2e"] - r23["total_tco2e"]) / r23["total_tco2e"]
    )
    scopes = table(report, "按范围和类别")
    assert [c.header for c in scopes.columns][-2:] == ["2023 年", "同比"]
    electricity = next(row for row in scopes.rows if row[1] == "2.electricity")
    assert electricity[-2] == pytest.approx(r23["by_category"]["2.electricity"])
    assert electricity[-1] == pytest.approx(1 / 0.9 - 1)


def test_base_year_flag_and_reasons(result: dict[str, Any], generated_at: datetime) -> None:
    report = inventory_report([result], "en", generated_at=generated_at)
    base = table(report, "Base year")
    flag = base.rows[-1][1]
    assert isinstance(flag, Cell) and flag.value == "Yes" and flag.status == "fail"
    texts = [b for s, b in report.blocks() if s.key == "base-year" and not isinstance(b, Table)]
    assert texts[0].items == tuple(result["base_year"]["reasons"])  # type: ignore[union-attr]


def test_warnings_of_every_year_are_listed(
    make: Callable[..., dict[str, Any]], generated_at: datetime
) -> None:
    r23, r24 = make(2023), make(2024)
    r24["warnings"] = ["w24"]
    r23["warnings"] = ["w23"]
    report = inventory_report([r23, r24], generated_at=generated_at)
    warning = next(b for s, b in report.blocks() if s.key == "warnings")
    assert warning.items == ("[2024] w24", "[2023] w23")  # type: ignore[union-attr]


def test_robust_to_odd_values(generated_at: datetime) -> None:
    odd = {
        "park": "odd",
        "year": "2024",
        "total_tco2e": "not a number",
        "scope1_tco2e": float("nan"),
        "by_category": {"3.99": 5.0, "1.mobile": None},
        "category_labels": {"3.99": "Something new"},
        "by_zone": [],
        "indicators": None,
        "lines": [{"id": "x", "scope": True}, "garbage"],
    }
    report = inventory_report(odd, "en", generated_at=generated_at)  # a single dict is fine
    grid = next(b for _, b in report.blocks() if isinstance(b, KpiGrid))
    assert grid.tiles[0].value is None and grid.tiles[1].value is None
    scopes = table(report, "By scope and category")
    assert any(row[2] == "Something new" for row in scopes.rows)
    lines = table(report, "Activity lines (audit trail)")
    assert len(lines.rows) == 1 and lines.rows[0][1] is None


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ([], "no inventory results"),
        ([{"park": "a", "year": 2024}, {"park": "b", "year": 2023}], "several parks"),
        ([{"park": "a", "year": 2024}, {"park": "a", "year": 2024}], "same year"),
        ([{"park": "a"}], "no valid year"),
        (["not a dict"], "expected an inventory result"),
    ],
)
def test_bad_input(results: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        inventory_report(results)


def test_write_reports(
    tmp_path: Path, make: Callable[..., dict[str, Any]], generated_at: datetime
) -> None:
    out = tmp_path / "out"
    zh = write_inventory_reports([make(2023), make(2024)], out, generated_at=generated_at)
    en = write_inventory_reports([make(2024)], out, lang="en", generated_at=generated_at)
    assert zh == {
        "html": out / "inventory-demo-wuhan-2024.html",
        "xlsx": out / "inventory-demo-wuhan-2024.xlsx",
    }
    assert en["html"].name == "inventory-demo-wuhan-2024.en.html"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in [*zh.values(), *en.values()]
    )  # no temporary files left behind
    assert zh["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    wb = openpyxl.load_workbook(en["xlsx"], read_only=True)
    assert wb.sheetnames[0] == "Summary"
    wb.close()


def test_report_filename_is_safe() -> None:
    assert report_filename("../../etc", 2024) == "inventory-etc-2024.html"
    assert report_filename("", 2024, "en", "xlsx") == "inventory-park-2024.en.xlsx"
