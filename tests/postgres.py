"""A throw-away PostgreSQL cluster for the hub's tests: `initdb` and `pg_ctl` in a
temporary folder, on a free port, stopped and removed at the end.

PostgreSQL refuses to run as root, so when the tests do (as CI does), the server
runs as the `postgres` user. The administrator connects over the folder's Unix
socket without a password (`local trust`); workers connect over TCP with their
passwords (`host scram-sha-256`), as they would to a real hub.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def server_binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's newest version."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A running server; `admin_url` is the superuser over the socket."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.folder}&port={self.port}"


@contextlib.contextmanager
def cluster() -> Iterator[Cluster]:
    binaries = server_binaries()
    assert binaries is not None
    folder = Path(tempfile.mkdtemp(prefix="gridlog-hub-"))
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()

    def run(*argv: str) -> None:
        subprocess.run([*prefix, *argv], check=True, capture_output=True, cwd=folder)

    try:
        run(
            str(binaries / "initdb"),
            *("-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale"),
            *("--auth-local=trust", "--auth-host=scram-sha-256"),
        )
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=100"
        )
        # -l: the server's output to a file, not to our pipes (which it would hold
        # open, and `run` would wait for their end as long as the server runs).
        log = str(folder / "server.log")
        run(
            str(binaries / "pg_ctl"),
            *("-D", str(data), "-o", options, "-l", log),
            "-w",
            "start",
        )
        yield Cluster(folder, port)
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
