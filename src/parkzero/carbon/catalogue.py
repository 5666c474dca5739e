"""The activity catalogue: which kinds of activity exist, their scope, category and unit.

Shipped as ``parkzero/data/activity_types.csv``. Categories follow the GHG Protocol:
``1.stationary``, ``1.mobile``, ``1.fugitive``, ``1.process`` (scope 1); ``2.electricity``,
``2.heat``, ``2.steam``, ``2.cooling`` (scope 2); ``3.1`` … ``3.15`` (scope 3 categories);
``memo.*`` lines carry energy but no emissions (on-site renewables).
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache

from parkzero.config import packaged_data
from parkzero.errors import UnknownActivityError

__all__ = ["SCOPE3_CATEGORIES", "ActivityType", "activity_type", "catalogue", "category_label"]

SCOPE3_CATEGORIES: dict[str, str] = {
    "3.1": "Purchased goods and services",
    "3.2": "Capital goods",
    "3.3": "Fuel- and energy-related activities",
    "3.4": "Upstream transportation and distribution",
    "3.5": "Waste generated in operations",
    "3.6": "Business travel",
    "3.7": "Employee commuting",
    "3.8": "Upstream leased assets",
    "3.9": "Downstream transportation and distribution",
    "3.10": "Processing of sold products",
    "3.11": "Use of sold products",
    "3.12": "End-of-life treatment of sold products",
    "3.13": "Downstream leased assets",
    "3.14": "Franchises",
    "3.15": "Investments",
}

_OTHER_LABELS = {
    "1.stationary": "Stationary combustion",
    "1.mobile": "Mobile combustion",
    "1.fugitive": "Fugitive emissions (refrigerants, SF6)",
    "1.process": "Process emissions",
    "2.electricity": "Purchased electricity",
    "2.heat": "Purchased heat",
    "2.steam": "Purchased steam",
    "2.cooling": "Purchased cooling",
    "memo.onsite_renewable": "On-site renewable electricity (memo)",
}


@dataclass(frozen=True)
class ActivityType:
    """One row of the activity catalogue.

    Parameters
    ----------
    kind : str
        Activity type id, e.g. ``"fuel.diesel.mobile"`` [-].
    scope : int or None
        GHG Protocol scope 1, 2 or 3; None for memo items [-].
    category : str
        Default category, e.g. ``"1.mobile"`` or ``"3.4"`` [-].
    method : str
        ``fuel``, ``electricity``, ``refrigerant``, ``factor`` or ``zero`` [-].
    unit : str
        Canonical unit the emission factor applies per [-].
    energy_carrier : str or None
        Carrier id for energy accounting in tce, or None if not an energy use [-].
    name_en, name_zh : str
        Display names [-].
    """

    kind: str
    scope: int | None
    category: str
    method: str
    unit: str
    energy_carrier: str | None
    name_en: str
    name_zh: str


@cache
def catalogue() -> dict[str, ActivityType]:
    """All activity types by kind, read once from the packaged CSV."""
    out: dict[str, ActivityType] = {}
    with packaged_data("activity_types.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["kind"]] = ActivityType(
                kind=row["kind"],
                scope=int(row["scope"]) if row["scope"] else None,
                category=row["category"],
                method=row["method"],
                unit=row["unit"],
                energy_carrier=row["energy_carrier"] or None,
                name_en=row["name_en"],
                name_zh=row["name_zh"],
            )
    return out


def activity_type(kind: str) -> ActivityType:
    """The catalogue entry of `kind`; :class:`UnknownActivityError` with suggestions if unknown."""
    try:
        return catalogue()[kind]
    except KeyError:
        close = difflib.get_close_matches(str(kind), list(catalogue()), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownActivityError(
            f'unknown activity type "{kind}"{hint} (see `parkzero factors search` or '
            "docs/park-format.md for the list)"
        ) from None


def category_label(category: str) -> str:
    """Human-readable name of a category id such as ``"3.4"`` or ``"1.mobile"``."""
    return SCOPE3_CATEGORIES.get(category) or _OTHER_LABELS.get(category, category)
