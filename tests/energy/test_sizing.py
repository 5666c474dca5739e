"""Sizing LP: hand-checked optima, REopt storage properties, export rules, chargers, LeverResult."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from parkzero.carbon.abatement import abatement
from parkzero.carbon.park import park_from_dict
from parkzero.energy.ev import EVSession, fleet_profile
from parkzero.energy.models import (
    BatteryParams,
    ChargerParams,
    FinanceParams,
    GridParams,
    PVParams,
    SolverParams,
)
from parkzero.energy.sizing import SizingInput, co2e_avoided_t, size_system
from parkzero.energy.tariffs import load_tariffs, tariff_from_dict
from parkzero.errors import ConfigError

DAYS = 14
IDX = pd.date_range("2024-06-01", periods=24 * DAYS, freq="1h", tz="Asia/Shanghai")
HOUR = np.asarray(IDX.hour)
FIN0 = FinanceParams(discount_rate=0.0, analysis_years=10)


def _solar() -> np.ndarray:
    return np.clip(np.sin((HOUR + 0.5 - 6) / 12 * np.pi), 0, None)


def test_pv_sized_to_daytime_load() -> None:
    # PV produces 1 kW/kWp from 08:00 to 20:00; load 100 kW; exports unpaid. Each kWp up to
    # 100 saves 12 h × 365 × 1.0 = 4,380 CNY/yr for 1000 × CRF(6 %, 25) = 78.2 CNY/yr: PV = 100.
    cf = ((HOUR >= 8) & (HOUR < 20)).astype(float)
    inp = SizingInput(
        IDX,
        np.full(len(IDX), 100.0),
        tariff_from_dict({"flat_price": 1.0}),
        cf,
        pv=PVParams(1000.0, 0.0, 25.0, max_kw=1000.0),
        finance=FinanceParams(0.06, 25),
    )
    r = size_system(inp)
    assert r.pv_kw == pytest.approx(100.0, abs=1e-6)
    assert r.bill_cny == pytest.approx(100 * 12 * 365, rel=1e-9)  # nights only
    assert r.bill_bau_cny == pytest.approx(100 * 24 * 365, rel=1e-9)
    assert r.self_consumption == pytest.approx(1.0)
    assert r.self_sufficiency == pytest.approx(0.5)
    assert r.capex_cny == pytest.approx(100_000.0)
    # yearly saving 438,000 − O&M 0 on 100,000 capex: payback 100,000 / 438,000 yr
    assert r.payback_years == pytest.approx(100_000 / 438_000)


def test_battery_shifts_the_expensive_half_day() -> None:
    # 0.2 CNY/kWh 00-12 h, 1.0 CNY/kWh 12-24 h, load 10 kW, lossless battery at 100 CNY/kWh
    # over 10 yr at 0 % (10 CNY/kWh·yr) and 1 CNY/kW: shift 120 kWh/day (saves 0.8 × 120 × 365),
    # charging 10 kW for 12 h → 120 kWh, 10 kW.
    t = tariff_from_dict({"energy_rates": [0.2] * 12 + [1.0] * 12})
    bat = BatteryParams(100.0, 1.0, 0.0, 10.0, 1.0, 1.0, 0.0, 1.0)
    r = size_system(SizingInput(IDX, np.full(len(IDX), 10.0), t, battery=bat, finance=FIN0))
    assert r.battery_kwh == pytest.approx(120.0, rel=1e-6)
    assert r.battery_kw == pytest.approx(10.0, rel=1e-6)
    assert r.bill_bau_cny == pytest.approx(10 * 12 * (0.2 + 1.0) * 365)
    assert r.bill_cny == pytest.approx(10 * 24 * 0.2 * 365)


def _hubei_case(**grid: float) -> SizingInput:
    load = 300 + 200 * ((HOUR >= 8) & (HOUR < 20))
    return SizingInput(
        IDX,
        load.astype(float),
        load_tariffs()["hubei_2024"],
        _solar(),
        pv=PVParams.default(max_kw=1500),
        battery=BatteryParams.default(),
        grid=GridParams(**grid),
        region="湖北",
    )


@pytest.fixture(scope="module")
def hubei() -> object:
    return size_system(_hubei_case())


def test_no_simultaneous_charge_and_discharge(hubei) -> None:
    d = hubei.dispatch
    both = (d["charge_kw"] > 1e-6) & (d["discharge_kw"] > 1e-6)
    assert hubei.battery_kwh > 0 and not both.any()


def test_export_never_exceeds_pv_and_balance_holds(hubei) -> None:
    d = hubei.dispatch
    assert (d["export_kw"] <= d["pv_kw"] + 1e-6).all()
    assert (d["pv_kw"] <= d["pv_available_kw"] + 1e-6).all()
    lhs = d["import_kw"] + d["pv_kw"] + d["discharge_kw"]
    rhs = d["load_kw"] + d["ev_kw"] + d["charge_kw"] + d["export_kw"]
    assert np.allclose(lhs, rhs, atol=1e-5)
    b = BatteryParams.default()
    assert (d["soc_kwh"] >= b.soc_min * hubei.battery_kwh - 1e-6).all()
    assert (d["soc_kwh"] <= b.soc_max * hubei.battery_kwh + 1e-6).all()
    assert hubei.pv_kw == pytest.approx(1500.0)  # the roof bound binds at Hubei prices


def test_zero_export_connection() -> None:
    r = size_system(_hubei_case(export_limit_kw=0.0))
    assert r.dispatch["export_kw"].max() == pytest.approx(0.0, abs=1e-9)
    assert r.pv_export_kwh == pytest.approx(0.0, abs=1e-6)


def test_exact_export_milp_forbids_simultaneous_import_and_export() -> None:
    inp = _hubei_case(export_limit_kw=2000.0)
    r = size_system(inp, SolverParams(exact_export=True, mip_rel_gap=1e-6))
    assert r.model_size["integers"] > 0
    d = r.dispatch
    assert ((d["import_kw"] > 1e-6) & (d["export_kw"] > 1e-6)).sum() == 0


def test_lever_result_and_co2e_come_from_the_carbon_engine(hubei) -> None:
    lever = hubei.lever
    assert lever.lever == "energy.pv_storage"
    (base,), (scen,) = lever.baseline, lever.scenario
    assert base.kind == scen.kind == "electricity.grid" and base.unit == "kWh"
    assert base.quantity == pytest.approx(hubei.grid_import_bau_kwh)
    assert scen.quantity == pytest.approx(hubei.grid_import_kwh)
    park = park_from_dict({"park": {"id": "p", "name": "P", "region": "湖北", "base_year": 2024}})
    direct = abatement(park, lever, 2024).tco2e
    assert co2e_avoided_t(lever, "湖北", 2024) == pytest.approx(direct)
    assert direct > 0


def test_charger_count_is_a_documented_relaxation() -> None:
    # one van a day plugged 00:00-10:00 needing 100 kWh; 20 kW chargers: 100 / (20 × 10) = 0.5
    sessions = [EVSession("van", IDX[24 * d], IDX[24 * d + 10], 100.0, 50.0) for d in range(DAYS)]
    fleet = fleet_profile(sessions, IDX, 1.0)
    ch = ChargerParams(20.0, 10_000.0, 0.0, 10.0)
    r = size_system(
        SizingInput(
            IDX,
            np.full(len(IDX), 5.0),
            tariff_from_dict({"flat_price": 0.5}),
            chargers=ch,
            fleet=fleet,
            finance=FIN0,
        )
    )
    assert r.chargers == pytest.approx(0.5, rel=1e-6)
    assert r.chargers_installed == 1
    # baseline: one charger per plugged vehicle → the same 1 charger, no extra capex
    assert r.capex_cny == pytest.approx(0.0, abs=1e-6)
    integer = size_system(
        SizingInput(
            IDX,
            np.full(len(IDX), 5.0),
            tariff_from_dict({"flat_price": 0.5}),
            chargers=ChargerParams(20.0, 10_000.0, 0.0, 10.0, integer=True),
            fleet=fleet,
            finance=FIN0,
        )
    )
    assert integer.chargers == pytest.approx(1.0)
    assert integer.dispatch["ev_kw"].sum() == pytest.approx(100.0 * DAYS)


def test_demand_charge_is_shaved_by_the_battery() -> None:
    # a 1-hour 200 kW spike on a 100 kW load each day, 40 CNY/kW-month (480 CNY/kW·yr) against
    # 10 CNY/kWh·yr of lossless battery: shave to L where the 23-hour recharge at L − 100 refills
    # the 200 − L discharged: 23 (L − 100) = 200 − L → L = 2500 / 24 = 104.1667 kW, E = 95.833 kWh
    load = np.full(len(IDX), 100.0)
    load[HOUR == 18] = 200.0
    t = tariff_from_dict({"flat_price": 0.5, "demand_charge": 40})
    bat = BatteryParams(100.0, 0.0, 0.0, 10.0, 1.0, 1.0, 0.0, 1.0)
    r = size_system(SizingInput(IDX, load, t, battery=bat, finance=FIN0))
    assert r.dispatch["import_kw"].max() == pytest.approx(2500 / 24, rel=1e-6)
    assert r.battery_kwh == pytest.approx(100 * 23 / 24, rel=1e-6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"load_kw": np.ones(5)}, "load has 5 steps"),
        ({"load_kw": -np.ones(len(IDX))}, "finite and >= 0"),
        ({"pv_kw_per_kwp": np.full(len(IDX), 3.0)}, "0-1.5 kW/kWp"),
    ],
)
def test_bad_input_is_a_config_error(change: dict, message: str) -> None:
    base = dict(
        index=IDX,
        load_kw=np.ones(len(IDX)),
        tariff=tariff_from_dict({"flat_price": 0.5}),
        pv_kw_per_kwp=_solar(),
        pv=PVParams.default(),
    )
    base.update(change)
    with pytest.raises(ConfigError, match=message):
        size_system(SizingInput(**base))


def test_defaults_come_from_the_data_file() -> None:
    pv = PVParams.default()
    assert pv.capex_cny_per_kw == 2750 and pv.lifetime_years == 25
    assert math.isinf(pv.max_kw)
    with pytest.raises(ConfigError, match="unknown key"):
        PVParams.default(colour="red")
    with pytest.raises(ConfigError, match="soc_min < soc_max"):
        BatteryParams.default(soc_min=0.9, soc_max=0.5)
