"""Property tests of `gridlog import`.

The main property: a spreadsheet of valid rows, some of them with one bad cell, is
stored exactly (every valid row, as it was written, and nothing else) with
--skip-bad, its bad rows going to the reject file; without --skip-bad a file with a
bad row is refused and nothing changes. The generator knows which rows are valid,
so the test can say which rows must be stored; most examples do store rows (a test
below keeps it so). A second, wilder test throws arbitrary Unicode at every column:
whatever it holds, the file is stored or refused with gridlog's own message, never
a crash. GRIDLOG_DEBUG=1 makes any other exception escape."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

ZONE = ZoneInfo("Asia/Shanghai")
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])


def fingerprint(db_path: Path) -> tuple:
    """Everything gridlog writes goes through the append-only history and the shared
    id counter, so these do not move unless something was written."""
    conn = sqlite3.connect(db_path)
    try:
        return tuple(
            conn.execute(sql).fetchone()[0]
            for sql in (
                "SELECT max(id) FROM history",
                "SELECT value FROM counters WHERE name = 'record'",
                "SELECT count(*) FROM entries",
                "SELECT count(*) FROM followups",
                "SELECT count(*) FROM grids",
            )
        )
    finally:
        conn.close()


def encode(headers: list[str], rows: list[dict], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(name, "") for name in headers])
    return out.getvalue().encode(encoding, errors="replace")


@pytest.fixture
def debug(monkeypatch):
    monkeypatch.setenv("GRIDLOG_DEBUG", "1")


# --- valid files with some bad cells -------------------------------------------------

# Printable one-line names (no quote, which would hide a formula sign) and texts
# (spaces, newlines, commas and quotes included: the csv must carry them).
NAME = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S"), exclude_characters="'"),
    min_size=1,
    max_size=20,
)
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(categories=("L", "N", "P", "S", "Zs")), st.just("\n")
    ),
    max_size=30,
)
GRIDS = {name: full for full in ("红四网格", "红一网格") for name in (full, full[:2])}
TIMES = {"": (0, 0), "08:30": (8, 30), "17:05": (17, 5), "8点": (8, 0)}
CATEGORIES = {"": "other", "民政": "civil-affairs", "repairs": "repairs"}
KINDS = {"": "visit", "走访": "visit", "patrol": "patrol", "窗口": "window"}
FOLLOW_UPS = ("下周一", "3天后", "2019-04-01")  # each opens a follow-up
VALID = {
    "日期": st.dates(dt.date(2000, 1, 1), dt.date(2019, 3, 13)).flatmap(
        lambda day: st.sampled_from(
            [day.isoformat(), f"{day.year}/{day.month}/{day.day}"]
        )
    ),
    "时间": st.sampled_from(list(TIMES)),
    "网格": st.sampled_from(list(GRIDS)),
    "地点": st.one_of(st.sampled_from(["", "9号楼", "冶金一号楼2单元"]), NAME),
    "居民": st.one_of(st.sampled_from(["", "王建国"]), NAME),
    "电话": st.sampled_from(["", "13812345678", "0471-6612345", "+86 138-1234-5678"]),
    "类别": st.sampled_from(list(CATEGORIES)),
    "类型": st.sampled_from(list(KINDS)),
    "跟进日期": st.sampled_from(["", "无", *FOLLOW_UPS]),
    "状态": st.sampled_from(["", "已办结", "open"]),
}
# One cell that makes its row bad, whatever the other cells say.
BAD = {
    "日期": ["2019-02-30", "3月3日", "2030-01-01", ""],
    "时间": ["25:00"],
    "网格": ["无此网格", "红"],
    "地点": ["9号楼\x1b[2J"],
    "居民": ["王\x01建国"],
    "电话": ["12", "1.38123E+10"],
    "类别": ["迷路"],
    "类型": ["迷路"],
    "内容": ["", "   "],
    "跟进日期": ["2019-02-30"],
    "状态": ["maybe"],
}
REQUIRED = ["日期", "网格", "内容"]
OPTIONAL = [name for name in VALID if name not in REQUIRED]


@dataclass(frozen=True)
class Row:
    cells: dict[str, str]
    bad: str | None  # the column of its bad cell; None for a valid row


@dataclass(frozen=True)
class File:
    headers: list[str]
    rows: list[Row]
    encoding: str
    skip_bad: bool

    @property
    def valid(self) -> list[Row]:
        return [row for row in self.rows if row.bad is None]

    @property
    def bad(self) -> list[int]:
        """The file's row numbers (the header is row 1) of the bad rows."""
        return [n for n, row in enumerate(self.rows, start=2) if row.bad is not None]

    def outcome(self) -> str:
        if self.bad and not self.skip_bad:
            return "refused"
        return "stored" if self.valid else "nothing to store"


@st.composite
def files(draw) -> File:
    chosen = draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
    headers = draw(st.permutations(REQUIRED + chosen))
    rows = []
    for i in range(draw(st.integers(0, 6))):
        cells = {name: draw(VALID[name]) for name in headers if name != "内容"}
        cells["内容"] = f"第{i}条 {draw(TEXT)}"  # unique: rows are told apart
        bad = None
        if draw(st.sampled_from([False, False, False, True])):  # one row in four
            bad = draw(st.sampled_from([name for name in headers if name in BAD]))
            cells[bad] = draw(st.sampled_from(BAD[bad]))
        rows.append(Row(cells, bad))
    skip_bad = draw(st.sampled_from([True, True, True, False]))
    return File(headers, rows, draw(ENCODINGS), skip_bad)


def expected(row: Row) -> tuple:
    """The entry a valid row must become, as `stored` reads it back."""
    cells = row.cells
    day = dt.date(*map(int, cells["日期"].replace("/", "-").split("-")))
    hour, minute = TIMES[cells.get("时间", "")]
    at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)
    return (
        at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        GRIDS[cells["网格"]],
        cells.get("地点") or None,
        cells.get("居民") or None,
        cells.get("电话") or None,
        CATEGORIES[cells.get("类别", "")],
        KINDS[cells.get("类型", "")],
        cells["内容"].strip(),
    )


def stored(db_path: Path) -> tuple[Counter, int]:
    conn = sqlite3.connect(db_path)
    try:
        entries = Counter(
            conn.execute(
                "SELECT e.at, g.name, e.place, e.resident, e.phone, e.category,"
                " e.kind, e.text FROM entries e JOIN grids g ON g.id = e.grid_id"
            )
        )
        follow_ups = conn.execute(
            "SELECT count(*) FROM followups WHERE type = 'followup'"
        ).fetchone()[0]
    finally:
        conn.close()
    return entries, follow_ups


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=files())
def test_valid_rows_are_stored_exactly_and_bad_ones_rejected(
    gridlog, template, debug, file
):
    outcome = file.outcome()
    event(outcome)
    event(f"{len(file.valid)} valid rows, {len(file.bad)} bad")
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "gridlog.db"
        shutil.copy(template, db_path)
        path = Path(folder) / "old.csv"
        rows = [row.cells for row in file.rows]
        path.write_bytes(encode(file.headers, rows, file.encoding))
        rejects = Path(folder) / "rejects.csv"
        before = fingerprint(db_path)
        args = ["--db", str(db_path), "import", str(path), "--rejects", str(rejects)]
        args.append("--force")  # the second import writes its reject file again
        result = gridlog(*args, *(["--skip-bad"] if file.skip_bad else []))
        if outcome == "refused":
            assert result.exit_code == 1, result.output
            verb = "is" if len(file.bad) == 1 else "are"
            said = f"{len(file.bad)} of {len(file.rows)} rows {verb} bad"
            assert said in result.stderr
            assert fingerprint(db_path) == before
            assert not rejects.exists()
            return
        assert result.exit_code == 0, result.output
        entries, follow_ups = stored(db_path)
        assert entries == Counter(expected(row) for row in file.valid)
        opened = [row for row in file.valid if row.cells.get("跟进日期") in FOLLOW_UPS]
        assert follow_ups == len(opened)
        if file.bad:
            with rejects.open(encoding="utf-8-sig", newline="") as reader:
                numbers = [int(line[0]) for line in list(csv.reader(reader))[1:]]
            assert numbers == file.bad
        else:
            assert not rejects.exists()
        again = gridlog(*args, "--skip-bad")  # the same file again adds nothing
        assert again.exit_code == 0, again.output
        assert stored(db_path) == (entries, follow_ups)


def test_most_generated_files_store_rows():
    """The property above proves little if its files are mostly refused or empty:
    over a fixed-seed run of its generator, most files must store rows."""
    outcomes: Counter = Counter()

    @seed(20190314)
    @settings(max_examples=500, database=None, deadline=None)
    @given(file=files())
    def collect(file):
        outcomes[file.outcome()] += 1

    collect()
    assert sum(outcomes.values()) == 500
    assert outcomes["stored"] > 0.5 * 500, outcomes


# --- any cell at all -----------------------------------------------------------------

CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30
)  # any Unicode a file can hold, NUL, newlines and quotes included
DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["2019-02-30", "2019/3/11", "2019年3月12日 8点10分", "3月3日"]),
    st.sampled_from(["24:00", "02/03/2024", "2019-03-11 25:61", "明天", ""]),
    CELL,
)
COLUMNS = {
    "日期": DATES,
    "时间": st.one_of(st.sampled_from(["08:30", "8点", "25:00", ""]), CELL),
    "网格": st.one_of(
        st.sampled_from(["红四", "红一网格", "红", "无此网格", ""]), CELL
    ),
    "地点": st.one_of(st.sampled_from(["9号楼", "冶金一号楼2单元", ""]), CELL),
    "居民": CELL,
    "电话": st.one_of(
        st.sampled_from(["13812345678", "1.38123E+10", "0471-6612345", "12"]), CELL
    ),
    "类别": st.one_of(st.sampled_from(["民政", "repairs", "迷路", ""]), CELL),
    "类型": st.one_of(st.sampled_from(["走访", "窗口", "patrol", ""]), CELL),
    "内容": st.one_of(
        CELL,
        st.tuples(st.sampled_from("漏水a"), st.integers(9_995, 10_005)).map(
            lambda pair: pair[0] * pair[1]  # about the 10,000-character limit
        ),
    ),
    "跟进日期": st.one_of(st.sampled_from(["下周一", "3天后", "无", ""]), DATES),
    "状态": st.one_of(st.sampled_from(["已办结", "open", ""]), CELL),
}
ROW = st.fixed_dictionaries({name: strategy for name, strategy in COLUMNS.items()})
HEADERS = st.lists(st.sampled_from(list(COLUMNS)), min_size=1, max_size=11, unique=True)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    headers=HEADERS,
    rows=st.lists(ROW, max_size=4),
    encoding=ENCODINGS,
    skip_bad=st.booleans(),
)
def test_any_file_is_stored_or_refused_cleanly(
    gridlog, red_grids, db_path, tmp_path, debug, headers, rows, encoding, skip_bad
):
    path = tmp_path / "any.csv"
    path.write_bytes(encode(headers, rows, encoding))
    before = fingerprint(db_path)
    args = ["import", str(path), *(["--skip-bad"] if skip_bad else [])]
    result = gridlog(*args)
    after = fingerprint(db_path)
    event("stored" if after[2] > before[2] else f"exit {result.exit_code}")
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code != 0:
        assert result.stderr.strip(), "a refusal says why"
        assert fingerprint(db_path) == before
    else:
        stored = fingerprint(db_path)[2] - before[2]
        assert 0 <= stored <= len(rows)
