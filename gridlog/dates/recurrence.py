"""Items that come back: how often (`每周`, `每两周`, `monthly`, `every 3 days`) as
`<n><unit>`, and when the next one falls due.

Kept apart from the date phrase parser: an interval is not a day, and the parser's
rules do not apply to it; only the text folding, the numerals and the calendar
arithmetic are shared.
"""

from __future__ import annotations

import re
from datetime import date

from gridlog.dates.days import shift
from gridlog.dates.numerals import cn_numerals_to_digits
from gridlog.dates.text import normalise
from gridlog.errors import GridlogError

_EVERY_UNITS = {
    "天": "d",
    "日": "d",
    "d": "d",
    "day": "d",
    "days": "d",
    "周": "w",
    "星期": "w",
    "礼拜": "w",
    "w": "w",
    "week": "w",
    "weeks": "w",
    "月": "m",
    "个月": "m",
    "m": "m",
    "month": "m",
    "months": "m",
    "年": "y",
    "y": "y",
    "year": "y",
    "years": "y",
}
_EVERY_WORDS = {
    "weekly": "1w",
    "monthly": "1m",
    "yearly": "1y",
    "annually": "1y",
    "daily": "1d",
    "fortnightly": "2w",
}
_NEVER = ("none", "no", "never", "off", "不重复", "不再重复", "无")


def parse_every(text: str) -> str | None:
    """How often an item comes back, as `<n><unit>` (`1w`, `1m`, `1y`, `3d`):
    `每周`, `每两周`, `每月`, `每年`, `每3天`, `week`, `weekly`, `every 3 days`,
    `2 weeks`. `none`/`不重复` is None (it stops coming back)."""
    normal = cn_numerals_to_digits(normalise(text))
    if normal in _NEVER:
        return None
    if normal in _EVERY_WORDS:
        return _EVERY_WORDS[normal]
    match = re.fullmatch(
        r"(?:每|every\s*)?(?:个)?(\d{1,3})?\s*(个月|星期|礼拜|[天日周月年]|[dwmy]"
        r"|days?|weeks?|months?|years?)",
        normal,
    )
    if match is None or match[1] == "0":
        raise GridlogError("every.invalid", text=text, exit_code=2)
    return f"{int(match[1] or 1)}{_EVERY_UNITS[match[2]]}"


def next_after(every: str, day: date) -> date:
    """When an item that comes back `every` is next due, counted from `day`."""
    return shift(day, int(every[:-1]), every[-1])
