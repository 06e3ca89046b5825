"""Bringing old logs in: the rows of a CSV or Excel file checked one by one, then
stored through `bulk.load` in batches.

Nothing half-right is stored. A first pass checks every row and reports each bad one
(row, column, reason); only a file without bad rows is stored, unless the worker asks
to skip them. Each row gets a UUID derived from what it says (its date, grid, place,
resident and text, and how many identical rows came before it in the file), so an
import run twice, or run again after a crash, stores every row exactly once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import pickle
import re
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from gridlog import bulk, dates, grids, settings, vocab
from gridlog.context import Context
from gridlog.errors import GridlogError
from gridlog.limits import check_name, check_text
from gridlog.sheets import Sheet, open_sheet

# What a column may be headed, in either language; compared after `_header_key`.
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "date", "日期时间", "走访日期", "记录日期", "datetime"),
    "time": ("时间", "time"),
    "grid": ("网格", "grid", "所属网格", "网格名称"),
    "place": ("地点", "place", "地址", "address", "位置"),
    "resident": ("居民", "resident", "姓名", "居民姓名", "name"),
    "phone": ("电话", "phone", "联系电话", "手机", "手机号", "mobile", "tel"),
    "category": ("类别", "category", "分类", "事项类别"),
    "kind": ("类型", "kind", "方式"),
    "text": ("内容", "text", "事项", "工作内容", "走访内容", "情况", "content", "note"),
    "followup": ("跟进日期", "followup", "跟进", "下次跟进"),
    "reminder": ("提醒日期", "reminder", "remind", "提醒"),
    "reminder_text": ("提醒内容", "remindertext"),
    "status": ("状态", "status", "办结情况"),
    "closed": ("办结日期", "closed", "办结时间"),
    "tags": ("标签", "tags"),
    "worker": ("网格员", "worker", "记录人"),
}
# Columns gridlog's own exports carry that an import does not need.
IGNORED = ("编号", "id", "序号", "no")
REQUIRED = ("date", "text")
_CLOSED = {"已办结", "办结", "已完成", "完成", "已解决", "closed", "done", "是", "yes"}
_OPEN = {"未办结", "待办", "跟进中", "open", "否", "no"}
_BLANK = {"", "无", "-", "—", "/", "n/a", "none", "null"}
_ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")
_EXCEL_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_DIGITS = re.compile(r"\d")
_PHONE = re.compile(r"\+?[\d\- ()]{5,24}")
_NAMESPACE = uuid.UUID("6f1c3a52-8d1e-4f0a-9a57-3c1b2e7d9a10").bytes


@dataclass(frozen=True)
class Problem:
    """Why one cell of one row cannot be stored: a message key and its values."""

    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Options:
    grid: str | None = None  # for rows that name none
    create_grids: bool = False
    encoding: str | None = None
    batch: int = 20_000


@dataclass
class Checked:
    """What the checking pass found."""

    encoding: str | None
    unknown_columns: list[str]
    rows: int = 0
    bad_rows: int = 0
    new_grids: list[str] = field(default_factory=list)


@dataclass
class Imported:
    checked: Checked
    loaded: bulk.Loaded
    open_items: int = 0


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be stored: its number, what is wrong, its cells as read."""

    row: int
    problems: list[Problem]
    values: list[Any]
    headers: list[str]


Progress = Callable[[str, float], None]
OnProblem = Callable[[BadRow], None]


class FileImport:
    """One import of one file: `check` reads every row and reports the bad ones;
    `store` stores the good ones. After a clean check, `store` takes the rows from
    the check's private spool file rather than reading the file a second time."""

    def __init__(
        self, conn: sqlite3.Connection, ctx: Context, path: Path, options: Options
    ) -> None:
        self.conn, self.ctx, self.path, self.options = conn, ctx, path, options
        self._spool: BinaryIO | None = None
        self._checked: Checked | None = None

    def check(
        self,
        on_problem: OnProblem,
        progress: Progress | None = None,
        *,
        then_store: bool = True,
    ) -> Checked:
        """Read the whole file and report every bad row; store nothing."""
        import tempfile

        if then_store:
            # Lives until `store`; owner-only and already unlinked, so a crash
            # leaves nothing behind.
            self._spool = tempfile.TemporaryFile()  # noqa: SIM115
        with open_sheet(self.path, self.options.encoding) as sheet:
            reader = _Reader(self.conn, self.ctx, sheet, self.options)
            rows = reader.rows(on_problem, _ticker(progress, "check", sheet))
            for chunk in bulk.chunks(rows, 1000):
                if self._spool is not None:
                    pickle.dump(chunk, self._spool, pickle.HIGHEST_PROTOCOL)
        self._checked = reader.checked
        if reader.checked.bad_rows:
            self._drop_spool()
        return reader.checked

    def store(
        self,
        on_problem: OnProblem,
        progress: Progress | None = None,
        on_commit: Callable[[bulk.Loaded], None] | None = None,
    ) -> Imported:
        """Store the good rows (after a clean `check`, or skipping the bad ones);
        rows imported before are left alone."""
        conn = self.conn
        conn.execute(f"PRAGMA cache_size = {_IMPORT_CACHE}")
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_seen"
            " (key BLOB PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM import_seen")
        if self._spool is not None and self._checked is not None:
            rows = _unspooled(self._spool, progress)
            if self._checked.new_grids:
                rows = self._with_new_grids(rows, self._checked.new_grids)
            loaded = bulk.load(
                conn, self.ctx, _identified(conn, rows), self.options.batch, on_commit
            )
            self._drop_spool()
            return Imported(self._checked, loaded, _open_items(conn, self.ctx))
        with open_sheet(self.path, self.options.encoding) as sheet:
            reader = _Reader(conn, self.ctx, sheet, self.options)
            reader.storing = True
            rows = reader.rows(on_problem, _ticker(progress, "store", sheet))
            loaded = bulk.load(
                conn, self.ctx, _identified(conn, rows), self.options.batch, on_commit
            )
        return Imported(reader.checked, loaded, _open_items(conn, self.ctx))

    def _with_new_grids(
        self, rows: Iterator[tuple[bulk.LoadRow, bytes]], names: list[str]
    ) -> Iterator[tuple[bulk.LoadRow, bytes]]:
        """Register the grids the check found new, and give their rows real ids."""
        ids = [_grid_id_creating(self.conn, self.ctx, name) for name in names]
        for row, key in rows:
            if row.grid_id < 0:
                row.grid_id = ids[-row.grid_id - 1]
            yield row, key

    def _drop_spool(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None


def _grid_id_creating(conn: sqlite3.Connection, ctx: Context, name: str) -> int:
    """The grid `name`, registered now unless another gridlog just did."""
    try:
        return grids.find_grid(conn, name)
    except GridlogError:
        return grids.add_grid(conn, ctx, name)


# A fixed page cache for the import's connection: big enough that the indexes of a
# million rows are not re-read from disk for every batch, and the same at any size.
_IMPORT_CACHE = -256_000  # KiB


def _unspooled(
    spool: BinaryIO, progress: Progress | None
) -> Iterator[tuple[bulk.LoadRow, bytes]]:
    size = max(spool.tell(), 1)
    spool.seek(0)
    while True:
        try:
            chunk = pickle.load(spool)
        except EOFError:
            break
        if progress is not None:
            progress("store", spool.tell() / size)
        yield from chunk


def _open_items(conn: sqlite3.Connection, ctx: Context) -> int:
    row = conn.execute(
        "SELECT count(*) FROM followups WHERE closed_at IS NULL AND due_on < ?",
        (ctx.today.isoformat(),),
    ).fetchone()
    return int(row[0])


def _ticker(progress: Progress | None, stage: str, sheet: Sheet):
    if progress is None:
        return None
    return lambda: progress(stage, sheet.done())


def _identified(
    conn: sqlite3.Connection, rows: Iterator[tuple[bulk.LoadRow, bytes]]
) -> Iterator[bulk.LoadRow]:
    """Give each row its UUID: what it says, and which repeat of that it is."""
    count = conn.cursor()
    for row, key in rows:
        (n,) = count.execute(
            "INSERT INTO import_seen (key, n) VALUES (?, 0) ON CONFLICT (key)"
            " DO UPDATE SET n = n + 1 RETURNING n",
            (key,),
        ).fetchone()
        name = key.hex() if n == 0 else f"{key.hex()}#{n}"
        row.uuid = bulk.name_uuid(_NAMESPACE, name)
        yield row


# --- reading rows -------------------------------------------------------------------


def _header_key(header: str) -> str:
    """Headers as people type them: 日期（必填）, ' Date ', Follow-up, follow_up."""
    text = unicodedata.normalize("NFKC", header).strip().lower().lstrip("\ufeff")
    text = re.sub(r"\(.*?\)|\*", "", text)
    return re.sub(r"[\s_\-]", "", text)


_ALIASES = {_header_key(name): key for key, names in COLUMNS.items() for name in names}


def map_columns(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds what, and the headers gridlog does not know."""
    columns: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        key = _ALIASES.get(_header_key(header))
        if key is not None and key not in columns:
            columns[key] = index
        elif header.strip() and _header_key(header) not in IGNORED:
            unknown.append(header.strip())
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        names = "、".join(f"{COLUMNS[key][0]}/{COLUMNS[key][1]}" for key in missing)
        found = "、".join(h.strip() for h in headers if h.strip()) or "-"
        raise GridlogError("import.columns_missing", missing=names, found=found)
    return columns, unknown


class _Reader:
    """Turns a sheet's rows into load rows, reporting problems cell by cell.

    A million rows must read in seconds, so each column's reader is chosen once, and
    columns with few distinct values (grid, category, kind, place...) are read once
    per distinct value."""

    def __init__(
        self, conn: sqlite3.Connection, ctx: Context, sheet: Sheet, options: Options
    ) -> None:
        self.conn, self.ctx, self.sheet, self.options = conn, ctx, sheet, options
        self.columns, unknown = map_columns(sheet.headers)
        self.checked = Checked(sheet.encoding, unknown)
        self._labels = {key: self._label(key) for key in COLUMNS}
        self._positions = {self._labels[k]: i for k, i in self.columns.items()}
        readers = {**_READERS, "closed": (self._closed_on, True)}
        self._readers = [
            (key, index, self._labels[key], _memo(read) if memo else read)
            for key, (read, memo) in readers.items()
            if (index := self.columns.get(key)) is not None
        ]
        self._special = [self.columns.get(key) for key in _SPECIAL]
        self._moment_memo = _memo(lambda value, _: _moment(value, ctx))
        self._time_memo = _memo(lambda value, _: _time_of_day(value, ctx))
        self._grid_memo = _memo(self._grid)
        self._building_memo = _memo(lambda place, _: self._building(place))
        self._default_grid: int | GridlogError | None = None
        self._grid_names: dict[int, str] = {}
        self.storing = False

    def rows(
        self, on_problem: OnProblem, tick: Callable[[], None] | None
    ) -> Iterator[tuple[bulk.LoadRow, bytes]]:
        """The good rows with their identity; each bad one goes to `on_problem`."""
        for number, values in self.sheet.rows:
            if tick is not None and number % 2000 == 0:
                tick()
            problems: list[Problem] = []
            row = self._row(number, values, problems)
            if problems:
                self.checked.rows += 1
                self.checked.bad_rows += 1
                on_problem(BadRow(number, problems, values, self.sheet.headers))
            elif row is not None:
                self.checked.rows += 1
                yield row
        if tick is not None:
            tick()

    def _label(self, column: str) -> str:
        """A column as the file heads it, or as gridlog would when it has none."""
        if column in self.columns:
            return self.sheet.headers[self.columns[column]].strip()
        return "/".join(COLUMNS[column][:2])

    def _row(
        self, number: int, values: list[Any], problems: list[Problem]
    ) -> tuple[bulk.LoadRow, bytes] | None:
        """One row read, or None for a bad row (its problems added) or a blank one."""
        size = len(values)
        cells: dict[str, Any] = {}
        for key, index, label, read in self._readers:
            raw = _cell(values, index, size)
            if raw is not None:
                try:
                    cells[key] = read(raw, label)
                except GridlogError as error:
                    problems.append(Problem(number, label, error.key, error.params))
                    cells[key] = None
        date, time, grid, followup, reminder = (
            None if index is None else _cell(values, index, size)
            for index in self._special
        )
        blank = not cells and date is None and grid is None and not problems
        if blank and not any(_filled(value) for value in values):
            return None
        labels = self._labels

        def attempt(column: str, read: Callable[..., Any], *args: Any) -> Any:
            try:
                return read(*args)
            except GridlogError as error:
                problems.append(
                    Problem(number, labels[column], error.key, error.params)
                )
                return None

        at = attempt("date", self._at, date, time, labels["date"])
        text = cells.get("text")
        if text is None and "text" not in cells:
            attempt("text", check_text, labels["text"], "")
        place = cells.get("place")
        building = self._building_memo(place, None) if place else None
        building_grid = None if building is None else building["grid_id"]
        grid_id = attempt(
            "grid", self._grid_memo, (grid, building_grid), labels["grid"]
        )
        items = []
        if at is not None:
            for column, raw in (("followup", followup), ("reminder", reminder)):
                closes = column == "followup" or not _given(followup)
                item = attempt(column, self._item, column, raw, cells, at, closes)
                if item is not None:
                    items.append(item)
        if problems or at is None or text is None or grid_id is None:
            problems.sort(key=lambda problem: self._positions.get(problem.column, 0))
            return None
        load = bulk.LoadRow(
            at=at,
            grid_id=grid_id,
            text=text,
            place=place,
            building_id=None if building is None else building["id"],
            resident=cells.get("resident"),
            phone=cells.get("phone"),
            category=cells.get("category") or "other",
            kind=cells.get("kind") or "visit",
            tags=cells.get("tags") or "[]",
            worker=cells.get("worker") or self.ctx.worker,
            items=tuple(items),
        )
        return load, _identity(load, self._grid_name(grid_id))

    # -- cells --

    def _at(self, value: Any, time_value: Any, label: str) -> dt.datetime:
        """When the visit was: the 日期 cell, at the 时间 cell's time if there is one.
        Each distinct date and time is read once (a log repeats them all day)."""
        if value is None:
            raise GridlogError("field.empty", field=label)
        moment = self._moment_memo(value, None)
        if time_value is not None:
            moment = moment.replace(hour=0, minute=0, second=0) + self._time_memo(
                time_value, None
            )
        if moment.astimezone(self.ctx.zone).date() > self.ctx.today:
            # Later today is fine: another device's clock may run a little ahead.
            raise GridlogError("import.future", text=_str(value))
        return moment

    def _grid(self, cell: tuple[Any, int | None], label: str) -> int:
        """The 网格 column, else the place's building's grid, else the default."""
        value, building_grid = cell
        if value is None:
            if building_grid is not None:
                return building_grid
            return self._fallback_grid()
        name = check_name(label, _str(value))
        try:
            return grids.find_grid(self.conn, name)
        except GridlogError as error:
            if self.options.create_grids and error.key == "grid.unknown":
                return self._new_grid(name)
            raise

    def _fallback_grid(self) -> int:
        if self._default_grid is None:
            name = self.options.grid or settings.get(self.conn, "grid")
            try:
                if not name:
                    raise GridlogError("import.no_grid")
                self._default_grid = grids.find_grid(self.conn, name)
            except GridlogError as error:
                self._default_grid = error
        if isinstance(self._default_grid, GridlogError):
            raise self._default_grid
        return self._default_grid

    def _new_grid(self, name: str) -> int:
        """--create-grids: a grid the file names that is not registered. Checking
        notes it under a stand-in id (-1, -2, …) that `store` replaces; storing
        without a check registers it at once (rows are read between batches)."""
        self.checked.new_grids.append(name)
        if not self.storing:
            return -len(self.checked.new_grids)
        return grids.add_grid(self.conn, self.ctx, name)

    def _grid_name(self, grid_id: int) -> str:
        """Rows are identified by grid name, not id: the same file imported on two
        devices gives the same UUIDs, so their merge does not double it."""
        if grid_id not in self._grid_names:
            self._grid_names[grid_id] = (
                self.checked.new_grids[-grid_id - 1]
                if grid_id < 0
                else grids.grid_name(self.conn, grid_id)
            )
        return self._grid_names[grid_id]

    def _building(self, place: str) -> sqlite3.Row | None:  # memoised in __init__
        return grids.building_for_place(self.conn, place)

    def _item(
        self,
        kind: str,
        value: Any,
        cells: dict[str, Any],
        at: dt.datetime,
        closes: bool,
    ) -> bulk.LoadItem | None:
        """The follow-up or reminder a row's date column opens, if it names one;
        `closes` when the row's 办结日期 is this item's (the follow-up's, if any)."""
        if not _given(value):
            return None
        due = _due(value, at)
        text = cells.get("reminder_text") if kind == "reminder" else None
        closed_at = None
        closed_on = cells.get("closed")
        if closed_on is not None and closes:
            day_start = dt.datetime.combine(closed_on, dt.time(), tzinfo=at.tzinfo)
            closed_at = max(at, day_start)
        elif cells.get("status"):
            day_start = dt.datetime.combine(due, dt.time(), tzinfo=at.tzinfo)
            closed_at = max(at, day_start)
        return bulk.LoadItem(kind, due, text, closed_at)

    def _closed_on(self, value: Any, _label: str) -> dt.date:
        """The 办结日期 of gridlog's own csv: the day the row's case was closed."""
        return _moment(value, self.ctx).date()


_SPECIAL = ("date", "time", "grid", "followup", "reminder")


def _cell(values: list[Any], index: int, size: int) -> Any:
    """A cell's value; blank text is no value, and the quote that keeps Excel from
    running `=…`, `+…`, `-…` or `@…` as a formula is taken off again."""
    if index >= size:
        return None
    value = values[index]
    if value.__class__ is str:
        value = value.strip()
        if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
            value = value[1:]
        return value or None
    return value


def _memo(read: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """`read` once per distinct value, its refusals included; bounded in memory."""
    outcomes: dict[Any, Any] = {}

    def memoised(value: Any, label: Any) -> Any:
        try:
            outcome = outcomes[value]
        except KeyError:
            if len(outcomes) > 100_000:
                outcomes.clear()
            try:
                outcome = read(value, label)
            except GridlogError as error:
                outcome = error
            outcomes[value] = outcome
        if isinstance(outcome, GridlogError):
            raise outcome.with_traceback(None)
        return outcome

    return memoised


def _given(value: Any) -> bool:
    """Whether a date cell names a date: 无, -, / and the like say there is none."""
    return value is not None and _str(value).lower() not in _BLANK


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _identity(row: bulk.LoadRow, grid: str) -> bytes:
    """What makes a row the same row on the next import of the file."""
    parts = (row.at.isoformat(), grid, row.place, row.resident, row.text)
    joined = "\x1f".join("" if part is None else part for part in parts)
    return hashlib.blake2b(
        joined.encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _name(value: Any, label: str) -> str | None:
    return None if value is None else check_name(label, _str(value))


def _category(value: Any, _label: str) -> str:
    return vocab.category(_str(value)).key if value is not None else "other"


def _kind(value: Any, _label: str) -> str:
    return vocab.kind(_str(value)).key if value is not None else "visit"


def _phone(value: Any, _label: str) -> str | None:
    """Phone numbers as text; one Excel turned into 1.38123E+10 has lost digits."""
    if value is None:
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    text = unicodedata.normalize("NFKC", _str(value))
    if _EXCEL_NUMBER.fullmatch(text):
        raise GridlogError("import.phone_excel")
    if not _PHONE.fullmatch(text) or len(_DIGITS.findall(text)) < 5:
        raise GridlogError("import.phone_bad")
    return text


def _tags(value: Any, label: str) -> str:
    if value is None:
        return "[]"
    names = [part for part in re.split(r"[,，、;；\s]+", _str(value)) if part]
    tags = [check_name(label, name) for name in dict.fromkeys(names)]
    return json.dumps(tags, ensure_ascii=False)


def _closed(value: Any, _label: str) -> bool | None:
    if value is None:
        return None
    text = _str(value).lower()
    if text in _CLOSED:
        return True
    if text in _OPEN:
        return False
    raise GridlogError("import.status_bad", text=_str(value))


def _text(value: Any, label: str) -> str:
    return check_text(label, _str(value))


# Columns read the same way in every row: (reader, whether to read each value once).
_READERS: dict[str, tuple[Callable[[Any, str], Any], bool]] = {
    "text": (_text, False),
    "place": (_name, True),
    "resident": (_name, False),
    "phone": (_phone, False),
    "category": (_category, True),
    "kind": (_kind, True),
    "tags": (_tags, True),
    "worker": (_name, True),
    "status": (_closed, True),
    "reminder_text": (_text, False),
}


def _moment(value: Any, ctx: Context) -> dt.datetime:
    """A cell holding when a visit was: Excel dates as they are, text with a year."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=ctx.zone) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=ctx.zone)
    text = _str(value)
    match = _ISO.fullmatch(text)
    if match:
        return _iso_moment(match, text, ctx)
    if not re.search(r"\d{4}|[〇零一二三四五六七八九]{4}年", text):
        raise GridlogError("import.no_year", text=text)
    return dates.parse_when(text, ctx.now, "past").at(ctx.zone)


def _iso_moment(match: re.Match[str], text: str, ctx: Context) -> dt.datetime:
    year, month, day, hour, minute, second = (
        int(part) if part else 0 for part in match.groups()
    )
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=ctx.zone)
    except ValueError:
        raise GridlogError("date.impossible", text=text) from None


def _time_of_day(value: Any, ctx: Context) -> dt.timedelta:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return dt.timedelta(hours=value.hour, minutes=value.minute)
    text = _str(value)
    match = _CLOCK.fullmatch(text)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.timedelta(hours=int(match[1]), minutes=int(match[2]))
    when = dates.parse_when(text, ctx.now)
    if when.time is None:
        raise GridlogError("import.no_time", text=_str(value))
    return dt.timedelta(hours=when.time.hour, minutes=when.time.minute)


def _due(value: Any, at: dt.datetime) -> dt.date:
    """A follow-up date: a date, or words counted from the visit (下周一, 3天后)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _due_in_words(_str(value), at.date(), at.tzinfo)


@functools.lru_cache(maxsize=4096)
def _due_in_words(text: str, day: dt.date, zone: dt.tzinfo | None) -> dt.date:
    """Old logs repeat the same few phrases day after day: parse each once a day."""
    return dates.parse_when(
        text, dt.datetime.combine(day, dt.time(12), zone), "future"
    ).day
