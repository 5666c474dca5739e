"""Microgrid dispatch: day-ahead and rolling-horizon MILP at 15-minute steps (HiGHS).

For fixed assets (PV, battery, chargers, grid connection) and known profiles, choose per step
grid import/export, PV curtailment, battery charge/discharge, each EV's charging (and V2G
discharge) and load shedding to minimise

    Σ_t price_t import_t Δt − export_price_t export_t Δt + Σ_(month, period) rate · Δpeak
  + penalties (unmet EV energy, shed load by priority, demand-limit excess, unserved load,
    battery ending below its start).

Binaries: one per step for battery charge vs discharge and one for import vs export, so the
dispatch is physical even where exporting pays more than importing. The EV model is per vehicle:
energy delivered between arrival and departure, power within the vehicle's limit, all EVs within
the chargers' total power.

Soft constraints: every requirement that can fail on bad input (EV energy, demand limit, load
served, end-of-horizon state of charge) has a penalised slack, so an infeasible input returns a
schedule with :attr:`DispatchResult.violations` listing what could not be met, never an error.
Hard constraints are physics only: energy balance, SOC window, export ≤ PV output, power limits.

Rolling horizon (:func:`dispatch_rolling`): solve a window of `horizon_h`, keep the first
`replan_h`, move on; state of charge, energy already delivered to each EV and the month's peak so
far carry over between windows. Profiles are taken as known (perfect foresight within a window;
plug in forecasts from :mod:`parkzero.energy.forecast` as the profiles to plan on).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from parkzero.energy.ev import EVSession, step_window
from parkzero.energy.models import BatteryParams, SolverParams
from parkzero.energy.sizing import _Model
from parkzero.energy.tariffs import Tariff, demand_groups, export_price_series, price_series
from parkzero.errors import ConfigError

__all__ = [
    "DispatchInput",
    "DispatchParams",
    "DispatchResult",
    "SheddableLoad",
    "dispatch_day_ahead",
    "dispatch_rolling",
    "dispatch_window",
]


@dataclass(frozen=True)
class SheddableLoad:
    """A part of the load that may be shed when supply is short.

    Parameters
    ----------
    name : str
    kw : numpy.ndarray
        The part of the load that can be dropped at each step (included in the site load) [kW].
    priority : int
        Higher is kept longer [-].
    """

    name: str
    kw: np.ndarray
    priority: int = 1


@dataclass(frozen=True)
class DispatchParams:
    """Penalties of the soft constraints and solver settings.

    Parameters
    ----------
    ev_shortfall_cny_per_kwh : float
        Penalty per kWh an EV leaves without, times (1 + priority / 100). It must beat the
        demand charge of charging in one step (rate / Δt: 4 × 48 = 192 CNY/kWh for the dearest
        Chinese 最大需量 rate at 15 minutes) [CNY/kWh].
    shed_cny_per_kwh : float
        Penalty per kWh of sheddable load dropped, times its priority [CNY/kWh].
    unserved_cny_per_kwh : float
        Penalty per kWh of non-sheddable load not served (the last resort) [CNY/kWh].
    demand_excess_cny_per_kwh : float
        Penalty per kWh of import above the demand limit [CNY/kWh].
    soc_shortfall_cny_per_kwh : float or None
        Value of battery energy below its starting level at the end of a window; None = the
        highest import price of the window [CNY/kWh].
    solver : SolverParams
    """

    ev_shortfall_cny_per_kwh: float = 500.0
    shed_cny_per_kwh: float = 20.0
    unserved_cny_per_kwh: float = 5000.0
    demand_excess_cny_per_kwh: float = 10.0
    soc_shortfall_cny_per_kwh: float | None = None
    solver: SolverParams = field(
        default_factory=lambda: SolverParams(time_limit_s=60.0, mip_rel_gap=1e-4)
    )


@dataclass(frozen=True)
class DispatchInput:
    """Profiles and fixed assets over a stretch of time (usually the whole year of a scenario).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Start of each step [-].
    load_kw : numpy.ndarray
        Site load without EV charging [kW].
    pv_kw : numpy.ndarray
        PV output available [kW].
    tariff : Tariff
    battery : BatteryParams, optional
        With fixed size: ``max_kwh`` and ``max_kw`` are the installed capacity [-].
    sessions : sequence of EVSession
    charger_kw_total : float
        Total power of the chargers [kW].
    v2g : bool
        Vehicles flagged ``v2g`` may discharge [-].
    import_limit_kw, export_limit_kw : float or numpy.ndarray
        Grid connection limits [kW].
    demand_limit_kw : float, optional
        Soft ceiling on import (peak shaving target) [kW].
    shed : sequence of SheddableLoad
    soc_initial_kwh : float, optional
        Battery state at the start; default the middle of the SOC window [kWh].
    """

    index: pd.DatetimeIndex
    load_kw: np.ndarray
    pv_kw: np.ndarray
    tariff: Tariff
    battery: BatteryParams | None = None
    sessions: Sequence[EVSession] = ()
    charger_kw_total: float = math.inf
    v2g: bool = False
    import_limit_kw: Any = math.inf
    export_limit_kw: Any = math.inf
    demand_limit_kw: float | None = None
    shed: Sequence[SheddableLoad] = ()
    soc_initial_kwh: float | None = None

    @property
    def step_h(self) -> float:
        """[h]"""
        return (
            float((self.index[1] - self.index[0]) / pd.Timedelta(hours=1))
            if len(self.index) > 1
            else 0.25
        )


@dataclass
class DispatchResult:
    """The committed schedule.

    Attributes
    ----------
    schedule : pandas.DataFrame
        Per step [kW; soc in kWh; price in CNY/kWh]: load, pv_available, pv, curtailed, import,
        export, charge, discharge, soc, ev, v2g, shed, unserved, price.
    vehicles : pandas.DataFrame
        Per session: vehicle_id, arrival, departure, energy_kwh (asked), delivered_kwh,
        shortfall_kwh, feasible (whether the session alone could be met).
    violations : list of dict
        Soft constraints that were not met: kind, time, amount, unit.
    cost_cny : dict
        energy, export_credit, demand (increase of the month's peaks), penalties [CNY].
    solves : int
        Windows solved [-].
    solve_s : float
        [s]
    """

    schedule: pd.DataFrame
    vehicles: pd.DataFrame
    violations: list[dict[str, Any]]
    cost_cny: dict[str, float]
    solves: int
    solve_s: float

    def summary(self) -> dict[str, Any]:
        """The JSON of ``parkzero energy dispatch --json`` [mixed units]."""
        s = self.schedule
        dt_h = float((s.index[1] - s.index[0]) / pd.Timedelta(hours=1)) if len(s) > 1 else 0.25
        return {
            "steps": len(s),
            "start": s.index[0].isoformat() if len(s) else None,
            "import_kwh": round(float(s["import_kw"].sum() * dt_h), 3),
            "export_kwh": round(float(s["export_kw"].sum() * dt_h), 3),
            "pv_kwh": round(float(s["pv_kw"].sum() * dt_h), 3),
            "curtailed_kwh": round(float(s["curtailed_kw"].sum() * dt_h), 3),
            "ev_kwh": round(float(s["ev_kw"].sum() * dt_h), 3),
            "v2g_kwh": round(float(s["v2g_kw"].sum() * dt_h), 3),
            "shed_kwh": round(float(s["shed_kw"].sum() * dt_h), 3),
            "peak_import_kw": round(float(s["import_kw"].max()), 3),
            "soc_start_kwh": round(float(s["soc_kwh"].iloc[0]), 3) if len(s) else None,
            "soc_end_kwh": round(float(s["soc_kwh"].iloc[-1]), 3) if len(s) else None,
            "cost_cny": {k: round(v, 2) for k, v in self.cost_cny.items()},
            "vehicles": len(self.vehicles),
            "vehicles_short": int((self.vehicles["shortfall_kwh"] > 1e-6).sum())
            if len(self.vehicles)
            else 0,
            "violations": self.violations,
            "solves": self.solves,
            "solve_s": round(self.solve_s, 3),
        }


@dataclass
class _State:
    soc_kwh: float
    delivered: dict[int, float]
    peaks: dict[str, float]


def _window_ev(
    sessions: Sequence[EVSession], index: pd.DatetimeIndex, lo: int, hi: int
) -> list[tuple[int, int, int]]:
    """Sessions overlapping steps [lo, hi): (session number, first step, end step) within it."""
    out = []
    for k, s in enumerate(sessions):
        a, d = step_window(s, index)
        a2, d2 = max(a, lo), min(d, hi)
        if d2 > a2:
            out.append((k, a2 - lo, d2 - lo))
    return out


def dispatch_window(
    inp: DispatchInput, lo: int, hi: int, state: _State, params: DispatchParams
) -> tuple[dict[str, np.ndarray], dict[int, np.ndarray], dict[str, float], float]:
    """Solve one window [lo, hi) of the input from `state`; return its full plan.

    Returns the per-step arrays, each EV's charging-minus-V2G power per step of the window,
    the new month peaks and the objective. Used by :func:`dispatch_day_ahead` and
    :func:`dispatch_rolling`; call those.
    """
    idx = inp.index[lo:hi]
    T = hi - lo
    dt_h = inp.step_h
    load = np.asarray(inp.load_kw[lo:hi], float)
    pv_av = np.asarray(inp.pv_kw[lo:hi], float)
    price = price_series(inp.tariff, idx).to_numpy()
    exp_price = export_price_series(inp.tariff, idx).to_numpy()
    imp_lim = np.broadcast_to(np.asarray(inp.import_limit_kw, float), (len(inp.index),))[lo:hi]
    exp_lim = np.broadcast_to(np.asarray(inp.export_limit_kw, float), (len(inp.index),))[lo:hi]
    M = _Model()
    imp = M.var(T, 0, imp_lim, price * dt_h)
    exp = M.var(T, 0, exp_lim, -exp_price * dt_h)
    curt = M.var(T, 0, pv_av)
    unserved = M.var(T, 0, load, params.unserved_cny_per_kwh * dt_h)
    rhs = load - pv_av
    bal = M.rows([(imp, 1.0), (curt, -1.0), (exp, -1.0), (unserved, 1.0)], rhs, rhs, T)
    # import xor export
    ev_max = sum(s.max_power_kw for s in inp.sessions)
    batt_max = (
        inp.battery.max_kw if inp.battery is not None and math.isfinite(inp.battery.max_kw) else 0.0
    )
    big_i = np.where(
        np.isfinite(imp_lim), imp_lim, float(load.max(initial=0.0)) + ev_max + batt_max + 1.0
    )
    big_e = np.minimum(np.where(np.isfinite(exp_lim), exp_lim, pv_av), pv_av)
    z = M.var(T, 0, 1, 0.0, integer=True)
    M.rows([(imp, 1.0), (z, big_i)], -math.inf, big_i, T)
    M.rows([(exp, 1.0), (z, -big_e)], -math.inf, 0.0, T)
    # export only from PV: export ≤ pv_available − curtailed
    M.rows([(exp, 1.0), (curt, 1.0)], -math.inf, pv_av, T)
    b = inp.battery
    cols: dict[str, np.ndarray] = {"imp": imp, "exp": exp, "curt": curt, "unserved": unserved}
    if b is not None and b.max_kwh > 0 and b.max_kw > 0:
        E, P = float(b.max_kwh), float(b.max_kw)
        ch = M.var(T, 0, P)
        dis = M.var(T, 0, P)
        soc = M.var(T, b.soc_min * E, b.soc_max * E)
        u = M.var(T, 0, 1, 0.0, integer=True)
        M.rows([(ch, 1.0), (u, -P)], -math.inf, 0.0, T)
        M.rows([(dis, 1.0), (u, P)], -math.inf, P, T)
        if not b.can_grid_charge:  # charge only from PV output not exported
            M.rows([(ch, 1.0), (exp, 1.0), (curt, 1.0)], -math.inf, pv_av, T)
        keep = 1.0 - b.self_discharge_per_h * dt_h
        prev_coef = np.full(T, -keep)
        prev_coef[0] = 0.0
        rhs0 = np.zeros(T)
        rhs0[0] = keep * state.soc_kwh
        M.rows(
            [
                (soc, 1.0),
                (np.roll(soc, 1), prev_coef),
                (ch, -dt_h * b.charge_efficiency),
                (dis, dt_h / b.discharge_efficiency),
            ],
            rhs0,
            rhs0,
            T,
        )
        target = min(max(state.soc_kwh, b.soc_min * E), b.soc_max * E)
        worth = params.soc_shortfall_cny_per_kwh
        if worth is None:  # what refilling would cost at the window's dearest price, with losses
            worth = (
                1.2 * float(price.max(initial=0.0)) / (b.charge_efficiency * b.discharge_efficiency)
            )
        soc_short = M.var(1, 0, math.inf, worth)
        M.rows([(soc[-1:], 1.0), (soc_short, 1.0)], target, math.inf, 1)
        M.add(bal, dis, 1.0)
        M.add(bal, ch, -1.0)
        cols.update(ch=ch, dis=dis, soc=soc, soc_short=soc_short)
    # EVs: per vehicle, power within its limit, energy by departure (soft), into the balance
    ev_cols: dict[int, tuple[np.ndarray, np.ndarray | None, int, int]] = {}
    cap_rows = (
        M.rows([], -math.inf, inp.charger_kw_total, T)
        if math.isfinite(inp.charger_kw_total)
        else None
    )
    for k, a, d in _window_ev(inp.sessions, inp.index, lo, hi):
        s = inp.sessions[k]
        n = d - a
        done = state.delivered.get(k, 0.0)
        need = max(0.0, s.energy_kwh - done)
        c = M.var(n, 0, s.max_power_kw)
        v = None
        terms: list[tuple[np.ndarray, float]] = [(c, dt_h)]
        if inp.v2g and s.v2g:
            v = M.var(n, 0, s.max_power_kw)
            M.rows([(c, 1.0), (v, 1.0)], -math.inf, s.max_power_kw, n)
            # the vehicle's energy stays between empty and full (arrival SOC assumed to be
            # battery − energy asked, i.e. full at departure)
            _cum_rows(M, c, v, dt_h, lo=-(s.battery_kwh - s.energy_kwh) - done, hi=need)
            terms.append((v, -dt_h))
        _, d_full = step_window(s, inp.index)
        if d_full <= hi:  # departs within the window: energy asked, or a penalised shortfall
            sh = M.var(1, 0, need, params.ev_shortfall_cny_per_kwh * (1 + 0.01 * s.priority))
            M.row([(sh, 1.0), *terms], need, math.inf)
            # and no more: the vehicle is full at departure (it cannot soak up surplus PV)
            M.row(terms, -math.inf, need)
        else:  # departs later: at most what is left, and enough that the rest still fits
            rest = s.max_power_kw * dt_h * (d_full - hi)
            M.row(
                terms,
                max(0.0, need - rest) if need <= rest + s.max_power_kw * dt_h * n else -math.inf,
                need,
            )
        rows = np.arange(a, d)
        M.add(bal[rows], c, -1.0)
        if v is not None:
            M.add(bal[rows], v, 1.0)
        if cap_rows is not None:
            M.add(cap_rows[rows], c, 1.0)
        ev_cols[k] = (c, v, a, d)
    # load shedding by priority
    shed_cols = []
    for sl in inp.shed:
        kw = np.asarray(sl.kw[lo:hi], float)
        sc = M.var(T, 0, np.minimum(kw, load), params.shed_cny_per_kwh * max(1, sl.priority) * dt_h)
        M.add(bal, sc, 1.0)
        shed_cols.append(sc)
    # demand: peaks with what the month has already set; limit as a soft ceiling
    groups = demand_groups(inp.tariff, idx)
    peak_cols = []
    for g in groups:
        prev = max(state.peaks.get(g.label, 0.0), g.previous_peak_kw)
        pk = M.var(1, prev, math.inf, g.rate)
        M.rows([(imp[g.steps], 1.0), (pk[0], -1.0)], -math.inf, 0.0, len(g.steps))
        peak_cols.append((g, pk[0], prev))
    if inp.demand_limit_kw is not None:
        ex = M.var(T, 0, math.inf, params.demand_excess_cny_per_kwh * dt_h)
        M.rows([(imp, 1.0), (ex, -1.0)], -math.inf, inp.demand_limit_kw, T)
        cols["excess"] = ex
    _, x, obj = M.solve(params.solver)
    out = {k: x[v] for k, v in cols.items()}
    out["shed"] = sum((x[sc] for sc in shed_cols), np.zeros(T))
    out["pv_available"] = pv_av
    out["load"] = load
    out["price"] = price
    out["export_price"] = exp_price
    ev_power: dict[int, np.ndarray] = {}
    out["ev"] = np.zeros(T)
    out["v2g"] = np.zeros(T)
    for k, (c, v, a, d) in ev_cols.items():
        p = np.zeros(T)
        p[a:d] = x[c]
        out["ev"] += p
        if v is not None:
            q = np.zeros(T)
            q[a:d] = x[v]
            out["v2g"] += q
            p = p - q
        ev_power[k] = p
    peaks = {g.label: float(x[col]) for g, col, _ in peak_cols}
    return out, ev_power, peaks, obj


def _cum_rows(
    M: _Model, c: np.ndarray, v: np.ndarray, dt_h: float, *, lo: float, hi: float
) -> None:
    """lo ≤ Σ_{τ≤j} (c_τ − v_τ) Δt ≤ hi for every j, through a running-sum column."""
    n = len(c)
    cum = M.var(n, lo, hi)
    coef = np.full(n, -1.0)
    coef[0] = 0.0
    M.rows([(cum, 1.0), (np.roll(cum, 1), coef), (c, -dt_h), (v, dt_h)], 0.0, 0.0, n)


def _check(inp: DispatchInput) -> None:
    n = len(inp.index)
    if n < 2:
        raise ConfigError("dispatch needs at least 2 steps", column="index")
    for name in ("load_kw", "pv_kw"):
        arr = np.asarray(getattr(inp, name), float)
        if len(arr) != n:
            raise ConfigError(f"{name} has {len(arr)} steps, the index {n}", column=name)
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise ConfigError(f"{name} must be finite and >= 0", column=name)


def _run(
    inp: DispatchInput, lo: int, hi: int, horizon: int, replan: int, params: DispatchParams
) -> DispatchResult:
    _check(inp)
    if not 0 <= lo < hi <= len(inp.index):
        raise ConfigError(
            f"steps {lo}-{hi} are outside the input ({len(inp.index)} steps)", column="day"
        )
    b = inp.battery
    if b is not None and b.max_kwh > 0:
        E = b.max_kwh
        soc0 = (
            inp.soc_initial_kwh
            if inp.soc_initial_kwh is not None
            else 0.5 * (b.soc_min + b.soc_max) * E
        )
    else:
        soc0 = 0.0
    violations: list[dict[str, Any]] = []
    if (
        b is not None
        and b.max_kwh > 0
        and not b.soc_min * b.max_kwh - 1e-9 <= soc0 <= b.soc_max * b.max_kwh + 1e-9
    ):
        clipped = min(max(soc0, b.soc_min * b.max_kwh), b.soc_max * b.max_kwh)
        violations.append(
            {
                "kind": "soc_initial",
                "time": inp.index[lo].isoformat(),
                "amount": soc0 - clipped,
                "unit": "kWh",
            }
        )
        soc0 = clipped
    state = _State(soc0, {}, {})
    parts: list[dict[str, np.ndarray]] = []
    t0 = time.perf_counter()
    solves = 0
    start = lo
    delivered_steps: dict[int, float] = {}
    while start < hi:
        end = min(start + horizon, len(inp.index))
        keep_n = min(replan, hi - start)
        out, ev_power, _peaks, _obj = dispatch_window(inp, start, end, state, params)
        solves += 1
        kept = {
            k: v[:keep_n]
            for k, v in out.items()
            if isinstance(v, np.ndarray) and v.shape == (end - start,)
        }
        parts.append(kept)
        if "soc" in out:
            state.soc_kwh = float(out["soc"][keep_n - 1])
        for k, p in ev_power.items():
            e = float(p[:keep_n].sum() * inp.step_h)
            state.delivered[k] = state.delivered.get(k, 0.0) + e
            delivered_steps[k] = state.delivered[k]
        imp_kept = kept["imp"]
        for g in demand_groups(inp.tariff, inp.index[start : start + keep_n]):
            state.peaks[g.label] = max(
                state.peaks.get(g.label, 0.0), float(imp_kept[g.steps].max())
            )
        start += keep_n
    solve_s = time.perf_counter() - t0
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    idx = inp.index[lo:hi]
    T = hi - lo
    zeros = np.zeros(T)
    soc = cat.get("soc", np.full(T, soc0) if b is None else zeros)
    schedule = pd.DataFrame(
        {
            "load_kw": cat["load"],
            "pv_available_kw": cat["pv_available"],
            "pv_kw": cat["pv_available"] - cat["curt"],
            "curtailed_kw": cat["curt"],
            "import_kw": cat["imp"],
            "export_kw": cat["exp"],
            "charge_kw": cat.get("ch", zeros),
            "discharge_kw": cat.get("dis", zeros),
            "soc_kwh": soc if b is not None else zeros,
            "ev_kw": cat["ev"],
            "v2g_kw": cat["v2g"],
            "shed_kw": cat["shed"],
            "unserved_kw": cat["unserved"],
            "price_cny_per_kwh": cat["price"],
        },
        index=idx,
    )
    dt_h = inp.step_h
    rows = []
    for k, s in enumerate(inp.sessions):
        a, d = step_window(s, inp.index)
        if d <= lo or a >= hi:
            continue
        cap = s.max_power_kw * dt_h * (d - a)
        delivered = state.delivered.get(k, 0.0)
        departs = d <= hi
        shortfall = max(0.0, s.energy_kwh - delivered) if departs else 0.0
        rows.append(
            {
                "vehicle_id": s.vehicle_id,
                "arrival": s.arrival,
                "departure": s.departure,
                "energy_kwh": s.energy_kwh,
                "delivered_kwh": delivered,
                "shortfall_kwh": shortfall if shortfall > 1e-6 else 0.0,
                "departs_in_horizon": departs,
                "feasible": cap + 1e-9 >= s.energy_kwh,
            }
        )
        if shortfall > 1e-6:
            violations.append(
                {
                    "kind": "ev_energy",
                    "vehicle_id": s.vehicle_id,
                    "time": s.departure.isoformat(),
                    "amount": round(shortfall, 4),
                    "unit": "kWh",
                }
            )
    vehicles = pd.DataFrame(
        rows,
        columns=[
            "vehicle_id",
            "arrival",
            "departure",
            "energy_kwh",
            "delivered_kwh",
            "shortfall_kwh",
            "departs_in_horizon",
            "feasible",
        ],
    )
    for col, kind in (("unserved_kw", "unserved_load"), ("shed_kw", "load_shed")):
        amount = float(schedule[col].sum() * dt_h)
        if amount > 1e-6:
            first = schedule.index[schedule[col] > 1e-9][0]
            violations.append(
                {"kind": kind, "time": first.isoformat(), "amount": round(amount, 4), "unit": "kWh"}
            )
    if inp.demand_limit_kw is not None:
        over = np.maximum(schedule["import_kw"].to_numpy() - inp.demand_limit_kw, 0.0)
        if over.max(initial=0.0) > 1e-6:
            first = schedule.index[over > 1e-6][0]
            violations.append(
                {
                    "kind": "demand_limit",
                    "time": first.isoformat(),
                    "amount": round(float(over.max()), 4),
                    "unit": "kW",
                }
            )
    price = schedule["price_cny_per_kwh"].to_numpy()
    exp_price = cat["export_price"]
    demand_cost = 0.0
    for g in demand_groups(inp.tariff, idx):
        peak = float(schedule["import_kw"].to_numpy()[g.steps].max())
        demand_cost += g.rate * max(0.0, peak - g.previous_peak_kw)
    cost = {
        "energy": float((price * schedule["import_kw"]).sum() * dt_h),
        "export_credit": float((exp_price * schedule["export_kw"]).sum() * dt_h),
        "demand": demand_cost,
    }
    cost["net"] = cost["energy"] - cost["export_credit"] + cost["demand"]
    return DispatchResult(schedule, vehicles, violations, cost, solves, solve_s)


def dispatch_day_ahead(
    inp: DispatchInput,
    start: int,
    steps: int,
    params: DispatchParams | None = None,
    *,
    horizon_steps: int | None = None,
) -> DispatchResult:
    """Plan `steps` steps from position `start` in one MILP (day-ahead: 96 steps of 15 min).

    Parameters
    ----------
    inp : DispatchInput
    start : int
        Position of the first step in ``inp.index`` [-].
    steps : int
        Number of steps to commit [-].
    params : DispatchParams, optional
    horizon_steps : int, optional
        Steps the MILP looks ahead (at least `steps`; default `steps`) [-].
    """
    params = params or DispatchParams()
    horizon = max(steps, horizon_steps or steps)
    return _run(inp, start, start + steps, horizon, steps, params)


def dispatch_rolling(
    inp: DispatchInput,
    start: int,
    steps: int,
    *,
    horizon_steps: int,
    replan_steps: int,
    params: DispatchParams | None = None,
) -> DispatchResult:
    """Rolling horizon: plan `horizon_steps` ahead, keep `replan_steps`, repeat over `steps`.

    State of charge, energy already delivered to each EV and the month's peaks carry over.
    """
    if replan_steps < 1 or horizon_steps < replan_steps:
        raise ConfigError("expected 1 <= replan steps <= horizon steps", column="horizon")
    params = params or DispatchParams()
    return _run(inp, start, start + steps, horizon_steps, replan_steps, params)
