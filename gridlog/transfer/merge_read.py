"""Reading a jsonl export for `gridlog merge`: every line parsed and checked against
the shape of its kind of record, before anything is written.

A bad line (not JSON, an unknown type, a field missing or of the wrong kind, a second
header, a duplicate UUID, a file from a newer gridlog) stops the merge with its line
number. Good lines are kept in a temporary table, so that `transfer.merge_apply` can
find records by UUID whatever order the file gives them in. Nothing here writes to
the log itself.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gridlog.domain import settings
from gridlog.domain.limits import MAX_NAME, MAX_TEXT
from gridlog.errors import GridlogError
from gridlog.storage.migrations import schema_version

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
)

_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _text(limit: int, optional: bool = False) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if value is None:
            return optional
        return type(value) is str and 0 < len(value) <= limit

    return check


def _pattern(regex: re.Pattern[str], optional: bool = False) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if value is None:
            return optional
        return type(value) is str and regex.fullmatch(value) is not None

    return check


def _of(*types: type) -> Callable[[Any], bool]:
    return lambda value: type(value) in types


def _one_of(*choices: str) -> Callable[[Any], bool]:
    return lambda value: value in choices


_NAME, _OPT_NAME = _text(MAX_NAME), _text(MAX_NAME, optional=True)
_UUID, _OPT_UUID = _text(64), _text(64, optional=True)
_AT, _OPT_AT = _pattern(_INSTANT), _pattern(_INSTANT, optional=True)
_ID, _OPT_INT = _of(int), _of(int, type(None))
_OPT_OBJECT = _of(dict, type(None))


def _tags(value: Any) -> bool:
    return type(value) is list and all(_NAME(tag) for tag in value)


def _aliases(value: Any) -> bool:
    return _tags(value)


# What each line must hold: field → check. Other fields are ignored.
SHAPES: dict[str, dict[str, Callable[[Any], bool]]] = {
    "gridlog": {"schema": _of(int)},
    "setting": {"key": _one_of(*settings.KEYS), "value": _NAME},
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
        "age": _ID,
        "text": _text(MAX_TEXT),
        "category": _NAME,
        "active": _ID,
        "created_at": _AT,
        "updated_at": _AT,
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
        "born_on": _pattern(_DAY, optional=True),
        "born_year_only": _ID,
        "tags": _tags,
        "note": _text(MAX_TEXT, optional=True),
        "registered_on": _pattern(_DAY),
        "created_at": _AT,
        "updated_at": _AT,
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
        "category": _NAME,
        "kind": _NAME,
        "text": _text(MAX_TEXT),
        "tags": _tags,
        "worker": _OPT_NAME,
        "case_uuid": _OPT_UUID,
        "created_at": _AT,
        "updated_at": _AT,
    },
    "followup": {
        "uuid": _UUID,
        "id": _ID,
        "kind": _one_of("followup", "reminder"),
        "entry_uuid": _UUID,
        "grid_uuid": _UUID,
        "text": _text(MAX_TEXT),
        "due_on": _pattern(_DAY),
        "opened_at": _AT,
        "closed_at": _OPT_AT,
        "close_note": _text(MAX_TEXT, optional=True),
        "every": _OPT_NAME,
        "previous_uuid": _OPT_UUID,
        "created_at": _AT,
        "updated_at": _AT,
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
    },
    "fired": {
        "rule_uuid": _UUID,
        "resident_uuid": _UUID,
        "followup_uuid": _OPT_UUID,
        "fired_at": _AT,
    },
    "history": {
        "id": _ID,
        "op": _ID,
        "at": _AT,
        "actor": _of(str, type(None)),
        "command": _of(str, type(None)),
        "table": _NAME,
        "record_id": _ID,
        "record_uuid": _OPT_UUID,
        "action": _one_of("insert", "update", "delete"),
        "before": _OPT_OBJECT,
        "after": _OPT_OBJECT,
        "undoes": _OPT_INT,
    },
}
# Fields later schemas added: a file from before them lacks them, and gets NULL.
OPTIONAL: dict[str, dict[str, Callable[[Any], bool]]] = {
    "followup": {"due_time": _pattern(_CLOCK, optional=True)},  # m007
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


def stage(conn: sqlite3.Connection, lines: Iterable[str]) -> int:
    """Check every line and keep it in a temporary table (on disk when large), so
    that records can be found by UUID whatever order they come in; returns the
    file's record counter."""
    conn.execute(
        "CREATE TEMP TABLE merge_in (line INTEGER PRIMARY KEY, type TEXT NOT NULL,"
        " key TEXT, body TEXT NOT NULL)"
    )
    conn.execute("CREATE UNIQUE INDEX temp.merge_in_key ON merge_in (type, key)")
    conn.execute("CREATE INDEX temp.merge_in_type ON merge_in (type, line)")
    header = None
    try:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            record = _parse(number, text)
            if header is None:
                header = _header(number, record)
                continue
            if record["type"] == "gridlog":
                raise GridlogError("merge.second_header", line=number)
            _check_shape(number, record)
            key = record.get("uuid", record.get("key"))
            try:
                conn.execute(
                    "INSERT INTO merge_in (line, type, key, body) VALUES (?, ?, ?, ?)",
                    (number, record["type"], key, text),
                )
            except sqlite3.IntegrityError:
                raise GridlogError("merge.duplicate", line=number, uuid=key) from None
    except UnicodeDecodeError:
        raise GridlogError("merge.not_utf8") from None
    if header is None:
        raise GridlogError("merge.empty")
    return int(header.get("record_counter", 0))


def _parse(number: int, text: str) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except ValueError:
        raise GridlogError("merge.not_json", line=number) from None
    if not isinstance(record, dict):
        raise GridlogError("merge.not_json", line=number)
    kind = record.get("type")
    if kind not in SHAPES:
        raise GridlogError("merge.unknown_type", line=number, type=str(kind))
    return record


def _check_shape(number: int, record: dict[str, Any]) -> None:
    for name, check in SHAPES[record["type"]].items():
        if name not in record:
            raise GridlogError("merge.missing_field", line=number, field=name)
        if not check(record[name]):
            raise GridlogError("merge.bad_field", line=number, field=name)
    for name, check in OPTIONAL.get(record["type"], {}).items():
        if not check(record.get(name)):
            raise GridlogError("merge.bad_field", line=number, field=name)


def _header(number: int, record: dict[str, Any]) -> dict[str, Any]:
    if record["type"] != "gridlog":
        raise GridlogError("merge.no_header", line=number)
    _check_shape(number, record)
    if type(record.get("record_counter", 0)) is not int:
        raise GridlogError("merge.bad_field", line=number, field="record_counter")
    if record["schema"] > schema_version():
        raise GridlogError(
            "merge.too_new", schema=record["schema"], supported=schema_version()
        )
    return record


def staged(conn: sqlite3.Connection, kind: str) -> Iterable[tuple[int, dict]]:
    for row in conn.execute(
        "SELECT line, body FROM merge_in WHERE type = ? ORDER BY line", (kind,)
    ):
        yield row[0], json.loads(row[1])


def version(line: Mapping[str, Any]) -> str:
    """A record's content, independent of local ids, as comparable text."""
    shape = SHAPES[line["type"]]
    content = {k: line[k] for k in shape if k not in _NOT_COMPARED}
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def stamp(line: Mapping[str, Any]) -> str:
    return line.get("updated_at") or line["created_at"]
