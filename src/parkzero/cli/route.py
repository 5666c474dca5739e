"""``parkzero route``: plan cold-chain and city distribution routes, compare with the baseline."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError
from parkzero.routing import (
    EmissionWeights,
    Problem,
    RouteParams,
    build_matrices,
    compare,
    load_problem,
    measure,
    plan_to_dict,
    read_solomon,
    read_vrplib,
    solve,
)
from parkzero.routing.evaluate import with_emission_weights

__all__ = ["app"]

app = typer.Typer(
    help="Vehicle routing and loading (智能运输): cold chain, fewest vehicles, cost or CO2e.",
    no_args_is_help=True,
)


class Format(StrEnum):
    auto = "auto"
    yaml = "yaml"
    solomon = "solomon"
    vrplib = "vrplib"


class ObjectiveName(StrEnum):
    hierarchical = "hierarchical"
    dimacs = "dimacs"
    cost = "cost"
    co2 = "co2"


ProblemArg = Annotated[
    Path,
    typer.Argument(help="Problem file: YAML/JSON, Solomon text or VRPLIB.", show_default=False),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", help="File format; 'auto' goes by the extension.")
]
TimeOpt = Annotated[float, typer.Option("--time-limit", help="Solver time limit [s].", min=0.01)]
ObjectiveOpt = Annotated[ObjectiveName, typer.Option("--objective", help="What to minimise.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
DieselOpt = Annotated[
    float | None,
    typer.Option(
        "--kgco2e-per-l",
        help="Diesel factor [kgCO2e/L]; default: the problem's, else the carbon library's.",
    ),
]
KwhOpt = Annotated[
    float | None,
    typer.Option("--kgco2e-per-kwh", help="Electricity factor for the co2 objective [kgCO2e/kWh]."),
]


def _read(path: Path, fmt: Format) -> tuple[Problem, str]:
    if fmt is Format.auto:
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml", ".json"):
            fmt = Format.yaml
        elif suffix == ".vrp":
            fmt = Format.vrplib
        elif suffix == ".txt":
            fmt = Format.solomon
        else:
            raise ConfigError(
                f"cannot tell the format of {path.name!r} from its extension; "
                "pass --format yaml, solomon or vrplib",
                column="--format",
            )
    if fmt is Format.yaml:
        return load_problem(path), "yaml"
    if fmt is Format.solomon:
        return read_solomon(path), "solomon"
    return read_vrplib(path), "vrplib"


def _weights(problem: Problem, per_l: float | None, per_kwh: float | None) -> Problem:
    if per_l is None and per_kwh is None:
        return problem
    if per_l is None or per_kwh is None:
        raise ConfigError("give both --kgco2e-per-l and --kgco2e-per-kwh", column="--kgco2e-per-l")
    w = EmissionWeights(kgco2e_per_l_diesel=per_l, kgco2e_per_kwh=per_kwh, source="command line")
    return problem.model_copy(update={"emission_weights": w})


def _summary_table(title: str, rows: list[tuple[str, Any]]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for k, v in rows:
        table.add_row(
            escape(k), v if isinstance(v, str) else f"{v:,.2f}" if isinstance(v, float) else str(v)
        )
    return table


@app.command("solve")
@handle_errors
def solve_cmd(
    problem_file: ProblemArg,
    fmt: FormatOpt = Format.auto,
    time_limit: TimeOpt = 10.0,
    objective: ObjectiveOpt = ObjectiveName.hierarchical,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    kgco2e_per_l: DieselOpt = None,
    kgco2e_per_kwh: KwhOpt = None,
) -> None:
    """Plan routes (and, for YAML problems, loading) for one day."""
    problem, kind = _read(problem_file, fmt)
    problem = _weights(problem, kgco2e_per_l, kgco2e_per_kwh)
    if kind == "yaml":
        problem = with_emission_weights(problem)
    params = RouteParams(objective=objective.value, time_limit_s=time_limit, seed=seed)
    matrices = build_matrices(problem)
    plan = solve(problem, params, matrices=matrices)
    rich = kind == "yaml"
    if params.objective == "dimacs":
        from parkzero.routing.solve import dimacs_matrices

        matrices = dimacs_matrices(matrices)
    measures = measure(problem, plan, matrices) if rich else None
    out = plan_to_dict(problem, plan, measures, loading=rich)
    if as_json:
        print_json(out)
        return
    rows: list[tuple[str, Any]] = [
        ("objective", params.objective),
        ("vehicles", out["vehicles"]),
        ("distance", float(out["distance"])),
        ("feasible", "yes" if plan.feasible else "NO"),
        ("unserved orders", len(plan.unserved)),
    ]
    if measures is not None:
        rows += [
            ("load factor (weight)", f"{measures.load_factor:.1%}"),
            ("diesel [L]", measures.diesel_l),
            ("electricity [kWh]", measures.electricity_kwh),
            ("reefer running [h]", measures.reefer_h),
            ("cost [CNY]", measures.cost_cny),
        ]
        if measures.co2e_kg is not None:
            rows.append(("CO2e at the given factors [kg]", measures.co2e_kg))
    console.print(_summary_table(f"{problem.name}: routes", rows))
    for i, r in enumerate(out["routes"], start=1):
        vt = out["route_details"][i - 1]["vehicle_type"]
        console.print(f"  {i:>3} {vt}: {' → '.join(r)}", highlight=False)
    for u in plan.unserved:
        console.print(f"  [yellow]not served[/] {u.order}: {u.reason}", highlight=False)


@app.command("compare")
@handle_errors
def compare_cmd(
    problem_file: ProblemArg,
    time_limit: TimeOpt = 10.0,
    objective: ObjectiveOpt = ObjectiveName.hierarchical,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    kgco2e_per_l: DieselOpt = None,
    kgco2e_per_kwh: KwhOpt = None,
) -> None:
    """Run the baseline and the optimiser on a YAML problem; print both and the lever result."""
    problem = with_emission_weights(
        _weights(load_problem(problem_file), kgco2e_per_l, kgco2e_per_kwh)
    )
    params = RouteParams(objective=objective.value, time_limit_s=time_limit, seed=seed)
    c = compare(problem, params)
    lever = c.lever
    if as_json:
        print_json(
            {
                "name": problem.name,
                "baseline": {**c.baseline_measures.summary(), "feasible": c.baseline.feasible},
                "optimised": {**c.optimised_measures.summary(), "feasible": c.optimised.feasible},
                "baseline_routes": [r.orders for r in c.baseline.routes],
                "routes": [r.orders for r in c.optimised.routes],
                "unserved": [{"order": u.order, "reason": u.reason} for u in c.optimised.unserved],
                "lever": {
                    "lever": lever.lever,
                    "baseline": [asdict(a) for a in lever.baseline],
                    "scenario": [asdict(a) for a in lever.scenario],
                    "capex_cny": lever.capex_cny,
                    "opex_delta_cny_per_year": lever.opex_delta_cny_per_year,
                    "lifetime_years": lever.lifetime_years,
                    "metrics": dict(lever.metrics),
                    "evidence": dict(lever.evidence),
                },
            }
        )
        return
    b, o = c.baseline_measures, c.optimised_measures
    table = Table(title=f"{problem.name}: baseline vs optimised ({params.objective})")
    for col in ("per day", "baseline", "optimised", "change"):
        table.add_column(col, justify="left" if col == "per day" else "right")
    for label, x, y in (
        ("vehicles", b.vehicles, o.vehicles),
        ("vehicle-km", b.distance_km, o.distance_km),
        ("load factor", b.load_factor, o.load_factor),
        ("diesel [L]", b.diesel_l, o.diesel_l),
        ("electricity [kWh]", b.electricity_kwh, o.electricity_kwh),
        ("reefer running [h]", b.reefer_h, o.reefer_h),
        ("cost [CNY]", b.cost_cny, o.cost_cny),
    ):
        change = f"{(y - x) / x:+.1%}" if x else "—"
        fmt_ = "{:.1%}" if label == "load factor" else "{:,.1f}" if isinstance(x, float) else "{}"
        table.add_row(escape(label), fmt_.format(x), fmt_.format(y), change)
    console.print(table)
    if not c.baseline.feasible:
        console.print(f"[yellow]baseline[/]: {c.baseline.evidence}", highlight=False)
    if not c.optimised.feasible:
        console.print("[red]the optimised plan is not feasible[/]")
    console.print(
        f"LeverResult {lever.lever}: opex change {lever.opex_delta_cny_per_year:,.0f} CNY/yr, "
        f"{len(lever.baseline)} baseline and {len(lever.scenario)} scenario activities",
        highlight=False,
    )
