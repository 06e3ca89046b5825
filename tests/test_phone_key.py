"""The digits of an entry's phone, kept beside it (`entries.phone_key`) for the search
to read off a plain index: every way of writing an entry keeps them, they are what
the expression index of schema 10 to 19 computed, and an older log upgraded finds
the same phones."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridlog.storage.migrations import ENTRY_PHONE_DIGITS
from gridlog.storage.phone_keys import phone_key

FIXTURES = Path(__file__).parent / "fixtures"
# What people put in a phone cell: digits plain and full-width, the separators the
# key drops (ASCII and full-width, the ideographic space), and what it keeps.
PHONE_CHARACTERS = "0123456789０１２３４５６７８９ -()+.\u3000－（）＋/#xX転、\t"


def ok(gridlog, *args: str, now: str | None = None):
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result


def found(gridlog, number: str, *db: str) -> list[str]:
    hits = json.loads(ok(gridlog, *db, "search", number, "--json").stdout)
    return sorted(hit["text"] for hit in hits)


def stale_keys(path: Path) -> list[tuple]:
    """Entries whose key is not what schema 19's index computed from their phone."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            f"SELECT id, phone, phone_key FROM entries"
            f" WHERE phone_key IS NOT {ENTRY_PHONE_DIGITS}"
        ).fetchall()
    finally:
        conn.close()


def old_expression(conn: sqlite3.Connection, phone: str | None) -> str | None:
    return conn.execute(
        f"SELECT {ENTRY_PHONE_DIGITS} FROM (SELECT ? AS phone)", (phone,)
    ).fetchone()[0]


SQL = sqlite3.connect(":memory:")


@given(st.text(alphabet=PHONE_CHARACTERS, max_size=24) | st.text(max_size=12))
def test_the_key_is_what_the_old_index_computed(phone):
    assert phone_key(phone) == old_expression(SQL, phone)


def test_no_phone_has_no_key():
    assert phone_key(None) is None is old_expression(SQL, None)


def test_every_way_of_writing_an_entry_keeps_its_phone_key(
    gridlog, red_grids, db_path, tmp_path
):
    full_width = "１３８ １２３４ ５６７８"
    ok(gridlog, "add", "楼道灯坏了", "--grid", "红四", "--phone", full_width)
    ok(gridlog, "add", "回访", "--grid", "红四", "--phone", "(010) 6512-3456")
    ok(gridlog, "add", "写错号码", "--grid", "红四", "--phone", "13600001111")
    ok(gridlog, "edit", "3", "--phone", "+86 139-0000-2222")
    assert found(gridlog, "13600001111") == []
    assert found(gridlog, "13900002222") == ["写错号码"]
    ok(gridlog, "undo")
    assert found(gridlog, "13600001111") == ["写错号码"]
    ok(gridlog, "delete", "3")
    assert found(gridlog, "13600001111") == []
    ok(gridlog, "undo")
    assert found(gridlog, "13600001111") == ["写错号码"]
    old_log = tmp_path / "2018.csv"
    old_log.write_text(
        "日期,网格,内容,电话\n2018-11-02,红四,旧日志来电,138－5555－6666\n",
        encoding="utf-8",
    )
    ok(gridlog, "import", str(old_log))
    assert found(gridlog, "13855556666") == ["旧日志来电"]
    assert stale_keys(db_path) == []

    export = tmp_path / "log.jsonl"
    ok(gridlog, "export", str(export))
    assert "phone_key" not in export.read_text(encoding="utf-8")
    copy = tmp_path / "copy.db"
    ok(gridlog, "--db", str(copy), "merge", str(export))  # a new log
    assert found(gridlog, "65123456", "--db", str(copy)) == ["回访"]
    assert stale_keys(copy) == []
    other = tmp_path / "other.db"
    ok(gridlog, "--db", str(other), "grid", "add", "别处网格")
    ok(
        gridlog,
        *("--db", str(other), "add", "别处的一条", "--grid", "别处网格"),
        *("--phone", "13711112222"),
    )
    ok(gridlog, "--db", str(other), "merge", str(export))  # a log of its own
    assert found(gridlog, "5678", "--db", str(other)) == ["楼道灯坏了"]
    assert stale_keys(other) == []


def test_the_history_holds_no_key(gridlog, red_grids):
    ok(gridlog, "add", "来电", "--grid", "红四", "--phone", "13812345678")
    ok(gridlog, "edit", "1", "--phone", "13900002222")
    ok(gridlog, "delete", "1")
    ok(gridlog, "undo")
    changes = json.loads(ok(gridlog, "history", "1", "--json", "--reveal").stdout)
    assert "phone_key" not in json.dumps(changes)


def test_a_forgotten_residents_phone_leaves_no_key(gridlog, red_grids, db_path):
    ok(gridlog, "resident", "add", "王建国", "--place", "9号楼1单元101")
    ok(
        gridlog,
        *("add", "王建国来电", "--grid", "红四", "--resident", "王建国"),
        *("--phone", "13812345678"),
    )
    ok(gridlog, "resident", "forget", "王建国")
    assert found(gridlog, "13812345678") == []
    assert stale_keys(db_path) == []


def test_an_upgraded_log_finds_the_same_phones(gridlog, db_path):
    shutil.copyfile(FIXTURES / "schema-19.db", db_path)
    db_path.chmod(0o600)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE counters SET value = 1 WHERE name = 'hub_tracking'")
    conn.commit()
    dirty = conn.execute("SELECT count(*) FROM hub_dirty").fetchone()[0]
    conn.close()
    for number in ("13812345678", "138-1234-5678", "１３８１２３４５６７８", "5678"):
        assert found(gridlog, number) == ["王大爷明年满80岁，提醒办高龄补贴"]
    assert stale_keys(db_path) == []
    conn = sqlite3.connect(db_path)
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    # The upgrade touched no record: nothing to send to the hub because of it.
    assert conn.execute("SELECT count(*) FROM hub_dirty").fetchone()[0] == dirty
    conn.close()
    assert "entries_phone" not in names and "entries_phone_key" in names


@pytest.mark.usefixtures("red_grids")
def test_a_key_written_by_another_program_is_still_found(gridlog, db_path):
    ok(gridlog, "add", "第一条", "--grid", "红四")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO entries (id, uuid, at, grid_id, phone, text, created_at,"
            " updated_at) SELECT 99, 'u-99', at, grid_id, '138 1234 5678',"
            " '别的程序写的', created_at, updated_at FROM entries WHERE id = 1"
        )
    conn.close()
    assert found(gridlog, "13812345678") == ["别的程序写的"]
    assert stale_keys(db_path) == []
