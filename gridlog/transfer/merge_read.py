"""Reading a jsonl export for `gridlog merge`: every line parsed and checked against
the shape of its kind of record, before anything is written.

A bad line (not JSON, an unknown type, a field missing or of the wrong kind, a second
header, a duplicate UUID, a file from a newer gridlog) stops the merge with its line
number. Good lines are kept in a temporary table, so that `transfer.merge_apply` can
find records by UUID whatever order the file gives them in. Nothing here writes to
the log itself.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gridlog.domain import settings
from gridlog.domain.limits import MAX_NAME, MAX_TEXT
from gridlog.errors import GridlogError
from gridlog.storage.migrations import schema_version
from gridlog.storage.photos import LIMIT as PHOTO_LIMIT
from gridlog.words import vocab

KINDS = (
    "setting",
    "grid",
    "building",
    "rule",
    "resident",
    "entry",
    "followup",
    "signoff",
    "fired",
    "photo",
    "tombstone",
)

_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")
# Years a stored instant or date (a birthday: 1880) may have: every read command
# can show and convert them (to the worker's zone, to a spreadsheet's date).
_YEARS = range(1900, 3000)
_BIRTH_YEARS = range(1880, 3000)
_EVERY = re.compile(r"[1-9]\d{0,2}[dwmy]")
_HEX = re.compile(r"[0-9a-f]{16,128}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Largest id, count or revision taken: far below SQLite's 64-bit integers.
_MAX_INT = 2**53
# Control characters, and the invisible format ones that make a name look like
# another (right-to-left overrides, zero-width spaces): never in a short field.
_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Cs"})
# A text may hold what a worker typed, shown escaped; never a NUL.
_NOT_IN_TEXTS = re.compile("\x00")


def _printable(value: str) -> bool:
    # `isprintable` (in C) is false for every character of those categories, so a
    # name it passes needs no look at each character.
    return value.isprintable() or not any(
        unicodedata.category(char) in _NOT_IN_NAMES for char in value
    )


_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _text(limit: int, optional: bool = False) -> Callable[[Any], bool]:
    """A name (limit MAX_NAME: one line of visible characters) or a text, as an
    import would take it: not blank, not too long, valid Unicode."""

    def check(value: Any) -> bool:
        if value is None:
            return optional
        if type(value) is not str or not value.strip() or len(value) > limit:
            return False
        if limit <= MAX_NAME and not _printable(value):
            return False
        if "\x00" in value:  # (a plain `in`: tens of thousands a merge)
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    return check


def _instant(value: str) -> bool:
    """A real instant, given `_INSTANT`'s shape (a merge checks tens of thousands,
    a few each day: the day looked at once, the clock read from its digits)."""
    return (
        _real_day(value[:10])
        and int(value[11:13]) < 24
        and int(value[14:16]) < 60
        and int(value[17:19]) < 60
    )


@functools.lru_cache(maxsize=4096)
def _real_day(value: str) -> bool:
    try:
        day = dt.date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return False
    return day.year in _YEARS


def _day_in(years: range) -> Callable[[str], bool]:
    def real(value: str) -> bool:
        try:
            return dt.date.fromisoformat(value).year in years
        except ValueError:
            return False

    return real


def _pattern(
    regex: re.Pattern[str], real: Callable[[str], bool] | None = None
) -> tuple[Callable[[Any], bool], Callable[[Any], bool]]:
    """The check of a required and of an optional field of this pattern, which
    (given `real`) must also be a real date or instant."""

    def check(value: Any) -> bool:
        return (
            type(value) is str
            and regex.fullmatch(value) is not None
            and (real is None or real(value))
        )

    return check, lambda value: value is None or check(value)


def _int(low: int = 0, high: int = _MAX_INT, optional: bool = False):
    def check(value: Any) -> bool:
        if value is None:
            return optional
        return type(value) is int and low <= value <= high

    return check


def _of(*types: type) -> Callable[[Any], bool]:
    return lambda value: type(value) in types


def _one_of(*choices: str) -> Callable[[Any], bool]:
    return lambda value: type(value) is str and value in choices


_NAME, _OPT_NAME = _text(MAX_NAME), _text(MAX_NAME, optional=True)
_UUID, _OPT_UUID = _text(64), _text(64, optional=True)
_AT, _OPT_AT = _pattern(_INSTANT, _instant)
_DATE = _pattern(_DAY, _day_in(_YEARS))[0]
_OPT_BIRTHDAY = _pattern(_DAY, _day_in(_BIRTH_YEARS))[1]
_ID, _OPT_INT = _int(1), _int(optional=True)
_FLAG, _COUNT = _int(0, 1), _int()
_CATEGORY = _one_of(*(term.key for term in vocab.CATEGORIES))
_KIND = _one_of(*(term.key for term in vocab.KINDS))
_EVERY_CHECK = _pattern(_EVERY)[1]


def _tags(value: Any) -> bool:
    return type(value) is list and all(_NAME(tag) for tag in value)


def _aliases(value: Any) -> bool:
    return _tags(value)


def _values(value: Any) -> bool:
    """A history row's before or after: column → a value a column can hold (or the
    list a bulk load's summary holds), nothing deeper."""
    if value is None:
        return True
    if type(value) is not dict:
        return False
    return all(type(key) is str and _value(item) for key, item in value.items())


def _value(item: Any) -> bool:
    if type(item) is list:
        return all(_value(part) and type(part) is not list for part in item)
    if type(item) is int:
        return abs(item) <= _MAX_INT
    if type(item) is str:
        return not _NOT_IN_TEXTS.search(item)
    return type(item) in (float, bool, type(None))


def _marks(value: Any) -> bool:
    """A tombstone's marks: the length and keyed hash of each forgotten value."""
    return type(value) is list and all(
        type(mark) is dict
        and _int(1, MAX_NAME)(mark.get("length"))
        and type(mark.get("hash")) is str
        and _HEX.fullmatch(mark["hash"]) is not None
        and type(mark.get("number", False)) is bool
        for mark in value
    )


_HISTORY_TABLES = (
    "settings",
    "grids",
    "grid_aliases",
    "buildings",
    "entries",
    "followups",
    "residents",
    "signoffs",
    "care_rules",
    "care_rule_fired",
    "photos",
)

# What each line must hold: field → check. Other fields are ignored.
SHAPES: dict[str, dict[str, Callable[[Any], bool]]] = {
    "gridlog": {"schema": _int(1, 10_000)},
    "setting": {"key": _one_of(*settings.SHARED), "value": _NAME},
    "grid": {
        "uuid": _UUID,
        "id": _ID,
        "name": _NAME,
        "aliases": _aliases,
        "worker": _OPT_NAME,
        "phone": _OPT_NAME,
        "households": _OPT_INT,
        "population": _OPT_INT,
        "created_at": _AT,
        "updated_at": _AT,
        "revision": _COUNT,
    },
    "building": {
        "uuid": _UUID,
        "id": _ID,
        "grid_uuid": _UUID,
        "name": _NAME,
        "created_at": _AT,
    },
    "rule": {
        "uuid": _UUID,
        "id": _ID,
        "age": _int(0, 150),
        "text": _text(MAX_TEXT),
        "category": _CATEGORY,
        "active": _FLAG,
        "created_at": _AT,
        "updated_at": _AT,
        "revision": _COUNT,
    },
    "resident": {
        "uuid": _UUID,
        "id": _ID,
        "name": _NAME,
        "place": _OPT_NAME,
        "grid_uuid": _UUID,
        "building_uuid": _OPT_UUID,
        "phone": _OPT_NAME,
        "id_number": _OPT_NAME,
        "born_on": _OPT_BIRTHDAY,
        "born_year_only": _FLAG,
        "tags": _tags,
        "note": _text(MAX_TEXT, optional=True),
        "registered_on": _DATE,
        "created_at": _AT,
        "updated_at": _AT,
        "revision": _COUNT,
    },
    "entry": {
        "uuid": _UUID,
        "id": _ID,
        "at": _AT,
        "grid_uuid": _UUID,
        "place": _OPT_NAME,
        "building_uuid": _OPT_UUID,
        "resident": _OPT_NAME,
        "resident_uuid": _OPT_UUID,
        "phone": _OPT_NAME,
        "category": _CATEGORY,
        "kind": _KIND,
        "text": _text(MAX_TEXT),
        "tags": _tags,
        "worker": _OPT_NAME,
        "case_uuid": _OPT_UUID,
        "created_at": _AT,
        "updated_at": _AT,
        "revision": _COUNT,
    },
    "followup": {
        "uuid": _UUID,
        "id": _ID,
        "kind": _one_of("followup", "reminder"),
        "entry_uuid": _UUID,
        "grid_uuid": _UUID,
        "text": _text(MAX_TEXT),
        "due_on": _DATE,
        "opened_at": _AT,
        "closed_at": _OPT_AT,
        "close_note": _text(MAX_TEXT, optional=True),
        "every": _EVERY_CHECK,
        "previous_uuid": _OPT_UUID,
        "created_at": _AT,
        "updated_at": _AT,
        "revision": _COUNT,
    },
    "signoff": {
        "uuid": _UUID,
        "id": _ID,
        "followup_uuid": _UUID,
        "household": _NAME,
        "status": _one_of("pending", "signed", "refused"),
        "answered_at": _OPT_AT,
        "created_at": _AT,
        "updated_at": _AT,
        "revision": _COUNT,
    },
    "fired": {
        "rule_uuid": _UUID,
        "resident_uuid": _UUID,
        "followup_uuid": _OPT_UUID,
        "fired_at": _AT,
    },
    "photo": {
        "uuid": _UUID,
        "id": _ID,
        "entry_uuid": _UUID,
        "sha256": _pattern(_SHA256)[0],
        "name": _NAME,
        "size": _int(0, PHOTO_LIMIT),
        "added_at": _AT,
        "data": _of(str),
    },
    "history": {
        "id": _ID,
        "op": _ID,
        "at": _AT,
        "actor": _OPT_NAME,
        "command": _OPT_NAME,
        "table": _one_of(*_HISTORY_TABLES),
        "record_id": _COUNT,
        "record_uuid": _OPT_UUID,
        "action": _one_of("insert", "update", "delete"),
        "before": _values,
        "after": _values,
        "undoes": _int(1, optional=True),
    },
    "tombstone": {
        "uuid": _UUID,
        "kind": _one_of("resident"),
        "forgotten_at": _AT,
        "key": _pattern(_HEX)[0],
        "marks": _marks,
    },
}
# Fields an older gridlog's export lacks, and what they mean there.
_DEFAULTS = {"revision": 0}
# Fields later schemas added: a file from before them lacks them, and gets NULL.
OPTIONAL: dict[str, dict[str, Callable[[Any], bool]]] = {
    "followup": {
        "due_time": _pattern(_CLOCK)[1],  # m009
        "closed_day_unknown": lambda value: value is None or _FLAG(value),  # m011
        "closed_time_unknown": lambda value: value is None or _FLAG(value),  # m013
        "owner": _OPT_NAME,  # m016
    },
    "entry": {"day_only": lambda value: value is None or _FLAG(value)},  # m011
    "resident": {"born_month_only": lambda value: value is None or _FLAG(value)},
}
# What an optional field a file lacks means, when not NULL.
OPTIONAL_DEFAULTS = {
    "closed_day_unknown": 0,
    "closed_time_unknown": 0,
    "day_only": 0,
    "born_month_only": 0,
}
# A reference field → (the column it fills, the kind of record it points at).
REFERENCES = {
    "grid_uuid": ("grid_id", "grid"),
    "building_uuid": ("building_id", "building"),
    "case_uuid": ("case_id", "followup"),
    "entry_uuid": ("entry_id", "entry"),
    "resident_uuid": ("resident_id", "resident"),
    "previous_uuid": ("previous_id", "followup"),
    "followup_uuid": ("followup_id", "followup"),
    "rule_uuid": ("rule_id", "rule"),
}
# Not part of a record's version: its identity, and aliases (merged as a set).
_NOT_COMPARED = frozenset({"type", "id", "uuid", "aliases"})


def stage(
    conn: sqlite3.Connection,
    lines: Iterable[str | dict[str, Any]],
    kept: dict[int, dict[str, Any]] | None = None,
) -> int:
    """Check every line and keep it in a temporary table (on disk when large), so
    that records can be found by UUID whatever order they come in; returns the
    file's record counter. Lines already read (a pull's, from the hub's JSON
    column) are checked the same, and with `kept` also kept as they are, by line
    number, for `staged` to give back without reading them again: they are in
    memory anyway, where a file's lines are not."""
    # `id` and `case_uuid` are what the merge looks up in SQL; `body` is the
    # line itself, but for the lines `kept` holds.
    conn.execute(
        "CREATE TEMP TABLE merge_in (line INTEGER PRIMARY KEY, type TEXT NOT NULL,"
        " key TEXT, id INTEGER, case_uuid TEXT, body TEXT)"
    )
    conn.execute("CREATE UNIQUE INDEX temp.merge_in_key ON merge_in (type, key)")
    conn.execute("CREATE INDEX temp.merge_in_type ON merge_in (type, line)")
    header = None
    batch: list[tuple[int, str, Any, Any, Any, str | None]] = []
    try:
        for number, text in enumerate(lines, start=1):
            if isinstance(text, str) and not text.strip():
                continue
            record = _parse(number, text)
            if header is None:
                header = _header(number, record)
                continue
            if record["type"] == "gridlog":
                raise GridlogError("merge.second_header", line=number)
            _check_shape(number, record)
            if record["type"] == "photo":
                _check_photo(number, record)
            key = record.get("uuid", record.get("key"))
            if kept is not None:
                kept[number] = record
            body = None if kept is not None else json.dumps(record)
            named = (record.get("id"), record.get("case_uuid"))
            batch.append((number, record["type"], key, *named, body))
            if len(batch) == _STAGED_AT_ONCE:
                _keep(conn, batch)
                batch = []
    except UnicodeDecodeError:
        raise GridlogError("merge.not_utf8") from None
    if header is None:
        raise GridlogError("merge.empty")
    _keep(conn, batch)
    return int(header.get("record_counter", 0))


_STAGED_AT_ONCE = 1_000


def _keep(conn: sqlite3.Connection, batch: list[tuple]) -> None:
    """Stage checked lines a statement at a time; a line that repeats a record
    is named by its number (the batch, gone with its statement, a line at a time)."""
    insert = (
        "INSERT INTO merge_in (line, type, key, id, case_uuid, body)"
        " VALUES (?, ?, ?, ?, ?, ?)"
    )
    conn.execute("SAVEPOINT staging")
    try:
        conn.executemany(insert, batch)
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO staging")
        for row in batch:
            try:
                conn.execute(insert, row)
            except sqlite3.IntegrityError:
                line, key = row[0], row[2]
                raise GridlogError("merge.duplicate", line=line, uuid=key) from None
    finally:
        conn.execute("RELEASE staging")


def _parse(number: int, text: str | dict[str, Any]) -> dict[str, Any]:
    try:
        record = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        raise GridlogError("merge.not_json", line=number) from None
    if not isinstance(record, dict):
        raise GridlogError("merge.not_json", line=number)
    kind = record.get("type")
    if kind not in SHAPES:
        raise GridlogError("merge.unknown_type", line=number, type=str(kind))
    return record


def _check_shape(number: int, record: dict[str, Any]) -> None:
    own = record.get("uuid", False)
    for name, check, has_default, reference in _fields(record["type"]):
        if has_default:
            record.setdefault(name, _DEFAULTS[name])
        if name not in record:
            raise GridlogError("merge.missing_field", line=number, field=name)
        value = record[name]
        if not check(value):
            raise GridlogError("merge.bad_field", line=number, field=name)
        if reference and value == own:
            raise GridlogError("merge.self_reference", line=number, field=name)
    for name, check in OPTIONAL.get(record["type"], {}).items():
        if not check(record.get(name)):
            raise GridlogError("merge.bad_field", line=number, field=name)


@functools.cache
def _fields(kind: str) -> tuple[tuple[str, Callable[[Any], bool], bool, bool], ...]:
    """A kind's fields as `_check_shape` goes through them (a merge checks tens
    of thousands of lines): name, check, whether it has a default, whether it
    names another record."""
    return tuple(
        (name, check, name in _DEFAULTS, name in REFERENCES)
        for name, check in SHAPES[kind].items()
    )


def _check_photo(number: int, record: dict[str, Any]) -> None:
    """A photo's bytes are what its line says they are (size and SHA-256): a file
    damaged on its way, or edited by hand, is refused, never kept half right."""
    try:
        data = base64.b64decode(record["data"], validate=True)
    except (ValueError, binascii.Error):
        data = None
    if (
        data is None
        or len(data) != record["size"]
        or hashlib.sha256(data).hexdigest() != record["sha256"]
    ):
        raise GridlogError("merge.bad_photo", line=number, name=record["name"])


def _header(number: int, record: dict[str, Any]) -> dict[str, Any]:
    if record["type"] != "gridlog":
        raise GridlogError("merge.no_header", line=number)
    _check_shape(number, record)
    if not _COUNT(record.get("record_counter", 0)):
        raise GridlogError("merge.bad_field", line=number, field="record_counter")
    if record["schema"] > schema_version():
        raise GridlogError(
            "merge.too_new", schema=record["schema"], supported=schema_version()
        )
    return record


def staged(
    conn: sqlite3.Connection, kind: str, kept: dict[int, dict[str, Any]] | None = None
) -> Iterable[tuple[int, dict]]:
    """The staged lines of one kind of record, in the file's order."""
    if kept is not None:
        for (line,) in conn.execute(
            "SELECT line FROM merge_in WHERE type = ? ORDER BY line", (kind,)
        ):
            yield line, kept[line]
        return
    for row in conn.execute(
        "SELECT line, body FROM merge_in WHERE type = ? ORDER BY line", (kind,)
    ):
        yield row[0], json.loads(row[1])


def version(line: Mapping[str, Any]) -> str:
    """A record's content, independent of local ids, as comparable text: the
    fields later schemas added too (as a file without them means them), or two
    versions that differ only there (two owners given at the same second) would
    each win on its own side."""
    shape = SHAPES[line["type"]]
    content = {k: line[k] for k in shape if k not in _NOT_COMPARED}
    for name in OPTIONAL.get(line["type"], {}):
        value = line.get(name)
        content[name] = OPTIONAL_DEFAULTS.get(name) if value is None else value
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def stamp(line: Mapping[str, Any]) -> str:
    return line.get("updated_at") or line["created_at"]
