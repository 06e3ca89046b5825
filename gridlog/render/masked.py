"""Phone and ID card numbers typed into texts, hidden on screen as export hides them.

The register's own fields were always masked, but a worker writes numbers into what
they note (`回访，电话13812341234`), and those went to the screen, and through it to
screenshots and chat groups, in full. Every text of a document or a JSON answer goes
through `domain.masking.mask_text` on its way out, unless the worker asks `--reveal`.
A whole document is walked rather than each field named, so that a text added to a
screen later is masked without anyone remembering to. `mask_text` looks at a text
only when it holds a run of digits, so this costs next to nothing.
"""

from __future__ import annotations

from typing import Any

from gridlog.domain.masking import mask_text
from gridlog.render.output import Cell, Doc, Heading, Table


def masked_doc(doc: Doc) -> Doc:
    """The document with every number in its texts masked."""
    return [_block(block) for block in doc]


def masked_data(value: Any) -> Any:
    """A JSON answer with every number in its strings masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [masked_data(item) for item in value]
    if isinstance(value, dict):
        return {key: masked_data(item) for key, item in value.items()}
    return value


def _block(block: Table | Heading | str):
    if isinstance(block, Table):
        return Table(
            [[_cell(cell) for cell in row] for row in block.rows],
            columns=block.columns,
            title=None if block.title is None else mask_text(block.title),
            highlight=block.highlight,
        )
    if isinstance(block, Heading):
        return Heading(mask_text(block.text), block.style)
    return mask_text(block)


def _cell(cell: Cell) -> Cell:
    if isinstance(cell, str):
        return mask_text(cell)
    return (mask_text(cell[0]), cell[1])
