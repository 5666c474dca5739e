"""Calling trucks to docks (叫号): which waiting truck goes to which dock now.

The yard's display and the drivers' phones show "T0123 → dock D07". A truck is called
``lead_min`` minutes before its planned start, so that it has time to leave the buffer area and
back onto the dock when the truck before it pulls away. Calls come from the schedule in force
(:func:`parkzero.yard.scheduler.solve` / :func:`~parkzero.yard.scheduler.reoptimise`).

>>> from parkzero.yard.problem import Assignment, Schedule
>>> s = Schedule(
...     assignments=(
...         Assignment("T1", "D1", 600, 630),
...         Assignment("T2", "D2", 606, 640),
...         Assignment("T3", "D1", 630, 660),
...     ),
...     objective=0.0,
...     feasible=True,
... )
>>> [(c.truck, c.dock, c.in_min) for c in next_calls(s, 598, lead_min=10)]
[('T1', 'D1', 2), ('T2', 'D2', 8)]
>>> [c.truck for c in next_calls(s, 598, lead_min=10, called={"T1"})]
['T2']
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from parkzero.errors import ConfigError
from parkzero.yard.problem import Schedule

__all__ = ["Call", "next_calls"]


@dataclass(frozen=True)
class Call:
    """One call: truck ``truck`` to dock ``dock``.

    Parameters
    ----------
    truck, dock : str
        Identifiers [-].
    start_min : int
        Planned start at the dock [min].
    in_min : int
        Minutes from now until the planned start; negative when the truck is already late [min].
    """

    truck: str
    dock: str
    start_min: int
    in_min: int


def next_calls(
    schedule: Schedule,
    now_min: int,
    lead_min: int = 10,
    *,
    called: Collection[str] = (),
    present: Collection[str] | None = None,
    grace_min: int = 30,
) -> list[Call]:
    """Trucks to call now, earliest start first.

    A truck is called when its planned start is within ``lead_min`` minutes from now, or has
    passed by at most ``grace_min`` minutes without it being called (late call).

    Parameters
    ----------
    schedule : Schedule
        The schedule in force (starts [min]).
    now_min : int
        Current time [min].
    lead_min : int
        How long before the planned start a truck is called [min].
    called : collection of str
        Trucks already called; they are not called again [-].
    present : collection of str, optional
        Trucks checked in at the gate; when given, only these are called [-].
    grace_min : int
        Planned starts at most this long ago are still called [min].

    Returns
    -------
    list[Call]
        Sorted by planned start, then dock.

    Raises
    ------
    ConfigError
        A negative ``lead_min`` or ``grace_min``.
    """
    if lead_min < 0:
        raise ConfigError(f"{lead_min}; expected ≥ 0 minutes", column="lead_min")
    if grace_min < 0:
        raise ConfigError(f"{grace_min}; expected ≥ 0 minutes", column="grace_min")
    done = set(called)
    here = None if present is None else set(present)
    calls = [
        Call(a.truck, a.dock, a.start_min, a.start_min - now_min)
        for a in schedule.assignments
        if now_min - grace_min <= a.start_min <= now_min + lead_min
        and a.truck not in done
        and (here is None or a.truck in here)
    ]
    return sorted(calls, key=lambda c: (c.start_min, c.dock, c.truck))
