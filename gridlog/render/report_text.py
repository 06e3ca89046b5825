"""The monthly review as a terminal table, Markdown, CSV (for Excel) and JSON.

HTML and XLSX have modules of their own (`report_html`, `report_xlsx`); all share
the column labels in the locale catalogues, so a Chinese report has Chinese headers
in every format.
"""

from __future__ import annotations

import io
import json
from typing import Any

from gridlog.domain.report import KINDS, Figures, Report
from gridlog.render.output import Cell, Doc, Heading, Table, clean
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t

# The summary columns: (label key, how to read the value off Figures).
_NUMBERS = (
    ("entries", "entries"),
    ("visits", "visits"),
    ("places", "places"),
    ("opened", "followups_opened"),
    ("closed", "followups_closed"),
    ("open", "open"),
    ("overdue", "overdue"),
    ("scheduled", "scheduled"),
)


def group_label(report: Report, group: str) -> str:
    """What a group is called on screen: a grid's name, a worker, a category."""
    if report.by == "category":
        return vocab.label("category", group, current_lang())
    if report.by == "worker" and not group:
        return t("report.nobody")
    return group


def title(report: Report) -> str:
    key = "report.title" if len(report.period.label) == 7 else "report.title.period"
    return t(key, label=report.period.label)


MASTHEAD_NAMES = 4  # more grids (or workers) than this are summed up, not listed


def _names(names: list[str]) -> str:
    """`红四网格、红一网格`, or `红一网格、红二网格、红三网格等 11 个` for a whole
    community: the masthead stays one line."""
    sep = t("report.for.sep")
    if len(names) <= MASTHEAD_NAMES:
        return sep.join(names)
    shown = sep.join(names[: MASTHEAD_NAMES - 1])
    return t("report.for.more", names=shown, count=len(names))


def masthead(report: Report) -> str:
    """Whose review this is: `社区：三元社区　网格：红四网格　网格员：马辉`.
    A part with nothing to name (no community set) is left out."""
    who = report.masthead
    parts = []
    if who.community:
        parts.append(t("report.for.community", name=who.community))
    if who.grids:
        parts.append(t("report.for.grids", names=_names(who.grids)))
    if who.workers:
        parts.append(t("report.for.workers", names=_names(who.workers)))
    return clean(t("report.for.gap").join(parts))


def signature() -> str:
    """The line the reviewer signs on paper: 审核人：＿＿＿＿　日期：＿＿＿＿."""
    return t("report.signature")


def fmt_short_minutes(minutes: float | None) -> str:
    """One unit, for tables: 17分钟, 2.5小时, 33.5天 / 17 min, 2.5 h, 33.5 d."""
    if minutes is None:
        return "—"
    for size, unit in ((1440, "d"), (60, "h")):
        if minutes >= size:
            return t(f"unit.{unit}", n=f"{minutes / size:.1f}".rstrip("0").rstrip("."))
    return t("unit.min", n=f"{minutes:.0f}")


def fmt_share(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _change(now: int, before: int) -> str:
    if now == before:
        return ""
    return f"↑{now - before}" if now > before else f"↓{before - now}"


def _bar(value: int, largest: int, width: int = 8) -> str:
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / largest))


# --- On screen --------------------------------------------------------------------


def report_doc(report: Report) -> Doc:
    """The review as a document: readable at 80 columns with Chinese grid names."""
    doc: Doc = [Heading(title(report))]
    if masthead(report):
        doc.append(masthead(report))
    if not report.groups and not report.total.entries and not report.total.open:
        return [*doc, t("report.empty", label=report.period.label), "", signature()]
    doc.append(Table(_screen_rows(report, bars=True), columns=_screen_columns(report)))
    doc.append(t("report.change", label=report.period.previous().label))
    doc.extend(_unknown_times(report))
    doc.extend(_worker_blocks(report))
    doc.extend(_scheduled_blocks(report))
    doc.extend(_kinds_and_categories(report))
    doc.extend(_hot_spot_blocks(report))
    doc.extend(_coverage_blocks(report))
    doc.extend(_unvisited_blocks(report))
    return [*doc, "", signature()]


_SCREEN = ("visits", "opened", "closed", "open", "overdue")


def _unknown_times(report: Report) -> list[str]:
    """Cases closed on a day nobody wrote down (an old log's 已办结) have no time
    to resolve: the report says how many it left out of its times."""
    count = report.total.unknown_resolution
    return [t("report.unknown_times", count=count)] if count else []


def _screen_columns(report: Report, bars: bool = True) -> list[str]:
    columns = [t(f"report.col.{report.by}"), t("report.col.entries")]
    columns += [""] if bars else []
    columns += [t(f"report.col.{key}") for key in _SCREEN]
    return [*columns, t("report.col.median"), t("report.col.on_time")]


def _screen_rows(report: Report, bars: bool) -> list[list[Cell]]:
    """One row per group and a total; each count with its change (↑3, ↓1)."""
    attributes = dict(_NUMBERS)
    largest = max((g.entries for g in report.groups), default=0)
    rows: list[list[Cell]] = []
    for figures in [*report.groups, report.total]:
        is_total = figures is report.total
        before = (
            report.previous_total
            if is_total
            else report.previous.get(figures.group, Figures(figures.group))
        )
        name = (
            t("report.total") if is_total else clean(group_label(report, figures.group))
        )
        row: list[Cell] = [(name, "strong") if is_total else name]
        row.append(_with_change(figures.entries, before.entries))
        if bars:
            row.append(("" if is_total else _bar(figures.entries, largest, 6), "muted"))
        for key in _SCREEN:
            value = getattr(figures, attributes[key])
            text = _with_change(value, getattr(before, attributes[key]))
            row.append((text, "overdue") if key == "overdue" and value else text)
        row.append(fmt_short_minutes(figures.median_resolution_minutes))
        row.append(fmt_share(figures.on_time_share))
        rows.append(row)
    return rows


def _with_change(value: int, before: int) -> str:
    change = _change(value, before)
    return f"{value} {change}" if change else str(value)


_WORKER_NUMBERS = (
    ("entries", "entries"),
    ("opened", "followups_opened"),
    ("closed", "followups_closed"),
    ("open", "open"),
    ("overdue", "overdue"),
)


def worker_columns() -> list[str]:
    """The by-worker section's header: who, which grids, and their figures."""
    columns = [t("report.col.worker"), t("report.col.grids")]
    columns += [t(f"report.col.{key}") for key, _ in _WORKER_NUMBERS]
    return [*columns, t("report.col.median")]


def worker_rows(report: Report) -> list[list[str]]:
    """One row per hub worker: name (login), grids, their grids' figures summed."""
    rows = []
    for worker in report.workers or []:
        who = (
            worker.name
            if worker.name == worker.login
            else (f"{worker.name} ({worker.login})")
        )
        row = [who, t("report.for.sep").join(worker.grids)]
        row += [str(getattr(worker.figures, name)) for _, name in _WORKER_NUMBERS]
        rows.append([*row, fmt_short_minutes(worker.figures.median_resolution_minutes)])
    return rows


def _worker_blocks(report: Report) -> Doc:
    """The section per worker, when the device knows the hub's roster."""
    if report.workers is None:
        return []
    if not report.workers:
        return [Heading(t("report.by_worker")), t("report.no_workers")]
    rows: list[list[Cell]] = [
        [clean(cell) for cell in row] for row in worker_rows(report)
    ]
    return [Heading(t("report.by_worker")), Table(rows, columns=worker_columns())]


def _kinds_and_categories(report: Report) -> Doc:
    lang = current_lang()
    kinds = [k for k in KINDS if report.total.by_kind.get(k)]
    rows: list[list[Cell]] = [
        [clean(group_label(report, g.group))]
        + [str(g.by_kind.get(k, 0)) for k in kinds]
        for g in report.groups
    ]
    doc: Doc = [
        Heading(t("report.by_kind")),
        Table(
            rows,
            columns=[t(f"report.col.{report.by}")]
            + [vocab.label("kind", k, lang) for k in kinds],
        ),
        Heading(t("report.by_category")),
    ]
    categories = sorted(report.total.by_category.items(), key=lambda kv: -kv[1])
    largest = max((count for _, count in categories), default=0)
    doc.append(
        Table(
            [
                [
                    vocab.label("category", key, lang),
                    str(count),
                    (_bar(count, largest, 16), "muted"),
                ]
                for key, count in categories
            ]
        )
    )
    return doc


def _hot_spot_blocks(report: Report) -> Doc:
    if not report.hot_spots:
        return [Heading(t("report.hot_spots")), t("report.no_hot_spots")]
    rows: list[list[Cell]] = [
        [clean(group_label(report, spot.group)), clean(spot.place), str(spot.entries)]
        for spot in report.hot_spots
    ]
    return [Heading(t("report.hot_spots")), Table(rows)]


def scheduled_heading(report: Report) -> str:
    return t("report.scheduled", count=report.total.scheduled)


def scheduled_rows(report: Report) -> list[list[str]]:
    """The soonest reminders due after the period: grid (or group), id, due, text."""
    from gridlog.render.log import fmt_date

    return [
        [
            group_label(report, item.group),
            f"#{item.id}",
            fmt_date(item.due),
            item.text,
        ]
        for item in report.scheduled
    ]


def scheduled_more(report: Report) -> int:
    return report.total.scheduled - len(report.scheduled)


def _scheduled_blocks(report: Report) -> Doc:
    """Reminders due after the period, apart from the open work they are not."""
    if not report.total.scheduled:
        return []
    rows: list[list[Cell]] = [
        [clean(cell) for cell in row] for row in scheduled_rows(report)
    ]
    doc: Doc = [Heading(scheduled_heading(report)), Table(rows)]
    if scheduled_more(report) > 0:
        doc.append(t("report.scheduled_more", count=scheduled_more(report)))
    return doc


def coverage_rows(report: Report) -> list[list[str]]:
    """Per grid whose households are in the register: visited over registered."""
    from gridlog.render.log import fmt_coverage

    return [
        [c.grid, fmt_coverage(c)] for c in report.coverage if c.households is not None
    ]


def coverage_unknown(report: Report) -> str | None:
    """One line for the grids the register holds no household of: their coverage
    is unknown (not 0%). None when the register is empty: the section is left out."""
    unknown = [c.grid for c in report.coverage if c.households is None]
    if not unknown or len(unknown) == len(report.coverage):
        return None
    return t("report.coverage_unknown", grids=_names(unknown))


def _coverage_blocks(report: Report) -> Doc:
    rows = coverage_rows(report)
    if not rows:
        return []
    table: list[list[Cell]] = [[clean(grid), shown] for grid, shown in rows]
    doc: Doc = [Heading(t("report.coverage")), Table(table)]
    unknown = coverage_unknown(report)
    return [*doc, clean(unknown)] if unknown else doc


UNVISITED_SHOWN = 20  # the review lists the first households; --json gives them all


def _unvisited_rows(report: Report) -> list[list[str]]:
    return [
        [
            h.grid,
            h.place,
            "、".join(h.residents),
            "、".join(h.tags) or "—",
            h.last_visit.isoformat() if h.last_visit else t("report.never"),
        ]
        for h in report.unvisited[:UNVISITED_SHOWN]
    ]


def _unvisited_heading(report: Report) -> str:
    return t("report.unvisited", count=len(report.unvisited))


def _unvisited_blocks(report: Report) -> Doc:
    if not report.unvisited:
        return []
    rows: list[list[Cell]] = [
        [clean(cell) for cell in row] for row in _unvisited_rows(report)
    ]
    doc: Doc = [Heading(_unvisited_heading(report)), Table(rows)]
    more = len(report.unvisited) - UNVISITED_SHOWN
    if more > 0:
        doc.append(t("report.unvisited_more", count=more))
    return doc


# --- Markdown ---------------------------------------------------------------------


def report_markdown(report: Report) -> str:
    """The same review as Markdown tables, for a wiki page or a chat message."""
    lines = [f"# {title(report)}", ""]
    if masthead(report):
        lines += [_md_text(masthead(report)), ""]
    if not report.groups and not report.total.entries and not report.total.open:
        lines += [t("report.empty", label=report.period.label), ""]
        return "\n".join([*lines, _md_text(signature())]) + "\n"
    rows = [
        [cell if isinstance(cell, str) else cell[0] for cell in row]
        for row in _screen_rows(report, bars=False)
    ]
    lines += _md_table(_screen_columns(report, bars=False), rows)
    lines += ["", t("report.change", label=report.period.previous().label), ""]
    lines += [*_unknown_times(report), ""] if report.total.unknown_resolution else []
    if report.workers is not None:
        lines += [f"## {t('report.by_worker')}", ""]
        if report.workers:
            lines += [*_md_table(worker_columns(), worker_rows(report)), ""]
        else:
            lines += [t("report.no_workers"), ""]
    if report.total.scheduled:
        lines += [f"## {scheduled_heading(report)}", ""]
        lines += _md_table(
            [
                t(f"report.col.{report.by}"),
                t("report.col.id"),
                t("report.col.due"),
                t("report.col.text"),
            ],
            scheduled_rows(report),
        )
        if scheduled_more(report) > 0:
            lines += ["", t("report.scheduled_more", count=scheduled_more(report))]
        lines.append("")
    lang = current_lang()
    kinds = [k for k in KINDS if report.total.by_kind.get(k)]
    lines += [f"## {t('report.by_kind')}", ""]
    lines += _md_table(
        [t(f"report.col.{report.by}")] + [vocab.label("kind", k, lang) for k in kinds],
        [
            [group_label(report, g.group)] + [g.by_kind.get(k, 0) for k in kinds]
            for g in report.groups
        ],
    )
    lines += ["", f"## {t('report.by_category')}", ""]
    lines += _md_table(
        [t("report.col.category"), t("report.col.count")],
        [
            [vocab.label("category", key, lang), count]
            for key, count in sorted(
                report.total.by_category.items(), key=lambda kv: -kv[1]
            )
        ],
    )
    lines += ["", f"## {t('report.hot_spots')}", ""]
    if report.hot_spots:
        lines += _md_table(
            [
                t(f"report.col.{report.by}"),
                t("report.col.place"),
                t("report.col.count"),
            ],
            [
                [group_label(report, s.group), s.place, s.entries]
                for s in report.hot_spots
            ],
        )
    else:
        lines.append(t("report.no_hot_spots"))
    if coverage_rows(report):
        lines += ["", f"## {t('report.coverage')}", ""]
        lines += _md_table(
            [t("report.col.grid"), t("report.col.coverage")], coverage_rows(report)
        )
        if coverage_unknown(report):
            lines += ["", _md_text(coverage_unknown(report) or "")]
    if report.unvisited:
        lines += ["", f"## {_unvisited_heading(report)}", ""]
        lines += _md_table(
            [
                t("report.col.grid"),
                t("report.col.place"),
                t("report.col.residents"),
                t("report.col.tags"),
                t("report.col.last_visit"),
            ],
            _unvisited_rows(report),
        )
        more = len(report.unvisited) - UNVISITED_SHOWN
        if more > 0:
            lines += ["", t("report.unvisited_more", count=more)]
    lines += ["", _md_text(signature())]
    return "\n".join(lines) + "\n"


def _md_text(text: str) -> str:
    """A paragraph of user text, escaped as a table cell is."""
    import html  # Markdown's alone: the screen does without (~2.5 ms at start)

    return html.escape(clean(text), quote=False)


def _md_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """Markdown renderers pass raw HTML through, so a place named `<img …>` would
    run in a wiki page: `<`, `>` and `&` are escaped, and `|` so a cell stays one."""
    import html

    def cell(value: Any) -> str:
        text = clean("" if value is None else str(value))
        return html.escape(text, quote=False).replace("|", "\\|")

    out = ["| " + " | ".join(cell(h) for h in header) + " |"]
    out.append("|" + "---|" * len(header))
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out


# --- CSV (Excel on Windows) -----------------------------------------------------------


def summary_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The summary as a header and plain values (counts stay numbers): one row per
    group and a total, each starting with the period so that pasted months stay
    apart, times in hours and the on-time share as a percentage (Excel reads `50%`
    as the number 0.5), every kind and category as a column of its own."""
    lang = current_lang()
    header = [t("report.col.period"), t(f"report.col.{report.by}")]
    header += [t(f"report.col.{key}") for key, _ in _NUMBERS]
    header += [
        t("report.csv.hours", name=t("report.col.median")),
        t("report.csv.hours", name=t("report.col.longest")),
        t("report.col.on_time"),
    ]
    kind, category = t("report.col.kind"), t("report.col.category")
    header += [f"{kind}:{vocab.label('kind', k, lang)}" for k in KINDS]
    header += [
        f"{category}:{vocab.label('category', term.key, lang)}"
        for term in vocab.CATEGORIES
    ]
    rows = []
    for figures in [*report.groups, report.total]:
        name = (
            t("report.total")
            if figures is report.total
            else group_label(report, figures.group)
        )
        row: list[Any] = [report.period.label, name]
        row += [getattr(figures, attribute) for _, attribute in _NUMBERS]
        row += [
            _hours(figures.median_resolution_minutes),
            _hours(figures.longest_resolution_minutes),
            None if figures.on_time_share is None else fmt_share(figures.on_time_share),
        ]
        row += [figures.by_kind.get(k, 0) for k in KINDS]
        row += [figures.by_category.get(term.key, 0) for term in vocab.CATEGORIES]
        rows.append(row)
    return header, rows


def _hours(minutes: float | None) -> float | int | None:
    """Minutes as hours to one decimal (17 min: 0.3; 4320: 72): what a reader of
    the sheet counts in, where 4320 minutes means nothing at a glance."""
    return None if minutes is None else _round(minutes / 60)


def _round(value: float | None) -> float | int | None:
    """Minutes to one decimal; whole numbers stay whole (4320, not 4320.0)."""
    if value is None:
        return None
    value = round(value, 1)
    return int(value) if value.is_integer() else value


def report_csv(report: Report) -> bytes:
    """UTF-8 with a BOM, so Excel on Windows opens the Chinese headers correctly."""
    import csv  # the CSV format's alone

    from gridlog.render.cells import csv_value

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header, rows = summary_rows(report)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


# --- JSON -------------------------------------------------------------------------


def figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "entries": figures.entries,
        "visits": figures.visits,
        "places": figures.places,
        "followups_opened": figures.followups_opened,
        "followups_closed": figures.followups_closed,
        "open": figures.open,
        "overdue": figures.overdue,
        "scheduled": figures.scheduled,
        "median_resolution_minutes": _round(figures.median_resolution_minutes),
        "longest_resolution_minutes": figures.longest_resolution_minutes,
        "unknown_resolution": figures.unknown_resolution,
        "due_in_period": figures.due_in_period,
        "closed_on_time": figures.closed_on_time,
        "on_time_share": None
        if figures.on_time_share is None
        else round(figures.on_time_share, 4),
        "by_kind": dict(sorted(figures.by_kind.items())),
        "by_category": dict(sorted(figures.by_category.items())),
    }


def report_json(report: Report, zone_name: str) -> dict[str, Any]:
    """The documented shape (README, "gridlog report")."""

    def period(p) -> dict[str, str]:
        return {
            "start": p.start.isoformat(),
            "end": p.last.isoformat(),
            "label": p.label,
        }

    # Loaded here, not at the top: the log's shapes (and the domain modules they
    # name) cost a text report's start-up some milliseconds for nothing.
    from gridlog.render import shapes

    groups = [
        {
            report.by: g.group,
            **figures_json(g),
            "previous": figures_json(report.previous.get(g.group, Figures(g.group))),
        }
        for g in report.groups
    ]
    shape = {
        "period": {**period(report.period), "time_zone": zone_name},
        "previous_period": period(report.period.previous()),
        "by": report.by,
        "grids" if report.by == "grid" else "groups": groups,
        "total": {
            **figures_json(report.total),
            "previous": figures_json(report.previous_total),
        },
        "hot_spots": [
            {report.by: s.group, "place": s.place, "entries": s.entries}
            for s in report.hot_spots
        ],
        "unvisited_households": shapes.stale(report.unvisited),
        "coverage": [{"grid": c.grid, **shapes.coverage(c)} for c in report.coverage],
        "scheduled_reminders": [
            {
                "id": item.id,
                report.by: item.group,
                "due": item.due.isoformat(),
                "text": item.text,
            }
            for item in report.scheduled
        ],
    }
    if report.workers is not None:
        shape["workers"] = [
            {
                "login": worker.login,
                "name": worker.name,
                "grids": worker.grids,
                **figures_json(worker.figures),
            }
            for worker in report.workers
        ]
    return shape


def dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
