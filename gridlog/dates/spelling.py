"""The text of a date phrase in the one spelling the parser's rules know.

English is rewritten into Chinese (`dates.english`) and Chinese numerals into digits
(`dates.numerals`); then what people type around a date and which names no day is
taken out: commas and spaces inside it (二零一六年，九月三号, 2016年 2月 5日), 的, the
words of a notice (限期…整改, 截至, 月底前完成), approximations (5点多钟, 中秋节前后), a
weekday written beside its date; and what is said several ways gets one spelling
(上一周 -> 上周, 3月份 -> 3月, 月尾 -> 月底, 近30天 -> 30天前, 去年今天 -> 1年前).

Every pattern is compiled the first time a phrase needs it, most only when the text
holds their words: the CLI imports this module on every run.
"""

from __future__ import annotations

import re
from functools import partial
from itertools import pairwise

from gridlog.dates.numerals import cn_numerals_to_digits
from gridlog.dates.text import sub

__all__ = ["WEEK", "canonical"]

WEEK = "周|星期|礼拜"
_DIGITS = "0123456789"  # re.ASCII's \d

_ISO_T = r"(?<=\d)t(?=\d)"
_EVENING_THEN_TIME = r"([今明昨当])([早晚])(?!上|间)"
# Words around a deadline that name no day: 限期7日内整改, 自即日起15日内完成,
# 截至3月15日, 于月底前完成.
_DEADLINE_WORDS = (
    r"^(?:限期?|于|在|截至|截止(?:到|至)?|(?:自|从)?(?:今天|今日|即日|本日|当日|通知之日)起)"
    r"|(?:整改到位|整改完毕|整改|完成|完毕|办结|答复|回复|处理|解决|落实|上报|办理|反馈"
    r"|提交|到期|截止|整治|清理|拆除)+$"
)
_DEADLINE_CHARS = "限于在截起成改毕结复理决实报办馈交期止治除"
# 月底前, 3月15日前, 周五之前, 国庆节前: by that day, which is the due date. Not
# after a count: 3天前, 两周前 and 两个周四前 are days ago.
_BEFORE_A_DAY = (
    r"([底末旬号节夕旦秋庆午点]|月\d{1,2}日|(?<!\d个)(?:周|星期|礼拜)[1-6日天])"
    r"(?:之|以)?前$"
)


def _typed(text: str) -> str:
    """What phones and WPS put inside a date, taken out: commas (二零一六年，九月三号)
    and 的 (下周的周六); 廿 and 卅 spelled out (腊月廿三)."""
    text = text.replace(",", " ").replace("、", " ").replace("的", "")
    if "廿" in text or "卅" in text:
        text = text.replace("廿", "二十").replace("卅", "三十")
    return " ".join(text.split())


# 近30天, 最近两周, 过去3个月 (since then) and 未来7天, 今后两周 (until then).
_UNIT_COUNT = r"(\d+)(天|日|个?(?:周|星期|礼拜)|个?月|年|个?小时|分钟)"
_LOOKING = (
    (rf"^(?:最近|近|过去|前)的?{_UNIT_COUNT}(?:来|以来|内|里|之内)?$", "前"),
    (rf"^(?:未来|今后|接下来|往后)的?{_UNIT_COUNT}(?:内|里|之内)?$", "后"),
)


def _count_of(m: re.Match[str], direction: str) -> str:
    """近3月 -> 3个月前: a count of months is said with 个 in the rules."""
    unit = "个月" if m[2] == "月" else m[2]
    return f"{m[1]}{unit}{direction}"


def _approximate(text: str) -> str:
    """下午3点左右, 5点多钟, 8点许, 中秋节前后: about that day or hour is that day or
    hour; 近30天 is 30天前, 未来7天 is 7天后."""
    if text.endswith(("左右", "前后", "上下", "许")):
        text = sub(r"(?:左右|前后|上下|许)$", "", text)
    if "点多" in text:
        text = text.replace("点多", "点")
    if text[:1] in "最近过前未今接往":
        for pattern, direction in _LOOKING:
            text = sub(pattern, partial(_count_of, direction=direction), text)
    return text


def _glued(text: str) -> str:
    """2016年 2月 5日 -> 2016年2月5日, 2008 年 -> 2008年, 近 3 年 -> 近3年 (once
    numerals are digits): a space beside a Chinese character says nothing. One
    between two numbers stays: 3月15 8点 is not 3月158点."""
    if " " not in text:
        return text
    return sub(
        r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f\d]|\d)|(?<=\d) +(?=[^\x00-\x7f])", "", text
    )


def _colloquial(text: str) -> str:
    """One spelling for what is said several ways: 上一周 -> 上周, 上一个月 -> 上个月,
    下周周六 -> 下周6, 十二月月底 -> 12月底, 3月份 -> 3月, 本年度 -> 本年. The
    patterns are compiled only when their words are there: this runs on every
    phrase."""
    if any(f"{which}1" in text for which in "上下这本"):
        text = sub(r"([上下这本])1(个?)(?=周|星期|礼拜|月|年|工作日)", r"\1\2", text)
    if sum(text.count(word) for word in ("周", "星期", "礼拜")) > 1:
        text = sub(rf"({WEEK})(?:{WEEK})(?=[1-6日天])", r"\1", text)
    if "月份" in text or "月月" in text:
        text = sub(r"月份|月月(?=[初中底末上下])", "月", text)
    if "头" in text or "尾" in text:  # 月头, 年尾 (said in the south)
        text = sub(r"(?<=[月年])头", "初", sub(r"(?<=[月年])尾", "底", text))
    if "半年" in text:  # 下半年 is this year's
        text = sub(r"(?<![年\d])(?=[上下]半年)", "今年", text)
    if "当" in text or "次" in text or "同" in text:  # 当月, 同月; 次年 is the next
        text = sub(r"[当同](?=[月年周])", "本", text).replace("次年", "明年")
    if text.endswith("今天"):  # 去年今天, 下个月的今天, 1个月后的今天
        text = sub(r"(?<=[后前])今天$", "", text)
        text = sub(
            r"^(?:去年|明年|前年|后年|[上下]个?月|[上下]周)今天$", _same_day, text
        )
    text = text.replace("伊始", "初").replace("年度", "年").replace("首季度", "1季度")
    text = text.replace("首月", "1月")
    if "半" in text:  # 两个半月 -> 2个月15天, 一年半 -> 1年6个月 (a count and a half)
        text = sub(
            r"(\d+)个半月", r"\g<1>个月15天", sub(r"(\d+)年半", r"\g<1>年6个月", text)
        )
    if "今" in text:  # 今个星期三, 今礼拜二, 今个月 (Cantonese): this week's, month's
        text = sub(r"今个?(?=周|星期|礼拜)|今个(?=月)", "这个", text)
    return text


_SAME_DAY = {"去年": "1年前", "明年": "1年后", "前年": "2年前", "后年": "2年后"}
_SAME_DAY |= {"上月": "1个月前", "下月": "1个月后", "上周": "1周前", "下周": "1周后"}


def _same_day(m: re.Match[str]) -> str:
    """去年今天 -> 1年前: this day a year (month, week) away."""
    return _SAME_DAY[m[0].removesuffix("今天").replace("个", "")]


def _without_weekday(text: str) -> str:
    """2019年3月15日（星期五）, 周日, 2月10号: the date says the day, the weekday
    written beside it adds nothing."""
    if not any(word in text for word in ("周", "星期", "礼拜")):
        return text
    if "日" in text or "号" in text:
        text = sub(rf"(?<=[日号]) ?\(?(?:{WEEK})[1-6日天]\)?(?=$| |\D)", "", text)
    if "月" not in text:
        return text
    return sub(rf"^(?:{WEEK})[1-6日天] ?(?=(?:\d+年)?\d+月\d+[日号]?$)", "", text)


def _weekday_before_digit(text: str) -> bool:
    """Could a weekday be glued to a number after it (下周19:00)? A word for week,
    and a 1-6, 日 or 天 right before a digit."""
    if not any(word in text for word in ("周", "星期", "礼拜")):
        return False
    pairs = pairwise(text)
    return any(day in "123456日天" and after in _DIGITS for day, after in pairs)


def canonical(text: str) -> str:
    """The normalised text in the only spelling the rules below know. Each pattern
    runs only when the text holds what it needs (`下周一` needs none of them)."""
    text = _typed(text)
    if any("a" <= c <= "z" for c in text):  # else nothing English to rewrite
        from gridlog.dates.english import english_to_chinese

        text = english_to_chinese(text)
    text = _glued(cn_numerals_to_digits(text))
    if any(c in text for c in _DEADLINE_CHARS):
        text = sub(_DEADLINE_WORDS, "", text)
    if text.endswith("前"):
        text = sub(_BEFORE_A_DAY, r"\1", text)
    text = _without_weekday(_colloquial(_approximate(text)))
    if "t" in text:  # 2019-03-14T08:10 is a date part and a time part
        text = sub(_ISO_T, " ", text)
    # 下周一9:00 became 下周19:00: keep the weekday apart from the clock after it.
    if _weekday_before_digit(text):
        text = sub(rf"((?:{WEEK})[1-6日天])(?=\d)", r"\1 ", text)
    # 今晚8点 is 20:00, not 08:00: read it as 今天晚上8点 (and 明早9点 as 明天早上9点).
    if "早" in text or "晚" in text:
        text = sub(_EVENING_THEN_TIME, lambda m: f"{m[1]}天{m[2]}上", text)
    return text
