"""Measured hub intensity derived from the demo park's inventory (examples/demo-park)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkzero.carbon.inventory import compute_inventory, load_park_activities
from parkzero.carbon.park import load_park
from parkzero.logistics import hub_default_intensity, hub_emissions, measured_hub_intensity

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-park"


@pytest.fixture(scope="module")
def summary() -> dict[str, object]:
    park = load_park(DEMO / "park.yaml")
    return compute_inventory(park, load_park_activities(park), 2023).summary


def test_whole_park_intensity_matches_inventory_indicator(summary: dict[str, object]) -> None:
    by_zone = summary["by_zone"]
    assert isinstance(by_zone, dict)
    total_t = sum(by_zone.values())
    # 2023 drivers: 1 431 000 t handled; 24 683.76 tCO2e → 17.249 kgCO2e/t.
    measured = measured_hub_intensity(
        {"park": "demo", "by_zone": {"all": total_t}}, {"all": 1_431_000}
    )
    assert measured["all"].wtw_kgco2e_per_unit == pytest.approx(17.2493, abs=1e-4)
    intensities = summary["intensities"]
    assert isinstance(intensities, dict)
    assert measured["all"].wtw_kgco2e_per_unit == pytest.approx(intensities["kgco2e_per_tonne"])


def test_cold_store_zone_intensity_replaces_default(summary: dict[str, object]) -> None:
    # Assumed for the test: the cold store handled 200 000 t in 2023.
    # 4 844.816 tCO2e × 1000 / 200 000 t = 24.224 kgCO2e/t, vs the GLEC warehouse mixed 33.0.
    measured = measured_hub_intensity(summary, {"cold-store": 200_000.0})["cold-store"]
    assert measured.wtw_kgco2e_per_unit == pytest.approx(24.224, abs=1e-3)
    assert measured.source.endswith("/cold-store")
    default = hub_default_intensity("warehouse", "mixed")
    assert hub_emissions(10.0, measured).wtw_kgco2e == pytest.approx(242.24, abs=0.01)
    assert hub_emissions(10.0, default).wtw_kgco2e == pytest.approx(330.0)
