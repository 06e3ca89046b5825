"""Time `gridlog import` of a large CSV as a user runs it, and watch its memory.

Writes a CSV of N rows the way an office would hand one over (Chinese headers, UTF-8
with BOM, the generator's realistic texts, a quarter of rows with a follow-up date),
then imports it into a fresh database with the `gridlog` console script, RUNS times,
and prints the median wall time, rows per second and the peak resident memory of
the import (its two processes together: a large file is read in a second one).
Several sizes side by side show whether memory stays flat.

Time it as a user runs it: from a plain, non-editable `pip install .` in a venv of its
own (an editable install adds start-up work and reads the tree's files), reinstalled
after each change. `--gridlog` names that venv's console script; `--csv-dir` keeps the
generated files between runs (writing a million rows takes a while of its own).

    python3 -m venv /tmp/import-venv && /tmp/import-venv/bin/pip install .
    python benchmarks/import_csv.py --rows 100000 1000000 --runs 3 \\
        --gridlog /tmp/import-venv/bin/gridlog --csv-dir /tmp/import-csv

Beside the wall time it prints the import's CPU time (both processes, user and
system): on a busy machine that moves far less than the wall time does.

`--against OTHER` times another release's console script as well, run for run in
turn with the first (so that both see the same machine), and prints the ratio of
the medians: how this tree compares with a baseline on whatever machine runs it.

    python3 -m venv /tmp/import-base && /tmp/import-base/bin/pip install BASE_TREE
    python benchmarks/import_csv.py --rows 1000000 --runs 3 \
        --gridlog /tmp/import-venv/bin/gridlog --against /tmp/import-base/bin/gridlog
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import GIVEN, GRIDS, KINDS, NOW, PROBLEMS, SURNAMES, YEARS

HEADER = [
    *("日期", "时间", "网格", "地点", "居民"),
    *("电话", "类别", "类型", "内容", "跟进日期"),
]
CATEGORY = {
    "repairs": "物业维修",
    "sanitation": "环境卫生",
    "city-management": "城管",
    "disputes": "矛盾纠纷",
    "civil-affairs": "民政",
    "health": "卫健",
    "safety": "安全生产",
    "rentals": "出租屋",
    "party": "党建",
    "activities": "社区活动",
    "employment": "就业",
    "petitions": "信访",
    "public-order": "综治",
}
KIND = {"visit": "走访", "patrol": "巡查", "window": "窗口", "meeting": "会议"}


def write_csv(path: Path, count: int, seed: int = 20190314) -> None:
    """`count` rows over YEARS years before the pinned day, oldest first."""
    rng = random.Random(seed)
    span = 365 * YEARS * 86400
    start = NOW.timestamp() - span
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for i in range(count):
            at = time.localtime(start + span * (i + rng.random()) / count)
            grid = rng.randrange(1, GRIDS + 1)
            category, text = PROBLEMS[rng.randrange(len(PROBLEMS))]
            resident = rng.choice(SURNAMES) + rng.choice(GIVEN)
            follow = ""
            if rng.random() < 0.25:
                follow = rng.choice(("明天", "3天后", "下周一", "两周后"))
            writer.writerow(
                [
                    time.strftime("%Y-%m-%d", at),
                    time.strftime("%H:%M", at),
                    f"第{grid}网格",
                    f"{grid}区{rng.randint(1, 20)}号楼{rng.randint(1, 6)}单元",
                    resident,
                    f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                    CATEGORY[category],
                    KIND[rng.choice(KINDS)],
                    f"{text}（{resident}）",
                    follow,
                ]
            )


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its children, in bytes (Linux; else 0)."""
    total = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if proc.name == str(pid) or fields[1] == str(pid):
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_import(
    gridlog: str, csv_path: Path, folder: Path
) -> tuple[float, float, float]:
    """One import into a fresh database: seconds, CPU seconds (both processes), and
    peak memory in MB (of the import and the process it reads the file in,
    together, sampled 10 times a second; where /proc is missing, the larger of the
    two)."""
    db = folder / "import.db"
    for leftover in folder.glob("import.db*"):
        leftover.unlink()
    env = {
        **os.environ,
        "GRIDLOG_DB": str(db),
        "GRIDLOG_NOW": NOW.isoformat(),
        "GRIDLOG_TZ": "Asia/Shanghai",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [gridlog, "import", str(csv_path), "--create-grids"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    while True:
        done, status, usage = os.wait4(process.pid, os.WNOHANG)
        if done:
            break
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.1)
    took = time.perf_counter() - started
    errors = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"import failed: {errors[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime  # the reader's too: it is waited for
    return took, cpu, max(peak / 2**20, usage.ru_maxrss / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gridlog", help="the console script to time")
    parser.add_argument("--csv-dir", type=Path, help="keep the CSVs here")
    parser.add_argument("--against", help="a baseline's console script, run in turn")
    args = parser.parse_args()
    gridlog = args.gridlog or shutil.which("gridlog") or sys.exit("install gridlog")
    scripts = [gridlog, *([args.against] if args.against else [])]
    print("| rows | gridlog | median s | rows/s | CPU s | peak MB | CSV MB |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for count in args.rows:
            csv_path = (args.csv_dir or folder) / f"{count}.csv"
            if not csv_path.exists():
                csv_path.parent.mkdir(parents=True, exist_ok=True)
                write_csv(csv_path, count)
            runs: dict[str, list] = {script: [] for script in scripts}
            for _ in range(args.runs):
                for script in scripts:  # in turn: both see the same machine
                    runs[script].append(run_import(script, csv_path, folder))
            medians = [
                _report(count, script, runs[script], csv_path) for script in scripts
            ]
            if len(medians) == 2:
                print(
                    f"ratio at {count:,} rows: {medians[0] / medians[1]:.3f}",
                    flush=True,
                )
            if args.csv_dir is None:
                csv_path.unlink()


def _report(count: int, script: str, runs: list, csv_path: Path) -> float:
    """Print one row of the table; returns the median seconds."""
    seconds = statistics.median(took for took, _, _ in runs)
    cpu = statistics.median(cpu for _, cpu, _ in runs)
    peak = max(memory for _, _, memory in runs)
    size = csv_path.stat().st_size / 1e6
    print(
        f"| {count:,} | {script} | {seconds:.1f} | {count / seconds:,.0f} | {cpu:.1f} "
        f"| {peak:.0f} | {size:.0f} |",
        flush=True,
    )
    return seconds


if __name__ == "__main__":
    main()
