"""Encryption at rest with SQLCipher: what the worker asked to hide never reaches the
disk in plain text, every command works as before with the key, and a missing or
wrong key is one clear line with the file left as it was.

Each "no plain text" check runs on a plain database too, as a control: there the
same names are found, so the check can fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gridlog.storage import db as gridlog_db
from gridlog.storage.migrations import schema_version

try:
    import sqlcipher3.dbapi2 as cipher
except ImportError:  # the `encryption` extra is not installed here
    cipher = None

needs_sqlcipher = pytest.mark.skipif(cipher is None, reason="sqlcipher3 missing")

KEY = "马辉的口令 it's long enough"
RESIDENT = "王建国"
PHONE = "13812345678"
SECRETS = [RESIDENT.encode(), PHONE.encode(), "楼顶漏水".encode()]


def files_under(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in path.rglob("*")}


def plaintext_in(*paths: Path) -> list[bytes]:
    """Which of the secrets appear in the bytes of these files."""
    data = b"".join(p.read_bytes() for p in paths if p.exists())
    return [secret for secret in SECRETS if secret in data]


def open_with(path: Path, key: str):
    """A SQLCipher connection to `path` with `key`, as another program would."""
    conn = cipher.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute("PRAGMA key = '" + key.replace("'", "''") + "'")
    return conn


def entries(path: Path, key: str | None) -> list[tuple]:
    conn = open_with(path, key) if key else sqlite3.connect(path)
    with contextlib.closing(conn):
        return conn.execute("SELECT id, text, resident, phone FROM entries").fetchall()


def add_visit(gridlog, *extra: str):
    result = gridlog(
        "add",
        "9号楼楼顶漏水，住户反映",
        "--place",
        "9号楼",
        "--resident",
        RESIDENT,
        "--phone",
        PHONE,
        "--follow-up",
        "明天",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result


def one_error_line(result, *mentions: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in mentions:
        assert text in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("GRIDLOG_KEY", KEY)


@pytest.fixture
def encrypted_log(keyed, gridlog, red_grids, db_path) -> Path:
    """The red grids and one visit, in a database created encrypted."""
    add_visit(gridlog)
    return db_path


@needs_sqlcipher
@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain"])
def test_a_database_created_with_a_key_holds_no_plaintext(
    monkeypatch, gridlog, db_path, encrypted
):
    if encrypted:
        monkeypatch.setenv("GRIDLOG_KEY", KEY)
    assert gridlog("grid", "add", "红四网格", "--building", "9号楼").exit_code == 0
    # Another connection stays open, so the -wal keeps what `add` wrote.
    with contextlib.closing(gridlog_db.open_db(db_path, write=False)) as reader:
        reader.execute("SELECT count(*) FROM entries").fetchone()
        add_visit(gridlog)
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.stat().st_size > 0
        found = plaintext_in(db_path, wal)
    if encrypted:
        assert found == []
        assert not db_path.read_bytes().startswith(b"SQLite format 3")
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(db_path).execute("SELECT * FROM entries").fetchall()
    else:  # the control: the same check finds them in a plain database
        assert found == SECRETS
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


@needs_sqlcipher
def test_an_encrypted_database_works_across_commands(gridlog, encrypted_log, tmp_path):
    due = json.loads(gridlog("due", "--json", now="2019-03-16T08:00").stdout)
    assert [item["overdue_days"] for item in due] == [1]
    case = due[0]["id"]
    assert RESIDENT in gridlog("log").stdout
    found = json.loads(gridlog("search", "楼顶漏水", "--json").stdout)
    assert [hit["id"] for hit in found] == [1]
    assert gridlog("add", "第二次上门", "--case", str(case)).exit_code == 0
    assert gridlog("done", str(case), "--note", "修好了").exit_code == 0
    assert gridlog("undo").exit_code == 0
    shown = gridlog("show", str(case)).stdout
    assert "open" in shown and "visit 2" in shown and RESIDENT not in shown
    check = gridlog("check")
    assert check.exit_code == 0, check.output
    assert "Encrypted with SQLCipher" in check.stdout

    copy = tmp_path / "copy.db"
    result = gridlog("backup", str(copy))
    assert result.exit_code == 0, result.output
    assert plaintext_in(copy) == []
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert entries(copy, KEY)[0][2:] == (RESIDENT, PHONE)
    with pytest.raises(cipher.DatabaseError):
        entries(copy, "another key")
    with pytest.raises(sqlite3.DatabaseError):
        entries(copy, None)
    assert gridlog("--db", str(copy), "log").stdout == gridlog("log").stdout


@needs_sqlcipher
@pytest.mark.parametrize("key", ["wrong", "马辉的口令", KEY + " "])
def test_a_wrong_key_is_one_line_and_changes_nothing(
    gridlog, encrypted_log, monkeypatch, tmp_path, key
):
    before = files_under(tmp_path)
    monkeypatch.setenv("GRIDLOG_KEY", key)
    for args in (["due"], ["add", "x", "--grid", "红四"], ["check"]):
        one_error_line(gridlog(*args), "wrong key")
    assert files_under(tmp_path) == before


@needs_sqlcipher
def test_a_wrong_key_prints_nothing_else_even_from_sqlcipher(encrypted_log):
    """SQLCipher logs failed page checks to stderr itself, below Python: not here."""
    env = {**os.environ, "GRIDLOG_KEY": "wrong"}
    result = subprocess.run(
        [sys.executable, "-m", "gridlog", "due"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "Error: wrong key, or the file is damaged (or not a gridlog database);"
        " nothing was changed.\n"
    )


@needs_sqlcipher
def test_without_a_key_and_no_terminal_it_says_to_set_gridlog_key(
    gridlog, encrypted_log, monkeypatch, tmp_path
):
    before = files_under(tmp_path)
    monkeypatch.delenv("GRIDLOG_KEY")
    one_error_line(gridlog("due"), "is encrypted", "set GRIDLOG_KEY")
    one_error_line(gridlog("--lang", "zh", "log"), "GRIDLOG_KEY")
    assert files_under(tmp_path) == before


@needs_sqlcipher
def test_on_a_terminal_the_key_is_asked_for(
    gridlog, encrypted_log, monkeypatch, tmp_path
):
    monkeypatch.delenv("GRIDLOG_KEY")
    monkeypatch.setattr("gridlog.cli.prompts.interactive", lambda: True)
    asked = []

    def typed(prompt: str) -> str:
        asked.append(prompt)
        return KEY if len(asked) == 1 else "typo"

    monkeypatch.setattr("getpass.getpass", typed)
    assert RESIDENT in gridlog("log").stdout
    assert asked == [f"Key for {encrypted_log}: "]
    one_error_line(gridlog("log"), "wrong key")


@needs_sqlcipher
def test_a_key_with_quotes_is_a_key_not_sql(gridlog, monkeypatch, tmp_path):
    nasty = "x'; ATTACH DATABASE 'pwned.db' AS p; CREATE TABLE p.t (a); --"
    monkeypatch.setenv("GRIDLOG_KEY", nasty)
    assert gridlog("grid", "add", "红四网格", "--building", "9号楼").exit_code == 0
    add_visit(gridlog)
    assert RESIDENT in gridlog("log").stdout
    assert not list(tmp_path.rglob("pwned.db"))
    assert entries(tmp_path / "gridlog.db", nasty)[0][2] == RESIDENT
    monkeypatch.setenv("GRIDLOG_KEY", "x")
    one_error_line(gridlog("log"), "wrong key")


@needs_sqlcipher
def test_a_key_for_a_plain_database_is_not_silently_ignored(
    gridlog, red_grids, db_path, monkeypatch, tmp_path
):
    add_visit(gridlog)
    before = files_under(tmp_path)
    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    one_error_line(gridlog("due"), "not encrypted", "gridlog encrypt")
    assert files_under(tmp_path) == before


@needs_sqlcipher
def test_encrypt_converts_a_plain_database_keeping_every_record(
    gridlog, red_grids, db_path, monkeypatch, tmp_path
):
    add_visit(gridlog)
    assert gridlog("add", "第二次上门", "--case", "2").exit_code == 0
    log = gridlog("log", "--json").stdout
    counts = gridlog("check").stdout.splitlines()[-1]
    old_copy = db_path.with_name(db_path.name + ".v1.bak")  # as an upgrade leaves
    with (
        contextlib.closing(sqlite3.connect(db_path)) as conn,
        contextlib.closing(sqlite3.connect(old_copy)) as copy,
    ):
        conn.backup(copy)
    assert plaintext_in(db_path) == SECRETS  # the control

    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    result = gridlog("encrypt")

    assert result.exit_code == 0, result.output
    assert "Encrypted" in result.stdout and "2 entries" in result.stdout
    assert "still in plain text; delete them" in result.stdout
    assert str(old_copy) in result.stdout
    assert plaintext_in(db_path, db_path.with_name(db_path.name + "-wal")) == []
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    left = {p.name for p in tmp_path.iterdir()} - {"xdg"}
    assert left == {"gridlog.db", "gridlog.db.v1.bak"}  # no temporary file, no -wal
    assert gridlog("log", "--json").stdout == log
    assert gridlog("check").stdout.splitlines()[-1] == counts
    with contextlib.closing(open_with(db_path, KEY)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()

    one_error_line(gridlog("encrypt"), "already encrypted")
    assert gridlog("decrypt").exit_code == 0
    monkeypatch.delenv("GRIDLOG_KEY")
    assert gridlog("log", "--json").stdout == log
    assert plaintext_in(db_path) == SECRETS
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@needs_sqlcipher
def test_encrypt_asks_twice_on_a_terminal_and_stops_if_they_differ(
    gridlog, red_grids, db_path, monkeypatch, tmp_path
):
    add_visit(gridlog)
    before = files_under(tmp_path)
    one_error_line(gridlog("encrypt"), "GRIDLOG_KEY", "never on the command line")
    monkeypatch.setattr("gridlog.cli.prompts.interactive", lambda: True)
    answers = iter([KEY, KEY + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    one_error_line(gridlog("encrypt"), "differ")
    assert files_under(tmp_path) == before

    answers = iter([KEY, KEY])
    assert gridlog("encrypt").exit_code == 0
    assert plaintext_in(db_path) == []
    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    assert RESIDENT in gridlog("log").stdout


@needs_sqlcipher
def test_decrypt_with_a_wrong_key_changes_nothing(
    gridlog, encrypted_log, monkeypatch, tmp_path
):
    before = files_under(tmp_path)
    monkeypatch.setenv("GRIDLOG_KEY", "wrong")
    one_error_line(gridlog("decrypt"), "wrong key")
    monkeypatch.delenv("GRIDLOG_KEY")
    one_error_line(gridlog("decrypt"), "set GRIDLOG_KEY")
    monkeypatch.setattr("gridlog.cli.prompts.interactive", lambda: True)

    def ctrl_d(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("getpass.getpass", ctrl_d)
    one_error_line(gridlog("decrypt"), "cancelled")
    assert files_under(tmp_path) == before


READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM entries").fetchone()
print("reading", flush=True)
sys.stdin.readline()
"""


@needs_sqlcipher
def test_encrypt_refuses_while_another_gridlog_has_the_database_open(
    gridlog, red_grids, db_path, monkeypatch, tmp_path
):
    add_visit(gridlog)
    monkeypatch.setattr(gridlog_db, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    before = entries(db_path, None)
    # Another process (locks between two SQLite libraries in one process are not
    # seen), in the middle of reading.
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline() == "reading\n"
        result = gridlog("encrypt")
    finally:
        reader.communicate("done\n", timeout=60)
    assert result.exit_code == 1, result.output
    one_error_line(result, "another gridlog has the database open")
    assert entries(db_path, None) == before
    assert plaintext_in(db_path) == SECRETS
    assert not [p for p in tmp_path.iterdir() if "converting" in p.name]
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@needs_sqlcipher
def test_a_locked_encrypted_database_is_reported_as_busy(
    gridlog, encrypted_log, monkeypatch
):
    """SQLCipher raises its own exception classes: they get the same one line."""
    monkeypatch.setattr(gridlog_db, "BUSY_TIMEOUT_MS", 200)
    with contextlib.closing(open_with(encrypted_log, KEY)) as other:
        other.execute("BEGIN IMMEDIATE")
        result = gridlog("add", "x", "--grid", "红四")
        other.execute("ROLLBACK")
    one_error_line(result, "busy")


@needs_sqlcipher
def test_an_upgrade_backs_up_an_encrypted_database_encrypted(
    gridlog, encrypted_log, monkeypatch
):
    from gridlog.storage import migrations

    def m999_harmless(database) -> None:
        database.execute("CREATE TABLE later (x)")

    version = schema_version()
    monkeypatch.setattr(
        migrations, "MIGRATIONS", (*migrations.MIGRATIONS, m999_harmless)
    )
    assert RESIDENT in gridlog("log").stdout

    old = encrypted_log.with_name(f"{encrypted_log.name}.v{version}.bak")
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert plaintext_in(old) == []
    with contextlib.closing(open_with(old, KEY)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert entries(old, KEY)[0][2] == RESIDENT


@needs_sqlcipher
def test_writers_queue_on_an_encrypted_database(encrypted_log):
    """Two processes adding at once, each opening with the key: nothing lost."""
    writer = (
        "import io, sys\n"
        "from contextlib import redirect_stdout\n"
        "from gridlog.cli.main import main\n"
        "for i in range(8):\n"
        "    with redirect_stdout(io.StringIO()):\n"
        "        assert main(['add', f'{sys.argv[1]} {i}', '--grid', '红四']) == 0\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", writer, name], env=os.environ)
        for name in ("甲", "乙")
    ]
    assert [proc.wait(timeout=300) for proc in procs] == [0, 0]
    assert len(entries(encrypted_log, KEY)) == 1 + 16


def test_without_sqlcipher_an_encrypted_start_is_refused_clearly(
    gridlog, monkeypatch, db_path
):
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    monkeypatch.setitem(sys.modules, "sqlcipher3.dbapi2", None)
    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    one_error_line(gridlog("grid", "add", "红四网格"), "gridlog[encryption]")
    assert not db_path.exists()


def test_no_command_takes_a_key_on_the_command_line(gridlog):
    import typer

    from gridlog.cli.app import build_app

    command = typer.main.get_command(build_app())
    names = []

    def walk(cmd) -> None:
        names.extend(n for p in cmd.params for n in p.opts + p.secondary_opts)
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(command)
    assert "--db" in names  # the walk sees the options
    assert not [n for n in names if any(w in n for w in ("key", "pass", "secret"))]
    result = gridlog("--key", KEY, "due")
    assert result.exit_code == 2
    result = gridlog("encrypt", "--key", KEY)
    assert result.exit_code == 2


@needs_sqlcipher
def test_encrypt_and_decrypt_through_a_symlink_convert_the_real_file(
    gridlog, red_grids, db_path, monkeypatch, tmp_path
):
    add_visit(gridlog)
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    monkeypatch.setenv("GRIDLOG_DB", str(link))
    monkeypatch.setenv("GRIDLOG_KEY", KEY)

    assert gridlog("encrypt").exit_code == 0
    assert link.is_symlink() and link.resolve() == db_path
    assert plaintext_in(db_path) == []  # the real database, not the link, is encrypted
    assert gridlog("log").exit_code == 0

    assert gridlog("decrypt").exit_code == 0
    assert link.is_symlink() and link.resolve() == db_path
    assert plaintext_in(db_path) == SECRETS
