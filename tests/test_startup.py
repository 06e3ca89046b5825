"""Start-up is the budget of every command: the everyday ones must not import what
they do not use (rich only on a terminal, sqlite-utils only to migrate, pendulum
only for durations in words, the report and its formats only for `report`, the
register of residents only when one is named, SQLCipher only for an encrypted
database, the calendars of China only when a working day or a holiday is typed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "click",  # typer carries its own copy; the separate package costs ~15 ms more
    "rich",
    "sqlite_utils",
    "pendulum",
    "pydantic",
    "openpyxl",
    "gridlog.domain.report",
    "gridlog.render.report_text",
    "gridlog.domain.residents",
    "gridlog.domain.care_rules",  # only when a resident or a rule is written
    "gridlog.domain.coverage",  # only for `due --stale`, `grid show` and the report
    "gridlog.render.report_html",
    "gridlog.render.report_xlsx",
    "sqlcipher3",
    "gridlog.storage.cipher",
    "psycopg",
    "gridlog.hub",
    "chinese_calendar",
    "lunardate",
)

PROBE = """
import io, sys
from contextlib import redirect_stdout
from gridlog.cli.main import main
with redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
modules = sorted(sys.modules)  # before the probe's own json
text = sys.modules.get("gridlog.dates.text")
patterns = sorted(text._COMPILED) if text else []
import json
print(json.dumps({"code": code, "modules": modules, "patterns": patterns}))
"""


def loaded(args: list[str], env: dict[str, str]) -> set[str]:
    """The modules a fresh interpreter has imported after running gridlog ARGS."""
    return set(probed(args, env)["modules"])


def probed(args: list[str], env: dict[str, str]) -> dict:
    """What a fresh interpreter has after running gridlog ARGS: its modules, and the
    patterns of date phrases it compiled."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["code"] == 0, result.stderr
    return report


@pytest.fixture
def env(gridlog, red_grids, db_path, tmp_path):
    import os

    assert (
        gridlog("add", "跑水", "--place", "9号楼", "--follow-up", "明天").exit_code == 0
    )
    return {key: value for key, value in os.environ.items()}


@pytest.mark.parametrize(
    "args",
    [
        ["due"],
        ["due", "--json"],
        ["add", "走访", "--grid", "红四", "--follow-up", "下周一"],
        ["log", "--limit", "50"],
        ["grid", "list"],
        ["--help"],  # piped: plain help, no rich
        ["add", "--help"],
        ["--show-completion", "bash"],  # what the shell's script runs: as light
    ],
)
def test_everyday_commands_import_nothing_heavy(env, args):
    modules = loaded(args, env)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)
    assert heavy == []


@pytest.mark.parametrize(
    ("args", "module"),
    [(["due"], "gridlog.cli.log"), (["report", "--help"], "gridlog.cli.report")],
)
def test_a_command_imports_its_own_module_only(env, args, module):
    """Only the command that runs is imported and built (`cli.lazy_group`)."""
    commands = {m for m in loaded(args, env) if m.startswith("gridlog.cli.")}
    assert module in commands
    others = {f"gridlog.cli.{name}" for name in ("transfer", "residents", "safety")}
    assert commands & others == set()


def test_the_list_of_commands_imports_no_command_module(env):
    commands = {m for m in loaded(["--help"], env) if m.startswith("gridlog.cli.")}
    assert commands.isdisjoint({"gridlog.cli.log", "gridlog.cli.report"})


def test_the_list_of_commands_opens_no_session(env):
    """`gridlog --help` opens no database and reads no clock: neither the session's
    module nor what it brings (zones, sqlite3, the history and json) is loaded."""
    modules = loaded(["--help"], env)
    session = {"gridlog.cli.common", "gridlog.storage.db", "gridlog.dates.clock"}
    assert modules.isdisjoint(session | {"zoneinfo", "sqlite3", "json"})


@pytest.mark.parametrize(
    "args",
    [
        ["due"],
        ["due", "--grid", "红四"],
        ["log", "--limit", "50"],
        ["search", "跑水"],
        ["grid", "list"],
    ],
)
def test_reading_commands_load_no_history_and_no_error_text(env, args):
    """A command that only reads loads neither the history it would write (nor json
    with it) nor, when nothing fails, how an error reads (`cli.messages`)."""
    modules = loaded(args, env)
    assert modules.isdisjoint(
        {"gridlog.storage.history", "json", "gridlog.cli.messages"}
    )


def test_add_loads_nothing_of_what_the_log_reads(env):
    """`add` prints one line: it loads neither the reading side of the log (due
    items, stories, backlogs) nor the sign-offs a story shows."""
    modules = loaded(["add", "走访", "--grid", "红四", "--follow-up", "下周一"], env)
    assert modules.isdisjoint({"gridlog.domain.log", "gridlog.domain.signoffs"})


def test_the_story_of_a_case_never_changed_loads_no_json(env, gridlog):
    """`show` reads a case's changes from the history's JSON values: one never
    snoozed has none to read, and its story does without the json module; one
    snoozed does load it (the probe can see it)."""
    added = gridlog("add", "走访", "--grid", "红四", "--follow-up", "明天", "--json")
    case = str(json.loads(added.stdout)["id"])
    assert "json" not in loaded(["show", case], env)
    assert gridlog("snooze", case, "下周一").exit_code == 0
    assert "json" in loaded(["show", case], env)


def test_the_probe_would_notice_the_history(env):
    """Writing does load the history: its absence above means something."""
    modules = loaded(["add", "走访", "--grid", "红四"], env)
    assert "gridlog.storage.history" in modules


@pytest.mark.parametrize(
    "module",
    [
        "gridlog.context",
        "gridlog.domain.log",
        "gridlog.domain.entries",  # what `add` builds
        "gridlog.domain.grids",
        "gridlog.domain.items",
        "gridlog.domain.signoffs",
        "gridlog.render.output",
        "gridlog.words.vocab",
    ],
)
def test_everyday_records_have_object_annotations(module):
    """typing compiles each string annotation of a NamedTuple at import (`from
    __future__ import annotations` makes them all strings): the records every
    reading command builds keep real types, a string only where a type is imported
    for type checkers alone."""
    import importlib
    from typing import ForwardRef

    records = [
        value
        for value in vars(importlib.import_module(module)).values()
        if isinstance(value, type) and hasattr(value, "_fields")
    ]
    assert records
    for record in records:
        annotations = record.__annotations__.items()
        strings = [n for n, a in annotations if isinstance(a, str | ForwardRef)]
        assert strings in ([], ["coverage"]), f"{record.__name__}: {strings}"


def test_the_process_leaves_its_objects_to_the_exit(env):
    """The console script freezes what it made before it exits, so that shutting
    down does not pass the cycle collector over all of it (~10 % of a start), and
    the collector is on while the command runs."""
    probe = (
        "import gc, io, sys\n"
        "from contextlib import redirect_stdout\n"
        "from gridlog.cli import main\n"
        "seen = []\n"
        "real = main._run\n"
        "def run(args):\n"
        "    code = real(args)\n"
        "    seen.append(gc.isenabled())\n"
        "    return code\n"
        "main._run = run\n"
        "sys.argv = ['gridlog', 'due']\n"
        "try:\n"
        "    with redirect_stdout(io.StringIO()):\n"
        "        main.run()\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, seen, gc.get_freeze_count() > 0, gc.isenabled())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env
    )
    assert result.stdout.split() == ["0", "[True]", "True", "True"], result.stderr


FROZEN_PROBE = """
import gc, io, sys
from contextlib import redirect_stdout
from gridlog.cli import common, main
seen = []
real = common.session
def session(*args, **kwargs):
    seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
    return real(*args, **kwargs)
common.session = session
sys.argv = ["gridlog", *sys.argv[1:]]
with redirect_stdout(io.StringIO()):
    {call}
print(seen)
"""


@pytest.mark.parametrize(
    ("call", "frozen"),
    [
        ("main.main()", False),  # a caller running gridlog in its own process
        ("try: main.run()\n    except SystemExit: pass", True),  # the console script
    ],
)
def test_the_console_script_freezes_what_start_up_made(env, call, frozen):
    """Once the command is built the collector is on; in the console script's
    process, which ends with the command, what start-up made is frozen first, so
    that the collector does not sweep it all again while the command runs."""
    probe = FROZEN_PROBE.format(call=call)
    result = subprocess.run(
        [sys.executable, "-c", probe, "add", "走访", "--grid", "红四"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.stdout.split("\n")[-2] == f"[(True, {frozen})]", result.stderr


@pytest.mark.parametrize(
    "args", [["due"], ["log", "--limit", "50"], ["grid", "list"], ["--help"]]
)
def test_reading_commands_generate_no_dataclass(env, args):
    """A dataclass is generated from source when its module is imported (~1 ms each
    here): the records every command builds (`Context`, the options, tables) are
    NamedTuples, and a command that only reads never loads `dataclasses` at all."""
    assert "dataclasses" not in loaded(args, env)


def test_add_generates_no_dataclass(env):
    """`add` with a due date builds the draft, the day the phrase names and the
    parser's context as NamedTuples: no dataclass, nor `dataclasses` itself."""
    args = ["add", "走访", "--grid", "红四", "--follow-up", "下周一"]
    assert "dataclasses" not in loaded(args, env)


def test_the_report_on_screen_generates_no_dataclass_nor_other_formats(env):
    """The review on screen builds its figures as records written by hand and
    NamedTuples (no dataclass generated from source), and loads none of what only
    the other formats use: the CSV writer and cells, HTML escaping, the private
    file."""
    modules = loaded(["report"], env)
    assert "gridlog.domain.report" in modules
    only_files = {"csv", "html", "gridlog.render.cells", "gridlog.storage.files"}
    assert modules.isdisjoint({"dataclasses", *only_files})


def test_the_probe_would_notice_a_heavy_import(env):
    """The same probe sees the report formats when `report` runs: it can fail."""
    modules = loaded(["report", "--format", "json"], env)
    assert "gridlog.render.report_text" in modules


def test_the_probe_would_notice_the_register(env):
    """Naming a resident does load the register: its absence above means something."""
    modules = loaded(["add", "走访", "--grid", "红四", "--resident", "王建国"], env)
    assert "gridlog.domain.residents" in modules


@pytest.mark.parametrize(
    ("phrase", "package"), [("3个工作日内", "chinese_calendar"), ("中秋", "lunardate")]
)
def test_the_probe_would_notice_the_calendars(env, phrase, package):
    """A working day or a lunar holiday does load its calendar: only then."""
    modules = loaded(["add", "走访", "--grid", "红四", "--follow-up", phrase], env)
    assert package in modules


@pytest.mark.parametrize("phrase", ["下周一", "明天", "3天后", "3月15日", "周五"])
def test_a_due_date_compiles_only_the_pattern_that_reads_it(env, phrase):
    """Each pattern of a date phrase costs about half a millisecond to compile: the
    parser tries a rule only when the phrase holds what its pattern needs (its
    words, its separator), and the spelling of numerals needs no pattern at all."""
    args = ["add", "走访", "--grid", "红四", "--follow-up", phrase]
    assert len(probed(args, env)["patterns"]) == 1


@pytest.mark.parametrize(
    ("phrase", "english"), [("下周一", False), ("next monday", True)]
)
def test_the_english_rewriting_loads_only_for_english(env, phrase, english):
    """Rewriting English into Chinese (`dates.english`, some 600 lines) is loaded only
    for a phrase that holds English."""
    args = ["add", "走访", "--grid", "红四", "--follow-up", phrase]
    assert ("gridlog.dates.english" in loaded(args, env)) is english


def test_the_probe_would_notice_a_pattern_compiled(env):
    """A time of day and a date part are read by a rule each, and the space between
    them by one more: the probe sees all three."""
    args = ["add", "走访", "--grid", "红四", "--follow-up", "明天 9点"]
    assert len(probed(args, env)["patterns"]) == 3


def test_command_annotations_are_objects_not_strings():
    """Typer inspects every command at each start; string annotations (from
    `from __future__ import annotations`) would each be compiled and evaluated."""
    import inspect

    from gridlog.cli.app import build_app

    everything = [build_app()]
    for typer_app in everything:  # groups within groups too (`hub worker`)
        everything += [group.typer_instance for group in typer_app.registered_groups]
    assert len(everything) == 6  # the app, grid, resident, rule, hub, hub worker
    for command in [
        c for typer_app in everything for c in typer_app.registered_commands
    ]:
        for parameter in inspect.signature(command.callback).parameters.values():
            name = f"{command.callback.__name__}({parameter.name})"
            assert not isinstance(parameter.annotation, str), name


def test_the_probe_would_notice_sqlcipher(gridlog, tmp_path, monkeypatch):
    """An encrypted database does load SQLCipher: its absence above means something."""
    import os

    pytest.importorskip("sqlcipher3")
    monkeypatch.setenv("GRIDLOG_DB", str(tmp_path / "secret.db"))
    monkeypatch.setenv("GRIDLOG_KEY", "a long passphrase")
    assert gridlog("grid", "add", "红四网格").exit_code == 0
    modules = loaded(["due"], dict(os.environ))
    assert "sqlcipher3" in modules and "gridlog.storage.cipher" in modules
