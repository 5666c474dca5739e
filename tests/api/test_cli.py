"""``parkzero users add|list|passwd`` and the demo loader of ``parkzero serve``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from parkzero.api.security import verify_password
from parkzero.cli import serve as serve_cli
from parkzero.cli import users as users_cli
from parkzero.store.accounts import AuditEntry

from .conftest import World, count, user_row

ROOT = Path(__file__).resolve().parents[2]


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(users_cli.app, name="users")
    return app


def test_users_add_list_passwd(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", world.url)
    runner = CliRunner()
    name = f"cli-op-{world.url[:5]}"
    r = runner.invoke(
        _app(),
        ["users", "add", name, "--role", "operator", "--park", "home-park", "--generate", "--json"],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["role"] == "operator" and len(out["password"]) == 20
    assert verify_password(user_row(world.url, name).password_hash, out["password"])
    r = runner.invoke(_app(), ["users", "list", "--park", "home-park", "--json"])
    names = [u["username"] for u in json.loads(r.stdout)["users"]]
    assert name in names and "victim-park-admin" not in names
    r = runner.invoke(
        _app(), ["users", "passwd", name, "--password-stdin"], input="another secret\n"
    )
    assert r.exit_code == 0, r.output
    assert verify_password(user_row(world.url, name).password_hash, "another secret")
    assert count(world.url, AuditEntry, username="cli", park_id="home-park") >= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "root", "--park", "home-park"], 'unknown role "root"'),
        (["--role", "tenant", "--park", "home-park"], "a tenant user needs a tenant id"),
        (["--role", "tenant", "--park", "home-park", "--tenant", "nope"], 'no tenant "nope"'),
        (["--role", "admin", "--park", "no-park"], 'park "no-park" is not in the store'),
    ],
)
def test_users_add_bad_input_exits_2(
    world: World, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", world.url)
    r = CliRunner().invoke(_app(), ["users", "add", "someone", *args, "--generate"])
    assert r.exit_code == 2
    assert message in r.stderr


def test_short_password_from_stdin_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", world.url)
    r = CliRunner().invoke(
        _app(),
        ["users", "add", "shorty", "--role", "admin", "--park", "home-park", "--password-stdin"],
        input="short\n",
    )
    assert r.exit_code == 2 and "at least 8 characters" in r.stderr


def test_demo_loader_creates_users_with_random_passwords(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    park_id, first = serve_cli.load_demo(url, ROOT / "examples" / "demo-park" / "park.yaml")
    assert park_id == "demo-wuhan"
    assert set(first) == set(serve_cli.DEMO_ROLES)
    _, second = serve_cli.load_demo(url, ROOT / "examples" / "demo-park" / "park.yaml")
    for name in first:
        assert first[name][1] != second[name][1]  # never a fixed password
        assert verify_password(user_row(url, name).password_hash, second[name][1])
    assert user_row(url, "demo-tenant").tenant_id == "coldco"
