"""Care that comes back: weekly visits to elders living alone, monthly calls."""

from __future__ import annotations

import json

import pytest

from gridlog.dates.recurrence import next_after, parse_every

pytestmark = pytest.mark.usefixtures("red_grids")


def ok(gridlog, *args: str, now: str | None = None):
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result


def due(gridlog, *args: str, now: str | None = None) -> list[dict]:
    return json.loads(ok(gridlog, "due", "--json", *args, now=now).stdout)


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("每周", "1w"),
        ("week", "1w"),
        ("weekly", "1w"),
        ("每两周", "2w"),
        ("2 weeks", "2w"),
        ("每月", "1m"),
        ("每个月", "1m"),
        ("month", "1m"),
        ("每年", "1y"),
        ("year", "1y"),
        ("每3天", "3d"),
        ("每三天", "3d"),
        ("3 days", "3d"),
        ("every 10 days", "10d"),
        ("不重复", None),
        ("none", None),
    ],
)
def test_how_often(text, every):
    assert parse_every(text) == every


def test_a_month_from_the_31st_is_the_months_last_day():
    import datetime as dt

    assert next_after("1m", dt.date(2019, 1, 31)) == dt.date(2019, 2, 28)
    assert next_after("1y", dt.date(2020, 2, 29)) == dt.date(2021, 2, 28)


def test_a_weekly_visit_done_late_schedules_the_next_a_week_after_it_was_done(gridlog):
    added = json.loads(
        ok(
            gridlog,
            "add",
            "每周看望独居老人臧树花",
            "--resident",
            "臧树花",
            "--place",
            "6号楼2单元101",
            "--remind",
            "3月14日",
            "--every",
            "每周",
            "--register",
            "--json",
        ).stdout
    )
    first = added["reminder"]["id"]
    # Nobody went for almost three weeks: due shows it once, not once a week.
    late = due(gridlog, now="2019-04-02T08:00")
    assert [(item["id"], item["overdue_days"]) for item in late] == [(first, 19)]
    assert late[0]["every"] == "1w"
    done = ok(gridlog, "done", str(first), now="2019-04-02T10:00").stdout
    assert "Next:" in done and "2019-04-09" in done
    assert due(gridlog, now="2019-04-08T08:00") == []
    [following] = due(gridlog, now="2019-04-09T08:00")
    assert following["id"] != first and following["due"] == "2019-04-09"
    assert following["text"] == "每周看望独居老人臧树花"
    assert following["place"] == "6号楼2单元101"
    # Its story and the resident's show both occurrences.
    story = json.loads(ok(gridlog, "resident", "show", "臧树花", "--json").stdout)
    assert [(i["id"], i["status"]) for i in story["items"]] == [
        (following["id"], "open"),
        (first, "done"),
    ]
    assert "(weekly)" in ok(gridlog, "due", now="2019-04-09T08:00").stdout


def test_undoing_the_done_takes_the_next_one_back(gridlog):
    ok(
        gridlog,
        "add",
        "电话问候",
        "--grid",
        "红四",
        "--follow-up",
        "今天",
        "--every",
        "month",
    )
    ok(gridlog, "done", "2")
    assert [i["due"] for i in due(gridlog, "--days", "60")] == ["2019-04-14"]
    ok(gridlog, "undo")
    assert [(i["id"], i["due"]) for i in due(gridlog, "--days", "60")] == [
        (2, "2019-03-14")
    ]


def test_edit_every_none_stops_it(gridlog):
    ok(
        gridlog,
        "add",
        "回访",
        "--grid",
        "红四",
        "--follow-up",
        "今天",
        "--every",
        "每3天",
    )
    ok(gridlog, "edit", "2", "--every", "不重复")
    ok(gridlog, "done", "2")
    assert due(gridlog, "--days", "30") == []


def test_every_needs_one_item_to_repeat(gridlog):
    alone = gridlog("add", "回访", "--grid", "红四", "--every", "每周")
    assert alone.exit_code == 2 and "--every" in alone.stderr
    bad = gridlog(
        "add", "回访", "--grid", "红四", "--remind", "明天", "--every", "often"
    )
    assert bad.exit_code == 2 and "often" in bad.stderr


@pytest.mark.parametrize("kind", ["--follow-up", "--remind"])
def test_a_done_recurring_item_can_be_deleted_and_the_delete_undone(gridlog, kind):
    """The next occurrence points at the one done: deleting must take it first."""
    added = json.loads(
        ok(
            gridlog,
            "add",
            "每周看望",
            "--grid",
            "红四",
            kind,
            "明天",
            "--every",
            "每周",
            "--json",
        ).stdout
    )
    ok(gridlog, "done", str(added["entry_id"]))
    before = json.loads(ok(gridlog, "log", "--json").stdout)
    pending = due(gridlog, "--days", "30")
    assert len(pending) == 1  # the next occurrence

    deleted = ok(gridlog, "delete", str(added["entry_id"]))
    assert "3" in deleted.stdout  # the entry and both occurrences
    assert json.loads(ok(gridlog, "log", "--json").stdout) == []
    assert due(gridlog, "--days", "30") == []

    ok(gridlog, "undo")
    assert json.loads(ok(gridlog, "log", "--json").stdout) == before
    assert due(gridlog, "--days", "30") == pending
