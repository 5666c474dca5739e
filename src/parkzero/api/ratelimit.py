"""A reusable rate limiter: at most ``limit`` hits per key in any sliding window of ``window_s``.

Used by the login route (per client address and per user name) and meant for the booking routes::

    bookings = RateLimiter(limit=30, window_s=60, name="bookings")

    @router.post("/…", dependencies=[allow("carrier", scope="carrier"), rate_limit(bookings)])

The state is in process memory (thread-safe): one limiter per process. Behind several worker
processes each worker counts on its own, so the effective limit is ``limit × workers``; run one
worker per address or put a shared limiter in front when that matters.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam

__all__ = ["RateLimitError", "RateLimiter", "client_ip", "rate_limit"]


class RateLimitError(Exception):
    """Too many requests for one key; ``retry_after`` says when the next one is allowed [s]."""

    def __init__(self, name: str, retry_after: float) -> None:
        self.name = name
        self.retry_after = retry_after
        super().__init__(
            f"too many {name} requests; try again in {max(1, math.ceil(retry_after))} s"
        )


class RateLimiter:
    """Sliding-window limiter keyed by any string.

    Parameters
    ----------
    limit : int
        Hits allowed per key within the window [-].
    window_s : float
        Length of the window [s].
    name : str
        What is limited, used in messages [-].
    clock : callable, optional
        Monotonic time source [s] (tests pass a fake one).

    Examples
    --------
    >>> t = [0.0]
    >>> limiter = RateLimiter(2, 60, "login", clock=lambda: t[0])
    >>> limiter.hit("a"); limiter.hit("a")
    >>> limiter.hit("a")
    Traceback (most recent call last):
    ...
    parkzero.api.ratelimit.RateLimitError: too many login requests; try again in 60 s
    >>> t[0] = 60.0
    >>> limiter.hit("a")
    """

    def __init__(
        self,
        limit: int,
        window_s: float,
        name: str = "",
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit <= 0 or window_s <= 0:
            raise ValueError("limit and window_s must be positive")
        self.limit = limit
        self.window_s = float(window_s)
        self.name = name or "rate-limited"
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        return hits

    def check(self, key: str) -> None:
        """Raise :class:`RateLimitError` if a hit on `key` now would exceed the limit."""
        with self._lock:
            now = self._clock()
            hits = self._prune(key, now)
            if len(hits) >= self.limit:
                raise RateLimitError(self.name, hits[0] + self.window_s - now)

    def hit(self, key: str) -> None:
        """Count one hit on `key`; raise :class:`RateLimitError` (and count nothing) if over."""
        with self._lock:
            now = self._clock()
            hits = self._prune(key, now)
            if len(hits) >= self.limit:
                raise RateLimitError(self.name, hits[0] + self.window_s - now)
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle keys so memory stays bounded
                for k in [k for k, v in self._hits.items() if not v]:
                    del self._hits[k]

    def reset(self, key: str | None = None) -> None:
        """Forget the hits of `key` (all keys when None)."""
        with self._lock:
            if key is None:
                self._hits.clear()
            else:
                self._hits.pop(key, None)


def client_ip(request: Request) -> str:
    """The client's address as the server sees it (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client is not None else "unknown"


def rate_limit(limiter: RateLimiter, key: Callable[[Request], str] = client_ip) -> DependsParam:
    """A FastAPI dependency that counts one hit per request on ``key(request)``.

    Over the limit the request ends with 429 Too Many Requests and a ``Retry-After`` header.
    """

    def _limit(request: Request) -> None:
        limiter.hit(key(request))

    return Depends(_limit)
