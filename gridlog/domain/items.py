"""Follow-ups and reminders as a number names them, and the one way to open one.

Entries, the care rules' reminders and sign-off lists all open or look up items; the
pieces they share live here, in a module that imports none of them, so that the
writing, the reading, the register of residents, care rules and sign-offs can each
import it without importing one another in a circle.

Entries and follow-ups share one id sequence, so a number a worker reads off the screen
names exactly one thing; `done 41` works whether 41 is the follow-up or the entry that
opened it.
"""

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING, NamedTuple

from gridlog.domain.limits import Field, check_name
from gridlog.errors import GridlogError

if TYPE_CHECKING:  # the history only when an item is written: `due` only reads
    from gridlog.storage.history import Changes

# The text of the entry a resident registered alone gets for their reminders to hang
# on (`care_rules`); `coverage` tells it from a visit by it. Here, in the light module
# both use, so that `due` (which reads coverage through `grids`) pays for neither.
REGISTER_ENTRY = "登记居民 "

# The records here are NamedTuples, not frozen dataclasses: every command imports this
# module, and a frozen dataclass costs about 1 ms to create (it compiles its methods
# from source), a NamedTuple a fraction of that. Both are immutable and equal by value.


class Opened(NamedTuple):
    id: int
    type: str
    due: dt.date
    time: dt.time | None = None  # an appointment's time of day


def clock_text(time: dt.time | None) -> str | None:
    """A due time as stored: `09:00`, the wall clock of the due day."""
    return None if time is None else f"{time:%H:%M}"


def stored_clock(text: str | None) -> dt.time | None:
    return None if text is None else dt.time.fromisoformat(text)


def check_owner(owner: str) -> str:
    """The person responsible, as a name is: one line, not blank, not huge. Free
    text (王主任, a worker's name): the office's people are in no register."""
    return check_name(Field.OWNER, owner)


def open_item(
    changes: "Changes",
    kind: str,
    entry_id: int,
    grid_id: int,
    text: str,
    due: dt.date,
    opened_at: str,
    every: str | None = None,
    previous_id: int | None = None,
    due_time: dt.time | None = None,
    owner: str | None = None,
) -> int:
    """Open a follow-up or reminder (`kind`) of an entry, for `owner` (the person
    responsible, when someone was named); its id."""
    ctx = changes.ctx
    return changes.insert(
        "followups",
        {
            "type": kind,
            "entry_id": entry_id,
            "grid_id": grid_id,
            "text": text,
            "due_on": due.isoformat(),
            "due_time": clock_text(due_time),
            "opened_at": opened_at,
            "every": every,
            "previous_id": previous_id,
            "owner": owner,
            "created_at": ctx.now_utc,
            "updated_at": ctx.now_utc,
        },
    )


def open_case_on(
    changes: "Changes",
    entry: sqlite3.Row,
    due: dt.date,
    due_time: dt.time | None,
    owner: str | None = None,
) -> int:
    """Open a follow-up, later, on an entry that opened none: the entry becomes the
    case's first visit, as if `--follow-up` had been given when it was added."""
    if entry["case_id"] is not None:
        raise GridlogError("case.already", id=entry["id"], case=entry["case_id"])
    opened = changes.conn.execute(
        "SELECT id FROM followups WHERE entry_id = ? AND type = 'followup'",
        (entry["id"],),
    ).fetchone()
    if opened is not None:
        raise GridlogError("case.already", id=entry["id"], case=opened["id"])
    item_id = open_item(
        changes,
        "followup",
        entry["id"],
        entry["grid_id"],
        entry["text"],
        due,
        entry["at"],
        due_time=due_time,
        owner=owner,
    )
    changes.update("entries", entry["id"], {"case_id": item_id})
    return item_id


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
