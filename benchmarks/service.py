"""Load test of the HTTP service on loopback: uvicorn + PostgreSQL, big-screen data endpoints.

Loads the demo park into a fresh PostgreSQL schema (``PARKZERO_BENCH_POSTGRES_URL``, default the
local server), starts ``parkzero.api`` under uvicorn in a child process, and drives it with an
httpx async client (``--concurrency`` connections, default 8, for ``--seconds`` per endpoint) as a signed-in
manager. Prints requests/s, p50 and p99 per endpoint, and the ratio to ``/api/health`` (the
framework's own ceiling on this machine, measured in the same run). Target (issue 10): the
big-screen endpoints sustain ≥ 300 requests/s with p99 < 200 ms.

    .venv/bin/python benchmarks/service.py [--seconds 8] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get(
    "PARKZERO_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SERVER = """
import sys, uvicorn
from parkzero.api.app import create_app
from parkzero.api.settings import ApiSettings
app = create_app(ApiSettings.from_env())
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(
    base: str, path: str, headers: dict[str, str], seconds: float, concurrency: int
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                r = await client.get(path)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    from parkzero.cli.serve import load_demo

    schema = f"pz_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG).update_query_dict({"options": f"-csearch_path={schema}"})
    db_url = url.render_as_string(hide_password=False)
    server = None
    try:
        park, users = load_demo(db_url, ROOT / "examples" / "demo-park" / "park.yaml")
        port = _free_port()
        env = os.environ | {
            "PARKZERO_DATABASE_URL": db_url,
            "PARKZERO_SECRET_KEY": secrets.token_urlsafe(48),
            "PARKZERO_LOGIN_LIMIT": "1000",
        }
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        r = httpx.post(
            f"{base}/api/auth/token",
            json={"username": "demo-manager", "password": users["demo-manager"][1]},
        )
        r.raise_for_status()
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        paths = ["/api/health", f"/api/parks/{park}/inventory/summary"]
        have = httpx.get(f"{base}/openapi.json").json()["paths"]
        paths += [p for p in ("/api/screen", "/api/screen/kpis") if p in have]
        for p in paths:  # warm the caches
            httpx.get(base + p, headers=headers, timeout=60).raise_for_status()
        print(
            f"uvicorn (1 worker) + PostgreSQL, {args.concurrency} connections, "
            f"{args.seconds:g} s per endpoint"
        )
        print(f"{'endpoint':44} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'errors':>7} {'vs health':>9}")  # fmt: skip
        ceiling = None
        ok = True
        for p in paths:
            n, lat, errors = asyncio.run(_load(base, p, headers, args.seconds, args.concurrency))
            rate = n / args.seconds
            q = statistics.quantiles(lat, n=100)
            p50, p99 = q[49] * 1000, q[98] * 1000
            ceiling = ceiling or rate
            print(f"{p:44} {n:9,d} {rate:8,.0f} {p50:8.1f} {p99:8.1f} {errors:7d} "
                  f"{rate / ceiling:9.2f}")  # fmt: skip
            if p != "/api/health" and (rate < 300 or p99 >= 200 or errors):
                ok = False
        print("target ≥ 300 req/s and p99 < 200 ms:", "met" if ok else "NOT met")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
