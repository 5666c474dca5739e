"""Fixtures of the neutrality tests: a small inventory result, credit batches, the databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from parkzero.neutrality.models import CreditBatch, Retirement

PARK_ID = "riverside"
PARK_NAME = "Riverside Logistics Park 滨江物流园"


def make_inventory(
    year: int = 2024,
    *,
    scale: float = 1.0,
    base_total: float | None = 16000.0,
    recalculation: bool = False,
    park: str = PARK_ID,
) -> dict[str, Any]:
    """An inventory result in the engine's JSON shape (no lines), every figure × `scale`.

    Location-based total 14,700 tCO2e, market-based 13,700 (scope 2 market 5,000).
    """
    by_category = {
        "1.stationary": 500.0,
        "1.mobile": 1500.0,
        "2.electricity": 6000.0,
        "3.1": 1000.0,
        "3.4": 2500.0,
        "3.5": 80.0,
        "3.6": 120.0,
        "3.9": 3000.0,
    }
    by_category = {k: v * scale for k, v in by_category.items()}
    by_kind = {
        "fuel.natural_gas.stationary": 500.0 * scale,
        "fuel.diesel.mobile": 1500.0 * scale,
        "electricity.grid": 6000.0 * scale,
        "material.carton": 1000.0 * scale,
        "freight.road.hgv": 5500.0 * scale,
        "waste.landfill": 80.0 * scale,
        "travel.air": 120.0 * scale,
    }
    s3 = sum(v for k, v in by_category.items() if k.startswith("3."))
    result: dict[str, Any] = {
        "park": park,
        "park_name": PARK_NAME,
        "year": year,
        "gwp_set": "AR6",
        "factor_sets": ["cn", "guide"],
        "boundary": "operational_control",
        "total_tco2e": 2000.0 * scale + 6000.0 * scale + s3,
        "total_market_tco2e": 2000.0 * scale + 5000.0 * scale + s3,
        "scope1_tco2e": 2000.0 * scale,
        "scope2_location_tco2e": 6000.0 * scale,
        "scope2_market_tco2e": 5000.0 * scale,
        "scope3_tco2e": s3,
        "by_category": by_category,
        "by_kind": by_kind,
        "category_labels": {"3.9": "Downstream transportation and distribution"},
    }
    if base_total is not None:
        result["base_year"] = {
            "year": 2022,
            "total_tco2e": base_total,
            "structural_change_tco2e": 1000.0,
            "recalculation_required": recalculation,
        }
    return result


BATCHES = [
    {
        "id": "VCS-1529-2021",
        "standard": "VCS",
        "project_id": "1529",
        "project_name": "Hydro bundle",
        "project_type": "hydro",
        "category": "avoidance",
        "vintage": 2021,
        "serials": "9012-70153245-70163244-VCS-VCU-263-VER-CN-1-1529-01012021-31122021-0",
    },
    {
        "id": "CCER-OWF-2023",
        "standard": "CCER",
        "project_id": "CCER-01-2024-0037",
        "project_type": "offshore_wind",
        "category": "avoidance",
        "vintage": 2023,
        "serials": "CCER-CN-01-000037-2023-00000001 – CCER-CN-01-000037-2023-00005000",
    },
    {
        "id": "CCER-ARR-2022",
        "standard": "CCER",
        "project_id": "CCER-14-2024-0011",
        "project_type": "afforestation",
        "category": "removal",
        "vintage": 2022,
        "serials": "CCER-CN-14-000011-2022-00000001 – CCER-CN-14-000011-2022-00003000",
    },
    {
        "id": "CDM-2316-2015",
        "standard": "CDM",
        "project_id": "2316",
        "project_type": "hydro",
        "category": "avoidance",
        "vintage": 2015,
        "serials": "CN-5-173520385-2-2-0-2316 – CN-5-173521384-2-2-0-2316",
    },
    {
        "id": "GS-7338-2025",
        "standard": "GS",
        "project_id": "GS7338",
        "project_type": "biogas",
        "category": "avoidance",
        "vintage": 2025,
        "serials": "GS1-1-CN-GS7338-16-2025-21874-1-500",
    },
]


@pytest.fixture
def batches() -> dict[str, CreditBatch]:
    return {b["id"]: CreditBatch.model_validate(b) for b in BATCHES}


Retire = Callable[..., Retirement]


@pytest.fixture
def retire(batches: dict[str, CreditBatch]) -> Retire:
    """Make a retirement of units `first`…`last` (offsets in the batch, 0-based) of a batch."""

    def make(
        batch_id: str,
        first: int,
        last: int,
        *,
        retired_on: dt.date = dt.date(2025, 3, 31),
        beneficiary: str = PARK_ID,
        year: int = 2024,
        id: int | None = None,
    ) -> Retirement:
        block = batches[batch_id].block
        part = block.sub(block.start + first, block.start + last)
        return Retirement(
            batch_id=batch_id,
            serials=part.text,
            retired_on=retired_on,
            beneficiary=beneficiary,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            id=id,
        )

    return make


# The store's database fixtures (SQLite and PostgreSQL; PostgreSQL required under CI=true).
from ..store.conftest import (  # noqa: E402, F401
    blank_url,
    db_url,
    engine,
    session,
)
