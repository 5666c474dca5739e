"""Hub operations (GLEC Framework v3 Module 2, ISO 14083 hub operation categories).

Default intensities of the GLEC hub categories are shipped in
``parkzero/data/glec_hub_intensities.csv`` (kgCO2e WTW per tonne handled, per container for
container terminals). A park that has its own inventory should use its *measured* intensity
instead: :func:`measured_hub_intensity` divides the inventory's emissions per zone by the tonnes
each zone handled; :func:`hub_boundary_tco2e` first keeps the emissions inside the boundary of a
hub operation (:data:`HUB_CATEGORIES`: the hub's energy, refrigerants and their upstream, not
the transport that the legs count).

>>> hub_default_intensity("warehouse").wtw_kgco2e_per_unit
17.5
>>> measured_hub_intensity({"by_zone": {"sort": 12.0}}, {"sort": 4000.0})["sort"].wtw_kgco2e_per_unit
3.0
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from parkzero.config import packaged_data
from parkzero.errors import InputError
from parkzero.logistics.models import ChainEmissions, HubIntensity
from parkzero.units import conversion_factor

__all__ = [
    "HUB_CATEGORIES",
    "hub_boundary_tco2e",
    "hub_default_intensity",
    "hub_defaults",
    "hub_emissions",
    "measured_hub_intensity",
]


@functools.cache
def _read(path: str) -> dict[tuple[str, str], HubIntensity]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return {
            (r["category"], r["temperature"]): HubIntensity(
                wtw_kgco2e_per_unit=float(r["wtw_kgCO2e_per_unit"]),
                unit=r["unit"],
                source=f"glec-v3/hub/{r['category']}/{r['temperature']}",
            )
            for r in csv.DictReader(fh)
        }


def hub_defaults() -> dict[tuple[str, str], HubIntensity]:
    """GLEC v3 default hub intensities keyed by (category, temperature) [kgCO2e/unit]."""
    return _read(str(packaged_data("glec_hub_intensities.csv")))


def hub_default_intensity(category: str, temperature: str = "ambient") -> HubIntensity:
    """GLEC v3 default intensity of a hub category.

    Parameters
    ----------
    category : str
        ``transshipment``, ``storage_transshipment``, ``warehouse``, ``liquid_bulk_terminal``
        or ``container_terminal`` [-].
    temperature : str
        ``ambient``, ``mixed`` (ambient and temperature-controlled) or, for container
        terminals, ``temperature-controlled`` [-].

    Returns
    -------
    HubIntensity
        WTW intensity [kgCO2e/t], or [kgCO2e/container] for container terminals.

    Raises
    ------
    InputError
        Naming the field ``hub_category`` or ``temperature`` and the values accepted.
    """
    table = hub_defaults()
    if (category, temperature) in table:
        return table[(category, temperature)]
    categories = sorted({c for c, _ in table})
    if category not in categories:
        raise InputError(
            f'unknown hub category "{category}" (expected one of {", ".join(categories)})',
            column="hub_category",
        )
    temps = sorted(t for c, t in table if c == category)
    raise InputError(
        f'no default for hub category {category} at temperature "{temperature}" '
        f"(expected one of {', '.join(temps)})",
        column="temperature",
    )


def measured_hub_intensity(
    inventory: Mapping[str, Any],
    tonnes_handled: Mapping[str, float],
    *,
    park: str | None = None,
) -> dict[str, HubIntensity]:
    """The park's own hub intensity per zone, from its inventory.

    Parameters
    ----------
    inventory : mapping
        An inventory result as returned by :func:`parkzero.carbon.inventory.compute_inventory`
        (``.summary`` / the result dict); its ``by_zone`` maps zone → emissions [tCO2e].
        Pass a result whose boundary is the hub's own operations (scope 1 and 2 of the
        zones), so transport legs counted elsewhere are not counted twice.
    tonnes_handled : mapping of str to float
        Tonnes handled per zone in the same period [t].
    park : str, optional
        Park id for the audit source; defaults to ``inventory["park"]`` [-].

    Returns
    -------
    dict of str to HubIntensity
        Measured WTW intensity per zone [kgCO2e/t].

    Raises
    ------
    InputError
        If ``by_zone`` is missing, a zone has no emissions in the inventory, or tonnes are not
        positive; the message names the zone and field.
    """
    by_zone = inventory.get("by_zone")
    if not isinstance(by_zone, Mapping):
        raise InputError("inventory result has no by_zone mapping", column="by_zone")
    park_id = park or str(inventory.get("park", "park"))
    t_to_kg = conversion_factor("t", "kg")
    out: dict[str, HubIntensity] = {}
    for zone, tonnes in tonnes_handled.items():
        t = float(tonnes)
        if not math.isfinite(t) or t <= 0:
            raise InputError(
                f"tonnes handled in zone {zone} must be > 0, got {tonnes!r}",
                column="tonnes_handled",
            )
        if zone not in by_zone:
            raise InputError(
                f"zone {zone} has no emissions in the inventory (zones: "
                f"{', '.join(str(z) for z in by_zone)})",
                column="zone",
            )
        out[zone] = HubIntensity(
            wtw_kgco2e_per_unit=float(by_zone[zone]) * t_to_kg / t,
            unit="t",
            source=f"measured/{park_id}/{zone}",
        )
    return out


def hub_emissions(quantity: float, intensity: HubIntensity) -> ChainEmissions:
    """Emissions of one hub operation.

    Parameters
    ----------
    quantity : float
        Amount handled in the intensity's unit: tonnes, or containers [t or container].
    intensity : HubIntensity
        Default or measured intensity [kgCO2e/unit].

    Returns
    -------
    ChainEmissions
        WTW emissions [kgCO2e]; TTW None (hub intensities are WTW only).
    """
    q = float(quantity)
    if not math.isfinite(q) or q < 0:
        raise InputError(f"quantity handled must be ≥ 0, got {quantity!r}", column="mass_t")
    return ChainEmissions(
        wtw_kgco2e=q * intensity.wtw_kgco2e_per_unit,
        ttw_kgco2e=None,
        factor_ids=(intensity.source,),
    )


#: Inventory categories inside the boundary of a hub operation (GLEC Module 2, WTW): the
#: hub's own fuels, refrigerants and electricity (scope 1 and 2), the upstream of that energy
#: (3.3) and the energy of tenants operating leased space at the hub (3.13). Transport (3.4,
#: 3.9), purchased goods, waste, travel and commuting stay out, so a shipment's legs and its
#: hub operation do not count the same emissions twice [-].
HUB_CATEGORIES = ("1.", "2.", "3.3", "3.13")


def _in_boundary(category: str, prefixes: tuple[str, ...]) -> bool:
    return any(category == p or (p.endswith(".") and category.startswith(p)) for p in prefixes)


def hub_boundary_tco2e(
    lines: pd.DataFrame, *, categories: tuple[str, ...] = HUB_CATEGORIES, market: bool = False
) -> dict[str, float]:
    """Emissions inside the hub-operation boundary, per zone and for the whole park.

    Parameters
    ----------
    lines : DataFrame
        ``InventoryResult.line_table()``: ``zone``, ``category``, ``tco2e``, ``tco2e_market``
        [tCO2e].
    categories : tuple of str
        Categories in the boundary; a value ending in ``.`` takes every category below it
        (``"1."``: all of scope 1) [-].
    market : bool
        Market-based scope 2 (with the park's instruments) instead of location-based [-].

    Returns
    -------
    dict of str to float
        Zone → tCO2e, and ``"*"`` for the whole park (zones and park-level lines) [tCO2e].
    """
    column = "tco2e_market" if market else "tco2e"
    inside = lines[[_in_boundary(str(c), categories) for c in lines["category"]]]
    by_zone = inside.groupby(inside["zone"].astype(str))[column].sum()
    out = {str(z): float(v) for z, v in by_zone.items() if str(z)}
    out["*"] = float(inside[column].sum())
    return out
