"""DBAP reader: the shared instances, and clear errors with line numbers on malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkzero.errors import InputError
from parkzero.yard.dbap import FORBIDDEN, parse_dbap, read_dbap

SMALL = "2\n2\n0 5\n10 0\n20 99999\n30 40\n100 90\n80 95\n"


def test_reads_first_instance(dbap_dir: Path) -> None:
    p = read_dbap(dbap_dir / "f30x3-01.txt")
    assert p.name == "f30x3-01"
    assert len(p.trucks) == 30 and len(p.docks) == 3
    t1 = p.trucks[0]
    # line 3: first arrival 71; line 5: "20 20 40"; last line: latest departure 600
    assert (t1.id, t1.release_min, dict(t1.handling_min), t1.latest_end_min) == (
        "T1",
        71,
        {"D1": 20, "D2": 20, "D3": 40},
        600,
    )
    # line 27 (truck 23) is "99999 18 12": dock D1 forbidden
    assert dict(p.trucks[22].handling_min) == {"D2": 18, "D3": 12}
    assert [(d.id, d.open_min, d.close_min) for d in p.docks] == [
        ("D1", 12, 600),
        ("D2", 12, 600),
        ("D3", 12, 600),
    ]
    assert p.staff == () and p.buffer_capacity is None


@pytest.mark.parametrize("name", [f"f30x{m}-{k:02d}" for m in (3, 5) for k in range(1, 11)])
def test_all_twenty_instances_read(dbap_dir: Path, name: str) -> None:
    p = read_dbap(dbap_dir / f"{name}.txt")
    assert len(p.trucks) == 30
    assert len(p.docks) == int(name[4])
    assert all(t.handling_min and FORBIDDEN not in t.handling_min.values() for t in p.trucks)


def test_small_text() -> None:
    p = parse_dbap(SMALL, name="x")
    assert [dict(t.handling_min) for t in p.trucks] == [{"D1": 20}, {"D1": 30, "D2": 40}]
    assert [(d.open_min, d.close_min) for d in p.docks] == [(10, 100), (0, 90)]
    assert [t.latest_end_min for t in p.trucks] == [80, 95]


def test_values_may_wrap_across_lines() -> None:
    assert parse_dbap(SMALL.replace("\n", " ")) == parse_dbap(SMALL)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (SMALL.replace("30 40", "30 x"), 6, "'x' is not an integer (handling times"),
        (SMALL.replace("0 5\n", "0 -5\n"), 3, "negative"),
        ("2\n2\n0 5\n10 0\n20 99999\n", 5, "ends after 2 of 4 handling times"),
        (SMALL + "7\n", 9, "unexpected value '7'"),
        (SMALL.replace("20 99999", "99999 99999"), 5, "forbidden) at every dock"),
        (SMALL.replace("100 90", "100 0"), 7, "dock D2 closes at 0, not after it opens at 0"),
        (SMALL.replace("20 99999", "0 99999"), 5, "is 0; expected a positive"),
        (SMALL.replace("80 95", "80 3"), 8, "must leave by 3, before it arrives at 5"),
        ("0\n2\n", 1, "N = 0 trucks"),
        ("", 1, "ends after 0 of 2 header values"),
    ],
)
def test_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as err:
        parse_dbap(text, source="bad.txt")
    assert err.value.row == line
    assert words in str(err.value)
    assert str(err.value).startswith(f"bad.txt, row {line}: ")
    assert err.value.exit_code == 2


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_dbap(tmp_path / "nope.txt")
