"""The tamper-evident ledger as the park sees it (``/api/parks/{park_id}/ledger``).

Checkpoints and consistency proofs are about a whole log; inclusion proofs and receipts are
given only for entries of the caller's park (its meters, readings, e-PODs and audit records), so
one park cannot fetch another's entries. A park uses the service's log
(``PARKZERO_LEDGER_ORIGIN``) and the logs its meters were enrolled in.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.routers._scope import STAFF, not_found
from parkzero.errors import InputError, ProofError
from parkzero.ledger import store as ledger
from parkzero.ledger.tables import LedgerEpod, LedgerLog
from parkzero.monitoring.tables import Meter, Reading
from parkzero.store.accounts import AuditEntry

__all__ = [
    "CheckpointOut",
    "ConsistencyOut",
    "InclusionOut",
    "ReceiptCheckOut",
    "VerifyIn",
    "router",
]

router = APIRouter(prefix="/api/parks/{park_id}/ledger", tags=["ledger"])

_LOG = Query(default=None, max_length=255, description="Log origin; default the service's log.")


class CheckpointOut(BaseModel):
    """The newest signed checkpoint of a log (C2SP signed note) and the log's current size."""

    origin: str
    log_size: int
    checkpoint_size: int | None
    root_hex: str | None
    note: str | None
    log_key: str | None


class InclusionOut(BaseModel):
    """RFC 9162 inclusion proof of one entry in the tree of ``tree_size`` leaves."""

    origin: str
    index: int
    tree_size: int
    leaf_hash_hex: str
    root_hex: str
    proof_b64: list[str]


class ConsistencyOut(BaseModel):
    """RFC 9162 consistency proof between two tree sizes."""

    origin: str
    old_size: int
    new_size: int
    old_root_hex: str
    new_root_hex: str
    proof_b64: list[str]


class VerifyIn(BaseModel):
    """A receipt (``parkzero-receipt/v1``) to verify against the log's key."""

    receipt: dict[str, Any]
    log_key: str | None = Field(
        default=None, max_length=500, description="Verifier key to pin; default the log's own."
    )


class ReceiptCheckOut(BaseModel):
    """Whether the receipt verifies, and what it proves."""

    valid: bool
    error: str | None = None
    details: dict[str, Any] | None = None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _origins(request: Request, session: Session, park_id: str) -> set[str]:
    origins = {o for o in [get_settings(request).ledger_origin] if o}
    origins.update(
        o
        for o in session.scalars(
            select(Meter.log_id)
            .where(Meter.park_id == park_id, Meter.log_id.is_not(None))
            .distinct()
        )
        if o
    )
    return origins


def _origin(request: Request, session: Session, park_id: str, log: str | None) -> str:
    origins = _origins(request, session, park_id)
    origin = log or get_settings(request).ledger_origin
    if origin is None or origin not in origins or session.get(LedgerLog, origin) is None:
        raise not_found("no such log for this park")
    return origin


def _owns_entry(session: Session, park_id: str, origin: str, index: int) -> bool:
    checks = (
        select(Reading.id).where(
            Reading.park_id == park_id, Reading.log_id == origin, Reading.ledger_index == index
        ),
        select(Meter.id).where(
            Meter.park_id == park_id, Meter.log_id == origin, Meter.ledger_index == index
        ),
        select(LedgerEpod.id).where(
            LedgerEpod.park_id == park_id,
            LedgerEpod.log_id == origin,
            LedgerEpod.ledger_index == index,
        ),
        select(AuditEntry.id).where(
            AuditEntry.park_id == park_id,
            AuditEntry.log_id == origin,
            AuditEntry.ledger_index == index,
        ),
    )
    return any(session.execute(q.limit(1)).first() is not None for q in checks)


@router.get("/checkpoint", response_model=CheckpointOut)
def checkpoint(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    log: str | None = _LOG,
    session: Session = Depends(get_session),
) -> CheckpointOut:
    """The log's size and its newest signed checkpoint (null fields when none is signed yet)."""
    origin = _origin(request, session, park_id, log)
    head = ledger.get_head(session, origin)
    cp = ledger.latest_checkpoint(session, origin)
    return CheckpointOut(
        origin=origin,
        log_size=head.size,
        checkpoint_size=None if cp is None else cp.size,
        root_hex=None if cp is None else cp.root.hex(),
        note=None if cp is None else cp.note,
        log_key=ledger.log_vkey(session, origin),
    )


@router.get("/proofs/inclusion", response_model=InclusionOut)
def inclusion(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    index: int = Query(ge=0, le=2**62),
    size: int | None = Query(default=None, ge=1, le=2**62, description="Default: the log's size."),
    log: str | None = _LOG,
    session: Session = Depends(get_session),
) -> InclusionOut:
    """Inclusion proof of an entry of this park (404 for entries of other parks)."""
    origin = _origin(request, session, park_id, log)
    if not _owns_entry(session, park_id, origin, index):
        raise not_found("no such entry for this park")
    head = ledger.get_head(session, origin)
    n = head.size if size is None else size
    proof = ledger.inclusion_proof(session, origin, index, n)
    return InclusionOut(
        origin=origin,
        index=index,
        tree_size=n,
        leaf_hash_hex=ledger.leaf_hash_at(session, origin, index).hex(),
        root_hex=ledger.root_at(session, origin, n).hex(),
        proof_b64=[_b64(p) for p in proof],
    )


@router.get("/proofs/consistency", response_model=ConsistencyOut)
def consistency(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    old: int = Query(ge=0, le=2**62, description="Earlier tree size [leaves]."),
    new: int | None = Query(default=None, ge=0, le=2**62, description="Default: the log's size."),
    log: str | None = _LOG,
    session: Session = Depends(get_session),
) -> ConsistencyOut:
    """Consistency proof from tree size ``old`` to ``new``: the log only ever grew."""
    origin = _origin(request, session, park_id, log)
    head = ledger.get_head(session, origin)
    n = head.size if new is None else new
    if n > head.size:
        raise InputError(f"new size {n} is beyond the log's size {head.size}", column="new")
    proof = ledger.consistency_proof(session, origin, old, n)
    return ConsistencyOut(
        origin=origin,
        old_size=old,
        new_size=n,
        old_root_hex=ledger.root_at(session, origin, old).hex(),
        new_root_hex=ledger.root_at(session, origin, n).hex(),
        proof_b64=[_b64(p) for p in proof],
    )


@router.get("/receipts/{index}", response_model=dict[str, Any])
def receipt(
    park_id: str,
    index: int,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    log: str | None = _LOG,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """An offline-verifiable receipt of an entry of this park (``parkzero-receipt/v1``)."""
    from parkzero.ledger.receipt import make_receipt

    origin = _origin(request, session, park_id, log)
    if index < 0 or not _owns_entry(session, park_id, origin, index):
        raise not_found("no such entry for this park")
    return make_receipt(session, origin, index)


@router.post("/receipts/verify", response_model=ReceiptCheckOut)
def verify(
    park_id: str,
    body: VerifyIn,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> ReceiptCheckOut:
    """Verify a receipt: checkpoint signature, inclusion proof, e-POD signatures.

    The key is the one given, else the one the store recorded for the receipt's log.
    """
    from parkzero.ledger.note import Verifier
    from parkzero.ledger.receipt import verify_receipt

    key_text = body.log_key
    origin = body.receipt.get("origin")
    if key_text is None and isinstance(origin, str):
        key_text = ledger.log_vkey(session, origin)
    try:
        key = Verifier.from_vkey(key_text) if key_text else None
        check = verify_receipt(body.receipt, key)
    except (ProofError, InputError, ValueError, TypeError, KeyError) as exc:
        return ReceiptCheckOut(valid=False, error=str(exc))
    return ReceiptCheckOut(valid=True, details=check.to_dict())
