"""The carbon-neutrality claim: ISO 14068-1 claim / PAS 2060 qualifying explanatory statement.

:func:`build_claim` puts together, from an inventory result, the credits retired for the period
and the checks of :mod:`parkzero.neutrality.checks`, everything the statement must disclose: the
subject and its boundary, the period, emissions by scope, the reductions achieved, the credits
retired with their registry serials, how the claim is substantiated, and the statement itself in
Chinese and English. The claim is valid for 12 months from its declaration date
(:func:`validity_status`: ``valid``, ``expiring``, ``expired``, or ``not_yet_valid`` before the
declaration date). A claim whose checks fail is a draft and says so in its statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from parkzero.neutrality.checks import (
    CheckResult,
    Footprint,
    claim_retirements,
    footprint,
    run_checks,
)
from parkzero.neutrality.models import (
    STANDARD_INFO,
    ClaimSettings,
    CreditBatch,
    Retirement,
    add_months,
    year_period,
)

__all__ = ["Claim", "ClaimCredit", "Validity", "build_claim", "validity_status"]

Validity = Literal["not_yet_valid", "valid", "expiring", "expired"]

_VERIFICATION = {
    "independent_third_party": ("独立第三方认证", "independent third-party certification"),
    "other_party": ("其他方验证", "other-party validation"),
    "self": ("自我验证", "self-validation"),
}
_BOUNDARY = {
    "operational_control": ("运营控制权法", "operational control"),
    "financial_control": ("财务控制权法", "financial control"),
    "equity_share": ("股权比例法", "equity share"),
}


def validity_status(
    declared_on: dt.date,
    today: dt.date,
    *,
    months: int = 12,
    expiring_days: int = 90,
) -> Validity:
    """Where a claim stands on `today`.

    Valid from `declared_on` for `months` months (the last valid day is one day before the
    same date `months` later); ``expiring`` when fewer than `expiring_days` remain.

    Examples
    --------
    >>> d = dt.date(2025, 3, 31)
    >>> [validity_status(d, dt.date(*t)) for t in ((2025, 3, 30), (2025, 4, 1), (2026, 1, 15),
    ...                                             (2026, 3, 30), (2026, 3, 31))]
    ['not_yet_valid', 'valid', 'expiring', 'expiring', 'expired']
    """
    until = add_months(declared_on, months) - dt.timedelta(days=1)
    if today < declared_on:
        return "not_yet_valid"
    if today > until:
        return "expired"
    if (until - today).days < expiring_days:
        return "expiring"
    return "valid"


@dataclass(frozen=True)
class ClaimCredit:
    """One retirement as the statement lists it."""

    batch_id: str
    standard: str
    registry: str
    project_id: str
    project_name: str
    project_type: str
    category: str
    vintage: int
    serials: str
    quantity_tco2e: int
    retired_on: dt.date
    reference: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-able fields."""
        out = dict(self.__dict__)
        out["retired_on"] = self.retired_on.isoformat()
        return out


@dataclass(frozen=True)
class Claim:
    """A carbon-neutrality claim for one park and one calendar year.

    Attributes
    ----------
    park_id, park_name : str
    year : int
        The claim period is 1 January – 31 December of `year` [-].
    settings : ClaimSettings
    footprint : Footprint
        Emissions the claim covers [tCO2e].
    inventory : dict
        Boundary, GWP set, totals and base year of the inventory (no lines).
    reductions : dict
        Change against the previous period and the base year [tCO2e, fraction].
    credits : tuple of ClaimCredit
    checks : tuple of CheckResult
    declared_on, valid_until : datetime.date
    statement_zh, statement_en : str
    """

    park_id: str
    park_name: str
    year: int
    settings: ClaimSettings
    footprint: Footprint
    inventory: dict[str, Any]
    reductions: dict[str, Any]
    credits: tuple[ClaimCredit, ...]
    checks: tuple[CheckResult, ...]
    declared_on: dt.date
    valid_until: dt.date
    statement_zh: str = ""
    statement_en: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """First and last day of the claim period [date]."""
        return year_period(self.year)

    @property
    def qualifies(self) -> bool:
        """True when no check failed [-]."""
        return all(c.passed for c in self.checks)

    @property
    def retired_tco2e(self) -> int:
        """Credits retired for the period [tCO2e]."""
        return sum(c.quantity_tco2e for c in self.credits)

    @property
    def removal_share(self) -> float:
        """Share of removal credits in the credits retired [0–1]."""
        total = self.retired_tco2e
        removals = sum(c.quantity_tco2e for c in self.credits if c.category == "removal")
        return removals / total if total else 0.0

    def validity(self, today: dt.date | None = None) -> Validity:
        """The claim's validity on `today` (default: today) [-]."""
        return validity_status(
            self.declared_on,
            today or dt.date.today(),
            months=self.settings.validity_months,
            expiring_days=self.settings.expiring_days,
        )

    def is_valid(self, today: dt.date | None = None) -> bool:
        """The checks pass and the claim is within its validity on `today` [-]."""
        return self.qualifies and self.validity(today) in ("valid", "expiring")

    def statement(self, lang: str) -> str:
        """The statement in ``zh-CN`` or ``en`` [-]."""
        return self.statement_en if str(lang).lower().startswith("en") else self.statement_zh

    def to_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        """The claim as JSON-able data (the ``--json`` shape of ``parkzero claim``)."""
        start, end = self.period
        return {
            "park": self.park_id,
            "park_name": self.park_name,
            "period": {"year": self.year, "start": start.isoformat(), "end": end.isoformat()},
            "claim_type": self.settings.type,
            "standards": ["ISO 14068-1:2023", "PAS 2060:2014"],
            "qualifies": self.qualifies,
            "validity": self.validity(today),
            "declared_on": self.declared_on.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "verification": self.settings.verification,
            "verifier": self.settings.verifier,
            "reduction_plan": self.settings.reduction_plan,
            "inventory": self.inventory,
            "emissions": self.footprint.to_dict(),
            "footprint_tco2e": self.footprint.total,
            "reductions": self.reductions,
            "retired_tco2e": self.retired_tco2e,
            "removal_share": self.removal_share,
            "credits": [c.to_dict() for c in self.credits],
            "checks": [c.to_dict() for c in self.checks],
            "statement": {"zh-CN": self.statement_zh, "en": self.statement_en},
            "settings": self.settings.model_dump(mode="json"),
            "notes": list(self.notes),
        }


def _reductions(
    inventory: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    settings: ClaimSettings,
    fp: Footprint,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "footprint_tco2e": fp.total,
        "previous_year": None,
        "previous_footprint_tco2e": None,
        "change_vs_previous": None,
        "base_year": None,
        "base_year_tco2e": None,
        "total_tco2e": inventory.get("total_tco2e"),
        "change_vs_base_year": None,
        "base_year_recalculation_required": False,
    }
    if previous is not None:
        before = footprint(previous, settings).total
        out["previous_year"] = previous.get("year")
        out["previous_footprint_tco2e"] = before
        out["change_vs_previous"] = fp.total / before - 1 if before else None
    base = inventory.get("base_year")
    if isinstance(base, Mapping) and base.get("total_tco2e"):
        base_total = float(base["total_tco2e"])
        if base.get("recalculation_required"):
            base_total += float(base.get("structural_change_tco2e") or 0.0)
            out["base_year_recalculation_required"] = True
        out["base_year"] = base.get("year")
        out["base_year_tco2e"] = base_total
        total = float(inventory.get("total_tco2e") or 0.0)
        out["change_vs_base_year"] = total / base_total - 1 if base_total else None
    return out


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _en_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _n(value: float) -> str:
    return f"{value:,.1f}"


def _statements(claim: Claim) -> tuple[str, str]:
    s = claim.settings
    start, end = claim.period
    fp = claim.footprint
    boundary = str(claim.inventory.get("boundary") or "operational_control")
    b_zh, b_en = _BOUNDARY.get(boundary, (boundary, boundary.replace("_", " ")))
    v_zh, v_en = _VERIFICATION[s.verification]
    verifier = f"（{s.verifier}）" if s.verifier else ""
    verifier_en = f" ({s.verifier})" if s.verifier else ""
    m_zh = "基于市场" if s.scope2_method == "market" else "基于位置"
    standards = sorted({c.standard for c in claim.credits})
    units = "、".join(f"{STANDARD_INFO[x].name_zh} ({x})" for x in standards) or "—"
    units_en = ", ".join(f"{STANDARD_INFO[x].name_en} ({x})" for x in standards) or "—"
    neutral_zh = "净零排放" if s.type == "net_zero" else "碳中和"
    neutral_en = "net-zero emissions" if s.type == "net_zero" else "carbon neutrality"
    red = claim.reductions
    parts_zh: list[str] = []
    parts_en: list[str] = []
    if red.get("change_vs_previous") is not None:
        parts_zh.append(f"较 {red['previous_year']} 年变化 {red['change_vs_previous']:+.1%}")
        parts_en.append(f"{red['change_vs_previous']:+.1%} against {red['previous_year']}")
    if red.get("change_vs_base_year") is not None:
        parts_zh.append(f"较基准年 {red['base_year']} 年变化 {red['change_vs_base_year']:+.1%}")
        parts_en.append(f"{red['change_vs_base_year']:+.1%} against base year {red['base_year']}")
    red_zh = "，".join(parts_zh) + "；" if parts_zh else ""
    red_en = " (" + "; ".join(parts_en) + ")" if parts_en else ""
    excluded_zh = (
        f"已排除不重要的范围三排放源 {', '.join(s.excluded)}（{_n(fp.scope3_excluded)} tCO₂e）。"
        if s.excluded
        else ""
    )
    excluded_en = (
        f" Immaterial scope 3 sources excluded: {', '.join(s.excluded)} "
        f"({_n(fp.scope3_excluded)} tCO2e)."
        if s.excluded
        else ""
    )
    zh = (
        f"{claim.park_name}（{claim.park_id}）声明：依据 ISO 14068-1:2023 与 PAS 2060:2014，"
        f"在{b_zh}确定的组织边界内，{_zh_date(start)}至{_zh_date(end)}期间已实现{neutral_zh}。"
        f"该期间温室气体排放为 {_n(fp.total)} tCO₂e（范围一 {_n(fp.scope1)}，"
        f"范围二（{m_zh}）{_n(fp.scope2)}，范围三 {_n(fp.scope3)}）；{red_zh}"
        f"剩余排放已通过注销 {claim.retired_tco2e:,} tCO₂e 碳信用（{units}）全部抵消，"
        f"注销序列号见附表。{excluded_zh}"
        f"本声明经{v_zh}{verifier}，声明日期 {claim.declared_on:%Y-%m-%d}，"
        f"有效期至 {claim.valid_until:%Y-%m-%d}。"
    )
    en = (
        f"{claim.park_name} ({claim.park_id}) declares that it has achieved {neutral_en} for the "
        f"period {_en_date(start)} to {_en_date(end)}, within an organisational boundary set by "
        f"{b_en}, in accordance with ISO 14068-1:2023 and PAS 2060:2014. Its greenhouse-gas "
        f"emissions for the period were {_n(fp.total)} tCO2e (scope 1 {_n(fp.scope1)}, scope 2 "
        f"{s.scope2_method}-based {_n(fp.scope2)}, scope 3 {_n(fp.scope3)}){red_en}. The "
        f"residual emissions were offset in full by retiring {claim.retired_tco2e:,} tCO2e of "
        f"carbon credits ({units_en}), listed with their serial numbers below.{excluded_en} "
        f"The claim is substantiated by {v_en}{verifier_en}; declared on "
        f"{claim.declared_on:%Y-%m-%d} and valid until {claim.valid_until:%Y-%m-%d}."
    )
    if not claim.qualifies:
        failed = [c.id for c in claim.checks if not c.passed]
        zh = f"【草案 — 以下检查未通过，不得据此声明{neutral_zh}：{'、'.join(failed)}】" + zh
        en = (
            f"[DRAFT — checks failed ({', '.join(failed)}); {neutral_en} must not be claimed "
            "on this basis] " + en
        )
    return zh, en


def build_claim(
    inventory: Mapping[str, Any],
    settings: ClaimSettings,
    *,
    batches: Mapping[str, CreditBatch],
    retirements: Sequence[Retirement],
    previous: Mapping[str, Any] | None = None,
    first_period: int | None = None,
    declared_on: dt.date | None = None,
    notes: Sequence[str] = (),
) -> Claim:
    """Build the claim of the park and year of `inventory`.

    Parameters
    ----------
    inventory : mapping
        Inventory result of the claim year (``InventoryResult.to_dict()``; lines optional).
    settings : ClaimSettings
    batches : mapping of str to CreditBatch
        Every batch the retirements refer to, by id.
    retirements : sequence of Retirement
        All known retirements of these batches; those for this park and year are the claim's
        credits, all of them are checked for double retirement.
    previous : mapping, optional
        Inventory result of the previous year.
    first_period : int, optional
        Year of the park's first claim (default ``settings.first_period`` or this year).
    declared_on : datetime.date, optional
        Declaration date (default ``settings.declared_on`` or today).
    notes : sequence of str
        Lines printed with the claim (e.g. what was retired now).

    Returns
    -------
    Claim
    """
    year = int(inventory["year"])
    park_id = str(inventory.get("park") or "")
    fp = footprint(inventory, settings)
    checks = run_checks(
        inventory,
        settings,
        batches=batches,
        retirements=retirements,
        previous=previous,
        first_period=first_period,
    )
    mine = claim_retirements(retirements, park_id, year)
    credits = []
    for r in sorted(mine, key=lambda r: (r.retired_on, r.batch_id, r.serials)):
        b = batches[r.batch_id]
        credits.append(
            ClaimCredit(
                batch_id=b.id,
                standard=b.standard,
                registry=b.registry,
                project_id=b.project_id,
                project_name=b.project_name,
                project_type=b.project_type,
                category=b.category,
                vintage=b.vintage,
                serials=r.serials,
                quantity_tco2e=r.block(b).quantity,
                retired_on=r.retired_on,
                reference=r.reference,
            )
        )
    declared = declared_on or settings.declared_on or dt.date.today()
    summary_keys = (
        "park",
        "park_name",
        "year",
        "boundary",
        "gwp_set",
        "factor_sets",
        "electricity_series",
        "total_tco2e",
        "total_market_tco2e",
        "scope1_tco2e",
        "scope2_location_tco2e",
        "scope2_market_tco2e",
        "scope3_tco2e",
        "by_category",
        "category_labels",
        "base_year",
    )
    claim = Claim(
        park_id=park_id,
        park_name=str(inventory.get("park_name") or park_id),
        year=year,
        settings=settings,
        footprint=fp,
        inventory={k: inventory.get(k) for k in summary_keys if k in inventory},
        reductions=_reductions(inventory, previous, settings, fp),
        credits=tuple(credits),
        checks=tuple(checks),
        declared_on=declared,
        valid_until=add_months(declared, settings.validity_months) - dt.timedelta(days=1),
        notes=tuple(notes),
    )
    zh, en = _statements(claim)
    return Claim(**{**claim.__dict__, "statement_zh": zh, "statement_en": en})
