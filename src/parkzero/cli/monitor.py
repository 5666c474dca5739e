"""``parkzero monitor`` — meters, signed readings over CSV and MQTT, roll-ups and alerts.

Readings are checked against the device key of their meter, stored once per (meter,
timestamp) and logged in the ledger named by ``--log`` (default ``PARKZERO_LEDGER_ORIGIN``, else
``parkzero.local/ledger``). With ``--key`` (or ``PARKZERO_LEDGER_KEY``) a checkpoint is signed
after every batch. Bad input exits with code 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parkzero.carbon.activities import write_activities
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.cli.ledger import DEFAULT_LOG, JsonOption, KeyOption, LogOption
from parkzero.errors import ConfigError, InputError

__all__ = ["app", "pathway_budgets"]

app = typer.Typer(
    help="Monitoring: meter registry, signed readings (CSV, MQTT), roll-ups, alerts.",
    no_args_is_help=True,
)

ParkOption = Annotated[
    str, typer.Option("--park", help="Park id (as imported with `parkzero db import`).")
]


def _engine() -> Any:
    from parkzero.store.session import database_url, make_engine

    return make_engine(database_url())


def _signer(key: Path | None) -> Any:
    from parkzero.ledger.note import load_signer

    return None if key is None else load_signer(key)


def _require_current(engine: Any) -> None:
    from parkzero.store.session import make_sessionmaker, require_current

    with make_sessionmaker(engine)() as session:
        require_current(session)


def _summary(result: Any, what: str) -> None:
    table = Table(show_header=True, header_style="bold")
    table.add_column(what)
    table.add_column("count", justify="right")
    table.add_row("received", f"{result.received:,}")
    table.add_row("accepted (new, logged)", f"{result.accepted:,}")
    table.add_row("duplicates (already stored)", f"{result.duplicates:,}")
    for reason, n in sorted(result.rejected.items()):
        table.add_row(f"rejected: {reason}", f"{n:,}")
    console.print(table)
    if result.checkpoint_size is not None:
        console.print(
            f"Log size {result.log_size:,}; checkpoint signed at size {result.checkpoint_size:,}."
        )
    elif result.log_size:
        console.print(f"Log size {result.log_size:,} (no --key: no checkpoint signed).")


@app.command("meters")
@handle_errors
def meters_command(
    file: Annotated[
        Path, typer.Argument(help="Meter registry (YAML or CSV).", metavar="METERS.yaml")
    ],
    park: ParkOption,
    log: LogOption = DEFAULT_LOG,
    as_json: JsonOption = False,
) -> None:
    """Register or update a park's meters and their device keys (logged in the ledger)."""
    from parkzero.monitoring.registry import load_meters
    from parkzero.monitoring.service import register_meters
    from parkzero.store.session import database_url, require_current, session_scope

    specs = load_meters(file)
    with session_scope(database_url()) as session:
        require_current(session)
        result = register_meters(session, park, specs, log=log)
    if as_json:
        print_json({"park": park, "log": log, **result})
        return
    console.print(
        f"{park}: {len(result['added'])} meters added, {len(result['updated'])} updated, "
        f"{len(result['unchanged'])} unchanged."
    )


@app.command("keygen")
@handle_errors
def keygen_command(
    meter: Annotated[str, typer.Argument(help="Meter id: the key's name.")],
    out: Annotated[
        Path, typer.Option("--out", help="Private key file for the device (0600); .pub beside it.")
    ],
) -> None:
    """Create a device key pair (for a gateway or a test bench); register the .pub key."""
    from parkzero.ledger.note import generate_key, write_key_files

    skey, vkey = generate_key(meter)
    private, public = write_key_files(skey, vkey, out)
    console.print(f"Device key of {meter}: {private} (0600); public key {public}:\n{vkey}")


@app.command("ingest")
@handle_errors
def ingest_command(
    file: Annotated[Path, typer.Argument(help="Signed readings (CSV).", metavar="READINGS.csv")],
    park: ParkOption,
    log: LogOption = DEFAULT_LOG,
    key: KeyOption = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Readings per transaction.")
    ] = 5000,
    as_json: JsonOption = False,
) -> None:
    """Check and store signed readings from a CSV file; idempotent, so safe to run again."""
    from parkzero.monitoring.readings import read_readings_csv
    from parkzero.monitoring.service import ingest

    signer = _signer(key)
    engine = _engine()
    try:
        _require_current(engine)
        rows = read_readings_csv(file, park)
        if as_json or not sys.stderr.isatty():
            result = ingest(
                engine, park, rows, log=log, source="csv", signer=signer, batch_size=batch_size
            )
        else:
            # a progress bar refreshed from the batch callback only: a background refresh thread
            # would make ingest() fall back from worker processes to its slower thread mode
            from rich.progress import Progress, TextColumn

            column = TextColumn("ingesting… {task.completed:,.0f} readings")
            with Progress(column, console=console, auto_refresh=False, transient=True) as bar:
                task = bar.add_task("ingesting", total=None)

                def progress(r: Any) -> None:
                    bar.advance(task, r.received)
                    bar.refresh()

                result = ingest(
                    engine,
                    park,
                    rows,
                    log=log,
                    source="csv",
                    signer=signer,
                    batch_size=batch_size,
                    on_batch=progress,
                )
    finally:
        engine.dispose()
    if as_json:
        print_json({"park": park, "log": log, "file": str(file), **result.to_dict()})
        return
    _summary(result, str(file))


@app.command("mqtt")
@handle_errors
def mqtt_command(
    park: ParkOption,
    broker: Annotated[
        str, typer.Option("--broker", help="MQTT broker HOST:PORT.")
    ] = "127.0.0.1:1883",
    log: LogOption = DEFAULT_LOG,
    key: KeyOption = None,
    max_messages: Annotated[
        int | None, typer.Option("--max-messages", help="Stop after this many messages.")
    ] = None,
    idle_timeout: Annotated[
        float | None,
        typer.Option("--idle-timeout", help="Stop after this many seconds without messages."),
    ] = None,
    duration: Annotated[
        float | None, typer.Option("--duration", help="Stop after this many seconds.")
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Messages per transaction at most.")
    ] = 1000,
    as_json: JsonOption = False,
) -> None:
    """Subscribe to parkzero/<park>/+/reading and ingest signed readings until stopped."""
    from parkzero.monitoring.mqtt import MqttIngestor, parse_broker

    host, port = parse_broker(broker)
    engine = _engine()
    try:
        _require_current(engine)
        ingestor = MqttIngestor(
            engine, park, log, host, port, signer=_signer(key), batch_size=batch_size
        )
        if not as_json:
            console.print(
                f"Listening on {host}:{port} topic {ingestor.topic_filter} (Ctrl-C stops)."
            )
        try:
            result = ingestor.run(
                max_messages=max_messages, idle_timeout=idle_timeout, duration=duration
            )
        except KeyboardInterrupt:
            result = ingestor.result
    finally:
        engine.dispose()
    if as_json:
        print_json({"park": park, "log": log, "broker": f"{host}:{port}", **result.to_dict()})
        return
    _summary(result, "MQTT")


def _parse_time(text: str | None, what: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"{what} {text!r} is not a date or ISO time", column=what) from exc
    if value.tzinfo is None:
        from zoneinfo import ZoneInfo

        from parkzero.config import settings

        value = value.replace(tzinfo=ZoneInfo(settings().timezone))
    return value.astimezone(dt.UTC)


@app.command("rollup")
@handle_errors
def rollup_command(
    park: ParkOption,
    freq: Annotated[str, typer.Option("--freq", help="15min, hour, day or month.")] = "month",
    start: Annotated[
        str | None, typer.Option("--from", help="First time (local), e.g. 2024-03-01.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="End time (local, exclusive).")] = None,
    activities: Annotated[
        Path | None, typer.Option("--activities", help="Write monthly activity data (CSV) here.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Energy per meter and period; with --activities, activity data for the inventory."""
    from parkzero.config import settings
    from parkzero.monitoring.rollup import FREQUENCIES, rollup, to_activities
    from parkzero.monitoring.service import intervals_of
    from parkzero.store.session import database_url, require_current, session_scope

    if freq not in FREQUENCIES:
        raise ConfigError(
            f"--freq {freq!r}: expected one of {', '.join(FREQUENCIES)}", column="freq"
        )
    tz = settings().timezone
    with session_scope(database_url()) as session:
        require_current(session)
        meters, intervals = intervals_of(
            session, park, _parse_time(start, "from"), _parse_time(end, "to")
        )
    rolled = rollup(intervals, meters, freq, tz)
    acts = to_activities(rollup(intervals, meters, "month", tz)) if activities is not None else []
    if activities is not None:
        write_activities(acts, activities)
    shown = {
        "15min": "%Y-%m-%d %H:%M",
        "hour": "%Y-%m-%d %H:%M",
        "day": "%Y-%m-%d",
        "month": "%Y-%m",
    }
    rows = []
    r: Any
    for r in rolled.itertuples(index=False):
        zone = r.zone if isinstance(r.zone, str) else None
        rows.append(
            {
                "period": r.period.isoformat(),
                "period_shown": r.period.strftime(shown[freq]),
                "meter": str(r.meter_id),
                "kind": str(r.kind),
                "activity": str(r.activity),
                "unit": str(r.unit),
                "zone": zone,
                "quantity": float(r.quantity),
            }
        )
    if as_json:
        print_json(
            {"park": park, "freq": freq, "timezone": tz, "rows": rows, "activities": len(acts)}
        )
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("period", "meter", "activity", "quantity", "unit", "zone"):
        table.add_column(col, justify="right" if col == "quantity" else "left")
    for r in rows[-200:]:
        table.add_row(
            r["period_shown"],
            r["meter"],
            r["activity"],
            f"{r['quantity']:,.3f}",
            r["unit"],
            r["zone"] or "",
        )
    console.print(table)
    if activities is not None:
        console.print(f"{len(acts)} activity rows written to {activities}.")


def pathway_budgets(park_file: Path, method: str = "aca-1.5") -> dict[str, float]:
    """Yearly scope 1+2 budgets of the park's science-based target pathway [tCO2e]."""
    from parkzero.carbon.park import load_park
    from parkzero.cli.plan import default_spec, park_target

    target = park_target(load_park(park_file), default_spec(method))[0]
    return {str(year): float(v) for year, v in target.pathway_scope12.items()}


@app.command("alerts")
@handle_errors
def alerts_command(
    park: ParkOption,
    now: Annotated[
        str | None, typer.Option("--now", help="Check as of this time (default: now).")
    ] = None,
    budget: Annotated[
        Path | None,
        typer.Option(
            "--budget",
            help='Pathway budgets (YAML/JSON): {"2024": 12000} or {"2024-03": 950} \\[tCO2e].',
        ),
    ] = None,
    pathway_from: Annotated[
        Path | None,
        typer.Option(
            "--pathway-from",
            help="Park file (YAML): take the budgets from the scope 1+2 pathway of its "
            "science-based target (see `parkzero target`).",
            metavar="PARK.yaml",
        ),
    ] = None,
    method: Annotated[
        str, typer.Option(help="Target method for --pathway-from (as in `parkzero target`).")
    ] = "aca-1.5",
    as_json: JsonOption = False,
) -> None:
    """Run the alert rules (silence, resets, gaps, anomalies, balance, budget); store new alerts.

    The budget rule needs budgets: a file (--budget) or the park's target pathway (--pathway-from).
    """
    import yaml

    from parkzero.config import settings
    from parkzero.monitoring.service import check_park
    from parkzero.store.session import database_url, require_current, session_scope

    budgets = None
    if budget is not None:
        try:
            data = yaml.safe_load(budget.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(f"cannot read the budget file: {exc}", source=str(budget)) from exc
        if not isinstance(data, dict):
            raise InputError('expected a mapping such as {"2024": 12000}', source=str(budget))
        try:
            budgets = {str(k): float(v) for k, v in data.items()}
        except (TypeError, ValueError) as exc:
            raise InputError(f"budgets must be numbers [tCO2e]: {exc}", source=str(budget)) from exc
    if pathway_from is not None:
        if budgets is not None:
            raise InputError("give either --budget or --pathway-from, not both", column="--budget")
        budgets = pathway_budgets(pathway_from, method)
    when = _parse_time(now, "now") or dt.datetime.now(dt.UTC)
    with session_scope(database_url()) as session:
        require_current(session)
        raised = check_park(session, park, when, budgets=budgets, tz=settings().timezone)
    if as_json:
        print_json({"park": park, "now": when.isoformat(), "alerts": [a.to_dict() for a in raised]})
        return
    if not raised:
        console.print("No new alerts.")
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("kind", "severity", "subject", "message"):
        table.add_column(col)
    for a in raised:
        table.add_row(a.kind, a.severity, a.subject, a.message)
    console.print(table)
    console.print(json.dumps({a.kind: sum(1 for b in raised if b.kind == a.kind) for a in raised}))
