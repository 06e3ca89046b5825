"""Edits, deletions and undo go through the append-only history: every change can be
seen and reversed, and an id is never given out twice."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


def add(gridlog, *args: str) -> dict:
    result = gridlog("add", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def log(gridlog) -> list[dict]:
    return json.loads(gridlog("log", "--json").stdout)


def dump(db_path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [
            line
            for line in conn.iterdump()
            if not any(word in line for word in ("history", "counters", "_search"))
        ]
    finally:
        conn.close()


def test_undo_reverses_an_add_with_its_follow_up(gridlog, db_path):
    before = dump(db_path)
    added = add(gridlog, "跑水", "--place", "9号楼", "--follow-up", "明天")
    result = gridlog("undo")
    assert result.exit_code == 0, result.output
    assert "add" in result.stdout
    assert dump(db_path) == before
    again = add(gridlog, "又跑水", "--grid", "红四")
    assert again["id"] > added["id"]  # ids are never given out twice


def test_edit_is_kept_in_history_and_undone(gridlog):
    entry = add(gridlog, "跑水", "--place", "9号楼")
    result = gridlog(
        "edit", str(entry["id"]), "--place", "10号楼2单元", "--category", "物业维修"
    )
    assert result.exit_code == 0, result.output
    [edited] = log(gridlog)
    assert (edited["place"], edited["category"]) == ("10号楼2单元", "repairs")
    changes = json.loads(gridlog("history", str(entry["id"]), "--json").stdout)
    assert [c["action"] for c in changes] == ["insert", "update"]
    assert changes[1]["before"]["place"] == "9号楼"
    assert changes[1]["after"]["place"] == "10号楼2单元"
    assert changes[1]["command"] == "edit"

    assert gridlog("undo").exit_code == 0
    [restored] = log(gridlog)
    assert (restored["place"], restored["category"]) == ("9号楼", "other")
    changes = json.loads(gridlog("history", str(entry["id"]), "--json").stdout)
    assert [c["undone"] for c in changes] == [False, True, False]
    screen = gridlog("history", str(entry["id"])).stdout
    assert "place: 9号楼 → 10号楼2单元" in screen and "(undone)" in screen


def test_edit_a_follow_ups_due_date_and_text(gridlog):
    item = add(gridlog, "漏水", "--place", "9号楼", "--follow-up", "明天")
    result = gridlog("edit", str(item["id"]), "--due", "下周一", "--text", "等物业回复")
    assert result.exit_code == 0, result.output
    [due] = json.loads(gridlog("due", "--on", "2019-03-18", "--json").stdout)
    assert (due["text"], due["due"]) == ("等物业回复", "2019-03-18")
    wrong = gridlog("edit", str(item["id"]), "--place", "10号楼")
    assert wrong.exit_code == 2
    assert str(item["entry_id"]) in wrong.stderr


def test_edit_at_a_time_alone_keeps_the_entrys_day_and_says_before_and_after(gridlog):
    """`edit 40 --at 09:00` on an entry of 10-15 corrects its time, not its day,
    and prints the move; so does a new due date or a due time alone."""
    entry = add(gridlog, "补录", "--grid", "红四", "--at", "2018-10-15 10:15")
    result = gridlog("--lang", "zh", "edit", str(entry["id"]), "--at", "09:00")
    assert result.exit_code == 0, result.output
    assert "2018年10月15日 10:15 → 2018年10月15日 09:00" in result.stdout
    [edited] = log(gridlog)
    assert edited["at"] == "2018-10-15T09:00:00+08:00"
    moved = gridlog("edit", str(entry["id"]), "--at", "10月16日 08:00")
    assert "2018-10-15 09:00 → 2018-10-16 08:00" in moved.stdout
    item = add(gridlog, "回访", "--grid", "红四", "--follow-up", "3月20日")
    timed = gridlog("edit", str(item["id"]), "--due", "9:30")
    assert "2019-03-20 → 2019-03-20 09:30" in timed.stdout
    later = gridlog("edit", str(item["id"]), "--due", "3月22日")
    assert "2019-03-20 09:30 → 2019-03-22" in later.stdout
    assert "→" not in gridlog("edit", str(item["id"]), "--text", "再访").stdout


def test_history_reads_in_the_workers_language_and_undo_says_what_it_took_back(
    gridlog,
):
    """No stored field names or UTC instants on screen: `history` names fields as
    the catalogues do, shows local times and labels, masks numbers; `undo` names
    the record and the change it reversed."""
    entry = add(gridlog, "送证明", "--grid", "红四", "--at", "3月10日 00:00")
    result = gridlog(
        "edit", str(entry["id"]), "--at", "3月11日 08:00", "--category", "民政",
        "--phone", "13612345678", "--text", "送证明，电话13612345678",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    screen = gridlog("--lang", "zh", "history", str(entry["id"])).stdout
    assert "时间：3月10日 00:00 → 3月11日 08:00" in screen
    assert "类别：其他 → 民政" in screen and "电话：— → 136****5678" in screen
    assert "内容：送证明 → 送证明，电话136****5678" in screen
    for raw in ("T16:00", "Z", "category", "civil-affairs", "13612345678"):
        assert raw not in screen, raw
    item = add(gridlog, "回访", "--grid", "红四", "--follow-up", "3月20日")
    assert gridlog("snooze", str(item["id"]), "3月22日").exit_code == 0
    moved = gridlog("--lang", "zh", "history", str(item["id"])).stdout
    assert "截止日期：3月20日 → 3月22日" in moved and "due_on" not in moved

    undone = gridlog("--lang", "zh", "undo")
    assert undone.exit_code == 0, undone.output
    assert f"跟进 #{item['id']} 改回：截止日期：3月22日 → 3月20日" in undone.stdout
    took = gridlog("--lang", "zh", "undo").stdout  # the add of the follow-up
    assert f"它新建的跟进 #{item['id']} 已删除" in took
    again = gridlog("--lang", "zh", "undo").stdout
    assert f"日志 #{entry['id']} 改回：" in again
    assert "时间：3月11日 08:00 → 3月10日 00:00" in again
    assert "类别：民政 → 其他" in again and "13612345678" not in again


def test_delete_and_bring_back(gridlog, db_path):
    item = add(gridlog, "漏水", "--place", "9号楼", "--follow-up", "明天")
    before = dump(db_path)
    result = gridlog("delete", str(item["entry_id"]))
    assert result.exit_code == 0, result.output
    assert log(gridlog) == []
    assert json.loads(gridlog("due", "--days", "3", "--json").stdout) == []
    assert gridlog("undo").exit_code == 0
    assert dump(db_path) == before  # same ids, same UUIDs, same links
    shown = json.loads(gridlog("show", str(item["id"]), "--json").stdout)
    assert shown["visits"] == 1


def test_a_case_with_later_visits_cannot_be_deleted(gridlog):
    case = add(gridlog, "楼顶漏水", "--place", "9号楼", "--follow-up", "下周一")
    add(gridlog, "第2次上门", "--case", str(case["id"]))
    result = gridlog("delete", str(case["entry_id"]))
    assert result.exit_code == 1
    assert "which has 1 later visit; delete that first" in result.stderr
    assert len(log(gridlog)) == 2
    add(gridlog, "第3次上门", "--case", str(case["id"]))
    result = gridlog("--lang", "zh", "delete", str(case["entry_id"]))
    assert "后面还有 2 次上门记录" in result.stderr
    result = gridlog("delete", str(case["entry_id"]))
    assert "which has 2 later visits; delete those first" in result.stderr


def test_undo_walks_back_one_command_at_a_time(gridlog):
    item = add(gridlog, "回访", "--grid", "红四", "--follow-up", "今天")
    assert gridlog("snooze", str(item["id"]), "后天").exit_code == 0
    assert gridlog("done", str(item["id"])).exit_code == 0
    assert gridlog("undo").exit_code == 0  # the done
    shown = json.loads(gridlog("show", str(item["id"]), "--json").stdout)
    assert (shown["status"], shown["due"]) == ("open", "2019-03-16")
    assert gridlog("undo").exit_code == 0  # the snooze
    assert json.loads(gridlog("show", str(item["id"]), "--json").stdout)["due"] == (
        "2019-03-14"
    )
    assert gridlog("undo").exit_code == 0  # the add
    assert log(gridlog) == []


def test_nothing_left_to_undo(gridlog, db_path):
    for _ in range(100):  # a bound: this log has far fewer commands to undo
        if gridlog("undo").exit_code != 0:
            break
    else:
        raise AssertionError("undo never ran out of commands to undo")
    result = gridlog("undo")
    assert result.exit_code == 1
    assert "nothing to undo" in result.stderr
    assert gridlog("grid", "list", "--json").stdout.strip() == "[]"


def test_a_bulk_load_is_undone_as_one_command(gridlog, db_path):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from gridlog.context import Context
    from gridlog.storage import bulk
    from gridlog.storage.db import open_db

    zone = ZoneInfo("Asia/Shanghai")
    conn = open_db(db_path, write=True)
    at = dt.datetime(2019, 3, 1, 9, 0, tzinfo=zone)
    rows = [
        bulk.LoadRow(
            at=at,
            grid_id=1,
            text=f"旧日志{i}",
            items=(bulk.LoadItem("followup", dt.date(2019, 3, 2)),),
        )
        for i in range(30)
    ]
    bulk.load(conn, Context(now=at, zone=zone, command="import"), rows, batch=100)
    conn.close()
    assert len(log(gridlog)) == 30
    assert gridlog("undo").exit_code == 0
    assert log(gridlog) == []
    assert json.loads(gridlog("due", "--json").stdout) == []
