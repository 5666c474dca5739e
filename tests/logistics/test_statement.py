"""Monthly customer statement: content of the report spec, HTML and XLSX."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from parkzero.logistics.pipeline import compute_footprints, read_table
from parkzero.reports.spec import KpiGrid, Table
from parkzero.reports.statement import statement_report, write_statement

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments"


@pytest.fixture(scope="module")
def footprints() -> pd.DataFrame:
    return compute_footprints(
        read_table(EXAMPLES / "shipments.csv"), read_table(EXAMPLES / "legs.csv")
    ).footprints


def test_statement_selects_customer_and_month(footprints: pd.DataFrame) -> None:
    report = statement_report(
        footprints, "C-ACME", "2024-03", lang="en", generated_at=datetime(2024, 4, 1, tzinfo=UTC)
    )
    kpis = next(b for _, b in report.blocks() if isinstance(b, KpiGrid))
    table = next(b for _, b in report.blocks() if isinstance(b, Table))
    assert [r[0] for r in table.rows] == ["S001", "S002"]  # S003 other customer, S004 April
    sel = footprints[footprints["shipment_id"].isin(["S001", "S002"])]
    assert kpis.tiles[0].value == 2
    assert kpis.tiles[1].value == pytest.approx(sel["tkm"].sum())
    assert kpis.tiles[2].value == pytest.approx(sel["wtw_kgco2e"].sum())
    assert kpis.tiles[3].value == pytest.approx(sel["wtw_kgco2e"].sum() / sel["tkm"].sum())
    assert "C-ACME" in report.title and "2024-03" in report.title


def test_statement_files(footprints: pd.DataFrame, tmp_path: Path) -> None:
    paths = write_statement(footprints, "C-ACME", "2024-03", tmp_path, lang="zh-CN")
    html = paths["html"].read_text(encoding="utf-8")
    assert "S001" in html and "S002" in html and "S004" not in html
    assert "对账单" in html
    wb = load_workbook(paths["xlsx"])
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "S001" in values and "S002" in values


def test_empty_month_has_note(footprints: pd.DataFrame) -> None:
    report = statement_report(footprints, "C-ACME", "2023-01", lang="en")
    assert not any(isinstance(b, Table) for _, b in report.blocks())


def test_statement_shows_ttw_where_known(tmp_path: Path) -> None:
    shipments = pd.DataFrame(
        {"shipment_id": ["A", "B"], "customer_id": ["C1", "C1"],
         "ship_date": ["2024-05-01", "2024-05-02"], "mass_t": ["2", "6"]}
    )  # fmt: skip
    legs = pd.DataFrame(
        {"shipment_id": ["A", "B"], "leg_no": ["1", "1"], "mode": ["road", "road"],
         "vehicle_class": ["uk-rigid-17t+-diesel", "cn-heavy-diesel"],
         "distance_km": ["100", "100"]}
    )  # fmt: skip
    fp = compute_footprints(shipments, legs).footprints
    report = statement_report(fp, "C1", "2024-05", lang="en")
    table = next(b for _, b in report.blocks() if isinstance(b, Table))
    names = [c.header for c in table.columns]
    ttw = {r[0]: r[names.index("Transport TTW")] for r in table.rows}
    # DEFRA rigid >17 t: 0.18142 kgCO2e/(t·km) TTW at DEFRA's average load; CPCD: no TTW.
    assert ttw["A"] == pytest.approx(200 * 0.18142, rel=1e-12)
    assert ttw["B"] is None
    paths = write_statement(fp, "C1", "2024-05", tmp_path, lang="en")
    assert "Transport TTW" in paths["html"].read_text(encoding="utf-8")
