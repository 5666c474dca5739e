"""Settings read from the environment (``PARKZERO_*``) with safe defaults for local use.

=========================  ======================================  ================================
variable                   meaning                                 default
=========================  ======================================  ================================
PARKZERO_DATABASE_URL      SQLAlchemy URL of the store             ``sqlite:///parkzero.db`` (cwd)
PARKZERO_DATA_DIR          folder with an own ``factors.csv``      none
PARKZERO_OUT_DIR           where reports are written               ``out``
PARKZERO_TIMEZONE          time zone for display                   ``Asia/Shanghai``
PARKZERO_LEDGER_ORIGIN     name of the transparency log            ``parkzero.local/ledger``
PARKZERO_LEDGER_KEY        Ed25519 key file of the log             none (required to sign)
PARKZERO_MQTT_USERNAME     MQTT broker user                        none
PARKZERO_MQTT_PASSWORD     MQTT broker password                    none
=========================  ======================================  ================================

Secrets (API keys, signing keys) never have defaults: code that needs one raises
:class:`parkzero.errors.ConfigError` when it is missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["Settings", "packaged_data", "settings"]


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one process."""

    database_url: str
    data_dir: Path | None
    out_dir: Path
    timezone: str


def settings() -> Settings:
    """Read the settings from the environment now (not cached, so tests can change it)."""
    data_dir = os.environ.get("PARKZERO_DATA_DIR")
    return Settings(
        database_url=os.environ.get("PARKZERO_DATABASE_URL", "sqlite:///parkzero.db"),
        data_dir=Path(data_dir) if data_dir else None,
        out_dir=Path(os.environ.get("PARKZERO_OUT_DIR", "out")),
        timezone=os.environ.get("PARKZERO_TIMEZONE", "Asia/Shanghai"),
    )


def packaged_data(name: str) -> Path:
    """Path of a reference data file shipped in ``parkzero/data`` [-]."""
    return Path(str(resources.files("parkzero") / "data" / name))
