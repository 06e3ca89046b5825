"""Backups while others write, and the health check."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from gridlog.storage.migrations import schema_version

pytestmark = pytest.mark.usefixtures("red_grids")

WRITER = """
import io, sys
from contextlib import redirect_stdout
from gridlog.cli.main import main
for i in range(int(sys.argv[1])):
    with redirect_stdout(io.StringIO()):
        assert main(["add", f"并发写入{i}", "--grid", "红四"]) == 0
"""


def count(path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_taken_while_another_process_adds_is_whole(gridlog, db_path, tmp_path):
    import os

    # Another connection stays open, as another gridlog's would, so that a writer
    # closing is not the last one out, and what it commits stays in the WAL for a
    # while instead of being folded into the file at once: a backup must take it.
    keeper = sqlite3.connect(db_path)
    keeper.execute("SELECT count(*) FROM grids").fetchone()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, "400"], env=os.environ)
    try:
        deadline = time.monotonic() + 120
        while count(db_path) < 50:  # let it get going
            assert writer.poll() is None, "the writer stopped before 50 entries"
            assert time.monotonic() < deadline, "the writer never got going"
            time.sleep(0.05)
        # Back up until one backup had the writer commit while it ran (entries
        # counted before it began and after it ended differ); ten tries at most.
        copies = []
        for attempt in range(10):
            before = count(db_path)
            target = tmp_path / f"copy{attempt}.db"
            result = gridlog("backup", str(target))
            assert result.exit_code == 0, result.output
            copies.append((target, before, count(db_path)))
            if copies[-1][2] > before:
                break
        assert writer.poll() is None  # still writing when the last backup was done
    finally:
        assert writer.wait(timeout=300) == 0
        keeper.close()
    assert copies[-1][1] < copies[-1][2] < 400, copies  # a commit during a backup
    for target, before, after in copies:
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        copy = sqlite3.connect(target)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        in_copy = copy.execute("SELECT count(*) FROM entries").fetchone()[0]
        assert before <= in_copy <= after
        texts = {row[0] for row in copy.execute("SELECT text FROM entries")}
        assert texts == {f"并发写入{i}" for i in range(in_copy)}  # whole adds only
        copy.close()
    assert count(db_path) == 400  # the writer lost nothing to the backups


def test_a_backup_never_overwrites(gridlog, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "old.db"
    target.write_bytes(b"precious")
    result = gridlog("backup", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert target.read_bytes() == b"precious"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["old.db"]  # no partial


def test_check_reports_health_and_counts(gridlog):
    assert (
        gridlog("add", "巡查", "--grid", "红四", "--follow-up", "明天").exit_code == 0
    )
    added = gridlog("resident", "add", "李秀英", "--grid", "红四")
    assert added.exit_code == 0, added.output
    result = gridlog("check")
    assert result.exit_code == 0, result.output
    assert "integrity check passed" in result.stdout
    assert f"Schema version: {schema_version()}" in result.stdout
    assert "residents 1, entries 1," in result.stdout and "(1 open)" in result.stdout
    zh = gridlog("--lang", "zh", "check")
    assert "完整性校验通过" in zh.stdout and "居民 1 人" in zh.stdout


def test_check_finds_a_broken_link(gridlog, db_path):
    assert gridlog("add", "巡查", "--grid", "红四").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE entries SET grid_id = 99")  # foreign keys are off here
    conn.commit()
    conn.close()
    result = gridlog("check")
    assert result.exit_code == 1
    assert "PROBLEMS FOUND" in result.stdout
    assert (
        "foreign key: a row of entries points at a missing grids row" in result.stdout
    )
    assert "\nok\n" not in result.stdout
