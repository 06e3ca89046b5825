"""The report's summaries, of entries (`report_entries`, migration m018) and of
follow-ups (`report_followups`, m021), and the register's households
(`register_households`, m023): whether each still says what the entries, follow-ups
and residents say, and how to count it afresh when it does not."""

from __future__ import annotations

import sqlite3

from gridlog.storage.migrations import (
    FOLLOWUP_SUMMARY,
    SUM_HOUSEHOLDS,
    SUMMARIZE_ALL,
    SUMMED_HOUSEHOLDS,
    summarize_followups,
    summarized_entries,
    summarized_followups,
)

_STORED = "SELECT bucket, grid_id, worker_key, kind, category, entries"
_STORED += " FROM report_entries"
_FOLLOWUPS_KEY = "bucket, grid_id, event, entry_grid_id, place_key"
_FOLLOWUPS_STORED = f"SELECT {_FOLLOWUPS_KEY}, followups FROM {FOLLOWUP_SUMMARY}"


def drift(conn: sqlite3.Connection) -> int:
    """How many rows of the summaries are wrong (missing, extra, or with another
    count) against the entries and follow-ups counted afresh: 0 when the triggers
    kept them right."""
    return _drift(
        conn,
        _STORED,
        summarized_entries(),
        "bucket, grid_id, worker_key, kind, category",
    ) + _drift(conn, _FOLLOWUPS_STORED, summarized_followups(), _FOLLOWUPS_KEY)


def _drift(conn: sqlite3.Connection, stored: str, fresh: str, key: str) -> int:
    fresh = f"SELECT * FROM ({fresh})"
    keys = f"SELECT {key} FROM"
    return conn.execute(
        f"SELECT count(*) FROM ({keys} ({stored} EXCEPT {fresh})"
        f" UNION {keys} ({fresh} EXCEPT {stored}))"
    ).fetchone()[0]


def rebuild(conn: sqlite3.Connection) -> None:
    """Count the summaries afresh, in the caller's transaction."""
    conn.execute("DELETE FROM report_entries")
    for statement in SUMMARIZE_ALL:
        conn.execute(statement)
    conn.execute(f"DELETE FROM {FOLLOWUP_SUMMARY}")
    conn.execute(summarize_followups())


_HOUSEHOLDS = "SELECT grid_id, place, residents, names, tags, registered,"
_HOUSEHOLDS += " registered_last FROM register_households"


def households_drift(conn: sqlite3.Connection) -> int:
    """How many of the register's households are wrong (missing, extra, or not
    what their residents say): 0 when the residents' triggers kept them right."""
    return _drift(conn, _HOUSEHOLDS, SUMMED_HOUSEHOLDS, "grid_id, place")


def resum_households(conn: sqlite3.Connection) -> None:
    """Sum the register's households afresh, in the caller's transaction."""
    conn.execute("DELETE FROM register_households")
    conn.execute(SUM_HOUSEHOLDS)
