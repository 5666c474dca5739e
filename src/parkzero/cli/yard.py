"""``parkzero yard``: digital yard (数字场站) — dock scheduling, simulation, bookings.

Commands
--------
``parkzero yard schedule INSTANCE [--format yaml|dbap] [--time-limit S] [--json]``
    Assign the day's trucks to docks and start times with CP-SAT; compare with
    first-come-first-served. INSTANCE is the YAML format of :mod:`parkzero.yard.instance` or
    the DBAP text format of :mod:`parkzero.yard.dbap`; the format is taken from the extension
    (``.yaml``/``.yml`` → yaml, ``.txt``/``.dat``/``.dbap`` → dbap) unless given.

The simulation and booking commands are registered from :mod:`parkzero.cli.yard_sim`.
With ``--json`` each command prints one JSON object on stdout (keys in docs/yard.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.yard.heuristics import fcfs
from parkzero.yard.instance import format_time, read_problem
from parkzero.yard.problem import DockProblem, Schedule
from parkzero.yard.scheduler import CpSatParams, solve

__all__ = ["app", "schedule_to_dict"]

app = typer.Typer(
    help="Digital yard (数字场站): dock scheduling, yard simulation and appointments.",
    no_args_is_help=True,
)


def schedule_to_dict(problem: DockProblem, schedule: Schedule) -> dict[str, Any]:
    """The JSON object of ``parkzero yard schedule`` (times in minutes after midnight [min])."""
    release = {t.id: t.release_min for t in problem.trucks}
    gap = None
    if schedule.lower_bound is not None and schedule.objective > 0 and schedule.feasible:
        gap = (schedule.objective - schedule.lower_bound) / schedule.objective
    return {
        "name": problem.name,
        "trucks": len(problem.trucks),
        "docks": len(problem.docks),
        "objective": schedule.objective,
        "lower_bound": schedule.lower_bound,
        "gap": gap,
        "feasible": schedule.feasible,
        "status": schedule.status,
        "solver": schedule.solver,
        "wall_s": round(schedule.wall_s, 3),
        "assignments": [
            {
                "truck": a.truck,
                "dock": a.dock,
                "start": a.start_min,
                "end": a.end_min,
                "wait": a.start_min - release[a.truck],
            }
            for a in schedule.assignments
        ],
        "unplaced": list(schedule.unplaced),
    }


@app.command("schedule")
@handle_errors
def schedule_command(
    instance: Annotated[Path, typer.Argument(help="INSTANCE.yaml or a DBAP .txt file.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="yaml or dbap (default: from the extension)."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver time limit [s].", min=0.1)
    ] = 10.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT threads.", min=1)] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the search.")] = 0,
    objective: Annotated[
        str,
        typer.Option("--objective", help="wait (every truck alike) or weighted_turnaround."),
    ] = "wait",
    rows: Annotated[
        int, typer.Option("--rows", help="Assignments shown in the table (0 = none).", min=0)
    ] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Schedule a day's trucks at the docks (CP-SAT) and compare with first-come-first-served."""
    problem = read_problem(instance, fmt)
    params = CpSatParams(time_limit_s=time_limit, workers=workers, seed=seed, objective=objective)
    base = fcfs(problem)
    best = solve(problem, params)
    out = schedule_to_dict(problem, best)
    out["fcfs_objective"] = base.objective
    out["fcfs_feasible"] = base.feasible
    if as_json:
        print_json(out)
        return
    clock = instance.suffix.lower() in (".yaml", ".yml") or (fmt or "").lower() == "yaml"

    def when(minutes: int) -> str:
        return format_time(minutes) if clock else str(minutes)

    console.print(
        f"[bold]{escape(problem.name or instance.name)}[/]: {len(problem.trucks)} trucks, "
        f"{len(problem.docks)} docks — {best.solver} ({best.status}) in {best.wall_s:.1f} s",
        highlight=False,
    )
    bound = ""
    if out["lower_bound"] is not None:
        bound = f"; lower bound {out['lower_bound']:,.0f} min"
        if out["gap"] is not None:
            bound += f" (gap {100 * out['gap']:.1f} %)"
    console.print(
        f"Waiting + handling: [bold]{best.objective:,.0f} min[/]{bound}"
        + ("" if best.feasible else "  [red]NOT FEASIBLE[/]"),
        highlight=False,
    )
    if base.objective > 0:
        saving = base.objective - best.objective
        console.print(
            f"First-come-first-served: {base.objective:,.0f} min  →  saves {saving:,.0f} min "
            f"({100 * saving / base.objective:.1f} %)",
            highlight=False,
        )
    if best.unplaced:
        console.print(f"[red]Not placed:[/] {escape(', '.join(best.unplaced))}", highlight=False)
    if rows:
        table = Table("truck", "dock", "start", "end", "wait \\[min]")
        for a in out["assignments"][:rows]:
            table.add_row(
                escape(a["truck"]),
                escape(a["dock"]),
                when(a["start"]),
                when(a["end"]),
                str(a["wait"]),
            )
        console.print(table)
        more = len(out["assignments"]) - rows
        if more > 0:
            console.print(f"… {more} more (use --rows or --json)", style="dim", highlight=False)


from parkzero.cli import yard_sim as _yard_sim  # noqa: E402

_yard_sim.register(app)
