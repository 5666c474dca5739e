"""``parkzero hvac``: chiller-plant optimal loading and staging.

Commands
--------
``parkzero hvac ocl CASE.json --load RT [--allow-off] [--json]``
    Certified minimum plant power for one cooling load [RT], against equal loading.
``parkzero hvac schedule PLANT.yaml LOAD.csv [--json]``
    A load profile staged by dynamic programming against sequential staging; savings in kWh.

With ``--json`` each prints one JSON object on stdout (keys in docs/hvac.md). Bad input (a
missing file, a wrong field, a load above the plant capacity) exits with code 2.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import ConfigError, InfeasibleError
from parkzero.hvac.io import read_load, read_plant, read_plant_any
from parkzero.hvac.ocl import Loading, equal_loading, optimal_loading
from parkzero.hvac.staging import StagingComparison, StagingParams, compare_staging

__all__ = ["app"]

app = typer.Typer(
    help="Chiller plant (智慧节能): optimal chiller loading and staging.",
    no_args_is_help=True,
)


def _names(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _describe(best: Loading, ids: tuple[str, ...]) -> str:
    on = [i for i, flag in zip(ids, best.on, strict=True) if flag]
    off = [i for i, flag in zip(ids, best.on, strict=True) if not flag]
    plrs = " / ".join(f"{p:.3f}" for p, flag in zip(best.plr, best.on, strict=True) if flag)
    text = f"{_names(on)} on, PLR {plrs}" if on else "all chillers off"
    if off and on:
        text += f"; {_names(off)} off"
    return text


@app.command("ocl")
@handle_errors
def ocl_command(
    case: Annotated[Path, typer.Argument(help="CASE.json (literature OCL format) or PLANT.yaml.")],
    load: Annotated[float, typer.Option("--load", help="Cooling load [RT].")],
    allow_off: Annotated[
        bool,
        typer.Option("--allow-off", help="Chillers may be switched off (else all run)."),
    ] = False,
    case_name: Annotated[
        str | None, typer.Option("--case", help="Case key when CASE.json holds several.")
    ] = None,
    t_cw: Annotated[
        float | None,
        typer.Option("--t-cw", help="Condenser-water entering temperature for EIR curves [°C]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Certified minimum-power chiller loading for one cooling load."""
    plant = read_plant_any(case, case_name)
    try:
        best = optimal_loading(plant, load, allow_off=allow_off, t_cw_c=t_cw)
    except InfeasibleError as exc:
        raise ConfigError(str(exc), column="--load") from None
    equal = equal_loading(plant, load, t_cw_c=t_cw)
    saving = equal.power_kw - best.power_kw
    pct = 100.0 * saving / equal.power_kw if equal.power_kw > 0 else 0.0
    if as_json:
        out = best.as_dict(plant.ids)
        out.update(
            {
                "equal_loading_kw": equal.power_kw,
                "equal_loading_plr": list(equal.plr),
                "saving_kw": saving,
                "saving_pct": pct,
            }
        )
        print_json(out)
        return
    console.print(
        f"Optimal loading for {load:,.0f} RT: [bold]{best.power_kw:,.1f} kW[/] "
        f"({_describe(best, plant.ids)})",
        highlight=False,
    )
    console.print(
        f"Equal loading (all {plant.n} at one PLR): {equal.power_kw:,.1f} kW  →  saves "
        f"{saving:,.1f} kW ({pct:.1f} %)",
        highlight=False,
    )
    console.print(
        f"Certified: optimum ≥ {best.lower_bound_kw:,.4f} kW (gap {best.gap_kw:.2e} kW, "
        f"{best.subsets} on/off sets, {best.nodes} boxes)",
        style="dim",
        highlight=False,
    )


def _write_schedule(path: Path, cmp: StagingComparison) -> None:
    """Write the per-step schedule atomically (a temporary file renamed into place)."""
    ids = cmp.plant.ids
    prof = cmp.profile
    header = ["time", "load_rt", "baseline_kw", "optimised_kw"]
    header += [f"{i}_plr" for i in ids] + [f"{i}_baseline_plr" for i in ids]
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".hvac-", suffix=".csv", dir=directory)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for t in range(prof.steps):
                when = prof.start + dt.timedelta(hours=t * prof.step_h)
                writer.writerow(
                    [
                        when.isoformat(),
                        f"{prof.load_rt[t]:.4f}",
                        f"{cmp.baseline.power_kw[t]:.4f}",
                        f"{cmp.optimised.power_kw[t]:.4f}",
                        *(f"{v:.4f}" for v in cmp.optimised.plr[t]),
                        *(f"{v:.4f}" for v in cmp.baseline.plr[t]),
                    ]
                )
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command("schedule")
@handle_errors
def schedule_command(
    plant_file: Annotated[Path, typer.Argument(help="PLANT.yaml.")],
    load_file: Annotated[Path, typer.Argument(help="LOAD.csv: time,load_rt[,t_cw_c].")],
    penalty: Annotated[
        float | None,
        typer.Option("--penalty-kwh", help="Cost per chiller start or stop [kWh]."),
    ] = None,
    price: Annotated[
        float | None,
        typer.Option("--price", help="Electricity price for the cost saving [CNY/kWh]."),
    ] = None,
    schedule_csv: Annotated[
        Path | None, typer.Option("--schedule-csv", help="Write the per-step schedule here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Stage chillers over a load profile: dynamic programming vs. sequential staging."""
    plant = read_plant(plant_file)
    profile = read_load(load_file)
    if penalty is not None and penalty < 0:
        raise ConfigError("must be >= 0 [kWh]", column="--penalty-kwh")
    params = StagingParams(switch_penalty_kwh=penalty)
    try:
        if as_json:
            cmp = compare_staging(plant, profile, params)
        else:
            with console.status(f"Staging {profile.steps:,} steps of {plant.n} chillers…"):
                cmp = compare_staging(plant, profile, params)
    except InfeasibleError as exc:
        raise ConfigError(str(exc)) from None
    lever = cmp.lever_result(price_cny_per_kwh=price)
    if schedule_csv is not None:
        _write_schedule(schedule_csv, cmp)
    if as_json:
        out = cmp.as_dict()
        out["lever"] = dataclasses.asdict(lever)
        print_json(out)
        return
    table = Table(title=f"{plant.name}: {profile.steps:,} steps of {profile.step_h:g} h")
    table.add_column("")
    table.add_column("sequential, equal PLR", justify="right")
    table.add_column("optimised (DP)", justify="right")
    b, o = cmp.baseline, cmp.optimised
    rows = [
        ("electricity [kWh]", f"{b.energy_kwh:,.0f}", f"{o.energy_kwh:,.0f}"),
        ("starts", f"{b.starts:,}", f"{o.starts:,}"),
        ("peak [kW]", f"{b.summary()['peak_kw']:,.1f}", f"{o.summary()['peak_kw']:,.1f}"),
        ("false loading [RT·h]", f"{b.bypass_rth:,.1f}", f"{o.bypass_rth:,.1f}"),
    ]
    for label, base_v, opt_v in rows:
        table.add_row(escape(label), base_v, opt_v)
    console.print(table)
    console.print(
        f"Saving: [bold]{cmp.saving_kwh:,.0f} kWh ({cmp.saving_pct:.1f} %)[/] of grid "
        f"electricity over {profile.hours:,.0f} h",
        highlight=False,
    )
    factor = lever.metrics["annualise_factor"]
    note = f"scaled ×{factor:,.1f} to a year, estimated" if factor != 1.0 else "calculated"
    console.print(
        f"Lever {lever.lever}: {lever.metrics['saving_kwh']:,.0f} kWh/yr ({note})",
        highlight=False,
    )
    if schedule_csv is not None:
        console.print(f"Schedule written to {schedule_csv}", highlight=False)
