"""Search finds Chinese substrings of any length, in entries, follow-ups and notes."""

from __future__ import annotations

import json
import sqlite3

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


@pytest.fixture
def log(gridlog, red_grids):
    entries = [
        ("社区楼北侧发现大面积跑水", "--place", "9号楼", "--follow-up", "明天"),
        ("9号楼楼顶漏水", "--place", "9号楼", "--resident", "吴大妈"),
        ("路灯不亮", "--place", "冶金一号楼", "--kind", "巡查"),
        ("王女士补交党费", "--grid", "红一", "--category", "党建"),
    ]
    ids = []
    for args in entries:
        result = gridlog("add", *args, "--json")
        assert result.exit_code == 0, result.output
        ids.append(json.loads(result.stdout))
    done = gridlog("done", str(ids[0]["id"]), "--note", "联系辖区单位关闭阀门")
    assert done.exit_code == 0, done.output
    return ids


def found(gridlog, *args: str) -> list[str]:
    result = gridlog("search", *args, "--json")
    assert result.exit_code == 0, result.output
    return [entry["text"] for entry in json.loads(result.stdout)]


@pytest.mark.usefixtures("log")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("水", ["9号楼楼顶漏水", "社区楼北侧发现大面积跑水"]),  # one character
        ("跑水", ["社区楼北侧发现大面积跑水"]),  # two
        ("漏水", ["9号楼楼顶漏水"]),
        ("大面积跑水", ["社区楼北侧发现大面积跑水"]),  # trigram index
        ("楼北侧", ["社区楼北侧发现大面积跑水"]),
        ("辖区单位", ["社区楼北侧发现大面积跑水"]),  # the follow-up's closing note
        ("冶金一号", ["路灯不亮"]),  # the place
        ("吴大妈", ["9号楼楼顶漏水"]),  # the resident
        ("吴", ["9号楼楼顶漏水"]),
        ("补交党费", ["王女士补交党费"]),
        ("不存在的词", []),
        ('"; DROP', []),  # FTS syntax is quoted away
    ],
)
def test_search_finds_substrings_of_any_length(gridlog, query, expected):
    assert found(gridlog, query) == expected


@pytest.mark.usefixtures("log")
def test_search_filters_like_log(gridlog):
    assert found(gridlog, "楼", "--grid", "红一") == ["路灯不亮"]
    assert found(gridlog, "楼", "--kind", "巡查") == ["路灯不亮"]
    assert found(gridlog, "楼", "--limit", "1") == ["路灯不亮"]


def test_search_keeps_up_with_edits_and_deletes(gridlog, log):
    entry = log[1]["id"]
    assert gridlog("edit", str(entry), "--text", "楼顶防水层破损").exit_code == 0
    assert found(gridlog, "漏水") == []
    assert found(gridlog, "防水层") == ["楼顶防水层破损"]
    assert gridlog("delete", str(entry)).exit_code == 0
    assert found(gridlog, "防水层") == []
    assert gridlog("undo").exit_code == 0
    assert found(gridlog, "防水层") == ["楼顶防水层破损"]


@pytest.mark.usefixtures("log")
def test_search_on_screen_in_both_languages(gridlog):
    en = gridlog("search", "跑水")
    assert "大面积跑水" in en.stdout and "2019-03-14" in en.stdout
    zh = gridlog("--lang", "zh", "search", "跑水")
    assert "2019年3月14日" in zh.stdout
    assert "No entries" in gridlog("search", "不存在的词").stdout


def test_bulk_loaded_entries_are_searchable(gridlog, db_path):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from gridlog.context import Context
    from gridlog.storage import bulk
    from gridlog.storage.db import open_db

    zone = ZoneInfo("Asia/Shanghai")
    at = dt.datetime(2019, 3, 1, 9, 0, tzinfo=zone)
    conn = open_db(db_path, write=True)
    rows = [
        bulk.LoadRow(at=at, grid_id=1, text=f"旧日志第{i}条楼道堆物") for i in range(5)
    ]
    bulk.load(conn, Context(now=at, zone=zone, command="import"), rows, batch=2)
    triggers = {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    conn.close()
    assert "entries_search_insert" in triggers  # put back after the load
    assert len(found(gridlog, "楼道堆物")) == 5
    assert gridlog("add", "新的楼道堆物", "--grid", "红四").exit_code == 0
    assert len(found(gridlog, "楼道堆物")) == 6


def test_every_match_is_found_past_the_first_page_of_each_index(gridlog, db_path):
    """Matches in entries and in follow-ups are paged together: a page of one index
    must not skip matches of the other that lie below it (once, 36 of 257 were)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from gridlog.context import Context
    from gridlog.storage import bulk
    from gridlog.storage.db import open_db

    zone = ZoneInfo("Asia/Shanghai")
    at = dt.datetime(2019, 3, 1, 9, 0, tzinfo=zone)
    item = (bulk.LoadItem("followup", dt.date(2019, 3, 20), "楼道堆物待清理"),)
    rows = [
        bulk.LoadRow(
            at=at + dt.timedelta(minutes=i),
            grid_id=1,
            text="楼道堆物" if i % 3 else "入户走访",
            items=item if i % 3 == 0 else (),
        )
        for i in range(900)
    ]
    conn = open_db(db_path, write=True)
    bulk.load(conn, Context(now=at, zone=zone, command="import"), rows)
    conn.close()
    everything = found(gridlog, "楼道堆物", "--limit", "0")
    assert len(everything) == 900
    newest = found(gridlog, "楼道堆物", "--limit", "250")
    assert newest == everything[:250]


@pytest.mark.parametrize("word", ["楼道堆物", "堆物"])  # the index, and the walk
def test_an_old_log_imported_later_is_shown_in_the_order_of_its_visits(
    gridlog, db_path, word
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from gridlog.context import Context
    from gridlog.storage import bulk
    from gridlog.storage.db import open_db

    assert gridlog("add", "今天又见楼道堆物", "--grid", "红四").exit_code == 0
    zone = ZoneInfo("Asia/Shanghai")
    rows = [
        bulk.LoadRow(at=dt.datetime(2018, month, 1, tzinfo=zone), grid_id=1, text=text)
        for month, text in ((5, "五月楼道堆物"), (11, "十一月楼道堆物"))
    ]
    conn = open_db(db_path, write=True)
    bulk.load(conn, Context(now=rows[0].at, zone=zone, command="import"), rows)
    conn.close()
    assert found(gridlog, word) == [
        "今天又见楼道堆物",
        "十一月楼道堆物",
        "五月楼道堆物",
    ]


def test_search_lists_newest_first_on_screen_as_in_json(gridlog):
    """The help says newest first: the screen and --json agree."""
    for day, text in (("03-01", "一号楼道堆物"), ("03-12", "十二号楼道堆物")):
        added = gridlog("add", text, "--grid", "红四", now=f"2019-{day}T09:00")
        assert added.exit_code == 0, added.output
    assert found(gridlog, "楼道堆物") == ["十二号楼道堆物", "一号楼道堆物"]
    for word in ("楼道堆物", "堆物"):  # the index, and the walk
        screen = gridlog("search", word).stdout
        assert screen.index("十二号楼道堆物") < screen.index("一号楼道堆物"), screen
        assert screen.index("2019-03-12") < screen.index("2019-03-01")
    assert "newest first" in gridlog("search", "--help").stdout


def test_a_match_only_in_a_closing_note_is_marked(gridlog, log):
    """`辖区单位` is only in how the case was closed: the line says so, in both
    languages and in --json; a match in the entry itself is not marked."""
    en = gridlog("search", "辖区单位")
    assert "大面积跑水 (in closing note)" in en.stdout, en.stdout
    zh = gridlog("--lang", "zh", "search", "辖区单位")
    assert "大面积跑水（见办结说明）" in zh.stdout, zh.stdout
    [entry] = json.loads(gridlog("search", "辖区单位", "--json").stdout)
    assert entry["in_closing_note"] is True
    assert "closing note" not in gridlog("search", "大面积跑水").stdout
    [entry] = json.loads(gridlog("search", "大面积跑水", "--json").stdout)
    assert entry["in_closing_note"] is False
    assert "in_closing_note" not in gridlog("log", "--json").stdout


def test_the_search_indexes_keep_no_column_sizes(gridlog, db_path, log):
    """Search lists the newest first and never ranks by relevance, so its indexes
    keep no column sizes (m025), which a large import would write for nothing."""
    conn = sqlite3.connect(db_path)
    try:
        sizes = conn.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE '%search_docsize'"
        ).fetchall()
    finally:
        conn.close()
    assert sizes == []
    assert found(gridlog, "跑水") == ["社区楼北侧发现大面积跑水"]
    assert found(gridlog, "关闭阀门") == ["社区楼北侧发现大面积跑水"]
