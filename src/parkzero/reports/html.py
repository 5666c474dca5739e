"""Render a :class:`~parkzero.reports.spec.Report` to one self-contained HTML file.

The file needs nothing else: CSS is inline, charts are inline SVG drawn by
:mod:`parkzero.reports.svg`, there is no JavaScript and no external font, image or script, so it
opens offline, can be mailed as one attachment, and prints (A4, colours kept). All text from the
spec is escaped by Jinja2's autoescaping; only the SVG, which escapes its own text, is inserted as
markup.

A PDF renderer can print this same HTML with a headless browser (the CSS has print rules), so the
spec never needs to know about pages.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2

from parkzero import __version__
from parkzero.reports._files import atomic_write
from parkzero.reports.i18n import t
from parkzero.reports.spec import (
    INTEGER,
    MISSING,
    Cell,
    Chart,
    Column,
    Kpi,
    KpiGrid,
    NumberFormat,
    Report,
    Scalar,
    Table,
    Text,
    is_number,
)
from parkzero.reports.svg import chart_svg

__all__ = ["format_cell", "local_time", "render_html", "write_html"]

_GENERAL = NumberFormat(significant=6)


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("parkzero.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def local_time(moment: datetime, timezone: str) -> str:
    """`moment` shown in `timezone` with its UTC offset, e.g. ``2024-03-01 16:30 (UTC+08:00)``.

    >>> from datetime import UTC
    >>> local_time(datetime(2024, 3, 1, 8, 30, tzinfo=UTC), "Asia/Shanghai")
    '2024-03-01 16:30 (UTC+08:00)'
    """
    try:
        local = moment.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        local = moment.astimezone(ZoneInfo("UTC"))
    offset = local.strftime("%z") or "+0000"
    return f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def format_cell(value: Scalar | Cell, column: Column) -> tuple[str, str]:
    """Text of one table cell and its status (``""``, ``ok``, ``fail``, ``warn``).

    >>> from parkzero.reports.spec import NumberFormat
    >>> format_cell(12345.678, Column("x", fmt=NumberFormat(2)))
    ('12,345.68', '')
    >>> format_cell(Cell(0.93, fmt=NumberFormat(1, percent=True), status="ok"), Column("x"))
    ('93.0%', 'ok')
    """
    status = ""
    unit = ""
    fmt = column.fmt
    if isinstance(value, Cell):
        status = value.status
        unit = value.unit
        fmt = value.fmt or fmt
        value = value.value
    if value is None or (isinstance(value, float) and not is_number(value)):
        return MISSING, status
    if fmt is not None and is_number(value):
        text = fmt.format(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        text = INTEGER.format(value)
    elif isinstance(value, float):
        text = _GENERAL.format(value)
    else:
        text = str(value)
    if unit:
        text = f"{text} {unit}"
    return text, status


def _kpi_view(kpi: Kpi) -> dict[str, Any]:
    value = kpi.fmt.format(kpi.value) if kpi.value is not None else MISSING
    return {
        "label": kpi.label,
        "value": value,
        "unit": kpi.unit if kpi.value is not None else "",
        "note": kpi.note,
        "status": kpi.status,
    }


def _table_view(table: Table, lang: str) -> dict[str, Any]:
    cols = list(table.columns)
    limit = table.html_max_rows
    rows = table.rows if limit is None else table.rows[:limit]
    row_views = []
    for i, row in enumerate(rows):
        cells = []
        for value, col in zip(row, cols, strict=True):
            text, status = format_cell(value, col)
            cells.append({"text": text, "num": col.numeric, "status": status})
        row_views.append({"strong": i in table.strong_rows, "cells": cells})
    truncated = ""
    if limit is not None and len(table.rows) > limit:
        truncated = t("rows_truncated", lang, shown=f"{limit:,}", total=f"{len(table.rows):,}")
    return {
        "type": "table",
        "title": table.title,
        "note": table.note,
        "columns": [{"header": c.header, "unit": c.unit, "num": c.numeric} for c in cols],
        "rows": row_views,
        "truncated": truncated,
        "scroll": len(rows) > 60,
    }


def _view(report: Report) -> dict[str, Any]:
    lang = report.lang
    sections = []
    for number, section in enumerate(report.sections, start=1):
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            if isinstance(block, KpiGrid):
                blocks.append(
                    {
                        "type": "kpis",
                        "title": block.title,
                        "tiles": [_kpi_view(k) for k in block.tiles],
                    }
                )
            elif isinstance(block, Table):
                blocks.append(_table_view(block, lang))
            elif isinstance(block, Chart):
                blocks.append(
                    {
                        "type": "chart",
                        "title": block.title,
                        "note": block.note,
                        "svg": chart_svg(block),
                    }
                )
            elif isinstance(block, Text):
                blocks.append(
                    {"type": "text", "kind": block.kind, "body": block.body, "bullets": block.items}
                )
            else:  # pragma: no cover - the Block union is closed
                raise TypeError(f"unknown report block {type(block).__name__}")
        sections.append(
            {
                "id": section.key or f"section-{number}",
                "number": number,
                "title": section.title,
                "collapsible": section.collapsible,
                "blocks": blocks,
            }
        )
    generated = local_time(report.generated_at, report.timezone) if report.generated_at else ""
    return {
        "lang": lang,
        "title": report.title,
        "subtitle": report.subtitle,
        "meta": report.meta,
        "generated": generated,
        "footer": report.footer,
        "sections": sections,
        "labels": {
            "contents": t("contents", lang),
            "generated_at": t("generated_at", lang),
            "generated_by": t("generated_by", lang),
            "show_hide": t("show_hide", lang),
        },
        "version": __version__,
    }


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (UTF-8 text)."""
    return _env().get_template("report.html").render(**_view(report))


def write_html(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report's HTML to `path` atomically (no half-written file on error)."""
    target = Path(path)
    text = render_html(report)
    atomic_write(target, text.encode("utf-8"))
    return target
