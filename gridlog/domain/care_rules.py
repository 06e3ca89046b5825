"""Care rules: reminders the register produces by itself. "On reaching 80, phone
about the elderly subsidy (高龄补贴)" becomes, for every registered resident with a
birth date, one reminder due on the day they turn 80, without anyone typing it.

A rule fires once per person: `care_rule_fired` remembers each (rule, resident) pair
that has produced its reminder, and the pair never fires again, whatever later happens
to the reminder (done, deleted, edited) or to the rule. Reminders are made when it is
cheap and certain: when a resident is registered or their birth date is changed, and
when a rule is added or edited; `due` only reads `followups`, as for any reminder.
A rule added or edited files only the birthdays from today on: the residents already
past its age are named to the worker once, and filed (due today) only when asked
(`backfill`), so that a new rule does not flood the morning with old birthdays.

A reminder hangs off the resident's earliest linked entry; someone registered with
`resident add` alone first gets a register entry (登记居民 NAME) to hang it on.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from gridlog.domain.items import REGISTER_ENTRY, open_item
from gridlog.domain.limits import Field, check_text
from gridlog.errors import GridlogError
from gridlog.storage.history import Changes
from gridlog.words import vocab

MAX_AGE = 130


@dataclass(frozen=True)
class Rule:
    id: int
    age: int
    text: str
    category: str
    active: bool
    reminders: int  # reminders this rule has produced
    open: int  # of them still open


@dataclass(frozen=True)
class Passed:
    """A resident already past a new rule's age, not filed unless asked."""

    resident_id: int
    name: str
    place: str | None
    age: int  # today


@dataclass(frozen=True)
class Fired:
    opened: int  # reminders opened
    passed: list[Passed]  # residents past the age, left unfiled


@dataclass(frozen=True)
class CareDue:
    """A care reminder not yet due, for `resident show`."""

    id: int
    rule_id: int
    due: dt.date
    text: str


def reaches(born: dt.date, year_only: bool, age: int) -> dt.date:
    """The day someone born on `born` turns `age`: with only the year known, 1
    January of that year; born on 29 February, 28 February in common years."""
    year = born.year + age
    if year_only:
        return dt.date(year, 1, 1)
    try:
        return born.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def reminder_text(rule_text: str, name: str) -> str:
    """The rule's text with the resident's name: in place of `{name}` (or `{姓名}`)
    when the text has one, else in front."""
    for mark in ("{name}", "{姓名}"):
        if mark in rule_text:
            return rule_text.replace(mark, name)
    return f"{name} {rule_text}"


def check_age(age: int) -> int:
    if not 0 < age <= MAX_AGE:
        raise GridlogError("rule.bad_age", age=age, max=MAX_AGE, exit_code=2)
    return age


# --- producing reminders ------------------------------------------------------------


def fire(
    changes: Changes,
    *,
    resident_ids: Sequence[int] | None = None,
    rule_ids: Sequence[int] | None = None,
    backfill: bool = True,
) -> Fired:
    """Open the reminders of every active rule for every resident with a birth date
    (of those given) that has not fired yet. A threshold already passed fires too,
    due today (for someone just registered, the subsidy may never have been claimed,
    and a reminder tells the worker to check), unless not `backfill`: then it is
    left unfired, to fire on a later backfill, and returned in `passed`."""
    conn, ctx = changes.conn, changes.ctx
    clauses = ["r.born_on IS NOT NULL", "c.active = 1"]
    params: list[object] = []
    for column, ids in (("r.id", resident_ids), ("c.id", rule_ids)):
        if ids is not None:
            clauses.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append(_json(ids))
    rows = conn.execute(
        "SELECT r.id AS resident_id, r.name, r.place, r.grid_id, r.building_id,"
        " r.born_on, r.born_year_only, c.id AS rule_id, c.age, c.text, c.category"
        " FROM residents r JOIN care_rules c"
        f" WHERE {' AND '.join(clauses)} AND NOT EXISTS (SELECT 1 FROM"
        " care_rule_fired f WHERE f.rule_id = c.id AND f.resident_id = r.id)"
        " ORDER BY r.id, c.age, c.id",
        params,
    ).fetchall()
    anchors: dict[int, int] = {}
    passed: list[Passed] = []
    for row in rows:
        born = dt.date.fromisoformat(row["born_on"])
        reached = reaches(born, bool(row["born_year_only"]), row["age"])
        if reached < ctx.today and not backfill:
            age = _age(born, bool(row["born_year_only"]), ctx.today)
            passed.append(Passed(row["resident_id"], row["name"], row["place"], age))
            continue
        due = max(reached, ctx.today)
        resident_id = row["resident_id"]
        if resident_id not in anchors:
            anchors[resident_id] = _anchor(changes, row)
        item_id = open_item(
            changes,
            "reminder",
            anchors[resident_id],
            row["grid_id"],
            reminder_text(row["text"], row["name"]),
            due,
            ctx.now_utc,
        )
        changes.insert(
            "care_rule_fired",
            {
                "rule_id": row["rule_id"],
                "resident_id": resident_id,
                "followup_id": item_id,
                "fired_at": ctx.now_utc,
            },
        )
    return Fired(len(rows) - len(passed), passed)


def _age(born: dt.date, year_only: bool, today: dt.date) -> int:
    """Whole years on `today`; with only a year known, the age reached this year."""
    years = today.year - born.year
    if not year_only and (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years


def _json(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _anchor(changes: Changes, row: sqlite3.Row) -> int:
    """The entry a resident's care reminders hang off: their earliest linked entry,
    else a register entry written for them now."""
    conn, ctx = changes.conn, changes.ctx
    earliest = conn.execute(
        "SELECT id FROM entries WHERE resident_id = ? ORDER BY at, id LIMIT 1",
        (row["resident_id"],),
    ).fetchone()
    if earliest is not None:
        return int(earliest[0])
    return changes.insert(
        "entries",
        {
            "at": ctx.now_utc,
            "grid_id": row["grid_id"],
            "place": row["place"],
            "building_id": row["building_id"],
            "resident": row["name"],
            "resident_id": row["resident_id"],
            "category": row["category"],
            "kind": "other",
            "text": f"{REGISTER_ENTRY}{row['name']}",
            "tags": "[]",
            "worker": ctx.worker,
            "created_at": ctx.now_utc,
            "updated_at": ctx.now_utc,
        },
    )


def redate(
    changes: Changes, resident_id: int, old_born: dt.date, old_year_only: bool
) -> int:
    """After a birth date is corrected: the resident's open care reminders still due
    on the day the old birth date gave move to the day the new one gives (never
    before today); snoozed or edited ones stay. Returns how many moved."""
    conn, ctx = changes.conn, changes.ctx
    resident = conn.execute(
        "SELECT born_on, born_year_only FROM residents WHERE id = ?", (resident_id,)
    ).fetchone()
    if resident["born_on"] is None:
        return 0
    born = dt.date.fromisoformat(resident["born_on"])
    rows = conn.execute(
        "SELECT fu.id, fu.due_on, c.age FROM care_rule_fired f"
        " JOIN care_rules c ON c.id = f.rule_id"
        " JOIN followups fu ON fu.id = f.followup_id"
        " WHERE f.resident_id = ? AND fu.closed_at IS NULL",
        (resident_id,),
    ).fetchall()
    moved = 0
    for row in rows:
        old_due = reaches(old_born, old_year_only, row["age"])
        if row["due_on"] != old_due.isoformat():
            continue
        due = max(
            reaches(born, bool(resident["born_year_only"]), row["age"]), ctx.today
        )
        if due.isoformat() != row["due_on"]:
            changes.update(
                "followups",
                row["id"],
                {"due_on": due.isoformat(), "updated_at": ctx.now_utc},
            )
            moved += 1
    return moved


# --- the rules ----------------------------------------------------------------------


def list_rules(conn: sqlite3.Connection) -> list[Rule]:
    rows = conn.execute(
        "SELECT c.*,"
        " (SELECT count(*) FROM care_rule_fired f JOIN followups fu"
        "  ON fu.id = f.followup_id WHERE f.rule_id = c.id) AS reminders,"
        " (SELECT count(*) FROM care_rule_fired f JOIN followups fu"
        "  ON fu.id = f.followup_id WHERE f.rule_id = c.id AND fu.closed_at IS NULL)"
        " AS open"
        " FROM care_rules c ORDER BY c.age, c.id"
    ).fetchall()
    return [_rule(row) for row in rows]


def get_rule(conn: sqlite3.Connection, rule_id: int) -> Rule:
    for rule in list_rules(conn):
        if rule.id == rule_id:
            return rule
    raise GridlogError("rule.unknown", id=rule_id)


def _rule(row: sqlite3.Row) -> Rule:
    return Rule(
        id=row["id"],
        age=row["age"],
        text=row["text"],
        category=row["category"],
        active=bool(row["active"]),
        reminders=row["reminders"],
        open=row["open"],
    )


@dataclass(frozen=True)
class Saved:
    rule: Rule
    opened: int  # reminders opened for residents already registered
    passed: list[Passed]  # residents already past its age, not filed


def add_rule(
    conn: sqlite3.Connection,
    changes: Changes,
    age: int,
    text: str,
    category: str,
    *,
    backfill: bool = False,
) -> Saved:
    """A new rule, refused when one of the same age and text exists (it would file
    every reminder twice); it files the birthdays from today on, and those already
    past only with `backfill`."""
    ctx = changes.ctx
    age, text = check_age(age), check_text(Field.TEXT, text)
    _refuse_a_twin(conn, age, text)
    rule_id = changes.insert(
        "care_rules",
        {
            "age": age,
            "text": text,
            "category": vocab.category(category).key,
            "active": 1,
            "created_at": ctx.now_utc,
            "updated_at": ctx.now_utc,
        },
    )
    fired = fire(changes, rule_ids=[rule_id], backfill=backfill)
    return Saved(get_rule(conn, rule_id), fired.opened, fired.passed)


def _same_text(text: str) -> str:
    """A rule's text as compared for twins: width and spacing do not matter."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def _refuse_a_twin(
    conn: sqlite3.Connection, age: int, text: str, rule_id: int | None = None
) -> None:
    """Two rules of one age and one text (on or off) would remind twice of one
    thing; the worker is sent to the one there is."""
    wanted = _same_text(text)
    rows = conn.execute(
        "SELECT id, text FROM care_rules WHERE age = ? AND id IS NOT ?",
        (age, rule_id),
    ).fetchall()
    for row in rows:
        if _same_text(row["text"]) == wanted:
            raise GridlogError("rule.exists", id=row["id"], age=age, text=row["text"])


@dataclass(frozen=True)
class RuleEdit:
    age: int | None = None
    text: str | None = None
    category: str | None = None
    active: bool | None = None


def edit_rule(
    conn: sqlite3.Connection,
    changes: Changes,
    rule_id: int,
    edit: RuleEdit,
    *,
    backfill: bool = False,
) -> Saved:
    """Change a rule; it then fires for the residents it has not fired for yet (the
    reminders it already made keep their date and text), as a new rule does: those
    already past its age only with `backfill`."""
    row = conn.execute("SELECT * FROM care_rules WHERE id = ?", (rule_id,)).fetchone()
    if row is None:
        raise GridlogError("rule.unknown", id=rule_id)
    values: dict[str, object] = {}
    if edit.age is not None:
        values["age"] = check_age(edit.age)
    if edit.text is not None:
        values["text"] = check_text(Field.NEW_TEXT, edit.text)
    if edit.category is not None:
        values["category"] = vocab.category(edit.category).key
    if edit.active is not None:
        values["active"] = int(edit.active)
    if not values:
        raise GridlogError("edit.nothing", exit_code=2)
    if "age" in values or "text" in values:
        age, text = values.get("age", row["age"]), values.get("text", row["text"])
        _refuse_a_twin(conn, age, text, rule_id)
    changes.update("care_rules", rule_id, {**values, "updated_at": changes.ctx.now_utc})
    fired = fire(changes, rule_ids=[rule_id], backfill=backfill)
    return Saved(get_rule(conn, rule_id), fired.opened, fired.passed)


def upcoming(
    conn: sqlite3.Connection, resident_id: int, today: dt.date
) -> list[CareDue]:
    """A resident's open care reminders not yet due, soonest first."""
    rows = conn.execute(
        "SELECT fu.id, f.rule_id, fu.due_on, fu.text FROM care_rule_fired f"
        " JOIN followups fu ON fu.id = f.followup_id"
        " WHERE f.resident_id = ? AND fu.closed_at IS NULL AND fu.due_on > ?"
        " ORDER BY fu.due_on, fu.id",
        (resident_id, today.isoformat()),
    ).fetchall()
    return [
        CareDue(
            row["id"], row["rule_id"], dt.date.fromisoformat(row["due_on"]), row["text"]
        )
        for row in rows
    ]
