"""Benchmark: the sizing LP (parkzero.energy.sizing, HiGHS via highspy) against the same model
built in PyPSA (linopy → HiGHS), for 8,760 hourly and 35,040 quarter-hour steps.

Model compared (the demo park, examples/demo-park/energy.yaml): load, rooftop PV (extendable up
to the roof bound, production profile from parkzero.energy.pv), a battery with a fixed 2-hour
energy/power ratio (PyPSA StorageUnit max_hours), Hubei 2024 TOU import prices, exports paid at
min(export price, import price) and never above the PV output (a linopy constraint added with
``extra_functionality``), cyclic state of charge. Left out on both sides because PyPSA has no
native form for them: demand charges, the EV fleet and chargers, and the SOC floor (set to 0).
parkzero's REopt storage rows (charge + discharge ≤ P, charging alone within capacity) have no
PyPSA counterpart; they do not bind at the optimum, so the objectives must agree to 1e-6.

Targets (issue 5): 8,760 steps ≤ 10 s, 35,040 steps ≤ 60 s; printed with the time ratio.

    .venv/bin/python benchmarks/energy.py [--only 1h|15min] [--solver simplex|ipm] [--forecast]

parkzero uses HiGHS dual simplex at 8,760 steps and interior point without crossover at 35,040
(the objective is within the IPM tolerance, far inside 1e-6); PyPSA uses HiGHS defaults.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "demo-park" / "energy.yaml"
MAX_HOURS = 2.0


def _inputs(freq: str):  # type: ignore[no-untyped-def]
    from parkzero.energy.models import BatteryParams, GridParams
    from parkzero.energy.scenario import load_scenario

    sc = load_scenario(SCENARIO, freq=freq)
    inp = sc.sizing_input()
    bat = BatteryParams.default(
        soc_min=0.0,
        soc_max=1.0,
        min_duration_h=MAX_HOURS,
        max_duration_h=MAX_HOURS,
        capex_cny_per_kw=0.0,
    )
    tariff = dataclasses.replace(
        sc.tariff, demand_charge=0.0, demand_periods=(), capacity_charge=0.0
    )
    return dataclasses.replace(
        inp,
        tariff=tariff,
        battery=bat,
        chargers=None,
        fleet=None,
        pv=dataclasses.replace(inp.pv, existing_kw=0.0, min_kw=0.0),
        grid=GridParams(
            export_limit_kw=inp.grid.export_limit_kw, import_limit_kw=inp.grid.import_limit_kw
        ),
    )


def run_parkzero(inp, solver: str = "choose") -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from parkzero.energy.models import SolverParams
    from parkzero.energy.sizing import size_system

    t0 = time.perf_counter()
    r = size_system(inp, SolverParams(threads=1, solver=solver, crossover=False))
    return time.perf_counter() - t0, r.objective_cny


def run_pypsa(inp) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    import warnings

    import pandas as pd
    import pypsa

    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*Auxiliary coordinate.*")

    from parkzero.energy.finance import capital_recovery_factor as crf
    from parkzero.energy.tariffs import export_price_series, price_series

    logging.getLogger("pypsa").setLevel(logging.ERROR)
    logging.getLogger("linopy").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    T = len(inp.index)
    dt = inp.step_h
    w = 8760.0 / (T * dt)
    fin, pv, b = inp.finance, inp.pv, inp.battery
    snaps = pd.RangeIndex(T, name="snapshot")
    price = price_series(inp.tariff, inp.index).to_numpy()
    exp_price = np.minimum(export_price_series(inp.tariff, inp.index).to_numpy(), price)
    n = pypsa.Network()
    n.set_snapshots(snaps)
    n.snapshot_weightings = n.snapshot_weightings.astype(float)
    n.snapshot_weightings.loc[:, "objective"] = dt * w
    n.snapshot_weightings.loc[:, "generators"] = dt
    n.snapshot_weightings.loc[:, "stores"] = dt
    n.add("Bus", "site")
    n.add("Load", "load", bus="site", p_set=pd.Series(inp.load_kw, index=snaps))
    big = float(inp.load_kw.max()) * 10
    imp_cap = inp.grid.import_limit_kw if np.isfinite(inp.grid.import_limit_kw) else big
    n.add(
        "Generator", "grid", bus="site", p_nom=imp_cap, marginal_cost=pd.Series(price, index=snaps)
    )
    exp_cap = inp.grid.export_limit_kw if np.isfinite(inp.grid.export_limit_kw) else big
    n.add(
        "Generator",
        "export",
        bus="site",
        p_nom=exp_cap,
        p_min_pu=-1.0,
        p_max_pu=0.0,
        marginal_cost=pd.Series(exp_price, index=snaps),
    )
    pv_cost = (
        pv.capex_cny_per_kw * (1 - pv.subsidy_fraction) * crf(fin.discount_rate, pv.lifetime_years)
    )
    n.add(
        "Generator",
        "pv",
        bus="site",
        p_nom_extendable=True,
        p_nom_max=pv.max_kw,
        p_max_pu=pd.Series(inp.pv_kw_per_kwp, index=snaps),
        capital_cost=pv_cost + pv.om_cny_per_kw_year,
    )
    e_cost = b.capex_cny_per_kwh * (crf(fin.discount_rate, b.lifetime_years) + b.om_fraction)
    n.add(
        "StorageUnit",
        "battery",
        bus="site",
        p_nom_extendable=True,
        max_hours=MAX_HOURS,
        efficiency_store=b.charge_efficiency,
        efficiency_dispatch=b.discharge_efficiency,
        cyclic_state_of_charge=True,
        capital_cost=e_cost * MAX_HOURS,
    )

    def export_from_pv(net, snapshots):  # type: ignore[no-untyped-def]
        p = net.model["Generator-p"]
        # the two selections carry different 'name' labels; linopy aligns them by snapshot
        net.model.add_constraints(-p.sel(name="export") <= p.sel(name="pv"), name="export_le_pv")

    n.optimize(
        solver_name="highs",
        extra_functionality=export_from_pv,
        solver_options={"threads": 1, "output_flag": False},
        include_objective_constant=False,
        io_api="direct",
    )
    return time.perf_counter() - t0, float(n.objective + getattr(n, "objective_constant", 0.0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["1h", "15min"])
    parser.add_argument(
        "--forecast",
        action="store_true",
        help="also run benchmarks/energy_forecast.py (skill line)",
    )
    parser.add_argument(
        "--solver",
        default=None,
        help="HiGHS solver for parkzero (default: simplex at 1h, ipm at 15min)",
    )
    args = parser.parse_args(argv)
    freqs = [args.only] if args.only else ["1h", "15min"]
    targets = {"1h": 10.0, "15min": 60.0}
    rows = []
    for f in freqs:
        inp = _inputs(f)
        t_pz, obj_pz = run_parkzero(inp, args.solver or ("simplex" if f == "1h" else "ipm"))
        t_py, obj_py = run_pypsa(inp)
        rel = abs(obj_pz - obj_py) / max(abs(obj_py), 1.0)
        rows.append((len(inp.index), t_pz, targets[f], t_py, t_py / t_pz, obj_pz, obj_py, rel))
    print(
        f"{'steps':>7} {'parkzero_s':>11} {'target_s':>9} {'pypsa_s':>9} {'ratio':>7} "
        f"{'objective_parkzero':>19} {'objective_pypsa':>16} {'rel_diff':>9}"
    )
    ok = True
    for steps, t_pz, tgt, t_py, ratio, o1, o2, rel in rows:
        print(
            f"{steps:>7,} {t_pz:>11.2f} {tgt:>9.0f} {t_py:>9.2f} {ratio:>6.2f}x {o1:>19,.2f} {o2:>16,.2f} {rel:>9.1e}"
        )
        ok &= rel <= 1e-6 and t_pz <= tgt
    forecast = ROOT / "benchmarks" / "energy_forecast.py"
    if args.forecast and forecast.is_file():
        sys.path.insert(0, str(forecast.parent))
        saved = sys.argv
        sys.argv = [str(forecast)]
        try:
            import energy_forecast  # type: ignore[import-not-found]

            energy_forecast.main()
        finally:
            sys.argv = saved
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
