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
