"""Building dates and times from numbers, and calendar arithmetic (days, weeks,
calendar months, years), with every ValueError or OverflowError turned into one
refusal, `Rejected("date.impossible")`.

Shared by the phrase parser (`dates.phrases`) and by items that come back
(`dates.recurrence`), so that "2月30日" and a month added to 31 January are judged
the same way in both. Standard library only: the CLI imports it on every run.
"""

from __future__ import annotations

from datetime import date, time, timedelta


class Rejected(Exception):
    """Raised by the rules; `parse_when` adds the user's text to its parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def checked_date(year: int, month: int, day: int) -> date:
    """The date, or `date.impossible` (2月30日, 13月, year 0 or 99999)."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        raise Rejected("date.impossible") from None


def checked_time(hour: int, minute: int) -> time:
    """The time, or `date.impossible` (24:00, 25点, 8:61)."""
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise Rejected("date.impossible")
    return time(hour, minute)


def add_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise Rejected("date.impossible") from None


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(day: date, months: int) -> date:
    """Calendar months, clamping the day: 1月31日 plus one month is February's last."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    return checked_date(year, month, min(day.day, days_in_month(year, month)))


def shift(day: date, amount: int, unit: str) -> date:
    """Move by `amount` days, weeks, months or years (unit "d", "w", "m" or "y")."""
    if unit == "m":
        return add_months(day, amount)
    if unit == "y":
        return add_months(day, 12 * amount)
    return add_days(day, amount * (7 if unit == "w" else 1))
