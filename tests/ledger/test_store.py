"""The log in the database: appends, roots, proofs read from tiles, checkpoints, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from parkzero.errors import InputError, ProofError
from parkzero.ledger import merkle
from parkzero.ledger import store as ledger
from parkzero.ledger.checkpoint import (
    Witness,
    generate_log_key,
    generate_witness_key,
    open_checkpoint,
)
from parkzero.ledger.note import Signer, Verifier
from parkzero.ledger.tables import LedgerTile
from parkzero.store.session import make_sessionmaker

ORIGIN = "park.example/ledger"


def datas(start: int, stop: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(start, stop)]


def test_appends_in_batches_match_the_pure_tree(session: Session) -> None:
    hashes = [merkle.leaf_hash(d) for d in datas(0, 1400)]
    pos = 0
    for n in (1, 2, 5, 248, 1, 300, 256, 512, 75):  # crosses tile boundaries, partial and full
        result = ledger.append(session, ORIGIN, datas(pos, pos + n), "document")
        assert result.first == pos and result.count == n
        pos += n
        assert result.size == pos
        assert result.root == merkle.root(hashes[:pos])
    session.commit()
    for size in (1, 2, 3, 255, 256, 257, 700, 1024, 1025, pos):
        assert ledger.root_at(session, ORIGIN, size) == merkle.root(hashes[:size])
    for index, size in ((0, 1), (0, pos), (255, 256), (256, 257), (777, 1000), (pos - 1, pos)):
        proof = ledger.inclusion_proof(session, ORIGIN, index, size)
        assert proof == merkle.inclusion_proof(hashes, index, size)
        merkle.verify_inclusion(hashes[index], index, size, proof, merkle.root(hashes[:size]))
    for m, n in ((1, 2), (3, 7), (256, 257), (255, 1024), (600, pos), (pos, pos)):
        proof = ledger.consistency_proof(session, ORIGIN, m, n)
        assert proof == merkle.consistency_proof(hashes, m, n)
    assert ledger.leaf_hash_at(session, ORIGIN, 300) == hashes[300]
    assert ledger.get_entry(session, ORIGIN, 300) == ("document", b"entry 300")


def test_tiles_are_few(session: Session, engine: Engine) -> None:
    ledger.append(session, ORIGIN, datas(0, 70_000), "document")
    session.commit()
    with make_sessionmaker(engine)() as s:
        tiles = s.scalar(select(func.count()).select_from(LedgerTile))
        # 16 hashes per tile. Level 0: ceil(70000/16) = 4375 tiles; level 1: one hash per
        # full level-0 tile, 4375 → 274 tiles; level 2: 273 → 18; level 3: 17 → 2; level 4: 1
        assert tiles == 4375 + 274 + 18 + 2 + 1
        assert ledger.get_head(s, ORIGIN).root == merkle.root(
            [merkle.leaf_hash(d) for d in datas(0, 70_000)]
        )


def test_bad_requests_are_input_errors(session: Session) -> None:
    with pytest.raises(InputError, match="no log"):
        ledger.get_head(session, ORIGIN)
    ledger.append(session, ORIGIN, datas(0, 3), "document")
    with pytest.raises(InputError, match="not in a tree"):
        ledger.inclusion_proof(session, ORIGIN, 3)
    with pytest.raises(InputError, match="between 0 and"):
        ledger.inclusion_proof(session, ORIGIN, 0, 4)
    with pytest.raises(InputError, match="between 0 and"):
        ledger.consistency_proof(session, ORIGIN, 4)
    with pytest.raises(InputError, match="already exists"):
        ledger.create_log(session, ORIGIN)
    with pytest.raises(InputError, match="spaces"):
        ledger.create_log(session, "my log")


def test_a_failed_transaction_leaves_the_log_as_it_was(engine: Engine) -> None:
    maker = make_sessionmaker(engine)
    with maker() as s, s.begin():
        ledger.append(s, ORIGIN, datas(0, 10), "document")
    with maker() as s:
        s.begin()
        ledger.append(s, ORIGIN, datas(10, 600), "document")
        s.rollback()
    with maker() as s:
        head = ledger.get_head(s, ORIGIN)
        assert head.size == 10
        assert ledger.audit_log(s, ORIGIN).ok
        ledger.append(s, ORIGIN, datas(10, 20), "document")
        assert ledger.get_head(s, ORIGIN).size == 20
        assert ledger.audit_log(s, ORIGIN).ok


def test_checkpoints_cosignatures_and_audit(session: Session) -> None:
    skey, vkey = generate_log_key(ORIGIN)
    signer, verifier = Signer.from_skey(skey), Verifier.from_vkey(vkey)
    ledger.append(session, ORIGIN, datas(0, 40), "document")
    first = ledger.sign_head(session, ORIGIN, signer)
    assert ledger.sign_head(session, ORIGIN, signer) == first  # nothing new: same checkpoint
    assert open_checkpoint(first.note, verifier).size == 40
    ledger.append(session, ORIGIN, datas(40, 100), "document")
    second = ledger.sign_head(session, ORIGIN, signer)
    assert ledger.latest_checkpoint(session, ORIGIN) == second
    assert ledger.checkpoint_at(session, ORIGIN, 40) == first

    w_skey, w_vkey = generate_witness_key("tenant.example/witness")
    witness = Witness(Signer.from_skey(w_skey))
    witness.cosign(first.note, verifier)
    proof = ledger.consistency_proof(session, ORIGIN, 40, 100)
    cosigned = witness.cosign(second.note, verifier, proof)
    stored = ledger.add_cosignatures(session, second.id, cosigned, verifier)
    w = Verifier.from_vkey(w_vkey)
    assert open_checkpoint(stored.note, verifier, witnesses=[w], quorum=1).size == 100
    with pytest.raises(ProofError):
        ledger.add_cosignatures(session, first.id, cosigned, verifier)

    report = ledger.audit_log(session, ORIGIN, verifier)
    assert report.ok, report.problems
    assert (report.entries_checked, report.checkpoints_checked) == (100, 2)


def test_audit_finds_a_rewritten_entry(session: Session) -> None:
    from sqlalchemy import update

    from parkzero.ledger.tables import LedgerEntry

    ledger.append(session, ORIGIN, datas(0, 300), "document")
    session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.log_id == ORIGIN, LedgerEntry.idx == 7)
        .values(data=b"tampered")
    )
    report = ledger.audit_log(session, ORIGIN)
    assert not report.ok
    assert "entry 7: stored leaf hash does not match its data" in report.problems


@pytest.mark.parametrize("width", [1, 2, 4, 8, 16])
def test_tile_subtree_roots_match_the_pure_tree(width: int) -> None:
    # the tile writer hashes adjacent 64-byte sibling pairs straight out of the tile's bytes
    hashes = [merkle.leaf_hash(d) for d in datas(0, width)]
    assert ledger._perfect_root(b"".join(hashes)) == merkle.root(hashes)
