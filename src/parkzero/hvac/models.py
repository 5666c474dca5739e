"""Chiller-plant model: part-load power curves, chillers, plants and cooling-load profiles.

Conventions
-----------
* Cooling load and capacity are in refrigeration tons [RT] (1 RT = 3.51685 kW of cooling,
  :mod:`parkzero.units`); files may give kW and are converted once at the boundary.
* Part-load ratio (PLR) is the cooling delivered by one chiller divided by its available
  capacity [-].
* Electric power is in [kW], energy in [kWh], time in [h], temperatures in [°C].

Two curve forms are supported; both are a cubic polynomial in PLR at a given operating point,
which is what :mod:`parkzero.hvac.ocl` needs for its exact optimiser:

* :class:`CubicCurve` -- ``P(x) = a + b x + c x² + d x³`` [kW], the form of the optimal chiller
  loading literature (Chang 2004/2005; Lee & Lin 2009).
* :class:`EirCurve` -- the DOE-2 / EnergyPlus ``Chiller:Electric:EIR`` model, i.e. COP as a
  function of PLR, chilled-water and condenser-water temperature:
  ``P = Q_ref / COP_ref · CAPFT(T_chw, T_cw) · EIRFT(T_chw, T_cw) · EIRFPLR(x)`` with
  biquadratic CAPFT and EIRFT and a quadratic or cubic EIRFPLR; available capacity is
  ``Q_ref · CAPFT``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from parkzero.errors import ConfigError
from parkzero.units import conversion_factor

__all__ = [
    "Chiller",
    "CubicCurve",
    "EirCurve",
    "LoadProfile",
    "Plant",
    "PlantArrays",
]

FloatArray = NDArray[np.float64]


def _finite(value: float, name: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be a number, got {value!r}", column=name) from exc
    if not math.isfinite(out):
        raise ConfigError(f"{name} must be a finite number, got {value!r}", column=name)
    return out


@dataclass(frozen=True)
class CubicCurve:
    """Chiller electric power as a cubic in part-load ratio.

    ``P(x) = a + b·x + c·x² + d·x³`` for ``x`` the part-load ratio [-].

    Parameters
    ----------
    a, b, c, d : float
        Polynomial coefficients [kW].

    Examples
    --------
    Chiller 1 of the 3×800 RT literature case at 75 % load:

    >>> round(CubicCurve(100.95, 818.61, -973.43, 788.55).power_kw(0.75), 2)
    500.02
    """

    a: float
    b: float
    c: float
    d: float

    def __post_init__(self) -> None:
        for name in ("a", "b", "c", "d"):
            object.__setattr__(self, name, _finite(getattr(self, name), name))

    def coefficients(self, t_cw_c: float | None = None) -> tuple[float, float, float, float]:
        """Cubic coefficients ``(a, b, c, d)`` [kW]; `t_cw_c` [°C] is ignored."""
        return (self.a, self.b, self.c, self.d)

    def capacity_factor(self, t_cw_c: float | None = None) -> float:
        """Available capacity over rated capacity [-]; always 1 for this form."""
        return 1.0

    def power_kw(self, plr: float) -> float:
        """Electric power at part-load ratio `plr` [-], in [kW]."""
        return self.a + plr * (self.b + plr * (self.c + plr * self.d))


def _biquadratic(coef: tuple[float, ...], t_chw: float, t_cw: float) -> float:
    c0, c1, c2, c3, c4, c5 = coef
    return c0 + c1 * t_chw + c2 * t_chw**2 + c3 * t_cw + c4 * t_cw**2 + c5 * t_chw * t_cw


@dataclass(frozen=True)
class EirCurve:
    """DOE-2 / EnergyPlus electric-EIR chiller model: COP vs. PLR and condenser-water temperature.

    At chilled-water leaving temperature ``T_chw`` and condenser-water entering temperature
    ``T_cw``::

        capacity = Q_ref · CAPFT(T_chw, T_cw)                                  [kW of cooling]
        P(x)     = capacity / COP_ref · EIRFT(T_chw, T_cw) · EIRFPLR(x)        [kW]

    with ``CAPFT = c0 + c1·T_chw + c2·T_chw² + c3·T_cw + c4·T_cw² + c5·T_chw·T_cw`` (same for
    EIRFT) and ``EIRFPLR(x) = e0 + e1·x + e2·x² (+ e3·x³)``. At a fixed operating point the power
    is a cubic in PLR, so the exact optimiser applies unchanged.

    Parameters
    ----------
    rated_capacity_kw : float
        Reference cooling capacity ``Q_ref`` [kW]; the chiller's ``capacity_rt`` must match it.
    cop_ref : float
        Reference coefficient of performance [-].
    capft, eirft : tuple of 6 float
        Biquadratic coefficients in °C [-].
    eirfplr : tuple of 3 or 4 float
        Polynomial in PLR [-].
    t_chw_c : float
        Chilled-water leaving temperature [°C].
    t_cw_ref_c : float
        Condenser-water entering temperature used when a load step gives none [°C].
    t_cw_min_c, t_cw_max_c : float, optional
        Validity range of the curves; temperatures outside are clipped to it, as EnergyPlus
        clips curve inputs [°C].

    Examples
    --------
    A curve with unit modifiers is a constant-COP chiller: 1000 kW at COP 5 draws 200 kW.

    >>> eir = EirCurve(1000.0, 5.0, (1, 0, 0, 0, 0, 0), (1, 0, 0, 0, 0, 0), (0.0, 1.0, 0.0))
    >>> eir.coefficients()
    (0.0, 200.0, 0.0, 0.0)
    """

    rated_capacity_kw: float
    cop_ref: float
    capft: tuple[float, ...]
    eirft: tuple[float, ...]
    eirfplr: tuple[float, ...]
    t_chw_c: float = 6.67
    t_cw_ref_c: float = 29.44
    t_cw_min_c: float | None = None
    t_cw_max_c: float | None = None

    def __post_init__(self) -> None:
        if _finite(self.rated_capacity_kw, "rated_capacity_kw") <= 0:
            raise ConfigError("rated_capacity_kw must be > 0 [kW]", column="rated_capacity_kw")
        if _finite(self.cop_ref, "cop_ref") <= 0:
            raise ConfigError("cop_ref must be > 0 [-]", column="cop_ref")
        for name, sizes in (("capft", (6,)), ("eirft", (6,)), ("eirfplr", (3, 4))):
            values = tuple(_finite(v, name) for v in getattr(self, name))
            if len(values) not in sizes:
                expected = " or ".join(str(s) for s in sizes)
                raise ConfigError(
                    f"{name} needs {expected} coefficients, got {len(values)}", column=name
                )
            object.__setattr__(self, name, values)
        for name in ("t_chw_c", "t_cw_ref_c"):
            object.__setattr__(self, name, _finite(getattr(self, name), name))
        for name in ("t_cw_min_c", "t_cw_max_c"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _finite(getattr(self, name), name))
        if (
            self.t_cw_min_c is not None
            and self.t_cw_max_c is not None
            and self.t_cw_min_c > self.t_cw_max_c
        ):
            raise ConfigError("t_cw_min_c must be <= t_cw_max_c [°C]", column="t_cw_min_c")

    def _t_cw(self, t_cw_c: float | None) -> float:
        """Condenser-water temperature to evaluate the curves at, clipped to the range [°C]."""
        t = self.t_cw_ref_c if t_cw_c is None else float(t_cw_c)
        if self.t_cw_min_c is not None:
            t = max(t, self.t_cw_min_c)
        if self.t_cw_max_c is not None:
            t = min(t, self.t_cw_max_c)
        return t

    def capacity_factor(self, t_cw_c: float | None = None) -> float:
        """CAPFT at condenser-water entering temperature `t_cw_c` [°C] (reference if None) [-]."""
        t_cw = self._t_cw(t_cw_c)
        return _biquadratic(self.capft, self.t_chw_c, t_cw)

    def coefficients(self, t_cw_c: float | None = None) -> tuple[float, float, float, float]:
        """Cubic power coefficients ``(a, b, c, d)`` at `t_cw_c` [°C], in [kW]."""
        t_cw = self._t_cw(t_cw_c)
        scale = (
            self.rated_capacity_kw
            * _biquadratic(self.capft, self.t_chw_c, t_cw)
            / self.cop_ref
            * _biquadratic(self.eirft, self.t_chw_c, t_cw)
        )
        e = (*self.eirfplr, 0.0)[:4]
        return (scale * e[0], scale * e[1], scale * e[2], scale * e[3])

    def power_kw(self, plr: float, t_cw_c: float | None = None) -> float:
        """Electric power at part-load ratio `plr` [-] and `t_cw_c` [°C], in [kW]."""
        a, b, c, d = self.coefficients(t_cw_c)
        return a + plr * (b + plr * (c + plr * d))


Curve = CubicCurve | EirCurve


@dataclass(frozen=True)
class Chiller:
    """One chiller of a plant.

    Parameters
    ----------
    id : str
        Name shown in reports, e.g. ``"CH-1"`` [-].
    capacity_rt : float
        Rated cooling capacity [RT].
    curve : CubicCurve or EirCurve
        Electric power as a function of part-load ratio [kW].
    min_plr, max_plr : float
        Stable operating range when running [-]; the guide's efficient range is 0.5–1.
    aux_kw : float
        Fixed auxiliary power while the chiller runs (its pumps, tower fans) [kW].
    min_on_h, min_off_h : float
        Minimum run time once started and minimum rest once stopped (anti-short-cycling) [h].
    """

    id: str
    capacity_rt: float
    curve: Curve
    min_plr: float = 0.3
    max_plr: float = 1.0
    aux_kw: float = 0.0
    min_on_h: float = 0.0
    min_off_h: float = 0.0

    def __post_init__(self) -> None:
        for name in ("capacity_rt", "min_plr", "max_plr", "aux_kw", "min_on_h", "min_off_h"):
            object.__setattr__(self, name, _finite(getattr(self, name), name))
        if self.capacity_rt <= 0:
            raise ConfigError(
                f"chiller {self.id}: capacity must be > 0 RT, got {self.capacity_rt}",
                column="capacity_rt",
            )
        if not 0.0 <= self.min_plr <= self.max_plr:
            raise ConfigError(
                f"chiller {self.id}: need 0 <= min_plr <= max_plr, got "
                f"{self.min_plr} and {self.max_plr}",
                column="min_plr",
            )
        if self.max_plr <= 0.0:
            raise ConfigError(f"chiller {self.id}: max_plr must be > 0", column="max_plr")
        for name in ("aux_kw", "min_on_h", "min_off_h"):
            if getattr(self, name) < 0:
                raise ConfigError(f"chiller {self.id}: {name} must be >= 0", column=name)
        if isinstance(self.curve, EirCurve):
            rated_rt = self.curve.rated_capacity_kw * conversion_factor("kW", "RT")
            if not math.isclose(rated_rt, self.capacity_rt, rel_tol=1e-6):
                raise ConfigError(
                    f"chiller {self.id}: capacity {self.capacity_rt} RT does not match the EIR "
                    f"curve's rated capacity {self.curve.rated_capacity_kw} kW ({rated_rt:.2f} RT)",
                    column="capacity_rt",
                )


@dataclass(frozen=True, eq=False)
class PlantArrays:
    """A plant resolved at operating points, as arrays for the optimisers.

    Parameters
    ----------
    capacity_rt : ndarray, shape (..., n)
        Available capacity of each chiller [RT].
    coef : ndarray, shape (..., n, 4)
        Cubic power coefficients ``a, b, c, d`` including `aux_kw` in ``a`` [kW].
    min_plr, max_plr : ndarray, shape (n,)
        Operating range when running [-].
    """

    capacity_rt: FloatArray
    coef: FloatArray
    min_plr: FloatArray
    max_plr: FloatArray


@dataclass(frozen=True)
class Plant:
    """A chiller plant.

    Parameters
    ----------
    chillers : tuple of Chiller
        The chillers, in the order of the conventional lead/lag sequence [-].
    name : str
        Plant name [-].
    switch_penalty_kwh : float
        Energy-equivalent cost of every start or stop of a chiller used by the staging
        optimiser (wear, ramp-up losses) [kWh].
    """

    chillers: tuple[Chiller, ...]
    name: str = ""
    switch_penalty_kwh: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "chillers", tuple(self.chillers))
        if not self.chillers:
            raise ConfigError("a plant needs at least one chiller", column="chillers")
        ids = [c.id for c in self.chillers]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ConfigError(f"duplicate chiller id(s) {', '.join(dup)}", column="id")
        penalty = _finite(self.switch_penalty_kwh, "switch_penalty_kwh")
        if penalty < 0:
            raise ConfigError("switch_penalty_kwh must be >= 0 [kWh]", column="switch_penalty_kwh")
        object.__setattr__(self, "switch_penalty_kwh", penalty)

    @property
    def n(self) -> int:
        """Number of chillers [-]."""
        return len(self.chillers)

    @property
    def ids(self) -> tuple[str, ...]:
        """Chiller ids in plant order [-]."""
        return tuple(c.id for c in self.chillers)

    def capacity_rt(self, t_cw_c: float | None = None) -> float:
        """Total available capacity at condenser-water temperature `t_cw_c` [°C], in [RT]."""
        return float(sum(c.capacity_rt * c.curve.capacity_factor(t_cw_c) for c in self.chillers))

    def with_chiller(self, chiller: Chiller) -> Plant:
        """A copy of this plant with `chiller` appended [-]."""
        return Plant((*self.chillers, chiller), self.name, self.switch_penalty_kwh)

    def arrays(self, t_cw_c: float | Sequence[float] | FloatArray | None = None) -> PlantArrays:
        """Resolve curves at condenser-water temperatures.

        Parameters
        ----------
        t_cw_c : float, array of float, or None
            Condenser-water entering temperature [°C]; None uses each curve's reference. An
            array of shape (T,) gives arrays of shape (T, n) and (T, n, 4).

        Returns
        -------
        PlantArrays
        """
        mins = np.array([c.min_plr for c in self.chillers], dtype=float)
        maxs = np.array([c.max_plr for c in self.chillers], dtype=float)
        if t_cw_c is None or np.ndim(t_cw_c) == 0:
            t = None if t_cw_c is None else float(np.asarray(t_cw_c))
            cap = np.array(
                [c.capacity_rt * c.curve.capacity_factor(t) for c in self.chillers], dtype=float
            )
            coef = np.array([c.curve.coefficients(t) for c in self.chillers], dtype=float)
            coef[:, 0] += [c.aux_kw for c in self.chillers]
            return PlantArrays(cap, coef, mins, maxs)
        temps = np.asarray(t_cw_c, dtype=float)
        uniq, inverse = np.unique(temps, return_inverse=True)
        per = [self.arrays(float(u)) for u in uniq]
        cap = np.stack([p.capacity_rt for p in per])[inverse]
        coef = np.stack([p.coef for p in per])[inverse]
        return PlantArrays(cap, coef, mins, maxs)


@dataclass(frozen=True, eq=False)
class LoadProfile:
    """A cooling-load time series at a fixed step.

    Parameters
    ----------
    start : datetime.datetime
        Start of the first step [datetime].
    step_h : float
        Length of each step, e.g. 1.0 or 0.25 [h].
    load_rt : ndarray, shape (T,)
        Mean cooling load in each step, >= 0 [RT].
    t_cw_c : ndarray, shape (T,), optional
        Condenser-water entering temperature in each step [°C].
    source : str
        Where it was read from, for messages and evidence [-].
    """

    start: dt.datetime
    step_h: float
    load_rt: FloatArray
    t_cw_c: FloatArray | None = None
    source: str = ""
    _hours: float = field(init=False, repr=False, default=0.0)

    def __post_init__(self) -> None:
        load = np.asarray(self.load_rt, dtype=float)
        if load.ndim != 1 or load.size == 0:
            raise ConfigError("a load profile needs at least one step", source=self.source)
        if not np.all(np.isfinite(load)) or np.any(load < 0):
            raise ConfigError("loads must be finite and >= 0 RT", source=self.source)
        if not (math.isfinite(self.step_h) and self.step_h > 0):
            raise ConfigError(f"step must be > 0 h, got {self.step_h}", source=self.source)
        object.__setattr__(self, "load_rt", load)
        if self.t_cw_c is not None:
            temps = np.asarray(self.t_cw_c, dtype=float)
            if temps.shape != load.shape or not np.all(np.isfinite(temps)):
                raise ConfigError("t_cw_c must be finite, one per step", source=self.source)
            object.__setattr__(self, "t_cw_c", temps)
        object.__setattr__(self, "_hours", self.step_h * load.size)

    @property
    def steps(self) -> int:
        """Number of steps [-]."""
        return int(self.load_rt.size)

    @property
    def hours(self) -> float:
        """Time covered [h]."""
        return self._hours

    @property
    def end(self) -> dt.datetime:
        """End of the last step [datetime]."""
        return self.start + dt.timedelta(hours=self.hours)
