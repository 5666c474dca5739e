"""The inventory report as HTML: real numbers, both languages, escaping, self-contained, usable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from parkzero.reports import inventory_report, render_html

NS = {"svg": "http://www.w3.org/2000/svg"}
EVIL_ZONE = '<script>alert("x")</script>'


def html_of(results: Any, lang: str, generated_at: datetime) -> str:
    return render_html(inventory_report(results, lang, generated_at=generated_at))


def kpi_values(html: str) -> list[str]:
    return re.findall(r'class="pz-kpi-value">([^<]*)', html)


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def section(html: str, key: str) -> str:
    match = re.search(rf'<section class="pz-section" id="{key}">(.*?)</section>', html, re.S)
    assert match, key
    return match.group(1)


def test_kpis_are_the_engine_numbers_formatted(
    result: dict[str, Any], generated_at: datetime
) -> None:
    html = html_of([result], "zh-CN", generated_at)
    values = kpi_values(html)
    total = result["total_tco2e"]
    assert total > 1000
    assert values[0] == f"{total:,.1f}"  # thousands separator, one decimal
    assert values[1] == f"{result['scope1_tco2e']:,.1f}"
    assert values[2] == f"{result['scope2_location_tco2e']:,.1f}"
    assert values[3] == f"{result['scope2_market_tco2e']:,.1f}"
    assert values[4] == f"{result['scope3_tco2e']:,.1f}"
    assert values[5] == f"{result['energy_tce']:,.1f}"
    assert values[6] == f"{result['indicators']['tco2_per_tce']:.3f}"
    assert values[7] == "31.2%"
    # the threshold verdicts
    assert "阈值 ≤ 0.20" in html and "目标 ≥ 90%" in html and "未达标" in html
    assert f"基于市场法合计：{result['total_market_tco2e']:,.1f} tCO₂e" in html


def test_chinese_labels_and_metadata(result: dict[str, Any], generated_at: datetime) -> None:
    html = html_of([result], "zh-CN", generated_at)
    assert '<html lang="zh-CN">' in html
    assert "<title>武汉示范物流园 2024 年度温室气体排放盘查报告</title>" in html
    for text in (
        "排放总量",
        "范围一 直接排放",
        "范围二 (基于位置)",
        "范围二 (基于市场)",
        "外购电力",
        "3.4 上游运输和配送",
        "运营控制权法",
        "需要重新计算基准年",
        "方法学说明",
        "ISO 14064-1:2018",
        "排放明细 (审计追踪)",
        "2025-01-15 10:30 (UTC+08:00)",  # stored UTC, shown in Asia/Shanghai
    ):
        assert text in html, text
    assert "Total emissions" not in html


def test_english_switch(result: dict[str, Any], generated_at: datetime) -> None:
    html = html_of([result], "en", generated_at)
    assert '<html lang="en">' in html
    for text in (
        "武汉示范物流园 GHG inventory report 2024",
        "Total emissions",
        "Scope 1 direct",
        "Purchased electricity",
        "3.4 Upstream transportation and distribution",
        "Operational control",
        "Base-year recalculation required",
        "Methodology",
    ):
        assert text in html, text
    for text in ("排放总量", "外购电力", "方法学说明"):
        assert text not in html, text
    assert kpi_values(html)[0] == f"{result['total_tco2e']:,.1f}"


def test_category_chart_has_one_bar_per_category_proportional(
    result: dict[str, Any], generated_at: datetime
) -> None:
    html = html_of([result], "zh-CN", generated_at)
    chart = svgs(section(html, "scopes"))[0]
    rects = chart.findall(".//svg:rect[@class='pz-bar']", NS)
    by_category = result["by_category"]
    assert len(rects) == len(by_category)
    values = [float(r.get("data-value", "")) for r in rects]
    assert sorted(values) == pytest.approx(sorted(by_category.values()))
    heights = [float(r.get("height", "")) for r in rects]
    scale = max(heights) / max(values)  # px per tCO2e; coordinates are rounded to 0.01 px
    for h, v in zip(heights, values, strict=True):
        assert h == pytest.approx(v * scale, abs=0.02)
    labels = [r.get("data-category") for r in rects]
    assert labels[:2] == ["固定源燃烧", "移动源燃烧"]  # scope order, then GHG Protocol order
    assert "3.13 下游租赁资产" in labels


def test_user_text_is_escaped(make: Callable[..., dict[str, Any]], generated_at: datetime) -> None:
    result = make(2024, zone_rename={"office": EVIL_ZONE}, tenant_rename={"京东物流": "A&B <b>"})
    html = html_of([result], "zh-CN", generated_at)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "A&amp;B &lt;b&gt;" in html
    assert "<b>" not in html
    for svg in svgs(html):  # and every chart is still well-formed
        assert svg.tag.endswith("svg")


def test_self_contained_and_printable(result: dict[str, Any], generated_at: datetime) -> None:
    html = html_of([result], "zh-CN", generated_at)
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"\b(src|href)=\"(?!#)", html)  # only in-page anchors
    assert set(re.findall(r"https?://[^\s\"')]+", html)) == {"http://www.w3.org/2000/svg"}
    assert "@media print" in html and "@page" in html


def test_lines_are_collapsible_and_capped(
    make: Callable[..., dict[str, Any]], generated_at: datetime
) -> None:
    big = make(2024, meters=190)
    assert len(big["lines"]) == 36_480
    html = html_of([big], "zh-CN", generated_at)
    lines = section(html, "lines")
    assert lines.lstrip().startswith("<details>")
    body = lines.split("<tbody>", 1)[1]
    assert body.count("<tr") == 5000
    assert "仅显示前 5,000 行，共 36,480 行；完整明细见 XLSX 文件。" in lines
    assert "csv:activities-2024.csv:5001<" in lines
    assert "csv:activities-2024.csv:5002<" not in lines
    assert len(html) < 6_000_000


def test_small_result_shows_every_line(result: dict[str, Any], generated_at: datetime) -> None:
    lines = section(html_of([result], "zh-CN", generated_at), "lines")
    assert lines.split("<tbody>", 1)[1].count("<tr") == len(result["lines"])
    assert "仅显示前" not in lines
    first = result["lines"][0]
    row = re.search(r"<tr><td[^>]*>csv:activities-2024.csv:2</td>(.*?)</tr>", lines, re.S)
    assert row
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    assert cells[:3] == ["2", "2.electricity", "electricity.grid"]
    assert cells[5] == f"{first['quantity']:,.2f}"
    assert cells[7] == "cn.grid.mee-location.CN-HB.2023"
    assert cells[8] == "0.4044"
    assert cells[11] == f"{first['tco2e']:,.3f}"


def test_trend_and_year_on_year(
    make: Callable[..., dict[str, Any]], generated_at: datetime
) -> None:
    r23, r24 = make(2023, scale=0.9), make(2024)
    html = html_of([r24, r23], "zh-CN", generated_at)  # any order
    change = (r24["total_tco2e"] - r23["total_tco2e"]) / r23["total_tco2e"]
    assert f"同比 {change:+.1%}" in html
    trend = section(html, "trend")
    assert "2023" in trend and "2024" in trend
    assert "含 2023–2024 年趋势" in html
    stacked = svgs(trend)[0]
    assert len(stacked.findall(".//svg:rect[@class='pz-bar']", NS)) == 6  # 2 years x 3 scopes
    months = svgs(section(html, "months"))[0]
    assert len(months.findall(".//svg:circle[@class='pz-point']", NS)) == 24


def test_missing_keys_show_a_dash(generated_at: datetime) -> None:
    minimal = {"park": "tiny", "year": 2024, "total_tco2e": 12.5}
    html = html_of([minimal], "zh-CN", generated_at)
    values = kpi_values(html)
    assert values[0] == "12.5"
    assert values[1:] == ["—"] * 7
    assert "未设定基准年" in html
    assert "无警告" in html
