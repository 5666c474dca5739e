"""Every name in the public ``__all__`` of the ledger and monitoring modules exists."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "parkzero.ledger.merkle",
    "parkzero.ledger.note",
    "parkzero.ledger.checkpoint",
    "parkzero.ledger.store",
    "parkzero.ledger.tables",
    "parkzero.ledger.epod",
    "parkzero.ledger.receipt",
    "parkzero.monitoring.readings",
    "parkzero.monitoring.registry",
    "parkzero.monitoring.service",
    "parkzero.monitoring.mqtt",
    "parkzero.monitoring.rollup",
    "parkzero.monitoring.alerts",
    "parkzero.monitoring.tables",
    "parkzero.cli.ledger",
    "parkzero.cli.monitor",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr}"
