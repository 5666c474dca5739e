"""Value types of the logistics package: emissions of a transport chain element, energy
carriers, road vehicle classes and hub intensities.

All emissions are in kilograms of CO2-equivalent [kgCO2e].
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "MODES",
    "ROAD_CLASSES",
    "ChainEmissions",
    "EnergyCarrier",
    "HubIntensity",
    "RoadClass",
]

#: Transport modes of ISO 14083 covered here, each mapped to its activity kind in the factor
#: catalogue (``parkzero/data/activity_types.csv``) for distance-based calculation [-].
MODES: dict[str, str] = {
    "rail": "freight.rail",
    "air": "freight.air",
    "sea": "freight.sea",
    "inland_waterway": "freight.waterway",
}

#: Road vehicle classes by gross vehicle weight and their activity kinds: ``lgv`` light goods
#: vehicle (gross weight up to 3.5 t), ``hgv`` medium/heavy goods vehicle [-]. These two use the
#: factor library; the finer classes (by gross weight, energy and temperature, with a laden
#: model for the UK HGVs) are :class:`RoadClass` rows of :mod:`parkzero.logistics.road`.
ROAD_CLASSES: dict[str, str] = {
    "lgv": "freight.road.lgv",
    "hgv": "freight.road.hgv",
}


@dataclass(frozen=True)
class ChainEmissions:
    """Emissions of one transport chain element (a trip, a leg) or one hub operation.

    Parameters
    ----------
    wtw_kgco2e : float
        Well-to-wheel emissions [kgCO2e].
    ttw_kgco2e : float or None
        Tank-to-wheel emissions [kgCO2e]; None when the factor used does not split the
        boundary (distance-based factors published as one CO2e value).
    tkm : float
        Transport activity: mass × distance, 0 when not applicable [t·km].
    distance_km : float
        Distance used after any distance adjustment factor [km].
    factor_ids : tuple of str
        Ids of every factor or data row used, for the audit trail [-].
    notes : tuple of str
        Fallbacks and assumptions applied [-].
    """

    wtw_kgco2e: float
    ttw_kgco2e: float | None
    tkm: float = 0.0
    distance_km: float = 0.0
    factor_ids: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def wtt_kgco2e(self) -> float | None:
        """Well-to-tank part, WTW − TTW [kgCO2e]; None when TTW is unknown."""
        return None if self.ttw_kgco2e is None else self.wtw_kgco2e - self.ttw_kgco2e

    @property
    def kgco2e_per_tkm(self) -> float | None:
        """WTW emission intensity [kgCO2e/(t·km)]; None when no t·km."""
        return self.wtw_kgco2e / self.tkm if self.tkm else None

    def __add__(self, other: ChainEmissions) -> ChainEmissions:
        """Sum of two elements; TTW is None if either is unknown [kgCO2e]."""
        ttw = (
            None
            if self.ttw_kgco2e is None or other.ttw_kgco2e is None
            else self.ttw_kgco2e + other.ttw_kgco2e
        )
        return ChainEmissions(
            wtw_kgco2e=self.wtw_kgco2e + other.wtw_kgco2e,
            ttw_kgco2e=ttw,
            tkm=self.tkm + other.tkm,
            distance_km=max(self.distance_km, other.distance_km),
            factor_ids=self.factor_ids + other.factor_ids,
            notes=self.notes + other.notes,
        )


@dataclass(frozen=True)
class EnergyCarrier:
    """One GLEC energy carrier row.

    Parameters
    ----------
    carrier : str
        Short id, e.g. ``"diesel"``, ``"electricity"`` [-].
    region : str
        GLEC region of the row, ``"Europe"`` or ``"North America"`` [-].
    name : str
        Name as published [-].
    lhv_mj_per_kg : float or None
        Lower heating value [MJ/kg].
    density_kg_per_l : float or None
        Density [kg/L].
    ttw_g_per_mj, wtw_g_per_mj : float
        Tank-to-wheel and well-to-wheel factors per energy [gCO2e/MJ].
    ttw_kg_per_kg, wtw_kg_per_kg : float or None
        Tank-to-wheel and well-to-wheel factors per mass [kgCO2e/kg].
    source, licence, status : str
        Provenance of the row [-].
    """

    carrier: str
    region: str
    name: str
    lhv_mj_per_kg: float | None
    density_kg_per_l: float | None
    ttw_g_per_mj: float
    wtw_g_per_mj: float
    ttw_kg_per_kg: float | None
    wtw_kg_per_kg: float | None
    source: str
    licence: str
    status: str

    @property
    def id(self) -> str:
        """Audit id of the row, e.g. ``"glec-v3/energy/Europe/diesel"`` [-]."""
        return f"glec-v3/energy/{self.region}/{self.carrier}"


@dataclass(frozen=True)
class HubIntensity:
    """Emission intensity of a hub operation.

    Parameters
    ----------
    wtw_kgco2e_per_unit : float
        Well-to-wheel intensity [kgCO2e per `unit`].
    unit : str
        ``"t"`` (tonne handled) or ``"container"`` [-].
    source : str
        ``"glec-v3/hub/<category>/<temperature>"`` for a default, ``"measured/<park>/<zone>"``
        for the park's own intensity [-].
    """

    wtw_kgco2e_per_unit: float
    unit: str
    source: str


@dataclass(frozen=True)
class RoadClass:
    """One road vehicle class of ``parkzero/data/road_vehicle_classes.csv``.

    Parameters
    ----------
    id : str
        Class id, lowercase, e.g. ``"cn-heavy-diesel"``, ``"uk-artic-33t+-diesel"`` [-].
    region : str
        Fleet the data describe, ``"CN"`` or ``"UK"`` [-].
    gvw_min_t, gvw_max_t : float or None
        Gross vehicle weight band, None where open [t].
    energy : str
        ``"diesel"``, ``"petrol"``, ``"ng"`` (natural gas), ``"cng"``, ``"lpg"`` or ``"bev"``
        (battery electric) [-].
    refrigerated : bool
        Temperature-controlled (reefer) vehicle [-].
    wtw_per_tkm : float
        Well-to-wheel intensity at the class's reference (average) load [kgCO2e/(t·km)].
    ttw_per_tkm : float or None
        Tank-to-wheel intensity at the reference load, None where the source does not split
        the boundary; 0 for battery electric [kgCO2e/(t·km)].
    laden_model : bool
        True when the per-km laden model exists, so a load factor and empty running can be
        given [-].
    payload_t : float or None
        Payload capacity of the laden model [t].
    ttw_empty_per_km, ttw_full_per_km : float or None
        Tank-to-wheel emissions per vehicle-km at 0 % and 100 % laden [kgCO2e/km].
    wtw_empty_per_km, wtw_full_per_km : float or None
        Well-to-wheel emissions per vehicle-km at 0 % and 100 % laden [kgCO2e/km].
    factor_id : str
        Id of the row for the audit trail, ``"road/<id>/<source version>"`` [-].
    source, licence : str
        Provenance of the row [-].
    size : str
        Size key within the region, e.g. ``"heavy"``, ``"rigid-17t+"``, ``"van-iii"`` [-].
    load_factor_ref : float or None
        Load factor the reference intensity corresponds to (laden-model classes) [-].
    empty_running_ref : float or None
        Empty running the reference intensity corresponds to (laden-model classes) [-].
    year : int or None
        Data year of the source [yr].
    boundary : str
        Boundary of the published value as stated by the source [-].
    label : str
        Name of the class in the source [-].
    status : str
        ``COPIED`` or ``DERIVED`` (see ``parkzero/data/SOURCES.md``) [-].
    """

    id: str
    region: str
    gvw_min_t: float | None
    gvw_max_t: float | None
    energy: str
    refrigerated: bool
    wtw_per_tkm: float
    ttw_per_tkm: float | None
    laden_model: bool
    payload_t: float | None
    ttw_empty_per_km: float | None
    ttw_full_per_km: float | None
    wtw_empty_per_km: float | None
    wtw_full_per_km: float | None
    factor_id: str
    source: str
    licence: str
    size: str = ""
    load_factor_ref: float | None = None
    empty_running_ref: float | None = None
    year: int | None = None
    boundary: str = ""
    label: str = ""
    status: str = ""
