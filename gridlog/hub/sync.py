"""`gridlog sync`: this device's changes to the hub, and the hub's changes (of the
grids this login may see) to this device, in one go.

A record travels as the line `gridlog export` writes for it, so a sync is a merge
with the hub standing in for the other device: the same rules decide between two
versions (the higher revision, then the later `updated_at`, then the text), and a
forget travels as its tombstone. Pushing, the hub keeps the version those rules
prefer; pulling, `transfer.merge_apply` applies what changed since the last pull
(the hub's `seq`), in one transaction kept in the history as a `sync`. `undo`
refuses that command (`domain.revisions`): what it brought is other devices' work,
and undone here its deletion or older version would reach the hub at the next sync.

What was sent is remembered per record (`hub_sent`: a digest of its line), so a
sync pushes only what changed since, and a second sync with nothing new moves
nothing. A sync that is interrupted leaves both sides consistent: each push is one
transaction on the hub, each pull one on this device, and the next sync does again
whatever did not finish. Pushes take turns on the hub (one lock), so the `seq`s
become visible in order and a pull by `seq` never passes one over; a grid granted
to the login later is pulled whole. Deletions travel as markers, by the rule in
`hub.deletions`. What travels is each record's latest version: the version that
loses stays in the history of the device that held it, as with `merge`, and in
the hub's own history (`gridlog.history`: the hub fills it itself, whoever
pushed), where a forget reaches it as it reaches the records.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any, NamedTuple

from gridlog.context import Context
from gridlog.domain import tombstones
from gridlog.hub import deletions
from gridlog.hub.digests import digest
from gridlog.storage.db import transaction
from gridlog.storage.history import writing
from gridlog.storage.migrations import schema_version
from gridlog.transfer.export_jsonl import SELECTS, record_lines
from gridlog.transfer.merge_read import stamp, version

# The hub's records of kinds without a UUID of their own get one made of their keys.
_FIRED = uuid.UUID("5b0c1e6e-7a53-4f0c-9a2c-6d1f1c0e8b11")

_PUSH_LOCK = 0x67726964  # "grid": the hub's one lock on pushes
ALL_GRIDS = "*"  # in `hub_grids`: this login is an office's, and sees every grid

_UPSERT = """
INSERT INTO gridlog.records
    (kind, uuid, grid_uuid, revision, body, stamp, rank, digest)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (kind, uuid) DO UPDATE SET
    grid_uuid = excluded.grid_uuid, revision = excluded.revision,
    body = excluded.body, stamp = excluded.stamp, rank = excluded.rank,
    digest = excluded.digest,
    seq = nextval('gridlog.record_seq'),
    pushed_by = session_user, pushed_at = now()
WHERE CASE WHEN excluded.kind = 'tombstone'
    -- One person forgotten on two devices: the smaller key, as every log keeps.
    THEN excluded.body->>'key' < gridlog.records.body->>'key' COLLATE "C"
    -- As `merge` orders them, except that between two copies of one edit the one
    -- scrubbed of more forgotten people wins.
    WHEN (excluded.revision, coalesce(excluded.stamp, ''),
          gridlog.scrubbed(excluded.body), coalesce(excluded.rank, ''))
       > (gridlog.records.revision, coalesce(gridlog.records.stamp, ''),
          gridlog.scrubbed(gridlog.records.body), coalesce(gridlog.records.rank, ''))
    THEN true
    -- The version that loses stays in the hub's history (false: the hub keeps its own).
    ELSE gridlog.keep_refused(excluded.kind, excluded.uuid, excluded.grid_uuid,
        excluded.revision, excluded.body, excluded.stamp, excluded.rank,
        gridlog.records.revision, gridlog.records.body, gridlog.records.stamp,
        gridlog.records.rank)
    END
"""


# What a pull reads: what changed since the last one, and the grids granted since.
# A worker's login asks by its grids, which their index finds among a street's
# millions of records (row-level security would otherwise look at every one);
# what no grid holds (tombstones, care rules) is found on the same index.
_PULLED = """
SELECT kind, uuid::text, body::text, seq, digest FROM gridlog.records
WHERE (grid_uuid = ANY(%(visible)s::uuid[]) AND seq > %(since)s)
   OR (grid_uuid IS NULL AND seq > %(since)s)
   OR grid_uuid = ANY(%(granted)s::uuid[])
ORDER BY seq
"""
_PULLED_FOR_ALL = """
SELECT kind, uuid::text, body::text, seq, digest FROM gridlog.records
WHERE seq > %(since)s OR grid_uuid = ANY(%(granted)s::uuid[]) ORDER BY seq
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
    pushed, kept_here = push(conn, ctx, hub)
    return Moved(pushed, pull(conn, ctx, hub), kept_here)


class _Named(Exception):
    """Grids this device would push under a UUID of its own that the hub already
    holds, by their name, under another: take the hub's UUID first (see `push`)."""

    def __init__(self, uuids: dict[str, str]) -> None:
        self.uuids = uuids  # this device's UUID → the hub's


class _Unheard(Exception):
    """The hub buried someone this device has not heard of: forget them here
    before pushing anything (see `push`)."""

    def __init__(self, lines: list[dict[str, Any]]) -> None:
        self.lines = lines


def push(conn: sqlite3.Connection, ctx: Context, hub: Any) -> tuple[int, int]:
    """Send the records changed since they were last sent, and the deletions made
    since; (taken, left here). The hub's tombstones come first: a device never
    pushes what it holds of someone the hub has buried, so nobody forgotten comes
    back from a device that synced late. A grid the hub already has by its name
    (two office devices that each added it before syncing) is the hub's: this
    device takes the hub's UUID for it before it pushes, so that the hub never
    holds the same grid twice nor the same grid's records under two UUIDs."""
    heard = False
    while True:
        try:
            return _push(conn, hub, ctx.now_utc, heard)
        except _Unheard as unheard:
            _take(conn, ctx, unheard.lines)
            heard = True
        except _Named as named:
            _adopt(conn, ctx, named.uuids)


def _take(conn: sqlite3.Connection, ctx: Context, lines: list[dict[str, Any]]):
    """Merge these records of the hub, as a pull does."""
    from gridlog.transfer.merge_apply import merge_lines

    header = {
        "type": "gridlog",
        "schema": schema_version(),
        "exported_at": ctx.now_utc,
        "record_counter": 0,
    }
    # Copies: staging fills in defaults, and `pull` digests the lines as they came.
    copies = [dict(line) for line in lines]
    return merge_lines(conn, ctx, [header, *copies], restore=False, from_hub=True)


def _unheard(conn: sqlite3.Connection, hub: Any) -> list[dict[str, Any]]:
    """The hub's tombstones this device does not have (few: one per forget)."""
    known = {uuid for (uuid,) in conn.execute("SELECT uuid FROM tombstones")}
    rows = hub.execute(
        "SELECT uuid::text, body FROM gridlog.records WHERE kind = 'tombstone'"
    )
    return [body for uuid, body in rows if uuid not in known]


def _push(
    conn: sqlite3.Connection, hub: Any, now: str, heard: bool = False
) -> tuple[int, int]:
    mark, only = _changed_since_last_push(conn)
    sent = _sent(conn, only)
    everything = {
        f"{record.kind} {record.uuid}": record for record in outgoing(conn, only)
    }
    changed = [
        record for key, record in everything.items() if sent.get(key) != record.digest
    ]
    buried = {uuid for (uuid,) in conn.execute("SELECT uuid FROM tombstones")}
    gone = deletions.gone(sent, set(everything), buried)
    # Tombstones first: what the hub buries is found by the entries as they were.
    changed.sort(key=lambda record: record.kind != "tombstone")
    writable: dict[tuple[str, str | None], bool] = {}
    taken, left = 0, 0
    with hub.transaction():
        if changed or gone:
            # One push at a time: the `seq`s a push draws are then visible by the
            # time any later one's are, so a device that has pulled to some `seq`
            # never has an earlier one still to come.
            hub.execute("SELECT pg_advisory_xact_lock(%s)", [_PUSH_LOCK])
            unheard = _unheard(conn, hub)
            if unheard:
                raise _Unheard(unheard)
            named = _named_on_the_hub(conn, hub, changed)
            if named:
                raise _Named(named)
        changed = _over_markers(conn, hub, changed, everything)
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
        sending = [r for r in changed if writable[(_role_of(r.kind), r.grid_uuid)]]
        for record in sending:
            if record.kind == "tombstone":
                taken += hub.execute(_UPSERT, _upsert_values(record)).rowcount
                _bury(hub, record.uuid)
        records = [record for record in sending if record.kind != "tombstone"]
        if records:  # pipelined: one round trip for many records, not one each
            with hub.cursor() as cursor:
                cursor.executemany(_UPSERT, [_upsert_values(r) for r in records])
                taken += max(cursor.rowcount, 0)
        went = deletions.send(hub, gone, sent, now)
        taken += len(went)
        # What this push made the hub keep in its history holds no one forgotten;
        # a forget new here or there looks through all of it.
        burying = heard or any(record.kind == "tombstone" for record in sending)
        replaced = [record.uuid for record in records] + [key for _, key in went]
        if burying or replaced:
            forget_in_history(conn, hub, None if burying else replaced)
    # Remembered once the hub has committed: a push cut short is sent again.
    with transaction(conn):
        conn.executemany(
            "INSERT INTO hub_sent (kind, uuid, digest) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, uuid) DO UPDATE SET digest = excluded.digest",
            [
                (record.kind, record.uuid, record.digest)
                for record in changed
                if writable[(_role_of(record.kind), record.grid_uuid)]
            ]
            + [(kind, key, deletions.DELETED) for kind, key in went],
        )
        # What was looked at is done with; what changed meanwhile stays noted.
        conn.execute("DELETE FROM hub_dirty WHERE rowid <= ?", (mark,))
        if only is None:
            conn.execute("UPDATE counters SET value = 0 WHERE name = 'hub_full'")
    return taken, left


def _named_on_the_hub(
    conn: sqlite3.Connection, hub: Any, changed: list[Outgoing]
) -> dict[str, str]:
    """Of the grids about to be pushed, those the hub holds by name under another
    UUID (one no grid here has) while it has never had theirs: this device's
    UUID → the hub's."""
    mine = {r.line["name"]: r.uuid for r in changed if r.kind == "grid"}
    if not mine:
        return {}
    rows = hub.execute(
        "SELECT uuid::text, body->>'name' FROM gridlog.records WHERE kind = 'grid'"
        " AND (body->>'name' = ANY(%(names)s) OR uuid = ANY(%(uuids)s::uuid[]))"
        " AND NOT body ? 'deleted'",
        {"names": list(mine), "uuids": list(mine.values())},
    ).fetchall()
    held = {uuid for uuid, _ in rows}
    here = {uuid for (uuid,) in conn.execute("SELECT uuid FROM grids")}
    return {
        mine[name]: uuid
        for uuid, name in rows
        if name in mine
        and mine[name] != uuid
        and mine[name] not in held
        and uuid not in here
    }


def _adopt(conn: sqlite3.Connection, ctx: Context, uuids: dict[str, str]) -> None:
    """Give these grids of this log the hub's UUIDs. Nothing of them has reached
    the hub yet, so no copy elsewhere names the old one; the lines that name the
    grid are all pushed again (a changed UUID makes the next push look at all)."""
    with writing(conn, ctx) as changes:
        for mine, theirs in uuids.items():
            (grid_id,) = conn.execute(
                "SELECT id FROM grids WHERE uuid = ?", (mine,)
            ).fetchone()
            changes.update("grids", grid_id, {"uuid": theirs})


def _changed_since_last_push(
    conn: sqlite3.Connection,
) -> tuple[int, dict[str, set[str]] | None]:
    """How far `hub_dirty` goes now, and the records it notes by kind (None: look
    at every record, as the first push does). Noting starts, in its own
    transaction, before the first push reads anything, so that nothing written
    while it runs goes unnoted."""
    with transaction(conn):
        conn.execute("UPDATE counters SET value = 1 WHERE name = 'hub_tracking'")
    mark = conn.execute("SELECT coalesce(max(rowid), 0) FROM hub_dirty").fetchone()[0]
    full = conn.execute("SELECT value FROM counters WHERE name = 'hub_full'")
    if full.fetchone()[0]:
        return mark, None
    only: dict[str, set[str]] = {"fired": set()}  # noted by no trigger: read whole
    for kind, key in conn.execute(
        "SELECT DISTINCT kind, uuid FROM hub_dirty WHERE rowid <= ?", (mark,)
    ):
        only.setdefault(kind, set()).add(key)
    return mark, only


def _sent(conn: sqlite3.Connection, only: dict[str, set[str]] | None) -> dict:
    """What was last sent or taken of these records (of every one: None)."""
    if only is None:
        return dict(conn.execute("SELECT kind || ' ' || uuid, digest FROM hub_sent"))
    keys = [[kind, key] for kind, keys in only.items() for key in keys]
    return dict(
        conn.execute(
            "SELECT s.kind || ' ' || s.uuid, s.digest FROM json_each(?) AS k"
            " JOIN hub_sent s ON s.kind = json_extract(k.value, '$[0]')"
            " AND s.uuid = json_extract(k.value, '$[1]')"
            # `outgoing` reads these whole (see there).
            " UNION ALL SELECT kind || ' ' || uuid, digest FROM hub_sent"
            " WHERE kind = 'fired'",
            (json.dumps(keys),),
        )
    )


def _over_markers(
    conn: sqlite3.Connection,
    hub: Any,
    changed: list[Outgoing],
    everything: dict[str, Outgoing],
) -> list[Outgoing]:
    """The records to push, with those the hub holds as deleted brought back (see
    `hub.deletions`): the changed ones, and those the pushed ones point at, again
    and again until none is left. Their revision here goes past the marker's
    first, so that a push cut short never leaves this device behind the hub."""
    pushing = {f"{record.kind} {record.uuid}": record for record in changed}
    asked: set[str] = set()
    while True:
        wanted = {
            record.uuid for record in pushing.values() if record.kind in deletions.KINDS
        }
        wanted |= set(deletions.referenced(r.line for r in pushing.values()))
        wanted -= asked
        if not wanted:
            return list(pushing.values())
        asked |= wanted
        back = {}
        for (kind, key), revision in deletions.markers_over(
            hub, sorted(wanted)
        ).items():
            mine = everything.get(f"{kind} {key}") or next(
                outgoing(conn, {kind: {key}}), None
            )
            if mine is not None:
                back[f"{kind} {key}"] = _revised(mine, revision + 1)
        if back:
            with transaction(conn):
                for record in back.values():
                    deletions.bring_back(
                        conn, record.kind, record.uuid, record.revision
                    )
            pushing.update(back)


def _upsert_values(record: Outgoing) -> list[Any]:
    return [
        record.kind,
        record.uuid,
        record.grid_uuid,
        record.revision,
        json.dumps(record.line, ensure_ascii=False),
        *_order(record),
        record.digest,
    ]


def _order(record: Outgoing) -> tuple[str | None, str | None]:
    """What `merge` weighs after the revision: the edit's time and the content."""
    if record.kind == "tombstone":
        return None, None
    return stamp(record.line), version(record.line)


def _revised(record: Outgoing, revision: int) -> Outgoing:
    line = (
        {**record.line, "revision": revision}
        if "revision" in record.line
        else record.line
    )
    return record._replace(revision=revision, line=line, digest=digest(line))


def _bury(hub: Any, person: str) -> None:
    """What the hub holds of a forgotten resident and nobody's device will send
    again (deletions do not travel): their record, the reminders their care rules
    made, and the photos of entries about them, with the versions of them its
    history keeps. Their entries, scrubbed where they were forgotten, arrive as
    newer versions (see `forget_in_history` for their older ones)."""
    hub.execute(_FORGET_LINKED, {"persons": [person]})
    hub.execute(
        "DELETE FROM gridlog.records WHERE kind = 'photo' AND entry_uuid IN"
        " (SELECT uuid FROM gridlog.records"
        "  WHERE kind = 'entry' AND resident_uuid = %(person)s::uuid)"
        " OR (kind = 'fired' AND resident_uuid = %(person)s::uuid)"
        " OR (kind = 'resident' AND uuid = %(person)s::uuid)",
        {"person": person},
    )


# The versions in the hub's history that are a forgotten person's own or about
# them: their record, their reminders, entries linked to them and those entries'
# photos (the entries' links as the records and the history still hold them).
_FORGET_LINKED = """
DELETE FROM gridlog.history
WHERE (kind = 'resident' AND uuid::text = ANY(%(persons)s))
   OR body->>'resident_uuid' = ANY(%(persons)s)
   OR (kind = 'photo' AND body->>'entry_uuid' IN (
        SELECT uuid::text FROM gridlog.records
        WHERE kind = 'entry' AND body->>'resident_uuid' = ANY(%(persons)s)
        UNION ALL SELECT uuid::text FROM gridlog.history
        WHERE kind = 'entry' AND body->>'resident_uuid' = ANY(%(persons)s)))
"""


def forget_in_history(
    conn: sqlite3.Connection, hub: Any, uuids: list[str] | None
) -> int:
    """Delete from the hub's history every version (of these records, or every
    one this login may see) that holds someone this device knows was forgotten:
    about them, or naming them where the tombstones' marks find them, as a merge
    blots them. Deleted rather than blotted: a worker may only take versions out
    of the hub's history, never write one. Returns how many went."""
    persons = {key for (key,) in conn.execute("SELECT uuid FROM tombstones")}
    if not persons:
        return 0
    gone = 0
    if uuids is None:
        gone = hub.execute(_FORGET_LINKED, {"persons": sorted(persons)}).rowcount
        rows = hub.execute("SELECT id, kind, uuid::text, body FROM gridlog.history")
    else:
        rows = hub.execute(
            "SELECT id, kind, uuid::text, body FROM gridlog.history"
            " WHERE uuid = ANY(%s::uuid[])",
            [uuids],
        )
    marks = tombstones.marks(conn)
    held = [
        key
        for key, kind, record, body in rows
        if (kind == "resident" and record in persons)
        or body.get("resident_uuid") in persons
        or tombstones.blot(body, marks, "***") != body
    ]
    if held:
        gone += hub.execute(
            "DELETE FROM gridlog.history WHERE id = ANY(%s)", [held]
        ).rowcount
    return gone


def _hub_has(hub: Any, record: Outgoing) -> bool:
    row = hub.execute(
        "SELECT body FROM gridlog.records WHERE kind = %s AND uuid = %s",
        [record.kind, record.uuid],
    ).fetchone()
    return row is not None and digest(row[0]) == record.digest


def pull(conn: sqlite3.Connection, ctx: Context, hub: Any) -> int:
    """Merge what the hub holds that changed since the last pull."""
    since = conn.execute(
        "SELECT value FROM counters WHERE name = 'hub_pulled'"
    ).fetchone()[0]
    seen = {grid for (grid,) in conn.execute("SELECT grid_uuid FROM hub_grids")}
    visible = _visible_grids(hub)
    granted = sorted(visible - seen)
    if ALL_GRIDS in granted:
        since, granted = 0, []
    # Bodies as text, read here: faster than the driver's JSON, a grid's years.
    found = hub.execute(
        _PULLED_FOR_ALL if ALL_GRIDS in visible else _PULLED,
        {"since": since, "granted": granted, "visible": sorted(visible)},
    ).fetchall()
    hub.rollback()
    rows = [(kind, key, json.loads(body), seq) for kind, key, body, seq, _ in found]
    # Each line's digest as the device that pushed it made it (none: loaded
    # otherwise than by a push), so that a pull need not make it again.
    said = [found_row[4] for found_row in found]
    if not rows:
        with transaction(conn):
            _remember_grids(conn, visible)
        return 0
    markers = deletions.marker_keys(rows)
    result = _take(conn, ctx, [body for *_, body, _ in rows if not body.get("deleted")])
    went = deletions.apply(conn, ctx, markers) if markers else 0
    if any(kind == "tombstone" for kind, *_ in rows):
        with hub.transaction():  # a forget heard here: in the grids seen from here
            forget_in_history(conn, hub, None)
    with transaction(conn):
        conn.executemany(
            "INSERT INTO hub_sent (kind, uuid, digest) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, uuid) DO UPDATE SET digest = excluded.digest",
            [
                (
                    kind,
                    key,
                    deletions.DELETED
                    if body.get("deleted")
                    else (given or digest(body)),
                )
                for (kind, key, body, _), given in zip(rows, said, strict=True)
            ],
        )
        conn.execute(
            "UPDATE counters SET value = max(value, ?) WHERE name = 'hub_pulled'",
            (rows[-1][3],),
        )
        # With the records: a pull cut short pulls a newly granted grid again.
        _remember_grids(conn, visible)
    return sum(result.added.values()) + sum(result.updated.values()) + went


def _remember_grids(conn: sqlite3.Connection, visible: set[str]) -> None:
    conn.execute("DELETE FROM hub_grids")
    conn.executemany(
        "INSERT INTO hub_grids (grid_uuid) VALUES (?)", [(grid,) for grid in visible]
    )


def _visible_grids(hub: Any) -> set[str]:
    """The grids this login may see now: `*` for an office (all of them)."""
    if hub.execute("SELECT gridlog.is_office()").fetchone()[0]:
        return {ALL_GRIDS}
    rows = hub.execute(
        "SELECT grid_uuid::text FROM gridlog.worker_grids WHERE login = session_user"
    )
    return {grid for (grid,) in rows}


def outgoing(
    conn: sqlite3.Connection, only: dict[str, set[str]] | None = None
) -> Iterator[Outgoing]:
    """The records of this log as the hub keeps them (every one, or those of
    these kinds and UUIDs): each one's line, and its grid. Which rule made a
    reminder for whom (`fired`, a link with no UUID of its own) is read whole
    when asked for at all: it is small."""
    grid_of: dict[str, str | None] = {}
    for kind in SELECTS:
        if only is None or (kind == "fired" and kind in only):
            lines = record_lines(conn, kind)
        elif only.get(kind):
            lines = record_lines(conn, kind, uuids=sorted(only[kind]))
        else:
            continue
        for line in lines:
            key, grid = _key_and_grid(conn, kind, line, grid_of)
            grid_of[key] = grid
            yield Outgoing(
                kind, key, grid, line.get("revision") or 0, line, digest(line)
            )
    wanted = None if only is None else only.get("tombstone", set())
    for line in tombstones.lines(conn):
        if wanted is None or line["uuid"] in wanted:
            yield Outgoing("tombstone", line["uuid"], None, 0, line, digest(line))


# The grid of a record whose line does not name it: its parent's.
_GRID_OF = {
    "signoff": ("followup_uuid", "followups"),
    "photo": ("entry_uuid", "entries"),
    "fired": ("resident_uuid", "residents"),
}


def _key_and_grid(
    conn: sqlite3.Connection,
    kind: str,
    line: dict[str, Any],
    grid_of: dict[str, str | None],
) -> tuple[str, str | None]:
    """A record's key on the hub, and the grid whose workers may see it."""
    if kind == "grid":
        return line["uuid"], line["uuid"]
    if kind == "rule":
        return line["uuid"], None
    key = line.get("uuid")
    if kind == "fired":
        key = str(uuid.uuid5(_FIRED, f"{line['rule_uuid']} {line['resident_uuid']}"))
    if kind in _GRID_OF:
        field, table = _GRID_OF[kind]
        parent = line[field]
        if parent not in grid_of:
            row = conn.execute(
                f"SELECT g.uuid FROM {table} t JOIN grids g ON g.id = t.grid_id"
                " WHERE t.uuid = ?",
                (parent,),
            ).fetchone()
            grid_of[parent] = None if row is None else row[0]
        return key, grid_of[parent]
    return key, line["grid_uuid"]


def _role_of(kind: str) -> str:
    """Kinds the hub's rules treat alike, so that one answer serves them all."""
    return (
        kind if kind in ("grid", "building", "rule", "setting", "tombstone") else "log"
    )
