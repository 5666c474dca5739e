"""``parkzero users add|list|passwd`` — accounts of the HTTP service.

Passwords are typed at a hidden prompt (twice), read from stdin with ``--password-stdin``, or
generated with ``--generate`` and printed once; they are stored only as argon2id hashes. Every
change is audit-logged (user ``cli``) and appended to the ledger ``PARKZERO_LEDGER_ORIGIN``.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from parkzero.api.security import generate_password
from parkzero.api.service import audit, create_user, find_user, list_users, set_password
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.config import settings
from parkzero.errors import InputError
from parkzero.store.session import require_current, session_scope

__all__ = ["add", "app", "list_", "passwd"]

app = typer.Typer(help="Users of the HTTP service (parkzero serve).", no_args_is_help=True)

_GENERATE = typer.Option("--generate", help="Generate a random password and print it once.")
_STDIN = typer.Option("--password-stdin", help="Read the password from the first line of stdin.")


def _ledger() -> str:
    return os.environ.get("PARKZERO_LEDGER_ORIGIN") or "parkzero.local/ledger"


def _password(generate: bool, from_stdin: bool) -> tuple[str, bool]:
    if generate and from_stdin:
        raise InputError("use either --generate or --password-stdin", column="--generate")
    if generate:
        return generate_password(), True
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value, False


@app.command("add")
@handle_errors
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name (3–64 letters, digits, . _ @ -).")],
    role: Annotated[
        str, typer.Option(help="admin, manager, operator, auditor, tenant or carrier.")
    ],
    park: Annotated[str, typer.Option(help="Park id the user belongs to.")],
    tenant: Annotated[str | None, typer.Option(help="Tenant id (role tenant).")] = None,
    carrier: Annotated[str | None, typer.Option(help="Carrier id (role carrier).")] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    generate: Annotated[bool, _GENERATE] = False,
    password_stdin: Annotated[bool, _STDIN] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Add a user of the service."""
    password, generated = _password(generate, password_stdin)
    with session_scope(settings().database_url) as session:
        require_current(session)
        user = create_user(
            session,
            username=username,
            password=password,
            role=role,
            park_id=park,
            tenant_id=tenant,
            carrier_id=carrier,
            display_name=name,
        )
        audit(
            session, "users.create", username="cli", park_id=park, target=f"user:{user.id}",
            details={"username": username, "role": role}, ledger_origin=_ledger(),
        )  # fmt: skip
        out = {"id": user.id, "username": username, "role": role, "park": park}
    if generated:
        out["password"] = password
    if as_json:
        print_json(out)
        return
    console.print(f"added {role} [bold]{username}[/] to park {park}")
    if generated:
        console.print(f"password (shown once): {password}", highlight=False)


@app.command("list")
@handle_errors
def list_(
    park: Annotated[str | None, typer.Option(help="Only this park.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List users (never their passwords)."""
    with session_scope(settings().database_url) as session:
        require_current(session)
        rows = [
            {
                "id": u.id,
                "username": u.username,
                "role": u.role,
                "park": u.park_id,
                "tenant": u.tenant_id,
                "carrier": u.carrier_id,
                "active": u.active,
            }
            for u in list_users(session, park)
        ]
    if as_json:
        print_json({"users": rows})
        return
    table = Table(header_style="bold")
    for col in ("id", "username", "role", "park", "tenant", "carrier", "active"):
        table.add_column(col)
    for r in rows:
        table.add_row(*("" if r[c] is None else str(r[c]) for c in r))
    console.print(table)


@app.command("passwd")
@handle_errors
def passwd(
    username: Annotated[str, typer.Argument(help="The user.")],
    generate: Annotated[bool, _GENERATE] = False,
    password_stdin: Annotated[bool, _STDIN] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Set a user's password; their sessions and tokens end."""
    password, generated = _password(generate, password_stdin)
    with session_scope(settings().database_url) as session:
        require_current(session)
        user = find_user(session, username)
        if user is None:
            raise InputError(f'there is no user "{username}"', column="username")
        set_password(session, user, password)
        audit(
            session, "users.password", username="cli", park_id=user.park_id,
            target=f"user:{user.id}", ledger_origin=_ledger(),
        )  # fmt: skip
    out: dict[str, object] = {"username": username, "sessions_ended": True}
    if generated:
        out["password"] = password
    if as_json:
        print_json(out)
        return
    console.print(f"password of [bold]{username}[/] changed; their sessions and tokens ended")
    if generated:
        console.print(f"password (shown once): {password}", highlight=False)
