"""Pure builders of the server-rendered pages: drill-downs, inventory, target, plan, energy, reports.

Each builder takes data already read from the store (or computed by a domain package) and returns
the context of ``view.html``: a heading, breadcrumbs and a list of sections, each a table, a chart
(its data go to the page's JSON block for ``static/js/view.js``), links or notes. Every figure is
the domain's own (tCO2e from :mod:`parkzero.carbon`, plans from :mod:`parkzero.plan`); these
functions only select, sort and format.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from parkzero.web import screen
from parkzero.web.i18n import t

__all__ = [
    "energy_view",
    "fmt",
    "inventory_view",
    "meter_view",
    "park_view",
    "plan_view",
    "reports_view",
    "targets_view",
    "tenant_view",
    "zone_view",
]


def fmt(value: Any, digits: int = 0) -> str:
    """A number with thousands separators, or an em dash for a missing one.

    >>> fmt(24582.318), fmt(0.26823, 3), fmt(None)
    ('24,582', '0.268', '—')
    """
    if value is None:
        return "—"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return "—"
    return f"{x:,.{digits}f}"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:,.1f} %"


def _col(key: str, unit: str | None = None, num: bool = False) -> dict[str, Any]:
    return {"key": key, "unit": unit, "num": num}


def _table(
    ident: str, title: str, columns: list[dict[str, Any]], rows: list[list[Any]], **kw: Any
) -> dict[str, Any]:
    return {"id": ident, "title": title, "table": {"columns": columns, "rows": rows}, **kw}


def _chart(
    ident: str, title: str, kind: str, data: Mapping[str, Any], **kw: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    section = {"id": ident, "title": title, "chart": True, **kw}
    if data.get("status") == screen.NO_DATA:
        section.update(status=screen.NO_DATA, reason=data.get("reason", "generic"))
    return section, {"kind": kind, "data": dict(data)}


def _view(
    heading: str,
    sections: list[Any],
    crumbs: list[dict[str, Any]] | None = None,
    subtitle: str = "",
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    flat: list[dict[str, Any]] = []
    charts: dict[str, Any] = {}
    for s in sections:
        if isinstance(s, tuple):
            section, spec = s
            if section.get("status") != screen.NO_DATA:
                charts[section["id"]] = spec
            flat.append(section)
        else:
            flat.append(s)
    return {
        "heading": heading,
        "subtitle": subtitle,
        "crumbs": crumbs or [],
        "sections": flat,
        "has_charts": bool(charts),
        "page": {"charts": charts, "labels": dict(labels or {})},
    }


def _lines_by(lines: Sequence[Mapping[str, Any]], key: str, **match: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in lines:
        if any((line.get(k) or "") != v for k, v in match.items()):
            continue
        ident = str(line.get(key) or "")
        out[ident] = out.get(ident, 0.0) + float(line.get("tco2e") or 0.0)
    return out


def _kind_bars(lines: Sequence[Mapping[str, Any]], lang: str, **match: Any) -> dict[str, Any]:
    by_kind = {k: v for k, v in _lines_by(lines, "kind", **match).items() if k and v}
    if not by_kind:
        return screen.no_data("inventory")
    items = [{"id": k, "value": v} for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])]
    return {"status": "ok", "unit": "tCO2e", "items": items}


def _kind_labels(data: Mapping[str, Any], lang: str) -> dict[str, str]:
    return {i["id"]: screen._kind_name(i["id"], lang) for i in data.get("items", ())}


def _meter_rows(meters: Sequence[Mapping[str, Any]], lang: str) -> list[list[Any]]:
    return [
        [
            {"href": f"/park/meters/{m['id']}", "label": m.get("name") or m["id"]},
            m.get("kind") or "",
            m.get("unit") or "",
            m.get("parent") or "—",
        ]
        for m in meters
    ]


_METER_COLS = [_col("col.meter"), _col("col.kind"), _col("col.unit"), _col("col.parent")]


def park_view(
    info: Mapping[str, Any],
    summary: Mapping[str, Any] | None,
    lines: Sequence[Mapping[str, Any]],
    meters: Sequence[Mapping[str, Any]],
    lang: str,
) -> dict[str, Any]:
    """Park overview: emissions by zone (with intensity per m²), tenants, top-level meters."""
    crumbs = [{"href": "/park", "label": info["name"]}]
    if summary is None:
        return _view(
            info["name"],
            [
                {
                    "id": "zones",
                    "title": "drill.zones",
                    "status": screen.NO_DATA,
                    "reason": "inventory",
                }
            ],
            crumbs,
        )
    by_zone = {k: float(v) for k, v in (summary.get("by_zone") or {}).items()}
    rows = []
    for zid, z in info["zones"].items():
        value = by_zone.get(zid, 0.0)
        area = z.get("area_m2")
        rows.append(
            [
                {"href": f"/park/zones/{zid}", "label": z["name"]},
                fmt(area),
                fmt(value, 1),
                fmt(value * 1000 / area, 1) if area else "—",
            ]
        )
    if by_zone.get(""):
        rows.append([t("zone.park", lang), "—", fmt(by_zone[""], 1), "—"])
    zones = _table(
        "zones",
        "drill.zones",
        [
            _col("col.zone"),
            _col("col.area", "m²", True),
            _col("col.tco2e", "tCO2e", True),
            _col("col.intensity", "kgCO2e/m²", True),
        ],
        rows,
    )
    by_tenant = summary.get("by_tenant") or {}
    tenants = _table(
        "tenants",
        "drill.tenants",
        [_col("col.tenant"), _col("col.area", "m²", True), _col("col.tco2e", "tCO2e", True)],
        [
            [
                {"href": f"/park/tenants/{tid}", "label": tv["name"]},
                fmt(tv.get("area_m2")),
                fmt(by_tenant.get(tid), 1),
            ]
            for tid, tv in info["tenants"].items()
        ],
    )
    top = [m for m in meters if not m.get("parent")]
    meter_table = _table("meters", "drill.meters", _METER_COLS, _meter_rows(top, lang))
    source = screen.emissions_by_source(summary)
    labels = {
        i["id"]: (
            t("others", lang)
            if i["id"] == "others"
            else t(f"cat.{i['id']}", lang)
            if f"cat.{i['id']}" in _catalogue()
            else i["id"]
        )
        for i in source.get("items", ())
    }
    bars = (
        {
            "status": source["status"],
            "unit": "tCO2e",
            "items": [{"id": i["id"], "value": i["tco2e"]} for i in source.get("items", ())],
        }
        if source["status"] == "ok"
        else source
    )
    chart = _chart("breakdown", "drill.breakdown", "bars", bars, wide=True)
    return _view(
        info["name"],
        [chart, zones, tenants, meter_table],
        crumbs,
        t(
            "inv.subtitle",
            lang,
            park=info["name"],
            year=summary.get("year"),
            gwp=summary.get("gwp_set"),
            boundary=summary.get("boundary"),
        ),
        labels,
    )


def _catalogue() -> Mapping[str, Any]:
    from parkzero.web.i18n import catalogue

    return catalogue()


def zone_view(
    info: Mapping[str, Any],
    zone_id: str,
    lines: Sequence[Mapping[str, Any]],
    meters: Sequence[Mapping[str, Any]],
    lang: str,
) -> dict[str, Any]:
    """A zone: its emissions by activity type, the tenants in it and its meters."""
    zone = info["zones"][zone_id]
    crumbs = [
        {"href": "/park", "label": info["name"]},
        {"href": f"/park/zones/{zone_id}", "label": zone["name"]},
    ]
    data = _kind_bars(lines, lang, zone=zone_id)
    chart = _chart("breakdown", "drill.breakdown", "bars", data, wide=True)
    by_tenant = _lines_by(lines, "tenant", zone=zone_id)
    tenants = _table(
        "tenants",
        "drill.tenants",
        [_col("col.tenant"), _col("col.tco2e", "tCO2e", True)],
        [
            [{"href": f"/park/tenants/{tid}", "label": tv["name"]}, fmt(by_tenant.get(tid), 1)]
            for tid, tv in info["tenants"].items()
            if zone_id in tv.get("zones", ())
        ],
    )
    meter_table = _table(
        "meters",
        "drill.meters",
        _METER_COLS,
        _meter_rows([m for m in meters if m.get("zone") == zone_id], lang),
    )
    return _view(
        zone["name"], [chart, tenants, meter_table], crumbs, labels=_kind_labels(data, lang)
    )


def tenant_view(
    info: Mapping[str, Any],
    tenant_id: str,
    lines: Sequence[Mapping[str, Any]],
    meters: Sequence[Mapping[str, Any]],
    lang: str,
    *,
    own: bool = False,
) -> dict[str, Any]:
    """A tenant: its emissions by activity type and its meters. `own`: the tenant itself looks,
    so the crumbs do not lead to park pages it may not open."""
    tenant = info["tenants"][tenant_id]
    crumbs = [] if own else [{"href": "/park", "label": info["name"]}]
    crumbs.append({"href": f"/park/tenants/{tenant_id}", "label": tenant["name"]})
    data = _kind_bars(lines, lang, tenant=tenant_id)
    chart = _chart("breakdown", "drill.breakdown", "bars", data, wide=True)
    total = sum(_lines_by(lines, "tenant", tenant=tenant_id).values())
    summary = _table(
        "summary",
        "drill.tenant",
        [_col("col.tenant"), _col("col.area", "m²", True), _col("col.tco2e", "tCO2e", True)],
        [[tenant["name"], fmt(tenant.get("area_m2")), fmt(total, 1)]],
    )
    meter_table = _table(
        "meters",
        "drill.meters",
        _METER_COLS,
        _meter_rows([m for m in meters if m.get("tenant") == tenant_id], lang),
    )
    return _view(
        tenant["name"], [summary, chart, meter_table], crumbs, labels=_kind_labels(data, lang)
    )


def meter_view(
    info: Mapping[str, Any], detail: Mapping[str, Any], lang: str, *, own: bool = False
) -> dict[str, Any]:
    """A meter: what it is and its daily totals over the last 30 days [meter unit]."""
    crumbs: list[dict[str, Any]] = [] if own else [{"href": "/park", "label": info["name"]}]
    zone = detail.get("zone")
    if zone and zone in info["zones"] and not own:
        crumbs.append({"href": f"/park/zones/{zone}", "label": info["zones"][zone]["name"]})
    tenant = detail.get("tenant")
    if tenant and tenant in info["tenants"]:
        crumbs.append({"href": f"/park/tenants/{tenant}", "label": info["tenants"][tenant]["name"]})
    crumbs.append({"href": f"/park/meters/{detail['id']}", "label": detail["name"]})
    facts = _table(
        "info",
        "drill.meter_info",
        [
            _col("col.meter"),
            _col("col.kind"),
            _col("col.unit"),
            _col("col.parent"),
            _col("col.last_reading"),
        ],
        [
            [
                detail["id"],
                detail["kind"],
                detail["unit"],
                detail.get("parent") or "—",
                detail.get("last_reading") or "—",
            ]
        ],
    )
    daily = detail.get("daily") or []
    data = (
        {
            "status": "ok",
            "unit": detail["unit"],
            "items": [{"id": d["day"], "value": d["quantity"]} for d in daily],
        }
        if daily
        else screen.no_data("meter")
    )
    return _view(
        detail["name"], [facts, _chart("daily", "drill.daily", "bars", data, wide=True)], crumbs
    )


def inventory_view(
    info: Mapping[str, Any],
    inventories: Mapping[int, Mapping[str, Any]],
    year: int | None,
    lang: str,
) -> dict[str, Any]:
    """The inventory of a year: scopes, categories, zero-carbon indicators, notes, and all years."""
    s = None if year is None else inventories.get(year)
    if s is None:
        return _view(
            t("inv.title", lang),
            [
                {
                    "id": "scopes",
                    "title": "inv.scopes",
                    "status": screen.NO_DATA,
                    "reason": "inventory",
                }
            ],
        )
    scope_rows = [
        [t(f"scope.{i['id']}", lang), fmt(i["tco2e"], 1)]
        for i in screen.emissions_by_scope(s)["items"]
    ]
    scope_rows.append([t("kpi.emissions", lang), fmt(s.get("total_tco2e"), 1)])
    scopes = _table(
        "scopes", "inv.scopes", [_col("col.scope"), _col("col.tco2e", "tCO2e", True)], scope_rows
    )
    total = float(s.get("total_tco2e") or 0.0)
    labels = s.get("category_labels") or {}
    cats = _table(
        "categories",
        "inv.categories",
        [_col("col.category"), _col("col.tco2e", "tCO2e", True), _col("col.share", "%", True)],
        [
            [
                t(f"cat.{k}", lang) if f"cat.{k}" in _catalogue() else labels.get(k, k),
                fmt(v, 1),
                fmt(float(v) / total * 100, 1) if total else "—",
            ]
            for k, v in sorted((s.get("by_category") or {}).items(), key=lambda kv: -float(kv[1]))
        ],
    )
    ind = s.get("indicators") or {}
    indicators = _table(
        "indicators",
        "inv.indicators",
        [_col("col.kind"), _col("col.value", None, True), _col("ind.threshold", None, True)],
        [
            [
                t("ind.tco2_per_tce", lang),
                fmt(ind.get("tco2_per_tce"), 2),
                fmt(ind.get("tco2_per_tce_threshold"), 2),
            ],
            [
                t("ind.clean_share", lang),
                _pct(ind.get("clean_energy_share")),
                _pct(ind.get("clean_energy_share_target")),
            ],
            [t("ind.green_share", lang), _pct(screen.green_power_share(s)), "—"],
            [t("ind.energy_tce", lang), fmt(s.get("energy_tce"), 1), "—"],
        ],
    )
    years = _table(
        "years",
        "inv.years",
        [
            _col("col.year"),
            _col("scope.scope1", "tCO2e", True),
            _col("scope.scope2_location", "tCO2e", True),
            _col("scope.scope2_market", "tCO2e", True),
            _col("scope.scope3", "tCO2e", True),
            _col("kpi.emissions", "tCO2e", True),
        ],
        [
            [
                {"href": f"/inventory?year={y}", "label": str(y)},
                fmt(v.get("scope1_tco2e"), 1),
                fmt(v.get("scope2_location_tco2e"), 1),
                fmt(v.get("scope2_market_tco2e"), 1),
                fmt(v.get("scope3_tco2e"), 1),
                fmt(v.get("total_tco2e"), 1),
            ]
            for y, v in sorted(inventories.items())
        ],
        wide=True,
    )
    notes = {
        "id": "warnings",
        "title": "inv.warnings",
        "text": list(s.get("warnings") or []),
        "wide": True,
    }
    subtitle = t(
        "inv.subtitle",
        lang,
        park=info["name"],
        year=year,
        gwp=s.get("gwp_set"),
        boundary=s.get("boundary"),
    )
    sections: list[Any] = [scopes, indicators, cats, years]
    if notes["text"]:
        sections.append(notes)
    return _view(t("inv.title", lang), sections, subtitle=subtitle)


def targets_view(
    plan: Mapping[str, Any] | None, inventories: Mapping[int, Mapping[str, Any]], lang: str
) -> dict[str, Any]:
    """The target pathway (scopes 1 + 2) against the actual emissions of each inventory year."""
    if not plan:
        return _view(
            t("tgt.title", lang),
            [{"id": "pathway", "title": "tgt.chart", "status": screen.NO_DATA, "reason": "plan"}],
        )
    target = plan["target"]
    pathway = {int(p["year"]): p for p in target.get("pathway", ())}
    basis_market = target.get("scope2", "market") == "market"
    years = sorted(set(pathway) | set(inventories))
    actual: list[float | None] = []
    for y in years:
        s = inventories.get(y)
        if s is None:
            actual.append(None)
            continue
        s2 = s.get("scope2_market_tco2e") if basis_market else s.get("scope2_location_tco2e")
        actual.append(float(s.get("scope1_tco2e") or 0.0) + float(s2 or 0.0))
    data = {
        "status": "ok",
        "unit": "tCO2e",
        "x": [str(y) for y in years],
        "series": [
            {
                "id": "pathway",
                "data": [pathway[y]["scope12_tco2e"] if y in pathway else None for y in years],
            },
            {"id": "actual", "data": actual, "type": "bar"},
        ],
    }
    chart = _chart("pathway", "tgt.chart", "lines", data, wide=True)
    facts = _table(
        "target",
        "tgt.summary",
        [_col("col.kind"), _col("col.value", None, True)],
        [
            [t("tgt.method", lang), str(target.get("method"))],
            [t("tgt.base_year", lang), str(target.get("base_year"))],
            [t("tgt.target_year", lang), str(target.get("target_year"))],
            [t("tgt.base", lang), fmt(target.get("base_scope12_tco2e"), 1) + " tCO2e"],
            [t("tgt.target", lang), fmt(target.get("target_scope12_tco2e"), 1) + " tCO2e"],
            [t("tgt.rate", lang), _pct(target.get("annual_rate"))],
            [t("tgt.net_zero", lang), str(target.get("net_zero_year"))],
        ],
    )
    labels = {"pathway": t("chart.pathway", lang), "actual": t("chart.actual", lang)}
    return _view(t("tgt.title", lang), [chart, facts], labels=labels)


def plan_view(plan: Mapping[str, Any] | None, lang: str) -> dict[str, Any]:
    """MACC (width abatement, height cost per tonne) and the roadmap by year."""
    if not plan:
        return _view(
            t("plan.title", lang),
            [{"id": "macc", "title": "plan.macc", "status": screen.NO_DATA, "reason": "plan"}],
        )
    entries = list((plan.get("macc") or {}).get("entries") or [])
    name = "name_en" if lang == "en" else "name_zh"
    labels = {e["lever"]: e.get(name) or e["lever"] for e in entries}
    macc_data = {
        "status": "ok" if entries else screen.NO_DATA,
        "reason": "plan",
        "items": [
            {
                "id": e["lever"],
                "tco2e": float(e["abatement_tco2e"]),
                "cost": float(e["cost_cny_per_tco2e"] or 0.0),
            }
            for e in entries
            if e.get("abatement_tco2e")
        ],
    }
    roadmap = plan.get("roadmap") or {}
    years = roadmap.get("years") or []
    road_data = {
        "status": "ok" if years else screen.NO_DATA,
        "reason": "plan",
        "unit": "tCO2e",
        "x": [str(y["year"]) for y in years],
        "series": [
            {"id": "bau", "data": [y.get("bau_tco2e") for y in years]},
            {"id": "cap", "data": [y.get("cap_tco2e") for y in years]},
            {"id": "emissions", "data": [y.get("emissions_tco2e") for y in years], "type": "bar"},
        ],
    }
    labels.update(
        {
            "bau": t("chart.bau", lang),
            "cap": t("chart.cap", lang),
            "emissions": t("chart.plan_emissions", lang),
        }
    )
    deploy = roadmap.get("deploy") or {}
    levers = _table(
        "levers",
        "plan.levers",
        [
            _col("col.lever"),
            _col("col.abatement", "tCO2e/yr", True),
            _col("col.cost", "CNY/tCO2e", True),
            _col("col.capex", "CNY", True),
            _col("col.deploy_year", None, True),
        ],
        [
            [
                labels.get(e["lever"], e["lever"]),
                fmt(e.get("abatement_tco2e"), 1),
                fmt(e.get("cost_cny_per_tco2e")),
                fmt(e.get("capex_cny")),
                str(deploy.get(e["lever"]) or "—"),
            ]
            for e in entries
        ],
        wide=True,
    )
    notes = {
        "id": "assumptions",
        "title": "plan.assumptions",
        "text": list(plan.get("assumptions") or []),
        "wide": True,
    }
    return _view(
        t("plan.title", lang),
        [
            _chart("macc", "plan.macc", "macc", macc_data, wide=True),
            _chart("roadmap", "plan.roadmap", "lines", road_data, wide=True),
            levers,
            notes,
        ],
        labels=labels,
    )


def energy_view(data: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Energy: the big screen's energy panels (mix, flow, TOU, 24-hour load) on one page."""
    labels = dict(data.get("labels") or {})
    sections = [
        _chart(
            "energy_mix",
            "energy.mix",
            "energy_mix",
            data.get("energy_mix") or screen.no_data("inventory"),
        ),
        _chart("tou", "energy.tou", "tou", data.get("tou") or screen.no_data("energy")),
        _chart(
            "energy_flow",
            "energy.flow",
            "energy_flow",
            data.get("energy_flow") or screen.no_data("inventory"),
            wide=True,
        ),
        _chart(
            "load_24h",
            "energy.load",
            "load_24h",
            data.get("load_24h") or screen.no_data("monitoring"),
            wide=True,
        ),
    ]
    return _view(t("energy.title", lang), sections, labels=labels)


def reports_view(
    links: Sequence[Mapping[str, Any]], years: Sequence[int], lang: str
) -> dict[str, Any]:
    """Download links of the inventory report (XLSX, PDF, CSV, HTML) for every year."""
    sections = [
        {
            "id": f"y{y}",
            "title": "rep.inventory",
            "links": [
                dict(link, href=str(link["href"]).format(year=y), note=str(y)) for link in links
            ],
        }
        for y in sorted(years, reverse=True)
    ]
    if not sections:
        sections = [
            {
                "id": "none",
                "title": "rep.inventory",
                "status": screen.NO_DATA,
                "reason": "inventory",
            }
        ]
    return _view(t("rep.title", lang), sections)
