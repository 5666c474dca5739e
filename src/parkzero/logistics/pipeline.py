"""The batch pipeline: shipments + legs files → validated → footprints → Parquet.

Input files are CSV or Parquet (chosen by the file suffix; DuckDB reads both). Schemas, one row
per shipment and one row per transport leg:

``shipments``
    ``shipment_id`` (text, unique), ``customer_id`` (text), ``ship_date`` (``YYYY-MM-DD``),
    ``mass_t`` [t, ≥ 0]; optional ``hub_category`` and ``hub_temperature`` (a GLEC hub
    category, see :func:`parkzero.logistics.hub_default_intensity`; empty = no hub operation)
    and ``hub_kgco2e_per_t`` [kgCO2e/t] — the park's measured intensity, used in place of the
    default when given; optional ``volume_m3`` [m³, ≥ 0], needed for allocation by volume by
    every shipment on a shared trip.
``legs``
    ``shipment_id``, ``leg_no`` (1, 2, … without gaps), ``mode`` (``road``, ``rail``, ``air``,
    ``sea``, ``inland_waterway``), ``distance_km`` [km, ≥ 0]; optional ``vehicle_class``
    (road: ``lgv`` / ``hgv``, default ``hgv``, or a class of :mod:`parkzero.logistics.road`),
    ``refrigerated`` and ``shortest_feasible`` (true/false; the latter applies the mode's
    distance adjustment factor), ``load_factor`` and ``empty_running`` [-] and ``trip_id``
    (legs sharing a trip id are one vehicle trip, whose emissions are shared among its legs;
    empty = the leg is its own trip).

A trip's emissions are allocated to the legs on it by ``allocation``: ``"tkm"`` (mass ×
distance, ISO 14083, the default), ``"mass"`` or ``"volume"`` of the shipment (the GHG Protocol
alternatives, where the distance a shipment travels on the trip does not weigh its share).

Leg emissions are distance-based (mass × distance × the default intensity of the leg's kind:
WTW, and TTW where the road class splits it), unless the leg's trip is in an optional trips
file (fuel-based, :mod:`parkzero.logistics.trips`); a shipment's footprint is the allocation of
:func:`parkzero.logistics.shipment_footprints` run on DuckDB (``engine="duckdb"``) plus its hub
operation. Every bad row is reported in one :class:`~parkzero.errors.InputError`; the output is
written to a temporary file and renamed, so a run leaves a complete output or none. With
``engine="duckdb"``, :func:`run_pipeline` validates and computes in DuckDB SQL over the files
and falls back to the pandas path (and its per-row messages) whenever a check fires.

>>> sorted(LEG_COLUMNS)
['distance_km', 'leg_no', 'mode', 'shipment_id']
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parkzero.errors import ConfigError, InputError
from parkzero.logistics.allocation import ALLOCATION_METHODS, shipment_footprints
from parkzero.logistics.chain import default_dafs, distance_based
from parkzero.logistics.hubs import hub_default_intensity, hub_defaults
from parkzero.logistics.models import MODES, ROAD_CLASSES
from parkzero.logistics.road import laden_per_tkm, reefer_variant, road_class, road_classes
from parkzero.logistics.spark import DEFAULT_MASTER, require_pyspark
from parkzero.logistics.sql import (
    DUCKDB,
    MIXED_TRIP,
    Columns,
    Unsupported,
    bad_legs_sql,
    footprints_sql,
    legs_emissions_sql,
    legs_select,
    shipments_select,
    trips_sql,
    unknown_trips_sql,
    year_sql,
)
from parkzero.logistics.trips import trip_energy

__all__ = [
    "ALLOCATIONS",
    "ENGINES",
    "LEG_COLUMNS",
    "OUTPUT_COLUMNS",
    "SHIPMENT_COLUMNS",
    "PipelineResult",
    "compute_footprints",
    "read_table",
    "run_pipeline",
    "summarize",
    "write_parquet_atomic",
]

#: Allocation methods of the pipeline: ``tkm`` (ISO 14083 default), ``mass``, ``volume`` [-].
ALLOCATIONS = ALLOCATION_METHODS
#: Engines accepted by the pipeline [-]; ``spark`` needs the ``spark`` extra.
ENGINES = ("duckdb", "pandas", "spark")
#: Required columns of the shipments file [-].
SHIPMENT_COLUMNS = ("shipment_id", "customer_id", "ship_date", "mass_t")
#: Required columns of the legs file [-].
LEG_COLUMNS = ("shipment_id", "leg_no", "mode", "distance_km")
#: Columns of the Parquet output, in order [-].
OUTPUT_COLUMNS = (
    "shipment_id",
    "customer_id",
    "ship_date",
    "mass_t",
    "legs",
    "tkm",
    "transport_wtw_kgco2e",
    "transport_ttw_kgco2e",
    "hub_wtw_kgco2e",
    "wtw_kgco2e",
)
_ALL_MODES = ("road", *MODES)
_MAX_REPORTED = 20


@dataclass(frozen=True)
class PipelineResult:
    """Footprints of a batch.

    Parameters
    ----------
    footprints : DataFrame
        One row per shipment, columns :data:`OUTPUT_COLUMNS` (tkm [t·km], emissions [kgCO2e]).
    legs : DataFrame
        One row per leg: ``shipment_id, leg_no, trip_id, mode, vehicle_class, refrigerated,
        distance_km [km], mass_t [t], tkm [t·km], load_factor, empty_running [-] (NaN = the
        class's reference), kgco2e_per_tkm, ttw_kgco2e_per_tkm [kgCO2e/(t·km)] (TTW NaN
        where unknown), factor_id, wtw_kgco2e, ttw_kgco2e`` (the leg's allocated share of its
        trip [kgCO2e]), ``fuel_based`` (its trip's emissions come from a trips file).
    hubs : DataFrame
        One row per hub operation: ``shipment_id, hub_category, hub_temperature, mass_t [t],
        wtw_kgco2e_per_t [kgCO2e/t], source``.
    """

    footprints: pd.DataFrame
    legs: pd.DataFrame
    hubs: pd.DataFrame


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV or Parquet file with DuckDB; CSV columns are read as text.

    Parameters
    ----------
    path : path
        ``.csv`` or ``.parquet`` file [-].

    Returns
    -------
    DataFrame
        Rows in file order.
    """
    import duckdb

    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", source=str(p))
    suffix = p.suffix.lower()
    con = duckdb.connect()
    try:
        if suffix == ".parquet":
            rel = con.execute("SELECT * FROM read_parquet(?)", [str(p)])
        elif suffix in (".csv", ".txt"):
            rel = con.execute(
                "SELECT * FROM read_csv(?, header = true, all_varchar = true)", [str(p)]
            )
        else:
            raise InputError(
                f'unknown file type "{p.suffix}" (expected .csv or .parquet)', source=str(p)
            )
        frame: pd.DataFrame = rel.df()
    except duckdb.Error as exc:
        raise InputError(f"cannot read: {exc}", source=str(p)) from None
    finally:
        con.close()
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _rows(mask: Any) -> np.ndarray:
    # Spreadsheet row of each data row: the header is row 1.
    return np.flatnonzero(np.asarray(mask, dtype=bool))[:_MAX_REPORTED] + 2


def _text(series: pd.Series) -> pd.Series:
    # Stripped text as plain Python objects (hash-based isin/groupby stay fast), None if blank.
    s = series.astype("string").str.strip()
    s = s.mask(s == "")
    return s.astype(object).where(s.notna(), None)


def _number(
    frame: pd.DataFrame, source: str, column: str, problems: list[str], optional: bool = False
) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    blank = frame[column].isna().to_numpy() | (_text(frame[column]).isna().to_numpy())
    bad = ~np.isfinite(values) & ~(blank if optional else np.zeros(len(values), dtype=bool))
    problems += [f'{source} row {r}, column "{column}": not a number' for r in _rows(bad)]
    neg = values < 0
    problems += [
        f'{source} row {r}, column "{column}": negative (expected ≥ 0)' for r in _rows(neg)
    ]
    return values


def _require(frame: pd.DataFrame, source: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (expected {', '.join(columns)})",
            source=source,
            column=missing[0],
        )


def _truthy(series: pd.Series) -> np.ndarray:
    s = series.astype("string").str.strip().str.lower()
    return s.isin(["1", "true", "yes", "y", "t"]).fillna(False).to_numpy(dtype=bool)


def _validate(
    shipments: pd.DataFrame, legs: pd.DataFrame, ssrc: str, lsrc: str, allocation: str = "tkm"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    _require(shipments, ssrc, SHIPMENT_COLUMNS)
    _require(legs, lsrc, LEG_COLUMNS)
    if allocation == "volume" and "volume_m3" not in shipments:
        raise InputError(
            "missing column volume_m3 (allocation by volume needs the volume [m³] of every "
            "shipment on a shared trip)",
            source=ssrc,
            column="volume_m3",
        )
    problems: list[str] = []
    s = pd.DataFrame({"shipment_id": _text(shipments["shipment_id"])})
    s["customer_id"] = _text(shipments["customer_id"])
    s["mass_t"] = _number(shipments, ssrc, "mass_t", problems)
    dates = pd.to_datetime(_text(shipments["ship_date"]), errors="coerce", format="%Y-%m-%d")
    s["ship_date"] = dates.dt.date
    problems += [
        f'{ssrc} row {r}, column "shipment_id": missing' for r in _rows(s["shipment_id"].isna())
    ]
    problems += [
        f'{ssrc} row {r}, column "shipment_id": duplicated'
        for r in _rows((s["shipment_id"].duplicated() & s["shipment_id"].notna()).to_numpy())
    ]
    problems += [
        f'{ssrc} row {r}, column "customer_id": missing' for r in _rows(s["customer_id"].isna())
    ]
    problems += [
        f'{ssrc} row {r}, column "ship_date": not a date (expected YYYY-MM-DD)'
        for r in _rows(dates.isna().to_numpy())
    ]
    cat = (
        _text(shipments["hub_category"])
        if "hub_category" in shipments
        else pd.Series(pd.NA, index=s.index, dtype="string")
    )
    temp = (
        _text(shipments["hub_temperature"]).fillna("ambient")
        if "hub_temperature" in shipments
        else pd.Series("ambient", index=s.index, dtype="string")
    )
    measured = (
        _number(shipments, ssrc, "hub_kgco2e_per_t", problems, optional=True)
        if "hub_kgco2e_per_t" in shipments
        else np.full(len(s), np.nan)
    )
    s["hub_category"], s["hub_temperature"], s["hub_kgco2e_per_t"] = cat, temp, measured
    s["volume_m3"] = (
        _number(shipments, ssrc, "volume_m3", problems, optional=True)
        if "volume_m3" in shipments
        else np.full(len(s), np.nan)
    )
    has_hub = cat.notna().to_numpy(dtype=bool)
    pairs = cat.astype(str) + "|" + temp.astype(str)
    for pair in pd.unique(pairs[has_hub]):
        c, t = str(pair).split("|", 1)
        try:
            hub_default_intensity(c, t)
        except InputError as exc:
            problems += [
                f'{ssrc} row {r}, column "{exc.column}": {exc.message}'
                for r in _rows(has_hub & (pairs == pair).to_numpy(dtype=bool))
            ]

    g = pd.DataFrame({"shipment_id": _text(legs["shipment_id"])})
    leg_no = _number(legs, lsrc, "leg_no", problems)
    g["leg_no"] = leg_no
    g["mode"] = _text(legs["mode"]).str.lower()
    g["distance_km"] = _number(legs, lsrc, "distance_km", problems)
    vclass = (
        _text(legs["vehicle_class"]).str.lower()
        if "vehicle_class" in legs
        else pd.Series(pd.NA, index=g.index, dtype="string")
    )
    g["vehicle_class"] = vclass.where(g["mode"] != "road", vclass.fillna("hgv"))
    g["refrigerated"] = _truthy(legs["refrigerated"]) if "refrigerated" in legs else False
    g["shortest_feasible"] = (
        _truthy(legs["shortest_feasible"]) if "shortest_feasible" in legs else False
    )
    g["trip_id"] = _text(legs["trip_id"]) if "trip_id" in legs else pd.NA
    bad_mode = ~g["mode"].isin(_ALL_MODES).fillna(False).to_numpy(dtype=bool)
    dafs = default_dafs()
    no_daf = ~g["mode"].isin(dafs).fillna(False).to_numpy(dtype=bool)
    problems += [
        f'{lsrc} row {r}, column "shortest_feasible": no default distance adjustment factor '
        f"for mode {g['mode'].iloc[r - 2]} (defaults exist for {', '.join(sorted(dafs))}); "
        "give the actual distance"
        for r in _rows(g["shortest_feasible"].to_numpy(dtype=bool) & no_daf & ~bad_mode)
    ]
    problems += [
        f'{lsrc} row {r}, column "mode": unknown mode "{legs["mode"].iloc[r - 2]}" '
        f"(expected one of {', '.join(_ALL_MODES)})"
        for r in _rows(bad_mode)
    ]
    road = (g["mode"] == "road").fillna(False).to_numpy(dtype=bool)
    known = g["vehicle_class"].isin(vehicle_classes()).fillna(False)
    problems += [
        f'{lsrc} row {r}, column "vehicle_class": unknown vehicle class '
        f'"{g["vehicle_class"].iloc[r - 2]}" (expected {" or ".join(ROAD_CLASSES)}, or a class '
        "of parkzero shipments classes)"
        for r in _rows(road & ~known.to_numpy(dtype=bool))
    ]
    problems += _laden_problems(legs, g, lsrc)
    bad_int = np.isfinite(leg_no) & ((leg_no < 1) | (leg_no != np.floor(leg_no)))
    problems += [
        f'{lsrc} row {r}, column "leg_no": expected a whole number ≥ 1' for r in _rows(bad_int)
    ]
    unknown = ~g["shipment_id"].isin(s["shipment_id"].dropna()).fillna(False).to_numpy(bool)
    problems += [
        f'{lsrc} row {r}, column "shipment_id": leg of a shipment missing from {ssrc}'
        for r in _rows(unknown)
    ]
    problems += [
        f'{lsrc} row {r}, column "leg_no": leg {int(leg_no[r - 2])} is duplicated'
        for r in _rows(g.duplicated(["shipment_id", "leg_no"]).to_numpy() & np.isfinite(leg_no))
    ]
    no_legs = ~s["shipment_id"].isin(g["shipment_id"].dropna()).to_numpy(bool)
    problems += [
        f'{ssrc} row {r}, column "shipment_id": shipment {s["shipment_id"].iloc[r - 2]} has no legs'
        for r in _rows(no_legs & s["shipment_id"].notna().to_numpy())
    ]
    ok = g[np.isfinite(leg_no)]
    stats = ok.groupby("shipment_id")["leg_no"].agg(["max", "count"])
    gaps = stats[stats["max"] != stats["count"]]
    if len(gaps):
        pos = {sid: i for i, sid in enumerate(s["shipment_id"])}
        for sid in gaps.index[:_MAX_REPORTED]:
            have = set(ok.loc[ok["shipment_id"] == sid, "leg_no"].astype(int))
            missing = [n for n in range(1, int(gaps.loc[sid, "max"]) + 1) if n not in have]
            where = f"{ssrc} row {pos[sid] + 2}" if sid in pos else lsrc
            problems.append(
                f'{where}, column "shipment_id": shipment {sid} is missing leg '
                f"{', '.join(map(str, missing))}"
            )
    if allocation == "volume":
        problems += _volume_problems(s, g, ssrc)
    if problems:
        raise InputError(
            f"{len(problems)} problem(s): " + "; ".join(problems[:_MAX_REPORTED]),
            source=problems[0].split(" row ", 1)[0],
        )
    g["leg_no"] = g["leg_no"].astype("int64")
    return s, g


def _kind_of(g: pd.DataFrame, i: int) -> str:
    mode = g["mode"].iloc[i]
    return f'vehicle class "{g["vehicle_class"].iloc[i]}"' if mode == "road" else f"mode {mode}"


def _laden_problems(legs: pd.DataFrame, g: pd.DataFrame, lsrc: str) -> list[str]:
    # Optional load_factor (0 < LF ≤ 1) and empty_running (0 ≤ ER < 1), only on road classes
    # with a laden model; sets g's columns (NaN = the class's reference value).
    problems: list[str] = []
    laden = {c.id for c in road_classes().values() if c.laden_model}
    for column, ok in (
        ("load_factor", lambda v: (v > 0) & (v <= 1)),
        ("empty_running", lambda v: (v >= 0) & (v < 1)),
    ):
        if column not in legs:
            g[column] = np.nan
            continue
        values = _number(legs, lsrc, column, problems, optional=True)
        given = np.isfinite(values)
        expected = "0 < load factor ≤ 1" if column == "load_factor" else "0 ≤ empty running < 1"
        problems += [
            f'{lsrc} row {r}, column "{column}": {values[r - 2]:g} is out of range '
            f"(expected {expected}, a share)"
            for r in _rows(given & (values >= 0) & ~ok(values))
        ]
        no_model = given & ~g["vehicle_class"].isin(laden).fillna(False).to_numpy(dtype=bool)
        problems += [
            f'{lsrc} row {r}, column "{column}": {_kind_of(g, r - 2)} has no laden model '
            "(load factor and empty running apply to the uk-* HGV classes)"
            for r in _rows(no_model)
        ]
        g[column] = np.where(given, values, np.nan)
    return problems


def _volume_problems(s: pd.DataFrame, g: pd.DataFrame, ssrc: str) -> list[str]:
    # Allocation by volume: every shipment with a leg on a shared trip (a trip id on more than
    # one leg) needs a volume > 0. Negative or non-numeric volumes are reported already.
    trips = g["trip_id"].dropna()
    sizes = trips.map(trips.value_counts())
    shared = g.loc[sizes[sizes > 1].index, ["shipment_id", "trip_id"]]
    first_trip = shared.drop_duplicates("shipment_id").set_index("shipment_id")["trip_id"]
    trip_of = s["shipment_id"].map(first_trip)
    vol = s["volume_m3"].to_numpy(dtype=float)
    missing = trip_of.notna().to_numpy() & ~(vol > 0) & ~(vol < 0)
    return [
        f'{ssrc} row {r}, column "volume_m3": '
        + ("missing" if np.isnan(vol[r - 2]) else "zero")
        + f" (allocation by volume needs a volume > 0 m³ for shipment "
        f"{s['shipment_id'].iloc[r - 2]} on shared trip {trip_of.iloc[r - 2]})"
        for r in _rows(missing)
    ]


def _fuel_trips(
    trips: pd.DataFrame | None, source: str, legs: pd.DataFrame, year: int
) -> pd.DataFrame:
    # Fuel-based emissions per trip (index trip_id: wtw_kgco2e, ttw_kgco2e); every trip must
    # be a trip_id of the legs.
    if trips is None:
        return pd.DataFrame(columns=["wtw_kgco2e", "ttw_kgco2e"], dtype=float)
    fuel = trip_energy(trips, year=year, source=source).set_index("trip_id")
    named = trips["trip_id"].astype("string").str.strip()
    unknown = (named.notna() & ~named.isin(legs["trip_id"].dropna().astype(str))).to_numpy(bool)
    if unknown.any():
        problems = [
            f'{source} row {r}, column "trip_id": trip {named.iloc[r - 2]} has no legs'
            for r in _rows(unknown)
        ]
        raise InputError(f"{int(unknown.sum())} problem(s): " + "; ".join(problems), source=source)
    return fuel


def _intensities(legs: pd.DataFrame, year: int) -> pd.DataFrame:
    # WTW and TTW intensity [kgCO2e/(t·km)], factor id and kind number of every leg, from the
    # same leg-kind table as the SQL; a leg's load factor / empty running apply the laden model.
    kinds = leg_kinds(year)
    road = (legs["mode"] == "road").to_numpy()
    keys = pd.DataFrame(
        {
            "kind": legs["vehicle_class"].astype(object).where(road, legs["mode"].astype(object)),
            "refr": legs["refrigerated"].astype(bool).to_numpy(),
        }
    )
    m = keys.merge(kinds, on=["kind", "refr"], how="left")
    missing = m["fno"].isna().to_numpy()
    if missing.any():  # e.g. refrigerated rail: let distance_based say why
        i = int(np.flatnonzero(missing)[0])
        distance_based(
            str(legs["mode"].iloc[i]),
            1.0,
            1.0,
            vehicle_class=str(keys["kind"].iloc[i]) if road[i] else None,
            refrigerated=bool(keys["refr"].iloc[i]),
            year=year,
        )
    lf = legs["load_factor"].to_numpy(dtype=float)
    er = legs["empty_running"].to_numpy(dtype=float)
    use = np.isfinite(lf) | np.isfinite(er)
    wtw, ttw = m["per_tkm"].to_numpy(dtype=float), m["ttw_tkm"].to_numpy(dtype=float)
    if use.any():
        lfx = np.where(np.isfinite(lf), lf, m["lf_ref"].to_numpy(dtype=float))[use]
        erx = np.where(np.isfinite(er), er, m["er_ref"].to_numpy(dtype=float))[use]
        payload = m["payload"].to_numpy(dtype=float)[use]
        wtw, ttw = wtw.copy(), ttw.copy()
        wtw[use] = laden_per_tkm(
            m["we0"].to_numpy()[use], m["we1"].to_numpy()[use], payload, lfx, erx
        )
        ttw[use] = laden_per_tkm(
            m["te0"].to_numpy()[use], m["te1"].to_numpy()[use], payload, lfx, erx
        )
    return pd.DataFrame(
        {"wtw": wtw, "ttw": ttw, "factor_id": m["factor_id"].to_numpy(dtype=object)},
        index=legs.index,
    )


def compute_footprints(
    shipments: pd.DataFrame,
    legs: pd.DataFrame,
    *,
    engine: str = "duckdb",
    allocation: str = "tkm",
    year: int | None = None,
    shipments_source: str = "shipments",
    legs_source: str = "legs",
    master: str | None = DEFAULT_MASTER,
    spark_conf: Mapping[str, str] | None = None,
    trips: pd.DataFrame | None = None,
    trips_source: str = "trips",
) -> PipelineResult:
    """Validate the two tables and compute every shipment's footprint.

    Parameters
    ----------
    shipments, legs : DataFrame
        Tables of the schemas in the module docstring (as read by :func:`read_table`).
    engine : {"duckdb", "pandas", "spark"}
        Allocation engine; ``spark`` (the ``spark`` extra) computes the footprints with the
        Spark SQL of :mod:`parkzero.logistics.spark` after the pandas checks [-].
    allocation : {"tkm", "mass", "volume"}
        How a trip's emissions are shared among the legs on it: by t·km (ISO 14083, default),
        by shipment mass or by shipment volume (GHG Protocol; volume needs ``volume_m3`` for
        every shipment on a shared trip) [-].
    year : int, optional
        Year of the factor lookup; defaults to the year of the latest ``ship_date`` [yr].
    shipments_source, legs_source : str
        File names used in error messages [-].
    master : str, optional
        Spark master (``engine="spark"``), see :func:`parkzero.logistics.spark.spark_session`
        [-].
    spark_conf : mapping of str to str, optional
        Extra Spark settings (``engine="spark"``) [-].
    trips : DataFrame, optional
        Rows of a fuel-based trips file (:mod:`parkzero.logistics.trips`); its trips take
        the emissions of their energy use in place of the distance-based estimate [-].
    trips_source : str
        File name of `trips` in error messages [-].

    Returns
    -------
    PipelineResult

    Raises
    ------
    InputError
        Listing every bad row (up to 20): unknown mode, negative mass or distance, a missing
        leg, a shipment without legs, a leg of an unknown shipment, a shipment on a shared trip
        without a volume (``allocation="volume"``), …
    ConfigError
        ``engine="spark"`` without pyspark, or an unknown engine or allocation.
    """
    _check_engine(engine)
    _check_allocation(allocation)
    s, g = _validate(shipments, legs, shipments_source, legs_source, allocation)
    if year is None:
        year = max(d.year for d in s["ship_date"]) if len(s) else 2024
    mass = s.set_index("shipment_id")["mass_t"]
    g["mass_t"] = mass.reindex(g["shipment_id"]).to_numpy()
    # A shortest feasible distance times the mode's distance adjustment factor (road 1.05).
    daf = g["mode"].map(default_dafs()).to_numpy(dtype=float)
    sfd = g["shortest_feasible"].to_numpy(dtype=bool)
    g["distance_km"] = np.where(sfd, g["distance_km"].to_numpy(float) * daf, g["distance_km"])
    g["tkm"] = g["mass_t"] * g["distance_km"]
    g["volume_m3"] = s.set_index("shipment_id")["volume_m3"].reindex(g["shipment_id"]).to_numpy()
    fuel = _fuel_trips(trips, trips_source, g, year)
    i = _intensities(g, year)
    g["kgco2e_per_tkm"], g["ttw_kgco2e_per_tkm"], g["factor_id"] = (
        i["wtw"],
        i["ttw"],
        i["factor_id"],
    )
    own_trip = g["trip_id"].isna()
    g["trip_id"] = g["trip_id"].where(~own_trip, g["shipment_id"] + "#" + g["leg_no"].astype(str))
    mixed = g.groupby("trip_id")[["factor_id", "kgco2e_per_tkm"]].nunique().max(axis=1)
    mixed = mixed[~mixed.index.isin(fuel.index)]  # fuel-based trips may mix leg kinds
    if (mixed > 1).any():
        bad = ", ".join(map(str, mixed[mixed > 1].index[:_MAX_REPORTED]))
        raise InputError(
            f"trip(s) {bad}: {MIXED_TRIP}",
            source=legs_source,
            column="trip_id",
        )
    by = g["trip_id"].to_numpy()
    trip_kg = (g["tkm"] * g["kgco2e_per_tkm"]).groupby(by).sum()
    trip_ttw = g["tkm"] * g["ttw_kgco2e_per_tkm"]
    # A trip's TTW is known only when every leg's is (no partial sums).
    ttw_known = trip_ttw.notna().groupby(by).all()
    trips = pd.DataFrame({"trip_id": trip_kg.index.to_numpy(), "wtw_kgco2e": trip_kg.to_numpy()})
    trips["ttw_kgco2e"] = (
        trip_ttw.groupby(by).sum().where(ttw_known).reindex(trip_kg.index).to_numpy()
    )
    if len(fuel):
        # Fuel-based trips: the energy they used replaces the sum of their legs' estimates.
        on = trips["trip_id"].isin(fuel.index).to_numpy()
        primary = fuel.reindex(trips.loc[on, "trip_id"])
        trips.loc[on, "wtw_kgco2e"] = primary["wtw_kgco2e"].to_numpy()
        trips.loc[on, "ttw_kgco2e"] = primary["ttw_kgco2e"].to_numpy()
    by_trip = g.groupby("trip_id")
    zero_trips = by_trip["tkm"].transform("sum") <= 0
    # A trip carrying no t·km (zero mass or distance) emits nothing by distance-based
    # calculation; give its legs a tiny key so the allocation stays defined.
    alloc_legs = g[["shipment_id", "trip_id", "mass_t", "distance_km"]].copy()
    if allocation == "volume":
        # A leg alone on its trip takes the whole trip, whatever its volume (checked > 0 on
        # shared trips).
        alone = by_trip["tkm"].transform("size") == 1
        alloc_legs["volume_m3"] = g["volume_m3"].where(~(alone | zero_trips), 1.0)
    # Plain object ids: hash-based isin/joins, much faster than Arrow-backed strings here.
    alloc_legs["trip_id"] = alloc_legs["trip_id"].astype(object)
    trips["trip_id"] = trips["trip_id"].astype(object)
    if zero_trips.any():
        alloc_legs.loc[zero_trips, ["mass_t", "distance_km"]] = 1.0
    weight = {"tkm": alloc_legs["mass_t"] * alloc_legs["distance_km"], "mass": alloc_legs["mass_t"]}
    w = weight.get(allocation, alloc_legs.get("volume_m3"))
    assert w is not None
    w_total = w.groupby(alloc_legs["trip_id"].to_numpy()).transform("sum")
    trip_wtw = trips.set_index("trip_id")["wtw_kgco2e"].reindex(g["trip_id"]).to_numpy()
    g["wtw_kgco2e"] = (w / w_total).to_numpy() * trip_wtw
    trip_ttw_of_leg = trips.set_index("trip_id")["ttw_kgco2e"].reindex(g["trip_id"]).to_numpy()
    g["ttw_kgco2e"] = (w / w_total).to_numpy() * trip_ttw_of_leg
    g["fuel_based"] = g["trip_id"].isin(fuel.index).to_numpy()
    hub_rows = s[s["hub_category"].notna().to_numpy()]
    hubs = pd.DataFrame(
        {
            "shipment_id": hub_rows["shipment_id"].to_numpy(),
            "hub_category": hub_rows["hub_category"].to_numpy(),
            "hub_temperature": hub_rows["hub_temperature"].to_numpy(),
            "mass_t": hub_rows["mass_t"].to_numpy(dtype=float),
        }
    )
    hubs["shipment_id"] = hubs["shipment_id"].astype(object)
    hub_keys = hubs["hub_category"].astype(str) + "|" + hubs["hub_temperature"].astype(str)
    hub_codes, hub_uniques = pd.factorize(hub_keys)
    defaults = [hub_default_intensity(*str(k).split("|", 1)) for k in hub_uniques]
    default_kg = np.asarray([d.wtw_kgco2e_per_unit for d in defaults], dtype=float)
    default_src = np.asarray([d.source for d in defaults], dtype=object)
    meas = hub_rows["hub_kgco2e_per_t"].to_numpy(dtype=float)
    use_meas = np.isfinite(meas)
    hubs["wtw_kgco2e_per_t"] = np.where(use_meas, meas, default_kg[hub_codes])
    hubs["source"] = np.where(use_meas, "measured", default_src[hub_codes])
    if engine == "spark":
        from parkzero.logistics.spark import footprints_frame

        fp = footprints_frame(
            s, g, year=year, allocation=allocation, master=master, conf=spark_conf, fuel=fuel
        )
    else:
        fp = shipment_footprints(
            alloc_legs,
            trips,
            hubs[["shipment_id", "mass_t", "wtw_kgco2e_per_t"]],
            method=allocation,
            engine=engine,
        )
        if zero_trips.any():
            fp = fp.set_index("shipment_id")
            fp["tkm"] = g.groupby("shipment_id")["tkm"].sum().reindex(fp.index)
            fp = fp.reset_index()
        meta = s.set_index("shipment_id")[["customer_id", "ship_date", "mass_t"]]
        fp = fp.join(meta, on="shipment_id")
        fp["legs"] = g.groupby("shipment_id").size().reindex(fp["shipment_id"]).to_numpy()
        fp["customer_id"] = fp["customer_id"].astype(str)
        fp["shipment_id"] = fp["shipment_id"].astype(str)
    leg_cols = [
        "shipment_id",
        "leg_no",
        "trip_id",
        "mode",
        "vehicle_class",
        "refrigerated",
        "distance_km",
        "mass_t",
        "tkm",
        "load_factor",
        "empty_running",
        "kgco2e_per_tkm",
        "ttw_kgco2e_per_tkm",
        "factor_id",
        "wtw_kgco2e",
        "ttw_kgco2e",
        "fuel_based",
    ]
    return PipelineResult(
        footprints=fp[list(OUTPUT_COLUMNS)].reset_index(drop=True),
        legs=g[leg_cols].sort_values(["shipment_id", "leg_no"]).reset_index(drop=True),
        hubs=hubs,
    )


def _check_allocation(allocation: str) -> None:
    if allocation not in ALLOCATIONS:
        raise ConfigError(
            f'unknown allocation "{allocation}" (expected one of {", ".join(ALLOCATIONS)})',
            column="allocation",
        )


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ConfigError(
            f'unknown engine "{engine}" (expected one of {", ".join(ENGINES)})', column="engine"
        )
    if engine == "spark":
        require_pyspark()


def summarize(footprints: pd.DataFrame) -> dict[str, Any]:
    """Headline figures of a footprint table.

    Returns
    -------
    dict
        ``shipments`` [-], ``tkm`` [t·km], ``total_kgco2e`` [kgCO2e], ``kgco2e_per_tkm``
        [kgCO2e/(t·km)] (None when there is no t·km).

    >>> summarize(pd.DataFrame({"tkm": [100.0, 300.0], "wtw_kgco2e": [4.0, 12.0]}))
    {'shipments': 2, 'tkm': 400.0, 'total_kgco2e': 16.0, 'kgco2e_per_tkm': 0.04}
    """
    tkm = float(footprints["tkm"].sum())
    total = float(footprints["wtw_kgco2e"].sum())
    return {
        "shipments": len(footprints),
        "tkm": tkm,
        "total_kgco2e": total,
        "kgco2e_per_tkm": total / tkm if tkm > 0 and math.isfinite(tkm) else None,
    }


def write_parquet_atomic(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write `frame` to Parquet via a temporary file in the same folder and a rename.

    A failure leaves any earlier file at `path` untouched and no temporary file behind.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def run_pipeline(
    shipments_path: str | os.PathLike[str],
    legs_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    engine: str = "duckdb",
    allocation: str = "tkm",
    year: int | None = None,
    master: str | None = DEFAULT_MASTER,
    spark_conf: Mapping[str, str] | None = None,
    trips_path: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Read, validate, compute and write the footprints of a batch of shipments.

    Parameters
    ----------
    shipments_path, legs_path : path
        CSV or Parquet files of the schemas in the module docstring [-].
    out_path : path
        Parquet output, one row per shipment (:data:`OUTPUT_COLUMNS`); written atomically.
        With ``engine="spark"`` the inputs and output may also be URIs (``hdfs://``, …), and
        an output not ending in ``.parquet`` is a folder of part files
        (:func:`parkzero.logistics.spark.run_spark`) [-].
    engine : {"duckdb", "pandas", "spark"}
        Engine; ``spark`` needs the ``spark`` extra [-].
    allocation : {"tkm", "mass", "volume"}
        Allocation of a trip's emissions, see :func:`compute_footprints` [-].
    year : int, optional
        Year of the factor lookup [yr].
    master : str, optional
        Spark master for ``engine="spark"``: ``local[*]`` (default), ``spark://host:7077``,
        ``yarn``, …; None leaves it to ``spark-submit`` [-].
    spark_conf : mapping of str to str, optional
        Extra Spark settings for ``engine="spark"`` [-].
    trips_path : path, optional
        Fuel-based trips (:mod:`parkzero.logistics.trips`): these trips take the emissions of
        the energy they used in place of the distance-based estimate [-].

    Returns
    -------
    dict
        :func:`summarize` of the output plus ``out`` (the path written), ``engine`` and
        ``allocation``.
    """
    _check_engine(engine)
    _check_allocation(allocation)
    if engine == "spark":
        from parkzero.logistics.spark import run_spark

        return run_spark(
            shipments_path,
            legs_path,
            out_path,
            allocation=allocation,
            year=year,
            master=master,
            conf=spark_conf,
            trips_path=trips_path,
        )
    trips = None if trips_path is None else read_table(trips_path)
    trips_source = "trips" if trips_path is None else Path(trips_path).name
    if engine == "duckdb":
        try:
            return _run_duckdb(
                Path(shipments_path),
                Path(legs_path),
                Path(out_path),
                year,
                allocation,
                None if trips is None else (trips, trips_source),
            )
        except _Fallback:
            pass  # the pandas path below reports every bad row
    shipments = read_table(shipments_path)
    legs = read_table(legs_path)
    result = compute_footprints(
        shipments,
        legs,
        engine=engine,
        allocation=allocation,
        year=year,
        shipments_source=Path(shipments_path).name,
        legs_source=Path(legs_path).name,
        trips=trips,
        trips_source=trips_source,
    )
    written = write_parquet_atomic(result.footprints, out_path)
    return {
        **summarize(result.footprints),
        "engine": engine,
        "allocation": allocation,
        "out": str(written),
    }


# --- DuckDB fast path -------------------------------------------------------------------------
# run_pipeline(engine="duckdb") validates and computes in DuckDB SQL straight over the input
# files, with the statements of parkzero.logistics.sql (shared with the Spark engine). The SQL
# checks are conservative: when any of them finds a problem (or an input it does not handle the
# same way as the pandas path, e.g. padded text or unusual column types), the run falls back to
# the pandas path, which produces the exact per-row error messages.

_Fallback = Unsupported


def _source_sql(path: Path) -> str:
    if not path.is_file():
        raise _Fallback
    suffix = path.suffix.lower()
    lit = DUCKDB.lit(str(path))
    if suffix == ".parquet":
        return f"read_parquet({lit})"
    if suffix in (".csv", ".txt"):
        return f"read_csv({lit}, header = true, all_varchar = true)"
    raise _Fallback


def _columns(con: Any, view: str) -> Columns:
    # stripped name -> (quoted raw name, type)
    out: Columns = {}
    for name, ctype, *_ in con.execute(f"DESCRIBE {view}").fetchall():
        key = str(name).strip()
        if key in out:
            raise _Fallback
        out[key] = (DUCKDB.ident(str(name)), str(ctype))
    return out


def _has_columns(sc: Columns, lc: Columns) -> bool:
    return all(c in sc for c in SHIPMENT_COLUMNS) and all(c in lc for c in LEG_COLUMNS)


def hub_rows() -> list[tuple[str, str, float]]:
    """(category, temperature, default intensity) of every GLEC hub default [kgCO2e/t]; an
    input's hub pair missing from them is a bad row (relation ``h`` of the SQL)."""
    return [(c, t, float(h.wtw_kgco2e_per_unit)) for (c, t), h in hub_defaults().items()]


#: Columns of the leg-kind table (relation ``f`` of the SQL, see :func:`leg_kinds`) [-].
KIND_COLUMNS = (
    "kind",
    "refr",
    "per_tkm",
    "ttw_tkm",
    "laden",
    "payload",
    "te0",
    "te1",
    "we0",
    "we1",
    "lf_ref",
    "er_ref",
    "daf",
    "factor_id",
    "fno",
)


def leg_kinds(year: int) -> pd.DataFrame:
    """Every leg kind with a default intensity in `year`: ``kind`` (the road vehicle class, or
    the mode off road) and ``refr`` (refrigerated).

    Columns :data:`KIND_COLUMNS`: ``per_tkm`` and ``ttw_tkm`` the WTW and TTW intensities at
    the kind's reference load [kgCO2e/(t·km)] (TTW NaN where the source does not split it);
    for road classes with a laden model (:mod:`parkzero.logistics.road`) ``laden`` is true
    and ``payload`` [t], ``te0``/``te1`` and ``we0``/``we1`` (TTW and WTW per vehicle-km
    empty and full [kgCO2e/km]) and the reference ``lf_ref``/``er_ref`` [-] let a leg's load
    factor and empty running change its intensity (:func:`laden_per_tkm`). Both engines take
    their intensities from this one table. A leg of a kind missing here (for example
    refrigerated rail) is a bad row.

    Parameters
    ----------
    year : int
        Year of the factor-library lookup (``lgv``, ``hgv`` and the other modes) [yr].
    """
    rows: list[tuple[Any, ...]] = []
    dafs = default_dafs()

    def add(mode: str, vclass: str, refr: bool) -> None:
        try:
            if mode == "road" and vclass not in ROAD_CLASSES:
                c = reefer_variant(vclass) if refr else road_class(vclass)
                rows.append(
                    (vclass, refr, c.wtw_per_tkm, c.ttw_per_tkm, c.laden_model,
                     c.payload_t, c.ttw_empty_per_km, c.ttw_full_per_km, c.wtw_empty_per_km,
                     c.wtw_full_per_km, c.load_factor_ref, c.empty_running_ref, dafs.get(mode),
                     c.factor_id)
                )  # fmt: skip
                return
            e = distance_based(
                mode, 1.0, 1.0, vehicle_class=vclass or None, refrigerated=refr, year=year
            )
        except InputError:
            return
        factor_id = e.factor_ids[0] if e.factor_ids else ""
        kind = vclass if mode == "road" else mode
        rows.append(
            (kind, refr, e.wtw_kgco2e, e.ttw_kgco2e, False, *[None] * 7, dafs.get(mode), factor_id)
        )

    for vclass in (*ROAD_CLASSES, *road_classes()):
        for refr in (False, True):
            add("road", vclass, refr)
    for mode in MODES:
        add(mode, "", False)
    frame = pd.DataFrame(rows, columns=list(KIND_COLUMNS[:-1]))
    frame["fno"] = np.arange(len(frame), dtype="int64")
    floats = [c for c in KIND_COLUMNS if c not in ("kind", "refr", "laden", "factor_id", "fno")]
    return frame.astype({c: float for c in floats} | {"refr": bool, "laden": bool})


def fuel_trips(trips: tuple[pd.DataFrame, str] | None, year: int) -> pd.DataFrame:
    """The fuel-based trips table of the SQL (relation ``tf``: ``trip``, ``wtw``, ``ttw``
    [kgCO2e]) from a trips file's rows and its name; empty without trips file.

    Raises
    ------
    InputError
        For a bad row of the trips file (:func:`parkzero.logistics.trips.trip_energy`).
    """
    if trips is None:
        return fuel_table(pd.DataFrame({"trip_id": [], "wtw_kgco2e": [], "ttw_kgco2e": []}))
    return fuel_table(trip_energy(trips[0], year=year, source=trips[1]))


def fuel_table(energy: pd.DataFrame) -> pd.DataFrame:
    """Relation ``tf`` of the SQL (``trip``, ``wtw``, ``ttw`` [kgCO2e]) from a table of
    :func:`parkzero.logistics.trips.trip_energy` (``trip_id``, ``wtw_kgco2e``, ``ttw_kgco2e``)."""
    return pd.DataFrame(
        {
            "trip": energy["trip_id"].astype(object).to_numpy(),
            "wtw": energy["wtw_kgco2e"].to_numpy(dtype=float),
            "ttw": energy["ttw_kgco2e"].to_numpy(dtype=float),
        }
    )


def vehicle_classes() -> tuple[str, ...]:
    """Every accepted road ``vehicle_class``: ``lgv``, ``hgv`` and the classes of
    :mod:`parkzero.logistics.road` [-]."""
    return (*ROAD_CLASSES, *road_classes())


def _summary(
    n: Any, tkm: Any, total: Any, engine: str, out: str, allocation: str = "tkm"
) -> dict[str, Any]:
    tkm, total = float(tkm), float(total)
    return {
        "shipments": int(n),
        "tkm": tkm,
        "total_kgco2e": total,
        "kgco2e_per_tkm": total / tkm if tkm > 0 and math.isfinite(tkm) else None,
        "engine": engine,
        "allocation": allocation,
        "out": out,
    }


def _one(con: Any, sql: str) -> tuple[Any, ...]:
    rows = con.execute(sql).fetchall()  # fetch to the end: DuckDB then frees the result
    return tuple(rows[0])


def _check_rows(con: Any, sql: str) -> None:
    if _one(con, sql)[0]:
        raise _Fallback


def _run_duckdb(
    shipments_path: Path,
    legs_path: Path,
    out_path: Path,
    year: int | None,
    allocation: str,
    trips: tuple[pd.DataFrame, str] | None = None,
) -> dict[str, Any]:
    import duckdb

    d = DUCKDB
    # No progress bar: it would print to the terminal of a CLI run.
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute(f"CREATE VIEW s_raw AS SELECT * FROM {_source_sql(shipments_path)}")
        con.execute(f"CREATE VIEW l_raw AS SELECT * FROM {_source_sql(legs_path)}")
        sc, lc = _columns(con, "s_raw"), _columns(con, "l_raw")
        if not _has_columns(sc, lc) or (allocation == "volume" and "volume_m3" not in sc):
            raise _Fallback
        con.execute(f"CREATE TEMP TABLE s AS {shipments_select(d, sc, 's_raw')}")
        # l stays a view: it is read once, by the join that computes the legs' emissions.
        con.execute(f"CREATE VIEW l AS {legs_select(d, lc, 'l_raw')}")
        # The checks ride on the passes below (see parkzero.logistics.sql): any failure sends
        # the input to the pandas checker, which names every bad row.
        if year is None:
            (year,) = _one(con, year_sql())
            if year is None:
                raise _Fallback
        con.register("f", leg_kinds(int(year)))
        con.register("h", pd.DataFrame(hub_rows(), columns=["cat", "temp", "kg"]))
        # Fuel-based trips: a bad trips row is reported by the pandas path.
        try:
            con.register("tf", fuel_trips(trips, int(year)))
        except InputError:
            raise _Fallback from None
        con.execute(f"CREATE TEMP TABLE lg AS {legs_emissions_sql(d, allocation)}")
        _check_rows(con, bad_legs_sql())
        con.execute(f"CREATE TEMP TABLE t AS {trips_sql(allocation=allocation)}")
        _check_rows(con, unknown_trips_sql())
        con.execute(f"CREATE TEMP TABLE fp AS {footprints_sql(d, allocation)}")
        n, tkm, total, bad = _one(
            con, "SELECT count(*), sum(tkm), sum(wtw_kgco2e), bool_or(bad) FROM fp"
        )
        if n == 0 or bad:
            raise _Fallback
        target = Path(out_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            lit = d.lit(tmp)
            columns = ", ".join(OUTPUT_COLUMNS)
            con.execute(
                f"COPY (SELECT {columns} FROM fp ORDER BY shipment_id) TO {lit} (FORMAT parquet)"
            )
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except duckdb.Error:
        raise _Fallback from None
    finally:
        con.close()
    return _summary(n, tkm, total, "duckdb", str(target), allocation)
