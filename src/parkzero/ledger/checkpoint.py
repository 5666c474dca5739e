"""Signed tree heads: C2SP tlog-checkpoint notes, their verification, and witness co-signing.

A checkpoint is a signed note (:mod:`parkzero.ledger.note`) whose text is::

    <origin>\\n
    <tree size, decimal>\\n
    <base64 of the 32-byte RFC 9162 root>\\n
    [extension lines]

The log signs it with its Ed25519 key, whose name is the origin. A *witness* (a tenant, a
carrier, an auditor) keeps the last checkpoint it accepted for each log; before co-signing a new
one it checks the log's signature and a consistency proof from the old tree to the new one, and
refuses to co-sign a checkpoint that rewrites history. Its co-signature is a C2SP
tlog-cosignature/v1 line (key algorithm 0x04) appended to the note, so a checkpoint with a
quorum of witness co-signatures shows that the log gave everyone the same view.

Examples
--------
>>> from parkzero.ledger.merkle import EMPTY_ROOT
>>> skey, vkey = generate_key("park.example/ledger")
>>> note = sign_checkpoint(Checkpoint("park.example/ledger", 0, EMPTY_ROOT), Signer.from_skey(skey))
>>> print(note.splitlines()[2])
47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
>>> open_checkpoint(note, Verifier.from_vkey(vkey)).size
0
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from parkzero.errors import InputError, ProofError
from parkzero.ledger.merkle import HASH_SIZE, verify_consistency
from parkzero.ledger.note import (
    ALG_COSIGNATURE_V1,
    Note,
    Signer,
    Verifier,
    b64decode_strict,
    generate_key,
    open_note,
    sign_note,
    valid_name,
)

__all__ = [
    "Checkpoint",
    "Witness",
    "WitnessState",
    "cosign",
    "generate_log_key",
    "generate_witness_key",
    "note_signatures",
    "open_checkpoint",
    "parse_checkpoint",
    "sign_checkpoint",
]

_SIZE = re.compile(r"(0|[1-9][0-9]*)")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size [leaves] and its 32-byte root."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise InputError(f"checkpoint origin {self.origin!r} must be one non-empty line")
        if self.size < 0:
            raise InputError(f"checkpoint size {self.size} must not be negative")
        if len(self.root) != HASH_SIZE:
            raise InputError(f"checkpoint root must be {HASH_SIZE} bytes, got {len(self.root)}")
        for line in self.extensions:
            if not line or "\n" in line:
                raise InputError("checkpoint extension lines must be non-empty single lines")

    @property
    def text(self) -> str:
        """The note text (body) of the checkpoint."""
        root = base64.b64encode(self.root).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "origin": self.origin,
            "size": self.size,
            "root": base64.b64encode(self.root).decode("ascii"),
        }


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (the note text, without signatures); raise ProofError.

    Examples
    --------
    >>> parse_checkpoint("log\\n1\\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\\n").size
    1
    """
    if not text.endswith("\n"):
        raise ProofError("malformed checkpoint: the text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise ProofError("malformed checkpoint: expected origin, size and root lines")
    origin, size, root_b64, *extensions = lines
    if not origin:
        raise ProofError("malformed checkpoint: empty origin")
    if not _SIZE.fullmatch(size):
        raise ProofError(f"malformed checkpoint: tree size {size!r} is not a decimal number")
    try:
        root = b64decode_strict(root_b64)
    except ValueError as exc:
        raise ProofError("malformed checkpoint: the root is not (canonical) base64") from exc
    if len(root) != HASH_SIZE:
        raise ProofError(f"malformed checkpoint: the root is {len(root)} bytes, expected 32")
    if any(not line for line in extensions):
        raise ProofError("malformed checkpoint: empty extension line")
    return Checkpoint(origin, int(size), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """Sign a checkpoint with the log's key, whose name must be the checkpoint's origin."""
    if signer.name != checkpoint.origin:
        raise InputError(
            f'the key is named "{signer.name}" but the log\'s origin is "{checkpoint.origin}"; '
            "a log signs with a key named after its origin"
        )
    if signer.alg == ALG_COSIGNATURE_V1:
        raise InputError("a log signs checkpoints with an Ed25519 note key, not a cosigner key")
    return sign_note(checkpoint.text, [signer])


def open_checkpoint(
    note: str | bytes,
    log_key: Verifier,
    *,
    witnesses: Sequence[Verifier] = (),
    quorum: int = 0,
) -> Checkpoint:
    """Verify a signed checkpoint: the log's signature and at least `quorum` witness co-signatures.

    Parameters
    ----------
    note : str or bytes
        The signed note.
    log_key : Verifier
        The log's public key; its name must be the checkpoint's origin.
    witnesses : sequence of Verifier
        Witness (cosigner) keys to count; signatures by other keys are ignored.
    quorum : int
        How many of `witnesses` must have co-signed [-].

    Raises
    ------
    ProofError
        Malformed note or checkpoint, missing or bad signature, quorum not reached.
    """
    opened = open_note(note, [log_key, *witnesses])
    if not opened.signed_by(log_key.name, log_key.key_id):
        raise ProofError(f"the checkpoint is not signed by the log key {log_key.name}")
    checkpoint = parse_checkpoint(opened.text)
    if checkpoint.origin != log_key.name:
        raise ProofError(
            f'the checkpoint is for origin "{checkpoint.origin}", not "{log_key.name}"'
        )
    count = sum(opened.signed_by(w.name, w.key_id) for w in witnesses)
    if count < quorum:
        raise ProofError(f"only {count} of the required {quorum} witness co-signatures")
    return checkpoint


def note_signatures(note: str | bytes, verifiers: Sequence[Verifier]) -> Note:
    """The opened note (for callers that need the signature lines themselves)."""
    return open_note(note, verifiers)


# --------------------------------------------------------------------------------------------
# witnesses


@dataclass(frozen=True)
class WitnessState:
    """The last checkpoint a witness accepted for one log: size [leaves] and root."""

    size: int
    root: bytes


class Witness:
    """A witness that co-signs a log's checkpoints after checking they extend what it saw.

    Parameters
    ----------
    signer : Signer
        The witness's cosigner key (algorithm 0x04, :func:`generate_witness_key`).
    state_path : path, optional
        JSON file where the last accepted checkpoint of every log is kept between runs;
        without it the state lives in memory only.
    """

    def __init__(self, signer: Signer, state_path: str | Path | None = None) -> None:
        if signer.alg != ALG_COSIGNATURE_V1:
            raise InputError(
                f'the key "{signer.name}" is not a cosigner key; witnesses sign with '
                "tlog-cosignature/v1 keys (`parkzero ledger keygen --witness`)"
            )
        self.signer = signer
        self.state_path = Path(state_path) if state_path is not None else None
        self._state: dict[str, WitnessState] = self._load()

    def _load(self) -> dict[str, WitnessState]:
        if self.state_path is None or not self.state_path.exists():
            return {}
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return {
                origin: WitnessState(int(v["size"]), base64.b64decode(v["root"]))
                for origin, v in data.items()
            }
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{self.state_path}: not a witness state file ({exc})") from exc

    def _save(self) -> None:
        if self.state_path is None:
            return
        data = {
            origin: {"size": s.size, "root": base64.b64encode(s.root).decode("ascii")}
            for origin, s in sorted(self._state.items())
        }
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.state_path)  # atomic: a crash leaves the old or the new state

    def last_seen(self, origin: str) -> WitnessState | None:
        """The last checkpoint accepted for `origin`, or None."""
        return self._state.get(origin)

    def cosign(
        self,
        note: str,
        log_key: Verifier,
        consistency_proof: Sequence[bytes] = (),
        *,
        timestamp: int | None = None,
    ) -> str:
        """Check a signed checkpoint and return it with this witness's co-signature added.

        Parameters
        ----------
        note : str
            The checkpoint as signed by the log (possibly with other co-signatures).
        log_key : Verifier
            The log's public key.
        consistency_proof : sequence of bytes
            Proof from the last checkpoint this witness accepted for the log to this one
            (empty for the first checkpoint it sees, or when the size has not changed).
        timestamp : int, optional
            Co-signing time [s since the epoch]; default now.

        Raises
        ------
        ProofError
            Bad log signature, a smaller tree than already seen, or an inconsistent history.
            The witness's state is not changed then.
        """
        opened = open_note(note, [log_key])
        checkpoint = open_checkpoint(note, log_key)
        seen = self._state.get(checkpoint.origin)
        if seen is not None:
            if checkpoint.size < seen.size:
                raise ProofError(
                    f"checkpoint of size {checkpoint.size} is older than the size {seen.size} "
                    f"this witness already co-signed for {checkpoint.origin}"
                )
            if seen.size > 0:
                verify_consistency(
                    seen.size, checkpoint.size, list(consistency_proof), seen.root, checkpoint.root
                )
            elif consistency_proof:
                raise ProofError("a consistency proof from the empty tree must be empty")
        signed = sign_note(
            opened.text,
            [self.signer],
            keep=[*opened.sigs, *opened.unverified],
            timestamp=timestamp,
        )
        self._state[checkpoint.origin] = WitnessState(checkpoint.size, checkpoint.root)
        self._save()
        return signed


def cosign(
    note: str,
    log_key: Verifier,
    witness: Witness,
    consistency_proof: Sequence[bytes] = (),
) -> str:
    """Shorthand for ``witness.cosign(note, log_key, consistency_proof)``."""
    return witness.cosign(note, log_key, consistency_proof)


def generate_log_key(origin: str) -> tuple[str, str]:
    """A new key pair for a log: ``(signer key, verifier key)`` named after its `origin`."""
    if not valid_name(origin):
        raise InputError(f"{origin!r} cannot be a log origin: no spaces or '+' allowed")
    return generate_key(origin)


def generate_witness_key(name: str) -> tuple[str, str]:
    """A new cosigner key pair (tlog-cosignature/v1, algorithm 0x04) for a witness."""
    return generate_key(name, ALG_COSIGNATURE_V1)
