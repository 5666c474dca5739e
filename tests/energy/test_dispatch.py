"""Dispatch MILP: invariants (balance, SOC, export ≤ PV, EV energy), soft constraints, rolling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkzero.energy.dispatch import (
    DispatchInput,
    DispatchResult,
    SheddableLoad,
    dispatch_day_ahead,
    dispatch_rolling,
)
from parkzero.energy.ev import EVSession, step_window
from parkzero.energy.models import BatteryParams
from parkzero.energy.tariffs import load_tariffs, tariff_from_dict

IDX = pd.date_range("2024-07-01", periods=96 * 2, freq="15min", tz="Asia/Shanghai")
H = np.asarray(IDX.hour + IDX.minute / 60)
PV = 500 * np.clip(np.sin((H - 6) / 12 * np.pi), 0, None)
LOAD = 300 + 100 * ((H >= 8) & (H < 20)).astype(float)
BAT = BatteryParams.default(min_kwh=400, max_kwh=400, min_kw=200, max_kw=200)
HUBEI = load_tariffs()["hubei_2024"]


def _check_invariants(inp: DispatchInput, res: DispatchResult) -> None:
    s = res.schedule
    dt = 0.25
    supply = (
        s["import_kw"]
        + s["pv_kw"]
        + s["discharge_kw"]
        + s["v2g_kw"]
        + s["shed_kw"]
        + s["unserved_kw"]
    )
    demand = s["load_kw"] + s["ev_kw"] + s["charge_kw"] + s["export_kw"]
    assert np.allclose(supply, demand, atol=1e-5), "energy balance"
    assert (s["export_kw"] <= s["pv_kw"] + 1e-6).all(), "export above PV"
    assert (s["pv_kw"] <= s["pv_available_kw"] + 1e-6).all()
    assert ((s["import_kw"] > 1e-6) & (s["export_kw"] > 1e-6)).sum() == 0
    b = inp.battery
    if b is not None:
        assert (s["soc_kwh"] >= b.soc_min * b.max_kwh - 1e-6).all()
        assert (s["soc_kwh"] <= b.soc_max * b.max_kwh + 1e-6).all()
        assert ((s["charge_kw"] > 1e-6) & (s["discharge_kw"] > 1e-6)).sum() == 0
        soc = s["soc_kwh"].to_numpy()
        step = dt * (
            b.charge_efficiency * s["charge_kw"] - s["discharge_kw"] / b.discharge_efficiency
        )
        assert np.allclose(np.diff(soc), step.to_numpy()[1:], atol=1e-5), "SOC carries over"


def test_day_ahead_meets_every_ev_and_keeps_invariants() -> None:
    sessions = [EVSession(f"EV{i}", IDX[40 + 2 * i], IDX[72 + 2 * i], 60.0, 40.0) for i in range(5)]
    inp = DispatchInput(IDX, LOAD, PV, HUBEI, BAT, sessions, charger_kw_total=160)
    res = dispatch_day_ahead(inp, 0, 96)
    _check_invariants(inp, res)
    assert res.violations == []
    assert res.vehicles["delivered_kwh"].tolist() == pytest.approx([60.0] * 5, abs=1e-5)
    assert (res.schedule["ev_kw"] <= 160 + 1e-6).all()
    # charging sits in the cheap valley (12-14 h is Hubei's midday valley) where it can
    s = res.schedule
    valley = (s.index.hour >= 12) & (s.index.hour < 14)
    assert s.loc[valley, "ev_kw"].sum() * 0.25 == pytest.approx(300.0, abs=1e-4)


def test_infeasible_ev_is_a_reported_violation_not_a_crash() -> None:
    # needs 100 kWh in 1 h at 20 kW: at most 20 kWh can be delivered
    s = EVSession("late", IDX[60], IDX[64], 100.0, 20.0, priority=3)
    res = dispatch_day_ahead(DispatchInput(IDX, LOAD, PV, HUBEI, None, [s]), 0, 96)
    (v,) = [v for v in res.violations if v["kind"] == "ev_energy"]
    assert v["vehicle_id"] == "late" and v["amount"] == pytest.approx(80.0, abs=1e-4)
    assert not res.vehicles["feasible"].iloc[0]


def test_import_limit_too_low_sheds_by_priority_then_unserved() -> None:
    load = np.full(len(IDX), 500.0)
    shed = [
        SheddableLoad("lights", np.full(len(IDX), 50.0), priority=1),
        SheddableLoad("cold", np.full(len(IDX), 50.0), priority=5),
    ]
    inp = DispatchInput(
        IDX,
        load,
        np.zeros(len(IDX)),
        tariff_from_dict({"flat_price": 0.5}),
        import_limit_kw=430.0,
        shed=shed,
    )
    res = dispatch_day_ahead(inp, 0, 8)
    s = res.schedule
    # 70 kW short: the low-priority 50 kW goes first, then 20 kW of the high-priority one
    assert s["shed_kw"].tolist() == pytest.approx([70.0] * 8)
    assert s["unserved_kw"].max() == pytest.approx(0.0, abs=1e-9)
    assert {v["kind"] for v in res.violations} == {"load_shed"}
    inp2 = DispatchInput(
        IDX, load, np.zeros(len(IDX)), tariff_from_dict({"flat_price": 0.5}), import_limit_kw=300.0
    )
    res2 = dispatch_day_ahead(inp2, 0, 8)
    assert res2.schedule["unserved_kw"].tolist() == pytest.approx([200.0] * 8)
    assert "unserved_load" in {v["kind"] for v in res2.violations}


def test_demand_limit_peak_shaving_and_soft_excess() -> None:
    inp = DispatchInput(IDX, LOAD, PV * 0, HUBEI, BAT, demand_limit_kw=380.0)
    res = dispatch_day_ahead(inp, 0, 96)
    _check_invariants(inp, res)
    assert res.schedule["import_kw"].max() <= 380.0 + 1e-6
    tight = DispatchInput(IDX, LOAD, PV * 0, HUBEI, None, demand_limit_kw=350.0)
    res2 = dispatch_day_ahead(tight, 0, 96)
    (v,) = [v for v in res2.violations if v["kind"] == "demand_limit"]
    assert v["amount"] == pytest.approx(50.0)


def test_v2g_discharges_only_allowed_vehicles() -> None:
    sessions = [
        EVSession("v2g", IDX[64], IDX[96 + 28], 50.0, 50.0, v2g=True, battery_kwh=200.0),
        EVSession("plain", IDX[64], IDX[96 + 28], 50.0, 50.0),
    ]
    inp = DispatchInput(IDX, LOAD, PV, HUBEI, None, sessions, v2g=True)
    res = dispatch_rolling(inp, 0, 192, horizon_steps=192, replan_steps=192)
    _check_invariants(inp, res)
    assert res.schedule["v2g_kw"].sum() > 0  # evening critical peak 20-22 h pays for it
    assert res.vehicles["delivered_kwh"].tolist() == pytest.approx([50.0, 50.0], abs=1e-5)


def test_rolling_carries_state_between_windows() -> None:
    sessions = [EVSession("a", IDX[10], IDX[90], 80.0, 20.0)]
    inp = DispatchInput(IDX, LOAD, PV, HUBEI, BAT, sessions, soc_initial_kwh=200.0)
    res = dispatch_rolling(inp, 0, 96, horizon_steps=48, replan_steps=16)
    assert res.solves == 6
    _check_invariants(inp, res)
    s = res.schedule
    b = BAT
    first = 0.25 * (
        b.charge_efficiency * s["charge_kw"].iloc[0]
        - s["discharge_kw"].iloc[0] / b.discharge_efficiency
    )
    assert s["soc_kwh"].iloc[0] == pytest.approx(200.0 + first, abs=1e-6)
    assert res.vehicles["delivered_kwh"].iloc[0] == pytest.approx(80.0, abs=1e-5)


def test_bad_soc_initial_is_clipped_and_reported() -> None:
    inp = DispatchInput(IDX, LOAD, PV, HUBEI, BAT, soc_initial_kwh=1000.0)
    res = dispatch_day_ahead(inp, 0, 8)
    assert res.violations[0]["kind"] == "soc_initial"
    assert res.violations[0]["amount"] == pytest.approx(1000.0 - 0.95 * 400)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_ev=st.integers(0, 4),
    seed=st.integers(0, 10_000),
    batt=st.booleans(),
    pv_scale=st.floats(0, 800),
)
def test_random_small_cases_keep_invariants(
    n_ev: int, seed: int, batt: bool, pv_scale: float
) -> None:
    rng = np.random.default_rng(seed)
    T = 32
    idx = IDX[:T]
    load = rng.uniform(50, 400, T)
    pv = pv_scale * np.clip(np.sin((H[:T] - 6) / 12 * np.pi), 0, None)
    sessions = []
    for i in range(n_ev):
        a = int(rng.integers(0, T - 2))
        d = int(rng.integers(a + 1, T + 1))
        p = float(rng.uniform(5, 50))
        energy = float(rng.uniform(0, p * 0.25 * (d - a)))  # always feasible alone
        dep = idx[d] if d < T else idx[-1] + pd.Timedelta(minutes=15)
        sessions.append(EVSession(f"ev{i}", idx[a], dep, energy, p))
    inp = DispatchInput(idx, load, pv, HUBEI, BAT if batt else None, sessions)
    res = dispatch_day_ahead(inp, 0, T)
    _check_invariants(inp, res)
    for k, s in enumerate(sessions):
        a, d = step_window(s, idx)
        assert d <= T
        assert res.vehicles["delivered_kwh"].iloc[k] == pytest.approx(s.energy_kwh, abs=1e-4)
    assert not [v for v in res.violations if v["kind"] == "ev_energy"]
