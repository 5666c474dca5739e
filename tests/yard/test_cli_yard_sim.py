"""``parkzero yard simulate`` and the booking commands, through Typer's test runner."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from parkzero.cli.yard_sim import register
from parkzero.store import models as db
from parkzero.store.session import make_engine, upgrade

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SMALL = EXAMPLES / "yard" / "small-day.yaml"

app = typer.Typer()
register(app)
runner = CliRunner()


def test_simulate_json_per_policy() -> None:
    r = runner.invoke(app, ["simulate", str(SMALL), "--seed", "0", "--seeds", "2", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["seeds"] == [0, 1] and out["baseline"] == "fcfs"
    pols = out["policies"]
    assert set(pols) == {"fcfs", "appointments_fcfs", "appointments_optimised"}
    for p in pols.values():
        for key in (
            "mean_wait_min",
            "p95_wait_min",
            "idle_fuel_l",
            "co2e_t",
            "mean_turnaround_min",
            "dock_utilisation",
            "mean_wait_ci95_min",
        ):
            assert key in p
        assert p["co2e_t"] > 0
        lo, hi = p["mean_wait_ci95_min"]
        assert lo <= p["mean_wait_min"] <= hi
    opt = pols["appointments_optimised"]
    assert opt["wait_cut_vs_baseline"] > 0.3
    assert opt["abatement_tco2e_per_year"] > 0
    assert opt["lever"]["baseline"][0][:1] == ["fuel.diesel.mobile"]


def test_simulate_table_and_bad_input(tmp_path: Path) -> None:
    r = runner.invoke(app, ["simulate", str(SMALL)])
    assert r.exit_code == 0, r.output
    assert "appointments_optimised: mean waiting −" in r.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("yard: {id: y, docks: [{id: D}]}\nscenario: {year: 1800}\n", encoding="utf-8")
    r = runner.invoke(app, ["simulate", str(bad)])
    assert r.exit_code == 2
    assert 'field "scenario.year"' in r.output


def test_booking_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    upgrade(url, "0004_yard")
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        s.add(db.Park(id="demo-wuhan", name="P", region="湖北", settings={}))
    engine.dispose()
    yard_file = EXAMPLES / "yard" / "demo-day.yaml"
    r = runner.invoke(app, ["configure", str(yard_file), "--park", "demo-wuhan", "--db", url])
    assert r.exit_code == 0, r.output
    day = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    common = ["--park", "demo-wuhan", "--db", url]
    r = runner.invoke(
        app, ["slots", *common, "--day", day, "--direction", "inbound", "--pallets", "20", "--json"]
    )
    assert r.exit_code == 0, r.output
    slots = json.loads(r.stdout)["slots"]
    # inbound dry: 12 IN + 14 X + 12 reefer docks (reefer docks also take dry cargo)
    assert slots[0]["start"] == "05:00" and slots[0]["docks_free"] == 38
    r = runner.invoke(
        app,
        [
            "book",
            *common,
            "--carrier",
            "C01",
            "--day",
            day,
            "--start",
            "08:00",
            "--plate",
            "鄂A12345",
            "--direction",
            "inbound",
            "--pallets",
            "20",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    booking = json.loads(r.stdout)
    assert (booking["dock_id"], booking["start"], booking["end"]) == ("IN-01", "08:00", "08:45")
    r = runner.invoke(app, ["bookings", *common, "--carrier", "C02", "--json"])
    assert json.loads(r.stdout) == {"bookings": []}
    r = runner.invoke(app, ["cancel", str(booking["id"]), *common, "--carrier", "C02"])
    assert r.exit_code == 2 and "no booking" in r.output
    r = runner.invoke(app, ["cancel", str(booking["id"]), *common, "--carrier", "C01", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["status"] == "cancelled"
    r = runner.invoke(
        app,
        [
            "book",
            *common,
            "--carrier",
            "C01",
            "--day",
            day,
            "--start",
            "8h",
            "--plate",
            "X",
            "--direction",
            "inbound",
            "--pallets",
            "2",
        ],
    )
    assert r.exit_code == 2 and "--start" in r.output
