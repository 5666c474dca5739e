"""Generate ``wuhan_cold_chain.yaml``: a synthetic one-day cold-chain problem in Wuhan.

100 stores scattered over the city around a cold-chain DC in a Dongxihu logistics park; three
temperature zones; a mixed diesel / electric fleet; an illustrative (not official) inner-city
truck ban. The numbers are made up for the example, with a fixed seed so the file is stable:

    python examples/routing/make_wuhan.py > examples/routing/wuhan_cold_chain.yaml
"""

from __future__ import annotations

import math
import random

import yaml

SEED = 20240601
DC = (30.6420, 114.1320)  # (lat, lon) of the DC, Dongxihu district
CENTRE = (30.5800, 114.2900)  # roughly Jianghan / Wuchang
INNER = [  # illustrative inner-city area polygon (lat, lon)
    (30.6450, 114.2300),
    (30.6450, 114.3500),
    (30.5200, 114.3500),
    (30.5200, 114.2300),
]


def main() -> None:
    rng = random.Random(SEED)
    orders = []
    for k in range(1, 101):
        r = 14.0 * math.sqrt(rng.random())  # km, uniform over a disc
        a = rng.uniform(0, 2 * math.pi)
        lat = CENTRE[0] + r * math.sin(a) / 111.2
        lon = CENTRE[1] + r * math.cos(a) / (111.2 * math.cos(math.radians(CENTRE[0])))
        kind = rng.random()
        demand = {}
        if kind < 0.25:  # dry-grocery top-up: ambient only
            demand["ambient"] = _goods(rng, 150, 600)
        else:
            demand["chilled"] = _goods(rng, 60, 260)
            if rng.random() < 0.7:
                demand["frozen"] = _goods(rng, 30, 180)
            if rng.random() < 0.5:
                demand["ambient"] = _goods(rng, 40, 250)
        morning = rng.random() < 0.7
        start = rng.choice([360, 390, 420, 450]) if morning else rng.choice([600, 660, 720])
        width = rng.choice([120, 150, 180, 240])
        order = {
            "id": f"S{k:03d}",
            "location": [round(lat, 5), round(lon, 5)],
            "demand": demand,
            "tw_start_min": f"{start // 60:02d}:{start % 60:02d}",
            "tw_end_min": f"{(start + width) // 60:02d}:{(start + width) % 60:02d}",
            "service_min": rng.choice([10, 15, 20]),
        }
        if rng.random() < 0.05:
            order["reefer_only"] = True
        if k > 95:
            order["required"] = False
            order["priority"] = rng.randint(1, 3)
        orders.append(order)
    problem = {
        "name": "wuhan-cold-chain-demo",
        "coordinates": "wgs84",
        "detour_factor": 1.35,
        "speed_kmh": 28.0,
        "operating_days_per_year": 360,
        "year": 2025,
        "prices": {"diesel_cny_per_l": 7.6, "electricity_cny_per_kwh": 0.85},
        "emission_weights": {
            "kgco2e_per_l_diesel": 2.68,
            "kgco2e_per_kwh": 0.4044,
            "source": (
                "diesel: IPCC 2006 Vol.2 Ch.1 (NCV 43.0 TJ/Gg, 74,100 kgCO2/TJ) x 0.84 kg/L; "
                "electricity: MEE/NBS 2023 Hubei provincial average 0.4044 kgCO2/kWh. "
                "Placeholders until the carbon engine supplies them."
            ),
        },
        "depots": [
            {"id": "DC-Dongxihu", "location": list(DC), "open_min": "05:00", "close_min": "21:00"}
        ],
        "vehicle_types": [
            {
                "id": "reefer-4.2m-diesel",
                "count": 30,
                "depot": "DC-Dongxihu",
                "compartments": {
                    "frozen": {"weight_kg": 900, "volume_m3": 6.0, "pallets": 3},
                    "chilled": {"weight_kg": 1100, "volume_m3": 8.0, "pallets": 4},
                    "ambient": {"weight_kg": 600, "volume_m3": 4.0, "pallets": 2},
                },
                "max_payload_kg": 2400,
                "energy": "diesel",
                "vehicle_class": "rigid_3.5-7.5t_diesel",
                "reefer_class": "diesel_independent",
                "fixed_cost_cny": 650,
                "cost_per_km_cny": 1.1,
                "cost_per_h_cny": 45,
                "shift_start_min": "05:00",
                "shift_end_min": "20:00",
                "max_duration_min": 600,
            },
            {
                "id": "ev-van-chilled",
                "count": 10,
                "depot": "DC-Dongxihu",
                "compartments": {
                    "chilled": {"weight_kg": 700, "volume_m3": 5.0, "pallets": 2},
                    "ambient": {"weight_kg": 400, "volume_m3": 3.0, "pallets": 1},
                },
                "max_payload_kg": 1000,
                "energy": "electricity",
                "vehicle_class": "van_class3_bev",
                "reefer_class": "electric",
                "fixed_cost_cny": 420,
                "cost_per_km_cny": 0.6,
                "cost_per_h_cny": 40,
                "shift_start_min": "05:00",
                "shift_end_min": "20:00",
                "max_duration_min": 480,
            },
            {
                "id": "box-7.6m-diesel",
                "count": 6,
                "depot": "DC-Dongxihu",
                "compartments": {"ambient": {"weight_kg": 5000, "volume_m3": 40.0, "pallets": 12}},
                "energy": "diesel",
                "vehicle_class": "rigid_7.5-17t_diesel",
                "fixed_cost_cny": 700,
                "cost_per_km_cny": 1.4,
                "cost_per_h_cny": 45,
                "shift_start_min": "05:00",
                "shift_end_min": "20:00",
                "max_duration_min": 600,
            },
        ],
        "areas": [{"id": "inner-city", "polygon": [list(p) for p in INNER]}],
        "restrictions": [
            {
                "vehicle_types": ["reefer-4.2m-diesel"],
                "area": "inner-city",
                "window": ["07:00", "09:00"],
                "reason": "illustrative peak-hour ban for diesel trucks (not the official rule)",
            },
            {
                "vehicle_types": ["box-7.6m-diesel"],
                "area": "inner-city",
                "reason": "illustrative all-day ban for medium trucks (not the official rule)",
            },
        ],
        "orders": orders,
    }
    print(
        "# Synthetic one-day cold-chain problem in Wuhan; generated by make_wuhan.py (seed "
        f"{SEED}).\n# Locations, demands and fleet are made up; the restriction rules are "
        "illustrative, not the official ones."
    )
    print(yaml.safe_dump(problem, sort_keys=False, allow_unicode=True, width=100))


def _goods(rng: random.Random, lo: float, hi: float) -> dict[str, float]:
    kg = round(rng.uniform(lo, hi))
    return {
        "weight_kg": kg,
        "volume_m3": round(kg / 260.0, 2),
        "pallets": math.ceil(kg / 250.0 * 2) / 2,
    }


if __name__ == "__main__":
    main()
