"""The parkzero HTTP service: FastAPI over the domain packages, with users, roles and tenancy.

* :func:`parkzero.api.app.create_app` builds the app (``parkzero serve`` runs it with uvicorn).
* :class:`parkzero.api.settings.ApiSettings`: database URL, secret key (required), token and
  session lifetimes, cookie and rate-limit settings.
* :mod:`parkzero.api.deps`: the request's database session and calling :class:`Principal`.
* :func:`parkzero.api.access.allow`: each route's access rule, enforced and declared.

Roles are ``admin``, ``manager``, ``operator``, ``auditor``, ``tenant`` and ``carrier``; every
query is narrowed to the caller's park, and for tenants and carriers to their own tenant or
carrier. See ``docs/api.md``.
"""

from parkzero.api.app import create_app
from parkzero.api.principal import Principal
from parkzero.api.settings import ApiSettings

__all__ = ["ApiSettings", "Principal", "create_app"]
