"""A report as plain, immutable data: what to show, never how.

A :class:`Report` is a title, a language and a list of :class:`Section`; a section holds blocks:
:class:`KpiGrid` (headline tiles), :class:`Table`, :class:`Chart` and :class:`Text`. Renderers
(:mod:`parkzero.reports.html`, :mod:`parkzero.reports.xlsx`, a future PDF one) read the same
spec; none of them adds content of its own, so every format shows the same numbers.

Numbers stay numbers in the spec (floats in their stated unit) and carry a
:class:`NumberFormat`, which knows how to print itself for a reader (``12,345.6``) and how to
tell Excel the same thing (``#,##0.0``). Percentages are stored as fractions (0.123 → 12.3%).

Examples
--------
>>> table = Table(
...     columns=(Column("Zone"), Column("Emissions", unit="tCO2e", fmt=NumberFormat(1))),
...     rows=[("sorting", 1234.56), ("yard", None)],
... )
>>> len(table.rows), table.columns[1].fmt.format(table.rows[0][1])
(2, '1,234.6')
>>> table.columns[1].fmt.format(table.rows[1][1])
'—'
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeAlias

from parkzero.reports.i18n import DEFAULT_LANG, normalize_lang

__all__ = [
    "INTEGER",
    "MISSING",
    "Block",
    "Cell",
    "Chart",
    "ChartKind",
    "Column",
    "Kpi",
    "KpiGrid",
    "NumberFormat",
    "Report",
    "Scalar",
    "Section",
    "Series",
    "Status",
    "Table",
    "Text",
    "TextKind",
    "is_number",
]

#: What a report prints where a value is missing.
MISSING = "—"

Scalar: TypeAlias = str | int | float | None
Status = Literal["", "ok", "fail", "warn"]
ChartKind = Literal["bar", "stacked_bar", "line", "pie", "donut"]
TextKind = Literal["paragraph", "note", "warning", "success"]


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def is_number(value: object) -> bool:
    """True for a finite int or float that is not a bool.

    >>> is_number(1.5), is_number(True), is_number(float("nan")), is_number("3")
    (True, False, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


@dataclass(frozen=True)
class NumberFormat:
    """How a number is shown, for people and for Excel alike.

    Parameters
    ----------
    decimals : int
        Digits after the decimal point (of the percentage when `percent`) [-].
    percent : bool
        The value is a fraction shown as a percentage: 0.123 → ``12.3%`` [-].
    signed : bool
        Always show the sign, for changes: ``+3.2%`` [-].
    grouping : bool
        Thousands separators: ``12,345`` [-].
    significant : int or None
        Show this many significant digits instead of fixed decimals (emission factors that
        range from 0.00002 to 3,000); Excel then uses its General format [-].

    Examples
    --------
    >>> NumberFormat(1).format(1234567.891)
    '1,234,567.9'
    >>> NumberFormat(1, percent=True, signed=True).format(-0.0321)
    '-3.2%'
    >>> NumberFormat(significant=4).format(0.000123456), NumberFormat(significant=4).format(2.0)
    ('0.0001235', '2')
    >>> NumberFormat(2).excel(), NumberFormat(1, percent=True, signed=True).excel()
    ('#,##0.00', '+#,##0.0%;-#,##0.0%;#,##0.0%')
    """

    decimals: int = 1
    percent: bool = False
    signed: bool = False
    grouping: bool = True
    significant: int | None = None

    def format(self, value: object) -> str:
        """`value` as text: numbers formatted, strings unchanged, None/NaN as ``—``."""
        if value is None:
            return MISSING
        if isinstance(value, bool):
            return str(value)
        if not isinstance(value, int | float):
            return str(value)
        if not math.isfinite(value):
            return MISSING
        group = "," if self.grouping else ""
        sign = "+" if self.signed else ""
        if self.significant is not None and not self.percent:
            if value == 0:
                return "0"
            magnitude = math.floor(math.log10(abs(value)))
            decimals = min(max(self.significant - 1 - magnitude, 0), 12)
            text = f"{value:{sign}{group}.{decimals}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text
        scaled = value * 100 if self.percent else value
        if round(scaled, self.decimals) == 0:  # no "-0.0"
            scaled = 0.0
            sign = ""
        text = f"{scaled:{sign}{group}.{self.decimals}f}"
        return text + "%" if self.percent else text

    def excel(self) -> str:
        """The equivalent Excel number format code."""
        if self.significant is not None and not self.percent:
            return "General"
        body = ("#,##0" if self.grouping else "0") + (
            "." + "0" * self.decimals if self.decimals else ""
        )
        if self.percent:
            body += "%"
        if self.signed:
            return f"+{body};-{body};{body}"
        return body


INTEGER = NumberFormat(0)


@dataclass(frozen=True)
class Cell:
    """A table cell that needs more than its value.

    Parameters
    ----------
    value : str, int, float or None
        The value; numbers stay numbers [unit of the column].
    fmt : NumberFormat, optional
        Overrides the column's format for this cell (a key/value table of mixed units).
    status : {"", "ok", "fail", "warn"}
        Colours the cell: a threshold met, missed, or a warning.
    unit : str
        Unit shown after the value when it differs from the column's.
    """

    value: Scalar
    fmt: NumberFormat | None = None
    status: Status = ""
    unit: str = ""


@dataclass(frozen=True)
class Column:
    """A table column.

    Parameters
    ----------
    header : str
        Header text, already in the report's language.
    unit : str
        Unit of the numbers in the column, shown under the header (``tCO₂e``) [-].
    fmt : NumberFormat or None
        Number format; None for a text column.
    width : int or None
        Width hint in characters for spreadsheet renderers; None to fit the content.
    """

    header: str
    unit: str = ""
    fmt: NumberFormat | None = None
    width: int | None = None

    @property
    def numeric(self) -> bool:
        """True if the column holds numbers (right-aligned, formatted)."""
        return self.fmt is not None


@dataclass(frozen=True)
class Table:
    """A table of rows under typed columns.

    Parameters
    ----------
    columns : sequence of Column
    rows : sequence of rows, each a sequence of values or :class:`Cell`, one per column
    title : str
        Caption; also the worksheet name in XLSX unless `sheet` is given.
    note : str
        A line under the table (source, definition).
    strong_rows : set of int
        Indices of rows to emphasise (subtotals and totals).
    html_max_rows : int or None
        Show at most this many rows in page-oriented formats (HTML, PDF), with a note that the
        spreadsheet holds all of them; None shows all.
    sheet : str
        Worksheet name in XLSX (truncated to Excel's 31 characters).
    """

    columns: Sequence[Column]
    rows: Sequence[Sequence[Scalar | Cell]]
    title: str = ""
    note: str = ""
    strong_rows: AbstractSet[int] = field(default_factory=frozenset)
    html_max_rows: int | None = None
    sheet: str = ""

    def __post_init__(self) -> None:
        _set(self, "columns", tuple(self.columns))
        rows = tuple(tuple(r) for r in self.rows)
        width = len(self.columns)
        for i, row in enumerate(rows):
            if len(row) != width:
                raise ValueError(
                    f"table {self.title!r}: row {i} has {len(row)} cells, expected {width}"
                )
        _set(self, "rows", rows)
        _set(self, "strong_rows", frozenset(self.strong_rows))


@dataclass(frozen=True)
class Series:
    """One named series of a chart: a value per category (None where missing) [chart unit]."""

    name: str
    values: Sequence[float | None]

    def __post_init__(self) -> None:
        _set(self, "values", tuple(None if v is None else float(v) for v in self.values))


@dataclass(frozen=True)
class Chart:
    """A chart of one or more series over categories.

    Parameters
    ----------
    kind : {"bar", "stacked_bar", "line", "pie", "donut"}
        ``bar`` with several series draws grouped bars; ``pie`` and ``donut`` take one series.
    categories : sequence of str
        The x-axis labels (slices for pie/donut).
    series : sequence of Series
        Each with one value per category.
    title : str
    unit : str
        Unit of the values, shown on the value axis [-].
    horizontal : bool
        Bars run left to right (long category names, many categories).
    fmt : NumberFormat
        Format of value labels and axis ticks.
    note : str
        A line under the chart.
    """

    kind: ChartKind
    categories: Sequence[str]
    series: Sequence[Series]
    title: str = ""
    unit: str = ""
    horizontal: bool = False
    fmt: NumberFormat = field(default_factory=NumberFormat)
    note: str = ""

    def __post_init__(self) -> None:
        _set(self, "categories", tuple(str(c) for c in self.categories))
        _set(self, "series", tuple(self.series))
        if self.kind not in ("bar", "stacked_bar", "line", "pie", "donut"):
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"chart {self.title!r}: series {s.name!r} has {len(s.values)} values for "
                    f"{len(self.categories)} categories"
                )
        if self.kind in ("pie", "donut") and len(self.series) != 1:
            raise ValueError(f"a {self.kind} chart takes exactly one series")


@dataclass(frozen=True)
class Kpi:
    """A headline figure: label, value, unit and a short note (target, change).

    Parameters
    ----------
    label : str
    value : str, int, float or None
        [unit]
    unit : str
    note : str
        e.g. ``"阈值 ≤ 0.20"`` or ``"同比 -3.2%"``.
    fmt : NumberFormat
    status : {"", "ok", "fail", "warn"}
        Marks a threshold met or missed.
    """

    label: str
    value: Scalar
    unit: str = ""
    note: str = ""
    fmt: NumberFormat = field(default_factory=NumberFormat)
    status: Status = ""


@dataclass(frozen=True)
class KpiGrid:
    """A row of :class:`Kpi` tiles."""

    tiles: Sequence[Kpi]
    title: str = ""

    def __post_init__(self) -> None:
        _set(self, "tiles", tuple(self.tiles))


@dataclass(frozen=True)
class Text:
    """Prose: a paragraph, optionally followed by bullet items.

    Parameters
    ----------
    body : str
        Plain text (never markup; renderers escape it).
    kind : {"paragraph", "note", "warning", "success"}
        ``note`` is set smaller, ``warning`` and ``success`` in a coloured box.
    items : sequence of str
        Bullet points after the body.
    """

    body: str = ""
    kind: TextKind = "paragraph"
    items: Sequence[str] = ()

    def __post_init__(self) -> None:
        _set(self, "items", tuple(str(i) for i in self.items))


Block: TypeAlias = KpiGrid | Table | Chart | Text


@dataclass(frozen=True)
class Section:
    """A titled part of a report.

    Parameters
    ----------
    title : str
    blocks : sequence of Block
    collapsible : bool
        Page formats fold the section away until opened (long audit tables).
    key : str
        Stable anchor id (``by-zone``); renderers derive one from the position if empty.
    """

    title: str
    blocks: Sequence[Block]
    collapsible: bool = False
    key: str = ""

    def __post_init__(self) -> None:
        _set(self, "blocks", tuple(self.blocks))


@dataclass(frozen=True)
class Report:
    """A whole report.

    Parameters
    ----------
    title, subtitle : str
    lang : str
        Language of all the text in the spec, ``"zh-CN"`` or ``"en"`` (other spellings such as
        ``zh_CN`` are normalised); renderers use it for their own few words.
    sections : sequence of Section
    meta : sequence of (label, value) pairs
        Shown under the title (park, year, boundary …).
    generated_at : datetime or None
        When the report was made, timezone-aware UTC; shown in `timezone`.
    timezone : str
        IANA time zone for showing times [-].
    footer : str
        A line at the bottom of every format.
    """

    title: str
    sections: Sequence[Section]
    subtitle: str = ""
    lang: str = DEFAULT_LANG
    meta: Sequence[tuple[str, str]] = ()
    generated_at: datetime | None = None
    timezone: str = "Asia/Shanghai"
    footer: str = ""

    def __post_init__(self) -> None:
        _set(self, "lang", normalize_lang(self.lang))
        _set(self, "sections", tuple(self.sections))
        _set(self, "meta", tuple((str(k), str(v)) for k, v in self.meta))
        if self.generated_at is not None and self.generated_at.tzinfo is None:
            raise ValueError("Report.generated_at must be timezone-aware (UTC)")

    def blocks(self) -> Iterator[tuple[Section, Block]]:
        """Every block with its section, in reading order."""
        for section in self.sections:
            for block in section.blocks:
                yield section, block
