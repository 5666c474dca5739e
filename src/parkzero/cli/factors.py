"""``parkzero factors search|show`` — look up emission factors and their sources."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from parkzero.carbon.factors import Factor, FactorLibrary
from parkzero.cli._common import console, handle_errors, print_json

__all__ = ["app"]

app = typer.Typer(
    help="Search and show emission factors (value, unit, gas, source, licence).",
    no_args_is_help=True,
)


def _as_dict(factor: Factor) -> dict[str, Any]:
    out = asdict(factor)
    out["gases"] = dict(factor.gases)
    return out


@app.command()
@handle_errors
def search(
    text: Annotated[
        str, typer.Argument(help="Words to find in id, activity type, region, source.")
    ],
    limit: Annotated[int, typer.Option(help="At most this many factors.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Find factors by id, activity type, region or source, e.g. `parkzero factors search 湖北`."""
    found = FactorLibrary.default().search(text, limit=limit)
    if as_json:
        print_json({"query": text, "count": len(found), "factors": [_as_dict(f) for f in found]})
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("id", "kind", "region", "year", "per unit", "gases (kg per unit)"):
        table.add_column(col)
    for f in found:
        gases = ", ".join(f"{g} {v:.6g}" for g, v in f.gases.items())
        table.add_row(f.id, f.kind, f.region, str(f.year), f.unit, gases)
    console.print(table)
    console.print(f"{len(found)} factor(s) for {text!r}")


@app.command()
@handle_errors
def show(
    factor_id: Annotated[
        str, typer.Argument(help="Factor id, from `parkzero factors search`.", metavar="ID")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show one factor: values per gas, unit, region, year, source, licence and notes."""
    factor = FactorLibrary.default().get(factor_id)
    if as_json:
        print_json(_as_dict(factor))
        return
    console.print(
        f"[bold]{factor.id}[/]  ({factor.kind}, set {factor.factor_set}"
        + (f", series {factor.series}" if factor.series else "")
        + ")"
    )
    for gas, value in factor.gases.items():
        console.print(f"  {gas}: {value:.6g} kg per {factor.unit}")
    console.print(f"  region {factor.region}, year {factor.year}, version {factor.version}")
    console.print(f"  source: {factor.source}", highlight=False)
    console.print(f"  licence: {factor.licence}", highlight=False)
    if factor.notes:
        console.print(f"  notes: {factor.notes}", highlight=False)
