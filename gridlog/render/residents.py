"""The register on screen and as JSON: residents' phone and ID numbers masked unless
`reveal`, every word from `i18n.t`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gridlog.domain.masking import mask_id_number, mask_phone
from gridlog.domain.residents import Added, Resident, ResidentStory
from gridlog.render.log import fmt_date, fmt_moment
from gridlog.render.output import Cell, Doc, Heading, Table, clean
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t, tn


def _phone(value: str | None, reveal: bool) -> str | None:
    return value if reveal else mask_phone(value)


def _id_number(value: str | None, reveal: bool) -> str | None:
    return value if reveal else mask_id_number(value)


def _fmt_month(day: dt.date) -> str:
    """A month without its day, as `fmt_date` writes dates: `1940年3月`, `1940-03`."""
    if current_lang() == "zh":
        return f"{day.year}年{day.month}月"
    return day.isoformat()[:7]


def fmt_born(resident: Resident, today: dt.date) -> str:
    if resident.born_on is None:
        return "—"
    if resident.born_year_only:
        born = t("resident.born_year", year=resident.born_on.year)
    elif resident.born_month_only:
        born = _fmt_month(resident.born_on)
    else:
        born = fmt_date(resident.born_on)
    return t("resident.born_age", born=born, age=resident.age(today))


def added_line(added: Added) -> str:
    resident = added.resident
    parts = [
        t(
            "resident.added",
            id=resident.id,
            name=clean(resident.name),
            place=clean(resident.place) or "—",
            grid=clean(resident.grid),
        )
    ]
    if added.linked:
        parts.append(tn("resident.linked", added.linked, count=added.linked))
    return t("list.sep").join(parts)


def _tags(resident: Resident) -> str:
    return "、".join(clean(tag) for tag in resident.tags) or "—"


def residents_doc(found: list[Resident], today: dt.date, reveal: bool) -> Doc:
    if not found:
        return [t("resident.none")]
    rows: list[list[Cell]] = []
    for resident in found:
        age = resident.age(today)
        rows.append(
            [
                f"#{resident.id}",
                clean(resident.name),
                clean(resident.place) or "—",
                clean(resident.grid),
                "—" if age is None else str(age),
                clean(_phone(resident.phone, reveal)) or "—",
                _tags(resident),
            ]
        )
    columns = [
        t(f"resident.col.{name}")
        for name in ("id", "name", "place", "grid", "age", "phone", "tags")
    ]
    return [Table(rows, columns=columns)]


def story_doc(story: ResidentStory, today: dt.date, reveal: bool) -> Doc:
    """A resident's card, then everything recorded about them, newest first."""
    resident = story.resident
    title = t("resident.title", id=resident.id, name=clean(resident.name))
    title += " · " + clean(resident.grid)
    if resident.place:
        title += " · " + clean(resident.place)
    facts = [
        (t("resident.field.phone"), clean(_phone(resident.phone, reveal)) or "—"),
        (
            t("resident.field.id_number"),
            clean(_id_number(resident.id_number, reveal)) or "—",
        ),
        (t("resident.field.born"), fmt_born(resident, today)),
        (t("resident.field.tags"), _tags(resident)),
    ]
    if resident.note:
        facts.append((t("resident.field.note"), clean(resident.note)))
    facts.append(
        (t("resident.field.registered"), fmt_date(resident.registered_on, today))
    )
    doc: Doc = [Heading(title), Table([[label, value] for label, value in facts])]
    doc.extend(_upcoming_blocks(story, today))
    doc.extend(_item_blocks(story, today))
    doc.append(
        Heading(tn("resident.entries", len(story.entries), count=len(story.entries)))
    )
    if not story.entries:
        doc.append(t("resident.no_entries"))
        return doc
    lang = current_lang()
    rows: list[list[Cell]] = []
    for entry in story.entries:
        what = vocab.label("kind", entry.kind, lang)
        if entry.category != "other":
            what += "·" + vocab.label("category", entry.category, lang)
        rows.append(
            [
                fmt_moment(entry.at, today, entry.day_only),
                f"#{entry.id}",
                clean(entry.place) or "—",
                (what, "muted"),
                clean(entry.text),
            ]
        )
    doc.append(Table(rows))
    return doc


def _upcoming_blocks(story: ResidentStory, today: dt.date) -> Doc:
    if not story.upcoming:
        return []
    rows: list[list[Cell]] = [
        [fmt_date(care.due, today), clean(care.text)] for care in story.upcoming
    ]
    return [Heading(t("resident.upcoming")), Table(rows)]


def _item_blocks(story: ResidentStory, today: dt.date) -> Doc:
    if not story.items:
        return []
    rows: list[list[Cell]] = []
    for item in story.items:
        if item.status == "done":
            state: Cell = (t("status.done"), "ok")
        elif item.due < today:
            state = (t("due.overdue", days=(today - item.due).days), "overdue")
        else:
            state = t("status.open")
        rows.append(
            [
                f"#{item.id}",
                t(f"item.{item.type}"),
                fmt_date(item.due, today),
                state,
                clean(item.text),
            ]
        )
    return [
        Heading(tn("resident.items", len(story.items), count=len(story.items))),
        Table(rows),
    ]


def resident_json(resident: Resident, today: dt.date, reveal: bool) -> dict[str, Any]:
    return {
        "id": resident.id,
        "name": resident.name,
        "place": resident.place,
        "grid": resident.grid,
        "phone": _phone(resident.phone, reveal),
        "id_number": _id_number(resident.id_number, reveal),
        "born": _born_json(resident),
        "age": resident.age(today),
        "tags": resident.tags,
        "note": resident.note,
        "registered_on": resident.registered_on.isoformat(),
    }


def _born_json(resident: Resident) -> str | None:
    if resident.born_on is None:
        return None
    if resident.born_year_only:
        return str(resident.born_on.year)
    if resident.born_month_only:
        return resident.born_on.isoformat()[:7]  # 1940-03
    return resident.born_on.isoformat()


def story_json(story: ResidentStory, today: dt.date, reveal: bool) -> dict[str, Any]:
    from gridlog.render.shapes import log_entry

    return {
        **resident_json(story.resident, today, reveal),
        "entries": [log_entry(entry) for entry in story.entries],
        "items": [
            {
                "id": item.id,
                "type": item.type,
                "text": item.text,
                "due": item.due.isoformat(),
                "status": item.status,
                "opened_at": item.opened_at.isoformat(),
                "closed_at": item.closed_at and item.closed_at.isoformat(),
                "every": item.every,
            }
            for item in story.items
        ],
        "upcoming": [
            {"rule_id": care.rule_id, "due": care.due.isoformat(), "text": care.text}
            for care in story.upcoming
        ],
    }


def rules_doc(rules: list) -> Doc:
    """`gridlog rule list`: each care rule, and the reminders it has produced."""
    if not rules:
        return [t("rule.none")]
    lang = current_lang()
    rows: list[list[Cell]] = [
        [
            f"#{rule.id}",
            t("rule.age", age=rule.age),
            (vocab.label("category", rule.category, lang), "muted"),
            clean(rule.text),
            t("rule.on") if rule.active else (t("rule.off"), "muted"),
            tn("rule.reminders", rule.reminders, n=rule.reminders, open=rule.open),
        ]
        for rule in rules
    ]
    return [Heading(t("rule.heading", count=len(rules))), Table(rows)]


def rule_json(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.id,
        "age": rule.age,
        "text": rule.text,
        "category": rule.category,
        "active": rule.active,
        "reminders": rule.reminders,
        "open": rule.open,
    }


def rule_saved_doc(saved: Any, key: str) -> Doc:
    """`rule add`/`rule edit`: what the rule filed, then, once, the residents already
    past its age that it did not (a backfill files theirs)."""
    rule = saved.rule
    doc: Doc = [t(key, id=rule.id, age=rule.age, n=saved.opened)]
    if saved.passed:
        doc.append(t("rule.passed", count=len(saved.passed), age=rule.age))
        rows: list[list[Cell]] = [
            [
                f"#{who.resident_id}",
                clean(who.name),
                clean(who.place) or "—",
                tn("rule.passed_age", who.age, age=who.age),
            ]
            for who in saved.passed
        ]
        doc.append(Table(rows))
    return doc
