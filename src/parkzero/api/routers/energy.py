"""Energy results of the caller's park (``/api/parks/{park_id}/energy``) and the tariff list.

* ``GET …/energy/sizing``, ``GET …/energy/dispatch``: the newest stored sizing result and day
  dispatch (:mod:`parkzero.energy.service`; stored by ``parkzero energy size|dispatch --save``,
  by ``parkzero serve --demo`` and by the POST below). 404 while there is none.
* ``POST …/energy/dispatch`` ``{"day": "2024-07-15", "horizon_h": 24, "rolling": false,
  "replan_h": 4}``: schedule one day from the park's stored scenario (15-minute MILP on HiGHS,
  each solve time-limited so the whole call stays within :data:`DISPATCH_BUDGET_S`), store and
  return it. Managers and operators; rate-limited per park; audited.
* ``GET /api/energy/tariffs``: the shipped China C&I time-of-use tariffs (any signed-in user).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session, get_settings
from parkzero.api.principal import Principal
from parkzero.api.ratelimit import RateLimiter, client_ip
from parkzero.api.routers._scope import STAFF, not_found

__all__ = [
    "DISPATCH_BUDGET_S",
    "DISPATCH_LIMIT",
    "DISPATCH_WINDOW_S",
    "DispatchIn",
    "router",
    "setup",
    "tariff_dict",
]

router = APIRouter(tags=["energy"])

#: Dispatch runs a park may start per window [-].
DISPATCH_LIMIT = 10
#: The window of :data:`DISPATCH_LIMIT` [s].
DISPATCH_WINDOW_S = 60
#: Total HiGHS time one dispatch request may use, shared by its solves [s].
DISPATCH_BUDGET_S = 30.0
_RUNNERS = ("manager", "operator")
_PREFIX = "/api/parks/{park_id}/energy"


class DispatchIn(BaseModel):
    """A day to schedule from the park's stored scenario."""

    day: dt.date = Field(description="Local day within the stored scenario")
    horizon_h: float = Field(24.0, ge=0.25, le=48.0, description="Look-ahead of each MILP [h]")
    rolling: bool = Field(False, description="Re-plan every replan_h hours")
    replan_h: float = Field(4.0, ge=1.0, le=24.0, description="Re-planning interval [h]")


def setup(app: Any) -> None:
    """Give the app its dispatch rate limiter."""
    app.state.energy_limiter = RateLimiter(DISPATCH_LIMIT, DISPATCH_WINDOW_S, "energy dispatch")


def _limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter | None = getattr(request.app.state, "energy_limiter", None)
    if limiter is None:
        limiter = request.app.state.energy_limiter = RateLimiter(
            DISPATCH_LIMIT, DISPATCH_WINDOW_S, "energy dispatch"
        )
    return limiter


def _latest(session: Session, park_id: str, kind: str) -> dict[str, Any]:
    from parkzero.energy.service import latest_result, result_dict

    row = latest_result(session, park_id, kind)
    if row is None:
        raise not_found(
            f"no {kind} result is stored for this park yet "
            f"(parkzero energy {'size' if kind == 'sizing' else 'dispatch'} … --save --park ID)"
        )
    return result_dict(row)


@router.get(f"{_PREFIX}/sizing")
def latest_sizing(
    park_id: str,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """The newest stored sizing (PV kWp, battery kWh/kW, chargers, bill, NPV …) of the park."""
    return _latest(session, park_id, "sizing")


@router.get(f"{_PREFIX}/dispatch")
def latest_dispatch(
    park_id: str,
    principal: Annotated[Principal, allow(*STAFF, scope="park")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """The newest stored day dispatch with its 15-minute schedule [kW, kWh, CNY]."""
    return _latest(session, park_id, "dispatch")


@router.post(f"{_PREFIX}/dispatch", status_code=201)
def run_dispatch(
    park_id: str,
    body: DispatchIn,
    request: Request,
    principal: Annotated[Principal, allow(*_RUNNERS, scope="park")],
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Schedule a day from the park's stored scenario, store it and return it (422 on bad
    input: no stored scenario, a day outside it)."""
    from parkzero.api.service import audit
    from parkzero.energy.service import result_dict, run_stored_dispatch

    _limiter(request).hit(f"energy:{park_id}")
    solves = 1
    if body.rolling:
        solves = max(1, math.ceil(24.0 / body.replan_h))
    row = run_stored_dispatch(
        session,
        park_id,
        body.day,
        horizon_h=body.horizon_h,
        rolling=body.rolling,
        replan_h=body.replan_h,
        time_limit_s=max(1.0, DISPATCH_BUDGET_S / solves),
    )
    audit(
        session, "energy.dispatch", principal=principal, ip=client_ip(request),
        target=f"energy_result:{row.id}", details={"day": body.day.isoformat()},
        ledger_origin=get_settings(request).ledger_origin,
    )  # fmt: skip
    session.commit()
    return result_dict(row)


def _spans(quarters: tuple[str, ...]) -> dict[str, list[list[float]]]:
    """Quarter-hour period names → ``{period: [[start_h, end_h], ...]}`` [h]."""
    out: dict[str, list[list[float]]] = {}
    start = 0
    for i in range(1, len(quarters) + 1):
        if i == len(quarters) or quarters[i] != quarters[start]:
            out.setdefault(quarters[start], []).append([start / 4, i / 4])
            start = i
    return out


def tariff_dict(tariff: Any) -> dict[str, Any]:
    """A tariff as JSON: prices [CNY/kWh], ratios [-], charges [CNY/(kW·month), CNY/(kVA·month)],
    seasons with each period's hours [h]."""
    from parkzero.energy.tariffs import effective_date

    eff = effective_date(tariff)
    return {
        "id": tariff.id,
        "name": tariff.name,
        "region": tariff.region,
        "flat_price_cny_per_kwh": tariff.flat_price,
        "ratios": dict(tariff.ratios),
        "seasons": [
            {
                "months": sorted(s.months),
                "ratios": dict(s.ratios),
                "periods": _spans(tuple(s.hour_period)),
            }
            for s in tariff.seasons
        ],
        "demand_charge_cny_per_kw_month": tariff.demand_charge,
        "capacity_charge_cny_per_kva_month": tariff.capacity_charge,
        "export_price_cny_per_kwh": tariff.export_price,
        "green_premium_cny_per_kwh": tariff.green_premium,
        "effective_from": None if eff is None else eff.isoformat(),
    }


@router.get("/api/energy/tariffs")
def tariffs(principal: Annotated[Principal, allow("*", scope="self")]) -> list[dict[str, Any]]:
    """The shipped time-of-use tariffs (reference data, the same for every park)."""
    from parkzero.energy.tariffs import load_tariffs

    return [tariff_dict(t) for _, t in sorted(load_tariffs().items())]
