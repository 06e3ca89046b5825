"""Coverage: of the register's households in a grid, how many were visited this month
(`grid show`) or in the review's period (`report`). A grid whose households are not
in the register has an unknown coverage, never 0%."""

from __future__ import annotations

import json
import sqlite3

import pytest


def run(gridlog, *args: str, now: str = "2019-03-14T08:00") -> str:
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def register(gridlog, red_grids):
    """Three households of 红四 registered in February; in March 李秀英 was visited
    by name and 赵家's door by place; 王建国 was seen in February and in April."""
    feb = "2019-02-01T09:00"
    for name, place in [
        ("王建国", "9号楼1单元101"),
        ("李秀英", "9号楼2单元201"),
        ("赵凤英", "10号楼3单元301"),
        ("赵小明", "10号楼3单元301"),
    ]:
        run(gridlog, "resident", "add", name, "--place", place, now=feb)
    run(gridlog, "add", "送春联", "--resident", "王建国", now="2019-02-02T10:00")
    run(gridlog, "add", "身体很好", "--resident", "李秀英", now="2019-03-10T09:00")
    run(gridlog, "add", "楼道堆物", "--place", "10号楼3单元301", now="2019-03-12T10:00")
    run(gridlog, "add", "回访", "--resident", "王建国", now="2019-04-02T10:00")


@pytest.mark.usefixtures("register")
def test_grid_show_gives_households_visited_this_month(gridlog):
    shown = run(gridlog, "--lang", "zh", "grid", "show", "红四")
    assert "本月走访" in shown and "2/3 户（67%）" in shown
    data = json.loads(run(gridlog, "grid", "show", "红四", "--json"))
    assert data["visited_this_month"] == {"visited": 2, "households": 3}


@pytest.mark.usefixtures("register")
def test_a_grid_without_registered_households_is_unknown_not_zero(gridlog):
    shown = run(gridlog, "--lang", "zh", "grid", "show", "红一")
    assert "本月走访" in shown and "未知" in shown and "0%" not in shown
    data = json.loads(run(gridlog, "grid", "show", "红一", "--json"))
    assert data["visited_this_month"] == {"visited": 0, "households": None}


@pytest.mark.usefixtures("register")
def test_the_review_counts_visits_within_its_month(gridlog):
    march = "2019-04-20T09:00"
    data = json.loads(
        run(gridlog, "report", "--month", "2019-03", "--format", "json", now=march)
    )
    assert data["coverage"] == [
        {"grid": "红四网格", "visited": 2, "households": 3},  # not April's visit
        {"grid": "红一网格", "visited": 0, "households": None},
    ]
    # ... and the household not visited in March is listed, April's visit or not.
    assert [h["place"] for h in data["unvisited_households"]] == ["9号楼1单元101"]
    feb = json.loads(
        run(gridlog, "report", "--month", "2019-02", "--format", "json", now=march)
    )
    assert feb["coverage"][0] == {"grid": "红四网格", "visited": 1, "households": 3}


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_the_review_shows_coverage_in_every_printed_format(gridlog, fmt):
    shown = run(
        gridlog, "--lang", "zh", "report", "--month", "2019-03", "--format", fmt,
        now="2019-04-20T09:00",
    )  # fmt: skip
    assert "走访覆盖" in shown
    assert "2/3 户（67%）" in shown
    assert "未知" in shown


def test_registering_someone_is_no_visit_in_the_coverage(gridlog, red_grids):
    """A birth date on registering writes a 登记居民 entry at the household: that is
    the register, not a visit."""
    run(
        gridlog,
        "resident",
        "add",
        "钱大妈",
        "--place",
        "9号楼3单元301",
        "--birth",
        "1950-05-01",
        now="2019-02-20T09:00",
    )
    run(
        gridlog,
        "resident",
        "add",
        "孙大爷",
        "--place",
        "9号楼4单元401",
        now="2019-02-20T09:00",
    )
    run(
        gridlog,
        "resident",
        "edit",
        "孙大爷",
        "--birth",
        "1941-06-01",
        now="2019-03-05T09:00",
    )
    data = json.loads(run(gridlog, "grid", "show", "红四", "--json"))
    assert data["visited_this_month"] == {"visited": 0, "households": 2}


def test_the_unvisited_households_name_their_residents_as_registered(
    gridlog, red_grids, db_path
):
    """A household's residents come in the order they were entered in the
    register, whatever their names or registration dates; a name that another
    program stored with a control character in it is still shown whole."""
    for name, now in [("阿明", "2019-02-02T09:00"), ("张志强", "2019-02-01T09:00")]:
        run(gridlog, "resident", "add", name, "--place", "9号楼1单元101", now=now)
    run(gridlog, "resident", "add", "周丽", "--place", "9号楼1单元101")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE residents SET name = '周\x1f丽' WHERE name = '周丽'")
    conn.close()
    april = "2019-04-20T09:00"
    shown = run(gridlog, "report", "--month", "2019-03", "--format", "json", now=april)
    [household] = json.loads(shown)["unvisited_households"]
    assert household["residents"] == ["阿明", "张志强", "周\x1f丽"]
    assert household["registered"] == "2019-02-01"


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_the_screen_lists_the_first_unvisited_households_and_counts_the_rest(
    gridlog, red_grids, fmt
):
    """Twenty households on the screen, in the order the JSON gives them all."""
    feb = "2019-02-01T09:00"
    for n in range(23):
        place = f"9号楼1单元{101 + n}"
        run(gridlog, "resident", "add", f"住户{n}", "--place", place, now=feb)
    run(gridlog, "add", "走访", "--place", "9号楼1单元105", now="2019-02-10T09:00")
    april = "2019-04-20T09:00"
    listed = json.loads(
        run(gridlog, "report", "--month", "2019-03", "--format", "json", now=april)
    )["unvisited_households"]
    assert len(listed) == 23 and listed[0]["place"] == "9号楼1单元101"
    shown = run(gridlog, "report", "--month", "2019-03", "--format", fmt, now=april)
    assert "Households not visited this period (23)" in shown
    assert "… and 3 more" in shown
    places = [h["place"] for h in listed]
    at = [shown.index(place) for place in places[:20]]
    assert at == sorted(at)  # the JSON's first twenty, in its order
    assert all(place not in shown for place in places[20:])
