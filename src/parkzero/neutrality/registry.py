"""Serial numbers of carbon credits: parsing, overlap, and splitting a block on retirement.

One carbon credit is one tonne of CO2e with its own unit number in its registry. Registries print a
block of consecutive units in their own notation; parkzero reads the notation of each standard
into a :class:`SerialRange` — the text around the numbers (which identifies issuance, project and
vintage) and the first and last unit number — and writes sub-ranges back in the same notation.

- **VCS** (Verra Registry): one block ``ISSUANCE-START-END-VCS-VCU-…``, e.g.
  ``9012-70153245-70154244-VCS-VCU-263-VER-CN-1-1529-01012019-31122019-0``.
- **GS** (Gold Standard Impact Registry): one block ``GS…-START-END``, e.g.
  ``GS1-1-CN-GS7338-16-2019-19734-2601-3600``.
- **CDM** (CDM Registry): first and last unit serial ``PARTY-5-NUMBER-CP-CP-LULUCF-PROJECT``,
  e.g. ``CN-5-173520385-2-2-0-2316 – CN-5-173520884-2-2-0-2316``.
- **CCER** (全国温室气体自愿减排注册登记系统): first and last unit serial; the last group of digits
  is the unit number, e.g. ``CCER-CN-14-000123-2023-00000001 – CCER-CN-14-000123-2023-00003000``.

For the two-serial notations the separator between first and last serial may be an en or em
dash, ``..``, ``~``, ``至`` or `` to ``; a single serial is a block of one. Two ranges can only
overlap when they have the same standard and the same text around the numbers.

Examples
--------
>>> r = parse_serials("GS", "GS1-1-CN-GS7338-16-2019-19734-2601-3600")
>>> r.start, r.end, r.quantity
(2601, 3600, 1000)
>>> taken, rest = take(r, 250)
>>> taken.text, [p.text for p in rest]
('GS1-1-CN-GS7338-16-2019-19734-2601-2850', ['GS1-1-CN-GS7338-16-2019-19734-2851-3600'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from parkzero.errors import InputError

__all__ = [
    "SERIAL_FORMATS",
    "STANDARDS",
    "SerialRange",
    "Standard",
    "find_overlaps",
    "intersection",
    "parse_serials",
    "subtract",
    "take",
]

Standard = Literal["CCER", "CDM", "VCS", "GS"]
STANDARDS: tuple[Standard, ...] = ("CCER", "CDM", "VCS", "GS")

#: Notation and an example per standard, for messages and the docs.
SERIAL_FORMATS: dict[str, tuple[str, str]] = {
    "VCS": (
        "a Verra block ISSUANCE-START-END-VCS-VCU-…",
        "9012-70153245-70154244-VCS-VCU-263-VER-CN-1-1529-01012019-31122019-0",
    ),
    "GS": (
        "a Gold Standard block GS…-START-END",
        "GS1-1-CN-GS7338-16-2019-19734-2601-3600",
    ),
    "CDM": (
        "first and last unit serial PARTY-5-NUMBER-CP-CP-LULUCF-PROJECT, e.g. FIRST – LAST",
        "CN-5-173520385-2-2-0-2316 – CN-5-173520884-2-2-0-2316",
    ),
    "CCER": (
        "first and last unit serial, the last group of digits being the unit number",
        "CCER-CN-14-000123-2023-00000001 – CCER-CN-14-000123-2023-00003000",
    ),
}

_VCS = re.compile(r"^(?P<prefix>\d+-)(?P<start>\d+)-(?P<end>\d+)(?P<suffix>-VCS-[A-Za-z0-9-]+)$")
_GS = re.compile(r"^(?P<prefix>GS[A-Za-z0-9-]*-)(?P<start>\d+)-(?P<end>\d+)$")
_CDM_UNIT = re.compile(r"^(?P<prefix>[A-Z]{2}-\d+-)(?P<n>\d+)(?P<suffix>(?:-\d+){4})$")
_CCER_UNIT = re.compile(r"^(?P<prefix>.*\D)(?P<n>\d+)(?P<suffix>)$")
_PAIR_SEPARATOR = re.compile(r"\s*(?:–|—|\.\.|~|至|\s+to\s+)\s*")


@dataclass(frozen=True, order=True)
class SerialRange:
    """A block of consecutive credit units in one registry notation.

    Parameters
    ----------
    standard : {"CCER", "CDM", "VCS", "GS"}
        Crediting standard whose registry issued the units [-].
    prefix, suffix : str
        The notation's text before and after the unit number(s) [-].
    start, end : int
        First and last unit number, inclusive [-].
    paired : bool
        The notation prints a range as first and last unit serial (CDM, CCER) rather than one
        block string (VCS, GS) [-].
    width : int
        Zero-padded width of the unit numbers; 0 when they are not padded [-].
    """

    standard: str
    prefix: str
    suffix: str
    start: int
    end: int
    paired: bool = False
    width: int = 0

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"serial range {self.start}–{self.end}: end must be ≥ start ≥ 0")

    @property
    def key(self) -> tuple[str, str, str, bool]:
        """What two ranges must share to be able to overlap [-]."""
        return (self.standard, self.prefix, self.suffix, self.paired)

    @property
    def quantity(self) -> int:
        """Units in the range, one tonne of CO2e each [tCO2e]."""
        return self.end - self.start + 1

    def _number(self, n: int) -> str:
        return str(n).zfill(self.width)

    def unit(self, n: int) -> str:
        """The registry serial of unit `n` alone (paired notations) [-]."""
        return f"{self.prefix}{self._number(n)}{self.suffix}"

    @property
    def text(self) -> str:
        """The range in its registry's notation [-]."""
        if self.paired:
            if self.start == self.end:
                return self.unit(self.start)
            return f"{self.unit(self.start)} – {self.unit(self.end)}"
        return f"{self.prefix}{self._number(self.start)}-{self._number(self.end)}{self.suffix}"

    def sub(self, start: int, end: int) -> SerialRange:
        """The part `start`…`end` of this range in the same notation.

        Raises
        ------
        ValueError
            The part is empty or not inside this range.
        """
        if not (self.start <= start <= end <= self.end):
            raise ValueError(f"{start}–{end} is not inside {self.start}–{self.end} of {self.text}")
        return replace(self, start=start, end=end)

    def overlaps(self, other: SerialRange) -> bool:
        """True when the two ranges share at least one unit."""
        return self.key == other.key and self.start <= other.end and other.start <= self.end

    def contains(self, other: SerialRange) -> bool:
        """True when every unit of `other` is in this range."""
        return self.key == other.key and self.start <= other.start and other.end <= self.end


def _width(digits: str) -> int:
    return len(digits) if len(digits) > 1 and digits.startswith("0") else 0


def _bad(standard: str, text: str, why: str) -> InputError:
    notation, example = SERIAL_FORMATS[standard]
    return InputError(
        f'"{text}" is not a {standard} serial range: {why} (expected {notation}, e.g. "{example}")',
        column="serials",
    )


def _parse_pair(standard: str, text: str, unit: re.Pattern[str]) -> SerialRange:
    parts = _PAIR_SEPARATOR.split(text.strip())
    if len(parts) == 1:
        parts = [parts[0], parts[0]]
    if len(parts) != 2 or not all(parts):
        raise _bad(standard, text, "expected one serial or a first and a last serial")
    first, last = (unit.match(p) for p in parts)
    if first is None or last is None:
        raise _bad(standard, text, f'"{parts[0] if first is None else parts[1]}" is not a serial')
    if (first["prefix"], first["suffix"]) != (last["prefix"], last["suffix"]):
        raise _bad(standard, text, "first and last serial belong to different blocks")
    start, end = int(first["n"]), int(last["n"])
    if end < start:
        raise _bad(standard, text, "the last serial is before the first")
    width = _width(first["n"]) or _width(last["n"])
    return SerialRange(standard, first["prefix"], first["suffix"], start, end, True, width)


def parse_serials(standard: str, text: str) -> SerialRange:
    """Read a range of credit serials printed in the notation of `standard`'s registry.

    Parameters
    ----------
    standard : {"CCER", "CDM", "VCS", "GS"}
        Crediting standard [-].
    text : str
        The range as the registry prints it (see the module docstring) [-].

    Returns
    -------
    SerialRange

    Raises
    ------
    InputError
        Unknown standard, or text that is not a range of that standard; the message shows the
        expected notation with an example.

    Examples
    --------
    >>> r = parse_serials("CDM", "CN-5-173520385-2-2-0-2316 – CN-5-173520884-2-2-0-2316")
    >>> r.quantity, r.prefix, r.suffix
    (500, 'CN-5-', '-2-2-0-2316')
    >>> parse_serials("VCS", "9012-70153245-70154244-VCS-VCU-263-VER-CN-1-1529-01012019-31122019-0").quantity
    1000
    """
    if standard not in SERIAL_FORMATS:
        raise InputError(
            f'unknown credit standard "{standard}" (expected one of {", ".join(STANDARDS)})',
            column="standard",
        )
    raw = str(text).strip()
    if standard in ("VCS", "GS"):
        match = (_VCS if standard == "VCS" else _GS).match(raw)
        if match is None:
            raise _bad(standard, raw, "the block is not in the registry's notation")
        start, end = int(match["start"]), int(match["end"])
        if end < start:
            raise _bad(standard, raw, "the end number is before the start number")
        suffix = match.groupdict().get("suffix") or ""
        width = _width(match["start"]) or _width(match["end"])
        return SerialRange(standard, match["prefix"], suffix, start, end, False, width)
    return _parse_pair(standard, raw, _CDM_UNIT if standard == "CDM" else _CCER_UNIT)


def intersection(a: SerialRange, b: SerialRange) -> SerialRange | None:
    """The units two ranges share, or None.

    >>> a = parse_serials("GS", "GS1-1-CN-GS7338-16-2019-19734-1-100")
    >>> intersection(a, a.sub(90, 100)).quantity, intersection(a.sub(1, 10), a.sub(11, 20))
    (11, None)
    """
    if not a.overlaps(b):
        return None
    return a.sub(max(a.start, b.start), min(a.end, b.end))


def subtract(block: SerialRange, taken: Iterable[SerialRange]) -> list[SerialRange]:
    """The parts of `block` not in any of `taken`, in serial order.

    Ranges of other blocks in `taken` are ignored.

    >>> a = parse_serials("GS", "GS1-1-CN-GS7338-16-2019-19734-1-100")
    >>> [(p.start, p.end) for p in subtract(a, [a.sub(10, 19), a.sub(50, 100)])]
    [(1, 9), (20, 49)]
    """
    pieces = [block]
    for cut in sorted(t for t in taken if t.key == block.key):
        out = []
        for piece in pieces:
            if not piece.overlaps(cut):
                out.append(piece)
                continue
            if piece.start < cut.start:
                out.append(piece.sub(piece.start, cut.start - 1))
            if cut.end < piece.end:
                out.append(piece.sub(cut.end + 1, piece.end))
        pieces = out
    return pieces


def take(block: SerialRange, quantity: int) -> tuple[SerialRange, list[SerialRange]]:
    """Split `block`: its first `quantity` units, and the rest (empty or one range).

    This is how a registry splits a block on a partial retirement or transfer: the retired part
    keeps the lowest serials.

    Parameters
    ----------
    block : SerialRange
    quantity : int
        Units to take, 1 … ``block.quantity`` [tCO2e].

    Raises
    ------
    ValueError
        `quantity` is not within 1 … ``block.quantity``.
    """
    if not 1 <= quantity <= block.quantity:
        raise ValueError(f"cannot take {quantity} units from a block of {block.quantity}")
    head = block.sub(block.start, block.start + quantity - 1)
    rest = [] if quantity == block.quantity else [block.sub(block.start + quantity, block.end)]
    return head, rest


def find_overlaps(
    ranges: Sequence[SerialRange],
) -> list[tuple[int, int, SerialRange]]:
    """Every pair of ranges that share units: ``(i, j, shared)`` with ``i < j`` indices.

    Sorted by block and start, so n ranges cost O(n log n + overlaps).

    >>> a = parse_serials("GS", "GS1-1-CN-GS7338-16-2019-19734-1-100")
    >>> [(i, j, s.start, s.end) for i, j, s in find_overlaps([a.sub(1, 50), a.sub(60, 70), a.sub(40, 65)])]
    [(0, 2, 40, 50), (1, 2, 60, 65)]
    """
    order = sorted(range(len(ranges)), key=lambda i: (ranges[i].key, ranges[i].start))
    found: list[tuple[int, int, SerialRange]] = []
    active: list[int] = []
    for i in order:
        r = ranges[i]
        active = [j for j in active if ranges[j].key == r.key and ranges[j].end >= r.start]
        for j in active:
            shared = intersection(ranges[j], r)
            if shared is not None:
                found.append((min(i, j), max(i, j), shared))
        active.append(i)
    return sorted(found, key=lambda f: (f[0], f[1]))
