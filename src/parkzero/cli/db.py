"""``parkzero db`` — create or migrate the store, import a park and its activity data.

``parkzero db upgrade`` migrates the database named by ``PARKZERO_DATABASE_URL`` (default the
SQLite file ``parkzero.db``) to the newest schema. ``parkzero db import PARK.yaml`` saves the park
and imports all its activity files in one transaction: one bad row and nothing is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from parkzero.carbon.park import load_park
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.store.service import import_park
from parkzero.store.session import (
    database_url,
    head_revision,
    mask_url,
    require_current,
    session_scope,
    upgrade,
)

__all__ = ["app", "import_command", "upgrade_command"]

app = typer.Typer(
    help="The database: migrate it (upgrade) and import parks with their activity data.",
    no_args_is_help=True,
)


@app.command("upgrade")
@handle_errors
def upgrade_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create or migrate the database (PARKZERO_DATABASE_URL) to the newest schema."""
    url = database_url()
    revision = upgrade(url)
    head = head_revision()
    if as_json:
        print_json({"database": mask_url(url), "revision": revision, "head": head})
        return
    console.print(f"Database {mask_url(url)} is at revision {revision} (head {head}).")


@app.command("import")
@handle_errors
def import_command(
    park_file: Annotated[
        Path, typer.Argument(help="Park description (YAML).", metavar="PARK.yaml")
    ],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Replace earlier imports of the same files instead of refusing."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Save a park and import all its activity files in one transaction."""
    park = load_park(park_file)
    url = database_url()
    with session_scope(url) as session:
        require_current(session)
        results = import_park(session, park, replace=replace)
    total = sum(r.rows for r in results)
    if as_json:
        print_json(
            {
                "park": park.id,
                "database": mask_url(url),
                "files": [
                    {
                        "file": r.source,
                        "kind": r.kind,
                        "rows": r.rows,
                        "batch_id": r.batch_id,
                        "sha256": r.sha256,
                        "replaced_batches": list(r.replaced),
                    }
                    for r in results
                ],
                "rows": total,
            }
        )
        return
    console.print(f"[bold]{park.name}[/] ({park.id}) → {mask_url(url)}")
    table = Table(show_header=True, header_style="bold")
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("batch", justify="right")
    table.add_column("note")
    for r in results:
        note = f"replaced batch {', '.join(map(str, r.replaced))}" if r.replaced else ""
        table.add_row(r.source, f"{r.rows:,}", str(r.batch_id), note)
    console.print(table)
    console.print(f"{_count(total, 'activity row')} in {_count(len(results), 'file')} imported.")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
