"""benchmarks/hub.py, the street-scale hub benchmark: the records it loads into the
hub are the lines `gridlog export` writes, and the whole script runs end to end on a
tiny street (its own throw-away PostgreSQL, as the hub's tests start one)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from gridlog.context import Context
from gridlog.storage import bulk
from gridlog.storage.db import open_db
from gridlog.transfer.export_jsonl import record_lines

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "hub.py"


def benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_hub", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_records_it_loads_are_the_lines_export_writes(tmp_path):
    """Made without a database, the lines equal what bulk loading the same rows and
    exporting them gives, but for the local ids (which a merge ignores)."""
    hub = benchmark()
    path = tmp_path / "office.db"
    hub.register_office(path, 3)
    registry = hub.Registry(path)
    rows = list(hub.generate.rows(400, registry.rows))
    for row in rows:
        row.uuid = str(uuid.uuid4())
    conn = open_db(path, write=True)
    ctx = Context(now=hub.NOW, zone=hub.generate.ZONE, worker="t", command="load")
    bulk.load(conn, ctx, rows)
    exported = {
        line["uuid"]: line
        for kind in ("entry", "followup")
        for line in record_lines(conn, kind)
    }
    conn.close()
    now = hub.NOW.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert now == ctx.now_utc
    made = [line for row in rows for line in hub.export_lines(row, registry, now, 1)]
    assert {line["type"] for line in made} == {"entry", "followup"}
    assert len(made) == len(exported)
    for line in made:
        assert {**line, "id": 0} == {**exported[line["uuid"]], "id": 0}


def needs_postgres() -> None:
    """Skip where no PostgreSQL is installed, unless CI requires one."""
    import postgres

    if postgres.server_binaries() is None:
        if os.environ.get("GRIDLOG_REQUIRE_POSTGRES"):
            pytest.fail(
                "GRIDLOG_REQUIRE_POSTGRES is set but no PostgreSQL is installed"
            )
        pytest.skip("no PostgreSQL server here (initdb, pg_ctl)")
    pytest.importorskip("psycopg")


def test_it_runs_end_to_end_on_a_tiny_street():
    needs_postgres()
    gridlog = Path(sys.executable).parent / "gridlog"
    # In /tmp itself, as tests/postgres.py does: the server's user (`postgres`, when
    # the tests run as root) must reach it, and pytest's own folders are root's only.
    folder = Path(tempfile.mkdtemp(prefix="gridlog-hub-bench-"))
    done = subprocess.run(
        [
            *(sys.executable, str(SCRIPT), "--gridlog", str(gridlog)),
            *("--folder", str(folder), "--grids", "3", "--entries", "600"),
            *("--pulls", "2", "--days", "1", "--changes", "2", "--runs", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout
    assert re.search(r"^first pull +\d+\.\d\d s", said, re.M), said
    assert re.search(r"^daily sync +\d+\.\d\d s", said, re.M), said
    assert re.search(r"^report --hub --month +\S", said, re.M), said
    assert re.search(r"^registered \d+ households", said, re.M), said
    entries = int(re.search(r"grid 1 on a device: (\d+) entries", said).group(1))
    assert entries > 100  # about a third of the street's 600, pulled
    moved = re.search(r"per sync: (.*)", said).group(1)
    pushed_pulled = [
        tuple(map(int, pair)) for pair in re.findall(r"(\d+), (\d+)", moved)
    ]
    assert len(pushed_pulled) == 2 and all(pushed >= 2 for pushed, _ in pushed_pulled)
    assert pushed_pulled[1][1] >= 2  # the second device pulled the first one's
    assert not folder.exists()  # no --keep: the cluster went


def test_a_kept_hub_is_reused_by_the_next_run():
    """A second run on the hub a first one kept works on the days after the
    first run's: closing one of the first run's cases, opened after the second
    run's own clock, would be refused."""
    needs_postgres()
    gridlog = Path(sys.executable).parent / "gridlog"
    folder = Path(tempfile.mkdtemp(prefix="gridlog-hub-bench-"))
    argv = [
        *(sys.executable, str(SCRIPT), "--gridlog", str(gridlog), "--keep"),
        *("--folder", str(folder), "--grids", "3", "--entries", "600"),
        *("--pulls", "1", "--days", "2", "--changes", "6", "--runs", "1"),
    ]
    try:
        for run in ("first", "second"):
            done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{run}: {done.stdout}{done.stderr}"
        assert "reusing the hub of 600 entries" in done.stdout
        assert re.search(r"^daily sync +\d+\.\d\d s", done.stdout, re.M)
    finally:
        benchmark().Cluster(folder).stop()
        subprocess.run(["rm", "-rf", str(folder)], check=False)
