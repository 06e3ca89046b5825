"""The grids a worker walks, their aliases and buildings.

A grid is found the way people name it: its full name (红四网格), an alias (红四), or
any prefix that only one grid has. A place belongs to the grid of the registered
building its name begins with, so `9号楼4单元301` needs no `--grid`.
"""

import datetime as dt
import re
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from gridlog.context import Context
from gridlog.domain.limits import Field, check_name, check_phone
from gridlog.errors import GridlogError

if TYPE_CHECKING:  # (the history only when a grid is written: `due` reads grids)
    from gridlog.domain.coverage import Coverage
    from gridlog.storage.history import Changes


class GridSummary(NamedTuple):  # (not a dataclass: see `context.Context`)
    id: int
    name: str
    aliases: list[str]
    worker: str | None
    phone: str | None
    households: int | None
    population: int | None
    buildings: list[str]
    open: int
    overdue: int
    # Households of the register visited this month (`grid show` only).
    coverage: "Coverage | None" = None


def add_grid(
    conn: sqlite3.Connection,
    ctx: Context,
    name: str,
    *,
    aliases: Sequence[str] = (),
    worker: str | None = None,
    phone: str | None = None,
    households: int | None = None,
    population: int | None = None,
    buildings: Sequence[str] = (),
) -> int:
    """Register a grid with its aliases and buildings; returns its id."""
    name = check_name(Field.NAME, name)
    worker = None if worker is None else check_name(Field.WORKER, worker)
    phone = None if phone is None else check_phone(Field.PHONE, phone)
    for count in (households, population):
        if count is not None and count < 0:
            raise GridlogError("grid.bad_count", value=count)
    from gridlog.storage.history import writing  # only a write needs it

    with writing(conn, ctx) as changes:
        grid_id = add_grid_in(
            changes, name, worker, phone, households=households, population=population
        )
        for alias in _unique(aliases):
            alias = check_name(Field.ALIAS, alias)
            if _grid_id_by_name(conn, alias) is not None:
                raise GridlogError("grid.alias_taken", alias=alias)
            changes.insert("grid_aliases", {"alias": alias, "grid_id": grid_id})
        for building in _unique(buildings):
            _add_building(conn, changes, grid_id, building)
    return grid_id


def add_grid_in(
    changes: "Changes",
    name: str,
    worker: str | None = None,
    phone: str | None = None,
    **counts: int | None,
) -> int:
    """Register a grid within a write already under way (an import's); its id."""
    name = check_name(Field.NAME, name)
    if _grid_id_by_name(changes.conn, name) is not None:
        raise GridlogError("grid.exists", name=name)
    now = changes.ctx.now_utc
    return changes.insert(
        "grids",
        {
            "name": name,
            "worker": worker,
            "phone": phone,
            "households": counts.get("households"),
            "population": counts.get("population"),
            "created_at": now,
            "updated_at": now,
        },
    )


def add_buildings(
    conn: sqlite3.Connection, ctx: Context, grid: str, buildings: Sequence[str]
) -> int:
    """Add buildings to an existing grid; returns the grid's id."""
    grid_id = find_grid(conn, grid)
    from gridlog.storage.history import writing  # only a write needs it

    with writing(conn, ctx) as changes:
        for building in _unique(buildings):
            _add_building(conn, changes, grid_id, building)
    return grid_id


def _add_building(
    conn: sqlite3.Connection, changes: "Changes", grid_id: int, name: str
) -> None:
    name = check_name(Field.BUILDING, name)
    row = conn.execute(
        "SELECT g.name FROM buildings b JOIN grids g ON g.id = b.grid_id "
        "WHERE b.name = ?",
        (name,),
    ).fetchone()
    if row is not None:
        raise GridlogError("building.taken", building=name, grid=row["name"])
    changes.insert(
        "buildings",
        {"grid_id": grid_id, "name": name, "created_at": changes.ctx.now_utc},
    )


# `1-12号楼`, `1号楼-12号楼`, `1～12号楼`, `1至12号楼`: the unit after the last number
# is required, so `3-2` (building 3, entrance 2 in many offices' notation) stays a name.
# Compiled on first use: `due` and `log` import this module but register no building.
_RANGE = (
    r"(?P<prefix>\D*?)(?P<first>\d+)(?P<unit>\D*?)\s*[-‐–—~～〜至到]\s*"
    r"(?P=prefix)?(?P<last>\d+)(?P<suffix>\D+)"
)
MOST_BUILDINGS_IN_A_RANGE = 200


def expand_buildings(names: Sequence[str], *, as_typed: bool = False) -> list[str]:
    """The buildings a worker typed, a range such as `1-12号楼` standing for each
    of 1号楼 … 12号楼 (a grid is registered floor plan in hand, not one by one);
    blanks and repeats dropped. A reversed or huge range is a typing slip: refused.
    `as_typed`: no ranges, for an estate whose building is really called 2-1号楼."""
    if as_typed:
        return _unique(names)
    expanded: list[str] = []
    for name in names:
        expanded.extend(_building_range(name.strip()))
    return _unique(expanded)


def _building_range(text: str) -> list[str]:
    match = re.fullmatch(_RANGE, text)
    if match is None or match["unit"] not in ("", match["suffix"]):
        return [text]
    first, last = int(match["first"]), int(match["last"])
    if first > last:
        raise GridlogError("building.range_reversed", span=text, exit_code=2)
    if last - first + 1 > MOST_BUILDINGS_IN_A_RANGE:
        raise GridlogError(
            "building.range_too_big",
            span=text,
            count=last - first + 1,
            most=MOST_BUILDINGS_IN_A_RANGE,
            exit_code=2,
        )
    width = len(match["first"]) if match["first"].startswith("0") else 0
    return [
        f"{match['prefix']}{number:0{width}d}{match['suffix']}"
        for number in range(first, last + 1)
    ]


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def names_beginning(conn: sqlite3.Connection, text: str) -> list[str]:
    """Every grid's name and alias that begins with `text`, for the shell to offer."""
    rows = conn.execute(
        "SELECT name FROM grids WHERE substr(name, 1, length(:t)) = :t "
        "UNION SELECT alias FROM grid_aliases WHERE substr(alias, 1, length(:t)) = :t "
        "ORDER BY 1",
        {"t": text},
    )
    return [row[0] for row in rows]


def _grid_id_by_name(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM grids WHERE name = ? "
        "UNION ALL SELECT grid_id FROM grid_aliases WHERE alias = ? LIMIT 1",
        (name, name),
    ).fetchone()
    return None if row is None else int(row[0])


def find_grid(conn: sqlite3.Connection, text: str) -> int:
    """The id of the grid a user means: exact name, alias, or a unique prefix."""
    wanted = text.strip()
    if not wanted:
        raise GridlogError("grid.unknown", grid=text, known=_known(conn))
    exact = _grid_id_by_name(conn, wanted)
    if exact is not None:
        return exact
    rows = conn.execute(
        "SELECT DISTINCT g.id, g.name FROM grids g "
        "LEFT JOIN grid_aliases a ON a.grid_id = g.id "
        "WHERE substr(g.name, 1, length(?1)) = ?1 "
        "OR substr(a.alias, 1, length(?1)) = ?1 ORDER BY g.id",
        (wanted,),
    ).fetchall()
    if len(rows) == 1:
        return int(rows[0]["id"])
    if rows:
        names = "、".join(row["name"] for row in rows)
        raise GridlogError("grid.ambiguous", grid=wanted, candidates=names)
    raise GridlogError("grid.unknown", grid=wanted, known=_known(conn))


def _known(conn: sqlite3.Connection) -> str:
    names = [row[0] for row in conn.execute("SELECT name FROM grids ORDER BY id")]
    return "、".join(names) if names else "—"


def building_for_place(conn: sqlite3.Connection, place: str) -> sqlite3.Row | None:
    """The registered building whose name the place begins with (longest wins)."""
    return conn.execute(
        "SELECT id, grid_id, name FROM buildings "
        "WHERE substr(?1, 1, length(name)) = name "
        "ORDER BY length(name) DESC LIMIT 1",
        (place.strip(),),
    ).fetchone()


def grid_name(conn: sqlite3.Connection, grid_id: int) -> str:
    return conn.execute("SELECT name FROM grids WHERE id = ?", (grid_id,)).fetchone()[0]


def list_grids(
    conn: sqlite3.Connection, today: dt.date, grid_ids: Sequence[int] | None = None
) -> list[GridSummary]:
    """Every grid (or the ones asked for) with open and overdue follow-up counts."""
    where = ""
    params: list[object] = [today.isoformat()]
    if grid_ids is not None:
        where = f"WHERE g.id IN ({', '.join('?' for _ in grid_ids)})"
        params.extend(grid_ids)
    rows = conn.execute(
        "SELECT g.*,"
        " (SELECT count(*) FROM followups f"
        "  WHERE f.grid_id = g.id AND f.closed_at IS NULL) AS open,"
        " (SELECT count(*) FROM followups f"
        "  WHERE f.grid_id = g.id AND f.closed_at IS NULL AND f.due_on < ?1)"
        "  AS overdue"
        f" FROM grids g {where} ORDER BY g.id",
        params,
    ).fetchall()
    return [
        GridSummary(
            id=row["id"],
            name=row["name"],
            aliases=_column(conn, "grid_aliases", "alias", row["id"]),
            worker=row["worker"],
            phone=row["phone"],
            households=row["households"],
            population=row["population"],
            buildings=_column(conn, "buildings", "name", row["id"]),
            open=row["open"],
            overdue=row["overdue"],
        )
        for row in rows
    ]


def _column(conn: sqlite3.Connection, table: str, column: str, grid_id: int) -> list:
    rows = conn.execute(
        f"SELECT {column} FROM {table} WHERE grid_id = ? ORDER BY rowid", (grid_id,)
    )
    return [row[0] for row in rows]


def show_grid(
    conn: sqlite3.Connection, today: dt.date, text: str, zone: dt.tzinfo
) -> GridSummary:
    """One grid, found as `find_grid` finds it, with its counts and how many of its
    registered households were visited this month (up to today)."""
    from gridlog.domain.coverage import visit_coverage

    grid_id = find_grid(conn, text)
    [coverage] = visit_coverage(
        conn, zone, today.replace(day=1), today + dt.timedelta(days=1), [grid_id]
    )
    return list_grids(conn, today, [grid_id])[0]._replace(coverage=coverage)
