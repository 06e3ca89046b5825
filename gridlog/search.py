"""Finding every entry that mentions something, in Chinese, which has no spaces.

Three or more characters go through the FTS5 trigram indexes (entries and follow-ups,
with their closing notes), newest first straight off the index. One or two characters
cannot make a trigram; they walk the entries newest first by id and stop at the limit,
so a common word returns at once and only a rare one reads far back.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from gridlog.store import LogEntry, LogFilter, log_clauses, log_entry


def search_entries(
    conn: sqlite3.Connection, zone: dt.tzinfo, text: str, filters: LogFilter
) -> list[LogEntry]:
    """Entries whose text, place or resident, or whose follow-up's text or closing
    note, contains `text`; newest first."""
    needle = text.strip()
    if not needle:
        return []
    clauses, params = log_clauses(zone, filters)
    if len(needle) >= 3:
        phrase = '"' + needle.replace('"', '""') + '"'
        clauses.append(
            "(e.id IN (SELECT rowid FROM entries_search WHERE entries_search MATCH ?)"
            " OR e.id IN (SELECT f.entry_id FROM followups_search s"
            " JOIN followups f ON f.id = s.rowid WHERE followups_search MATCH ?)"
            " OR e.case_id IN (SELECT rowid FROM followups_search"
            " WHERE followups_search MATCH ?))"
        )
        params.extend([phrase, phrase, phrase])
    else:
        clauses.append(
            "(instr(e.text, ?) OR instr(e.place, ?) OR instr(e.resident, ?))"
        )
        params.extend([needle, needle, needle])
    limit = f"LIMIT {int(filters.limit)}" if filters.limit > 0 else ""
    rows = conn.execute(
        "SELECT e.*, g.name AS grid FROM entries e JOIN grids g ON g.id = e.grid_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY e.id DESC {limit}",
        params,
    ).fetchall()
    return [log_entry(row, zone) for row in rows]
