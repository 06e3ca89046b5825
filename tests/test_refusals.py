"""Clean refusals instead of internal errors: one line, a non-zero exit, nothing
stored; and a database others can read is made owner-only, with a notice."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(result, *words: str) -> None:
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert "internal problem" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


ADD = ["add", "x", "--grid", "红四"]
BAD = {
    "at year 1": ([*ADD, "--at", "0001-01-01"], "0001"),
    "at 0999": ([*ADD, "--at", "0999-01-01"], "0999"),
    "at 2100": ([*ADD, "--at", "2100-01-01"], "2100"),
    "phone abc": ([*ADD, "--phone", "abc"], "--phone"),
    "phone excel": ([*ADD, "--phone", "1.38123E+10"], "Excel"),
    "rtl override": ([*ADD, "--resident", "王\u202e红"], "invisible"),
    "zero width": ([*ADD, "--place", "9号楼\u200b"], "invisible"),
    "month 0000": (["report", "--month", "0000-01"], "0000-01"),
    "month 9999": (["report", "--month", "9999-12"], "9999-12"),
    "since year 1": (
        ["report", "--since", "0001-01-01", "--until", "9999-12-31"],
        "0001",
    ),
}


@pytest.mark.parametrize(("args", "words"), list(BAD.values()), ids=list(BAD))
def test_bad_input_is_one_line_and_stores_nothing(gridlog, db_path, args, words):
    before = digest(db_path)
    refused(gridlog(*args), words)
    assert digest(db_path) == before


def test_a_nul_in_a_text_is_refused(gridlog, db_path):
    before = digest(db_path)
    refused(gridlog("add", "-", "--grid", "红四", stdin="楼顶\x00漏水"), "NUL")
    refused(gridlog("resident", "add", "王红", "--place", "9号楼", "--phone", "abc"))
    assert digest(db_path) == before


def test_a_valid_written_phone_is_still_accepted(gridlog):
    result = gridlog("add", "x", "--grid", "红四", "--phone", "+86 138-1234 5678")
    assert result.exit_code == 0, result.output


def test_invisible_characters_in_a_text_are_shown_escaped(gridlog):
    assert gridlog("add", "王\u202e红来访", "--grid", "红四").exit_code == 0
    shown = gridlog("log").stdout
    assert "\u202e" not in shown and "\\u202e" in shown


def test_gridlog_db_pointing_at_a_folder_is_one_line(gridlog, monkeypatch, tmp_path):
    monkeypatch.setenv("GRIDLOG_DB", str(tmp_path))
    refused(gridlog("log"), "folder")
    refused(gridlog("add", "x", "--grid", "红四"), "folder")


def test_a_database_others_can_read_is_made_owner_only_with_a_notice(gridlog, db_path):
    db_path.chmod(0o644)
    result = gridlog("log")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("\n") == 1 and "readable by you only" in result.stderr
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert gridlog("log").stderr == ""  # once


@pytest.mark.parametrize(
    "key", [None, "马辉的口令 it's long enough"], ids=["plain", "key"]
)
@pytest.mark.parametrize(
    "args",
    [["add", "x", "--remind-text", "y"], ["add", "x", "--grid", "不存在"]],
    ids=["remind-text alone", "unknown grid"],
)
def test_a_refused_first_command_creates_no_database_nor_folder(
    gridlog, monkeypatch, tmp_path, args, key
):
    """With GRIDLOG_KEY set too: no empty encrypted file is left behind."""
    if key is not None:
        pytest.importorskip("sqlcipher3", reason="sqlcipher3 missing")
        monkeypatch.setenv("GRIDLOG_KEY", key)
    new = tmp_path / "new" / "gridlog.db"
    monkeypatch.setenv("GRIDLOG_DB", str(new))
    refused(gridlog(*args))
    assert not new.parent.exists()

    new.parent.mkdir()
    refused(gridlog(*args))
    assert list(new.parent.iterdir()) == []


@pytest.mark.parametrize(
    ("phone", "word"),
    [("abc", "--phone"), ("1.38123E+10", "Excel")],
    ids=["abc", "excel"],
)
def test_every_phone_option_checks_the_phone(gridlog, db_path, phone, word):
    """`grid add --phone` and `edit --phone` as strict as `add` and `resident`."""
    added = gridlog("add", "x", "--grid", "红四", "--json")
    assert added.exit_code == 0, added.output
    entry = str(json.loads(added.stdout)["id"])
    before = digest(db_path)
    for args in (
        ["grid", "add", "红九网格", "--phone", phone],
        ["edit", entry, "--phone", phone],
        ["add", "y", "--grid", "红四", "--phone", phone],
        ["resident", "add", "王红", "--place", "9号楼", "--phone", phone],
        ["resident", "add", "王红", "--place", "9号楼"],
        ["resident", "edit", "王红", "--phone", phone],
    ):
        result = gridlog(*args)
        if args[-1] == "9号楼":  # registered, to be edited next
            assert result.exit_code == 0, result.output
            before = digest(db_path)
            continue
        refused(result, word)
    assert digest(db_path) == before
    written = "+86 138-1234 5678"
    for args in (
        ["grid", "add", "红九网格", "--phone", written],
        ["edit", entry, "--phone", written],
    ):
        assert gridlog(*args).exit_code == 0, args
