"""`gridlog report`: the monthly review, on screen or as a file to hand upwards.

Registered on the main app by `gridlog.cli.app`; kept apart because its formats and
period options would otherwise double the size of that module.
"""

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gridlog.cli.common import (
    ForceOption,
    GridsOption,
    check_year,
    guard_output,
    session,
    when,
)
from gridlog.domain import grids
from gridlog.errors import GridlogError
from gridlog.words.i18n import t

if TYPE_CHECKING:
    from gridlog.domain.report import Period

FORMATS = ("table", "md", "csv", "json", "html", "xlsx")
_BINARY = ("xlsx",)
# The formats that show only the screen's figures: no distinct places, and of the
# previous period only those `report_text._screen_rows` compares with (entries,
# visits, opened, closed, open, overdue). What they do not show is not computed
# (by `report --hub`: the places).
SCREEN_ONLY = ("table", "md")


def report(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Option("--month", "-m", help=t("opt.month"))
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help=t("opt.report_since"))
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help=t("opt.report_until"))
    ] = None,
    grid: GridsOption = None,
    by: Annotated[str, typer.Option("--by", help=t("opt.by"))] = "grid",
    format: Annotated[
        str, typer.Option("--format", "-f", help=t("opt.format"))
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=t("opt.output"))
    ] = None,
    force: ForceOption = False,
    hub: Annotated[bool, typer.Option("--hub", help=t("opt.report_hub"))] = False,
) -> None:
    # Imported here, not at the top: every command imports this module to register
    # `report`, and only `report` needs the report's code.
    from gridlog.domain.report import GROUPINGS, build_report

    if by not in GROUPINGS:
        raise GridlogError(
            "report.bad_by", by=by, choices=", ".join(GROUPINGS), exit_code=2
        )
    if format not in FORMATS:
        raise GridlogError(
            "report.bad_format", format=format, choices=", ".join(FORMATS), exit_code=2
        )
    if hub:
        _hub_report(ctx, (month, since, until), grid, by, format, output, force)
        return
    with session(ctx, write=False) as (conn, context):
        period = _period(month, since, until, context)
        grid_ids = [grids.find_grid(conn, name) for name in grid] if grid else None
        if format in _BINARY and output is None:
            output = Path(f"gridlog-report-{period.label}.xlsx")
        if output is not None:
            guard_output(ctx, output, force=force)
        result = build_report(
            conn,
            context.zone,
            period,
            by=by,
            grid_ids=grid_ids,
            today=context.today,
            screen_only=format in SCREEN_ONLY,
        )
        _deliver(result, format, output, str(context.zone))


def _hub_report(
    ctx: typer.Context,
    when: tuple[str | None, str | None, str | None],
    grid: list[str] | None,
    by: str,
    format: str,
    output: Path | None,
    force: bool,
) -> None:
    """The review computed on the hub (`--hub`), for an office that keeps no log
    here: every grid the login may see, by grid."""
    from gridlog.cli.hub import hub as hub_connection
    from gridlog.hub.report import build_hub_report

    if by != "grid":
        raise GridlogError("report.hub_by", exit_code=2)
    context = _context_here(ctx)
    period = _period(*when, context)
    if format in _BINARY and output is None:
        output = Path(f"gridlog-report-{period.label}.xlsx")
    if output is not None:
        guard_output(ctx, output, force=force)
    try:
        with hub_connection(ctx, None) as conn:
            result = build_hub_report(
                conn,
                context.zone,
                period,
                today=context.today,
                grid_names=grid,
                places=format not in SCREEN_ONLY,
            )
    except GridlogError as refused:
        if refused.key == "hub.no_url":
            raise GridlogError("report.hub_no_url", exit_code=2) from None
        raise
    _deliver(result, format, output, str(context.zone))


def _context_here(ctx: typer.Context):
    """Now and the zone, from this device's log when it keeps one (its `config
    --tz`, its language), else from --tz, GRIDLOG_TZ or the system: nothing is
    created on a device that keeps no log."""
    import os

    from gridlog.cli.common import Options
    from gridlog.context import Context
    from gridlog.dates.clock import now as clock_now
    from gridlog.dates.clock import system_zone, zone_named
    from gridlog.storage.db import resolve_path

    options: Options = ctx.find_root().obj
    if resolve_path(options.db).exists():
        with session(ctx, write=False) as (_, context):
            return context
    name = options.tz or os.environ.get("GRIDLOG_TZ")
    zone = zone_named(name) if name else system_zone()
    return Context(now=clock_now(zone), zone=zone, command="report")


def _period(
    month: str | None, since: str | None, until: str | None, context
) -> "Period":
    """--month, or --since/--until, or by default the previous month."""
    from gridlog.domain.report import Period, month_period

    if month and (since or until):
        raise GridlogError("report.month_and_range", exit_code=2)
    if since or until:
        first = when(since, context, "past").day if since else None
        last = when(until, context, None).day if until else context.today
        first = first or last.replace(day=1)
        if last < first:
            raise GridlogError("report.empty_range", since=since, until=until)
        from datetime import timedelta

        return Period(first, last + timedelta(days=1))
    if month:
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", month)
        if found and 1 <= int(found[2]) <= 12:
            check_year(int(found[1]), month)
            return month_period(int(found[1]), int(found[2]))
        day = when(month, context, "past").day
        return month_period(day.year, day.month)
    this_month = context.today.replace(day=1)
    return month_period(this_month.year, this_month.month).previous()


def _deliver(result, format: str, output: Path | None, zone_name: str) -> None:
    from gridlog.render import report_text as formats

    if format == "table":
        if output is None:
            from gridlog.cli.terminal import print_doc

            print_doc(formats.report_doc(result))
            return
        from gridlog.render.output import to_plain

        data = (to_plain(formats.report_doc(result)) + "\n").encode()
    elif format == "md":
        data = formats.report_markdown(result).encode()
    elif format == "csv":
        data = formats.report_csv(result)
    elif format == "json":
        data = (formats.dumps(formats.report_json(result, zone_name)) + "\n").encode()
    elif format == "html":
        from gridlog.render.report_html import render_html

        data = render_html(result).encode()
    else:
        from gridlog.render.report_xlsx import write_xlsx
        from gridlog.storage.files import replacing

        assert output is not None  # the default name was given in `report`
        with replacing(output) as file:
            write_xlsx(result, file)
        sys.stdout.write(t("report.written", path=str(output)) + "\n")
        return
    if output is None:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else (
            sys.stdout.write(data.decode())
        )
        return
    from gridlog.storage.files import write_private

    write_private(output, data)
    sys.stdout.write(t("report.written", path=str(output)) + "\n")


def register(app: typer.Typer) -> None:
    """Add `report` to `app`."""
    app.command(help=t("report.help"), epilog=t("report.epilog"))(report)
