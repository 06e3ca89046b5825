"""How a domain error reads on screen.

Below the command line, errors carry a message key and parameters only, and name a
field by what it is (`Field.PLACE`), never by how it is typed. Here the key becomes
a sentence in the user's language, the field becomes the option or argument the user
typed (`--place`), and whatever the user typed is echoed escaped, so a newline or an
escape sequence cannot break the line.
"""

from __future__ import annotations

from collections.abc import Mapping

from gridlog.domain.limits import Field
from gridlog.errors import GridlogError
from gridlog.render.output import clean
from gridlog.words.i18n import t

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
}


def describe(error: GridlogError) -> str:
    """The user-facing line of `error`, in the current language."""
    return message(error.key, error.params)


def message(key: str, params: Mapping[str, object]) -> str:
    """The sentence for `key`, with fields spelled as typed and user text escaped."""
    return t(key, **{name: _shown(value) for name, value in params.items()})


def _shown(value: object) -> object:
    if isinstance(value, Field):
        return SPELLINGS[value]
    return clean(value) if isinstance(value, str) else value
