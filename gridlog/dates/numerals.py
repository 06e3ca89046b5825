"""Chinese numerals in date phrases: 十五 is 15, 两 is 2, and a year is read digit by
digit (二〇二〇年 is 2020年).

Phrases are read after their numerals become digits, so each rule of the parser
(`dates.phrases`) and of recurrence (`dates.recurrence`) is written once; the register
of residents uses it to show a birth year typed in numerals.
"""

from __future__ import annotations

import re

from gridlog.dates.text import sub

CN_DIGITS = {
    **dict.fromkeys("〇零", 0),
    **dict.fromkeys("一", 1),
    **dict.fromkeys("二两", 2),
    **{c: n for n, c in enumerate("三四五六七八九", start=3)},
}
CN_NUMERAL_RUN = "[〇零一二两三四五六七八九十]+"


def cn_number(run: str) -> int | None:
    """The value of a Chinese numeral up to 99 (五, 十, 十五, 二十, 二十一), or None."""
    if run in CN_DIGITS:
        return CN_DIGITS[run]
    tens, ten, ones = run.partition("十")
    if not ten or len(tens) > 1 or len(ones) > 1:
        return None
    high = CN_DIGITS.get(tens, 0) if tens else 1
    low = CN_DIGITS.get(ones, 0) if ones else 0
    if high == 0 or (ones and low == 0):
        return None
    return 10 * high + low


def cn_numerals_to_digits(text: str) -> str:
    """三月十五日 -> 3月15日, 两周后 -> 2周后; a year is read digit by digit
    (二〇二〇年 -> 2020年). A run that is neither is left alone and fails later."""

    def digits(m: re.Match[str]) -> str:
        run = m[0]
        if len(run) > 1 and "十" not in run and text.startswith("年", m.end()):
            return "".join(str(CN_DIGITS[c]) for c in run)
        value = cn_number(run)
        return run if value is None else str(value)

    return sub(CN_NUMERAL_RUN, digits, text)
