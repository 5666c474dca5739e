"""``parkzero ledger`` and ``parkzero monitor`` commands, registered as the lead registers them."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from unittest import mock

import pytest
import typer
import yaml
from typer.testing import CliRunner

from parkzero.carbon.park import park_from_dict
from parkzero.cli import ledger as ledger_cli
from parkzero.cli import monitor as monitor_cli
from parkzero.ledger.note import Signer, generate_key
from parkzero.monitoring.readings import sign_reading
from parkzero.store.service import save_park
from parkzero.store.session import session_scope

from .conftest import PARK

runner = CliRunner()
ORIGIN = "park.example/ledger"


def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(ledger_cli.app, name="ledger")
    app.add_typer(monitor_cli.app, name="monitor")
    return app


def run(*args: str) -> tuple[int, str, str]:
    out = runner.invoke(cli(), list(args))
    return out.exit_code, out.stdout, out.stderr


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", db_url)
    monkeypatch.setenv("PARKZERO_LEDGER_ORIGIN", ORIGIN)
    monkeypatch.delenv("PARKZERO_LEDGER_KEY", raising=False)
    code, _out, err = run(
        "ledger", "keygen", ORIGIN, "--out", str(tmp_path / "keys" / "log.key"), "--json"
    )
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "keys" / "log.key").stat().st_mode) == 0o600
    return tmp_path


def test_append_checkpoint_prove_verify(env: Path) -> None:
    key = str(env / "keys" / "log.key")
    pub = str(env / "keys" / "log.pub")
    doc = env / "doc.json"
    doc.write_text('{"invoice": "2024-03", "kWh": 120000}\n', encoding="utf-8")
    code, out, err = run("ledger", "append", str(doc), "--json")
    assert code == 0, err
    assert json.loads(out)["index"] == 0
    code, _, err = run("ledger", "checkpoint")
    assert code == 2 and "--key" in err  # never a default key
    code, out, err = run("ledger", "checkpoint", "--key", key, "--json")
    assert code == 0, err
    assert json.loads(out)["size"] == 1
    for i in range(3):
        doc.write_text(f'{{"n": {i}}}\n', encoding="utf-8")
        assert run("ledger", "append", str(doc))[0] == 0
    code, out, err = run("ledger", "checkpoint", "--key", key, "--json")
    assert json.loads(out)["size"] == 4
    receipt = env / "receipt.json"
    code, out, err = run("ledger", "prove", "--index", "2", "--out", str(receipt), "--json")
    assert code == 0, err
    proved = json.loads(out)
    assert proved["tree_size"] == 4 and len(proved["inclusion_proof"]) == 2
    code, out, err = run("ledger", "verify", str(receipt), "--key", pub, "--json")
    assert code == 0, err
    assert json.loads(out)["valid"] is True

    tampered = json.loads(receipt.read_text(encoding="utf-8"))
    tampered["index"] = 1
    bad = env / "bad.json"
    bad.write_text(json.dumps(tampered), encoding="utf-8")
    code, out, err = run("ledger", "verify", str(bad), "--key", pub)
    assert code == 1 and "does not" in err
    code, out, _ = run("ledger", "verify", str(bad), "--key", pub, "--json")
    assert code == 1 and json.loads(out)["valid"] is False
    bad.write_text('{"hello": 1}', encoding="utf-8")
    assert run("ledger", "verify", str(bad), "--key", pub)[0] == 2
    bad.write_text("not json", encoding="utf-8")
    assert run("ledger", "verify", str(bad), "--key", pub)[0] == 2
    assert run("ledger", "prove", "--index", "9")[0] == 2
    code, out, err = run("ledger", "audit", "--log-key", pub, "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_epod_signing_and_receipt(env: Path) -> None:
    keys = {}
    for party in ("sf-express", "coldco"):
        code, out, err = run(
            "ledger", "keygen", party, "--out", str(env / "keys" / f"{party}.key"), "--json"
        )
        assert code == 0, err
        keys[party] = json.loads(out)["vkey"]
    doc = {
        "id": "POD-1",
        "carrier": {"id": "sf-express", "key": keys["sf-express"]},
        "receiver": {"id": "coldco", "key": keys["coldco"]},
        "delivered_at": "2024-03-01T08:15:00Z",
        "sheets": 3,
    }
    (env / "pod.json").write_text(json.dumps(doc), encoding="utf-8")
    assert (
        run(
            "ledger",
            "sign-epod",
            str(env / "pod.json"),
            "--key",
            str(env / "keys" / "sf-express.key"),
            "--out",
            str(env / "pod.half"),
        )[0]
        == 0
    )
    code, _, err = run("ledger", "append", str(env / "pod.half"))
    assert code == 1 and "receiver" in err  # only the carrier signed: refused
    assert (
        run(
            "ledger",
            "sign-epod",
            str(env / "pod.half"),
            "--key",
            str(env / "keys" / "coldco.key"),
            "--out",
            str(env / "pod.signed"),
        )[0]
        == 0
    )
    code, out, err = run(
        "ledger",
        "append",
        str(env / "pod.signed"),
        "--key",
        str(env / "keys" / "log.key"),
        "--receipt",
        str(env / "pod.receipt.json"),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["kind"] == "epod"
    code, out, err = run(
        "ledger",
        "verify",
        str(env / "pod.receipt.json"),
        "--key",
        str(env / "keys" / "log.pub"),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["epod"] == "POD-1"


def test_witness_cosign_command(env: Path) -> None:
    key = str(env / "keys" / "log.key")
    assert (
        run("ledger", "keygen", "auditor.example/w", "--witness", "--out", str(env / "w.key"))[0]
        == 0
    )
    doc = env / "d.txt"
    for i in range(5):
        doc.write_text(f"doc {i}\n", encoding="utf-8")
        run("ledger", "append", str(doc), "--key", key)
        code, out, err = run(
            "ledger",
            "cosign",
            "--witness-key",
            str(env / "w.key"),
            "--log-key",
            str(env / "keys" / "log.pub"),
            "--state",
            str(env / "w.json"),
            "--json",
        )
        assert code == 0, err
        assert json.loads(out)["size"] == i + 1
    (env / "receipt.json").unlink(missing_ok=True)
    assert run("ledger", "prove", "--index", "3", "--out", str(env / "r.json"))[0] == 0
    code, out, err = run(
        "ledger",
        "verify",
        str(env / "r.json"),
        "--key",
        str(env / "keys" / "log.pub"),
        "--witness",
        str(env / "w.pub"),
        "--quorum",
        "1",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["witnesses"] == 1


def test_monitor_meters_ingest_rollup_alerts(env: Path) -> None:
    with session_scope() as s:
        save_park(s, park_from_dict(PARK, source="park.yaml"))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    import base64

    pub = base64.b64encode(key.public_key().public_bytes_raw()).decode()
    meters = {
        "meters": [
            {
                "id": "E-1",
                "kind": "electricity",
                "mode": "cumulative",
                "zone": "sorting",
                "public_key": pub,
            }
        ]
    }
    (env / "meters.yaml").write_text(yaml.safe_dump(meters), encoding="utf-8")
    code, out, err = run(
        "monitor", "meters", str(env / "meters.yaml"), "--park", "wuhan-demo", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["added"] == ["E-1"]
    import datetime as dt

    lines = ["meter,ts,value,unit,sig"]
    t0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    for i in range(8):
        r = sign_reading(
            key, "wuhan-demo", "E-1", t0 + i * dt.timedelta(minutes=15), 100 + 5 * i, "kWh"
        )
        lines.append(f"{r.meter},{r.ts},{r.value},{r.unit},{json.loads(r.to_json())['sig']}")
    lines.append(lines[1].rsplit(",", 1)[0] + ",")  # unsigned copy
    (env / "readings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(
        "monitor",
        "ingest",
        str(env / "readings.csv"),
        "--park",
        "wuhan-demo",
        "--key",
        str(env / "keys" / "log.key"),
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert (result["accepted"], result["duplicates"], result["rejected"]) == (
        8,
        0,
        {"missing_signature": 1},
    )
    assert result["checkpoint_size"] == 9  # meter enrolment + 8 readings
    code, out, err = run(
        "monitor", "ingest", str(env / "readings.csv"), "--park", "wuhan-demo", "--json"
    )
    assert json.loads(out)["duplicates"] == 8
    # in a terminal: a progress line, then the readable summary (the resend changes nothing)
    with mock.patch("parkzero.cli.monitor.sys.stderr") as tty:
        tty.isatty.return_value = True
        code, out, err = run("monitor", "ingest", str(env / "readings.csv"), "--park", "wuhan-demo")
    assert code == 0, err
    assert "8" in out and "duplicate" in out.lower()
    code, out, err = run(
        "monitor",
        "rollup",
        "--park",
        "wuhan-demo",
        "--freq",
        "hour",
        "--activities",
        str(env / "acts.csv"),
        "--json",
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert sum(r["quantity"] for r in rows) == pytest.approx(35.0)
    assert "electricity.grid,35,kWh,2024-03-01,2024-03-31,sorting" in (env / "acts.csv").read_text()
    code, out, err = run(
        "monitor", "alerts", "--park", "wuhan-demo", "--now", "2024-03-01T12:00:00+00:00", "--json"
    )
    assert code == 0, err
    assert [a["kind"] for a in json.loads(out)["alerts"]] == ["silent"]
    # budgets from the demo park's target pathway: 35 kWh in March is far inside the budget
    demo_park = Path(__file__).parents[2] / "examples" / "demo-park" / "park.yaml"
    when = ("--now", "2024-03-01T12:05:00+00:00")
    code, out, err = run(
        "monitor",
        "alerts",
        "--park",
        "wuhan-demo",
        *when,
        "--pathway-from",
        str(demo_park),
        "--json",
    )
    assert code == 0, err
    assert "budget" not in [a["kind"] for a in json.loads(out)["alerts"]]
    (env / "budget.yaml").write_text('"2024-03": 0.0001\n', encoding="utf-8")
    code, out, err = run(
        "monitor",
        "alerts",
        "--park",
        "wuhan-demo",
        *when,
        "--budget",
        str(env / "budget.yaml"),
        "--json",
    )
    assert code == 0, err
    assert [a["kind"] for a in json.loads(out)["alerts"]] == ["budget"]
    code, _, err = run(
        "monitor", "alerts", "--park", "wuhan-demo", "--budget", str(env / "budget.yaml"),
        "--pathway-from", str(demo_park),
    )  # fmt: skip
    assert code == 2 and "either --budget or --pathway-from" in err
    (env / "bad.csv").write_text("meter,ts,value\n", encoding="utf-8")
    code, _, err = run("monitor", "ingest", str(env / "bad.csv"), "--park", "wuhan-demo")
    assert code == 2 and 'column "unit"' in err


def test_no_key_file_with_open_permissions(env: Path) -> None:
    skey, _vkey = generate_key(ORIGIN)
    loose = env / "loose.key"
    loose.write_text(skey + "\n", encoding="utf-8")
    loose.chmod(0o644)
    code, _, err = run("ledger", "checkpoint", "--key", str(loose))
    assert code == 2 and "chmod 600" in err
    assert Signer.from_skey(skey).name == ORIGIN
