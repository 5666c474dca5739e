"""Reading chiller-plant inputs: literature CASE.json, PLANT.yaml and LOAD.csv.

Every problem is reported as an :class:`~parkzero.errors.InputError` (exit code 2 in the CLI)
naming the file, the row and the column, with what was expected: for LOAD.csv the data row
(header = row 0) and column; for CASE.json and PLANT.yaml a
:class:`~parkzero.errors.ConfigError` with the position in the list as the row (1-based; the
chiller's place in ``chillers``) and the key path as the field.

Formats
-------
CASE.json (the optimal-chiller-loading literature format)::

    {"_description": "...", "case2_3ch": {"RT": [800, ...], "a": [...], "b": [...],
     "c": [...], "d": [...], "min_plr": 0.3,
     "results": {"1440": {"all_on_plr_0.3_1": {"kW": 1102.26, "PLR": [...]}, ...}}}}

keys starting with ``_`` are comments; ``min_plr`` (default 0.3) and ``results`` are optional.
Power coefficients are [kW], capacities [RT].

PLANT.yaml::

    name: Example plant
    switch_penalty_kwh: 20          # per start or stop [kWh]
    chillers:
      - id: CH-1
        capacity_rt: 800            # or capacity_kw [kW of cooling]
        min_plr: 0.3                # default 0.3 [-]
        max_plr: 1.0                # default 1.0 [-]
        aux_kw: 30                  # pumps and tower fan while running [kW]
        min_on_h: 2                 # [h]
        min_off_h: 1                # [h]
        power_kw: {a: 100.95, b: 818.61, c: -973.43, d: 788.55}
      - id: CH-2
        capacity_kw: 2813
        eir: {cop_ref: 6.1, capft: [6 numbers], eirft: [6 numbers], eirfplr: [3 or 4 numbers],
              t_chw_c: 6.67, t_cw_ref_c: 29.44, t_cw_min_c: 12.8, t_cw_max_c: 35}

LOAD.csv: a header row, then one row per step at a fixed step (e.g. hourly or 15-min)::

    time,load_rt,t_cw_c
    2024-07-01T00:00,1210.5,28.0

``time`` is ISO 8601 (start of the step); ``load_rt`` [RT] or ``load_kw`` [kW of cooling];
``t_cw_c`` (condenser-water entering temperature [°C]) is optional.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from parkzero.errors import ConfigError, InputError
from parkzero.hvac.models import Chiller, CubicCurve, EirCurve, LoadProfile, Plant
from parkzero.units import conversion_factor

__all__ = ["Case", "read_case", "read_load", "read_plant", "read_plant_any"]

_CHILLER_KEYS = {
    "id",
    "capacity_rt",
    "capacity_kw",
    "min_plr",
    "max_plr",
    "aux_kw",
    "min_on_h",
    "min_off_h",
    "power_kw",
    "eir",
}

_EIR_KEYS = {
    "cop_ref",
    "capft",
    "eirft",
    "eirfplr",
    "t_chw_c",
    "t_cw_ref_c",
    "t_cw_min_c",
    "t_cw_max_c",
}


@dataclass(frozen=True)
class Case:
    """A literature OCL case: the plant and its published optima.

    Parameters
    ----------
    name : str
        Key of the case in the file [-].
    plant : Plant
        The chillers [-].
    optima : mapping
        ``{load_rt: {convention: (power_kw, plr_tuple)}}`` with loads [RT], power [kW] and PLRs
        [-]; convention keys as in the file, e.g. ``"all_on_plr_0.3_1"``.
    """

    name: str
    plant: Plant
    optima: Mapping[float, Mapping[str, tuple[float, tuple[float, ...]]]]


def _number(
    value: Any,
    *,
    source: str,
    row: int | None,
    column: str,
    error: type[InputError] = ConfigError,
) -> float:
    if isinstance(value, bool) or value is None:
        raise error(f"expected a number, got {value!r}", source=source, row=row, column=column)
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise error(
            f"expected a number, got {value!r}", source=source, row=row, column=column
        ) from None
    if not math.isfinite(out):
        raise error(
            f"expected a finite number, got {value!r}", source=source, row=row, column=column
        )
    return out


def _load_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read file: {exc}", source=str(path)) from None


def read_case(path: str | Path, name: str | None = None, *, min_plr: float = 0.3) -> Case:
    """Read an optimal-chiller-loading case in the literature JSON format.

    Parameters
    ----------
    path : str or Path
        The CASE.json file [-].
    name : str, optional
        Which case in the file; needed only when it holds more than one [-].
    min_plr : float
        Minimum PLR when the case gives none [-].

    Returns
    -------
    Case
    """
    path = Path(path)
    src = str(path)
    try:
        data = json.loads(_load_text(path))
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", source=src
        ) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a JSON object of cases", source=src)
    cases = {k: v for k, v in data.items() if not str(k).startswith("_")}
    if not cases:
        raise ConfigError("no case in the file (keys starting with '_' are comments)", source=src)
    if name is None:
        if len(cases) > 1:
            raise ConfigError(
                f"the file holds {len(cases)} cases ({', '.join(cases)}); choose one with --case",
                source=src,
            )
        name = next(iter(cases))
    if name not in cases:
        raise ConfigError(
            f"no case {name!r}; the file has {', '.join(cases)}", source=src, column=name
        )
    case = cases[name]
    if not isinstance(case, dict):
        raise ConfigError("expected an object with RT, a, b, c, d", source=src, column=name)
    lists: dict[str, list[float]] = {}
    for key in ("RT", "a", "b", "c", "d"):
        values = case.get(key)
        if not isinstance(values, list) or not values:
            raise ConfigError(
                "expected a non-empty list of numbers", source=src, column=f"{name}.{key}"
            )
        lists[key] = [
            _number(v, source=src, row=i + 1, column=f"{name}.{key}") for i, v in enumerate(values)
        ]
    n = len(lists["RT"])
    for key, values in lists.items():
        if len(values) != n:
            raise ConfigError(
                f"has {len(values)} values but RT has {n}", source=src, column=f"{name}.{key}"
            )
    mp = _number(case.get("min_plr", min_plr), source=src, row=None, column=f"{name}.min_plr")
    try:
        chillers = tuple(
            Chiller(
                f"CH-{i + 1}",
                lists["RT"][i],
                CubicCurve(lists["a"][i], lists["b"][i], lists["c"][i], lists["d"][i]),
                min_plr=mp,
            )
            for i in range(n)
        )
        plant = Plant(chillers, name=name)
    except InputError as exc:
        raise exc.at(source=src) from None
    optima: dict[float, dict[str, tuple[float, tuple[float, ...]]]] = {}
    results = case.get("results", {})
    if not isinstance(results, dict):
        raise ConfigError("expected an object", source=src, column=f"{name}.results")
    for load_key, by_conv in results.items():
        col = f"{name}.results.{load_key}"
        load = _number(load_key, source=src, row=None, column=col)
        if not isinstance(by_conv, dict):
            raise ConfigError("expected an object of conventions", source=src, column=col)
        optima[load] = {}
        for conv, res in by_conv.items():
            if not isinstance(res, dict) or "kW" not in res:
                raise ConfigError("expected {kW, PLR}", source=src, column=f"{col}.{conv}")
            kw = _number(res["kW"], source=src, row=None, column=f"{col}.{conv}.kW")
            plr = tuple(
                _number(v, source=src, row=i + 1, column=f"{col}.{conv}.PLR")
                for i, v in enumerate(res.get("PLR", []))
            )
            optima[load][conv] = (kw, plr)
    return Case(name, plant, optima)


def _chiller(item: Any, *, source: str, row: int) -> Chiller:
    if not isinstance(item, dict):
        raise ConfigError(
            "expected a mapping with id, capacity and a curve", source=source, row=row
        )
    unknown = sorted(set(map(str, item)) - _CHILLER_KEYS)
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(_CHILLER_KEYS))}",
            source=source,
            row=row,
            column=unknown[0],
        )
    cid = str(item.get("id", f"CH-{row}"))

    def num(key: str, default: float | None = None) -> float:
        if key not in item:
            if default is None:
                raise ConfigError("missing", source=source, row=row, column=key)
            return default
        return _number(item[key], source=source, row=row, column=key)

    if ("capacity_rt" in item) == ("capacity_kw" in item):
        raise ConfigError(
            "give exactly one of capacity_rt [RT] or capacity_kw [kW]",
            source=source,
            row=row,
            column="capacity_rt",
        )
    if "capacity_rt" in item:
        cap_rt = num("capacity_rt")
    else:
        cap_rt = num("capacity_kw") * conversion_factor("kW", "RT")
    curve: CubicCurve | EirCurve
    if ("power_kw" in item) == ("eir" in item):
        raise ConfigError(
            "give exactly one curve: power_kw {a, b, c, d} [kW] or eir {...}",
            source=source,
            row=row,
            column="power_kw",
        )
    if "power_kw" in item:
        pk = item["power_kw"]
        if not isinstance(pk, dict):
            raise ConfigError(
                "expected {a, b, c, d} [kW]", source=source, row=row, column="power_kw"
            )
        missing = [k for k in ("a", "b", "c", "d") if k not in pk]
        if missing:
            raise ConfigError(
                f"missing coefficient(s) {', '.join(missing)} [kW]",
                source=source,
                row=row,
                column="power_kw",
            )
        coef = [_number(pk[k], source=source, row=row, column=f"power_kw.{k}") for k in "abcd"]
        curve = CubicCurve(*coef)
    else:
        ei = item["eir"]
        if not isinstance(ei, dict):
            raise ConfigError("expected a mapping", source=source, row=row, column="eir")

        def seq(key: str) -> tuple[float, ...]:
            values = ei.get(key)
            if not isinstance(values, list):
                raise ConfigError(
                    "expected a list of numbers", source=source, row=row, column=f"eir.{key}"
                )
            return tuple(_number(v, source=source, row=row, column=f"eir.{key}") for v in values)

        def opt(key: str) -> float | None:
            if ei.get(key) is None:
                return None
            return _number(ei[key], source=source, row=row, column=f"eir.{key}")

        unknown_eir = sorted(set(map(str, ei)) - _EIR_KEYS)
        if unknown_eir:
            raise ConfigError(
                f"unknown key(s) {', '.join(unknown_eir)}; expected {', '.join(sorted(_EIR_KEYS))}",
                source=source,
                row=row,
                column=f"eir.{unknown_eir[0]}",
            )
        rated_kw = cap_rt * conversion_factor("RT", "kW")
        try:
            curve = EirCurve(
                rated_kw,
                _number(ei.get("cop_ref"), source=source, row=row, column="eir.cop_ref"),
                seq("capft"),
                seq("eirft"),
                seq("eirfplr"),
                t_chw_c=_number(
                    ei.get("t_chw_c", 6.67), source=source, row=row, column="eir.t_chw_c"
                ),
                t_cw_ref_c=_number(
                    ei.get("t_cw_ref_c", 29.44), source=source, row=row, column="eir.t_cw_ref_c"
                ),
                t_cw_min_c=opt("t_cw_min_c"),
                t_cw_max_c=opt("t_cw_max_c"),
            )
        except InputError as exc:
            raise exc.at(source=source, row=row) from None
    try:
        return Chiller(
            cid,
            cap_rt,
            curve,
            min_plr=num("min_plr", 0.3),
            max_plr=num("max_plr", 1.0),
            aux_kw=num("aux_kw", 0.0),
            min_on_h=num("min_on_h", 0.0),
            min_off_h=num("min_off_h", 0.0),
        )
    except InputError as exc:
        raise exc.at(source=source, row=row) from None


def read_plant(path: str | Path) -> Plant:
    """Read a PLANT.yaml file (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        The PLANT.yaml file [-].

    Returns
    -------
    Plant
    """
    path = Path(path)
    src = str(path)
    try:
        data = yaml.safe_load(_load_text(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise ConfigError(f"not valid YAML{where}", source=src) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with a 'chillers' list", source=src)
    items = data.get("chillers")
    if not isinstance(items, list) or not items:
        raise ConfigError("expected a non-empty list of chillers", source=src, column="chillers")
    chillers = tuple(_chiller(item, source=src, row=i + 1) for i, item in enumerate(items))
    penalty = _number(
        data.get("switch_penalty_kwh", 0.0), source=src, row=None, column="switch_penalty_kwh"
    )
    try:
        return Plant(chillers, name=str(data.get("name", path.stem)), switch_penalty_kwh=penalty)
    except InputError as exc:
        raise exc.at(source=src) from None


def read_plant_any(path: str | Path, case: str | None = None) -> Plant:
    """Read a plant from a CASE.json (``.json``) or a PLANT.yaml (``.yaml``/``.yml``) file [-]."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        return read_case(p, case).plant
    if p.suffix.lower() in {".yaml", ".yml"}:
        return read_plant(p)
    raise ConfigError("expected a .json case or a .yaml plant file", source=str(p))


def read_load(path: str | Path) -> LoadProfile:
    """Read a LOAD.csv cooling-load profile (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        The LOAD.csv file [-].

    Returns
    -------
    LoadProfile
        Loads [RT] at a fixed step [h].
    """
    path = Path(path)
    src = str(path)
    text = _load_text(path)
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError("empty file; expected a header row time,load_rt", source=src) from None
    if "time" not in header:
        raise InputError(
            f"no 'time' column (got {', '.join(header)}); expected time,load_rt[,t_cw_c]",
            source=src,
            row=0,
            column="time",
        )
    if ("load_rt" in header) == ("load_kw" in header):
        raise InputError(
            "expected exactly one of the columns load_rt [RT] or load_kw [kW of cooling]",
            source=src,
            row=0,
            column="load_rt",
        )
    load_col = "load_rt" if "load_rt" in header else "load_kw"
    factor = 1.0 if load_col == "load_rt" else conversion_factor("kW", "RT")
    i_time, i_load = header.index("time"), header.index(load_col)
    i_temp = header.index("t_cw_c") if "t_cw_c" in header else None
    times: list[dt.datetime] = []
    loads: list[float] = []
    temps: list[float] = []
    for row_no, row in enumerate(reader, start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"has {len(row)} fields, the header has {len(header)}", source=src, row=row_no
            )
        try:
            t = dt.datetime.fromisoformat(row[i_time].strip())
        except ValueError:
            raise InputError(
                f"{row[i_time]!r} is not an ISO 8601 time such as 2024-07-01T00:00",
                source=src,
                row=row_no,
                column="time",
            ) from None
        value = _number(
            row[i_load].strip(), source=src, row=row_no, column=load_col, error=InputError
        )
        if value < 0:
            raise InputError(
                f"cooling load must be >= 0, got {value}", source=src, row=row_no, column=load_col
            )
        if i_temp is not None:
            temps.append(
                _number(
                    row[i_temp].strip(), source=src, row=row_no, column="t_cw_c", error=InputError
                )
            )
        if times:
            step = t - times[-1]
            if len(times) == 1:
                if step <= dt.timedelta(0):
                    raise InputError("times must increase", source=src, row=row_no, column="time")
            elif step != times[1] - times[0]:
                raise InputError(
                    f"step {step} differs from the first step {times[1] - times[0]}; "
                    "expected a fixed step (e.g. 1 h or 15 min) with no gaps",
                    source=src,
                    row=row_no,
                    column="time",
                )
        times.append(t)
        loads.append(value * factor)
    if not times:
        raise InputError("no data rows", source=src)
    step_h = (times[1] - times[0]).total_seconds() / 3600.0 if len(times) > 1 else 1.0
    return LoadProfile(
        start=times[0],
        step_h=step_h,
        load_rt=np.asarray(loads, dtype=float),
        t_cw_c=np.asarray(temps, dtype=float) if i_temp is not None else None,
        source=src,
    )
