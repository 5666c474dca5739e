"""Export a shipment footprint in the iLEAP shape (PACT extension for logistics emissions).

The iLEAP technical specification (SINE Foundation / Smart Freight Centre) extends the PACT
data model with a ``ShipmentFootprint``: the shipment's mass and its list of transport chain
elements (``TCE``), each referring to a transport operation category (``TOC``) or a hub
operation category (``HOC``). :func:`shipment_footprint_json` builds that object from the
result of the batch pipeline (:func:`parkzero.logistics.pipeline.compute_footprints`). Field
names follow iLEAP; decimals are JSON strings as in PACT, masses in kg, emissions in kgCO2e,
distances in km, transport activity in t·km. What is approximated is listed in
``docs/logistics.md`` (section "iLEAP / PACT export").
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from parkzero.errors import InputError
from parkzero.logistics.pipeline import PipelineResult

__all__ = ["ILEAP_HUB_TYPES", "ILEAP_MODES", "decimal", "shipment_footprint_json"]

#: parkzero mode → iLEAP ``TransportMode`` [-].
ILEAP_MODES = {
    "road": "Road",
    "rail": "Rail",
    "air": "Air",
    "sea": "Sea",
    "inland_waterway": "InlandWaterway",
}
#: GLEC hub category → iLEAP ``HubType`` (the enum of the iLEAP HOC schema is lowerCamelCase) [-].
ILEAP_HUB_TYPES = {
    "transshipment": "transshipment",
    "storage_transshipment": "storageAndTransshipment",
    "warehouse": "warehouse",
    "liquid_bulk_terminal": "liquidBulkTerminal",
    "container_terminal": "maritimeContainerterminal",
}
_TEMPERATURE = {"ambient": "ambient", "mixed": "mixed", "temperature-controlled": "refrigerated"}


def decimal(value: float, digits: int = 6) -> str:
    """A PACT decimal: a JSON string without exponent, trailing zeros stripped.

    >>> decimal(1200.0), decimal(0.0421234567), decimal(-0.0)
    ('1200', '0.042123', '0')
    """
    if not math.isfinite(value):
        raise InputError(f"cannot export a non-finite number ({value})")
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class _Row:
    """Attribute access to one record of a DataFrame (values typed as Any)."""

    def __init__(self, record: dict[Any, Any]) -> None:
        self._record = record

    def __getattr__(self, name: str) -> Any:
        return self._record[name]


def _known(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def _toc_id(mode: str, vclass: Any, refrigerated: bool, lf: Any = None, er: Any = None) -> str:
    parts = [mode]
    if mode == "road" and isinstance(vclass, str) and vclass:
        parts.append(vclass)
    if refrigerated and not (isinstance(vclass, str) and vclass.endswith("-reefer")):
        parts.append("reefer")
    # A load factor or empty running of its own makes another intensity: another TOC.
    if _known(lf):
        parts.append(f"lf{float(lf):g}")
    if _known(er):
        parts.append(f"er{float(er):g}")
    return "toc-" + "-".join(parts)


def _toc(
    toc_id: str,
    leg: _Row,
    refrigerated: bool,
    wtw_per_tkm: Any,
    ttw_per_tkm: Any,
    description: str,
    load_factor: Any = None,
    empty_running: Any = None,
) -> dict[str, Any]:
    # One iLEAP TOC [kgCO2e/(t·km)]; intensities, load factor and empty running where known.
    toc: dict[str, Any] = {
        "tocId": toc_id,
        "mode": ILEAP_MODES[str(leg.mode)],
        "temperatureControl": "refrigerated" if refrigerated else "ambient",
    }
    if _known(wtw_per_tkm):
        toc["co2eIntensityWTW"] = decimal(float(wtw_per_tkm))
    if _known(ttw_per_tkm):
        toc["co2eIntensityTTW"] = decimal(float(ttw_per_tkm))
    toc |= {
        "co2eIntensityThroughput": "tkm",
        "isVerified": False,
        "isAccredited": False,
        "description": description,
    }
    if _known(load_factor):
        toc["loadFactor"] = decimal(float(load_factor))
    if _known(empty_running):
        toc["emptyDistanceFactor"] = decimal(float(empty_running))
    return toc


def shipment_footprint_json(result: PipelineResult, shipment_id: str) -> dict[str, Any]:
    """The iLEAP-shaped footprint of one shipment.

    Parameters
    ----------
    result : PipelineResult
        Output of :func:`parkzero.logistics.pipeline.compute_footprints`.
    shipment_id : str
        The shipment [-].

    Returns
    -------
    dict
        ``{"shipmentFootprint": {"shipmentId", "mass", "tces": [...]}, "tocs": [...],
        "hocs": [...], "totals": {...}}``. Each TCE has ``tceId``, ``prevTceIds``,
        ``tocId`` or ``hocId``, ``shipmentId``, ``mass`` [kg], ``distance`` (``{"actual":
        km}``, legs only), ``transportActivity`` [t·km], ``co2eWTW`` [kgCO2e] and, where
        known, ``co2eTTW`` [kgCO2e].

    Raises
    ------
    InputError
        When `shipment_id` is not in the result.
    """
    fp = result.footprints
    match = fp[fp["shipment_id"].astype(str) == str(shipment_id)]
    if match.empty:
        raise InputError(f"shipment {shipment_id} is not in the footprints", column="shipment_id")
    row: dict[Any, Any] = match.iloc[0].to_dict()
    legs = result.legs[result.legs["shipment_id"].astype(str) == str(shipment_id)]
    hubs = result.hubs[result.hubs["shipment_id"].astype(str) == str(shipment_id)]
    tces: list[dict[str, Any]] = []
    tocs: dict[str, dict[str, Any]] = {}
    hocs: dict[str, dict[str, Any]] = {}
    prev: list[str] = []
    for leg_row in legs.to_dict("records"):
        leg = _Row(leg_row)
        vclass = leg.vehicle_class
        refr = bool(leg.refrigerated) or (isinstance(vclass, str) and vclass.endswith("-reefer"))
        lf, er = leg.load_factor, leg.empty_running
        if bool(leg.fuel_based):
            # Primary data: the trip's own intensity (all its legs), not a default.
            toc = f"toc-trip-{leg.trip_id}"
            if toc not in tocs:
                trip = result.legs[result.legs["trip_id"] == leg.trip_id]
                tkm = float(trip["tkm"].sum())
                wtw_i = float(trip["wtw_kgco2e"].sum()) / tkm if tkm > 0 else None
                ttw_i = float(trip["ttw_kgco2e"].sum()) / tkm if tkm > 0 else None
                tocs[toc] = _toc(
                    toc, leg, refr, wtw_i, ttw_i, f"primary data: fuel-based trip {leg.trip_id}"
                )
        else:
            toc = _toc_id(str(leg.mode), vclass, refr, lf, er)
            if toc not in tocs:
                tocs[toc] = _toc(
                    toc,
                    leg,
                    refr,
                    float(leg.kgco2e_per_tkm),
                    leg.ttw_kgco2e_per_tkm,
                    f"default intensity {leg.factor_id}",
                    lf,
                    er,
                )
        tce_id = f"{shipment_id}-tce-{int(leg.leg_no)}"
        tces.append(
            {
                "tceId": tce_id,
                "prevTceIds": list(prev),
                "tocId": toc,
                "shipmentId": str(shipment_id),
                "mass": decimal(float(leg.mass_t) * 1000.0),
                "distance": {"actual": decimal(float(leg.distance_km))},
                "transportActivity": decimal(float(leg.tkm)),
                # the leg's allocated share of its trip (t·km, mass or volume allocation)
                "co2eWTW": decimal(float(leg.wtw_kgco2e)),
            }
        )
        if _known(leg.ttw_kgco2e):
            tces[-1]["co2eTTW"] = decimal(float(leg.ttw_kgco2e))
        prev = [tce_id]
    for i, hub_row in enumerate(hubs.to_dict("records"), start=1):
        hub = _Row(hub_row)
        measured = str(hub.source) == "measured"
        hoc = f"hoc-{hub.hub_category}-{hub.hub_temperature}" + ("-measured" if measured else "")
        hocs.setdefault(
            hoc,
            {
                "hocId": hoc,
                "hubType": ILEAP_HUB_TYPES.get(str(hub.hub_category), str(hub.hub_category)),
                "temperatureControl": _TEMPERATURE.get(str(hub.hub_temperature), "mixed"),
                "co2eIntensityWTW": decimal(float(hub.wtw_kgco2e_per_t)),
                "co2eIntensityThroughput": "tonnes",
                "isVerified": False,
                "isAccredited": False,
                "description": "park's measured intensity" if measured else str(hub.source),
            },
        )
        tce_id = f"{shipment_id}-hub-{i}"
        tces.append(
            {
                "tceId": tce_id,
                "prevTceIds": list(prev),
                "hocId": hoc,
                "shipmentId": str(shipment_id),
                "mass": decimal(float(hub.mass_t) * 1000.0),
                "co2eWTW": decimal(float(hub.mass_t) * float(hub.wtw_kgco2e_per_t)),
            }
        )
        prev = [tce_id]
    ttw = row["transport_ttw_kgco2e"]
    return {
        "shipmentFootprint": {
            "shipmentId": str(shipment_id),
            "mass": decimal(float(row["mass_t"]) * 1000.0),
            "tces": tces,
        },
        "tocs": list(tocs.values()),
        "hocs": list(hocs.values()),
        "totals": {
            "co2eWTW": decimal(float(row["wtw_kgco2e"])),
            "co2eTTW": None if pd.isna(ttw) else decimal(float(ttw)),
            "transportActivity": decimal(float(row["tkm"])),
        },
    }
