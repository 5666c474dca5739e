"""Credits files (YAML and CSV), the batch model, and the demo park's credits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parkzero.errors import InputError
from parkzero.neutrality import holdings, plan_retirements, read_credits_file, split_batch
from parkzero.neutrality.models import ClaimSettings, CreditBatch, add_months

from .conftest import BATCHES

ROOT = Path(__file__).resolve().parents[2]
DEMO_CREDITS = ROOT / "examples" / "demo-park" / "credits.yaml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_quantity_must_match_the_serials() -> None:
    with pytest.raises(ValueError, match="does not match the serials"):
        CreditBatch.model_validate({**BATCHES[0], "quantity_tco2e": 9999})
    batch = CreditBatch.model_validate(BATCHES[0])
    assert batch.quantity == 10000 and batch.registry == "Verra Registry"


def test_yaml_errors_name_the_item_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        "batches:\n"
        "  - {id: A, standard: VCS, project_id: 1, project_type: hydro, category: avoidance,\n"
        "     vintage: 2021, serials: 9012-1-10-VCS-VCU-1}\n"
        "  - {id: B, standard: GS, project_id: 2, project_type: hydro, category: avoided,\n"
        "     vintage: 2021, serials: GS1-1-CN-GS1-1-2021-1-1-10}\n",
    )
    with pytest.raises(InputError) as info:
        read_credits_file(path)
    message = str(info.value)
    assert 'field "batches[1].category"' in message or 'column "batches[1].category"' in message
    assert "avoided" in message and "Nothing was imported" in message


def test_unknown_sections_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match='unknown section "batch"'):
        read_credits_file(write(tmp_path / "a.yaml", "batch: []\n"))
    item = (
        "  - {id: A, standard: GS, project_id: 2, project_type: hydro, category: avoidance,"
        " vintage: 2021, serials: GS1-1-CN-GS1-1-2021-1-%s}\n"
    )
    text = "batches:\n" + item % "1-10" + item % "11-20"
    with pytest.raises(InputError, match='batch id "A" is used twice'):
        read_credits_file(write(tmp_path / "b.yaml", text))


def test_csv_batches_and_row_numbers(tmp_path: Path) -> None:
    header = "id,standard,project_id,project_type,category,vintage,serials,quantity_tco2e\n"
    good = "G1,GS,GS7338,biogas,avoidance,2022,GS1-1-CN-GS7338-16-2022-1-1-2000,2000\n"
    path = write(tmp_path / "c.csv", header + good)
    credits = read_credits_file(path)
    assert [b.quantity for b in credits.batches] == [2000]
    bad = good.replace("G1", "G2").replace("2000\n", "1999\n").replace("-1-1-", "-2-1-")
    with pytest.raises(InputError) as info:
        read_credits_file(write(tmp_path / "d.csv", header + good + bad))
    assert "row 3" in str(info.value) and "does not match the serials" in str(info.value)


def test_demo_credits_cover_the_demo_footprint() -> None:
    credits = read_credits_file(DEMO_CREDITS)
    assert credits.park == "demo-wuhan"
    assert {b.standard for b in credits.batches} == {"CCER", "CDM", "VCS", "GS"}
    settings = ClaimSettings.model_validate(credits.claim)
    held = holdings(list(credits.batches), [])
    eligible = sum(h.remaining_tco2e for h in held if 2019 <= h.batch.vintage <= 2024)
    assert eligible == 25500  # the 2024 footprint is ~23,400 tCO2e
    plan = plan_retirements(
        held, 23370, settings, park_id="demo-wuhan", year=2024, retired_on=dt.date(2025, 3, 31)
    )
    assert plan.complete and plan.planned_tco2e == 23370
    assert "CDM-2316-2015" in plan.skipped  # vintage 2015 is too old for 2024
    assert plan.retirements[0].batch_id == "VCS-2470-2020"  # oldest eligible vintage first


def test_split_batch_and_holdings(retire) -> None:  # type: ignore[no-untyped-def]
    batch = CreditBatch.model_validate(BATCHES[2])  # CCER removal, 3,000
    part, rest = split_batch(batch, 1200)
    assert (part.quantity, rest.quantity if rest else 0) == (1200, 1800)
    assert part.serials.endswith("00000001 – CCER-CN-14-000011-2022-00001200")
    held = holdings([batch], [retire("CCER-ARR-2022", 100, 199)])
    assert held[0].retired_tco2e == 100 and held[0].remaining_tco2e == 2900
    assert [(r.start, r.end) for r in held[0].remaining] == [(1, 100), (201, 3000)]


def test_plan_respects_the_ccer_cap_and_net_zero(batches) -> None:  # type: ignore[no-untyped-def]
    held = holdings(list(batches.values()), [])
    capped = plan_retirements(
        held,
        12000,
        ClaimSettings(compliance_obligation_tco2e=20000),  # CCER at most 1,000
        park_id="p",
        year=2024,
        retired_on=dt.date(2025, 1, 31),
    )
    ccer = sum(
        batches[r.batch_id].block.sub(*_bounds(batches, r)).quantity
        for r in capped.retirements
        if batches[r.batch_id].standard == "CCER"
    )
    assert ccer == 1000 and capped.shortfall_tco2e == 1000
    net_zero = plan_retirements(
        held,
        5000,
        ClaimSettings(type="net_zero"),
        park_id="p",
        year=2024,
        retired_on=dt.date(2025, 1, 31),
    )
    assert {r.batch_id for r in net_zero.retirements} == {"CCER-ARR-2022"}
    assert net_zero.shortfall_tco2e == 2000


def _bounds(batches, r):  # type: ignore[no-untyped-def]
    block = r.block(batches[r.batch_id])
    return block.start, block.end


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


def test_public_names_resolve() -> None:
    import importlib

    names = ("", ".checks", ".claim", ".holdings", ".io", ".models", ".registry", ".service")
    for suffix in (*names, ".tables"):
        module = importlib.import_module(f"parkzero.neutrality{suffix}")
        assert len(module.__all__) == len(set(module.__all__)), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
