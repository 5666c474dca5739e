"""The PostgreSQL variant is skipped locally when the server is down, but fails with CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ci_requires_postgres, reachable_or_skip

ROOT = Path(__file__).resolve().parents[2]
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # port 1: nothing listens


@pytest.mark.parametrize("value", ["true", "TRUE", " true"])
def test_ci_true_is_recognised(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert ci_requires_postgres()


@pytest.mark.parametrize("value", ["", "false", "0"])
def test_other_values_are_local_runs(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert not ci_requires_postgres()


def test_unreachable_server_is_skipped_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is not reachable"):
        reachable_or_skip(NOWHERE)


def test_unreachable_server_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires"):
        reachable_or_skip(NOWHERE)


def test_ci_run_fails_when_postgres_is_down() -> None:
    """End to end: a real pytest run of a store test with CI=true exits non-zero."""
    target = (
        "tests/store/test_migrations.py::"
        "test_upgrade_from_empty_to_head_and_models_match[postgresql]"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", target],
        cwd=ROOT,
        env={**os.environ, "CI": "true", "PARKZERO_TEST_POSTGRES_URL": NOWHERE},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "CI=true requires the store tests on PostgreSQL" in output
    assert "1 error" in output
