"""The documented JSON shapes of `--json` output (see README, "Machine-readable").

Times are local ISO-8601 with their offset; dates are `YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from gridlog.domain.grids import GridSummary
from gridlog.domain.log import DueItem, EntryView, LogEntry, Story

if TYPE_CHECKING:  # what `add` returns: `due --json` need not load it
    from gridlog.domain.entries import Added


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def added(result: Added) -> dict[str, Any]:
    by_type = {
        item.type: {
            "id": item.id,
            "due": item.due.isoformat(),
            "due_time": _clock(item.time),
        }
        for item in result.opened
    }
    # `id` is what done/snooze/show/--case take: the item opened, else the entry.
    handle = result.opened[0].id if result.opened else result.id
    return {
        "id": handle,
        "entry_id": result.id,
        "grid": result.grid,
        "at": result.at.isoformat(),
        "followup": by_type.get("followup"),
        "reminder": by_type.get("reminder"),
        "case_id": result.case_id,
        "visit_number": result.visit_number,
        "resident_id": result.resident_id,
        "registered": result.registered,
        "photos": result.photos,
        "owner": result.owner,
    }


def due(items: list[DueItem]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "type": item.type,
            "grid": item.grid,
            "text": item.text,
            "due": item.due.isoformat(),
            "due_time": _clock(item.time),
            "overdue_days": item.overdue_days,
            "place": item.place,
            "resident": item.resident,
            "visits": item.visits,
            "every": item.every,
            "owner": item.owner,
            "signoffs": (
                {"signed": item.signed, "needed": item.needed} if item.needed else None
            ),
        }
        for item in items
    ]


def log_entry(entry: LogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": _moment(entry.at, entry.day_only),
        "grid": entry.grid,
        "place": entry.place,
        "resident": entry.resident,
        "text": entry.text,
        "category": entry.category,
        "kind": entry.kind,
        "tags": entry.tags,
        "case_id": entry.case_id,
    }


def log(entries: list[LogEntry]) -> list[dict[str, Any]]:
    """`log --json`: each entry, and who answers for its case (null: nobody named,
    or no case)."""
    return [{**log_entry(entry), "owner": entry.owner} for entry in entries]


def found(entries: list[LogEntry], in_note: set[int]) -> list[dict[str, Any]]:
    """`search --json`: the log's shape, and whether each entry was found only in
    its case's closing note."""
    return [
        {**log_entry(entry), "in_closing_note": entry.id in in_note}
        for entry in entries
    ]


def record_view(result: Story | EntryView) -> dict[str, Any]:
    """`show --json`: a story, or `{"entry", "cases": [story, …]}` for an entry."""
    if isinstance(result, Story):
        return story(result)
    photos = [
        {"name": photo.name, "size": photo.size, "path": str(photo.path)}
        for photo in result.photos
    ]
    return {
        "entry": {**log_entry(result.entry), "photos": photos},
        "cases": [story(case) for case in result.cases],
    }


def story(result: Story) -> dict[str, Any]:
    return {
        "id": result.id,
        "type": result.type,
        "status": result.status,
        "text": result.text,
        "grid": result.grid,
        "place": result.place,
        "due": result.due.isoformat(),
        "due_time": _clock(result.due_time),
        "opened_at": _moment(result.opened_at, result.opened_day_only),
        "closed_at": result.closed_at
        and _moment(result.closed_at, result.closed_time_unknown),
        "closed_day_unknown": result.closed_day_unknown,
        "close_note": result.close_note,
        "resolution_minutes": result.resolution_minutes,
        # When one end is known only to its day: the days between (else null).
        "resolution_days": None
        if result.resolution_minutes is not None
        else result.resolution_days,
        "visits": len(result.visits),
        "every": result.every,
        "owner": result.owner,
        "signoffs": result.signoffs
        and {
            "needed": result.signoffs.needed,
            "signed": result.signoffs.signed,
            "refused": result.signoffs.refused,
            "to_visit": result.signoffs.to_visit,
        },
        "history": [
            {
                "event": event.what,
                "at": None if event.unknown else _moment(event.at, event.day_only),
                "number": event.number,
                "entry_id": event.entry_id,
                "text": event.detail,
            }
            for event in result.events
        ],
    }


def grids(summaries: list[GridSummary]) -> list[dict[str, Any]]:
    return [_grid(grid) for grid in summaries]


def coverage(found) -> dict[str, Any]:
    """`{"visited", "households"}`; households is null when the register has none."""
    return {"visited": found.visited, "households": found.households}


def _grid(grid: GridSummary) -> dict[str, Any]:
    """A grid; `grid show` adds the households visited this month."""
    shape: dict[str, Any] = {
        "id": grid.id,
        "name": grid.name,
        "aliases": grid.aliases,
        "worker": grid.worker,
        "phone": grid.phone,
        "households": grid.households,
        "population": grid.population,
        "buildings": grid.buildings,
        "open": grid.open,
        "overdue": grid.overdue,
    }
    if grid.coverage is not None:
        shape["visited_this_month"] = coverage(grid.coverage)
    return shape


def stale(households) -> list[dict[str, Any]]:
    return [
        {
            "grid": h.grid,
            "place": h.place,
            "residents": h.residents,
            "tags": h.tags,
            "last_visit": h.last_visit and h.last_visit.isoformat(),
            "registered": h.registered.isoformat(),
            "days": h.days,
        }
        for h in households
    ]


def _clock(time) -> str | None:
    """An appointment's time as `HH:MM`; null for an item due some time that day."""
    return None if time is None else f"{time:%H:%M}"


def _moment(moment: dt.datetime, day_only: bool) -> str:
    """An instant in ISO 8601, or its day alone (`2019-03-11`) when no time is
    known: a reader must not take a made-up midnight for a time."""
    return moment.date().isoformat() if day_only else moment.isoformat()
