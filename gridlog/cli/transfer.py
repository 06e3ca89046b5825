"""`gridlog export`, `merge` and `import`: the log as a file, a file back into a log,
and old logs from CSV, Excel or gridlog's own JSON Lines export. The work is in
`gridlog.transfer`, imported only when these commands run."""

import contextlib
import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from gridlog.cli.common import (
    ForceOption,
    GridsOption,
    JsonOption,
    SinceOption,
    UntilOption,
    emit,
    guard_output,
    session,
    when,
)
from gridlog.cli.messages import message
from gridlog.domain import grids
from gridlog.errors import GridlogError
from gridlog.render.cells import csv_text
from gridlog.words.i18n import t, tn


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
    force: ForceOption = False,
) -> None:
    from gridlog.cli.exporting import export as export_log
    from gridlog.cli.exporting import pick_format
    from gridlog.domain import log

    fmt = pick_format(target, format)
    if target != "-":
        guard_output(ctx, Path(target), force=force)
    with session(ctx, write=False) as (conn, context):
        filters = None
        if since or until or grid:
            filters = log.LogFilter(
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
        line = t("export.done_jsonl", path=path, **done.counts)
        photos = done.counts.get("photos", 0)
        if photos:
            line += "\n" + tn("export.photos", photos, count=photos)
        return line
    key = "export.done_masked" if done.masked else "export.done_unmasked"
    entries = done.counts["entries"]
    return tn(key, entries, path=path, format=done.format, entries=entries)


def merge(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FILE", help=t("merge.file"))],
) -> None:
    from gridlog.transfer.merge_apply import merge_lines
    from gridlog.transfer.merge_read import KINDS

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
        rows.append(
            tn("merge.restored", result.history_restored, count=result.history_restored)
        )
    if result.forgotten:
        rows.append(tn("merge.forgotten", result.forgotten, count=result.forgotten))
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


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help=t("import.file"), show_default=False, dir_okay=False
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("opt.dry_run"))] = False,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help=t("opt.skip_bad"))
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help=t("opt.rejects"))
    ] = None,
    grid: Annotated[
        str | None, typer.Option("--grid", "-g", help=t("opt.import_grid"))
    ] = None,
    create_grids: Annotated[
        bool, typer.Option("--create-grids", help=t("opt.create_grids"))
    ] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help=t("opt.encoding"))
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="列名=字段", help=t("opt.import_map")),
    ] = None,
    batch: Annotated[int, typer.Option("--batch-size", min=1, hidden=True)] = 20_000,
    apart: Annotated[bool | None, typer.Option("--apart/--here", hidden=True)] = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
) -> None:
    from gridlog.transfer import importing, sheets
    from gridlog.transfer.columns import parse_maps

    if sheets.kind_of(file) == "jsonl":
        merge(ctx, str(file))  # gridlog's own export: matched record by record
        return
    target = None
    if skip_bad and not dry_run:
        target = rejects or _free_reject_name(file)
        guard_output(ctx, target, force=force, inputs=(file,))
    options = importing.Options(
        grid, create_grids, encoding, batch, apart, parse_maps(maps or ())
    )
    stage = "check" if dry_run else "store"
    with (
        session(ctx, write=not dry_run) as (conn, context),
        _progress(stage) as progress,
    ):
        job = importing.FileImport(conn, context, file, options)
        if dry_run:
            checked = job.check(_print_problem(sys.stdout), progress)
            _report_check(file, checked, as_json)
            if checked.bad_rows:
                raise typer.Exit(1)
            return
        if target is not None:
            with _Rejects(target) as on_problem:
                done = job.run(on_problem, progress, _commits(), skip_bad=True)
        else:
            done = job.run(_print_problem(sys.stderr), progress, _commits())
    _report_import(file, done, target, as_json)


def _free_reject_name(file: Path) -> Path:
    """`old.rejected.csv` beside `old.csv`, or `old.rejected-2.csv` (and so on) when
    that exists: the default reject file never replaces an earlier one."""
    target = file.with_name(f"{file.stem}.rejected.csv")
    number = 2
    while target.exists() or target.is_symlink():
        target = file.with_name(f"{file.stem}.rejected-{number}.csv")
        number += 1
    return target


def _print_problem(stream):
    def show(bad) -> None:
        for problem in bad.problems:
            stream.write(_problem_line(problem) + "\n")

    return show


def _problem_line(problem) -> str:
    reason = message(problem.key, problem.params)
    if not problem.column:  # a problem of the whole row, which names it
        return reason
    return t("import.problem", row=problem.row, column=problem.column, reason=reason)


def _commits():
    """Without a progress bar (output to a file or a pipe), a line per committed batch
    of a long import, so a log shows how far it got."""
    if sys.stderr.isatty():
        return None

    def heard(loaded) -> None:
        done = loaded.stored + loaded.skipped
        sys.stderr.write(t("import.committed", rows=f"{done:,}") + "\n")
        sys.stderr.flush()

    return heard


@contextlib.contextmanager
def _progress(stage: str) -> Iterator:
    """A progress bar on a terminal: the share of the file checked, or stored."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(t(f"import.stage.{stage}"), total=1.0)
        yield lambda share: bar.update(task, completed=share)


class _Rejects:
    """The reject file of --skip-bad: each bad row as it was, with why. It holds
    residents' data, so it is private like every file gridlog writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = None
        self._writer = None

    def __enter__(self):
        return self._write

    def _write(self, bad) -> None:
        if self._writer is None:
            from gridlog.storage.files import open_private

            raw = open_private(self.path)
            self._file = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(
                [t("import.reject.row"), t("import.reject.reason"), *bad.headers]
            )
        reasons = t("list.sep").join(
            f"{p.column}: {message(p.key, p.params)}"
            if p.column
            else message(p.key, p.params)
            for p in bad.problems
        )
        # Import takes the apostrophe off again, so a fixed file reads back as typed.
        cells = [
            csv_text(None if value is None else str(value)) for value in bad.values
        ]
        self._writer.writerow([bad.row, csv_text(reasons), *cells])

    def __exit__(self, *exc) -> None:
        if self._file is not None:
            self._file.close()


def _report_check(file: Path, checked, as_json: bool) -> None:
    if as_json:
        emit(data=_checked_data(checked))
        return
    lines = [
        tn(
            "import.checked",
            checked.rows,
            rows=f"{checked.rows:,}",
            name=file.name,
            encoding=checked.encoding or "xlsx",
            good=f"{checked.rows - checked.bad_rows:,}",
            bad=f"{checked.bad_rows:,}",
        )
    ]
    lines += _notes(checked, dry_run=True)
    emit(line="\n".join(lines))


def _report_import(file: Path, done, rejects: Path | None, as_json: bool) -> None:
    checked, loaded = done.checked, done.loaded
    if as_json:
        data = _checked_data(checked)
        data |= {
            "stored": loaded.stored,
            "already_there": loaded.skipped,
            "items": loaded.items,
            "overdue": done.open_items,
            "rejects": str(rejects) if rejects and checked.bad_rows else None,
        }
        emit(data=data)
        return
    lines = [
        tn(
            "import.done",
            loaded.stored,
            stored=f"{loaded.stored:,}",
            name=file.name,
            encoding=checked.encoding or "xlsx",
            items=f"{loaded.items:,}",
        )
    ]
    if loaded.skipped:
        lines.append(
            tn("import.already", loaded.skipped, skipped=f"{loaded.skipped:,}")
        )
    if rejects is not None and checked.bad_rows:
        lines.append(
            tn(
                "import.rejected",
                checked.bad_rows,
                bad=checked.bad_rows,
                path=str(rejects),
            )
        )
    lines += _notes(checked, dry_run=False)
    if done.open_items:
        lines.append(t("import.overdue", count=f"{done.open_items:,}"))
    emit(line="\n".join(lines))


def _notes(checked, dry_run: bool) -> list[str]:
    lines = []
    if checked.unknown_columns:
        columns = t("list.sep").join(checked.unknown_columns)
        lines.append(t("import.unknown_columns", columns=columns))
    if checked.new_grids:
        key = "import.new_grids_dry" if dry_run else "import.new_grids"
        lines.append(t(key, names=t("list.sep").join(checked.new_grids)))
    return lines


def _checked_data(checked) -> dict[str, Any]:
    return {
        "rows": checked.rows,
        "bad_rows": checked.bad_rows,
        "encoding": checked.encoding,
        "unknown_columns": checked.unknown_columns,
        "new_grids": checked.new_grids,
    }


def register(app: typer.Typer) -> None:
    """Add `export`, `merge` and `import` to `app`."""
    app.command(help=t("export.help"), epilog=t("export.epilog"))(export)
    app.command(help=t("merge.help"), epilog=t("merge.epilog"))(merge)
    app.command(name="import", help=t("import.help"), epilog=t("import.epilog"))(
        import_
    )
