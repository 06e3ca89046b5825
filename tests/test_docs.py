"""Every command is documented: in its --help, with an example, and in the README."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gridlog.cli.app import build_app

app = build_app()

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def commands(typer_app=app, prefix: str = "") -> list[tuple[str, object]]:
    """Every command, those of groups within groups too, with its full name."""
    found = [
        (prefix + (c.name or c.callback.__name__), c)
        for c in typer_app.registered_commands
    ]
    for group in typer_app.registered_groups:
        found += commands(group.typer_instance, f"{prefix}{group.name} ")
    return found


@pytest.mark.parametrize(("name", "command"), commands())
def test_every_command_has_help_an_example_and_a_readme_section(name, command):
    assert command.help, name
    assert "gridlog " + name in command.epilog, name
    assert f"gridlog {name}" in README, name


def test_the_app_that_runs_builds_each_command_as_the_whole_app_would():
    """`gridlog due` builds only `due`, from the table of `COMMANDS`: the table must
    name every command, in help order, and each must come out the same."""
    import click
    import typer.main

    from gridlog.cli.app import app as lazy
    from gridlog.words.i18n import set_lang

    set_lang("en")  # as this module's `app` was built
    whole = typer.main.get_command(app)
    root = typer.main.get_command(lazy)
    context = click.Context(root)
    assert root.list_commands(context) == whole.list_commands(context)
    for name, command in whole.commands.items():
        built = root.get_command(context, name)
        assert type(built) is type(command), name
        assert (built.help, built.epilog) == (command.help, command.epilog), name
        assert [p.opts for p in built.params] == [p.opts for p in command.params]
        assert sorted(getattr(built, "commands", {})) == sorted(
            getattr(command, "commands", {})
        )


def test_readme_opens_with_purpose_then_the_two_setup_commands():
    lines = [line for line in README.splitlines() if line.strip()]
    assert lines[0].startswith("# gridlog")
    blocks = README.split("```sh")[1:3]
    assert "bash examples/tour.sh" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert blocks[1].split("```")[0].strip() in ci


def test_readme_lists_every_date_phrase_family():
    from gridlog.dates.phrases import PHRASES

    for examples, _, _ in PHRASES:
        assert f"`{examples.split(',')[0].strip()}`" in README


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", ["选项", "命令", "用法", "行走日志"]), ("en", ["Options"])],
)
def test_help_pages_in_both_languages(lang, expected, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gridlog", "--lang", lang, "--help"],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "GRIDLOG_DB": str(tmp_path / "x.db"),
            "COLUMNS": "100",
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for word in expected:
        assert word in result.stdout
    for name, _ in commands():
        assert name.split()[0] in result.stdout


def _readme_transcript() -> list[tuple[str, str]]:
    """(command, output) of each `$ gridlog …` in the README's 'A morning in'."""
    section = README.split("\n## A morning in")[1].split("\n## ")[0]
    shown = []
    for block in re.findall(r"```text\n(.*?)```", section, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            shown.append((command, output.rstrip("\n")))
    return shown


def _transcript(printed: str) -> dict[str, str]:
    """The tour's `$ command` and what it printed, up to the next command."""
    found = {}
    for chunk in re.split(r"^\$ ", printed, flags=re.M)[1:]:
        command, _, output = chunk.partition("\n")
        found[command] = output.rstrip("\n")
    return found


def test_the_readme_morning_is_what_the_tour_prints(tmp_path):
    """Every command of the README's transcript prints there what it prints in the
    tour (or, when the tour does not run it, on the tour's database just after)."""
    examples = tmp_path / "examples"
    shutil.copytree(Path(__file__).parent.parent / "examples", examples)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GRIDLOG_DB": str(tmp_path / "demo.db"),
        "COLUMNS": "200",
    }
    tour = subprocess.run(
        ["bash", str(examples / "tour.sh")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert tour.returncode == 0, tour.stderr
    printed = _transcript(tour.stdout)
    after = env | {
        "GRIDLOG_TZ": "Asia/Shanghai",
        "GRIDLOG_LANG": "zh",
        "GRIDLOG_NOW": "2019-03-15T07:50",
    }
    shown = _readme_transcript()
    assert len(shown) >= 8
    for command, output in shown:
        if command not in printed:
            run = subprocess.run(
                shlex.split(command),
                capture_output=True,
                text=True,
                env=after,
                check=False,
            )
            printed[command] = run.stdout.rstrip("\n")
        assert output == printed[command], command


def test_every_test_the_safety_table_cites_exists():
    """'Your data is safe' names its proof by test function: a renamed or removed
    test would leave a promise standing on nothing."""
    table = README.split("\n## Your data is safe")[1].split("\n### ")[0]
    cited = set(re.findall(r"`(test_[a-z0-9_]+)`", table))
    sources = "".join(
        path.read_text(encoding="utf-8")
        for path in (Path(__file__).parent).glob("test_*.py")
    )
    assert len(cited) > 100
    assert sorted(name for name in cited if f"def {name}(" not in sources) == []
