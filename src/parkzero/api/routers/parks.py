"""The caller's park: identity, zones and tenants (``/api/parks/{park_id}``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkzero.api.access import allow
from parkzero.api.deps import get_session
from parkzero.api.principal import Principal
from parkzero.api.routers._scope import STAFF, not_found, tenant_of
from parkzero.store import models as db

__all__ = ["ParkOut", "TenantOut", "ZoneOut", "router"]

router = APIRouter(prefix="/api/parks", tags=["parks"])


class ZoneOut(BaseModel):
    """A zone of the park."""

    id: str
    name: str
    area_m2: float | None


class TenantOut(BaseModel):
    """A tenant of the park and the zones it uses."""

    id: str
    name: str
    zones: list[str]
    area_m2: float | None


class ParkOut(BaseModel):
    """The park; a tenant sees only itself among the tenants."""

    id: str
    name: str
    region: str
    base_year: int | None
    floor_area_m2: float | None
    zones: list[ZoneOut]
    tenants: list[TenantOut]


@router.get("/{park_id}", response_model=ParkOut)
def get_park(
    park_id: str,
    principal: Annotated[Principal, allow(*STAFF, "tenant", scope="tenant")],
    session: Session = Depends(get_session),
) -> ParkOut:
    """The caller's park with its zones and tenants."""
    row = session.get(db.Park, park_id)
    if row is None:
        raise not_found()
    tenant = tenant_of(principal)
    tenants = select(db.Tenant).where(db.Tenant.park_id == park_id).order_by(db.Tenant.id)
    if tenant is not None:
        tenants = tenants.where(db.Tenant.id == tenant)
    settings = row.settings if isinstance(row.settings, dict) else {}
    return ParkOut(
        id=row.id,
        name=row.name,
        region=row.region,
        base_year=settings.get("base_year"),
        floor_area_m2=settings.get("floor_area_m2"),
        zones=[
            ZoneOut(id=z.id, name=z.name, area_m2=z.area_m2)
            for z in sorted(row.zones, key=lambda z: z.id)
        ],
        tenants=[
            TenantOut(id=t.id, name=t.name, zones=list(t.zones or []), area_m2=t.area_m2)
            for t in session.scalars(tenants)
        ],
    )
