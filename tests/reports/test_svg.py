"""Inline SVG charts: one mark per value, sizes proportional, text escaped, valid XML."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest

from parkzero.reports.spec import Chart, NumberFormat, Series
from parkzero.reports.svg import chart_svg, nice_ticks

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart_svg(chart)))


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:rect[@class='pz-bar']", NS)


def test_vertical_bars_one_per_category_heights_proportional() -> None:
    values = [7440.96, 3243.47, 454.0, 2394.0, 1176.0]
    root = parse(Chart("bar", list("ABCDE"), [Series("t", values)], unit="tCO2e"))
    rects = bars(root)
    assert [r.get("data-category") for r in rects] == list("ABCDE")
    assert [float(r.get("data-value", "")) for r in rects] == values
    heights = [float(r.get("height", "")) for r in rects]
    scale = max(heights) / max(values)
    assert scale > 0
    for h, v in zip(heights, values, strict=True):
        assert h == pytest.approx(v * scale, abs=0.02)  # coordinates are rounded to 0.01 px
    # all bars stand on the same baseline
    bottoms = {round(float(r.get("y", "")) + float(r.get("height", "")), 1) for r in rects}
    assert len(bottoms) == 1


def test_horizontal_bars_widths_proportional() -> None:
    values = [10.0, 25.0, 5.0]
    root = parse(Chart("bar", ["x", "y", "z"], [Series("s", values)], horizontal=True))
    widths = [float(r.get("width", "")) for r in bars(root)]
    assert widths[1] / widths[0] == pytest.approx(2.5, rel=1e-3)
    assert widths[2] / widths[0] == pytest.approx(0.5, rel=1e-3)


def test_stacked_bars_stack_to_the_total() -> None:
    chart = Chart(
        "stacked_bar",
        ["2023", "2024"],
        [Series("s1", [100.0, 80.0]), Series("s2", [300.0, 320.0]), Series("s3", [None, 50.0])],
    )
    rects = bars(parse(chart))
    assert len(rects) == 5  # the missing value draws nothing
    by_year: dict[str, float] = {}
    for r in rects:
        by_year[r.get("data-category", "")] = by_year.get(r.get("data-category", ""), 0.0) + float(
            r.get("height", "")
        )
    assert by_year["2024"] / by_year["2023"] == pytest.approx(450 / 400, rel=1e-3)


def test_grouped_bars_and_negative_values() -> None:
    chart = Chart("bar", ["a", "b"], [Series("up", [10.0, -5.0]), Series("down", [4.0, 2.0])])
    rects = bars(parse(chart))
    assert len(rects) == 4
    a_up, b_up = rects[0], rects[2]
    # the negative bar hangs below the zero line the positive one stands on
    assert float(b_up.get("y", "")) == pytest.approx(
        float(a_up.get("y", "")) + float(a_up.get("height", "")), abs=0.02
    )
    assert float(b_up.get("height", "")) / float(a_up.get("height", "")) == pytest.approx(
        0.5, rel=1e-3
    )


def test_pie_slices_cover_the_circle() -> None:
    chart = Chart("donut", ["a", "b", "c", "zero"], [Series("s", [1.0, 2.0, 1.0, 0.0])])
    slices = parse(chart).findall(".//svg:path[@class='pz-slice']", NS)
    assert [s.get("data-category") for s in slices] == ["a", "b", "c"]
    assert "50.0%" in str(chart_svg(chart))


def test_single_slice_pie_is_a_full_circle() -> None:
    slices = parse(Chart("pie", ["all"], [Series("s", [5.0])])).findall(
        ".//svg:path[@class='pz-slice']", NS
    )
    assert len(slices) == 1
    assert slices[0].get("d", "").count("A") == 2


def test_line_points_and_gaps() -> None:
    chart = Chart(
        "line",
        ["1", "2", "3", "4"],
        [Series("2023", [1.0, 2.0, None, 4.0]), Series("2024", [2.0, 2.0, 2.0, 2.0])],
        fmt=NumberFormat(0),
    )
    root = parse(chart)
    points = root.findall(".//svg:circle[@class='pz-point']", NS)
    assert len(points) == 7
    paths = root.findall(".//svg:path[@class='pz-line']", NS)
    assert paths[0].get("d", "").count("M") == 2  # the gap lifts the pen


def test_text_is_escaped_and_svg_is_well_formed() -> None:
    evil = '<script>alert("x")</script>&'
    chart = Chart("bar", [evil], [Series(evil, [1.0])], title=evil, unit=evil)
    svg = str(chart_svg(chart))
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # parses: every text escaped
    assert bars(root)[0].get("data-category") == evil


def test_empty_and_all_missing_charts() -> None:
    for chart in (
        Chart("bar", [], [Series("s", [])]),
        Chart("bar", ["a"], [Series("s", [None])]),
        Chart("pie", ["a"], [Series("s", [0.0])]),
    ):
        root = parse(chart)
        assert not bars(root)
        assert "—" in "".join(root.itertext())


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (0, 87), (-12, 40), (0, 14523.4), (0.001, 0.0042)])
def test_nice_ticks_cover_the_range(lo: float, hi: float) -> None:
    ticks = nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi
    assert 3 <= len(ticks) <= 9
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 2.5, 5.0)
