"""`gridlog merge`: bring another device's or another worker's jsonl export into
this log, so that two logs that went their own ways end up the same. The file's
lines are read and checked by `transfer.merge_read`; here they are applied.

Records are matched by UUID (settings by key; grids and buildings also by name,
which is unique, and then converge on the smaller UUID so that both sides agree).
A record that differs keeps its later version: the higher revision (each edit makes
a record's revision one more than the version it was made on, so an edit made after
seeing the other side's version always wins, whatever either clock says); between
equal revisions (edits made apart) the later `updated_at`, then the two versions'
text, so merging A into B and B into A gives the same records. A clock years ahead
can only decide between two edits made apart, never override a later one.

The losing version stays in the history: as the `before` of the update when this
side loses; as a pair of updates (to the other version and back) when this side
wins, which `undo` reverses like any other change (until a sync has sent or taken
its records: then the hub and other devices have them, and `undo` stops, as at a
sync; see `domain.revisions`). A losing version this log
has already had (an older copy of its own record, or a second merge of the same
file) is left alone, so merging twice changes nothing.

Ids: a new record keeps its id if this log never used it, else it takes the next one
from the shared counter. Everything happens in one transaction through
`history.writing`; a bad line stops it with its line number and nothing is stored.
Into a log that has never held a record, the file's history is restored as it was
(ids and ops shifted past any local ones), so the new log is a copy of the old one,
history and `undo` included; the merge adds no rows of its own then.

Deletions do not travel: a record deleted here comes back with the other side's
copy (and, its id having been used, under a new id). Forgetting does: the file's
tombstones are kept (`domain.tombstones`), a resident whose UUID is buried is
forgotten again within the merge, and what arrives is scrubbed of what the
tombstones mark, so that no merge from any device brings a forgotten person back.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from gridlog.context import Context
from gridlog.domain import photos, settings, tombstones
from gridlog.domain.privacy import BLOT, forget_resident
from gridlog.errors import GridlogError
from gridlog.storage import hub_tracking
from gridlog.storage import photos as photo_files
from gridlog.storage.bulk import indexed_in_bulk, indexes_rebuilt
from gridlog.storage.history import Changes, writing
from gridlog.storage.phone_keys import keyed
from gridlog.storage.wipe import owe_wipe, wipe_after_commit
from gridlog.transfer.export_jsonl import TABLES, record_lines
from gridlog.transfer.merge_read import (
    KINDS,
    OPTIONAL,
    OPTIONAL_DEFAULTS,
    REFERENCES,
    SHAPES,
    stage,
    staged,
    stamp,
    version,
)


@dataclass
class MergeResult:
    """What a merge did, per kind of record (setting, grid, building, entry,
    followup): added; updated to the other side's newer version; unchanged; kept
    here over a different version of the other side (which went into the history)."""

    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    kept: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    history_restored: int = 0
    forgotten: int = 0  # residents the file brought back, forgotten again
    scrubbed: int = 0  # records a tombstone's marks blotted something out of


def merge_lines(
    conn: sqlite3.Connection,
    ctx: Context,
    lines: Iterable[str | dict[str, Any]],
    *,
    restore: bool = True,
    from_hub: bool = False,
) -> MergeResult:
    """Merge the lines of a jsonl export (as text, or already read) into the log,
    in one transaction. `restore`: into a new log, take the file's history as it
    is (a sync, which carries records without history, writes its own instead).
    `from_hub`: the lines are the hub's own copies, which a push need not read
    again once stored as they are."""
    written: list[str] = []  # photo files this merge wrote, removed if it fails
    try:
        with _collector_paused(), writing(conn, ctx) as changes:
            changes.editing = False  # revisions come with the records
            # Entries point at their case and cases at their entry: check at COMMIT.
            conn.execute("PRAGMA defer_foreign_keys = ON")
            kept: dict[int, dict[str, Any]] | None = {} if from_hub else None
            counter = stage(conn, lines, kept)
            new_log = _never_held_records(conn)
            merger = _Merger(
                conn, changes, fresh=restore and new_log, in_bulk=new_log, kept=kept
            )
            merger.written = written
            merger.run(counter)
            conn.execute("DROP TABLE temp.merge_in")
            conn.execute("DROP TABLE temp.merge_ids")
    except BaseException:
        if written:
            photo_files.discard(photo_files.database_of(conn), written)
        raise
    if merger.result.forgotten:
        photos.sweep(conn)  # photos of the entries of whoever was forgotten again
    if merger.result.forgotten or merger.result.scrubbed:
        # As `resident forget` does: no old version of the rows left in free space.
        wipe_after_commit(conn)
    return merger.result


def _never_held_records(conn: sqlite3.Connection) -> bool:
    """A new log (settings aside): the file's history can then be restored whole."""
    return not conn.execute(
        "SELECT EXISTS (SELECT 1 FROM grids) OR EXISTS (SELECT 1 FROM entries)"
        " OR EXISTS (SELECT 1 FROM residents)"
        " OR EXISTS (SELECT 1 FROM history WHERE table_name IN"
        " ('grids', 'grid_aliases', 'buildings', 'entries', 'followups',"
        " 'residents', 'signoffs'))"
    ).fetchone()[0]


# --- writing ------------------------------------------------------------------------


class _Restoring:
    """Writes without history rows, for a new log whose history is the file's own."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        stored = keyed(table, row)
        columns = ", ".join(stored)
        marks = ", ".join("?" for _ in stored)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(stored.values())
        )
        return int(row.get("id", cursor.lastrowid))

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            stored = [keyed(table, row) for row in rows]
            columns = ", ".join(stored[0])
            marks = ", ".join("?" for _ in stored[0])
            self.conn.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                [list(row.values()) for row in stored],
            )

    def link_many(self, table: str, column: str, links: list[tuple[int, int]]) -> None:
        self.conn.executemany(
            f"UPDATE {table} SET {column} = ? WHERE id = ?",
            [(target, record_id) for record_id, target in links],
        )

    def update(self, table: str, record_id: int, changes: Mapping[str, Any]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?",
            [*changes.values(), record_id],
        )

    def put_setting(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)", (key, value)
        )


class _Merger:
    def __init__(
        self,
        conn: sqlite3.Connection,
        changes: Changes,
        *,
        fresh: bool,
        in_bulk: bool = False,
        kept: dict[int, dict[str, Any]] | None = None,
    ):
        self.conn = conn
        self.ctx = changes.ctx
        self.fresh = fresh
        self.writer: Changes | _Restoring = _Restoring(conn) if fresh else changes
        self.result = MergeResult()
        self.written: list[str] = []  # the photo files it wrote (see merge_lines)
        self.in_bulk = in_bulk  # a new log: entries indexed for search at the end
        # The lines `merge_read.stage` kept as read: the hub's own (see merge_lines).
        self.kept = kept
        self.from_hub = kept is not None
        # Pulled entries and follow-ups stored otherwise than the hub holds them.
        self.unlinked: dict[str, list[str]] = {"entry": [], "followup": []}
        # Incoming grid and building UUIDs → local ids (few: kept in memory).
        self.local: dict[str, dict[str, int]] = {
            kind: {}
            for kind in (
                *("grid", "building", "rule", "resident", "signoff"),
                *("entry", "followup"),  # the file's, once numbered
            )
        }
        # The file's entries and follow-ups: their local ids, and whether they
        # are records this log has (see `_number_items`).
        self.numbered: dict[str, tuple[int, int]] = {}

    def run(self, counter: int) -> None:
        self._settings()
        self._grids()
        self._buildings()
        self._records("rule")
        self._records("resident")
        self._number_items(counter)
        with self._entries_in_bulk():
            for kind in ("entry", "followup"):
                self._items(kind)
            self._link_cases()
        self._records("signoff")
        self._fired()
        self._photos()
        if self.fresh:
            self._restore_history()
        self._tombstones()

    @contextlib.contextmanager
    def _entries_in_bulk(self) -> Iterator[None]:
        """Into a new log (a new device's first pull: a grid's years at once),
        entries and follow-ups go in as a bulk load does (`storage.bulk`): indexed
        for search and summed for the report once at the end, before anything
        (a tombstone's blotting) updates them, their other indexes built once
        too. Pulled from the hub, they are stored as the hub holds them, and not
        noted for the next push."""
        if not self.in_bulk:
            yield
            return
        quiet = hub_tracking.paused if self.from_hub else _unchanged
        with (
            quiet(self.conn),  # outermost: the bulk load notes nothing at its end
            indexed_in_bulk(self.conn) as written,
            indexes_rebuilt(self.conn),
        ):
            yield
            first, last = self.conn.execute(
                "SELECT min(id), max(id) FROM merge_ids"
            ).fetchone()
            if first is not None:
                written.add(range(first, last + 1))
        for kind, uuids in self.unlinked.items():
            hub_tracking.note(self.conn, kind, uuids)

    def _staged(self, kind: str) -> Iterable[tuple[int, dict]]:
        return staged(self.conn, kind, self.kept)

    def _count(self, outcome: str, kind: str) -> None:
        getattr(self.result, outcome)[kind] += 1

    # settings ---------------------------------------------------------------------

    def _settings(self) -> None:
        """A setting this log lacks is taken; one it has stays as it is (a worker's
        name and language belong to the device)."""
        for _line, record in self._staged("setting"):
            if settings.get(self.conn, record["key"]) is None:
                self.writer.put_setting(record["key"], record["value"])
                self._count("added", "setting")
            else:
                self._count("unchanged", "setting")

    # grids and buildings ------------------------------------------------------------

    def _grids(self) -> None:
        for line, record in self._staged("grid"):
            outcome, grid_id = self._place("grid", record, line)
            if self._add_aliases(grid_id, record["aliases"]) and outcome == "unchanged":
                outcome = "updated"
            self._count(outcome, "grid")

    def _buildings(self) -> None:
        for line, record in self._staged("building"):
            self._count(self._place("building", record, line)[0], "building")

    def _place(self, kind: str, record: dict[str, Any], line: int) -> tuple[str, int]:
        """Add a grid or building, or reconcile it with the local one that has its
        UUID, else its name (names are unique). Two with the same name converge on
        the smaller UUID, so that both sides end up agreeing."""
        table = TABLES[kind]
        row = self.conn.execute(
            f"SELECT id, uuid FROM {table} WHERE uuid = ?1"
            f" UNION ALL SELECT id, uuid FROM {table} WHERE name = ?2 LIMIT 1",
            (record["uuid"], record["name"]),
        ).fetchone()
        if row is None:
            return "added", self._insert(kind, record, line)
        local_id = int(row["id"])
        self.local[kind][record["uuid"]] = local_id
        outcome = self._reconcile(kind, local_id, record, line)
        if record["uuid"] < row["uuid"]:
            self.writer.update(table, local_id, {"uuid": record["uuid"]})
            outcome = "updated" if outcome == "unchanged" else outcome
        return outcome, local_id

    def _add_aliases(self, grid_id: int, aliases: list[str]) -> int:
        """Aliases are merged as a set; one another grid already answers to is
        skipped, since a name must find one grid."""
        added = 0
        for alias in aliases:
            taken = self.conn.execute(
                "SELECT 1 FROM grids WHERE name = ?1"
                " UNION ALL SELECT 1 FROM grid_aliases WHERE alias = ?1",
                (alias,),
            ).fetchone()
            if taken is None:
                self.writer.insert("grid_aliases", {"alias": alias, "grid_id": grid_id})
                added += 1
        return added

    # rules, residents and sign-offs ---------------------------------------------------

    def _records(self, kind: str) -> None:
        """Records matched by UUID alone (a resident's name is not unique), except
        care rules, which every new log seeds with the same defaults under new
        UUIDs: the same age and text is the same rule, converging on one UUID."""
        table = TABLES[kind]
        for line, record in self._staged(kind):
            row = self.conn.execute(
                f"SELECT id, uuid FROM {table} WHERE uuid = ?", (record["uuid"],)
            ).fetchone()
            if row is None and kind == "rule":
                row = self.conn.execute(
                    "SELECT id, uuid FROM care_rules WHERE age = ? AND text = ?",
                    (record["age"], record["text"]),
                ).fetchone()
            if row is None:
                self._insert(kind, record, line)
                self._count("added", kind)
                continue
            local_id = int(row["id"])
            self.local[kind][record["uuid"]] = local_id
            outcome = self._reconcile(kind, local_id, record, line)
            if record["uuid"] < row["uuid"]:
                self.writer.update(table, local_id, {"uuid": record["uuid"]})
                outcome = "updated" if outcome == "unchanged" else outcome
            self._count(outcome, kind)

    def _fired(self) -> None:
        """Which rules have made their reminder for whom: merged as a set, so a rule
        never fires twice for a person on either side."""
        for line, record in self._staged("fired"):
            values = self._columns("fired", record, line)
            if values["resident_id"] is None:
                continue  # for someone forgotten
            exists = self.conn.execute(
                "SELECT 1 FROM care_rule_fired WHERE rule_id = ? AND resident_id = ?",
                (values["rule_id"], values["resident_id"]),
            ).fetchone()
            if exists is None:
                self.writer.insert("care_rule_fired", values)
            self._count("unchanged" if exists else "added", "fired")

    # entries and follow-ups ----------------------------------------------------------

    def _number_items(self, counter: int) -> None:
        """Give every incoming entry and follow-up its local id before any is
        written, since they point at each other: the existing record's, else the
        incoming id if this log never used it, else the next from the counter."""
        self.conn.execute(
            "CREATE TEMP TABLE merge_ids (uuid TEXT PRIMARY KEY, id INTEGER UNIQUE,"
            " kind TEXT NOT NULL, existing INTEGER NOT NULL)"
        )
        if self.in_bulk:
            self._number_new()
        else:
            self._number_each()
        top = self.conn.execute(
            "SELECT max((SELECT value FROM counters WHERE name = 'record'),"
            " coalesce((SELECT max(id) FROM merge_ids), 0), ?)",
            (counter if self.fresh else 0,),
        ).fetchone()[0]
        self.conn.execute(
            "UPDATE merge_ids SET id = ?1 + fresh.n FROM (SELECT rowid AS r,"
            " row_number() OVER (ORDER BY rowid) AS n FROM merge_ids"
            " WHERE id IS NULL) AS fresh WHERE merge_ids.rowid = fresh.r",
            (top,),
        )
        self.conn.execute(
            "UPDATE counters SET value = max(?, coalesce((SELECT max(id)"
            " FROM merge_ids), 0)) WHERE name = 'record'",
            (top,),
        )
        for uuid, local_id, kind, existing in self.conn.execute(
            "SELECT uuid, id, kind, existing FROM merge_ids"
        ):
            self.local[kind][uuid] = local_id
            self.numbered[uuid] = (local_id, existing)

    def _number_new(self) -> None:
        """Into a new log no id is used yet: each keeps its own, but for the
        second of two records that came with the same one."""
        self.conn.execute(
            "INSERT INTO merge_ids (uuid, id, kind, existing)"
            " SELECT key, CASE WHEN row_number() OVER (PARTITION BY wanted"
            " ORDER BY line) = 1 THEN wanted END, type, 0 FROM (SELECT line, key,"
            " type, id AS wanted FROM merge_in"
            " WHERE type IN ('entry', 'followup')) ORDER BY line"
        )

    def _number_each(self) -> None:
        rows = self.conn.execute(
            "SELECT type, key, id FROM merge_in"
            " WHERE type IN ('entry', 'followup') ORDER BY line"
        )
        for kind, uuid, wanted in rows:
            existing = self.conn.execute(
                f"SELECT id FROM {TABLES[kind]} WHERE uuid = ?", (uuid,)
            ).fetchone()
            if existing is not None:
                local_id, is_existing = existing[0], 1
            else:
                local_id, is_existing = (wanted if self._free(wanted) else None), 0
            self.conn.execute(
                "INSERT INTO merge_ids (uuid, id, kind, existing) VALUES (?, ?, ?, ?)",
                (uuid, local_id, kind, is_existing),
            )

    def _free(self, record_id: int) -> bool:
        """Never used here: no record has it and no history names it."""
        return not self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM entries WHERE id = ?1)"
            " OR EXISTS (SELECT 1 FROM followups WHERE id = ?1)"
            " OR EXISTS (SELECT 1 FROM history WHERE table_name IN"
            " ('entries', 'followups') AND record_id = ?1)"
            " OR EXISTS (SELECT 1 FROM merge_ids WHERE id = ?1)",
            (record_id,),
        ).fetchone()[0]

    def _items(self, kind: str) -> None:
        new: list[dict[str, Any]] = []  # written a batch at a time
        for line, record in self._staged(kind):
            local_id, existing = self.numbered[record["uuid"]]
            if existing:
                self._count(self._reconcile(kind, local_id, record, line), kind)
                continue
            values = {"id": local_id, **self._columns(kind, record, line)}
            if kind == "entry" and values["case_id"] is not None:
                # A case this merge adds is linked once it exists (_link_cases),
                # as `add` does, so that `undo` can take both away again.
                values["case_id"] = (
                    None if self._is_new(record["case_uuid"]) else (values["case_id"])
                )
            new.append(values)
            self._count("added", kind)
            if len(new) == _BATCH:
                self.writer.insert_many(TABLES[kind], new)
                new = []
        self.writer.insert_many(TABLES[kind], new)

    def _is_new(self, uuid: str) -> bool:
        numbered = self.numbered.get(uuid)
        return numbered is not None and not numbered[1]

    def _link_cases(self) -> None:
        """New entries on a case this merge added: point them at it, now it exists."""
        rows = self.conn.execute(
            "SELECT e.id, c.id FROM merge_in m JOIN merge_ids e ON e.uuid = m.key"
            " JOIN merge_ids c ON c.uuid = m.case_uuid"
            " WHERE m.type = 'entry' AND NOT e.existing AND NOT c.existing"
            " ORDER BY m.line"
        ).fetchall()
        self.writer.link_many("entries", "case_id", rows)

    # one record -------------------------------------------------------------------

    def _insert(self, kind: str, record: dict, line: int) -> int:
        """A new grid or building, under its own id if that is free here."""
        table = TABLES[kind]
        values = self._columns(kind, record, line)
        taken = self.conn.execute(
            f"SELECT 1 FROM {table} WHERE id = ?", (record["id"],)
        ).fetchone()
        if taken is None:
            values = {"id": record["id"], **values}
        local_id = self.writer.insert(table, values)
        self.local[kind][record["uuid"]] = local_id
        return local_id

    def _reconcile(self, kind: str, local_id: int, record: dict, line: int) -> str:
        """The later version wins (see the module); the other one is kept in the
        history. Returns the outcome: unchanged, updated (to theirs) or kept (ours)."""
        table = TABLES[kind]
        wanted = self._columns(kind, record, line)
        wanted.pop("uuid")
        current = dict(
            self.conn.execute(
                f"SELECT * FROM {table} WHERE id = ?", (local_id,)
            ).fetchone()
        )
        to_theirs = {c: v for c, v in wanted.items() if current[c] != v}
        if not to_theirs:
            return "unchanged"
        [ours] = record_lines(self.conn, kind, local_id)
        if _order(record) > _order(ours):
            self.writer.update(table, local_id, to_theirs)
            return "updated"
        if self._seen(table, local_id, stamp(record)):
            return "unchanged"
        self.writer.update(table, local_id, to_theirs)
        self.writer.update(table, local_id, {c: current[c] for c in to_theirs})
        return "kept"

    def _seen(self, table: str, record_id: int, stamp: str) -> bool:
        """Has this log had a version of the record from that moment (its own older
        copy, or the same losing version merged before)? Buildings, which are never
        edited, are dated by their creation."""
        return bool(
            self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM history WHERE table_name = ?1"
                " AND record_id = ?2 AND (json_extract(after, '$.updated_at') = ?3"
                " OR json_extract(before, '$.updated_at') = ?3"
                " OR json_extract(after, '$.created_at') = ?3))",
                (table, record_id, stamp),
            ).fetchone()[0]
        )

    def _columns(self, kind: str, record: dict, line: int) -> dict[str, Any]:
        """The record as this log's columns, its references resolved to local ids."""
        values: dict[str, Any] = {}
        unlinked = False
        for name in SHAPES[kind]:
            value = record[name]
            if name in ("id", "aliases"):
                continue
            if name in REFERENCES:
                column, target = REFERENCES[name]
                values[column] = None if value is None else self._find(target, value)
                if value is not None and values[column] is None:
                    if target == "resident" and self._buried(value):
                        unlinked = True  # a sync brings no more of them than this
                        continue
                    raise GridlogError(
                        "merge.unknown_reference", line=line, field=name, uuid=value
                    )
            elif name == "kind" and kind == "followup":
                values["type"] = value
            elif name == "tags":
                values["tags"] = json.dumps(value, ensure_ascii=False)
            else:
                values[name] = value
        for name in OPTIONAL.get(kind, {}):
            values[name] = record.get(name)
            if values[name] is None:
                values[name] = OPTIONAL_DEFAULTS.get(name)
        if unlinked:  # as `forget` leaves the entries about them
            values.update({c: None for c in ("resident", "phone") if c in values})
            self.unlinked.get(kind, []).append(record["uuid"])
        return values

    def _buried(self, uuid: str) -> bool:
        """A forgotten resident's UUID: a tombstone here, or in what arrives."""
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM tombstones WHERE uuid = ?1)"
            " OR EXISTS (SELECT 1 FROM merge_in WHERE type = 'tombstone' AND key = ?1)",
            (uuid,),
        ).fetchone()[0]

    def _find(self, kind: str, uuid: str) -> int | None:
        # The file's entries and follow-ups are kept by kind (see _number_items):
        # they share ids, and a UUID of the wrong kind is unknown.
        if uuid in self.local.get(kind, ()):
            return self.local[kind][uuid]
        row = self.conn.execute(
            f"SELECT id FROM {TABLES[kind]} WHERE uuid = ?", (uuid,)
        ).fetchone()
        return None if row is None else int(row[0])

    # photos -----------------------------------------------------------------------

    def _photos(self) -> None:
        """Photos are never edited: one this log has (by UUID, or the same photo on
        the same entry) stays as it is; a new one is kept, its file written. The
        bytes were checked against their size and SHA-256 when the line was read."""
        database = None
        for line, record in self._staged("photo"):
            if database is None:
                photos.refuse_if_encrypted(self.conn)
                database = photo_files.database_of(self.conn)
            if self._has_photo(record):
                self._count("unchanged", "photo")
                continue
            entry_id = self._find("entry", record["entry_uuid"])
            if entry_id is None:
                raise GridlogError(
                    "merge.unknown_reference",
                    line=line,
                    field="entry_uuid",
                    uuid=record["entry_uuid"],
                )
            if photos.has_photo(self.conn, entry_id, record["sha256"]):
                self._count("unchanged", "photo")
                continue
            data = base64.b64decode(record["data"])
            incoming = photo_files.Incoming(record["name"], data, record["sha256"])
            if photo_files.keep(database, incoming):
                self.written.append(record["sha256"])
            values = {
                "uuid": record["uuid"],
                "entry_id": entry_id,
                "sha256": record["sha256"],
                "name": record["name"],
                "size": record["size"],
                "added_at": record["added_at"],
            }
            if self.fresh and not self._photo_id_taken(record["id"]):
                values = {"id": record["id"], **values}
            self.writer.insert("photos", values)
            self._count("added", "photo")

    def _has_photo(self, record: dict) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM photos WHERE uuid = ?", (record["uuid"],)
            ).fetchone()
            is not None
        )

    def _photo_id_taken(self, photo_id: int) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM photos WHERE id = ?", (photo_id,)
            ).fetchone()
            is not None
        )

    # tombstones -------------------------------------------------------------------

    def _tombstones(self) -> None:
        """Keep the file's tombstones; forget again whoever the file brought back
        (or a new tombstone buries here), with this log's own forget; blot what
        the tombstones mark out of what arrived (out of everything, when a
        tombstone is new here, since this log's own texts may name the person)."""
        new = False
        for _line, record in self._staged("tombstone"):
            added = tombstones.receive(self.conn, record)
            self._count("added" if added else "unchanged", "tombstone")
            new = new or added
        for resident_id in tombstones.buried_residents(self.conn):
            forget_resident(self.conn, self.ctx, resident_id, merging=True)
            self.result.forgotten += 1
        only = None if new else self._arrived()
        marks = tombstones.marks(self.conn)
        self.result.scrubbed = tombstones.scrub(self.conn, marks, BLOT, only)
        if self.result.scrubbed:
            owe_wipe(self.conn)

    def _arrived(self) -> dict[str, set[int]]:
        """The local ids of the entries, follow-ups and sign-offs in the file."""
        arrived: dict[str, set[int]] = {}
        for kind in ("entry", "followup", "signoff"):
            table = TABLES[kind]
            arrived[table] = {
                row[0]
                for row in self.conn.execute(
                    f"SELECT t.id FROM {table} t JOIN merge_in m"
                    " ON m.key = t.uuid AND m.type = ?",
                    (kind,),
                )
            }
        return arrived

    # history ----------------------------------------------------------------------

    def _restore_history(self) -> None:
        """The file's history, row for row, after whatever this log already had
        (its settings); records' ids as they are here."""
        ids, ops = self.conn.execute(
            "SELECT coalesce(max(id), 0), coalesce(max(op), 0) FROM history"
        ).fetchone()
        for _line, row in self._staged("history"):
            record_id = row["record_id"]
            kind = _KIND_OF.get(row["table"])
            if kind and row["record_uuid"]:
                record_id = self._find(kind, row["record_uuid"]) or record_id
            self.conn.execute(
                "INSERT INTO history (id, op, at, actor, command, table_name,"
                " record_id, action, before, after, undoes)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row["id"] + ids,
                    row["op"] + ops,
                    row["at"],
                    row["actor"],
                    row["command"],
                    row["table"],
                    record_id,
                    row["action"],
                    _dump(row["before"]),
                    _dump(row["after"]),
                    None if row["undoes"] is None else row["undoes"] + ops,
                ),
            )
            self.result.history_restored += 1


_KIND_OF = {table: kind for kind, table in TABLES.items()}
_BATCH = 5_000  # new entries or follow-ups written in one statement


@contextlib.contextmanager
def _unchanged(_conn: sqlite3.Connection) -> Iterator[None]:
    yield


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A merge holds its lines (a new device's first pull: a grid's years) and
    makes no cycles: the cycle collector would only pass over them again and
    again as they pile up (about 5% of a first pull)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _order(line: Mapping[str, Any]) -> tuple[int, str, str]:
    """Which of two versions of a record is the later: revision, then clock, then
    content; the same answer on every device."""
    return (line.get("revision", 0), stamp(line), version(line))


def _dump(values: dict | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False)
