"""`gridlog export`: a lossless jsonl (that it merges back into an identical log is
tested in test_merge.py), and csv/xlsx for Excel with residents' numbers masked
unless asked otherwise, written owner-only and never left half-written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from gridlog.domain.masking import mask_id_number, mask_phone, mask_text

PHONE = "13812341234"
ID_NUMBER = "11010119800101123X"
ZH_HEADER = [
    "编号",
    "日期",
    "时间",
    "网格",
    "地点",
    "居民",
    "电话",
    "类别",
    "类型",
    "内容",
    "跟进日期",
    "提醒日期",
    "办结日期",
    "照片",
]


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def logbook(gridlog, red_grids) -> None:
    """Three days in two grids: a visit with a resident's numbers that opened a
    follow-up (visited again, closed), a reminder, an edit, and a saved setting."""
    ok(gridlog("config", "--worker", "马辉"))
    ok(
        gridlog(
            "add",
            f"张大爷反映楼道漏水，身份证{ID_NUMBER}，儿子电话{PHONE}",
            "--place",
            "9号楼2单元",
            "--resident",
            "张大爷",
            "--phone",
            "13900001111",
            "--category",
            "物业维修",
            "--follow-up",
            "3月15日",
            now="2019-03-12T09:00",
        )
    )
    ok(gridlog("add", "第二次上门", "--case", "2", now="2019-03-13T10:00"))
    ok(gridlog("done", "2", "--note", "物业已修好", now="2019-03-13T11:00"))
    ok(
        gridlog(
            "add",
            "=高龄补贴登记",
            "--place",
            "冶金一号楼",
            "--kind",
            "窗口",
            "--remind",
            "2020年",
            "--remind-text",
            "满80岁，电话通知高龄补贴",
            now="2019-03-14T08:10",
        )
    )
    ok(gridlog("edit", "4", "--resident", "李奶奶", now="2019-03-14T08:20"))


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


# --- jsonl -------------------------------------------------------------------------


def test_jsonl_references_are_uuids_and_it_is_never_masked(gridlog, logbook, tmp_path):
    target = tmp_path / "all.jsonl"
    result = ok(gridlog("export", str(target)))
    assert "Not masked" in result.stdout and "entries 3," in result.stdout
    records = lines(target)
    by_uuid = {r["uuid"]: r for r in records if "uuid" in r}
    entry = next(r for r in records if r["type"] == "entry" and r["id"] == 1)
    assert by_uuid[entry["grid_uuid"]]["name"] == "红四网格"
    assert by_uuid[entry["building_uuid"]]["name"] == "9号楼"
    case = by_uuid[entry["case_uuid"]]
    assert (case["type"], case["id"], case["entry_uuid"]) == (
        "followup",
        2,
        entry["uuid"],
    )
    assert PHONE in entry["text"] and ID_NUMBER in entry["text"]
    assert entry["phone"] == "13900001111"
    grid = by_uuid[entry["grid_uuid"]]
    assert grid["aliases"] == ["红四"]
    edits = [r for r in records if r["type"] == "history" and r["action"] == "update"]
    assert {r["record_uuid"] for r in edits} >= {case["uuid"]}
    assert {"type": "setting", "key": "worker", "value": "马辉"} in records


def test_jsonl_takes_no_filters(gridlog, logbook, tmp_path):
    result = gridlog("export", str(tmp_path / "x.jsonl"), "--since", "3月13日")
    assert result.exit_code == 2
    assert "csv and xlsx" in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_jsonl_to_standard_output_with_the_summary_on_stderr(gridlog, logbook):
    result = ok(gridlog("export", "-"))
    assert json.loads(result.stdout.splitlines()[0])["type"] == "gridlog"
    assert "entries" in result.stderr


# --- csv -----------------------------------------------------------------------------


def test_csv_has_a_bom_chinese_headers_and_masked_numbers(gridlog, logbook, tmp_path):
    target = tmp_path / "三月.csv"
    result = ok(gridlog("--lang", "zh", "export", str(target)))
    assert "已打码" in result.stdout
    rows = read_csv(target)
    assert rows[0] == ZH_HEADER
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["日期"] == "2019-03-12" and first["时间"] == "09:00"
    assert (first["网格"], first["地点"], first["居民"]) == (
        "红四网格",
        "9号楼2单元",
        "张大爷",
    )
    assert (first["类别"], first["类型"]) == ("物业维修", "走访")
    assert first["电话"] == "139****1111"
    assert "138****1234" in first["内容"] and "110101********123X" in first["内容"]
    assert (first["跟进日期"], first["提醒日期"], first["办结日期"]) == (
        "2019-03-15",
        "",
        "2019-03-13",
    )
    data = target.read_bytes().decode("utf-8-sig")
    for secret in (PHONE, ID_NUMBER, "13900001111"):
        assert secret not in data
    reminder = dict(zip(rows[0], rows[3], strict=True))
    assert reminder["提醒日期"] == "2020-01-01"
    assert reminder["内容"] == "'=高龄补贴登记"  # never run by Excel as a formula


def test_csv_unmasked_only_when_asked(gridlog, logbook, tmp_path):
    target = tmp_path / "full.csv"
    result = ok(gridlog("export", str(target), "--no-mask"))
    assert "NOT masked" in result.stdout
    rows = read_csv(target)
    assert rows[0][:3] == ["id", "date", "time"]
    assert rows[1][6] == "13900001111"
    assert PHONE in rows[1][9] and ID_NUMBER in rows[1][9]


def test_csv_filters_by_day_and_grid(gridlog, logbook, tmp_path):
    def ids(*args: str) -> list[str]:
        target = tmp_path / "part.csv"
        ok(gridlog("export", str(target), "--force", *args))
        return [row[0] for row in read_csv(target)[1:]]

    assert ids() == ["1", "3", "4"]
    assert ids("--since", "3月13日") == ["3", "4"]
    assert ids("--until", "3月13日") == ["1", "3"]
    assert ids("--since", "3月13日", "--until", "3月13日") == ["3"]
    assert ids("--grid", "红一") == ["4"]
    assert ids("--grid", "红一", "--grid", "红四", "--until", "3月12日") == ["1"]


def test_csv_to_standard_output(gridlog, logbook):
    result = ok(gridlog("export", "-", "--format", "csv"))
    assert result.stdout.startswith("\ufeffid,date")
    assert PHONE not in result.stdout
    assert "masked" in result.stderr


# --- xlsx ----------------------------------------------------------------------------


def test_xlsx_same_columns_styled_and_masked(gridlog, logbook, tmp_path):
    target = tmp_path / "log.xlsx"
    ok(gridlog("--lang", "zh", "export", str(target)))
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ZH_HEADER
    assert sheet["A1"].font.bold and sheet["J1"].fill.fgColor.rgb.endswith("DCE6F1")
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["J"].width > sheet.column_dimensions["A"].width
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["编号"] == 1
    assert first["日期"] == dt.datetime(2019, 3, 12)
    assert first["时间"] == dt.time(9, 0)
    assert first["电话"] == "139****1111"
    assert "138****1234" in first["内容"] and ID_NUMBER not in first["内容"]
    assert rows[3][9] == "=高龄补贴登记"
    assert sheet.cell(4, 10).data_type == "s"  # text, not a formula


def test_xlsx_unmasked_only_when_asked(gridlog, logbook, tmp_path):
    target = tmp_path / "full.xlsx"
    ok(gridlog("export", str(target), "--no-mask"))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][6] == "13900001111" and ID_NUMBER in rows[1][9]


def test_xlsx_cannot_go_to_standard_output(gridlog, logbook):
    result = gridlog("export", "-", "--format", "xlsx")
    assert result.exit_code == 2 and result.stdout == ""


# --- files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.jsonl", "a.csv", "a.xlsx"])
def test_files_are_owner_only_whatever_the_umask(gridlog, logbook, tmp_path, name):
    old = os.umask(0)
    try:
        ok(gridlog("export", str(tmp_path / name)))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_a_failure_leaves_the_old_file_and_no_half_one(
    gridlog, logbook, tmp_path, monkeypatch
):
    target = tmp_path / "log.csv"
    target.write_text("the export of last week\n")
    from gridlog.cli import exporting

    real = exporting.table_rows

    def breaks_halfway(*args, **kwargs):
        rows = real(*args, **kwargs)
        yield next(rows)
        raise OSError("disk full")

    monkeypatch.setattr(exporting, "table_rows", breaks_halfway)
    result = gridlog("export", str(target), "--force")
    assert result.exit_code == 1
    assert target.read_text() == "the export of last week\n"
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith("gridlog.db")]
    assert left == ["log.csv"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("x.txt",), ".jsonl, .csv or .xlsx"),
        (("x.csv", "--format", "pdf"), "pdf"),
        (("nowhere/x.csv",), "nowhere"),
    ],
)
def test_unusable_targets_are_one_line(
    gridlog, logbook, monkeypatch, tmp_path, args, words
):
    monkeypatch.chdir(tmp_path)
    result = gridlog("export", *args)
    assert result.exit_code in (1, 2)
    assert words in result.stderr and result.stderr.count("\n") == 1


def test_export_streams_with_flat_memory(gridlog, red_grids, db_path, tmp_path):
    """Python's own allocations while exporting 20,000 entries (2.7 MB of csv, 12 MB
    of jsonl) stay under 2 MB (about 0.5 MB measured): rows are never gathered in
    memory, which would take over 10 MB here."""
    from gridlog.context import Context
    from gridlog.storage import bulk
    from gridlog.storage.db import open_db

    zone = ZoneInfo("Asia/Shanghai")
    start = dt.datetime(2019, 1, 1, 9, 0, tzinfo=zone)
    conn = open_db(db_path, write=True)
    rows = (
        bulk.LoadRow(
            at=start + dt.timedelta(minutes=i),
            grid_id=1,
            text=f"第{i}次走访，居民反映楼道灯不亮，电话{13800000000 + i}",
            place="9号楼",
            items=(bulk.LoadItem("followup", dt.date(2019, 3, 1)),)
            if i % 4 == 0
            else (),
        )
        for i in range(20_000)
    )
    bulk.load(conn, Context(now=start, zone=zone, command="load"), rows)
    conn.close()
    # Warm up on the first day's rows: what a row first needs (masking's patterns,
    # lazily imported modules) is not the streaming the test measures.
    ok(gridlog("export", str(tmp_path / "warm.csv"), "--until", "2019-01-01"))
    for name in ("big.csv", "big.jsonl"):
        tracemalloc.start()
        try:
            ok(gridlog("export", str(tmp_path / name)))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        size = (tmp_path / name).stat().st_size
        assert size > 2_500_000
        assert peak < 2_000_000, (name, peak, size)


# --- masking -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "+86 138 **** 1234"),
        ("010-12345678", "010-****5678"),
        ("87654321", "****4321"),
        ("12345", "*****"),
        ("无", "无"),
    ],
)
def test_mask_phone(phone, shown):
    assert mask_phone(phone) == shown


def test_mask_id_number():
    assert mask_id_number("110101198001011234") == "110101********1234"
    assert mask_id_number("11010119800101123X") == "110101********123X"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("儿子电话13812341234，明天回访", "儿子电话138****1234，明天回访"),
        ("手机 138-1234-1234", "手机 138-****-1234"),
        ("身份证110101198001011234。", "身份证110101********1234。"),
        ("身份证号11010119800101123x", "身份证号110101********123x"),
        # Typed with full-width digits, as a Chinese input method may.
        ("新号码１３９５５５５６６６６", "新号码１３９****６６６６"),
        (
            "身份证１１０１０１１９８００１０１１２３Ｘ",
            "身份证１１０１０１********１２３Ｘ",
        ),
        # Not a phone or an ID: too long, or part of a longer number.
        ("单号 123456789012345678901", "单号 123456789012345678901"),
        ("编号238123412345", "编号238123412345"),
        ("9号楼4单元301", "9号楼4单元301"),
    ],
)
def test_mask_text(text, shown):
    assert mask_text(text) == shown


def records(path: Path) -> list[dict]:
    """An export's lines without the moment it was made."""
    return [line for line in lines(path) if line["type"] != "gridlog"]


def test_jsonl_imported_into_a_new_log_exports_identically(gridlog, logbook, tmp_path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    ok(gridlog("export", str(first)))
    new = ["--db", str(tmp_path / "new.db")]
    ok(gridlog(*new, "import", str(first)))
    ok(gridlog(*new, "export", str(second)))
    assert records(second) == records(first)
    assert gridlog(*new, "import", str(first)).exit_code == 0  # again: no change
    ok(gridlog(*new, "export", str(second), "--force"))
    assert records(second) == records(first)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_unmasked_table_imports_back_into_the_same_entries(
    gridlog, logbook, tmp_path, lang, suffix
):
    table = tmp_path / f"log.{suffix}"
    ok(gridlog("--lang", lang, "export", str(table), "--no-mask"))
    new = ["--db", str(tmp_path / "new.db")]
    result = gridlog(*new, "import", str(table), "--create-grids")
    assert result.exit_code == 0, result.output

    def entries(*db: str) -> list[tuple]:
        shown = json.loads(gridlog(*db, "log", "--json").stdout)
        keys = ("at", "grid", "place", "resident", "category", "kind", "text")
        return [tuple(entry[key] for key in keys) for entry in shown]

    assert entries(*new) == entries()
    due = json.loads(gridlog(*new, "due", "--json", now="2020-01-02T08:00").stdout)
    assert [item["type"] for item in due] == ["reminder"]  # the follow-up was closed


def test_the_register_sign_offs_and_recurring_care_travel_in_jsonl(
    gridlog, red_grids, tmp_path
):
    """Residents, the care rules' reminders, sign-off lists and items that come
    back are part of the lossless export: a new log built from it exports the same."""
    register = ["resident", "add", "王建国", "--place", "9号楼1单元101"]
    ok(gridlog(*register, "--birth", "1940-05-20", "--tag", "高龄", "--phone", PHONE))
    ok(gridlog("add", "送春联", "--resident", "王建国"))
    roof = json.loads(
        ok(
            gridlog(
                "add",
                "楼顶漏水，需全楼签字",
                "-p",
                "9号楼",
                "--follow-up",
                "明天",
                "--json",
            )
        ).stdout
    )
    ok(gridlog("sign", str(roof["id"]), "--need", "1单元101,1单元102,1单元201"))
    ok(gridlog("sign", str(roof["id"]), "1单元101"))
    weekly = json.loads(
        ok(
            gridlog(
                "add",
                "看望独居老人",
                "-p",
                "9号楼",
                "--follow-up",
                "今天",
                "--every",
                "每周",
                "--json",
            )
        ).stdout
    )
    ok(gridlog("done", str(weekly["id"]), now="2019-03-14T10:00"))
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    ok(gridlog("export", str(first)))
    kinds = {line["type"] for line in lines(first)}
    assert {"resident", "rule", "fired", "signoff"} <= kinds
    new = ["--db", str(tmp_path / "new.db")]
    ok(gridlog(*new, "import", str(first)))
    ok(gridlog(*new, "export", str(second)))
    assert records(second) == records(first)
    shown = json.loads(ok(gridlog(*new, "show", str(roof["id"]), "--json")).stdout)
    assert shown["signoffs"]["signed"] == ["1单元101"]
    ok(gridlog(*new, "merge", str(first)))  # again: nothing changes
    ok(gridlog(*new, "export", str(second), "--force"))
    assert records(second) == records(first)
