"""An import killed with SIGKILL at random moments, over and over: the database always
opens and passes the integrity check, holds whole batches only (every batch the
import reported, perhaps the one it was about to report), never a row twice, and
running the import again finishes it.

The same harness run against a deliberately broken gridlog, one that writes each
statement in its own transaction instead of one per batch, catches half batches: the
test can fail.
"""

from __future__ import annotations

import os
import random
import re
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
    "import contextlib, gridlog.history as h;"
    "h.transaction = lambda conn: contextlib.nullcontext(conn);"
    "from gridlog.__main__ import run; run()"
)


@dataclass
class Tally:
    kills: int = 0
    finished: int = 0
    violations: int = 0


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
        [*command, "import", str(csv_path), "--batch-size", str(BATCH)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_texts(db_path: Path) -> list[str]:
    """What the database holds, after checking that it opens whole."""
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
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
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    tally = Tally()
    before = 0
    while tally.kills < kills:
        process = start_import(command, csv_path, env)
        first = ""
        if rng.random() < 0.75:  # mostly while batches are being stored
            first = process.stderr.readline()
            time.sleep(rng.uniform(0, 0.3))
        else:  # else at any moment: starting, checking, storing
            time.sleep(rng.uniform(0.05, 1.0))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            tally.kills += 1
        _, rest = process.communicate()
        stderr = first + rest
        stored = stored_texts(Path(env["GRIDLOG_DB"]))
        said = reported(stderr)
        whole = stored == texts[: len(stored)] and len(stored) % BATCH in (
            0,
            ROWS % BATCH,
        )
        in_step = max(before, said) <= len(stored) <= max(before, said + BATCH)
        if not (whole and in_step):
            tally.violations += 1
            if strict:
                pytest.fail(
                    f"after kill {tally.kills}: {len(stored)} rows stored, "
                    f"{said} reported, {before} before"
                )
        before = len(stored)
        if len(stored) == ROWS:  # finished: start over on a fresh database
            tally.finished += 1
            for leftover in tmp_path.glob("gridlog.db*"):
                leftover.unlink()
            assert gridlog("grid", "add", "红四网格", "--alias", "红四").exit_code == 0
            before = 0
    return tally


def test_an_import_killed_sixty_times_keeps_whole_batches_and_finishes(
    gridlog, red_grids, db_path, tmp_path
):
    tally = crash_repeatedly(
        [sys.executable, "-m", "gridlog"], gridlog, tmp_path, KILLS, seed=11
    )
    assert tally.kills == KILLS and tally.violations == 0
    # and, without a kill, the import finishes what the last one left
    result = subprocess.run(
        [sys.executable, "-m", "gridlog", "import", str(tmp_path / "old.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(stored_texts(db_path)) == ROWS


def test_the_harness_catches_half_batches_of_a_broken_gridlog(
    gridlog, red_grids, tmp_path
):
    tally = crash_repeatedly(
        [sys.executable, "-c", BROKEN], gridlog, tmp_path, kills=8, seed=5, strict=False
    )
    assert tally.violations > 0
