"""A park's stored energy results: scenarios, sizing runs and day dispatches (the store side).

The only module of :mod:`parkzero.energy` that touches the database (tables in
:mod:`parkzero.energy.tables`). The caller owns the transaction: functions flush, never commit.

* :func:`scenario_document` turns a scenario file into a **self-contained** document: the load
  and PV profiles at the scenario's step [kW, kW/kWp], the EV sessions and a user tariff are
  inlined, so the store alone can run the scenario again (no file paths are kept).
* :func:`save_sizing` / :func:`save_dispatch` store a result with its scenario (deduplicated by
  the SHA-256 digest of the document's canonical JSON).
* :func:`run_stored_dispatch` schedules one day from the park's newest stored scenario, at 15
  minutes (hourly profiles are held for their four quarters), with the sizes of the newest
  sizing of that scenario when there is one — what ``POST …/energy/dispatch`` runs.
* :func:`screen_results` is what the big screen shows: energy by time-of-use period, the
  24-hour load and PV, and the battery state of charge of the newest dispatch.

>>> scenario_digest({"b": 1, "a": [1.0, 2]}) == scenario_digest({"a": [1.0, 2], "b": 1})
True
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.energy.tables import EnergyResult, EnergyScenario
from parkzero.errors import InputError

__all__ = [
    "TOU_ORDER",
    "dispatch_payload",
    "installed_battery_kwh",
    "latest_result",
    "latest_scenario",
    "result_dict",
    "run_stored_dispatch",
    "save_dispatch",
    "save_scenario",
    "save_sizing",
    "scenario_digest",
    "scenario_document",
    "screen_results",
    "to_quarter_hours",
]

#: Order of time-of-use periods on the screen (尖峰, 高峰, 平, 谷, 深谷) [-].
TOU_ORDER: tuple[str, ...] = ("critical", "peak", "flat", "valley", "deep_valley")
_SIZING_FIGURES = ("pv_kw", "battery_kwh", "battery_kw", "chargers", "capex_cny", "npv_cny",
                   "bill_cny", "bill_bau_cny", "grid_import_kwh", "self_sufficiency",
                   "co2e_avoided_t")  # fmt: skip
_DISPATCH_FIGURES = ("import_kwh", "export_kwh", "pv_kwh", "ev_kwh", "peak_import_kw",
                     "soc_start_kwh", "soc_end_kwh")  # fmt: skip
_SCHEDULE = ("load_kw", "pv_kw", "import_kw", "export_kw", "charge_kw", "discharge_kw",
             "soc_kwh", "ev_kw", "v2g_kw", "shed_kw", "price_cny_per_kwh")  # fmt: skip


# --------------------------------------------------------------------------------------------
# scenario documents (pure)


def _rounded(values: Any, digits: int) -> list[float]:
    return [round(float(v), digits) for v in np.asarray(values, dtype=float)]


def _finite(params: Any) -> dict[str, Any]:
    """A params dataclass as plain fields, without infinite bounds (their default)."""
    out: dict[str, Any] = {}
    for key, value in vars(params).items():
        if isinstance(value, float) and not math.isfinite(value):
            continue
        out[key] = value
    return out


def _tariff_entry(key: str, base: Path) -> Mapping[str, Any] | str:
    from parkzero.energy.tariffs import load_tariffs

    if key in load_tariffs():
        return key
    file, _, wanted = key.partition("#")
    path = Path(file) if Path(file).is_absolute() else base / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # read before: get_tariff checked it
    if isinstance(data, Mapping) and "tariffs" in data:
        entries = data["tariffs"]
        return dict(entries[wanted] if wanted else next(iter(entries.values())))
    return dict(data)


def _session_records(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() in {".yaml", ".yml"}:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("sessions") if isinstance(data, Mapping) else data
        return [dict(x) for x in items or []]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: v for k, v in row.items() if v not in (None, "")} for row in csv.DictReader(fh)]


def scenario_document(path: str | Path, *, freq: str | None = None) -> tuple[dict[str, Any], Any]:
    """Read a scenario file and make it self-contained (see the module docstring).

    Parameters
    ----------
    path : str or Path
        Scenario YAML (``docs/energy.md``) [-].
    freq : str, optional
        ``"1h"`` or ``"15min"``; default the file's [-].

    Returns
    -------
    tuple
        The document (plain JSON data: ``load.loads_kw`` [kW] and ``pv.production_factor``
        [kW/kWp] one value per step) and the :class:`~parkzero.energy.scenario.Scenario` read.

    Raises
    ------
    ConfigError, InputError
        The file or a file it names is missing or invalid (file and field named).
    """
    from parkzero.energy.scenario import load_scenario

    p = Path(path)
    sc = load_scenario(p, freq=freq)  # validates everything first
    data = dict(yaml.safe_load(p.read_text(encoding="utf-8")))
    base = p.parent
    doc: dict[str, Any] = {k: v for k, v in data.items() if k not in ("load", "pv", "ev_fleet")}
    doc["name"] = sc.name
    doc["freq"] = "15min" if abs(sc.step_h - 0.25) < 1e-9 else "1h"
    if sc.region:
        doc["region"] = sc.region
    raw_t = data.get("tariff")
    if not isinstance(raw_t, Mapping):
        doc["tariff"] = _tariff_entry(str(raw_t), base)
    doc["load"] = {"loads_kw": _rounded(sc.load_kw, 3)}
    if data.get("pv") not in (None, False):
        pv = dict(data["pv"]) if isinstance(data["pv"], Mapping) else {}
        for key in ("site", "production_factor", "production_factor_csv"):
            pv.pop(key, None)
        if sc.pv_kw_per_kwp is not None:
            pv["production_factor"] = _rounded(sc.pv_kw_per_kwp, 6)
        bound = sc.pv.max_kw if sc.pv is not None else math.inf
        if "max_kw" not in pv and "size_kw" not in pv and math.isfinite(bound):
            pv["max_kw"] = bound
        doc["pv"] = pv
    ev = data.get("ev_fleet")
    if isinstance(ev, Mapping):
        ev = dict(ev)
        if isinstance(ev.get("sessions"), str):
            ev["sessions"] = _session_records(base / str(ev["sessions"]))
        doc["ev_fleet"] = ev
    json.dumps(doc, allow_nan=False)  # plain data only
    return doc, sc


def scenario_digest(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the document's canonical JSON (sorted keys, no spaces) [-]."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_quarter_hours(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document at 15-minute steps: hourly series are held for their four quarters.

    >>> to_quarter_hours({"freq": "1h", "load": {"loads_kw": [1.0, 2.0]}})["load"]
    {'loads_kw': [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0]}
    """
    doc = json.loads(json.dumps(document))
    if doc.get("freq", "1h") == "15min":
        return dict(doc)

    def repeat(values: Any) -> Any:
        return [v for v in values for _ in range(4)] if isinstance(values, list) else values

    if isinstance(doc.get("load"), dict) and "loads_kw" in doc["load"]:
        doc["load"]["loads_kw"] = repeat(doc["load"]["loads_kw"])
    if isinstance(doc.get("pv"), dict) and "production_factor" in doc["pv"]:
        doc["pv"]["production_factor"] = repeat(doc["pv"]["production_factor"])
    grid = doc.get("grid")
    if isinstance(grid, dict):
        for key in ("import_limit_kw", "export_limit_kw"):
            grid[key] = repeat(grid.get(key)) if key in grid else None
            if grid[key] is None:
                grid.pop(key)
    if isinstance(doc.get("steps"), int):
        doc["steps"] = doc["steps"] * 4
    doc["freq"] = "15min"
    return dict(doc)


def dispatch_payload(
    scenario: Any,
    result: Any,
    *,
    day: dt.date,
    mode: str,
    horizon_h: float,
    battery_kwh: float | None = None,
) -> dict[str, Any]:
    """The JSON kept of a day's dispatch: the CLI's summary plus the 15-minute schedule.

    Returns
    -------
    dict
        ``scenario``, ``day``, ``mode``, ``horizon_h``, the keys of
        :meth:`~parkzero.energy.dispatch.DispatchResult.summary`, ``tariff``,
        ``battery_kwh`` (installed, :func:`installed_battery_kwh`) [kWh], and ``schedule``: ``time`` (ISO, local), ``period``
        (TOU period of each step) and the columns ``load_kw`` … ``soc_kwh`` [kW, kWh] and
        ``price_cny_per_kwh`` [CNY/kWh].
    """
    from parkzero.energy.tariffs import period_labels

    s = result.schedule
    out: dict[str, Any] = {
        "scenario": scenario.name,
        "day": day.isoformat(),
        "mode": mode,
        "horizon_h": horizon_h,
    }
    out.update(result.summary())
    out["tariff"] = scenario.tariff.id
    out["battery_kwh"] = battery_kwh
    schedule: dict[str, Any] = {
        "time": [t.isoformat() for t in s.index],
        "period": [str(p) for p in period_labels(scenario.tariff, s.index)],
    }
    for col in _SCHEDULE:
        if col in s.columns:
            schedule[col] = _rounded(s[col].to_numpy(), 4)
    out["schedule"] = schedule
    return out


def installed_battery_kwh(inp: Any) -> float:
    """Battery energy capacity of a dispatch input; 0 without a battery [kWh]."""
    b = getattr(inp, "battery", None)
    if b is None or not math.isfinite(b.max_kwh):
        return 0.0
    return float(b.max_kwh)


# --------------------------------------------------------------------------------------------
# store


def save_scenario(session: Session, park_id: str, document: Mapping[str, Any]) -> EnergyScenario:
    """Store a self-contained scenario once per park (same digest: the stored row) [-]."""
    digest = scenario_digest(document)
    row = session.scalars(
        select(EnergyScenario).where(
            EnergyScenario.park_id == park_id, EnergyScenario.digest == digest
        )
    ).first()
    if row is None:
        row = EnergyScenario(
            park_id=park_id,
            name=str(document.get("name") or "scenario")[:255],
            digest=digest,
            freq=str(document.get("freq") or "1h"),
            document=dict(document),
        )
        session.add(row)
        session.flush()
    return row


def _check_park(session: Session, park_id: str) -> None:
    from parkzero.store import models as db

    if session.get(db.Park, park_id) is None:
        raise InputError(
            f'there is no park "{park_id}" in the store (import it with parkzero db import)',
            column="park",
        )


def _clean(data: Any) -> Any:
    """Plain JSON data: NaN and infinities become None."""
    if isinstance(data, Mapping):
        return {str(k): _clean(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_clean(v) for v in data]
    if isinstance(data, float | np.floating):
        return float(data) if math.isfinite(float(data)) else None
    if isinstance(data, np.integer):
        return int(data)
    return data


def save_sizing(
    session: Session, park_id: str, document: Mapping[str, Any], payload: Mapping[str, Any]
) -> EnergyResult:
    """Store a sizing result (``parkzero energy size --json`` keys) with its scenario.

    Raises
    ------
    InputError
        No park `park_id` in the store.
    """
    _check_park(session, park_id)
    scenario = save_scenario(session, park_id, document)
    body = _clean(dict(payload))
    row = EnergyResult(
        park_id=park_id,
        kind="sizing",
        scenario_id=scenario.id,
        scenario_digest=scenario.digest,
        day=None,
        figures={k: body.get(k) for k in _SIZING_FIGURES},
        payload=body,
    )
    session.add(row)
    session.flush()
    return row


def save_dispatch(
    session: Session, park_id: str, document: Mapping[str, Any], payload: Mapping[str, Any]
) -> EnergyResult:
    """Store a day's dispatch (:func:`dispatch_payload`) with its scenario.

    Raises
    ------
    InputError
        No park `park_id` in the store.
    """
    _check_park(session, park_id)
    scenario = save_scenario(session, park_id, document)
    body = _clean(dict(payload))
    cost = body.get("cost_cny") or {}
    figures = {k: body.get(k) for k in _DISPATCH_FIGURES}
    figures["cost_cny"] = cost.get("net")
    row = EnergyResult(
        park_id=park_id,
        kind="dispatch",
        scenario_id=scenario.id,
        scenario_digest=scenario.digest,
        day=dt.date.fromisoformat(str(body["day"])),
        figures=figures,
        payload=body,
    )
    session.add(row)
    session.flush()
    return row


def result_dict(row: EnergyResult) -> dict[str, Any]:
    """A stored result as JSON data: ``id``, ``kind``, ``created_at`` (UTC ISO), ``day``,
    ``scenario_digest``, ``figures`` and ``payload`` (units as in ``docs/energy.md``)."""
    return {
        "id": row.id,
        "kind": row.kind,
        "created_at": row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "day": None if row.day is None else row.day.isoformat(),
        "scenario_digest": row.scenario_digest,
        "figures": dict(row.figures or {}),
        "payload": dict(row.payload or {}),
    }


def latest_result(session: Session, park_id: str, kind: str) -> EnergyResult | None:
    """The park's newest result of `kind` (``"sizing"`` or ``"dispatch"``), or None."""
    return session.scalars(
        select(EnergyResult)
        .where(EnergyResult.park_id == park_id, EnergyResult.kind == kind)
        .order_by(EnergyResult.created_at.desc(), EnergyResult.id.desc())
        .limit(1)
    ).first()


def latest_scenario(session: Session, park_id: str) -> EnergyScenario | None:
    """The park's newest stored scenario, or None."""
    return session.scalars(
        select(EnergyScenario)
        .where(EnergyScenario.park_id == park_id)
        .order_by(EnergyScenario.created_at.desc(), EnergyScenario.id.desc())
        .limit(1)
    ).first()


def _sizes(session: Session, park_id: str, digest: str) -> Any:
    row = session.scalars(
        select(EnergyResult)
        .where(
            EnergyResult.park_id == park_id,
            EnergyResult.kind == "sizing",
            EnergyResult.scenario_digest == digest,
        )
        .order_by(EnergyResult.created_at.desc(), EnergyResult.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    p = row.payload
    try:
        return SimpleNamespace(
            pv_kw=float(p["pv_kw"]),
            battery_kwh=float(p["battery_kwh"]),
            battery_kw=float(p["battery_kw"]),
            chargers_installed=float(p["chargers"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def run_stored_dispatch(
    session: Session,
    park_id: str,
    day: dt.date,
    *,
    horizon_h: float = 24.0,
    rolling: bool = False,
    replan_h: float = 4.0,
    time_limit_s: float = 20.0,
    use_sizing: bool = True,
) -> EnergyResult:
    """Schedule `day` from the park's newest stored scenario and store the result.

    Parameters
    ----------
    day : date
        Local day within the scenario's period [-].
    horizon_h, replan_h : float
        Look-ahead of each MILP and (rolling) the re-planning interval [h].
    rolling : bool
        Re-plan every `replan_h` hours instead of one day-ahead MILP [-].
    time_limit_s : float
        HiGHS time limit of each MILP [s].
    use_sizing : bool
        Take PV, battery and charger sizes from the newest stored sizing of the same scenario
        when there is one (else the scenario's fixed or maximum sizes) [-].

    Raises
    ------
    InputError
        No stored scenario, a day outside it, or bad settings.
    """
    from parkzero.energy.dispatch import DispatchParams, dispatch_day_ahead, dispatch_rolling
    from parkzero.energy.models import SolverParams
    from parkzero.energy.scenario import scenario_from_dict

    for name, value, top in (("horizon_h", horizon_h, 48.0), ("replan_h", replan_h, 24.0)):
        if not (math.isfinite(value) and 0.25 <= value <= top):
            raise InputError(f"{value} h; expected 0.25 to {top:g} h", column=name)
    stored = latest_scenario(session, park_id)
    if stored is None:
        raise InputError(
            "the park has no stored energy scenario: run `parkzero energy size|dispatch "
            "SCENARIO.yaml --save --park ID` first",
            column="scenario",
        )
    doc = to_quarter_hours(stored.document)
    sc = scenario_from_dict(doc, source=f"stored scenario {stored.name!r}", freq="15min")
    local = sc.index.tz_convert(sc.tariff.timezone) if sc.index.tz is not None else sc.index
    hits = np.flatnonzero(np.asarray(local.date) == day)
    if not len(hits):
        raise InputError(
            f"{day.isoformat()} is not in the stored scenario "
            f"({local[0].date().isoformat()} to {local[-1].date().isoformat()})",
            column="day",
        )
    sizes = _sizes(session, park_id, stored.digest) if use_sizing else None
    inp = sc.dispatch_input(sizes)
    start = int(hits[0])
    steps = min(96, len(sc.index) - start)
    horizon = max(1, round(horizon_h * 4))
    params = DispatchParams(solver=SolverParams(time_limit_s=time_limit_s, mip_rel_gap=1e-4))
    if rolling:
        replan = max(1, min(round(replan_h * 4), horizon))
        res = dispatch_rolling(
            inp, start, steps, horizon_steps=horizon, replan_steps=replan, params=params
        )
    else:
        res = dispatch_day_ahead(inp, start, steps, horizon_steps=horizon, params=params)
    payload = dispatch_payload(
        sc,
        res,
        day=day,
        mode="rolling" if rolling else "day-ahead",
        horizon_h=horizon_h,
        battery_kwh=installed_battery_kwh(inp),
    )
    payload["sizes_from"] = "sizing" if sizes is not None else "scenario"
    return save_dispatch(session, park_id, stored.document, payload)


# --------------------------------------------------------------------------------------------
# the big screen


def _hourly(values: Sequence[float | None], per_hour: int, step_h: float) -> list[float | None]:
    out: list[float | None] = []
    for i in range(0, len(values) - per_hour + 1, per_hour):
        chunk = [v for v in values[i : i + per_hour] if v is not None]
        out.append(sum(chunk) * step_h if chunk else None)
    return out


def screen_results(session: Session, park_id: str) -> dict[str, Any] | None:
    """The big screen's energy panels from the park's newest stored dispatch, or None.

    Returns
    -------
    dict or None
        ``tou``: ``{"periods": [...], "kwh": [...]}`` grid import by time-of-use period of the
        dispatched day [kWh] (periods in :data:`TOU_ORDER`, only those of the day);
        ``hourly``: 24 × ``{"hour", "load_kwh", "pv_kwh"}`` — site load incl. EV charging and
        PV used per hour [kWh]; ``soc``: battery state of charge at the end of each hour [-]
        (None without a battery); ``day``, ``scenario``, ``tariff``, ``created_at``,
        ``battery_kwh`` [kWh]. None when nothing is stored.
    """
    row = latest_result(session, park_id, "dispatch")
    if row is None:
        return None
    p = row.payload or {}
    s = p.get("schedule") or {}
    times = list(s.get("time") or [])
    if len(times) < 2:
        return None
    step_h = (pd.Timestamp(times[1]) - pd.Timestamp(times[0])) / pd.Timedelta(hours=1)
    per_hour = max(1, round(1.0 / step_h))
    n = len(times)
    imp = [float(v or 0.0) for v in s.get("import_kw") or [0.0] * n]
    kwh: dict[str, float] = {}
    for period, value in zip(s.get("period") or ["flat"] * n, imp, strict=False):
        kwh[str(period)] = kwh.get(str(period), 0.0) + value * step_h
    periods = [q for q in TOU_ORDER if q in kwh] + sorted(q for q in kwh if q not in TOU_ORDER)
    load = [
        float(a or 0.0) + float(b or 0.0)
        for a, b in zip(s.get("load_kw") or [0.0] * n, s.get("ev_kw") or [0.0] * n, strict=False)
    ]
    pv = [float(v or 0.0) for v in s.get("pv_kw") or [0.0] * n]
    hours = [times[i][:19] for i in range(0, n - per_hour + 1, per_hour)]
    load_h = _hourly(load, per_hour, step_h)
    pv_h = _hourly(pv, per_hour, step_h)
    battery = p.get("battery_kwh")
    soc: list[float | None] | None = None
    if battery and float(battery) > 0 and s.get("soc_kwh"):
        levels = list(s["soc_kwh"])
        soc = [
            round(min(1.0, max(0.0, float(levels[i + per_hour - 1]) / float(battery))), 4)
            for i in range(0, n - per_hour + 1, per_hour)
        ]
    return {
        "day": p.get("day"),
        "scenario": p.get("scenario"),
        "tariff": p.get("tariff"),
        "created_at": row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "battery_kwh": battery,
        "tou": {"periods": periods, "kwh": [round(kwh[q], 3) for q in periods]},
        "hourly": [
            {"hour": h, "load_kwh": a, "pv_kwh": b}
            for h, a, b in zip(hours, load_h, pv_h, strict=True)
        ],
        "soc": soc,
    }
