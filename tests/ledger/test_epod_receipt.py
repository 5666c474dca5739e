"""e-PODs signed by carrier and receiver, logged, and proven offline by receipts."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from parkzero.carbon.abatement import abatement
from parkzero.carbon.park import park_from_dict
from parkzero.errors import InputError, ProofError
from parkzero.ledger import store as ledger
from parkzero.ledger.checkpoint import Witness, generate_log_key, generate_witness_key
from parkzero.ledger.epod import log_epod, open_epod, paper_sheets, paperless_lever, sign_epod
from parkzero.ledger.note import Signer, Verifier, generate_key
from parkzero.ledger.receipt import make_receipt, verify_receipt

ORIGIN = "park.example/ledger"


def keypair(name: str) -> tuple[Signer, Verifier]:
    skey, vkey = generate_key(name)
    return Signer.from_skey(skey), Verifier.from_vkey(vkey)


CARRIER = keypair("sf-express")
RECEIVER = keypair("coldco")
LOG_SKEY, LOG_VKEY = generate_log_key(ORIGIN)
LOG_SIGNER, LOG_KEY = Signer.from_skey(LOG_SKEY), Verifier.from_vkey(LOG_VKEY)


def document(n: int = 1, sheets: int = 3) -> dict[str, Any]:
    return {
        "id": f"POD-2024-{n:06d}",
        "park": "wuhan-demo",
        "shipment": f"SF{n:010d}",
        "carrier": {"id": "sf-express", "key": CARRIER[1].vkey},
        "receiver": {"id": "coldco", "key": RECEIVER[1].vkey},
        "delivered_at": "2024-03-01T08:15:00Z",
        "items": [{"sku": "速冻水饺-1kg", "qty": 12}],
        "sheets": sheets,
    }


def signed(n: int = 1, sheets: int = 3) -> str:
    return sign_epod(sign_epod(document(n, sheets), CARRIER[0]), RECEIVER[0])


def test_both_parties_must_sign() -> None:
    half = sign_epod(document(), CARRIER[0])
    with pytest.raises(ProofError, match="receiver"):
        open_epod(half)
    epod = open_epod(signed())
    assert (epod.id, epod.carrier, epod.receiver, epod.sheets) == (
        "POD-2024-000001",
        "sf-express",
        "coldco",
        3,
    )
    stranger = keypair("stranger")
    with pytest.raises(InputError, match="neither"):
        sign_epod(half, stranger[0])
    with pytest.raises(ProofError, match="trusted"):
        open_epod(signed(), trusted={"sf-express": stranger[1]})


def test_a_changed_document_fails() -> None:
    note = signed()
    with pytest.raises(ProofError):
        open_epod(note.replace('"qty":12', '"qty":13'))


def test_receipts_verify_offline(session: Session) -> None:
    ledger.append(session, ORIGIN, [b"before"] * 5, "document")
    index, epod = log_epod(session, ORIGIN, signed())
    ledger.append(session, ORIGIN, [b"after"] * 300, "document")
    w_skey, w_vkey = generate_witness_key("auditor.example")
    witness = Witness(Signer.from_skey(w_skey))
    cp = ledger.sign_head(session, ORIGIN, LOG_SIGNER)
    ledger.add_cosignatures(session, cp.id, witness.cosign(cp.note, LOG_KEY), LOG_KEY)
    receipt = make_receipt(session, ORIGIN, index, log_key=LOG_KEY)
    text = json.dumps(receipt)  # what travels: a JSON file, nothing else
    check = verify_receipt(
        json.loads(text), LOG_KEY, witnesses=[Verifier.from_vkey(w_vkey)], quorum=1
    )
    assert (check.index, check.tree_size, check.kind, check.witnesses) == (5, 306, "epod", 1)
    assert check.details["epod"] == epod.id and check.key_pinned
    assert not verify_receipt(receipt).key_pinned  # the receipt's own key, not pinned
    with pytest.raises(ProofError, match="witness"):
        verify_receipt(
            receipt,
            LOG_KEY,
            witnesses=[Verifier.from_vkey(generate_witness_key("w2")[1])],
            quorum=1,
        )
    other = Verifier.from_vkey(generate_log_key(ORIGIN)[1])
    with pytest.raises(ProofError):
        verify_receipt(receipt, other)
    with pytest.raises(InputError, match="already in the log"):
        log_epod(session, ORIGIN, signed())
    with pytest.raises(InputError, match="no signed checkpoint"):
        make_receipt(session, ORIGIN, 310)


def test_paper_count_feeds_the_paperless_lever(session: Session) -> None:
    import datetime as dt

    for n in range(1, 5):
        log_epod(session, ORIGIN, signed(n, sheets=2500))
    count, sheets = paper_sheets(
        session,
        "wuhan-demo",
        dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    assert (count, sheets) == (4, 10_000)
    lever = paperless_lever(session, "wuhan-demo", 2024)
    assert lever.baseline[0].kind == "material.waybill" and lever.baseline[0].quantity == 10_000
    park = park_from_dict(
        {
            "park": {
                "id": "wuhan-demo",
                "name": "P",
                "region": "湖北",
                "base_year": 2023,
                "scope3_categories": ["3.1"],
            }
        }
    )
    # the guide: 10,000 paper waybills ≈ 74.8 kgCO2
    assert abatement(park, lever, 2024).tco2e == pytest.approx(0.0748, rel=1e-6)


@pytest.fixture(scope="module")
def sample_receipt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from parkzero.store.session import make_engine, make_sessionmaker, upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('receipt') / 'r.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s, s.begin():
        ledger.append(s, ORIGIN, [f"e{i}".encode() for i in range(37)], "document")
        index, _ = log_epod(s, ORIGIN, signed())
        ledger.append(s, ORIGIN, [b"x"] * 20, "document")
        ledger.sign_head(s, ORIGIN, LOG_SIGNER)
        receipt = make_receipt(s, ORIGIN, index, log_key=LOG_KEY)
    engine.dispose()
    return receipt


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_flipping_any_byte_of_a_receipt_fails(
    sample_receipt: dict[str, Any], data: st.DataObject
) -> None:
    receipt = copy.deepcopy(sample_receipt)
    verify_receipt(receipt, LOG_KEY)
    target = data.draw(st.sampled_from(["entry", "proof", "checkpoint", "index", "tree_size"]))
    if target in ("entry", "proof"):
        if target == "entry":
            raw = bytearray(base64.b64decode(receipt["entry"]))
        else:
            i = data.draw(st.integers(0, len(receipt["inclusion_proof"]) - 1))
            raw = bytearray(base64.b64decode(receipt["inclusion_proof"][i]))
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] ^= 1 << data.draw(st.integers(0, 7))
        text = base64.b64encode(bytes(raw)).decode()
        if target == "entry":
            receipt["entry"] = text
        else:
            receipt["inclusion_proof"][i] = text
    elif target == "checkpoint":
        raw = bytearray(receipt["checkpoint"].encode())
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] ^= 1 << data.draw(st.integers(0, 7))
        receipt["checkpoint"] = bytes(raw).decode("utf-8", "replace")
    else:
        receipt[target] += data.draw(st.sampled_from([-1, 1]))
    with pytest.raises((ProofError, InputError)):
        verify_receipt(receipt, LOG_KEY)
