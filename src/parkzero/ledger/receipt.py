"""Receipts: one log entry with its inclusion proof and a signed checkpoint, verifiable offline.

A receipt is a JSON object::

    {
      "format": "parkzero-receipt/v1",
      "origin": "park.example/ledger",       # the log
      "index": 41,                           # the entry's position, from 0
      "kind": "epod",                        # reading | meter | epod | document
      "entry": "<base64 of the entry's bytes>",
      "tree_size": 1200,                     # the checkpoint's size
      "inclusion_proof": ["<base64 hash>", ...],
      "checkpoint": "<the signed checkpoint note, with witness co-signatures>",
      "log_key": "<the log's verifier key, for information>"
    }

:func:`verify_receipt` needs nothing but the receipt and the log's public key: it checks the
checkpoint's signature (and a quorum of witness co-signatures if asked), recomputes the leaf hash
of the entry and checks the inclusion proof against the checkpoint's root, and for an e-POD both
parties' signatures. Pass the log key from a trusted source; a receipt's own ``log_key`` is only
used when none is given, and the result then says the key was not pinned.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from parkzero.errors import InputError, ProofError
from parkzero.ledger import merkle
from parkzero.ledger.checkpoint import open_checkpoint
from parkzero.ledger.note import Verifier, b64decode_strict

__all__ = ["RECEIPT_FORMAT", "ReceiptCheck", "make_receipt", "verify_receipt"]

RECEIPT_FORMAT = "parkzero-receipt/v1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def make_receipt(
    session: Session,
    origin: str,
    index: int,
    *,
    size: int | None = None,
    log_key: Verifier | None = None,
) -> dict[str, Any]:
    """Build the receipt of entry `index` against a stored checkpoint.

    Parameters
    ----------
    size : int, optional
        Use the stored checkpoint of exactly this size; default the newest checkpoint.
    log_key : Verifier, optional
        Recorded in the receipt as ``log_key`` (for information); default the key recorded
        with the log when it last signed a checkpoint.

    Raises
    ------
    InputError
        No stored checkpoint covers the entry (sign one with ``parkzero ledger checkpoint``).
    """
    from parkzero.ledger import store as ledger

    if size is None:
        cp = ledger.latest_checkpoint(session, origin, min_size=index + 1)
    else:
        cp = ledger.checkpoint_at(session, origin, size)
    if cp is None or cp.size <= index:
        what = f"of size {size}" if size is not None else f"covering entry {index}"
        raise InputError(
            f'log "{origin}" has no signed checkpoint {what}; run `parkzero ledger checkpoint`',
            column="index",
        )
    kind, data = ledger.get_entry(session, origin, index)
    proof = ledger.inclusion_proof(session, origin, index, cp.size)
    receipt: dict[str, Any] = {
        "format": RECEIPT_FORMAT,
        "origin": origin,
        "index": index,
        "kind": kind,
        "entry": _b64(data),
        "tree_size": cp.size,
        "inclusion_proof": [_b64(p) for p in proof],
        "checkpoint": cp.note,
    }
    vkey = log_key.vkey if log_key is not None else ledger.log_vkey(session, origin)
    if vkey is not None:
        receipt["log_key"] = vkey
    return receipt


@dataclass(frozen=True)
class ReceiptCheck:
    """What :func:`verify_receipt` established."""

    origin: str
    index: int
    tree_size: int
    kind: str
    leaf_hash: bytes
    key_pinned: bool
    witnesses: int
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": True,
            "origin": self.origin,
            "index": self.index,
            "tree_size": self.tree_size,
            "kind": self.kind,
            "leaf_hash": self.leaf_hash.hex(),
            "key_pinned": self.key_pinned,
            "witnesses": self.witnesses,
            **dict(self.details),
        }


def _field(receipt: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if name not in receipt:
        raise InputError(f'the receipt has no "{name}"', column=name)
    value = receipt[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f'"{name}" has the wrong type', column=name)
    return value


def _decode(text: str, what: str) -> bytes:
    try:
        return b64decode_strict(text)
    except ValueError as exc:
        raise ProofError(f"{what} is not canonical base64") from exc


def verify_receipt(
    receipt: Mapping[str, Any],
    log_key: Verifier | None = None,
    *,
    witnesses: Sequence[Verifier] = (),
    quorum: int = 0,
) -> ReceiptCheck:
    """Verify a receipt offline.

    Raises
    ------
    InputError
        The receipt is not a receipt (missing fields, wrong types): bad input.
    ProofError
        The receipt is a receipt but does not verify: wrong key, a changed byte anywhere, too
        few witnesses, an e-POD without both signatures.
    """
    if not isinstance(receipt, Mapping):
        raise InputError("a receipt is a JSON object")
    if receipt.get("format") != RECEIPT_FORMAT:
        raise InputError(f'not a receipt: "format" must be "{RECEIPT_FORMAT}"', column="format")
    origin = _field(receipt, "origin", str)
    index = _field(receipt, "index", int)
    kind = _field(receipt, "kind", str)
    entry = _decode(_field(receipt, "entry", str), "the entry")
    size = _field(receipt, "tree_size", int)
    proof_text = _field(receipt, "inclusion_proof", list)
    note = _field(receipt, "checkpoint", str)
    if any(not isinstance(p, str) for p in proof_text):
        raise InputError(
            '"inclusion_proof" must be a list of base64 hashes', column="inclusion_proof"
        )
    pinned = log_key is not None
    if log_key is None:
        key_text = _field(receipt, "log_key", str)
        try:
            log_key = Verifier.from_vkey(key_text)
        except ProofError as exc:
            raise ProofError(f"the receipt's log key: {exc}") from exc
    checkpoint = open_checkpoint(note, log_key, witnesses=witnesses, quorum=quorum)
    if checkpoint.origin != origin:
        raise ProofError(f'the checkpoint is for "{checkpoint.origin}", the receipt for "{origin}"')
    if checkpoint.size != size:
        raise ProofError(f"the checkpoint has size {checkpoint.size}, the receipt says {size}")
    leaf = merkle.leaf_hash(entry)
    proof = [_decode(p, "an inclusion proof hash") for p in proof_text]
    merkle.verify_inclusion(leaf, index, size, proof, checkpoint.root)
    details: dict[str, Any] = {}
    if kind == "epod":
        from parkzero.ledger.epod import open_epod

        epod = open_epod(entry.decode("utf-8", "replace"))
        details = {"epod": epod.id, "carrier": epod.carrier, "receiver": epod.receiver}
    elif kind in ("reading", "meter"):
        try:
            details = {"entry": json.loads(entry)}
        except ValueError as exc:
            raise ProofError(f"the {kind} entry is not JSON") from exc
    from parkzero.ledger.note import open_note

    cosigned = sum(
        open_note(note, [log_key, *witnesses]).signed_by(w.name, w.key_id) for w in witnesses
    )
    return ReceiptCheck(origin, index, size, kind, leaf, pinned, cosigned, details)
