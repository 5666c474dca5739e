"""Allocation of trip emissions to shipments and per-shipment footprints (ISO 14083).

A trip's emissions are shared among the shipments on it in proportion to their transport
activity — mass × distance [t·km] (ISO 14083) — or, as the GHG Protocol alternative, to mass
[t] or volume [m³]. A shipment's footprint is the sum of its allocated legs and its hub
operations. Everything is vectorised; ``engine="duckdb"`` runs the same computation as SQL on
DuckDB in-process.

Input tables (pandas DataFrames):

``legs``
    one row per shipment per trip: ``shipment_id``, ``trip_id``, ``mass_t`` [t],
    ``distance_km`` [km], and ``volume_m3`` [m³] for volume allocation.
``trips``
    one row per trip: ``trip_id``, ``wtw_kgco2e`` [kgCO2e], ``ttw_kgco2e`` [kgCO2e, may be
    missing].
``hubs`` (optional)
    one row per hub operation: ``shipment_id``, ``mass_t`` [t], ``wtw_kgco2e_per_t``
    [kgCO2e/t], default or measured (:mod:`parkzero.logistics.hubs`).

>>> import pandas as pd
>>> legs = pd.DataFrame({"shipment_id": ["a", "b"], "trip_id": ["T", "T"],
...                      "mass_t": [1.0, 3.0], "distance_km": [100.0, 100.0]})
>>> trips = pd.DataFrame({"trip_id": ["T"], "wtw_kgco2e": [40.0], "ttw_kgco2e": [30.0]})
>>> shipment_footprints(legs, trips)["wtw_kgco2e"].tolist()
[10.0, 30.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from parkzero.errors import InputError

__all__ = ["ALLOCATION_METHODS", "OUTPUT_COLUMNS", "shipment_footprints"]

#: Allocation keys: ``tkm`` (ISO 14083 default), ``mass``, ``volume`` [-].
ALLOCATION_METHODS = ("tkm", "mass", "volume")

#: Columns of the result, in order (units in :func:`shipment_footprints`) [-].
OUTPUT_COLUMNS = (
    "shipment_id",
    "tkm",
    "transport_wtw_kgco2e",
    "transport_ttw_kgco2e",
    "hub_wtw_kgco2e",
    "wtw_kgco2e",
)

_MAX_REPORTED = 20


def _require(frame: pd.DataFrame, table: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{table}: missing column(s) {', '.join(missing)} (expected {', '.join(columns)})",
            source=table,
            column=missing[0],
        )


def _row_problems(
    frame: pd.DataFrame, table: str, column: str, bad: np.ndarray, what: str
) -> list[str]:
    idx = np.flatnonzero(bad)
    return [f"{table} row {int(i) + 2}: {column} {what}" for i in idx[:_MAX_REPORTED]]


def _numeric(frame: pd.DataFrame, table: str, column: str, problems: list[str]) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    problems += _row_problems(
        frame, table, column, ~np.isfinite(values), "is missing or not a number"
    )
    problems += _row_problems(frame, table, column, values < 0, "is negative (expected ≥ 0)")
    return values


def _validate(
    legs: pd.DataFrame, trips: pd.DataFrame, hubs: pd.DataFrame | None, method: str
) -> None:
    if method not in ALLOCATION_METHODS:
        raise InputError(
            f'unknown allocation method "{method}" (expected one of '
            f"{', '.join(ALLOCATION_METHODS)})",
            column="method",
        )
    leg_cols: tuple[str, ...] = ("shipment_id", "trip_id", "mass_t", "distance_km")
    if method == "volume":
        leg_cols += ("volume_m3",)
    _require(legs, "legs", leg_cols)
    _require(trips, "trips", ("trip_id", "wtw_kgco2e"))
    problems: list[str] = []
    for col in leg_cols[2:]:
        _numeric(legs, "legs", col, problems)
    _numeric(trips, "trips", "wtw_kgco2e", problems)
    problems += _row_problems(
        legs, "legs", "shipment_id", legs["shipment_id"].isna().to_numpy(), "is missing"
    )
    problems += _row_problems(
        trips, "trips", "trip_id", trips["trip_id"].duplicated().to_numpy(), "is duplicated"
    )
    problems += _row_problems(
        legs,
        "legs",
        "trip_id",
        (~legs["trip_id"].isin(trips["trip_id"])).to_numpy(),
        "names a trip missing from trips",
    )
    problems += _row_problems(
        trips,
        "trips",
        "trip_id",
        (~trips["trip_id"].isin(legs["trip_id"])).to_numpy(),
        "has no shipments on it (its emissions would be lost)",
    )
    if hubs is not None:
        _require(hubs, "hubs", ("shipment_id", "mass_t", "wtw_kgco2e_per_t"))
        _numeric(hubs, "hubs", "mass_t", problems)
        _numeric(hubs, "hubs", "wtw_kgco2e_per_t", problems)
        problems += _row_problems(
            hubs,
            "hubs",
            "shipment_id",
            (~hubs["shipment_id"].isin(legs["shipment_id"])).to_numpy(),
            "is a shipment without legs",
        )
    if problems:
        raise InputError(
            f"{len(problems)} problem(s): " + "; ".join(problems[:_MAX_REPORTED]),
            source=problems[0].split(" ", 1)[0],
        )


def _key_column(method: str) -> str:
    return {"tkm": "mass_t * distance_km", "mass": "mass_t", "volume": "volume_m3"}[method]


def _pandas(
    legs: pd.DataFrame, trips: pd.DataFrame, hubs: pd.DataFrame | None, method: str
) -> pd.DataFrame:
    mass = legs["mass_t"].to_numpy(dtype=float)
    tkm = mass * legs["distance_km"].to_numpy(dtype=float)
    key = {"tkm": tkm, "mass": mass}.get(method)
    if key is None:
        key = legs["volume_m3"].to_numpy(dtype=float)
    codes, uniques = pd.factorize(legs["trip_id"])
    total = np.bincount(codes, weights=key, minlength=len(uniques))
    if (total <= 0).any():
        bad = ", ".join(str(t) for t in uniques[total <= 0][:_MAX_REPORTED])
        raise InputError(f"trips {bad}: the allocation key ({method}) sums to 0", column="trip_id")
    share = key / total[codes]
    t = trips.set_index("trip_id")
    wtw = t["wtw_kgco2e"].astype(float).reindex(uniques).to_numpy()
    ttw_series = (
        t["ttw_kgco2e"].astype(float) if "ttw_kgco2e" in t.columns else t["wtw_kgco2e"] * np.nan
    )
    ttw = ttw_series.reindex(uniques).to_numpy(dtype=float)
    per_leg = pd.DataFrame(
        {
            "shipment_id": legs["shipment_id"].to_numpy(),
            "tkm": tkm,
            "transport_wtw_kgco2e": share * wtw[codes],
            "transport_ttw_kgco2e": share * ttw[codes],
        }
    )
    out = per_leg.groupby("shipment_id", sort=True).sum(min_count=1)
    ttw_missing = per_leg["transport_ttw_kgco2e"].isna().groupby(per_leg["shipment_id"]).any()
    out.loc[ttw_missing[ttw_missing].index, "transport_ttw_kgco2e"] = np.nan
    if hubs is not None and len(hubs):
        hub_kg = (
            (hubs["mass_t"].astype(float) * hubs["wtw_kgco2e_per_t"].astype(float))
            .groupby(hubs["shipment_id"].to_numpy())
            .sum()
        )
        out["hub_wtw_kgco2e"] = hub_kg.reindex(out.index).fillna(0.0)
    else:
        out["hub_wtw_kgco2e"] = 0.0
    out["wtw_kgco2e"] = out["transport_wtw_kgco2e"] + out["hub_wtw_kgco2e"]
    return out.reset_index()[list(OUTPUT_COLUMNS)]


_SQL = """
WITH k AS (
    SELECT shipment_id, trip_id, mass_t * distance_km AS tkm, {key} AS key FROM legs
), s AS (
    SELECT k.shipment_id, k.tkm,
           k.key / SUM(k.key) OVER (PARTITION BY k.trip_id) AS share,
           SUM(k.key) OVER (PARTITION BY k.trip_id) AS key_total,
           t.wtw_kgco2e AS trip_wtw, t.ttw_kgco2e AS trip_ttw
    FROM k JOIN trips t USING (trip_id)
), tr AS (
    SELECT shipment_id, SUM(tkm) AS tkm, MIN(key_total) AS min_key_total,
           SUM(share * trip_wtw) AS transport_wtw_kgco2e,
           CASE WHEN COUNT(trip_ttw) = COUNT(*) THEN SUM(share * trip_ttw) END
               AS transport_ttw_kgco2e
    FROM s GROUP BY shipment_id
), h AS (
    SELECT shipment_id, SUM(mass_t * wtw_kgco2e_per_t) AS hub_wtw_kgco2e
    FROM hubs GROUP BY shipment_id
)
SELECT tr.shipment_id, tr.tkm, tr.transport_wtw_kgco2e, tr.transport_ttw_kgco2e,
       COALESCE(h.hub_wtw_kgco2e, 0.0) AS hub_wtw_kgco2e,
       tr.transport_wtw_kgco2e + COALESCE(h.hub_wtw_kgco2e, 0.0) AS wtw_kgco2e,
       tr.min_key_total
FROM tr LEFT JOIN h USING (shipment_id)
ORDER BY tr.shipment_id
"""


def _duckdb(
    legs: pd.DataFrame, trips: pd.DataFrame, hubs: pd.DataFrame | None, method: str
) -> pd.DataFrame:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError(
            'engine "duckdb" needs the duckdb package (pip install duckdb)', column="engine"
        ) from None
    cols = ["shipment_id", "trip_id", "mass_t", "distance_km"]
    if method == "volume":
        cols.append("volume_m3")
    trip_frame = trips[["trip_id", "wtw_kgco2e"]].copy()
    trip_frame["ttw_kgco2e"] = (
        trips["ttw_kgco2e"].astype(float) if "ttw_kgco2e" in trips.columns else np.nan
    )
    hub_frame = (
        hubs[["shipment_id", "mass_t", "wtw_kgco2e_per_t"]]
        if hubs is not None
        else pd.DataFrame(
            {
                "shipment_id": pd.Series([], dtype=legs["shipment_id"].dtype),
                "mass_t": pd.Series([], dtype=float),
                "wtw_kgco2e_per_t": pd.Series([], dtype=float),
            }
        )
    )
    con = duckdb.connect()
    try:
        con.register("legs", legs[cols])
        con.register("trips", trip_frame)
        con.register("hubs", hub_frame)
        out: Any = con.execute(_SQL.format(key=_key_column(method))).df()
    finally:
        con.close()
    if len(out) and (out["min_key_total"] <= 0).any():
        raise InputError(f"a trip's allocation key ({method}) sums to 0", column="trip_id")
    return out[list(OUTPUT_COLUMNS)]


def shipment_footprints(
    legs: pd.DataFrame,
    trips: pd.DataFrame,
    hubs: pd.DataFrame | None = None,
    *,
    method: str = "tkm",
    engine: str = "pandas",
) -> pd.DataFrame:
    """Per-shipment footprints: allocated transport legs plus hub operations.

    Parameters
    ----------
    legs, trips, hubs : DataFrame
        Input tables as described in the module docstring.
    method : {"tkm", "mass", "volume"}
        Allocation key within a trip [-].
    engine : {"pandas", "duckdb"}
        Vectorised pandas/numpy, or SQL on DuckDB in-process [-].

    Returns
    -------
    DataFrame
        One row per shipment, sorted by ``shipment_id``: ``tkm`` [t·km],
        ``transport_wtw_kgco2e`` [kgCO2e], ``transport_ttw_kgco2e`` [kgCO2e, NaN if any of its
        trips has no TTW], ``hub_wtw_kgco2e`` [kgCO2e], ``wtw_kgco2e`` total [kgCO2e].

    Raises
    ------
    InputError
        Listing every bad row (up to 20): missing columns, negative or missing numbers,
        legs on unknown trips, trips without shipments, hub operations of shipments without
        legs, unknown method or engine.
    """
    _validate(legs, trips, hubs, method)
    if engine == "pandas":
        return _pandas(legs, trips, hubs, method)
    if engine == "duckdb":
        return _duckdb(legs, trips, hubs, method)
    raise InputError(f'unknown engine "{engine}" (expected pandas or duckdb)', column="engine")
