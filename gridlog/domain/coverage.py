"""Visit coverage: which households of the register nobody has been to lately.

A household is a place of the register (`9号楼2单元301`) with the residents living
there. It counts as visited by any entry at that place, or naming one of its
residents, but for the register entry someone registered alone gets (`care_rules`):
writing a person down is no visit to them. Households with the tags the articles
single out (独居, 高龄, 重点人员) are listed first: an elder living alone not seen for a
month is the one to walk to.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from gridlog.dates.clock import day_start_utc, from_utc_iso
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
        return any(tag in PRIORITY_TAGS for tag in self.tags)


def stale_households(
    conn: sqlite3.Connection,
    zone: dt.tzinfo,
    today: dt.date,
    days: int,
    grid_ids: Sequence[int] | None = None,
) -> list[Household]:
    """Households not visited for `days` days or more as of `today`: per grid in the
    order grids were registered, tagged households first, then the longest unvisited.
    A visit after `today` (a past month's review) does not count."""
    where, grid_params = "", []
    if grid_ids:
        where = f"AND r.grid_id IN ({', '.join('?' for _ in grid_ids)})"
        grid_params = list(grid_ids)
    until = day_start_utc(today + dt.timedelta(days=1), zone)
    # The newest entry first, off the (resident_id, at) and (place, at) indexes,
    # passing over register entries: writing someone down is no visit to them.
    visit = "NOT (e.kind = 'other' AND substr(e.text, 1, 5) = ?)"
    rows = conn.execute(
        "SELECT g.id AS grid_id, g.name AS grid, r.place,"
        " json_group_array(r.name) AS names, json_group_array(json(r.tags)) AS tags,"
        " min(r.registered_on) AS registered,"
        " max((SELECT e.at FROM entries e WHERE e.resident_id = r.id AND e.at < ?"
        f" AND {visit} ORDER BY e.at DESC LIMIT 1)) AS by_name,"
        " (SELECT e.at FROM entries e WHERE e.place = r.place AND e.at < ?"
        f" AND {visit} ORDER BY e.at DESC LIMIT 1) AS by_place"
        " FROM residents r JOIN grids g ON g.id = r.grid_id"
        f" WHERE r.place IS NOT NULL {where}"
        " GROUP BY r.grid_id, r.place",
        [until, REGISTER_ENTRY, until, REGISTER_ENTRY, *grid_params],
    ).fetchall()
    cutoff = day_start_utc(today - dt.timedelta(days=days - 1), zone)
    found: list[tuple[int, Household]] = []
    for row in rows:
        last = max(filter(None, (row["by_name"], row["by_place"])), default=None)
        if last is not None and last >= cutoff:
            continue
        household = _household(row, last, zone, today)
        if household.days >= days:  # a household registered lately is not stale yet
            found.append((row["grid_id"], household))
    found.sort(key=lambda pair: (pair[0], not pair[1].priority, -pair[1].days))
    return [household for _, household in found]


def _tags(groups: str) -> list[str]:
    """The tags of a household's residents (a JSON array of each one's), each once:
    most have none, and `[[]]` is not worth decoding."""
    if not groups.strip("[],"):
        return []
    return list(dict.fromkeys(tag for group in json.loads(groups) for tag in group))


def _household(
    row: sqlite3.Row, last: str | None, zone: dt.tzinfo, today: dt.date
) -> Household:
    tags = _tags(row["tags"])
    registered = dt.date.fromisoformat(row["registered"][:10])
    last_day = None if last is None else from_utc_iso(last, zone).date()
    since = last_day or registered
    return Household(
        grid=row["grid"],
        place=row["place"],
        residents=list(dict.fromkeys(json.loads(row["names"]))),
        tags=tags,
        last_visit=last_day,
        registered=registered,
        days=(today - since).days,
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
