"""Time the community hub at a street's scale, as whole gridlog processes.

A street of 155 grids (柳城街道) and N entries (default 5,000,000) on a PostgreSQL
hub of its own: the script starts a throw-away cluster (initdb + pg_ctl in
`--folder`, on a free port; as the `postgres` user when run as root, as the tests
do), runs `gridlog hub init`, makes the office's device with 155 grids of 20
buildings and syncs it, adds one worker login per grid, and loads the entries and
their follow-ups straight into `gridlog.records` with COPY. Each record is the line
`gridlog export` writes for it (the rows are benchmarks/generate.py's, turned into
lines by bulk loading's own conversion), with what a device's push sends beside it
(the edit's time, the content's rank, the line's digest), so a pull merges them like
any other. A register of `--households` residents per grid (default 300, at places
the grid's entries name) gives the review households to cover and to list as
unvisited.

Then it times, with the `gridlog` of a non-editable install (`--venv DIR`, as
benchmarks/commands.py does; `--gridlog PATH` to time another one):

- first pull: a new device of grid 1's worker pulls its grid's 3 years (about
  N / 155 entries); `--pulls` devices, the median;
- daily sync: that device and a second one of the same grid each make `--changes`
  changes a day through the CLI (adds, some with a follow-up, edits, deletions,
  dones; not timed), then each runs `gridlog sync`, which pushes its own and pulls
  the other's: `--days` days, the median of every sync;
- `gridlog report --hub --month M` as the office, over every grid ("not
  available" where this gridlog has no such command).

    python benchmarks/hub.py --entries 200000 --venv /tmp/hubbench-venv
    python benchmarks/hub.py --entries 5000000 --keep   # the hub stays for next time

`--keep` leaves the cluster (and its loaded hub) in `--folder` and a later run with
the same `--entries` reuses it without loading again (after `gridlog hub init`, and
with its daily work on the days after the previous run's); without it the cluster is
stopped and removed at the end. `--profile DIR` also runs one first pull and one
daily sync under cProfile (DIR/*.prof, the top functions printed) and prints the
EXPLAIN ANALYZE of the pull's query as the worker.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import pstats
import pwd
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py: the same rows)

from gridlog.context import Context  # noqa: E402
from gridlog.domain import grids  # noqa: E402
from gridlog.storage import bulk  # noqa: E402
from gridlog.storage.db import open_db  # noqa: E402

GRIDS = 155
BUILDINGS = 20
PASSWORD = "street-bench"
DATABASE = "street"
NOW = generate.NOW  # 2024-06-17 07:50 in Shanghai, a Monday
MONTH = "2024-05"
TARGETS = {"daily sync": 1.0, "first pull": 10.0, "report --hub --month": 3.0}


# --- the cluster --------------------------------------------------------------


def server_binaries() -> Path:
    """The folder of initdb and pg_ctl: on PATH, or Debian's newest version."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        sys.exit("no PostgreSQL server here (initdb, pg_ctl)")
    return versions[-1].parent


class Cluster:
    """A server in `folder` (data, socket, log, port); the superuser over the socket
    without a password, workers over TCP with theirs, as tests/postgres.py does."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.binaries = server_binaries()
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def port(self) -> int:
        return int((self.folder / "port").read_text())

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def url(self, login: str) -> str:
        return f"postgresql://{login}@127.0.0.1:{self.port}/{DATABASE}"

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*self.prefix, *argv], capture_output=True, text=True, cwd=self.folder
        )
        if check and done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)}: {done.stderr or done.stdout}")
        return done

    def start(self) -> None:
        """initdb if there is no cluster yet; start it unless it runs."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.prefix:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self.run(
                str(self.binaries / "initdb"),
                *("-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--no-locale"),
                *("--auth-local=trust", "--auth-host=scram-sha-256"),
            )
            (self.folder / "port").write_text(str(_free_port()))
        status = self.run(
            str(self.binaries / "pg_ctl"), "-D", str(self.data), "status", check=False
        )
        if status.returncode == 0:
            return
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c shared_buffers=256MB -c max_wal_size=4GB -c max_connections=50"
        )
        self.run(
            str(self.binaries / "pg_ctl"),
            *("-D", str(self.data), "-o", options, "-l", str(self.folder / "log")),
            *("-w", "start"),
        )

    def stop(self) -> None:
        self.run(
            str(self.binaries / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "fast",
            "stop",
            check=False,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the street's hub -----------------------------------------------------------


def install(venv: Path) -> str:
    """The working tree with the hub extra, installed as a user installs it."""
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, f"{ROOT}[hub]"], check=True)
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(ROOT)], check=True)
    return str(venv / "bin" / "gridlog")


def gridlog_env(db: Path, hub: str, now: dt.datetime = NOW) -> dict[str, str]:
    env = dict(
        os.environ,
        GRIDLOG_DB=str(db),
        GRIDLOG_HUB=hub,
        GRIDLOG_NOW=now.strftime("%Y-%m-%dT%H:%M"),
        GRIDLOG_TZ="Asia/Shanghai",
        GRIDLOG_LANG="zh",
        PGPASSWORD=PASSWORD,
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: {done.stderr or done.stdout}")
    return done


def loaded(cluster: Cluster) -> tuple[int, int] | None:
    """(entries, grids) the kept hub was loaded with, or None if it has none."""
    import psycopg

    with psycopg.connect(cluster.admin_url(), autocommit=True) as admin:
        found = admin.execute(
            "SELECT FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
    if found is None:
        return None
    with psycopg.connect(cluster.admin_url(DATABASE)) as conn:
        row = conn.execute(
            "SELECT to_regclass('public.bench_loaded') IS NOT NULL"
        ).fetchone()
        if not row[0]:
            return None
        try:
            return conn.execute(
                "SELECT entries, grids FROM public.bench_loaded"
            ).fetchone()
        except psycopg.errors.UndefinedColumn:  # made by an older version of this
            return None


def build_street(
    cluster: Cluster, gridlog: str, entries: int, count: int, office_db: Path
) -> None:
    """A hub of `count` grids with their workers and `entries` entries."""
    import psycopg

    from gridlog.hub import workers

    with psycopg.connect(cluster.admin_url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        for (login,) in admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> 'postgres'"
        ).fetchall():
            admin.execute(f'DROP ROLE "{login}"')
        admin.execute(f"CREATE DATABASE {DATABASE}")
    admin_url = cluster.admin_url(DATABASE)
    office_db.unlink(missing_ok=True)
    run([gridlog, "hub", "init"], gridlog_env(office_db, admin_url))
    with psycopg.connect(admin_url) as conn:
        workers.add(conn, "office", "街道办", [], True, PASSWORD)
        conn.commit()
    started = time.perf_counter()
    register_office(office_db, count)
    run([gridlog, "sync"], gridlog_env(office_db, cluster.url("office")))
    with psycopg.connect(admin_url) as conn:
        for number in range(1, count + 1):
            login = f"w{number:03}"
            workers.add(
                conn, login, f"网格员{number}", [grid_name(number)], False, PASSWORD
            )
        conn.commit()
    took = time.perf_counter() - started
    print(f"office device, {count} grids and workers: {took:.1f} s")
    load(admin_url, office_db, entries, count)


def grid_name(number: int) -> str:
    return f"第{number}网格"


def register_office(path: Path, count: int) -> None:
    """The office's device: `count` grids of BUILDINGS buildings (as generate.py)."""
    conn = open_db(path, write=True)
    ctx = Context(now=NOW, zone=generate.ZONE, worker="街道办", command="generate")
    for number in range(1, count + 1):
        grids.add_grid(
            conn,
            ctx,
            grid_name(number),
            worker=f"网格员{number}",
            households=BUILDINGS * 12,
            buildings=[f"{number}区{b}号楼" for b in range(1, BUILDINGS + 1)],
        )
    conn.close()


class Registry:
    """The office device's grids and buildings: ids for generate.rows, UUIDs for
    the lines."""

    def __init__(self, path: Path) -> None:
        conn = sqlite3.connect(path)
        self.grid_uuid = dict(conn.execute("SELECT id, uuid FROM grids"))
        self.building_uuid = dict(conn.execute("SELECT id, uuid FROM buildings"))
        self.rows = [
            (
                grid_id,
                conn.execute(
                    "SELECT id, name FROM buildings WHERE grid_id = ? ORDER BY id",
                    (grid_id,),
                ).fetchall(),
            )
            for (grid_id,) in conn.execute("SELECT id FROM grids ORDER BY id")
        ]
        conn.close()


def export_lines(
    row: bulk.LoadRow, registry: Registry, now: str, first_id: int
) -> list[dict]:
    """The lines `gridlog export` writes for `row` once bulk-loaded (an entry and
    the follow-ups and reminders it opened), made by bulk loading's own conversion
    (`LoadRow.stored`) without a database; ids from `first_id` on."""
    (uuid, at, grid_id, place, building_id, resident, phone, _key, category, kind,
     text, tags, worker, day_only, items) = row.stored()  # fmt: skip
    grid = registry.grid_uuid[grid_id]
    case = next((item[0] for item in items if item[1] == "followup"), None)
    entry = {
        "type": "entry", "uuid": uuid, "id": first_id, "at": at, "grid_uuid": grid,
        "place": place, "building_uuid": registry.building_uuid.get(building_id),
        "resident": resident, "resident_uuid": None, "phone": phone,
        "category": category, "kind": kind, "text": text, "tags": json.loads(tags),
        "worker": worker, "case_uuid": case, "created_at": now, "updated_at": now,
        "revision": 0, "day_only": day_only,
    }  # fmt: skip
    lines = [entry]
    for offset, item in enumerate(items, start=1):
        item_uuid, item_type, item_text, due_on, closed_at, note, day, hour = item
        lines.append({
            "type": "followup", "uuid": item_uuid, "id": first_id + offset,
            "kind": item_type, "entry_uuid": uuid, "grid_uuid": grid,
            "text": item_text, "due_on": due_on, "due_time": None, "opened_at": at,
            "closed_at": closed_at, "close_note": note, "every": None,
            "previous_uuid": None, "created_at": now, "updated_at": now,
            "revision": 0, "closed_day_unknown": day, "closed_time_unknown": hour,
            "owner": None,
        })  # fmt: skip
    return lines


def street_lines(count: int, registry: Registry, now: str) -> Iterator[dict]:
    """generate.py's `count` rows over 3 years, spread over every grid, as lines."""
    next_id = 10_000  # past the office device's own ids; ids are for information
    for row in generate.rows(count, registry.rows):
        lines = export_lines(row, registry, now, next_id)
        next_id += len(lines)
        yield from lines


def load(admin_url: str, office_db: Path, entries: int, count: int) -> None:
    """COPY the street's lines into gridlog.records, the hub's own indexes made
    again afterwards (faster than keeping them up row by row)."""
    import psycopg

    registry = Registry(office_db)
    now = NOW.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = time.perf_counter()
    with psycopg.connect(admin_url) as conn:
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'gridlog'"
            " AND tablename = 'records' AND indexname <> 'records_pkey'"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX gridlog.{name}")
        copied = 0
        with (
            conn.cursor() as cursor,
            cursor.copy(_COPY_RECORDS) as copy,
        ):
            for line in street_lines(entries, registry, now):
                copy.write_row(pushed(line))
                copied += 1
                if copied % 500_000 == 0:
                    print(f"  {copied} records, {time.perf_counter() - started:.0f} s")
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute(
            "CREATE TABLE public.bench_loaded"
            " AS SELECT %s::bigint AS entries, %s::int AS grids",
            [entries, count],
        )
        conn.commit()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE gridlog.records")
    took = time.perf_counter() - started
    print(f"loaded {entries} entries ({copied} records) in {took:.0f} s")


def register(admin_url: str, households: int) -> int:
    """A register of `households` per grid, unless the hub holds one already: one
    resident at each of the first places the grid's entries name, registered two
    years before NOW, so that a month's visits find some households and leave the
    others unvisited, as in a real grid. What the review's coverage and unvisited
    households read; returns how many residents were added."""
    import psycopg

    now = NOW.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    registered = (NOW - dt.timedelta(days=730)).date().isoformat()
    rng = random.Random(155)
    with psycopg.connect(admin_url) as conn:
        if conn.execute(
            "SELECT EXISTS (SELECT FROM gridlog.records WHERE kind = 'resident')"
        ).fetchone()[0]:
            return 0
        places = conn.execute(
            "SELECT grid_uuid::text, place FROM (SELECT grid_uuid, place,"
            " row_number() OVER (PARTITION BY grid_uuid ORDER BY place) AS n"
            " FROM (SELECT DISTINCT grid_uuid, place FROM gridlog.records"
            "  WHERE kind = 'entry' AND place IS NOT NULL) d) x WHERE n <= %s",
            [households],
        ).fetchall()
        with (
            conn.cursor() as cursor,
            cursor.copy(_COPY_RECORDS) as copy,
        ):
            for number, (grid, place) in enumerate(places):
                name = rng.choice(generate.SURNAMES) + rng.choice(generate.GIVEN)
                copy.write_row(pushed({
                    "type": "resident", "uuid": str(uuid.uuid4()),
                    "id": 9_000_000 + number, "name": name, "place": place,
                    "grid_uuid": grid, "building_uuid": None, "phone": None,
                    "id_number": None, "born_on": None, "born_year_only": 0,
                    "born_month_only": 0, "tags": [], "note": None,
                    "registered_on": registered, "created_at": now,
                    "updated_at": now, "revision": 0,
                }))  # fmt: skip
        conn.commit()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE gridlog.records")
    return len(places)


# The rows `pushed` makes, copied into the hub as a push would have written them.
_COPY_RECORDS = (
    "COPY gridlog.records (kind, uuid, grid_uuid, revision, body, stamp, rank, digest)"
    " FROM STDIN"
)


def pushed(line: dict) -> tuple:
    """The row `gridlog sync` would have pushed for this line: with the edit's
    time, its content's rank and its digest, as a device sends them."""
    from gridlog.hub.digests import digest
    from gridlog.transfer.merge_read import stamp, version

    body = json.dumps(line, ensure_ascii=False)
    revision = line.get("revision") or 0
    row = (line["type"], line["uuid"], line["grid_uuid"], revision, body)
    return (*row, stamp(line), version(line), digest(line))


def fill_pushed(admin_url: str, grid: str) -> None:
    """What a push would have sent beside the lines of `grid` (the grid timed)
    that an older version of this script loaded without it: a hub loaded before
    the digest column (hub migration 6) is then as one that devices pushed."""
    import psycopg

    with psycopg.connect(admin_url) as conn:
        rows = conn.execute(
            "SELECT r.body FROM gridlog.records r JOIN gridlog.records g"
            " ON g.kind = 'grid' AND g.body->>'name' = %s AND r.grid_uuid = g.uuid"
            # (A deletion's marker has no digest: it is no line of a record.)
            " WHERE r.digest IS NULL AND r.kind <> 'grid' AND NOT r.body ? 'deleted'",
            [grid],
        ).fetchall()
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE gridlog.records SET stamp = %s, rank = %s, digest = %s"
                " WHERE kind = %s AND uuid = %s",
                [(*row[5:], *row[:2]) for row in (pushed(body) for (body,) in rows)],
            )
        conn.commit()
    if rows:
        print(f"filled in what a push sends for {len(rows)} records of {grid}")


# --- the timings ------------------------------------------------------------------


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, dict]:
    """Seconds of one whole gridlog process, and its --json answer (if any)."""
    started = time.perf_counter()
    done = run(argv, env)
    took = time.perf_counter() - started
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = {}
    return took, answer


def first_pull(gridlog: str, cluster: Cluster, db: Path) -> tuple[float, dict]:
    return timed([gridlog, "sync", "--json"], gridlog_env(db, cluster.url("w001")))


def make_changes(
    gridlog: str, db: Path, env: dict[str, str], count: int, rng: random.Random
) -> None:
    """`count` changes through the CLI: 40% adds (half of them opening a follow-up),
    26% edits of an entry, 4% entries deleted (a visit written down twice: its
    deletion goes to the hub, which checks that nothing still points at it), 30%
    follow-ups closed (adds where none is open)."""
    conn = sqlite3.connect(db)
    entries = [i for (i,) in conn.execute("SELECT id FROM entries")]
    open_cases = [
        i for (i,) in conn.execute("SELECT id FROM followups WHERE closed_at IS NULL")
    ]
    conn.close()
    rng.shuffle(open_cases)
    for number in range(count):
        roll = rng.random()
        if roll < 0.04 and entries:
            argv = ["delete", str(entries.pop(rng.randrange(len(entries))))]
        elif roll < 0.3 and entries:
            argv = ["edit", str(rng.choice(entries)), "--text", f"复查后更正 {number}"]
        elif roll < 0.6 and open_cases:
            argv = ["done", str(open_cases.pop()), "--note", "已解决"]
        else:
            text = rng.choice(generate.PROBLEMS)[1]
            argv = ["add", text, "--grid", grid_name(1)]
            if rng.random() < 0.5:
                argv += ["--follow-up", "明天"]
        run([gridlog, *argv], env)


def day_zero(cluster: Cluster) -> dt.datetime:
    """The day before this run's daily work: NOW on a new hub; on a kept one, the
    last day a previous run worked, so that this run's changes come after its
    (a case it opened later than this run's clock could not be closed)."""
    import psycopg

    with psycopg.connect(cluster.admin_url(DATABASE)) as conn:
        latest = conn.execute(
            "SELECT max(body->>'updated_at' COLLATE \"C\") FROM gridlog.records"
            " WHERE kind IN ('entry', 'followup')"
        ).fetchone()[0]
    if latest is None:
        return NOW
    last = dt.datetime.fromisoformat(latest).astimezone(NOW.tzinfo)
    return NOW + dt.timedelta(days=max(0, (last.date() - NOW.date()).days))


def daily_syncs(
    gridlog: str,
    cluster: Cluster,
    devices: list[Path],
    days: int,
    changes: int,
    start: dt.datetime = NOW,
) -> list[tuple[float, dict]]:
    """Each day after `start` every device makes its changes, then each syncs in
    turn."""
    rng = random.Random(17)
    synced = []
    for day in range(1, days + 1):
        when = start + dt.timedelta(days=day, hours=9)
        for db in devices:
            env = gridlog_env(db, cluster.url("w001"), when)
            make_changes(gridlog, db, env, changes, rng)
        for db in devices:
            env = gridlog_env(db, cluster.url("w001"), when + dt.timedelta(hours=8))
            synced.append(timed([gridlog, "sync", "--json"], env))
    return synced


def hub_report(gridlog: str, cluster: Cluster, db: Path, runs: int):
    """Seconds of `report --hub --month` as the office, or the reason it failed."""
    env = gridlog_env(db, cluster.url("office"))
    argv = [gridlog, "report", "--hub", "--month", MONTH]
    tried = subprocess.run(argv, env=env, capture_output=True, text=True)
    if tried.returncode != 0:
        said = (tried.stderr or tried.stdout).strip().splitlines() or ["?"]
        return f"not available ({said[-1][:100]})"
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


# --- profiles ---------------------------------------------------------------------


def profiled(gridlog: str, env: dict[str, str], out: Path) -> float:
    """One `gridlog sync` under cProfile (the same installed gridlog); its top."""
    python = str(Path(gridlog).parent / "python")
    started = time.perf_counter()
    run([python, "-m", "cProfile", "-o", str(out), "-m", "gridlog", "sync"], env)
    took = time.perf_counter() - started
    text = io.StringIO()
    pstats.Stats(str(out), stream=text).sort_stats("cumulative").print_stats(25)
    print(f"--- {out.name}: {took:.2f} s under cProfile")
    print("\n".join(text.getvalue().splitlines()[6:40]))
    return took


def explain_pull(cluster: Cluster, since: int) -> None:
    """The pull's query as grid 1's worker (RLS applies to a worker, not to the
    administrator), with its plan and timings."""
    import psycopg

    env_password = {"password": PASSWORD}
    with psycopg.connect(cluster.url("w001"), **env_password) as conn:
        plan = conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT kind, uuid::text, body, seq"
            " FROM gridlog.records WHERE seq > %s ORDER BY seq",
            [since],
        ).fetchall()
    print(f"--- EXPLAIN ANALYZE of the pull's query as w001, since seq {since}")
    print("\n".join(line for (line,) in plan))


def profile(
    gridlog: str, cluster: Cluster, work: Path, folder: Path, start: dt.datetime
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fresh = work / "profiled-new.db"
    profiled(gridlog, gridlog_env(fresh, cluster.url("w001")), folder / "pull.prof")
    explain_pull(cluster, 0)
    when = start + dt.timedelta(days=30, hours=9)
    env = gridlog_env(fresh, cluster.url("w001"), when)
    make_changes(gridlog, fresh, env, 50, random.Random(30))
    import psycopg

    with psycopg.connect(cluster.admin_url(DATABASE)) as conn:
        top = conn.execute("SELECT max(seq) FROM gridlog.records").fetchone()[0]
    profiled(gridlog, env, folder / "daily-sync.prof")
    explain_pull(cluster, top)


# --- the run ----------------------------------------------------------------------


def median_line(label: str, times: list[float] | str) -> str:
    target = TARGETS[label]
    if isinstance(times, str):
        return f"{label:<22}{times}   (target ≤ {target:.0f} s)"
    middle = statistics.median(times)
    verdict = "ok" if middle <= target else "OVER"
    spread = f"min {min(times):.2f}, max {max(times):.2f}, n={len(times)}"
    return (
        f"{label:<22}{middle:>7.2f} s   ({spread}; target ≤ {target:.0f} s: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5_000_000)
    parser.add_argument("--grids", type=int, default=GRIDS)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/gridlog-hub-bench"))
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--venv", type=Path, default=None, help="venv to install into")
    parser.add_argument("--gridlog", default=None, help="an installed gridlog to time")
    parser.add_argument("--pulls", type=int, default=3, help="new devices to time")
    parser.add_argument("--days", type=int, default=5, help="days of daily syncs")
    parser.add_argument("--changes", type=int, default=50, help="per device and day")
    parser.add_argument("--runs", type=int, default=5, help="report --hub runs")
    parser.add_argument(
        "--households", type=int, default=300, help="registered per grid"
    )
    parser.add_argument("--profile", type=Path, default=None, help="cProfile folder")
    args = parser.parse_args()
    cluster = Cluster(args.folder)
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        gridlog = args.gridlog or install(args.venv or args.folder / "venv")
        cluster.start()
        if not args.keep:
            stack.callback(shutil.rmtree, args.folder, ignore_errors=True)
            stack.callback(cluster.stop)
        office_db = args.folder / "office.db"
        if loaded(cluster) != (args.entries, args.grids) or not office_db.exists():
            build_street(cluster, gridlog, args.entries, args.grids, office_db)
        else:
            print(f"reusing the hub of {args.entries} entries in {args.folder}")
            # The gridlog timed may be newer than the one that built it.
            run(
                [gridlog, "hub", "init"],
                gridlog_env(office_db, cluster.admin_url(DATABASE)),
            )
            fill_pushed(cluster.admin_url(DATABASE), grid_name(1))
        if added := register(cluster.admin_url(DATABASE), args.households):
            print(f"registered {added} households")
        start = day_zero(cluster)
        devices = [work / f"device{n}.db" for n in range(max(args.pulls, 2))]
        pulls = [first_pull(gridlog, cluster, db) for db in devices]
        syncs = daily_syncs(
            gridlog, cluster, devices[:2], args.days, args.changes, start
        )
        report = hub_report(gridlog, cluster, work / "office.db", args.runs)
        if args.profile:
            profile(gridlog, cluster, work, args.profile, start)
        records = (
            sqlite3.connect(devices[0])
            .execute(
                "SELECT (SELECT count(*) FROM entries),"
                " (SELECT count(*) FROM followups)"
            )
            .fetchone()
        )
    print(
        f"{gridlog}: a street of {args.grids} grids, {args.entries} entries on the hub"
    )
    print(f"grid 1 on a device: {records[0]} entries, {records[1]} follow-ups")
    load = " ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(f"load average at the end: {load} on {os.cpu_count()} cores")
    print(median_line("first pull", [took for took, _ in pulls]))
    print(median_line("daily sync", [took for took, _ in syncs]))
    moved = [(answer.get("pushed"), answer.get("pulled")) for _, answer in syncs]
    print(f"{'':<22}(pushed, pulled) per sync: {moved}")
    print(median_line("report --hub --month", report))


if __name__ == "__main__":
    main()
