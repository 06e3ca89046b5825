"""The one clock of the program, and the time zone its days begin and end in.

Tests and replays pin "now" with GRIDLOG_NOW; nothing else in gridlog reads the system
clock, so a whole day of the walking log can be replayed deterministically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gridlog.errors import GridlogError


def zone_named(name: str) -> dt.tzinfo:
    """The IANA zone `name` (`Asia/Shanghai`), or a clear error."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise GridlogError("tz.unknown", name=name) from None


def system_zone(environ: Mapping[str, str] = os.environ) -> dt.tzinfo:
    """The machine's zone: TZ, /etc/timezone, the /etc/localtime link, or offset."""
    candidates = [environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.split("zoneinfo/", 1)[-1])
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    local = dt.datetime.now().astimezone().tzinfo
    return local if local is not None else dt.UTC


def now(zone: dt.tzinfo, environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """Now in `zone`, or the instant pinned by GRIDLOG_NOW (naive = in `zone`)."""
    pinned = environ.get("GRIDLOG_NOW", "").strip()
    if not pinned:
        return dt.datetime.now(zone).replace(microsecond=0)
    try:
        value = dt.datetime.fromisoformat(pinned.replace("Z", "+00:00"))
    except ValueError:
        raise GridlogError("clock.bad_now", value=pinned) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(zone).replace(microsecond=0)


def to_utc_iso(moment: dt.datetime) -> str:
    """How instants are stored: UTC, ISO-8601, to the second, with a `Z`."""
    # isoformat, not strftime: a million-row import makes a million of these.
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")[:19] + "Z"


def from_utc_iso(text: str, zone: dt.tzinfo) -> dt.datetime:
    """A stored instant, shown in the user's zone."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(zone)


def day_start_utc(day: dt.date, zone: dt.tzinfo) -> str:
    """The stored form of the instant at which local `day` begins in `zone`."""
    return to_utc_iso(dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone))
