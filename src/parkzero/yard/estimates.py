"""Service-time estimates and yard reference figures.

A truck's time at the dock is modelled as a fixed set-up plus a time per pallet::

    service [min] = setup [min] + rate [min/pallet] × pallets [-]

per dock kind (``"dry"`` or ``"reefer"``) and direction (``"inbound"`` or ``"outbound"``). The
defaults come from ``parkzero/data/yard/reference.csv`` (planning assumptions, with sources).
When a park has a history of completed visits, :func:`fit_rates` learns the two coefficients
per (dock kind, direction) by ordinary least squares on (pallets, measured minutes at the dock);
a group with fewer than ``min_samples`` visits, a single distinct pallet count, or a fit with a
negative coefficient keeps the reference rate (the fit is then not trustworthy).

The same file holds the figures the simulation turns into activity data: the diesel a heavy
truck burns idling [L/h], the share of waiting with the engine on [-], the warehouse power that
follows dock operating hours [kW] and operating days per year [d/yr].
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np

from parkzero.config import packaged_data
from parkzero.errors import InputError

__all__ = [
    "DIRECTIONS",
    "DOCK_KINDS",
    "CompletedVisit",
    "Direction",
    "DockKind",
    "HandlingRate",
    "ServiceTimeModel",
    "arrival_profile",
    "fit_rates",
    "reference_rates",
    "reference_value",
]

Direction = Literal["inbound", "outbound"]
DockKind = Literal["dry", "reefer"]
DIRECTIONS: tuple[Direction, ...] = ("inbound", "outbound")
DOCK_KINDS: tuple[DockKind, ...] = ("dry", "reefer")


@dataclass(frozen=True)
class HandlingRate:
    """Service time of one (dock kind, direction): ``setup_min + min_per_pallet × pallets``.

    Parameters
    ----------
    setup_min : float
        Docking, doors, paperwork per visit [min].
    min_per_pallet : float
        Handling time per pallet [min/pallet].
    source : str
        ``"reference"`` or ``"fitted (n=…, rmse=… min)"`` [-].
    """

    setup_min: float
    min_per_pallet: float
    source: str = "reference"

    def minutes(self, pallets: float) -> float:
        """Expected service time for `pallets` [-] [min]."""
        return self.setup_min + self.min_per_pallet * pallets


@dataclass(frozen=True)
class CompletedVisit:
    """A finished dock visit from the history: ``pallets`` [-] handled in ``minutes`` [min]."""

    dock_kind: DockKind
    direction: Direction
    pallets: int
    minutes: float


def _reference_rows() -> list[dict[str, str]]:
    with packaged_data("yard/reference.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _reference() -> tuple[dict[str, str], ...]:
    return tuple(_reference_rows())


def reference_value(name: str) -> float:
    """A scalar from ``data/yard/reference.csv`` (rows without direction and dock kind).

    Parameters
    ----------
    name : str
        ``"idle_fuel_l_per_h"`` [L/h], ``"idle_fuel_l_per_h_no_load"`` [L/h],
        ``"idle_share_of_waiting"`` [-], ``"warehouse_kw"`` [kW],
        ``"operating_days_per_year"`` [d/yr].

    Examples
    --------
    >>> reference_value("idle_fuel_l_per_h")  # 0.8 gal/h (US DOE / Argonne)
    3.03
    """
    for row in _reference():
        if row["id"] == name and not row["direction"] and not row["dock_kind"]:
            return float(row["value"])
    raise KeyError(f"no yard reference value {name!r} in data/yard/reference.csv")


def reference_rates() -> dict[tuple[DockKind, Direction], HandlingRate]:
    """The reference set-up [min] and handling rate [min/pallet] per (dock kind, direction).

    Examples
    --------
    >>> reference_rates()[("dry", "inbound")].minutes(20)  # 15 min + 20 × 1.5 min
    45.0
    """
    setup: dict[tuple[str, str], float] = {}
    rate: dict[tuple[str, str], float] = {}
    for row in _reference():
        key = (row["dock_kind"], row["direction"])
        if row["id"] == "setup_min":
            setup[key] = float(row["value"])
        elif row["id"] == "handling_min_per_pallet":
            rate[key] = float(row["value"])
    out: dict[tuple[DockKind, Direction], HandlingRate] = {}
    for kind in DOCK_KINDS:
        for direction in DIRECTIONS:
            out[(kind, direction)] = HandlingRate(setup[(kind, direction)], rate[(kind, direction)])
    return out


@lru_cache(maxsize=1)
def arrival_profile() -> tuple[float, ...]:
    """Relative arrival rate of trucks without appointments for each hour 0–23 [-].

    Normalised to sum to 1; from ``data/yard/arrival_profile.csv`` (an assumption with a morning
    and an early-afternoon peak).
    """
    with packaged_data("yard/arrival_profile.csv").open(encoding="utf-8", newline="") as fh:
        weights = {int(r["hour"]): float(r["weight"]) for r in csv.DictReader(fh)}
    values = [weights.get(h, 0.0) for h in range(24)]
    total = sum(values)
    return tuple(v / total for v in values)


def fit_rates(
    visits: Iterable[CompletedVisit],
    *,
    min_samples: int = 10,
    base: Mapping[tuple[DockKind, Direction], HandlingRate] | None = None,
) -> dict[tuple[DockKind, Direction], HandlingRate]:
    """Learn set-up and per-pallet time per (dock kind, direction) from completed visits.

    Ordinary least squares of ``minutes = setup + rate × pallets`` in each group. A group keeps
    its `base` rate (default :func:`reference_rates`) when it has fewer than `min_samples`
    visits, fewer than two distinct pallet counts, or the fit gives a negative set-up or rate.

    Parameters
    ----------
    visits : iterable of CompletedVisit
        Measured visits: pallets [-] and minutes at the dock [min].
    min_samples : int
        Visits a group needs before its fit replaces the reference [-].
    base : mapping, optional
        Rates to fall back on [min, min/pallet].

    Returns
    -------
    dict
        One :class:`HandlingRate` per (dock kind, direction); fitted ones say so in ``source``.

    Examples
    --------
    Ten visits that follow 12 min + 2 min/pallet exactly:

    >>> v = [CompletedVisit("dry", "inbound", p, 12 + 2 * p) for p in range(5, 15)]
    >>> r = fit_rates(v)[("dry", "inbound")]
    >>> round(r.setup_min, 6), round(r.min_per_pallet, 6)
    (12.0, 2.0)
    """
    rates = dict(base if base is not None else reference_rates())
    groups: dict[tuple[DockKind, Direction], list[CompletedVisit]] = {}
    for i, v in enumerate(visits):
        if v.dock_kind not in DOCK_KINDS or v.direction not in DIRECTIONS:
            raise InputError(
                f"visit {i + 1}: dock kind {v.dock_kind!r} / direction {v.direction!r} "
                f"(expected one of {DOCK_KINDS} and {DIRECTIONS})",
                column="dock_kind",
            )
        if v.pallets < 0 or not math.isfinite(v.minutes) or v.minutes <= 0:
            raise InputError(
                f"visit {i + 1}: {v.pallets} pallets in {v.minutes} min "
                "(expected pallets ≥ 0 and a positive duration)",
                column="minutes",
            )
        groups.setdefault((v.dock_kind, v.direction), []).append(v)
    for key, group in groups.items():
        if len(group) < min_samples:
            continue
        x = np.array([g.pallets for g in group], dtype=float)
        y = np.array([g.minutes for g in group], dtype=float)
        if len(np.unique(x)) < 2:
            continue
        a = np.column_stack([np.ones_like(x), x])
        (setup, rate), *_ = np.linalg.lstsq(a, y, rcond=None)
        if setup < 0 or rate < 0:
            continue
        rmse = float(np.sqrt(np.mean((a @ np.array([setup, rate]) - y) ** 2)))
        rates[key] = HandlingRate(
            float(setup), float(rate), f"fitted (n={len(group)}, rmse={rmse:.1f} min)"
        )
    return rates


@dataclass(frozen=True)
class ServiceTimeModel:
    """Expected service time of a visit from its pallets, direction and the dock's kind.

    Parameters
    ----------
    rates : mapping
        :class:`HandlingRate` per (dock kind, direction); default the reference rates.
    """

    rates: Mapping[tuple[DockKind, Direction], HandlingRate] = field(
        default_factory=reference_rates
    )

    @classmethod
    def learnt(cls, visits: Iterable[CompletedVisit], *, min_samples: int = 10) -> ServiceTimeModel:
        """A model fitted on completed visits (see :func:`fit_rates`)."""
        return cls(fit_rates(visits, min_samples=min_samples))

    def minutes(self, dock_kind: DockKind, direction: Direction, pallets: int) -> int:
        """Expected service time, rounded up to whole minutes [min] (at least 1).

        >>> ServiceTimeModel().minutes("reefer", "inbound", 10)  # 20 + 10 × 2.0
        40
        """
        exact = self.rates[(dock_kind, direction)].minutes(pallets)
        return max(1, math.ceil(round(exact, 9)))
