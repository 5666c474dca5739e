"""Render a :class:`~parkzero.reports.spec.Report` to an Excel workbook (openpyxl).

Layout:

- a summary sheet first: title, metadata, every KPI tile (value, unit, note), an index of the
  other sheets with links, and the report's prose (methodology, warnings);
- one sheet per table: header in row 1 (with the unit), frozen, filterable; numbers stored as
  numbers with the table's number format (percentages as fractions formatted ``0.0%``), so the
  sheet can be summed, filtered and pivoted as it stands; every row of the table, however long
  (the HTML caps long tables, the workbook never does);
- a chart sheet: each chart's data as a small table with a native Excel chart beside it.

Text that Excel would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``) is stored as
a plain string, never a formula, so a zone or tenant name cannot inject one.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, DoughnutChart, LineChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from parkzero.reports._files import atomic_write
from parkzero.reports.html import local_time
from parkzero.reports.i18n import t
from parkzero.reports.spec import (
    Cell,
    Chart,
    KpiGrid,
    NumberFormat,
    Report,
    Scalar,
    Section,
    Table,
    Text,
    is_number,
)
from parkzero.reports.svg import PALETTE, text_width

__all__ = ["render_xlsx", "safe_sheet_name", "write_xlsx"]

_BRAND = "0F4C3A"
_HEADER_FILL = PatternFill("solid", fgColor="1F6F5C")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_STRONG_FILL = PatternFill("solid", fgColor="EAF2EF")
_STRONG_FONT = Font(bold=True)
_LABEL_FONT = Font(bold=True, color="5B6670")
_TITLE_FONT = Font(bold=True, size=16, color=_BRAND)
_SECTION_FONT = Font(bold=True, size=12, color=_BRAND)
_LINK_FONT = Font(color="1F5FAF", underline="single")
_STATUS_FONT = {
    "ok": Font(bold=True, color="1B7F3B"),
    "fail": Font(bold=True, color="B42318"),
    "warn": Font(bold=True, color="9A6700"),
}
_THIN = Side(style="thin", color="C9D3D0")
_HEADER_BORDER = Border(bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=False)
_FORMULA_START = ("=", "+", "-", "@")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_WIDTH_SAMPLE = 2000
_STREAM_ROWS = 500  # longer plain tables are written as raw sheet XML (openpyxl is slow per cell)
_EXCEL_MAX_ROWS = 1_048_576
_DIMENSION = re.compile(r"<dimension ref=\"[^\"]*\"\s*/>")


def safe_sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique worksheet name: no ``[]:*?/\\``, at most 31 characters.

    Adds the name (case-folded, as Excel compares them) to `used`.

    >>> used: set[str] = set()
    >>> safe_sheet_name("By zone / tenant", used), safe_sheet_name("by zone / tenant", used)
    ('By zone - tenant', 'by zone - tenant (2)')
    """
    base = _BAD_SHEET_CHARS.sub("-", str(name)).strip().strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: NumberFormat | None = None) -> Any:
    """Write one value: numbers as numbers with `fmt`, text as text (never a formula)."""
    if isinstance(value, str):
        cell = ws.cell(row=row, column=col, value=_text(value))
        if value.startswith(_FORMULA_START):
            cell.data_type = "s"
        return cell
    if value is None or (isinstance(value, float) and not is_number(value)):
        return ws.cell(row=row, column=col, value=None)
    cell = ws.cell(row=row, column=col, value=value)
    if fmt is not None and is_number(value):
        cell.number_format = fmt.excel()
    return cell


def _cell_width(value: Any, fmt: NumberFormat | None) -> float:
    if value is None:
        return 1.0
    text = fmt.format(value) if fmt is not None and is_number(value) else str(value)
    # text_width counts a CJK character as 1 em and others as 0.58 em; Excel widths are in
    # "0" characters, about 0.55 em, so a CJK character is about two width units.
    return text_width(text, 1.0) / 0.55


def _table_sheet(
    ws: Worksheet,
    table: Table,
    rows: Sequence[Sequence[Scalar | Cell]],
    styles: _Styles,
    deferred: list[_Deferred],
) -> None:
    cols = list(table.columns)
    headers = [f"{c.header} ({c.unit})" if c.unit else c.header for c in cols]
    for j, h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=j, value=_text(h))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = _HEADER_ALIGN
    formats = [c.fmt for c in cols]
    stream = (
        len(rows) > _STREAM_ROWS
        and not table.strong_rows
        and not any(isinstance(v, Cell) for row in rows for v in row)
    )
    widest = [text_width(h, 1.0) / 0.55 for h in headers]
    for i, row in enumerate(rows):
        if stream and i >= _WIDTH_SAMPLE:
            break
        strong = i in table.strong_rows
        for j, value in enumerate(row):
            fmt = formats[j]
            status = ""
            if isinstance(value, Cell):
                fmt = value.fmt or fmt
                status = value.status
                raw: Scalar = value.value
                if value.unit and isinstance(raw, str):
                    raw = f"{raw} {value.unit}"
            else:
                raw = value
            if i < _WIDTH_SAMPLE:
                widest[j] = max(widest[j], _cell_width(raw, fmt))
            if stream:
                continue
            cell = _put(ws, i + 2, j + 1, raw, fmt)
            if strong:
                cell.font = _STRONG_FONT
                cell.fill = _STRONG_FILL
            if status:
                cell.font = _STATUS_FONT[status]
    if stream:
        deferred.append(_Deferred(ws, 2, rows, [styles.number(f) for f in formats]))
    for j, w in enumerate(widest):
        hint = cols[j].width
        ws.column_dimensions[get_column_letter(j + 1)].width = hint or min(max(w + 2, 8), 60)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"


@dataclass
class _Deferred:
    """Rows of a long table written straight as sheet XML after openpyxl has saved the rest."""

    ws: Worksheet
    first_row: int
    rows: Sequence[Sequence[Scalar | Cell]]
    number_styles: list[int]


class _Styles:
    """Cell-style ids for streamed numbers, registered with the workbook via a scratch sheet."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.scratch: Worksheet | None = None
        self.ids: dict[str, int] = {}

    def number(self, fmt: NumberFormat | None) -> int:
        if fmt is None:
            return 0
        code = fmt.excel()
        if code not in self.ids:
            if self.scratch is None:
                self.scratch = self.wb.create_sheet("_parkzero_styles")
            # a fresh cell per format: the workbook keeps a reference to each cell's style
            cell = self.scratch.cell(row=1, column=len(self.ids) + 1)
            cell.number_format = code
            self.ids[code] = cell.style_id
        return self.ids[code]

    def close(self) -> None:
        if self.scratch is not None:
            self.wb.remove(self.scratch)
            self.scratch = None


def _rows_xml(d: _Deferred) -> Iterator[str]:
    letters = [get_column_letter(j + 1) for j in range(len(d.number_styles))]
    for i, row in enumerate(d.rows):
        r = d.first_row + i
        parts = [f'<row r="{r}">']
        for j, value in enumerate(row):
            if isinstance(value, str):
                if not value:
                    continue
                text = xml_escape(_text(value))
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(
                    f'<c r="{letters[j]}{r}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
                )
            elif is_number(value):
                style = d.number_styles[j]
                attr = f' s="{style}"' if style else ""
                number = repr(float(value)) if isinstance(value, float) else str(value)
                parts.append(f'<c r="{letters[j]}{r}"{attr} t="n"><v>{number}</v></c>')
        parts.append("</row>")
        yield "".join(parts)


def _splice(data: bytes, deferred: list[_Deferred]) -> bytes:
    """Insert the deferred rows into the saved workbook's sheet XML."""
    by_path = {d.ws.path.lstrip("/"): d for d in deferred}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            body = src.read(item.filename)
            d = by_path.get(item.filename)
            if d is not None:
                xml = body.decode("utf-8")
                last = f"{get_column_letter(len(d.number_styles))}{d.first_row + len(d.rows) - 1}"
                xml = _DIMENSION.sub(f'<dimension ref="A1:{last}" />', xml, count=1)
                xml = xml.replace("<sheetData />", "<sheetData></sheetData>", 1)
                end = xml.rindex("</sheetData>")
                body = (xml[:end] + "".join(_rows_xml(d)) + xml[end:]).encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def _chart_object(chart: Chart) -> Any:
    if chart.kind in ("pie", "donut"):
        pie: Any = DoughnutChart() if chart.kind == "donut" else PieChart()
        pie.dataLabels = DataLabelList()
        pie.dataLabels.showPercent = True
        pie.dataLabels.showVal = False
        pie.dataLabels.showCatName = False
        pie.dataLabels.showSerName = False
        pie.dataLabels.showLeaderLines = False
        if chart.kind == "donut":
            pie.holeSize = 55
        return pie
    if chart.kind == "line":
        line = LineChart()
        line.y_axis.title = chart.unit or None
        line.y_axis.number_format = chart.fmt.excel()
        line.x_axis.delete = False
        line.y_axis.delete = False
        return line
    bar = BarChart()
    bar.type = "bar" if chart.horizontal else "col"
    if chart.kind == "stacked_bar":
        bar.grouping = "stacked"
        bar.overlap = 100
    bar.gapWidth = 60
    bar.y_axis.title = chart.unit or None
    bar.y_axis.number_format = chart.fmt.excel()
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    if chart.horizontal:
        bar.x_axis.scaling.orientation = "maxMin"  # first category at the top, as in the HTML
    return bar


def _charts_sheet(ws: Worksheet, charts: list[Chart], lang: str) -> None:
    row = 1
    ws.column_dimensions["A"].width = 36
    for chart in charts:
        m = len(chart.series)
        n = len(chart.categories)
        title_cell = ws.cell(row=row, column=1, value=_text(chart.title or chart.kind))
        title_cell.font = _SECTION_FONT
        head = row + 1
        _put(ws, head, 1, t("category", lang)).font = _HEADER_FONT
        ws.cell(row=head, column=1).fill = _HEADER_FILL
        for j, s in enumerate(chart.series, start=2):
            name = f"{s.name} ({chart.unit})" if chart.unit and m == 1 else s.name
            cell = _put(ws, head, j, name or chart.unit or t("value", lang))
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            ws.column_dimensions[get_column_letter(j)].width = max(
                ws.column_dimensions[get_column_letter(j)].width or 0, 14
            )
        for i, cat in enumerate(chart.categories):
            _put(ws, head + 1 + i, 1, cat)
            for j, s in enumerate(chart.series, start=2):
                _put(ws, head + 1 + i, j, s.values[i], chart.fmt)
        if n:
            obj = _chart_object(chart)
            data = Reference(ws, min_col=2, max_col=1 + m, min_row=head, max_row=head + n)
            cats = Reference(ws, min_col=1, min_row=head + 1, max_row=head + n)
            obj.add_data(data, titles_from_data=True)
            obj.set_categories(cats)
            obj.title = _text(chart.title) or None
            obj.width = 18
            obj.height = 9 if n <= 12 or not chart.horizontal else min(9 + 0.45 * (n - 12), 24)
            if m == 1 and chart.kind not in ("pie", "donut"):
                obj.legend = None
                obj.series[0].graphicalProperties.solidFill = PALETTE[0][1:]
            elif chart.kind not in ("pie", "donut"):
                for j, s in enumerate(obj.series):
                    color = PALETTE[j % len(PALETTE)][1:]
                    if chart.kind == "line":
                        s.graphicalProperties.line.solidFill = color
                    else:
                        s.graphicalProperties.solidFill = color
                        s.graphicalProperties.line.solidFill = color
            ws.add_chart(obj, f"{get_column_letter(m + 3)}{row}")
        row += max(n + 4, 20 if n else 4)


def _summary_sheet(
    ws: Worksheet,
    report: Report,
    index: list[tuple[str, str, str]],
    texts: list[tuple[Section, Text]],
) -> None:
    lang = report.lang
    for col, width in zip("ABCD", (34, 20, 16, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws.cell(row=1, column=1, value=_text(report.title)).font = _TITLE_FONT
    row = 2
    if report.subtitle:
        ws.cell(row=row, column=1, value=_text(report.subtitle)).font = Font(color="5B6670")
        row += 1
    row += 1
    meta = list(report.meta)
    if report.generated_at is not None:
        meta.append((t("generated_at", lang), local_time(report.generated_at, report.timezone)))
    for key, value in meta:
        ws.cell(row=row, column=1, value=_text(key)).font = _LABEL_FONT
        _put(ws, row, 2, value)
        row += 1
    kpis = [k for _, b in report.blocks() if isinstance(b, KpiGrid) for k in b.tiles]
    if kpis:
        row += 1
        row = _header_row(
            ws, row, [t("indicator", lang), t("value", lang), t("unit", lang), t("note", lang)]
        )
        for k in kpis:
            _put(ws, row, 1, k.label)
            cell = _put(ws, row, 2, k.value, k.fmt)
            if k.status:
                cell.font = _STATUS_FONT[k.status]
            _put(ws, row, 3, k.unit)
            _put(ws, row, 4, k.note)
            row += 1
    if index:
        row += 1
        ws.cell(row=row, column=1, value=t("sheet_index", lang)).font = _SECTION_FONT
        row += 1
        row = _header_row(
            ws, row, [t("sheet", lang), t("contents_col", lang), "", t("notes", lang)]
        )
        for name, what, note in index:
            cell = _put(ws, row, 1, name)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1")
            cell.font = _LINK_FONT
            _put(ws, row, 2, what)
            _put(ws, row, 4, note).alignment = _WRAP
            row += 1
    current = None
    for section, text in texts:
        if section is not current:
            row += 1
            ws.cell(row=row, column=1, value=_text(section.title)).font = _SECTION_FONT
            row += 1
            current = section
        for para in ([text.body] if text.body else []) + [f"• {i}" for i in text.items]:
            cell = _put(ws, row, 1, para)
            cell.alignment = _WRAP
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            lines = max(1, int(text_width(para, 1.0) / 0.55 / 135) + 1 + para.count("\n"))
            ws.row_dimensions[row].height = 15.5 * lines
            if text.kind == "warning":
                cell.font = _STATUS_FONT["warn"]
            row += 1


def _header_row(ws: Worksheet, row: int, labels: list[str]) -> int:
    for j, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=j, value=label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    return row + 1


def _chunks(rows: Sequence[Sequence[Scalar | Cell]]) -> list[Sequence[Sequence[Scalar | Cell]]]:
    size = _EXCEL_MAX_ROWS - 1
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [rows]


def render_xlsx(report: Report) -> bytes:
    """The report as an XLSX file (bytes): summary sheet, one sheet per table, chart sheet.

    A table longer than Excel's 1,048,575 data rows continues on sheets named ``… (2)``.
    """
    lang = report.lang
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    used: set[str] = set()
    summary.title = safe_sheet_name(t("summary_sheet", lang), used)
    index: list[tuple[str, str, str]] = []
    texts: list[tuple[Section, Text]] = []
    charts: list[Chart] = []
    styles = _Styles(wb)
    deferred: list[_Deferred] = []
    for section, block in report.blocks():
        if isinstance(block, Table):
            for rows in _chunks(block.rows):
                name = safe_sheet_name(block.sheet or block.title or section.title, used)
                _table_sheet(wb.create_sheet(name), block, rows, styles, deferred)
                index.append((name, block.title or section.title, block.note))
        elif isinstance(block, Chart):
            charts.append(block)
        elif isinstance(block, Text):
            texts.append((section, block))
    if charts:
        name = safe_sheet_name(t("charts_sheet", lang), used)
        _charts_sheet(wb.create_sheet(name), charts, lang)
        index.append((name, t("charts_sheet", lang), ""))
    _summary_sheet(summary, report, index, texts)
    styles.close()
    props = wb.properties
    props.title = report.title
    props.creator = "parkzero"
    props.language = lang
    if report.generated_at is not None:
        moment = report.generated_at.astimezone(UTC).replace(tzinfo=None)
        props.created = moment
        props.modified = moment
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    return _splice(data, deferred) if deferred else data


def write_xlsx(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report's workbook to `path` atomically (no half-written file on error)."""
    target = Path(path)
    atomic_write(target, render_xlsx(report))
    return target
