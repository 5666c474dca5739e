"""Invariant: whatever the input, every returned plan passes the independent checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkzero.routing import RouteParams, parse_problem, solve

zones = st.sampled_from(["frozen", "chilled", "ambient"])


@st.composite
def problems(draw: st.DrawFn) -> dict:  # type: ignore[type-arg]
    n = draw(st.integers(1, 8))
    orders = []
    for k in range(n):
        start = draw(st.integers(0, 400))
        demand = {
            z: {"weight_kg": draw(st.integers(1, 400)), "pallets": draw(st.integers(0, 2))}
            for z in draw(st.sets(zones, min_size=1, max_size=3))
        }
        order = {
            "id": f"O{k}",
            "location": [draw(st.integers(-30, 30)), draw(st.integers(-30, 30))],
            "demand": demand,
            "tw_start_min": start,
            "tw_end_min": start + draw(st.integers(0, 200)),
            "service_min": draw(st.integers(0, 20)),
            "reefer_only": draw(st.booleans()),
        }
        orders.append(order)
    restrictions = []
    if draw(st.booleans()):
        a = draw(st.integers(0, 400))
        restrictions.append(
            {
                "vehicle_types": ["reefer"],
                "orders": ["O0"],
                "window": [a, a + draw(st.integers(1, 200))],
            }
        )
    return {
        "coordinates": "euclidean",
        "speed_kmh": 40,
        "depots": [{"id": "D", "location": [0, 0], "close_min": 720}],
        "orders": orders,
        "restrictions": restrictions,
        "vehicle_types": [
            {
                "id": "reefer",
                "count": draw(st.integers(1, 3)),
                "depot": "D",
                "compartments": {
                    "frozen": {"weight_kg": 500, "pallets": 3},
                    "chilled": {"weight_kg": 500, "pallets": 3},
                    "ambient": {"weight_kg": 300, "pallets": 2},
                },
                "max_payload_kg": 1000,
                "consumption_empty": 0.2,
                "consumption_full": 0.3,
                "max_duration_min": draw(st.sampled_from([240, 480])),
            },
            {
                "id": "van",
                "count": draw(st.integers(0, 2)),
                "depot": "D",
                "compartments": {"ambient": {"weight_kg": 600}},
                "energy": "electricity",
                "consumption_empty": 0.3,
                "consumption_full": 0.3,
            },
        ],
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from(["hierarchical", "cost"]))
def test_every_plan_passes_the_checker(checker, data, objective) -> None:  # type: ignore[no-untyped-def]
    p = parse_problem(data)
    plan = solve(p, RouteParams(objective=objective, time_limit_s=0.1))
    assert checker(p, plan) == []
    if plan.feasible:
        assert not plan.unserved or all(
            not o.required for o in p.orders if o.id in {u.order for u in plan.unserved}
        )
