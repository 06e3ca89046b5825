"""Files gridlog writes besides its database (reports, exports, backups): created
readable by their owner only, whatever the process umask says, because they hold
residents' names, places and phone numbers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

PRIVATE = 0o600


def open_private(path: Path) -> BinaryIO:
    """Open `path` for writing (truncating it), owner-only from the first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path, data: bytes) -> None:
    with open_private(path) as file:
        file.write(data)
