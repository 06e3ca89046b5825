"""Forgetting a resident, as the law on personal information (个人信息保护法, art. 47)
requires: their record goes, and their name, phone and ID number are blotted out
wherever gridlog stored them, the history and the search indexes included, so that
no copy is left in the database file. What the log counts stays: entries, visits,
follow-ups and every figure of the report, without the person.

What is theirs goes whole: the entries linked to them, the follow-ups and reminders of
those entries, their register record and its history. Their numbers go everywhere,
every number they ever had (an earlier phone changed with `resident edit` included),
however it was written (`138-1234-1234`, `138 1234 1234`, full-width digits).

Their name is harder: it is also a piece of other words and other names. Forgetting
王红 must not turn 王红梅 into ***梅, nor forgetting a 平安 turn 开展平安建设宣传 into
开展***建设宣传, and a blot cannot be taken back. So the name is blotted

- never inside another registered name (a resident, a grid, a building: the longest
  registered name wins), and
- in a text that is not theirs, only where it stands as a mention: alone, or next
  to words that come before or after a person (说, 家, 老人, 走访 …). A name of three
  or more Chinese characters is taken as a mention wherever it stands; a shorter one
  is so often part of a word that it needs that evidence.

What is left is counted, with the records it is in, so the worker can look at them.

This is the one change that rewrites the history, and it cannot be undone. The file is
rewritten afterwards (`storage.wipe`, with secure_delete on for the change itself)
because SQLite leaves old versions of rows in free space; on a large log that takes a
while, and on a full disk it fails after the change has committed: the wipe stays
owed until `gridlog check --compact` does it.
The pieces (`person_of`, `scrub_person`) are separate so that
something else that must forget a person (a merge honouring a forget made on another
device) can do the same.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from gridlog.context import Context
from gridlog.domain import tombstones
from gridlog.domain.numbers import digits, exact
from gridlog.storage.db import transaction
from gridlog.storage.history import Changes
from gridlog.storage.wipe import owe_wipe, wipe_after_commit

BLOT = "***"
# Columns that may hold what someone typed about a person.
_TEXT_COLUMNS = {
    "entries": ("text", "place", "resident", "phone", "tags"),
    "followups": ("text", "close_note"),
    "signoffs": ("household",),
    "residents": ("note",),
    "photos": ("name",),  # a file name the worker gave: `王红家门口.jpg`
}
# Evidence that a short name next to other words stands for a person: what is
# written just before a person (说王红…, 走访王红…) or just after (王红家, 王红反映).
_BEFORE_PERSON = (
    *"说和与跟同对给帮替找问叫请让陪带送是向把被由及或等称见",
    "看望", "走访", "探望", "慰问", "联系", "通知", "提醒", "告诉", "居民",
    "老人", "住户", "户主", "租户", "家属", "邻居", "阿姨", "大爷",
)  # fmt: skip
_AFTER_PERSON = (
    *"说家的称来去在要想已这那和与跟及等住因有没不也都又还需打病患摔是现于之签对把被给找问请让陪带送",
    "反映", "表示", "老人", "阿姨", "大爷", "大妈", "奶奶", "爷爷", "女士", "先生",
    "同志", "本人", "儿子", "女儿", "老伴", "爱人", "丈夫", "妻子", "电话",
    "身体", "今天", "昨天", "明天", "一家", "夫妇", "申请", "咨询", "独居",
    "吵", "骂", "投诉", "讲", "报", "办", "搬", "住院", "去世",
)  # fmt: skip


@dataclass(frozen=True)
class Forgotten:
    id: int
    entries: int  # entries that named them or mentioned them, now without them
    items: int  # follow-ups and reminders whose text mentioned them
    history: int  # history rows blotted
    left: int = 0  # times the name was left as written (part of a word or a name)
    left_in: tuple[int, ...] = ()  # the entries and follow-ups it was left in
    photos: int = 0  # photos of the entries about them, removed with their files


@dataclass(frozen=True)
class Person:
    """What identifies someone to forget, as this log knows them."""

    resident_id: int
    name: str
    name_elsewhere: bool  # False when a namesake is registered: only theirs goes
    numbers: tuple[str, ...]  # every phone and ID number they had, digits only
    shared: tuple[str, ...]  # of those, numbers another resident has now


def forget_resident(
    conn: sqlite3.Connection, ctx: Context, resident_id: int, merging: bool = False
) -> Forgotten:
    """Remove a resident's personal data everywhere it is stored; see the module.
    A tombstone keeps the forget for exports (`domain.tombstones`); a merge that
    brings the person back forgets them again (`merging`) inside its own
    transaction, and rewrites the file itself once it has committed."""
    conn.execute("PRAGMA secure_delete = ON")
    with contextlib.nullcontext() if merging else transaction(conn):
        person = person_of(conn, resident_id)
        uuid = conn.execute(
            "SELECT uuid FROM residents WHERE id = ?", (resident_id,)
        ).fetchone()[0]
        gone = scrub_person(conn, person)
        tombstones.bury(conn, ctx, uuid, *_marked(person))
        owe_wipe(conn)
        Changes(conn, ctx).remember_erasure(
            "residents", resident_id, {"entries": gone.entries, "items": gone.items}
        )
    if not merging:  # a merge sweeps once it has committed
        from gridlog.domain.photos import sweep

        # Their photos, and those of entries deleted before: `undo` cannot pass
        # a forget, so nothing can bring those back any more.
        sweep(conn)
        wipe_after_commit(conn)
    return gone


def _marked(person: Person) -> tuple[list[str], list[str]]:
    """What a tombstone marks, for merges to blot where it arrives again: the name
    (unless a namesake is registered), and the numbers no one else has."""
    name = [person.name] if person.name_elsewhere else []
    return name, [n for n in person.numbers if n not in person.shared]


def person_of(conn: sqlite3.Connection, resident_id: int) -> Person:
    """The resident as someone to forget: their name, and every number they had,
    read off their record, its history and the entries linked to them."""
    row = conn.execute(
        "SELECT * FROM residents WHERE id = ?", (resident_id,)
    ).fetchone()
    found = [row["phone"], row["id_number"]]
    for before, after in conn.execute(
        "SELECT before, after FROM history WHERE table_name = 'residents'"
        " AND record_id = ?",
        (resident_id,),
    ):
        for state in (before, after):
            values = json.loads(state) if state else {}
            if isinstance(values, dict):
                found += [values.get("phone"), values.get("id_number")]
    for (phone,) in conn.execute(
        "SELECT phone FROM entries WHERE resident_id = ?", (resident_id,)
    ):
        found.append(phone)
    numbers = tuple(dict.fromkeys(n for n in map(digits, found) if n))
    others = {
        digits(value)
        for value in _column_values(conn, resident_id, "phone")
        + _column_values(conn, resident_id, "id_number")
    }
    namesake = conn.execute(
        "SELECT 1 FROM residents WHERE name = ? AND id != ?", (row["name"], resident_id)
    ).fetchone()
    return Person(
        resident_id,
        row["name"],
        namesake is None,
        numbers,
        tuple(n for n in numbers if n in others),
    )


def scrub_person(conn: sqlite3.Connection, person: Person) -> Forgotten:
    """Inside the caller's transaction: unlink and blot everything of `person`,
    then delete their record. Counts what was blotted and what was left."""
    scrubber = _Scrubber(person, _registered_names(conn, person))
    conn.create_function("gridlog_forget_finds", 1, scrubber.finds, deterministic=True)
    linked = _unlink_entries(conn, person.resident_id)
    their_items = _ids(
        conn,
        "SELECT id FROM followups WHERE entry_id IN (SELECT value FROM json_each(?))"
        " UNION SELECT followup_id FROM care_rule_fired WHERE resident_id = ?"
        " AND followup_id IN (SELECT id FROM followups)",
        (json.dumps(sorted(linked)), person.resident_id),
    )
    conn.execute(
        "DELETE FROM care_rule_fired WHERE resident_id = ?", (person.resident_id,)
    )
    entries = _scrub(conn, scrubber, "entries", linked) | linked
    items = _scrub(conn, scrubber, "followups", their_items)
    _scrub(conn, scrubber, "signoffs", set())
    _scrub(conn, scrubber, "residents", set())
    _scrub(conn, scrubber, "photos", set())
    history = _scrub_history(conn, scrubber, person.resident_id, linked, their_items)
    photos = _forget_photos(conn, entries)
    conn.execute("DELETE FROM residents WHERE id = ?", (person.resident_id,))
    for index in ("entries_search", "followups_search"):
        # Merging every segment drops the deleted rows' trigrams for good.
        conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
    return Forgotten(
        person.resident_id,
        len(entries),
        len(items),
        history,
        scrubber.left,
        tuple(sorted(scrubber.left_in)),
        photos,
    )


def _forget_photos(conn: sqlite3.Connection, entries: set[int]) -> int:
    """A photo with an entry about them may show them or their door: it goes."""
    from gridlog.domain.photos import forget_photos

    return forget_photos(conn, entries)


# --- what to blot ---------------------------------------------------------------------


@dataclass
class _Scrubber:
    """Blots one person out of texts, and counts the mentions it leaves."""

    person: Person
    covering: list[str]  # registered names that contain theirs
    left: int = 0
    left_in: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.everywhere = exact(
            [n for n in self.person.numbers if n not in self.person.shared]
        )
        self.theirs = exact(list(self.person.numbers))

    def finds(self, text: str | None) -> bool:
        """Might `text` hold something of theirs? (a fast test for SQL)"""
        if not text:
            return False
        return self.person.name in text or bool(
            self.theirs and self.theirs.search(text)
        )

    def text(self, value: str, theirs: bool, record: int | None = None) -> str:
        """`value` without their numbers and their mentions (all of them if the
        record is `theirs`); counts the mentions left in `record`."""
        numbers = self.theirs if theirs else self.everywhere
        if numbers is not None:
            value = numbers.sub(BLOT, value)
        name = self.person.name
        if name not in value or not (theirs or self.person.name_elsewhere):
            return value
        covered = _spans(value, self.covering)
        pieces, start = [], 0
        for found in re.finditer(re.escape(name), value):
            inside = any(a <= found.start() and found.end() <= b for a, b in covered)
            if inside or not (theirs or _stands_alone(value, found, name)):
                if record is not None:
                    self.left += 1
                    self.left_in.add(record)
                continue
            pieces += [value[start : found.start()], BLOT]
            start = found.end()
        return "".join(pieces) + value[start:]

    def json_value(self, value: Any, theirs: bool) -> Any:
        if isinstance(value, str):
            return self.text(value, theirs)
        if isinstance(value, list):
            return [self.json_value(item, theirs) for item in value]
        if isinstance(value, dict):
            return {key: self.json_value(item, theirs) for key, item in value.items()}
        return value


def _stands_alone(text: str, found: re.Match[str], name: str) -> bool:
    """Is this occurrence of the name a mention of a person rather than a piece of
    another word? Alone, or next to words that go with a person, or a full name."""
    if len(name) >= 3 and all(_is_han(c) for c in name):
        return True
    before, after = text[: found.start()], text[found.end() :]
    open_before = (
        not before or not before[-1].isalpha() or before.endswith(_BEFORE_PERSON)
    )
    open_after = not after or not after[0].isalpha() or after.startswith(_AFTER_PERSON)
    return open_before and open_after


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end())
        for other in names
        for m in re.finditer(re.escape(other), text)
    ]


def _registered_names(conn: sqlite3.Connection, person: Person) -> list[str]:
    """Other registered names that contain theirs: residents, grids and their
    aliases, buildings. An occurrence inside one of them is that name's."""
    rows = conn.execute(
        "SELECT name FROM residents WHERE id != ?1 AND instr(name, ?2)"
        " UNION SELECT name FROM grids WHERE instr(name, ?2)"
        " UNION SELECT alias FROM grid_aliases WHERE instr(alias, ?2)"
        " UNION SELECT name FROM buildings WHERE instr(name, ?2)",
        (person.resident_id, person.name),
    ).fetchall()
    return [row[0] for row in rows if len(row[0]) > len(person.name)]


def _column_values(conn: sqlite3.Connection, resident_id: int, column: str) -> list:
    return [
        row[0]
        for row in conn.execute(
            f"SELECT {column} FROM residents WHERE id != ? AND {column} IS NOT NULL",
            (resident_id,),
        )
    ]


# --- where to blot it -----------------------------------------------------------------


def _ids(conn: sqlite3.Connection, sql: str, params) -> set[int]:
    return {row[0] for row in conn.execute(sql, params)}


def _unlink_entries(conn: sqlite3.Connection, resident_id: int) -> set[int]:
    """Entries about them lose the link, the name as typed and the phone."""
    linked = _ids(conn, "SELECT id FROM entries WHERE resident_id = ?", (resident_id,))
    conn.execute(
        "UPDATE entries SET resident_id = NULL, resident = NULL, phone = NULL"
        " WHERE resident_id = ?",
        (resident_id,),
    )
    return linked


def _scrub(
    conn: sqlite3.Connection, scrubber: _Scrubber, table: str, theirs: set[int]
) -> set[int]:
    """Blot them out of the text columns of `table`: whole in the rows `theirs`,
    their mentions in the others. Returns the rows changed."""
    columns = _TEXT_COLUMNS[table]
    found = " OR ".join(f"gridlog_forget_finds({column})" for column in columns)
    rows = conn.execute(
        f"SELECT id, {', '.join(columns)} FROM {table} WHERE {found}"
    ).fetchall()
    counted = table in ("entries", "followups")
    changed = set()
    for row in rows:
        mine = row["id"] in theirs
        record = row["id"] if counted else None
        values = {
            column: row[column]
            if row[column] is None
            else scrubber.text(row[column], mine, record)
            for column in columns
        }
        if list(values.values()) == [row[column] for column in columns]:
            continue
        assignments = ", ".join(f"{column} = ?" for column in values)
        conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?",
            [*values.values(), row["id"]],
        )
        changed.add(row["id"])
    return changed


def _scrub_history(
    conn: sqlite3.Connection,
    scrubber: _Scrubber,
    resident_id: int,
    entries: set[int],
    items: set[int],
) -> int:
    """Their own record's history keeps only that there was one; the history of
    records about them loses them whole; elsewhere their numbers and mentions are
    blotted out of the before and after of every change."""
    erased = json.dumps({"id": resident_id, "forgotten": True})
    count = conn.execute(
        "UPDATE history SET"
        " before = CASE WHEN before IS NULL THEN NULL ELSE ?1 END,"
        " after = CASE WHEN after IS NULL THEN NULL ELSE ?1 END"
        " WHERE table_name = 'residents' AND record_id = ?2",
        (erased, resident_id),
    ).rowcount
    rows = conn.execute(
        "SELECT id, table_name, record_id, before, after FROM history"
        " WHERE gridlog_forget_finds(before) OR gridlog_forget_finds(after)"
    ).fetchall()
    theirs = {"entries": entries, "followups": items}
    for row in rows:
        mine = row["record_id"] in theirs.get(row["table_name"], ())
        values = [
            None
            if row[column] is None
            else _dump(scrubber.json_value(json.loads(row[column]), mine))
            for column in ("before", "after")
        ]
        if values != [row["before"], row["after"]]:
            conn.execute(
                "UPDATE history SET before = ?, after = ? WHERE id = ?",
                [*values, row["id"]],
            )
            count += 1
    return count


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
