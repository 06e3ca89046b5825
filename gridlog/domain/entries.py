"""Writing the walking log: an entry after a visit, the follow-up or reminder it opens,
and closing or snoozing them.

What a worker typed is resolved here in the order a person would: the case the visit
belongs to, the resident it was about, the grid and building it happened in, its
category; then the entry is stored and its items opened. Reading the log back is
`domain.log`'s business; the pieces both need are in `domain.items`.
"""

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from gridlog.context import Context
from gridlog.dates.clock import from_utc_iso, to_utc_iso
from gridlog.domain import grids, settings
from gridlog.domain.items import (
    Opened,
    check_owner,
    clock_text,
    find_item,
    open_case_on,
    open_item,
    stored_clock,
)
from gridlog.domain.limits import Field, check_name, check_phone, check_text
from gridlog.errors import GridlogError
from gridlog.storage.history import Changes, writing

# The records here are NamedTuples, not frozen dataclasses: every command imports this
# module, and a frozen dataclass costs about 1 ms to create (it compiles its methods
# from source), a NamedTuple a fraction of that. Both are immutable and equal by value.
# Draft too (it was a dataclass: 2 ms of every `add`, with the `dataclasses` module).
# No `from __future__ import annotations`: typing would compile each field's string
# annotation when the records are made (about 1 ms of every `add`).


class Draft(NamedTuple):
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
    follow_up_time: dt.time | None = None  # an appointment: `明天 9:00`
    remind_time: dt.time | None = None
    remind_text: str | None = None
    case_id: int | None = None
    tags: Sequence[str] = ()
    every: str | None = None  # the follow-up or reminder comes back: `1w`, `1m` …
    register: bool = False  # an unknown `resident` joins the register
    photos: Sequence[Path] = ()  # files to keep a copy of with the entry
    owner: str | None = None  # who answers for the items it opens (`王主任`)


class Added(NamedTuple):
    id: int
    grid: str
    at: dt.datetime
    opened: list[Opened]
    case_id: int | None = None
    visit_number: int | None = None
    resident: str | None = None  # the name the entry keeps
    resident_id: int | None = None  # None: a name not in the register, kept as typed
    registered: bool = False  # this entry registered them (`register`)
    photos: int = 0
    owner: str | None = None  # who answers for the items it opened


def add_entry(conn: sqlite3.Connection, ctx: Context, draft: Draft) -> Added:
    """Store one walking-log entry and whatever follow-up or reminder it opens."""
    text = check_text(Field.TEXT, draft.text)
    place = _optional_name(Field.PLACE, draft.place)
    tags = [check_name(Field.TAG, tag) for tag in dict.fromkeys(draft.tags) if tag]
    if draft.owner is not None:
        draft = draft._replace(owner=check_owner(draft.owner))
    incoming = _read_photos(conn, draft.photos)
    with writing(conn, ctx) as changes:
        case = None
        if draft.case_id is not None:
            case, draft = _open_case(conn, changes, draft, draft.case_id)
        if case is not None and place is None:
            place = case["place"]
        resident_name = _optional_name(Field.RESIDENT, draft.resident)
        phone = _optional_name(Field.PHONE, draft.phone)
        if phone is not None:
            phone = check_phone(Field.PHONE, phone)
        known = _known_resident(conn, resident_name, place)
        if known is not None and place is None:
            place = known["place"]
        grid_id, building_id = _grid_and_building(
            conn, draft.grid, place, case, None if known is None else known["grid_id"]
        )
        resident_id = None
        if known is not None or (resident_name is not None and draft.register):
            from gridlog.domain import residents

            resident_id, resident_name = residents.link_entry(
                conn, changes, known, resident_name, place, grid_id, building_id, phone
            )
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
                "category": _category(draft, case),
                "kind": draft.kind,
                "text": text,
                "tags": json.dumps(tags, ensure_ascii=False),
                "worker": ctx.worker,
                "case_id": None if case is None else case["id"],
                "created_at": ctx.now_utc,
                "updated_at": ctx.now_utc,
            },
        )
        opened = _open_items(changes, draft, text, entry_id, grid_id, at)
        if draft.follow_up is not None and case is None:
            # A follow-up of no case starts one: the entry is its first visit.
            changes.update("entries", entry_id, {"case_id": opened[0].id})
        visit_number = None if case is None else _visit_count(conn, case["id"])
        photos = _attach(conn, changes, entry_id, incoming)
    return Added(
        id=entry_id,
        grid=grids.grid_name(conn, grid_id),
        at=draft.at,
        opened=opened,
        case_id=None if case is None else case["id"],
        visit_number=visit_number,
        resident=resident_name,
        resident_id=resident_id,
        registered=known is None and resident_id is not None,
        photos=photos,
        owner=draft.owner,
    )


def _read_photos(conn: sqlite3.Connection, paths: Sequence[Path]) -> list:
    """The photos to keep, read and checked before anything is written. The photo
    module is imported only when there are photos: most entries have none."""
    if not paths:
        return []
    from gridlog.domain import photos

    photos.refuse_if_encrypted(conn)
    return photos.read_photos(paths)


def _attach(conn: sqlite3.Connection, changes: Changes, entry_id: int, incoming) -> int:
    if not incoming:
        return 0
    from gridlog.domain import photos

    return photos.attach(conn, changes, entry_id, incoming)


def _optional_name(option: Field, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return check_name(option, value)


def _open_case(
    conn: sqlite3.Connection, changes: Changes, draft: Draft, case_id: int
) -> tuple[sqlite3.Row, Draft]:
    """The open case a `--case` names, with the place and category a visit inherits.
    An entry that opened nothing becomes a case here, due when the draft's
    `--follow-up` says (which it then uses up), else on the day of this visit."""
    entry = conn.execute(
        "SELECT * FROM entries e WHERE id = ? AND case_id IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.entry_id = e.id)",
        (case_id,),
    ).fetchone()
    if entry is not None:
        due = draft.follow_up or draft.at.date()
        item_id = open_case_on(changes, entry, due, draft.follow_up_time, draft.owner)
        draft = draft._replace(follow_up=None, follow_up_time=None)
        return _case(conn, item_id), draft
    item = find_item(conn, case_id)
    if item["closed_at"] is not None:
        raise GridlogError("case.closed", id=item["id"])
    return _case(conn, item["id"]), draft


def _case(conn: sqlite3.Connection, item_id: int) -> sqlite3.Row:
    return conn.execute(
        "SELECT f.id, f.grid_id, e.place, e.category FROM followups f "
        "JOIN entries e ON e.id = f.entry_id WHERE f.id = ?",
        (item_id,),
    ).fetchone()


def _known_resident(
    conn: sqlite3.Connection, name: str | None, place: str | None
) -> sqlite3.Row | None:
    """The registered resident an entry names, if any. The register is imported only
    when a resident is named: most entries name none, and start-up stays light."""
    if name is None:
        return None
    from gridlog.domain import residents

    return residents.match_resident(conn, name, place)


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


def _category(draft: Draft, case: sqlite3.Row | None) -> str:
    """A visit to a case is of the case's category unless the worker said otherwise."""
    if case is not None and draft.category == "other":
        return case["category"]
    return draft.category


def _open_items(
    changes: Changes, draft: Draft, text: str, entry_id: int, grid_id: int, at: str
) -> list[Opened]:
    """The follow-up (on the entry's text) and the reminder (on its own text, else
    the entry's) that the draft asks for, in that order."""
    opened = []
    for kind, due, time, item_text in (
        ("followup", draft.follow_up, draft.follow_up_time, text),
        ("reminder", draft.remind, draft.remind_time, draft.remind_text or text),
    ):
        if due is not None:
            item_text = check_text(Field.REMIND_TEXT, item_text)
            item_id = open_item(
                changes,
                kind,
                entry_id,
                grid_id,
                item_text,
                due,
                at,
                draft.every,
                due_time=time,
                owner=draft.owner,
            )
            opened.append(Opened(item_id, kind, due, time))
    return opened


def _visit_count(conn: sqlite3.Connection, item_id: int) -> int:
    row = conn.execute(
        "SELECT count(*) FROM entries WHERE case_id = ?", (item_id,)
    ).fetchone()
    return int(row[0])


class Closed(NamedTuple):
    id: int
    type: str
    minutes: int | None  # None: opened on a day whose hour nobody wrote (`days`)
    next: Opened | None = None  # the next time of an item that comes back
    days: int = 0  # from the opening day to the closing day


def close_item(
    conn: sqlite3.Connection,
    ctx: Context,
    record_id: int,
    *,
    note: str | None = None,
    at: dt.datetime | None = None,
    force: bool = False,
) -> Closed:
    """Mark a follow-up or reminder done at `at` (default now), with a note. A case
    whose sign-off list still lacks signatures stays open unless `force`: the
    maintenance fund cannot be used without them, and closing would hide that."""
    note = None if note is None else check_text(Field.NOTE, note)
    closed_at = at or ctx.now
    with writing(conn, ctx) as changes:
        item = find_item(conn, record_id)
        if item["closed_at"] is not None:
            raise GridlogError("item.already_done", id=item["id"])
        if not force:
            _check_signed(conn, item["id"])
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
            from gridlog.dates.recurrence import next_after

            # Counted from when it was done, so a late visit leaves no pile of
            # missed ones behind it.
            due = next_after(item["every"], closed_at.astimezone(ctx.zone).date())
            next_id = open_item(
                changes,
                item["type"],
                item["entry_id"],
                item["grid_id"],
                item["text"],
                due,
                to_utc_iso(closed_at),
                item["every"],
                item["id"],
                stored_clock(item["due_time"]),
                item["owner"],  # the next time is theirs too
            )
            following = Opened(
                next_id, item["type"], due, stored_clock(item["due_time"])
            )
    minutes = int((closed_at - opened).total_seconds() // 60)
    days = (closed_at.astimezone(ctx.zone).date() - opened.date()).days
    if _opened_day_only(conn, item["entry_id"]):
        minutes = None  # from a midnight nobody wrote: only the days are known
    return Closed(item["id"], item["type"], minutes, following, days)


def _opened_day_only(conn: sqlite3.Connection, entry_id: int) -> bool:
    row = conn.execute("SELECT day_only FROM entries WHERE id = ?", (entry_id,))
    return bool(row.fetchone()[0])


def _check_signed(conn: sqlite3.Connection, item_id: int) -> None:
    """Refuse to close a case some households on its sign-off list have not signed."""
    from gridlog.domain.signoffs import tally

    found = tally(conn, item_id)
    unsigned = [*found.pending, *found.refused]
    if unsigned:
        raise GridlogError(
            "done.unsigned",
            id=item_id,
            signed=len(found.signed),
            needed=found.needed,
            households="、".join(unsigned),
            exit_code=2,
        )


class Snoozed(NamedTuple):
    item: Opened  # with its new due date and time
    before: tuple[dt.date, dt.time | None]  # the due date and time it had


def snooze_item(
    conn: sqlite3.Connection,
    ctx: Context,
    record_id: int,
    due: dt.date,
    time: dt.time | None = None,
    *,
    force: bool = False,
) -> Snoozed:
    """Move an open item's due date (and time: none unless one is given). A date
    before today makes it overdue at once, so it is refused unless `force`."""
    with writing(conn, ctx) as changes:
        item = find_item(conn, record_id)
        if item["closed_at"] is not None:
            raise GridlogError("item.already_done", id=item["id"])
        if due < ctx.today and not force:
            raise GridlogError(
                "snooze.past", id=item["id"], due=due, today=ctx.today, exit_code=2
            )
        before = (dt.date.fromisoformat(item["due_on"]), stored_clock(item["due_time"]))
        changes.update(
            "followups",
            item["id"],
            {
                "due_on": due.isoformat(),
                "due_time": clock_text(time),
                "updated_at": ctx.now_utc,
            },
        )
    return Snoozed(Opened(item["id"], item["type"], due, time), before)
