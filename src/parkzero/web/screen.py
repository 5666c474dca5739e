"""The big screen (碳中和全景展示大屏): pure functions that assemble its JSON.

Every figure comes from a domain package, never from this module: emissions, energy in tce and the
zero-carbon-park indicators from the stored :mod:`parkzero.carbon` inventory, the 24-hour load from
:mod:`parkzero.monitoring` roll-ups, the ledger badge from :mod:`parkzero.ledger` checkpoint
verification, PV dispatch, time-of-use (TOU) energy and battery state of charge from
:mod:`parkzero.energy`. A panel whose domain has no data yet is returned as
``{"status": "no_data", "reason": ...}`` and the page shows it empty with that reason; nothing is
ever filled in with invented numbers.

The reading of the store is in :mod:`parkzero.web.service` (:func:`~parkzero.web.service.screen_inputs`);
this module only combines what was read (:class:`ScreenInputs`) into the panels.

Panel shapes (JSON keys, stable; ``docs/web.md``)::

    {"park": ..., "year": 2024, "generated_at": "...Z",
     "kpis": [{"id": "electricity", "value": 22283416.0, "unit": "kWh", "yoy_pct": 4.1}, ...],
     "energy_mix": {"status": "ok", "items": [{"id": "grid", "tce": ..., "share": ...}, ...]},
     "tou": {"status": "ok", "unit": "kWh", "periods": ["critical", ...], "kwh": [...], "day": ...},
     "load_24h": {"status": "ok", "source": "monitoring", "hours": [...], "load_kwh": [...],
                  "pv_kwh": [...], "soc": [...] | null, "soc_day": ...},
     "energy_flow": {"status": "ok", "unit": "tce", "nodes": [...], "links": [...]},
     "emissions_by_scope": {...}, "emissions_by_source": {...},
     "logistics_intensity": {...}, "ranking": {...}, "alerts": {...},
     "trend": {"months": [...], "tco2e": [...], "yoy_pct": [...], "mom_pct": [...]},
     "ledger": {"status": "verified", ...}}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parkzero.carbon.catalogue import catalogue

__all__ = [
    "NO_DATA",
    "ScreenInputs",
    "alerts_panel",
    "build_screen",
    "emissions_by_scope",
    "emissions_by_source",
    "energy_flow",
    "energy_mix",
    "green_power_share",
    "hourly_load",
    "kpis",
    "ledger_panel",
    "load_24h",
    "logistics_intensity",
    "neutrality_progress",
    "no_data",
    "pct_change",
    "ranking",
    "screen_labels",
    "tou_panel",
    "trend",
]

#: Status of a panel whose source domain has no data for the park (yet).
NO_DATA = "no_data"

#: Message keys of tariff period names that differ from the period id.
_TOU_KEYS = {"critical": "sharp"}
_SOURCE_TOP = 8  # emission sources shown by name; the rest are summed as "others"
_ALERTS_SHOWN = 20


def no_data(reason: str) -> dict[str, Any]:
    """A panel without data: `reason` names the missing domain or input (an i18n key suffix).

    >>> no_data("energy")
    {'status': 'no_data', 'reason': 'energy'}
    """
    return {"status": NO_DATA, "reason": reason}


def _ok(**values: Any) -> dict[str, Any]:
    return {"status": "ok", **values}


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def pct_change(now: float | None, before: float | None) -> float | None:
    """Relative change from `before` to `now` [%]; None when either is missing or `before` is 0.

    >>> pct_change(110.0, 100.0)
    10.000000000000009
    >>> pct_change(5.0, 0.0) is None
    True
    """
    if now is None or before is None or before == 0:
        return None
    return (now / before - 1.0) * 100.0


@dataclass(frozen=True)
class ScreenInputs:
    """What the big screen is built from, as read from the store.

    Attributes
    ----------
    park_id, park_name : str
        The park [-].
    year : int or None
        Reporting year: the newest year with a stored inventory; None when there is none [-].
    inventories : mapping of int to dict
        Stored inventory summaries by year (the engine's JSON without ``lines``), tCO2e, kWh and
        tce as documented in ``docs/inventory.md``.
    lines : sequence of dict
        The reporting year's inventory lines (``kind``, ``zone``, ``category``,
        ``quantity_factor_unit`` [factor unit], ``tco2e`` [tCO2e]).
    tenants : mapping of str to dict
        Tenant id → ``{"name": str, "area_m2": float | None}`` [-, m²].
    zones : mapping of str to str
        Zone id → display name [-].
    hourly : sequence of dict or None
        Monitoring roll-up of the last 24 hours, one row per hour: ``{"hour": ISO time,
        "load_kwh": float, "pv_kwh": float | None}`` [kWh]; None without meters or readings.
    alerts : sequence of dict
        Open monitoring alerts, newest first: ``kind``, ``subject``, ``severity``, ``message``,
        ``period_start`` (ISO) [-].
    ledger : dict or None
        Checkpoint verification (:func:`parkzero.web.service.verify_ledger`); None without a log.
    retired_tco2e : float or None
        Credits retired for the reporting year's claim period [tCO2e]; None when none.
    energy : dict or None
        The newest stored day dispatch of :mod:`parkzero.energy`
        (:func:`parkzero.energy.service.screen_results`: ``tou``, ``hourly``, ``soc``, ``day``);
        None until one is stored.
    now : datetime
        When the inputs were read (UTC).
    """

    park_id: str
    park_name: str
    year: int | None
    inventories: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    lines: Sequence[Mapping[str, Any]] = ()
    tenants: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    zones: Mapping[str, str] = field(default_factory=dict)
    hourly: Sequence[Mapping[str, Any]] | None = None
    alerts: Sequence[Mapping[str, Any]] = ()
    ledger: Mapping[str, Any] | None = None
    retired_tco2e: float | None = None
    energy: Mapping[str, Any] | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def summary(self) -> Mapping[str, Any] | None:
        """The reporting year's inventory summary, or None."""
        return None if self.year is None else self.inventories.get(self.year)

    @property
    def previous(self) -> Mapping[str, Any] | None:
        """The year before's inventory summary, or None."""
        return None if self.year is None else self.inventories.get(self.year - 1)


# --------------------------------------------------------------------------------------------
# KPIs


def green_power_share(summary: Mapping[str, Any]) -> float | None:
    """Share of the park's electricity that is green: on-site PV plus green instruments [-].

    ``(onsite_pv_kwh + green_instruments_kwh) / electricity_kwh``; instruments (绿证, 绿电交易)
    are counted up to the grid electricity they can cover. None without electricity.

    >>> green_power_share({"electricity_kwh": 1000.0, "grid_electricity_kwh": 800.0,
    ...                    "onsite_pv_kwh": 200.0, "green_instruments_kwh": 300.0})
    0.5
    """
    total = _num(summary.get("electricity_kwh"))
    if not total:
        return None
    grid = _num(summary.get("grid_electricity_kwh")) or 0.0
    pv = _num(summary.get("onsite_pv_kwh")) or 0.0
    instruments = min(_num(summary.get("green_instruments_kwh")) or 0.0, grid)
    return (pv + instruments) / total


def neutrality_progress(
    summary: Mapping[str, Any],
    base: Mapping[str, Any] | None,
    retired_tco2e: float | None,
) -> dict[str, Any]:
    """How far the park has come from its base-year footprint towards net-zero emissions.

    ``progress = (E_base − E_now + C) / E_base``, clipped to [0, 1], with E the market-based
    footprint (scopes 1 + 2 market + 3) [tCO2e] and C the credits retired for the year's claim
    [tCO2e]. 1 means the year's remaining emissions are fully offset (a neutrality claim can be
    made, :mod:`parkzero.neutrality` checks the rest).

    Returns
    -------
    dict
        ``value`` [-] or None, ``base_year``, ``base_tco2e``, ``now_tco2e``, ``retired_tco2e``
        [tCO2e].
    """
    now = _num(summary.get("total_market_tco2e"))
    base_t = None if base is None else _num(base.get("total_market_tco2e"))
    retired = retired_tco2e or 0.0
    value = None
    if now is not None and base_t:
        value = min(1.0, max(0.0, (base_t - now + retired) / base_t))
    return {
        "value": value,
        "base_year": None if base is None else base.get("year"),
        "base_tco2e": base_t,
        "now_tco2e": now,
        "retired_tco2e": retired,
    }


def kpis(inputs: ScreenInputs) -> list[dict[str, Any]]:
    """The headline figures with their units, year-on-year change and targets.

    Ids: ``electricity`` [kWh], ``pv`` [kWh], ``green_share`` [-], ``emissions`` [tCO2e],
    ``tco2_per_tce`` [tCO2/tce] with ``threshold``, ``clean_share`` [-] with ``target`` (0.90),
    ``neutrality`` [-]. ``yoy_pct`` is the change against the year before [%] (None without it);
    ``ok`` says whether a figure with a threshold or target meets it.
    """
    s = inputs.summary
    if s is None:
        return []
    p = inputs.previous or {}
    ind = s.get("indicators") or {}
    prev_ind = p.get("indicators") or {}
    base_year = (s.get("base_year") or {}).get("year")
    base = inputs.inventories.get(int(base_year)) if base_year is not None else None
    progress = neutrality_progress(s, base, inputs.retired_tco2e)
    green = green_power_share(s)
    prev_green = green_power_share(p) if p else None

    def row(ident: str, value: Any, unit: str, before: Any = None, **extra: Any) -> dict[str, Any]:
        v, b = _num(value), _num(before)
        return {"id": ident, "value": v, "unit": unit, "yoy_pct": pct_change(v, b), **extra}

    return [
        row("electricity", s.get("electricity_kwh"), "kWh", p.get("electricity_kwh")),
        row("pv", s.get("onsite_pv_kwh"), "kWh", p.get("onsite_pv_kwh")),
        row("green_share", green, "1", prev_green),
        row(
            "emissions",
            s.get("total_tco2e"),
            "tCO2e",
            p.get("total_tco2e"),
            market=_num(s.get("total_market_tco2e")),
        ),
        row(
            "tco2_per_tce",
            ind.get("tco2_per_tce"),
            "tCO2/tce",
            prev_ind.get("tco2_per_tce"),
            threshold=_num(ind.get("tco2_per_tce_threshold")),
            ok=bool(ind.get("tco2_per_tce_ok")),
        ),
        row(
            "clean_share",
            ind.get("clean_energy_share"),
            "1",
            prev_ind.get("clean_energy_share"),
            target=_num(ind.get("clean_energy_share_target")),
            ok=bool(ind.get("clean_energy_ok")),
        ),
        row("neutrality", progress["value"], "1", None, detail=progress),
    ]


# --------------------------------------------------------------------------------------------
# energy


def energy_mix(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Energy use by carrier [tce], electricity split into grid and on-site PV.

    Electricity's tce is split by kWh: grid ``grid_electricity_kwh × kgce/kWh / 1000`` and PV the
    rest. Shares add up to 1.
    """
    by_carrier = dict(summary.get("energy_by_carrier_tce") or {})
    total = _num(summary.get("energy_tce")) or 0.0
    if not by_carrier or total <= 0:
        return no_data("inventory_energy")
    items: list[dict[str, Any]] = []
    elec = _num(by_carrier.pop("electricity", None))
    if elec:
        per_kwh = (_num(summary.get("electricity_kgce_per_kwh")) or 0.0) / 1000.0
        grid = min(elec, (_num(summary.get("grid_electricity_kwh")) or 0.0) * per_kwh)
        items.append({"id": "grid", "tce": grid})
        if elec - grid > 1e-9:
            items.append({"id": "pv", "tce": elec - grid})
    for carrier, tce in sorted(by_carrier.items(), key=lambda kv: -(_num(kv[1]) or 0.0)):
        items.append({"id": str(carrier), "tce": _num(tce) or 0.0})
    for item in items:
        item["share"] = float(item["tce"]) / total
    return _ok(unit="tce", total=total, items=items)


def _carrier_of(kind: str) -> str | None:
    spec = catalogue().get(kind)
    return None if spec is None else spec.energy_carrier


def energy_flow(summary: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Energy-flow Sankey (能流图): carriers → zones [tce].

    Each carrier's tce (``energy_by_carrier_tce``; electricity split into grid and PV as in
    :func:`energy_mix`) is shared out over zones in proportion to the quantity of its inventory
    lines (in the factor unit) per zone; lines without a zone go to ``park``. Upstream lines
    (category 3.3) are not energy use and are left out, as in the inventory's tce total. The
    links of one carrier add up to its tce, so all links add up to ``energy_tce``.
    """
    mix = energy_mix(summary)
    if mix["status"] != "ok" or not lines:
        return no_data("inventory_energy")
    totals = {item["id"]: item["tce"] for item in mix["items"]}
    qty: dict[str, dict[str, float]] = {}
    for line in lines:
        kind = str(line.get("kind") or "")
        if str(line.get("category") or "") == "3.3":
            continue
        carrier = _carrier_of(kind)
        if carrier is None:
            continue
        if carrier == "electricity":
            carrier = "pv" if kind == "electricity.onsite.pv" else "grid"
        amount = _num(line.get("quantity_factor_unit")) or 0.0
        zone = str(line.get("zone") or "") or "park"
        per_zone = qty.setdefault(carrier, {})
        per_zone[zone] = per_zone.get(zone, 0.0) + amount
    links = []
    for carrier, tce in totals.items():
        per_zone = qty.get(carrier) or {"park": 1.0}
        whole = sum(per_zone.values()) or 1.0
        if not sum(per_zone.values()):
            per_zone = {"park": 1.0}
        for zone, amount in sorted(per_zone.items()):
            value = tce * amount / whole
            if value > 0:
                links.append(
                    {"source": f"carrier:{carrier}", "target": f"zone:{zone}", "tce": value}
                )
    nodes = [f"carrier:{c}" for c in totals] + sorted(
        {link["target"] for link in links}, key=lambda z: z
    )
    return _ok(unit="tce", nodes=nodes, links=links, total=mix["total"])


def tou_panel(energy: Mapping[str, Any] | None) -> dict[str, Any]:
    """Grid electricity by time-of-use period (尖峰平谷) [kWh], from :mod:`parkzero.energy`.

    `energy` is what :func:`parkzero.web.service.energy_results` found: the newest stored day
    dispatch of the park (``day`` says which day). Without a ``tou`` entry (no stored result
    yet) the panel has no data.
    """
    tou = None if energy is None else energy.get("tou")
    if not tou:
        return no_data("energy")
    periods = [str(p) for p in tou.get("periods", ())]
    kwh = [_num(v) for v in tou.get("kwh", ())]
    return _ok(unit="kWh", periods=periods, kwh=kwh, day=energy.get("day") if energy else None)


def _soc_by_clock(energy: Mapping[str, Any], hours: Sequence[str]) -> list[float | None] | None:
    """The dispatch plan's hourly SOC laid on `hours` by clock hour (``HH`` of each label)."""
    soc = energy.get("soc")
    planned = energy.get("hourly") or ()
    if not soc or len(soc) != len(planned):
        return None
    by_hour = {str(h.get("hour", ""))[11:13]: _num(v) for h, v in zip(planned, soc, strict=True)}
    return [by_hour.get(str(h)[11:13]) for h in hours]


def load_24h(
    hourly: Sequence[Mapping[str, Any]] | None, energy: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Load and PV over 24 hours [kWh per hour], battery state of charge [-].

    Load and PV come from the monitoring roll-up of the last 24 hours (meters) when the park
    has readings (``source: "monitoring"``); otherwise from the newest stored day dispatch of
    :mod:`parkzero.energy` (``source: "dispatch"``, ``day`` the dispatched day: site load incl.
    EV charging and PV used). The state of charge (``soc``, end of each hour) is the dispatch
    plan's, by clock hour; None without a stored dispatch or battery.
    """
    source = "monitoring"
    day = None
    if not hourly and energy is not None and energy.get("hourly"):
        hourly = list(energy["hourly"])
        source = "dispatch"
        day = energy.get("day")
    if not hourly:
        return no_data("monitoring")
    hours = [str(h["hour"]) for h in hourly]
    soc = None if energy is None else _soc_by_clock(energy, hours)
    return _ok(
        unit="kWh",
        source=source,
        day=day,
        hours=hours,
        load_kwh=[_num(h.get("load_kwh")) for h in hourly],
        pv_kwh=[_num(h.get("pv_kwh")) for h in hourly],
        soc=soc,
        soc_status="ok" if soc else NO_DATA,
        soc_day=None if soc is None or energy is None else energy.get("day"),
    )


# --------------------------------------------------------------------------------------------
# emissions


def emissions_by_scope(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Scope 1, scope 2 location- and market-based, and scope 3 [tCO2e]."""
    keys = ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "scope3_tco2e")
    ids = ("scope1", "scope2_location", "scope2_market", "scope3")
    return _ok(
        unit="tCO2e",
        items=[
            {"id": i, "tco2e": _num(summary.get(k)) or 0.0} for i, k in zip(ids, keys, strict=True)
        ],
        total=_num(summary.get("total_tco2e")),
    )


def emissions_by_source(summary: Mapping[str, Any], top: int = _SOURCE_TOP) -> dict[str, Any]:
    """Emissions by GHG Protocol category, largest first; beyond `top` summed as ``others``.

    Sums to ``total_tco2e`` (location-based) [tCO2e].
    """
    by_cat = {k: _num(v) or 0.0 for k, v in (summary.get("by_category") or {}).items()}
    if not by_cat:
        return no_data("inventory")
    ranked = sorted(by_cat.items(), key=lambda kv: -kv[1])
    items = [{"id": k, "tco2e": v} for k, v in ranked[:top]]
    rest = sum(v for _, v in ranked[top:])
    if rest:
        items.append({"id": "others", "tco2e": rest})
    return _ok(unit="tCO2e", items=items)


def logistics_intensity(
    summary: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Freight emission intensity by mode [gCO2e/t·km]: ``tco2e × 10⁶ / t·km``.

    From the inventory's ``freight.*`` lines (quantity in t·km, tCO2e of the carbon engine), per
    kind and for all freight together.
    """
    tkm: dict[str, float] = {}
    tco2e: dict[str, float] = {}
    for line in lines:
        kind = str(line.get("kind") or "")
        if not kind.startswith("freight."):
            continue
        tkm[kind] = tkm.get(kind, 0.0) + (_num(line.get("quantity_factor_unit")) or 0.0)
        tco2e[kind] = tco2e.get(kind, 0.0) + (_num(line.get("tco2e")) or 0.0)
    total_tkm = sum(tkm.values())
    if total_tkm <= 0:
        return no_data("freight")
    items = [
        {"id": k, "tkm": tkm[k], "tco2e": tco2e[k], "g_per_tkm": tco2e[k] * 1e6 / tkm[k]}
        for k in sorted(tkm, key=lambda k: -tkm[k])
        if tkm[k] > 0
    ]
    return _ok(
        unit="gCO2e/t*km",
        items=items,
        total_tkm=total_tkm,
        g_per_tkm=sum(tco2e.values()) * 1e6 / total_tkm,
    )


def ranking(summary: Mapping[str, Any], tenants: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Tenants ranked by emissions [tCO2e], with intensity per floor area [kgCO2e/m²].

    Carriers' own emissions are not in the park inventory (they are the carriers' scope 1); the
    carriers list stays empty until shipment footprints are stored.
    """
    by_tenant = {k: _num(v) or 0.0 for k, v in (summary.get("by_tenant") or {}).items() if k}
    if not by_tenant:
        return no_data("tenants")
    rows = []
    for ident, value in sorted(by_tenant.items(), key=lambda kv: -kv[1]):
        info = tenants.get(ident) or {}
        area = _num(info.get("area_m2"))
        rows.append(
            {
                "id": ident,
                "name": str(info.get("name") or ident),
                "tco2e": value,
                "kg_per_m2": value * 1000.0 / area if area else None,
            }
        )
    return _ok(unit="tCO2e", tenants=rows, carriers=[])


def trend(inventories: Mapping[int, Mapping[str, Any]], year: int) -> dict[str, Any]:
    """The year's 12 monthly emissions with 同比 (vs. the same month a year before) and 环比
    (vs. the month before) [tCO2e, %].

    December of the year before is the 环比 base of January.
    """
    now = inventories.get(year) or {}
    before = inventories.get(year - 1) or {}
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    by_month = {k: _num(v) for k, v in (now.get("by_month") or {}).items()}
    prev_month = {k: _num(v) for k, v in (before.get("by_month") or {}).items()}
    values = [by_month.get(m) for m in months]
    if not any(v is not None for v in values):
        return no_data("inventory")
    yoy = [pct_change(v, prev_month.get(f"{year - 1}-{i + 1:02d}")) for i, v in enumerate(values)]
    mom = [
        pct_change(v, values[i - 1] if i else prev_month.get(f"{year - 1}-12"))
        for i, v in enumerate(values)
    ]
    return _ok(unit="tCO2e", months=months, tco2e=values, yoy_pct=yoy, mom_pct=mom)


def alerts_panel(alerts: Sequence[Mapping[str, Any]], limit: int = _ALERTS_SHOWN) -> dict[str, Any]:
    """The newest monitoring alerts (at most `limit`) and the count by severity."""
    counts: dict[str, int] = {}
    for a in alerts:
        sev = str(a.get("severity") or "info")
        counts[sev] = counts.get(sev, 0) + 1
    return _ok(items=[dict(a) for a in alerts[:limit]], counts=counts, total=len(alerts))


def ledger_panel(ledger: Mapping[str, Any] | None) -> dict[str, Any]:
    """The "ledger verified" badge: ``verified`` / ``failed`` / ``no_data``."""
    if not ledger:
        return no_data("ledger")
    return dict(ledger)


def build_screen(inputs: ScreenInputs) -> dict[str, Any]:
    """The whole big-screen JSON for one park (see the module docstring for the keys)."""
    s = inputs.summary
    head: dict[str, Any] = {
        "park": inputs.park_id,
        "park_name": inputs.park_name,
        "year": inputs.year,
        "generated_at": inputs.now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tou": tou_panel(inputs.energy),
        "load_24h": load_24h(inputs.hourly, inputs.energy),
        "alerts": alerts_panel(inputs.alerts),
        "ledger": ledger_panel(inputs.ledger),
    }
    if s is None or inputs.year is None:
        empty = no_data("inventory")
        return head | {
            "kpis": [],
            "energy_mix": empty,
            "energy_flow": empty,
            "emissions_by_scope": empty,
            "emissions_by_source": empty,
            "logistics_intensity": empty,
            "ranking": empty,
            "trend": empty,
        }
    return head | {
        "kpis": kpis(inputs),
        "energy_mix": energy_mix(s),
        "energy_flow": energy_flow(s, inputs.lines),
        "emissions_by_scope": emissions_by_scope(s),
        "emissions_by_source": emissions_by_source(s),
        "logistics_intensity": logistics_intensity(s, inputs.lines),
        "ranking": ranking(s, inputs.tenants),
        "trend": trend(inputs.inventories, inputs.year),
    }


def hourly_load(rollup_frame: Any, hours: Sequence[Any]) -> list[dict[str, Any]] | None:
    """Hourly site load and PV from a monitoring roll-up (:func:`parkzero.monitoring.rollup.rollup`
    with ``freq="hour"``) [kWh per hour].

    Load is the sum of the top-level electricity meters (no parent: sub-meters are inside their
    parent's figure); PV the sum of ``pv`` meters. `hours` are the period starts to report (local
    wall time, naive); an hour without readings is None. None when the roll-up has no
    electricity or PV meter at all.
    """
    if rollup_frame is None or len(rollup_frame) == 0:
        return None
    frame = rollup_frame
    top = frame["parent"].isna() | (frame["parent"].astype(str) == "")
    elec = frame[top & (frame["kind"] == "electricity")].groupby("period")["quantity"].sum()
    pv = frame[frame["kind"] == "pv"].groupby("period")["quantity"].sum()
    if elec.empty and pv.empty:
        return None
    out = []
    for hour in hours:
        load = elec.get(hour)
        gen = pv.get(hour)
        out.append(
            {
                "hour": hour.isoformat() if hasattr(hour, "isoformat") else str(hour),
                "load_kwh": None if load is None else float(load),
                "pv_kwh": None if gen is None else float(gen),
            }
        )
    return out


def _kind_name(kind: str, lang: str) -> str:
    spec = catalogue().get(kind)
    if spec is None:
        return kind
    return spec.name_en if lang == "en" else spec.name_zh


def screen_labels(data: Mapping[str, Any], zones: Mapping[str, str], lang: str) -> dict[str, str]:
    """Display names, in `lang`, of every id the panels of `data` use (``labels`` of the JSON).

    Energy sources (``grid``, ``pv``, carriers), Sankey nodes (``carrier:…``, ``zone:…``),
    scopes, categories and freight kinds; zone names are the park's own.
    """
    from parkzero.web.i18n import catalogue as messages
    from parkzero.web.i18n import t

    known = messages()

    def name(key: str, fallback: str) -> str:
        return t(key, lang) if key in known else fallback

    def source(ident: str) -> str:
        return name(f"energy.{ident}", name(f"carrier.{ident}", ident))

    out: dict[str, str] = {}
    mix = data.get("energy_mix") or {}
    for item in mix.get("items", ()):
        out[item["id"]] = source(item["id"])
    flow = data.get("energy_flow") or {}
    for node in flow.get("nodes", ()):
        kind, _, ident = str(node).partition(":")
        if kind == "carrier":
            out[node] = source(ident)
        else:
            out[node] = zones.get(ident) or name(f"zone.{ident}", ident)
    for item in (data.get("emissions_by_scope") or {}).get("items", ()):
        out[item["id"]] = name(f"scope.{item['id']}", item["id"])
    for item in (data.get("emissions_by_source") or {}).get("items", ()):
        ident = item["id"]
        out[ident] = name("others", ident) if ident == "others" else name(f"cat.{ident}", ident)
    for item in (data.get("logistics_intensity") or {}).get("items", ()):
        out[item["id"]] = _kind_name(item["id"], lang)
    for period in (data.get("tou") or {}).get("periods", ()):
        key = _TOU_KEYS.get(period, period)  # the tariffs' "critical" is the screen's 尖峰
        out[f"tou.{period}"] = name(f"tou.{key}", period)
    return out
