"""``parkzero target`` and ``parkzero plan`` — science-based target, MACC and roadmap.

``target`` sets the target from the park's inventories, checks it against the SBTi criteria and
shows progress; ``plan`` adds the MACC of the guide's levers and the roadmap MILP that meets the
pathway at minimum cost. Both print one JSON object with ``--json`` (keys in ``docs/plan.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parkzero.carbon.inventory import InventoryResult, load_park_activities
from parkzero.carbon.park import Park, load_park
from parkzero.carbon.targets import (
    METHODS,
    Target,
    TargetSpec,
    intensity_denominator,
    progress,
    read_sector_pathway,
    set_target,
)
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError

__all__ = ["default_spec", "park_target", "plan", "target"]


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _spec(
    method: str,
    target_year: int | None,
    submission_year: int | None,
    rate: float | None,
    scope3_rate: float | None,
    scope2: str,
    scope3: bool | None,
    pathway: Path | None,
    metric: str | None,
    convergence: str,
) -> TargetSpec:
    if method not in METHODS:
        raise ConfigError(
            f'unknown method "{method}" (expected {", ".join(METHODS)})', column="--method"
        )
    sector = None
    if method == "intensity":
        if metric is None or pathway is None:
            raise ConfigError(
                "--method intensity needs --metric m2|tonne|tkm and "
                "--pathway FILE (CSV year,value,unit)",
                column="--pathway",
            )
        sector = read_sector_pathway(pathway, metric)
    return TargetSpec(
        method=method,
        target_year=target_year,
        submission_year=submission_year,
        annual_rate=rate,
        scope3_rate=scope3_rate,
        scope2=scope2,
        scope3=scope3,
        metric=metric,
        sector_pathway=sector,
        convergence=convergence,
    )


def _complete_and_current(
    invs: dict[int, InventoryResult],
) -> tuple[dict[int, InventoryResult], InventoryResult | None]:
    """Split off the latest year when it has fewer than 12 months of data."""
    latest = max(invs)
    months = [k for k, v in invs[latest].summary.get("by_month", {}).items() if v]
    if len(invs) > 1 and months and max(int(k[5:7]) for k in months) < 12:
        complete = {y: r for y, r in invs.items() if y != latest}
        return complete, invs[latest]
    return invs, None


def _denominators(
    park: Park, invs: dict[int, InventoryResult], metric: str | None
) -> dict[int, float]:
    if metric is None:
        return {}
    from parkzero.plan.planner import freight_tkm

    tkm = {y: freight_tkm(r) for y, r in invs.items()}
    out = {}
    for y in invs:
        try:
            out[y] = intensity_denominator(
                metric, y, drivers=park.drivers, floor_area_m2=park.floor_area_m2, tkm=tkm
            )
        except ConfigError:
            if y == park.base_year:
                raise
    return out


_METHOD_OPT = typer.Option("--method", help="aca-1.5, aca-wb2c or intensity.")


@handle_errors
def target(
    park_file: Annotated[
        Path, typer.Argument(help="Park description (YAML).", metavar="PARK.yaml")
    ],
    method: Annotated[str, _METHOD_OPT] = "aca-1.5",
    target_year: Annotated[
        int | None,
        typer.Option(
            help="Near-term target year (default: the first multiple of 5 that is 5–10 years after submission)."
        ),
    ] = None,
    submission_year: Annotated[
        int | None,
        typer.Option(help="Year the target is set (default: the year after the latest inventory)."),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(
            help="Annual linear reduction for scopes 1+2, e.g. 0.05 (default: the method's minimum)."
        ),
    ] = None,
    scope3_rate: Annotated[
        float | None, typer.Option(help="Annual linear reduction for scope 3 (default 0.025).")
    ] = None,
    scope2: Annotated[str, typer.Option(help="Scope 2 basis: market or location.")] = "market",
    scope3: Annotated[
        bool | None,
        typer.Option(
            "--scope3/--no-scope3",
            help="Set a scope 3 target (default: when the criteria require one).",
        ),
    ] = None,
    pathway: Annotated[
        Path | None,
        typer.Option(help="Sector pathway CSV (year,value,unit) for --method intensity."),
    ] = None,
    metric: Annotated[str | None, typer.Option(help="Intensity per m2, tonne or tkm.")] = None,
    convergence: Annotated[
        str, typer.Option(help="Intensity: sda (converge to the sector) or direct.")
    ] = "sda",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Set a science-based target, check it against the SBTi criteria and show progress."""
    park = load_park(park_file)
    spec = _spec(
        method,
        target_year,
        submission_year,
        rate,
        scope3_rate,
        scope2,
        scope3,
        pathway,
        metric,
        convergence,
    )
    tgt, summaries, current, denominators = park_target(park, spec)
    prog = progress(
        tgt, summaries, current=current.summary if current else None, denominators=denominators
    )
    out = {"park": park.id, "target": tgt.to_dict(), "progress": prog.to_dict()}
    if as_json:
        print_json(out)
        return
    _print_target(park, out)


def park_target(
    park: Park, spec: TargetSpec
) -> tuple[Target, dict[int, dict[str, Any]], InventoryResult | None, dict[int, float]]:
    """The park's target from its own inventories.

    Returns the target, the complete years' inventory summaries, the current (partial) year's
    inventory or None, and the intensity denominators by year.
    """
    from parkzero.plan.planner import park_inventories

    invs = park_inventories(park, load_park_activities(park))
    complete, current = _complete_and_current(invs)
    denominators = _denominators(park, invs, spec.metric)
    summaries = {y: r.summary for y, r in complete.items()}
    tgt = set_target(
        summaries,
        spec,
        base_year=park.base_year,
        structural_changes=park.structural_changes,
        denominators=denominators,
    )
    return tgt, summaries, current, denominators


def default_spec(method: str = "aca-1.5", scope2: str = "market") -> TargetSpec:
    """A target specification with every other choice at its default."""
    return _spec(method, None, None, None, None, scope2, None, None, None, "sda")


def _print_target(park: Park, out: dict[str, Any]) -> None:
    t = out["target"]
    rate = f"{t['annual_rate']:.1%}/yr" if t["annual_rate"] is not None else t["intensity_unit"]
    console.print(
        f"[bold]{park.name}[/] ({park.id}) — target {t['method']} ({rate}), "
        f"scope 2 {t['scope2']}-based, base year {t['base_year']}"
    )
    console.print(
        f"Base {_fmt(t['base_tco2e'])} tCO2e (scope 1+2 {_fmt(t['base_scope12_tco2e'])}"
        + (f", adjusted {t['base_adjustment_tco2e']:+,.1f}" if t["base_adjustment_tco2e"] else "")
        + (
            f"; scope 3 {', '.join(t['scope3_categories'])}: {_fmt(t['base_scope3_tco2e'])}"
            if t["scope3_categories"]
            else ""
        )
        + f") → {t['target_year']}: {_fmt(t['target_tco2e'])} tCO2e; "
        f"{t['net_zero_year']}: {_fmt(t['net_zero_residual_tco2e'])} tCO2e residual"
    )
    table = Table(header_style="bold")
    for col in ("year", "pathway", "actual", "gap", "on track"):
        table.add_column(col, justify="right")
    prog = out["progress"]
    for row in prog["years"]:
        table.add_row(
            str(row["year"]),
            _fmt(row["pathway"]),
            _fmt(row["actual"]),
            f"{row['gap']:+,.1f}",
            "yes" if row["on_track"] else "[red]no[/]",
        )
    console.print(table)
    proj = prog.get("projection")
    if proj:
        console.print(
            f"{proj['year']} projection ({proj['months']} months, {proj['method']}): "
            f"{_fmt(proj['projected_tco2e'])} vs pathway {_fmt(proj['pathway_tco2e'])}"
        )
    for check in t["checks"]:
        console.print(f"[green]✓[/] {check['name']}: {check['message']}", highlight=False)


@handle_errors
def plan(
    park_file: Annotated[
        Path, typer.Argument(help="Park description (YAML).", metavar="PARK.yaml")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lever_results: Annotated[
        list[Path] | None,
        typer.Option(
            "--lever-results",
            help="JSON file of LeverResults from a lever package (repeatable); replaces the catalogue lever of the same id.",
        ),
    ] = None,
    horizon: Annotated[int, typer.Option(help="Years to plan (10–30).")] = 10,
    budget: Annotated[float | None, typer.Option(help="Annual capex budget [CNY].")] = None,
    method: Annotated[str, _METHOD_OPT] = "aca-1.5",
    target_year: Annotated[int | None, typer.Option(help="Near-term target year.")] = None,
    growth: Annotated[
        float, typer.Option(help="Annual growth of the park's activity, e.g. 0.03.")
    ] = 0.0,
    discount_rate: Annotated[float, typer.Option(help="Real discount rate.")] = 0.06,
    scope2: Annotated[str, typer.Option(help="Scope 2 basis: market or location.")] = "market",
    scope3: Annotated[
        bool,
        typer.Option("--scope3", help="Hold the covered scope 3 categories to their pathway too."),
    ] = False,
    config: Annotated[
        Path | None, typer.Option(help="Plan settings YAML (levers: enabled, zones, params).")
    ] = None,
    pathway: Annotated[
        Path | None, typer.Option(help="Sector pathway CSV for --method intensity.")
    ] = None,
    metric: Annotated[str | None, typer.Option(help="Intensity per m2 or tonne.")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write the plan report (HTML + XLSX) to this folder.")
    ] = None,
    lang: Annotated[str, typer.Option(help="Report language: zh-CN or en.")] = "zh-CN",
) -> None:
    """Plan the reductions: MACC of the guide's levers and the least-cost roadmap to the target."""
    from parkzero.plan.catalogue import build_catalogue
    from parkzero.plan.io import read_lever_results, read_plan_config
    from parkzero.plan.planner import PlanSettings, make_plan, park_inventories

    park = load_park(park_file)
    spec = _spec(method, target_year, None, None, None, scope2, None, pathway, metric, "sda")
    external = [r for f in (lever_results or []) for r in read_lever_results(f)]
    overrides = read_plan_config(config) if config else None
    levers = build_catalogue(external=external, overrides=overrides)
    settings = PlanSettings(
        horizon=horizon, growth=growth, discount_rate=discount_rate, budget=budget, scope3=scope3
    )
    settings.check()
    activities = load_park_activities(park)
    invs = park_inventories(park, activities)
    result = make_plan(park, activities, levers, spec=spec, settings=settings, inventories=invs)
    out = result.to_dict()
    if report is not None:
        from parkzero.reports.plan import write_plan_reports

        out["reports"] = {k: str(v) for k, v in write_plan_reports(out, report, lang=lang).items()}
    if as_json:
        print_json(out)
        return
    _print_plan(park, out)


def _print_plan(park: Park, out: dict[str, Any]) -> None:
    t, m, r = out["target"], out["macc"], out["roadmap"]
    console.print(
        f"[bold]{park.name}[/] ({park.id}) — plan {out['settings']['start_year']}–"
        f"{r['years'][-1]['year']}, {out['settings']['basis']}, target {t['method']} "
        f"{t['target_year']}: {_fmt(t['target_scope12_tco2e'])} tCO2e (scope 1+2)"
    )
    table = Table(
        title=f"MACC {m['year']} (discount rate {m['discount_rate']:.0%})", header_style="bold"
    )
    for col in ("lever", "CNY/tCO2e", "tCO2e/yr", "cumulative", "capex CNY", "deployed"):
        table.add_column(col, justify="right" if col != "lever" else "left")
    deploy = r["deploy"]
    for e in m["entries"] + m["alternatives"]:
        table.add_row(
            e["lever"] + (" (alt.)" if e["alternative_to"] else ""),
            _fmt(e["cost_cny_per_tco2e"], 0),
            _fmt(e["abatement_tco2e"]),
            _fmt(e["cumulative_tco2e"]),
            _fmt(e["capex_cny"], 0),
            str(deploy.get(e["lever"]) or "—"),
        )
    console.print(table)
    console.print(
        f"Together {_fmt(m['total_abatement_tco2e'])} tCO2e/yr (stand-alone sum "
        f"{_fmt(m['standalone_sum_tco2e'])}) of {_fmt(m['baseline_tco2e'])}"
    )
    rt = Table(
        title=f"Roadmap ({r['status']}, cost {r['cost_cny']:,.0f} CNY present value)",
        header_style="bold",
    )
    for col in (
        "year",
        "BAU",
        "pathway",
        "planned",
        "engine",
        "credits",
        "capex CNY",
        "new levers",
    ):
        rt.add_column(col, justify="right" if col != "new levers" else "left")
    for y in r["years"]:
        rt.add_row(
            str(y["year"]),
            _fmt(y["bau_tco2e"]),
            _fmt(y["cap_tco2e"]),
            _fmt(y["emissions_tco2e"]),
            _fmt(y["verified_tco2e"]),
            _fmt(y["credits_needed_tco2e"]),
            _fmt(y["capex_cny"], 0),
            ", ".join(y["deployed"]),
        )
    console.print(rt)
    for s in m["skipped"]:
        console.print(f"[yellow]skipped[/] {s['lever']}: {s['reason']}", highlight=False)
    for a in out["assumptions"]:
        console.print(f"[dim]assumption:[/] {a}", highlight=False)
    if "reports" in out:
        console.print("Reports: " + ", ".join(out["reports"].values()))
