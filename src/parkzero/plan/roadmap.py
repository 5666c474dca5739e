"""The roadmap: which levers to deploy in which year, at minimum cost, to stay on the pathway.

The model (a MILP solved by HiGHS through ``highspy``)
------------------------------------------------------
Years ``y = 0 … H−1`` (the horizon), levers ``l``. A binary ``b[l, d]`` deploys lever ``l`` in
year ``d``; each lever is deployed at most once, and at most one lever of each group (IE3 or
IE4). In year ``y`` a lever deployed in ``d ≤ y`` delivers the share ``ρ_l(y − d) =
min(1, (y − d + 1) / R_l)`` of its full effect (ramp-up over ``R_l`` years).

- Pathway, every year: ``BAU[y] − Σ_l a[l, y] · Σ_{d ≤ y} ρ_l(y − d) · b[l, d] ≤ cap[y]``.
- Budget (optional), every year: the capex of levers deployed that year, and of those reinvested
  at the end of their life, is at most ``B`` [CNY].
- Objective: minimum present value of the levers' equivalent annual costs
  ``Σ_{l,d} b[l, d] · Σ_{y ≥ d} (capex_l · CRF_l + Δopex[l, y] · ρ_l(y − d)) / (1 + r)^(y − y0 + 1)``
  [CNY]. Annualising the capex charges each year only for the part of an investment it uses,
  so a lever bought late is not free after the horizon.

``a[l, y]`` is the lever's abatement at full effect [tCO2e/yr] — its *incremental* abatement at
its place in the merit order of the MACC (:mod:`parkzero.plan.macc`), computed by the carbon
engine, grown with the park's activity for levers that scale with it. For levers that act on the
same activity (shares of the same kWh), the abatement of any subset applied together is at
least the sum of their merit-order increments, so a plan that meets the pathway in the model
meets it in the engine as well; :func:`parkzero.plan.planner.make_plan` checks this by running
the engine on the chosen levers.

Residual emissions each year (what is left after the levers) are the credits a neutrality
claim needs. A pathway the levers cannot meet raises :class:`~parkzero.errors.InfeasibleError`
with the years and the shortfall, never a solver status.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parkzero.errors import ConfigError, InfeasibleError

__all__ = [
    "Roadmap",
    "RoadmapLever",
    "RoadmapParams",
    "RoadmapProblem",
    "deployment_cost",
    "evaluate_schedule",
    "greedy_roadmap",
    "ramp",
    "solve_roadmap",
]


def ramp(years_since: int, ramp_years: int) -> float:
    """Share of full effect in the `years_since`-th year after deployment (0 = that year) [-].

    >>> [ramp(k, 3) for k in (-1, 0, 1, 2, 5)]
    [0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 1.0]
    """
    if years_since < 0:
        return 0.0
    return min(1.0, (years_since + 1) / max(1, ramp_years))


@dataclass(frozen=True)
class RoadmapLever:
    """A lever as the roadmap sees it: numbers per horizon year.

    Parameters
    ----------
    id : str
    abatement : sequence of float
        Full-effect abatement in each horizon year [tCO2e/yr].
    opex : sequence of float
        Full-effect running-cost change in each horizon year; negative saves [CNY/yr].
    capex : float
        Investment at deployment and at every reinvestment [CNY].
    lifetime : float
        [yr]
    ramp_years : int
        [yr]
    group : str
        Levers of one non-empty group exclude each other [-].
    earliest : int
        First horizon index it may be deployed in [-].
    name : str
    """

    id: str
    abatement: Sequence[float]
    opex: Sequence[float]
    capex: float
    lifetime: float
    ramp_years: int = 1
    group: str = ""
    earliest: int = 0
    name: str = ""


@dataclass(frozen=True)
class RoadmapProblem:
    """Everything the MILP needs, as plain numbers.

    Parameters
    ----------
    years : sequence of int
        The horizon's calendar years [-].
    bau : sequence of float
        Emissions without new levers, per year [tCO2e/yr].
    cap : sequence of float
        Allowed emissions (the target pathway), per year [tCO2e/yr].
    levers : sequence of RoadmapLever
    discount_rate : float
        [1/yr]
    budget : float, optional
        Annual capex budget [CNY/yr].
    """

    years: Sequence[int]
    bau: Sequence[float]
    cap: Sequence[float]
    levers: Sequence[RoadmapLever]
    discount_rate: float = 0.06
    budget: float | None = None

    def __post_init__(self) -> None:
        h = len(self.years)
        if h == 0:
            raise ConfigError("the horizon has no years", column="horizon")
        if len(self.bau) != h or len(self.cap) != h:
            raise ConfigError("bau and cap need one value per horizon year", column="horizon")
        for lever in self.levers:
            if len(lever.abatement) != h or len(lever.opex) != h:
                raise ConfigError(
                    f'lever "{lever.id}" needs one value per horizon year', column=lever.id
                )
            if lever.lifetime <= 0:
                raise ConfigError(
                    f'lever "{lever.id}": lifetime must be positive',
                    column=f"{lever.id}.lifetime_years",
                )
        if self.budget is not None and self.budget < 0:
            raise ConfigError(f"budget must not be negative, got {self.budget}", column="budget")


@dataclass(frozen=True)
class RoadmapParams:
    """HiGHS settings.

    Parameters
    ----------
    time_limit_s : float
        Wall-clock limit [s].
    mip_rel_gap : float
        Relative optimality gap at which HiGHS stops; 0 proves optimality [-].
    formulation : {"hybrid", "step", "pulse"}
        ``pulse``: a binary ``b[l, d]`` per lever and deployment year (the textbook model,
        the benchmark's baseline); ``step``: a binary ``x[l, y]`` per lever and year, 1 from
        the deployment year on; ``hybrid`` (default): both, linked, with the pathway rows on
        ``x`` and cost, budget and "at most once" on ``b``. All have the same optimum [-].
    warm_start : bool
        Give HiGHS the greedy merit-order schedule as a first solution when it is feasible [-].
    seed : int
        [-]
    """

    time_limit_s: float = 60.0
    mip_rel_gap: float = 0.0
    formulation: str = "hybrid"
    warm_start: bool = True
    seed: int = 0


@dataclass(frozen=True)
class Roadmap:
    """A solved roadmap.

    Attributes
    ----------
    years : tuple of int
    deploy : dict
        Lever id → calendar year of deployment, or None when not deployed.
    share : dict
        Lever id → effect share per year [0–1].
    bau, cap, abatement, emissions : tuple of float
        Per year [tCO2e/yr]; ``emissions = bau − abatement`` (the model's figure).
    capex, opex : tuple of float
        Per year: investment (incl. reinvestment) and running-cost change [CNY].
    cost_cny : float
        The objective: present value of equivalent annual costs [CNY].
    status : str
        ``optimal`` (proven), ``time_limit`` (best found), ``heuristic``.
    gap : float
        Relative MIP gap at the end [-].
    solve_s : float
        Solver wall time [s].
    """

    years: tuple[int, ...]
    deploy: dict[str, int | None]
    share: dict[str, tuple[float, ...]]
    bau: tuple[float, ...]
    cap: tuple[float, ...]
    abatement: tuple[float, ...]
    emissions: tuple[float, ...]
    capex: tuple[float, ...]
    opex: tuple[float, ...]
    cost_cny: float
    status: str
    gap: float = 0.0
    solve_s: float = 0.0
    verified: dict[int, float] = field(default_factory=dict)

    @property
    def credits_needed(self) -> tuple[float, ...]:
        """Residual emissions per year, to be neutralised by credits or removals [tCO2e]."""
        return tuple(max(0.0, e) for e in self.emissions)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (``docs/plan.md``)."""
        new_in = {y: [k for k, v in self.deploy.items() if v == y] for y in self.years}
        return {
            "status": self.status,
            "cost_cny": self.cost_cny,
            "gap": self.gap,
            "solve_s": self.solve_s,
            "deploy": dict(self.deploy),
            "years": [
                {
                    "year": y,
                    "bau_tco2e": self.bau[i],
                    "cap_tco2e": self.cap[i],
                    "abatement_tco2e": self.abatement[i],
                    "emissions_tco2e": self.emissions[i],
                    "credits_needed_tco2e": self.credits_needed[i],
                    "verified_tco2e": self.verified.get(y),
                    "capex_cny": self.capex[i],
                    "opex_delta_cny": self.opex[i],
                    "deployed": new_in[y],
                    "active": {k: s[i] for k, s in self.share.items() if s[i] > 0},
                }
                for i, y in enumerate(self.years)
            ],
        }


# --------------------------------------------------------------------------------------------
# cost and evaluation of a schedule


def _discount(problem: RoadmapProblem) -> np.ndarray:
    h = len(problem.years)
    return (1.0 + problem.discount_rate) ** -(np.arange(h) + 1.0)


def _crf(rate: float, years: float) -> float:
    return 1.0 / years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -years)


def deployment_cost(problem: RoadmapProblem, lever: RoadmapLever, d: int) -> float:
    """Present value of deploying `lever` in horizon year `d` [CNY]."""
    disc = _discount(problem)
    annuity = lever.capex * _crf(problem.discount_rate, lever.lifetime)
    total = 0.0
    for y in range(d, len(problem.years)):
        total += (annuity + lever.opex[y] * ramp(y - d, lever.ramp_years)) * disc[y]
    return total


def _reinvest_years(lever: RoadmapLever, d: int, h: int) -> list[int]:
    step = max(1, round(lever.lifetime))
    return list(range(d, h, step))


def evaluate_schedule(problem: RoadmapProblem, deploy: Sequence[int | None]) -> dict[str, Any]:
    """Emissions, cost and budget use of a deployment schedule (one entry per lever).

    Returns a dict with ``emissions``, ``abatement``, ``capex`` (per year), ``cost`` [CNY],
    ``feasible`` (pathway and budget met) and ``shortfall`` per year [tCO2e].
    """
    h = len(problem.years)
    abatement = np.zeros(h)
    capex = np.zeros(h)
    cost = 0.0
    groups: dict[str, int] = {}
    for lever, d in zip(problem.levers, deploy, strict=True):
        if d is None:
            continue
        if lever.group:
            groups[lever.group] = groups.get(lever.group, 0) + 1
        for y in range(d, h):
            abatement[y] += lever.abatement[y] * ramp(y - d, lever.ramp_years)
        for y in _reinvest_years(lever, d, h):
            capex[y] += lever.capex
        cost += deployment_cost(problem, lever, d)
    emissions = np.asarray(problem.bau) - abatement
    shortfall = np.maximum(0.0, emissions - np.asarray(problem.cap))
    budget_ok = problem.budget is None or bool((capex <= problem.budget * (1 + 1e-9) + 1e-6).all())
    feasible = (
        bool((shortfall <= 1e-6 * np.maximum(1.0, np.asarray(problem.cap))).all())
        and budget_ok
        and all(n <= 1 for n in groups.values())
    )
    return {
        "emissions": emissions,
        "abatement": abatement,
        "capex": capex,
        "cost": cost,
        "feasible": feasible,
        "shortfall": shortfall,
    }


# --------------------------------------------------------------------------------------------
# the MILP


_BANNER_SHOWN = False


def _highs() -> Any:
    """A silent HiGHS instance (its banner would corrupt ``--json`` output on stdout)."""
    global _BANNER_SHOWN
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise ConfigError(
            "the roadmap needs the HiGHS solver: pip install highspy", column="highspy"
        ) from exc
    if _BANNER_SHOWN:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        return h
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
        _BANNER_SHOWN = True
    return h


@dataclass
class _Model:
    cols: list[tuple[int, int]]  # (lever index, deploy year) per binary column
    cost: list[float]
    rows_lo: list[float]
    rows_hi: list[float]
    entries: list[dict[int, float]]  # per column: row → coefficient
    n_slack: int = 0
    step: bool = False


def _build(
    problem: RoadmapProblem,
    *,
    slack: bool,
    with_budget: bool,
    with_cost: bool,
    step: bool | str = True,
) -> _Model:
    h = len(problem.years)
    inf = math.inf
    rows_lo: list[float] = []
    rows_hi: list[float] = []
    # rows: one per lever, one per group, one per year (pathway), one per year (budget)
    lever_row = {}
    for i, _ in enumerate(problem.levers):
        lever_row[i] = len(rows_lo)
        rows_lo.append(-inf)
        rows_hi.append(1.0)
    group_row = {}
    for g in sorted({lv.group for lv in problem.levers if lv.group}):
        group_row[g] = len(rows_lo)
        rows_lo.append(-inf)
        rows_hi.append(1.0)
    year_row = []
    for y in range(h):
        year_row.append(len(rows_lo))
        rows_lo.append(problem.bau[y] - problem.cap[y])
        rows_hi.append(inf)
    budget_row = []
    if with_budget and problem.budget is not None:
        for _ in range(h):
            budget_row.append(len(rows_lo))
            rows_lo.append(-inf)
            rows_hi.append(float(problem.budget))
    cols: list[tuple[int, int]] = []
    cost: list[float] = []
    entries: list[dict[int, float]] = []
    for i, lever in enumerate(problem.levers):
        for d in range(max(0, lever.earliest), h):
            col: dict[int, float] = {lever_row[i]: 1.0}
            if lever.group:
                col[group_row[lever.group]] = 1.0
            for y in range(d, h):
                a = lever.abatement[y] * ramp(y - d, lever.ramp_years)
                if a != 0.0:
                    col[year_row[y]] = a
            if budget_row:
                for y in _reinvest_years(lever, d, h):
                    if lever.capex:
                        col[budget_row[y]] = col.get(budget_row[y], 0.0) + lever.capex
            cols.append((i, d))
            cost.append(deployment_cost(problem, lever, d) if with_cost else 0.0)
            entries.append(col)
    model = _Model(cols, cost, rows_lo, rows_hi, entries)
    if step == "step" or step is True:
        model = _to_step(problem, model, set(lever_row.values()))
    elif step == "hybrid":
        model = _to_hybrid(problem, model, set(year_row))
    if slack:
        for y in range(h):
            model.entries.append({year_row[y]: 1.0})
            model.cost.append(1.0)
        model.n_slack = h
    return model


def _to_step(problem: RoadmapProblem, pulse: _Model, lever_rows: set[int]) -> _Model:
    """The same model in cumulative variables ``x[l, y] = Σ_{d ≤ y} b[l, d]``.

    ``b[l, d] = x[l, d] − x[l, d − 1]``, so column ``x[l, d]`` is column ``b[l, d]`` minus
    column ``b[l, d + 1]`` (and its cost the difference of the costs); "at most once" becomes
    ``x[l, d − 1] ≤ x[l, d]``. Branching on "is the lever in place by year y" splits the
    search far more evenly than "is it deployed exactly in year y".
    """
    by_lever: dict[int, list[int]] = {}
    for j, (i, _) in enumerate(pulse.cols):
        by_lever.setdefault(i, []).append(j)
    rows_lo = list(pulse.rows_lo)
    rows_hi = list(pulse.rows_hi)
    cols: list[tuple[int, int]] = []
    cost: list[float] = []
    entries: list[dict[int, float]] = []
    for js in by_lever.values():
        first = len(cols)
        for k, j in enumerate(js):
            col = {r: v for r, v in pulse.entries[j].items() if r not in lever_rows}
            nxt = pulse.entries[js[k + 1]] if k + 1 < len(js) else {}
            for r, v in nxt.items():
                if r not in lever_rows:
                    col[r] = col.get(r, 0.0) - v
            cols.append(pulse.cols[j])
            cost.append(pulse.cost[j] - (pulse.cost[js[k + 1]] if k + 1 < len(js) else 0.0))
            entries.append({r: v for r, v in col.items() if abs(v) > 1e-12})
        for k in range(1, len(js)):  # x[d − 1] − x[d] ≤ 0
            row = len(rows_lo)
            rows_lo.append(-math.inf)
            rows_hi.append(0.0)
            entries[first + k - 1][row] = 1.0
            entries[first + k][row] = -1.0
    return _Model(cols, cost, rows_lo, rows_hi, entries, step=True)


def _to_hybrid(problem: RoadmapProblem, pulse: _Model, year_rows: set[int]) -> _Model:
    """Both variable sets: ``b[l, d]`` (deployment year) carries cost, budget and the "at most
    once" rows; ``x[l, y] = Σ_{d ≤ y} b[l, d]`` carries the pathway rows. HiGHS can branch on
    either and separates knapsack cuts on the budget rows (positive coefficients in ``b``).
    """
    rows_lo = list(pulse.rows_lo)
    rows_hi = list(pulse.rows_hi)
    cols = list(pulse.cols)
    cost = list(pulse.cost)
    entries = [{r: v for r, v in col.items() if r not in year_rows} for col in pulse.entries]
    by_lever: dict[int, list[int]] = {}
    for j, (i, _) in enumerate(pulse.cols):
        by_lever.setdefault(i, []).append(j)
    for i, js in by_lever.items():
        for k, j in enumerate(js):
            # x[l, d] carries the pathway coefficients of b[l, d] minus those of b[l, d + 1]
            col = {r: v for r, v in pulse.entries[j].items() if r in year_rows}
            if k + 1 < len(js):
                for r, v in pulse.entries[js[k + 1]].items():
                    if r in year_rows:
                        col[r] = col.get(r, 0.0) - v
            link = len(rows_lo)  # x[l, d] − Σ_{d' ≤ d} b[l, d'] = 0
            rows_lo.append(0.0)
            rows_hi.append(0.0)
            col = {r: v for r, v in col.items() if abs(v) > 1e-12}
            col[link] = 1.0
            for jj in js[: k + 1]:
                entries[jj][link] = -1.0
            cols.append((-1 - i, pulse.cols[j][1]))
            cost.append(0.0)
            entries.append(col)
    return _Model(cols, cost, rows_lo, rows_hi, entries, step=False)


def _solve(
    model: _Model, params: RoadmapParams, start: Sequence[int | None] | None = None
) -> tuple[str, np.ndarray, float, float, float]:
    import highspy

    n_bin = len(model.cols)
    n = n_bin + model.n_slack
    h = _highs()
    h.setOptionValue("time_limit", float(params.time_limit_s))
    h.setOptionValue("mip_rel_gap", float(params.mip_rel_gap))
    h.setOptionValue("random_seed", int(params.seed))
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(model.rows_lo)
    lp.col_cost_ = np.asarray(model.cost, dtype=float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.concatenate([np.ones(n_bin), np.full(model.n_slack, highspy.kHighsInf)])
    lp.row_lower_ = np.asarray([-highspy.kHighsInf if v == -math.inf else v for v in model.rows_lo])
    lp.row_upper_ = np.asarray([highspy.kHighsInf if v == math.inf else v for v in model.rows_hi])
    start = [0]
    index: list[int] = []
    value: list[float] = []
    for col in model.entries:
        for r in sorted(col):
            index.append(r)
            value.append(col[r])
        start.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.asarray(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_bin + [
        highspy.HighsVarType.kContinuous
    ] * model.n_slack
    h.passModel(lp)
    if start is not None:
        x0 = np.zeros(n)
        for j, (i, d) in enumerate(model.cols):
            lever = -1 - i if i < 0 else i
            cumulative = model.step or i < 0
            s0 = start[lever]
            if s0 is not None and (d >= s0 if cumulative else d == s0):
                x0[j] = 1.0
        sol = highspy.HighsSolution()
        sol.col_value = list(x0)
        h.setSolution(sol)
    t0 = time.perf_counter()
    h.run()
    elapsed = time.perf_counter() - t0
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kOptimal:
        name = "optimal"
    elif status == highspy.HighsModelStatus.kInfeasible:
        return "infeasible", np.zeros(n), math.nan, math.nan, elapsed
    elif status == highspy.HighsModelStatus.kTimeLimit and info.primal_solution_status == 2:
        name = "time_limit"
    else:
        return h.modelStatusToString(status), np.zeros(n), math.nan, math.nan, elapsed
    x = np.asarray(h.getSolution().col_value, dtype=float)
    return name, x, float(info.objective_function_value), float(info.mip_gap), elapsed


def _schedule_of(problem: RoadmapProblem, model: _Model, x: np.ndarray) -> list[int | None]:
    deploy: list[int | None] = [None] * len(problem.levers)
    for (i, d), v in zip(model.cols, x[: len(model.cols)], strict=True):
        if i < 0:
            continue
        if v > 0.5 and (deploy[i] is None or d < deploy[i]):  # type: ignore[operator]
            deploy[i] = d
    return deploy


def _roadmap(
    problem: RoadmapProblem, deploy: Sequence[int | None], status: str, gap: float, solve_s: float
) -> Roadmap:
    ev = evaluate_schedule(problem, deploy)
    h = len(problem.years)
    shares = {}
    opex = np.zeros(h)
    for lever, d in zip(problem.levers, deploy, strict=True):
        s = tuple(ramp(y - d, lever.ramp_years) if d is not None else 0.0 for y in range(h))
        shares[lever.id] = s
        opex += np.asarray(lever.opex) * np.asarray(s)
    return Roadmap(
        years=tuple(problem.years),
        deploy={
            lv.id: (problem.years[d] if d is not None else None)
            for lv, d in zip(problem.levers, deploy, strict=True)
        },
        share=shares,
        bau=tuple(float(v) for v in problem.bau),
        cap=tuple(float(v) for v in problem.cap),
        abatement=tuple(float(v) for v in ev["abatement"]),
        emissions=tuple(float(v) for v in ev["emissions"]),
        capex=tuple(float(v) for v in ev["capex"]),
        opex=tuple(float(v) for v in opex),
        cost_cny=float(ev["cost"]),
        status=status,
        gap=gap,
        solve_s=solve_s,
    )


def solve_roadmap(problem: RoadmapProblem, params: RoadmapParams | None = None) -> Roadmap:
    """Solve the roadmap MILP to optimality.

    Parameters
    ----------
    problem : RoadmapProblem
    params : RoadmapParams, optional

    Returns
    -------
    Roadmap

    Raises
    ------
    InfeasibleError
        The levers cannot keep emissions under the pathway; the message names each year
        that cannot be met and by how much, and whether the budget is the reason. The error
        has ``shortfall`` (year → tCO2e) and ``reason`` attributes.
    """
    params = params or RoadmapParams()
    if params.formulation not in ("step", "pulse", "hybrid"):
        raise ConfigError(
            f'unknown formulation "{params.formulation}" (expected step or pulse)',
            column="formulation",
        )
    model = _build(
        problem,
        slack=False,
        with_budget=True,
        with_cost=True,
        step=params.formulation if params.formulation != "pulse" else False,
    )
    greedy = _greedy_schedule(problem) if params.warm_start else None
    status, x, _, gap, elapsed = _solve(model, params, greedy)
    if status in ("optimal", "time_limit"):
        return _roadmap(problem, _schedule_of(problem, model, x), status, gap, elapsed)
    if status != "infeasible":
        raise InfeasibleError(
            f"HiGHS stopped without a plan ({status}) after {elapsed:.1f} s; raise the time limit"
        )
    raise _explain(problem, params)


def _explain(problem: RoadmapProblem, params: RoadmapParams) -> InfeasibleError:
    """Why no plan meets the pathway: the smallest shortfall per year the levers leave."""
    no_budget = RoadmapProblem(
        problem.years, problem.bau, problem.cap, problem.levers, problem.discount_rate, None
    )
    short = _min_shortfall(no_budget, params)
    reason = "levers"
    if not short and problem.budget is not None:
        short = _min_shortfall(problem, params)
        reason = "budget"
    lines = [
        f"{y}: at best {problem.cap[i] + s:,.1f} tCO2e against the pathway's "
        f"{problem.cap[i]:,.1f} (short by {s:,.1f} tCO2e)"
        for i, y in enumerate(problem.years)
        if (s := short.get(y, 0.0)) > 1e-6
    ]
    shown = lines[:6] + ([f"… and {len(lines) - 6} more years"] if len(lines) > 6 else [])
    if reason == "budget":
        head = (
            f"the annual capex budget of {problem.budget:,.0f} CNY is too small to keep "
            "emissions on the pathway (with no budget limit it can be met); the smallest "
            "shortfall the budget allows:"
        )
    else:
        head = (
            "the levers cannot keep emissions on the pathway even if each is deployed as "
            "early as allowed:"
        )
    err = InfeasibleError(
        head
        + "\n  "
        + "\n  ".join(shown)
        + "\nAdd levers, widen their effect, or choose a later or less "
        "ambitious target; the shortfall would have to be met by other "
        "reductions (credits do not count towards the pathway)."
    )
    err.shortfall = short  # type: ignore[attr-defined]
    err.reason = reason  # type: ignore[attr-defined]
    return err


def _max_abatement(problem: RoadmapProblem, y: int) -> float:
    """The most abatement any schedule reaches in year `y` (groups: the best member) [tCO2e]."""
    best_of: dict[str, float] = {}
    total = 0.0
    for lever in problem.levers:
        if lever.earliest > y:
            continue
        a = max(0.0, lever.abatement[y] * ramp(y - max(0, lever.earliest), lever.ramp_years))
        if lever.group:
            best_of[lever.group] = max(best_of.get(lever.group, 0.0), a)
        else:
            total += a
    return total + sum(best_of.values())


def _min_shortfall(problem: RoadmapProblem, params: RoadmapParams) -> dict[int, float]:
    if problem.budget is None:
        # without a budget every year is independent: deploy everything as early as allowed
        out = {}
        for i, y in enumerate(problem.years):
            s = problem.bau[i] - _max_abatement(problem, i) - problem.cap[i]
            if s > 1e-6 * max(1.0, abs(problem.cap[i])):
                out[y] = s
        return out
    model = _build(
        problem,
        slack=True,
        with_budget=True,
        with_cost=False,
        step=params.formulation if params.formulation != "pulse" else False,
    )
    status, x, _, _, _ = _solve(model, params)
    if status not in ("optimal", "time_limit"):  # pragma: no cover - slack keeps it feasible
        return {}
    slack = x[len(model.cols) :]
    return {y: float(s) for y, s in zip(problem.years, slack, strict=True) if s > 1e-6}


# --------------------------------------------------------------------------------------------
# a baseline: greedy merit order


def greedy_roadmap(problem: RoadmapProblem) -> Roadmap | None:
    """The status-quo heuristic: deploy levers cheapest-per-tonne first, only when needed.

    Levers that save money are deployed in the first year; then, year by year, while the
    pathway is missed, the next lever in merit order (cost per tonne at full effect in the
    first year) is deployed that year if the budget allows. Returns None when it runs out of
    levers.
    """
    t0 = time.perf_counter()
    deploy = _greedy_schedule(problem)
    if deploy is None:
        return None
    return _roadmap(problem, deploy, "heuristic", math.nan, time.perf_counter() - t0)


def _greedy_schedule(problem: RoadmapProblem) -> list[int | None] | None:
    h = len(problem.years)
    order = sorted(
        range(len(problem.levers)),
        key=lambda i: _unit_cost(problem, problem.levers[i]),
    )
    deploy: list[int | None] = [None] * len(problem.levers)
    used_groups: set[str] = set()

    def fits(i: int, d: int) -> bool:
        lever = problem.levers[i]
        if (
            deploy[i] is not None
            or d < lever.earliest
            or (lever.group and lever.group in used_groups)
        ):
            return False
        if problem.budget is None:
            return True
        trial = list(deploy)
        trial[i] = d
        return bool((evaluate_schedule(problem, trial)["capex"] <= problem.budget + 1e-6).all())

    def take(i: int, d: int) -> None:
        deploy[i] = d
        if problem.levers[i].group:
            used_groups.add(problem.levers[i].group)

    for i in order:
        if deployment_cost(problem, problem.levers[i], 0) < 0 and fits(i, 0):
            take(i, 0)
    for y in range(h):
        while True:
            ev = evaluate_schedule(problem, deploy)
            if ev["emissions"][y] <= problem.cap[y] + 1e-9:
                break
            nxt = next((i for i in order if fits(i, y)), None)
            if nxt is None:
                return None
            take(nxt, y)
    return deploy


def _unit_cost(problem: RoadmapProblem, lever: RoadmapLever) -> float:
    a = lever.abatement[0]
    annual = lever.capex * _crf(problem.discount_rate, lever.lifetime) + lever.opex[0]
    return annual / a if a > 1e-9 else math.inf
