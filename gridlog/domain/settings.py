"""A worker's own defaults (name, default grid, time zone, language) and the
community the reports are made for, kept in the database so that they travel
with the log in a backup."""

from __future__ import annotations

import sqlite3

from gridlog.context import Context

KEYS = ("worker", "grid", "tz", "lang", "community", "hub")
# This device's alone: an export does not carry them, so a merge on another device
# (the office's) never connects it to the hub as somebody else.
DEVICE_ONLY = ("hub",)
SHARED = tuple(key for key in KEYS if key not in DEVICE_ONLY)


def get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def get_all(conn: sqlite3.Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT key, value FROM settings")}


def set_many(
    conn: sqlite3.Connection, ctx: Context, values: dict[str, str | None]
) -> None:
    """Set (or, with None, clear) several settings in one command. A device-only
    setting is written beside the history, not in it: the history travels in every
    export, and `undo` has nothing to take back of where this device's hub is."""
    # Imported here: every command reads the settings, few write them.
    from gridlog.storage.history import writing

    with writing(conn, ctx) as changes:
        for key, value in values.items():
            if key in DEVICE_ONLY:
                _put_here(conn, key, value)
            else:
                changes.put_setting(key, value)


def _put_here(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM settings WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
