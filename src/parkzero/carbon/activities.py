"""Activity data in and out: CSV files and inline rows, validated as a whole.

Columns (``docs/park-format.md`` has the full reference):

=============  ========  =====================================================================
column         required  meaning
=============  ========  =====================================================================
kind           yes       activity type from the catalogue, e.g. ``electricity.grid``
quantity       yes       amount, ≥ 0
unit           yes       unit of the amount, e.g. ``kWh``, ``万kWh``, ``L``, ``t``, ``t*km``
start, end     yes (*)   first and last day covered, ``YYYY-MM-DD``, inclusive
period         yes (*)   instead of start/end: ``YYYY-MM`` (a month) or ``YYYY`` (a year)
zone           no        zone id from the park file
tenant         no        tenant id from the park file
source_id      no        meter, invoice or document id (for the audit trail)
quality        no        ``measured`` (default), ``calculated`` or ``estimated``
category       no        scope 3 category override for scope 3 kinds, e.g. ``3.9``
region         no        region override for the factor lookup, e.g. a province
=============  ========  =====================================================================

A file is accepted whole or not at all: every problem is collected, and one
:class:`~parkzero.errors.InputError` names the file, the row (as a spreadsheet numbers it, header
= row 1), the column and what was expected for the first problem, followed by the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parkzero.carbon.catalogue import SCOPE3_CATEGORIES, ActivityType, activity_type, catalogue
from parkzero.carbon.models import QUALITY_TIERS, Activity
from parkzero.errors import InputError, UnitError
from parkzero.units import dimension_of, parse_unit

__all__ = [
    "ACTIVITY_COLUMNS",
    "activities_frame",
    "frame_to_activities",
    "read_activity_csv",
    "validate_frame",
    "write_activities",
]

ACTIVITY_COLUMNS = (
    "kind",
    "quantity",
    "unit",
    "start",
    "end",
    "zone",
    "tenant",
    "source_id",
    "quality",
    "category",
    "region",
)
_OPTIONAL = ("zone", "tenant", "source_id", "quality", "category", "region")
_MAX_LISTED = 10
_MASS = "[mass]"
_VOLUME = "[length] ** 3"


def _unit_problem(kind: ActivityType, unit: str) -> str | None:
    """Why `unit` cannot measure an activity of `kind`, or None if it can."""
    try:
        parse_unit(unit)
    except UnitError:
        return f'"{unit}" is not a unit parkzero knows (expected {kind.unit} or a unit convertible to it)'
    given, wanted = dimension_of(unit), dimension_of(kind.unit)
    if given == wanted:
        return None
    if kind.method == "fuel" and {given, wanted} <= {_MASS, _VOLUME}:
        return None  # litres ↔ tonnes via the fuel's density
    hint = " or a volume such as L" if kind.method == "fuel" and wanted == _MASS else ""
    return (
        f'"{unit}" is not a unit for activity "{kind.kind}" '
        f"(expected {kind.unit} or another unit of the same kind{hint})"
    )


def _parse_unique(values: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a parser to the distinct values only (activity files repeat few periods)."""
    codes, uniques = pd.factorize(values)
    parsed = parse(pd.Series(uniques, dtype=object)).to_numpy()
    out = pd.Series(parsed[codes], index=values.index)
    out[codes < 0] = pd.NaT
    return out


def _parse_date(values: pd.Series) -> pd.Series:
    return _parse_unique(
        values.str.strip(), lambda u: pd.to_datetime(u, format="%Y-%m-%d", errors="coerce")
    )


def _period_bounds(period: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Start, end and a validity mask from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` strings."""
    codes, uniques = pd.factorize(period.str.strip())
    start_u, end_u = _period_bounds_unique(pd.Series(uniques, dtype=object))
    start = pd.Series(start_u.to_numpy()[codes], index=period.index)
    end = pd.Series(end_u.to_numpy()[codes], index=period.index)
    return start, end, start.notna()


def _period_bounds_unique(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    month = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    year = pd.to_datetime(text, format="%Y", errors="coerce")
    day = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    start = month.fillna(year).fillna(day)
    end = (month + pd.offsets.MonthEnd(0)).fillna(year + pd.offsets.YearEnd(0)).fillna(day)
    return start, end


class _Problems:
    """Collects problems by (row, column) and raises them as one InputError."""

    def __init__(self, source: str, rows: np.ndarray) -> None:
        self.source = source
        self.rows = rows
        self.items: list[tuple[int | None, str | None, str]] = []
        self.count = 0

    def add(self, mask: np.ndarray | pd.Series, column: str, message: str) -> None:
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        self.count += len(idx)
        for i in idx[:_MAX_LISTED]:
            self.items.append((int(self.rows[i]), column, message))

    def add_file(self, column: str | None, message: str) -> None:
        self.count += 1
        self.items.append((None, column, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        self.items.sort(key=lambda p: p[0] or 0)
        row, column, message = self.items[0]
        rest = [
            f"  row {r}, column {c}: {m}" if r is not None else f"  column {c}: {m}"
            for r, c, m in self.items[1:_MAX_LISTED]
        ]
        more = self.count - min(len(self.items), _MAX_LISTED)
        tail = ("\n" + "\n".join(rest)) if rest else ""
        if more > 0:
            tail += f"\n  … and {more} more"
        raise InputError(
            f"{message}. Nothing was imported.{tail}", source=self.source, row=row, column=column
        )


def validate_frame(
    raw: pd.DataFrame,
    *,
    source: str,
    zones: Sequence[str] = (),
    tenants: Sequence[str] = (),
    first_row: int = 2,
) -> pd.DataFrame:
    """Validate raw activity rows (all columns as text) and return the typed frame.

    Parameters
    ----------
    raw : pandas.DataFrame
        Rows as read, every cell a string ('' when empty) [-].
    source : str
        Name of the file or origin, used in messages [-].
    zones, tenants : sequence of str
        Ids declared in the park; an empty sequence accepts no zone/tenant values [-].
    first_row : int
        Row number of the first data row as a spreadsheet shows it [-].

    Returns
    -------
    pandas.DataFrame
        Columns ``ACTIVITY_COLUMNS`` plus ``source`` and ``row``; ``quantity`` float [unit],
        ``start``/``end`` datetime64 [day].

    Raises
    ------
    InputError
        On any problem; nothing is returned half-validated.
    """
    rows = np.arange(first_row, first_row + len(raw))
    problems = _Problems(source, rows)
    cols = {c.strip().lower(): c for c in raw.columns}
    raw = raw.rename(columns={v: k for k, v in cols.items()})
    for col in ("kind", "quantity", "unit"):
        if col not in raw.columns:
            problems.add_file(col, f'missing column "{col}" (columns found: {", ".join(cols)})')
    has_dates = "start" in raw.columns and "end" in raw.columns
    if not has_dates and "period" not in raw.columns:
        problems.add_file("start", 'missing columns "start" and "end" (or one "period" column)')
    problems.raise_if_any()

    out = pd.DataFrame(index=raw.index)
    kind = raw["kind"].astype(str).str.strip()
    cat = catalogue()
    known = kind.isin(list(cat))
    for bad_kind in pd.unique(kind[~known]):
        try:
            activity_type(bad_kind)
        except InputError as exc:
            problems.add(kind == bad_kind, "kind", exc.message)
    out["kind"] = kind

    qty_text = raw["quantity"].astype(str).str.strip().str.replace(",", "", regex=False)
    qty = pd.to_numeric(qty_text, errors="coerce")
    problems.add(
        qty.isna() | ~np.isfinite(qty.fillna(0.0)),
        "quantity",
        "expected a number",
    )
    problems.add(qty < 0, "quantity", "must not be negative (record returns or credits separately)")
    out["quantity"] = qty.astype(float)

    unit = raw["unit"].astype(str).str.strip()
    pairs = pd.DataFrame({"kind": kind, "unit": unit})[known].drop_duplicates()
    for k, u in pairs.itertuples(index=False):
        why = _unit_problem(cat[k], u)
        if why:
            problems.add((kind == k) & (unit == u), "unit", why)
    out["unit"] = unit

    if has_dates:
        start = pd.to_datetime(
            raw["start"].astype(str).str.strip(), format="%Y-%m-%d", errors="coerce"
        )
        end = pd.to_datetime(raw["end"].astype(str).str.strip(), format="%Y-%m-%d", errors="coerce")
        problems.add(start.isna(), "start", "expected a date YYYY-MM-DD")
        problems.add(end.isna(), "end", "expected a date YYYY-MM-DD")
    else:
        start, end, ok = _period_bounds(raw["period"].astype(str))
        problems.add(~ok, "period", "expected YYYY-MM (a month), YYYY (a year) or YYYY-MM-DD")
    problems.add(start.notna() & end.notna() & (end < start), "end", "end is before start")
    out["start"] = start
    out["end"] = end

    for col in _OPTIONAL:
        values = raw[col].astype(str).str.strip() if col in raw.columns else ""
        out[col] = values
    for col, allowed in (("zone", zones), ("tenant", tenants)):
        given = out[col] != ""
        unknown = given & ~out[col].isin(list(allowed))
        if unknown.any():
            names = ", ".join(allowed) if allowed else "none declared in the park file"
            for value in pd.unique(out.loc[unknown, col]):
                problems.add(out[col] == value, col, f'unknown {col} "{value}" (expected {names})')
    out.loc[out["quality"] == "", "quality"] = "measured"
    problems.add(
        ~out["quality"].isin(QUALITY_TIERS),
        "quality",
        f"expected one of {', '.join(QUALITY_TIERS)}",
    )
    override = out["category"] != ""
    if override.any():
        scope3 = kind.map({k: k not in cat or cat[k].scope == 3 for k in pd.unique(kind)})
        problems.add(
            override & ~out["category"].isin(list(SCOPE3_CATEGORIES)),
            "category",
            "expected a scope 3 category id such as 3.4 or 3.9",
        )
        problems.add(
            override & ~scope3,
            "category",
            "only scope 3 activities may override their category",
        )
    problems.raise_if_any()
    out["source"] = source
    out["row"] = rows
    return out.reset_index(drop=True)


def read_activity_csv(
    path: str | Path, *, zones: Sequence[str] = (), tenants: Sequence[str] = ()
) -> pd.DataFrame:
    """Read and validate one activity CSV file (UTF-8, optional BOM, comma-separated).

    Parameters
    ----------
    path : str or Path
        The CSV file [-].
    zones, tenants : sequence of str
        Ids declared in the park [-].

    Returns
    -------
    pandas.DataFrame
        As :func:`validate_frame`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("activity file not found", source=str(path))
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
            comment=None,
        )
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text ({exc.reason}); save the file as UTF-8 CSV", source=str(path)
        ) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"malformed CSV: {exc}. Nothing was imported.", source=str(path)) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty; expected a header row with kind,quantity,unit,…", source=str(path)
        ) from None
    return validate_frame(raw, source=str(path), zones=zones, tenants=tenants)


def activities_frame(
    rows: Iterable[Mapping[str, Any] | Activity],
    *,
    source: str = "<inline>",
    zones: Sequence[str] = (),
    tenants: Sequence[str] = (),
) -> pd.DataFrame:
    """Validate activity rows given as mappings (inline YAML) or :class:`Activity` objects."""
    records: list[dict[str, str]] = []
    for item in rows:
        if isinstance(item, Activity):
            mapping: Mapping[str, Any] = {
                c: getattr(item, c) for c in ACTIVITY_COLUMNS if getattr(item, c) is not None
            }
        else:
            mapping = item
        records.append({str(k): "" if v is None else str(v) for k, v in mapping.items()})
    if not records:
        return _empty_frame()
    raw = pd.DataFrame.from_records(records).fillna("")
    return validate_frame(raw, source=source, zones=zones, tenants=tenants, first_row=1)


def frame_to_activities(frame: pd.DataFrame) -> list[Activity]:
    """Turn a validated frame back into :class:`Activity` objects."""
    out = []
    for rec in frame.to_dict("records"):
        out.append(
            Activity(
                kind=rec["kind"],
                quantity=float(rec["quantity"]),
                unit=rec["unit"],
                start=rec["start"].date(),
                end=rec["end"].date(),
                zone=rec["zone"] or None,
                tenant=rec["tenant"] or None,
                source_id=rec["source_id"] or None,
                quality=rec["quality"],
                category=rec["category"] or None,
                region=rec["region"] or None,
            )
        )
    return out


def _empty_frame() -> pd.DataFrame:
    header = ",".join(ACTIVITY_COLUMNS)
    frame = pd.read_csv(io.StringIO(header + "\n"), dtype=str)
    frame["quantity"] = frame["quantity"].astype(float)
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["source"] = ""
    frame["row"] = np.array([], dtype=int)
    return frame


def _cell(value: object) -> str:
    """Text of one CSV cell: shortest exact float (no trailing .0), '' for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def write_activities(activities: Iterable[Activity], path: str | Path) -> int:
    """Write activities as an activity CSV that :func:`read_activity_csv` reads back exactly.

    Quantities are written with full float precision [unit]; dates as ``YYYY-MM-DD``.

    Returns
    -------
    int
        Rows written [-].
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACTIVITY_COLUMNS)
        for act in activities:
            row = [getattr(act, col) for col in ACTIVITY_COLUMNS]
            writer.writerow([_cell(v) for v in row])
            count += 1
    return count
