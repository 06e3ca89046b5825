"""Loading many entries at once: thousands in one statement, ids taken from the
shared sequence a batch at a time, nothing held in memory but the batch. `load`
commits a batch per transaction (the benchmark generator uses it); `import` calls
`store` within transactions of its own, with the pieces here that make a large load
cheap: search indexing in large spans, secondary indexes rebuilt.

A batch is recorded in the history as one row (the range of ids it added), not one
row per entry: a million-row load must not write a million history rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple

from gridlog.context import Context
from gridlog.dates.clock import to_utc_iso
from gridlog.storage.history import writing
from gridlog.storage.phone_keys import phone_key


class LoadItem(NamedTuple):
    """A follow-up or reminder an entry opened; closed when `closed_at` is given.
    A NamedTuple: an import makes one for a quarter of a million rows, and a
    frozen dataclass sets each field through `object.__setattr__`."""

    type: str  # "followup" or "reminder"
    due_on: dt.date
    text: str | None = None  # the entry's text when None
    closed_at: dt.datetime | None = None
    close_note: str | None = None
    closed_day_unknown: bool = False  # closed, on a day nobody wrote down
    closed_time_unknown: bool = False  # closed on that day, at an hour nobody wrote


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
    day_only: bool = False  # only the day of `at` is known: it stands at its start

    def stored(self) -> StoredRow:
        """The row as it is written: instants in UTC, dates as text, items resolved,
        UUIDs given (a new one when the row has none)."""
        return named(self.unnamed(), self.uuid or str(uuid.uuid4()))

    def unnamed(self) -> StoredRow:
        """The row as it is written but for its UUIDs, which `named` gives (see
        `unnamed_row`)."""
        return unnamed_row(
            self.at,
            self.grid_id,
            self.text,
            self.place,
            self.building_id,
            self.resident,
            self.phone,
            self.category,
            self.kind,
            self.tags,
            self.worker,
            self.items,
            self.day_only,
        )


def unnamed_row(
    at: dt.datetime,
    grid_id: int,
    text: str,
    place: str | None,
    building_id: int | None,
    resident: str | None,
    phone: str | None,
    category: str,
    kind: str,
    tags: str,
    worker: str | None,
    items: Iterable[LoadItem],
    day_only: bool,
    stored_at: str | None = None,
) -> StoredRow:
    """A row as it is written but for its UUIDs, which `named` gives. An import
    makes these where it reads the file, in its own process, straight from the
    cells (a `LoadRow` per row would be a million objects more), and names them
    where it stores them, in file order; it gives `stored_at`, `at` as stored,
    already made (see `transfer.instants`)."""
    if stored_at is None:
        stored_at = to_utc_iso(at)
    return (
        None,
        stored_at,
        grid_id,
        place,
        building_id,
        resident,
        phone,
        phone_key(phone),
        category,
        kind,
        text,
        tags,
        worker,
        int(day_only),
        tuple(
            (
                None,
                item.type,
                item.text or text,
                item.due_on.isoformat(),
                _stored(item.closed_at, at, stored_at),
                item.close_note,
                int(item.closed_day_unknown),
                int(item.closed_time_unknown),
            )
            for item in items
        ),
    )


def _stored(moment: dt.datetime | None, at: dt.datetime, stored_at: str) -> str | None:
    """A follow-up's closing as stored: most imported ones were closed at the
    visit (on a day nobody wrote down), whose text is made already."""
    if moment is None:
        return None
    return stored_at if moment is at else to_utc_iso(moment)


def named(row: StoredRow, entry_uuid: str) -> StoredRow:
    """`row` with its UUID, and its items' UUIDs derived from it: the same on every
    import of the same file."""
    items = row[-1]
    if items:
        key = bytes.fromhex(entry_uuid.replace("-", ""))
        items = tuple((name_uuid(key, item[1]), *item[1:]) for item in items)
    return (entry_uuid, *row[1:-1], items)


# A row as written: (uuid, at, grid_id, place, building_id, resident, phone,
# phone_key, category, kind, text, tags, worker, day_only, items), each item (uuid,
# type, text, due_on, closed_at, close_note, closed_day_unknown, closed_time_unknown).
StoredRow = tuple[Any, ...]


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
    write on its own."""
    totals = Loaded()
    op = None  # all batches are one command: one `undo` takes the whole load back
    for chunk in chunks(iter(rows), batch):
        with writing(conn, ctx, op=op) as changes:
            op = changes.op
            with indexed_in_bulk(conn) as written:
                stored = [row.stored() for row in chunk]
                written.add(store(conn, changes, stored, totals), summed=True)
        if on_commit is not None:
            on_commit(totals)
    return totals


def store(
    conn: sqlite3.Connection,
    changes,
    chunk: list[StoredRow],
    totals: Loaded,
    *,
    all_new: bool = False,
    grid_ids: list[int] | None = None,
) -> range:
    """Store the rows of `chunk` not stored yet (all of them when the caller knows
    none can be), in the caller's transaction and inside `indexed_in_bulk`, summed
    into the report's summaries as they are stored; returns the ids they took (for
    `_Written.add`, `summed`), and adds to `totals`. A row whose grid is a
    stand-in -1, -2, … (a grid the reading could not know yet) is stored in
    `grid_ids[0]`, `grid_ids[1]`, …"""
    fresh = chunk if all_new else _not_yet_stored(conn, chunk)
    totals.stored += len(fresh)
    totals.skipped += len(chunk) - len(fresh)
    if not fresh:
        return range(0)
    written = _load_batch(conn, changes, fresh, grid_ids or [])
    totals.items += len(written) - len(fresh)
    return written


@contextlib.contextmanager
def indexes_rebuilt(conn: sqlite3.Connection) -> Iterator[None]:
    """Within one transaction: the secondary indexes of entries and follow-ups are
    dropped, and built anew at the end. For a load larger than what is stored,
    sorting once beats updating them row by row. The UUIDs' unique indexes stay,
    and so do those on a foreign key: without them, checking each new follow-up
    against the entries pointing at it would read the whole table. So do those
    led by the id: a load only appends to them, which costs no more than sorting
    (the phone index is one) and is done while the import still reads, not
    after it."""
    indexes = []
    for table in ("entries", "followups"):
        keys = {row[3] for row in conn.execute(f"PRAGMA foreign_key_list({table})")}
        keys |= _rowid_columns(conn, table)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        ).fetchall():
            first = conn.execute(f"PRAGMA index_info({name})").fetchone()[2]
            if first not in keys:
                indexes.append((name, sql))
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    yield
    # SQLite sorts in memory up to the page cache's size: a small cache keeps the
    # sort of a huge load on disk, and its memory the same at any size; the cache
    # is put back for what the connection writes next.
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {_SORT_CACHE}")
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute(f"PRAGMA cache_size = {cache}")


def _rowid_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The table's INTEGER PRIMARY KEY, which is its rowid: what a load appends."""
    keys = [row for row in conn.execute(f"PRAGMA table_info({table})") if row[5]]
    if len(keys) == 1 and keys[0][2].upper() == "INTEGER":
        return {keys[0][1]}
    return set()


class _Written:
    """The ids a transaction's bulk writes took, not yet indexed for search (nor
    summed into the report's summaries, unless `store` summed them as it wrote):
    one span, since nobody else writes while the transaction holds the write
    lock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.first: int | None = None
        self.last: int | None = None
        # Every id written, indexed or not: what the hub's triggers would note.
        self.span: tuple[int, int] | None = None
        self.summed: bool | None = None  # by the writer (`store`), or still to do

    def add(self, ids: range, *, summed: bool = False) -> None:
        """Note the ids written; `summed` when they are in the summaries already.
        A transaction's writes are all of one kind (an import's, a merge's)."""
        if self.summed is None:
            self.summed = summed
        elif summed != self.summed:
            raise ValueError("a transaction's bulk writes are summed alike")
        if ids:
            self.first = ids.start if self.first is None else self.first
            self.last = ids.stop - 1
            start = ids.start if self.span is None else self.span[0]
            self.span = (start, ids.stop - 1)

    def index_some(self) -> bool:
        """Index and sum up the oldest `_INDEX_STEP` ids written; whether there
        were any. An import calls it while it waits for its reading process, so
        that the search index and the summary are mostly built by the time the
        file is read."""
        if self.first is None or self.last is None:
            return False
        last = min(self.first + _INDEX_STEP - 1, self.last)
        _index(self.conn, self.first, last, summed=bool(self.summed))
        self.first = None if last == self.last else last + 1
        return True

    def index_rest(self) -> None:
        if self.first is not None and self.last is not None:
            _index(self.conn, self.first, self.last, summed=bool(self.summed))
        self.first = self.last = None


@contextlib.contextmanager
def indexed_in_bulk(conn: sqlite3.Connection) -> Iterator[_Written]:
    """Within one transaction: the search triggers (and the report summary's) are
    dropped, the rows stored are indexed for search a statement per span (what
    `_Written.index_some` takes on while the caller would wait anyway, the rest at
    the end) and summed into the report's summary likewise, and the triggers put
    back. So are the hub's insert triggers: what they would note for
    the next `sync`, if this device syncs, is noted in one statement at the end.
    Nobody else ever sees the triggers gone: it all commits, or none of it does."""
    for name in _INSERT_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    hub_triggers = _dropped(conn, _HUB_INSERT_TRIGGERS)
    # What FTS5 holds in memory before it writes a segment: 32 MiB, not 1, halves
    # the time to index a million rows at once; and it merges its segments once
    # eight are alike, not four: a fifth less of its work at a million rows, for
    # searches that read a few more segments until later writes merge them.
    _search_settings(conn, hashsize=_FTS_HASH, automerge=_BULK_AUTOMERGE)
    written = _Written(conn)
    yield written
    written.index_rest()
    _search_settings(conn, automerge=_AUTOMERGE)
    from gridlog.storage.migrations import (
        FOLLOWUP_TRIGGERS,
        PHONE_KEY_TRIGGERS,
        REPORT_TRIGGERS,
        SEARCH_TRIGGERS,
    )

    if written.span is not None and hub_triggers:
        _note_for_hub(conn, *written.span)
    triggers = (*SEARCH_TRIGGERS, *REPORT_TRIGGERS, *FOLLOWUP_TRIGGERS)
    for statement in (*triggers, *PHONE_KEY_TRIGGERS):
        if any(f"TRIGGER {name} " in statement for name in _INSERT_TRIGGERS):
            conn.execute(statement)
    for statement in hub_triggers:
        conn.execute(statement)


def _search_settings(conn: sqlite3.Connection, **settings: int) -> None:
    """Set FTS5's own settings of both search indexes (kept in the log). An SQLite
    whose FTS5 lacks one indexes as before."""
    for table in ("entries_search", "followups_search"):
        for name, value in settings.items():
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute(
                    f"INSERT INTO {table} ({table}, rank) VALUES (?, ?)", (name, value)
                )


def _dropped(conn: sqlite3.Connection, names: tuple[str, ...]) -> list[str]:
    """Drop the triggers `names`; returns how to create them again, as they were."""
    marks = ", ".join("?" * len(names))
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        f" AND name IN ({marks})",
        names,
    ).fetchall()
    for name, _ in found:
        conn.execute(f"DROP TRIGGER {name}")
    return [sql for _, sql in found]


def _note_for_hub(conn: sqlite3.Connection, first: int, last: int) -> None:
    """What the hub's insert triggers would have noted for the rows of ids
    `first`..`last`, in two statements: the next `sync` sends them (see
    `m017_hub_dirty`). A device that never synced notes nothing."""
    tracking = conn.execute(
        "SELECT value FROM counters WHERE name = 'hub_tracking'"
    ).fetchone()
    if tracking is None or tracking[0] != 1:
        return
    for kind, table in (("entry", "entries"), ("followup", "followups")):
        conn.execute(
            f"INSERT INTO hub_dirty (kind, uuid) SELECT '{kind}', uuid FROM {table}"
            " WHERE id BETWEEN ? AND ? ORDER BY id",
            (first, last),
        )


def chunks(rows: Iterator, size: int) -> Iterator[list]:
    """Lists of `size` items from `rows` (the last one shorter), read lazily."""
    while chunk := list(islice(rows, size)):
        yield chunk


def _not_yet_stored(
    conn: sqlite3.Connection, chunk: list[StoredRow]
) -> list[StoredRow]:
    """The rows of `chunk` whose UUID is not stored yet."""
    stored: set[str] = set()
    for start in range(0, len(chunk), 500):
        part = [row[0] for row in chunk[start : start + 500]]
        marks = ", ".join("?" * len(part))
        stored.update(
            uuid
            for (uuid,) in conn.execute(
                f"SELECT uuid FROM entries WHERE uuid IN ({marks})", part
            )
        )
    if not stored:
        return chunk
    return [row for row in chunk if row[0] not in stored]


def _load_batch(
    conn: sqlite3.Connection, changes, chunk: list[StoredRow], grid_ids: list[int]
) -> range:
    """Write one batch, and sum it into the report's summaries; returns the ids its
    entries, follow-ups and reminders took. Every value that may be missing (an
    entry's place, resident, phone, worker, building and case, a follow-up's
    closing) goes in as the number 0 for none, made NULL by SQLite's `nullif`:
    Python's sqlite3 binds a None at three times the cost of a number (0.8 µs), and
    a million-row import binds millions of them. No text is ever the number 0, so
    an empty text stays empty.

    The summaries are counted here, a few thousand rows a batch, rather than by
    SQLite grouping the rows just written (5 s of the storing side's CPU at a
    million rows); what they count is what `migrations.summarized_entries` and
    `summarized_followups` say, which `check` holds them to."""
    items = sum(len(row[-1]) for row in chunk)
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
    counted: dict[tuple, int] = {}  # the entries' summary (m018, m024)
    opened_closed: dict[tuple, int] = {}  # the follow-ups' (m021, m024)
    for row in chunk:
        uuid_, at, grid_id, place, building_id, resident, phone, phone_key = row[:8]
        category, kind, text, tags, worker, day_only, opened = row[8:]
        entry_id, next_id = next_id, next_id + 1
        case_id = 0
        if grid_id < 0:
            grid_id = grid_ids[-grid_id - 1]
        # The summary's key: month, grid, worker, kind, category.
        key = (at[:7], grid_id, "" if worker is None else "=" + worker, kind, category)
        counted[key] = counted.get(key, 0) + 1
        for item_uuid, type_, item_text, due_on, closed_at, note, *unknown in opened:
            item = (next_id, item_uuid, type_, entry_id, grid_id, item_text, due_on)
            closing = (
                0 if closed_at is None else closed_at,
                0 if note is None else note,
            )
            followups.append((*item, at, *closing, *unknown, now))
            if type_ == "followup":
                case_id = case_id or next_id
                place_key = "" if place is None else building_id or "=" + place
                key = (at[:7], grid_id, "opened", grid_id, place_key)
                opened_closed[key] = opened_closed.get(key, 0) + 1
                if closed_at is not None:
                    key = (closed_at[:7], grid_id, "closed", 0, "")
                    opened_closed[key] = opened_closed.get(key, 0) + 1
            next_id += 1
        entries.append(
            (
                entry_id,
                uuid_,
                at,
                grid_id,
                0 if place is None else place,
                building_id or 0,
                0 if resident is None else resident,
                0 if phone is None else phone,
                0 if phone_key is None else phone_key,
                category,
                kind,
                text,
                tags,
                0 if worker is None else worker,
                day_only,
                case_id,
                now,
            )
        )
    conn.executemany(
        "INSERT INTO entries (id, uuid, at, grid_id, place, building_id, resident,"
        " phone, phone_key, category, kind, text, tags, worker, day_only, case_id,"
        " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0),"
        " nullif(?6, 0), nullif(?7, 0), nullif(?8, 0), nullif(?9, 0), ?10, ?11, ?12,"
        " ?13, nullif(?14, 0), ?15, nullif(?16, 0), ?17, ?17)",
        entries,
    )
    conn.executemany(
        "INSERT INTO followups (id, uuid, type, entry_id, grid_id, text, due_on,"
        " opened_at, closed_at, close_note, closed_day_unknown, closed_time_unknown,"
        " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
        " nullif(?9, 0), nullif(?10, 0), ?11, ?12, ?13, ?13)",
        followups,
    )
    from gridlog.storage.migrations import ADD_TO_SUMMARIES

    sums = (counted, opened_closed)
    for statement, counts in zip(ADD_TO_SUMMARIES, sums, strict=True):
        conn.executemany(statement, [(*key, n) for key, n in counts.items()])
    changes.remember_batch(
        "entries",
        entries[0][0],
        {
            "ids": [entries[0][0], next_id - 1],
            "count": len(entries),
            "items": len(followups),
        },
    )
    return range(entries[0][0], next_id)


def name_uuid(namespace: bytes, name: str) -> str:
    """`str(uuid.uuid5(UUID(bytes=namespace), name))`, without building UUID
    objects or bytes: a million-row import makes two or three of these per row.
    In the hex digest, the version is the 13th digit (5) and the RFC 4122 variant
    the top two bits of the 17th."""
    text = hashlib.sha1(namespace + name.encode("utf-8")).hexdigest()
    return (
        f"{text[:8]}-{text[8:12]}-5{text[13:16]}-"
        f"{_VARIANT[text[16]]}{text[17:20]}-{text[20:32]}"
    )


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


# The triggers a bulk load drops for its transaction, doing their work in one
# statement per batch: the search index's and the report summaries' (the
# follow-ups' summary has one on each table: a follow-up's row is added by whichever
# of it and its entry comes second; a batch holds both); and the one that keys the
# phone of an entry written without its key (a load gives them all).
_INSERT_TRIGGERS = (
    "entries_search_insert",
    "followups_search_insert",
    "report_entries_insert",
    "report_followups_insert",
    "report_followups_entry_insert",
    "entries_phone_key_insert",
)
# The hub's triggers on the same inserts: each looks up whether this device syncs,
# a row at a time (see `m017_hub_dirty`); a bulk load asks once, at its end.
_HUB_INSERT_TRIGGERS = ("entries_hub_insert", "followups_hub_insert")
_FTS_HASH = 32 << 20
_BULK_AUTOMERGE = 8  # segments alike before FTS5 merges them, while loading
_AUTOMERGE = 4  # FTS5's default, for the writes of every day
_INDEX_STEP = 20_000  # ids indexed and summed at a time while an import waits
_SORT_CACHE = -32_768  # KiB


def _index(conn: sqlite3.Connection, first: int, last: int, summed: bool) -> None:
    """The rows of ids `first`..`last` indexed for search and, unless `summed`
    already, summed into the report's summaries: what the insert triggers dropped
    would have done."""
    from gridlog.storage.migrations import summarize_entries, summarize_followups

    if not summed:
        conn.execute(summarize_entries(first, last))
        conn.execute(summarize_followups(first, last))
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
