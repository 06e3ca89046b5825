"""Time gridlog's everyday commands as whole processes, against a baseline.

Each command runs as a user runs it (the `gridlog` console script, a fresh process),
after one warm-up run, RUNS times; the script prints the median and the ratio to the
median of B = `python -c "import sqlite3"` measured in the same script, interleaved
with the commands so that machine noise hits both alike.

    python benchmarks/commands.py --db examples/demo.db --now 2019-03-15T07:50

Writes (`add`) go to a throw-away copy of the database, never the original.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import sqlite3"]


def commands(gridlog: str) -> dict[str, list[str]]:
    return {
        "due": [gridlog, "due"],
        "add 下周一": [gridlog, "add", "基准测试走访", "--grid", "红四", "--follow-up", "下周一"],
        "log --limit 50": [gridlog, "log", "--limit", "50"],
        "show": [gridlog, "show", "1"],
        "grid list": [gridlog, "grid", "list"],
        "--help": [gridlog, "--help"],
    }


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("examples/demo.db"))
    parser.add_argument("--now", default="2019-03-15T07:50")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", nargs="*", help="command labels to run")
    args = parser.parse_args()
    gridlog = shutil.which("gridlog") or sys.exit("gridlog is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        shutil.copy(args.db, db)
        env = dict(os.environ, GRIDLOG_DB=str(db), GRIDLOG_NOW=args.now,
                   GRIDLOG_TZ="Asia/Shanghai", GRIDLOG_LANG="zh")
        chosen = {k: v for k, v in commands(gridlog).items()
                  if not args.only or k in args.only}
        base: list[float] = []
        times: dict[str, list[float]] = {label: [] for label in chosen}
        for argv in [BASELINE, *chosen.values()]:
            timed(argv, env)  # warm-up: caches, .pyc files
        for _ in range(args.runs):
            for label, argv in chosen.items():
                base.append(timed(BASELINE, env))
                times[label].append(timed(argv, env))
        b = statistics.median(base)
        print(f"database: {args.db} ({args.db.stat().st_size / 1e6:.1f} MB), "
              f"{args.runs} runs each, medians")
        print(f"{'command':<18}{'median ms':>10}{'× B':>8}")
        print(f"{'B (import sqlite3)':<18}{b * 1000:>10.1f}{1:>8.2f}")
        for label, values in times.items():
            m = statistics.median(values)
            print(f"{label:<18}{m * 1000:>10.1f}{m / b:>8.2f}")


if __name__ == "__main__":
    main()
