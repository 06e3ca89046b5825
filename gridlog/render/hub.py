"""The hub's workers as a table for the office."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gridlog.render.output import Cell, Doc, Table, clean
from gridlog.words.i18n import t


def workers_doc(workers: Sequence[Any]) -> Doc:
    """`workers`: records with login, name, office and grids (`hub.workers.Worker`)."""
    if not workers:
        return [t("hub.no_workers")]
    rows: list[list[Cell]] = [
        [
            clean(worker.login),
            clean(worker.name),
            t("hub.every_grid")
            if worker.office
            else "、".join(clean(grid) for grid in worker.grids) or "—",
        ]
        for worker in workers
    ]
    columns = [t("hub.col.login"), t("hub.col.name"), t("hub.col.grids")]
    return [Table(rows=rows, columns=columns)]
