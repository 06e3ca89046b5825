"""The entry point: choose the language, run the typer app, and be the one place
where errors become a single line and an exit code (never a traceback)."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Mapping, Sequence

from gridlog.cli import collector, completion
from gridlog.errors import GridlogError
from gridlog.words.i18n import current_lang, locale_lang, parse_lang, set_lang, t

# The groups whose bare name shows their help page.
_GROUPS = ("grid", "resident", "rule")


def main(argv: Sequence[str] | None = None) -> int:
    """Run gridlog with `argv` (default: the process's) and return the exit code."""
    # The cycle collector is off while gridlog starts (about 5 % of a start): see
    # `cli.collector`.
    with collector.off_while_starting():
        return _main(list(sys.argv[1:] if argv is None else argv))


def _main(args: list[str]) -> int:
    chosen = chosen_lang(args, os.environ)
    set_lang(chosen or locale_lang(os.environ), explicit=chosen is not None)
    _never_fail_to_print()
    if not _lang_spoken(args):
        return 2
    before = _commits_so_far()
    try:
        return _run(args)
    except SystemExit as exc:
        return _exit_code(exc.code)
    except GridlogError as exc:
        if _commits_so_far() != before:
            return _after_commit(exc)
        return _fail(_describe(exc), exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1  # `gridlog log | head`: the reader left; nothing to report
    except Exception as exc:  # the one place that must catch everything
        if os.environ.get("GRIDLOG_DEBUG"):
            raise
        if _commits_so_far() != before:
            return _after_commit(exc)
        return _unexpected(exc)


def _lang_spoken(args: Sequence[str]) -> bool:
    """False (the command refused) for `--lang fr`; GRIDLOG_LANG=fr gets a notice
    and the command runs in the locale's language."""
    unknown = unknown_lang(args, os.environ)
    if unknown is None:
        return True
    source, value = unknown
    if source == "--lang":
        _fail(t("lang.unknown", lang=value), 2)
        return False
    # Not at a Tab: the notice would be written across the line being typed.
    if not completion.completing(os.environ):
        notice = t("lang.unknown_env", lang=value, using=current_lang())
        sys.stderr.write(notice + "\n")
    return True


def _commits_so_far() -> int:
    """Transactions committed by this process (none before storage is loaded: a
    command that never opens the database, like --help, does not import it)."""
    db = sys.modules.get("gridlog.storage.db")
    return db.committed() if db is not None else 0


def _never_fail_to_print() -> None:
    """A terminal or pipe that cannot encode Chinese (PYTHONIOENCODING=ascii, a C
    locale) gets `\\u7ea2` escapes instead of an error: an error after the change
    was stored would make the worker add the same entry twice."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        # A closed or unusual stream is left as it is.
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="backslashreplace")


def _after_commit(exc: BaseException) -> int:
    """A failure once the command's change was committed: say that it was stored
    and what did not happen, never "nothing was changed"."""
    from gridlog.storage.db import db_errors, user_error

    error = exc
    if isinstance(exc, Exception) and isinstance(exc, db_errors()):
        error = user_error(exc)
    if isinstance(error, GridlogError) and error.key.startswith("after_commit."):
        return _fail(_describe(error), error.exit_code)  # it says what was stored
    if isinstance(error, GridlogError) and error.key == "db.full":
        return _fail(t("error.after_commit_full"), 1)
    kind = error.key if isinstance(error, GridlogError) else type(exc).__name__
    return _fail(t("error.after_commit", kind=kind), 1)


def chosen_lang(args: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """The language the user asked for, by `--lang X`/`--lang=X` or GRIDLOG_LANG;
    None when nothing or no language gridlog speaks was asked for (the locale's
    then, see `unknown_lang`).

    Read before typer parses anything, because typer fixes help texts when the app
    is built."""
    for _, value in _asked_langs(args, environ):
        lang = parse_lang(value)
        if lang is not None:
            return lang
    return None


def unknown_lang(
    args: Sequence[str], environ: Mapping[str, str]
) -> tuple[str, str] | None:
    """(where, what) when the language asked for is none gridlog speaks (`--lang
    fr`): said, rather than silently answered in English."""
    asked = _asked_langs(args, environ)
    if not asked or parse_lang(asked[0][1]) is not None:
        return None
    return asked[0]


def _asked_langs(
    args: Sequence[str], environ: Mapping[str, str]
) -> list[tuple[str, str]]:
    """What `--lang` and GRIDLOG_LANG ask for, in that order of precedence."""
    asked = []
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            asked.append(("--lang", args[i + 1]))
            break
        if arg.startswith("--lang="):
            asked.append(("--lang", arg.split("=", 1)[1]))
            break
    if environ.get("GRIDLOG_LANG"):
        asked.append(("GRIDLOG_LANG", environ["GRIDLOG_LANG"]))
    return asked


def _run(args: list[str]) -> int:
    from gridlog.cli.terminal import is_terminal

    _check_utf8(args)
    args = completion.with_shell(args, os.environ)
    with _typer_imported(rich_help=is_terminal(sys.stdout)):
        if _wants_help(args):
            from gridlog.cli.usage import localize_help

            localize_help()
        from gridlog.cli.app import app

        completion.prepare(os.environ)
    code = app(args=args, prog_name="gridlog", standalone_mode=False)
    return code if isinstance(code, int) else 0


@contextlib.contextmanager
def _typer_imported(*, rich_help: bool) -> Iterator[None]:
    """Help is drawn with rich only on a terminal: piped, rich costs ~90 ms of
    imports for nothing. typer reads TYPER_USE_RICH once, when it is first imported
    (inside this block), so the variable is set for that import only and the
    environment that child processes inherit stays the user's."""
    if rich_help or "TYPER_USE_RICH" in os.environ or "typer" in sys.modules:
        yield
        return
    os.environ["TYPER_USE_RICH"] = "0"
    try:
        yield
    finally:
        del os.environ["TYPER_USE_RICH"]


def _unexpected(exc: Exception) -> int:
    """Anything but a GridlogError: typer's usage errors, a cancelled prompt, a
    database failure, or a defect (said in one line, with its type only)."""
    import typer

    if type(exc).__name__ == "NoArgsIsHelpError":  # a group named alone: its help
        sys.stdout.write(exc.format_message() + "\n")
        return 0
    if isinstance(exc, typer.TyperException):  # click's usage errors
        return _usage_error(exc)
    if isinstance(exc, typer.Abort):
        return _fail(t("cancelled"), 1)
    from gridlog.storage.db import db_errors, user_error

    if isinstance(exc, db_errors()):  # sqlite3's, or SQLCipher's own classes
        error = user_error(exc)
        return _fail(_describe(error), error.exit_code)
    return _fail(t("error.internal", kind=type(exc).__name__), 1)


def _describe(error: GridlogError) -> str:
    """The error's line; its module (fields, their spellings) only once one failed."""
    from gridlog.cli.messages import describe

    return describe(error)


def _check_utf8(args: list[str]) -> None:
    """Arguments that were not valid UTF-8 arrive with lone surrogates: refuse them."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise GridlogError("args.not_utf8", exit_code=2) from None


def _wants_help(args: list[str]) -> bool:
    """Will typer draw a help page? (Then its fixed words must be ours first.)"""
    return not args or "--help" in args or "-h" in args or args[-1] in _GROUPS


def _usage_error(exc) -> int:
    from gridlog.cli.usage import usage_message

    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "gridlog"
    return _fail(usage_message(exc.format_message(), command), exc.exit_code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _fail(message: str, code: int) -> int:
    sys.stderr.write(t("error.prefix") + message + "\n")
    return code


def run() -> None:
    """Console-script entry point."""
    collector.process_ends_with_the_command()
    code = main()
    # The process ends here: its objects go with it, and the collector need not pass
    # over every one of them first while Python shuts down (about 10 % of a start).
    gc.freeze()
    sys.exit(code)
