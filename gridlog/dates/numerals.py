"""Chinese numerals in date phrases: 十五 is 15, 两 is 2, 两千零四 is 2004, 零五 after
a clock is 05, and a year is read digit by digit (二〇二〇年 is 2020年).

Phrases are read after their numerals become digits, so each rule of the parser
(`dates.phrases`) and of recurrence (`dates.recurrence`) is written once; the register
of residents uses it to show a birth year typed in numerals.
"""

from __future__ import annotations

from itertools import groupby

from gridlog.dates.text import fullmatch

CN_DIGITS = {
    **dict.fromkeys("〇零", 0),
    **dict.fromkeys("一", 1),
    **dict.fromkeys("二两俩", 2),
    **{c: n for n, c in enumerate("三四五六七八九", start=3)},
    "仨": 3,
}
# What a run of numerals is made of; found without a regex, which would be compiled
# on every `add --follow-up 下周一` for its one character.
_NUMERALS = frozenset("〇零一二两俩三仨四五六七八九十百千")
_NONZERO = "[一二两俩三仨四五六七八九]"
# 两千零四, 二千, 一百二十, 十五, 二十一: each unit at most once, 零 only to skip one.
_POSITIONAL = (
    rf"(?:(?P<k>{_NONZERO})千)?(?:零?(?P<h>{_NONZERO})百)?"
    rf"(?:零?(?P<t>{_NONZERO})?(?P<ten>十))?(?:零?(?P<o>{_NONZERO}))?"
)


def cn_number(run: str) -> int | None:
    """The value of a Chinese numeral up to 9999 (五, 十, 十五, 二十一, 两千零四), or
    None when it is not one (三五, 二十零, 零十)."""
    if run in CN_DIGITS:
        return CN_DIGITS[run]
    if not any(unit in run for unit in "十百千"):
        return None
    m = fullmatch(_POSITIONAL, run)
    if m is None or run[0] in "零〇":
        return None
    value = 0
    for group, weight in (("k", 1000), ("h", 100), ("t", 10), ("o", 1)):
        if m[group]:
            value += CN_DIGITS[m[group]] * weight
    if m["ten"] and not m["t"]:
        value += 10  # 十五, 一百十
    return value


def cn_numerals_to_digits(text: str) -> str:
    """三月十五日 -> 3月15日, 两周后 -> 2周后, 两千零四年 -> 2004年; a year is read
    digit by digit (二〇二〇年 -> 2020年), and 零五 (八点零五) is 05. A run that is none
    of these is left alone and fails later."""
    pieces: list[str] = []
    end = 0
    for numerals, chars in groupby(text, _NUMERALS.__contains__):
        run = "".join(chars)
        end += len(run)
        pieces.append(_digits(run, text.startswith("年", end)) if numerals else run)
    return "".join(pieces)


def _digits(run: str, before_year: bool) -> str:
    """One run of numerals as digits (see `cn_numerals_to_digits`)."""
    plain = not any(unit in run for unit in "十百千")
    if len(run) > 1 and plain and before_year:
        return "".join(str(CN_DIGITS[c]) for c in run)
    if len(run) == 2 and run[0] in "零〇" and run[1] in CN_DIGITS:
        return f"0{CN_DIGITS[run[1]]}"
    value = cn_number(run)
    return run if value is None else str(value)
