"""Fuel-based trips: a trip's emissions from the energy it used (primary data, ISO 14083).

The optional ``trips`` file of the batch pipeline holds, per vehicle trip, what the vehicle
used — litres of diesel, kWh of electricity, kilograms of LNG — and for refrigerated trips the
reefer unit's fuel and the refrigerant it leaked. A trip listed there takes these emissions in
place of the distance-based estimate of its legs; the allocation to the shipments on it
(t·km, mass or volume) is unchanged. ISO 14083 and the GLEC Framework prefer this primary data
to default intensities.

``trips`` file, one row per energy carrier (or refrigerant) of a trip; rows of one trip add up:

==================  ========  ==================================================================
column              required  unit / values
==================  ========  ==================================================================
``trip_id``         yes       a ``trip_id`` of the legs file
``carrier``         no        GLEC energy carrier (``diesel``, ``lng``, ``electricity``, …;
                              ``parkzero.logistics.energy_carriers``); empty on a refrigerant
                              row
``quantity``        no        amount used, ≥ 0 [``unit``]
``unit``            no        ``L``, ``kg``, ``t``, ``kWh``, ``MJ``, …
``region``          no        GLEC region of the fuel factors, ``Europe`` (default) or ``North
                              America``; for ``electricity`` a Chinese region (``CN`` default,
                              ``CN-HB``, ``湖北`` …) takes the grid factor of the factor library
                              (MEE, location-based; tank-to-wheel 0)
``reefer_uplift``   no        extra fuel of a reefer unit not metered on its own, as a share of
                              ``quantity`` [-]
``refrigerant``     no        refrigerant leaked on the trip, e.g. ``R-404A``
``refrigerant_kg``  no        mass leaked [kg]
==================  ========  ==================================================================

Every factor is linear in the quantity, so :func:`trip_energy` looks each (carrier, unit,
region) and refrigerant up once (:func:`parkzero.logistics.chain.fuel_based`,
:func:`~parkzero.logistics.chain.refrigerant_leakage`) and multiplies in bulk.

>>> t = pd.DataFrame({"trip_id": ["T1"], "carrier": ["diesel"], "quantity": ["100"],
...                   "unit": ["L"]})
>>> trip_energy(t, year=2024).round(2).to_dict("records")
[{'trip_id': 'T1', 'wtw_kgco2e': 342.79, 'ttw_kgco2e': 263.11}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parkzero.carbon.factors import FactorLibrary
from parkzero.errors import InputError
from parkzero.logistics.chain import fuel_based, refrigerant_leakage

__all__ = ["TRIP_COLUMNS", "trip_energy"]

#: Columns of the trips file; only ``trip_id`` is required [-].
TRIP_COLUMNS = (
    "trip_id",
    "carrier",
    "quantity",
    "unit",
    "region",
    "reefer_uplift",
    "refrigerant",
    "refrigerant_kg",
)
_MAX_REPORTED = 20
_GRID = "electricity.grid"


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    s = frame[column].astype("string").str.strip()
    return s.mask(s == "").astype(object).where(s.notna() & (s != ""), None)


def _number(frame: pd.DataFrame, column: str, source: str, problems: list[str]) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    text = _text(frame, column)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    given = text.notna().to_numpy()
    for r in np.flatnonzero(given & ~(np.isfinite(values) & (values >= 0)))[:_MAX_REPORTED]:
        problems.append(
            f'{source} row {r + 2}, column "{column}": {text.iloc[r]!r} is not a number ≥ 0'
        )
    return np.where(given, values, np.nan)


def _per_unit(carrier: str, unit: str, region: str | None, year: int) -> tuple[float, float, str]:
    # (WTW, TTW) [kgCO2e per unit of quantity] and the factor id of one carrier/unit/region.
    if carrier == "electricity" and (region is None or region not in ("Europe", "North America")):
        lib = FactorLibrary.default()
        match = lib.lookup(_GRID, region=region or "CN", year=year)
        kg = match.factor.co2e_per_unit("AR5", lib) * match.factor.multiplier_from(unit)
        # GLEC: electricity has no tank-to-wheel emissions; generation is well-to-tank.
        return kg, 0.0, match.factor.id
    e = fuel_based(1.0, unit, carrier, region=region or "Europe")
    assert e.ttw_kgco2e is not None
    return e.wtw_kgco2e, e.ttw_kgco2e, e.factor_ids[0]


def trip_energy(trips: pd.DataFrame, *, year: int, source: str = "trips") -> pd.DataFrame:
    """Emissions of each trip of a trips table from its energy use and refrigerant leaks.

    Parameters
    ----------
    trips : DataFrame
        Rows of the trips file (columns :data:`TRIP_COLUMNS`, text or numbers) [-].
    year : int
        Year of the grid-electricity and refrigerant factors [yr].
    source : str
        File name for the error messages [-].

    Returns
    -------
    DataFrame
        One row per trip: ``trip_id``, ``wtw_kgco2e`` and ``ttw_kgco2e`` [kgCO2e].

    Raises
    ------
    InputError
        Listing every bad row (up to 20) with its row and column: a missing trip id, a
        quantity without carrier or unit (or the reverse), an unknown carrier, unit, region
        or refrigerant, a negative or non-numeric amount.
    """
    if "trip_id" not in trips:
        raise InputError("missing column trip_id", source=source, column="trip_id")
    problems: list[str] = []
    trip = _text(trips, "trip_id")
    carrier, unit, region = (_text(trips, c) for c in ("carrier", "unit", "region"))
    refrigerant = _text(trips, "refrigerant")
    quantity = _number(trips, "quantity", source, problems)
    uplift = _number(trips, "reefer_uplift", source, problems)
    leaked = _number(trips, "refrigerant_kg", source, problems)
    for r in np.flatnonzero(trip.isna().to_numpy())[:_MAX_REPORTED]:
        problems.append(f'{source} row {r + 2}, column "trip_id": missing')
    fuel = carrier.notna().to_numpy() | np.isfinite(quantity) | unit.notna().to_numpy()
    for column, values in (("carrier", carrier), ("unit", unit)):
        for r in np.flatnonzero(fuel & values.isna().to_numpy())[:_MAX_REPORTED]:
            problems.append(f'{source} row {r + 2}, column "{column}": missing (a fuel row needs '
                            "carrier, quantity and unit)")  # fmt: skip
    for r in np.flatnonzero(fuel & ~np.isfinite(quantity) & carrier.notna().to_numpy())[:20]:
        problems.append(f'{source} row {r + 2}, column "quantity": missing')
    gas = refrigerant.notna().to_numpy() | np.isfinite(leaked)
    for r in np.flatnonzero(gas & (refrigerant.isna().to_numpy() | ~np.isfinite(leaked)))[:20]:
        problems.append(
            f'{source} row {r + 2}, column "refrigerant": a leak needs refrigerant and '
            "refrigerant_kg"
        )
    for r in np.flatnonzero(~fuel & ~gas)[:_MAX_REPORTED]:
        problems.append(f"{source} row {r + 2}: neither fuel nor refrigerant")
    wtw, ttw = np.zeros(len(trips)), np.zeros(len(trips))
    ok_fuel = fuel & carrier.notna().to_numpy() & unit.notna().to_numpy() & np.isfinite(quantity)
    codes, uniques = pd.factorize(
        carrier.fillna("") + "|" + unit.fillna("") + "|" + region.fillna("")
    )
    for code in np.unique(codes[ok_fuel]):
        rows = ok_fuel & (codes == code)
        c, u, g = str(uniques[code]).split("|")
        try:
            w, t, _ = _per_unit(c, u, g or None, year)
        except InputError as exc:
            problems += [
                f'{source} row {r + 2}, column "{exc.column or "carrier"}": {exc.message}'
                for r in np.flatnonzero(rows)[:_MAX_REPORTED]
            ]
            continue
        amount = quantity[rows] * (1.0 + np.nan_to_num(uplift[rows]))
        wtw[rows], ttw[rows] = amount * w, amount * t
    ok_gas = gas & refrigerant.notna().to_numpy() & np.isfinite(leaked)
    for name in pd.unique(refrigerant[ok_gas].to_numpy()):
        rows = ok_gas & (refrigerant == name).to_numpy()
        try:
            kg = refrigerant_leakage(1.0, str(name), year=year).wtw_kgco2e
        except InputError as exc:
            problems += [
                f'{source} row {r + 2}, column "refrigerant": {exc.message}'
                for r in np.flatnonzero(rows)[:_MAX_REPORTED]
            ]
            continue
        wtw[rows] += leaked[rows] * kg
        ttw[rows] += leaked[rows] * kg  # a leak is a direct emission: TTW = WTW
    if problems:
        raise InputError(
            f"{len(problems)} problem(s): " + "; ".join(problems[:_MAX_REPORTED]), source=source
        )
    by_trip = pd.DataFrame({"trip_id": trip, "wtw_kgco2e": wtw, "ttw_kgco2e": ttw})
    return by_trip.groupby("trip_id", sort=True, as_index=False).sum()
