"""Passwords, tokens and sessions, rate limits, CSRF, headers and the audit log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update

from parkzero.api.deps import forget_principals
from parkzero.api.ratelimit import RateLimiter, RateLimitError
from parkzero.api.security import (
    check_password_policy,
    csrf_token,
    hash_password,
    token_digest,
    verify_password,
)
from parkzero.api.settings import ApiSettings
from parkzero.errors import ConfigError, InputError
from parkzero.ledger import store as ledger
from parkzero.store.accounts import ApiToken, AuditEntry
from parkzero.store.session import session_scope

from .conftest import LOG, PASSWORD, SECRET, World, user_row


def test_password_hash_is_argon2id_and_salted() -> None:
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    # OWASP cheat sheet parameters: m = 19 MiB (19,456 KiB), t = 2, p = 1
    assert a.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert a != b  # a fresh salt each time
    assert verify_password(a, "correct horse battery")
    assert not verify_password(a, "correct horse batterY")
    assert not verify_password(None, "anything")
    assert not verify_password("not a hash", "anything")


def test_password_policy_names_the_problem() -> None:
    with pytest.raises(InputError, match="at least 8 characters, got 5"):
        check_password_policy("short")
    with pytest.raises(InputError, match="at most 128"):
        check_password_policy("x" * 129)


def test_stored_passwords_and_tokens_are_not_readable(world: World) -> None:
    user = user_row(world.url, "home-park-admin")
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("$argon2id$")
    token = world.home.tokens["admin"]
    with session_scope(world.url) as session:
        digests = set(session.scalars(select(ApiToken.digest)))
    assert token not in digests
    assert token_digest(SECRET, token) in digests  # HMAC-SHA-256 with the service key


def test_secret_key_has_no_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARKZERO_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="PARKZERO_SECRET_KEY is not set"):
        ApiSettings.from_env()
    demo = ApiSettings.from_env(demo=True)
    assert demo.secret_generated and len(demo.secret_key) >= 32
    assert ApiSettings.from_env(demo=True).secret_key != demo.secret_key  # random per process
    monkeypatch.setenv("PARKZERO_SECRET_KEY", "too-short")
    with pytest.raises(ConfigError, match="at least 32 characters"):
        ApiSettings.from_env()
    monkeypatch.setenv("PARKZERO_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("PARKZERO_TOKEN_TTL_S", "soon")
    with pytest.raises(ConfigError, match="PARKZERO_TOKEN_TTL_S"):
        ApiSettings.from_env()


def test_rate_limiter_window() -> None:
    now = [100.0]
    limiter = RateLimiter(3, 60, "booking", clock=lambda: now[0])
    for _ in range(3):
        limiter.hit("carrier-a")
    with pytest.raises(RateLimitError) as err:
        limiter.hit("carrier-a")
    assert err.value.retry_after == pytest.approx(60.0)
    limiter.hit("carrier-b")  # keys are independent
    now[0] = 159.0
    with pytest.raises(RateLimitError):
        limiter.hit("carrier-a")
    now[0] = 160.0  # the first hit left the window
    limiter.hit("carrier-a")


def test_login_rate_limit(sqlite_world: World) -> None:
    w = sqlite_world
    limit = w.app.state.settings.login_limit  # 10 attempts per 60 s
    for _ in range(limit):
        r = w.client.post(
            "/api/auth/token", json={"username": "home-park-manager", "password": "wrong-one"}
        )
        assert r.status_code == 401
    # the right password is refused too until the window has passed
    r = w.client.post(
        "/api/auth/token", json={"username": "home-park-manager", "password": PASSWORD}
    )
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    with session_scope(w.url) as session:
        outcomes = list(
            session.scalars(
                select(AuditEntry.outcome).where(
                    AuditEntry.username == "home-park-manager", AuditEntry.action == "auth.login"
                )
            )
        )
    assert outcomes.count("failed") == limit and outcomes.count("denied") == 1
    w.app.state.login_limiter.reset()
    r = w.client.post(
        "/api/auth/token", json={"username": "home-park-manager", "password": PASSWORD}
    )
    assert r.status_code == 200


def test_unknown_user_and_wrong_password_look_the_same(world: World) -> None:
    world.app.state.login_limiter.reset()
    a = world.client.post("/api/auth/token", json={"username": "nobody", "password": "x" * 10})
    b = world.client.post(
        "/api/auth/token", json={"username": "home-park-admin", "password": "x" * 10}
    )
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()
    world.app.state.login_limiter.reset()


def test_token_expiry_and_revocation(sqlite_world: World) -> None:
    w = sqlite_world
    token = w.home.tokens["operator"]
    me = "/api/auth/me"
    assert w.client.get(me, headers=w.auth(token)).status_code == 200
    with session_scope(w.url) as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == w.home.token_ids["operator"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    forget_principals()  # the row was changed behind the service's back
    r = w.client.get(me, headers=w.auth(token))
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    # a new token, then sign-out revokes it server-side
    r = w.client.post(
        "/api/auth/token", json={"username": "home-park-operator", "password": PASSWORD}
    )
    fresh = r.json()["access_token"]
    expires = dt.datetime.fromisoformat(r.json()["expires_at"])
    ttl = (expires - dt.datetime.now(dt.UTC)).total_seconds()
    assert 8 * 3600 - 60 < ttl <= 8 * 3600  # the default lifetime, 8 h
    assert w.client.post("/api/auth/logout", headers=w.auth(fresh)).status_code == 204
    assert w.client.get(me, headers=w.auth(fresh)).status_code == 401


def test_password_change_ends_other_sessions(sqlite_world: World) -> None:
    w = sqlite_world
    old = w.home.tokens["auditor"]
    r = w.client.post(
        "/api/auth/token", json={"username": "home-park-auditor", "password": PASSWORD}
    )
    keep = r.json()["access_token"]
    body = {"current_password": "wrong password", "new_password": "a new long password"}
    assert w.client.post("/api/auth/password", json=body, headers=w.auth(keep)).status_code == 403
    body["current_password"] = PASSWORD
    assert w.client.post("/api/auth/password", json=body, headers=w.auth(keep)).status_code == 204
    assert w.client.get("/api/auth/me", headers=w.auth(old)).status_code == 401
    assert w.client.get("/api/auth/me", headers=w.auth(keep)).status_code == 200


def test_cookie_session_needs_csrf_for_writes(sqlite_world: World) -> None:
    w = sqlite_world
    r = w.client.post("/api/auth/login", json={"username": "home-park-admin", "password": PASSWORD})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "parkzero_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here; https requests get Secure (auto)
    session_token = w.client.cookies.get("parkzero_session")
    assert session_token is not None
    assert r.json()["csrf_token"] == csrf_token(SECRET, session_token)
    # reading with the cookie works
    assert w.client.get("/api/auth/me").json()["via"] == "cookie"
    new_user = {"username": "cookie-made", "role": "operator"}
    # a write without the CSRF token is refused, with it accepted
    r = w.client.post("/api/parks/home-park/users", json=new_user)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = w.client.post(
        "/api/parks/home-park/users", json=new_user, headers={"X-CSRF-Token": "0" * 64}
    )
    assert r.status_code == 403
    r = w.client.post(
        "/api/parks/home-park/users",
        json=new_user,
        headers={"X-CSRF-Token": csrf_token(SECRET, session_token)},
    )
    assert r.status_code == 201 and len(r.json()["password"]) >= 20  # generated, shown once
    # a cross-origin write is refused before any route runs
    r = w.client.post(
        "/api/auth/login",
        json={"username": "home-park-admin", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    # sign-out ends the server-side session and clears the cookie
    r = w.client.post(
        "/api/auth/logout", headers={"X-CSRF-Token": csrf_token(SECRET, session_token)}
    )
    assert r.status_code == 204
    w.client.cookies.set("parkzero_session", session_token)
    assert w.client.get("/api/auth/me").status_code == 401


def test_security_headers(world: World) -> None:
    r = world.client.get("/api/health")
    h = r.headers
    assert "default-src 'self'" in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Cache-Control"] == "no-store"
    docs = world.client.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert "http" not in docs.text.replace("http-equiv", "")  # nothing from outside the server
    assert "<script>" not in docs.text  # no inline script
    assert world.client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert world.client.get("/openapi.json").json()["info"]["title"] == "parkzero"


def test_audit_log_is_in_the_ledger(world: World) -> None:
    admin = world.auth(world.home.tokens["admin"])
    entries = world.client.get("/api/parks/home-park/audit", headers=admin).json()
    login = next(e for e in entries if e["action"] == "auth.login" and e["outcome"] == "ok")
    assert login["username"] == "home-park-auditor" and login["ledger_index"] is not None
    with session_scope(world.url) as session:
        kind, data = ledger.get_entry(session, LOG, login["ledger_index"])
    record = json.loads(data)
    assert kind == "audit"
    assert record == {
        "type": "parkzero.audit/v1",
        "id": login["id"],
        "at": record["at"],
        "park": "home-park",
        "user": "home-park-auditor",
        "action": "auth.login",
        "target": login["target"],
        "outcome": "ok",
    }
    # canonical JSON: sorted keys, no spaces, so anyone can rebuild the bytes from the row
    assert data == json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
    # the auditor can prove the entry is in the log; another park cannot ask for it
    proof = world.client.get(
        "/api/parks/home-park/ledger/proofs/inclusion",
        params={"index": login["ledger_index"]},
        headers=world.auth(world.home.tokens["auditor"]),
    )
    assert proof.status_code == 200 and proof.json()["index"] == login["ledger_index"]
    other = world.client.get(
        "/api/parks/victim-park/ledger/proofs/inclusion",
        params={"index": login["ledger_index"]},
        headers=world.auth(world.victim.tokens["auditor"]),
    )
    assert other.status_code == 404
    # tenants do not read the audit log
    assert (
        world.client.get(
            "/api/parks/home-park/audit", headers=world.auth(world.home.tokens["tenant"])
        ).status_code
        == 403
    )
