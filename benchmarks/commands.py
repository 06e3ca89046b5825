"""Time gridlog's everyday commands as whole processes, against two floors.

Measured as a user runs it: the script installs the working tree with a plain,
non-editable `pip install .` into a fresh venv (an editable install and the dev
extras add start-up work to every process, the floors' too, and flatter each ratio),
and times that venv's `gridlog` console script, a fresh process per run, after one
warm-up, RUNS times. Beside each command, in turn with it so that machine noise hits
all alike, it times two floors in the same venv:

- B = `python -c "import sqlite3"`: a Python that starts;
- T = a one-command typer app that opens the same database and reads one row: what
  any typer CLI costs, what gridlog would cost if gridlog itself cost nothing.

It prints medians in ms with × B and × T. Several databases give one column each, so
that growth with the size of the log shows side by side.

    python benchmarks/generate.py --entries 1000000 --out benchmarks/data/1m.db
    python benchmarks/commands.py benchmarks/data/10k.db benchmarks/data/1m.db

Writes (`add`) go to a throw-away copy of each database, never the original.
`--venv DIR` keeps the venv between runs (the tree is reinstalled into it each time);
`--gridlog PATH` times an installed console script instead of the working tree.

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

ROOT = Path(__file__).resolve().parent.parent

# T: the floor of any typer CLI. One command, the database opened and one row read.
FLOOR_APP = """\
import os
import sqlite3

import typer

app = typer.Typer(add_completion=False)


@app.command()
def main(limit: int = 1) -> None:
    conn = sqlite3.connect(os.environ["GRIDLOG_DB"])
    print(conn.execute("SELECT id, text FROM entries LIMIT ?", (limit,)).fetchall())


app()
"""


def commands(gridlog: str, db: Path, month: str) -> dict[str, list[str]]:
    """The commands of the performance issue, with a grid and an id from `db`."""
    conn = sqlite3.connect(db)
    grid = conn.execute("SELECT name FROM grids ORDER BY id LIMIT 1").fetchone()[0]
    case = conn.execute("SELECT max(id) FROM followups").fetchone()[0]
    conn.close()
    return {
        "due --grid": [gridlog, "due", "--grid", grid],
        "due": [gridlog, "due"],
        "add 下周一": [
            *(gridlog, "add", "测试录入", "--grid", grid),
            *("--follow-up", "下周一"),
        ],
        "log --limit 50": [gridlog, "log", "--limit", "50"],
        "show": [gridlog, "show", str(case)],
        "search 暖气管道": [gridlog, "search", "暖气管道", "--limit", "20"],
        "search 跑水": [gridlog, "search", "跑水"],
        "--help": [gridlog, "--help"],
        "report --month": [gridlog, "report", "--month", month],
    }


def install(venv: Path) -> Path:
    """The working tree, installed as a user installs it, into `venv`; its gridlog."""
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    # The dependencies once; gridlog itself again each time, so that it is the tree
    # as it is now (a build from a copy, never an editable link to it).
    subprocess.run([*pip, str(ROOT)], check=True)
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(ROOT)], check=True)
    return venv / "bin" / "gridlog"


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


class Floors:
    """B and T, in the venv of the gridlog being timed."""

    def __init__(self, gridlog: str, folder: Path) -> None:
        python = str(Path(gridlog).parent / "python")
        floor = folder / "floor.py"
        floor.write_text(FLOOR_APP, encoding="utf-8")
        self.argv = {"B": [python, "-c", "import sqlite3"], "T": [python, str(floor)]}


def measure(db: Path, args, gridlog: str, against: str | None = None) -> dict:
    """Medians of B, T and each command on a copy of `db` (and of each command of
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
        floors = Floors(gridlog, Path(tmp)).argv
        chosen = commands(gridlog, copy, args.month)
        other = commands(against, other_copy, args.month) if against else {}
        for argv in [*floors.values(), *chosen.values()]:
            timed(argv, env)  # warm-up: page cache, .pyc files, schema upgrade
        for argv in other.values():
            timed(argv, other_env)
        times: dict[str, list[float]] = {label: [] for label in [*floors, *chosen]}
        then: dict[str, list[float]] = {label: [] for label in other}
        for _ in range(args.runs):
            for label, argv in chosen.items():
                for floor, floor_argv in floors.items():
                    times[floor].append(timed(floor_argv, env))
                times[label].append(timed(argv, env))
                if other:
                    then[label].append(timed(other[label], other_env))
    return {
        "now": {k: statistics.median(v) for k, v in times.items()},
        "then": {k: statistics.median(v) for k, v in then.items()},
    }


def padded(label: str, width: int = 16) -> str:
    """`label` padded to `width` terminal columns (a Chinese character takes two)."""
    columns = sum(2 if ord(char) > 0x2E80 else 1 for char in label)
    return label + " " * max(width - columns, 1)


def cell(seconds: float, b: float, t: float) -> str:
    return f"{seconds * 1000:>8.1f}{seconds / b:>7.2f}{seconds / t:>7.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "databases", nargs="*", type=Path, default=[Path("examples/demo.db")]
    )
    parser.add_argument("--now", default=None, help="GRIDLOG_NOW for the runs")
    parser.add_argument("--month", default=None, help="the month to report")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--venv", type=Path, default=None, help="venv to install into")
    parser.add_argument("--gridlog", default=None, help="an installed gridlog to time")
    parser.add_argument(
        "--against", default=None, help="another gridlog to time alongside"
    )
    args = parser.parse_args()
    demo = args.databases == [Path("examples/demo.db")]
    args.now = args.now or ("2019-03-15T07:50" if demo else "2024-06-17T07:50")
    args.month = args.month or ("2019-03" if demo else "2024-05")
    with tempfile.TemporaryDirectory() as tmp:
        gridlog = args.gridlog or str(install(args.venv or Path(tmp) / "venv"))
        results = {
            db: measure(db, args, gridlog, args.against) for db in args.databases
        }
    print(f"{gridlog}: {args.runs} runs each, medians: ms, × B, × T")
    print("B = python -c 'import sqlite3'; T = a one-command typer app reading one row")
    width = 22 + (16 if args.against else 0)
    print(f"{'command':<16}" + "".join(f"{db.name:>{width}}" for db in results))
    for label in next(iter(results.values()))["now"]:
        cells = ""
        for figures in results.values():
            now, then = figures["now"], figures["then"]
            b, t = now["B"], now["T"]
            cells += cell(now[label], b, t)
            if args.against:
                cells += cell(then[label], b, t)[8:] if label in then else " " * 14
        print(f"{padded(label)}{cells}")
    if args.against:
        print(f"then {args.against}: × B, × T (run in turn with the above)")
    for db in results:
        print(f"{db}: {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
