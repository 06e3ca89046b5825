"""Keeping only what was given: an imported row without a time has no time, a case
closed on a day nobody wrote down has no close date and no 用时, and a birth month
stays a month."""

from __future__ import annotations

import csv
import io
import json

from test_import import query, write_csv


def ok(gridlog, *args: str, now: str | None = None):
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result


def imported(gridlog, tmp_path, lines: list[str]):
    ok(gridlog, "import", str(write_csv(tmp_path / "old.csv", lines)))


# --- no time means no time -----------------------------------------------------------


def test_an_entry_imported_without_a_time_shows_only_its_date(
    gridlog, red_grids, tmp_path
):
    imported(gridlog, tmp_path, ["日期,网格,内容", "2019-03-11,红四,楼顶漏水"])
    entry = json.loads(ok(gridlog, "log", "--json").stdout)[0]
    assert entry["at"] == "2019-03-11"
    assert "00:00" not in ok(gridlog, "log").stdout
    shown = ok(gridlog, "show", str(entry["id"])).stdout
    assert "2019-03-11" in shown and "00:00" not in shown
    zh = ok(gridlog, "--lang", "zh", "show", str(entry["id"])).stdout
    assert "3月11日" in zh and "00:00" not in zh


def test_an_entry_with_a_time_keeps_it(gridlog, red_grids, tmp_path):
    imported(gridlog, tmp_path, ["日期,时间,网格,内容", "2019-03-11,00:00,红四,夜巡"])
    entry = json.loads(ok(gridlog, "log", "--json").stdout)[0]
    assert entry["at"] == "2019-03-11T00:00:00+08:00"  # a midnight patrol, as given
    assert "00:00" in ok(gridlog, "log").stdout


def test_the_csv_export_of_a_dateonly_entry_has_no_time_and_imports_back_so(
    gridlog, red_grids, tmp_path, read_db
):
    imported(gridlog, tmp_path, ["日期,网格,内容", "2019-03-11,红四,楼顶漏水"])
    out = tmp_path / "out.csv"
    ok(gridlog, "export", str(out), "--no-mask")
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert (rows[0]["date"], rows[0]["time"]) == ("2019-03-11", "")
    ok(gridlog, "delete", "1")
    ok(gridlog, "import", str(out))
    assert [tuple(r) for r in query(read_db, "SELECT day_only FROM entries")] == [(1,)]


def test_the_jsonl_export_carries_a_dateonly_entry(gridlog, red_grids, tmp_path):
    imported(gridlog, tmp_path, ["日期,网格,内容", "2019-03-11,红四,楼顶漏水"])
    out = tmp_path / "all.jsonl"
    ok(gridlog, "export", str(out))
    other = tmp_path / "other.db"
    ok(gridlog, "--db", str(other), "merge", str(out))
    entry = json.loads(ok(gridlog, "--db", str(other), "log", "--json").stdout)[0]
    assert entry["at"] == "2019-03-11"


# --- a close date nobody wrote down --------------------------------------------------

CLOSED_NO_DATE = [
    "日期,时间,网格,内容,跟进日期,状态",
    "2019-03-01,09:00,红四,楼顶漏水,2019-03-05,已办结",
    "2019-03-02,09:00,红四,楼道堆物,2019-03-06,已办结",
]


def test_a_closed_row_without_a_close_date_has_no_made_up_close(
    gridlog, red_grids, tmp_path
):
    imported(gridlog, tmp_path, CLOSED_NO_DATE[:2])
    case = json.loads(ok(gridlog, "log", "--json").stdout)[0]["case_id"]
    story = json.loads(ok(gridlog, "show", str(case), "--json").stdout)
    assert story["status"] == "done"
    assert story["closed_at"] is None and story["resolution_minutes"] is None
    shown = ok(gridlog, "show", str(case)).stdout
    assert "done, date unknown" in shown and "took unknown" in shown
    assert "00:00" not in shown
    zh = ok(gridlog, "--lang", "zh", "show", str(case)).stdout
    assert "办结日期不详" in zh and "用时不详" in zh and "天" not in zh.split("用时")[1]


def test_the_report_leaves_unknown_times_out_and_says_so(gridlog, red_grids, tmp_path):
    lines = [*CLOSED_NO_DATE, "2019-03-03,09:00,红四,路灯不亮,2019-03-07,已办结"]
    lines[-1] = lines[-1].replace("已办结", "")
    imported(gridlog, tmp_path, lines)
    case = json.loads(ok(gridlog, "log", "--json").stdout)[-1]["case_id"]
    ok(gridlog, "done", str(case), now="2019-03-03T11:00")  # two hours after
    report = json.loads(
        ok(gridlog, "report", "--month", "2019-03", "--format", "json").stdout
    )
    total = report["total"]
    assert total["followups_closed"] == 3
    assert total["median_resolution_minutes"] == 120
    assert total["unknown_resolution"] == 2
    text = ok(gridlog, "report", "--month", "2019-03").stdout
    assert "2 closed with no close date" in text


def test_the_csv_export_of_a_case_closed_on_an_unknown_day_says_closed(
    gridlog, red_grids, tmp_path, read_db
):
    imported(gridlog, tmp_path, CLOSED_NO_DATE[:2])
    out = tmp_path / "out.csv"
    ok(gridlog, "--lang", "zh", "export", str(out), "--no-mask")
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[0]["办结日期"] == "已办结"
    ok(gridlog, "delete", "1")
    ok(gridlog, "import", str(out))
    closed = query(read_db, "SELECT closed_day_unknown FROM followups")
    assert [tuple(row) for row in closed] == [(1,)]


# --- a birth month stays a month -----------------------------------------------------


def test_a_birth_month_is_kept_as_a_month(gridlog, red_grids):
    added = json.loads(
        ok(
            gridlog, "resident", "add", "臧树花", "-p", "9号楼2单元101",
            "--birth", "1940-03", "--json",
        ).stdout
    )  # fmt: skip
    assert added["born"] == "1940-03"
    assert added["age"] == 79  # on 2019-03-14: the age reached this month
    wang = ["resident", "add", "王芳", "-p", "9号楼2单元102"]
    ok(gridlog, *wang, "--birth", "1940年3月")
    zh = ok(gridlog, "--lang", "zh", "resident", "show", "王芳").stdout
    born = next(line for line in zh.splitlines() if "出生" in line)
    assert "1940年3月（79岁）" in born and "3月1日" not in born
    en = ok(gridlog, "resident", "show", "王芳").stdout
    assert "1940-03 (aged 79)" in en and "1940-03-01" not in en
    ok(gridlog, "resident", "edit", "王芳", "--birth", "1941-04")
    shown = json.loads(ok(gridlog, "resident", "show", "王芳", "--json").stdout)
    assert shown["born"] == "1941-04"


def test_a_care_rule_for_a_birth_month_is_due_on_its_first_day(gridlog, red_grids):
    register = ["resident", "add", "臧树花", "-p", "9号楼2单元101"]
    ok(gridlog, *register, "--birth", "1940-03")
    shown = json.loads(ok(gridlog, "resident", "show", "臧树花", "--json").stdout)
    assert [care["due"] for care in shown["upcoming"]][:1] == ["2020-03-01"]


def test_an_impossible_birth_month_is_refused(gridlog, red_grids):
    refused = gridlog("resident", "add", "臧树花", "-p", "9号楼", "--birth", "1940-13")
    assert refused.exit_code != 0 and "Traceback" not in refused.output


def test_a_time_given_later_is_kept(gridlog, red_grids, tmp_path):
    imported(gridlog, tmp_path, ["日期,网格,内容", "2019-03-11,红四,楼顶漏水"])
    ok(gridlog, "edit", "1", "--at", "2019-03-11 09:30")
    entry = json.loads(ok(gridlog, "log", "--json").stdout)[0]
    assert entry["at"] == "2019-03-11T09:30:00+08:00"


def test_a_birth_month_travels_in_the_jsonl_export(gridlog, red_grids, tmp_path):
    ok(
        gridlog,
        "resident",
        "add",
        "臧树花",
        "-p",
        "9号楼2单元101",
        "--birth",
        "1940-03",
    )
    out = tmp_path / "all.jsonl"
    ok(gridlog, "export", str(out))
    other = ["--db", str(tmp_path / "other.db")]
    ok(gridlog, *other, "merge", str(out))
    shown = ok(gridlog, *other, "resident", "show", "臧树花", "--json").stdout
    assert json.loads(shown)["born"] == "1940-03"


# --- a close date without its hour ---------------------------------------------------

CLOSED_ON_A_DAY = [
    "日期,时间,网格,内容,跟进日期,办结日期",
    "2019-03-01,09:00,红四,楼顶漏水,2019-03-05,2019-03-07",
    "2019-03-02,09:00,红四,楼道堆物,2019-03-06,2019-03-02",
]


def test_a_close_date_without_its_hour_shows_no_midnight_and_days_taken(
    gridlog, red_grids, tmp_path
):
    imported(gridlog, tmp_path, CLOSED_ON_A_DAY)
    case = json.loads(ok(gridlog, "show", "2", "--json").stdout)
    assert case["closed_at"] == "2019-03-07"
    assert (case["resolution_minutes"], case["resolution_days"]) == (None, 6)
    zh = ok(gridlog, "--lang", "zh", "show", "2").stdout
    assert "办结 3月7日" in zh and "00:00" not in zh and "约6天" in zh
    same_day = ok(gridlog, "--lang", "zh", "show", "4").stdout
    assert "当天" in same_day


def test_the_review_leaves_a_close_without_its_hour_out_of_the_times(
    gridlog, red_grids, tmp_path
):
    imported(gridlog, tmp_path, CLOSED_ON_A_DAY)
    report = json.loads(
        ok(gridlog, "report", "--month", "2019-03", "--format", "json").stdout
    )
    assert report["total"]["followups_closed"] == 2
    assert report["total"]["unknown_resolution"] == 2
    assert report["total"]["median_resolution_minutes"] is None


def test_a_close_without_its_hour_travels_in_the_jsonl_export(
    gridlog, red_grids, tmp_path
):
    imported(gridlog, tmp_path, CLOSED_ON_A_DAY)
    out = tmp_path / "all.jsonl"
    ok(gridlog, "export", str(out))
    other = tmp_path / "other.db"
    ok(gridlog, "--db", str(other), "merge", str(out))
    case = json.loads(ok(gridlog, "--db", str(other), "show", "2", "--json").stdout)
    assert case["closed_at"] == "2019-03-07"
    assert case["resolution_days"] == 6


def test_done_on_a_case_opened_on_a_day_without_its_hour_says_days(
    gridlog, red_grids, tmp_path
):
    imported(
        gridlog,
        tmp_path,
        ["日期,网格,内容,跟进日期", "2019-03-11,红四,楼顶漏水,2019-03-13"],
    )
    done = ok(gridlog, "--lang", "zh", "done", "2", now="2019-03-14T16:30").stdout
    assert "约3天" in done and "16小时" not in done
    shown = ok(gridlog, "--lang", "zh", "show", "2").stdout
    assert "约3天" in shown


def test_the_printed_review_says_how_many_closes_it_left_out_of_the_times(
    gridlog, red_grids, tmp_path
):
    imported(gridlog, tmp_path, CLOSED_ON_A_DAY)
    page = tmp_path / "review.html"
    ok(
        gridlog,
        "--lang",
        "zh",
        "report",
        "--month",
        "2019-03",
        "--format",
        "html",
        "--output",
        str(page),
    )
    assert "2 项已办结但办结日期或时刻不详" in page.read_text(encoding="utf-8")
