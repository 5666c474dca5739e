"""Parks, activity data and inventory results in and out of the store.

Every function takes a :class:`~sqlalchemy.orm.Session` and works inside a savepoint: it either
does all its writes or none, and it never commits — the caller owns the transaction (see
:func:`parkzero.store.session.session_scope`). A failure leaves the session usable with nothing
of the failed call in it.

Import semantics
----------------
* One file is one :class:`~parkzero.store.models.ImportBatch`. A file is validated as a whole by
  :mod:`parkzero.carbon.activities` before anything is written; one bad row rejects the file with
  an :class:`~parkzero.errors.InputError` naming file, row and column.
* A database failure during the insert (a constraint, a lost connection) rolls the batch back:
  no rows and no batch are left behind.
* A file is identified by its content (SHA-256 of its bytes) and by its name (the last path
  component). Importing content that is already in the park, or a file whose name is already in
  the park with other content, is refused with an error naming the earlier batch — unless
  ``replace=True``, which deletes the earlier batch and inserts the new one in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from parkzero.carbon.activities import ACTIVITY_COLUMNS, activities_frame, read_activity_csv
from parkzero.carbon.models import QUALITY_TIERS
from parkzero.carbon.park import Park as ParkModel
from parkzero.errors import ConfigError, InputError
from parkzero.store import models as db
from parkzero.store._bulk import insert_rows
from parkzero.store.errors import StoreError

__all__ = [
    "ImportResult",
    "get_park",
    "import_activities",
    "import_activity_file",
    "import_park",
    "latest_inventory",
    "latest_inventory_run",
    "load_activities",
    "save_inventory",
    "save_park",
    "sha256_bytes",
]

_REQUIRED = ("kind", "quantity", "unit", "start", "end")
_OPTIONAL = ("zone", "tenant", "source_id", "quality", "category", "region")
_TEXT_COLUMNS = ("kind", "unit", *_OPTIONAL)
_LINE_COLUMNS = {  # key in the engine's line dict -> column of InventoryLine
    "id": "line_id",
    "scope": "scope",
    "category": "category",
    "kind": "kind",
    "zone": "zone",
    "tenant": "tenant",
    "quantity": "quantity",
    "unit": "unit",
    "quantity_factor_unit": "quantity_factor_unit",
    "factor_id": "factor_id",
    "factor_value": "factor_value",
    "factor_unit": "factor_unit",
    "factor_source": "factor_source",
    "tco2e": "tco2e",
    "tco2e_market": "tco2e_market",
    "market_factor_id": "market_factor_id",
    "quality": "quality",
}
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_TOTALS = (
    "total_tco2e",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "scope3_tco2e",
)


@dataclass(frozen=True)
class ImportResult:
    """What one import stored.

    Attributes
    ----------
    batch_id : int
        Id of the new :class:`~parkzero.store.models.ImportBatch` [-].
    park_id, source, kind, sha256 : str
        Park, file name as given, ``csv``/``inline``/``frame``, content digest [-].
    rows : int
        Activity rows stored [-].
    replaced : tuple of int
        Ids of earlier batches this import replaced (empty unless ``replace=True``) [-].
    """

    batch_id: int
    park_id: str
    source: str
    kind: str
    sha256: str
    rows: int
    replaced: tuple[int, ...] = ()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 digest of `data`, the identity of an imported file's content.

    Examples
    --------
    >>> sha256_bytes(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------------
# transactions and errors


def _first_line(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def _atomic(session: Session, *, source: str | None, doing: str) -> Iterator[None]:
    """Run a block in a savepoint; database errors become parkzero errors, nothing is kept."""
    try:
        with session.begin_nested():
            yield
    except (IntegrityError, DataError) as exc:
        raise InputError(
            f"the database refused the data ({_first_line(exc)}). Nothing was imported.",
            source=source,
        ) from exc
    except SQLAlchemyError as exc:
        raise StoreError.from_db(exc, url=session.get_bind().engine.url, doing=doing) from exc


def _table(model: type[db.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _park_row(session: Session, park_id: str) -> db.Park:
    row = session.get(db.Park, park_id)
    if row is None:
        raise InputError(
            f'park "{park_id}" is not in the store; import its park file first '
            "(`parkzero db import PARK.yaml`)",
            column="park",
        )
    return row


# --------------------------------------------------------------------------------------------
# parks


def save_park(session: Session, park: ParkModel) -> None:
    """Insert or update a park with its zones and tenants.

    The park's validated description is kept whole in ``parks.settings`` (see :func:`get_park`).
    Zones and tenants no longer in the park are deleted.

    Raises
    ------
    ConfigError
        A zone or tenant that was removed from the park is still used by imported activities.
    """
    with _atomic(session, source=f"park {park.id}", doing=f"saving park {park.id}"):
        row = session.get(db.Park, park.id)
        settings = park.model_dump(mode="json")
        if row is None:
            row = db.Park(id=park.id, name=park.name, region=park.region, settings=settings)
            session.add(row)
        else:
            row.name, row.region, row.settings = park.name, park.region, settings
        _sync_children(session, row, park)
        session.flush()


def _sync_children(session: Session, row: db.Park, park: ParkModel) -> None:
    zones = {z.id: z for z in row.zones}
    tenants = {t.id: t for t in row.tenants}
    for label, column, gone in (
        ("zone", db.Activity.zone, set(zones) - set(park.zone_ids)),
        ("tenant", db.Activity.tenant, set(tenants) - set(park.tenant_ids)),
    ):
        if not gone:
            continue
        used = session.execute(
            select(column, func.count())
            .where(db.Activity.park_id == park.id, column.in_(gone))
            .group_by(column)
        ).all()
        if used:
            name, count = used[0]
            raise ConfigError(
                f'{label} "{name}" is no longer in the park but {count} imported activity rows '
                f"use it; keep the {label} or re-import those files with --replace first",
                source=f"park {park.id}",
                column=f"{label}s",
            )
    for zone in park.zones:
        z = zones.get(zone.id) or db.Zone(id=zone.id)
        z.name, z.area_m2, z.equity_share = zone.name, zone.area_m2, zone.equity_share
        z.financial_control = zone.financial_control
        z.operational_control = zone.operational_control
        if zone.id not in zones:
            row.zones.append(z)
    for zone_id in set(zones) - set(park.zone_ids):
        row.zones.remove(zones[zone_id])
    for tenant in park.tenants:
        t = tenants.get(tenant.id) or db.Tenant(id=tenant.id)
        t.name, t.zones, t.area_m2 = tenant.name, list(tenant.zones), tenant.area_m2
        t.operational_control = tenant.operational_control
        if tenant.id not in tenants:
            row.tenants.append(t)
    for tenant_id in set(tenants) - set(park.tenant_ids):
        row.tenants.remove(tenants[tenant_id])


def get_park(session: Session, park_id: str) -> ParkModel:
    """The park as it was last saved, rebuilt from its stored settings.

    Raises
    ------
    InputError
        The park is not in the store.
    """
    row = _park_row(session, park_id)
    return ParkModel.model_validate(row.settings)


# --------------------------------------------------------------------------------------------
# activities


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column with missing values (absent column, None, NaN) as ''."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    values = frame[column]
    if values.isna().any():
        values = values.astype(object).where(values.notna(), "")
    return values.astype("str")


def _check_rows(frame: pd.DataFrame, source: str, zones: set[str], tenants: set[str]) -> None:
    """The database's invariants, checked first so that an error can name the row and column.

    `frame` is normally validated by :mod:`parkzero.carbon.activities` already; this guards
    frames built by other code. The first problem raises.
    """
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f'missing column "{missing[0]}" (expected {", ".join(ACTIVITY_COLUMNS)}). '
            "Nothing was imported.",
            source=source,
            column=missing[0],
        )
    rows = _source_rows(frame)
    qty = pd.to_numeric(frame["quantity"], errors="coerce").to_numpy(dtype=float)
    start, end = _as_datetime(frame["start"]), _as_datetime(frame["end"])
    zone, tenant, quality = _text(frame, "zone"), _text(frame, "tenant"), _text(frame, "quality")
    checks: list[tuple[np.ndarray, str, str]] = [
        (_text(frame, "kind").eq("").to_numpy(), "kind", "expected an activity type"),
        (_text(frame, "unit").eq("").to_numpy(), "unit", "expected a unit"),
        (~np.isfinite(qty), "quantity", "expected a number"),
        (qty < 0, "quantity", "must not be negative"),
        (start.isna().to_numpy(), "start", "expected a date"),
        (end.isna().to_numpy(), "end", "expected a date"),
        ((end < start).to_numpy(), "end", "end is before start"),
        (
            (quality.ne("") & ~quality.isin(QUALITY_TIERS)).to_numpy(),
            "quality",
            f"expected one of {', '.join(QUALITY_TIERS)}",
        ),
        (
            (zone.ne("") & ~zone.isin(zones)).to_numpy(),
            "zone",
            f"unknown zone (expected {', '.join(sorted(zones)) or 'none: the park has no zones'})",
        ),
        (
            (tenant.ne("") & ~tenant.isin(tenants)).to_numpy(),
            "tenant",
            f"unknown tenant (expected "
            f"{', '.join(sorted(tenants)) or 'none: the park has no tenants'})",
        ),
    ]
    bad = [(int(np.flatnonzero(m)[0]), column, msg) for m, column, msg in checks if m.any()]
    if bad:
        i, column, msg = min(bad)
        value = frame[column].iloc[i]
        raise InputError(
            f'{msg}, got "{value}". Nothing was imported.',
            source=source,
            row=int(rows[i]),
            column=column,
        )


def _source_rows(frame: pd.DataFrame) -> np.ndarray:
    if "row" in frame.columns:
        return frame["row"].to_numpy(dtype=np.int64)
    return np.arange(2, 2 + len(frame), dtype=np.int64)  # header is row 1


def _nullable(frame: pd.DataFrame, column: str) -> list[str | None]:
    values = _text(frame, column)
    return values.astype(object).where(values != "", None).tolist()


def _as_datetime(values: pd.Series) -> pd.Series:
    """Dates as datetime64; text must be ISO 8601 (``YYYY-MM-DD``), anything else is NaT."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pd.to_datetime(values, format="ISO8601", errors="coerce")


def _dates(values: pd.Series) -> list[dt.date]:
    days: list[dt.date] = _as_datetime(values).to_numpy(dtype="datetime64[D]").tolist()
    return days


def _activity_columns(frame: pd.DataFrame, park_id: str, batch_id: int) -> dict[str, list[Any]]:
    quality = _text(frame, "quality").replace("", "measured").tolist()
    n = len(frame)
    return {
        "park_id": [park_id] * n,
        "batch_id": [batch_id] * n,
        "source_row": _source_rows(frame).tolist(),
        "kind": _text(frame, "kind").tolist(),
        "quantity": pd.to_numeric(frame["quantity"]).astype(float).tolist(),
        "unit": _text(frame, "unit").tolist(),
        "start": _dates(frame["start"]),
        "end": _dates(frame["end"]),
        "quality": quality,
        **{c: _nullable(frame, c) for c in ("zone", "tenant", "source_id", "category", "region")},
    }


def _earlier_batches(
    session: Session, park_id: str, source: str, sha256: str
) -> list[db.ImportBatch]:
    """Batches of the park with the same content or the same file name."""
    name = PurePath(source).name
    batches = session.scalars(
        select(db.ImportBatch).where(db.ImportBatch.park_id == park_id).order_by(db.ImportBatch.id)
    ).all()
    return [b for b in batches if b.sha256 == sha256 or PurePath(b.file_name).name == name]


def _describe(batch: db.ImportBatch) -> str:
    when = batch.imported_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = f"{batch.row_count:,} row{'' if batch.row_count == 1 else 's'}"
    return f'batch {batch.id} ("{batch.file_name}", {rows}, imported {when})'


def import_activities(
    session: Session,
    park_id: str,
    frame: pd.DataFrame,
    *,
    source: str,
    content_sha256: str,
    replace: bool = False,
    kind: str = "frame",
) -> ImportResult:
    """Store validated activity rows as one import batch: all rows or none.

    Parameters
    ----------
    session : Session
        Open session; the caller commits.
    park_id : str
        A park already in the store (:func:`save_park`) [-].
    frame : pandas.DataFrame
        Rows as :func:`parkzero.carbon.activities.validate_frame` returns them; ``row`` gives
        the row number in the file used in messages and kept as ``source_row`` [-].
    source : str
        The file name as given; kept as the batch's ``file_name`` and returned as the
        ``source`` column by :func:`load_activities` [-].
    content_sha256 : str
        Hex SHA-256 of the file's bytes (:func:`sha256_bytes`) [-].
    replace : bool
        Replace earlier batches of the same content or file name instead of refusing [-].
    kind : {"frame", "csv", "inline"}
        What was imported [-].

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        A row the database cannot hold (naming file, row and column), a duplicate import
        (naming the earlier batch), or a database constraint that refused the data.
    StoreError
        The database failed; nothing was written.
    """
    with _atomic(session, source=source, doing=f"importing {source}"):
        _park_row(session, park_id)
        zones = set(session.scalars(select(db.Zone.id).where(db.Zone.park_id == park_id)))
        tenants = set(session.scalars(select(db.Tenant.id).where(db.Tenant.park_id == park_id)))
        _check_rows(frame, source, zones, tenants)
        earlier = _earlier_batches(session, park_id, source, content_sha256)
        if earlier and not replace:
            same = [b for b in earlier if b.sha256 == content_sha256]
            what = (
                "this content was already imported"
                if same
                else ("a file of this name was already imported with other content")
            )
            raise InputError(
                f"{what} as {_describe((same or earlier)[0])}; pass replace=True "
                "(`--replace`) to replace it. Nothing was imported.",
                source=source,
            )
        replaced = tuple(b.id for b in earlier)
        if replaced:
            session.execute(delete(db.Activity).where(db.Activity.batch_id.in_(replaced)))
            session.execute(delete(db.ImportBatch).where(db.ImportBatch.id.in_(replaced)))
        batch = db.ImportBatch(
            park_id=park_id,
            kind=kind,
            file_name=source,
            sha256=content_sha256,
            row_count=len(frame),
        )
        session.add(batch)
        session.flush()
        columns = _activity_columns(frame, park_id, batch.id)
        rows = insert_rows(session.connection(), _table(db.Activity), columns)
    return ImportResult(
        batch_id=batch.id,
        park_id=park_id,
        source=source,
        kind=kind,
        sha256=content_sha256,
        rows=rows,
        replaced=replaced,
    )


def _read_file(park: ParkModel, path: Path) -> tuple[pd.DataFrame, str]:
    frame = read_activity_csv(path, zones=park.zone_ids, tenants=park.tenant_ids)
    return frame, sha256_bytes(path.read_bytes())


def import_activity_file(
    session: Session, park: ParkModel, path: str | Path, *, replace: bool = False
) -> ImportResult:
    """Validate one activity CSV file against `park` and import it (saving the park first).

    Nothing is written unless the whole file is valid; see :func:`import_activities`.
    """
    path = Path(path)
    frame, digest = _read_file(park, path)
    with _atomic(session, source=str(path), doing=f"importing {path}"):
        save_park(session, park)
        return import_activities(
            session,
            park.id,
            frame,
            source=str(path),
            content_sha256=digest,
            replace=replace,
            kind="csv",
        )


def import_park(session: Session, park: ParkModel, *, replace: bool = False) -> list[ImportResult]:
    """Save a park and import all its activity files and inline rows in one savepoint.

    Every file is read and validated before anything is written; one bad file imports nothing.

    Returns
    -------
    list of ImportResult
        One per file, in the park file's order; inline rows last (source ``park.activities``).
    """
    items: list[tuple[pd.DataFrame, str, str, str]] = []
    for path in park.activity_files():
        frame, digest = _read_file(park, path)
        items.append((frame, str(path), digest, "csv"))
    inline = park.inline_activities()
    if inline:
        source = "park.activities"
        frame = activities_frame(
            inline, source=source, zones=park.zone_ids, tenants=park.tenant_ids
        )
        canonical = json.dumps(inline, sort_keys=True, ensure_ascii=False, default=str)
        items.append((frame, source, sha256_bytes(canonical.encode()), "inline"))
    seen: dict[str, str] = {}
    for _, source, digest, _ in items:
        if digest in seen:
            raise InputError(
                f'same content as "{seen[digest]}"; a park must not list one file twice. '
                "Nothing was imported.",
                source=source,
            )
        seen[digest] = source
    with _atomic(session, source=f"park {park.id}", doing=f"importing park {park.id}"):
        save_park(session, park)
        return [
            import_activities(
                session,
                park.id,
                frame,
                source=source,
                content_sha256=digest,
                replace=replace,
                kind=kind,
            )
            for frame, source, digest, kind in items
        ]


def load_activities(session: Session, park_id: str, year: int | None = None) -> pd.DataFrame:
    """The park's stored activity rows in import order, shaped as the validator returns them.

    Parameters
    ----------
    park_id : str
        Park in the store [-].
    year : int, optional
        Only rows whose period overlaps this calendar year (the inventory engine pro-rates
        them by days) [-].

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~parkzero.carbon.activities.ACTIVITY_COLUMNS` plus ``source`` (the
        batch's file name) and ``row`` (row in that file); empty optional fields as ``''``;
        ``quantity`` float [unit]; ``start``/``end`` datetime64 [day].
    """
    _park_row(session, park_id)
    a = db.Activity
    stmt = (
        select(
            a.kind,
            a.quantity,
            a.unit,
            a.start,
            a.end,
            a.zone,
            a.tenant,
            a.source_id,
            a.quality,
            a.category,
            a.region,
            db.ImportBatch.file_name,
            a.source_row,
        )
        .join(db.ImportBatch, db.ImportBatch.id == a.batch_id)
        .where(a.park_id == park_id)
        .order_by(a.id)
    )
    if year is not None:
        stmt = stmt.where(a.start <= dt.date(year, 12, 31), a.end >= dt.date(year, 1, 1))
    result = session.execute(stmt).all()
    names = [*ACTIVITY_COLUMNS, "source", "row"]
    columns = dict(zip(names, zip(*result, strict=True), strict=True)) if result else {}
    out: dict[str, Any] = {}
    for name in names:
        values = list(columns.get(name, ()))
        if name == "quantity":
            out[name] = np.asarray(values, dtype=float)
        elif name in ("start", "end"):
            days = np.fromiter((d.toordinal() for d in values), np.int64, len(values))
            out[name] = (days - _EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[us]")
        elif name == "row":
            out[name] = np.asarray(values, dtype=np.int64)
        else:
            out[name] = pd.array(["" if v is None else v for v in values], dtype="str")
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------
# inventory results


def _jsonable(value: Any) -> Any:
    """Plain JSON data: numpy scalars as Python, NaN/inf as None, dates as ISO text."""
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str | bool | int) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _factor_rows(factors_used: Sequence[Any], run_id: int) -> list[dict[str, Any]]:
    """One row per factor and gas from Factor objects or mappings with the same fields."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for factor in factors_used:
        factor_id = str(_get(factor, "id", None) or _get(factor, "factor_id"))
        unit = str(_get(factor, "unit", "") or "")
        gases = _get(factor, "gases")
        if gases is None:  # already flat: one gas per item
            gases = {_get(factor, "gas", "CO2e"): _get(factor, "value", 0.0)}
        per = unit if unit.startswith("kg") else f"kg/{unit}"
        year = _get(factor, "year")
        version = _get(factor, "version")
        common = {
            "run_id": run_id,
            "factor_id": factor_id,
            "unit": per,
            "source": str(_get(factor, "source", "") or ""),
            "version": None if version is None else str(version),
            "kind": _get(factor, "kind") or None,
            "factor_set": _get(factor, "factor_set") or None,
            "region": _get(factor, "region") or None,
            "year": None if year is None else int(year),
        }
        for gas, value in (gases or {"CO2e": 0.0}).items():
            rows[(factor_id, str(gas))] = {**common, "gas": str(gas), "value": float(value)}
    return list(rows.values())


def save_inventory(
    session: Session,
    park_id: str,
    result: Mapping[str, Any],
    factors_used: Sequence[Any] = (),
) -> int:
    """Store one inventory result and the factors it used; return the run id.

    Parameters
    ----------
    result : mapping
        The inventory engine's JSON (``InventoryResult.to_dict()``): the totals become columns,
        ``lines`` rows of ``inventory_lines``, everything else the ``result`` JSON.
    factors_used : sequence
        ``InventoryResult.factors_used``: objects (or mappings) with ``id``, ``gases``
        (kg of gas per unit), ``unit``, ``source``, ``version`` and optionally ``kind``,
        ``factor_set``, ``region``, ``year``.

    Raises
    ------
    InputError
        The result is for another park or lacks a required figure.
    """
    if result.get("park", park_id) != park_id:
        raise InputError(
            f'the result is for park "{result["park"]}", not "{park_id}"', column="park"
        )
    for key in ("year", "gwp_set", *_TOTALS):
        if key not in result:
            raise InputError(f'the inventory result has no "{key}"', column=key)
    summary = _jsonable({k: v for k, v in result.items() if k != "lines"})
    lines = result.get("lines")
    records: list[dict[str, Any]] = [] if lines is None else [_jsonable(line) for line in lines]
    line_keys = None if lines is None else (list(records[0]) if records else [])
    line_columns: dict[str, list[Any]] = {
        col: [line.get(key) for line in records] for key, col in _LINE_COLUMNS.items()
    }
    line_columns["position"] = list(range(len(records)))
    line_columns["extra"] = [
        {k: v for k, v in line.items() if k not in _LINE_COLUMNS} or None for line in records
    ]
    with _atomic(session, source=f"inventory {park_id} {result['year']}", doing="saving"):
        _park_row(session, park_id)
        run = db.InventoryRun(
            park_id=park_id,
            year=int(result["year"]),
            gwp_set=str(result["gwp_set"]),
            factor_sets=list(summary.get("factor_sets") or []),
            **{key: float(result[key]) for key in _TOTALS},
            line_count=len(records),
            line_keys=line_keys,
            result=summary,
        )
        session.add(run)
        session.flush()
        line_columns["run_id"] = [run.id] * len(records)
        insert_rows(session.connection(), _table(db.InventoryLine), line_columns)
        factor_rows = _factor_rows(factors_used, run.id)
        if factor_rows:
            session.execute(insert(db.FactorUsed), factor_rows)
    return run.id


def latest_inventory_run(session: Session, park_id: str, year: int) -> db.InventoryRun | None:
    """The most recent stored run of a park and year (with ``factors``), or None."""
    return session.scalars(
        select(db.InventoryRun)
        .where(db.InventoryRun.park_id == park_id, db.InventoryRun.year == year)
        .order_by(db.InventoryRun.created_at.desc(), db.InventoryRun.id.desc())
        .limit(1)
    ).first()


def latest_inventory(session: Session, park_id: str, year: int) -> dict[str, Any] | None:
    """The most recent stored inventory of a park and year as the engine's dict, or None.

    The dict is the one given to :func:`save_inventory` as JSON (NaN as None, numpy numbers as
    Python numbers), with ``lines`` when the saved result had them.
    """
    run = latest_inventory_run(session, park_id, year)
    if run is None:
        return None
    out = dict(run.result)
    if run.line_keys is not None:
        table = db.InventoryLine
        keys = run.line_keys
        columns = [getattr(table, col) for col in _LINE_COLUMNS.values()]
        rows = session.execute(
            select(*columns, table.extra).where(table.run_id == run.id).order_by(table.position)
        )
        lines = []
        for *values, extra in rows:
            line = dict(zip(_LINE_COLUMNS, values, strict=True))
            lines.append({key: line.get(key) for key in keys} | (extra or {}))
        out["lines"] = lines
    return out
