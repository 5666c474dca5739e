"""Generate the demo park's monthly activity data, 2022–2024 (deterministic).

Writes ``activities-2022.csv``, ``activities-2023.csv`` and ``activities-2024.csv`` next to this
script (or into ``--out DIR``) and prints the annual totals. The park itself (zones, tenants,
instruments, refrigerant stocks, drivers) is described in ``park.yaml``; the figures here must
agree with it (zone and tenant ids, the PV start dates, the acquired cold store from 2024).

Every assumption is a named constant below, with where it comes from:

- "guide": 《物流园区碳中和指南》(2022), the seed document of parkzero;
- "DESIGN": the "Numbers from the guide" section of parkzero's design notes;
- "assumption": our own, stated so it can be challenged.

Run::

    python examples/demo-park/generate.py            # rewrite the committed CSVs
    python examples/demo-park/generate.py --out DIR  # write somewhere else

Only numpy and the standard library are used; the random noise has a fixed seed, so the output
is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
YEARS = (2022, 2023, 2024)
SEED = 20220101  # assumption: any fixed number; each year uses SEED + year
# 2022 and 2023 use the `period` column (YYYY-MM); 2024 shows the start/end form.
DATE_STYLE = {2022: "period", 2023: "period", 2024: "start_end"}

# ---------------------------------------------------------------------------------------------
# Climate and calendar (Wuhan, 30.6°N)
# ---------------------------------------------------------------------------------------------
# assumption: monthly mean air temperature [°C], rounded from the Wuhan (57494) 1991–2020
# climate normals; hot Jul–Aug (~29 °C), cold Jan (~4 °C).
TEMP_C = np.array([3.9, 6.7, 11.4, 17.6, 22.6, 26.3, 29.4, 28.9, 24.5, 18.6, 12.0, 6.1])
# assumption: hours from sunset to sunrise at 30.6°N, mid-month [h] (yard lighting)
NIGHT_H = np.array([13.4, 12.8, 12.0, 11.2, 10.5, 10.1, 10.3, 10.9, 11.7, 12.5, 13.2, 13.6])
# assumption: monthly express-parcel volume relative to the year's mean [-], the usual Chinese
# pattern: Spring Festival trough (Feb), "618" (Jun), "双十一" (Nov) and year-end peaks.
PARCEL_SEASON = np.array([0.97, 0.72, 0.98, 0.97, 1.00, 1.06, 0.94, 0.96, 1.01, 1.02, 1.25, 1.12])
# assumption: specific yield of a roof PV system in Wuhan [kWh/kWp per month], 1,075 kWh/kWp·yr;
# plum-rain season (梅雨) dims June, clear Jul–Aug.
PV_YIELD_KWH_PER_KWP = np.array([55, 60, 80, 95, 110, 105, 135, 130, 100, 85, 65, 55])
BALANCE_TEMP_C = 18.0  # assumption: degree-day base for comfort cooling and heating [°C]

# ---------------------------------------------------------------------------------------------
# Business drivers (also in park.yaml `drivers`)
# ---------------------------------------------------------------------------------------------
# assumption: throughput growth, parcels sorted and tonnes handled, relative to 2022 [-]
PARCELS_INDEX = {2022: 1.00, 2023: 1.08, 2024: 1.156}
TONNES_INDEX = {2022: 1.00, 2023: 1.06, 2024: 1.12}

# ---------------------------------------------------------------------------------------------
# Electricity [kWh]. DESIGN / guide: a 100,000 m² park uses ~20 GWh (2000万度) a year.
# Zone floor areas are in park.yaml: sorting 30,000, warehouse 42,000, cold store 16,000,
# offices 7,000, yard buildings 5,000 m² (sum 100,000); cold store B (6,000 m²) from 2024.
# ---------------------------------------------------------------------------------------------
# guide: a ~70,000 m² sorting centre running 22 h/day uses ~2,000 MWh a month (343 kWh/m²·yr).
# assumption: our 30,000 m² centre runs ~20 h/day with partly manual sorting, ~80 % of that
# intensity: 273 kWh/m²·yr = 8.2 GWh.
SORTING_KWH_2022 = 8_200_000
# assumption: ambient warehouse ~79 kWh/m²·yr (LED lighting, AGVs, electric forklifts, packing
# lines, ventilation): 24,000 m² operated by the park 1.55 GWh, 18,000 m² e-commerce tenant
# (own pick/pack automation) 1.75 GWh.
WAREHOUSE_KWH_2022 = 1_550_000
ECOM_KWH_2022 = 1_750_000
# assumption: cold store ~400 kWh/m²·yr (≈40 kWh/m³·yr at 10 m clear height, mixed chilled and
# frozen): 10,000 m² operated by the park 3.9 GWh, 6,000 m² rented by a cold-chain 3PL 2.5 GWh.
COLD_STORE_KWH_2022 = 3_900_000
COLDCO_KWH_2022 = 2_500_000
# assumption: offices, canteen and IT room ~170 kWh/m²·yr (VRF heat pumps, hot-summer/cold-
# winter zone): 6,200 m² park 1.08 GWh; carrier's dispatch office (tenant, 800 m²) 0.12 GWh.
OFFICES_KWH_2022 = 1_080_000
CARRIER_OFFICE_KWH_2022 = 120_000
# assumption: yard lighting (60,000 m² hard standing, gates) 220 MWh + yard buildings (gate
# house, drivers' lounge, workshop) 180 MWh.
YARD_LIGHTING_KWH_2022 = 220_000
YARD_BUILDINGS_KWH_2022 = 180_000
YARD_LED_RETROFIT = dt.date(2023, 4, 1)  # assumption: yard floodlights to LED from April 2023
YARD_LED_SAVING = 0.40  # assumption: LED saves 40 % of lighting energy [-]
# Cold store B (6,000 m², acquired 1 Jan 2024; see park.yaml structural_changes).
# assumption: an older, leaky plant; the seller's 2022 records show 2,300 MWh and 140 kg of
# R-507A charged (park.yaml structural_changes). Door curtains and defrost control cut ~7 % in
# 2024 (358 kWh/m²·yr); the new owner's leak repairs bring the rack to 80 kg (park.yaml).
COLD_STORE_B_KWH_2024 = 2_150_000

# Efficiency relative to 2022 [-] (energy per unit of activity)
# guide: IE4 motors (−5 %: 49,720 → 47,134 kWh), VFDs, scheduling of sorting equipment.
SORTING_KWH_PER_PARCEL = {2022: 1.00, 2023: 0.95, 2024: 0.90}
# assumption: LED relamping and HVAC controls in buildings.
BUILDING_EFFICIENCY = {2022: 1.00, 2023: 0.97, 2024: 0.94}
# guide: chiller plant optimisation saves ~15 % of plant energy; applied in the park's cold
# store from 2024 to the ~60 % of its load that is refrigeration plant → −9 %.
COLD_PLANT_EFFICIENCY = {2022: 1.00, 2023: 0.98, 2024: 0.91}
# assumption: tenants' own growth (their load is scope 3.13 for the park).
ECOM_INDEX = {2022: 1.00, 2023: 1.12, 2024: 1.25}
COLDCO_INDEX = {2022: 1.00, 2023: 1.03, 2024: 1.06}

# On-site PV, self-consumed behind the zone meters (no export). Each array feeds its zone's
# low-voltage board, so that zone's grid meter reads consumption − PV.
# assumption: 1.6 MWp on the sorting-centre roof from July 2023 and 1.4 MWp on the cold-store
# roof from April 2024 → ~2.9 GWh in 2024 (~13 % of the park's use).
PV_ARRAYS = {
    "PV-SORT": {"zone": "sorting", "kwp": 1600, "from": dt.date(2023, 7, 1)},
    "PV-CS": {"zone": "cold-store", "kwp": 1400, "from": dt.date(2024, 4, 1)},
}

# ---------------------------------------------------------------------------------------------
# Own fleet and mobile machinery
# ---------------------------------------------------------------------------------------------
# DESIGN / guide: ~100 city-distribution trucks; a medium diesel truck runs 20,000 km a year.
TRUCK_KM_PER_YEAR = 20_000
DIESEL_DRY_TRUCKS = {2022: 72, 2023: 64, 2024: 52}  # assumption: replaced by EVs over time
DIESEL_REEFER_TRUCKS = {2022: 18, 2023: 18, 2024: 18}  # assumption
ELECTRIC_TRUCKS = {2022: 10, 2023: 18, 2024: 30}  # assumption; fleet stays at 100
# assumption: 4.2 m city box truck 10.5 L/100 km; reefer truck incl. its diesel reefer unit
# 14 L/100 km. (The guide's ~5 tCO2 per truck-year implies ~9.4 L/100 km at 2.68 kgCO2/L.)
DRY_TRUCK_L_PER_100KM = 10.5
REEFER_TRUCK_L_PER_100KM = 14.0
EV_TRUCK_KWH_PER_KM = 0.45  # assumption: 4.5 t electric van/truck, at the battery
EV_CHARGING_LOSS = 0.10  # assumption: charger and battery losses [-]; chargers are in the yard
# assumption: diesel forklifts work the outdoor dock aprons; electric ones replace them.
DIESEL_FORKLIFTS = {2022: 14, 2023: 9, 2024: 5}
FORKLIFT_HOURS = 1_800  # assumption [h/yr per forklift]
DIESEL_FORKLIFT_L_PER_H = 2.8  # assumption: 3 t diesel forklift
ELECTRIC_FORKLIFT_KWH_PER_H = 4.0  # assumption: charged in the warehouse (its meter)
# assumption: yard tractors (场内牵引车) shunting trailers; one electric from 2024.
DIESEL_YARD_TRACTORS = {2022: 4, 2023: 4, 2024: 3}
YARD_TRACTOR_HOURS = 2_600  # assumption [h/yr]
YARD_TRACTOR_L_PER_H = 5.5  # assumption
ELECTRIC_YARD_TRACTOR_KWH_PER_H = 15.0  # assumption, charged at the yard chargers
# assumption: service cars (security, admin) on gasoline, 14,000 km × 10 L/100 km each.
GASOLINE_CARS = {2022: 8, 2023: 8, 2024: 5}
GASOLINE_L_PER_CAR = 1_400
# assumption: two 800 kW standby gensets, monthly 1 h test at half load ≈ 100 L each; plus a
# demand-response day (有序用电) in the August 2022 heatwave: 12 h at 60 % load.
GENSET_TEST_L = 2 * 100
GENSET_EVENT_L = {(2022, 8): 2 * 12 * 120}

# ---------------------------------------------------------------------------------------------
# Natural gas [Nm³] (offices zone: canteen and hot-water boilers)
# ---------------------------------------------------------------------------------------------
# assumption: canteen ~1,500 meals/day × ~0.1 Nm³/meal ≈ 55,000 Nm³/yr; boilers for showers
# and dormitory hot water 70,000 Nm³/yr, higher in winter.
CANTEEN_NM3 = 55_000
BOILER_NM3 = 70_000
# assumption: from 2024 an air-source heat-pump water heater (COP 3) takes 40 % of boiler duty;
# its electricity goes on the offices meter.
HEAT_PUMP_SHARE = {2022: 0.0, 2023: 0.0, 2024: 0.40}
HEAT_PUMP_COP = 3.0
GAS_KWH_PER_NM3 = 9.7  # assumption: lower heating value of pipeline gas (~35 MJ/Nm³)
BOILER_EFFICIENCY = 0.90  # assumption

# ---------------------------------------------------------------------------------------------
# Water [m³]. DESIGN / guide: ~100,000 t of water a year for a 100,000 m² park.
# ---------------------------------------------------------------------------------------------
WATER_M3_2022 = {  # assumption: split by zone meter
    "offices": 38_000,  # canteen, washrooms, dormitory showers
    "cold-store": 30_000,  # evaporative condensers, summer peak
    "sorting": 12_000,
    "warehouse": 8_000,
    "yard": 12_000,  # truck wash and landscaping
}
WATER_EFFICIENCY = {2022: 1.00, 2023: 1.00, 2024: 0.95}  # assumption: leak repair, rainwater
COLD_STORE_B_WATER_M3_2024 = 9_000  # assumption
# assumption: sewage billed as 90 % of supply, 30 % for evaporative condensers, 50 % for the
# yard (irrigation) — the water company's discharge coefficients.
SEWER_SHARE = {
    "offices": 0.9,
    "sorting": 0.9,
    "warehouse": 0.9,
    "cold-store": 0.3,
    "yard": 0.5,
    "cold-store-b": 0.3,
}

# ---------------------------------------------------------------------------------------------
# Refrigerant top-ups outside the mass-balanced racks [kg], weighed from service cylinders.
# (The main racks CS-RACK-1, CS-RACK-2 and CSB-RACK-1 are in park.yaml refrigerant_stocks.)
# ---------------------------------------------------------------------------------------------
# assumption: (date, gas, kg, zone, source). Fewer leaks as a leak-detection programme starts
# in 2023.
REFRIGERANT_TOPUPS = [
    (dt.date(2022, 3, 14), "R-404A", 22.0, "cold-store", "SVC-CS-DOCK"),  # chilled-dock units
    (dt.date(2022, 6, 20), "R-404A", 9.5, "yard", "SVC-REEFER"),  # reefer truck units
    (dt.date(2022, 7, 8), "R-507A", 35.0, "cold-store", "SVC-CS-BLAST"),  # blast freezer
    (dt.date(2022, 7, 22), "R-410A", 12.0, "offices", "SVC-OF-VRF"),
    (dt.date(2022, 8, 5), "R-404A", 18.5, "cold-store", "SVC-CS-DOCK"),
    (dt.date(2022, 8, 17), "R-32", 2.4, "yard", "SVC-YD-AC"),
    (dt.date(2022, 9, 9), "R-404A", 7.0, "yard", "SVC-REEFER"),
    (dt.date(2022, 11, 3), "R-507A", 16.0, "cold-store", "SVC-CS-BLAST"),
    (dt.date(2023, 5, 16), "R-404A", 14.0, "cold-store", "SVC-CS-DOCK"),
    (dt.date(2023, 7, 11), "R-507A", 24.0, "cold-store", "SVC-CS-BLAST"),
    (dt.date(2023, 7, 25), "R-404A", 8.0, "yard", "SVC-REEFER"),
    (dt.date(2023, 8, 30), "R-410A", 6.5, "offices", "SVC-OF-VRF"),
    (dt.date(2023, 10, 12), "SF6", 0.6, "yard", "SVC-SUBSTATION"),  # 10 kV switchgear
    (dt.date(2023, 12, 6), "R-507A", 11.0, "cold-store", "SVC-CS-BLAST"),
    (dt.date(2024, 6, 18), "R-404A", 9.0, "cold-store", "SVC-CS-DOCK"),
    (dt.date(2024, 7, 19), "R-507A", 15.0, "cold-store", "SVC-CS-BLAST"),
    (dt.date(2024, 8, 7), "R-404A", 5.5, "yard", "SVC-REEFER"),
    (dt.date(2024, 8, 27), "R-32", 1.8, "yard", "SVC-YD-AC"),
]

# ---------------------------------------------------------------------------------------------
# Materials (scope 3.1). guide: carton 1.14 tCO2/t, waybill paper 1.87 tCO2/t, 10,000 paper
# waybills ≈ 74.8 kgCO2 (→ ~4 g a sheet), plastic packaging 3.12 tCO2/t, dry ice 260 kWh/t.
# ---------------------------------------------------------------------------------------------
OWN_ORDERS_PER_DAY = {2022: 25_000, 2023: 27_500, 2024: 30_000}  # assumption: park's fulfilment
# guide: carton space use is only 50–60 %; packaging recommendation from 2024 right-sizes boxes.
CARTON_KG_PER_ORDER = {2022: 0.100, 2023: 0.098, 2024: 0.090}  # assumption
PLASTIC_KG_PER_ORDER = {2022: 0.025, 2023: 0.024, 2024: 0.021}  # assumption
WAYBILLS_PER_ORDER = 1.02  # assumption: 2 % reprints
# assumption: paper B2B delivery documents (回单) bought as paper; e-POD (无纸化交接, guide) from
# 2023 cuts them.
WAYBILL_PAPER_T = {2022: 24.0, 2023: 17.0, 2024: 9.0}
COLD_ORDERS_PER_DAY = {2022: 1_200, 2023: 1_400, 2024: 1_600}  # assumption: cold-chain parcels
# guide: coolant recommendation saves ~10 t dry ice per 100,000 orders; from 2024 here.
DRY_ICE_KG_PER_ORDER = {2022: 0.60, 2023: 0.58, 2024: 0.50}  # assumption

# ---------------------------------------------------------------------------------------------
# Waste (scope 3.5) [t/yr]. assumption: cardboard and film from unpacking inbound goods are
# recycled; Wuhan incinerates most residual waste; landfill falls as sorting improves.
# ---------------------------------------------------------------------------------------------
WASTE_T = {
    "waste.recycling": {2022: 2_200, 2023: 2_420, 2024: 2_650},
    "waste.incineration": {2022: 700, 2023: 680, 2024: 640},
    "waste.landfill": {2022: 300, 2023: 240, 2024: 160},
}

# ---------------------------------------------------------------------------------------------
# Business travel (scope 3.6) and commuting (3.7)
# ---------------------------------------------------------------------------------------------
# assumption: travel-agency statements. 2022 is depressed by COVID restrictions; from 2024 5G AR
# remote maintenance (guide: −80 % of O&M travel) trims flights and some trips move to rail.
TRAVEL = {
    "travel.air": {2022: 600_000, 2023: 1_300_000, 2024: 1_150_000},  # [p·km]
    "travel.rail": {2022: 520_000, 2023: 1_050_000, 2024: 1_100_000},  # [p·km]
    "travel.road": {2022: 90_000, 2023: 150_000, 2024: 140_000},  # [p·km]
    "hotel.night": {2022: 950, 2023: 2_100, 2024: 1_950},  # [night]
}
TRAVEL_SEASON = np.array([0.8, 0.6, 1.1, 1.1, 1.0, 1.1, 1.0, 0.9, 1.1, 1.1, 1.1, 1.1])
# assumption: 2022 lockdown waves (spring, and Nov–Dec before reopening)
TRAVEL_COVID_2022 = np.array([1.0, 1.0, 0.8, 0.6, 0.7, 1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.4])
STAFF = {2022: 1_450, 2023: 1_500, 2024: 1_520}  # assumption: park's own employees
WORKDAY_SHARE = 0.75  # assumption: shift work, ~6 days a week less holidays [-]
# assumption: staff survey; mode share [-] and one-way distance [km]; the rest walk, cycle or
# ride e-bikes (zero). A new metro line in 2024 moves some car commuters.
COMMUTE = {
    "commute.car": ({2022: 0.25, 2023: 0.25, 2024: 0.23}, 16.0),
    "commute.bus": ({2022: 0.40, 2023: 0.40, 2024: 0.40}, 11.0),  # incl. company shuttles
    "commute.metro": ({2022: 0.15, 2023: 0.15, 2024: 0.18}, 14.0),
}

# ---------------------------------------------------------------------------------------------
# Freight bought from carriers [t·km], from the TMS. Upstream (inbound, paid by the park) is
# scope 3.4; downstream (outbound, paid by customers) is 3.9. assumption: ~150,000 t a year of
# the park's own inbound at ~400 km by road, Yangtze barges from Shanghai via Yangluo port and
# rail; outbound regional distribution within ~150 km. guide: road freight 0.042 kgCO2e/t·km.
# ---------------------------------------------------------------------------------------------
FREIGHT_UPSTREAM_TKM_2022 = {
    "freight.road.hgv": 54_000_000,
    "freight.rail": 18_000_000,
    "freight.waterway": 30_000_000,
    "freight.road.reefer": 7_000_000,
}
FREIGHT_DOWNSTREAM_TKM_2022 = {
    "freight.road.lgv": 14_000_000,
    "freight.road.hgv": 24_000_000,
    "freight.road.reefer": 3_600_000,
}
# assumption: from 2024 some inbound road moves to rail (modal shift).
MODAL_SHIFT = {"freight.road.hgv": {2024: 0.92}, "freight.rail": {2024: 1.25}}

# Relative standard deviation of month-to-month noise [-] (assumption)
NOISE_METER = 0.02
NOISE_SOFT = 0.05

COLUMNS_PERIOD = [
    "kind",
    "quantity",
    "unit",
    "period",
    "zone",
    "tenant",
    "source_id",
    "quality",
    "category",
]
COLUMNS_DATES = [
    "kind",
    "quantity",
    "unit",
    "start",
    "end",
    "zone",
    "tenant",
    "source_id",
    "quality",
    "category",
]


# ---------------------------------------------------------------------------------------------
# Monthly shapes: each sums to 1 over the year
# ---------------------------------------------------------------------------------------------
def _days(year: int) -> np.ndarray:
    return np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)], dtype=float)


def _normalised(x: np.ndarray) -> np.ndarray:
    return x / x.sum()


def shapes(year: int) -> dict[str, np.ndarray]:
    """Monthly fractions of an annual total for each driver of seasonality [-]."""
    days = _days(year)
    return {
        "flat": _normalised(days),
        "volume": _normalised(PARCEL_SEASON * days),
        "cooling": _normalised(np.maximum(TEMP_C - BALANCE_TEMP_C, 0.0) * days),
        "heating": _normalised(np.maximum(BALANCE_TEMP_C - TEMP_C, 0.0) * days),
        "ambient": _normalised((TEMP_C + 5.0) * days),  # condensing temperature follows the air
        "night": _normalised(NIGHT_H * days),
    }


def mix(year: int, weights: dict[str, float]) -> np.ndarray:
    """Weighted mix of shapes; the weights sum to 1 [-]."""
    sh = shapes(year)
    return sum(w * sh[name] for name, w in weights.items())  # type: ignore[return-value]


def _month_mask(year: int, since: dt.date) -> np.ndarray:
    return np.array([dt.date(year, m, 1) >= since for m in range(1, 13)])


# ---------------------------------------------------------------------------------------------
# Series builders: each returns 12 monthly values
# ---------------------------------------------------------------------------------------------
SORTING_SHAPE = {"volume": 0.80, "cooling": 0.12, "flat": 0.08}
WAREHOUSE_SHAPE = {"volume": 0.55, "flat": 0.30, "cooling": 0.15}
COLD_SHAPE = {"flat": 0.55, "ambient": 0.40, "volume": 0.05}
OFFICE_SHAPE = {"flat": 0.60, "cooling": 0.25, "heating": 0.15}
YARD_BUILDING_SHAPE = {"flat": 0.50, "cooling": 0.30, "heating": 0.20}


def _scaled(base: float, w_volume: float, index: float, efficiency: float) -> float:
    """Annual energy: the volume share grows with throughput, everything gets more efficient."""
    return base * (w_volume * index + (1.0 - w_volume)) * efficiency


def electricity_consumption(year: int) -> dict[str, np.ndarray]:
    """Monthly consumption per meter, before on-site PV is netted off [kWh]."""
    out: dict[str, np.ndarray] = {}
    sort_kwh = _scaled(
        SORTING_KWH_2022, SORTING_SHAPE["volume"], PARCELS_INDEX[year], SORTING_KWH_PER_PARCEL[year]
    )
    out["EM-SORT-01"] = sort_kwh * mix(year, SORTING_SHAPE)

    electric_forklifts = DIESEL_FORKLIFTS[2022] - DIESEL_FORKLIFTS[year]
    wh_kwh = _scaled(
        WAREHOUSE_KWH_2022, WAREHOUSE_SHAPE["volume"], TONNES_INDEX[year], BUILDING_EFFICIENCY[year]
    )
    wh_kwh += electric_forklifts * FORKLIFT_HOURS * ELECTRIC_FORKLIFT_KWH_PER_H
    out["EM-WH-01"] = wh_kwh * mix(year, WAREHOUSE_SHAPE)
    out["EM-WH-ECOM"] = ECOM_KWH_2022 * ECOM_INDEX[year] * mix(year, WAREHOUSE_SHAPE)

    cs_kwh = _scaled(
        COLD_STORE_KWH_2022, COLD_SHAPE["volume"], TONNES_INDEX[year], COLD_PLANT_EFFICIENCY[year]
    )
    out["EM-CS-01"] = cs_kwh * mix(year, COLD_SHAPE)
    out["EM-CS-COLDCO"] = COLDCO_KWH_2022 * COLDCO_INDEX[year] * mix(year, COLD_SHAPE)
    if year >= 2024:
        out["EM-CSB-01"] = COLD_STORE_B_KWH_2024 * mix(year, COLD_SHAPE)

    heat_pump_kwh = (
        HEAT_PUMP_SHARE[year] * BOILER_NM3 * GAS_KWH_PER_NM3 * BOILER_EFFICIENCY / HEAT_PUMP_COP
    )
    of_kwh = OFFICES_KWH_2022 * BUILDING_EFFICIENCY[year]
    out["EM-OF-01"] = of_kwh * mix(year, OFFICE_SHAPE) + heat_pump_kwh * mix(
        year, {"flat": 0.4, "heating": 0.6}
    )
    out["EM-OF-CARRIER"] = CARRIER_OFFICE_KWH_2022 * mix(year, OFFICE_SHAPE)

    led = np.where(_month_mask(year, YARD_LED_RETROFIT), 1.0 - YARD_LED_SAVING, 1.0)
    lighting = YARD_LIGHTING_KWH_2022 * shapes(year)["night"] * led
    buildings = YARD_BUILDINGS_KWH_2022 * BUILDING_EFFICIENCY[year] * mix(year, YARD_BUILDING_SHAPE)
    out["EM-YD-01"] = lighting + buildings

    ev_kwh = (
        ELECTRIC_TRUCKS[year] * TRUCK_KM_PER_YEAR * EV_TRUCK_KWH_PER_KM * (1 + EV_CHARGING_LOSS)
    )
    e_tractors = DIESEL_YARD_TRACTORS[2022] - DIESEL_YARD_TRACTORS[year]
    ev_kwh += e_tractors * YARD_TRACTOR_HOURS * ELECTRIC_YARD_TRACTOR_KWH_PER_H
    # battery heating in winter and cab cooling in summer add a little
    out["EM-YD-EVC"] = ev_kwh * mix(year, {"volume": 0.6, "flat": 0.25, "heating": 0.15})
    return out


ELECTRICITY_METERS = {  # source_id: (zone, tenant, unit)
    "EM-SORT-01": ("sorting", "", "kWh"),
    "EM-WH-01": ("warehouse", "", "kWh"),
    "EM-WH-ECOM": ("warehouse", "ecom", "kWh"),
    "EM-CS-01": ("cold-store", "", "kWh"),
    "EM-CS-COLDCO": ("cold-store", "coldco", "万kWh"),  # the tenant's statement is in 万kWh
    "EM-CSB-01": ("cold-store-b", "", "kWh"),
    "EM-OF-01": ("offices", "", "kWh"),
    "EM-OF-CARRIER": ("offices", "carrierco", "kWh"),
    "EM-YD-01": ("yard", "", "kWh"),
    "EM-YD-EVC": ("yard", "", "kWh"),
}
# assumption: one failed meter read, filled in from degree-days and the previous month.
ESTIMATED = {("EM-OF-01", 2022, 4), ("WM-YD", 2023, 9)}


def pv_generation(year: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Monthly PV generation per array [kWh]."""
    out = {}
    for source, arr in PV_ARRAYS.items():
        on = _month_mask(year, arr["from"])  # type: ignore[arg-type]
        noise = rng.normal(1.0, 0.06, 12)  # weather
        gen = arr["kwp"] * PV_YIELD_KWH_PER_KWP * noise * on  # type: ignore[operator]
        if on.any():
            out[source] = gen
    return out


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------
def _fmt(value: float, decimals: int) -> str:
    return f"{round(float(value), decimals):.{decimals}f}"


class _Rows:
    """Collects rows of one year in the CSV shape."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.style = DATE_STYLE[year]
        self.rows: list[dict[str, str]] = []

    def add(
        self,
        kind: str,
        quantity: float,
        unit: str,
        *,
        month: int | None = None,
        day: dt.date | None = None,
        zone: str = "",
        tenant: str = "",
        source_id: str = "",
        quality: str = "measured",
        category: str = "",
        decimals: int = 0,
    ) -> None:
        row = {
            "kind": kind,
            "quantity": _fmt(quantity, decimals),
            "unit": unit,
            "zone": zone,
            "tenant": tenant,
            "source_id": source_id,
            "quality": quality,
            "category": category,
        }
        if day is not None:
            first = last = day
        else:
            assert month is not None
            first = dt.date(self.year, month, 1)
            last = dt.date(self.year, month, calendar.monthrange(self.year, month)[1])
        if self.style == "period":
            row["period"] = f"{first:%Y-%m}"
        else:
            row["start"], row["end"] = first.isoformat(), last.isoformat()
        self.rows.append(row)

    def monthly(self, kind: str, values: Iterable[float], unit: str, **kw: object) -> None:
        for month, value in enumerate(values, start=1):
            self.add(kind, value, unit, month=month, **kw)  # type: ignore[arg-type]


def build_year(year: int) -> list[dict[str, str]]:
    """All activity rows of one year."""
    rng = np.random.default_rng(SEED + year)
    r = _Rows(year)
    sh = shapes(year)
    days = _days(year)

    # --- electricity, PV ------------------------------------------------------------------
    consumption = electricity_consumption(year)
    pv = pv_generation(year, rng)
    pv_by_zone = defaultdict(lambda: np.zeros(12))
    for source, gen in pv.items():
        pv_by_zone[PV_ARRAYS[source]["zone"]] += gen
    for source, (zone, tenant, unit) in ELECTRICITY_METERS.items():
        if source not in consumption:
            continue
        kwh = consumption[source] * rng.normal(1.0, NOISE_METER, 12)
        if not tenant:
            kwh = kwh - pv_by_zone[zone]  # PV is behind the park's own zone meter
        for month in range(1, 13):
            quality = "estimated" if (source, year, month) in ESTIMATED else "measured"
            value, decimals = kwh[month - 1], 0
            if unit == "万kWh":
                value, decimals = value / 1e4, 4
            r.add(
                "electricity.grid",
                value,
                unit,
                month=month,
                zone=zone,
                tenant=tenant,
                source_id=source,
                quality=quality,
                decimals=decimals,
            )
    for source, gen in pv.items():
        r.monthly(
            "electricity.onsite.pv", gen, "kWh", zone=PV_ARRAYS[source]["zone"], source_id=source
        )

    # --- own fleet and machinery: diesel, gasoline ------------------------------------------
    fleet_shape = 0.6 * sh["volume"] + 0.4 * sh["flat"]
    dry_l = DIESEL_DRY_TRUCKS[year] * TRUCK_KM_PER_YEAR * DRY_TRUCK_L_PER_100KM / 100
    reefer_l = DIESEL_REEFER_TRUCKS[year] * TRUCK_KM_PER_YEAR * REEFER_TRUCK_L_PER_100KM / 100
    reefer_shape = 0.7 * fleet_shape + 0.3 * sh["cooling"]  # reefer units work harder in summer
    r.monthly(
        "fuel.diesel.mobile",
        dry_l * fleet_shape * rng.normal(1, NOISE_METER, 12),
        "L",
        zone="yard",
        source_id="FC-FLEET-DRY",
    )
    r.monthly(
        "fuel.diesel.mobile",
        reefer_l * reefer_shape * rng.normal(1, NOISE_METER, 12),
        "L",
        zone="yard",
        source_id="FC-FLEET-REEFER",
    )
    forklift_l = DIESEL_FORKLIFTS[year] * FORKLIFT_HOURS * DIESEL_FORKLIFT_L_PER_H
    r.monthly(
        "fuel.diesel.mobile",
        forklift_l * sh["volume"] * rng.normal(1, NOISE_METER, 12),
        "L",
        zone="yard",
        source_id="TANK-FORKLIFT",
    )
    tractor_l = DIESEL_YARD_TRACTORS[year] * YARD_TRACTOR_HOURS * YARD_TRACTOR_L_PER_H
    r.monthly(
        "fuel.diesel.mobile",
        tractor_l * sh["volume"] * rng.normal(1, NOISE_METER, 12),
        "L",
        zone="yard",
        source_id="TANK-TRACTOR",
    )
    genset = np.array([GENSET_TEST_L + GENSET_EVENT_L.get((year, m), 0) for m in range(1, 13)])
    r.monthly(
        "fuel.diesel.stationary",
        genset,
        "L",
        zone="cold-store",
        source_id="GEN-01-02",
        quality="calculated",
    )
    gasoline_l = GASOLINE_CARS[year] * GASOLINE_L_PER_CAR
    r.monthly(
        "fuel.gasoline.mobile",
        gasoline_l * sh["flat"] * rng.normal(1, NOISE_SOFT, 12),
        "L",
        zone="offices",
        source_id="FC-CARS",
    )

    # --- natural gas --------------------------------------------------------------------------
    canteen_shape = _normalised(sh["flat"] * np.where(np.arange(12) == 1, 0.6, 1.0))
    r.monthly(
        "fuel.natural_gas.stationary",
        CANTEEN_NM3 * canteen_shape * rng.normal(1, NOISE_METER, 12),
        "Nm³",
        zone="offices",
        source_id="GAS-CANTEEN",
    )
    boiler = BOILER_NM3 * (1 - HEAT_PUMP_SHARE[year]) * (0.4 * sh["flat"] + 0.6 * sh["heating"])
    r.monthly(
        "fuel.natural_gas.stationary",
        boiler * rng.normal(1, NOISE_METER, 12),
        "Nm³",
        zone="offices",
        source_id="GAS-BOILER",
    )

    # --- refrigerant top-ups ----------------------------------------------------------------
    for day, gas, kg, zone, source in REFRIGERANT_TOPUPS:
        if day.year != year:
            continue
        kind = "fugitive.SF6.leak" if gas == "SF6" else f"refrigerant.{gas}.leak"
        if r.style == "period":
            r.add(kind, kg, "kg", month=day.month, zone=zone, source_id=source, decimals=1)
        else:
            r.add(kind, kg, "kg", day=day, zone=zone, source_id=source, decimals=1)

    # --- water and wastewater -----------------------------------------------------------------
    water_shapes = {
        "offices": {"flat": 0.8, "cooling": 0.2},
        "cold-store": {"flat": 0.3, "cooling": 0.7},
        "sorting": {"volume": 1.0},
        "warehouse": {"volume": 1.0},
        "yard": {"flat": 0.5, "cooling": 0.5},
    }
    water_index = {"sorting": PARCELS_INDEX[year], "warehouse": TONNES_INDEX[year]}
    volumes = {
        z: v * water_index.get(z, 1.0) * WATER_EFFICIENCY[year] for z, v in WATER_M3_2022.items()
    }
    if year >= 2024:
        volumes["cold-store-b"] = COLD_STORE_B_WATER_M3_2024
        water_shapes["cold-store-b"] = water_shapes["cold-store"]
    sewer = np.zeros(12)
    for zone, m3 in volumes.items():
        series = m3 * mix(year, water_shapes[zone]) * rng.normal(1, NOISE_METER, 12)
        source = (
            "WM-"
            + {
                "offices": "OF",
                "cold-store": "CS",
                "sorting": "SORT",
                "warehouse": "WH",
                "yard": "YD",
                "cold-store-b": "CSB",
            }[zone]
        )
        for month in range(1, 13):
            quality = "estimated" if (source, year, month) in ESTIMATED else "measured"
            r.add(
                "water.supply",
                series[month - 1],
                "m³",
                month=month,
                zone=zone,
                source_id=source,
                quality=quality,
            )
        sewer += SEWER_SHARE[zone] * np.round(series)
    r.monthly("wastewater.treatment", sewer, "m³", source_id="WW-BILL", quality="calculated")

    # --- materials ----------------------------------------------------------------------------
    orders = OWN_ORDERS_PER_DAY[year] * days.sum() * sh["volume"] * rng.normal(1, NOISE_SOFT, 12)
    r.monthly(
        "material.carton",
        orders * CARTON_KG_PER_ORDER[year] / 1000,
        "t",
        zone="warehouse",
        source_id="PO-CARTON",
        decimals=3,
    )
    r.monthly(
        "material.plastic_packaging",
        orders * PLASTIC_KG_PER_ORDER[year] / 1000,
        "t",
        zone="warehouse",
        source_id="PO-PLASTIC",
        decimals=3,
    )
    r.monthly(
        "material.waybill",
        orders * WAYBILLS_PER_ORDER,
        "sheet",
        zone="warehouse",
        source_id="WMS-LABELS",
        quality="calculated",
    )
    r.monthly(
        "material.waybill_paper",
        WAYBILL_PAPER_T[year] * sh["volume"] * rng.normal(1, NOISE_SOFT, 12),
        "t",
        zone="warehouse",
        source_id="PO-PAPER",
        decimals=3,
    )
    cold_orders = COLD_ORDERS_PER_DAY[year] * days.sum() * sh["volume"]
    dry_ice_shape = 0.75 + 0.25 * sh["cooling"] / sh["cooling"].mean()  # more coolant in summer
    r.monthly(
        "material.dry_ice",
        cold_orders
        * DRY_ICE_KG_PER_ORDER[year]
        * dry_ice_shape
        / 1000
        * rng.normal(1, NOISE_SOFT, 12),
        "t",
        zone="cold-store",
        source_id="PO-DRYICE",
        decimals=3,
    )

    # --- waste --------------------------------------------------------------------------------
    for kind, per_year in WASTE_T.items():
        quality = "measured" if kind == "waste.recycling" else "calculated"
        r.monthly(
            kind,
            per_year[year] * sh["volume"] * rng.normal(1, NOISE_SOFT, 12),
            "t",
            source_id="WASTE-" + kind.split(".")[1].upper(),
            quality=quality,
            decimals=2,
        )

    # --- business travel, commuting -----------------------------------------------------------
    season = TRAVEL_SEASON * (TRAVEL_COVID_2022 if year == 2022 else 1.0)
    season = _normalised(season)
    for kind, per_year in TRAVEL.items():
        unit = "night" if kind == "hotel.night" else "p·km"
        quality = {
            "travel.air": "calculated",
            "travel.rail": "calculated",
            "travel.road": "estimated",
            "hotel.night": "measured",
        }[kind]
        r.monthly(
            kind,
            per_year[year] * season * rng.normal(1, NOISE_SOFT, 12),
            unit,
            zone="offices",
            source_id="TMC-STATEMENT",
            quality=quality,
        )
    workdays = days * WORKDAY_SHARE * np.where(np.arange(12) == 1, 0.8, 1.0)
    for kind, (share, km) in COMMUTE.items():
        pkm = STAFF[year] * share[year] * 2 * km * workdays
        r.monthly(kind, pkm, "p·km", source_id=f"SURVEY-{year}", quality="estimated")

    # --- freight ------------------------------------------------------------------------------
    for kind, tkm in FREIGHT_UPSTREAM_TKM_2022.items():
        shift = MODAL_SHIFT.get(kind, {}).get(year, 1.0)
        series = tkm * TONNES_INDEX[year] * shift * sh["volume"] * rng.normal(1, NOISE_SOFT, 12)
        r.monthly(kind, series, "t·km", source_id="TMS-INBOUND", quality="calculated")
    for kind, tkm in FREIGHT_DOWNSTREAM_TKM_2022.items():
        series = tkm * TONNES_INDEX[year] * sh["volume"] * rng.normal(1, NOISE_SOFT, 12)
        r.monthly(
            kind, series, "t·km", source_id="TMS-OUTBOUND", quality="calculated", category="3.9"
        )
    return r.rows


def write_year(year: int, out_dir: Path) -> Path:
    """Write ``activities-<year>.csv`` into `out_dir` and return its path."""
    rows = build_year(year)
    columns = COLUMNS_PERIOD if DATE_STYLE[year] == "period" else COLUMNS_DATES
    path = out_dir / f"activities-{year}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def summary(year: int) -> dict[str, float]:
    """Annual totals of one year by kind (and zone for electricity), in the file's units."""
    totals: dict[str, float] = defaultdict(float)
    for row in build_year(year):
        qty = float(row["quantity"]) * (1e4 if row["unit"] == "万kWh" else 1.0)
        unit = "kWh" if row["unit"] == "万kWh" else row["unit"]
        key = f"{row['kind']} [{unit}]"
        totals[key] += qty
        if row["kind"].startswith("electricity"):
            who = row["zone"] + (f"/{row['tenant']}" if row["tenant"] else "")
            totals[f"  {row['kind']} {who} [kWh]"] += qty
        if row["kind"] == "fuel.diesel.mobile":
            totals[f"  diesel {row['source_id']} [L]"] += qty
    return dict(sorted(totals.items(), key=lambda kv: kv[0].strip()))


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    parser.add_argument("--quiet", action="store_true", help="do not print the totals")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [write_year(year, args.out) for year in YEARS]
    if not args.quiet:
        for year in YEARS:
            print(f"== {year}")
            for key, value in summary(year).items():
                print(f"{key:<60} {value:>16,.1f}")
    return paths


if __name__ == "__main__":
    main()
