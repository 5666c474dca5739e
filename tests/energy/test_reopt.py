"""REopt reference cases through parkzero's own scenario format (tests/data/energy/reopt/).

Expected values from NREL/REopt.jl test/runtests.jl (v0.56.4), see SOURCES.md there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parkzero.energy.dispatch import dispatch_day_ahead
from parkzero.energy.scenario import load_scenario
from parkzero.energy.sizing import size_system

REOPT = Path(__file__).parents[1] / "data" / "energy" / "reopt"


def test_no_techs_bills() -> None:
    sc = load_scenario(REOPT / "no_techs.yaml")
    r = size_system(sc.sizing_input())
    # 10,000 kWh × 0.10 = 1,000; 10000/8760 kW × 10 × 12 months = 136.99
    assert r.bill_bau_detail["energy_cny"] == pytest.approx(1000.0, rel=1e-9)
    assert r.bill_bau_detail["demand_cny"] == pytest.approx(136.99, abs=0.005)
    assert r.bill_detail == pytest.approx(r.bill_bau_detail)
    assert r.pv_kw == 0 and r.battery_kwh == 0


def test_net_metering_pv_is_the_limit() -> None:
    sc = load_scenario(REOPT / "net_metering.yaml")
    assert len(sc.load_kw) == 8760 and sc.load_kw[0] == pytest.approx(10.0)
    r = size_system(sc.sizing_input())
    assert r.pv_kw == pytest.approx(30.0, abs=1e-6)
    assert r.net_metering
    # exports credited at the retail rate: 30 kW × Σ production factor (1,086.6 kWh/kW) minus
    # what the flat 10 kW load takes at once
    cf = sc.pv_kw_per_kwp
    assert cf is not None
    export = np.maximum(30 * cf - 10.0, 0).sum()
    assert r.pv_export_kwh == pytest.approx(export, rel=1e-6)
    assert r.bill_detail["export_credit_cny"] == pytest.approx(0.2106 * export, rel=1e-6)


def test_net_metering_without_the_limit_sizes_for_self_consumption() -> None:
    # the second LP alone (no net metering, unpaid exports) gives a smaller system
    from dataclasses import replace

    sc = load_scenario(REOPT / "net_metering.yaml")
    inp = sc.sizing_input()
    r = size_system(replace(inp, grid=replace(inp.grid, net_metering_limit_kw=None)))
    assert 0 < r.pv_kw < 30.0


def test_mpc_grid_limits_and_no_export() -> None:
    sc = load_scenario(REOPT / "mpc.yaml")
    res = dispatch_day_ahead(sc.dispatch_input(), 0, 24)
    imp = res.schedule["import_kw"].to_numpy()
    assert imp[:15].max() <= 98.0 + 1e-6
    assert imp[15:].max() <= 97.0 + 1e-6
    assert res.schedule["export_kw"].sum() == pytest.approx(0.0, abs=1e-9)
    assert imp[9] <= 90.0 + 1e-6
    assert res.violations == []
    # grid-to-load (import minus grid charging) is what REopt bounds; ours bounds all import
    assert (imp - res.schedule["charge_kw"].to_numpy()).max() <= 98.0 + 1e-6
