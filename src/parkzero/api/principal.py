"""Who is calling: the :class:`Principal` every protected route receives."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

__all__ = ["Principal", "PrincipalCache", "bump_revocations"]

# Bumped by every revocation in this process; cached callers of an older epoch are not used.
_REVOCATIONS = [0]
_REVOCATIONS_LOCK = threading.Lock()


def bump_revocations() -> None:
    """Invalidate every :class:`PrincipalCache` entry of this process."""
    with _REVOCATIONS_LOCK:
        _REVOCATIONS[0] += 1


@dataclass(frozen=True)
class Principal:
    """An authenticated user as the service sees them for one request.

    Attributes
    ----------
    user_id : int
        Row id in ``users`` [-].
    username : str
        Sign-in name [-].
    role : str
        One of ``admin``, ``manager``, ``operator``, ``auditor``, ``tenant``, ``carrier`` [-].
    park_id : str
        The park every query is narrowed to [-].
    tenant_id : str or None
        For a ``tenant``: the tenant every query is narrowed to [-].
    carrier_id : str or None
        For a ``carrier``: the carrier every query is narrowed to [-].
    token_id : int or None
        Row id of the token or session used [-].
    via : str
        ``bearer`` (Authorization header) or ``cookie`` (browser session) [-].
    """

    user_id: int
    username: str
    role: str
    park_id: str
    tenant_id: str | None = None
    carrier_id: str | None = None
    token_id: int | None = None
    via: str = "bearer"

    def to_dict(self) -> dict[str, object]:
        """The caller as JSON (no token material)."""
        return {
            "user_id": self.user_id,
            "username": self.username,
            "role": self.role,
            "park_id": self.park_id,
            "tenant_id": self.tenant_id,
            "carrier_id": self.carrier_id,
            "via": self.via,
        }


class PrincipalCache:
    """Callers resolved in the last `ttl_s` seconds, by token digest (never the raw token).

    Saves the token lookup on the hot read paths (the big screen polls). Anything in this
    process that revokes a token, changes a password or a user calls :meth:`clear`, so sign-out
    is immediate here; a change made by another process (``parkzero users passwd``, a second
    worker) takes effect within `ttl_s`. Expiry is checked on every hit.
    """

    def __init__(self, ttl_s: float = 5.0) -> None:
        self.ttl_s = ttl_s
        self._data: dict[str, tuple[float, dt.datetime, Principal, int]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            hit = self._data.get(digest)
        if hit is None:
            return None
        until, expires_at, principal, epoch = hit
        stale = epoch != _REVOCATIONS[0] or time.monotonic() > until
        if stale or dt.datetime.now(dt.UTC) >= expires_at:
            with self._lock:
                self._data.pop(digest, None)
            return None
        return principal

    def put(self, digest: str, expires_at: dt.datetime, principal: Principal) -> None:
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._data) > 10_000:
                self._data.clear()
            self._data[digest] = (
                time.monotonic() + self.ttl_s,
                expires_at,
                principal,
                _REVOCATIONS[0],
            )

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
