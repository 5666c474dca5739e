"""Energy use of a vehicle: traction per km interpolated by load, and the reefer unit per hour.

Traction energy per km is linear in the weight on board::

    e(load) = e_empty + (e_full - e_empty) * load / payload          [L/km or kWh/km]

which is how the UK conversion factors tabulate HGVs (0 %, 50 %, 100 % laden lie on a line).
The reefer unit runs for the whole route, from departure to return, at a constant rate.

Defaults come from two packaged tables with their sources: ``data/routing/vehicle_classes.csv``
and ``data/routing/reefer_units.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from parkzero.config import packaged_data
from parkzero.errors import ConfigError
from parkzero.routing.models import VehicleType

__all__ = ["EnergyModel", "energy_model", "reefer_classes", "vehicle_classes"]


@cache
def vehicle_classes() -> dict[str, dict[str, str]]:
    """Rows of ``data/routing/vehicle_classes.csv`` by ``vehicle_class`` [-]."""
    with packaged_data("routing/vehicle_classes.csv").open(encoding="utf-8") as fh:
        return {row["vehicle_class"]: row for row in csv.DictReader(fh)}


@cache
def reefer_classes() -> dict[str, dict[str, str]]:
    """Rows of ``data/routing/reefer_units.csv`` by ``reefer_class`` [-]."""
    with packaged_data("routing/reefer_units.csv").open(encoding="utf-8") as fh:
        return {row["reefer_class"]: row for row in csv.DictReader(fh)}


@dataclass(frozen=True)
class EnergyModel:
    """Resolved energy figures of one vehicle type.

    Parameters
    ----------
    carrier : {"diesel", "electricity"}
        Traction carrier [-].
    per_km_empty, per_km_full : float
        Traction energy per km empty and at full payload [L/km or kWh/km].
    payload_kg : float
        Payload the full figure refers to [kg].
    reefer_carrier : {"diesel", "electricity"}
        Carrier of the reefer unit [-].
    reefer_per_h : float
        Reefer unit energy per running hour [L/h or kWh/h].
    sources : tuple of str
        Table rows the defaults came from [-].
    """

    carrier: str
    per_km_empty: float
    per_km_full: float
    payload_kg: float
    reefer_carrier: str
    reefer_per_h: float
    sources: tuple[str, ...] = ()

    def per_km(self, load_kg: float) -> float:
        """Traction energy per km with `load_kg` on board [L/km or kWh/km].

        Examples
        --------
        >>> m = EnergyModel("diesel", 0.2, 0.3, 1000.0, "diesel", 0.0)
        >>> round(m.per_km(500.0), 3)
        0.25
        """
        if self.payload_kg <= 0:
            return self.per_km_empty
        share = min(max(load_kg / self.payload_kg, 0.0), 1.0)
        return self.per_km_empty + (self.per_km_full - self.per_km_empty) * share


def energy_model(vehicle: VehicleType) -> EnergyModel:
    """Energy figures of a vehicle type, filling gaps from the packaged tables.

    Parameters
    ----------
    vehicle : VehicleType
        The vehicle type.

    Returns
    -------
    EnergyModel

    Raises
    ------
    ConfigError
        When a class is unknown, or neither consumption nor a class is given.
    """
    sources: list[str] = []
    empty, full = vehicle.consumption_empty, vehicle.consumption_full
    if empty is None or full is None:
        if vehicle.vehicle_class is None:
            raise ConfigError(
                f"vehicle type {vehicle.id!r}: give consumption_empty and consumption_full "
                f"or a vehicle_class (one of {', '.join(sorted(vehicle_classes()))})",
                column=f"vehicle_types.{vehicle.id}",
            )
        row = vehicle_classes().get(vehicle.vehicle_class)
        if row is None:
            raise ConfigError(
                f"vehicle type {vehicle.id!r}: unknown vehicle_class {vehicle.vehicle_class!r}; "
                f"expected one of {', '.join(sorted(vehicle_classes()))}",
                column=f"vehicle_types.{vehicle.id}.vehicle_class",
            )
        if row["energy"] != vehicle.energy:
            raise ConfigError(
                f"vehicle type {vehicle.id!r}: vehicle_class {vehicle.vehicle_class!r} runs on "
                f"{row['energy']}, but energy is {vehicle.energy!r}",
                column=f"vehicle_types.{vehicle.id}.energy",
            )
        empty = float(row["consumption_empty"]) if empty is None else empty
        full = float(row["consumption_full"]) if full is None else full
        sources.append(f"vehicle_classes.csv:{vehicle.vehicle_class}")
    rate = vehicle.reefer_rate
    reefer_carrier = vehicle.reefer_carrier
    if rate is None:
        if vehicle.reefer_class is not None:
            rrow = reefer_classes().get(vehicle.reefer_class)
            if rrow is None:
                raise ConfigError(
                    f"vehicle type {vehicle.id!r}: unknown reefer_class "
                    f"{vehicle.reefer_class!r}; expected one of "
                    f"{', '.join(sorted(reefer_classes()))}",
                    column=f"vehicle_types.{vehicle.id}.reefer_class",
                )
            rate = float(rrow["rate"])
            reefer_carrier = vehicle.reefer_energy or rrow["energy"]
            sources.append(f"reefer_units.csv:{vehicle.reefer_class}")
        else:
            rate = 0.0
    return EnergyModel(
        carrier=vehicle.energy,
        per_km_empty=float(empty),
        per_km_full=float(full),
        payload_kg=vehicle.payload_kg,
        reefer_carrier=reefer_carrier,
        reefer_per_h=float(rate),
        sources=tuple(sources),
    )
