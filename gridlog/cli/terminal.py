"""Where documents meet the terminal: rich tables with colour when a person is
watching, plain aligned text for a pipe or a file (rich is then never imported)."""

from __future__ import annotations

import sys
from typing import TextIO

from gridlog.render.output import Doc, to_plain, to_rich


def print_doc(doc: Doc, file: TextIO | None = None) -> None:
    """Print to the terminal with rich, or as plain text to anything else."""
    file = file or sys.stdout
    if not is_terminal(file):
        text = to_plain(doc)
        if text:
            file.write(text + "\n")
        return
    console = _console(file)
    for renderable in to_rich(doc):
        console.print(renderable)


def is_terminal(file: TextIO) -> bool:
    """Is a person watching `file`? Anything without `isatty` is a no."""
    try:
        return file.isatty()
    except (AttributeError, ValueError):
        return False


def _console(file: TextIO):  # -> rich.console.Console, imported only here
    from rich.console import Console

    return Console(file=file, highlight=False, soft_wrap=False)
