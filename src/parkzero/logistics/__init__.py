"""Shipment footprints per ISO 14083:2023 and the GLEC Framework v3.

Transport chain elements (:mod:`parkzero.logistics.chain`), road vehicle classes with a
laden model (:mod:`parkzero.logistics.road`), hub operations
(:mod:`parkzero.logistics.hubs`), the allocation of trip emissions to shipments
(:mod:`parkzero.logistics.allocation`), the batch pipeline from files to Parquet
(:mod:`parkzero.logistics.pipeline`) and the iLEAP-shaped JSON export
(:mod:`parkzero.logistics.export`). Every figure is in kilograms of CO2e [kgCO2e] and comes from factors in parkzero's data files: the GLEC energy-carrier and hub tables shipped in
``parkzero/data/glec_*.csv`` and the activity factors of :mod:`parkzero.carbon.factors`.
"""

from __future__ import annotations

from parkzero.logistics.allocation import ALLOCATION_METHODS, shipment_footprints
from parkzero.logistics.chain import (
    adjusted_distance,
    distance_based,
    fuel_based,
    refrigerant_leakage,
)
from parkzero.logistics.export import shipment_footprint_json
from parkzero.logistics.hubs import hub_default_intensity, hub_emissions, measured_hub_intensity
from parkzero.logistics.models import MODES, ChainEmissions, EnergyCarrier, HubIntensity, RoadClass
from parkzero.logistics.pipeline import (
    PipelineResult,
    compute_footprints,
    read_table,
    run_pipeline,
    summarize,
)
from parkzero.logistics.road import (
    road_class,
    road_class_table,
    road_classes,
    road_intensity,
)

__all__ = [
    "ALLOCATION_METHODS",
    "MODES",
    "ChainEmissions",
    "EnergyCarrier",
    "HubIntensity",
    "PipelineResult",
    "RoadClass",
    "adjusted_distance",
    "compute_footprints",
    "distance_based",
    "fuel_based",
    "hub_default_intensity",
    "hub_emissions",
    "measured_hub_intensity",
    "read_table",
    "refrigerant_leakage",
    "road_class",
    "road_class_table",
    "road_classes",
    "road_intensity",
    "run_pipeline",
    "shipment_footprint_json",
    "shipment_footprints",
    "summarize",
]
