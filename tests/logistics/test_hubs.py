"""Hub operations: GLEC v3 Table 3 defaults and the park's measured intensity."""

from __future__ import annotations

import csv

import pytest

from parkzero.config import packaged_data
from parkzero.errors import InputError
from parkzero.logistics import hub_default_intensity, hub_emissions, measured_hub_intensity
from parkzero.logistics.hubs import hub_defaults


@pytest.mark.parametrize(
    ("category", "temperature", "value", "unit"),
    [
        ("transshipment", "ambient", 0.6, "t"),
        ("transshipment", "mixed", 2.2, "t"),
        ("storage_transshipment", "ambient", 2.1, "t"),
        ("storage_transshipment", "mixed", 4.0, "t"),
        ("warehouse", "ambient", 17.5, "t"),
        ("warehouse", "mixed", 33.0, "t"),
        ("liquid_bulk_terminal", "ambient", 3.1, "t"),
        ("liquid_bulk_terminal", "mixed", 8.1, "t"),
        ("container_terminal", "ambient", 10.7, "container"),
        ("container_terminal", "temperature-controlled", 12.6, "container"),
    ],
)
def test_glec_table3_defaults(category: str, temperature: str, value: float, unit: str) -> None:
    h = hub_default_intensity(category, temperature)
    assert h.wtw_kgco2e_per_unit == value
    assert h.unit == unit


def test_data_file_has_source_and_licence() -> None:
    with open(packaged_data("glec_hub_intensities.csv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(hub_defaults()) == 10
    assert all(r["source"] and r["licence"] and r["status"] == "TRANSCRIBED" for r in rows)


def test_hub_emissions_default() -> None:
    # 20 t through an ambient warehouse: 20 × 17.5 = 350 kgCO2e.
    e = hub_emissions(20.0, hub_default_intensity("warehouse"))
    assert e.wtw_kgco2e == pytest.approx(350.0)
    assert e.factor_ids == ("glec-v3/hub/warehouse/ambient",)


def test_measured_intensity_replaces_default() -> None:
    # Zone "cold" emitted 120 tCO2e handling 10 000 t → 12 kgCO2e/t.
    inventory = {"park": "demo", "by_zone": {"cold": 120.0, "dry": 30.0}}
    measured = measured_hub_intensity(inventory, {"cold": 10_000.0, "dry": 50_000.0})
    assert measured["cold"].wtw_kgco2e_per_unit == pytest.approx(12.0)
    assert measured["dry"].wtw_kgco2e_per_unit == pytest.approx(0.6)
    assert measured["cold"].source == "measured/demo/cold"
    assert hub_emissions(20.0, measured["cold"]).wtw_kgco2e == pytest.approx(240.0)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: hub_default_intensity("spaceport"), "hub_category"),
        (lambda: hub_default_intensity("warehouse", "frozen"), "temperature"),
        (lambda: measured_hub_intensity({}, {"a": 1.0}), "by_zone"),
        (lambda: measured_hub_intensity({"by_zone": {"a": 1.0}}, {"b": 1.0}), "zone"),
        (lambda: measured_hub_intensity({"by_zone": {"a": 1.0}}, {"a": 0.0}), "tonnes_handled"),
        (lambda: hub_emissions(-1.0, hub_default_intensity("warehouse")), "mass_t"),
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(InputError) as info:
        call()  # type: ignore[operator]
    assert info.value.column == field
