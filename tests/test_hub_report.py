"""The office's review of every grid: after a sync, on the office's device, with a
section per worker; and `report --hub`, the same review computed on the hub for an
office that keeps no copy of the log."""

from __future__ import annotations

import json

import openpyxl
import pytest
import test_hub

# The office device and the workers zhang and wang (tests/test_hub.py).
street = pytest.fixture(test_hub.community.__wrapped__, name="street")

psycopg = pytest.importorskip("psycopg")

MARCH = "2019-03"
NOW = "2019-04-05T09:00"


def walked(on) -> None:
    """Two workers' month: visits, cases opened and closed, one left overdue, and
    entries before and after March that the March review must leave out."""
    for login in ("zhang", "wang"):
        assert on(login, "sync").exit_code == 0
    steps = [
        ("zhang", ("add", "二月的走访", "--grid", "第一网格"), "2019-02-20T09:00"),
        (
            "zhang",
            ("add", "楼道堆物", "--grid", "第一网格", "--place", "9号楼", "-f", "明天"),
            "2019-03-04T08:00",
        ),
        (
            "zhang",
            ("add", "路灯坏了", "--grid", "第一网格", "--place", "9号楼", "-f", "+2d"),
            "2019-03-05T08:00",
        ),
        ("zhang", ("done", "2", "--note", "已清理"), "2019-03-06T10:30"),
        (
            "zhang",
            ("add", "窗口咨询", "--grid", "第一网格", "-k", "窗口"),
            "2019-03-09T08:00",
        ),
        ("zhang", ("add", "四月的走访", "--grid", "第一网格"), "2019-04-02T08:00"),
        (
            "zhang",
            (
                "add",
                "登记",
                "-g",
                "第一网格",
                "-r",
                "王建国",
                "-p",
                "5号楼101",
                "--register",
            ),
            "2019-02-01T08:00",
        ),
        (
            "zhang",
            ("add", "看望", "-g", "第一网格", "-r", "王建国"),
            "2019-03-15T08:00",
        ),
        (
            "zhang",
            (
                "add",
                "登记",
                "-g",
                "第一网格",
                "-r",
                "李秀英",
                "-p",
                "6号楼202",
                "--register",
            ),
            "2019-02-01T08:00",
        ),
        (
            "zhang",
            ("add", "咨询高龄补贴", "-g", "第一网格", "--remind", "2020年"),
            "2019-03-11T08:00",
        ),
        (
            "zhang",
            ("add", "上门", "-g", "第一网格", "-p", "6号楼202"),
            "2019-02-10T08:00",
        ),
        (
            "wang",
            ("add", "噪音投诉", "--grid", "第二网格", "--place", "3号楼", "-f", "明天"),
            "2019-03-10T20:00",
        ),
        ("wang", ("done", "1"), "2019-03-12T08:00"),
        (
            "wang",
            ("add", "回访", "-g", "第二网格", "--remind", "3月25日"),
            "2019-03-12T09:00",
        ),
        (
            "wang",
            ("add", "漏水", "--grid", "第二网格", "-c", "物业维修", "-f", "明天"),
            "2019-03-20T08:00",
        ),
    ]
    for login, args, now in steps:
        result = on(login, *args, now=now)
        assert result.exit_code == 0, (args, result.output)
    for login in ("zhang", "wang", "office"):
        assert on(login, "sync").exit_code == 0


def review(on, login: str, *args: str) -> dict:
    result = on(login, "report", "--month", MARCH, "--format", "json", *args, now=NOW)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def hub_review(gridlog, tmp_path, monkeypatch, url: str, *args: str) -> dict:
    """`report --hub` on a device that keeps no log at all, signed in as `url`."""
    monkeypatch.setenv("GRIDLOG_HUB", url)
    result = gridlog(
        "--db",
        str(tmp_path / "none" / "gridlog.db"),
        "report",
        "--hub",
        "--month",
        MARCH,
        "--format",
        "json",
        *args,
        now=NOW,
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "none").exists()  # nothing kept on this device
    return json.loads(result.stdout)


def figures(report: dict) -> dict:
    """What the two ways of computing a review must agree on."""
    keys = (
        "grids",
        "total",
        "workers",
        "hot_spots",
        "coverage",
        "unvisited_households",
    )
    shown = {key: report.get(key) for key in keys}
    # A reminder's number is the one each device gives it: not a figure.
    shown["scheduled"] = [
        {key: value for key, value in item.items() if key != "id"}
        for item in report["scheduled_reminders"]
    ]
    return shown


def test_the_offices_review_after_a_sync_covers_every_grid_by_worker(street, tmp_path):
    on = street
    walked(on)
    report = review(on, "office")
    assert [grid["grid"] for grid in report["grids"]] == ["第一网格", "第二网格"]
    assert report["total"]["entries"] == 8
    assert report["total"]["scheduled"] == 1  # the reminder due in 2020
    zhang, wang = report["workers"]
    assert zhang["login"] == "zhang" and zhang["grids"] == ["第一网格"]
    assert zhang["entries"] == 5
    assert (zhang["followups_opened"], zhang["followups_closed"]) == (2, 1)
    assert zhang["open"] == 1 and zhang["overdue"] == 1
    assert zhang["median_resolution_minutes"] == 3030  # 3-4 08:00 to 3-6 10:30
    assert (wang["entries"], wang["followups_closed"], wang["open"]) == (3, 1, 2)
    screen = on("office", "--lang", "zh", "report", "--month", MARCH).stdout
    assert "按网格员" in screen and "zhang" in screen
    markdown = on("office", "report", "--month", MARCH, "--format", "md").stdout
    assert "## By worker" in markdown and "| zhang | 第一网格 |" in markdown
    page = on("office", "report", "--month", MARCH, "--format", "html").stdout
    assert "<h2>By worker</h2>" in page and "<td>zhang</td><td>第一网格</td>" in page
    sheet = tmp_path / "review.xlsx"
    written = on("office", "report", "--month", MARCH, "-f", "xlsx", "-o", str(sheet))
    assert written.exit_code == 0, written.output
    rows = list(openpyxl.load_workbook(sheet)["By worker"].values)
    assert rows[1] == ("zhang", "第一网格", 5, 2, 1, 1, 1, 3030)


def test_without_a_roster_the_review_is_as_before(gridlog):
    assert gridlog("grid", "add", "第一网格").exit_code == 0
    assert (
        gridlog("add", "走访", "-g", "第一网格", now="2019-03-04T08:00").exit_code == 0
    )
    result = gridlog(
        "report", "--month", MARCH, "--format", "json", now="2019-04-05T09:00"
    )
    assert "workers" not in json.loads(result.stdout)
    for format in ("table", "md", "html"):
        shown = gridlog("report", "--month", MARCH, "-f", format, now=NOW).stdout
        assert "By worker" not in shown


def test_the_hubs_review_equals_the_offices(
    street, gridlog, hub_db, tmp_path, monkeypatch
):
    on = street
    walked(on)
    local = review(on, "office")
    from_hub = hub_review(gridlog, tmp_path, monkeypatch, hub_db.url("office"))
    assert figures(from_hub) == figures(local)
    assert from_hub["period"] == local["period"]
    assert local["coverage"][0] == {"grid": "第一网格", "visited": 1, "households": 2}
    [household] = local["unvisited_households"]
    assert (household["place"], household["last_visit"]) == ("6号楼202", "2019-02-10")
    assert from_hub["total"]["previous"]["entries"] == 4  # 2 visits, 2 sign-ups
    second = ("--grid", "第二网格")
    office = hub_review(gridlog, tmp_path, monkeypatch, hub_db.url("office"), *second)
    assert figures(office) == figures(review(on, "office", *second))
    assert [grid["grid"] for grid in office["grids"]] == ["第二网格"]
    assert [worker["login"] for worker in office["workers"]] == ["wang"]


def test_a_workers_review_on_the_hub_covers_only_their_grids(
    street, gridlog, hub_db, tmp_path, monkeypatch
):
    walked(street)
    report = hub_review(gridlog, tmp_path, monkeypatch, hub_db.url("zhang"))
    assert [grid["grid"] for grid in report["grids"]] == ["第一网格"]
    assert [worker["login"] for worker in report["workers"]] == ["zhang"]
    assert report["total"]["entries"] == 5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_review_from_no_hub_is_one_line(gridlog, monkeypatch, lang):
    monkeypatch.delenv("GRIDLOG_HUB", raising=False)
    result = gridlog("--lang", lang, "report", "--hub", "--month", MARCH)
    assert result.exit_code == 2
    assert "GRIDLOG_HUB" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_review_from_an_unreachable_hub_is_one_line(gridlog, monkeypatch):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("GRIDLOG_HUB", f"postgresql://office@127.0.0.1:{port}/x")
    result = gridlog("--lang", "zh", "report", "--hub", "--month", MARCH)
    assert result.exit_code == 1
    assert "连不上" in result.stderr and "Traceback" not in result.output


def test_a_review_from_the_hub_without_the_extra_says_how_to_install_it(
    gridlog, monkeypatch
):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.setenv("GRIDLOG_HUB", "postgresql://office@localhost/hub")
    result = gridlog("report", "--hub", "--month", MARCH)
    assert result.exit_code == 2
    assert "pip install 'gridlog[hub]'" in result.stderr


def test_the_hub_reviews_by_grid_only(gridlog, monkeypatch):
    monkeypatch.setenv("GRIDLOG_HUB", "postgresql://office@localhost/hub")
    result = gridlog("report", "--hub", "--by", "category")
    assert result.exit_code == 2 and "--by" in result.stderr


# An old paper log typed in: a case closed on a day nobody wrote down, one closed
# on a day without its hour, and one opened at a time given in the worker's zone
# (kept with its +08:00) that is closed here, two hours later.
OLD_LOG = [
    [
        "日期,时间,网格,内容,跟进日期,状态",
        "2019-03-01,09:00,第一网格,楼顶漏水,2019-03-05,已办结",
    ],
    [
        "日期,时间,网格,内容,跟进日期,办结日期",
        "2019-03-02,09:00,第一网格,楼道堆物,2019-03-06,2019-03-07",
        "2019-03-03,08:00,第一网格,路灯不亮,2019-03-07,",
    ],
]


def typed_in(on, tmp_path) -> None:
    from test_import import write_csv

    assert on("zhang", "sync").exit_code == 0
    for n, lines in enumerate(OLD_LOG):
        path = write_csv(tmp_path / f"old{n}.csv", lines)
        assert on("zhang", "import", str(path)).exit_code == 0
    shown = json.loads(on("zhang", "log", "--json").stdout)
    [lamp] = [entry for entry in shown if entry["text"] == "路灯不亮"]
    done = on("zhang", "done", str(lamp["case_id"]), now="2019-03-03T10:00")
    assert done.exit_code == 0, done.output
    for login in ("zhang", "office"):
        assert on(login, "sync").exit_code == 0


def test_the_hubs_times_to_resolve_are_the_devices(
    street, gridlog, hub_db, tmp_path, monkeypatch
):
    typed_in(street, tmp_path)
    local = review(street, "office")
    from_hub = hub_review(gridlog, tmp_path, monkeypatch, hub_db.url("office"))
    assert figures(from_hub) == figures(local)
    total = from_hub["total"]
    assert (total["followups_closed"], total["unknown_resolution"]) == (3, 2)
    assert total["median_resolution_minutes"] == 120


def test_a_hub_upgraded_under_its_records_reviews_them_as_before(
    gridlog, hub_db, tmp_path, monkeypatch
):
    """A street's hub made by the previous release, holding a month, is brought up
    to date by `hub init`: its review is the devices' still, and the records it
    rewrote are vacuumed at once (else every read of an index goes back to the
    table, row by row, until autovacuum comes)."""
    from gridlog.hub import schema

    full = schema.MIGRATIONS
    monkeypatch.setattr(schema, "MIGRATIONS", full[:8])
    on = test_hub.community.__wrapped__(gridlog, hub_db, tmp_path, monkeypatch)
    walked(on)
    typed_in(on, tmp_path)
    monkeypatch.setattr(schema, "MIGRATIONS", full)
    monkeypatch.setenv("GRIDLOG_HUB", hub_db.admin_url)
    upgraded = gridlog("hub", "init")
    assert upgraded.exit_code == 0 and f"8 → {len(full)}" in upgraded.stdout
    from_hub = hub_review(gridlog, tmp_path, monkeypatch, hub_db.url("office"))
    assert figures(from_hub) == figures(review(on, "office"))
    with psycopg.connect(hub_db.admin_url) as admin:
        pages, visible = admin.execute(
            "SELECT relpages, relallvisible FROM pg_class"
            " WHERE oid = 'gridlog.records'::regclass"
        ).fetchone()
    assert pages > 0 and visible == pages


def delivered(report, format: str, folder) -> object:
    """What `gridlog report` hands over in `format`: the bytes, or a workbook's
    cell values (its file carries the time it was written)."""
    from gridlog.cli.report import _deliver

    folder.mkdir(exist_ok=True)
    path = folder / f"review.{format}"
    _deliver(report, format, path, "Asia/Shanghai")
    if format != "xlsx":
        return path.read_bytes()
    book = openpyxl.load_workbook(path)
    return [list(sheet.values) for sheet in book.worksheets]


def test_the_formats_spared_counting_places_never_show_them(gridlog, tmp_path):
    """`report --hub` counts no places for the formats in SCREEN_ONLY: they
    must come out the same whatever the places are, and the others not."""
    import copy
    import datetime as dt
    import sqlite3
    from zoneinfo import ZoneInfo

    from gridlog.cli.report import FORMATS, SCREEN_ONLY
    from gridlog.domain.report import build_report, month_period

    assert gridlog("grid", "add", "第一网格").exit_code == 0
    for place, now in (("9号楼", "2019-02-10T09:00"), ("5号楼", "2019-03-04T09:00")):
        args = ("add", "走访", "-g", "第一网格", "-p", place, "-f", "明天")
        assert gridlog(*args, now=now).exit_code == 0
    conn = sqlite3.connect(tmp_path / "gridlog.db")
    counted = build_report(
        conn,
        ZoneInfo("Asia/Shanghai"),
        month_period(2019, 3),
        today=dt.date(2019, 4, 5),
    )
    spared = copy.deepcopy(counted)
    for figures in [*spared.groups, spared.total, spared.previous_total]:
        figures.places = 0
    for figures in spared.previous.values():
        figures.places = 0
    assert counted.total.places == 1 and counted.previous_total.places == 1
    for format in FORMATS:
        same = delivered(counted, format, tmp_path / "a") == delivered(
            spared, format, tmp_path / "b"
        )
        assert same == (format in SCREEN_ONLY), format


def test_the_hubs_register_is_read_as_the_devices(
    street, gridlog, hub_db, tmp_path, monkeypatch
):
    """Households of two, one of them written into the register after March (a
    visit to her in March does not count for March's coverage), one registered
    later still and visited by name only: the hub covers and lists them as the
    office's device does."""
    walked(street)

    def registered(name: str, place: str, now: str) -> tuple:
        return (
            "add",
            "登记",
            "-g",
            "第一网格",
            "-r",
            name,
            "-p",
            place,
            "--register",
        ), now

    steps = [
        registered("张桂英", "5号楼101", "2019-02-01T09:00"),
        registered("刘洋", "7号楼301", "2019-01-10T09:00"),
        registered("陈红", "7号楼301", "2019-04-02T09:00"),
        (("add", "看望", "-g", "第一网格", "-r", "陈红"), "2019-03-20T09:00"),
        registered("赵军", "8号楼102", "2018-12-01T09:00"),
        registered("孙丽", "9号楼501", "2019-04-03T09:00"),  # not March's at all
        (("add", "电话回访", "-g", "第一网格", "-r", "赵军"), "2019-01-20T09:00"),
    ]  # fmt: skip
    for args, now in steps:
        result = street("zhang", *args, now=now)
        assert result.exit_code == 0, (args, result.output)
    for login in ("zhang", "office"):
        assert street(login, "sync").exit_code == 0
    local = review(street, "office")
    from_hub = hub_review(gridlog, tmp_path, monkeypatch, hub_db.url("office"))
    assert figures(from_hub) == figures(local)
    shown = {h["place"]: h for h in from_hub["unvisited_households"]}
    assert shown["8号楼102"]["last_visit"] == "2019-01-20"
    assert "7号楼301" not in shown  # 陈红 was visited, by name
    assert from_hub["coverage"][0]["households"] == 4  # 孙丽's is not yet one


def test_a_login_allowed_one_connection_still_gets_its_review(
    street, gridlog, hub_db, tmp_path, monkeypatch
):
    """The register is read on a second connection beside the first; a hub that
    will not give the login a second one gets the same review, read on one."""
    walked(street)
    local = review(street, "office")
    with psycopg.connect(hub_db.admin_url, autocommit=True) as admin:
        admin.execute("ALTER ROLE office CONNECTION LIMIT 1")
    from_hub = hub_review(gridlog, tmp_path, monkeypatch, hub_db.url("office"))
    assert figures(from_hub) == figures(local)
    assert from_hub["unvisited_households"] and from_hub["coverage"]
