"""Electronic proof of delivery (e-POD, 无纸化交接): a delivery document signed by both parties.

An e-POD is a signed note (:mod:`parkzero.ledger.note`) whose text is one line of JSON — the
document in canonical form (sorted keys, no white space) — and a newline::

    {"carrier":{"id":"sf-express","key":"sf-express+1a2b3c4d+AX..."},"delivered_at":"2024-03-01T08:15:00Z",
     "id":"POD-2024-000123","items":[{"qty":12,"sku":"frozen-dumplings-1kg"}],"park":"wuhan-demo",
     "receiver":{"id":"coldco","key":"coldco+5e6f7a8b+AX..."},"sheets":3,"shipment":"SF1234567890",
     "type":"epod/v1"}

    — sf-express base64(...)
    — coldco base64(...)

The document names both parties' Ed25519 verifier keys, and both sign the same text: the carrier
when it hands over, the receiver when it accepts. :func:`open_epod` accepts it only with both
signatures. Logged with :func:`log_epod`, the whole note becomes a ledger entry; a receipt
(:mod:`parkzero.ledger.receipt`) then proves it offline. ``sheets`` is the number of paper
sheets the paper process would have used (waybill copies, delivery note); the sum feeds the
paperless lever (:func:`paperless_lever`) as ``material.waybill`` activity data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parkzero.carbon.models import Activity, LeverResult
from parkzero.errors import InputError, ProofError
from parkzero.ledger.note import ALG_ED25519, Signer, Verifier, open_note, sign_note

__all__ = [
    "EPOD_TYPE",
    "Epod",
    "epod_text",
    "log_epod",
    "open_epod",
    "paper_sheets",
    "paperless_lever",
    "sign_epod",
]

EPOD_TYPE = "epod/v1"
_TS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_REQUIRED = ("id", "carrier", "receiver", "delivered_at")


@dataclass(frozen=True)
class Epod:
    """An opened e-POD with both signatures verified."""

    id: str
    park: str | None
    carrier: str
    receiver: str
    delivered_at: dt.datetime
    sheets: int
    document: Mapping[str, Any]
    note: str


def _party(doc: Mapping[str, Any], role: str) -> Verifier:
    party = doc.get(role)
    if not isinstance(party, Mapping) or not isinstance(party.get("key"), str):
        raise InputError(f'"{role}" must be {{"id": ..., "key": "<verifier key>"}}', column=role)
    try:
        verifier = Verifier.from_vkey(party["key"])
    except ProofError as exc:
        raise InputError(f"{role} key: {exc}", column=role) from exc
    if verifier.alg != ALG_ED25519:
        raise InputError(f"{role} key must be an Ed25519 note key", column=role)
    return verifier


def _check(doc: Mapping[str, Any]) -> tuple[Verifier, Verifier]:
    if not isinstance(doc, Mapping):
        raise InputError("an e-POD document is a JSON object")
    if doc.get("type", EPOD_TYPE) != EPOD_TYPE:
        raise InputError(f'"type" must be "{EPOD_TYPE}"', column="type")
    for name in _REQUIRED:
        if name not in doc:
            raise InputError(f'an e-POD needs "{name}"', column=name)
    if not isinstance(doc["id"], str) or not doc["id"] or len(doc["id"]) > 255:
        raise InputError("the document id must be text of 1-255 characters", column="id")
    if not isinstance(doc["delivered_at"], str) or not _TS.fullmatch(doc["delivered_at"]):
        raise InputError('"delivered_at" must be YYYY-MM-DDTHH:MM:SSZ (UTC)', column="delivered_at")
    sheets = doc.get("sheets", 0)
    if isinstance(sheets, bool) or not isinstance(sheets, int) or sheets < 0:
        raise InputError('"sheets" must be a whole number ≥ 0', column="sheets")
    carrier, receiver = _party(doc, "carrier"), _party(doc, "receiver")
    if (carrier.name, carrier.key_id) == (receiver.name, receiver.key_id):
        raise InputError("carrier and receiver must sign with different keys", column="receiver")
    return carrier, receiver


def epod_text(document: Mapping[str, Any]) -> str:
    """The note text of a document: canonical one-line JSON and a newline."""
    doc = {"type": EPOD_TYPE, **document}
    _check(doc)
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def sign_epod(document_or_note: Mapping[str, Any] | str, signer: Signer) -> str:
    """Add a party's signature to an e-POD (a document, or a note signed by the other party).

    The signer's key must be the carrier's or the receiver's key named in the document.
    """
    if isinstance(document_or_note, str):
        text, _, rest = document_or_note.partition("\n\n")
        text += "\n"
        doc = _document(text)
        keep = open_note(document_or_note, list(_check(doc))).sigs if rest else ()
    else:
        text = epod_text(document_or_note)
        doc = json.loads(text)
        keep = ()
    carrier, receiver = _check(doc)
    if signer.vkey not in (carrier.vkey, receiver.vkey):
        raise InputError(
            f"the key \"{signer.name}\" is neither the carrier's nor the receiver's key in the document"
        )
    return sign_note(text, [signer], keep=list(keep))


def _document(text: str) -> dict[str, Any]:
    if not text.endswith("\n") or "\n" in text[:-1]:
        raise ProofError("malformed e-POD: the text must be one line of JSON")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ProofError(f"malformed e-POD: not JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("type") != EPOD_TYPE:
        raise ProofError(f'malformed e-POD: not a "{EPOD_TYPE}" document')
    return doc


def open_epod(note: str | bytes, trusted: Mapping[str, Verifier] | None = None) -> Epod:
    """Verify an e-POD: carrier's and receiver's signatures over the document.

    Parameters
    ----------
    note : str or bytes
        The signed note.
    trusted : mapping of party id to Verifier, optional
        Keys known from elsewhere (a carrier registry); a document naming another key for one
        of these parties is refused.

    Raises
    ------
    ProofError
        Malformed document, a missing or bad signature, or an untrusted key.
    """
    raw = note.decode("utf-8") if isinstance(note, bytes) else note
    text = raw.partition("\n\n")[0] + "\n"
    doc = _document(text)
    try:
        carrier, receiver = _check(doc)
    except InputError as exc:
        raise ProofError(f"malformed e-POD: {exc}") from exc
    for role, verifier in (("carrier", carrier), ("receiver", receiver)):
        party_id = str(doc[role].get("id", ""))
        if trusted and party_id in trusted and trusted[party_id].vkey != verifier.vkey:
            raise ProofError(f"the {role} {party_id} signs with a key that is not the trusted one")
    opened = open_note(raw, [carrier, receiver])
    for role, verifier in (("carrier", carrier), ("receiver", receiver)):
        if not opened.signed_by(verifier.name, verifier.key_id):
            raise ProofError(f"the e-POD is not signed by the {role} ({verifier.name})")
    delivered = dt.datetime.fromisoformat(doc["delivered_at"][:-1]).replace(tzinfo=dt.UTC)
    return Epod(
        id=doc["id"],
        park=doc.get("park"),
        carrier=carrier.name,
        receiver=receiver.name,
        delivered_at=delivered,
        sheets=int(doc.get("sheets", 0)),
        document=doc,
        note=raw,
    )


def log_epod(
    session: Session, log: str, note: str, *, park_id: str | None = None
) -> tuple[int, Epod]:
    """Verify an e-POD and append it to the log; return its index and the opened document.

    Raises
    ------
    ProofError
        The signatures do not verify (nothing is logged).
    InputError
        A document with the same id is already in the log.
    """
    from parkzero.ledger import store as ledger
    from parkzero.ledger.tables import LedgerEpod

    epod = open_epod(note)
    if session.get(LedgerEpod, (log, epod.id)) is not None:
        raise InputError(f'e-POD "{epod.id}" is already in the log', column="id")
    try:
        with session.begin_nested():
            result = ledger.append(session, log, [note.encode("utf-8")], "epod")
            session.add(
                LedgerEpod(
                    log_id=log,
                    id=epod.id,
                    ledger_index=result.first,
                    park_id=park_id or epod.park,
                    carrier=epod.carrier,
                    receiver=epod.receiver,
                    delivered_at=epod.delivered_at,
                    sheets=epod.sheets,
                )
            )
            session.flush()
    except IntegrityError as exc:
        raise InputError(f'e-POD "{epod.id}" is already in the log', column="id") from exc
    return result.first, epod


def paper_sheets(
    session: Session, park_id: str, start: dt.datetime, end: dt.datetime
) -> tuple[int, int]:
    """e-PODs of a park delivered in ``[start, end)`` and the paper sheets they replaced."""
    from parkzero.ledger.tables import LedgerEpod

    count, sheets = session.execute(
        select(func.count(), func.coalesce(func.sum(LedgerEpod.sheets), 0)).where(
            LedgerEpod.park_id == park_id,
            LedgerEpod.delivered_at >= start,
            LedgerEpod.delivered_at < end,
        )
    ).one()
    return int(count), int(sheets)


def paperless_lever(session: Session, park_id: str, year: int) -> LeverResult:
    """The paperless-handover lever of a year: paper waybill sheets without and with e-PODs.

    Baseline: the sheets the logged e-PODs replaced (``material.waybill`` [sheet]); scenario:
    none. The carbon engine values them with the park's factor (the guide: 10,000 sheets ≈
    74.8 kgCO2).
    """
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    count, sheets = paper_sheets(session, park_id, start, end)
    base = Activity(
        "material.waybill",
        float(sheets),
        "sheet",
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        source_id="e-POD",
        quality="measured",
    )
    return LeverResult(
        lever="paperless.epod",
        baseline=(base,),
        scenario=(base.scaled(0.0),),
        metrics={"epods": float(count), "sheets_saved": float(sheets)},
        evidence={"source": "ledger_epods", "park": park_id, "year": year},
    )
