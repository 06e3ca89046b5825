"""What every command shares: the options declared once, the session a command runs in
(database, zone, now), and the one way to print a result."""

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

import typer

from gridlog.cli.completion import grid_names
from gridlog.context import Context
from gridlog.dates.clock import now as clock_now
from gridlog.dates.clock import system_zone, zone_named
from gridlog.domain import settings
from gridlog.errors import GridlogError
from gridlog.storage.db import committed, discard_unused, open_db, resolve_path
from gridlog.words.i18n import is_explicit, set_lang, t


class Options(NamedTuple):
    """The global options, kept on the root context by `cli.app` (a NamedTuple, not a
    dataclass: see `context.Context`)."""

    db: Path | None
    tz: str | None


JsonOption = Annotated[bool, typer.Option("--json", help=t("opt.json"))]
# Options several commands share, declared once.
GridOption = Annotated[
    str | None,
    typer.Option("--grid", "-g", help=t("opt.grid"), autocompletion=grid_names),
]
PlaceOption = Annotated[str | None, typer.Option("--place", "-p", help=t("opt.place"))]
ResidentOption = Annotated[
    str | None, typer.Option("--resident", "-r", help=t("opt.resident"))
]
PhoneOption = Annotated[str | None, typer.Option("--phone", help=t("opt.phone"))]
CategoryOption = Annotated[
    str | None, typer.Option("--category", "-c", help=t("opt.category"))
]
KindOption = Annotated[str | None, typer.Option("--kind", "-k", help=t("opt.kind"))]
AtOption = Annotated[str | None, typer.Option("--at", help=t("opt.at"))]
SinceOption = Annotated[str | None, typer.Option("--since", help=t("opt.since"))]
UntilOption = Annotated[str | None, typer.Option("--until", help=t("opt.until"))]
LimitOption = Annotated[
    int, typer.Option("--limit", "-n", min=0, max=10**9, help=t("opt.limit"))
]
ForceOption = Annotated[bool, typer.Option("--force", help=t("opt.force"))]
RevealOption = Annotated[bool, typer.Option("--reveal", help=t("opt.reveal"))]
IdArgument = Annotated[str, typer.Argument(metavar="ID", help=t("arg.id"))]
PhotoOption = Annotated[
    list[Path] | None, typer.Option("--photo", metavar="FILE", help=t("opt.photo"))
]
GridsOption = Annotated[
    list[str] | None,
    typer.Option("--grid", "-g", help=t("opt.grid_filter"), autocompletion=grid_names),
]


@contextlib.contextmanager
def session(ctx: typer.Context, *, write: bool) -> Iterator[tuple]:
    """The database and the moment a command runs in, closed whatever happens."""
    options: Options = ctx.find_root().obj
    path = resolve_path(options.db)
    new = write and not path.exists()
    new_folder = write and not path.parent.exists()
    commits = committed()
    conn = open_db(path, write=write, ask_key=_ask_key)
    try:
        saved = settings.get_all(conn)
        if "lang" in saved and not is_explicit():
            set_lang(saved["lang"])
        zone_name = options.tz or os.environ.get("GRIDLOG_TZ") or saved.get("tz")
        zone = zone_named(zone_name) if zone_name else system_zone()
        context = Context(
            now=clock_now(zone),
            zone=zone,
            worker=saved.get("worker"),
            command=ctx.command_path.removeprefix("gridlog ").strip(),
        )
        yield conn, context
        _make_private(path)  # once the command did its work: a refusal touches nothing
    except BaseException:
        if new and committed() == commits:
            # A refused first command leaves no database (nor folder) behind.
            discard_unused(conn, path, folder=new_folder)
        conn.close()
        raise
    finally:
        conn.close()


def guard_output(
    ctx: typer.Context, target: Path, *, force: bool, inputs: tuple[Path, ...] = ()
) -> None:
    """Refuse, before anything is read or written, an output that is the database
    (or its -wal, -shm, -journal), a file being read, a folder, or an existing file
    without --force."""
    from gridlog.storage.files import check_output

    database = resolve_path(ctx.find_root().obj.db)
    check_output(target, database=database, inputs=inputs, force=force)


def when(text: str, context: Context, prefer: Literal["past", "future"] | None):
    # The parser only when a phrase was typed: most commands name no date.
    from gridlog.dates.phrases import parse_when

    found = parse_when(text, context.now, prefer)
    check_year(found.day.year, text)
    return found


def check_year(year: int, text: str) -> None:
    """A walking log holds 1900 to 2099: year 1 or 9999 would break date sums later,
    and import refuses such years too."""
    if not 1900 <= year <= 2099:
        raise GridlogError("date.out_of_range", text=text)


def how_often(text: str) -> str | None:
    """`--every`: read only when given, and the reader imported only then."""
    from gridlog.dates.recurrence import parse_every

    return parse_every(text)


def parse_id(text: str) -> int:
    """Ids are shown as `#42`; accept that form as well as `42`."""
    cleaned = text.strip().lstrip("#")
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 18:
        raise GridlogError("id.bad", id=text, exit_code=2)
    return int(cleaned)


def emit(doc=None, data=None, line: str | None = None, *, mask: bool = False) -> None:
    """Print JSON when asked, else one line or a document; `mask`: with residents'
    phone and ID numbers inside texts masked (`render.masked`)."""
    if mask:
        from gridlog.render.masked import masked_data, masked_doc

        doc = None if doc is None else masked_doc(doc)
        data = None if data is None else masked_data(data)
    if data is not None:
        from gridlog.render.shapes import dumps

        sys.stdout.write(dumps(data) + "\n")
    elif line is not None:
        sys.stdout.write(line + "\n")
    else:
        from gridlog.cli.terminal import print_doc

        print_doc(doc)


def _make_private(path: Path) -> None:
    """A database others can read (copied in, or made by an older tool) is made
    owner-only, and the worker told so in one line, after a command that worked."""
    from gridlog.storage.db import make_private

    if make_private(path):
        sys.stderr.write(t("db.made_private", path=str(path)) + "\n")


def _ask_key(path: Path) -> str:
    """Asked only when the database is encrypted and GRIDLOG_KEY is not set."""
    from gridlog.cli.prompts import key_to_open

    return key_to_open(path)
