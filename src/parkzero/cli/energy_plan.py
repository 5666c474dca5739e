"""``parkzero energy size`` and ``parkzero energy dispatch``: sizing LP and microgrid dispatch.

Commands (registered on the ``energy`` group by :func:`register`)
-----------------------------------------------------------------
``parkzero energy size SCENARIO.yaml [--freq 1h|15min] [--integer-chargers] [--exact-export] [--save --park ID [--db URL]] [--json]``
    PV, battery and charger sizes from one LP over the scenario year; economics and CO2 avoided.
``parkzero energy dispatch SCENARIO.yaml --day YYYY-MM-DD [--horizon-h 24] [--rolling] [--replan-h 4] [--save --park ID [--db URL]] [--json]``
    The day's 15-minute MILP schedule with the scenario's fixed (or maximum) sizes.

With ``--save`` the result and the scenario (self-contained: every file it names inlined) are
stored for park ``--park`` in the database (``--db``, default ``PARKZERO_DATABASE_URL`` or
``parkzero.db``) through :mod:`parkzero.energy.service`; the big screen and the
``/api/parks/{park}/energy`` routes show them.

With ``--json`` each prints one JSON object on stdout (keys in docs/energy.md). Bad input exits
with code 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError, ParkzeroError

__all__ = ["dispatch_command", "register", "size_command"]

_SAVE = typer.Option("--save", help="Store the result for --park in the database.")
_PARK = typer.Option("--park", help="With --save: the park (id in the store).")
_DB = typer.Option("--db", help="Database URL (default PARKZERO_DATABASE_URL or parkzero.db).")


def _save_target(save: bool, park: str | None, db: str | None) -> str | None:
    """Check --save/--park before any solving; return the database URL to save to (or None)."""
    if park is not None and not save:
        raise ConfigError("--park is only used with --save", column="--park")
    if not save:
        return None
    if not park:
        raise ConfigError(
            "--save needs --park ID (the park to store the result for)", column="--park"
        )
    from parkzero.store import models as db_models
    from parkzero.store.session import database_url, session_scope, upgrade

    url = database_url(db)
    upgrade(url)
    with session_scope(url) as session:
        if session.get(db_models.Park, park) is None:
            raise ConfigError(
                f'there is no park "{park}" in the database (import it with parkzero db import)',
                column="--park",
            )
    return url


def _store(url: str, saver: Any, park: str, document: Any, payload: Any) -> int:
    from parkzero.store.session import session_scope

    with session_scope(url) as session:
        row = saver(session, park, document, payload)
        return int(row.id)


def _co2e(result: Any, scenario: Any) -> tuple[float | None, str | None]:
    from parkzero.energy.sizing import co2e_avoided_t

    if not scenario.region:
        return None, "no region: give the scenario a region for the grid emission factor"
    try:
        return co2e_avoided_t(result.lever, scenario.region, int(scenario.index[0].year)), None
    except ParkzeroError as exc:
        return None, str(exc)


@handle_errors
def size_command(
    scenario_file: Annotated[Path, typer.Argument(help="SCENARIO.yaml (docs/energy.md).")],
    freq: Annotated[
        str | None, typer.Option("--freq", help="1h or 15min (default: the file's).")
    ] = None,
    integer_chargers: Annotated[
        bool, typer.Option("--integer-chargers", help="Whole chargers (MILP).")
    ] = False,
    exact_export: Annotated[
        bool,
        typer.Option("--exact-export", help="Binaries where export pays more than import (MILP)."),
    ] = False,
    save: Annotated[bool, _SAVE] = False,
    park: Annotated[str | None, _PARK] = None,
    db: Annotated[str | None, _DB] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Size PV, battery and chargers for the lowest yearly cost (one HiGHS LP)."""
    from dataclasses import replace

    from parkzero.energy.models import SolverParams
    from parkzero.energy.scenario import load_scenario
    from parkzero.energy.sizing import size_system

    if freq is not None and freq not in {"1h", "15min"}:
        raise ConfigError(
            f"{freq!r} is not a supported step (expected 1h or 15min)", column="--freq"
        )
    url = _save_target(save, park, db)
    document: Any = None
    if url is not None:
        from parkzero.energy.service import scenario_document

        document, sc = scenario_document(scenario_file, freq=freq)
    else:
        sc = load_scenario(scenario_file, freq=freq)
    inp = sc.sizing_input()
    if integer_chargers and inp.chargers is not None:
        inp = replace(inp, chargers=replace(inp.chargers, integer=True))
    result = size_system(inp, SolverParams(exact_export=exact_export))
    co2e, note = _co2e(result, sc)
    out: dict[str, Any] = {
        "scenario": sc.name,
        "tariff": sc.tariff.id,
        "freq": "15min" if sc.step_h == 0.25 else "1h",
    }
    out.update(result.summary())
    out["co2e_avoided_t"] = None if co2e is None else round(co2e, 3)
    if note:
        out["co2e_note"] = note
    out["model"] = result.model_size
    if url is not None and park is not None:
        from parkzero.energy.service import save_sizing

        out["saved"] = {"park": park, "result_id": _store(url, save_sizing, park, document, out)}
    if as_json:
        print_json(out)
        return
    table = Table(
        title=f"{sc.name}: sizing ({out['freq']}, {out['steps']:,} steps, tariff {sc.tariff.id})"
    )
    table.add_column("item")
    table.add_column("value", justify="right")
    rows = [
        ("PV", f"{result.pv_kw:,.1f} kWp"),
        ("battery", f"{result.battery_kwh:,.1f} kWh / {result.battery_kw:,.1f} kW"),
        ("chargers", f"{result.chargers_installed} (LP {result.chargers:,.2f})"),
        ("capex", f"{result.capex_cny:,.0f} CNY"),
        ("bill before → after", f"{result.bill_bau_cny:,.0f} → {result.bill_cny:,.0f} CNY/yr"),
        (
            "yearly cost before → after",
            f"{result.annual_cost_bau_cny:,.0f} → {result.annual_cost_cny:,.0f} CNY/yr",
        ),
        ("NPV", f"{result.npv_cny:,.0f} CNY"),
        ("IRR", "-" if result.irr is None else f"{result.irr:.1%}"),
        ("payback", "-" if result.payback_years is None else f"{result.payback_years:.1f} yr"),
        ("self-consumption", f"{result.self_consumption:.1%}"),
        ("self-sufficiency", f"{result.self_sufficiency:.1%}"),
        (
            "grid import before → after",
            f"{result.grid_import_bau_kwh:,.0f} → {result.grid_import_kwh:,.0f} kWh/yr",
        ),
        ("CO2e avoided", "-" if co2e is None else f"{co2e:,.1f} tCO2e/yr"),
        ("solve", f"{result.solve_s:.2f} s"),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)
    if note:
        console.print(f"[yellow]CO2e not computed:[/] {note}")
    if "saved" in out:
        console.print(f"saved for park {park} (result {out['saved']['result_id']})")


def _day_position(index: Any, day: str) -> int:
    try:
        d = dt.date.fromisoformat(day)
    except ValueError:
        raise ConfigError(f"{day!r} is not a date (expected YYYY-MM-DD)", column="--day") from None
    local = index.tz_convert("Asia/Shanghai") if index.tz is not None else index
    hits = (local.date == d).nonzero()[0]
    if not len(hits):
        raise ConfigError(
            f"{day} is not in the scenario ({local[0].date()} to {local[-1].date()})",
            column="--day",
        )
    return int(hits[0])


@handle_errors
def dispatch_command(
    scenario_file: Annotated[Path, typer.Argument(help="SCENARIO.yaml (docs/energy.md).")],
    day: Annotated[str, typer.Option("--day", help="Day to schedule, YYYY-MM-DD.")],
    horizon_h: Annotated[
        float, typer.Option("--horizon-h", help="Look-ahead of each MILP [h].")
    ] = 24.0,
    rolling: Annotated[
        bool, typer.Option("--rolling", help="Re-plan every --replan-h hours.")
    ] = False,
    replan_h: Annotated[float, typer.Option("--replan-h", help="Re-planning interval [h].")] = 4.0,
    save: Annotated[bool, _SAVE] = False,
    park: Annotated[str | None, _PARK] = None,
    db: Annotated[str | None, _DB] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Schedule one day at 15-minute steps (MILP): battery, EVs, V2G, peak shaving, shedding."""
    from parkzero.energy.dispatch import dispatch_day_ahead, dispatch_rolling
    from parkzero.energy.scenario import load_scenario

    if horizon_h <= 0 or replan_h <= 0:
        raise ConfigError("must be positive", column="--horizon-h")
    url = _save_target(save, park, db)
    document: Any = None
    if url is not None:
        from parkzero.energy.service import scenario_document

        document, sc = scenario_document(scenario_file, freq="15min")
    else:
        sc = load_scenario(scenario_file, freq="15min")
    inp = sc.dispatch_input()
    start = _day_position(sc.index, day)
    steps = min(96, len(sc.index) - start)
    horizon = max(1, round(horizon_h * 4))
    if rolling:
        replan = max(1, min(round(replan_h * 4), horizon))
        res = dispatch_rolling(inp, start, steps, horizon_steps=horizon, replan_steps=replan)
    else:
        res = dispatch_day_ahead(inp, start, steps, horizon_steps=horizon)
    out: dict[str, Any] = {
        "scenario": sc.name,
        "day": day,
        "mode": "rolling" if rolling else "day-ahead",
        "horizon_h": horizon_h,
    }
    out.update(res.summary())
    if url is not None and park is not None:
        from parkzero.energy.service import dispatch_payload, installed_battery_kwh, save_dispatch

        payload = dispatch_payload(
            sc,
            res,
            day=dt.date.fromisoformat(day),
            mode=out["mode"],
            horizon_h=horizon_h,
            battery_kwh=installed_battery_kwh(inp),
        )
        out["saved"] = {
            "park": park,
            "result_id": _store(url, save_dispatch, park, document, payload),
        }
    if as_json:
        print_json(out)
        return
    s = res.summary()
    table = Table(title=f"{sc.name}: dispatch {day} ({out['mode']}, {s['solves']} MILP)")
    table.add_column("item")
    table.add_column("value", justify="right")
    for k, v in (
        ("grid import", f"{s['import_kwh']:,.1f} kWh (peak {s['peak_import_kw']:,.1f} kW)"),
        ("export", f"{s['export_kwh']:,.1f} kWh"),
        ("PV used", f"{s['pv_kwh']:,.1f} kWh (curtailed {s['curtailed_kwh']:,.1f})"),
        ("EV charging", f"{s['ev_kwh']:,.1f} kWh, V2G {s['v2g_kwh']:,.1f} kWh"),
        ("load shed", f"{s['shed_kwh']:,.1f} kWh"),
        (
            "cost",
            f"{s['cost_cny']['net']:,.2f} CNY (energy {s['cost_cny']['energy']:,.2f}, demand {s['cost_cny']['demand']:,.2f})",
        ),
        ("vehicles short", f"{s['vehicles_short']} of {s['vehicles']}"),
    ):
        table.add_row(k, v)
    console.print(table)
    for viol in res.violations:
        console.print(
            f"[yellow]not met:[/] {viol['kind']} at {viol['time']}: {viol['amount']} {viol['unit']}"
        )
    if "saved" in out:
        console.print(f"saved for park {park} (result {out['saved']['result_id']})")


def register(app: typer.Typer) -> None:
    """Add ``size`` and ``dispatch`` to the ``energy`` command group."""
    app.command("size")(size_command)
    app.command("dispatch")(dispatch_command)
