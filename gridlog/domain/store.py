"""The walking log itself: entries, the follow-ups and reminders they open, and the
visits that bring a case to its end.

Entries and follow-ups share one id sequence, so a number a worker reads off the screen
names exactly one thing; `done 41` works whether 41 is the follow-up or the entry that
opened it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from gridlog.context import Context
from gridlog.dates.clock import day_start_utc, from_utc_iso, to_utc_iso
from gridlog.dates.phrases import next_after
from gridlog.domain import grids, settings
from gridlog.domain.limits import Field, check_name, check_text
from gridlog.domain.signoffs import Tally, tally
from gridlog.errors import GridlogError
from gridlog.storage.history import Changes, writing

# The records here are NamedTuples, not frozen dataclasses: every command imports this
# module, and a frozen dataclass costs about 1 ms to create (it compiles its methods
# from source), a NamedTuple a fraction of that. Both are immutable and equal by value.
# Draft stays a dataclass: hypothesis's builds() fills every field of a NamedTuple,
# defaults included, and the property tests build Drafts that leave `every` unset.


@dataclass(frozen=True)
class Draft:
    """What a worker types after a visit; names and words not yet resolved."""

    text: str
    at: dt.datetime
    grid: str | None = None
    place: str | None = None
    resident: str | None = None
    phone: str | None = None
    category: str = "other"
    kind: str = "visit"
    follow_up: dt.date | None = None
    remind: dt.date | None = None
    remind_text: str | None = None
    case_id: int | None = None
    tags: Sequence[str] = ()
    every: str | None = None  # the follow-up or reminder comes back: `1w`, `1m` …


class Opened(NamedTuple):
    id: int
    type: str
    due: dt.date


class Added(NamedTuple):
    id: int
    grid: str
    at: dt.datetime
    opened: list[Opened]
    case_id: int | None = None
    visit_number: int | None = None


def add_entry(conn: sqlite3.Connection, ctx: Context, draft: Draft) -> Added:
    """Store one walking-log entry and whatever follow-up or reminder it opens."""
    text = check_text(Field.TEXT, draft.text)
    place = _optional_name(Field.PLACE, draft.place)
    tags = [check_name(Field.TAG, tag) for tag in dict.fromkeys(draft.tags) if tag]
    with writing(conn, ctx) as changes:
        case = _open_case(conn, draft.case_id) if draft.case_id is not None else None
        if case is not None and place is None:
            place = case["place"]
        resident_name = _optional_name(Field.RESIDENT, draft.resident)
        phone = _optional_name(Field.PHONE, draft.phone)
        known = None
        if resident_name is not None:
            # The register only when a resident is named: most entries name none.
            from gridlog.domain import residents

            known = residents.match_resident(conn, resident_name, place)
            if known is not None and place is None:
                place = known["place"]
        grid_id, building_id = _grid_and_building(
            conn, draft.grid, place, case, None if known is None else known["grid_id"]
        )
        resident_id = None
        if resident_name is not None:
            resident_id, resident_name = residents.link_entry(
                conn, changes, known, resident_name, place, grid_id, building_id, phone
            )
        category = draft.category
        if case is not None and draft.category == "other":
            category = case["category"]
        at = to_utc_iso(draft.at)
        entry_id = changes.insert(
            "entries",
            {
                "at": at,
                "grid_id": grid_id,
                "place": place,
                "building_id": building_id,
                "resident": resident_name,
                "resident_id": resident_id,
                "phone": phone,
                "category": category,
                "kind": draft.kind,
                "text": text,
                "tags": json.dumps(tags, ensure_ascii=False),
                "worker": ctx.worker,
                "case_id": None if case is None else case["id"],
                "created_at": ctx.now_utc,
                "updated_at": ctx.now_utc,
            },
        )
        opened = []
        for kind, due, item_text in (
            ("followup", draft.follow_up, text),
            ("reminder", draft.remind, draft.remind_text or text),
        ):
            if due is not None:
                item_text = check_text(Field.REMIND_TEXT, item_text)
                item_id = _open_item(
                    changes, kind, entry_id, grid_id, item_text, due, at, draft.every
                )
                opened.append(Opened(item_id, kind, due))
        if draft.follow_up is not None and case is None:
            changes.update("entries", entry_id, {"case_id": opened[0].id})
        visit_number = None
        if case is not None:
            visit_number = _visit_count(conn, case["id"])
    return Added(
        id=entry_id,
        grid=grids.grid_name(conn, grid_id),
        at=draft.at,
        opened=opened,
        case_id=None if case is None else case["id"],
        visit_number=visit_number,
    )


def _optional_name(option: Field, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return check_name(option, value)


def _open_item(
    changes: Changes,
    kind: str,
    entry_id: int,
    grid_id: int,
    text: str,
    due: dt.date,
    opened_at: str,
    every: str | None = None,
    previous_id: int | None = None,
) -> int:
    ctx = changes.ctx
    return changes.insert(
        "followups",
        {
            "type": kind,
            "entry_id": entry_id,
            "grid_id": grid_id,
            "text": text,
            "due_on": due.isoformat(),
            "opened_at": opened_at,
            "every": every,
            "previous_id": previous_id,
            "created_at": ctx.now_utc,
            "updated_at": ctx.now_utc,
        },
    )


def _open_case(conn: sqlite3.Connection, case_id: int) -> sqlite3.Row:
    item = find_item(conn, case_id)
    if item["closed_at"] is not None:
        raise GridlogError("case.closed", id=item["id"])
    return conn.execute(
        "SELECT f.id, f.grid_id, e.place, e.category FROM followups f "
        "JOIN entries e ON e.id = f.entry_id WHERE f.id = ?",
        (item["id"],),
    ).fetchone()


def _grid_and_building(
    conn: sqlite3.Connection,
    grid: str | None,
    place: str | None,
    case: sqlite3.Row | None,
    resident_grid: int | None = None,
) -> tuple[int, int | None]:
    """`--grid`, else the place's building, else the case's grid, else the
    resident's, else the default."""
    building = grids.building_for_place(conn, place) if place else None
    building_id = None if building is None else building["id"]
    if grid:
        return grids.find_grid(conn, grid), building_id
    if building is not None:
        return building["grid_id"], building_id
    if case is not None:
        return case["grid_id"], building_id
    if resident_grid is not None:
        return resident_grid, building_id
    default = settings.get(conn, "grid")
    if default:
        return grids.find_grid(conn, default), building_id
    raise GridlogError("grid.missing")


def _visit_count(conn: sqlite3.Connection, item_id: int) -> int:
    row = conn.execute(
        "SELECT count(*) FROM entries WHERE case_id = ?", (item_id,)
    ).fetchone()
    return int(row[0])


def find_item(conn: sqlite3.Connection, record_id: int) -> sqlite3.Row:
    """The follow-up or reminder a number names: its own id, or its entry's."""
    row = conn.execute("SELECT * FROM followups WHERE id = ?", (record_id,)).fetchone()
    if row is not None:
        return row
    entry = conn.execute(
        "SELECT id, case_id FROM entries WHERE id = ?", (record_id,)
    ).fetchone()
    if entry is None:
        raise GridlogError("id.unknown", id=record_id)
    items = conn.execute(
        "SELECT * FROM followups WHERE entry_id = ?1 OR id = ?2 ORDER BY id",
        (record_id, entry["case_id"]),
    ).fetchall()
    if not items:
        raise GridlogError("id.no_followup", id=record_id)
    open_items = [item for item in items if item["closed_at"] is None]
    candidates = open_items or items
    if len(candidates) > 1:
        ids = ", ".join(str(item["id"]) for item in candidates)
        raise GridlogError("id.ambiguous", id=record_id, candidates=ids)
    return candidates[0]


class Closed(NamedTuple):
    id: int
    type: str
    minutes: int
    next: Opened | None = None  # the next time of an item that comes back


def close_item(
    conn: sqlite3.Connection,
    ctx: Context,
    record_id: int,
    *,
    note: str | None = None,
    at: dt.datetime | None = None,
) -> Closed:
    """Mark a follow-up or reminder done at `at` (default now), with a note."""
    note = None if note is None else check_text(Field.NOTE, note)
    closed_at = at or ctx.now
    with writing(conn, ctx) as changes:
        item = find_item(conn, record_id)
        if item["closed_at"] is not None:
            raise GridlogError("item.already_done", id=item["id"])
        opened = from_utc_iso(item["opened_at"], ctx.zone)
        if closed_at < opened:
            raise GridlogError("item.closed_before_opened", id=item["id"])
        changes.update(
            "followups",
            item["id"],
            {
                "closed_at": to_utc_iso(closed_at),
                "close_note": note,
                "updated_at": ctx.now_utc,
            },
        )
        following = None
        if item["every"]:
            # Counted from when it was done, so a late visit leaves no pile of
            # missed ones behind it.
            due = next_after(item["every"], closed_at.astimezone(ctx.zone).date())
            next_id = _open_item(
                changes,
                item["type"],
                item["entry_id"],
                item["grid_id"],
                item["text"],
                due,
                to_utc_iso(closed_at),
                item["every"],
                item["id"],
            )
            following = Opened(next_id, item["type"], due)
    minutes = int((closed_at - opened).total_seconds() // 60)
    return Closed(item["id"], item["type"], minutes, following)


def snooze_item(
    conn: sqlite3.Connection, ctx: Context, record_id: int, due: dt.date
) -> Opened:
    """Move an open item's due date."""
    with writing(conn, ctx) as changes:
        item = find_item(conn, record_id)
        if item["closed_at"] is not None:
            raise GridlogError("item.already_done", id=item["id"])
        changes.update(
            "followups",
            item["id"],
            {"due_on": due.isoformat(), "updated_at": ctx.now_utc},
        )
    return Opened(item["id"], item["type"], due)


class DueItem(NamedTuple):
    id: int
    type: str
    grid: str
    text: str
    due: dt.date
    overdue_days: int
    place: str | None
    resident: str | None
    visits: int
    signed: int = 0  # households that signed, of
    needed: int = 0  # those on the item's sign-off list (0: it has none)
    every: str | None = None


# On screen, `gridlog due` lists at most this many overdue items per grid, the oldest
# first; what falls due today (or within --days) is always listed. --all lifts it.
OVERDUE_PER_GRID = 10


def due_items(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    days: int = 0,
    grid_ids: Sequence[int] | None = None,
    overdue_per_grid: int | None = None,
) -> list[DueItem]:
    """Open items due by `today + days`, overdue ones included, by grid then date;
    with `overdue_per_grid`, only that many of each grid's overdue items, the oldest."""
    until = today + dt.timedelta(days=days)
    where, grid_params = _open_grid_filter(grid_ids)
    columns = (
        "SELECT f.id, f.type, f.text, f.due_on, f.every, g.name AS grid, e.place,"
        " e.resident, (SELECT count(*) FROM entries v WHERE v.case_id = f.id)"
        " AS visits,"
        " (SELECT count(*) FROM signoffs s WHERE s.followup_id = f.id) AS needed,"
        " (SELECT count(*) FROM signoffs s WHERE s.followup_id = f.id"
        "  AND s.status = 'signed') AS signed"
    )
    joins = " JOIN grids g ON g.id = f.grid_id JOIN entries e ON e.id = f.entry_id"
    if overdue_per_grid is None:
        sql = (
            f"{columns} FROM followups f{joins}"
            f" WHERE f.closed_at IS NULL AND f.due_on <= ? {where}"
            " ORDER BY g.id, f.due_on, f.id"
        )
        params: list[object] = [until.isoformat(), *grid_params]
    else:
        # Number each grid's items oldest first on the open-items index alone, then
        # read (and join) only the rows that will be shown.
        sql = (
            "WITH ranked AS (SELECT f.id, f.due_on, row_number() OVER"
            " (PARTITION BY f.grid_id ORDER BY f.due_on, f.id) AS n FROM followups f"
            f" WHERE f.closed_at IS NULL AND f.due_on <= ? {where})"
            f" {columns} FROM ranked r JOIN followups f ON f.id = r.id{joins}"
            " WHERE r.n <= ? OR r.due_on >= ? ORDER BY g.id, f.due_on, f.id"
        )
        params = [
            until.isoformat(),
            *grid_params,
            overdue_per_grid,
            today.isoformat(),
        ]
    rows = conn.execute(sql, params).fetchall()
    items = []
    for row in rows:
        due = dt.date.fromisoformat(row["due_on"])
        items.append(
            DueItem(
                id=row["id"],
                type=row["type"],
                grid=row["grid"],
                text=row["text"],
                due=due,
                overdue_days=max(0, (today - due).days),
                place=row["place"],
                resident=row["resident"],
                visits=row["visits"],
                signed=row["signed"],
                needed=row["needed"],
                every=row["every"],
            )
        )
    return items


def due_counts(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    days: int = 0,
    grid_ids: Sequence[int] | None = None,
) -> dict[str, tuple[int, int]]:
    """Per grid, in order: how many open items are due by `today + days`, and how
    many of them are overdue; counted on the open-items index, nothing else read."""
    until = today + dt.timedelta(days=days)
    where, grid_params = _open_grid_filter(grid_ids)
    rows = conn.execute(
        "SELECT g.name, count(*), sum(f.due_on < ?) FROM followups f"
        " JOIN grids g ON g.id = f.grid_id"
        f" WHERE f.closed_at IS NULL AND f.due_on <= ? {where}"
        " GROUP BY g.id ORDER BY g.id",
        [today.isoformat(), until.isoformat(), *grid_params],
    )
    return {name: (count, overdue) for name, count, overdue in rows}


def _open_grid_filter(grid_ids: Sequence[int] | None) -> tuple[str, list[object]]:
    if not grid_ids:
        return "", []
    return f"AND f.grid_id IN ({', '.join('?' for _ in grid_ids)})", list(grid_ids)


class LogEntry(NamedTuple):
    id: int
    at: dt.datetime
    grid: str
    place: str | None
    resident: str | None
    phone: str | None
    category: str
    kind: str
    text: str
    tags: list[str]
    case_id: int | None


class LogFilter(NamedTuple):
    grid_ids: Sequence[int] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    category: str | None = None
    kind: str | None = None
    resident: str | None = None
    limit: int = 50


def log_entries(
    conn: sqlite3.Connection, zone: dt.tzinfo, filters: LogFilter
) -> list[LogEntry]:
    """The newest entries matching `filters`, returned oldest first, as a log reads."""
    clauses, params = log_clauses(zone, filters)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    limit = f"LIMIT {int(filters.limit)}" if filters.limit > 0 else ""
    rows = conn.execute(
        "SELECT e.*, g.name AS grid FROM entries e JOIN grids g ON g.id = e.grid_id"
        f" {where} ORDER BY e.at DESC, e.id DESC {limit}",
        params,
    ).fetchall()
    return [log_entry(row, zone) for row in reversed(rows)]


def log_clauses(zone: dt.tzinfo, filters: LogFilter) -> tuple[list[str], list]:
    clauses: list[str] = []
    params: list[object] = []
    if filters.grid_ids:
        clauses.append(f"e.grid_id IN ({', '.join('?' for _ in filters.grid_ids)})")
        params.extend(filters.grid_ids)
    if filters.since is not None:
        clauses.append("e.at >= ?")
        params.append(day_start_utc(filters.since, zone))
    if filters.until is not None:
        clauses.append("e.at < ?")
        params.append(day_start_utc(filters.until + dt.timedelta(days=1), zone))
    for column in ("category", "kind"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"e.{column} = ?")
            params.append(value)
    if filters.resident:
        clauses.append("instr(e.resident, ?) > 0")
        params.append(filters.resident)
    return clauses, params


def log_entry(row: sqlite3.Row, zone: dt.tzinfo) -> LogEntry:
    return LogEntry(
        id=row["id"],
        at=from_utc_iso(row["at"], zone),
        grid=row["grid"],
        place=row["place"],
        resident=row["resident"],
        phone=row["phone"],
        category=row["category"],
        kind=row["kind"],
        text=row["text"],
        tags=json.loads(row["tags"]),
        case_id=row["case_id"],
    )


class Visit(NamedTuple):
    number: int
    entry: LogEntry


class Event(NamedTuple):
    at: dt.datetime
    what: str  # "opened", "visit", "snoozed", "done"
    detail: str | None = None
    number: int | None = None
    entry_id: int | None = None


class Story(NamedTuple):
    id: int
    type: str
    text: str
    grid: str
    place: str | None
    status: str
    due: dt.date
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    close_note: str | None
    visits: list[Visit]
    events: list[Event]
    signoffs: Tally | None = None
    every: str | None = None

    @property
    def resolution_minutes(self) -> int | None:
        if self.closed_at is None:
            return None
        return int((self.closed_at - self.opened_at).total_seconds() // 60)


def story(conn: sqlite3.Connection, zone: dt.tzinfo, record_id: int) -> Story:
    """The whole story of a follow-up: every visit in order, snoozes, its closing."""
    item = find_item(conn, record_id)
    rows = conn.execute(
        "SELECT e.*, g.name AS grid FROM entries e JOIN grids g ON g.id = e.grid_id"
        " WHERE e.case_id = ?1 OR e.id = ?2 ORDER BY e.at, e.id",
        (item["id"], item["entry_id"]),
    ).fetchall()
    visits = [Visit(n, log_entry(row, zone)) for n, row in enumerate(rows, start=1)]
    events = [
        Event(v.entry.at, "visit", v.entry.text, v.number, v.entry.id) for v in visits
    ]
    events.extend(_snoozes(conn, zone, item["id"]))
    closed_at = item["closed_at"] and from_utc_iso(item["closed_at"], zone)
    if closed_at:
        events.append(Event(closed_at, "done", item["close_note"]))
    events.sort(key=lambda event: event.at)
    return Story(
        id=item["id"],
        type=item["type"],
        text=item["text"],
        grid=grids.grid_name(conn, item["grid_id"]),
        place=visits[0].entry.place if visits else None,
        status="open" if item["closed_at"] is None else "done",
        due=dt.date.fromisoformat(item["due_on"]),
        opened_at=from_utc_iso(item["opened_at"], zone),
        closed_at=closed_at or None,
        close_note=item["close_note"],
        visits=visits,
        events=events,
        signoffs=_signoffs(conn, item["id"]),
        every=item["every"],
    )


def _signoffs(conn: sqlite3.Connection, item_id: int) -> Tally | None:
    found = tally(conn, item_id)
    return found if found.needed else None


def _snoozes(conn: sqlite3.Connection, zone: dt.tzinfo, item_id: int) -> list[Event]:
    rows = conn.execute(
        "SELECT at, before, after FROM history WHERE table_name = 'followups'"
        " AND record_id = ? AND action = 'update' ORDER BY id",
        (item_id,),
    ).fetchall()
    events = []
    for row in rows:
        after = json.loads(row["after"])
        if "due_on" in after:
            before = json.loads(row["before"])["due_on"]
            detail = f"{before} → {after['due_on']}"
            events.append(Event(from_utc_iso(row["at"], zone), "snoozed", detail))
    return events
