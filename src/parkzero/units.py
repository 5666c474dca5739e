"""One pint unit registry for all of parkzero.

Adds the units a carbon inventory of a logistics park needs on top of SI:

=============  ==============================================  ===============================
unit           definition                                      source
=============  ==============================================  ===============================
kgCO2e         1 kg of carbon-dioxide equivalent (own dim.)    GHG Protocol
tCO2e          1000 kgCO2e                                     —
tce            29.3076 GJ (tonne of standard coal equivalent)  GB/T 2589-2020 综合能耗计算通则
kgce           1e-3 tce                                        —
t*km, tkm      tonne-kilometre                                 ISO 14083
pkm, p*km      passenger-kilometre                             —
Nm3            normal cubic metre of gas (own dimension)       —
RT             refrigeration ton, 3.51685 kW                   ASHRAE (12,000 Btu/h)
万kWh, wan_kWh  10,000 kWh                                      —
=============  ==============================================  ===============================

Units in text may be written the way Chinese and English reports write them: ``t·km``,
``m²``, ``m3``, ``Nm³``, ``万kWh``, ``万度``, ``千瓦时``, ``吨``, ``kwh`` are understood. ``ton``
and ``tons`` mean the metric tonne (never the US short ton).

Inside hot loops use plain floats in canonical units; convert once at the boundary with
:func:`conversion_factor`, which is cached.

Examples
--------
>>> round(convert(1, "tce", "GJ"), 4)
29.3076
>>> convert(2.5, "万kWh", "MWh")
25.0
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pint

from parkzero.errors import UnitError

__all__ = [
    "Q_",
    "conversion_factor",
    "convert",
    "dimension_of",
    "normalise_unit",
    "parse_unit",
    "ureg",
]

_DEFINITIONS = """
kgCO2e = [co2e] = kg_CO2e = kgCO2eq
tCO2e = 1000 * kgCO2e = t_CO2e = tCO2eq
gCO2e = 0.001 * kgCO2e = g_CO2e
MtCO2e = 1e9 * kgCO2e
tce = 29.3076 * gigajoule = tonne_coal_equivalent
kgce = 0.001 * tce
wan_tce = 10000 * tce
tkm = tonne * kilometer = tonne_km
passenger = [passenger] = pax
pkm = passenger * kilometer = passenger_km
Nm3 = [normal_gas_volume] = normal_cubic_meter
wan_Nm3 = 10000 * Nm3
RT = 3.51685 * kilowatt = refrigeration_ton_parkzero
wan_kWh = 10000 * kilowatt_hour
item = [item] = piece = pcs
sheet = [sheet]
parcel = [parcel]
night = [night] = room_night
vehicle = [vehicle]
vkm = vehicle * kilometer = vehicle_km
CNY = [currency] = yuan = RMB
"""

# Spellings found in Chinese and English reports, rewritten before pint parses them. Order
# matters (万度 before 度). "ton" means the metric tonne here, never pint's US short ton.
_ALIASES = (
    ("万kWh", "wan_kWh"),
    ("万度", "wan_kWh"),
    ("万千瓦时", "wan_kWh"),
    ("万tce", "wan_tce"),
    ("万Nm³", "wan_Nm3"),
    ("万Nm3", "wan_Nm3"),
    ("千瓦时", "kWh"),
    ("度", "kWh"),
    ("吨", "t"),
    ("Nm³", "Nm3"),
    ("t·km", "tkm"),
    ("p·km", "pkm"),
    ("t*km", "tkm"),
    ("p*km", "pkm"),
    ("·", "*"),
    ("²", "**2"),
    ("³", "**3"),
)
_PATTERNS = (
    (re.compile(r"(?<![A-Za-z_])([kKmMgG]?)[wW][hH](?![A-Za-z_])"), None),  # kwh, KWH, MWH
    (re.compile(r"(?<![A-Za-z_])tons?(?![A-Za-z_])"), "t"),
    (re.compile(r"(?<![A-Za-z_])m([23])(?![A-Za-z_0-9])"), r"m**\1"),
)


def _fix_case(match: re.Match[str]) -> str:
    prefix = match.group(1)
    return {"": "", "k": "k", "K": "k", "m": "M", "M": "M", "g": "G", "G": "G"}[prefix] + "Wh"


ureg: Any = pint.UnitRegistry(cache_folder=None)
for _line in _DEFINITIONS.strip().splitlines():
    ureg.define(_line)
Q_ = ureg.Quantity


def normalise_unit(text: str) -> str:
    """Rewrite a unit as written in a report into pint syntax.

    Parameters
    ----------
    text : str
        Unit text, e.g. ``"t·km"``, ``"万kWh"``, ``"m²"`` [-].

    Returns
    -------
    str
        The same unit in pint syntax, e.g. ``"tkm"``, ``"wan_kWh"``, ``"m**2"`` [-].
    """
    out = text.strip()
    for old, new in _ALIASES:
        out = out.replace(old, new)
    for pattern, repl in _PATTERNS:
        out = pattern.sub(_fix_case if repl is None else repl, out)
    return out


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string, raising :class:`UnitError` with the text when pint does not know it.

    Parameters
    ----------
    text : str
        Unit text [-].

    Returns
    -------
    pint.Unit
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError(f"empty unit {text!r}; expected a unit such as kWh, L, kg or t*km")
    try:
        return ureg.Unit(normalise_unit(text))
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        AttributeError,
        ValueError,
        TypeError,
        AssertionError,
        SyntaxError,
    ) as exc:
        raise UnitError(f"unknown unit {text!r}") from exc


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplier that turns a value in `from_unit` into `to_unit`.

    Parameters
    ----------
    from_unit, to_unit : str
        Unit texts [-].

    Returns
    -------
    float
        Factor such that ``value_in_to = value_in_from * factor`` [-].

    Raises
    ------
    UnitError
        If either unit is unknown or the two have different dimensions.
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(Q_(1.0, src).to(dst).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"cannot convert {from_unit!r} to {to_unit!r}: "
            f"{dimension_of(from_unit)} is not {dimension_of(to_unit)}"
        ) from exc


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a value between units.

    Parameters
    ----------
    value : float
        Amount in `from_unit` [from_unit].
    from_unit, to_unit : str
        Unit texts [-].

    Returns
    -------
    float
        Amount in `to_unit` [to_unit].
    """
    return value * conversion_factor(from_unit, to_unit)


@lru_cache(maxsize=1024)
def dimension_of(unit: str) -> str:
    """Dimensionality of a unit as text, e.g. ``"[mass] * [length] ** 2 / [time] ** 2"`` [-]."""
    return str(parse_unit(unit).dimensionality)
