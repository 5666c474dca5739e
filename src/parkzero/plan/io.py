"""Lever results and plan settings in files: JSON in, JSON out.

A lever-results file (``parkzero plan --lever-results FILE``) holds one
:class:`~parkzero.carbon.models.LeverResult` as an object, a list of them, an object with a
``levers`` list, or the output of a lever command whose ``lever`` key holds one (``parkzero
route … --json``). A result object has the dataclass's fields::

    {"lever": "hvac.ocl",
     "baseline": [{"kind": "electricity.grid", "quantity": 2400000, "unit": "kWh",
                   "start": "2024-01-01", "end": "2024-12-31", "zone": "cold-store"}],
     "scenario": [{"kind": "electricity.grid", "quantity": 2100000, "unit": "kWh",
                   "start": "2024-01-01", "end": "2024-12-31", "zone": "cold-store"}],
     "capex_cny": 800000, "opex_delta_cny_per_year": -195000, "lifetime_years": 10,
     "metrics": {"saving_kwh": 300000}, "evidence": {"solver": "…"}}

A plan-settings file (``--config``) is YAML: ``levers: {<id>: {enabled, zones, ramp_years,
group, params}}`` (see :func:`parkzero.plan.catalogue.build_catalogue`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from parkzero.carbon.models import QUALITY_TIERS, Activity, LeverResult
from parkzero.errors import InputError

__all__ = [
    "lever_result_from_dict",
    "lever_result_to_dict",
    "read_lever_results",
    "read_plan_config",
]


def lever_result_to_dict(result: LeverResult) -> dict[str, Any]:
    """A lever result as JSON-able data (dates as ISO text)."""

    def act(a: Activity) -> dict[str, Any]:
        d = asdict(a)
        d["start"], d["end"] = a.start.isoformat(), a.end.isoformat()
        return {k: v for k, v in d.items() if v is not None}

    return {
        "lever": result.lever,
        "baseline": [act(a) for a in result.baseline],
        "scenario": [act(a) for a in result.scenario],
        "capex_cny": result.capex_cny,
        "opex_delta_cny_per_year": result.opex_delta_cny_per_year,
        "lifetime_years": result.lifetime_years,
        "metrics": dict(result.metrics),
        "evidence": dict(result.evidence),
    }


def _date(value: Any, where: str, source: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(
            f"expected a date YYYY-MM-DD, got {value!r}", source=source, column=where
        ) from None


def _number(value: Any, where: str, source: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"expected a number, got {value!r}", source=source, column=where)
    if value < 0 or (positive and value == 0):
        raise InputError(
            f"must be {'positive' if positive else '≥ 0'}, got {value}", source=source, column=where
        )
    return float(value)


def lever_result_from_dict(
    data: Mapping[str, Any], *, source: str = "<lever result>", where: str = ""
) -> LeverResult:
    """Validate one lever result object.

    Raises
    ------
    InputError
        Naming `source` and the field path (``[0].baseline[2].quantity``).
    """
    if not isinstance(data, Mapping):
        raise InputError("expected a lever result object", source=source, column=where or None)
    if not isinstance(data.get("lever"), str) or not data["lever"]:
        raise InputError(
            'missing lever id (a string such as "hvac.ocl")',
            source=source,
            column=f"{where}lever".lstrip("."),
        )
    sides = {}
    for side in ("baseline", "scenario"):
        items = data.get(side, [])
        if not isinstance(items, list):
            raise InputError(
                "expected a list of activities", source=source, column=f"{where}{side}"
            )
        acts = []
        for i, item in enumerate(items):
            at = f"{where}{side}[{i}]"
            if not isinstance(item, Mapping):
                raise InputError("expected an activity object", source=source, column=at)
            for key in ("kind", "quantity", "unit", "start", "end"):
                if key not in item:
                    raise InputError(f'missing "{key}"', source=source, column=f"{at}.{key}")
            quality = item.get("quality") or "estimated"
            if quality not in QUALITY_TIERS:
                raise InputError(
                    f"expected one of {', '.join(QUALITY_TIERS)}",
                    source=source,
                    column=f"{at}.quality",
                )
            acts.append(
                Activity(
                    kind=str(item["kind"]),
                    quantity=_number(item["quantity"], f"{at}.quantity", source),
                    unit=str(item["unit"]),
                    start=_date(item["start"], f"{at}.start", source),
                    end=_date(item["end"], f"{at}.end", source),
                    zone=item.get("zone") or None,
                    tenant=item.get("tenant") or None,
                    source_id=item.get("source_id") or None,
                    quality=quality,
                    category=item.get("category") or None,
                    region=item.get("region") or None,
                )
            )
        sides[side] = tuple(acts)
    metrics = data.get("metrics") or {}
    evidence = data.get("evidence") or {}
    if not isinstance(metrics, Mapping) or not isinstance(evidence, Mapping):
        raise InputError(
            "metrics and evidence must be objects", source=source, column=f"{where}metrics"
        )
    return LeverResult(
        lever=data["lever"],
        baseline=sides["baseline"],
        scenario=sides["scenario"],
        capex_cny=_number(data.get("capex_cny", 0.0), f"{where}capex_cny", source),
        opex_delta_cny_per_year=float(data.get("opex_delta_cny_per_year", 0.0) or 0.0),
        lifetime_years=_number(
            data.get("lifetime_years", 10.0), f"{where}lifetime_years", source, positive=True
        ),
        metrics=dict(metrics),
        evidence=dict(evidence),
    )


def read_lever_results(path: str | Path) -> list[LeverResult]:
    """Read a lever-results JSON file (see the module docstring for the shapes)."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("lever-results file not found", source=source)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=source, row=exc.lineno) from None
    if isinstance(data, Mapping) and isinstance(data.get("levers"), list):
        items, prefix = data["levers"], "levers"
    elif isinstance(data, Mapping) and isinstance(data.get("lever"), Mapping):
        items, prefix = [data["lever"]], "lever"
    elif isinstance(data, list):
        items, prefix = data, ""
    else:
        items, prefix = [data], ""
    out = []
    for i, item in enumerate(items):
        where = f"{prefix}[{i}]." if prefix or len(items) > 1 or isinstance(data, list) else ""
        out.append(lever_result_from_dict(item, source=source, where=where))
    return out


def read_plan_config(path: str | Path) -> dict[str, Any]:
    """Read a plan-settings YAML file; returns the ``levers`` overrides mapping."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("plan settings file not found", source=source)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", source=source) from None
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping with a `levers:` section", source=source)
    unknown = set(data) - {"levers"}
    if unknown:
        raise InputError(
            f"unknown sections {sorted(unknown)} (expected levers)",
            source=source,
            column=sorted(unknown)[0],
        )
    levers = data.get("levers") or {}
    if not isinstance(levers, Mapping):
        raise InputError(
            "expected a mapping of lever id to settings", source=source, column="levers"
        )
    return {str(k): dict(v or {}) for k, v in levers.items()}
