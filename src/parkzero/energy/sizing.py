"""PV + battery + charger sizing: one LP over a full year, solved by HiGHS.

The model follows REopt (Cutler et al. 2017, *REopt: A Platform for Energy System Integration
and Optimization*, NREL/TP-7A40-70022): sizes and hourly (or 15-minute) dispatch are chosen
together to minimise the yearly cost

    Σ_tech annualised capex + O&M                           (CRF from discount rate and life)
  + L · [ Σ_t price_t · import_t · Δt · w                   (TOU energy, CNY/kWh)
        + Σ_(month, period) rate · peak                      (demand charges, 基本电费)
        − Σ_t export_price_t · export_t · Δt · w ]           (PV export)

with L the levelisation of electricity-price escalation and w = 8760 h / (T Δt) scaling the
horizon to a year. Per step t (all in kW, state of charge in kWh):

* balance       import + pv + discharge = load + ev + charge + export
* PV            pv ≤ cf_t · P_pv  (curtailment allowed), P_pv ≤ roof limit
* export        export ≤ pv (and export + charge ≤ pv when the battery may not grid-charge):
                energy exported never came from the grid, so no valley-buy / peak-sell back
                to the grid; ``export ≤ export limit`` (0 = zero-export connection)
* state         soc_t = (1 − sd Δt) soc_{t−1} + Δt (η_c charge_t − discharge_t / η_d),
                cyclic over the horizon unless an initial state is given
* REopt (4h)    soc_{t−1} + Δt η_c charge_t ≤ soc_max · E: charging alone may not overfill
* REopt (4k)    charge_t + discharge_t ≤ P_b: the *power-bound* formulation; with losses it
                makes simultaneous charge and discharge unprofitable without binaries
* SOC floor     soc_t ≥ soc_min · E
* demand        import_t ≤ peak_(month, period) for each charged group
* EV fleet      ev_t ≤ plugged-in power, ev_t ≤ P_charger · N, cumulative energy within the
                fleet's bounds (:func:`parkzero.energy.ev.fleet_profile`)

The charger count N is continuous (documented relaxation; the report rounds it up) unless
``ChargerParams.integer``. Where the export price exceeds the import price (e.g. Hubei's midday
valley), buying and selling at once would pay, and that cost function is not convex: the LP
credits those exports at the import price (a conservative bound; the reported bill nets import
and export per step at true prices) unless ``SolverParams.exact_export`` adds one binary per such
step. Net metering with a size limit (REopt's ``net_metering_limit_kw``) is solved as two LPs —
PV within the limit with exports at the import price, and PV unbounded at the export price — and
the cheaper one kept; that is exact for REopt's one binary.

The model is built as arrays (scipy.sparse COO → CSC) and passed to HiGHS in one call; there is
no Python loop over steps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from parkzero.carbon.models import Activity, LeverResult
from parkzero.energy.ev import FleetProfile
from parkzero.energy.finance import (
    capital_recovery_factor,
    cash_flows,
    irr,
    levelisation_factor,
    npv,
    payback_years,
)
from parkzero.energy.models import (
    BatteryParams,
    ChargerParams,
    FinanceParams,
    GridParams,
    PVParams,
    SolverParams,
)
from parkzero.energy.tariffs import Tariff, bill, demand_groups, export_price_series, price_series
from parkzero.errors import ConfigError, InfeasibleError

__all__ = [
    "LEVER_ID",
    "SizingInput",
    "SizingResult",
    "co2e_avoided_t",
    "new_highs",
    "size_system",
]

LEVER_ID = "energy.pv_storage"


# --------------------------------------------------------------------------- LP builder


_BANNER_SHOWN = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    The first ``Highs()`` of a process prints a banner on the C-level stdout, which would corrupt
    ``--json`` output; it is sent to the null device.
    """
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        try:
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    return h


class _Model:
    """A sparse LP/MILP assembled block by block from numpy arrays."""

    def __init__(self) -> None:
        self.n = 0
        self.m = 0
        self._lb: list[np.ndarray] = []
        self._ub: list[np.ndarray] = []
        self._cost: list[np.ndarray] = []
        self._int: list[np.ndarray] = []
        self._r: list[np.ndarray] = []
        self._c: list[np.ndarray] = []
        self._v: list[np.ndarray] = []
        self._rlo: list[np.ndarray] = []
        self._rhi: list[np.ndarray] = []

    def var(
        self, n: int, lb: Any = 0.0, ub: Any = math.inf, cost: Any = 0.0, integer: bool = False
    ) -> np.ndarray:
        idx = np.arange(self.n, self.n + n)
        self._lb.append(np.broadcast_to(np.asarray(lb, float), (n,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, float), (n,)).copy())
        self._cost.append(np.broadcast_to(np.asarray(cost, float), (n,)).copy())
        self._int.append(np.full(n, integer))
        self.n += n
        return idx

    def rows(self, terms: Sequence[tuple[Any, Any]], lo: Any, hi: Any, m: int) -> np.ndarray:
        rid = np.arange(self.m, self.m + m)
        for cols, coef in terms:
            c = np.broadcast_to(np.asarray(cols, dtype=np.int64), (m,))
            v = np.broadcast_to(np.asarray(coef, dtype=float), (m,))
            keep = v != 0
            self._r.append(rid[keep])
            self._c.append(c[keep])
            self._v.append(v[keep])
        self._rlo.append(np.broadcast_to(np.asarray(lo, float), (m,)).copy())
        self._rhi.append(np.broadcast_to(np.asarray(hi, float), (m,)).copy())
        self.m += m
        return rid

    def add(self, rows: np.ndarray, cols: np.ndarray, coef: Any) -> None:
        """Add coefficients to rows made earlier (e.g. EV columns into the balance rows)."""
        r = np.asarray(rows, dtype=np.int64)
        self._r.append(r)
        self._c.append(np.asarray(cols, dtype=np.int64))
        self._v.append(np.broadcast_to(np.asarray(coef, float), r.shape).copy())

    def row(self, terms: Sequence[tuple[np.ndarray, float]], lo: float, hi: float) -> int:
        """One row over whole blocks of columns (e.g. a sum over all steps)."""
        rid = self.m
        for cols, coef in terms:
            c = np.asarray(cols, dtype=np.int64)
            self._r.append(np.full(len(c), rid))
            self._c.append(c)
            self._v.append(np.full(len(c), float(coef)))
        self._rlo.append(np.array([lo], float))
        self._rhi.append(np.array([hi], float))
        self.m += 1
        return rid

    def solve(self, params: SolverParams) -> tuple[highspy.Highs, np.ndarray, float]:
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = self.n
        lp.num_row_ = self.m
        lp.col_cost_ = np.concatenate(self._cost)
        lp.col_lower_ = np.clip(np.concatenate(self._lb), -inf, inf)
        lp.col_upper_ = np.clip(np.concatenate(self._ub), -inf, inf)
        lp.row_lower_ = np.clip(np.concatenate(self._rlo), -inf, inf)
        lp.row_upper_ = np.clip(np.concatenate(self._rhi), -inf, inf)
        a = sp.csc_matrix(
            (np.concatenate(self._v), (np.concatenate(self._r), np.concatenate(self._c))),
            shape=(self.m, self.n),
        )
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        integ = np.concatenate(self._int)
        if integ.any():
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if f else highspy.HighsVarType.kContinuous
                for f in integ
            ]
        h = new_highs()
        h.setOptionValue("time_limit", float(params.time_limit_s))
        if params.threads:
            h.setOptionValue("threads", int(params.threads))
        h.setOptionValue("mip_rel_gap", float(params.mip_rel_gap))
        h.setOptionValue("solver", params.solver)
        if params.solver == "ipm" and not params.crossover:
            h.setOptionValue("run_crossover", "off")
        h.passModel(lp)
        h.run()
        status = h.getModelStatus()
        ok = status == highspy.HighsModelStatus.kOptimal
        has_solution = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
        if not ok and not (status == highspy.HighsModelStatus.kTimeLimit and has_solution):
            raise InfeasibleError(f"HiGHS stopped with status {h.modelStatusToString(status)!r}")
        x = np.asarray(h.getSolution().col_value)
        return h, x, float(h.getInfo().objective_function_value)


# --------------------------------------------------------------------------- inputs and results


@dataclass(frozen=True)
class SizingInput:
    """Everything the sizing LP needs, as plain arrays on one time index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Start of each step; regular, hourly or 15-minute [-].
    load_kw : numpy.ndarray
        Site load without EV charging, mean over each step [kW].
    tariff : Tariff
    pv_kw_per_kwp : numpy.ndarray, optional
        PV output per kWp installed (production factor) [kW/kWp].
    pv, battery, chargers : params, optional
        None leaves the technology out [-].
    fleet : FleetProfile, optional
        EV charging flexibility (:func:`parkzero.energy.ev.fleet_profile`) [-].
    grid : GridParams
    finance : FinanceParams
    region : str, optional
        Province for the grid emission factor of the LeverResult [-].
    name : str
    """

    index: pd.DatetimeIndex
    load_kw: np.ndarray
    tariff: Tariff
    pv_kw_per_kwp: np.ndarray | None = None
    pv: PVParams | None = None
    battery: BatteryParams | None = None
    chargers: ChargerParams | None = None
    fleet: FleetProfile | None = None
    grid: GridParams = field(default_factory=GridParams)
    finance: FinanceParams = field(default_factory=FinanceParams.default)
    region: str | None = None
    name: str = "sizing"

    @property
    def step_h(self) -> float:
        """Step length [h]."""
        if len(self.index) < 2:
            return 1.0
        return float((self.index[1] - self.index[0]) / pd.Timedelta(hours=1))


@dataclass(frozen=True)
class SizingResult:
    """Sizes, economics and the dispatch of the sizing LP.

    Attributes
    ----------
    pv_kw, battery_kwh, battery_kw : float
        Optimal sizes [kWp], [kWh], [kW].
    chargers : float
        Optimal charger count (continuous unless integer was asked) [-].
    chargers_installed : int
        Count rounded up [-].
    capex_cny : float
        Investment relative to the baseline (PV + battery + chargers − baseline chargers) [CNY].
    annual_cost_cny, annual_cost_bau_cny : float
        Year-one bill plus annualised capex and O&M, with and without the investment [CNY/yr].
    bill_cny, bill_bau_cny : float
        Year-one electricity bill (energy + demand + capacity − export credit) [CNY/yr].
    bill_detail, bill_bau_detail : dict
        The bill by component [CNY/yr].
    npv_cny : float
        Net present value of the investment over the analysis period [CNY].
    irr : float or None
        [1/yr]
    payback_years : float or None
        Simple payback [yr].
    pv_generation_kwh, pv_export_kwh, pv_curtailed_kwh : float
        Yearly PV output used or exported, exported, curtailed [kWh/yr].
    grid_import_kwh, grid_import_bau_kwh : float
        Yearly grid import with and without [kWh/yr].
    self_consumption : float
        Share of PV output used on site [-].
    self_sufficiency : float
        Share of consumption (load + EV) not imported from the grid [-].
    objective_cny : float
        LP objective (annualised, levelised) [CNY/yr].
    net_metering : bool
        The net-metering alternative was the cheaper one [-].
    lever : LeverResult
        Grid kWh before and after, for the carbon engine [-].
    dispatch : pandas.DataFrame
        Per step: load, ev, pv_available, pv, import, export, charge, discharge, soc, price [kW, kWh, CNY/kWh].
    solve_s : float
        Build + solve time [s].
    model_size : dict
        Columns, rows, non-zeros, integers [-].
    """

    pv_kw: float
    battery_kwh: float
    battery_kw: float
    chargers: float
    chargers_installed: int
    capex_cny: float
    annual_cost_cny: float
    annual_cost_bau_cny: float
    bill_cny: float
    bill_bau_cny: float
    bill_detail: dict[str, float]
    bill_bau_detail: dict[str, float]
    npv_cny: float
    irr: float | None
    payback_years: float | None
    pv_generation_kwh: float
    pv_export_kwh: float
    pv_curtailed_kwh: float
    grid_import_kwh: float
    grid_import_bau_kwh: float
    self_consumption: float
    self_sufficiency: float
    objective_cny: float
    net_metering: bool
    lever: LeverResult
    dispatch: pd.DataFrame
    solve_s: float
    model_size: dict[str, int]

    def summary(self) -> dict[str, Any]:
        """The stable JSON keys of ``parkzero energy size --json`` (without CO2) [mixed units]."""
        return {
            "pv_kw": round(self.pv_kw, 3),
            "battery_kwh": round(self.battery_kwh, 3),
            "battery_kw": round(self.battery_kw, 3),
            "chargers": self.chargers_installed,
            "chargers_lp": round(self.chargers, 4),
            "capex_cny": round(self.capex_cny, 2),
            "npv_cny": round(self.npv_cny, 2),
            "irr": None if self.irr is None else round(self.irr, 5),
            "payback_years": None if self.payback_years is None else round(self.payback_years, 2),
            "annual_cost_cny": round(self.annual_cost_cny, 2),
            "annual_cost_bau_cny": round(self.annual_cost_bau_cny, 2),
            "bill_cny": round(self.bill_cny, 2),
            "bill_bau_cny": round(self.bill_bau_cny, 2),
            "bill": {k: round(v, 2) for k, v in self.bill_detail.items()},
            "bill_bau": {k: round(v, 2) for k, v in self.bill_bau_detail.items()},
            "pv_generation_kwh": round(self.pv_generation_kwh, 1),
            "pv_export_kwh": round(self.pv_export_kwh, 1),
            "pv_curtailed_kwh": round(self.pv_curtailed_kwh, 1),
            "grid_import_kwh": round(self.grid_import_kwh, 1),
            "grid_import_bau_kwh": round(self.grid_import_bau_kwh, 1),
            "self_consumption": round(self.self_consumption, 4),
            "self_sufficiency": round(self.self_sufficiency, 4),
            "net_metering": self.net_metering,
            "solve_s": round(self.solve_s, 3),
            "steps": len(self.dispatch),
        }


# --------------------------------------------------------------------------- the model


def _annualised(capex: float, om: float, life: float, fin: FinanceParams) -> float:
    return capex * capital_recovery_factor(fin.discount_rate, life) + om


@dataclass
class _Built:
    model: _Model
    cols: dict[str, np.ndarray]
    groups: list[Any]
    export_price: np.ndarray


def _build(inp: SizingInput, params: SolverParams, *, nem: bool | None) -> _Built:
    T = len(inp.index)
    dt_h = inp.step_h
    w = 8760.0 / (T * dt_h)
    fin = inp.finance
    lev = levelisation_factor(fin.discount_rate, fin.analysis_years, fin.electricity_escalation)
    load = np.asarray(inp.load_kw, dtype=float)
    price = price_series(inp.tariff, inp.index).to_numpy()
    exp_price = price.copy() if nem else export_price_series(inp.tariff, inp.index).to_numpy()
    exact = params.exact_export and not nem
    swap = exp_price > price
    exp_price_lp = exp_price if exact else np.minimum(exp_price, price)
    grid = inp.grid
    M = _Model()
    cols: dict[str, np.ndarray] = {}

    # sizes
    pv = inp.pv
    cf = (
        np.zeros(T)
        if inp.pv_kw_per_kwp is None or pv is None
        else np.asarray(inp.pv_kw_per_kwp, float)
    )
    if pv is not None:
        pv_hi = (
            pv.max_kw
            if not nem or grid.net_metering_limit_kw is None
            else min(pv.max_kw, grid.net_metering_limit_kw)
        )
        pv_lo = min(max(pv.min_kw, pv.existing_kw), pv_hi)
        cost = _annualised(
            pv.capex_cny_per_kw * (1 - pv.subsidy_fraction),
            pv.om_cny_per_kw_year,
            pv.lifetime_years,
            fin,
        )
        cols["P_pv"] = M.var(1, pv_lo, pv_hi, cost)
    else:
        cols["P_pv"] = M.var(1, 0, 0)
    b = inp.battery
    if b is not None:
        ce = _annualised(
            b.capex_cny_per_kwh, b.om_fraction * b.capex_cny_per_kwh, b.lifetime_years, fin
        )
        cp = _annualised(
            b.capex_cny_per_kw, b.om_fraction * b.capex_cny_per_kw, b.lifetime_years, fin
        )
        cols["E_b"] = M.var(1, b.min_kwh, b.max_kwh, ce)
        cols["P_b"] = M.var(1, b.min_kw, b.max_kw, cp)
    ch_p = inp.chargers
    fleet = inp.fleet
    if ch_p is not None and fleet is not None:
        cu = _annualised(
            ch_p.capex_cny_per_unit,
            ch_p.om_fraction * ch_p.capex_cny_per_unit,
            ch_p.lifetime_years,
            fin,
        )
        cols["N_ch"] = M.var(1, ch_p.min_count, ch_p.max_count, cu, integer=ch_p.integer)

    # per-step flows
    imp_ub = np.broadcast_to(np.asarray(grid.import_limit_kw, float), (T,))
    exp_ub = np.broadcast_to(np.asarray(grid.export_limit_kw, float), (T,))
    e_cost = dt_h * w * lev
    cols["imp"] = M.var(T, 0, imp_ub, price * e_cost)
    cols["exp"] = M.var(T, 0, exp_ub if pv is not None else 0.0, -exp_price_lp * e_cost)
    # curtailment instead of PV used: pv_t = cf_t · P_pv − curt_t; curt_t ≤ cf_t · P_pv follows
    # from 0 ≤ export_t ≤ pv_t, which saves one row per step
    cols["curt"] = M.var(T, 0, np.where(cf > 0, math.inf, 0.0) if pv is not None else 0.0)
    imp, exp, curt = cols["imp"], cols["exp"], cols["curt"]
    P_pv = cols["P_pv"][0]
    balance_terms: list[tuple[Any, Any]] = [(imp, 1.0), (P_pv, cf), (curt, -1.0), (exp, -1.0)]
    if b is not None:
        cols["ch"] = M.var(T)
        cols["dis"] = M.var(T)
        cols["soc"] = M.var(T)  # headroom above the floor: soc − soc_min · E ≥ 0 [kWh]
        balance_terms += [(cols["dis"], 1.0), (cols["ch"], -1.0)]
    if fleet is not None:
        cols["ev"] = M.var(T, 0, fleet.available_kw)
        cols["evc"] = M.var(T, fleet.lower_kwh - 1e-9, fleet.upper_kwh + 1e-9)
        balance_terms.append((cols["ev"], -1.0))
    M.rows(balance_terms, load, load, T)
    if pv is not None:
        ex_terms: list[tuple[Any, Any]] = [(exp, 1.0), (P_pv, -cf), (curt, 1.0)]
        if b is not None and not b.can_grid_charge:
            ex_terms.append((cols["ch"], 1.0))
        M.rows(ex_terms, -math.inf, 0.0, T)
    elif b is not None and not b.can_grid_charge:
        M.rows([(cols["ch"], 1.0)], 0.0, 0.0, T)
    if b is not None:
        ch, dis, head = cols["ch"], cols["dis"], cols["soc"]
        E, P = cols["E_b"][0], cols["P_b"][0]
        keep = 1.0 - b.self_discharge_per_h * dt_h
        prev = np.roll(head, 1)
        prev_coef = np.full(T, -keep)
        e_dyn = np.full(T, (1.0 - keep) * b.soc_min)
        e_4h = np.full(T, -(b.soc_max - b.soc_min))
        if b.soc_initial is not None:  # soc before the first step = soc_initial · E
            prev_coef[0] = 0.0
            e_dyn[0] = b.soc_min - keep * b.soc_initial
            e_4h[0] = b.soc_initial - b.soc_max
        eta_c, eta_d = b.charge_efficiency, b.discharge_efficiency
        M.rows(
            [(head, 1.0), (prev, prev_coef), (E, e_dyn), (ch, -dt_h * eta_c), (dis, dt_h / eta_d)],
            0.0,
            0.0,
            T,
        )
        # REopt (4h): charging alone may not lift the state of charge above soc_max · E
        M.rows([(prev, -prev_coef / keep), (ch, dt_h * eta_c), (E, e_4h)], -math.inf, 0.0, T)
        # REopt (4k): charge + discharge ≤ power capacity (the power-bound formulation)
        M.rows([(ch, 1.0), (dis, 1.0), (P, -1.0)], -math.inf, 0.0, T)
        if b.min_duration_h > 0:
            M.rows([(E, 1.0), (P, -b.min_duration_h)], 0.0, math.inf, 1)
        if math.isfinite(b.max_duration_h):
            M.rows([(E, 1.0), (P, -b.max_duration_h)], -math.inf, 0.0, 1)
    if fleet is not None:
        ev, evc = cols["ev"], cols["evc"]
        prev_c = np.roll(evc, 1)
        coef = np.full(T, -1.0)
        coef[0] = 0.0
        M.rows([(evc, 1.0), (prev_c, coef), (ev, -dt_h)], 0.0, 0.0, T)
        if "N_ch" in cols:
            assert ch_p is not None
            M.rows([(ev, 1.0), (cols["N_ch"][0], -ch_p.power_kw)], -math.inf, 0.0, T)
    # demand charges
    groups = demand_groups(inp.tariff, inp.index)
    months = max(1, len({g.label.split(" ")[0] for g in groups if g.label[:4].isdigit()}))
    d_scale = (12.0 / months if w != 1.0 else 1.0) * lev
    for g in groups:
        pk = M.var(1, g.previous_peak_kw, math.inf, g.rate * d_scale)
        M.rows([(imp[g.steps], 1.0), (pk[0], -1.0)], -math.inf, 0.0, len(g.steps))
    # net metering: credited exports no more than imports over the horizon
    if nem:
        M.row([(exp, 1.0), (imp, -1.0)], -math.inf, 0.0)
    # exact export: no import while exporting where exporting pays more than importing
    if exact and pv is not None:
        where = np.flatnonzero(swap & (cf > 0))
        if len(where):
            big = float(np.nanmax(np.where(np.isfinite(imp_ub), imp_ub, np.nan), initial=0.0))
            if not math.isfinite(big) or big <= 0:
                big = float(load.max() + (fleet.available_kw.max() if fleet is not None else 0.0))
                if b is not None and math.isfinite(b.max_kw):
                    big += b.max_kw
                big *= 2.0
            z = M.var(len(where), 0, 1, 0.0, integer=True)
            M.rows([(imp[where], 1.0), (z, big)], -math.inf, big, len(where))
            cap = float(pv.max_kw) if math.isfinite(pv.max_kw) else big
            exp_big = max(cap * float(cf.max(initial=0.0)), 1.0)
            M.rows([(exp[where], 1.0), (z, -exp_big)], -math.inf, 0.0, len(where))
    return _Built(M, cols, groups, exp_price)


def _solve_one(
    inp: SizingInput, params: SolverParams, nem: bool | None
) -> tuple[_Built, np.ndarray, float, int]:
    built = _build(inp, params, nem=nem)
    _, x, obj = built.model.solve(params)
    nnz = int(sum(len(v) for v in built.model._v))
    return built, x, obj, nnz


def size_system(inp: SizingInput, params: SolverParams | None = None) -> SizingResult:
    """Choose PV, battery and charger sizes and the dispatch that minimise the yearly cost.

    Parameters
    ----------
    inp : SizingInput
    params : SolverParams, optional

    Returns
    -------
    SizingResult

    Raises
    ------
    ConfigError
        Arrays of the wrong length or negative loads.
    InfeasibleError
        No dispatch meets the load within the grid limits (message from HiGHS).
    """
    params = params or SolverParams()
    _check(inp)
    milp = params.exact_export or (inp.chargers is not None and inp.chargers.integer)
    if params.solver == "choose" and len(inp.index) >= 20_000 and not milp:
        # a quarter-hour year: interior point without crossover is ~3x faster than simplex here
        # (benchmarks/energy.py)
        params = replace(params, solver="ipm", crossover=False)
    t0 = time.perf_counter()
    nm = inp.grid.net_metering_limit_kw
    if nm is not None and inp.pv is not None:
        options = [_solve_one(inp, params, True), _solve_one(inp, params, False)]
        best = min(range(2), key=lambda i: options[i][2])
        built, x, obj, nnz = options[best]
        used_nem = best == 0
    else:
        built, x, obj, nnz = _solve_one(inp, params, None)
        used_nem = False
    solve_s = time.perf_counter() - t0
    return _result(inp, built, x, obj, nnz, used_nem, solve_s)


def _check(inp: SizingInput) -> None:
    T = len(inp.index)
    if T < 2:
        raise ConfigError("the horizon needs at least 2 steps", column="index")
    if len(inp.load_kw) != T:
        raise ConfigError(f"load has {len(inp.load_kw)} steps, the index {T}", column="load")
    if np.any(~np.isfinite(inp.load_kw)) or np.any(np.asarray(inp.load_kw) < 0):
        raise ConfigError("load must be finite and >= 0 at every step", column="load")
    if inp.pv_kw_per_kwp is not None:
        cf = np.asarray(inp.pv_kw_per_kwp)
        if len(cf) != T:
            raise ConfigError(f"PV profile has {len(cf)} steps, the index {T}", column="pv")
        if np.any(~np.isfinite(cf)) or np.any(cf < 0) or np.any(cf > 1.5):
            raise ConfigError("PV output per kWp must be within 0-1.5 kW/kWp", column="pv")
    if inp.fleet is not None and len(inp.fleet.available_kw) != T:
        raise ConfigError("EV fleet profile does not match the index", column="ev_fleet")


def _result(
    inp: SizingInput,
    built: _Built,
    x: np.ndarray,
    obj: float,
    nnz: int,
    used_nem: bool,
    solve_s: float,
) -> SizingResult:
    c = built.cols
    T = len(inp.index)
    dt_h = inp.step_h
    w = 8760.0 / (T * dt_h)
    fin = inp.finance

    def get(name: str) -> np.ndarray:
        return x[c[name]] if name in c else np.zeros(T)

    pv_kw = float(x[c["P_pv"]][0])
    e_b = float(x[c["E_b"]][0]) if "E_b" in c else 0.0
    p_b = float(x[c["P_b"]][0]) if "P_b" in c else 0.0
    n_ch = float(x[c["N_ch"]][0]) if "N_ch" in c else 0.0
    imp, exp = get("imp"), get("exp")
    net = imp - exp
    imp_n, exp_n = np.maximum(net, 0.0), np.maximum(-net, 0.0)
    load = np.asarray(inp.load_kw, float)
    ev = get("ev")
    cf = np.zeros(T) if inp.pv_kw_per_kwp is None else np.asarray(inp.pv_kw_per_kwp, float)
    pv_avail = pv_kw * cf
    pvu = pv_avail - get("curt")
    tariff = inp.tariff
    if used_nem:
        tariff = replace(tariff, net_metering=True)
    kva = inp.grid.transformer_kva
    b_after = bill(tariff, inp.index, imp_n, exp_n, step_h=dt_h, transformer_kva=kva)
    fleet = inp.fleet
    ev_bau = fleet.uncontrolled_kw if fleet is not None else np.zeros(T)
    existing = inp.pv.existing_kw if inp.pv is not None else 0.0
    net_bau = load + ev_bau - existing * cf
    imp_bau, exp_bau = np.maximum(net_bau, 0.0), np.maximum(-net_bau, 0.0)
    b_before = bill(inp.tariff, inp.index, imp_bau, exp_bau, step_h=dt_h, transformer_kva=kva)

    def detail(bl: Any) -> dict[str, float]:
        return {
            "energy_cny": bl.energy_cny * w,
            "demand_cny": bl.demand_cny * (w if w != 1.0 else 1.0),
            "capacity_cny": bl.capacity_cny * w,
            "export_credit_cny": bl.export_credit_cny * w,
            "total_cny": bl.total_cny * w,
        }

    d_after, d_before = detail(b_after), detail(b_before)
    # capex, O&M, baseline chargers
    pv, bat, chp = inp.pv, inp.battery, inp.chargers
    n_inst = math.ceil(n_ch - 1e-6) if n_ch > 0 else 0
    n_count = n_ch if chp is not None and chp.integer else float(n_inst)
    capex = om = ann = 0.0
    replacements: list[tuple[float, float]] = []
    if pv is not None:
        new_kw = max(0.0, pv_kw - pv.existing_kw)
        cpv = pv.capex_cny_per_kw * (1 - pv.subsidy_fraction) * new_kw
        capex += cpv
        om += pv.om_cny_per_kw_year * new_kw
        ann += _annualised(cpv, pv.om_cny_per_kw_year * new_kw, pv.lifetime_years, fin)
        replacements.append((cpv, pv.lifetime_years))
    if bat is not None:
        cb = bat.capex_cny_per_kwh * e_b + bat.capex_cny_per_kw * p_b
        capex += cb
        om += bat.om_fraction * cb
        ann += _annualised(cb, bat.om_fraction * cb, bat.lifetime_years, fin)
        replacements.append((cb, bat.lifetime_years))
    bau_ch_cost = bau_ch_om = bau_ann = 0.0
    if chp is not None and fleet is not None:
        cc = chp.capex_cny_per_unit * n_count
        bau_n = (
            chp.baseline_count
            if chp.baseline_count is not None
            else float(fleet.plugged.max(initial=0.0))
        )
        bau_ch_cost = chp.capex_cny_per_unit * bau_n
        bau_ch_om = chp.om_fraction * bau_ch_cost
        bau_ann = _annualised(bau_ch_cost, bau_ch_om, chp.lifetime_years, fin)
        capex += cc - bau_ch_cost
        om += chp.om_fraction * (cc - bau_ch_cost)
        ann += _annualised(cc, chp.om_fraction * cc, chp.lifetime_years, fin)
        replacements.append((cc - bau_ch_cost, chp.lifetime_years))
    saving = d_before["total_cny"] - d_after["total_cny"]
    flows = cash_flows(
        capex,
        saving - om,
        fin.analysis_years,
        escalation=fin.electricity_escalation,
        replacements=[r for r in replacements if r[1] < fin.analysis_years],
    )
    # PV energy flows (yearly)
    pv_used = float(pvu.sum() * dt_h * w)
    pv_exp = float(exp_n.sum() * dt_h * w)
    pv_gen = float(pv_avail.sum() * dt_h * w)
    consumption = float((load + ev).sum() * dt_h * w)
    grid_kwh = float(imp_n.sum() * dt_h * w)
    grid_bau = float(imp_bau.sum() * dt_h * w)
    self_cons = (pv_used - pv_exp) / pv_used if pv_used > 1e-9 else 0.0
    self_suff = max(0.0, 1.0 - grid_kwh / consumption) if consumption > 0 else 0.0
    dispatch = pd.DataFrame(
        {
            "load_kw": load,
            "ev_kw": ev,
            "pv_available_kw": pv_avail,
            "pv_kw": pvu,
            "import_kw": imp_n,
            "export_kw": exp_n,
            "charge_kw": get("ch"),
            "discharge_kw": get("dis"),
            "soc_kwh": get("soc") + (inp.battery.soc_min * e_b if inp.battery is not None else 0.0),
            "price_cny_per_kwh": price_series(inp.tariff, inp.index).to_numpy(),
        },
        index=inp.index,
    )
    lever = _lever(
        inp, grid_bau, grid_kwh, capex, om, saving, pv_kw, e_b, p_b, n_ch, pv_gen, pv_exp, solve_s
    )
    m = built.model
    return SizingResult(
        pv_kw=pv_kw,
        battery_kwh=e_b,
        battery_kw=p_b,
        chargers=n_ch,
        chargers_installed=round(n_count),
        capex_cny=capex,
        annual_cost_cny=d_after["total_cny"] + ann,
        annual_cost_bau_cny=d_before["total_cny"] + bau_ann,
        bill_cny=d_after["total_cny"],
        bill_bau_cny=d_before["total_cny"],
        bill_detail=d_after,
        bill_bau_detail=d_before,
        npv_cny=npv(fin.discount_rate, flows),
        irr=irr(flows),
        payback_years=payback_years(flows),
        pv_generation_kwh=pv_gen,
        pv_export_kwh=pv_exp,
        pv_curtailed_kwh=max(0.0, pv_gen - pv_used),
        grid_import_kwh=grid_kwh,
        grid_import_bau_kwh=grid_bau,
        self_consumption=self_cons,
        self_sufficiency=self_suff,
        objective_cny=obj,
        net_metering=used_nem,
        lever=lever,
        dispatch=dispatch,
        solve_s=solve_s,
        model_size={
            "columns": m.n,
            "rows": m.m,
            "nonzeros": nnz,
            "integers": int(np.concatenate(m._int).sum()),
        },
    )


def _lever(
    inp: SizingInput,
    grid_bau: float,
    grid_kwh: float,
    capex: float,
    om: float,
    saving: float,
    pv_kw: float,
    e_b: float,
    p_b: float,
    n_ch: float,
    pv_gen: float,
    pv_exp: float,
    solve_s: float,
) -> LeverResult:
    first = inp.index[0]
    year = int(first.year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    base = Activity(
        "electricity.grid",
        grid_bau,
        "kWh",
        start,
        end,
        source_id=inp.name,
        quality="calculated",
        region=inp.region or None,
    )
    scen = Activity(
        "electricity.grid",
        grid_kwh,
        "kWh",
        start,
        end,
        source_id=inp.name,
        quality="calculated",
        region=inp.region or None,
    )
    digest = hashlib.sha256(np.asarray(inp.load_kw, float).tobytes()).hexdigest()[:16]
    life = inp.pv.lifetime_years if inp.pv is not None else inp.finance.analysis_years
    return LeverResult(
        lever=LEVER_ID,
        baseline=(base,),
        scenario=(scen,),
        capex_cny=capex,
        opex_delta_cny_per_year=om - saving,
        lifetime_years=float(life),
        metrics={
            "pv_kw": pv_kw,
            "battery_kwh": e_b,
            "battery_kw": p_b,
            "chargers": n_ch,
            "pv_generation_kwh": pv_gen,
            "pv_export_kwh": pv_exp,
        },
        evidence={
            "solver": f"HiGHS via highspy {_highspy_version()}",
            "model": "parkzero.energy.sizing LP (REopt power-bound storage)",
            "steps": len(inp.index),
            "step_h": inp.step_h,
            "tariff": inp.tariff.id,
            "load_sha256_16": digest,
            "solve_s": round(solve_s, 3),
        },
    )


def _highspy_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("highspy")
    except PackageNotFoundError:  # pragma: no cover
        return "?"


def co2e_avoided_t(lever: LeverResult, region: str, year: int) -> float:
    """CO2e avoided by the lever, from the carbon engine with the region's grid factor [tCO2e/yr].

    Builds a minimal park in `region` and runs :func:`parkzero.carbon.abatement.abatement` —
    the same factors the inventory uses. Never computed here.
    """
    from parkzero.carbon.abatement import abatement
    from parkzero.carbon.park import park_from_dict

    park = park_from_dict(
        {
            "park": {
                "id": "energy-sizing",
                "name": "energy sizing",
                "region": region,
                "base_year": year,
            }
        }
    )
    return float(abatement(park, lever, year).tco2e)
