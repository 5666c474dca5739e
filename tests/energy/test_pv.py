"""parkzero.energy.pv: the PVWatts reference years, capacity bounds, site files and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parkzero.energy import pv
from parkzero.energy.pv import Location, Module, PVSite, RoofSection
from parkzero.errors import ConfigError

DATA = Path(__file__).parents[1] / "data" / "energy"
ROOT = Path(__file__).parents[2]


def _pvwatts(kind: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA / f"pvwatts_8760_{kind}.csv", skiprows=17, nrows=8760)
    frame.columns = [
        *("month", "day", "hour", "dni", "dhi", "temp_air", "wind_speed"),
        *("poa", "tcell", "dc_w", "ac_w"),
    ]
    # PVWatts' hour h is the hour from h:00 to h+1:00, local standard time (UTC-7)
    frame.index = pd.date_range("2019-01-01", periods=8760, freq="1h", tz="Etc/GMT+7")
    return frame


def _golden(inoct: float) -> PVSite:
    # 20 m2 x 0.2 kWp/m2 = 4.0 kWp, the PVWatts system; v5 "Standard" module: gamma -0.47 %/°C
    return PVSite(
        name="PVWatts Golden CO",
        location=Location(latitude=39.73, longitude=-105.18, altitude_m=1819.6, tz="Etc/GMT+7"),
        sections=[
            RoofSection(name="array", area_m2=20, tilt_deg=20, azimuth_deg=180, usable_share=1)
        ],
        module=Module(type="pvwatts5_standard", power_density_kwp_per_m2=0.2, inoct_c=inoct),
        inverter=pv.Inverter(eta_inv_nom=0.96, dc_ac_ratio=1.2),
    )


@pytest.mark.parametrize(("kind", "inoct"), [("rackmount", 45.0), ("roofmount", 49.0)])
def test_pvwatts_reference_year_within_3_percent(kind: str, inoct: float) -> None:
    ref = _pvwatts(kind)
    site = _golden(inoct)
    assert pv.max_kwp(site) == pytest.approx(4.0)
    out = pv.simulate(site, ref[["dni", "dhi", "temp_air", "wind_speed"]])
    ac_kwh = out["total"]  # hourly kW = kWh
    ref_kwh = ref["ac_w"] / 1000.0
    # PVWatts totals: 6,023.7 kWh (rack, CF 17.2 %), 5,938 kWh (roof, CF 16.9 %)
    assert ref_kwh.sum() == pytest.approx({"rackmount": 6023.67, "roofmount": 5938.0}[kind], abs=1)
    annual = ac_kwh.sum() / ref_kwh.sum() - 1
    assert abs(annual) < 0.01  # measured: -0.003 % rack, +0.06 % roof
    monthly = ac_kwh.groupby(ac_kwh.index.month).sum() / ref_kwh.groupby(ref.index.month).sum() - 1
    assert monthly.abs().max() < 0.03  # acceptance: every month within ±3 % (measured ≤ 0.55 %)
    assert (out["total"] >= 0).all()
    # the inverter clips at 4 kW / 1.2 × 0.96 = 3.2 kW AC
    assert out["total"].max() <= 4.0 / 1.2 * 0.96 + 1e-9


def test_losses_default_is_pvwatts_14_08_percent() -> None:
    # 1 - (0.98 · 0.97 · 1.0 · 0.98 · 0.98 · 0.995 · 0.985 · 0.99 · 1.0 · 0.97) = 14.08 %
    assert pv.total_losses_pct(_golden(45)) == pytest.approx(14.0757, abs=1e-3)
    site = _golden(45).model_copy(update={"losses": pv.Losses(shading=0)})
    assert pv.total_losses_pct(site) == pytest.approx(100 * (1 - (1 - 0.140757) / 0.97), abs=1e-3)


@pytest.fixture(scope="module")
def wuhan() -> PVSite:
    return PVSite(
        name="two roofs",
        location=Location(latitude=30.58, longitude=114.27, altitude_m=23),
        sections=[
            RoofSection(name="south", area_m2=10000, tilt_deg=5, azimuth_deg=180, usable_share=0.6),
            RoofSection(name="north", area_m2=5000, tilt_deg=5, azimuth_deg=0, usable_share=0.6),
        ],
    )


def test_max_kwp_is_area_times_share_times_density(wuhan: PVSite) -> None:
    # (10,000 + 5,000) m2 × 0.6 × 0.19 kWp/m2 (PVWatts v8 standard, 19 %) = 1,710 kWp
    assert pv.section_kwp(wuhan) == pytest.approx({"south": 1140.0, "north": 570.0})
    assert pv.max_kwp(wuhan) == pytest.approx(1710.0)


def test_profile_and_production_agree(wuhan: PVSite) -> None:
    prof = pv.profile_per_kwp(wuhan, 2024)
    assert len(prof) == 8760
    assert str(prof.index.tz) == "Asia/Shanghai"
    assert not ((prof.index.month == 2) & (prof.index.day == 29)).any()
    assert prof.index[0] == pd.Timestamp("2024-01-01 00:00", tz="Asia/Shanghai")
    prod = pv.production(wuhan, 2024, kwp=500.0)
    np.testing.assert_allclose(prod["total"].to_numpy(), 500.0 * prof.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(prod["total"], prod["south"] + prod["north"])
    # night is dark; 12:00-13:00 in June is not
    assert prof.loc["2024-06-21 00:00"] == 0.0
    assert prof.loc["2024-06-21 12:00"] > 0.3


def test_wuhan_yield_is_plausible(wuhan: PVSite) -> None:
    s = pv.summary(wuhan, 2024)
    # Wuhan rooftop PV: ~1,000-1,150 kWh/kWp·yr (the demo park assumes 1,075)
    assert 1000 < s["specific_yield_kwh_per_kwp"] < 1150
    assert s["capacity_factor"] == pytest.approx(s["specific_yield_kwh_per_kwp"] / 8760)
    assert sum(s["monthly_kwh"]) == pytest.approx(s["annual_kwh"])
    # July is the sunniest month, December among the darkest
    assert np.argmax(s["monthly_kwh"]) == 6
    south, north = s["sections"]
    assert south["specific_yield_kwh_per_kwp"] > north["specific_yield_kwh_per_kwp"]
    assert "wuhan" in s["weather"] and s["steps"] == 8760


def test_quarter_hour_matches_hourly_energy(wuhan: PVSite) -> None:
    hourly = pv.summary(wuhan, 2023, "1h")
    quarter = pv.summary(wuhan, 2023, "15min")
    assert quarter["steps"] == 35040
    assert quarter["annual_kwh"] == pytest.approx(hourly["annual_kwh"], rel=0.005)


def test_clearsky_is_calibrated_to_monthly_ghi(wuhan: PVSite) -> None:
    w = pv.site_weather(wuhan, 2023)
    daily = (
        w["ghi"].groupby(w.index.month).sum() / 1000 / w["ghi"].groupby(w.index.month).size() * 24
    )
    # data/energy/climate_cn.csv, Wuhan: January 2.36, July 5.25 kWh/m2/day
    assert daily[1] == pytest.approx(2.36, rel=1e-6)
    assert daily[7] == pytest.approx(5.25, rel=1e-6)
    assert all(0 < k <= 1 for k in w.attrs["clearness"])


def test_kwp_above_roof_is_refused(wuhan: PVSite) -> None:
    with pytest.raises(ConfigError, match=r"1,710\.0 kWp"):
        pv.production(wuhan, 2024, kwp=2000)


def test_tmy3_weather_file(tmp_path: Path) -> None:
    import pvlib

    tmy = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"  # Greensboro NC, ships with pvlib
    site_file = tmp_path / "site.yaml"
    site_file.write_text(
        "location: {latitude: 36.1, longitude: -79.95, altitude_m: 273, tz: Etc/GMT+5}\n"
        "sections: [{name: r, area_m2: 100, tilt_deg: 25, azimuth_deg: 180, usable_share: 1}]\n"
        f"weather: {{file: {tmy}}}\n",
        encoding="utf-8",
    )
    site = pv.load_site(site_file)
    s = pv.summary(site, 2021)
    assert s["weather"] == "file: 723170TYA.CSV"
    # Greensboro NC, 25° south: PVWatts-class systems yield ~1,300-1,450 kWh/kWp·yr
    assert 1250 < s["specific_yield_kwh_per_kwp"] < 1500


def test_load_site_example_file() -> None:
    site = pv.load_site(ROOT / "examples" / "demo-park" / "pv_site.yaml")
    assert len(site.sections) >= 4
    assert 5000 < pv.max_kwp(site) < 15000


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("sections: []", "location", "Field required"),
        (
            "location: {latitude: 30, longitude: 114}\nsections: [{name: a, area_m2: 10, "
            "tilt_deg: 95, azimuth_deg: 180, usable_share: 1}]",
            "sections[0].tilt_deg",
            "less than or equal to 90",
        ),
        (
            "location: {latitude: 30, longitude: 114, tz: Mars/Base}\nsections: [{name: a, "
            "area_m2: 10, tilt_deg: 5, azimuth_deg: 180, usable_share: 1}]",
            "location.tz",
            "IANA time zone",
        ),
        (
            "location: {latitude: 30, longitude: 114}\nmodule: {type: perovskite}\nsections: "
            "[{name: a, area_m2: 10, tilt_deg: 5, azimuth_deg: 180, usable_share: 1}]",
            "module.type",
            "unknown module type",
        ),
        (
            "location: {latitude: 30, longitude: 114}\nsections: [{name: a, area_m2: 10, "
            "tilt_deg: 5, azimuth_deg: 180, usable_share: 1, colour: blue}]",
            "sections[0].colour",
            "Extra inputs",
        ),
    ],
)
def test_bad_site_names_file_and_field(tmp_path: Path, text: str, field: str, message: str) -> None:
    f = tmp_path / "site.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        pv.load_site(f)
    assert str(f) in str(err.value)
    assert f'field "{field}"' in str(err.value)
    assert message in str(err.value)


def test_missing_weather_file_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "site.yaml"
    f.write_text(
        "location: {latitude: 30, longitude: 114}\nweather: {file: nowhere.epw}\n"
        "sections: [{name: a, area_m2: 10, tilt_deg: 5, azimuth_deg: 180, usable_share: 1}]",
        encoding="utf-8",
    )
    site = pv.load_site(f)
    with pytest.raises(ConfigError, match=r"nowhere\.epw does not exist"):
        pv.production(site, 2024)
