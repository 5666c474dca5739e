"""Serial ranges: each registry's notation, overlaps, and splitting a block."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkzero.errors import InputError
from parkzero.neutrality import registry
from parkzero.neutrality.registry import (
    SerialRange,
    find_overlaps,
    intersection,
    parse_serials,
    subtract,
    take,
)

VCS = "9012-70153245-70154244-VCS-VCU-263-VER-CN-1-1529-01012019-31122019-0"
GS = "GS1-1-CN-GS7338-16-2019-19734-2601-3600"
CDM = "CN-5-173520385-2-2-0-2316 – CN-5-173520884-2-2-0-2316"
CCER = "CCER-CN-14-000123-2023-00000001 – CCER-CN-14-000123-2023-00003000"


@pytest.mark.parametrize(
    ("standard", "text", "start", "end", "paired"),
    [
        ("VCS", VCS, 70153245, 70154244, False),
        ("GS", GS, 2601, 3600, False),
        ("CDM", CDM, 173520385, 173520884, True),
        ("CCER", CCER, 1, 3000, True),
    ],
)
def test_each_registry_notation_round_trips(
    standard: str, text: str, start: int, end: int, paired: bool
) -> None:
    r = parse_serials(standard, text)
    assert (r.start, r.end, r.paired) == (start, end, paired)
    assert r.quantity == end - start + 1
    assert r.text == text
    assert parse_serials(standard, r.text) == r


def test_sub_ranges_keep_the_notation_and_padding() -> None:
    ccer = parse_serials("CCER", CCER)
    assert ccer.sub(5, 12).text == (
        "CCER-CN-14-000123-2023-00000005 – CCER-CN-14-000123-2023-00000012"
    )
    assert ccer.sub(7, 7).text == "CCER-CN-14-000123-2023-00000007"
    vcs = parse_serials("VCS", VCS)
    assert vcs.sub(70153245, 70153744).text.startswith("9012-70153245-70153744-VCS-VCU-263")


@pytest.mark.parametrize(
    ("text", "separator"),
    [
        ("CN-5-100-2-2-0-2316..CN-5-199-2-2-0-2316", ".."),
        ("CN-5-100-2-2-0-2316 to CN-5-199-2-2-0-2316", " to "),
        ("CN-5-100-2-2-0-2316至CN-5-199-2-2-0-2316", "至"),
    ],
)
def test_pair_separators(text: str, separator: str) -> None:
    assert parse_serials("CDM", text).quantity == 100, separator


@pytest.mark.parametrize(
    ("standard", "text", "why"),
    [
        ("VCS", "9012-100-50-VCS-VCU-1", "before the start"),
        ("VCS", "GS1-1-CN-GS1-1-2019-1-1-10", "notation"),
        ("CDM", "CN-5-200-2-2-0-2316 – CN-5-100-2-2-0-2316", "before the first"),
        ("CDM", "CN-5-100-2-2-0-2316 – CN-5-199-2-2-0-9999", "different blocks"),
        ("CCER", "no digits here", "not a serial"),
        ("XYZ", "1-2", "unknown credit standard"),
    ],
)
def test_bad_serials_say_what_was_expected(standard: str, text: str, why: str) -> None:
    with pytest.raises(InputError, match=why) as info:
        parse_serials(standard, text)
    if standard != "XYZ":
        assert "expected" in str(info.value) and "e.g." in str(info.value)


def test_ranges_overlap_only_within_one_block() -> None:
    a = parse_serials("GS", "GS1-1-CN-GS7338-16-2019-19734-1-100")
    other_issuance = parse_serials("GS", "GS1-1-CN-GS7338-16-2019-19999-1-100")
    assert a.overlaps(a.sub(100, 100))
    assert not a.overlaps(other_issuance)
    assert intersection(a, a.sub(50, 60)) == a.sub(50, 60)
    assert intersection(a.sub(1, 10), a.sub(11, 20)) is None


def test_take_splits_a_block_like_a_registry() -> None:
    block = parse_serials("GS", GS)
    head, rest = take(block, 250)
    assert (head.start, head.end, rest[0].start, rest[0].end) == (2601, 2850, 2851, 3600)
    whole, nothing = take(block, 1000)
    assert whole == block and nothing == []
    with pytest.raises(ValueError, match="cannot take"):
        take(block, 1001)


def test_module_exports() -> None:
    assert set(registry.__all__) == {
        "SERIAL_FORMATS",
        "STANDARDS",
        "SerialRange",
        "Standard",
        "find_overlaps",
        "intersection",
        "parse_serials",
        "subtract",
        "take",
    }


BLOCK = SerialRange("GS", "GS1-1-CN-GS1-1-2020-1-", "", 1, 200)
cuts = st.lists(
    st.tuples(st.integers(1, 200), st.integers(0, 40)).map(
        lambda t: BLOCK.sub(t[0], min(200, t[0] + t[1]))
    ),
    max_size=8,
)


@given(cuts)
def test_subtract_leaves_exactly_the_units_not_taken(taken: list[SerialRange]) -> None:
    rest = subtract(BLOCK, taken)
    units_taken = {n for t in taken for n in range(t.start, t.end + 1)}
    units_left = [n for r in rest for n in range(r.start, r.end + 1)]
    assert len(units_left) == len(set(units_left))  # disjoint
    assert set(units_left) == set(range(1, 201)) - units_taken
    assert units_left == sorted(units_left)


@given(cuts)
def test_find_overlaps_matches_brute_force(ranges: list[SerialRange]) -> None:
    found = {(i, j) for i, j, _ in find_overlaps(ranges)}
    brute = {
        (i, j)
        for i in range(len(ranges))
        for j in range(i + 1, len(ranges))
        if ranges[i].overlaps(ranges[j])
    }
    assert found == brute
