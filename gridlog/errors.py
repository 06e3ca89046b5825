"""The one exception type the domain raises for anything a user can fix.

It carries a message key and parameters, not text: the command line turns it into a
sentence in the user's language at the single place where errors are printed
(`cli.messages`), so nothing below the command line needs to know the words.
"""

from __future__ import annotations


class GridlogError(Exception):
    """A problem the user can fix: bad input, unknown id, unusable database."""

    def __init__(
        self,
        key: str,
        /,
        *,
        exit_code: int = 1,
        plural_of: int | None = None,
        **params: object,
    ) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.exit_code = exit_code
        # The number the sentence is about, where English says "1 row" but "2 rows".
        self.plural_of = plural_of
