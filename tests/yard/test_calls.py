"""Calling trucks to docks (叫号)."""

from __future__ import annotations

import pytest

from parkzero.errors import ConfigError
from parkzero.yard.calls import Call, next_calls
from parkzero.yard.problem import Assignment, Schedule

PLAN = Schedule(
    assignments=(
        Assignment("T1", "D1", 600, 630),
        Assignment("T2", "D2", 606, 640),
        Assignment("T3", "D1", 630, 660),
        Assignment("T4", "D3", 560, 600),
        Assignment("T5", "D3", 600, 620),
    ),
    objective=0.0,
    feasible=True,
)


def test_calls_within_lead_time_in_start_order() -> None:
    calls = next_calls(PLAN, 598, lead_min=10)
    # T5 (600, D3) and T1 (600, D1) tie on start: dock order; T2 at 606 ≤ 598 + 10; T3 at 630 not
    # yet; T4 started 38 min ago, beyond the 30-min grace
    assert calls == [
        Call("T1", "D1", 600, 2),
        Call("T5", "D3", 600, 2),
        Call("T2", "D2", 606, 8),
    ]


def test_already_called_and_absent_trucks_are_skipped() -> None:
    assert [c.truck for c in next_calls(PLAN, 598, 10, called={"T1", "T5"})] == ["T2"]
    assert [c.truck for c in next_calls(PLAN, 598, 10, present={"T2", "T3"})] == ["T2"]


def test_late_call_within_grace() -> None:
    calls = next_calls(PLAN, 585, lead_min=0, grace_min=30)
    assert calls == [Call("T4", "D3", 560, -25)]  # 25 min late, still called
    assert next_calls(PLAN, 585, lead_min=0, grace_min=20) == []


def test_bad_lead_time() -> None:
    with pytest.raises(ConfigError) as err:
        next_calls(PLAN, 0, lead_min=-5)
    assert err.value.column == "lead_min"
