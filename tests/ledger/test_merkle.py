"""RFC 9162 hashing and proofs: published and derived vectors, the edge cases, and properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkzero.errors import ProofError
from parkzero.ledger import merkle
from parkzero.ledger.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def test_public_surface() -> None:
    for name in ("leaf_hash", "root", "verify_inclusion", "verify_consistency"):
        assert name in merkle.__all__
        assert callable(getattr(merkle, name))


# ------------------------------------------------------------------------------------------
# published RFC 6962 vectors (transparency-dev/merkle)


def test_hasher_vectors(reference: dict[str, Any]) -> None:
    vec = {v["desc"]: h(v["want"]) for v in reference["hasher_vectors"]}
    assert EMPTY_ROOT == vec["empty tree root"] == root([])
    assert leaf_hash(b"") == vec["leaf hash of empty leaf (input '' )"]
    assert leaf_hash(b"L123456") == vec["leaf hash of ASCII 'L123456'"]
    assert (
        node_hash(b"N123", b"N456")
        == vec["HashChildren(ASCII 'N123', ASCII 'N456') i.e. H(0x01||'N123'||'N456')"]
    )


@pytest.fixture(scope="module")
def leaves(reference: dict[str, Any]) -> list[bytes]:
    return [leaf_hash(h(x)) for x in reference["leaf_inputs_hex"]]


def test_roots_of_every_size(reference: dict[str, Any], leaves: list[bytes]) -> None:
    for size, want in reference["roots_by_tree_size"].items():
        assert root(leaves[: int(size)]) == h(want), size


def test_every_complete_subtree_hash(reference: dict[str, Any], leaves: list[bytes]) -> None:
    for level, nodes in enumerate(reference["node_hashes_by_level"]):
        width = 1 << level
        for i, want in enumerate(nodes):
            assert root(leaves[i * width : (i + 1) * width]) == h(want), (level, i)


def test_published_inclusion_proofs(reference: dict[str, Any], leaves: list[bytes]) -> None:
    for case in reference["inclusion_proofs"]:
        index, size = case["leaf_index_1based"] - 1, case["tree_size"]
        proof = [h(p) for p in case["audit_path"]]
        assert inclusion_proof(leaves, index, size) == proof
        verify_inclusion(leaves[index], index, size, proof, root(leaves[:size]))


def test_published_consistency_proofs(reference: dict[str, Any], leaves: list[bytes]) -> None:
    for case in reference["consistency_proofs"]:
        m, n = case["size1"], case["size2"]
        proof = [h(p) for p in case["proof"]]
        assert consistency_proof(leaves, m, n) == proof
        verify_consistency(m, n, proof, root(leaves[:m]), root(leaves[:n]))


# ------------------------------------------------------------------------------------------
# derived: all 36 inclusion and 36 consistency proofs up to size 8


def test_all_derived_inclusion_proofs(derived: dict[str, Any], leaves: list[bytes]) -> None:
    assert len(derived["inclusion"]) == 36
    for case in derived["inclusion"]:
        index, size = case["leaf_index"], case["tree_size"]
        proof = [h(p) for p in case["audit_path"]]
        assert h(case["leaf_hash"]) == leaves[index]
        assert h(case["root"]) == h(derived["roots_by_size"][str(size)])
        assert inclusion_proof(leaves, index, size) == proof
        verify_inclusion(h(case["leaf_hash"]), index, size, proof, h(case["root"]))


def test_all_derived_consistency_proofs(derived: dict[str, Any], leaves: list[bytes]) -> None:
    assert len(derived["consistency"]) == 36
    for case in derived["consistency"]:
        m, n = case["size1"], case["size2"]
        proof = [h(p) for p in case["proof"]]
        assert consistency_proof(leaves, m, n) == proof
        verify_consistency(m, n, proof, h(case["root1"]), h(case["root2"]))


# ------------------------------------------------------------------------------------------
# edge cases a conforming verifier must reject (SOURCES.md)


def test_inclusion_rejects_bad_lengths_and_indexes(leaves: list[bytes]) -> None:
    r8 = root(leaves)
    proof = inclusion_proof(leaves, 5, 8)
    verify_inclusion(leaves[5], 5, 8, proof, r8)
    with pytest.raises(ProofError, match="32 bytes"):
        verify_inclusion(leaves[5][:31], 5, 8, proof, r8)
    with pytest.raises(ProofError, match="32 bytes"):
        verify_inclusion(leaves[5], 5, 8, proof, r8 + b"\x00")
    with pytest.raises(ProofError, match="32 bytes"):
        verify_inclusion(leaves[5], 5, 8, [*proof[:-1], proof[-1][:-1]], r8)
    with pytest.raises(ProofError, match="not below the tree size"):
        verify_inclusion(leaves[5], 8, 8, proof, r8)
    with pytest.raises(ProofError, match="not below the tree size"):
        verify_inclusion(leaves[0], 0, 0, [], EMPTY_ROOT)
    with pytest.raises(ProofError, match="too long"):
        verify_inclusion(leaves[5], 5, 8, [*proof, proof[0]], r8)
    with pytest.raises(ProofError, match="too short"):
        verify_inclusion(leaves[5], 5, 8, proof[:-1], r8)
    with pytest.raises(ProofError, match="must not be negative"):
        verify_inclusion(leaves[5], -1, 8, proof, r8)
    with pytest.raises(ProofError, match="list of hashes"):
        verify_inclusion(leaves[5], 5, 8, b"".join(proof), r8)  # type: ignore[arg-type]


def test_single_leaf_tree_needs_an_empty_proof(leaves: list[bytes]) -> None:
    verify_inclusion(leaves[0], 0, 1, [], leaves[0])
    with pytest.raises(ProofError, match="too long"):
        verify_inclusion(leaves[0], 0, 1, [leaves[1]], leaves[0])


def test_consistency_edge_cases(leaves: list[bytes]) -> None:
    r = [root(leaves[:n]) for n in range(9)]
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 0, [], r[0], r[0])
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 5, [], r[0], r[5])
    with pytest.raises(ProofError, match="larger than"):
        verify_consistency(6, 5, consistency_proof(leaves, 5, 6), r[6], r[5])
    verify_consistency(4, 4, [], r[4], r[4])
    with pytest.raises(ProofError, match="empty consistency proof"):
        verify_consistency(4, 4, [r[4]], r[4], r[4])
    with pytest.raises(ProofError, match="different roots"):
        verify_consistency(4, 4, [], r[4], r[5])
    with pytest.raises(ProofError, match="empty consistency proof"):
        verify_consistency(3, 5, [], r[3], r[5])
    proof = consistency_proof(leaves, 3, 7)
    with pytest.raises(ProofError, match="too long"):
        verify_consistency(3, 7, [*proof, proof[0]], r[3], r[7])
    with pytest.raises(ProofError, match="too short"):
        verify_consistency(3, 7, proof[:-1], r[3], r[7])
    with pytest.raises(ProofError, match="32 bytes"):
        verify_consistency(3, 7, proof, r[3][:16], r[7])


def test_generation_refuses_impossible_requests(leaves: list[bytes]) -> None:
    with pytest.raises(ValueError):
        inclusion_proof(leaves, 8, 8)
    with pytest.raises(ValueError):
        consistency_proof(leaves, 5, 4)
    with pytest.raises(ValueError):
        inclusion_proof(leaves, 0, 9)


# ------------------------------------------------------------------------------------------
# properties


def tree(n: int, salt: int = 0) -> list[bytes]:
    return [leaf_hash(f"{salt}:{i}".encode()) for i in range(n)]


def flip(data: bytes, position: int, bit: int) -> bytes:
    out = bytearray(data)
    out[position] ^= 1 << bit
    return bytes(out)


@st.composite
def inclusion_cases(draw: st.DrawFn) -> tuple[list[bytes], int, int]:
    size = draw(st.integers(1, 70))
    index = draw(st.integers(0, size - 1))
    return tree(size), index, size


@settings(max_examples=150, deadline=None)
@given(inclusion_cases(), st.data())
def test_flipping_any_bit_breaks_an_inclusion_proof(
    case: tuple[list[bytes], int, int], data: st.DataObject
) -> None:
    leaves, index, size = case
    proof = inclusion_proof(leaves, index, size)
    r = root(leaves)
    verify_inclusion(leaves[index], index, size, proof, r)
    target = data.draw(st.sampled_from(["leaf", "root", "proof"] if proof else ["leaf", "root"]))
    pos, bit = data.draw(st.integers(0, 31)), data.draw(st.integers(0, 7))
    leaf = leaves[index]
    if target == "leaf":
        leaf = flip(leaf, pos, bit)
    elif target == "root":
        r = flip(r, pos, bit)
    else:
        i = data.draw(st.integers(0, len(proof) - 1))
        proof[i] = flip(proof[i], pos, bit)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, r)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 70), st.integers(1, 70), st.data())
def test_flipping_any_bit_breaks_a_consistency_proof(a: int, b: int, data: st.DataObject) -> None:
    size1, size2 = min(a, b), max(a, b)
    leaves = tree(size2)
    proof = consistency_proof(leaves, size1, size2)
    r1, r2 = root(leaves[:size1]), root(leaves)
    verify_consistency(size1, size2, proof, r1, r2)
    targets = ["root1", "root2"] + (["proof"] if proof else [])
    target = data.draw(st.sampled_from(targets))
    pos, bit = data.draw(st.integers(0, 31)), data.draw(st.integers(0, 7))
    if target == "root1":
        r1 = flip(r1, pos, bit)
    elif target == "root2":
        r2 = flip(r2, pos, bit)
    else:
        i = data.draw(st.integers(0, len(proof) - 1))
        proof[i] = flip(proof[i], pos, bit)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, proof, r1, r2)


@settings(max_examples=100, deadline=None)
@given(inclusion_cases())
def test_a_proof_for_another_index_fails(case: tuple[list[bytes], int, int]) -> None:
    # (A proof can also verify for another *size* against the same root, e.g. leaf 0 of 3 and
    # of 4; the signed checkpoint binds the size to the root, which is why receipts carry it.)
    leaves, index, size = case
    proof = inclusion_proof(leaves, index, size)
    r = root(leaves)
    other_index = (index + 1) % size
    if other_index != index:
        with pytest.raises(ProofError):
            verify_inclusion(leaves[index], other_index, size, proof, r)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(0, 40))
def test_trees_that_diverge_are_not_consistent(size1: int, extra: int) -> None:
    size2 = size1 + extra
    honest = tree(size2)
    forked = [*honest[: size1 - 1], leaf_hash(b"rewritten"), *honest[size1:]]
    proof = consistency_proof(forked, size1, size2)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, proof, root(honest[:size1]), root(forked))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 300), st.integers(0, 300))
def test_perfect_subtrees_tile_the_range(start: int, length: int) -> None:
    end = start + length
    pieces = merkle.perfect_subtrees(start, end)
    pos = start
    for level, index in pieces:
        assert index << level == pos
        pos += 1 << level
    assert pos == end
