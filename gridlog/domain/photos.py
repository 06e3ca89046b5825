"""Photos with an entry: which entry has which photo, and when a kept file may go.

A photo is a row of `photos` (through `history.writing`, so that `undo` and
`history` see it) and a file beside the database (`storage.photos`). The row goes
with its entry: `delete` deletes it, and `undo` puts it back. The file outlives the
row as long as something could bring the row back, which is what makes `undo` of
a `delete` whole again; it goes once nothing can (`sweep`):

- no row names it, and
- no delete of a row naming it can still be undone: one not undone itself, made by
  a command that was not an undo (an undo is never undone), and made after the
  last `resident forget` (which `undo` cannot pass).

An encrypted log keeps no photo: the file would sit in plain text beside the
encrypted database, which is the very leak encryption is there to stop.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from gridlog.domain.limits import MAX_NAME
from gridlog.errors import GridlogError
from gridlog.storage import photos as files
from gridlog.storage.db import key_of, transaction
from gridlog.storage.history import Changes


class Photo(NamedTuple):
    """A photo as `show` lists it."""

    name: str
    size: int
    path: Path


def read_photos(paths: Sequence[Path]) -> list[files.Incoming]:
    """The photos a worker named, read and checked before anything is written."""
    photos = [files.read_photo(Path(path)) for path in paths]
    return [photo._replace(name=kept_name(photo.name)) for photo in photos]


def kept_name(name: str) -> str:
    """A file's name as gridlog keeps it: one printable line, as every name it
    keeps, so that every command (and a merge, which checks names) can take it.
    Control and invisible characters (a newline, a right-to-left override, bytes
    that are not UTF-8) become `?`; a name too long loses the middle of its stem."""
    shown = "".join(
        "?" if unicodedata.category(char) in _NOT_SHOWN else char for char in name
    ).strip()
    if len(shown) > MAX_NAME:
        suffix = Path(shown).suffix[:20]
        shown = shown[: MAX_NAME - len(suffix) - 1] + "…" + suffix
    return shown or "photo"


_NOT_SHOWN = frozenset({"Cc", "Cf", "Cs"})


def attach(
    conn: sqlite3.Connection,
    changes: Changes,
    entry_id: int,
    incoming: Sequence[files.Incoming],
) -> int:
    """Keep `incoming` with entry `entry_id`, inside the caller's write; returns
    how many the entry did not have yet. Files this call wrote are removed again
    if it fails, so a refused command leaves no photo behind."""
    if not incoming:
        return 0
    refuse_if_encrypted(conn)
    database = files.database_of(conn)
    written: list[str] = []
    added = 0
    try:
        for photo in incoming:
            if has_photo(conn, entry_id, photo.sha256):
                continue
            if files.keep(database, photo):
                written.append(photo.sha256)
            changes.insert(
                "photos",
                {
                    "entry_id": entry_id,
                    "sha256": photo.sha256,
                    "name": photo.name,
                    "size": photo.size,
                    "added_at": changes.ctx.now_utc,
                },
            )
            added += 1
    except BaseException:
        files.discard(database, written)
        raise
    return added


def refuse_if_encrypted(conn: sqlite3.Connection) -> None:
    """A photo of an encrypted log would be the one thing on disk in plain text."""
    if key_of(conn) is not None:
        raise GridlogError("photo.encrypted", exit_code=2)


def has_photo(conn: sqlite3.Connection, entry_id: int, sha256: str) -> bool:
    """Does the entry have this photo already (the same bytes, by any name)?"""
    return (
        conn.execute(
            "SELECT 1 FROM photos WHERE entry_id = ? AND sha256 = ?",
            (entry_id, sha256),
        ).fetchone()
        is not None
    )


def entry_photos(conn: sqlite3.Connection, entry_id: int) -> list[Photo]:
    """An entry's photos, in the order they were added."""
    database = files.database_of(conn)
    return [
        Photo(row["name"], row["size"], files.path_of(database, row["sha256"]))
        for row in conn.execute(
            "SELECT name, size, sha256 FROM photos WHERE entry_id = ? ORDER BY id",
            (entry_id,),
        )
    ]


def remove_with_entry(changes: Changes, entry_id: int) -> None:
    """Delete an entry's photo rows (before the entry: they point at it), keeping
    them in the history so that `undo` brings them back with it."""
    for row in changes.conn.execute(
        "SELECT id FROM photos WHERE entry_id = ? ORDER BY id", (entry_id,)
    ).fetchall():
        changes.delete("photos", row["id"])


def forget_photos(conn: sqlite3.Connection, entry_ids: Iterable[int]) -> int:
    """Inside `resident forget`'s transaction: the photos of these entries go for
    good, their rows and their history (which `undo` cannot reach past a forget);
    the files go at the next `sweep`. Returns how many went."""
    ids = sorted(set(entry_ids))
    if not ids:
        return 0
    marks = ", ".join("?" for _ in ids)
    rows = [
        row[0]
        for row in conn.execute(
            f"SELECT id FROM photos WHERE entry_id IN ({marks})", ids
        )
    ]
    for photo_id in rows:
        conn.execute(
            "UPDATE history SET"
            " before = CASE WHEN before IS NULL THEN NULL ELSE ?1 END,"
            " after = CASE WHEN after IS NULL THEN NULL ELSE ?1 END"
            " WHERE table_name = 'photos' AND record_id = ?2",
            (f'{{"id": {photo_id}, "forgotten": true}}', photo_id),
        )
        conn.execute("DELETE FROM photos WHERE id = ?", (photo_id,))
    return len(rows)


_WANTED = """
SELECT sha256 FROM photos
UNION
SELECT json_extract(h.before, '$.sha256') FROM history h
 WHERE h.table_name = 'photos' AND h.action = 'delete' AND h.undoes IS NULL
   AND json_extract(h.before, '$.sha256') IS NOT NULL
   AND h.op NOT IN (SELECT undoes FROM history WHERE undoes IS NOT NULL)
   AND h.op > coalesce((SELECT max(op) FROM history WHERE table_name = 'residents'
       AND action = 'delete' AND json_extract(before, '$.forgotten')), 0)
"""


def sweep(conn: sqlite3.Connection) -> int:
    """Remove the kept files nothing can bring back (see the module); returns how
    many. In a write transaction, so that no command adds a photo meanwhile."""
    try:
        database = files.database_of(conn)
    except GridlogError:
        return 0
    if not files.kept_names(database):
        return 0
    with transaction(conn):
        wanted = {row[0] for row in conn.execute(_WANTED)}
        return files.remove_unwanted(database, wanted)
