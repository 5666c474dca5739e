"""C2SP signed notes with Ed25519 keys: signing, opening, key strings and key files.

A signed note (https://c2sp.org/signed-note, Go's ``golang.org/x/mod/sumdb/note``) is UTF-8 text
ending in a newline, a blank line, and one or more signature lines::

    <text>\\n
    \\n
    — <key name> base64(4-byte key ID ‖ signature)\\n

Keys are written as strings:

* verifier key ``<name>+<key ID hex>+base64(<alg> ‖ 32-byte public key)``;
* signer key ``PRIVATE+KEY+<name>+<key ID hex>+base64(<alg> ‖ 32-byte seed)``;
* key ID = ``SHA-256(<name> ‖ "\\n" ‖ <alg> ‖ public key)[:4]``, big-endian.

Two algorithms are supported, both Ed25519 (:mod:`cryptography`):

* ``0x01`` plain note signatures (the log's checkpoint key, e-POD parties);
* ``0x04`` C2SP tlog-cosignature/v1 (witnesses): the signature is ``u64 timestamp ‖ Ed25519``
  over ``"cosignature/v1\\ntime <timestamp>\\n" ‖ <note text>``.

Opening a note follows Go's ``note.Open``: signatures by unknown keys are kept as unverified,
a known key with a bad signature rejects the whole note, and a note without any verified
signature is refused. Failures raise :class:`parkzero.errors.ProofError`.

Key files hold one key string and a newline. Private key files are created with mode 0600 and
never overwritten; loading a private key file that others can read is refused. There is no
default key anywhere: commands that sign take a key file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from parkzero.errors import ConfigError, InputError, ProofError

__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "Note",
    "Signature",
    "Signer",
    "Verifier",
    "b64decode_strict",
    "generate_key",
    "key_id",
    "load_signer",
    "load_verifier",
    "open_note",
    "sign_note",
    "valid_name",
    "write_key_files",
]

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100  # Go's cap; C2SP requires accepting at least 16
_SIG_PREFIX = "— "  # EM DASH U+2014, space
_COSIG_HEADER = b"cosignature/v1\n"
_ALGS = {ALG_ED25519: "Ed25519", ALG_COSIGNATURE_V1: "cosignature/v1"}


def valid_name(name: str) -> bool:
    """Whether `name` can name a key: non-empty, no Unicode white space, no ``+``.

    Examples
    --------
    >>> valid_name("park.example/ledger"), valid_name("two words"), valid_name("a+b")
    (True, False, False)
    """
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, key: bytes) -> int:
    """Key ID of a key: the first 4 bytes of ``SHA-256(name ‖ "\\n" ‖ alg ‖ public key)`` [-].

    Examples
    --------
    >>> pub = base64.b64decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    >>> f"{key_id('PeterNeumann', pub):08x}"
    'c74f20a3'
    """
    digest = hashlib.sha256(name.encode() + b"\n" + key).digest()
    return int.from_bytes(digest[:4], "big")


def b64decode_strict(text: str) -> bytes:
    """Standard base64 with padding, in its one canonical form; raise ValueError otherwise.

    Unused low bits of the last character must be zero, so no two texts decode to the same
    bytes: changing any character of a key, a signature or a hash changes what is checked.

    Examples
    --------
    >>> b64decode_strict("AA==")
    b'\\x00'
    >>> b64decode_strict("AB==")
    Traceback (most recent call last):
    ...
    ValueError: not canonical base64
    """
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ValueError(f"not base64: {exc}") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return raw


_b64decode = b64decode_strict


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Verifier:
    """A public key that checks note signatures of one name and key ID.

    Build one from a verifier key string with :meth:`from_vkey`.
    """

    name: str
    key_id: int
    alg: int
    public_key: bytes  # 32 bytes of Ed25519 public key

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse ``<name>+<key ID hex>+base64(alg ‖ key)``; raise ProofError when malformed.

        Examples
        --------
        >>> v = Verifier.from_vkey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        >>> v.name, f"{v.key_id:08x}", v.alg
        ('PeterNeumann', 'c74f20a3', 1)
        """
        text = vkey.strip()
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise ProofError(f"malformed verifier key {text[:40]!r}: expected NAME+KEYID+KEY")
        name, hex_id, b64 = parts
        try:
            raw = _b64decode(b64)
            kid = int(hex_id, 16)
        except ValueError as exc:
            raise ProofError(f"malformed verifier key for {name!r}: {exc}") from exc
        if len(hex_id) != 8 or not valid_name(name) or not raw:
            raise ProofError(f"malformed verifier key for {name!r}")
        if kid != key_id(name, raw):
            raise ProofError(f"verifier key for {name!r} has a key ID that does not match its key")
        alg, key = raw[0], raw[1:]
        if alg not in _ALGS:
            raise ProofError(f"verifier key for {name!r} has unknown algorithm 0x{alg:02x}")
        if len(key) != 32:
            raise ProofError(f"verifier key for {name!r} is {len(key)} bytes, expected 32")
        return cls(name, kid, alg, key)

    @property
    def vkey(self) -> str:
        """The verifier key string."""
        return f"{self.name}+{self.key_id:08x}+{_b64(bytes([self.alg]) + self.public_key)}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` (without the 4-byte key ID) signs the note `text`."""
        key = Ed25519PublicKey.from_public_bytes(self.public_key)
        if self.alg == ALG_COSIGNATURE_V1:
            if len(signature) != 72:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp >= 1 << 63:
                return False
            message = _cosigned_message(text, timestamp)
            signature = signature[8:]
        else:
            message = text
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def _cosigned_message(text: bytes, timestamp: int) -> bytes:
    return _COSIG_HEADER + f"time {timestamp}\n".encode() + text


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes under a name (algorithm 0x01 or 0x04)."""

    name: str
    key_id: int
    alg: int
    _private: Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<key ID hex>+base64(alg ‖ seed)``; raise ConfigError."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise ConfigError("malformed signer key: expected PRIVATE+KEY+NAME+KEYID+KEY")
        _, _, name, hex_id, b64 = parts
        try:
            raw = _b64decode(b64)
            kid = int(hex_id, 16)
        except ValueError as exc:
            raise ConfigError(f"malformed signer key for {name!r}: {exc}") from exc
        if len(hex_id) != 8 or not valid_name(name) or len(raw) != 33 or raw[0] not in _ALGS:
            raise ConfigError(f"malformed signer key for {name!r}")
        private = Ed25519PrivateKey.from_private_bytes(raw[1:])
        public = raw[:1] + private.public_key().public_bytes_raw()
        if kid != key_id(name, public):
            raise ConfigError(f"signer key for {name!r} has a key ID that does not match its key")
        return cls(name, kid, raw[0], private)

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._private.public_key().public_bytes_raw()

    @property
    def verifier(self) -> Verifier:
        """The matching :class:`Verifier`."""
        return Verifier(self.name, self.key_id, self.alg, self.public_key)

    @property
    def vkey(self) -> str:
        """The matching verifier key string, to give to whoever verifies."""
        return self.verifier.vkey

    def sign(self, text: bytes, *, timestamp: int | None = None) -> bytes:
        """Signature of the note `text` (without the key ID).

        For a cosigner key (0x04) the result is ``u64 timestamp ‖ Ed25519`` and `timestamp`
        defaults to now [s since the epoch].
        """
        if self.alg == ALG_COSIGNATURE_V1:
            ts = int(time.time()) if timestamp is None else int(timestamp)
            if not 0 <= ts < 1 << 63:
                raise ValueError(f"timestamp {ts} out of range")
            return ts.to_bytes(8, "big") + self._private.sign(_cosigned_message(text, ts))
        return self._private.sign(text)


def generate_key(name: str, alg: int = ALG_ED25519) -> tuple[str, str]:
    """A new random key pair for `name`: ``(signer key string, verifier key string)``.

    Parameters
    ----------
    name : str
        Key name: the log's origin, a witness name or a party id (no spaces, no ``+``).
    alg : int
        :data:`ALG_ED25519` (notes, checkpoints) or :data:`ALG_COSIGNATURE_V1` (witnesses).
    """
    if not valid_name(name):
        raise ConfigError(
            f"{name!r} cannot name a key: it must be non-empty, without spaces or '+'"
        )
    if alg not in _ALGS:
        raise ConfigError(f"unknown key algorithm 0x{alg:02x}")
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    public = bytes([alg]) + private.public_key().public_bytes_raw()
    kid = key_id(name, public)
    skey = f"PRIVATE+KEY+{name}+{kid:08x}+{_b64(bytes([alg]) + seed)}"
    vkey = f"{name}+{kid:08x}+{_b64(public)}"
    return skey, vkey


# --------------------------------------------------------------------------------------------
# notes


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: key name, key ID and the base64 of ID ‖ signature."""

    name: str
    key_id: int
    base64: str

    @property
    def line(self) -> str:
        return f"{_SIG_PREFIX}{self.name} {self.base64}\n"

    @property
    def signature(self) -> bytes:
        """The signature bytes without the key ID."""
        return _b64decode(self.base64)[4:]


@dataclass(frozen=True)
class Note:
    """An opened note: its text and its verified and unverified signatures."""

    text: str
    sigs: tuple[Signature, ...] = ()
    unverified: tuple[Signature, ...] = ()

    def signed_by(self, name: str, kid: int | None = None) -> bool:
        """Whether a verified signature by `name` (and key ID `kid`) is present."""
        return any(s.name == name and (kid is None or s.key_id == kid) for s in self.sigs)


def _as_bytes(message: bytes | str) -> bytes:
    return message.encode("utf-8") if isinstance(message, str) else bytes(message)


def _check_text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProofError("malformed note: not valid UTF-8") from exc
    if any(c < " " and c != "\n" for c in text):
        raise ProofError("malformed note: control characters other than newline")
    return text


def open_note(message: bytes | str, verifiers: Iterable[Verifier]) -> Note:
    """Parse a signed note and check its signatures against the known `verifiers`.

    Raises
    ------
    ProofError
        Malformed note, a known key whose signature does not verify, or no verified signature.
    """
    raw = _as_bytes(message)
    _check_text(raw)
    split = raw.rfind(b"\n\n")
    if split < 0:
        raise ProofError("malformed note: no blank line before the signatures")
    text, block = raw[: split + 1], raw[split + 2 :]
    if not block or not block.endswith(b"\n"):
        raise ProofError("malformed note: the signature block must end with a newline")
    known: dict[tuple[str, int], list[Verifier]] = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_id), []).append(v)
    sigs: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    seen_unverified: set[str] = set()
    lines = block[:-1].decode("utf-8").split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise ProofError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise ProofError("malformed note: a signature line must start with '— '")
        name, _, b64 = line[len(_SIG_PREFIX) :].partition(" ")
        try:
            sig = _b64decode(b64)
        except ValueError as exc:
            raise ProofError(f"malformed note: signature by {name!r} is not base64") from exc
        if not valid_name(name) or not b64 or len(sig) < 5:
            raise ProofError(f"malformed note: bad signature line for {name!r}")
        kid = int.from_bytes(sig[:4], "big")
        candidates = known.get((name, kid))
        signature = Signature(name, kid, b64)
        if not candidates:
            if line not in seen_unverified:
                seen_unverified.add(line)
                unverified.append(signature)
            continue
        if len(candidates) > 1:
            raise ProofError(f"ambiguous key {name}+{kid:08x}")
        if (name, kid) in seen:
            continue
        seen.add((name, kid))
        if not candidates[0].verify(text, sig[4:]):
            raise ProofError(f"invalid signature for key {name}+{kid:08x}")
        sigs.append(signature)
    if not sigs:
        raise ProofError("note has no verifiable signatures")
    return Note(text.decode("utf-8"), tuple(sigs), tuple(unverified))


def sign_note(
    text: str | bytes,
    signers: Sequence[Signer],
    *,
    keep: Sequence[Signature] = (),
    timestamp: int | None = None,
) -> str:
    """A signed note of `text` with existing signatures `keep` followed by new ones.

    Parameters
    ----------
    text : str or bytes
        The note text; must end with a newline and have no control characters but newline.
    signers : sequence of Signer
        Keys that sign now; an existing signature by the same name and key ID is replaced.
    keep : sequence of Signature
        Signatures already on the note (e.g. the log's when a witness co-signs).
    timestamp : int, optional
        Timestamp for cosigner keys [s since the epoch]; default now.

    Examples
    --------
    >>> skey, vkey = generate_key("example.com/log")
    >>> note = sign_note("hello\\n", [Signer.from_skey(skey)])
    >>> open_note(note, [Verifier.from_vkey(vkey)]).text
    'hello\\n'
    """
    raw = _as_bytes(text)
    body = _check_text(raw)
    if not body.endswith("\n"):
        raise InputError("a note's text must end with a newline")
    if "\n\n" in body or body.startswith("\n"):
        raise InputError("a note's text must not contain blank lines")
    new = {(s.name, s.key_id) for s in signers}
    lines = [s.line for s in keep if (s.name, s.key_id) not in new]
    for signer in signers:
        sig = signer.sign(raw, timestamp=timestamp)
        lines.append(
            Signature(signer.name, signer.key_id, _b64(signer.key_id.to_bytes(4, "big") + sig)).line
        )
    if not lines:
        raise InputError("a note needs at least one signature")
    return body + "\n" + "".join(lines)


# --------------------------------------------------------------------------------------------
# key files


def write_key_files(
    skey: str, vkey: str, private_path: str | Path, public_path: str | Path | None = None
) -> tuple[Path, Path]:
    """Write a key pair: the private key with mode 0600, the public one world-readable.

    Neither file may exist already (a key is never overwritten). Returns both paths.
    """
    private = Path(private_path)
    public = Path(public_path) if public_path is not None else private.with_suffix(".pub")
    for path in (private, public):
        if path.exists():
            raise InputError(f"{path} already exists; refusing to overwrite a key file")
    private.parent.mkdir(parents=True, exist_ok=True)
    public.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (skey + "\n").encode("ascii"))
    finally:
        os.close(fd)
    public.write_text(vkey + "\n", encoding="ascii")
    return private, public


def load_signer(path: str | Path) -> Signer:
    """Read a private key file; refuse one that the group or others can read.

    Raises
    ------
    ConfigError
        Missing, malformed, or too open (``chmod 600`` it).
    """
    p = Path(path)
    try:
        mode = p.stat().st_mode
        text = p.read_text(encoding="ascii")
    except FileNotFoundError as exc:
        raise ConfigError(f"key file {p} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read key file {p}: {exc}") from exc
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"key file {p} is accessible by others (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {p}`"
        )
    try:
        return Signer.from_skey(text)
    except ConfigError as exc:
        raise ConfigError(f"{p}: {exc.message}") from exc


def load_verifier(value: str | Path) -> Verifier:
    """A verifier from a key string or from a file holding one.

    Raises
    ------
    InputError
        The file cannot be read or does not hold a verifier key.
    """
    text = str(value)
    if "+" not in text or Path(text).exists():
        p = Path(text)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read verifier key file {p}: {exc}") from exc
        if text.startswith("PRIVATE+KEY"):
            raise InputError(f"{p} holds a private key; give the public (.pub) key")
    try:
        return Verifier.from_vkey(text)
    except ProofError as exc:
        raise InputError(str(exc)) from exc
