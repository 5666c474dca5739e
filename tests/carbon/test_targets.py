"""Science-based targets: exact pathway arithmetic, the SBTi criteria, intensity, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parkzero.carbon.targets import (
    SectorPathway,
    TargetSpec,
    contraction,
    default_target_year,
    progress,
    read_sector_pathway,
    sda_pathway,
    set_target,
)
from parkzero.errors import ConfigError, InputError


def summary(
    year: int,
    s1: float,
    s2: float,
    s3: dict[str, float] | None = None,
    s2_market: float | None = None,
    by_month: dict[str, float] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    s3 = s3 or {}
    s2m = s2 if s2_market is None else s2_market
    total = s1 + s2 + sum(s3.values())
    return {
        "year": year,
        "scope1_tco2e": s1,
        "scope2_location_tco2e": s2,
        "scope2_market_tco2e": s2m,
        "scope3_tco2e": sum(s3.values()),
        "total_tco2e": total,
        "by_category": {"1.mobile": s1, "2.electricity": s2, **s3},
        "by_month": by_month or {f"{year}-{m:02d}": total / 12 for m in range(1, 13)},
        **extra,
    }


BASE = {2022: summary(2022, 4_000.0, 6_000.0)}


# -- acceptance: the pathway arithmetic is exact ----------------------------------------------


def test_contraction_is_exact_for_the_issue_numbers() -> None:
    assert contraction(10_000, 2022, 2030, "aca-1.5") == 6640.0
    assert contraction(10_000, 2022, 2030, "aca-wb2c") == 8000.0
    assert contraction(10_000, 2022, 2030, 0.042) == 6640.0
    assert contraction(10_000, 2022, 2060, 0.042) == 0.0  # never negative


@pytest.mark.parametrize(("method", "expected"), [("aca-1.5", 6640.0), ("aca-wb2c", 8000.0)])
def test_target_pathway_base_2022_10000(method: str, expected: float) -> None:
    target = set_target(
        BASE, TargetSpec(method=method, target_year=2030, submission_year=2023), base_year=2022
    )
    assert target.base_tco2e == 10_000.0
    assert target.allowed(2030) == expected  # exact, not approx
    assert target.allowed(2022) == 10_000.0
    rate = 0.042 if method == "aca-1.5" else 0.025
    assert target.allowed(2026) == pytest.approx(10_000 * (1 - 4 * rate), abs=1e-9)
    # long term: −90 % by 2050: the lower of the contraction line carried on and the straight
    # line from the near-term target to the residual; flat after
    assert target.allowed(2050) == pytest.approx(1_000.0)
    carried_on, straight = 10_000 * (1 - 18 * rate), expected + (1_000 - expected) * 10 / 20
    assert target.allowed(2040) == pytest.approx(min(carried_on, straight))
    assert target.allowed(2040) == pytest.approx(2_440.0 if method == "aca-1.5" else 4_500.0)
    assert target.allowed(2045) == pytest.approx(1_000.0 if method == "aca-1.5" else 2_750.0)
    assert target.allowed(2060) == pytest.approx(1_000.0)
    assert not target.has_scope3


def test_a_steeper_rate_is_accepted_and_used() -> None:
    target = set_target(
        BASE, TargetSpec(annual_rate=0.05, target_year=2030, submission_year=2023), base_year=2022
    )
    assert target.allowed(2030) == 6000.0


def test_location_and_market_based_bases_differ() -> None:
    data = {2022: summary(2022, 4_000.0, 6_000.0, s2_market=5_000.0)}
    market = set_target(data, TargetSpec(submission_year=2023), base_year=2022)
    location = set_target(data, TargetSpec(scope2="location", submission_year=2023), base_year=2022)
    assert market.base_tco2e == 9_000.0 and location.base_tco2e == 10_000.0


def test_default_target_year_is_in_the_near_term_window() -> None:
    assert default_target_year(2025) == 2030
    target = set_target(BASE, TargetSpec(), base_year=2022)  # submission 2023 → 2030
    assert (target.submission_year, target.target_year) == (2023, 2030)


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        (TargetSpec(annual_rate=0.03, submission_year=2023), "annual_rate", "below the 1.5 °C"),
        (
            TargetSpec(method="aca-wb2c", annual_rate=0.02, submission_year=2023),
            "annual_rate",
            "below the well-below 2 °C",
        ),
        (TargetSpec(target_year=2040, submission_year=2023), "target_year", "out of range"),
        (TargetSpec(target_year=2026, submission_year=2023), "target_year", "2028–2033"),
        (TargetSpec(scope12_coverage=0.9, submission_year=2023), "scope12_coverage", "too low"),
        (TargetSpec(method="aca-3", submission_year=2023), "method", "unknown target method"),
        (TargetSpec(long_term_reduction=0.8, submission_year=2023), "long_term_reduction", "below"),
        (TargetSpec(net_zero_year=2055, submission_year=2023), "net_zero_year", "2050"),
        (TargetSpec(scope2="residual", submission_year=2023), "scope2", "market or location"),
    ],
)
def test_bad_targets_name_the_field(spec: TargetSpec, field: str, words: str) -> None:
    with pytest.raises(ConfigError) as exc:
        set_target(BASE, spec, base_year=2022)
    assert exc.value.column == field
    assert words in str(exc.value)
    assert f'field "{field}"' in str(exc.value)


def test_base_year_rules() -> None:
    with pytest.raises(ConfigError, match="2015 or later"):
        set_target(
            {2012: summary(2012, 1.0, 1.0)}, TargetSpec(submission_year=2013), base_year=2012
        )
    with pytest.raises(ConfigError, match="no inventory for the base year 2021"):
        set_target(BASE, TargetSpec(), base_year=2021)


SCOPE3 = {"3.1": 3_000.0, "3.4": 5_000.0, "3.9": 1_500.0, "3.6": 500.0}


def test_scope3_target_required_at_40_percent_and_covers_67_percent() -> None:
    data = {2022: summary(2022, 4_000.0, 6_000.0, SCOPE3)}  # scope 3 = 50 %
    with pytest.raises(ConfigError, match="require a scope 3 target") as exc:
        set_target(data, TargetSpec(scope3=False, submission_year=2023), base_year=2022)
    assert exc.value.column == "scope3"
    target = set_target(data, TargetSpec(submission_year=2023), base_year=2022)
    # largest first until ≥ 67 %: 3.4 (50 %) + 3.1 (80 %)
    assert target.scope3_categories == ("3.4", "3.1")
    assert target.scope3_coverage == pytest.approx(0.8)
    assert target.base_scope3_tco2e == 8_000.0
    # scope 3 at the WB2C minimum, scopes 1+2 at 1.5 °C
    assert target.allowed(2030, "3") == pytest.approx(8_000 * (1 - 8 * 0.025))
    assert target.allowed(2030, "1+2") == 6640.0
    assert target.allowed(2030) == pytest.approx(6640.0 + 6400.0)
    with pytest.raises(ConfigError, match="too low") as exc:
        set_target(
            data, TargetSpec(scope3_categories=("3.1", "3.9"), submission_year=2023), base_year=2022
        )
    assert exc.value.column == "scope3_categories"
    with pytest.raises(ConfigError, match="below the well-below"):
        set_target(data, TargetSpec(scope3_rate=0.01, submission_year=2023), base_year=2022)


def test_scope3_below_40_percent_is_optional() -> None:
    data = {2022: summary(2022, 4_000.0, 6_000.0, {"3.1": 3_000.0})}
    assert not set_target(data, TargetSpec(submission_year=2023), base_year=2022).has_scope3


def test_structural_change_adjusts_the_base_when_the_engine_flags_it() -> None:
    flagged = {
        2022: BASE[2022],
        2024: summary(2024, 4_500.0, 6_000.0, base_year={"recalculation_required": True}),
    }
    changes = [
        {"year": 2024, "base_year_tco2e": 1_000.0},
        {"year": 2026, "base_year_tco2e": 50.0},
    ]  # after the latest year: ignored
    target = set_target(flagged, TargetSpec(), base_year=2022, structural_changes=changes)
    assert target.base_adjustment_tco2e == 1_000.0
    assert target.allowed(2030) == pytest.approx(11_000 * 0.664)
    quiet = {2022: BASE[2022], 2024: summary(2024, 4_500.0, 6_000.0)}
    assert (
        set_target(
            quiet, TargetSpec(), base_year=2022, structural_changes=changes
        ).base_adjustment_tco2e
        == 0.0
    )


# -- intensity --------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pathway.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_sector_pathway_file_and_sda_convergence(tmp_path: Path) -> None:
    sector = read_sector_pathway(
        write(tmp_path, "year,value,unit,source\n2020,50,kgCO2e/m2,test\n2050,10,kgCO2e/m2,\n"),
        "m2",
    )
    assert sector.at(2035) == pytest.approx(30.0)
    path = sda_pathway(100.0, sector, 2020, [2020, 2035, 2050])
    assert path == pytest.approx({2020: 100.0, 2035: 55.0, 2050: 10.0})
    # the park: 10,000 tCO2e on 100,000 m² in 2022 = 100 kgCO2e/m²
    target = set_target(
        BASE,
        TargetSpec(method="intensity", metric="m2", sector_pathway=sector, submission_year=2023),
        base_year=2022,
        denominators={2022: 100_000.0},
    )
    assert target.intensity_base == pytest.approx(100.0)
    s22, s50 = sector.at(2022), 10.0
    expected = (100.0 - s50) * (sector.at(2030) - s50) / (s22 - s50) + s50
    assert target.intensity_pathway[2030] == pytest.approx(expected)
    assert target.allowed(2030) == pytest.approx(expected * 100_000 / 1000)


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("year,value\n2020,1\n", None, "unit", "missing column"),
        ("year,value,unit\n20x0,1,kgCO2e/m2\n", 2, "year", "expected a year"),
        ("year,value,unit\n2020,-1,kgCO2e/m2\n", 2, "value", "≥ 0"),
        ("year,value,unit\n2020,1,kg/m2\n", 2, "unit", "unknown unit"),
        ("year,value,unit\n2020,1,kgCO2e/m2\n2020,2,kgCO2e/m2\n", 3, "year", "twice"),
        ("year,value,unit\n2020,1,kgCO2e/t\n", None, "unit", "per m2"),
    ],
)
def test_bad_sector_pathway_files(
    tmp_path: Path, text: str, row: int | None, column: str, words: str
) -> None:
    with pytest.raises(InputError) as exc:
        read_sector_pathway(write(tmp_path, text), "m2")
    assert (exc.value.row, exc.value.column) == (row, column)
    assert words in str(exc.value)


def test_intensity_target_needs_its_inputs() -> None:
    sector = SectorPathway("m2", {2020: 50.0, 2050: 10.0})
    with pytest.raises(ConfigError, match="metric"):
        set_target(BASE, TargetSpec(method="intensity", submission_year=2023), base_year=2022)
    with pytest.raises(ConfigError, match="sector pathway"):
        set_target(
            BASE, TargetSpec(method="intensity", metric="m2", submission_year=2023), base_year=2022
        )
    with pytest.raises(ConfigError, match="denominator"):
        set_target(
            BASE,
            TargetSpec(
                method="intensity", metric="m2", sector_pathway=sector, submission_year=2023
            ),
            base_year=2022,
        )


# -- progress ---------------------------------------------------------------------------------


def test_progress_actual_vs_pathway_and_projection() -> None:
    data = {
        2022: BASE[2022],
        2023: summary(2023, 4_000.0, 5_000.0),  # 9,000 vs 9,580: on track
        2024: summary(
            2024,
            4_000.0,
            5_500.0,  # 9,500 vs 9,160: 340 above
            by_month={f"2024-{m:02d}": (600.0 if m <= 6 else 1_000.0) for m in range(1, 13)},
        ),
    }
    target = set_target(data, TargetSpec(submission_year=2025), base_year=2022)
    # half of 2025: 4,000 tCO2e so far; scope 1+2 of the half year 2,000 + 2,000
    current = summary(
        2025,
        2_000.0,
        2_000.0,
        by_month={f"2025-{m:02d}": (700.0 if m <= 6 else 0.0) for m in range(1, 13)},
    )
    prog = progress(target, data, current=current)
    rows = {r.year: r for r in prog.rows}
    assert rows[2023].on_track and rows[2023].gap == pytest.approx(9_000 - 9_580)
    assert not rows[2024].on_track and rows[2024].gap == pytest.approx(340.0)
    proj = prog.projection
    assert proj is not None and proj.months == 6 and proj.method == "seasonal"
    # last year the first half was 3,600 of 9,600: × 9,600 / 3,600
    assert proj.projected == pytest.approx(4_000 * 9_600 / 3_600)
    assert proj.pathway == pytest.approx(10_000 * (1 - 3 * 0.042))
    assert not proj.on_track
    run_rate = progress(target, {2022: BASE[2022]}, current=current).projection
    assert run_rate is not None and run_rate.method == "run-rate"
    assert run_rate.projected == pytest.approx(4_000 * 12 / 6)
    assert progress(target, data).to_dict()["projection"] is None


def test_projection_needs_months() -> None:
    target = set_target(BASE, TargetSpec(), base_year=2022)
    empty = summary(2023, 1.0, 1.0, by_month={f"2023-{m:02d}": 0.0 for m in range(1, 13)})
    with pytest.raises(InputError, match="months"):
        progress(target, BASE, current=empty)
