"""The monthly review counts as open work only what was due by the period's end:
a reminder set for 2030 (a birthday, a subsidy that starts at 80) is scheduled, not
open, and is listed apart. Overdue is counted as of the report's day when the
period is still running: a case due on the 20th is not late on the 15th."""

from __future__ import annotations

import json
import re

import pytest


def add(gridlog, *args: str, now: str) -> None:
    result = gridlog("add", *args, now=now)
    assert result.exit_code == 0, result.output


@pytest.fixture
def march_with_far_reminders(gridlog, red_grids):
    """Two cases and a reminder due in March, two reminders due years ahead."""
    add(gridlog, "楼道堆物", "--place", "9号楼", "--follow-up", "2019-03-10",
        now="2019-03-05T09:00")  # fmt: skip
    add(gridlog, "楼顶漏水", "--place", "10号楼", "--follow-up", "2019-03-25",
        now="2019-03-12T09:00")  # fmt: skip
    add(gridlog, "咨询低保", "--grid", "红一", "--remind", "2019-03-20",
        now="2019-03-12T10:00")  # fmt: skip
    add(gridlog, "王大爷72岁", "--grid", "红四", "--remind", "2030-01-01",
        "--remind-text", "满80岁，电话通知高龄补贴",
        now="2019-03-13T09:00")  # fmt: skip
    add(gridlog, "李奶奶65岁", "--grid", "红四", "--remind", "2040-06-01",
        "--remind-text", "满86岁，上门慰问", now="2019-03-13T09:30")  # fmt: skip


def march(gridlog, *args: str, now: str) -> dict:
    result = gridlog("report", "--month", "2019-03", "--format", "json", *args, now=now)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.usefixtures("march_with_far_reminders")
def test_reminders_due_years_ahead_are_scheduled_not_open(gridlog):
    report = march(gridlog, now="2019-04-20T09:00")
    total = report["total"]
    assert (total["open"], total["overdue"], total["scheduled"]) == (3, 3, 2)
    grids = {g["grid"]: g for g in report["grids"]}
    assert (grids["红四网格"]["open"], grids["红四网格"]["scheduled"]) == (2, 2)
    assert (grids["红一网格"]["open"], grids["红一网格"]["scheduled"]) == (1, 0)
    assert [(r["due"], r["grid"]) for r in report["scheduled_reminders"]] == [
        ("2030-01-01", "红四网格"),
        ("2040-06-01", "红四网格"),
    ]


@pytest.mark.usefixtures("march_with_far_reminders")
def test_a_running_month_counts_overdue_as_of_today(gridlog):
    total = march(gridlog, now="2019-03-15T09:00")["total"]
    # Due 10 March: late. Due 20 and 25 March: open, not late yet.
    assert (total["open"], total["overdue"], total["scheduled"]) == (3, 1, 2)
    # ... nor missed: the on-time share is of the days already over.
    assert (total["due_in_period"], total["closed_on_time"]) == (1, 0)


@pytest.mark.usefixtures("march_with_far_reminders")
def test_the_screen_lists_scheduled_reminders_apart(gridlog):
    zh = gridlog("--lang", "zh", "report", "--month", "2019-03", now="2019-04-20T09:00")
    assert zh.exit_code == 0, zh.output
    assert "已排期提醒：2 项" in zh.stdout
    assert "2030年1月1日" in zh.stdout and "满80岁，电话通知高龄补贴" in zh.stdout
    header, *_ = (line for line in zh.stdout.splitlines() if "未办结" in line)
    total = next(line for line in zh.stdout.splitlines() if "合计" in line)
    columns = dict(zip(header.split(), re.split(r"\s{2,}", total.strip()), strict=True))
    assert columns["未办结"].split()[0] == "3" and columns["逾期"].split()[0] == "3"
    en = gridlog("report", "--month", "2019-03", "--format", "md", now="2019-04-20")
    assert "## Scheduled reminders: 2" in en.stdout


@pytest.mark.usefixtures("march_with_far_reminders")
@pytest.mark.parametrize("fmt", ["html", "csv"])
def test_files_carry_the_scheduled_figure(gridlog, tmp_path, fmt):
    path = tmp_path / f"march.{fmt}"
    result = gridlog(
        "--lang", "zh", "report", "--month", "2019-03", "--format", fmt,
        "--output", str(path), now="2019-04-20T09:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "已排期提醒" in path.read_text(encoding="utf-8-sig")
