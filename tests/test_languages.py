"""Chinese throughout: typer's and click's own words (help pages, usage errors,
argument names) are in the user's language too, and a language gridlog does not
speak is said to be one, not silently replaced by English."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def help_page(*args: str, lang: str) -> str:
    """`gridlog --lang LANG ARGS --help` in a fresh process, piped (plain help): the
    help texts are fixed when the command line is built, once per process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDLOG_")}
    result = subprocess.run(
        [sys.executable, "-m", "gridlog", "--lang", lang, *args, "--help"],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "120", "GRIDLOG_DB": os.environ["GRIDLOG_DB"]},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_chinese_help_page_has_no_english_of_typers_own():
    page = help_page("due", lang="zh")
    assert "用法：gridlog due [选项]" in page
    assert "--days <整数>" in page and "[默认：0; 0～3660]" in page
    assert "--stale <整数>" in page and "[1～3660]" in page
    for english in ("OPTIONS", "<int range>", "<str>", "default", "<=x<="):
        assert english not in page, english


def test_a_chinese_help_page_names_arguments_and_commands_in_chinese():
    top = help_page(lang="zh")
    assert "用法：gridlog [选项] 命令 [参数]..." in top
    assert "COMMAND" not in top and "ARGS" not in top
    building = help_page("grid", "building", lang="zh")
    assert "gridlog grid building [选项] {网格} {楼栋...}" in building
    assert "网格   " in building  # the argument's own line
    add = help_page("add", lang="zh")
    assert "gridlog add [选项] {内容}" in add and "<文字>" in add
    assert "{text}" not in add


def test_the_english_help_page_keeps_clicks_words():
    page = help_page("due", lang="en")
    assert "Usage: gridlog due [OPTIONS]" in page
    assert "[default: 0; 0<=x<=3660]" in page
    assert "{TEXT}" in help_page("add", lang="en")


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ("due", "--dayss", "3"),
            "没有这个选项：--dayss（是不是要用 --days？）",
            "no such option: --dayss (did you mean --days?)",
        ),
        (
            ("due", "--day", "3"),
            "（是不是要用 --all 或 --days？）",
            "(did you mean --all or --days?)",
        ),
        (
            ("due", "--bogus"),
            "没有这个选项：--bogus（用法见",
            "no such option: --bogus",
        ),
        (("grid", "building"), "缺少参数 网格", "missing argument GRID"),
        (("due", "--days", "9999"), "9999 超出范围（0～3660）", "(0 to 3660)"),
        (("log", "--limit", "-1"), "-1 超出范围（0～1000000000）", "(0 to 1000000000)"),
    ],
)
def test_usage_errors_name_things_in_the_users_language(gridlog, args, zh, en):
    chinese = gridlog("--lang", "zh", *args)
    assert chinese.exit_code == 2 and zh in chinese.stderr, chinese.stderr
    assert chinese.stderr.count("\n") == 1
    for english in ("Possible", "TEXT", "GRID", "<=x", "such"):
        assert english not in chinese.stderr, chinese.stderr
    english = gridlog("--lang", "en", *args)
    assert english.exit_code == 2 and en in english.stderr, english.stderr
    assert "Possible options" not in english.stderr


@pytest.mark.parametrize("args", [("GRID",), ("add", "TEXT", "ID")])
def test_what_the_user_typed_is_echoed_as_typed_not_translated(gridlog, args):
    refused = gridlog("--lang", "zh", *args)
    assert refused.exit_code == 2 and args[-1] in refused.stderr, refused.stderr


def test_an_empty_text_or_household_is_named_in_chinese(gridlog, red_grids):
    empty = gridlog("--lang", "zh", "add", "", "--grid", "红四")
    assert empty.exit_code == 1 and "内容 不能为空" in empty.stderr
    assert "TEXT" in gridlog("add", "", "--grid", "红四").stderr
    added = gridlog("add", "改造", "--grid", "红四", "--follow-up", "明天", "--json")
    item = json.loads(added.stdout)["followup"]["id"]
    refused = gridlog("--lang", "zh", "sign", str(item), " ")
    assert refused.exit_code == 2, refused.output
    assert "户 不能为空" in refused.stderr and "HOUSEHOLD" not in refused.stderr
    assert "HOUSEHOLD" in gridlog("sign", str(item), " ").stderr


@pytest.mark.parametrize(
    ("env", "words"),
    [("zh", ["fr", "zh", "en", "中文"]), ("en", ["fr", "zh", "en", "English"])],
)
def test_an_unknown_language_flag_is_refused(
    gridlog, red_grids, monkeypatch, env, words
):
    monkeypatch.setenv("GRIDLOG_LANG", env)
    for args in (("--lang", "fr", "grid", "list"), ("--lang=fr", "grid", "list")):
        refused = gridlog(*args)
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr.count("\n") == 1
        for word in words:
            assert word in refused.stderr, refused.stderr
    assert ("错误：" in refused.stderr) == (env == "zh")


def test_an_unknown_language_in_the_environment_is_said_once_and_the_command_runs(
    gridlog, red_grids, monkeypatch
):
    monkeypatch.setenv("GRIDLOG_LANG", "fr")
    result = gridlog("grid", "list")
    assert result.exit_code == 0 and "红四网格" in result.stdout
    assert "GRIDLOG_LANG=fr" in result.stderr and "zh" in result.stderr
    assert result.stderr.count("\n") == 1
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    chinese = gridlog("grid", "list")
    assert "网格员" in chinese.stdout and "GRIDLOG_LANG=fr" in chinese.stderr
    assert "不是" in chinese.stderr
    monkeypatch.setenv("GRIDLOG_LANG", "zh")
    assert gridlog("grid", "list").stderr == ""


def test_a_chinese_help_text_names_the_arguments_as_the_page_does():
    page = help_page("rule", "add", lang="zh")
    assert "{年龄} {内容}" in page and "满“年龄”岁" in page
    assert "AGE" not in page and "TEXT" not in page
