"""The carbon-neutrality claim document: a :class:`~parkzero.neutrality.claim.Claim` → HTML and PDF.

:func:`claim_report` builds the ISO 14068-1 claim / PAS 2060 qualifying explanatory statement as
a :class:`~parkzero.reports.spec.Report` — the statement (in the report's language, with the
other language under it), key figures, subject and boundary, emissions by scope and category,
reductions, the credits retired with their registry serials, the checks with their sources,
and the claim's validity. It shows only figures of the claim; it computes nothing.

:func:`html_to_pdf` prints the report's HTML with headless Chromium (``--print-to-pdf``), the
same page a browser shows (the HTML has print CSS). Chromium is found as ``PARKZERO_CHROMIUM``,
else ``chromium``, ``chromium-browser``, ``google-chrome`` or ``chrome`` on the PATH; without it a
:class:`ChromiumNotFound` error names what to install. Chinese text needs a CJK font on the
machine (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from parkzero.config import settings
from parkzero.errors import ParkzeroError
from parkzero.neutrality.claim import Claim
from parkzero.reports._files import atomic_write
from parkzero.reports.html import write_html
from parkzero.reports.i18n import Lang, label, normalize_lang
from parkzero.reports.spec import (
    Block,
    Cell,
    Column,
    Kpi,
    KpiGrid,
    NumberFormat,
    Report,
    Scalar,
    Section,
    Table,
    Text,
)

__all__ = [
    "CHROMIUM_ENV",
    "ChromiumNotFound",
    "claim_filename",
    "claim_report",
    "find_chromium",
    "html_to_pdf",
    "write_claim_documents",
]

#: Environment variable naming the Chromium (or Chrome) executable to print PDFs with.
CHROMIUM_ENV = "PARKZERO_CHROMIUM"
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
_PDF_TIMEOUT_S = 120.0

T_CO2E = "tCO₂e"
F_T = NumberFormat(1)
F_INT = NumberFormat(0)
F_PCT = NumberFormat(1, percent=True)
F_CHG = NumberFormat(1, percent=True, signed=True)

#: key → (zh-CN, en): the claim report's own labels.
MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("{park} {year} 年度碳中和声明", "{park} carbon-neutrality claim {year}"),
    "title_nz": ("{park} {year} 年度净零排放声明", "{park} net-zero claim {year}"),
    "subtitle": (
        "依据 ISO 14068-1:2023 与 PAS 2060:2014 的合格解释性声明 (QES)",
        "Qualifying explanatory statement under ISO 14068-1:2023 and PAS 2060:2014",
    ),
    "draft": (
        "草案：以下检查未通过，不得据此发布声明。",
        "Draft: checks failed; the claim must not be published on this basis.",
    ),
    "park": ("园区", "Park"),
    "period": ("声明期", "Claim period"),
    "declared_on": ("声明日期", "Declared on"),
    "valid_until": ("有效期至", "Valid until"),
    "sec_statement": ("声明", "Statement"),
    "sec_figures": ("核心数据", "Key figures"),
    "sec_subject": ("声明主体与边界", "Subject and boundary"),
    "sec_emissions": ("温室气体排放", "Greenhouse-gas emissions"),
    "sec_reductions": ("减排成效", "Reductions achieved"),
    "sec_credits": ("注销的碳信用", "Carbon credits retired"),
    "sec_checks": ("合规检查", "Checks"),
    "sec_validity": ("有效期", "Validity"),
    "footprint": ("碳足迹 (声明范围)", "Footprint (claimed)"),
    "retired": ("已注销碳信用", "Credits retired"),
    "removal_share": ("清除类占比", "Removal share"),
    "checks_passed": ("检查通过", "Checks passed"),
    "validity": ("有效状态", "Validity"),
    "validity.valid": ("有效", "valid"),
    "validity.expiring": ("即将到期", "expiring"),
    "validity.expired": ("已过期", "expired"),
    "validity.not_yet_valid": ("尚未生效", "not yet valid"),
    "item": ("项目", "Item"),
    "value": ("内容", "Value"),
    "claim_type": ("声明类型", "Claim type"),
    "type.carbon_neutral": ("碳中和", "Carbon neutrality"),
    "type.net_zero": ("净零排放", "Net zero"),
    "standards": ("依据标准", "Standards"),
    "boundary": ("组织边界", "Organisational boundary"),
    "gwp_set": ("全球变暖潜势 (GWP)", "Global warming potentials"),
    "factor_sets": ("排放因子集", "Emission-factor sets"),
    "scope2_method": ("范围二核算方法", "Scope 2 method"),
    "method.market": ("基于市场", "market-based"),
    "method.location": ("基于位置", "location-based"),
    "verification": ("核证方式", "Substantiation"),
    "verification.independent_third_party": ("独立第三方认证", "Independent third-party"),
    "verification.other_party": ("其他方验证", "Other-party validation"),
    "verification.self": ("自我验证", "Self-validation"),
    "verifier": ("核证机构", "Verifier"),
    "reduction_plan": ("减排计划", "Reduction plan"),
    "excluded": ("排除的排放源", "Excluded sources"),
    "none": ("无", "none"),
    "source": ("排放源", "Source"),
    "scope": ("范围", "Scope"),
    "emissions": ("排放量", "Emissions"),
    "share": ("占比", "Share"),
    "in_claim": ("纳入声明", "In the claim"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "scope1": ("范围一", "Scope 1"),
    "scope2": ("范围二 ({method})", "Scope 2 ({method})"),
    "scope3": ("范围三 (纳入部分)", "Scope 3 (in the claim)"),
    "scope3_excluded": ("范围三 (排除部分)", "Scope 3 (excluded)"),
    "total_claimed": ("声明碳足迹合计", "Claimed footprint"),
    "emissions_note": (
        "排放量来自 parkzero 碳盘查（活动数据 × 排放因子）；范围三排放源占比以声明所用范围二方法的盘查总量为分母。",
        "Emissions come from the parkzero inventory (activity data × emission factors); scope 3 "
        "shares are of the inventory total with the claim's scope 2 method.",
    ),
    "comparison": ("比较", "Comparison"),
    "year": ("年份", "Year"),
    "this_period": ("本期", "This period"),
    "previous_period": ("上期 (同口径)", "Previous period (same basis)"),
    "base_year": ("基准年 (全口径{adjusted})", "Base year (all sources{adjusted})"),
    "base_adjusted": (", 已按结构变化调整", ", adjusted for structural changes"),
    "change": ("变化", "Change"),
    "no_comparison": (
        "没有可比较的上期或基准年数据。",
        "No previous period or base year to compare with.",
    ),
    "batch": ("批次", "Batch"),
    "standard": ("标准", "Standard"),
    "registry": ("登记系统", "Registry"),
    "project": ("项目", "Project"),
    "project_type": ("项目类型", "Type"),
    "category": ("类别", "Category"),
    "category.removal": ("清除", "removal"),
    "category.avoidance": ("减排", "avoidance"),
    "vintage": ("年份", "Vintage"),
    "serials": ("序列号", "Serial numbers"),
    "quantity": ("数量", "Quantity"),
    "retired_on": ("注销日期", "Retired on"),
    "reference": ("注销凭证", "Reference"),
    "total": ("合计", "Total"),
    "no_credits": ("本期尚未注销碳信用。", "No credits have been retired for this period."),
    "credits_note": (
        "一个碳信用等于一吨二氧化碳当量；序列号按各登记系统的格式列出，可在登记系统中查验。",
        "One credit is one tonne of CO₂e; serial numbers are given in each registry's notation "
        "and can be looked up there.",
    ),
    "check": ("检查", "Check"),
    "result": ("结果", "Result"),
    "finding": ("结论", "Finding"),
    "rule_source": ("依据", "Source"),
    "status.pass": ("通过", "pass"),
    "status.fail": ("未通过", "fail"),
    "status.info": ("不适用", "n/a"),
    "check.coverage": ("覆盖范围", "Coverage"),
    "check.reductions_first": ("先减排后抵消", "Reductions before offsets"),
    "check.offset_quantity": ("抵消数量", "Offset quantity"),
    "check.no_double_retirement": ("无重复注销", "No double retirement"),
    "check.vintage": ("碳信用年份", "Vintage"),
    "check.retirement_date": ("注销时限", "Retirement date"),
    "check.ccer_cap": ("CCER 抵销上限", "CCER cap"),
    "check.removals": ("清除类碳信用", "Removals"),
    "validity_text": (
        "本声明自 {declared} 起有效，有效期 {months} 个月，至 {until} 止；截至 {today} 状态：{status}。"
        "维持碳中和须至少每 12 个月更新碳足迹与碳管理计划；发生使声明失效的变化时，须在三个月内纠正或撤回声明。",
        "The claim is valid for {months} months from {declared} until {until}; status on "
        "{today}: {status}. Keeping carbon neutrality requires the footprint and the carbon "
        "management plan to be renewed at least every 12 months; a change that invalidates the "
        "claim must be corrected within three months or the claim withdrawn.",
    ),
    "other_language": ("English version", "中文版本"),
    "footer": ("碳中和声明", "Carbon-neutrality claim"),
}


def _t(key: str, lang: Lang, **values: object) -> str:
    zh, en = MESSAGES[key]
    text = zh if lang == "zh-CN" else en
    return text.format(**values) if values else text


def _fmt_date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _status_cell(status: str, lang: Lang) -> Cell:
    css = {"pass": "ok", "fail": "fail", "info": ""}[status]
    return Cell(_t(f"status.{status}", lang), status=css)  # type: ignore[arg-type]


def _statement_section(claim: Claim, lang: Lang) -> Section:
    blocks: list[Block] = []
    if not claim.qualifies:
        blocks.append(Text(_t("draft", lang), kind="warning"))
    other: Lang = "en" if lang == "zh-CN" else "zh-CN"
    blocks.append(Text(claim.statement(lang), kind="success" if claim.qualifies else "paragraph"))
    blocks.append(Text(f"{_t('other_language', lang)}: {claim.statement(other)}", kind="note"))
    return Section(_t("sec_statement", lang), blocks, key="statement")


def _figures_section(claim: Claim, lang: Lang, today: dt.date) -> Section:
    validity = claim.validity(today)
    passed = sum(1 for c in claim.checks if c.passed)
    tiles = [
        Kpi(_t("footprint", lang), claim.footprint.total, T_CO2E, fmt=F_T),
        Kpi(
            _t("retired", lang),
            claim.retired_tco2e,
            T_CO2E,
            fmt=F_INT,
            status="ok" if claim.retired_tco2e >= claim.footprint.credits_needed else "fail",
        ),
        Kpi(_t("removal_share", lang), claim.removal_share, "", fmt=F_PCT),
        Kpi(
            _t("checks_passed", lang),
            f"{passed} / {len(claim.checks)}",
            status="ok" if claim.qualifies else "fail",
        ),
        Kpi(
            _t("validity", lang),
            _t(f"validity.{validity}", lang),
            note=f"{_t('valid_until', lang)} {claim.valid_until}",
            status="ok" if validity == "valid" else ("warn" if validity == "expiring" else "fail"),
        ),
    ]
    return Section(_t("sec_figures", lang), [KpiGrid(tiles)], key="figures")


def _subject_section(claim: Claim, lang: Lang) -> Section:
    s = claim.settings
    inv = claim.inventory
    start, end = claim.period
    sets = inv.get("factor_sets")
    boundary = str(inv.get("boundary") or "")
    rows: list[tuple[Scalar, Scalar]] = [
        (_t("park", lang), f"{claim.park_name} ({claim.park_id})"),
        (_t("period", lang), f"{start} – {end}"),
        (_t("claim_type", lang), _t(f"type.{s.type}", lang)),
        (_t("standards", lang), "ISO 14068-1:2023; PAS 2060:2014"),
        (_t("boundary", lang), label("boundary", boundary, lang) if boundary else "—"),
        (_t("gwp_set", lang), str(inv.get("gwp_set") or "—")),
        (
            _t("factor_sets", lang),
            ", ".join(map(str, sets)) if isinstance(sets, list | tuple) and sets else "—",
        ),
        (_t("scope2_method", lang), _t(f"method.{s.scope2_method}", lang)),
        (_t("excluded", lang), ", ".join(s.excluded) or _t("none", lang)),
        (_t("reduction_plan", lang), s.reduction_plan or "—"),
        (_t("verification", lang), _t(f"verification.{s.verification}", lang)),
        (_t("verifier", lang), s.verifier or "—"),
        (_t("declared_on", lang), _fmt_date(claim.declared_on)),
        (_t("valid_until", lang), _fmt_date(claim.valid_until)),
    ]
    table = Table([Column(_t("item", lang)), Column(_t("value", lang))], rows)
    return Section(_t("sec_subject", lang), [table], key="subject")


def _emissions_section(claim: Claim, lang: Lang) -> Section:
    fp = claim.footprint
    method = _t(f"method.{fp.scope2_method}", lang)
    cols = [
        Column(_t("source", lang)),
        Column(_t("emissions", lang), unit=T_CO2E, fmt=F_T),
        Column(_t("share", lang), fmt=F_PCT),
        Column(_t("in_claim", lang)),
    ]
    total = fp.inventory_total

    def share(value: float) -> float | None:
        return value / total if total else None

    rows: list[list[Scalar | Cell]] = [
        [_t("scope1", lang), fp.scope1, share(fp.scope1), _t("yes", lang)],
        [_t("scope2", lang, method=method), fp.scope2, share(fp.scope2), _t("yes", lang)],
        [_t("scope3", lang), fp.scope3, share(fp.scope3), _t("yes", lang)],
    ]
    if fp.scope3_excluded:
        rows.append(
            [
                _t("scope3_excluded", lang),
                fp.scope3_excluded,
                share(fp.scope3_excluded),
                _t("no", lang),
            ]
        )
    rows.append([_t("total_claimed", lang), fp.total, share(fp.total), ""])
    strong = {len(rows) - 1}
    labels = claim.inventory.get("category_labels") or {}
    for source, d in fp.sources.items():
        name = label("cat", source, lang, fallback=labels.get(source))
        text = f"{source} {name}" if name != source else source
        included = _t("yes", lang) if d["included"] else Cell(_t("no", lang), status="warn")
        rows.append([f"  {text}", d["tco2e"], d["share"], included])
    table = Table(cols, rows, strong_rows=strong)
    note = Text(_t("emissions_note", lang), kind="note")
    return Section(_t("sec_emissions", lang), [table, note], key="emissions")


def _reductions_section(claim: Claim, lang: Lang) -> Section:
    red = claim.reductions
    cols = [
        Column(_t("comparison", lang)),
        Column(_t("year", lang)),
        Column(_t("emissions", lang), unit=T_CO2E, fmt=F_T),
        Column(_t("change", lang), fmt=F_CHG),
    ]
    rows: list[list[Scalar | Cell]] = [
        [_t("this_period", lang), str(claim.year), red.get("footprint_tco2e"), None]
    ]
    if red.get("previous_year") is not None:
        rows.append(
            [
                _t("previous_period", lang),
                str(red["previous_year"]),
                red.get("previous_footprint_tco2e"),
                red.get("change_vs_previous"),
            ]
        )
    if red.get("base_year") is not None:
        adjusted = _t("base_adjusted", lang) if red.get("base_year_recalculation_required") else ""
        rows.append(
            [
                _t("base_year", lang, adjusted=adjusted),
                str(red["base_year"]),
                red.get("base_year_tco2e"),
                red.get("change_vs_base_year"),
            ]
        )
    blocks: list[Block] = [Table(cols, rows)]
    if len(rows) == 1:
        blocks.append(Text(_t("no_comparison", lang), kind="note"))
    check = next((c for c in claim.checks if c.id == "reductions_first"), None)
    if check is not None:
        blocks.append(Text(check.message_zh if lang == "zh-CN" else check.message, kind="note"))
    return Section(_t("sec_reductions", lang), blocks, key="reductions")


def _credits_section(claim: Claim, lang: Lang) -> Section:
    projects = Table(
        [
            Column(_t("batch", lang)),
            Column(_t("standard", lang)),
            Column(_t("registry", lang)),
            Column(_t("project", lang)),
            Column(_t("project_type", lang)),
            Column(_t("category", lang)),
            Column(_t("vintage", lang)),
        ],
        _unique(
            (
                c.batch_id,
                c.standard,
                c.registry,
                f"{c.project_id} {c.project_name}".strip(),
                c.project_type,
                _t(f"category.{c.category}", lang),
                str(c.vintage),
            )
            for c in claim.credits
        ),
    )
    rows: list[list[Scalar | Cell]] = [
        [c.batch_id, c.serials, c.quantity_tco2e, c.retired_on.isoformat(), c.reference or "—"]
        for c in claim.credits
    ]
    blocks: list[Block] = []
    if rows:
        rows.append(["", _t("total", lang), claim.retired_tco2e, "", ""])
        serials = Table(
            [
                Column(_t("batch", lang)),
                Column(_t("serials", lang)),
                Column(_t("quantity", lang), unit=T_CO2E, fmt=F_INT),
                Column(_t("retired_on", lang)),
                Column(_t("reference", lang)),
            ],
            rows,
            strong_rows={len(rows) - 1},
        )
        blocks += [projects, serials]
    else:
        blocks.append(Text(_t("no_credits", lang), kind="warning"))
    blocks.append(Text(_t("credits_note", lang), kind="note"))
    return Section(_t("sec_credits", lang), blocks, key="credits")


def _unique(rows: Iterable[tuple[Scalar, ...]]) -> list[tuple[Scalar, ...]]:
    return list(dict.fromkeys(rows))


def _checks_section(claim: Claim, lang: Lang) -> Section:
    cols = [
        Column(_t("check", lang)),
        Column(_t("result", lang)),
        Column(_t("finding", lang)),
        Column(_t("rule_source", lang)),
    ]
    rows: list[list[Scalar | Cell]] = [
        [
            _t(f"check.{c.id}", lang),
            _status_cell(c.status, lang),
            c.message_zh if lang == "zh-CN" else c.message,
            c.source,
        ]
        for c in claim.checks
    ]
    return Section(_t("sec_checks", lang), [Table(cols, rows)], key="checks")


def _validity_section(claim: Claim, lang: Lang, today: dt.date) -> Section:
    status = _t(f"validity.{claim.validity(today)}", lang)
    body = _t(
        "validity_text",
        lang,
        declared=claim.declared_on,
        months=claim.settings.validity_months,
        until=claim.valid_until,
        today=today,
        status=status,
    )
    notes = [Text(n, kind="note") for n in claim.notes]
    return Section(_t("sec_validity", lang), [Text(body), *notes], key="validity")


def claim_report(
    claim: Claim,
    lang: str = "zh-CN",
    *,
    generated_at: datetime | None = None,
    timezone: str | None = None,
    today: dt.date | None = None,
) -> Report:
    """Build the claim document of `claim` in `lang` (``zh-CN`` or ``en``).

    Parameters
    ----------
    claim : Claim
    lang : {"zh-CN", "en"}
        Report language [-].
    generated_at : datetime, optional
        Time stamp on the report (timezone-aware); now, UTC, if omitted.
    timezone : str, optional
        IANA zone for showing times; ``PARKZERO_TIMEZONE`` if omitted.
    today : datetime.date, optional
        Day the validity status is shown for; default the date of `generated_at` [date].

    Returns
    -------
    Report
    """
    code = normalize_lang(lang)
    moment = generated_at or datetime.now(UTC)
    day = today or moment.date()
    title_key = "title_nz" if claim.settings.type == "net_zero" else "title"
    start, end = claim.period
    return Report(
        title=_t(title_key, code, park=claim.park_name, year=claim.year),
        subtitle=_t("subtitle", code),
        lang=code,
        sections=[
            _statement_section(claim, code),
            _figures_section(claim, code, day),
            _subject_section(claim, code),
            _emissions_section(claim, code),
            _reductions_section(claim, code),
            _credits_section(claim, code),
            _checks_section(claim, code),
            _validity_section(claim, code, day),
        ],
        meta=[
            (_t("park", code), f"{claim.park_name} ({claim.park_id})"),
            (_t("period", code), f"{start} – {end}"),
            (_t("declared_on", code), _fmt_date(claim.declared_on)),
            (_t("valid_until", code), _fmt_date(claim.valid_until)),
        ],
        generated_at=moment,
        timezone=timezone or settings().timezone,
        footer=f"{_t('footer', code)} · {claim.park_id} · {claim.year}",
    )


def claim_filename(park: str, year: int, lang: str = "zh-CN", ext: str = "html") -> str:
    """File name of a claim document: ``claim-<park>-<year>[.en].<ext>``.

    >>> claim_filename("demo-wuhan", 2024), claim_filename("demo wuhan", 2024, "en", "pdf")
    ('claim-demo-wuhan-2024.html', 'claim-demo-wuhan-2024.en.pdf')
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", park).strip("-.") or "park"
    suffix = "" if normalize_lang(lang) == "zh-CN" else ".en"
    return f"claim-{slug}-{year}{suffix}.{ext}"


# --------------------------------------------------------------------------------------------
# PDF


class ChromiumNotFound(ParkzeroError):
    """No Chromium to print PDFs with; the message says what to install."""


def find_chromium() -> str:
    """Path of the Chromium (or Chrome) executable used to print PDFs.

    Raises
    ------
    ChromiumNotFound
        Neither ``PARKZERO_CHROMIUM`` nor any of chromium, chromium-browser, google-chrome,
        chrome on the PATH.
    """
    given = os.environ.get(CHROMIUM_ENV, "").strip()
    if given:
        found = shutil.which(given)
        if found:
            return found
        raise ChromiumNotFound(f"{CHROMIUM_ENV}={given} is not an executable")
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumNotFound(
        "the PDF claim needs headless Chromium: install it (Debian/Ubuntu: "
        "`apt-get install chromium fonts-noto-cjk`) or set PARKZERO_CHROMIUM to a Chromium or "
        "Chrome executable; or skip the PDF with --no-pdf"
    )


def html_to_pdf(
    html: str | os.PathLike[str],
    pdf: str | os.PathLike[str],
    *,
    chromium: str | None = None,
    timeout: float = _PDF_TIMEOUT_S,
) -> Path:
    """Print an HTML file to PDF (A4, the page's print CSS) with headless Chromium.

    The PDF is written atomically: a failed print leaves no file behind.

    Parameters
    ----------
    html, pdf : path
        The HTML file to print and the PDF to write [-].
    chromium : str, optional
        Executable; default :func:`find_chromium` [-].
    timeout : float
        Longest time Chromium may take [s].

    Raises
    ------
    ChromiumNotFound
        No Chromium.
    ParkzeroError
        Chromium failed, timed out, or wrote no PDF.
    """
    source = Path(html).resolve()
    target = Path(pdf)
    exe = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="parkzero-pdf-") as tmp:
        out = Path(tmp) / "out.pdf"
        command = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            source.as_uri(),
        ]
        try:
            run = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise ParkzeroError(
                f"Chromium did not print {source.name} within {timeout:.0f} s"
            ) from None
        except OSError as exc:
            raise ParkzeroError(f"could not run Chromium ({exe}): {exc}") from None
        data = out.read_bytes() if out.is_file() else b""
        if run.returncode != 0 or not data.startswith(b"%PDF"):
            lines = [ln for ln in (run.stderr or "").splitlines() if ln.strip()]
            detail = lines[-1] if lines else f"exit code {run.returncode}"
            raise ParkzeroError(f"Chromium could not print {source.name} to PDF: {detail}")
        atomic_write(target, data)
    return target


def write_claim_documents(
    claim: Claim,
    out_dir: str | os.PathLike[str],
    lang: str = "zh-CN",
    *,
    pdf: bool = True,
    generated_at: datetime | None = None,
    today: dt.date | None = None,
    timezone: str | None = None,
) -> dict[str, Path]:
    """Write the claim document as HTML and (with `pdf`) PDF into `out_dir`.

    Returns ``{"html": path, "pdf": path}`` (no ``pdf`` key without `pdf`); names from
    :func:`claim_filename`. Chromium is looked for before anything is written.
    """
    exe = find_chromium() if pdf else None
    report = claim_report(claim, lang, generated_at=generated_at, timezone=timezone, today=today)
    out = Path(out_dir)
    files: dict[str, Path] = {
        "html": write_html(report, out / claim_filename(claim.park_id, claim.year, lang, "html"))
    }
    if exe is not None:
        files["pdf"] = html_to_pdf(
            files["html"],
            out / claim_filename(claim.park_id, claim.year, lang, "pdf"),
            chromium=exe,
        )
    return files
