"""The ``parkzero`` command line: one Typer sub-command group per domain.

Every command reads files (YAML/JSON/CSV), prints a readable summary, and with ``--json`` prints
one JSON object on stdout. Bad input exits with code 2 and a message naming file, row and column.
"""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(
    name="parkzero",
    help="Take a logistics park to carbon neutrality: inventory, targets, levers, monitoring.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

from parkzero.cli import factors as _factors  # noqa: E402
from parkzero.cli.inventory import inventory as _inventory  # noqa: E402

app.command("inventory")(_inventory)
app.add_typer(_factors.app, name="factors")
from parkzero.cli.demo import demo as _demo  # noqa: E402

app.command("demo")(_demo)
from parkzero.cli import db as _db  # noqa: E402

app.add_typer(_db.app, name="db")
from parkzero.cli import credits as _credits  # noqa: E402
from parkzero.cli.claim import claim as _claim  # noqa: E402

app.command("claim")(_claim)
app.add_typer(_credits.app, name="credits")
from parkzero.cli import hvac as _hvac  # noqa: E402

app.add_typer(_hvac.app, name="hvac")
from parkzero.cli.plan import plan as _plan  # noqa: E402
from parkzero.cli.plan import target as _target  # noqa: E402

app.command("target")(_target)
app.command("plan")(_plan)
from parkzero.cli import ledger as _ledger  # noqa: E402
from parkzero.cli import monitor as _monitor  # noqa: E402

app.add_typer(_ledger.app, name="ledger")
app.add_typer(_monitor.app, name="monitor")
from parkzero.cli import route as _route  # noqa: E402

app.add_typer(_route.app, name="route")
from parkzero.cli import shipments as _shipments  # noqa: E402

app.add_typer(_shipments.app, name="shipments")
from parkzero.cli import energy as _energy  # noqa: E402
from parkzero.cli import energy_plan as _energy_plan  # noqa: E402

_energy_plan.register(_energy.app)
app.add_typer(_energy.app, name="energy")
from parkzero.cli import yard as _yard  # noqa: E402  (registers yard_sim's commands too)

app.add_typer(_yard.app, name="yard")
from parkzero.cli import users as _users  # noqa: E402
from parkzero.cli.serve import serve as _serve  # noqa: E402

app.add_typer(_users.app, name="users")
app.command("serve")(_serve)
