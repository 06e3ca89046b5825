"""Replays 14 March 2019 in 金马二社区 (seeds/000) through the real CLI."""

from __future__ import annotations

import json

import pytest

from gridlog.domain import log

pytestmark = pytest.mark.usefixtures("red_grids")


def _add(gridlog, *args: str, now: str) -> dict:
    result = gridlog("add", *args, "--json", now=now)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_construction_waste_is_stopped_in_17_minutes(gridlog, read_db):
    added = _add(
        gridlog,
        "9号楼前小白楼装修工从二楼往下扔建筑垃圾，吴大妈拍照反映",
        "--place",
        "9号楼",
        "--resident",
        "吴大妈",
        "--category",
        "城管",
        "--at",
        "08:10",
        "--follow-up",
        "今天",
        now="2019-03-14T08:12",
    )
    assert added["grid"] == "红四网格"  # inferred from the building
    assert added["followup"] == {
        "id": added["id"],
        "due": "2019-03-14",
        "due_time": None,
    }

    result = gridlog(
        "done",
        str(added["id"]),
        "--at",
        "08:27",
        "--note",
        "物业到场，施工方承诺文明施工",
        now="2019-03-14T08:30",
    )
    assert result.exit_code == 0, result.output
    assert "17 minutes" in result.stdout

    shown = json.loads(gridlog("show", str(added["id"]), "--json").stdout)
    assert shown["status"] == "done"
    assert shown["resolution_minutes"] == 17
    assert shown["visits"] == 1
    assert [event["event"] for event in shown["history"]] == ["visit", "done"]

    with read_db() as conn:
        assert log.due_items(conn, store_day("2019-03-14")) == []


def store_day(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_roof_leak_gets_its_12th_visit_and_show_numbers_them(gridlog):
    case = _add(
        gridlog,
        "9号楼楼顶漏水，涉及18户，动用维修基金需全体住户签字",
        "--place",
        "9号楼",
        "--category",
        "物业维修",
        "--follow-up",
        "下周一",
        now="2019-01-07T10:00",
    )
    for visit in range(2, 13):
        added = _add(
            gridlog,
            f"第{visit}次上门做工作",
            "--case",
            str(case["id"]),
            now=f"2019-{1 + visit // 5:02d}-{visit + 1:02d}T10:00",
        )
        assert added["visit_number"] == visit
        assert added["case_id"] == case["id"]
        assert added["grid"] == "红四网格"  # the case's grid, without --grid

    result = gridlog("show", str(case["id"]), now="2019-03-14T12:00")
    assert result.exit_code == 0, result.output
    for visit in range(1, 13):
        assert f"visit {visit} " in result.stdout
    shown = json.loads(gridlog("show", str(case["id"]), "--json").stdout)
    assert shown["visits"] == 12
    assert shown["status"] == "open"
    assert shown["resolution_minutes"] is None
    assert [e["number"] for e in shown["history"]] == list(range(1, 13))

    zh = gridlog("--lang", "zh", "show", str(case["id"]))
    assert "第12次" in zh.stdout and "未办结" in zh.stdout


def test_elderly_subsidy_reminder_comes_back_in_2020(gridlog):
    added = _add(
        gridlog,
        "居民咨询高龄补贴，还差一岁",
        "--kind",
        "窗口",
        "--grid",
        "红四",
        "--category",
        "民政",
        "--remind",
        "2020年",
        "--remind-text",
        "2020年老人满80岁，享受高龄补贴，记得电话通知",
        now="2019-03-14T10:00",
    )
    assert added["reminder"]["due"] == "2020-01-01"

    def due_on(day: str) -> list[dict]:
        result = gridlog("due", "--on", day, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert due_on("2019-12-31") == []
    [today] = due_on("2020-01-01")
    assert today["id"] == added["id"]
    assert today["overdue_days"] == 0
    assert "高龄补贴" in today["text"]
    [late] = due_on("2020-01-31")
    assert late["overdue_days"] == 30

    zh = gridlog("--lang", "zh", "due", "--on", "2020-01-31", "--all")
    assert "逾期30天" in zh.stdout and "红四网格" in zh.stdout
    en = gridlog("due", "--on", "2020-01-31", "--all")
    assert "30 days overdue" in en.stdout
    # A month late it is backlog: summed up on the morning screen, not hidden.
    summed = gridlog("--lang", "zh", "due", "--on", "2020-01-31").stdout
    assert "红四网格：另有 1 项逾期超过 7 天（1月1日）" in summed
