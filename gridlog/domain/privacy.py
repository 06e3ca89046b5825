"""Forgetting a resident, as the law on personal information (个人信息保护法, art. 47)
requires: their record goes, and their name, phone and ID number are blotted out
wherever gridlog stored them, the history and the search indexes included, so that
no copy is left in the database file. What the log counts stays: entries, visits,
follow-ups and every figure of the report, without the person.

This is the one change that rewrites the history, and it cannot be undone. The file is
rewritten afterwards (VACUUM, with secure_delete on for the change itself) because
SQLite leaves old versions of rows in free space; on a large log that takes a while.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from gridlog.context import Context
from gridlog.domain import tombstones
from gridlog.storage.db import transaction
from gridlog.storage.history import Changes

BLOT = "***"
# Columns that may hold what someone typed about a person.
_TEXT_COLUMNS = {
    "entries": ("text", "place", "resident", "phone", "tags"),
    "followups": ("text", "close_note"),
    "signoffs": ("household",),
}


@dataclass(frozen=True)
class Forgotten:
    id: int
    entries: int  # entries that named them or mentioned them, now without them
    items: int  # follow-ups and reminders whose text mentioned them
    history: int  # history rows blotted


def forget_resident(
    conn: sqlite3.Connection, ctx: Context, resident_id: int, merging: bool = False
) -> Forgotten:
    """Remove a resident's personal data everywhere it is stored; see the module.
    A tombstone keeps the forget for exports (`domain.tombstones`); a merge that
    brings the person back forgets them again (`merging`) inside its own
    transaction, and rewrites the file itself once it has committed."""
    conn.execute("PRAGMA secure_delete = ON")
    with contextlib.nullcontext() if merging else transaction(conn):
        row = conn.execute(
            "SELECT * FROM residents WHERE id = ?", (resident_id,)
        ).fetchone()
        secrets = _secrets(conn, row)
        # Where a record is theirs, their name goes even when a namesake keeps it.
        theirs = [v for v in dict.fromkeys([*secrets, row["name"], row["phone"]]) if v]
        changes = Changes(conn, ctx)
        linked = _unlink_entries(conn, resident_id)
        entries = _scrub(conn, "entries", theirs, linked) | linked
        entries |= _scrub(conn, "entries", secrets)
        their_items = _ids(
            conn,
            "SELECT id FROM followups WHERE entry_id IN"
            " (SELECT value FROM json_each(?))",
            (json.dumps(sorted(linked)),),
        )
        # Their care reminders, wherever they hang now; the rules forget them too.
        their_items |= _ids(
            conn,
            "SELECT followup_id FROM care_rule_fired WHERE resident_id = ?"
            " AND followup_id IN (SELECT id FROM followups)",
            (resident_id,),
        )
        conn.execute(
            "DELETE FROM care_rule_fired WHERE resident_id = ?", (resident_id,)
        )
        items = _scrub(conn, "followups", theirs, their_items)
        items |= _scrub(conn, "followups", secrets)
        _scrub(conn, "signoffs", secrets)
        history = _scrub_history(
            conn, resident_id, secrets, theirs, linked, their_items
        )
        conn.execute("DELETE FROM residents WHERE id = ?", (resident_id,))
        tombstones.bury(conn, ctx, row["uuid"], secrets)
        changes.remember_erasure(
            "residents", resident_id, {"entries": len(entries), "items": len(items)}
        )
        for index in ("entries_search", "followups_search"):
            # Merging every segment drops the deleted rows' trigrams for good.
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
    if merging:
        return Forgotten(resident_id, len(entries), len(items), history)
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Forgotten(resident_id, len(entries), len(items), history)


def _secrets(conn: sqlite3.Connection, row: sqlite3.Row) -> list[str]:
    """What to blot out: their ID number, their phone unless another resident shares
    it, their name unless a namesake is registered (then only where it is theirs)."""
    secrets = []
    if row["id_number"]:
        secrets.append(row["id_number"])
    for column in ("phone", "name"):
        value = row[column]
        if not value:
            continue
        shared = conn.execute(
            f"SELECT 1 FROM residents WHERE {column} = ? AND id != ?",
            (value, row["id"]),
        ).fetchone()
        if not shared:
            secrets.append(value)
    return secrets


def _blot(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, BLOT)
        return value
    if isinstance(value, list):
        return [_blot(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _blot(item, secrets) for key, item in value.items()}
    return value


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
    conn: sqlite3.Connection,
    table: str,
    secrets: list[str],
    only: set[int] | None = None,
) -> set[int]:
    """Blot the secrets out of the text columns of `table` (of the rows `only`)."""
    if not secrets or only == set():
        return set()
    columns = _TEXT_COLUMNS[table]
    found = " OR ".join(
        f"instr({column}, ?{n + 1})" for column in columns for n in range(len(secrets))
    )
    params: list[object] = list(secrets)
    if only is not None:
        found = (
            f"({found}) AND id IN (SELECT value FROM json_each(?{len(secrets) + 1}))"
        )
        params.append(json.dumps(sorted(only)))
    rows = conn.execute(
        f"SELECT id, {', '.join(columns)} FROM {table} WHERE {found}", params
    ).fetchall()
    for row in rows:
        values = {column: _blot(row[column], secrets) for column in columns}
        assignments = ", ".join(f"{column} = ?" for column in values)
        conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?",
            [*values.values(), row["id"]],
        )
    return {row["id"] for row in rows}


def _scrub_history(
    conn: sqlite3.Connection,
    resident_id: int,
    secrets: list[str],
    theirs: list[str],
    entries: set[int],
    items: set[int],
) -> int:
    """Their own record's history keeps only that there was one; the history of
    records about them loses their name, phone and ID number; elsewhere the secrets
    are blotted out of the before and after of every change."""
    erased = json.dumps({"id": resident_id, "forgotten": True})
    count = conn.execute(
        "UPDATE history SET"
        " before = CASE WHEN before IS NULL THEN NULL ELSE ?1 END,"
        " after = CASE WHEN after IS NULL THEN NULL ELSE ?1 END"
        " WHERE table_name = 'residents' AND record_id = ?2",
        (erased, resident_id),
    ).rowcount
    for table, ids in (("entries", entries), ("followups", items)):
        rows = conn.execute(
            "SELECT id, before, after FROM history WHERE table_name = ?"
            " AND record_id IN (SELECT value FROM json_each(?))",
            (table, json.dumps(sorted(ids))),
        ).fetchall()
        count += _blot_history_rows(conn, rows, theirs)
    if secrets:
        found = " OR ".join(
            f"instr(before, ?{n + 1}) OR instr(after, ?{n + 1})"
            for n in range(len(secrets))
        )
        rows = conn.execute(
            f"SELECT id, before, after FROM history WHERE {found}", secrets
        ).fetchall()
        count += _blot_history_rows(conn, rows, secrets)
    return count


def _blot_history_rows(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], secrets: list[str]
) -> int:
    changed = 0
    for row in rows:
        values = [
            None
            if row[column] is None
            else _dump(_blot(json.loads(row[column]), secrets))
            for column in ("before", "after")
        ]
        if values != [row["before"], row["after"]]:
            conn.execute(
                "UPDATE history SET before = ?, after = ? WHERE id = ?",
                [*values, row["id"]],
            )
            changed += 1
    return changed


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
