"""Turns domain results into documents (see `output`) in the user's language.

Nothing here prints or touches the database; every word comes from `i18n.t`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gridlog.domain.grids import GridSummary
from gridlog.render.output import Cell, Doc, Heading, Table, clean
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t, tn

if TYPE_CHECKING:
    # What `add`, `done` and `snooze` return: `due` need not load it; and what the
    # reading commands show: `add` and its one line need not load that.
    from gridlog.domain.entries import Added, Closed, Snoozed
    from gridlog.domain.items import Opened
    from gridlog.domain.log import Backlog, DueItem, EntryView, LogEntry, Story
    from gridlog.domain.revisions import Edited


def fmt_date(day: dt.date, today: dt.date | None = None) -> str:
    """`3月15日` (with the year when it is not this year) or ISO in English."""
    if current_lang() != "zh":
        return day.isoformat()
    if today is not None and day.year == today.year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def fmt_size(size: int) -> str:
    """`812 B`, `1.2 KB`, `3.4 MB`: a file's size as people read it."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def fmt_moment(
    moment: dt.datetime, today: dt.date | None = None, day_only: bool = False
) -> str:
    """`3月15日 09:30`; the day alone when that is all that is known (`day_only`:
    an old log gave no time, and 00:00 would be one made up)."""
    if day_only:
        return fmt_date(moment.date(), today)
    return f"{fmt_date(moment.date(), today)} {moment:%H:%M}"


def _took(story) -> str:
    took = _days_or_minutes(story.resolution_minutes, story.resolution_days or 0)
    return t("show.took", took=took)


def _days_or_minutes(minutes: int | None, days: int) -> str:
    """用时 as far as it is known: in minutes and hours when both ends have their
    hour, else in days (an old log gave a day without its hour)."""
    if minutes is not None:
        return fmt_minutes(minutes)
    return tn("took.days", days, days=days) if days else t("took.same_day")


def fmt_due(day: dt.date, time: dt.time | None, today: dt.date | None = None) -> str:
    """A due date, with its time when it is an appointment: `3月16日 09:00`."""
    shown = fmt_date(day, today)
    return shown if time is None else f"{shown} {time:%H:%M}"


def fmt_weekday(day: dt.date) -> str:
    return t(f"weekday.{day.weekday()}")


def fmt_minutes(minutes: int) -> str:
    """A time to resolve in words: `17分钟`, `3天 4小时`, `2 hours 5 minutes`."""
    if minutes < 1:
        return t("duration.under_a_minute")
    import pendulum  # only `show`, `done` and reports need it; slow to import

    # Two units are enough to judge a case: 9周 3天, 3天 4小时, 2小时 5分钟.
    if minutes >= 7 * 24 * 60:
        minutes -= minutes % (24 * 60)
    elif minutes >= 24 * 60:
        minutes -= minutes % 60
    return pendulum.duration(minutes=minutes).in_words(locale=current_lang())


def _item_type(kind: str) -> str:
    return t(f"item.{kind}")


def added_line(added: Added, today: dt.date) -> str:
    """One line saying what `add` stored."""
    parts = [
        t(
            "add.stored",
            id=added.id,
            grid=clean(added.grid),
            at=fmt_moment(added.at, today),
        )
    ]
    if added.case_id is not None:
        parts.append(t("add.visit", case=added.case_id, n=added.visit_number))
    for item in added.opened:
        parts.append(_opened_text(item, today))
    if added.owner is not None:
        parts.append(t("add.owner", owner=clean(added.owner)))
    if added.registered:
        name = clean(added.resident)
        parts.append(t("add.registered", name=name, id=added.resident_id))
    elif added.resident is not None and added.resident_id is None:
        parts.append(t("add.not_registered", name=clean(added.resident)))
    if added.photos:
        parts.append(tn("add.photos", added.photos, count=added.photos))
    return t("list.sep").join(parts)


def _opened_text(item: Opened, today: dt.date) -> str:
    return t(
        "add.opened",
        type=_item_type(item.type),
        id=item.id,
        due=fmt_due(item.due, item.time, today),
    )


def buildings_added_line(grid: str, names: list[str]) -> str:
    """`已为 第八网格 添加 12 栋楼：1号楼、2号楼 … 12号楼。`: a range typed is shown
    as the buildings it made, for the worker to check."""
    shown = [clean(name) for name in names]
    if len(shown) > 4:
        shown = [shown[0], f"{shown[1]} … {shown[-1]}"]
    return tn(
        "grid.buildings_added",
        len(names),
        grid=clean(grid),
        count=len(names),
        names="、".join(shown),
    )


def snoozed_line(snoozed: Snoozed, today: dt.date) -> str:
    """`跟进 #6 推迟到 3月18日 截止（原为 3月14日）。`: 推迟 or 提前 as it is."""
    item = snoozed.item
    was_day, was_time = snoozed.before
    key = _direction((was_day, was_time), (item.due, item.time))
    return t(
        key,
        type=_item_type(item.type),
        id=item.id,
        due=fmt_due(item.due, item.time, today),
        before=fmt_due(was_day, was_time, today),
    )


def _direction(before: tuple, after: tuple) -> str:
    """The message for a due moved later, earlier or not at all, an untimed one
    counting as the start of its day."""

    def order(moment: tuple) -> tuple:
        return (moment[0], moment[1] or dt.time(0))

    if order(after) == order(before):
        return "snooze.done"
    return "snooze.later" if order(after) > order(before) else "snooze.earlier"


def edited_line(edited: Edited, record_id: int, today: dt.date) -> str:
    """`已修改日志 #40。`, and when its day or time changed, from what to what."""
    kind = t(f"record.{edited.kind}")
    if edited.moved is None:
        line = t("edit.done", type=kind, id=record_id)
    else:
        (day, time), (new_day, new_time) = edited.moved
        line = t(
            "edit.moved",
            type=kind,
            id=record_id,
            before=fmt_due(day, time, today),
            after=fmt_due(new_day, new_time, today),
        )
    lines = [line] if edited.changed else []
    if edited.opened is not None and edited.opened_due is not None:
        lines.append(
            t(
                "edit.opened",
                id=record_id,
                item=edited.opened,
                due=fmt_due(*edited.opened_due, today),
            )
        )
    if edited.owner is not None:
        item = record_id if edited.opened is None else edited.opened
        lines.append(t("edit.owner", id=item, owner=clean(edited.owner)))
    if edited.photos:
        lines.append(
            tn("edit.photos", edited.photos, id=record_id, count=edited.photos)
        )
    return "\n".join(lines)


def fmt_every(every: str) -> str:
    """`每周`, `每3天`, `every 2 weeks`."""
    count, unit = int(every[:-1]), every[-1]
    if count == 1:
        return t(f"every.1{unit}")
    return t(f"every.n{unit}", n=count)


def closed_line(closed: Closed, today: dt.date | None = None) -> str:
    line = t(
        "done.done",
        type=_item_type(closed.type),
        id=closed.id,
        took=_days_or_minutes(closed.minutes, closed.days),
    )
    if closed.next is not None:
        line += ("" if current_lang() == "zh" else " ") + t(
            "done.next",
            id=closed.next.id,
            due=fmt_due(closed.next.due, closed.next.time, today),
        )
    return line


def overdue_cell(item: DueItem) -> Cell:
    if item.overdue_days > 0:
        return (tn("due.overdue", item.overdue_days, days=item.overdue_days), "overdue")
    return (t("due.today"), "today") if item.overdue_days == 0 else ""


def due_doc(
    items: list[DueItem],
    today: dt.date,
    days: int,
    backlog: list[Backlog] | None = None,
) -> Doc:
    """Due and overdue items grouped by grid, in the order given. On the morning
    screen `items` holds only what is due or overdue by up to RECENT_OVERDUE_DAYS,
    and `backlog` sums up, per grid, the older items left out (`due --all` lists
    them and passes no backlog)."""
    backlog = backlog or []
    old = sum(late.count for late in backlog)
    overdue = sum(1 for item in items if item.overdue_days > 0) + old
    doc = _due_heading(items, today, days, len(items) + old, overdue)
    groups = _by_grid(items)
    left_out = {late.grid_id: late for late in backlog}
    for grid_id in sorted({*groups, *left_out}):
        if grid_id in groups:
            doc.append(_due_table(groups[grid_id], today))
        if grid_id in left_out:
            doc.append(_backlog_line(left_out[grid_id], today))
    return doc


def _backlog_line(late: Backlog, today: dt.date) -> str:
    """`红四：另有 2,905 项逾期超过 7 天，最早 2024年3月2日；gridlog due --all`."""
    from gridlog.domain.log import RECENT_OVERDUE_DAYS

    return tn(
        "due.backlog",
        late.count,
        grid=clean(late.grid),
        count=f"{late.count:,}",
        days=RECENT_OVERDUE_DAYS,
        day=fmt_date(late.earliest, today),
    )


def _due_heading(
    items: list[DueItem], today: dt.date, days: int, count: int, overdue: int
) -> Doc:
    """The day and how many items are due, of which overdue; or that none is."""
    header = t("due.header", day=fmt_date(today), weekday=fmt_weekday(today))
    if not count:
        return [Heading(header), t("due.none_days" if days else "due.none")]
    summary = tn("due.summary", count, count=count, overdue=overdue)
    return [Heading(f"{header} · {summary}")]


def _due_table(group: list[DueItem], today: dt.date) -> Table:
    """One grid's items, a row each: number, type, due date, how late, place, text
    (with its visits, sign-offs and how often it comes back)."""
    rows: list[list[Cell]] = []
    for item in group:
        state = overdue_cell(item) if item.due <= today else t("due.upcoming")
        text = clean(item.text)
        if item.visits > 1:
            text += t("due.visits", n=item.visits)
        if item.needed:
            text += t("due.signed", signed=item.signed, needed=item.needed)
        if item.every:
            text += t("due.every", every=fmt_every(item.every))
        if item.owner:
            text += t("due.owner", owner=clean(item.owner))
        rows.append(
            [
                f"#{item.id}",
                _item_type(item.type),
                fmt_due(item.due, item.time, today),
                state,
                clean(item.place) or "—",
                text,
            ]
        )
    return Table(rows, title=clean(group[0].grid))


def _by_grid(items: list[DueItem]) -> dict[int, list[DueItem]]:
    groups: dict[int, list[DueItem]] = {}
    for item in items:
        groups.setdefault(item.grid_id, []).append(item)
    return groups


def log_doc(
    entries: list[LogEntry],
    today: dt.date,
    highlight: str | None = None,
    in_note: set[int] = frozenset(),
) -> Doc:
    """The walking log as the paper one reads: a heading per day, a line per entry
    (`highlight`: a searched-for word to mark on terminals; `in_note`: entries
    found only in their case's closing note, marked so, since nothing on their
    line shows the word)."""
    if not entries:
        return [t("log.none")]
    lang = current_lang()
    doc: Doc = []
    rows: list[list[Cell]] = []
    day: dt.date | None = None
    for entry in entries:
        if entry.at.date() != day:
            if rows:
                doc.append(Table(rows, highlight=highlight))
                rows = []
            day = entry.at.date()
            doc.append(Heading(f"{fmt_date(day)} {fmt_weekday(day)}"))
        what = vocab.label("kind", entry.kind, lang)
        if entry.category != "other":
            what += "·" + vocab.label("category", entry.category, lang)
        text = clean(entry.text)
        if entry.resident:
            text = (
                f"{clean(entry.resident)}：{text}"
                if lang == "zh"
                else (f"{clean(entry.resident)}: {text}")
            )
        if entry.id in in_note:
            text += t("search.in_note")
        rows.append(
            [
                "—" if entry.day_only else f"{entry.at:%H:%M}",
                f"#{entry.id}",
                clean(entry.grid),
                clean(entry.place) or "—",
                (what, "muted"),
                text,
            ]
        )
    doc.append(Table(rows, highlight=highlight))
    return doc


def record_doc(view: Story | EntryView, today: dt.date) -> Doc:
    """`show`: a follow-up's story, or an entry and the story of each of its cases."""
    from gridlog.domain.log import Story

    if isinstance(view, Story):
        return story_doc(view, today)
    return entry_doc(view, today)


def entry_doc(view: EntryView, today: dt.date) -> Doc:
    """An entry as the log shows it, then its cases (or how to open one)."""
    entry = view.entry
    lang = current_lang()
    title = t("show.entry_title", id=entry.id, grid=clean(entry.grid))
    if entry.place:
        title += " · " + clean(entry.place)
    what = vocab.label("kind", entry.kind, lang)
    if entry.category != "other":
        what += "·" + vocab.label("category", entry.category, lang)
    facts = [fmt_moment(entry.at, today, entry.day_only), what]
    if entry.resident:
        facts.append(clean(entry.resident))
    if entry.tags:
        facts.append("、".join(clean(tag) for tag in entry.tags))
    doc: Doc = [Heading(title), t("list.sep").join(facts), clean(entry.text)]
    for photo in view.photos:
        doc.append(
            t(
                "show.photo",
                name=clean(photo.name),
                size=fmt_size(photo.size),
                path=clean(str(photo.path)),
            )
        )
    if not view.cases:
        doc.append(t("show.no_case", id=entry.id))
    for case in view.cases:
        doc.extend(story_doc(case, today))
    return doc


def story_doc(story: Story, today: dt.date) -> Doc:
    """A follow-up from first visit to closing, visits numbered as 第N次."""
    status = t(f"status.{story.status}")
    title = t(
        "show.title",
        type=_item_type(story.type),
        id=story.id,
        grid=clean(story.grid),
        status=status,
    )
    if story.place:
        title += " · " + clean(story.place)
    doc: Doc = [Heading(title), clean(story.text)]
    facts = [
        t("show.opened", at=fmt_moment(story.opened_at, today, story.opened_day_only)),
        t("show.due", due=fmt_due(story.due, story.due_time, today)),
    ]
    if story.every:
        facts.append(fmt_every(story.every))
    if story.owner:
        facts.append(t("show.owner", owner=clean(story.owner)))
    if story.closed_day_unknown:
        facts += [t("show.closed_unknown"), t("show.took_unknown")]
    elif story.closed_at is not None:
        closed = fmt_moment(story.closed_at, today, story.closed_time_unknown)
        facts.append(t("show.closed", at=closed))
        facts.append(_took(story))
    elif story.due < today:
        late = (today - story.due).days
        facts.append(tn("due.overdue", late, days=late))
    doc.append(t("list.sep").join(facts))
    if story.signoffs is not None:
        doc.extend(signoff_lines(story.signoffs))
    rows: list[list[Cell]] = []
    for event in story.events:
        when = fmt_moment(event.at, today, event.day_only)
        if event.unknown:
            when = t("show.day_unknown")
        if event.what == "visit":
            label: Cell = t("show.visit_n", n=event.number)
            rows.append([label, when, f"#{event.entry_id}", clean(event.detail)])
        elif event.moved is not None:  # a snooze or a new due date
            was, now = event.moved
            earlier = _direction(was, now) == "snooze.earlier"
            label = t("show.brought_forward" if earlier else "show.snoozed")
            moved = f"{fmt_due(*was, today)} → {fmt_due(*now, today)}"
            rows.append([(label, "muted"), when, "", moved])
        else:
            style = "ok" if event.what == "done" else "muted"
            rows.append(
                [(t(f"show.{event.what}"), style), when, "", clean(event.detail)]
            )
    doc.append(Table(rows))
    return doc


def grids_doc(summaries: list[GridSummary]) -> Doc:
    if not summaries:
        return [t("grid.none")]
    rows: list[list[Cell]] = []
    for grid in summaries:
        overdue: Cell = (str(grid.overdue), "overdue") if grid.overdue else "0"
        rows.append(
            [
                clean(grid.name),
                "、".join(clean(alias) for alias in grid.aliases) or "—",
                clean(grid.worker) or "—",
                clean(grid.phone) or "—",
                _count(grid.households),
                str(len(grid.buildings)),
                str(grid.open),
                overdue,
            ]
        )
    columns = [
        t(f"grid.col.{name}")
        for name in (
            "name",
            "aliases",
            "worker",
            "phone",
            "households",
            "buildings",
            "open",
            "overdue",
        )
    ]
    return [Table(rows, columns=columns)]


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def grid_doc(grid: GridSummary) -> Doc:
    lines = [
        (t("grid.col.aliases"), "、".join(clean(a) for a in grid.aliases) or "—"),
        (t("grid.col.worker"), clean(grid.worker) or "—"),
        (t("grid.col.phone"), clean(grid.phone) or "—"),
        (t("grid.col.households"), _count(grid.households)),
        (t("grid.col.population"), _count(grid.population)),
        (t("grid.col.buildings"), "、".join(clean(b) for b in grid.buildings) or "—"),
        (t("grid.col.open"), str(grid.open)),
        (t("grid.col.overdue"), str(grid.overdue)),
    ]
    if grid.coverage is not None:
        lines.append((t("grid.col.visited_this_month"), fmt_coverage(grid.coverage)))
    return [
        Heading(clean(grid.name)),
        Table([[label, value] for label, value in lines]),
    ]


def fmt_coverage(coverage) -> str:
    """`412/618 户（67%）`; unknown, not 0%, when the register has no household."""
    if coverage.households is None:
        return t("coverage.unknown")
    return t(
        "coverage.share",
        visited=coverage.visited,
        households=coverage.households,
        share=f"{coverage.share:.0%}",
    )


def config_doc(values: dict[str, str], path: str) -> Doc:
    rows: list[list[Cell]] = [
        [t(f"config.{key}"), clean(values.get(key, "—"))]
        for key in ("worker", "grid", "tz", "lang", "community")
    ]
    rows.append([t("config.db"), path])
    return [Table(rows)]


def signoff_lines(tally) -> list[str]:
    """`已签字 12/18户`, who refused, and whom to visit next."""
    lines = [t("sign.tally", signed=len(tally.signed), needed=tally.needed)]
    if tally.refused:
        names = "、".join(clean(name) for name in tally.refused)
        lines.append(t("sign.refused_list", count=len(tally.refused), households=names))
    if tally.to_visit:
        names = "、".join(clean(name) for name in tally.to_visit)
        lines.append(t("sign.to_visit", count=len(tally.to_visit), households=names))
    else:
        lines.append(t("sign.all_signed", id=tally.item_id))
    return lines


def stale_doc(households, today: dt.date, days: int) -> Doc:
    """Households not visited for `days` days, per grid, tagged ones first."""
    header = tn("stale.header", days, days=days, day=fmt_date(today))
    if not households:
        return [Heading(header), tn("stale.none", days, days=days)]
    count = tn("stale.count", len(households), count=len(households))
    doc: Doc = [Heading(f"{header} · {count}")]
    groups: dict[str, list] = {}
    for household in households:
        groups.setdefault(household.grid, []).append(household)
    for grid, group in groups.items():
        rows: list[list[Cell]] = []
        for h in group:
            tags = "、".join(clean(tag) for tag in h.tags)
            if h.last_visit is None:
                when = t("stale.never", day=fmt_date(h.registered))
            else:
                when = tn("stale.last", h.days, day=fmt_date(h.last_visit), days=h.days)
            names = "、".join(clean(name) for name in h.residents)
            rows.append([clean(h.place), names, tags or "—", when])
        doc.append(Table(rows, title=clean(grid)))
    return doc
