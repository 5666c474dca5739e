"""The public surface of parkzero.hvac is what ``__all__`` says, and nothing is missing."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "parkzero.hvac",
    "parkzero.hvac.models",
    "parkzero.hvac.ocl",
    "parkzero.hvac.staging",
    "parkzero.hvac.io",
    "parkzero.cli.hvac",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_unique_and_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(exported)
    assert len(set(exported)) == len(exported)
    for item in exported:
        assert hasattr(module, item), f"{name}.{item}"


def test_package_surface() -> None:
    import parkzero.hvac as hvac

    assert set(hvac.__all__) == {
        "Case",
        "Chiller",
        "CubicCurve",
        "EirCurve",
        "LoadProfile",
        "Loading",
        "OclParams",
        "Plant",
        "Schedule",
        "StagingComparison",
        "StagingParams",
        "compare_staging",
        "equal_loading",
        "optimal_loading",
        "optimal_schedule",
        "read_case",
        "read_load",
        "read_plant",
        "read_plant_any",
        "sequential_schedule",
    }
    public = {n for n in vars(hvac) if not n.startswith("_")}
    # Sub-modules and the `annotations` future import are the only other public names.
    assert public - set(hvac.__all__) <= {"annotations", "io", "models", "ocl", "staging"}
