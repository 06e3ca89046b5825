"""Shell completion: `gridlog --show-completion bash`, `gridlog --install-completion`.

typer's own completion options stay off (`add_completion=False` in `cli.app`): they
speak English and guess the shell by walking the process tree. These two are global
options like `--lang`, in the user's language; the shell is the one named, else the
one in $SHELL. The script they give asks gridlog itself what comes next
(`_GRIDLOG_COMPLETE=complete_bash gridlog`), which typer answers before parsing
anything; `prepare` gives it typer's completion classes first.

Nothing here runs unless asked: every other command's start pays for none of it.
typer is imported inside the functions: `cli.main` imports this module before it
decides how typer is to be imported.
No `from __future__ import annotations`: typer reads the callbacks' annotations at
each start (see `cli.app`).
"""

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from gridlog.errors import GridlogError
from gridlog.words.i18n import t

SHELLS = ("bash", "zsh", "fish")
OPTIONS = ("--show-completion", "--install-completion")
PROG = "gridlog"
COMPLETE_VAR = "_GRIDLOG_COMPLETE"


def with_shell(args: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """`gridlog --install-completion` with no shell named: the one in $SHELL (or
    none, then the option says which ones there are)."""
    args = list(args)
    for i, arg in enumerate(args):
        named = i + 1 < len(args) and not args[i + 1].startswith("-")
        if arg in OPTIONS and not named:
            args.insert(i + 1, Path(environ.get("SHELL", "")).name)
            break
    return args


def show(value: str | None) -> None:
    """Print the completion script for the shell `value` (an eager option)."""
    if value is None:
        return
    import typer
    from typer._completion_shared import get_completion_script

    shell = _known(value)
    script = get_completion_script(
        prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell
    )
    typer.echo(script)
    raise typer.Exit(0)


def install(value: str | None) -> None:
    """Write the script where the shell `value` reads it (bash: ~/.bash_completions
    and a line in ~/.bashrc; zsh: ~/.zfunc; fish: ~/.config/fish/completions),
    each only once however often it is run."""
    if value is None:
        return
    import typer
    from typer._completion_shared import install as install_script

    shell, path = install_script(
        shell=_known(value), prog_name=PROG, complete_var=COMPLETE_VAR
    )
    typer.echo(t("completion.installed", shell=shell, path=path))
    raise typer.Exit(0)


def _known(shell: str) -> str:
    name = shell.strip().lower()
    if name in SHELLS:
        return name
    if not name:
        raise GridlogError("completion.which_shell", exit_code=2)
    raise GridlogError("completion.unknown_shell", shell=shell, exit_code=2)


def completing(environ: Mapping[str, str]) -> bool:
    """Is this run the shell asking what comes next (at a Tab)?"""
    return bool(environ.get(COMPLETE_VAR))


def prepare(environ: Mapping[str, str] = os.environ) -> None:
    """When the shell asks what comes next, answer it the way typer's scripts ask
    (the request is answered as typer starts, before any command)."""
    if completing(environ):
        from typer._completion_classes import completion_init

        completion_init()


def grid_names(incomplete: str) -> list[str]:
    """The grids' names and aliases that begin with what is typed, from the database
    of GRIDLOG_DB or the default one (a `--db` on the line being typed is not read);
    none when there is none yet or it cannot be read."""
    from gridlog.domain.grids import names_beginning
    from gridlog.storage.db import open_db, resolve_path

    path = resolve_path(None)
    if not path.is_file():
        return []
    try:
        conn = open_db(path, write=False)  # an encrypted one opens with GRIDLOG_KEY
    except Exception:  # no key, or not a database: no suggestions, and no noise
        return []
    try:
        return names_beginning(conn, incomplete)
    finally:
        conn.close()
