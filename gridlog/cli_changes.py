"""`gridlog edit`, `delete`, `undo` and `history`: changing what is stored, and seeing
every change; `backup`, `check`, `encrypt` and `decrypt`: keeping it safe. Registered
on the main app by `gridlog.cli`."""

from pathlib import Path
from typing import Annotated

import typer

from gridlog import dates, vocab
from gridlog.cli import (
    AtOption,
    CategoryOption,
    GridOption,
    IdArgument,
    KindOption,
    PhoneOption,
    PlaceOption,
    ResidentOption,
    app,
    emit,
    parse_id,
    session,
    when,
)
from gridlog.errors import GridlogError
from gridlog.i18n import t, tn


@app.command(help=t("edit.help"), epilog=t("edit.epilog"))
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
    every: Annotated[
        str | None, typer.Option("--every", help=t("opt.edit_every"))
    ] = None,
) -> None:
    from gridlog.revisions import EntryEdit, edit_record

    with session(ctx, write=True) as (conn, context):
        number = parse_id(record)
        change = EntryEdit(
            text=text,
            place=place,
            resident=resident,
            phone=phone,
            category=vocab.category(category).key if category else None,
            kind=vocab.kind(kind).key if kind else None,
            at=when(at, context, "past").at(context.zone) if at else None,
            grid=grid,
            due=when(due, context, "future").day if due else None,
            every=None if every is None else (dates.parse_every(every) or ""),
        )
        changed = edit_record(conn, context, number, change)
        emit(line=t("edit.done", type=t(f"record.{changed}"), id=number))


@app.command(help=t("delete.help"), epilog=t("delete.epilog"))
def delete(
    ctx: typer.Context,
    record: IdArgument,
) -> None:
    from gridlog.revisions import delete_entry

    with session(ctx, write=True) as (conn, context):
        number = parse_id(record)
        count = delete_entry(conn, context, number)
        emit(line=t("delete.done", id=number, count=count))


@app.command(help=t("undo.help"), epilog=t("undo.epilog"))
def undo(ctx: typer.Context) -> None:
    from gridlog.revisions import undo_last

    with session(ctx, write=True) as (conn, context):
        undone = undo_last(conn, context)
        count, command = undone.changes, undone.command or "—"
        emit(line=tn("undo.done", count, command=command, count=count))


@app.command(help=t("history.help"), epilog=t("history.epilog"))
def history(
    ctx: typer.Context,
    record: IdArgument,
    json_out: Annotated[bool, typer.Option("--json", help=t("opt.json"))] = False,
    reveal: Annotated[bool, typer.Option("--reveal", help=t("opt.reveal"))] = False,
) -> None:
    from gridlog.render import masked_fields
    from gridlog.revisions import record_history

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
                ]
            )
            return
        from gridlog.render import history_doc

        emit(history_doc(changes, context.today, reveal))


@app.command(help=t("backup.help"), epilog=t("backup.epilog"))
def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(metavar="FILE", help=t("backup.file"))],
) -> None:
    from gridlog.maintenance import back_up

    with session(ctx, write=False) as (conn, _context):
        health = back_up(conn, target)
        emit(line=t("backup.done", path=str(target), entries=health.counts["entries"]))


@app.command(help=t("check.help"), epilog=t("check.epilog"))
def check(ctx: typer.Context) -> None:
    from gridlog.db import key_of, resolve_path
    from gridlog.maintenance import check as check_health

    path = resolve_path(ctx.find_root().obj.db)
    with session(ctx, write=False) as (conn, _context):
        health = check_health(conn, path)
        if key_of(conn) is None:
            encryption = t("check.plain")
        else:
            cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
            encryption = t("check.encrypted", version=cipher)
    lines = [
        t("check.ok" if health.ok else "check.bad", path=str(path)),
        t("check.version", version=health.schema_version),
        encryption,
        t("check.size", mb=f"{health.size_bytes / 1e6:.1f}"),
        t("check.counts", **health.counts, open=health.open_items),
        *health.problems[:20],
    ]
    emit(line="\n".join(lines))
    if not health.ok:
        raise typer.Exit(1)


@app.command(help=t("encrypt.help"), epilog=t("encrypt.epilog"))
def encrypt(ctx: typer.Context) -> None:
    from gridlog import crypto
    from gridlog.db import is_encrypted

    path = _existing_db(ctx)
    crypto.cipher()
    if is_encrypted(path):
        raise GridlogError("encrypt.already", path=str(path))
    done = crypto.convert(path, None, crypto.new_key())
    lines = [t("encrypt.done", path=str(path), entries=done.counts.get("entries", 0))]
    if done.plain_leftovers:
        names = ", ".join(str(p) for p in done.plain_leftovers)
        lines.append(t("encrypt.leftovers", paths=names))
    emit(line="\n".join(lines))


@app.command(help=t("decrypt.help"), epilog=t("decrypt.epilog"))
def decrypt(ctx: typer.Context) -> None:
    from gridlog import crypto
    from gridlog.db import is_encrypted

    path = _existing_db(ctx)
    crypto.cipher()
    if not is_encrypted(path):
        raise GridlogError("decrypt.not_encrypted", path=str(path))
    done = crypto.convert(path, crypto.key_to_open(path), None)
    emit(line=t("decrypt.done", path=str(path), entries=done.counts.get("entries", 0)))


def _existing_db(ctx: typer.Context) -> Path:
    from gridlog.db import resolve_path

    path = resolve_path(ctx.find_root().obj.db)
    if not path.exists() or path.stat().st_size == 0:
        raise GridlogError("encrypt.no_db", path=str(path))
    return path
