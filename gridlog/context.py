"""What every domain operation needs to know about the moment it runs in."""

import datetime as dt
from typing import NamedTuple

from gridlog.dates.clock import to_utc_iso


class Context(NamedTuple):
    """Now, in the user's zone, and who is acting: passed in, never read globally.

    A NamedTuple, as the other records every command builds: a frozen dataclass is
    generated from source at import (~1.5 ms here), a NamedTuple a fraction of it."""

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
