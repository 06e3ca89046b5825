"""Bulk loading writes the same records as `add`, in batches, with one history row
per batch."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

from gridlog.context import Context
from gridlog.storage import bulk
from gridlog.storage.db import open_db

ZONE = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2019, 3, 14, 8, 0, tzinfo=ZONE)


def test_loaded_entries_behave_like_added_ones(gridlog, red_grids, db_path):
    conn = open_db(db_path, write=True)
    ctx = Context(now=NOW, zone=ZONE, command="load")
    at = dt.datetime(2019, 3, 10, 9, 0, tzinfo=ZONE)
    rows = [
        bulk.LoadRow(
            at=at + dt.timedelta(minutes=i),
            grid_id=1,
            text=f"走访{i}",
            place="9号楼",
            items=(bulk.LoadItem("followup", dt.date(2019, 3, 12)),) if i % 2 else (),
        )
        for i in range(5)
    ]
    assert bulk.load(conn, ctx, rows, batch=2).stored == 5
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    batches = conn.execute(
        "SELECT after FROM history WHERE command = 'load' ORDER BY id"
    ).fetchall()
    assert [json.loads(b[0])["count"] for b in batches] == [2, 2, 1]
    conn.close()

    due = json.loads(gridlog("due", "--json").stdout)
    assert [item["text"] for item in due] == ["走访1", "走访3"]
    assert all(item["overdue_days"] == 2 for item in due)
    shown = json.loads(gridlog("show", str(due[0]["id"]), "--json").stdout)
    assert shown["visits"] == 1
    assert gridlog("done", str(due[0]["id"])).exit_code == 0
    added = json.loads(gridlog("add", "再走访", "--grid", "红四", "--json").stdout)
    ids = [e["id"] for e in json.loads(gridlog("log", "--json").stdout)]
    assert added["id"] > max(ids[:-1])  # the shared sequence went on after the load
    assert len(set(ids)) == len(ids) == 6


def test_a_load_skips_rows_already_stored_and_is_undone_whole(
    gridlog, red_grids, db_path
):
    conn = open_db(db_path, write=True)
    ctx = Context(now=NOW, zone=ZONE, command="load")
    at = dt.datetime(2019, 3, 10, 9, 0, tzinfo=ZONE)
    rows = [
        bulk.LoadRow(at=at, grid_id=1, text=f"走访{i}", uuid=str(uuid.UUID(int=i + 1)))
        for i in range(5)
    ]
    heard = []
    first = bulk.load(
        conn, ctx, rows[:3], batch=2, on_commit=lambda t: heard.append(t.stored)
    )
    again = bulk.load(conn, ctx, rows, batch=2)
    conn.close()
    assert (first.stored, heard) == (3, [2, 3])
    assert (again.stored, again.skipped) == (2, 3)
    assert len(json.loads(gridlog("log", "--json").stdout)) == 5
    assert gridlog("undo").exit_code == 0  # the second load, both of its batches
    assert len(json.loads(gridlog("log", "--json").stdout)) == 3


def test_a_load_merges_search_segments_less_often_and_puts_the_setting_back(
    gridlog, red_grids, db_path
):
    """While it loads, FTS5 merges its segments once eight are alike (a fifth less
    of its work at a million rows); the everyday setting, FTS5's four, is back once
    the load commits, and what was loaded is found."""
    conn = open_db(db_path, write=True)
    ctx = Context(now=NOW, zone=ZONE, command="load")
    at = dt.datetime(2019, 3, 10, 9, 0, tzinfo=ZONE)
    rows = [bulk.LoadRow(at=at, grid_id=1, text=f"暖气管道漏水{i}") for i in range(3)]
    with conn, bulk.indexed_in_bulk(conn):
        assert _automerge(conn) == {"entries_search": 8, "followups_search": 8}
    assert bulk.load(conn, ctx, rows).stored == 3
    assert _automerge(conn) == {"entries_search": 4, "followups_search": 4}
    conn.close()
    found = json.loads(gridlog("search", "暖气管道", "--json").stdout)
    assert sorted(entry["text"] for entry in found) == [
        f"暖气管道漏水{i}" for i in range(3)
    ]


def _automerge(conn) -> dict[str, int]:
    return {
        table: conn.execute(
            f"SELECT v FROM {table}_config WHERE k = 'automerge'"
        ).fetchone()[0]
        for table in ("entries_search", "followups_search")
    }


def test_a_load_stores_a_missing_value_as_null_and_an_empty_or_zero_text_as_it_is(
    red_grids, db_path
):
    """A load binds the number 0 for a missing value (see `bulk._load_batch`): the
    texts "" and "0" must still be stored as texts, a missing one as NULL."""
    conn = open_db(db_path, write=True)
    ctx = Context(now=NOW, zone=ZONE, command="load")
    at = dt.datetime(2019, 3, 10, 9, 0, tzinfo=ZONE)
    closed = bulk.LoadItem("followup", dt.date(2019, 3, 12), None, at, "0")
    said = {"place": "0", "resident": "", "phone": "0", "worker": ""}
    rows = [
        bulk.LoadRow(
            at=at,
            grid_id=1,
            text="走访",
            items=(bulk.LoadItem("reminder", dt.date(2019, 4, 1)),),
        ),
        bulk.LoadRow(at=at, grid_id=1, text="回访", items=(closed,), **said),
    ]
    bulk.load(conn, ctx, rows)
    columns = "place, building_id, resident, phone, phone_key, worker, case_id"
    stored = conn.execute(f"SELECT {columns} FROM entries ORDER BY id").fetchall()
    items = conn.execute(
        "SELECT closed_at IS NULL, close_note FROM followups ORDER BY id"
    ).fetchall()
    conn.close()
    assert [tuple(row) for row in stored] == [
        (None, None, None, None, None, None, None),
        ("0", None, "", "0", "0", "", 4),
    ]
    assert [tuple(row) for row in items] == [(1, None), (0, "0")]
