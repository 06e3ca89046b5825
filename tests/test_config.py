"""A worker's defaults: name, grid, time zone and language, kept in the database."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


def test_config_shows_and_saves_defaults(gridlog, db_path):
    result = gridlog(
        "config", "--worker", "马辉", "--grid", "红四", "--tz", "Asia/Urumqi"
    )
    assert result.exit_code == 0, result.output
    shown = gridlog("config").stdout
    assert "马辉" in shown and "红四网格" in shown and "Asia/Urumqi" in shown
    assert str(db_path) in shown


def test_worker_name_is_recorded_with_each_change(gridlog, read_db):
    assert gridlog("config", "--worker", "孟宇").exit_code == 0
    assert gridlog("add", "窗口接待", "--grid", "红一", "--kind", "窗口").exit_code == 0
    with read_db() as conn:
        entry = conn.execute("SELECT worker FROM entries").fetchone()
        actors = {
            row[0]
            for row in conn.execute("SELECT actor FROM history WHERE command = 'add'")
        }
    assert entry["worker"] == "孟宇"
    assert actors == {"孟宇"}


def test_saved_time_zone_applies_when_none_is_given(gridlog, monkeypatch):
    monkeypatch.delenv("GRIDLOG_TZ")
    assert gridlog("config", "--tz", "UTC").exit_code == 0
    added = json.loads(gridlog("add", "巡查", "--grid", "红四", "--json").stdout)
    assert added["at"] == "2019-03-14T08:00:00+00:00"
    flag = json.loads(gridlog("--tz", "Asia/Shanghai", "log", "--json").stdout)
    assert flag[0]["at"] == "2019-03-14T16:00:00+08:00"


def test_saved_language_applies_unless_one_is_asked_for(gridlog, monkeypatch):
    monkeypatch.delenv("GRIDLOG_LANG")
    assert gridlog("config", "--lang", "zh").exit_code == 0
    assert "没有到期" in gridlog("due").stdout
    assert "Nothing due" in gridlog("--lang", "en", "due").stdout
    monkeypatch.setenv("GRIDLOG_LANG", "en")
    assert "Nothing due" in gridlog("due").stdout


def test_unset_clears_a_default(gridlog):
    assert gridlog("config", "--grid", "红四").exit_code == 0
    assert gridlog("config", "--unset", "grid").exit_code == 0
    result = gridlog("add", "无网格")
    assert result.exit_code == 1
    assert "which grid" in result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("config", "--tz", "Mars/Olympus"), 1),
        (("config", "--lang", "fr"), 2),
        (("config", "--unset", "colour"), 2),
        (("config", "--grid", "不存在"), 1),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(gridlog, args, code):
    assert gridlog("config", "--worker", "马辉").exit_code == 0
    before = gridlog("config").stdout
    result = gridlog(*args)
    assert result.exit_code == code
    assert result.stderr.count("\n") == 1
    assert gridlog("config").stdout == before
