"""A large import's WAL written out to the disk while the import still works on it.
Once its file is read, an import builds its indexes anew and commits: seconds of
work for one core while the disk idles, then seconds of waiting for the disk to take
the WAL. Syncing the WAL every moment meanwhile, from a thread, lets the disk take
most of it while the indexes are built; the commit then waits only for the rest. A
sync never changes what is written, only when it reaches the disk.

Only the WAL, never the database file: SQLite's locks on the database are POSIX
locks, which belong to the process and the file, so closing any descriptor of the
database would drop the locks the process's connection holds (and another gridlog
could then take the WAL away from under it). SQLite locks the WAL-index, not the
WAL."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

_SYNC = getattr(os, "fdatasync", os.fsync)


class WriteBehind:
    """Syncs the WAL of the database `path` every `every` seconds between `start`
    and `stop`. Where the WAL cannot be opened or synced (there is none yet, or the
    system will not sync a file opened for reading), it is left to SQLite's own
    syncs."""

    def __init__(self, path: Path, every: float = 0.25) -> None:
        self.wal = path.with_name(path.name + "-wal")
        self.every = every
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        try:
            wal = os.open(self.wal, os.O_RDONLY)
        except OSError:
            return
        try:
            while not self._stopping.wait(self.every):
                with contextlib.suppress(OSError):
                    _SYNC(wal)
        finally:
            os.close(wal)
