"""The activity base a plan works on: one year of a park's activity, and what levers do to it.

An :class:`ActivityBase` is the park's activity data for one year, pro-rated to the year by days
and summed per (kind, unit, zone, tenant, category, region), plus the refrigerant mass balances
of that year as leak rows and the contractual instruments held for it. Levers change it
(:meth:`ActivityBase.apply`): a :class:`~parkzero.carbon.models.LeverResult`'s scenario minus its
baseline is added to the matching rows, never below zero. Emissions always come from the carbon
engine (:meth:`ActivityBase.inventory` runs :func:`~parkzero.carbon.inventory.compute_inventory`
on it), so a plan values a kWh exactly as the inventory does.

A lever that changes contractual instruments rather than physical activity (green certificates,
green power contracts) lists them in its evidence as ``{"instruments": [{"type": ..., "mwh": ...,
"zone": ...}]}``; applying it adds them to the base's instruments, which the engine uses for the
market-based scope 2 figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from parkzero.carbon.activities import activities_frame
from parkzero.carbon.factors import FactorLibrary
from parkzero.carbon.inventory import InventoryResult, compute_inventory
from parkzero.carbon.models import Activity, LeverResult
from parkzero.carbon.park import Instrument, Park
from parkzero.carbon.targets import covered_emissions
from parkzero.errors import ConfigError, UnitError
from parkzero.units import conversion_factor

__all__ = ["ActivityBase", "Basis", "Key", "key_of"]

Key = tuple[str, str, str, str, str, str]  # kind, unit, zone, tenant, category, region


def key_of(a: Activity) -> Key:
    """The aggregation key of an activity: kind, unit, zone, tenant, category, region."""
    return (a.kind, a.unit, a.zone or "", a.tenant or "", a.category or "", a.region or "")


@dataclass(frozen=True)
class Basis:
    """Which emissions a plan counts: scopes 1 + 2 (market or location) and scope 3 categories.

    Parameters
    ----------
    scope2 : {"market", "location"}
    scope3_categories : tuple of str
        Scope 3 categories counted, e.g. ``("3.1", "3.4")``; empty for scopes 1 + 2 only [-].
    """

    scope2: str = "market"
    scope3_categories: tuple[str, ...] = ()

    def of(self, summary: Mapping[str, Any]) -> float:
        """Emissions of an inventory result in this basis [tCO2e]."""
        s12, s3 = covered_emissions(summary, self.scope2, self.scope3_categories)
        return s12 + s3

    def label(self) -> str:
        """Short description, e.g. ``"scope 1 + 2 (market-based)"`` [-]."""
        s3 = f" + scope 3 ({', '.join(self.scope3_categories)})" if self.scope3_categories else ""
        return f"scope 1 + 2 ({self.scope2}-based){s3}"


def _year_share(start: np.ndarray, end: np.ndarray, year: int) -> np.ndarray:
    lo, hi = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
    total = (end - start).astype(np.int64) + 1
    overlap = (np.minimum(end, hi) - np.maximum(start, lo)).astype(np.int64) + 1
    return np.clip(overlap, 0, None) / total


@dataclass(frozen=True)
class ActivityBase:
    """One year of a park's activity, aggregated, and the instruments held for it.

    Attributes
    ----------
    year : int
        The year the activities cover (1 January – 31 December) [-].
    quantities : mapping of Key to float
        Quantity per aggregation key, in the key's unit [unit/yr].
    instruments : tuple of Instrument
        Contractual instruments of the year (market-based scope 2).
    notes : tuple of str
        What could not be applied exactly (a lever's baseline larger than the base, …).
    """

    year: int
    quantities: Mapping[Key, float]
    instruments: tuple[Instrument, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_park(cls, park: Park, activities: pd.DataFrame, year: int) -> ActivityBase:
        """The base of `year` from a park's validated activity frame and mass balances.

        Parameters
        ----------
        park : Park
        activities : pandas.DataFrame
            As :func:`parkzero.carbon.inventory.load_park_activities` returns.
        year : int
            [-].

        Raises
        ------
        ConfigError
            No activity touches `year`.
        """
        qty: dict[Key, float] = {}
        if len(activities):
            start = activities["start"].to_numpy(dtype="datetime64[D]")
            end = activities["end"].to_numpy(dtype="datetime64[D]")
            share = _year_share(start, end, year)
            frame = activities.loc[share > 0]
            q = frame["quantity"].to_numpy(dtype=float) * share[share > 0]
            cols = [
                frame[c].astype(str).to_numpy()
                for c in ("kind", "unit", "zone", "tenant", "category", "region")
            ]
            for i in range(len(frame)):
                key: Key = (cols[0][i], cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i])
                qty[key] = qty.get(key, 0.0) + float(q[i])
        for stock in park.refrigerant_stocks:
            if stock.year != year or stock.leaked_kg <= 0:
                continue
            gas = stock.gas.strip()
            kind = "fugitive.SF6.leak" if gas.upper() == "SF6" else f"refrigerant.{gas}.leak"
            key = (kind, "kg", stock.zone or "", stock.tenant or "", "", "")
            qty[key] = qty.get(key, 0.0) + stock.leaked_kg
        if not qty:
            raise ConfigError(f"the park has no activity data for {year}", column="activities")
        held = tuple(i for i in park.instruments if i.year == year)
        return cls(year, dict(sorted(qty.items())), held)

    def projected(
        self, year: int, factor: float = 1.0, *, keep_instruments: bool = False
    ) -> ActivityBase:
        """The same activity dated to `year` and multiplied by `factor` (growth) [-].

        Instruments are specific to their vintage and are dropped unless `keep_instruments`.
        """
        instruments = (
            tuple(i.model_copy(update={"year": year}) for i in self.instruments)
            if keep_instruments
            else ()
        )
        return ActivityBase(
            year, {k: v * factor for k, v in self.quantities.items()}, instruments, self.notes
        )

    # -- reading -------------------------------------------------------------------------------

    def activities(self) -> list[Activity]:
        """The base as :class:`Activity` objects, one per key, covering the whole year."""
        start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        return [self._activity(k, q, start, end) for k, q in self.quantities.items() if q > 0]

    @staticmethod
    def _activity(key: Key, qty: float, start: dt.date, end: dt.date) -> Activity:
        kind, unit, zone, tenant, category, region = key
        return Activity(
            kind,
            qty,
            unit,
            start,
            end,
            zone=zone or None,
            tenant=tenant or None,
            quality="calculated",
            category=category or None,
            region=region or None,
        )

    def rows(
        self,
        kinds: Iterable[str] | None = None,
        *,
        prefix: str | None = None,
        own: bool | None = True,
        zones: Sequence[str] | None = None,
        category: str | None = None,
    ) -> list[Activity]:
        """Activities that match, with their current quantities.

        Parameters
        ----------
        kinds : iterable of str, optional
            Exact activity types [-].
        prefix : str, optional
            Activity types starting with this, e.g. ``"refrigerant."`` [-].
        own : bool or None
            True: the park's own rows (no tenant); False: tenants' rows; None: both [-].
        zones : sequence of str, optional
            Only these zones [-].
        category : str, optional
            Only rows whose category override is this, e.g. ``"3.9"`` [-].
        """
        wanted = set(kinds) if kinds is not None else None
        start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        out = []
        for key, q in self.quantities.items():
            kind, _, zone, tenant, cat, _ = key
            if q <= 0:
                continue
            if wanted is not None and kind not in wanted:
                continue
            if prefix is not None and not kind.startswith(prefix):
                continue
            if own is True and tenant:
                continue
            if own is False and not tenant:
                continue
            if zones is not None and zone not in zones:
                continue
            if category is not None and cat != category:
                continue
            out.append(self._activity(key, q, start, end))
        return out

    def total(self, rows: Sequence[Activity], unit: str) -> float:
        """Sum of `rows` converted to `unit` [unit]."""
        return float(sum(a.quantity * conversion_factor(a.unit, unit) for a in rows))

    # -- changing --------------------------------------------------------------------------------

    def apply(self, lever: LeverResult, share: float = 1.0) -> ActivityBase:
        """The base after `lever`: its scenario − baseline (× `share`) added, never below zero.

        Parameters
        ----------
        lever : LeverResult
            Its activities are taken as one year's effect whatever their dates.
        share : float
            Part of the effect to apply, e.g. during a ramp-up [0–1].

        Returns
        -------
        ActivityBase
            A new base; :attr:`notes` says what was clipped or could not be matched.
        """
        delta: dict[Key, float] = {}
        for a in lever.baseline:
            delta[key_of(a)] = delta.get(key_of(a), 0.0) - a.quantity * share
        for a in lever.scenario:
            delta[key_of(a)] = delta.get(key_of(a), 0.0) + a.quantity * share
        qty = dict(self.quantities)
        notes = list(self.notes)
        for key, d in delta.items():
            if abs(d) < 1e-12:
                continue
            if d > 0 or key in qty:
                have = qty.get(key, 0.0)
                if have + d < -1e-9 * max(1.0, abs(d)):
                    notes.append(
                        f"{lever.lever}: {key[0]} {key[2] or 'park-wide'} would go below zero "
                        f"({have:,.1f} {key[1]} − {-d:,.1f}); clipped at zero"
                    )
                qty[key] = max(0.0, have + d)
                continue
            self._take(qty, key, -d, lever.lever, notes)
        instruments = list(self.instruments)
        for i, spec in enumerate((lever.evidence or {}).get("instruments", []) or []):
            instruments.append(
                Instrument(
                    id=f"{lever.lever}#{i}",
                    type=spec["type"],
                    mwh=float(spec["mwh"]) * share,
                    year=self.year,
                    zone=spec.get("zone") or None,
                    note=f"plan lever {lever.lever}",
                )
            )
        return ActivityBase(self.year, qty, tuple(instruments), tuple(notes))

    @staticmethod
    def _take(qty: dict[Key, float], key: Key, amount: float, lever: str, notes: list[str]) -> None:
        """Subtract `amount` [key unit] from rows like `key` (same kind; zone/tenant if given)."""
        kind, unit, zone, tenant, category, region = key
        cands = [
            k
            for k, q in qty.items()
            if k[0] == kind
            and q > 0
            and (not zone or k[2] == zone)
            and k[3] == tenant
            and (not category or k[4] == category)
            and (not region or k[5] == region)
        ]
        conv: dict[Key, float] = {}
        for k in cands:
            try:
                conv[k] = conversion_factor(unit, k[1])
            except UnitError:
                continue
        avail = sum(qty[k] / conv[k] for k in conv)  # in the lever's unit
        if avail <= 0:
            notes.append(
                f"{lever}: no {kind} rows in {zone or 'the park'} to reduce by "
                f"{amount:,.1f} {unit}; not applied"
            )
            return
        take = min(amount, avail)
        if amount > avail * (1 + 1e-9):
            notes.append(
                f"{lever}: {kind} reduction {amount:,.1f} {unit} exceeds the "
                f"{avail:,.1f} {unit} in the base; clipped"
            )
        for k, c in conv.items():
            part = qty[k] / c / avail  # share of the available amount
            qty[k] = max(0.0, qty[k] - take * part * c)

    # -- emissions, from the carbon engine -------------------------------------------------------

    def frame(self, park: Park) -> pd.DataFrame:
        """The base as a validated activity frame for the inventory engine."""
        return activities_frame(
            self.activities(), source="plan", zones=park.zone_ids, tenants=park.tenant_ids
        )

    def inventory(self, park: Park, *, library: FactorLibrary | None = None) -> InventoryResult:
        """The inventory of this base with the park's factors, GWP set and boundary.

        The park's own mass balances and instruments are replaced by the base's (they are
        already in it).
        """
        bare = park.model_copy(
            update={
                "refrigerant_stocks": (),
                "instruments": self.instruments,
                "structural_changes": (),
            }
        )
        return compute_inventory(
            bare, self.frame(park), self.year, library=library, with_base_year=False
        )

    def emissions(self, park: Park, basis: Basis, *, library: FactorLibrary | None = None) -> float:
        """Emissions of this base in `basis`, from the inventory engine [tCO2e/yr]."""
        return basis.of(self.inventory(park, library=library).summary)

    def with_quantities(self, quantities: Mapping[Key, float]) -> ActivityBase:
        """A copy with other quantities (same year and instruments)."""
        return replace(self, quantities=dict(quantities))
