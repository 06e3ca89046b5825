"""The morning list: what is due, what is overdue, and closing or moving items."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


def add(gridlog, *args: str, now: str | None = None) -> dict:
    result = gridlog("add", *args, "--json", now=now)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def due(gridlog, *args: str) -> list[dict]:
    result = gridlog("due", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_due_lists_today_and_overdue_grouped_by_grid_and_date(gridlog):
    late = add(
        gridlog,
        "路灯不亮",
        "--place",
        "9号楼",
        "--follow-up",
        "3月10日",
        now="2019-03-09T09:00",
    )
    today = add(gridlog, "楼道堆物", "--place", "冶金一号楼", "--follow-up", "今天")
    later = add(gridlog, "活动室协调", "--place", "10号楼", "--follow-up", "后天")
    first = add(gridlog, "地锁", "--place", "10号楼", "--follow-up", "昨天")

    items = due(gridlog)
    assert [item["id"] for item in items] == [late["id"], first["id"], today["id"]]
    assert [item["overdue_days"] for item in items] == [4, 1, 0]
    assert [item["grid"] for item in items] == ["红四网格", "红四网格", "红一网格"]
    assert later["id"] not in [item["id"] for item in items]

    ahead = due(gridlog, "--days", "2")
    assert later["id"] in [item["id"] for item in ahead]
    assert due(gridlog, "--grid", "红一") == [items[2]]


def test_due_on_another_day(gridlog):
    item = add(gridlog, "回访", "--grid", "红四", "--follow-up", "3月20日")
    assert due(gridlog, "--on", "3月19日") == []
    assert due(gridlog, "--on", "3月20日")[0]["id"] == item["id"]
    assert due(gridlog, "--on", "3月25日")[0]["overdue_days"] == 5


def test_due_on_screen_marks_overdue_in_both_languages(gridlog):
    add(gridlog, "路灯不亮", "--place", "9号楼", "--follow-up", "3月11日")
    en = gridlog("due")
    assert "3 days overdue" in en.stdout and "红四网格" in en.stdout
    zh = gridlog("--lang", "zh", "due")
    assert "逾期3天" in zh.stdout and "到期事项" in zh.stdout


def test_due_on_screen_never_hides_the_last_weeks_items(gridlog):
    """A long backlog does not bury the day: today's items, then every item overdue
    by up to 7 days, most recent first (yesterday's phone call on top), then one line
    per grid for the older backlog; --all and --json list everything."""
    march_1 = "2019-03-01T09:00"  # the backlog falls due from 2 to 13 March
    backlog = [
        add(gridlog, "回访", "--grid", "红四", "--follow-up", f"3月{d}日", now=march_1)
        for d in range(2, 14)
    ]
    today = add(gridlog, "今天回访", "--grid", "红四", "--follow-up", "今天")
    other = add(gridlog, "路灯", "--grid", "红一", "--follow-up", "3月1日", now=march_1)

    def listed(result) -> list[int]:
        assert result.exit_code == 0, result.output
        return [int(n) for n in re.findall(r"#(\d+)\b", result.stdout)]

    screen = gridlog("due")
    assert "14 items, 13 overdue" in screen.stdout
    recent = [item["id"] for item in reversed(backlog[5:])]  # 13 March back to 7
    assert listed(screen) == [today["id"], *recent]
    assert (
        "红四网格: 5 more overdue by over 7 days, the oldest due 2019-03-02;"
        " gridlog due --all" in screen.stdout
    )
    assert "红一网格: 1 more overdue by over 7 days, due 2019-03-01" in screen.stdout

    everything = gridlog("due", "--all")
    oldest_last = [item["id"] for item in reversed(backlog)]
    assert listed(everything) == [today["id"], *oldest_last, other["id"]]
    assert "more overdue" not in everything.stdout
    assert len(due(gridlog)) == 14

    zh = gridlog("--lang", "zh", "due")
    assert "共 14 项，逾期 13 项" in zh.stdout
    backlog_line = "红四网格：另有 5 项逾期超过 7 天，最早 3月2日；gridlog due --all"
    assert backlog_line in zh.stdout


def test_yesterdays_reminder_shows_above_a_large_backlog(gridlog):
    """The subsidy call due yesterday is listed even with a thousand older items
    (counted with a thousands separator, not listed)."""
    old = "2018-01-01T09:00"
    for _ in range(3):
        add(gridlog, "回访", "--grid", "红四", "--follow-up", "2月1日", now=old)
    call = add(gridlog, "电话通知高龄补贴", "--grid", "红四", "--remind", "昨天")
    screen = gridlog("--lang", "zh", "due")
    assert re.findall(r"#(\d+)\b", screen.stdout) == [str(call["id"])]
    assert "另有 3 项逾期超过 7 天，最早 2018年2月1日" in screen.stdout


def test_nothing_due_says_so(gridlog):
    assert "Nothing due" in gridlog("due").stdout
    assert "没有到期" in gridlog("--lang", "zh", "due").stdout


def test_done_records_time_to_resolve_and_leaves_due(gridlog):
    item = add(
        gridlog, "跑水", "--grid", "红四", "--at", "07:40", "--follow-up", "今天"
    )
    result = gridlog(
        "done", str(item["id"]), "--note", "已关阀门", now="2019-03-14T09:55"
    )
    assert result.exit_code == 0, result.output
    assert "2 hours 15 minutes" in result.stdout
    assert due(gridlog) == []
    shown = json.loads(gridlog("show", str(item["id"]), "--json").stdout)
    assert shown["resolution_minutes"] == 135
    assert shown["close_note"] == "已关阀门"


def test_done_accepts_the_entry_id_and_a_hash(gridlog):
    item = add(gridlog, "跑水", "--grid", "红四", "--follow-up", "今天")
    assert item["entry_id"] != item["id"]
    result = gridlog("done", f"#{item['entry_id']}")
    assert result.exit_code == 0, result.output
    assert (
        json.loads(gridlog("show", str(item["id"]), "--json").stdout)["status"]
        == "done"
    )


def test_entry_with_followup_and_reminder_needs_the_items_own_id(gridlog):
    item = add(
        gridlog,
        "白内障",
        "--grid",
        "红四",
        "--follow-up",
        "明天",
        "--remind",
        "2020年",
        "--remind-text",
        "高龄补贴",
    )
    result = gridlog("done", str(item["entry_id"]))
    assert result.exit_code == 1
    assert str(item["followup"]["id"]) in result.stderr
    assert str(item["reminder"]["id"]) in result.stderr
    assert gridlog("done", str(item["reminder"]["id"])).exit_code == 0
    [left] = due(gridlog, "--days", "1")
    assert left["id"] == item["followup"]["id"]


def test_snooze_moves_the_due_date_and_show_tells_it(gridlog):
    item = add(gridlog, "回访", "--grid", "红四", "--follow-up", "今天")
    result = gridlog("snooze", str(item["id"]), "下周一")
    assert result.exit_code == 0, result.output
    assert "2019-03-18" in result.stdout
    assert due(gridlog) == []
    assert due(gridlog, "--on", "2019-03-18")[0]["id"] == item["id"]
    events = json.loads(gridlog("show", str(item["id"]), "--json").stdout)["history"]
    assert [event["event"] for event in events] == ["visit", "snoozed"]
    assert events[1]["text"] == "2019-03-14 → 2019-03-18"


def test_snooze_says_earlier_or_later_and_a_past_date_needs_force(gridlog, read_db):
    """`snooze 6 3天后` on an item due later brings it forward and says 提前; a date
    in the past is refused (nothing changed) unless --force; `show` prints the moves
    in the dates of every other line."""
    item = add(gridlog, "回访", "--grid", "红四", "--follow-up", "3月25日")
    earlier = gridlog("--lang", "zh", "snooze", str(item["id"]), "3天后")
    assert earlier.exit_code == 0, earlier.output
    assert "提前到 3月17日 截止（原为 3月25日）" in earlier.stdout
    later = gridlog("--lang", "zh", "snooze", str(item["id"]), "3月20日 9:00")
    assert "推迟到 3月20日 09:00 截止（原为 3月17日）" in later.stdout
    past = gridlog("--lang", "zh", "snooze", str(item["id"]), "昨天")
    assert past.exit_code == 2 and "--force" in past.stderr
    assert "3月13日 已经过去" in past.stderr and "2019-03-13" not in past.stderr
    assert past.stderr.count("\n") == 1 and "Traceback" not in past.output
    [[stored]] = read_db().execute(
        "SELECT due_on FROM followups WHERE id = ?", (item["id"],)
    )
    assert stored == "2019-03-20"
    forced = gridlog("snooze", str(item["id"]), "昨天", "--force")
    assert forced.exit_code == 0 and "brought forward" in forced.stdout
    shown = gridlog("--lang", "zh", "show", str(item["id"])).stdout
    assert "提前" in shown and "3月25日 → 3月17日" in shown
    assert "推迟" in shown and "3月17日 → 3月20日 09:00" in shown
    assert "2019-03" not in shown


def test_a_closed_item_cannot_be_snoozed_or_visited(gridlog):
    item = add(gridlog, "回访", "--grid", "红四", "--follow-up", "今天")
    assert gridlog("done", str(item["id"])).exit_code == 0
    assert gridlog("snooze", str(item["id"]), "明天").exit_code == 1
    assert gridlog("add", "又来了", "--case", str(item["id"])).exit_code == 1


def test_a_visit_inherits_the_cases_place_and_category(gridlog):
    case = add(
        gridlog,
        "楼顶漏水",
        "--place",
        "9号楼",
        "--category",
        "物业维修",
        "--follow-up",
        "下周一",
    )
    visit = add(gridlog, "第2次上门", "--case", str(case["id"]))
    [entry] = [
        e
        for e in json.loads(gridlog("log", "--json").stdout)
        if e["id"] == visit["entry_id"]
    ]
    assert entry["place"] == "9号楼"
    assert entry["category"] == "repairs"
    assert entry["case_id"] == case["id"]


def test_done_before_it_was_opened_is_refused(gridlog):
    item = add(
        gridlog, "回访", "--grid", "红四", "--at", "08:00", "--follow-up", "今天"
    )
    result = gridlog("done", str(item["id"]), "--at", "07:00")
    assert result.exit_code == 1
    assert (
        json.loads(gridlog("show", str(item["id"]), "--json").stdout)["status"]
        == "open"
    )


def test_text_from_standard_input(gridlog):
    result = gridlog("add", "-", "--grid", "红四", "--json", stdin="楼北侧大面积跑水\n")
    assert result.exit_code == 0, result.output
    [entry] = json.loads(gridlog("log", "--json").stdout)
    assert entry["text"] == "楼北侧大面积跑水"


def test_a_due_time_is_kept_shown_and_ordered_by(gridlog):
    """`--follow-up "明天 9:00"` is an appointment: the time is kept, shown by `add`,
    `due` and `show`, and orders the day's items (untimed ones after)."""
    call = gridlog("--lang", "zh", "add", "电话通知", "--grid", "红四",
                   "--follow-up", "明天 9:00")  # fmt: skip
    assert "截止 3月15日 09:00" in call.stdout
    loose = add(gridlog, "回访", "--grid", "红四", "--follow-up", "明天")
    early = add(gridlog, "约见", "--grid", "红四", "--remind", "明天 8:00")
    items = due(gridlog, "--days", "1")
    assert [item["due_time"] for item in items] == ["08:00", "09:00", None]
    assert items[2]["id"] == loose["id"] and items[0]["id"] == early["id"]
    screen = gridlog("due", "--on", "明天")
    rows = [line for line in screen.stdout.splitlines() if "#" in line]
    assert "2019-03-15 08:00" in rows[0] and "2019-03-15 09:00" in rows[1]
    shown = gridlog("--lang", "zh", "show", str(items[1]["id"]))
    assert "截止 3月15日 09:00" in shown.stdout
    assert (
        json.loads(gridlog("show", str(early["id"]), "--json").stdout)["due_time"]
        == "08:00"
    )
    # A new day without a time is due some time that day again.
    assert gridlog("snooze", str(items[1]["id"]), "3月20日").exit_code == 0
    [moved] = [i for i in due(gridlog, "--on", "3月20日") if i["id"] == items[1]["id"]]
    assert moved["due"] == "2019-03-20" and moved["due_time"] is None


def test_a_follow_up_can_be_opened_later_on_an_entry(gridlog, read_db):
    """An entry added without --follow-up can become a case later: `edit ID
    --follow-up WHEN`, or `add … --case ID` naming the entry."""
    shed = add(gridlog, "违建棚子", "--place", "9号楼")
    opened = gridlog(
        "--lang", "zh", "edit", str(shed["id"]), "--follow-up", "3月20日 9:00"
    )
    assert opened.exit_code == 0, opened.output
    [item_id] = [int(n) for n in re.findall(r"跟进 #(\d+)", opened.stdout)]
    assert "3月20日 09:00 截止" in opened.stdout
    [item] = due(gridlog, "--on", "3月20日")
    assert (item["id"], item["text"], item["due_time"]) == (
        item_id,
        "违建棚子",
        "09:00",
    )
    again = gridlog("edit", str(shed["id"]), "--follow-up", "3月21日")
    assert again.exit_code == 1 and f"#{item_id}" in again.stderr
    [[count]] = read_db().execute("SELECT count(*) FROM followups")
    assert count == 1
    both = add(gridlog, "楼道堆物", "--place", "9号楼")
    fixed = gridlog("edit", str(both["id"]), "--text", "已劝", "--follow-up", "明天")
    assert "Changed entry" in fixed.stdout and "now has follow-up" in fixed.stdout

    other = add(gridlog, "棚子还在", "--place", "10号楼")
    visit = add(
        gridlog, "第二次上门", "--case", str(other["id"]), "--follow-up", "下周一"
    )
    assert visit["visit_number"] == 2 and visit["followup"] is None
    story = json.loads(gridlog("show", str(visit["case_id"]), "--json").stdout)
    assert story["visits"] == 2 and story["due"] == "2019-03-18"
    assert story["place"] == "10号楼"
    third = add(gridlog, "第三次", "--case", str(other["id"]))
    assert (third["case_id"], third["visit_number"]) == (visit["case_id"], 3)


def test_show_on_an_entry_shows_the_entry_and_its_case(gridlog):
    """`show 24` on an entry was an error; it shows the entry, then its case's
    story (or how to open one)."""
    alone = add(gridlog, "路灯不亮", "--place", "9号楼", "--resident", "王大爷")
    shown = gridlog("--lang", "zh", "show", str(alone["id"]))
    assert shown.exit_code == 0, shown.output
    assert f"日志 #{alone['id']} · 红四网格 · 9号楼" in shown.stdout
    assert "路灯不亮" in shown.stdout and "王大爷" in shown.stdout
    assert f"gridlog edit {alone['id']} --follow-up" in shown.stdout

    case = add(gridlog, "楼顶漏水", "--place", "9号楼", "--follow-up", "下周一")
    visit = add(gridlog, "第2次上门", "--case", str(case["id"]))
    screen = gridlog("--lang", "zh", "show", str(visit["entry_id"])).stdout
    assert f"日志 #{visit['entry_id']}" in screen and "第2次上门" in screen
    assert f"跟进 #{case['id']}" in screen and "第2次" in screen
    data = json.loads(gridlog("show", str(visit["entry_id"]), "--json").stdout)
    assert data["entry"]["id"] == visit["entry_id"]
    assert [c["id"] for c in data["cases"]] == [case["id"]]
    assert data["cases"][0]["visits"] == 2
    missing = gridlog("show", "99999")
    assert missing.exit_code == 1 and "99999" in missing.stderr
