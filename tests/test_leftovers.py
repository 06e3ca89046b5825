"""What a killed gridlog leaves behind: `encrypt`, `decrypt`, `export` and `backup`
SIGKILLed at random moments, in real processes. Whatever a kill leaves (the plain
`.converting` copy of a decrypt, the `.partial` file of an export or backup) is
owner-only, and the next start removes it; a database a killed `encrypt` left in
rollback-journal mode is put back into WAL, and `check` says which mode it is in.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridlog.storage.db import is_encrypted

try:
    import sqlcipher3
except ImportError:  # the `encryption` extra is not installed here
    sqlcipher3 = None

KEY = "马辉的口令 it's long enough"
KILLS = 10  # per command: each kill, then a start, takes about a second
ROWS = 3000


def env_for(db_path: Path, *, key: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDLOG_")}
    env |= {"GRIDLOG_DB": str(db_path), "GRIDLOG_LANG": "en"}
    env |= {"GRIDLOG_TZ": "Asia/Shanghai", "GRIDLOG_NOW": "2019-03-14T08:00:00"}
    if key:
        env["GRIDLOG_KEY"] = KEY
    return env


def start(db_path: Path, *args: str) -> subprocess.Popen:
    keyed = (db_path.exists() and is_encrypted(db_path)) or args[0] == "encrypt"
    return subprocess.Popen(
        [sys.executable, "-m", "gridlog", *args],
        env=env_for(db_path, key=keyed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def hidden(*folders: Path) -> list[Path]:
    return [p for f in folders for p in f.iterdir() if p.name.startswith(".")]


def killed_at_random(db_path: Path, args, rng: random.Random, span: float) -> None:
    process = start(db_path, *args)
    time.sleep(rng.uniform(0, span))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def next_start_is_clean(db_path: Path, *folders: Path) -> None:
    """Before: whatever was left is owner-only. After one start: nothing is left,
    and the database is whole and in WAL mode."""
    for leftover in hidden(*folders):
        if not leftover.is_symlink():
            assert stat.S_IMODE(leftover.stat().st_mode) & 0o077 == 0, leftover
    keyed = is_encrypted(db_path)
    check = subprocess.run(
        [sys.executable, "-m", "gridlog", "check"],
        env=env_for(db_path, key=keyed),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert hidden(*folders) == []
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Journal mode: wal" in check.stdout
    assert f"entries {ROWS}" in check.stdout


@pytest.fixture
def big_log(gridlog, red_grids, db_path, tmp_path) -> Path:
    rows = "\n".join(f"2019-03-0{1 + i % 9},红四,第{i}次入户走访" for i in range(ROWS))
    sheet = tmp_path / "old.csv"
    sheet.write_text("日期,网格,内容\n" + rows, encoding="utf-8")
    result = gridlog("import", str(sheet))
    assert result.exit_code == 0, result.output
    sheet.unlink()
    return db_path


def duration(db_path: Path, *args: str) -> float:
    began = time.monotonic()
    assert start(db_path, *args).wait(timeout=120) == 0
    return time.monotonic() - began


@pytest.mark.skipif(sqlcipher3 is None, reason="sqlcipher3 missing")
def test_killed_encrypt_and_decrypt_leave_nothing_after_the_next_start(big_log):
    rng = random.Random(13)
    span = duration(big_log, "encrypt") * 1.2  # and it is now encrypted
    for _ in range(KILLS):
        command = "decrypt" if is_encrypted(big_log) else "encrypt"
        killed_at_random(big_log, [command], rng, span)
        next_start_is_clean(big_log, big_log.parent)


@pytest.mark.parametrize("command", ["export", "backup"])
def test_killed_export_and_backup_leave_nothing_after_the_next_start(
    big_log, tmp_path, command
):
    rng = random.Random(8)
    out = tmp_path / "usb"
    out.mkdir()

    def args(i: int) -> list[str]:
        if command == "export":
            return ["export", str(out / "all.jsonl"), "--force"]
        return ["backup", str(out / f"copy-{i}.db")]

    span = duration(big_log, *args(0)) * 1.2
    for leftover in out.iterdir():
        leftover.unlink()
    for i in range(1, KILLS + 1):
        killed_at_random(big_log, args(i), rng, span)
        next_start_is_clean(big_log, big_log.parent, out)
