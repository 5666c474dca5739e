"""Seeded generator of realistic dock-scheduling days (for benchmarks, tests and demos).

A distribution-centre day: docks for inbound, outbound or both, some of them refrigerated
(frozen cargo needs a reefer dock); trucks arriving in a morning and an afternoon wave; service
time = set-up + pallets × handling rate, times a per-dock speed factor (levellers, door type);
two shifts of dock workers; a buffer area of limited size. Every number is a parameter of
:class:`DayParams`; the defaults give the issue's ~1,000 trucks over 50 docks.

>>> p = generate_day(DayParams(trucks=40, docks=6), seed=1)
>>> len(p.trucks), len(p.docks), p.buffer_capacity
(40, 6, 30)
>>> generate_day(DayParams(trucks=40, docks=6), seed=1) == p  # same seed, same day
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from parkzero.errors import ConfigError
from parkzero.yard.problem import DockProblem, DockSlot, StaffWindow, TruckJob

__all__ = ["DayParams", "generate_day"]


@dataclass(frozen=True)
class DayParams:
    """Shape of a generated day.

    Parameters
    ----------
    trucks : int
        Truck visits [-].
    docks : int
        Docks [-].
    open_min, close_min : int
        Dock opening hours, minutes after midnight [min].
    waves : tuple[tuple[float, float, float], ...]
        Arrival waves as (share [-], mean [min], standard deviation [min]).
    reefer_share : float
        Share of docks with refrigeration, and of trucks with frozen cargo [-].
    both_share : float
        Share of docks serving inbound and outbound [-]; the rest alternate in / out.
    pallets : tuple[int, int]
        Pallets per truck, uniform between the two bounds [-].
    setup_min : float
        Docking, paperwork and seal check per truck [min].
    min_per_pallet : float
        Handling rate at a dock of speed factor 1 [min/pallet].
    speed : tuple[float, float]
        Per-dock speed factor range, multiplies the handling time [-].
    workers : tuple[int, int]
        Dock workers on the early (open to mid-day + 7 h) and late shift [-]; 0 for no limit.
    buffer_share : float
        Buffer area capacity as a share of the trucks [-]; 0 for no limit.
    """

    trucks: int = 1000
    docks: int = 50
    open_min: int = 5 * 60
    close_min: int = 23 * 60
    waves: tuple[tuple[float, float, float], ...] = ((0.55, 9 * 60, 100.0), (0.45, 15 * 60, 120.0))
    reefer_share: float = 0.2
    both_share: float = 0.2
    pallets: tuple[int, int] = (6, 33)
    setup_min: float = 10.0
    min_per_pallet: float = 1.2
    speed: tuple[float, float] = (0.85, 1.25)
    workers: tuple[int, int] = (0, 0)
    buffer_share: float = 0.75

    def __post_init__(self) -> None:
        if self.trucks < 1 or self.docks < 1:
            raise ConfigError("expected at least one truck and one dock", column="trucks/docks")
        if self.close_min - self.open_min < 120:
            raise ConfigError("docks must be open at least 2 h", column="close_min")
        if not math.isclose(sum(w[0] for w in self.waves), 1.0, rel_tol=1e-6):
            raise ConfigError("wave shares must add up to 1", column="waves")


def generate_day(params: DayParams | None = None, seed: int = 0) -> DockProblem:
    """A random but reproducible day.

    Parameters
    ----------
    params : DayParams, optional
    seed : int
        NumPy random seed [-].

    Returns
    -------
    DockProblem
        Trucks ``T0001…`` with release [min], handling at each compatible dock [min] and weight
        2 for frozen cargo (1 otherwise); docks ``D01…``; shifts; buffer capacity.
    """
    p = params or DayParams()
    rng = np.random.default_rng(seed)
    width = max(2, len(str(p.docks)))
    n_both = round(p.docks * p.both_share)
    n_reefer = max(1, round(p.docks * p.reefer_share)) if p.reefer_share > 0 else 0
    kinds = ["both"] * n_both + ["in" if k % 2 == 0 else "out" for k in range(p.docks - n_both)]
    reefer = [False] * p.docks
    for k in range(n_reefer):  # spread reefer docks over the kinds
        reefer[(k * p.docks) // n_reefer] = True
    if n_reefer and not any(r and k != "out" for r, k in zip(reefer, kinds, strict=True)):
        kinds[reefer.index(True)] = "both"
    if n_reefer and not any(r and k != "in" for r, k in zip(reefer, kinds, strict=True)):
        kinds[len(kinds) - 1 - reefer[::-1].index(True)] = "both"
    speed = rng.uniform(p.speed[0], p.speed[1], size=p.docks)
    docks = tuple(
        DockSlot(id=f"D{k + 1:0{width}d}", open_min=p.open_min, close_min=p.close_min)
        for k in range(p.docks)
    )

    shares = np.array([w[0] for w in p.waves])
    wave = rng.choice(len(p.waves), size=p.trucks, p=shares / shares.sum())
    mean = np.array([w[1] for w in p.waves])[wave]
    sd = np.array([w[2] for w in p.waves])[wave]
    latest_arrival = p.close_min - 150
    release = np.clip(np.rint(rng.normal(mean, sd)), p.open_min, latest_arrival).astype(int)
    outbound = rng.random(p.trucks) < 0.5
    frozen = rng.random(p.trucks) < (p.reefer_share if n_reefer else 0.0)
    pallets = rng.integers(p.pallets[0], p.pallets[1] + 1, size=p.trucks)
    base = p.setup_min + pallets * p.min_per_pallet
    tw = max(4, len(str(p.trucks)))
    trucks: list[TruckJob] = []
    for i in np.argsort(release, kind="stable"):
        direction = "out" if outbound[i] else "in"
        handling = {
            d.id: math.ceil(base[i] * speed[k])
            for k, d in enumerate(docks)
            if kinds[k] in (direction, "both") and (reefer[k] or not frozen[i])
        }
        trucks.append(
            TruckJob(
                id=f"T{len(trucks) + 1:0{tw}d}",
                release_min=int(release[i]),
                handling_min=handling,
                weight=2.0 if frozen[i] else 1.0,
            )
        )
    staff: tuple[StaffWindow, ...] = ()
    if p.workers[0] > 0:
        mid = p.open_min + 8 * 60
        staff = (
            StaffWindow(p.open_min, mid, p.workers[0]),
            StaffWindow(mid, p.close_min, p.workers[1]),
        )
    buffer = max(1, round(p.trucks * p.buffer_share)) if p.buffer_share > 0 else None
    return DockProblem(
        trucks=tuple(trucks),
        docks=docks,
        staff=staff,
        buffer_capacity=buffer,
        name=f"generated-{p.trucks}x{p.docks}-seed{seed}",
    )
