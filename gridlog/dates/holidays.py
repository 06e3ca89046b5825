"""Holidays (国庆, 春节, 中秋, 清明) and working days on China's official calendar.

A deadline such as 3个工作日内 counts the days the State Council's calendar makes
working days, holidays and adjusted working days (调休) included; that calendar is
published year by year, so it comes from a maintained package (`chinesecalendar`)
rather than a table of ours, and a date beyond the years the package knows is
refused in so many words. Lunar holidays (春节, 端午, 中秋, 重阳) come from
`lunardate`, 清明 (a solar term) from `chinesecalendar`.

Both packages are imported inside the functions below, only when such a phrase is
typed: the phrase parser imports this module on every run, and the names alone cost
nothing.
"""

from __future__ import annotations

from datetime import date

from gridlog.dates.days import Rejected, add_days, checked_date

# (month, day) in the Gregorian calendar.
_SOLAR = {
    "元旦": (1, 1),
    "情人节": (2, 14),
    "妇女节": (3, 8),
    "植树节": (3, 12),
    "消费者权益日": (3, 15),
    "女生节": (3, 7),
    "愚人节": (4, 1),
    "国家安全教育日": (4, 15),
    "护士节": (5, 12),
    "环境日": (6, 5),
    "禁毒日": (6, 26),
    "记者节": (11, 8),
    "消防日": (11, 9),
    "光棍节": (11, 11),
    "残疾人日": (12, 3),
    "宪法日": (12, 4),
    "劳动节": (5, 1),
    "青年节": (5, 4),
    "儿童节": (6, 1),
    "建党节": (7, 1),
    "建军节": (8, 1),
    "教师节": (9, 10),
    "国庆节": (10, 1),
    "万圣节": (10, 31),
    "平安夜": (12, 24),
    "圣诞节": (12, 25),
}
# (month, day) in the lunar calendar.
_LUNAR = {
    "春节": (1, 1),
    "元宵节": (1, 15),
    "龙抬头": (2, 2),
    "中元节": (7, 15),
    "腊八节": (12, 8),
    "小年": (12, 23),
    "端午节": (5, 5),
    "7夕": (7, 7),  # 七夕, its numeral already made a digit
    "中秋节": (8, 15),
    "重阳节": (9, 9),
}
# The 24 solar terms, by chinesecalendar: 清明 is one, and 冬至 is kept too.
_SOLAR_TERMS = (
    *("小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨", "立夏", "小满"),
    *("芒种", "夏至", "小暑", "大暑", "立秋", "处暑", "白露", "秋分", "寒露", "霜降"),
    *("立冬", "小雪", "大雪", "冬至"),
)
# (month, weekday with Monday 0, which one): 母亲节 is May's second Sunday.
_NTH_WEEKDAY = {"母亲节": (5, 6, 2), "父亲节": (6, 6, 3), "感恩节": (11, 3, 4)}
# What people call them; the numerals were already made digits (大年三十 -> 大年30).
_ALIASES = {
    **{name: name for name in (*_SOLAR, *_LUNAR, *_NTH_WEEKDAY, *_SOLAR_TERMS)},
    "除夕": "除夕",
    **dict.fromkeys(("元旦节", "阳历新年", "新年"), "元旦"),
    **dict.fromkeys(("五一", "五一劳动节", "国际劳动节", "五一国际劳动节"), "劳动节"),
    **dict.fromkeys(("国庆",), "国庆节"),
    **dict.fromkeys(("六一", "六一儿童节", "国际儿童节"), "儿童节"),
    **dict.fromkeys(
        ("三八", "三八节", "三八妇女节", "国际妇女节", "三八国际妇女节"), "妇女节"
    ),
    **dict.fromkeys(("三一五", "国际消费者权益日"), "消费者权益日"),
    **dict.fromkeys(("五四", "五四青年节"), "青年节"),
    **dict.fromkeys(("七一", "七一建党节"), "建党节"),
    **dict.fromkeys(("八一", "八一建军节"), "建军节"),
    **dict.fromkeys(("圣诞",), "圣诞节"),
    **dict.fromkeys(("大年初1", "新春", "农历新年", "正月朔日", "正月正时"), "春节"),
    **dict.fromkeys(("大年30", "大年29"), "除夕"),
    **dict.fromkeys(("元宵",), "元宵节"),
    **dict.fromkeys(("清明节",), "清明"),
    **dict.fromkeys(("冬至节",), "冬至"),
    **dict.fromkeys(("腊8", "腊8节"), "腊八节"),
    **dict.fromkeys(("双11",), "光棍节"),
    **dict.fromkeys(("世界环境日",), "环境日"),
    **dict.fromkeys(("国际禁毒日",), "禁毒日"),
    **dict.fromkeys(("全国消防日", "119消防日"), "消防日"),
    **dict.fromkeys(("国家宪法日",), "宪法日"),
    **dict.fromkeys(("国际残疾人日",), "残疾人日"),
    **dict.fromkeys(("国际护士节",), "护士节"),
    **dict.fromkeys(("端午", "端阳", "端阳节"), "端午节"),
    **dict.fromkeys(("7夕节",), "7夕"),
    **dict.fromkeys(("中秋",), "中秋节"),
    **dict.fromkeys(("重阳", "重9"), "重阳节"),
}
HOLIDAY_NAMES = tuple(_ALIASES)
HOLIDAY = "|".join(sorted(_ALIASES, key=len, reverse=True))

_LUNAR_YEARS = (1900, 2099)  # what lunardate knows
_SOLAR_TERM_YEARS = (1900, 2100)  # what chinesecalendar's solar terms know


def holiday_in(name: str, year: int) -> date:
    """The day of holiday `name` (any spelling in `HOLIDAY`) in Gregorian `year`;
    除夕 is the eve of that year's 春节."""
    canonical = _ALIASES[name]
    if canonical in _SOLAR:
        return checked_date(year, *_SOLAR[canonical])
    if canonical in _NTH_WEEKDAY:
        month, weekday, nth = _NTH_WEEKDAY[canonical]
        first = checked_date(year, month, 1)
        return add_days(first, (weekday - first.weekday()) % 7 + 7 * (nth - 1))
    if canonical in _SOLAR_TERMS:
        return _solar_term(canonical, year)
    if canonical == "除夕":
        return add_days(_lunar(year, 1, 1), -1)
    return _lunar(year, *_LUNAR[canonical])


def _beyond(years: tuple[int, int], package: str) -> Rejected:
    return Rejected(
        "date.beyond_calendar", first=years[0], last=years[1], package=package
    )


def _lunar(year: int, month: int, day: int) -> date:
    first, last = _LUNAR_YEARS
    if not first <= year <= last:
        raise _beyond(_LUNAR_YEARS, "lunardate")
    from lunardate import LunarDate  # ~20 ms: only when a lunar date is typed

    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:  # 腊月三十 in a year whose 腊月 has 29 days
        raise Rejected("date.impossible") from None


def lunar_date(year: int, month: int, day: int) -> date:
    """The Gregorian day of lunar `year`-`month`-`day` (农历八月十五, 腊月二十三):
    older residents give their birthdays so."""
    return _lunar(year, month, day)


def _solar_term(name: str, year: int) -> date:
    first, last = _SOLAR_TERM_YEARS
    if not first <= year <= last:
        raise _beyond(_SOLAR_TERM_YEARS, "chinesecalendar")
    import chinese_calendar  # ~30 ms: only when a solar term or working days are typed

    terms = chinese_calendar.get_solar_terms(date(year, 1, 1), date(year, 12, 31))
    return next(day for day, term in terms if term == name)


def working_days_from(day: date, count: int) -> date:
    """The `count`-th working day after `day` (before it when negative), `day` itself
    not counted, on the official calendar: 3个工作日内 said on a Friday before 国庆
    skips the holiday and counts the Sunday made a working day (调休)."""
    import chinese_calendar  # ~30 ms: only when working days are typed

    known = sorted({holiday.year for holiday in chinese_calendar.holidays})
    years = (known[0], known[-1])
    step = 1 if count >= 0 else -1
    found = 0
    while found < abs(count):
        day = add_days(day, step)
        if not years[0] <= day.year <= years[1]:
            raise _beyond(years, "chinesecalendar")
        if chinese_calendar.is_workday(day):
            found += 1
    return day
