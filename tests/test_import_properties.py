"""Property tests of `gridlog import`: whatever a spreadsheet holds, the importer
either stores it or refuses it with gridlog's own message, never a crash, and a
refused file changes nothing. GRIDLOG_DEBUG=1 makes any other exception escape."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30
)  # any Unicode a file can hold, NUL, newlines and quotes included
DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["2019-02-30", "2019/3/11", "2019年3月12日 8点10分", "3月3日"]),
    st.sampled_from(["24:00", "02/03/2024", "2019-03-11 25:61", "明天", ""]),
    CELL,
)
COLUMNS = {
    "日期": DATES,
    "时间": st.one_of(st.sampled_from(["08:30", "8点", "25:00", ""]), CELL),
    "网格": st.one_of(
        st.sampled_from(["红四", "红一网格", "红", "无此网格", ""]), CELL
    ),
    "地点": st.one_of(st.sampled_from(["9号楼", "冶金一号楼2单元", ""]), CELL),
    "居民": CELL,
    "电话": st.one_of(
        st.sampled_from(["13812345678", "1.38123E+10", "0471-6612345", "12"]), CELL
    ),
    "类别": st.one_of(st.sampled_from(["民政", "repairs", "迷路", ""]), CELL),
    "类型": st.one_of(st.sampled_from(["走访", "窗口", "patrol", ""]), CELL),
    "内容": st.one_of(
        CELL,
        st.tuples(st.sampled_from("漏水a"), st.integers(9_995, 10_005)).map(
            lambda pair: pair[0] * pair[1]  # about the 10,000-character limit
        ),
    ),
    "跟进日期": st.one_of(st.sampled_from(["下周一", "3天后", "无", ""]), DATES),
    "状态": st.one_of(st.sampled_from(["已办结", "open", ""]), CELL),
}
ROW = st.fixed_dictionaries({name: strategy for name, strategy in COLUMNS.items()})
HEADERS = st.lists(st.sampled_from(list(COLUMNS)), min_size=1, max_size=11, unique=True)


def fingerprint(db_path: Path) -> tuple:
    """Everything gridlog writes goes through the append-only history and the shared
    id counter, so these do not move unless something was written."""
    conn = sqlite3.connect(db_path)
    try:
        return tuple(
            conn.execute(sql).fetchone()[0]
            for sql in (
                "SELECT max(id) FROM history",
                "SELECT value FROM counters WHERE name = 'record'",
                "SELECT count(*) FROM entries",
                "SELECT count(*) FROM followups",
                "SELECT count(*) FROM grids",
            )
        )
    finally:
        conn.close()


def encode(headers: list[str], rows: list[dict], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row[name] for name in headers])
    return out.getvalue().encode(encoding, errors="replace")


@pytest.fixture
def debug(monkeypatch):
    monkeypatch.setenv("GRIDLOG_DEBUG", "1")


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    headers=HEADERS,
    rows=st.lists(ROW, max_size=4),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    skip_bad=st.booleans(),
)
def test_any_file_is_stored_or_refused_cleanly(
    gridlog, red_grids, db_path, tmp_path, debug, headers, rows, encoding, skip_bad
):
    path = tmp_path / "any.csv"
    path.write_bytes(encode(headers, rows, encoding))
    before = fingerprint(db_path)
    args = ["import", str(path), *(["--skip-bad"] if skip_bad else [])]
    result = gridlog(*args)
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code != 0:
        assert result.stderr.strip(), "a refusal says why"
        assert fingerprint(db_path) == before
    else:
        stored = fingerprint(db_path)[2] - before[2]
        assert 0 <= stored <= len(rows)
