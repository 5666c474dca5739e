"""The routing problem and its plan: depots, orders, a heterogeneous cold-chain fleet, restrictions.

Conventions used everywhere in :mod:`parkzero.routing`:

==============  ======================================================================
quantity        unit
==============  ======================================================================
distance        km (for benchmark instances: the instance's own length unit)
time of day     minutes after the planning day's midnight [min] (local time)
duration        min
weight          kg
volume          m³
pallets         pallet places (Euro/CN 1200×1000 or whatever the fleet uses) [-]
money           CNY
fuel            L of diesel; electricity in kWh
==============  ======================================================================

A location is ``(lat, lon)`` in degrees (WGS 84) when ``coordinates == "wgs84"`` and ``(x, y)``
in km when ``coordinates == "euclidean"`` (benchmark instances).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MEASURES",
    "ZONES",
    "Area",
    "Compartment",
    "CurrentRoute",
    "Demand",
    "Depot",
    "EmissionWeights",
    "Order",
    "Plan",
    "PlannedRoute",
    "Prices",
    "Problem",
    "Restriction",
    "Stop",
    "Unserved",
    "VehicleType",
    "Zone",
]

Zone = Literal["frozen", "chilled", "ambient"]
#: Temperature zones in loading order of a multi-compartment body (nose to door) [-].
ZONES: tuple[Zone, ...] = ("frozen", "chilled", "ambient")
#: The three load measures every compartment and demand carries [-].
MEASURES: tuple[str, ...] = ("weight_kg", "volume_m3", "pallets")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Demand(_Model):
    """Goods of one order in one temperature zone.

    Parameters
    ----------
    weight_kg : float
        Gross weight [kg].
    volume_m3 : float
        Volume [m³].
    pallets : float
        Pallet places, may be fractional for half pallets or roll cages [-].
    """

    weight_kg: float = Field(default=0.0, ge=0)
    volume_m3: float = Field(default=0.0, ge=0)
    pallets: float = Field(default=0.0, ge=0)

    def get(self, measure: str) -> float:
        """The amount of one of :data:`MEASURES` [kg, m³ or -]."""
        return float(getattr(self, measure))

    @property
    def is_empty(self) -> bool:
        """True when nothing is carried in this zone [-]."""
        return self.weight_kg == 0 and self.volume_m3 == 0 and self.pallets == 0


class Compartment(_Model):
    """Capacity of one temperature-controlled compartment of a vehicle.

    Parameters
    ----------
    weight_kg : float
        Payload the compartment takes [kg].
    volume_m3 : float
        Usable volume [m³]; infinite when not given.
    pallets : float
        Pallet places; infinite when not given [-].
    """

    weight_kg: float = Field(ge=0)
    volume_m3: float = Field(default=float("inf"), ge=0)
    pallets: float = Field(default=float("inf"), ge=0)

    def get(self, measure: str) -> float:
        """The capacity in one of :data:`MEASURES` [kg, m³ or -]."""
        return float(getattr(self, measure))


class Depot(_Model):
    """A distribution centre vehicles start from and return to.

    Parameters
    ----------
    id : str
        Depot id [-].
    location : (float, float)
        ``(lat, lon)`` [deg] or ``(x, y)`` [km], see the module docstring.
    open_min, close_min : float
        Opening hours: earliest departure and latest return [min after midnight].
    """

    id: str
    location: tuple[float, float]
    open_min: float = Field(default=0.0, ge=0)
    close_min: float = Field(default=1440.0, ge=0)

    @model_validator(mode="after")
    def _hours(self) -> Depot:
        if self.close_min < self.open_min:
            raise ValueError(f"close_min {self.close_min} is before open_min {self.open_min}")
        return self


class Order(_Model):
    """One delivery to one store.

    Parameters
    ----------
    id : str
        Order id; must be unique [-].
    location : (float, float)
        Store location, see the module docstring [deg or km].
    demand : mapping of zone to Demand
        Goods per temperature zone (``frozen``, ``chilled``, ``ambient``).
    tw_start_min, tw_end_min : float
        Window in which service must *start* [min after midnight].
    service_min : float
        Unloading time at the store [min].
    priority : int
        1 (normal) to 5 (highest); only matters for orders with ``required: false``, which the
        solver may leave out at a penalty proportional to the priority: under ``cost``
        ``priority × drop_penalty_cny``; under ``hierarchical`` more than a vehicle, so such
        an order is dropped only when it cannot be served [-].
    required : bool
        Whether the order must be served [-].
    reefer_only : bool
        Serve only with a vehicle that has a refrigerated compartment, even for ambient goods [-].
    depot : str, optional
        Depot that must serve this order; any depot when not given [-].
    areas : list of str
        Restricted-traffic areas the store lies in, besides those found from area polygons [-].
    """

    id: str
    location: tuple[float, float]
    demand: dict[Zone, Demand]
    tw_start_min: float = Field(default=0.0, ge=0)
    tw_end_min: float = Field(default=1440.0, ge=0)
    service_min: float = Field(default=0.0, ge=0)
    priority: int = Field(default=1, ge=1, le=5)
    required: bool = True
    reefer_only: bool = False
    depot: str | None = None
    areas: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _window(self) -> Order:
        if self.tw_end_min < self.tw_start_min:
            raise ValueError(
                f"tw_end_min {self.tw_end_min} is before tw_start_min {self.tw_start_min}"
            )
        return self

    def amount(self, zone: str, measure: str) -> float:
        """Demand in one zone and measure, 0 when absent [kg, m³ or -]."""
        d = self.demand.get(zone)  # type: ignore[call-overload]
        return 0.0 if d is None else d.get(measure)

    @property
    def weight_kg(self) -> float:
        """Total weight over all zones [kg]."""
        return sum(d.weight_kg for d in self.demand.values())


class VehicleType(_Model):
    """A group of identical vehicles based at one depot.

    Consumption figures default from the packaged table ``data/routing/vehicle_classes.csv``
    (``vehicle_class``) and ``data/routing/reefer_units.csv`` (``reefer_class``) when not given.

    Parameters
    ----------
    id : str
        Vehicle type id [-].
    count : int
        Vehicles available [-].
    depot : str
        Home depot id [-].
    compartments : mapping of zone to Compartment
        Capacity per temperature zone; a zone without a compartment cannot be carried.
    max_payload_kg : float, optional
        Legal payload over all compartments; the sum of compartment weights when not given [kg].
    energy : {"diesel", "electricity"}
        Traction energy carrier [-].
    vehicle_class : str, optional
        Row of the packaged vehicle-class table to take consumption defaults from [-].
    consumption_empty, consumption_full : float, optional
        Traction energy per km running empty and at full payload; linear in between
        [L/km for diesel, kWh/km for electricity].
    reefer_class : str, optional
        Row of the packaged reefer-unit table to take ``reefer_rate`` from [-].
    reefer_energy : {"diesel", "electricity"}, optional
        Carrier the reefer unit runs on; the vehicle's own carrier when not given [-].
    reefer_rate : float
        Reefer unit consumption while the route runs [L/h or kWh/h]; 0 for no reefer unit.
    fixed_cost_cny : float
        Cost of using one vehicle for the day (depreciation, insurance, driver day) [CNY].
    cost_per_km_cny : float
        Distance cost excluding energy (tyres, maintenance, tolls) [CNY/km].
    cost_per_h_cny : float
        Time cost of a route (driver wages beyond the day rate) [CNY/h].
    shift_start_min, shift_end_min : float
        Earliest departure and latest return [min after midnight].
    max_duration_min : float, optional
        Longest route from departure to return [min].
    speed_factor : float
        Travel times of this type are the problem's times × this factor [-].
    """

    id: str
    count: int = Field(ge=0)
    depot: str
    compartments: dict[Zone, Compartment]
    max_payload_kg: float | None = Field(default=None, ge=0)
    energy: Literal["diesel", "electricity"] = "diesel"
    vehicle_class: str | None = None
    consumption_empty: float | None = Field(default=None, ge=0)
    consumption_full: float | None = Field(default=None, ge=0)
    reefer_class: str | None = None
    reefer_energy: Literal["diesel", "electricity"] | None = None
    reefer_rate: float | None = Field(default=None, ge=0)
    fixed_cost_cny: float = Field(default=0.0, ge=0)
    cost_per_km_cny: float = Field(default=0.0, ge=0)
    cost_per_h_cny: float = Field(default=0.0, ge=0)
    shift_start_min: float = Field(default=0.0, ge=0)
    shift_end_min: float = Field(default=1440.0, ge=0)
    max_duration_min: float | None = Field(default=None, gt=0)
    speed_factor: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _check(self) -> VehicleType:
        if not self.compartments:
            raise ValueError("a vehicle type needs at least one compartment")
        if self.shift_end_min < self.shift_start_min:
            raise ValueError(
                f"shift_end_min {self.shift_end_min} is before shift_start_min "
                f"{self.shift_start_min}"
            )
        return self

    @property
    def payload_kg(self) -> float:
        """Payload over all compartments [kg]."""
        total = sum(c.weight_kg for c in self.compartments.values())
        return total if self.max_payload_kg is None else min(total, self.max_payload_kg)

    @property
    def is_reefer(self) -> bool:
        """Whether the vehicle has a frozen or chilled compartment [-]."""
        return any(
            z in self.compartments and self.compartments[z].weight_kg > 0
            for z in ("frozen", "chilled")
        )

    @property
    def reefer_carrier(self) -> str:
        """Energy carrier of the reefer unit [-]."""
        return self.reefer_energy or self.energy


class Area(_Model):
    """A restricted-traffic area (限行区域) as a polygon.

    Parameters
    ----------
    id : str
        Area id [-].
    polygon : list of (float, float)
        Vertices, same coordinates as locations [deg or km].
    """

    id: str
    polygon: tuple[tuple[float, float], ...] = Field(min_length=3)


class Restriction(_Model):
    """Vehicle types barred from an area, all day or during a window (城市限行).

    Parameters
    ----------
    vehicle_types : list of str
        Vehicle type ids the rule applies to [-].
    area : str, optional
        Area id (polygon or order tag); orders listed in `orders` are covered too [-].
    orders : list of str
        Orders the rule covers directly [-].
    window : (float, float), optional
        Ban period [min after midnight]; all day when not given. A barred vehicle may not be
        unloading at a covered store during the window.
    reason : str
        Free text, e.g. ``"二环内 7:00-9:00 货车限行"`` [-].
    """

    vehicle_types: tuple[str, ...] = Field(min_length=1)
    area: str | None = None
    orders: tuple[str, ...] = ()
    window: tuple[float, float] | None = None
    reason: str = ""


class Prices(_Model):
    """Energy prices for the cost objective and the LeverResult's opex.

    Parameters
    ----------
    diesel_cny_per_l : float
        Diesel price [CNY/L].
    electricity_cny_per_kwh : float
        Charging price [CNY/kWh].
    """

    diesel_cny_per_l: float = Field(default=7.5, ge=0)
    electricity_cny_per_kwh: float = Field(default=0.8, ge=0)


class EmissionWeights(_Model):
    """Emission factors the caller takes from :mod:`parkzero.carbon` for the CO2e objective.

    Routing never decides what a litre is worth; these weights steer the solver only, and the
    authoritative tCO2e comes from the carbon engine applied to the plan's activities.

    Parameters
    ----------
    kgco2e_per_l_diesel : float
        Diesel combustion factor [kgCO2e/L].
    kgco2e_per_kwh : float
        Electricity factor of the charging grid [kgCO2e/kWh].
    source : str
        Where the numbers came from (factor ids and versions) [-].
    """

    kgco2e_per_l_diesel: float = Field(ge=0)
    kgco2e_per_kwh: float = Field(ge=0)
    source: str = ""


class CurrentRoute(_Model):
    """One route of the plan in use today, to compare against.

    Parameters
    ----------
    vehicle_type : str
        Vehicle type id [-].
    orders : list of str
        Order ids in visiting sequence [-].
    """

    vehicle_type: str
    orders: tuple[str, ...]


class Problem(_Model):
    """A one-day distribution problem.

    Parameters
    ----------
    name : str
        Problem name [-].
    coordinates : {"wgs84", "euclidean"}
        How locations are read [-].
    detour_factor : float
        Road distance / great-circle distance for ``wgs84`` [-].
    speed_kmh : float
        Mean travel speed to turn distances into times [km/h].
    distance_km, duration_min : list of list of float, optional
        Supplied matrices over ``depots + orders`` in that order [km], [min].
    depots, orders, vehicle_types, areas, restrictions
        See the classes.
    prices : Prices
        Energy prices [CNY/L, CNY/kWh].
    emission_weights : EmissionWeights, optional
        Factors for the CO2e objective and the ``co2e_kg`` figure [kgCO2e/L, kgCO2e/kWh].
    operating_days_per_year : float
        Days a year this plan runs, to annualise the LeverResult [d/yr].
    year : int, optional
        Year the LeverResult covers [-].
    current_plan : list of CurrentRoute, optional
        Today's routes, used as the baseline instead of the built-in one.
    region : str, optional
        Region override of the activities for the factor lookup, e.g. a province; the park's
        region when not given [-].
    drop_penalty_cny : float
        Penalty per priority point for leaving out an optional order (cost objective) [CNY].
    drop_penalty_kgco2e : float
        The same for the co2 objective [kgCO2e].
    """

    name: str = "problem"
    coordinates: Literal["wgs84", "euclidean"] = "wgs84"
    detour_factor: float = Field(default=1.3, gt=0)
    speed_kmh: float = Field(default=30.0, gt=0)
    distance_km: tuple[tuple[float, ...], ...] | None = None
    duration_min: tuple[tuple[float, ...], ...] | None = None
    depots: tuple[Depot, ...] = Field(min_length=1)
    orders: tuple[Order, ...]
    vehicle_types: tuple[VehicleType, ...] = Field(min_length=1)
    areas: tuple[Area, ...] = ()
    restrictions: tuple[Restriction, ...] = ()
    prices: Prices = Prices()
    emission_weights: EmissionWeights | None = None
    operating_days_per_year: float = Field(default=360.0, gt=0)
    year: int | None = None
    current_plan: tuple[CurrentRoute, ...] | None = None
    region: str | None = None
    drop_penalty_cny: float = Field(default=1000.0, ge=0)
    drop_penalty_kgco2e: float = Field(default=100.0, ge=0)

    @model_validator(mode="after")
    def _references(self) -> Problem:
        depot_ids = [d.id for d in self.depots]
        _unique("depots", depot_ids)
        order_ids = [o.id for o in self.orders]
        _unique("orders", order_ids)
        type_ids = [v.id for v in self.vehicle_types]
        _unique("vehicle_types", type_ids)
        known_depots, known_types = set(depot_ids), set(type_ids)
        known_orders = set(order_ids)
        for v in self.vehicle_types:
            if v.depot not in known_depots:
                raise ValueError(f"vehicle type {v.id!r}: unknown depot {v.depot!r}")
        for o in self.orders:
            if o.depot is not None and o.depot not in known_depots:
                raise ValueError(f"order {o.id!r}: unknown depot {o.depot!r}")
        area_ids = {a.id for a in self.areas} | {a for o in self.orders for a in o.areas}
        for r in self.restrictions:
            for t in r.vehicle_types:
                if t not in known_types:
                    raise ValueError(f"restriction: unknown vehicle type {t!r}")
            if r.area is not None and r.area not in area_ids:
                raise ValueError(f"restriction: unknown area {r.area!r}")
            for o_id in r.orders:
                if o_id not in known_orders:
                    raise ValueError(f"restriction: unknown order {o_id!r}")
        n = len(self.depots) + len(self.orders)
        for name in ("distance_km", "duration_min"):
            m = getattr(self, name)
            if m is not None and (len(m) != n or any(len(row) != n for row in m)):
                raise ValueError(
                    f"{name} must be a {n}×{n} matrix over depots then orders "
                    f"({len(self.depots)} + {len(self.orders)})"
                )
        if self.current_plan is not None:
            for cr in self.current_plan:
                if cr.vehicle_type not in known_types:
                    raise ValueError(f"current_plan: unknown vehicle type {cr.vehicle_type!r}")
                for o_id in cr.orders:
                    if o_id not in known_orders:
                        raise ValueError(f"current_plan: unknown order {o_id!r}")
        return self

    def depot(self, depot_id: str) -> Depot:
        """The depot with this id."""
        return next(d for d in self.depots if d.id == depot_id)

    def vehicle_type(self, type_id: str) -> VehicleType:
        """The vehicle type with this id."""
        return next(v for v in self.vehicle_types if v.id == type_id)

    def location_index(self, *, depot: str | None = None, order: str | None = None) -> int:
        """Row of a depot or order in the matrices (depots first, then orders) [-]."""
        if depot is not None:
            return next(i for i, d in enumerate(self.depots) if d.id == depot)
        return len(self.depots) + next(i for i, o in enumerate(self.orders) if o.id == order)

    @property
    def zones_used(self) -> tuple[Zone, ...]:
        """Zones that appear in some order's demand, in :data:`ZONES` order [-]."""
        used = {z for o in self.orders for z, d in o.demand.items() if not d.is_empty}
        return tuple(z for z in ZONES if z in used)


def _unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"{what}: id {i!r} appears twice")
        seen.add(i)


@dataclass(frozen=True)
class Stop:
    """One visit of a planned route.

    Parameters
    ----------
    order : str
        Order id [-].
    arrival_min : float
        Arrival at the store [min after midnight].
    start_min : float
        Start of service, after any wait for the window [min after midnight].
    departure_min : float
        End of service [min after midnight].
    """

    order: str
    arrival_min: float
    start_min: float
    departure_min: float


@dataclass(frozen=True)
class PlannedRoute:
    """One vehicle's trip from its depot and back.

    Parameters
    ----------
    vehicle_type : str
        Vehicle type id [-].
    depot : str
        Depot the route starts and ends at [-].
    stops : tuple of Stop
        Visits in sequence.
    start_min, end_min : float
        Departure from and return to the depot [min after midnight].
    distance_km : float
        Route length [km].
    """

    vehicle_type: str
    depot: str
    stops: tuple[Stop, ...]
    start_min: float
    end_min: float
    distance_km: float

    @property
    def orders(self) -> list[str]:
        """Order ids in visiting sequence [-]."""
        return [s.order for s in self.stops]

    @property
    def duration_min(self) -> float:
        """Time from departure to return [min]."""
        return self.end_min - self.start_min


@dataclass(frozen=True)
class Unserved:
    """An order the plan does not serve, and why.

    Parameters
    ----------
    order : str
        Order id [-].
    reason : str
        What makes it impossible or why it was left out [-].
    """

    order: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """Routes for one day, with what could not be served.

    Parameters
    ----------
    routes : tuple of PlannedRoute
        One per vehicle used.
    unserved : tuple of Unserved
        Orders not served, each with a reason.
    feasible : bool
        True when every route keeps every constraint and every required order is served [-].
    objective : str
        Objective the plan was made for [-].
    evidence : mapping
        Solver, version, settings, seed, runtime and objective value, to reproduce it.
    """

    routes: tuple[PlannedRoute, ...]
    unserved: tuple[Unserved, ...] = ()
    feasible: bool = True
    objective: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
