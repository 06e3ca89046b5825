"""The hub's history of one record: the versions the hub replaced or refused
(`gridlog.history`, filled by the hub itself at every push), for the office to see
what another device had written that lost, even one no device of its own held."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, NamedTuple

from gridlog.errors import GridlogError

# The log's records that `gridlog history ID` names, by their kind on the hub.
_KINDS = (("entry", "entries"), ("followup", "followups"))


class Version(NamedTuple):
    decided_at: dt.datetime  # when the hub replaced or refused it
    outcome: str  # replaced, refused
    pushed_by: str  # the login that pushed this version
    pushed_by_name: str | None  # on the hub's roster, if this login may read it
    pushed_at: dt.datetime
    revision: int
    line: dict[str, Any]  # the version as the device's export wrote it


def kept_versions(conn: sqlite3.Connection, hub: Any, record_id: int) -> list[Version]:
    """The hub's kept versions of entry or follow-up `record_id` of this log,
    oldest first (none: the hub never had to choose); those of a grid this login
    may not see are not shown to it (row-level security)."""
    kind, uuid = _record(conn, record_id)
    rows = hub.execute(
        "SELECT h.decided_at, h.outcome, h.pushed_by, w.name, h.pushed_at,"
        " h.revision, h.body FROM gridlog.history h"
        " LEFT JOIN gridlog.workers w ON w.login = h.pushed_by"
        " WHERE h.kind = %s AND h.uuid = %s ORDER BY h.id",
        [kind, uuid],
    ).fetchall()
    hub.rollback()
    return [Version(*row) for row in rows]


def _record(conn: sqlite3.Connection, record_id: int) -> tuple[str, str]:
    for kind, table in _KINDS:
        row = conn.execute(
            f"SELECT uuid FROM {table} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is not None:
            return kind, row[0]
    raise GridlogError("id.unknown", id=record_id)
