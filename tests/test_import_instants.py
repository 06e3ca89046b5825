"""An imported visit's moment is stored, and identified, exactly as a moment formatted
whole would be, in any zone: on days the clocks change, in zones whose offset is not
whole hours, and in a place's old local mean time. (`transfer.instants` makes these
texts from a day's and a minute's, for speed.)"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from test_import import query, write_csv

from gridlog.transfer.instants import Day, texts

ZONES = [
    "Asia/Shanghai",  # local mean time +08:05:43 until 1928
    "UTC",
    "America/New_York",  # clocks change at 02:00
    "Europe/London",  # at 01:00, to and from UTC itself
    "Australia/Lord_Howe",  # half an hour
    "Asia/Kathmandu",  # +05:45
    "America/St_Johns",  # -03:30, and changing
    "Pacific/Kiritimati",  # +14:00: a day ahead of UTC
    "Pacific/Pago_Pago",  # -11:00
]
CHANGES = [dt.date(2024, 3, 10), dt.date(2024, 11, 3), dt.date(2024, 3, 31)]
CHANGES += [dt.date(2024, 10, 27), dt.date(2024, 4, 7), dt.date(2024, 10, 6)]
CHANGES += [dt.date(1927, 12, 31), dt.date(1928, 1, 1), dt.date(1900, 1, 1)]


@pytest.mark.parametrize("zone", ZONES)
def test_a_days_texts_are_its_moments_formatted_whole(zone):
    tz = ZoneInfo(zone)
    days = [dt.date(1900, 1, 1) + dt.timedelta(days=n) for n in range(0, 46_000, 311)]
    told = 0
    for day in days + CHANGES:
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        clock = Day.of(start)
        if clock is None:  # the offset changes that day: each moment is whole
            assert start.utcoffset() != (start + dt.timedelta(days=1)).utcoffset() or (
                start.utcoffset().seconds % 60
            )
            continue
        told += 1
        for minute in range(0, 24 * 60, 13):
            moment = start + dt.timedelta(minutes=minute)
            assert clock.texts(minute) == texts(moment), (day, minute)
    assert told > len(days) // 2  # most days keep one offset


def test_a_visit_on_the_day_the_clocks_change_is_stored_at_its_instant(
    gridlog, read_db, tmp_path, monkeypatch
):
    monkeypatch.setenv("GRIDLOG_TZ", "America/New_York")
    assert gridlog("grid", "add", "红四网格").exit_code == 0
    lines = ["日期,时间,网格,内容"]
    lines += [f"2024-03-10,{time},红四网格,走访 {time}" for time in ("01:30", "03:30")]
    lines += [f"2024-11-03,{time},红四网格,回访 {time}" for time in ("00:30", "02:30")]
    lines += ["2024-03-11,23:59,红四网格,晚上走访", "2024-03-11,,红四网格,当天走访"]
    path = write_csv(tmp_path / "log.csv", lines)
    result = gridlog("import", str(path), now="2024-12-01T08:00")
    assert result.exit_code == 0, result.output
    stored = dict(query(read_db, "SELECT text, at FROM entries"))
    assert stored == {
        "走访 01:30": "2024-03-10T06:30:00Z",  # EST, -05:00
        "走访 03:30": "2024-03-10T07:30:00Z",  # EDT, -04:00
        "回访 00:30": "2024-11-03T04:30:00Z",  # EDT
        "回访 02:30": "2024-11-03T07:30:00Z",  # EST again
        "晚上走访": "2024-03-12T03:59:00Z",  # the next day in UTC
        "当天走访": "2024-03-11T04:00:00Z",  # a day without its time: its start
    }
