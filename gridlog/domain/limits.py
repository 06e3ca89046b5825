"""How much a field may hold, checked before anything is written.

Limits are generous for what a grid worker types and small enough that a pasted file
or a runaway script cannot bloat the log; the README documents them.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from gridlog.errors import GridlogError


class Field(Enum):
    """A field a user fills in, named for what it holds. The command line knows how
    each is typed (`TEXT`, `--place`); an import names its column instead."""

    TEXT = "text"  # what happened, the argument of `add`
    NAME = "name"  # a new grid's or resident's name, an argument
    HOUSEHOLD = "household"
    NEW_TEXT = "new_text"  # a corrected text, an option of `edit`
    NEW_NAME = "new_name"
    PLACE = "place"
    RESIDENT = "resident"
    PHONE = "phone"
    TAG = "tag"
    NOTE = "note"
    REMIND_TEXT = "remind_text"
    WORKER = "worker"
    ALIAS = "alias"
    BUILDING = "building"
    COMMUNITY = "community"  # the community named on the monthly review
    OWNER = "owner"  # the person responsible for a follow-up


MAX_TEXT = 10_000  # characters in an entry's text or a note
MAX_NAME = 200  # characters in a grid, building, place, resident or tag
# Patterns, compiled on first use (and then kept by `re`): most commands write no
# name and import this module only for `Field`.
_CONTROL = "[\x00-\x1f\x7f-\x9f]"  # C0, DEL and C1
_PHONE = r"\+?[\d\- ()]{5,24}"
_EXCEL_NUMBER = r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+"


def check_text(field: Field | str, value: str) -> str:
    """Entry texts and notes: not empty, not huge, valid Unicode, and no NUL (which
    C tools and exports cut the text at)."""
    value = _check(field, value, MAX_TEXT)
    if "\x00" in value:
        raise GridlogError("field.nul", field=field)
    return value


def check_name(field: Field | str, value: str) -> str:
    """Short fields: names, places, phones, tags; one line of printable text, since
    they are looked up by what a worker types and shown in every table."""
    value = _check(field, value, MAX_NAME)
    if re.search(_CONTROL, value):
        raise GridlogError("field.control", field=field)
    if any(unicodedata.category(char) == "Cf" for char in value):
        # A right-to-left override makes 王红 look like another name on screen.
        raise GridlogError("field.invisible", field=field)
    return value


def check_phone(field: Field | str, value: str) -> str:
    """A phone number as typed (+86 138-1234-1234 too), but not letters, and not
    the 1.38123E+10 that Excel leaves of one: the same rule as an import's."""
    value = check_name(field, value)
    text = unicodedata.normalize("NFKC", value)
    if re.fullmatch(_EXCEL_NUMBER, text):
        raise GridlogError("field.phone_excel", field=field)
    if not re.fullmatch(_PHONE, text) or sum(char.isdigit() for char in text) < 5:
        raise GridlogError("field.phone_bad", field=field)
    return value


def _check(field: Field | str, value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise GridlogError("field.empty", field=field)
    if len(value) > limit:
        raise GridlogError("field.too_long", field=field, limit=limit, size=len(value))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise GridlogError("field.not_utf8", field=field) from None
    return value
