"""Reading one cell of an old log: one reader per kind of column (names, phones,
categories, tags, status, moments, times of day, due dates), each turning what a
spreadsheet holds (text typed any way, Excel's numbers and dates) into what gridlog
stores, or refusing it with a reason.

These run once per cell of a million-row file, so they are plain functions that a
row's reader calls directly, and `Memo` reads a column's repeated values (grids,
categories, dates, places) once each.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from gridlog.context import Context
from gridlog.dates.phrases import parse_when
from gridlog.domain.limits import check_name, check_text
from gridlog.errors import GridlogError
from gridlog.words import vocab

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


def unquoted(text: str) -> str:
    """Text without its blanks, and without the quote that keeps Excel from running
    `=…`, `+…`, `-…` or `@…` as a formula."""
    text = text.strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


UNKNOWN = object()


class Memo:
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
        if outcome.__class__ is Refused:
            raise outcome.error.with_traceback(None)
        return outcome

    def _learn(self, value: Any, label: Any) -> Any:
        if len(self.known) > 100_000:
            self.known.clear()
        try:
            outcome = self.read(value, label)
        except GridlogError as error:
            outcome = Refused(error)
        self.known[value] = outcome
        return outcome


class Refused:
    __slots__ = ("error",)

    def __init__(self, error: GridlogError) -> None:
        self.error = error


def given(value: Any) -> bool:
    """Whether a date cell names a date: 无, -, / and the like say there is none."""
    return value is not None and as_text(value).lower() not in _BLANK


def filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def as_text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _name(value: Any, label: str) -> str | None:
    return None if value is None else check_name(label, as_text(value))


def _category(value: Any, _label: str) -> str:
    return vocab.category(as_text(value)).key if value is not None else "other"


def _kind(value: Any, _label: str) -> str:
    return vocab.kind(as_text(value)).key if value is not None else "visit"


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
    text = unicodedata.normalize("NFKC", as_text(value))
    if _EXCEL_NUMBER.fullmatch(text):
        raise GridlogError("import.phone_excel")
    if not _PHONE.fullmatch(text) or len(_DIGITS.findall(text)) < 5:
        raise GridlogError("import.phone_bad")
    return text


def _tags(value: Any, label: str) -> str:
    if value is None:
        return "[]"
    names = [part for part in re.split(r"[,，、;；\s]+", as_text(value)) if part]
    tags = [check_name(label, name) for name in dict.fromkeys(names)]
    return json.dumps(tags, ensure_ascii=False)


def _closed(value: Any, _label: str) -> bool | None:
    if value is None:
        return None
    text = as_text(value).lower()
    if text in _CLOSED:
        return True
    if text in _OPEN:
        return False
    raise GridlogError("import.status_bad", text=as_text(value))


def _text(value: Any, label: str) -> str:
    return check_text(label, as_text(value))


# Columns read the same way in every row: (reader, whether to read each value once).
READERS: dict[str, tuple[Callable[[Any, str], Any], bool]] = {
    "text": (_text, False),
    "place": (_name, True),
    "resident": (_name, True),  # a street has a few thousand residents
    "phone": (_phone, False),
    "category": (_category, True),
    "kind": (_kind, True),
    "tags": (_tags, True),
    "worker": (_name, True),
    "status": (_closed, True),
    "reminder_text": (_text, False),
    "close_note": (_text, False),
}


def read_moment(value: Any, ctx: Context) -> dt.datetime:
    """A cell holding when a visit was: Excel dates as they are, text with a year."""
    return read_visit(value, ctx)[0]


def read_visit(value: Any, ctx: Context) -> tuple[dt.datetime, bool]:
    """When a visit was, and whether the cell gave only its day (then the moment is
    the day's start, which is not a time anybody wrote). An Excel date cell holds
    midnight: a day, unless it shows seconds' worth of a time."""
    if isinstance(value, dt.datetime):
        moment = value.replace(tzinfo=ctx.zone) if value.tzinfo is None else value
        return moment, value.time() == dt.time()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=ctx.zone), True
    text = as_text(value)
    match = _ISO.fullmatch(text)
    if match:
        return _iso_moment(match, text, ctx), match[4] is None
    if not re.search(r"\d{4}|[〇零一二三四五六七八九]{4}年", text):
        raise GridlogError("import.no_year", text=text)
    when = parse_when(text, ctx.now, "past")
    return when.at(ctx.zone), when.time is None


def read_closed_on(value: Any, ctx: Context) -> dt.date | bool:
    """A 办结日期 cell: the day a case was closed, or `True` for a cell that says
    only that it was (已办结, closed: gridlog's own export of a case closed on a day
    nobody wrote down)."""
    if not isinstance(value, dt.date) and as_text(value).lower() in _CLOSED:
        return True
    return read_moment(value, ctx).date()


def _iso_moment(match: re.Match[str], text: str, ctx: Context) -> dt.datetime:
    year, month, day, hour, minute, second = (
        int(part) if part else 0 for part in match.groups()
    )
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=ctx.zone)
    except ValueError:
        raise GridlogError("date.impossible", text=text) from None


def read_time_of_day(value: Any, ctx: Context) -> dt.timedelta:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return dt.timedelta(hours=value.hour, minutes=value.minute)
    text = as_text(value)
    match = _CLOCK.fullmatch(text)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.timedelta(hours=int(match[1]), minutes=int(match[2]))
    when = parse_when(text, ctx.now)
    if when.time is None:
        raise GridlogError("import.no_time", text=as_text(value))
    return dt.timedelta(hours=when.time.hour, minutes=when.time.minute)


def read_due(value: Any, at: dt.datetime) -> dt.date:
    """A follow-up date: a date, or words counted from the visit (下周一, 3天后)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _due_in_words(as_text(value), at.date(), at.tzinfo)


@functools.lru_cache(maxsize=4096)
def _due_in_words(text: str, day: dt.date, zone: dt.tzinfo | None) -> dt.date:
    """Old logs repeat the same few phrases day after day: parse each once a day."""
    return parse_when(text, dt.datetime.combine(day, dt.time(12), zone), "future").day
