"""Changing what is already stored: edit, delete, undo, and reading a record's history.

Every change goes through `history.writing`, so each is undoable and visible in
`gridlog history ID`; `undo` writes the reversal as a command of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridlog.context import Context
from gridlog.dates.clock import from_utc_iso, to_utc_iso
from gridlog.domain import grids
from gridlog.domain.items import check_owner, clock_text, open_case_on, stored_clock
from gridlog.domain.limits import Field, check_name, check_phone, check_text
from gridlog.errors import GridlogError
from gridlog.storage.db import db_errors
from gridlog.storage.history import Changes, writing
from gridlog.storage.migrations import HUB_KINDS

# --- history ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    actor: str | None
    command: str
    action: str  # insert, update, delete
    table: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undone: bool
    record_id: int = 0
    # "entry", "followup" or "reminder" for the log's records, else the table's name
    kind: str = ""
    # the names of the grids its values point at (`grid_id`), for people to read
    grid_names: dict[int, str] = field(default_factory=dict)


def _change(
    conn: sqlite3.Connection, zone: dt.tzinfo, row: sqlite3.Row, undone: bool
) -> Change:
    """A history row as people read it: its record's kind and grids named."""
    before = row["before"] and json.loads(row["before"])
    after = row["after"] and json.loads(row["after"])
    return Change(
        at=from_utc_iso(row["at"], zone),
        actor=row["actor"],
        command=row["command"] or "",
        action=row["action"],
        table=row["table_name"],
        before=before,
        after=after,
        undone=undone,
        record_id=row["record_id"],
        kind=_kind(conn, row["table_name"], row["record_id"], before, after),
        grid_names=_grid_names(conn, before, after),
    )


def _kind(conn: sqlite3.Connection, table: str, record_id: int, before, after) -> str:
    if table == "entries":
        return "entry"
    if table != "followups":
        return table
    for values in (after, before):
        if values and values.get("type"):
            return values["type"]
    row = conn.execute("SELECT type FROM followups WHERE id = ?", (record_id,))
    found = row.fetchone()
    return found[0] if found else "followup"


def _grid_names(conn: sqlite3.Connection, *values) -> dict[int, str]:
    ids = {v["grid_id"] for v in values if v and v.get("grid_id") is not None}
    return {
        grid_id: name
        for grid_id, name in conn.execute(
            f"SELECT id, name FROM grids WHERE id IN ({', '.join('?' for _ in ids)})",
            sorted(ids),
        )
    }


def record_history(
    conn: sqlite3.Connection, zone: dt.tzinfo, record_id: int
) -> list[Change]:
    """Every change to entry or follow-up `record_id`, oldest first, with the
    photos added to or removed from an entry."""
    undone = "EXISTS (SELECT 1 FROM history u WHERE u.undoes = h.op) AS undone"
    rows = conn.execute(
        f"SELECT h.*, {undone} FROM history h"
        " WHERE h.table_name IN ('entries', 'followups') AND h.record_id = ?1"
        f" UNION ALL SELECT h.*, {undone} FROM history h"
        " WHERE h.table_name = 'photos'"
        " AND json_extract(coalesce(h.after, h.before), '$.entry_id') = ?1"
        " ORDER BY id",
        (record_id,),
    ).fetchall()
    if not rows:
        raise GridlogError("id.unknown", id=record_id)
    return [_change(conn, zone, row, bool(row["undone"])) for row in rows]


# --- undo -------------------------------------------------------------------------


@dataclass(frozen=True)
class Undone:
    op: int
    command: str
    changes: int
    taken_back: list[Change] = field(default_factory=list)  # the changes reversed


def undo_last(conn: sqlite3.Connection, ctx: Context) -> Undone:
    """Reverse the most recent command not yet undone (undo again to go further)."""
    try:
        with writing(conn, ctx) as changes:
            target = conn.execute(
                "SELECT max(op) FROM history WHERE undoes IS NULL"
                " AND op NOT IN (SELECT undoes FROM history WHERE undoes IS NOT NULL)"
            ).fetchone()[0]
            if target is None:
                raise GridlogError("undo.nothing")
            changes.undoes = target
            rows = conn.execute(
                "SELECT * FROM history WHERE op = ? ORDER BY id DESC", (target,)
            ).fetchall()
            _refuse_if_shared(conn, target, rows[0]["command"] or "")
            # Undoing an edit is an edit (a newer revision, so that no merge brings
            # the undone version back); undoing a merge puts the revisions back.
            changes.editing = rows[0]["command"] != "merge"
            # Read before reversing: a record deleted by the undo still has a kind.
            taken_back = [_change(conn, ctx.zone, row, True) for row in reversed(rows)]
            for row in rows:
                _reverse(conn, changes, row)
    except db_errors("IntegrityError"):
        raise GridlogError("undo.blocked", command=rows[0]["command"]) from None
    if any(row["table_name"] == "photos" for row in rows):
        from gridlog.domain.photos import sweep

        sweep(conn)  # a photo the undo took away for good goes with its file
    return Undone(target, rows[0]["command"] or "", len(rows), taken_back)


def _refuse_if_shared(conn: sqlite3.Connection, op: int, command: str) -> None:
    """Undo stops where other devices' work came in, once the hub has it: at a
    `sync`, and at a `merge` any of whose records has gone to or come from the hub.
    Undone here, its new records would be deleted and its edits put back; the next
    sync would carry that to the hub and every other device, where nobody asked
    for it. Cautious for a merge: a record pulled before it counts too, as which
    version travelled is not known here (a worker can still `edit` it back). A
    command of one's own since the last sync is undone as before: it takes back
    only this device's own change, as `delete` or `edit` would."""
    if command == "sync" or (command == "merge" and _reached_the_hub(conn, op)):
        raise GridlogError("undo.synced", command=command)


def _reached_the_hub(conn: sqlite3.Connection, op: int) -> bool:
    """Whether any record command `op` wrote has been sent to or taken from the hub
    (`hub_sent`), whatever version: a log that never synced has none."""
    if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM hub_sent)").fetchone()[0]:
        return False
    for kind, table in HUB_KINDS:
        if kind == "tombstone":
            continue  # a merge that forgot someone is never undone (`_reverse`)
        found = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM history h"
            f" JOIN {table} t ON t.rowid = h.record_id"
            " JOIN hub_sent s ON s.kind = ? AND s.uuid = t.uuid"
            " WHERE h.op = ? AND h.table_name = ?)",
            (kind, op, table),
        ).fetchone()[0]
        if found:
            return True
    return False


def _reverse(conn: sqlite3.Connection, changes: Changes, row: sqlite3.Row) -> None:
    table, action = row["table_name"], row["action"]
    before = row["before"] and json.loads(row["before"])
    after = row["after"] and json.loads(row["after"])
    if action == "delete" and before and before.get("forgotten"):
        raise GridlogError("undo.forgotten")
    if table == "settings":
        (key,) = after
        changes.put_setting(key, (before or {}).get(key))
    elif action == "insert" and after and "ids" in after and "count" in after:
        _reverse_batch(conn, changes, *after["ids"])
    elif action == "insert":
        changes.delete(table, row["record_id"])
    elif action == "update":
        changes.update(table, row["record_id"], before)
    else:
        changes.restore(table, before)


def _reverse_batch(conn: sqlite3.Connection, changes: Changes, first: int, last: int):
    """A bulk load is undone as it was done: one range, one history row."""
    conn.execute("PRAGMA defer_foreign_keys = ON")
    items = conn.execute(
        "DELETE FROM followups WHERE entry_id BETWEEN ? AND ?", (first, last)
    ).rowcount
    count = conn.execute(
        "DELETE FROM entries WHERE id BETWEEN ? AND ?", (first, last)
    ).rowcount
    changes.remember_batch(
        "entries", first, {"deleted": [first, last], "count": count, "items": items}
    )


# --- edit and delete ----------------------------------------------------------------


@dataclass(frozen=True)
class EntryEdit:
    """New values for an entry; None leaves a field as it is."""

    text: str | None = None
    place: str | None = None
    resident: str | None = None
    phone: str | None = None
    category: str | None = None
    kind: str | None = None
    at: dt.datetime | None = None
    at_keeps_day: bool = False  # only a time was given: the entry keeps its day
    grid: str | None = None
    due: dt.date | None = None
    due_keeps_day: bool = False  # only a time was given: the item keeps its day
    follow_up: dt.date | None = None  # open a follow-up, later, on an entry
    follow_up_time: dt.time | None = None
    due_time: dt.time | None = None  # with `due`: an appointment's time
    every: str | None = None  # `1w` …; "" stops an item coming back
    photos: tuple[Path, ...] = ()  # files to keep with the entry, besides its own
    owner: str | None = None  # a follow-up's person responsible: reassigns it


# A day and a time of day (None: some time that day), as a moved record shows them.
Moment = tuple[dt.date, dt.time | None]


@dataclass(frozen=True)
class Edited:
    """What `edit` changed: the kind of record ("entry", "followup" or "reminder"),
    and its day and time before and after when they changed."""

    kind: str
    moved: tuple[Moment, Moment] | None = None
    opened: int | None = None  # the follow-up opened on the entry, if one was
    opened_due: Moment | None = None
    changed: bool = True  # False when edit only opened a follow-up
    photos: int = 0  # photos added to the entry
    owner: str | None = None  # the person responsible it was given, if any


def edit_record(
    conn: sqlite3.Connection, ctx: Context, record_id: int, edit: EntryEdit
) -> Edited:
    """Change an entry's fields, or a follow-up's text and due date."""
    incoming = _read_photos(conn, edit.photos)
    with writing(conn, ctx) as changes:
        item = conn.execute(
            "SELECT * FROM followups WHERE id = ?", (record_id,)
        ).fetchone()
        if item is not None:
            moved = _edit_item(changes, item, edit)
            return Edited(item["type"], moved, owner=_owner(edit))
        entry = conn.execute(
            "SELECT * FROM entries WHERE id = ?", (record_id,)
        ).fetchone()
        if entry is None:
            raise GridlogError("id.unknown", id=record_id)
        if edit.due is not None or edit.every is not None:
            raise GridlogError("edit.due_on_entry", id=record_id, exit_code=2)
        if edit.owner is not None and edit.follow_up is None:
            # An entry has no owner; the case it opened, or opens now, has.
            raise GridlogError("edit.owner_on_entry", id=record_id, exit_code=2)
        owner = None if edit.owner is None else check_owner(edit.owner)
        before = from_utc_iso(entry["at"], ctx.zone)
        values = _entry_values(conn, edit, before)
        if "at" in values and entry["day_only"]:
            values["day_only"] = 0  # a time given now is a time known
        if "resident" in values:
            values |= _relinked(conn, values["resident"], values.get("place"))
        if not values and edit.follow_up is None and not incoming:
            raise GridlogError("edit.nothing", exit_code=2)
        if values:
            changes.update("entries", record_id, {**values, "updated_at": ctx.now_utc})
        opened = None
        if edit.follow_up is not None:
            entry = conn.execute(
                "SELECT * FROM entries WHERE id = ?", (record_id,)
            ).fetchone()
            opened = open_case_on(
                changes, entry, edit.follow_up, edit.follow_up_time, owner
            )
        photos = 0
        if incoming:
            from gridlog.domain.photos import attach

            photos = attach(conn, changes, record_id, incoming)
    moved = None
    if "at" in values:
        after = from_utc_iso(values["at"], ctx.zone)
        moved = ((before.date(), before.time()), (after.date(), after.time()))
    due = None if opened is None else (edit.follow_up, edit.follow_up_time)
    return Edited("entry", moved, opened, due, bool(values), photos, owner)


def _owner(edit: EntryEdit) -> str | None:
    return None if edit.owner is None else edit.owner.strip()


def _relinked(
    conn: sqlite3.Connection, name: str | None, place: str | None
) -> dict[str, Any]:
    """A new `--resident` links the entry to whom it names now, as `add` would: the
    registered resident of that name (at `--place`, when the edit gives one), or
    nobody for a name not in the register. The old link never stays on someone
    else's name. (The entry's place stays as it is: it may have been typed.)"""
    if name is None:
        return {"resident_id": None}
    from gridlog.domain.residents import match_resident

    known = match_resident(conn, name, place)
    if known is None:
        return {"resident_id": None}
    return {"resident_id": known["id"], "resident": known["name"]}


def _read_photos(conn: sqlite3.Connection, paths: tuple[Path, ...]) -> list:
    if not paths:
        return []
    from gridlog.domain import photos

    photos.refuse_if_encrypted(conn)
    return photos.read_photos(paths)


def _edit_item(
    changes: Changes, item: sqlite3.Row, edit: EntryEdit
) -> tuple[Moment, Moment] | None:
    """Change a follow-up's text, due date or how often; its due before and after
    when that changed."""
    values: dict[str, Any] = {}
    moved = None
    if edit.text is not None:
        values["text"] = check_text(Field.NEW_TEXT, edit.text)
    if edit.due is not None:
        was = (dt.date.fromisoformat(item["due_on"]), stored_clock(item["due_time"]))
        day = was[0] if edit.due_keeps_day else edit.due
        values["due_on"] = day.isoformat()
        values["due_time"] = clock_text(edit.due_time)
        moved = (was, (day, edit.due_time))
    if edit.every is not None:
        values["every"] = edit.every or None
    if edit.owner is not None:
        values["owner"] = check_owner(edit.owner)
    others = (
        edit.place,
        edit.resident,
        edit.phone,
        edit.category,
        edit.kind,
        edit.at,
        edit.grid,
        edit.follow_up,
        edit.photos or None,
    )
    if any(value is not None for value in others):
        raise GridlogError(
            "edit.entry_field_on_item",
            id=item["id"],
            entry=item["entry_id"],
            exit_code=2,
        )
    if not values:
        raise GridlogError("edit.nothing", exit_code=2)
    changes.update(
        "followups", item["id"], {**values, "updated_at": changes.ctx.now_utc}
    )
    return moved


def _entry_values(
    conn: sqlite3.Connection, edit: EntryEdit, was: dt.datetime
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if edit.text is not None:
        values["text"] = check_text(Field.NEW_TEXT, edit.text)
    for name in ("place", "resident", "phone"):
        value = getattr(edit, name)
        if value is not None:
            values[name] = check_name(f"--{name}", value) if value.strip() else None
    if values.get("phone") is not None:
        values["phone"] = check_phone(Field.PHONE, values["phone"])  # as add does
    if edit.category is not None:
        values["category"] = edit.category
    if edit.kind is not None:
        values["kind"] = edit.kind
    if edit.at is not None:
        at = edit.at
        if edit.at_keeps_day:
            at = dt.datetime.combine(was.date(), edit.at.time(), tzinfo=was.tzinfo)
        values["at"] = to_utc_iso(at)
    if edit.grid is not None:
        values["grid_id"] = grids.find_grid(conn, edit.grid)
    if "place" in values:
        building = (
            grids.building_for_place(conn, values["place"]) if values["place"] else None
        )
        values["building_id"] = None if building is None else building["id"]
    return values


def delete_entry(conn: sqlite3.Connection, ctx: Context, record_id: int) -> int:
    """Delete an entry and the follow-ups it opened (if no later visit is on them);
    returns how many records went. `undo` brings them back."""
    with writing(conn, ctx) as changes:
        entry = conn.execute(
            "SELECT * FROM entries WHERE id = ?", (record_id,)
        ).fetchone()
        if entry is None:
            item = conn.execute(
                "SELECT 1 FROM followups WHERE id = ?", (record_id,)
            ).fetchone()
            key = "delete.not_entry" if item else "id.unknown"
            raise GridlogError(key, id=record_id)
        items = _later_first(
            conn.execute(
                "SELECT id, previous_id FROM followups WHERE entry_id = ?",
                (record_id,),
            ).fetchall()
        )
        for item in items:
            visits = conn.execute(
                "SELECT count(*) FROM entries WHERE case_id = ? AND id != ?",
                (item["id"], record_id),
            ).fetchone()[0]
            if visits:
                raise GridlogError(
                    "delete.has_visits",
                    plural_of=visits,
                    id=record_id,
                    case=item["id"],
                    visits=visits,
                )
        if entry["case_id"] is not None and any(
            i["id"] == entry["case_id"] for i in items
        ):
            changes.update("entries", record_id, {"case_id": None})
        for item in items:
            for signoff in conn.execute(
                "SELECT id FROM signoffs WHERE followup_id = ?", (item["id"],)
            ).fetchall():
                changes.delete("signoffs", signoff["id"])
            changes.delete("followups", item["id"])
        _remove_photos(conn, changes, record_id)
        changes.delete("entries", record_id)
    return 1 + len(items)


def _remove_photos(conn: sqlite3.Connection, changes: Changes, entry_id: int) -> None:
    """Its photo rows go with the entry; the files stay while `undo` may want them."""
    if conn.execute("SELECT 1 FROM photos WHERE entry_id = ?", (entry_id,)).fetchone():
        from gridlog.domain.photos import remove_with_entry

        remove_with_entry(changes, entry_id)


def _later_first(items: list[sqlite3.Row]) -> list[sqlite3.Row]:
    """A recurring item's next occurrence points at the one before it
    (`previous_id`), so it must go first; undo then restores them in the
    opposite order, the earlier one first."""
    ordered: list[sqlite3.Row] = []
    left = list(items)
    while left:
        pointed_at = {item["previous_id"] for item in left}
        free = [item for item in left if item["id"] not in pointed_at]
        ordered.extend(free or left)  # a loop cannot happen; never spin on one
        left = [item for item in left if item not in ordered] if free else []
    return ordered
