"""Assembling an old log's rows: each row's cells read (see `transfer.cells`) under
the columns its headers name (see `transfer.columns`), then the visit's moment, grid
and building, and the follow-up or reminder it opens, checked together; a good row
becomes what `storage.bulk` loads, a bad one a list of problems by row and column.

A row is read in phases, since each needs what the one before found: its cells
(`_cells`), whether it is blank, when it was (`_when`), whether it says anything,
where it was (`_where`), what it opens (`_items`), what is stored (`_load`). The
phases are calls per row, never per cell: a million-row file makes each a million
times, and the loop over a row's cells stays in one flat method.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gridlog.context import Context
from gridlog.domain import grids, settings
from gridlog.domain.limits import check_name
from gridlog.errors import GridlogError
from gridlog.storage import bulk
from gridlog.transfer import instants
from gridlog.transfer.cells import (
    READERS,
    UNKNOWN,
    Memo,
    Refused,
    as_text,
    filled,
    given,
    read_closed_on,
    read_due,
    read_time_of_day,
    read_visit,
    unquoted,
)
from gridlog.transfer.columns import COLUMNS, map_columns
from gridlog.transfer.sheets import Sheet


@dataclass(frozen=True)
class Problem:
    """Why one cell of one row cannot be stored: a message key and its values."""

    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Options:
    grid: str | None = None  # for rows that name none
    create_grids: bool = False
    encoding: str | None = None
    batch: int = 20_000  # rows per chunk read, and per transaction stored
    apart: bool | None = None  # read in a second process; None: if the file is large
    maps: dict[str, str] = field(default_factory=dict)  # --map, see `parse_maps`


@dataclass
class Checked:
    """What the checking pass found."""

    encoding: str | None
    unknown_columns: list[str]
    rows: int = 0
    bad_rows: int = 0
    new_grids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be stored: its number, what is wrong, its cells as read."""

    row: int
    problems: list[Problem]
    values: list[Any]
    headers: list[str]


_SPECIAL = ("date", "time", "grid", "followup", "reminder")


class RowReader:
    """Turns a sheet's rows into load rows, reporting problems cell by cell."""

    def __init__(
        self, conn: sqlite3.Connection, ctx: Context, sheet: Sheet, options: Options
    ) -> None:
        self.conn, self.ctx, self.sheet, self.options = conn, ctx, sheet, options
        self.columns, unknown = map_columns(sheet.headers, options.maps)
        self.checked = Checked(sheet.encoding, unknown)
        self._labels = {key: self._label(key) for key in COLUMNS}
        self._positions = {self._labels[k]: i for k, i in self.columns.items()}
        readers = {**READERS, "closed": (self._closed_on, True)}
        self._readers = []
        for key, (read, memo) in readers.items():
            if (index := self.columns.get(key)) is not None:
                memoised = Memo(read) if memo else read
                known = memoised.known if memo else {}  # `{}`: nothing kept
                self._readers.append((key, index, self._labels[key], memoised, known))
        for key in _SPECIAL:  # kept as they are, for the phases that read them
            if (index := self.columns.get(key)) is not None:
                self._readers.append((key, index, self._labels[key], None, {}))
        self._moment_memo = Memo(lambda value, _: _with_day(*read_visit(value, ctx)))
        self._time_memo = Memo(lambda value, _: _minutes(read_time_of_day(value, ctx)))
        self._grid_memo = Memo(self._grid)
        self._building_memo = Memo(lambda place, _: self._building(place))
        # Visits later today are fine (another device's clock may run a little
        # ahead); from tomorrow on they are refused.
        tomorrow = ctx.today + dt.timedelta(days=1)
        self._tomorrow = dt.datetime.combine(tomorrow, dt.time(), tzinfo=ctx.zone)
        self._default_grid: int | GridlogError | None = None
        self._grid_names: dict[int, str] = {}
        named = [i for i, header in enumerate(sheet.headers) if header.strip()]
        self._width = named[-1] + 1 if named else 0
        self._unnamed = frozenset(range(self._width)) - frozenset(named)

    def rows(
        self, on_problem: Callable[[BadRow], None]
    ) -> Iterator[tuple[bulk.StoredRow, bytes]]:
        """The good rows (but for their UUIDs) with their identity; each bad one
        goes to `on_problem`."""
        for number, values in self.sheet.rows:
            problems: list[Problem] = []
            if len(values) > self._width or self._unnamed:
                self._extra_cells(number, values, problems)
            row = None if problems else self._row(number, values, problems)
            if problems:
                self.checked.rows += 1
                self.checked.bad_rows += 1
                on_problem(BadRow(number, problems, values, self.sheet.headers))
            elif row is not None:
                self.checked.rows += 1
                yield row

    def _extra_cells(
        self, number: int, values: list[Any], problems: list[Problem]
    ) -> None:
        """A row with a cell under no header is refused, not read shifted: most
        often a comma typed inside a cell of a CSV without quotes, which moves
        every cell after it one column on. Blank cells past the end are fine."""
        width, size = self._width, len(values)
        unnamed = [i for i in self._unnamed if i < size and filled(values[i])]
        unnamed += [width + i for i, v in enumerate(values[width:]) if filled(v)]
        if unnamed:
            cells = max(unnamed[-1] + 1, width)
            params = {"row": number, "cells": cells, "columns": self._width}
            problems.append(Problem(number, "", "import.extra_cells", params))

    def _label(self, column: str) -> str:
        """A column as the file heads it, or as gridlog would when it has none."""
        if column in self.columns:
            return self.sheet.headers[self.columns[column]].strip()
        return "/".join(COLUMNS[column][:2])

    def _row(
        self, number: int, values: list[Any], problems: list[Problem]
    ) -> tuple[bulk.StoredRow, bytes] | None:
        """One row read, or None for a bad row (its problems added) or a blank one."""
        size = len(values)
        cells = self._cells(number, values, size, problems)
        if not cells and not problems and not any(filled(v) for v in values):
            return None  # a blank row
        get = cells.get
        date, time, grid = get("date"), get("time"), get("grid")
        followup, reminder = get("followup"), get("reminder")
        at, day_only, at_texts = self._when(number, date, time, problems) or _NO_TIME
        text = cells.get("text")
        if text is None and "text" not in cells:
            label = self._labels["text"]
            error = GridlogError("field.empty", field=label)
            problems.append(Problem(number, label, error.key, error.params))
        place = cells.get("place")
        building = self._building_memo(place, None) if place else None
        grid_id = self._where(number, grid, building, problems)
        items: list[bulk.LoadItem] = []
        if at is not None and (followup is not None or reminder is not None):
            items = self._items(number, followup, reminder, cells, at, problems)
        elif at is not None and cells.get("close_note") is not None:
            items = [self._case_of_the_visit(cells, at)]
        if problems or at is None or text is None or grid_id is None:
            problems.sort(key=lambda problem: self._positions.get(problem.column, 0))
            return None
        text, items = self._with_result(text, cells.get("close_note"), items)
        return self._load(
            at, day_only, at_texts, grid_id, text, place, building, cells, items
        )

    # -- a row's phases, in the order `_row` runs them --

    def _cells(
        self, number: int, values: list[Any], size: int, problems: list[Problem]
    ) -> dict[str, Any]:
        """The cells of the row by column key, read the same way in every row (but
        those of `_SPECIAL`, kept as they are); a refused cell is None and a
        problem. The one loop per cell of the import: kept flat."""
        cells: dict[str, Any] = {}
        for key, index, label, read, known in self._readers:
            if index >= size:
                continue
            raw = values[index]
            if raw.__class__ is str:
                raw = raw.strip()
                if not raw:
                    continue
                if raw[0] == "'":
                    raw = unquoted(raw)
            elif raw is None:
                continue
            value = known.get(raw, UNKNOWN)  # a column's usual values, read before
            if value is UNKNOWN or value.__class__ is Refused:
                if read is None:
                    cells[key] = raw
                    continue
                try:
                    value = read(raw, label)
                except GridlogError as error:
                    problems.append(Problem(number, label, error.key, error.params))
                    value = None
            cells[key] = value
        return cells

    def _when(
        self, number: int, date: Any, time: Any, problems: list[Problem]
    ) -> tuple[dt.datetime, bool, tuple[str, str]] | None:
        """The visit's moment, whether only its day is known and its texts (see
        `_at`), or None and a problem under the date column."""
        label = self._labels["date"]
        try:
            return self._at(date, time, label)
        except GridlogError as error:
            problems.append(Problem(number, label, error.key, error.params))
            return None

    def _where(
        self,
        number: int,
        grid: Any,
        building: sqlite3.Row | None,
        problems: list[Problem],
    ) -> int | None:
        """The visit's grid (see `_grid`), or None and a problem under the grid
        column; the place's building was looked up first, since its grid may be
        the one meant."""
        building_grid = None if building is None else building["grid_id"]
        label = self._labels["grid"]
        try:
            return self._grid_memo((grid, building_grid), label)
        except GridlogError as error:
            problems.append(Problem(number, label, error.key, error.params))
            return None

    def _items(
        self,
        number: int,
        followup: Any,
        reminder: Any,
        cells: dict[str, Any],
        at: dt.datetime,
        problems: list[Problem],
    ) -> list[bulk.LoadItem]:
        """The follow-up and reminder the row opens; a bad date is a problem under
        its own column, and the other item is still read."""
        items = []
        for column, raw in (("followup", followup), ("reminder", reminder)):
            closes = column == "followup" or not given(followup)
            try:
                item = self._item(column, raw, cells, at, closes)
            except GridlogError as error:
                label = self._labels[column]
                problems.append(Problem(number, label, error.key, error.params))
                continue
            if item is not None:
                items.append(item)
        return items

    def _case_of_the_visit(
        self, cells: dict[str, Any], at: dt.datetime
    ) -> bulk.LoadItem:
        """A row with a 处理结果 but no follow-up date: the visit opened a case, due
        that day, closed unless the 状态 says it is still open."""
        closed_at, day, hour = self._closing(
            cells, at, cells.get("status") is not False
        )
        return bulk.LoadItem(
            "followup",
            at.date(),
            None,
            closed_at,
            closed_day_unknown=day,
            closed_time_unknown=hour,
        )

    def _closing(
        self, cells: dict[str, Any], at: dt.datetime, closed: bool
    ) -> tuple[dt.datetime | None, bool, bool]:
        """When an item of the row was closed, and whether that day is unknown:
        the 办结日期 if the row has one (for this item), else, when `closed` (the
        状态 says so), a day nobody wrote down. No time is made up for it: it stands
        at the opening, counted closed then, with no time to resolve."""
        closed_on = cells.get("closed")
        if closed_on is True:  # 办结日期 said 已办结
            return at, True, False
        if closed_on is not None:
            # A day without its hour: it stands at the day's start (or at the visit,
            # closed the day it was opened), and its hour is not known.
            day_start = dt.datetime.combine(closed_on, dt.time(), tzinfo=at.tzinfo)
            return max(at, day_start), False, True
        if closed:
            return at, True, False
        return None, False, False

    def _with_result(
        self, text: str, result: str | None, items: list[bulk.LoadItem]
    ) -> tuple[str, list[bulk.LoadItem]]:
        """The 处理结果 is the closing note of the item the row closes; on a case
        still open it stays with the entry's text, under its header, so that
        nothing the office wrote is lost."""
        if result is None:
            return text, items
        for index, item in enumerate(items):
            if item.closed_at is not None:
                items[index] = item._replace(close_note=result)
                return text, items
        return f"{text}\n{self._labels['close_note']}：{result}", items

    def _load(
        self,
        at: dt.datetime,
        day_only: bool,
        at_texts: tuple[str, str],
        grid_id: int,
        text: str,
        place: str | None,
        building: sqlite3.Row | None,
        cells: dict[str, Any],
        items: list[bulk.LoadItem],
    ) -> tuple[bulk.StoredRow, bytes]:
        """A good row as `storage.bulk` stores it but for its UUIDs, with what
        identifies it (its day_only kept out of that)."""
        resident = cells.get("resident")
        stored_at, iso = at_texts
        row = bulk.unnamed_row(
            at,
            grid_id,
            text,
            place,
            None if building is None else building["id"],
            resident,
            cells.get("phone"),
            cells.get("category") or "other",
            cells.get("kind") or "visit",
            cells.get("tags") or "[]",
            cells.get("worker") or self.ctx.worker,
            items,
            day_only,
            stored_at,
        )
        return row, identity(iso, self._grid_name(grid_id), place, resident, text)

    # -- cells --

    def _at(
        self, value: Any, time_value: Any, label: str
    ) -> tuple[dt.datetime, bool, tuple[str, str]]:
        """When the visit was: the 日期 cell, at the 时间 cell's time if there is one;
        whether only the day is known; and the moment as stored and as its identity
        spells it (see `transfer.instants`). Each distinct date and time is read
        once (a log repeats them all day)."""
        if value is None:
            raise GridlogError("field.empty", field=label)
        moment, day_only, day, texts, clock = self._moment_memo(value, None)
        if time_value is not None:
            delta, minute = self._time_memo(time_value, None)
            moment, day_only = day + delta, False
        if moment >= self._tomorrow:
            raise GridlogError("import.future", text=as_text(value))
        if moment.year < 1900:  # and year 1 cannot even be stored in UTC
            raise GridlogError("import.too_old", text=as_text(value))
        if time_value is not None:
            texts = instants.texts(moment) if clock is None else clock.texts(minute)
        return moment, day_only, texts

    def _grid(self, cell: tuple[Any, int | None], label: str) -> int:
        """The 网格 column, else the place's building's grid, else the default."""
        value, building_grid = cell
        if value is None:
            if building_grid is not None:
                return building_grid
            return self._fallback_grid()
        name = check_name(label, as_text(value))
        try:
            return grids.find_grid(self.conn, name)
        except GridlogError as error:
            if self.options.create_grids and error.key == "grid.unknown":
                return self._new_grid(name)
            raise

    def _fallback_grid(self) -> int:
        if self._default_grid is None:
            name = self.options.grid or settings.get(self.conn, "grid")
            try:
                if not name:
                    raise GridlogError("import.no_grid")
                self._default_grid = grids.find_grid(self.conn, name)
            except GridlogError as error:
                self._default_grid = error
        if isinstance(self._default_grid, GridlogError):
            raise self._default_grid
        return self._default_grid

    def _new_grid(self, name: str) -> int:
        """--create-grids: a grid the file names that is not registered, noted under
        a stand-in id (-1, -2, …) that the storing side registers and replaces."""
        self.checked.new_grids.append(name)
        return -len(self.checked.new_grids)

    def _grid_name(self, grid_id: int) -> str:
        """Rows are identified by grid name, not id: the same file imported on two
        devices gives the same UUIDs, so their merge does not double it."""
        if grid_id not in self._grid_names:
            self._grid_names[grid_id] = (
                self.checked.new_grids[-grid_id - 1]
                if grid_id < 0
                else grids.grid_name(self.conn, grid_id)
            )
        return self._grid_names[grid_id]

    def _building(self, place: str) -> sqlite3.Row | None:  # memoised in __init__
        return grids.building_for_place(self.conn, place)

    def _item(
        self,
        kind: str,
        value: Any,
        cells: dict[str, Any],
        at: dt.datetime,
        closes: bool,
    ) -> bulk.LoadItem | None:
        """The follow-up or reminder a row's date column opens, if it names one;
        `closes` when the row's 办结日期 is this item's (the follow-up's, if any)."""
        if not given(value):
            return None
        due = read_due(value, at)
        text = cells.get("reminder_text") if kind == "reminder" else None
        status = bool(cells.get("status"))
        if closes:
            closed_at, day, hour = self._closing(cells, at, status)
        else:
            closed_at, day, hour = (at, True, False) if status else (None, False, False)
        return bulk.LoadItem(
            kind,
            due,
            text,
            closed_at,
            closed_day_unknown=day,
            closed_time_unknown=hour,
        )

    def _closed_on(self, value: Any, _label: str) -> dt.date | bool:
        """The 办结日期 of gridlog's own csv: the day the row's case was closed."""
        return read_closed_on(value, self.ctx)


def _with_day(
    moment: dt.datetime, day_only: bool
) -> tuple[dt.datetime, bool, dt.datetime, Any, instants.Day | None]:
    """A visit's moment as `read_visit` gives it, with its texts; and the start of
    its day, where a time-of-day cell counts from, with the day's texts: made once
    per distinct date cell, not per row."""
    day = moment.replace(hour=0, minute=0, second=0)
    if not 1900 <= moment.year < dt.MAXYEAR:  # refused (see `_at`), nor formatted
        return moment, day_only, day, None, None
    return moment, day_only, day, instants.texts(moment), instants.Day.of(day)


def _minutes(delta: dt.timedelta) -> tuple[dt.timedelta, int]:
    """A time of day, and the minutes into the day it is."""
    return delta, delta.seconds // 60


_NO_TIME = (None, False, ("", ""))


def identity(
    at: str, grid: str, place: str | None, resident: str | None, text: str
) -> bytes:
    """What makes a row the same row on the next import of the file: its moment
    (ISO, with its offset), grid, place, resident and text, joined by the unit
    separator."""
    place, resident = place or "", resident or ""
    joined = f"{at}\x1f{grid}\x1f{place}\x1f{resident}\x1f{text}"
    return hashlib.blake2b(
        joined.encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()
