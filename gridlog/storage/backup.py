"""Keeping the log safe: a consistent backup while others write, and a health check.

The backup goes through SQLite's online backup API from a read transaction, so it is
one consistent snapshot that includes whatever the WAL holds, which a file copy could
miss. It is written beside its target under a temporary name, verified with
`PRAGMA integrity_check`, and only then renamed into place, owner-only; the copy of an
encrypted database is encrypted with the same key. The photos kept with entries are
copied beside the copy (`saved.db` → `saved.db.photos/`), owner-only, so that the
backup restores the log whole.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from gridlog.errors import GridlogError
from gridlog.storage import photos
from gridlog.storage.db import backup, connect_file, key_of
from gridlog.storage.leftovers import announced, temporary_name
from gridlog.storage.migrations import schema_version

_COUNTED = ("grids", "buildings", "residents", "entries", "followups", "history")


@dataclass(frozen=True)
class Health:
    ok: bool
    problems: list[str]  # SQLite's own words, from its integrity check
    orphans: list[tuple[str, str]]  # (table, parent) of rows pointing at nothing
    schema_version: int
    counts: dict[str, int]
    open_items: int
    size_bytes: int
    journal_mode: str  # "wal" for a database in use; see `check`
    cipher_version: str | None = None  # SQLCipher's, for an encrypted database
    photos: int = 0  # photo files a backup copied beside the copy


def back_up(conn: sqlite3.Connection, target: Path) -> Health:
    """Copy the database to `target` (which must not exist yet) and verify the copy."""
    if target.exists():
        raise GridlogError("backup.exists", path=str(target))
    if not target.parent.is_dir():
        raise GridlogError("backup.no_dir", path=str(target.parent))
    partial = temporary_name(target, "partial")
    try:
        with announced(partial):
            _copy(conn, partial)
            with contextlib.closing(connect_file(partial, key_of(conn))) as copy:
                health = check(copy, partial)
            if not health.ok:
                problems = [
                    *health.problems,
                    *(f"{t} → {p}" for t, p in health.orphans),
                ]
                raise GridlogError("backup.bad_copy", problems="; ".join(problems))
            # The photos first: a copy of the log in place is a complete one.
            copied = photos.copy_folder(photos.database_of(conn), target)
            os.replace(partial, target)
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return replace(health, photos=copied)


def _copy(conn: sqlite3.Connection, partial: Path) -> None:
    """The online backup, with what the system says turned into one line."""
    from gridlog.storage.files import writing_errors

    with writing_errors(partial):
        backup(conn, partial)


def check(conn: sqlite3.Connection, path: Path | None) -> Health:
    """Integrity, schema version and what the log holds."""
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    problems = [] if integrity == ["ok"] else integrity
    orphans = [(row[0], row[2]) for row in conn.execute("PRAGMA foreign_key_check")]
    ok = not problems and not orphans
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in _COUNTED
    }
    open_items = conn.execute(
        "SELECT count(*) FROM followups WHERE closed_at IS NULL"
    ).fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
    size = path.stat().st_size if path is not None and path.exists() else 0
    return Health(
        ok=ok and version == schema_version(),
        problems=problems,
        orphans=orphans,
        schema_version=version,
        counts=counts,
        open_items=open_items,
        size_bytes=size,
        cipher_version=_cipher_version(conn),
        journal_mode=journal,
    )


def _cipher_version(conn: sqlite3.Connection) -> str | None:
    if key_of(conn) is None:
        return None
    return conn.execute("PRAGMA cipher_version").fetchone()[0]
