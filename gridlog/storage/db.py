"""Where the database lives, how it is opened, and how one command writes to it.

Every write happens inside `transaction()`, which takes the write lock up front with
BEGIN IMMEDIATE: a deferred BEGIN would fail at once with "database is locked" when a
second gridlog process is writing, instead of waiting for the busy timeout.

A database can be encrypted with SQLCipher (see `storage.cipher`): the key comes from
GRIDLOG_KEY or whoever opens it, and the connection is then SQLCipher's drop-in
`sqlite3`; a plain database never imports it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from gridlog.errors import GridlogError
from gridlog.storage.migrations import schema_version

BUSY_TIMEOUT_MS = 5000
FILE_MODE = 0o600
DIR_MODE = 0o700
KEY_ENV = "GRIDLOG_KEY"
PLAIN_HEADER = b"SQLite format 3\x00"

# How many command transactions this process has committed: a failure after one of
# them must not be reported as "nothing was changed" (see `committed`).
_commits = 0


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


def open_db(
    path: Path, *, write: bool, ask_key: Callable[[Path], str] | None = None
) -> sqlite3.Connection:
    """A connection to the gridlog database at `path`, created or upgraded as needed.

    A read-only command on a database that does not exist yet gets an empty one in
    memory, so that looking never creates files; its connection is `query_only`.
    A new database is encrypted when GRIDLOG_KEY is set; an encrypted one is opened
    with GRIDLOG_KEY, else with what `ask_key` returns (the command line asks on a
    terminal), else not at all.
    """
    from gridlog.storage.leftovers import clear, restore_wal

    if path.is_dir():
        raise GridlogError("db.is_dir", path=str(path))
    clear(path)  # what a killed gridlog left: temporary files, announced or beside
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh and not write:
        conn = _connect(":memory:")
        _migrate(conn, None, 0)
        conn.execute("PRAGMA query_only = ON")
        return conn
    key = _key_for(path, fresh, ask_key)
    if fresh:
        _create_private_file(path)
    conn = _connect(str(path), key)
    try:
        version = _schema_version(conn)
        if fresh:
            conn.execute("PRAGMA journal_mode = WAL")
        else:
            restore_wal(conn, path)  # after a killed encrypt or decrypt
        if version != schema_version():
            _migrate(conn, path, version)
        if not write:
            conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def discard_unused(conn: sqlite3.Connection, path: Path, *, folder: bool) -> None:
    """Close `conn`, and remove the database this command created with it if nobody
    has written to it (a refused first command must not leave an empty log behind,
    an encrypted one included: `conn` has its key), and its folder when the command
    created that too and it is empty."""
    try:
        used = conn.execute("SELECT count(*) FROM history").fetchone()[0]
    except db_errors():
        used = 1  # not ours to judge: keep it
    finally:
        conn.close()
    if used:
        return  # another gridlog wrote to it meanwhile: keep it
    for each in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            each.unlink()
    if folder:
        with contextlib.suppress(OSError):
            path.parent.rmdir()


def make_private(path: Path) -> bool:
    """Make the database and its -wal/-shm owner-only if others could read them;
    say whether anything had to change."""
    changed = False
    for each in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        try:
            mode = each.stat().st_mode
        except OSError:
            continue
        if each.is_file() and mode & 0o077:
            with contextlib.suppress(OSError):
                os.chmod(each, stat.S_IMODE(mode) & 0o700)  # read-only stays so
                changed = True
    return changed


def env_key(environ: Mapping[str, str] = os.environ) -> str | None:
    """The key in GRIDLOG_KEY, if one is set (an empty value counts as none)."""
    return environ.get(KEY_ENV) or None


def is_encrypted(path: Path) -> bool:
    """Could this file be an encrypted database? SQLite's own files begin with its
    header; SQLCipher's begin with random salt and are made of whole pages."""
    with open(path, "rb") as file:
        head = file.read(len(PLAIN_HEADER))
    size = path.stat().st_size
    return head != PLAIN_HEADER and size >= 512 and size % 512 == 0


def _key_for(
    path: Path, fresh: bool, ask_key: Callable[[Path], str] | None
) -> str | None:
    """The key to open (or create) `path` with, or None for a plain database."""
    if fresh:
        key = env_key()
        if key is not None:
            from gridlog.storage.cipher import cipher

            cipher()  # refuse before creating a file if SQLCipher is missing
        return key
    if is_encrypted(path):
        from gridlog.storage.cipher import cipher

        cipher()
        key = env_key()
        if key is None and ask_key is None:
            raise GridlogError("key.needed", path=str(path))
        return key if key is not None else ask_key(path)
    if env_key() is not None:
        raise GridlogError("db.key_but_plain", path=str(path))
    return None


def _connect(target: str, key: str | None = None) -> sqlite3.Connection:
    if key is None:
        conn = sqlite3.connect(
            target, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.row_factory = sqlite3.Row
    else:
        from gridlog.storage.cipher import connect

        conn = connect(target, key, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def connect_file(path: Path, key: str | None) -> sqlite3.Connection:
    """A plain connection to another database file (a copy), with `key` if given."""
    return _connect(str(path), key)


def key_of(conn: sqlite3.Connection) -> str | None:
    """The key an encrypted connection was opened with; None for a plain one."""
    return getattr(conn, "gridlog_key", None)


def db_errors(name: str = "Error") -> tuple[type[Exception], ...]:
    """`sqlite3.<name>`, and SQLCipher's class of that name once it is in use: its
    connections raise their own exception classes, which are not sqlite3's."""
    classes = [getattr(sqlite3, name)]
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    if cipher is not None:
        classes.append(getattr(cipher, name))
    return tuple(classes)


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
    if version > schema_version():
        raise GridlogError("db.too_new", version=version, supported=schema_version())
    if version == 0:
        names = conn.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        if names:
            raise GridlogError("db.not_gridlog")
    return version


def _migrate(conn: sqlite3.Connection, path: Path | None, version: int) -> None:
    """Bring the schema up to date in one transaction, after backing up old data."""
    from gridlog.storage.migrations import apply

    if path is not None and version > 0:
        backup(conn, path.with_name(f"{path.name}.v{version}.bak"))
    with transaction(conn, counted=False):  # an upgrade is not the command's change
        version = _schema_version(conn)  # another process may have upgraded it
        if version != schema_version():
            apply(conn, version)


def backup(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy through SQLite's online backup API, readable by owner only,
    and encrypted with the same key when the database is."""
    _create_private_file(target)
    with contextlib.closing(connect_file(target, key_of(conn))) as copy:
        conn.backup(copy)


def committed() -> int:
    """How many write transactions this process has committed so far. The command
    line compares it before and after a failure: if it grew, something was stored,
    and the message must say so, so that a retry does not store it twice."""
    return _commits


@contextlib.contextmanager
def transaction(
    conn: sqlite3.Connection, *, counted: bool = True
) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of a command's changes, or none of them."""
    global _commits
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
    if counted:
        _commits += 1


@contextlib.contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: everything read inside it is one consistent state of
    the log, however long the reading takes and whoever writes meanwhile."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def user_error(exc: Exception) -> GridlogError:
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
