"""From readings to energy per interval, per 15 min/hour/day/month, and to activity data.

1. :func:`interval_energy` turns each meter's readings into quantities per interval: the
   difference of consecutive register values for a cumulative meter (a drop is a **reset**:
   the register restarted from zero, so the quantity is the new value), the value itself for an
   interval meter; both times the meter's ``multiplier``. An interval longer than
   ``gap_factor`` × the meter's reporting interval is a **gap**: a cumulative meter still knows
   the energy over the gap (it is spread evenly), an interval meter lost the missing intervals.
2. :func:`rollup` sums the intervals per meter and period in the park's local time
   (``15min``, ``hour``, ``day`` or ``month``), splitting an interval that spans periods in
   proportion to time.
3. :func:`to_activities` turns monthly totals into :class:`parkzero.carbon.models.Activity`
   rows for the inventory. Sub-metering attributes energy: a meter without sub-meters reports
   its own zone and tenant; a main meter reports what its sub-meters do not explain (common
   areas, losses) under its own zone. So the activity total equals the main meters' total and
   nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from parkzero.carbon.models import Activity
from parkzero.monitoring.registry import MeterSpec

__all__ = ["FREQUENCIES", "interval_energy", "meters_frame", "rollup", "to_activities"]

#: Roll-up periods and their pandas frequencies.
FREQUENCIES = {"15min": "15min", "hour": "h", "day": "D", "month": "MS"}
_INTERVAL_COLUMNS = ["meter_id", "start", "end", "quantity", "reset", "gap", "missing"]


def meters_frame(meters: Sequence[MeterSpec]) -> pd.DataFrame:
    """The meters as a frame indexed by id (kind, mode, unit, zone, tenant, parent, ...)."""
    return pd.DataFrame(
        [
            {
                "meter_id": m.id,
                "kind": m.kind,
                "mode": m.mode,
                "unit": m.unit,
                "zone": m.zone,
                "tenant": m.tenant,
                "parent": m.parent,
                "interval_s": m.interval_s,
                "multiplier": m.multiplier,
                "activity": m.activity,
            }
            for m in meters
        ],
        columns=[
            "meter_id",
            "kind",
            "mode",
            "unit",
            "zone",
            "tenant",
            "parent",
            "interval_s",
            "multiplier",
            "activity",
        ],
    ).set_index("meter_id")


def interval_energy(
    readings: pd.DataFrame, meters: Sequence[MeterSpec], *, gap_factor: float = 1.5
) -> pd.DataFrame:
    """Quantity per interval of every meter.

    Parameters
    ----------
    readings : pandas.DataFrame
        Columns ``meter_id``, ``ts`` (timezone-aware UTC), ``value`` [meter unit].
    meters : sequence of MeterSpec
        The park's meters (mode, interval, multiplier).
    gap_factor : float
        An interval longer than this many reporting intervals is a gap [-].

    Returns
    -------
    pandas.DataFrame
        ``meter_id``, ``start``, ``end`` (UTC), ``quantity`` [meter unit], ``reset``, ``gap``
        (bool) and ``missing`` (intervals an interval meter did not report) [-].

    Examples
    --------
    >>> import base64
    >>> m = MeterSpec("E1", "electricity", "cumulative", bytes(32), "kWh", multiplier=2)
    >>> t = pd.date_range("2024-01-01", periods=4, freq="15min", tz="UTC")
    >>> r = pd.DataFrame({"meter_id": "E1", "ts": t, "value": [10.0, 12.0, 1.0, 4.0]})
    >>> interval_energy(r, [m])[["quantity", "reset"]].to_numpy().tolist()
    [[4.0, False], [2.0, True], [6.0, False]]
    """
    if readings.empty:
        return pd.DataFrame(columns=_INTERVAL_COLUMNS)
    info = meters_frame(meters)
    frame = readings[readings["meter_id"].isin(info.index)].sort_values(["meter_id", "ts"])
    frame = frame.reset_index(drop=True)
    meta = info.loc[frame["meter_id"]].reset_index(drop=True)
    prev_ts = frame.groupby("meter_id")["ts"].shift()
    prev_v = frame.groupby("meter_id")["value"].shift()
    value = frame["value"].to_numpy(dtype=float)
    interval = pd.to_timedelta(meta["interval_s"].to_numpy(), unit="s")
    cumulative = (meta["mode"] == "cumulative").to_numpy()
    delta = value - prev_v.to_numpy(dtype=float)
    reset = cumulative & (delta < 0)
    quantity = np.where(cumulative, np.where(reset, value, delta), value)
    start = pd.Series(
        np.where(cumulative, prev_ts, frame["ts"] - interval), dtype=frame["ts"].dtype
    )
    span = frame["ts"] - prev_ts
    gap = (span > interval * gap_factor).to_numpy()
    missing = np.where(
        (~cumulative) & gap,
        np.round(span.dt.total_seconds().to_numpy() / meta["interval_s"].to_numpy()) - 1,
        0,
    )
    out = pd.DataFrame(
        {
            "meter_id": frame["meter_id"],
            "start": start,
            "end": frame["ts"],
            "quantity": quantity * meta["multiplier"].to_numpy(dtype=float),
            "reset": reset,
            "gap": gap,
            "missing": np.nan_to_num(missing).astype(int),
        }
    )
    keep = ~(cumulative & prev_ts.isna().to_numpy())  # a cumulative meter's first reading opens
    return out[keep].reset_index(drop=True)


def _local(ts: pd.Series, tz: str) -> pd.Series:
    return ts.dt.tz_convert(tz).dt.tz_localize(None)


def _bucket(local: pd.Series, freq: str) -> pd.Series:
    if freq == "month":
        return local.dt.to_period("M").dt.to_timestamp()
    return local.dt.floor(FREQUENCIES[freq])


def _next(bucket: pd.Timestamp, freq: str) -> pd.Timestamp:
    if freq == "month":
        return bucket + pd.offsets.MonthBegin(1)
    return bucket + pd.Timedelta(FREQUENCIES[freq] if freq != "hour" else "1h")


def rollup(
    intervals: pd.DataFrame,
    meters: Sequence[MeterSpec],
    freq: str = "month",
    tz: str = "Asia/Shanghai",
) -> pd.DataFrame:
    """Sum interval quantities per meter and period of local time.

    Returns
    -------
    pandas.DataFrame
        ``period`` (period start, local wall time, naive), ``meter_id``, ``kind``,
        ``activity``, ``unit``, ``zone``, ``tenant``, ``parent`` and ``quantity`` [unit].
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}")
    info = meters_frame(meters)
    columns = [
        "period",
        "meter_id",
        "kind",
        "activity",
        "unit",
        "zone",
        "tenant",
        "parent",
        "quantity",
    ]
    if intervals.empty:
        return pd.DataFrame(columns=columns)
    start = _local(pd.to_datetime(intervals["start"], utc=True), tz)
    end = _local(pd.to_datetime(intervals["end"], utc=True), tz)
    b0 = _bucket(start, freq)
    b1 = _bucket(end - pd.Timedelta(1, "ns"), freq)
    simple = (b0 == b1).to_numpy()
    parts = [
        pd.DataFrame(
            {
                "period": b0[simple].to_numpy(),
                "meter_id": intervals["meter_id"].to_numpy()[simple],
                "quantity": intervals["quantity"].to_numpy(dtype=float)[simple],
            }
        )
    ]
    rows = []
    for i in np.flatnonzero(~simple):  # intervals that span periods: split by time
        s, e, q = start.iloc[i], end.iloc[i], float(intervals["quantity"].iloc[i])
        total = (e - s).total_seconds()
        bucket = b0.iloc[i]
        while bucket < e:
            nxt = _next(bucket, freq)
            share = (min(nxt, e) - max(bucket, s)).total_seconds() / total if total else 1.0
            rows.append((bucket, intervals["meter_id"].iloc[i], q * share))
            bucket = nxt
    if rows:
        parts.append(pd.DataFrame(rows, columns=["period", "meter_id", "quantity"]))
    frame = pd.concat(parts, ignore_index=True)
    summed = frame.groupby(["period", "meter_id"], as_index=False)["quantity"].sum()
    meta = info.loc[summed["meter_id"], ["kind", "activity", "unit", "zone", "tenant", "parent"]]
    summed = pd.concat([summed, meta.reset_index(drop=True)], axis=1)
    return summed[columns].sort_values(["period", "meter_id"]).reset_index(drop=True)


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def to_activities(monthly: pd.DataFrame, *, quality: str = "measured") -> list[Activity]:
    """Activity data from a monthly :func:`rollup`, attributed through sub-meters.

    A meter with sub-meters (of the same activity type) reports only the remainder its
    sub-meters do not explain, never below zero (a negative remainder is a balance problem,
    see :func:`parkzero.monitoring.alerts.balance`).
    """
    out: list[Activity] = []
    if monthly.empty:
        return out
    for (period, activity), group in monthly.groupby(["period", "activity"], sort=True):
        month = pd.Timestamp(cast(Any, period))
        start = month.date()
        end = (month + pd.offsets.MonthEnd(0)).date()
        children = group.groupby("parent")["quantity"].sum()
        row: Any
        for row in group.itertuples(index=False):
            qty = float(row.quantity)
            source = str(row.meter_id)
            if row.meter_id in children.index:
                qty -= float(children[row.meter_id])
                source = f"{row.meter_id} (remainder after sub-meters)"
            qty = max(qty, 0.0)
            if qty == 0.0:
                continue
            out.append(
                Activity(
                    kind=str(activity),
                    quantity=qty,
                    unit=str(row.unit),
                    start=start,
                    end=end,
                    zone=_text(row.zone),
                    tenant=_text(row.tenant),
                    source_id=source,
                    quality=quality,  # type: ignore[arg-type]
                )
            )
    return out
