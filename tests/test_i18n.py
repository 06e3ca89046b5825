"""Two languages, one catalogue each, chosen the same way everywhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from gridlog.cli.main import chosen_lang
from gridlog.words import i18n
from gridlog.words.locales import en, zh

PACKAGE = Path(i18n.__file__).parent.parent


def test_both_catalogues_have_the_same_keys():
    assert set(en.MESSAGES) == set(zh.MESSAGES)


def test_placeholders_agree_between_languages():
    for key, english in en.MESSAGES.items():
        fields = set(re.findall(r"{(\w*)}", english))
        assert fields == set(re.findall(r"{(\w*)}", zh.MESSAGES[key])), key


# Keys the code builds from a prefix and a value (`t(f"weekday.{n}")`): every key
# under one of these counts as used. A new f-string key must be added here on purpose.
FAMILIES = (
    "config.",
    "every.1",
    "every.n",
    "export.col.",
    "grid.col.",
    "history.",
    "history.field.",
    "import.stage.",
    "item.",
    "label.",
    "merge.what.",
    "record.",
    "report.col.",
    "resident.col.",
    "show.",
    "status.",
    "unit.",
    "weekday.",
)
KEY_SHAPE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


def code_strings(package: Path) -> tuple[set[str], set[str]]:
    """Every string constant of the code (catalogues aside), and the constant heads
    of its f-strings."""
    constants: set[str] = set()
    heads: set[str] = set()
    for path in package.rglob("*.py"):
        if "locales" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and KEY_SHAPE.match(
                    first.value.rstrip(".") or "-"
                ):
                    heads.add(first.value)
    return constants - heads, heads


def unknown_keys(constants: set[str], catalogue: dict[str, str]) -> list[str]:
    """Strings shaped like a key of a namespace the catalogue has, but not in it:
    a typo, or a message that was never written."""
    spaces = {key.split(".")[0] for key in catalogue}
    return sorted(
        text
        for text in constants
        if KEY_SHAPE.match(text)
        and text.split(".")[0] in spaces
        and text not in catalogue
        and not text.startswith(FAMILIES)
    )


def unused_keys(constants: set[str], catalogue: dict[str, str]) -> list[str]:
    def used(key: str) -> bool:
        return key.removesuffix(".one") in constants or key.startswith(FAMILIES)

    return sorted(key for key in catalogue if not used(key))


def test_every_key_the_code_names_is_in_the_catalogues_and_every_key_is_used():
    constants, heads = code_strings(PACKAGE)
    assert unknown_keys(constants, en.MESSAGES) == []
    assert unused_keys(constants, en.MESSAGES) == []
    spaces = {key.split(".")[0] for key in en.MESSAGES}
    new = [head for head in heads - set(FAMILIES) if head.split(".")[0] in spaces]
    assert new == []  # a family of keys built at run time: declare it above


def test_the_key_check_finds_a_typo_and_an_unused_key():
    constants, _ = code_strings(PACKAGE)
    typo = unknown_keys(constants | {"due.overdeu"}, en.MESSAGES)
    assert typo == ["due.overdeu"]
    unused = unused_keys(constants - {"add.remind_text_alone"}, en.MESSAGES)
    assert unused == ["add.remind_text_alone"]


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


# "{count} entries" in English needs a "1 entry" beside it. These messages are only
# ever about two or more, or about a number that is not a count of the noun after it.
NEVER_ONE = {
    "building.range_too_big",  # more than the most, which is at least 2
    "due.visits",  # shown from the second visit on
    "coverage.share",  # "{visited}/{households} households"
    "done.unsigned",  # "{signed}/{needed} households"
    "sign.tally",  # the same
    "resident.shared_phone",  # two or more residents share it
    "resident.ambiguous",  # two or more share the name
    "export.xlsx_too_big",  # over a million
    "import.committed",  # a progress line every 50,000 rows
    "every.nd",  # n > 1: one is "daily", `every.1d`
    "every.nw",
    "every.nm",
    "every.ny",
}
COUNTED = re.compile(
    r"{\w+} (?:[a-z-]+ )?(?:rows|entries|items|days|households|photos|changes|"
    r"grids|residents|visits|follow-ups|reminders|buildings|records|weeks|months|years)\b"
)


def test_every_english_count_of_things_can_say_one():
    counted = {
        key
        for key, text in en.MESSAGES.items()
        if COUNTED.search(text) and not key.endswith(".one")
    }
    lacking = {key for key in counted - NEVER_ONE if f"{key}.one" not in en.MESSAGES}
    assert lacking == set()
    assert NEVER_ONE - counted == set()  # a stale exemption would hide a new one


def test_english_says_one_thing_and_two_things():
    i18n.set_lang("en")
    assert i18n.tn("import.already", 1, skipped="1") == (
        "1 row was imported before and was left alone."
    )
    assert i18n.tn("import.already", 2, skipped="2") == (
        "2 rows were imported before and were left alone."
    )
    i18n.set_lang("zh")
    assert i18n.tn("import.already", 1, skipped="1") == i18n.t(
        "import.already", skipped="1"
    )


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
