"""RFC 9162 Merkle tree hashing, proofs and their verification — pure functions on bytes.

The tree is the one of RFC 9162 §2.1 (the same as RFC 6962 and the C2SP tlog specs):

* leaf hash  ``SHA-256(0x00 ‖ data)``, interior node ``SHA-256(0x01 ‖ left ‖ right)``;
* the hash of the empty tree is ``SHA-256("")``;
* a tree of ``n > 1`` leaves splits at ``k``, the largest power of two smaller than ``n``.

Leaves are numbered from 0. Every hash is 32 bytes. Proof *generation* here works on a list of
leaf hashes in memory (O(n)); the database-backed log (:mod:`parkzero.ledger.store`) generates
the same proofs from stored subtree hashes in O(log n) with :func:`inclusion_ranges`,
:func:`consistency_ranges` and :func:`perfect_subtrees`.

Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step and adds the rules a
conforming verifier needs (``../shared/data/ledger/SOURCES.md``): hashes must be 32 bytes, the
leaf index must be below the tree size, the proof must have exactly the length the index and
size imply, and a consistency proof from an empty tree is refused. :func:`verify_inclusion` and
:func:`verify_consistency` return ``None`` or raise :class:`parkzero.errors.ProofError`.

Examples
--------
>>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
>>> r5 = root(leaves)
>>> verify_inclusion(leaves[3], 3, 5, inclusion_proof(leaves, 3), r5)
>>> r3 = root(leaves[:3])
>>> verify_consistency(3, 5, consistency_proof(leaves, 3), r3, r5)
>>> verify_inclusion(leaves[2], 3, 5, inclusion_proof(leaves, 3), r5)
Traceback (most recent call last):
...
parkzero.errors.ProofError: inclusion proof does not lead to the root: leaf 3 is not in the tree of size 5 with that root
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from parkzero.errors import ProofError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "consistency_proof",
    "consistency_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "perfect_subtrees",
    "range_hash",
    "root",
    "split_point",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32  # bytes of a SHA-256 digest
_LEAF = b"\x00"
_NODE = b"\x01"
_sha256 = hashlib.sha256

#: Root of the empty tree, ``SHA-256("")``.
EMPTY_ROOT = _sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """Hash of one leaf, ``SHA-256(0x00 ‖ data)`` [32 bytes].

    Examples
    --------
    >>> leaf_hash(b"").hex()[:16]
    '6e340b9cffb37a98'
    """
    return _sha256(_LEAF + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node, ``SHA-256(0x01 ‖ left ‖ right)`` [32 bytes]."""
    return _sha256(_NODE + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than `n` (RFC 9162 ``k``), for ``n > 1``.

    Examples
    --------
    >>> [split_point(n) for n in (2, 3, 4, 5, 8, 9)]
    [1, 2, 2, 4, 4, 8]
    """
    if n < 2:
        raise ValueError(f"split_point needs n > 1, got {n}")
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle tree hash (RFC 9162 ``MTH``) of a list of leaf hashes [32 bytes].

    Parameters
    ----------
    leaf_hashes : sequence of bytes
        The leaf hashes in log order (each from :func:`leaf_hash`), 32 bytes each.

    Returns
    -------
    bytes
        The root; :data:`EMPTY_ROOT` for no leaves.

    Examples
    --------
    >>> root([]) == EMPTY_ROOT
    True
    >>> root([leaf_hash(b"")]).hex()[:16]
    '6e340b9cffb37a98'
    """
    # Left to right with a stack of perfect subtrees (a "compact range"); O(n) hashes, O(log n)
    # memory. Then fold the stack from the right, as MTH does for a non-perfect tree.
    stack: list[bytes] = []
    sizes: list[int] = []
    for h in leaf_hashes:
        node, size = h, 1
        while sizes and sizes[-1] == size:
            node = node_hash(stack.pop(), node)
            size += sizes.pop()
        stack.append(node)
        sizes.append(size)
    if not stack:
        return EMPTY_ROOT
    acc = stack[-1]
    for node in reversed(stack[:-1]):
        acc = node_hash(node, acc)
    return acc


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """Split the leaf range ``[start, end)`` into aligned perfect subtrees, left to right.

    A range that MTH hashes as one node (a subtree of the recursive split) is the right fold
    of these pieces: ``MTH = H(p0, H(p1, ... H(pn-2, pn-1)))``.

    Returns
    -------
    list of (level, index)
        Subtree of ``2**level`` leaves starting at leaf ``index * 2**level``.

    Examples
    --------
    >>> perfect_subtrees(0, 7)
    [(2, 0), (1, 2), (0, 6)]
    >>> perfect_subtrees(4, 6)
    [(1, 2)]
    """
    out: list[tuple[int, int]] = []
    while start < end:
        # the largest aligned power of two that fits: limited by start's alignment and the span
        span = end - start
        level = span.bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        out.append((level, start >> level))
        start += 1 << level
    return out


def _check_hash(value: bytes, what: str) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise ProofError(f"{what} must be bytes, got {type(value).__name__}")
    value = bytes(value)
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")
    return value


def _check_size(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProofError(f"{what} must be an integer, got {type(value).__name__}")
    if value < 0:
        raise ProofError(f"{what} must not be negative, got {value}")
    return value


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges ``[start, end)`` whose MTH form the inclusion proof of `index` (RFC 9162 PATH).

    The order is the proof's: from the leaf's sibling up to the root's other child.

    Examples
    --------
    >>> inclusion_ranges(5, 8)
    [(4, 5), (6, 8), (0, 4)]
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    out: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo += k
    out.reverse()
    return out


def consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """Leaf ranges whose MTH form the consistency proof from `size1` to `size2` (RFC 9162 PROOF).

    Empty when ``size1 == size2`` or ``size1 == 0``.

    Examples
    --------
    >>> consistency_ranges(6, 8)
    [(4, 6), (6, 8), (0, 4)]
    """
    if not 0 <= size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    if size1 == 0 or size1 == size2:
        return []
    out: list[tuple[int, int]] = []
    lo, hi, m, complete = 0, size2, size1, True
    while True:
        n = hi - lo
        if m == n:
            if not complete:
                out.append((lo, hi))
            break
        k = split_point(n)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo += k
            m -= k
            complete = False
    out.reverse()
    return out


def range_hash(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of the leaves ``[start, end)`` of a list of leaf hashes [32 bytes]."""
    return root(leaf_hashes[start:end])


def inclusion_proof(
    leaf_hashes: Sequence[bytes], index: int, size: int | None = None
) -> list[bytes]:
    """Inclusion proof (audit path) of leaf `index` in the tree of the first `size` leaves.

    Parameters
    ----------
    leaf_hashes : sequence of bytes
        Leaf hashes in log order; at least `size` of them.
    index : int
        Leaf index, from 0 [-].
    size : int, optional
        Tree size; default all the leaves [-].

    Returns
    -------
    list of bytes
        The proof, leaf-side first, as :func:`verify_inclusion` takes it.
    """
    n = len(leaf_hashes) if size is None else size
    if n > len(leaf_hashes):
        raise ValueError(f"tree size {n} exceeds the {len(leaf_hashes)} leaves given")
    return [range_hash(leaf_hashes, a, b) for a, b in inclusion_ranges(index, n)]


def consistency_proof(
    leaf_hashes: Sequence[bytes], size1: int, size2: int | None = None
) -> list[bytes]:
    """Consistency proof between the trees of the first `size1` and `size2` leaves.

    Parameters
    ----------
    leaf_hashes : sequence of bytes
        Leaf hashes in log order; at least `size2` of them.
    size1, size2 : int
        The older and the newer tree size; `size2` defaults to all the leaves [-].
    """
    n = len(leaf_hashes) if size2 is None else size2
    if n > len(leaf_hashes):
        raise ValueError(f"tree size {n} exceeds the {len(leaf_hashes)} leaves given")
    return [range_hash(leaf_hashes, a, b) for a, b in consistency_ranges(size1, n)]


def _proof_list(proof: Sequence[bytes], what: str) -> list[bytes]:
    if isinstance(proof, bytes | bytearray | str):
        raise ProofError(f"{what} must be a list of hashes, not one {type(proof).__name__}")
    return [_check_hash(p, f"{what} element {i}") for i, p in enumerate(proof)]


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf_hash` is leaf `index` of the tree of `size` leaves with `root`.

    RFC 9162 §2.1.3.2, plus: hashes must be 32 bytes, ``index < size``, and the proof must
    have exactly the length that `index` and `size` imply.

    Raises
    ------
    ProofError
        Whatever is wrong; nothing is returned on success.
    """
    leaf = _check_hash(leaf_hash, "leaf hash")
    want = _check_hash(root, "root")
    index = _check_size(index, "leaf index")
    size = _check_size(size, "tree size")
    path = _proof_list(proof, "inclusion proof")
    if index >= size:
        raise ProofError(f"leaf index {index} is not below the tree size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError(
                f"inclusion proof is too long for leaf {index} of a tree of size {size}"
            )
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof is too short for leaf {index} of a tree of size {size}")
    if r != want:
        raise ProofError(
            "inclusion proof does not lead to the root: "
            f"leaf {index} is not in the tree of size {size} with that root"
        )


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of `size2` leaves with `root2` extends the one of `size1` with `root1`.

    RFC 9162 §2.1.4.2, plus: hashes must be 32 bytes, ``0 < size1 <= size2`` (a proof from an
    empty tree is meaningless and refused), equal sizes need an empty proof and equal roots,
    and the proof must have exactly the implied length.

    Raises
    ------
    ProofError
        Whatever is wrong; nothing is returned on success.
    """
    first = _check_hash(root1, "first root")
    second = _check_hash(root2, "second root")
    size1 = _check_size(size1, "first tree size")
    size2 = _check_size(size2, "second tree size")
    path = _proof_list(proof, "consistency proof")
    if size1 > size2:
        raise ProofError(f"first tree size {size1} is larger than the second {size2}")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if size1 == size2:
        if path:
            raise ProofError("trees of equal size need an empty consistency proof")
        if first != second:
            raise ProofError(f"two different roots for the same tree size {size1}")
        return
    if not path:
        raise ProofError(f"empty consistency proof from size {size1} to {size2}")
    if size1 & (size1 - 1) == 0:  # a power of two: the old root is itself a node of the proof
        path = [first, *path]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof is too long from size {size1} to {size2}")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof is too short from size {size1} to {size2}")
    if fr != first:
        raise ProofError(f"consistency proof does not lead to the first root (size {size1})")
    if sr != second:
        raise ProofError(f"consistency proof does not lead to the second root (size {size2})")
