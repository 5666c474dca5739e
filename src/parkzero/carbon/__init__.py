"""The carbon engine: every tonne of CO2e in parkzero is computed here.

Activity data × emission factor, with the park's factor sets, GWP set, boundary and scope rules.
Levers, monitoring, plans and claims hand :class:`Activity` data (or a :class:`LeverResult`) to
this package and never compute CO2 themselves.

Public modules: :mod:`~parkzero.carbon.models` (Activity, LeverResult),
:mod:`~parkzero.carbon.factors` (the factor library), :mod:`~parkzero.carbon.park` (the park
description), :mod:`~parkzero.carbon.activities` (activity files),
:mod:`~parkzero.carbon.inventory` (the engine).
"""

from parkzero.carbon.models import Activity, LeverResult

__all__ = ["Activity", "LeverResult"]
