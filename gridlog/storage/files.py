"""Files gridlog writes besides its database (reports, exports, backups, reject
files): created readable by their owner only, whatever the process umask says,
because they hold residents' names, places and phone numbers; written under a
temporary name and renamed into place only when whole, so a failure (a full disk, a
kill) never leaves a file that looks complete; and never written over the database,
over the file being read, or over an existing file nobody said to replace."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from gridlog.errors import GridlogError

PRIVATE = 0o600
DB_COMPANIONS = ("-wal", "-shm", "-journal")


def database_files(db: Path) -> list[Path]:
    """The database and the files SQLite keeps beside it: none may be an output."""
    return [db, *(db.with_name(db.name + suffix) for suffix in DB_COMPANIONS)]


def check_output(
    target: Path,
    *,
    database: Path,
    inputs: Sequence[Path] = (),
    force: bool = False,
) -> None:
    """Refuse an output path that would destroy something: the database or one of
    its files, a file being read, a folder, or (without `force`) any existing file.
    Paths are compared as real paths, through symlinks, and as the same file on
    disk (hard links)."""
    real = target.resolve()
    for guarded, key in [
        *((p, "output.is_database") for p in database_files(database)),
        *((p, "output.is_input") for p in inputs),
    ]:
        if real == guarded.resolve() or _same_file(target, guarded):
            raise GridlogError(key, path=str(target))
    if target.is_dir():
        raise GridlogError("output.is_dir", path=str(target))
    if not real.parent.is_dir():
        raise GridlogError("backup.no_dir", path=str(target.parent))
    if target.exists() and not force:
        raise GridlogError("output.exists", path=str(target))
    if target.is_symlink() and not target.exists() and not force:
        raise GridlogError("output.exists", path=str(target))  # a dangling link


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def open_private(path: Path) -> BinaryIO:
    """Open `path` for writing (truncating it), owner-only from the first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A private file that becomes `path` only once everything was written to it;
    on any failure the partial file is removed and `path` is as it was."""
    from gridlog.storage.leftovers import announced, temporary_name

    partial = temporary_name(path, "partial")
    try:
        with writing_errors(path), announced(partial):
            with open_private(partial) as file:
                yield file
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


@contextlib.contextmanager
def writing_errors(path: Path) -> Iterator[None]:
    """What the system says when a file cannot be written, as one line for the user."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, IsADirectoryError):
            raise GridlogError("output.is_dir", path=str(path)) from None
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise GridlogError("output.full", path=str(path)) from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise GridlogError("output.denied", path=str(path)) from None
        if isinstance(exc, FileNotFoundError):
            raise GridlogError("backup.no_dir", path=str(path.parent)) from None
        raise


def write_private(path: Path, data: bytes) -> None:
    """`data` as the whole of `path`, private, and only if all of it was written."""
    with replacing(path) as file:
        file.write(data)
