"""Baseline vs optimised on the Wuhan cold-chain example, the LeverResult, the loading plan."""

from __future__ import annotations

import datetime as dt

import pytest

from parkzero.routing import (
    LEVER_ID,
    RouteParams,
    baseline_plan,
    build_matrices,
    compare,
    loading_plan,
    parse_problem,
)


@pytest.fixture(scope="module")
def comparison(wuhan):  # type: ignore[no-untyped-def]
    return compare(wuhan, RouteParams(objective="hierarchical", time_limit_s=5, seed=0))


def test_optimised_plan_saves_vehicles_against_the_baseline(wuhan, comparison, checker) -> None:  # type: ignore[no-untyped-def]
    c = comparison
    assert checker(wuhan, c.baseline) == []
    assert checker(wuhan, c.optimised) == []
    assert c.baseline.feasible and c.optimised.feasible
    b, o = c.baseline_measures, c.optimised_measures
    assert b.served_orders == o.served_orders == 100
    # First-fit sweep baseline: 26 trucks. PyVRP in 5 s: 22-23, about a third fewer km.
    assert b.vehicles == 26
    assert o.vehicles <= 23
    assert (b.vehicles - o.vehicles) / b.vehicles >= 0.11
    assert o.distance_km < 0.7 * b.distance_km
    assert o.load_factor > b.load_factor
    assert o.reefer_h < b.reefer_h and o.diesel_l < b.diesel_l


def test_lever_result_reports_activity_not_co2(wuhan, comparison) -> None:  # type: ignore[no-untyped-def]
    lever = comparison.lever
    assert lever.lever == LEVER_ID == "routing.cold_chain"
    kinds = {(a.kind, a.unit) for a in lever.baseline + lever.scenario}
    assert kinds <= {("fuel.diesel.mobile", "L"), ("electricity.grid", "kWh")}
    diesel = sum(a.quantity for a in lever.scenario if a.kind == "fuel.diesel.mobile")
    assert diesel == pytest.approx(comparison.optimised_measures.diesel_l * 360)
    a = lever.scenario[0]
    assert (a.start, a.end, a.quality) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "estimated")
    m = lever.metrics
    assert m["vehicles_baseline"] == 26
    saved = 100 * (26 - m["vehicles_optimised"]) / 26
    assert m["vehicles_saved_pct"] == pytest.approx(saved, abs=0.01)
    assert lever.opex_delta_cny_per_year < 0
    assert lever.evidence["solver"] == "pyvrp" and len(lever.evidence["input_sha256"]) == 64
    assert not any("co2" in k.lower() for k in m)


def test_loading_plan_is_reverse_delivery_order(wuhan, comparison) -> None:  # type: ignore[no-untyped-def]
    for route in comparison.optimised.routes:
        vl = loading_plan(wuhan, route)
        vt = wuhan.vehicle_type(route.vehicle_type)
        total = 0.0
        for comp in vl.compartments:
            stops = [it.stop for it in comp.items]
            assert stops == sorted(stops, reverse=True)  # last delivery loaded first
            for meas, u in comp.utilisation.items():
                if u is not None:
                    assert u <= 1.0 + 1e-9, (route.vehicle_type, comp.zone, meas)
            places = [p for it in comp.items for p in it.pallet_places]
            assert places == list(range(1, len(places) + 1))
            total += comp.total("weight_kg")
        assert vl.payload_utilisation == pytest.approx(total / vt.payload_kg)


def test_loading_plan_numbers() -> None:
    p = parse_problem(
        {
            "coordinates": "euclidean",
            "depots": [{"id": "D", "location": [0, 0]}],
            "orders": [
                {
                    "id": "A",
                    "location": [1, 0],
                    "demand": {"frozen": {"weight_kg": 100, "pallets": 1.5}},
                },
                {
                    "id": "B",
                    "location": [2, 0],
                    "demand": {"frozen": {"weight_kg": 200, "pallets": 1}},
                },
            ],
            "vehicle_types": [
                {
                    "id": "T",
                    "count": 1,
                    "depot": "D",
                    "compartments": {"frozen": {"weight_kg": 600, "pallets": 4}},
                    "consumption_empty": 0.2,
                    "consumption_full": 0.2,
                }
            ],
        }
    )
    from parkzero.routing.solve import schedule

    route = schedule(p, build_matrices(p), "T", ["A", "B"])
    vl = loading_plan(p, route)
    (frozen,) = vl.compartments
    assert [(i.order, i.pallet_places) for i in frozen.items] == [("B", (1,)), ("A", (2, 3))]
    assert frozen.utilisation == {"weight_kg": 0.5, "volume_m3": None, "pallets": 0.625}
    assert vl.payload_utilisation == 0.5


def test_current_plan_is_the_baseline_when_given(wuhan_small) -> None:  # type: ignore[no-untyped-def]
    ids = [o.id for o in wuhan_small.orders]
    current = [{"vehicle_type": "reefer-4.2m-diesel", "orders": [i]} for i in ids]
    p = wuhan_small.model_copy(update={"current_plan": tuple(parse_problem_current(current))})
    base = baseline_plan(p)
    assert len(base.routes) == 30 and base.evidence["baseline"] == "current_plan"


def parse_problem_current(rows):  # type: ignore[no-untyped-def]
    from parkzero.routing.models import CurrentRoute

    return [CurrentRoute(**r) for r in rows]
