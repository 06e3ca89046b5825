"""Reading an old log's rows: each cell checked and turned into what gridlog stores,
each bad row reported with its row, column and reason, each good row given its UUID.

A million rows must read in seconds, so each column's reader is chosen once, and the
columns with few distinct values (grid, category, kind, place...) are read once per
distinct value. A row's UUID is derived from what it says (its date, grid, place,
resident and text) and how many identical rows came before it in the file, so the
same file gives the same UUIDs on every import, on any device.

This side knows nothing of storing: `transfer.importing` runs it, in a second process
for a large file, while it stores what has been read.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridlog.context import Context
from gridlog.dates import phrases as dates
from gridlog.domain import grids, settings
from gridlog.domain.limits import check_name, check_text
from gridlog.errors import GridlogError
from gridlog.storage import bulk
from gridlog.transfer.sheets import Sheet, open_sheet
from gridlog.words import vocab

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
    batch: int = 20_000  # rows per chunk read, and per transaction stored
    apart: bool | None = None  # read in a second process; None: if the file is large


@dataclass
class Checked:
    """What the checking pass found."""

    encoding: str | None
    unknown_columns: list[str]
    rows: int = 0
    bad_rows: int = 0
    new_grids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be stored: its number, what is wrong, its cells as read."""

    row: int
    problems: list[Problem]
    values: list[Any]
    headers: list[str]


@dataclass
class Good:
    """A chunk of good rows as they are written but for their UUIDs, and what each
    says (see `Identities`). Grids a file names that are not registered (with
    --create-grids) have stand-in ids -1, -2, … for `new_grids`, in order."""

    rows: list[bulk.StoredRow]
    keys: list[bytes]
    new_grids: tuple[str, ...]
    share: float  # of the file read when the chunk was complete


Event = Good | BadRow | Checked


def read_rows(
    conn: sqlite3.Connection, ctx: Context, path: Path, options: Options
) -> Iterator[Event]:
    """The file's rows, in order: chunks of good rows and each bad row, then what
    the reading found. `conn` is only read (grids, places, the default grid)."""
    with open_sheet(path, options.encoding) as sheet:
        reader = _Reader(conn, ctx, sheet, options)
        bad: list[BadRow] = []
        for chunk in bulk.chunks(reader.rows(bad.append), options.batch):
            yield from bad
            bad.clear()
            rows = [row.unnamed() for row, _ in chunk]
            keys = [key for _, key in chunk]
            new_grids = tuple(reader.checked.new_grids)
            yield Good(rows, keys, new_grids, sheet.done())
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

    def named(self, good: Good) -> list[bulk.StoredRow]:
        counts: dict[bytes, int] = {}
        maybe = []  # keys whose bit is set: seen before, or sharing its bit
        bits, mask = self.bits, self._BITS - 1
        for key in good.keys:
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
        rows = []
        for row, key in zip(good.rows, good.keys, strict=True):
            n = counts.get(key, -1) + 1
            counts[key] = n
            name = key.hex() if n == 0 else f"{key.hex()}#{n}"
            rows.append(bulk.named(row, bulk.name_uuid(_NAMESPACE, name)))
        self.conn.executemany(
            "INSERT OR REPLACE INTO seen (key, n) VALUES (?, ?)", counts.items()
        )
        return rows

    def close(self) -> None:
        self.conn.close()


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
    """Turns a sheet's rows into load rows, reporting problems cell by cell."""

    def __init__(
        self, conn: sqlite3.Connection, ctx: Context, sheet: Sheet, options: Options
    ) -> None:
        self.conn, self.ctx, self.sheet, self.options = conn, ctx, sheet, options
        self.columns, unknown = map_columns(sheet.headers)
        self.checked = Checked(sheet.encoding, unknown)
        self._labels = {key: self._label(key) for key in COLUMNS}
        self._positions = {self._labels[k]: i for k, i in self.columns.items()}
        readers = {**_READERS, "closed": (self._closed_on, True)}
        self._readers = []
        for key, (read, memo) in readers.items():
            if (index := self.columns.get(key)) is not None:
                memoised = _Memo(read) if memo else read
                known = memoised.known if memo else {}  # `{}`: nothing kept
                self._readers.append((key, index, self._labels[key], memoised, known))
        self._special = [self.columns.get(key) for key in _SPECIAL]
        self._moment_memo = _Memo(lambda value, _: _moment(value, ctx))
        self._time_memo = _Memo(lambda value, _: _time_of_day(value, ctx))
        self._grid_memo = _Memo(self._grid)
        self._building_memo = _Memo(lambda place, _: self._building(place))
        # Visits later today are fine (another device's clock may run a little
        # ahead); from tomorrow on they are refused.
        tomorrow = ctx.today + dt.timedelta(days=1)
        self._tomorrow = dt.datetime.combine(tomorrow, dt.time(), tzinfo=ctx.zone)
        self._default_grid: int | GridlogError | None = None
        self._grid_names: dict[int, str] = {}

    def rows(
        self, on_problem: Callable[[BadRow], None]
    ) -> Iterator[tuple[bulk.LoadRow, bytes]]:
        """The good rows with their identity; each bad one goes to `on_problem`."""
        for number, values in self.sheet.rows:
            problems: list[Problem] = []
            row = self._row(number, values, problems)
            if problems:
                self.checked.rows += 1
                self.checked.bad_rows += 1
                on_problem(BadRow(number, problems, values, self.sheet.headers))
            elif row is not None:
                self.checked.rows += 1
                yield row

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
        for key, index, label, read, known in self._readers:
            if index >= size:
                continue
            raw = values[index]
            if raw.__class__ is str:
                raw = raw.strip()
                if not raw:
                    continue
                if raw[0] == "'":
                    raw = _unquoted(raw)
            elif raw is None:
                continue
            value = known.get(raw, _UNKNOWN)  # a column's usual values, read before
            if value is _UNKNOWN or value.__class__ is _Refused:
                try:
                    value = read(raw, label)
                except GridlogError as error:
                    problems.append(Problem(number, label, error.key, error.params))
                    value = None
            cells[key] = value
        date, time, grid, followup, reminder = [
            None if index is None else _cell(values, index, size)
            for index in self._special
        ]
        blank = not cells and date is None and grid is None and not problems
        if blank and not any(_filled(value) for value in values):
            return None
        labels = self._labels
        at = grid_id = None
        try:
            at = self._at(date, time, labels["date"])
        except GridlogError as error:
            problems.append(Problem(number, labels["date"], error.key, error.params))
        text = cells.get("text")
        if text is None and "text" not in cells:
            error = GridlogError("field.empty", field=labels["text"])
            problems.append(Problem(number, labels["text"], error.key, error.params))
        place = cells.get("place")
        building = self._building_memo(place, None) if place else None
        building_grid = None if building is None else building["grid_id"]
        try:
            grid_id = self._grid_memo((grid, building_grid), labels["grid"])
        except GridlogError as error:
            problems.append(Problem(number, labels["grid"], error.key, error.params))
        items = []
        if at is not None and (followup is not None or reminder is not None):
            for column, raw in (("followup", followup), ("reminder", reminder)):
                closes = column == "followup" or not _given(followup)
                try:
                    item = self._item(column, raw, cells, at, closes)
                except GridlogError as error:
                    label = labels[column]
                    problems.append(Problem(number, label, error.key, error.params))
                    continue
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
            day = moment.replace(hour=0, minute=0, second=0)
            moment = day + self._time_memo(time_value, None)
        if moment >= self._tomorrow:
            raise GridlogError("import.future", text=_str(value))
        if moment.year < 1900:  # and year 1 cannot even be stored in UTC
            raise GridlogError("import.too_old", text=_str(value))
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
        """--create-grids: a grid the file names that is not registered, noted under
        a stand-in id (-1, -2, …) that the storing side registers and replaces."""
        self.checked.new_grids.append(name)
        return -len(self.checked.new_grids)

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
    """A cell's value; blank text is no value (see `_unquoted`)."""
    if index >= size:
        return None
    value = values[index]
    if value.__class__ is str:
        return _unquoted(value) or None
    return value


def _unquoted(text: str) -> str:
    """Text without its blanks, and without the quote that keeps Excel from running
    `=…`, `+…`, `-…` or `@…` as a formula."""
    text = text.strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


_UNKNOWN = object()


class _Memo:
    """`read` once per distinct value, its refusals included; bounded in memory.
    A log repeats its grids, categories, dates and places all day long."""

    __slots__ = ("known", "read")

    def __init__(self, read: Callable[[Any, Any], Any]) -> None:
        self.read = read
        self.known: dict[Any, Any] = {}

    def __call__(self, value: Any, label: Any) -> Any:
        try:
            outcome = self.known[value]
        except KeyError:
            outcome = self._learn(value, label)
        if outcome.__class__ is _Refused:
            raise outcome.error.with_traceback(None)
        return outcome

    def _learn(self, value: Any, label: Any) -> Any:
        if len(self.known) > 100_000:
            self.known.clear()
        try:
            outcome = self.read(value, label)
        except GridlogError as error:
            outcome = _Refused(error)
        self.known[value] = outcome
        return outcome


class _Refused:
    __slots__ = ("error",)

    def __init__(self, error: GridlogError) -> None:
        self.error = error


def _given(value: Any) -> bool:
    """Whether a date cell names a date: 无, -, / and the like say there is none."""
    return value is not None and _str(value).lower() not in _BLANK


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _identity(row: bulk.LoadRow, grid: str) -> bytes:
    """What makes a row the same row on the next import of the file: its moment,
    grid, place, resident and text, joined by the unit separator."""
    place, resident = row.place or "", row.resident or ""
    joined = f"{row.at.isoformat()}\x1f{grid}\x1f{place}\x1f{resident}\x1f{row.text}"
    return hashlib.blake2b(
        joined.encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


def _str(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
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
    if (
        value.__class__ is str
        and value.isdigit()
        and value.isascii()
        and len(value) > 4
    ):
        return value  # the usual 13812345678
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
