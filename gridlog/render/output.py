"""A tiny document model between the commands and the terminal.

Commands describe what to show as headings and tables of cells; this module turns
them into plain aligned text (for a pipe or a file: fast, rich is never imported) or
into rich tables with colour (for a terminal; `cli.terminal` decides which and
prints). Every piece of user-typed text
passes through `clean`, so control characters and escape sequences stored in the log
are shown escaped and can never drive the terminal.
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

# A cell is text, or (text, style) with a style from STYLES.
Cell = str | tuple[str, str]
STYLES = {
    "overdue": "bold red",
    "today": "yellow",
    "muted": "dim",
    "strong": "bold",
    "ok": "green",
}
# Controls, line separators, and invisible format characters (Unicode category Cf:
# a right-to-left override would show 王红 reversed, a zero-width space hides).
# Each is one that `str.isprintable` refuses, so a printable text (nearly all of
# them) is shown as it is and the pattern is compiled only for one that is not (its
# wide class costs about 1 % of a command's start to compile).
_CONTROL = (
    r"[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def clean(text: str | None) -> str:
    """User text made safe to print: newlines as ↵, other controls as \\xNN."""
    if text is None:
        return ""
    if text.isprintable():
        return text

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n":
            return "↵ "
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return re.sub(_CONTROL, escape, text)  # compiled once, then from re's cache


# NamedTuples, not dataclasses: every command that prints imports them, and a
# dataclass is generated from source at import (~1 ms each here).
class Table(NamedTuple):
    rows: list[list[Cell]]
    columns: Sequence[str] = ()
    title: str | None = None
    highlight: str | None = None  # shown reversed wherever it occurs, on terminals


class Heading(NamedTuple):
    text: str
    style: str = "strong"


Block = Table | Heading | str
Doc = list[Block]


def width(text: str) -> int:
    """Columns the text takes in a terminal: CJK and full-width characters take two.
    Measured once per text: a report's tables repeat the same grid names, places
    and categories hundreds of times."""
    if text.isascii():
        return len(text)
    columns = _WIDTHS.get(text)
    if columns is None:
        if len(_WIDTHS) >= 4096:  # a long-lived process (the tests) stays small
            _WIDTHS.clear()
        columns = _WIDTHS[text] = sum(map(_CHAR_WIDTHS.__getitem__, text))
    return columns


_WIDTHS: dict[str, int] = {}


class _CharWidths(dict):
    """Each character's columns, looked up once: a report's hundreds of places
    share a few hundred characters, and a hit is a lookup in C."""

    def __missing__(self, char: str) -> int:
        columns = self[char] = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return columns


_CHAR_WIDTHS = _CharWidths()


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]


def to_plain(doc: Doc) -> str:
    """The document as aligned plain text, one line per row."""
    lines: list[str] = []
    for block in doc:
        if isinstance(block, Table):
            lines.extend(_plain_table(block))
        elif isinstance(block, Heading):
            if lines:
                lines.append("")  # a heading opens a new section
            lines.append(block.text)
        else:
            lines.append(block)
    return "\n".join(lines)


def _plain_table(table: Table) -> list[str]:
    rows = [[_text(cell) for cell in row] for row in table.rows]
    if table.columns:
        rows.insert(0, list(table.columns))
    if not rows:
        return []
    # Each row's last cell is not padded, so its (often long) text is never measured.
    widths = [[width(text) for text in row[:-1]] for row in rows]
    count = max(len(row) for row in widths)
    column = [
        max((w[i] for w in widths if i < len(w)), default=0) for i in range(count)
    ]
    lines = [table.title] if table.title else []
    for row, row_widths in zip(rows, widths, strict=True):
        cells = [
            text + " " * (column[i] - row_widths[i]) for i, text in enumerate(row[:-1])
        ]
        lines.append(("  " + "  ".join([*cells, row[-1]])).rstrip())
    return lines


def to_rich(doc: Doc) -> list:
    """The document as rich renderables (used on terminals and in tests)."""
    from rich.table import Table as RichTable
    from rich.text import Text

    out: list = []
    for block in doc:
        if isinstance(block, Table):
            table = RichTable(
                title=block.title,
                title_justify="left",
                show_header=bool(block.columns),
                box=None,
                pad_edge=True,
                header_style="bold",
            )
            count = max([len(block.columns)] + [len(row) for row in block.rows])
            for i in range(count):
                header = block.columns[i] if i < len(block.columns) else ""
                table.add_column(header, overflow="fold", no_wrap=i < count - 1)
            for row in block.rows:
                cells = [_rich_cell(cell, Text) for cell in row]
                if block.highlight:
                    for cell in cells:
                        cell.highlight_words([block.highlight], style="reverse")
                table.add_row(*cells)
            out.append(table)
        elif isinstance(block, Heading):
            out.append(Text(block.text, style=STYLES.get(block.style, block.style)))
        else:
            out.append(Text(block))
    return out


def _rich_cell(cell: Cell, text_type):
    if isinstance(cell, str):
        return text_type(cell)
    return text_type(cell[0], style=STYLES.get(cell[1], ""))


def record_rich(doc: Doc, columns: int = 80) -> str:
    """What a terminal `columns` wide would show; for tests of the rich path."""
    from io import StringIO

    from rich.console import Console

    console = Console(
        file=StringIO(), width=columns, record=True, color_system=None, highlight=False
    )
    for renderable in to_rich(doc):
        console.print(renderable)
    return console.export_text()
