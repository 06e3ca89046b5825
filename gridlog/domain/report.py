"""The monthly review: per-grid (or per-worker, per-category) figures for a period,
computed in SQL so that a month costs the same at any size of history.

The figures are the ones a community secretary reviews: how much walking was done,
what came up, what was closed and how fast, what is still open or overdue, where the
same problems keep coming back, and how it compares with the period before.
"""

import datetime as dt
import json
import sqlite3
from collections import Counter
from typing import NamedTuple

from gridlog.storage.migrations import MINUTES_TO_CLOSE

KINDS = ("visit", "patrol", "window", "meeting", "other")
GROUPINGS = ("grid", "worker", "category")


# The immutable records are NamedTuples, not frozen dataclasses: a dataclass is
# generated from source at import (about a millisecond each), and every report
# pays for it. Both are equal by value. Their annotations are objects, not strings
# (no `from __future__ import annotations` here): typing compiles a string.
class Period(NamedTuple):
    """Local calendar days [start, end): end is the first day after the period."""

    start: dt.date
    end: dt.date

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> "Period":
        """The period of the same length just before; whole months give months."""
        if self.start.day == 1 and self.end.day == 1 and self.days >= 28:
            months = _month_number(self.end) - _month_number(self.start)
            year, month = divmod(_month_number(self.start) - months, 12)
            return Period(dt.date(year, month + 1, 1), self.start)
        return Period(self.start - dt.timedelta(days=self.days), self.start)

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == _next_month(self.start):
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()} – {self.last.isoformat()}"


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(start, _next_month(start))


class _Record:
    """A mutable record written out by hand: `dataclass` generates its methods from
    source at import (about 1.5 ms a class), which every report paid for. Equal
    and shown by the fields of `_compared` and `_shown`, as a dataclass is."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq
    _shown: tuple[str, ...] = ()
    _compared: tuple[str, ...] = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._compared)


class Figures(_Record):
    """The numbers for one group (a grid, a worker or a category) or the total."""

    # In the order a dataclass would show them (and take them positionally).
    _shown = _compared = (
        "group",
        "entries",
        "by_kind",
        "by_category",
        "places",
        "followups_opened",
        "followups_closed",
        "open",
        "overdue",
        "scheduled",
        "median_resolution_minutes",
        "longest_resolution_minutes",
        "unknown_resolution",
        "due_in_period",
        "closed_on_time",
    )
    __slots__ = (*_shown, "resolution")

    def __init__(
        self,
        group: str,
        entries: int = 0,
        by_kind: dict[str, int] | None = None,
        by_category: dict[str, int] | None = None,
        places: int = 0,
        followups_opened: int = 0,
        followups_closed: int = 0,
        open: int = 0,
        overdue: int = 0,
        scheduled: int = 0,
        median_resolution_minutes: float | None = None,
        longest_resolution_minutes: int | None = None,
        unknown_resolution: int = 0,
        due_in_period: int = 0,
        closed_on_time: int = 0,
        resolution: list[int] | None = None,
    ) -> None:
        self.group = group
        self.entries = entries
        self.by_kind = {} if by_kind is None else by_kind
        self.by_category = {} if by_category is None else by_category
        self.places = places  # distinct places (households, buildings) with an entry
        self.followups_opened = followups_opened
        self.followups_closed = followups_closed
        # Still open at the period's end: every follow-up (a case being worked on),
        # and the reminders due by then. A reminder due later (a birthday in 2030)
        # is `scheduled`: future work, not open work.
        self.open = open
        self.overdue = overdue  # ... of which past their due date then (or today)
        self.scheduled = scheduled  # reminders open at the period's end, due after
        # Follow-ups closed in the period: median and longest minutes to resolve.
        self.median_resolution_minutes = median_resolution_minutes
        self.longest_resolution_minutes = longest_resolution_minutes
        # ... of which closed on a day nobody wrote down: left out of those times
        self.unknown_resolution = unknown_resolution
        self.due_in_period = due_in_period  # items due in the period (so far)
        self.closed_on_time = closed_on_time  # ... closed by the end of their day
        # The minutes to resolve each follow-up closed in the period, sorted: what a
        # worker's median over several grids is taken from. Neither shown nor
        # compared.
        self.resolution = [] if resolution is None else resolution

    @property
    def visits(self) -> int:
        return self.by_kind.get("visit", 0)

    @property
    def on_time_share(self) -> float | None:
        if not self.due_in_period:
            return None
        return self.closed_on_time / self.due_in_period


class HotSpot(NamedTuple):
    """A place where three or more entries opened follow-ups in the period."""

    group: str
    place: str
    entries: int


class ScheduledReminder(NamedTuple):
    """A reminder open at the period's end and due after it: listed, not counted."""

    id: int
    group: str
    due: dt.date
    text: str


class Masthead(NamedTuple):
    """Whose review it is, for the page that is signed and handed upwards: the
    community (`gridlog config --community`), the grids it covers and their workers."""

    community: str | None
    grids: list[str]
    workers: list[str]


class WorkerFigures(NamedTuple):
    """A hub worker's share of the review: its grids' figures summed."""

    login: str
    name: str
    grids: list[str]
    figures: Figures


# (login, name, the names of the grids it was granted)
Roster = list[tuple[str, str, list[str]]]


class Report(_Record):
    """The review of a period: its groups' figures and the previous period's."""

    _shown = _compared = (
        "period",
        "by",
        "groups",
        "total",
        "previous",
        "previous_total",
        "hot_spots",
        "unvisited",
        "scheduled",
        "masthead",
        "coverage",
        "workers",
    )
    __slots__ = _shown

    def __init__(
        self,
        period: Period,
        by: str,
        groups: list[Figures],
        total: Figures,
        previous: dict[str, Figures],
        previous_total: Figures,
        hot_spots: list[HotSpot],
        unvisited: list | None = None,
        scheduled: list[ScheduledReminder] | None = None,
        masthead: Masthead | None = None,
        coverage: list | None = None,
        workers: list[WorkerFigures] | None = None,
    ) -> None:
        self.period = period
        self.by = by  # one of GROUPINGS
        self.groups = groups
        self.total = total
        self.previous = previous  # the previous period's figures, by group
        self.previous_total = previous_total
        self.hot_spots = hot_spots
        # Households of the register nobody visited during the period
        # (domain.coverage).
        self.unvisited = [] if unvisited is None else unvisited
        # The first reminders due after the period (soonest first);
        # `total.scheduled` counts them all.
        self.scheduled = [] if scheduled is None else scheduled
        self.masthead = Masthead(None, [], []) if masthead is None else masthead
        # Per grid: the register's households visited in the period
        # (domain.coverage).
        self.coverage = [] if coverage is None else coverage
        # Per hub worker (the roster `gridlog sync` brought), or None: no roster
        # known.
        self.workers = workers


# --- Computing a report -------------------------------------------------------------
# Every query is bounded by the period (entries.at, followups opened/closed/due in
# it), by what is open now, or by what was closed since the previous period ended (a
# few weeks, for last month's report), each on an index, so a recent month costs the
# same whether the log holds one year or ten. (A month long past reads every item
# closed since: the price of knowing what was open at its end.)

# The group of a row. Grids are grouped by id and named afterwards: grouping on the
# integer straight off the covering index spares a join per row.
_GROUP_SQL = {
    "grid": "{t}.grid_id",
    "worker": "coalesce(e.worker, g.worker, '')",
    "category": "e.category",
}


class _Query:
    """The pieces every report query shares: group expression, grid filter, bounds."""

    def __init__(
        self,
        by: str,
        period: Period,
        zone: dt.tzinfo,
        grid_ids,
        today: dt.date | None = None,
        summarized: bool = True,
        in_full: bool = True,
        places: bool = True,
    ) -> None:
        from gridlog.dates.clock import day_start_utc

        self.by = by
        self.summarized = summarized
        # False: only the figures the screen compares with (see build_report).
        self.in_full = in_full
        self.places = places and in_full  # distinct places: not on the screen
        self.group = _GROUP_SQL[by].format(t="e")
        self.item_group = _GROUP_SQL[by].format(t="f")
        self.start = day_start_utc(period.start, zone)
        self.end = day_start_utc(period.end, zone)
        self.period = period
        # Overdue means due before this day: the period's end, or today while the
        # period is still running (a case due on the 20th is not late on the 15th).
        self.late_day = min(period.end, today) if today else period.end
        self.zone = zone
        self.grid_ids = list(grid_ids or [])
        self.grid_join = " JOIN grids g ON g.id = e.grid_id" if by == "worker" else ""
        # The follow-ups' summary serves the grids' figures (its rows know no
        # worker or category); (entry's grid, place's name) -> follow-ups opened,
        # once read for the period's opened count: what its hot spots are from.
        self.followup_summary = summarized and by == "grid"
        self.opened_places: dict[tuple, int] | None = None
        self.hot_spots = False  # the period whose hot spots are shown: the report's

    def grid_filter(self, column: str) -> tuple[str, list]:
        if not self.grid_ids:
            return "", []
        marks = ", ".join("?" for _ in self.grid_ids)
        return f" AND {column} IN ({marks})", list(self.grid_ids)

    def named_grid_filter(self, column: str) -> tuple[str, dict[str, object]]:
        names = {f"g{i}": grid_id for i, grid_id in enumerate(self.grid_ids)}
        if not names:
            return "", {}
        return f" AND {column} IN ({', '.join(':' + n for n in names)})", names


def build_report(
    conn,
    zone: dt.tzinfo,
    period: Period,
    *,
    by: str = "grid",
    grid_ids=None,
    today: dt.date | None = None,
    summarized: bool = True,
    screen_only: bool = False,
) -> Report:
    """The figures of `period` and of the period before it, per group and in total.
    `today` (when given) bounds what is overdue in a period still running.
    `summarized=False` counts every entry of the periods instead of reading the
    summary the triggers keep, and what was open at the periods' ends by its
    definition rather than in indexed parts: the reference `gridlog check` and the
    tests hold the summary and the parts to. `screen_only=True` computes only
    what the screen (and Markdown) shows: no distinct places, and of the previous
    period only what the screen compares with (entries, visits, cases opened,
    closed, open and overdue), its other kinds, categories, times to resolve and
    due dates left at nothing: half the report's work. Its groups are the same."""
    shown = not screen_only
    queries = [
        _Query(by, period, zone, grid_ids, today, summarized, places=shown),
        _Query(by, period.previous(), zone, grid_ids, today, summarized, shown),
    ]
    queries[0].hot_spots = True
    results = [_figures(conn, queries[0])]
    results.append(_figures(conn, queries[1], shown=results[0][0]))
    if summarized:
        _count_open_at_the_ends(conn, queries, results)
    else:
        _count_open_at_the_ends_scanned(conn, queries, results)
    (current, total), (previous, previous_total) = results
    for name in previous:
        current.setdefault(name, Figures(name))
    groups = sorted(current.values(), key=_order(conn, by))
    # The previous figures in the groups' order, whatever order the queries met
    # them in (the parts of what was open at the ends meet them out of order).
    previous = {g.group: previous[g.group] for g in groups if g.group in previous}
    scheduled = _scheduled(conn, queries[0])
    if by == "grid":
        names = _grid_names(conn)
        for figures in [*groups, *previous.values()]:
            figures.group = names[figures.group]
        previous = {figures.group: figures for figures in previous.values()}
        scheduled = [s._replace(group=names[s.group]) for s in scheduled]
    masthead = _masthead(conn, grid_ids)
    unvisited, coverage = _households(conn, zone, period, grid_ids)
    return Report(
        period=period,
        by=by,
        groups=groups,
        total=total,
        previous=previous,
        previous_total=previous_total,
        hot_spots=_hot_spots(conn, queries[0]),
        unvisited=unvisited,
        scheduled=scheduled,
        masthead=masthead,
        coverage=coverage,
        workers=by_worker(_roster(conn), groups, masthead.grids)
        if by == "grid"
        else None,
    )


def _roster(conn) -> Roster | None:
    """The hub's workers as the last sync brought them, with the names this device
    gives their grids; None on a device that never synced (or has no roster)."""
    workers = conn.execute(
        "SELECT login, name FROM hub_workers WHERE NOT office ORDER BY login"
    ).fetchall()
    if not workers and not conn.execute("SELECT 1 FROM hub_workers").fetchone():
        return None
    grids: dict[str, list[str]] = {}
    for login, name in conn.execute(
        "SELECT w.login, g.name FROM hub_worker_grids w"
        " JOIN grids g ON g.uuid = w.grid_uuid ORDER BY g.id"
    ):
        grids.setdefault(login, []).append(name)
    return [(login, name, grids.get(login, [])) for login, name in workers]


def by_worker(
    roster: Roster | None, groups: list[Figures], grids: list[str]
) -> list[WorkerFigures] | None:
    """Each worker of `roster` with the figures of its grids (those of `grids`, the
    report's) summed; a worker with none of them is left out. Places are counted
    per grid, and the median is taken over every case its grids closed."""
    if roster is None:
        return None
    figures = {group.group: group for group in groups}
    shown = []
    for login, name, granted in roster:
        mine = [grid for grid in grids if grid in granted]
        if mine:
            theirs = summed([figures.get(grid, Figures(grid)) for grid in mine])
            shown.append(WorkerFigures(login, name, mine, theirs))
    # In the order of the report's grids: the first grid's worker first.
    return sorted(shown, key=lambda worker: grids.index(worker.grids[0]))


_SUMMED = (
    "entries",
    "places",
    "followups_opened",
    "followups_closed",
    "open",
    "overdue",
    "scheduled",
    "unknown_resolution",
    "due_in_period",
    "closed_on_time",
)


def summed(parts: list[Figures]) -> Figures:
    """Several groups' figures as one: counts added, the median and longest time
    to resolve taken over all their closed cases."""
    total = Figures("")
    for part in parts:
        for name in _SUMMED:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for mine, theirs in (
            (total.by_kind, part.by_kind),
            (total.by_category, part.by_category),
        ):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + count
        total.resolution += part.resolution
    total.resolution.sort()
    if total.resolution:
        total.median_resolution_minutes = median(total.resolution)
        total.longest_resolution_minutes = total.resolution[-1]
    return total


def _masthead(conn, grid_ids) -> Masthead:
    """The grids asked for (else every grid), in the order they were registered, and
    their workers; the worker of `gridlog config` when no grid names one."""
    from gridlog.domain import settings

    where, params = "", list(grid_ids or [])
    if params:
        where = f" WHERE id IN ({', '.join('?' for _ in params)})"
    rows = conn.execute(
        f"SELECT name, worker FROM grids{where} ORDER BY id", params
    ).fetchall()
    workers = list(dict.fromkeys(row[1] for row in rows if row[1]))
    if not workers and settings.get(conn, "worker"):
        workers = [settings.get(conn, "worker")]
    return Masthead(
        community=settings.get(conn, "community"),
        grids=[row[0] for row in rows],
        workers=workers,
    )


def _households(conn, zone: dt.tzinfo, period: Period, grid_ids) -> tuple:
    """Households of the register not visited in the period, as of its last day,
    and those visited during it per grid: one indexed look per household for both
    (see gridlog.domain.coverage)."""
    from gridlog.domain.coverage import review

    return review(conn, zone, period.start, period.end, grid_ids)


def _order(conn, by: str):
    """Grids in the order they were registered (by id); other groups by name."""
    return lambda figures: figures.group


def _grid_names(conn) -> dict[int, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT id, name FROM grids")}


def _figures(
    conn, q: _Query, shown: dict | None = None
) -> tuple[dict[str, Figures], Figures]:
    """The figures of the period of `q`, per group and in total; `shown`, the
    groups the report already has a row for (the period's, for the previous)."""
    groups: dict[str, Figures] = {}
    total = Figures("")

    def each(name: str) -> list[Figures]:
        if name not in groups:
            groups[name] = Figures(name)
        return [groups[name], total]

    _count_entries(conn, q, groups, total)
    _count_followups(conn, q, groups, total)
    if q.in_full:
        _due_and_on_time(conn, q, each)
    elif not (q.by == "grid" and _every_grid_in(conn, q, shown or {})):
        _due_groups(conn, q, each)
    return groups, total


def _every_grid_in(conn, q: _Query, shown: dict) -> bool:
    """Has every grid of the report a row already? Then no group is left that only
    what was due could bring."""
    grid_ids = q.grid_ids or [row[0] for row in conn.execute("SELECT id FROM grids")]
    return all(grid_id in shown for grid_id in grid_ids)


def _count_entries(conn, q: _Query, groups: dict[str, Figures], total: Figures) -> None:
    """Entries by kind and category, and distinct places, per group and in total."""
    if not q.in_full:
        _count_entries_and_visits(conn, q, groups, total)
        return
    counts = _entry_counts(conn, q) if q.summarized else _entry_counts_scanned(conn, q)
    for group, kind, category, count in counts:
        figures = _group(groups, group)
        figures.entries += count
        figures.by_kind[kind] = figures.by_kind.get(kind, 0) + count
        figures.by_category[category] = figures.by_category.get(category, 0) + count
        # The total lists its categories in the order a walk through the rows
        # sorted by group, kind and category first meets them: the order that
        # equal counts are shown in.
        total.by_category.setdefault(category, 0)
    for group in dict.fromkeys(row[0] for row in counts):
        figures = groups[group]
        figures.by_kind = dict(sorted(figures.by_kind.items()))
        figures.by_category = dict(sorted(figures.by_category.items()))
        total.entries += figures.entries
        for kind, count in figures.by_kind.items():
            total.by_kind[kind] = total.by_kind.get(kind, 0) + count
        for category, count in figures.by_category.items():
            total.by_category[category] += count
    if q.places:
        _count_places(conn, q, groups, total)


def _count_entries_and_visits(
    conn, q: _Query, groups: dict[str, Figures], total: Figures
) -> None:
    """Entries and visits alone, per group and in total (the screen's comparison):
    summed by SQLite into a row per group rather than by kind and category here."""
    if q.by == "grid" and q.summarized:
        _count_grid_entries_and_visits(conn, q, groups, total)
        return
    sql, values = _entry_rows(q)
    rows = _tuples(
        conn,
        f"SELECT grp, sum(n), sum(n) FILTER (WHERE kind = 'visit') FROM ({sql})"
        " GROUP BY grp HAVING sum(n) > 0",
        values,
    )
    for group, entries, visits in rows:
        for figures in (_group(groups, group), total):
            figures.entries += entries
            if visits:
                figures.by_kind["visit"] = figures.by_kind.get("visit", 0) + visits


def _count_grid_entries_and_visits(
    conn, q: _Query, groups: dict[str, Figures], total: Figures
) -> None:
    """`_count_entries_and_visits` by grid: each bucket of the summary and each
    edge summed per grid by SQLite, in the order of its key (no sort), and those
    sums added up here."""
    buckets, ranges = _summary_parts(q)
    parts = []
    summary_where, summary_params = q.grid_filter("s.grid_id")
    for bucket, sign in buckets:
        parts.append(
            (
                "SELECT s.grid_id, sum(s.entries),"
                " sum(s.entries) FILTER (WHERE s.kind = 'visit')"
                f" FROM report_entries s WHERE s.bucket = ?{summary_where}"
                " GROUP BY s.grid_id",
                [bucket, *summary_params],
                sign,
            )
        )
    where, params = q.grid_filter("e.grid_id")
    for start, end, sign in ranges:
        parts.append(
            (
                "SELECT e.grid_id, count(*), count(*) FILTER (WHERE e.kind = 'visit')"
                f" FROM entries e WHERE e.at >= ? AND e.at < ?{where}"
                " GROUP BY e.grid_id",
                [start, end, *params],
                sign,
            )
        )
    summed: dict[int, list[int]] = {}
    for sql, values, sign in parts:
        for grid, entries, visits in _tuples(conn, sql, values):
            counts = summed.get(grid)
            if counts is None:
                counts = summed[grid] = [0, 0]
            counts[0] += sign * entries
            counts[1] += sign * (visits or 0)
    for grid, (entries, visits) in summed.items():
        if entries > 0:
            for figures in (_group(groups, grid), total):
                figures.entries += entries
                if visits:
                    figures.by_kind["visit"] = figures.by_kind.get("visit", 0) + visits


def _entry_rows(q: _Query) -> tuple[str, list]:
    """(grp, kind, category, n) rows whose n summed are the period's entries: from
    the summary and the period's edges, or each entry (`summarized=False`)."""
    if q.summarized:
        return _summary_rows(q)
    where, params = q.grid_filter("e.grid_id")
    return (
        f"SELECT {q.group} AS grp, e.kind, e.category, 1 AS n"
        f" FROM entries e{q.grid_join} WHERE e.at >= ? AND e.at < ?{where}",
        [q.start, q.end, *params],
    )


def _sorted_counts(counts) -> list[tuple]:
    """(group, kind, category, count) rows in the order of the walk above. Groups
    compare as SQLite's GROUP BY sorts them: grid ids as numbers, names as text."""
    return sorted(counts)  # each (group, kind, category) once: the count never decides


def _entry_counts_scanned(conn, q: _Query) -> list[tuple]:
    """(group, kind, category, count) of the period's entries, each entry read."""
    where, params = q.grid_filter("e.grid_id")
    rows = _tuples(
        conn,
        f"SELECT {q.group} AS grp, e.kind, e.category, count(*)"
        f" FROM entries e{q.grid_join}"
        f" WHERE e.at >= ? AND e.at < ?{where} GROUP BY grp, e.kind, e.category",
        [q.start, q.end, *params],
    )
    return _sorted_counts(rows)


# The group of a row of the summary, as _GROUP_SQL names it for an entry (its
# `worker_key` is '' for no worker, else `=` and the worker, who may be '').
_SUMMARY_GROUP_SQL = {
    "grid": "s.grid_id",
    "worker": "CASE s.worker_key WHEN '' THEN coalesce(g.worker, '')"
    " ELSE substr(s.worker_key, 2) END",
    "category": "s.category",
}


def _entry_counts(conn, q: _Query) -> list[tuple]:
    """(group, kind, category, count) of the period's entries, from the summary."""
    # Summed here rather than by GROUP BY: the rows come in nearly in order (the
    # summary's key), and SQLite's sorter takes longer over them than a dict.
    counts: dict[tuple, int] = {}
    if q.by == "grid":
        _count_grid_entries(conn, q, counts)
    else:
        for group, kind, category, n in _tuples(conn, *_summary_rows(q)):
            key = (group, kind, category)
            counts[key] = counts.get(key, 0) + n
    return _sorted_counts([(*key, count) for key, count in counts.items() if count > 0])


def _count_grid_entries(conn, q: _Query, counts: dict[tuple, int]) -> None:
    """`_entry_counts` by grid, into `counts`: each bucket of the summary read in
    the order of its key, a grid's kinds, categories and counts as three JSON
    arrays (40 rows rather than 2,000 for a month of 40 grids), and the edges'
    entries one by one."""
    buckets, ranges = _summary_parts(q)
    summary_where, summary_params = q.grid_filter("s.grid_id")
    for bucket, sign in buckets:
        rows = _tuples(
            conn,
            "SELECT s.grid_id, json_group_array(s.kind),"
            " json_group_array(s.category), json_group_array(s.entries)"
            f" FROM report_entries s WHERE s.bucket = ?{summary_where}"
            " GROUP BY s.grid_id",
            [bucket, *summary_params],
        )
        for grid, kinds, categories, numbers in rows:
            for kind, category, n in zip(
                json.loads(kinds),
                json.loads(categories),
                json.loads(numbers),
                strict=True,
            ):
                key = (grid, kind, category)
                counts[key] = counts.get(key, 0) + sign * n
    where, params = q.grid_filter("e.grid_id")
    for start, end, sign in ranges:
        rows = _tuples(
            conn,
            "SELECT e.grid_id, e.kind, e.category FROM entries e"
            f" WHERE e.at >= ? AND e.at < ?{where}",
            [start, end, *params],
        )
        for key in rows:
            counts[key] = counts.get(key, 0) + sign


def _summary_parts(q: _Query) -> tuple[list[tuple], list[tuple]]:
    """The summaries' months to read ([(bucket, sign)]) and the instants to read
    from the rows themselves ([(from, to, sign)]) that together are the period:
    a UTC month mostly covered is read as the month, put right by its hours
    outside the period and the period's outside it; a period that covers no
    month mostly (a week, a few days) is read from its rows."""
    months = _months_mostly_within(q.start, q.end)
    if months:
        return [(month, 1) for month in months], _outside_months(q.start, q.end, months)
    return [], [(q.start, q.end, 1)]


def _summary_rows(q: _Query) -> tuple[str, list]:
    """(grp, kind, category, n) rows of the period's entries, read from the summary
    of UTC months (`report_entries`, kept by triggers) and from the entries of
    the period's edges (see `_summary_parts`). A month mostly covered is
    read as the month, less the entries of its hours outside the period and plus
    those of the period's hours outside it (a local month: eight hours each end in
    China), which are fewer rows than a day of the summary and a part-day."""
    buckets, ranges = _summary_parts(q)
    where, params = q.grid_filter("e.grid_id")
    summary_where, summary_params = q.grid_filter("s.grid_id")
    parts, values = [], []
    if buckets:
        marks = ", ".join("(?, ?)" for _ in buckets)
        grid_join = " JOIN grids g ON g.id = s.grid_id" if q.by == "worker" else ""
        parts.append(
            f"SELECT {_SUMMARY_GROUP_SQL[q.by]} AS grp, s.kind, s.category,"
            " s.entries * b.column2 AS n"
            f" FROM (VALUES {marks}) b JOIN report_entries s ON s.bucket = b.column1"
            f"{grid_join} WHERE 1{summary_where}"
        )
        values += [v for bucket in buckets for v in bucket] + summary_params
    for start, end, sign in ranges:
        parts.append(
            f"SELECT {q.group} AS grp, e.kind, e.category, {int(sign)} AS n"
            f" FROM entries e{q.grid_join} WHERE e.at >= ? AND e.at < ?{where}"
        )
        values += [start, end, *params]
    return " UNION ALL ".join(parts), values


def _tuples(conn, sql: str, params) -> sqlite3.Cursor:
    """The rows of `sql` as plain tuples, whatever the connection's row factory: a
    report reads thousands, and a sqlite3.Row costs more than its tuple."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def _months_mostly_within(start: str, end: str) -> list[str]:
    """The UTC months ('YYYY-MM') more than half of whose days lie whole within the
    instants [start, end): one run of them, or none."""
    first = dt.date.fromisoformat(start[:10])
    if first.isoformat() < start:
        first += dt.timedelta(days=1)
    stop = dt.date.fromisoformat(end[:10])
    months = []
    month = first.replace(day=1)
    while month < stop:
        following = _next_month(month)
        inside = (min(following, stop) - max(month, first)).days
        if 2 * inside > (following - month).days:
            months.append(f"{month:%Y-%m}")
        month = following
    return months


def _count_places(conn, q: _Query, groups: dict[str, Figures], total: Figures) -> None:
    """Distinct places (households, buildings) with an entry in the period, per
    group and in total: each group hands back its places as a JSON array, counted
    here; Python's set is far faster than sorting the month's rows in SQL."""
    where, params = q.grid_filter("e.grid_id")
    rows = conn.execute(
        f"SELECT {q.group} AS grp, json_group_array(e.place)"
        f" FROM entries e{q.grid_join}"
        f" WHERE e.at >= ? AND e.at < ? AND e.place IS NOT NULL{where} GROUP BY grp",
        [q.start, q.end, *params],
    )
    places: set[str] = set()
    for group, group_places in rows:
        seen = set(json.loads(group_places))
        _group(groups, group).places = len(seen)
        places |= seen
    total.places = len(places)


def _outside_months(start: str, end: str, months: list[str]) -> list[tuple]:
    """The instants [from, to) and their sign where the period [start, end) and the
    UTC months (one run of them, within its span) differ: +1 for what the period
    holds beyond the months, -1 for what the months hold beyond the period. The
    summaries' months put right by the entries of these: the period."""
    first = f"{months[0]}-01"
    last = dt.date.fromisoformat(f"{months[-1]}-01")
    after = f"{_next_month(last):%Y-%m-%d}"
    parts = [
        (start, min(end, first), 1),
        (max(start, after), end, 1),
        (first, min(start, after), -1),
        (max(end, first), after, -1),
    ]
    return [(a, b, sign) for a, b, sign in parts if a < b]


def _followup_source(q: _Query) -> str:
    """Follow-ups with their group; the opening entry is joined only when the group
    needs it (worker, category): at a million entries each join costs a page read."""
    if q.by == "grid":
        return f"SELECT {q.item_group} AS grp, f.* FROM followups f"
    return (
        f"SELECT {q.item_group} AS grp, f.* FROM followups f"
        " JOIN entries e ON e.id = f.entry_id JOIN grids g ON g.id = f.grid_id"
    )


# Whole minutes from opening to closing: the expression the index of closed items
# holds (m021), written the same so that SQLite reads it from the index.
_MINUTES_TO_CLOSE = MINUTES_TO_CLOSE


def _count_followups(
    conn, q: _Query, groups: dict[str, Figures], total: Figures
) -> None:
    """Follow-ups opened and closed in the period, and how fast those were closed."""
    where, names = q.named_grid_filter("f.grid_id")
    params = {"start": q.start, "end": q.end, **names}
    source = _followup_source(q)
    if q.followup_summary:
        opened, places = _summarized_followups(conn, q, "opened", q.hot_spots)
        q.opened_places = places if q.hot_spots else None
        rows = opened.items()
    else:
        rows = conn.execute(
            f"SELECT grp, count(*) FROM ({source} WHERE f.type = 'followup'"
            f" AND f.opened_at >= :start AND f.opened_at < :end{where}) GROUP BY grp",
            params,
        )
    for group, count in rows:
        _add(groups, total, group, "followups_opened", count)
    if not q.in_full:
        _count_closed(conn, q, groups, total)
        return
    # The period's closed follow-ups come as one row of lists (their groups, the
    # minutes each took, the groups of those closed on an unknown day) and are
    # grouped here: SQLite's sorter takes longer over them for a GROUP BY.
    unknown = "closed_day_unknown OR closed_time_unknown"
    lists = _tuples(
        conn,
        "SELECT json_group_array(grp),"
        f" json_group_array(CASE WHEN {unknown} THEN NULL"
        f" ELSE {_MINUTES_TO_CLOSE} END),"
        f" json_group_array(grp) FILTER (WHERE {unknown})"
        f" FROM ({source} WHERE f.type = 'followup'"
        f" AND f.closed_at >= :start AND f.closed_at < :end{where})",
        params,
    ).fetchone()
    closed: dict = {}
    for group, taken in zip(*map(json.loads, lists[:2]), strict=True):
        minutes = closed.get(group)
        if minutes is None:
            minutes = closed[group] = []
        minutes.append(taken)
    unknown_in = Counter(json.loads(lists[2]))
    everyone: list[int] = []
    for group, ordered in closed.items():
        _add(groups, total, group, "followups_closed", len(ordered))
        _add(groups, total, group, "unknown_resolution", unknown_in[group])
        # Median and longest minutes to resolve, over follow-ups closed in the period.
        if None in ordered:  # closed on an unknown day, or a timestamp unreadable
            ordered = [m for m in ordered if m is not None]
        ordered.sort()
        if ordered:
            figures = groups[group]
            figures.resolution = ordered
            figures.median_resolution_minutes = median(ordered)
            figures.longest_resolution_minutes = ordered[-1]
            everyone += ordered
    if everyone:
        everyone.sort()
        total.median_resolution_minutes = median(everyone)
        total.longest_resolution_minutes = everyone[-1]


def _summarized_followups(
    conn, q: _Query, event: str, places: bool = False
) -> tuple[dict[int, int], dict[tuple, int]]:
    """The follow-ups opened (or closed) in the period per grid, from the summary
    the triggers keep (`report_followups`); and with `places`, of those opened, how
    many per grid of their entry and place (named: a building's name, None for one
    gone from the register, or the place as typed): the hot spots' counts. Read
    as the entries' summary is (`_summary_rows`): the summary's months,
    put right by the follow-ups of the period's edges. Without places SQLite sums
    them per grid."""
    from gridlog.storage.migrations import FOLLOWUP_SUMMARY, PLACE_KEY

    buckets, ranges = _summary_parts(q)
    where, params = q.grid_filter("f.grid_id")
    summary_where, summary_params = q.grid_filter("s.grid_id")
    parts, values = [], []
    if buckets:
        marks = ", ".join("(?, ?)" for _ in buckets)
        key = "s.entry_grid_id, s.place_key, bd.name, " if places else ""
        named = " LEFT JOIN buildings bd ON bd.id = s.place_key" if places else ""
        parts.append(
            f"SELECT s.grid_id AS grid, {key}s.followups * b.column2 AS n"
            f" FROM (VALUES {marks}) b JOIN {FOLLOWUP_SUMMARY} s"
            f" ON s.bucket = b.column1 AND s.event = ?{named} WHERE 1{summary_where}"
        )
        values += [v for bucket in buckets for v in bucket]
        values += [event, *summary_params]
    for start, end, sign in ranges:
        if places:
            parts.append(
                f"SELECT f.grid_id AS grid, e.grid_id, {PLACE_KEY.format(e='e')},"
                f" bd.name, {int(sign)} AS n"
                " FROM followups f JOIN entries e ON e.id = f.entry_id"
                " LEFT JOIN buildings bd ON bd.id = e.building_id"
            )
        else:
            parts.append(f"SELECT f.grid_id AS grid, {int(sign)} AS n FROM followups f")
        parts[-1] += (
            f" WHERE f.type = 'followup' AND f.{event}_at >= ? AND f.{event}_at < ?"
            f"{where}"
        )
        values += [start, end, *params]
    sql = " UNION ALL ".join(parts)
    if not places:
        summed = f"SELECT grid, sum(n) FROM ({sql}) GROUP BY grid"
        return dict(_tuples(conn, summed, values)), {}
    per_grid: dict[int, int] = {}
    opened: dict[tuple, int] = {}
    for grid, entry_grid, key, name, n in _tuples(conn, sql, values):
        per_grid[grid] = per_grid.get(grid, 0) + n
        if key != "":
            # A place typed is its own name; a building's is read with it (None:
            # gone from the register).
            place = (entry_grid, name if type(key) is int else key[1:])
            opened[place] = opened.get(place, 0) + n
    return per_grid, opened


def _count_closed(conn, q: _Query, groups: dict[str, Figures], total: Figures) -> None:
    """Follow-ups closed in the period, without the minutes each took or how many
    were closed on a day nobody wrote down: the previous period on screen."""
    if q.followup_summary:
        rows = _summarized_followups(conn, q, "closed")[0].items()
    else:
        where, names = q.named_grid_filter("f.grid_id")
        rows = conn.execute(
            f"SELECT grp, count(*) FROM ({_followup_source(q)}"
            " WHERE f.type = 'followup' AND f.closed_at >= :start"
            f" AND f.closed_at < :end{where}) GROUP BY grp",
            {"start": q.start, "end": q.end, **names},
        )
    for group, count in rows:
        _add(groups, total, group, "followups_closed", count)


def _count_open_at_the_ends(conn, queries: list[_Query], results) -> None:
    """Items (follow-ups and reminders) open, overdue and scheduled at the end of
    each period: opened before it and not closed before it. Split so that each part
    uses an index: items still open now (the partial index of open items), counted
    for all the periods at once; and, period by period, items closed since its end
    and opened before it. (Read for every period at once, the closed items would be
    all those of the whole span, most of them open at neither end.)"""
    first = queries[0]
    where, params = first.named_grid_filter("f.grid_id")
    source = _followup_source(first)
    latest = params["latest"] = max(q.end for q in queries)
    open_now = []
    for i, q in enumerate(queries):
        params |= {
            f"end{i}": q.end,
            f"day{i}": q.period.end.isoformat(),
            f"late{i}": q.late_day.isoformat(),
        }
        # What every row read already passes is not tested again, row by row.
        opened = [] if q.end == latest else [f"opened_at < :end{i}"]
        open_now += _open_counts(i, opened, q.in_full)
    if first.by == "grid":
        statements = _open_now_by_grid(queries, open_now, params)
    else:
        # (The unary + keeps SQLite off the opened_at index, which covers history.)
        statements = [
            f"SELECT grp, {', '.join(open_now)} FROM ({source}"
            f" WHERE f.closed_at IS NULL AND +f.opened_at < :latest{where})"
            " GROUP BY grp"
        ]
    for sql in statements:
        for group, *numbers in _tuples(conn, sql, params).fetchall():
            for i, result in enumerate(results):
                _add_open(result, group, numbers[3 * i : 3 * i + 3])
    for i, (q, result) in enumerate(zip(queries, results, strict=True)):
        rows = _tuples(
            conn,
            f"SELECT grp, {', '.join(_open_counts(i, [], q.in_full))} FROM ({source}"
            f" WHERE f.closed_at >= :end{i} AND +f.opened_at < :end{i}{where})"
            " GROUP BY grp",
            params,
        )
        for group, *numbers in rows:
            _add_open(result, group, numbers)


def _open_now_by_grid(queries: list[_Query], open_now: list[str], params) -> list:
    """The items still open now, by grid, as three reads of the index of open items
    by grid and type (m021), grid by grid so that no GROUP BY sorts: follow-ups;
    reminders due before the last day any period's counts test (`:due`); and the
    reminders due on it or later (most of them: birthdays, yearly checks), which
    can be neither open nor overdue at any period's end, only scheduled, and so are
    only counted. The same `open_now` counts, each row read once."""
    where, names = queries[0].named_grid_filter("g.id")
    params |= names
    params["due"] = max(
        day
        for i in range(len(queries))
        for day in (params[f"day{i}"], params[f"late{i}"])
    )
    scheduled_only = []
    for i, q in enumerate(queries):
        every = (
            "count(*)"
            if q.end == params["latest"]
            else f"count(*) FILTER (WHERE opened_at < :end{i})"
        )
        scheduled_only += [every if q.in_full else "NULL", "0", "0"]
    # (The unary + keeps SQLite off the opened_at index, which covers history.)
    read = (
        "SELECT g.id, {counts} FROM grids g NOT INDEXED CROSS JOIN followups f"
        " ON f.grid_id = g.id AND f.type = '{type}'{due}"
        f" WHERE f.closed_at IS NULL AND +f.opened_at < :latest{where} GROUP BY g.id"
    )
    counts = ", ".join(open_now)
    return [
        read.format(counts=counts, type="followup", due=""),
        read.format(counts=counts, type="reminder", due=" AND f.due_on < :due"),
        read.format(
            counts=", ".join(scheduled_only),
            type="reminder",
            due=" AND f.due_on >= :due",
        ),
    ]


def _count_open_at_the_ends_scanned(conn, queries: list[_Query], results) -> None:
    """What `_count_open_at_the_ends` counts, by the definition, period by period:
    the reference its split into indexed parts is held to."""
    for i, (q, result) in enumerate(zip(queries, results, strict=True)):
        where, params = q.named_grid_filter("f.grid_id")
        params |= {
            f"end{i}": q.end,
            f"day{i}": q.period.end.isoformat(),
            f"late{i}": q.late_day.isoformat(),
        }
        rows = _tuples(
            conn,
            f"SELECT grp, {', '.join(_open_counts(i, [], q.in_full))}"
            f" FROM ({_followup_source(q)} WHERE f.opened_at < :end{i}"
            f" AND (f.closed_at IS NULL OR f.closed_at >= :end{i}){where})"
            " GROUP BY grp",
            params,
        )
        for group, *numbers in rows:
            _add_open(result, group, numbers)


def _open_counts(i: int, chosen: list[str], scheduled: bool) -> list[str]:
    """The three counts of the items `chosen` open at the end of period `i`: all,
    those counted as open (a follow-up, or due before the end) and those overdue.
    Scheduled (a reminder due after the end) is all less open: one test fewer; all
    is NULL when what is scheduled is not wanted (the previous period on screen)."""
    every = f"FILTER (WHERE {' AND '.join(chosen)})" if chosen else ""
    return [f"count(*) {every}" if scheduled else "NULL"] + [
        f"count(*) FILTER (WHERE {' AND '.join([*chosen, test])})"
        for test in (f"(type = 'followup' OR due_on < :day{i})", f"due_on < :late{i}")
    ]


def _add_open(result, group, numbers) -> None:
    """Add the counts of `_open_counts` to the group's figures and the total."""
    groups, total = result
    every, counted, late = numbers
    _add(groups, total, group, "open", counted)
    _add(groups, total, group, "overdue", late)
    if every is not None:
        _add(groups, total, group, "scheduled", every - counted)


SCHEDULED_LISTED = 10  # the report lists the soonest; the figure counts them all


def _scheduled(conn, q: _Query) -> list[ScheduledReminder]:
    """The soonest reminders open at the period's end and due after it, read from
    the due-date index from the period's end on."""
    where, names = q.named_grid_filter("f.grid_id")
    rows = conn.execute(
        f"SELECT f.id, grp, f.due_on, f.text FROM ({_followup_source(q)}"
        " WHERE f.due_on >= :day AND f.type = 'reminder' AND f.opened_at < :end"
        f" AND (f.closed_at IS NULL OR f.closed_at >= :end){where}) f"
        " ORDER BY f.due_on, f.id LIMIT :limit",
        {
            "day": q.period.end.isoformat(),
            "end": q.end,
            "limit": SCHEDULED_LISTED,
            **names,
        },
    ).fetchall()
    return [
        ScheduledReminder(row[0], row[1], dt.date.fromisoformat(row[2]), row[3])
        for row in rows
    ]


def _group(groups: dict[str, Figures], group) -> Figures:
    """The group's figures, made when first met (not made per row only to be
    thrown away, as `setdefault` would: a month has thousands of rows)."""
    figures = groups.get(group)
    if figures is None:
        figures = groups[group] = Figures(group)
    return figures


def _add(groups: dict[str, Figures], total: Figures, group, name: str, n: int) -> None:
    """Add `n` to a figure of the group and of the total; a group appears only where
    it has something to count."""
    if n:
        for figures in (_group(groups, group), total):
            setattr(figures, name, getattr(figures, name) + n)


def median(ordered: list[int]) -> float:
    """The middle value of a sorted list, or the mean of the two middle ones."""
    middle = len(ordered) // 2
    return (ordered[(len(ordered) - 1) // 2] + ordered[middle]) / 2


def _due_and_on_time(conn, q: _Query, each) -> None:
    """Of the items due in the period, how many were closed by the end of their due
    day in the user's zone (the day ends at local midnight, not UTC's). While the
    period runs, only the days already over count: an item due on the 20th is not
    missed on the 15th."""
    group = "g.id" if q.by == "grid" else "grp"
    sql, params = _due_in_period(
        q,
        f"SELECT {group}, count(*), count(*) FILTER (WHERE closed_at < ends_at)",
        f" GROUP BY {group}",
        grid_major=q.by == "grid",
    )
    for group, due, on_time in conn.execute(sql, params) if sql else ():
        for figures in each(group):
            figures.due_in_period += due
            figures.closed_on_time += on_time


def _due_groups(conn, q: _Query, each) -> None:
    """The groups `_due_and_on_time` would count something for, made but left at
    nothing: a group known only by what was due in it still has its row (the
    previous period's groups are the report's too)."""
    sql, params = _due_in_period(q, "SELECT DISTINCT grp", "")
    for (group,) in conn.execute(sql, params) if sql else ():
        each(group)


def _due_in_period(
    q: _Query, select: str, tail: str, grid_major: bool = False
) -> tuple[str, list]:
    """`select` (and `tail`) over the items due on the days of the period already
    over, each with the instant its due day ends (`ends_at`); no query when none
    is over. `grid_major` (by grid): the items are read grid by grid, day by day,
    each (day, grid) a look-up on the due-date index, so that they come in the
    grids' order and a GROUP BY g.id needs no sort of a month's thousands."""
    from gridlog.dates.clock import day_start_utc

    over = (q.late_day - q.period.start).days
    days = [q.period.start + dt.timedelta(days=i) for i in range(over)]
    if not days:
        return "", []
    ends = ", ".join("(?, ?)" for _ in days)
    day_params: list[object] = []
    for day in days:
        day_params += [
            day.isoformat(),
            day_start_utc(day + dt.timedelta(days=1), q.zone),
        ]
    if grid_major:
        # CROSS JOIN: SQLite keeps the order written (grids by id, days, items).
        where, params = q.grid_filter("g.id")
        return (
            f"WITH days(day, ends_at) AS (VALUES {ends}) {select}"
            " FROM grids g NOT INDEXED"
            " CROSS JOIN days CROSS JOIN followups f"
            f" ON f.grid_id = g.id AND f.due_on = days.day WHERE 1{where}{tail}",
            [*day_params, *params],
        )
    where, params = q.grid_filter("f.grid_id")
    return (
        f"WITH days(day, ends_at) AS (VALUES {ends}) {select}"
        f" FROM ({_followup_source(q)} WHERE f.due_on >= ? AND f.due_on < ?{where})"
        f" JOIN days ON days.day = due_on{tail}",
        [*day_params, q.period.start.isoformat(), q.late_day.isoformat(), *params],
    )


def _hot_spots(conn, q: _Query) -> list[HotSpot]:
    """Places (a registered building, else the place as typed) where three or more
    entries of the period opened follow-ups: read from the follow-ups opened in the
    period, which are far fewer than its entries. Each group hands back its places
    as a JSON array, counted here: cheaper than sorting the rows by text in SQL."""
    names = _grid_names(conn) if q.by == "grid" else None
    spots = [
        HotSpot(names[group] if names else group, spot, count)
        for group, places in _hot_spot_places(conn, q)
        for spot, count in places.items()
        if count >= 3
    ]
    return sorted(spots, key=lambda s: (-s.entries, s.group, s.place))


def _hot_spot_places(conn, q: _Query) -> list[tuple]:
    """(group, Counter of places) of the entries that opened follow-ups in the
    period. A building comes as its id (a number in the JSON, where a place typed
    is text) and is named here: a join per row spared. A building gone from the
    register (its entries keep their place) has the places read with the join."""
    if q.opened_places is not None:
        counted = _hot_spot_places_summarized(q.opened_places)
        if counted is not None:
            return counted
    where, params = q.grid_filter("f.grid_id")
    # Grids grouped by id and named afterwards, as the figures are: a join per row
    # spared.
    sql = (
        f"SELECT {q.group} AS grp, json_group_array({{place}})"
        f" FROM followups f JOIN entries e ON e.id = f.entry_id{q.grid_join}{{join}}"
        " WHERE f.type = 'followup' AND f.opened_at >= ? AND f.opened_at < ?"
        f" AND e.place IS NOT NULL{where} GROUP BY grp"
    )
    values = [q.start, q.end, *params]
    buildings = dict(_tuples(conn, "SELECT id, name FROM buildings", ()))
    rows = _tuples(
        conn, sql.format(place="coalesce(e.building_id, e.place)", join=""), values
    )
    counted = []
    for group, places in rows:
        try:
            named = [buildings[p] if type(p) is int else p for p in json.loads(places)]
        except KeyError:  # a building gone from the register
            return _hot_spot_places_joined(conn, sql, values)
        counted.append((group, Counter(named)))
    return counted


def _hot_spot_places_summarized(opened: dict[tuple, int]) -> list[tuple] | None:
    """`_hot_spot_places` from the follow-ups' summary read for the opened count
    ((entry's grid, place's name) -> follow-ups); None when a building is gone from
    the register (its entries' places are then read with the join)."""
    counted: dict[int, Counter] = {}
    for (group, name), count in opened.items():
        if name is None:
            return None
        places = counted.get(group)
        if places is None:
            places = counted[group] = Counter()
        places[name] += count
    return list(counted.items())


def _hot_spot_places_joined(conn, sql: str, values: list) -> list[tuple]:
    """`_hot_spot_places` with each building named by a join: what an entry whose
    building is gone from the register still shows (its place)."""
    join = " LEFT JOIN buildings b ON b.id = e.building_id"
    rows = _tuples(
        conn, sql.format(place="coalesce(b.name, e.place)", join=join), values
    )
    return [(group, Counter(json.loads(places))) for group, places in rows]
