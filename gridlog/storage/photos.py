"""The photos kept with entries, as files in a private folder beside the database
(`gridlog.db` → `gridlog.db.photos/`): owner-only (0700, files 0600), like every
other file gridlog writes, since a photo of a doorway shows whose it is.

A photo is stored once by its content: its name is the base32 of its SHA-256, so
the same photo on two entries (or arriving twice by merge) is one file, and an
export can carry it by hash. Base32 (letters and the digits 2-7) rather than hex,
because a path is shown on screen, where every run of digits that looks like a
mobile number (1[3-9]…) is masked: a base32 name never holds a 1.

A file is written under a temporary name and renamed into place only when whole
(`files.write_private`), so a full disk or a kill never leaves a half photo under
a real name; the leftovers cleaner removes the temporary one. Which files are
still wanted is the domain's business (`domain.photos`); here are only files.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from gridlog.errors import GridlogError
from gridlog.storage.files import open_private, write_private, writing_errors
from gridlog.storage.leftovers import PHOTOS_SUFFIX, announced, temporary_name

# Larger than any phone photo; a video or a scan of a whole folder is not a photo.
LIMIT_MB = 20
LIMIT = LIMIT_MB * 1024 * 1024
FOLDER = 0o700


class Incoming(NamedTuple):
    """A photo read and checked, not yet kept."""

    name: str  # the file's own name, as the worker knows it
    data: bytes
    sha256: str  # hex

    @property
    def size(self) -> int:
        return len(self.data)


def folder_of(database: Path) -> Path:
    """Where the photos of the log at `database` are kept."""
    return database.with_name(database.name + PHOTOS_SUFFIX)


def database_of(conn: sqlite3.Connection) -> Path:
    """The file of the open log (photos live beside it)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    raise GridlogError("photo.no_folder")


def file_name(sha256: str) -> str:
    """The stored name of a photo with this (hex) SHA-256; see the module."""
    digest = bytes.fromhex(sha256)
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def path_of(database: Path, sha256: str) -> Path:
    return folder_of(database) / file_name(sha256)


def read_photo(path: Path) -> Incoming:
    """A photo the worker named, read whole: refused clearly when it is missing, a
    folder, unreadable or larger than `LIMIT`, before anything is written."""
    if path.is_dir():
        raise GridlogError("photo.is_dir", path=str(path), exit_code=2)
    if not path.exists():
        raise GridlogError("photo.missing", path=str(path), exit_code=2)
    if not path.is_file():  # a pipe or a device: reading it might never end
        raise GridlogError("photo.unreadable", path=str(path), exit_code=2)
    try:
        size = path.stat().st_size
        if size > LIMIT:
            raise GridlogError(
                "photo.too_big",
                path=str(path),
                mb=f"{size / 1024 / 1024:.1f}",
                limit=LIMIT_MB,
                exit_code=2,
            )
        with path.open("rb") as file:
            data = file.read(LIMIT + 1)
    except OSError:
        raise GridlogError("photo.unreadable", path=str(path), exit_code=2) from None
    if len(data) > LIMIT:  # it grew while being read: a stream, not a photo
        raise GridlogError(
            "photo.too_big", path=str(path), mb=f">{LIMIT_MB}", limit=LIMIT_MB,
            exit_code=2,
        )  # fmt: skip
    return Incoming(path.name, data, hashlib.sha256(data).hexdigest())


def keep(database: Path, photo: Incoming) -> bool:
    """Store `photo` beside `database` unless it is there already; True when this
    call wrote the file (so that a failed command can take it away again)."""
    target = path_of(database, photo.sha256)
    if target.is_file() and target.stat().st_size == photo.size:
        return False  # the same content, by its name (a copy cut short is rewritten)
    _private_folder(folder_of(database))
    write_private(target, photo.data)
    return True


def load(database: Path, sha256: str) -> bytes | None:
    """A kept photo's bytes, or None when its file is gone or no longer holds
    them (changed on disk by something else)."""
    try:
        data = path_of(database, sha256).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def discard(database: Path, sha256s: Iterable[str]) -> int:
    """Remove these photos' files; returns how many were there."""
    removed = 0
    for sha256 in sha256s:
        with contextlib.suppress(FileNotFoundError):
            path_of(database, sha256).unlink()
            removed += 1
    return removed


def kept_names(database: Path) -> set[str]:
    """The stored names in the folder (temporary files, hidden, are not photos)."""
    try:
        names = os.listdir(folder_of(database))
    except (FileNotFoundError, NotADirectoryError):
        return set()
    return {name for name in names if not name.startswith(".")}


def remove_unwanted(database: Path, wanted: Iterable[str]) -> int:
    """Remove every kept file whose hash is not in `wanted`; returns how many."""
    keep_names = {file_name(sha256) for sha256 in wanted}
    removed = 0
    for name in kept_names(database) - keep_names:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            (folder_of(database) / name).unlink()
            removed += 1
    return removed


def copy_folder(database: Path, target: Path) -> int:
    """Copy the photos of the log at `database` beside the copy `target`, into a
    private folder renamed into place once complete; returns how many."""
    names = sorted(kept_names(database))
    if not names:
        return 0
    destination = folder_of(target)
    if destination.exists():
        raise GridlogError("backup.exists", path=str(destination))
    partial = temporary_name(destination, "partial")
    with announced(partial):
        _copy_into(database, names, partial, destination)
    return len(names)


def _copy_into(
    database: Path, names: list[str], partial: Path, destination: Path
) -> None:
    """Copy into `partial`, rename it to `destination`; never leave `partial`."""
    try:
        _private_folder(partial)
        for name in names:
            with writing_errors(partial), open_private(partial / name) as file:
                file.write((folder_of(database) / name).read_bytes())
        os.replace(partial, destination)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _private_folder(folder: Path) -> None:
    with writing_errors(folder):
        folder.mkdir(mode=FOLDER, exist_ok=True)
        os.chmod(folder, FOLDER)  # whatever the umask said, or an older folder was
