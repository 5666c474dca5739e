"""Credits, retirements and claims in the store.

Like :mod:`parkzero.store.service`, every function takes a session, works inside a savepoint and
never commits: it does all its writes or none, and a failure leaves the session usable with
nothing of the failed call in it.

* **Import** (:func:`import_credits`, :func:`import_credits_file`): a credits file is validated
  whole before anything is written, then its batches and recorded retirements are stored in one
  savepoint. A batch already stored with the same content is left as it is (importing a file
  again changes nothing); a batch id stored with other content, or serials that overlap any
  other batch in the store (of any park), are refused and nothing of the file is imported.
* **Retire** (:func:`retire_credits`): the batches concerned are locked (``SELECT … FOR UPDATE``
  on PostgreSQL; SQLite has one writer at a time), every retirement must lie inside its batch and
  must not overlap any earlier retirement or another one of the same call. A double retirement
  is refused and nothing is retired.
* **Claims** (:func:`save_claim`, :func:`list_claims`): claims that passed their checks, with
  their validity dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.errors import InputError
from parkzero.neutrality.claim import Claim, Validity, validity_status
from parkzero.neutrality.holdings import Holding, holdings
from parkzero.neutrality.io import read_credits_file
from parkzero.neutrality.models import CreditBatch, CreditsFile, Retirement
from parkzero.neutrality.registry import SerialRange, find_overlaps
from parkzero.neutrality.tables import CreditBatchRow, CreditRetirementRow, NeutralityClaimRow
from parkzero.store.service import _atomic, _park_row

__all__ = [
    "ClaimRecord",
    "CreditImport",
    "first_claim_year",
    "import_credits",
    "import_credits_file",
    "list_claims",
    "list_holdings",
    "load_batches",
    "load_retirements",
    "retire_credits",
    "save_claim",
]

_BATCH_FIELDS = (
    "standard",
    "registry",
    "project_id",
    "project_name",
    "project_type",
    "category",
    "vintage",
    "host_country",
    "methodology",
    "note",
)


@dataclass(frozen=True)
class CreditImport:
    """What one import stored.

    Attributes
    ----------
    park_id, source : str
    batches_added, batches_unchanged : tuple of str
        Batch ids stored now, and those already stored with the same content [-].
    retirements_added : tuple of int
        Ids of the retirements stored now [-].
    retirements_unchanged : int
        Retirements of the file that were already stored [-].
    """

    park_id: str
    source: str
    batches_added: tuple[str, ...]
    batches_unchanged: tuple[str, ...]
    retirements_added: tuple[int, ...]
    retirements_unchanged: int


# --------------------------------------------------------------------------------------------
# rows and models


def _batch(row: CreditBatchRow) -> CreditBatch:
    return CreditBatch(
        id=row.id,
        standard=row.standard,  # type: ignore[arg-type]
        registry=row.registry_name,
        project_id=row.project_id,
        project_name=row.project_name,
        project_type=row.project_type,
        category=row.category,  # type: ignore[arg-type]
        vintage=row.vintage,
        serials=row.serials,
        quantity_tco2e=row.quantity_tco2e,
        host_country=row.host_country,
        methodology=row.methodology,
        note=row.note,
    )


def _batch_row(park_id: str, batch: CreditBatch, source: str) -> CreditBatchRow:
    block = batch.block
    return CreditBatchRow(
        park_id=park_id,
        id=batch.id,
        standard=batch.standard,
        registry_name=batch.registry,
        project_id=batch.project_id,
        project_name=batch.project_name,
        project_type=batch.project_type,
        category=batch.category,
        vintage=batch.vintage,
        host_country=batch.host_country,
        methodology=batch.methodology,
        note=batch.note,
        serials=block.text,
        serial_prefix=block.prefix,
        serial_suffix=block.suffix,
        serial_paired=block.paired,
        serial_width=block.width,
        serial_start=block.start,
        serial_end=block.end,
        quantity_tco2e=block.quantity,
        source=source,
    )


def _retirement(row: CreditRetirementRow) -> Retirement:
    return Retirement(
        id=row.id,
        batch_id=row.batch_id,
        serials=row.serials,
        retired_on=row.retired_on,
        beneficiary=row.beneficiary,
        period_start=row.period_start,
        period_end=row.period_end,
        purpose=row.purpose,  # type: ignore[arg-type]
        reference=row.reference,
    )


def _same_batch(row: CreditBatchRow, batch: CreditBatch) -> bool:
    stored = _batch(row)
    return stored.block == batch.block and all(
        getattr(stored, f) == getattr(batch, f) for f in _BATCH_FIELDS
    )


def _overlapping_batches(
    session: Session, block: SerialRange, *, skip: tuple[str, str] | None = None
) -> list[CreditBatchRow]:
    t = CreditBatchRow
    rows = session.scalars(
        select(t).where(
            t.standard == block.standard,
            t.serial_prefix == block.prefix,
            t.serial_suffix == block.suffix,
            t.serial_paired == block.paired,
            t.serial_start <= block.end,
            t.serial_end >= block.start,
        )
    ).all()
    return [r for r in rows if (r.park_id, r.id) != skip]


# --------------------------------------------------------------------------------------------
# reading


def load_batches(session: Session, park_id: str) -> dict[str, CreditBatch]:
    """The park's credit batches by id, in id order."""
    rows = session.scalars(
        select(CreditBatchRow).where(CreditBatchRow.park_id == park_id).order_by(CreditBatchRow.id)
    ).all()
    return {r.id: _batch(r) for r in rows}


def load_retirements(session: Session, park_id: str) -> list[Retirement]:
    """Every retirement of the park's batches (any beneficiary and period), oldest first."""
    rows = session.scalars(
        select(CreditRetirementRow)
        .where(CreditRetirementRow.park_id == park_id)
        .order_by(CreditRetirementRow.id)
    ).all()
    return [_retirement(r) for r in rows]


def list_holdings(session: Session, park_id: str) -> list[Holding]:
    """Each batch of the park with what is retired and the serial ranges still held."""
    batches = load_batches(session, park_id)
    return holdings(list(batches.values()), load_retirements(session, park_id))


# --------------------------------------------------------------------------------------------
# retiring


def _retire(
    session: Session, park_id: str, retirements: Sequence[Retirement], *, what: str
) -> list[Retirement]:
    """Check and insert retirements; the caller holds the savepoint."""
    ids = sorted({r.batch_id for r in retirements})
    rows = {
        row.id: row
        for row in session.scalars(
            select(CreditBatchRow)
            .where(CreditBatchRow.park_id == park_id, CreditBatchRow.id.in_(ids))
            .order_by(CreditBatchRow.id)
            .with_for_update()
        ).all()
    }
    blocks: list[SerialRange] = []
    for i, r in enumerate(retirements):
        row = rows.get(r.batch_id)
        if row is None:
            raise InputError(
                f'retirement {i}: park "{park_id}" holds no batch "{r.batch_id}". '
                f"Nothing was {what}.",
                column="batch_id",
            )
        batch = _batch(row)
        block = r.block(batch)
        if not batch.block.contains(block):
            raise InputError(
                f'retirement {i}: serials {block.text} are not in batch "{batch.id}" '
                f"({batch.block.text}). Nothing was {what}.",
                column="serials",
            )
        t = CreditRetirementRow
        earlier = session.scalars(
            select(t)
            .where(
                t.park_id == park_id,
                t.batch_id == batch.id,
                t.serial_start <= block.end,
                t.serial_end >= block.start,
            )
            .order_by(t.id)
            .limit(1)
        ).first()
        if earlier is not None:
            start, end = max(block.start, earlier.serial_start), min(block.end, earlier.serial_end)
            raise InputError(
                f'retirement {i}: serials {block.sub(start, end).text} of batch "{batch.id}" '
                f"were already retired (retirement #{earlier.id} on {earlier.retired_on} for "
                f"{earlier.beneficiary}, period {earlier.period_start}–{earlier.period_end}); "
                f"a credit can be retired only once. Nothing was {what}.",
                column="serials",
            )
        blocks.append(block)
    for i, j, shared in find_overlaps(blocks):
        raise InputError(
            f"retirements {i} and {j} both retire serials {shared.text}; a credit can be "
            f"retired only once. Nothing was {what}.",
            column="serials",
        )
    added = []
    for r, block in zip(retirements, blocks, strict=True):
        new = CreditRetirementRow(
            park_id=park_id,
            batch_id=r.batch_id,
            serials=block.text,
            serial_start=block.start,
            serial_end=block.end,
            quantity_tco2e=block.quantity,
            retired_on=r.retired_on,
            beneficiary=r.beneficiary,
            period_start=r.period_start,
            period_end=r.period_end,
            purpose=r.purpose,
            reference=r.reference,
        )
        session.add(new)
        session.flush()
        added.append(_retirement(new))
    return added


def retire_credits(
    session: Session, park_id: str, retirements: Sequence[Retirement]
) -> list[Retirement]:
    """Retire sub-ranges of the park's batches, all or none.

    Parameters
    ----------
    session : Session
        Open session; the caller commits.
    park_id : str
        The holder of the batches [-].
    retirements : sequence of Retirement
        What to retire; ``serials`` in the batch's notation.

    Returns
    -------
    list of Retirement
        As stored, with their ids.

    Raises
    ------
    InputError
        A batch the park does not hold, serials outside their batch, or serials already retired
        (or retired twice within `retirements`); nothing is retired.
    """
    if not retirements:
        return []
    with _atomic(session, source=f"park {park_id}", doing="retiring credits"):
        _park_row(session, park_id)
        return _retire(session, park_id, retirements, what="retired")


# --------------------------------------------------------------------------------------------
# importing


def _same_retirement(stored: Retirement, new: Retirement, block: SerialRange) -> bool:
    return (
        stored.batch_id == new.batch_id
        and stored.serials == block.text
        and stored.retired_on == new.retired_on
        and stored.beneficiary == new.beneficiary
        and stored.period_start == new.period_start
        and stored.period_end == new.period_end
    )


def import_credits(session: Session, park_id: str, credits: CreditsFile) -> CreditImport:
    """Store the batches and recorded retirements of a credits file for the holder `park_id`.

    Raises
    ------
    InputError
        The park is not stored, the file names another park, a batch id is stored with other
        content, serials overlap a batch already in the store or another batch of the file, or a
        retirement is invalid or already retired; nothing of the file is imported.
    """
    source = credits.source
    if credits.park is not None and credits.park != park_id:
        raise InputError(
            f'the file is for park "{credits.park}", not "{park_id}". Nothing was imported.',
            source=source,
            column="park",
        )
    for i, j, shared in find_overlaps([b.block for b in credits.batches]):
        a, b = credits.batches[i].id, credits.batches[j].id
        raise InputError(
            f'batches "{a}" and "{b}" share serials {shared.text}. Nothing was imported.',
            source=source,
            column=f"batches[{j}].serials",
        )
    added: list[str] = []
    unchanged: list[str] = []
    with _atomic(session, source=source, doing=f"importing credits from {source}"):
        _park_row(session, park_id)
        for i, batch in enumerate(credits.batches):
            row = session.get(CreditBatchRow, (park_id, batch.id))
            if row is not None:
                if not _same_batch(row, batch):
                    raise InputError(
                        f'batch "{batch.id}" is already stored with other content (serials '
                        f"{row.serials}, vintage {row.vintage}); give the new batch another id. "
                        "Nothing was imported.",
                        source=source,
                        column=f"batches[{i}]",
                    )
                unchanged.append(batch.id)
                continue
            clash = _overlapping_batches(session, batch.block)
            if clash:
                other = clash[0]
                raise InputError(
                    f'serials of batch "{batch.id}" overlap batch "{other.id}" of park '
                    f'"{other.park_id}" ({other.serials}); a credit can be held only once. '
                    "Nothing was imported.",
                    source=source,
                    column=f"batches[{i}].serials",
                )
            session.add(_batch_row(park_id, batch, source))
            added.append(batch.id)
        session.flush()
        batches = load_batches(session, park_id)
        stored = load_retirements(session, park_id)
        new: list[Retirement] = []
        same = 0
        for i, r in enumerate(credits.retirements):
            held = batches.get(r.batch_id)
            if held is None:
                raise InputError(
                    f'unknown batch "{r.batch_id}" (batches: {", ".join(batches) or "none"}). '
                    "Nothing was imported.",
                    source=source,
                    column=f"retirements[{i}].batch_id",
                )
            try:
                block = r.block(held)
            except InputError as exc:
                raise InputError(
                    f"{exc.message}. Nothing was imported.",
                    source=source,
                    column=f"retirements[{i}].serials",
                ) from None
            if any(_same_retirement(s, r, block) for s in stored):
                same += 1
            else:
                new.append(r)
        try:
            done = _retire(session, park_id, new, what="imported")
        except InputError as exc:
            raise InputError(exc.message, source=source, column="retirements") from None
    return CreditImport(
        park_id=park_id,
        source=source,
        batches_added=tuple(added),
        batches_unchanged=tuple(unchanged),
        retirements_added=tuple(r.id for r in done if r.id is not None),
        retirements_unchanged=same,
    )


def import_credits_file(session: Session, park_id: str, path: str | Path) -> CreditImport:
    """Read, validate and import a credits file (YAML or CSV); see :func:`import_credits`."""
    return import_credits(session, park_id, read_credits_file(path))


# --------------------------------------------------------------------------------------------
# claims


@dataclass(frozen=True)
class ClaimRecord:
    """A stored claim and where it stands.

    Attributes
    ----------
    id : int
    park_id, claim_type : str
    period_start, period_end, declared_on, valid_until : datetime.date
    footprint_tco2e : float
        [tCO2e]
    retired_tco2e : int
        [tCO2e]
    document : dict
        The claim as :meth:`Claim.to_dict` returned it when it was saved.
    """

    id: int
    park_id: str
    claim_type: str
    period_start: dt.date
    period_end: dt.date
    declared_on: dt.date
    valid_until: dt.date
    footprint_tco2e: float
    retired_tco2e: int
    document: dict[str, Any]

    def validity(self, today: dt.date | None = None) -> Validity:
        """The claim's validity on `today` (default: today) [-]."""
        settings = self.document.get("settings") or {}
        return validity_status(
            self.declared_on,
            today or dt.date.today(),
            months=int(settings.get("validity_months", 12)),
            expiring_days=int(settings.get("expiring_days", 90)),
        )

    def to_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        """JSON-able summary (without the document)."""
        return {
            "id": self.id,
            "park": self.park_id,
            "claim_type": self.claim_type,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "declared_on": self.declared_on.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "footprint_tco2e": self.footprint_tco2e,
            "retired_tco2e": self.retired_tco2e,
            "validity": self.validity(today),
        }


def save_claim(session: Session, claim: Claim) -> int:
    """Store a claim that passed its checks; return its id.

    A claim of the same park, period, type and declaration date replaces the stored one (running
    ``parkzero claim`` again does not add a second record).

    Raises
    ------
    InputError
        The claim failed a check (only qualifying claims are recorded).
    """
    if not claim.qualifies:
        failed = ", ".join(c.id for c in claim.checks if not c.passed)
        raise InputError(f"the claim failed its checks ({failed}) and cannot be recorded")
    start, end = claim.period
    t = NeutralityClaimRow
    with _atomic(session, source=f"claim {claim.park_id} {claim.year}", doing="saving a claim"):
        _park_row(session, claim.park_id)
        row = session.scalars(
            select(t).where(
                t.park_id == claim.park_id,
                t.period_start == start,
                t.period_end == end,
                t.claim_type == claim.settings.type,
                t.declared_on == claim.declared_on,
            )
        ).first()
        if row is None:
            row = NeutralityClaimRow(
                park_id=claim.park_id,
                period_start=start,
                period_end=end,
                claim_type=claim.settings.type,
                declared_on=claim.declared_on,
            )
            session.add(row)
        row.valid_until = claim.valid_until
        row.footprint_tco2e = claim.footprint.total
        row.retired_tco2e = claim.retired_tco2e
        row.document = claim.to_dict()
        session.flush()
    return row.id


def _records(rows: Iterable[NeutralityClaimRow]) -> list[ClaimRecord]:
    return [
        ClaimRecord(
            id=r.id,
            park_id=r.park_id,
            claim_type=r.claim_type,
            period_start=r.period_start,
            period_end=r.period_end,
            declared_on=r.declared_on,
            valid_until=r.valid_until,
            footprint_tco2e=r.footprint_tco2e,
            retired_tco2e=r.retired_tco2e,
            document=dict(r.document),
        )
        for r in rows
    ]


def list_claims(session: Session, park_id: str | None = None) -> list[ClaimRecord]:
    """Stored claims (of one park, or all), by period then declaration."""
    t = NeutralityClaimRow
    stmt = select(t).order_by(t.park_id, t.period_start, t.declared_on, t.id)
    if park_id is not None:
        stmt = stmt.where(t.park_id == park_id)
    return _records(session.scalars(stmt).all())


def first_claim_year(session: Session, park_id: str) -> int | None:
    """Year of the park's earliest stored claim, or None."""
    t = NeutralityClaimRow
    first = session.scalars(
        select(t.period_start).where(t.park_id == park_id).order_by(t.period_start).limit(1)
    ).first()
    return first.year if first is not None else None
