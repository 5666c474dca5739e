"""Passwords, tokens and CSRF tokens (pure functions; OWASP ASVS 5.0 level 2 as the reference).

* Passwords: argon2id (argon2-cffi) with the OWASP Password Storage Cheat Sheet's first
  configuration, m = 19 MiB, t = 2, p = 1 (ASVS 5.0 V11.4.2); hashes are PHC strings
  (``$argon2id$v=19$m=19456,t=2,p=1$…``) so parameters can be raised later and old hashes
  re-hashed at the next login (:func:`needs_rehash`). Passwords of 8 to 128 characters are
  accepted, no composition rules (ASVS V6.2).
* Tokens: 256 random bits (``secrets.token_urlsafe(32)``), shown to the client once and stored only
  as ``HMAC-SHA-256(secret_key, token)``: a copy of the database alone cannot be used to sign in.
* CSRF: a browser session's token is ``HMAC-SHA-256(secret_key, "csrf|" + session token)``, sent
  by pages in a form field or the ``X-CSRF-Token`` header and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from parkzero.errors import InputError

__all__ = [
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "check_password_policy",
    "csrf_token",
    "csrf_valid",
    "generate_password",
    "hash_password",
    "needs_rehash",
    "new_token",
    "token_digest",
    "verify_password",
]

#: Shortest password accepted [characters] (ASVS 5.0 V6.2.1).
MIN_PASSWORD_CHARS = 8
#: Longest password accepted [characters] (ASVS 5.0 V6.2.9 asks for at least 64).
MAX_PASSWORD_CHARS = 128

_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
# A hash of a random password: verifying against it when the user does not exist takes as long
# as a real check, so response times do not tell which user names exist.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def check_password_policy(password: str, *, field: str = "password") -> None:
    """Raise :class:`InputError` unless `password` has 8 to 128 characters.

    Examples
    --------
    >>> check_password_policy("correct horse battery staple")
    >>> check_password_policy("short")
    Traceback (most recent call last):
    ...
    parkzero.errors.InputError: column "password": must have at least 8 characters, got 5
    """
    n = len(password)
    if n < MIN_PASSWORD_CHARS:
        raise InputError(
            f"must have at least {MIN_PASSWORD_CHARS} characters, got {n}", column=field
        )
    if n > MAX_PASSWORD_CHARS:
        raise InputError(
            f"must have at most {MAX_PASSWORD_CHARS} characters, got {n}", column=field
        )


def hash_password(password: str) -> str:
    """The argon2id hash of `password` as a PHC string [-]."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; a missing hash takes as long and is False."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def generate_password() -> str:
    """A random password of 20 URL-safe characters (≈ 120 bits), e.g. for demo users."""
    return secrets.token_urlsafe(15)


def new_token() -> str:
    """A new random token: 43 URL-safe characters carrying 256 bits."""
    return secrets.token_urlsafe(32)


def token_digest(secret_key: str, token: str) -> str:
    """The stored form of a token: hex ``HMAC-SHA-256(secret_key, token)`` (64 characters).

    Examples
    --------
    >>> token_digest("k" * 32, "abc")[:16]
    'af61b693912efc56'
    """
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def csrf_token(secret_key: str, session_token: str) -> str:
    """The CSRF token bound to a browser session (hex, 64 characters)."""
    return hmac.new(
        secret_key.encode(), b"csrf|" + session_token.encode(), hashlib.sha256
    ).hexdigest()


def csrf_valid(secret_key: str, session_token: str, candidate: str | None) -> bool:
    """True when `candidate` is the session's CSRF token (constant-time comparison)."""
    if not candidate:
        return False
    return hmac.compare_digest(csrf_token(secret_key, session_token), candidate)
