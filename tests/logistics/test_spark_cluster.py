"""The Spark engine against a real standalone cluster: a master and a worker started on this
machine (separate JVMs), the pipeline as the driver in client mode (``--master spark://…``).

It checks what local mode cannot: executors in their own processes read the inputs by path,
write a folder of part files, and the trips file is gathered on the driver.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")

from parkzero.logistics.pipeline import run_pipeline  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(path: Path, text: str, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not in {path.name} after {seconds} s: {path.read_text()}")


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = Path(pyspark.__file__).parent
    work = tmp_path_factory.mktemp("spark-cluster")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1"}
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    spark_class = str(home / "bin" / "spark-class")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with (work / "master.log").open("wb") as log:
            procs.append(
                subprocess.Popen(
                    [
                        spark_class,
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--webui-port",
                        str(_free_port()),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            )
        _wait_for(work / "master.log", "I have been elected leader", 120)
        with (work / "worker.log").open("wb") as log:
            procs.append(
                subprocess.Popen(
                    [
                        spark_class,
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        "127.0.0.1",
                        "--cores",
                        "1",
                        "--memory",
                        "1g",
                        "--work-dir",
                        str(work / "work"),
                        "--webui-port",
                        str(_free_port()),
                        url,
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            )
        _wait_for(work / "master.log", "Registering worker", 120)
        yield url
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_standalone_cluster_same_as_duckdb(master: str, tmp_path: Path) -> None:
    s, g, t = (EXAMPLES / f"{n}.csv" for n in ("shipments", "legs", "trips"))
    duck = run_pipeline(s, g, tmp_path / "duck.parquet", trips_path=t)
    # Inputs by URI and a folder of part files: the cluster's shape of output.
    out = tmp_path / "footprints"
    spk = run_pipeline(
        f"file://{s}",
        f"file://{g}",
        f"file://{out}",
        engine="spark",
        master=master,
        spark_conf={"spark.executor.memory": "512m", "spark.cores.max": "1"},
        trips_path=f"file://{t}",
    )
    assert spk["shipments"] == duck["shipments"] == 4
    assert spk["total_kgco2e"] == pytest.approx(duck["total_kgco2e"], rel=1e-9)
    a = pd.read_parquet(out).sort_values("shipment_id").reset_index(drop=True)
    b = pd.read_parquet(tmp_path / "duck.parquet")
    pd.testing.assert_series_equal(a["wtw_kgco2e"], b["wtw_kgco2e"], rtol=1e-9)
    assert list(a.columns) == list(b.columns)
    parts = [p.name for p in out.glob("*.parquet")]
    assert parts and all(name.startswith("part-") for name in parts)
