"""Pure builders of the big screen and the catalogue, with hand-checked numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from parkzero.web import screen
from parkzero.web.i18n import catalogue, messages, resolve_lang, t
from parkzero.web.templating import STATIC_DIR, TEMPLATES_DIR

SUMMARY = {
    "year": 2024,
    "electricity_kwh": 1000.0,
    "grid_electricity_kwh": 800.0,
    "onsite_pv_kwh": 200.0,
    "green_instruments_kwh": 900.0,  # more than the grid: counted up to 800
    "electricity_kgce_per_kwh": 0.1229,
    "energy_tce": 0.1229 + 1.5,
    "energy_by_carrier_tce": {"electricity": 0.1229, "diesel": 1.5},
    "total_tco2e": 100.0,
    "total_market_tco2e": 80.0,
    "by_category": {f"c{i}": float(i) for i in range(1, 11)},
    "by_month": {f"2024-{m:02d}": 10.0 + m for m in range(1, 13)},
    "by_tenant": {"a": 3.0, "b": 5.0},
    "base_year": {"year": 2022},
}
LINES = [
    {
        "kind": "electricity.grid",
        "zone": "z1",
        "category": "2.electricity",
        "quantity_factor_unit": 600.0,
    },
    {
        "kind": "electricity.grid",
        "zone": "z2",
        "category": "2.electricity",
        "quantity_factor_unit": 200.0,
    },
    {
        "kind": "electricity.onsite.pv",
        "zone": "z1",
        "category": "memo.onsite_renewable",
        "quantity_factor_unit": 200.0,
    },
    {"kind": "fuel.diesel.mobile", "zone": "", "category": "1.mobile", "quantity_factor_unit": 1.0},
    {
        "kind": "fuel.diesel.mobile",
        "zone": "z2",
        "category": "3.3",
        "quantity_factor_unit": 9.0,
    },  # upstream
    {"kind": "freight.road.hgv", "category": "3.4", "quantity_factor_unit": 1000.0, "tco2e": 0.042},
    {"kind": "freight.rail", "category": "3.4", "quantity_factor_unit": 3000.0, "tco2e": 0.03},
]


def test_green_share_caps_instruments_at_grid() -> None:
    # (200 PV + min(900, 800) certificates) / 1,000 kWh
    assert screen.green_power_share(SUMMARY) == pytest.approx(1.0)
    assert screen.green_power_share({"electricity_kwh": 0}) is None


def test_energy_mix_splits_electricity_by_kwh() -> None:
    mix = screen.energy_mix(SUMMARY)
    tce = {i["id"]: i["tce"] for i in mix["items"]}
    # grid 800 kWh × 0.1229 kgce/kWh = 0.09832 tce; PV the rest of 0.1229
    assert tce["grid"] == pytest.approx(0.09832)
    assert tce["pv"] == pytest.approx(0.1229 - 0.09832)
    assert tce["diesel"] == 1.5
    assert sum(i["share"] for i in mix["items"]) == pytest.approx(1.0)


def test_energy_flow_shares_each_carrier_over_zones() -> None:
    flow = screen.energy_flow(SUMMARY, LINES)
    links = {(k["source"], k["target"]): k["tce"] for k in flow["links"]}
    assert links[("carrier:grid", "zone:z1")] == pytest.approx(0.09832 * 600 / 800)
    assert links[("carrier:grid", "zone:z2")] == pytest.approx(0.09832 * 200 / 800)
    assert links[("carrier:diesel", "zone:park")] == pytest.approx(1.5)  # the 3.3 line is not use
    assert sum(links.values()) == pytest.approx(SUMMARY["energy_tce"])


def test_logistics_intensity() -> None:
    panel = screen.logistics_intensity(SUMMARY, LINES)
    by = {i["id"]: i["g_per_tkm"] for i in panel["items"]}
    assert by == pytest.approx({"freight.road.hgv": 42.0, "freight.rail": 10.0})
    # (0.042 + 0.03) t × 10⁶ / 4,000 t·km = 18 g/t·km
    assert panel["g_per_tkm"] == pytest.approx(18.0)
    assert screen.logistics_intensity(SUMMARY, [])["status"] == "no_data"


def test_trend_yoy_and_mom() -> None:
    before = {"by_month": {f"2023-{m:02d}": 10.0 for m in range(1, 13)}}
    panel = screen.trend({2024: SUMMARY, 2023: before}, 2024)
    assert panel["tco2e"][0] == 11.0
    assert panel["yoy_pct"][0] == pytest.approx(10.0)  # 11 vs 10
    assert panel["mom_pct"][0] == pytest.approx(10.0)  # Jan 11 vs Dec 10
    assert panel["mom_pct"][1] == pytest.approx((12 / 11 - 1) * 100)
    assert screen.trend({2024: SUMMARY}, 2024)["yoy_pct"][0] is None


def test_sources_top_and_others_sum_to_total() -> None:
    panel = screen.emissions_by_source(SUMMARY, top=3)
    assert [i["id"] for i in panel["items"]] == ["c10", "c9", "c8", "others"]
    assert panel["items"][-1]["tco2e"] == pytest.approx(sum(range(1, 8)))


def test_neutrality_progress() -> None:
    # base 100, now 80, 30 retired → (100 − 80 + 30) / 100
    got = screen.neutrality_progress(
        {"total_market_tco2e": 80.0}, {"total_market_tco2e": 100.0, "year": 2022}, 30.0
    )
    assert got["value"] == pytest.approx(0.5)
    assert screen.neutrality_progress({"total_market_tco2e": 80.0}, None, None)["value"] is None


def test_no_inventory_gives_no_data_everywhere() -> None:
    data = screen.build_screen(screen.ScreenInputs(park_id="p", park_name="P", year=None))
    assert data["kpis"] == []
    for key in ("energy_mix", "energy_flow", "trend", "tou", "load_24h", "ledger"):
        assert data[key]["status"] == "no_data", key


def test_hourly_load_uses_top_level_meters() -> None:
    hours = [pd.Timestamp("2025-01-01 00:00"), pd.Timestamp("2025-01-01 01:00")]
    frame = pd.DataFrame(
        {
            "period": [hours[0], hours[0], hours[0], hours[1]],
            "meter_id": ["main", "sub", "pv", "main"],
            "kind": ["electricity", "electricity", "pv", "electricity"],
            "parent": [None, "main", None, None],
            "quantity": [100.0, 40.0, 7.0, 90.0],
        }
    )
    rows = screen.hourly_load(frame, hours)
    assert rows is not None
    assert [(r["load_kwh"], r["pv_kwh"]) for r in rows] == [(100.0, 7.0), (90.0, None)]


def test_catalogue_has_both_languages_for_every_key_used() -> None:
    used: set[str] = set()
    for path in TEMPLATES_DIR.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8")))
    for path in (STATIC_DIR / "js").glob("*.js"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in catalogue() and not k.endswith("."))  # "x." ~ id
    for role in ("admin", "manager", "operator", "carrier", "tenant", "auditor"):
        assert f"role.{role}" in catalogue()
    for status in ("booked", "cancelled", "checked_in", "completed", "no_show"):
        assert f"booking.status.{status}" in catalogue()
    assert missing == [] and len(used) > 60
    assert messages("en")["nav.screen"] == "Carbon big screen"
    assert t("carrier.free_n", "zh-CN", n=3) == "余 3"
    assert resolve_lang("EN", "zh-CN") == "en" and resolve_lang(None, None) == "zh-CN"


def test_templates_hold_no_literal_chinese() -> None:
    # every visible word goes through the catalogue (the language names of the switch excepted)
    for path in TEMPLATES_DIR.glob("*.html"):
        text = path.read_text(encoding="utf-8").replace("中文", "")
        assert not re.search(r"[\u4e00-\u9fff]", text), path.name


def test_echarts_is_vendored_with_its_licence() -> None:
    folder = STATIC_DIR / "vendor" / "echarts"
    assert (folder / "LICENSE").read_text().startswith("\n") or "Apache License" in (
        folder / "LICENSE"
    ).read_text()
    assert "5.6.0" in (folder / "README.md").read_text()
    assert Path(folder / "echarts.min.js").stat().st_size > 900_000
