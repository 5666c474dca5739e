"""Parks in the store: saved with zones and tenants, reloaded equal, updated in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from parkzero.carbon.park import Park, park_from_dict
from parkzero.errors import ConfigError, InputError
from parkzero.store import models as db
from parkzero.store.service import get_park, import_activity_file, save_park

from .conftest import ACTIVITIES, PARK, count_rows, write


def test_save_and_reload_park(session: Session, engine: Engine, park: Park) -> None:
    save_park(session, park)
    session.commit()
    assert count_rows(engine, db.Zone, park_id=park.id) == 3
    assert count_rows(engine, db.Tenant, park_id=park.id) == 1
    session.expunge_all()
    assert get_park(session, park.id) == park
    row = session.get(db.Park, park.id)
    assert row is not None
    assert (row.name, row.region) == ("武汉示范物流园", "湖北")
    assert row.settings["gwp_set"] == "AR6"
    assert row.created_at.utcoffset() == dt.timedelta(0)  # timezone-aware, UTC
    cold = session.get(db.Zone, (park.id, "cold-store"))
    assert cold is not None and cold.equity_share == pytest.approx(0.6)
    coldco = session.get(db.Tenant, (park.id, "coldco"))
    assert coldco is not None and coldco.zones == ["cold-store"]


def test_settings_round_trip_with_drivers_and_instruments(session: Session, tmp_path: Path) -> None:
    data = {
        **PARK,
        "drivers": {2023: {"tonnes_handled": 1.2e6, "parcels": 3.5e7}},
        "instruments": [{"id": "gec-1", "type": "green_certificate", "mwh": 2000, "year": 2023}],
        "activities": [
            "a.csv",
            {"kind": "water.supply", "quantity": 10, "unit": "m³", "period": "2023-01"},
        ],
    }
    park = park_from_dict(data, base_dir=tmp_path)
    save_park(session, park)
    session.commit()
    session.expunge_all()
    assert get_park(session, park.id) == park


def test_saving_again_updates_zones_and_tenants(session: Session, engine: Engine) -> None:
    save_park(session, park_from_dict(PARK))
    session.commit()
    changed = {
        **PARK,
        "park": {**PARK["park"], "name": "新名字"},
        "zones": [{"id": "sorting", "name": "分拣", "area_m2": 35000}, {"id": "office"}],
        "tenants": [],
    }
    save_park(session, park_from_dict(changed))
    session.commit()
    zones = session.scalars(select(db.Zone.id).where(db.Zone.park_id == "wuhan-demo")).all()
    assert sorted(zones) == ["office", "sorting"]
    assert count_rows(engine, db.Tenant) == 0
    sorting = session.get(db.Zone, ("wuhan-demo", "sorting"))
    assert sorting is not None and sorting.area_m2 == 35000
    assert get_park(session, "wuhan-demo").name == "新名字"


def test_zone_used_by_activities_cannot_be_removed(
    session: Session, engine: Engine, park: Park, tmp_path: Path
) -> None:
    import_activity_file(session, park, write(tmp_path / "acts.csv", ACTIVITIES))
    session.commit()
    without_yard = {**PARK, "zones": [z for z in PARK["zones"] if z["id"] != "yard"]}
    with pytest.raises(ConfigError, match='zone "yard" is no longer in the park but 1 imported'):
        save_park(session, park_from_dict(without_yard))
    session.commit()
    assert count_rows(engine, db.Zone, park_id=park.id) == 3  # nothing changed


def test_unknown_park(session: Session) -> None:
    with pytest.raises(InputError, match='park "nope" is not in the store'):
        get_park(session, "nope")
