"""Bringing old logs in: a file's rows read and checked (`transfer.import_rows`) while
the good ones are stored, in transactions the worker can count on.

Nothing half-right is stored. Until the whole file has been read, what is stored is
held in one open transaction: a bad row (unless the worker asks to skip them) rolls it
all back, so a file with a bad row leaves nothing behind, even if the import is
killed. Once the whole file is known to be good, that transaction commits and the
rest follows a batch per transaction, each reported as it commits: a killed import
keeps whole batches, and running it again stores each row exactly once, since each
row's UUID comes from what it says.

A large file is read in a second process, so that reading and storing, each about
half the work, run side by side on two cores. The reader spools its chunks to a
private file and says how far it got: memory stays flat at any size of file.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridlog.context import Context
from gridlog.domain import grids
from gridlog.errors import GridlogError
from gridlog.storage import bulk
from gridlog.storage.history import writing
from gridlog.storage.write_behind import WriteBehind
from gridlog.transfer.columns import COLUMNS, map_columns
from gridlog.transfer.import_rows import (
    Event,
    Good,
    expected_rows,
    file_size,
    named,
    read_rows,
)
from gridlog.transfer.rows import BadRow, Checked, Options, Problem

__all__ = ["COLUMNS", "BadRow", "Checked", "FileImport", "Imported", "Options"]
__all__ += ["Problem", "map_columns"]

# Files from this size on are read in a second process; smaller ones are done before
# a second process would have started.
APART_FROM = 8 << 20  # bytes, about 60,000 rows
# A fixed page cache for the import's connection: big enough that the indexes of a
# million rows are not re-read from disk for every batch, and the same at any size.
_IMPORT_CACHE = -256_000  # KiB

Progress = Callable[[float], None]  # the share of the file stored so far
OnProblem = Callable[[BadRow], None]


@dataclass
class Imported:
    checked: Checked
    loaded: bulk.Loaded
    open_items: int = 0


class FileImport:
    """One import of one file: `check` only reads and reports (a dry run); `run`
    stores the good rows."""

    def __init__(
        self, conn: sqlite3.Connection, ctx: Context, path: Path, options: Options
    ) -> None:
        self.conn, self.ctx, self.path, self.options = conn, ctx, path, options
        self._grid_ids: list[int] = []  # registered for the stand-ins -1, -2, …
        self._behind: WriteBehind | None = None  # once the file is read (`run`)

    def check(self, on_problem: OnProblem, progress: Progress | None = None) -> Checked:
        """Read the whole file and report every bad row; store nothing."""
        with self._stream(naming=False) as stream:
            for event in stream:
                if isinstance(event, BadRow):
                    on_problem(event)
                elif progress is not None:
                    progress(event.share)
            return stream.result()

    def run(
        self,
        on_problem: OnProblem,
        progress: Progress | None = None,
        on_commit: Callable[[bulk.Loaded], None] | None = None,
        *,
        skip_bad: bool = False,
    ) -> Imported:
        """Store the good rows; rows imported before are left alone. Unless
        `skip_bad`, a file with a bad row stores nothing and is refused."""
        conn = self.conn
        conn.execute(f"PRAGMA cache_size = {_IMPORT_CACHE}")
        # A crash still keeps every committed batch; only a power cut may lose the
        # last ones, and running the import again stores them.
        conn.execute("PRAGMA synchronous = NORMAL")
        totals = bulk.Loaded()
        report = _Reports(on_problem, progress, on_commit, totals)
        before = _last_id(conn)
        database = conn.execute("PRAGMA database_list").fetchone()[2]
        self._behind = WriteBehind(Path(database)) if database else None
        with self._stream(naming=True) as stream:
            try:
                op = self._until_read(stream, totals, report, skip_bad)
            finally:
                if self._behind is not None:
                    self._behind.stop()
            if totals.stored + totals.skipped:
                report.committed()
            for event in stream:  # the rest: a batch per transaction
                if isinstance(event, BadRow):
                    report.problem(event)
                    continue
                with (
                    writing(conn, self.ctx, op=op) as changes,
                    bulk.indexed_in_bulk(conn) as written,
                ):
                    written.add(self._store(changes, event, totals), summed=True)
                report.stored(event)
                report.committed()
            checked = stream.result()
        return Imported(checked, totals, _overdue_since(conn, self.ctx, before))

    def _until_read(
        self, stream: _Inline | _Apart, totals: bulk.Loaded, report, skip_bad: bool
    ) -> int:
        """Store in one transaction until the whole file has been read; commit it if
        the file is good (or bad rows are skipped), else refuse. Returns the op that
        the batches after it belong to."""
        conn = self.conn
        # Nobody else writes until this commits, so what the log holds now stays
        # true: if it holds nothing yet, no row of the file can be there already.
        with (
            writing(conn, self.ctx) as changes,
            self._indexes(stored := _entries(conn)),
            bulk.indexed_in_bulk(conn) as written,
        ):
            empty = stored == 0
            refused = False
            stream.on_idle = written.index_some
            for event in stream:
                if isinstance(event, BadRow):
                    report.problem(event)
                    refused = refused or not skip_bad
                elif not refused:
                    written.add(self._store(changes, event, totals, empty), summed=True)
                    report.stored(event)
                if stream.finished:
                    bad = stream.result().bad_rows
                    refused = refused or (bad > 0 and not skip_bad)
                    if not refused:
                        if self._behind is not None:  # the rest is this side's
                            self._behind.start()
                        break  # the whole file is good: commit what is stored
            stream.on_idle = None
            if refused:
                for event in stream:
                    if isinstance(event, BadRow):
                        report.problem(event)
                checked = stream.result()
                raise GridlogError(
                    "import.refused",
                    plural_of=checked.bad_rows,
                    bad=checked.bad_rows,
                    rows=checked.rows,
                )
            return changes.op

    def _indexes(self, stored: int):
        """For a file larger than the log, its indexes are built anew once the
        file is stored rather than updated row by row (see `bulk.indexes_rebuilt`)."""
        # Too few rows, if anything: then the indexes are kept as they are.
        if stored < expected_rows(self.path):
            return bulk.indexes_rebuilt(self.conn)
        return contextlib.nullcontext()

    def _store(
        self, changes, good: Good, totals: bulk.Loaded, all_new: bool = False
    ) -> range:
        """Store a chunk, registering the new grids it names (--create-grids)."""
        for name in good.new_grids[len(self._grid_ids) :]:
            self._grid_ids.append(_grid_id_creating(changes, name))
        return bulk.store(
            self.conn,
            changes,
            named(good),
            totals,
            all_new=all_new,
            grid_ids=self._grid_ids,
        )

    def _stream(self, *, naming: bool) -> _Inline | _Apart:
        """The file's events, read here or in a second process; rows given their
        UUIDs when `naming` (to store them)."""
        apart = self.options.apart
        if apart is None:
            apart = file_size(self.path) >= APART_FROM
        if apart:
            return _Apart(self.conn, self.ctx, self.path, self.options, naming)
        return _Inline(
            read_rows(self.conn, self.ctx, self.path, self.options, naming=naming)
        )


def _entries(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])


@dataclass
class _Reports:
    """Where an import tells what it does: bad rows, progress, commits."""

    problem: OnProblem
    progress: Progress | None
    on_commit: Callable[[bulk.Loaded], None] | None
    totals: bulk.Loaded

    def stored(self, good: Good) -> None:
        if self.progress is not None:
            self.progress(good.share)

    def committed(self) -> None:
        if self.on_commit is not None:
            self.on_commit(self.totals)


def _grid_id_creating(changes, name: str) -> int:
    """The grid `name`, registered now unless another gridlog just did."""
    try:
        return grids.find_grid(changes.conn, name)
    except GridlogError:
        return grids.add_grid_in(changes, name)


def _last_id(conn: sqlite3.Connection) -> int:
    return int(
        conn.execute("SELECT value FROM counters WHERE name = 'record'").fetchone()[0]
    )


def _overdue_since(conn: sqlite3.Connection, ctx: Context, last_id: int) -> int:
    """The follow-ups and reminders the import opened that are open and overdue:
    an old log's forgotten promises, which `due` now shows."""
    row = conn.execute(
        "SELECT count(*) FROM followups WHERE id > ? AND closed_at IS NULL"
        " AND due_on < ?",
        (last_id, ctx.today.isoformat()),
    ).fetchone()
    return int(row[0])


# --- where the rows are read ----------------------------------------------------------


class _Inline:
    """The rows read here, between the chunks stored: for a small file."""

    def __init__(self, events: Iterator[Event]) -> None:
        self._events = events
        self._checked: Checked | None = None
        self.on_idle: Callable[[], bool] | None = None  # never idle: reads itself

    @property
    def finished(self) -> bool:
        """Has the whole file been read? (Here, only once every row is handed out.)"""
        return self._checked is not None

    def result(self) -> Checked:
        assert self._checked is not None, "read to the end first"
        return self._checked

    def __iter__(self) -> Iterator[Good | BadRow]:
        for event in self._events:
            if isinstance(event, Checked):
                self._checked = event
            else:
                yield event

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        close = getattr(self._events, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class _Failure:
    """The reading process could not go on: the error to raise here."""

    key: str
    params: dict[str, Any]
    exit_code: int


class _Apart:
    """The rows read in a second process. It writes each chunk to a private spool
    file and then sends how far the spool is complete; the chunks are read back here
    in order. Once it has read the whole file, `finished` says so at once, however
    far behind the storing is."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        ctx: Context,
        path: Path,
        options: Options,
        naming: bool,
    ) -> None:
        import multiprocessing
        import tempfile

        from gridlog.storage import db
        from gridlog.storage.files import open_private

        # The spool holds residents' data: owner-only, and taken off the disk by
        # the reading process as soon as both processes hold it open, before it
        # writes anything, so that even a killed import leaves no data behind.
        self._path = Path(tempfile.mkdtemp(prefix="gridlog-import-")) / "rows"
        open_private(self._path).close()
        spool = self._path
        self._spool = spool.open("rb")
        self._ready = 0  # bytes of the spool that are complete
        self._checked: Checked | None = None
        # Work for the storing side while the reading one is behind: it says
        # whether it did some (else the storing side waits).
        self.on_idle: Callable[[], bool] | None = None
        context = multiprocessing.get_context("spawn")  # no fork: no shared locks
        # A pipe, not a Queue: no feeder thread, no lock. (A process started by
        # spawn starts multiprocessing's resource tracker all the same; it ends
        # when gridlog does.)
        self._messages, sender = context.Pipe(duplex=False)
        # 1 while this side waits for the reading one: the reader then leaves the
        # UUIDs of its next chunks to this side (see `import_rows.Good.names`);
        # 0 once chunks wait here to be stored. A byte either side may read at
        # any time: a stale one only moves a chunk's naming to the other side.
        self._waiting = context.RawValue("b", 0)
        database = conn.execute("PRAGMA database_list").fetchone()[2]
        reading = (database, db.key_of(conn), ctx, path, options, naming)
        self._process = context.Process(
            target=_read_apart,
            args=(*reading, self._waiting, spool, sender),
            daemon=True,
        )
        self._process.start()
        sender.close()  # the reading process holds it: its end is heard as EOF

    @property
    def finished(self) -> bool:
        self._hear(block=False)
        return self._checked is not None

    def result(self) -> Checked:
        assert self._checked is not None, "read to the end first"
        return self._checked

    def __iter__(self) -> Iterator[Good | BadRow]:
        while True:
            self._hear(block=False)
            while self._spool.tell() >= self._ready:
                if self._checked is not None:
                    return
                idle = self.on_idle
                block = idle is None or not idle()
                if block:
                    self._waiting.value = 1
                self._hear(block=block)
            event = pickle.load(self._spool)
            if self._spool.tell() < self._ready:  # more is read than stored
                self._waiting.value = 0
            yield event

    def _hear(self, block: bool) -> None:
        """Take in what the reading process has said: how far the spool is
        complete, that it is done, or that it failed."""
        while self._checked is None:  # it says nothing after that
            if not self._messages.poll(None if block else 0):
                return
            try:
                message = self._messages.recv()
            except EOFError:  # it ended without a word
                raise GridlogError("error.internal", kind="ImportReader") from None
            if isinstance(message, _Failure):
                error = GridlogError(message.key, **message.params)
                error.exit_code = message.exit_code
                raise error
            if isinstance(message, Checked):
                self._checked = message
            else:
                self._ready = message
            block = False

    def __enter__(self) -> _Apart:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._messages.close()
        self._spool.close()
        _unlink(self._path)  # if the reading process never got to it


def _read_apart(
    database: str,
    key: str | None,
    ctx: Context,
    path: Path,
    options: Options,
    naming: bool,
    storing_waits: Any,
    spool_path: Path,
    sender: Any,
) -> None:
    """The reading process: every event spooled in order, and after each chunk of
    good rows, how far the spool is complete."""
    import multiprocessing
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the storing side
    storing = multiprocessing.parent_process()
    try:
        from gridlog.storage import db

        conn = db.connect_file(Path(database), key)
        conn.execute("PRAGMA query_only = ON")
        with spool_path.open("ab") as spool:
            _unlink(spool_path)
            events = read_rows(
                conn,
                ctx,
                path,
                options,
                naming=naming,
                storing_waits=lambda: storing_waits.value == 1,
            )
            for event in events:
                if storing is not None and not storing.is_alive():
                    return  # the import was stopped: nobody will read on
                if isinstance(event, Checked):
                    spool.flush()
                    sender.send(spool.tell())
                    sender.send(event)
                    break
                pickle.dump(event, spool, pickle.HIGHEST_PROTOCOL)
                if isinstance(event, Good):
                    spool.flush()
                    sender.send(spool.tell())
    except GridlogError as error:
        sender.send(_Failure(error.key, error.params, error.exit_code))
    except BaseException as error:  # anything else: one line, never a traceback
        sender.send(_Failure("error.internal", {"kind": type(error).__name__}, 1))


def _unlink(spool: Path) -> None:
    """Take the spool and its private folder off the disk: open handles live on
    where the system allows it; elsewhere (Windows) the storing side's cleanup, once
    both are closed, does it."""
    with contextlib.suppress(OSError):
        spool.unlink()
        spool.parent.rmdir()
