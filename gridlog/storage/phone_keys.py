"""The digits of an entry's phone as the search looks them up (`entries.phone_key`,
indexed by `entries_phone_key`): the separators a number may hold dropped and
full-width digits made plain (`138-1234-5678`, `+86 138…`, `１３８…`), worked out once
where the entry is written instead of by an index expression on every insert.

The key is exactly what the expression of schema 10 to 19 computed
(`migrations.ENTRY_PHONE_DIGITS`, which the triggers of m020 still apply to a
row another program writes or to a phone changed in place); the tests hold the two
to the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# What the key drops, and the full-width digits it makes plain, as
# ENTRY_PHONE_DIGITS does with one replace() each.
_KEY = str.maketrans(
    {
        **dict.fromkeys(" -()+.\u3000－（）＋"),
        **{chr(ord("０") + digit): str(digit) for digit in range(10)},
    }
)


def phone_key(phone: str | None) -> str | None:
    """The key of an entry's phone as typed; None for no phone."""
    if phone is None or (phone.isascii() and phone.isdigit()):
        return phone  # most are typed as plain digits: nothing to drop
    return phone.translate(_KEY)


def keyed(table: str, values: Mapping[str, Any]) -> Mapping[str, Any]:
    """`values` as written to `table`: an entry's phone with its key beside it. The
    key is the table's own business: the history, exports and the hub never see
    it, and `unkeyed` takes it out of a row read whole."""
    if table != "entries" or "phone" not in values:
        return values
    return {**values, "phone_key": phone_key(values["phone"])}


def unkeyed(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row of `table` read whole, without the key (what the history keeps)."""
    if table == "entries":
        row.pop("phone_key", None)
    return row
