"""The text of a date phrase before any rule reads it: one spelling per phrase, and
the ASCII-only regex helpers every reader of phrases uses.

Shared by the phrase parser, the Chinese numerals and the recurrence phrases, so
that "每两周", "两周后" and "２周后" are folded alike. Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MAX_LENGTH = (
    64  # longer than any phrase, a dictated year too ("September the twenty-first
)
# nineteen seventy eight" is 50); keeps int() and the split search small
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
# Traditional characters of date phrases, as typed in Hong Kong and Taiwan or by an
# input method left in that mode: 下週一, 三個禮拜後, 國慶節.
_SIMPLIFIED = str.maketrans(
    "週禮號個後點時鐘節這兩國慶陽軍聖誕勞動兒婦師頭陰曆農臘間裡內萬親際現剛從來聽尋晝",
    "周礼号个后点时钟节这两国庆阳军圣诞劳动儿妇师头阴历农腊间里内万亲际现刚从来听寻昼",
)
_FOLD = {**_ASCII_LOWER, **_SIMPLIFIED}


def normalise(text: str) -> str:
    """One spelling per phrase: NFKC folds full-width digits, colons, plus signs and
    spaces to ASCII; ASCII case, runs of spaces and traditional characters stop
    mattering."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return " ".join(folded.split())


# Patterns stay strings, each compiled on first use, which keeps importing this
# module (done on every CLI run) cheap. Our own cache, not `re`'s: its look-up (the
# flags, the type checks) cost more than the matching itself, several hundred times
# per phrase. re.ASCII: \d must not accept other scripts' digits, which int() would
# then read.
_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _COMPILED.get(pattern)
    if found is None:
        found = _COMPILED[pattern] = re.compile(pattern, re.ASCII)
    return found


def sub(pattern: str, replace: str | Callable[[re.Match[str]], str], text: str) -> str:
    return _compiled(pattern).sub(replace, text)


def fullmatch(pattern: str, text: str) -> re.Match[str] | None:
    return _compiled(pattern).fullmatch(text)
