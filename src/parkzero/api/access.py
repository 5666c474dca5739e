"""Access rules: :func:`allow` both enforces a route's rule and declares it.

Every route of the app carries exactly one rule, given as a dependency::

    @router.get("/parks/{park_id}/inventory/runs")
    def runs(principal: Principal = allow("admin", "manager", "auditor", "tenant", scope="tenant")):
        ...

The rule is checked in this order, so that nothing of another park is revealed:

1. ``scope="public"``: anyone, signed in or not; nothing else is checked.
2. Not signed in: 401.
3. A ``{park_id}`` in the path that is not the caller's park: 404, whatever the role.
4. A role not in `roles`: 403.
5. A ``{tenant_id}`` (``{carrier_id}``) in the path that is not the calling tenant's (carrier's)
   own: 404.

Scopes say how far the route's data reaches and oblige the route to narrow its queries:

=========  ===================================================================================
park       the caller's whole park (never open to tenants or carriers)
tenant     the park, narrowed to ``principal.tenant_id`` when the caller is a tenant
carrier    the park, narrowed to ``principal.carrier_id`` when the caller is a carrier
self       only the caller's own account (sign-out, own tokens, own password)
public     no sign-in (sign-in itself, health, the OpenAPI schema)
=========  ===================================================================================

A tenant may only be allowed on ``tenant``/``self`` routes and a carrier only on
``carrier``/``self`` routes; :func:`allow` refuses anything else when the app is built. The
test suite walks ``app.routes`` with :func:`route_rule` and fails on a route without a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute

from parkzero.api.deps import get_principal
from parkzero.api.principal import Principal
from parkzero.store.accounts import ROLES

__all__ = ["SCOPES", "AccessRule", "RouteInfo", "allow", "iter_routes", "route_rule"]

#: Scopes a rule can declare.
SCOPES: tuple[str, ...] = ("park", "tenant", "carrier", "self", "public")
_RULE_ATTR = "__parkzero_access__"


@dataclass(frozen=True)
class AccessRule:
    """Roles allowed on a route and the scope of its data."""

    roles: tuple[str, ...]
    scope: str

    def to_dict(self) -> dict[str, Any]:
        return {"roles": list(self.roles), "scope": self.scope}


def _not_found() -> HTTPException:
    return HTTPException(404, "not found")


def allow(*roles: str, scope: str = "park") -> Any:
    """A dependency enforcing and declaring who may call a route (see the module docstring).

    Parameters
    ----------
    *roles : str
        Roles allowed; none for ``scope="public"``, ``"*"`` for every role.
    scope : {"park", "tenant", "carrier", "self", "public"}
        How far the route's data reaches.

    Returns
    -------
    fastapi.params.Depends
        Use it as a parameter default (``principal: Principal = allow(...)``, the caller; None
        for public routes) or in ``dependencies=[allow(...)]``.
    """
    if scope not in SCOPES:
        raise ValueError(f'unknown scope "{scope}" (expected {", ".join(SCOPES)})')
    allowed = ROLES if roles == ("*",) else tuple(roles)
    unknown = [r for r in allowed if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown} (expected {', '.join(ROLES)})")
    if scope == "public":
        if allowed:
            raise ValueError("a public route lists no roles")
    elif not allowed:
        raise ValueError("name the roles allowed, or use scope='public'")
    if "tenant" in allowed and scope not in ("tenant", "self"):
        raise ValueError(f"a tenant may only be allowed on tenant-scoped routes, not {scope}")
    if "carrier" in allowed and scope not in ("carrier", "self"):
        raise ValueError(f"a carrier may only be allowed on carrier-scoped routes, not {scope}")
    rule = AccessRule(allowed, scope)

    if scope == "public":

        def public() -> None:
            return None

        setattr(public, _RULE_ATTR, rule)
        return Depends(public)

    def check(request: Request, principal: Principal = Depends(get_principal)) -> Principal:
        path = request.path_params
        if "park_id" in path and path["park_id"] != principal.park_id:
            raise _not_found()
        if principal.role not in allowed:
            raise HTTPException(403, f'the role "{principal.role}" may not do this')
        if principal.role == "tenant" and path.get("tenant_id", principal.tenant_id) != (
            principal.tenant_id
        ):
            raise _not_found()
        if principal.role == "carrier" and path.get("carrier_id", principal.carrier_id) != (
            principal.carrier_id
        ):
            raise _not_found()
        return principal

    setattr(check, _RULE_ATTR, rule)
    return Depends(check)


def _walk(dependant: Any) -> list[AccessRule]:
    found: list[AccessRule] = []
    call: Callable[..., Any] | None = getattr(dependant, "call", None)
    rule = getattr(call, _RULE_ATTR, None) if call is not None else None
    if isinstance(rule, AccessRule):
        found.append(rule)
    for sub in getattr(dependant, "dependencies", ()):
        found.extend(_walk(sub))
    return found


def route_rule(route: APIRoute) -> AccessRule | None:
    """The access rule a route declares, or None.

    Raises
    ------
    ValueError
        The route declares more than one rule.
    """
    rules = set(_walk(route.dependant))
    if len(rules) > 1:
        raise ValueError(f"{route.path} declares {len(rules)} access rules")
    return next(iter(rules), None)


@dataclass(frozen=True)
class RouteInfo:
    """One HTTP route of an app as served: full path, methods, the route and its rule."""

    path: str
    methods: frozenset[str]
    route: APIRoute
    rule: AccessRule | None


def iter_routes(app: FastAPI) -> Iterator[RouteInfo]:
    """Every :class:`~fastapi.routing.APIRoute` the app serves, with its full path and rule.

    Routers included with ``include_router`` are walked (also where FastAPI keeps them as
    lazily resolved inclusions); mounts such as static files are not API routes.
    """
    contexts = getattr(fastapi_routing, "iter_route_contexts", None)
    if contexts is None:  # older FastAPI: included routes are flattened into app.routes
        for route in app.routes:
            if isinstance(route, APIRoute):
                yield RouteInfo(
                    route.path, frozenset(route.methods or set()), route, route_rule(route)
                )
        return
    for ctx in contexts(app.routes):
        route = ctx.original_route
        if not isinstance(route, APIRoute):
            continue
        dependant = getattr(ctx, "dependant", None) or route.dependant
        rules = set(_walk(dependant)) | set(_walk(route.dependant))
        if len(rules) > 1:
            raise ValueError(f"{ctx.path} declares {len(rules)} access rules")
        yield RouteInfo(
            str(ctx.path), frozenset(ctx.methods or set()), route, next(iter(rules), None)
        )
