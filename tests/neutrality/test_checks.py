"""Every claim check: one case that fails and one that passes, with real numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from parkzero.neutrality.checks import (
    CHECK_IDS,
    check_ccer_cap,
    check_coverage,
    check_no_double_retirement,
    check_offset_quantity,
    check_reductions_first,
    check_removals,
    check_retirement_dates,
    check_vintage,
    footprint,
    run_checks,
)
from parkzero.neutrality.models import ClaimSettings, CreditBatch

from .conftest import Retire, make_inventory

Batches = dict[str, CreditBatch]


# -- the footprint ------------------------------------------------------------------------------


def test_footprint_uses_the_chosen_scope2_method() -> None:
    inv = make_inventory()
    market = footprint(inv, ClaimSettings())
    location = footprint(inv, ClaimSettings(scope2_method="location"))
    assert market.total == pytest.approx(2000 + 5000 + 6700)
    assert location.total == pytest.approx(2000 + 6000 + 6700)
    assert market.credits_needed == 13700
    assert market.sources["2.electricity"]["tco2e"] == pytest.approx(5000)
    assert market.sources["3.9"]["share"] == pytest.approx(3000 / 13700)


def test_excluding_a_scope3_source_lowers_the_footprint() -> None:
    fp = footprint(make_inventory(), ClaimSettings(excluded=("3.5", "travel.air")))
    assert fp.scope3_excluded == pytest.approx(200)
    assert fp.total == pytest.approx(13500)


# -- coverage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("excluded", "why"),
    [
        (("2.electricity",), "2.electricity is scope 1/2"),
        (("fuel.diesel.mobile",), "fuel.diesel.mobile is scope 1/2"),
        (("3.9",), r"3.9 is 21.9% of the total \(> 1%\)"),
    ],
)
def test_coverage_fails_for_scope12_or_material_scope3(excluded: tuple[str, ...], why: str) -> None:
    settings = ClaimSettings(excluded=excluded)
    result = check_coverage(footprint(make_inventory(), settings), settings)
    assert result.status == "fail"
    assert re.search(why, result.message), result.message
    assert "必须纳入" in result.message_zh or "不得排除" in result.message_zh


def test_coverage_passes_with_only_immaterial_scope3_left_out() -> None:
    # 3.5 is 80 / 13,700 = 0.58 %, travel.air 120 / 13,700 = 0.88 %: both under 1 %
    settings = ClaimSettings(excluded=("3.5", "travel.air"))
    result = check_coverage(footprint(make_inventory(), settings), settings)
    assert result.status == "pass"
    assert "2 immaterial scope 3 source(s) excluded (200.0 tCO2e)" in result.message
    assert result.source.startswith("PAS 2060:2014")


def test_coverage_threshold_is_configurable() -> None:
    settings = ClaimSettings(excluded=("3.9",), materiality=0.25)
    assert check_coverage(footprint(make_inventory(), settings), settings).status == "pass"


# -- reductions first ---------------------------------------------------------------------------


def test_reductions_fail_after_the_first_period_without_reduction_or_plan() -> None:
    current = make_inventory(2024, scale=1.05, base_total=14000.0)
    previous = make_inventory(2023, base_total=None)
    result = check_reductions_first(current, ClaimSettings(), first_period=2023, previous=previous)
    assert result.status == "fail"
    assert "no reduction" in result.message and "reduction_plan" in result.message


def test_reductions_pass_with_a_lower_footprint_than_last_period() -> None:
    current = make_inventory(2024, scale=0.9, base_total=None)
    previous = make_inventory(2023, base_total=None)
    result = check_reductions_first(current, ClaimSettings(), first_period=2023, previous=previous)
    assert result.status == "pass"
    assert "-10.0% against 2023" in result.message


def test_reductions_pass_against_the_adjusted_base_year() -> None:
    # total 14,700 vs base 14,000 + 1,000 structural change = 15,000 → -2.0 %
    current = make_inventory(2024, base_total=14000.0, recalculation=True)
    result = check_reductions_first(current, ClaimSettings(), first_period=2022)
    assert result.status == "pass"
    assert "-2.0% against base year 2022" in result.message


def test_reductions_pass_with_a_referenced_plan_and_in_the_first_period() -> None:
    current = make_inventory(2024, scale=1.05, base_total=None)
    planned = check_reductions_first(
        current, ClaimSettings(reduction_plan="CMP-2024"), first_period=2023
    )
    assert planned.status == "pass" and "CMP-2024" in planned.message
    first = check_reductions_first(current, ClaimSettings(), first_period=2024)
    assert first.status == "info" and first.passed


# -- offset quantity ----------------------------------------------------------------------------


def test_offset_quantity_fails_one_credit_short(batches: Batches, retire: Retire) -> None:
    fp = footprint(make_inventory(), ClaimSettings())  # 13,700 credits needed
    short = [retire("VCS-1529-2021", 0, 9999), retire("CCER-OWF-2023", 0, 3698)]
    result = check_offset_quantity(fp, short, batches)
    assert result.status == "fail"
    assert "retire 1 more" in result.message


def test_offset_quantity_passes_when_covered(batches: Batches, retire: Retire) -> None:
    fp = footprint(make_inventory(), ClaimSettings())
    enough = [retire("VCS-1529-2021", 0, 9999), retire("CCER-OWF-2023", 0, 3699)]
    assert check_offset_quantity(fp, enough, batches).status == "pass"


# -- no double retirement -----------------------------------------------------------------------


def test_a_serial_retired_twice_fails(batches: Batches, retire: Retire) -> None:
    first = retire("VCS-1529-2021", 0, 999, id=1)
    again = retire("VCS-1529-2021", 990, 1499, beneficiary="other-park", id=2)
    result = check_no_double_retirement([first, again], batches)
    assert result.status == "fail"
    assert "10 serials 9012-70154235-70154244-VCS-VCU" in result.message
    assert "#1" in result.message and "#2" in result.message


def test_retirements_outside_their_batch_fail(batches: Batches, retire: Retire) -> None:
    r = retire("VCS-1529-2021", 0, 9)
    outside = r.model_copy(
        update={"serials": "9012-1-10-VCS-VCU-263-VER-CN-1-1529-01012021-31122021-0"}
    )
    result = check_no_double_retirement([outside], batches)
    assert result.status == "fail" and "is not in batch VCS-1529-2021" in result.message


def test_adjacent_retirements_pass(batches: Batches, retire: Retire) -> None:
    parts = [retire("VCS-1529-2021", 0, 999), retire("VCS-1529-2021", 1000, 1999)]
    assert check_no_double_retirement(parts, batches).status == "pass"


# -- vintage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("batch_id", "why"),
    [
        ("CDM-2316-2015", "vintage 2015 is older than 2019"),
        ("GS-7338-2025", "vintage 2025 is after the period 2024"),
    ],
)
def test_vintage_fails_too_old_or_after_the_period(
    batches: Batches, retire: Retire, batch_id: str, why: str
) -> None:
    result = check_vintage([retire(batch_id, 0, 9)], batches, year=2024, max_age=5)
    assert result.status == "fail"
    assert why in result.message


def test_vintage_passes_within_the_window_and_the_age_is_configurable(
    batches: Batches, retire: Retire
) -> None:
    ok = [retire("VCS-1529-2021", 0, 9), retire("CCER-OWF-2023", 0, 9)]
    assert check_vintage(ok, batches, year=2024, max_age=5).status == "pass"
    assert check_vintage(ok, batches, year=2024, max_age=2).status == "fail"
    old = [retire("CDM-2316-2015", 0, 9)]
    assert check_vintage(old, batches, year=2024, max_age=10).status == "pass"


# -- retirement date ----------------------------------------------------------------------------


def test_retirement_more_than_12_months_after_the_period_fails(retire: Retire) -> None:
    late = retire("VCS-1529-2021", 0, 9, retired_on=dt.date(2026, 1, 1))
    result = check_retirement_dates([late], period_end=dt.date(2024, 12, 31))
    assert result.status == "fail"
    assert "2025-12-31" in result.message


def test_retirement_on_the_last_allowed_day_passes(retire: Retire) -> None:
    on_time = retire("VCS-1529-2021", 0, 9, retired_on=dt.date(2025, 12, 31))
    result = check_retirement_dates([on_time], period_end=dt.date(2024, 12, 31))
    assert result.status == "pass"


# -- CCER cap -----------------------------------------------------------------------------------


def test_ccer_above_5_percent_of_a_compliance_obligation_fails(
    batches: Batches, retire: Retire
) -> None:
    settings = ClaimSettings(compliance_obligation_tco2e=10000)  # cap 500 t
    result = check_ccer_cap([retire("CCER-OWF-2023", 0, 500)], batches, settings)
    assert result.status == "fail"
    assert "CCER 501 tCO2e exceed 5%" in result.message
    assert result.details["cap_tco2e"] == pytest.approx(500)


def test_ccer_at_the_cap_passes_and_the_cap_needs_an_obligation(
    batches: Batches, retire: Retire
) -> None:
    settings = ClaimSettings(compliance_obligation_tco2e=10000)
    assert check_ccer_cap([retire("CCER-OWF-2023", 0, 499)], batches, settings).status == "pass"
    voluntary = check_ccer_cap([retire("CCER-OWF-2023", 0, 4999)], batches, ClaimSettings())
    assert voluntary.status == "info" and voluntary.passed


# -- removals -----------------------------------------------------------------------------------


def test_net_zero_with_avoidance_credits_fails(batches: Batches, retire: Retire) -> None:
    mixed = [retire("CCER-ARR-2022", 0, 999), retire("VCS-1529-2021", 0, 999)]
    result = check_removals(mixed, batches, ClaimSettings(type="net_zero"))
    assert result.status == "fail"
    assert "removals are 50%" in result.message


def test_net_zero_with_removals_passes(batches: Batches, retire: Retire) -> None:
    removals = [retire("CCER-ARR-2022", 0, 999)]
    assert check_removals(removals, batches, ClaimSettings(type="net_zero")).status == "pass"
    half = ClaimSettings(type="net_zero", min_removal_share=0.5)
    mixed = [retire("CCER-ARR-2022", 0, 999), retire("VCS-1529-2021", 0, 999)]
    assert check_removals(mixed, batches, half).status == "pass"
    neutral = check_removals(mixed, batches, ClaimSettings())
    assert neutral.status == "info" and "50%" in neutral.message


# -- all together -------------------------------------------------------------------------------


def test_run_checks_looks_at_this_park_and_year_only(batches: Batches, retire: Retire) -> None:
    mine = [retire("VCS-1529-2021", 0, 9999), retire("CCER-OWF-2023", 0, 3699)]
    others = [
        retire("CCER-OWF-2023", 3700, 4999, beneficiary="other-park"),
        retire("CDM-2316-2015", 0, 99, year=2023),  # an old claim: not this one's vintage
    ]
    results = run_checks(
        make_inventory(), ClaimSettings(), batches=batches, retirements=[*mine, *others]
    )
    assert [r.id for r in results] == list(CHECK_IDS)
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    offset = next(r for r in results if r.id == "offset_quantity")
    assert offset.details["retired_tco2e"] == 13700
    double = next(r for r in results if r.id == "no_double_retirement")
    assert double.details["retirements"] == 4
