"""The monthly review reads the register once for both its coverage and its
unvisited households, from a row a household that the residents' triggers keep.
Whatever a worker did before (residents registered late, moved, renamed, tagged,
forgotten, undone; visits by place and by name, edited, deleted, undone; register
entries, which are no visit), each month's review says what the log and the
register hold, worked out here the plain way from the stored rows."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from zoneinfo import ZoneInfo

import pytest

from gridlog.domain.items import REGISTER_ENTRY

ZONE = ZoneInfo("Asia/Shanghai")  # the tests' GRIDLOG_TZ
PLACES = [
    "9号楼1单元101",
    "9号楼1单元102",
    "9号楼2单元201",
    "10号楼3单元301",
    "冶金一号楼4单元401",
    "冶金一号楼4单元402",
]
NAMES = ["王建国", "李秀英", "赵凤英", "阿明", "张志强", "钱大妈", "孙大爷", "周丽"]
NAMES += ["吴树", "高焕", "郭凤", "田明", "吴萍", "田焕", "马辉", "刘洋"]
MONTHS = [(2019, month) for month in range(1, 6)]


def moment(rng: random.Random) -> str:
    """Some time between January and May 2019, local."""
    day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(150))
    return f"{day.isoformat()}T{rng.choice(['00:30', '08:00', '23:50'])}"


def act(gridlog, db_path, rng: random.Random) -> None:
    """One thing a worker does, picked at random; refusals (a name that is not in
    the register, one that is ambiguous) are part of the walk."""
    now = moment(rng)
    entries = [row[0] for row in rows(db_path, "SELECT id FROM entries")]
    registered = rows(db_path, "SELECT id, name FROM residents")
    someone = f"#{rng.choice(registered)[0]}" if registered else "#1"
    choice = rng.randrange(10)
    if choice < 3:
        args = ["resident", "add", rng.choice(NAMES), "--place", rng.choice(PLACES)]
        if rng.random() < 0.3:
            args += ["--tag", rng.choice(["独居", "高龄", "低保"])]
        if rng.random() < 0.3:  # a birth date writes a register entry
            args += ["--birth", "1940-05-01"]
        gridlog(*args, now=now)
    elif choice < 5:
        gridlog("add", "走访", "--place", rng.choice(PLACES), now=now)
    elif choice < 7:
        # Someone registered (by name), or not yet: registering links them later.
        if registered and rng.random() < 0.7:
            gridlog("add", "电话回访", "--resident", rng.choice(registered)[1], now=now)
        else:
            name = rng.choice(NAMES)
            gridlog("add", "电话回访", "--resident", name, "--grid", "红四", now=now)
    elif choice == 7:  # a register entry written by hand: still no visit
        text = REGISTER_ENTRY + rng.choice(NAMES)
        gridlog("add", text, "--kind", "other", "--place", rng.choice(PLACES), now=now)
    elif choice == 8 and entries:
        change = rng.choice(
            [["--place", rng.choice(PLACES)], ["--at", now[:10]], ["--kind", "other"]]
        )
        gridlog("edit", str(rng.choice(entries)), *change, now="2019-05-31T20:00")
    elif entries:
        step = rng.choice(["delete", "undo", "move", "resident", "forget"])
        if step == "delete":
            gridlog("delete", str(rng.choice(entries)), now="2019-05-31T20:00")
        elif step == "undo":
            gridlog("undo", now="2019-05-31T20:00")
        elif step == "move":
            place = rng.choice(PLACES)
            gridlog("resident", "edit", someone, "--place", place, now=now)
        elif step == "resident":  # what a household shows: names, tags, its grid
            change = rng.choice(
                [
                    ["--name", rng.choice(NAMES)],
                    ["--tag", rng.choice(["独居", "高龄"])],
                    ["--untag", "独居"],
                    ["--grid", rng.choice(["红四", "红一"])],
                ]
            )
            gridlog("resident", "edit", someone, *change, now=now)
        else:
            gridlog("resident", "forget", someone, now="2019-05-31T20:00")


def rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def utc(day: dt.date) -> str:
    """How the log stores the instant local `day` begins."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=ZONE).astimezone(dt.UTC)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")


def expected(db_path, start: dt.date, end: dt.date) -> tuple[list, list]:
    """The month's coverage and unvisited households, by their definitions."""
    grids = rows(db_path, "SELECT id, name FROM grids ORDER BY id")
    residents = rows(
        db_path,
        "SELECT id, grid_id, place, name, tags, registered_on FROM residents"
        " WHERE place IS NOT NULL ORDER BY id",
    )
    visits = [
        (at, place, resident_id)
        for at, place, resident_id, kind, text in rows(
            db_path, "SELECT at, place, resident_id, kind, text FROM entries"
        )
        if not (kind == "other" and text[:5] == REGISTER_ENTRY)
    ]
    since, until = utc(start), utc(end)
    households: dict[tuple[int, str], list[tuple]] = {}
    for resident in residents:
        households.setdefault((resident[1], resident[2]), []).append(resident)
    coverage = {grid_id: [0, 0] for grid_id, _ in grids}
    unvisited = []
    for (grid_id, place), people in sorted(households.items()):
        ids = {person[0] for person in people}
        by_place = [at for at, where, _ in visits if where == place and at < until]
        by_name = [at for at, _, who in visits if who in ids and at < until]
        registered = {p[0] for p in people if p[5][:10] < end.isoformat()}
        if registered:
            coverage[grid_id][0] += 1
            coverage[grid_id][1] += any(at >= since for at in by_place) or any(
                at >= since and who in registered for at, _, who in visits if at < until
            )
        last = max(by_place + by_name, default=None)
        if last is not None and last >= since:
            continue
        last_day = (
            last
            and (
                dt.datetime.fromisoformat(last.replace("Z", "+00:00")).astimezone(ZONE)
            ).date()
        )
        first = dt.date.fromisoformat(min(p[5] for p in people)[:10])
        days = ((end - dt.timedelta(days=1)) - (last_day or first)).days
        if days < (end - start).days:
            continue
        tags = list(dict.fromkeys(t for p in people for t in json.loads(p[4])))
        unvisited.append(
            {
                "grid": dict(grids)[grid_id],
                "place": place,
                "residents": list(dict.fromkeys(p[3] for p in people)),
                "tags": tags,
                "last_visit": last_day and last_day.isoformat(),
                "registered": first.isoformat(),
                "days": days,
                "_order": (
                    grid_id,
                    not {"独居", "高龄", "重点人员"} & set(tags),
                    -days,
                ),
            }
        )
    unvisited.sort(key=lambda household: household.pop("_order"))
    covered = [
        {"grid": name, "visited": coverage[grid_id][1], "households": n or None}
        for grid_id, name in grids
        for n in [coverage[grid_id][0]]
    ]
    return covered, unvisited


@pytest.mark.parametrize("seed", range(6))
def test_the_review_says_what_the_register_and_the_log_hold(
    gridlog, red_grids, db_path, seed
):
    rng = random.Random(seed)
    for _ in range(80):
        act(gridlog, db_path, rng)
    assert rows(db_path, "SELECT count(*) FROM residents")[0][0] > 3
    for year, month in MONTHS:
        result = gridlog(
            "report", "--month", f"{year}-{month:02}", "--format", "json",
            now="2019-06-10T09:00",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        start = dt.date(year, month, 1)
        end = dt.date(year + month // 12, month % 12 + 1, 1)
        coverage, unvisited = expected(db_path, start, end)
        assert report["coverage"] == coverage, (year, month)
        assert report["unvisited_households"] == unvisited, (year, month)


def review_holds(gridlog, db) -> None:
    """Each month's review of the log at `db` is what its rows say."""
    for year, month in MONTHS:
        result = gridlog(
            "--db", str(db), "report", "--month", f"{year}-{month:02}",
            "--format", "json", now="2019-06-10T09:00",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        start = dt.date(year, month, 1)
        end = dt.date(year + month // 12, month % 12 + 1, 1)
        coverage, unvisited = expected(db, start, end)
        assert report["coverage"] == coverage, (year, month)
        assert report["unvisited_households"] == unvisited, (year, month)


@pytest.mark.parametrize("seed", range(3))
def test_a_merged_register_is_reviewed_as_it_is_stored(
    gridlog, red_grids, db_path, tmp_path, seed
):
    """Another device merges this one's log twice, the second time with residents
    renamed, retagged and moved (a merge writes only what changed), then takes the
    second merge back: its review follows."""
    rng = random.Random(seed)
    other = tmp_path / "other.db"
    for turn in range(2):
        for _ in range(40):
            act(gridlog, db_path, rng)
        for resident_id, _ in rows(db_path, "SELECT id, name FROM residents")[::2]:
            change = rng.choice([["--name", rng.choice(NAMES)], ["--tag", "独居"]])
            gridlog("resident", "edit", f"#{resident_id}", *change, now="2019-05-20")
        sent = tmp_path / f"sent{turn}.jsonl"
        assert gridlog("export", str(sent), "--force").exit_code == 0
        assert gridlog("--db", str(other), "merge", str(sent)).exit_code == 0
        review_holds(gridlog, other)
    assert gridlog("--db", str(other), "undo").exit_code == 0
    review_holds(gridlog, other)


def test_a_register_kept_before_the_upgrade_is_reviewed_as_it_is_stored(
    gridlog, red_grids, db_path
):
    """A log whose register was written by a gridlog that kept no households
    (schema 20) gets them summed from its residents when it is upgraded."""
    from gridlog.storage.migrations import MIGRATIONS

    rng = random.Random(7)
    for _ in range(60):
        act(gridlog, db_path, rng)
    version = [m.__name__ for m in MIGRATIONS].index("m023_register_households")
    conn = sqlite3.connect(db_path)
    with conn:
        for kind in ("insert", "delete", "update"):
            conn.execute(f"DROP TRIGGER register_households_{kind}")
        conn.execute("DROP TABLE register_households")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    review_holds(gridlog, db_path)


def test_check_sums_afresh_households_that_disagree_with_the_residents(
    gridlog, red_grids, db_path
):
    """Something that wrote residents around their triggers would leave the
    register's households wrong: `check` says so and sums them afresh, and the
    review says what the residents say again."""
    rng = random.Random(3)
    for _ in range(40):
        act(gridlog, db_path, rng)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DROP TRIGGER register_households_update")
        conn.execute("UPDATE residents SET place = '9号楼1单元109' WHERE id <= 2")
    conn.close()
    result = gridlog("check")
    assert result.exit_code == 0, result.output
    assert "The register's households disagreed with its residents" in result.stdout
    review_holds(gridlog, db_path)
    again = gridlog("check")
    assert "register's households" not in again.stdout
