"""The review as it is handed upwards: the printed page and the text say whose it is
(community, grid, worker) and leave a line to sign; the CSV says its month and shows
times in hours and rates in percent; Markdown has every section the screen has."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest


def add(gridlog, *args: str, now: str) -> str:
    result = gridlog("add", *args, "--json", now=now)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["id"])


def close(gridlog, item: str, at: str) -> None:
    result = gridlog("done", item, "--at", at, now="2019-04-20T09:00")
    assert result.exit_code == 0, result.output


@pytest.fixture
def march(gridlog, red_grids):
    """红四网格 (马辉) in 三元社区: two cases closed in 25 and 72 hours, one of them
    on time, a reminder for 2030, three entries at 9号楼 and a visit in 红一."""
    assert gridlog("config", "--community", "三元社区").exit_code == 0
    first = add(gridlog, "楼顶漏水", "--place", "9号楼", "--follow-up", "2019-03-06",
        now="2019-03-05T09:00")  # fmt: skip
    second = add(gridlog, "又漏水", "--place", "9号楼", "--follow-up", "2019-03-12",
        now="2019-03-10T08:00")  # fmt: skip
    add(gridlog, "还在漏", "--place", "9号楼", "--follow-up", "2019-03-25",
        now="2019-03-20T08:00")  # fmt: skip
    add(gridlog, "王大爷72岁", "--grid", "红四", "--remind", "2030-01-01",
        now="2019-03-21T09:00")  # fmt: skip
    add(gridlog, "走访", "--grid", "红一", now="2019-03-22T09:00")
    close(gridlog, first, "2019-03-06 10:00")
    close(gridlog, second, "2019-03-13 08:00")


def report(gridlog, *args: str) -> str:
    result = gridlog(
        "--lang", "zh", "report", "--month", "2019-03", *args, now="2019-04-20T09:00"
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_config_keeps_the_community(gridlog, red_grids):
    assert gridlog("config", "--community", " 三元社区 ").exit_code == 0
    shown = gridlog("--lang", "zh", "config").stdout
    assert "社区" in shown and "三元社区" in shown
    assert gridlog("config", "--unset", "community").exit_code == 0
    assert "三元社区" not in gridlog("config").stdout


def test_a_community_name_with_a_newline_is_refused(gridlog, red_grids):
    result = gridlog("config", "--community", "三元\n社区")
    assert result.exit_code != 0
    assert "--community" in result.stderr and "Traceback" not in result.output
    assert "三元" not in gridlog("config").stdout


@pytest.mark.usefixtures("march")
@pytest.mark.parametrize("fmt", ["html", "table"])
def test_the_printed_review_says_whose_it_is_and_has_a_line_to_sign(
    gridlog, tmp_path, fmt
):
    path = tmp_path / f"march.{fmt}"
    report(gridlog, "--grid", "红四", "--format", fmt, "--output", str(path))
    page = path.read_text(encoding="utf-8")
    assert "三元社区" in page
    assert re.search(r"网格：\s*红四网格", page)
    assert re.search(r"网格员：\s*马辉", page)
    assert "审核人：＿＿＿＿" in page and "日期：＿＿＿＿" in page


@pytest.mark.usefixtures("march")
def test_the_whole_community_names_its_grids_and_workers(gridlog):
    shown = report(gridlog)
    assert re.search(r"网格：\s*红四网格、红一网格", shown)
    assert re.search(r"网格员：\s*马辉", shown)  # 红一 has no worker registered


@pytest.mark.usefixtures("march")
def test_the_csv_says_its_month_hours_and_percentages(gridlog, tmp_path):
    path = tmp_path / "march.csv"
    report(gridlog, "--format", "csv", "--output", str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    red4 = next(row for row in rows if row["网格"] == "红四网格")
    assert {row["统计期间"] for row in rows} == {"2019-03"}
    assert red4["中位用时（小时）"] == "48.5"  # (25 + 72) / 2
    assert red4["最长用时（小时）"] == "72"
    assert red4["按期率"] == "33%"  # 1 of 3 due in March closed on time


@pytest.mark.usefixtures("march")
def test_markdown_has_every_section_of_the_screen(gridlog):
    screen, markdown = report(gridlog), report(gridlog, "--format", "md")
    sections = [
        "三元社区",
        "按类型统计",
        "按类别统计",
        "问题多发地点",
        "已排期提醒",
        "审核人：＿＿＿＿",
    ]
    for section in sections:
        assert section in screen, section
        assert section in markdown, section
    assert "| 红四网格 | 4 |" in markdown  # the kinds table: 4 visits
