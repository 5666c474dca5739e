"""The reduction plan report (减排路径报告): target pathway, MACC and roadmap → a Report.

:func:`plan_report` reads the plan object that ``parkzero plan --json`` prints
(:meth:`parkzero.plan.planner.Plan.to_dict`) and builds a :class:`~parkzero.reports.spec.Report`
with the pathway chart, the MACC chart and table, and the roadmap table; the HTML and XLSX
renderers show it as they show the inventory report. It computes no emission of its own.

Sections: key figures, pathway (chart: pathway, business as usual, planned, actual years when
given), MACC (chart of cost per tonne in merit order, table), roadmap (one row a year: pathway,
BAU, abatement, planned and engine-checked emissions, credits needed, capex, new levers), lever
deployment, target criteria, skipped levers and assumptions.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parkzero.config import settings
from parkzero.errors import InputError
from parkzero.reports.html import write_html
from parkzero.reports.i18n import normalize_lang
from parkzero.reports.spec import (
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
from parkzero.reports.xlsx import write_xlsx

__all__ = ["plan_report", "plan_report_filename", "write_plan_reports"]

T = "tCO₂e"
F_T = NumberFormat(1)
F_CNY = NumberFormat(0)
F_PCT = NumberFormat(1, percent=True)

#: key → (zh-CN, en)
_LABELS: dict[str, tuple[str, str]] = {
    "title": ("{park} 碳中和减排路径 {first}–{last}", "{park} reduction plan {first}–{last}"),
    "subtitle": (
        "科学碳目标、边际减排成本曲线与最低成本减排路线图",
        "Science-based target, marginal abatement cost curve and least-cost roadmap",
    ),
    "park": ("园区", "Park"),
    "method": ("目标方法", "Target method"),
    "basis": ("核算范围", "Emissions counted"),
    "discount": ("折现率", "Discount rate"),
    "growth": ("业务增长率", "Activity growth"),
    "sec_summary": ("核心指标", "Key figures"),
    "base": ("基准年排放", "Base-year emissions"),
    "target": ("目标年允许排放", "Allowed in the target year"),
    "bau": ("目标年基准情景", "Business as usual, target year"),
    "planned": ("目标年规划排放", "Planned, target year"),
    "credits": ("目标年需抵消量", "Credits needed, target year"),
    "cost": ("路线图成本(现值)", "Roadmap cost (present value)"),
    "capex": ("总投资", "Total investment"),
    "negative_note": ("负值表示净收益", "negative: net saving"),
    "sec_pathway": ("减排路径", "Pathway"),
    "pathway": ("目标路径", "Target pathway"),
    "bau_s": ("基准情景", "Business as usual"),
    "planned_s": ("规划排放", "Planned"),
    "actual_s": ("实际排放", "Actual"),
    "pathway_note": (
        "{method}：基准年 {base} 年，近期目标 {year} 年，{nz} 年减排 {lt}；路径为线性。",
        "{method}: base year {base}, near-term target {year}, −{lt} by {nz}; linear pathway.",
    ),
    "sec_macc": ("边际减排成本曲线", "Marginal abatement cost curve"),
    "macc_chart": ("单位减排成本(按优先顺序)", "Cost per tonne, in merit order"),
    "macc_note": (
        "按单独实施的单位成本排序，每项措施在前序措施实施后的活动数据上计算增量减排量(含交互影响)；"
        "合计 {total} tCO₂e/年，单独相加为 {alone}。",
        "Sorted by stand-alone cost per tonne; each lever's abatement is computed on the "
        "activity left after the cheaper ones (interactions included): together "
        "{total} tCO₂e/yr, {alone} if added stand-alone.",
    ),
    "col_lever": ("措施", "Lever"),
    "col_name": ("名称", "Name"),
    "col_cost_t": ("单位成本", "Cost per tonne"),
    "col_abatement": ("增量减排量", "Abatement"),
    "col_cumulative": ("累计", "Cumulative"),
    "col_alone": ("单独减排量", "Stand-alone"),
    "col_capex": ("投资", "Capex"),
    "col_opex": ("年运行成本变化", "Running-cost change"),
    "col_life": ("寿命", "Lifetime"),
    "col_npv": ("净现值", "NPV"),
    "col_deployed": ("实施年份", "Deployed"),
    "alt": ("(备选)", " (alternative)"),
    "sec_roadmap": ("减排路线图", "Roadmap"),
    "col_year": ("年份", "Year"),
    "col_cap": ("目标路径", "Pathway"),
    "col_bau": ("基准情景", "BAU"),
    "col_planned": ("规划排放", "Planned"),
    "col_engine": ("核算复核", "Engine check"),
    "col_credits": ("需抵消量", "Credits needed"),
    "col_new": ("新实施措施", "New levers"),
    "roadmap_note": (
        "HiGHS 混合整数规划求解({status})；剩余排放即碳中和所需抵消量。核算复核列为碳核算引擎对所选措施的重新计算。",
        "Solved by HiGHS as a MILP ({status}); residual emissions are the credits a "
        "neutrality claim needs. The engine check recomputes the chosen levers with "
        "the carbon engine.",
    ),
    "sec_checks": ("目标校验(SBTi 准则)", "Target criteria (SBTi)"),
    "sec_notes": ("未纳入措施与假设", "Skipped levers and assumptions"),
    "skipped": ("未纳入曲线的措施：", "Levers not on the curve:"),
    "assumptions": ("假设：", "Assumptions:"),
    "unit_cny_t": ("元/tCO₂e", "CNY/tCO₂e"),
    "unit_cny": ("元", "CNY"),
    "unit_t_yr": ("tCO₂e/年", "tCO₂e/yr"),
    "unit_yr": ("年", "yr"),
}


def _t(key: str, lang: str, **values: object) -> str:
    zh, en = _LABELS[key]
    text = zh if lang == "zh-CN" else en
    return text.format(**values) if values else text


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool | str):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _require(plan: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = plan.get(key)
    if not isinstance(value, Mapping):
        raise InputError(
            f'the plan has no "{key}" object (expected the output of `parkzero plan --json`)',
            source="plan",
            column=key,
        )
    return value


def plan_report(
    plan: Mapping[str, Any],
    lang: str = "zh-CN",
    *,
    actuals: Mapping[int, float] | None = None,
    generated_at: datetime | None = None,
    timezone: str | None = None,
    extra_sections: Sequence[Section] = (),
) -> Report:
    """Build the reduction plan report from a plan object.

    Parameters
    ----------
    plan : dict
        :meth:`parkzero.plan.planner.Plan.to_dict` (the JSON of ``parkzero plan --json``).
    lang : {"zh-CN", "en"}
    actuals : mapping of int to float, optional
        Actual emissions by year in the plan's basis, drawn on the pathway chart [tCO2e].
    generated_at : datetime, optional
        Timezone-aware time stamp; now (UTC) if omitted.
    timezone : str, optional
        IANA zone for showing times; ``PARKZERO_TIMEZONE`` if omitted.
    extra_sections : sequence of Section
        Lever studies shown after the roadmap (e.g. the energy sizing of the demo).

    Returns
    -------
    Report

    Raises
    ------
    InputError
        The plan object lacks ``target``, ``macc`` or ``roadmap``.
    """
    code = normalize_lang(lang)
    target = _require(plan, "target")
    macc = _require(plan, "macc")
    roadmap = _require(plan, "roadmap")
    sets = plan.get("settings") or {}
    years = [y for y in roadmap.get("years", []) if isinstance(y, Mapping)]
    if not years:
        raise InputError("the roadmap has no years", source="plan", column="roadmap.years")
    first, last = int(years[0]["year"]), int(years[-1]["year"])
    park = str(plan.get("park") or "")
    scope3 = bool(sets.get("scope3"))
    sections = [
        _summary(plan, target, roadmap, years, scope3, code),
        _pathway(target, years, scope3, actuals, code),
        _macc(macc, roadmap, code),
        _roadmap(roadmap, years, code),
        *extra_sections,
        _checks(target, code),
        _notes(macc, plan, code),
    ]
    meta = [
        (_t("park", code), park),
        (_t("method", code), str(target.get("method") or "—")),
        (_t("basis", code), str(sets.get("basis") or "—")),
        (_t("discount", code), F_PCT.format(_num(sets.get("discount_rate")))),
        (_t("growth", code), F_PCT.format(_num(sets.get("growth")))),
    ]
    return Report(
        title=_t("title", code, park=park, first=first, last=last),
        subtitle=_t("subtitle", code),
        lang=code,
        sections=sections,
        meta=meta,
        generated_at=generated_at or datetime.now(UTC),
        timezone=timezone or settings().timezone,
        footer=park,
    )


def _year_row(years: Sequence[Mapping[str, Any]], year: int) -> Mapping[str, Any] | None:
    return next((y for y in years if int(y["year"]) == year), None)


def _summary(
    plan: Mapping[str, Any],
    target: Mapping[str, Any],
    roadmap: Mapping[str, Any],
    years: Sequence[Mapping[str, Any]],
    scope3: bool,
    lang: str,
) -> Section:
    ty = int(target.get("target_year") or years[-1]["year"])
    row = _year_row(years, ty) or years[-1]
    base = _num(target.get("base_tco2e" if scope3 else "base_scope12_tco2e"))
    allowed = _num(target.get("target_tco2e" if scope3 else "target_scope12_tco2e"))
    planned = _num(row.get("emissions_tco2e"))
    capex = sum(_num(y.get("capex_cny")) or 0.0 for y in years)
    tiles = [
        Kpi(_t("base", lang), base, T, note=str(target.get("base_year") or ""), fmt=F_T),
        Kpi(_t("target", lang), allowed, T, note=str(ty), fmt=F_T),
        Kpi(_t("bau", lang), _num(row.get("bau_tco2e")), T, note=str(row["year"]), fmt=F_T),
        Kpi(
            _t("planned", lang),
            planned,
            T,
            note=str(row["year"]),
            fmt=F_T,
            status="ok"
            if planned is not None and allowed is not None and planned <= allowed + 1e-6
            else "warn",
        ),
        Kpi(_t("credits", lang), _num(row.get("credits_needed_tco2e")), T, fmt=F_T),
        Kpi(
            _t("cost", lang),
            _num(roadmap.get("cost_cny")),
            _t("unit_cny", lang),
            note=_t("negative_note", lang),
            fmt=F_CNY,
        ),
        Kpi(_t("capex", lang), capex, _t("unit_cny", lang), fmt=F_CNY),
    ]
    return Section(_t("sec_summary", lang), [KpiGrid(tiles)], key="summary")


def _pathway(
    target: Mapping[str, Any],
    years: Sequence[Mapping[str, Any]],
    scope3: bool,
    actuals: Mapping[int, float] | None,
    lang: str,
) -> Section:
    key = "total_tco2e" if scope3 else "scope12_tco2e"
    path = {
        int(p["year"]): _num(p.get(key))
        for p in target.get("pathway", [])
        if isinstance(p, Mapping)
    }
    plan_years = {int(y["year"]): y for y in years}
    base_year = int(target.get("base_year") or min(plan_years))
    span = list(range(min(base_year, min(plan_years)), max(plan_years) + 1))
    series = [
        Series(_t("pathway", lang), [path.get(y) for y in span]),
        Series(
            _t("bau_s", lang),
            [_num(plan_years[y].get("bau_tco2e")) if y in plan_years else None for y in span],
        ),
        Series(
            _t("planned_s", lang),
            [_num(plan_years[y].get("emissions_tco2e")) if y in plan_years else None for y in span],
        ),
    ]
    if actuals:
        series.append(Series(_t("actual_s", lang), [actuals.get(y) for y in span]))
    lt = _num(target.get("long_term_reduction"))
    note = _t(
        "pathway_note",
        lang,
        method=target.get("method"),
        base=base_year,
        year=target.get("target_year"),
        nz=target.get("net_zero_year"),
        lt=F_PCT.format(lt),
    )
    chart = Chart(
        "line",
        [str(y) for y in span],
        series,
        title=_t("sec_pathway", lang),
        unit=T,
        fmt=F_T,
        note=note,
    )
    return Section(_t("sec_pathway", lang), [chart], key="pathway")


def _macc(macc: Mapping[str, Any], roadmap: Mapping[str, Any], lang: str) -> Section:
    deploy = roadmap.get("deploy") or {}
    entries = [e for e in macc.get("entries", []) if isinstance(e, Mapping)]
    alts = [e for e in macc.get("alternatives", []) if isinstance(e, Mapping)]
    name_key = "name_zh" if lang == "zh-CN" else "name_en"
    cats = [
        f"{e.get(name_key) or e['lever']} ({F_T.format(_num(e.get('abatement_tco2e')))} t)"
        for e in entries
    ]
    chart = Chart(
        "bar",
        cats,
        [Series(_t("col_cost_t", lang), [_num(e.get("cost_cny_per_tco2e")) for e in entries])],
        title=_t("macc_chart", lang),
        unit=_t("unit_cny_t", lang),
        fmt=F_CNY,
        horizontal=True,
    )
    columns = [
        Column(_t("col_lever", lang)),
        Column(_t("col_name", lang)),
        Column(_t("col_cost_t", lang), unit=_t("unit_cny_t", lang), fmt=F_CNY),
        Column(_t("col_abatement", lang), unit=_t("unit_t_yr", lang), fmt=F_T),
        Column(_t("col_cumulative", lang), unit=_t("unit_t_yr", lang), fmt=F_T),
        Column(_t("col_alone", lang), unit=_t("unit_t_yr", lang), fmt=F_T),
        Column(_t("col_capex", lang), unit=_t("unit_cny", lang), fmt=F_CNY),
        Column(_t("col_opex", lang), unit=_t("unit_cny", lang), fmt=F_CNY),
        Column(_t("col_life", lang), unit=_t("unit_yr", lang), fmt=NumberFormat(0)),
        Column(_t("col_npv", lang), unit=_t("unit_cny", lang), fmt=F_CNY),
        Column(_t("col_deployed", lang)),
    ]
    rows = []
    for e in [*entries, *alts]:
        lever = str(e["lever"]) + (_t("alt", lang) if e.get("alternative_to") else "")
        rows.append(
            (
                lever,
                str(e.get(name_key) or ""),
                _num(e.get("cost_cny_per_tco2e")),
                _num(e.get("abatement_tco2e")),
                None if e.get("alternative_to") else _num(e.get("cumulative_tco2e")),
                _num(e.get("standalone_tco2e")),
                _num(e.get("capex_cny")),
                _num(e.get("opex_delta_cny_per_year")),
                _num(e.get("lifetime_years")),
                _num(e.get("npv_cny")),
                str(deploy.get(e["lever"]) or "—"),
            )
        )
    note = _t(
        "macc_note",
        lang,
        total=F_T.format(_num(macc.get("total_abatement_tco2e"))),
        alone=F_T.format(_num(macc.get("standalone_sum_tco2e"))),
    )
    table = Table(columns, rows, title=_t("sec_macc", lang), note=note, sheet="MACC")
    return Section(_t("sec_macc", lang), [chart, table], key="macc")


def _roadmap(roadmap: Mapping[str, Any], years: Sequence[Mapping[str, Any]], lang: str) -> Section:
    columns = [
        Column(_t("col_year", lang)),
        Column(_t("col_cap", lang), unit=T, fmt=F_T),
        Column(_t("col_bau", lang), unit=T, fmt=F_T),
        Column(_t("col_abatement", lang), unit=T, fmt=F_T),
        Column(_t("col_planned", lang), unit=T, fmt=F_T),
        Column(_t("col_engine", lang), unit=T, fmt=F_T),
        Column(_t("col_credits", lang), unit=T, fmt=F_T),
        Column(_t("col_capex", lang), unit=_t("unit_cny", lang), fmt=F_CNY),
        Column(_t("col_new", lang), width=40),
    ]
    rows = [
        (
            str(y["year"]),
            _num(y.get("cap_tco2e")),
            _num(y.get("bau_tco2e")),
            _num(y.get("abatement_tco2e")),
            _num(y.get("emissions_tco2e")),
            _num(y.get("verified_tco2e")),
            _num(y.get("credits_needed_tco2e")),
            _num(y.get("capex_cny")),
            ", ".join(str(v) for v in y.get("deployed") or []),
        )
        for y in years
    ]
    note = _t("roadmap_note", lang, status=roadmap.get("status") or "—")
    table = Table(
        columns, rows, title=_t("sec_roadmap", lang), note=note, sheet=_t("sec_roadmap", lang)
    )
    return Section(_t("sec_roadmap", lang), [table], key="roadmap")


def _checks(target: Mapping[str, Any], lang: str) -> Section:
    items = [
        f"{'✓' if c.get('ok') else '✗'} {c.get('name')}: {c.get('message')}"
        for c in target.get("checks", [])
        if isinstance(c, Mapping)
    ]
    return Section(_t("sec_checks", lang), [Text(items=items or ["—"])], key="checks")


def _notes(macc: Mapping[str, Any], plan: Mapping[str, Any], lang: str) -> Section:
    skipped = [
        f"{s.get('lever')}: {s.get('reason')}"
        for s in macc.get("skipped", [])
        if isinstance(s, Mapping)
    ]
    assumptions = [str(a) for a in plan.get("assumptions", [])]
    return Section(
        _t("sec_notes", lang),
        [
            Text(_t("skipped", lang), kind="note", items=skipped or ["—"]),
            Text(_t("assumptions", lang), kind="note", items=assumptions or ["—"]),
        ],
        key="notes",
    )


def plan_report_filename(
    park: str, first: int, last: int, lang: str = "zh-CN", ext: str = "html"
) -> str:
    """File name of a plan report: ``plan-<park>-<first>-<last>[.en].<ext>``.

    >>> plan_report_filename("demo-wuhan", 2025, 2034), plan_report_filename("a b", 1, 2, "en")
    ('plan-demo-wuhan-2025-2034.html', 'plan-a-b-1-2.en.html')
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", park).strip("-.") or "park"
    suffix = "" if normalize_lang(lang) == "zh-CN" else ".en"
    return f"plan-{slug}-{first}-{last}{suffix}.{ext}"


def write_plan_reports(
    plan: Mapping[str, Any],
    out_dir: str | os.PathLike[str],
    lang: str = "zh-CN",
    *,
    actuals: Mapping[int, float] | None = None,
    generated_at: datetime | None = None,
    extra_sections: Sequence[Section] = (),
) -> dict[str, Path]:
    """Write the plan report as HTML and XLSX into `out_dir`; returns ``{"html", "xlsx"}``."""
    report = plan_report(
        plan, lang, actuals=actuals, generated_at=generated_at, extra_sections=extra_sections
    )
    years = plan["roadmap"]["years"]
    park = str(plan.get("park") or "park")
    first, last = int(years[0]["year"]), int(years[-1]["year"])
    out = Path(out_dir)
    return {
        "html": write_html(report, out / plan_report_filename(park, first, last, lang, "html")),
        "xlsx": write_xlsx(report, out / plan_report_filename(park, first, last, lang, "xlsx")),
    }
