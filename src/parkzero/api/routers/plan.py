"""Target pathway, MACC and roadmap of the caller's park (``/api/parks/{park_id}/target``, ``…/plan``).

The plan is :func:`parkzero.plan.make_plan` over the park's stored activity data with the lever
catalogue and the default target (1.5 °C absolute contraction, market-based scope 2). It takes
seconds, so it is computed once per version of the park's data (the park's last update and its
newest import batch) and then served from memory.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session
from parkzero.api.principal import Principal
from parkzero.api.routers._scope import STAFF, cache_of, json_bytes, json_response, not_found
from parkzero.store import models as db

__all__ = ["data_version", "park_plan", "router"]

router = APIRouter(prefix="/api/parks/{park_id}", tags=["targets and plan"])

_JSON = {200: {"content": {"application/json": {"schema": {"type": "object"}}}}}


def data_version(session: Session, park_id: str) -> tuple[str, int]:
    """What identifies the park's data now: its last update time and newest import batch id."""
    park = session.get(db.Park, park_id)
    if park is None:
        raise not_found()
    batch = session.scalar(
        select(func.max(db.ImportBatch.id)).where(db.ImportBatch.park_id == park_id)
    )
    return park.updated_at.isoformat(), int(batch or 0)


def park_plan(request: Request, session: Session, park_id: str) -> dict[str, Any]:
    """The park's plan as :meth:`parkzero.plan.Plan.to_dict`, computed once per data version."""
    version = data_version(session, park_id)

    def compute() -> dict[str, Any]:
        from parkzero.plan import build_catalogue, make_plan
        from parkzero.store.service import get_park, load_activities

        park = get_park(session, park_id)
        activities = load_activities(session, park_id)
        plan = make_plan(park, activities, build_catalogue()).to_dict()
        return json_safe(plan)

    result: dict[str, Any] = cache_of(request, "plan", 16).get_or_compute(
        ("plan", park_id, version), compute
    )
    return result


def json_safe(value: Any) -> Any:
    """Plain JSON data: NaN and infinities as None, tuples as lists, numpy scalars as numbers."""
    import math

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return json_safe(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _part(request: Request, session: Session, park_id: str, key: str | None) -> Response:
    plan = park_plan(request, session, park_id)
    cache = cache_of(request, "plan-bytes", 64)
    version = data_version(session, park_id)
    body = cache.get_or_compute(
        (park_id, version, key),
        lambda: json_bytes(plan if key is None else {"park": plan.get("park"), key: plan[key]}),
    )
    return json_response(body)


@router.get("/target", responses=_JSON)  # type: ignore[arg-type]
def target(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> Response:
    """The science-based target and its pathway by year [tCO2e] (``target`` of the plan)."""
    return _part(request, session, park_id, "target")


@router.get("/plan", responses=_JSON)  # type: ignore[arg-type]
def plan(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> Response:
    """The whole plan: settings, target, MACC, roadmap, assumptions (keys in docs/plan.md)."""
    return _part(request, session, park_id, None)


@router.get("/plan/macc", responses=_JSON)  # type: ignore[arg-type]
def macc(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> Response:
    """The marginal abatement cost curve: levers in merit order [tCO2e/yr, CNY/tCO2e]."""
    return _part(request, session, park_id, "macc")


@router.get("/plan/roadmap", responses=_JSON)  # type: ignore[arg-type]
def roadmap(
    park_id: str,
    request: Request,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> Response:
    """The roadmap to the target: levers deployed by year, emissions and cost [tCO2e, CNY]."""
    return _part(request, session, park_id, "roadmap")
