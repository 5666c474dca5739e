"""Tests of the unit registry: the units a park's carbon inventory needs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import parkzero.units as units_module
from parkzero.errors import InputError, UnitError
from parkzero.units import Q_, conversion_factor, convert, dimension_of, normalise_unit, parse_unit


def test_all_is_the_public_surface() -> None:
    assert set(units_module.__all__) == {
        "Q_",
        "conversion_factor",
        "convert",
        "dimension_of",
        "normalise_unit",
        "parse_unit",
        "ureg",
    }
    for name in units_module.__all__:
        assert hasattr(units_module, name)


def test_tonne_of_coal_equivalent() -> None:
    assert convert(1, "tce", "GJ") == pytest.approx(29.3076)
    assert convert(1, "kgce", "MJ") == pytest.approx(29.3076)
    assert convert(1, "万tce", "tce") == pytest.approx(10_000)
    # electricity at its calorific equivalent: 3.6 MJ/kWh ÷ 29.3076 MJ/kgce = 0.12284 kgce/kWh;
    # GB/T 2589 lists 0.1229 (860 kcal/kWh ÷ 7000 kcal/kgce)
    assert convert(1, "kWh", "kgce") == pytest.approx(3.6 / 29.3076)
    assert convert(1, "kWh", "kgce") == pytest.approx(0.1229, abs=1e-4)


def test_refrigeration_ton() -> None:
    assert convert(1, "RT", "kW") == pytest.approx(3.51685)
    assert convert(1440, "RT", "kW") == pytest.approx(1440 * 3.51685)


def test_wan_kwh() -> None:
    assert convert(1, "万kWh", "kWh") == pytest.approx(10_000)
    assert convert(2.5, "万kWh", "MWh") == pytest.approx(25)
    assert convert(1, "度", "kWh") == 1


def test_tonne_km() -> None:
    for text in ("t·km", "t*km", "tkm", "tonne_km"):
        assert convert(1, text, "kg*km") == pytest.approx(1000)
    assert conversion_factor("t·km", "t*km") == 1
    assert dimension_of("t·km") == dimension_of("t") + " * " + dimension_of("km")


def test_passenger_km() -> None:
    assert convert(1, "p·km", "pkm") == 1
    assert convert(1, "p*km", "passenger*km") == 1
    assert convert(1000, "pkm", "passenger*Mm") == pytest.approx(1)
    with pytest.raises(UnitError):
        conversion_factor("pkm", "km")  # a passenger is a dimension of its own


def test_normal_cubic_metre() -> None:
    assert convert(1, "Nm³", "Nm3") == 1
    assert convert(1, "万Nm3", "Nm3") == pytest.approx(10_000)
    assert convert(1, "万Nm³", "Nm3") == pytest.approx(10_000)
    with pytest.raises(UnitError, match="cannot convert"):
        conversion_factor("Nm3", "m**3")  # gas at normal conditions is not a plain volume


def test_co2e_units() -> None:
    assert convert(1, "tCO2e", "kgCO2e") == pytest.approx(1000)
    assert convert(1, "MtCO2e", "tCO2e") == pytest.approx(1e6)
    assert convert(1, "kgCO2e", "gCO2e") == pytest.approx(1000)
    with pytest.raises(UnitError):
        conversion_factor("kgCO2e", "kg")  # CO2e is not a mass of any one gas


def test_chinese_and_unicode_spellings() -> None:
    assert normalise_unit("t·km") == "tkm"
    assert normalise_unit("万kWh") == "wan_kWh"
    assert normalise_unit("m²") == "m**2"
    assert normalise_unit(" Nm³ ") == "Nm3"
    assert convert(1, "m²", "m**2") == 1
    assert convert(1, "m³", "L") == pytest.approx(1000)


def test_bad_units_raise_unit_error() -> None:
    for bad in ("bananas", "", "   ", "kWh/", "3 +"):
        with pytest.raises(UnitError):
            parse_unit(bad)
    with pytest.raises(UnitError, match="unknown unit 'bananas'"):
        convert(1, "bananas", "kg")
    with pytest.raises(UnitError, match=r"cannot convert 'kWh' to 'kg'"):
        convert(1, "kWh", "kg")
    assert issubclass(UnitError, InputError)


def test_quantity_type() -> None:
    q = Q_(2.0, "t")
    assert q.to("kg").magnitude == pytest.approx(2000)


UNITS = st.sampled_from(
    [("kWh", "MWh"), ("kWh", "万kWh"), ("tce", "GJ"), ("t", "kg"), ("t*km", "kg*km"),
     ("pkm", "p*km"), ("Nm3", "万Nm3"), ("RT", "kW"), ("tCO2e", "kgCO2e"), ("L", "m**3")]
)  # fmt: skip


@given(pair=UNITS, value=st.floats(-1e12, 1e12, allow_nan=False))
def test_conversions_round_trip(pair: tuple[str, str], value: float) -> None:
    a, b = pair
    there = convert(value, a, b)
    assert convert(there, b, a) == pytest.approx(value, rel=1e-12, abs=1e-9)
    assert conversion_factor(a, b) * conversion_factor(b, a) == pytest.approx(1, rel=1e-12)
