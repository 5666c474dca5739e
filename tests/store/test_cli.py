"""``parkzero db upgrade`` and ``parkzero db import`` on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from sqlalchemy import Engine
from typer.testing import CliRunner

from parkzero.cli import db as db_cli
from parkzero.store import models
from parkzero.store.session import head_revision, make_engine, mask_url

from .conftest import ACTIVITIES, PARK, count_rows, write

runner = CliRunner()


def cli() -> typer.Typer:
    """A root app with the group registered as the lead registers it."""
    app = typer.Typer()
    app.add_typer(db_cli.app, name="db")
    return app


@pytest.fixture
def park_file(tmp_path: Path) -> Path:
    write(tmp_path / "park" / "activities-2023.csv", ACTIVITIES)
    write(
        tmp_path / "park" / "extra.csv",
        "kind,quantity,unit,period,zone\nelectricity.grid,100,kWh,2023-05,sorting\n",
    )
    data = {**PARK, "activities": ["activities-2023.csv", "extra.csv"]}
    path = tmp_path / "park" / "park.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_upgrade_prints_masked_url_and_revision(
    blank_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", blank_url)
    out = runner.invoke(cli(), ["db", "upgrade", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {
        "database": mask_url(blank_url),
        "revision": head_revision(),
        "head": head_revision(),
    }
    again = runner.invoke(cli(), ["db", "upgrade"])
    assert again.exit_code == 0
    assert f"is at revision {head_revision()}" in again.stdout


def test_upgrade_creates_the_sqlite_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'dir' / 'parkzero.db'}"
    monkeypatch.setenv("PARKZERO_DATABASE_URL", url)
    out = runner.invoke(cli(), ["db", "upgrade"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "new" / "dir" / "parkzero.db").is_file()


def test_password_is_never_printed() -> None:
    url = "postgresql+psycopg://parkzero:s3cr%40t@db.example:5432/parkzero"
    assert mask_url(url) == "postgresql+psycopg://parkzero:***@db.example:5432/parkzero"


def test_import_then_duplicate_then_replace(
    db_url: str, park_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", db_url)
    out = runner.invoke(cli(), ["db", "import", str(park_file), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["park"] == "wuhan-demo"
    assert [(Path(f["file"]).name, f["rows"]) for f in report["files"]] == [
        ("activities-2023.csv", 6),
        ("extra.csv", 1),
    ]
    assert report["rows"] == 7

    again = runner.invoke(cli(), ["db", "import", str(park_file)])
    assert again.exit_code == 2
    assert "activities-2023.csv: this content was already imported as batch" in again.stderr
    assert "--replace" in again.stderr

    replaced = runner.invoke(cli(), ["db", "import", str(park_file), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "7 activity rows in 2 files imported" in replaced.stdout
    engine = make_engine(db_url)
    try:
        assert count_rows(engine, models.ImportBatch) == 2
        assert count_rows(engine, models.Activity) == 7
    finally:
        engine.dispose()


def test_bad_file_imports_nothing(
    db_url: str, park_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", db_url)
    write(
        park_file.parent / "extra.csv",
        "kind,quantity,unit,period,zone\nelectricity.grid,-100,kWh,2023-05,sorting\n",
    )
    out = runner.invoke(cli(), ["db", "import", str(park_file)])
    assert out.exit_code == 2
    assert 'extra.csv, row 2, column "quantity": must not be negative' in out.stderr
    engine: Engine = make_engine(db_url)
    try:
        assert count_rows(engine, models.Park) == 0
        assert count_rows(engine, models.Activity) == 0
    finally:
        engine.dispose()


def test_import_needs_an_upgraded_database(
    blank_url: str, park_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", blank_url)
    out = runner.invoke(cli(), ["db", "import", str(park_file)])
    assert out.exit_code == 1
    expected = (
        f"has no parkzero tables, expected {head_revision()}; run `parkzero db upgrade` first"
    )
    assert expected in out.stderr


def test_invalid_park_file(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", db_url)
    path = write(tmp_path / "park.yaml", "park: {id: p, name: P}\n")
    out = runner.invoke(cli(), ["db", "import", str(path)])
    assert out.exit_code == 2
    assert "base_year" in out.stderr
