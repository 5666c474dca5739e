"""Settings of the HTTP service, read from ``PARKZERO_*`` environment variables.

=============================  =======================================  =========================
variable                       meaning                                  default
=============================  =======================================  =========================
PARKZERO_DATABASE_URL          SQLAlchemy URL of the store              ``sqlite:///parkzero.db``
PARKZERO_SECRET_KEY            key of token digests and CSRF tokens,    none: **required**
                               at least 32 characters
PARKZERO_TOKEN_TTL_S           lifetime of a bearer token [s]           28800 (8 h)
PARKZERO_SESSION_TTL_S         lifetime of a browser session [s]        28800 (8 h)
PARKZERO_COOKIE_SECURE         ``1``: always mark the session cookie    auto: Secure when the
                               ``Secure``; ``0``: never                 request came over https
PARKZERO_LOGIN_LIMIT           failed-or-not login attempts per window  10
PARKZERO_LOGIN_WINDOW_S        window of the login limit [s]            60
PARKZERO_LEDGER_ORIGIN         ledger the audit log is appended to      ``parkzero.local/ledger``
=============================  =======================================  =========================

There is no working default for the secret: :meth:`ApiSettings.from_env` raises
:class:`~parkzero.errors.ConfigError` without ``PARKZERO_SECRET_KEY``, unless ``demo=True``,
which generates a random key for this process only (sessions end when it stops) and says so in
:attr:`ApiSettings.secret_generated`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace

from parkzero.config import settings as core_settings
from parkzero.errors import ConfigError

__all__ = ["MIN_SECRET_CHARS", "ApiSettings"]

#: Shortest accepted secret key [characters]; 32 URL-safe characters carry ≥ 190 bits.
MIN_SECRET_CHARS = 32


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f'expected a whole number, got "{raw}"', column=name) from None
    if value <= 0:
        raise ConfigError(f"expected a positive number, got {value}", column=name)
    return value


def _bool_env(name: str) -> bool | None:
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("", "auto"):
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f'expected 1, 0 or auto, got "{raw}"', column=name)


@dataclass(frozen=True)
class ApiSettings:
    """Everything :func:`parkzero.api.app.create_app` needs.

    Attributes
    ----------
    secret_key : str
        Key of the token digests (HMAC-SHA-256) and CSRF tokens; ≥ 32 characters [-].
    database_url : str, optional
        SQLAlchemy URL of the store; default ``PARKZERO_DATABASE_URL`` or ``sqlite:///parkzero.db``.
    token_ttl_s : int
        Lifetime of a bearer token [s].
    session_ttl_s : int
        Lifetime of a browser session (cookie and server-side row) [s].
    cookie_secure : bool or None
        Mark the cookie ``Secure``; None: when the request came over https [-].
    login_limit, login_window_s : int
        At most ``login_limit`` login attempts per client address and per user name in any
        ``login_window_s`` seconds [-], [s].
    principal_cache_s : float
        How long a resolved token is reused without a database read [s]; revocations in this
        process clear it at once, other processes' within this time. 0 switches it off.
    ledger_origin : str or None
        Ledger the audit records are appended to; None: keep them in the audit table only [-].
    migrate : bool
        Run the store's migrations when the app starts [-].
    secret_generated : bool
        True when the key was generated for this process (demo mode) [-].
    """

    secret_key: str = field(repr=False)
    database_url: str | None = None
    token_ttl_s: int = 8 * 3600
    session_ttl_s: int = 8 * 3600
    cookie_secure: bool | None = None
    login_limit: int = 10
    login_window_s: int = 60
    principal_cache_s: float = 5.0
    ledger_origin: str | None = "parkzero.local/ledger"
    migrate: bool = True
    secret_generated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.secret_key, str) or len(self.secret_key) < MIN_SECRET_CHARS:
            raise ConfigError(
                f"the secret key must have at least {MIN_SECRET_CHARS} characters; generate one "
                'with `python -c "import secrets; print(secrets.token_urlsafe(48))"`',
                column="PARKZERO_SECRET_KEY",
            )
        for name in ("token_ttl_s", "session_ttl_s", "login_limit", "login_window_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(
                    f"expected a positive number, got {getattr(self, name)}", column=name
                )

    @property
    def url(self) -> str:
        """The database URL in effect [-]."""
        return self.database_url or core_settings().database_url

    @classmethod
    def from_env(cls, *, demo: bool = False, **overrides: object) -> ApiSettings:
        """Read the settings from ``PARKZERO_*`` variables; `overrides` win.

        Parameters
        ----------
        demo : bool
            Without ``PARKZERO_SECRET_KEY``, generate a random key for this process instead of
            refusing to start.

        Raises
        ------
        ConfigError
            ``PARKZERO_SECRET_KEY`` is missing (and not `demo`) or too short, or a number is bad.
        """
        secret = os.environ.get("PARKZERO_SECRET_KEY", "")
        generated = False
        if not secret:
            if not demo:
                raise ConfigError(
                    "PARKZERO_SECRET_KEY is not set: the service has no default secret. Set it to "
                    f"a random string of at least {MIN_SECRET_CHARS} characters, or start the demo "
                    "with `parkzero serve --demo` (a key for this process only)",
                    column="PARKZERO_SECRET_KEY",
                )
            secret, generated = secrets.token_urlsafe(48), True
        base = cls(
            secret_key=secret,
            database_url=os.environ.get("PARKZERO_DATABASE_URL") or None,
            token_ttl_s=_int_env("PARKZERO_TOKEN_TTL_S", 8 * 3600),
            session_ttl_s=_int_env("PARKZERO_SESSION_TTL_S", 8 * 3600),
            cookie_secure=_bool_env("PARKZERO_COOKIE_SECURE"),
            login_limit=_int_env("PARKZERO_LOGIN_LIMIT", 10),
            login_window_s=_int_env("PARKZERO_LOGIN_WINDOW_S", 60),
            ledger_origin=os.environ.get("PARKZERO_LEDGER_ORIGIN") or "parkzero.local/ledger",
            secret_generated=generated,
        )
        return replace(base, **overrides)  # type: ignore[arg-type]
