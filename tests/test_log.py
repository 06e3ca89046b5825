"""The walking log, read back as the paper one reads."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


@pytest.fixture
def week(gridlog, red_grids):
    """Five entries over three days, as a worker typed them."""
    for now, args in [
        (
            "2019-03-11T07:40",
            (
                "楼北侧大面积跑水",
                "--place",
                "9号楼",
                "--kind",
                "巡查",
                "--category",
                "物业维修",
            ),
        ),
        (
            "2019-03-11T15:00",
            (
                "王女士补交党费",
                "--grid",
                "红一",
                "--kind",
                "窗口",
                "--category",
                "党建",
                "--resident",
                "王女士",
            ),
        ),
        (
            "2019-03-13T07:10",
            (
                "检查卫生情况",
                "--grid",
                "红一",
                "--category",
                "环境卫生",
                "--kind",
                "巡查",
            ),
        ),
        (
            "2019-03-14T08:10",
            (
                "扔建筑垃圾",
                "--place",
                "9号楼",
                "--category",
                "城管",
                "--resident",
                "吴大妈",
                "--tag",
                "紧急",
            ),
        ),
        (
            "2019-03-14T23:59",
            ("深夜噪音", "--place", "10号楼", "--category", "矛盾纠纷"),
        ),
    ]:
        result = gridlog("add", *args, now=now)
        assert result.exit_code == 0, (args, result.output)


def entries(gridlog, *args: str) -> list[dict]:
    result = gridlog("log", *args, "--json", now="2019-03-15T09:00")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def texts(gridlog, *args: str) -> list[str]:
    return [entry["text"] for entry in entries(gridlog, *args)]


@pytest.mark.usefixtures("week")
def test_log_json_shape(gridlog):
    items = entries(gridlog)
    assert [item["text"] for item in items] == [
        "楼北侧大面积跑水",
        "王女士补交党费",
        "检查卫生情况",
        "扔建筑垃圾",
        "深夜噪音",
    ]
    last = items[3]
    assert last["at"] == "2019-03-14T08:10:00+08:00"
    assert last["grid"] == "红四网格"
    assert last["place"] == "9号楼"
    assert last["category"] == "city-management"
    assert last["kind"] == "visit"
    assert last["resident"] == "吴大妈"
    assert last["tags"] == ["紧急"]


@pytest.mark.usefixtures("week")
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--grid", "红一"), ["王女士补交党费", "检查卫生情况"]),
        (("--since", "3月13日"), ["检查卫生情况", "扔建筑垃圾", "深夜噪音"]),
        (("--until", "2019-03-11"), ["楼北侧大面积跑水", "王女士补交党费"]),
        (("--since", "3月14日", "--until", "3月14日"), ["扔建筑垃圾", "深夜噪音"]),
        (("--category", "物业维修"), ["楼北侧大面积跑水"]),
        (("--category", "party"), ["王女士补交党费"]),
        (("--kind", "巡查"), ["楼北侧大面积跑水", "检查卫生情况"]),
        (("--resident", "吴"), ["扔建筑垃圾"]),
        (("--limit", "2"), ["扔建筑垃圾", "深夜噪音"]),
        (
            ("--limit", "0"),
            [
                "楼北侧大面积跑水",
                "王女士补交党费",
                "检查卫生情况",
                "扔建筑垃圾",
                "深夜噪音",
            ],
        ),
    ],
)
def test_log_filters(gridlog, args, expected):
    assert texts(gridlog, *args) == expected


@pytest.mark.usefixtures("week")
def test_days_end_at_midnight_in_the_users_zone(gridlog):
    # 23:59 in Shanghai is 15:59 UTC: still the 14th for the worker.
    assert (
        texts(gridlog, "--since", "2019-03-14", "--until", "2019-03-14")[-1]
        == "深夜噪音"
    )
    assert "深夜噪音" not in texts(gridlog, "--since", "2019-03-15")
    utc = gridlog("--tz", "UTC", "log", "--since", "2019-03-14", "--json")
    assert [e["at"] for e in json.loads(utc.stdout)][-1] == "2019-03-14T15:59:00+00:00"


@pytest.mark.usefixtures("week")
def test_log_on_screen_groups_by_day(gridlog):
    out = gridlog("log", now="2019-03-15T09:00").stdout
    assert (
        out.index("2019-03-11 Mon")
        < out.index("2019-03-13 Wed")
        < out.index("2019-03-14 Thu")
    )
    assert "07:40" in out and "红四网格" in out and "patrol" in out
    zh = gridlog("--lang", "zh", "log").stdout
    assert "2019年3月14日 周四" in zh and "巡查·物业维修" in zh


def test_empty_log_says_so(gridlog):
    assert "No entries" in gridlog("log").stdout
