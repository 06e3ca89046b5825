"""The Excel review: written from a hand-built report, read back with openpyxl, and
checked figure by figure, in both languages, owner-only whatever the umask."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from gridlog.domain.report import Figures, HotSpot, Period, Report, month_period
from gridlog.render.report_xlsx import write_xlsx
from gridlog.words import i18n


@pytest.fixture(autouse=True)
def restore_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests switch language with `set_lang`; put the process's back afterwards."""
    monkeypatch.setattr(i18n, "_current", i18n.current_lang())
    monkeypatch.setattr(i18n, "_explicit", i18n.is_explicit())


def march_report() -> Report:
    """March 2019 for two grids of 金马二社区; 红一网格 is new, so it has no
    figures for February, and has nothing closed or due yet."""
    red_four = Figures(
        "红四网格",
        entries=12,
        by_kind={"visit": 7, "patrol": 3, "window": 2},
        by_category={"rentals": 5, "sanitation": 4, "disputes": 3},
        places=6,
        followups_opened=4,
        followups_closed=3,
        open=2,
        overdue=1,
        median_resolution_minutes=90.0,
        longest_resolution_minutes=2880,
        due_in_period=5,
        closed_on_time=4,
    )
    red_one = Figures(
        "红一网格",
        entries=5,
        by_kind={"visit": 2, "meeting": 3},
        by_category={"party": 3, "repairs": 2},
        places=2,
        followups_opened=1,
        open=1,
    )
    total = Figures(
        "",
        entries=17,
        by_kind={"visit": 9, "patrol": 3, "window": 2, "meeting": 3},
        by_category={
            "rentals": 5,
            "sanitation": 4,
            "disputes": 3,
            "party": 3,
            "repairs": 2,
        },
        places=8,
        followups_opened=5,
        followups_closed=3,
        open=3,
        overdue=1,
        median_resolution_minutes=90.0,
        longest_resolution_minutes=2880,
        due_in_period=5,
        closed_on_time=4,
    )
    february = dict(
        entries=10,
        by_kind={"visit": 5, "patrol": 5},
        by_category={"rentals": 10},
        places=6,
        followups_opened=2,
        followups_closed=3,
        open=3,
        overdue=2,
        median_resolution_minutes=120.0,
        longest_resolution_minutes=1440,
        due_in_period=4,
        closed_on_time=2,
    )
    return Report(
        period=month_period(2019, 3),
        by="grid",
        groups=[red_four, red_one],
        total=total,
        previous={"红四网格": Figures("红四网格", **february)},
        previous_total=Figures("", **february),
        hot_spots=[HotSpot("红四网格", "9号楼", 3)],
    )


def written(tmp_path: Path, report: Report | None = None, lang: str = "en") -> Path:
    i18n.set_lang(lang)
    path = tmp_path / "review.xlsx"
    with path.open("wb") as file:
        write_xlsx(report or march_report(), file)
    return path


def values(sheet: Worksheet, first_row: int) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(min_row=first_row, values_only=True)]


def test_one_sheet_per_view_titled_in_the_users_language(tmp_path: Path):
    english = load_workbook(written(tmp_path, lang="en"))
    assert english.sheetnames == ["Summary", "By kind", "By category", "Hot spots"]

    chinese = load_workbook(written(tmp_path, lang="zh"))
    assert chinese.sheetnames == ["汇总", "按类型", "按类别", "多发地点"]
    summary = chinese["汇总"]
    assert summary["A1"].value == "网格"
    assert summary["B1"].value == "日志"
    assert [c.value for c in summary[2][1:4]] == ["2019-03", "2019-02", "变化"]
    assert summary["W1"].value == f"{i18n.t('report.col.median')}（分钟）"
    assert summary.cell(5, 1).value == "合计"
    assert chinese["按类型"]["B1"].value == "走访"


def test_summary_has_each_figure_beside_last_month_and_the_change(tmp_path: Path):
    summary = load_workbook(written(tmp_path))["Summary"]

    header = [cell.value for cell in summary[1]]
    assert header[0] == "Grid"
    assert header[1::3] == [
        *(i18n.t(f"report.col.{name}") for name in ("entries", "visits", "places")),
        *(i18n.t(f"report.col.{name}") for name in ("opened", "closed", "open")),
        i18n.t("report.col.overdue"),
        i18n.t("report.col.median") + " (minutes)",
        i18n.t("report.col.longest") + " (minutes)",
        i18n.t("report.col.on_time"),
        i18n.t("report.col.scheduled"),
    ]
    assert header[1] == "Entries"
    red_four, red_one, total = values(summary, first_row=3)
    # (this month, February, change) for each figure, in the header's order
    assert red_four == pytest.approx(
        [
            *("红四网格", 12, 10, 2, 7, 5, 2, 6, 6, 0, 4, 2, 2, 3, 3, 0, 2, 3, -1),
            *(1, 2, -1, 90, 120, -30, 2880, 1440, 1440, 0.8, 0.5, 0.3),
            *(0, 0, 0),  # no reminder scheduled after the month
        ]
    )
    assert red_one == (
        [
            *("红一网格", 5, 0, 5, 2, 0, 2, 2, 0, 2, 1, 0, 1, 0, 0, 0, 1, 0, 1),
            *(0, 0, 0, None, None, None, None, None, None, None, None, None),
            *(0, 0, 0),
        ]
    )
    assert total == pytest.approx(
        [
            *("Total", 17, 10, 7, 9, 5, 4, 8, 6, 2, 5, 2, 3, 3, 3, 0, 3, 3, 0),
            *(1, 2, -1, 90, 120, -30, 2880, 1440, 1440, 0.8, 0.5, 0.3),
            *(0, 0, 0),
        ]
    )


def test_numbers_are_numbers_shares_percent_and_changes_signed(tmp_path: Path):
    summary = load_workbook(written(tmp_path))["Summary"]

    entries, median, on_time = summary["B3"], summary["W3"], summary["AC3"]
    assert (entries.value, entries.data_type) == (12, "n")
    assert isinstance(entries.value, int)
    assert (median.value, median.data_type) == (90, "n")
    assert on_time.value == pytest.approx(0.8)
    assert on_time.data_type == "n"
    assert on_time.number_format.endswith("%")
    assert summary["AE3"].number_format.startswith("+")
    assert summary["D3"].number_format.startswith("+")


def test_header_rows_are_bold_filled_and_frozen(tmp_path: Path):
    book = load_workbook(written(tmp_path))

    for sheet, header_rows, frozen in [
        ("Summary", 2, "B3"),
        ("By kind", 1, "B2"),
        ("By category", 1, "B2"),
        ("Hot spots", 1, "A2"),
    ]:
        ws = book[sheet]
        for row in ws.iter_rows(max_row=header_rows):
            for cell in row:
                if isinstance(cell, MergedCell):
                    continue  # shown with the style of the merge's first cell
                assert cell.font.bold, (sheet, cell.coordinate)
                assert cell.fill.fill_type == "solid", (sheet, cell.coordinate)
        assert not ws.cell(header_rows + 1, 1).fill.fill_type
        assert ws.freeze_panes == frozen
    assert "B1:D1" in book["Summary"].merged_cells
    assert book["Summary"]["A5"].font.bold  # the total row


def test_column_widths_count_chinese_characters_double(tmp_path: Path):
    report = march_report()
    report.hot_spots = [HotSpot("红四网格", "冶金一号楼三单元东侧车棚", 4)]
    hot_spots = load_workbook(written(tmp_path, report, lang="zh"))["多发地点"]

    assert hot_spots.column_dimensions["B"].width >= 2 * len("冶金一号楼三单元东侧车棚")
    assert hot_spots.column_dimensions["C"].width >= 4  # "日志" is two wide characters
    assert hot_spots["B2"].value == "冶金一号楼三单元东侧车棚"


def test_by_kind_and_by_category_sheets(tmp_path: Path):
    book = load_workbook(written(tmp_path))

    assert values(book["By kind"], first_row=1) == [
        ["Grid", "home visit", "patrol", "window duty", "meeting", "other"],
        ["红四网格", 7, 3, 2, 0, 0],
        ["红一网格", 2, 0, 0, 3, 0],
        ["Total", 9, 3, 2, 3, 0],
    ]
    header, *rows = values(book["By category"], first_row=1)
    assert header == [
        "Grid",
        "party building",
        "rentals & migrants",
        "sanitation",
        "repairs",
        "disputes",
    ]
    assert rows == [
        ["红四网格", 0, 5, 4, 0, 3],
        ["红一网格", 3, 0, 0, 2, 0],
        ["Total", 3, 5, 4, 2, 3],
    ]


def test_hot_spots_sheet(tmp_path: Path):
    sheet = load_workbook(written(tmp_path))["Hot spots"]

    assert values(sheet, first_row=1) == [
        ["Grid", "Place", "Entries"],
        ["红四网格", "9号楼", 3],
    ]


def test_names_that_look_like_formulas_stay_text(tmp_path: Path):
    report = march_report()
    report.groups[0].group = '=HYPERLINK("x")'
    report.hot_spots = [HotSpot("=1+1", "@SUM(A1)\x07", 3)]
    book = load_workbook(written(tmp_path, report))

    assert book["Summary"]["A3"].value == '=HYPERLINK("x")'
    assert book["Summary"]["A3"].data_type == "s"
    assert [c.value for c in book["Hot spots"][2]] == ["=1+1", "@SUM(A1)\\x07", 3]
    assert book["Hot spots"]["A2"].data_type == "s"


def test_workers_without_a_name_and_category_groups_are_labelled(tmp_path: Path):
    report = march_report()
    report.by = "worker"
    report.groups[1].group = ""
    assert load_workbook(written(tmp_path, report))["Summary"]["A4"].value == (
        "(no worker)"
    )
    report.by = "category"
    report.groups[0].group = "rentals"
    summary = load_workbook(written(tmp_path, report, lang="zh"))["汇总"]
    assert (summary["A1"].value, summary["A3"].value) == ("类别", "出租屋/流动人口")


def test_an_empty_month_still_makes_a_workbook(tmp_path: Path):
    empty = Report(
        period=month_period(2019, 3),
        by="grid",
        groups=[],
        total=Figures(""),
        previous={},
        previous_total=Figures(""),
        hot_spots=[],
    )
    book = load_workbook(written(tmp_path, empty))

    assert values(book["Summary"], first_row=3)[0][:4] == ["Total", 0, 0, 0]
    assert values(book["Hot spots"], first_row=1) == [["Grid", "Place", "Entries"]]


@pytest.mark.parametrize("umask", [0, 0o022])
def test_the_file_is_readable_by_its_owner_only(gridlog, tmp_path: Path, umask: int):
    existing = tmp_path / "review.xlsx"
    existing.write_bytes(b"old")
    existing.chmod(0o644)
    old = os.umask(umask)
    try:
        result = gridlog(
            "--lang",
            "en",
            "report",
            "--format",
            "xlsx",
            "--output",
            str(existing),
            "--force",
        )
    finally:
        os.umask(old)

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert load_workbook(existing).sheetnames[0] == "Summary"


def test_a_period_that_is_not_a_month_uses_its_dates(tmp_path: Path):
    report = march_report()
    report.period = Period(dt.date(2019, 3, 4), dt.date(2019, 3, 11))
    summary = load_workbook(written(tmp_path, report))["Summary"]

    assert [c.value for c in summary[2][1:3]] == [
        "2019-03-04 – 2019-03-10",
        "2019-02-25 – 2019-03-03",
    ]
