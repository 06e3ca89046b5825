"""A command group that builds only the command that runs.

typer turns every registered function into a click command at each start: it reads
each signature, its annotations and help texts, for some forty commands, and gridlog
imports every command module to register them. A worker typing `gridlog due` needs
one. This group knows each command's name and the module that defines it; it imports
that module and builds that command when click asks for it (click's documented
pattern for lazily loaded subcommands). A help page that lists the commands gets
light stand-ins that carry each command's help text and nothing else.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, ClassVar

import typer
import typer.core
import typer.main

from gridlog.words.i18n import t

if TYPE_CHECKING:  # typer carries its own click; importing click itself costs ~15 ms
    import click


class LazyCommands(MutableMapping):
    """Command name → click command, each built on first access, in help order."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules  # name → module under gridlog.cli
        self._built: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._built:
            if name not in self._modules:
                raise KeyError(name)
            self._built[name] = build_one(self._modules[name], name)
        return self._built[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in self._modules  # known without building it

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


class LazyGroup(typer.core.TyperGroup):
    """A root whose commands come from `LazyCommands`; a subclass names them in
    `modules` (typer makes the group from a class, not an instance)."""

    modules: ClassVar[dict[str, str]] = {}

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.modules)
        self._listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands.keys())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            return None
        if self._listing:
            return stand_in(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def stand_in(name: str) -> click.Command:
    """What the list of commands needs of `name`: its help text, as typer gives it."""
    return typer.core.TyperCommand(name=name, help=t(f"{name}.help"))


def build_one(module_name: str, name: str) -> click.Command:
    """Import the module that defines `name`, let it register on a scratch app (which
    builds nothing), and build the one command or group called `name`."""
    module = importlib.import_module(f"gridlog.cli.{module_name}")
    scratch = typer.Typer()
    module.register(scratch)
    settings = {
        "pretty_exceptions_short": scratch.pretty_exceptions_short,
        "rich_markup_mode": scratch.rich_markup_mode,
    }
    for info in scratch.registered_commands:
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return typer.main.get_command_from_info(info, **settings)
    for info in scratch.registered_groups:
        if info.name == name:
            return typer.main.get_group_from_info(
                info, suggest_commands=True, **settings
            )
    raise LookupError(f"gridlog.cli.{module_name} does not register {name!r}")
