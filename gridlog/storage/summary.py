"""The report's summary of entries (`report_entries`, migration m018): whether it
still says what the entries say, and how to count it afresh when it does not."""

from __future__ import annotations

import sqlite3

from gridlog.storage.migrations import SUMMARIZE_ALL, summarized_entries

_STORED = "SELECT bucket, grid_id, worker_key, kind, category, entries"
_STORED += " FROM report_entries"


def drift(conn: sqlite3.Connection) -> int:
    """How many rows of the summary are wrong (missing, extra, or with another
    count) against the entries counted afresh: 0 when the triggers kept it right."""
    fresh = f"SELECT * FROM ({summarized_entries()})"
    key = "SELECT bucket, grid_id, worker_key, kind, category FROM"
    return conn.execute(
        f"SELECT count(*) FROM ({key} ({_STORED} EXCEPT {fresh})"
        f" UNION {key} ({fresh} EXCEPT {_STORED}))"
    ).fetchone()[0]


def rebuild(conn: sqlite3.Connection) -> None:
    """Count the summary afresh from the entries, in the caller's transaction."""
    conn.execute("DELETE FROM report_entries")
    for statement in SUMMARIZE_ALL:
        conn.execute(statement)
