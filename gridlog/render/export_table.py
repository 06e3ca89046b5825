"""The log as a table for people: one row per entry, to open in Excel (csv or xlsx).

Local dates and times, category and kind in the reader's language, the column names
gridlog's own importer reads, residents' phone and ID numbers masked (also inside
texts) unless asked otherwise, and every text kept from running as a formula. Rows
are streamed off one cursor, so memory stays flat whatever the size of the log.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from gridlog.context import Context
from gridlog.dates.clock import from_utc_iso
from gridlog.domain.log import LogFilter, count_entries, exported_entries
from gridlog.domain.masking import mask_phone, mask_text
from gridlog.errors import GridlogError
from gridlog.render.cells import csv_text
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t

# The csv/xlsx columns, by message key; their Chinese and English names are the ones
# gridlog's importer reads (日期/date … 提醒日期/reminder).
COLUMNS = (
    "id",
    "date",
    "time",
    "grid",
    "place",
    "resident",
    "phone",
    "category",
    "kind",
    "text",
    "follow_up",
    "reminder",
    "closed",
    "photos",  # the names of the photos kept with the entry; not read by import
)
_WIDTHS = (8, 12, 7, 12, 18, 10, 15, 12, 10, 60, 12, 12, 12, 24)
XLSX_MAX_ROWS = 1_048_575  # Excel's rows, less the header
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class TableRow:
    """One entry as the csv and xlsx show it: local date and time, labels, masked."""

    id: int
    at: dt.datetime
    grid: str
    place: str | None
    resident: str | None
    phone: str | None
    category: str
    kind: str
    text: str
    follow_up: dt.date | None
    reminder: dt.date | None
    closed: dt.date | None
    day_only: bool = False  # no time was given: the time cell stays empty
    closed_unknown: bool = False  # closed on a day nobody wrote down
    photos: str | None = None  # their names, joined by 、


def table_rows(
    conn: sqlite3.Connection, ctx: Context, filters: LogFilter, mask: bool
) -> Iterator[TableRow]:
    """The entries `filters` select, oldest first, one at a time."""
    lang = current_lang()
    hide = mask_text if mask else _same
    for row in exported_entries(conn, ctx.zone, filters):
        phone = row["phone"]
        yield TableRow(
            id=row["id"],
            at=from_utc_iso(row["at"], ctx.zone),
            grid=row["grid"],
            place=row["place"] and hide(row["place"]),
            resident=row["resident"] and hide(row["resident"]),
            phone=phone and (mask_phone(phone) if mask else phone),
            category=vocab.label("category", row["category"], lang),
            kind=vocab.label("kind", row["kind"], lang),
            text=hide(row["text"]),
            follow_up=_day(row["follow_up"]),
            reminder=_day(row["reminder"]),
            closed=_closed_on(row["closed_at"], ctx),
            day_only=bool(row["day_only"]),
            closed_unknown=row["closed_at"] == "unknown",
            photos=row["photos"] and hide(row["photos"]),
        )


def _closed_on(closed_at: str | None, ctx: Context) -> dt.date | None:
    if closed_at is None or closed_at == "unknown":
        return None
    return from_utc_iso(closed_at, ctx.zone).date()


def _same(text: str) -> str:
    return text


def _day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def header() -> list[str]:
    return [t(f"export.col.{column}") for column in COLUMNS]


def write_csv(out: TextIO, rows: Iterator[TableRow]) -> int:
    """UTF-8 with a BOM (Excel on Windows then reads the Chinese headers), CRLF lines,
    and text that Excel would run as a formula quoted with a leading apostrophe."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    count = 0
    for row in rows:
        writer.writerow(
            [
                row.id,
                row.at.date().isoformat(),
                "" if row.day_only else row.at.strftime("%H:%M"),
                *(csv_text(value) for value in _texts(row)),
                *(_iso(day) for day in (row.follow_up, row.reminder)),
                _closed(row) or _iso(row.closed),
                csv_text(row.photos),
            ]
        )
        count += 1
    return count


def _texts(row: TableRow) -> tuple[str | None, ...]:
    return (
        row.grid,
        row.place,
        row.resident,
        row.phone,
        row.category,
        row.kind,
        row.text,
    )


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _closed(row: TableRow) -> str | None:
    """A case closed on a day nobody wrote down: its 办结日期 cell says only 已办结
    (which `import` reads back as that), never a made-up day."""
    return t("export.closed_unknown") if row.closed_unknown else None


def check_xlsx_size(conn: sqlite3.Connection, ctx: Context, filters: LogFilter) -> None:
    count = count_entries(conn, ctx.zone, filters)
    if count > XLSX_MAX_ROWS:
        raise GridlogError("export.xlsx_too_big", count=count, most=XLSX_MAX_ROWS)


def write_xlsx(out: BinaryIO, rows: Iterator[TableRow]) -> int:
    """A workbook of one sheet, streamed row by row (openpyxl's write-only mode keeps
    rows in a temporary file, not in memory): styled header, fixed widths, real
    dates and times, and every text stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(t("export.sheet"))
    for column, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    font, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
    head = []
    for name in header():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = font, fill
        head.append(cell)
    sheet.append(head)
    date_cell = _styled(WriteOnlyCell, sheet, "yyyy-mm-dd")
    time_cell = _styled(WriteOnlyCell, sheet, "hh:mm")
    count = 0
    for row in rows:
        sheet.append(
            [
                row.id,
                date_cell(row.at.date()),
                None if row.day_only else time_cell(row.at.time().replace(tzinfo=None)),
                *(_xlsx_text(WriteOnlyCell, sheet, value) for value in _texts(row)),
                *(date_cell(day) for day in (row.follow_up, row.reminder)),
                _closed(row) or date_cell(row.closed),
                _xlsx_text(WriteOnlyCell, sheet, row.photos),
            ]
        )
        count += 1
    workbook.save(out)
    return count


def _styled(cell_type, sheet, number_format: str):
    def make(value):
        if value is None:
            return None
        cell = cell_type(sheet, value=value)
        cell.number_format = number_format
        return cell

    return make


def _xlsx_text(cell_type, sheet, value: str | None):
    """Control characters Excel refuses shown as \\xNN; a leading `=` stays text."""
    if value is None:
        return None
    value = _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if not value.startswith("="):
        return value
    cell = cell_type(sheet, value=value)
    cell.data_type = "s"
    return cell
