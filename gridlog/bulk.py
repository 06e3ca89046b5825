"""Loading many entries at once: batches of thousands in one transaction each, ids
taken from the shared sequence a batch at a time, nothing held in memory but the
batch. Used by the benchmark generator now and meant for `import`.

A batch is recorded in the history as one row (the range of ids it added), not one
row per entry: a million-row load must not write a million history rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from gridlog.clock import to_utc_iso
from gridlog.context import Context
from gridlog.history import writing


@dataclass(frozen=True)
class LoadItem:
    """A follow-up or reminder an entry opened; closed when `closed_at` is given."""

    type: str  # "followup" or "reminder"
    due_on: dt.date
    text: str | None = None  # the entry's text when None
    closed_at: dt.datetime | None = None


@dataclass(slots=True)
class LoadRow:
    """One entry with resolved ids, and the follow-ups and reminders it opened.

    `uuid` makes a load repeatable: a row whose UUID is already stored is skipped, so
    an import run twice, or resumed after a crash, adds nothing twice."""

    at: dt.datetime
    grid_id: int
    text: str
    place: str | None = None
    building_id: int | None = None
    resident: str | None = None
    phone: str | None = None
    category: str = "other"
    kind: str = "visit"
    tags: str = "[]"  # a JSON array, as stored
    worker: str | None = None
    items: tuple[LoadItem, ...] = ()
    uuid: str | None = None


@dataclass
class Loaded:
    """What a load did: entries stored, entries skipped as already there, and the
    follow-ups and reminders the stored ones opened."""

    stored: int = 0
    skipped: int = 0
    items: int = 0


def load(
    conn: sqlite3.Connection,
    ctx: Context,
    rows: Iterable[LoadRow],
    batch: int = 20_000,
    on_commit: Callable[[Loaded], None] | None = None,
) -> Loaded:
    """Store `rows` in batches of one transaction each. `on_commit` hears the running
    totals after every committed batch: what it has heard is on disk.

    Each batch is drawn from `rows` before its transaction begins, so the source may
    write on its own (an import registers the new grids it meets)."""
    totals = Loaded()
    op = None  # all batches are one command: one `undo` takes the whole load back
    for chunk in chunks(iter(rows), batch):
        with writing(conn, ctx, op=op) as changes:
            op = changes.op
            fresh = _not_yet_stored(conn, chunk)
            if fresh:
                totals.items += _load_batch(conn, changes, fresh)
        totals.stored += len(fresh)
        totals.skipped += len(chunk) - len(fresh)
        if on_commit is not None:
            on_commit(totals)
    return totals


def chunks(rows: Iterator, size: int) -> Iterator[list]:
    """Lists of `size` items from `rows` (the last one shorter), read lazily."""
    while chunk := list(islice(rows, size)):
        yield chunk


def _not_yet_stored(conn: sqlite3.Connection, chunk: list[LoadRow]) -> list[LoadRow]:
    """The rows of `chunk` whose UUID is not stored yet (rows without one are new)."""
    wanted = [row.uuid for row in chunk if row.uuid is not None]
    if not wanted:
        return chunk
    stored: set[str] = set()
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ", ".join("?" * len(part))
        stored.update(
            uuid
            for (uuid,) in conn.execute(
                f"SELECT uuid FROM entries WHERE uuid IN ({marks})", part
            )
        )
    return [row for row in chunk if row.uuid is None or row.uuid not in stored]


def _load_batch(conn: sqlite3.Connection, changes, chunk: list[LoadRow]) -> int:
    """Write one batch; returns how many follow-ups and reminders it opened."""
    items = sum(len(row.items) for row in chunk)
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
        for item in row.items:
            item_id, next_id = next_id, next_id + 1
            closed = to_utc_iso(item.closed_at) if item.closed_at else None
            followups.append(
                (
                    item_id,
                    _item_uuid(row.uuid, item.type),
                    item.type,
                    entry_id,
                    row.grid_id,
                    item.text or row.text,
                    item.due_on.isoformat(),
                    at,
                    closed,
                    now,
                    now,
                )
            )
            if item.type == "followup" and case_id is None:
                case_id = item_id
        entries.append(
            (
                entry_id,
                row.uuid or str(uuid.uuid4()),
                at,
                row.grid_id,
                row.place,
                row.building_id,
                row.resident,
                row.phone,
                row.category,
                row.kind,
                row.text,
                row.tags,
                row.worker,
                case_id,
                now,
                now,
            )
        )
    conn.executemany(
        "INSERT INTO entries (id, uuid, at, grid_id, place, building_id, resident,"
        " phone, category, kind, text, tags, worker, case_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            "ids": [entries[0][0], next_id - 1],
            "count": len(entries),
            "items": len(followups),
        },
    )
    return len(followups)


def _item_uuid(entry_uuid: str | None, item_type: str) -> str:
    """An imported entry's items get UUIDs derived from its own, so that they too
    are the same on every import of the same file."""
    if entry_uuid is None:
        return str(uuid.uuid4())
    return name_uuid(bytes.fromhex(entry_uuid.replace("-", "")), item_type)


def name_uuid(namespace: bytes, name: str) -> str:
    """`str(uuid.uuid5(UUID(bytes=namespace), name))`, without building UUID
    objects: a million-row import makes two or three of these per row."""
    digest = bytearray(hashlib.sha1(namespace + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


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
