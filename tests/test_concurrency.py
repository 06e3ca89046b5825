"""Eight workers adding at once: every entry stored, nobody told "database is locked".

The workers are separate processes (forked), each running `gridlog add` through the
real entry point 250 times against one database file. The same run with a deferred
BEGIN shows why gridlog takes the write lock up front: there, writers that started
as readers cannot upgrade their lock and fail at once, busy timeout or not.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import sqlite3
import time
from contextlib import redirect_stderr, redirect_stdout

import pytest

from gridlog.cli.main import main
from gridlog.storage import db

WORKERS = 8
ADDS = 250


def _worker(number: int, adds: int, queue) -> None:
    failures = 0
    for i in range(adds):
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            code = main(["add", f"worker {number} visit {i}", "--grid", "红四"])
        failures += code != 0
    queue.put(failures)


def _run_workers(adds: int) -> int:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_worker, args=(n, adds, queue)) for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    failures = sum(queue.get(timeout=240) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return failures


@contextlib.contextmanager
def _deferred_transaction(conn):
    """The broken variant: sqlite-utils' atomic() style, a plain deferred BEGIN."""
    conn.execute("BEGIN")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _stored(db_path) -> tuple[int, str]:
    conn = sqlite3.connect(db_path)
    try:
        count = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return count, check


@pytest.mark.usefixtures("red_grids")
def test_eight_writers_store_all_2000_entries(db_path):
    failures = _run_workers(ADDS)
    assert failures == 0
    assert _stored(db_path) == (WORKERS * ADDS, "ok")


@pytest.mark.usefixtures("red_grids")
def test_a_deferred_begin_loses_writes_under_the_same_load(db_path, monkeypatch):
    monkeypatch.setattr("gridlog.storage.history.transaction", _deferred_transaction)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 500)  # bound the run; failures are
    # immediate anyway: a reader cannot upgrade to writer past a newer commit
    failures = _run_workers(ADDS // 5)
    count, check = _stored(db_path)
    assert check == "ok"
    assert failures > 0
    assert count == WORKERS * ADDS // 5 - failures


def _add_while_locked(gridlog, db_path, hold: float):
    """`gridlog add` while another connection holds the write lock for `hold`
    seconds; the result, how long the add took, and when the lock was let go."""
    import threading

    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = []

    def release() -> None:
        released.append(time.monotonic())
        holder.execute("COMMIT")

    timer = threading.Timer(hold, release)
    started = time.monotonic()
    timer.start()
    try:
        result = gridlog("add", "等锁", "--grid", "红四")
        took = time.monotonic() - started
    finally:
        timer.join()
        holder.close()
    return result, took, released[0] - started


def test_writers_wait_for_the_lock_instead_of_failing(db_path, gridlog, red_grids):
    """A lock held for less than the busy timeout only delays the add."""
    assert db.BUSY_TIMEOUT_MS >= 1000
    started = time.monotonic()
    assert gridlog("add", "不等锁", "--grid", "红四").exit_code == 0
    alone = time.monotonic() - started
    result, took, released = _add_while_locked(gridlog, db_path, hold=1.0)
    assert result.exit_code == 0, result.output
    # It waited: it finished only after the lock was let go, a second after it
    # began, where the same add with nobody holding the lock took `alone`.
    assert took > released >= 1.0, (took, released)
    assert took > alone + 0.5, (took, alone)
    assert _stored(db_path) == (2, "ok")


def test_a_lock_held_past_the_busy_timeout_is_one_clear_line(
    db_path, gridlog, red_grids, monkeypatch
):
    """The control for the test above: the lock it waits on is real, and waiting is
    the busy timeout's doing (shortened here to 200 ms against a 2 s hold)."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    result, took, released = _add_while_locked(gridlog, db_path, hold=2.0)
    assert result.exit_code == 1
    assert "locked" in result.stderr
    assert 0.2 <= took < released, (took, released)
    assert _stored(db_path) == (0, "ok")
