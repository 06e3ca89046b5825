"""A large import syncs its database and WAL from a thread while it builds its
indexes and commits (`storage.write_behind`): it changes nothing written, and leaves
no thread and no open file behind."""

from __future__ import annotations

import os
import sqlite3
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
    while len(set(synced)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    behind.stop()
    assert len(set(synced)) == 2  # the database and its WAL, each its own file
    assert threading.active_count() == threads
    assert open_files() == before
    assert conn.execute("SELECT count(*), sum(x) FROM t").fetchone() == (1000, 499500)
    conn.close()


def test_a_database_not_there_yet_is_left_to_sqlite(tmp_path):
    behind = WriteBehind(tmp_path / "nowhere.db", every=0.01)
    behind.start()
    time.sleep(0.05)
    behind.stop()
    behind.stop()  # twice is fine
    assert not (tmp_path / "nowhere.db").exists()
