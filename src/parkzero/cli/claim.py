"""``parkzero claim PARK.yaml --period YEAR`` — check and document a carbon-neutrality claim.

Computes the park's inventory for the year (and the year before, for the reductions check),
imports a credits file into the store when one is given, optionally retires the credits the
claim still needs, runs the checks of :mod:`parkzero.neutrality.checks`, and writes the claim
document as HTML and PDF. Exit code 0 when the claim is valid (every check passes and the claim
is within its 12 months), 1 when a check fails or the claim has expired, 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from parkzero.carbon.inventory import compute_inventory, inventory_years, load_park_activities
from parkzero.carbon.park import load_park
from parkzero.cli._common import console, handle_errors, print_json
from parkzero.config import settings
from parkzero.errors import ConfigError, InputError
from parkzero.neutrality.claim import Claim, build_claim
from parkzero.neutrality.holdings import RetirementPlan, plan_retirements
from parkzero.neutrality.io import read_credits_file
from parkzero.neutrality.models import ClaimSettings, Retirement
from parkzero.neutrality.service import (
    CreditImport,
    first_claim_year,
    import_credits,
    list_holdings,
    load_batches,
    load_retirements,
    retire_credits,
    save_claim,
)
from parkzero.reports.claim import find_chromium, write_claim_documents
from parkzero.store.service import save_park
from parkzero.store.session import database_url, mask_url, require_current, session_scope

__all__ = ["claim", "parse_date"]

_MARK = {"pass": "[green]✔ pass[/]", "fail": "[red]✘ fail[/]", "info": "[dim]– n/a[/]"}


def parse_date(text: str | None, option: str) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) from an option, or None when not given.

    >>> parse_date("2025-03-31", "--retired-on")
    datetime.date(2025, 3, 31)
    """
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f'"{text}" is not a date (expected YYYY-MM-DD)', column=option) from None


def _settings(raw: dict[str, Any], overrides: dict[str, Any], source: str) -> ClaimSettings:
    data = {**raw, **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return ClaimSettings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(msg, source=source, column=f"claim.{field}") from None


def _print(claim: Claim, data: dict[str, Any], today: dt.date) -> None:
    start, end = claim.period
    console.print(
        f"[bold]{claim.park_name}[/] ({claim.park_id}) — "
        f"{'net-zero' if claim.settings.type == 'net_zero' else 'carbon-neutrality'} claim "
        f"{start} – {end}"
    )
    fp = claim.footprint
    console.print(
        f"Footprint {fp.total:,.1f} tCO2e (scope 1 {fp.scope1:,.1f} · scope 2 "
        f"{fp.scope2_method}-based {fp.scope2:,.1f} · scope 3 {fp.scope3:,.1f}); "
        f"credits retired {claim.retired_tco2e:,} tCO2e"
    )
    if data["imported"]:
        imp = data["imported"]
        console.print(
            f"Imported {imp['source']}: {len(imp['batches_added'])} new batches, "
            f"{len(imp['batches_unchanged'])} unchanged, {len(imp['retirements_added'])} "
            "recorded retirements."
        )
    for r in data["retired_now"]:
        console.print(
            f"Retired {r['quantity_tco2e']:,} of {r['batch_id']}: {r['serials']}", highlight=False
        )
    plan = data["plan"]
    if not data["retired_now"] and plan["planned_tco2e"]:
        verb = "Would retire" if not data["retire"] else "Did not retire"
        console.print(
            f"{verb} {plan['planned_tco2e']:,} tCO2e from {len(plan['retirements'])} ranges"
            + ("" if data["retire"] else " (pass --retire to retire them)")
        )
    if plan["shortfall_tco2e"]:
        console.print(
            f"[yellow]Eligible holdings are {plan['shortfall_tco2e']:,} tCO2e short[/]"
            + (f"; left out: {plan['skipped']}" if plan["skipped"] else "")
        )
    table = Table(show_header=True, header_style="bold")
    table.add_column("check")
    table.add_column("result")
    table.add_column("finding")
    for c in claim.checks:
        table.add_row(c.id, _MARK[c.status], c.message)
    console.print(table)
    for kind, path in data["files"].items():
        console.print(f"{kind.upper()}: {path}", highlight=False)
    validity = claim.validity(today)
    if claim.is_valid(today):
        console.print(
            f"[bold green]The claim is valid[/] ({validity}): declared {claim.declared_on}, "
            f"valid until {claim.valid_until}."
        )
    elif claim.qualifies:
        console.print(
            f"[bold red]The claim passes its checks but is {validity}[/] "
            f"(declared {claim.declared_on}, valid until {claim.valid_until})."
        )
    else:
        failed = ", ".join(c.id for c in claim.checks if not c.passed)
        console.print(f"[bold red]The claim does not qualify[/]: failed {failed}.")


def _imported(result: CreditImport | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "source": result.source,
        "batches_added": list(result.batches_added),
        "batches_unchanged": list(result.batches_unchanged),
        "retirements_added": list(result.retirements_added),
        "retirements_unchanged": result.retirements_unchanged,
    }


def _plan_dict(plan: RetirementPlan) -> dict[str, Any]:
    return {
        "needed_tco2e": plan.needed_tco2e,
        "planned_tco2e": plan.planned_tco2e,
        "shortfall_tco2e": plan.shortfall_tco2e,
        "skipped": plan.skipped,
        "retirements": [{"batch_id": r.batch_id, "serials": r.serials} for r in plan.retirements],
    }


def _retired(items: list[Retirement], batches: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "batch_id": r.batch_id,
            "serials": r.serials,
            "quantity_tco2e": r.block(batches[r.batch_id]).quantity,
            "retired_on": r.retired_on.isoformat(),
        }
        for r in items
    ]


@handle_errors
def claim(
    park_file: Annotated[
        Path, typer.Argument(help="Park description (YAML).", metavar="PARK.yaml")
    ],
    period: Annotated[int, typer.Option("--period", help="Claim year (calendar year).")],
    credits: Annotated[
        Path | None,
        typer.Option("--credits", help="Credits file (YAML or CSV) to import first."),
    ] = None,
    retire: Annotated[
        bool,
        typer.Option("--retire", help="Retire the credits the claim still needs (all or none)."),
    ] = False,
    retired_on: Annotated[
        str | None,
        typer.Option("--retired-on", help="Registry retirement date YYYY-MM-DD (default today)."),
    ] = None,
    declared_on: Annotated[
        str | None,
        typer.Option("--declared-on", help="Declaration date YYYY-MM-DD (default today)."),
    ] = None,
    claim_type: Annotated[
        str | None,
        typer.Option("--type", help="carbon_neutral or net_zero (default from the file)."),
    ] = None,
    obligation: Annotated[
        float | None,
        typer.Option(
            "--compliance-obligation",
            help="Compliance obligation [tCO2e] when the credits also serve ETS compliance.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the documents (default out/).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Document language: zh-CN or en.")] = "zh-CN",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check a carbon-neutrality claim (ISO 14068-1 / PAS 2060) and write it as HTML and PDF."""
    if lang not in ("zh-CN", "en"):
        raise ConfigError(f'unknown language "{lang}" (expected zh-CN or en)', column="--lang")
    today = dt.date.today()
    retire_day = parse_date(retired_on, "--retired-on") or today
    declared = parse_date(declared_on, "--declared-on")
    park = load_park(park_file)
    credits_file = read_credits_file(credits) if credits is not None else None
    overrides = {"type": claim_type, "compliance_obligation_tco2e": obligation}
    claim_settings = _settings(
        credits_file.claim if credits_file else {},
        overrides,
        str(credits) if credits else "options",
    )
    if pdf:
        find_chromium()  # fail before anything is computed or written
    activities = load_park_activities(park)
    years = inventory_years(activities)
    if period not in years:
        raise ConfigError(
            f"no activity data for {period} "
            f"(years with data: {', '.join(map(str, years)) or 'none'})",
            source=str(park_file),
            column="--period",
        )
    inventory = compute_inventory(park, activities, period).to_dict()
    previous = (
        compute_inventory(park, activities, period - 1, with_base_year=False).to_dict(
            include_lines=False
        )
        if period - 1 in years
        else None
    )
    url = database_url()
    imported: CreditImport | None = None
    retired_now: list[Retirement] = []
    with session_scope(url) as session:
        require_current(session)
        save_park(session, park)
        if credits_file is not None:
            if credits_file.park is not None and credits_file.park != park.id:
                raise InputError(
                    f'the credits file is for park "{credits_file.park}", not "{park.id}"',
                    source=str(credits),
                    column="park",
                )
            imported = import_credits(session, park.id, credits_file)
        batches = load_batches(session, park.id)
        retirements = load_retirements(session, park.id)
        first = claim_settings.first_period or first_claim_year(session, park.id) or period
        draft = build_claim(
            inventory,
            claim_settings,
            batches=batches,
            retirements=retirements,
            previous=previous,
            first_period=first,
            declared_on=declared,
        )
        need = draft.footprint.credits_needed - draft.retired_tco2e
        plan = plan_retirements(
            list_holdings(session, park.id),
            need,
            claim_settings,
            park_id=park.id,
            year=period,
            retired_on=retire_day,
            already=[r for r in retirements if r.beneficiary == park.id],
            batches=batches,
        )
        if plan.retirements:
            planned = build_claim(
                inventory,
                claim_settings,
                batches=batches,
                retirements=[*retirements, *plan.retirements],
                previous=previous,
                first_period=first,
                declared_on=declared,
            )
            if retire and plan.complete and planned.qualifies:
                retired_now = retire_credits(session, park.id, plan.retirements)
                retirements = load_retirements(session, park.id)
        notes = [f"Retired now: {r.serials} ({r.batch_id}), {r.retired_on}" for r in retired_now]
        result = build_claim(
            inventory,
            claim_settings,
            batches=batches,
            retirements=retirements,
            previous=previous,
            first_period=first,
            declared_on=declared,
            notes=notes,
        )
        if result.qualifies:
            save_claim(session, result)
    files = write_claim_documents(result, out or settings().out_dir, lang, pdf=pdf, today=today)
    data = result.to_dict(today)
    data.update(
        valid=result.is_valid(today),
        database=mask_url(url),
        imported=_imported(imported),
        retire=retire,
        retired_now=_retired(retired_now, batches),
        to_retire_tco2e=max(0, result.footprint.credits_needed - result.retired_tco2e),
        plan=_plan_dict(plan),
        files={k: str(v) for k, v in files.items()},
    )
    if as_json:
        print_json(data)
    else:
        _print(result, data, today)
    if not result.is_valid(today):
        raise typer.Exit(code=1)
