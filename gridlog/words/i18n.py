"""Every user-facing message goes through `t`, so a third language is one more file.

The catalogues live in `words/locales/<lang>.py` as plain dicts of format strings.
The language is chosen once per process (`--lang`, `GRIDLOG_LANG`, the locale) before
the command line is built, because typer fixes help texts at import time.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping

LANGUAGES = ("zh", "en")
_current: str | None = None
_explicit = False
_catalogues: dict[str, Mapping[str, str]] = {}


def detect_lang(environ: Mapping[str, str]) -> str:
    """GRIDLOG_LANG, then the locale. (`--lang` is read by the command line.)"""
    return env_lang(environ) or locale_lang(environ)


def env_lang(environ: Mapping[str, str]) -> str | None:
    """The language the user asked for in GRIDLOG_LANG, if any it speaks (the
    command line says when it does not)."""
    if environ.get("GRIDLOG_LANG"):
        return parse_lang(environ["GRIDLOG_LANG"])
    return None


def locale_lang(environ: Mapping[str, str]) -> str:
    """Chinese for a zh* locale, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def normalize_lang(value: str) -> str:
    """Map `zh_CN.UTF-8`, `中文`, `EN` … to a supported language; unknown → English."""
    return parse_lang(value) or "en"


def parse_lang(value: str) -> str | None:
    """`zh`/`zh_CN`/`中文` → zh, `en*` → en, anything else → None."""
    value = value.strip().lower()
    if value.startswith("zh") or value in ("中文", "cn", "chinese"):
        return "zh"
    if value.startswith("en") or value == "英文":
        return "en"
    return None


def set_lang(lang: str, *, explicit: bool = False) -> None:
    """Fix the language; `explicit` when the user chose it for this run, so that a
    saved preference (`gridlog config --lang`) does not override it."""
    global _current, _explicit
    _current = normalize_lang(lang)
    _explicit = explicit


def is_explicit() -> bool:
    return _explicit


def current_lang() -> str:
    """The language in force; detected from the environment on first use."""
    global _current
    if _current is None:
        _current = detect_lang(os.environ)
    return _current


def _catalogue(lang: str) -> Mapping[str, str]:
    if lang not in _catalogues:
        module = importlib.import_module(f"gridlog.words.locales.{lang}")
        _catalogues[lang] = module.MESSAGES
    return _catalogues[lang]


def text_in(lang: str, key: str, default: str) -> str:
    """The unformatted text of `key` in `lang`, or `default` where it has none."""
    return _catalogue(lang).get(key, default)


def t(key: str, /, **params: object) -> str:
    """The message `key` in the current language, formatted with `params`.

    A key missing from a catalogue falls back to English and then to the key itself,
    so a forgotten translation shows up as text rather than a crash.
    """
    template = _catalogue(current_lang()).get(key)
    if template is None:
        template = _catalogue("en").get(key, key)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def tn(key: str, count: int, /, **params: object) -> str:
    """Like `t`, for a message about `count` things: uses `key.one` when count is 1
    and the current language has that form (Chinese repeats the plural there)."""
    if count == 1 and f"{key}.one" in _catalogue(current_lang()):
        key = f"{key}.one"
    return t(key, **params)
