"""Road vehicle classes for distance-based freight emissions (ISO 14083:2023, GLEC v3).

Each class of ``parkzero/data/road_vehicle_classes.csv`` (built by
``tools/build_road_classes.py`` from the shared research files) has a gross vehicle weight
band, an energy (diesel, petrol, natural gas, LPG, battery electric), a temperature regime and
an intensity per tonne-km at its reference load [kgCO2e/(t·km)]:

* **China** (``cn-*``, the defaults for a Chinese park): CPCD (中国产品全生命周期温室气体排放
  系数库) 2024 road-freight products, 微型/轻型/中型/重型 × 柴油/汽油/天然气/纯电动, ambient and
  冷链, plus three medium and three heavy diesel gross-weight bands. The size names are read as
  the GA 802-2019 gross-weight bands (micro ≤ 1.8 t, light < 4.5 t, medium 4.5–12 t, heavy
  ≥ 12 t; ``road_class_labels.csv``). Each is one published life-cycle value (boundary
  摇篮到坟墓; battery electric 摇篮到大门), kept as WTW; TTW is unknown (None), and load factor
  and empty running cannot be given (the average load is inside the published value).
* **UK** (``uk-*``): UK BEIS/DEFRA 2021 conversion factors (OGL v3) for the UK fleet — rigid
  HGVs > 3.5–7.5 t, > 7.5–17 t, > 17 t, articulated > 3.5–33 t, > 33 t, the all-rigid,
  all-artic and all-HGV averages (diesel, ambient and refrigerated) and vans class I–III and
  average (diesel, petrol, CNG, LPG, battery electric). TTW is DEFRA's "Freighting goods"
  figure, WTW adds "WTT- delivery vehs & freight". **Battery electric: TTW = 0** (GLEC: no
  tank-to-wheel emissions for electricity); WTW = grid generation + transmission and
  distribution + their well-to-tank part (DEFRA's "Freighting goods" for an electric van is
  generation + T&D, checked by the build tool against the per-km rows).

**Laden model (UK HGV classes).** DEFRA publishes per vehicle-km factors at 0 % and 100 %
laden and per t·km at 100 % laden, so the payload capacity is
``payload = e100 [kgCO2e/km] / i100 [kgCO2e/(t·km)]`` and the emissions per vehicle-km at load
factor LF are taken linear in the load, ``e(LF) = e0 + (e100 − e0) · LF``. For a load factor
LF (0 < LF ≤ 1, share of the payload capacity used, by mass, on laden km) and empty running
ER (0 ≤ ER < 1, share of the vehicle's km driven empty), every laden km carries
``payload · LF`` tonnes and brings ``ER / (1 − ER)`` empty km with it, so

    intensity = (e(LF) + e0 · ER / (1 − ER)) / (payload · LF)   [kgCO2e/(t·km)]

for TTW and WTW separately (:func:`laden_intensity`). The model reproduces DEFRA's own 50 %
laden rows to 0.01 % for the single size classes and 0.4 % for the fleet averages (All rigids,
All artics, All HGVs). Without LF and ER a class gives DEFRA's average-laden figures; their
reference load factor ``load_factor_ref`` is the one these rows imply
(``e_avg / (payload · i_avg)``: 0.46, 0.34, 0.578, 0.48 and 0.63 for the five size classes),
the fleet's mass per km over all its km, so the reference empty running is 0. When only one of
LF and ER is given, the other takes the reference value.

>>> road_intensity("cn-heavy-diesel")
(0.0978, None, 'road/cn-heavy-diesel/CPCD-65119X0282024C')
>>> wtw, ttw, fid = road_intensity("uk-artic-33t+-diesel", load_factor=0.8, empty_running=0.25)
>>> round(ttw, 5), round(wtw, 5), fid
(0.08302, 0.10304, 'road/uk-artic-33t+-diesel/DEFRA-2021-v3')
>>> road_intensity("uk-van-iii-bev")[1]
0.0
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parkzero.config import packaged_data
from parkzero.errors import InputError
from parkzero.logistics.models import RoadClass

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RoadClass",
    "laden_intensity",
    "laden_per_tkm",
    "reefer_variant",
    "road_class",
    "road_class_table",
    "road_classes",
    "road_intensity",
]

DATA_FILE = "road_vehicle_classes.csv"


def _opt(text: str) -> float | None:
    return float(text) if text.strip() else None


def _bool(text: str, row: int, column: str) -> bool:
    if text not in ("true", "false"):
        raise InputError(
            f"expected true or false, got {text!r}", source=DATA_FILE, row=row, column=column
        )
    return text == "true"


@functools.cache
def _load(path: str) -> dict[str, RoadClass]:
    out: dict[str, RoadClass] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=2):
            c = RoadClass(
                id=r["id"],
                region=r["region"],
                gvw_min_t=_opt(r["gvw_min_t"]),
                gvw_max_t=_opt(r["gvw_max_t"]),
                energy=r["energy"],
                refrigerated=_bool(r["refrigerated"], i, "refrigerated"),
                wtw_per_tkm=float(r["wtw_per_tkm"]),
                ttw_per_tkm=_opt(r["ttw_per_tkm"]),
                laden_model=_bool(r["laden_model"], i, "laden_model"),
                payload_t=_opt(r["payload_t"]),
                ttw_empty_per_km=_opt(r["ttw_empty_per_km"]),
                ttw_full_per_km=_opt(r["ttw_full_per_km"]),
                wtw_empty_per_km=_opt(r["wtw_empty_per_km"]),
                wtw_full_per_km=_opt(r["wtw_full_per_km"]),
                factor_id=r["factor_id"],
                source=r["source"],
                licence=r["licence"],
                size=r["size"],
                load_factor_ref=_opt(r["load_factor_ref"]),
                empty_running_ref=_opt(r["empty_running_ref"]),
                year=int(r["year"]) if r["year"].strip() else None,
                boundary=r["boundary"],
                label=r["label"],
                status=r["status"],
            )
            if c.id in out:
                raise InputError(f"duplicate class id {c.id}", source=DATA_FILE, row=i, column="id")
            out[c.id] = c
    return out


def _classes() -> dict[str, RoadClass]:
    return _load(str(packaged_data(DATA_FILE)))


def road_classes() -> dict[str, RoadClass]:
    """Every road vehicle class, keyed by id, from the packaged CSV (read once) [-].

    Returns
    -------
    dict of str to RoadClass
        A fresh dict each call; the classes themselves are frozen [-].
    """
    return dict(_classes())


def road_class(vehicle_class: str) -> RoadClass:
    """The road vehicle class with id `vehicle_class`.

    Parameters
    ----------
    vehicle_class : str
        Class id, e.g. ``"cn-heavy-diesel"``; case and surrounding spaces are ignored [-].

    Returns
    -------
    RoadClass

    Raises
    ------
    InputError
        For an unknown id (field ``vehicle_class``), naming the closest ids.

    >>> road_class("CN-Light-BEV").gvw_max_t
    4.5
    """
    classes = _classes()
    key = vehicle_class.strip().lower() if isinstance(vehicle_class, str) else ""
    if key in classes:
        return classes[key]
    close = difflib.get_close_matches(key, list(classes), n=5, cutoff=0.6)
    hint = f"closest: {', '.join(close)}" if close else f"{len(classes)} classes exist"
    raise InputError(
        f"unknown road vehicle class {vehicle_class!r} ({hint}); list them with "
        "parkzero.logistics.road.road_class_table()",
        column="vehicle_class",
    )


def reefer_variant(vehicle_class: str) -> RoadClass:
    """The refrigerated class matching `vehicle_class` (same region, size, weight band, energy).

    Parameters
    ----------
    vehicle_class : str
        Class id; a refrigerated class is returned as it is [-].

    Returns
    -------
    RoadClass

    Raises
    ------
    InputError
        When no refrigerated class matches (field ``refrigerated``), naming the refrigerated
        classes of the region.

    >>> reefer_variant("uk-rigid-17t+-diesel").id
    'uk-rigid-17t+-diesel-reefer'
    """
    c = road_class(vehicle_class)
    if c.refrigerated:
        return c
    key = (c.region, c.size, c.gvw_min_t, c.gvw_max_t, c.energy)
    for other in _classes().values():
        if other.refrigerated and (
            (other.region, other.size, other.gvw_min_t, other.gvw_max_t, other.energy) == key
        ):
            return other
    reefers = sorted(o.id for o in _classes().values() if o.refrigerated and o.region == c.region)
    raise InputError(
        f"no refrigerated variant of road class {c.id}; refrigerated classes of region "
        f"{c.region}: {', '.join(reefers)}",
        column="refrigerated",
    )


def _check_share(value: float | None, name: str, *, zero_ok: bool, one_ok: bool) -> None:
    if value is None:
        return
    lo, hi = ("[0" if zero_ok else "(0"), ("1]" if one_ok else "1)")
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (value >= 0 if zero_ok else value > 0)
        and (value <= 1 if one_ok else value < 1)
    )
    if not ok:
        meaning = (
            "share of the payload capacity used, by mass"
            if name == "load_factor"
            else "share of the vehicle's km driven empty"
        )
        raise InputError(f"{name} must be in {lo}, {hi} ({meaning}), got {value!r}", column=name)


def laden_intensity(
    empty_per_km: float,
    full_per_km: float,
    payload_t: float,
    load_factor: float,
    empty_running: float = 0.0,
) -> float:
    """Emission intensity of a vehicle with a linear laden model.

    Parameters
    ----------
    empty_per_km : float
        Emissions per vehicle-km driven empty (0 % laden) [kgCO2e/km].
    full_per_km : float
        Emissions per vehicle-km at full payload (100 % laden) [kgCO2e/km].
    payload_t : float
        Payload capacity [t].
    load_factor : float
        Share of the payload capacity used on laden km, by mass, 0 < LF ≤ 1 [-].
    empty_running : float
        Share of the vehicle's km driven empty, 0 ≤ ER < 1 [-].

    Returns
    -------
    float
        ``(e0 + (e100 − e0)·LF + e0·ER/(1 − ER)) / (payload·LF)`` [kgCO2e/(t·km)].

    Raises
    ------
    InputError
        For a load factor or empty running out of range (field named).

    >>> round(laden_intensity(0.5, 1.0, 10.0, 0.5), 6)  # 0.75 kg/km over 5 t
    0.15
    >>> round(laden_intensity(0.5, 1.0, 10.0, 0.5, 0.5), 6)  # plus one empty km per laden km
    0.25
    """
    _check_share(load_factor, "load_factor", zero_ok=False, one_ok=True)
    _check_share(empty_running, "empty_running", zero_ok=True, one_ok=False)
    return float(laden_per_tkm(empty_per_km, full_per_km, payload_t, load_factor, empty_running))


def laden_per_tkm(e0: Any, e1: Any, payload: Any, load_factor: Any, empty_running: Any) -> Any:
    """:func:`laden_intensity` without its range checks, elementwise on numbers or arrays; the
    SQL of the shipments pipeline writes the same formula in the same order of operations
    [kgCO2e/(t·km)].

    >>> round(laden_per_tkm(0.5, 1.0, 10.0, 0.5, 0.5), 6)
    0.25
    """
    return (e0 + (e1 - e0) * load_factor + e0 * empty_running / (1 - empty_running)) / (
        payload * load_factor
    )


def road_intensity(
    vehicle_class: str,
    *,
    load_factor: float | None = None,
    empty_running: float | None = None,
) -> tuple[float, float | None, str]:
    """Well-to-wheel and tank-to-wheel intensity of a road vehicle class.

    Parameters
    ----------
    vehicle_class : str
        Class id, see :func:`road_class_table` [-].
    load_factor : float, optional
        Share of the payload capacity used on laden km, by mass, 0 < LF ≤ 1; default the
        class's ``load_factor_ref`` (laden-model classes only) [-].
    empty_running : float, optional
        Share of the vehicle's km driven empty, 0 ≤ ER < 1; default the class's
        ``empty_running_ref``, 0 (laden-model classes only) [-].

    Returns
    -------
    wtw : float
        Well-to-wheel intensity [kgCO2e/(t·km)].
    ttw : float or None
        Tank-to-wheel intensity, None where the source does not split it [kgCO2e/(t·km)].
    factor_id : str
        Audit id of the class row [-].

    Raises
    ------
    InputError
        For an unknown class (``vehicle_class``), a load factor or empty running out of range,
        or given for a class without a laden model (``load_factor`` / ``empty_running``).

    >>> wtw, ttw, _ = road_intensity("uk-rigid-17t+-diesel", load_factor=1.0)
    >>> round(ttw, 5)  # DEFRA 2021: 100 % laden 0.12009 kgCO2e/(t·km)
    0.12009
    """
    c = road_class(vehicle_class)
    _check_share(load_factor, "load_factor", zero_ok=False, one_ok=True)
    _check_share(empty_running, "empty_running", zero_ok=True, one_ok=False)
    if load_factor is None and empty_running is None:
        return c.wtw_per_tkm, c.ttw_per_tkm, c.factor_id
    if not c.laden_model:
        field = "load_factor" if load_factor is not None else "empty_running"
        with_model = sorted(k for k, v in _classes().items() if v.laden_model)
        raise InputError(
            f"road class {c.id} has one published intensity at its average load, so {field} "
            f"cannot be given; classes with a laden model: {', '.join(with_model)}",
            column=field,
        )
    lf = c.load_factor_ref if load_factor is None else load_factor
    er = c.empty_running_ref if empty_running is None else empty_running
    if (
        lf is None
        or er is None
        or c.payload_t is None
        or c.ttw_empty_per_km is None
        or c.ttw_full_per_km is None
        or c.wtw_empty_per_km is None
        or c.wtw_full_per_km is None
    ):
        raise InputError(
            f"road class {c.id} is marked laden_model but lacks its per-km figures",
            source=DATA_FILE,
            column="laden_model",
        )
    ttw = laden_intensity(c.ttw_empty_per_km, c.ttw_full_per_km, c.payload_t, lf, er)
    wtw = laden_intensity(c.wtw_empty_per_km, c.wtw_full_per_km, c.payload_t, lf, er)
    return wtw, ttw, c.factor_id


def road_class_table() -> pd.DataFrame:
    """Every road vehicle class as a table, one row per class, for listings and docs.

    Returns
    -------
    pandas.DataFrame
        The :class:`RoadClass` fields as columns, ``id`` first, sorted by region and id.
        Units: ``gvw_*_t`` and ``payload_t`` [t]; ``*_per_tkm`` [kgCO2e/(t·km)];
        ``*_per_km`` [kgCO2e/km]; ``load_factor_ref``, ``empty_running_ref`` [-].

    >>> t = road_class_table()
    >>> t.loc[t.id == "cn-heavy-diesel", "wtw_per_tkm"].item()
    0.0978
    """
    import pandas as pd

    rows = [dataclasses.asdict(c) for c in _classes().values()]
    return pd.DataFrame(rows).sort_values(["region", "id"], ignore_index=True)
