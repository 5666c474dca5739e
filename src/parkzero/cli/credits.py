"""``parkzero credits`` — carbon credits in the store: import a file, list holdings and claims.

``parkzero credits import FILE --park PARK`` stores the batches (and recorded retirements) of a
credits file for a park, all or nothing; ``parkzero credits list`` shows what each park holds and
has retired; ``parkzero credits claims`` lists recorded claims with their validity.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select

from parkzero.carbon.park import load_park
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError
from parkzero.neutrality.io import read_credits_file
from parkzero.neutrality.service import import_credits, list_claims, list_holdings
from parkzero.neutrality.tables import CreditBatchRow
from parkzero.store.service import save_park
from parkzero.store.session import database_url, mask_url, require_current, session_scope

__all__ = ["app", "claims_command", "import_command", "list_command"]

app = typer.Typer(
    help="Carbon credits: import a credits file, list holdings and recorded claims.",
    no_args_is_help=True,
)


@app.command("import")
@handle_errors
def import_command(
    credits_file: Annotated[
        Path, typer.Argument(help="Credits file (YAML or CSV).", metavar="FILE")
    ],
    park: Annotated[
        str | None,
        typer.Option(
            help="Holder: a park YAML file or the id of a stored park (default: the "
            "file's `park:`)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import the batches and recorded retirements of a credits file, all or nothing."""
    credits = read_credits_file(credits_file)
    park_model = None
    if park is not None and Path(park).suffix.lower() in (".yaml", ".yml"):
        park_model = load_park(park)
        park_id = park_model.id
    else:
        park_id = park or credits.park or ""
    if not park_id:
        raise ConfigError(
            "no park: pass --park PARK.yaml (or a stored park id) or add `park:` to the file",
            source=str(credits_file),
            column="park",
        )
    url = database_url()
    with session_scope(url) as session:
        require_current(session)
        if park_model is not None:
            save_park(session, park_model)
        result = import_credits(session, park_id, credits)
    data = {
        "park": park_id,
        "database": mask_url(url),
        "source": result.source,
        "batches_added": list(result.batches_added),
        "batches_unchanged": list(result.batches_unchanged),
        "retirements_added": list(result.retirements_added),
        "retirements_unchanged": result.retirements_unchanged,
    }
    if as_json:
        print_json(data)
        return
    console.print(
        f"{credits_file} → {park_id} ({mask_url(url)}): {len(result.batches_added)} batches "
        f"imported, {len(result.batches_unchanged)} already stored, "
        f"{len(result.retirements_added)} retirements recorded."
    )


def _parks(session: Any, park: str | None) -> list[str]:
    if park is not None:
        return [park]
    rows = session.scalars(
        select(CreditBatchRow.park_id).distinct().order_by(CreditBatchRow.park_id)
    )
    return list(rows)


@app.command("list")
@handle_errors
def list_command(
    park: Annotated[str | None, typer.Option(help="Only this park id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List the credit batches held, with what is retired and the serials still held."""
    url = database_url()
    out: list[dict[str, Any]] = []
    with session_scope(url) as session:
        require_current(session)
        for park_id in _parks(session, park):
            for h in list_holdings(session, park_id):
                b = h.batch
                out.append(
                    {
                        "park": park_id,
                        "batch": b.id,
                        "standard": b.standard,
                        "registry": b.registry,
                        "project_id": b.project_id,
                        "project_type": b.project_type,
                        "category": b.category,
                        "vintage": b.vintage,
                        "serials": b.serials,
                        "quantity_tco2e": b.quantity,
                        "retired_tco2e": h.retired_tco2e,
                        "remaining_tco2e": h.remaining_tco2e,
                        "remaining_serials": [r.text for r in h.remaining],
                    }
                )
    if as_json:
        print_json({"database": mask_url(url), "holdings": out})
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("park", "batch", "standard", "type", "category", "vintage"):
        table.add_column(col)
    for col in ("tCO2e", "retired", "held"):
        table.add_column(col, justify="right")
    for row in out:
        table.add_row(
            row["park"],
            row["batch"],
            row["standard"],
            row["project_type"],
            row["category"],
            str(row["vintage"]),
            f"{row['quantity_tco2e']:,}",
            f"{row['retired_tco2e']:,}",
            f"{row['remaining_tco2e']:,}",
        )
    console.print(table)
    held = sum(row["remaining_tco2e"] for row in out)
    console.print(f"{len(out)} batches, {held:,} tCO2e held.")


@app.command("claims")
@handle_errors
def claims_command(
    park: Annotated[str | None, typer.Option(help="Only this park id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List recorded claims with their validity today (valid, expiring, expired)."""
    url = database_url()
    today = dt.date.today()
    with session_scope(url) as session:
        require_current(session)
        records = [r.to_dict(today) for r in list_claims(session, park)]
    if as_json:
        print_json({"database": mask_url(url), "today": today.isoformat(), "claims": records})
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("park", "period", "type", "declared", "valid until", "validity"):
        table.add_column(col)
    table.add_column("tCO2e", justify="right")
    for r in records:
        table.add_row(
            r["park"],
            f"{r['period_start']} – {r['period_end']}",
            r["claim_type"],
            r["declared_on"],
            r["valid_until"],
            r["validity"],
            f"{r['footprint_tco2e']:,.1f}",
        )
    console.print(table)
