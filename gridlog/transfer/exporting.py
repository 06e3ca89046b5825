"""`gridlog export`: the log as a file to keep, to hand on, or to open in Excel.

- jsonl is the complete, lossless backup: every record with its UUID, references
  between records by UUID, and the whole history. `gridlog merge` reads it back, on
  another device or into another worker's log, so its line shapes (`SELECTS`) are
  shared with `gridlog.transfer.merge_apply`. It is never masked.
- csv and xlsx are one row per entry for people, with the column names gridlog's own
  importer reads; residents' phone and ID numbers are masked unless asked otherwise.

Everything is streamed off SQLite cursors inside one read transaction (one
consistent snapshot, flat memory whatever the size of the log), into a temporary file
beside the target that is renamed into place only once it is complete.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from gridlog.context import Context
from gridlog.dates.clock import from_utc_iso
from gridlog.domain.log import LogFilter, log_clauses
from gridlog.domain.masking import mask_phone, mask_text
from gridlog.errors import GridlogError
from gridlog.storage.db import SCHEMA_VERSION
from gridlog.storage.files import open_private
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t

FORMATS = ("jsonl", "csv", "xlsx")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}

# One jsonl line per record: the columns a record type carries, its references as the
# UUIDs of the records they point at (`*_uuid`), and its local id for information.
SELECTS = {
    "grid": (
        "SELECT g.uuid, g.id, g.name, g.worker, g.phone, g.households,"
        " g.population, g.created_at, g.updated_at FROM grids g",
        "g",
    ),
    "building": (
        "SELECT b.uuid, b.id, g.uuid AS grid_uuid, b.name, b.created_at"
        " FROM buildings b JOIN grids g ON g.id = b.grid_id",
        "b",
    ),
    "rule": (
        "SELECT r.uuid, r.id, r.age, r.text, r.category, r.active, r.created_at,"
        " r.updated_at FROM care_rules r",
        "r",
    ),
    "resident": (
        "SELECT p.uuid, p.id, p.name, p.place, g.uuid AS grid_uuid,"
        " b.uuid AS building_uuid, p.phone, p.id_number, p.born_on,"
        " p.born_year_only, p.tags, p.note, p.registered_on, p.created_at,"
        " p.updated_at FROM residents p JOIN grids g ON g.id = p.grid_id"
        " LEFT JOIN buildings b ON b.id = p.building_id",
        "p",
    ),
    "entry": (
        "SELECT e.uuid, e.id, e.at, g.uuid AS grid_uuid, e.place,"
        " b.uuid AS building_uuid, e.resident, r.uuid AS resident_uuid, e.phone,"
        " e.category, e.kind, e.text, e.tags, e.worker, c.uuid AS case_uuid,"
        " e.created_at, e.updated_at"
        " FROM entries e JOIN grids g ON g.id = e.grid_id"
        " LEFT JOIN buildings b ON b.id = e.building_id"
        " LEFT JOIN residents r ON r.id = e.resident_id"
        " LEFT JOIN followups c ON c.id = e.case_id",
        "e",
    ),
    "followup": (
        "SELECT f.uuid, f.id, f.type AS kind, e.uuid AS entry_uuid,"
        " g.uuid AS grid_uuid, f.text, f.due_on, f.opened_at, f.closed_at,"
        " f.close_note, f.every, p.uuid AS previous_uuid, f.created_at, f.updated_at"
        " FROM followups f JOIN entries e ON e.id = f.entry_id"
        " JOIN grids g ON g.id = f.grid_id"
        " LEFT JOIN followups p ON p.id = f.previous_id",
        "f",
    ),
    "signoff": (
        "SELECT s.uuid, s.id, f.uuid AS followup_uuid, s.household, s.status,"
        " s.answered_at, s.created_at, s.updated_at"
        " FROM signoffs s JOIN followups f ON f.id = s.followup_id",
        "s",
    ),
    # A rule's reminder made for a person: a link with no id or UUID of its own.
    "fired": (
        "SELECT r.uuid AS rule_uuid, p.uuid AS resident_uuid,"
        " f.uuid AS followup_uuid, c.fired_at FROM care_rule_fired c"
        " JOIN care_rules r ON r.id = c.rule_id"
        " JOIN residents p ON p.id = c.resident_id"
        " LEFT JOIN followups f ON f.id = c.followup_id",
        "c",
    ),
}
TABLES = {
    "grid": "grids",
    "building": "buildings",
    "rule": "care_rules",
    "resident": "residents",
    "entry": "entries",
    "followup": "followups",
    "signoff": "signoffs",
    "fired": "care_rule_fired",
}
_RECORD_TABLES = frozenset(TABLES.values())
_HISTORY_SELECT = (
    "SELECT h.*, CASE h.table_name"
    " WHEN 'entries' THEN (SELECT uuid FROM entries WHERE id = h.record_id)"
    " WHEN 'followups' THEN (SELECT uuid FROM followups WHERE id = h.record_id)"
    " WHEN 'grids' THEN (SELECT uuid FROM grids WHERE id = h.record_id)"
    " WHEN 'buildings' THEN (SELECT uuid FROM buildings WHERE id = h.record_id)"
    " WHEN 'residents' THEN (SELECT uuid FROM residents WHERE id = h.record_id)"
    " WHEN 'signoffs' THEN (SELECT uuid FROM signoffs WHERE id = h.record_id)"
    " WHEN 'care_rules' THEN (SELECT uuid FROM care_rules WHERE id = h.record_id)"
    " END AS current_uuid FROM history h ORDER BY h.id"
)

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
)
_WIDTHS = (8, 12, 7, 12, 18, 10, 15, 12, 10, 60, 12, 12, 12)
_TABLE_SELECT = (
    "SELECT e.id, e.at, g.name AS grid, e.place, e.resident, e.phone, e.category,"
    " e.kind, e.text,"
    " (SELECT due_on FROM followups f WHERE f.entry_id = e.id"
    "  AND f.type = 'followup' ORDER BY f.id LIMIT 1) AS follow_up,"
    " (SELECT due_on FROM followups f WHERE f.entry_id = e.id"
    "  AND f.type = 'reminder' ORDER BY f.id LIMIT 1) AS reminder,"
    " (SELECT closed_at FROM followups f WHERE f.entry_id = e.id"
    "  ORDER BY f.type, f.id LIMIT 1) AS closed_at"
    " FROM entries e JOIN grids g ON g.id = e.grid_id"
)
XLSX_MAX_ROWS = 1_048_575  # Excel's rows, less the header
# Excel runs a cell that starts with one of these as a formula, even in a csv.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Exported:
    format: str
    masked: bool
    counts: dict[str, int]


def pick_format(target: str, given: str | None) -> str:
    """--format, else the file's suffix; `-` (standard output) means jsonl."""
    if given is not None:
        if given not in FORMATS:
            raise GridlogError(
                "export.bad_format",
                format=given,
                choices=", ".join(FORMATS),
                exit_code=2,
            )
        return given
    if target == "-":
        return "jsonl"
    found = _SUFFIXES.get(Path(target).suffix.lower())
    if found is None:
        raise GridlogError(
            "export.no_format", path=target, choices=", ".join(FORMATS), exit_code=2
        )
    return found


def export(
    conn: sqlite3.Connection,
    ctx: Context,
    target: str,
    fmt: str,
    filters: LogFilter | None = None,
    mask: bool = True,
) -> Exported:
    """Write the log to `target` (`-`: standard output) in one consistent snapshot."""
    if fmt == "jsonl" and filters is not None:
        raise GridlogError("export.jsonl_whole", exit_code=2)
    if fmt == "xlsx" and target == "-":
        raise GridlogError("export.xlsx_stdout", exit_code=2)
    filters = filters or LogFilter(limit=0)
    conn.execute("BEGIN")
    try:
        if fmt == "xlsx":
            _check_xlsx_size(conn, ctx, filters)
        with _destination(target) as out:
            counts = _write(conn, ctx, out, fmt, filters, mask)
    finally:
        conn.execute("COMMIT")
    return Exported(fmt, mask and fmt != "jsonl", counts)


def _write(
    conn: sqlite3.Connection,
    ctx: Context,
    out: IO[Any],
    fmt: str,
    filters: LogFilter,
    mask: bool,
) -> dict[str, int]:
    if fmt == "xlsx":
        return {"entries": write_xlsx(out, table_rows(conn, ctx, filters, mask))}
    text = out if isinstance(out, io.TextIOBase) else _text(out)
    try:
        if fmt == "jsonl":
            return write_jsonl(conn, ctx, text)
        return {"entries": write_csv(text, table_rows(conn, ctx, filters, mask))}
    finally:
        text.flush()
        if text is not out:
            text.detach()


def _text(binary: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding="utf-8", newline="")


@contextlib.contextmanager
def _destination(target: str) -> Iterator[IO[Any]]:
    """Standard output, or a temporary owner-only file beside `target` that replaces
    it only when complete, so a failure never leaves a file that looks whole."""
    if target == "-":
        import sys

        # Bytes when there are (no newline translation); text under test runners.
        yield getattr(sys.stdout, "buffer", sys.stdout)
        return
    path = Path(target)
    if not path.parent.is_dir():
        raise GridlogError("backup.no_dir", path=str(path.parent))
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open_private(partial) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


# --- jsonl --------------------------------------------------------------------------


def write_jsonl(conn: sqlite3.Connection, ctx: Context, out: TextIO) -> dict[str, int]:
    """Every line of a complete export, in the order `merge` reads them."""
    counter = conn.execute(
        "SELECT value FROM counters WHERE name = 'record'"
    ).fetchone()[0]
    header = {
        "type": "gridlog",
        "schema": SCHEMA_VERSION,
        "exported_at": ctx.now_utc,
        "record_counter": counter,
    }
    _put(out, header)
    counts = {"settings": 0}
    for row in conn.execute("SELECT key, value FROM settings ORDER BY key"):
        _put(out, {"type": "setting", "key": row["key"], "value": row["value"]})
        counts["settings"] += 1
    for kind in SELECTS:
        counts[TABLES[kind]] = 0
        for line in record_lines(conn, kind):
            _put(out, line)
            counts[TABLES[kind]] += 1
    counts["history"] = 0
    for row in conn.execute(_HISTORY_SELECT):
        _put(out, history_line(row))
        counts["history"] += 1
    return counts


def _put(out: TextIO, line: dict[str, Any]) -> None:
    out.write(json.dumps(line, ensure_ascii=False) + "\n")


def record_lines(
    conn: sqlite3.Connection, kind: str, record_id: int | None = None
) -> Iterator[dict[str, Any]]:
    """The jsonl lines of one record type, oldest id first (or of one record)."""
    select, alias = SELECTS[kind]
    if record_id is None:
        order = "rowid" if kind == "fired" else "id"
        rows = conn.execute(f"{select} ORDER BY {alias}.{order}")
    else:
        rows = conn.execute(f"{select} WHERE {alias}.id = ?", (record_id,))
    for row in rows:
        line: dict[str, Any] = {"type": kind, **dict(row)}
        if kind in ("entry", "resident"):
            line["tags"] = json.loads(row["tags"])
        elif kind == "grid":
            line["aliases"] = [
                alias_row[0]
                for alias_row in conn.execute(
                    "SELECT alias FROM grid_aliases WHERE grid_id = ? ORDER BY rowid",
                    (row["id"],),
                )
            ]
        yield line


def history_line(row: sqlite3.Row) -> dict[str, Any]:
    """A history row with the UUID of its record: the row's own when it names one
    (inserts and deletes carry the whole record, so deleted records resolve too),
    else the current record with that id."""
    before = None if row["before"] is None else json.loads(row["before"])
    after = None if row["after"] is None else json.loads(row["after"])
    record_uuid = None
    if row["table_name"] in _RECORD_TABLES:
        for values in (after, before):
            if isinstance(values, dict) and isinstance(values.get("uuid"), str):
                record_uuid = values["uuid"]
                break
        record_uuid = record_uuid or row["current_uuid"]
    return {
        "type": "history",
        "id": row["id"],
        "op": row["op"],
        "at": row["at"],
        "actor": row["actor"],
        "command": row["command"],
        "table": row["table_name"],
        "record_id": row["record_id"],
        "record_uuid": record_uuid,
        "action": row["action"],
        "before": before,
        "after": after,
        "undoes": row["undoes"],
    }


# --- csv and xlsx -------------------------------------------------------------------


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


def table_rows(
    conn: sqlite3.Connection, ctx: Context, filters: LogFilter, mask: bool
) -> Iterator[TableRow]:
    """The entries `filters` select, oldest first, one at a time."""
    clauses, params = log_clauses(ctx.zone, filters)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    lang = current_lang()
    hide = mask_text if mask else _same
    for row in conn.execute(f"{_TABLE_SELECT}{where} ORDER BY e.at, e.id", params):
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
            closed=row["closed_at"] and from_utc_iso(row["closed_at"], ctx.zone).date(),
        )


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
                row.at.strftime("%H:%M"),
                *(_csv_text(value) for value in _texts(row)),
                *(_iso(day) for day in (row.follow_up, row.reminder, row.closed)),
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


def _csv_text(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _check_xlsx_size(
    conn: sqlite3.Connection, ctx: Context, filters: LogFilter
) -> None:
    clauses, params = log_clauses(ctx.zone, filters)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    count = conn.execute(f"SELECT count(*) FROM entries e{where}", params).fetchone()
    if count[0] > XLSX_MAX_ROWS:
        raise GridlogError("export.xlsx_too_big", count=count[0], most=XLSX_MAX_ROWS)


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
                time_cell(row.at.time().replace(tzinfo=None)),
                *(_xlsx_text(WriteOnlyCell, sheet, value) for value in _texts(row)),
                *(date_cell(day) for day in (row.follow_up, row.reminder, row.closed)),
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
