"""Reading credits files: YAML (batches, retirements, claim settings) or CSV (batches).

YAML::

    park: demo-wuhan                 # the holder; optional
    batches:
      - id: VCS-1529-2021
        standard: VCS
        project_id: "1529"
        project_type: wind
        category: avoidance
        vintage: 2021
        serials: 9012-70153245-70163244-VCS-VCU-263-VER-CN-1-1529-01012021-31122021-0
        quantity_tco2e: 10000
    retirements:                     # retirements already made in a registry; optional
      - {batch_id: VCS-1529-2021, serials: …, retired_on: 2025-03-31, beneficiary: demo-wuhan,
         period_start: 2024-01-01, period_end: 2024-12-31}
    claim: {type: carbon_neutral, reduction_plan: CMP-2024}     # ClaimSettings; optional

CSV: one batch per row, the batch fields as columns (``id, standard, registry, project_id,
project_name, project_type, category, vintage, serials, quantity_tco2e, host_country,
methodology, note``). The whole file is validated before anything uses it; the first problem
raises an :class:`~parkzero.errors.InputError` naming file, row (as a spreadsheet numbers it) or
item, and field.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from parkzero.errors import InputError
from parkzero.neutrality.models import CreditBatch, CreditsFile, Retirement

__all__ = ["BATCH_COLUMNS", "parse_credits", "read_credits_file"]

#: Columns of a credits CSV (required ones first).
BATCH_COLUMNS = (
    "id",
    "standard",
    "project_id",
    "project_type",
    "category",
    "vintage",
    "serials",
    "quantity_tco2e",
    "registry",
    "project_name",
    "host_country",
    "methodology",
    "note",
)
_TOP_KEYS = ("park", "batches", "retirements", "claim")


def _field_path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validate(
    model: type[BaseModel], data: Any, *, source: str, row: int | None, prefix: str
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = _field_path(loc) if loc else ""
        msg = str(first["msg"]).removeprefix("Value error, ")
        value = first.get("input")
        if loc and not isinstance(value, dict | list):
            msg = f'{msg}, got "{value}"'
        where = f"{prefix}.{field}" if prefix and field else (prefix or field or None)
        raise InputError(
            f"{msg}. Nothing was imported.", source=source, row=row, column=where
        ) from None


def _check_unique(batches: Sequence[CreditBatch], source: str) -> None:
    seen: dict[str, int] = {}
    for i, batch in enumerate(batches):
        if batch.id in seen:
            raise InputError(
                f'batch id "{batch.id}" is used twice (items {seen[batch.id]} and {i}). '
                "Nothing was imported.",
                source=source,
                column=f"batches[{i}].id",
            )
        seen[batch.id] = i


def parse_credits(data: Any, *, source: str = "<credits>", sha256: str = "") -> CreditsFile:
    """Validate the parsed YAML of a credits file.

    Raises
    ------
    InputError
        Naming `source` and the field path (``batches[2].serials``) of the first problem.
    """
    if not isinstance(data, Mapping):
        raise InputError(
            "expected a mapping with `batches:` (and optionally `retirements:`, `claim:`, `park:`)",
            source=source,
        )
    unknown = [k for k in data if k not in _TOP_KEYS]
    if unknown:
        raise InputError(
            f'unknown section "{unknown[0]}" (expected {", ".join(_TOP_KEYS)})',
            source=source,
            column=str(unknown[0]),
        )
    raw_batches = data.get("batches") or []
    raw_retirements = data.get("retirements") or []
    for key, value in (("batches", raw_batches), ("retirements", raw_retirements)):
        if not isinstance(value, list):
            raise InputError("expected a list", source=source, column=key)
    claim = data.get("claim") or {}
    if not isinstance(claim, Mapping):
        raise InputError("expected a mapping of claim settings", source=source, column="claim")
    batches = tuple(
        _validate(CreditBatch, item, source=source, row=None, prefix=f"batches[{i}]")
        for i, item in enumerate(raw_batches)
    )
    _check_unique(batches, source)
    retirements = tuple(
        _validate(Retirement, item, source=source, row=None, prefix=f"retirements[{i}]")
        for i, item in enumerate(raw_retirements)
    )
    park = data.get("park")
    return CreditsFile(
        source=source,
        batches=batches,
        retirements=retirements,
        claim=dict(claim),
        park=None if park is None else str(park),
        sha256=sha256,
    )


def _read_csv(text: str, source: str, sha256: str) -> CreditsFile:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in BATCH_COLUMNS[:7] if c not in header]
    if missing:
        raise InputError(
            f'missing column "{missing[0]}" (expected {", ".join(BATCH_COLUMNS)}). '
            "Nothing was imported.",
            source=source,
            row=1,
            column=missing[0],
        )
    unknown = [h for h in header if h not in BATCH_COLUMNS]
    if unknown:
        raise InputError(
            f'unknown column "{unknown[0]}" (expected {", ".join(BATCH_COLUMNS)}). '
            "Nothing was imported.",
            source=source,
            row=1,
            column=unknown[0],
        )
    batches: list[CreditBatch] = []
    for number, record in enumerate(reader, start=2):
        item = {k.strip(): v.strip() for k, v in record.items() if k is not None and v is not None}
        item = {k: v for k, v in item.items() if v != ""}
        batch = _validate(CreditBatch, item, source=source, row=number, prefix="")
        if batch.id in {b.id for b in batches}:
            raise InputError(
                f'batch id "{batch.id}" is used twice. Nothing was imported.',
                source=source,
                row=number,
                column="id",
            )
        batches.append(batch)
    return CreditsFile(source=source, batches=tuple(batches), sha256=sha256)


def read_credits_file(path: str | Path) -> CreditsFile:
    """Read and validate a credits file (``.yaml``/``.yml`` or ``.csv``).

    Raises
    ------
    InputError
        The file is missing, not YAML/CSV, or invalid; the message names the file, row or item
        and field.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("credits file not found", source=source)
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=source) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(text, source, digest)
    if suffix not in (".yaml", ".yml"):
        raise InputError(
            f'unknown file type "{suffix}" (expected .yaml, .yml or .csv)', source=source
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError(f"not valid YAML: {exc}", source=source, row=row) from None
    return parse_credits(data, source=source, sha256=digest)
