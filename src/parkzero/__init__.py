"""parkzero — take a logistics park to carbon neutrality.

The carbon engine (:mod:`parkzero.carbon`) turns activity data into tCO2e; everything else
(levers, monitoring, plans, claims) reports physical activity and asks the engine for CO2e.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
