"""A record's history and what `undo` took back, in the worker's language: fields by
their names in the catalogues, times in the worker's zone, categories and kinds by
their labels, residents' numbers masked (unless `--reveal`).

The history stores rows as the database holds them (`at: 2019-10-14T16:00:00Z`,
`category: civil-affairs`, `due_on`); nobody reading `gridlog history` should have
to know that.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from gridlog.dates.clock import from_utc_iso
from gridlog.render.log import fmt_date, fmt_every, fmt_moment
from gridlog.render.output import Cell, Doc, Table, clean
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t, tn

if TYPE_CHECKING:
    from gridlog.domain.revisions import Change, Undone

# The fields people recognise, in the catalogues as `history.field.<name>`; the
# others (ids linking rows, UUIDs, bookkeeping times) are not shown on screen.
_SHOWN = (
    "at",
    "grid_id",
    "place",
    "resident",
    "phone",
    "category",
    "kind",
    "text",
    "tags",
    "case_id",
    "due_on",
    "due_time",
    "every",
    "closed_at",
    "close_note",
    "opened_at",
    "owner",
)
_FREE_TEXT = frozenset({"text", "close_note", "place", "resident"})


def masked_fields(values: dict | None, reveal: bool) -> dict | None:
    """A history row's values with residents' phone and ID numbers masked, in their
    own fields and wherever a free text holds one."""
    if values is None or reveal:
        return values
    from gridlog.domain.masking import mask_id_number, mask_phone, mask_text

    masks: dict[str, Callable[[str], Any]] = {
        "phone": mask_phone,
        "id_number": mask_id_number,
        **dict.fromkeys(_FREE_TEXT, mask_text),
    }
    return {
        key: masks[key](value) if key in masks and isinstance(value, str) else value
        for key, value in values.items()
    }


def history_doc(
    changes: list[Change], today: dt.date, zone: dt.tzinfo, reveal: bool = False
) -> Doc:
    """A record's changes, oldest first: when, who, which command, what changed."""
    rows: list[list[Cell]] = []
    for change in changes:
        when = fmt_moment(change.at, today)
        what = describe(change, today, zone, reveal)
        row: list[Cell] = [when, clean(change.actor) or "—", change.command, what]
        if change.undone:
            row.append((t("history.undone"), "muted"))
        rows.append(row)
    return [
        Table(
            rows,
            columns=[
                t("history.col.at"),
                t("history.col.actor"),
                t("history.col.command"),
                t("history.col.change"),
            ],
        )
    ]


def describe(
    change: Change, today: dt.date, zone: dt.tzinfo, reveal: bool = False
) -> str:
    """`新建`, `删除`, or each changed field: `地点：9号楼 → 10号楼2单元`."""
    if change.table == "photos" and change.action in _PHOTO:
        return t(_PHOTO[change.action], name=_photo_name(change))
    before = masked_fields(change.before, reveal)
    after = masked_fields(change.after, reveal)
    if change.action != "update" or not before or not after:
        return t(f"history.{change.action}")
    moves = [
        (
            name,
            _value(name, before.get(name), change, today, zone),
            _value(name, after[name], change, today, zone),
        )
        for name in after
        if name in _SHOWN
    ]
    moves = [(name, old, new) for name, old, new in moves if old != new]
    if not moves:
        return t("history.update")
    sep = "；" if current_lang() == "zh" else "; "
    return sep.join(
        t(
            "history.field_change",
            field=t(f"history.field.{name}"),
            before=old,
            after=new,
        )
        for name, old, new in moves
    )


def _photo_name(change: Change) -> str:
    """A photo's name as it was given (none once a forget took the photo away)."""
    values = change.after or change.before or {}
    return clean(str(values.get("name") or "—"))


def _field(name: str) -> str:
    return t(f"history.field.{name}")


def _value(
    name: str, value: object, change: Change, today: dt.date, zone: dt.tzinfo
) -> str:
    """One stored value as the rest of gridlog shows it."""
    if value is None or value == "":
        return "—"
    if name in ("at", "closed_at", "opened_at"):
        return fmt_moment(from_utc_iso(str(value), zone), today)
    if name == "due_on":
        return fmt_date(dt.date.fromisoformat(str(value)), today)
    if name in ("category", "kind"):
        return vocab.label(name, str(value), current_lang())
    if name == "grid_id":
        return clean(change.grid_names.get(int(str(value)), f"#{value}"))
    if name == "case_id":
        return f"#{value}"
    if name == "every":
        return fmt_every(str(value))
    if name == "tags":
        return "、".join(clean(tag) for tag in json.loads(str(value))) or "—"
    return clean(str(value))


def undone_lines(undone: Undone, today: dt.date, zone: dt.tzinfo) -> str:
    """`已撤销：edit（1 处修改）`, then each record it took back and how: an edit's
    fields as they were changed, a new record removed, a deleted one restored."""
    count, command = undone.changes, undone.command or "—"
    lines = [tn("undo.done", count, command=command, count=count)]
    for change in undone.taken_back:
        if change.table == "photos" and change.action in _TOOK_PHOTO:
            values = change.after or change.before or {}
            entry = values.get("entry_id", "?")
            key = _TOOK_PHOTO[change.action]
            lines.append(t(key, name=_photo_name(change), entry=entry))
            continue
        if change.kind not in ("entry", "followup", "reminder"):
            continue
        # As the undo changed it: back from the edit's after to its before.
        back = replace(change, before=change.after, after=change.before)
        lines.append(
            t(
                _TOOK_BACK[change.action],
                record=t(f"record.{change.kind}"),
                id=change.record_id,
                change=describe(back, today, zone),
            )
        )
    return "\n".join(lines)


_TOOK_BACK = {
    "insert": "undo.took_insert",
    "update": "undo.took_update",
    "delete": "undo.took_delete",
}
# A photo is added with its entry (or by `edit --photo`) and goes with it.
_PHOTO = {"insert": "history.photo_insert", "delete": "history.photo_delete"}
_TOOK_PHOTO = {"insert": "undo.took_photo_insert", "delete": "undo.took_photo_delete"}
