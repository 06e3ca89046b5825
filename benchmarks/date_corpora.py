"""How many day-naming phrases from the peer parsers' own test corpora gridlog reads
right: the cases are DRAWN mechanically from the corpora, not written by us.

    python benchmarks/date_corpora.py [-v] [--all]    # score the checked-in cases
    python benchmarks/date_corpora.py --draw [-v]     # redraw them from the mirrors

The corpora (bare git clones under /work/.mirror, read at HEAD with `git show`):

- duckling (facebook/duckling): Duckling/Time/ZH/Corpus.hs and EN/Corpus.hs, every
  `examples (datetime… ) [phrases]` block, with the corpus's reference time
  (2013-02-12 04:30, `testContext`; EN's `diffCorpus` 2013-02-15 04:30). Duckling leans
  to the future, so each phrase is read as a due date (prefer="future"). EN's
  `latentCorpus` (bare numbers read only on request) and `negativeCorpus` are left out.
- Recognizers-Text (microsoft/Recognizers-Text): Specs/DateTime/{Chinese,English}/
  DateParser.json, HolidayParser.json and DatePeriodParser.json, each result's `Text`
  with the spec's `ReferenceDateTime`. Where the spec gives a future and a past
  resolution that differ, both are cases: prefer="future" against the future one,
  prefer="past" against the past one. (The DateExtractor specs name no day, so they
  give nothing to score.)
- JioNLP (dongrixinyu/JioNLP): test/test_time_parser.py, the lists of
  [text, time_base, expected] read with `ast` (no code of theirs runs); the first
  list without a lean (prefer=None, JioNLP's default), the second (`ret_future=True`)
  as a due date. Time stamps are Beijing time, as the file's comments show; a base of
  a year alone ({'year': 2021}) is that year's 1 January; a base of the clock when the
  test runs (None, time.time()) cannot be reproduced, and those cases are dropped.
- chrono (wanasit/chrono): its zh tests are TypeScript assertions over parsed
  components, not a table of text and expected value; drawing them would mean
  interpreting code, so chrono is not drawn.

What is kept. A corpus answer is kept when it names one day: a point in time (a day,
or an hour or minute of one day: for kind 5 and plain phrases the time is scored too,
for kinds 1-4 and 6 the day alone; an English time of day is not of kind 7 and is
dropped), or a span whose day
gridlog documents: a whole period (a week, month, part of a month, quarter, year)
is its first day, a deadline ("七日内", "within 3 days") and a period's end ("月底",
"年底", "end of the month") their last day. A span of parts of days (duckling's
"this weekend" from Friday 18:00, "9:30 - 11:00 on Thursday") has two ends and is
dropped, as are two months or weeks in a row ("last 2 months"), durations, sets
("每周一") and times of day alone, except the kind-5 clock spellings the issue names
(晚8点, 八点零五, 3点45分钟), which name a time today.

Kinds. Each kept phrase is put in the first kind of issue 15 whose pattern it matches
(`KIND_PATTERNS`, in this order): 2 working days, 3 holidays (China's, by name; others
such as Thanksgiving are dropped as not of the kinds), 1 deadlines, 6 two-digit years,
5 how people type (spaces, commas, full-width digits, 千 years, 晚N点, 点零N, 分钟),
4 month parts and colloquial periods (these two only for Chinese text), 7 English
naming a day, a week, a month or a year (English naming only a time or a quarter is
dropped). A phrase matching none is "plain" (明天, 3月5日, 上周五): scored and shown
(`--all` lists its misses), but outside the issue's measure. Holidays the corpus files
as such but that are not China's (Thanksgiving, Diwali, 以色列国庆节) are dropped in any
kind, and a phrase met twice at the same reference time and lean is kept once.

The drawn cases, each with its source file, are checked in as
`benchmarks/date_corpora_cases.json` (benchmarks/data/ is not kept in git), so the
measure runs where the mirrors are not.

Conventions of gridlog's that a corpus answers otherwise are excluded with the
reason printed (`--draw` lists them), never bent to: see `CONFLICTS`. A case is left
out for a convention only when gridlog reads exactly the day that convention names
(`_gridlog_follows`): any other reading is scored against the corpus, as a miss.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from gridlog.dates.phrases import parse_when
from gridlog.errors import GridlogError

ZONE = ZoneInfo("Asia/Shanghai")
MIRROR = Path("/work/.mirror")
CASES_FILE = Path(__file__).with_name("date_corpora_cases.json")

DUCKLING = "facebook+duckling"
RECOGNIZERS = "microsoft+Recognizers-Text"
JIONLP = "dongrixinyu+JioNLP"

KINDS = (
    "1 deadline",
    "2 working days",
    "3 holiday",
    "4 month part/period",
    "5 typing",
    "6 two-digit year",
    "7 English",
)
_CN_NUM = "[0-9零〇一二两三四五六七八九十百半几]"
_HOLIDAYS_ZH = (
    "元旦|春节|春節|除夕|大年三十|清明|五一|劳动节|勞動節|端午|中秋|国庆|國慶|儿童节"
    "|兒童節|六一|妇女节|婦女節|三八|教师节|教師節|重阳|重陽|元宵|七夕|腊八|臘八"
    "|小年|冬至|寒食|中元|龙抬头|青年节|建军节|建軍節|建党节|阳历新年|农历新年|新春"
    "|正月朔日|正月正时|正月正時"
)
_HOLIDAYS_EN = (
    r"new year|spring festival|chinese new year|lunar new year|tomb[- ]sweeping"
    r"|qingming|dragon boat|mid[- ]autumn|national day|children'?s day|women'?s day"
    r"|teachers'? day|double ninth|lantern festival|may day|labou?r day"
)
# The order matters: a phrase is of the first kind whose pattern it matches.
KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("2 working days", re.compile(r"工作日|work(?:ing)? ?days?|business days?", re.I)),
    ("3 holiday", re.compile(rf"{_HOLIDAYS_ZH}|{_HOLIDAYS_EN}", re.I)),
    (
        "1 deadline",
        re.compile(
            rf"{_CN_NUM}+\s*(?:个|個)?\s*(?:天|日|周|週|星期|礼拜|禮拜|月|年|小时)\s*[之以]?内"
            r"|[本这這今当當](?:周|週|星期|月|年)[之以]?内|(?:月底|年底|月末|年末)前"
            r"|月\s*[0-9一二三四五六七八九十]+\s*[日号號]\s*[之以]?前$|截[至止]|^within\b"
            r"|\bby the end\b",
            re.I,
        ),
    ),
    (
        "6 two-digit year",
        re.compile(
            r"(?<![0-9])[0-9]{2}\s*年(?!代)|^[零〇一二三四五六七八九]{2}年(?!代)"
            r"|\b[a-z]{3,9}\.? [0-9]{1,2},? '?[0-9]{2}$|-[a-z]{3}-[0-9]{2}$",
            re.I,
        ),
    ),
    (
        "5 typing",
        re.compile(
            r"[0-9０-９一二三四五六七八九十]\s+[年月日号號]|[年月]\s+\S|[，,、]"
            r"|[０-９]|[千]|晚\s*[0-9一二三四五六七八九十]+\s*[点點]"
            r"|[点點]零[0-9一二三四五六七八九]|[点點]\s*[0-9一二三四五六七八九十]+\s*分钟$"
        ),
    ),
    (
        "4 month part/period",
        re.compile(
            r"[上中下]旬|月份|[上下这這本今](?:一)?(?:个|個)?(?:周|週|星期|礼拜|禮拜)"
            r"(?![一二三四五六日天0-9])|[上下这這本](?:一)?(?:个|個)?月|这一?年|上年"
            r"|下年|前日|本日|大+后天|大+後天|大+前天|月底|月末|月初|年底|年初|年末"
            r"|[上下这這本](?:个|個)?(?:周|週)(?:周|週)[一二三四五六日天]"
        ),
    ),
    # English that names a day, a week, a month or a year (not a quarter, a time)
    (
        "7 English",
        re.compile(
            r"^(?!.*\b(?:quarter|qtr)s?\b)(?=.*(?:\b(?:today|tomorrows?|tmrw|yesterday"
            r"|tonight|days?|weeks?|weekends?|fortnights?|months?|years?|yrs?|eo[myw]"
            r"|bo[my]|ago|hence|(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat"
            r"|satur|sun)(?:day)?s?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct"
            r"|nov|dec)[a-z]*)\b|\d(?:st|nd|rd|th)\b))",
            re.I,
        ),
    ),
]
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_LATIN = re.compile(r"[a-z]", re.I)

# Corpus answers that contradict a convention gridlog documents: excluded, not bent to.
CONFLICTS = {
    "recent past": (
        "a year-less date said a little after it passed stays on that day as a due "
        "date (typed in late, README: 'a follow-up 3月11日 typed on 14 March'); the "
        "corpus's future side moves it a year (or a month) on"
    ),
    "today not counted": (
        "a deadline within N days (weeks, months) ends N days after today, the day "
        "it is said not counted (README: 'the last day of the span (today not "
        "counted)', as 民法典 art. 201 counts a period); the corpus's span starts "
        "today and so ends a day earlier"
    ),
    "lunar on the solar calendar": (
        "Recognizers resolves a lunar festival (中秋, 端午, 春节, 农历正月初一) to the "
        "same month and day of the solar calendar (中秋 -> 15 August); gridlog reads "
        "the lunar calendar"
    ),
    "this weekday": (
        "'this monday' is this week's Monday in gridlog, as 这周一 (issue 15 keeps "
        "这周一 explicit); the corpus takes the coming one"
    ),
    "coarse offset": (
        "the corpus answers an offset ('two years ago') with a whole month or year; "
        "gridlog names the day that far back"
    ),
    "two-digit year ahead": (
        "a two-digit year is the coming one within fifty years unless looked back on "
        "(README: '到期日取将来五十年内的那一年'; without a lean gridlog reads it so "
        "too); the corpus, read without a lean, always takes the last one (三三年 in "
        "2021 -> 1933)"
    ),
    "mid month": (
        "'mid March', 3月中 is the 15th in gridlog (README); the corpus gives the "
        "middle 旬's first day, the 11th"
    ),
    "us labor day": (
        "English 'labor day' is the US one (first Monday of September) in the corpus; "
        "gridlog's 劳动节 is China's, 1 May"
    ),
}


def kind_of(phrase: str) -> str:
    """The first kind of issue 15 whose pattern the phrase matches, else "plain"."""
    chinese = bool(_CJK.search(phrase))
    for kind, pattern in KIND_PATTERNS:
        if kind[0] in "45" and not chinese:
            continue
        if pattern.search(phrase):
            return kind
    if _LATIN.search(phrase) and not chinese:
        return "English, other"
    return "plain"


@dataclass
class Case:
    """One phrase with its corpus's reference time and the day (and time) expected."""

    corpus: str
    file: str
    phrase: str
    now: str  # ISO, Asia/Shanghai
    prefer: str | None
    kind: str
    day: str
    time: str | None = None


@dataclass
class Answer:
    """What a corpus says a phrase means, before we decide whether to keep it."""

    corpus: str
    file: str
    phrase: str
    now: datetime
    prefer: str | None
    start: datetime
    end: datetime  # inclusive
    grain: str  # second, minute, hour, day, week, month, year, span
    holiday: bool = False  # the corpus files it as a holiday


def _git_show(repo: str, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(MIRROR / repo / "repo"), "show", f"HEAD:{path}"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


# ---------------------------------------------------------------- duckling

_DUCK_HEAD = re.compile(
    r"examples\s*\((datetime|datetimeHoliday|datetimeInterval|datetimeIntervalHoliday"
    r"|datetimeOpenInterval)\b(.*?)\)\s*\[",
    re.S,
)
_HS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_TUPLE = re.compile(r"\((\d+), (\d+), (\d+), (\d+), (\d+), (\d+)\)")
_GRAINS = ("Second", "Minute", "Hour", "Day", "Week", "Month", "Quarter", "Year")


def _grain_end(start: datetime, grain: str) -> datetime:
    """The last instant of the grain unit that starts at `start` (inclusive end)."""
    if grain in ("second", "minute", "hour", "day", "week"):
        step = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
        return start + timedelta(seconds=step[grain] - 1)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    y, m = divmod(start.month - 1 + months, 12)
    return datetime(start.year + y, m + 1, 1, tzinfo=ZONE) - timedelta(seconds=1)


def _duckling_blocks(text: str) -> Iterator[tuple[str, str, list[str]]]:
    """(constructor, head, phrases) of every `examples (...) [...]` in `text`."""
    for m in _DUCK_HEAD.finditer(text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"[": 1, "]": -1}.get(text[i], 0)
            i += 1
        body = text[m.end() : i - 1]
        phrases = [s.replace('\\"', '"') for s in _HS_STRING.findall(body)]
        yield m.group(1), m.group(2), phrases


def _duckling_sections(lang: str, text: str) -> Iterator[tuple[datetime, str]]:
    """(reference, source text) of the corpus's parts drawn; see the docstring."""
    ref = datetime(2013, 2, 12, 4, 30, tzinfo=ZONE)
    if lang == "ZH":
        yield ref, text
        return
    parts = re.split(r"\n(?=[a-zA-Z]+ ::)", text)
    for part in parts:
        name = part.split(" ::", 1)[0].strip()
        if name in ("corpus", "allExamples") or name.startswith("defaultCorpus"):
            yield ref, part
        elif name == "diffCorpus":
            yield datetime(2013, 2, 15, 4, 30, tzinfo=ZONE), part


def draw_duckling(lang: str) -> Iterator[Answer | tuple[str, str, str]]:
    """Duckling's answers (or (file, phrase, why dropped))."""
    path = f"Duckling/Time/{lang}/Corpus.hs"
    for ref, section in _duckling_sections(lang, _git_show(DUCKLING, path)):
        for constructor, head, phrases in _duckling_blocks(section):
            try:
                tuples = [
                    datetime(*map(int, t), tzinfo=ZONE) for t in _TUPLE.findall(head)
                ]
            except ValueError:  # hour 24 and the like: no day of ours
                tuples = []
            grain = next((g.lower() for g in _GRAINS if g in head), "day")
            for phrase in phrases:
                if constructor.startswith("datetimeOpen") or not tuples:
                    yield path, phrase, "an open span, or no day in the answer"
                    continue
                start = tuples[0]
                if "Interval" in constructor:
                    # duckling's interval end is exclusive, at the grain
                    end = tuples[1] - timedelta(seconds=1)
                    grain_here = "span"
                else:
                    end, grain_here = _grain_end(start, grain), grain
                yield Answer(
                    f"duckling {lang.lower()}",
                    path,
                    phrase,
                    ref,
                    "future",
                    start,
                    end,
                    grain_here,
                    "Holiday" in constructor,
                )


# ---------------------------------------------------------------- Recognizers-Text

RECOGNIZERS_SPECS = [
    f"Specs/DateTime/{lang}/{spec}.json"
    for lang in ("Chinese", "English")
    for spec in ("DateParser", "HolidayParser", "DatePeriodParser")
]


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text[:19]).replace(tzinfo=ZONE)


def draw_recognizers(path: str) -> Iterator[Answer | tuple[str, str, str]]:
    """Each result of each spec, once per side (future, past) where they differ."""
    corpus = "recognizers " + ("zh" if "/Chinese/" in path else "en")
    for spec in json.loads(_git_show(RECOGNIZERS, path)):
        if "ReferenceDateTime" not in spec.get("Context", {}):
            for result in spec.get("Results", []):
                yield path, result["Text"], "no reference time"
            continue
        ref = _day(spec["Context"]["ReferenceDateTime"])
        not_run = spec.get("NotSupported", "") + spec.get("NotSupportedByDesign", "")
        for result in spec.get("Results", []):
            phrase, value = result["Text"], result.get("Value", {})
            if "dotnet" in not_run.lower():
                yield path, phrase, "the corpus's own parser does not pass it"
                continue
            sides = {
                side: value.get(f"{side.title()}Resolution") or {}
                for side in ("future", "past")
            }
            if not sides["future"]:
                yield path, phrase, "no resolved day"
                continue
            same = sides["future"] == sides["past"]
            for side, resolution in sides.items():
                if same and side == "past":
                    break
                if "date" in resolution:
                    start = end = _day(resolution["date"])
                    grain = "day"
                elif not {"startDate", "endDate"} <= resolution.keys():
                    yield path, phrase, "an open span, or no day in the answer"
                    continue
                else:
                    start = _day(resolution["startDate"])
                    end = _day(resolution["endDate"]) - timedelta(days=1)
                    grain = "span"
                answer = Answer(
                    corpus,
                    path,
                    phrase,
                    ref,
                    side,
                    start,
                    end,
                    grain,
                    "Holiday" in path,
                )
                conflict = _recognizers_conflict(answer, value, sides, same)
                if conflict:
                    yield path, phrase, f"conflict: {conflict}"
                else:
                    yield answer


def _recognizers_conflict(
    answer: Answer, value: dict, sides: dict, same: bool
) -> str | None:
    """The name of a gridlog convention the corpus's answer contradicts, if any."""
    if "labor day" in answer.phrase.lower() and "/English/" in answer.file:
        return "us labor day"
    if same or answer.prefer != "future" or "date" not in sides["past"]:
        return None
    timex = value.get("Timex", "")
    past = _day(sides["past"]["date"]).date()
    late = (answer.now.date() - past).days
    if re.fullmatch(r"XXXX-\d\d-\d\d", timex) and 0 < late <= 91:
        return "recent past"
    if re.fullmatch(r"XXXX-XX-\d\d", timex) and 0 < late <= 7:
        return "recent past"
    return None


# ---------------------------------------------------------------- JioNLP

JIONLP_FILE = "test/test_time_parser.py"


def _jionlp_base(node: ast.expr, names: dict[str, float]) -> datetime | None:
    """JioNLP's time_base as a Beijing datetime; a year (and month) alone is taken
    at its start, as only phrases needing no more are tested with one. None for the
    clock at the time the test runs (`None`, `time.time()`): not drawn."""
    if isinstance(node, ast.Name):
        return datetime.fromtimestamp(names[node.id], ZONE)
    if isinstance(node, ast.Constant) and node.value is not None:
        return datetime.fromtimestamp(node.value, ZONE)
    if isinstance(node, ast.Call) and node.args:
        return datetime(*[a.value for a in node.args], tzinfo=ZONE)
    if isinstance(node, ast.List):
        parts = [e.value for e in node.elts] + [1, 1]
        return datetime(*parts[: max(3, len(node.elts))], tzinfo=ZONE)
    if isinstance(node, ast.Dict):
        given = ast.literal_eval(node)
        return datetime(
            given["year"], given.get("month", 1), given.get("day", 1), tzinfo=ZONE
        )
    return None


def draw_jionlp() -> Iterator[Answer | tuple[str, str, str]]:
    """The first two lists of test_time_parser (the others are periods, sets)."""
    tree = ast.parse(_git_show(JIONLP, JIONLP_FILE))
    names = {
        node.targets[0].id: node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, (int, float))
    }
    lists = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and getattr(node.targets[0], "id", "") == "time_string_list"
    ]
    for number, listed in enumerate(lists):
        prefer = (None, "future")[number] if number < 2 else None
        for item in listed.elts:
            phrase = item.elts[0].value
            if number >= 2:
                yield JIONLP_FILE, phrase, "a set (period_results_num)"
                continue
            base = _jionlp_base(item.elts[1], names)
            expected = ast.literal_eval(item.elts[2])
            if base is None:
                yield JIONLP_FILE, phrase, "reference is the clock when the test runs"
            elif expected["type"] not in ("time_point", "time_span"):
                yield JIONLP_FILE, phrase, f"a {expected['type']}, not a day"
            elif "inf" in "".join(expected["time"]):
                yield JIONLP_FILE, phrase, "an open span, or no day in the answer"
            else:
                start, end = (_day(t) for t in expected["time"][:2])
                yield Answer(
                    "jionlp", JIONLP_FILE, phrase, base, prefer, start, end, "span"
                )


# ---------------------------------------------------------------- keeping

_TIME_ONLY_KIND5 = re.compile(
    r"晚\s*[0-9一二三四五六七八九十]+\s*[点點]|[点點]零[0-9一二三四五六七八九]"
    r"|[点點]\s*[0-9一二三四五六七八九十]+\s*分钟$"
)
_PERIOD_END = re.compile(r"[底末]|\bend\b|\blast day\b|\beo[myw]\b", re.I)
_EN_DAY = re.compile(
    r"\d|today|tomorrow|yesterday|tonight|day|week|month|year|ago|from now|later"
    r"|next|last|this|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug"
    r"|sep|oct|nov|dec",
    re.I,
)


def _whole_period(start: datetime, end: datetime) -> bool:
    """One calendar period of whole days gridlog names by a day: a week, a weekend,
    a part of a month (旬, half), a month, a quarter or a year. Two months or three
    weeks in a row are a span with two ends."""
    if start.time() != datetime.min.time():
        return False
    if (end + timedelta(seconds=1)).time() != datetime.min.time():
        return False
    first, last = start.date(), end.date()
    days = (last - first).days + 1
    after = last + timedelta(days=1)
    months = (after.year - first.year) * 12 + after.month - first.month
    if days == 7 and first.weekday() == 0:
        return True  # a week
    if days == 2 and first.weekday() == 5:
        return True  # a weekend
    if first.day == 1 and after.day == 1:
        # a month, a quarter, a year
        return (
            months == 1
            or (months == 3 and first.month in (1, 4, 7, 10))
            or (months == 12 and first.month == 1)
        )
    parts = ((1, 11), (11, 21), (1, 16), (16, 1), (21, 1))
    return months <= 1 and (first.day, after.day) in parts  # 旬, half a month


_LUNAR_FESTIVAL = re.compile(r"中秋|端午|重阳|元宵|除夕|春节|大年|七夕|腊八|农历|正月")
_OFFSET = re.compile(r"ago|hence|from now|later|[前后後]$", re.I)
_EN_THIS_WEEKDAY = re.compile(r"^this (mon|tue|wed|thu|fri|sat|sun)[a-z]*$", re.I)


def _years_back(day: date, years: int) -> date | None:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return None


def _month_back(start: datetime) -> date | None:
    month = start.month - 1 or 12
    try:
        return start.date().replace(year=start.year - (start.month == 1), month=month)
    except ValueError:
        return None


_MONTH_NAMED = re.compile(
    r"月|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I
)
_RELATIVE = re.compile(r"[今明去前后後下上本这這]|next|last|this|after|ago|from", re.I)
_DAY_ALONE = re.compile(r"^(?:the )?\d{1,2}(?:st|nd|rd|th|号|號|日)?$", re.I)


def _recent_past(answer: Answer) -> bool:
    """A year-less date (month-less day) whose answer lies a year (month) on, when
    the one a year (month) back is at most 91 (7) days old: gridlog keeps that one."""
    if re.search(r"\d{4}|年|\d{1,2}/\d", answer.phrase) or _RELATIVE.search(
        answer.phrase
    ):
        return False
    today = answer.now.date()
    if _MONTH_NAMED.search(answer.phrase):
        back, window = _years_back(answer.start.date(), 1), 91
    elif _DAY_ALONE.match(answer.phrase):
        back, window = _month_back(answer.start), 7
    else:
        return False
    return back is not None and 0 < (today - back).days <= window


def _conflict(answer: Answer, kind: str) -> str | None:
    """The gridlog convention (a key of CONFLICTS) the answer contradicts, if any."""
    today = answer.now.date()
    if (
        kind == "1 deadline"
        and answer.start.date() == today
        and re.search(r"内|within", answer.phrase, re.I)
    ):
        return "today not counted"
    if answer.corpus == "recognizers zh" and _LUNAR_FESTIVAL.search(answer.phrase):
        return "lunar on the solar calendar"
    if kind == "6 two-digit year" and answer.prefer is None:
        years_ahead = answer.start.year + 100 - answer.now.year
        if answer.start.year < answer.now.year and 0 <= years_ahead <= 50:
            return "two-digit year ahead"
    if answer.prefer == "future" and _recent_past(answer):
        return "recent past"
    if re.search(r"\bmid\b|月中(?!旬)", answer.phrase, re.I) and answer.start.day == 11:
        return "mid month"
    if _EN_THIS_WEEKDAY.match(answer.phrase):
        monday = today - timedelta(days=today.weekday())
        if not monday <= answer.start.date() < monday + timedelta(days=7):
            return "this weekday"
    if answer.grain in ("month", "quarter", "year") and _OFFSET.search(answer.phrase):
        return "coarse offset"
    return None


def _gridlog_follows(conflict: str, answer: Answer, day: date) -> bool:
    """Whether gridlog reads the day its documented convention names instead of the
    corpus's `day`: only then is the case left out. Any other reading is scored
    (and so counts as a miss): the convention explains that difference, no other."""
    if conflict in ("lunar on the solar calendar", "us labor day"):
        return True  # the corpus's own slip (lunar as solar) or another country's day
    try:
        read = parse_when(answer.phrase, answer.now, answer.prefer).day
    except GridlogError:
        return False
    if conflict == "today not counted":
        return read == day + timedelta(days=1)
    if conflict == "recent past":
        return read in (_years_back(day, 1), _month_back(answer.start))
    if conflict == "two-digit year ahead":
        return read == _years_back(day, -100)
    if conflict == "mid month":
        return read == day.replace(day=15)
    if conflict == "this weekday":
        return read == day - timedelta(days=7)
    if conflict == "coarse offset":
        return answer.start.date() <= read <= answer.end.date()
    return False


def _time_alone(phrase: str) -> bool:
    """A phrase naming a time of day and no day (3pm, 下午三点), other than the
    kind-5 clock spellings the issue names (晚8点, 八点零五, 3点45分钟)."""
    names_a_day = re.search(
        r"[日号號天]|day|today|tonight|morning|evening|night|" + _EN_DAY.pattern,
        phrase,
        re.I,
    )
    return not names_a_day and not _TIME_ONLY_KIND5.search(phrase)


def keep(answer: Answer) -> Case | str:
    """The case to score, or why the answer names no one day of the kinds."""
    kind = kind_of(answer.phrase)
    start, end = answer.start, answer.end
    if answer.holiday and kind != "3 holiday":
        return "a holiday not of China's (kind 3 names China's)"
    if kind == "English, other":
        return "English naming no day, week, month or year (a time, a quarter)"
    if re.search(
        r"thanksgiving|christmas|xmas|easter|halloween|valentine|mother|father"
        r"|memorial|independence|martin luther|veterans|columbus|groundhog|patrick"
        r"|boss|earth day|islamic|arabic|hijri|parsi|jewish|rosh|以色列|圣诞|聖誕|感恩"
        r"|情人|万圣|萬聖|母亲|父亲|愚人",
        answer.phrase,
        re.I,
    ):
        return "a holiday not of China's (kind 3 names China's)"
    clock = None
    if start.year == 1:
        return "the corpus names no day (an impossible date)"
    if kind == "1 deadline":
        day = end.date()
    elif answer.grain in ("second", "minute", "hour") or (
        answer.grain == "span" and start.date() == end.date()
    ):
        whole_day = (
            start.time() == datetime.min.time()
            and end.time() >= datetime(1, 1, 1, 23, 59, 59).time()
        )
        day = start.date()
        if not whole_day and end - start > timedelta(hours=1):
            return "a span of hours (two ends)"
        if not whole_day:
            clock = start.strftime("%H:%M")
    elif answer.grain == "day":
        day = start.date()
    elif answer.grain in ("week", "month", "quarter", "year") or _whole_period(
        start, end
    ):
        day = end.date() if _PERIOD_END.search(answer.phrase) else start.date()
    else:
        return "a span with two ends"
    if clock and day == answer.now.date() and _time_alone(answer.phrase):
        return "a time of day alone, naming no day"
    if clock and kind == "7 English":
        return "an English time of day (kind 7 names days)"
    if clock and kind not in ("5 typing", "plain"):
        clock = None  # kinds 1-4 and 6 are about the day: the day alone is scored
    conflict = _conflict(answer, kind)
    if conflict and _gridlog_follows(conflict, answer, day):
        return f"conflict: {conflict}"
    return Case(
        answer.corpus,
        answer.file,
        answer.phrase,
        answer.now.isoformat(),
        answer.prefer,
        kind,
        day.isoformat(),
        clock,
    )


def draw(verbose: bool) -> list[Case]:
    """Every case from the mirrors, printing what was kept and dropped, and why."""
    sources = [lambda: draw_duckling("ZH"), lambda: draw_duckling("EN")]
    sources += [lambda p=p: draw_recognizers(p) for p in RECOGNIZERS_SPECS]
    sources.append(draw_jionlp)
    cases: list[Case] = []
    seen: set[tuple] = set()
    dropped: Counter[tuple[str, str]] = Counter()
    for source in sources:
        for answer in source():
            if isinstance(answer, tuple):
                file, phrase, why = answer
                dropped[(file, why)] += 1
                if verbose:
                    print(f"drop {file}: {phrase!r}: {why}")
                continue
            kept = keep(answer)
            if isinstance(kept, str):
                dropped[(answer.file, kept)] += 1
                if verbose:
                    print(f"drop {answer.file}: {answer.phrase!r}: {kept}")
                continue
            key = (kept.corpus, kept.phrase, kept.now, kept.prefer)
            if key in seen:
                dropped[(answer.file, "the same phrase again")] += 1
                continue
            seen.add(key)
            cases.append(kept)
    kept_by_file = Counter(case.file for case in cases)
    for file in sorted({f for f, _ in dropped} | set(kept_by_file)):
        print(f"{file}: kept {kept_by_file[file]}")
        for (f, why), n in sorted(dropped.items()):
            if f == file:
                print(f"    dropped {n:4}  {why}")
    for name, why in CONFLICTS.items():
        print(f"conflict '{name}': {why}")
    return cases


# ---------------------------------------------------------------- scoring


def read(case: Case) -> tuple[bool, str]:
    """(right?, what gridlog read)."""
    now = datetime.fromisoformat(case.now)
    try:
        found = parse_when(case.phrase, now, case.prefer)
    except GridlogError as refused:
        return False, f"refused ({refused.key})"
    shown = found.day.isoformat() + (f" {found.time:%H:%M}" if found.time else "")
    right = found.day == date.fromisoformat(case.day) and (
        case.time is None
        or (found.time is not None and f"{found.time:%H:%M}" == case.time)
    )
    return right, shown


def score(cases: list[Case], verbose: bool, show_plain: bool) -> float:
    """Print the share read right per corpus and per kind; return the kinds' share."""
    right: dict[str, Counter[str]] = defaultdict(Counter)
    total: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        ok, shown = read(case)
        for table, key in (("corpus", case.corpus), ("kind", case.kind)):
            total[table][key] += 1
            right[table][key] += ok
        if case.kind != "plain":
            total["corpus (kinds 1-7)"][case.corpus] += 1
            right["corpus (kinds 1-7)"][case.corpus] += ok
        if (not ok and (case.kind != "plain" or show_plain)) or verbose:
            expected = case.day + (f" {case.time}" if case.time else "")
            print(
                f"{'ok  ' if ok else 'MISS'} {case.kind:20} {case.corpus:15} "
                f"{case.phrase!r} at {case.now[:16]} ({case.prefer}): "
                f"read {shown}, expected {expected}"
            )
    for table in ("corpus (kinds 1-7)", "corpus", "kind"):
        print(f"\nby {table}")
        for key in sorted(total[table]):
            n, r = total[table][key], right[table][key]
            print(f"  {key:22} {r:4}/{n:4} = {r / n:6.1%}")
    kinds_right = sum(right["kind"][k] for k in KINDS)
    kinds_total = sum(total["kind"][k] for k in KINDS)
    share = kinds_right / kinds_total
    print(f"\nkinds 1-7 {kinds_right}/{kinds_total} = {share:.1%}")
    everything = sum(right["kind"].values()) / sum(total["kind"].values())
    print(f"with plain {sum(right['kind'].values())}/{len(cases)} = {everything:.1%}")
    return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draw", action="store_true", help="redraw from the mirrors")
    parser.add_argument("-v", "--verbose", action="store_true", help="every case")
    parser.add_argument("--all", action="store_true", help="show plain misses too")
    args = parser.parse_args()
    if args.draw:
        cases = draw(args.verbose)
        CASES_FILE.write_text(
            json.dumps([asdict(c) for c in cases], ensure_ascii=False, indent=0) + "\n",
            encoding="utf-8",
        )
        print(f"wrote {len(cases)} cases to {CASES_FILE.name}\n")
    else:
        cases = [Case(**c) for c in json.loads(CASES_FILE.read_text(encoding="utf-8"))]
    score(cases, args.verbose, args.all)
    sys.exit(0)


if __name__ == "__main__":
    main()
