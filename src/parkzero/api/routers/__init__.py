"""One router per domain; each module exposes ``router`` and every route declares its access rule
with :func:`parkzero.api.access.allow`.

Core: ``auth``, ``admin``, ``parks``, ``inventory``, ``plan``, ``monitoring``, ``ledger``,
``reports``. Included when present: ``pages`` and ``screen`` (web front end), ``bookings`` and
``yard`` (dock appointments, with :class:`parkzero.api.ratelimit.RateLimiter` on booking),
``energy``.
"""

__all__: list[str] = []
