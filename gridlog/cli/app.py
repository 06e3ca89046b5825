"""The typer app, assembled from the command modules.

Each command module (`cli.log`, `cli.grids`, …) defines plain functions and a
`register(app)` that adds them; nothing imports this module back, so there is no
import circle. Help texts come from `i18n.t`, so the language must be chosen before
this module is imported (see `cli.main`).

`app` is what runs: its root group imports and builds only the command that is
invoked (`cli.lazy_group`), so that it knows every command by name and module in
`COMMANDS`. `build_app()` registers them all at once, for the tests that walk every
command; `tests/test_docs.py` checks that the two agree.

No `from __future__ import annotations` in the command modules: typer reads every
command's annotations at each start, and strings would have to be compiled and
evaluated one by one (~15 ms of every command).
"""

import importlib
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from gridlog.cli import collector, completion
from gridlog.cli.lazy_group import LazyGroup
from gridlog.words.i18n import set_lang, t

# Each command (or group) and the module under gridlog.cli that registers it, in
# the order `gridlog --help` lists them.
COMMANDS = {
    **dict.fromkeys(("add", "due", "done", "snooze", "show", "log", "search"), "log"),
    "config": "config",
    **dict.fromkeys(("edit", "delete", "undo", "history"), "changes"),
    **dict.fromkeys(("backup", "check", "encrypt", "decrypt"), "safety"),
    **dict.fromkeys(("export", "merge", "import"), "transfer"),
    "report": "report",
    "sign": "residents",
    "sync": "hub",
    "grid": "grids",
    **dict.fromkeys(("resident", "rule"), "residents"),
    "hub": "hub",
}


# The modules, in the order they register (typer lists a Typer's own commands first,
# then its groups, each in the order registered: hence `sign` and `sync` before
# `grid` above).
COMMAND_MODULES = ("log", "config", "changes", "safety", "transfer", "report")
COMMAND_MODULES += ("grids", "residents", "hub")


class _Root(LazyGroup):
    modules = COMMANDS


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
    collector.command_starts()
    if lang is not None:
        set_lang(lang, explicit=True)
    # Here, not at the top: `gridlog --help` never runs this, nor needs the session's
    # modules that `cli.common` brings (the clock and its zones, the database).
    from gridlog.cli.common import Options

    ctx.obj = Options(db=db, tz=tz)


def _root(cls: type[typer.core.TyperGroup] | None = None) -> typer.Typer:
    """The app with its global options and no commands yet."""
    app = typer.Typer(
        name="gridlog",
        help=t("app.help"),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        cls=cls,
    )
    app.callback()(_global)
    return app


def build_app() -> typer.Typer:
    """The whole command line, every command registered (and built when run)."""
    app = _root()
    for module in COMMAND_MODULES:
        importlib.import_module(f"gridlog.cli.{module}").register(app)
    return app


app = _root(_Root)
