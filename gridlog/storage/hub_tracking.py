"""Which records `sync` must look at again: what `hub_dirty` notes (m017).

A device that has synced notes every write to a record the hub carries, so that
its next push reads only those. A first pull writes a grid's years of records the
hub already holds as they are: noting them would make the next push read them all
again to find nothing to send, seconds for a large grid."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator


@contextlib.contextmanager
def paused(conn: sqlite3.Connection) -> Iterator[None]:
    """Within the caller's transaction: writes are not noted, then noting goes
    on as it was. Nobody else writes meanwhile (the transaction holds the write
    lock), so nothing of theirs goes unnoted."""
    (tracking,) = conn.execute(
        "SELECT value FROM counters WHERE name = 'hub_tracking'"
    ).fetchone()
    conn.execute("UPDATE counters SET value = 0 WHERE name = 'hub_tracking'")
    yield
    conn.execute(
        "UPDATE counters SET value = ? WHERE name = 'hub_tracking'", (tracking,)
    )


def note(conn: sqlite3.Connection, kind: str, uuids: Iterable[str]) -> None:
    """Have the next push look at these records (written while noting paused)."""
    conn.executemany(
        "INSERT INTO hub_dirty (kind, uuid) SELECT ?, ? WHERE (SELECT value"
        " FROM counters WHERE name = 'hub_tracking') = 1",
        [(kind, uuid) for uuid in uuids],
    )
