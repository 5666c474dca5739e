"""``parkzero serve`` — run the HTTP service with uvicorn (``make serve`` runs it with ``--demo``).

Without ``--demo`` the service needs ``PARKZERO_SECRET_KEY`` (no default secret). With
``--demo`` it loads the demo park into the database, computes its inventories, creates one demo
user per role with a random password printed once, and uses a random secret key for this process
unless ``PARKZERO_SECRET_KEY`` is set.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parkzero.cli._common import console, err_console, handle_errors

__all__ = ["DEMO_ROLES", "demo_energy_day", "load_demo", "load_demo_energy", "serve"]

#: Demo users: user name → (role, tenant, carrier).
DEMO_ROLES: dict[str, tuple[str, str | None, str | None]] = {
    "demo-admin": ("admin", None, None),
    "demo-manager": ("manager", None, None),
    "demo-operator": ("operator", None, None),
    "demo-auditor": ("auditor", None, None),
    "demo-tenant": ("tenant", "coldco", None),
    "demo-carrier": ("carrier", None, "carrierco"),
}


def demo_energy_day(year: int, today: dt.date | None = None) -> dt.date:
    """The day of the demo's energy dispatch: today's month and day in the scenario `year`.

    >>> demo_energy_day(2024, dt.date(2026, 11, 24)), demo_energy_day(2023, dt.date(2028, 2, 29))
    (datetime.date(2024, 11, 24), datetime.date(2023, 2, 28))
    """
    today = today or dt.date.today()
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 2, 28)


def load_demo_energy(url: str, park_id: str, scenario_file: Path) -> dict[str, Any] | None:
    """Store the park's energy scenario and one day's dispatch (so the big screen shows it).

    The day is :func:`demo_energy_day`; sizes are those of a stored sizing of the same scenario
    (``parkzero energy size FILE --save --park ID``) when there is one, else the scenario's.
    Returns the dispatch's key figures [kWh, kW, CNY], or None without a scenario file.
    """
    from parkzero.energy.service import run_stored_dispatch, save_scenario, scenario_document
    from parkzero.store.session import session_scope

    if not scenario_file.is_file():
        return None
    document, sc = scenario_document(scenario_file)
    day = demo_energy_day(int(sc.index[0].year))
    with session_scope(url) as session:
        save_scenario(session, park_id, document)
        row = run_stored_dispatch(session, park_id, day)
        return {"day": day.isoformat(), **dict(row.figures)}


def load_demo(
    url: str, park_file: Path | None = None, *, energy: bool = True
) -> tuple[str, dict[str, tuple[str, str]]]:
    """Load a park (default the demo park) with its inventories and create the demo users.

    With `energy`, the park's ``energy.yaml`` (next to the park file) is stored with one day's
    dispatch (:func:`load_demo_energy`, a few seconds). Returns the park id and
    ``{username: (role, password)}``; each password is new and random.
    """
    from parkzero.api.security import generate_password
    from parkzero.api.service import create_user, find_user, set_password, update_user
    from parkzero.carbon.inventory import compute_inventory, inventory_years
    from parkzero.carbon.park import load_park
    from parkzero.cli.demo import find_demo_park
    from parkzero.store.service import import_park, load_activities, save_inventory
    from parkzero.store.session import session_scope, upgrade

    park_path = park_file or find_demo_park()
    park = load_park(park_path)
    upgrade(url)
    users: dict[str, tuple[str, str]] = {}
    with session_scope(url) as session:
        import_park(session, park, replace=True)
        activities = load_activities(session, park.id)
        for year in inventory_years(activities):
            result = compute_inventory(park, activities, year)
            save_inventory(session, park.id, result.to_dict(), result.factors_used)
        for username, (role, tenant, carrier) in DEMO_ROLES.items():
            if role == "tenant" and tenant not in park.tenant_ids:
                if not park.tenant_ids:
                    continue
                tenant = park.tenant_ids[0]
            password = generate_password()
            user = find_user(session, username)
            if user is None:
                create_user(
                    session,
                    username=username,
                    password=password,
                    role=role,
                    park_id=park.id,
                    tenant_id=tenant,
                    carrier_id=carrier,
                    display_name=f"demo {role}",
                )
            else:
                if user.park_id != park.id:
                    continue  # a user of that name belongs to another park: leave it alone
                update_user(
                    session, user, role=role, tenant_id=tenant, carrier_id=carrier, active=True
                )
                set_password(session, user, password)
            users[username] = (role, password)
    if energy:
        load_demo_energy(url, park.id, park_path.parent / "energy.yaml")
    return park.id, users


@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            help="Load the demo park, create demo users (random passwords, printed once)."
        ),
    ] = False,
    park_file: Annotated[
        Path | None, typer.Option("--park", help="With --demo: this park instead of the demo park.")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Run the parkzero HTTP service (API at /api, docs at /docs)."""
    import uvicorn

    from parkzero.api.app import create_app
    from parkzero.api.settings import ApiSettings
    from parkzero.store.session import mask_url

    settings = ApiSettings.from_env(demo=demo)
    if demo:
        park_id, users = load_demo(settings.url, park_file)
        console.print(f"demo park [bold]{park_id}[/] loaded into {mask_url(settings.url)}")
        table = Table(title="demo users (passwords shown once)", header_style="bold")
        for col in ("user", "role", "password"):
            table.add_column(col)
        for name, (role, password) in users.items():
            table.add_row(name, role, password)
        console.print(table)
    if settings.secret_generated:
        err_console.print(
            "[yellow]PARKZERO_SECRET_KEY is not set: using a random key for this process; "
            "sign-ins end when it stops.[/]"
        )
    app = create_app(settings)
    console.print(f"parkzero serving on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
