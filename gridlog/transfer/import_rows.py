"""Reading an old log's rows in chunks, each good row given its UUID, each bad row
reported with its row, column and reason.

A million rows must read in seconds, so each column's reader is chosen once, and the
columns with few distinct values (grid, category, kind, place...) are read once per
distinct value (see `transfer.rows`, `transfer.cells`, `transfer.columns`). A row's
UUID is derived from what it says (its date, grid, place, resident and text) and how
many identical rows came before it in the file, so the same file gives the same UUIDs
on every import, on any device.

This side knows nothing of storing: `transfer.importing` runs it, in a second process
for a large file, while it stores what has been read. The UUIDs are given here too,
as the file is read, unless the storing side says it is waiting for this one: then
a chunk goes with the names its UUIDs are made from, and the storing side makes them
(`named`). Which side is the slower one depends on the file and the machine; this
way the two share the work, and every row gets the same UUID either way.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gridlog.context import Context
from gridlog.storage import bulk
from gridlog.transfer.rows import BadRow, Checked, Options, RowReader
from gridlog.transfer.sheets import open_sheet

_NAMESPACE = uuid.UUID("6f1c3a52-8d1e-4f0a-9a57-3c1b2e7d9a10").bytes


@dataclass
class Good:
    """A chunk of good rows as they are written, UUIDs given (see `Identities`;
    none when the rows are only checked) or, with `names`, still to be made from
    them (see `named`). Grids a file names that are not registered (with
    --create-grids) have stand-in ids -1, -2, … for `new_grids`, in order."""

    rows: list[bulk.StoredRow]
    new_grids: tuple[str, ...]
    share: float  # of the file read when the chunk was complete
    names: list[str] | None = None  # each row's UUID's name, its UUID not made


def named(good: Good) -> list[bulk.StoredRow]:
    """The chunk's rows with their UUIDs (and their follow-ups'), made here from
    their names when the reading side left that to the storing one."""
    return good.rows if good.names is None else _with_uuids(good.rows, good.names)


def _with_uuids(rows: list[bulk.StoredRow], names: list[str]) -> list[bulk.StoredRow]:
    return [
        bulk.named(row, bulk.name_uuid(_NAMESPACE, name))
        for row, name in zip(rows, names, strict=True)
    ]


Event = Good | BadRow | Checked


def read_rows(
    conn: sqlite3.Connection,
    ctx: Context,
    path: Path,
    options: Options,
    *,
    naming: bool = True,
    storing_waits: Callable[[], bool] | None = None,
) -> Iterator[Event]:
    """The file's rows, in order: chunks of good rows (each given its UUID, unless
    not `naming`: a dry run stores nothing) and each bad row, then what the reading
    found. When `storing_waits()` says so, a chunk's UUIDs are left to the storing
    side (see `Good.names`). `conn` is only read (grids, places, the default
    grid)."""
    with contextlib.ExitStack() as stack:
        sheet = stack.enter_context(open_sheet(path, options.encoding))
        names = (
            stack.enter_context(contextlib.closing(Identities())) if naming else None
        )
        reader = RowReader(conn, ctx, sheet, options)
        bad: list[BadRow] = []
        for chunk in bulk.chunks(reader.rows(bad.append), options.batch):
            yield from bad
            bad.clear()
            new_grids = tuple(reader.checked.new_grids)
            if names is None:
                yield Good([], new_grids, sheet.done())
            elif storing_waits is not None and storing_waits():
                rows, given = names.given(chunk)
                yield Good(rows, new_grids, sheet.done(), given)
            else:
                yield Good(names.named(chunk), new_grids, sheet.done())
        yield from bad
        yield reader.checked


class Identities:
    """Gives each row its UUID: what it says, and which repeat of that it is (a log
    may well hold the same visit twice), in file order. The counts live in a private
    temporary database with a bounded cache, so memory stays flat on any size of
    file; a bitmap of the keys seen spares looking up the many that are surely new."""

    _BITS = 1 << 27  # 16 MiB: a key wrongly taken for a repeat is one in 100 at 1M

    def __init__(self) -> None:
        self.conn = sqlite3.connect("")  # a temporary file, gone when closed
        self.conn.execute("PRAGMA cache_size = -65536")  # KiB
        self.conn.execute(
            "CREATE TABLE seen (key BLOB PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID"
        )
        self.bits = bytearray(self._BITS // 8)

    def named(self, chunk: list[tuple[bulk.StoredRow, bytes]]) -> list[bulk.StoredRow]:
        """The rows of `chunk`, each as it says (its key), given its UUID."""
        return _with_uuids(*self.given(chunk))

    def given(
        self, chunk: list[tuple[bulk.StoredRow, bytes]]
    ) -> tuple[list[bulk.StoredRow], list[str]]:
        """The rows of `chunk`, each as it says (its key), and the names their
        UUIDs are made from: what it says and which repeat of that it is."""
        counts: dict[bytes, int] = {}
        maybe = []  # keys whose bit is set: seen before, or sharing its bit
        bits, mask = self.bits, self._BITS - 1
        for _, key in chunk:
            bit = hash(key) & mask  # the same key, the same bit, in this process
            byte, flag = bit >> 3, 1 << (bit & 7)
            if bits[byte] & flag:
                maybe.append(key)
            else:
                bits[byte] |= flag
                counts[key] = -1
        for start in range(0, len(maybe), 500):
            part = maybe[start : start + 500]
            marks = ", ".join("?" * len(part))
            query = f"SELECT key, n FROM seen WHERE key IN ({marks})"
            counts.update(self.conn.execute(query, part))
        rows, names = [], []
        for row, key in chunk:
            n = counts.get(key, -1) + 1
            counts[key] = n
            rows.append(row)
            names.append(key.hex() if n == 0 else f"{key.hex()}#{n}")
        self.conn.executemany(
            "INSERT OR REPLACE INTO seen (key, n) VALUES (?, ?)", counts.items()
        )
        return rows, names

    def close(self) -> None:
        self.conn.close()
