"""English date phrases rewritten into their Chinese twins ("next monday" -> 下周1,
"in 3 days" -> 3天后, "tomorrow" -> 明天), so that the parser's rules exist once.

The weekday names stay public: the one rule that has no Chinese twin ("friday", the
next Friday after today) reads them itself.
"""

from __future__ import annotations

import re
from functools import partial

from gridlog.dates.text import sub

EN_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0),
    **dict.fromkeys(("tuesday", "tues", "tue"), 1),
    **dict.fromkeys(("wednesday", "wed"), 2),
    **dict.fromkeys(("thursday", "thurs", "thur", "thu"), 3),
    **dict.fromkeys(("friday", "fri"), 4),
    **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
}
EN_WEEKDAY = "|".join(sorted(EN_WEEKDAYS, key=len, reverse=True))
_EN_WHICH_WEEK = rf"\b(next|this|last) ({EN_WEEKDAY})\b"
_EN_COUNT = r"(\d+|an?|one)"
_EN_UNIT = r"(day|week|month|year|minute|min|hour|hr)s?"
_EN_IN = rf"\bin {_EN_COUNT} {_EN_UNIT}\b"
_EN_AGO = rf"\b{_EN_COUNT} {_EN_UNIT} ago\b"
_EN_UNITS_CN = {"day": "天", "week": "周", "month": "个月", "year": "年"}
_EN_UNITS_CN |= {"minute": "分钟", "min": "分钟", "hour": "小时", "hr": "小时"}
_EN_WORDS = {
    "now": "现在",
    "today": "今天",
    "tonight": "今晚",
    "tomorrow": "明天",
    "yesterday": "昨天",
    "noon": "中午12点",
    "midnight": "0点",
    "this week": "本周",
    "next week": "下周",
    "last week": "上周",
    "this month": "本月",
    "next month": "下月",
    "last month": "上月",
    "this year": "今年",
    "next year": "明年",
    "last year": "去年",
    "end of month": "月底",
    "end of the month": "月底",
    "eom": "月底",
    "end of year": "年底",
    "end of the year": "年底",
    "eoy": "年底",
}
_EN_WORD = (
    r"\b(?:"
    + "|".join(sorted(map(re.escape, _EN_WORDS), key=len, reverse=True))
    + r")\b"
)


def english_to_chinese(text: str) -> str:
    """Rewrite English phrases into the Chinese ones meaning the same, so that one rule
    serves both ("next monday" -> 下周1, "in 3 days" -> 3天后, "today" -> 今天)."""
    which = {"next": "下", "this": "本", "last": "上"}

    def week(m: re.Match[str]) -> str:
        return f"{which[m[1]]}周{'123456日'[EN_WEEKDAYS[m[2]]]}"

    def count(m: re.Match[str], direction: str) -> str:
        number = m[1] if m[1].isdigit() else "1"
        return f"{number}{_EN_UNITS_CN[m[2]]}{direction}"

    text = sub(_EN_WHICH_WEEK, week, text)
    text = sub(_EN_IN, partial(count, direction="后"), text)
    text = sub(_EN_AGO, partial(count, direction="前"), text)
    return sub(_EN_WORD, lambda m: _EN_WORDS[m[0]], text)
