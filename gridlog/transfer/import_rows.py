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
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gridlog.context import Context
from gridlog.storage import bulk
from gridlog.transfer.rows import BadRow, Checked, Options, RowReader
from gridlog.transfer.sheets import open_sheet

_NAMESPACE = uuid.UUID("6f1c3a52-8d1e-4f0a-9a57-3c1b2e7d9a10").bytes
# More bytes than most rows of an old log take in a CSV: a file's size over this
# errs towards too few rows.
_BYTES_PER_ROW = 200


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


def file_size(path: Path) -> int:
    """0 for a file that cannot be read: reading it says why, in the user's words."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def expected_rows(path: Path) -> int:
    """How many rows the file holds at least, roughly, by its length."""
    return file_size(path) // _BYTES_PER_ROW


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
        names = Identities(expected_rows(path)) if naming else None
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
    may well hold the same visit twice), in file order.

    Every key seen is kept, 16 bytes each, in one growing byte string, found again
    through an open-addressing table of 4-byte places in it kept at most half full:
    about 24 bytes a row, all in memory (the SQLite table this replaced kept 64 MB
    cached and the rest on disk), in a fifth of the time (a B-tree insert a row was
    a tenth of reading a million). Only the keys that do repeat get a count. The
    table starts at the size the file's length suggests, so a file about as long as
    expected is never rehashed."""

    _KEY = 16  # bytes: the blake2b digest `rows.identity` makes

    def __init__(self, expected: int = 0) -> None:
        self.keys = bytearray()
        self.count = 0
        self.repeats: dict[bytes, int] = {}  # key → which repeat was last seen
        self.places = _places(max(expected, 1 << 14) * 2)

    def named(self, chunk: list[tuple[bulk.StoredRow, bytes]]) -> list[bulk.StoredRow]:
        """The rows of `chunk`, each as it says (its key), given its UUID."""
        return _with_uuids(*self.given(chunk))

    def given(
        self, chunk: list[tuple[bulk.StoredRow, bytes]]
    ) -> tuple[list[bulk.StoredRow], list[str]]:
        """The rows of `chunk`, each as it says (its key), and the names their
        UUIDs are made from: what it says and which repeat of that it is."""
        while (self.count + len(chunk)) * 2 > len(self.places):
            self._grow()
        places, keys, repeats = self.places, self.keys, self.repeats
        mask, size = len(places) - 1, self._KEY
        rows, names = [], []
        for row, key in chunk:
            i = hash(key) & mask  # the same key, the same place, in this process
            while found := places[i]:
                at = (found - 1) * size
                if keys[at : at + size] == key:
                    n = repeats.get(key, 0) + 1
                    repeats[key] = n
                    names.append(f"{key.hex()}#{n}")
                    break
                i = (i + 1) & mask
            else:
                keys += key
                self.count += 1
                places[i] = self.count
                names.append(key.hex())
            rows.append(row)
        return rows, names

    def _grow(self) -> None:
        """Twice the places, every key put in its place again."""
        places = _places(len(self.places) * 2)
        mask, size, keys = len(places) - 1, self._KEY, self.keys
        for number in range(1, self.count + 1):
            at = (number - 1) * size
            i = hash(bytes(keys[at : at + size])) & mask
            while places[i]:
                i = (i + 1) & mask
            places[i] = number
        self.places = places


def _places(least: int) -> array:
    """An empty table of at least `least` places, a power of two of them (so that
    a hash masked is a place); 0 is a free place, n the n-th key."""
    return array("I", bytes(4 << max(least - 1, 1).bit_length()))
