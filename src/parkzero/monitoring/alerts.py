"""Alert rules: silent and anomalous meters, resets and gaps, sub-meter balance, emission budget.

Each rule is a pure function returning :class:`AlertSpec` items;
:func:`parkzero.monitoring.service.save_alerts` stores the new ones (one per kind, subject and
period start, so running the checks again raises nothing twice).

========  ===========================================================================  ========
kind      raised when                                                                  severity
========  ===========================================================================  ========
silent    no reading for more than ``factor`` × the meter's reporting interval         warning
reset     a cumulative register went down (restarted from zero)                        warning
gap       readings further apart than the gap factor × the interval                    info
anomaly   an interval's rate is more than ``threshold`` robust deviations off the       warning
          meter's median, or negative
balance   a main meter and the sum of its sub-meters differ by more than ``tolerance``  warning
budget    a month's emissions so far run ahead of the target pathway's budget for the   critical
          same part of the month
========  ===========================================================================  ========
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from parkzero.carbon.models import Activity
from parkzero.carbon.park import Park
from parkzero.monitoring.registry import MeterSpec

__all__ = [
    "AlertSpec",
    "anomalies",
    "balance",
    "budget",
    "monthly_budget",
    "resets_and_gaps",
    "silent_meters",
]


@dataclass(frozen=True)
class AlertSpec:
    """An alert a rule raised (see :mod:`parkzero.monitoring.alerts`)."""

    kind: str
    subject: str
    period_start: dt.datetime
    message: str
    severity: str = "warning"
    period_end: dt.datetime | None = None
    details: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "period_start": self.period_start.isoformat(),
            "period_end": None if self.period_end is None else self.period_end.isoformat(),
            "severity": self.severity,
            "message": self.message,
            "details": dict(self.details or {}),
        }


def _utc(value: object) -> dt.datetime:
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").to_pydatetime()


def silent_meters(
    meters: Sequence[MeterSpec],
    last_seen: Mapping[str, dt.datetime | None],
    now: dt.datetime,
    *,
    factor: float = 4.0,
) -> list[AlertSpec]:
    """Meters without a reading for more than `factor` reporting intervals before `now`."""
    out: list[AlertSpec] = []
    for m in meters:
        last = last_seen.get(m.id)
        limit = dt.timedelta(seconds=m.interval_s * factor)
        if last is None:
            out.append(
                AlertSpec(
                    "silent",
                    m.id,
                    now,
                    f"meter {m.id} has never reported",
                    "warning",
                    details={"interval_s": m.interval_s},
                )
            )
        elif now - last > limit:
            hours = (now - last).total_seconds() / 3600
            out.append(
                AlertSpec(
                    "silent",
                    m.id,
                    last,
                    f"meter {m.id} silent for {hours:.1f} h (last reading {last:%Y-%m-%d %H:%M} UTC)",
                    "warning",
                    period_end=now,
                    details={"silent_h": round(hours, 2)},
                )
            )
    return out


def resets_and_gaps(intervals: pd.DataFrame) -> list[AlertSpec]:
    """Alerts for register resets and reporting gaps flagged by :func:`interval_energy`."""
    out: list[AlertSpec] = []
    row: Any
    for row in intervals[intervals["reset"] | intervals["gap"]].itertuples(index=False):
        start, end = _utc(row.start), _utc(row.end)
        if row.reset:
            out.append(
                AlertSpec(
                    "reset",
                    str(row.meter_id),
                    start,
                    f"meter {row.meter_id}: register went down at {end:%Y-%m-%d %H:%M} UTC "
                    "(reset or replaced); counted from zero",
                    "warning",
                    period_end=end,
                )
            )
        if row.gap:
            hours = (end - start).total_seconds() / 3600
            lost = f", {int(row.missing)} intervals missing" if row.missing else ""
            out.append(
                AlertSpec(
                    "gap",
                    str(row.meter_id),
                    start,
                    f"meter {row.meter_id}: no reading for {hours:.2f} h{lost}",
                    "info",
                    period_end=end,
                    details={"missing": int(row.missing)},
                )
            )
    return out


def anomalies(
    intervals: pd.DataFrame, *, threshold: float = 8.0, min_history: int = 24
) -> list[AlertSpec]:
    """Intervals whose rate [unit/h] is far from the meter's median (median absolute deviation).

    A meter needs `min_history` intervals before it is judged; negative quantities are always
    anomalous.
    """
    out: list[AlertSpec] = []
    if intervals.empty:
        return out
    frame = intervals[~intervals["reset"]].copy()
    hours = pd.to_datetime(frame["end"], utc=True) - pd.to_datetime(frame["start"], utc=True)
    frame["rate"] = frame["quantity"].to_numpy(dtype=float) / np.maximum(
        hours.dt.total_seconds().to_numpy() / 3600, 1e-9
    )
    for meter, group in frame.groupby("meter_id"):
        rate = group["rate"].to_numpy()
        negative = group["quantity"].to_numpy() < 0
        flagged = negative.copy()
        if len(group) >= min_history:
            median = float(np.median(rate))
            mad = 1.4826 * float(np.median(np.abs(rate - median)))
            scale = max(mad, 0.05 * abs(median), 1e-9)
            flagged |= np.abs(rate - median) / scale > threshold
        row: Any
        for row, is_neg in zip(
            group[flagged].itertuples(index=False), negative[flagged], strict=True
        ):
            what = "negative quantity" if is_neg else f"rate {row.rate:.3g}/h"
            out.append(
                AlertSpec(
                    "anomaly",
                    str(meter),
                    _utc(row.start),
                    f"meter {meter}: {what} ({row.quantity:.3g} in the interval)",
                    "warning",
                    period_end=_utc(row.end),
                    details={"quantity": float(row.quantity)},
                )
            )
    return out


def balance(
    rolled: pd.DataFrame, *, tolerance: float = 0.05, tz: str = "Asia/Shanghai"
) -> list[AlertSpec]:
    """Main meter vs. the sum of its sub-meters per period of a :func:`rollup`.

    Raises an alert when ``|main − Σ subs| > tolerance × main`` for a main meter with
    sub-meters and a positive quantity.
    """
    out: list[AlertSpec] = []
    if rolled.empty:
        return out
    subs = rolled.dropna(subset=["parent"]).groupby(["period", "parent"])["quantity"].sum()
    for key, children in subs.items():
        period, parent = cast(tuple[Any, Any], key)
        main = rolled[(rolled["period"] == period) & (rolled["meter_id"] == parent)]["quantity"]
        if main.empty or float(main.iloc[0]) <= 0:
            continue
        total = float(main.iloc[0])
        diff = (total - float(children)) / total
        if abs(diff) > tolerance:
            start = pd.Timestamp(period).tz_localize(tz).tz_convert("UTC").to_pydatetime()
            out.append(
                AlertSpec(
                    "balance",
                    str(parent),
                    start,
                    f"meter {parent}: sub-meters explain {float(children):,.1f} of {total:,.1f} "
                    f"({(1 - diff) * 100:.1f} %) in the period from {pd.Timestamp(period):%Y-%m-%d %H:%M}",
                    "warning",
                    details={"main": total, "sub_meters": float(children), "difference": diff},
                )
            )
    return out


def monthly_budget(annual_budgets: Mapping[str, float], year: int, month: int) -> float | None:
    """A month's share of the pathway: ``"YYYY-MM"`` if given, else the year's by days [tCO2e].

    Examples
    --------
    >>> round(monthly_budget({"2024": 3660.0}, 2024, 2), 3)
    290.0
    """
    key = f"{year:04d}-{month:02d}"
    if key in annual_budgets:
        return float(annual_budgets[key])
    if str(year) in annual_budgets:
        days = calendar.monthrange(year, month)[1]
        return float(annual_budgets[str(year)]) * days / (366 if calendar.isleap(year) else 365)
    return None


def budget(
    park: Park,
    month_activities: Sequence[Activity],
    month_budget_tco2e: float,
    now: dt.datetime,
    *,
    tz: str = "Asia/Shanghai",
) -> list[AlertSpec]:
    """Alert when the month's emissions so far exceed the budget pro-rated to `now`.

    Emissions are computed by the carbon engine with the park's own factors and rules
    (:func:`parkzero.carbon.abatement.emissions_of`), location-based [tCO2e].
    """
    from parkzero.carbon.abatement import emissions_of

    local = pd.Timestamp(now).tz_convert(tz)
    month_start = local.normalize().replace(day=1)
    days = calendar.monthrange(local.year, local.month)[1]
    elapsed = (local - month_start).total_seconds() / (days * 86400)
    if elapsed <= 0 or not month_activities:
        return []
    emitted, _market = emissions_of(park, month_activities, local.year)
    allowed = month_budget_tco2e * elapsed
    if emitted <= allowed:
        return []
    projected = emitted / elapsed
    start = month_start.tz_convert("UTC").to_pydatetime()
    return [
        AlertSpec(
            "budget",
            "park",
            start,
            f"{local:%Y-%m}: {emitted:,.1f} tCO2e so far, {allowed:,.1f} allowed by the pathway at "
            f"this point ({elapsed * 100:.0f} % of the month); heading for {projected:,.1f} of "
            f"{month_budget_tco2e:,.1f} tCO2e",
            "critical",
            period_end=now,
            details={
                "emitted_tco2e": emitted,
                "allowed_tco2e": allowed,
                "projected_tco2e": projected,
                "budget_tco2e": month_budget_tco2e,
            },
        )
    ]
