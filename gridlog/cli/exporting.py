"""`gridlog export`: the log as a file to keep, to hand on, or to open in Excel.

- jsonl is the complete, lossless backup (`transfer.export_jsonl`). It is never masked.
- csv and xlsx are one row per entry for people (`render.export_table`), masked
  unless asked otherwise.

The choice between them lives here, in the command line, the one part that reaches
both (a document for people is render's, the backup is transfer's, and neither
imports the other), and so does standard output.
Everything is streamed off SQLite cursors inside one read transaction (one
consistent snapshot, flat memory whatever the size of the log), into a temporary file
beside the target that is renamed into place only once it is complete.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from gridlog.context import Context
from gridlog.domain.log import LogFilter
from gridlog.errors import GridlogError
from gridlog.render.export_table import (
    check_xlsx_size,
    table_rows,
    write_csv,
    write_xlsx,
)
from gridlog.storage.db import snapshot
from gridlog.storage.files import replacing
from gridlog.transfer.export_jsonl import write_jsonl

FORMATS = ("jsonl", "csv", "xlsx")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}


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
    with snapshot(conn):
        if fmt == "xlsx":
            check_xlsx_size(conn, ctx, filters)
        with _destination(target) as out:
            counts = _write(conn, ctx, out, fmt, filters, mask)
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
        # Bytes when there are (no newline translation); text under test runners.
        yield getattr(sys.stdout, "buffer", sys.stdout)
        return
    with replacing(Path(target)) as file:
        yield file
