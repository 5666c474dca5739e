"""The meter registry file: which meters a park has, what they measure and their device keys.

A YAML file with a ``meters:`` list (or a CSV file with the same columns)::

    meters:
      - id: E-MAIN
        kind: electricity          # electricity | water | gas | heat | pv | ev_charger
        mode: cumulative           # cumulative (register) | interval (quantity per interval)
        unit: kWh                  # default per kind: kWh, m**3, Nm3, GJ, kWh, kWh
        public_key: E-MAIN+1a2b3c4d+AX...   # device key: verifier key string or base64 of 32 bytes
        interval_s: 900            # expected reporting interval [s], default 900
      - id: E-COLD
        kind: electricity
        mode: cumulative
        parent: E-MAIN             # a sub-meter of E-MAIN
        zone: cold-store
        tenant: coldco
        multiplier: 40             # CT ratio [-], default 1
        public_key: ...

=============  ========  ==========================================================================
field          required  meaning
=============  ========  ==========================================================================
id             yes       meter id, unique in the park (no spaces, ``/``, ``+`` or ``#``)
kind           yes       ``electricity``, ``water``, ``gas``, ``heat``, ``pv``, ``ev_charger``
mode           yes       ``cumulative`` or ``interval``
public_key     yes       the device's Ed25519 public key
unit           no        unit of the values; default from the kind
zone, tenant   no        attribution (ids from the park file)
parent         no        the meter this one is a sub-meter of
interval_s     no        expected reporting interval [s]; silence and gap checks use it
multiplier     no        CT/PT ratio applied to values [-]
activity_kind  no        activity type of its energy; default from the kind
name           no        a label
=============  ========  ==========================================================================
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from parkzero.errors import ConfigError, InputError, ProofError
from parkzero.ledger.note import Verifier, b64decode_strict
from parkzero.monitoring.tables import METER_KINDS, METER_MODES

__all__ = [
    "DEFAULT_ACTIVITY",
    "DEFAULT_UNIT",
    "MeterSpec",
    "load_meters",
    "meters_from_rows",
    "parse_public_key",
]

#: Unit of the values of each meter kind unless the file says otherwise.
DEFAULT_UNIT = {
    "electricity": "kWh",
    "water": "m**3",
    "gas": "Nm3",
    "heat": "GJ",
    "pv": "kWh",
    "ev_charger": "kWh",
}
#: Activity type (``parkzero.carbon`` catalogue) a meter kind's energy becomes.
DEFAULT_ACTIVITY = {
    "electricity": "electricity.grid",
    "water": "water.supply",
    "gas": "fuel.natural_gas.stationary",
    "heat": "heat.purchased",
    "pv": "electricity.onsite.pv",
    "ev_charger": "electricity.grid",
}
_ID = re.compile(r"[^\s/+#]{1,255}")
_FIELDS = (
    "id",
    "kind",
    "mode",
    "public_key",
    "unit",
    "zone",
    "tenant",
    "parent",
    "interval_s",
    "multiplier",
    "activity_kind",
    "name",
)


@dataclass(frozen=True)
class MeterSpec:
    """One meter as registered; ``public_key`` is the raw 32-byte Ed25519 key."""

    id: str
    kind: str
    mode: str
    public_key: bytes
    unit: str
    zone: str | None = None
    tenant: str | None = None
    parent: str | None = None
    interval_s: int = 900
    multiplier: float = 1.0
    activity_kind: str | None = None
    name: str = ""

    @property
    def activity(self) -> str:
        """The activity type its energy counts as."""
        return self.activity_kind or DEFAULT_ACTIVITY[self.kind]

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")


def parse_public_key(value: str) -> bytes:
    """The 32-byte key from a verifier key string (``name+id+base64``) or plain base64.

    Raises
    ------
    ValueError
        Neither form, or not 32 bytes.
    """
    text = value.strip()
    if text.count("+") >= 2 and not text.startswith("PRIVATE"):
        try:
            return Verifier.from_vkey(text).public_key
        except ProofError:
            pass  # plain base64 may contain '+' too
    if text.startswith("PRIVATE"):
        raise ValueError("this is a private key; register the device's public key")
    try:
        raw = b64decode_strict(text)
    except ValueError as exc:
        raise ValueError("not a verifier key string nor base64") from exc
    if len(raw) != 32:
        raise ValueError(f"decodes to {len(raw)} bytes, expected a 32-byte Ed25519 key")
    return raw


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def meters_from_rows(
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    zones: Sequence[str] | None = None,
    tenants: Sequence[str] | None = None,
    first_row: int = 1,
    row_label: str = "meter",
) -> list[MeterSpec]:
    """Validate meter descriptions; raise one :class:`InputError` naming the first problem.

    Parameters
    ----------
    rows : sequence of mapping
        One mapping per meter with the fields of the module docstring.
    source : str
        File name for messages.
    zones, tenants : sequence of str, optional
        Ids the park declares; when given, references are checked.
    first_row : int
        Number of the first row in messages (2 for a CSV with a header).
    """
    specs: list[MeterSpec] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=first_row):
        where: dict[str, Any] = {"source": source, "row": n}

        def fail(column: str, message: str, where: dict[str, Any] = where) -> InputError:
            return InputError(message, column=column, **where)

        if not isinstance(row, Mapping):
            raise InputError(f"{row_label} {n} must be a mapping of fields", source=source)
        unknown = set(row) - set(_FIELDS)
        if unknown:
            raise fail(sorted(unknown)[0], f"unknown field (expected one of {', '.join(_FIELDS)})")
        meter_id = _text(row.get("id"))
        if meter_id is None or not _ID.fullmatch(meter_id):
            raise fail("id", "a meter id is required, without spaces, '/', '+' or '#'")
        if meter_id in seen:
            raise fail("id", f'meter "{meter_id}" is listed twice')
        seen.add(meter_id)
        kind = _text(row.get("kind"))
        if kind not in METER_KINDS:
            raise fail("kind", f"{kind!r} is not a meter kind (expected {', '.join(METER_KINDS)})")
        mode = _text(row.get("mode"))
        if mode not in METER_MODES:
            raise fail("mode", f"{mode!r} is not a mode (expected cumulative or interval)")
        key_text = _text(row.get("public_key"))
        if key_text is None:
            raise fail("public_key", "every meter needs its device's Ed25519 public key")
        try:
            key = parse_public_key(key_text)
        except ValueError as exc:
            raise fail("public_key", str(exc)) from exc
        zone, tenant = _text(row.get("zone")), _text(row.get("tenant"))
        if zone is not None and zones is not None and zone not in zones:
            raise fail("zone", f'zone "{zone}" is not in the park (zones: {", ".join(zones)})')
        if tenant is not None and tenants is not None and tenant not in tenants:
            raise fail("tenant", f'tenant "{tenant}" is not in the park')
        try:
            interval = int(row.get("interval_s") or 900)
            multiplier = float(row.get("multiplier") or 1.0)
        except (TypeError, ValueError) as exc:
            raise fail("interval_s", f"not a number: {exc}") from exc
        if interval <= 0:
            raise fail("interval_s", "must be a positive number of seconds")
        if not multiplier > 0:
            raise fail("multiplier", "must be positive")
        specs.append(
            MeterSpec(
                id=meter_id,
                kind=kind,
                mode=mode,
                public_key=key,
                unit=_text(row.get("unit")) or DEFAULT_UNIT[kind],
                zone=zone,
                tenant=tenant,
                parent=_text(row.get("parent")),
                interval_s=interval,
                multiplier=multiplier,
                activity_kind=_text(row.get("activity_kind")),
                name=_text(row.get("name")) or "",
            )
        )
    ids = {s.id for s in specs}
    for n, spec in enumerate(specs, start=first_row):
        if spec.parent is not None and spec.parent not in ids:
            raise InputError(
                f'parent meter "{spec.parent}" is not in the file',
                source=source,
                row=n,
                column="parent",
            )
        if spec.parent == spec.id:
            raise InputError(
                "a meter cannot be its own parent", source=source, row=n, column="parent"
            )
    return specs


def load_meters(
    path: str | Path, *, zones: Sequence[str] | None = None, tenants: Sequence[str] | None = None
) -> list[MeterSpec]:
    """Read and validate a meter registry file (``.yaml``/``.yml`` or ``.csv``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the meter file: {exc}", source=str(p)) from exc
    if p.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        rows = [{k.strip(): v for k, v in r.items() if k and v not in (None, "")} for r in rows]
        return meters_from_rows(rows, source=str(p), zones=zones, tenants=tenants, first_row=2)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", source=str(p)) from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("meters"), list):
        raise ConfigError(
            'expected a mapping with a "meters:" list', source=str(p), column="meters"
        )
    return meters_from_rows(data["meters"], source=str(p), zones=zones, tenants=tenants)
