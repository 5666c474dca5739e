"""Shared fixtures of the ledger tests: the published vectors and the store databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "data" / "ledger"  # copies of ../shared/data/ledger, see SOURCES.md


def load_vectors(name: str) -> dict[str, Any]:
    path = VECTORS / name
    if not path.exists():  # the vectors are acceptance data: never skip them silently
        pytest.fail(f"ledger test vectors not found at {path}", pytrace=False)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    return load_vectors("rfc6962-reference.json")


@pytest.fixture(scope="session")
def derived() -> dict[str, Any]:
    return load_vectors("rfc6962-derived-all-proofs-size1-8.json")


@pytest.fixture(scope="session")
def note_vectors() -> dict[str, Any]:
    return load_vectors("signed-note-ed25519.json")


# The store's database fixtures (SQLite and PostgreSQL; PostgreSQL required under CI=true).
from ..store.conftest import (  # noqa: E402, F401
    PARK,
    blank_url,
    db_url,
    engine,
    session,
)
