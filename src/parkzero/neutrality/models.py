"""Carbon credits, their retirements, and the settings of a neutrality claim.

A :class:`CreditBatch` is a block of credits a park holds: one standard (CCER, CDM CER, VCS VCU,
Gold Standard VER), one project, one vintage, one serial range in its registry's notation
(:mod:`parkzero.neutrality.registry`). A :class:`Retirement` cancels a sub-range of a batch in
the registry for a beneficiary and a claim period, so that nobody can use those tonnes again.
:class:`ClaimSettings` are the choices behind a claim (type, scope 2 method, exclusions, rule
parameters); their defaults are the rules ``docs/neutrality.md`` sets out with their sources.

One credit is one tonne of CO2e, so quantities of credits are whole numbers [tCO2e].
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parkzero.errors import InputError
from parkzero.neutrality.registry import STANDARDS, SerialRange, Standard, parse_serials

__all__ = [
    "CATEGORIES",
    "CLAIM_TYPES",
    "PURPOSES",
    "STANDARDS",
    "STANDARD_INFO",
    "VERIFICATIONS",
    "Category",
    "ClaimSettings",
    "ClaimType",
    "CreditBatch",
    "CreditsFile",
    "Purpose",
    "Retirement",
    "Standard",
    "StandardInfo",
    "Verification",
    "add_months",
    "year_period",
]

Category = Literal["removal", "avoidance"]
Purpose = Literal["carbon_neutrality", "net_zero", "compliance", "other"]
ClaimType = Literal["carbon_neutral", "net_zero"]
Verification = Literal["independent_third_party", "other_party", "self"]

CATEGORIES: tuple[Category, ...] = ("removal", "avoidance")
PURPOSES: tuple[Purpose, ...] = ("carbon_neutrality", "net_zero", "compliance", "other")
CLAIM_TYPES: tuple[ClaimType, ...] = ("carbon_neutral", "net_zero")
VERIFICATIONS: tuple[Verification, ...] = ("independent_third_party", "other_party", "self")

_STRICT = ConfigDict(extra="forbid", frozen=True)
_TEXT_FIELDS = (
    "id",
    "batch_id",
    "project_id",
    "project_name",
    "project_type",
    "registry",
    "serials",
    "beneficiary",
    "reference",
    "host_country",
    "methodology",
    "note",
)


def _as_text(data: Any, keep: tuple[str, ...] = ()) -> Any:
    """YAML reads ``project_id: 1529`` as a number; identifiers are text."""
    if not isinstance(data, dict):
        return data
    text = [k for k in _TEXT_FIELDS if k not in keep]
    return {
        k: str(v) if k in text and isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in data.items()
    }


_ID = 255  # longest identifier the store keeps [characters]


@dataclass(frozen=True)
class StandardInfo:
    """What parkzero knows about a crediting standard: names, unit, default registry."""

    name_en: str
    name_zh: str
    unit: str
    registry: str


STANDARD_INFO: dict[str, StandardInfo] = {
    "CCER": StandardInfo(
        "Chinese Certified Emission Reduction",
        "国家核证自愿减排量",
        "CCER",
        "全国温室气体自愿减排注册登记系统",
    ),
    "CDM": StandardInfo(
        "Clean Development Mechanism", "清洁发展机制", "CER", "CDM Registry (UNFCCC)"
    ),
    "VCS": StandardInfo("Verified Carbon Standard", "自愿碳标准", "VCU", "Verra Registry"),
    "GS": StandardInfo("Gold Standard", "黄金标准", "VER", "Gold Standard Impact Registry"),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day.

    >>> add_months(dt.date(2024, 12, 31), 12), add_months(dt.date(2024, 1, 31), 1)
    (datetime.date(2025, 12, 31), datetime.date(2024, 2, 29))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def year_period(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar-year claim period.

    >>> year_period(2024)
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    """
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


class CreditBatch(BaseModel):
    """A block of carbon credits held in one registry account.

    Parameters
    ----------
    id : str
        The holder's name for the batch, unique within the park [-].
    standard : {"CCER", "CDM", "VCS", "GS"}
        Crediting standard [-].
    registry : str
        Registry that holds the units; default the standard's registry [-].
    project_id, project_name : str
        Project identifier in the registry and its name [-].
    project_type : str
        Technology or activity, e.g. ``wind``, ``solar``, ``afforestation``, ``landfill_gas`` [-].
    category : {"removal", "avoidance"}
        Whether the project removes CO2 from the atmosphere (forestry, soil carbon, DACCS,
        BECCS) or avoids or reduces emissions (renewables, methane capture) [-].
    vintage : int
        Year in which the reductions or removals happened [-].
    serials : str
        The block in its registry's notation (:func:`parkzero.neutrality.registry.parse_serials`).
    quantity_tco2e : int, optional
        Credits in the block; must equal the number of serials (default: that number) [tCO2e].
    host_country, methodology, note : str
        Informative [-].
    """

    model_config = _STRICT
    id: str = Field(min_length=1, max_length=_ID)
    standard: Standard
    registry: str = ""
    project_id: str = Field(min_length=1, max_length=_ID)
    project_name: str = ""
    project_type: str = Field(min_length=1, max_length=128)
    category: Category
    vintage: int = Field(ge=1990, le=2100)
    serials: str = Field(min_length=1)
    quantity_tco2e: int | None = Field(default=None, gt=0)
    host_country: str = Field(default="CN", max_length=64)
    methodology: str = ""
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = _as_text(data)
            standard = str(data.get("standard") or "").strip().upper()
            if standard in STANDARD_INFO:
                data["standard"] = standard
                if not data.get("registry"):
                    data["registry"] = STANDARD_INFO[standard].registry
        return data

    @model_validator(mode="after")
    def _serials_match_quantity(self) -> CreditBatch:
        try:
            block = parse_serials(self.standard, self.serials)
        except InputError as exc:  # reported as an error of the field `serials`
            raise ValueError(exc.message) from None
        if self.quantity_tco2e is None:
            object.__setattr__(self, "quantity_tco2e", block.quantity)
        elif self.quantity_tco2e != block.quantity:
            raise ValueError(
                f"quantity_tco2e {self.quantity_tco2e:,} does not match the serials "
                f"{block.text}, which hold {block.quantity:,} credits"
            )
        return self

    @property
    def block(self) -> SerialRange:
        """The batch's serial range [-]."""
        return parse_serials(self.standard, self.serials)

    @property
    def quantity(self) -> int:
        """Credits in the batch [tCO2e]."""
        assert self.quantity_tco2e is not None  # set by the validator
        return self.quantity_tco2e

    @property
    def is_removal(self) -> bool:
        """True for removal credits [-]."""
        return self.category == "removal"


class Retirement(BaseModel):
    """Credits of a batch retired (cancelled) in the registry for a beneficiary and a period.

    Parameters
    ----------
    batch_id : str
        The :class:`CreditBatch` the units come from [-].
    serials : str
        The retired sub-range in the registry's notation [-].
    retired_on : datetime.date
        Date of the retirement in the registry [date].
    beneficiary : str
        Whose emissions the retirement is for: the park id [-].
    period_start, period_end : datetime.date
        The claim period the retirement offsets, inclusive [date].
    purpose : {"carbon_neutrality", "net_zero", "compliance", "other"}
        What the retirement is used for [-].
    reference : str
        The registry's retirement (cancellation) reference [-].
    id : int, optional
        Store id once saved [-].
    """

    model_config = _STRICT
    batch_id: str = Field(min_length=1, max_length=_ID)
    serials: str = Field(min_length=1)
    retired_on: dt.date
    beneficiary: str = Field(min_length=1, max_length=_ID)
    period_start: dt.date
    period_end: dt.date
    purpose: Purpose = "carbon_neutrality"
    reference: str = ""
    id: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _text(cls, data: Any) -> Any:
        return _as_text(data, keep=("id",))

    @model_validator(mode="after")
    def _period(self) -> Retirement:
        if self.period_end < self.period_start:
            raise ValueError(
                f"period_end {self.period_end} is before period_start {self.period_start}"
            )
        return self

    def block(self, batch: CreditBatch) -> SerialRange:
        """The retired range, read in the notation of `batch`'s standard.

        Raises
        ------
        InputError
            The serials are not in the standard's notation.
        """
        return parse_serials(batch.standard, self.serials)

    def covers(self, start: dt.date, end: dt.date) -> bool:
        """True when the retirement is for exactly the period `start` … `end`."""
        return self.period_start == start and self.period_end == end


class ClaimSettings(BaseModel):
    """The choices behind a neutrality claim and the parameters of its rules.

    Parameters
    ----------
    type : {"carbon_neutral", "net_zero"}
        Carbon neutrality (ISO 14068-1, PAS 2060) or a net-zero claim, whose residual emissions
        must be neutralised by removals [-].
    scope2_method : {"market", "location"}
        Which scope 2 figure the footprint uses [-].
    excluded : tuple of str
        Emission sources left out of the claim: categories (``"3.9"``) or activity types
        (``"freight.road.lgv"``). Scope 1 and 2 sources may not be excluded, scope 3 ones only
        when at most `materiality` of the total [-].
    materiality : float
        Scope 3 sources above this share of the total must be in the claim [0–1].
    max_vintage_age : int
        Oldest vintage allowed, in years before the claim period's year [yr].
    retirement_window_months : int
        Retirements must be made at most this long after the period ends [months].
    compliance_obligation_tco2e : float, optional
        When the retirements are also used for compliance (national ETS 清缴): the obligation;
        CCER may cover at most `ccer_cap` of it [tCO2e].
    ccer_cap : float
        Largest share of a compliance obligation CCER may offset [0–1].
    min_removal_share : float
        Least share of removal credits in a net-zero claim [0–1].
    first_period : int, optional
        Year of the park's first claim; from the next period on, reductions must be shown. When
        None, the first claim recorded in the store, else this period [-].
    reduction_plan : str
        Reference to the carbon management plan (document id or link) [-].
    declared_on : datetime.date, optional
        Declaration date; default today [date].
    validity_months : int
        How long a claim is valid after its declaration [months].
    expiring_days : int
        A valid claim is ``expiring`` when fewer days than this are left [d].
    verification : {"independent_third_party", "other_party", "self"}
        How the claim is substantiated (PAS 2060 validation types) [-].
    verifier : str
        Name of the verification body, if any [-].
    """

    model_config = _STRICT
    type: ClaimType = "carbon_neutral"
    scope2_method: Literal["market", "location"] = "market"
    excluded: tuple[str, ...] = ()
    materiality: float = Field(default=0.01, ge=0, le=1)
    max_vintage_age: int = Field(default=5, ge=0, le=50)
    retirement_window_months: int = Field(default=12, ge=0, le=60)
    compliance_obligation_tco2e: float | None = Field(default=None, ge=0)
    ccer_cap: float = Field(default=0.05, ge=0, le=1)
    min_removal_share: float = Field(default=1.0, ge=0, le=1)
    first_period: int | None = None
    reduction_plan: str = ""
    declared_on: dt.date | None = None
    validity_months: int = Field(default=12, ge=1, le=60)
    expiring_days: int = Field(default=90, ge=0, le=365)
    verification: Verification = "independent_third_party"
    verifier: str = ""


@dataclass(frozen=True)
class CreditsFile:
    """The content of a credits file: batches, retirements already made, claim settings.

    Attributes
    ----------
    source : str
        File name as given [-].
    park : str, optional
        The holder park named in the file [-].
    batches, retirements : tuple
    claim : dict
        The raw ``claim:`` section, validated into :class:`ClaimSettings` by the caller together
        with command-line overrides.
    sha256 : str
        Hex digest of the file's bytes [-].
    """

    source: str
    batches: tuple[CreditBatch, ...] = ()
    retirements: tuple[Retirement, ...] = ()
    claim: dict[str, Any] = field(default_factory=dict)
    park: str | None = None
    sha256: str = ""


assert set(STANDARDS) == set(STANDARD_INFO)
