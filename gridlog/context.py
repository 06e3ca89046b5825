"""What every domain operation needs to know about the moment it runs in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridlog.dates.clock import to_utc_iso


@dataclass(frozen=True)
class Context:
    """Now, in the user's zone, and who is acting: passed in, never read globally."""

    now: dt.datetime
    zone: dt.tzinfo
    worker: str | None = None
    command: str = ""

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def now_utc(self) -> str:
        return to_utc_iso(self.now)
