"""The report counts entries and follow-ups from summaries the database's triggers
keep up (`report_entries`, migration m018; `report_followups`, m021: follow-ups
opened and closed, and where they were opened), and what was open at the end of
each period in indexed parts. Whatever a worker does to the log (add, edit, done,
undo, delete, import, merge, forget, a change of worker, items opened and closed on
any day), the report read from the summaries and the parts is the report counted
from every entry and follow-up and by the definition of open, and the summaries
are what the entries and follow-ups say."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridlog.domain.report import Period, build_report, month_period
from gridlog.storage import summary

NOW = "2019-04-20T08:00"
TODAY = dt.date(2019, 4, 20)
# Local times on and around the edges of UTC days and months and of local ones
# (Shanghai is UTC+8: local 08:00 is UTC midnight).
TIMES = (
    "2019-02-28 23:30",
    "2019-03-01 00:10",
    "2019-03-01 07:59",
    "2019-03-01 08:00",
    "2019-03-10 12:00",
    "2019-03-24 23:59",
    "2019-03-25 08:30",
    "2019-03-31 23:59",
    "2019-04-01 00:00",
    "2019-04-01 08:30",
)
GRIDS = ("红四", "红一")
KINDS = ("走访", "巡查", "窗口", "会议")
CATEGORIES = ("物业维修", "民政", "综治", "其他")
PLACES = ("9号楼2单元301", "10号楼", "冶金一号楼", None)
WORKERS = ("马辉", "李娜")
# Due dates of the items opened on TIMES: before, on and after the periods' ends.
DUES = (
    "2019-02-27",
    "2019-03-01",
    "2019-03-24",
    "2019-03-31",
    "2019-04-01",
    "2019-05-01",
)
RESIDENT = "臧树花"
PERIODS = (
    month_period(2019, 2),
    month_period(2019, 3),
    month_period(2019, 4),
    Period(dt.date(2019, 3, 1), dt.date(2019, 3, 25)),  # a month less a week
    Period(dt.date(2019, 2, 20), dt.date(2019, 4, 5)),  # a month and two ends
    Period(dt.date(2019, 3, 10), dt.date(2019, 3, 11)),  # one day
    Period(dt.date(2019, 3, 1), dt.date(2019, 3, 8)),  # a week: its rows, no month
    Period(dt.date(2019, 3, 1), dt.date(2019, 3, 16)),  # 15 of 31 days: no month
    Period(dt.date(2019, 3, 1), dt.date(2019, 3, 17)),  # 16: the month, less 15
)
# East of UTC a local month starts before the UTC one; west of it, after.
ZONES = (ZoneInfo("Asia/Shanghai"), dt.UTC, ZoneInfo("America/New_York"))


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def reports(db: Path, summarized: bool) -> list[str]:
    """Every report of the periods, zones, groupings and grids, as their reprs: a
    dict's order is part of what a report shows."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [
            repr(
                build_report(
                    conn,
                    zone,
                    period,
                    by=by,
                    grid_ids=grid_ids,
                    today=TODAY,
                    summarized=summarized,
                )
            )
            for zone in ZONES
            for period in PERIODS
            for by in ("grid", "worker", "category")
            for grid_ids in (None, [2])  # every grid, and --grid 红一
        ]
    finally:
        conn.close()


def assert_summary_true(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert summary.drift(conn) == 0
    finally:
        conn.close()
    assert reports(db, summarized=True) == reports(db, summarized=False)


def ids(db: Path, sql: str) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute(sql)]
    finally:
        conn.close()


def add_args(at: int, grid: int, kind: int, category: int, place: int) -> list[str]:
    args = ["add", f"记录{at}{grid}", "--at", TIMES[at], "--grid", GRIDS[grid]]
    args += ["--kind", KINDS[kind], "--category", CATEGORIES[category]]
    return args + (["--place", PLACES[place]] if PLACES[place] else [])


@pytest.fixture
def story(gridlog, template, tmp_path) -> Path:
    """The two grids of `red_grids`, a registered resident, and two exports of a
    phone that started from the same log: its three entries, then the same after
    it corrected them (another time, kind, category and grid)."""
    ok(gridlog("--db", str(template), "resident", "add", RESIDENT, "--place", "10号楼"))
    phone = tmp_path / "phone.db"
    shutil.copyfile(template, phone)
    for at, grid in ((1, 0), (4, 1), (8, 0)):
        ok(gridlog("--db", str(phone), *add_args(at, grid, 0, 0, 0), now=NOW))
    ok(gridlog("--db", str(phone), "export", str(tmp_path / "phone-1.jsonl")))
    for entry in ids(phone, "SELECT id FROM entries"):
        edit = ["edit", str(entry), "--at", TIMES[9], "--kind", "会议"]
        edit += ["--category", "综治", "--grid", "红一"]
        ok(gridlog("--db", str(phone), *edit, now=NOW))
    ok(gridlog("--db", str(phone), "export", str(tmp_path / "phone-2.jsonl")))
    return tmp_path


def pick(db: Path, sql: str, n: int) -> str | None:
    found = ids(db, sql)
    return str(found[n % len(found)]) if found else None


def run(gridlog, db: Path, home: Path, step: tuple) -> None:
    """One thing a worker does; refusals (an id gone, nothing to undo) are fine:
    the summary must be right after them too."""
    name, *values = step
    args: list[str] | None = None
    if name == "add":
        *fields, follow, resident = values
        args = add_args(*fields)
        args += ["--follow-up", "明天"] if follow else []
        args += ["--resident", RESIDENT] if resident else []
    elif name == "edit":
        field, value, n = values
        entry = pick(db, "SELECT id FROM entries ORDER BY id", n)
        options = {
            "at": ("--at", TIMES),
            "kind": ("--kind", KINDS),
            "category": ("--category", CATEGORIES),
            "grid": ("--grid", GRIDS),
            "place": ("--place", [place for place in PLACES if place]),
        }
        option, choices = options[field]
        args = entry and ["edit", entry, option, choices[value % len(choices)]]
    elif name in ("delete", "done"):
        table = "entries" if name == "delete" else "followups WHERE closed_at IS NULL"
        found = pick(db, f"SELECT id FROM {table} ORDER BY id", values[0])
        args = found and [name, found]
    elif name == "open":  # an item opened then, not now
        at, grid, flag, due = values
        args = ["add", f"事项{at}", "--grid", GRIDS[grid], flag, DUES[due]]
        gridlog("--db", str(db), *args, now=iso(at))
        return
    elif name == "close":  # closed on a day of TIMES (refused before it opened)
        item, at = values
        found = pick(
            db, "SELECT id FROM followups WHERE closed_at IS NULL ORDER BY id", item
        )
        args = found and ["done", found, "--at", TIMES[at]]
    elif name == "undo":
        args = ["undo"]
    elif name == "worker":
        args = ["config", "--worker", WORKERS[values[0]]]
    elif name == "import":
        csv = home / "rows.csv"
        lines = ["日期,时间,网格,类型,类别,内容,地点,跟进日期"]
        for at, grid, kind in values[0]:
            day, time = TIMES[at].split()
            row = f"{day},{time},{GRIDS[grid]},{KINDS[kind]},民政,导入{at}"
            follow = DUES[-1] if kind % 2 == 0 else ""
            lines.append(f"{row},{PLACES[kind] or ''},{follow}")
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args = ["import", str(csv)]
    elif name == "merge":
        args = ["merge", str(home / f"phone-{values[0]}.jsonl")]
    elif name == "forget":
        args = ["resident", "forget", RESIDENT]
    if args:
        gridlog("--db", str(db), *args, now=NOW)


step = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, len(TIMES) - 1),
        st.integers(0, len(GRIDS) - 1),
        st.integers(0, len(KINDS) - 1),
        st.integers(0, len(CATEGORIES) - 1),
        st.integers(0, len(PLACES) - 1),
        st.booleans(),
        st.booleans(),
    ),
    st.tuples(
        st.just("edit"),
        st.sampled_from(("at", "kind", "category", "grid", "place")),
        st.integers(0, 20),
        st.integers(0, 50),
    ),
    st.tuples(st.sampled_from(("delete", "done")), st.integers(0, 50)),
    st.tuples(
        st.just("open"),
        st.integers(0, len(TIMES) - 1),
        st.integers(0, len(GRIDS) - 1),
        st.sampled_from(("--follow-up", "--remind")),
        st.integers(0, len(DUES) - 1),
    ),
    st.tuples(st.just("close"), st.integers(0, 50), st.integers(0, len(TIMES) - 1)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("worker"), st.integers(0, len(WORKERS) - 1)),
    st.tuples(
        st.just("import"),
        st.lists(
            st.tuples(
                st.integers(0, len(TIMES) - 1),
                st.integers(0, len(GRIDS) - 1),
                st.integers(0, len(KINDS) - 1),
            ),
            min_size=1,
            max_size=3,
        ),
    ),
    st.tuples(st.just("merge"), st.sampled_from((1, 2))),
    st.tuples(st.just("forget")),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_the_report_read_from_the_summary_is_the_report_counted_from_every_entry(
    gridlog, template, story, steps
):
    home = Path(tempfile.mkdtemp())
    try:
        db = home / "log.db"
        shutil.copyfile(template, db)
        for one in steps:
            run(gridlog, db, story, one)
        assert_summary_true(db)
    finally:
        shutil.rmtree(home)


def test_a_month_of_entries_is_counted_the_same_from_the_summary(
    gridlog, template, story
):
    """Every time and every kind, once: the report of each period matches."""
    for at in range(len(TIMES)):
        for kind in range(len(KINDS)):
            args = add_args(at, kind % 2, kind, at % len(CATEGORIES), at % 4)
            ok(gridlog("--db", str(template), *args, now=NOW))
    ok(gridlog("--db", str(template), "merge", str(story / "phone-2.jsonl")))
    assert_summary_true(template)
    conn = sqlite3.connect(template)
    conn.row_factory = sqlite3.Row
    try:
        march = build_report(conn, ZONES[0], month_period(2019, 3), today=TODAY)
    finally:
        conn.close()
    assert march.total.entries == 4 * 7  # 03-01 00:10 … 03-31 23:59, local


def test_what_was_open_at_each_end_is_counted_as_by_its_definition(gridlog, template):
    """Follow-ups and reminders opened on every time of TIMES, due before, on and
    after the periods' ends, closed three times later or left open: open, overdue
    and scheduled at the end of each period (and of the one before) match those
    counted by the definition, item by item."""
    for at in range(len(TIMES)):
        for n, flag in enumerate(("--follow-up", "--remind")):
            args = ["add", f"事项{at}", "--grid", GRIDS[n], flag]
            args.append(DUES[(at + 3 * n) % len(DUES)])
            added = gridlog("--db", str(template), *args, "--json", now=iso(at))
            if ok(added) and at + 3 < len(TIMES) and (at + n) % 3:
                item = json.loads(added.stdout)["id"]
                done = ["done", str(item), "--at", TIMES[at + 3]]
                ok(gridlog("--db", str(template), *done, now=NOW))
    counts = ids(template, "SELECT count(*) FROM followups WHERE closed_at IS NULL")
    assert counts[0] > 0 and counts[0] < len(TIMES) * 2
    assert_summary_true(template)


def iso(at: int) -> str:
    """TIMES[at] as the pinned clock takes it."""
    return TIMES[at].replace(" ", "T")


@pytest.mark.parametrize(
    "how", [(), ("--apart", "--batch-size", "2")], ids=["here", "apart"]
)
def test_an_import_keeps_the_summary_though_it_drops_the_triggers(
    gridlog, template, tmp_path, how
):
    """A bulk load drops the insert triggers for its transaction and sums the rows
    into the summary a statement per span of ids (while it waits for a second
    process that reads the file, and at the end): the same counts."""
    csv = tmp_path / "rows.csv"
    lines = ["日期,时间,网格,类型,类别,内容,地点,跟进日期,办结日期"]
    for i in range(10):
        # Follow-ups opened at three places, some closed on the last day of TIMES.
        place, due = (PLACES[i % 3], DUES[-1]) if i % 4 else ("", "")
        closed = "2019-04-01" if i % 4 == 1 else ""
        row = f"{TIMES[i].replace(' ', ',')},红四,巡查,民政,导入{i}"
        lines.append(f"{row},{place},{due},{closed}")
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ok(gridlog("--db", str(template), "import", str(csv), *how, now=NOW))
    assert ids(template, "SELECT count(*) FROM followups") == [7]
    assert_summary_true(template)
    ok(gridlog("--db", str(template), "undo", now=NOW))
    assert_summary_true(template)
    assert ids(template, "SELECT count(*) FROM report_entries") == [0]
    assert ids(template, "SELECT count(*) FROM report_followups") == [0]


def test_an_upgraded_log_has_its_summary_counted_from_its_entries(gridlog, db_path):
    """m018 fills the summary from the entries an older log already holds: each
    entry once, in its month."""
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-14.db", db_path)
    db_path.chmod(0o600)
    ok(gridlog("log", "--limit", "1"))
    assert ids(db_path, "SELECT sum(entries) FROM report_entries") == ids(
        db_path, "SELECT count(*) FROM entries"
    )
    assert_summary_true(db_path)


def test_a_log_of_schema_23_keeps_its_summaries_months_and_drops_their_days(
    gridlog, db_path
):
    """m024: the summaries count per UTC month alone. A log written by the release
    that also counted each day keeps its months, loses its days, and its report
    is still the one counted from every entry and follow-up."""
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-23.db", db_path)
    db_path.chmod(0o600)
    days = "SELECT count(*) FROM {} WHERE length(bucket) = 10"
    assert ids(db_path, days.format("report_entries")) == [5]
    ok(gridlog("log", "--limit", "1"))
    for table in ("report_entries", "report_followups"):
        assert ids(db_path, days.format(table)) == [0]
    assert ids(db_path, "SELECT sum(entries) FROM report_entries") == [5]
    assert_summary_true(db_path)
    ok(gridlog("add", "又去了一趟", "--at", "2019-03-14 09:00", "--case", "7"))
    assert ids(db_path, days.format("report_entries")) == [0]
    assert_summary_true(db_path)


def test_an_upgraded_log_has_its_followups_summary_counted(gridlog, db_path):
    """m021 fills the follow-ups' summary from what an older log already holds:
    each follow-up once in its month, opened and, if it was, closed."""
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-19.db", db_path)
    db_path.chmod(0o600)
    ok(gridlog("log", "--limit", "1"))
    opened, closed = (
        ids(db_path, f"SELECT count({column}) FROM followups WHERE type = 'followup'")[
            0
        ]
        for column in ("*", "closed_at")
    )
    assert opened > 0 and closed > 0
    summed = "SELECT sum(followups) FROM report_followups WHERE event = ?"
    conn = sqlite3.connect(db_path)
    try:
        assert [
            conn.execute(summed, (event,)).fetchone()[0]
            for event in (
                "opened",
                "closed",
            )
        ] == [opened, closed]
    finally:
        conn.close()
    assert_summary_true(db_path)


def test_the_hot_spots_follow_an_entry_moved_to_another_place_or_grid(
    gridlog, template
):
    """The follow-ups' summary knows where each was opened, from its entry: an
    entry moved to another building, or another grid, moves its follow-ups'
    counts, and the hot spots read from the summary are those counted afresh."""
    for n in range(4):
        args = ["add", f"漏水{n}", "--at", TIMES[4], "--place", "9号楼2单元301"]
        ok(gridlog("--db", str(template), *args, "--follow-up", "明天", now=NOW))
    moved = ids(template, "SELECT id FROM entries ORDER BY id")
    conn = sqlite3.connect(template)
    conn.row_factory = sqlite3.Row
    try:
        march = build_report(conn, ZONES[0], month_period(2019, 3), today=TODAY)
    finally:
        conn.close()
    assert [(spot.place, spot.entries) for spot in march.hot_spots] == [("9号楼", 4)]
    ok(gridlog("--db", str(template), "edit", str(moved[0]), "--place", "冶金一号楼"))
    assert_summary_true(template)
    ok(gridlog("--db", str(template), "edit", str(moved[1]), "--grid", "红一"))
    assert_summary_true(template)
    ok(gridlog("--db", str(template), "undo", now=NOW))
    ok(gridlog("--db", str(template), "delete", str(moved[2])))
    assert_summary_true(template)
    assert ids(
        template, "SELECT count(*) FROM report_followups WHERE followups <= 0"
    ) == [0]


def test_check_recounts_a_summary_that_disagrees_with_the_entries(
    gridlog, template, story
):
    """Something that wrote the entries with the triggers dropped would leave the
    summary wrong: `check` says so and counts it afresh."""
    ok(gridlog("--db", str(template), "merge", str(story / "phone-2.jsonl")))
    conn = sqlite3.connect(template)
    with conn:
        conn.execute("UPDATE report_entries SET entries = entries + 1")
    conn.close()
    result = ok(gridlog("--db", str(template), "check"))
    assert "report's summaries disagreed with the entries and follow-ups in 1 row " in (
        result.stdout
    )
    assert_summary_true(template)
    again = ok(gridlog("--db", str(template), "check"))
    assert "report's summaries" not in again.stdout


def test_check_recounts_a_followups_summary_that_disagrees_with_them(
    gridlog, template, story
):
    """The follow-ups' summary likewise: a row written around its triggers (a
    follow-up counted that nobody opened) is found and the summary counted afresh."""
    ok(gridlog("--db", str(template), "merge", str(story / "phone-2.jsonl")))
    conn = sqlite3.connect(template)
    with conn:
        conn.execute(
            "INSERT INTO report_followups (bucket, grid_id, event, entry_grid_id,"
            " place_key, followups) SELECT '2018-12', id, 'opened', id, '', 1"
            " FROM grids LIMIT 1"
        )
    conn.close()
    result = ok(gridlog("--db", str(template), "check"))
    assert "disagreed with the entries and follow-ups in 1 row " in result.stdout
    assert_summary_true(template)


def test_an_entry_whose_worker_is_empty_is_grouped_as_counted_from_the_entries(
    gridlog, template
):
    """A worker written as '' (by another program) is '', not the grid's worker,
    in the report by worker, read from the summary as from the entries."""
    ok(gridlog("--db", str(template), *add_args(4, 0, 0, 0, 0), now=NOW))
    conn = sqlite3.connect(template)
    with conn:
        conn.execute("UPDATE entries SET worker = ''")
    conn.close()
    assert_summary_true(template)
