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


def test_hub_boundary_keeps_the_hubs_energy_not_the_transport() -> None:
    from parkzero.logistics.hubs import hub_boundary_tco2e

    park = load_park(DEMO / "park.yaml")
    lines = compute_inventory(park, load_park_activities(park), 2023).line_table()
    inside = hub_boundary_tco2e(lines)
    # Cold store 2023: refrigerant leaks 1 427.067 + stationary fuel 6.305 + electricity
    # 1 554.957 + upstream of energy (3.3) 127.244 + tenants' energy (3.13) 1 679.094 tCO2e;
    # its purchased goods (3.1, 50.1 t) stay out.
    assert inside["cold-store"] == pytest.approx(
        1427.067 + 6.30499 + 1554.956822 + 127.243659 + 1679.09439, abs=1e-3
    )
    # Whole park: 11 620.6 of 24 683.8 tCO2e; the park-level transport, travel and
    # commuting lines (10 770.3 t, no zone) are outside the hub boundary.
    assert inside["*"] == pytest.approx(11620.646, abs=1e-2)
    park_level = lines[lines["zone"].astype(str) == ""]
    assert park_level["tco2e"].sum() == pytest.approx(10770.312, abs=1e-2)
    measured = measured_hub_intensity({"by_zone": inside}, {"*": 1_431_000})["*"]
    assert measured.wtw_kgco2e_per_unit == pytest.approx(8.1206, abs=1e-4)  # vs 17.25 all-in
    market = hub_boundary_tco2e(lines, market=True)["*"]
    assert market < inside["*"]  # the park's green-power instruments lower scope 2


def test_hub_intensity_cli() -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from parkzero.cli import shipments

    app = typer.Typer()
    app.add_typer(shipments.app, name="shipments")
    runner = CliRunner()
    base = ["shipments", "hub-intensity", str(DEMO / "park.yaml"), "--year", "2023"]
    result = runner.invoke(app, [*base, "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["zones"]
    assert row["zone"] == "whole park" and row["tonnes"] == 1_431_000
    assert row["kgco2e_per_t"] == pytest.approx(8.1206, abs=1e-4)
    zones = runner.invoke(app, [*base, "--tonnes", "cold-store=200000", "--json"])
    (cold,) = json.loads(zones.output)["zones"]
    assert cold["kgco2e_per_t"] == pytest.approx(4794.667 * 1000 / 200_000, abs=1e-3)
    for bad, message in (
        (["--tonnes", "cold-store"], "is not ZONE=T"),
        (["--tonnes", "nowhere=5"], "zone nowhere has no emissions"),
        (["--tonnes", "cold-store=-1"], "must be > 0"),
    ):
        out = runner.invoke(app, [*base, *bad])
        assert out.exit_code == 2 and message in out.output, out.output
    nodriver = runner.invoke(app, ["shipments", "hub-intensity", str(DEMO / "park.yaml"),
                                   "--year", "2031"])  # fmt: skip
    assert nodriver.exit_code == 2 and "no tonnes_handled driver for 2031" in nodriver.output
