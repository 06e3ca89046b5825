"""Where the database lives, how it is created, and what every write leaves behind."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from sqlite_utils import Database

from gridlog.storage import db, migrations
from gridlog.storage.migrations import schema_version


def test_the_schema_version_is_the_count_of_migrations_in_their_order():
    names = [step.__name__ for step in migrations.MIGRATIONS]
    assert [int(name[1:4]) for name in names] == list(range(1, schema_version() + 1))


def test_migrating_an_empty_database_gives_the_tables_and_columns(tmp_path):
    conn = db.open_db(tmp_path / "new.db", write=True)
    tables = Database(conn).table_names()
    assert {"grids", "buildings", "entries", "followups", "history"} <= set(tables)
    columns = {c.name for c in Database(conn)["entries"].columns}
    assert {"id", "uuid", "at", "grid_id", "place", "text", "case_id"} <= columns
    followup_columns = {c.name for c in Database(conn)["followups"].columns}
    assert {"due_on", "opened_at", "closed_at"} <= followup_columns
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == db.BUSY_TIMEOUT_MS


def test_database_location_prefers_option_then_env_then_data_dir(tmp_path):
    option = tmp_path / "option.db"
    env = {"GRIDLOG_DB": str(tmp_path / "env.db"), "XDG_DATA_HOME": str(tmp_path)}
    assert db.resolve_path(option, env) == option
    assert db.resolve_path(None, env) == tmp_path / "env.db"
    del env["GRIDLOG_DB"]
    assert db.resolve_path(None, env) == tmp_path / "gridlog" / "gridlog.db"


# Runs gridlog with the most careless umask there is, set for real in its own process.
CARELESS = (
    "import os, sys; os.umask(0); from gridlog.cli.main import main;"
    " sys.exit(main(sys.argv[1:]))"
)


def careless(*args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    """`gridlog ARGS...` in a process whose umask is 0 (files 0666, folders 0777
    unless gridlog says otherwise)."""
    return subprocess.Popen(
        [sys.executable, "-c", CARELESS, *args],
        env=env or dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def finish(process: subprocess.Popen, stdin: str | None = None) -> str:
    out, err = process.communicate(stdin, timeout=60)
    assert process.returncode == 0, err
    return out


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_umask_zero_really_is_careless(tmp_path):
    """The control: the same process does create world-writable files."""
    script = CARELESS.replace(
        "from gridlog.cli.main import main; sys.exit(main(sys.argv[1:]))",
        "open(sys.argv[1], 'w').close(); os.mkdir(sys.argv[2])",
    )
    subprocess.run(
        [sys.executable, "-c", script, tmp_path / "f", tmp_path / "d"], check=True
    )
    assert (mode(tmp_path / "f"), mode(tmp_path / "d")) == (0o666, 0o777)


def test_default_location_is_created_private(tmp_path):
    """The folder, the database and its -wal and -shm, seen while gridlog holds them
    open: `gridlog merge -` creates the database, then waits for its input inside
    its write transaction."""
    env = {k: v for k, v in os.environ.items() if k != "GRIDLOG_DB"}
    folder = tmp_path / "xdg" / "gridlog"
    path = folder / "gridlog.db"
    merging = careless("merge", "-", env=env, stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        names = ("gridlog.db", "gridlog.db-wal", "gridlog.db-shm")
        wal = folder / "gridlog.db-wal"
        # Wait until the schema is committed into the -wal (it exists, empty, first).
        while not (
            all((folder / name).exists() for name in names) and wal.stat().st_size
        ):
            assert time.monotonic() < deadline, "gridlog never opened its database"
            assert merging.poll() is None, merging.communicate()
            time.sleep(0.05)
        assert mode(folder) == 0o700
        assert {name: mode(folder / name) for name in names} == dict.fromkeys(
            names, 0o600
        )
        assert path.stat().st_size > 0
    finally:
        merging.stdin.close()
        merging.wait(timeout=60)
    # `merge -` of nothing is refused, and a refused first command leaves no log.
    left = list(folder.iterdir()) if folder.exists() else []
    assert [f for f in left if mode(f) != 0o600] == []


def test_every_file_gridlog_writes_is_private_under_umask_zero(tmp_path):
    """Backups, exports (jsonl, csv, xlsx), import reject files, monthly reports and
    the copy an upgrade leaves, each written by a gridlog whose umask is 0."""
    env = dict(os.environ)
    finish(careless("grid", "add", "红四网格", "--alias", "红四", env=env))
    finish(careless("add", "王建国反映漏水", "--grid", "红四", env=env))
    written = [tmp_path / name for name in ("copy.db", "a.jsonl", "a.csv", "a.xlsx")]
    finish(careless("backup", str(written[0]), env=env))
    for target in written[1:]:
        finish(careless("export", str(target), env=env))
    bad = tmp_path / "old.csv"
    bad.write_text("日期,网格,内容\n2019-02-30,红四,坏日期\n2019-03-01,红四,好\n")
    rejects = tmp_path / "old.rejects.csv"
    finish(careless("import", str(bad), "--skip-bad", "--rejects", str(rejects)))
    written.append(rejects)
    for kind in ("html", "xlsx"):
        target = tmp_path / f"report.{kind}"
        report = ("report", "--month", "2019-03", "--format", kind, "--output")
        finish(careless(*report, str(target)))
        written.append(target)
    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-2.db", old)
    finish(careless("--db", str(old), "check", env=env))
    written.append(tmp_path / "old.db.v2.bak")
    assert {path.name: mode(path) for path in written} == {
        path.name: 0o600 for path in written
    }


def test_private_even_under_a_permissive_umask(tmp_path):
    import os

    old = os.umask(0)
    try:
        conn = db.open_db(tmp_path / "open.db", write=True)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO settings VALUES ('worker', 'x')")
        conn.execute("COMMIT")
    finally:
        os.umask(old)
    for name in ("open.db", "open.db-wal", "open.db-shm"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_read_commands_never_create_or_write(gridlog, db_path: Path):
    for args in (("due",), ("log",), ("grid", "list"), ("config",)):
        result = gridlog(*args)
        assert result.exit_code == 0, result.output
    assert not db_path.exists()


def test_read_commands_open_query_only(red_grids, db_path):
    conn = db.open_db(db_path, write=False)
    try:
        conn.execute("INSERT INTO settings VALUES ('worker', 'x')")
    except sqlite3.OperationalError as exc:
        assert "readonly" in str(exc)
    else:
        raise AssertionError("a read connection accepted a write")


def test_every_change_is_kept_in_history_grouped_by_command(
    gridlog, red_grids, read_db
):
    added = json.loads(
        gridlog(
            "add", "楼顶漏水", "--place", "9号楼", "--follow-up", "明天", "--json"
        ).stdout
    )
    assert gridlog("snooze", str(added["id"]), "下周一").exit_code == 0
    with read_db() as conn:
        rows = conn.execute(
            "SELECT op, command, table_name, action, before, after FROM history"
            " WHERE table_name IN ('entries', 'followups') ORDER BY id"
        ).fetchall()
    add_ops = {row["op"] for row in rows if row["command"] == "add"}
    assert len(add_ops) == 1  # one command, one op
    snooze = [row for row in rows if row["command"] == "snooze"]
    assert len(snooze) == 1
    assert json.loads(snooze[0]["before"])["due_on"] == "2019-03-15"
    assert json.loads(snooze[0]["after"])["due_on"] == "2019-03-18"


def test_records_have_small_ids_and_uuids(gridlog, red_grids, read_db):
    for text in ("一", "二", "三"):
        assert gridlog("add", text, "--grid", "红四").exit_code == 0
    with read_db() as conn:
        rows = conn.execute("SELECT id, uuid FROM entries ORDER BY id").fetchall()
    assert [row["id"] for row in rows] == [1, 2, 3]
    assert len({row["uuid"] for row in rows}) == 3


def test_instants_are_utc_and_dates_are_plain(gridlog, red_grids, read_db):
    result = gridlog(
        "add",
        "跑水",
        "--grid",
        "红四",
        "--at",
        "2019-03-14 08:10",
        "--follow-up",
        "2019-03-20",
    )
    assert result.exit_code == 0, result.output
    with read_db() as conn:
        entry = conn.execute("SELECT at, created_at FROM entries").fetchone()
        item = conn.execute("SELECT due_on, opened_at FROM followups").fetchone()
    assert entry["at"] == "2019-03-14T00:10:00Z"  # 08:10 in Shanghai
    assert entry["created_at"] == "2019-03-14T00:00:00Z"  # GRIDLOG_NOW 08:00
    assert item["due_on"] == "2019-03-20"
    assert item["opened_at"] == entry["at"]


def test_an_old_schema_is_backed_up_then_upgraded_in_one_go(db_path):
    """A database of schema 1 (before search) is copied aside, then migrated."""
    old = Database(db_path)
    migrations.apply(old.conn, 0, until=1)
    old.execute(
        "INSERT INTO grids (uuid, name, created_at, updated_at)"
        " VALUES ('u', '红四网格', 'x', 'x')"
    )
    old.conn.commit()
    old.close()

    upgraded = db.open_db(db_path, write=False)
    names = {row[0] for row in upgraded.execute("SELECT name FROM sqlite_master")}
    assert "entries_search" in names
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert upgraded.execute("SELECT name FROM grids").fetchone()[0] == "红四网格"
    backup = db_path.with_name(db_path.name + ".v1.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    names = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    assert "entries_search" not in names


def test_a_schema_2_database_gets_the_report_indexes(db_path):
    """m003 swaps the follow-up indexes of m001 for covering ones, keeping the data."""
    old = Database(db_path)
    migrations.apply(old.conn, 0, until=2)
    old.conn.commit()
    old.close()

    upgraded = db.open_db(db_path, write=False)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == schema_version()

    def columns(index: str) -> list[str]:
        return [row[2] for row in upgraded.execute(f"PRAGMA index_info({index})")]

    assert columns("followups_opened") == ["opened_at", "type", "grid_id", "entry_id"]
    closed = ["closed_at", "type", "grid_id", "opened_at", "due_on"]
    closed.append("closed_day_unknown")  # m011: a case closed on an unknown day
    closed.append("closed_time_unknown")  # m013: closed on a day, hour unknown
    closed.append(None)  # m021: the minutes each took to close (an expression)
    assert columns("followups_closed") == closed
    assert columns("followups_due") == ["due_on", "grid_id", "closed_at"]
