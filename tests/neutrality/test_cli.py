"""``parkzero claim`` and ``parkzero credits`` through a local Typer app (exit codes, JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import credits as credits_cli
from parkzero.cli.claim import claim
from parkzero.store.session import upgrade

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-park" / "park.yaml"
DEMO_CREDITS = ROOT / "examples" / "demo-park" / "credits.yaml"

app = typer.Typer()
app.command("claim")(claim)
app.add_typer(credits_cli.app, name="credits")
runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'db' / 'parkzero.db'}"
    monkeypatch.setenv("PARKZERO_DATABASE_URL", url)
    monkeypatch.setenv("PARKZERO_OUT_DIR", str(tmp_path / "out"))
    upgrade(url)
    return url


def run(*args: str) -> tuple[int, Any, str]:
    result = runner.invoke(app, [str(a) for a in args])
    out = result.stdout
    data = json.loads(out) if "--json" in args and out.strip().startswith("{") else None
    return result.exit_code, data, result.output + (result.stderr or "")


def test_demo_claim_needs_retirements_then_qualifies(store: str, tmp_path: Path) -> None:
    base = ("claim", DEMO, "--period", "2024", "--credits", DEMO_CREDITS, "--no-pdf", "--json")
    code, data, output = run(*base)
    assert code == 1, output
    assert data["valid"] is False and data["retired_tco2e"] == 0
    assert data["plan"]["planned_tco2e"] == data["emissions"]["credits_needed"] == 23370
    assert data["plan"]["skipped"] == {"CDM-2316-2015": "vintage 2015 outside 2019–2024"}
    failed = [c["id"] for c in data["checks"] if c["status"] == "fail"]
    assert failed == ["offset_quantity"]
    assert Path(data["files"]["html"]).is_file() and "pdf" not in data["files"]

    code, data, output = run(*base, "--retire", "--retired-on", "2025-03-31")
    assert code == 0, output
    assert data["valid"] is True and data["validity"] == "valid"
    assert data["retired_tco2e"] == 23370
    assert sum(r["quantity_tco2e"] for r in data["retired_now"]) == 23370
    assert data["imported"]["batches_unchanged"] == [
        b for b in data["imported"]["batches_unchanged"]
    ]
    assert {c["id"]: c["status"] for c in data["checks"]}["reductions_first"] == "pass"
    html = Path(data["files"]["html"]).read_text(encoding="utf-8")
    assert "武汉示范物流园" in html and "23,370" in html

    code, listing, output = run("credits", "list", "--json")
    assert code == 0, output
    held = {h["batch"]: h["remaining_tco2e"] for h in listing["holdings"]}
    assert held == {
        "CCER-FJ-OWF-2023": 2130,
        "CCER-HB-ARR-2022": 0,
        "CDM-2316-2015": 1500,
        "GS-7338-2022": 0,
        "VCS-1529-2021": 0,
        "VCS-2470-2020": 0,
    }
    code, claims, output = run("credits", "claims", "--json")
    assert code == 0 and [c["validity"] for c in claims["claims"]] == ["valid"], output


def test_retiring_too_late_retires_nothing(store: str) -> None:
    code, data, output = run(
        "claim",
        DEMO,
        "--period",
        "2024",
        "--credits",
        DEMO_CREDITS,
        "--no-pdf",
        "--json",
        "--retire",
        "--retired-on",
        "2026-02-01",
    )
    assert code == 1, output
    assert data["retired_now"] == [] and data["retired_tco2e"] == 0
    code, listing, _ = run("credits", "list", "--json")
    assert sum(h["retired_tco2e"] for h in listing["holdings"]) == 0


def test_bad_input_exits_2(store: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("batches:\n  - {id: X, standard: VCU}\n", encoding="utf-8")
    code, _, output = run("claim", DEMO, "--period", "2024", "--credits", bad, "--no-pdf")
    assert code == 2 and "bad.yaml" in output and "batches[0].standard" in output
    code, _, output = run("claim", DEMO, "--period", "2019", "--no-pdf")
    assert code == 2 and "no activity data for 2019" in output
    code, _, output = run("claim", DEMO, "--period", "2024", "--retired-on", "31/3/2025")
    assert code == 2 and "expected YYYY-MM-DD" in output


def test_credits_import_for_a_park_file(store: str) -> None:
    code, data, output = run("credits", "import", DEMO_CREDITS, "--park", DEMO, "--json")
    assert code == 0, output
    assert len(data["batches_added"]) == 6 and data["park"] == "demo-wuhan"
    code, data, _ = run("credits", "import", DEMO_CREDITS, "--json")  # the file names the park
    assert code == 0 and data["batches_added"] == [] and len(data["batches_unchanged"]) == 6


def test_an_unmigrated_database_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKZERO_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _, output = run("credits", "list")
    assert code == 1 and "parkzero db upgrade" in output
