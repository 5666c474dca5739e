"""A simulated metering gateway: device keys, a meter registry and signed readings.

Writes into ``--out`` (default ``out/gateway``):

* ``keys/<meter>.key`` (mode 0600) and ``keys/<meter>.pub``: one Ed25519 key pair per device;
* ``meters.yaml``: the registry for ``parkzero monitor meters`` (public keys only);
* ``readings.csv``: signed 15-minute readings for ``parkzero monitor ingest``, with
  ``--forge`` tampered and ``--duplicate`` repeated rows mixed in;

and with ``--publish HOST:PORT`` publishes the same readings to MQTT on
``parkzero/<park>/<meter>/reading`` for ``parkzero monitor mqtt``. Run from the repository
root, e.g. for the demo park::

    .venv/bin/python examples/monitoring/gateway.py --park demo-wuhan --days 2 --forge 3 --duplicate 5
    .venv/bin/parkzero monitor meters out/gateway/meters.yaml --park demo-wuhan
    .venv/bin/parkzero monitor ingest out/gateway/readings.csv --park demo-wuhan
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import json
import math
import random
from pathlib import Path

import yaml

from parkzero.ledger.note import generate_key, load_signer, write_key_files
from parkzero.monitoring.mqtt import parse_broker, publish_readings, topic_for
from parkzero.monitoring.readings import SignedReading, sign_reading

# (id, kind, mode, zone, parent, mean power or flow per 15 min)
METERS = [
    ("E-MAIN", "electricity", "cumulative", None, None, 560.0),
    ("E-SORT", "electricity", "cumulative", "sorting", "E-MAIN", 380.0),
    ("E-COLD", "electricity", "interval", "cold-store", "E-MAIN", 160.0),
    ("W-1", "water", "cumulative", None, None, 2.9),
]


def device_key(folder: Path, meter: str):
    path = folder / f"{meter}.key"
    if not path.exists():
        skey, vkey = generate_key(meter)
        write_key_files(skey, vkey, path)
    return load_signer(path)._private  # the raw key signs readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--park", default="demo-wuhan")
    parser.add_argument("--out", type=Path, default=Path("out/gateway"))
    parser.add_argument("--start", default="2024-03-01T00:00:00+00:00")
    parser.add_argument("--days", type=float, default=1.0)
    parser.add_argument("--forge", type=int, default=0, help="tampered readings to add")
    parser.add_argument("--duplicate", type=int, default=0, help="repeated readings to add")
    parser.add_argument("--publish", default=None, help="MQTT broker HOST:PORT")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    keys_dir = args.out / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True)
    keys = {m[0]: device_key(keys_dir, m[0]) for m in METERS}
    registry = []
    for meter, kind, mode, zone, parent, _ in METERS:
        entry = {
            "id": meter,
            "kind": kind,
            "mode": mode,
            "public_key": base64.b64encode(keys[meter].public_key().public_bytes_raw()).decode(),
        }
        if zone:
            entry["zone"] = zone
        if parent:
            entry["parent"] = parent
        registry.append(entry)
    (args.out / "meters.yaml").write_text(
        yaml.safe_dump({"meters": registry}, sort_keys=False), encoding="utf-8"
    )

    start = dt.datetime.fromisoformat(args.start)
    steps = int(args.days * 96)
    readings: list[SignedReading] = []
    state = args.out / "registers.json"  # register values go on from the previous run
    registers = {m[0]: 1000.0 for m in METERS}
    if state.exists():
        registers.update(json.loads(state.read_text(encoding="utf-8")))
    for i in range(steps):
        ts = start + i * dt.timedelta(minutes=15)
        daily = 0.75 + 0.25 * math.sin(2 * math.pi * (ts.hour + 8) / 24)  # local working day
        for meter, _kind, mode, _zone, _parent, mean in METERS:
            amount = round(mean * daily * rng.uniform(0.95, 1.05), 3)
            registers[meter] += amount
            value = registers[meter] if mode == "cumulative" else amount
            unit = "m**3" if meter.startswith("W") else "kWh"
            readings.append(sign_reading(keys[meter], args.park, meter, ts, f"{value:.3f}", unit))
    state.write_text(json.dumps(registers, indent=1), encoding="utf-8")
    out = list(readings)
    for r in rng.sample(readings, min(args.forge, len(readings))):
        out.append(
            SignedReading(r.park, r.meter, r.ts, f"{float(r.value) * 0.5:.3f}", r.unit, r.sig)
        )
    out += rng.sample(readings, min(args.duplicate, len(readings)))
    with (args.out / "readings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["meter", "ts", "value", "unit", "sig"])
        for r in out:
            writer.writerow([r.meter, r.ts, r.value, r.unit, json.loads(r.to_json())["sig"]])
    print(
        f"{len(METERS)} meters, {len(readings):,} readings (+{args.forge} forged, "
        f"+{args.duplicate} duplicated) → {args.out}"
    )
    if args.publish:
        host, port = parse_broker(args.publish)
        n = publish_readings(host, port, [(topic_for(r.park, r.meter), r.to_json()) for r in out])
        print(f"published {n:,} messages to {host}:{port}")


if __name__ == "__main__":
    main()
