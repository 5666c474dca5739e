"""Monthly customer statement of shipment footprints (ISO 14083): footprints → Report → HTML/XLSX.

:func:`statement_report` reads the Parquet output of the shipment pipeline
(:func:`parkzero.logistics.pipeline.run_pipeline`), keeps one customer's shipments of one month
and builds a :class:`~parkzero.reports.spec.Report`: key figures (shipments, t·km, kgCO2e,
kgCO2e per t·km) and one row per shipment. It computes no emission of its own.

>>> import pandas as pd
>>> fp = pd.DataFrame({"shipment_id": ["S1"], "customer_id": ["C"], "ship_date": ["2024-03-04"],
...     "mass_t": [2.0], "legs": [2], "tkm": [100.0], "transport_wtw_kgco2e": [4.0],
...     "transport_ttw_kgco2e": [None], "hub_wtw_kgco2e": [1.0], "wtw_kgco2e": [5.0]})
>>> statement_report(fp, "C", "2024-03", lang="en").sections[0].blocks[0].tiles[2].value
5.0
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from parkzero.config import settings
from parkzero.errors import InputError
from parkzero.reports.html import write_html
from parkzero.reports.i18n import normalize_lang
from parkzero.reports.spec import Column, Kpi, KpiGrid, NumberFormat, Report, Section, Table, Text
from parkzero.reports.xlsx import write_xlsx

__all__ = ["statement_filename", "statement_report", "write_statement"]

_LABELS = {
    "en": {
        "title": "Shipment carbon footprint statement — {customer}, {month}",
        "subtitle": "ISO 14083:2023 / GLEC Framework v3, well-to-wheel",
        "customer": "Customer",
        "month": "Month",
        "summary": "Key figures",
        "shipments": "Shipments",
        "tkm": "Transport activity",
        "total": "Emissions (WTW)",
        "intensity": "Intensity",
        "detail": "Shipments",
        "sheet": "Shipments",
        "shipment_id": "Shipment",
        "date": "Date",
        "mass": "Mass",
        "legs": "Legs",
        "transport": "Transport WTW",
        "transport_ttw": "Transport TTW",
        "hub": "Hub operations",
        "wtw": "Total WTW",
        "method": "Method",
        "method_text": (
            "Trip emissions are allocated to shipments by t·km (ISO 14083). Legs are "
            "distance-based with default intensities unless primary data were given; hub "
            "operations use the park's measured intensity where available, else the GLEC v3 "
            "default. Tank-to-wheel (TTW) is shown where every leg's intensity or fuel data "
            "split it."
        ),
        "empty": "No shipments for this customer in this month.",
    },
    "zh-CN": {
        "title": "货运碳足迹月度对账单 — {customer}，{month}",
        "subtitle": "ISO 14083:2023 / GLEC 框架 v3，油井到车轮（WTW）",
        "customer": "客户",
        "month": "月份",
        "summary": "关键数据",
        "shipments": "货运单数",
        "tkm": "运输周转量",
        "total": "排放（WTW）",
        "intensity": "排放强度",
        "detail": "货运明细",
        "sheet": "货运明细",
        "shipment_id": "货运单",
        "date": "日期",
        "mass": "质量",
        "legs": "运段数",
        "transport": "运输 WTW",
        "transport_ttw": "运输 TTW",
        "hub": "枢纽作业",
        "wtw": "合计 WTW",
        "method": "方法",
        "method_text": (
            "行程排放按吨公里分摊到各货运单（ISO 14083）。运段按距离法使用默认强度计算；"
            "枢纽作业优先使用园区实测强度，否则使用 GLEC v3 默认值。"
            "油箱到车轮（TTW）排放仅在各运段强度或燃料数据可区分时列出。"
        ),
        "empty": "该客户本月无货运记录。",
    },
}

F1 = NumberFormat(1)
F3 = NumberFormat(3)
F0 = NumberFormat(0)
F_INT = NumberFormat(significant=4)


def _month(month: str) -> pd.Period:
    if not re.fullmatch(r"\d{4}-\d{2}", month or ""):
        raise InputError(f'month "{month}" is not YYYY-MM', column="month")
    try:
        return pd.Period(month, freq="M")
    except ValueError:
        raise InputError(f'month "{month}" is not YYYY-MM', column="month") from None


def _select(footprints: pd.DataFrame, customer: str, month: str) -> pd.DataFrame:
    period = _month(month)
    missing = [
        c
        for c in ("shipment_id", "customer_id", "ship_date", "wtw_kgco2e", "tkm")
        if c not in footprints
    ]
    if missing:
        raise InputError(
            f"footprints lack column(s) {', '.join(missing)}; pass the pipeline's output",
            column=missing[0],
        )
    dates = pd.to_datetime(footprints["ship_date"], errors="coerce")
    mask = (footprints["customer_id"].astype(str) == customer) & (dates.dt.to_period("M") == period)
    return footprints[mask.to_numpy()].sort_values(["ship_date", "shipment_id"])


def statement_report(
    footprints: pd.DataFrame,
    customer: str,
    month: str,
    *,
    lang: str = "zh-CN",
    generated_at: datetime | None = None,
) -> Report:
    """Build the statement of `customer` for `month` (``YYYY-MM``).

    Parameters
    ----------
    footprints : DataFrame
        The pipeline output (columns of :data:`parkzero.logistics.pipeline.OUTPUT_COLUMNS`).
    customer : str
        ``customer_id`` [-].
    month : str
        ``YYYY-MM`` of ``ship_date`` [-].
    lang : {"zh-CN", "en"}
        Report language [-].

    Returns
    -------
    Report
        Key figures in [t·km], [kgCO2e], [kgCO2e/(t·km)]; one table row per shipment.
    """
    code = normalize_lang(lang)
    lab = _LABELS["en" if code == "en" else "zh-CN"]
    rows = _select(footprints, customer, month)
    tkm = float(rows["tkm"].sum())
    total = float(rows["wtw_kgco2e"].sum())
    tiles = [
        Kpi(lab["shipments"], len(rows), fmt=F0),
        Kpi(lab["tkm"], tkm, unit="t·km", fmt=F1),
        Kpi(lab["total"], total, unit="kgCO₂e", fmt=F1),
        Kpi(lab["intensity"], total / tkm if tkm > 0 else None, unit="kgCO₂e/t·km", fmt=F_INT),
    ]

    def col(name: str, default: float | None = None) -> list[float | None]:
        if name not in rows:
            return [default] * len(rows)
        return [None if pd.isna(v) else float(v) for v in rows[name]]

    table = Table(
        columns=(
            Column(lab["shipment_id"]),
            Column(lab["date"]),
            Column(lab["mass"], unit="t", fmt=F3),
            Column(lab["legs"], fmt=F0),
            Column(lab["tkm"], unit="t·km", fmt=F1),
            Column(lab["transport"], unit="kgCO₂e", fmt=F3),
            Column(lab["transport_ttw"], unit="kgCO₂e", fmt=F3),
            Column(lab["hub"], unit="kgCO₂e", fmt=F3),
            Column(lab["wtw"], unit="kgCO₂e", fmt=F3),
        ),
        rows=[
            (str(sid), str(d)[:10], m, n, k, tr, tt, h, w)
            for sid, d, m, n, k, tr, tt, h, w in zip(
                rows["shipment_id"],
                rows["ship_date"],
                col("mass_t"),
                col("legs"),
                col("tkm"),
                col("transport_wtw_kgco2e"),
                col("transport_ttw_kgco2e"),
                col("hub_wtw_kgco2e", 0.0),
                col("wtw_kgco2e"),
                strict=True,
            )
        ],
        title=lab["detail"],
        sheet=lab["sheet"],
    )
    blocks_detail: list[Table | Text] = [table] if len(rows) else [Text(lab["empty"], "note")]
    return Report(
        title=lab["title"].format(customer=customer, month=month),
        subtitle=lab["subtitle"],
        lang=code,
        sections=[
            Section(lab["summary"], [KpiGrid(tiles)]),
            Section(lab["detail"], blocks_detail),
            Section(lab["method"], [Text(lab["method_text"])]),
        ],
        meta=[(lab["customer"], customer), (lab["month"], month)],
        generated_at=generated_at or datetime.now(UTC),
        timezone=settings().timezone,
        footer=customer,
    )


def statement_filename(customer: str, month: str, lang: str = "zh-CN", ext: str = "html") -> str:
    """``statement-<customer>-<YYYY-MM>[.en].<ext>``.

    >>> statement_filename("C-ACME", "2024-03", "en", "xlsx")
    'statement-C-ACME-2024-03.en.xlsx'
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", customer).strip("-.") or "customer"
    suffix = "" if normalize_lang(lang) == "zh-CN" else ".en"
    return f"statement-{slug}-{month}{suffix}.{ext}"


def write_statement(
    footprints: pd.DataFrame,
    customer: str,
    month: str,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "zh-CN",
) -> dict[str, Path]:
    """Write the statement as HTML and XLSX into `out_dir` (atomically); returns the paths."""
    report = statement_report(footprints, customer, month, lang=lang)
    out = Path(out_dir)
    return {
        "html": write_html(report, out / statement_filename(customer, month, lang, "html")),
        "xlsx": write_xlsx(report, out / statement_filename(customer, month, lang, "xlsx")),
    }
