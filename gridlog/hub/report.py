"""`gridlog report --hub`: the monthly review computed on the hub, for an office that
keeps no copy of the log on its own device (a street of 155 grids).

The hub keeps each record as the line `gridlog export` writes for it (`body`), so
the figures are SQL over those bodies, grouped by grid, with the same rules as the
review a device computes (`domain.report`): the same periods, the same instants
compared as the same text, the same medians. Each figure is one set-based pass over
the records of the period (and of the period before, in the same pass), on the
expression indexes of the hub's second migration; nothing is asked grid by grid.
What the login may see is the hub's business: row-level security hands a worker
only its own grids' records, so a worker's review covers its grids alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from gridlog.dates.clock import day_start_utc, from_utc_iso
from gridlog.domain.coverage import Coverage, Household
from gridlog.domain.report import (
    SCHEDULED_LISTED,
    Figures,
    HotSpot,
    Masthead,
    Period,
    Report,
    ScheduledReminder,
    by_worker,
    median,
    summed,
)
from gridlog.hub.workers import hub_grid, roster

# The instants and days of a record's body the review reads periods by: columns
# the hub keeps from the body (hub migration 8), compared byte by byte ("C") as
# the devices' SQLite compares them, each on an index for its kind of record.
_AT = "at"
_OPENED = "opened_at"
_CLOSED = "closed_at"
_DUE = "due_on"

# Entries of either period (this one, 0, or the one before, 1), and which.
_ENTRIES_CHOSEN = f"kind = 'entry' AND {_AT} >= %(s1)s AND {_AT} < %(e0)s"
_PERIOD = f"CASE WHEN {_AT} >= %(s0)s THEN 0 ELSE 1 END"


class _Bounds:
    """The two periods (this one, 0, and the one before, 1) as the stored text of
    their first and last instants and days, and the grids asked for."""

    def __init__(
        self, period: Period, zone: dt.tzinfo, today: dt.date, grids: list[str]
    ) -> None:
        self.periods = [period, period.previous()]
        self.zone = zone
        self.params: dict[str, Any] = {"grids": grids or None}
        for i, p in enumerate(self.periods):
            late = min(p.end, today)
            self.params |= {
                f"s{i}": day_start_utc(p.start, zone),
                f"e{i}": day_start_utc(p.end, zone),
                f"day{i}": p.end.isoformat(),
                f"late{i}": late.isoformat(),
            }
        self.lates = [min(p.end, today) for p in self.periods]

    def grid_filter(self, column: str = "grid_uuid") -> str:
        """The grids asked for (`--grid`), else every grid the login may see."""
        return f" AND (%(grids)s::uuid[] IS NULL OR {column} = ANY(%(grids)s::uuid[]))"


def build_hub_report(
    hub: Any,
    zone: dt.tzinfo,
    period: Period,
    *,
    today: dt.date,
    grid_names: list[str] | None = None,
    places: bool = True,
) -> Report:
    """The review of `period` (and the one before it) of every grid this login may
    see, or of `grid_names`; read in one read-only transaction. `places=False`
    spares counting the distinct places, left at nothing, for a format that does
    not show them (the screen, Markdown): at a street's size, a quarter of the work."""
    with hub.transaction():
        # One snapshot for every query, shared with the second connection.
        hub.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _tune(hub)
        grids = _grids(hub)
        asked = [str(hub_grid(hub, name)[0]) for name in grid_names or []]
        b = _Bounds(period, zone, today, asked)
        with _RegisterBeside(hub, b, grids) as register:
            results: list[dict[str, Figures]] = [{}, {}]
            in_all = [0, 0]  # places in every grid, this period and the one before
            _entries(hub, b, results)
            if places:
                _places(hub, b, results, in_all)
            _followups(hub, b, results)
            _open_at_the_ends(hub, b, results)
            _due_and_on_time(hub, b, results)
            spots = _hot_spots(hub, b, grids)
            scheduled = _scheduled(hub, b, grids)
            workers = roster(hub)
        coverage, unvisited = register.result()
    shown = [uuid for uuid in grids if not asked or uuid in asked]
    names = [grids[uuid]["name"] for uuid in shown]
    current, previous = (_named(found, grids, shown) for found in results)
    for name in previous:
        current.setdefault(name, Figures(name))
    groups = sorted(current.values(), key=lambda figures: names.index(figures.group))
    return Report(
        period=period,
        by="grid",
        groups=groups,
        total=_total(current, in_all[0]),
        previous=previous,
        previous_total=_total(previous, in_all[1]),
        hot_spots=spots,
        scheduled=scheduled,
        coverage=[found for found in coverage if found.grid_id in shown],
        unvisited=unvisited,
        masthead=Masthead(
            community=None,
            grids=names,
            workers=list(
                dict.fromkeys(grids[g]["worker"] for g in shown if grids[g]["worker"])
            ),
        ),
        workers=by_worker(
            [
                (login, name, [grids[g]["name"] for g in granted if g in grids])
                for login, name, office, granted in workers
                if not office  # an office sees every grid: no one's share
            ],
            groups,
            names,
        ),
    )


def _tune(hub: Any) -> None:
    """A few queries over a street's month: compiling each (JIT) costs half a
    second more than it saves, and the month's rows sort in memory."""
    hub.execute("SET LOCAL jit = off")
    hub.execute("SET LOCAL work_mem = '64MB'")


class _RegisterBeside:
    """The register's coverage and unvisited households, read on a second
    connection in a thread while the other figures are read on the first: the
    register is a third of the review's work, and the hub's server has cores
    to spare. Both read the same snapshot (`pg_export_snapshot`), so the review
    is of one moment. Without a second connection, read on the first at the end."""

    def __init__(self, hub: Any, b: _Bounds, grids) -> None:
        self.hub, self.b, self.grids = hub, b, grids
        self.other: Any = None
        self.thread: Any = None
        self.found: tuple | None = None
        self.failed: BaseException | None = None

    def __enter__(self) -> _RegisterBeside:
        import threading

        from gridlog.hub.connection import beside

        snapshot = self.hub.execute("SELECT pg_export_snapshot()").fetchone()[0]
        self.other = beside(self.hub, snapshot)
        if self.other is not None:
            self.thread = threading.Thread(target=self._read, args=(self.other,))
            self.thread.start()
        return self

    def _read(self, conn: Any) -> None:
        try:
            _tune(conn)
            households = _households(_register(conn, self.b))
            self.found = (
                _coverage(households, self.b, self.grids),
                _unvisited(households, self.b, self.grids),
            )
        except BaseException as exc:  # handed to the main thread by result()
            self.failed = exc

    def __exit__(self, *exc: object) -> None:
        if self.thread is not None:
            self.thread.join()
            self.other.close()
        if exc[0] is None and self.thread is None:
            self._read(self.hub)  # no second connection: here, after the rest

    def result(self) -> tuple[list[Coverage], list[Household]]:
        if self.failed is not None:
            raise self.failed
        assert self.found is not None
        return self.found


def _grids(hub: Any) -> dict[str, dict[str, Any]]:
    """The grids this login may see, in the order they were made."""
    rows = hub.execute(
        "SELECT uuid::text, body->>'name', body->>'worker' FROM gridlog.records"
        " WHERE kind = 'grid'"
        " ORDER BY body->>'created_at' COLLATE \"C\", (body->>'id')::bigint, uuid"
    ).fetchall()
    return {uuid: {"name": name, "worker": worker} for uuid, name, worker in rows}


def _figures(results: list[dict[str, Figures]], i: int, grid: str) -> Figures:
    return results[i].setdefault(grid, Figures(grid))


def _entries(hub: Any, b: _Bounds, results) -> None:
    """Entries by kind and category per grid, in both periods: counted in
    PostgreSQL from the index of the entries' instants, which holds them."""
    rows = hub.execute(
        f"SELECT grid_uuid::text, {_PERIOD}, entry_kind, category, count(*)"
        f" FROM gridlog.records WHERE {_ENTRIES_CHOSEN}{b.grid_filter()}"
        " GROUP BY grid_uuid, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        b.params,
    ).fetchall()
    for grid, i, kind, category, count in rows:
        figures = _figures(results, i, grid)
        figures.entries += count
        figures.by_kind[kind] = figures.by_kind.get(kind, 0) + count
        figures.by_category[category] = figures.by_category.get(category, 0) + count
    for found in results:
        for figures in found.values():
            figures.by_kind = dict(sorted(figures.by_kind.items()))
            figures.by_category = dict(sorted(figures.by_category.items()))


def _places(hub: Any, b: _Bounds, results, in_all: list[int]) -> None:
    """Distinct places per grid, and in every grid together (a place two grids
    name counts once), in both periods: one grouping-set query (handing the
    places over to count here took longer than reading them)."""
    for grid, i, count in hub.execute(
        f"SELECT grid_uuid::text, {_PERIOD}, count(DISTINCT place)"
        f" FROM gridlog.records WHERE {_ENTRIES_CHOSEN} AND place IS NOT NULL"
        f"{b.grid_filter()} GROUP BY GROUPING SETS ((grid_uuid, 2), (2))",
        b.params,
    ):
        if grid is None:
            in_all[i] = count
        else:
            _figures(results, i, grid).places = count


def _followups(hub: Any, b: _Bounds, results) -> None:
    """Follow-ups opened and closed in each period, and the minutes each one closed
    took (a day or an hour nobody wrote down: counted apart, left out of times).
    Read in two parts, each from its index alone: those opened in the periods, and
    those closed in them that were opened before (one OR of the two would read
    every case's body)."""
    in_period = "{col} >= %(s{i})s AND {col} < %(e{i})s"
    columns = []
    for i in (0, 1):
        opened = in_period.format(col="opened_at", i=i)
        closed = in_period.format(col="closed_at", i=i)
        columns += [
            f"count(*) FILTER (WHERE {opened})",
            f"count(*) FILTER (WHERE {closed})",
            f"count(*) FILTER (WHERE {closed} AND unknown_time)",
            f"array_agg(minutes ORDER BY minutes) FILTER (WHERE {closed}"
            " AND NOT unknown_time AND minutes IS NOT NULL)",
        ]
    part = (
        " SELECT grid_uuid, opened_at, closed_at, unknown_time, minutes"
        " FROM gridlog.records WHERE kind = 'followup' AND item_type = 'followup'"
        f" AND {{chosen}}{b.grid_filter()}"
    )
    rows = hub.execute(
        f"SELECT grid_uuid::text, {', '.join(columns)} FROM ("
        + part.format(chosen="opened_at >= %(s1)s AND opened_at < %(e0)s")
        + " UNION ALL"
        + part.format(
            chosen="closed_at >= %(s1)s AND closed_at < %(e0)s"
            " AND (opened_at < %(s1)s OR opened_at >= %(e0)s OR opened_at IS NULL)"
        )
        + ") f GROUP BY 1",
        b.params,
    ).fetchall()
    for grid, *numbers in rows:
        for i in (0, 1):
            opened, closed, unknown, minutes = numbers[4 * i : 4 * i + 4]
            _put(results, i, grid, followups_opened=opened, followups_closed=closed)
            _put(results, i, grid, unknown_resolution=unknown)
            if minutes:
                figures = _figures(results, i, grid)
                figures.resolution = list(minutes)
                figures.median_resolution_minutes = median(figures.resolution)
                figures.longest_resolution_minutes = figures.resolution[-1]


def _open_at_the_ends(hub: Any, b: _Bounds, results) -> None:
    """Items (follow-ups and reminders) open at the end of each period: opened
    before it, not closed before it; of them overdue, and reminders due after it
    (scheduled). Read from the items still open and those closed since the earliest
    end, each on an index."""
    columns = []
    for i in (0, 1):
        chosen = (
            f"opened_at < %(e{i})s AND (closed_at IS NULL OR closed_at >= %(e{i})s)"
        )
        columns += [
            f"count(*) FILTER (WHERE {chosen}"
            f" AND (type = 'followup' OR due_on < %(day{i})s))",
            f"count(*) FILTER (WHERE {chosen} AND due_on < %(late{i})s)",
            f"count(*) FILTER (WHERE {chosen} AND type = 'reminder'"
            f" AND due_on >= %(day{i})s)",
        ]
    # The items still open, and those closed since the earliest end: each part
    # on the index of closing times (one OR of the two would read every item).
    part = (
        f" SELECT grid_uuid, item_type AS type, {_OPENED} AS opened_at,"
        f" {{closing}} AS closed_at, {_DUE} AS due_on FROM gridlog.records"
        f" WHERE kind = 'followup' AND {_OPENED} < %(e0)s AND {{closed}}"
        f"{b.grid_filter()}"
    )
    rows = hub.execute(
        f"SELECT grid_uuid::text, {', '.join(columns)} FROM ("
        # (Named as the partial index of open items holds it, NULL, so that the
        # part is read from that index alone.)
        + part.format(closing='NULL::text COLLATE "C"', closed=f"{_CLOSED} IS NULL")
        + " UNION ALL"
        + part.format(closing=_CLOSED, closed=f"{_CLOSED} >= %(e1)s")
        + ") f GROUP BY 1",
        b.params,
    ).fetchall()
    for grid, *numbers in rows:
        for i in (0, 1):
            opened, late, later = numbers[3 * i : 3 * i + 3]
            _put(results, i, grid, open=opened, overdue=late, scheduled=later)


def _due_and_on_time(hub: Any, b: _Bounds, results) -> None:
    """Of the items due in each period (the days already over), how many were closed
    by the end of their due day in the user's zone."""
    which, days, ends = [], [], []
    for i, p in enumerate(b.periods):
        for n in range((b.lates[i] - p.start).days):
            day = p.start + dt.timedelta(days=n)
            which.append(i)
            days.append(day.isoformat())
            ends.append(day_start_utc(day + dt.timedelta(days=1), b.zone))
    if not days:
        return
    rows = hub.execute(
        "SELECT grid_uuid::text, d.i, count(*),"
        " count(*) FILTER (WHERE closed_at < d.ends_at)"
        f" FROM (SELECT grid_uuid, {_DUE} AS due_on, {_CLOSED} AS closed_at"
        f" FROM gridlog.records WHERE kind = 'followup'"
        f" AND {_DUE} >= %(first)s AND {_DUE} <= %(last)s{b.grid_filter()}) f"
        " JOIN unnest(%(which)s::int[], %(days)s::text[], %(ends)s::text[])"
        ' AS d(i, day, ends_at) ON d.day COLLATE "C" = f.due_on GROUP BY 1, 2',
        {
            **b.params,
            "first": min(days),
            "last": max(days),
            "which": which,
            "days": days,
            "ends": ends,
        },
    ).fetchall()
    for grid, i, due, on_time in rows:
        _put(results, i, grid, due_in_period=due, closed_on_time=on_time)


def _hot_spots(hub: Any, b: _Bounds, grids: dict[str, dict[str, Any]]) -> list:
    """Places (a registered building, else the place as typed) where three or more
    entries opened follow-ups in the period: the month's cases read from the index
    of opening times (which holds the entry each was opened by), their entries
    looked up one by one."""
    rows = hub.execute(
        "WITH f AS MATERIALIZED (SELECT entry_uuid FROM gridlog.records"
        "  WHERE kind = 'followup' AND item_type = 'followup'"
        f"  AND {_OPENED} >= %(s0)s AND {_OPENED} < %(e0)s),"
        " bl AS MATERIALIZED (SELECT uuid, body->>'name' AS name"
        "  FROM gridlog.records WHERE kind = 'building')"
        ' SELECT e.grid_uuid::text, coalesce(bl.name COLLATE "C", e.place), count(*)'
        " FROM f JOIN gridlog.records e ON e.kind = 'entry' AND e.uuid = f.entry_uuid"
        " LEFT JOIN bl ON bl.uuid = e.building_uuid WHERE e.place IS NOT NULL"
        f"{b.grid_filter('e.grid_uuid')} GROUP BY 1, 2 HAVING count(*) >= 3",
        b.params,
    ).fetchall()
    spots = [
        HotSpot(grids[grid]["name"], place, count)
        for grid, place, count in rows
        if grid in grids  # (a grid whose own record has not reached the hub)
    ]
    return sorted(spots, key=lambda s: (-s.entries, s.group, s.place))


def _scheduled(hub: Any, b: _Bounds, grids) -> list[ScheduledReminder]:
    """The soonest reminders open at the period's end and due after it; their
    number is the one the device that wrote them gave them."""
    rows = hub.execute(
        "SELECT coalesce((body->>'id')::bigint, 0), grid_uuid::text, body->>'due_on',"
        " body->>'text' FROM gridlog.records"
        f" WHERE kind = 'followup' AND item_type = 'reminder'"
        f" AND {_DUE} >= %(day0)s AND {_OPENED} < %(e0)s"
        f" AND ({_CLOSED} IS NULL OR {_CLOSED} >= %(e0)s){b.grid_filter()}"
        f" ORDER BY {_DUE}, 1 LIMIT {SCHEDULED_LISTED}",
        b.params,
    ).fetchall()
    return [
        ScheduledReminder(number, grids[grid]["name"], dt.date.fromisoformat(due), text)
        for number, grid, due, text in rows
        if grid in grids
    ]


class _Resident(NamedTuple):
    """A resident of the register with a place, and the last visit before the
    period's end to them by name or to their place by anyone."""

    grid: str
    place: str
    name: str
    tags: str | None
    registered: str | None
    last: str | None


# The register's residents by household: (grid, place).
Households = dict[tuple[str, str], list[_Resident]]


def _register(hub: Any, b: _Bounds) -> list[_Resident]:
    """Every resident with a place of the grids this login may see, in the order
    each household lists them, with their last visits before the period's end:
    one look each on the indexes of visits by person and by place (writing
    someone into the register is no visit). A visit in the period means visited;
    one before it is the last visit of a household that was not. The coverage
    and the unvisited households are both read from this."""
    rows = hub.execute(
        "WITH people AS MATERIALIZED (SELECT grid_uuid,"
        "  (body->>'place') COLLATE \"C\" AS place, body->>'name' AS name,"
        "  (body->'tags')::text AS tags, body->>'registered_on' AS registered,"
        "  body->>'created_at' AS created, uuid AS person FROM gridlog.records"
        "  WHERE kind = 'resident' AND body->>'place' IS NOT NULL)"
        " SELECT p.grid_uuid::text, p.place, p.name, p.tags, p.registered,"
        f" greatest((SELECT max({_AT}) FROM gridlog.records e WHERE e.kind = 'entry'"
        f"  AND e.visit AND e.resident_uuid = p.person AND {_AT} < %(e0)s),"
        f" (SELECT max({_AT}) FROM gridlog.records e WHERE e.kind = 'entry'"
        f"  AND e.visit AND e.place = p.place AND {_AT} < %(e0)s))"
        " FROM people p ORDER BY p.grid_uuid, p.place, p.created, p.person::text",
        b.params,
    ).fetchall()
    return [_Resident(*row) for row in rows]


def _households(register: list[_Resident]) -> Households:
    found: Households = {}
    for resident in register:
        found.setdefault((resident.grid, resident.place), []).append(resident)
    return found


def _coverage(households: Households, b: _Bounds, grids) -> list[Coverage]:
    """Households of the register visited in the period, per grid: a household is
    visited by an entry at its place or naming one of its residents, as
    `domain.coverage` reads it; of residents registered by the period's end."""
    start, end = b.params["s0"], b.periods[0].end.isoformat()
    counted = {uuid: [0, 0] for uuid in grids}
    for (grid, _), people in households.items():
        known = [p for p in people if p.registered and p.registered[:10] < end]
        if known and grid in counted:
            counted[grid][0] += 1
            last = _last_visit(known)
            counted[grid][1] += last is not None and last >= start
    return [
        Coverage(uuid, grids[uuid]["name"], visited, households or None)
        for uuid, (households, visited) in counted.items()
    ]


def _last_visit(people: list[_Resident]) -> str | None:
    if len(people) == 1:
        return people[0].last
    return max((p.last for p in people if p.last is not None), default=None)


def _unvisited(households: Households, b: _Bounds, grids) -> list[Household]:
    """The register's households nobody visited in the period (as `due --stale`
    reads them on its last day), of the grids asked for: tagged households first,
    then the longest unvisited."""
    start, asked = b.params["s0"], b.params["grids"]
    today, days = b.periods[0].last, b.periods[0].days
    order = {uuid: position for position, uuid in enumerate(grids)}
    found = []
    for (grid, place), people in households.items():
        if grid not in grids or (asked and grid not in asked):
            continue
        last = _last_visit(people)
        if last is not None and last >= start:
            continue
        last_day = None if last is None else from_utc_iso(last, b.zone).date()
        registered = dt.date.fromisoformat(min(p.registered for p in people)[:10])
        household = Household(
            grid=grids[grid]["name"],
            place=place,
            residents=[people[0].name]
            if len(people) == 1
            else list(dict.fromkeys(p.name for p in people)),
            tags=_tags([p.tags for p in people]),
            last_visit=last_day,
            registered=registered,
            days=(today - (last_day or registered)).days,
        )
        if household.days >= days:  # registered lately: not stale yet
            found.append((order[grid], household))
    found.sort(key=lambda pair: (pair[0], not pair[1].priority, -pair[1].days))
    return [household for _, household in found]


def _tags(each: list[str | None]) -> list[str]:
    """The tags of a household's people, each once, in order: most people have
    none, and their `[]` is not worth decoding."""
    import json

    some = [tags for tags in each if tags and tags != "[]"]
    if not some:
        return []
    found = (json.loads(tags) for tags in some)
    return list(dict.fromkeys(tag for group in found for tag in group or []))


def _put(results, i: int, grid: str, **figures: int) -> None:
    """Add to a grid's figures; a grid appears only where it has something."""
    for name, n in figures.items():
        if n:
            found = _figures(results, i, grid)
            setattr(found, name, getattr(found, name) + n)


def _named(found: dict[str, Figures], grids, shown: list[str]) -> dict[str, Figures]:
    """The figures keyed by the grid's name, in the order grids were made."""
    named = {}
    for uuid in shown:
        if uuid in found:
            figures = found[uuid]
            figures.group = grids[uuid]["name"]
            named[figures.group] = figures
    return named


def _total(groups: dict[str, Figures], places: int) -> Figures:
    """Every grid summed; places counted once however many grids name them."""
    total = summed(list(groups.values()))
    total.places = places
    return total
