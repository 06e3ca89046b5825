"""Wiping deleted personal data out of the database file.

SQLite keeps old versions of rows in the file's free pages and in the WAL, so a
change that deletes a person's data (`resident forget`, a merge honouring a forget)
is followed by a rewrite of the whole file (VACUUM, then a WAL checkpoint). That
rewrite runs after the change has committed and needs free disk space about the size
of the file; when it fails, the change stands but the bytes may stay.

So the change owes the file a wipe: it records that, in its own transaction, in the
`counters` table (which, unlike settings, no export carries: the free pages are this
file's), and only a rewrite that succeeds clears it. `gridlog check` shows a wipe
still owed, and `gridlog check --compact` does it.
"""

from __future__ import annotations

import sqlite3

from gridlog.errors import GridlogError
from gridlog.storage.db import db_errors, user_error

_OWED = "wipe_owed"


def owe_wipe(conn: sqlite3.Connection) -> None:
    """Inside the transaction that deletes personal data: the file must be wiped."""
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1)"
        " ON CONFLICT (name) DO UPDATE SET value = 1",
        (_OWED,),
    )


def wipe_owed(conn: sqlite3.Connection) -> bool:
    """Did a change that deleted personal data fail to wipe the file afterwards?"""
    row = conn.execute("SELECT value FROM counters WHERE name = ?", (_OWED,))
    return bool((row.fetchone() or [0])[0])


def free_pages(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA freelist_count").fetchone()[0]


def wipe(conn: sqlite3.Connection) -> None:
    """Rewrite the file and the WAL, so that no free page keeps a deleted row;
    then the wipe is no longer owed. Outside any transaction."""
    conn.execute("VACUUM")
    conn.execute("DELETE FROM counters WHERE name = ?", (_OWED,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def wipe_after_commit(conn: sqlite3.Connection) -> None:
    """`wipe`, once the change that owes it has committed: a failure says that the
    change was stored and which command finishes the wipe."""
    try:
        wipe(conn)
    except db_errors() as exc:
        error = user_error(exc)
        if error.key == "db.full":
            raise GridlogError("after_commit.wipe_full") from exc
        raise GridlogError("after_commit.wipe_failed", reason=error.key) from exc
