"""An imported visit's moment as text: the UTC form it is stored in
(`dates.clock.to_utc_iso`) and the ISO form with its offset that its identity hashes
(`transfer.rows.identity`).

A log names a few hundred days and, within them, the minutes of a day, while every
row is another moment: formatting each one with its zone costs more than anything
else a row needs. So a day's texts are made once, from the day's start, and a
row's moment is its day's texts and its minute's. This holds only where the day
keeps one offset, in whole minutes: elsewhere (a day the clocks change, a
place's old local mean time) `Day.of` gives None and each moment is formatted
whole.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from gridlog.dates.clock import to_utc_iso

_MINUTES = 24 * 60
_CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}:00" for minute in range(_MINUTES)]
_ONE_DAY = dt.timedelta(days=1)


class Day(NamedTuple):
    """The texts of one local day for moments at its whole minutes."""

    date: str  # "2019-03-11T", the day as the ISO form with an offset starts
    zone: str  # "+08:00", the offset as that form ends
    offset: int  # minutes east of UTC
    utc_dates: tuple[str, str, str]  # the UTC dates of the day before, it, after

    @staticmethod
    def of(start: dt.datetime) -> Day | None:
        """The texts of the day beginning at `start` (local midnight, aware); None
        when its offset changes during it or is not whole minutes."""
        offset = start.utcoffset()
        if offset is None or start.microsecond or offset.microseconds:
            return None
        seconds = offset.days * 86_400 + offset.seconds
        if seconds % 60 or offset != (start + _ONE_DAY).utcoffset():
            return None
        day = start.date()
        utc_dates = tuple(
            f"{(day + dt.timedelta(days=shift)).isoformat()}T" for shift in (-1, 0, 1)
        )
        iso = start.isoformat()  # 2019-03-11T00:00:00+08:00
        return Day(f"{iso[:10]}T", iso[19:], seconds // 60, utc_dates)  # type: ignore[arg-type]

    def texts(self, minute: int) -> tuple[str, str]:
        """The UTC form and the ISO form of the moment `minute` minutes into the
        day."""
        utc = minute - self.offset
        return (
            f"{self.utc_dates[utc // _MINUTES + 1]}{_CLOCK[utc % _MINUTES]}Z",
            f"{self.date}{_CLOCK[minute]}{self.zone}",
        )


def texts(moment: dt.datetime) -> tuple[str, str]:
    """Any moment's UTC form and ISO form, formatted whole."""
    return to_utc_iso(moment), moment.isoformat()
