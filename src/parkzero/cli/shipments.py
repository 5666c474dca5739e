"""``parkzero shipments``: shipment footprints (ISO 14083 / GLEC) and customer statements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from parkzero.cli._common import console, handle_errors, print_json
from parkzero.errors import InputError

__all__ = ["app"]

app = typer.Typer(
    help="Shipment carbon footprints (ISO 14083 / GLEC v3) and monthly customer statements.",
    no_args_is_help=True,
)


def _arg(path: str) -> str | Path:
    # A URI (hdfs://…) stays text for the Spark engine; anything else is a local path.
    return path if "://" in path else Path(path)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


@app.command("footprint")
@handle_errors
def footprint(
    shipments: Annotated[
        str, typer.Argument(help="Shipments file (CSV or Parquet).", metavar="SHIPMENTS")
    ],
    legs: Annotated[str, typer.Option("--legs", help="Legs file (CSV or Parquet).")],
    out: Annotated[str, typer.Option("--out", help="Parquet output, one row per shipment.")],
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (default), pandas or spark.")
    ] = "duckdb",
    allocation: Annotated[
        str,
        typer.Option(
            "--allocation",
            help="Share of a trip's emissions: tkm (ISO 14083, default), mass or volume "
            "(GHG Protocol; volume needs the shipments' volume_m3).",
        ),
    ] = "tkm",
    year: Annotated[
        int | None, typer.Option(help="Factor year (default: year of the latest ship_date).")
    ] = None,
    master: Annotated[
        str,
        typer.Option(
            "--master",
            help="Spark master for --engine spark: local[*] (default), local[N], "
            "spark://host:7077, yarn, k8s://…; 'env' takes it from spark-submit.",
        ),
    ] = "local[*]",
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(
            "--spark-conf", help="Spark setting key=value for --engine spark (repeatable)."
        ),
    ] = None,
    trips: Annotated[
        str | None,
        typer.Option(
            "--trips",
            help="Fuel-based trips (CSV or Parquet): trip_id, carrier, quantity, unit "
            "[, region, reefer_uplift, refrigerant, refrigerant_kg]; these trips take the "
            "emissions of the energy they used.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compute every shipment's footprint and write them to OUT.parquet (all or nothing).

    With --engine spark, SHIPMENTS, --legs and --out may also be URIs (hdfs://, s3a://,
    file://), and an --out that does not end in .parquet is written as a folder of part files.
    """
    from parkzero.logistics.pipeline import run_pipeline
    from parkzero.logistics.spark import parse_conf

    conf = parse_conf(spark_conf or [])
    if engine != "spark" and (spark_conf or master != "local[*]"):
        raise InputError("--master and --spark-conf apply only to --engine spark", column="engine")
    summary = run_pipeline(
        _arg(shipments),
        _arg(legs),
        _arg(out),
        engine=engine,
        allocation=allocation,
        year=year,
        master=None if master == "env" else master,
        spark_conf=conf,
        trips_path=None if trips is None else _arg(trips),
    )
    if as_json:
        print_json(summary)
        return
    table = Table(show_header=True, header_style="bold")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("shipments", f"{summary['shipments']:,}")
    table.add_row("t·km", _fmt(summary["tkm"]))
    table.add_row("kgCO2e (WTW)", _fmt(summary["total_kgco2e"], 3))
    per = summary["kgco2e_per_tkm"]
    table.add_row("kgCO2e per t·km", "—" if per is None else f"{per:.5f}")
    console.print(
        f"[bold]Shipment footprints[/] (engine {summary['engine']}, "
        f"allocation {summary['allocation']})"
    )
    console.print(table)
    console.print(f"written: {escape(summary['out'])}", highlight=False)


@app.command("statement")
@handle_errors
def statement(
    customer: Annotated[str, typer.Option("--customer", help="Customer id.")],
    month: Annotated[str, typer.Option("--month", help="Month, YYYY-MM.")],
    footprints: Annotated[
        Path, typer.Option("--footprints", help="Parquet written by 'shipments footprint'.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("."),
    lang: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Write a customer's monthly footprint statement as HTML and XLSX."""
    import pandas as pd

    from parkzero.logistics.pipeline import summarize
    from parkzero.reports.statement import _select, write_statement

    if not footprints.is_file():
        raise InputError("file not found", source=str(footprints))
    try:
        frame = pd.read_parquet(footprints)
    except Exception as exc:
        raise InputError(f"cannot read Parquet: {exc}", source=str(footprints)) from None
    paths = write_statement(frame, customer, month, out, lang=lang)
    summary: dict[str, Any] = {
        "customer": customer,
        "month": month,
        **summarize(_select(frame, customer, month)),
        "html": str(paths["html"]),
        "xlsx": str(paths["xlsx"]),
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"[bold]{escape(customer)}[/] {month}: {summary['shipments']} shipment(s), "
        f"{_fmt(summary['tkm'])} t·km, {_fmt(summary['total_kgco2e'], 3)} kgCO2e",
        highlight=False,
    )
    console.print(f"written: {escape(str(paths['html']))}, {escape(str(paths['xlsx']))}")


@app.command("export")
@handle_errors
def export(
    shipments: Annotated[
        Path, typer.Argument(help="Shipments file (CSV or Parquet).", metavar="SHIPMENTS")
    ],
    legs: Annotated[Path, typer.Option("--legs", help="Legs file (CSV or Parquet).")],
    shipment: Annotated[
        list[str] | None, typer.Option("--shipment", help="Shipment id (repeatable).")
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Every shipment of this customer…")
    ] = None,
    month: Annotated[str | None, typer.Option("--month", help="…shipped in YYYY-MM.")] = None,
    allocation: Annotated[
        str, typer.Option("--allocation", help="tkm (default), mass or volume.")
    ] = "tkm",
    year: Annotated[
        int | None, typer.Option(help="Factor year (default: year of the latest ship_date).")
    ] = None,
    trips: Annotated[
        Path | None, typer.Option("--trips", help="Fuel-based trips (CSV or Parquet).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="JSON file (default: print to stdout).")
    ] = None,
) -> None:
    """Export shipment footprints in the iLEAP / PACT shape (JSON list, one per shipment).

    Each object holds the ShipmentFootprint with its transport chain elements (legs and hub
    operations, co2eWTW and, where the intensity splits it, co2eTTW [kgCO2e]) and the TOCs and
    HOCs they refer to. Select shipments with --shipment, or --customer with --month.
    """
    import json

    from parkzero.logistics.export import shipment_footprint_json
    from parkzero.logistics.pipeline import compute_footprints, read_table
    from parkzero.reports.statement import _select

    if bool(customer) != bool(month):
        raise InputError("--customer and --month go together", column="customer")
    if not shipment and not customer:
        raise InputError(
            "choose the shipments: --shipment ID (repeatable) or --customer ID --month YYYY-MM",
            column="shipment",
        )
    result = compute_footprints(
        read_table(shipments),
        read_table(legs),
        allocation=allocation,
        year=year,
        shipments_source=shipments.name,
        legs_source=legs.name,
        trips=None if trips is None else read_table(trips),
        trips_source="trips" if trips is None else trips.name,
    )
    ids = list(shipment or [])
    if customer:
        # The statement's selection: the customer's shipments of the month, by date.
        chosen = _select(result.footprints, customer, str(month))
        if chosen.empty:
            raise InputError(f"customer {customer} has no shipment in {month}", column="customer")
        ids += list(chosen["shipment_id"])
    documents = [shipment_footprint_json(result, sid) for sid in dict.fromkeys(ids)]
    text = json.dumps(documents, ensure_ascii=False, indent=2)
    if out is None:
        print(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    console.print(f"{len(documents)} shipment footprint(s) written: {escape(str(out))}")


@app.command("classes")
@handle_errors
def classes(
    region: Annotated[str | None, typer.Option(help="Only CN or UK classes.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List the road vehicle classes for the legs' vehicle_class column.

    lgv and hgv take the factor library's intensities; the cn-* classes (CPCD, by gross
    vehicle weight, energy and refrigeration) give well-to-wheel only; the uk-* classes
    (DEFRA 2021) give well-to-wheel and tank-to-wheel, and the uk-* HGVs accept the legs'
    load_factor and empty_running.
    """
    from parkzero.logistics.road import road_class_table

    table = road_class_table()
    if region:
        if region.upper() not in set(table["region"]):
            raise InputError(
                f"unknown region {region} (expected {', '.join(sorted(set(table['region'])))})",
                column="region",
            )
        table = table[table["region"] == region.upper()]
    columns = ["id", "region", "gvw_min_t", "gvw_max_t", "energy", "refrigerated",
               "wtw_per_tkm", "ttw_per_tkm", "laden_model"]  # fmt: skip
    rows = table[columns].astype(object).where(table[columns].notna(), None)
    if as_json:
        print_json(rows.to_dict("records"))
        return
    out = Table(show_header=True, header_style="bold", caption="WTW, TTW: kgCO2e per t·km")
    for c in ("class", "GVW t", "fuel", "WTW", "TTW", "LF/ER"):
        out.add_column(c, justify="right" if c in ("WTW", "TTW") else "left", min_width=len(c))
    for r in rows.to_dict("records"):
        band = f"{_fmt(r['gvw_min_t'], 1) if r['gvw_min_t'] is not None else ''}–" + (
            _fmt(r["gvw_max_t"], 1) if r["gvw_max_t"] is not None else ""
        )
        out.add_row(
            r["id"],
            band,
            r["energy"],
            f"{r['wtw_per_tkm']:.4f}",
            "—" if r["ttw_per_tkm"] is None else f"{r['ttw_per_tkm']:.4f}",
            "yes" if r["laden_model"] else "",
        )
    console.print(out)
    console.print(
        "Also lgv and hgv: the factor library's light / medium-heavy goods vehicle intensities "
        "(parkzero factors list).",
        highlight=False,
    )


@app.command("hub-intensity")
@handle_errors
def hub_intensity(
    park_file: Annotated[Path, typer.Argument(help="Park file (park.yaml).", metavar="PARK")],
    year: Annotated[int, typer.Option("--year", help="Inventory year.")],
    tonnes: Annotated[
        list[str] | None,
        typer.Option(
            "--tonnes",
            help="Tonnes handled by a zone in the year, ZONE=T (repeatable); without it, the "
            "whole park with the year's tonnes_handled driver.",
        ),
    ] = None,
    market: Annotated[
        bool, typer.Option("--market", help="Market-based scope 2 (instruments).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """The park's own hub intensity [kgCO2e/t], for hub_kgco2e_per_t in the shipments file.

    From the park's inventory, inside the boundary of a hub operation: scope 1 and 2, the
    upstream of the energy (3.3) and tenants' energy in leased space (3.13); transport and
    other scope 3 categories stay out, so legs and hub operations never count the same
    emissions twice.
    """
    from parkzero.carbon.inventory import compute_inventory, load_park_activities
    from parkzero.carbon.park import load_park
    from parkzero.logistics.hubs import HUB_CATEGORIES, hub_boundary_tco2e, measured_hub_intensity

    park = load_park(park_file)
    handled: dict[str, float] = {}
    for item in tonnes or []:
        zone, sep, value = item.partition("=")
        try:
            handled[zone.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not zone.strip():
            raise InputError(f"--tonnes {item!r} is not ZONE=T", column="tonnes")
    if not handled:
        drivers = park.drivers.get(year)
        if drivers is None or not drivers.tonnes_handled:
            raise InputError(
                f"park {park.id} has no tonnes_handled driver for {year}; give --tonnes ZONE=T",
                column="tonnes",
            )
        handled = {"*": float(drivers.tonnes_handled)}
    result = compute_inventory(park, load_park_activities(park), year)
    inside = hub_boundary_tco2e(result.line_table(), market=market)
    # "*" is the whole park; zones are asked for by name.
    by_zone = {k: v for k, v in inside.items() if (k == "*") == ("*" in handled)}
    measured = measured_hub_intensity({"by_zone": by_zone, "park": park.id}, handled)
    rows: list[dict[str, Any]] = [
        {
            "zone": "whole park" if zone == "*" else zone,
            "tco2e": inside[zone],
            "tonnes": handled[zone],
            "kgco2e_per_t": h.wtw_kgco2e_per_unit,
        }
        for zone, h in measured.items()
    ]
    if as_json:
        print_json(
            {
                "park": park.id,
                "year": year,
                "scope2": "market" if market else "location",
                "categories": list(HUB_CATEGORIES),
                "zones": rows,
            }
        )
        return
    table = Table(show_header=True, header_style="bold")
    for c in ("zone", "tCO2e", "t handled", "kgCO2e/t"):
        table.add_column(c, justify="left" if c == "zone" else "right")
    for r in rows:
        table.add_row(
            r["zone"], _fmt(r["tco2e"]), f"{r['tonnes']:,.0f}", f"{r['kgco2e_per_t']:.3f}"
        )
    console.print(f"[bold]{escape(park.name)}[/] {year}: hub-operation intensity")
    console.print(table)
