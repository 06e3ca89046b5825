"""What encryption costs a command: the same commands, as whole processes, on a plain
database and on an encrypted copy of it, interleaved with B = `python -c "import
sqlite3"`, medians of RUNS after a warm-up.

    bash examples/tour.sh && python benchmarks/encryption.py examples/demo.db

Works on throw-away copies; the copy is encrypted with `gridlog encrypt`.
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

KEY = "一句足够长的口令 for the benchmark"
COMMANDS = {
    "due": ["due"],
    "log --limit 50": ["log", "--limit", "50"],
    "search": ["search", "漏水"],
    "add": ["add", "基准测试走访", "--grid", "红四"],
}


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, nargs="?", default="examples/demo.db")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--now", default="2019-03-15T07:50")
    args = parser.parse_args()
    gridlog = shutil.which("gridlog") or sys.exit("gridlog is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        plain, encrypted = Path(tmp) / "plain.db", Path(tmp) / "encrypted.db"
        shutil.copy(args.database, plain)
        shutil.copy(args.database, encrypted)
        base = dict(os.environ, GRIDLOG_NOW=args.now, GRIDLOG_TZ="Asia/Shanghai")
        base.pop("GRIDLOG_KEY", None)
        envs = {
            "plain": dict(base, GRIDLOG_DB=str(plain)),
            "encrypted": dict(base, GRIDLOG_DB=str(encrypted), GRIDLOG_KEY=KEY),
        }
        subprocess.run([gridlog, "encrypt"], env=envs["encrypted"], check=True)
        baseline = [sys.executable, "-c", "import sqlite3"]
        times: dict[tuple[str, str], list[float]] = {}
        b: list[float] = []
        for run in range(args.runs + 1):  # the first run is the warm-up
            for label, command in COMMANDS.items():
                for kind, env in envs.items():
                    took = timed([gridlog, *command], env)
                    if run:
                        times.setdefault((label, kind), []).append(took)
                took = timed(baseline, base)
                if run:
                    b.append(took)
    median_b = statistics.median(b) * 1000
    print(f"{args.runs} runs, medians in ms; B = {median_b:.1f} ms")
    print(f"{'command':<16}{'plain':>10}{'encrypted':>12}{'cost':>10}")
    for label in COMMANDS:
        p = statistics.median(times[(label, "plain")]) * 1000
        e = statistics.median(times[(label, "encrypted")]) * 1000
        print(f"{label:<16}{p:>10.0f}{e:>12.0f}{e - p:>+10.0f}")


if __name__ == "__main__":
    main()
