"""What a killed gridlog leaves behind, and how the next start clears it.

A command that writes a file writes it under a temporary name first: a private
`.NAME.PID.partial` beside an export, report or backup, or in the folder of the
photos kept with entries, a `.NAME.PID.converting` copy beside the database while
`encrypt`/`decrypt` runs (plain text, for `decrypt`). A SIGKILL leaves that file.
So each temporary file beside some other folder is announced beside the database
by a `.DB.PID.pending-N` symlink to it, and every start removes what a dead
process left: its temporary files, their SQLite companions and the announcements
(and a photo's temporary file, which it also looks for in the photos folder). A
killed `encrypt`/`decrypt` also leaves the database in rollback-journal mode,
which the start puts back to WAL.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

_SUFFIXES = (".partial", ".converting")
# The folder of the photos kept with entries (`storage.photos`), beside the database:
# a photo being written there is a `.NAME.PID.partial` of its own.
PHOTOS_SUFFIX = ".photos"
_COMPANIONS = ("-journal", "-wal", "-shm")
_count = itertools.count(1)
_database: Path | None = None  # the database this process opened (see `clear`)


def temporary_name(path: Path, kind: str) -> Path:
    """`.NAME.PID.KIND` beside `path`: hidden, and naming the process that owns it."""
    return path.with_name(f".{path.name}.{os.getpid()}.{kind}")


@contextlib.contextmanager
def announced(temporary: Path) -> Iterator[None]:
    """While `temporary` may exist, a symlink beside the database this process
    opened points at it, so that the next start finds it even after a kill."""
    database = _database
    if database is None or temporary.parent.resolve() == database.parent.resolve():
        yield  # beside the database: `clear` finds it by its name
        return
    note = database.with_name(f".{database.name}.{os.getpid()}.pending-{next(_count)}")
    try:
        os.symlink(temporary.resolve(), note)
    except OSError:
        note = None  # a read-only folder: the file is still private, and named
    try:
        yield
    finally:
        if note is not None:
            with contextlib.suppress(FileNotFoundError):
                note.unlink()


def clear(database: Path) -> list[Path]:
    """Remove what dead gridlog processes left beside `database` or announced
    there; return what was removed. Files of running processes are left alone.
    `database` is also where this process announces its own temporary files."""
    global _database
    _database = database
    folder = database.parent
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    prefix = f".{database.name}."
    for name in names:
        if not name.startswith("."):
            continue
        pid = _owner(name)
        if pid is None or _alive(pid):
            continue
        path = folder / name
        if name.startswith(prefix) and ".pending-" in name:
            target = Path(os.readlink(path)) if path.is_symlink() else None
            if target is not None and target.name.endswith(_SUFFIXES):
                removed += _remove(target)
            removed += _remove(path)
        elif name.endswith(_SUFFIXES):
            removed += _remove(path)
    return removed + _clear_photos(database.with_name(database.name + PHOTOS_SUFFIX))


def _clear_photos(folder: Path) -> list[Path]:
    """A photo a dead process was writing, found even if it could not announce it."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed: list[Path] = []
    for name in names:
        pid = _owner(name) if name.startswith(".") else None
        if pid is not None and not _alive(pid) and name.endswith(".partial"):
            removed += _remove(folder / name)
    return removed


def converting(database: Path) -> bool:
    """Is a live `encrypt`/`decrypt` converting this database right now?"""
    pattern = f".{database.name}.*.converting"
    return any(
        (pid := _owner(p.name)) is not None and _alive(pid)
        for p in database.parent.glob(pattern)
    )


def restore_wal(conn: sqlite3.Connection, database: Path) -> None:
    """Put a database a killed `encrypt`/`decrypt` left in rollback-journal mode
    back into WAL (unless a conversion is running, or the file cannot be written:
    then `check` reports it)."""
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if mode.lower() in ("wal", "memory") or converting(database):
        return
    with contextlib.suppress(sqlite3.Error, _cipher_error()):
        conn.execute("PRAGMA journal_mode = WAL")


def _cipher_error() -> type[Exception]:
    import sys

    cipher = sys.modules.get("sqlcipher3.dbapi2")
    return cipher.Error if cipher is not None else sqlite3.Error


def _owner(name: str) -> int | None:
    """The process id in `.NAME.PID.KIND` (or `.NAME.PID.pending-N`)."""
    parts = name.rsplit(".", 2)
    if len(parts) != 3:
        return None
    kind = parts[2]
    if not (kind in ("partial", "converting") or kind.startswith("pending-")):
        return None
    return int(parts[1]) if parts[1].isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: leave its files alone
    return True


def _remove(path: Path) -> list[Path]:
    if path.is_dir() and not path.is_symlink():  # a backup's photos, half copied
        shutil.rmtree(path, ignore_errors=True)
        return [path]
    removed = []
    for each in (path, *(path.with_name(path.name + s) for s in _COMPANIONS)):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            each.unlink()
            removed.append(each)
    return removed
