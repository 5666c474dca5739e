"""Crash test: `parkzero monitor ingest` is killed (SIGKILL) mid-run and started again.

Nothing committed is lost, nothing is stored twice, no batch is half-written, and the log stays
consistent with the last checkpoint signed before the crash.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from parkzero.ledger import merkle
from parkzero.ledger import store as ledger
from parkzero.ledger.note import write_key_files
from parkzero.monitoring.tables import Reading
from parkzero.store.session import make_sessionmaker

from .conftest import LOG, PARK_ID, Site, ingest_command

METERS = ("E-MAIN", "E-SORT", "E-COLD", "W-1")
PER_METER = 1200
BATCH = 200
CLI = "import sys; from parkzero.cli.monitor import app; sys.argv[0] = 'parkzero monitor'; app()"


def write_csv(site: Site, path: Path) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["meter", "ts", "value", "unit", "sig"])
        for i in range(PER_METER):
            for m in METERS:
                r = site.sign(m, i, 10 * i + 1)
                writer.writerow([r.meter, r.ts, r.value, r.unit, json.loads(r.to_json())["sig"]])
                rows += 1
    return rows


def readings(site: Site) -> int:
    with make_sessionmaker(site.engine)() as s:
        return int(s.scalar(select(func.count()).select_from(Reading)) or 0)


def test_killed_ingest_resumes_without_loss_or_duplicates(site: Site, tmp_path: Path) -> None:
    total = write_csv(site, tmp_path / "readings.csv")
    key_file, _ = write_key_files(site.skey, site.log_key.vkey, tmp_path / "log.key")
    env = {**os.environ, "PARKZERO_DATABASE_URL": site.url}
    command = [
        sys.executable,
        "-c",
        CLI,
        "ingest",
        str(tmp_path / "readings.csv"),
        "--park",
        PARK_ID,
        "--log",
        LOG,
        "--key",
        str(key_file),
        "--batch-size",
        str(BATCH),
        "--json",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while readings(site) < 3 * BATCH and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    stored = readings(site)
    assert 0 < stored < total
    assert stored % BATCH == 0  # whole batches only: the one being written was rolled back
    with make_sessionmaker(site.engine)() as s:
        head = ledger.get_head(s, LOG)
        before = ledger.latest_checkpoint(s, LOG)
        assert before is not None
        assert before.size == head.size == 4 + stored  # 4 meter enrolments, then the readings
        assert ledger.audit_log(s, LOG, site.log_key).ok

    rerun = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    assert result["accepted"] == total - stored
    assert result["duplicates"] == stored
    assert result["rejected_total"] == 0

    with make_sessionmaker(site.engine)() as s:
        rows = s.execute(select(Reading.meter_id, Reading.ts, Reading.ledger_index)).all()
        assert len(rows) == total
        assert len({(m, t) for m, t, _ in rows}) == total
        assert len({i for _, _, i in rows}) == total
        after = ledger.latest_checkpoint(s, LOG)
        assert after is not None and after.size == 4 + total
        proof = ledger.consistency_proof(s, LOG, before.size, after.size)
        merkle.verify_consistency(before.size, after.size, proof, before.root, after.root)
        assert ledger.audit_log(s, LOG, site.log_key).ok


def gone(pid: int) -> bool:
    """True when the process has exited (a zombie waiting for its reaper counts as exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def test_killed_ingest_with_worker_processes_leaves_no_worker_behind(
    site: Site, tmp_path: Path
) -> None:
    path = tmp_path / "messages.jsonl"
    lines = [site.sign(m, i, 10 * i + 1).to_json() for i in range(PER_METER) for m in METERS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = ingest_command(site, path, batch=BATCH, workers=2)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    batches = [json.loads(process.stdout.readline()) for _ in range(3)]  # three committed
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    workers = batches[0]["pids"]
    assert len(workers) == 2
    deadline = time.monotonic() + 10  # the workers' watchdog polls every 0.25 s
    while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in workers), "a checking worker outlived the killed ingest"

    stored = readings(site)
    assert stored % BATCH == 0 and 3 * BATCH <= stored < len(lines)
    with make_sessionmaker(site.engine)() as s:
        assert ledger.get_head(s, LOG).size == 4 + stored
        assert ledger.audit_log(s, LOG, site.log_key).ok

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout.splitlines()[-1])
    assert result["mode"] == "processes"
    assert (result["accepted"], result["duplicates"]) == (len(lines) - stored, stored)
    with make_sessionmaker(site.engine)() as s:
        assert readings(site) == len(lines)
        assert ledger.get_head(s, LOG).size == 4 + len(lines)
        assert ledger.audit_log(s, LOG, site.log_key).ok
