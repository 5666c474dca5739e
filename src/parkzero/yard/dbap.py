"""Reader for the dynamic discrete berth-allocation (DBAP) text format.

A truck yard is a berth-allocation problem with trucks for vessels and docks for berths. The
format is the one of the instances of Lalla-Ruiz, Melián-Batista & Moreno-Vega (2012),
*Artificial intelligence hybrid heuristic based on tabu search for the dynamic berth allocation
problem*, Eng. Appl. Artif. Intell. 25(6):1132–1141, built on the model of Cordeau, Laporte,
Legato & Moccia (2005), *Models and tabu search heuristics for the berth-allocation problem*,
Transp. Sci. 39(4):526–538. Whitespace-separated integers, in this order::

    N                          number of trucks (vessels)
    M                          number of docks (berths)
    a_1 ... a_N                arrival (release) time of each truck [min]
    s_1 ... s_M                opening time of each dock [min]
    h_11 ... h_1M              handling time of truck 1 at each dock [min]; 99999 = forbidden
    ...
    h_N1 ... h_NM
    e_1 ... e_M                closing time of each dock [min]
    b_1 ... b_N                latest departure of each truck [min]

Line breaks are not significant (values may wrap), but every error names the line. Trucks are
called ``T1 … TN`` and docks ``D1 … DM``. The benchmark objective is the sum over trucks of
(end − arrival), waiting plus handling, which is :attr:`Schedule.objective` with unit weights.

>>> p = parse_dbap("2 1\\n0 5\\n0\\n10\\n20\\n100\\n100 100\\n")
>>> [(t.id, t.release_min, dict(t.handling_min), t.latest_end_min) for t in p.trucks]
[('T1', 0, {'D1': 10}, 100), ('T2', 5, {'D1': 20}, 100)]
>>> p.docks
(DockSlot(id='D1', open_min=0, close_min=100),)
"""

from __future__ import annotations

from pathlib import Path

from parkzero.errors import InputError
from parkzero.yard.problem import DockProblem, DockSlot, TruckJob

__all__ = ["FORBIDDEN", "parse_dbap", "read_dbap"]

FORBIDDEN = 99999
"""Handling time that marks a forbidden (incompatible) dock in the DBAP format [min]."""


def read_dbap(path: str | Path) -> DockProblem:
    """Read a DBAP instance file.

    Parameters
    ----------
    path : str or Path
        The text file.

    Returns
    -------
    DockProblem
        Named after the file stem; no staff limit, no buffer limit.

    Raises
    ------
    InputError
        The file is missing, not text, or malformed (the message names the line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file as text ({exc})", source=str(path)) from None
    return parse_dbap(text, source=str(path), name=path.stem)


def parse_dbap(text: str, *, source: str = "<dbap>", name: str = "") -> DockProblem:
    """Parse DBAP text (see the module docstring for the layout).

    Parameters
    ----------
    text : str
        File contents.
    source : str
        File name for error messages [-].
    name : str
        Instance name [-].

    Returns
    -------
    DockProblem

    Raises
    ------
    InputError
        With ``row`` = the line of the offending value (1-based).
    """
    tokens: list[tuple[str, int]] = [
        (tok, lineno) for lineno, line in enumerate(text.splitlines(), 1) for tok in line.split()
    ]
    pos = 0
    last_line = max(len(text.splitlines()), 1)

    def take(what: str, count: int) -> list[tuple[int, int]]:
        nonlocal pos
        out: list[tuple[int, int]] = []
        for k in range(count):
            if pos >= len(tokens):
                raise InputError(
                    f"the file ends after {k} of {count} {what}; expected {count} integers",
                    source=source,
                    row=last_line,
                )
            tok, line = tokens[pos]
            pos += 1
            try:
                value = int(tok)
            except ValueError:
                raise InputError(
                    f"{tok!r} is not an integer ({what}, value {k + 1} of {count})",
                    source=source,
                    row=line,
                ) from None
            if value < 0:
                raise InputError(
                    f"{value} is negative ({what}, value {k + 1} of {count}); expected ≥ 0",
                    source=source,
                    row=line,
                )
            out.append((value, line))
        return out

    (n, n_line), (m, m_line) = take("header values (N trucks, M docks)", 2)
    if n < 1:
        raise InputError(f"N = {n} trucks; expected at least 1", source=source, row=n_line)
    if m < 1:
        raise InputError(f"M = {m} docks; expected at least 1", source=source, row=m_line)
    arrivals = take("arrival times", n)
    opens = take("dock opening times", m)
    handling = take(f"handling times (N×M = {n}×{m})", n * m)
    closes = take("dock closing times", m)
    latest = take("latest departure times", n)
    if pos < len(tokens):
        tok, line = tokens[pos]
        raise InputError(
            f"unexpected value {tok!r} after the {n} latest departure times; "
            f"the file should end there (N = {n}, M = {m})",
            source=source,
            row=line,
        )
    docks = []
    for j in range(m):
        (o, _), (c, c_line) = opens[j], closes[j]
        if c <= o:
            raise InputError(
                f"dock D{j + 1} closes at {c}, not after it opens at {o}",
                source=source,
                row=c_line,
            )
        docks.append(DockSlot(id=f"D{j + 1}", open_min=o, close_min=c))
    trucks = []
    for i in range(n):
        row = handling[i * m : (i + 1) * m]
        compatible = {}
        for j, (h, h_line) in enumerate(row):
            if h == FORBIDDEN:
                continue
            if h == 0:
                raise InputError(
                    f"handling time of truck T{i + 1} at dock D{j + 1} is 0; expected a "
                    f"positive number of minutes or {FORBIDDEN} (forbidden)",
                    source=source,
                    row=h_line,
                )
            compatible[f"D{j + 1}"] = h
        if not compatible:
            raise InputError(
                f"truck T{i + 1} has {FORBIDDEN} (forbidden) at every dock",
                source=source,
                row=row[0][1],
            )
        (a, _), (b, b_line) = arrivals[i], latest[i]
        if b < a:
            raise InputError(
                f"truck T{i + 1} must leave by {b}, before it arrives at {a}",
                source=source,
                row=b_line,
            )
        trucks.append(
            TruckJob(id=f"T{i + 1}", release_min=a, handling_min=compatible, latest_end_min=b)
        )
    return DockProblem(trucks=tuple(trucks), docks=tuple(docks), name=name)
