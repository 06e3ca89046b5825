"""A large import's database written out to the disk while the import still works on
it. Once its file is read, an import builds its indexes anew and commits: minutes of
work for one core while the disk idles, then seconds of waiting for the disk to take
the whole log (the WAL synced, copied into the database, that synced). Syncing the
files every moment meanwhile, from a thread, lets the disk take most of it while the
indexes are built; the commit then waits only for what is left. A sync never changes
what is written, only when it reaches the disk."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

_SYNC = getattr(os, "fdatasync", os.fsync)


class WriteBehind:
    """Syncs the database `path` and its WAL every `every` seconds between
    `start` and `stop`. Where a file cannot be opened or synced (it is not there
    yet, or the system will not sync a file opened for reading), it is left to
    SQLite's own syncs."""

    def __init__(self, path: Path, every: float = 0.25) -> None:
        self.paths = (path, path.with_name(path.name + "-wal"))
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
        files = []
        for path in self.paths:
            with contextlib.suppress(OSError):
                files.append(os.open(path, os.O_RDONLY))
        try:
            while not self._stopping.wait(self.every):
                for file in files:
                    with contextlib.suppress(OSError):
                        _SYNC(file)
        finally:
            for file in files:
                os.close(file)
