"""Stored energy results (``parkzero.energy.service``) on SQLite and PostgreSQL, ``--save``.

The test site has a constant 100 kW load, 50 kWp of PV with a fixed daily shape and no battery
under Hubei's 2024 tariff, so every figure can be checked by hand. July periods (tariffs_cn.yaml,
summer peak months): critical 20-22 h, peak 16-20 h and 22-24 h, flat 0-1, 7-12, 14-16 h,
valley 1-7 and 12-14 h.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from parkzero.carbon.park import park_from_dict
from parkzero.cli import energy_plan
from parkzero.energy import service as es
from parkzero.energy.tables import EnergyResult, EnergyScenario
from parkzero.errors import InputError
from parkzero.store.service import import_park
from parkzero.store.session import session_scope, upgrade

from ..store.conftest import postgres_schema

#: PV output per kWp, hours 0-23 [kW/kWp]; sum 6.6 kWh/kWp a day.
PV_SHAPE = [0, 0, 0, 0, 0, 0, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.9, 0.8, 0.7, 0.5, 0.3, 0.1]
PV_SHAPE += [0] * 6
PARK = {"park": {"id": "energy-park", "name": "能源园区", "region": "湖北", "base_year": 2024}}


def scenario(tmp: Path, **extra: object) -> Path:
    data = {
        "name": "test site",
        "start": "2024-07-15",
        "steps": 48,
        "freq": "1h",
        "tariff": "hubei_2024",
        "load": {"constant_kw": 100},
        "pv": {"production_factor": PV_SHAPE, "size_kw": 50},
        "battery": False,
        **extra,
    }
    path = tmp / "site.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database with the park ``energy-park``."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            out = f"sqlite:///{tmp_path / 'energy.db'}"
        else:
            out = stack.enter_context(postgres_schema("pz_energy"))
        upgrade(out)
        with session_scope(out) as session:
            import_park(session, park_from_dict(PARK, source="park.yaml", base_dir=tmp_path))
        yield out


def test_document_is_self_contained_and_deduplicated(url: str, tmp_path: Path) -> None:
    doc, _ = es.scenario_document(scenario(tmp_path))
    assert doc["load"] == {"loads_kw": [100.0] * 48}
    assert doc["pv"]["production_factor"] == [float(v) for v in PV_SHAPE * 2]
    q = es.to_quarter_hours(doc)
    assert q["freq"] == "15min" and q["steps"] == 192 and len(q["load"]["loads_kw"]) == 192
    with session_scope(url) as session:
        a = es.save_scenario(session, "energy-park", doc)
        b = es.save_scenario(session, "energy-park", json.loads(json.dumps(doc)))
        assert a.id == b.id and a.digest == es.scenario_digest(doc) and len(a.digest) == 64


def test_stored_dispatch_and_screen_numbers(url: str, tmp_path: Path) -> None:
    doc, _ = es.scenario_document(scenario(tmp_path))
    with session_scope(url) as session:
        assert es.screen_results(session, "energy-park") is None
        es.save_scenario(session, "energy-park", doc)
        row = es.run_stored_dispatch(session, "energy-park", dt.date(2024, 7, 15))
        rid = row.id
    with session_scope(url) as session:
        row = session.get(EnergyResult, rid)
        assert row is not None and row.kind == "dispatch" and row.day == dt.date(2024, 7, 15)
        # 24 h × 100 kW − 50 kWp × 6.6 kWh/kWp = 2,400 − 330 = 2,070 kWh bought, all PV used
        assert row.figures["import_kwh"] == pytest.approx(2070.0, abs=0.01)
        assert row.figures["pv_kwh"] == pytest.approx(330.0, abs=0.01)
        assert len(row.payload["schedule"]["time"]) == 96
        screen = es.screen_results(session, "energy-park")
    assert screen is not None and screen["day"] == "2024-07-15"
    tou = dict(zip(screen["tou"]["periods"], screen["tou"]["kwh"], strict=True))
    assert list(tou) == ["critical", "peak", "flat", "valley"]
    # critical 2 h × 100; peak 6 h × 100 − PV at 16, 17 h (0.3 + 0.1) × 50 = 600 − 20;
    # flat 8 h × 100 − (0.3+0.5+0.7+0.8+0.9 + 0.7+0.5) × 50 = 800 − 220;
    # valley 8 h × 100 − (0.1 + 0.9 + 0.8) × 50 = 800 − 90
    assert tou == pytest.approx({"critical": 200.0, "peak": 580.0, "flat": 580.0, "valley": 710.0})
    hourly = screen["hourly"]
    assert len(hourly) == 24 and hourly[12]["hour"] == "2024-07-15T12:00:00"
    assert hourly[12]["load_kwh"] == pytest.approx(100.0)
    assert hourly[12]["pv_kwh"] == pytest.approx(45.0)  # 0.9 × 50
    assert screen["soc"] is None  # no battery


def test_battery_soc_and_sizes_from_the_stored_sizing(url: str, tmp_path: Path) -> None:
    path = scenario(tmp_path, battery={"size_kwh": 400, "size_kw": 100})
    doc, _ = es.scenario_document(path)
    with session_scope(url) as session:
        es.save_sizing(session, "energy-park", doc, {"pv_kw": 0.0, "battery_kwh": 200.0,
                       "battery_kw": 50.0, "chargers": 0, "npv_cny": float("nan")})  # fmt: skip
        sizing = es.latest_result(session, "energy-park", "sizing")
        assert sizing is not None and sizing.payload["npv_cny"] is None  # NaN stored as null
        row = es.run_stored_dispatch(session, "energy-park", dt.date(2024, 7, 16))
        # the stored sizing wins: 0 kWp PV, a 200 kWh battery
        assert row.payload["sizes_from"] == "sizing" and row.payload["battery_kwh"] == 200.0
        assert row.figures["pv_kwh"] == 0.0
        screen = es.screen_results(session, "energy-park")
    assert screen is not None and len(screen["soc"]) == 24
    assert all(0.0 <= v <= 1.0 for v in screen["soc"])
    assert max(screen["soc"]) > min(screen["soc"])  # valley charging, peak discharging


def test_bad_input_is_clear(url: str, tmp_path: Path) -> None:
    with session_scope(url) as session:
        with pytest.raises(InputError, match="no stored energy scenario"):
            es.run_stored_dispatch(session, "energy-park", dt.date(2024, 7, 15))
        doc, _ = es.scenario_document(scenario(tmp_path))
        es.save_scenario(session, "energy-park", doc)
        with pytest.raises(InputError, match=r"2024-08-01 is not in the stored scenario"):
            es.run_stored_dispatch(session, "energy-park", dt.date(2024, 8, 1))
        with pytest.raises(InputError, match=r"expected 0\.25 to 48 h"):
            es.run_stored_dispatch(session, "energy-park", dt.date(2024, 7, 15), horizon_h=100)
        with pytest.raises(InputError, match="no park"):
            es.save_sizing(session, "nowhere", doc, {})


def _app() -> typer.Typer:
    app = typer.Typer()
    energy_plan.register(app)
    return app


def test_cli_dispatch_and_size_save(url: str, tmp_path: Path) -> None:
    quarters = [v for v in PV_SHAPE for _ in range(4)]
    path = scenario(tmp_path, freq="15min", steps=192,
                    pv={"production_factor": quarters, "size_kw": 50})  # fmt: skip
    runner = CliRunner()
    r = runner.invoke(_app(), ["dispatch", str(path), "--day", "2024-07-15", "--save",
                               "--park", "energy-park", "--db", url, "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["saved"]["park"] == "energy-park" and out["import_kwh"] == pytest.approx(2070.0)
    r = runner.invoke(_app(), ["size", str(path), "--save", "--park", "energy-park",
                               "--db", url, "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    with session_scope(url) as session:
        kinds = sorted(x.kind for x in session.query(EnergyResult))
        assert kinds == ["dispatch", "sizing"]
        assert session.query(EnergyScenario).count() == 1  # one document for both
    r = runner.invoke(_app(), ["dispatch", str(path), "--day", "2024-07-15", "--save"])
    assert r.exit_code == 2 and "--park" in r.output
    r = runner.invoke(_app(), ["size", str(path), "--save", "--park", "nowhere", "--db", url])
    assert r.exit_code == 2 and 'no park "nowhere"' in r.output
