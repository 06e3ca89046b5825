"""The lossless export: the whole log as JSON Lines, every record with its UUID,
references between records by UUID, each record's revision (how many edits made
it, which is what decides a merge), the tombstones of forgotten residents, and the
whole history.

`gridlog merge` reads it back, on another device or into another worker's log, so its
line shapes (`SELECTS`, `TABLES`, `record_lines`) are shared with
`transfer.merge_apply`. It is a backup, not a document for people: it is never
masked. Where it is written (a file replaced only when complete, or standard output)
is `cli.exporting`'s business.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from typing import Any, TextIO

from gridlog.context import Context
from gridlog.domain import settings, tombstones
from gridlog.errors import GridlogError
from gridlog.storage.migrations import schema_version

# One jsonl line per record: the columns a record type carries, its references as the
# UUIDs of the records they point at (`*_uuid`), and its local id for information.
SELECTS = {
    "grid": (
        "SELECT g.uuid, g.id, g.name, g.worker, g.phone, g.households,"
        " g.population, g.created_at, g.updated_at, g.revision FROM grids g",
        "g",
    ),
    "building": (
        "SELECT b.uuid, b.id, g.uuid AS grid_uuid, b.name, b.created_at"
        " FROM buildings b JOIN grids g ON g.id = b.grid_id",
        "b",
    ),
    "rule": (
        "SELECT r.uuid, r.id, r.age, r.text, r.category, r.active, r.created_at,"
        " r.updated_at, r.revision FROM care_rules r",
        "r",
    ),
    "resident": (
        "SELECT p.uuid, p.id, p.name, p.place, g.uuid AS grid_uuid,"
        " b.uuid AS building_uuid, p.phone, p.id_number, p.born_on,"
        " p.born_year_only, p.born_month_only, p.tags, p.note, p.registered_on,"
        " p.created_at, p.updated_at, p.revision FROM residents p"
        " JOIN grids g ON g.id = p.grid_id"
        " LEFT JOIN buildings b ON b.id = p.building_id",
        "p",
    ),
    "entry": (
        "SELECT e.uuid, e.id, e.at, g.uuid AS grid_uuid, e.place,"
        " b.uuid AS building_uuid, e.resident, r.uuid AS resident_uuid, e.phone,"
        " e.category, e.kind, e.text, e.tags, e.worker, c.uuid AS case_uuid,"
        " e.created_at, e.updated_at, e.revision, e.day_only"
        " FROM entries e JOIN grids g ON g.id = e.grid_id"
        " LEFT JOIN buildings b ON b.id = e.building_id"
        " LEFT JOIN residents r ON r.id = e.resident_id"
        " LEFT JOIN followups c ON c.id = e.case_id",
        "e",
    ),
    "followup": (
        "SELECT f.uuid, f.id, f.type AS kind, e.uuid AS entry_uuid,"
        " g.uuid AS grid_uuid, f.text, f.due_on, f.due_time, f.opened_at, f.closed_at,"
        " f.close_note, f.every, p.uuid AS previous_uuid, f.created_at, f.updated_at,"
        " f.revision, f.closed_day_unknown, f.closed_time_unknown, f.owner"
        " FROM followups f JOIN entries e ON e.id = f.entry_id"
        " JOIN grids g ON g.id = f.grid_id"
        " LEFT JOIN followups p ON p.id = f.previous_id",
        "f",
    ),
    "signoff": (
        "SELECT s.uuid, s.id, f.uuid AS followup_uuid, s.household, s.status,"
        " s.answered_at, s.created_at, s.updated_at, s.revision"
        " FROM signoffs s JOIN followups f ON f.id = s.followup_id",
        "s",
    ),
    # A rule's reminder made for a person: a link with no id or UUID of its own.
    "fired": (
        "SELECT r.uuid AS rule_uuid, p.uuid AS resident_uuid,"
        " f.uuid AS followup_uuid, c.fired_at FROM care_rule_fired c"
        " JOIN care_rules r ON r.id = c.rule_id"
        " JOIN residents p ON p.id = c.resident_id"
        " LEFT JOIN followups f ON f.id = c.followup_id",
        "c",
    ),
    # A photo kept with an entry; its bytes travel in the line (`data`, base64), so
    # that one file still carries the whole log from one device to another.
    "photo": (
        "SELECT ph.uuid, ph.id, e.uuid AS entry_uuid, ph.sha256, ph.name, ph.size,"
        " ph.added_at FROM photos ph JOIN entries e ON e.id = ph.entry_id",
        "ph",
    ),
}
TABLES = {
    "grid": "grids",
    "building": "buildings",
    "rule": "care_rules",
    "resident": "residents",
    "entry": "entries",
    "followup": "followups",
    "signoff": "signoffs",
    "fired": "care_rule_fired",
    "photo": "photos",
}
_RECORD_TABLES = frozenset(TABLES.values())
_HISTORY_SELECT = (
    "SELECT h.*, CASE h.table_name"
    " WHEN 'entries' THEN (SELECT uuid FROM entries WHERE id = h.record_id)"
    " WHEN 'followups' THEN (SELECT uuid FROM followups WHERE id = h.record_id)"
    " WHEN 'grids' THEN (SELECT uuid FROM grids WHERE id = h.record_id)"
    " WHEN 'buildings' THEN (SELECT uuid FROM buildings WHERE id = h.record_id)"
    " WHEN 'residents' THEN (SELECT uuid FROM residents WHERE id = h.record_id)"
    " WHEN 'signoffs' THEN (SELECT uuid FROM signoffs WHERE id = h.record_id)"
    " WHEN 'care_rules' THEN (SELECT uuid FROM care_rules WHERE id = h.record_id)"
    " WHEN 'photos' THEN (SELECT uuid FROM photos WHERE id = h.record_id)"
    " END AS current_uuid FROM history h ORDER BY h.id"
)


def write_jsonl(conn: sqlite3.Connection, ctx: Context, out: TextIO) -> dict[str, int]:
    """Every line of a complete export, in the order `merge` reads them."""
    counter = conn.execute(
        "SELECT value FROM counters WHERE name = 'record'"
    ).fetchone()[0]
    header = {
        "type": "gridlog",
        "schema": schema_version(),
        "exported_at": ctx.now_utc,
        "record_counter": counter,
    }
    _put(out, header)
    counts = {"settings": 0}
    for row in conn.execute("SELECT key, value FROM settings ORDER BY key"):
        if row["key"] in settings.DEVICE_ONLY:
            continue
        _put(out, {"type": "setting", "key": row["key"], "value": row["value"]})
        counts["settings"] += 1
    for kind in SELECTS:
        counts[TABLES[kind]] = 0
        for line in record_lines(conn, kind):
            _put(out, line)
            counts[TABLES[kind]] += 1
    counts["tombstones"] = 0
    for line in tombstones.lines(conn):
        _put(out, line)
        counts["tombstones"] += 1
    counts["history"] = 0
    for row in conn.execute(_HISTORY_SELECT):
        _put(out, history_line(row))
        counts["history"] += 1
    return counts


def _put(out: TextIO, line: dict[str, Any]) -> None:
    out.write(json.dumps(line, ensure_ascii=False) + "\n")


def record_lines(
    conn: sqlite3.Connection,
    kind: str,
    record_id: int | None = None,
    uuids: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The jsonl lines of one record type, oldest id first (or of one record, or
    of the records with these UUIDs)."""
    select, alias = SELECTS[kind]
    if record_id is not None:
        rows = conn.execute(f"{select} WHERE {alias}.id = ?", (record_id,))
    elif uuids is not None:
        rows = conn.execute(
            f"{select} WHERE {alias}.uuid IN (SELECT value FROM json_each(?))"
            f" ORDER BY {alias}.id",
            (json.dumps(uuids),),
        )
    else:
        order = "rowid" if kind == "fired" else "id"
        rows = conn.execute(f"{select} ORDER BY {alias}.{order}")
    for row in rows:
        line: dict[str, Any] = {"type": kind, **dict(row)}
        if kind in ("entry", "resident"):
            line["tags"] = json.loads(row["tags"])
        elif kind == "grid":
            line["aliases"] = [
                alias_row[0]
                for alias_row in conn.execute(
                    "SELECT alias FROM grid_aliases WHERE grid_id = ? ORDER BY rowid",
                    (row["id"],),
                )
            ]
        elif kind == "photo":
            line["data"] = _photo_data(conn, row)
        yield line


def _photo_data(conn: sqlite3.Connection, row: sqlite3.Row) -> str:
    """A kept photo's bytes as base64; a file gone from its folder stops the
    export, which would otherwise look complete without it."""
    from gridlog.storage import photos

    database = photos.database_of(conn)
    data = photos.load(database, row["sha256"])
    if data is None:
        entry = conn.execute(
            "SELECT entry_id FROM photos WHERE id = ?", (row["id"],)
        ).fetchone()[0]
        raise GridlogError(
            "photo.lost",
            name=row["name"],
            entry=entry,
            path=str(photos.path_of(database, row["sha256"])),
        )
    return base64.b64encode(data).decode("ascii")


def history_line(row: sqlite3.Row) -> dict[str, Any]:
    """A history row with the UUID of its record: the row's own when it names one
    (inserts and deletes carry the whole record, so deleted records resolve too),
    else the current record with that id."""
    before = None if row["before"] is None else json.loads(row["before"])
    after = None if row["after"] is None else json.loads(row["after"])
    record_uuid = None
    if row["table_name"] in _RECORD_TABLES:
        for values in (after, before):
            if isinstance(values, dict) and isinstance(values.get("uuid"), str):
                record_uuid = values["uuid"]
                break
        record_uuid = record_uuid or row["current_uuid"]
    return {
        "type": "history",
        "id": row["id"],
        "op": row["op"],
        "at": row["at"],
        "actor": row["actor"],
        "command": row["command"],
        "table": row["table_name"],
        "record_id": row["record_id"],
        "record_uuid": record_uuid,
        "action": row["action"],
        "before": before,
        "after": after,
        "undoes": row["undoes"],
    }
