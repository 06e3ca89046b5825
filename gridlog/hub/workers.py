"""The hub's workers: each a PostgreSQL login role, with the grids it may see.

A worker's password is hashed on this machine (libpq's own SCRAM, the way `psql`'s
\\password does it), so the plain password never travels in SQL and never lands in
the server's log. Grids are named the way the office's devices name them; a grid the
hub has not heard of yet (no office device has synced it) is refused.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, NamedTuple

from gridlog.errors import GridlogError
from gridlog.hub.connection import psycopg
from gridlog.storage.db import transaction

# What a login may be: PostgreSQL would take more, but a worker types this one.
_LOGIN = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Worker(NamedTuple):
    login: str
    name: str
    office: bool
    grids: list[str]


def add(
    conn: Any, login: str, name: str, grids: list[str], office: bool, password: str
) -> Worker:
    """A new login role in `gridlog_worker` (or `gridlog_office`), seeing `grids`."""
    _check_login(login)
    if not name.strip():
        raise GridlogError("hub.worker_no_name", exit_code=2)
    if not grids and not office:
        raise GridlogError("hub.worker_no_grid", exit_code=2)
    if not password:
        raise GridlogError("hub.worker_no_password", exit_code=2)
    sql = psycopg().sql
    with conn.transaction():
        if _exists(conn, login):
            raise GridlogError("hub.worker_exists", login=login)
        found = [hub_grid(conn, grid) for grid in grids]
        secret = conn.pgconn.encrypt_password(
            password.encode(), login.encode(), b"scram-sha-256"
        ).decode()
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(login),
                sql.Literal(secret),
                sql.Identifier("gridlog_office" if office else "gridlog_worker"),
            )
        )
        conn.execute(
            "INSERT INTO gridlog.workers (login, name, office) VALUES (%s, %s, %s)",
            [login, name.strip(), office],
        )
        _grant(conn, login, [uuid for uuid, _ in found])
    return Worker(login, name.strip(), office, [name for _, name in found])


def grant(conn: Any, login: str, grids: list[str]) -> list[str]:
    """Let `login` see `grids` too; their full names."""
    with conn.transaction():
        _known(conn, login)
        found = [hub_grid(conn, grid) for grid in grids]
        _grant(conn, login, [uuid for uuid, _ in found])
    return [name for _, name in found]


def revoke(conn: Any, login: str, grids: list[str]) -> list[str]:
    """`login` no longer sees `grids`; their full names."""
    with conn.transaction():
        _known(conn, login)
        found = [hub_grid(conn, grid) for grid in grids]
        for uuid, _ in found:
            conn.execute(
                "DELETE FROM gridlog.worker_grids WHERE login = %s AND grid_uuid = %s",
                [login, uuid],
            )
    return [name for _, name in found]


def remove(conn: Any, login: str) -> None:
    """The role and its grants go; what the worker pushed stays (it is the log)."""
    sql = psycopg().sql
    with conn.transaction():
        _known(conn, login)
        conn.execute("DELETE FROM gridlog.workers WHERE login = %s", [login])
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))


def workers(conn: Any) -> list[Worker]:
    rows = conn.execute(
        "SELECT w.login, w.name, w.office,"
        " coalesce(array_agg(r.body->>'name' ORDER BY r.body->>'name')"
        "  FILTER (WHERE r.uuid IS NOT NULL), '{}')"
        " FROM gridlog.workers w"
        " LEFT JOIN gridlog.worker_grids g ON g.login = w.login"
        " LEFT JOIN gridlog.records r ON r.kind = 'grid' AND r.uuid = g.grid_uuid"
        " GROUP BY w.login, w.name, w.office ORDER BY w.login"
    ).fetchall()
    return [
        Worker(login, name, office, list(grids)) for login, name, office, grids in rows
    ]


# The workers this login may see (an office: all; a worker: itself), each with the
# UUIDs of its granted grids.
ROSTER_SQL = (
    "SELECT w.login, w.name, w.office,"
    " coalesce(array_agg(g.grid_uuid::text ORDER BY g.grid_uuid)"
    "  FILTER (WHERE g.grid_uuid IS NOT NULL), '{}')"
    " FROM gridlog.workers w"
    " LEFT JOIN gridlog.worker_grids g ON g.login = w.login"
    " GROUP BY w.login, w.name, w.office ORDER BY w.login"
)


def roster(hub: Any) -> list[tuple[str, str, bool, list[str]]]:
    """(login, name, office, grid UUIDs) of each worker this login may see."""
    rows = hub.execute(ROSTER_SQL).fetchall()
    return [(login, name, office, list(grids)) for login, name, office, grids in rows]


def keep_roster(conn: sqlite3.Connection, hub: Any) -> int:
    """Bring the hub's roster to this device (`hub_workers`), replacing the one the
    last sync brought, so that `report` can show each worker's grids offline; how
    many workers it holds. Device-only: no export carries it."""
    found = roster(hub)
    hub.rollback()
    with transaction(conn):
        conn.execute("DELETE FROM hub_worker_grids")
        conn.execute("DELETE FROM hub_workers")
        conn.executemany(
            "INSERT INTO hub_workers (login, name, office) VALUES (?, ?, ?)",
            [(login, name, int(office)) for login, name, office, _ in found],
        )
        conn.executemany(
            "INSERT INTO hub_worker_grids (login, grid_uuid) VALUES (?, ?)",
            [(login, grid) for login, _, _, grids in found for grid in grids],
        )
    return len(found)


def hub_grid(conn: Any, name: str) -> tuple[str, str]:
    """(UUID, full name) of the hub's grid called `name` or one of its aliases."""
    row = conn.execute(
        "SELECT uuid, body->>'name' FROM gridlog.records WHERE kind = 'grid'"
        " AND (body->>'name' = %s OR body->'aliases' ? %s)",
        [name, name],
    ).fetchone()
    if row is None:
        raise GridlogError("hub.unknown_grid", grid=name)
    return row[0], row[1]


def _grant(conn: Any, login: str, uuids: list[str]) -> None:
    for uuid in uuids:
        conn.execute(
            "INSERT INTO gridlog.worker_grids (login, grid_uuid) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            [login, uuid],
        )


def _check_login(login: str) -> None:
    if not _LOGIN.fullmatch(login):
        raise GridlogError("hub.bad_login", login=login, exit_code=2)


def _exists(conn: Any, login: str) -> bool:
    found = conn.execute("SELECT FROM pg_roles WHERE rolname = %s", [login]).fetchone()
    return found is not None


def _known(conn: Any, login: str) -> None:
    found = conn.execute(
        "SELECT FROM gridlog.workers WHERE login = %s", [login]
    ).fetchone()
    if found is None:
        raise GridlogError("hub.unknown_worker", login=login)
