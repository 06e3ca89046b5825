"""A report computes only what the chosen format shows. The screen and Markdown
show no distinct places, and compare with the previous period only entries,
visits, cases opened, closed, open and overdue: they are spared the places, and the
previous period's other kinds and categories, times to resolve and due dates; every
other format shows them all. Whatever the format, the output is the one the whole
report gives, byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from gridlog.cli.report import FORMATS
from gridlog.domain import report as domain_report
from gridlog.domain.report import build_report, month_period

NOW = "2019-04-20T09:00"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def add(gridlog, *args: str, now: str) -> int:
    return json.loads(ok(gridlog("add", *args, "--json", now=now)).stdout)["id"]


def done(gridlog, item: int, at: str) -> None:
    ok(gridlog("done", str(item), "--at", at, now=NOW))


@pytest.fixture
def february_and_march(gridlog, red_grids) -> None:
    """March, and a February whose places, times to resolve, due dates and
    scheduled reminders differ from March's; a third grid appears only through a
    reminder due in February (and done in January), so only those bring its row."""
    ok(gridlog("grid", "add", "红二网格", "--alias", "红二"))
    early = add(
        gridlog,
        "提醒",
        "--grid",
        "红二",
        "--remind",
        "2019-02-10",
        now="2019-01-05T09:00",
    )
    done(gridlog, early, "2019-01-15 10:00")
    for place, day in (("9号楼", "02"), ("10号楼", "05"), ("9号楼2单元", "11")):
        case = add(
            gridlog,
            "漏水",
            "--place",
            place,
            "--follow-up",
            f"2019-02-{day}",
            now=f"2019-02-{day}T08:00",
        )
        done(gridlog, case, f"2019-02-{int(day) + 2:02d} 09:{day}")
    add(
        gridlog,
        "巡查",
        "--place",
        "冶金一号楼",
        "--kind",
        "巡查",
        now="2019-02-20T10:00",
    )
    # Scheduled at February's end and March's.
    add(
        gridlog,
        "回访",
        "--grid",
        "红四",
        "--remind",
        "2019-04-10",
        now="2019-02-25T10:00",
    )
    case = add(
        gridlog,
        "又漏水",
        "--place",
        "9号楼",
        "--follow-up",
        "明天",
        now="2019-03-05T09:00",
    )
    done(gridlog, case, "2019-03-06 08:00")
    add(gridlog, "窗口", "--place", "6号楼", "--kind", "窗口", now="2019-03-15T10:00")


@pytest.mark.usefixtures("february_and_march")
def test_the_months_have_figures_that_only_some_formats_show(db_path):
    """What the tests below hold the formats to: leaving out what the screen does
    not show changes the report itself, so a format showing it would differ."""
    conn = sqlite3.connect(db_path)
    try:
        zone, march = ZoneInfo("Asia/Shanghai"), month_period(2019, 3)
        full = build_report(conn, zone, march, today=dt.date(2019, 4, 20))
        lean = build_report(
            conn, zone, march, today=dt.date(2019, 4, 20), screen_only=True
        )
    finally:
        conn.close()
    assert (full.total.places, lean.total.places) == (2, 0)
    assert [g.places for g in full.groups if g.places] and not [
        g.places for g in lean.groups if g.places
    ]
    before, spared = full.previous_total, lean.previous_total
    assert (before.places, before.due_in_period, before.closed_on_time) == (4, 4, 1)
    assert before.median_resolution_minutes == 2945
    assert (spared.places, spared.due_in_period, spared.median_resolution_minutes) == (
        0,
        0,
        None,
    )
    assert [g.group for g in lean.groups] == [g.group for g in full.groups]
    assert "红二网格" in [g.group for g in full.groups]
    for name in ("entries", "visits", "followups_opened", "followups_closed", "open"):
        assert getattr(spared, name) == getattr(before, name), name
    assert before.by_kind == {"patrol": 1, "visit": 4} and spared.by_kind == {
        "visit": 4
    }
    assert (before.scheduled, spared.scheduled) == (1, 0)
    assert full.total.scheduled == lean.total.scheduled == 1
    assert before.by_category and not spared.by_category


def written(gridlog, fmt: str, path: Path) -> object:
    """`gridlog report --month 2019-03 --format FMT --output PATH`, as read back."""
    args = ("report", "--month", "2019-03", "--format", fmt, "--output", str(path))
    ok(gridlog("--lang", "zh", *args, now=NOW))
    if fmt != "xlsx":
        return path.read_bytes()
    book = load_workbook(path)
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


@pytest.mark.usefixtures("february_and_march")
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_what_the_whole_report_gives(
    gridlog, tmp_path, monkeypatch, fmt
):
    chosen = written(gridlog, fmt, tmp_path / f"chosen.{fmt}")

    def in_full(*args, **options):
        return build_report(*args, **{**options, "screen_only": False})

    monkeypatch.setattr(domain_report, "build_report", in_full)
    assert written(gridlog, fmt, tmp_path / f"full.{fmt}") == chosen


@pytest.mark.usefixtures("february_and_march")
@pytest.mark.parametrize("by", ["grid", "worker", "category"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_screen_is_what_the_whole_report_gives(gridlog, monkeypatch, by, lang):
    args = ("--lang", lang, "report", "--month", "2019-03", "--by", by)
    chosen = ok(gridlog(*args, now=NOW)).stdout

    def in_full(*args, **options):
        return build_report(*args, **{**options, "screen_only": False})

    monkeypatch.setattr(domain_report, "build_report", in_full)
    assert ok(gridlog(*args, now=NOW)).stdout == chosen
