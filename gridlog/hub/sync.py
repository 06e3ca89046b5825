"""`gridlog sync`: this device's changes to the hub, and the hub's changes (of the
grids this login may see) to this device, in one go.

A record travels as the line `gridlog export` writes for it, so a sync is a merge
with the hub standing in for the other device: the same rules decide between two
versions (the higher revision, then the later `updated_at`, then the text), and a
forget travels as its tombstone. Pushing, the hub keeps the version those rules
prefer; pulling, `transfer.merge_apply` applies what changed since the last pull
(the hub's `seq`), in one transaction that `undo` can take back.

What was sent is remembered per record (`hub_sent`: a digest of its line), so a
sync pushes only what changed since, and a second sync with nothing new moves
nothing. A sync that is interrupted leaves both sides consistent: each push is one
transaction on the hub, each pull one on this device, and the next sync does again
whatever did not finish. Not yet carried: deletions (as with `merge`, a deleted
record comes back from the hub) and the history of each record.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any, NamedTuple

from gridlog.context import Context
from gridlog.domain import tombstones
from gridlog.storage.db import transaction
from gridlog.storage.migrations import schema_version
from gridlog.transfer.export_jsonl import SELECTS, record_lines

# The hub's records of kinds without a UUID of their own get one made of their keys.
_FIRED = uuid.UUID("5b0c1e6e-7a53-4f0c-9a2c-6d1f1c0e8b11")

_UPSERT = """
INSERT INTO gridlog.records (kind, uuid, grid_uuid, revision, body)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (kind, uuid) DO UPDATE SET
    grid_uuid = excluded.grid_uuid, revision = excluded.revision,
    body = excluded.body, seq = nextval('gridlog.record_seq'),
    pushed_by = session_user, pushed_at = now()
WHERE (excluded.revision, coalesce(excluded.body->>'updated_at', ''),
       excluded.body::text)
    > (gridlog.records.revision, coalesce(gridlog.records.body->>'updated_at', ''),
       gridlog.records.body::text)
"""


class Moved(NamedTuple):
    pushed: int  # records this device sent that the hub took
    pulled: int  # records the hub sent that changed this device's log
    kept_here: int  # records of grids this login may not write: left on this device


class Outgoing(NamedTuple):
    kind: str
    uuid: str
    grid_uuid: str | None
    revision: int
    line: dict[str, Any]
    digest: str


def sync(conn: sqlite3.Connection, ctx: Context, hub: Any) -> Moved:
    """Push, then pull: what this device changed reaches the hub before the hub's
    changes are weighed against it here."""
    pushed, kept_here = push(conn, hub)
    return Moved(pushed, pull(conn, ctx, hub), kept_here)


def push(conn: sqlite3.Connection, hub: Any) -> tuple[int, int]:
    """Send the records changed since they were last sent; (taken, left here)."""
    sent = dict(conn.execute("SELECT kind || ' ' || uuid, digest FROM hub_sent"))
    changed = [
        record
        for record in outgoing(conn)
        if sent.get(f"{record.kind} {record.uuid}") != record.digest
    ]
    # Tombstones first: what the hub buries is found by the entries as they were.
    changed.sort(key=lambda record: record.kind != "tombstone")
    writable: dict[tuple[str, str | None], bool] = {}
    taken, left = 0, 0
    with hub.transaction():
        for record in changed:
            key = (_role_of(record.kind), record.grid_uuid)
            if key not in writable:
                writable[key] = hub.execute(
                    "SELECT gridlog.may_write(%s, %s)", [record.kind, record.grid_uuid]
                ).fetchone()[0]
            if not writable[key]:
                # The same as the hub's (a care rule every new log starts with, a
                # grid pulled from it): nothing to send, and nothing left behind.
                left += not _hub_has(hub, record)
                continue
            cursor = hub.execute(
                _UPSERT,
                [
                    record.kind,
                    record.uuid,
                    record.grid_uuid,
                    record.revision,
                    json.dumps(record.line, ensure_ascii=False),
                ],
            )
            taken += cursor.rowcount
            if record.kind == "tombstone":
                _bury(hub, record.uuid)
    # Remembered once the hub has committed: a push cut short is sent again.
    with transaction(conn):
        conn.executemany(
            "INSERT INTO hub_sent (kind, uuid, digest) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, uuid) DO UPDATE SET digest = excluded.digest",
            [
                (record.kind, record.uuid, record.digest)
                for record in changed
                if writable[(_role_of(record.kind), record.grid_uuid)]
            ],
        )
    return taken, left


def _bury(hub: Any, person: str) -> None:
    """What the hub holds of a forgotten resident and nobody's device will send
    again (deletions do not travel): their record, the reminders their care rules
    made, and the photos of entries about them. Their entries, scrubbed where they
    were forgotten, arrive as newer versions."""
    hub.execute(
        "DELETE FROM gridlog.records WHERE kind = 'photo' AND body->>'entry_uuid' IN"
        " (SELECT uuid::text FROM gridlog.records"
        "  WHERE kind = 'entry' AND body->>'resident_uuid' = %(person)s)"
        " OR (kind = 'fired' AND body->>'resident_uuid' = %(person)s)"
        " OR (kind = 'resident' AND uuid::text = %(person)s)",
        {"person": person},
    )


def _hub_has(hub: Any, record: Outgoing) -> bool:
    row = hub.execute(
        "SELECT body FROM gridlog.records WHERE kind = %s AND uuid = %s",
        [record.kind, record.uuid],
    ).fetchone()
    return row is not None and digest(row[0]) == record.digest


def pull(conn: sqlite3.Connection, ctx: Context, hub: Any) -> int:
    """Merge what the hub holds that changed since the last pull."""
    from gridlog.transfer.merge_apply import merge_lines

    since = conn.execute(
        "SELECT value FROM counters WHERE name = 'hub_pulled'"
    ).fetchone()[0]
    rows = hub.execute(
        "SELECT kind, uuid::text, body, seq FROM gridlog.records"
        " WHERE seq > %s ORDER BY seq",
        [since],
    ).fetchall()
    hub.rollback()
    if not rows:
        return 0
    header = {
        "type": "gridlog",
        "schema": schema_version(),
        "exported_at": ctx.now_utc,
        "record_counter": 0,
    }
    lines = [
        json.dumps(header),
        *(json.dumps(body, ensure_ascii=False) for *_, body, _ in rows),
    ]
    result = merge_lines(conn, ctx, lines, restore=False)
    with transaction(conn):
        conn.executemany(
            "INSERT INTO hub_sent (kind, uuid, digest) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, uuid) DO UPDATE SET digest = excluded.digest",
            [(kind, key, digest(body)) for kind, key, body, _ in rows],
        )
        conn.execute(
            "UPDATE counters SET value = ? WHERE name = 'hub_pulled'", (rows[-1][3],)
        )
    return sum(result.added.values()) + sum(result.updated.values())


def outgoing(conn: sqlite3.Connection) -> Iterator[Outgoing]:
    """Every record of this log as the hub keeps it: its line, and its grid."""
    grid_of: dict[str, str | None] = {}
    for kind in SELECTS:
        for line in record_lines(conn, kind):
            key, grid = _key_and_grid(kind, line, grid_of)
            grid_of[key] = grid
            yield Outgoing(
                kind, key, grid, line.get("revision") or 0, line, digest(line)
            )
    for line in tombstones.lines(conn):
        yield Outgoing("tombstone", line["uuid"], None, 0, line, digest(line))


def _key_and_grid(
    kind: str, line: dict[str, Any], grid_of: dict[str, str | None]
) -> tuple[str, str | None]:
    """A record's key on the hub, and the grid whose workers may see it."""
    if kind == "grid":
        return line["uuid"], line["uuid"]
    if kind == "rule":
        return line["uuid"], None
    if kind == "signoff":
        return line["uuid"], grid_of.get(line["followup_uuid"])
    if kind == "photo":
        return line["uuid"], grid_of.get(line["entry_uuid"])
    if kind == "fired":
        key = uuid.uuid5(_FIRED, f"{line['rule_uuid']} {line['resident_uuid']}")
        return str(key), grid_of.get(line["resident_uuid"])
    return line["uuid"], line["grid_uuid"]


def _role_of(kind: str) -> str:
    """Kinds the hub's rules treat alike, so that one answer serves them all."""
    return (
        kind if kind in ("grid", "building", "rule", "setting", "tombstone") else "log"
    )


def digest(line: dict[str, Any]) -> str:
    """What a record says, whatever id this device gave it."""
    said = {key: value for key, value in line.items() if key != "id"}
    text = json.dumps(said, ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()
