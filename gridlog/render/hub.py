"""The hub's workers, and a record's versions the hub kept, as tables for the office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from gridlog.render.log import fmt_moment
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


# What the hub did with a version it kept (`gridlog.history.outcome`).
_OUTCOMES = {"replaced": "hub.history.replaced", "refused": "hub.history.refused"}


def hub_history_doc(versions: Sequence[Any], today: dt.date, zone: dt.tzinfo) -> Doc:
    """`versions`: the hub's kept versions of a record (`hub.history.Version`),
    oldest first: when the hub decided, what it did, who had pushed the version,
    and what the version said."""
    if not versions:
        return [t("hub.history.none")]
    rows: list[list[Cell]] = [
        [
            fmt_moment(version.decided_at.astimezone(zone), today),
            t(_OUTCOMES[version.outcome]),
            pusher(version),
            str(version.revision),
            version_text(version.line),
        ]
        for version in versions
    ]
    columns = [
        t("hub.history.col.at"),
        t("hub.history.col.outcome"),
        t("hub.history.col.pushed_by"),
        t("hub.history.col.revision"),
        t("hub.history.col.text"),
    ]
    return [Table(rows=rows, columns=columns)]


def pusher(version: Any) -> str:
    """Who pushed a version: their name and login (the login alone when the
    roster does not say, as for a worker reading another's)."""
    login = clean(version.pushed_by)
    if version.pushed_by_name in (None, "", version.pushed_by):
        return login
    return t("hub.history.pusher", name=clean(version.pushed_by_name), login=login)


def version_text(line: dict[str, Any]) -> str:
    """What a kept version said: its text (a deletion says so)."""
    if line.get("deleted"):
        return t("hub.history.deleted")
    return clean(str(line.get("text") or "—"))
