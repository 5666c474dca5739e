"""A day in the yard, simulated with SimPy, under three dock policies.

The simulation answers the lever's question — how much waiting, engine idling and warehouse
operating time do appointments and an optimiser save? — by playing the same day (the same
trucks, the same random lateness, no-shows and service times: common random numbers) under each
:class:`DockPolicy`:

``fcfs``
    No appointments. Trucks arrive when they want to; the dispatcher sends the longest-waiting
    truck to any free compatible dock.
``appointments_fcfs``
    Carriers book slots (:mod:`parkzero.yard.booking`); trucks arrive around their slot and are
    served first-come-first-served at any free compatible dock.
``appointments_optimised``
    The day's bookings are scheduled by CP-SAT (:func:`parkzero.yard.scheduler.solve`); each
    truck is called (叫号) to its planned dock. When trucks check in early or late (beyond
    ``deviation_min``), walk in, or miss their slot, the plan is re-optimised with
    :func:`parkzero.yard.scheduler.reoptimise` at most every ``reopt_every_min`` over the next
    ``horizon_min``.

Arrival model
-------------
Without appointments, arrival times follow a non-homogeneous Poisson process whose hourly rate
has the shape of ``data/yard/arrival_profile.csv`` (morning and early-afternoon peaks, "bunched"
arrivals as drivers aim for the start of a shift). For a fixed number of trucks that is the same
as drawing each arrival independently from the piecewise-constant density: hour ``h`` with
probability ∝ weight, then uniformly within the hour. That time is the truck's *preferred* time.

With appointments, each carrier books (in random order) the free slot nearest its preferred
time (ties to the earlier one); trucks that cannot book
and a share ``walk_in_share`` of all trucks come as walk-ins at their preferred time. A booked
truck arrives at its slot start + lateness, lateness ~ Normal(``late_mean_min``,
``late_sd_min``); a share ``no_show`` of trucks does not come at all (those trucks are absent
under every policy). Service takes the estimate (:class:`~parkzero.yard.estimates.ServiceTimeModel`)
times a lognormal factor with mean 1 and coefficient of variation ``service_cv``.

Measures
--------
waiting = start of service − arrival at the gate [min]; turnaround = departure − arrival [min];
queue = trucks arrived and not yet at a dock, sampled every 15 min [-]; dock utilisation = busy
time / opening hours of all docks [-]; idling = waiting × ``idle_share`` [h] → diesel at
``idle_fuel_l_per_h`` [L]; warehouse operating hours = last departure − first dock opening [h]
→ electricity at ``warehouse_kw`` [kWh]. :func:`lever_result` scales one day by
``operating_days_per_year`` into a :class:`~parkzero.carbon.models.LeverResult`
(``fuel.diesel.mobile`` [L], ``electricity.grid`` [kWh]); tCO2e only ever come from
:mod:`parkzero.carbon.abatement`.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import simpy
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from parkzero.carbon.models import Activity, LeverResult
from parkzero.errors import ConfigError
from parkzero.yard.booking import find_reservation
from parkzero.yard.estimates import ServiceTimeModel, arrival_profile, reference_value
from parkzero.yard.models import Appointment, Cargo, Vehicle, Yard, _validation_error, to_problem
from parkzero.yard.problem import Assignment, DockProblem, DockSlot, Schedule, TruckJob

__all__ = [
    "POLICIES",
    "AppointmentFcfsPolicy",
    "Behaviour",
    "Demand",
    "DockPolicy",
    "EnergyParams",
    "FcfsPolicy",
    "OptimisedPolicy",
    "OptimiserParams",
    "PolicyResult",
    "Scenario",
    "SimDay",
    "Visit",
    "YardSim",
    "generate_day",
    "lever_result",
    "load_scenario",
    "make_policy",
    "scenario_from_dict",
    "simulate",
    "simulate_day",
]

Solver = Callable[[DockProblem], Schedule]
Reoptimiser = Callable[[DockProblem, Schedule, int], Schedule]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _default_cargo() -> dict[Cargo, float]:
    return {"dry": 0.8, "chilled": 0.12, "frozen": 0.08}


def _default_vehicle() -> dict[Vehicle, float]:
    return {"trailer": 0.75, "rigid": 0.2, "van": 0.05}


class Demand(_Model):
    """The day's trucks.

    Parameters
    ----------
    trucks : int
        Truck visits planned for the day [-].
    inbound_share : float
        Share unloading (the rest loads) [-].
    cargo : mapping
        Share of dry, chilled and frozen cargo [-].
    vehicle : mapping
        Share of trailers, rigid trucks and vans [-].
    pallets_min, pallets_max : int
        Pallets per visit, uniform integers in [min, max] [-].
    carriers : int
        Carriers the trucks belong to (ids ``C01`` …) [-].
    arrival_profile : list of 24 floats, optional
        Hourly arrival weights without appointments; default ``data/yard/arrival_profile.csv``.
    """

    trucks: int = Field(default=1000, ge=1, le=20000)
    inbound_share: float = Field(default=0.55, ge=0, le=1)
    cargo: dict[Cargo, float] = Field(default_factory=_default_cargo)
    vehicle: dict[Vehicle, float] = Field(default_factory=_default_vehicle)
    pallets_min: int = Field(default=6, ge=0)
    pallets_max: int = Field(default=33, ge=0, le=100)
    carriers: int = Field(default=20, ge=1)
    arrival_profile: tuple[float, ...] | None = None

    @field_validator("arrival_profile")
    @classmethod
    def _profile(cls, v: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if v is not None and (len(v) != 24 or min(v) < 0 or sum(v) <= 0):
            raise ValueError("expected 24 non-negative hourly weights with a positive sum")
        return v


class Behaviour(_Model):
    """How trucks and docks deviate from the plan.

    Parameters
    ----------
    no_show : float
        Share of trucks that do not come [-].
    late_mean_min, late_sd_min : float
        Lateness of booked trucks relative to their slot, Normal(mean, sd) [min].
    service_cv : float
        Coefficient of variation of the actual service time (lognormal, mean 1) [-].
    walk_in_share : float
        Share of trucks that come without a booking under the appointment policies [-].
    """

    no_show: float = Field(default=0.05, ge=0, lt=1)
    late_mean_min: float = 5.0
    late_sd_min: float = Field(default=20.0, ge=0)
    service_cv: float = Field(default=0.15, ge=0, le=2)
    walk_in_share: float = Field(default=0.05, ge=0, le=1)


class EnergyParams(_Model):
    """Figures that turn the day into activity data; None takes ``data/yard/reference.csv``.

    Parameters
    ----------
    idle_fuel_l_per_h : float, optional
        Diesel of a heavy truck idling [L/h].
    idle_share : float, optional
        Share of waiting time with the engine running [-].
    warehouse_kw : float, optional
        Electric power that runs while the warehouse docks operate [kW].
    operating_days_per_year : float, optional
        Days like this one per year [d/yr].
    """

    idle_fuel_l_per_h: float | None = Field(default=None, ge=0)
    idle_share: float | None = Field(default=None, ge=0, le=1)
    warehouse_kw: float | None = Field(default=None, ge=0)
    operating_days_per_year: float | None = Field(default=None, gt=0, le=366)

    def resolved(self) -> dict[str, float]:
        """The four figures with data defaults filled in [L/h, -, kW, d/yr]."""
        return {
            "idle_fuel_l_per_h": _or(self.idle_fuel_l_per_h, "idle_fuel_l_per_h"),
            "idle_share": _or(self.idle_share, "idle_share_of_waiting"),
            "warehouse_kw": _or(self.warehouse_kw, "warehouse_kw"),
            "operating_days_per_year": _or(self.operating_days_per_year, "operating_days_per_year"),
        }


def _or(value: float | None, name: str) -> float:
    return float(value) if value is not None else reference_value(name)


class OptimiserParams(_Model):
    """Settings of the optimised policy.

    Parameters
    ----------
    time_limit_s : float
        CP-SAT budget of the day's schedule [s].
    reopt_time_limit_s : float
        CP-SAT budget of one re-optimisation [s].
    reopt_every_min : int
        At most one re-optimisation per this much simulated time [min].
    deviation_min : int
        A check-in further than this from the plan triggers a re-optimisation [min].
    horizon_min : int
        Re-optimise trucks expected within this much time from now [min].
    gap_tolerance_min : int
        A free dock may take an unplanned waiting truck when it finishes at most this long
        after the dock's next planned start [min].
    workers : int
        CP-SAT search workers [-].
    """

    time_limit_s: float = Field(default=5.0, gt=0)
    reopt_time_limit_s: float = Field(default=0.5, gt=0)
    reopt_every_min: int = Field(default=30, ge=1)
    deviation_min: int = Field(default=15, ge=0)
    horizon_min: int = Field(default=90, ge=15)
    gap_tolerance_min: int = Field(default=10, ge=0)
    workers: int = Field(default=2, ge=1)


class Scenario(_Model):
    """A simulated day: the yard, its trucks, behaviour, energy figures and policies.

    Parameters
    ----------
    name : str
    yard : Yard
    demand : Demand
    behaviour : Behaviour
    energy : EnergyParams
    optimiser : OptimiserParams
    policies : list of str
        Policy names (:data:`POLICIES`); the first is the baseline of the lever result.
    overtime_min : int
        Docks may start trucks until this long after closing; later trucks are turned away [min].
    park : Path, optional
        Park YAML whose factors value the activities (relative to the scenario file).
    year : int
        Year of the activities [-].
    """

    name: str = "scenario"
    yard: Yard
    demand: Demand = Demand()
    behaviour: Behaviour = Behaviour()
    energy: EnergyParams = EnergyParams()
    optimiser: OptimiserParams = OptimiserParams()
    policies: tuple[str, ...] = ("fcfs", "appointments_fcfs", "appointments_optimised")
    overtime_min: int = Field(default=240, ge=0)
    park: Path | None = None
    year: int = Field(default=2024, ge=1990, le=2100)

    @field_validator("policies")
    @classmethod
    def _policies(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for p in v:
            if p not in POLICIES:
                raise ValueError(f"unknown policy {p!r}; expected one of {', '.join(POLICIES)}")
        if not v:
            raise ValueError("name at least one policy")
        return v


def scenario_from_dict(
    data: Any, *, source: str = "<scenario>", base_dir: Path | None = None
) -> Scenario:
    """Validate a scenario: a mapping with ``scenario:`` and ``yard:`` sections.

    Raises
    ------
    ConfigError
        Naming `source` and the field path of the first problem.
    """
    if not isinstance(data, dict) or "yard" not in data:
        raise ConfigError("expected a mapping with `scenario:` and `yard:` sections", source=source)
    body = dict(data.get("scenario") or {})
    body["yard"] = data["yard"]
    if body.get("park") and base_dir is not None:
        body["park"] = str((base_dir / str(body["park"])).resolve())
    try:
        return Scenario.model_validate(body)
    except ValidationError as exc:
        err = _validation_error(exc, source)
        col = err.column or ""
        if col and not col.startswith("yard"):
            col = "scenario." + col
        raise ConfigError(err.message, source=source, column=col or None) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML (see ``examples/yard/demo-day.yaml``).

    Raises
    ------
    ConfigError
        File missing, not YAML or invalid; names the file and field.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError("scenario file not found", source=str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"not valid YAML: {exc}", source=str(path), row=mark.line + 1 if mark else None
        ) from None
    return scenario_from_dict(data, source=str(path), base_dir=path.parent)


# ---------------------------------------------------------------------------------------------
# The day's trucks


@dataclass(frozen=True)
class Visit:
    """One truck of the simulated day.

    Parameters
    ----------
    id, carrier, plate : str
    direction, cargo, vehicle : str
    pallets : int
    preferred_min : float
        When it would arrive without appointments [min after midnight].
    appointment_min : int or None
        Booked slot start; None for a walk-in [min].
    appointment_dock : str or None
        Dock of the booking [-].
    lateness_min : float
        Arrival minus slot start for a booked truck [min].
    no_show : bool
        The truck does not come.
    service_factor : float
        Actual / expected service time [-].
    """

    id: str
    carrier: str
    plate: str
    direction: str
    cargo: str
    vehicle: str
    pallets: int
    preferred_min: float
    appointment_min: int | None
    appointment_dock: str | None
    lateness_min: float
    no_show: bool
    service_factor: float

    def appointment(self) -> Appointment:
        """As the model's :class:`~parkzero.yard.models.Appointment` (window = its slot)."""
        start = self.appointment_min if self.appointment_min is not None else self.preferred_min
        return Appointment(
            id=self.id,
            carrier=self.carrier,
            plate=self.plate,
            direction=self.direction,  # type: ignore[arg-type]
            cargo=self.cargo,  # type: ignore[arg-type]
            vehicle=self.vehicle,  # type: ignore[arg-type]
            pallets=self.pallets,
            window_start=math.floor(start),
        )


@dataclass(frozen=True)
class SimDay:
    """The trucks of one seed, shared by every policy (common random numbers)."""

    seed: int
    visits: tuple[Visit, ...]


def _pick(rng: np.random.Generator, shares: Mapping[Any, float]) -> str:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return str(keys[int(rng.choice(len(keys), p=p / p.sum()))])


def generate_day(scenario: Scenario, seed: int) -> SimDay:
    """Draw the day's trucks and book their appointments (see the module docstring).

    Trucks that no dock of the yard can serve are redrawn as dry cargo on a trailer.
    """
    rng = np.random.default_rng(seed)
    dem, beh, yard = scenario.demand, scenario.behaviour, scenario.yard
    profile = np.array(dem.arrival_profile or arrival_profile(), dtype=float)
    profile = profile / profile.sum()
    n = dem.trucks
    hours = rng.choice(24, size=n, p=profile)
    preferred = hours * 60 + rng.uniform(0, 60, size=n)
    lateness = rng.normal(beh.late_mean_min, beh.late_sd_min, size=n)
    no_show = rng.random(n) < beh.no_show
    walk = rng.random(n) < beh.walk_in_share
    sigma = math.sqrt(math.log(1 + beh.service_cv**2))
    factor = rng.lognormal(-(sigma**2) / 2, sigma, size=n)
    lo, hi = sorted((dem.pallets_min, dem.pallets_max))
    pallets = rng.integers(lo, hi + 1, size=n)
    raw = []
    for _ in range(n):
        direction = "inbound" if rng.random() < dem.inbound_share else "outbound"
        cargo = _pick(rng, dem.cargo)
        vehicle = _pick(rng, dem.vehicle)
        if not yard.compatible(direction, cargo, vehicle):  # type: ignore[arg-type]
            cargo, vehicle = "dry", "trailer"
        raw.append((direction, cargo, vehicle))
    order = rng.permutation(n)  # the order in which carriers book
    taken: set[tuple[str, int]] = set()
    booked: dict[int, tuple[int, str]] = {}
    for i in order:
        if walk[i]:
            continue
        direction, cargo, vehicle = raw[i]
        visit: dict[str, Any] = dict(
            direction=direction, cargo=cargo, vehicle=vehicle, pallets=int(pallets[i])
        )
        res = find_reservation(yard, taken=taken, near_min=float(preferred[i]), **visit)
        if res is None:
            continue
        taken.update((res.dock, u) for u in res.units)
        booked[int(i)] = (res.start_min, res.dock)
    visits = []
    for i in range(n):
        direction, cargo, vehicle = raw[i]
        slot = booked.get(i)
        visits.append(
            Visit(
                id=f"T{i + 1:04d}",
                carrier=f"C{int(rng.integers(1, dem.carriers + 1)):02d}",
                plate=f"鄂A{int(rng.integers(10000, 99999))}",
                direction=direction,
                cargo=cargo,
                vehicle=vehicle,
                pallets=int(pallets[i]),
                preferred_min=float(preferred[i]),
                appointment_min=slot[0] if slot else None,
                appointment_dock=slot[1] if slot else None,
                lateness_min=float(lateness[i]),
                no_show=bool(no_show[i]),
                service_factor=float(factor[i]),
            )
        )
    return SimDay(seed, tuple(visits))


# ---------------------------------------------------------------------------------------------
# The simulator


@dataclass
class _Truck:
    visit: Visit
    arrival: float
    handling: dict[str, int]  # expected service time per compatible dock [min]
    start: float | None = None
    end: float | None = None
    dock: str | None = None


class DockPolicy(Protocol):
    """How trucks come and which waiting truck a free dock calls.

    ``uses_appointments`` selects the arrival model; ``start`` runs before the day,
    ``on_arrival`` at each check-in, ``on_tick`` every ``tick_min`` simulated minutes, and
    ``choose`` when dock ``dock`` is free: it returns the id of a waiting truck or None.
    """

    name: str
    uses_appointments: bool

    @property
    def tick_min(self) -> int | None: ...

    def start(self, sim: YardSim) -> None: ...

    def on_arrival(self, sim: YardSim, truck: _Truck) -> None: ...

    def on_tick(self, sim: YardSim) -> None: ...

    def choose(self, sim: YardSim, dock: str, waiting: Sequence[_Truck]) -> str | None: ...


class YardSim:
    """One simulated day of one policy (SimPy); read the results from :meth:`result`.

    Parameters
    ----------
    scenario : Scenario
    day : SimDay
    policy : DockPolicy
    model : ServiceTimeModel, optional
        Expected service times [min].
    """

    def __init__(
        self,
        scenario: Scenario,
        day: SimDay,
        policy: DockPolicy,
        model: ServiceTimeModel | None = None,
    ) -> None:
        self.scenario, self.day, self.policy = scenario, day, policy
        self.yard: Yard = scenario.yard
        self.model = model or ServiceTimeModel()
        self.env = simpy.Environment()
        self.hours = {d.id: self.yard.dock_hours(d) for d in self.yard.docks}
        self.free: dict[str, bool] = {d.id: True for d in self.yard.docks}
        self.busy_until: dict[str, float] = {d.id: 0.0 for d in self.yard.docks}
        self.trucks: dict[str, _Truck] = {}
        self.waiting: dict[str, _Truck] = {}
        self.turned_away: list[_Truck] = []
        self.workers_busy = 0
        self.solver_calls = 0
        self.solver_s = 0.0
        for v in day.visits:
            if v.no_show:
                continue
            if policy.uses_appointments and v.appointment_min is not None:
                arrival = max(0.0, v.appointment_min + v.lateness_min)
            else:
                arrival = v.preferred_min
            handling = {
                d.id: self.model.minutes(d.kind, v.direction, v.pallets)  # type: ignore[arg-type]
                for d in self.yard.compatible(v.direction, v.cargo, v.vehicle)  # type: ignore[arg-type]
            }
            self.trucks[v.id] = _Truck(v, arrival, handling)

    @property
    def now(self) -> float:
        """Simulated time [min after midnight]."""
        return float(self.env.now)

    def workers_on_shift(self, t: float) -> float:
        """Dock workers on shift at `t`; infinite when the yard has no shifts [-]."""
        if not self.yard.shifts:
            return math.inf
        return float(sum(s.workers for s in self.yard.shifts if s.start <= t < s.end))

    def dock_open(self, dock: str, t: float) -> bool:
        """Whether `dock` may start a truck at `t` (opening hours plus overtime)."""
        o, c = self.hours[dock]
        return o <= t < c + self.scenario.overtime_min

    def expected_service(self, truck: _Truck, dock: str) -> int:
        """Expected service time of `truck` at `dock` [min]."""
        return truck.handling[dock]

    # -- processes ---------------------------------------------------------------------------

    def _arrive(self, truck: _Truck) -> Any:
        yield self.env.timeout(truck.arrival)
        self.waiting[truck.visit.id] = truck
        self.policy.on_arrival(self, truck)
        self.dispatch()

    def _serve(self, truck: _Truck, dock: str) -> Any:
        duration = truck.handling[dock] * truck.visit.service_factor
        yield self.env.timeout(duration)
        truck.end = self.now
        self.free[dock] = True
        self.workers_busy -= 1
        self.dispatch()

    def _wake(self, times: Sequence[float]) -> Any:
        last = 0.0
        for t in sorted(set(times)):
            yield self.env.timeout(t - last)
            last = t
            self.dispatch()

    def _ticker(self, every: int) -> Any:
        end = max(c for _, c in self.hours.values()) + self.scenario.overtime_min
        while self.now < end:
            yield self.env.timeout(every)
            self.policy.on_tick(self)
            self.dispatch()

    def _closer(self) -> Any:
        end = max(c for _, c in self.hours.values()) + self.scenario.overtime_min
        yield self.env.timeout(end)
        for t in list(self.waiting.values()):
            self.turned_away.append(t)
            del self.waiting[t.visit.id]

    def dispatch(self) -> None:
        """Start trucks at every free, open dock the policy calls a waiting truck to."""
        if not self.waiting:
            return
        for dock in self.free:
            if not self.waiting:
                return
            if not self.free[dock] or not self.dock_open(dock, self.now):
                continue
            if self.workers_busy + 1 > self.workers_on_shift(self.now):
                return
            candidates = [t for t in self.waiting.values() if dock in t.handling]
            if not candidates:
                continue
            pick = self.policy.choose(self, dock, candidates)
            if pick is None:
                continue
            truck = self.waiting.pop(pick)
            truck.start, truck.dock = self.now, dock
            self.free[dock] = False
            self.busy_until[dock] = self.now + truck.handling[dock]
            self.workers_busy += 1
            self.env.process(self._serve(truck, dock))

    def run(self) -> PolicyResult:
        """Simulate the day and return the measures."""
        t0 = time.perf_counter()
        self.policy.start(self)
        for truck in self.trucks.values():
            self.env.process(self._arrive(truck))
        wake = [o for o, _ in self.hours.values()]
        wake += [s.start for s in self.yard.shifts]
        self.env.process(self._wake(wake))
        if self.policy.tick_min:
            self.env.process(self._ticker(self.policy.tick_min))
        self.env.process(self._closer())
        self.env.run()
        return self.result(time.perf_counter() - t0)

    def result(self, wall_s: float = 0.0) -> PolicyResult:
        """Measures of the simulated day (see the module docstring)."""
        served = [t for t in self.trucks.values() if t.start is not None and t.end is not None]
        starts_l = [float(t.start or 0.0) for t in served]
        ends_l = [float(t.end or 0.0) for t in served]
        arrivals = np.array([t.arrival for t in served], dtype=np.float64)
        starts = np.array(starts_l, dtype=np.float64)
        ends = np.array(ends_l, dtype=np.float64)
        wait = starts - arrivals
        turn = ends - arrivals
        busy = float(np.sum(ends - starts))
        open_min = float(sum(c - o for o, c in self.hours.values()))
        first_open = min(o for o, _ in self.hours.values())
        last = max(ends_l) if ends_l else float(first_open)
        grid = np.arange(0, max(24 * 60, math.ceil(float(last)) + 15), 15)
        queue = [int(np.sum((arrivals <= g) & (starts > g))) for g in grid]
        cap = self.yard.buffer_capacity
        over = sum(max(0, q - cap) * 15 for q in queue) if cap is not None else 0
        energy = self.scenario.energy.resolved()
        idle_h = float(wait.sum()) / 60.0 * energy["idle_share"]
        operating_h = (float(last) - first_open) / 60.0
        return PolicyResult(
            policy=self.policy.name,
            seed=self.day.seed,
            trucks=len(self.trucks),
            served=len(served),
            turned_away=len(self.turned_away),
            mean_wait_min=float(wait.mean()) if len(wait) else 0.0,
            p95_wait_min=float(np.percentile(wait, 95)) if len(wait) else 0.0,
            max_wait_min=float(wait.max()) if len(wait) else 0.0,
            mean_turnaround_min=float(turn.mean()) if len(turn) else 0.0,
            p95_turnaround_min=float(np.percentile(turn, 95)) if len(turn) else 0.0,
            dock_utilisation=busy / open_min if open_min else 0.0,
            queue_mean=float(np.mean(queue)),
            queue_max=int(max(queue)),
            queue_profile=tuple(zip((int(g) for g in grid), queue, strict=True)),
            buffer_overflow_truck_h=over / 60.0,
            idle_h=idle_h,
            idle_fuel_l=idle_h * energy["idle_fuel_l_per_h"],
            operating_h=operating_h,
            warehouse_kwh=operating_h * energy["warehouse_kw"],
            last_departure_min=float(last),
            solver_calls=self.solver_calls,
            solver_s=self.solver_s,
            wall_s=wall_s,
        )


@dataclass(frozen=True)
class PolicyResult:
    """What one policy did with one simulated day.

    Parameters
    ----------
    policy : str
    seed : int
    trucks, served, turned_away : int
        Trucks that came, were served, were not served by the end of overtime [-].
    mean_wait_min, p95_wait_min, max_wait_min : float
        Waiting from gate arrival to the start of service [min].
    mean_turnaround_min, p95_turnaround_min : float
        Gate arrival to departure [min].
    dock_utilisation : float
        Busy time / opening hours of all docks [-].
    queue_mean, queue_max : float, int
        Trucks waiting, sampled every 15 min [-].
    queue_profile : tuple of (minute, trucks)
        The queue over the day [min, -].
    buffer_overflow_truck_h : float
        Truck-hours of queue beyond the buffer capacity [h].
    idle_h, idle_fuel_l : float
        Engine idling [h] and its diesel [L] for the day.
    operating_h, warehouse_kwh : float
        First dock opening to last departure [h] and its electricity [kWh].
    last_departure_min : float
        [min after midnight].
    solver_calls, solver_s, wall_s
        CP-SAT calls [-], their time and the whole run's time [s].
    """

    policy: str
    seed: int
    trucks: int
    served: int
    turned_away: int
    mean_wait_min: float
    p95_wait_min: float
    max_wait_min: float
    mean_turnaround_min: float
    p95_turnaround_min: float
    dock_utilisation: float
    queue_mean: float
    queue_max: int
    queue_profile: tuple[tuple[int, int], ...]
    buffer_overflow_truck_h: float
    idle_h: float
    idle_fuel_l: float
    operating_h: float
    warehouse_kwh: float
    last_departure_min: float
    solver_calls: int = 0
    solver_s: float = 0.0
    wall_s: float = 0.0

    def as_dict(self, *, profile: bool = True) -> dict[str, Any]:
        """JSON-ready fields (``queue_profile`` as ``[[minute, trucks], …]`` when asked)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["queue_profile"] = [list(p) for p in self.queue_profile] if profile else None
        if not profile:
            del out["queue_profile"]
        return out


# ---------------------------------------------------------------------------------------------
# Policies


class FcfsPolicy:
    """No appointments: the longest-waiting compatible truck goes to the free dock."""

    name = "fcfs"
    uses_appointments = False
    tick_min: int | None = None

    def start(self, sim: YardSim) -> None:
        """Nothing to plan."""

    def on_arrival(self, sim: YardSim, truck: _Truck) -> None:
        """Nothing to do."""

    def on_tick(self, sim: YardSim) -> None:
        """Nothing to do."""

    def choose(self, sim: YardSim, dock: str, waiting: Sequence[_Truck]) -> str | None:
        """The earliest arrival among `waiting` [-]."""
        return min(waiting, key=lambda t: (t.arrival, t.visit.id)).visit.id


class AppointmentFcfsPolicy(FcfsPolicy):
    """Appointments level the arrivals; docks still serve first-come-first-served."""

    name = "appointments_fcfs"
    uses_appointments = True


@dataclass
class OptimisedPolicy:
    """Appointments scheduled by CP-SAT, trucks called to their planned dock, re-optimised.

    Parameters
    ----------
    params : OptimiserParams
    solver : callable, optional
        ``solver(problem) -> Schedule``; default :func:`parkzero.yard.scheduler.solve` with
        ``params.time_limit_s``.
    reoptimiser : callable, optional
        ``reoptimiser(problem, current, now_min) -> Schedule``; default
        :func:`parkzero.yard.scheduler.reoptimise` with ``params.reopt_time_limit_s``.
    seed : int
        CP-SAT random seed [-].
    """

    params: OptimiserParams = field(default_factory=OptimiserParams)
    solver: Solver | None = None
    reoptimiser: Reoptimiser | None = None
    seed: int = 0
    work_conserving: bool = True
    name: str = "appointments_optimised"
    uses_appointments: bool = True
    plan: dict[str, Assignment] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    dirty: bool = False
    last_reopt: float = -math.inf

    @property
    def tick_min(self) -> int | None:
        """Re-optimisation check interval [min]."""
        return self.params.reopt_every_min

    def _solvers(self) -> tuple[Solver, Reoptimiser]:
        if self.solver is not None and self.reoptimiser is not None:
            return self.solver, self.reoptimiser
        from parkzero.yard import scheduler  # lazy: OR-Tools loads only when needed

        p = self.params
        first = scheduler.CpSatParams(
            time_limit_s=p.time_limit_s, workers=p.workers, seed=self.seed
        )
        again = scheduler.CpSatParams(
            time_limit_s=p.reopt_time_limit_s, workers=p.workers, seed=self.seed
        )
        solver = self.solver or (lambda prob: scheduler.solve(prob, first))
        reopt = self.reoptimiser or (
            lambda prob, cur, now: scheduler.reoptimise(prob, cur, now, again)
        )
        return solver, reopt

    def start(self, sim: YardSim) -> None:
        """Schedule the day's bookings (release = slot start)."""
        solver, _ = self._solvers()
        booked = [v for v in sim.day.visits if v.appointment_min is not None]
        problem = to_problem(
            sim.yard,
            [v.appointment() for v in booked],
            model=sim.model,
            overtime_min=sim.scenario.overtime_min,
        )
        t0 = time.perf_counter()
        schedule = solver(problem)
        sim.solver_calls += 1
        sim.solver_s += time.perf_counter() - t0
        self.plan = {a.truck: a for a in schedule.assignments}

    def on_arrival(self, sim: YardSim, truck: _Truck) -> None:
        """Mark the plan stale when the truck is a walk-in or off its plan by > deviation."""
        planned = self.plan.get(truck.visit.id)
        if planned is None or abs(truck.arrival - planned.start_min) > self.params.deviation_min:
            self.dirty = True

    def on_tick(self, sim: YardSim) -> None:
        """Detect no-shows; re-optimise the next ``horizon_min`` when the plan is stale."""
        grace = sim.yard.rules.no_show_grace_min
        for v in sim.day.visits:
            if (
                v.appointment_min is not None
                and v.id not in self.absent
                and v.appointment_min + grace <= sim.now
                and (v.no_show or sim.trucks[v.id].arrival > sim.now)
            ):
                self.absent.add(v.id)  # not checked in within the grace: a no-show for now
                self.dirty = self.dirty or v.id in self.plan
        if self.dirty and sim.now - self.last_reopt >= self.params.reopt_every_min:
            self._reoptimise(sim)

    def _reoptimise(self, sim: YardSim) -> None:
        _, reopt = self._solvers()
        now = math.ceil(sim.now)
        horizon = now + self.params.horizon_min
        jobs: list[TruckJob] = []
        current: list[Assignment] = []
        for tid, t in sim.trucks.items():
            if t.start is not None:
                continue
            arrived = tid in sim.waiting
            if not arrived and (tid in self.absent or tid not in self.plan):
                continue
            planned = self.plan.get(tid)
            expected = t.arrival if arrived else float(planned.start_min if planned else horizon)
            if expected > horizon:
                continue
            release = max(now, math.ceil(expected))
            fixed = planned if planned is not None and planned.start_min >= now else None
            jobs.append(
                TruckJob(
                    id=tid,
                    release_min=release,
                    handling_min=dict(t.handling),
                    fixed_dock=fixed.dock if fixed else None,
                    fixed_start_min=fixed.start_min if fixed else None,
                )
            )
            if fixed is not None:
                current.append(fixed)
        if not jobs:
            self.dirty = False
            return
        docks = []
        for d, (o, c) in sim.hours.items():
            ready = now if sim.free[d] else max(now, math.ceil(sim.busy_until[d]))
            docks.append(
                DockSlot(d, max(o, ready), max(max(o, ready) + 1, c + sim.scenario.overtime_min))
            )
        problem = DockProblem(trucks=tuple(jobs), docks=tuple(docks), name="reopt")
        t0 = time.perf_counter()
        schedule = reopt(problem, Schedule(tuple(current), 0.0, True), now)
        sim.solver_calls += 1
        sim.solver_s += time.perf_counter() - t0
        for a in schedule.assignments:
            self.plan[a.truck] = a
        self.dirty = False
        self.last_reopt = sim.now

    def choose(self, sim: YardSim, dock: str, waiting: Sequence[_Truck]) -> str | None:
        """Call (叫号) the waiting truck planned at `dock` with the earliest planned start.

        When none is planned here, a truck planned elsewhere (or a walk-in not yet planned)
        may take the dock if it would finish by the dock's next planned start plus
        ``gap_tolerance_min``, or if it has waited longer than ``gap_tolerance_min`` past its
        planned start (the plan is stale); among those the earliest planned start goes first.
        """
        plan = self.plan
        mine = [t for t in waiting if (a := plan.get(t.visit.id)) is not None and a.dock == dock]
        if mine:
            return min(mine, key=lambda t: (plan[t.visit.id].start_min, t.arrival)).visit.id
        now = sim.now
        tol = self.params.gap_tolerance_min
        upcoming = [
            a.start_min
            for tid, a in plan.items()
            if a.dock == dock
            and tid not in self.absent
            and tid in sim.trucks
            and sim.trucks[tid].start is None
        ]
        next_start = min(upcoming) if upcoming else math.inf
        best: tuple[float, float, str] | None = None
        for t in waiting:
            a = plan.get(t.visit.id)
            if a is not None and sim.free.get(a.dock, False) and sim.dock_open(a.dock, now):
                continue  # its own dock is free: it is called there
            due = float(a.start_min) if a is not None else t.arrival
            fits = now + t.handling[dock] <= next_start + tol
            overdue = now - due > tol
            if not (fits or overdue or self.work_conserving):
                continue
            key = (due, t.arrival, t.visit.id)
            if best is None or key < best:
                best = key
        return best[2] if best else None


#: Policy names accepted in a scenario.
POLICIES: tuple[str, ...] = ("fcfs", "appointments_fcfs", "appointments_optimised")


def make_policy(
    name: str,
    scenario: Scenario,
    *,
    seed: int = 0,
    solver: Solver | None = None,
    reoptimiser: Reoptimiser | None = None,
) -> DockPolicy:
    """A fresh policy object by name (:data:`POLICIES`)."""
    if name == "fcfs":
        return FcfsPolicy()
    if name == "appointments_fcfs":
        return AppointmentFcfsPolicy()
    if name == "appointments_optimised":
        return OptimisedPolicy(scenario.optimiser, solver, reoptimiser, seed)
    raise ConfigError(f"unknown policy {name!r}; expected one of {', '.join(POLICIES)}")


def simulate_day(scenario: Scenario, day: SimDay, policy: DockPolicy) -> PolicyResult:
    """Play `day` under `policy` (SimPy) and measure it."""
    return YardSim(scenario, day, policy).run()


def simulate(
    scenario: Scenario,
    seed: int = 0,
    *,
    policies: Sequence[str] | None = None,
    solver: Solver | None = None,
    reoptimiser: Reoptimiser | None = None,
) -> dict[str, PolicyResult]:
    """Every policy of the scenario on the day drawn with `seed`, by policy name."""
    day = generate_day(scenario, seed)
    out: dict[str, PolicyResult] = {}
    for name in policies or scenario.policies:
        policy = make_policy(name, scenario, seed=seed, solver=solver, reoptimiser=reoptimiser)
        out[name] = simulate_day(scenario, day, policy)
    return out


def lever_result(
    scenario: Scenario,
    baseline: PolicyResult | Sequence[PolicyResult],
    result: PolicyResult | Sequence[PolicyResult],
) -> LeverResult:
    """The lever ``yard.appointments``: baseline vs scenario activities for one year.

    Days are averaged over the results given (one per seed) and scaled by
    ``operating_days_per_year``: diesel burnt idling (``fuel.diesel.mobile`` [L]) and
    warehouse electricity during dock operating hours (``electricity.grid`` [kWh]).
    """
    base = [baseline] if isinstance(baseline, PolicyResult) else list(baseline)
    scen = [result] if isinstance(result, PolicyResult) else list(result)
    energy = scenario.energy.resolved()
    days = energy["operating_days_per_year"]
    first, last = dt.date(scenario.year, 1, 1), dt.date(scenario.year, 12, 31)

    def activities(rs: Sequence[PolicyResult]) -> tuple[Activity, ...]:
        fuel = float(np.mean([r.idle_fuel_l for r in rs])) * days
        kwh = float(np.mean([r.warehouse_kwh for r in rs])) * days
        return (
            Activity(
                "fuel.diesel.mobile",
                fuel,
                "L",
                first,
                last,
                quality="estimated",
                source_id=f"yard-sim:{scenario.name}:idling",
            ),
            Activity(
                "electricity.grid",
                kwh,
                "kWh",
                first,
                last,
                quality="estimated",
                source_id=f"yard-sim:{scenario.name}:warehouse",
            ),
        )

    def mean(rs: Sequence[PolicyResult], key: str) -> float:
        return float(np.mean([getattr(r, key) for r in rs]))

    metrics = {
        "baseline_mean_wait_min": mean(base, "mean_wait_min"),
        "mean_wait_min": mean(scen, "mean_wait_min"),
        "baseline_p95_wait_min": mean(base, "p95_wait_min"),
        "p95_wait_min": mean(scen, "p95_wait_min"),
        "mean_turnaround_min": mean(scen, "mean_turnaround_min"),
        "dock_utilisation": mean(scen, "dock_utilisation"),
        "idle_fuel_l_per_day_saved": mean(base, "idle_fuel_l") - mean(scen, "idle_fuel_l"),
        "warehouse_kwh_per_day_saved": mean(base, "warehouse_kwh") - mean(scen, "warehouse_kwh"),
    }
    return LeverResult(
        lever="yard.appointments",
        baseline=activities(base),
        scenario=activities(scen),
        metrics=metrics,
        evidence={
            "method": "SimPy yard simulation (parkzero.yard.simulation)",
            "scenario": scenario.name,
            "baseline_policy": base[0].policy,
            "policy": scen[0].policy,
            "seeds": [r.seed for r in scen],
            "energy": energy,
            "optimiser": scenario.optimiser.model_dump(),
        },
    )
