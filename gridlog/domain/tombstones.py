"""Tombstones: what `resident forget` leaves behind so that a forget travels.

A log's jsonl export carries its tombstones and `gridlog merge` honours them, so an
export taken before the forget, on this device or any other, cannot bring the person
back: a record whose UUID is buried is forgotten again as soon as a merge brings it
(`privacy.forget_resident`, within the merge), and what they left in texts that
arrive later is blotted out.

A tombstone never holds the personal data itself: only the forgotten record's UUID
and, for each value forgotten (name, phone, ID number), its length, a keyed hash
(BLAKE2b, a random key per tombstone) and whether it is a number. A text is
scrubbed by hashing each stretch of it of that length and blotting out the
stretches that match. A number is marked by
its digits alone, so each number in a text, however written (138-1234-1234, full-width
digits, +86 …), is read the way `forget` reads it (`domain.numbers`) and its digits
hashed: a variant of a forgotten number is blotted out as the number itself is.

A merge that brings a new tombstone scrubs the whole log, and hashing every stretch of
every text is slow on a large one. So each distinct stretch is hashed once per mark
for the whole scrub, and once one is the value, the value is simply looked for; a
number's mark is looked for as written only among digits (its value is nothing
else). A mark from an older gridlog, which does not say whether it is a number, is
looked for everywhere: slower, and the same result.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gridlog.context import Context
from gridlog.domain import numbers

# Columns that may hold what someone typed about a person (as `privacy` scrubs).
TEXT_COLUMNS = {
    "entries": ("text", "place", "resident", "phone", "tags"),
    "followups": ("text", "close_note"),
    "signoffs": ("household",),
}


# How many stretches all marks together remember to have hashed in vain (a few
# hundred MB at most); a mark that has remembered its share forgets and starts again.
_MISSES_AT_MOST = 1 << 21


@dataclass(eq=False)
class Mark:
    """One forgotten value: its length, its keyed hash, and whether it is a number
    (None: a mark from an older gridlog, which did not say). Once a stretch of a
    text turns out to be the value, the scrub knows the value (in memory only) and
    finds it as any text is found."""

    key: bytes
    length: int
    digest: str
    number: bool | None = None
    value: str | None = None
    misses: set[str] = field(default_factory=set, repr=False)
    remembers: int = _MISSES_AT_MOST  # its share of the misses to remember

    def matches(self, stretch: str) -> bool:
        if self.value is not None:
            return stretch == self.value
        if len(stretch) != self.length or _digest(self.key, stretch) != self.digest:
            return False
        self.value = stretch
        return True

    def found_in(self, text: str) -> str | None:
        """The value, if `text` holds it as written. Until it is known, each
        distinct stretch where it may stand is hashed once for the whole scrub."""
        if self.value is None:
            stretches = set(self._stretches().findall(text)) - self.misses
            if any(self.matches(stretch) for stretch in stretches):
                return self.value
            if len(self.misses) > self.remembers:
                self.misses.clear()
            self.misses |= stretches
            return None
        return self.value if self.value in text else None

    def _stretches(self) -> re.Pattern[str]:
        """Every stretch of the mark's length (overlapping); of a number's, only
        digits (and an X), since its value is nothing else."""
        return _stretches(self.length, bool(self.number))


@functools.lru_cache(maxsize=64)
def _stretches(length: int, digits_only: bool) -> re.Pattern[str]:
    return re.compile(
        f"(?=([0-9X]{{{length}}}))" if digits_only else f"(?=(.{{{length}}}))",
        re.DOTALL,
    )


def _digest(key: bytes, value: str) -> str:
    return hashlib.blake2b(value.encode("utf-8"), key=key, digest_size=16).hexdigest()


def bury(
    conn: sqlite3.Connection,
    ctx: Context,
    uuid: str,
    names: Iterable[str],
    numbers: Iterable[str],
) -> None:
    """Record that the resident `uuid` was forgotten, with marks of the values
    that were blotted out (`numbers` as `domain.numbers.digits` gives them);
    inside the forget's transaction."""
    key = secrets.token_bytes(16)
    forgotten = {value: False for value in names if value}
    forgotten.update((value, True) for value in numbers if value)
    marks = [
        {"length": len(value), "hash": _digest(key, value), "number": number}
        for value, number in forgotten.items()
    ]
    conn.execute(
        "INSERT OR IGNORE INTO tombstones (uuid, kind, forgotten_at, key, marks)"
        " VALUES (?, 'resident', ?, ?, ?)",
        (uuid, ctx.now_utc, key.hex(), json.dumps(marks)),
    )


def receive(conn: sqlite3.Connection, line: dict[str, Any]) -> bool:
    """Keep a tombstone from another log (its lines as `lines` writes them);
    returns whether it is new here. The same person forgotten on two devices
    has two tombstones: every log keeps the one with the smaller key (as the
    hub does), so that all of them end up the same."""
    known = conn.execute(
        "SELECT 1 FROM tombstones WHERE uuid = ?", (line["uuid"],)
    ).fetchone()
    conn.execute(
        "INSERT INTO tombstones (uuid, kind, forgotten_at, key, marks)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET"
        " kind = excluded.kind, forgotten_at = excluded.forgotten_at,"
        " key = excluded.key, marks = excluded.marks"
        " WHERE excluded.key < tombstones.key",
        (
            line["uuid"],
            line["kind"],
            line["forgotten_at"],
            line["key"],
            json.dumps(line["marks"]),
        ),
    )
    return known is None


def lines(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Every tombstone as a jsonl line of the export."""
    for row in conn.execute(
        "SELECT uuid, kind, forgotten_at, key, marks FROM tombstones ORDER BY uuid"
    ):
        yield {"type": "tombstone", **dict(row), "marks": json.loads(row["marks"])}


def buried_residents(conn: sqlite3.Connection) -> list[int]:
    """Residents in the log whose UUID is buried (a merge has just brought them)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT r.id FROM residents r JOIN tombstones t ON t.uuid = r.uuid"
            " ORDER BY r.id"
        )
    ]


def marks(conn: sqlite3.Connection) -> list[Mark]:
    """Every tombstone's marks, each with its share of what a scrub remembers."""
    found = []
    for key, stored in conn.execute("SELECT key, marks FROM tombstones"):
        for mark in json.loads(stored):
            found.append(
                Mark(
                    bytes.fromhex(key),
                    mark["length"],
                    mark["hash"],
                    mark.get("number"),
                )
            )
    for mark in found:
        mark.remembers = max(1 << 12, _MISSES_AT_MOST // len(found))
    return found


def blot(value: Any, marks: list[Mark], blot_with: str) -> Any:
    """`value` (a text, or the list or dict of a history row) with every stretch
    that a mark matches blotted out."""
    if isinstance(value, str):
        return _blot_text(value, marks, blot_with)
    if isinstance(value, list):
        return [blot(item, marks, blot_with) for item in value]
    if isinstance(value, dict):
        return {key: blot(item, marks, blot_with) for key, item in value.items()}
    return value


def _blot_text(text: str, marks: list[Mark], blot_with: str) -> str:
    text = _blot_numbers(text, marks, blot_with)
    for mark in marks:
        value = mark.found_in(text)
        if value is not None:
            text = text.replace(value, blot_with)  # leftmost first, as read
    return text


def _blot_numbers(text: str, marks: list[Mark], blot_with: str) -> str:
    """Every number in `text`, however written, whose digits a mark matches."""
    for length in sorted({mark.length for mark in marks}, reverse=True):
        written = numbers.any_of_length(length)
        if written is None:
            continue
        same_length = [mark for mark in marks if mark.length == length]
        pieces, kept, start = [], 0, 0
        while found := written.search(text, start):
            value = numbers.digits(found["number"])
            if value is not None and any(m.matches(value) for m in same_length):
                pieces += [text[kept : found.start()], blot_with]
                kept = start = found.end()
            else:
                start = found.start() + 1
        text = "".join(pieces) + text[kept:]
    return text


def scrub(
    conn: sqlite3.Connection,
    marks: list[Mark],
    blot_with: str,
    only: dict[str, set[int]] | None = None,
) -> int:
    """Blot what the marks match out of the text columns of entries, follow-ups and
    sign-offs (of the records `only`, else all of them) and out of their history;
    returns how many records and history rows changed. Written as `forget`
    writes: without history rows or new revisions, so that every log that has the
    tombstone agrees."""
    if not marks:
        return 0
    conn.execute("PRAGMA secure_delete = ON")
    changed = 0
    for table, columns in TEXT_COLUMNS.items():
        ids = None if only is None else sorted(only.get(table, ()))
        for row in _rows(conn, table, list(columns), ids):
            values = {c: _blot_column(c, row[c], marks, blot_with) for c in columns}
            if any(values[c] != row[c] for c in columns):
                assignments = ", ".join(f"{c} = ?" for c in values)
                conn.execute(
                    f"UPDATE {table} SET {assignments} WHERE id = ?",
                    [*values.values(), row["id"]],
                )
                changed += 1
        changed += _scrub_history(conn, table, ids, marks, blot_with)
    if changed:
        for index in ("entries_search", "followups_search"):
            # Merging every segment drops the blotted rows' trigrams for good.
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
    return changed


def _rows(
    conn: sqlite3.Connection, table: str, columns: list[str], ids: list[int] | None
) -> list[sqlite3.Row]:
    select = f"SELECT id, {', '.join(columns)} FROM {table}"
    if ids is None:
        return conn.execute(select).fetchall()
    return conn.execute(
        f"{select} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    ).fetchall()


def _blot_column(column: str, value: Any, marks: list[Mark], blot_with: str) -> Any:
    if not isinstance(value, str):
        return value
    if column == "tags":  # a JSON list: each tag on its own, the JSON kept intact
        tags = json.loads(value)
        blotted = blot(tags, marks, blot_with)
        return value if blotted == tags else json.dumps(blotted, ensure_ascii=False)
    return blot(value, marks, blot_with)


def _blot_json(stored: str | None, marks: list[Mark], blot_with: str) -> str | None:
    if stored is None:
        return None
    return json.dumps(blot(json.loads(stored), marks, blot_with), ensure_ascii=False)


def _scrub_history(
    conn: sqlite3.Connection,
    table: str,
    ids: list[int] | None,
    marks: list[Mark],
    blot_with: str,
) -> int:
    select = "SELECT id, before, after FROM history WHERE table_name = ?"
    params: list[Any] = [table]
    if ids is not None:
        select += " AND record_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(ids))
    changed = 0
    for row in conn.execute(select, params).fetchall():
        values = [_blot_json(row[c], marks, blot_with) for c in ("before", "after")]
        if values != [row["before"], row["after"]]:
            conn.execute(
                "UPDATE history SET before = ?, after = ? WHERE id = ?",
                [*values, row["id"]],
            )
            changed += 1
    return changed
