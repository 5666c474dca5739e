"""``parkzero inventory PARK.yaml`` — compute a park's GHG inventory for a year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parkzero.carbon.inventory import compute_inventory, inventory_years, load_park_activities
from parkzero.carbon.park import load_park
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError

__all__ = ["inventory", "print_summary"]

_SHOWN_NOTES = 8


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def print_summary(result: dict[str, Any]) -> None:
    """Print the headline figures of an inventory result dict with rich."""
    console.print(
        f"[bold]{result['park_name']}[/] ({result['park']}) — GHG inventory {result['year']}, "
        f"GWP {result['gwp_set']}, boundary {result['boundary'].replace('_', ' ')}"
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("scope / category")
    table.add_column("tCO2e", justify="right")
    table.add_row("Scope 1", _fmt(result["scope1_tco2e"]))
    table.add_row("Scope 2 (location-based)", _fmt(result["scope2_location_tco2e"]))
    table.add_row("Scope 2 (market-based)", _fmt(result["scope2_market_tco2e"]))
    table.add_row("Scope 3", _fmt(result["scope3_tco2e"]))
    for cat, value in result["by_category"].items():
        table.add_row(f"  {cat} {result['category_labels'].get(cat, '')}", _fmt(value))
    table.add_row("[bold]Total (S1 + S2 location + S3)", f"[bold]{_fmt(result['total_tco2e'])}")
    console.print(table)
    ind = result["indicators"]
    console.print(
        f"Energy {_fmt(result['energy_tce'])} tce · "
        f"{_fmt(ind['tco2_per_tce'], 3)} tCO2/tce (threshold {ind['tco2_per_tce_threshold']:.2f}) · "
        f"clean energy {_fmt((ind['clean_energy_share'] or 0) * 100)} % (target 90 %)"
    )
    base = result.get("base_year") or {}
    if base.get("total_tco2e") and base["year"] != result["year"]:
        console.print(
            f"Base year {base['year']}: {_fmt(base['total_tco2e'])} tCO2e "
            f"({base['change_pct']:+.1f} % since)"
        )
    for reason in base.get("reasons", []):
        console.print(f"[yellow]Base-year recalculation needed:[/] {reason}")
    notes = result["warnings"]
    for warning in notes[:_SHOWN_NOTES]:
        console.print(f"[yellow]note:[/] {warning}", highlight=False)
    if len(notes) > _SHOWN_NOTES:
        console.print(f"[yellow]… {len(notes) - _SHOWN_NOTES} more notes[/] (--json lists all)")


@handle_errors
def inventory(
    park_file: Annotated[
        Path, typer.Argument(help="Park description (YAML).", metavar="PARK.yaml")
    ],
    year: Annotated[
        int | None, typer.Option(help="Reporting year (default: latest with data).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lines: Annotated[bool, typer.Option(help="Include the lines in --json output.")] = True,
) -> None:
    """Compute the GHG inventory of a park (scopes 1, 2 location/market, 3) for one year."""
    park = load_park(park_file)
    activities = load_park_activities(park)
    years = inventory_years(activities)
    if year is None:
        if not years:
            raise ConfigError("the park has no activity data", source=str(park_file))
        year = years[-1]
    elif year not in years:
        raise ConfigError(
            f"no activity data for {year} (years with data: {', '.join(map(str, years)) or 'none'})",
            source=str(park_file),
        )
    result = compute_inventory(park, activities, year)
    if as_json:
        print_json(result.to_dict(include_lines=lines))
    else:
        print_summary(result.to_dict(include_lines=False))
