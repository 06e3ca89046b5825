"""The monthly review as an Excel workbook, the file that is handed upwards.

Offices re-sort, sum and paste these figures, so every number is a real number (shares
as fractions with a percent format, times in minutes) and every view is its own sheet
with a plain header row:

- summary: one row per group and a total row. Each figure takes three adjacent
  columns under a merged header — this period, the previous period, the change — so a
  figure and its comparison stay side by side when columns are hidden or copied.
  The header is two rows (figure, then period labels); panes freeze below it and
  right of the group names.
- by kind, by category: groups down, kinds/categories across, total last.
- hot spots: group, place, entries.

The file is created owner-only whatever the umask: it names households and problems.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gridlog.domain.report import KINDS, Figures, Report
from gridlog.render.output import clean, width
from gridlog.render.report_html import METRICS, count_keys, group_name
from gridlog.render.report_text import worker_columns, worker_rows
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_FORMATS = {"count": "#,##0", "minutes": "#,##0", "share": "0.0%"}
_CHANGE_FORMATS = {
    "count": "+#,##0;-#,##0;0",
    "minutes": "+#,##0;-#,##0;0",
    "share": "+0.0%;-0.0%;0.0%",
}

Value = str | int | float | None


def write_xlsx(report: Report, file: BinaryIO) -> None:
    """Write the review as a workbook to `file` (the command opens it private)."""
    workbook = Workbook()
    _summary(workbook.active, report)
    _counts(workbook.create_sheet(), report, "kind")
    _counts(workbook.create_sheet(), report, "category")
    _hot_spots(workbook.create_sheet(), report)
    if report.workers is not None:
        _workers(workbook.create_sheet(), report)
    # Built in memory (a month's review is small), then written in one go: a disk
    # that fills up fails the write, and leaves no zip archive open on a closed file.
    built = io.BytesIO()
    workbook.save(built)
    file.write(built.getvalue())


def _summary(sheet: Worksheet, report: Report) -> None:
    sheet.title = t("report.sheet.summary")
    periods = [
        report.period.label,
        report.period.previous().label,
        t("report.xlsx.change"),
    ]
    _header(sheet.cell(1, 1, t(f"report.col.{report.by}")))
    sheet.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)
    for i, (key, _value, unit) in enumerate(METRICS):
        column = 2 + 3 * i
        name = t(f"report.col.{key}")
        if unit == "minutes":
            name = t("report.xlsx.minutes", name=name)
        _header(sheet.cell(1, column, name))
        sheet.merge_cells(
            start_row=1, start_column=column, end_row=1, end_column=column + 2
        )
        for offset, label in enumerate(periods):
            _header(sheet.cell(2, column + offset, label))
    rows = [(f, report.previous.get(f.group)) for f in report.groups]
    for row, (now, before) in enumerate(rows, start=3):
        _summary_row(sheet, row, group_name(report.by, now.group), now, before)
    total_row = 3 + len(rows)
    _summary_row(
        sheet, total_row, t("report.total"), report.total, report.previous_total
    )
    for cell in sheet[total_row]:
        cell.font = _HEADER_FONT
    sheet.freeze_panes = "B3"
    _fit_columns(sheet)


def _summary_row(
    sheet: Worksheet, row: int, name: str, now: Figures, before: Figures | None
) -> None:
    before = before or Figures(now.group)
    _text(sheet.cell(row, 1), name)
    for i, (_key, value, unit) in enumerate(METRICS):
        current, previous = value(now), value(before)
        change = None if current is None or previous is None else current - previous
        for offset, number in enumerate((current, previous, change)):
            cell = sheet.cell(row, 2 + 3 * i + offset, number)
            cell.number_format = (_CHANGE_FORMATS if offset == 2 else _FORMATS)[unit]


def _counts(sheet: Worksheet, report: Report, what: str) -> None:
    sheet.title = t(
        "report.sheet.kinds" if what == "kind" else "report.sheet.categories"
    )
    attr = "by_kind" if what == "kind" else "by_category"
    figures = [*report.groups, report.total]
    keys = _keys(what, [getattr(f, attr) for f in figures])
    lang = current_lang()
    head = [t(f"report.col.{report.by}")] + [vocab.label(what, k, lang) for k in keys]
    names = [
        *(group_name(report.by, f.group) for f in report.groups),
        t("report.total"),
    ]
    rows = [
        [name, *(getattr(f, attr).get(k, 0) for k in keys)]
        for name, f in zip(names, figures, strict=True)
    ]
    _table(sheet, head, rows)
    for cell in sheet[sheet.max_row]:
        cell.font = _HEADER_FONT


def _keys(what: str, counts: list[dict[str, int]]) -> list[str]:
    """Every kind always, so monthly files line up; categories (there are many) only
    when counted."""
    keys = count_keys(what, counts)
    if what == "kind":
        return [*KINDS, *(key for key in keys if key not in KINDS)]
    return keys


def _hot_spots(sheet: Worksheet, report: Report) -> None:
    sheet.title = t("report.sheet.hot_spots")
    head = [t(f"report.col.{col}") for col in (report.by, "place", "entries")]
    rows = [
        [group_name(report.by, spot.group), spot.place, spot.entries]
        for spot in report.hot_spots
    ]
    _table(sheet, head, rows, freeze="A2")


def _workers(sheet: Worksheet, report: Report) -> None:
    """A sheet per hub worker's row: its grids and their figures, as numbers (the
    median in minutes), when the device knows the hub's roster."""
    sheet.title = t("report.by_worker")
    head = worker_columns()
    head[-1] = t("report.xlsx.minutes", name=head[-1])
    rows: list[list[Value]] = []
    for worker, shown in zip(report.workers or [], worker_rows(report), strict=True):
        median = worker.figures.median_resolution_minutes
        numbers: list[Value] = [int(cell) for cell in shown[2:-1]]
        rows.append([*shown[:2], *numbers, None if median is None else round(median)])
    _table(sheet, head, rows)


def _table(
    sheet: Worksheet, head: list[str], rows: list[list[Value]], freeze: str = "B2"
) -> None:
    for column, name in enumerate(head, start=1):
        _header(sheet.cell(1, column, name))
    for r, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                _text(sheet.cell(r, column), value)
            else:
                sheet.cell(r, column, value).number_format = _FORMATS["count"]
    sheet.freeze_panes = freeze
    _fit_columns(sheet)


def _header(cell: Cell) -> None:
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _text(cell: Cell, text: str) -> None:
    """User text as text: control characters shown (Excel rejects them) and never
    a formula, even when a grid or place name starts with `=`."""
    cell.value = clean(text)
    cell.data_type = "s"


def _fit_columns(sheet: Worksheet) -> None:
    """Widths from the longest text, CJK counting double as it does on screen; a
    merged header shares its width among the columns it spans."""
    widths: dict[int, float] = {}
    spans = {
        (m.min_row, m.min_col): m.max_col - m.min_col + 1 for m in sheet.merged_cells
    }
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            span = spans.get((cell.row, cell.column), 1)
            need = _shown_width(cell) / span
            for column in range(cell.column, cell.column + span):
                widths[column] = max(widths.get(column, 0), need)
    for column, need in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(need + 2, 60)


def _shown_width(cell: Cell) -> int:
    value = cell.value
    if isinstance(value, float) and cell.number_format.endswith("%"):
        return len(f"{value:+.1%}")
    if isinstance(value, (int, float)):
        return len(f"{value:+,.0f}")
    return width(str(value))
