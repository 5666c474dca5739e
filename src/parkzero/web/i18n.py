"""The web catalogue: every word a page shows, in zh-CN (default) and English.

Templates and static JavaScript never hold a user-visible literal: templates call ``t("key")``
and scripts read the page's ``<script type="application/json" id="pz-i18n">`` block (the whole
catalogue of the page's language). The catalogue is the data file ``messages.yaml`` next to this
module, ``key: [zh-CN, en]``. Category and energy-carrier names (``cat.*``, ``carrier.*``) come
from the report label table (:mod:`parkzero.reports.i18n`) so a page and a report never name a
category differently.

The language of a request: ``?lang=`` first, then the ``pz_lang`` cookie, else zh-CN.

Examples
--------
>>> t("nav.screen", "zh-CN")
'碳中和全景大屏'
>>> t("nav.screen", "en")
'Carbon big screen'
>>> resolve_lang("en-US", None), resolve_lang(None, "en"), resolve_lang("xx", None)
('en', 'en', 'zh-CN')
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from parkzero.reports import i18n as report_i18n

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANG_COOKIE",
    "Lang",
    "catalogue",
    "messages",
    "resolve_lang",
    "t",
]

Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = ("zh-CN", "en")
DEFAULT_LANG: Lang = "zh-CN"
#: Cookie that keeps the language chosen with the switch.
LANG_COOKIE = "pz_lang"

_FILE = Path(__file__).resolve().parent / "messages.yaml"
_SHARED_PREFIXES = ("cat.", "carrier.", "scope")


@cache
def catalogue() -> dict[str, tuple[str, str]]:
    """All messages: key → (zh-CN, en), read once from ``messages.yaml``.

    Raises
    ------
    ValueError
        An entry is not a pair of two non-empty strings (a packaging error, caught by the tests).
    """
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8")) or {}
    out: dict[str, tuple[str, str]] = {}
    for key, value in raw.items():
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, str) and v for v in value)
        ):
            raise ValueError(f'{_FILE.name}: "{key}" must be [zh-CN text, en text]')
        out[str(key)] = (value[0], value[1])
    for key, pair in report_i18n.MESSAGES.items():
        if key.startswith(_SHARED_PREFIXES):
            out.setdefault(key, pair)
    return out


def _lang(lang: str | None) -> Lang | None:
    if not lang:
        return None
    code = str(lang).strip().replace("_", "-").lower()
    if code == "zh" or code.startswith(("zh-cn", "zh-hans")):
        return "zh-CN"
    if code == "en" or code.startswith("en-"):
        return "en"
    return None


def resolve_lang(query: str | None, cookie: str | None) -> Lang:
    """The page language from ``?lang=`` (first) or the cookie; zh-CN when neither is known."""
    return _lang(query) or _lang(cookie) or DEFAULT_LANG


def t(key: str, lang: str, /, **values: object) -> str:
    """The message `key` in `lang` with ``{placeholders}`` filled from `values`.

    Raises KeyError for an unknown key (a template bug that the tests catch).
    """
    zh, en = catalogue()[key]
    text = zh if _lang(lang) != "en" else en
    return text.format(**values) if values else text


@cache
def messages(lang: str) -> dict[str, str]:
    """The whole catalogue in one language, for the page's JSON block read by the scripts."""
    index = 1 if _lang(lang) == "en" else 0
    return {k: v[index] for k, v in catalogue().items()}
