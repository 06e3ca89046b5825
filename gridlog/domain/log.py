"""Reading the walking log: what is due, the entries of a period, and the whole story
of a case.

Every query here only reads; writing an entry or closing an item is
`domain.entries`'s business. The queries are shaped for the indexes (see
tests/test_query_plans.py): `gridlog due` and `gridlog log` run every day on logs of
years.
"""

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from gridlog.dates.clock import day_start_utc, from_utc_iso
from gridlog.domain import grids
from gridlog.domain.items import find_item, stored_clock
from gridlog.domain.signoffs import Tally, tally
from gridlog.errors import GridlogError

# The records here are NamedTuples, not frozen dataclasses: every command imports this
# module, and a frozen dataclass costs about 1 ms to create (it compiles its methods
# from source), a NamedTuple a fraction of that. Both are immutable and equal by value.


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
    grid_id: int = 0
    time: dt.time | None = None  # an appointment's time of day
    owner: str | None = None  # the person responsible, when someone was named


# On screen, `gridlog due` lists everything due today (or within --days) and every
# item overdue by up to this many days; only the older backlog is summed up per grid.
# --all lists it too.
RECENT_OVERDUE_DAYS = 7


def due_items(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    days: int = 0,
    grid_ids: Sequence[int] | None = None,
    owner: str | None = None,
    recent_only: bool = False,
) -> list[DueItem]:
    """Open items due by `today + days`, overdue ones included, by grid then date
    (only `owner`'s, when given); with `recent_only`, none overdue by more than
    RECENT_OVERDUE_DAYS. The range on the open-items index bounds the read by what
    is shown, not by the backlog."""
    until = today + dt.timedelta(days=days)
    where, grid_params = _open_grid_filter(grid_ids, owner)
    since = ""
    params: list[object] = [until.isoformat()]
    if recent_only:
        since = "AND f.due_on >= ? "
        params.append(backlog_before(today).isoformat())
    sql = (
        "SELECT f.id, f.type, f.text, f.due_on, f.due_time, f.every, f.grid_id,"
        " f.owner, g.name AS grid,"
        " e.place, e.resident,"
        " (SELECT count(*) FROM entries v WHERE v.case_id = f.id) AS visits,"
        " (SELECT count(*) FROM signoffs s WHERE s.followup_id = f.id) AS needed,"
        " (SELECT count(*) FROM signoffs s WHERE s.followup_id = f.id"
        "  AND s.status = 'signed') AS signed"
        " FROM followups f JOIN grids g ON g.id = f.grid_id"
        " JOIN entries e ON e.id = f.entry_id"
        f" WHERE f.closed_at IS NULL AND f.due_on <= ? {since}{where}"
        " ORDER BY g.id, f.due_on, f.due_time IS NULL, f.due_time, f.id"
    )
    rows = conn.execute(sql, [*params, *grid_params]).fetchall()
    return [_due_item(row, today) for row in rows]


def _due_item(row: sqlite3.Row, today: dt.date) -> DueItem:
    due = dt.date.fromisoformat(row["due_on"])
    return DueItem(
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
        grid_id=row["grid_id"],
        time=stored_clock(row["due_time"]),
        owner=row["owner"],
    )


def backlog_before(today: dt.date) -> dt.date:
    """The first day still shown: items due before it are the backlog."""
    return today - dt.timedelta(days=RECENT_OVERDUE_DAYS)


def most_urgent_first(items: list[DueItem], today: dt.date) -> list[DueItem]:
    """A grid's items as a worker acts on them: what falls due today, then what is
    overdue, most recent first (yesterday's phone call before last month's), then
    what comes later; grids keep their order."""
    grids_seen = {item.grid_id: n for n, item in reversed(list(enumerate(items)))}

    def urgency(item: DueItem) -> tuple:
        if item.due == today:  # appointments by their time, then the rest
            return (grids_seen[item.grid_id], 0, _clock_order(item), item.id)
        if item.due < today:
            return (grids_seen[item.grid_id], 1, item.overdue_days, item.id)
        later = (item.due.toordinal(), _clock_order(item))
        return (grids_seen[item.grid_id], 2, later, item.id)

    return sorted(items, key=urgency)


def _clock_order(item: DueItem) -> tuple[int, dt.time]:
    return (0, item.time) if item.time is not None else (1, dt.time(0))


class Backlog(NamedTuple):
    grid_id: int
    grid: str
    count: int
    earliest: dt.date


def due_backlog(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    grid_ids: Sequence[int] | None = None,
    owner: str | None = None,
) -> list[Backlog]:
    """Per grid, in order: how many open items (of `owner`'s, when given) are
    overdue by more than RECENT_OVERDUE_DAYS and the earliest due date; counted on
    the open-items index."""
    where, grid_params = _open_grid_filter(grid_ids, owner)
    rows = conn.execute(
        "SELECT f.grid_id, g.name, count(*), min(f.due_on) FROM followups f"
        " JOIN grids g ON g.id = f.grid_id"
        f" WHERE f.closed_at IS NULL AND f.due_on < ? {where}"
        " GROUP BY f.grid_id ORDER BY f.grid_id",
        [backlog_before(today).isoformat(), *grid_params],
    )
    return [
        Backlog(grid_id, name, count, dt.date.fromisoformat(earliest))
        for grid_id, name, count, earliest in rows
    ]


def _open_grid_filter(
    grid_ids: Sequence[int] | None, owner: str | None = None
) -> tuple[str, list[object]]:
    """`AND …` for the open items of these grids, and of this owner."""
    where, params = "", []
    if grid_ids:
        where = f"AND f.grid_id IN ({', '.join('?' for _ in grid_ids)})"
        params = list(grid_ids)
    if owner is not None:
        where += " AND f.owner = ?"
        params.append(owner)
    return where, params


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
    day_only: bool = False  # an old log gave its day, no time: `at` is its start
    owner: str | None = None  # who answers for its case (read by `log` only)


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
    where, params = log_where(zone, filters)
    limit = f"LIMIT {int(filters.limit)}" if filters.limit > 0 else ""
    rows = conn.execute(
        "SELECT e.*, g.name AS grid,"
        " (SELECT c.owner FROM followups c WHERE c.id = e.case_id) AS owner"
        " FROM entries e JOIN grids g ON g.id = e.grid_id"
        f" {where} ORDER BY e.at DESC, e.id DESC {limit}",
        params,
    ).fetchall()
    return [log_entry(row, zone, row["owner"]) for row in reversed(rows)]


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


_EXPORT_SELECT = (
    "SELECT e.id, e.at, g.name AS grid, e.place, e.resident, e.phone, e.category,"
    " e.kind, e.text,"
    " (SELECT due_on FROM followups f WHERE f.entry_id = e.id"
    "  AND f.type = 'followup' ORDER BY f.id LIMIT 1) AS follow_up,"
    " (SELECT due_on FROM followups f WHERE f.entry_id = e.id"
    "  AND f.type = 'reminder' ORDER BY f.id LIMIT 1) AS reminder,"
    " (SELECT CASE WHEN closed_day_unknown THEN 'unknown' ELSE closed_at END"
    "  FROM followups f"
    "  WHERE f.entry_id = e.id ORDER BY f.type, f.id LIMIT 1) AS closed_at,"
    " e.day_only,"
    " (SELECT group_concat(name, '、') FROM (SELECT p.name FROM photos p"
    "  WHERE p.entry_id = e.id ORDER BY p.id)) AS photos"
    " FROM entries e JOIN grids g ON g.id = e.grid_id"
)


def exported_entries(
    conn: sqlite3.Connection, zone: dt.tzinfo, filters: LogFilter
) -> Iterator[sqlite3.Row]:
    """The entries `filters` select, oldest first, each with its first follow-up's
    and reminder's due dates, when it was closed (`unknown` for a case closed on a
    day nobody wrote down) and the names of its photos (joined by 、): one row per
    line of a
    spreadsheet, streamed off the cursor."""
    where, params = log_where(zone, filters)
    rows = conn.execute(f"{_EXPORT_SELECT} {where} ORDER BY e.at, e.id", params)
    # Not `yield from`: that would close the cursor when the generator is dropped,
    # which after a failed export may be after the connection closed (an error).
    for row in rows:  # noqa: UP028
        yield row


def count_entries(conn: sqlite3.Connection, zone: dt.tzinfo, filters: LogFilter) -> int:
    """How many entries `filters` select."""
    where, params = log_where(zone, filters)
    return conn.execute(f"SELECT count(*) FROM entries e {where}", params).fetchone()[0]


def log_where(zone: dt.tzinfo, filters: LogFilter) -> tuple[str, list]:
    """`WHERE …` for the entries `filters` select (empty when they select all)."""
    clauses, params = log_clauses(zone, filters)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def log_entry(row: sqlite3.Row, zone: dt.tzinfo, owner: str | None = None) -> LogEntry:
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
        tags=_tags(row["tags"]),
        case_id=row["case_id"],
        day_only=bool(row["day_only"]),
        owner=owner,
    )


def _tags(stored: str) -> list[str]:
    """An entry's tags, stored as a JSON list. Most entries have none: `gridlog log`
    then does without the json module (~2 % of its start)."""
    if stored == "[]":
        return []
    import json

    return json.loads(stored)


class Visit(NamedTuple):
    number: int
    entry: LogEntry


class Event(NamedTuple):
    at: dt.datetime
    what: str  # "opened", "visit", "snoozed", "done"
    detail: str | None = None
    number: int | None = None
    entry_id: int | None = None
    # a snooze: the due date and time (None: some time that day) before and after
    moved: (
        tuple[tuple[dt.date, dt.time | None], tuple[dt.date, dt.time | None]] | None
    ) = None
    day_only: bool = False  # only the day of `at` is known
    unknown: bool = False  # not even the day: `at` only places it in the story


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
    due_time: dt.time | None = None
    # Closed on a day nobody wrote down (an old log's 已办结): `closed_at` is None.
    closed_day_unknown: bool = False
    opened_day_only: bool = False  # opened by an entry with a day and no time
    closed_time_unknown: bool = False  # closed on `closed_at`'s day, hour unknown
    owner: str | None = None  # the person responsible, when someone was named

    @property
    def resolution_minutes(self) -> int | None:
        """Minutes from opening to closing; None while open, or when either end is
        known only to its day (the days between are `resolution_days`)."""
        if self.closed_at is None or self.opened_day_only or self.closed_time_unknown:
            return None
        return int((self.closed_at - self.opened_at).total_seconds() // 60)

    @property
    def resolution_days(self) -> int | None:
        """Days from the opening day to the closing day, when one end has no hour."""
        if self.closed_at is None:
            return None
        return (self.closed_at.date() - self.opened_at.date()).days


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
        Event(
            v.entry.at,
            "visit",
            v.entry.text,
            v.number,
            v.entry.id,
            day_only=v.entry.day_only,
        )
        for v in visits
    ]
    events.extend(_snoozes(conn, zone, item["id"]))
    closed_at = item["closed_at"] and from_utc_iso(item["closed_at"], zone)
    unknown = bool(item["closed_day_unknown"])
    if closed_at:
        events.append(
            Event(
                closed_at,
                "done",
                item["close_note"],
                unknown=unknown,
                day_only=bool(item["closed_time_unknown"]),
            )
        )
    events.sort(key=lambda event: event.at)
    opener = next((v.entry for v in visits if v.entry.id == item["entry_id"]), None)
    return Story(
        id=item["id"],
        type=item["type"],
        text=item["text"],
        grid=grids.grid_name(conn, item["grid_id"]),
        place=visits[0].entry.place if visits else None,
        status="open" if item["closed_at"] is None else "done",
        due=dt.date.fromisoformat(item["due_on"]),
        opened_at=from_utc_iso(item["opened_at"], zone),
        closed_at=None if unknown else closed_at or None,
        close_note=item["close_note"],
        visits=visits,
        events=events,
        signoffs=_signoffs(conn, item["id"]),
        every=item["every"],
        due_time=stored_clock(item["due_time"]),
        closed_day_unknown=unknown,
        opened_day_only=opener is not None and opener.day_only,
        closed_time_unknown=bool(item["closed_time_unknown"]),
        owner=item["owner"],
    )


class EntryView(NamedTuple):
    """`show` on an entry: the entry, and the story of each case it belongs to or
    opened (none for an entry that opened nothing)."""

    entry: LogEntry
    cases: list[Story]
    photos: Sequence = ()  # of `domain.photos.Photo`, in the order they were added


def record_view(
    conn: sqlite3.Connection, zone: dt.tzinfo, record_id: int
) -> Story | EntryView:
    """What `show ID` shows: a follow-up's or reminder's story, or an entry with
    its cases."""
    if conn.execute("SELECT 1 FROM followups WHERE id = ?", (record_id,)).fetchone():
        return story(conn, zone, record_id)
    row = conn.execute(
        "SELECT e.*, g.name AS grid FROM entries e JOIN grids g ON g.id = e.grid_id"
        " WHERE e.id = ?",
        (record_id,),
    ).fetchone()
    if row is None:
        raise GridlogError("id.unknown", id=record_id)
    opened = conn.execute(
        "SELECT id FROM followups WHERE entry_id = ? ORDER BY id", (record_id,)
    ).fetchall()
    ids = dict.fromkeys(
        [i for i in (row["case_id"],) if i is not None] + [r["id"] for r in opened]
    )
    from gridlog.domain.photos import entry_photos

    return EntryView(
        log_entry(row, zone),
        [story(conn, zone, i) for i in ids],
        entry_photos(conn, record_id),
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
    if not rows:
        return []  # never changed since it was opened: no need for json
    import json  # here: only the story of a changed case reads the history's values

    events = []
    for row in rows:
        after = json.loads(row["after"])
        if "due_on" in after:
            before = json.loads(row["before"])
            detail = f"{before['due_on']} → {after['due_on']}"
            moved = (_due_moment(before), _due_moment(after))
            at = from_utc_iso(row["at"], zone)
            events.append(Event(at, "snoozed", detail, moved=moved))
    return events


def _due_moment(values: dict) -> tuple[dt.date, dt.time | None]:
    """A due date and time as a history row holds them (no time before m009)."""
    return dt.date.fromisoformat(values["due_on"]), stored_clock(values.get("due_time"))
