"""The yard as its dispatcher describes it: gates, docks, shifts, buffer, carriers, appointments.

A :class:`Yard` is loaded from YAML (:func:`load_yard`) and turned, with the day's
:class:`Appointment` list, into the solver contract :class:`~parkzero.yard.problem.DockProblem`
by :func:`to_problem`. Times of day are written ``"HH:MM"`` (``"24:00"`` is midnight at the end
of the day) or as whole minutes after midnight; internally they are minutes [min].

YAML::

    yard:
      id: demo-wuhan-yard
      park_id: demo-wuhan
      timezone: Asia/Shanghai
      hours: {open: "05:00", close: "23:00"}     # default opening hours of every dock
      slot_min: 15                               # booking slot length [min]
      buffer_capacity: 80                        # trucks that fit in the waiting area [-]
      gates: [{id: north, lanes: 2}]
      docks:
        - {id: IN, count: 20, direction: inbound}          # IN-01 … IN-20
        - {id: RF, count: 6, direction: both, reefer: true}
        - {id: VAN, count: 2, direction: both, door: ground, open: "07:00", close: "19:00"}
      shifts:
        - {id: early, start: "05:00", end: "14:00", workers: 40}
      carriers: [{id: sf, name: 顺丰}]
      rules: {book_cutoff_min: 60, cancel_cutoff_min: 120, no_show_grace_min: 30}

Compatibility (:meth:`Dock.accepts`): the dock's direction must be the visit's or ``both``;
chilled and frozen cargo needs a reefer dock (a reefer dock also takes dry cargo); trailers and
rigid trucks need a leveller door, vans may use a ground-level door or a leveller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from parkzero.errors import ConfigError
from parkzero.yard.estimates import Direction, DockKind, ServiceTimeModel
from parkzero.yard.problem import DockProblem, DockSlot, StaffWindow, TruckJob

__all__ = [
    "Appointment",
    "BookingRules",
    "Cargo",
    "Carrier",
    "Dock",
    "DockDirection",
    "DoorType",
    "Gate",
    "Hours",
    "Shift",
    "Vehicle",
    "Yard",
    "format_hhmm",
    "load_yard",
    "parse_time",
    "to_problem",
    "yard_from_dict",
]

DockDirection = Literal["inbound", "outbound", "both"]
Cargo = Literal["dry", "chilled", "frozen"]
DoorType = Literal["leveller", "ground"]
Vehicle = Literal["trailer", "rigid", "van"]

_DAY = 24 * 60


def parse_time(value: Any, *, field: str = "time") -> int:
    """Minutes after midnight from ``"HH:MM"`` or an integer [min].

    >>> parse_time("05:30"), parse_time("24:00"), parse_time(90)
    (330, 1440, 90)
    """
    if isinstance(value, bool):
        raise ValueError(f"{field}: expected HH:MM or minutes, got {value!r}")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, str):
        parts = value.strip().split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"{field}: {value!r} is not a time of day (expected HH:MM)")
        hh, mm = int(parts[0]), int(parts[1])
        if mm >= 60:
            raise ValueError(f"{field}: {value!r} has minutes ≥ 60")
        minutes = hh * 60 + mm
    else:
        raise ValueError(f"{field}: expected HH:MM or minutes, got {value!r}")
    if not 0 <= minutes <= 2 * _DAY:
        raise ValueError(f"{field}: {value!r} is outside 00:00–48:00")
    return minutes


def format_hhmm(minutes: float) -> str:
    """``"HH:MM"`` of minutes after midnight [min] (past 24:00 when the day overruns).

    >>> format_hhmm(330), format_hhmm(1500)
    ('05:30', '25:00')
    """
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Gate(_Model):
    """A gate of the yard: ``lanes`` check-in lanes [-]."""

    id: str
    lanes: int = Field(default=1, ge=1)


class Hours(_Model):
    """Opening hours [min after midnight]; accepts ``"HH:MM"``."""

    open: int = 0
    close: int = _DAY

    @field_validator("open", "close", mode="before")
    @classmethod
    def _time(cls, v: Any) -> int:
        return parse_time(v)

    @model_validator(mode="after")
    def _order(self) -> Hours:
        if self.close <= self.open:
            raise ValueError(f"close ({format_hhmm(self.close)}) must be after open")
        return self


class Dock(_Model):
    """A loading dock (door).

    Parameters
    ----------
    id : str
        Dock id; with ``count`` > 1 in the YAML, the prefix of ``{id}-01`` … [-].
    direction : {"inbound", "outbound", "both"}
        Receiving, shipping or both [-].
    reefer : bool
        Temperature-controlled (chilled and frozen cargo) [-].
    door : {"leveller", "ground"}
        Dock leveller at trailer-bed height, or a ground-level door for vans [-].
    open, close : int or None
        Opening hours; None takes the yard's ``hours`` [min after midnight].
    """

    id: str
    direction: DockDirection = "both"
    reefer: bool = False
    door: DoorType = "leveller"
    open: int | None = None
    close: int | None = None

    @field_validator("open", "close", mode="before")
    @classmethod
    def _time(cls, v: Any) -> int | None:
        return None if v is None else parse_time(v)

    @property
    def kind(self) -> DockKind:
        """``"reefer"`` or ``"dry"``: selects the handling rate [-]."""
        return "reefer" if self.reefer else "dry"

    def accepts(self, direction: Direction, cargo: Cargo, vehicle: Vehicle = "trailer") -> bool:
        """Whether this dock may serve a visit (see the module docstring).

        >>> Dock(id="D", direction="inbound").accepts("inbound", "frozen")
        False
        """
        if self.direction != "both" and self.direction != direction:
            return False
        if cargo in ("chilled", "frozen") and not self.reefer:
            return False
        return not (vehicle != "van" and self.door != "leveller")


class Shift(_Model):
    """Dock workers on shift from ``start`` to ``end`` [min after midnight]; ``workers`` [-]."""

    id: str = ""
    start: int
    end: int
    workers: int = Field(ge=0)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, v: Any) -> int:
        return parse_time(v)

    @model_validator(mode="after")
    def _order(self) -> Shift:
        if self.end <= self.start:
            raise ValueError(f"shift end ({format_hhmm(self.end)}) must be after its start")
        return self


class Carrier(_Model):
    """A carrier (承运商) that books appointments: ``id`` and display ``name``."""

    id: str
    name: str = ""


class BookingRules(_Model):
    """Booking rules of the yard (see :mod:`parkzero.yard.booking`).

    Parameters
    ----------
    book_cutoff_min : int
        A slot can be booked until this long before it starts [min].
    cancel_cutoff_min : int
        A booking can be cancelled or moved until this long before it starts [min].
    no_show_grace_min : int
        A truck not checked in this long after its slot start is a no-show [min].
    early_checkin_min : int
        How early before its slot a truck may check in against its booking [min].
    horizon_days : int
        How many days ahead slots can be booked [d].
    """

    book_cutoff_min: int = Field(default=60, ge=0)
    cancel_cutoff_min: int = Field(default=120, ge=0)
    no_show_grace_min: int = Field(default=30, ge=0)
    early_checkin_min: int = Field(default=60, ge=0)
    horizon_days: int = Field(default=14, ge=1)


class Yard(_Model):
    """A yard: docks, their hours, staff, buffer, gates, carriers and booking rules.

    Parameters
    ----------
    id, park_id, name : str
        Identity; ``park_id`` ties it to a park in the store [-].
    timezone : str
        IANA zone of the local day that times refer to [-].
    hours : Hours
        Default dock opening hours [min after midnight].
    slot_min : int
        Booking slot length [min].
    buffer_capacity : int or None
        Trucks the waiting area holds [-]; None for unlimited.
    gates, docks, shifts, carriers : lists
    rules : BookingRules
    """

    id: str
    park_id: str = ""
    name: str = ""
    timezone: str = "Asia/Shanghai"
    hours: Hours = Hours()
    slot_min: int = Field(default=15, ge=5, le=240)
    buffer_capacity: int | None = Field(default=None, ge=0)
    gates: tuple[Gate, ...] = ()
    docks: tuple[Dock, ...]
    shifts: tuple[Shift, ...] = ()
    carriers: tuple[Carrier, ...] = ()
    rules: BookingRules = BookingRules()

    @field_validator("docks", mode="before")
    @classmethod
    def _expand(cls, v: Any) -> Any:
        if not isinstance(v, list):
            return v
        out: list[Any] = []
        for item in v:
            if isinstance(item, dict) and "count" in item:
                item = dict(item)
                count = item.pop("count")
                if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                    raise ValueError(f"count must be a positive integer, got {count!r}")
                prefix = item.get("id", "D")
                width = max(2, len(str(count)))
                out.extend({**item, "id": f"{prefix}-{k:0{width}d}"} for k in range(1, count + 1))
            else:
                out.append(item)
        return out

    @model_validator(mode="after")
    def _check(self) -> Yard:
        if not self.docks:
            raise ValueError("a yard needs at least one dock")
        for what, items in (("dock", self.docks), ("carrier", self.carriers)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{what} id {item.id!r} appears twice")
                seen.add(item.id)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None
        for d in self.docks:
            o, c = self.dock_hours(d)
            if c <= o:
                raise ValueError(f"dock {d.id}: close ({format_hhmm(c)}) must be after open")
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The yard's time zone [-]."""
        return ZoneInfo(self.timezone)

    def dock_hours(self, dock: Dock) -> tuple[int, int]:
        """Opening and closing time of `dock` [min after midnight]."""
        return (
            self.hours.open if dock.open is None else dock.open,
            self.hours.close if dock.close is None else dock.close,
        )

    def dock(self, dock_id: str) -> Dock:
        """The dock with id `dock_id`; :class:`ConfigError` when there is none."""
        for d in self.docks:
            if d.id == dock_id:
                return d
        raise ConfigError(f"no dock {dock_id!r} in yard {self.id!r}", column="dock")

    def carrier_ids(self) -> set[str]:
        """Ids of the carriers the yard knows [-]."""
        return {c.id for c in self.carriers}

    def compatible(
        self, direction: Direction, cargo: Cargo, vehicle: Vehicle = "trailer"
    ) -> tuple[Dock, ...]:
        """Docks that may serve a visit, in the yard's order."""
        return tuple(d for d in self.docks if d.accepts(direction, cargo, vehicle))

    def local(self, when: dt.datetime) -> tuple[dt.date, int]:
        """Local day and minute of day of an aware timestamp [date, min]."""
        if when.tzinfo is None:
            raise ValueError(f"naive datetime {when!r}: give a time zone")
        loc = when.astimezone(self.tz)
        return loc.date(), loc.hour * 60 + loc.minute


class Appointment(_Model):
    """A truck visit, booked or expected.

    Parameters
    ----------
    id : str
        Booking or visit id [-].
    carrier : str
        Carrier id [-].
    plate : str
        Truck licence plate [-].
    direction : {"inbound", "outbound"}
        Unloading into or loading out of the warehouse [-].
    cargo : {"dry", "chilled", "frozen"}
        Chilled and frozen cargo needs a reefer dock [-].
    pallets : int
        Pallets to handle [-].
    window_start, window_end : int
        Requested window; the truck may be served from ``window_start`` [min after midnight].
    vehicle : {"trailer", "rigid", "van"}
        Vehicle type; only vans can use ground-level doors [-].
    """

    id: str
    carrier: str = ""
    plate: str = ""
    direction: Direction
    cargo: Cargo = "dry"
    pallets: int = Field(ge=0, le=100)
    window_start: int
    window_end: int | None = None
    vehicle: Vehicle = "trailer"

    @field_validator("window_start", "window_end", mode="before")
    @classmethod
    def _time(cls, v: Any) -> int | None:
        return None if v is None else parse_time(v)


def _field_path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validation_error(exc: ValidationError, source: str, prefix: str = "") -> ConfigError:
    first = exc.errors()[0]
    field = _field_path([*([prefix] if prefix else []), *first["loc"]])
    extra = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    msg = str(first["msg"]).removeprefix("Value error, ")
    return ConfigError(f"{msg}{extra}", source=source, column=field or None)


def yard_from_dict(data: Any, *, source: str = "<yard>") -> Yard:
    """Validate a yard description: a mapping with a ``yard:`` section (or the section itself).

    Raises
    ------
    ConfigError
        Naming `source` and the field path of the first problem.
    """
    if isinstance(data, dict) and "yard" in data:
        data = data["yard"]
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with a `yard:` section", source=source)
    try:
        return Yard.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, source, "yard") from None


def load_yard(path: str | Path) -> Yard:
    """Read a yard YAML file (see the module docstring).

    Raises
    ------
    ConfigError
        File missing, not YAML, or invalid; the message names the file and field.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError("yard file not found", source=str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ConfigError(f"not valid YAML: {exc}", source=str(path), row=row) from None
    return yard_from_dict(data, source=str(path))


def to_problem(
    yard: Yard,
    appointments: Iterable[Appointment],
    *,
    model: ServiceTimeModel | None = None,
    overtime_min: int = 0,
    release: dict[str, int] | None = None,
    name: str = "",
) -> DockProblem:
    """The day's visits as the solver's :class:`~parkzero.yard.problem.DockProblem`.

    Each appointment becomes a :class:`~parkzero.yard.problem.TruckJob` released at its
    ``window_start`` (or ``release[id]`` when given, e.g. the actual gate arrival) with a
    service time at every compatible dock (:class:`ServiceTimeModel` of the dock's kind);
    incompatible docks are left out, which forbids them. Docks close ``overtime_min`` after
    their closing time; shifts become staff windows (one worker per truck).

    Parameters
    ----------
    yard : Yard
    appointments : iterable of Appointment
    model : ServiceTimeModel, optional
        Service-time estimates; default the reference rates [min].
    overtime_min : int
        Extra minutes a dock may run past its closing time [min].
    release : dict, optional
        Release time per appointment id overriding ``window_start`` [min].
    name : str
        Instance name [-].

    Raises
    ------
    ConfigError
        An appointment that no dock of the yard can serve (field ``appointments[i]``).
    """
    model = model or ServiceTimeModel()
    trucks = []
    for i, a in enumerate(appointments):
        docks = yard.compatible(a.direction, a.cargo, a.vehicle)
        if not docks:
            raise ConfigError(
                f"no dock of yard {yard.id!r} accepts {a.direction} {a.cargo} cargo on a "
                f"{a.vehicle} (appointment {a.id!r}); add a compatible dock",
                column=f"appointments[{i}]",
            )
        handling = {d.id: model.minutes(d.kind, a.direction, a.pallets) for d in docks}
        start = a.window_start if release is None else release.get(a.id, a.window_start)
        trucks.append(TruckJob(id=a.id, release_min=int(start), handling_min=handling))
    slots = []
    for d in yard.docks:
        o, c = yard.dock_hours(d)
        slots.append(DockSlot(d.id, o, c + overtime_min))
    staff = tuple(StaffWindow(s.start, s.end, s.workers) for s in yard.shifts)
    return DockProblem(
        trucks=tuple(trucks),
        docks=tuple(slots),
        staff=staff,
        buffer_capacity=yard.buffer_capacity,
        name=name or yard.id,
    )
