"""schemathesis over the OpenAPI schema, once per role: no request makes the server fail (5xx).

Each operation gets a few generated cases (query strings, bodies, path values); the park id is
the caller's own in half of them so that requests get past the access check and reach the
route's logic, and a fresh token is issued per role so that fuzzing sign-out or token deletion
does not stop the run. On SQLite, under 60 s for all roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkzero.api.service import issue_token
from parkzero.store.accounts import User
from parkzero.store.session import session_scope

from .conftest import ROLES, SECRET, World, _world

EXAMPLES = 3  # generated cases per operation and role


def _token(world: World, role: str) -> str:
    with session_scope(world.url) as session:
        user = session.get(User, world.home.users[role])
        assert user is not None
        return issue_token(session, user, secret_key=SECRET, ttl_s=3600, label="fuzz")[0]


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One SQLite world for all roles (the plan is computed once, then cached)."""
    tmp = tmp_path_factory.mktemp("fuzz")
    world = _world(f"sqlite:///{tmp / 'fuzz.db'}", tmp)
    yield world
    world.client.close()
    world.app.state.engine.dispose()


@pytest.fixture(scope="module")
def schema(fuzz_world: World) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_world.app)


@pytest.mark.parametrize("role", ROLES)
def test_no_server_errors(fuzz_world: World, schema: Any, role: str) -> None:
    world = fuzz_world
    token = _token(world, role)
    errors: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), own=st.booleans())
        def run(case: Any, own: bool) -> None:
            nonlocal calls, token
            if own and case.path_parameters and "park_id" in case.path_parameters:
                case.path_parameters["park_id"] = world.home.id
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls += 1
            if response.status_code >= 500:
                errors.append(f"{case.method} {case.formatted_path}: {response.status_code}")
            if (response.status_code == 401 and case.path in ("/api/auth/logout",)) or (
                case.path.startswith("/api/auth/tokens") and case.method == "DELETE"
            ):
                token = _token(world, role)
            world.app.state.login_limiter.reset()

        run()
        token = _token(world, role)  # sign-out or a password change may have ended it
    assert calls > 0
    assert errors == [], errors
