"""The report's summary of entries (`report_entries`, migration m018) and the
register's households (`register_households`, m021): whether each still says what
the entries and the residents say, and how to count it afresh when it does not."""

from __future__ import annotations

import sqlite3

from gridlog.storage.migrations import (
    SUM_HOUSEHOLDS,
    SUMMARIZE_ALL,
    SUMMED_HOUSEHOLDS,
    summarized_entries,
)

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


_HOUSEHOLDS = "SELECT grid_id, place, residents, names, tags, registered,"
_HOUSEHOLDS += " registered_last FROM register_households"


def households_drift(conn: sqlite3.Connection) -> int:
    """How many of the register's households are wrong (missing, extra, or not
    what their residents say): 0 when the residents' triggers kept them right."""
    fresh = f"SELECT * FROM ({SUMMED_HOUSEHOLDS})"
    key = "SELECT grid_id, place FROM"
    return conn.execute(
        f"SELECT count(*) FROM ({key} ({_HOUSEHOLDS} EXCEPT {fresh})"
        f" UNION {key} ({fresh} EXCEPT {_HOUSEHOLDS}))"
    ).fetchone()[0]


def resum_households(conn: sqlite3.Connection) -> None:
    """Sum the register's households afresh, in the caller's transaction."""
    conn.execute("DELETE FROM register_households")
    conn.execute(SUM_HOUSEHOLDS)
