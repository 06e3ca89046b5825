"""Shell completion for bash, zsh and fish: `gridlog --show-completion SHELL` prints
the script, `--install-completion` puts it where the shell reads it, and the script
asks gridlog itself what comes next (commands, options, grid names)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("shell", "line"),
    [
        ("bash", "complete -o default -F _gridlog_completion gridlog"),
        ("zsh", "compdef _gridlog_completion gridlog"),
        ("fish", "complete --command gridlog"),
    ],
)
def test_show_completion_prints_the_script_for_the_shell_named(gridlog, shell, line):
    result = gridlog("--show-completion", shell)
    assert result.exit_code == 0, result.output
    assert line in result.stdout and "_GRIDLOG_COMPLETE" in result.stdout
    assert result.stderr == ""


def test_show_completion_without_a_shell_takes_the_one_in_shell(gridlog, monkeypatch):
    monkeypatch.setenv("SHELL", "/usr/bin/zsh")
    result = gridlog("--show-completion")
    assert result.exit_code == 0 and "compdef" in result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_shell_is_refused_with_the_three_there_are(gridlog, lang):
    result = gridlog("--lang", lang, "--show-completion", "tcsh")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    for word in ("tcsh", "bash", "zsh", "fish"):
        assert word in result.stderr
    assert ("错误：" in result.stderr) == (lang == "zh")


def test_no_shell_named_or_known_asks_for_one(gridlog, monkeypatch):
    monkeypatch.delenv("SHELL", raising=False)
    result = gridlog("--lang", "zh", "--install-completion")
    assert result.exit_code == 2 and "bash" in result.stderr, result.output


def test_install_completion_writes_the_script_where_bash_reads_it(
    gridlog, monkeypatch, tmp_path
):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".bashrc").write_text("alias ll='ls -l'\n")
    result = gridlog("--lang", "zh", "--install-completion", "bash")
    assert result.exit_code == 0, result.output
    script = tmp_path / ".bash_completions" / "gridlog.sh"
    assert str(script) in result.stdout and "新开" in result.stdout
    assert "_GRIDLOG_COMPLETE" in script.read_text()
    bashrc = (tmp_path / ".bashrc").read_text()
    assert bashrc.startswith("alias ll='ls -l'") and f"source '{script}'" in bashrc
    again = gridlog("--install-completion", "bash")
    assert again.exit_code == 0 and "new terminal" in again.stdout
    assert (tmp_path / ".bashrc").read_text().count("source") == 1


def completions(gridlog, monkeypatch, line: str) -> list[str]:
    """What bash would offer after `line` (the script's own request)."""
    words = line.split(" ")
    monkeypatch.setenv("_GRIDLOG_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", line)
    monkeypatch.setenv("COMP_CWORD", str(len(words) - 1))
    result = gridlog()
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_the_script_completes_commands_and_options(gridlog, monkeypatch):
    assert completions(gridlog, monkeypatch, "gridlog gr") == ["grid"]
    assert "--days" in completions(gridlog, monkeypatch, "gridlog due --d")


def test_the_script_completes_grid_names_and_aliases(gridlog, red_grids, monkeypatch):
    offered = completions(gridlog, monkeypatch, "gridlog add 漏水 --grid 红")
    assert sorted(offered) == ["红一", "红一网格", "红四", "红四网格"]
    assert completions(gridlog, monkeypatch, "gridlog due -g 红四") == [
        "红四",
        "红四网格",
    ]


def test_the_completion_options_are_on_the_help_page(gridlog):
    page = gridlog("--help").stdout
    assert "--show-completion" in page and "--install-completion" in page


def test_a_completion_request_prints_no_notice_on_the_terminal(gridlog, monkeypatch):
    """The shell's request runs at each Tab: a GRIDLOG_LANG notice there would be
    written across the line being typed."""
    monkeypatch.setenv("GRIDLOG_LANG", "fr")
    monkeypatch.setenv("_GRIDLOG_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "gridlog gr")
    monkeypatch.setenv("COMP_CWORD", "1")
    result = gridlog()
    assert result.stdout.split() == ["grid"] and result.stderr == ""
