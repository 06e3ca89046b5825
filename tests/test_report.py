"""The monthly review checked figure by figure against a month computed by hand.

The month is March 2019 in Shanghai. Entries sit on the month's edges (00:00 on the
1st, 23:59 on the 31st, and their neighbours outside), which in UTC fall on the
other side of midnight: the report must count them in the user's zone.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


def add(gridlog, *args: str, now: str) -> dict:
    result = gridlog("add", *args, "--json", now=now)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def done(gridlog, item: dict, at: str) -> None:
    result = gridlog("done", str(item["id"]), "--at", at, now="2019-04-20T09:00")
    assert result.exit_code == 0, result.output


@pytest.fixture
def march(gridlog, red_grids):
    """Ten entries around March 2019 (the numbers match the module docstring)."""
    add(gridlog, "二月最后一刻", "--grid", "红四", now="2019-02-28T23:59")
    feb = add(
        gridlog,
        "二月的漏水",
        "--place",
        "10号楼",
        "--follow-up",
        "2019-02-25",
        now="2019-02-20T08:00",
    )
    add(gridlog, "三月第一刻", "--place", "9号楼", now="2019-03-01T00:00")
    add(
        gridlog,
        "月末巡查",
        "--place",
        "6号楼",
        "--kind",
        "巡查",
        now="2019-03-31T23:59",
    )
    add(gridlog, "四月第一刻", "--grid", "红一", now="2019-04-01T00:00")
    first = add(
        gridlog,
        "楼顶漏水",
        "--place",
        "9号楼",
        "--category",
        "物业维修",
        "--follow-up",
        "2019-03-06",
        now="2019-03-05T09:00",
    )
    second = add(
        gridlog,
        "又漏水",
        "--place",
        "9号楼4单元",
        "--category",
        "物业维修",
        "--follow-up",
        "2019-03-12",
        now="2019-03-10T08:00",
    )
    add(
        gridlog,
        "还在漏",
        "--place",
        "9号楼",
        "--category",
        "物业维修",
        "--follow-up",
        "2019-03-25",
        now="2019-03-20T08:00",
    )
    add(
        gridlog,
        "咨询高龄补贴",
        "--place",
        "冶金一号楼",
        "--kind",
        "窗口",
        "--category",
        "民政",
        "--remind",
        "2019-04-10",
        now="2019-03-15T10:00",
    )
    late = add(
        gridlog,
        "深夜报修",
        "--place",
        "冶金一号楼2单元",
        "--follow-up",
        "今天",
        now="2019-03-31T23:00",
    )
    done(gridlog, first, "2019-03-06 10:00")
    done(gridlog, second, "2019-03-13 08:00")
    done(gridlog, late, "2019-03-31 23:30")
    done(gridlog, feb, "2019-03-02 12:00")


def report_json(gridlog, *args: str) -> dict:
    result = gridlog(
        "report",
        "--month",
        "2019-03",
        "--format",
        "json",
        *args,
        now="2019-04-20T09:00",
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write_march(gridlog, fmt: str, path, lang: str = "en"):
    """`gridlog report --month 2019-03 --format FMT --output PATH`, as of 20 April."""
    return gridlog(
        "--lang",
        lang,
        "report",
        "--month",
        "2019-03",
        "--format",
        fmt,
        "--output",
        str(path),
        now="2019-04-20T09:00",
    )


@pytest.mark.usefixtures("march")
def test_every_figure_of_the_month_in_json(gridlog):
    report = report_json(gridlog)
    assert report["period"] == {
        "start": "2019-03-01",
        "end": "2019-03-31",
        "label": "2019-03",
        "time_zone": "Asia/Shanghai",
    }
    grids = {g["grid"]: g for g in report["grids"]}
    assert list(grids) == ["红四网格", "红一网格"]
    red4, red1, total = grids["红四网格"], grids["红一网格"], report["total"]

    assert (red4["entries"], red4["visits"], red4["places"]) == (4, 4, 2)
    assert (red4["followups_opened"], red4["followups_closed"]) == (3, 3)
    assert (red4["open"], red4["overdue"]) == (1, 1)
    assert red4["median_resolution_minutes"] == 4320
    assert red4["longest_resolution_minutes"] == 14640
    assert (red4["due_in_period"], red4["closed_on_time"]) == (3, 1)
    assert red4["on_time_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert red4["by_category"] == {"other": 1, "repairs": 3}

    assert (red1["entries"], red1["places"]) == (3, 3)
    assert red1["by_kind"] == {"patrol": 1, "visit": 1, "window": 1}
    assert (red1["followups_opened"], red1["followups_closed"]) == (1, 1)
    # The reminder, due in April, is scheduled work: not open at March's end.
    assert (red1["open"], red1["overdue"], red1["scheduled"]) == (0, 0, 1)
    assert red1["median_resolution_minutes"] == 30
    assert red1["on_time_share"] == 1.0  # closed 23:30 on its due day, Shanghai time

    assert (total["entries"], total["places"], total["visits"]) == (7, 5, 5)
    assert (total["followups_opened"], total["followups_closed"]) == (4, 4)
    assert (total["open"], total["overdue"], total["scheduled"]) == (1, 1, 1)
    assert total["median_resolution_minutes"] == 2910  # (1500 + 4320) / 2
    assert total["longest_resolution_minutes"] == 14640
    assert total["on_time_share"] == 0.5

    assert red4["previous"]["entries"] == 2
    assert red4["previous"]["open"] == 1 and red4["previous"]["overdue"] == 1
    assert total["previous"]["entries"] == 2
    assert report["hot_spots"] == [{"grid": "红四网格", "place": "9号楼", "entries": 3}]


@pytest.mark.usefixtures("march")
def test_a_hot_spot_whose_building_is_gone_is_counted_by_its_places(gridlog, db_path):
    """Hot spots name a registered building; an entry whose building row is gone
    (written by something that skipped the foreign keys) shows its place as typed:
    9号楼 twice and 9号楼4单元 once are no longer three at one place."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM buildings WHERE name = '9号楼'")
    conn.close()
    report = report_json(gridlog)
    assert report["hot_spots"] == []
    assert report["total"]["entries"] == 7


@pytest.mark.usefixtures("march")
def test_the_month_is_counted_in_the_users_zone(gridlog):
    utc = report_json(gridlog)  # Shanghai
    assert utc["total"]["entries"] == 7
    report = gridlog(
        "--tz",
        "UTC",
        "report",
        "--month",
        "2019-03",
        "--format",
        "json",
        now="2019-04-20T09:00",
    )
    grids = {g["grid"]: g["entries"] for g in json.loads(report.stdout)["grids"]}
    # In UTC the 00:00 entry of 1 March falls in February, 00:00 of 1 April in March.
    assert grids == {"红四网格": 3, "红一网格": 4}


@pytest.mark.usefixtures("march")
def test_csv_opens_in_excel_with_chinese_headers(gridlog, tmp_path):
    path = tmp_path / "march.csv"
    result = write_march(gridlog, "csv", path, lang="zh")
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:9] == [
        "统计期间",
        "网格",
        "日志",
        "走访",
        "走访地点",
        "新开",
        "办结",
        "未办结",
        "逾期",
    ]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["红四网格"]["统计期间"] == "2019-03"
    assert by_name["红四网格"]["日志"] == "4"
    assert by_name["红四网格"]["中位用时（小时）"] == "72"  # 4320 minutes
    assert by_name["红四网格"]["类别:物业维修"] == "3"
    assert by_name["合计"]["逾期"] == "1"
    assert by_name["合计"]["按期率"] == "50%"
    assert (path.stat().st_mode & 0o777) == 0o600


@pytest.mark.usefixtures("march")
def test_report_on_screen_in_both_languages(gridlog):
    zh = gridlog("--lang", "zh", "report", "--month", "2019-03", now="2019-04-20T09:00")
    assert zh.exit_code == 0, zh.output
    assert "2019-03 月度讲评" in zh.stdout and "合计" in zh.stdout
    assert "问题多发地点" in zh.stdout and "9号楼" in zh.stdout
    en = gridlog("report", "--month", "2019-03", now="2019-04-20T09:00")
    assert "Monthly review 2019-03" in en.stdout and "Total" in en.stdout
    md = gridlog(
        "report", "--month", "2019-03", "--format", "md", now="2019-04-20T09:00"
    )
    assert "| 红四网格 | 4 ↑2 |" in md.stdout


@pytest.mark.usefixtures("march")
def test_default_period_is_the_previous_month_and_grid_narrows(gridlog):
    result = gridlog(
        "report", "--format", "json", "--grid", "红一", now="2019-04-02T09:00"
    )
    report = json.loads(result.stdout)
    assert report["period"]["label"] == "2019-03"
    assert [g["grid"] for g in report["grids"]] == ["红一网格"]
    assert report["total"]["entries"] == 3


@pytest.mark.usefixtures("march")
def test_by_category_and_custom_period(gridlog):
    result = gridlog(
        "report",
        "--since",
        "2019-03-05",
        "--until",
        "2019-03-10",
        "--by",
        "category",
        "--format",
        "json",
        now="2019-04-02T09:00",
    )
    report = json.loads(result.stdout)
    assert report["period"]["start"] == "2019-03-05"
    assert report["previous_period"] == {
        "start": "2019-02-27",
        "end": "2019-03-04",
        "label": "2019-02-27 – 2019-03-04",
    }
    # "other" had entries in the period before, so it stays, at zero, to show the fall
    assert {g["category"]: g["entries"] for g in report["groups"]} == {
        "repairs": 2,
        "other": 0,
    }


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--by", "colour"), 2),
        (("--format", "pdf"), 2),
        (("--month", "2019-03", "--since", "3月1日"), 2),
        (("--since", "3月10日", "--until", "3月1日"), 1),
        (("--month", "2019-13"), 1),
    ],
)
def test_bad_report_options(gridlog, args, code):
    result = gridlog("report", *args)
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1


@pytest.mark.usefixtures("march")
def test_xlsx_holds_the_same_figures(gridlog, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "march.xlsx"
    result = write_march(gridlog, "xlsx", path, lang="zh")
    assert result.exit_code == 0, result.output
    assert (path.stat().st_mode & 0o777) == 0o600
    book = load_workbook(path)
    assert book.sheetnames[0] == "汇总"
    sheet = book["汇总"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}

    def figure(group: str, label: str) -> object:
        return rows[group][header.index(label)]  # this period's column of that figure

    assert figure("红四网格", "日志") == 4
    assert figure("红四网格", "新开") == 3
    assert figure("红四网格", "中位用时（分钟）") == 4320
    assert figure("红一网格", "未办结") == 0
    assert figure("红一网格", "已排期提醒") == 1
    assert figure("合计", "逾期") == 1
    assert figure("合计", "按期率") == 0.5
    spots = list(book[book.sheetnames[3]].iter_rows(min_row=2, values_only=True))
    assert spots == [("红四网格", "9号楼", 3)]


@pytest.mark.usefixtures("march")
def test_html_is_one_self_contained_page(gridlog, tmp_path):
    path = tmp_path / "march.html"
    result = write_march(gridlog, "html", path)
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    assert "红四网格" in page and "<svg" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_minutes_to_close_are_whole_minutes_on_any_sqlite():
    """unixepoch() where SQLite has it, strftime('%s') before 3.38: the same minutes,
    cut (not rounded) to whole ones."""
    import sqlite3

    from gridlog.domain import report

    old = "(strftime('%s', closed_at) - strftime('%s', opened_at)) / 60"
    conn = sqlite3.connect(":memory:")
    pairs = [
        ("2019-03-14T00:10:00Z", "2019-03-14T00:27:59Z", 17),
        ("2019-03-14T00:10:30Z", "2019-03-17T00:10:29Z", 4319),
        ("2019-02-28T23:59:59Z", "2019-03-01T00:00:00Z", 0),
    ]
    for opened, closed, minutes in pairs:
        values = {"opened_at": opened, "closed_at": closed}
        for expression in {report._MINUTES_TO_CLOSE, old}:
            sql = f"SELECT {expression} FROM (SELECT :opened_at AS opened_at,"
            sql += " :closed_at AS closed_at)"
            assert conn.execute(sql, values).fetchone()[0] == minutes, expression


HOSTILE_GRID = '=HYPERLINK("http://example.com/x","点我")'
HOSTILE_PLACE = "<img src=x onerror=alert(1)>|9号楼"


@pytest.fixture
def hostile(gridlog):
    """A grid, a worker and a place named to attack whoever opens the report."""
    assert gridlog("grid", "add", HOSTILE_GRID).exit_code == 0
    assert gridlog("config", "--worker", "@SUM(1+1)").exit_code == 0
    for _ in range(3):
        add(
            gridlog,
            "楼道堆物",
            "--grid",
            HOSTILE_GRID,
            "--place",
            HOSTILE_PLACE,
            "--follow-up",
            "2019-03-20",
            now="2019-03-10T09:00",
        )


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("by", ["grid", "worker"])
def test_the_report_csv_never_starts_a_cell_with_a_formula(gridlog, tmp_path, by):
    path = tmp_path / "march.csv"
    result = gridlog(
        "report", "--month", "2019-03", "--by", by, "--format", "csv",
        "--output", str(path), now="2019-04-20T09:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    named = {row[1] for row in rows[1:]}
    assert ("'" + (HOSTILE_GRID if by == "grid" else "@SUM(1+1)")) in named


@pytest.mark.usefixtures("hostile")
def test_the_markdown_report_escapes_html_and_pipes(gridlog):
    md = gridlog(
        "report", "--month", "2019-03", "--format", "md", now="2019-04-20T09:00"
    )
    assert md.exit_code == 0, md.output
    assert "<img" not in md.stdout
    assert "&lt;img src=x onerror=alert(1)&gt;\\|9号楼" in md.stdout
