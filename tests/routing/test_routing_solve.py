"""PyVRP model building: benchmark quality, restrictions, compartments, objectives, infeasibility."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parkzero.errors import ConfigError
from parkzero.routing import (
    RouteParams,
    build_matrices,
    measure,
    parse_problem,
    read_solomon,
    solve,
)
from parkzero.routing.evaluate import default_emission_weights

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "routing"
SHARED = REPO / "tests" / "data" / "vrptw"


def _bks(name: str) -> dict[str, float]:
    path = SHARED / "solomon_bks.csv"
    if not path.exists():
        pytest.fail("tests/data/vrptw/solomon_bks.csv is missing")
    with path.open() as fh:
        row = next(r for r in csv.DictReader(fh) if r["instance"] == name)
    return {k: float(v) for k, v in row.items() if k != "instance"}


def test_c101_dimacs_reaches_the_optimum(checker) -> None:  # type: ignore[no-untyped-def]
    p = read_solomon(EXAMPLES / "C101.txt")
    plan = solve(p, RouteParams(objective="dimacs", time_limit_s=2, seed=1))
    assert plan.feasible and checker(p, plan, dimacs=True) == []
    distance = sum(r.distance_km for r in plan.routes)
    assert distance == pytest.approx(_bks("C101")["dimacs_opt_distance_recalled"], rel=1e-3)
    assert plan.evidence["solver"] == "pyvrp"


def test_r201_hierarchical_uses_the_best_known_fleet(checker) -> None:  # type: ignore[no-untyped-def]
    p = read_solomon(EXAMPLES / "R201.txt")
    bks = _bks("R201")
    plan = solve(p, RouteParams(objective="hierarchical", time_limit_s=4, seed=0))
    assert plan.feasible and checker(p, plan) == []
    assert len(plan.routes) == bks["hier_bks_vehicles"] == 4
    distance = sum(r.distance_km for r in plan.routes)
    assert distance == pytest.approx(bks["hier_bks_distance"], rel=0.02)  # within 2 % of BKS


def _toy(**changes: object) -> dict:  # type: ignore[type-arg]
    """Two stores east of a depot; a reefer truck and an ambient van."""
    data = {
        "name": "toy",
        "coordinates": "euclidean",
        "speed_kmh": 60,
        "depots": [{"id": "D", "location": [0, 0], "close_min": 600}],
        "orders": [
            {
                "id": "A",
                "location": [10, 0],
                "demand": {"chilled": {"weight_kg": 300, "pallets": 1}},
                "tw_start_min": 0,
                "tw_end_min": 300,
                "service_min": 10,
            },
            {
                "id": "B",
                "location": [20, 0],
                "demand": {"ambient": {"weight_kg": 200, "pallets": 1}},
                "tw_start_min": 0,
                "tw_end_min": 300,
                "service_min": 10,
            },
        ],
        "vehicle_types": [
            {
                "id": "reefer",
                "count": 2,
                "depot": "D",
                "compartments": {
                    "chilled": {"weight_kg": 500, "pallets": 2},
                    "ambient": {"weight_kg": 500, "pallets": 2},
                },
                "consumption_empty": 0.2,
                "consumption_full": 0.3,
                "reefer_rate": 1.5,
                "fixed_cost_cny": 500,
            },
            {
                "id": "van",
                "count": 2,
                "depot": "D",
                "compartments": {"ambient": {"weight_kg": 800}},
                "energy": "electricity",
                "consumption_empty": 0.3,
                "consumption_full": 0.3,
                "fixed_cost_cny": 300,
            },
        ],
    }
    data.update(changes)
    return data


def test_one_reefer_serves_both_zones_in_one_trip(checker) -> None:  # type: ignore[no-untyped-def]
    p = parse_problem(_toy())
    plan = solve(p, RouteParams(time_limit_s=0.5))
    assert checker(p, plan) == []
    assert [(r.vehicle_type, r.orders) for r in plan.routes] == [("reefer", ["A", "B"])]
    assert plan.routes[0].distance_km == pytest.approx(40.0)


def test_all_day_ban_moves_the_order_to_another_vehicle(checker) -> None:  # type: ignore[no-untyped-def]
    data = _toy(restrictions=[{"vehicle_types": ["reefer"], "orders": ["B"], "reason": "限行"}])
    p = parse_problem(data)
    plan = solve(p, RouteParams(time_limit_s=0.5))
    assert checker(p, plan) == []
    assert sorted((r.vehicle_type, tuple(r.orders)) for r in plan.routes) == [
        ("reefer", ("A",)),
        ("van", ("B",)),
    ]


def test_windowed_ban_splits_the_window(checker) -> None:  # type: ignore[no-untyped-def]
    # Only the reefer may carry A; it is barred around A from 0:00 to 4:00, so it must unload
    # A after 240 min (it could arrive at 10).
    data = _toy(
        areas=[{"id": "centre", "polygon": [[5, -5], [15, -5], [15, 5], [5, 5]]}],
        restrictions=[
            {"vehicle_types": ["reefer"], "area": "centre", "window": ["00:00", "04:00"]}
        ],
    )
    p = parse_problem(data)
    plan = solve(p, RouteParams(time_limit_s=0.5))
    assert plan.feasible and checker(p, plan) == []
    stop_a = next(s for r in plan.routes for s in r.stops if s.order == "A")
    assert stop_a.start_min >= 240.0


def test_reefer_only_and_compartment_capacity(checker) -> None:  # type: ignore[no-untyped-def]
    data = _toy()
    data["orders"][1]["reefer_only"] = True
    data["orders"][0]["demand"]["chilled"]["pallets"] = 2
    data["orders"].append(
        {
            "id": "C",
            "location": [20, 1],
            "demand": {"chilled": {"weight_kg": 100, "pallets": 1}},
        }
    )
    p = parse_problem(data)
    plan = solve(p, RouteParams(time_limit_s=0.5))
    assert checker(p, plan) == []
    assert all(r.vehicle_type == "reefer" for r in plan.routes)
    assert len(plan.routes) == 2  # 3 chilled pallets do not fit one 2-pallet compartment


def test_impossible_orders_are_reported_by_order(checker) -> None:  # type: ignore[no-untyped-def]
    data = _toy()
    data["orders"].append(
        {"id": "HEAVY", "location": [5, 0], "demand": {"frozen": {"weight_kg": 50}}}
    )
    data["orders"].append(
        {
            "id": "LATE",
            "location": [300, 0],
            "demand": {"ambient": {"weight_kg": 10}},
            "tw_start_min": 0,
            "tw_end_min": 100,
        }
    )
    p = parse_problem(data)
    plan = solve(p, RouteParams(time_limit_s=0.5))
    reasons = {u.order: u.reason for u in plan.unserved}
    assert set(reasons) == {"HEAVY", "LATE"}
    assert "no frozen compartment" in reasons["HEAVY"]
    assert "cannot reach it" in reasons["LATE"]
    assert not plan.feasible
    assert checker(p, plan) == []  # nothing dropped silently


def test_fleet_too_small_is_not_silent(checker) -> None:  # type: ignore[no-untyped-def]
    data = _toy()
    data["vehicle_types"][0]["count"] = 1
    data["vehicle_types"][1]["count"] = 0
    data["orders"][0]["demand"]["chilled"]["weight_kg"] = 500
    data["orders"].append(
        {"id": "C", "location": [0, 10], "demand": {"chilled": {"weight_kg": 400}}}
    )
    p = parse_problem(data)
    plan = solve(p, RouteParams(time_limit_s=0.5))
    assert not plan.feasible
    assert checker(p, plan) == []  # the routes kept are feasible, the rest listed by order
    unserved = {u.order: u.reason for u in plan.unserved}
    assert len(unserved) == 1 and "fleet is too small" in next(iter(unserved.values()))
    assert "relaxed" in plan.evidence


def test_co2_weights_default_to_the_carbon_library() -> None:
    w = default_emission_weights("CN-HB", 2023)
    # MEE/NBS 2023 Hubei grid average; diesel from the library's fuel.diesel.mobile factor.
    assert w.kgco2e_per_kwh == pytest.approx(0.4044)
    assert 2.5 < w.kgco2e_per_l_diesel < 2.8
    assert "fuel.diesel.mobile" in w.source and "CN-HB/2023" in w.source
    p = parse_problem(_toy(region="CN-HB", year=2023))
    plan = solve(p, RouteParams(objective="co2", time_limit_s=0.3))
    assert ("van", ["B"]) in [(r.vehicle_type, r.orders) for r in plan.routes]


def test_co2_objective_prefers_the_electric_van() -> None:
    data = _toy(emission_weights={"kgco2e_per_l_diesel": 2.68, "kgco2e_per_kwh": 0.5})
    p = parse_problem(data)
    m = build_matrices(p)
    co2 = solve(p, RouteParams(objective="co2", time_limit_s=0.5), matrices=m)
    hier = solve(p, RouteParams(objective="hierarchical", time_limit_s=0.5), matrices=m)
    # Hierarchical: one reefer for both. CO2: B goes by the electric van.
    assert len(hier.routes) == 1
    assert ("van", ["B"]) in [(r.vehicle_type, r.orders) for r in co2.routes]
    assert measure(p, co2, m).co2e_kg < measure(p, hier, m).co2e_kg  # type: ignore[operator]


def test_cost_objective_counts_fixed_costs() -> None:
    data = _toy()
    data["vehicle_types"][0]["fixed_cost_cny"] = 50
    p = parse_problem(data)
    m = build_matrices(p)
    plan = solve(p, RouteParams(objective="cost", time_limit_s=0.5), matrices=m)
    meas = measure(p, plan, m)
    # One reefer, 40 km: 50 + diesel 7.5 CNY/L x (10 km at 500 kg + 10 km at 200 kg + 20 km
    # empty) + 0 per hour; reefer 1.5 L/h over the route duration.
    per_km = lambda kg: 0.2 + 0.1 * kg / 1000  # noqa: E731
    traction = 10 * per_km(500) + 10 * per_km(200) + 20 * per_km(0)
    hours = plan.routes[0].duration_min / 60
    assert meas.traction_diesel_l == pytest.approx(traction)
    assert meas.reefer_diesel_l == pytest.approx(1.5 * hours)
    assert meas.cost_cny == pytest.approx(50 + 7.5 * (traction + 1.5 * hours))


def test_bad_params_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown objective"):
        RouteParams(objective="fast")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="time limit"):
        RouteParams(time_limit_s=0)
