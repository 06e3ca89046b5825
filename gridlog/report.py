"""The monthly review: per-grid (or per-worker, per-category) figures for a period,
computed in SQL so that a month costs the same at any size of history.

The figures are the ones a community secretary reviews: how much walking was done,
what came up, what was closed and how fast, what is still open or overdue, where the
same problems keep coming back, and how it compares with the period before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

KINDS = ("visit", "patrol", "window", "meeting", "other")
GROUPINGS = ("grid", "worker", "category")


@dataclass(frozen=True)
class Period:
    """Local calendar days [start, end): end is the first day after the period."""

    start: dt.date
    end: dt.date

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> Period:
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


@dataclass
class Figures:
    """The numbers for one group (a grid, a worker or a category) or the total."""

    group: str
    entries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    places: int = 0  # distinct places (households, buildings) with an entry
    followups_opened: int = 0
    followups_closed: int = 0
    open: int = 0  # follow-ups and reminders still open at the period's end
    overdue: int = 0  # ... of which past their due date then
    median_resolution_minutes: float | None = None  # follow-ups closed in the period
    longest_resolution_minutes: int | None = None
    due_in_period: int = 0  # follow-ups and reminders due in the period
    closed_on_time: int = 0  # ... of which closed by the end of their due day

    @property
    def visits(self) -> int:
        return self.by_kind.get("visit", 0)

    @property
    def on_time_share(self) -> float | None:
        if not self.due_in_period:
            return None
        return self.closed_on_time / self.due_in_period


@dataclass(frozen=True)
class HotSpot:
    """A place where three or more entries opened follow-ups in the period."""

    group: str
    place: str
    entries: int


@dataclass
class Report:
    period: Period
    by: str  # one of GROUPINGS
    groups: list[Figures]
    total: Figures
    previous: dict[str, Figures]  # the previous period's figures, by group
    previous_total: Figures
    hot_spots: list[HotSpot]
