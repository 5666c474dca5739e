"""The GHG inventory report (碳盘查报告): inventory results → a :class:`Report` → HTML and XLSX.

:func:`inventory_report` reads one or more yearly result dicts of the inventory engine (the
JSON that ``parkzero inventory --json`` prints) and builds the report of the latest year; with
several years it adds the trend and the year-on-year change (同比) wherever it helps. It never
computes an emission of its own: every tonne shown is one the engine reported, so the report,
the JSON and the store agree.

Sections: key figures, scopes and categories, trend (several years), months, gases, zones,
tenants, energy, zero-carbon park indicators and intensities, data quality, base year, market
instruments, warnings, methodology, and every activity line with its factor (the audit trail).

Any optional key may be missing: a missing number prints as ``—`` and a breakdown that is
missing altogether leaves its section out.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parkzero.config import settings
from parkzero.errors import InputError
from parkzero.reports.html import write_html
from parkzero.reports.i18n import Lang, label, normalize_lang, t
from parkzero.reports.spec import (
    Block,
    Cell,
    Chart,
    Column,
    Kpi,
    KpiGrid,
    NumberFormat,
    Report,
    Scalar,
    Section,
    Series,
    Table,
    Text,
)
from parkzero.reports.xlsx import write_xlsx

__all__ = ["HTML_MAX_LINES", "inventory_report", "report_filename", "write_inventory_reports"]

#: The HTML shows at most this many activity lines; the XLSX always holds all of them.
HTML_MAX_LINES = 5000
#: Charts of zones and tenants show this many bars, the rest summed as "Others".
TOP_N = 12

T_CO2E = "tCO₂e"
F_T = NumberFormat(1)  # tCO2e in tables and tiles
F_LINE = NumberFormat(3)  # tCO2e of a single line
F_PCT = NumberFormat(1, percent=True)
F_CHG = NumberFormat(1, percent=True, signed=True)
F_RATIO = NumberFormat(3)
F_INT = NumberFormat(0)
F_QTY = NumberFormat(2)
F_SIG = NumberFormat(significant=6)

GASES = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")
GAS_DISPLAY = {
    "CO2": "CO₂",
    "CH4": "CH₄",
    "N2O": "N₂O",
    "HFCs": "HFCs",
    "PFCs": "PFCs",
    "SF6": "SF₆",
    "NF3": "NF₃",
}
QUALITY_TIERS = ("measured", "calculated", "estimated")
_CATEGORY_ORDER = (
    "1.stationary",
    "1.mobile",
    "1.fugitive",
    "1.process",
    "2.electricity",
    "2.heat",
    "2.steam",
    "2.cooling",
    *(f"3.{i}" for i in range(1, 16)),
)
_MONTH_KEY = re.compile(r"^\s*(\d{4})-(\d{1,2})")


# -- reading the result dict robustly ----------------------------------------------------------


def _num(value: Any) -> float | None:
    """A finite float, or None for anything missing or not a number."""
    if value is None or isinstance(value, bool | str):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _map(result: Mapping[str, Any], key: str) -> dict[str, float | None]:
    raw = result.get(key)
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): _num(v) for k, v in raw.items()}


def _sub(result: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    raw = result.get(key)
    return raw if isinstance(raw, Mapping) else {}


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def _yoy(current: float | None, previous: float | None) -> float | None:
    """Year-on-year change (本年 − 上年) / 上年 as a fraction; None without a usable base.

    >>> _yoy(90.0, 100.0)
    -0.1
    >>> _yoy(5.0, 0.0) is None
    True
    """
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)


def _sum(values: Sequence[float | None]) -> float | None:
    nums = [v for v in values if v is not None]
    return sum(nums) if nums else None


def _year(result: Mapping[str, Any]) -> int:
    try:
        return int(result["year"])
    except (KeyError, TypeError, ValueError):
        raise InputError(
            "an inventory result has no valid year", column="year", source="results"
        ) from None


def _category_sort_key(cat: str) -> tuple[int, int, str]:
    if cat in _CATEGORY_ORDER:
        return (0, _CATEGORY_ORDER.index(cat), cat)
    return (1, 0, cat)


def _scope_of(cat: str) -> int | None:
    head = cat.split(".", 1)[0]
    return int(head) if head in ("1", "2", "3") else None


def _kind_names(lang: Lang) -> dict[str, str]:
    """Display names of activity types from the carbon catalogue, if it can be read."""
    try:
        from parkzero.carbon.catalogue import catalogue
    except ImportError:  # pragma: no cover - the catalogue ships with parkzero
        return {}
    try:
        entries = catalogue()
    except Exception:  # pragma: no cover - a broken data file must not break a report
        return {}
    return {k: (v.name_zh if lang == "zh-CN" else v.name_en) for k, v in entries.items()}


class _Ctx:
    """Everything the section builders share: language, the years, and label helpers."""

    def __init__(self, results: list[Mapping[str, Any]], lang: Lang) -> None:
        self.lang = lang
        self.results = results
        self.cur = results[-1]
        self.prev = results[-2] if len(results) > 1 else None
        self.year = _year(self.cur)
        self.prev_year = _year(self.prev) if self.prev is not None else None
        self.total = _num(self.cur.get("total_tco2e"))
        labels: dict[str, str] = {}
        for r in results:
            labels.update({str(k): str(v) for k, v in _sub(r, "category_labels").items()})
        self.category_labels = labels

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def category(self, cat: str, with_id: bool = True) -> str:
        name = label("cat", cat, self.lang, fallback=self.category_labels.get(cat))
        if with_id and cat.startswith("3.") and name != cat:
            return f"{cat} {name}"
        return name

    def zone(self, zone: str) -> str:
        return zone if zone else self.t("park_wide")

    def tenant(self, tenant: str) -> str:
        return tenant if tenant else self.t("no_tenant")

    def prev_col(self) -> Column:
        return Column(self.t("col_prev", year=self.prev_year), unit=T_CO2E, fmt=F_T)

    def yoy_col(self) -> Column:
        return Column(self.t("col_yoy"), fmt=F_CHG)


# -- sections ----------------------------------------------------------------------------------


def _yoy_note(ctx: _Ctx, key: str) -> str:
    if ctx.prev is None:
        return ""
    change = _yoy(_num(ctx.cur.get(key)), _num(ctx.prev.get(key)))
    return ctx.t("yoy_note", value=F_CHG.format(change)) if change is not None else ""


def _join(*notes: str) -> str:
    return " · ".join(n for n in notes if n)


def _summary(ctx: _Ctx) -> Section:
    cur = ctx.cur
    ind = _sub(cur, "indicators")

    def scope_tile(label_key: str, key: str, total_key: str = "total_tco2e") -> Kpi:
        value = _num(cur.get(key))
        share = _share(value, _num(cur.get(total_key)))
        share_note = f"{ctx.t('share_of_total')} {F_PCT.format(share)}" if share is not None else ""
        return Kpi(
            ctx.t(label_key),
            value,
            T_CO2E,
            note=_join(share_note, _yoy_note(ctx, key)),
            fmt=F_T,
        )

    market_total = _num(cur.get("total_market_tco2e"))
    total_tile = Kpi(
        ctx.t("total"),
        ctx.total,
        T_CO2E,
        note=_join(
            _yoy_note(ctx, "total_tco2e"),
            ctx.t("market_total_note", value=F_T.format(market_total)),
        ),
        fmt=F_T,
    )

    ratio = _num(ind.get("tco2_per_tce"))
    threshold = _num(ind.get("tco2_per_tce_threshold"))
    ratio_ok = _bool(ind.get("tco2_per_tce_ok"))
    if ratio_ok is None and ratio is not None and threshold is not None:
        ratio_ok = ratio <= threshold
    clean = _num(ind.get("clean_energy_share"))
    target = _num(ind.get("clean_energy_share_target"))
    clean_ok = _bool(ind.get("clean_energy_ok"))
    if clean_ok is None and clean is not None and target is not None:
        clean_ok = clean >= target

    def verdict(ok: bool | None) -> str:
        return "" if ok is None else ctx.t("met" if ok else "not_met")

    def status(ok: bool | None) -> Any:
        return "" if ok is None else ("ok" if ok else "fail")

    tiles = [
        total_tile,
        scope_tile("scope1", "scope1_tco2e"),
        scope_tile("scope2_location", "scope2_location_tco2e"),
        scope_tile("scope2_market", "scope2_market_tco2e", "total_market_tco2e"),
        scope_tile("scope3", "scope3_tco2e"),
        Kpi(
            ctx.t("energy_tce"),
            _num(cur.get("energy_tce")),
            "tce",
            note=_yoy_note(ctx, "energy_tce"),
            fmt=F_T,
        ),
        Kpi(
            ctx.t("tco2_per_tce"),
            ratio,
            "tCO₂/tce",
            note=_join(
                ctx.t("threshold_le", value=NumberFormat(2).format(threshold))
                if threshold is not None
                else "",
                verdict(ratio_ok),
            ),
            fmt=F_RATIO,
            status=status(ratio_ok),
        ),
        Kpi(
            ctx.t("clean_share"),
            clean,
            "",
            note=_join(
                ctx.t("target_ge", value=NumberFormat(0, percent=True).format(target))
                if target is not None
                else "",
                verdict(clean_ok),
            ),
            fmt=F_PCT,
            status=status(clean_ok),
        ),
    ]
    stop = "。" if ctx.lang == "zh-CN" else "."
    blocks: list[Block] = [KpiGrid(tiles), Text(ctx.t("total_note") + stop, kind="note")]
    return Section(ctx.t("sec_summary"), blocks, key="summary")


def _scope_section(ctx: _Ctx) -> Section:
    cur = ctx.cur
    by_cat = _map(cur, "by_category")
    prev_cat = _map(ctx.prev, "by_category") if ctx.prev is not None else {}
    cats = sorted(
        (c for c in set(by_cat) | set(prev_cat) if _scope_of(c) is not None), key=_category_sort_key
    )
    with_prev = ctx.prev is not None
    columns = [
        Column(ctx.t("col_scope")),
        Column(ctx.t("col_category_id")),
        Column(ctx.t("col_category")),
        Column(ctx.t("col_emissions"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("col_share"), fmt=F_PCT),
    ]
    if with_prev:
        columns += [ctx.prev_col(), ctx.yoy_col()]
    scope_keys = {1: "scope1_tco2e", 2: "scope2_location_tco2e", 3: "scope3_tco2e"}
    rows: list[list[Scalar | Cell]] = []
    strong: set[int] = set()

    def tail(value: float | None, previous: float | None) -> list[Scalar | Cell]:
        out: list[Scalar | Cell] = [value, _share(value, ctx.total)]
        if with_prev:
            out += [previous, _yoy(value, previous)]
        return out

    for scope in (1, 2, 3):
        scope_cats = [c for c in cats if _scope_of(c) == scope]
        scope_name = ctx.t(f"scope.{scope}")
        for c in scope_cats:
            rows.append(
                [
                    scope_name,
                    c,
                    ctx.category(c, with_id=False),
                    *tail(by_cat.get(c), prev_cat.get(c)),
                ]
            )
        key = scope_keys[scope]
        subtotal = _num(cur.get(key))
        if subtotal is None and scope_cats:
            subtotal = _sum([by_cat.get(c) for c in scope_cats])
        previous = _num(ctx.prev.get(key)) if ctx.prev is not None else None
        strong.add(len(rows))
        rows.append([scope_name, "", ctx.t("subtotal", name=scope_name), *tail(subtotal, previous)])
    strong.add(len(rows))
    prev_total = _num(ctx.prev.get("total_tco2e")) if ctx.prev is not None else None
    rows.append([ctx.t("grand_total"), "", ctx.t("total_location"), *tail(ctx.total, prev_total)])
    market = _num(cur.get("total_market_tco2e"))
    prev_market = _num(ctx.prev.get("total_market_tco2e")) if ctx.prev is not None else None
    strong.add(len(rows))
    rows.append(["", "", ctx.t("total_market"), *tail(market, prev_market)])

    blocks: list[Block] = [
        Table(
            columns,
            rows,
            title=ctx.t("sec_scope"),
            strong_rows=frozenset(strong),
            sheet=ctx.t("sheet_scope"),
            note=ctx.t("total_note"),
        )
    ]
    present = [c for c in cats if by_cat.get(c) is not None]
    if present:
        blocks.append(
            Chart(
                "bar",
                [ctx.category(c) for c in present],
                [Series(ctx.t("col_emissions"), [by_cat[c] for c in present])],
                title=f"{ctx.t('col_emissions')} · {ctx.t('col_category')}",
                unit=T_CO2E,
                fmt=F_T,
            )
        )
    scope_values = [
        (ctx.t("scope1"), _num(cur.get("scope1_tco2e"))),
        (ctx.t("scope2_location"), _num(cur.get("scope2_location_tco2e"))),
        (ctx.t("scope3"), _num(cur.get("scope3_tco2e"))),
    ]
    if any(v for _, v in scope_values):
        blocks.append(
            Chart(
                "donut",
                [n for n, _ in scope_values],
                [Series(ctx.t("col_emissions"), [v for _, v in scope_values])],
                title=f"{ctx.t('col_emissions')} · {ctx.t('col_scope')}",
                unit=T_CO2E,
                fmt=F_T,
            )
        )
    by_kind = _map(cur, "by_kind")
    if by_kind:
        names = _kind_names(ctx.lang)
        items = sorted(by_kind.items(), key=lambda kv: -(kv[1] or 0.0))
        blocks.append(
            Table(
                [
                    Column(ctx.t("col_kind")),
                    Column(ctx.t("col_name")),
                    Column(ctx.t("col_emissions"), unit=T_CO2E, fmt=F_T),
                    Column(ctx.t("col_share"), fmt=F_PCT),
                ],
                [(k, names.get(k, ""), v, _share(v, ctx.total)) for k, v in items],
                title=ctx.t("sheet_kind"),
                sheet=ctx.t("sheet_kind"),
            )
        )
    return Section(ctx.t("sec_scope"), blocks, key="scopes")


def _trend_section(ctx: _Ctx) -> Section | None:
    if ctx.prev is None:
        return None
    years = [str(_year(r)) for r in ctx.results]
    columns = [
        Column(ctx.t("col_year")),
        Column(ctx.t("scope1"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("scope2_location"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("scope2_market"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("scope3"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("total_location"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("total_market"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("col_yoy"), fmt=F_CHG),
    ]
    rows: list[list[Scalar | Cell]] = []
    energy_rows: list[list[Scalar | Cell]] = []
    previous: Mapping[str, Any] | None = None
    for year, r in zip(years, ctx.results, strict=True):
        total = _num(r.get("total_tco2e"))
        energy = _num(r.get("energy_tce"))
        ind = _sub(r, "indicators")
        rows.append(
            [
                year,
                _num(r.get("scope1_tco2e")),
                _num(r.get("scope2_location_tco2e")),
                _num(r.get("scope2_market_tco2e")),
                _num(r.get("scope3_tco2e")),
                total,
                _num(r.get("total_market_tco2e")),
                _yoy(total, _num(previous.get("total_tco2e"))) if previous is not None else None,
            ]
        )
        energy_rows.append(
            [
                year,
                energy,
                _yoy(energy, _num(previous.get("energy_tce"))) if previous is not None else None,
                _num(ind.get("tco2_per_tce")),
                _num(ind.get("clean_energy_share")),
            ]
        )
        previous = r
    blocks: list[Block] = [
        Table(
            columns,
            rows,
            title=ctx.t("sec_trend"),
            note=ctx.t("trend_note"),
            sheet=ctx.t("sheet_trend"),
        ),
        Chart(
            "stacked_bar",
            years,
            [
                Series(ctx.t("scope1"), [_num(r.get("scope1_tco2e")) for r in ctx.results]),
                Series(
                    ctx.t("scope2_location"),
                    [_num(r.get("scope2_location_tco2e")) for r in ctx.results],
                ),
                Series(ctx.t("scope3"), [_num(r.get("scope3_tco2e")) for r in ctx.results]),
            ],
            title=f"{ctx.t('sec_trend')} · {ctx.t('col_scope')}",
            unit=T_CO2E,
            fmt=F_T,
        ),
        Table(
            [
                Column(ctx.t("col_year")),
                Column(ctx.t("energy_tce"), unit="tce", fmt=F_T),
                ctx.yoy_col(),
                Column(ctx.t("tco2_per_tce"), unit="tCO₂/tce", fmt=F_RATIO),
                Column(ctx.t("clean_share"), fmt=F_PCT),
            ],
            energy_rows,
            title=f"{ctx.t('sec_trend')} · {ctx.t('sec_energy')}",
            sheet=ctx.t("sheet_trend_energy"),
        ),
    ]
    per_year = [_map(r, "by_category") for r in ctx.results]
    cats = sorted(
        {c for m in per_year for c in m if _scope_of(c) is not None}, key=_category_sort_key
    )
    if cats:
        cat_rows: list[list[Scalar | Cell]] = []
        for c in cats:
            values = [m.get(c) for m in per_year]
            cat_rows.append([ctx.category(c), *values, _yoy(values[-1], values[-2])])
        blocks.append(
            Table(
                [
                    Column(ctx.t("col_category")),
                    *(Column(y, unit=T_CO2E, fmt=F_T) for y in years),
                    ctx.yoy_col(),
                ],
                cat_rows,
                title=f"{ctx.t('sec_trend')} · {ctx.t('col_category')}",
                sheet=ctx.t("sheet_trend_cat"),
            )
        )
    return Section(ctx.t("sec_trend"), blocks, key="trend")


def _months(result: Mapping[str, Any]) -> dict[int, float | None]:
    out: dict[int, float | None] = {}
    for key, value in _map(result, "by_month").items():
        match = _MONTH_KEY.match(key)
        if match and 1 <= int(match.group(2)) <= 12:
            month = int(match.group(2))
            out[month] = _sum([out.get(month), value])
    return out


def _month_section(ctx: _Ctx) -> Section | None:
    cur_months = _months(ctx.cur)
    if not cur_months:
        return None
    month_labels = [ctx.t("month_n", n=m) for m in range(1, 13)]
    if ctx.prev is None:
        values = [cur_months.get(m) for m in range(1, 13)]
        total = _sum(values)
        chart = Chart(
            "bar",
            month_labels,
            [Series(str(ctx.year), values)],
            title=f"{ctx.t('sec_month')} · {ctx.year}",
            unit=T_CO2E,
            fmt=NumberFormat(0),
        )
        table = Table(
            [
                Column(ctx.t("col_month")),
                Column(ctx.t("col_emissions"), unit=T_CO2E, fmt=F_T),
                Column(ctx.t("col_share"), fmt=F_PCT),
            ],
            [(f"{ctx.year}-{m:02d}", v, _share(v, total)) for m, v in enumerate(values, start=1)],
            title=ctx.t("sec_month"),
            sheet=ctx.t("sheet_month"),
        )
        return Section(ctx.t("sec_month"), [chart, table], key="months")
    years = [_year(r) for r in ctx.results]
    per_year = [_months(r) for r in ctx.results]
    chart = Chart(
        "line",
        month_labels,
        [
            Series(str(y), [m.get(i) for i in range(1, 13)])
            for y, m in zip(years, per_year, strict=True)
        ],
        title=ctx.t("sec_month"),
        unit=T_CO2E,
        fmt=NumberFormat(0),
    )
    rows: list[list[Scalar | Cell]] = []
    for i in range(1, 13):
        values = [m.get(i) for m in per_year]
        rows.append([month_labels[i - 1], *values, _yoy(values[-1], values[-2])])
    table = Table(
        [
            Column(ctx.t("col_month")),
            *(Column(str(y), unit=T_CO2E, fmt=F_T) for y in years),
            ctx.yoy_col(),
        ],
        rows,
        title=ctx.t("sec_month"),
        sheet=ctx.t("sheet_month"),
    )
    return Section(ctx.t("sec_month"), [chart, table], key="months")


def _gas_section(ctx: _Ctx) -> Section | None:
    mass = _map(ctx.cur, "by_gas_t")
    co2e = _map(ctx.cur, "by_gas_tco2e")
    if not mass and not co2e:
        return None
    gases = [g for g in GASES if g in mass or g in co2e]
    gases += sorted(g for g in set(mass) | set(co2e) if g not in GASES and g != "unspecified")
    if "unspecified" in co2e:
        gases.append("unspecified")
    total_co2e = _sum([co2e.get(g) for g in gases])

    def name(g: str) -> str:
        return ctx.t("gas_unspecified") if g == "unspecified" else GAS_DISPLAY.get(g, g)

    rows: list[list[Scalar | Cell]] = [
        [name(g), mass.get(g), co2e.get(g), _share(co2e.get(g), total_co2e)] for g in gases
    ]
    rows.append([ctx.t("grand_total"), None, total_co2e, 1.0 if total_co2e else None])
    gwp = str(ctx.cur.get("gwp_set") or "—")
    blocks: list[Block] = [
        Table(
            [
                Column(ctx.t("col_gas")),
                Column(ctx.t("col_mass"), unit="t", fmt=F_SIG),
                Column(ctx.t("col_emissions"), unit=T_CO2E, fmt=F_T),
                Column(ctx.t("col_share"), fmt=F_PCT),
            ],
            rows,
            title=ctx.t("sec_gas"),
            note=ctx.t("gas_note", gwp=gwp),
            strong_rows=frozenset({len(rows) - 1}),
            sheet=ctx.t("sheet_gas"),
        )
    ]
    positive = [g for g in gases if (co2e.get(g) or 0) > 0]
    if positive:
        blocks.append(
            Chart(
                "donut",
                [name(g) for g in positive],
                [Series(ctx.t("col_emissions"), [co2e[g] for g in positive])],
                title=f"{ctx.t('col_emissions')} · {ctx.t('col_gas')}",
                unit=T_CO2E,
                fmt=F_T,
            )
        )
    blocks.append(
        Table(
            [
                Column(ctx.t("col_item")),
                Column(ctx.t("value"), fmt=F_T),
                Column(ctx.t("unit")),
            ],
            [
                (ctx.t("memo_biogenic"), _num(ctx.cur.get("biogenic_co2_t")), "t CO₂"),
                (ctx.t("memo_montreal"), _num(ctx.cur.get("montreal_tco2e")), T_CO2E),
            ],
            title=ctx.t("sheet_memo"),
            sheet=ctx.t("sheet_memo"),
        )
    )
    return Section(ctx.t("sec_gas"), blocks, key="gases")


def _top(items: list[tuple[str, float | None]], n: int, others: str) -> list[tuple[str, float]]:
    ranked = sorted(((k, v) for k, v in items if v is not None), key=lambda kv: -kv[1])
    if len(ranked) <= n:
        return ranked
    head = ranked[: n - 1]
    return [*head, (others, sum(v for _, v in ranked[n - 1 :]))]


def _breakdown_section(
    ctx: _Ctx, key: str, title_key: str, col_key: str, sheet_key: str, name: Callable[[str], str]
) -> Section | None:
    current = _map(ctx.cur, key)
    if not current:
        return None
    previous = _map(ctx.prev, key) if ctx.prev is not None else {}
    ids = sorted(set(current) | set(previous), key=lambda k: (-(current.get(k) or 0.0), k))
    columns = [
        Column(ctx.t(col_key)),
        Column(ctx.t("col_emissions"), unit=T_CO2E, fmt=F_T),
        Column(ctx.t("col_share"), fmt=F_PCT),
    ]
    if ctx.prev is not None:
        columns += [ctx.prev_col(), ctx.yoy_col()]
    rows: list[list[Scalar | Cell]] = []
    for k in ids:
        row: list[Scalar | Cell] = [name(k), current.get(k), _share(current.get(k), ctx.total)]
        if ctx.prev is not None:
            row += [previous.get(k), _yoy(current.get(k), previous.get(k))]
        rows.append(row)
    top = _top([(name(k), current.get(k)) for k in current], TOP_N, ctx.t("others"))
    blocks: list[Block] = []
    if top:
        blocks.append(
            Chart(
                "bar",
                [k for k, _ in top],
                [Series(ctx.t("col_emissions"), [v for _, v in top])],
                title=f"{ctx.t('col_emissions')} · {ctx.t(col_key)}",
                unit=T_CO2E,
                horizontal=True,
                fmt=F_T,
                note=ctx.t("top_n_note", n=TOP_N - 1) if len(current) > TOP_N else "",
            )
        )
    blocks.append(Table(columns, rows, title=ctx.t(title_key), sheet=ctx.t(sheet_key)))
    return Section(ctx.t(title_key), blocks, key=key.replace("_", "-"))


def _energy_section(ctx: _Ctx) -> Section:
    cur = ctx.cur
    carriers = _map(cur, "energy_by_carrier_tce")
    energy = _num(cur.get("energy_tce"))
    blocks: list[Block] = []
    kwh = NumberFormat(0)
    blocks.append(
        Table(
            [Column(ctx.t("col_item")), Column(ctx.t("value"), fmt=kwh), Column(ctx.t("unit"))],
            [
                (ctx.t("energy_tce"), Cell(energy, fmt=F_T), "tce"),
                (ctx.t("electricity_kwh"), _num(cur.get("electricity_kwh")), "kWh"),
                (ctx.t("onsite_pv_kwh"), _num(cur.get("onsite_pv_kwh")), "kWh"),
                (ctx.t("green_instruments_kwh"), _num(cur.get("green_instruments_kwh")), "kWh"),
            ],
            title=ctx.t("sec_energy"),
            note=ctx.t("energy_note"),
            sheet=ctx.t("sheet_electricity"),
        )
    )
    if carriers:
        items = sorted(carriers.items(), key=lambda kv: -(kv[1] or 0.0))
        rows: list[list[Scalar | Cell]] = [
            [label("carrier", c, ctx.lang), v, _share(v, energy)] for c, v in items
        ]
        blocks.append(
            Table(
                [
                    Column(ctx.t("col_carrier")),
                    Column(ctx.t("energy_tce"), unit="tce", fmt=F_T),
                    Column(ctx.t("col_share"), fmt=F_PCT),
                ],
                rows,
                title=f"{ctx.t('energy_tce')} · {ctx.t('col_carrier')}",
                sheet=ctx.t("sheet_energy"),
            )
        )
        positive = [(c, v) for c, v in items if v is not None and v > 0]
        if positive:
            blocks.append(
                Chart(
                    "donut",
                    [label("carrier", c, ctx.lang) for c, _ in positive],
                    [Series(ctx.t("energy_tce"), [v for _, v in positive])],
                    title=f"{ctx.t('energy_tce')} · {ctx.t('col_carrier')}",
                    unit="tce",
                    fmt=F_T,
                )
            )
    return Section(ctx.t("sec_energy"), blocks, key="energy")


def _indicator_section(ctx: _Ctx) -> Section:
    ind = _sub(ctx.cur, "indicators")
    ratio = _num(ind.get("tco2_per_tce"))
    threshold = _num(ind.get("tco2_per_tce_threshold"))
    ratio_ok = _bool(ind.get("tco2_per_tce_ok"))
    if ratio_ok is None and ratio is not None and threshold is not None:
        ratio_ok = ratio <= threshold
    clean = _num(ind.get("clean_energy_share"))
    target = _num(ind.get("clean_energy_share_target"))
    clean_ok = _bool(ind.get("clean_energy_ok"))
    if clean_ok is None and clean is not None and target is not None:
        clean_ok = clean >= target

    def verdict(ok: bool | None) -> Cell:
        if ok is None:
            return Cell(None)
        return Cell(ctx.t("met" if ok else "not_met"), status="ok" if ok else "fail")

    in_scope = _bool(ind.get("in_scope_of_notice"))
    rows: list[list[Scalar | Cell]] = [
        [
            ctx.t("tco2_per_tce"),
            Cell(ratio, fmt=F_RATIO),
            "tCO₂/tce",
            "≤ " + NumberFormat(2).format(threshold) if threshold is not None else None,
            verdict(ratio_ok),
        ],
        [
            ctx.t("clean_share"),
            Cell(clean, fmt=F_PCT),
            "%",
            "≥ " + NumberFormat(0, percent=True).format(target) if target is not None else None,
            verdict(clean_ok),
        ],
        [
            ctx.t("in_scope_of_notice"),
            None if in_scope is None else ctx.t("yes" if in_scope else "no"),
            "",
            "",
            "",
        ],
    ]
    blocks: list[Block] = [
        Table(
            [
                Column(ctx.t("indicator")),
                Column(ctx.t("value"), fmt=F_RATIO),
                Column(ctx.t("unit")),
                Column(ctx.t("col_threshold")),
                Column(ctx.t("col_status")),
            ],
            rows,
            title=ctx.t("sec_indicators"),
            sheet=ctx.t("sheet_indicators"),
        )
    ]
    note = ind.get("note")
    if isinstance(note, str) and note:
        blocks.append(Text(note, kind="note"))
    intens = _sub(ctx.cur, "intensities")
    blocks.append(
        Table(
            [
                Column(ctx.t("indicator")),
                Column(ctx.t("value"), fmt=NumberFormat(2)),
                Column(ctx.t("unit")),
            ],
            [
                (ctx.t("kgco2e_per_m2"), _num(intens.get("kgco2e_per_m2")), "kgCO₂e/m²"),
                (ctx.t("kgco2e_per_tonne"), _num(intens.get("kgco2e_per_tonne")), "kgCO₂e/t"),
                (
                    ctx.t("gco2e_per_parcel"),
                    _num(intens.get("gco2e_per_parcel")),
                    ctx.t("unit_per_parcel"),
                ),
            ],
            title=ctx.t("sheet_intensities"),
            note=ctx.t("intensity_note"),
            sheet=ctx.t("sheet_intensities"),
        )
    )
    return Section(ctx.t("sec_indicators"), blocks, key="indicators")


def _quality_section(ctx: _Ctx) -> Section | None:
    shares = _map(ctx.cur, "quality_share")
    if not shares:
        return None
    tiers = [q for q in QUALITY_TIERS if q in shares] + sorted(
        q for q in shares if q not in QUALITY_TIERS
    )

    def name(q: str) -> str:
        key = f"quality_{q}"
        return ctx.t(key) if q in QUALITY_TIERS else q

    rows: list[tuple[Scalar, ...]] = []
    for q in tiers:
        share = shares[q]
        tonnes = share * ctx.total if share is not None and ctx.total is not None else None
        rows.append((name(q), share, tonnes))
    blocks: list[Block] = [
        Table(
            [
                Column(ctx.t("col_quality")),
                Column(ctx.t("col_share"), fmt=F_PCT),
                Column(ctx.t("col_emissions"), unit=T_CO2E, fmt=F_T),
            ],
            rows,
            title=ctx.t("sec_quality"),
            note=ctx.t("quality_note"),
            sheet=ctx.t("sheet_quality"),
        )
    ]
    positive = [q for q in tiers if (shares.get(q) or 0) > 0]
    if positive:
        blocks.append(
            Chart(
                "donut",
                [name(q) for q in positive],
                [Series(ctx.t("col_share"), [shares[q] for q in positive])],
                title=ctx.t("sec_quality"),
                fmt=F_PCT,
            )
        )
    return Section(ctx.t("sec_quality"), blocks, key="quality")


def _base_year_section(ctx: _Ctx) -> Section:
    base = _sub(ctx.cur, "base_year")
    if not base:
        return Section(ctx.t("sec_base_year"), [Text(ctx.t("no_base_year"))], key="base-year")
    required = _bool(base.get("recalculation_required"))
    year = base.get("year")
    rows: list[list[Scalar | Cell]] = [
        [ctx.t("base_year"), str(year) if year is not None else None, ""],
        [ctx.t("base_year_total"), Cell(_num(base.get("total_tco2e")), fmt=F_T), T_CO2E],
        [ctx.t("change_vs_base"), Cell(_num(base.get("change_pct")), fmt=F_CHG), ""],
        [
            ctx.t("structural_change"),
            Cell(_num(base.get("structural_change_tco2e")), fmt=F_T),
            T_CO2E,
        ],
        [
            ctx.t("structural_change_share"),
            Cell(_num(base.get("structural_change_share")), fmt=F_PCT),
            "",
        ],
        [ctx.t("significance_threshold"), Cell(_num(base.get("threshold")), fmt=F_PCT), ""],
        [
            ctx.t("recalculation_required"),
            Cell(
                None if required is None else ctx.t("yes" if required else "no"),
                status="" if required is None else ("fail" if required else "ok"),
            ),
            "",
        ],
    ]
    blocks: list[Block] = [
        Table(
            [Column(ctx.t("col_item")), Column(ctx.t("value"), fmt=F_T), Column(ctx.t("unit"))],
            rows,
            title=ctx.t("sec_base_year"),
            sheet=ctx.t("sheet_base_year"),
        )
    ]
    reasons = base.get("reasons")
    reason_items = [str(r) for r in reasons] if isinstance(reasons, list | tuple) else []
    if required:
        blocks.append(Text(ctx.t("recalc_yes"), kind="warning", items=reason_items))
    elif required is not None:
        blocks.append(Text(ctx.t("recalc_no"), kind="success", items=reason_items))
    return Section(ctx.t("sec_base_year"), blocks, key="base-year")


def _instrument_section(ctx: _Ctx) -> Section:
    inst = _sub(ctx.cur, "instruments")
    loc = _num(ctx.cur.get("scope2_location_tco2e"))
    mkt = _num(ctx.cur.get("scope2_market_tco2e"))
    reduction = loc - mkt if loc is not None and mkt is not None else None
    mwh = NumberFormat(1)
    rows: list[list[Scalar | Cell]] = [
        [ctx.t("held_mwh"), Cell(_num(inst.get("held_mwh")), fmt=mwh), "MWh"],
        [ctx.t("applied_mwh"), Cell(_num(inst.get("applied_mwh")), fmt=mwh), "MWh"],
        [ctx.t("coverage_share"), Cell(_num(inst.get("coverage_share")), fmt=F_PCT), ""],
        [ctx.t("scope2_location"), Cell(loc, fmt=F_T), T_CO2E],
        [ctx.t("scope2_market"), Cell(mkt, fmt=F_T), T_CO2E],
        [ctx.t("scope2_reduction"), Cell(reduction, fmt=F_T), T_CO2E],
    ]
    blocks: list[Block] = [
        Table(
            [Column(ctx.t("col_item")), Column(ctx.t("value"), fmt=F_T), Column(ctx.t("unit"))],
            rows,
            title=ctx.t("sec_instruments"),
            note=ctx.t("instruments_note"),
            sheet=ctx.t("sheet_instruments"),
        )
    ]
    if loc is not None or mkt is not None:
        blocks.append(
            Chart(
                "bar",
                [ctx.t("scope2_location"), ctx.t("scope2_market")],
                [Series(ctx.t("col_emissions"), [loc, mkt])],
                title=ctx.t("sec_instruments"),
                unit=T_CO2E,
                horizontal=True,
                fmt=F_T,
            )
        )
    return Section(ctx.t("sec_instruments"), blocks, key="instruments")


def _warning_section(ctx: _Ctx) -> Section:
    items: list[str] = []
    several = ctx.prev is not None
    for r in reversed(ctx.results):
        warnings = r.get("warnings")
        if not isinstance(warnings, list | tuple):
            continue
        prefix = f"[{_year(r)}] " if several else ""
        items += [prefix + str(w) for w in warnings]
    if not items:
        block = Text(ctx.t("no_warnings"), kind="success")
    else:
        block = Text(ctx.t("warnings_intro"), kind="warning", items=items)
    return Section(ctx.t("sec_warnings"), [block], key="warnings")


def _method_section(ctx: _Ctx) -> Section:
    cur = ctx.cur
    boundary = str(cur.get("boundary") or "")
    boundary_name = label("boundary", boundary, ctx.lang) if boundary else "—"
    sets = cur.get("factor_sets")
    set_items = (
        [label("factor_set", str(s), ctx.lang) for s in sets]
        if isinstance(sets, list | tuple)
        else []
    )
    sep = "" if ctx.lang == "zh-CN" else " "
    blocks: list[Block] = [
        Text(ctx.t("method_standards")),
        Text(
            sep.join(
                [
                    ctx.t("method_boundary", value=boundary_name),
                    ctx.t("method_gwp", value=cur.get("gwp_set") or "—"),
                    ctx.t("method_scope2", value=cur.get("electricity_series") or "—"),
                ]
            )
        ),
        Text(ctx.t("method_factor_sets"), items=set_items or ["—"]),
        Text(sep.join([ctx.t("method_total"), ctx.t("energy_note"), ctx.t("method_trace")])),
    ]
    return Section(ctx.t("sec_method"), blocks, key="methodology")


def _lines_section(ctx: _Ctx, max_rows: int) -> Section:
    raw = ctx.cur.get("lines")
    lines = raw if isinstance(raw, list | tuple) else []
    quality_names = {q: ctx.t(f"quality_{q}") for q in QUALITY_TIERS}
    rows: list[tuple[Scalar | Cell, ...]] = []
    for line in lines:
        if not isinstance(line, Mapping):
            continue
        scope = line.get("scope")
        quality = str(line.get("quality") or "")
        rows.append(
            (
                str(line.get("id") or ""),
                int(scope)
                if isinstance(scope, int | float) and not isinstance(scope, bool)
                else None,
                str(line.get("category") or ""),
                str(line.get("kind") or ""),
                str(line.get("zone") or ""),
                str(line.get("tenant") or ""),
                _num(line.get("quantity")),
                str(line.get("unit") or ""),
                str(line.get("factor_id") or ""),
                _num(line.get("factor_value")),
                str(line.get("factor_unit") or ""),
                str(line.get("factor_source") or line.get("source") or ""),
                _num(line.get("tco2e")),
                _num(line.get("tco2e_market")),
                quality_names.get(quality, quality),
            )
        )
    columns = [
        Column(ctx.t("col_id")),
        Column(ctx.t("col_scope"), fmt=F_INT),
        Column(ctx.t("col_category")),
        Column(ctx.t("col_kind")),
        Column(ctx.t("col_zone")),
        Column(ctx.t("col_tenant")),
        Column(ctx.t("col_quantity"), fmt=F_QTY),
        Column(ctx.t("unit")),
        Column(ctx.t("col_factor_id")),
        Column(ctx.t("col_factor_value"), fmt=F_SIG),
        Column(ctx.t("col_factor_unit")),
        Column(ctx.t("col_source"), width=40),
        Column(ctx.t("col_emissions"), unit=T_CO2E, fmt=F_LINE),
        Column(ctx.t("col_tco2e_market"), unit=T_CO2E, fmt=F_LINE),
        Column(ctx.t("col_quality")),
    ]
    table = Table(
        columns,
        rows,
        title=ctx.t("sec_lines"),
        note=ctx.t("lines_note"),
        html_max_rows=max_rows,
        sheet=ctx.t("sheet_lines"),
    )
    return Section(ctx.t("sec_lines"), [table], collapsible=True, key="lines")


# -- public API --------------------------------------------------------------------------------


def _prepare(results: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = [results] if isinstance(results, Mapping) else list(results)
    if not items:
        raise InputError("no inventory results to report", source="results")
    for i, r in enumerate(items):
        if not isinstance(r, Mapping):
            raise InputError(
                f"result {i} is a {type(r).__name__}, expected an inventory result object",
                source="results",
            )
    parks = {str(r.get("park") or "") for r in items}
    if len(parks) > 1:
        raise InputError(
            f"results of several parks ({', '.join(sorted(parks))}); a report covers one park",
            source="results",
            column="park",
        )
    ordered = sorted(items, key=_year)
    years = [_year(r) for r in ordered]
    if len(set(years)) != len(years):
        raise InputError(
            f"more than one result for the same year ({years}); pass one result per year",
            source="results",
            column="year",
        )
    return ordered


def inventory_report(
    results: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    lang: str = "zh-CN",
    *,
    generated_at: datetime | None = None,
    timezone: str | None = None,
    html_max_lines: int = HTML_MAX_LINES,
) -> Report:
    """Build the carbon inventory report of the latest year in `results`.

    Parameters
    ----------
    results : list of dict
        Inventory results of one park, one per year, in any order (a single dict is accepted).
        The latest year is reported in full; earlier years add the trend and 同比 columns.
    lang : {"zh-CN", "en"}
        Report language [-].
    generated_at : datetime, optional
        Time stamp printed on the report (timezone-aware); now, in UTC, if omitted.
    timezone : str, optional
        IANA zone for showing times; ``PARKZERO_TIMEZONE`` (Asia/Shanghai) if omitted.
    html_max_lines : int
        Activity lines shown in page formats; the workbook always has all of them [-].

    Returns
    -------
    Report
        Render it with :func:`parkzero.reports.render_html` or
        :func:`parkzero.reports.render_xlsx`.

    Raises
    ------
    InputError
        No results, results of several parks, two results for one year, or no year.
    """
    code = normalize_lang(lang)
    ordered = _prepare(results)
    ctx = _Ctx(ordered, code)
    cur = ctx.cur
    park_id = str(cur.get("park") or "")
    park_name = str(cur.get("park_name") or park_id or "—")
    sets = cur.get("factor_sets")
    lines = cur.get("lines")
    meta = [
        (
            ctx.t("park"),
            f"{park_name} ({park_id})" if park_id and park_id != park_name else park_name,
        ),
        (ctx.t("reporting_year"), str(ctx.year)),
        (
            ctx.t("boundary"),
            label("boundary", str(cur.get("boundary")), code) if cur.get("boundary") else "—",
        ),
        (ctx.t("gwp_set"), str(cur.get("gwp_set") or "—")),
        (
            ctx.t("factor_sets"),
            ", ".join(str(s) for s in sets) if isinstance(sets, list | tuple) and sets else "—",
        ),
        (ctx.t("electricity_series"), str(cur.get("electricity_series") or "—")),
        (ctx.t("line_count"), f"{len(lines):,}" if isinstance(lines, list | tuple) else "—"),
    ]
    subtitle = ctx.t("inv_subtitle")
    if ctx.prev is not None:
        trend = ctx.t("inv_subtitle_trend", first=_year(ordered[0]), last=ctx.year)
        subtitle = f"{subtitle} · {trend}"
    candidates: list[Section | None] = [
        _summary(ctx),
        _scope_section(ctx),
        _trend_section(ctx),
        _month_section(ctx),
        _gas_section(ctx),
        _breakdown_section(ctx, "by_zone", "sec_zone", "col_zone", "sheet_zone", ctx.zone),
        _breakdown_section(
            ctx, "by_tenant", "sec_tenant", "col_tenant", "sheet_tenant", ctx.tenant
        ),
        _energy_section(ctx),
        _indicator_section(ctx),
        _quality_section(ctx),
        _base_year_section(ctx),
        _instrument_section(ctx),
        _warning_section(ctx),
        _method_section(ctx),
        _lines_section(ctx, html_max_lines),
    ]
    return Report(
        title=ctx.t("inv_title", park=park_name, year=ctx.year),
        subtitle=subtitle,
        lang=code,
        sections=[s for s in candidates if s is not None],
        meta=meta,
        generated_at=generated_at or datetime.now(UTC),
        timezone=timezone or settings().timezone,
        footer=park_id,
    )


def report_filename(park: str, year: int, lang: str = "zh-CN", ext: str = "html") -> str:
    """File name of an inventory report: ``inventory-<park>-<year>[.en].<ext>``.

    zh-CN, the default language, has no suffix; English gets ``.en`` so both fit in one folder.

    >>> report_filename("demo-wuhan", 2024), report_filename("demo wuhan/园区", 2024, "en", "xlsx")
    ('inventory-demo-wuhan-2024.html', 'inventory-demo-wuhan-2024.en.xlsx')
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", park).strip("-.") or "park"
    suffix = "" if normalize_lang(lang) == "zh-CN" else ".en"
    return f"inventory-{slug}-{year}{suffix}.{ext}"


def write_inventory_reports(
    results: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    out_dir: str | os.PathLike[str],
    lang: str = "zh-CN",
    *,
    generated_at: datetime | None = None,
    timezone: str | None = None,
) -> dict[str, Path]:
    """Write the inventory report of the latest year as HTML and XLSX into `out_dir`.

    Returns ``{"html": path, "xlsx": path}``; file names from :func:`report_filename`.
    Each file is written atomically; `out_dir` is created if needed.
    """
    report = inventory_report(results, lang, generated_at=generated_at, timezone=timezone)
    ordered = _prepare(results)
    park = str(ordered[-1].get("park") or ordered[-1].get("park_name") or "park")
    year = _year(ordered[-1])
    out = Path(out_dir)
    return {
        "html": write_html(report, out / report_filename(park, year, lang, "html")),
        "xlsx": write_xlsx(report, out / report_filename(park, year, lang, "xlsx")),
    }
