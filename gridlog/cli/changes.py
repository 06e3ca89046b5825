"""`gridlog edit`, `delete`, `undo` and `history`: changing what is stored, and seeing
every change."""

from typing import Annotated

import typer

from gridlog.cli.common import (
    AtOption,
    CategoryOption,
    GridOption,
    IdArgument,
    KindOption,
    PhoneOption,
    PhotoOption,
    PlaceOption,
    ResidentOption,
    RevealOption,
    emit,
    how_often,
    parse_id,
    session,
    when,
)
from gridlog.words import vocab
from gridlog.words.i18n import t, tn


def edit(
    ctx: typer.Context,
    record: IdArgument,
    text: Annotated[str | None, typer.Option("--text", help=t("opt.edit_text"))] = None,
    place: PlaceOption = None,
    resident: ResidentOption = None,
    phone: PhoneOption = None,
    category: CategoryOption = None,
    kind: KindOption = None,
    at: AtOption = None,
    grid: GridOption = None,
    due: Annotated[str | None, typer.Option("--due", help=t("opt.edit_due"))] = None,
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", "-f", help=t("opt.edit_follow_up"))
    ] = None,
    every: Annotated[
        str | None, typer.Option("--every", help=t("opt.edit_every"))
    ] = None,
    photo: PhotoOption = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help=t("opt.edit_owner"))
    ] = None,
) -> None:
    from gridlog.domain.revisions import EntryEdit, edit_record

    with session(ctx, write=True) as (conn, context):
        number = parse_id(record)
        due_when = when(due, context, "future") if due else None
        at_when = when(at, context, "past") if at else None
        follow_when = when(follow_up, context, "future") if follow_up else None
        change = EntryEdit(
            text=text,
            place=place,
            resident=resident,
            phone=phone,
            category=vocab.category(category).key if category else None,
            kind=vocab.kind(kind).key if kind else None,
            at=at_when and at_when.at(context.zone),
            at_keeps_day=bool(at_when and not at_when.dated),
            grid=grid,
            due=due_when and due_when.day,
            due_time=due_when and due_when.time,
            due_keeps_day=bool(due_when and not due_when.dated),
            follow_up=follow_when and follow_when.day,
            follow_up_time=follow_when and follow_when.time,
            every=None if every is None else (how_often(every) or ""),
            photos=tuple(photo or ()),
            owner=owner,
        )
        changed = edit_record(conn, context, number, change)
        from gridlog.render.log import edited_line

        emit(line=edited_line(changed, number, context.today))


def delete(
    ctx: typer.Context,
    record: IdArgument,
) -> None:
    from gridlog.domain.revisions import delete_entry

    with session(ctx, write=True) as (conn, context):
        number = parse_id(record)
        count = delete_entry(conn, context, number)
        emit(line=tn("delete.done", count, id=number, count=count))


def undo(ctx: typer.Context) -> None:
    from gridlog.domain.revisions import undo_last

    with session(ctx, write=True) as (conn, context):
        undone = undo_last(conn, context)
        from gridlog.render.history import undone_lines

        emit(line=undone_lines(undone, context.today, context.zone))


def history(
    ctx: typer.Context,
    record: IdArgument,
    json_out: Annotated[bool, typer.Option("--json", help=t("opt.json"))] = False,
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain.revisions import record_history
    from gridlog.render.history import masked_fields

    with session(ctx, write=False) as (conn, context):
        changes = record_history(conn, context.zone, parse_id(record))
        if json_out:
            emit(
                data=[
                    {
                        "at": c.at.isoformat(),
                        "actor": c.actor,
                        "command": c.command,
                        "action": c.action,
                        "table": c.table,
                        "before": masked_fields(c.before, reveal),
                        "after": masked_fields(c.after, reveal),
                        "undone": c.undone,
                    }
                    for c in changes
                ],
                mask=not reveal,
            )
            return
        from gridlog.render.history import history_doc

        emit(history_doc(changes, context.today, context.zone, reveal), mask=not reveal)


def register(app: typer.Typer) -> None:
    """Add the commands that change or trace what is stored to `app`."""
    app.command(help=t("edit.help"), epilog=t("edit.epilog"))(edit)
    app.command(help=t("delete.help"), epilog=t("delete.epilog"))(delete)
    app.command(help=t("undo.help"), epilog=t("undo.epilog"))(undo)
    app.command(help=t("history.help"), epilog=t("history.epilog"))(history)
