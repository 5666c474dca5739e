"""``parkzero yard simulate`` and the dispatcher's booking commands.

Commands (registered on the ``yard`` group by :func:`register`)
---------------------------------------------------------------
``simulate SCENARIO.yaml [--seed N] [--seeds K] [--park PARK.yaml] [--json]``
    Simulate a yard day under each policy; mean and p95 waiting, turnaround, utilisation,
    idling diesel, warehouse electricity and tCO2e (via :mod:`parkzero.carbon`). With
    ``--seeds K`` the day is drawn K times (seeds N … N+K−1) and means get a 95 % confidence
    interval (Student t).
``configure YARD.yaml --park ID``
    Store the yard (docks, hours, carriers, rules) of a park in the database.
``slots --park ID --day DATE --direction D --pallets N [--cargo C] [--vehicle V]``
    Bookable start times of a visit.
``book --park ID --carrier C --day DATE --start HH:MM --plate P --direction D --pallets N``
    Book a slot; ``cancel BOOKING --park ID --carrier C``; ``bookings --park ID --carrier C``;
    ``checkin --park ID --plate P``.

The database is ``--db URL`` or ``PARKZERO_DATABASE_URL`` (default SQLite ``parkzero.db``).
With ``--json`` each prints one JSON object on stdout (keys in docs/yard-operations.md).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError

__all__ = ["register"]

_DB = typer.Option("--db", help="Database URL (default PARKZERO_DATABASE_URL or parkzero.db).")
_JSON = typer.Option("--json", help="Print one JSON object.")


def _ci95(values: list[float]) -> tuple[float, float, float]:
    """Mean and the 95 % confidence interval of the mean (Student t) [same unit]."""
    from scipy import stats

    arr = np.asarray(values, dtype=float)
    mean = float(arr.mean())
    if len(arr) < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.975, len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))
    return mean, mean - half, mean + half


def _day_co2e(park: Any, scenario: Any, fuel_l: float, kwh: float) -> float:
    """tCO2e of one day's idling diesel [L] and warehouse electricity [kWh] (park factors)."""
    from parkzero.carbon.abatement import emissions_of
    from parkzero.carbon.models import Activity

    day = dt.date(scenario.year, 1, 1)
    acts = [
        Activity("fuel.diesel.mobile", fuel_l, "L", day, day, quality="estimated"),
        Activity("electricity.grid", kwh, "kWh", day, day, quality="estimated"),
    ]
    return emissions_of(park, acts, scenario.year)[0]


def simulate_command(
    scenario_file: Annotated[Path, typer.Argument(help="SCENARIO.yaml (yard + scenario).")],
    seed: Annotated[int, typer.Option("--seed", help="First random seed.")] = 0,
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Days to draw (seeds).")] = 1,
    park_file: Annotated[
        Path | None, typer.Option("--park", help="Park YAML for the emission factors.")
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Simulate a yard day under each dock policy (SimPy) and compare them."""
    from parkzero.carbon.abatement import abatement
    from parkzero.carbon.park import load_park
    from parkzero.yard.simulation import lever_result, load_scenario, simulate

    scenario = load_scenario(scenario_file)
    park_path = park_file or scenario.park
    park = load_park(park_path) if park_path is not None else None
    runs: dict[str, list[Any]] = {p: [] for p in scenario.policies}
    for s in range(seed, seed + seeds):
        for name, res in simulate(scenario, s).items():
            runs[name].append(res)
    keys = (
        "mean_wait_min",
        "p95_wait_min",
        "mean_turnaround_min",
        "p95_turnaround_min",
        "dock_utilisation",
        "queue_mean",
        "queue_max",
        "idle_h",
        "idle_fuel_l",
        "operating_h",
        "warehouse_kwh",
        "served",
        "turned_away",
    )
    out: dict[str, Any] = {
        "scenario": scenario.name,
        "seeds": list(range(seed, seed + seeds)),
        "policies": {},
    }
    for name, results in runs.items():
        entry: dict[str, Any] = {k: float(np.mean([getattr(r, k) for r in results])) for k in keys}
        _, lo, hi = _ci95([r.mean_wait_min for r in results])
        entry["mean_wait_ci95_min"] = [lo, hi]
        entry["co2e_t"] = (
            _day_co2e(park, scenario, entry["idle_fuel_l"], entry["warehouse_kwh"])
            if park is not None
            else None
        )
        entry["solver_s"] = float(np.mean([r.solver_s for r in results]))
        if seeds == 1:
            entry["queue_profile"] = [list(p) for p in results[0].queue_profile]
        out["policies"][name] = entry
    base_name = scenario.policies[0]
    out["baseline"] = base_name
    for name in scenario.policies[1:]:
        entry = out["policies"][name]
        cuts = [
            1 - r.mean_wait_min / b.mean_wait_min if b.mean_wait_min > 0 else 0.0
            for r, b in zip(runs[name], runs[base_name], strict=True)
        ]
        m, lo, hi = _ci95(cuts)
        entry["wait_cut_vs_baseline"] = m
        entry["wait_cut_ci95"] = [lo, hi]
        if park is not None:
            lever = lever_result(scenario, runs[base_name], runs[name])
            ab = abatement(park, lever, scenario.year)
            entry["abatement_tco2e_per_year"] = ab.tco2e
            entry["lever"] = {
                "lever": lever.lever,
                "baseline": [[a.kind, a.quantity, a.unit] for a in lever.baseline],
                "scenario": [[a.kind, a.quantity, a.unit] for a in lever.scenario],
            }
    if as_json:
        print_json(out)
        return
    table = Table(title=f"Yard simulation: {scenario.name}, {seeds} day(s) from seed {seed}")
    for col in (
        "policy",
        "wait mean [min]",
        "95 % CI",
        "wait p95",
        "turnaround",
        "util.",
        "idle diesel [L/d]",
        "warehouse [kWh/d]",
        "tCO2e/d",
        "abated tCO2e/yr",
    ):
        table.add_column(col, justify="left" if col == "policy" else "right")
    for name, e in out["policies"].items():
        lo, hi = e["mean_wait_ci95_min"]
        co2 = "—" if e["co2e_t"] is None else f"{e['co2e_t']:.2f}"
        ab = e.get("abatement_tco2e_per_year")
        table.add_row(
            name,
            f"{e['mean_wait_min']:.1f}",
            f"{lo:.1f}–{hi:.1f}",
            f"{e['p95_wait_min']:.1f}",
            f"{e['mean_turnaround_min']:.1f}",
            f"{e['dock_utilisation']:.0%}",
            f"{e['idle_fuel_l']:,.0f}",
            f"{e['warehouse_kwh']:,.0f}",
            co2,
            "baseline" if name == base_name else ("—" if ab is None else f"{ab:,.0f}"),
        )
    console.print(table)
    for name in scenario.policies[1:]:
        e = out["policies"][name]
        lo, hi = e["wait_cut_ci95"]
        console.print(
            f"{name}: mean waiting −{e['wait_cut_vs_baseline']:.1%} vs {base_name} "
            f"(95 % CI {lo:.1%} … {hi:.1%})",
            highlight=False,
        )


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"{value!r} is not a date (expected YYYY-MM-DD)", column="--day"
        ) from None


def _minutes(value: str, option: str) -> int:
    from parkzero.yard.models import parse_time

    try:
        return parse_time(value, field=option)
    except ValueError as exc:
        raise ConfigError(str(exc), column=option) from None


def _show(views: list[Any], as_json: bool, key: str = "bookings") -> None:
    if as_json:
        print_json({key: [v.as_dict() for v in views]})
        return
    table = Table()
    for col in ("id", "day", "start", "end", "dock", "carrier", "plate", "status"):
        table.add_column(col)
    for v in views:
        d = v.as_dict()
        table.add_row(
            str(v.id), str(v.day), d["start"], d["end"], v.dock_id, v.carrier_id, v.plate, v.status
        )
    console.print(table)


def configure_command(
    yard_file: Annotated[Path, typer.Argument(help="YARD.yaml (or a scenario with a yard).")],
    park: Annotated[str, typer.Option("--park", help="Park id in the database.")],
    db: Annotated[str | None, _DB] = None,
) -> None:
    """Store the yard of a park (docks, hours, carriers, booking rules)."""
    from parkzero.store.session import session_scope
    from parkzero.yard.models import load_yard
    from parkzero.yard.service import save_yard

    yard = load_yard(yard_file)
    with session_scope(db) as session:
        save_yard(session, park, yard)
    console.print(f"Yard {yard.id} ({len(yard.docks)} docks) stored for park {park}.")


def slots_command(
    park: Annotated[str, typer.Option("--park")],
    day: Annotated[str, typer.Option("--day", help="YYYY-MM-DD (local).")],
    direction: Annotated[str, typer.Option("--direction", help="inbound or outbound.")],
    pallets: Annotated[int, typer.Option("--pallets")],
    cargo: Annotated[str, typer.Option("--cargo", help="dry, chilled or frozen.")] = "dry",
    vehicle: Annotated[str, typer.Option("--vehicle", help="trailer, rigid or van.")] = "trailer",
    db: Annotated[str | None, _DB] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Start times a visit can still be booked at."""
    from parkzero.store.session import session_scope
    from parkzero.yard.models import format_hhmm
    from parkzero.yard.service import slots

    with session_scope(db) as session:
        offers = slots(
            session,
            park,
            day=_day(day),
            direction=direction,
            cargo=cargo,
            pallets=pallets,
            vehicle=vehicle,
        )
    if as_json:
        print_json(
            {
                "slots": [
                    {
                        "start": format_hhmm(o.start_min),
                        "end": format_hhmm(o.end_min),
                        "start_min": o.start_min,
                        "docks_free": o.docks_free,
                        "dock": o.dock,
                    }
                    for o in offers
                ]
            }
        )
        return
    if not offers:
        console.print("No free slot for this visit on that day.")
        return
    console.print(
        ", ".join(f"{format_hhmm(o.start_min)} ({o.docks_free})" for o in offers), highlight=False
    )


def book_command(
    park: Annotated[str, typer.Option("--park")],
    carrier: Annotated[str, typer.Option("--carrier")],
    day: Annotated[str, typer.Option("--day", help="YYYY-MM-DD (local).")],
    start: Annotated[str, typer.Option("--start", help="HH:MM (local).")],
    plate: Annotated[str, typer.Option("--plate")],
    direction: Annotated[str, typer.Option("--direction")],
    pallets: Annotated[int, typer.Option("--pallets")],
    cargo: Annotated[str, typer.Option("--cargo")] = "dry",
    vehicle: Annotated[str, typer.Option("--vehicle")] = "trailer",
    db: Annotated[str | None, _DB] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Book a dock slot for a carrier's truck."""
    from parkzero.store.session import session_scope
    from parkzero.yard.service import book

    with session_scope(db) as session:
        view = book(
            session,
            park,
            carrier,
            day=_day(day),
            start_min=_minutes(start, "--start"),
            plate=plate,
            direction=direction,
            cargo=cargo,
            pallets=pallets,
            vehicle=vehicle,
        )
    if as_json:
        print_json(view.as_dict())
        return
    d = view.as_dict()
    console.print(
        f"Booking {view.id}: {view.day} {d['start']}–{d['end']} at dock {view.dock_id}"
        f" for {view.plate}.",
        highlight=False,
    )


def cancel_command(
    booking: Annotated[int, typer.Argument(help="Booking id.")],
    park: Annotated[str, typer.Option("--park")],
    carrier: Annotated[str, typer.Option("--carrier")],
    db: Annotated[str | None, _DB] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Cancel a booking (before the cancellation cut-off)."""
    from parkzero.store.session import session_scope
    from parkzero.yard.service import cancel

    with session_scope(db) as session:
        view = cancel(session, park, carrier, booking)
    if as_json:
        print_json(view.as_dict())
        return
    console.print(f"Booking {view.id} cancelled; its slot is free again.")


def bookings_command(
    park: Annotated[str, typer.Option("--park")],
    carrier: Annotated[str, typer.Option("--carrier")],
    day: Annotated[str | None, typer.Option("--day")] = None,
    db: Annotated[str | None, _DB] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """A carrier's own bookings."""
    from parkzero.store.session import session_scope
    from parkzero.yard.service import list_bookings

    with session_scope(db) as session:
        views = list_bookings(session, park, carrier, day=_day(day) if day else None)
    _show(views, as_json)


def checkin_command(
    park: Annotated[str, typer.Option("--park")],
    plate: Annotated[str, typer.Option("--plate")],
    db: Annotated[str | None, _DB] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Gate check-in of a truck against today's booking (late past grace → walk-in)."""
    from parkzero.store.session import session_scope
    from parkzero.yard.service import check_in

    with session_scope(db) as session:
        result = check_in(session, park, plate=plate)
    if as_json:
        print_json(
            {
                "status": result.status,
                "lateness_min": result.lateness_min,
                "booking": result.booking.as_dict(),
            }
        )
        return
    d = result.booking.as_dict()
    console.print(
        f"{result.booking.plate}: {result.status}, dock {result.booking.dock_id} at {d['start']}.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and the booking commands to the ``yard`` command group."""
    app.command("simulate")(handle_errors(simulate_command))
    app.command("configure")(handle_errors(configure_command))
    app.command("slots")(handle_errors(slots_command))
    app.command("book")(handle_errors(book_command))
    app.command("cancel")(handle_errors(cancel_command))
    app.command("bookings")(handle_errors(bookings_command))
    app.command("checkin")(handle_errors(checkin_command))
