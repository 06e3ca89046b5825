"""A failure after the command's change was committed says so: "nothing was
changed" only when that is true, so that a worker does not run it again and store
it twice. And printing never fails, whatever the terminal's encoding."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gridlog.storage import db as gridlog_db

pytestmark = pytest.mark.usefixtures("red_grids")


def entries(db_path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT text FROM entries")]
    finally:
        conn.close()


def test_add_on_an_ascii_terminal_stores_once_and_says_so(db_path, tmp_path):
    """PYTHONIOENCODING=ascii: the entry is stored and its line printed escaped,
    exit 0; before, printing failed after the commit and a retry stored it twice."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(
        [sys.executable, "-m", "gridlog", "add", "楼顶漏水", "--grid", "红四"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert b"\\u" in result.stdout  # 红四网格, escaped
    assert result.stderr == b""
    assert entries(db_path) == ["楼顶漏水"]


class _FullOnVacuum(sqlite3.Connection):
    """A disk that fills up when `forget` rewrites the file, after its commit."""

    def execute(self, sql, *args):
        if sql.strip().upper() == "VACUUM":
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)


_real_connect = gridlog_db._connect


def _connect_full_on_vacuum(target: str, key: str | None = None):
    conn = sqlite3.connect(
        target, isolation_level=None, timeout=5, factory=_FullOnVacuum
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_forget_failing_after_its_commit_does_not_say_nothing_changed(
    gridlog, monkeypatch
):
    added = gridlog(
        "resident",
        "add",
        "臧树花",
        "--place",
        "9号楼1单元101",
        "--phone",
        "13812345678",
    )
    assert added.exit_code == 0, added.output
    monkeypatch.setattr(gridlog_db, "_connect", _connect_full_on_vacuum)

    result = gridlog("resident", "forget", "臧树花")

    assert result.exit_code == 1
    assert "nothing was changed" not in result.stderr
    assert "was stored" in result.stderr and "disk" in result.stderr
    assert result.stderr.count("\n") == 1
    monkeypatch.setattr(gridlog_db, "_connect", _real_connect)
    assert "臧树花" not in gridlog("resident", "list").stdout


def test_a_failure_after_a_commit_names_what_failed(gridlog, monkeypatch):
    from gridlog.cli import log as log_commands

    def broken(*args, **kwargs):
        raise RuntimeError("the line could not be drawn")

    real_emit = log_commands.emit
    monkeypatch.setattr(log_commands, "emit", broken)
    result = gridlog("add", "楼顶漏水", "--grid", "红四")
    assert result.exit_code == 1
    assert "nothing was changed" not in result.stderr
    assert "was stored" in result.stderr and "RuntimeError" in result.stderr
    monkeypatch.setattr(log_commands, "emit", real_emit)
    assert gridlog("log").stdout.count("楼顶漏水") == 1


def file_bytes(db_path: Path) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (db_path, db_path.with_name(db_path.name + "-wal"))
        if path.exists()
    )


def test_a_wipe_the_full_disk_stopped_is_noticed_and_redone(
    gridlog, monkeypatch, db_path
):
    """forget commits, then the disk is full when it rewrites the file: what was
    deleted may still be in the file's free space. The message names the command
    that finishes the wipe; `check` notices until it has run; it leaves no trace."""
    phone = "13812345678"
    ok = gridlog("resident", "add", "臧树花", "--place", "9号楼1单元101",
                 "--phone", phone, "--note", "独居" * 2000)  # fmt: skip
    assert ok.exit_code == 0, ok.output
    monkeypatch.setattr(gridlog_db, "_connect", _connect_full_on_vacuum)
    failed = gridlog("resident", "forget", "臧树花")
    assert failed.exit_code == 1
    assert "was stored" in failed.stderr and "disk" in failed.stderr
    assert "gridlog check --compact" in failed.stderr
    assert failed.stderr.count("\n") == 1
    monkeypatch.setattr(gridlog_db, "_connect", _real_connect)

    noticed = gridlog("check")
    assert noticed.exit_code == 1
    assert "(0 free pages)" not in noticed.stdout  # the long note's pages
    assert "gridlog check --compact" in noticed.stdout
    zh = gridlog("--lang", "zh", "check")
    assert "gridlog check --compact" in zh.stdout and "空闲" in zh.stdout

    monkeypatch.setattr(gridlog_db, "_connect", _connect_full_on_vacuum)
    still_full = gridlog("check", "--compact")
    assert still_full.exit_code == 1 and "nothing was changed" in still_full.stderr
    monkeypatch.setattr(gridlog_db, "_connect", _real_connect)
    assert gridlog("check").exit_code == 1  # the mark stays until a wipe succeeds

    compacted = gridlog("check", "--compact")
    assert compacted.exit_code == 0, compacted.output
    assert "rewritten" in compacted.stdout
    assert phone.encode() not in file_bytes(db_path)
    again = gridlog("check")
    assert again.exit_code == 0, again.output
    assert "--compact" not in again.stdout


def test_a_merge_that_forgets_on_a_full_disk_names_the_wipe_too(
    gridlog, monkeypatch, db_path, tmp_path
):
    """The forget arrives from another device; the merge commits, the rewrite fails."""
    ok = gridlog("resident", "add", "臧树花", "--place", "9号楼1单元101")
    assert ok.exit_code == 0, ok.output
    other = tmp_path / "other.db"
    exported = tmp_path / "mine.jsonl"
    assert gridlog("export", str(exported)).exit_code == 0
    assert gridlog("--db", str(other), "merge", str(exported)).exit_code == 0
    assert gridlog("--db", str(other), "resident", "forget", "臧树花").exit_code == 0
    forgotten = tmp_path / "forgotten.jsonl"
    assert gridlog("--db", str(other), "export", str(forgotten)).exit_code == 0

    monkeypatch.setattr(gridlog_db, "_connect", _connect_full_on_vacuum)
    failed = gridlog("merge", str(forgotten))
    monkeypatch.setattr(gridlog_db, "_connect", _real_connect)

    assert failed.exit_code == 1
    assert "was stored" in failed.stderr and "gridlog check --compact" in failed.stderr
    assert "臧树花" not in gridlog("resident", "list").stdout
    assert gridlog("check").exit_code == 1
    assert gridlog("check", "--compact").exit_code == 0
    assert gridlog("check").exit_code == 0
