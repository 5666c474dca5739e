"""``parkzero energy``: rooftop PV yield and day-ahead forecasts (sizing and dispatch live elsewhere).

Commands
--------
``parkzero energy pv SITE.yaml [--year Y] [--freq 1h|15min] [--kwp KW] [--out CSV] [--json]``
    A year of AC output per roof section on pvlib; annual and monthly energy, specific yield.
``parkzero energy forecast HISTORY.csv [--target load|pv] [--site SITE.yaml] [--days N] [--json]``
    Rolling-origin backtest of the gradient-boosting day-ahead forecast against seasonal naive,
    and the forecast for the day after the history.

With ``--json`` each prints one JSON object on stdout (keys in docs/energy.md). Bad input exits
with code 2 and a message naming the file, row or field.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError

__all__ = ["app"]

app = typer.Typer(
    help="Green energy (绿色能源): rooftop PV, loads, forecasts, sizing and dispatch.",
    no_args_is_help=True,
)

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _write_csv(path: Path, frame_rows: list[list[str]], header: list[str]) -> None:
    """Write atomically: a temporary file renamed into place."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ConfigError(f"folder {directory} does not exist", column="--out")
    fd, tmp = tempfile.mkstemp(prefix=".energy-", suffix=".csv", dir=directory)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(frame_rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command("pv")
@handle_errors
def pv_command(
    site_file: Annotated[Path, typer.Argument(help="SITE.yaml: location, roof sections, ...")],
    year: Annotated[int, typer.Option("--year", help="Calendar year (365 days).")] = 2024,
    freq: Annotated[str, typer.Option("--freq", help="Time step: 1h or 15min.")] = "1h",
    kwp: Annotated[
        float | None,
        typer.Option("--kwp", help="Installed DC capacity [kWp]; default: all the roof holds."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the AC power per step to this CSV [kW].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """A year of rooftop PV output (pvlib, PVWatts method)."""
    from parkzero.energy import pv  # pvlib loads in ~1 s: only when the command runs

    site = pv.load_site(site_file)
    if year < 1900 or year > 2200:
        raise ConfigError(f"year {year} is out of range (1900-2200)", column="--year")
    with console.status("Simulating PV ...") if not as_json else _null():
        summary = pv.summary(site, year, freq, kwp)
        if out is not None:
            frame = pv.production(site, year, freq, kwp)
            names = list(frame.columns)
            rows = [
                [ts.isoformat(), *(f"{v:.3f}" for v in vals)]
                for ts, vals in zip(frame.index, frame.to_numpy(), strict=True)
            ]
            _write_csv(out, rows, ["timestamp", *(f"{n}_kw" for n in names)])
            summary["out"] = str(out)
    if as_json:
        print_json(summary)
        return
    title = summary["name"] or site_file.name
    console.print(
        f"[bold]{title}[/]: {summary['kwp']:,.0f} kWp DC (roof holds {summary['max_kwp']:,.0f}), "
        f"{summary['ac_kw']:,.0f} kW AC, {summary['year']} at {summary['freq']}",
        highlight=False,
    )
    console.print(
        f"Annual AC energy [bold]{summary['annual_kwh'] / 1000:,.1f} MWh[/]  ·  specific yield "
        f"{summary['specific_yield_kwh_per_kwp']:,.0f} kWh/kWp  ·  capacity factor "
        f"{100 * summary['capacity_factor']:.1f} %  ·  peak {summary['peak_kw']:,.0f} kW",
        highlight=False,
    )
    months = Table(show_header=True, header_style="bold", box=None)
    for m in _MONTHS:
        months.add_column(m, justify="right")
    months.add_row(*(f"{v / 1000:,.0f}" for v in summary["monthly_kwh"]))
    console.print("Monthly AC energy [MWh]:")
    console.print(months)
    sections = Table("section", "kWp", "MWh/yr", "kWh/kWp", header_style="bold", box=None)
    for s in summary["sections"]:
        sections.add_row(
            s["name"],
            f"{s['kwp']:,.0f}",
            f"{s['annual_kwh'] / 1000:,.1f}",
            f"{s['specific_yield_kwh_per_kwp']:,.0f}",
        )
    console.print(sections)
    console.print(
        f"Weather: {summary['weather']}; system losses {summary['losses_pct']:.2f} %",
        style="dim",
        highlight=False,
    )
    if out is not None:
        console.print(f"Wrote {out}", style="dim", highlight=False)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


@app.command("forecast")
@handle_errors
def forecast_command(
    history_file: Annotated[
        Path, typer.Argument(help="HISTORY.csv: timestamp, kwh (or pv_kwh), temp_c, ghi_wm2 ...")
    ],
    target: Annotated[str, typer.Option("--target", help="What to forecast: load or pv.")] = "load",
    site_file: Annotated[
        Path | None,
        typer.Option("--site", help="SITE.yaml whose location gives the clear-sky feature."),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option("--days", help="Backtest only the last N days (default: all after 6 weeks)."),
    ] = None,
    retrain_days: Annotated[
        int, typer.Option("--retrain-days", help="Days between retrainings in the backtest.")
    ] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Day-ahead forecast: backtest against seasonal naive, then forecast the next day."""
    if target not in ("load", "pv"):
        raise ConfigError(f'"{target}" is not load or pv', column="--target")
    if retrain_days < 1:
        raise ConfigError("must be at least 1", column="--retrain-days")
    if days is not None and days < 1:
        raise ConfigError("must be at least 1", column="--days")
    from parkzero.energy import forecast as fc  # scikit-learn: only when the command runs
    from parkzero.energy import pv

    params = fc.ForecastParams(retrain_days=retrain_days)
    if site_file is not None:
        loc = pv.load_site(site_file).location
        params = fc.ForecastParams(
            retrain_days=retrain_days,
            latitude=loc.latitude,
            longitude=loc.longitude,
            altitude_m=loc.altitude_m,
        )
    history = fc.read_history(history_file, "pv" if target == "pv" else "load")
    with console.status("Backtesting ...") if not as_json else _null():
        result = fc.backtest(history, params, days=days)
        nxt = fc.day_ahead(history, params)
    out = result.as_dict()
    out["source"] = history.source
    out["filled_hours"] = history.filled_hours
    out["next_day"] = {
        "start": nxt.index[0].isoformat(),
        "kw": [round(float(v), 3) for v in nxt.to_numpy()],
        "kwh": float(nxt.sum()),
    }
    if as_json:
        print_json(out)
        return
    name = "Load" if target == "load" else "PV"
    console.print(
        f"[bold]{name} day-ahead forecast[/] from {history.source}: backtest over "
        f"{result.days} days ({out['first'][:10]} to {out['last'][:10]}), retrained "
        f"{result.origins} times",
        highlight=False,
    )
    table = Table("", "MAE kW", "RMSE kW", "nMAE %", "MAPE %", header_style="bold", box=None)
    mape_key = "mape_pct" if target == "load" else "mape_daylight_pct"
    for label, m in (("gradient boosting", result.metrics), ("seasonal naive", result.naive)):
        table.add_row(
            label,
            f"{m['mae_kw']:,.1f}",
            f"{m['rmse_kw']:,.1f}",
            f"{m['nmae_pct']:.2f}",
            f"{m[mape_key]:.2f}",
        )
    console.print(table)
    naive = "same hour last week" if target == "load" else "same hour yesterday"
    console.print(
        f"Skill vs seasonal naive ({naive}): [bold]{100 * result.skill:.1f} %[/] lower MAE",
        highlight=False,
    )
    if target == "pv":
        console.print("PV MAPE counts only hours above 10 % of capacity.", style="dim")
    console.print(
        f"Next day from {out['next_day']['start'][:16]}: {out['next_day']['kwh'] / 1000:,.1f} MWh, "
        f"peak {max(out['next_day']['kw']):,.0f} kW",
        highlight=False,
    )
