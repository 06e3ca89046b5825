"""Deletions through the hub: a record deleted on one device (`delete`, or `undo` of
the command that added it) is deleted on every device, unless someone still needs
it.

On the hub a deletion is a marker: the record's row keeps its kind and UUID, and
its body says `deleted` (with the revision after the one deleted), so it travels by
`seq` like any change. The rule that keeps every device the same and loses nothing:

- A device's deletion wins over the version it deleted, and only over that one: if
  the hub holds a version the device had not seen (an edit made elsewhere), or a
  record the hub still holds points at it (a visit on the case), the deletion is
  refused and the record comes back to the device that deleted it.
- A record pushed over a marker comes back everywhere: an edit made before its
  device heard of the deletion, an `undo` of the delete, or a record a new one
  points at (a visit made on a case that was deleted meanwhile). Its revision
  then goes past the marker's, so that every device's merge takes it.

Forgetting is not a deletion: a tombstone carries it (`hub.sync._bury`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from gridlog.hub.digests import digest
from gridlog.storage.history import writing
from gridlog.transfer.export_jsonl import TABLES

# What a device deletes of a log; each before what it points at.
KINDS = ("signoff", "photo", "followup", "entry", "resident")
# In `hub_sent`: this device has sent (or taken) the record's deletion.
DELETED = "deleted"
# The fields by which a record points at another (any kind that has that UUID).
REFERENCES = ("case_uuid", "entry_uuid", "followup_uuid", "resident_uuid")

_IS_MARKER = "body ? 'deleted'"
_MARKER = """
UPDATE gridlog.records SET
    body = jsonb_build_object('uuid', uuid, 'deleted', true,
                              'updated_at', %(now)s::text),
    stamp = %(now)s, rank = NULL, digest = NULL,
    revision = revision + 1, seq = nextval('gridlog.record_seq'),
    pushed_by = session_user, pushed_at = now()
WHERE kind = %(kind)s AND uuid = %(uuid)s
"""
# Any record still pointing at it refuses a deletion. Which of the records going
# are pointed at is asked once per grid, among the grid's own records, which the
# grid index finds (`IS NOT DISTINCT FROM` cannot use an index: at a street's
# millions of records it read them all, seconds for each deletion).
_POINTED_AT = f"""
SELECT DISTINCT ref FROM gridlog.records r, LATERAL (VALUES
    {", ".join(f"(r.body->>'{field}')" for field in REFERENCES)}) AS v(ref)
WHERE {{grid}} AND NOT r.{_IS_MARKER}
  AND r.uuid::text <> ALL(%(going)s) AND v.ref = ANY(%(mine)s)
"""
# A refused deletion: the record is announced again, so the device that deleted it
# pulls it back.
_ANNOUNCE = """
UPDATE gridlog.records SET seq = nextval('gridlog.record_seq')
WHERE kind = %(kind)s AND uuid = %(uuid)s
"""


def gone(
    sent: dict[str, str], present: set[str], buried: set[str]
) -> list[tuple[str, str]]:
    """Records this device sent or took from the hub and no longer has: deleted
    here since (forgotten residents aside), in the order they can go."""
    found = []
    for key, said in sent.items():
        kind, uuid = key.split(" ", 1)
        forgotten = kind == "resident" and uuid in buried
        if kind in KINDS and said != DELETED and key not in present and not forgotten:
            found.append((kind, uuid))
    return sorted(found, key=lambda record: KINDS.index(record[0]))


def send(
    hub: Any, deleted: Iterable[tuple[str, str]], sent: dict[str, str], now: str
) -> list[tuple[str, str]]:
    """Mark on the hub what this device deleted, where the rule allows; returns
    the deletions the hub took (the others come back at the pull)."""
    taken, wanted = [], {}
    for kind, uuid in deleted:
        row = hub.execute(
            "SELECT body, grid_uuid FROM gridlog.records"
            " WHERE kind = %s AND uuid = %s FOR UPDATE",
            [kind, uuid],
        ).fetchone()
        if row is None or row[0].get("deleted"):
            # Never reached the hub, a forget buried it there, or gone already.
            taken.append((kind, uuid))
        elif digest(row[0]) == sent[f"{kind} {uuid}"]:
            wanted[(kind, uuid)] = row[1]
        else:  # an edit this device had not seen
            hub.execute(_ANNOUNCE, {"kind": kind, "uuid": uuid})
    for kind, uuid in _unneeded(hub, wanted):
        hub.execute(_MARKER, {"kind": kind, "uuid": uuid, "now": now})
        taken.append((kind, uuid))
    return taken


def _unneeded(hub: Any, wanted: dict[tuple[str, str], Any]) -> dict:
    """Of the records to delete, those no record left on the hub points at: one
    that something else still points at stays, and so does what it points at."""
    wanted = dict(wanted)
    while True:
        going = [uuid for _, uuid in wanted]
        needed = []
        for grid in set(wanted.values()):
            mine = {key: key[1] for key, theirs in wanted.items() if theirs == grid}
            where = "r.grid_uuid IS NULL" if grid is None else "r.grid_uuid = %(grid)s"
            pointed_at = {
                ref
                for (ref,) in hub.execute(
                    _POINTED_AT.format(grid=where),
                    {"grid": grid, "going": going, "mine": list(mine.values())},
                )
            }
            needed += [key for key, uuid in mine.items() if uuid in pointed_at]
        if not needed:
            return wanted
        for kind, uuid in needed:
            del wanted[(kind, uuid)]
            hub.execute(_ANNOUNCE, {"kind": kind, "uuid": uuid})


def markers_over(hub: Any, uuids: list[str]) -> dict[tuple[str, str], int]:
    """Of these records, those the hub holds as deleted, with the marker's revision."""
    if not uuids:
        return {}
    rows = hub.execute(
        f"SELECT kind, uuid::text, revision FROM gridlog.records"
        f" WHERE uuid = ANY(%s::uuid[]) AND {_IS_MARKER}",
        [uuids],
    )
    return {(kind, uuid): revision for kind, uuid, revision in rows}


def referenced(lines: Iterable[dict[str, Any]]) -> list[str]:
    """The UUIDs these records point at."""
    return sorted(
        {line[field] for line in lines for field in REFERENCES if line.get(field)}
    )


def bring_back(conn: sqlite3.Connection, kind: str, uuid: str, revision: int) -> None:
    """Give this device's copy of a record the hub holds as deleted the revision
    that takes it past the marker, so that its later edits keep winning too."""
    table = TABLES[kind]
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    if "revision" in columns:
        conn.execute(
            f"UPDATE {table} SET revision = ? WHERE uuid = ?", (revision, uuid)
        )


def apply(conn: sqlite3.Connection, ctx: Any, markers: list[tuple[str, str]]) -> int:
    """Delete here what the hub holds as deleted, in one command of the history
    (a `sync`, which `undo` refuses: undone, the records would go back to the hub
    over the deletion); a record something here still points at stays (and goes
    back to the hub at the next push). Returns how many records went."""
    with writing(conn, ctx) as changes:
        local = _local_ids(conn, markers)
        _unlink_own_cases(conn, changes, local)
        left, went = list(local), 0
        while left:  # again while a pass deletes something another pointed at
            kept = []
            for table, rowid in left:
                conn.execute("SAVEPOINT hub_delete")
                try:
                    changes.delete(table, rowid)
                except sqlite3.IntegrityError:
                    conn.execute("ROLLBACK TO hub_delete")
                    kept.append((table, rowid))
                conn.execute("RELEASE hub_delete")
            if len(kept) == len(left):
                break
            went += len(left) - len(kept)
            left = kept
    return went


def _local_ids(
    conn: sqlite3.Connection, markers: list[tuple[str, str]]
) -> list[tuple[str, int]]:
    """The records here the markers name, as (table, rowid), in the order they go."""
    found = []
    for kind, uuid in sorted(markers, key=lambda record: KINDS.index(record[0])):
        table = TABLES[kind]
        row = conn.execute(
            f"SELECT rowid FROM {table} WHERE uuid = ?", (uuid,)
        ).fetchone()
        if row is not None:
            found.append((table, row[0]))
    return found


def _unlink_own_cases(
    conn: sqlite3.Connection, changes: Any, local: list[tuple[str, int]]
) -> None:
    """An entry and the case it opened point at each other; as `delete` does, the
    entry lets go of its case first."""
    followups = {rowid for table, rowid in local if table == "followups"}
    for table, rowid in local:
        if table != "entries":
            continue
        case = conn.execute(
            "SELECT case_id FROM entries WHERE id = ?", (rowid,)
        ).fetchone()[0]
        if case in followups:
            changes.update("entries", rowid, {"case_id": None})


def marker_keys(rows: Iterable[tuple[str, str, dict[str, Any], int]]) -> list:
    """The (kind, uuid) of the pulled rows that are deletions."""
    return [(kind, uuid) for kind, uuid, body, _ in rows if body.get("deleted")]
