"""What a park still holds, and which credits to retire for a claim.

:func:`holdings` subtracts the retired sub-ranges from each batch (a registry's block split on
partial retirement, :func:`parkzero.neutrality.registry.take`). :func:`plan_retirements` picks
the credits for a claim from what is left: only eligible vintages, removals first for a net-zero
claim, CCER no more than the compliance cap allows, then the oldest eligible vintage first (so
that credits are used before they age out), each batch from its lowest serial.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parkzero.neutrality.models import ClaimSettings, CreditBatch, Retirement
from parkzero.neutrality.registry import SerialRange, subtract, take

__all__ = ["Holding", "RetirementPlan", "holdings", "plan_retirements", "split_batch"]


@dataclass(frozen=True)
class Holding:
    """A batch and the part of it not yet retired.

    Attributes
    ----------
    batch : CreditBatch
    retired_tco2e : int
        Credits of the batch already retired [tCO2e].
    remaining : tuple of SerialRange
        Unretired serial ranges, in serial order [-].
    """

    batch: CreditBatch
    retired_tco2e: int
    remaining: tuple[SerialRange, ...]

    @property
    def remaining_tco2e(self) -> int:
        """Credits still held [tCO2e]."""
        return sum(r.quantity for r in self.remaining)


def split_batch(
    batch: CreditBatch, quantity: int, *, suffix: str = "r"
) -> tuple[CreditBatch, CreditBatch | None]:
    """Split a batch as a registry does on a partial retirement or transfer.

    Parameters
    ----------
    batch : CreditBatch
    quantity : int
        Credits split off from the lowest serials, 1 … ``batch.quantity`` [tCO2e].
    suffix : str
        Appended to the id of the split-off part (``<id>/<suffix>``) [-].

    Returns
    -------
    (CreditBatch, CreditBatch or None)
        The split-off part and the rest (None when the whole batch was taken); both keep the
        batch's project, vintage and notation.

    Examples
    --------
    >>> b = CreditBatch(id="GS-1", standard="GS", project_id="GS7338", project_type="cookstoves",
    ...                 category="avoidance", vintage=2019,
    ...                 serials="GS1-1-CN-GS7338-16-2019-19734-2601-3600")
    >>> part, rest = split_batch(b, 400)
    >>> part.serials, part.quantity, rest.serials, rest.quantity
    ('GS1-1-CN-GS7338-16-2019-19734-2601-3000', 400, 'GS1-1-CN-GS7338-16-2019-19734-3001-3600', 600)
    """
    head, tail = take(batch.block, quantity)
    part = batch.model_copy(
        update={"id": f"{batch.id}/{suffix}", "serials": head.text, "quantity_tco2e": head.quantity}
    )
    if not tail:
        return part, None
    rest = batch.model_copy(update={"serials": tail[0].text, "quantity_tco2e": tail[0].quantity})
    return part, rest


def holdings(batches: Sequence[CreditBatch], retirements: Sequence[Retirement]) -> list[Holding]:
    """Each batch with its unretired serial ranges, in the order given."""
    by_batch: dict[str, list[SerialRange]] = {}
    known = {b.id: b for b in batches}
    for r in retirements:
        if r.batch_id in known:
            by_batch.setdefault(r.batch_id, []).append(r.block(known[r.batch_id]))
    out = []
    for batch in batches:
        taken = by_batch.get(batch.id, [])
        rest = subtract(batch.block, taken)
        retired = batch.quantity - sum(p.quantity for p in rest)
        out.append(Holding(batch=batch, retired_tco2e=retired, remaining=tuple(rest)))
    return out


@dataclass(frozen=True)
class RetirementPlan:
    """Retirements that would cover a claim, and what is missing.

    Attributes
    ----------
    retirements : tuple of Retirement
        Unsaved retirements, one per serial range used.
    needed_tco2e : int
        Credits the claim still needed before this plan [tCO2e].
    shortfall_tco2e : int
        What eligible holdings could not cover [tCO2e].
    skipped : dict of str to str
        Batches left out, with the reason [-].
    """

    retirements: tuple[Retirement, ...]
    needed_tco2e: int
    shortfall_tco2e: int
    skipped: dict[str, str]

    @property
    def planned_tco2e(self) -> int:
        """Credits the plan retires [tCO2e]."""
        return self.needed_tco2e - self.shortfall_tco2e

    @property
    def complete(self) -> bool:
        """True when the plan covers everything needed [-]."""
        return self.shortfall_tco2e == 0


def plan_retirements(
    held: Sequence[Holding],
    needed: float,
    settings: ClaimSettings,
    *,
    park_id: str,
    year: int,
    retired_on: dt.date,
    already: Sequence[Retirement] = (),
    batches: Mapping[str, CreditBatch] | None = None,
) -> RetirementPlan:
    """Choose which held credits to retire for the claim of `park_id` for `year`.

    Parameters
    ----------
    held : sequence of Holding
        What the park holds (:func:`holdings`).
    needed : float
        Credits still to retire; rounded up to whole credits [tCO2e].
    settings : ClaimSettings
        Vintage age, claim type and the CCER compliance cap.
    park_id, year : str, int
        Beneficiary and claim year [-].
    retired_on : datetime.date
        Date to record for the retirements [date].
    already : sequence of Retirement
        Retirements already made for this claim (counted against the CCER cap).
    batches : mapping, optional
        Batches of `already`, by id (default: those in `held`).

    Returns
    -------
    RetirementPlan
    """
    need = max(0, math.ceil(round(needed, 6)))
    known = dict(batches or {}) | {h.batch.id: h.batch for h in held}
    oldest = year - settings.max_vintage_age
    skipped: dict[str, str] = {}
    eligible: list[Holding] = []
    for h in held:
        b = h.batch
        if h.remaining_tco2e == 0:
            continue
        if b.vintage > year or b.vintage < oldest:
            skipped[b.id] = f"vintage {b.vintage} outside {oldest}–{year}"
        elif settings.type == "net_zero" and settings.min_removal_share >= 1 and not b.is_removal:
            skipped[b.id] = "avoidance credits cannot neutralise residual emissions (net zero)"
        else:
            eligible.append(h)
    ccer_room: float = math.inf
    if settings.compliance_obligation_tco2e is not None:
        used = sum(
            r.block(known[r.batch_id]).quantity
            for r in already
            if r.batch_id in known and known[r.batch_id].standard == "CCER"
        )
        ccer_room = max(0.0, settings.ccer_cap * settings.compliance_obligation_tco2e - used)
    removal_first = settings.type == "net_zero"
    eligible.sort(
        key=lambda h: (
            not h.batch.is_removal if removal_first else False,
            h.batch.vintage,
            h.batch.id,
        )
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    plan: list[Retirement] = []
    left = need
    for h in eligible:
        if left == 0:
            break
        for piece in h.remaining:
            if left == 0:
                break
            amount = min(left, piece.quantity)
            if h.batch.standard == "CCER" and math.isfinite(ccer_room):
                amount = min(amount, math.floor(ccer_room))
                if amount <= 0:
                    skipped.setdefault(h.batch.id, "CCER compliance cap reached")
                    break
                ccer_room -= amount
            part, _ = take(piece, amount)
            plan.append(
                Retirement(
                    batch_id=h.batch.id,
                    serials=part.text,
                    retired_on=retired_on,
                    beneficiary=park_id,
                    period_start=start,
                    period_end=end,
                    purpose="net_zero" if settings.type == "net_zero" else "carbon_neutrality",
                )
            )
            left -= amount
    return RetirementPlan(
        retirements=tuple(plan), needed_tco2e=need, shortfall_tco2e=left, skipped=skipped
    )
