"""The energy section of the demo report: sizing figures and a small table.

:func:`demo_section` runs the sizing LP on a scenario (the demo park's
``examples/demo-park/energy.yaml``) and returns plain data the report builder renders; it
writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parkzero.energy.scenario import load_scenario
from parkzero.energy.sizing import co2e_avoided_t, size_system
from parkzero.errors import ParkzeroError

__all__ = ["demo_section"]


def demo_section(
    scenario: str | Path, *, freq: str | None = None, lang: str = "zh"
) -> dict[str, Any]:
    """Figures and a table for the demo report's energy section.

    Parameters
    ----------
    scenario : str or Path
        Scenario YAML [-].
    freq : str, optional
        ``"1h"`` or ``"15min"``; default the file's [-].
    lang : {"zh", "en"}
        Language of the titles and row labels [-].

    Returns
    -------
    dict
        ``title`` [-]; ``figures``: the ``energy size --json`` keys (sizes [kWp, kWh, kW], costs
        [CNY, CNY/yr], shares [-], ``co2e_avoided_t`` [tCO2e/yr]); ``table``: {"columns": [...],
        "rows": [[label, before, after, unit], ...]}; ``lever``: the LeverResult.
    """
    sc = load_scenario(scenario, freq=freq)
    r = size_system(sc.sizing_input())
    figures = r.summary()
    try:
        co2e: float | None = (
            co2e_avoided_t(r.lever, sc.region, int(sc.index[0].year)) if sc.region else None
        )
    except ParkzeroError:
        co2e = None
    figures["co2e_avoided_t"] = None if co2e is None else round(co2e, 3)
    zh = lang == "zh"
    labels = (
        ("光伏装机", "储能容量", "储能功率", "充电桩", "年电费", "年总成本", "电网购电", "自给率")
        if zh
        else (
            "PV",
            "battery energy",
            "battery power",
            "chargers",
            "electricity bill",
            "yearly cost",
            "grid import",
            "self-sufficiency",
        )
    )
    existing = sc.pv.existing_kw if sc.pv is not None else 0.0
    bau_bat = 0.0
    rows = [
        [labels[0], round(existing, 1), round(r.pv_kw, 1), "kWp"],
        [labels[1], bau_bat, round(r.battery_kwh, 1), "kWh"],
        [labels[2], bau_bat, round(r.battery_kw, 1), "kW"],
        [labels[3], None, r.chargers_installed, "-"],
        [labels[4], round(r.bill_bau_cny), round(r.bill_cny), "CNY/yr"],
        [labels[5], round(r.annual_cost_bau_cny), round(r.annual_cost_cny), "CNY/yr"],
        [labels[6], round(r.grid_import_bau_kwh), round(r.grid_import_kwh), "kWh/yr"],
        [labels[7], None, round(r.self_sufficiency, 4), "-"],
    ]
    columns = ["项目", "现状", "优化后", "单位"] if zh else ["item", "today", "optimised", "unit"]
    title = (
        "绿色能源：光伏 + 储能 + 充电桩配置"
        if zh
        else "Green energy: PV + storage + charger sizing"
    )
    return {
        "title": title,
        "figures": figures,
        "table": {"columns": columns, "rows": rows},
        "lever": r.lever,
    }
