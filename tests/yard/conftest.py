"""Shared fixtures of the dock-scheduling tests: the DBAP instances and the independent checker."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]
DBAP_DIR = ROOT / "tests" / "data" / "yard" / "dock_scheduling"
EXAMPLE = ROOT / "examples" / "yard" / "dock-instance.yaml"


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "yard_checker", Path(__file__).with_name("checker.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_CHECKER = _load_checker()


@pytest.fixture(scope="session")
def check() -> Callable[..., float]:
    """``check(problem, schedule, expect_feasible=True) -> objective``: the independent checker."""
    return _CHECKER.check  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def violations() -> Callable[..., list[str]]:
    """``violations(problem, schedule) -> list[str]`` of the independent checker."""
    return _CHECKER.violations  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def dbap_dir() -> Path:
    """The 20 DBAP instances (copies of the shared benchmark, see SOURCES.md there)."""
    if not DBAP_DIR.is_dir():
        pytest.fail("tests/data/yard/dock_scheduling is missing")
    return DBAP_DIR


@pytest.fixture(scope="session")
def example_instance() -> Path:
    """examples/yard/dock-instance.yaml."""
    return EXAMPLE
