"""Shared fixtures of the hvac tests: the 3×800 RT literature case and the example files."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkzero.hvac import Case, Plant, read_case, read_plant

ROOT = Path(__file__).parents[2]
SHARED_CASE = ROOT / "examples" / "hvac" / "ocl_case_3x800RT.json"  # copy of the shared case
EXAMPLES = ROOT / "examples" / "hvac"


@pytest.fixture(scope="session")
def case() -> Case:
    """The shared literature case (the acceptance reference)."""
    if not SHARED_CASE.exists():
        pytest.fail("examples/hvac/ocl_case_3x800RT.json is missing")
    return read_case(SHARED_CASE)


@pytest.fixture(scope="session")
def plant3(case: Case) -> Plant:
    """The 3×800 RT plant."""
    return case.plant


@pytest.fixture(scope="session")
def example_case() -> Case:
    """The copy of the case shipped under examples/hvac."""
    return read_case(EXAMPLES / "ocl_case_3x800RT.json")


@pytest.fixture(scope="session")
def plant8() -> Plant:
    """The eight-chiller example plant."""
    return read_plant(EXAMPLES / "plant_8ch.yaml")
