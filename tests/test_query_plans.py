"""The everyday queries run on indexes, so that their cost follows what is shown
(today's items, 50 entries, one month), not the size of the whole log."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gridlog.domain import log, report
from gridlog.storage.db import open_db

ZONE = ZoneInfo("Asia/Shanghai")
BIG_TABLES = ("entries", "followups", "history")


def plans(db_path, run) -> list[tuple[str, list[str]]]:
    """Run `run(conn)`, then EXPLAIN every SELECT it sent to SQLite."""
    conn = open_db(db_path, write=False)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    run(conn)
    conn.set_trace_callback(None)
    out = []
    for sql in statements:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            rows = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            out.append((sql, [row[3] for row in rows]))
    conn.close()
    return out


def full_scans(details: list[str]) -> list[str]:
    """Plan lines that walk a whole big table or index. Walking the partial index of
    open items is fine: it holds what is open now, not the history."""
    return [
        line
        for line in details
        if line.startswith("SCAN")
        and line.split()[1] in ("e", "f", "h", *BIG_TABLES)
        and "followups_open" not in line
    ]


@pytest.fixture
def db(gridlog, red_grids, db_path):
    for args in (
        ("楼北侧大面积跑水", "--place", "9号楼", "--follow-up", "明天"),
        ("回访", "--grid", "红一", "--remind", "2020年"),
    ):
        assert gridlog("add", *args).exit_code == 0
    return db_path


def test_due_uses_the_open_items_index(db):
    found = plans(db, lambda c: log.due_items(c, dt.date(2019, 3, 14), days=7))
    [(_sql, details)] = [p for p in found if "followups" in p[0]]
    assert any("followups_open_due" in line for line in details), details
    assert full_scans(details) == []


def test_due_on_screen_reads_recent_items_and_counts_the_backlog_by_index(db):
    """The morning screen reads a bounded range of the open-items index (today and
    the last week) and counts the older backlog on the open items' index alone."""

    def run(conn):
        day = dt.date(2019, 3, 14)
        log.due_items(conn, day, days=7, recent_only=True)
        log.due_backlog(conn, day)

    found = [p for p in plans(db, run) if "followups" in p[0]]
    assert len(found) == 2
    recent = found[0]
    assert "f.due_on >= '2019-03-07'" in recent[0]
    bounded = "followups_open_due (due_on>? AND due_on<?)"
    assert any(bounded in line for line in recent[1]), recent
    for sql, details in found:
        assert any("followups_open" in line for line in details), (sql, details)
        assert full_scans(details) == [], (sql, details)


def test_log_reads_the_newest_entries_by_index(db):
    found = plans(db, lambda c: log.log_entries(c, ZONE, log.LogFilter(limit=50)))
    [(sql, details)] = found
    # Newest first straight off the index, stopping after 50: no sort, no full read.
    assert details[0] == "SCAN e USING INDEX entries_month", details
    assert "LIMIT 50" in sql
    assert not any("TEMP B-TREE FOR ORDER BY" in line for line in details), details


def test_log_by_grid_uses_the_grid_index(db):
    found = plans(
        db,
        lambda c: log.log_entries(c, ZONE, log.LogFilter(grid_ids=[1], limit=50)),
    )
    [(_sql, details)] = found
    assert any("entries_grid_at" in line for line in details), details
    assert full_scans(details) == []


def test_every_report_query_is_bounded_by_an_index(db):
    found = plans(
        db,
        lambda c: report.build_report(c, ZONE, report.month_period(2019, 3)),
    )
    assert len(found) > 10
    for sql, details in found:
        assert full_scans(details) == [], (sql, details)
    # (the unvisited households' query has its own test below)
    entry_queries = [
        d for s, d in found if "FROM entries e" in s and "FROM residents" not in s
    ]
    assert all(any("entries_month" in line for line in d) for d in entry_queries)
    open_queries = [d for s, d in found if "closed_at IS NULL AND +" in s]
    assert open_queries and all(
        any("followups_open" in line for line in d) for d in open_queries
    )


def test_report_reads_its_rows_from_covering_indexes(db):
    """The month's entries and its follow-ups opened, closed and due are counted from
    the index alone: reading each row instead costs a page per row at a million."""
    found = plans(
        db,
        lambda c: report.build_report(c, ZONE, report.month_period(2019, 3)),
    )
    for marker, index in (
        ("FROM entries e", "entries_month"),
        ("f.opened_at >=", "followups_opened"),
        ("f.closed_at >=", "followups_closed"),
        ("JOIN days", "followups_due"),  # each day's items (by grid: grid by grid)
    ):
        # (The scheduled reminders' list reads its few rows, LIMIT 10, by due date.)
        queries = [
            details
            for sql, details in found
            if marker in sql and "FROM residents" not in sql and "LIMIT" not in sql
        ]
        assert queries, marker
        for details in queries:
            assert any(f"COVERING INDEX {index} " in line for line in details), (
                marker,
                details,
            )


def test_the_times_to_resolve_are_read_from_the_index_of_closed_items(db):
    """The index of closed items holds each one's minutes to close (m021), as the
    expression the report computes them with: SQLite takes the value from the
    index, and calls no function (no timestamp parsed) for a month's closed items."""
    conn = open_db(db, write=False)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    report.build_report(conn, ZONE, report.month_period(2019, 3))
    conn.set_trace_callback(None)
    timed = [s for s in statements if report._MINUTES_TO_CLOSE in s]
    assert len(timed) == 2  # the period's and the one before's
    for sql in timed:
        program = conn.execute("EXPLAIN " + sql).fetchall()
        assert [row for row in program if row[1] in ("Function", "PureFunc")] == []
    conn.close()


def test_search_of_three_characters_uses_the_trigram_indexes(db):
    from gridlog.domain.search import search_entries

    found = plans(
        db, lambda c: search_entries(c, ZONE, "大面积", log.LogFilter(limit=20))
    )
    text = {sql: details for sql, details in found}
    fts = [d for sql, d in text.items() if "MATCH" in sql]
    assert any("entries_search VIRTUAL TABLE INDEX" in " ".join(d) for d in fts)
    assert any("followups_search VIRTUAL TABLE INDEX" in " ".join(d) for d in fts)
    fetch = [d for sql, d in text.items() if "FROM entries e" in sql]
    assert fetch, found
    for details in fetch:  # entries are fetched by id, never scanned
        assert full_scans(details) == [], details
        assert any("INTEGER PRIMARY KEY" in line for line in details), details


def test_stale_households_find_last_visits_by_index(db, gridlog):
    from gridlog.domain.coverage import stale_households

    assert (
        gridlog("resident", "add", "王建国", "--place", "9号楼1单元101").exit_code == 0
    )
    found = plans(db, lambda c: stale_households(c, ZONE, dt.date(2019, 3, 14), 30))
    [(_sql, details)] = [p for p in found if "residents" in p[0]]
    assert any("entries_place_at" in line for line in details), details
    assert any("entries_resident" in line for line in details), details
    assert full_scans(details) == []


def test_coverage_looks_up_each_households_visits_by_index(db, gridlog):
    from gridlog.domain.coverage import visit_coverage

    assert (
        gridlog("resident", "add", "王建国", "--place", "9号楼1单元101").exit_code == 0
    )
    march = (dt.date(2019, 3, 1), dt.date(2019, 4, 1))
    found = plans(db, lambda c: visit_coverage(c, ZONE, *march))
    [(_sql, details)] = [p for p in found if "residents" in p[0]]
    # Not covering: each of a household's few entries that month is read, to pass
    # over register entries (writing someone down is no visit).
    assert any("INDEX entries_place_at (place=? AND at>" in x for x in details), details
    assert any("INDEX entries_resident (resident_id=? AND at>" in x for x in details)
    assert full_scans(details) == []


def test_the_review_reads_each_households_visits_once_from_indexes(db, gridlog):
    """The report's coverage and its unvisited households come from one pass over
    the register's households (a row each, which the residents' triggers keep),
    their newest visits looked up in indexes that hold each entry's kind (an entry
    is read only when its kind says it may be a register entry)."""
    for name, place in [("王建国", "9号楼1单元101"), ("李秀英", "9号楼1单元101")]:
        assert gridlog("resident", "add", name, "--place", place).exit_code == 0
    found = plans(
        db, lambda c: report.build_report(c, ZONE, report.month_period(2019, 3))
    )
    [(_sql, details)] = [p for p in found if "FROM register_households" in p[0]]
    assert details[0] == "SCAN house", details  # in the order of its key
    assert any("COVERING INDEX residents_grid_place" in line for line in details)
    assert any("INDEX entries_place_at (place=? AND at<" in x for x in details)
    assert any("INDEX entries_resident (resident_id=? AND at<" in x for x in details)
    assert full_scans(details) == []
    conn = open_db(db, write=False)
    indexed = {
        name: [row[2] for row in conn.execute(f"PRAGMA index_info({name})")]
        for name in ("entries_place_at", "entries_resident")
    }
    conn.close()
    assert indexed == {
        "entries_place_at": ["place", "at", "kind"],
        "entries_resident": ["resident_id", "at", "kind"],
    }


def test_every_foreign_key_to_a_big_table_has_an_index(db):
    """Deleting a row, or a bulk load that checks its keys at COMMIT, looks up the
    rows that point at it: without an index on the pointing column that is a scan of
    the whole child table per row (a million-row load went from 1 minute to hours).
    Pointers to the small registers (grids, buildings, rules) may go without."""
    conn = open_db(db, write=False)
    tables = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
    ]
    missing = []
    for table in tables:
        for key in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            big = key["table"] in ("entries", "followups", "residents")
            if big and key["from"] not in _leading_columns(conn, table):
                missing.append(f"{table}.{key['from']}")
    conn.close()
    assert missing == []


def _leading_columns(conn, table: str) -> set[str]:
    return {
        conn.execute(f"PRAGMA index_info({index['name']})").fetchone()["name"]
        for index in conn.execute(f"PRAGMA index_list({table})").fetchall()
    }


def test_search_for_a_number_reads_the_phone_index_and_the_trigram_indexes(db):
    from gridlog.domain.search import search_entries

    found = plans(
        db, lambda c: search_entries(c, ZONE, "138-1234", log.LogFilter(limit=20))
    )
    details = [" ".join(d) for _sql, d in found]
    assert any("entries_search VIRTUAL TABLE INDEX" in d for d in details)
    assert any("INDEX entries_phone_key" in d for d in details), found
    # Walking the partial index of the entries with a phone, newest first to the
    # limit, is fine: it holds those few, not the whole log.
    for _sql, lines in found:
        scans = [line for line in full_scans(lines) if "entries_phone_key" not in line]
        assert scans == [], lines
