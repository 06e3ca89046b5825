"""The typer app: each command parses its options, calls one domain function and
prints what `render` (or `shapes`, for --json) makes of the result.

No SQL and no date arithmetic here. Help texts come from `i18n.t`, so the language
must be chosen before this module is imported (see `gridlog.__main__`).

No `from __future__ import annotations` in the command modules (cli, cli_changes,
cli_data, cli_import, cli_report): typer reads every command's annotations at each
start, and strings would have to be compiled and evaluated one by one (~15 ms of
every command).
"""

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import typer

from gridlog import dates, grids, settings, store, vocab
from gridlog.clock import now as clock_now
from gridlog.clock import system_zone, zone_named
from gridlog.context import Context
from gridlog.db import open_db, resolve_path
from gridlog.errors import GridlogError
from gridlog.i18n import is_explicit, parse_lang, set_lang, t

app = typer.Typer(
    name="gridlog",
    help=t("app.help"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
grid_app = typer.Typer(help=t("grid.help"), no_args_is_help=True)
app.add_typer(grid_app, name="grid")


@dataclass
class Options:
    db: Path | None
    tz: str | None


JsonOption = Annotated[bool, typer.Option("--json", help=t("opt.json"))]
# Options several commands share, declared once.
GridOption = Annotated[str | None, typer.Option("--grid", "-g", help=t("opt.grid"))]
PlaceOption = Annotated[str | None, typer.Option("--place", "-p", help=t("opt.place"))]
ResidentOption = Annotated[
    str | None, typer.Option("--resident", "-r", help=t("opt.resident"))
]
PhoneOption = Annotated[str | None, typer.Option("--phone", help=t("opt.phone"))]
CategoryOption = Annotated[
    str | None, typer.Option("--category", "-c", help=t("opt.category"))
]
KindOption = Annotated[str | None, typer.Option("--kind", "-k", help=t("opt.kind"))]
AtOption = Annotated[str | None, typer.Option("--at", help=t("opt.at"))]
SinceOption = Annotated[str | None, typer.Option("--since", help=t("opt.since"))]
UntilOption = Annotated[str | None, typer.Option("--until", help=t("opt.until"))]
LimitOption = Annotated[
    int, typer.Option("--limit", "-n", min=0, max=10**9, help=t("opt.limit"))
]
IdArgument = Annotated[str, typer.Argument(metavar="ID", help=t("arg.id"))]
GridsOption = Annotated[
    list[str] | None, typer.Option("--grid", "-g", help=t("opt.grid_filter"))
]


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        Path | None, typer.Option("--db", help=t("opt.db"), show_default=False)
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help=t("opt.tz"))] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=t("opt.lang"))] = None,
) -> None:
    if lang is not None:
        set_lang(lang, explicit=True)
    ctx.obj = Options(db=db, tz=tz)


@contextlib.contextmanager
def session(ctx: typer.Context, *, write: bool) -> Iterator[tuple]:
    """The database and the moment a command runs in, closed whatever happens."""
    options: Options = ctx.find_root().obj
    conn = open_db(resolve_path(options.db), write=write)
    try:
        saved = settings.get_all(conn)
        if "lang" in saved and not is_explicit():
            set_lang(saved["lang"])
        zone_name = options.tz or os.environ.get("GRIDLOG_TZ") or saved.get("tz")
        zone = zone_named(zone_name) if zone_name else system_zone()
        context = Context(
            now=clock_now(zone),
            zone=zone,
            worker=saved.get("worker"),
            command=ctx.command_path.removeprefix("gridlog ").strip(),
        )
        yield conn, context
    finally:
        conn.close()


def when(text: str, context: Context, prefer: Literal["past", "future"] | None):
    return dates.parse_when(text, context.now, prefer)


def parse_id(text: str) -> int:
    """Ids are shown as `#42`; accept that form as well as `42`."""
    cleaned = text.strip().lstrip("#")
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 18:
        raise GridlogError("id.bad", id=text, exit_code=2)
    return int(cleaned)


def emit(doc=None, data=None, line: str | None = None) -> None:
    """Print JSON when asked, else one line or a document."""
    if data is not None:
        from gridlog.shapes import dumps

        sys.stdout.write(dumps(data) + "\n")
    elif line is not None:
        sys.stdout.write(line + "\n")
    else:
        from gridlog.output import print_doc

        print_doc(doc)


@app.command(help=t("add.help"), epilog=t("add.epilog"))
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=t("add.text"), show_default=False)],
    grid: GridOption = None,
    place: PlaceOption = None,
    resident: ResidentOption = None,
    phone: PhoneOption = None,
    category: CategoryOption = None,
    kind: KindOption = None,
    at: AtOption = None,
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", "-f", help=t("opt.follow_up"))
    ] = None,
    remind: Annotated[
        str | None, typer.Option("--remind", help=t("opt.remind"))
    ] = None,
    remind_text: Annotated[
        str | None, typer.Option("--remind-text", help=t("opt.remind_text"))
    ] = None,
    case: Annotated[str | None, typer.Option("--case", help=t("opt.case"))] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help=t("opt.tag"))
    ] = None,
    every: Annotated[str | None, typer.Option("--every", help=t("opt.every"))] = None,
    json_out: JsonOption = False,
) -> None:
    if text == "-":
        text = sys.stdin.read()
    with session(ctx, write=True) as (conn, context):
        if remind_text is not None and remind is None:
            raise GridlogError("add.remind_text_alone", exit_code=2)
        if every is not None and (follow_up is None) == (remind is None):
            raise GridlogError("add.every_which", exit_code=2)
        draft = store.Draft(
            text=text,
            at=when(at, context, "past").at(context.zone) if at else context.now,
            grid=grid,
            place=place,
            resident=resident,
            phone=phone,
            category=vocab.category(category).key if category else "other",
            kind=vocab.kind(kind).key if kind else "visit",
            follow_up=when(follow_up, context, "future").day if follow_up else None,
            remind=when(remind, context, "future").day if remind else None,
            remind_text=remind_text,
            case_id=parse_id(case) if case else None,
            tags=tag or (),
            every=dates.parse_every(every) if every else None,
        )
        added = store.add_entry(conn, context, draft)
        if json_out:
            from gridlog import shapes

            emit(data=shapes.added(added))
        else:
            from gridlog.render import added_line

            emit(line=added_line(added, context.today))


@app.command(help=t("due.help"), epilog=t("due.epilog"))
def due(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", "-d", min=0, max=3660, help=t("opt.days"))
    ] = 0,
    grid: GridsOption = None,
    on: Annotated[str | None, typer.Option("--on", help=t("opt.on"))] = None,
    every: Annotated[bool, typer.Option("--all", help=t("opt.due_all"))] = False,
    stale: Annotated[
        int | None, typer.Option("--stale", min=1, max=3660, help=t("opt.stale"))
    ] = None,
    json_out: JsonOption = False,
) -> None:
    with session(ctx, write=False) as (conn, context):
        today = when(on, context, None).day if on else context.today
        grid_ids = [grids.find_grid(conn, name) for name in grid] if grid else None
        if stale is not None:
            _stale(conn, context, today, stale, grid_ids, json_out)
            return
        if json_out or every:  # scripts always get every item
            items = store.due_items(conn, today, days=days, grid_ids=grid_ids)
            counts = None
        else:
            items = store.due_items(
                conn,
                today,
                days=days,
                grid_ids=grid_ids,
                overdue_per_grid=store.OVERDUE_PER_GRID,
            )
            counts = store.due_counts(conn, today, days=days, grid_ids=grid_ids)
        if json_out:
            from gridlog import shapes

            emit(data=shapes.due(items))
        else:
            from gridlog.render import due_doc

            emit(due_doc(items, today, days, counts))


def _stale(conn, context, today, days: int, grid_ids, json_out: bool) -> None:
    """`due --stale N`: households of the register nobody visited for N days."""
    from gridlog.coverage import stale_households

    households = stale_households(conn, context.zone, today, days, grid_ids)
    if json_out:
        from gridlog import shapes

        emit(data=shapes.stale(households))
    else:
        from gridlog.render import stale_doc

        emit(stale_doc(households, today, days))


@app.command(help=t("done.help"), epilog=t("done.epilog"))
def done(
    ctx: typer.Context,
    record: IdArgument,
    note: Annotated[
        str | None, typer.Option("--note", "-n", help=t("opt.note"))
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help=t("opt.done_at"))] = None,
) -> None:
    with session(ctx, write=True) as (conn, context):
        record_id = parse_id(record)
        closed_at = when(at, context, "past").at(context.zone) if at else None
        closed = store.close_item(conn, context, record_id, note=note, at=closed_at)
        from gridlog.render import closed_line

        emit(line=closed_line(closed, context.today))


@app.command(help=t("snooze.help"), epilog=t("snooze.epilog"))
def snooze(
    ctx: typer.Context,
    record: IdArgument,
    due: Annotated[str, typer.Argument(metavar="WHEN", help=t("arg.when"))],
) -> None:
    with session(ctx, write=True) as (conn, context):
        record_id = parse_id(record)
        due_on = when(due, context, "future").day
        item = store.snooze_item(conn, context, record_id, due_on)
        from gridlog.render import snoozed_line

        emit(line=snoozed_line(item, context.today))


@app.command(help=t("show.help"), epilog=t("show.epilog"))
def show(
    ctx: typer.Context,
    record: IdArgument,
    json_out: JsonOption = False,
) -> None:
    with session(ctx, write=False) as (conn, context):
        result = store.story(conn, context.zone, parse_id(record))
        if json_out:
            from gridlog import shapes

            emit(data=shapes.story(result))
        else:
            from gridlog.render import story_doc

            emit(story_doc(result, context.today))


@app.command(help=t("log.help"), epilog=t("log.epilog"))
def log(
    ctx: typer.Context,
    grid: GridsOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    category: CategoryOption = None,
    kind: KindOption = None,
    resident: Annotated[
        str | None, typer.Option("--resident", "-r", help=t("opt.resident_filter"))
    ] = None,
    limit: LimitOption = 50,
    json_out: JsonOption = False,
) -> None:
    with session(ctx, write=False) as (conn, context):
        filters = _log_filter(
            conn, context, grid, since, until, category, kind, limit, resident
        )
        _emit_entries(store.log_entries(conn, context.zone, filters), context, json_out)


def _log_filter(
    conn, context, grid, since, until, category, kind, limit, resident=None
):
    """The filters `log` and `search` share, read the way every command reads them."""
    return store.LogFilter(
        grid_ids=[grids.find_grid(conn, name) for name in grid] if grid else None,
        since=when(since, context, "past").day if since else None,
        until=when(until, context, None).day if until else None,
        category=vocab.category(category).key if category else None,
        kind=vocab.kind(kind).key if kind else None,
        resident=resident,
        limit=limit,
    )


def _emit_entries(entries, context, json_out: bool, highlight: str | None = None):
    """Entries oldest first, as JSON or as the walking log reads."""
    if json_out:
        from gridlog import shapes

        emit(data=shapes.log(entries))
    else:
        from gridlog.render import log_doc

        emit(log_doc(entries, context.today, highlight=highlight))


@app.command(help=t("search.help"), epilog=t("search.epilog"))
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=t("search.text"))],
    grid: GridsOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    category: CategoryOption = None,
    kind: KindOption = None,
    limit: LimitOption = 20,
    json_out: JsonOption = False,
) -> None:
    from gridlog.search import search_entries

    with session(ctx, write=False) as (conn, context):
        filters = _log_filter(conn, context, grid, since, until, category, kind, limit)
        found = search_entries(conn, context.zone, text, filters)
        if json_out:
            _emit_entries(found, context, json_out)  # newest first, as found
        else:
            _emit_entries(list(reversed(found)), context, False, text.strip())


@app.command(help=t("config.help"), epilog=t("config.epilog"))
def config(
    ctx: typer.Context,
    worker: Annotated[
        str | None, typer.Option("--worker", help=t("opt.config_worker"))
    ] = None,
    grid: Annotated[
        str | None, typer.Option("--grid", help=t("opt.config_grid"))
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help=t("opt.config_tz"))] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help=t("opt.config_lang"))
    ] = None,
    unset: Annotated[
        list[str] | None, typer.Option("--unset", help=t("opt.unset"))
    ] = None,
) -> None:
    values: dict[str, str | None] = {}
    for key in unset or ():
        if key not in settings.KEYS:
            raise GridlogError(
                "config.unknown_key",
                key=key,
                keys=", ".join(settings.KEYS),
                exit_code=2,
            )
        values[key] = None
    if tz is not None:
        values["tz"] = str(zone_named(tz))
    if lang is not None:
        values["lang"] = parse_lang(lang) or _bad_lang(lang)
    if worker is not None:
        values["worker"] = worker.strip() or None
    options: Options = ctx.find_root().obj
    path = resolve_path(options.db)
    with session(ctx, write=bool(values) or grid is not None) as (conn, context):
        if grid is not None:
            values["grid"] = grids.grid_name(conn, grids.find_grid(conn, grid))
        if values:
            settings.set_many(conn, context, values)
            emit(line=t("config.saved"))
            return
        from gridlog.render import config_doc

        emit(config_doc(settings.get_all(conn), str(path)))


def _bad_lang(lang: str) -> str:
    raise GridlogError("config.bad_lang", lang=lang, exit_code=2)


@grid_app.command("add", help=t("grid.add.help"), epilog=t("grid.add.epilog"))
def grid_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("arg.grid_name"))],
    alias: Annotated[
        list[str] | None, typer.Option("--alias", "-a", help=t("opt.alias"))
    ] = None,
    worker: Annotated[
        str | None, typer.Option("--worker", "-w", help=t("opt.worker"))
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help=t("opt.grid_phone"))
    ] = None,
    households: Annotated[
        int | None,
        typer.Option("--households", min=0, max=10**7, help=t("opt.households")),
    ] = None,
    population: Annotated[
        int | None,
        typer.Option("--population", min=0, max=10**8, help=t("opt.population")),
    ] = None,
    building: Annotated[
        list[str] | None, typer.Option("--building", "-b", help=t("opt.building"))
    ] = None,
) -> None:
    with session(ctx, write=True) as (conn, context):
        grids.add_grid(
            conn,
            context,
            name,
            aliases=alias or (),
            worker=worker,
            phone=phone,
            households=households,
            population=population,
            buildings=building or (),
        )
        emit(line=t("grid.added", name=name.strip(), buildings=len(building or ())))


@grid_app.command(
    "building", help=t("grid.building.help"), epilog=t("grid.building.epilog")
)
def grid_building(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="GRID", help=t("arg.grid"))],
    buildings: Annotated[
        list[str], typer.Argument(metavar="BUILDING...", help=t("arg.buildings"))
    ],
) -> None:
    with session(ctx, write=True) as (conn, context):
        grid_id = grids.add_buildings(conn, context, name, buildings)
        emit(
            line=t(
                "grid.buildings_added",
                grid=grids.grid_name(conn, grid_id),
                count=len(buildings),
            )
        )


@grid_app.command("list", help=t("grid.list.help"), epilog=t("grid.list.epilog"))
def grid_list(ctx: typer.Context, json_out: JsonOption = False) -> None:
    with session(ctx, write=False) as (conn, context):
        summaries = grids.list_grids(conn, context.today)
        if json_out:
            from gridlog import shapes

            emit(data=shapes.grids(summaries))
        else:
            from gridlog.render import grids_doc

            emit(grids_doc(summaries))


@grid_app.command("show", help=t("grid.show.help"), epilog=t("grid.show.epilog"))
def grid_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="GRID", help=t("arg.grid"))],
    json_out: JsonOption = False,
) -> None:
    with session(ctx, write=False) as (conn, context):
        summary = grids.show_grid(conn, context.today, name)
        if json_out:
            from gridlog import shapes

            emit(data=shapes.grids([summary])[0])
        else:
            from gridlog.render import grid_doc

            emit(grid_doc(summary))


# Registered last: they import the shared pieces above.
from gridlog import (  # noqa: E402, F401
    cli_changes,
    cli_data,
    cli_import,
    cli_report,
    cli_residents,
)
