"""Reports: one generic builder, spec → tables and charts → HTML and XLSX (PDF later).

A report is data first (:mod:`parkzero.reports.spec`): a :class:`Report` of :class:`Section`
blocks — KPI tiles, tables, charts, text — with every label already in the report's language
(:mod:`parkzero.reports.i18n`, zh-CN by default, English on request). Renderers turn the same
spec into a self-contained HTML page (:func:`render_html`) or an Excel workbook
(:func:`render_xlsx`). Domain reports are functions that build a spec from results, such as the
GHG inventory report (:func:`inventory_report`, :func:`write_inventory_reports`).
"""

from __future__ import annotations

from parkzero.reports.html import render_html, write_html
from parkzero.reports.i18n import LANGS, normalize_lang, t
from parkzero.reports.inventory import inventory_report, report_filename, write_inventory_reports
from parkzero.reports.spec import (
    Cell,
    Chart,
    Column,
    Kpi,
    KpiGrid,
    NumberFormat,
    Report,
    Section,
    Series,
    Table,
    Text,
)
from parkzero.reports.svg import chart_svg
from parkzero.reports.xlsx import render_xlsx, write_xlsx

__all__ = [
    "LANGS",
    "Cell",
    "Chart",
    "Column",
    "Kpi",
    "KpiGrid",
    "NumberFormat",
    "Report",
    "Section",
    "Series",
    "Table",
    "Text",
    "chart_svg",
    "inventory_report",
    "normalize_lang",
    "render_html",
    "render_xlsx",
    "report_filename",
    "t",
    "write_html",
    "write_inventory_reports",
    "write_xlsx",
]
