"""Tables of the energy results a park keeps: scenarios, sizing runs and day dispatches.

Declared on :class:`parkzero.store.models.Base`, created by the migration ``0006_energy``.

Tables::

    parks ── energy_scenarios    (park_id, digest) unique   a self-contained scenario (JSON)
          └─ energy_results ──── scenario_id                 sizing or dispatch: payload + figures

A stored scenario is the scenario file with every file it names inlined (load and PV profiles
at the scenario's step [kW, kW/kWp], EV sessions, a user tariff), so a day's dispatch can be run
again from the store alone (:func:`parkzero.energy.service.run_stored_dispatch`). ``digest`` is
the SHA-256 of its canonical JSON. A result keeps the JSON the CLI prints (``payload``; for a
dispatch also the 15-minute schedule), a few key figures (``figures``), the scenario digest and
when it was made (UTC).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parkzero.store.models import Base, BigId, UTCDateTime, utcnow

__all__ = ["RESULT_KINDS", "EnergyResult", "EnergyScenario"]

_ID = 255

#: What an :class:`EnergyResult` holds.
RESULT_KINDS: tuple[str, ...] = ("sizing", "dispatch")


class EnergyScenario(Base):
    """A park's energy scenario, self-contained (every file inlined) [-]."""

    __tablename__ = "energy_scenarios"
    __table_args__ = (UniqueConstraint("park_id", "digest"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(_ID))
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of the canonical JSON
    freq: Mapped[str] = mapped_column(String(16))  # "1h" or "15min"
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EnergyResult(Base):
    """One sizing result or one day's dispatch of a park."""

    __tablename__ = "energy_results"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in RESULT_KINDS) + ")", name="kind"),
        Index(None, "park_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    park_id: Mapped[str] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("energy_scenarios.id", ondelete="SET NULL")
    )
    scenario_digest: Mapped[str] = mapped_column(String(64))
    day: Mapped[dt.date | None] = mapped_column(Date)  # dispatch: the local day
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
