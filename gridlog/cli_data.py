"""`gridlog export`: the log as a file. Registered on the main app by `gridlog.cli`;
the work is in `gridlog.exporting`, imported only when the command runs."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gridlog import grids, store
from gridlog.cli import GridsOption, SinceOption, UntilOption, app, emit, session, when
from gridlog.i18n import t


@app.command(help=t("export.help"), epilog=t("export.epilog"))
def export(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="FILE", help=t("export.file"))],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help=t("opt.export_format"))
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    grid: GridsOption = None,
    no_mask: Annotated[bool, typer.Option("--no-mask", help=t("opt.no_mask"))] = False,
) -> None:
    from gridlog.exporting import export as export_log
    from gridlog.exporting import pick_format

    fmt = pick_format(target, format)
    with session(ctx, write=False) as (conn, context):
        filters = None
        if since or until or grid:
            filters = store.LogFilter(
                grid_ids=[grids.find_grid(conn, name) for name in grid or ()] or None,
                since=when(since, context, "past").day if since else None,
                until=when(until, context, None).day if until else None,
                limit=0,
            )
        done = export_log(conn, context, target, fmt, filters, mask=not no_mask)
    line = _export_summary(done, "—" if target == "-" else target)
    if target == "-":
        sys.stderr.write(line + "\n")  # standard output holds the data
    else:
        emit(line=line)


def _export_summary(done, path: str) -> str:
    if done.format == "jsonl":
        return t("export.done_jsonl", path=path, **done.counts)
    key = "export.done_masked" if done.masked else "export.done_unmasked"
    return t(key, path=path, format=done.format, entries=done.counts["entries"])
