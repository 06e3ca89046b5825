"""Time gridlog's everyday commands as whole processes, against a baseline.

Each command runs as a user runs it (the `gridlog` console script, a fresh process),
after one warm-up run, RUNS times; the script prints medians and the ratio to the
median of B = `python -c "import sqlite3"`, which it measures interleaved with the
commands so that machine noise hits both alike. Several databases give one column
each, so that growth with the size of the log shows side by side.

    python benchmarks/generate.py --entries 1000000 --out benchmarks/data/1m.db
    python benchmarks/commands.py benchmarks/data/10k.db benchmarks/data/1m.db

Writes (`add`) go to a throw-away copy of each database, never the original.

`--against PATH` times a second gridlog (e.g. the console script of a venv where the
previous release is installed with a plain `pip install .`) in the same loop, each of
its runs next to the current one's, and prints its medians beside them:

    python benchmarks/commands.py examples/demo.db --against /tmp/before/bin/gridlog
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import sqlite3"]


def commands(gridlog: str, db: Path, month: str) -> dict[str, list[str]]:
    """The commands of the performance issue, with a grid and an id from `db`."""
    conn = sqlite3.connect(db)
    grid = conn.execute("SELECT name FROM grids ORDER BY id LIMIT 1").fetchone()[0]
    case = conn.execute("SELECT max(id) FROM followups").fetchone()[0]
    conn.close()
    return {
        "due": [gridlog, "due"],
        "add 下周一": [
            gridlog,
            "add",
            "基准测试走访",
            "--grid",
            grid,
            "--follow-up",
            "下周一",
        ],
        "log --limit 50": [gridlog, "log", "--limit", "50"],
        "show": [gridlog, "show", str(case)],
        "search 楼顶漏水": [gridlog, "search", "楼顶漏水"],
        "search 跑水": [gridlog, "search", "跑水"],
        "--help": [gridlog, "--help"],
        "report --month": [gridlog, "report", "--month", month],
    }


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def measure(
    db: Path, args, gridlog: str, against: str | None = None
) -> tuple[float, dict[str, float], dict[str, float]]:
    """Median of B and of each command on a copy of `db` (and of each command of
    the `against` gridlog, run in turn with it)."""
    with tempfile.TemporaryDirectory() as tmp:
        # Each gridlog gets a copy of its own: a newer one may upgrade its schema.
        copy, other_copy = Path(tmp) / "bench.db", Path(tmp) / "against.db"
        shutil.copy(db, copy)
        shutil.copy(db, other_copy)
        env = dict(
            os.environ,
            GRIDLOG_DB=str(copy),
            GRIDLOG_NOW=args.now,
            GRIDLOG_TZ="Asia/Shanghai",
            GRIDLOG_LANG="zh",
        )
        # The warm-up fills the page cache and writes gridlog's .pyc files, as any
        # Python does by default; a machine that forbids bytecode files would
        # otherwise recompile all of gridlog in every timed run (about 40 ms).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        other_env = dict(env, GRIDLOG_DB=str(other_copy))
        chosen = commands(gridlog, copy, args.month)
        other = commands(against, other_copy, args.month) if against else {}
        for argv in [BASELINE, *chosen.values()]:
            timed(argv, env)  # warm-up: page cache, .pyc files, schema upgrade
        for argv in other.values():
            timed(argv, other_env)
        base: list[float] = []
        times: dict[str, list[float]] = {label: [] for label in chosen}
        then: dict[str, list[float]] = {label: [] for label in other}
        for _ in range(args.runs):
            for label, argv in chosen.items():
                base.append(timed(BASELINE, env))
                times[label].append(timed(argv, env))
                if other:
                    then[label].append(timed(other[label], other_env))
    return (
        statistics.median(base),
        {k: statistics.median(v) for k, v in times.items()},
        {k: statistics.median(v) for k, v in then.items()},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "databases", nargs="*", type=Path, default=[Path("examples/demo.db")]
    )
    parser.add_argument("--now", default=None, help="GRIDLOG_NOW for the runs")
    parser.add_argument("--month", default=None, help="the month to report")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument(
        "--against", default=None, help="another gridlog to time alongside"
    )
    args = parser.parse_args()
    gridlog = shutil.which("gridlog") or sys.exit("gridlog is not installed")
    demo = args.databases == [Path("examples/demo.db")]
    args.now = args.now or ("2019-03-15T07:50" if demo else "2024-06-17T07:50")
    args.month = args.month or ("2019-03" if demo else "2024-05")
    results = {db: measure(db, args, gridlog, args.against) for db in args.databases}
    print(
        f"{args.runs} runs each, medians in ms, and × B (B = python -c 'import "
        "sqlite3', measured alongside)"
    )
    width = 34 if args.against else 22
    header = "".join(f"{db.name:>{width}}" for db in results)
    print(f"{'command':<16}{header}")
    row = "".join(
        f"{b * 1000:>12.1f}{'1.00':>10}" + " " * (width - 22)
        for b, _, _ in results.values()
    )
    print(f"{'B':<16}{row}")
    for label in next(iter(results.values()))[1]:
        cells = "".join(
            f"{times[label] * 1000:>12.1f}{times[label] / b:>10.2f}"
            + (f"{then[label] * 1000:>8.1f} ({then[label] / b:.2f})" if then else "")
            for b, times, then in results.values()
        )
        print(f"{label:<16}{cells}")
    if args.against:
        print(f"each cell: ms, × B, then {args.against}: ms (× B), run in turn")
    for db in results:
        print(f"{db}: {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
