"""Access rules: every route declares one, and the generated cross-park / cross-tenant matrix.

The matrix is built from the app's routes, so a route added later is covered without editing
this file: for each route and each role of ``home-park``, the route is called with the objects
of ``victim-park`` (park id, inventory run, meters, users, tokens, ledger entry) and must answer
403 or 404. Within one park, a tenant (carrier) calling a tenant- (carrier-) scoped route must
never see the other tenant's (carrier's) name in the answer.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from parkzero.api.access import AccessRule, allow, iter_routes, route_rule
from parkzero.api.app import create_app
from parkzero.api.settings import ApiSettings

from .conftest import ROLES, SECRET, World

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _routes() -> list[tuple[str, str, AccessRule | None]]:
    # The app is built once without a database (migrate=False, engine never used).
    app = create_app(ApiSettings(secret_key=SECRET, database_url="sqlite://", migrate=False))
    out = []
    for info in iter_routes(app):
        for method in sorted(info.methods - {"HEAD", "OPTIONS"}):
            out.append((method, info.path, info.rule))
    return out


ROUTES = _routes()
PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def test_every_route_declares_an_access_rule() -> None:
    missing = [f"{m} {p}" for m, p, rule in ROUTES if rule is None]
    assert missing == [], f"routes without allow(...): {missing}"
    # the core routers are all there (a router that failed to load would shrink the list)
    paths = {p for _, p, _ in ROUTES}
    for expected in (
        "/api/auth/token",
        "/api/parks/{park_id}/users",
        "/api/parks/{park_id}/inventory/runs/{run_id}",
        "/api/parks/{park_id}/plan/macc",
        "/api/parks/{park_id}/meters/{meter_id}",
        "/api/parks/{park_id}/ledger/proofs/inclusion",
        "/api/parks/{park_id}/reports/inventory",
    ):
        assert expected in paths


def test_a_route_without_a_rule_is_found() -> None:
    app = FastAPI()
    router = APIRouter(prefix="/api/x")

    @router.get("/open")
    def open_() -> dict[str, str]:
        return {}

    @router.get("/closed", dependencies=[allow("admin", scope="park")])
    def closed() -> dict[str, str]:
        return {}

    app.include_router(router)
    rules = {info.path: info.rule for info in iter_routes(app)}
    assert rules["/api/x/open"] is None
    assert rules["/api/x/closed"] == AccessRule(("admin",), "park")


def test_rules_are_declared_in_the_openapi_schema() -> None:
    app = create_app(ApiSettings(secret_key=SECRET, database_url="sqlite://", migrate=False))
    ops = app.openapi()["paths"]["/api/parks/{park_id}/users"]
    assert ops["get"]["x-access"] == {"roles": ["admin"], "scope": "park"}


@pytest.mark.parametrize(
    ("roles", "scope"),
    [(("tenant",), "park"), (("carrier",), "tenant"), (("admin",), "public"), ((), "park")],
)
def test_allow_refuses_unsafe_declarations(roles: tuple[str, ...], scope: str) -> None:
    with pytest.raises(ValueError):
        allow(*roles, scope=scope)


def test_allow_refuses_unknown_roles_and_scopes() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        allow("root")
    with pytest.raises(ValueError, match="unknown scope"):
        allow("admin", scope="world")


def _victim_params(world: World) -> dict[str, Any]:
    v = world.victim
    return {
        "park_id": v.id,
        "run_id": v.run_id,
        "meter_id": v.meters["tenant-alpha"],
        "user_id": v.users["manager"],
        "token_id": v.token_ids["manager"],
        "index": v.audit_index,
        "tenant_id": "tenant-victim",
        "carrier_id": "carrier-victim",
        "zone_id": f"{v.id}-cold",
    }


#: Value of a path parameter the matrix has no victim object for (routes added later): it
#: names the victim park, and the route must still refuse (403/404) or reject it (422).
UNKNOWN = "victim-park-object"


def _fill(path: str, params: dict[str, Any], *, strict: bool = False) -> str | None:
    names = PARAM.findall(path)
    if strict and any(n not in params for n in names):
        return None
    return PARAM.sub(lambda m: str(params.get(m.group(1), UNKNOWN)), path)


def _call(world: World, method: str, url: str, token: str) -> Any:
    kwargs: dict[str, Any] = {"headers": world.auth(token), "follow_redirects": False}
    if method in UNSAFE:
        kwargs["json"] = {}
    return world.client.request(method, url, **kwargs)


CROSS = [
    pytest.param(m, p, id=f"{m} {p}")
    for m, p, rule in ROUTES
    if rule is not None and rule.scope != "public" and "{" in p
]


@pytest.mark.parametrize(("method", "path"), CROSS)
def test_cross_park_matrix(world: World, method: str, path: str) -> None:
    """Every role of home-park, given victim-park's objects, gets 403 or 404."""
    params = _victim_params(world)
    url = _fill(path, params)
    assert url is not None
    known = _fill(path, params, strict=True) is not None
    allowed = (403, 404) if known else (403, 404, 422)
    for role in ROLES:
        r = _call(world, method, url, world.home.tokens[role])
        assert r.status_code in allowed, (role, method, url, r.status_code, r.text[:200])
        assert "受害园区" not in r.text, (role, method, url)
    # the same objects under the caller's own park id: still not found (no IDOR)
    if {"park_id"} < set(PARAM.findall(path)):
        own = _fill(path, params | {"park_id": world.home.id})
        assert own is not None
        for role in ROLES:
            r = _call(world, method, own, world.home.tokens[role])
            assert r.status_code in allowed, (role, method, own, r.status_code, r.text[:200])


IMPLICIT = [
    pytest.param(m, p, id=f"{m} {p}")
    for m, p, rule in ROUTES
    if rule is not None and rule.scope not in ("public", "self") and "{" not in p and m == "GET"
]


@pytest.mark.parametrize(("method", "path"), IMPLICIT or [pytest.param("GET", "", id="none")])
def test_routes_without_park_in_path_show_only_the_callers_park(
    world: World, method: str, path: str
) -> None:
    """Routes that take the park from the caller never show the other park's name or data."""
    if not path:  # no such route today: the home park's own summary stands in
        path = "/api/parks/home-park/inventory/summary"
    for role in ROLES:
        r = _call(world, method, path, world.home.tokens[role])
        assert r.status_code < 500, (role, path, r.text[:200])
        assert "victim-park" not in r.text and "受害园区" not in r.text, (role, path)


def _scoped(scope: str) -> list[Any]:
    return [
        pytest.param(m, p, id=f"{m} {p}")
        for m, p, rule in ROUTES
        if rule is not None and rule.scope == scope and m == "GET"
    ]


SCOPED = [pytest.param("tenant", *p.values, id=f"tenant {p.id}") for p in _scoped("tenant")] + [
    pytest.param("carrier", *p.values, id=f"carrier {p.id}") for p in _scoped("carrier")
]


@pytest.mark.parametrize(("kind", "method", "path"), SCOPED)
def test_tenant_and_carrier_see_only_their_own(
    world: World, kind: str, method: str, path: str
) -> None:
    """A tenant (carrier) of home-park never sees the other tenant's (carrier's) data."""
    home = world.home
    params = {
        "park_id": home.id,
        "run_id": home.run_id,
        "meter_id": home.meters["tenant-alpha"],
        "tenant_id": "tenant-alpha",
        "carrier_id": "carrier-alpha",
    }
    url = _fill(path, params)
    if url is None:
        pytest.fail(f"no value for a parameter of {path}")
    token = home.tokens[kind]
    r = _call(world, method, url, token)
    other = "tenant-omega" if kind == "tenant" else "carrier-omega"
    assert r.status_code in (200, 403, 404, 422), (url, r.status_code, r.text[:200])
    assert other not in r.text, (url, r.text[:300])
    if kind == "tenant" and "{meter_id}" in path:
        # the other tenant's meter in the same park is not found
        own = _fill(path, params | {"meter_id": home.meters["tenant-omega"]})
        assert own is not None
        assert _call(world, method, own, token).status_code == 404


def test_tenant_summary_is_its_own_lines(world: World) -> None:
    """tenant-alpha's 2023 summary holds only its 20,000 kWh (× the grid factor)."""
    home = world.home
    park = world.client.get(
        "/api/parks/home-park/inventory/summary", headers=world.auth(home.tokens["admin"])
    ).json()
    alpha = world.client.get(
        "/api/parks/home-park/inventory/summary", headers=world.auth(home.tokens["tenant"])
    ).json()
    omega = world.client.get(
        "/api/parks/home-park/inventory/summary", headers=world.auth(home.omega_token)
    ).json()
    assert alpha["tenant"] == "tenant-alpha" and alpha["park"] is None
    assert set(alpha["by_tenant"]) == {"tenant-alpha"}
    # the engine's own per-tenant figures for the park are what each tenant sees
    assert alpha["total_tco2e"] == pytest.approx(park["by_tenant"]["tenant-alpha"])
    assert omega["total_tco2e"] == pytest.approx(park["by_tenant"]["tenant-omega"])
    # 20,000 kWh vs 5,000 kWh of grid electricity at one factor: a ratio of 4
    assert alpha["total_tco2e"] == pytest.approx(4 * omega["total_tco2e"])
    # all of alpha's electricity is in February
    assert alpha["by_month"][f"{alpha['year']}-02"] == pytest.approx(alpha["total_tco2e"])
    assert sum(alpha["by_month"].values()) == pytest.approx(alpha["total_tco2e"])


def test_unauthenticated_is_401_everywhere_but_public(world: World) -> None:
    client = TestClient(world.app)
    for method, path, rule in ROUTES:
        if rule is None or rule.scope == "public":
            continue
        url = _fill(path, _victim_params(world) | {"park_id": world.home.id})
        assert url is not None
        r = client.request(method, url, follow_redirects=False)
        if url.startswith("/api/"):
            assert r.status_code == 401, (method, url, r.status_code)
        else:  # a page sends the browser to the sign-in page instead
            assert r.status_code == 401 or (
                r.status_code == 303 and r.headers["location"].startswith("/login")
            ), (method, url, r.status_code)


def test_rule_of_a_real_route() -> None:
    app = create_app(ApiSettings(secret_key=SECRET, database_url="sqlite://", migrate=False))
    rules = {(i.path, m): i.rule for i in iter_routes(app) for m in i.methods}
    assert rules[("/api/parks/{park_id}/inventory/summary", "GET")] == AccessRule(
        ("admin", "manager", "operator", "auditor", "tenant"), "tenant"
    )
    assert rules[("/api/auth/token", "POST")] == AccessRule((), "public")
    assert route_rule is not None
