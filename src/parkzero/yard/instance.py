"""Reading dock-scheduling instances: the YAML format, and either format by file name.

YAML instance (all keys except ``docks`` and ``trucks`` optional)::

    name: Demo DC, Monday
    buffer_capacity: 12            # trucks that may wait at once; omit for unlimited [-]
    docks:
      - id: D1
        open: "06:00"              # HH:MM or minutes after midnight; default 00:00
        close: "22:00"             # default 24:00; may run past midnight, e.g. "26:00"
    staff:                         # dock workers on shift; omit for unlimited
      - {start: "06:00", end: "14:00", workers: 3}
    trucks:
      - id: T001
        release: "06:05"           # arrival, or start of the booked window
        handling_min: {D1: 30, D2: 35}   # minutes at each compatible dock
        latest_end: "09:00"        # latest departure (hard); omit for none
        weight: 1                  # priority in weighted objectives; default 1 [-]
        staff: 1                   # workers busy while it is served; default 1 [-]
      - id: T002
        release: 370
        handling_min: 25           # the same time at every dock listed ...
        docks: [D2]                # ... here (default: every dock)
        fixed_dock: D2             # already announced (re-optimisation keeps it if it can)
        fixed_start: "06:20"

Errors are :class:`~parkzero.errors.ConfigError` with the file, the item's position in its list
as the row (1-based) and the key path as the field, e.g. ``trucks[2].handling_min.D9``.

>>> p = parse_instance({"docks": [{"id": "D1", "open": "06:00"}],
...                     "trucks": [{"id": "A", "release": "06:30", "handling_min": 20}]})
>>> p.docks[0].open_min, p.trucks[0].release_min, dict(p.trucks[0].handling_min)
(360, 390, {'D1': 20})
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from parkzero.errors import ConfigError, InputError
from parkzero.yard.dbap import read_dbap
from parkzero.yard.problem import DockProblem, DockSlot, StaffWindow, TruckJob

__all__ = ["FORMATS", "format_time", "parse_instance", "read_instance", "read_problem"]

FORMATS = ("yaml", "dbap")
"""Instance formats: the YAML format above and the DBAP text format (:mod:`parkzero.yard.dbap`)."""

_TOP = {"name", "buffer_capacity", "docks", "staff", "trucks"}
_DOCK = {"id", "open", "close"}
_STAFF = {"start", "end", "workers"}
_TRUCK = {
    "id",
    "release",
    "handling_min",
    "docks",
    "latest_end",
    "weight",
    "staff",
    "fixed_dock",
    "fixed_start",
}
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def format_time(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM`` (hours may pass 24) [min].

    >>> format_time(390), format_time(1500)
    ('06:30', '25:00')
    """
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(int(minutes)), 60)
    return f"{sign}{h:02d}:{m:02d}"


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, row: int | None, field: str) -> ConfigError:
        return ConfigError(message, source=self.source, row=row, column=field)

    def time(self, value: Any, row: int | None, field: str) -> int:
        if isinstance(value, bool):
            raise self.fail(f"{value!r} is not a time; expected HH:MM or minutes", row, field)
        if isinstance(value, int):
            if value < 0:
                raise self.fail(f"{value} is negative; expected minutes ≥ 0", row, field)
            return value
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return int(value)
        if isinstance(value, str):
            m = _HHMM.match(value)
            if m and int(m.group(2)) < 60 and int(m.group(1)) <= 48:
                return int(m.group(1)) * 60 + int(m.group(2))
        raise self.fail(
            f"{value!r} is not a time; expected HH:MM (00:00–48:00) or whole minutes after "
            "midnight",
            row,
            field,
        )

    def count(self, value: Any, row: int | None, field: str, low: int) -> int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok and isinstance(value, float) and value.is_integer():
            value, ok = int(value), True
        if not ok or value < low:
            raise self.fail(f"{value!r}; expected a whole number ≥ {low}", row, field)
        return int(value)

    def number(self, value: Any, row: int | None, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail(f"{value!r}; expected a number > 0", row, field)
        return float(value)

    def ident(self, value: Any, row: int | None, field: str) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
            raise self.fail(f"{value!r}; expected a non-empty name", row, field)
        return str(value).strip()

    def keys(self, item: Any, allowed: set[str], row: int | None, field: str) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            raise self.fail(f"expected a mapping of keys, got {type(item).__name__}", row, field)
        unknown = sorted(str(k) for k in item if k not in allowed)
        if unknown:
            raise self.fail(
                f"unknown key {unknown[0]!r}; expected one of {', '.join(sorted(allowed))}",
                row,
                f"{field}.{unknown[0]}",
            )
        return dict(item)

    def items(self, data: Mapping[str, Any], key: str, required: bool) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing; expected a list of {key}", None, key)
            return []
        if not isinstance(value, list) or (required and not value):
            raise self.fail(f"expected a non-empty list of {key}", None, key)
        return value


def parse_instance(data: Any, *, source: str = "<yaml>") -> DockProblem:
    """Build a :class:`DockProblem` from the parsed YAML (see the module docstring).

    Parameters
    ----------
    data : mapping
        Parsed YAML document.
    source : str
        File name for error messages [-].

    Raises
    ------
    ConfigError
        With the item position as ``row`` and the key path as ``column``.
    """
    r = _Reader(source)
    top = r.keys(data, _TOP, None, "instance") if data is not None else {}
    if data is None:
        raise r.fail("the file is empty; expected keys docks and trucks", None, "docks")
    docks: list[DockSlot] = []
    for n, item in enumerate(r.items(top, "docks", True), 1):
        f = f"docks[{n}]"
        d = r.keys(item, _DOCK, n, f)
        if "id" not in d:
            raise r.fail("missing; every dock needs an id", n, f"{f}.id")
        dock_id = r.ident(d["id"], n, f"{f}.id")
        if any(x.id == dock_id for x in docks):
            raise r.fail(f"dock {dock_id!r} is listed twice", n, f"{f}.id")
        opens = r.time(d.get("open", 0), n, f"{f}.open")
        closes = r.time(d.get("close", 24 * 60), n, f"{f}.close")
        if closes <= opens:
            raise r.fail(f"closes at {format_time(closes)}, not after it opens", n, f"{f}.close")
        docks.append(DockSlot(dock_id, opens, closes))
    dock_ids = [d.id for d in docks]

    staff: list[StaffWindow] = []
    for n, item in enumerate(r.items(top, "staff", False), 1):
        f = f"staff[{n}]"
        s = r.keys(item, _STAFF, n, f)
        for key in ("start", "end", "workers"):
            if key not in s:
                raise r.fail("missing", n, f"{f}.{key}")
        start, end = r.time(s["start"], n, f"{f}.start"), r.time(s["end"], n, f"{f}.end")
        if end <= start:
            raise r.fail("the shift must end after it starts", n, f"{f}.end")
        staff.append(StaffWindow(start, end, r.count(s["workers"], n, f"{f}.workers", 0)))

    trucks: list[TruckJob] = []
    seen: set[str] = set()
    for n, item in enumerate(r.items(top, "trucks", True), 1):
        f = f"trucks[{n}]"
        t = r.keys(item, _TRUCK, n, f)
        for key in ("id", "release", "handling_min"):
            if key not in t:
                raise r.fail("missing", n, f"{f}.{key}")
        truck_id = r.ident(t["id"], n, f"{f}.id")
        if truck_id in seen:
            raise r.fail(f"truck {truck_id!r} is listed twice", n, f"{f}.id")
        seen.add(truck_id)
        release = r.time(t["release"], n, f"{f}.release")
        raw = t["handling_min"]
        handling: dict[str, int] = {}
        if isinstance(raw, Mapping):
            if "docks" in t:
                raise r.fail("give docks either here or as handling_min keys", n, f"{f}.docks")
            for k, v in raw.items():
                if str(k) not in dock_ids:
                    raise r.fail(
                        f"unknown dock {k!r}; expected one of {', '.join(dock_ids)}",
                        n,
                        f"{f}.handling_min.{k}",
                    )
                handling[str(k)] = r.count(v, n, f"{f}.handling_min.{k}", 1)
        else:
            minutes = r.count(raw, n, f"{f}.handling_min", 1)
            listed = t.get("docks", dock_ids)
            if not isinstance(listed, list) or not listed:
                raise r.fail("expected a non-empty list of dock ids", n, f"{f}.docks")
            for k in listed:
                if str(k) not in dock_ids:
                    raise r.fail(
                        f"unknown dock {k!r}; expected one of {', '.join(dock_ids)}",
                        n,
                        f"{f}.docks",
                    )
                handling[str(k)] = minutes
        if not handling:
            raise r.fail("no compatible dock", n, f"{f}.handling_min")
        latest = t.get("latest_end")
        latest_min = None if latest is None else r.time(latest, n, f"{f}.latest_end")
        if latest_min is not None and latest_min < release:
            raise r.fail("the latest departure is before the release", n, f"{f}.latest_end")
        fixed_dock = t.get("fixed_dock")
        if fixed_dock is not None:
            fixed_dock = r.ident(fixed_dock, n, f"{f}.fixed_dock")
            if fixed_dock not in handling:
                raise r.fail(
                    f"dock {fixed_dock!r} is not one of this truck's docks", n, f"{f}.fixed_dock"
                )
        fixed_start = t.get("fixed_start")
        trucks.append(
            TruckJob(
                id=truck_id,
                release_min=release,
                handling_min=handling,
                latest_end_min=latest_min,
                weight=r.number(t.get("weight", 1.0), n, f"{f}.weight"),
                fixed_dock=fixed_dock,
                fixed_start_min=None
                if fixed_start is None
                else r.time(fixed_start, n, f"{f}.fixed_start"),
                staff=r.count(t.get("staff", 1), n, f"{f}.staff", 0),
            )
        )
    buffer = top.get("buffer_capacity")
    name = top.get("name", "")
    return DockProblem(
        trucks=tuple(trucks),
        docks=tuple(docks),
        staff=tuple(staff),
        buffer_capacity=None if buffer is None else r.count(buffer, None, "buffer_capacity", 0),
        name=str(name) if name is not None else "",
    )


def read_instance(path: str | Path) -> DockProblem:
    """Read a YAML instance file; the name defaults to the file stem.

    Raises
    ------
    InputError
        Missing file or invalid YAML (with its line); :class:`ConfigError` for bad content.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file as text ({exc})", source=str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"not valid YAML ({getattr(exc, 'problem', None) or exc})",
            source=str(path),
            row=None if mark is None else mark.line + 1,
        ) from None
    problem = parse_instance(data, source=str(path))
    if not problem.name:
        problem = DockProblem(
            trucks=problem.trucks,
            docks=problem.docks,
            staff=problem.staff,
            buffer_capacity=problem.buffer_capacity,
            name=path.stem,
        )
    return problem


def read_problem(path: str | Path, fmt: str | None = None) -> DockProblem:
    """Read an instance in `fmt` (``"yaml"`` or ``"dbap"``), or guessed from the extension.

    ``.yaml`` / ``.yml`` are YAML, ``.txt`` / ``.dat`` / ``.dbap`` are DBAP.

    Raises
    ------
    ConfigError
        Unknown format, or an extension that does not tell.
    """
    path = Path(path)
    if fmt is None:
        ext = path.suffix.lower()
        if ext in (".yaml", ".yml"):
            fmt = "yaml"
        elif ext in (".txt", ".dat", ".dbap"):
            fmt = "dbap"
        else:
            raise ConfigError(
                f"cannot tell the format from the extension {ext or '(none)'!r}; "
                "pass --format yaml or --format dbap",
                source=str(path),
                column="--format",
            )
    fmt = fmt.lower()
    if fmt == "yaml":
        return read_instance(path)
    if fmt == "dbap":
        return read_dbap(path)
    raise ConfigError(
        f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", column="--format"
    )
