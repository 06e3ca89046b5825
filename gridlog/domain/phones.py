"""Phone numbers as people write them: `13812345678`, `138-1234-5678`,
`138 1234 5678`, `+86 138…`, or with full-width digits from a Chinese input method
(`１３８…`). The register and the log keep a number as it was typed; finding one
compares its digits alone, so that any way of writing it finds every other.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from itertools import pairwise

# What may stand between the digits of a number, after NFKC (which makes full-width
# digits, dashes, spaces and brackets plain).
_SEPARATORS = re.compile(r"[\s\-()+.]")
_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
# How a text may write a number: plain, or in the 3-4-4 groups of a mobile number,
# with ASCII or full-width dashes or spaces.
_GAPS = ("", "-", " ", "－", "\u3000")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def phone_digits(text: str) -> str | None:
    """The digits of `text` if it is a number as people write one (digits with
    dashes, spaces, brackets, a `+`), else None."""
    plain = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not plain or not (plain.isascii() and plain.isdigit()):
        return None
    return plain


def is_mobile(digits: str) -> bool:
    """A mainland mobile number, maybe with the country code 86 in front."""
    return _MOBILE.fullmatch(digits) is not None


def same_number(stored: str | None, digits: str) -> bool:
    """Does a stored number (as typed) have these digits, the country code aside?"""
    found = stored_digits(stored)
    return bool(found) and digits.removeprefix("86") == found.removeprefix("86")


def written_forms(digits: str) -> list[str]:
    """The ways a text may hold these digits, for a search that looks for text:
    plain, and (from five digits on) grouped as a mobile number's 3-4-4 counted from
    its end (the tail someone remembers) or from its start, in ASCII or full-width."""
    groupings = [[digits]]
    if len(digits) >= 5:
        groupings.append(_split(digits, [len(digits) - 8, len(digits) - 4]))
        groupings.append(_split(digits, [3, 7]))
    forms: dict[str, None] = {}
    for parts in groupings:
        for gap in _GAPS if len(parts) > 1 else ("",):
            joined = gap.join(parts)
            forms[joined] = None
            forms[joined.translate(_FULL_WIDTH)] = None
    return list(forms)


def _split(digits: str, cuts: list[int]) -> list[str]:
    """`digits` cut at the positions given that fall inside it."""
    inside = [cut for cut in cuts if 0 < cut < len(digits)]
    bounds = [0, *inside, len(digits)]
    return [digits[a:b] for a, b in pairwise(bounds)]


def stored_digits(stored: str | None) -> str | None:
    """The digits of a number as stored (typed), every other character dropped; in
    SQL `digits_of(r.phone)`, once `with_digits` has taught the connection."""
    if stored is None:
        return None
    if not stored.isascii():
        stored = unicodedata.normalize("NFKC", stored)
    return "".join(char for char in stored if char.isascii() and char.isdigit())


def with_digits(conn: sqlite3.Connection) -> sqlite3.Connection:
    """`conn` with `digits_of(x)` for its queries (never for the schema: other
    programs writing the log would not know it)."""
    conn.create_function("digits_of", 1, stored_digits, deterministic=True)
    return conn
