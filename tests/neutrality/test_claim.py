"""The claim: validity tracking, statements in both languages, drafts, JSON shape."""

from __future__ import annotations

import datetime as dt

import pytest

from parkzero.neutrality import build_claim, validity_status
from parkzero.neutrality.models import ClaimSettings, CreditBatch

from .conftest import PARK_ID, PARK_NAME, Retire, make_inventory

DECLARED = dt.date(2025, 4, 15)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (dt.date(2025, 4, 14), "not_yet_valid"),
        (dt.date(2025, 4, 15), "valid"),
        (dt.date(2026, 1, 14), "valid"),  # 90 days after today are still valid
        (dt.date(2026, 1, 15), "expiring"),  # 89
        (dt.date(2026, 4, 14), "expiring"),  # the last valid day
        (dt.date(2026, 4, 15), "expired"),  # 12 months after the declaration
    ],
)
def test_a_claim_is_valid_for_12_months(today: dt.date, status: str) -> None:
    assert validity_status(DECLARED, today) == status


def test_validity_settings_are_used() -> None:
    assert validity_status(DECLARED, dt.date(2025, 10, 15), months=6) == "expired"
    assert validity_status(DECLARED, dt.date(2026, 3, 1), expiring_days=30) == "valid"


@pytest.fixture
def claim(batches: dict[str, CreditBatch], retire: Retire):  # type: ignore[no-untyped-def]
    retirements = [
        retire("VCS-1529-2021", 0, 9999),
        retire("CCER-ARR-2022", 0, 2999),
        retire("CCER-OWF-2023", 0, 699),
    ]
    return build_claim(
        make_inventory(2024, scale=0.9),
        ClaimSettings(reduction_plan="CMP-2024", verifier="Example Verifier"),
        batches=batches,
        retirements=retirements,
        previous=make_inventory(2023, base_total=None),
        first_period=2023,
        declared_on=DECLARED,
    )


def test_claim_qualifies_and_tracks_its_validity(claim) -> None:  # type: ignore[no-untyped-def]
    assert claim.qualifies
    assert claim.valid_until == dt.date(2026, 4, 14)
    assert claim.retired_tco2e == 13700
    assert claim.footprint.total == pytest.approx(0.9 * 13700)
    assert claim.removal_share == pytest.approx(3000 / 13700)
    assert claim.is_valid(dt.date(2025, 6, 1))
    assert claim.validity(dt.date(2026, 2, 1)) == "expiring"
    assert not claim.is_valid(dt.date(2026, 4, 15))


def test_statements_in_both_languages(claim) -> None:  # type: ignore[no-untyped-def]
    zh, en = claim.statement("zh-CN"), claim.statement("en")
    assert zh.startswith(f"{PARK_NAME}（{PARK_ID}）声明")
    assert "2024年1月1日至2024年12月31日" in zh and "碳中和" in zh
    assert "12,330.0 tCO₂e" in zh and "13,700 tCO₂e" in zh
    assert "有效期至 2026-04-14" in zh and "Example Verifier" in zh
    assert "1 January 2024 to 31 December 2024" in en
    assert "ISO 14068-1:2023 and PAS 2060:2014" in en
    assert "-10.0% against 2023" in en
    assert "valid until 2026-04-14" in en
    assert "DRAFT" not in en


def test_a_claim_that_fails_a_check_is_a_draft(
    batches: dict[str, CreditBatch], retire: Retire
) -> None:
    claim = build_claim(
        make_inventory(),
        ClaimSettings(),
        batches=batches,
        retirements=[retire("VCS-1529-2021", 0, 999)],
        declared_on=DECLARED,
    )
    assert not claim.qualifies
    assert not claim.is_valid(dt.date(2025, 5, 1))
    assert claim.statement_en.startswith("[DRAFT — checks failed (offset_quantity)")
    assert claim.statement_zh.startswith("【草案")


def test_claim_json_shape(claim) -> None:  # type: ignore[no-untyped-def]
    data = claim.to_dict(dt.date(2025, 6, 1))
    assert {
        "park",
        "park_name",
        "period",
        "claim_type",
        "qualifies",
        "validity",
        "declared_on",
        "valid_until",
        "emissions",
        "footprint_tco2e",
        "reductions",
        "retired_tco2e",
        "removal_share",
        "credits",
        "checks",
        "statement",
        "settings",
    } <= data.keys()
    assert data["period"] == {"year": 2024, "start": "2024-01-01", "end": "2024-12-31"}
    assert data["validity"] == "valid"
    serials = {c["batch_id"]: c["serials"] for c in data["credits"]}
    assert serials["VCS-1529-2021"] == (
        "9012-70153245-70163244-VCS-VCU-263-VER-CN-1-1529-01012021-31122021-0"
    )
    assert {c["id"] for c in data["checks"]} >= {"coverage", "no_double_retirement"}
    assert set(data["statement"]) == {"zh-CN", "en"}
