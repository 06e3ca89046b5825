"""`gridlog due --stale N`: the register's households nobody has visited for N days,
those living alone, over 80 or under watch first."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def households(gridlog, red_grids):
    """Four households registered on 1 February; visits since, in different ways."""
    feb = "2019-02-01T09:00"
    for name, place, tags in [
        ("王建国", "9号楼1单元101", ["高龄", "独居"]),
        ("李秀英", "9号楼2单元201", []),
        ("赵凤英", "10号楼3单元301", ["低保"]),
        ("张志强", "冶金一号楼4单元401", []),
    ]:
        args = ["resident", "add", name, "--place", place]
        for tag in tags:
            args += ["--tag", tag]
        assert gridlog(*args, now=feb).exit_code == 0
    # 李秀英 was visited by name, 赵凤英's door by place alone, 王建国 long ago.
    visits = [
        ("走访，身体很好", "--resident", "李秀英", "2019-03-10T09:00"),
        ("楼道堆物", "--place", "10号楼3单元301", "2019-03-12T10:00"),
        ("送春联", "--resident", "王建国", "2019-02-02T10:00"),
    ]
    for text, option, value, now in visits:
        assert gridlog("add", text, option, value, now=now).exit_code == 0


def stale(gridlog, *args: str) -> list[dict]:
    result = gridlog("due", "--stale", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_households_not_visited_come_out_tagged_first(gridlog, households):
    found = stale(gridlog, "30")
    assert [(h["place"], h["last_visit"], h["days"]) for h in found] == [
        ("9号楼1单元101", "2019-02-02", 40),  # 高龄、独居: first in its grid
        ("冶金一号楼4单元401", None, 41),  # never visited since registered
    ]
    assert found[0]["residents"] == ["王建国"]
    assert found[0]["tags"] == ["高龄", "独居"]


def test_a_shorter_window_finds_more_and_a_longer_one_fewer(gridlog, households):
    places = [h["place"] for h in stale(gridlog, "3")]
    # 李秀英's visit was 4 days ago; 赵凤英's door was seen 2 days ago.
    assert places == ["9号楼1单元101", "9号楼2单元201", "冶金一号楼4单元401"]
    assert stale(gridlog, "60") == []  # everyone registered less than 60 days ago


def test_one_grid_and_the_screen(gridlog, households):
    found = stale(gridlog, "30", "--grid", "红一")
    assert [h["place"] for h in found] == ["冶金一号楼4单元401"]
    shown = gridlog("--lang", "zh", "due", "--stale", "30")
    assert shown.exit_code == 0
    assert "30 天未走访的住户" in shown.stdout and "共 2 户" in shown.stdout
    assert "上次走访 2019年2月2日（40 天前）" in shown.stdout
    assert "从未走访（2019年2月1日登记）" in shown.stdout
    assert "高龄、独居" in shown.stdout


def test_nothing_stale(gridlog, red_grids):
    shown = gridlog("due", "--stale", "7")
    assert shown.exit_code == 0
    assert "Every registered household was visited" in shown.stdout


def test_the_monthly_review_lists_the_households_nobody_visited(gridlog, households):
    result = gridlog("report", "--month", "2019-03", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["unvisited_households"]
    assert [(h["place"], h["last_visit"]) for h in found] == [
        ("9号楼1单元101", "2019-02-02"),
        ("冶金一号楼4单元401", None),
    ]
    screen = gridlog("--lang", "zh", "report", "--month", "2019-03").stdout
    assert "本期未走访的住户（2 户）" in screen and "从未" in screen
    markdown = gridlog("report", "--month", "2019-03", "--format", "md").stdout
    assert "## Households not visited this period (2)" in markdown
    february = gridlog("report", "--month", "2019-02", "--format", "json").stdout
    assert [h["place"] for h in json.loads(february)["unvisited_households"]] == []


def test_registering_someone_is_not_a_visit(gridlog, red_grids):
    # A birth date gives the care reminders a register entry (登记居民 …) to hang on;
    # writing it down is no walk to the door.
    born = ["--birth", "1935-05-01"]
    args = ["resident", "add", "王建国", "--place", "9号楼1单元101", *born]
    assert gridlog(*args, now="2019-02-01T09:00").exit_code == 0
    # Naming someone unknown registers no household either.
    shed = ["add", "违建棚子", "--resident", "赵老板", "--place", "10号楼北侧"]
    assert gridlog(*shed, now="2019-02-02T09:00").exit_code == 0
    found = stale(gridlog, "30")
    assert [(h["place"], h["last_visit"]) for h in found] == [("9号楼1单元101", None)]
    result = gridlog("report", "--month", "2019-03", "--format", "json")
    unvisited = json.loads(result.stdout)["unvisited_households"]
    assert [(h["place"], h["last_visit"]) for h in unvisited] == [
        ("9号楼1单元101", None)
    ]
