"""Loading many entries at once: batches of thousands in one transaction each, ids
taken from the shared sequence a batch at a time, nothing held in memory but the
batch. Used by the benchmark generator now and meant for `import`.

A batch is recorded in the history as one row (the range of ids it added), not one
row per entry: a million-row load must not write a million history rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from gridlog.clock import to_utc_iso
from gridlog.context import Context
from gridlog.history import writing


@dataclass(frozen=True)
class LoadRow:
    """One entry with resolved ids, and the follow-up or reminder it opened."""

    at: dt.datetime
    grid_id: int
    text: str
    place: str | None = None
    building_id: int | None = None
    resident: str | None = None
    category: str = "other"
    kind: str = "visit"
    worker: str | None = None
    item_type: str | None = None  # "followup" or "reminder"
    due_on: dt.date | None = None
    closed_at: dt.datetime | None = None


def load(
    conn: sqlite3.Connection, ctx: Context, rows: Iterable[LoadRow], batch: int = 20_000
) -> int:
    """Store `rows` in batches; returns how many entries were stored."""
    stored = 0
    iterator = iter(rows)
    for chunk in _chunks(iterator, batch):
        with writing(conn, ctx) as changes:
            _load_batch(conn, changes, chunk)
        stored += len(chunk)
    return stored


def _chunks(rows: Iterator[LoadRow], size: int) -> Iterator[list[LoadRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _load_batch(conn: sqlite3.Connection, changes, chunk: list[LoadRow]) -> None:
    items = sum(1 for row in chunk if row.item_type)
    last = conn.execute(
        "UPDATE counters SET value = value + ? WHERE name = 'record' RETURNING value",
        (len(chunk) + items,),
    ).fetchone()[0]
    next_id = last - len(chunk) - items + 1
    now = changes.ctx.now_utc
    # Entries point at their case and cases at their entry: check at COMMIT, so
    # each row is written once, case_id included. (Reset by SQLite after COMMIT.)
    conn.execute("PRAGMA defer_foreign_keys = ON")
    entries, followups = [], []
    _pause_search_triggers(conn)
    for row in chunk:
        entry_id, next_id = next_id, next_id + 1
        at = to_utc_iso(row.at)
        case_id = None
        if row.item_type:
            item_id, next_id = next_id, next_id + 1
            closed = to_utc_iso(row.closed_at) if row.closed_at else None
            followups.append(
                (
                    item_id,
                    str(uuid.uuid4()),
                    row.item_type,
                    entry_id,
                    row.grid_id,
                    row.text,
                    row.due_on.isoformat(),
                    at,
                    closed,
                    now,
                    now,
                )
            )
            if row.item_type == "followup":
                case_id = item_id
        entries.append(
            (
                entry_id,
                str(uuid.uuid4()),
                at,
                row.grid_id,
                row.place,
                row.building_id,
                row.resident,
                row.category,
                row.kind,
                row.text,
                row.worker,
                case_id,
                now,
                now,
            )
        )
    conn.executemany(
        "INSERT INTO entries (id, uuid, at, grid_id, place, building_id, resident,"
        " category, kind, text, worker, case_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entries,
    )
    conn.executemany(
        "INSERT INTO followups (id, uuid, type, entry_id, grid_id, text, due_on,"
        " opened_at, closed_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        followups,
    )
    _index_batch(conn, entries[0][0], next_id - 1)
    changes.remember_batch(
        "entries",
        entries[0][0],
        {
            "ids": [entries[0][0], entries[-1][0]],
            "count": len(entries),
            "items": len(followups),
        },
    )


_INSERT_TRIGGERS = ("entries_search_insert", "followups_search_insert")


def _pause_search_triggers(conn: sqlite3.Connection) -> None:
    """Index the batch in one statement at its end instead of row by row. Dropping
    the triggers is part of the batch's transaction: nobody else ever sees them gone."""
    for name in _INSERT_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def _index_batch(conn: sqlite3.Connection, first: int, last: int) -> None:
    from gridlog.migrations import SEARCH_TRIGGERS

    conn.execute(
        "INSERT INTO entries_search (rowid, text, place, resident)"
        " SELECT id, text, place, resident FROM entries WHERE id BETWEEN ? AND ?",
        (first, last),
    )
    conn.execute(
        "INSERT INTO followups_search (rowid, text, close_note)"
        " SELECT id, text, close_note FROM followups WHERE id BETWEEN ? AND ?",
        (first, last),
    )
    for statement in SEARCH_TRIGGERS:
        if any(f"TRIGGER {name} " in statement for name in _INSERT_TRIGGERS):
            conn.execute(statement)
