"""English date phrases rewritten into their Chinese twins ("next monday" -> 下周1,
"in 3 days" -> 3天后, "march 3rd, 2020" -> 2020年3月3日, "the day after tomorrow" ->
后天), so that the parser's rules exist once.

The weekday names live in `dates.weekdays`: the one rule that has no Chinese twin
("friday", the next Friday after today) reads them itself. The patterns stay strings,
compiled on first use (`dates.text`); the parser imports this module only for a
phrase that holds English.
"""

from __future__ import annotations

import re
from functools import partial

from gridlog.dates.text import sub
from gridlog.dates.weekdays import EN_WEEKDAY, EN_WEEKDAYS

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMBERS = {
    word: n
    for n, word in enumerate(
        (
            *("one", "two", "three", "four", "five", "six"),
            *("seven", "eight", "nine", "ten", "eleven", "twelve"),
        ),
        start=1,
    )
} | {"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "fifteen": 15, "twenty": 20}
_NUMBERS |= {"a few": 3, "few": 3}  # as Recognizers reads "a few days ago"
_WHICH = {"next": "下", "this": "本", "last": "上", "coming": "下", "previous": "上"}
_WHICH["current"] = "本"
# Number words up to 31, cardinal and ordinal: "twenty-first" -> 21st, "two" -> 2.
_ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ONES_TH = ("first", "second", "third", "fourth", "fifth")
_ONES_TH += ("sixth", "seventh", "eighth", "ninth")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen")
_TEENS += ("seventeen", "eighteen", "nineteen")
_TEENS_TH = [
    "tenth",
    "eleventh",
    "twelfth",
    *(f"{word[:-1] if word.endswith('t') else word}th" for word in _TEENS[3:]),
]
_WORD_VALUES = {
    **{w: (n, "") for n, w in enumerate(_ONES, start=1)},
    **{w: (n, "th") for n, w in enumerate(_ONES_TH, start=1)},
    **{w: (n, "") for n, w in enumerate(_TEENS, start=10)},
    **{w: (n, "th") for n, w in enumerate(_TEENS_TH, start=10)},
    **{"twenty": (20, ""), "thirty": (30, ""), "twentieth": (20, "th")},
    "thirtieth": (30, "th"),
}
_EN_COUNT = "(\\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_EN_UNIT = (
    r"(working day|business day|workday|day|week|fortnight|month|year|minute|min"
    r"|hour|hr)s?"
)
_EN_UNITS_CN = {"day": "天", "week": "周", "month": "个月", "year": "年"}
_EN_UNITS_CN |= {"minute": "分钟", "min": "分钟", "hour": "小时", "hr": "小时"}
_EN_UNITS_CN |= dict.fromkeys(("working day", "business day", "workday"), "个工作日")
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?\b"
# on the 20th, the 27, 24th -> 20号
_THE_DAY = r"\b(?:on )?(?:the (\d{1,2})(?:st|nd|rd|th)?|(\d{1,2})(?:st|nd|rd|th))\b"
_EN_WORDS = {
    "now": "现在",
    "today": "今天",
    "tonight": "今晚",
    "tomorrow": "明天",
    "tmrw": "明天",
    "tmr": "明天",
    "yesterday": "昨天",
    "the day after tomorrow": "后天",
    "day after tomorrow": "后天",
    "the day before yesterday": "前天",
    "day before yesterday": "前天",
    "this morning": "今天上午",
    "this afternoon": "今天下午",
    "this evening": "今晚",
    "morning": "上午",
    "afternoon": "下午",
    "evening": "晚上",
    "night": "晚上",
    "noon": "中午12点",
    "midday": "中午12点",
    "midnight": "0点",
    "last night": "昨晚",
    "this weekend": "本周末",
    "next weekend": "下周末",
    "last weekend": "上周末",
    "weekend": "周末",
    "this quarter": "本季度",
    "next quarter": "下季度",
    "last quarter": "上季度",
    "end of the quarter": "季度末",
    "end of quarter": "季度末",
    "this week": "本周",
    "next week": "下周",
    "last week": "上周",
    "this month": "本月",
    "the month": "本月",
    "next month": "下月",
    "last month": "上月",
    "this year": "今年",
    "next year": "明年",
    "last year": "去年",
    "end of month": "月底",
    "last day of the month": "月底",
    "last day of this month": "月底",
    "last day of next month": "下月底",
    "1th day of next month": "下月初",
    "1th day of the month": "月初",
    "end of the month": "月底",
    "end of this month": "月底",
    "end of next month": "下月底",
    "end of last month": "上月底",
    "beginning of next month": "下月初",
    "start of next month": "下月初",
    "eom": "月底",
    "beginning of the month": "月初",
    "beginning of month": "月初",
    "start of the month": "月初",
    "start of month": "月初",
    "bom": "月初",
    "beginning of the year": "年初",
    "beginning of year": "年初",
    "start of the year": "年初",
    "start of year": "年初",
    "boy": "年初",
    "next day": "明天",
    "this day": "今天",
    "end of year": "年底",
    "end of the year": "年底",
    "end of this year": "年底",
    "end of next year": "明年年底",
    "eoy": "年底",
    "next working day": "下个工作日",
    "next business day": "下个工作日",
    "new year's day": "元旦",
    "new year's eve": "12月31日",
    "new years eve": "12月31日",
    "new year eve": "12月31日",
    "new years day": "元旦",
    "xmas": "圣诞节",
    "valentine day": "情人节",
    "chinese new year's day": "春节",
    "chinese lunar new year's day": "春节",
    "chinese lunar new year": "春节",
    "chinese new years": "春节",
    "new year": "元旦",
    "yuandan": "元旦",
    "thanksgiving day": "感恩节",
    "thanksgiving": "感恩节",
    "thanks giving day": "感恩节",
    "father's day": "父亲节",
    "mother's day": "母亲节",
    "halloween": "万圣节",
    "valentine's day": "情人节",
    "april fools' day": "愚人节",
    "april fool's day": "愚人节",
    "international workers' day": "劳动节",
    "int'l workers day": "劳动节",
    "spring festival": "春节",
    "chinese new year": "春节",
    "lunar new year": "春节",
    "qingming festival": "清明",
    "qingming": "清明",
    "tomb-sweeping day": "清明",
    "tomb sweeping day": "清明",
    "labour day": "劳动节",
    "may day": "劳动节",
    "dragon boat festival": "端午",
    "mid-autumn festival": "中秋",
    "mid autumn festival": "中秋",
    "national day": "国庆",
    "children's day": "儿童节",
    "women's day": "妇女节",
    "teachers' day": "教师节",
    "teacher's day": "教师节",
    "double ninth festival": "重阳",
    "christmas eve": "平安夜",
    "christmas day": "圣诞节",
    "christmas": "圣诞节",
}
# Word lists are looked up token by token, not through one alternation of every
# phrase: compiling that took 11 ms, on every run that read an English date.
_EN_WORDS_LONGEST = max(len(key.split()) for key in _EN_WORDS)
_MONTH_PART = {
    "beginning": "初",
    "start": "初",
    "early": "上旬",
    "mid": "中",
    "middle": "中",
    "late": "下旬",
    "end": "底",
}


_TENS = {
    word: 10 * n
    for n, word in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"),
        start=2,
    )
}
_ONES_RE = "|".join(_ONES)
_TWO_DIGITS_RE = (
    rf"(?:{'|'.join(_TEENS)}|(?:{'|'.join(_TENS)})(?:[ -](?:{_ONES_RE}))?"
    rf"|(?:zero|oh) (?:{_ONES_RE})|hundred)"
)


def _two_digits(words: str) -> int:
    """seventy eight -> 78, zero one -> 1, hundred -> 0, fifteen -> 15."""
    total = 0
    for word in words.replace("-", " ").split(" "):
        if word in _TENS:
            total += _TENS[word]
        elif word in _WORD_VALUES:
            total += _WORD_VALUES[word][0]
    return total


def _year_words(text: str) -> str:
    """nineteen seventy eight -> 1978, nineteen zero one -> 1901, two thousand and
    eighteen -> 2018: years said in words, as dictation software writes them."""
    if "thousand" in text:
        text = sub(
            rf"\btwo thousand(?:,? (?:and )?({_TWO_DIGITS_RE}|{_ONES_RE}))?\b",
            lambda m: str(2000 + (_two_digits(m[1]) if m[1] else 0)),
            text,
        )
    if any(word in text for word in ("eighteen ", "nineteen ", "twenty ")):
        text = sub(
            rf"\b(eighteen|nineteen|twenty) ({_TWO_DIGITS_RE})\b",
            lambda m: str(100 * _WORD_VALUES[m[1]][0] + _two_digits(m[2])),
            text,
        )
    return text


def _number_words(text: str) -> str:
    """twenty-first -> 21th (any suffix reads as an ordinal), seven -> 7."""
    words = text.replace("twenty-", "twenty ").replace("thirty-", "thirty ").split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        word, following = words[i], words[i + 1] if i + 1 < len(words) else ""
        if word in ("twenty", "thirty") and (
            following in _ONES or following in _ONES_TH
        ):
            ones, suffix = _WORD_VALUES[following]
            out.append(f"{_WORD_VALUES[word][0] + ones}{suffix}")
            i += 2
            continue
        if word in _WORD_VALUES:
            value, suffix = _WORD_VALUES[word]
            word = f"{value}{suffix}"
        out.append(word)
        i += 1
    return " ".join(out)


def _phrase_words(text: str) -> str:
    """tomorrow -> 明天, the day after tomorrow -> 后天: the longest phrase first."""
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_EN_WORDS_LONGEST, len(words) - i), 0, -1):
            said = _EN_WORDS.get(" ".join(words[i : i + n]))
            if said is not None:
                out.append(said)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def _number(word: str) -> str:
    return word if word.isdigit() else str(_NUMBERS[word])


def _day_first(m: re.Match[str]) -> str:
    """the 3rd of march 2020, 3 march -> 2020年3月3日"""
    year = f"{m[3]}年" if m[3] else ""
    return f"{year}{_MONTHS[m[2]]}月{m[1]}日"


def _month_first(m: re.Match[str]) -> str:
    """march 3rd, 2020 -> 2020年3月3日"""
    year = f"{m[3]}年" if m[3] else ""
    return f"{year}{_MONTHS[m[1]]}月{m[2]}日"


def _month_alone(m: re.Match[str]) -> str:
    """march 2020 -> 2020年3月; march -> 3月"""
    return f"{m[2]}年{_MONTHS[m[1]]}月" if m[2] else f"{_MONTHS[m[1]]}月"


def _part_of_month(m: re.Match[str]) -> str:
    """end of march -> 3月底; mid march -> 3月中; early march -> 3月上旬"""
    return f"{_MONTHS[m[2]]}月{_MONTH_PART[m[1]]}"


def _week_day(which: str, day: str) -> str:
    return f"{_WHICH[which]}周{'123456日'[EN_WEEKDAYS[day]]}"


def _count(m: re.Match[str], direction: str) -> str:
    """in two weeks -> 2周后; a fortnight -> 2周"""
    number, unit = int(_number(m[1])), m[2]
    if unit == "fortnight":
        number, unit = 2 * number, "week"
    return f"{number}{_EN_UNITS_CN[unit]}{direction}"


def _from_a_neighbour(m: re.Match[str]) -> str:
    """2 days after tomorrow -> 3天后; a week before yesterday -> 8天前; four days
    from yesterday -> 3天后."""
    count = int(_number(m[1])) * (7 if m[2] == "week" else 1)
    days = (1 if m[4] == "tomorrow" else -1) + (-count if m[3] == "before" else count)
    return f"{abs(days)}天{'后' if days > 0 else '前'}" if days else "今天"


def _parts(m: re.Match[str], direction: str | None = None) -> str:
    """1 year 2 months ago -> 1年2个月前; within 1 year 2 months -> 1年2个月内"""
    pairs = re.findall(rf"{_EN_COUNT} {_EN_UNIT}", m["parts"])
    said = "".join(f"{_number(n)}{_EN_UNITS_CN.get(u, u)}" for n, u in pairs)
    if direction:
        return said + direction
    return said + ("前" if m["dir"] in ("ago", "before", "earlier") else "后")


def _rewrite_counts(text: str) -> str:
    """in 3 days, 3 days from now, 3 days later -> 3天后; 3 days ago -> 3天前;
    within 3 days -> 3天内. Each pattern is compiled only when its words are there."""
    after = partial(_count, direction="后")
    if "within" in text:
        text = sub(
            rf"\bwithin (?P<parts>(?:{_EN_COUNT} {_EN_UNIT},? (?:and )?){{1,3}}"
            rf"{_EN_COUNT} {_EN_UNIT})(?: from (?:now|today))?\b",
            lambda m: _parts(m, "内"),
            text,
        )
        text = sub(
            rf"\bwithin {_EN_COUNT} {_EN_UNIT}(?: from (?:now|today))?\b",
            partial(_count, direction="内"),
            text,
        )
    if " and " in text or text.count(" ") > 3:  # 1 year, 2 months and 3 days ago
        text = sub(
            rf"\b(?P<parts>(?:{_EN_COUNT} {_EN_UNIT},? (?:and )?){{1,3}}"
            rf"{_EN_COUNT} {_EN_UNIT}) "
            r"(?P<dir>ago|before|earlier|later|from now|hence)\b",
            _parts,
            text,
        )
    if any(w in text for w in (" tomorrow", " yesterday")):
        text = sub(
            rf"\b{_EN_COUNT} (day|week)s? (after|from|before) (tomorrow|yesterday)\b",
            _from_a_neighbour,
            text,
        )
    if "in " in text:
        text = sub(rf"\bin {_EN_COUNT} {_EN_UNIT}\b", after, text)
    later = ("from now", "from today", "after today", "later", "hence", "out")
    if any(word in text for word in later):
        text = sub(
            rf"\b{_EN_COUNT} {_EN_UNIT} (?:{'|'.join(later)})\b",
            after,
            text,
        )
    earlier = ("ago", "before today", "before", "earlier")
    if any(word in text for word in earlier):
        text = sub(
            rf"\b{_EN_COUNT} {_EN_UNIT} (?:{'|'.join(earlier)})\b",
            partial(_count, direction="前"),
            text,
        )
    return text


def _rewrite_weeks(text: str) -> str:
    """next monday, next week on friday, wednesday of next week -> 下周N."""
    which = "next|this|last|coming"
    if not any(word in text for word in ("next", "this", "last", "coming")):
        return text
    text = sub(
        rf"\b({which}) week(?:'s|,)? (?:on )?({EN_WEEKDAY})\b",
        lambda m: _week_day(m[1], m[2]),
        text,
    )
    text = sub(
        rf"\b({EN_WEEKDAY}),? (?:of |from )?(?:the )?({which}) week\b",
        lambda m: _week_day(m[2], m[1]),
        text,
    )
    return sub(
        rf"\b(next|this|last) ({EN_WEEKDAY})\b", lambda m: _week_day(m[1], m[2]), text
    )


def _rewrite_months(text: str) -> str:
    """march 3 -> 3月3日; the 3rd of march -> 3月3日; end of march -> 3月底;
    on the 20th -> 20号."""
    if not any(month[:3] in text for month in _MONTHS):
        return _day_of_month(text)
    text = sub(
        rf"\blast day (?:of|in) ({_MONTH})\b(?:,? (\d{{4}})\b)?",
        lambda m: f"{m[2] + '年' if m[2] else ''}{_MONTHS[m[1]]}月底",
        text,
    )
    parts = "beginning|start|early|mid|middle|late|end"
    text = sub(
        rf"\b(?:the )?({parts})(?: of |-| )({_MONTH})\b",
        _part_of_month,
        text,
    )
    text = sub(
        rf"\b(\d{{4}})[-/ ]({_MONTH})[-/ ](\d{{1,2}})\b",
        lambda m: f"{m[1]}年{_MONTHS[m[2]]}月{m[3]}日",
        text,
    )
    text = sub(
        rf"\b(?:the )?{_ORDINAL}\.?(?: |-|/)?(?:of )?({_MONTH})\b"
        r"(?:[ ,/-]+(\d{4}|\d\d)\b(?!:))?",
        _day_first,
        text,
    )
    text = sub(
        rf"\b({_MONTH})(?:\.? |-|/)?(?:the )?{_ORDINAL}(?:,? (\d{{4}}|\d\d)\b(?!:))?",
        _month_first,
        text,
    )
    text = sub(rf"\b({_MONTH})\b(?:,? (\d{{4}})\b)?", _month_alone, text)
    return _day_of_month(text)


def _day_of_month(text: str) -> str:
    """on the 20th, the 27, 24th -> 20号"""
    if "the " not in text and not any(s in text for s in ("st", "nd", "rd", "th")):
        return text
    return sub(_THE_DAY, lambda m: f"{m[1] or m[2]}号", text)


def _rewrite_nth_weekday(text: str) -> str:
    """the first friday of july -> 7月第1个周5; the second monday of next month ->
    下月第2个周1; the last friday of october 2014 -> 2014年10月最后一个周5; the
    second sunday -> 本月第2个周日 (the Chinese rule counts them)."""

    def nth(m: re.Match[str]) -> str:
        if m[3]:
            month = f"{_WHICH[m[3]]}月"
        elif m[4]:
            month = f"{m[5] + '年' if m[5] else ''}{_MONTHS[m[4]]}月"
        else:
            month = "本月"
        which = "最后一" if m[1] == "last" else f"第{m[1][0]}"
        return f"{month}{which}个周{'123456日'[EN_WEEKDAYS[m[2]]]}"

    text = sub(
        rf"\b(?:the )?([1-5](?:st|nd|rd|th)|last) ({EN_WEEKDAY}) (?:of|in) (?:the )?"
        rf"(?:(?:(next|this|last|previous) )?month|({_MONTH})(?:,? (\d{{4}}))?)\b",
        nth,
        text,
    )
    return sub(
        rf"^(?:the )?([1-5])(?:st|nd|rd|th) ({EN_WEEKDAY})$",
        lambda m: f"本月第{m[1]}个周{'123456日'[EN_WEEKDAYS[m[2]]]}",
        text,
    )


def _rewrite_weeks_of(text: str) -> str:
    """last week of september 2014 -> 2014年9月最后一周; the 2nd last week of 2018 ->
    2018年倒数第2周; fifth last day of may -> 5月倒数第5天; first week of october
    2014 -> 2014年10月第1周."""

    def said(m: re.Match[str]) -> str:
        if m[4]:
            period = f"{m[5] + '年' if m[5] else ''}{_MONTHS[m[4]]}月"
        else:
            period = f"{m[6]}年"
        unit = "周" if m[3] == "week" else "天"
        if not m[2]:
            return f"{period}第{m[1]}{unit}"
        return f"{period}倒数第{m[1] or 1}{unit}"

    return sub(
        rf"^(?:the )?(?:([1-5])(?:st|nd|rd|th) )?(last )?(week|day) of (?:({_MONTH})"
        r"(?:,? (\d{4}))?|(\d{4}))$",
        lambda m: said(m) if m[2] or (m[1] and m[3] == "week") else m[0],
        text,
    )


def _rewrite_weekday_counts(text: str) -> str:
    """3 fridays from now -> 3个周5后; 2 thursdays ago -> 2个周4前; friday after
    next -> 2个周5后: the Nth such weekday from today."""

    def away(m: re.Match[str]) -> str:
        n = _number(m[1]) if m[1] else "2"
        back = m[3] in ("ago", "back", "before", "earlier")
        return f"{n}个周{'123456日'[EN_WEEKDAYS[m[2]]]}{'前' if back else '后'}"

    return sub(
        rf"\b(?:{_EN_COUNT} )?({EN_WEEKDAY})s? (from now|later|hence|after today"
        r"|ago|back|before today|earlier|(?<=day )after next)\b",
        lambda m: away(m) if m[1] or m[3] == "after next" else m[0],
        text,
    )


_YEARS_ON = {1: "明年", 2: "后年", 3: "大后年"}


def _units_on(m: re.Match[str]) -> str:
    """2 upcoming weeks -> 下下周 (its Monday), upcoming 3 months -> 下下下月, two
    upcoming years -> 后年, upcoming 2 days -> 2天后: the week (month, year) that far
    on, as "next week" is the next one."""
    n, unit = int(_number(m[1] or m[3])), m[2] or m[4]
    if unit == "day":
        return f"{n}天后"
    if unit == "year":
        return _YEARS_ON.get(n, f"{n}年后")
    return "下" * n + ("周" if unit == "week" else "月")


def _which_words(text: str) -> str:
    """The other ways to say next/this/last (upcoming week, current year, previous
    month), tmrw and yr, and a month said "in march" or "during march"."""
    if "within " in text:  # within the next 3 days, within the upcoming 2 months
        text = sub(r"\bwithin (?:the )?(?:next|upcoming) ", "within ", text)
    if "upcoming" in text:
        text = sub(
            rf"\b(?:upcoming {_EN_COUNT} (day|week|month|year)s?|{_EN_COUNT} upcoming "
            r"(day|week|month|year)s?)\b",
            _units_on,
            text,
        )
    if any(
        w in text
        for w in ("upcoming", "following", "coming", "current", "previous", "past")
    ):
        text = sub(
            r"\b(?:the )?(?:(upcoming|following|coming)|(current)|(previous|past)) "
            r"(?=(?:week|month|year|yr|day)\b)",
            lambda m: "next " if m[1] else "this " if m[2] else "last ",
            text,
        )
    if "tm" in text or "tomorrows" in text:
        text = sub(r"\b(?:tmrw?|tomorrows)\b", "tomorrow", text)
    if text in ("last day", "the last day", "past day", "the past day"):
        return "yesterday"
    if " in " in text:  # march in a year -> next year's march
        text = sub(
            rf"^({_MONTH}) in (?:a|1|one) year$",
            lambda m: f"明年{_MONTHS[m[1]]}月",
            text,
        )
    if "yr" in text:
        text = sub(r"\byrs?\b", "year", text)
    if text.startswith(("in ", "during ", "the ")):
        text = sub(
            rf"^(?:(?:in|during) (?=(?:{_MONTH})\b)|the (?=(?:end|beginning|start"
            r"|next day|eom|bom|eoy|boy)\b))",
            "",
            text,
        )
    return text


def english_to_chinese(text: str) -> str:
    """Rewrite English phrases into the Chinese ones meaning the same, so that one rule
    serves both ("next monday" -> 下周1, "in 3 days" -> 3天后, "today" -> 今天)."""
    if not any("a" <= c <= "z" for c in text):
        return text  # nothing English to rewrite: the common case, kept cheap
    # Mon., Nov. 25: an abbreviation's dot (not the one of p.m.); 4 o'clock; this
    # coming friday is the next Friday after today, which the bare name means.
    if "." in text:
        text = sub(r"(?<=[a-z]{3})\.", "", text)
    text = text.replace(" o'clock", "点")
    words = ("on ", "at ", "by ", "around ", "about ", "before ", "after ", "coming ")
    if any(word in text for word in words):
        text = sub(
            rf"\b(?:on|at|by|around|about) (?=\S)|\b(?:before|after) (?=\d)"
            rf"|\b(?:this )?coming (?=(?:{EN_WEEKDAY})\b)",
            "",
            text,
        )
    text = _which_words(_number_words(_year_words(text)))
    if "q" in text:  # q3 -> 3季度
        text = sub(r"\bq([1-4])\b", r"\1季度", text)
    if " of " in text and ("week" in text or "day" in text):
        text = _rewrite_weeks_of(text)
    if any(w in text for w in (" of ", " in ", "st ", "nd ", "rd ", "th ")):
        text = _rewrite_nth_weekday(text)
    if any(
        w in text
        for w in (" after next", "s from", " from now", " ago", " back", " later")
    ):
        text = _rewrite_weekday_counts(text)
    text = _rewrite_counts(text)
    text = _rewrite_weeks(text)
    if " day of " in text or " day in " in text:  # the third day of october
        text = sub(r"\b(\d{1,2})(?:st|nd|rd|th)? day (?:of|in) ", r"\1th of ", text)
    if " of " in text and "month" in text:
        # the 20th of next month -> 下月20号, before "next month" alone is rewritten
        text = sub(
            rf"\b(?:the )?{_ORDINAL} (?:day )?of (?:the )?"
            r"(next|this|last|current|previous) month\b",
            lambda m: f"{_WHICH[m[2]]}月{m[1]}号",
            text,
        )
    text = _phrase_words(text)
    if "last " in text or "next " in text:  # last chinese new year -> 上个春节
        text = sub(
            r"\b(last|next) (?=[\u4e00-\u9fff])",
            lambda m: "上个" if m[1] == "last" else "下个",
            text,
        )
    text = _rewrite_months(text)
    # thanksgiving 2010 -> 2010年感恩节; christmas of next year -> 明年圣诞节
    if text[-4:].isdigit():
        text = sub(r"^([^\x00-\x7f]+) (?:of )?(?:the )?(\d{4}) ?$", r"\2年\1", text)
    if text.endswith(("明年", "去年", "今年")):
        text = sub(r"^([^\x00-\x7f]+) of (?:the )?(明年|去年|今年)$", r"\2\1", text)
    if text.split(" ", 1)[0] in EN_WEEKDAYS:
        # monday january 12th 2016, thursday the 21st: the date says the day
        text = sub(rf"^(?:{EN_WEEKDAY}) (?=(?:\d+年)?\d+月\d+日$|\d+号$)", "", text)
    return text
