"""How a domain error reads on screen.

Below the command line, errors carry a message key and parameters only, and name a
field by what it is (`Field.PLACE`), never by how it is typed. Here the key becomes
a sentence in the user's language, the field becomes the option or argument the user
typed (`--place`), and whatever the user typed is echoed escaped, so a newline or an
escape sequence cannot break the line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from gridlog.domain.limits import Field
from gridlog.errors import GridlogError
from gridlog.render.output import clean
from gridlog.words.i18n import t, tn

# How each field is typed on the command line.
SPELLINGS: Mapping[Field, str] = {
    Field.TEXT: "TEXT",
    Field.NAME: "NAME",
    Field.HOUSEHOLD: "HOUSEHOLD",
    Field.NEW_TEXT: "--text",
    Field.NEW_NAME: "--name",
    Field.PLACE: "--place",
    Field.RESIDENT: "--resident",
    Field.PHONE: "--phone",
    Field.TAG: "--tag",
    Field.NOTE: "--note",
    Field.REMIND_TEXT: "--remind-text",
    Field.WORKER: "--worker",
    Field.ALIAS: "--alias",
    Field.BUILDING: "--building",
    Field.COMMUNITY: "--community",
    Field.OWNER: "--owner",
}


# The arguments' names as `--help` shows them (`gridlog add [OPTIONS] TEXT`), by
# their English spelling: help pages, usage errors and field errors name an argument
# the same way, in the user's language (`内容 不能为空`, `缺少参数 网格`).
ARGUMENTS: Mapping[str, str] = {
    "TEXT": "argname.text",
    "NAME": "argname.name",
    "ID": "argname.id",
    "WHEN": "argname.when",
    "GRID": "argname.grid",
    "BUILDING": "argname.building",
    "HOUSEHOLD": "argname.household",
    "AGE": "argname.age",
    "FILE": "argname.file",
}


def argument_name(metavar: str) -> str:
    """`TEXT` → 内容, `BUILDING...` → 楼栋..., `NAME|ID` → 名称|编号 in Chinese;
    anything else (an option's `--grid`) as it is."""
    return re.sub(
        r"[A-Z]+",
        lambda word: t(ARGUMENTS[word[0]]) if word[0] in ARGUMENTS else word[0],
        metavar,
    )


def describe(error: GridlogError) -> str:
    """The user-facing line of `error`, in the current language."""
    return message(error.key, error.params, plural_of=error.plural_of)


def message(
    key: str, params: Mapping[str, object], *, plural_of: int | None = None
) -> str:
    """The sentence for `key`, with fields spelled as typed, user text escaped and
    dates in the style of every other line (`3月13日`; the year shown when the
    error carries a `today` of another year, or none)."""
    today = params.get("today")
    shown = {name: _shown(value, today) for name, value in params.items()}
    return t(key, **shown) if plural_of is None else tn(key, plural_of, **shown)


def _shown(value: object, today: object = None) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        from gridlog.render.log import fmt_date

        return fmt_date(value, today if isinstance(today, dt.date) else None)
    if isinstance(value, Field):
        return argument_name(SPELLINGS[value])
    return clean(value) if isinstance(value, str) else value
