"""Small parks for plan tests, and the demo park."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from parkzero.carbon.activities import activities_frame
from parkzero.carbon.inventory import load_park_activities
from parkzero.carbon.park import Park, load_park, park_from_dict
from parkzero.plan.base import ActivityBase

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-park" / "park.yaml"
HUBEI_2022 = 0.4364  # kgCO2/kWh, MEE/NBS 2022 provincial average, Hubei (location series)


def small_park(**extra: Any) -> Park:
    return park_from_dict(
        {
            "park": {
                "id": "p",
                "name": "P",
                "region": "湖北",
                "base_year": 2022,
                "floor_area_m2": 20_000,
                "scope3_categories": ["3.1"],
                **extra,
            },
            "zones": [{"id": "a", "area_m2": 10_000}, {"id": "b", "area_m2": 10_000}],
        }
    )


def base_of(park: Park, rows: list[dict[str, Any]], year: int = 2022) -> ActivityBase:
    frame = activities_frame(
        [{"start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31), **r} for r in rows],
        zones=park.zone_ids,
        tenants=park.tenant_ids,
    )
    return ActivityBase.from_park(park, frame, year)


@pytest.fixture(scope="session")
def demo_park() -> Park:
    return load_park(DEMO)


@pytest.fixture(scope="session")
def demo_activities(demo_park: Park) -> Any:
    return load_park_activities(demo_park)
