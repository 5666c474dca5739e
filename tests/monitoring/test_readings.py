"""The signed reading: canonical payload, parsing rules, verification backends, registry files."""

from __future__ import annotations

import base64
import datetime as dt
import json
import pickle
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from parkzero.errors import InputError
from parkzero.monitoring import readings as mod
from parkzero.monitoring.readings import (
    DOMAIN,
    BadReading,
    SignedReading,
    canonical_json,
    parse_reading,
    read_readings_csv,
    reading_from_json,
    sign_reading,
    verify_signatures,
)
from parkzero.monitoring.registry import load_meters

KEY = Ed25519PrivateKey.generate()
PUB = KEY.public_key().public_bytes_raw()
T = dt.datetime(2024, 3, 1, 8, 15, tzinfo=dt.UTC)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(), st.text(), st.text(), st.binary(min_size=64, max_size=64))
def test_written_out_jcs_is_canonical_json(
    park: str, meter: str, unit: str, value: str, sig: bytes
) -> None:
    r = SignedReading(park, meter, "2024-03-01T08:15:00Z", value, unit, sig)
    assert r.message() == DOMAIN + canonical_json(r.payload())
    assert r.entry() == canonical_json({**r.payload(), "sig": base64.b64encode(sig).decode()})


def test_the_signed_message_is_domain_separated_jcs() -> None:
    r = sign_reading(KEY, "wuhan-demo", "E-1", T, 123.5, "kWh")
    assert r.message() == (
        b'parkzero/reading/v1\n{"meter":"E-1","park":"wuhan-demo","ts":"2024-03-01T08:15:00Z",'
        b'"unit":"kWh","value":"123.5"}'
    )
    KEY.public_key().verify(r.sig, r.message())
    assert reading_from_json(r.to_json()) == r
    assert r.timestamp == T and r.quantity == 123.5


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"value": 123.5}, "malformed"),  # a number, not text
        ({"value": "1e3"}, "malformed"),
        ({"ts": "2024-03-01 08:15:00"}, "malformed"),
        ({"ts": "2024-02-30T00:00:00Z"}, "malformed"),
        ({"meter": "a/b"}, "malformed"),
        ({"extra": "x"}, "malformed"),
        ({"sig": ""}, "missing_signature"),
        ({"sig": "not base64!"}, "bad_signature"),
        ({"sig": base64.b64encode(b"x" * 63).decode()}, "bad_signature"),
    ],
)
def test_parse_rules(change: dict[str, object], reason: str) -> None:
    obj = json.loads(sign_reading(KEY, "p", "E-1", T, 1, "kWh").to_json())
    obj.update(change)
    with pytest.raises(BadReading) as info:
        parse_reading(obj)
    assert info.value.reason == reason


def test_both_backends_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    good = [
        sign_reading(KEY, "p", "E-1", T + i * dt.timedelta(minutes=15), i, "kWh")
        for i in range(300)
    ]
    items = [(PUB, r.sig, r.message()) for r in good]
    items[7] = (PUB, items[7][1], items[7][2] + b"x")
    items[9] = (bytes(32), items[9][1], items[9][2])
    expected = [i not in (7, 9) for i in range(300)]
    assert verify_signatures(items) == expected
    assert verify_signatures(items, threads=1) == expected
    monkeypatch.setattr(mod, "_sodium_open", None)
    assert mod.verify_backend() == "cryptography"
    assert verify_signatures(items) == expected


def test_csv_needs_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("meter,ts,value,unit\nE,2024-03-01T00:00:00Z,1,kWh\n", encoding="utf-8")
    with pytest.raises(InputError, match='column "sig"'):
        list(read_readings_csv(path, "p"))
    path.write_text("meter,ts,value,unit,sig\nE,2024-03-01T00:00:00Z,1,kWh,\n", encoding="utf-8")
    assert list(read_readings_csv(path, "p")) == [
        {
            "meter": "E",
            "ts": "2024-03-01T00:00:00Z",
            "value": "1",
            "unit": "kWh",
            "sig": "",
            "park": "p",
        }
    ]


def test_registry_file_errors_name_row_and_field(tmp_path: Path) -> None:
    pub = base64.b64encode(PUB).decode()
    path = tmp_path / "meters.yaml"
    path.write_text(
        f"meters:\n  - {{id: E-1, kind: electricity, mode: cumulative, public_key: {pub}}}\n"
        f"  - {{id: E-2, kind: steam, mode: cumulative, public_key: {pub}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r'meters.yaml, row 2, field "kind"|row 2, column "kind"'):
        load_meters(path)
    path.write_text(
        f"meters:\n  - {{id: E-1, kind: water, mode: cumulative, public_key: {pub[:-4]}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="public_key"):
        load_meters(path)
    path.write_text(
        f"meters:\n  - {{id: E-1, kind: water, mode: interval, public_key: {pub}, parent: E-9}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="parent"):
        load_meters(path)
    path.write_text(
        f"meters:\n  - {{id: W-1, kind: water, mode: interval, public_key: {pub}}}\n",
        encoding="utf-8",
    )
    (meter,) = load_meters(path)
    assert (meter.unit, meter.activity, meter.interval_s) == ("m**3", "water.supply", 900)


# --- the ingest hot path: fast parsing, one-pass encoding, pickling, backends ----------------

_BASE = json.loads(sign_reading(KEY, "p", "E-1", T, 1, "kWh").to_json())
_ODD_VALUES = st.one_of(
    st.sampled_from(["", "p", "E 1", "2024-03-01T08:15:00Z", "2024-02-30T00:00:00Z", "1.5", "-0"]),
    st.sampled_from([_BASE["sig"], _BASE["sig"][:-2] + "==", "x" * 88, "AB=="]),
    st.text(max_size=12),
    st.integers(),
    st.none(),
    st.lists(st.text(max_size=2), max_size=2),
)


def _outcome(parse: object, obj: object) -> object:
    try:
        return parse(obj)  # type: ignore[operator]
    except BadReading as exc:
        return (exc.reason, exc.detail, exc.meter)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["meter", "park", "ts", "unit", "value", "sig", "extra"]), _ODD_VALUES
    ),
    st.sets(st.sampled_from(["meter", "park", "ts", "unit", "value", "sig"])),
)
def test_fast_path_decides_like_the_full_checks(
    changes: dict[str, object], removed: set[str]
) -> None:
    obj = {k: v for k, v in {**_BASE, **changes}.items() if k not in removed}
    # same reading, or the same reason, message and meter, as the one-check-at-a-time path
    assert _outcome(parse_reading, obj) == _outcome(mod._parse_slowly, obj)


def test_message_and_entry_in_one_pass() -> None:
    r = sign_reading(KEY, "wuhan-demo", "电表-1", T, "12.5", "kWh")
    assert r.message_and_entry() == (r.message(), r.entry())
    # pickled to and from the ingest workers through its constructor arguments
    assert pickle.loads(pickle.dumps(r)) == r


def test_backends_can_be_chosen_and_are_checked() -> None:
    r = sign_reading(KEY, "p", "E-1", T, 1, "kWh")
    items = [(PUB, r.sig, r.message()), (PUB, r.sig, r.message() + b" ")]
    assert verify_signatures(items, backend="libsodium") == [True, False]
    assert verify_signatures(items, backend="cryptography") == [True, False]
    with pytest.raises(ValueError, match="unknown Ed25519 backend"):
        verify_signatures(items, backend="openssl3")


def test_verification_leaves_no_threads_behind() -> None:
    # An idle pool left running would make the process unsafe to fork for the ingest workers.
    good = [
        sign_reading(KEY, "p", "E-1", T + i * dt.timedelta(minutes=15), i, "kWh")
        for i in range(600)
    ]
    before = threading.active_count()
    assert all(verify_signatures([(PUB, r.sig, r.message()) for r in good], threads=2))
    assert threading.active_count() == before
