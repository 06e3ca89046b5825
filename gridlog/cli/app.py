"""The typer app, assembled from the command modules.

Each command module (`cli.log`, `cli.grids`, …) defines plain functions and a
`register(app)` that adds them; nothing imports this module back, so there is no
import circle. Help texts come from `i18n.t`, so the language must be chosen before
this module is imported (see `cli.main`).

No `from __future__ import annotations` in the command modules: typer reads every
command's annotations at each start, and strings would have to be compiled and
evaluated one by one (~15 ms of every command).
"""

from pathlib import Path
from typing import Annotated

import typer

from gridlog.cli import (
    changes,
    completion,
    config,
    grids,
    log,
    report,
    residents,
    safety,
    transfer,
)
from gridlog.cli.common import Options
from gridlog.words.i18n import set_lang, t

# The order commands are listed in `gridlog --help`.
COMMAND_MODULES = (log, config, changes, safety, transfer, report, grids, residents)


def _global(
    ctx: typer.Context,
    db: Annotated[
        Path | None, typer.Option("--db", help=t("opt.db"), show_default=False)
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help=t("opt.tz"))] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=t("opt.lang"))] = None,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="[bash|zsh|fish]",
            is_eager=True,
            callback=completion.show,
            help=t("opt.show_completion"),
        ),
    ] = None,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="[bash|zsh|fish]",
            is_eager=True,
            callback=completion.install,
            help=t("opt.install_completion"),
        ),
    ] = None,
) -> None:
    if lang is not None:
        set_lang(lang, explicit=True)
    ctx.obj = Options(db=db, tz=tz)


def build_app() -> typer.Typer:
    """The whole command line: the global options and every command group."""
    app = typer.Typer(
        name="gridlog",
        help=t("app.help"),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_global)
    for module in COMMAND_MODULES:
        module.register(app)
    return app


app = build_app()
