"""A large import syncs its WAL from a thread while it builds its indexes and commits
(`storage.write_behind`): it changes nothing written, never touches the database
file (closing a descriptor of it would drop SQLite's locks), and leaves no thread
and no open file behind."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from gridlog.storage.write_behind import WriteBehind


def open_files() -> set[str]:
    return set(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").exists() else set()


def test_it_syncs_while_the_database_is_written_and_then_lets_go(tmp_path, monkeypatch):
    db = tmp_path / "log.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    synced: list[int] = []
    monkeypatch.setattr(
        "gridlog.storage.write_behind._SYNC", lambda file: synced.append(file)
    )
    before, threads = open_files(), threading.active_count()
    behind = WriteBehind(db, every=0.01)
    behind.start()
    with conn:
        conn.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(1000)])
    deadline = time.monotonic() + 5
    while not synced and time.monotonic() < deadline:
        time.sleep(0.01)
    behind.stop()
    assert len(set(synced)) == 1  # the WAL's, never the database's
    assert threading.active_count() == threads
    assert open_files() == before
    assert conn.execute("SELECT count(*), sum(x) FROM t").fetchone() == (1000, 499500)
    conn.close()


def test_what_is_committed_after_it_is_kept_when_another_gridlog_comes_and_goes(
    tmp_path,
):
    """The log's connection keeps its locks through the write-behind: another
    process that opens the log and closes it does not take it for the last one
    (which would fold the WAL into the database and delete it from under this
    one), so what this one commits afterwards is there for everyone."""
    db = tmp_path / "log.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    behind = WriteBehind(db, every=0.01)
    behind.start()
    time.sleep(0.05)
    behind.stop()
    subprocess.run([sys.executable, "-c", COME_AND_GO, str(db)], check=True)
    conn.execute("INSERT INTO t VALUES (2)")
    fresh = subprocess.run(
        [sys.executable, "-c", COUNT, str(db)], capture_output=True, text=True
    )
    conn.close()
    assert fresh.stdout.strip() == "2", fresh.stderr


COME_AND_GO = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM t").fetchone()
conn.close()
"""
COUNT = """
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM t").fetchone()[0])
"""


def test_a_log_without_a_wal_yet_is_left_to_sqlite(tmp_path):
    behind = WriteBehind(tmp_path / "nowhere.db", every=0.01)
    behind.start()
    time.sleep(0.05)
    behind.stop()
    behind.stop()  # twice is fine
    assert list(tmp_path.iterdir()) == []
