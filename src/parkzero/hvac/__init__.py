"""Chiller plant lever (智慧节能): optimal chiller loading and staging.

* :mod:`parkzero.hvac.models` -- chillers, part-load curves (cubic or DOE-2/EnergyPlus EIR),
  plants and load profiles; loads in [RT], power in [kW].
* :mod:`parkzero.hvac.ocl` -- the certified global optimum of plant power for one load, under
  the all-on or the switch-off convention, and the equal-loading baseline.
* :mod:`parkzero.hvac.staging` -- a load profile staged by exact dynamic programming (minimum
  run/rest times, switching penalty) against sequential staging with equal loading; savings in
  kWh and as a :class:`~parkzero.carbon.models.LeverResult` (lever ``"hvac.ocl"``).
* :mod:`parkzero.hvac.io` -- CASE.json, PLANT.yaml and LOAD.csv readers.

No CO2 is computed here: the lever reports grid electricity, which :mod:`parkzero.carbon` turns
into tCO2e.
"""

from __future__ import annotations

from parkzero.hvac.io import Case, read_case, read_load, read_plant, read_plant_any
from parkzero.hvac.models import Chiller, CubicCurve, EirCurve, LoadProfile, Plant
from parkzero.hvac.ocl import Loading, OclParams, equal_loading, optimal_loading
from parkzero.hvac.staging import (
    Schedule,
    StagingComparison,
    StagingParams,
    compare_staging,
    optimal_schedule,
    sequential_schedule,
)

__all__ = [
    "Case",
    "Chiller",
    "CubicCurve",
    "EirCurve",
    "LoadProfile",
    "Loading",
    "OclParams",
    "Plant",
    "Schedule",
    "StagingComparison",
    "StagingParams",
    "compare_staging",
    "equal_loading",
    "optimal_loading",
    "optimal_schedule",
    "read_case",
    "read_load",
    "read_plant",
    "read_plant_any",
    "sequential_schedule",
]
