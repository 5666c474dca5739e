"""Green energy: rooftop PV (pvlib), loads, tariffs, PV + storage + charger sizing and microgrid dispatch (HiGHS), forecasts."""
