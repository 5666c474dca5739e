"""Chiller staging over a load profile: exact dynamic programming vs. conventional sequencing.

Optimised schedule (:func:`optimal_schedule`)
---------------------------------------------
Each step ``t`` (length ``Δt`` [h]) the plant runs an on/off set ``S_t`` and loads it optimally.
The cost of a schedule is::

    Σ_t P*_{S_t}(L_t) · Δt  +  switch_penalty_kwh · (number of starts and stops)     [kWh]

subject to each chiller's minimum run time and minimum rest time (``min_on_h``,
``min_off_h``, rounded up to whole steps). ``P*_S(L)`` is the certified optimum of set ``S``
at load ``L`` from :mod:`parkzero.hvac.ocl` (every set at every step, identical chillers
deduplicated); a set may false-load below its minimum stable load (run at min PLR and bypass the
surplus), so a schedule always exists while the load is within the plant capacity.

The dynamic programme's state is, per chiller, its mode and how long it has been in it, capped at
the minimum time (``min_off`` + ``min_on`` states per chiller, ``Π_i (D_i + U_i)`` in all:
3^8 = 6,561 for 8 chillers with a 2 h run and 1 h rest at hourly steps). The transition cost is
a sum over chillers, so the minimum over predecessor states is taken one chiller axis at a time
(``O(n · states)`` per step instead of ``O(states²)``). The optimal path is recovered from
value-function checkpoints every ``√T`` steps (memory ``O(√T · states)``), so the schedule is
the exact optimum of the model above.

Conventional baseline (:func:`sequential_schedule`)
---------------------------------------------------
Chillers are started in plant order (the lead/lag sequence) when the running ones cannot carry
the load at ``stage_up_plr``, and the last one started is stopped when the others can carry the
load at ``stage_down_plr`` or less, honouring the same minimum run and rest times; the running
chillers share the load at equal PLR (false loading below minimum PLR). This is what a building
automation system without optimisation does.

Savings are reported in kWh and as a :class:`parkzero.carbon.models.LeverResult` (lever
``"hvac.ocl"``, activity ``"electricity.grid"`` in kWh); this module computes no CO2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from parkzero.carbon.models import Activity, LeverResult, Quality
from parkzero.errors import ConfigError, InfeasibleError
from parkzero.hvac.models import LoadProfile, Plant
from parkzero.hvac.ocl import OclParams, set_loading, set_power_table

__all__ = [
    "Schedule",
    "StagingComparison",
    "StagingParams",
    "compare_staging",
    "optimal_schedule",
    "sequential_schedule",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

LEVER_ID = "hvac.ocl"


@dataclass(frozen=True)
class StagingParams:
    """Settings of staging.

    Parameters
    ----------
    switch_penalty_kwh : float, optional
        Cost of each start or stop [kWh]; None uses the plant's ``switch_penalty_kwh``.
    stage_up_plr : float
        Baseline: start the next chiller when the running ones would exceed this PLR [-].
    stage_down_plr : float
        Baseline: stop the last chiller when the others can carry the load at or below this
        PLR [-].
    max_states : int
        Largest dynamic-programming state space accepted [-].
    ocl : OclParams
        Tolerances of the per-step optimal loading; each set's power is certified within
        ``rtol`` = 1e-7 of its optimum by default (about 0.001 kWh per step for 10 MW).
    """

    switch_penalty_kwh: float | None = None
    stage_up_plr: float = 1.0
    stage_down_plr: float = 0.9
    max_states: int = 500_000
    ocl: OclParams = field(default_factory=lambda: OclParams(rtol=1e-7))


@dataclass(frozen=True, eq=False)
class Schedule:
    """Which chillers run, and how loaded, at each step.

    Parameters
    ----------
    method : str
        ``"dp"`` (optimised) or ``"sequential"`` (conventional baseline) [-].
    on : ndarray of bool, shape (T, n)
        Running chillers [-].
    plr : ndarray, shape (T, n)
        Part-load ratio, 0 when off [-].
    power_kw : ndarray, shape (T,)
        Plant power, auxiliaries included [kW].
    load_rt : ndarray, shape (T,)
        Cooling load [RT].
    step_h : float
        Step length [h].
    switch_penalty_kwh : float
        Penalty per start or stop used in ``objective_kwh`` [kWh].
    capacity_rt : ndarray, shape (T, n)
        Available capacity of each chiller [RT].
    """

    method: str
    on: BoolArray
    plr: FloatArray
    power_kw: FloatArray
    load_rt: FloatArray
    step_h: float
    switch_penalty_kwh: float
    capacity_rt: FloatArray

    @property
    def energy_kwh(self) -> float:
        """Electricity used over the profile [kWh]."""
        return float(np.sum(self.power_kw) * self.step_h)

    @property
    def starts(self) -> int:
        """Chiller starts, counting from all chillers off before the first step [-]."""
        prev = np.vstack([np.zeros((1, self.on.shape[1]), dtype=bool), self.on[:-1]])
        return int(np.sum(self.on & ~prev))

    @property
    def stops(self) -> int:
        """Chiller stops [-]."""
        prev = np.vstack([np.zeros((1, self.on.shape[1]), dtype=bool), self.on[:-1]])
        return int(np.sum(~self.on & prev))

    @property
    def objective_kwh(self) -> float:
        """Energy plus switching penalties [kWh]."""
        return self.energy_kwh + self.switch_penalty_kwh * (self.starts + self.stops)

    @property
    def bypass_rth(self) -> float:
        """Cooling delivered beyond the load by false loading [RT·h]."""
        delivered = np.sum(self.plr * self.capacity_rt, axis=1)
        return float(np.sum(np.maximum(delivered - self.load_rt, 0.0)) * self.step_h)

    def summary(self) -> dict[str, float | int | str]:
        """Headline figures with units in the keys."""
        return {
            "method": self.method,
            "energy_kwh": self.energy_kwh,
            "starts": self.starts,
            "stops": self.stops,
            "objective_kwh": self.objective_kwh,
            "bypass_rth": self.bypass_rth,
            "peak_kw": float(np.max(self.power_kw)) if self.power_kw.size else 0.0,
        }


@dataclass(frozen=True, eq=False)
class StagingComparison:
    """Optimised staging against the conventional baseline on one profile.

    Parameters
    ----------
    plant : Plant
    profile : LoadProfile
    baseline, optimised : Schedule
    params : StagingParams
    """

    plant: Plant
    profile: LoadProfile
    baseline: Schedule
    optimised: Schedule
    params: StagingParams

    @property
    def saving_kwh(self) -> float:
        """Electricity saved over the profile [kWh]."""
        return self.baseline.energy_kwh - self.optimised.energy_kwh

    @property
    def saving_pct(self) -> float:
        """Electricity saved as a share of the baseline [%]."""
        base = self.baseline.energy_kwh
        return 100.0 * self.saving_kwh / base if base > 0 else 0.0

    def lever_result(
        self,
        *,
        annualise: bool = True,
        price_cny_per_kwh: float | None = None,
        capex_cny: float = 0.0,
        lifetime_years: float = 10.0,
        zone: str | None = None,
    ) -> LeverResult:
        """The saving as a lever result: grid electricity before and after, in kWh per year.

        Parameters
        ----------
        annualise : bool
            Scale a profile shorter than a year to 8,760 h (quality "estimated"); a profile
            of a year or more is reported as measured over its own span [-].
        price_cny_per_kwh : float, optional
            Flat electricity price for the running-cost change [CNY/kWh].
        capex_cny : float
            Investment (controls, meters, commissioning) [CNY].
        lifetime_years : float
            Economic life [yr].
        zone : str, optional
            Park zone of the plant [-].

        Returns
        -------
        LeverResult
            Lever ``"hvac.ocl"``; baseline and scenario activities of kind
            ``"electricity.grid"`` in kWh.
        """
        hours = self.profile.hours
        scale = 8760.0 / hours if annualise and hours < 8760.0 else 1.0
        start = self.profile.start.date()
        if scale != 1.0:
            end = start + dt.timedelta(days=364)
        else:
            end = (self.profile.end - dt.timedelta(microseconds=1)).date()
        quality: Quality = "estimated" if scale != 1.0 else "calculated"
        base_kwh = self.baseline.energy_kwh * scale
        opt_kwh = self.optimised.energy_kwh * scale
        source = self.plant.name or None

        def activity(qty: float) -> Activity:
            return Activity(
                "electricity.grid",
                qty,
                "kWh",
                start,
                end,
                zone=zone,
                source_id=source,
                quality=quality,
            )

        opex = 0.0 if price_cny_per_kwh is None else -(base_kwh - opt_kwh) * price_cny_per_kwh
        return LeverResult(
            lever=LEVER_ID,
            baseline=(activity(base_kwh),),
            scenario=(activity(opt_kwh),),
            capex_cny=capex_cny,
            opex_delta_cny_per_year=opex,
            lifetime_years=lifetime_years,
            metrics={
                "baseline_kwh": base_kwh,
                "scenario_kwh": opt_kwh,
                "saving_kwh": base_kwh - opt_kwh,
                "saving_pct": self.saving_pct,
                "baseline_starts": float(self.baseline.starts),
                "scenario_starts": float(self.optimised.starts),
                "profile_h": hours,
                "annualise_factor": scale,
            },
            evidence=self.evidence(),
        )

    def evidence(self) -> dict[str, object]:
        """Solver, settings and an input digest so the result can be reproduced."""
        digest = hashlib.sha256()
        digest.update(repr(self.plant).encode())
        digest.update(np.ascontiguousarray(self.profile.load_rt).tobytes())
        if self.profile.t_cw_c is not None:
            digest.update(np.ascontiguousarray(self.profile.t_cw_c).tobytes())
        digest.update(f"{self.profile.start.isoformat()}|{self.profile.step_h}".encode())
        p = self.params
        return {
            "solver": "parkzero.hvac: exhaustive on/off sets x Lagrangian branch-and-bound "
            "(certified), dynamic programme over on/off and run/rest-time states",
            "baseline": "sequential staging in plant order, equal PLR",
            "params": json.dumps(
                {
                    "switch_penalty_kwh": self.optimised.switch_penalty_kwh,
                    "stage_up_plr": p.stage_up_plr,
                    "stage_down_plr": p.stage_down_plr,
                    "rtol": p.ocl.rtol,
                    "atol_kw": p.ocl.atol_kw,
                },
                sort_keys=True,
            ),
            "input_sha256": digest.hexdigest(),
            "source": self.profile.source,
        }

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary with stable keys (see docs/hvac.md)."""
        return {
            "plant": self.plant.name,
            "chillers": list(self.plant.ids),
            "steps": self.profile.steps,
            "step_h": self.profile.step_h,
            "start": self.profile.start.isoformat(),
            "load_rth": float(np.sum(self.profile.load_rt) * self.profile.step_h),
            "baseline_kwh": self.baseline.energy_kwh,
            "optimised_kwh": self.optimised.energy_kwh,
            "saving_kwh": self.saving_kwh,
            "saving_pct": self.saving_pct,
            "baseline": self.baseline.summary(),
            "optimised": self.optimised.summary(),
            "switch_penalty_kwh": self.optimised.switch_penalty_kwh,
        }


def _steps(hours: float, step_h: float) -> int:
    """Whole steps covering `hours` [h], at least 1 [-]."""
    return max(1, math.ceil(hours / step_h - 1e-9))


def _check_capacity(plant: Plant, profile: LoadProfile, cap: FloatArray) -> None:
    total = np.sum(cap * plant.arrays(None).max_plr, axis=-1)
    short = profile.load_rt - total
    if np.any(short > 1e-9 * np.maximum(total, 1.0)):
        t = int(np.argmax(short))
        when = profile.start + dt.timedelta(hours=t * profile.step_h)
        raise InfeasibleError(
            f"{profile.source or 'load profile'}, row {t + 1} ({when.isoformat()}): cooling load "
            f"{profile.load_rt[t]:,.2f} RT exceeds the plant capacity "
            f"{float(np.broadcast_to(total, profile.load_rt.shape)[t]):,.2f} RT: "
            f"shortfall {float(short[t]):,.2f} RT"
        )


def _capacity(plant: Plant, profile: LoadProfile) -> FloatArray:
    arr = plant.arrays(profile.t_cw_c)
    return np.ascontiguousarray(np.broadcast_to(arr.capacity_rt, (profile.steps, plant.n)))


def sequential_schedule(
    plant: Plant, profile: LoadProfile, params: StagingParams | None = None
) -> Schedule:
    """Conventional staging: sequence order, equal PLR (see the module docstring).

    Parameters
    ----------
    plant : Plant
    profile : LoadProfile
        Cooling load per step [RT].
    params : StagingParams, optional

    Returns
    -------
    Schedule
        ``method="sequential"``; power [kW] per step.
    """
    p = params or StagingParams()
    n, steps = plant.n, profile.steps
    cap = _capacity(plant, profile)
    _check_capacity(plant, profile, cap)
    arr = plant.arrays(profile.t_cw_c)
    coef = np.broadcast_to(arr.coef, (steps, n, 4))
    max_plr, min_plr = arr.max_plr, arr.min_plr
    up = np.array([_steps(c.min_on_h, profile.step_h) for c in plant.chillers])
    down = np.array([_steps(c.min_off_h, profile.step_h) for c in plant.chillers])
    on = np.zeros((steps, n), dtype=bool)
    state = np.zeros(n, dtype=bool)
    age = down.copy()  # all off long enough to start
    order: list[int] = []  # running chillers in the order they were started
    for t in range(steps):
        load = profile.load_rt[t]
        c = cap[t] * max_plr
        started = np.zeros(n, dtype=bool)
        while float(np.sum(c[state])) * p.stage_up_plr < load - 1e-9 and not state.all():
            free = [i for i in range(n) if not state[i] and age[i] >= down[i]]
            pick = free[0] if free else next(i for i in range(n) if not state[i])
            state[pick] = True
            started[pick] = True
            order.append(pick)
        if float(np.sum(c[state])) < load - 1e-9:  # stage_up_plr > 1 cannot meet the load
            for i in range(n):
                if not state[i]:
                    state[i] = started[i] = True
                    order.append(i)
        if order and not started.any():
            last = order[-1]
            rest = float(np.sum(c[state])) - c[last]
            if (
                age[last] >= up[last]
                and load <= p.stage_down_plr * rest + 1e-9
                and (rest > 0 or load <= 0)
            ):
                state[last] = False
                order.pop()
                age[last] = 0
        age = np.where(started, 0, age) + 1
        on[t] = state
    share = np.zeros(steps)
    tot = np.sum(np.where(on, cap, 0.0), axis=1)
    np.divide(profile.load_rt, tot, out=share, where=tot > 0)
    plr = np.where(on, np.clip(share[:, None], min_plr, max_plr), 0.0)
    power = np.sum(
        np.where(
            on, coef[..., 0] + plr * (coef[..., 1] + plr * (coef[..., 2] + plr * coef[..., 3])), 0.0
        ),
        axis=1,
    )
    penalty = plant.switch_penalty_kwh if p.switch_penalty_kwh is None else p.switch_penalty_kwh
    return Schedule("sequential", on, plr, power, profile.load_rt, profile.step_h, penalty, cap)


def _dp_tables(
    up: IntArray, down: IntArray, penalty: float
) -> tuple[list[tuple[IntArray, FloatArray, IntArray, FloatArray]], list[FloatArray]]:
    """Per-chiller predecessor lists and dense transition-cost matrices.

    Mode index ``0..D-1`` = off for ``1..D`` steps (the last = rested, free to start),
    ``D..D+U-1`` = on for ``1..U`` steps (the last = may stop). Costs in [kWh].
    """
    preds = []
    dense = []
    for d_i, u_i in zip(down.tolist(), up.tolist(), strict=True):
        k = d_i + u_i
        mat = np.full((k, k), np.inf)
        for s in range(d_i):  # off, age s+1
            mat[s, min(s + 1, d_i - 1)] = 0.0
        mat[d_i - 1, d_i] = penalty  # start
        for s in range(d_i, k):  # on, age s-d_i+1
            mat[s, min(s + 1, k - 1)] = 0.0
        mat[k - 1, 0] = penalty  # stop
        p1 = np.zeros(k, dtype=np.int64)
        p2 = np.zeros(k, dtype=np.int64)
        c1 = np.full(k, np.inf)
        c2 = np.full(k, np.inf)
        for s2 in range(k):
            src = np.nonzero(np.isfinite(mat[:, s2]))[0]
            p1[s2], c1[s2] = src[0], mat[src[0], s2]
            if src.size > 1:
                p2[s2], c2[s2] = src[1], mat[src[1], s2]
            else:
                p2[s2], c2[s2] = src[0], mat[src[0], s2]
        preds.append((p1, c1, p2, c2))
        dense.append(mat)
    return preds, dense


def _dp(
    step_cost: FloatArray,
    up: IntArray,
    down: IntArray,
    penalty: float,
    max_states: int,
) -> IntArray:
    """Exact minimum-cost sequence of on/off sets; returns the set index per step [-].

    Parameters
    ----------
    step_cost : ndarray, shape (T, 2^n)
        Energy of each set at each step, inf where it cannot carry the load [kWh].
    up, down : ndarray of int, shape (n,)
        Minimum run and rest times [steps].
    penalty : float
        Cost per start or stop [kWh].
    """
    steps = step_cost.shape[0]
    n = up.size
    shape = tuple(int(v) for v in (down + up))
    n_states = math.prod(shape)
    if n_states > max_states:
        raise ConfigError(
            f"the staging state space has {n_states:,} states (max {max_states:,}); use a "
            "longer time step or shorter minimum run/rest times"
        )
    preds, dense = _dp_tables(up, down, penalty)
    idx = np.indices(shape)
    onset = np.zeros(shape, dtype=np.int64)
    for i in range(n):
        onset |= (idx[i] >= down[i]).astype(np.int64) << i
    bshape = [(1,) * i + (shape[i],) + (1,) * (n - i - 1) for i in range(n)]
    c1b = [preds[i][1].reshape(bshape[i]) for i in range(n)]
    c2b = [preds[i][3].reshape(bshape[i]) for i in range(n)]
    dense_b = [[dense[i][:, s].reshape(bshape[i]) for s in range(shape[i])] for i in range(n)]

    def advance(v: FloatArray, t: int) -> FloatArray:
        w = v
        for i in range(n):
            p1, _, p2, _ = preds[i]
            w = np.minimum(np.take(w, p1, axis=i) + c1b[i], np.take(w, p2, axis=i) + c2b[i])
        out: FloatArray = w + step_cost[t][onset]
        return out

    v0 = np.full(shape, np.inf)
    v0[tuple(int(d) - 1 for d in down)] = 0.0
    every = max(1, math.isqrt(steps))
    checkpoints = {0: v0}
    v = v0
    for t in range(steps):
        v = advance(v, t)
        if (t + 1) % every == 0:
            checkpoints[t + 1] = v
    if not np.isfinite(np.min(v)):
        raise InfeasibleError("no feasible staging: a load exceeds what the chillers can carry")
    sets = np.zeros(steps, dtype=np.int64)
    state = np.unravel_index(int(np.argmin(v)), shape)
    sets[steps - 1] = onset[state]
    t = steps - 1
    while t >= 1:
        base = (t // every) * every
        seg = [checkpoints[base]]
        for u in range(base, t):
            seg.append(advance(seg[-1], u))
        for u in range(t, max(base, 1) - 1, -1):
            cost = seg[u - base]
            for i in range(n):
                cost = cost + dense_b[i][int(state[i])]
            state = np.unravel_index(int(np.argmin(cost)), shape)
            sets[u - 1] = onset[state]
        t = base - 1
    return sets


def optimal_schedule(
    plant: Plant, profile: LoadProfile, params: StagingParams | None = None
) -> Schedule:
    """Minimum-energy staging with minimum run/rest times and a switching penalty.

    Parameters
    ----------
    plant : Plant
    profile : LoadProfile
        Cooling load per step [RT].
    params : StagingParams, optional

    Returns
    -------
    Schedule
        ``method="dp"``; exact optimum of the model in the module docstring.

    Raises
    ------
    InfeasibleError
        A step's load exceeds the plant capacity (the message names the row and shortfall).
    """
    p = params or StagingParams()
    cap = _capacity(plant, profile)
    _check_capacity(plant, profile, cap)
    penalty = plant.switch_penalty_kwh if p.switch_penalty_kwh is None else p.switch_penalty_kwh
    if penalty < 0:
        raise ConfigError("switch_penalty_kwh must be >= 0 [kWh]")
    power, _ = set_power_table(plant, profile.load_rt, profile.t_cw_c, params=p.ocl)
    up = np.array([_steps(c.min_on_h, profile.step_h) for c in plant.chillers], dtype=np.int64)
    down = np.array([_steps(c.min_off_h, profile.step_h) for c in plant.chillers], dtype=np.int64)
    sets = _dp(power * profile.step_h, up, down, penalty, p.max_states)
    plr, pw = set_loading(plant, profile.load_rt, sets, profile.t_cw_c, params=p.ocl)
    on = ((sets[:, None] >> np.arange(plant.n)) & 1).astype(bool)
    return Schedule("dp", on, plr, pw, profile.load_rt, profile.step_h, penalty, cap)


def compare_staging(
    plant: Plant, profile: LoadProfile, params: StagingParams | None = None
) -> StagingComparison:
    """Optimised staging and the conventional baseline on the same profile.

    Parameters
    ----------
    plant : Plant
    profile : LoadProfile
        Cooling load per step [RT].
    params : StagingParams, optional

    Returns
    -------
    StagingComparison
        Both schedules; savings in kWh and ``lever_result()``.
    """
    p = params or StagingParams()
    base = sequential_schedule(plant, profile, p)
    opt = optimal_schedule(plant, profile, p)
    return StagingComparison(plant, profile, base, opt, p)
