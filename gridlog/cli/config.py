"""`gridlog config`: a worker's own defaults (name, grid, time zone, language) and
the community named on the monthly review."""

from typing import Annotated

import typer

from gridlog.cli.common import (
    Options,
    emit,
    session,
)
from gridlog.dates.clock import zone_named
from gridlog.domain import grids, settings
from gridlog.domain.limits import Field, check_name
from gridlog.errors import GridlogError
from gridlog.storage.db import resolve_path
from gridlog.words.i18n import parse_lang, t


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
    community: Annotated[
        str | None, typer.Option("--community", help=t("opt.config_community"))
    ] = None,
    hub: Annotated[
        str | None, typer.Option("--hub", help=t("opt.config_hub"), show_default=False)
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
    if community is not None:
        values["community"] = (
            check_name(Field.COMMUNITY, community.strip())
            if community.strip()
            else None
        )
    if hub is not None:
        from gridlog.hub.connection import checked_url

        values["hub"] = checked_url(hub.strip()) if hub.strip() else None
    options: Options = ctx.find_root().obj
    path = resolve_path(options.db)
    with session(ctx, write=bool(values) or grid is not None) as (conn, context):
        if grid is not None:
            values["grid"] = grids.grid_name(conn, grids.find_grid(conn, grid))
        if values:
            settings.set_many(conn, context, values)
            emit(line=t("config.saved"))
            return
        from gridlog.render.log import config_doc

        emit(config_doc(settings.get_all(conn), str(path)))


def _bad_lang(lang: str) -> str:
    raise GridlogError("config.bad_lang", lang=lang, exit_code=2)


def register(app: typer.Typer) -> None:
    """Add `config` to `app`."""
    app.command(help=t("config.help"), epilog=t("config.epilog"))(config)
