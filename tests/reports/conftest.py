"""A realistic inventory result, built the way the engine builds one: lines first, then sums.

The demo park's shape (Wuhan, 华中 grid, ~20 GWh a year) with a handful of activity types per
month. Every aggregate is the sum of the lines, so tests can check the report against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

GENERATED_AT = datetime(2025, 1, 15, 2, 30, tzinfo=UTC)  # 10:30 in Asia/Shanghai

# kind, scope, category, unit, factor id, factor value, factor unit, gas, annual quantity by zone
# (zone, tenant, quantity); factor units in kg per unit, so tCO2e = quantity * factor / 1000.
TEMPLATES: list[tuple[str, int, str, str, str, float, str, str, list[tuple[str, str, float]]]] = [
    (
        "electricity.grid",
        2,
        "2.electricity",
        "kWh",
        "cn.grid.mee-location.CN-HB.2023",
        0.4044,
        "kgCO2e/kWh",
        "CO2",
        [
            ("sorting", "", 9_600_000),
            ("ambient", "", 3_000_000),
            ("cold", "", 4_200_000),
            ("office", "", 900_000),
            ("yard", "", 700_000),
        ],
    ),
    (
        "fuel.diesel.mobile",
        1,
        "1.mobile",
        "t",
        "cn.fuel.diesel.mobile",
        3_149.0,
        "kgCO2e/t",
        "CO2",
        [("yard", "", 310.0), ("", "", 720.0)],
    ),
    (
        "fuel.natural_gas.stationary",
        1,
        "1.stationary",
        "Nm3",
        "cn.fuel.natural_gas.stationary",
        2.165,
        "kgCO2e/Nm3",
        "CO2",
        [("office", "", 120_000.0)],
    ),
    (
        "refrigerant.R-404A.leak",
        1,
        "1.fugitive",
        "kg",
        "gwp.AR6.R-404A",
        4_728.0,
        "kgCO2e/kg",
        "HFCs",
        [("cold", "", 96.0)],
    ),
    (
        "material.carton",
        3,
        "3.1",
        "t",
        "guide.carton",
        1_140.0,
        "kgCO2e/t",
        "unspecified",
        [("sorting", "顺丰速运", 420.0), ("sorting", "京东物流", 380.0)],
    ),
    (
        "freight.road.hgv",
        3,
        "3.4",
        "t*km",
        "guide.freight.road",
        0.042,
        "kgCO2e/(t*km)",
        "unspecified",
        [("", "", 28_000_000.0)],
    ),
    (
        "travel.air",
        3,
        "3.6",
        "p*km",
        "guide.travel.air",
        0.088,
        "kgCO2e/(p*km)",
        "unspecified",
        [("office", "", 1_600_000.0)],
    ),
    (
        "electricity.tenant",
        3,
        "3.13",
        "kWh",
        "cn.grid.mee-location.CN-HB.2023",
        0.4044,
        "kgCO2e/kWh",
        "CO2",
        [
            ("ambient", "顺丰速运", 1_100_000.0),
            ("cold", "京东物流", 900_000.0),
            ("ambient", "中通快递", 300_000.0),
        ],
    ),
]

#: Monthly profile (sums to 1): more in Q4 (双11 peak) and summer cooling.
PROFILE = [0.070, 0.062, 0.078, 0.080, 0.083, 0.090, 0.092, 0.088, 0.082, 0.085, 0.102, 0.088]

CATEGORY_LABELS = {
    "1.stationary": "Stationary combustion",
    "1.mobile": "Mobile combustion",
    "1.fugitive": "Fugitive emissions (refrigerants, SF6)",
    "2.electricity": "Purchased electricity",
    "3.1": "Purchased goods and services",
    "3.4": "Upstream transportation and distribution",
    "3.6": "Business travel",
    "3.13": "Downstream leased assets",
}


def make_result(
    year: int = 2024,
    *,
    scale: float = 1.0,
    meters: int = 1,
    zone_rename: dict[str, str] | None = None,
    tenant_rename: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An inventory result dict with the engine's keys; `meters` splits each line in that many."""
    zone_rename = zone_rename or {}
    tenant_rename = tenant_rename or {}
    lines: list[dict[str, Any]] = []
    row = 2
    green_share = 0.25  # of grid electricity covered by green certificates (market-based zero)
    for kind, scope, cat, unit, fid, fval, funit, gas, parts in TEMPLATES:
        for zone, tenant, annual in parts:
            for month, weight in enumerate(PROFILE, start=1):
                for _meter in range(meters):
                    qty = annual * scale * weight / meters
                    tco2e = qty * fval / 1000.0
                    market = tco2e * (1 - green_share) if kind == "electricity.grid" else tco2e
                    lines.append(
                        {
                            "id": f"csv:activities-{year}.csv:{row}",
                            "scope": scope,
                            "category": cat,
                            "kind": kind,
                            "zone": zone_rename.get(zone, zone),
                            "tenant": tenant_rename.get(tenant, tenant),
                            "quantity": qty,
                            "unit": unit,
                            "factor_id": fid,
                            "factor_value": fval,
                            "factor_unit": funit,
                            "factor_source": "MEE/NBS 2023 grid factors"
                            if "grid" in fid
                            else "IPCC 2006",
                            "tco2e": tco2e,
                            "tco2e_market": market,
                            "quality": "measured"
                            if scope == 2
                            else ("calculated" if scope == 1 else "estimated"),
                            "month": f"{year}-{month:02d}",
                            "gas": gas,
                        }
                    )
                    row += 1
    by_scope: dict[int, float] = defaultdict(float)
    by_scope_market: dict[int, float] = defaultdict(float)
    by_category: dict[str, float] = defaultdict(float)
    by_zone: dict[str, float] = defaultdict(float)
    by_tenant: dict[str, float] = defaultdict(float)
    by_month: dict[str, float] = defaultdict(float)
    by_kind: dict[str, float] = defaultdict(float)
    by_gas: dict[str, float] = defaultdict(float)
    quality: dict[str, float] = defaultdict(float)
    electricity_kwh = 0.0
    for line in lines:
        t = line["tco2e"]
        by_scope[line["scope"]] += t
        by_scope_market[line["scope"]] += line["tco2e_market"]
        by_category[line["category"]] += t
        by_zone[line["zone"]] += t
        by_tenant[line["tenant"]] += t
        by_month[line.pop("month")] += t
        by_kind[line["kind"]] += t
        by_gas[line.pop("gas")] += t
        quality[line["quality"]] += t
        if line["kind"] == "electricity.grid":
            electricity_kwh += line["quantity"]
    total = by_scope[1] + by_scope[2] + by_scope[3]
    total_market = by_scope[1] + by_scope_market[2] + by_scope[3]
    diesel_t = sum(
        q for k, *_r, parts in TEMPLATES if k == "fuel.diesel.mobile" for *_z, q in parts
    )
    energy_by_carrier = {
        "electricity": electricity_kwh * 0.1229 / 1000,
        "diesel": diesel_t * scale * 1.4571,
        "natural_gas": 120_000 * scale * 1.2143 / 1000,
    }
    energy = sum(energy_by_carrier.values())
    co2 = by_gas["CO2"]
    return {
        "park": "demo-wuhan",
        "park_name": "武汉示范物流园",
        "year": year,
        "gwp_set": "AR6",
        "factor_sets": ["cn", "guide", "cpcd", "defra2021"],
        "boundary": "operational_control",
        "electricity_series": "mee-location",
        "total_tco2e": total,
        "total_market_tco2e": total_market,
        "scope1_tco2e": by_scope[1],
        "scope2_location_tco2e": by_scope[2],
        "scope2_market_tco2e": by_scope_market[2],
        "scope3_tco2e": by_scope[3],
        "by_category": dict(by_category),
        "category_labels": CATEGORY_LABELS,
        "by_gas_t": {
            "CO2": co2,
            "CH4": 0.41,
            "N2O": 0.12,
            "HFCs": 96.0 * scale / 1000,
            "PFCs": 0.0,
            "SF6": 0.0,
            "NF3": 0.0,
        },
        "by_gas_tco2e": {
            "CO2": co2,
            "CH4": 0.0,
            "N2O": 0.0,
            "HFCs": by_gas["HFCs"],
            "PFCs": 0.0,
            "SF6": 0.0,
            "NF3": 0.0,
            "unspecified": by_gas["unspecified"],
        },
        "by_zone": dict(by_zone),
        "by_tenant": dict(by_tenant),
        "by_month": dict(by_month),
        "by_kind": dict(by_kind),
        "biogenic_co2_t": 12.5,
        "montreal_tco2e": 0.0,
        "energy_tce": energy,
        "energy_by_carrier_tce": energy_by_carrier,
        "electricity_kwh": electricity_kwh,
        "onsite_pv_kwh": 1_850_000.0 * scale,
        "green_instruments_kwh": electricity_kwh * green_share,
        "indicators": {
            "tco2_per_tce": total / energy,
            "tco2_per_tce_threshold": 0.2,
            "tco2_per_tce_ok": total / energy <= 0.2,
            "clean_energy_share": 0.3125,
            "clean_energy_share_target": 0.9,
            "clean_energy_ok": False,
            "in_scope_of_notice": False,
            "note": "园区年综合能耗低于 20 万吨标准煤，指标仅供参考。",
        },
        "intensities": {
            "kgco2e_per_m2": total * 1000 / 100_000,
            "kgco2e_per_tonne": total * 1000 / 1_200_000,
            "gco2e_per_parcel": None,
        },
        "quality_share": {k: v / total for k, v in quality.items()},
        "base_year": {
            "year": 2022,
            "total_tco2e": 15_000.0,
            "change_pct": (total - 15_000.0) / 15_000.0,
            "structural_change_tco2e": 1_020.0,
            "structural_change_share": 0.068,
            "threshold": 0.05,
            "recalculation_required": True,
            "reasons": ["cold store zone added in 2023 (+1,020 tCO2e, 6.8 % of the base year)"],
        },
        "instruments": {
            "held_mwh": electricity_kwh * green_share / 1000 + 500.0,
            "applied_mwh": electricity_kwh * green_share / 1000,
            "coverage_share": green_share,
        },
        "warnings": [
            "cn.grid.mee-location.CN-HB.2024 not found; used cn.grid.mee-location.CN-HB.2023 "
            "(latest year not after 2024)"
        ],
        "lines": lines,
    }


@pytest.fixture
def result() -> dict[str, Any]:
    return make_result(2024)


@pytest.fixture
def make() -> Callable[..., dict[str, Any]]:
    return make_result


@pytest.fixture
def generated_at() -> datetime:
    return GENERATED_AT
