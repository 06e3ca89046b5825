"""Cells of the CSV files gridlog writes, made safe for whoever opens them.

Excel and WPS run a cell that starts with `=`, `+`, `-` or `@` as a formula (a tab or
carriage return first is read past the same way), even in a CSV, so a grid named
`=HYPERLINK(…)` that arrived through an import would become a live link in the
monthly report. Such a text is written with a leading apostrophe, which the
spreadsheet shows as text and import (`transfer.cells.unquoted`) takes off again.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str | None) -> str:
    """A text cell: never a formula; no value is an empty cell."""
    if value is None:
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_value(value: Any) -> Any:
    """Any cell: numbers stay numbers, texts go through `csv_text`."""
    if value is None or isinstance(value, str):
        return csv_text(value)
    return value
