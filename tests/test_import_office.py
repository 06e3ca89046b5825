"""`gridlog import` of spreadsheets as offices write them: their own headers
(住址, 问题类别, 情况记录, 处理结果, 走访时间 …), `--map` for any other header, and rows
with more cells than the header names."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import Workbook
from test_import import query, stored, stored_entries, write_csv

OFFICE_HEADER = "走访时间,网格,住址,居民,问题类别,情况记录,处理结果,办结情况"
OFFICE_ROWS = [
    "2019-03-11 09:30,红四,9号楼2单元301,李秀英,物业维修,楼道灯坏了,"
    "已联系物业更换,已办结",
    "2019-03-12 14:05,红四,10号楼,王建国,民政,咨询高龄补贴,,",
]


def check_office_rows(read_db) -> None:
    first, second = stored_entries(read_db)
    assert first["at"] == "2019-03-11T01:30:00Z"  # 09:30 in Shanghai, one cell
    assert (first["place"], first["category"], first["text"]) == (
        "9号楼2单元301",
        "repairs",
        "楼道灯坏了",
    )
    assert second["at"] == "2019-03-12T06:05:00Z"
    assert (second["place"], second["category"]) == ("10号楼", "civil-affairs")
    notes = query(
        read_db,
        "SELECT entry_id, close_note, closed_at, closed_day_unknown FROM followups",
    )
    assert [(row[0], row[1]) for row in notes] == [(first["id"], "已联系物业更换")]
    assert notes[0][2] is not None  # 已办结: the case is closed
    assert notes[0][3] == 1  # on a day the sheet does not say


def test_a_gbk_csv_with_an_offices_headers_is_understood(
    gridlog, red_grids, read_db, tmp_path
):
    path = write_csv(tmp_path / "走访台账.csv", [OFFICE_HEADER, *OFFICE_ROWS], "gbk")
    result = gridlog("import", str(path))
    assert result.exit_code == 0, result.output
    assert "GB18030/GBK" in result.stdout
    assert "Columns not imported" not in result.stdout
    check_office_rows(read_db)


def test_an_xlsx_with_an_offices_headers_is_understood(
    gridlog, red_grids, read_db, tmp_path
):
    book = Workbook()
    sheet = book.active
    sheet.append(OFFICE_HEADER.split(","))
    for line in OFFICE_ROWS:
        cells = line.split(",")
        moment = dt.datetime.fromisoformat(cells[0])
        sheet.append([moment, *[cell or None for cell in cells[1:]]])
    path = tmp_path / "走访台账.xlsx"
    book.save(path)
    result = gridlog("import", str(path))
    assert result.exit_code == 0, result.output
    check_office_rows(read_db)


def test_other_names_offices_give_their_columns(gridlog, red_grids, read_db, tmp_path):
    lines = [
        "时间,门牌,事项类别,走访情况,办理结果,状态",
        "2019-03-11 09:30,9号楼2单元301,物业维修,楼道灯坏了,已联系物业更换,已办结",
    ]
    result = gridlog("import", str(write_csv(tmp_path / "x.csv", lines, "gbk")))
    assert result.exit_code == 0, result.output
    (entry,) = stored_entries(read_db)
    # A lone 时间 column holds the whole moment; the place's building gives the grid.
    assert (entry["at"], entry["grid"]) == ("2019-03-11T01:30:00Z", "红四网格")
    assert (entry["place"], entry["category"]) == ("9号楼2单元301", "repairs")
    assert entry["text"] == "楼道灯坏了"
    notes = query(read_db, "SELECT close_note FROM followups")
    assert [row[0] for row in notes] == ["已联系物业更换"]


def test_a_result_on_a_case_still_open_stays_with_the_entry(
    gridlog, red_grids, read_db, tmp_path
):
    lines = [
        "日期,网格,情况记录,处理结果,跟进日期,状态",
        "2019-03-11,红四,楼顶漏水,已报修,2019-03-20,未办结",
    ]
    result = gridlog("import", str(write_csv(tmp_path / "x.csv", lines)))
    assert result.exit_code == 0, result.output
    (entry,) = stored_entries(read_db)
    assert entry["text"] == "楼顶漏水\n处理结果：已报修"
    items = query(read_db, "SELECT closed_at, close_note FROM followups")
    assert [tuple(row) for row in items] == [(None, None)]


def test_map_names_the_field_of_any_other_header(gridlog, red_grids, read_db, tmp_path):
    lines = ["登记日,片区,反映问题,备注", "2019-03-11,红四,楼顶漏水,住户不在家"]
    path = write_csv(tmp_path / "x.csv", lines)
    refused = gridlog("import", str(path))
    assert refused.exit_code == 1
    result = gridlog(
        "import", str(path), "--map", "登记日=日期", "--map", "片区=grid",
        "--map", "反映问题=内容",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Columns not imported: 备注." in result.stdout
    (entry,) = stored_entries(read_db)
    assert (entry["grid"], entry["text"]) == ("红四网格", "楼顶漏水")
    assert entry["at"].startswith("2019-03-1")


def test_map_refuses_an_unknown_field_and_lists_the_fields(
    gridlog, red_grids, db_path, tmp_path
):
    path = write_csv(tmp_path / "x.csv", ["日期,网格,问题", "2019-03-11,红四,漏水"])
    before = stored(db_path)
    result = gridlog("import", str(path), "--map", "问题=毛病")
    assert result.exit_code == 2
    assert "'毛病' is not a field" in result.stderr
    assert "date" in result.stderr and "text" in result.stderr
    assert "close_note" in result.stderr
    assert "Traceback" not in result.output
    assert stored(db_path) == before
    zh = gridlog("--lang", "zh", "import", str(path), "--map", "问题=毛病")
    assert zh.exit_code == 2 and "不是可导入的字段" in zh.stderr


def test_map_refuses_a_malformed_mapping(gridlog, red_grids, db_path, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["日期,网格,问题", "2019-03-11,红四,漏水"])
    before = stored(db_path)
    for mapping in ("问题", "=text", "问题=", "问题=text=date"):
        result = gridlog("import", str(path), "--map", mapping)
        assert result.exit_code == 2, (mapping, result.output)
        assert "write --map 列名=字段" in result.stderr, mapping
    missing = gridlog("import", str(path), "--map", "反映问题=text")
    assert missing.exit_code == 2
    assert "no column '反映问题'" in missing.stderr and "问题" in missing.stderr
    assert stored(db_path) == before


def test_a_row_with_more_cells_than_the_header_is_not_shifted(
    gridlog, red_grids, db_path, tmp_path
):
    lines = [
        "日期,网格,地点,内容",
        "2019-03-11,红四,9号楼,楼顶漏水",
        "2019-03-12,红四,9号楼,2单元,楼道堆物",  # a comma typed in the place
    ]
    path = write_csv(tmp_path / "x.csv", lines)
    before = stored(db_path)
    refused = gridlog("import", str(path))
    assert refused.exit_code == 1
    assert "row 3: 5 cells, but the header names 4 columns" in refused.stderr
    assert stored(db_path) == before
    kept = gridlog("import", str(path), "--skip-bad")
    assert kept.exit_code == 0, kept.output
    texts = [entry["text"] for entry in json.loads(gridlog("log", "--json").stdout)]
    assert texts == ["楼顶漏水"]
    rejects = (tmp_path / "x.rejected.csv").read_text("utf-8-sig").splitlines()
    assert rejects[1].startswith('3,"row 3: 5 cells')


def test_trailing_empty_cells_are_no_extra_cells(gridlog, red_grids, tmp_path):
    lines = ["日期,网格,内容", "2019-03-11,红四,楼顶漏水,,"]
    result = gridlog("import", str(write_csv(tmp_path / "x.csv", lines)))
    assert result.exit_code == 0, result.output


def test_an_xlsx_row_with_a_cell_past_the_header_is_reported(
    gridlog, red_grids, tmp_path
):
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "网格", "内容"])
    sheet.append(["2019-03-11", "红四", "楼顶漏水", "多出来的"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    result = gridlog("--lang", "zh", "import", str(path))
    assert result.exit_code == 1
    assert "第 2 行有 4 个单元格，但表头只有 3 列" in result.stderr
