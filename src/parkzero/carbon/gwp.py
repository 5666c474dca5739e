"""Global warming potentials (GWP100) of greenhouse gases and refrigerant blends.

Reads two packaged files (both UTF-8 CSV, see ``parkzero/data/SOURCES.md``):

``gwp.csv``
    ``gas, group, ar4, ar5, ar6, aliases, source, licence, status, notes`` — one row per gas,
    GWP100 in kgCO2e per kg of gas for the IPCC Fourth, Fifth and Sixth Assessment Reports.
    ``aliases`` lists other names separated by ``;`` (``R-134a`` for ``HFC-134a``, ``R-744``
    for ``CO2``).
``refrigerant_blends.csv``
    ``blend, component, mass_fraction, source, licence`` — zeotropic and azeotropic blends by
    mass (ANSI/ASHRAE Standard 34). A blend's GWP is the mass-weighted sum of its components'.

Gas groups
----------
================  =====================================================================
group             meaning
================  =====================================================================
CO2, CH4, N2O,    the seven Kyoto gases (HFCs and PFCs as families); counted in CO2e
HFCs, PFCs, SF6,
NF3
Montreal          CFCs and HCFCs such as R-22: reported separately, not in CO2e totals
biogenic          biogenic CO2: reported outside the scopes, never in CO2e totals
other             no GWP100 (ammonia, R-717): reported as a mass only
CO2e              pre-aggregated CO2e as a source published it; weight 1 in every GWP set
================  =====================================================================

Names are matched ignoring case, spaces, ``-`` and ``_``: ``r404a``, ``R-404A`` and
``R 404A`` are the same gas.

Examples
--------
>>> table = GwpTable.default()
>>> round(table.gwp("R-404A", "AR4"), 1)  # 0.44 × 3500 + 0.52 × 4470 + 0.04 × 1430
3921.6
>>> table.group("R-22"), table.canonical("r134a")
('Montreal', 'HFC-134a')
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parkzero.config import packaged_data
from parkzero.errors import FactorNotFoundError, InputError

__all__ = ["GAS_GROUPS", "GWP_SETS", "Gas", "GwpTable", "normalise_gwp_set"]

GWP_SETS: tuple[str, ...] = ("AR4", "AR5", "AR6")
"""The GWP100 sets parkzero knows: IPCC AR4 (2007), AR5 (2013), AR6 (2021)."""

GAS_GROUPS: tuple[str, ...] = (
    "CO2",
    "CH4",
    "N2O",
    "HFCs",
    "PFCs",
    "SF6",
    "NF3",
    "Montreal",
    "biogenic",
    "other",
    "CO2e",
)
"""Every group a gas can belong to; the first seven are the Kyoto basket."""

_REQUIRED_GWP = ("gas", "group", "ar4", "ar5", "ar6", "source", "licence")
_REQUIRED_BLEND = ("blend", "component", "mass_fraction", "source")


def _key(name: str) -> str:
    """Matching key of a gas name: case, spaces, hyphens and underscores ignored."""
    return re.sub(r"[\s\-_]", "", name).casefold()


@dataclass(frozen=True)
class Gas:
    """One gas or blend with its GWP100 values.

    Parameters
    ----------
    name : str
        Canonical name, e.g. ``"HFC-134a"`` or ``"R-404A"`` [-].
    group : str
        One of :data:`GAS_GROUPS` [-].
    gwp : mapping of str to float
        GWP100 by set (``"AR4"``, ``"AR5"``, ``"AR6"``); a set missing means not assessed
        [kgCO2e/kg].
    source, licence : str
        Where the values come from and under which terms [-].
    components : tuple of (str, float)
        For blends: canonical component names and mass fractions; empty for pure gases [-].
    """

    name: str
    group: str
    gwp: Mapping[str, float]
    source: str
    licence: str
    components: tuple[tuple[str, float], ...] = ()


class GwpTable:
    """GWP100 values and gas groups, with refrigerant blends computed from their components.

    Build it with :meth:`default` (the packaged data) or :meth:`from_csv`.
    """

    def __init__(self, gases: Mapping[str, Gas], aliases: Mapping[str, str]) -> None:
        self._gases = dict(gases)
        self._aliases = dict(aliases)

    @classmethod
    def default(cls) -> GwpTable:
        """The packaged table (``gwp.csv`` and ``refrigerant_blends.csv``), loaded once."""
        return _default_table()

    @classmethod
    def from_csv(cls, gwp_csv: str | Path, blends_csv: str | Path | None = None) -> GwpTable:
        """Read a GWP table and, optionally, a blend table.

        Parameters
        ----------
        gwp_csv : path
            File with the columns of ``gwp.csv`` [-].
        blends_csv : path, optional
            File with the columns of ``refrigerant_blends.csv`` [-].

        Raises
        ------
        InputError
            Naming file, row and column of the first bad value.
        """
        gases: dict[str, Gas] = {}
        aliases: dict[str, str] = {}

        def claim(name: str, canonical: str, where: InputError) -> None:
            key = _key(name)
            if key in aliases and aliases[key] != canonical:
                raise where
            aliases[key] = canonical

        path = Path(gwp_csv)
        for row_no, row in _rows(path, _REQUIRED_GWP):
            name = row["gas"].strip()
            group = row["group"].strip()
            if not name:
                raise InputError("empty gas name", source=str(path), row=row_no, column="gas")
            if group not in GAS_GROUPS:
                raise InputError(
                    f'unknown group "{group}" (expected one of {", ".join(GAS_GROUPS)})',
                    source=str(path),
                    row=row_no,
                    column="group",
                )
            values: dict[str, float] = {}
            for gwp_set in GWP_SETS:
                text = row[gwp_set.lower()].strip()
                if text:
                    values[gwp_set] = _number(text, path, row_no, gwp_set.lower())
            gases[name] = Gas(name, group, values, row["source"], row["licence"])
            for alias in [name, *row.get("aliases", "").split(";")]:
                if alias.strip():
                    claim(
                        alias.strip(),
                        name,
                        InputError(
                            f'name "{alias.strip()}" already names another gas',
                            source=str(path),
                            row=row_no,
                            column="aliases",
                        ),
                    )
        if blends_csv is not None:
            bpath = Path(blends_csv)
            parts: dict[str, list[tuple[str, float]]] = {}
            sources: dict[str, tuple[str, str]] = {}
            for row_no, row in _rows(bpath, _REQUIRED_BLEND):
                blend = row["blend"].strip()
                component = aliases.get(_key(row["component"]))
                if component is None or component not in gases:
                    raise InputError(
                        f'unknown component "{row["component"]}" (expected a gas of the GWP table)',
                        source=str(bpath),
                        row=row_no,
                        column="component",
                    )
                fraction = _number(row["mass_fraction"], bpath, row_no, "mass_fraction")
                if not 0.0 < fraction <= 1.0:
                    raise InputError(
                        f"mass fraction {fraction} is outside (0, 1]",
                        source=str(bpath),
                        row=row_no,
                        column="mass_fraction",
                    )
                parts.setdefault(blend, []).append((component, fraction))
                sources[blend] = (row["source"], row.get("licence", ""))
            for blend, comps in parts.items():
                total = sum(f for _, f in comps)
                if not math.isclose(total, 1.0, abs_tol=1e-6):
                    raise InputError(
                        f'mass fractions of blend "{blend}" add up to {total:.6g}, not 1',
                        source=str(bpath),
                        column="mass_fraction",
                    )
                groups = {gases[c].group for c, _ in comps}
                if len(groups) != 1:
                    raise InputError(
                        f'blend "{blend}" mixes gas groups {sorted(groups)}; split it into '
                        "its components",
                        source=str(bpath),
                        column="component",
                    )
                values = {}
                for gwp_set in GWP_SETS:
                    if all(gwp_set in gases[c].gwp for c, _ in comps):
                        values[gwp_set] = sum(f * gases[c].gwp[gwp_set] for c, f in comps)
                source, licence = sources[blend]
                gases[blend] = Gas(blend, groups.pop(), values, source, licence, tuple(comps))
                claim(
                    blend,
                    blend,
                    InputError(
                        f'blend name "{blend}" already names a gas',
                        source=str(bpath),
                        column="blend",
                    ),
                )
        return cls(gases, aliases)

    def canonical(self, gas: str) -> str:
        """Canonical name of a gas or blend, e.g. ``"r134a"`` → ``"HFC-134a"`` [-].

        Raises
        ------
        FactorNotFoundError
            If the gas is unknown; the message suggests close names.
        """
        try:
            return self._aliases[_key(gas)]
        except (KeyError, TypeError):
            pass
        close = difflib.get_close_matches(str(gas), sorted(self._gases), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise FactorNotFoundError(
            f'unknown gas "{gas}"{hint} (expected a gas of the GWP table, e.g. CO2, CH4-fossil, '
            "N2O, HFC-134a, R-404A, SF6, CO2-biogenic or CO2e)"
        )

    def is_known(self, gas: str) -> bool:
        """Whether `gas` names a gas or blend of the table."""
        return _key(gas) in self._aliases

    def get(self, gas: str) -> Gas:
        """The :class:`Gas` record of a gas or blend, looked up by any of its names."""
        return self._gases[self.canonical(gas)]

    def gwp(self, gas: str, gwp_set: str) -> float:
        """GWP100 of a gas or blend in one assessment report's set.

        Parameters
        ----------
        gas : str
            Gas or blend name, any alias [-].
        gwp_set : {"AR4", "AR5", "AR6"}
            Assessment report (case-insensitive) [-].

        Returns
        -------
        float
            GWP100 [kgCO2e/kg].

        Raises
        ------
        InputError
            For an unknown GWP set.
        FactorNotFoundError
            For an unknown gas, or one without a value in that set.
        """
        set_id = normalise_gwp_set(gwp_set)
        record = self.get(gas)
        try:
            return record.gwp[set_id]
        except KeyError:
            raise FactorNotFoundError(
                f'no {set_id} GWP100 for "{record.name}" in the GWP table (source: {record.source})'
            ) from None

    def group(self, gas: str) -> str:
        """Group of a gas: one of :data:`GAS_GROUPS` [-]."""
        return self.get(gas).group

    def gases(self) -> list[Gas]:
        """Every gas and blend, sorted by name."""
        return [self._gases[k] for k in sorted(self._gases)]


def normalise_gwp_set(gwp_set: str) -> str:
    """``"ar6"`` → ``"AR6"``; :class:`InputError` listing the sets for anything else [-]."""
    text = str(gwp_set).strip().upper()
    if text not in GWP_SETS:
        raise InputError(f'unknown GWP set "{gwp_set}" (expected one of {", ".join(GWP_SETS)})')
    return text


def _number(text: str, path: Path, row: int, column: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InputError(
            f'"{text}" is not a number', source=str(path), row=row, column=column
        ) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(
            f"{text} is not a finite, non-negative number",
            source=str(path),
            row=row,
            column=column,
        )
    return value


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV as (spreadsheet row number, row) with the required columns checked."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    f"missing column(s) {', '.join(missing)} (expected {', '.join(required)})",
                    source=str(path),
                    row=1,
                )
            return [
                (i + 2, {k: (v or "") for k, v in row.items() if k is not None})
                for i, row in enumerate(reader)
            ]
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None


@cache
def _default_table() -> GwpTable:
    return GwpTable.from_csv(packaged_data("gwp.csv"), packaged_data("refrigerant_blends.csv"))
