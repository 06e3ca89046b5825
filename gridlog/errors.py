"""The one exception type the domain raises for anything a user can fix.

It carries a message key and parameters, not text, so that the CLI can show it in the
user's language at the single place where errors are printed.
"""

from __future__ import annotations


class GridlogError(Exception):
    """A problem the user can fix: bad input, unknown id, unusable database."""

    def __init__(self, key: str, /, *, exit_code: int = 1, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.exit_code = exit_code

    def message(self) -> str:
        """The user-facing line, in the current language; whatever the user typed is
        echoed escaped, so a newline or an escape sequence cannot break the line."""
        from gridlog.render.output import clean
        from gridlog.words.i18n import t

        params = {
            name: clean(value) if isinstance(value, str) else value
            for name, value in self.params.items()
        }
        return t(self.key, **params)
