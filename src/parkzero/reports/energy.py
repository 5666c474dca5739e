"""The energy section of a report: PV + storage + charger sizing in figures and a table.

The figures come from :func:`parkzero.energy.report.demo_section` (the ``energy size --json``
keys); this module only lays them out, so the reports package stays free of solver imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from parkzero.reports.i18n import normalize_lang
from parkzero.reports.spec import Column, Kpi, KpiGrid, NumberFormat, Section, Table, Text

__all__ = ["energy_section"]

_LABELS = {
    "zh-CN": {
        "pv": "光伏装机",
        "battery": "储能容量",
        "npv": "净现值",
        "irr": "内部收益率",
        "payback": "投资回收期",
        "co2e": "年减排量",
        "years": "年",
        "note": "一个 HiGHS 线性规划同时优化全年 {steps:,} 个时段的光伏、储能与充电桩配置与运行"
        "（REopt 功率约束，上网电量不超过光伏出力）；减排量由碳核算引擎按园区排放因子计算。",
    },
    "en": {
        "pv": "PV",
        "battery": "battery",
        "npv": "NPV",
        "irr": "IRR",
        "payback": "payback",
        "co2e": "CO2e avoided",
        "years": "yr",
        "note": "One HiGHS LP sizes PV, battery and chargers and dispatches them over {steps:,} "
        "steps of a year (REopt power bounds, export never above PV output); the CO2e avoided is "
        "computed by the carbon engine with the park's factors.",
    },
}
_INT = NumberFormat(0)


def energy_section(section: Mapping[str, Any], lang: str = "zh-CN") -> Section:
    """A report section from the energy sizing of a scenario.

    Parameters
    ----------
    section : mapping
        ``title``, ``figures`` (``pv_kw`` [kWp], ``battery_kwh`` [kWh], ``npv_cny`` [CNY],
        ``irr`` [-], ``payback_years`` [yr], ``co2e_avoided_t`` [tCO2e/yr], ``steps`` [-]) and
        ``table`` (``columns``: item, before, after, unit; ``rows``).
    lang : {"zh-CN", "en"}

    Returns
    -------
    Section
    """
    code = normalize_lang(lang)
    t = _LABELS[code]
    f = section["figures"]
    tiles = [
        Kpi(t["pv"], f.get("pv_kw"), "kWp", fmt=_INT),
        Kpi(t["battery"], f.get("battery_kwh"), "kWh", fmt=_INT),
        Kpi(t["npv"], None if f.get("npv_cny") is None else f["npv_cny"] / 1e4, "万元", fmt=_INT)
        if code == "zh-CN"
        else Kpi(t["npv"], f.get("npv_cny"), "CNY", fmt=_INT),
        Kpi(t["irr"], f.get("irr"), "", fmt=NumberFormat(1, percent=True)),
        Kpi(t["payback"], f.get("payback_years"), t["years"], fmt=NumberFormat(1)),
        Kpi(t["co2e"], f.get("co2e_avoided_t"), "tCO₂e/yr", fmt=_INT),
    ]
    head = section["table"]["columns"]
    rows = section["table"]["rows"]
    table = Table(
        columns=[
            Column(head[0]),
            Column(head[1], fmt=NumberFormat(1)),
            Column(head[2], fmt=NumberFormat(1)),
            Column(head[3]),
        ],
        rows=rows,
        title=str(section["title"]),
        sheet="energy",
    )
    note = Text(t["note"].format(steps=int(f.get("steps") or 0)), kind="note")
    return Section(str(section["title"]), [KpiGrid(tiles), table, note], key="energy")
