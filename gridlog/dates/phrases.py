"""Turn what a grid worker types for a date or time into a `When`.

Every option that takes a date or time ("明天", "下周一", "3月15日", "+3d", "08:27")
goes through `parse_when`, so the CLI accepts the same phrases everywhere. It is a pure
function of the text and `now`: the tests pin the clock with one argument instead of
patching it.

How it works. The text is normalised (NFKC, ASCII case, spaces, traditional
characters); English phrases are rewritten into their Chinese twins and Chinese
numerals into digits, and what people type around a date says nothing (commas, 的,
限期…整改, 左右) is taken out, so that each rule exists once. Then either one
whole-text rule matches (a moment such as 现在, 10分钟后 or an ISO instant), or the
text splits into a date part and a time part, in either order, each matched by one
regex rule. A rule is matched first and built second, so a well-formed text naming no
real day ("2月30日") is reported as impossible, not as unrecognised.

The one spelling (`dates.spelling`, over `dates.english` and `dates.numerals`), the
folding of the text (`dates.text`), holidays and working days (`dates.holidays`), the
calendar arithmetic (`dates.days`) and the table of phrases for the README
(`dates.examples`) live in modules of their own, the folding, the numerals and the
arithmetic shared with items that come back (`dates.recurrence`).
The CLI imports this module on every run: the standard library only, the calendar
packages only inside `dates.holidays` and only when a phrase names a holiday or
working days, and every pattern compiled the first time a phrase needs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import partial
from typing import Literal, NamedTuple, TypeVar

from gridlog.dates.days import (
    Rejected,
    add_days,
    add_months,
    checked_date,
    checked_time,
    days_in_month,
    shift,
)
from gridlog.dates.holidays import (
    HOLIDAY,
    HOLIDAY_NAMES,
    holiday_in,
    lunar_date,
    working_days_from,
)
from gridlog.dates.spelling import WEEK, canonical
from gridlog.dates.text import MAX_LENGTH, fullmatch, normalise
from gridlog.dates.weekdays import EN_WEEKDAY, EN_WEEKDAYS
from gridlog.errors import GridlogError

__all__ = ["When", "parse_when"]  # and EXAMPLES, PHRASES: see __getattr__


def __getattr__(name: str) -> object:
    """EXAMPLES and PHRASES, for the README and the tests: a CLI run never loads
    them (`dates.examples`)."""
    if name in ("EXAMPLES", "PHRASES"):
        from gridlog.dates import examples

        return getattr(examples, name)
    raise AttributeError(name)


Prefer = Literal["past", "future"]


# The records here are NamedTuples, not frozen dataclasses: `add` reads a phrase on
# every run, and a dataclass is generated from source at import (about 1 ms each,
# and the `dataclasses` module with them).


class When(NamedTuple):
    """A day, plus the time of day when the phrase named one. Equal (and hashed) by
    day and time alone."""

    day: date
    time: time | None  # None when the phrase named only a day
    # False when the phrase named only a time ("09:00"): `day` is then today, and a
    # correction of a stored moment keeps that moment's own day instead.
    dated: bool = True

    def at(self, zone: tzinfo) -> datetime:
        """Aware datetime in `zone`; a day without time means 00:00 that day."""
        return datetime.combine(self.day, self.time or time(0, 0), tzinfo=zone)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, When):
            return NotImplemented
        return (self.day, self.time) == (other.day, other.time)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self.day, self.time))


class _Context(NamedTuple):
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


# --- Rules: a quick test, a regex matched against the whole part, and a builder. ------

T = TypeVar("T")
# The quick test says whether the part holds what the regex cannot match without (one
# of its words, its separator): a rule whose test fails is neither tried nor compiled,
# so that `下周一` compiles the one pattern that reads it, not fourteen (about half a
# millisecond each, on every run of `add`). tests/test_dates.py holds each test to
# its regex.
_Rule = tuple[Callable[[str], bool], str, Callable[[re.Match[str], _Context], T]]


def _holding(*words: str) -> Callable[[str], bool]:
    """The quick test of a rule whose regex matches no part without one of `words`."""
    return lambda part: any(word in part for word in words)


# \d{8} and a year alone: nothing but digits (re.ASCII's \d are all str.isdigit's).
_DIGITS_ONLY = str.isdigit

_CN_WEEKDAYS = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "日": 6, "天": 6}
_WHICH_RE = "本|这个?|下+个?|上+个?"
_WEEK_RE = WEEK
# 内 (七日内, 3个工作日之内): a deadline is the last day of the span, so it counts
# forward like 后.
_AFTER_RE = "(?P<dir>[以之过]?[后前内])"
_AFTER = _holding("后", "前", "内")
_A_WEEK = _holding(*WEEK.split("|"))
# 今年, 明年, 上年 ...: years said as words, relative to this one.
_YEAR_WORDS = {
    **dict.fromkeys("今本这", 0),
    **dict.fromkeys("明下", 1),
    **dict.fromkeys("去上", -1),
    **{"后": 2, "前": -2, "大后": 3, "大前": -3},
}
_YEAR_RE = r"\d+|大[前后]|[今本这明下去上前后]"
# How far ahead a two-digit year may lie and still be the coming one (2098 is not).
_TWO_DIGIT_AHEAD = 50


def _which(m: re.Match[str]) -> int:
    """本/这个 -> 0, 下个 -> 1, 下下 -> 2, 下下下 -> 3, 上 -> -1 ..."""
    said = (m["which"] or "").replace("个", "")
    return said.count("下") - said.count("上")


def _sign(m: re.Match[str]) -> int:
    return -1 if m["dir"].endswith("前") else 1


def _year(token: str, ctx: _Context) -> int:
    """今/明/去/上/前/后 relative to this year; two digits by `_two_digit_year`; other
    digits as written."""
    if token in _YEAR_WORDS:
        return ctx.today.year + _YEAR_WORDS[token]
    return _two_digit_year(int(token), ctx) if len(token) <= 2 else int(token)


def _two_digit_year(short: int, ctx: _Context) -> int:
    """98年 looked back on is 1998 and 19年 is 2019: the last year ending so. As a due
    date it is the coming one (20年 said in 2019 is 2020), unless that lies more than
    fifty years ahead: 98年 is then 1998, never 2098. With no side, the nearest."""
    this = ctx.today.year
    century = this - this % 100
    years = [century + step * 100 + short for step in (-1, 0, 1)]
    last = max(year for year in years if year <= this)
    coming = min(year for year in years if year >= this)
    if ctx.prefer == "past":
        return last
    if ctx.prefer == "future":
        return coming if coming - this <= _TWO_DIGIT_AHEAD else last
    return coming if coming - this <= this - last else last


def _ambiguous(m: re.Match[str], ctx: _Context) -> date:
    # 02/03/2024 is 2 March to some and 3 February to others: refuse to guess.
    raise Rejected("date.ambiguous")


def _ymd(m: re.Match[str], ctx: _Context) -> date:
    return checked_date(int(m["y"]), int(m["mo"]), int(m["d"]))


def _year_alone(m: re.Match[str], ctx: _Context) -> date:
    return checked_date(int(m["y"]), 1, 1)


# The day a part of a month begins on; 底 and 末 mean its last day.
_MONTH_PARTS = {"初": 1, "中": 15, "上旬": 1, "中旬": 11, "下旬": 21}
_MONTH_PART_RE = "初|中|底|末|[上中下]旬"


def _part_of_month(year: int, month: int, part: str | None, day: str | None) -> date:
    """3月底 is 31 March, 4月初 the 1st, 5月中 the 15th, 下旬 the 21st; else day `day`
    (the 1st when none)."""
    if part in ("底", "末"):
        return checked_date(year, month, days_in_month(year, month))
    if part:
        return checked_date(year, month, _MONTH_PARTS[part])
    return checked_date(year, month, int(day or 1))


def _cn_date(m: re.Match[str], ctx: _Context) -> date:
    """Y年M月D日, with the year or the day left out; 3月底 is 31 March, 4月初 the 1st,
    5月中 the 15th, 3月下旬 the 21st."""
    groups = m.groupdict()
    month = int(m["mo"])
    part = groups.get("part")

    def on(year: int) -> date:
        return _part_of_month(year, month, part, groups.get("d"))

    if groups.get("y"):
        return on(_year(m["y"], ctx))
    whole_month = m["d"] is None and part is None
    return _nearest(lambda k: on(ctx.today.year + k), ctx, by_month=whole_month)


def _weekend(m: re.Match[str], ctx: _Context) -> date:
    """周末 is Saturday of this week; 下周末 of the next."""
    monday = add_days(ctx.today, -ctx.today.weekday())
    return add_days(monday, 7 * _which(m) + 5)


def _cn_year(m: re.Match[str], ctx: _Context) -> date:
    """2020年, 明年 -> 1 January; 年底, 明年年底 -> 31 December; 下半年 -> 1 July."""
    year = _year(m["y"] or "今", ctx)
    if m["part"] in ("底", "末"):
        return checked_date(year, 12, 31)
    return checked_date(year, 7 if m["half"] == "下半年" else 1, 1)


def _cn_month(m: re.Match[str], ctx: _Context) -> date:
    """下个月, 本月 -> the 1st; 月中 -> the 15th; 月底 -> the last day; 下月15号;
    上旬, 下月下旬 -> the 1st or 21st."""
    first = add_months(ctx.today.replace(day=1), _which(m))
    groups = m.groupdict()
    return _part_of_month(first.year, first.month, groups["part"], groups.get("d"))


def _within_period(m: re.Match[str], ctx: _Context) -> date:
    """本周内 -> this Sunday; 本月内, 月内 -> the month's last day; 今年内 -> 31
    December: a deadline is the last day of the period."""
    if m["unit_y"]:
        return checked_date(_year(m["y"] or "今", ctx), 12, 31)
    if m["unit"] == "月":
        first = add_months(ctx.today.replace(day=1), _which(m))
        return _part_of_month(first.year, first.month, "底", None)
    monday = add_days(ctx.today, -ctx.today.weekday())
    return add_days(monday, 7 * _which(m) + 6)


def _quarter(m: re.Match[str], ctx: _Context) -> date:
    """一季度, 第三季度末, 本季度, 下个季度初: a quarter's first day, or with 末/底
    its last."""
    year = _year(m["y"] or "今", ctx)
    if m["q"]:
        first = checked_date(year, 3 * int(m["q"]) - 2, 1)
    else:
        current = ctx.today.replace(month=3 * ((ctx.today.month - 1) // 3) + 1, day=1)
        first = add_months(current, 3 * _which(m))
    if m["part"] in ("末", "底"):
        return add_days(add_months(first, 3), -1)
    return first


def _nth_weekday(m: re.Match[str], ctx: _Context) -> date:
    """十月第一个星期一, 下个月第二个周五: counted from the month's first day;
    十月第一周 is its first Monday; 十月最后一个周五 counted back from its end."""
    weekday = _CN_WEEKDAYS[m["day"] or "1"]
    nth = int(m["n"]) if m["n"] else 0

    def candidate(first: date) -> date:
        if not nth:  # 最后一个: the last such weekday of the month
            last = add_days(add_months(first, 1), -1)
            return add_days(last, -((last.weekday() - weekday) % 7))
        gap = (weekday - first.weekday()) % 7
        found = add_days(first, gap + 7 * (nth - 1))
        if found.month != first.month:
            raise Rejected("date.impossible")  # 二月第五个周一
        return found

    if m["mo"] is None:
        return candidate(add_months(ctx.today.replace(day=1), _which(m)))
    month = int(m["mo"])
    if m["y"]:
        return candidate(checked_date(_year(m["y"], ctx), month, 1))
    return _nearest(
        lambda k: candidate(checked_date(ctx.today.year + k, month, 1)),
        ctx,
        by_month=True,
    )


def _counted_back(m: re.Match[str], ctx: _Context) -> date:
    """5月倒数第5天 -> 27 May; 10月最后一周, 2018年倒数第3周: the Monday of the last
    (third last) whole week, Monday to Sunday, within the month or the year."""
    n = int(m["n"] or 1)

    def counted(first: date, last: date) -> date:
        if m["unit"] in ("天", "日"):
            found = add_days(last, 1 - n)
        else:
            sunday = add_days(last, -((last.weekday() + 1) % 7))
            found = add_days(sunday, -6 - 7 * (n - 1))
        if found < first:
            raise Rejected("date.impossible")  # 2月倒数第40天
        return found

    def in_month(year: int, month: int) -> date:
        first = checked_date(year, month, 1)
        return counted(first, add_days(add_months(first, 1), -1))

    if m["mo"] is None:
        year = _year(m["y"], ctx)
        return counted(checked_date(year, 1, 1), checked_date(year, 12, 31))
    month = int(m["mo"])
    if m["y"]:
        return in_month(_year(m["y"], ctx), month)
    return _nearest(lambda k: in_month(ctx.today.year + k, month), ctx, by_month=True)


_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}


def _lunar(m: re.Match[str], ctx: _Context) -> date:
    """农历八月十五, 正月十五, 腊月廿三, 大年初五, 2012年农历正月十五: a lunar date,
    in the lunar year given, or else this one's, moved by `prefer`."""
    token = m["mo"] or m["mo2"] or "正"
    month = _LUNAR_MONTHS.get(token) or int(token)
    day = int(m["d"] or m["d0"] or 1)
    year = m["y"] or m["y2"]
    if year:
        return lunar_date(_year(year, ctx), month, day)
    return _nearest(
        lambda k: lunar_date(ctx.today.year + k, month, day),
        ctx,
        by_month=False,
        late_days=0,
    )


def _nth_of_year(m: re.Match[str], ctx: _Context) -> date:
    """2025年第一天, 2023年第十天; 21年第一个礼拜, 20年第52周 (weeks counted from the
    year's first Monday); 2020年第8个月 (its first day)."""
    first = checked_date(_year(m["y"], ctx), 1, 1)
    nth = int(m["n"])
    if nth < 1:
        raise Rejected("date.impossible")
    if m["unit"] == "个月":
        if nth > 12:
            raise Rejected("date.impossible")  # 2023年第13个月
        return add_months(first, nth - 1)
    if m["unit"] == "天":
        found = add_days(first, nth - 1)
    else:
        found = add_days(first, (0 - first.weekday()) % 7 + 7 * (nth - 1))
    if found.year != first.year:
        raise Rejected("date.impossible")  # 2023年第400天
    return found


def _holiday(m: re.Match[str], ctx: _Context) -> date:
    """国庆, 明年春节, 2020年中秋: the holiday in that year, or without a year this
    year's, moved by `prefer` (a 春节 due date said in March is next year's).
    上个春节 is the last one before today, 下个中秋 the next one after it."""
    if m["lunar"] and m["name"] in ("新年", "元旦"):
        return _holiday_named("春节", m, ctx)  # 农历新年 is the Spring Festival
    return _holiday_named(m["name"], m, ctx)


def _holiday_named(name: str, m: re.Match[str], ctx: _Context) -> date:
    if m["which"]:
        step = 1 if m["which"] == "下" else -1
        for k in (0, step, 2 * step):
            found = holiday_in(name, ctx.today.year + k)
            if (found - ctx.today).days * step > 0:
                return found
    if m["y"]:
        return holiday_in(name, _year(m["y"], ctx))
    return _nearest(
        lambda k: holiday_in(name, ctx.today.year + k),
        ctx,
        by_month=False,
        late_days=0,
    )


def _working_days(m: re.Match[str], ctx: _Context) -> date:
    """3个工作日内, 5个工作日后, 下个工作日: counted on the official calendar."""
    if m["which"]:
        return working_days_from(ctx.today, 1 if m["which"] == "下" else -1)
    return working_days_from(ctx.today, int(m["n"]) * _sign(m))


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


def _weekdays_away(m: re.Match[str], ctx: _Context) -> date:
    """三个周五后 (3 fridays from now), 两个星期四前: the Nth such weekday after (or
    before) today, today itself not counted."""
    weekday, n = _CN_WEEKDAYS[m["day"]], int(m["n"])
    if m["dir"].endswith("前"):
        return add_days(
            ctx.today, -((ctx.today.weekday() - weekday - 1) % 7 + 1) - 7 * (n - 1)
        )
    return add_days(
        ctx.today, (weekday - ctx.today.weekday() - 1) % 7 + 1 + 7 * (n - 1)
    )


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
    **dict.fromkeys(
        ("今天", "今日", "今晚", "当晚", "本日", "当天", "当日", "今儿"), 0
    ),
    **dict.fromkeys(("明天", "明日", "明晚", "明儿", "次日", "翌日"), 1),
    **dict.fromkeys(("昨天", "昨日", "昨晚", "昨儿"), -1),
    **dict.fromkeys(("后天", "后日"), 2),
    **dict.fromkeys(("前天", "前日"), -2),
    **{"大后天": 3, "大前天": -3, "大大后天": 4, "大大前天": -4},
    # said in Guangdong and Hong Kong
    **{"听日": 1, "寻日": -1, "大后日": 3, "大前日": -3},
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


_COUNTED_UNITS = {"年": "y", "月": "m", "周": "w", "星期": "w", "礼拜": "w"}
_COUNT_PART = r"(\d+)(年|个月|个?(?:周|星期|礼拜)|天|日)"


def _cn_relative_parts(m: re.Match[str], ctx: _Context) -> date:
    """1年11个月前, 2周3天后: each part in turn, the largest first, as said."""
    day, sign = ctx.today, _sign(m)
    for count, unit in re.findall(_COUNT_PART, m["parts"]):
        day = shift(day, int(count) * sign, _COUNTED_UNITS.get(unit.lstrip("个"), "d"))
    return day


_DATE_RULES: Sequence[_Rule[date]] = (
    (
        _holding("-", "/", ".", " "),
        r"(?P<y>\d{4})(?P<sep>[-/. ])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
        _ymd,
    ),
    (_DIGITS_ONLY, r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})", _ymd),
    (
        _holding("-", "/", "."),
        r"\d{1,2}(?P<sep>[-/.])\d{1,2}(?P=sep)\d{2,4}",
        _ambiguous,
    ),
    (_DIGITS_ONLY, r"(?P<y>19\d\d|2[01]\d\d)", _year_alone),
    (
        _holding("月"),
        rf"(?:(?P<y>{_YEAR_RE})年)?(?P<mo>\d{{1,2}})月"
        rf"(?:初?(?P<d>\d{{1,2}})[日号]?|(?P<part>{_MONTH_PART_RE}))?",
        _cn_date,
    ),
    # 3/15, 3-15: month and day, the way they are written in China (no year given).
    # 6·30 as in news headlines; 11/3号
    (_holding("/", "-", "·"), r"(?P<mo>\d{1,2})[/\-·](?P<d>\d{1,2})[日号]?", _cn_date),
    (_holding("末"), rf"(?P<which>{_WHICH_RE})?(?:{_WEEK_RE})末", _weekend),
    # The lookaheads refuse a bare 年, 月 or 周, and 月15号, which name no day.
    (
        _holding("年"),
        rf"(?!年$)(?P<y>{_YEAR_RE})?年(?:年?(?P<part>初|底|末)|(?P<half>[上下]半年))?",
        _cn_year,
    ),
    (
        _holding("月"),
        (
            rf"(?!月(?:\d|$))(?P<which>{_WHICH_RE})?月"
            rf"(?:(?P<part>{_MONTH_PART_RE})|(?P<d>\d{{1,2}})[日号]?)?"
        ),
        _cn_month,
    ),
    (
        _A_WEEK,
        rf"(?!(?:{_WEEK_RE})$)(?P<which>{_WHICH_RE})?(?:{_WEEK_RE})(?P<day>[1-6日天])?",
        _cn_week,
    ),
    (_holding(*EN_WEEKDAYS), rf"(?P<name>{EN_WEEKDAY})", _en_weekday),
    (_holding("日", "号"), r"(?P<d>\d{1,2})[日号]", _day_of_month),
    (_holding(*_DAY_WORDS), "|".join(_DAY_WORDS), _day_word),
    (_holding("+", "-"), r"(?P<sign>[+-])(?P<n>\d+)(?P<unit>[dwmy]?)", _offset),
    (
        _AFTER,
        (
            # 2024年内 and 2025年前 name a year, not a count of them
            rf"(?:(?!\d{{4}}年)(?P<n>\d+)(?P<unit>天|日|个?(?:{_WEEK_RE})|个月|年)"
            r"|半(?P<half>个月|年))" + _AFTER_RE
        ),
        _cn_relative,
    ),
    (
        _AFTER,
        rf"(?P<parts>(?:(?!\d{{4}}年){_COUNT_PART}){{2,4}})零?" + _AFTER_RE,
        _cn_relative_parts,
    ),
)

# Rules tried only when the text holds one of their words (their quick test, on the
# whole text): most phrases hold none. After the rules above, which they never
# contradict (1年内 is a span, read above; 2019年内 a period, read here).
_RARE_DATE_RULES: Sequence[_Rule[date]] = (
    (_holding("旬"), rf"(?P<which>{_WHICH_RE})?(?P<part>[上中下]旬)", _cn_month),
    (
        _holding("内"),
        (
            rf"(?:(?P<which>{_WHICH_RE})?(?P<unit>月|{_WEEK_RE})"
            r"|(?P<y>\d{4}|大[前后]|[今本这明下去上前后])?(?P<unit_y>年))[以之]?内"
        ),
        _within_period,
    ),
    (
        _holding(*HOLIDAY_NAMES),
        (
            rf"(?:(?P<y>{_YEAR_RE})年|(?P<which>[上下])个?)?(?P<lunar>农历|阴历)?"
            rf"(?P<name>{HOLIDAY})"
        ),
        _holiday,
    ),
    (
        _holding("农历", "阴历", "正月", "腊月", "冬月", "大年初"),
        (
            rf"(?:(?P<y>{_YEAR_RE})年)?(?:(?:农历|阴历)(?:(?P<y2>{_YEAR_RE})年)?"
            r"(?P<mo>\d{1,2}|[正冬腊])|(?P<mo2>[正冬腊]))月(?:初?(?P<d>\d{1,2})[日号]?)?"
            r"|大年初(?P<d0>\d{1,2})"
        ),
        _lunar,
    ),
    (
        _holding("季"),
        (
            rf"(?:(?P<y>{_YEAR_RE})年)?(?:第?(?P<q>[1-4])|(?P<which>{_WHICH_RE}))?"
            r"个?季度?(?P<part>初|末|底)?"
        ),
        _quarter,
    ),
    (
        _holding("倒数", "最后"),
        (
            rf"(?!倒数|最后)(?:(?P<y>{_YEAR_RE})年)?(?:(?P<mo>\d{{1,2}})月)?"
            r"(?:倒数第(?P<n>\d{1,2})|最后[1一]?)个?"
            rf"(?P<unit>天|日|{_WEEK_RE})"
        ),
        _counted_back,
    ),
    (
        _holding("第", "最后"),
        (
            rf"(?:(?:(?P<y>{_YEAR_RE})年)?(?P<mo>\d{{1,2}})月|(?P<which>{_WHICH_RE})月)"
            rf"(?:第(?P<n>[1-5])|最后[1一]?)个?(?:{_WEEK_RE})(?P<day>[1-6日天])?"
        ),
        _nth_weekday,
    ),
    (
        _holding("个"),
        rf"(?P<n>\d+)个(?:{_WEEK_RE})(?P<day>[1-6日天])(?P<dir>[以之]?[后前])",
        _weekdays_away,
    ),
    (
        _holding("第"),
        rf"(?P<y>{_YEAR_RE})年第(?P<n>\d{{1,3}})(?P<unit>天|个月|个?(?:{_WEEK_RE}))",
        _nth_of_year,
    ),
    (
        _holding("工作日"),
        rf"(?:(?P<n>\d+)个?工作日{_AFTER_RE}|(?P<which>[上下])个?工作日)",
        _working_days,
    ),
)


def _date_rules(text: str) -> Sequence[_Rule[date]]:
    """The rules that may read a part of `text`: every part is a piece of it, so a
    rare rule whose quick test fails on the whole text can be left out once."""
    rare = [rule for rule in _RARE_DATE_RULES if rule[0](text)]
    return (*_DATE_RULES, *rare) if rare else _DATE_RULES


_MORNING = ("凌晨", "早上", "早晨", "清晨", "上午", "早间", "早")
_EVENING = ("中午", "下午", "午后", "傍晚", "晚上", "夜里", "晚间", "夜间", "晚", "夜")
_EVENING += ("晏昼", "半夜", "深夜")  # 晏晝: afternoon in Cantonese


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
    if period in ("半夜", "深夜") and hour <= 5:
        return hour  # 半夜1点 is 01:00, 半夜11点 23:00
    if 1 <= hour <= 11:
        return hour + 12
    if hour == 0 or (
        hour == 12 and period in ("晚上", "夜里", "晚间", "夜间", "晚", "夜")
    ):
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
    "午后": 15,
    "晚间": 20,
    "夜间": 22,
    "午夜": 0,
    "黎明": 5,
    "早": 8,
    "晚": 20,
}


def _period(m: re.Match[str], ctx: _Context) -> time:
    return time(_PERIOD_HOURS[m["period"]], 0)


_TIME_RULES: Sequence[_Rule[time]] = (
    (_holding(*_PERIOD_HOURS), rf"(?P<period>{'|'.join(_PERIOD_HOURS)})", _period),
    (
        _holding(":", "点", "时", "m"),  # what must follow the hour
        (
            rf"(?:(?P<period>{'|'.join(_MORNING + _EVENING)}) ?)?"
            r"(?P<h>\d{1,2})(?=[:点时]| ?[ap]\.?m)"  # a bare number is not a time
            r"(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?"
            r"|[点时]钟?(?:(?P<half>半)|(?P<q>[13])刻|过?(?P<cm>\d{1,2})(?:分钟?)?|整)?)?"
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
    """10分钟后, 2小时前, 半小时后, 1刻钟后: counted in elapsed time, so through
    UTC."""
    per_unit = {"分钟": 1, "刻钟": 15}.get(m["unit"] or "", 60)
    minutes = int(m["n"]) * per_unit if m["n"] else 30
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
    (_holding("现在", "刚才", "刚刚"), "现在|刚才|刚刚", _now),
    (_holding("晚"), "[今明昨当]晚", _evening),
    (
        _holding("钟", "小时"),
        # 一个钟之内: 钟 alone is an hour, as said in the south
        rf"(?:(?P<n>\d+)个?(?P<unit>分钟|小时|钟头|刻钟|钟)|半个?(?:小时|钟头)){_AFTER_RE}",
        _cn_relative_clock,
    ),
    (
        _holding(":"),
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
    for holds, pattern, build in rules:
        found = holds(text) and fullmatch(pattern, text)
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


def _date_and_time(
    date_text: str, time_text: str, ctx: _Context, date_rules: Sequence[_Rule[date]]
) -> When | None:
    """The When if both parts are recognised (an empty part is absent), else None."""
    clock = _match(_TIME_RULES, time_text, ctx) if time_text else None
    if time_text and clock is None:
        return None
    day = _match(date_rules, date_text, ctx) if date_text else None
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
    date_rules = _date_rules(text)
    for date_text, time_text in _splits(text):
        try:
            found = _date_and_time(date_text, time_text, ctx, date_rules)
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
        spelled = canonical(normal)
        if not spelled:  # "完成", "限期": only the words around a date
            raise Rejected("date.invalid")
        return _parse(spelled, _Context(now, prefer))
    except Rejected as problem:
        raise GridlogError(problem.key, text=text, **problem.params) from None
