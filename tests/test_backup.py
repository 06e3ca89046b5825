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

    writer = subprocess.Popen([sys.executable, "-c", WRITER, "400"], env=os.environ)
    try:
        while count(db_path) < 50:  # let it get going
            time.sleep(0.05)
        committed_before = count(db_path)
        target = tmp_path / "copy.db"
        result = gridlog("backup", str(target))
        assert result.exit_code == 0, result.output
    finally:
        assert writer.wait(timeout=300) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_copy = copy.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert committed_before <= in_copy <= 400
    texts = {row[0] for row in copy.execute("SELECT text FROM entries")}
    assert {f"并发写入{i}" for i in range(committed_before)} <= texts
    assert count(db_path) == 400  # the writer lost nothing to the backup


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
