"""Signed notes against the Go sumdb/note vectors; checkpoints; witnesses; key files."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkzero.errors import ConfigError, InputError, ProofError
from parkzero.ledger.checkpoint import (
    Checkpoint,
    Witness,
    generate_log_key,
    generate_witness_key,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from parkzero.ledger.merkle import consistency_proof, leaf_hash, root
from parkzero.ledger.note import (
    ALG_COSIGNATURE_V1,
    Signer,
    Verifier,
    generate_key,
    load_signer,
    load_verifier,
    open_note,
    sign_note,
    write_key_files,
)

# ------------------------------------------------------------------------------------------
# signed-note vectors (golang/mod sumdb/note)


@pytest.fixture(scope="module")
def peter(note_vectors: dict[str, Any]) -> Verifier:
    return Verifier.from_vkey(note_vectors["verifier_keys"]["PeterNeumann"])


@pytest.fixture(scope="module")
def enoch(note_vectors: dict[str, Any]) -> Verifier:
    return Verifier.from_vkey(note_vectors["verifier_keys"]["EnochRoot"])


def test_signer_reproduces_the_signature_byte_for_byte(note_vectors: dict[str, Any]) -> None:
    signer = Signer.from_skey(note_vectors["signer_key"])
    assert signer.vkey == note_vectors["verifier_keys"]["PeterNeumann"]
    assert sign_note(note_vectors["text"], [signer]) == note_vectors["signed_note_peter"]


def test_open_with_known_and_unknown_keys(
    note_vectors: dict[str, Any], peter: Verifier, enoch: Verifier
) -> None:
    msg = note_vectors["signed_note_peter"] + note_vectors["sig_line_enoch"]
    note = open_note(msg, [peter])
    assert note.text == note_vectors["text"]
    assert [s.name for s in note.sigs] == ["PeterNeumann"]
    assert [s.name for s in note.unverified] == ["EnochRoot"]
    both = open_note(msg, [peter, enoch])
    assert [s.name for s in both.sigs] == ["PeterNeumann", "EnochRoot"]


def test_open_without_verifiers_fails(note_vectors: dict[str, Any]) -> None:
    with pytest.raises(ProofError, match="no verifiable signatures"):
        open_note(note_vectors["signed_note_peter"], [])


def test_a_known_key_with_a_bad_signature_rejects_the_note(
    note_vectors: dict[str, Any], peter: Verifier
) -> None:
    text = note_vectors["text"]
    sig_line = note_vectors["signed_note_peter"][len(text) + 1 :]
    bad = text + "\n" + sig_line[:60] + "ABCD" + sig_line[60:]
    with pytest.raises(ProofError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        open_note(bad, [peter])


def test_too_many_signatures(note_vectors: dict[str, Any], peter: Verifier) -> None:
    text = note_vectors["text"]
    sig_line = note_vectors["signed_note_peter"][len(text) + 1 :]
    with pytest.raises(ProofError, match="malformed note"):
        open_note(text + "\n" + sig_line * 101, [peter])
    assert open_note(text + "\n" + sig_line * 16, [peter]).sigs  # C2SP: accept at least 16


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t, s: t + s,  # no blank line
        lambda t, s: t + "\n" + s[:-1],  # truncated last newline
        lambda t, s: "\x01" + t + "\n" + s,  # leading control byte
        lambda t, s: t + "\n" + s.replace("PeterNeumann", "Peter Neumann"),  # space in name
        lambda t, s: t + "\n" + s + "trailing garbage\n",  # non-signature line
    ],
    ids=["no-blank-line", "truncated", "control-byte", "space-in-name", "trailing-line"],
)
def test_malformed_notes(note_vectors: dict[str, Any], peter: Verifier, mangle: Any) -> None:
    text = note_vectors["text"]
    sig_line = note_vectors["signed_note_peter"][len(text) + 1 :]
    with pytest.raises(ProofError):
        open_note(mangle(text, sig_line), [peter])


def test_leading_invalid_utf8_is_malformed(note_vectors: dict[str, Any], peter: Verifier) -> None:
    with pytest.raises(ProofError, match="UTF-8"):
        open_note(b"\xff" + note_vectors["signed_note_peter"].encode(), [peter])


def test_verifier_key_strings_are_strict(note_vectors: dict[str, Any]) -> None:
    vkey = note_vectors["verifier_keys"]["PeterNeumann"]
    for i in range(len(vkey)):
        for j in range(i + 1, len(vkey) + 1):
            if vkey[i:j] != vkey:
                with pytest.raises(ProofError):
                    Verifier.from_vkey(vkey[i:j])
    for i in range(len(vkey)):
        bumped = vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :]
        with pytest.raises(ProofError):
            Verifier.from_vkey(bumped)
    with pytest.raises(ProofError, match=r"32|canonical"):
        Verifier.from_vkey(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
    with pytest.raises(ProofError, match="unknown algorithm"):
        Verifier.from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_sign_note_refuses_bad_text() -> None:
    signer = Signer.from_skey(generate_key("k")[0])
    with pytest.raises(InputError, match="newline"):
        sign_note("no newline", [signer])
    with pytest.raises(InputError, match="blank"):
        sign_note("a\n\nb\n", [signer])


# ------------------------------------------------------------------------------------------
# checkpoints


ORIGIN = "park.example/ledger"


@pytest.fixture(scope="module")
def log_keys() -> tuple[Signer, Verifier]:
    skey, vkey = generate_log_key(ORIGIN)
    return Signer.from_skey(skey), Verifier.from_vkey(vkey)


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(f"entry {i}".encode()) for i in range(n)]


def test_checkpoint_round_trip_and_format(log_keys: tuple[Signer, Verifier]) -> None:
    signer, verifier = log_keys
    cp = Checkpoint(ORIGIN, 5, root(leaves(5)))
    note = sign_checkpoint(cp, signer)
    lines = note.split("\n")
    assert lines[:3] == [ORIGIN, "5", cp.text.split("\n")[2]]
    assert lines[3] == ""
    assert lines[4].startswith(f"— {ORIGIN} ")
    assert open_checkpoint(note, verifier) == cp


def test_checkpoint_must_be_signed_by_a_key_named_after_the_origin(
    log_keys: tuple[Signer, Verifier],
) -> None:
    other = Signer.from_skey(generate_key("someone.else")[0])
    with pytest.raises(InputError, match="origin"):
        sign_checkpoint(Checkpoint(ORIGIN, 1, root(leaves(1))), other)
    note = sign_checkpoint(Checkpoint("someone.else", 1, root(leaves(1))), other)
    with pytest.raises(ProofError):
        open_checkpoint(note, log_keys[1])


@pytest.mark.parametrize(
    "body",
    [
        "o\n01\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n",  # leading zero
        "o\n-1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n",
        "o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0\n",  # bad padding
        "o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBg==\n",  # 31 bytes
        "o\n1\n",
        "\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n",
        "o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
    ],
)
def test_malformed_checkpoints(body: str) -> None:
    with pytest.raises(ProofError, match="malformed checkpoint"):
        parse_checkpoint(body)


def test_extension_lines_are_kept() -> None:
    cp = parse_checkpoint("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\nx-ext 1\n")
    assert cp.extensions == ("x-ext 1",)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_flipping_any_bit_of_a_signed_checkpoint_fails(data: st.DataObject) -> None:
    # including the unused low bits of a base64 character: only canonical base64 is accepted
    skey, vkey = generate_log_key(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 7, root(leaves(7))), Signer.from_skey(skey))
    raw = bytearray(note.encode())
    pos = data.draw(st.integers(0, len(raw) - 1))
    raw[pos] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(ProofError):
        open_checkpoint(bytes(raw), Verifier.from_vkey(vkey))


# ------------------------------------------------------------------------------------------
# witnesses


def test_witness_cosigns_consistent_checkpoints_and_refuses_a_fork(
    log_keys: tuple[Signer, Verifier], tmp_path: Path
) -> None:
    signer, verifier = log_keys
    w_skey, w_vkey = generate_witness_key("auditor.example/w1")
    w_signer, w_verifier = Signer.from_skey(w_skey), Verifier.from_vkey(w_vkey)
    assert w_signer.alg == ALG_COSIGNATURE_V1
    state = tmp_path / "witness.json"
    witness = Witness(w_signer, state)
    history = leaves(20)
    note5 = sign_checkpoint(Checkpoint(ORIGIN, 5, root(history[:5])), signer)
    cosigned5 = witness.cosign(note5, verifier, timestamp=1_700_000_000)
    assert open_checkpoint(cosigned5, verifier, witnesses=[w_verifier], quorum=1).size == 5
    with pytest.raises(ProofError, match="only 0 of the required 1"):
        open_checkpoint(note5, verifier, witnesses=[w_verifier], quorum=1)

    # a fresh witness object reads the state file: it remembers size 5
    witness = Witness(w_signer, state)
    assert witness.last_seen(ORIGIN) is not None
    note12 = sign_checkpoint(Checkpoint(ORIGIN, 12, root(history[:12])), signer)
    cosigned12 = witness.cosign(note12, verifier, consistency_proof(history, 5, 12))
    assert open_checkpoint(cosigned12, verifier, witnesses=[w_verifier], quorum=1).size == 12

    # the log rewrites entry 3 and presents a bigger tree: the witness refuses
    forked = [*history[:3], leaf_hash(b"rewritten"), *history[4:]]
    note15 = sign_checkpoint(Checkpoint(ORIGIN, 15, root(forked[:15])), signer)
    with pytest.raises(ProofError):
        witness.cosign(note15, verifier, consistency_proof(forked, 12, 15))
    with pytest.raises(ProofError, match="older"):
        witness.cosign(note5, verifier)
    assert witness.last_seen(ORIGIN).size == 12  # type: ignore[union-attr]


def test_cosignature_is_c2sp_cosignature_v1(log_keys: tuple[Signer, Verifier]) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signer, verifier = log_keys
    w_skey, w_vkey = generate_witness_key("w2")
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, root(leaves(3))), signer)
    cosigned = Witness(Signer.from_skey(w_skey)).cosign(note, verifier, timestamp=1679315147)
    line = cosigned.rstrip("\n").split("\n")[-1]
    assert line.startswith("— w2 ")
    raw = base64.b64decode(line.split(" ")[2])
    assert len(raw) == 4 + 8 + 64
    assert int.from_bytes(raw[4:12], "big") == 1679315147
    body = note.split("\n\n")[0] + "\n"
    message = b"cosignature/v1\ntime 1679315147\n" + body.encode()
    pub = Verifier.from_vkey(w_vkey).public_key
    Ed25519PublicKey.from_public_bytes(pub).verify(raw[12:], message)  # raises if wrong


def test_a_witness_needs_a_cosigner_key() -> None:
    with pytest.raises(InputError, match="cosigner"):
        Witness(Signer.from_skey(generate_key("plain")[0]))


# ------------------------------------------------------------------------------------------
# key files


def test_key_files_are_private_and_never_overwritten(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        skey, vkey = generate_log_key(ORIGIN)
        private, public = write_key_files(skey, vkey, tmp_path / "keys" / "log.key")
    finally:
        os.umask(old)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.name == "log.pub"
    assert load_signer(private).vkey == vkey
    assert load_verifier(public).vkey == vkey
    assert load_verifier(vkey).vkey == vkey
    with pytest.raises(InputError, match="already exists"):
        write_key_files(skey, vkey, private)
    private.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_signer(private)
    with pytest.raises(ConfigError, match="does not exist"):
        load_signer(tmp_path / "missing.key")
    with pytest.raises(InputError, match="private key"):
        load_verifier(private)


def test_no_key_name_with_spaces() -> None:
    with pytest.raises(ConfigError):
        generate_key("two words")


def test_every_single_bit_flip_of_a_checkpoint_fails() -> None:
    """Exhaustive: each of the note's bits, one at a time."""
    skey, vkey = generate_log_key(ORIGIN)
    verifier = Verifier.from_vkey(vkey)
    note = sign_checkpoint(Checkpoint(ORIGIN, 7, root(leaves(7))), Signer.from_skey(skey)).encode()
    for pos in range(len(note)):
        for bit in range(8):
            raw = bytearray(note)
            raw[pos] ^= 1 << bit
            with pytest.raises(ProofError):
                open_checkpoint(bytes(raw), verifier)
