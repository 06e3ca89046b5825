"""`parse_when` against one table of phrases, pinned to Thursday 2019-03-14 10:30 in
Shanghai; then `prefer`, the errors, and a property test that no string escapes as
anything but a GridlogError."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridlog.dates.phrases import EXAMPLES, PHRASES, When, parse_when
from gridlog.errors import GridlogError

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2019, 3, 14, 10, 30, 45, tzinfo=SHANGHAI)  # a Thursday
Prefer = Literal["past", "future"] | None


def on(month: int, day: int, hour: int | None = None, minute: int = 0) -> When:
    """A When in 2019 (the pinned year)."""
    return day_in(2019, month, day, hour, minute)


def day_in(
    year: int, month: int, day: int, hour: int | None = None, minute: int = 0
) -> When:
    clock = None if hour is None else time(hour, minute)
    return When(date(year, month, day), clock)


def today_at(hour: int, minute: int = 0) -> When:
    return on(3, 14, hour, minute)


PHRASE_TABLE: list[tuple[str, When]] = [
    # Found by using it, beyond the first table: weekends, parts of a day without an
    # hour, month ends, M/D as written in China, a weekday right before a clock.
    ("周末", on(3, 16)),
    ("本周末", on(3, 16)),
    ("下周末", on(3, 23)),
    ("今天下午", on(3, 14, 15)),
    ("明天上午", on(3, 15, 9)),
    ("明早", on(3, 15, 8)),
    ("明天中午", on(3, 15, 12)),
    ("今天晚上", on(3, 14, 20)),
    ("下周三上午", on(3, 20, 9)),
    ("下周一9:00", on(3, 18, 9)),
    ("周五下午3点", on(3, 15, 15)),
    ("10点钟", on(3, 14, 10)),
    ("3月底", on(3, 31)),
    ("2月底", on(2, 28)),
    ("4月初", on(4, 1)),
    ("明年3月底", day_in(2020, 3, 31)),
    ("3/15", on(3, 15)),
    ("3-15", on(3, 15)),
    # ISO and other year-first numeric dates
    ("2019-03-14", on(3, 14)),
    ("2019-03-14 08:10", on(3, 14, 8, 10)),
    ("2019-03-14T08:10", on(3, 14, 8, 10)),
    ("2019-03-14 08:10:30", on(3, 14, 8, 10)),
    ("2019-03-14T08:10:00+08:00", on(3, 14, 8, 10)),
    ("2019-03-14T08:10:00Z", on(3, 14, 16, 10)),
    ("2019-03-13T20:00:00-05:00", on(3, 14, 9, 0)),
    ("2019/3/14", on(3, 14)),
    ("2019.3.14", on(3, 14)),
    ("20190314", on(3, 14)),
    # a time alone is today
    ("08:27", today_at(8, 27)),
    ("8:27", today_at(8, 27)),
    ("8点", today_at(8)),
    ("8点10分", today_at(8, 10)),
    ("8点半", today_at(8, 30)),
    ("8时10分", today_at(8, 10)),
    ("八点一刻", today_at(8, 15)),
    ("上午9点", today_at(9)),
    ("早上8点", today_at(8)),
    ("中午12点", today_at(12)),
    ("下午3点", today_at(15)),
    ("下午3点半", today_at(15, 30)),
    ("晚上8点", today_at(20)),
    ("傍晚6点", today_at(18)),
    ("凌晨2点", today_at(2)),
    ("9am", today_at(9)),
    ("3pm", today_at(15)),
    ("3:30pm", today_at(15, 30)),
    ("12am", today_at(0)),
    ("noon", today_at(12)),
    # date and time, either order, with or without a space
    ("明天 9:00", on(3, 15, 9)),
    ("明天上午9点", on(3, 15, 9)),
    ("下周一 14:00", on(3, 18, 14)),
    ("2019年3月14日 8点10分", on(3, 14, 8, 10)),
    ("2019年3月14日8:10", on(3, 14, 8, 10)),
    ("3月15日 下午2点", on(3, 15, 14)),
    ("9:00 tomorrow", on(3, 15, 9)),
    ("下午2点 3月15日", on(3, 15, 14)),
    ("tomorrow 9am", on(3, 15, 9)),
    ("今晚8点", today_at(20)),
    ("tonight 9pm", today_at(21)),
    # relative
    ("+3d", on(3, 17)),
    ("+2w", on(3, 28)),
    ("+1m", on(4, 14)),
    ("+1y", day_in(2020, 3, 14)),
    ("-2d", on(3, 12)),
    ("+3", on(3, 17)),
    ("3天后", on(3, 17)),
    ("3日后", on(3, 17)),
    ("十天后", on(3, 24)),
    ("两周后", on(3, 28)),
    ("2星期后", on(3, 28)),
    ("3个月后", on(6, 14)),
    ("一年后", day_in(2020, 3, 14)),
    ("半个月后", on(3, 29)),
    ("3天前", on(3, 11)),
    ("两周前", on(2, 28)),
    ("10分钟后", today_at(10, 40)),
    ("2小时后", today_at(12, 30)),
    ("半小时后", today_at(11, 0)),
    ("in 3 days", on(3, 17)),
    ("3 days ago", on(3, 11)),
    ("in 2 weeks", on(3, 28)),
    ("in 1 month", on(4, 14)),
    # words
    ("now", today_at(10, 30)),
    ("现在", today_at(10, 30)),
    ("刚才", today_at(10, 30)),
    ("today", on(3, 14)),
    ("今天", on(3, 14)),
    ("今日", on(3, 14)),
    ("tomorrow", on(3, 15)),
    ("明天", on(3, 15)),
    ("明日", on(3, 15)),
    ("yesterday", on(3, 13)),
    ("昨天", on(3, 13)),
    ("昨日", on(3, 13)),
    ("后天", on(3, 16)),
    ("大后天", on(3, 17)),
    ("前天", on(3, 12)),
    ("tonight", today_at(20)),
    ("今晚", today_at(20)),
    ("明晚", on(3, 15, 20)),
    ("明晚8点", on(3, 15, 20)),
    ("明早9点", on(3, 15, 9)),
    # weekdays: this week runs Monday 3-11 to Sunday 3-17
    ("周五", on(3, 15)),
    ("星期五", on(3, 15)),
    ("礼拜五", on(3, 15)),
    ("本周五", on(3, 15)),
    ("这周五", on(3, 15)),
    ("这个星期五", on(3, 15)),
    ("周一", on(3, 11)),
    ("周日", on(3, 17)),
    ("周天", on(3, 17)),
    ("星期天", on(3, 17)),
    ("星期日", on(3, 17)),
    ("礼拜天", on(3, 17)),
    ("下周一", on(3, 18)),
    ("下周五", on(3, 22)),
    ("下周日", on(3, 24)),
    ("下星期一", on(3, 18)),
    ("下礼拜三", on(3, 20)),
    ("下个星期五", on(3, 22)),
    ("上周五", on(3, 8)),
    ("上星期五", on(3, 8)),
    ("下下周一", on(3, 25)),
    ("monday", on(3, 18)),
    ("mon", on(3, 18)),
    ("friday", on(3, 15)),
    ("fri", on(3, 15)),
    ("thursday", on(3, 21)),
    ("sunday", on(3, 17)),
    ("next monday", on(3, 18)),
    ("last friday", on(3, 8)),
    ("this friday", on(3, 15)),
    # periods mean their first day
    ("下周", on(3, 18)),
    ("next week", on(3, 18)),
    ("下个月", on(4, 1)),
    ("下月", on(4, 1)),
    ("next month", on(4, 1)),
    ("明年", day_in(2020, 1, 1)),
    ("next year", day_in(2020, 1, 1)),
    ("本月", on(3, 1)),
    ("这个月", on(3, 1)),
    ("月初", on(3, 1)),
    ("下月初", on(4, 1)),
    ("月中", on(3, 15)),
    ("月底", on(3, 31)),
    ("本月底", on(3, 31)),
    ("end of month", on(3, 31)),
    ("eom", on(3, 31)),
    ("下月底", on(4, 30)),
    ("下个月底", on(4, 30)),
    ("年底", on(12, 31)),
    ("年末", on(12, 31)),
    ("end of year", on(12, 31)),
    ("明年年底", day_in(2020, 12, 31)),
    # Chinese dates
    ("3月15日", on(3, 15)),
    ("3月15号", on(3, 15)),
    ("3月15", on(3, 15)),
    ("三月十五日", on(3, 15)),
    ("2019年3月14日", on(3, 14)),
    ("2019年3月14号", on(3, 14)),
    ("19年3月14日", on(3, 14)),
    ("２０１９年３月１４日", on(3, 14)),
    ("二〇一九年三月十四日", on(3, 14)),
    ("2020年3月", day_in(2020, 3, 1)),
    ("2020年", day_in(2020, 1, 1)),
    ("二〇二〇年", day_in(2020, 1, 1)),
    ("二零二零年", day_in(2020, 1, 1)),
    ("明年3月", day_in(2020, 3, 1)),
    ("明年3月15日", day_in(2020, 3, 15)),
    ("今年12月", on(12, 1)),
    ("去年10月", day_in(2018, 10, 1)),
    ("15日", on(3, 15)),
    ("15号", on(3, 15)),
    ("二十一日", on(3, 21)),
    ("2020", day_in(2020, 1, 1)),
    # case, width and spaces do not matter
    ("TOMORROW", on(3, 15)),
    ("Next Monday", on(3, 18)),
    ("2019-03-14t08:10z", on(3, 14, 16, 10)),
    ("  明天   9:00 ", on(3, 15, 9)),
    ("明天\u30009：00", on(3, 15, 9)),
    ("＋3d", on(3, 17)),
    ("IN 2 WEEKS", on(3, 28)),
]


# Issue 15: the kinds of phrase rectification notices, work plans and phones use, as
# the peers' corpora (duckling, Recognizers-Text, JioNLP, chrono, dateparser) have them.
KINDS_TABLE: list[tuple[str, When]] = [
    # 1. deadlines within a span: the last day of the span (today not counted)
    ("两个半月以内", on(5, 29)),
    ("一年半内", day_in(2020, 9, 14)),
    ("七日内", on(3, 21)),
    ("7天内", on(3, 21)),
    ("三日内", on(3, 17)),
    ("十日内", on(3, 24)),
    ("两个礼拜内", on(3, 28)),
    ("3周以内", on(4, 4)),
    ("1个月之内", on(4, 14)),
    ("半个月内", on(3, 29)),
    ("一年内", day_in(2020, 3, 14)),
    ("限期7日内", on(3, 21)),
    ("限期7日内整改", on(3, 21)),
    ("限15日内完成", on(3, 29)),
    ("月底前完成", on(3, 31)),
    ("于3月20日前整改到位", on(3, 20)),
    ("下周五之前", on(3, 22)),
    ("截至4月1日", on(4, 1)),
    ("本周内", on(3, 17)),
    ("本月内", on(3, 31)),
    ("今年内", on(12, 31)),
    ("24小时内", on(3, 15, 10, 30)),
    ("一个钟之内", today_at(11, 30)),
    ("3天过后", on(3, 17)),
    ("within 7 days", on(3, 21)),
    ("within a month", on(4, 14)),
    # 4. parts of a month, colloquial periods
    ("上旬", on(3, 1)),
    ("中旬", on(3, 11)),
    ("下旬", on(3, 21)),
    ("3月下旬", on(3, 21)),
    ("4月中旬", on(4, 11)),
    ("下月上旬", on(4, 1)),
    ("明年1月下旬", day_in(2020, 1, 21)),
    ("3月份", on(3, 1)),
    ("明年3月份", day_in(2020, 3, 1)),
    ("上一周", on(3, 4)),
    ("这一周", on(3, 11)),
    ("下一周", on(3, 18)),
    ("下一周的周三", on(3, 20)),
    ("上一个月", on(2, 1)),
    ("这一年", on(1, 1)),
    ("上年", day_in(2018, 1, 1)),
    ("下年", day_in(2020, 1, 1)),
    ("本年度", on(1, 1)),
    ("前日", on(3, 12)),
    ("本日", on(3, 14)),
    ("大大后天", on(3, 18)),
    ("大大前天", on(3, 10)),
    ("下周周六", on(3, 23)),
    ("下周的周六", on(3, 23)),
    ("十二月月底", on(12, 31)),
    ("上个月月底", on(2, 28)),
    ("年初", on(1, 1)),
    ("明年年初", day_in(2020, 1, 1)),
    ("年底", on(12, 31)),
    ("月尾", on(3, 31)),
    ("一季度", on(1, 1)),
    ("第三季度末", on(9, 30)),
    ("下个季度", on(4, 1)),
    ("十月第一个星期一", on(10, 7)),
    ("下个月第二个周五", on(4, 12)),
    ("下半年", on(7, 1)),
    ("明年上半年", day_in(2020, 1, 1)),
    ("当月", on(3, 1)),
    ("次年年末", day_in(2020, 12, 31)),
    ("近30天", on(2, 12)),
    ("最近两周", on(2, 28)),
    ("未来7天", on(3, 21)),
    ("2024年内", day_in(2024, 12, 31)),
    ("四月第2周", on(4, 8)),
    ("近 三 年", day_in(2016, 3, 14)),
    ("2019年首季度", on(1, 1)),
    ("Q3", on(7, 1)),
    ("近三月", day_in(2018, 12, 14)),
    ("2019年第一天", on(1, 1)),
    ("19年第2周", on(1, 14)),
    ("6·30", on(6, 30)),
    ("11/3号", on(11, 3)),
    ("下月15号下午6点前", on(4, 15, 18)),
    ("1年11个月前", day_in(2017, 4, 14)),
    ("2周3天后", on(3, 31)),
    ("去年的今天", day_in(2018, 3, 14)),
    ("1个月后的今天", on(4, 14)),
    ("10月最后一周", on(10, 21)),
    ("2020年第8个月", day_in(2020, 8, 1)),
    ("2018年倒数第3周", day_in(2018, 12, 10)),
    ("5月倒数第5天", on(5, 27)),
    ("晏晝三點零五", today_at(15, 5)),
    ("半夜11点", today_at(23)),
    ("半夜1点", today_at(1)),
    ("农历元宵", on(2, 19)),
    ("农历新年", on(2, 5)),
    ("正月朔日", on(2, 5)),
    ("上个春节", on(2, 5)),
    ("下个中秋", on(9, 13)),
    # the Nth weekday from today, and the last one of a month; weeks and months on
    ("下下下周", on(4, 1)),
    ("上上上个月", day_in(2018, 12, 1)),
    ("三个周五后", on(3, 29)),
    ("两个星期四以前", on(2, 28)),
    ("10月最后一个周五", on(10, 25)),
    # 5. as typed on phones and in WPS
    ("2016年 2月 5日", day_in(2016, 2, 5)),
    ("2008 年", day_in(2008, 1, 1)),
    ("二零一六年，九月三号", day_in(2016, 9, 3)),
    ("2016年2月5日，下午3点", day_in(2016, 2, 5, 15)),
    ("２０１６年２月５日", day_in(2016, 2, 5)),
    ("两千零四年", day_in(2004, 1, 1)),
    ("二千年", day_in(2000, 1, 1)),
    ("两千零一十九年三月十四日", on(3, 14)),
    ("晚8点", today_at(20)),
    ("早8点", today_at(8)),
    ("八点零五", today_at(8, 5)),
    ("八点零五分", today_at(8, 5)),
    ("3点45分钟", today_at(3, 45)),
    ("明天晚8点", on(3, 15, 20)),
    ("下午5点多钟", today_at(17)),
    ("晚上8点左右", today_at(20)),
    ("当晚十时", today_at(22)),
    ("一刻钟后", today_at(10, 45)),
    ("6月1日周六早上10点钟", on(6, 1, 10)),
    ("周一晚", on(3, 11, 20)),
    ("2019年3月15日（星期五）", on(3, 15)),
    ("周日, 二月十号", on(2, 10)),
    ("2010 01 29", day_in(2010, 1, 29)),
    ("下週一", on(3, 18)),
    ("三個禮拜後", on(4, 4)),
    ("俩礼拜后", on(3, 28)),
    ("聽日", on(3, 15)),
    ("今礼拜二", on(3, 12)),
    ("今個月廿號", on(3, 20)),
    # 7. English
    ("the day after tomorrow", on(3, 16)),
    ("day after tomorrow", on(3, 16)),
    ("the day before yesterday", on(3, 12)),
    ("two days ago", on(3, 12)),
    ("a week ago", on(3, 7)),
    ("in two weeks", on(3, 28)),
    ("two weeks from now", on(3, 28)),
    ("3 days later", on(3, 17)),
    ("next week on friday", on(3, 22)),
    ("next week friday", on(3, 22)),
    ("wednesday of next week", on(3, 20)),
    ("friday next week", on(3, 22)),
    ("friday of last week", on(3, 8)),
    ("march 3", on(3, 3)),
    ("march 3rd, 2020", day_in(2020, 3, 3)),
    ("3 march", on(3, 3)),
    ("the 3rd of march", on(3, 3)),
    ("Mar 15 2020", day_in(2020, 3, 15)),
    ("march 2020", day_in(2020, 3, 1)),
    ("the 20th of next month", on(4, 20)),
    ("on the 20th", on(3, 20)),
    ("end of next month", on(4, 30)),
    ("tomorrow morning", on(3, 15, 9)),
    ("tomorrow at 9am", on(3, 15, 9)),
    ("friday at 3pm", on(3, 15, 15)),
    ("this coming friday", on(3, 15)),
    ("Mon.", on(3, 18)),
    ("Nov. 25, 2010", day_in(2010, 11, 25)),
    ("25th November, 2010", day_in(2010, 11, 25)),
    ("mid-march", on(3, 15)),
    ("next month on the 10th", on(4, 10)),
    ("last day of next month", on(4, 30)),
    ("at 4 o'clock", today_at(4)),
    ("2 days after tomorrow", on(3, 17)),
    ("a week before yesterday", on(3, 6)),
    ("this weekend", on(3, 16)),
    ("Sun, Mar. 10, 2019", on(3, 10)),
    ("Aug 9, 96", day_in(1996, 8, 9)),
    ("last night", on(3, 13, 20)),
    ("On 24th", on(3, 24)),
    ("Tuesday 19th", on(3, 19)),
    ("the third day of october", on(10, 3)),
    ("last day of october 2015", day_in(2015, 10, 31)),
    ("31-Oct-74", day_in(1974, 10, 31)),
    ("last week's sunday", on(3, 10)),
    ("xmas", on(12, 25)),
    ("1 year 2 months ago", day_in(2018, 1, 14)),
    ("1 month and 21 days ago", on(1, 24)),
    # as the peers' own corpora write them (benchmarks/date_corpora.py)
    ("the following week", on(3, 18)),
    ("upcoming week", on(3, 18)),
    ("previous week", on(3, 4)),
    ("current year", on(1, 1)),
    ("next yr", day_in(2020, 1, 1)),
    ("3 fridays from now", on(3, 29)),
    ("two thursdays ago", on(2, 28)),
    ("2 mondays later", on(3, 25)),
    ("friday after next", on(3, 22)),
    ("first wednesday of october 2014", day_in(2014, 10, 1)),
    ("last friday of october", on(10, 25)),
    ("the first monday of the month", on(3, 4)),
    ("second sunday", on(3, 10)),
    ("the end of the month", on(3, 31)),
    ("at the beginning of the month", on(3, 1)),
    ("BOY", on(1, 1)),
    ("the next day", on(3, 15)),
    ("the day after tmrw", on(3, 16)),
    ("tomorrows", on(3, 15)),
    ("a few days ago", on(3, 11)),
    ("four days from yesterday", on(3, 17)),
    ("2 days before tomorrow", on(3, 13)),
    ("in march", on(3, 1)),
    ("during april", on(4, 1)),
    ("2019-sep-1", on(9, 1)),
    ("16. Nov. 2016", day_in(2016, 11, 16)),
    ("2 upcoming weeks", on(3, 25)),
    ("upcoming three months", on(6, 1)),
    ("two upcoming years", day_in(2021, 1, 1)),
    ("upcoming 2 days", on(3, 16)),
    ("last chinese new year", on(2, 5)),
    ("next mid-autumn festival", on(9, 13)),
    ("the last day", on(3, 13)),
    ("march in a year", day_in(2020, 3, 1)),
    ("last week of september 2014", day_in(2014, 9, 22)),
    ("the 2nd last week of october 2018", day_in(2018, 10, 15)),
    ("third last week of 2018", day_in(2018, 12, 10)),
    ("fifth last day of may", on(5, 27)),
    ("within 1 year 2 months 3 days", day_in(2020, 5, 17)),
    ("within the upcoming 2 months 1 day", on(5, 15)),
    ("within 2 weeks from today", on(3, 28)),
    ("first week of october 2014", day_in(2014, 10, 6)),
    ("september the twenty-first nineteen seventy eight", day_in(1978, 9, 21)),
    ("tenth of september, two thousand", day_in(2000, 9, 10)),
    ("jan twenty one two thousand and eighteen", day_in(2018, 1, 21)),
    ("september 10, nineteen zero one", day_in(1901, 9, 10)),
]


@pytest.mark.parametrize(("text", "expected"), KINDS_TABLE)
def test_phrase_of_the_kinds_people_write(text: str, expected: When) -> None:
    assert parse_when(text, NOW) == expected


# 6. Two-digit years: looked back on, the last such year; as a due date, the coming
# one within fifty years, else the last (never 2098).
@pytest.mark.parametrize(
    ("text", "prefer", "expected"),
    [
        ("98年4月", "past", day_in(1998, 4, 1)),
        ("98年4月", "future", day_in(1998, 4, 1)),
        ("98年4月", None, day_in(1998, 4, 1)),
        ("98年4月3日", "past", day_in(1998, 4, 3)),
        ("05年", "past", day_in(2005, 1, 1)),
        ("20年3月", "future", day_in(2020, 3, 1)),
        ("20年3月", None, day_in(2020, 3, 1)),
        ("20年3月", "past", day_in(1920, 3, 1)),
        ("18年", "future", day_in(2018, 1, 1)),
        ("19年3月14日", "past", on(3, 14)),
        ("19年3月14日", "future", on(3, 14)),
    ],
)
def test_two_digit_years(text: str, prefer: Prefer, expected: When) -> None:
    assert parse_when(text, NOW, prefer) == expected


# 2. Working days on the official calendar, 调休 included; 3. holidays, the lunar
# ones too. Each with the day it is said on.
CALENDAR_TABLE: list[tuple[datetime, str, Prefer, When]] = [
    (NOW, "3个工作日内", None, on(3, 19)),  # Thu: Fri, Mon, Tue
    (NOW, "5个工作日后", None, on(3, 21)),
    (NOW, "三个工作日之内", None, on(3, 19)),
    (NOW, "下个工作日", None, on(3, 15)),
    (NOW, "下一个工作日", None, on(3, 15)),
    (NOW, "within 3 working days", None, on(3, 19)),
    (NOW, "in 5 business days", None, on(3, 21)),
    # Fri 27 Sep 2019: Sunday the 29th is a working day (调休), 1-7 October are not.
    (
        datetime(2019, 9, 27, 9, tzinfo=SHANGHAI),
        "3个工作日内",
        None,
        day_in(2019, 10, 8),
    ),
    (
        datetime(2019, 9, 27, 9, tzinfo=SHANGHAI),
        "1个工作日内",
        None,
        day_in(2019, 9, 29),
    ),
    (NOW, "元旦", None, on(1, 1)),
    (NOW, "元旦", "future", day_in(2020, 1, 1)),
    (NOW, "春节", None, on(2, 5)),
    (NOW, "春节", "future", day_in(2020, 1, 25)),
    (NOW, "明年春节", None, day_in(2020, 1, 25)),
    (NOW, "去年春节", None, day_in(2018, 2, 16)),
    (NOW, "除夕", None, on(2, 4)),
    (NOW, "大年三十", None, on(2, 4)),
    (NOW, "清明", None, on(4, 5)),
    (NOW, "清明节", "past", day_in(2018, 4, 5)),
    (NOW, "五一", None, on(5, 1)),
    (NOW, "劳动节", None, on(5, 1)),
    (NOW, "端午节", None, on(6, 7)),
    (NOW, "中秋", None, on(9, 13)),
    (NOW, "明年中秋节", None, day_in(2020, 10, 1)),
    (NOW, "国庆", None, on(10, 1)),
    (NOW, "去年国庆节", None, day_in(2018, 10, 1)),
    (NOW, "儿童节", None, on(6, 1)),
    (NOW, "妇女节", None, on(3, 8)),
    (NOW, "妇女节", "future", day_in(2020, 3, 8)),
    (NOW, "教师节", None, on(9, 10)),
    (NOW, "重阳", None, on(10, 7)),
    (NOW, "重阳节", None, on(10, 7)),
    (NOW, "2020年春节", None, day_in(2020, 1, 25)),
    (NOW, "中秋 晚上8点", None, on(9, 13, 20)),
    (NOW, "national day", None, on(10, 1)),
    (NOW, "五一国际劳动节", None, on(5, 1)),
    (NOW, "國慶節", None, on(10, 1)),
    (NOW, "母亲节", None, on(5, 12)),
    (NOW, "中秋节前后", None, on(9, 13)),
    (NOW, "冬至", None, on(12, 22)),
    (NOW, "腊八", "future", day_in(2020, 1, 2)),
    (NOW, "全国消防日", None, on(11, 9)),
    (NOW, "双十一", None, on(11, 11)),
    # lunar dates, as older residents give their birthdays
    (NOW, "农历八月十五", None, on(9, 13)),
    (NOW, "正月十五", None, on(2, 19)),
    (NOW, "腊月廿三", None, day_in(2020, 1, 17)),
    (NOW, "大年初五", None, on(2, 9)),
    (NOW, "1991年农历8月23号", None, day_in(1991, 9, 30)),
    (NOW, "农历正月十五", "future", day_in(2020, 2, 8)),
    (NOW, "感恩节", None, on(11, 28)),
    (NOW, "mid-autumn festival", None, on(9, 13)),
]


@pytest.mark.parametrize(("now", "text", "prefer", "expected"), CALENDAR_TABLE)
def test_working_days_and_holidays(
    now: datetime, text: str, prefer: Prefer, expected: When
) -> None:
    assert parse_when(text, now, prefer) == expected


@pytest.mark.parametrize(
    ("now", "text", "package"),
    [
        (datetime(2040, 3, 14, tzinfo=SHANGHAI), "3个工作日内", "chinesecalendar"),
        (datetime(2040, 3, 14, tzinfo=SHANGHAI), "下个工作日", "chinesecalendar"),
        (NOW, "2100年春节", "lunardate"),
        (NOW, "1850年中秋", "lunardate"),
        (NOW, "2150年清明", "chinesecalendar"),
    ],
)
def test_a_date_beyond_the_calendar_is_refused_in_so_many_words(
    now: datetime, text: str, package: str
) -> None:
    with pytest.raises(GridlogError) as caught:
        parse_when(text, now)
    assert caught.value.key == "date.beyond_calendar"
    assert caught.value.params["text"] == text
    assert caught.value.params["package"] == package


@pytest.mark.usefixtures("red_grids")
@pytest.mark.parametrize(
    ("lang", "says"), [("en", "beyond the years"), ("zh", "超出了日历所知的年份")]
)
def test_working_days_beyond_the_calendar_are_refused_in_both_languages(
    gridlog, lang: str, says: str
):
    result = gridlog(
        "--lang",
        lang,
        "add",
        "整改",
        "--grid",
        "红四",
        "--follow-up",
        "3个工作日内",
        now="2040-03-14T09:00",
    )
    assert result.exit_code != 0
    assert says in result.stderr and "3个工作日内" in result.stderr
    assert "Traceback" not in result.output
    assert gridlog("log", "--json", now="2040-03-14T09:00").stdout.strip() == "[]"


@pytest.mark.parametrize(("text", "expected"), PHRASE_TABLE)
def test_phrase(text: str, expected: When) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (datetime(2019, 1, 31, tzinfo=SHANGHAI), "+1m", day_in(2019, 2, 28)),
        (datetime(2020, 1, 31, tzinfo=SHANGHAI), "+1m", day_in(2020, 2, 29)),
        (datetime(2020, 2, 29, tzinfo=SHANGHAI), "+1y", day_in(2021, 2, 28)),
        (datetime(2019, 3, 31, tzinfo=SHANGHAI), "-1m", day_in(2019, 2, 28)),
        (datetime(2019, 12, 31, tzinfo=SHANGHAI), "下个月", day_in(2020, 1, 1)),
        (datetime(2019, 12, 31, tzinfo=SHANGHAI), "下月底", day_in(2020, 1, 31)),
        (
            datetime(2019, 12, 31, 23, 50, tzinfo=SHANGHAI),
            "半小时后",
            day_in(2020, 1, 1, 0, 20),
        ),
        (datetime(2019, 3, 18, tzinfo=SHANGHAI), "周日", day_in(2019, 3, 24)),
        (datetime(2019, 3, 17, tzinfo=SHANGHAI), "下周一", day_in(2019, 3, 18)),
    ],
)
def test_calendar_edges(now: datetime, text: str, expected: When) -> None:
    assert parse_when(text, now) == expected


WINTER = datetime(2019, 12, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "text", "prefer", "expected"),
    [
        (WINTER, "1月5日", None, day_in(2019, 1, 5)),
        (WINTER, "1月5日", "future", day_in(2020, 1, 5)),
        (WINTER, "1月5日", "past", day_in(2019, 1, 5)),
        (NOW, "12月", None, on(12, 1)),
        (NOW, "12月", "future", on(12, 1)),
        (NOW, "12月", "past", day_in(2018, 12, 1)),
        (NOW, "3月", "future", on(3, 1)),  # the month holding today is not past
        (NOW, "3月15", "past", day_in(2018, 3, 15)),
        (NOW, "3月15", "future", on(3, 15)),
        (NOW, "3月11日", "future", on(3, 11)),  # typed in late: overdue, not 2020
        (NOW, "1月5日", "future", day_in(2019, 1, 5)),  # back-filling January
        (NOW, "12月10日", "future", on(12, 10)),
        (NOW, "11号", "future", on(3, 11)),  # three days late
        (NOW, "6号", "future", on(4, 6)),  # eight days back: next month's
        (NOW, "3月14日", "past", on(3, 14)),  # today itself never moves
        (NOW, "3月14日", "future", on(3, 14)),
        (NOW, "2月29日", "future", day_in(2020, 2, 29)),
        (NOW, "5号", None, on(3, 5)),
        (NOW, "5号", "future", on(4, 5)),
        (NOW, "20号", "past", on(2, 20)),
        (datetime(2019, 4, 5, tzinfo=SHANGHAI), "31号", "past", on(3, 31)),
        (datetime(2019, 4, 5, tzinfo=SHANGHAI), "31号", "future", on(5, 31)),
        (NOW, "monday", "past", on(3, 11)),
        (NOW, "thursday", "past", on(3, 7)),
        (NOW, "thursday", "future", on(3, 21)),
        # explicit years and relative words never move
        (WINTER, "2019年1月5日", "future", day_in(2019, 1, 5)),
        (NOW, "2019年12月1日", "past", on(12, 1)),
        (NOW, "昨天", "future", on(3, 13)),
        (NOW, "明天", "past", on(3, 15)),
        (NOW, "下月", "past", on(4, 1)),
        # A bare weekday: a due date means the coming one, a look back the last one;
        # today is today either way, and 这周一/下周一/上周五 never move.
        (NOW, "周一", "future", on(3, 18)),
        (NOW, "星期三", "future", on(3, 20)),
        (NOW, "周五", "future", on(3, 15)),
        (NOW, "周四", "future", on(3, 14)),
        (NOW, "周五", "past", on(3, 8)),
        (NOW, "礼拜天", "past", on(3, 10)),
        (NOW, "周一", "past", on(3, 11)),
        (NOW, "周四", "past", on(3, 14)),
        (NOW, "周一", None, on(3, 11)),
        (NOW, "周一 9:00", "future", on(3, 18, 9)),
        (NOW, "这周一", "future", on(3, 11)),
        (NOW, "本周五", "past", on(3, 15)),
        (NOW, "下周一", "past", on(3, 18)),
        (NOW, "上周五", "future", on(3, 8)),
    ],
)
def test_prefer(now: datetime, text: str, prefer: Prefer, expected: When) -> None:
    assert parse_when(text, now, prefer) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2023-02-29", "date.impossible"),
        ("2月30日", "date.impossible"),
        ("24:00", "date.impossible"),
        ("25点", "date.impossible"),
        ("13月1日", "date.impossible"),
        ("8:61", "date.impossible"),
        ("晚上12点", "date.impossible"),
        ("13pm", "date.impossible"),
        ("0号", "date.impossible"),
        ("2019-03-14 25:00", "date.impossible"),
        ("2019-02-30T08:00Z", "date.impossible"),
        ("99999年", "date.impossible"),
        ("+99999999999d", "date.impossible"),
        ("02/03/2024", "date.ambiguous"),
        ("3/2/2024", "date.ambiguous"),
        ("14.03.2019", "date.ambiguous"),
        ("02-03-24 10:00", "date.ambiguous"),
        ("", "date.invalid"),
        ("   ", "date.invalid"),
        ("banana", "date.invalid"),
        ("明天明天", "date.invalid"),
        ("下周八", "date.invalid"),
        ("+d", "date.invalid"),
        ("2019-03-14 08:10 extra", "date.invalid"),
        ("\x00", "date.invalid"),
        ("8", "date.invalid"),
        ("2月30日 banana", "date.invalid"),
        ("三五天后", "date.invalid"),
        ("限期整改", "date.invalid"),
        ("完成", "date.invalid"),
        ("的", "date.invalid"),
        (",", "date.invalid"),
        ("月15号", "date.invalid"),
        ("明天" * 40, "date.invalid"),
    ],
)
def test_errors(text: str, key: str) -> None:
    with pytest.raises(GridlogError) as caught:
        parse_when(text, NOW)
    assert caught.value.key == key
    assert caught.value.params == {"text": text}


def test_31st_in_a_30_day_month_without_prefer_is_impossible() -> None:
    with pytest.raises(GridlogError) as caught:
        parse_when("31号", datetime(2019, 4, 5, tzinfo=SHANGHAI))
    assert caught.value.key == "date.impossible"


def test_at_gives_an_aware_datetime_and_midnight_for_a_bare_day() -> None:
    assert on(3, 14, 8, 10).at(SHANGHAI) == datetime(
        2019, 3, 14, 8, 10, tzinfo=SHANGHAI
    )
    assert on(3, 15).at(UTC) == datetime(2019, 3, 15, tzinfo=UTC)


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("明天", datetime(2019, 3, 14, 10, 30))


@pytest.mark.parametrize("text", EXAMPLES)
def test_every_example_shown_to_users_parses(text: str) -> None:
    assert isinstance(parse_when(text, NOW), When)


@pytest.mark.parametrize(
    "text", [p.strip() for row in PHRASES for p in row[0].split(",")]
)
def test_every_documented_phrase_parses(text: str) -> None:
    assert isinstance(parse_when(text, NOW), When)


def test_importing_stays_light() -> None:
    code = (
        "import sys, gridlog.dates.phrases; "
        "print(sorted({'pendulum', 'dateutil'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# --- No string escapes as anything but a GridlogError. ------------------------------

TEXTS = [text for text, _ in PHRASE_TABLE + KINDS_TABLE] + [
    text for _, text, _, _ in CALENDAR_TABLE
]
FRAGMENTS = sorted(
    {piece for text in TEXTS for piece in re.findall(r"\d+|[a-z]+|.", text)}
    | set(TEXTS)
    | {
        " ",
        "\x00",
        "\ud800",
        "😀",
        "٣",
        "Ⅻ",
        "﷽",
        "\u3000",
        "99999999999",
        "99999",
        "0",
    }
    | {"+08:00", "T", "Z", "-", "/", ".", "十", "〇", "两", "半", "个", "号", "时"}
)
KEYS = {"date.invalid", "date.impossible", "date.ambiguous", "date.beyond_calendar"}
EDGE_NOWS = [
    NOW,
    datetime(1, 1, 1, 0, 5, tzinfo=SHANGHAI),
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, tzinfo=SHANGHAI),
    datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
]
glued = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)


@settings(max_examples=3000, deadline=None)
@given(
    text=st.one_of(st.text(), glued),
    now=st.sampled_from(EDGE_NOWS),
    prefer=st.sampled_from([None, "past", "future"]),
)
def test_nothing_but_gridlog_errors_escape(
    text: str, now: datetime, prefer: Prefer
) -> None:
    try:
        found = parse_when(text, now, prefer)
    except GridlogError as err:
        assert err.key in KEYS
        assert err.params["text"] == text
    else:
        assert type(found.day) is date
        assert found.time is None or type(found.time) is time
        assert found.time is None or (found.time.second, found.time.tzinfo) == (0, None)


# --- Through the command line: which way a bare weekday leans. ----------------------

WEDNESDAY = "2019-03-13T09:00"


def _added(gridlog, *args: str) -> dict:
    result = gridlog("add", "走访", "--grid", "红四", *args, "--json", now=WEDNESDAY)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.usefixtures("red_grids")
def test_a_bare_weekday_as_a_due_date_is_the_coming_one(gridlog):
    assert _added(gridlog, "--follow-up", "周一")["followup"]["due"] == "2019-03-18"
    assert _added(gridlog, "--remind", "星期二")["reminder"]["due"] == "2019-03-19"
    assert _added(gridlog, "--follow-up", "周五")["followup"]["due"] == "2019-03-15"
    assert _added(gridlog, "--follow-up", "这周一")["followup"]["due"] == "2019-03-11"


@pytest.mark.usefixtures("red_grids")
def test_a_bare_weekday_when_looking_back_is_the_last_one(gridlog):
    added = _added(gridlog, "--at", "周五 10:00")
    assert added["at"].startswith("2019-03-08T10:00")
    assert _added(gridlog, "--at", "周一")["at"].startswith("2019-03-11")


@pytest.mark.usefixtures("red_grids")
def test_snoozing_to_a_bare_weekday_that_has_passed_moves_to_the_coming_one(gridlog):
    item = _added(gridlog, "--follow-up", "明天")
    result = gridlog("snooze", str(item["id"]), "周一", now=WEDNESDAY)
    assert result.exit_code == 0, result.output
    shown = gridlog("show", str(item["id"]), "--json", now=WEDNESDAY)
    assert json.loads(shown.stdout)["due"] == "2019-03-18"


@pytest.mark.usefixtures("red_grids")
@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("限期7日内整改", "2019-03-20"),
        ("3个工作日内", "2019-03-18"),
        ("国庆节前", "2019-10-01"),
        ("下旬", "2019-03-21"),
        ("two weeks from now", "2019-03-27"),
    ],
)
def test_a_notice_s_deadline_is_a_follow_up_s_due_date(gridlog, phrase, due):
    assert _added(gridlog, "--follow-up", phrase)["followup"]["due"] == due


@pytest.mark.usefixtures("red_grids")
def test_a_two_digit_year_looked_back_on_is_last_century_s(gridlog):
    assert _added(gridlog, "--at", "98年4月3日 9:00")["at"].startswith("1998-04-03")


# --- A rule's quick test never hides a phrase its pattern reads. --------------------


def _parts(text: str) -> list[str]:
    """Every piece of `text` the parser hands a rule: the whole spelled text, and
    each side of each cut."""
    from gridlog.dates.phrases import _splits
    from gridlog.dates.spelling import canonical
    from gridlog.dates.text import normalise

    try:
        spelled = canonical(normalise(text))
    except GridlogError:
        return []
    return sorted({part for pair in _splits(spelled) for part in pair if part})


def _rules() -> list[tuple]:
    from gridlog.dates import phrases

    return [
        *phrases._WHOLE_RULES,
        *phrases._DATE_RULES,
        *phrases._RARE_DATE_RULES,
        *phrases._TIME_RULES,
    ]


def _skipped_though_read(text: str) -> list[tuple[str, str]]:
    """(pattern, part) for each part some rule's pattern reads while its quick test
    says it cannot."""
    return [
        (pattern, part)
        for part in _parts(text)
        for holds, pattern, _ in _rules()
        if re.fullmatch(pattern, part, re.ASCII) and not holds(part)
    ]


@pytest.mark.parametrize("text", sorted(set(TEXTS)))
def test_a_rule_s_quick_test_holds_for_every_phrase_it_reads(text: str) -> None:
    assert _skipped_though_read(text) == []


@settings(max_examples=500, deadline=None)
@given(text=glued)
def test_a_rule_s_quick_test_holds_for_any_glued_text(text: str) -> None:
    assert _skipped_though_read(text) == []
