"""A worker's own defaults (name, default grid, time zone, language) and the
community the reports are made for, kept in the database so that they travel
with the log in a backup."""

from __future__ import annotations

import sqlite3

from gridlog.context import Context
from gridlog.storage.history import writing

KEYS = ("worker", "grid", "tz", "lang", "community")


def get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def get_all(conn: sqlite3.Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT key, value FROM settings")}


def set_many(
    conn: sqlite3.Connection, ctx: Context, values: dict[str, str | None]
) -> None:
    """Set (or, with None, clear) several settings in one command."""
    with writing(conn, ctx) as changes:
        for key, value in values.items():
            changes.put_setting(key, value)
