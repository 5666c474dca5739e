"""The park description: boundary, zones, tenants, settings and where its activity data is.

A park is one YAML file (format and a complete example in ``docs/park-format.md``)::

    park:
      id: demo-wuhan
      name: 武汉示范物流园
      region: 湖北            # province, regional grid or CN; codes or names
      floor_area_m2: 100000
      base_year: 2022
      gwp_set: AR6
      factor_set: cn          # preset or ordered list of factor sets
    boundary: {approach: operational_control}
    zones: [{id: sorting, name: 分拣中心, area_m2: 30000}]
    tenants: [{id: coldco, name: 冷链租户, zones: [cold-store]}]
    activities: [activities-2024.csv]

Paths in the file are relative to the file. Validation errors name the file and the field path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from parkzero.errors import ConfigError

__all__ = [
    "Boundary",
    "Drivers",
    "ElectricitySettings",
    "Instrument",
    "Park",
    "RefrigerantStock",
    "StructuralChange",
    "Tenant",
    "Zone",
    "load_park",
    "park_from_dict",
]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Zone(BaseModel):
    """A facility or functional zone of the park.

    Parameters
    ----------
    id, name : str
        Identifier used in activity data, display name [-].
    area_m2 : float, optional
        Floor area [m²].
    equity_share : float
        The reporting company's share of the zone, used by the equity-share approach [0–1].
    financial_control, operational_control : bool
        Whether the reporting company has that control of the zone [-].
    """

    model_config = _STRICT
    id: str
    name: str = ""
    area_m2: float | None = Field(default=None, ge=0)
    equity_share: float = Field(default=1.0, ge=0, le=1)
    financial_control: bool = True
    operational_control: bool = True


class Tenant(BaseModel):
    """A tenant renting space in the park.

    ``operational_control`` is whether the *park* controls the tenant's operations. By default it
    does not: the tenant's own energy use is the park's scope 3 category 13 (downstream leased
    assets), computed with the same factors, not its scope 1 or 2.
    """

    model_config = _STRICT
    id: str
    name: str = ""
    zones: tuple[str, ...] = ()
    area_m2: float | None = Field(default=None, ge=0)
    operational_control: bool = False


class Instrument(BaseModel):
    """A contractual instrument for the market-based scope 2 figure.

    Parameters
    ----------
    type : str
        ``green_certificate`` (绿证/GEC), ``green_power_contract`` (绿电交易), ``i-rec`` [-].
    mwh : float
        Electricity covered [MWh].
    year : int
        Vintage: the calendar year of consumption it is claimed for [-].
    """

    model_config = _STRICT
    id: str
    type: Literal["green_certificate", "green_power_contract", "i-rec"]
    mwh: float = Field(ge=0)
    year: int
    zone: str | None = None
    note: str = ""


class RefrigerantStock(BaseModel):
    """Mass balance of one refrigerant in one piece of equipment for one year.

    leaked = stock_start_kg + purchased_kg − stock_end_kg − recovered_kg [kg]
    (GHG Protocol / IPCC mass-balance method).
    """

    model_config = _STRICT
    equipment: str
    gas: str
    year: int
    stock_start_kg: float = Field(ge=0)
    purchased_kg: float = Field(default=0.0, ge=0)
    stock_end_kg: float = Field(ge=0)
    recovered_kg: float = Field(default=0.0, ge=0)
    zone: str | None = None
    tenant: str | None = None

    @property
    def leaked_kg(self) -> float:
        """Refrigerant emitted over the year [kg]."""
        return self.stock_start_kg + self.purchased_kg - self.stock_end_kg - self.recovered_kg

    @model_validator(mode="after")
    def _not_negative(self) -> RefrigerantStock:
        if self.leaked_kg < -1e-9:
            raise ValueError(
                f"mass balance of {self.gas} in {self.equipment} ({self.year}) is negative: "
                f"{self.stock_start_kg} + {self.purchased_kg} − {self.stock_end_kg} − "
                f"{self.recovered_kg} = {self.leaked_kg:.3f} kg; check the stock figures"
            )
        return self


class StructuralChange(BaseModel):
    """An acquisition, divestment, insourcing or outsourcing that may need a base-year recalculation.

    Parameters
    ----------
    base_year_tco2e : float
        Emissions of the transferred operations in the base year; positive when they join the
        boundary, negative when they leave [tCO2e].
    """

    model_config = _STRICT
    year: int
    description: str
    base_year_tco2e: float


class Drivers(BaseModel):
    """Business drivers of one year, the denominators of intensity figures."""

    model_config = _STRICT
    tonnes_handled: float | None = Field(default=None, gt=0)
    parcels: float | None = Field(default=None, gt=0)
    floor_area_m2: float | None = Field(default=None, gt=0)


class ElectricitySettings(BaseModel):
    """How electricity is accounted.

    Parameters
    ----------
    location_series : str
        Grid factor series for the location-based figure [-].
    residual_series : str, optional
        Series applied to load not covered by instruments in the market-based figure. Default
        None uses the location series (GHG Protocol Scope 2 Guidance: the grid average where no
        residual mix is published). ``mee-excl-market-nonfossil`` is MEE's factor for users of
        green power; it can make market-based exceed location-based.
    kgce_per_kwh : float
        Energy equivalent of electricity (当量 0.1229; 等价 ~0.30 when required) [kgce/kWh].
    grid_clean_share : float
        Share of grid electricity counted as clean energy in the clean-energy indicator [0–1].
    """

    model_config = _STRICT
    location_series: str = "mee-location"
    residual_series: str | None = None
    kgce_per_kwh: float = Field(default=0.1229, gt=0)
    grid_clean_share: float = Field(default=0.0, ge=0, le=1)


class Boundary(BaseModel):
    """Organisational boundary approach (GHG Protocol ch. 3, ISO 14064-1 5.1)."""

    model_config = _STRICT
    approach: Literal["operational_control", "financial_control", "equity_share"] = (
        "operational_control"
    )


class Park(BaseModel):
    """A park and the settings of its inventory; see the module docstring for the YAML shape."""

    model_config = _STRICT
    id: str
    name: str
    region: str = "CN"
    country: str = "CN"
    floor_area_m2: float | None = Field(default=None, gt=0)
    base_year: int
    gwp_set: Literal["AR4", "AR5", "AR6"] = "AR6"
    factor_set: str | tuple[str, ...] = "cn"
    factors_file: Path | None = None
    boundary: Boundary = Boundary()
    electricity: ElectricitySettings = ElectricitySettings()
    scope3_categories: tuple[str, ...] = ("3.1", "3.3", "3.4", "3.5", "3.6", "3.7", "3.9", "3.13")
    significance_threshold: float = Field(default=0.05, gt=0, lt=1)
    zones: tuple[Zone, ...] = ()
    tenants: tuple[Tenant, ...] = ()
    instruments: tuple[Instrument, ...] = ()
    refrigerant_stocks: tuple[RefrigerantStock, ...] = ()
    structural_changes: tuple[StructuralChange, ...] = ()
    drivers: dict[int, Drivers] = Field(default_factory=dict)
    activities: tuple[Path | dict[str, Any], ...] = ()
    base_dir: Path = Path(".")

    @field_validator("scope3_categories")
    @classmethod
    def _known_categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from parkzero.carbon.catalogue import SCOPE3_CATEGORIES

        bad = [c for c in value if c not in SCOPE3_CATEGORIES]
        if bad:
            raise ValueError(f"unknown scope 3 categories {bad}; expected ids like 3.1 … 3.15")
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> Park:
        zone_ids = [z.id for z in self.zones]
        if len(set(zone_ids)) != len(zone_ids):
            raise ValueError(f"zone ids must be unique, got {zone_ids}")
        tenant_ids = [t.id for t in self.tenants]
        if len(set(tenant_ids)) != len(tenant_ids):
            raise ValueError(f"tenant ids must be unique, got {tenant_ids}")
        for tenant in self.tenants:
            for zone in tenant.zones:
                if zone not in zone_ids:
                    raise ValueError(f'tenant "{tenant.id}" names unknown zone "{zone}"')
        items: list[Instrument | RefrigerantStock] = [*self.instruments, *self.refrigerant_stocks]
        for item in items:
            if item.zone is not None and item.zone not in zone_ids:
                raise ValueError(f'unknown zone "{item.zone}"; expected one of {zone_ids}')
        for stock in self.refrigerant_stocks:
            if stock.tenant is not None and stock.tenant not in tenant_ids:
                raise ValueError(f'unknown tenant "{stock.tenant}"; expected one of {tenant_ids}')
        return self

    @property
    def zone_ids(self) -> tuple[str, ...]:
        """Zone identifiers [-]."""
        return tuple(z.id for z in self.zones)

    @property
    def tenant_ids(self) -> tuple[str, ...]:
        """Tenant identifiers [-]."""
        return tuple(t.id for t in self.tenants)

    def zone(self, zone_id: str) -> Zone:
        """The zone with id `zone_id`."""
        return next(z for z in self.zones if z.id == zone_id)

    def tenant(self, tenant_id: str) -> Tenant:
        """The tenant with id `tenant_id`."""
        return next(t for t in self.tenants if t.id == tenant_id)

    def activity_files(self) -> list[Path]:
        """Activity CSV files named by the park, resolved against the YAML's folder."""
        return [self.base_dir / p for p in self.activities if isinstance(p, Path)]

    def inline_activities(self) -> list[dict[str, Any]]:
        """Activity rows given inline in the YAML."""
        return [a for a in self.activities if isinstance(a, dict)]


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def park_from_dict(
    data: dict[str, Any], *, source: str = "<park>", base_dir: Path | None = None
) -> Park:
    """Validate a park description (the parsed YAML) and return a :class:`Park`.

    The YAML has a ``park:`` mapping with the identity and settings and top-level lists
    (``zones``, ``tenants``, ``activities``, ...); both are merged here.

    Raises
    ------
    ConfigError
        Naming `source` and the field path of the first problem.
    """
    if not isinstance(data, dict) or "park" not in data or not isinstance(data["park"], dict):
        raise ConfigError("expected a mapping with a `park:` section", source=source)
    merged = {**data["park"], **{k: v for k, v in data.items() if k != "park"}}
    if base_dir is not None:
        merged["base_dir"] = base_dir
    try:
        return Park.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _field_path(tuple(first["loc"]))
        extra = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        msg = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{msg}{extra}", source=source, column=field) from None


def load_park(path: str | Path) -> Park:
    """Read a park YAML file.

    Parameters
    ----------
    path : str or Path
        The park file [-].

    Raises
    ------
    ConfigError
        File missing, not YAML, or invalid; the message names the file and field.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError("park file not found", source=str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ConfigError(f"not valid YAML: {exc}", source=str(path), row=row) from None
    return park_from_dict(data, source=str(path), base_dir=path.parent)


def _today() -> dt.date:  # pragma: no cover - trivial
    return dt.date.today()
