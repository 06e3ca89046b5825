"""Encrypting a plain database, or decrypting an encrypted one, in place.

The other form is exported with `sqlcipher_export` to a private file beside it,
checked, and renamed over the original while no other gridlog writes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from gridlog.errors import GridlogError
from gridlog.storage import db
from gridlog.storage.cipher import cipher
from gridlog.storage.leftovers import clear, temporary_name


@dataclass(frozen=True)
class Converted:
    counts: dict[str, int]
    plain_leftovers: list[Path]


def convert(path: Path, old_key: str | None, new_key: str | None) -> Converted:
    """Rewrite the database at `path` from `old_key` to `new_key` (None: plain).

    The converted copy is written to a private file beside the original, checked
    (integrity, the same rows in every table, the same schema version) and renamed
    over it. The original is first switched out of WAL, which SQLite allows only when
    no other connection has it open, so no -wal file of it outlives it; its write
    lock is held while it is replaced.
    """
    module = cipher()
    clear(path)  # what a killed encrypt or decrypt left: its plain-text copy too
    timeout = db.BUSY_TIMEOUT_MS / 1000
    if old_key is None:
        source = module.connect(str(path), isolation_level=None, timeout=timeout)
        source.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")
    else:
        source = db.connect_file(path, old_key)
    temp = temporary_name(path, "converting")
    replaced = False
    try:
        # The temporary file exists before the journal mode changes, so that a
        # start meanwhile sees a live conversion and does not put WAL back.
        db._create_private_file(temp)
        version = db._schema_version(source)
        journal = source.execute("PRAGMA journal_mode").fetchone()[0]
        try:
            alone = source.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except module.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            alone = None
        if alone != "delete":
            raise GridlogError("key.busy")
        try:
            source.execute(
                "ATTACH DATABASE ? AS converted KEY ?", (str(temp), new_key or "")
            )
            source.execute("BEGIN IMMEDIATE")
            changes = source.execute("PRAGMA main.data_version").fetchone()[0]
            source.execute("SELECT sqlcipher_export('converted')")
            source.execute(f"PRAGMA converted.user_version = {int(version)}")
            counts = _counts(source, "main")
            source.execute("COMMIT")
            source.execute("DETACH DATABASE converted")
            _verify(temp, new_key, counts, version)
            source.execute("BEGIN IMMEDIATE")  # no one writes while it is replaced
            if source.execute("PRAGMA main.data_version").fetchone()[0] != changes:
                raise GridlogError("key.busy")  # someone wrote meanwhile: try again
            if source.execute("PRAGMA journal_mode").fetchone()[0] != "delete":
                raise GridlogError("key.busy")  # a -wal of it would outlive it
            os.replace(temp, path)
            replaced = True
        finally:
            if source.in_transaction:
                source.execute("ROLLBACK")
            if not replaced:
                with contextlib.suppress(module.Error, sqlite3.Error):
                    source.execute(f"PRAGMA journal_mode = {journal}")
    finally:
        source.close()
        for leftover in (temp, *_companions(temp)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    leftovers = sorted(path.parent.glob(f"{path.name}.v*.bak"))
    return Converted(
        counts, [p for p in leftovers if new_key is not None and not db.is_encrypted(p)]
    )


def _verify(temp: Path, key: str | None, counts: dict[str, int], version: int) -> None:
    """The converted copy opens with its key, is whole, and holds every row."""
    with contextlib.closing(db.connect_file(temp, key)) as copy:
        copy.execute("PRAGMA journal_mode = WAL")
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise GridlogError("backup.bad_copy", problems="; ".join(problems))
        copied = _counts(copy, "main")
        copied_version = copy.execute("PRAGMA user_version").fetchone()[0]
    if copied != counts or copied_version != version:
        raise GridlogError("key.convert_lost")


def _counts(conn: sqlite3.Connection, schema: str) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {
        table: conn.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0]
        for table in tables
    }


def _companions(path: Path) -> list[Path]:
    suffixes = ("-journal", "-wal", "-shm")
    return [path.with_name(path.name + suffix) for suffix in suffixes]
