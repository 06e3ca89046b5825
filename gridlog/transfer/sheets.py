"""Reading the tables that old logs arrive in: CSV as Chinese offices save it, and
Excel workbooks. Rows are streamed, never all held in memory.

A CSV's encoding is detected, never guessed: a UTF-8 file must not be read as GBK,
so the whole file is first checked as UTF-8 (a fast pass in C), and GB18030, the
superset of GBK that Excel writes on Chinese Windows, is tried only when that fails.
A file that is neither is refused rather than read as mojibake.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from gridlog.errors import GridlogError

_CHUNK = 1 << 20
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"))
_BOMS += ((codecs.BOM_UTF16_BE, "utf-16"),)
# Names a user may give to --encoding, mapped to the codec we read them with.
_ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gbk": "gb18030"}
_ENCODINGS |= {"gb2312": "gb18030", "gb18030": "gb18030", "utf-16": "utf-16"}

csv.field_size_limit(sys.maxsize // 2)  # a long note must not stop an import


@dataclass
class Sheet:
    """A table: its header row, then its rows with the number a user sees for each
    (the header is row 1, as in Excel). `encoding` is what a CSV was read as."""

    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str | None = None
    done: Callable[[], float] = field(default=lambda: 0.0)  # share read, for progress


def kind_of(path: Path) -> str:
    """What a file is, from its name; an old .xls gets a hint to save it anew."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix in (".xls", ".et", ".wps"):
        raise GridlogError("import.old_excel", exit_code=2)
    raise GridlogError("import.kind", name=path.name, exit_code=2)


@contextlib.contextmanager
def open_sheet(path: Path, encoding: str | None = None) -> Iterator[Sheet]:
    """The table in `path` (CSV or XLSX), closed when done."""
    if kind_of(path) == "xlsx":
        with _xlsx(path) as sheet:
            yield sheet
    else:
        with _csv(path, encoding) as sheet:
            yield sheet


# --- CSV ----------------------------------------------------------------------------


def detect_encoding(raw: BinaryIO) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; else an error."""
    head = raw.read(4)
    raw.seek(0)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if _decodes(raw, "utf-8"):
        return "utf-8"
    if _decodes(raw, "gb18030"):
        return "gb18030"
    raise GridlogError("import.encoding_unknown")


def _decodes(raw: BinaryIO, encoding: str) -> bool:
    raw.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := raw.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        raw.seek(0)
    return True


def _codec(encoding: str | None, raw: BinaryIO) -> str:
    if encoding is None:
        return detect_encoding(raw)
    name = _ENCODINGS.get(encoding.strip().lower().replace("_", "-"))
    if name is None:
        raise GridlogError("import.encoding_bad", name=encoding, exit_code=2)
    return name


@contextlib.contextmanager
def _csv(path: Path, encoding: str | None) -> Iterator[Sheet]:
    with _open(path) as raw:
        codec = _codec(encoding, raw)
        text = io.TextIOWrapper(raw, encoding=codec, newline="")
        first = text.readline()
        dialect = _dialect(first)
        text.seek(0)
        reader = csv.reader(text, dialect)
        headers = _first_row(reader)
        size = max(path.stat().st_size, 1)
        yield Sheet(
            headers=headers,
            rows=_csv_rows(reader),
            encoding=_shown(codec),
            done=lambda: min(raw.tell() / size, 1.0),
        )


@contextlib.contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise GridlogError("import.missing", name=path.name, exit_code=2) from None
    except IsADirectoryError:
        raise GridlogError("import.missing", name=path.name, exit_code=2) from None
    except OSError:
        raise GridlogError("import.unreadable", name=path.name) from None
    with raw:
        yield raw


def _shown(codec: str) -> str:
    return {"utf-8-sig": "UTF-8 (BOM)", "gb18030": "GB18030/GBK"}.get(
        codec, codec.upper()
    )


def _dialect(first_line: str) -> type[csv.Dialect]:
    """Comma, tab (Excel's "Unicode text") or semicolon: whichever the header uses."""
    delimiter = max(",\t;", key=first_line.count)

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter if first_line.count(delimiter) else ","
    return Dialect


def _first_row(reader: Iterator[list[str]]) -> list[str]:
    for row in _decoding(reader, 0):
        if any(cell.strip() for cell in row):
            return row
    raise GridlogError("import.empty")


def _csv_rows(reader) -> Iterator[tuple[int, list[Any]]]:
    number = 1
    for row in _decoding(reader, 1):
        number += 1
        yield number, row


def _decoding(reader, offset: int) -> Iterator[list[str]]:
    """Rows, with a decoding failure (only possible with --encoding) as a clear
    error naming the line rather than a traceback."""
    try:
        yield from reader
    except UnicodeDecodeError:
        line = reader.line_num + 1
        raise GridlogError("import.encoding_broken", line=line) from None
    except csv.Error as exc:
        raise GridlogError(
            "import.csv_broken", line=reader.line_num, reason=str(exc)
        ) from None


# --- XLSX ---------------------------------------------------------------------------


@contextlib.contextmanager
def _xlsx(path: Path) -> Iterator[Sheet]:
    import zipfile

    from openpyxl import load_workbook

    with _open(path):
        pass  # the same clear errors for a missing or unreadable file
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise GridlogError("import.bad_xlsx", name=path.name) from None
    try:
        for worksheet in book.worksheets:
            sheet = _table(worksheet)
            if sheet is not None:
                yield sheet
                return
        raise GridlogError("import.empty")
    finally:
        book.close()


def _table(worksheet) -> Sheet | None:
    """The worksheet's table: its first non-empty row heads it. None when blank."""
    rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
    reached = [0]
    total = worksheet.max_row or 0  # the sheet's own size note, if any
    for _, values in rows:
        if any(_filled(value) for value in values):
            return Sheet(
                headers=["" if v is None else str(v) for v in values],
                rows=_counted(rows, reached),
                done=lambda: min(reached[0] / total, 1.0) if total else 0.0,
            )
    return None


def _counted(rows, reached: list[int]) -> Iterator[tuple[int, list[Any]]]:
    for number, values in rows:
        reached[0] = number
        yield number, list(values)


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""
