"""Regions of the factor library: provinces, China's regional power grids, countries.

Read from the packaged ``regions.csv`` (``code, name_zh, name_en, level, parent, aliases,
source, licence, notes``). Levels and codes:

=========  ==========================================  ========================================
level      codes                                       parent
=========  ==========================================  ========================================
world      ``GLOBAL`` (factors valid anywhere)          —
country    ``CN``, ``UK``                              —
grid       ``CN-GRID-NORTH`` 华北, ``-NORTHEAST`` 东北,  ``CN``
           ``-EAST`` 华东, ``-CENTRAL`` 华中,
           ``-NORTHWEST`` 西北, ``-SOUTH`` 南方,
           ``-SOUTHWEST`` 西南
province   ISO 3166-2:CN letter codes: ``CN-HB`` 湖北,   the regional grid that supplies it (as in
           ``CN-SH`` 上海, ``CN-GD`` 广东, ...            the MEE/NBS grid-factor announcements)
=========  ==========================================  ========================================

The *region chain* of a code walks up the parents: ``CN-HB`` → ``CN-GRID-CENTRAL`` → ``CN``.
:meth:`RegionTable.resolve` accepts a code in any case, a Chinese name with or without its
suffix (``湖北``, ``湖北省``) or an English name (``Hubei``).

Examples
--------
>>> regions = RegionTable.default()
>>> regions.chain("CN-HB")
('CN-HB', 'CN-GRID-CENTRAL', 'CN')
>>> regions.resolve("湖北省"), regions.resolve("hubei"), regions.resolve("华中")
('CN-HB', 'CN-HB', 'CN-GRID-CENTRAL')
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parkzero.config import packaged_data
from parkzero.errors import InputError

__all__ = ["LEVELS", "Region", "RegionTable"]

LEVELS: tuple[str, ...] = ("world", "country", "grid", "province")
"""Region levels, from the widest to the most specific."""

_REQUIRED = ("code", "name_zh", "name_en", "level", "parent")


@dataclass(frozen=True)
class Region:
    """One region of ``regions.csv``.

    Parameters
    ----------
    code : str
        Region code, e.g. ``"CN-HB"`` [-].
    name_zh, name_en : str
        Chinese and English names [-].
    level : {"world", "country", "grid", "province"}
        Level of the region [-].
    parent : str or None
        Code of the enclosing region in the chain (a province's regional grid) [-].
    aliases : tuple of str
        Other accepted names, e.g. ``("湖北省",)`` [-].
    source, licence, notes : str
        Provenance of the row [-].
    """

    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None
    aliases: tuple[str, ...] = ()
    source: str = ""
    licence: str = ""
    notes: str = ""


class RegionTable:
    """Region codes, names and parent chains."""

    def __init__(self, regions: list[Region]) -> None:
        self._regions = {r.code: r for r in regions}
        self._names: dict[str, str] = {}
        for r in regions:
            for name in (r.code, r.name_zh, r.name_en, *r.aliases):
                if name:
                    self._names.setdefault(name.strip().casefold(), r.code)
        for r in regions:
            self.chain(r.code)  # parents exist and do not loop

    @classmethod
    def default(cls) -> RegionTable:
        """The packaged ``regions.csv``, loaded once."""
        return _default_table()

    @classmethod
    def from_csv(cls, path: str | Path) -> RegionTable:
        """Read a region table.

        Raises
        ------
        InputError
            Naming file, row and column of the first bad value.
        """
        path = Path(path)
        regions: list[Region] = []
        seen: set[str] = set()
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
                if missing:
                    raise InputError(
                        f"missing column(s) {', '.join(missing)}", source=str(path), row=1
                    )
                for i, row in enumerate(reader):
                    row_no = i + 2
                    code = (row["code"] or "").strip()
                    if not code or code in seen:
                        raise InputError(
                            f'empty or repeated region code "{code}"',
                            source=str(path),
                            row=row_no,
                            column="code",
                        )
                    level = (row["level"] or "").strip()
                    if level not in LEVELS:
                        raise InputError(
                            f'unknown level "{level}" (expected one of {", ".join(LEVELS)})',
                            source=str(path),
                            row=row_no,
                            column="level",
                        )
                    seen.add(code)
                    regions.append(
                        Region(
                            code=code,
                            name_zh=(row["name_zh"] or "").strip(),
                            name_en=(row["name_en"] or "").strip(),
                            level=level,
                            parent=(row["parent"] or "").strip() or None,
                            aliases=tuple(
                                a.strip()
                                for a in (row.get("aliases") or "").split(";")
                                if a.strip()
                            ),
                            source=row.get("source") or "",
                            licence=row.get("licence") or "",
                            notes=row.get("notes") or "",
                        )
                    )
        except OSError as exc:
            raise InputError(
                f"cannot read the file: {exc.strerror or exc}", source=str(path)
            ) from None
        try:
            return cls(regions)
        except InputError as exc:
            raise exc.at(source=str(path)) from None

    def __contains__(self, code: object) -> bool:
        return code in self._regions

    def codes(self) -> list[str]:
        """Every region code, in file order."""
        return list(self._regions)

    def get(self, code: str) -> Region:
        """The :class:`Region` of a code (exact code; see :meth:`resolve` for names)."""
        return self._regions[self.resolve(code)]

    def chain(self, code: str) -> tuple[str, ...]:
        """Codes from `code` up to its country: ``("CN-HB", "CN-GRID-CENTRAL", "CN")`` [-].

        Raises
        ------
        InputError
            If the code is unknown or its parents loop.
        """
        out: list[str] = []
        current: str | None = code
        while current is not None:
            if current not in self._regions:
                raise InputError(
                    f'unknown region "{current}"'
                    + (f' (parent of "{out[-1]}")' if out else f"; {self._options()}"),
                    column="region",
                )
            if current in out:
                raise InputError(f'region parents loop at "{current}"', column="parent")
            out.append(current)
            current = self._regions[current].parent
        return tuple(out)

    def resolve(self, text: str) -> str:
        """Region code of a code, Chinese name or English name.

        Parameters
        ----------
        text : str
            ``"CN-HB"``, ``"cn-hb"``, ``"湖北"``, ``"湖北省"``, ``"Hubei"`` [-].

        Returns
        -------
        str
            The region code, e.g. ``"CN-HB"`` [-].

        Raises
        ------
        InputError
            If nothing matches; the message lists close names and the known codes.
        """
        key = str(text).strip().casefold()
        if key in self._names:
            return self._names[key]
        close = difflib.get_close_matches(key, list(self._names), n=3, cutoff=0.6)
        hint = (
            "; did you mean " + ", ".join(f"{c} ({self._names[c]})" for c in close) + "?"
            if close
            else ""
        )
        raise InputError(f'unknown region "{text}"{hint}; {self._options()}', column="region")

    def label(self, code: str) -> str:
        """``"CN-HB 湖北 Hubei"``: code with both names, for messages [-]."""
        r = self._regions[code]
        return " ".join(x for x in (r.code, r.name_zh, r.name_en) if x)

    def _options(self) -> str:
        return "expected a region code, Chinese or English name: " + ", ".join(
            f"{r.code} {r.name_zh}" for r in self._regions.values()
        )


@cache
def _default_table() -> RegionTable:
    return RegionTable.from_csv(packaged_data("regions.csv"))
