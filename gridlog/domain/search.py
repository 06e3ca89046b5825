"""Finding every entry that mentions something, in Chinese, which has no spaces.

Three or more characters go through the FTS5 trigram indexes (entries and follow-ups,
with their closing notes), newest first straight off the index. One or two characters
cannot make a trigram; they walk the entries newest first by id and stop at the limit,
so a common word returns at once and only a rare one reads far back.

A number (`13812345678`, `138-1234-5678`, `５６７８`: digits with dashes or spaces)
is looked for in each way a text may write it (`phones.written_forms`), one phrase
of the trigram query each, and in the phone an entry carries, by its digits.

"Newest" picks the entries most recently written down; they are then shown in the
order of their visits, since an imported old log is written down long after.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from gridlog.domain.log import LogEntry, LogFilter, log_clauses, log_entry


def search_entries(
    conn: sqlite3.Connection, zone: dt.tzinfo, text: str, filters: LogFilter
) -> list[LogEntry]:
    """Entries whose text, place or resident, or whose follow-up's text or closing
    note, contains `text`; newest first."""
    needle = text.strip()
    if not needle:
        return []
    from gridlog.domain.phones import phone_digits, written_forms

    digits = phone_digits(needle)
    if digits is not None and len(digits) >= 3:
        forms = dict.fromkeys([needle, *written_forms(digits)])  # as typed, too
        phrase = " OR ".join(_quoted(form) for form in forms)
        return _indexed(conn, zone, phrase, filters, digits)
    if len(needle) < 3:
        return _scan(conn, zone, needle, filters)
    return _indexed(conn, zone, _quoted(needle), filters)


def _quoted(text: str) -> str:
    """`text` as one FTS5 phrase: its syntax quoted away."""
    return '"' + text.replace('"', '""') + '"'


def _indexed(
    conn: sqlite3.Connection,
    zone: dt.tzinfo,
    phrase: str,
    filters: LogFilter,
    digits: str | None = None,
) -> list[LogEntry]:
    """Read matches newest first off the trigram indexes a page at a time, keep those
    the filters allow, and stop once `limit` are found: a word in every tenth entry
    of a million costs one page, not a hundred thousand rows sorted."""
    wanted = filters.limit if filters.limit > 0 else None
    page = max(200, 5 * (wanted or 0))
    clauses, params = log_clauses(zone, filters)
    found: list[sqlite3.Row] = []
    seen: set[int] = set()  # an entry may match in a page and via a later one
    below: int | None = None  # only ids below this one: the pages already read
    while wanted is None or len(found) < wanted:
        ids, below = _matching_ids(conn, phrase, below, page, digits)
        ids = [entry_id for entry_id in ids if entry_id not in seen]
        seen.update(ids)
        if ids:
            marks = ", ".join("?" for _ in ids)
            where = " AND ".join([f"e.id IN ({marks})", *clauses])
            found += conn.execute(
                "SELECT e.*, g.name AS grid FROM entries e"
                f" JOIN grids g ON g.id = e.grid_id WHERE {where} ORDER BY e.id DESC",
                [*ids, *params],
            ).fetchall()
        if below is None:
            break
    found.sort(key=lambda row: row["id"], reverse=True)
    return _by_visit(found[:wanted], zone)


def _matching_ids(
    conn: sqlite3.Connection,
    phrase: str,
    below: int | None,
    page: int,
    digits: str | None = None,
) -> tuple[list[int], int | None]:
    """The next newest entry ids (below `below`) that match, in an entry itself or in
    a follow-up (then its opening entry and its visits match), and where the next
    page begins (None after the last). Follow-ups share the id sequence, so one
    bound pages through every source: down to the highest of the pages' lowest
    ids, since below that a full page may have left matches unread. A number
    (`digits`) is also looked for in the phones entries carry."""
    entries = _fts_ids(conn, "entries_search", phrase, below, page)
    items = _fts_ids(conn, "followups_search", phrase, below, page)
    phones = [] if digits is None else _phone_ids(conn, digits, below, page)
    lowest = [ids[-1] for ids in (entries, items, phones) if len(ids) == page]
    floor = max(lowest) if lowest else None
    entries += phones
    if floor is not None:
        entries = [entry_id for entry_id in entries if entry_id >= floor]
        items = [item_id for item_id in items if item_id >= floor]
    if items:
        marks = ", ".join("?" for _ in items)
        entries += [
            row[0]
            for row in conn.execute(
                f"SELECT entry_id FROM followups WHERE id IN ({marks})"
                f" UNION SELECT id FROM entries WHERE case_id IN ({marks})",
                [*items, *items],
            )
        ]
    return sorted(set(entries), reverse=True), floor


def _fts_ids(
    conn: sqlite3.Connection, table: str, phrase: str, below: int | None, page: int
) -> list[int]:
    bound = "" if below is None else " AND rowid < :below"
    rows = conn.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH :phrase{bound}"
        " ORDER BY rowid DESC LIMIT :page",
        {"phrase": phrase, "below": below, "page": page},
    )
    return [row[0] for row in rows]


def _phone_ids(
    conn: sqlite3.Connection, digits: str, below: int | None, page: int
) -> list[int]:
    """Entries whose phone holds `digits`, newest first, off the index of the entries
    that carry one (`entries_phone_key`: their phones' digits, see
    `storage.phone_keys`): most carry none."""
    bound = "" if below is None else " AND id < :below"
    rows = conn.execute(
        "SELECT id FROM entries INDEXED BY entries_phone_key"
        f" WHERE phone_key IS NOT NULL AND instr(phone_key, :digits) > 0{bound}"
        " ORDER BY id DESC LIMIT :page",
        {"digits": digits, "below": below, "page": page},
    )
    return [row[0] for row in rows]


def _scan(
    conn: sqlite3.Connection, zone: dt.tzinfo, needle: str, filters: LogFilter
) -> list[LogEntry]:
    """One or two characters make no trigram: walk newest first, stop at the limit."""
    clauses, params = log_clauses(zone, filters)
    clauses.append("(instr(e.text, ?) OR instr(e.place, ?) OR instr(e.resident, ?))")
    params.extend([needle, needle, needle])
    limit = f"LIMIT {int(filters.limit)}" if filters.limit > 0 else ""
    rows = conn.execute(
        "SELECT e.*, g.name AS grid FROM entries e JOIN grids g ON g.id = e.grid_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY e.id DESC {limit}",
        params,
    ).fetchall()
    return _by_visit(rows, zone)


def _by_visit(rows: list[sqlite3.Row], zone: dt.tzinfo) -> list[LogEntry]:
    """Newest visit first (stored instants sort as text)."""
    rows = sorted(rows, key=lambda row: (row["at"], row["id"]), reverse=True)
    return [log_entry(row, zone) for row in rows]


def found_only_in_closing_notes(
    conn: sqlite3.Connection, entries: list[LogEntry], text: str
) -> set[int]:
    """The ids among `entries` that matched `text` only through how their case was
    closed: nothing on the line shown says why it was found, so the worker is told.
    (Compared case-blind, as the trigram index matches; a page of ids at a time, as
    `search --limit 0` may find more than a statement can take.)"""
    needle = text.strip().lower()
    found: set[int] = set()
    for start in range(0, len(entries) if needle else 0, _PAGE_OF_IDS):
        page = entries[start : start + _PAGE_OF_IDS]
        ids = {f"id{i}": entry.id for i, entry in enumerate(page)}
        marks = ", ".join(f":{name}" for name in ids)
        rows = conn.execute(
            _ONLY_IN_CLOSING_NOTE.format(marks=marks), {"n": needle, **ids}
        )
        found.update(row[0] for row in rows)
    return found


_PAGE_OF_IDS = 500
_ONLY_IN_CLOSING_NOTE = (
    "SELECT e.id FROM entries e WHERE e.id IN ({marks})"
    " AND NOT (instr(lower(e.text), :n) OR instr(lower(coalesce(e.place, '')), :n)"
    "  OR instr(lower(coalesce(e.resident, '')), :n)"
    "  OR instr(lower(coalesce(e.phone, '')), :n))"
    " AND EXISTS (SELECT 1 FROM followups f"
    "  WHERE (f.entry_id = e.id OR f.id = e.case_id)"
    "  AND instr(lower(coalesce(f.close_note, '')), :n))"
    " AND NOT EXISTS (SELECT 1 FROM followups f"
    "  WHERE (f.entry_id = e.id OR f.id = e.case_id) AND instr(lower(f.text), :n))"
)
