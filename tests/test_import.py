"""`gridlog import`: old logs from CSV (as Chinese offices save it) and Excel, every
value checked and stored, nothing half-right kept, nothing stored twice."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
import os
import random
import stat
from pathlib import Path

import pytest
from openpyxl import Workbook

HEADER = "日期,时间,网格,地点,居民,电话,类别,类型,内容,跟进日期,提醒日期"
ROWS = [
    "2019-03-11,09:30,红四网格,9号楼2单元301,李秀英,13812345678,物业维修,走访,"
    "楼北侧大面积跑水，联系辖区单位解决,下周一,",
    "2019/03/12,,红四,10号楼,王建国,0471-6612345,民政,,老人身体好，明年满80岁,,2020年",
    "2019年3月12日 8点10分,,,冶金一号楼,,,,窗口,居民来窗口咨询低保,,",
]


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    """As Excel writes it: CRLF line ends, in the given encoding."""
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def log(gridlog) -> list[dict]:
    return json.loads(gridlog("log", "--json").stdout)


def stored(db_path: Path) -> list:
    """Everything stored, for checking that a refused import changed nothing."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def query(read_db, sql: str) -> list:
    conn = read_db()
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def stored_entries(read_db) -> list[dict]:
    rows = query(
        read_db,
        "SELECT e.*, g.name AS grid FROM entries e JOIN grids g ON g.id = e.grid_id"
        " ORDER BY e.at",
    )
    return [dict(row) for row in rows]


def check_the_three_rows(gridlog, read_db) -> None:
    first, second, third = stored_entries(read_db)
    assert first["at"] == "2019-03-11T01:30:00Z"  # 09:30 in Shanghai
    assert (first["grid"], first["place"], first["resident"]) == (
        "红四网格",
        "9号楼2单元301",
        "李秀英",
    )
    assert (first["phone"], first["category"], first["kind"]) == (
        "13812345678",
        "repairs",
        "visit",
    )
    assert first["text"] == "楼北侧大面积跑水，联系辖区单位解决"
    assert (second["grid"], second["phone"], second["category"]) == (
        "红四网格",
        "0471-6612345",
        "civil-affairs",
    )
    assert second["at"] == "2019-03-11T16:00:00Z"  # a day without time: its start
    assert (third["grid"], third["kind"], third["at"]) == (
        "红一网格",  # found through the building
        "window",
        "2019-03-12T00:10:00Z",
    )
    conn = read_db()
    items = conn.execute(
        "SELECT type, due_on, closed_at FROM followups ORDER BY id"
    ).fetchall()
    conn.close()
    # 下周一 counted from the visit (Mon 11 March), 2020年 from the visit too.
    assert [tuple(item) for item in items] == [
        ("followup", "2019-03-18", None),
        ("reminder", "2020-01-01", None),
    ]


def test_a_gbk_csv_saved_by_excel_is_read_and_every_value_stored(
    gridlog, red_grids, read_db, tmp_path
):
    path = write_csv(tmp_path / "2019年3月.csv", [HEADER, *ROWS], "gbk")
    result = gridlog("import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported 3 entries" in result.stdout
    assert "GB18030/GBK" in result.stdout
    check_the_three_rows(gridlog, read_db)


def test_a_utf8_csv_with_bom_is_read_and_every_value_stored(
    gridlog, red_grids, read_db, tmp_path
):
    path = write_csv(tmp_path / "log.csv", [HEADER, *ROWS], "utf-8-sig")
    assert gridlog("import", str(path)).exit_code == 0
    check_the_three_rows(gridlog, read_db)


def test_a_utf8_csv_is_never_read_as_gbk(gridlog, red_grids, read_db, tmp_path):
    text = "楼顶漏水，已联系物业"
    assert text.encode("utf-8").decode("gb18030")  # GBK would read it, as mojibake
    path = write_csv(
        tmp_path / "log.csv", ["日期,网格,内容", f"2019-03-01,红四,{text}"]
    )
    result = gridlog("import", str(path))
    assert "(UTF-8)" in result.stdout
    assert [entry["text"] for entry in stored_entries(read_db)] == [text]


def test_excels_unicode_text_is_tab_separated_utf16(
    gridlog, red_grids, read_db, tmp_path
):
    lines = ["日期\t网格\t内容", "2019-03-01\t红四\t入户走访"]
    path = tmp_path / "log.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    assert gridlog("import", str(path)).exit_code == 0
    assert [entry["text"] for entry in stored_entries(read_db)] == ["入户走访"]


def test_an_xlsx_with_chinese_headers_is_read_and_every_value_stored(
    gridlog, red_grids, read_db, tmp_path
):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            dt.datetime(2019, 3, 11),
            dt.time(9, 30),
            "红四网格",
            "9号楼2单元301",
            "李秀英",
            13812345678,  # a number cell keeps every digit
            "物业维修",
            "走访",
            "楼北侧大面积跑水，联系辖区单位解决",
            "下周一",
            None,
        ]
    )
    second = [dt.date(2019, 3, 12), None, "红四", "10号楼", "王建国", "0471-6612345"]
    sheet.append([*second, "民政", None, "老人身体好，明年满80岁", None, "2020年"])
    sheet.append(["2019年3月12日 8点10分", None, None, "冶金一号楼"])
    sheet.cell(row=4, column=8, value="窗口")
    sheet.cell(row=4, column=9, value="居民来窗口咨询低保")
    path = tmp_path / "log.xlsx"
    book.save(path)
    result = gridlog("import", str(path))
    assert result.exit_code == 0, result.output
    check_the_three_rows(gridlog, read_db)


def test_one_bad_row_stores_nothing_and_skip_bad_stores_the_rest(
    gridlog, red_grids, db_path, tmp_path
):
    gridlog("add", "已有的日志", "--grid", "红四")
    bad = "2019-02-30,,红四网格,9号楼,,,,,日期不存在的一行,,"
    path = write_csv(tmp_path / "log.csv", [HEADER, ROWS[0], bad, ROWS[1]])
    before = stored(db_path)

    refused = gridlog("import", str(path))
    assert refused.exit_code == 1
    assert "row 3, 日期: there is no such date or time: '2019-02-30'." in refused.stderr
    assert "nothing was stored" in refused.stderr
    assert "Traceback" not in refused.output
    assert stored(db_path) == before

    kept = gridlog("import", str(path), "--skip-bad")
    assert kept.exit_code == 0, kept.output
    assert [e["text"] for e in log(gridlog)] == [
        "楼北侧大面积跑水，联系辖区单位解决",
        "老人身体好，明年满80岁",
        "已有的日志",
    ]
    rejects = tmp_path / "log.rejected.csv"
    assert "log.rejected.csv" in kept.stdout
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    lines = rejects.read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("row,reason,日期,")
    assert lines[1].startswith("3,日期: there is no such date")
    assert lines[1].endswith(bad)


def test_the_reject_file_never_starts_a_cell_with_a_formula(
    gridlog, red_grids, tmp_path
):
    """A bad row's cells go back as typed, but never as a live formula (import
    takes the apostrophe off again, see transfer.cells.unquoted)."""
    bad = '2019-02-30,,红四网格,"=HYPERLINK(""http://x"",""点我"")",,,,,@SUM(1+1),,'
    path = write_csv(tmp_path / "log.csv", [HEADER, ROWS[0], bad])
    kept = gridlog("import", str(path), "--skip-bad")
    assert kept.exit_code == 0, kept.output
    rejects = tmp_path / "log.rejected.csv"
    rows = list(csv.reader(io.StringIO(rejects.read_text("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'@SUM(1+1)" in rows[1]
    assert """'=HYPERLINK("http://x","点我")""" in rows[1]


def test_dry_run_reports_every_bad_row_and_stores_nothing(
    gridlog, red_grids, db_path, tmp_path
):
    rows = [
        "2019-03-01,,红四,,,1.38123E+10,,,电话被Excel改了,,",
        "2019-03-02,,红九,,,,,,没有这个网格,,",
        "3月3日,,红四,,,,迷路,,没有年份 也没有这个类别,,",
        "2019-03-04,,红四,,,,,,,,",
        "2019-03-05,,红四,,,,,,跟进日期不对,2019-13-01,",
        "2019-03-06,,红四,,,,,,这一行没问题,,",
    ]
    path = write_csv(tmp_path / "log.csv", [HEADER, *rows])
    before = stored(db_path)
    result = gridlog("import", str(path), "--dry-run")
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("row")]
    assert [line.split(":")[0] for line in problems] == [
        "row 2, 电话",
        "row 3, 网格",
        "row 4, 日期",
        "row 4, 类别",
        "row 5, 内容",
        "row 6, 跟进日期",
    ]
    assert "1.38123E+10" in problems[0] and "lost its last digits" in problems[0]
    assert "has no year" in problems[2]
    assert "6 rows" in result.stdout and "1 good, 5 bad" in result.stdout
    assert stored(db_path) == before


def test_a_date_before_1900_is_taken_for_a_typing_mistake(
    gridlog, red_grids, db_path, tmp_path
):
    path = write_csv(tmp_path / "log.csv", ["日期,网格,内容", "0001-01-01,红四,走访"])
    before = stored(db_path)
    result = gridlog("import", str(path))
    assert result.exit_code == 1
    assert "row 2, 日期: '0001-01-01' is before 1900" in result.stderr
    assert stored(db_path) == before


def test_importing_twice_adds_nothing_but_keeps_repeated_rows(
    gridlog, red_grids, tmp_path
):
    same = "2019-03-01,,红四,9号楼,,,,,入户走访,,"
    path = write_csv(tmp_path / "log.csv", [HEADER, same, same, ROWS[0]])
    assert gridlog("import", str(path)).exit_code == 0
    again = gridlog("import", str(path))
    assert again.exit_code == 0
    assert "Imported 0 entries" in again.stdout
    assert "3 rows were imported before" in again.stdout
    assert [e["text"] for e in log(gridlog)].count("入户走访") == 2
    assert len(log(gridlog)) == 3
    assert len(json.loads(gridlog("due", "--json").stdout)) == 0  # due 18 March
    # the same rows in another order are still the same rows
    write_csv(path, [HEADER, ROWS[0], same, same])
    assert "Imported 0 entries" in gridlog("import", str(path)).stdout
    write_csv(path, [HEADER, same])
    once = gridlog("import", str(path)).stdout
    assert "Imported 0 entries" in once
    assert "1 row was imported before and was left alone" in once
    write_csv(path, [HEADER, "2019-03-02,,红四,9号楼,,,,,再次走访,,"])
    assert "Imported 1 entry from log.csv" in gridlog("import", str(path)).stdout


def test_the_summary_counts_the_overdue_items_the_import_opened(
    gridlog, red_grids, tmp_path
):
    old = gridlog("add", "旧的跟进", "--grid", "红四", "--follow-up", "3月1日")
    assert old.exit_code == 0, old.output  # overdue, but not the import's
    path = write_csv(tmp_path / "log.csv", [HEADER, ROWS[0], ROWS[1]])
    result = gridlog("import", str(path), "--json")
    assert json.loads(result.stdout)["overdue"] == 0  # 下周一 (18 March) is not yet
    text = gridlog(
        "--lang",
        "zh",
        "import",
        str(
            write_csv(
                tmp_path / "b.csv", [HEADER, "2019-01-02,,红四,,,,,,年初走访,1月9日,"]
            )
        ),
    )
    assert "其中 1 项跟进和提醒未办结且已逾期" in text.stdout


def test_repeated_rows_are_told_apart_across_batches(
    gridlog, red_grids, read_db, tmp_path
):
    same = "2019-03-01,,红四,9号楼,,,,,入户走访,,"
    other = "2019-03-02,,红四,9号楼,,,,,楼道堆物,,"
    lines = [HEADER, same, other, same, other, same, same, other]
    path = write_csv(tmp_path / "log.csv", lines)
    first = gridlog("import", str(path), "--batch-size", "2", "--apart")
    assert first.exit_code == 0, first.output
    assert "Imported 7 entries" in first.stdout
    again = gridlog("import", str(path), "--batch-size", "3")
    assert "Imported 0 entries" in again.stdout
    assert len({row[0] for row in imported(read_db)}) == 7  # seven UUIDs


def test_an_import_leaves_the_indexes_as_it_found_them(
    gridlog, red_grids, read_db, tmp_path
):
    def indexes():
        found = query(
            read_db,
            "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            " ORDER BY name",
        )
        return [tuple(row) for row in found]

    before = indexes()
    path = write_csv(tmp_path / "log.csv", [HEADER, *many_rows(300)])
    result = gridlog("import", str(path), "--create-grids", "--apart")
    assert result.exit_code == 0, result.output
    assert indexes() == before  # dropped for the load (the log was empty), rebuilt
    assert gridlog("check").exit_code == 0


def test_english_headers_in_any_case_and_unknown_columns_reported(
    gridlog, red_grids, read_db, tmp_path
):
    lines = [
        "DATE,Grid,Text,Follow-Up,Status,备注2",
        "2019-03-01,红四,楼顶漏水,2019-03-05,已办结,随便写的",
        "2019-03-02,红四,楼道堆物,2019-03-05,open,",
    ]
    result = gridlog("import", str(write_csv(tmp_path / "x.csv", lines)))
    assert result.exit_code == 0, result.output
    assert "Columns not imported: 备注2." in result.stdout
    due = json.loads(gridlog("due", "--json").stdout)
    assert [item["text"] for item in due] == ["楼道堆物"]  # the closed one is not due
    assert "overdue" in result.stdout


def test_create_grids_registers_the_grids_a_file_names(gridlog, tmp_path):
    lines = [
        "日期,网格,内容",
        "2019-03-01,三里屯网格,走访",
        "2019-03-02,三里屯网格,巡查",
    ]
    path = write_csv(tmp_path / "x.csv", lines)
    assert "三里屯网格" in gridlog("import", str(path)).stderr
    dry = gridlog("import", str(path), "--create-grids", "--dry-run")
    assert dry.exit_code == 0 and "would be created: 三里屯网格" in dry.stdout
    result = gridlog("import", str(path), "--create-grids")
    assert result.exit_code == 0, result.output
    assert "New grids registered: 三里屯网格" in result.stdout
    assert {e["grid"] for e in log(gridlog)} == {"三里屯网格"}


def test_an_import_is_undone_by_one_undo(gridlog, red_grids, tmp_path):
    path = write_csv(tmp_path / "log.csv", [HEADER, *ROWS])
    gridlog("import", str(path), "--batch-size", "2")
    assert len(log(gridlog)) == 3
    assert gridlog("undo").exit_code == 0
    assert log(gridlog) == []


def many_rows(count: int) -> list[str]:
    """A long log: grids the register lacks, repeated rows, some follow-ups."""
    lines = []
    for i in range(count):
        text = "入户走访" if i % 7 == 0 else f"第{i}次走访，楼道堆物"
        follow = "下周一" if i % 3 == 0 else ""
        day = f"2018-{1 + i % 12:02d}-{1 + i % 28:02d}"
        lines.append(f"{day},08:{i % 60:02d},新{i % 4}网格,,,,,,{text},{follow},")
    return lines


def imported(read_db) -> list[tuple]:
    rows = query(
        read_db,
        "SELECT e.uuid, e.at, g.name, e.text, f.uuid, f.due_on FROM entries e"
        " JOIN grids g ON g.id = e.grid_id LEFT JOIN followups f ON f.entry_id = e.id"
        " ORDER BY e.uuid",
    )
    return [tuple(row) for row in rows]


def test_a_file_read_in_a_second_process_is_stored_the_same_and_undone_as_one(
    gridlog, red_grids, db_path, read_db, tmp_path
):
    path = write_csv(tmp_path / "log.csv", [HEADER, *many_rows(300)])
    here = gridlog(
        "import", str(path), "--create-grids", "--here", "--batch-size", "40"
    )
    assert here.exit_code == 0, here.output
    expected = imported(read_db)
    assert len(expected) == 300
    assert gridlog("undo").exit_code == 0
    assert log(gridlog) == []

    apart = gridlog(
        "import", str(path), "--create-grids", "--apart", "--batch-size", "40"
    )
    assert apart.exit_code == 0, apart.output
    assert imported(read_db) == expected
    assert "Imported 300 entries" in apart.stdout
    assert gridlog("search", "楼道堆物", "--limit", "0").stdout.count("楼道堆物") == 257
    again = gridlog("import", str(path), "--apart", "--batch-size", "40")
    assert "Imported 0 entries" in again.stdout
    assert gridlog("undo").exit_code == 0  # the second import stored nothing
    assert gridlog("undo").exit_code == 0
    assert log(gridlog) == []


def test_a_bad_last_row_stores_nothing_even_when_read_in_a_second_process(
    gridlog, red_grids, db_path, read_db, tmp_path
):
    bad = "2019-02-30,,红四网格,,,,,,日期不存在的一行,,"
    path = write_csv(tmp_path / "log.csv", [HEADER, *many_rows(300), bad])
    before = stored(db_path)
    refused = gridlog(
        "import", str(path), "--create-grids", "--apart", "--batch-size", "40"
    )
    assert refused.exit_code == 1
    assert "row 302, 日期: there is no such date" in refused.stderr
    assert stored(db_path) == before
    kept = gridlog(
        "import",
        str(path),
        "--create-grids",
        "--apart",
        "--skip-bad",
        "--batch-size",
        "40",
    )
    assert kept.exit_code == 0, kept.output
    assert len(imported(read_db)) == 300


def test_json_summary(gridlog, red_grids, tmp_path):
    path = write_csv(tmp_path / "log.csv", [HEADER, *ROWS])
    data = json.loads(gridlog("import", str(path), "--json").stdout)
    assert data["rows"] == data["stored"] == 3
    assert (data["bad_rows"], data["already_there"], data["items"]) == (0, 0, 2)


@pytest.mark.parametrize(
    ("name", "data", "expected", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx or .csv", 2),
        ("notes.docx", b"PK", "give a .csv, .xlsx or .jsonl file", 2),
        ("missing.csv", None, "there is no file 'missing.csv'", 2),
        ("empty.csv", b"", "the file has no rows", 1),
        ("latin1.csv", "日期,内容\n".encode() + b"\xff\xfe\xfa", "neither UTF-8", 1),
        ("fake.xlsx", b"not a zip", "is not a readable .xlsx", 1),
        ("cols.csv", "地点,居民\n9号楼,王\n".encode(), "no column 日期/date", 1),
        # A lone 时间 column holds the date (and time): only the text is missing.
        ("time.csv", "时间,地点\n08:00,9号楼\n".encode(), "no column 内容/text", 1),
    ],
)
def test_files_that_cannot_be_imported(
    gridlog, red_grids, db_path, tmp_path, name, data, expected, code
):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    before = stored(db_path)
    result = gridlog("import", str(path))
    assert result.exit_code == code
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert stored(db_path) == before


def test_imported_entries_can_be_found(gridlog, red_grids, tmp_path):
    path = write_csv(tmp_path / "log.csv", [HEADER, *ROWS], "gbk")
    gridlog("import", str(path))
    found = json.loads(gridlog("search", "跑水", "--json").stdout)
    assert [hit["text"] for hit in found] == ["楼北侧大面积跑水，联系辖区单位解决"]
    assert os.path.exists(path)


def test_a_rows_uuids_are_the_ones_every_release_gives_it(
    gridlog, red_grids, read_db, tmp_path
):
    """The same file gives the same UUIDs on any device and any release, so that
    importing it on two devices and merging them stores each visit once. These are
    the UUIDs the releases before the speed work gave (uuid5 of what the row says,
    and which repeat it is; the follow-up's from its entry's)."""
    row = "2019-03-11,09:30,红四网格,9号楼2单元301,李秀英,楼北侧大面积跑水"
    lines = ["日期,时间,网格,地点,居民,内容,跟进日期", f"{row},下周一", f"{row},"]
    result = gridlog("import", str(write_csv(tmp_path / "log.csv", lines)))
    assert result.exit_code == 0, result.output
    stored_uuids = query(
        read_db,
        "SELECT e.uuid, f.uuid FROM entries e"
        " LEFT JOIN followups f ON f.entry_id = e.id ORDER BY e.id",
    )
    assert [tuple(row) for row in stored_uuids] == [
        (
            "aae2468e-2d99-5e03-8bfd-b7e4730d9bc6",
            "e67a1e6a-2cb1-5a9b-87ee-63bffcdb8bba",
        ),
        ("ed672633-a522-527e-b202-7228b9f78253", None),  # the repeat: "#1"
    ]


def test_a_bad_name_is_refused_on_every_row_that_repeats_it(
    gridlog, red_grids, db_path, tmp_path
):
    """Names are checked once per distinct name; a refused one is still refused,
    with its reason, on each row it is on, and nothing is stored."""
    bad = "王\u202e红"  # a right-to-left override hides what the name is
    lines = [HEADER, *(f"2019-03-0{day},,红四,,{bad},,,,走访,," for day in (1, 2))]
    before = stored(db_path)
    refused = gridlog("import", str(write_csv(tmp_path / "log.csv", lines)))
    assert refused.exit_code == 1
    for number in (2, 3):
        assert f"row {number}, 居民: " in refused.stderr
    assert refused.stderr.count("invisible") == 2, refused.stderr
    assert stored(db_path) == before


def test_rows_named_by_the_storing_side_get_the_uuids_the_reader_gives(
    red_grids, db_path, tmp_path
):
    """While the storing side waits for the reading one, the reader leaves the
    UUIDs of its next chunks to it; the rows get the same UUIDs either way, repeats
    across chunks included, whichever chunks are handed over."""
    from zoneinfo import ZoneInfo

    from gridlog.context import Context
    from gridlog.storage.db import open_db
    from gridlog.transfer.import_rows import Good, named, read_rows
    from gridlog.transfer.rows import Options

    row = "2019-03-11,09:30,红四网格,9号楼2单元301,李秀英,楼北侧大面积跑水"
    lines = ["日期,时间,网格,地点,居民,内容,跟进日期"]
    lines += [f"{row},下周一" if n % 3 else f"{row}," for n in range(7)]
    path = write_csv(tmp_path / "log.csv", lines)
    zone = ZoneInfo("Asia/Shanghai")
    ctx = Context(now=dt.datetime(2019, 4, 1, tzinfo=zone), zone=zone)
    conn = open_db(db_path, write=False)

    def stored(waits) -> tuple[list, int]:
        events = read_rows(conn, ctx, path, Options(batch=2), storing_waits=waits)
        chunks = [event for event in events if isinstance(event, Good)]
        handed = sum(chunk.names is not None for chunk in chunks)
        return [row for chunk in chunks for row in named(chunk)], handed

    try:
        by_reader, handed = stored(None)
        assert handed == 0 and len({row[0] for row in by_reader}) == 7
        turns = iter([True, False] * 4)
        for waits in (lambda: True, lambda: next(turns)):
            by_storer, handed = stored(waits)
            assert handed > 0 and by_storer == by_reader
    finally:
        conn.close()


def test_which_repeat_a_row_is_does_not_depend_on_how_the_keys_table_grew():
    """The reader's table of keys starts small and doubles as a file outgrows its
    length's estimate: rows are named as a plain count of repeats names them, the
    same key seen again in a later chunk and after every growth."""
    from gridlog.transfer.import_rows import Identities

    rng = random.Random(7)
    common = [rng.randbytes(16) for _ in range(3000)]
    said = [
        rng.choice(common) if rng.random() < 0.1 else rng.randbytes(16)
        for _ in range(30_000)
    ]
    said += rng.sample(said, len(said))  # every key again, after every growth
    seen: collections.Counter[bytes] = collections.Counter()
    expected = []
    for key in said:
        n = seen[key]
        seen[key] += 1
        expected.append(key.hex() if n == 0 else f"{key.hex()}#{n}")
    identities = Identities()
    first = len(identities.places)
    names = []
    for start in range(0, len(said), 7000):
        _, given = identities.given([(None, key) for key in said[start : start + 7000]])
        names += given
    assert names == expected
    assert len(identities.places) >= 4 * first  # it grew, more than once
