"""Green energy (绿色能源): rooftop PV, loads, tariffs, sizing, microgrid dispatch and forecasts.

Modules
-------
pv
    Rooftop PV on pvlib: roof sections, PVWatts-style modules and losses, weather or clear sky.
loads
    Load profiles from meter CSV or annual kWh on a reference load shape.
tariffs
    China's time-of-use tariffs (尖峰/高峰/平/谷), demand charges, export and green-power prices.
sizing
    One HiGHS LP over a full year choosing PV, battery and chargers.
dispatch
    Day-ahead and rolling-horizon MILP dispatch at 15-minute resolution.
forecast
    Day-ahead load and PV forecasts (gradient boosting) with a backtest.

Submodules are imported on use: ``from parkzero.energy import sizing``.
"""

__all__: list[str] = []
