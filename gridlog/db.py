"""Where the database lives, how it is opened, and how one command writes to it.

Every write happens inside `transaction()`, which takes the write lock up front with
BEGIN IMMEDIATE: a deferred BEGIN would fail at once with "database is locked" when a
second gridlog process is writing, instead of waiting for the busy timeout.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from gridlog.errors import GridlogError

# The number of migrations in gridlog.migrations; a test keeps the two in step. It is
# repeated here so that opening a current database never imports sqlite-utils.
SCHEMA_VERSION = 5
BUSY_TIMEOUT_MS = 5000
FILE_MODE = 0o600
DIR_MODE = 0o700


def default_path(environ: Mapping[str, str] = os.environ) -> Path:
    """The user's data directory, as each platform names it."""
    if sys.platform == "win32" and environ.get("APPDATA"):
        base = Path(environ["APPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "gridlog" / "gridlog.db"


def resolve_path(option: Path | None, environ: Mapping[str, str] = os.environ) -> Path:
    """`--db`, else GRIDLOG_DB, else the user's data directory."""
    if option is not None:
        return option
    if environ.get("GRIDLOG_DB"):
        return Path(environ["GRIDLOG_DB"])
    return default_path(environ)


def open_db(path: Path, *, write: bool) -> sqlite3.Connection:
    """A connection to the gridlog database at `path`, created or upgraded as needed.

    A read-only command on a database that does not exist yet gets an empty one in
    memory, so that looking never creates files; its connection is `query_only`.
    """
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh and not write:
        conn = _connect(":memory:")
        _migrate(conn, None, 0)
        conn.execute("PRAGMA query_only = ON")
        return conn
    if fresh:
        _create_private_file(path)
    conn = _connect(str(path))
    try:
        version = _schema_version(conn)
        if fresh:
            conn.execute("PRAGMA journal_mode = WAL")
        if version != SCHEMA_VERSION:
            _migrate(conn, path, version)
        if not write:
            conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _connect(target: str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _create_private_file(path: Path) -> None:
    """Create the file owner-only whatever the umask, so -wal/-shm inherit that."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=DIR_MODE)
        os.chmod(path.parent, DIR_MODE)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def _schema_version(conn: sqlite3.Connection) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise GridlogError("db.too_new", version=version, supported=SCHEMA_VERSION)
    if version == 0:
        names = conn.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        if names:
            raise GridlogError("db.not_gridlog")
    return version


def _migrate(conn: sqlite3.Connection, path: Path | None, version: int) -> None:
    """Bring the schema up to date in one transaction, after backing up old data."""
    from sqlite_utils import Database

    from gridlog.migrations import migrations

    if path is not None and version > 0:
        backup(conn, path.with_name(f"{path.name}.v{version}.bak"))
    with transaction(conn):
        if _schema_version(conn) == SCHEMA_VERSION:
            return  # another process upgraded it while we waited for the lock
        migrations.apply(Database(conn, execute_plugins=False))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def backup(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy through SQLite's online backup API, readable by owner only."""
    _create_private_file(target)
    with contextlib.closing(sqlite3.connect(str(target))) as copy:
        conn.backup(copy)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of a command's changes, or none of them."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def user_error(exc: sqlite3.Error) -> GridlogError:
    """Say what a SQLite failure means for the user, without leaking the data."""
    text = str(exc).lower()
    for needle, key in (
        ("locked", "db.locked"),
        ("busy", "db.locked"),
        ("readonly", "db.readonly"),
        ("read-only", "db.readonly"),
        ("not a database", "db.not_db"),
        ("malformed", "db.corrupt"),
        ("disk is full", "db.full"),
        ("full", "db.full"),
        ("unable to open", "db.cannot_open"),
        ("disk i/o", "db.io"),
    ):
        if needle in text:
            return GridlogError(key)
    return GridlogError("db.other", reason=type(exc).__name__)
