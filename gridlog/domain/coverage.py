"""Visit coverage: which households of the register nobody has been to lately.

A household is a place of the register (`9号楼2单元301`) with the residents living
there. It counts as visited by any entry at that place, or naming one of its
residents, but for the register entry someone registered alone gets (`care_rules`):
writing a person down is no visit to them. Households with the tags the articles
single out (独居, 高龄, 重点人员) are listed first: an elder living alone not seen for a
month is the one to walk to.

The monthly review reads the register once for both its coverage and its unvisited
households (`review`): a row a household, which the residents' triggers keep
(`register_households`), and each household's newest visits looked up in the log.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from gridlog.dates.clock import day_start_utc
from gridlog.domain.items import REGISTER_ENTRY

PRIORITY_TAGS = ("独居", "高龄", "重点人员")


# NamedTuples, not frozen dataclasses: a register lists thousands of households,
# and a frozen dataclass is made field by field (and generated at import).
class Household(NamedTuple):
    grid: str
    place: str
    residents: list[str]
    tags: list[str]
    last_visit: dt.date | None  # None: never visited since registered
    registered: dt.date
    days: int  # since the last visit, or since registration when never visited

    @property
    def priority(self) -> bool:
        return _priority(self.tags)


def stale_households(
    conn: sqlite3.Connection,
    zone: dt.tzinfo,
    today: dt.date,
    days: int,
    grid_ids: Sequence[int] | None = None,
) -> Households:
    """Households not visited for `days` days or more as of `today`: per grid in the
    order grids were registered, tagged households first, then the longest unvisited.
    A visit after `today` (a past month's review) does not count."""
    end = today + dt.timedelta(days=1)
    rows, grids = _households(conn, zone, end, grid_ids)
    return _stale(conn, rows, grids, zone, today, days)


def review(
    conn: sqlite3.Connection,
    zone: dt.tzinfo,
    start: dt.date,
    end: dt.date,
    grid_ids: Sequence[int] | None = None,
) -> tuple[Households, list[Coverage]]:
    """The monthly review's two readings of the register for the local days
    [start, end), from one look at each household: those not visited in it, as of
    its last day (`stale_households`), and each grid's coverage (`visit_coverage`).
    Both ask when a household was last visited before `end`: visited in the period
    is last visited on or after `start`."""
    rows, grids = _households(conn, zone, end, grid_ids)
    last = end - dt.timedelta(days=1)
    stale = _stale(conn, rows, grids, zone, last, (end - start).days)
    since = day_start_utc(start, zone)
    return stale, _covered(conn, rows, grids, since, _bounds(zone, end))


# A household's newest visit before a moment, by place and by its residents' names,
# passing over register entries: writing someone down is no visit to them. The
# indexes (place, at, kind) and (resident_id, at, kind) answer each look without
# reading the entry, but for an entry of kind 'other', whose text tells.
_NEWEST = (
    "(SELECT e.at FROM entries e WHERE e.{column} = {key} AND e.at < :until"
    " AND NOT (e.kind = 'other' AND substr(e.text, 1, 5) = :register)"
    " ORDER BY e.at DESC LIMIT 1)"
)
_BY_NAME = _NEWEST.format(column="resident_id", key="r.id")
_BY_PLACE = _NEWEST.format(column="place", key="house.place")
_RESIDENTS = "FROM residents r WHERE r.grid_id = {h}grid_id AND r.place = {h}place"

# One row a household of the register (`register_households`, which the residents'
# triggers keep: its grid, place, first registration, how many residents and their
# names joined by a unit separator, in the order they were entered, and the tags of
# those who have some, as JSON arrays joined by commas), with its newest visit
# by the name of any of its residents, its last registration, and its newest visit
# by place.
_HOUSEHOLDS = (
    "SELECT house.grid_id, house.place, house.registered, house.residents,"
    " house.names, house.tags,"
    f" (SELECT max({_BY_NAME}) {_RESIDENTS.format(h='house.')}),"
    f" house.registered_last, {_BY_PLACE}"
    " FROM register_households house{where} ORDER BY house.grid_id, house.place"
)
# By the name of those registered before `end` only: what coverage counts.
_BY_NAME_BEFORE = (
    f"SELECT max({_BY_NAME}) {_RESIDENTS.format(h=':')}"
    " AND substr(r.registered_on, 1, 10) < :end"
)
_SEPARATOR = "\x1f"


def _bounds(zone: dt.tzinfo, end: dt.date) -> dict[str, object]:
    """What the look-ups are asked with: the instant local day `end` begins."""
    return {
        "until": day_start_utc(end, zone),
        "end": end.isoformat(),
        "register": REGISTER_ENTRY,
    }


def _households(
    conn: sqlite3.Connection,
    zone: dt.tzinfo,
    end: dt.date,
    grid_ids: Sequence[int] | None,
) -> tuple[list[tuple], dict[int, str]]:
    """Every household of the register (of `grid_ids`, else of every grid) in the
    order of grid and place, with its newest visits before the local day `end`;
    and the grids' names by id, in the order they were registered."""
    params = _bounds(zone, end)
    where = ""
    if grid_ids:
        marks = {f"g{i}": grid_id for i, grid_id in enumerate(grid_ids)}
        where = f" WHERE id IN ({', '.join(':' + mark for mark in marks)})"
        params.update(marks)
    query = f"SELECT id, name FROM grids{where} ORDER BY id"
    grids = {grid_id: name for grid_id, name in conn.execute(query, params)}
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: twelve thousand rows
    rows = cursor.execute(
        _HOUSEHOLDS.format(where=where.replace(" WHERE id", " WHERE house.grid_id")),
        params,
    ).fetchall()
    return rows, grids


def _stale(
    conn: sqlite3.Connection,
    rows: list[tuple],
    grids: dict[int, str],
    zone: dt.tzinfo,
    today: dt.date,
    days: int,
) -> Households:
    """The households of `rows` not visited for `days` days as of `today`, in the
    order `stale_households` gives them."""
    cutoff = day_start_utc(today - dt.timedelta(days=days - 1), zone)
    found: list[tuple[tuple[int, bool, int], tuple]] = []  # (order, what it is made of)
    days_of: dict[str, dt.date] = {}  # registration days: a register has few
    for grid_id, place, registered, count, names, tags, by_name, _, by_place in rows:
        last = _latest(by_name, by_place)
        if (last is not None and last >= cutoff) or grid_id not in grids:
            continue
        registered_on = days_of.get(registered)
        if registered_on is None:
            registered_on = days_of[registered] = dt.date.fromisoformat(registered[:10])
        last_day = None if last is None else _local_day(last, zone)
        since = (today - (last_day or registered_on)).days
        if since < days:  # registered lately: not stale yet
            continue
        residents = names.split(_SEPARATOR)
        if len(residents) != count:  # a name holding the separator itself
            residents = _names(conn, grid_id, place)
        tagged = None if tags is None else _tags(tags)
        urgent = tagged is not None and _priority(tagged)
        found.append(
            (
                (grid_id, not urgent, -since),
                (
                    grids[grid_id],
                    place,
                    residents,
                    tagged,
                    last_day,
                    registered_on,
                    since,
                ),
            )
        )
    found.sort(key=lambda pair: pair[0])
    return Households([parts for _, parts in found])


class Households(Sequence[Household]):
    """Households in order, each made a `Household` when first read: a register of
    thousands lists most of them on a review's JSON, and twenty on its screen. Equal
    to a list of the same households, and shown as one."""

    __slots__ = ("_made", "_parts")

    def __init__(self, parts: list[tuple]) -> None:
        self._parts = parts
        self._made: list[Household | None] = [None] * len(parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._parts)))]
        made = self._made[index]
        if made is None:
            made = self._made[index] = _made(*self._parts[index])
        return made

    def __iter__(self):
        return (self[i] for i in range(len(self._parts)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))


def _made(
    grid: str,
    place: str,
    residents: list[str],
    tags: list[str] | None,
    last_day: dt.date | None,
    registered: dt.date,
    days: int,
) -> Household:
    """A household's record, its residents each once (a name may be twice)."""
    if len(residents) > 1:
        residents = list(dict.fromkeys(residents))
    return Household(
        grid, place, residents, [] if tags is None else tags, last_day, registered, days
    )


def _priority(tags: list[str]) -> bool:
    """Whether a household's tags put it first in its grid."""
    return any(tag in PRIORITY_TAGS for tag in tags)


def _local_day(moment: str, zone: dt.tzinfo) -> dt.date:
    """The local day of a stored instant (`from_utc_iso`, without its call)."""
    return (
        dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(zone).date()
    )


def _latest(one: str | None, other: str | None) -> str | None:
    """The later of two stored instants, either of which may be missing."""
    if one is None or (other is not None and other > one):
        return other
    return one


def _names(conn: sqlite3.Connection, grid_id: int, place: str) -> list[str]:
    """The residents of a household, each once, in the order of the index."""
    rows = conn.execute(
        "SELECT name FROM residents WHERE grid_id = ? AND place = ? ORDER BY id",
        (grid_id, place),
    )
    return list(dict.fromkeys(row[0] for row in rows))


def _tags(tags: str) -> list[str]:
    """The tags of a household's residents (those who have some, as JSON arrays
    joined by commas), each once."""
    return list(
        dict.fromkeys(tag for group in json.loads(f"[{tags}]") for tag in group)
    )


class Coverage(NamedTuple):
    """Of a grid's households in the register, how many were visited in a period.
    `households` is None when the register holds none of the grid's households:
    coverage is then unknown, not 0%."""

    grid_id: int
    grid: str
    visited: int
    households: int | None

    @property
    def share(self) -> float | None:
        return self.visited / self.households if self.households else None


# Writing someone into the register is no visit to them (`items.REGISTER_ENTRY`).
_VISIT = "NOT (e.kind = 'other' AND substr(e.text, 1, 5) = ?4)"


def visit_coverage(
    conn: sqlite3.Connection,
    zone: dt.tzinfo,
    start: dt.date,
    end: dt.date,
    grid_ids: Sequence[int] | None = None,
) -> list[Coverage]:
    """Households visited in the local days [start, end), over the households
    registered before `end`, per grid (every grid, or those asked for) in the order
    grids were registered. A household is visited as `stale_households` reads it:
    an entry at its place, or naming one of its residents."""
    where, params = "", []
    if grid_ids:
        where = f" WHERE g.id IN ({', '.join('?' for _ in grid_ids)})"
        params = list(grid_ids)
    bounds = [day_start_utc(start, zone), day_start_utc(end, zone)]
    rows = conn.execute(
        "SELECT g.id, g.name, count(h.place), coalesce(sum(h.visited), 0)"
        " FROM grids g LEFT JOIN ("
        "  SELECT r.grid_id, r.place,"
        "   EXISTS (SELECT 1 FROM entries e"
        f"    WHERE e.place = r.place AND e.at >= ?1 AND e.at < ?2 AND {_VISIT})"
        "   OR max(EXISTS (SELECT 1 FROM entries e"
        "    WHERE e.resident_id = r.id AND e.at >= ?1 AND e.at < ?2"
        f"    AND {_VISIT})) AS visited"
        "  FROM residents r"
        "  WHERE r.place IS NOT NULL AND substr(r.registered_on, 1, 10) < ?3"
        "  GROUP BY r.grid_id, r.place"
        f" ) h ON h.grid_id = g.id{where}"  # (a plain ? after ?4 is ?5, ?6, …)
        " GROUP BY g.id ORDER BY g.id",
        [*bounds, end.isoformat(), REGISTER_ENTRY, *params],
    ).fetchall()
    return [
        Coverage(grid_id, grid, visited, households or None)
        for grid_id, grid, households, visited in rows
    ]


def _covered(
    conn: sqlite3.Connection,
    rows: list[tuple],
    grids: dict[int, str],
    start: str,
    bounds: dict[str, object],
) -> list[Coverage]:
    """Each grid's coverage from `rows`, as `visit_coverage` counts it: the
    households with someone registered before the end, visited since `start` at
    their place or by the name of one of those. Where someone was registered after
    the end, the others' names are looked up again by themselves."""
    counts = {grid_id: [0, 0] for grid_id in grids}
    end = bounds["end"]
    for grid_id, place, registered, _, _, _, by_name, last, by_place in rows:
        if registered[:10] >= end or grid_id not in counts:
            continue
        count = counts[grid_id]
        count[0] += 1
        if by_place is not None and by_place >= start:
            count[1] += 1
            continue
        if by_name is not None and last[:10] >= end:
            found = conn.execute(
                _BY_NAME_BEFORE, {**bounds, "grid_id": grid_id, "place": place}
            )
            by_name = found.fetchone()[0]
        if by_name is not None and by_name >= start:
            count[1] += 1
    return [
        Coverage(grid_id, grids[grid_id], visited, households or None)
        for grid_id, (households, visited) in counts.items()
    ]
