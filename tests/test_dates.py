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

FRAGMENTS = sorted(
    {piece for text, _ in PHRASE_TABLE for piece in re.findall(r"\d+|[a-z]+|.", text)}
    | {text for text, _ in PHRASE_TABLE}
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
KEYS = {"date.invalid", "date.impossible", "date.ambiguous"}
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
        assert err.params == {"text": text}
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
