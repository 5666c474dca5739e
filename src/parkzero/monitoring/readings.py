"""Signed meter readings: the canonical payload, signing, parsing and batch verification.

A device signs every reading with its Ed25519 key. The payload is a JSON object with exactly
these fields, all strings::

    {"meter": "E-101", "park": "wuhan-demo", "ts": "2024-03-01T08:15:00Z",
     "unit": "kWh", "value": "123456.7"}

* ``ts`` is the end of the interval (or the time the register was read) in UTC, written
  ``YYYY-MM-DDTHH:MM:SSZ``;
* ``value`` is a decimal number as text (``-?digits[.digits]``): the register value of a
  cumulative meter or the quantity of the interval for an interval meter, in ``unit``.

The signed message is the domain-separation line ``parkzero/reading/v1`` and a newline followed
by the payload in RFC 8785 (JCS) canonical form — for an object of strings that is the JSON text
with keys sorted, no white space and non-ASCII characters unescaped. Over MQTT and in CSV the
signature travels base64-encoded as ``sig``::

    {"meter": "E-101", ..., "value": "123456.7", "sig": "base64(64-byte Ed25519 signature)"}

and that whole object, canonicalised the same way, is the reading's ledger entry, so anyone with
the meter's public key can check a logged reading offline.

Verification uses libsodium through PyNaCl when it is installed (about 45 µs per signature on
the project machine against 90 µs for OpenSSL's Ed25519 through :mod:`cryptography`, measured by
``benchmarks/ledger.py``; it also releases the GIL, so a batch is checked on all cores), otherwise
:mod:`cryptography`. The tests run every good, forged and wrong-key case through both.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import functools
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from parkzero.errors import InputError
from parkzero.ledger.note import b64decode_strict

__all__ = [
    "CSV_COLUMNS",
    "DOMAIN",
    "FIELDS",
    "BadReading",
    "SignedReading",
    "canonical_json",
    "parse_reading",
    "read_readings_csv",
    "reading_from_json",
    "sign_reading",
    "verify_backend",
    "verify_signatures",
]

#: Domain-separation prefix of the signed message.
DOMAIN = b"parkzero/reading/v1\n"
#: Fields of the signed payload.
FIELDS = ("meter", "park", "ts", "unit", "value")
_TS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_VALUE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_ID = re.compile(r"[^\s/+#]{1,255}")  # also a valid MQTT topic level
_encode_string = json.encoder.encode_basestring  # the C encoder json.dumps uses for str


class BadReading(ValueError):
    """A reading that cannot be accepted; ``reason`` is the counter it goes to."""

    def __init__(self, reason: str, detail: str, meter: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.meter = meter


def canonical_json(obj: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of an object of strings and integers [UTF-8 bytes].

    Examples
    --------
    >>> canonical_json({"b": "2", "a": "é"})
    b'{"a":"\\xc3\\xa9","b":"2"}'
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True, slots=True)
class SignedReading:
    """One reading as the device signed it (all fields as text) and its signature."""

    park: str
    meter: str
    ts: str
    value: str
    unit: str
    sig: bytes  # 64 bytes; empty when unsigned

    def payload(self) -> dict[str, str]:
        return {
            "meter": self.meter,
            "park": self.park,
            "ts": self.ts,
            "unit": self.unit,
            "value": self.value,
        }

    def __reduce__(self) -> tuple[type[SignedReading], tuple[str, str, str, str, str, bytes]]:
        # Pickled to and from the ingest worker processes: the constructor's arguments are
        # about five times cheaper to pickle than the frozen dataclass's slot state.
        return (SignedReading, (self.park, self.meter, self.ts, self.value, self.unit, self.sig))

    def _jcs_halves(self) -> tuple[str, str]:
        # JCS of the payload, written out in two halves around where "sig" sorts: the keys are
        # fixed and sorted, every value is a string encoded exactly as
        # json.dumps(..., ensure_ascii=False) does.
        enc = _encode_string
        head = '{"meter":' + enc(self.meter) + ',"park":' + enc(self.park)
        tail = ',"ts":' + enc(self.ts) + ',"unit":' + enc(self.unit) + ',"value":' + enc(self.value)
        return head, tail + "}"

    def message(self) -> bytes:
        """The bytes the device signs: ``DOMAIN ‖ JCS(payload)``."""
        head, tail = self._jcs_halves()
        return DOMAIN + (head + tail).encode("utf-8")

    def entry(self) -> bytes:
        """The ledger entry: JCS of the payload with ``sig`` (base64)."""
        head, tail = self._jcs_halves()
        sig = base64.b64encode(self.sig).decode("ascii")
        return (head + ',"sig":"' + sig + '"' + tail).encode("utf-8")

    def message_and_entry(self) -> tuple[bytes, bytes]:
        """``(message(), entry())`` with the payload encoded once (the ingest hot path)."""
        head, tail = self._jcs_halves()
        sig = base64.b64encode(self.sig).decode("ascii")
        return (
            DOMAIN + (head + tail).encode("utf-8"),
            (head + ',"sig":"' + sig + '"' + tail).encode("utf-8"),
        )

    def to_json(self) -> str:
        """The MQTT message body."""
        return self.entry().decode("utf-8")

    @property
    def timestamp(self) -> dt.datetime:
        """``ts`` as a timezone-aware UTC datetime."""
        return dt.datetime.fromisoformat(self.ts[:-1]).replace(tzinfo=dt.UTC)

    @property
    def quantity(self) -> float:
        """``value`` as a number [unit]."""
        return float(self.value)


def _format_ts(ts: dt.datetime | str) -> str:
    if isinstance(ts, str):
        return ts
    if ts.tzinfo is None:
        raise ValueError(f"naive datetime {ts!r}: readings carry UTC times")
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _format_value(value: float | int | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    if "e" in text or "inf" in text or "nan" in text:
        text = format(value, ".6f")
    return text


def sign_reading(
    key: Ed25519PrivateKey,
    park: str,
    meter: str,
    ts: dt.datetime | str,
    value: float | int | str,
    unit: str,
) -> SignedReading:
    """Sign a reading as a device would.

    Parameters
    ----------
    key : Ed25519PrivateKey
        The device's private key.
    park, meter : str
        Ids of the park and the meter [-].
    ts : datetime or str
        End of the interval, timezone-aware (or already ``YYYY-MM-DDTHH:MM:SSZ``) [UTC].
    value : float, int or str
        Register value or interval quantity [unit]; a float is written in its shortest form.
    unit : str
        Unit of `value`, e.g. ``kWh`` [-].
    """
    unsigned = SignedReading(park, meter, _format_ts(ts), _format_value(value), unit, b"")
    check_fields(unsigned)
    return SignedReading(
        unsigned.park,
        unsigned.meter,
        unsigned.ts,
        unsigned.value,
        unsigned.unit,
        key.sign(unsigned.message()),
    )


@functools.lru_cache(maxsize=65_536)
def _is_id(text: str) -> bool:
    # Cached: a batch repeats the same park and a few thousand meter ids over and over.
    return _ID.fullmatch(text) is not None


@functools.lru_cache(maxsize=8_192)
def _ts_problem(ts: str) -> str | None:
    # Cached: the meters of a park report the same few timestamps in every batch.
    if not _TS.fullmatch(ts):
        return f'"ts" {ts!r} is not YYYY-MM-DDTHH:MM:SSZ'
    try:
        dt.datetime.fromisoformat(ts[:-1])  # a real date and time
    except ValueError:
        return f'"ts" {ts!r} is not a valid time'
    return None


def check_fields(reading: SignedReading) -> None:
    """Raise :class:`BadReading` unless every field has its canonical form."""
    for name in ("park", "meter"):
        if not _is_id(getattr(reading, name)):
            raise BadReading(
                "malformed",
                f'"{name}" must be an id without spaces, "/", "+" or "#"',
                reading.meter,
            )
    problem = _ts_problem(reading.ts)
    if problem is not None:
        raise BadReading("malformed", problem, reading.meter)
    if not _VALUE.fullmatch(reading.value):
        raise BadReading(
            "malformed", f'"value" {reading.value!r} is not a decimal number as text', reading.meter
        )
    if not reading.unit or len(reading.unit) > 32:
        raise BadReading("malformed", '"unit" must be 1-32 characters', reading.meter)


_SIGNED_KEYS = frozenset((*FIELDS, "sig"))


def parse_reading(obj: Mapping[str, Any]) -> SignedReading:
    """A :class:`SignedReading` from a decoded message or CSV row; raise :class:`BadReading`.

    Extra keys are refused (they would not be covered by the signature); a missing or empty
    ``sig`` is reason ``missing_signature``.
    """
    # Fast path for the common case, a complete message of strings: the same checks as
    # _parse_slowly in fewer steps. Anything unusual takes the slow path, which finds the
    # precise reason; both accept exactly the same messages.
    if type(obj) is dict and obj.keys() == _SIGNED_KEYS:
        park, meter, ts, value, unit = (
            obj["park"],
            obj["meter"],
            obj["ts"],
            obj["value"],
            obj["unit"],
        )
        sig_text = obj["sig"]
        if (
            type(park) is str
            and type(meter) is str
            and type(ts) is str
            and type(value) is str
            and type(unit) is str
            and type(sig_text) is str
            and len(sig_text) == 88  # base64 of 64 bytes
        ):
            try:
                sig = b64decode_strict(sig_text)
            except ValueError:
                sig = b""
            if len(sig) == 64:
                reading = SignedReading(park, meter, ts, value, unit, sig)
                check_fields(reading)
                return reading
    return _parse_slowly(obj)


def _parse_slowly(obj: Mapping[str, Any]) -> SignedReading:
    if not isinstance(obj, Mapping):
        raise BadReading("malformed", "a reading must be a JSON object")
    meter = obj.get("meter")
    meter = meter if isinstance(meter, str) else None
    extra = set(obj) - {*FIELDS, "sig"}
    if extra:
        raise BadReading("malformed", f"unexpected fields {sorted(extra)} (not signed)", meter)
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        raise BadReading("malformed", f"missing fields {missing}", meter)
    if any(not isinstance(obj[f], str) for f in FIELDS):
        raise BadReading("malformed", "every field must be a string (value as decimal text)", meter)
    sig_text = obj.get("sig")
    if sig_text is None or sig_text == "":
        raise BadReading("missing_signature", "the reading is not signed", meter)
    if not isinstance(sig_text, str):
        raise BadReading("bad_signature", '"sig" must be base64 text', meter)
    try:
        sig = b64decode_strict(sig_text)
    except ValueError as exc:
        raise BadReading("bad_signature", '"sig" is not canonical base64', meter) from exc
    if len(sig) != 64:
        raise BadReading("bad_signature", f'"sig" is {len(sig)} bytes, expected 64', meter)
    reading = SignedReading(obj["park"], obj["meter"], obj["ts"], obj["value"], obj["unit"], sig)
    check_fields(reading)
    return reading


def reading_from_json(payload: bytes | str) -> SignedReading:
    """Parse an MQTT message body; raise :class:`BadReading`."""
    try:
        obj = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadReading("malformed", f"not JSON: {exc}") from exc
    return parse_reading(obj)


#: Columns of a readings CSV file; ``park`` may be left out (the park being ingested is used).
CSV_COLUMNS = ("park", "meter", "ts", "value", "unit", "sig")


def read_readings_csv(path: str | Path, park_id: str) -> Iterator[dict[str, str]]:
    """Stream the rows of a readings CSV file as mappings for :func:`parse_reading`.

    Columns ``meter, ts, value, unit, sig`` (and optionally ``park``), each row one reading
    exactly as the device signed it; an empty ``sig`` is a missing signature. Rows are read
    lazily, so a file of any size streams in constant memory.

    Raises
    ------
    InputError
        The file cannot be read or lacks a required column (before any row is yielded).
    """
    p = Path(path)
    try:
        handle = p.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read the readings file: {exc}", source=str(p)) from exc
    with handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in CSV_COLUMNS[1:] if c not in header]
        if missing:
            raise InputError(
                f'missing column "{missing[0]}" (expected {", ".join(CSV_COLUMNS)}; '
                f"found {', '.join(header) or 'nothing'})",
                source=str(p),
                row=1,
                column=missing[0],
            )
        pos = {c: header.index(c) for c in CSV_COLUMNS if c in header}
        width = len(header)
        for row in reader:
            if not row:
                continue
            row = row + [""] * (width - len(row))
            out = {c: row[i].strip() for c, i in pos.items()}
            if not out.get("park"):
                out["park"] = park_id
            yield out


# --------------------------------------------------------------------------------------------
# batch verification

_sodium_open: Callable[[bytes, bytes], bytes] | None
try:  # libsodium: faster, and releases the GIL
    from nacl.bindings import crypto_sign_open as _nacl_open
    from nacl.exceptions import BadSignatureError as _NaclBad

    _sodium_open = _nacl_open
    _SODIUM_ERRORS: tuple[type[BaseException], ...] = (_NaclBad, ValueError, TypeError)
except ImportError:  # pragma: no cover - depends on the environment
    _sodium_open = None
    _SODIUM_ERRORS = (ValueError, TypeError)


def verify_backend() -> str:
    """Which Ed25519 implementation checks readings: ``"libsodium"`` or ``"cryptography"``."""
    return "cryptography" if _sodium_open is None else "libsodium"


def _verify_sodium(items: Sequence[tuple[bytes, bytes, bytes]]) -> list[bool]:
    assert _sodium_open is not None
    sodium_open, errors = _sodium_open, _SODIUM_ERRORS
    out: list[bool] = []
    append = out.append
    for pub, sig, msg in items:
        try:
            sodium_open(sig + msg, pub)  # the GIL is released while libsodium verifies
        except errors:
            append(False)
        else:
            append(True)
    return out


def _verify_openssl(items: Sequence[tuple[bytes, bytes, bytes]]) -> list[bool]:
    keys: dict[bytes, Ed25519PublicKey | None] = {}
    out = []
    for pub, sig, msg in items:
        if pub not in keys:
            try:
                keys[pub] = Ed25519PublicKey.from_public_bytes(pub)
            except ValueError:
                keys[pub] = None
        key = keys[pub]
        if key is None:
            out.append(False)
            continue
        try:
            key.verify(sig, msg)
        except InvalidSignature:
            out.append(False)
        else:
            out.append(True)
    return out


_PARALLEL_MIN = 256  # below this many, one thread is faster than handing out work


def verify_signatures(
    items: Sequence[tuple[bytes, bytes, bytes]],
    *,
    threads: int | None = None,
    backend: str | None = None,
) -> list[bool]:
    """Check many Ed25519 signatures: ``(public key, signature, message)`` → valid or not.

    Parameters
    ----------
    items : sequence of (bytes, bytes, bytes)
        32-byte public key, 64-byte signature, message.
    threads : int, optional
        Worker threads for libsodium (which releases the GIL); default the number of CPUs.
    backend : {"libsodium", "cryptography"}, optional
        Force an implementation (benchmarks, tests); default :func:`verify_backend`.
    """
    name = backend or verify_backend()
    if name == "cryptography":
        return _verify_openssl(items)
    if name != "libsodium":
        raise ValueError(f'unknown Ed25519 backend "{name}" (expected libsodium or cryptography)')
    if _sodium_open is None:
        raise ValueError("the libsodium backend needs PyNaCl: pip install pynacl")
    n_threads = threads or min(os.cpu_count() or 1, 8)
    if n_threads <= 1 or len(items) < _PARALLEL_MIN:
        return _verify_sodium(items)
    # A pool per call, not a module-level one: idle threads left behind would make the
    # process unsafe to fork for the ingest workers (parkzero.monitoring.service.ingest), and
    # starting two threads costs ~0.1 ms against ~100 ms for a batch of 5,000 signatures.
    step = -(-len(items) // n_threads)
    parts = [items[i : i + step] for i in range(0, len(items), step)]
    out: list[bool] = []
    with ThreadPoolExecutor(len(parts), thread_name_prefix="parkzero-verify") as pool:
        for part in pool.map(_verify_sodium, parts):
            out.extend(part)
    return out
