"""Hiding residents' phone and ID card numbers in what leaves the worker's hands.

Exports for Excel are forwarded, printed and pasted into chat groups, so they show
only enough of a number to tell two residents apart: the first three and last four
digits of a phone (`138****1234`), the region code and last four characters of a
resident ID (`110101********1234`), as Chinese government notices do. Pure functions
of text, so the screen can reuse them.
"""

from __future__ import annotations

import re

# An 18-character resident ID (17 digits and a check digit, X for 10), standing alone.
# `\d` is any decimal digit, so numbers typed with full-width digits (１３８…) match.
_ID_NUMBER = r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXxＸｘ])(?![\dA-Za-z])"
# A mainland mobile number, maybe with +86 and spaces or dashes: 138 1234 1234.
_MOBILE = r"(?<!\d)((?:\+?86[ -]?)?[1１][3-9３-９]\d)([ -]?)(\d{4})([ -]?)(\d{4})(?!\d)"
_DIGIT = r"\d"
# Every mobile number has eleven digits and every ID number seventeen: a text with
# fewer (nearly every text on screen) is not searched, and the two patterns above
# are compiled (by `re`, which keeps them) only for one that has as many.
_ELEVEN_DIGITS = r"\d(?:\D*\d){10}"


def mask_phone(phone: str | None) -> str | None:
    """A phone field: a mobile number as `138****1234`; any other number keeps its
    first three digits (when it has 11 or more) and its last four, and one shorter
    than seven digits is hidden whole. Separators stay, so the shape still reads."""
    if not phone:
        return phone
    mobile, found = re.subn(_MOBILE, _mask_mobile, phone)
    if found:
        return mobile
    digits = len(re.findall(_DIGIT, phone))
    if digits < 7:
        return re.sub(_DIGIT, "*", phone)
    keep_head = 3 if digits >= 11 else 0
    keep_tail = 4
    position = 0

    def hide(match: re.Match[str]) -> str:
        nonlocal position
        position += 1
        shown = position <= keep_head or position > digits - keep_tail
        return match.group() if shown else "*"

    return re.sub(_DIGIT, hide, phone)


def mask_id_number(number: str | None) -> str | None:
    """A resident ID: the six-digit region code and the last four characters stay."""
    if not number:
        return number
    number = number.strip()
    if len(number) < 11:
        return "*" * max(0, len(number) - 4) + number[-4:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_text(text: str) -> str:
    """Free text (an entry, a place, a name): every ID number and mobile number in
    it masked, everything else as written."""
    if not re.search(_ELEVEN_DIGITS, text):
        return text
    text = re.sub(_ID_NUMBER, lambda m: mask_id_number(m.group()), text)
    return re.sub(_MOBILE, _mask_mobile, text)


def _mask_mobile(match: re.Match[str]) -> str:
    head, first_gap, middle, second_gap, tail = match.groups()
    return f"{head}{first_gap}{'*' * len(middle)}{second_gap}{tail}"
