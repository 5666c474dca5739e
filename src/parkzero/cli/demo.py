"""``parkzero demo`` — load the demo park, compute its inventories, write the reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parkzero.carbon.inventory import compute_inventory, inventory_years
from parkzero.carbon.park import load_park
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.config import settings
from parkzero.errors import ConfigError
from parkzero.plan import build_catalogue, make_plan
from parkzero.reports.inventory import write_inventory_reports
from parkzero.reports.plan import write_plan_reports
from parkzero.reports.spec import Section
from parkzero.store.service import import_park, load_activities, save_inventory
from parkzero.store.session import mask_url, session_scope, upgrade

__all__ = ["demo", "find_demo_park"]

_DEMO = Path("examples") / "demo-park" / "park.yaml"

# the figures of each year shown in the summary (JSON key → column heading)
_YEAR_FIGURES = {
    "total_tco2e": "total tCO2e",
    "scope1_tco2e": "scope 1",
    "scope2_location_tco2e": "scope 2 (location)",
    "scope2_market_tco2e": "scope 2 (market)",
    "scope3_tco2e": "scope 3",
    "energy_tce": "energy tce",
}


def find_demo_park() -> Path:
    """The demo park file: ``examples/demo-park/park.yaml`` here or in the source checkout."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (root / _DEMO).is_file():
            return root / _DEMO
    raise ConfigError(
        f"demo park not found at {_DEMO}; run from the parkzero checkout or pass --park"
    )


@handle_errors
def _energy(park_path: Path, lang: str) -> tuple[dict[str, Any] | None, list[Section]]:
    """The sizing of ``energy.yaml`` beside the park file, as figures and a report section."""
    scenario = park_path.parent / "energy.yaml"
    if not scenario.is_file():
        return None, []
    from parkzero.energy.report import demo_section
    from parkzero.reports.energy import energy_section

    section = demo_section(scenario, lang="zh" if lang == "zh-CN" else "en")
    return section["figures"], [energy_section(section, lang)]


def demo(
    park_file: Annotated[
        Path | None, typer.Option("--park", help="Park YAML (default: the demo park).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Report folder (default: out/).")] = None,
    lang: Annotated[
        str, typer.Option(help="Main report language: zh-CN or en (the other is written too).")
    ] = "zh-CN",
    energy: Annotated[
        bool,
        typer.Option(
            "--energy/--no-energy",
            help="Size PV + storage + chargers for the park's energy.yaml (one yearly LP, "
            "~10-20 s) and add it to the plan report.",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Load the demo park into the database, compute its inventories and 1.5 °C plan, write reports.

    Writes the inventory report (HTML + XLSX, zh-CN and en) and the plan report (pathway, MACC,
    roadmap and, when the park has an ``energy.yaml`` beside it, the PV + storage + charger
    sizing) to the output folder.
    """
    if lang not in ("zh-CN", "en"):
        raise ConfigError(f'unknown language "{lang}" (expected zh-CN or en)', column="--lang")
    path = park_file or find_demo_park()
    park = load_park(path)
    url = settings().database_url
    upgrade(url)
    results = []
    inventories = {}
    with session_scope(url) as session:
        imported = import_park(session, park, replace=True)
        activities = load_activities(session, park.id)
        for year in inventory_years(activities):
            result = compute_inventory(park, activities, year)
            save_inventory(session, park.id, result.to_dict(), result.factors_used)
            inventories[year] = result
            results.append(result.to_dict())
    plan = make_plan(park, activities, build_catalogue(), inventories=inventories).to_dict()
    out_dir = out or settings().out_dir
    files = write_inventory_reports(results, out_dir, lang=lang)
    other = "en" if lang == "zh-CN" else "zh-CN"
    files.update(
        {
            f"{k}_{other}": v
            for k, v in write_inventory_reports(results, out_dir, lang=other).items()
        }
    )
    energy_figures, extra = _energy(path, lang) if energy else (None, [])
    files.update(
        {
            f"plan_{k}": v
            for k, v in write_plan_reports(plan, out_dir, lang=lang, extra_sections=extra).items()
        }
    )
    plan_summary: dict[str, Any] = {
        "target_year": plan["target"]["target_year"],
        "target_scope12_tco2e": plan["target"]["target_scope12_tco2e"],
        "roadmap_status": plan["roadmap"]["status"],
        "roadmap_npv_cny": plan["roadmap"]["cost_cny"],
        "levers": sorted(plan["roadmap"]["deploy"]),
    }
    summary: dict[str, Any] = {
        "park": park.id,
        "database": mask_url(url),
        "rows_imported": sum(r.rows for r in imported),
        "years": [{k: r[k] for k in ("year", *_YEAR_FIGURES)} for r in results],
        "plan": plan_summary,
        "energy": energy_figures,
        "reports": {k: str(v) for k, v in files.items()},
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"[bold]{park.name}[/] — {summary['rows_imported']:,} activity rows loaded "
        f"into {summary['database']}"
    )
    table = Table(header_style="bold")
    table.add_column("year", justify="right")
    for label in _YEAR_FIGURES.values():
        table.add_column(label, justify="right")
    for year in summary["years"]:
        table.add_row(str(year["year"]), *(f"{year[k]:,.0f}" for k in _YEAR_FIGURES))
    console.print(table)
    p = plan_summary
    console.print(
        f"1.5 °C target: {p['target_scope12_tco2e']:,.0f} tCO2e (scopes 1+2) in {p['target_year']}; "
        f"roadmap {p['roadmap_status']} with {len(p['levers'])} levers, "
        f"NPV {p['roadmap_npv_cny'] / 1e6:,.1f} M CNY"
    )
    if energy_figures is not None:
        e = energy_figures
        console.print(
            f"Energy: PV {e['pv_kw']:,.0f} kWp, battery {e['battery_kwh']:,.0f} kWh / "
            f"{e['battery_kw']:,.0f} kW, {e['chargers']} chargers; yearly cost "
            f"{e['annual_cost_bau_cny'] / 1e6:,.1f} → {e['annual_cost_cny'] / 1e6:,.1f} M CNY (bill + annualised capex), "
            f"NPV {e['npv_cny'] / 1e6:,.1f} M CNY, {e['co2e_avoided_t'] or 0:,.0f} tCO2e/yr avoided"
        )
    base = results[-1]["base_year"]
    for reason in base["reasons"]:
        console.print(f"[yellow]Base-year recalculation needed:[/] {reason}")
    for kind, file in files.items():
        console.print(f"report ({kind.replace('_', ', ')}): {file}")
