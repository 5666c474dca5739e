"""Builder of parkzero's packaged ``factors.csv`` and ``gwp.csv`` from the research data.

Usage: ``python tools/build_factor_data.py ../shared/data/factors src/parkzero/data``

Reads the research copies in the shared data folder and writes the two CSVs; the other data
files (fuels, regions, blends, energy coefficients) are maintained by hand. Every row keeps the
upstream key in ``notes``, so it can be re-checked; a test-free tool, not part of the package.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

SHARED = Path(sys.argv[1])  # .../shared/data/factors
OUT = Path(sys.argv[2])  # .../src/parkzero/data

MEE_CSV = SHARED / "china_electricity_co2_factors_mee.csv"
CPCD_CSV = SHARED / "china_cpcd_transport_factors.csv"
DEFRA_CSV = SHARED / "defra_beis_ghg_conversion_factors_2021_flat.csv"
GWP_CSV = SHARED / "ipcc_gwp_openclimatedata_v0.13.2.csv"

FIELDS = [
    "id",
    "kind",
    "factor_set",
    "series",
    "region",
    "year",
    "gas",
    "value",
    "unit",
    "density_kg_per_l",
    "source",
    "licence",
    "version",
    "status",
    "notes",
]

LIC_MEE = "public government information (MEE/NBS announcement)"
LIC_DEFRA = "OGL-3.0"
LIC_CPCD = (
    "CPCD terms not found (values via MIT-licensed export leo21468/CarbonCalculator); "
    "confirm redistribution rights"
)
LIC_GUIDE = "factual figure cited with attribution (guide licence not stated)"
LIC_PZ = "Apache-2.0 (parkzero)"

REGION_BY_ZH = {
    "全国": "CN",
    "北京": "CN-BJ",
    "天津": "CN-TJ",
    "河北": "CN-HE",
    "山西": "CN-SX",
    "内蒙古": "CN-NM",
    "辽宁": "CN-LN",
    "吉林": "CN-JL",
    "黑龙江": "CN-HL",
    "上海": "CN-SH",
    "江苏": "CN-JS",
    "浙江": "CN-ZJ",
    "安徽": "CN-AH",
    "福建": "CN-FJ",
    "江西": "CN-JX",
    "山东": "CN-SD",
    "河南": "CN-HA",
    "湖北": "CN-HB",
    "湖南": "CN-HN",
    "广东": "CN-GD",
    "广西": "CN-GX",
    "海南": "CN-HI",
    "重庆": "CN-CQ",
    "四川": "CN-SC",
    "贵州": "CN-GZ",
    "云南": "CN-YN",
    "西藏": "CN-XZ",
    "陕西": "CN-SN",
    "甘肃": "CN-GS",
    "青海": "CN-QH",
    "宁夏": "CN-NX",
    "新疆": "CN-XJ",
    "华北": "CN-GRID-NORTH",
    "东北": "CN-GRID-NORTHEAST",
    "华东": "CN-GRID-EAST",
    "华中": "CN-GRID-CENTRAL",
    "西北": "CN-GRID-NORTHWEST",
    "南方": "CN-GRID-SOUTH",
    "西南": "CN-GRID-SOUTHWEST",
}

rows: list[dict[str, object]] = []


def add(**kw: object) -> None:
    row = {k: "" for k in FIELDS}
    row.update(kw)
    assert row["id"], row
    rows.append(row)


def fid(factor_set: str, kind: str, region: str, year: int, series: str = "") -> str:
    parts = [factor_set, kind] + ([series] if series else []) + [region, str(year)]
    return "/".join(parts)


# ------------------------------------------------------------------ electricity (MEE, ETS)
VERSION = {
    (False, 2021): "MEE-NBS-2024-No12",
    (False, 2022): "MEE-NBS-2024-12-20",
    (False, 2023): "MEE-NBS-2023",
    (True, 2021): "MEE-ETS-2022-111",
    (True, 2022): "MEE-ETS-2023-43",
}
ETS_SRC = {
    2021: "MEE 环办气候函〔2022〕111号《关于做好2022年企业温室气体排放报告管理相关重点工作的通知》"
    "(2022-03-15)",
    2022: "MEE 环办气候函〔2023〕43号《关于做好2023—2025年发电行业企业温室气体排放报告管理有关工作的"
    "通知》(2023-02)",
}
SERIES_OF = {
    "location_avg": "mee-location",
    "national_avg_excl_market_nonfossil": "mee-excl-market-nonfossil",
    "national_fossil_only": "mee-fossil",
    "ets_reporting_grid_avg": "ets-reporting",
}
with MEE_CSV.open(encoding="utf-8") as fh:
    for r in csv.DictReader(fh):
        series = SERIES_OF.get(r["factor_type"])
        if series is None or not r["data_year"]:
            continue
        year = int(float(r["data_year"]))
        region = REGION_BY_ZH[r["region_cn"]]
        value = float(r["value"])  # kgCO2/kWh == tCO2/MWh
        secondary = "SECONDARY SOURCE" in r["publication"]
        if series == "ets-reporting":
            status = "TRANSCRIBED"
            note = (
                f"ETS/enterprise reporting value for {year} data, {r['value']} tCO2/MWh; "
                "TRANSCRIBED from the notice, verify"
            )
        elif secondary:
            status = "TRANSCRIBED"
            note = (
                "missing from the CPCD export; value from a secondary public source, "
                "verify against the MEE attachment"
            )
        else:
            status = "COPIED"
            note = f"CPCD product id {r['cpcd_product_id']}; {r['basis'] or 'CO2 only'}"
        add(
            id=fid("cn", "electricity.grid", region, year, series),
            kind="electricity.grid",
            factor_set="cn",
            series=series,
            region=region,
            year=year,
            gas="CO2",
            value=value,
            unit="kWh",
            source=ETS_SRC[year]
            if series == "ets-reporting"
            else r["publication"].split(" -- ")[0],
            licence=LIC_MEE,
            version=VERSION[(series == "ets-reporting", year)],
            status=status,
            notes=note,
        )
    # T&D incl. losses (life-cycle carbon footprint factor, 2024)
with MEE_CSV.open(encoding="utf-8") as fh:
    for r in csv.DictReader(fh):
        if (
            r["factor_type"] == "transmission_distribution_carbon_footprint_LCA"
            and r["region_cn"] == "含线损"
        ):
            add(
                id=fid("cn", "td.electricity", "CN", 2024),
                kind="td.electricity",
                factor_set="cn",
                region="CN",
                year=2024,
                gas="CO2e",
                value=float(r["value"]),
                unit="kWh",
                source=r["publication"],
                licence=LIC_MEE,
                version="MEE-2024-footprint",
                status="COPIED",
                notes=(
                    f"national T&D carbon-footprint factor incl. line losses "
                    f"(CPCD {r['cpcd_product_id']}); life-cycle CO2e per kWh delivered"
                ),
            )

# ------------------------------------------------------------------ the guide
GUIDE = "《物流园区碳中和指南》(2022)"
guide_rows = [
    (
        "material.carton",
        1140.0,
        "t",
        2014,
        f"{GUIDE} note 13 (快递包装箱用纸排放系数 1.14 tCO2/t), citing 邮政行业标准 YZ/T 0135-2014 "
        "快递服务温室气体排放测量方法",
        "the guide writes tCO2; kept as CO2e as published",
    ),
    (
        "material.waybill_paper",
        1870.0,
        "t",
        2014,
        f"{GUIDE} note 19 (运单纸张生产的碳排放系数约 1.87 tCO2/t), citing YZ/T 0135-2014",
        "the guide writes tCO2; kept as CO2e as published",
    ),
    (
        "material.waybill",
        0.00748,
        "sheet",
        2014,
        f"{GUIDE} section 基于区块链的无纸化交接: 10,000 paper waybills ≈ 74.8 kgCO2 (note 19)",
        "DERIVED: 74.8 kg / 10,000 sheets; implies 4 g of paper per sheet at 1.87 tCO2/t",
    ),
    (
        "material.plastic_packaging",
        3120.0,
        "t",
        2022,
        f"{GUIDE} section 耗材智能推荐 (1 t plastic ≈ 3.12 tCO2), note 25: UNFCCC Secretariat "
        "Greenhouse Gas Emission Calculator 2022 version 02.3",
        "average plastic; close to DEFRA 2021 'Plastics: average plastics' primary production "
        "3116 kgCO2e/t",
    ),
    (
        "material.dry_ice",
        260.0 * 0.5810,
        "t",
        2021,
        f"{GUIDE} section 耗材智能推荐 (制造1吨干冰需要耗电260kWh; 10 t dry ice ≈ 1.5 tCO2)",
        "DERIVED: 260 kWh/t × 0.5810 kgCO2/kWh (national ETS reporting grid factor for 2021 "
        "data, 环办气候函〔2022〕111号, in force when the guide was written; reproduces the "
        "guide's 10 t → 1.5 tCO2). Electricity to make the ice only; the CO2 in the ice is not "
        "counted here (see process.co2.release)",
    ),
    (
        "freight.road.hgv",
        0.042,
        "t*km",
        2021,
        f"{GUIDE} note 18: 吕晨, 张哲, 陈徐梅, 等. 中国分省道路交通二氧化碳排放因子. "
        "中国环境科学, 2021, 41(07): 3122-3130",
        "medium goods vehicle average (6 t payload in the guide's example)",
    ),
    (
        "travel.air",
        0.088,
        "pkm",
        2018,
        f"{GUIDE} note 16: Cai B F, Liang S, Zhou J, et al. China High Resolution Emission "
        "Database (CHRED) ... Resources, Conservation and Recycling, 2018, 129: 232-239",
        "no radiative-forcing uplift",
    ),
    (
        "travel.rail",
        0.018,
        "pkm",
        2018,
        f"{GUIDE} note 16: Cai B F et al. CHRED, Resources, Conservation and Recycling, 2018, "
        "129: 232-239",
        "",
    ),
    (
        "travel.road",
        0.028,
        "pkm",
        2021,
        f"{GUIDE} note 17: 吕晨, 张哲, 陈徐梅, 等. 中国分省道路交通二氧化碳排放因子. "
        "中国环境科学, 2021, 41(07): 3122-3130",
        "road passenger transport average (道路交通客运)",
    ),
]
for kind, value, unit, year, source, note in guide_rows:
    add(
        id=fid("guide", kind, "CN", year),
        kind=kind,
        factor_set="guide",
        region="CN",
        year=year,
        gas="CO2e",
        value=round(value, 6),
        unit=unit,
        source=source,
        licence=LIC_GUIDE,
        version="guide-2022",
        status="DERIVED" if note.startswith("DERIVED") else "TRANSCRIBED",
        notes=note,
    )

# ------------------------------------------------------------------ CPCD transport
CPCD_PICK = {
    "freight.road.lgv": "65119X0362024C",  # 轻型柴油货车运输
    "freight.road.reefer": "65111X0032024C",  # 中型冷链柴油货车运输
    "freight.rail": "65129X0022019C",  # 铁路运输(中国市场平均)
    "freight.air": "65319X0012024C",  # 航空运输
    "freight.waterway": "65229X0062024C",  # 内河水运-集装箱船
    "freight.sea": "65213X0062024C",  # 沿海和远洋航运-集装箱船
}
with CPCD_CSV.open(encoding="utf-8") as fh:
    cpcd = {r["cpcd_product_id"]: r for r in csv.DictReader(fh)}
for kind, pid in CPCD_PICK.items():
    r = cpcd[pid]
    year = int(r["data_year"])
    add(
        id=fid("cpcd", kind, "CN", year),
        kind=kind,
        factor_set="cpcd",
        region="CN",
        year=year,
        gas="CO2e",
        value=float(r["kgco2e_per_unit"]),
        unit="t*km",
        source=f"CPCD 中国产品全生命周期温室气体排放系数库, product {pid} {r['name_cn']}",
        licence=LIC_CPCD,
        version=f"CPCD-{pid}",
        status="COPIED",
        notes=f"boundary {r['boundary_cn']}; published as {r['value_as_published']}",
    )

# ------------------------------------------------------------------ DEFRA / BEIS 2021
with DEFRA_CSV.open(encoding="utf-8") as fh:
    defra = [r for r in csv.DictReader(fh) if r["GHG"] == "kg CO2e"]


def defra_value(l1: str, l2: str, l3: str, l4: str, col: str, uom: str) -> float:
    hits = [
        r
        for r in defra
        if (r["Level 1"], r["Level 2"], r["Level 3"], r["Level 4"], r["Column Text"], r["UOM"])
        == (l1, l2, l3, l4, col, uom)
    ]
    assert len(hits) == 1, (l1, l2, l3, l4, col, uom, len(hits))
    return float(hits[0]["GHG Conversion Factor 2021"])


DEFRA_SRC = "UK BEIS, Greenhouse gas reporting conversion factors 2021, flat file v3 (kg CO2e)"
NM3_PER_SM3 = 288.15 / 273.15  # 1 Nm3 (0 degC) holds this many m3 at 15 degC, same pressure
defra_rows = [
    # kind, (levels...), unit, multiplier, region, extra note, density
    (
        "freight.road.hgv",
        ("Freighting goods", "HGV (all diesel)", "All HGVs", "", "Average laden", "tonne.km"),
        "t*km",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "freight.road.lgv",
        ("Freighting goods", "Vans", "Average (up to 3.5 tonnes)", "", "Diesel", "tonne.km"),
        "t*km",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "freight.road.reefer",
        (
            "Freighting goods",
            "HGV refrigerated (all diesel)",
            "All HGVs",
            "",
            "Average laden",
            "tonne.km",
        ),
        "t*km",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "freight.rail",
        ("Freighting goods", "Rail", "Freight train", "", "", "tonne.km"),
        "t*km",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "freight.air",
        (
            "Freighting goods",
            "Freight flights",
            "International, to/from non-UK",
            "",
            "With RF",
            "tonne.km",
        ),
        "t*km",
        1.0,
        "UK",
        "with radiative forcing (DEFRA's recommendation); without RF 0.53867",
        "",
    ),
    (
        "freight.sea",
        ("Freighting goods", "Cargo ship", "Container ship", "Average", "", "tonne.km"),
        "t*km",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "travel.air",
        (
            "Business travel- air",
            "Flights",
            "International, to/from non-UK",
            "Average passenger",
            "With RF",
            "passenger.km",
        ),
        "pkm",
        1.0,
        "UK",
        "with radiative forcing (DEFRA's recommendation); without RF 0.09708",
        "",
    ),
    (
        "travel.rail",
        ("Business travel- land", "Rail", "National rail", "", "", "passenger.km"),
        "pkm",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "travel.road",
        ("Business travel- land", "Cars (by size)", "Average car", "", "Unknown", "km"),
        "pkm",
        1.0,
        "UK",
        "DERIVED: per vehicle-km taken as per passenger-km (one traveller per car); coach is "
        "0.02684 per pkm",
        "",
    ),
    (
        "commute.car",
        ("Business travel- land", "Cars (by size)", "Average car", "", "Unknown", "km"),
        "pkm",
        1.0,
        "UK",
        "DERIVED: per vehicle-km taken as per passenger-km (single occupancy)",
        "",
    ),
    (
        "commute.bus",
        ("Business travel- land", "Bus", "Average local bus", "", "", "passenger.km"),
        "pkm",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "commute.metro",
        ("Business travel- land", "Rail", "London Underground", "", "", "passenger.km"),
        "pkm",
        1.0,
        "UK",
        "metro proxy; light rail and tram is 0.02861",
        "",
    ),
    (
        "hotel.night",
        ("Hotel stay", "Hotel stay", "China", "", "", "Room per night"),
        "night",
        1.0,
        "CN",
        "DEFRA's country factor for China (per room per night)",
        "",
    ),
    (
        "waste.landfill",
        ("Waste disposal", "Refuse", "Commercial and industrial waste", "", "Landfill", "tonnes"),
        "t",
        1.0,
        "UK",
        "UK landfill practice (gas capture) assumed",
        "",
    ),
    (
        "waste.incineration",
        ("Waste disposal", "Refuse", "Commercial and industrial waste", "", "Combustion", "tonnes"),
        "t",
        1.0,
        "UK",
        "DEFRA counts only collection/transport to energy-from-waste; the combustion emissions "
        "are allocated to the energy recovered. Not suitable for incineration without energy "
        "recovery",
        "",
    ),
    (
        "waste.recycling",
        (
            "Waste disposal",
            "Refuse",
            "Commercial and industrial waste",
            "",
            "Closed-loop",
            "tonnes",
        ),
        "t",
        1.0,
        "UK",
        "collection/transport to the recycling facility only (recycled-content method)",
        "",
    ),
    (
        "wastewater.treatment",
        ("Water treatment", "Water treatment", "Water treatment", "", "", "cubic metres"),
        "m**3",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "water.supply",
        ("Water supply", "Water supply", "Water supply", "", "", "cubic metres"),
        "m**3",
        1.0,
        "UK",
        "",
        "",
    ),
    (
        "wtt.fuel.diesel",
        ("WTT- fuels", "WTT- liquid fuels", "Diesel (100% mineral diesel)", "", "Tonnes", "tonnes"),
        "t",
        1.0,
        "UK",
        "100 % mineral diesel (Chinese road diesel carries no biofuel blend)",
        0.8432,
    ),
    (
        "wtt.fuel.gasoline",
        ("WTT- fuels", "WTT- liquid fuels", "Petrol (100% mineral petrol)", "", "Tonnes", "tonnes"),
        "t",
        1.0,
        "UK",
        "100 % mineral petrol",
        0.7418,
    ),
    (
        "wtt.fuel.natural_gas",
        ("WTT- fuels", "WTT- gaseous fuels", "Natural Gas", "", "Volume", "cubic metres"),
        "Nm3",
        NM3_PER_SM3,
        "UK",
        "DERIVED: DEFRA per m3 at 15 degC, 101.325 kPa × 288.15/273.15 = per Nm3 (0 degC); "
        "the 15 degC reference is DEFRA's standard gas volume (assumed, verify)",
        "",
    ),
    (
        "wtt.fuel.lng",
        ("WTT- fuels", "WTT- gaseous fuels", "LNG", "", "Tonnes", "tonnes"),
        "t",
        1.0,
        "UK",
        "",
        0.4525,
    ),
    (
        "wtt.fuel.lpg",
        ("WTT- fuels", "WTT- gaseous fuels", "LPG", "", "Tonnes", "tonnes"),
        "t",
        1.0,
        "UK",
        "",
        0.5298,
    ),
    (
        "wtt.fuel.fuel_oil",
        ("WTT- fuels", "WTT- liquid fuels", "Fuel Oil", "", "Tonnes", "tonnes"),
        "t",
        1.0,
        "UK",
        "",
        0.9833,
    ),
    (
        "wtt.fuel.biodiesel",
        ("WTT- bioenergy", "WTT- biofuel", "Biodiesel ME", "", "", "kg"),
        "t",
        1000.0,
        "UK",
        "DERIVED: DEFRA per kg × 1000",
        0.89,
    ),
    (
        "material.carton",
        (
            "Material use",
            "Paper",
            "Paper and board: board",
            "",
            "Primary material production",
            "tonnes",
        ),
        "t",
        1.0,
        "UK",
        "primary (virgin) board production, cradle-to-gate",
        "",
    ),
    (
        "material.waybill_paper",
        (
            "Material use",
            "Paper",
            "Paper and board: paper",
            "",
            "Primary material production",
            "tonnes",
        ),
        "t",
        1.0,
        "UK",
        "primary paper production, cradle-to-gate",
        "",
    ),
    (
        "material.plastic_packaging",
        (
            "Material use",
            "Plastic",
            "Plastics: average plastics",
            "",
            "Primary material production",
            "tonnes",
        ),
        "t",
        1.0,
        "UK",
        "average plastics, primary production (average plastic film is 2574.16)",
        "",
    ),
    (
        "heat.purchased",
        ("Heat and steam", "Heat and steam", "District heat and steam", "", "", "kWh"),
        "GJ",
        1e6 / 3600.0,
        "UK",
        "DERIVED: per kWh × 277.78 kWh/GJ; UK district heat mix",
        "",
    ),
    (
        "steam.purchased",
        ("Heat and steam", "Heat and steam", "District heat and steam", "", "", "kWh"),
        "GJ",
        1e6 / 3600.0,
        "UK",
        "DERIVED: per kWh × 277.78 kWh/GJ; UK district heat mix",
        "",
    ),
]
for kind, levels, unit, mult, region, note, density in defra_rows:
    value = defra_value(*levels) * mult
    key = " | ".join(x for x in levels if x)
    derived = note.startswith("DERIVED") or mult != 1.0
    add(
        id=fid("defra2021", kind, region, 2021),
        kind=kind,
        factor_set="defra2021",
        region=region,
        year=2021,
        gas="CO2e",
        value=round(value, 8),
        unit=unit,
        density_kg_per_l=density,
        source=f"{DEFRA_SRC}: {key}",
        licence=LIC_DEFRA,
        version="DEFRA-2021-v3",
        status="DERIVED" if derived else "COPIED",
        notes="; ".join(x for x in (note, "UK factor" if region == "UK" else "") if x),
    )

# ------------------------------------------------------------------ Chinese heat/steam default
HEAT_SRC = (
    "国家发展改革委办公厅 发改办气候〔2015〕1722号, 附件《工业其他行业企业温室气体排放核算"
    "方法与报告指南（试行）》: 热力供应的CO2排放因子缺省值 0.11 tCO2/GJ"
)
for kind in ("heat.purchased", "steam.purchased"):
    add(
        id=fid("cn", kind, "CN", 2015),
        kind=kind,
        factor_set="cn",
        region="CN",
        year=2015,
        gas="CO2",
        value=110.0,
        unit="GJ",
        source=HEAT_SRC,
        licence="public government information",
        version="NDRC-1722-2015",
        status="TRANSCRIBED",
        notes="default for purchased heat/steam when the supplier gives no factor; "
        "TRANSCRIBED, verify against the guideline",
    )

# ------------------------------------------------------------------ cooling (derived)
COP = 4.0
national = {
    int(r["year"]): float(r["value"])
    for r in rows
    if r["series"] == "mee-location" and r["region"] == "CN"
}
for year, ef in sorted(national.items()):
    kwh_per_gj = 1e6 / 3600.0 / COP
    add(
        id=fid("cn", "cooling.purchased", "CN", year),
        kind="cooling.purchased",
        factor_set="cn",
        region="CN",
        year=year,
        gas="CO2",
        value=round(kwh_per_gj * ef, 6),
        unit="GJ",
        source=(
            "parkzero assumption: electric district cooling, system COP 4.0, with the MEE "
            f"national location-based grid factor {ef} kgCO2/kWh for {year}"
        ),
        licence=LIC_PZ,
        version="parkzero-1",
        status="ASSUMPTION",
        notes=(
            f"DERIVED: 277.78 kWh(cold)/GJ ÷ COP 4.0 = 69.44 kWh electricity/GJ × {ef}; "
            "no Chinese default exists; use the supplier's factor when you have it"
        ),
    )

# ------------------------------------------------------------------ identity factors
IDENT_SRC = "definition: the leaked or released mass is the emission (GHG Protocol, ISO 14064-1)"
identity = [
    ("refrigerant.R-134a.leak", "HFC-134a", "kg"),
    ("refrigerant.R-404A.leak", "R-404A", "kg"),
    ("refrigerant.R-407C.leak", "R-407C", "kg"),
    ("refrigerant.R-410A.leak", "R-410A", "kg"),
    ("refrigerant.R-507A.leak", "R-507A", "kg"),
    ("refrigerant.R-32.leak", "HFC-32", "kg"),
    ("refrigerant.R-744.leak", "CO2", "kg"),
    ("refrigerant.R-717.leak", "R-717", "kg"),
    ("refrigerant.R-22.leak", "HCFC-22", "kg"),
    ("fugitive.SF6.leak", "SF6", "kg"),
    ("process.co2.release", "CO2", "kg"),
]
for kind, gas, unit in identity:
    add(
        id=f"identity/{kind}",
        kind=kind,
        factor_set="identity",
        region="GLOBAL",
        year=0,
        gas=gas,
        value=1.0,
        unit=unit,
        source=IDENT_SRC,
        licence=LIC_PZ,
        version="parkzero-1",
        status="DERIVED",
        notes=f"1 kg {gas} per kg released",
    )
add(
    id="identity/electricity.onsite.pv",
    kind="electricity.onsite.pv",
    factor_set="identity",
    region="GLOBAL",
    year=0,
    gas="CO2",
    value=0.0,
    unit="kWh",
    source="definition: on-site solar PV has no direct emissions (method zero)",
    licence=LIC_PZ,
    version="parkzero-1",
    status="DERIVED",
    notes="memo item: counted in energy and clean share, not in emissions",
)

with (OUT / "factors.csv").open("w", encoding="utf-8", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow(row)
print(len(rows), "factor rows")

# ------------------------------------------------------------------ GWP table
SPECIES = [
    # csv name, canonical, group, aliases
    ("CH4", "CH4", "CH4", "methane;R-50"),
    ("N2O", "N2O", "N2O", "nitrous oxide"),
    ("HFC23", "HFC-23", "HFCs", "R-23;HFC23"),
    ("HFC32", "HFC-32", "HFCs", "R-32;HFC32"),
    ("HFC125", "HFC-125", "HFCs", "R-125;HFC125"),
    ("HFC134a", "HFC-134a", "HFCs", "R-134a;HFC134a"),
    ("HFC143a", "HFC-143a", "HFCs", "R-143a;HFC143a"),
    ("HFC152a", "HFC-152a", "HFCs", "R-152a;HFC152a"),
    ("HFC227ea", "HFC-227ea", "HFCs", "R-227ea;HFC227ea"),
    ("HFC236fa", "HFC-236fa", "HFCs", "R-236fa;HFC236fa"),
    ("HFC245fa", "HFC-245fa", "HFCs", "R-245fa;HFC245fa"),
    ("HFC365mfc", "HFC-365mfc", "HFCs", "R-365mfc;HFC365mfc"),
    ("HFC4310mee", "HFC-43-10mee", "HFCs", "HFC4310mee"),
    ("CF4", "CF4", "PFCs", "PFC-14;R-14;perfluoromethane"),
    ("C2F6", "C2F6", "PFCs", "PFC-116;R-116;perfluoroethane"),
    ("C3F8", "C3F8", "PFCs", "PFC-218;R-218;perfluoropropane"),
    ("cC4F8", "c-C4F8", "PFCs", "PFC-318;R-C318;perfluorocyclobutane"),
    ("C4F10", "C4F10", "PFCs", "PFC-31-10;perfluorobutane"),
    ("C6F14", "C6F14", "PFCs", "PFC-51-14;perfluorohexane"),
    ("SF6", "SF6", "SF6", "sulphur hexafluoride;sulfur hexafluoride"),
    ("NF3", "NF3", "NF3", "nitrogen trifluoride"),
    ("HCFC22", "HCFC-22", "Montreal", "R-22;HCFC22"),
    ("HCFC123", "HCFC-123", "Montreal", "R-123;HCFC123"),
    ("HCFC141b", "HCFC-141b", "Montreal", "R-141b;HCFC141b"),
    ("HCFC142b", "HCFC-142b", "Montreal", "R-142b;HCFC142b"),
    ("CFC11", "CFC-11", "Montreal", "R-11;CFC11"),
    ("CFC12", "CFC-12", "Montreal", "R-12;CFC12"),
]
with GWP_CSV.open(encoding="utf-8") as fh:
    lines = [ln for ln in fh if not ln.startswith("#")]
gwp_src = {r["Species"]: r for r in csv.DictReader(lines)}
GWP_FIELDS = [
    "gas",
    "group",
    "ar4",
    "ar5",
    "ar6",
    "aliases",
    "source",
    "licence",
    "status",
    "notes",
]
OCD = (
    "openclimatedata/globalwarmingpotentials v0.13.2 (AR4/AR5 GWP100 via the GHG Protocol "
    "table; AR6 GWP100 from IPCC AR6 WG1 Table 7.SM.7)"
)
gwp_rows = [
    dict(
        gas="CO2",
        group="CO2",
        ar4=1,
        ar5=1,
        ar6=1,
        aliases="R-744;carbon dioxide",
        source="by definition",
        licence="n/a",
        status="COPIED",
        notes="",
    ),
    dict(
        gas="CO2-biogenic",
        group="biogenic",
        ar4=1,
        ar5=1,
        ar6=1,
        aliases="biogenic CO2",
        source="by definition",
        licence="n/a",
        status="COPIED",
        notes="reported outside the scopes (GHG Protocol); never in the CO2e totals",
    ),
    dict(
        gas="CO2e",
        group="CO2e",
        ar4=1,
        ar5=1,
        ar6=1,
        aliases="",
        source="by definition",
        licence="n/a",
        status="COPIED",
        notes="pre-aggregated CO2e as published by the source; not re-weighted by GWP set",
    ),
]
for name, canon, group, aliases in SPECIES:
    r = gwp_src[name]
    gwp_rows.append(
        dict(
            gas=canon,
            group=group,
            ar4=r["AR4GWP100"],
            ar5=r["AR5GWP100"],
            ar6=r["AR6GWP100"],
            aliases=aliases,
            source=OCD,
            licence="CC0-1.0",
            status="COPIED",
            notes=("Montreal Protocol gas: reported separately, not in the Kyoto CO2e total")
            if group == "Montreal"
            else "",
        )
    )
gwp_rows.insert(
    4,
    dict(
        gas="CH4-fossil",
        group="CH4",
        ar4=25,
        ar5=30,
        ar6=29.8,
        aliases="fossil methane",
        source=(
            "AR4: no separate fossil value (25); AR5 WG1 Table 8.A.1 footnote (30, incl. CO2 "
            "from oxidation); AR6 WG1 Table 7.15 (29.8)"
        ),
        licence="IPCC reports, public",
        status="TRANSCRIBED",
        notes="used for CH4 from fossil-fuel combustion; verify AR5/AR6 values",
    ),
)
gwp_rows.insert(
    5,
    dict(
        gas="CH4-non-fossil",
        group="CH4",
        ar4=25,
        ar5=28,
        ar6=27.0,
        aliases="non-fossil methane;biogenic methane",
        source="AR4 (25); AR5 WG1 Table 8.A.1 (28); AR6 WG1 Table 7.15 (27.0)",
        licence="IPCC reports, public",
        status="TRANSCRIBED",
        notes="verify AR6 value",
    ),
)
gwp_rows.append(
    dict(
        gas="R-717",
        group="other",
        ar4=0,
        ar5=0,
        ar6=0,
        aliases="NH3;ammonia",
        source="not a greenhouse gas with an IPCC GWP100; 0 by convention",
        licence="n/a",
        status="COPIED",
        notes="reported as a leak mass; no CO2e",
    )
)
with (OUT / "gwp.csv").open("w", encoding="utf-8", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=GWP_FIELDS, lineterminator="\n")
    w.writeheader()
    for row in gwp_rows:
        w.writerow(row)
print(len(gwp_rows), "gwp rows")


# ------------------------------------------------------------------ densities implied by DEFRA
def implied_density(
    l1: str, l2: str, l3: str, per_l: tuple[str, str], per_mass: tuple[str, str], mass_to_kg: float
) -> float:
    litre = defra_value(l1, l2, l3, "", per_l[0], per_l[1])
    mass = defra_value(l1, l2, l3, "", per_mass[0], per_mass[1])
    return round(litre / (mass / mass_to_kg), 4)


dens = {
    "diesel": implied_density(
        "WTT- fuels",
        "WTT- liquid fuels",
        "Diesel (100% mineral diesel)",
        ("Volume", "litres"),
        ("Tonnes", "tonnes"),
        1000.0,
    ),
    "gasoline": implied_density(
        "WTT- fuels",
        "WTT- liquid fuels",
        "Petrol (100% mineral petrol)",
        ("Volume", "litres"),
        ("Tonnes", "tonnes"),
        1000.0,
    ),
    "lng": implied_density(
        "WTT- fuels",
        "WTT- gaseous fuels",
        "LNG",
        ("Volume", "litres"),
        ("Tonnes", "tonnes"),
        1000.0,
    ),
    "lpg": implied_density(
        "WTT- fuels",
        "WTT- gaseous fuels",
        "LPG",
        ("Volume", "litres"),
        ("Tonnes", "tonnes"),
        1000.0,
    ),
    "fuel_oil": implied_density(
        "WTT- fuels",
        "WTT- liquid fuels",
        "Fuel Oil",
        ("Volume", "litres"),
        ("Tonnes", "tonnes"),
        1000.0,
    ),
    "biodiesel": implied_density(
        "WTT- bioenergy", "WTT- biofuel", "Biodiesel ME", ("", "litres"), ("", "kg"), 1.0
    ),
}
print(dens)
