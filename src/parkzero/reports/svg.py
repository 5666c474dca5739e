"""Charts as inline SVG, drawn in Python: no JavaScript, no CDN, readable offline and in print.

:func:`chart_svg` turns a :class:`~parkzero.reports.spec.Chart` into one ``<svg>`` element
(well-formed XML, every text escaped). Each mark carries its data so tests and curious readers
can check it: bars are ``<rect class="pz-bar" data-category=… data-series=… data-value=…>``,
pie slices ``<path class="pz-slice" …>``, line points ``<circle class="pz-point" …>``, and each
has a ``<title>`` tooltip with the formatted value.

Examples
--------
>>> from parkzero.reports.spec import Chart, Series
>>> svg = chart_svg(Chart("bar", ["a", "b"], [Series("t", [1.0, 3.0])]))
>>> svg.count('class="pz-bar"')
2
>>> nice_ticks(0, 87)
[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from parkzero.reports.spec import MISSING, Chart, NumberFormat

__all__ = ["FONT_STACK", "PALETTE", "chart_svg", "nice_ticks", "text_width"]

#: Series colours, in order; chosen to stay distinct in greyscale print.
PALETTE = (
    "#1f6f5c",
    "#3b7fc4",
    "#e0a526",
    "#8e5ea2",
    "#d1543f",
    "#5bb0a8",
    "#9aa83a",
    "#c9733b",
    "#6b7b8c",
    "#b5467a",
    "#4c9f70",
    "#2e4a7d",
)

FONT_STACK = (
    "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',"
    "'Source Han Sans SC','Helvetica Neue',Arial,sans-serif"
)

WIDTH = 760
_FONT = 11.5
_AXIS = "#8a949e"
_GRID = "#e3e7eb"
_INK = "#26313b"
_MUTED = "#5b6670"


def _e(value: object) -> str:
    return str(escape(str(value)))


def _n(x: float) -> str:
    """A coordinate, rounded for compact output."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def text_width(text: str, size: float = _FONT) -> float:
    """Estimated width of `text` set at `size` px: CJK characters one em, others about half [px].

    >>> text_width("ab", 10), text_width("排放", 10)
    (11.6, 20.0)
    """
    width = 0.0
    for ch in text:
        width += size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.58 * size
    return round(width, 6)


def _truncate(text: str, max_px: float, size: float = _FONT) -> str:
    if text_width(text, size) <= max_px:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > max_px:
            break
        out += ch
    return out + "…"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] with about `count` intervals (1-2-2.5-5 steps).

    >>> nice_ticks(-12, 40)
    [-20.0, -10.0, 0.0, 10.0, 20.0, 30.0, 40.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min(
        (m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0)), key=lambda s: abs(math.log(s / raw))
    )
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    n = round((end - start) / step)
    return [round(start + i * step, 10) + 0.0 for i in range(n + 1)]


def _tick_format(fmt: NumberFormat, ticks: Sequence[float]) -> NumberFormat:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    if fmt.percent:
        step *= 100
    decimals = next((d for d in range(7) if abs(round(step, d) - step) < 1e-9), 6)
    return NumberFormat(decimals, percent=fmt.percent)


def _tooltip(category: str, series: str, value: float | None, chart: Chart) -> str:
    parts = [category]
    if series:
        parts.append(series)
    text = " · ".join(parts) + ": " + chart.fmt.format(value)
    if chart.unit and value is not None:
        text += " " + chart.unit
    return _e(text)


def _svg_open(height: float, chart: Chart) -> list[str]:
    label = chart.title or chart.kind
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pz-chart pz-chart-{chart.kind}" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="{WIDTH}" height="{_n(height)}" '
        f'role="img" aria-label="{_e(label)}" font-family="{_e(FONT_STACK)}" '
        f'font-size="{_FONT}" data-kind="{chart.kind}">',
        f"<title>{_e(label)}</title>",
    ]


def _legend(chart: Chart, top: float, left: float) -> tuple[list[str], float]:
    """Legend items in wrapped rows starting at `top`; returns the parts and its height."""
    if len(chart.series) < 2:
        return [], 0.0
    parts: list[str] = ['<g class="pz-legend">']
    x, y = left, top
    for i, s in enumerate(chart.series):
        w = 18 + text_width(s.name) + 18
        if x + w > WIDTH - 10 and x > left:
            x, y = left, y + 18
        color = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="11" height="11" rx="2" fill="{color}"/>'
            f'<text x="{_n(x + 16)}" y="{_n(y + 9.5)}" fill="{_INK}">{_e(s.name)}</text>'
        )
        x += w
    parts.append("</g>")
    return parts, y - top + 22


def _empty(chart: Chart) -> Markup:
    parts = _svg_open(80, chart)
    parts.append(
        f'<text x="{WIDTH / 2}" y="44" text-anchor="middle" fill="{_MUTED}">{MISSING}</text></svg>'
    )
    return Markup("".join(parts))


def _value_range(chart: Chart) -> tuple[float, float]:
    values: list[float] = []
    if chart.kind == "stacked_bar":
        for i in range(len(chart.categories)):
            pos = sum(max(s.values[i] or 0.0, 0.0) for s in chart.series)
            neg = sum(min(s.values[i] or 0.0, 0.0) for s in chart.series)
            values += [pos, neg]
    else:
        values = [v for s in chart.series for v in s.values if v is not None]
    if not values:
        return 0.0, 1.0
    lo, hi = min(0.0, min(values)), max(0.0, max(values))
    if chart.kind == "line" and min(values) > 0:
        lo = 0.0
    return lo, hi


def _vertical(chart: Chart) -> Markup:
    n = len(chart.categories)
    lo, hi = _value_range(chart)
    ticks = nice_ticks(lo, hi)
    tick_fmt = _tick_format(chart.fmt, ticks)
    tick_labels = [tick_fmt.format(t) for t in ticks]
    left = max(text_width(t) for t in tick_labels) + 18
    right = 16.0
    plot_w = WIDTH - left - right
    slot = plot_w / n

    legend, legend_h = _legend(chart, 8, left)
    top = 8 + legend_h + (18 if chart.unit else 6) + 12
    labels = list(chart.categories)
    widest = max(text_width(c) for c in labels)
    rotate = widest > slot - 6
    if rotate:
        labels = [_truncate(c, 150) for c in labels]
        widest = max(text_width(c) for c in labels)
        bottom = widest * math.sin(math.radians(38)) + 26
        # thin out labels when even rotated ones would overlap
        every = max(1, math.ceil(16 / slot))
    else:
        bottom, every = 30.0, 1
    plot_h = 260.0
    height = top + plot_h + bottom

    def y(v: float) -> float:
        return top + plot_h * (ticks[-1] - v) / (ticks[-1] - ticks[0])

    parts = _svg_open(height, chart)
    parts += legend
    if chart.unit:
        parts.append(
            f'<text class="pz-unit" x="{_n(left - 8)}" y="{_n(top - 12)}" fill="{_MUTED}" '
            f'text-anchor="start">{_e(chart.unit)}</text>'
        )
    for tv, tl in zip(ticks, tick_labels, strict=True):
        yy = y(tv)
        stroke = _AXIS if tv == 0 else _GRID
        parts.append(
            f'<line x1="{_n(left)}" x2="{_n(WIDTH - right)}" y1="{_n(yy)}" y2="{_n(yy)}" '
            f'stroke="{stroke}" stroke-width="1"/>'
            f'<text x="{_n(left - 8)}" y="{_n(yy + 4)}" text-anchor="end" fill="{_MUTED}">'
            f"{_e(tl)}</text>"
        )
    zero = y(0.0)
    m = len(chart.series)
    if chart.kind == "line":
        parts += _lines(chart, left, slot, y)
    else:
        stacked = chart.kind == "stacked_bar"
        group_w = min(slot * (0.62 if stacked or m == 1 else 0.78), 64.0 if m == 1 else 120.0)
        bar_w = group_w if stacked else group_w / m
        show_values = m == 1 or stacked
        for i, cat in enumerate(chart.categories):
            x0 = left + slot * i + (slot - group_w) / 2
            pos_base = neg_base = 0.0
            for j, s in enumerate(chart.series):
                v = s.values[i]
                if v is None:
                    continue
                color = PALETTE[j % len(PALETTE)] if m > 1 else PALETTE[0]
                if stacked:
                    base = pos_base if v >= 0 else neg_base
                    y_top, y_bot = y(base + max(v, 0.0)), y(base + min(v, 0.0))
                    if v >= 0:
                        pos_base += v
                    else:
                        neg_base += v
                    x = x0
                else:
                    y_top, y_bot = y(max(v, 0.0)), y(min(v, 0.0))
                    x = x0 + j * bar_w
                parts.append(
                    f'<rect class="pz-bar" x="{_n(x)}" y="{_n(y_top)}" width="{_n(bar_w)}" '
                    f'height="{_n(y_bot - y_top)}" fill="{color}" data-category="{_e(cat)}" '
                    f'data-series="{_e(s.name)}" data-value="{v!r}">'
                    f"<title>{_tooltip(cat, s.name if m > 1 else '', v, chart)}</title></rect>"
                )
            if show_values and n <= 24:
                total = pos_base + neg_base if stacked else chart.series[0].values[i]
                if total is None:
                    continue
                label = chart.fmt.format(total)
                if text_width(label, 10) <= slot + 4:
                    ty = (y(pos_base) if stacked else y(max(total, 0.0))) - 5
                    if not stacked and total < 0:
                        ty = y(total) + 13
                    parts.append(
                        f'<text class="pz-value" x="{_n(x0 + group_w / 2)}" y="{_n(ty)}" '
                        f'text-anchor="middle" font-size="10" fill="{_INK}">{_e(label)}</text>'
                    )
    parts.append(
        f'<line x1="{_n(left)}" x2="{_n(WIDTH - right)}" y1="{_n(zero)}" y2="{_n(zero)}" '
        f'stroke="{_AXIS}" stroke-width="1"/>'
    )
    base_y = top + plot_h
    for i, cat in enumerate(labels):
        if i % every:
            continue
        cx = left + slot * (i + 0.5)
        if rotate:
            parts.append(
                f'<text x="{_n(cx)}" y="{_n(base_y + 14)}" text-anchor="end" fill="{_INK}" '
                f'transform="rotate(-38 {_n(cx)} {_n(base_y + 14)})">{_e(cat)}</text>'
            )
        else:
            parts.append(
                f'<text x="{_n(cx)}" y="{_n(base_y + 18)}" text-anchor="middle" '
                f'fill="{_INK}">{_e(cat)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _lines(chart: Chart, left: float, slot: float, y: Callable[[float], float]) -> list[str]:
    parts: list[str] = []
    for j, s in enumerate(chart.series):
        color = PALETTE[j % len(PALETTE)]
        d: list[str] = []
        pen_down = False
        for i, v in enumerate(s.values):
            if v is None:
                pen_down = False
                continue
            cmd = "L" if pen_down else "M"
            d.append(f"{cmd}{_n(left + slot * (i + 0.5))} {_n(y(v))}")
            pen_down = True
        if d:
            parts.append(
                f'<path class="pz-line" d="{" ".join(d)}" fill="none" stroke="{color}" '
                f'stroke-width="2.2" stroke-linejoin="round" data-series="{_e(s.name)}"/>'
            )
        for i, v in enumerate(s.values):
            if v is None:
                continue
            cat = chart.categories[i]
            parts.append(
                f'<circle class="pz-point" cx="{_n(left + slot * (i + 0.5))}" cy="{_n(y(v))}" '
                f'r="3.2" fill="#fff" stroke="{color}" stroke-width="1.8" '
                f'data-category="{_e(cat)}" data-series="{_e(s.name)}" data-value="{v!r}">'
                f"<title>{_tooltip(cat, s.name, v, chart)}</title></circle>"
            )
    return parts


def _horizontal(chart: Chart) -> Markup:
    n = len(chart.categories)
    lo, hi = _value_range(chart)
    ticks = nice_ticks(lo, hi)
    tick_fmt = _tick_format(chart.fmt, ticks)
    labels = [_truncate(c, 230) for c in chart.categories]
    left = max(text_width(c) for c in labels) + 16
    right = 70.0
    plot_w = WIDTH - left - right
    m = len(chart.series)
    stacked = chart.kind == "stacked_bar"
    row = 26.0 if stacked or m == 1 else 14.0 * m + 10
    legend, legend_h = _legend(chart, 8, left)
    top = 8 + legend_h + 6
    plot_h = row * n
    height = top + plot_h + 40

    def x(v: float) -> float:
        return left + plot_w * (v - ticks[0]) / (ticks[-1] - ticks[0])

    parts = _svg_open(height, chart)
    parts += legend
    for tv in ticks:
        xx = x(tv)
        parts.append(
            f'<line x1="{_n(xx)}" x2="{_n(xx)}" y1="{_n(top)}" y2="{_n(top + plot_h)}" '
            f'stroke="{_AXIS if tv == 0 else _GRID}" stroke-width="1"/>'
            f'<text x="{_n(xx)}" y="{_n(top + plot_h + 16)}" text-anchor="middle" '
            f'fill="{_MUTED}">{_e(tick_fmt.format(tv))}</text>'
        )
    if chart.unit:
        parts.append(
            f'<text class="pz-unit" x="{_n(WIDTH - right)}" y="{_n(top + plot_h + 32)}" '
            f'text-anchor="end" fill="{_MUTED}">{_e(chart.unit)}</text>'
        )
    bar_h = (row - 10) if stacked or m == 1 else 14.0
    for i, cat in enumerate(chart.categories):
        y0 = top + row * i + 5
        pos_base = neg_base = 0.0
        for j, s in enumerate(chart.series):
            v = s.values[i]
            if v is None:
                continue
            color = PALETTE[j % len(PALETTE)] if m > 1 else PALETTE[0]
            if stacked:
                base = pos_base if v >= 0 else neg_base
                x_a, x_b = x(base + min(v, 0.0)), x(base + max(v, 0.0))
                if v >= 0:
                    pos_base += v
                else:
                    neg_base += v
                yy = y0
            else:
                x_a, x_b = x(min(v, 0.0)), x(max(v, 0.0))
                yy = y0 + j * bar_h
            parts.append(
                f'<rect class="pz-bar" x="{_n(x_a)}" y="{_n(yy)}" width="{_n(x_b - x_a)}" '
                f'height="{_n(bar_h)}" fill="{color}" data-category="{_e(cat)}" '
                f'data-series="{_e(s.name)}" data-value="{v!r}">'
                f"<title>{_tooltip(cat, s.name if m > 1 else '', v, chart)}</title></rect>"
            )
        total = pos_base + neg_base if stacked else (chart.series[0].values[i] if m == 1 else None)
        if total is not None:
            end = x(pos_base if stacked else max(total, 0.0))
            parts.append(
                f'<text class="pz-value" x="{_n(end + 5)}" y="{_n(y0 + (row - 10) / 2 + 4)}" '
                f'font-size="10" fill="{_INK}">{_e(chart.fmt.format(total))}</text>'
            )
        parts.append(
            f'<text x="{_n(left - 8)}" y="{_n(top + row * i + row / 2 + 4)}" text-anchor="end" '
            f'fill="{_INK}">{_e(labels[i])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _arc(cx: float, cy: float, r: float, r0: float, a0: float, a1: float) -> str:
    """Path of an annular sector from angle a0 to a1 (radians, clockwise from 12 o'clock)."""

    def pt(radius: float, a: float) -> tuple[str, str]:
        return _n(cx + radius * math.sin(a)), _n(cy - radius * math.cos(a))

    large = 1 if a1 - a0 > math.pi else 0
    x0, y0 = pt(r, a0)
    x1, y1 = pt(r, a1)
    if r0 <= 0:
        return f"M{_n(cx)} {_n(cy)} L{x0} {y0} A{_n(r)} {_n(r)} 0 {large} 1 {x1} {y1} Z"
    ix1, iy1 = pt(r0, a1)
    ix0, iy0 = pt(r0, a0)
    return (
        f"M{x0} {y0} A{_n(r)} {_n(r)} 0 {large} 1 {x1} {y1} "
        f"L{ix1} {iy1} A{_n(r0)} {_n(r0)} 0 {large} 0 {ix0} {iy0} Z"
    )


def _pie(chart: Chart) -> Markup:
    series = chart.series[0]
    items = [
        (c, v)
        for c, v in zip(chart.categories, series.values, strict=True)
        if v is not None and v > 0
    ]
    total = sum(v for _, v in items)
    if total <= 0:
        return _empty(chart)
    r = 110.0
    r0 = r * 0.58 if chart.kind == "donut" else 0.0
    cx, cy = 20 + r, 20 + r
    legend_h = 24 * len(items) + 16
    height = max(2 * r + 40, legend_h)
    parts = _svg_open(height, chart)
    pct = NumberFormat(1, percent=True)
    a = 0.0
    for i, (cat, v) in enumerate(items):
        sweep = 2 * math.pi * v / total
        color = PALETTE[i % len(PALETTE)]
        tip = _tooltip(cat, "", v, chart) + _e(f" ({pct.format(v / total)})")
        if sweep >= 2 * math.pi - 1e-9:  # one slice: two half arcs
            d = _arc(cx, cy, r, r0, 0, math.pi) + " " + _arc(cx, cy, r, r0, math.pi, 2 * math.pi)
        else:
            d = _arc(cx, cy, r, r0, a, a + sweep)
        parts.append(
            f'<path class="pz-slice" d="{d}" fill="{color}" stroke="#fff" stroke-width="1.5" '
            f'data-category="{_e(cat)}" data-value="{v!r}"><title>{tip}</title></path>'
        )
        a += sweep
    if r0 and not chart.fmt.percent:  # the total of shares is always 100 %
        parts.append(
            f'<text x="{_n(cx)}" y="{_n(cy + 2)}" text-anchor="middle" font-size="17" '
            f'font-weight="600" fill="{_INK}">{_e(chart.fmt.format(total))}</text>'
            f'<text x="{_n(cx)}" y="{_n(cy + 20)}" text-anchor="middle" fill="{_MUTED}">'
            f"{_e(chart.unit)}</text>"
        )
    lx = cx + r + 40
    ly = max((height - legend_h) / 2, 0) + 16
    label_w = min(max(text_width(c) for c, _ in items), WIDTH - 20 - 170 - (lx + 18))
    pct_x = lx + 18 + label_w + 64
    value_x = pct_x + 100
    for i, (cat, v) in enumerate(items):
        yy = ly + 24 * i
        parts.append(
            f'<rect x="{_n(lx)}" y="{_n(yy - 10)}" width="12" height="12" rx="2" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{_n(lx + 18)}" y="{_n(yy)}" fill="{_INK}">{_e(_truncate(cat, label_w))}'
            f"</text>"
            f'<text x="{_n(pct_x)}" y="{_n(yy)}" text-anchor="end" fill="{_INK}" '
            f'font-weight="600">{_e(pct.format(v / total))}</text>'
        )
        if not chart.fmt.percent:
            parts.append(
                f'<text x="{_n(value_x)}" y="{_n(yy)}" text-anchor="end" fill="{_MUTED}">'
                f"{_e(chart.fmt.format(v))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def chart_svg(chart: Chart) -> Markup:
    """The chart as one self-contained, escaped ``<svg>`` element (safe to inline in HTML)."""
    if not chart.categories or not chart.series:
        return _empty(chart)
    if chart.kind in ("pie", "donut"):
        return _pie(chart)
    if all(v is None for s in chart.series for v in s.values):
        return _empty(chart)
    if chart.horizontal and chart.kind in ("bar", "stacked_bar"):
        return _horizontal(chart)
    return _vertical(chart)
