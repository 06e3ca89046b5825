"""An import killed with SIGKILL at random moments, over and over: the database always
opens and passes the integrity checks (its search index included), holds whole
batches only (every batch the import reported, perhaps the one it was about to
report), never a row twice, and running the import again finishes it.

The file is read in a second process, as a large file is, so that a kill may land
while everything stored is still one open transaction (the file not yet read to the
end) or between the batches that follow.

The same harness run against a deliberately broken gridlog, one that writes each
statement in its own transaction, catches it: the test can fail.
"""

from __future__ import annotations

import os
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROWS = 3000
BATCH = 100
KILLS = 60
REPORTED = re.compile(r"… ([\d,]+) rows stored")
# Runs gridlog with every write transaction removed: each statement then commits
# on its own, as with a careless autocommit.
BROKEN = (
    "import contextlib, gridlog.storage.history as h;"
    "h.transaction = lambda conn: contextlib.nullcontext(conn);"
    "from gridlog.cli.main import run; run()"
)
# Runs gridlog on what behaves like a slow disk: each batch takes 20 ms more to
# store, so the file is read to the end well before it is stored, and most kills
# land among the batches that follow the first commit.
SLOW_DISK = (
    "import time, gridlog.storage.bulk as b; store = b.store;"
    "b.store = lambda *a, **k: (time.sleep(0.02), store(*a, **k))[1];"
    "from gridlog.cli.main import run; run()"
)


@dataclass
class Tally:
    kills: int = 0
    finished: int = 0
    violations: int = 0
    partial: int = 0  # kills that left some of the file stored, not all
    progressed: int = 0  # kills after which more was stored than before
    completed: int = 0  # runs that ended on their own, before their kill


def write_log(path: Path) -> list[str]:
    """ROWS visits, each text different, oldest first."""
    texts = [f"第{i}次入户走访，记录编号{i:05d}" for i in range(ROWS)]
    lines = ["日期,时间,网格,内容"]
    for i, text in enumerate(texts):
        day, minute = divmod(i, 600)
        lines.append(
            f"2018-0{1 + day // 28}-{1 + day % 28:02d},"
            f"{8 + minute // 60:02d}:{minute % 60:02d},红四,{text}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return texts


def start_import(command: list[str], csv_path: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [*command, "import", str(csv_path), "--batch-size", str(BATCH), "--apart"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_texts(db_path: Path) -> list[str]:
    """What the database holds, after checking that it opens whole, its search
    index matches the entries, and the search triggers are in place."""
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute(
            "INSERT INTO entries_search (entries_search, rank)"
            " VALUES ('integrity-check', 1)"
        )  # raises if the index and the entries differ
        triggers = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
            " AND name IN ('entries_search_insert', 'followups_search_insert')"
        ).fetchone()[0]
        assert triggers == 2
        return [row[0] for row in conn.execute("SELECT text FROM entries ORDER BY at")]
    finally:
        conn.close()


def reported(stderr: str) -> int:
    counts = [int(m.replace(",", "")) for m in REPORTED.findall(stderr)]
    return max(counts, default=0)


def crash_repeatedly(
    command, gridlog, tmp_path, kills: int, seed: int, strict: bool = True
) -> Tally:
    """Import, kill at a random moment, check, import again; `kills` times."""
    rng = random.Random(seed)
    csv_path = tmp_path / "old.csv"
    texts = write_log(csv_path)
    env = import_env(tmp_path)
    tally = Tally()
    span = whole_import(command, csv_path, env, gridlog, tmp_path)
    before = 0
    for _run in range(kills * 10):  # a bound: most runs are killed
        if tally.kills == kills:
            break
        process = start_import(command, csv_path, env)
        time.sleep(rng.uniform(0.05, span))
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
            tally.kills += 1
        else:
            tally.completed += 1
        _, stderr = process.communicate(timeout=120)
        assert killed or process.returncode == 0, stderr
        try:
            stored = stored_texts(Path(env["GRIDLOG_DB"]))
        except (AssertionError, sqlite3.DatabaseError):
            stored = None
        said = reported(stderr)
        if not _consistent(stored, texts, said, before):
            tally.violations += 1
            if strict:
                count = "?" if stored is None else len(stored)
                pytest.fail(
                    f"after kill {tally.kills}: {count} rows stored, "
                    f"{said} reported, {before} before"
                )
            stored = stored or []
        tally.partial += before < len(stored) < ROWS
        tally.progressed += killed and len(stored) > before
        before = len(stored)
        if len(stored) == ROWS:  # finished: start over on a fresh database
            tally.finished += 1
            start_afresh(gridlog, tmp_path)
            before = 0
    assert tally.kills == kills, tally
    # Residents' data never stays behind on the disk: at most an empty spool, if a
    # kill lands between its creation and the reading process opening it.
    spools = Path(env["TMPDIR"])
    assert all(
        spool.stat().st_size == 0 for spool in spools.rglob("*") if spool.is_file()
    )
    return tally


def import_env(tmp_path: Path) -> dict:
    spools = tmp_path / "tmp"  # where the reading process spools the rows it read
    spools.mkdir(exist_ok=True)
    return {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(spools)}


def crash_midway(command, gridlog, tmp_path: Path) -> int:
    """Kill an import as soon as it reports a stored batch, until one leaves the
    database part-imported (twenty tries at most); how many rows it left."""
    env = import_env(tmp_path)
    db_path = Path(env["GRIDLOG_DB"])
    for _try in range(20):
        left = len(stored_texts(db_path))
        if 0 < left < ROWS:
            return left
        if left == ROWS:
            start_afresh(gridlog, tmp_path)
        process = start_import(command, tmp_path / "old.csv", env)
        said = ""
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([process.stderr], [], [], 0.5)
            if ready:
                chunk = os.read(process.stderr.fileno(), 4096)
                said += chunk.decode("utf-8", "replace")
                if reported(said):
                    break
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=120)
    raise AssertionError("no kill left a part-imported database in twenty tries")


def whole_import(command, csv_path: Path, env: dict, gridlog, tmp_path) -> float:
    """How long a whole import takes, on a fresh database left fresh again."""
    start_afresh(gridlog, tmp_path)
    started = time.monotonic()
    process = start_import(command, csv_path, env)
    _, stderr = process.communicate()
    took = time.monotonic() - started
    assert process.returncode == 0, stderr
    start_afresh(gridlog, tmp_path)
    return took


def start_afresh(gridlog, tmp_path: Path) -> None:
    for leftover in tmp_path.glob("gridlog.db*"):
        leftover.unlink()
    assert gridlog("grid", "add", "红四网格", "--alias", "红四").exit_code == 0


def _consistent(stored: list[str] | None, texts: list[str], said: int, before: int):
    """Whole batches of the file in order, every reported one among them. Only the
    last commit may be unreported: a batch, or the first commit of a run, which holds
    all that was stored while the file was being read (so any number of batches)."""
    if stored is None:
        return False
    count = len(stored)
    whole = stored == texts[:count] and count % BATCH in (0, ROWS % BATCH)
    if said == 0:
        return whole and count >= before
    done = max(before, said)
    return whole and done <= count <= done + BATCH


def test_an_import_killed_sixty_times_keeps_whole_batches_and_finishes(
    gridlog, red_grids, db_path, tmp_path
):
    fast = crash_repeatedly(
        [sys.executable, "-m", "gridlog"], gridlog, tmp_path, KILLS // 2, seed=11
    )
    slow = crash_repeatedly(
        [sys.executable, "-c", SLOW_DISK], gridlog, tmp_path, KILLS // 2, seed=12
    )
    assert fast.kills + slow.kills == KILLS
    assert fast.violations == slow.violations == 0
    # The kills landed while the imports worked, not all before they began: some
    # left more stored than before, some landed between batches, and imports got
    # to the end of the file. The numbers vary with the machine's load: one run
    # gave fast 2 kills with progress and 3 finished, slow 8 with progress, 4
    # between batches and 5 finished; one during the full suite on a loaded
    # 2-core machine gave slow 3, 3 and 0 finished. Most fast kills land while
    # all that is stored is still one open transaction.
    assert fast.progressed + slow.progressed >= 3, (fast, slow)
    assert slow.partial >= 1, slow  # kills landed between batches
    assert fast.finished + slow.finished >= 1, (fast, slow)
    # and, without a kill, the import finishes what a killed one left
    texts = write_log(tmp_path / "old.csv")
    left = crash_midway([sys.executable, "-c", SLOW_DISK], gridlog, tmp_path)
    assert 0 < left < ROWS
    result = subprocess.run(
        [sys.executable, "-m", "gridlog", "import", str(tmp_path / "old.csv")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert stored_texts(db_path) == texts  # each row once, in order
    assert f"Imported {ROWS - left:,} entries" in result.stdout, result.stdout
    assert f"{left:,} rows were imported before" in result.stdout, result.stdout


def test_the_harness_catches_half_batches_of_a_broken_gridlog(
    gridlog, red_grids, tmp_path
):
    tally = crash_repeatedly(
        [sys.executable, "-c", BROKEN], gridlog, tmp_path, kills=8, seed=5, strict=False
    )
    assert tally.violations > 0
