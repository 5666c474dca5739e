"""The inventory report as XLSX, read back with openpyxl: every line, numbers as numbers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from parkzero.reports import Chart, inventory_report, render_xlsx

INJECTION = '=HYPERLINK("http://example.invalid","click")'


def workbook(data: bytes, read_only: bool = False) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only)


def summary_rows(wb: Workbook, sheet: str) -> dict[str, tuple[Any, ...]]:
    return {
        str(row[0].value): tuple(c for c in row)
        for row in wb[sheet].iter_rows()
        if row[0].value is not None
    }


@pytest.fixture
def xlsx_zh(result: dict[str, Any], generated_at: datetime) -> bytes:
    return render_xlsx(inventory_report([result], "zh-CN", generated_at=generated_at))


def test_sheets_and_summary_kpis(
    xlsx_zh: bytes, result: dict[str, Any], generated_at: datetime
) -> None:
    wb = workbook(xlsx_zh)
    assert wb.sheetnames[0] == "概览"
    for name in ("范围与类别", "温室气体", "区域", "租户", "基准年", "排放明细", "图表数据"):
        assert name in wb.sheetnames, name
    ws = wb["概览"]
    assert ws["A1"].value == "武汉示范物流园 2024 年度温室气体排放盘查报告"
    rows = summary_rows(wb, "概览")
    total = rows["排放总量"]
    assert total[1].value == pytest.approx(result["total_tco2e"])
    assert total[1].number_format == "#,##0.0"
    assert total[2].value == "tCO₂e"
    clean = rows["清洁能源消费占比"]
    assert clean[1].value == pytest.approx(0.3125)
    assert clean[1].number_format == "#,##0.0%"
    assert clean[1].font.color.rgb.endswith("B42318")  # missed target in red
    assert rows["生成时间"][1].value == "2025-01-15 10:30 (UTC+08:00)"
    # the sheet index links to every sheet
    link = rows["排放明细"][0]
    assert link.hyperlink is not None and link.hyperlink.location == "'排放明细'!A1"


def test_lines_sheet_has_every_line(xlsx_zh: bytes, result: dict[str, Any]) -> None:
    ws = workbook(xlsx_zh)["排放明细"]
    lines = result["lines"]
    assert ws.max_row - 1 == len(lines)
    header = [c.value for c in ws[1]]
    assert header[0] == "行号" and header[12] == "排放量 (tCO₂e)"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:O{len(lines) + 1}"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F6F5C")
    for i in (0, len(lines) // 2, len(lines) - 1):
        row = [c.value for c in ws[i + 2]]
        line = lines[i]
        assert row[0] == line["id"]
        assert row[1] == line["scope"]
        assert row[6] == pytest.approx(line["quantity"])
        assert row[9] == pytest.approx(line["factor_value"])
        assert row[12] == pytest.approx(line["tco2e"])
        assert row[13] == pytest.approx(line["tco2e_market"])
    assert ws["M2"].number_format == "#,##0.000"
    assert sum(ws.cell(row=r, column=13).value for r in range(2, ws.max_row + 1)) == pytest.approx(
        result["total_tco2e"]
    )


def test_long_tables_are_streamed_intact(
    make: Callable[..., dict[str, Any]], generated_at: datetime
) -> None:
    result = make(2024, meters=12, tenant_rename={"中通快递": INJECTION})
    lines = result["lines"]
    assert len(lines) == 2304  # long enough for the streamed writer
    data = render_xlsx(inventory_report([result], "en", generated_at=generated_at))
    wb = workbook(data)
    ws = wb["Lines"]
    assert ws.max_row - 1 == len(lines)
    assert ws.freeze_panes == "A2"
    assert next(c.value for c in ws[2]) == lines[0]["id"]
    last = [c.value for c in ws[len(lines) + 1]]
    assert last[0] == lines[-1]["id"]
    assert last[12] == pytest.approx(lines[-1]["tco2e"])
    assert ws.cell(row=len(lines) + 1, column=13).number_format == "#,##0.000"
    assert ws.cell(row=len(lines) + 1, column=7).number_format == "#,##0.00"
    injected = [c for c in ws["F"] if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert injected and all(c.data_type == "s" for c in injected)
    assert "_parkzero_styles" not in wb.sheetnames


def test_formula_text_stays_text(
    make: Callable[..., dict[str, Any]], generated_at: datetime
) -> None:
    result = make(2024, tenant_rename={"中通快递": INJECTION})
    data = render_xlsx(inventory_report([result], "zh-CN", generated_at=generated_at))
    ws = workbook(data)["租户"]
    cells = [c for c in ws["A"] if c.value == INJECTION]
    assert len(cells) == 1 and cells[0].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) for n in sheets)


def test_native_charts_and_english_sheets(result: dict[str, Any], generated_at: datetime) -> None:
    report = inventory_report([result], "en", generated_at=generated_at)
    data = render_xlsx(report)
    wb = workbook(data)
    assert wb.sheetnames[0] == "Summary"
    for name in ("Scopes and categories", "Gases", "Zones", "Tenants", "Lines", "Charts"):
        assert name in wb.sheetnames, name
    n_charts = sum(isinstance(b, Chart) for _, b in report.blocks())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == n_charts >= 5
    ws = wb["Charts"]
    assert ws["A1"].value == "Emissions · Category"
    assert ws["A2"].value == "Category"
    assert ws["A3"].value == "Stationary combustion"
    assert ws["B3"].value == pytest.approx(result["by_category"]["1.stationary"])


def test_scope_table_subtotals_and_percentages(xlsx_zh: bytes, result: dict[str, Any]) -> None:
    ws = workbook(xlsx_zh)["范围与类别"]
    rows = {r[2].value: r for r in ws.iter_rows(min_row=2)}
    subtotal = rows["范围一小计"]
    assert subtotal[3].value == pytest.approx(result["scope1_tco2e"])
    assert subtotal[3].font.bold
    share = rows["外购电力"][4]
    assert share.value == pytest.approx(
        result["by_category"]["2.electricity"] / result["total_tco2e"]
    )
    assert share.number_format == "#,##0.0%"
    assert rows["排放总量 (基于位置)"][3].value == pytest.approx(result["total_tco2e"])


def test_missing_keys_still_make_a_workbook(generated_at: datetime) -> None:
    data = render_xlsx(
        inventory_report([{"park": "tiny", "year": 2024}], "zh-CN", generated_at=generated_at)
    )
    wb = workbook(data)
    assert wb["排放明细"].max_row == 1  # header only
    rows = summary_rows(wb, "概览")
    assert rows["排放总量"][1].value is None
