"""The monthly review as one HTML file to pin on the wall or open on a phone.

The file must work where it is opened: offline, with scripts blocked, printed on A4.
So everything is inline — CSS, and SVG charts computed here — and every number sits
in text next to its bar, so the page reads the same in black and white.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from operator import attrgetter

from gridlog.domain.report import KINDS, Figures, Report, month_period
from gridlog.render.log import fmt_date, fmt_minutes
from gridlog.render.output import clean, width
from gridlog.render.report_text import (
    coverage_rows,
    coverage_unknown,
    masthead,
    scheduled_heading,
    scheduled_more,
    scheduled_rows,
    signature,
    worker_columns,
    worker_rows,
)
from gridlog.words import vocab
from gridlog.words.i18n import current_lang, t, tn

# (column key, value, unit): the summary columns, shared with the Excel export.
# The unit decides how a value and its change are shown: a count, minutes or a share.
Metric = tuple[str, Callable[[Figures], float | None], str]
METRICS: tuple[Metric, ...] = (
    ("entries", attrgetter("entries"), "count"),
    ("visits", attrgetter("visits"), "count"),
    ("places", attrgetter("places"), "count"),
    ("opened", attrgetter("followups_opened"), "count"),
    ("closed", attrgetter("followups_closed"), "count"),
    ("open", attrgetter("open"), "count"),
    ("overdue", attrgetter("overdue"), "count"),
    ("median", attrgetter("median_resolution_minutes"), "minutes"),
    ("longest", attrgetter("longest_resolution_minutes"), "minutes"),
    ("on_time", attrgetter("on_time_share"), "share"),
    ("scheduled", attrgetter("scheduled"), "count"),
)

_CSS = """
@page { size: A4; margin: 12mm }
* { box-sizing: border-box }
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  color: #111; background: #fff; margin: 0 auto; padding: 12px; max-width: 60rem;
  line-height: 1.4; -webkit-print-color-adjust: exact; print-color-adjust: exact }
h1 { font-size: 1.5rem; margin: 0 0 .2rem }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .4rem }
p.dates, p.note { margin: 0; color: #444 }
p.for { margin: 0 0 .3rem; font-weight: bold }
p.sign { margin: 2.5rem 0 0; font-size: 1.05rem; break-inside: avoid }
.wrap { overflow-x: auto; -webkit-overflow-scrolling: touch }
table { border-collapse: collapse; font-size: .9rem }
td.n { text-align: right; font-variant-numeric: tabular-nums }
th, td { border: 1px solid #bbb; padding: 3px 6px; white-space: nowrap }
th { background: #e8eef5; text-align: left }
tr { break-inside: avoid } thead { display: table-header-group }
tr.total td { font-weight: bold; border-top: 2px solid #333 }
small { font-size: .75em; color: #555; margin-left: 2px }
figure { margin: .5rem 0; break-inside: avoid } figcaption { font-weight: bold }
svg { max-width: 100%; height: auto } svg text { font-size: 13px; fill: #111 }
@media print { body { padding: 0; max-width: none } h2 { break-after: avoid } }
"""


def render_html(report: Report) -> str:
    """The whole review as one self-contained HTML5 document."""
    lang = "zh-CN" if current_lang() == "zh" else "en"
    title = _esc(_title(report))
    body = [
        f"<h1>{title}</h1>",
        *_masthead(report),
        _dates(report),
        *_sections(report),
        f'<p class="sign">{_esc(signature())}</p>',
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _masthead(report: Report) -> list[str]:
    line = masthead(report)
    return [f'<p class="for">{_esc(line)}</p>'] if line else []


def group_name(by: str, group: str | None) -> str:
    """What a group is called on paper: a category's name in the user's language,
    a readable placeholder for entries without a worker, a grid's name as is."""
    if by == "category":
        return vocab.label("category", group or "", current_lang())
    if by == "worker" and not group:
        return t("report.nobody")
    return group or ""


def _title(report: Report) -> str:
    period = report.period
    is_month = period == month_period(period.start.year, period.start.month)
    return t("report.title" if is_month else "report.title.period", label=period.label)


def _dates(report: Report) -> str:
    period = report.period
    dates = tn(
        "report.html.dates",
        period.days,
        start=fmt_date(period.start),
        end=fmt_date(period.last),
        days=period.days,
    )
    change = t("report.change", label=period.previous().label)
    return f'<p class="dates">{_esc(dates)}</p>\n<p class="note">{_esc(change)}</p>'


def _sections(report: Report) -> list[str]:
    if not report.groups and not report.total.entries and not report.total.open:
        return [f"<p>{_esc(t('report.empty', label=report.period.label))}</p>"]
    return [
        _summary(report),
        *_unknown_times(report),
        *_workers(report),
        *_scheduled(report),
        _charts(report),
        _counts(report, "kind", t("report.by_kind")),
        _counts(report, "category", t("report.by_category")),
        _hot_spots(report),
        *_coverage(report),
    ]


def _unknown_times(report: Report) -> list[str]:
    """How many closed cases the times to resolve leave out (a day or an hour
    nobody wrote down): the printed review says so, as the screen does."""
    count = report.total.unknown_resolution
    note = t("report.unknown_times", count=count)
    return [f'<p class="note">{_esc(note)}</p>'] if count else []


def _summary(report: Report) -> str:
    head = [t(f"report.col.{report.by}")] + [t(f"report.col.{k}") for k, *_ in METRICS]
    rows = [
        _summary_row(group_name(report.by, f.group), f, report.previous.get(f.group))
        for f in report.groups
    ]
    total = t("report.total")
    rows.append(_summary_row(total, report.total, report.previous_total, "total"))
    return _section(t("report.sheet.summary"), _table(head, rows))


def _summary_row(
    name: str, now: Figures, before: Figures | None, css_class: str = ""
) -> str:
    """A group that had no figures before had zeros: a new grid shows ↑ everywhere."""
    before = before or Figures(now.group)
    cells = [f"<td>{_esc(name)}</td>"]
    for _key, value, unit in METRICS:
        shown = _fmt(value(now), unit) + _change(value(now), value(before), unit)
        cells.append(f'<td class="n">{shown}</td>')
    attr = f' class="{css_class}"' if css_class else ""
    return f"<tr{attr}>{''.join(cells)}</tr>"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "minutes":
        return _esc(fmt_minutes(round(value)))
    if unit == "share":
        return f"{value:.0%}"
    return str(value)


def _change(now: float | None, before: float | None, unit: str) -> str:
    """`↑3` / `↓2` against the previous period; nothing when unchanged or unknown."""
    if now is None or before is None:
        return ""
    diff = (now - before) * 100 if unit == "share" else now - before
    if round(diff) == 0:
        return ""
    arrow = "↑" if diff > 0 else "↓"
    size = round(abs(diff))
    if unit == "minutes":
        text = fmt_minutes(size)
    elif unit == "share":
        text = t("report.html.points", n=size)
    else:
        text = str(size)
    return f"<small>{arrow}{_esc(text)}</small>"


def _workers(report: Report) -> list[str]:
    """A section per hub worker, when the device knows the hub's roster."""
    if report.workers is None:
        return []
    if not report.workers:
        content = f"<p>{_esc(t('report.no_workers'))}</p>"
        return [_section(t("report.by_worker"), content)]
    rows = [
        "<tr>" + "".join(f"<td>{_esc(cell)}</td>" for cell in row) + "</tr>"
        for row in worker_rows(report)
    ]
    return [_section(t("report.by_worker"), _table(worker_columns(), rows))]


def _scheduled(report: Report) -> list[str]:
    """Reminders due after the period: listed apart, not counted as open."""
    if not report.total.scheduled:
        return []
    head = [t(f"report.col.{c}") for c in (report.by, "id", "due", "text")]
    rows = [
        "<tr>" + "".join(f"<td>{_esc(cell)}</td>" for cell in row) + "</tr>"
        for row in scheduled_rows(report)
    ]
    content = _table(head, rows)
    if scheduled_more(report) > 0:
        more = t("report.scheduled_more", count=scheduled_more(report))
        content += f'\n<p class="note">{_esc(more)}</p>'
    return [_section(scheduled_heading(report), content)]


def _charts(report: Report) -> str:
    entries, open_ = [], []
    for f in report.groups:
        name = group_name(report.by, f.group)
        entries.append((name, f.entries, 0, str(f.entries)))
        text = t("report.html.open_overdue", open=f.open, overdue=f.overdue)
        open_.append((name, f.open, f.overdue, text))
    first = _figure(t("report.html.chart.entries"), entries)
    return first + "\n" + _figure(t("report.html.chart.open"), open_)


Bar = tuple[str, int, int, str]  # label, length, darker part from the start, text


def _figure(caption: str, bars: list[Bar]) -> str:
    svg = _svg(bars, caption)
    return f"<figure><figcaption>{_esc(caption)}</figcaption>{svg}</figure>"


def _svg(bars: list[Bar], caption: str, row: int = 24, span: int = 320) -> str:
    """Horizontal bars drawn here, so the chart needs neither scripts nor fonts;
    the label column is as wide as the longest name (CJK counts double)."""
    left = 12 + 7 * max((width(label) for label, *_ in bars), default=4)
    right = 12 + 7 * max((width(text) for *_, text in bars), default=4)
    top = max((value for _, value, *_ in bars), default=0) or 1
    parts = []
    for i, (label, value, part, text) in enumerate(bars):
        y, length = i * row, round(value / top * span)
        parts.append(_text(left - 6, y, label, ' text-anchor="end"'))
        parts.append(_rect(left, y, length, "#7fa6d1"))
        if part:
            parts.append(_rect(left, y, round(part / top * span), "#24507f"))
        parts.append(_text(left + length + 4, y, text))
    w, h = left + span + right, max(len(bars), 1) * row
    return (
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img"'
        f' aria-label="{_esc(caption)}">{"".join(parts)}</svg>'
    )


def _text(x: int, y: int, text: str, extra: str = "") -> str:
    return f'<text x="{x}" y="{y + 16}"{extra}>{_esc(text)}</text>'


def _rect(x: int, y: int, length: int, fill: str) -> str:
    return f'<rect x="{x}" y="{y + 4}" width="{length}" height="16" fill="{fill}"/>'


def _counts(report: Report, what: str, heading: str) -> str:
    """Kinds (or categories) down, groups across: long beats wide on a phone."""
    figures = [*report.groups, report.total]
    attr = "by_kind" if what == "kind" else "by_category"
    keys = count_keys(what, [getattr(f, attr) for f in figures])
    names = [group_name(report.by, f.group) for f in report.groups]
    head = [t(f"report.col.{what}"), *names, t("report.total")]
    rows = []
    for key in keys:
        cells = "".join(
            f'<td class="n">{getattr(f, attr).get(key, 0)}</td>' for f in figures
        )
        label = vocab.label(what, key, current_lang())
        rows.append(f"<tr><td>{_esc(label)}</td>{cells}</tr>")
    return _section(heading, _table(head, rows))


def count_keys(what: str, counts: Iterable[dict[str, int]]) -> list[str]:
    """The kinds or categories with any count, in the vocabulary's order (the order
    workers know from paper), keys the vocabulary lacks last."""
    seen = {key for c in counts for key, n in c.items() if n}
    order = KINDS if what == "kind" else tuple(term.key for term in vocab.CATEGORIES)
    return [k for k in order if k in seen] + sorted(seen - set(order))


def _hot_spots(report: Report) -> str:
    if not report.hot_spots:
        none = f"<p>{_esc(t('report.no_hot_spots'))}</p>"
        return _section(t("report.hot_spots"), none)
    head = [t(f"report.col.{col}") for col in (report.by, "place", "entries")]
    rows = [
        f"<tr><td>{_esc(group_name(report.by, s.group))}</td><td>{_esc(s.place)}</td>"
        f'<td class="n">{s.entries}</td></tr>'
        for s in report.hot_spots
    ]
    return _section(t("report.hot_spots"), _table(head, rows))


def _coverage(report: Report) -> list[str]:
    rows = [
        f"<tr><td>{_esc(grid)}</td><td>{_esc(shown)}</td></tr>"
        for grid, shown in coverage_rows(report)
    ]
    if not rows:
        return []
    head = [t("report.col.grid"), t("report.col.coverage")]
    content = _table(head, rows)
    unknown = coverage_unknown(report)
    if unknown:
        content += f'\n<p class="note">{_esc(unknown)}</p>'
    return [_section(t("report.coverage"), content)]


def _section(heading: str, content: str) -> str:
    return f"<section>\n<h2>{_esc(heading)}</h2>\n{content}\n</section>"


def _table(head: list[str], rows: list[str]) -> str:
    ths = "".join(f"<th>{_esc(cell)}</th>" for cell in head)
    body = "\n".join(rows)
    return (
        f'<div class="wrap"><table>\n<thead><tr>{ths}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody></table></div>"
    )


def _esc(text: str) -> str:
    """User text as HTML: escaped, and control characters shown, not passed on."""
    return html.escape(clean(text), quote=True)
