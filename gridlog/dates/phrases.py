"""Turn what a grid worker types for a date or time into a `When`.

Every option that takes a date or time ("明天", "下周一", "3月15日", "+3d", "08:27")
goes through `parse_when`, so the CLI accepts the same phrases everywhere. It is a pure
function of the text and `now`: the tests pin the clock with one argument instead of
patching it.

How it works. The text is normalised (NFKC, ASCII case, spaces); English phrases are
rewritten into their Chinese twins and Chinese numerals into digits, so that each rule
exists once. Then either one whole-text rule matches (a moment such as 现在, 10分钟后 or
an ISO instant), or the text splits into a date part and a time part, in either order,
each matched by one regex rule. A rule is matched first and built second, so a
well-formed text naming no real day ("2月30日") is reported as impossible, not as
unrecognised.

English phrases (`dates.english`), Chinese numerals (`dates.numerals`), the folding
of the text (`dates.text`) and the calendar arithmetic (`dates.days`) live in modules
of their own, the last three shared with items that come back (`dates.recurrence`).
Standard library only: the CLI imports this module on every run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import partial
from typing import Literal, TypeVar

from gridlog.dates.days import (
    Rejected,
    add_days,
    add_months,
    checked_date,
    checked_time,
    days_in_month,
    shift,
)
from gridlog.dates.english import EN_WEEKDAY, EN_WEEKDAYS, english_to_chinese
from gridlog.dates.numerals import cn_numerals_to_digits
from gridlog.dates.text import MAX_LENGTH, fullmatch, normalise, sub
from gridlog.errors import GridlogError

__all__ = ["EXAMPLES", "PHRASES", "When", "parse_when"]

Prefer = Literal["past", "future"]


@dataclass(frozen=True)
class When:
    """A day, plus the time of day when the phrase named one."""

    day: date
    time: time | None  # None when the phrase named only a day
    # False when the phrase named only a time ("09:00"): `day` is then today, and a
    # correction of a stored moment keeps that moment's own day instead.
    dated: bool = field(default=True, compare=False)

    def at(self, zone: tzinfo) -> datetime:
        """Aware datetime in `zone`; a day without time means 00:00 that day."""
        return datetime.combine(self.day, self.time or time(0, 0), tzinfo=zone)


# Shown by the CLI when a phrase is not understood.
EXAMPLES = (
    "明天",
    "下周一",
    "3月15日",
    "2020年",
    "+3d",
    "2019-03-14 08:10",
    "08:27",
    "两周后",
)

# The phrase families, for the README: (examples, 中文说明, English meaning).
PHRASES: list[tuple[str, str, str]] = [
    ("2019-03-14, 2019/3/14, 20190314", "某一天", "that day"),
    ("2019-03-14 08:10, 2019-03-14T08:10Z", "某天某时", "that day and time"),
    ("08:27, 8点半, 下午3点, 3pm, noon", "今天的这个时刻", "that time today"),
    (
        "明天 9:00, 明天上午9点, 9:00 tomorrow",
        "那天的这个时刻",
        "that time on that day",
    ),
    ("今天, 明天, 昨天, 后天, 前天", "相对今天的某天", "a day near today"),
    ("现在, 刚才, now", "此刻", "this minute"),
    ("今晚, 明晚, tonight", "那天晚上8点", "20:00 that evening"),
    (
        "今天下午, 明天上午, 明早, 下周三上午",
        "那天的上午9点、中午12点、下午3点、晚上8点（早上8点）",
        "that day at 9:00 (上午), 12:00, 15:00, 20:00 (早上 8:00)",
    ),
    ("周末, 下周末", "本周或下周的周六", "Saturday of this or next week"),
    (
        "3月底, 4月初, 5月中",
        "那月最后一天、1日、15日",
        "last, 1st or 15th of that month",
    ),
    ("3/15, 3-15", "今年3月15日（月/日）", "15 March (month/day, as written in China)"),
    (
        "+3d, +2w, +1m, +1y, -2d, +3",
        "今天往后/往前几天、周、月、年",
        "days, weeks, months, years from today",
    ),
    (
        "3天后, 两周后, 3个月前, 半个月后, in 3 days, 3 days ago",
        "几天/周/月/年之后或之前",
        "that long from today, or ago",
    ),
    (
        "10分钟后, 2小时后, 半小时后, in 2 hours",
        "从现在起几分钟/小时之后",
        "minutes or hours from now",
    ),
    (
        "周五, 星期五, 礼拜天",
        "到期日、提醒：下一个周五（今天是周五即今天）；--at、--since：最近过去的周五；"
        "其余：本周的周五",
        "due dates and reminders: the coming Friday (today if it is Friday); --at, "
        "--since: the last one; elsewhere: Friday of this week",
    ),
    (
        "本周五, 这周五, 这个星期五",
        "本周（周一到周日）的那天",
        "that day of this week (Monday to Sunday)",
    ),
    (
        "下周一, 下个星期五, 下下周一, 上周五",
        "下周、下下周、上周的那天",
        "that day of next, the following or last week",
    ),
    (
        "friday, next monday, last friday",
        "今天之后的下一个周五；下周一；上周五",
        "the next Friday after today; Monday next week; Friday last week",
    ),
    (
        "下周, 下个月, 明年, next month",
        "下一周/月/年的第一天",
        "the first day of the next week, month or year",
    ),
    (
        "月初, 月中, 月底, 下月底, 年底, eom",
        "本月1日、15日、最后一天；年底为12月31日",
        "1st, 15th or last day of the month; 31 December",
    ),
    (
        "3月15日, 三月十五日, 12月, 15号",
        "今年的那天（那月1日）；本月的那天",
        "that day (or month) this year; that day this month",
    ),
    (
        "2019年3月14日, 19年3月14日, 明年3月",
        "那年的那天（那月1日）",
        "that day (or month) in that year",
    ),
    ("2020年, 二〇二〇年, 2020, 明年", "那年1月1日", "1 January of that year"),
]


@dataclass(frozen=True)
class _Context:
    now: datetime
    prefer: Prefer | None

    @property
    def today(self) -> date:
        return self.now.date()


# How far back a year-less due date may lie and still mean this year's (or this
# month's): paper logs are often typed in days late, but "1月5日" said in December
# means the coming January.
_LATE_BY_YEAR = 91  # "3月11日", "1月"
_LATE_BY_MONTH = 7  # "5号"


def _nearest(
    candidate: Callable[[int], date],
    ctx: _Context,
    by_month: bool,
    late_days: int = _LATE_BY_YEAR,
) -> date:
    """Place a date said without its year (or month) on the side `prefer` asks for.

    `candidate(k)` is the date k years (or months) from the current one. With no
    preference the current one stands, even if already past. With one, the first
    candidate on the preferred side of today wins: said on 20 December with
    prefer="future", 1月5日 is next January. Leaning to the future gives way to a
    recent past date, though: a follow-up "3月11日" typed on 14 March is three days
    overdue, not due next year. For a whole month ("12月") the month holding today
    counts as today. Candidates that do not exist (2月29日 in 2019) are skipped;
    nine steps reach the next leap day.
    """
    step = {"future": 1, "past": -1}.get(ctx.prefer or "", 0)
    if step == 0:
        return candidate(0)
    if step > 0:
        try:
            current = candidate(0)
        except Rejected:
            pass
        else:
            if 0 < (ctx.today - current).days <= late_days:
                return current
    floor = ctx.today.replace(day=1) if by_month else ctx.today
    for k in range(9):
        try:
            found = candidate(k * step)
        except Rejected:
            continue
        if (found >= floor) if step > 0 else (found <= ctx.today):
            return found
    raise Rejected("date.impossible")


_ISO_T = r"(?<=\d)t(?=\d)"
_EVENING_THEN_TIME = r"([今明昨])([早晚])(?!上)"


def _canonical(text: str) -> str:
    """The normalised text in the only spelling the rules below know."""
    text = cn_numerals_to_digits(english_to_chinese(text))
    text = sub(_ISO_T, " ", text)  # 2019-03-14T08:10 is a date part and a time part
    # 下周一9:00 became 下周19:00: keep the weekday apart from the clock after it.
    text = sub(rf"((?:{_WEEK_RE})[1-6日天])(?=\d)", r"\1 ", text)
    # 今晚8点 is 20:00, not 08:00: read it as 今天晚上8点 (and 明早9点 as 明天早上9点).
    return sub(_EVENING_THEN_TIME, lambda m: f"{m[1]}天{m[2]}上", text)


# --- Rules: a regex matched against the whole part, and a builder. --------------------

T = TypeVar("T")
_Rule = tuple[str, Callable[[re.Match[str], _Context], T]]

_CN_WEEKDAYS = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "日": 6, "天": 6}
_WHICH = {"": 0, "本": 0, "这": 0, "下": 1, "下下": 2, "上": -1, "上上": -2}
_WHICH_RE = "本|这个?|下下?个?|上上?个?"
_WEEK_RE = "周|星期|礼拜"
_AFTER_RE = "(?P<dir>[以之]?[后前])"


def _which(m: re.Match[str]) -> int:
    """本/这个 -> 0, 下个 -> 1, 下下 -> 2, 上 -> -1 ..."""
    return _WHICH[(m["which"] or "").replace("个", "")]


def _sign(m: re.Match[str]) -> int:
    return -1 if m["dir"].endswith("前") else 1


def _year(token: str, today: date) -> int:
    """今/明/去/前/后 relative to this year; 19 means 2019; other digits as written."""
    words = {"今": 0, "明": 1, "后": 2, "去": -1, "前": -2}
    if token in words:
        return today.year + words[token]
    return 2000 + int(token) if len(token) <= 2 else int(token)


def _ambiguous(m: re.Match[str], ctx: _Context) -> date:
    # 02/03/2024 is 2 March to some and 3 February to others: refuse to guess.
    raise Rejected("date.ambiguous")


def _ymd(m: re.Match[str], ctx: _Context) -> date:
    return checked_date(int(m["y"]), int(m["mo"]), int(m["d"]))


def _year_alone(m: re.Match[str], ctx: _Context) -> date:
    return checked_date(int(m["y"]), 1, 1)


def _cn_date(m: re.Match[str], ctx: _Context) -> date:
    """Y年M月D日, with the year or the day left out; 3月底 is 31 March, 4月初 the 1st,
    5月中 the 15th."""
    groups = m.groupdict()
    month = int(m["mo"])
    part = groups.get("part")

    def on(year: int) -> date:
        if part in ("底", "末"):
            return add_days(add_months(checked_date(year, month, 1), 1), -1)
        return checked_date(year, month, 15 if part == "中" else int(m["d"] or 1))

    if groups.get("y"):
        return on(_year(m["y"], ctx.today))
    whole_month = m["d"] is None and part is None
    return _nearest(lambda k: on(ctx.today.year + k), ctx, by_month=whole_month)


def _weekend(m: re.Match[str], ctx: _Context) -> date:
    """周末 is Saturday of this week; 下周末 of the next."""
    monday = add_days(ctx.today, -ctx.today.weekday())
    return add_days(monday, 7 * _which(m) + 5)


def _cn_year(m: re.Match[str], ctx: _Context) -> date:
    """2020年, 明年 -> 1 January; 年底, 明年年底 -> 31 December."""
    year = _year(m["y"] or "今", ctx.today)
    return (
        checked_date(year, 12, 31)
        if m["part"] in ("底", "末")
        else checked_date(year, 1, 1)
    )


def _cn_month(m: re.Match[str], ctx: _Context) -> date:
    """下个月, 本月 -> the 1st; 月中 -> the 15th; 月底 -> the last day; 下月15号."""
    first = add_months(ctx.today.replace(day=1), _which(m))
    if m["d"]:
        return checked_date(first.year, first.month, int(m["d"]))
    if m["part"] == "中":
        return first.replace(day=15)
    if m["part"] in ("底", "末"):
        return first.replace(day=days_in_month(first.year, first.month))
    return first


def _cn_week(m: re.Match[str], ctx: _Context) -> date:
    """周五 is Friday of this week (Monday to Sunday), 下周一 Monday of the next; a
    week without a day (下周) means its Monday.

    A bare weekday leans the way the date looks: as a due date (prefer="future") a
    周一 already past this week is the coming Monday, not an item overdue the moment
    it is made; looking back (prefer="past") a 周五 still ahead is last Friday. 本周/
    这周/下周/上周 say which week, and never move."""
    monday = add_days(ctx.today, -ctx.today.weekday())
    found = add_days(monday, 7 * _which(m) + _CN_WEEKDAYS[m["day"] or "1"])
    if m["which"] or not m["day"]:
        return found
    if ctx.prefer == "future" and found < ctx.today:
        return add_days(found, 7)
    if ctx.prefer == "past" and found > ctx.today:
        return add_days(found, -7)
    return found


def _en_weekday(m: re.Match[str], ctx: _Context) -> date:
    """English "friday": the next one after today, or with prefer="past" the last one
    before it. (next/this/last friday were rewritten to 下周5/本周5/上周5.)"""
    gap = EN_WEEKDAYS[m["name"]] - ctx.today.weekday()
    if ctx.prefer == "past":
        return add_days(ctx.today, -((-gap - 1) % 7 + 1))
    return add_days(ctx.today, (gap - 1) % 7 + 1)


def _day_of_month(m: re.Match[str], ctx: _Context) -> date:
    """15号: this month's, moved by `prefer`."""
    day = int(m["d"])

    def candidate(k: int) -> date:
        first = add_months(ctx.today.replace(day=1), k)
        return checked_date(first.year, first.month, day)

    return _nearest(candidate, ctx, by_month=False, late_days=_LATE_BY_MONTH)


_DAY_WORDS = {
    **dict.fromkeys(("今天", "今日", "今晚"), 0),
    **dict.fromkeys(("明天", "明日", "明晚"), 1),
    **dict.fromkeys(("昨天", "昨日", "昨晚"), -1),
    **{"后天": 2, "大后天": 3, "前天": -2, "大前天": -3},
}


def _day_word(m: re.Match[str], ctx: _Context) -> date:
    return add_days(ctx.today, _DAY_WORDS[m[0]])


def _offset(m: re.Match[str], ctx: _Context) -> date:
    """+3d, -2w, +1m, +1y; a bare +3 counts days."""
    amount = int(m["n"]) * (-1 if m["sign"] == "-" else 1)
    return shift(ctx.today, amount, m["unit"] or "d")


def _cn_relative(m: re.Match[str], ctx: _Context) -> date:
    """3天后, 两周前, 3个月后, 一年后; 半个月 is 15 days, 半年 six months."""
    if m["half"]:
        if m["half"] == "年":
            return shift(ctx.today, 6 * _sign(m), "m")
        return shift(ctx.today, 15 * _sign(m), "d")
    units = {"天": "d", "日": "d", "周": "w", "星期": "w", "礼拜": "w", "月": "m"}
    unit = units.get(m["unit"].removeprefix("个"), "y")
    return shift(ctx.today, int(m["n"]) * _sign(m), unit)


_DATE_RULES: Sequence[_Rule[date]] = (
    (
        r"(?P<y>\d{4})(?P<sep>[-/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
        _ymd,
    ),
    (r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})", _ymd),
    (r"\d{1,2}(?P<sep>[-/.])\d{1,2}(?P=sep)\d{2,4}", _ambiguous),
    (r"(?P<y>19\d\d|2[01]\d\d)", _year_alone),
    (
        r"(?:(?P<y>\d+|[今明去前后])年)?(?P<mo>\d{1,2})月"
        r"(?:(?P<d>\d{1,2})[日号]?|(?P<part>初|中|底|末))?",
        _cn_date,
    ),
    # 3/15, 3-15: month and day, the way they are written in China (no year given).
    (r"(?P<mo>\d{1,2})[/-](?P<d>\d{1,2})", _cn_date),
    (rf"(?P<which>{_WHICH_RE})?(?:{_WEEK_RE})末", _weekend),
    # The lookaheads refuse a bare 年, 月 or 周, and 月15号, which name no day.
    (
        r"(?!年$)(?P<y>\d+|[今明去前后])?年(?:年?(?P<part>初|底|末))?",
        _cn_year,
    ),
    (
        (
            rf"(?!月(?:\d|$))(?P<which>{_WHICH_RE})?月"
            r"(?:(?P<part>初|中|底|末)|(?P<d>\d{1,2})[日号]?)?"
        ),
        _cn_month,
    ),
    (
        rf"(?!(?:{_WEEK_RE})$)(?P<which>{_WHICH_RE})?(?:{_WEEK_RE})(?P<day>[1-6日天])?",
        _cn_week,
    ),
    (rf"(?P<name>{EN_WEEKDAY})", _en_weekday),
    (r"(?P<d>\d{1,2})[日号]", _day_of_month),
    ("|".join(_DAY_WORDS), _day_word),
    (r"(?P<sign>[+-])(?P<n>\d+)(?P<unit>[dwmy]?)", _offset),
    (
        (
            rf"(?:(?P<n>\d+)(?P<unit>天|日|个?(?:{_WEEK_RE})|个月|年)|半(?P<half>个月|年))"
            + _AFTER_RE
        ),
        _cn_relative,
    ),
)

_MORNING = ("凌晨", "早上", "早晨", "清晨", "上午")
_EVENING = ("中午", "下午", "傍晚", "晚上", "夜里")


def _hour(hour: int, period: str | None, ampm: str | None) -> int:
    """The 24-hour hour; -1 when the words contradict it (下午25点, 13pm).

    下午3点 is 15:00 and 凌晨12点 is 0:00. 晚上12点 would be 24:00, refused like
    24:00 itself.
    """
    if ampm:
        return hour % 12 + (12 if ampm == "p" else 0) if 1 <= hour <= 12 else -1
    if period is None:
        return hour
    if period in _MORNING:
        if hour == 12 and period == "凌晨":
            return 0
        return hour if hour <= 12 else -1
    if period == "中午" and hour in (11, 12):
        return hour
    if 1 <= hour <= 11:
        return hour + 12
    if hour == 0 or (hour == 12 and period in ("晚上", "夜里")):
        return -1
    return hour


def _clock(m: re.Match[str], ctx: _Context) -> time:
    """08:27, 8点10分, 8点半, 下午3点, 3:30pm. Seconds are checked, then dropped."""
    minute = int(m["m"] or m["cm"] or 0)
    if m["half"]:
        minute = 30
    elif m["q"]:
        minute = 15 * int(m["q"])
    if m["s"] and int(m["s"]) > 59:
        raise Rejected("date.impossible")
    return checked_time(_hour(int(m["h"]), m["period"], m["ampm"]), minute)


# A part of the day without an hour means its usual working hour.
_PERIOD_HOURS = {
    "凌晨": 5,
    "早上": 8,
    "早晨": 8,
    "清晨": 7,
    "上午": 9,
    "中午": 12,
    "下午": 15,
    "傍晚": 18,
    "晚上": 20,
    "夜里": 22,
}


def _period(m: re.Match[str], ctx: _Context) -> time:
    return time(_PERIOD_HOURS[m["period"]], 0)


_TIME_RULES: Sequence[_Rule[time]] = (
    (rf"(?P<period>{'|'.join(_PERIOD_HOURS)})", _period),
    (
        (
            rf"(?:(?P<period>{'|'.join(_MORNING + _EVENING)}) ?)?"
            r"(?P<h>\d{1,2})(?=[:点时]| ?[ap]\.?m)"  # a bare number is not a time
            r"(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?"
            r"|[点时]钟?(?:(?P<half>半)|(?P<q>[13])刻|(?P<cm>\d{1,2})分?|整)?)?"
            r"(?: ?(?P<ampm>[ap])\.?m\.?)?"
        ),
        _clock,
    ),
)


def _now(m: re.Match[str], ctx: _Context) -> When:
    return When(ctx.today, time(ctx.now.hour, ctx.now.minute))


def _evening(m: re.Match[str], ctx: _Context) -> When:
    """今晚 (tonight), 明晚, 昨晚: 20:00 that day."""
    return When(add_days(ctx.today, _DAY_WORDS[m[0]]), time(20, 0))


def _moment(instant: datetime, ctx: _Context) -> When:
    """The instant seen from `now`'s zone, to the minute."""
    try:
        local = instant.astimezone(ctx.now.tzinfo)
    except (ValueError, OverflowError):
        raise Rejected("date.impossible") from None
    return When(local.date(), time(local.hour, local.minute))


def _cn_relative_clock(m: re.Match[str], ctx: _Context) -> When:
    """10分钟后, 2小时前, 半小时后: counted in elapsed time, so through UTC."""
    minutes = int(m["n"]) * (1 if m["unit"] == "分钟" else 60) if m["n"] else 30
    try:
        utc = ctx.now.astimezone(UTC)
        instant = utc + timedelta(minutes=minutes * _sign(m))
    except (ValueError, OverflowError):
        raise Rejected("date.impossible") from None
    return _moment(instant, ctx)


def _iso_instant(m: re.Match[str], ctx: _Context) -> When:
    """2019-03-14T08:10:00+08:00 or ...Z: a moment anywhere, shown in `now`'s zone."""
    day = checked_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    clock = checked_time(int(m["h"]), int(m["m"]))
    if int(m["s"] or 0) > 59:
        raise Rejected("date.impossible")
    offset = 0
    if m["zone"] != "z":
        hours, minutes = int(m["zh"]), int(m["zm"] or 0)
        if hours > 23 or minutes > 59:
            raise Rejected("date.impossible")
        offset = (hours * 60 + minutes) * (-1 if m["zone"][0] == "-" else 1)
    zone = timezone(timedelta(minutes=offset))
    return _moment(datetime.combine(day, clock, tzinfo=zone), ctx)


# Rules for text naming a moment at once; these take no separate time part.
_WHOLE_RULES: Sequence[_Rule[When]] = (
    ("现在|刚才|刚刚", _now),
    ("[今明昨]晚", _evening),
    (
        rf"(?:(?P<n>\d+)个?(?P<unit>分钟|小时|钟头)|半个?(?:小时|钟头)){_AFTER_RE}",
        _cn_relative_clock,
    ),
    (
        (
            r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2}) "
            r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d{1,9})?)? ?"
            r"(?P<zone>z|[+-](?P<zh>\d{2}):?(?P<zm>\d{2})?)"
        ),
        _iso_instant,
    ),
)


# --- Putting it together. -------------------------------------------------------------


def _match(
    rules: Sequence[_Rule[T]], text: str, ctx: _Context
) -> Callable[[], T] | None:
    """The first rule whose regex matches all of `text`, ready to build."""
    for pattern, build in rules:
        found = fullmatch(pattern, text)
        if found:
            return partial(build, found, ctx)
    return None


def _splits(text: str) -> Iterator[tuple[str, str]]:
    """(date part, time part) pairs: all date, all time, then every cut in both orders
    ("明天上午9点", "9:00 明天")."""
    yield text, ""
    yield "", text
    for cut in range(1, len(text)):
        head, tail = text[:cut].strip(), text[cut:].strip()
        if head and tail:
            yield head, tail
            yield tail, head


def _date_and_time(date_text: str, time_text: str, ctx: _Context) -> When | None:
    """The When if both parts are recognised (an empty part is absent), else None."""
    clock = _match(_TIME_RULES, time_text, ctx) if time_text else None
    if time_text and clock is None:
        return None
    day = _match(_DATE_RULES, date_text, ctx) if date_text else None
    if date_text and day is None:
        return None
    return When(
        day() if day else ctx.today, clock() if clock else None, dated=bool(day)
    )


def _parse(text: str, ctx: _Context) -> When:
    whole = _match(_WHOLE_RULES, text, ctx)
    if whole:
        return whole()
    # A cut may read "3月158点" as 3月1 + 58点 (impossible) before 3月15 + 8点; so an
    # error is kept and only raised if no cut reads the whole text.
    rejected: Rejected | None = None
    for date_text, time_text in _splits(text):
        try:
            found = _date_and_time(date_text, time_text, ctx)
        except Rejected as problem:
            rejected = rejected or problem
            continue
        if found:
            return found
    raise rejected or Rejected("date.invalid")


def parse_when(text: str, now: datetime, prefer: Prefer | None = None) -> When:
    """Read a date or time phrase ("明天 9:00", "下周一", "3月15日", "+3d", "08:27").

    `now` is an aware datetime in the user's zone; today is `now.date()`. `prefer`
    settles dates given without a year (or month) that fall on the wrong side of
    today: "future" moves them on, "past" back. Raises GridlogError with key
    date.invalid, date.impossible or date.ambiguous and param `text`; nothing else.
    """
    if now.tzinfo is None:
        raise ValueError("parse_when needs an aware `now`")
    normal = normalise(text)
    try:
        if not normal or len(normal) > MAX_LENGTH:
            raise Rejected("date.invalid")
        return _parse(_canonical(normal), _Context(now, prefer))
    except Rejected as problem:
        raise GridlogError(problem.key, text=text) from None
