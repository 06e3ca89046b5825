"""A phone or ID number as people write it, read one way for every part of gridlog
that must find a person's numbers: `resident forget` (which knows the numbers) and a
merge honouring a tombstone (which knows only their lengths and keyed hashes).

People write 13812341234 as 138-1234-1234, 138 1234 1234, １３８１２３４１２３４ or
+86 138…; an ID number ends in X, x or full-width Ｘ. A number is found whole, never
as a piece of a longer one. Both readers share this module's `pattern` (where a
number may stand and how it may be spelt) and `digits` (what it is once the spelling
is taken away), so a variant that one of them finds, the other finds too.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# Numbers shorter than this are not a person's (a room number, a count).
SHORTEST_NUMBER = 7
# Between the digits of a number as people write it: a space, a dash, a dot.
_GAP = "[ \\-.\u3000\uff0d\u2010\u2014\u00b7]?"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_EDGE = "0-9\uff10-\uff19"
_CHECK = "Xx\uff38\uff58"  # an ID number's check digit 10, however typed
_COUNTRY = f"(?:[+\uff0b]?(?:86|\uff18\uff16){_GAP})?"  # +86 138…


def digits(value: Any) -> str | None:
    """A number as its digits (and an ID's X), or None when it is too short."""
    if not isinstance(value, str):
        return None
    value = value.translate(_FULL_WIDTH).strip()
    found = "".join(c for c in value if c.isdigit())
    if value[-1:] in ("X", "x"):
        found += "X"
    return found if sum(c.isdigit() for c in found) >= SHORTEST_NUMBER else None


def pattern(spellings: list[list[str]]) -> re.Pattern[str]:
    """Any of `spellings` (each a list of character classes, one per digit) as
    people write it: a gap between any two digits, +86 before it, never a piece of
    a longer number. The number itself (without +86) is the group `number`."""
    alternatives = "|".join(
        _GAP.join(spelling) for spelling in sorted(spellings, key=len, reverse=True)
    )
    return re.compile(
        f"(?<![{_EDGE}]){_COUNTRY}(?P<number>{alternatives})(?![{_EDGE}{_CHECK}])"
    )


def exact(numbers: list[str]) -> re.Pattern[str] | None:
    """The numbers given (as `digits` returns them), however written."""
    if not numbers:
        return None
    return pattern([[_class(char) for char in number] for number in numbers])


@functools.lru_cache(maxsize=64)
def any_of_length(length: int) -> re.Pattern[str] | None:
    """Any number whose `digits` are `length` long (the last may be an X), however
    written: what a tombstone's mark of that length might be."""
    if length < SHORTEST_NUMBER:
        return None
    digit = f"[{_EDGE}]"
    return pattern([[digit] * (length - 1) + [f"[{_EDGE}{_CHECK}]"]])


def _class(char: str) -> str:
    if char == "X":
        return f"[{_CHECK}]"
    return f"[{char}{chr(ord(char) + 0xFEE0)}]"
