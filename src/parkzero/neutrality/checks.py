"""The rules a carbon-neutrality claim must pass, each with a clear message and its source.

Every check is a pure function that returns a :class:`CheckResult` (``pass``, ``fail`` or
``info`` for a rule that does not apply) with a message in English and Chinese; a claim
qualifies when no check fails. :func:`run_checks` runs them all in a fixed order:

=====================  =================================================================
check                  rule
=====================  =================================================================
coverage               100 % of scopes 1 and 2 and every scope 3 source above 1 % of the
                       total are in the claim (PAS 2060:2014; ISO 14068-1:2023)
reductions_first       after the first period the inventory shows a reduction against the
                       previous period or the base year, or a reduction plan is referenced
                       (PAS 2060:2014; ISO 14068-1:2023 hierarchy: reduce before offsetting)
offset_quantity        the credits retired for the period cover the footprint
no_double_retirement   no serial is retired twice (ISO 14068-1:2023 clause 11; PAS 2060)
vintage                vintage not after the period and at most `max_vintage_age` years
                       before it
retirement_date        retired at most 12 months after the period ends (ISO 14068-1:2023
                       clause 11.2; PAS 2060:2014 9.1.2)
ccer_cap               CCER offset at most 5 % of a compliance obligation (碳排放权交易管理
                       办法（试行）, MEE order 19, art. 29)
removals               a net-zero claim's credits are removals (SBTi Corporate Net-Zero
                       Standard: residual emissions neutralised by permanent removals)
=====================  =================================================================

The footprint a claim offsets (:func:`footprint`) is scope 1 + scope 2 (market-based by default)
+ the scope 3 sources the claim keeps, from the inventory result of
:func:`parkzero.carbon.inventory.compute_inventory` (``docs/inventory.md``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from parkzero.errors import InputError
from parkzero.neutrality.models import ClaimSettings, CreditBatch, Retirement, add_months
from parkzero.neutrality.registry import SerialRange, find_overlaps

__all__ = [
    "CHECK_IDS",
    "CheckResult",
    "CheckStatus",
    "Footprint",
    "check_ccer_cap",
    "check_coverage",
    "check_no_double_retirement",
    "check_offset_quantity",
    "check_reductions_first",
    "check_removals",
    "check_retirement_dates",
    "check_vintage",
    "claim_retirements",
    "footprint",
    "run_checks",
]

CheckStatus = Literal["pass", "fail", "info"]

CHECK_IDS = (
    "coverage",
    "reductions_first",
    "offset_quantity",
    "no_double_retirement",
    "vintage",
    "retirement_date",
    "ccer_cap",
    "removals",
)

_SOURCES = {
    "coverage": "PAS 2060:2014 (subject's footprint: 100 % of scopes 1 and 2, scope 3 sources "
    "> 1 %); ISO 14068-1:2023 (all significant emissions)",
    "reductions_first": "PAS 2060:2014 (carbon management plan; reductions shown before "
    "offsetting after the first period); ISO 14068-1:2023 (reductions take priority over "
    "offsetting)",
    "offset_quantity": "ISO 14068-1:2023 and PAS 2060:2014 (residual emissions offset in full)",
    "no_double_retirement": "ISO 14068-1:2023 clause 11 (credits retired, not double counted); "
    "PAS 2060:2014 9.1.2",
    "vintage": "PAS 2060:2014 9.1.2 (ex-post credits); vintage age: parkzero setting "
    "max_vintage_age",
    "retirement_date": "ISO 14068-1:2023 clause 11.2; PAS 2060:2014 9.1.2 (retired within "
    "12 months)",
    "ccer_cap": "碳排放权交易管理办法（试行）(生态环境部令第19号, 2020) 第二十九条: CCER ≤ 5 % of the "
    "allowances to surrender",
    "removals": "SBTi Corporate Net-Zero Standard (residual emissions neutralised by permanent "
    "removals)",
}
_SHOWN = 5  # problems listed in one message


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one rule.

    Attributes
    ----------
    id : str
        One of :data:`CHECK_IDS` [-].
    status : {"pass", "fail", "info"}
        ``info`` when the rule does not apply to this claim [-].
    message, message_zh : str
        What was found, in English and in Chinese [-].
    source : str
        The standard or regulation the rule comes from [-].
    details : dict
        Figures behind the verdict (JSON-able) [-].
    """

    id: str
    status: CheckStatus
    message: str
    message_zh: str
    source: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True unless the check failed [-]."""
        return self.status != "fail"

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-able data."""
        return {
            "id": self.id,
            "status": self.status,
            "message": self.message,
            "message_zh": self.message_zh,
            "source": self.source,
            "details": self.details,
        }


def _result(check: str, ok: bool | None, en: str, zh: str, **details: Any) -> CheckResult:
    status: CheckStatus = "info" if ok is None else ("pass" if ok else "fail")
    return CheckResult(check, status, en, zh, _SOURCES[check], details)


def _t(value: float) -> str:
    return f"{value:,.1f}"


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return 0.0
    return out if math.isfinite(out) else 0.0


def _more(items: Sequence[str]) -> str:
    shown = "; ".join(items[:_SHOWN])
    return shown + (f"; … {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


# --------------------------------------------------------------------------------------------
# the footprint


@dataclass(frozen=True)
class Footprint:
    """The emissions a claim covers, from one inventory result [tCO2e].

    Attributes
    ----------
    scope1, scope2, scope3 : float
        Scope 1, scope 2 by `scope2_method`, scope 3 kept in the claim [tCO2e].
    scope2_location, scope2_market : float
        Both scope 2 figures of the inventory [tCO2e].
    scope3_excluded : float
        Scope 3 emissions the claim leaves out [tCO2e].
    inventory_total : float
        Scope 1 + 2 (`scope2_method`) + all scope 3 of the inventory [tCO2e].
    scope2_method : {"market", "location"}
    sources : dict
        Per category (and excluded activity type): ``{"scope", "tco2e", "share", "included"}``.
    excluded_in_scope12 : dict
        Excluded sources that are scope 1 or 2, with their tCO2e (never allowed) [tCO2e].
    unknown_exclusions : list of str
        Excluded ids that match nothing in the inventory [-].
    """

    scope1: float
    scope2: float
    scope3: float
    scope2_location: float
    scope2_market: float
    scope3_excluded: float
    inventory_total: float
    scope2_method: str
    sources: dict[str, dict[str, Any]]
    excluded_in_scope12: dict[str, float]
    unknown_exclusions: list[str]

    @property
    def total(self) -> float:
        """The footprint the claim offsets: scope 1 + 2 + kept scope 3 [tCO2e]."""
        return self.scope1 + self.scope2 + self.scope3

    @property
    def credits_needed(self) -> int:
        """Whole credits that cover the footprint (one per tCO2e, rounded up) [tCO2e]."""
        return math.ceil(round(self.total, 6))

    def to_dict(self) -> dict[str, Any]:
        """JSON-able figures."""
        return {
            "scope1_tco2e": self.scope1,
            "scope2_tco2e": self.scope2,
            "scope2_method": self.scope2_method,
            "scope2_location_tco2e": self.scope2_location,
            "scope2_market_tco2e": self.scope2_market,
            "scope3_tco2e": self.scope3,
            "scope3_excluded_tco2e": self.scope3_excluded,
            "inventory_total_tco2e": self.inventory_total,
            "footprint_tco2e": self.total,
            "credits_needed": self.credits_needed,
            "sources": self.sources,
        }


def _scope_of_category(category: str) -> int | None:
    head = category.split(".", 1)[0]
    return int(head) if head in ("1", "2", "3") else None


def _kind_scope(kind: str) -> int | None:
    from parkzero.carbon.catalogue import catalogue

    entry = catalogue().get(kind)
    return entry.scope if entry is not None else None


def footprint(inventory: Mapping[str, Any], settings: ClaimSettings) -> Footprint:
    """The emissions a claim covers, and what it leaves out.

    Parameters
    ----------
    inventory : mapping
        An inventory result (``InventoryResult.to_dict()``); ``lines``, when present, give the
        exact scope of excluded activity types.
    settings : ClaimSettings
        ``scope2_method`` and ``excluded``.

    Returns
    -------
    Footprint

    Raises
    ------
    InputError
        The result lacks the scope totals.
    """
    for key in ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "scope3_tco2e"):
        if key not in inventory:
            raise InputError(f'the inventory result has no "{key}"', column=key)
    s1 = _num(inventory["scope1_tco2e"])
    s2l, s2m = _num(inventory["scope2_location_tco2e"]), _num(inventory["scope2_market_tco2e"])
    s3 = _num(inventory["scope3_tco2e"])
    s2 = s2m if settings.scope2_method == "market" else s2l
    total = s1 + s2 + s3
    by_category = {str(k): _num(v) for k, v in (inventory.get("by_category") or {}).items()}
    by_kind = {str(k): _num(v) for k, v in (inventory.get("by_kind") or {}).items()}
    excluded = set(settings.excluded)
    unknown = sorted(x for x in excluded if x not in by_category and x not in by_kind)

    sources: dict[str, dict[str, Any]] = {}
    for cat, value in sorted(by_category.items()):
        scope = _scope_of_category(cat)
        if scope == 2 and cat == "2.electricity":
            value = value - s2l + s2  # the chosen scope 2 method
        sources[cat] = {
            "scope": scope,
            "tco2e": value,
            "share": value / total if total else 0.0,
            "included": cat not in excluded,
        }
    in_scope12: dict[str, float] = {}
    for cat in excluded & set(by_category):
        if _scope_of_category(cat) in (1, 2):
            in_scope12[cat] = by_category[cat]

    lines = inventory.get("lines")
    excluded_s3 = 0.0
    if isinstance(lines, list) and lines:
        for line in lines:
            cat, kind = str(line.get("category") or ""), str(line.get("kind") or "")
            if cat not in excluded and kind not in excluded:
                continue
            value = _num(line.get("tco2e"))
            scope = line.get("scope")
            if scope == 3:
                excluded_s3 += value
            elif scope in (1, 2) and kind in excluded:
                in_scope12[kind] = in_scope12.get(kind, 0.0) + value
        kinds_s3: dict[str, float] = {}
        for line in lines:
            kind = str(line.get("kind") or "")
            if kind in excluded and line.get("scope") == 3:
                kinds_s3[kind] = kinds_s3.get(kind, 0.0) + _num(line.get("tco2e"))
    else:
        excluded_s3 = sum(
            v for c, v in by_category.items() if c in excluded and _scope_of_category(c) == 3
        )
        kinds_s3 = {}
        for kind in excluded & set(by_kind):
            scope = _kind_scope(kind)
            if scope in (1, 2):
                in_scope12[kind] = by_kind[kind]
            elif scope == 3:
                kinds_s3[kind] = by_kind[kind]
                excluded_s3 += by_kind[kind]  # may double count inside an excluded category
    for kind, value in sorted(kinds_s3.items()):
        sources[kind] = {
            "scope": 3,
            "tco2e": value,
            "share": value / total if total else 0.0,
            "included": False,
        }
    return Footprint(
        scope1=s1,
        scope2=s2,
        scope3=max(s3 - excluded_s3, 0.0),
        scope2_location=s2l,
        scope2_market=s2m,
        scope3_excluded=min(excluded_s3, s3),
        inventory_total=total,
        scope2_method=settings.scope2_method,
        sources=sources,
        excluded_in_scope12=in_scope12,
        unknown_exclusions=unknown,
    )


# --------------------------------------------------------------------------------------------
# the checks


def check_coverage(fp: Footprint, settings: ClaimSettings) -> CheckResult:
    """100 % of scopes 1 and 2, and every scope 3 source above `materiality` of the total.

    A source is a scope 3 category (``3.4``) or an activity type (``freight.road.lgv``); shares
    are of the inventory total with the claim's scope 2 method.
    """
    problems_en: list[str] = []
    problems_zh: list[str] = []
    for source, value in sorted(fp.excluded_in_scope12.items()):
        problems_en.append(f"{source} is scope 1/2 ({_t(value)} tCO2e) and may not be excluded")
        problems_zh.append(f"{source} 属于范围一/二（{_t(value)} tCO₂e），不得排除")
    material = [
        (s, d)
        for s, d in fp.sources.items()
        if d["scope"] == 3 and not d["included"] and d["share"] > settings.materiality
    ]
    for source, d in sorted(material, key=lambda item: -item[1]["share"]):
        problems_en.append(
            f"scope 3 source {source} is {d['share']:.1%} of the total "
            f"(> {settings.materiality:.0%}) and must be included"
        )
        problems_zh.append(
            f"范围三排放源 {source} 占总量 {d['share']:.1%}（> {settings.materiality:.0%}），必须纳入"
        )
    details = {
        "excluded": sorted(settings.excluded),
        "excluded_scope3_tco2e": fp.scope3_excluded,
        "materiality": settings.materiality,
        "unknown_exclusions": fp.unknown_exclusions,
    }
    if problems_en:
        return _result(
            "coverage",
            False,
            "Coverage incomplete: " + _more(problems_en) + ".",
            "覆盖范围不完整：" + "；".join(problems_zh[:_SHOWN]) + "。",
            **details,
        )
    kept = len([d for d in fp.sources.values() if d["included"] and d["scope"] == 3])
    note_en = (
        f"; {len(settings.excluded)} immaterial scope 3 source(s) excluded "
        f"({_t(fp.scope3_excluded)} tCO2e)"
        if settings.excluded
        else ""
    )
    note_zh = (
        f"；排除了 {len(settings.excluded)} 个不重要的范围三排放源（{_t(fp.scope3_excluded)} tCO₂e）"
        if settings.excluded
        else ""
    )
    return _result(
        "coverage",
        True,
        f"Scopes 1 and 2 in full and {kept} scope 3 categories are in the claim{note_en}.",
        f"范围一、二全部纳入，并纳入 {kept} 个范围三类别{note_zh}。",
        **details,
    )


def _comparable_base(inventory: Mapping[str, Any]) -> tuple[int | None, float | None]:
    """Base year and its total, adjusted for structural changes when a recalculation is due."""
    base = inventory.get("base_year")
    if not isinstance(base, Mapping) or base.get("total_tco2e") in (None, 0):
        return None, None
    total = _num(base.get("total_tco2e"))
    if base.get("recalculation_required"):
        total += _num(base.get("structural_change_tco2e"))
    year = base.get("year")
    return (int(year) if year is not None else None), total


def check_reductions_first(
    inventory: Mapping[str, Any],
    settings: ClaimSettings,
    *,
    first_period: int,
    previous: Mapping[str, Any] | None = None,
) -> CheckResult:
    """After the first claim period, a reduction must be shown before offsets are used.

    A reduction is a lower footprint than the previous period (same claim settings) or a lower
    total than the base year (adjusted for structural changes when the inventory calls for a
    base-year recalculation). Without either, a referenced reduction plan
    (``settings.reduction_plan``) lets the claim pass, with a note.
    """
    year = int(inventory.get("year") or 0)
    if year <= first_period:
        plan = f" Reduction plan: {settings.reduction_plan}." if settings.reduction_plan else ""
        plan_zh = f"减排计划：{settings.reduction_plan}。" if settings.reduction_plan else ""
        return _result(
            "reductions_first",
            None,
            f"{year} is the first claim period: reductions are shown from the next period on."
            + plan,
            f"{year} 年为首个声明期，自下一期起须证明减排。" + plan_zh,
            first_period=first_period,
        )
    current = footprint(inventory, settings).total
    details: dict[str, Any] = {"first_period": first_period, "footprint_tco2e": current}
    found_en: list[str] = []
    found_zh: list[str] = []
    if previous is not None:
        before = footprint(previous, settings).total
        details.update(previous_year=previous.get("year"), previous_tco2e=before)
        if before > 0 and current < before:
            change = current / before - 1
            found_en.append(f"{change:+.1%} against {previous.get('year')}")
            found_zh.append(f"较 {previous.get('year')} 年 {change:+.1%}")
    base_year, base_total = _comparable_base(inventory)
    total = _num(inventory.get("total_tco2e"))
    if base_total:
        details.update(base_year=base_year, base_year_tco2e=base_total, total_tco2e=total)
        if total < base_total:
            change = total / base_total - 1
            found_en.append(f"{change:+.1%} against base year {base_year}")
            found_zh.append(f"较基准年 {base_year} {change:+.1%}")
    details["reduction_plan"] = settings.reduction_plan
    if found_en:
        return _result(
            "reductions_first",
            True,
            "Reductions shown before offsetting: " + ", ".join(found_en) + ".",
            "抵消前已实现减排：" + "，".join(found_zh) + "。",
            **details,
        )
    if settings.reduction_plan:
        return _result(
            "reductions_first",
            True,
            "No reduction against the previous period or the base year; the claim relies on "
            f"the referenced reduction plan {settings.reduction_plan}.",
            f"与上期及基准年相比未见减排；本声明依据所引用的减排计划 {settings.reduction_plan}。",
            **details,
        )
    return _result(
        "reductions_first",
        False,
        f"{year} is after the first claim period ({first_period}) but the inventory shows no "
        "reduction against the previous period or the base year, and no reduction plan is "
        "referenced (claim setting reduction_plan).",
        f"{year} 年已非首个声明期（{first_period}），但排放较上期及基准年均未下降，且未引用减排计划"
        "（声明设置 reduction_plan）。",
        **details,
    )


def _resolved(
    retirements: Sequence[Retirement], batches: Mapping[str, CreditBatch]
) -> list[tuple[Retirement, CreditBatch, SerialRange]]:
    out = []
    for r in retirements:
        batch = batches.get(r.batch_id)
        if batch is None:
            raise InputError(
                f'retirement of unknown batch "{r.batch_id}" (batches: '
                f"{', '.join(sorted(batches)) or 'none'})",
                column="batch_id",
            )
        out.append((r, batch, r.block(batch)))
    return out


def _label(r: Retirement) -> str:
    ref = f"#{r.id}" if r.id is not None else (r.reference or r.batch_id)
    return f"retirement {ref} ({r.retired_on}, {r.beneficiary} {r.period_start.year})"


def check_no_double_retirement(
    retirements: Sequence[Retirement], batches: Mapping[str, CreditBatch]
) -> CheckResult:
    """No serial is retired twice, across all the retirements given, and each is in its batch."""
    resolved = _resolved(retirements, batches)
    problems: list[str] = []
    for r, batch, block in resolved:
        if not batch.block.contains(block):
            problems.append(f"{block.text} of {_label(r)} is not in batch {batch.id}")
    overlaps = find_overlaps([b for _, _, b in resolved])
    for i, j, shared in overlaps:
        problems.append(
            f"{shared.quantity:,} serials {shared.text} retired twice: {_label(resolved[i][0])} "
            f"and {_label(resolved[j][0])}"
        )
    details = {"retirements": len(resolved), "overlaps": len(overlaps)}
    if problems:
        return _result(
            "no_double_retirement",
            False,
            "Serials retired twice or outside their batch: " + _more(problems) + ".",
            f"存在重复注销或超出批次范围的序列号（{len(problems)} 处）："
            + "；".join(problems[:_SHOWN]),
            **details,
        )
    return _result(
        "no_double_retirement",
        True,
        f"No serial is retired twice ({len(resolved)} retirements checked).",
        f"无重复注销的序列号（已核对 {len(resolved)} 笔注销）。",
        **details,
    )


def check_vintage(
    retirements: Sequence[Retirement],
    batches: Mapping[str, CreditBatch],
    *,
    year: int,
    max_age: int,
) -> CheckResult:
    """Each credit's vintage is not after the claim year and at most `max_age` years before."""
    oldest = year - max_age
    bad_en, bad_zh = [], []
    for _, batch, _ in _resolved(retirements, batches):
        if batch.vintage > year:
            bad_en.append(f"{batch.id}: vintage {batch.vintage} is after the period {year}")
            bad_zh.append(f"{batch.id}：年份 {batch.vintage} 晚于声明期 {year}")
        elif batch.vintage < oldest:
            bad_en.append(
                f"{batch.id}: vintage {batch.vintage} is older than {oldest} "
                f"(max_vintage_age {max_age} years)"
            )
            bad_zh.append(f"{batch.id}：年份 {batch.vintage} 早于 {oldest}（最长 {max_age} 年）")
    details = {"year": year, "oldest_vintage": oldest, "max_vintage_age": max_age}
    if not retirements:
        return _result("vintage", None, "No credits retired yet.", "尚未注销碳信用。", **details)
    if bad_en:
        return _result(
            "vintage",
            False,
            "Vintage rule broken: " + _more(sorted(set(bad_en))) + ".",
            "碳信用年份不合规：" + "；".join(sorted(set(bad_zh))[:_SHOWN]) + "。",
            **details,
        )
    return _result(
        "vintage",
        True,
        f"All vintages are within {oldest}–{year}.",
        f"所有碳信用年份均在 {oldest}–{year} 之间。",
        **details,
    )


def check_retirement_dates(
    retirements: Sequence[Retirement], *, period_end: dt.date, window_months: int = 12
) -> CheckResult:
    """Every retirement is dated at most `window_months` after the claim period ends."""
    deadline = add_months(period_end, window_months)
    late = [r for r in retirements if r.retired_on > deadline]
    details = {"deadline": deadline.isoformat(), "window_months": window_months}
    if not retirements:
        return _result(
            "retirement_date",
            None,
            f"No credits retired yet; retire them by {deadline}.",
            f"尚未注销碳信用；须于 {deadline} 前注销。",
            **details,
        )
    if late:
        items = [f"{_label(r)} on {r.retired_on}" for r in late]
        return _result(
            "retirement_date",
            False,
            f"Retired later than {window_months} months after the period ({deadline}): "
            + _more(items)
            + ".",
            f"注销晚于声明期结束后 {window_months} 个月（{deadline}）：{len(late)} 笔。",
            **details,
        )
    return _result(
        "retirement_date",
        True,
        f"All retirements are dated on or before {deadline}.",
        f"所有注销均在 {deadline} 或之前完成。",
        **details,
    )


def check_ccer_cap(
    retirements: Sequence[Retirement],
    batches: Mapping[str, CreditBatch],
    settings: ClaimSettings,
) -> CheckResult:
    """When used for compliance, CCER cover at most `ccer_cap` of the obligation."""
    ccer = sum(
        b.quantity for _, batch, b in _resolved(retirements, batches) if batch.standard == "CCER"
    )
    obligation = settings.compliance_obligation_tco2e
    if obligation is None:
        return _result(
            "ccer_cap",
            None,
            "The claim is not used for compliance; the CCER cap does not apply.",
            "本声明不用于履约清缴，不适用 CCER 抵销比例上限。",
            ccer_tco2e=ccer,
        )
    cap = settings.ccer_cap * obligation
    details = {"ccer_tco2e": ccer, "obligation_tco2e": obligation, "cap_tco2e": cap}
    if ccer > cap + 1e-9:
        return _result(
            "ccer_cap",
            False,
            f"CCER {ccer:,} tCO2e exceed {settings.ccer_cap:.0%} of the compliance obligation "
            f"({_t(obligation)} tCO2e → at most {_t(cap)}).",
            f"CCER {ccer:,} tCO₂e 超过应清缴配额 {_t(obligation)} tCO₂e 的 "
            f"{settings.ccer_cap:.0%}（上限 {_t(cap)}）。",
            **details,
        )
    return _result(
        "ccer_cap",
        True,
        f"CCER {ccer:,} tCO2e are within {settings.ccer_cap:.0%} of the compliance obligation "
        f"(at most {_t(cap)}).",
        f"CCER {ccer:,} tCO₂e 未超过应清缴配额的 {settings.ccer_cap:.0%}（上限 {_t(cap)}）。",
        **details,
    )


def check_removals(
    retirements: Sequence[Retirement],
    batches: Mapping[str, CreditBatch],
    settings: ClaimSettings,
) -> CheckResult:
    """A net-zero claim needs at least `min_removal_share` removal credits; otherwise a note."""
    resolved = _resolved(retirements, batches)
    total = sum(b.quantity for _, _, b in resolved)
    removals = sum(b.quantity for _, batch, b in resolved if batch.is_removal)
    share = removals / total if total else 0.0
    details = {"removals_tco2e": removals, "credits_tco2e": total, "removal_share": share}
    if settings.type != "net_zero":
        return _result(
            "removals",
            None,
            f"Removals are {share:.0%} of the credits ({removals:,} of {total:,} tCO2e); "
            "a carbon-neutrality claim may use avoidance credits.",
            f"清除类碳信用占 {share:.0%}（{removals:,} / {total:,} tCO₂e）；碳中和声明可使用减排类碳信用。",
            **details,
        )
    need = settings.min_removal_share
    details["min_removal_share"] = need
    if total == 0 or share + 1e-12 < need:
        return _result(
            "removals",
            False,
            f"A net-zero claim needs ≥ {need:.0%} removal credits; removals are {share:.0%} "
            f"({removals:,} of {total:,} tCO2e).",
            f"净零声明要求清除类碳信用 ≥ {need:.0%}，实际为 {share:.0%}（{removals:,} / {total:,} tCO₂e）。",
            **details,
        )
    return _result(
        "removals",
        True,
        f"Removals are {share:.0%} of the credits (≥ {need:.0%} for net zero).",
        f"清除类碳信用占 {share:.0%}（净零要求 ≥ {need:.0%}）。",
        **details,
    )


def check_offset_quantity(
    fp: Footprint, retirements: Sequence[Retirement], batches: Mapping[str, CreditBatch]
) -> CheckResult:
    """The credits retired for the period cover the footprint (one credit per tCO2e)."""
    retired = sum(b.quantity for _, _, b in _resolved(retirements, batches))
    need = fp.credits_needed
    details = {"retired_tco2e": retired, "footprint_tco2e": fp.total, "credits_needed": need}
    if retired < need:
        return _result(
            "offset_quantity",
            False,
            f"Retired {retired:,} tCO2e of credits for a footprint of {_t(fp.total)} tCO2e: "
            f"retire {need - retired:,} more.",
            f"已注销 {retired:,} tCO₂e，碳足迹为 {_t(fp.total)} tCO₂e：还需注销 {need - retired:,} tCO₂e。",
            **details,
        )
    return _result(
        "offset_quantity",
        True,
        f"Retired {retired:,} tCO2e of credits cover the footprint of {_t(fp.total)} tCO2e.",
        f"已注销 {retired:,} tCO₂e 碳信用，覆盖碳足迹 {_t(fp.total)} tCO₂e。",
        **details,
    )


def claim_retirements(
    retirements: Sequence[Retirement], park_id: str, year: int
) -> list[Retirement]:
    """The retirements made for `park_id` and the calendar year `year`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [r for r in retirements if r.beneficiary == park_id and r.covers(start, end)]


def run_checks(
    inventory: Mapping[str, Any],
    settings: ClaimSettings,
    *,
    batches: Mapping[str, CreditBatch],
    retirements: Sequence[Retirement],
    previous: Mapping[str, Any] | None = None,
    first_period: int | None = None,
) -> list[CheckResult]:
    """Run every check of a claim for the park and year of `inventory`.

    Parameters
    ----------
    inventory : mapping
        The inventory result of the claim period (a calendar year).
    settings : ClaimSettings
    batches : mapping of str to CreditBatch
        Every batch the retirements refer to, by id.
    retirements : sequence of Retirement
        All known retirements of these batches (any period): the double-retirement check looks
        at all of them, the other checks at those for this park and year.
    previous : mapping, optional
        The inventory result of the previous year, for the reductions check.
    first_period : int, optional
        Year of the first claim; default ``settings.first_period`` or this year.

    Returns
    -------
    list of CheckResult
        In the order of :data:`CHECK_IDS`.
    """
    year = int(inventory.get("year") or 0)
    park = str(inventory.get("park") or "")
    period_end = dt.date(year, 12, 31)
    mine = claim_retirements(retirements, park, year)
    fp = footprint(inventory, settings)
    first = first_period if first_period is not None else (settings.first_period or year)
    return [
        check_coverage(fp, settings),
        check_reductions_first(inventory, settings, first_period=first, previous=previous),
        check_offset_quantity(fp, mine, batches),
        check_no_double_retirement(retirements, batches),
        check_vintage(mine, batches, year=year, max_age=settings.max_vintage_age),
        check_retirement_dates(
            mine, period_end=period_end, window_months=settings.retirement_window_months
        ),
        check_ccer_cap(mine, batches, settings),
        check_removals(mine, batches, settings),
    ]
