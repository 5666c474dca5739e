"""Inventory results in the store: headline columns, lines, factors used, latest run."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from parkzero.carbon.inventory import compute_inventory, load_park_activities
from parkzero.carbon.park import Park, park_from_dict
from parkzero.errors import InputError
from parkzero.store import models as db
from parkzero.store.service import (
    import_park,
    latest_inventory,
    latest_inventory_run,
    load_activities,
    save_inventory,
    save_park,
)

from .conftest import ACTIVITIES, PARK, count_rows, write


@dataclass(frozen=True)
class FakeFactor:
    """The fields of parkzero.carbon.factors.Factor that the store records."""

    id: str
    kind: str
    unit: str
    gases: dict[str, float]
    source: str
    version: str
    factor_set: str = "cn"
    region: str = "CN"
    year: int = 2022
    series: str | None = None
    licence: str = "-"
    extra: dict[str, str] = field(default_factory=dict)


GRID = FakeFactor(
    id="grid.mee-location.central.2022",
    kind="electricity.grid",
    unit="kWh",
    gases={"CO2": 0.5410},
    source="MEE/NBS 2022 grid emission factors, 华中",
    version="2024",
    region="华中",
)
DIESEL = FakeFactor(
    id="cn.fuel.diesel.mobile",
    kind="fuel.diesel.mobile",
    unit="t",
    gases={"CO2": 3096.0, "CH4": 0.16, "N2O": 0.16},
    source="national enterprise GHG accounting guideline",
    version="2013",
)


def result(year: int = 2023, scale: float = 1.0) -> dict[str, object]:
    """An inventory result in the engine's JSON shape, with numpy numbers and a NaN."""
    lines = [
        {
            "id": "activities-2023.csv:2",
            "scope": 2,
            "category": "2.electricity",
            "kind": "electricity.grid",
            "zone": "sorting",
            "tenant": "",
            "quantity": np.float64(120_000.0),
            "unit": "kWh",
            "quantity_factor_unit": 120_000.0,
            "factor_id": GRID.id,
            "factor_value": 0.5410,
            "factor_unit": "kgCO2e/kWh",
            "factor_source": GRID.source,
            "tco2e": 64.92 * scale,
            "tco2e_market": 0.0,
            "market_factor_id": GRID.id,
            "quality": "measured",
            "note": "future key",
        },
        {
            "id": "activities-2023.csv:4",
            "scope": np.int64(1),
            "category": "1.mobile",
            "kind": "fuel.diesel.mobile",
            "zone": "yard",
            "tenant": "",
            "quantity": 800.0,
            "unit": "L",
            "quantity_factor_unit": 0.672,
            "factor_id": DIESEL.id,
            "factor_value": 3141.0,
            "factor_unit": "kgCO2e/t",
            "factor_source": DIESEL.source,
            "tco2e": 2.110752 * scale,
            "tco2e_market": 2.110752 * scale,
            "market_factor_id": DIESEL.id,
            "quality": "calculated",
            "note": None,
        },
        {
            "id": "memo:1",
            "scope": None,
            "category": "memo.onsite_renewable",
            "kind": "x",
            "zone": "",
            "tenant": "",
            "quantity": 5.0,
            "unit": "kWh",
            "quantity_factor_unit": 5.0,
            "factor_id": "parkzero.zero",
            "factor_value": 0.0,
            "factor_unit": "kgCO2e/kWh",
            "factor_source": "-",
            "tco2e": 0.0,
            "tco2e_market": 0.0,
            "market_factor_id": "parkzero.zero",
            "quality": "measured",
            "note": None,
        },
    ]
    s1, s2, s2m = 2.110752 * scale, 64.92 * scale, 0.0
    return {
        "park": "wuhan-demo",
        "park_name": "武汉示范物流园",
        "year": year,
        "gwp_set": "AR6",
        "factor_sets": ["cn", "ipcc2006"],
        "boundary": "operational_control",
        "total_tco2e": s1 + s2,
        "total_market_tco2e": s1 + s2m,
        "scope1_tco2e": np.float64(s1),
        "scope2_location_tco2e": s2,
        "scope2_market_tco2e": s2m,
        "scope3_tco2e": 0.0,
        "by_category": {"1.mobile": s1, "2.electricity": s2},
        "by_gas_t": {"CO2": 66.9, "CH4": float("nan")},
        "by_month": {"2023-01": s2, "2023-02": s1},
        "indicators": {"tco2_per_tce": 4.1, "clean_energy_share": None},
        "line_count": 3,
        "warnings": ["a fallback was used"],
        "lines": lines,
    }


def as_json(value: object) -> object:
    """What the store promises to give back: numpy as Python, NaN as None."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@pytest.fixture
def saved_park(session: Session, park: Park) -> Park:
    save_park(session, park)
    session.commit()
    return park


def test_save_and_load_latest(session: Session, engine: Engine, saved_park: Park) -> None:
    data = result()
    run_id = save_inventory(session, saved_park.id, data, [GRID, DIESEL])
    session.commit()
    session.expunge_all()
    back = latest_inventory(session, saved_park.id, 2023)
    assert back == as_json(data)
    assert back is not None and back["lines"][0]["note"] == "future key"
    run = session.get(db.InventoryRun, run_id)
    assert run is not None
    assert run.total_tco2e == pytest.approx(67.030752)
    assert run.scope2_market_tco2e == 0.0
    assert (run.gwp_set, run.factor_sets, run.line_count) == ("AR6", ["cn", "ipcc2006"], 3)
    assert run.created_at.tzinfo is not None
    assert count_rows(engine, db.InventoryLine, run_id=run_id) == 3


def test_factors_used_one_row_per_gas(session: Session, saved_park: Park) -> None:
    run_id = save_inventory(session, saved_park.id, result(), [GRID, DIESEL])
    rows = session.scalars(
        select(db.FactorUsed).where(db.FactorUsed.run_id == run_id).order_by(db.FactorUsed.id)
    ).all()
    got = {(r.factor_id, r.gas): (r.value, r.unit, r.version) for r in rows}
    assert got == {
        (GRID.id, "CO2"): (0.5410, "kg/kWh", "2024"),
        (DIESEL.id, "CO2"): (3096.0, "kg/t", "2013"),
        (DIESEL.id, "CH4"): (0.16, "kg/t", "2013"),
        (DIESEL.id, "N2O"): (0.16, "kg/t", "2013"),
    }
    grid = next(r for r in rows if r.factor_id == GRID.id)
    assert (grid.source, grid.region, grid.year, grid.factor_set) == (
        GRID.source,
        "华中",
        2022,
        "cn",
    )
    run = latest_inventory_run(session, saved_park.id, 2023)
    assert run is not None and len(run.factors) == 4


def test_factors_may_be_mappings(session: Session, saved_park: Park) -> None:
    factor = {"id": "f1", "gases": {"CO2e": 1.14}, "unit": "kg", "source": "guide", "version": 1}
    run_id = save_inventory(session, saved_park.id, result(), [factor])
    row = session.scalars(select(db.FactorUsed).where(db.FactorUsed.run_id == run_id)).one()
    assert (row.factor_id, row.gas, row.value, row.unit, row.version) == (
        "f1",
        "CO2e",
        1.14,
        "kg",
        "1",
    )


def test_latest_is_the_newest_run_of_that_year(session: Session, saved_park: Park) -> None:
    save_inventory(session, saved_park.id, result(2023, scale=1.0))
    save_inventory(session, saved_park.id, result(2024, scale=3.0))
    newest = save_inventory(session, saved_park.id, result(2023, scale=2.0))
    session.commit()
    latest = latest_inventory(session, saved_park.id, 2023)
    assert latest is not None
    assert latest["scope2_location_tco2e"] == pytest.approx(2 * 64.92)
    run = latest_inventory_run(session, saved_park.id, 2023)
    assert run is not None and run.id == newest
    assert latest_inventory(session, saved_park.id, 2022) is None


def test_result_without_lines_stays_without_lines(session: Session, saved_park: Park) -> None:
    data = result()
    del data["lines"]
    save_inventory(session, saved_park.id, data)
    back = latest_inventory(session, saved_park.id, 2023)
    assert back is not None and "lines" not in back
    assert back == as_json(data)


def test_bad_results_are_refused(session: Session, saved_park: Park) -> None:
    with pytest.raises(InputError, match='for park "wuhan-demo", not "other"'):
        save_inventory(session, "other", result())
    data = result()
    del data["scope3_tco2e"]
    with pytest.raises(InputError, match='no "scope3_tco2e"'):
        save_inventory(session, saved_park.id, data)
    with pytest.raises(InputError, match='park "nowhere" is not in the store'):
        save_inventory(session, "nowhere", {**result(), "park": "nowhere"})


def test_inventory_computed_from_the_store_equals_from_the_files(
    session: Session, tmp_path: Path
) -> None:
    """The real engine: activities loaded from the database give the same inventory."""
    write(tmp_path / "acts.csv", ACTIVITIES)
    park = park_from_dict({**PARK, "activities": ["acts.csv"]}, base_dir=tmp_path)
    import_park(session, park)
    session.commit()
    from_db = compute_inventory(park, load_activities(session, park.id), 2023)
    from_files = compute_inventory(park, load_park_activities(park), 2023)
    assert from_db.to_dict() == from_files.to_dict()
    assert from_db.total_tco2e > 0

    data = from_db.to_dict()
    save_inventory(session, park.id, data, from_db.factors_used)
    session.commit()
    session.expunge_all()
    assert latest_inventory(session, park.id, 2023) == as_json(data)
    run = latest_inventory_run(session, park.id, 2023)
    assert run is not None
    assert run.total_tco2e == pytest.approx(from_db.total_tco2e)
    assert {f.factor_id for f in run.factors} == {f.id for f in from_db.factors_used}
    assert all(f.version for f in run.factors)
