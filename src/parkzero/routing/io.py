"""Problem files (YAML or JSON) in, plans out as plain dicts with stable keys.

A problem file is a mapping with the fields of :class:`~parkzero.routing.models.Problem`
(``docs/routing.md`` has the reference and ``examples/routing/wuhan_cold_chain.yaml`` an
example). Times of day may be written ``"07:30"`` instead of minutes after midnight in every
field whose name ends in ``_min`` and in restriction windows.

A bad file raises one :class:`~parkzero.errors.InputError` naming the file and the field path,
e.g. ``orders[3].tw_end_min``, what is wrong and what was expected.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from parkzero.errors import InputError
from parkzero.routing.evaluate import Measures
from parkzero.routing.loading import loading_plan
from parkzero.routing.models import Plan, Problem

__all__ = ["load_problem", "parse_problem", "plan_to_dict"]

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _clock(value: Any, where: str, source: str) -> Any:
    if isinstance(value, str):
        m = _HHMM.match(value)
        if not m or int(m.group(2)) >= 60:
            raise InputError(
                f"{value!r} is not a time of day; expected minutes after midnight or 'HH:MM'",
                source=source,
                column=where,
            )
        return int(m.group(1)) * 60 + int(m.group(2))
    return value


def _times(obj: Any, path: str, source: str) -> Any:
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            where = f"{path}.{k}" if path else str(k)
            if isinstance(k, str) and k.endswith("_min") and not isinstance(v, list | dict):
                out[k] = _clock(v, where, source)
            elif k == "window" and isinstance(v, list):
                out[k] = [_clock(x, f"{where}[{i}]", source) for i, x in enumerate(v)]
            else:
                out[k] = _times(v, where, source)
        return out
    if isinstance(obj, list):
        return [_times(v, f"{path}[{i}]", source) for i, v in enumerate(obj)]
    return obj


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_problem(data: Any, source: str = "<problem>") -> Problem:
    """Validate a mapping (as read from YAML or JSON) into a :class:`Problem`.

    Parameters
    ----------
    data : mapping
        The file's content.
    source : str
        File name for error messages [-].

    Returns
    -------
    Problem

    Raises
    ------
    InputError
        Naming `source` and the field path of the first problem, with the others after it.

    Examples
    --------
    >>> parse_problem({"depots": [], "orders": [], "vehicle_types": []}, "p.yaml")
    Traceback (most recent call last):
    ...
    parkzero.errors.InputError: p.yaml, column "depots": Tuple should have at least 1 item ...
    """
    if not isinstance(data, dict):
        raise InputError("expected a mapping of problem fields at the top level", source=source)
    data = _times(data, "", source)
    try:
        return Problem.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        msg = first["msg"]
        if first["type"] == "extra_forbidden":
            msg = "unknown field; check the spelling against docs/routing.md"
        more = "" if len(errors) == 1 else f" (and {len(errors) - 1} more problems)"
        column = _loc(first["loc"]) or None
        raise InputError(f"{msg}{more}", source=source, column=column) from exc


def load_problem(path: str | Path) -> Problem:
    """Read a YAML or JSON problem file.

    Parameters
    ----------
    path : str or Path
        ``.yaml``, ``.yml`` or ``.json`` file.

    Returns
    -------
    Problem

    Raises
    ------
    InputError
        When the file is missing, is not YAML/JSON, or has a bad field (file and field named).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InputError(f"not valid YAML/JSON: {exc}", source=str(path)) from exc
    return parse_problem(data, str(path))


def plan_to_dict(
    problem: Problem, plan: Plan, measures: Measures | None = None, *, loading: bool = True
) -> dict[str, Any]:
    """A plan as plain data with the stable keys documented in ``docs/routing.md``.

    Parameters
    ----------
    problem : Problem
        The routing problem.
    plan : Plan
        The plan.
    measures : Measures, optional
        Its totals; adds ``co2e_kg``, ``cost_cny``, ``load_factor`` and the energy figures.
    loading : bool
        Add the loading plan of each route [-].

    Returns
    -------
    dict
        ``vehicles``, ``distance``, ``routes`` (order-id lists), ``feasible``, ``unserved``,
        ``route_details`` and, with measures, the totals.
    """
    out: dict[str, Any] = {
        "name": problem.name,
        "objective": plan.objective,
        "vehicles": sum(1 for r in plan.routes if r.stops),
        "distance": round(sum(r.distance_km for r in plan.routes), 4),
        "routes": [r.orders for r in plan.routes if r.stops],
        "feasible": plan.feasible,
        "unserved": [{"order": u.order, "reason": u.reason} for u in plan.unserved],
    }
    details = []
    for i, r in enumerate(r for r in plan.routes if r.stops):
        d: dict[str, Any] = {
            "vehicle_type": r.vehicle_type,
            "depot": r.depot,
            "start_min": round(r.start_min, 3),
            "end_min": round(r.end_min, 3),
            "distance_km": round(r.distance_km, 4),
            "stops": [
                {
                    "order": s.order,
                    "arrival_min": round(s.arrival_min, 3),
                    "start_min": round(s.start_min, 3),
                }
                for s in r.stops
            ],
        }
        if measures is not None:
            rm = measures.routes[i]
            d.update(
                load_kg=round(rm.load_kg, 3),
                weight_utilisation=round(rm.weight_utilisation, 4),
                diesel_l=round(rm.traction_diesel_l + rm.reefer_diesel_l, 4),
                electricity_kwh=round(rm.traction_kwh + rm.reefer_kwh, 4),
                reefer_h=round(rm.reefer_h, 4),
                cost_cny=round(rm.cost_cny, 2),
            )
        if loading:
            vl = loading_plan(problem, r)
            d["loading"] = [
                {
                    "zone": c.zone,
                    "utilisation": {
                        k: (None if v is None else round(v, 4)) for k, v in c.utilisation.items()
                    },
                    "load_order": [
                        {
                            "order": it.order,
                            "stop": it.stop,
                            "weight_kg": it.weight_kg,
                            "volume_m3": it.volume_m3,
                            "pallets": it.pallets,
                            "pallet_places": list(it.pallet_places),
                        }
                        for it in c.items
                    ],
                }
                for c in vl.compartments
            ]
        details.append(d)
    out["route_details"] = details
    if measures is not None:
        out.update(
            co2e_kg=None if measures.co2e_kg is None else round(measures.co2e_kg, 3),
            cost_cny=round(measures.cost_cny, 2),
            load_factor=round(measures.load_factor, 4),
            distance_km=round(measures.distance_km, 3),
            duration_h=round(measures.duration_h, 3),
            diesel_l=round(measures.diesel_l, 3),
            electricity_kwh=round(measures.electricity_kwh, 3),
            reefer_h=round(measures.reefer_h, 3),
        )
    out["evidence"] = plan.evidence
    return out
