"""Two languages, one catalogue each, chosen the same way everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gridlog.cli.main import chosen_lang
from gridlog.words import i18n
from gridlog.words.locales import en, zh

SOURCE = Path(i18n.__file__).parent


def test_both_catalogues_have_the_same_keys():
    assert set(en.MESSAGES) == set(zh.MESSAGES)


def test_placeholders_agree_between_languages():
    for key, english in en.MESSAGES.items():
        fields = set(re.findall(r"{(\w*)}", english))
        assert fields == set(re.findall(r"{(\w*)}", zh.MESSAGES[key])), key


def test_every_literal_key_used_in_the_code_exists():
    used = set()
    for path in SOURCE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\("([a-z_.]+)"', text))
        used |= set(re.findall(r'\btn\("([a-z_.]+)"', text))
        used |= set(re.findall(r'GridlogError\(\s*"([a-z_.]+)"', text))
    missing = sorted(key for key in used if key not in en.MESSAGES)
    assert missing == []


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["--lang", "zh", "due"], {"GRIDLOG_LANG": "en"}, "zh"),
        (["--lang=en"], {"LANG": "zh_CN.UTF-8"}, "en"),
        (["due"], {"GRIDLOG_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
        (["due"], {"LANG": "zh_CN.UTF-8"}, "zh"),
        (["due"], {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (["due"], {"LANG": "C.UTF-8"}, "en"),
        (["due"], {}, "en"),
    ],
)
def test_language_is_flag_then_env_then_locale(argv, environ, expected):
    chosen = chosen_lang(argv, environ)
    assert (chosen or i18n.locale_lang(environ)) == expected


def test_english_plural_and_chinese_without(gridlog):
    i18n.set_lang("en")
    assert i18n.tn("due.overdue", 1, days=1) == "1 day overdue"
    assert i18n.tn("due.overdue", 3, days=3) == "3 days overdue"
    i18n.set_lang("zh")
    assert i18n.tn("due.overdue", 1, days=1) == "逾期1天"


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("add",), "缺少参数", "missing argument"),
        (("add", "x", "--bogus"), "没有这个选项", "no such option"),
        (("due", "--days", "abc"), "不是整数", "not a whole number"),
        (("frob",), "没有这个命令", "no such command"),
        (("add", "a", "b"), "多余的参数", "unexpected extra argument"),
    ],
)
def test_usage_errors_are_one_line_in_the_users_language(gridlog, args, zh, en):
    for lang, words, prefix in (("zh", zh, "错误："), ("en", en, "Error: ")):
        result = gridlog("--lang", lang, *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(prefix)
        assert words in result.stderr
        assert result.stderr.count("\n") == 1
