"""Bad input gets one clear line in the user's language, exit code 1 (2 for wrong
usage), no traceback, and nothing already stored is changed.

Every case runs the real entry point against a log that already holds grids, an open
follow-up and a closed one, and compares a logical dump of the database (every row of
every table, and the schema version) before and after the failing command.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gridlog.domain.limits import MAX_NAME, MAX_TEXT
from gridlog.storage import db as gridlog_db

PREFIX = {"en": "Error: ", "zh": "错误："}
# What the message for an unreadable date must offer instead.
DATE_EXAMPLES = ("明天", "下周一", "+3d")
NASTY = "a\x01b\x1b[31mred"  # a NUL is refused (tests/test_refusals.py)
NASTY_SHOWN = r"a\x01b\x1b[31mred"
SQL = "'; DROP TABLE entries; --"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def snapshot(db_path: Path) -> list[str]:
    """Everything stored, as SQL: the schema version, then every table's rows.

    A logical dump through a read-only connection, because with WAL the bytes of the
    main file do not hold the latest commits.
    """
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return [f"PRAGMA user_version = {version};", *conn.iterdump()]
    finally:
        conn.close()


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def error_line(result, exit_code: int, *mentions: str, lang: str = "en") -> str:
    """The single line a failed command printed, checked to be all it printed."""
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.endswith("\n"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    line = result.stderr[:-1]
    assert line.startswith(PREFIX[lang]), line
    for text in mentions:
        assert text in line, line
    return line


def add_json(gridlog, *args: str) -> dict:
    result = gridlog("add", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def logbook(gridlog, red_grids) -> dict[str, str]:
    """Three grids (红四, 红一, 红二), an open follow-up and a closed one."""
    result = gridlog("grid", "add", "红二网格")
    assert result.exit_code == 0, result.output
    leak = add_json(gridlog, "9号楼楼顶漏水", "--place", "9号楼", "--follow-up", "明天")
    lamp = add_json(gridlog, "6号楼路灯不亮", "--place", "6号楼", "--follow-up", "今天")
    result = gridlog("done", str(lamp["id"]), "--note", "物业已修好")
    assert result.exit_code == 0, result.output
    return {"open": str(leak["id"]), "closed": str(lamp["id"])}


# --- bad input, domain and usage ----------------------------------------------

BAD_INPUT = [
    # (args, exit code, what the message must name); {open}/{closed} are item ids
    pytest.param(["add", "x", "--grid", "不存在"], 1, ["不存在"], id="unknown grid"),
    pytest.param(
        ["add", "x", "--grid", "红"],
        1,
        ["'红'", "红一网格", "红二网格"],
        id="ambiguous grid prefix",
    ),
    pytest.param(["due", "--grid", "不存在"], 1, ["不存在"], id="due unknown grid"),
    pytest.param(["log", "--grid", "红"], 1, ["红一网格"], id="log ambiguous grid"),
    pytest.param(["grid", "show", "不存在"], 1, ["不存在"], id="grid show unknown"),
    pytest.param(
        ["grid", "building", "不存在", "11号楼"],
        1,
        ["不存在"],
        id="building on unknown",
    ),
    pytest.param(
        ["add", "x", "--grid", "红四", "--category", "bogus"],
        1,
        ["bogus", "物业维修"],
        id="unknown category",
    ),
    pytest.param(["log", "--category", "bogus"], 1, ["bogus"], id="log bad category"),
    pytest.param(
        ["add", "x", "--grid", "红四", "--kind", "bogus"],
        1,
        ["bogus", "走访"],
        id="unknown kind",
    ),
    pytest.param(["done", "999"], 1, ["999"], id="done unknown id"),
    pytest.param(["snooze", "999", "明天"], 1, ["999"], id="snooze unknown id"),
    pytest.param(["show", "999"], 1, ["999"], id="show unknown id"),
    pytest.param(["add", "x", "--case", "999"], 1, ["999"], id="case unknown id"),
    pytest.param(["done", "abc"], 2, ["abc"], id="done non-numeric id"),
    pytest.param(["snooze", "abc", "明天"], 2, ["abc"], id="snooze non-numeric id"),
    pytest.param(["show", "abc"], 2, ["abc"], id="show non-numeric id"),
    pytest.param(["add", "x", "--case", "abc"], 2, ["abc"], id="case non-numeric"),
    pytest.param(["done", "{closed}"], 1, ["#{closed}"], id="closed twice"),
    pytest.param(
        ["snooze", "{closed}", "下周一"], 1, ["#{closed}"], id="snooze closed item"
    ),
    pytest.param(
        ["add", "又去看了", "--case", "{closed}"],
        1,
        ["#{closed}"],
        id="case on closed follow-up",
    ),
    pytest.param(
        ["done", "{open}", "--at", "2019-03-13 08:00"],
        1,
        ["#{open}"],
        id="closed before opened",
    ),
    pytest.param(
        ["add", "x", "--grid", "红四", "--remind-text", "记得打电话"],
        2,
        ["--remind-text", "--remind"],
        id="remind-text without remind",
    ),
    pytest.param(["add", "x"], 1, ["--grid"], id="missing grid"),
    pytest.param(
        ["add", "x", "--place", "人民公园"], 1, ["--grid"], id="place in no building"
    ),
    pytest.param(["grid", "add", "红四网格"], 1, ["红四网格"], id="grid exists"),
    pytest.param(
        ["grid", "add", "红五网格", "--alias", "红一"],
        1,
        ["红一"],
        id="alias taken (after the grid row)",
    ),
    pytest.param(
        ["grid", "add", "红五网格", "--building", "12号楼", "--building", "9号楼"],
        1,
        ["9号楼", "红四网格"],
        id="building taken (after other rows)",
    ),
    pytest.param(
        ["grid", "building", "红一", "11号楼", "9号楼"],
        1,
        ["9号楼"],
        id="grid building half taken",
    ),
    pytest.param(["config", "--grid", "不存在"], 1, ["不存在"], id="config bad grid"),
    pytest.param(
        ["config", "--tz", "Mars/Olympus"], 1, ["Mars/Olympus"], id="config bad tz"
    ),
    pytest.param(["config", "--lang", "fr"], 2, ["fr"], id="config bad lang"),
    pytest.param(["config", "--unset", "colour"], 2, ["colour"], id="config bad key"),
    pytest.param(
        ["add", "x", "--grid", "红四' OR '1'='1"],
        1,
        ["红四' OR '1'='1"],
        id="SQL-shaped grid",
    ),
]


@pytest.mark.parametrize(("args", "exit_code", "mentions"), BAD_INPUT)
def test_bad_input_is_one_line_and_changes_nothing(
    gridlog, db_path, logbook, args, exit_code, mentions
):
    before = snapshot(db_path)

    result = gridlog(*(arg.format(**logbook) for arg in args))

    error_line(result, exit_code, *(text.format(**logbook) for text in mentions))
    assert snapshot(db_path) == before


IN_CHINESE = [
    pytest.param(["add", "x", "--grid", "不存在"], 1, ["不存在"], id="unknown grid"),
    pytest.param(
        ["add", "x", "--grid", "红"], 1, ["红一网格"], id="ambiguous grid prefix"
    ),
    pytest.param(["done", "999"], 1, ["999"], id="unknown id"),
    pytest.param(["done", "{closed}"], 1, ["{closed}"], id="closed twice"),
    pytest.param(["done", "abc"], 2, ["abc"], id="non-numeric id"),
    pytest.param(
        ["add", "x", "--grid", "红四", "--remind-text", "y"],
        2,
        ["--remind-text"],
        id="remind-text without remind",
    ),
    pytest.param(
        ["add", "x", "--grid", "红四", "--category", "bogus"],
        1,
        ["bogus", "物业维修"],
        id="unknown category",
    ),
    pytest.param(
        ["add", "x", "--grid", "红四", "--at", "banana"],
        1,
        ["banana", *DATE_EXAMPLES],
        id="unreadable date",
    ),
    pytest.param(
        ["snooze", "{open}", "2023-02-29"], 1, ["2023-02-29"], id="impossible date"
    ),
    pytest.param(["due", "--on", "02/03/2024"], 1, ["02/03/2024"], id="ambiguous date"),
    pytest.param(["add", "", "--grid", "红四"], 1, ["内容"], id="empty text"),
    pytest.param(
        ["add", "x" * (MAX_TEXT + 1), "--grid", "红四"],
        1,
        [str(MAX_TEXT)],
        id="text too long",
    ),
    pytest.param(["add", "\udcff", "--grid", "红四"], 2, ["UTF-8"], id="not UTF-8"),
    pytest.param(["--tz", "Mars/Olympus", "log"], 1, ["Mars/Olympus"], id="bad tz"),
]


@pytest.mark.parametrize(("args", "exit_code", "mentions"), IN_CHINESE)
def test_errors_speak_chinese_with_lang_zh(
    gridlog, db_path, logbook, args, exit_code, mentions
):
    before = snapshot(db_path)

    result = gridlog("--lang", "zh", *(arg.format(**logbook) for arg in args))

    line = error_line(
        result, exit_code, *(text.format(**logbook) for text in mentions), lang="zh"
    )
    assert "Error" not in line
    assert snapshot(db_path) == before


PARSER_USAGE = [
    # (args, what the message must name, language)
    pytest.param(["add"], ["TEXT"], "en", id="missing argument"),
    pytest.param(["add", "x", "--bogus"], ["--bogus"], "en", id="unknown option"),
    pytest.param(["bogus"], ["bogus"], "en", id="unknown command"),
    pytest.param(["due", "--days", "abc"], ["abc"], "en", id="not a number"),
    pytest.param(["due", "--days", "-1"], ["-1"], "en", id="negative days"),
    pytest.param(["done", "-1"], ["-1"], "en", id="negative id"),
    pytest.param(
        ["grid", "add", "红五网格", "--households", "-1"],
        ["-1"],
        "en",
        id="negative households",
    ),
    pytest.param(["snooze", "{open}"], [], "en", id="missing WHEN"),
    pytest.param(["add"], ["内容"], "zh", id="missing argument in Chinese"),
    pytest.param(["due", "--days", "abc"], ["abc"], "zh", id="not a number in Chinese"),
    pytest.param(["bogus"], ["bogus"], "zh", id="unknown command in Chinese"),
]


@pytest.mark.parametrize(("args", "mentions", "lang"), PARSER_USAGE)
def test_usage_errors_from_the_parser_are_one_line_too(
    gridlog, db_path, logbook, args, mentions, lang
):
    before = snapshot(db_path)

    result = gridlog("--lang", lang, *(arg.format(**logbook) for arg in args))

    error_line(result, 2, *mentions, lang=lang)
    assert snapshot(db_path) == before


# --- dates --------------------------------------------------------------------

DATE_COMMANDS = {
    "add --at": ["add", "x", "--grid", "红四", "--at"],
    "add --follow-up": ["add", "x", "--grid", "红四", "--follow-up"],
    "due --on": ["due", "--on"],
    "snooze ID WHEN": ["snooze", "{open}"],
}
BAD_DATES = {
    "2023-02-29": "impossible",
    "24:00": "impossible",
    "02/03/2024": "ambiguous",
    "banana": "unreadable",
    "明天明天": "unreadable",
}


@pytest.mark.parametrize("phrase", BAD_DATES)
@pytest.mark.parametrize("command", DATE_COMMANDS)
def test_a_bad_date_is_named_and_changes_nothing(
    gridlog, db_path, logbook, command, phrase
):
    before = snapshot(db_path)

    args = [arg.format(**logbook) for arg in DATE_COMMANDS[command]]
    result = gridlog(*args, phrase)

    line = error_line(result, 1, f"'{phrase}'")
    if BAD_DATES[phrase] == "unreadable":
        for example in DATE_EXAMPLES:
            assert example in line.replace(phrase, ""), line
    if BAD_DATES[phrase] == "ambiguous":
        assert "ambiguous" in line
    assert snapshot(db_path) == before


# --- sizes and strange text ---------------------------------------------------

TOO_MUCH = [
    # (args, stdin, what the message must name)
    pytest.param(["add", ""], "", ["TEXT", "empty"], id="empty text"),
    pytest.param(["add", " \t\n "], "", ["TEXT", "empty"], id="blank text"),
    pytest.param(["add", "-"], "\n", ["TEXT", "empty"], id="empty stdin"),
    pytest.param(
        ["add", "x" * (MAX_TEXT + 1)],
        "",
        ["TEXT", str(MAX_TEXT + 1), str(MAX_TEXT)],
        id="text over the limit",
    ),
    pytest.param(
        ["add", "字" * (MAX_TEXT + 1)],
        "",
        ["TEXT", str(MAX_TEXT + 1), str(MAX_TEXT)],
        id="limit counts characters",
    ),
    pytest.param(
        ["add", "-"],
        "x" * (MAX_TEXT + 1),
        ["TEXT", str(MAX_TEXT)],
        id="stdin over the limit",
    ),
    pytest.param(
        ["add", "x", "--place", "9号楼" + "室" * MAX_NAME],
        "",
        ["--place", str(MAX_NAME)],
        id="place over the limit",
    ),
    pytest.param(
        ["add", "x", "--resident", "吴" * (MAX_NAME + 1)],
        "",
        ["--resident", str(MAX_NAME)],
        id="resident over the limit",
    ),
    pytest.param(
        ["add", "x", "--tag", "t" * (MAX_NAME + 1)],
        "",
        ["--tag", str(MAX_NAME)],
        id="tag over the limit",
    ),
    pytest.param(
        ["add", "x", "--remind", "明天", "--remind-text", "r" * (MAX_TEXT + 1)],
        "",
        ["--remind-text", str(MAX_TEXT)],
        id="remind-text over the limit (after the entry row)",
    ),
    pytest.param(["done", "{open}", "--note", " "], "", ["--note"], id="empty note"),
    pytest.param(
        ["grid", "add", "网" * (MAX_NAME + 1)], "", [str(MAX_NAME)], id="grid name"
    ),
]


@pytest.mark.parametrize(("args", "stdin", "mentions"), TOO_MUCH)
def test_empty_or_oversized_fields_are_refused(
    gridlog, db_path, logbook, args, stdin, mentions
):
    before = snapshot(db_path)
    args = [arg.format(**logbook) for arg in args]
    if args[0] == "add":
        args += ["--grid", "红四"]

    result = gridlog(*args, stdin=stdin)

    error_line(result, 1, *mentions)
    assert snapshot(db_path) == before


TEN_MB = "漏水a" * (10 * 2**20 // len("漏水a".encode()) + 1)  # 10 MiB of UTF-8


def test_a_10_mb_note_is_refused_and_changes_nothing(gridlog, db_path, logbook):
    """A pasted file as an entry's text, through a real gridlog process's standard
    input (no argument can be that long), and as an argument in-process to add
    and to done --note: one line each, nothing stored."""
    from types import SimpleNamespace

    assert len(TEN_MB.encode()) >= 10 * 2**20
    before = snapshot(db_path)
    piped = subprocess.run(
        [sys.executable, "-m", "gridlog", "add", "-", "--grid", "红四"],
        input=TEN_MB.encode(),
        capture_output=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    out, err = piped.stdout.decode(), piped.stderr.decode()
    result = SimpleNamespace(
        exit_code=piped.returncode, stdout=out, stderr=err, output=out + err
    )
    error_line(result, 1, str(MAX_TEXT))
    assert snapshot(db_path) == before
    error_line(gridlog("add", TEN_MB, "--grid", "红四"), 1, str(MAX_TEXT))
    error_line(gridlog("done", logbook["open"], "--note", TEN_MB), 1, "--note")
    assert snapshot(db_path) == before


def test_fields_exactly_at_the_limits_are_stored_whole(gridlog, db_path, logbook):
    text = "字" * MAX_TEXT
    place = "9号楼" + "室" * (MAX_NAME - len("9号楼"))

    added = add_json(gridlog, text, "--place", place)

    [(stored_text, stored_place)] = query(
        db_path, "SELECT text, place FROM entries WHERE id = ?", added["entry_id"]
    )
    assert stored_text == text
    assert stored_place == place


@pytest.mark.parametrize("view", [["log"], ["due"], ["show", "{id}"]])
def test_control_characters_are_stored_verbatim_and_shown_escaped(
    gridlog, db_path, logbook, view
):
    added = add_json(gridlog, NASTY, "--grid", "红四", "--follow-up", "今天")

    assert query(
        db_path, "SELECT text FROM entries WHERE id = ?", added["entry_id"]
    ) == [(NASTY,)]
    assert query(db_path, "SELECT text FROM followups WHERE id = ?", added["id"]) == [
        (NASTY,)
    ]
    result = gridlog(*(arg.format(id=added["id"]) for arg in view))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\x00" not in result.stdout
    assert NASTY_SHOWN in result.stdout


@pytest.mark.parametrize("option", ["--resident", "--place", "--tag", "--phone"])
def test_names_must_be_one_printable_line(gridlog, db_path, logbook, option):
    """Names are looked up by what is typed and shown in every table: no controls."""
    before = snapshot(db_path)

    result = gridlog("add", "走访", "--grid", "红四", option, NASTY)

    error_line(result, 1, option)
    assert snapshot(db_path) == before


def test_sql_shaped_text_is_just_text(gridlog, db_path, logbook):
    tables = query(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")

    added = add_json(
        gridlog, SQL, "--grid", "红四", "--place", SQL, "--resident", SQL, "--tag", SQL
    )

    assert query(
        db_path,
        "SELECT text, place, resident, tags FROM entries WHERE id = ?",
        added["entry_id"],
    ) == [(SQL, SQL, SQL, json.dumps([SQL], ensure_ascii=False))]
    assert query(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'") == (
        tables
    )
    assert query(db_path, "SELECT count(*) FROM entries") == [(3,)]
    found = gridlog("log", "--resident", SQL, "--json")
    assert found.exit_code == 0, found.output
    assert [entry["text"] for entry in json.loads(found.stdout)] == [SQL]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["add", "\udcff", "--grid", "红四"], id="text"),
        pytest.param(["add", "x", "--grid", "红\udcff"], id="option value"),
        pytest.param(["log", "--resident", "\udcff"], id="read command"),
        pytest.param(["done", "\udcff"], id="id"),
        pytest.param(["\udcff"], id="command name"),
    ],
)
def test_an_argument_that_is_not_utf8_is_a_usage_error(gridlog, db_path, logbook, args):
    before = snapshot(db_path)

    result = gridlog(*args)

    error_line(result, 2, "UTF-8")
    assert snapshot(db_path) == before


# --- the database file --------------------------------------------------------

WRITES = [
    pytest.param(["add", "又去看了", "--grid", "红四"], id="add"),
    pytest.param(["done", "{open}"], id="done"),
    pytest.param(["snooze", "{open}", "下周一"], id="snooze"),
    pytest.param(["grid", "add", "红五网格"], id="grid add"),
    pytest.param(["config", "--worker", "马辉"], id="config"),
]
ANY_COMMAND = [
    pytest.param(["add", "x", "--grid", "红四"], id="add"),
    pytest.param(["grid", "add", "红五网格"], id="grid add"),
    pytest.param(["log"], id="log"),
    pytest.param(["due"], id="due"),
    pytest.param(["grid", "list"], id="grid list"),
]


@pytest.mark.parametrize("args", ANY_COMMAND)
def test_a_file_that_is_not_a_database_is_refused_untouched(
    gridlog, db_path, tmp_path, args
):
    junk = bytes(range(256)) * 16
    db_path.write_bytes(junk)
    files = files_under(tmp_path)

    result = gridlog(*args)

    error_line(result, 1, "not a gridlog database")
    assert db_path.read_bytes() == junk
    assert files_under(tmp_path) == files


@pytest.mark.parametrize("args", ANY_COMMAND)
def test_a_damaged_database_is_refused_untouched(
    gridlog, db_path, logbook, tmp_path, args
):
    good = db_path.read_bytes()
    damaged = good[:100] + b"\xff" * (len(good) - 100)  # header intact, pages not
    db_path.write_bytes(damaged)

    result = gridlog(*args)

    error_line(result, 1, "damaged")
    assert db_path.read_bytes() == damaged


@pytest.mark.parametrize("args", ANY_COMMAND)
def test_a_sqlite_file_of_another_program_is_refused_untouched(gridlog, db_path, args):
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("CREATE TABLE foo (bar TEXT)")
        conn.execute("INSERT INTO foo VALUES ('keep me')")
        conn.commit()
    before = snapshot(db_path)

    result = gridlog(*args)

    error_line(result, 1, "another program")
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("lang", "newer"), [("en", "newer gridlog"), ("zh", "更新版本")]
)
@pytest.mark.parametrize("args", ANY_COMMAND)
def test_a_database_from_a_newer_gridlog_is_refused_untouched(
    gridlog, db_path, logbook, args, lang, newer
):
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = snapshot(db_path)

    result = gridlog("--lang", lang, *args)

    error_line(result, 1, newer, "99", lang=lang)
    assert snapshot(db_path) == before


@pytest.mark.parametrize("args", WRITES)
def test_a_locked_database_is_reported_and_left_alone(
    gridlog, db_path, logbook, monkeypatch, args
):
    monkeypatch.setattr(gridlog_db, "BUSY_TIMEOUT_MS", 200)
    before = snapshot(db_path)
    other_writer = sqlite3.connect(db_path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        result = gridlog(*(arg.format(**logbook) for arg in args))
        reading = gridlog("log")
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()

    line = error_line(result, 1, "busy")
    assert "locked" in line
    assert reading.exit_code == 0, reading.output  # WAL: readers are not blocked
    assert "9号楼楼顶漏水" in reading.stdout
    assert snapshot(db_path) == before


def _connect_full(target: str, key: str | None = None) -> sqlite3.Connection:
    """What storage.db._connect gets on a full disk: a file that cannot grow."""
    conn = gridlog_connect(target, key)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    return conn


gridlog_connect = gridlog_db._connect


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["add", "楼顶漏水" * 2000, "--grid", "红四"], id="add"),
        pytest.param(["import", "{csv}"], id="import"),
        pytest.param(["grid", "add", "红五网格", "--building", "楼" * 150], id="grid"),
    ],
)
def test_a_full_disk_is_reported_and_changes_nothing(
    gridlog, db_path, logbook, monkeypatch, tmp_path, args
):
    rows = "\n".join(
        f"2019-03-0{1 + i % 9},红四,第{i}条{'走访' * 300}" for i in range(300)
    )
    (tmp_path / "old.csv").write_text("日期,网格,内容\n" + rows, encoding="utf-8")
    # A full disk: the file cannot grow, and has no free pages within it to reuse
    # (a new log has a few, left by the search indexes made anew in m025).
    conn = sqlite3.connect(db_path)
    conn.execute("VACUUM")
    conn.close()
    before = snapshot(db_path)
    monkeypatch.setattr(gridlog_db, "_connect", _connect_full)
    result = gridlog(*(arg.format(csv=tmp_path / "old.csv") for arg in args))
    error_line(result, 1, "disk is full", "nothing was changed")
    assert snapshot(db_path) == before


def _connect_read_only(target: str, key: str | None = None) -> sqlite3.Connection:
    """What storage.db._connect gets on a read-only mount: a mode=ro connection."""
    conn = sqlite3.connect(
        f"{Path(target).as_uri()}?mode=ro", uri=True, isolation_level=None
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@pytest.fixture(params=["chmod 0o444", "chmod 0o444 and mode=ro"])
def read_only_db(request, monkeypatch, db_path, logbook, unprivileged) -> dict:
    """The log, made read-only (its path is "db"). Root writes through file modes,
    so the chmod case runs gridlog as nobody (`unprivileged`); the other also
    opens the file mode=ro, as on a read-only mount."""
    if "mode=ro" in request.param:
        db_path.chmod(0o444)
        monkeypatch.setattr(gridlog_db, "_connect", _connect_read_only)
        return {**logbook, "db": db_path}
    user = unprivileged()
    user.db.chmod(0o444)
    return {**logbook, "db": user.db}


@pytest.mark.parametrize("args", WRITES)
def test_a_read_only_database_refuses_writes_untouched(gridlog, read_only_db, args):
    before = snapshot(read_only_db["db"])

    result = gridlog(*(arg.format(**read_only_db) for arg in args))

    error_line(result, 1, "read-only")
    assert snapshot(read_only_db["db"]) == before


def test_a_read_only_database_can_still_be_read(gridlog, read_only_db):
    due = gridlog("due", "--days", "1")
    assert due.exit_code == 0, due.output
    assert f"#{read_only_db['open']}" in due.stdout
    log = gridlog("log")
    assert log.exit_code == 0, log.output
    assert "9号楼楼顶漏水" in log.stdout and "6号楼路灯不亮" in log.stdout


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["due"], 0),
        (["log"], 0),
        (["grid", "list"], 0),
        (["config"], 0),
        (["grid", "show", "红四"], 1),
        (["show", "1"], 1),
    ],
)
@pytest.mark.parametrize("given_as", ["GRIDLOG_DB", "--db", "default location"])
def test_looking_at_a_missing_database_creates_no_file(
    gridlog, monkeypatch, tmp_path, given_as, args, exit_code
):
    path = tmp_path / "new" / "gridlog.db"
    if given_as == "GRIDLOG_DB":
        monkeypatch.setenv("GRIDLOG_DB", str(path))
    elif given_as == "--db":
        args = ["--db", str(path), *args]
    else:
        monkeypatch.delenv("GRIDLOG_DB")
        path = tmp_path / "xdg" / "gridlog" / "gridlog.db"
    files = files_under(tmp_path)

    result = gridlog(*args)

    if exit_code:
        error_line(result, exit_code)
    else:
        assert result.exit_code == 0, result.output
    assert not path.exists()
    assert files_under(tmp_path) == files


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["add", "x"], 1),  # no grid: on a new log there is none to give
        (["done", "5"], 1),
        (["done", "abc"], 2),
        (["undo"], 1),
    ],
)
def test_a_failed_write_on_a_missing_database_leaves_nothing(
    gridlog, db_path, args, exit_code
):
    """A command that writes, refused on a missing database, leaves no file behind:
    a log appears with the first thing stored in it; only reading creates nothing."""
    assert not db_path.exists()
    error_line(gridlog(*args), exit_code)
    assert not db_path.exists()
    assert list(db_path.parent.glob(db_path.name + "*")) == []


# --- the environment ----------------------------------------------------------

READ_AND_WRITE = [
    pytest.param(["add", "x", "--grid", "红四"], id="add"),
    pytest.param(["done", "{open}"], id="done"),
    pytest.param(["log"], id="log"),
    pytest.param(["due"], id="due"),
]


@pytest.mark.parametrize("now", ["garbage", "2019-02-29T08:00", "明天"])
@pytest.mark.parametrize("args", READ_AND_WRITE)
def test_an_unreadable_gridlog_now_is_one_line(gridlog, db_path, logbook, args, now):
    before = snapshot(db_path)

    result = gridlog(*(arg.format(**logbook) for arg in args), now=now)

    error_line(result, 1, "GRIDLOG_NOW", now)
    assert snapshot(db_path) == before


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "UTC+8"])
@pytest.mark.parametrize("given_as", ["--tz", "GRIDLOG_TZ"])
@pytest.mark.parametrize("args", READ_AND_WRITE)
def test_an_unknown_time_zone_is_one_line(
    gridlog, db_path, logbook, monkeypatch, args, given_as, zone
):
    args = [arg.format(**logbook) for arg in args]
    if given_as == "--tz":
        args = ["--tz", zone, *args]
    else:
        monkeypatch.setenv("GRIDLOG_TZ", zone)
    before = snapshot(db_path)

    result = gridlog(*args)

    error_line(result, 1, zone)
    assert snapshot(db_path) == before


# --- the language saved with `config --lang` ----------------------------------

SAVED_CHINESE = [
    # (args, the process's sys.argv[1:] (None: args), exit code, language)
    pytest.param(["done", "999"], None, 1, "zh", id="domain error"),
    pytest.param(
        ["done", "abc"],
        None,
        2,
        "zh",
        id="bad id",
    ),
    pytest.param(
        ["add", "x", "--grid", "红四", "--remind-text", "y"],
        None,
        2,
        "zh",
        id="remind-text alone",
    ),
    pytest.param(
        ["add", "用 --lang 切换语言", "--grid", "不存在"],
        None,
        1,
        "zh",
        id="text mentioning --lang",
    ),
    pytest.param(["--lang", "en", "done", "999"], None, 1, "en", id="--lang wins"),
    pytest.param(
        ["--lang", "en", "done", "999"],
        [],
        1,
        "en",
        id="--lang given to main() only",
    ),
]


@pytest.mark.parametrize(("args", "process_argv", "exit_code", "lang"), SAVED_CHINESE)
def test_errors_speak_the_saved_language(
    gridlog, db_path, logbook, monkeypatch, args, process_argv, exit_code, lang
):
    result = gridlog("config", "--lang", "zh")
    assert result.exit_code == 0, result.output
    monkeypatch.delenv("GRIDLOG_LANG")
    argv = args if process_argv is None else process_argv
    monkeypatch.setattr(sys, "argv", ["gridlog", *argv])
    before = snapshot(db_path)

    result = gridlog(*args)

    error_line(result, exit_code, lang=lang)
    assert snapshot(db_path) == before


# --- found as bugs, kept as guards -------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["done", "²"], id="done"),
        pytest.param(["snooze", "²", "明天"], id="snooze"),
        pytest.param(["show", "²"], id="show"),
        pytest.param(["add", "x", "--case", "²"], id="add --case"),
    ],
)
def test_a_superscript_digit_is_not_an_id(gridlog, db_path, logbook, args):
    before = snapshot(db_path)

    result = gridlog(*args)

    error_line(result, 2, "'²'")
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "value"),
    [
        pytest.param(["due", "--days", "99999999"], "99999999", id="due --days"),
        pytest.param(
            ["log", "--limit", "99999999999999999999"],
            "99999999999999999999",
            id="log --limit",
        ),
        pytest.param(
            ["grid", "add", "红五网格", "--households", "99999999999999999999"],
            "99999999999999999999",
            id="grid add --households",
        ),
    ],
)
def test_an_absurd_number_is_a_usage_error(gridlog, db_path, logbook, args, value):
    before = snapshot(db_path)

    result = gridlog(*args)

    error_line(result, 2, value)
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        pytest.param(["add", "x", "--grid", "红\n四"], 1, id="newline in grid"),
        pytest.param(
            ["add", "x", "--grid", "红四", "--at", "明天\n后天"],
            1,
            id="newline in date",
        ),
        pytest.param(
            ["add", "x", "--grid", "红四", "--kind", "走\n访"], 1, id="newline in kind"
        ),
        pytest.param(["done", "4\n2"], 2, id="newline in id"),
        pytest.param(["add", "x", "--grid", "\x1b[2J红四"], 1, id="escape in grid"),
        pytest.param(["--tz", "Asia/Shanghai\x1b[31m", "log"], 1, id="escape in tz"),
    ],
)
def test_an_offending_value_is_echoed_escaped(
    gridlog, db_path, logbook, args, exit_code
):
    before = snapshot(db_path)

    result = gridlog(*args)

    line = error_line(result, exit_code)
    assert not CONTROL.search(line), repr(line)
    assert snapshot(db_path) == before


def test_a_grid_name_with_a_terminal_escape_never_reaches_the_terminal(
    gridlog, logbook
):
    result = gridlog("grid", "add", "红五\x1b[2J网格")
    if result.exit_code != 0:  # refusing the name is a fine answer too
        line = error_line(result, 1)
        assert "\x1b" not in line
        return
    assert "\x1b" not in result.stdout
    for args in (["grid", "list"], ["grid", "show", "红五"]):
        shown = gridlog(*args)
        assert shown.exit_code == 0, shown.output
        assert "\x1b" not in shown.stdout
