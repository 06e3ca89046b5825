"""`gridlog export` and `gridlog merge`: the log as a file, and a file back into a
log. Registered on the main app by `gridlog.cli`; the work is in
`gridlog.exporting` and `gridlog.merging`, imported only when these commands run."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from gridlog import grids, store
from gridlog.cli import GridsOption, SinceOption, UntilOption, app, emit, session, when
from gridlog.errors import GridlogError
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


@app.command(help=t("merge.help"), epilog=t("merge.epilog"))
def merge(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FILE", help=t("merge.file"))],
) -> None:
    from gridlog.merging import KINDS, merge_lines

    with _lines(source) as lines, session(ctx, write=True) as (conn, context):
        result = merge_lines(conn, context, lines)
    rows = [t("merge.done", path=source)]
    for kind in KINDS:
        row = t(
            "merge.row",
            what=t(f"merge.what.{kind}"),
            added=result.added[kind],
            updated=result.updated[kind],
            unchanged=result.unchanged[kind],
        )
        if result.kept[kind]:
            row += t("merge.kept", kept=result.kept[kind])
        rows.append(row)
    if result.history_restored:
        rows.append(t("merge.restored", count=result.history_restored))
    emit(line="\n".join(rows))


def _lines(source: str):
    """The file's lines (a BOM from a Windows editor is skipped); `-` is stdin."""
    import contextlib

    if source == "-":
        return contextlib.nullcontext(sys.stdin)
    path = Path(source)
    if not path.is_file():
        raise GridlogError("merge.no_file", path=source)
    return path.open(encoding="utf-8-sig", newline="\n")
