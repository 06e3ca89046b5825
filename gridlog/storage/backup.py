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
from dataclasses import dataclass, field, replace
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
    photos: int = 0  # photos kept with entries (a backup: the files it copied)
    missing_photos: list[tuple[int, str]] = field(default_factory=list)  # (entry, name)


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
                health = check(copy, partial, photos=False)  # copied next
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


def check(conn: sqlite3.Connection, path: Path | None, photos: bool = True) -> Health:
    """Integrity, schema version and what the log holds; with `photos`, that each
    photo an entry has is there in the photos folder."""
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
    kept, missing = _photos(conn) if photos else (0, [])
    return Health(
        ok=ok and version == schema_version() and not missing,
        problems=problems,
        orphans=orphans,
        schema_version=version,
        counts=counts,
        open_items=open_items,
        size_bytes=size,
        cipher_version=_cipher_version(conn),
        journal_mode=journal,
        photos=kept,
        missing_photos=missing,
    )


def _photos(conn: sqlite3.Connection) -> tuple[int, list[tuple[int, str]]]:
    """How many photos entries have, and those whose file has gone."""
    rows = conn.execute(
        "SELECT entry_id, name, sha256 FROM photos ORDER BY entry_id, id"
    ).fetchall()
    if not rows:
        return 0, []
    database = photos.database_of(conn)
    there = photos.kept_names(database)
    missing = [
        (row[0], row[1]) for row in rows if photos.file_name(row[2]) not in there
    ]
    return len(rows), missing


def _cipher_version(conn: sqlite3.Connection) -> str | None:
    if key_of(conn) is None:
        return None
    return conn.execute("PRAGMA cipher_version").fetchone()[0]
