"""How many day-naming phrases of the kinds in issue 15 gridlog reads right: phrases
written the way the peer parsers' own test corpora write them (duckling, Microsoft
Recognizers-Text, JioNLP, chrono, dateparser), each with the corpus's reference time,
the side it resolves to (duckling leans to the future; Recognizers gives both, and
the past one is taken where gridlog's due dates keep a recent day), and the day the
corpus expects. Prints the share read right, by kind and in all, and every miss.

    python benchmarks/date_phrases.py [-v]

Only day-naming phrases are here: spans with two ends ("6月12号到7月3号"), sets
("每周一") and times of day alone are other kinds. Where a corpus answers a span for
a phrase gridlog reads as one day, the day is the one gridlog documents (a period's
first day, a deadline's last), and the phrase is kept only when that day is the
corpus's own start or end.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from gridlog.dates.phrases import parse_when
from gridlog.errors import GridlogError

ZONE = ZoneInfo("Asia/Shanghai")
DUCKLING = datetime(2013, 2, 12, 4, 30, tzinfo=ZONE)  # a Tuesday
RECOGNIZERS = datetime(2017, 3, 22, 0, 0, tzinfo=ZONE)  # a Wednesday
JIO = datetime(2021, 6, 23, 10, 0, tzinfo=ZONE)  # a Wednesday
CHRONO = datetime(2012, 8, 10, 12, 0, tzinfo=ZONE)  # a Friday
DATEPARSER = datetime(2015, 6, 1, 9, 0, tzinfo=ZONE)  # a Monday

# (kind, reference, prefer, phrase, expected day[, expected time])
Case = tuple
CASES: list[Case] = [
    # 1. deadlines within a span: the span's last day
    ("deadline", JIO, "future", "七日内", date(2021, 6, 30)),
    ("deadline", JIO, "future", "7天内", date(2021, 6, 30)),
    ("deadline", JIO, "future", "三日内", date(2021, 6, 26)),
    ("deadline", JIO, "future", "十日内", date(2021, 7, 3)),
    ("deadline", JIO, "future", "15日内", date(2021, 7, 8)),
    ("deadline", JIO, "future", "三十日内", date(2021, 7, 23)),
    ("deadline", JIO, "future", "两个礼拜内", date(2021, 7, 7)),
    ("deadline", JIO, "future", "两周内", date(2021, 7, 7)),
    ("deadline", JIO, "future", "一周之内", date(2021, 6, 30)),
    ("deadline", JIO, "future", "1个月之内", date(2021, 7, 23)),
    ("deadline", JIO, "future", "三个月内", date(2021, 9, 23)),
    ("deadline", JIO, "future", "半个月内", date(2021, 7, 8)),
    ("deadline", JIO, "future", "半年内", date(2021, 12, 23)),
    ("deadline", JIO, "future", "一年内", date(2022, 6, 23)),
    ("deadline", JIO, "future", "限期7日内", date(2021, 6, 30)),
    ("deadline", JIO, "future", "限期7日内整改", date(2021, 6, 30)),
    ("deadline", JIO, "future", "限期十五日内整改完毕", date(2021, 7, 8)),
    ("deadline", JIO, "future", "自即日起30日内", date(2021, 7, 23)),
    ("deadline", JIO, "future", "本周内", date(2021, 6, 27)),
    ("deadline", JIO, "future", "本月内", date(2021, 6, 30)),
    ("deadline", JIO, "future", "今年内", date(2021, 12, 31)),
    ("deadline", JIO, "future", "月底前", date(2021, 6, 30)),
    ("deadline", JIO, "future", "月底前完成", date(2021, 6, 30)),
    ("deadline", JIO, "future", "7月15日前", date(2021, 7, 15)),
    ("deadline", JIO, "future", "截至7月1日", date(2021, 7, 1)),
    ("deadline", JIO, "future", "下周五之前", date(2021, 7, 2)),
    ("deadline", DATEPARSER, "future", "within 7 days", date(2015, 6, 8)),
    ("deadline", DATEPARSER, "future", "within two weeks", date(2015, 6, 15)),
    # 2. working days, on the official calendar
    ("working days", JIO, "future", "3个工作日内", date(2021, 6, 28)),
    ("working days", JIO, "future", "5个工作日后", date(2021, 6, 30)),
    ("working days", JIO, "future", "十个工作日内", date(2021, 7, 7)),
    ("working days", JIO, "future", "下一个工作日", date(2021, 6, 24)),
    # Fri 30 Sep 2022: 1-7 October off, Sat 8 and Sun 9 October worked (调休)
    (
        "working days",
        datetime(2022, 9, 30, tzinfo=ZONE),
        "future",
        "3个工作日内",
        date(2022, 10, 10),
    ),
    (
        "working days",
        datetime(2022, 9, 30, tzinfo=ZONE),
        "future",
        "1个工作日后",
        date(2022, 10, 8),
    ),
    # Thu 9 Feb 2023 -> Fri 10, Mon 13, Tue 14
    (
        "working days",
        datetime(2023, 2, 9, tzinfo=ZONE),
        "future",
        "三个工作日内",
        date(2023, 2, 14),
    ),
    ("working days", DATEPARSER, "future", "in 3 business days", date(2015, 6, 4)),
    # 3. holidays (duckling leans to the future)
    ("holidays", DUCKLING, "future", "元旦", date(2014, 1, 1)),
    ("holidays", DUCKLING, "future", "元旦节", date(2014, 1, 1)),
    ("holidays", DUCKLING, "future", "阳历新年", date(2014, 1, 1)),
    ("holidays", DUCKLING, "future", "妇女节", date(2013, 3, 8)),
    ("holidays", DUCKLING, "future", "劳动节", date(2013, 5, 1)),
    ("holidays", DUCKLING, "future", "五一国际劳动节", date(2013, 5, 1)),
    ("holidays", DUCKLING, "future", "儿童节", date(2013, 6, 1)),
    ("holidays", DUCKLING, "future", "国际儿童节", date(2013, 6, 1)),
    ("holidays", DUCKLING, "future", "建军节", date(2013, 8, 1)),
    ("holidays", DUCKLING, "future", "八一建軍節", date(2013, 8, 1)),
    ("holidays", DUCKLING, "future", "圣诞节", date(2013, 12, 25)),
    ("holidays", DUCKLING, "future", "聖誕", date(2013, 12, 25)),
    ("holidays", DUCKLING, "future", "愚人节", date(2013, 4, 1)),
    ("holidays", DUCKLING, "future", "万圣节", date(2013, 10, 31)),
    ("holidays", DUCKLING, "future", "情人节", date(2013, 2, 14)),
    ("holidays", DUCKLING, "future", "春节", date(2014, 1, 31)),
    ("holidays", DUCKLING, "future", "农历新年", date(2014, 1, 31)),
    ("holidays", DUCKLING, "future", "新春", date(2014, 1, 31)),
    ("holidays", DUCKLING, "future", "三一五", date(2013, 3, 15)),
    (
        "holidays",
        DUCKLING,
        "future",
        "儿童节下午三点十五",
        date(2013, 6, 1),
        time(15, 15),
    ),
    ("holidays", JIO, "future", "国庆", date(2021, 10, 1)),
    ("holidays", JIO, "future", "国庆节", date(2021, 10, 1)),
    ("holidays", JIO, "future", "中秋", date(2021, 9, 21)),
    ("holidays", JIO, "future", "中秋节", date(2021, 9, 21)),
    ("holidays", JIO, "future", "重阳节", date(2021, 10, 14)),
    ("holidays", JIO, "future", "七夕", date(2021, 8, 14)),
    ("holidays", JIO, "future", "教师节", date(2021, 9, 10)),
    ("holidays", JIO, "future", "除夕", date(2022, 1, 31)),
    ("holidays", JIO, "future", "明年春节", date(2022, 2, 1)),
    ("holidays", JIO, "future", "去年国庆", date(2020, 10, 1)),
    ("holidays", JIO, "past", "端午节", date(2021, 6, 14)),
    ("holidays", JIO, "past", "清明", date(2021, 4, 4)),
    ("holidays", JIO, "past", "今年春节", date(2021, 2, 12)),
    ("holidays", JIO, "future", "2022年清明节", date(2022, 4, 5)),
    ("holidays", JIO, "future", "母亲节", date(2022, 5, 8)),
    ("holidays", JIO, "future", "父亲节", date(2022, 6, 19)),
    ("holidays", JIO, "future", "国庆节前", date(2021, 10, 1)),
    ("holidays", DATEPARSER, "future", "christmas", date(2015, 12, 25)),
    ("holidays", DATEPARSER, "future", "national day", date(2015, 10, 1)),
    # 4. parts of a month, colloquial periods
    ("periods", JIO, "future", "上旬", date(2021, 6, 1)),
    ("periods", JIO, "future", "中旬", date(2021, 6, 11)),
    ("periods", JIO, "future", "下旬", date(2021, 6, 21)),
    ("periods", JIO, "future", "7月上旬", date(2021, 7, 1)),
    ("periods", JIO, "future", "八月中旬", date(2021, 8, 11)),
    ("periods", JIO, "future", "下个月下旬", date(2021, 7, 21)),
    ("periods", JIO, "future", "明年1月下旬", date(2022, 1, 21)),
    ("periods", DUCKLING, "future", "3月份", date(2013, 3, 1)),
    ("periods", DUCKLING, "future", "三月", date(2013, 3, 1)),
    ("periods", JIO, "future", "明年3月份", date(2022, 3, 1)),
    ("periods", DUCKLING, "future", "这一周", date(2013, 2, 11)),
    ("periods", DUCKLING, "future", "这周", date(2013, 2, 11)),
    ("periods", DUCKLING, "future", "这礼拜", date(2013, 2, 11)),
    ("periods", DUCKLING, "future", "上周", date(2013, 2, 4)),
    ("periods", DUCKLING, "future", "上个礼拜", date(2013, 2, 4)),
    ("periods", DUCKLING, "future", "下星期", date(2013, 2, 18)),
    ("periods", DUCKLING, "future", "下礼拜", date(2013, 2, 18)),
    ("periods", JIO, "future", "上一周", date(2021, 6, 14)),
    ("periods", JIO, "future", "下一周", date(2021, 6, 28)),
    ("periods", DUCKLING, "future", "上月", date(2013, 1, 1)),
    ("periods", DUCKLING, "future", "上个月", date(2013, 1, 1)),
    ("periods", JIO, "future", "上一个月", date(2021, 5, 1)),
    ("periods", DUCKLING, "future", "下个月", date(2013, 3, 1)),
    ("periods", DUCKLING, "future", "去年", date(2012, 1, 1)),
    ("periods", DUCKLING, "future", "上年", date(2012, 1, 1)),
    ("periods", DUCKLING, "future", "今年", date(2013, 1, 1)),
    ("periods", DUCKLING, "future", "这一年", date(2013, 1, 1)),
    ("periods", DUCKLING, "future", "明年", date(2014, 1, 1)),
    ("periods", DUCKLING, "future", "下年", date(2014, 1, 1)),
    ("periods", DUCKLING, "future", "前日", date(2013, 2, 10)),
    ("periods", DUCKLING, "future", "后日", date(2013, 2, 14)),
    ("periods", JIO, "future", "本日", date(2021, 6, 23)),
    ("periods", RECOGNIZERS, "future", "大后天", date(2017, 3, 25)),
    ("periods", RECOGNIZERS, "future", "大前天", date(2017, 3, 19)),
    ("periods", JIO, "future", "大大后天", date(2021, 6, 27)),
    ("periods", JIO, "future", "下周周六", date(2021, 7, 3)),
    ("periods", JIO, "future", "下周的周六", date(2021, 7, 3)),
    ("periods", JIO, "future", "下下周一", date(2021, 7, 5)),
    ("periods", JIO, "future", "下下个月10号", date(2021, 8, 10)),
    ("periods", JIO, "future", "十二月月底", date(2021, 12, 31)),
    ("periods", JIO, "future", "年底", date(2021, 12, 31)),
    ("periods", JIO, "future", "年初", date(2021, 1, 1)),
    ("periods", JIO, "future", "明年年初", date(2022, 1, 1)),
    ("periods", DUCKLING, "future", "三月頭", date(2013, 3, 1)),
    ("periods", DUCKLING, "future", "下個月頭", date(2013, 3, 1)),
    ("periods", JIO, "future", "月末", date(2021, 6, 30)),
    ("periods", JIO, "future", "第三季度", date(2021, 7, 1)),
    ("periods", JIO, "future", "二季度末", date(2021, 6, 30)),
    ("periods", JIO, "future", "下季度", date(2021, 7, 1)),
    ("periods", DUCKLING, "future", "十月第一个星期一", date(2013, 10, 7)),
    ("periods", DUCKLING, "future", "十月的第一個星期一", date(2013, 10, 7)),
    ("periods", RECOGNIZERS, "past", "本月十日", date(2017, 3, 10)),
    # the bare weekday, leaning to the corpus's side
    ("periods", DUCKLING, "future", "星期一", date(2013, 2, 18)),
    ("periods", DUCKLING, "future", "礼拜二", date(2013, 2, 12)),
    ("periods", DUCKLING, "future", "周三", date(2013, 2, 13)),
    ("periods", DUCKLING, "future", "週日", date(2013, 2, 17)),
    ("periods", RECOGNIZERS, "future", "星期一", date(2017, 3, 27)),
    ("periods", RECOGNIZERS, "past", "星期一", date(2017, 3, 20)),
    ("periods", RECOGNIZERS, "future", "礼拜日", date(2017, 3, 26)),
    ("periods", RECOGNIZERS, "past", "礼拜日", date(2017, 3, 19)),
    ("periods", RECOGNIZERS, "future", "这个星期一", date(2017, 3, 20)),
    ("periods", RECOGNIZERS, "future", "上周一", date(2017, 3, 13)),
    ("periods", DUCKLING, "future", "上週二", date(2013, 2, 5)),
    ("periods", DUCKLING, "future", "下禮拜二", date(2013, 2, 19)),
    ("periods", DUCKLING, "future", "上禮拜日", date(2013, 2, 10)),
    ("periods", RECOGNIZERS, "future", "12号", date(2017, 4, 12)),
    ("periods", RECOGNIZERS, "past", "12号", date(2017, 3, 12)),
    # 5. as typed on phones and in WPS
    ("typed", JIO, "past", "2016年 2月 5日", date(2016, 2, 5)),
    ("typed", JIO, "past", "2008 年", date(2008, 1, 1)),
    ("typed", JIO, "past", "二零一六年，九月三号", date(2016, 9, 3)),
    ("typed", JIO, "past", "2016年9月3日，下午3点", date(2016, 9, 3), time(15, 0)),
    ("typed", JIO, "past", "２０１６年９月３日", date(2016, 9, 3)),
    ("typed", JIO, "past", "２０１６－０９－０３", date(2016, 9, 3)),
    ("typed", RECOGNIZERS, "past", "两千零四年八月十五", date(2004, 8, 15)),
    ("typed", RECOGNIZERS, "past", "两千年八月十五", date(2000, 8, 15)),
    ("typed", RECOGNIZERS, "past", "二零零四年八月十五", date(2004, 8, 15)),
    ("typed", JIO, "past", "二千年", date(2000, 1, 1)),
    ("typed", RECOGNIZERS, "past", "2010 01 29", date(2010, 1, 29)),
    ("typed", RECOGNIZERS, "past", "2010.01.29", date(2010, 1, 29)),
    ("typed", RECOGNIZERS, "future", "10月12号，星期一", date(2017, 10, 12)),
    ("typed", RECOGNIZERS, "past", "2009年10月12号，星期一", date(2009, 10, 12)),
    ("typed", DUCKLING, "future", "周日, 二月十号", date(2013, 2, 10)),
    ("typed", DUCKLING, "future", "2015年三月3號", date(2015, 3, 3)),
    ("typed", DUCKLING, "future", "二零一五年三月三", date(2015, 3, 3)),
    ("typed", DUCKLING, "future", "今晚八點", date(2013, 2, 12), time(20, 0)),
    ("typed", DUCKLING, "future", "下午三點十五", date(2013, 2, 12), time(15, 15)),
    ("typed", JIO, "future", "晚8点", date(2021, 6, 23), time(20, 0)),
    ("typed", JIO, "future", "明天晚8点", date(2021, 6, 24), time(20, 0)),
    ("typed", JIO, "future", "八点零五", date(2021, 6, 23), time(8, 5)),
    ("typed", JIO, "future", "3点45分钟", date(2021, 6, 23), time(3, 45)),
    ("typed", JIO, "future", "周一晚上", date(2021, 6, 28), time(20, 0)),
    ("typed", JIO, "future", "三個禮拜後", date(2021, 7, 14)),
    ("typed", DUCKLING, "future", "兩天前", date(2013, 2, 10)),
    ("typed", DUCKLING, "future", "三天後", date(2013, 2, 15)),
    ("typed", DUCKLING, "future", "兩個月前", date(2012, 12, 12)),
    ("typed", DUCKLING, "future", "三個月之後", date(2013, 5, 12)),
    ("typed", DUCKLING, "future", "兩年之前", date(2011, 2, 12)),
    # 6. two-digit years
    ("two-digit years", JIO, "past", "98年4月", date(1998, 4, 1)),
    ("two-digit years", JIO, "past", "98年4月3日", date(1998, 4, 3)),
    ("two-digit years", JIO, "past", "05年", date(2005, 1, 1)),
    ("two-digit years", JIO, "past", "19年3月", date(2019, 3, 1)),
    ("two-digit years", JIO, "future", "22年3月", date(2022, 3, 1)),
    ("two-digit years", JIO, "future", "98年4月", date(1998, 4, 1)),
    ("two-digit years", JIO, "future", "21年12月31日", date(2021, 12, 31)),
    # 7. English
    ("English", DUCKLING, "future", "the day after tomorrow", date(2013, 2, 14)),
    ("English", DUCKLING, "future", "the day before yesterday", date(2013, 2, 10)),
    ("English", DUCKLING, "future", "day after tomorrow", date(2013, 2, 14)),
    ("English", DUCKLING, "future", "two days ago", date(2013, 2, 10)),
    ("English", DUCKLING, "future", "a week ago", date(2013, 2, 5)),
    ("English", DUCKLING, "future", "in two weeks", date(2013, 2, 26)),
    ("English", DUCKLING, "future", "two weeks from now", date(2013, 2, 26)),
    ("English", DUCKLING, "future", "in a week", date(2013, 2, 19)),
    ("English", DUCKLING, "future", "3 days from now", date(2013, 2, 15)),
    ("English", DUCKLING, "future", "in 3 months", date(2013, 5, 12)),
    ("English", DUCKLING, "future", "next week on friday", date(2013, 2, 22)),
    ("English", DUCKLING, "future", "friday next week", date(2013, 2, 22)),
    ("English", DUCKLING, "future", "wednesday of next week", date(2013, 2, 20)),
    ("English", DUCKLING, "future", "next tuesday", date(2013, 2, 19)),
    ("English", DUCKLING, "future", "this friday", date(2013, 2, 15)),
    ("English", DUCKLING, "future", "last wednesday", date(2013, 2, 6)),
    ("English", DUCKLING, "future", "monday", date(2013, 2, 18)),
    ("English", DUCKLING, "future", "Mon.", date(2013, 2, 18)),
    ("English", DUCKLING, "future", "march 3", date(2013, 3, 3)),
    ("English", DUCKLING, "future", "march 3rd", date(2013, 3, 3)),
    ("English", DUCKLING, "future", "3rd of march", date(2013, 3, 3)),
    ("English", DUCKLING, "future", "the 3rd of march", date(2013, 3, 3)),
    ("English", DUCKLING, "future", "March 2015", date(2015, 3, 1)),
    ("English", DUCKLING, "future", "the 1st of march", date(2013, 3, 1)),
    ("English", DUCKLING, "future", "the 20th of next month", date(2013, 3, 20)),
    ("English", DUCKLING, "future", "end of next month", date(2013, 3, 31)),
    ("English", DUCKLING, "future", "tomorrow at 5pm", date(2013, 2, 13), time(17, 0)),
    ("English", DUCKLING, "future", "christmas", date(2013, 12, 25)),
    ("English", CHRONO, "future", "Nov. 25, 2010", date(2010, 11, 25)),
    ("English", CHRONO, "future", "25th November, 2010", date(2010, 11, 25)),
    ("English", CHRONO, "future", "August 21th", date(2012, 8, 21)),
    ("English", CHRONO, "future", "10th of next month", date(2012, 9, 10)),
    ("English", CHRONO, "future", "next month on the 10th", date(2012, 9, 10)),
    ("English", CHRONO, "future", "3 months later", date(2012, 11, 10)),
    ("English", DATEPARSER, "past", "2 weeks ago", date(2015, 5, 18)),
    ("English", DATEPARSER, "past", "a month ago", date(2015, 5, 1)),
    ("English", DATEPARSER, "future", "in 2 days", date(2015, 6, 3)),
    ("English", DATEPARSER, "past", "3 March 2015", date(2015, 3, 3)),
    ("English", DATEPARSER, "future", "mid-june", date(2015, 6, 15)),
    ("English", DATEPARSER, "future", "this coming friday", date(2015, 6, 5)),
    ("English", DATEPARSER, "future", "last day of next month", date(2015, 7, 31)),
    # and the plain kinds every corpus has, so a gain above is no loss here
    ("plain", CHRONO, "future", "今日", date(2012, 8, 10)),
    ("plain", CHRONO, "future", "昨日", date(2012, 8, 9)),
    ("plain", CHRONO, "future", "明日", date(2012, 8, 11)),
    ("plain", CHRONO, "future", "下星期二", date(2012, 8, 14)),
    ("plain", CHRONO, "future", "上周五", date(2012, 8, 3)),
    ("plain", CHRONO, "future", "二零一二年八月十日", date(2012, 8, 10)),
    ("plain", CHRONO, "future", "八月十號", date(2012, 8, 10)),
    (
        "plain",
        CHRONO,
        "future",
        "2012年8月10日 下午3点",
        date(2012, 8, 10),
        time(15, 0),
    ),
    ("plain", CHRONO, "future", "明天早上8点", date(2012, 8, 11), time(8, 0)),
    ("plain", RECOGNIZERS, "past", "1987年1月11日", date(1987, 1, 11)),
    ("plain", RECOGNIZERS, "past", "1月19号", date(2017, 1, 19)),
    ("plain", RECOGNIZERS, "past", "2010/01/29", date(2010, 1, 29)),
    ("plain", DUCKLING, "future", "2/15", date(2013, 2, 15)),
    ("plain", DUCKLING, "future", "二月十五号", date(2013, 2, 15)),
    ("plain", DUCKLING, "future", "2015-3-3", date(2015, 3, 3)),
    ("plain", DATEPARSER, "past", "3天前", date(2015, 5, 29)),
    (
        "plain",
        DATEPARSER,
        "past",
        "2015年04月08日10点05",
        date(2015, 4, 8),
        time(10, 5),
    ),
]


def read(case: Case) -> tuple[bool, str]:
    """(right?, what gridlog read) for one case."""
    _, now, prefer, text, day, *clock = case
    try:
        found = parse_when(text, now, prefer)
    except GridlogError as refused:
        return False, f"refused ({refused.key})"
    right = found.day == day and (not clock or found.time == clock[0])
    shown = found.day.isoformat() + (f" {found.time:%H:%M}" if found.time else "")
    return right, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="every case")
    args = parser.parse_args()
    right_by_kind: Counter[str] = Counter()
    all_by_kind: Counter[str] = Counter()
    for case in CASES:
        kind, now, prefer, text, day, *clock = case
        right, shown = read(case)
        all_by_kind[kind] += 1
        right_by_kind[kind] += right
        if not right or args.verbose:
            mark = "ok  " if right else "MISS"
            expected = day.isoformat() + (f" {clock[0]:%H:%M}" if clock else "")
            print(
                f"{mark} {kind:16} {text!r} at {now:%Y-%m-%d} ({prefer}): "
                f"read {shown}, expected {expected}"
            )
    for kind, total in all_by_kind.items():
        print(f"{kind:16} {right_by_kind[kind]:3}/{total:3}")
    share = sum(right_by_kind.values()) / len(CASES)
    print(f"{'all':16} {sum(right_by_kind.values()):3}/{len(CASES):3} = {share:.1%}")
    sys.exit(0)


if __name__ == "__main__":
    main()
