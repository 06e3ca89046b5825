"""Writes that remember: every insert, update and delete of a command, in an
append-only log.

All changes of one command share an `op` number, which is what `undo` reverses and
what `history ID` shows; nothing in gridlog writes a record any other way. An undo is
itself a command whose rows say which op they reverse (`undoes`), so the log is never
rewritten.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from gridlog.context import Context
from gridlog.storage.db import transaction
from gridlog.storage.migrations import REVISED
from gridlog.storage.phone_keys import keyed, unkeyed

# Tables whose ids users type; they share one sequence so an id names one thing.
_SHARED_IDS = frozenset({"entries", "followups"})
# Link tables are not records of their own: no UUID to merge them by.
_LINKS = frozenset({"grid_aliases", "care_rule_fired"})


class Changes:
    """The changes of one command, inside its one write transaction."""

    def __init__(
        self, conn: sqlite3.Connection, ctx: Context, op: int | None = None
    ) -> None:
        self.conn = conn
        self.ctx = ctx
        if op is None:
            op = conn.execute(
                "SELECT coalesce(max(op), 0) + 1 FROM history"
            ).fetchone()[0]
        self.op: int = op
        self.undoes: int | None = None
        # A merge writes the revisions it brings; every other command edits.
        self.editing = True

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        """Insert `row` with a fresh id and UUID (unless given); returns the id."""
        values = dict(row)
        if table not in _LINKS:
            values.setdefault("uuid", str(uuid.uuid4()))
        if table in _SHARED_IDS and "id" not in values:
            values["id"] = self._next_record_id()
        stored = keyed(table, values)
        columns = ", ".join(stored)
        marks = ", ".join("?" for _ in stored)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(stored.values())
        )
        record_id = values.get("id", cursor.lastrowid)
        values["id"] = record_id
        self._remember(table, record_id, "insert", None, values)
        return int(record_id)

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows that carry their ids and UUIDs, all with the same columns (a
        merge's into a new log: a grid's years): written and remembered as
        `insert` writes and remembers one, a statement for them all."""
        if not rows:
            return
        stored = [keyed(table, row) for row in rows]
        columns = ", ".join(stored[0])
        marks = ", ".join("?" for _ in stored[0])
        self.conn.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            [list(row.values()) for row in stored],
        )
        # Each row's history, its values as written (what `insert` keeps), made
        # by SQLite from the rows themselves: a grid's years of JSON at C speed.
        values = ", ".join(f"'{column}', t.{column}" for column in rows[0])
        self.conn.execute(
            "INSERT INTO history (op, at, actor, command, table_name, record_id,"
            " action, before, after, undoes) SELECT ?, ?, ?, ?, ?, t.id, 'insert',"
            f" NULL, json_object({values}), ? FROM json_each(?) AS j"
            f" JOIN {table} AS t ON t.id = j.value ORDER BY j.key",
            (
                *(self.op, self.ctx.now_utc, self.ctx.worker, self.ctx.command),
                *(table, self.undoes, json.dumps([row["id"] for row in rows])),
            ),
        )

    def link_many(self, table: str, column: str, links: list[tuple[int, int]]) -> None:
        """Point records written with `column` NULL at the records they belong to,
        (id, target) each, as `update` would one by one: what a merge does once
        the new cases its new entries are on exist."""
        self.conn.executemany(
            f"UPDATE {table} SET {column} = ? WHERE id = ?",
            [(target, record_id) for record_id, target in links],
        )
        self._remember_many(
            [
                (table, record_id, "update", {column: None}, {column: target})
                for record_id, target in links
            ]
        )

    def update(self, table: str, record_id: int, changes: Mapping[str, Any]) -> None:
        """Change some columns of one record, keeping what they were before. An edit
        (a change that sets `updated_at`) of a record that merges makes its
        revision one more than it was; so does undoing one (going back is a new
        version, or a merge would bring the undone one back). Links a command
        makes between records it writes (an entry and its case) are not edits."""
        before = self.conn.execute(
            f"SELECT * FROM {table} WHERE id = ?", (record_id,)
        ).fetchone()
        if self.editing and table in REVISED and "updated_at" in changes:
            changes = {**changes, "revision": before["revision"] + 1}
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?",
            [*changes.values(), record_id],
        )
        old = {column: before[column] for column in changes}
        self._remember(table, record_id, "update", old, dict(changes))

    def delete(self, table: str, record_id: int) -> dict[str, Any]:
        """Delete one record, keeping the whole row in the history; returns it."""
        row = self.conn.execute(
            f"SELECT * FROM {table} WHERE rowid = ?", (record_id,)
        ).fetchone()
        before = unkeyed(table, dict(zip(row.keys(), row, strict=True)))
        self.conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (record_id,))
        self._remember(table, record_id, "delete", before, None)
        return before

    def restore(self, table: str, row: Mapping[str, Any]) -> None:
        """Put back a deleted row exactly as it was (id and UUID included)."""
        stored = keyed(table, row)
        columns = ", ".join(stored)
        marks = ", ".join("?" for _ in stored)
        self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(stored.values())
        )
        record_id = row.get("id")
        if record_id is None:
            record_id = self.conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        self._remember(table, record_id, "insert", None, dict(row))

    def put_setting(self, key: str, value: str | None) -> None:
        """Set or (with None) clear one setting; settings have no id, so record 0."""
        before = self.conn.execute(
            "SELECT value FROM settings WHERE key = ?", (key,)
        ).fetchone()
        self.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        if value is not None:
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)", (key, value)
            )
        old = None if before is None else {key: before[0]}
        self._remember("settings", 0, "update", old, {key: value})

    def remember_batch(self, table: str, first_id: int, summary: dict) -> None:
        """One history row for a bulk load: what range of ids it added."""
        self._remember(table, first_id, "insert", None, summary)

    def remember_erasure(self, table: str, record_id: int, summary: dict) -> None:
        """One history row for a record erased for good (`resident forget`): what
        was there is not kept, only that it was, and `undo` stops there."""
        self._remember(table, record_id, "delete", {**summary, "forgotten": True}, None)

    def _next_record_id(self) -> int:
        row = self.conn.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'record' "
            "RETURNING value"
        ).fetchone()
        return int(row[0])

    def _remember(
        self,
        table: str,
        record_id: int,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO history (op, at, actor, command, table_name, record_id,"
            " action, before, after, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.op,
                self.ctx.now_utc,
                self.ctx.worker,
                self.ctx.command,
                table,
                record_id,
                action,
                _dump(before),
                _dump(after),
                self.undoes,
            ),
        )

    def _remember_many(
        self,
        rows: list[
            tuple[str, int, str, Mapping[str, Any] | None, Mapping[str, Any] | None]
        ],
    ) -> None:
        at, worker, command = self.ctx.now_utc, self.ctx.worker, self.ctx.command
        undoes = self.undoes
        self.conn.executemany(
            "INSERT INTO history (op, at, actor, command, table_name, record_id,"
            " action, before, after, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (self.op, at, worker, command, *row[:3], *map(_dump, row[3:]), undoes)
                for row in rows
            ],
        )


def _dump(values: Mapping[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False)


@contextlib.contextmanager
def writing(
    conn: sqlite3.Connection, ctx: Context, op: int | None = None
) -> Iterator[Changes]:
    """One command's write: BEGIN IMMEDIATE, the changes with their history, COMMIT.
    A command that commits in several transactions (a long import) passes the `op`
    of its first one to the others, so that it stays one command to `undo`."""
    with transaction(conn):
        yield Changes(conn, ctx, op)
