"""`gridlog add`, `due`, `done`, `snooze`, `show`, `log` and `search`: the walking log
itself, the commands of every day."""

import sys
from typing import Annotated

import typer

from gridlog.cli.common import (
    AtOption,
    CategoryOption,
    GridOption,
    GridsOption,
    IdArgument,
    JsonOption,
    KindOption,
    LimitOption,
    PhoneOption,
    PhotoOption,
    PlaceOption,
    ResidentOption,
    RevealOption,
    SinceOption,
    UntilOption,
    emit,
    how_often,
    parse_id,
    session,
    when,
)
from gridlog.domain import grids
from gridlog.domain.items import check_owner
from gridlog.errors import GridlogError
from gridlog.words import vocab
from gridlog.words.i18n import t


def add(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help=t("add.text"), show_default=False)
    ],
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
    register: Annotated[
        bool, typer.Option("--register", help=t("opt.register"))
    ] = False,
    photo: PhotoOption = None,
    owner: Annotated[str | None, typer.Option("--owner", help=t("opt.owner"))] = None,
    json_out: JsonOption = False,
) -> None:
    from gridlog.domain import entries as writes

    if text == "-":
        text = sys.stdin.read()
    with session(ctx, write=True) as (conn, context):
        follow_up_when = when(follow_up, context, "future") if follow_up else None
        remind_when = when(remind, context, "future") if remind else None
        if remind_text is not None and remind is None:
            raise GridlogError("add.remind_text_alone", exit_code=2)
        if every is not None and (follow_up is None) == (remind is None):
            raise GridlogError("add.every_which", exit_code=2)
        if register and not (resident and resident.strip()):
            raise GridlogError("add.register_alone", exit_code=2)
        if owner is not None and follow_up is None and remind is None:
            raise GridlogError("add.owner_alone", exit_code=2)
        draft = writes.Draft(
            text=text,
            at=when(at, context, "past").at(context.zone) if at else context.now,
            grid=grid,
            place=place,
            resident=resident,
            phone=phone,
            category=vocab.category(category).key if category else "other",
            kind=vocab.kind(kind).key if kind else "visit",
            follow_up=follow_up_when and follow_up_when.day,
            follow_up_time=follow_up_when and follow_up_when.time,
            remind=remind_when and remind_when.day,
            remind_time=remind_when and remind_when.time,
            remind_text=remind_text,
            case_id=parse_id(case) if case else None,
            tags=tag or (),
            every=how_often(every) if every else None,
            register=register,
            photos=tuple(photo or ()),
            owner=owner,
        )
        added = writes.add_entry(conn, context, draft)
        if json_out:
            from gridlog.render import shapes

            emit(data=shapes.added(added))
        else:
            from gridlog.render.log import added_line

            emit(line=added_line(added, context.today))


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
    owner: Annotated[
        str | None, typer.Option("--owner", help=t("opt.due_owner"))
    ] = None,
    json_out: JsonOption = False,
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain import log as reads

    with session(ctx, write=False) as (conn, context):
        today = when(on, context, None).day if on else context.today
        grid_ids = [grids.find_grid(conn, name) for name in grid] if grid else None
        if stale is not None:
            _stale(conn, context, today, stale, grid_ids, json_out, reveal)
            return
        if owner is not None:
            owner = check_owner(owner)
        if json_out or every:  # scripts always get every item
            items = reads.due_items(
                conn, today, days=days, grid_ids=grid_ids, owner=owner
            )
            backlog = None
        else:
            items = reads.due_items(
                conn,
                today,
                days=days,
                grid_ids=grid_ids,
                owner=owner,
                recent_only=True,
            )
            backlog = reads.due_backlog(conn, today, grid_ids=grid_ids, owner=owner)
        if json_out:
            from gridlog.render import shapes

            emit(data=shapes.due(items), mask=not reveal)
        else:
            from gridlog.render import log as render

            items = reads.most_urgent_first(items, today)
            emit(render.due_doc(items, today, days, backlog), mask=not reveal)


def _stale(
    conn, context, today, days: int, grid_ids, json_out: bool, reveal: bool
) -> None:
    """`due --stale N`: households of the register nobody visited for N days."""
    from gridlog.domain.coverage import stale_households

    households = stale_households(conn, context.zone, today, days, grid_ids)
    if json_out:
        from gridlog.render import shapes

        emit(data=shapes.stale(households), mask=not reveal)
    else:
        from gridlog.render.log import stale_doc

        emit(stale_doc(households, today, days), mask=not reveal)


def done(
    ctx: typer.Context,
    record: IdArgument,
    note: Annotated[
        str | None, typer.Option("--note", "-n", help=t("opt.note"))
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help=t("opt.done_at"))] = None,
    force: Annotated[bool, typer.Option("--force", help=t("opt.done_force"))] = False,
) -> None:
    from gridlog.domain import entries as writes

    with session(ctx, write=True) as (conn, context):
        record_id = parse_id(record)
        closed_at = when(at, context, "past").at(context.zone) if at else None
        closed = writes.close_item(
            conn, context, record_id, note=note, at=closed_at, force=force
        )
        from gridlog.render.log import closed_line

        emit(line=closed_line(closed, context.today))


def snooze(
    ctx: typer.Context,
    record: IdArgument,
    due: Annotated[str, typer.Argument(metavar="WHEN", help=t("arg.when"))],
    force: Annotated[bool, typer.Option("--force", help=t("opt.snooze_force"))] = False,
) -> None:
    from gridlog.domain import entries as writes

    with session(ctx, write=True) as (conn, context):
        record_id = parse_id(record)
        due_when = when(due, context, "future")
        item = writes.snooze_item(
            conn, context, record_id, due_when.day, due_when.time, force=force
        )
        from gridlog.render.log import snoozed_line

        emit(line=snoozed_line(item, context.today))


def show(
    ctx: typer.Context,
    record: IdArgument,
    json_out: JsonOption = False,
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain import log as reads

    with session(ctx, write=False) as (conn, context):
        result = reads.record_view(conn, context.zone, parse_id(record))
        if json_out:
            from gridlog.render import shapes

            emit(data=shapes.record_view(result), mask=not reveal)
        else:
            from gridlog.render.log import record_doc

            emit(record_doc(result, context.today), mask=not reveal)


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
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain import log as reads

    with session(ctx, write=False) as (conn, context):
        filters = _log_filter(
            conn, context, grid, since, until, category, kind, limit, resident
        )
        entries = reads.log_entries(conn, context.zone, filters)
        _emit_entries(entries, context, json_out, reveal)


def _log_filter(
    conn, context, grid, since, until, category, kind, limit, resident=None
):
    """The filters `log` and `search` share, read the way every command reads them."""
    from gridlog.domain import log as reads

    return reads.LogFilter(
        grid_ids=[grids.find_grid(conn, name) for name in grid] if grid else None,
        since=when(since, context, "past").day if since else None,
        until=when(until, context, None).day if until else None,
        category=vocab.category(category).key if category else None,
        kind=vocab.kind(kind).key if kind else None,
        resident=resident,
        limit=limit,
    )


def _emit_entries(entries, context, json_out: bool, reveal: bool):
    """Entries oldest first, as JSON or as the walking log reads."""
    if json_out:
        from gridlog.render import shapes

        emit(data=shapes.log(entries), mask=not reveal)
    else:
        from gridlog.render.log import log_doc

        emit(log_doc(entries, context.today), mask=not reveal)


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
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain.search import found_only_in_closing_notes, search_entries

    with session(ctx, write=False) as (conn, context):
        filters = _log_filter(conn, context, grid, since, until, category, kind, limit)
        found = search_entries(conn, context.zone, text, filters)  # newest first
        in_note = found_only_in_closing_notes(conn, found, text)
        if json_out:
            from gridlog.render import shapes

            emit(data=shapes.found(found, in_note), mask=not reveal)
        else:
            from gridlog.render.log import log_doc

            doc = log_doc(found, context.today, text.strip(), in_note)
            emit(doc, mask=not reveal)


def register(app: typer.Typer) -> None:
    """Add the everyday commands to `app`."""
    app.command(help=t("add.help"), epilog=t("add.epilog"))(add)
    app.command(help=t("due.help"), epilog=t("due.epilog"))(due)
    app.command(help=t("done.help"), epilog=t("done.epilog"))(done)
    app.command(help=t("snooze.help"), epilog=t("snooze.epilog"))(snooze)
    app.command(help=t("show.help"), epilog=t("show.epilog"))(show)
    app.command(help=t("log.help"), epilog=t("log.epilog"))(log)
    app.command(help=t("search.help"), epilog=t("search.epilog"))(search)
