"""Every test gets its own database, a pinned clock and zone, and English unless it
asks for Chinese; `gridlog(...)` runs the real entry point in-process."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridlog.cli.main import main
from gridlog.storage.db import open_db


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


Runner = Callable[..., Result]


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("GRIDLOG_") or name in ("LANG", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name)
    db_path = tmp_path / "gridlog.db"
    monkeypatch.setenv("GRIDLOG_DB", str(db_path))
    monkeypatch.setenv("GRIDLOG_TZ", "Asia/Shanghai")
    monkeypatch.setenv("GRIDLOG_LANG", "en")
    monkeypatch.setenv("GRIDLOG_NOW", "2019-03-14T08:00:00")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return db_path


@pytest.fixture
def db_path(hermetic: Path) -> Path:
    return hermetic


@pytest.fixture
def gridlog(monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run `gridlog ARGS...`; `now=` pins the clock for this one call."""

    def run(*args: str, now: str | None = None, stdin: str = "") -> Result:
        pinned = os.environ["GRIDLOG_NOW"]
        if now is not None:
            os.environ["GRIDLOG_NOW"] = now
        try:
            if run.through is not None:  # another user's process: `unprivileged`
                return run.through(list(args), stdin)
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                code = main(list(args))
        finally:
            os.environ["GRIDLOG_NOW"] = pinned
        return Result(code, out.getvalue(), err.getvalue())

    run.through = None
    return run


# --- a user whom file modes bind ----------------------------------------------------

NOBODY = 65534  # the uid and gid of nobody/nogroup (nobody/nobody elsewhere)
# Ways for root to run a process as nobody, tried in this order.
_DROP_PRIVILEGES = (
    ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"),
    ("runuser", "-u", "nobody", "--"),
)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@functools.cache
def _drop_privileges() -> tuple[str, ...] | None:
    """A command prefix that runs this Python, with gridlog importable, as nobody;
    None when there is none (no setpriv nor runuser, or nobody cannot reach it)."""
    for prefix in _DROP_PRIVILEGES:
        if shutil.which(prefix[0]) is None:
            continue
        probe = [*prefix, sys.executable, "-c", "import gridlog"]
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(probe, capture_output=True, cwd="/", timeout=60)
            if done.returncode == 0:
                return prefix
    return None


def _run_process(prefix: tuple[str, ...], home: Path, args: list[str], stdin: str):
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "gridlog", *args],
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUTF8": "1"},
        cwd=home,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@dataclass
class Unprivileged:
    home: Path  # a folder that the user running gridlog owns
    db: Path  # the database gridlog now uses
    uid: int | None  # whom to give what the test makes for it (None: ourselves)

    def own(self, path: Path) -> Path:
        if self.uid is not None:
            os.chown(path, self.uid, self.uid)
        return path


@pytest.fixture
def unprivileged(
    request: pytest.FixtureRequest,
    gridlog: Runner,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[], Unprivileged]:
    """From the call on, `gridlog(...)` runs as a user whom file modes bind, so that
    a refusal on a read-only file or folder is really exercised: ourselves, or, as
    root (as CI runs), a real gridlog process run as nobody on a copy of the
    database in a folder of its own. Skips only when root cannot drop privileges."""

    def become() -> Unprivileged:
        if not is_root():
            return Unprivileged(tmp_path, db_path, None)
        prefix = _drop_privileges()
        if prefix is None:
            pytest.skip(
                "root, and neither setpriv nor runuser can run gridlog as nobody"
            )
        home = Path(tempfile.mkdtemp(prefix="gridlog-nobody-"))
        request.addfinalizer(lambda: shutil.rmtree(home, ignore_errors=True))
        db = home / db_path.name
        source, copy = sqlite3.connect(db_path), sqlite3.connect(db)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        for path in (home, db):
            os.chown(path, NOBODY, NOBODY)
        monkeypatch.setenv("GRIDLOG_DB", str(db))
        monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
        monkeypatch.setattr(
            gridlog, "through", functools.partial(_run_process, prefix, home)
        )
        return Unprivileged(home, db, NOBODY)

    return become


@pytest.fixture
def read_db(db_path: Path) -> Callable[[], sqlite3.Connection]:
    """A read-only connection to the test database, for checking what was stored."""

    def connect() -> sqlite3.Connection:
        return open_db(db_path, write=False)

    return connect


@pytest.fixture
def red_grids(gridlog: Runner) -> None:
    """Two grids of 金马二社区, with buildings, as a worker would register them."""
    result = gridlog(
        "grid",
        "add",
        "红四网格",
        "--alias",
        "红四",
        "--worker",
        "马辉",
        "--households",
        "210",
        "--building",
        "9号楼",
        "--building",
        "10号楼",
    )
    assert result.exit_code == 0, result.output
    result = gridlog(
        "grid",
        "add",
        "红一网格",
        "--alias",
        "红一",
        "--building",
        "冶金一号楼",
        "--building",
        "6号楼",
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def template(gridlog, red_grids, db_path, tmp_path) -> Path:
    """The log of `red_grids` (two grids, four buildings), copied per example."""
    path = tmp_path / "template.db"
    source, copy = sqlite3.connect(db_path), sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return path


@pytest.fixture(scope="session")
def hub_cluster():
    """One throw-away PostgreSQL for the session (see tests/postgres.py); where
    none is installed the hub's tests skip, unless GRIDLOG_REQUIRE_POSTGRES is set
    (as CI sets it), when they fail."""
    import postgres

    if postgres.server_binaries() is None:
        if os.environ.get("GRIDLOG_REQUIRE_POSTGRES"):
            pytest.fail(
                "GRIDLOG_REQUIRE_POSTGRES is set but no PostgreSQL is installed"
            )
        pytest.skip("no PostgreSQL server here (initdb, pg_ctl)")
    pytest.importorskip("psycopg")
    with postgres.cluster() as cluster:
        yield cluster


@dataclass
class HubDatabase:
    admin_url: str  # the superuser, over the Unix socket
    port: int
    name: str

    def url(self, login: str) -> str:
        """`login` over TCP, with a password (PGPASSWORD)."""
        return f"postgresql://{login}@127.0.0.1:{self.port}/{self.name}"


@pytest.fixture
def hub_db(hub_cluster, monkeypatch) -> Iterator[HubDatabase]:
    """A fresh hub database for one test, its administrator's URL in GRIDLOG_HUB;
    the workers' logins (roles span the cluster) are dropped afterwards."""
    import psycopg

    name = f"hub_{os.getpid()}_{next(_HUB_NUMBERS)}"
    with psycopg.connect(hub_cluster.admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = hub_cluster.admin_url.replace("/postgres?", f"/{name}?")
    monkeypatch.setenv("GRIDLOG_HUB", url)
    yield HubDatabase(url, hub_cluster.port, name)
    with psycopg.connect(hub_cluster.admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        logins = admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> 'postgres'"
        ).fetchall()
        for (login,) in logins:
            admin.execute(f'DROP ROLE "{login}"')


_HUB_NUMBERS = iter(range(1, 10**9))
