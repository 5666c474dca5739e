"""Every module's ``__all__`` names things that exist, and private helpers stay out of it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import parkzero

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(parkzero.__path__, "parkzero.")
    if ".migrations" not in m.name
)


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        return
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names missing {item!r}"
        assert not item.startswith("_") or item == "__version__", f"{name} exports {item!r}"


def test_public_packages_declare_all() -> None:
    missing = [
        name
        for name in MODULES
        if not name.rsplit(".", 1)[-1].startswith("_")
        and not hasattr(importlib.import_module(name), "__all__")
    ]
    assert missing == []
