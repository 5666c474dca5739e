"""Tamper-evident evidence: an RFC 9162 Merkle log with signed checkpoints, witnesses and receipts.

Modules
-------
merkle
    Pure RFC 9162 hashing, proof generation and verification.
note
    C2SP signed notes with Ed25519 keys (log keys, witness cosigner keys, party keys).
checkpoint
    C2SP tlog-checkpoint bodies, signing, verification and witness co-signatures.
store
    The log in the database (SQLite or PostgreSQL): append, roots and proofs in O(log n) reads.
receipt
    Offline-verifiable receipts: an entry, its inclusion proof and a signed checkpoint.
epod
    Electronic proof of delivery documents signed by carrier and receiver.

This package imports nothing from the store at import time, so that
:mod:`parkzero.store.models` can import :mod:`parkzero.ledger.tables`.
"""

__all__: list[str] = []
