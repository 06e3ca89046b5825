"""typer's own words (usage errors, help section titles) in the user's language.

typer and its vendored click speak English only. Usage errors are caught at the one
exit point and re-worded here from click's message patterns; for Chinese help pages
the few fixed strings of typer's help (rich on a terminal, plain otherwise) are
replaced before the page is drawn. Both reach into typer internals, which is why
typer is pinned in pyproject.toml.
"""

from __future__ import annotations

import re

from gridlog.render.output import clean
from gridlog.words.i18n import current_lang, t

# click's message shapes → (message key, the groups it needs).
_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"No such option: (?P<name>\S+?)(?:\s+Did you mean (?P<hint>\S+?)\?)?$",
        "usage.no_option",
    ),
    (r"Missing argument '(?P<name>[^']+)'\.?", "usage.missing_argument"),
    (r"Missing option '(?P<name>[^']+)'\.?", "usage.missing_option"),
    (r"Option '(?P<name>[^']+)' requires an argument\.?", "usage.needs_value"),
    (r"Invalid value for (?P<name>'[^:]+'): (?P<detail>.*)", "usage.bad_value"),
    (r"No such command '(?P<name>[^']+)'\.?", "usage.no_command"),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((?P<name>.*)\)", "usage.extra"),
    (r"Missing command\.?", "usage.missing_command"),
)


_DETAILS: tuple[tuple[str, str], ...] = (
    (r"'(?P<value>.*)' is not a valid (?:integer|int|int range)\.?", "usage.not_int"),
    (r"(?P<value>\S+) is not in the range (?P<range>.*?)\.?$", "usage.out_of_range"),
)


def usage_message(message: str, command: str) -> str:
    """One line: click's complaint in the user's language, and where to get help."""
    text = _reword(clean(" ".join(message.split())), _PATTERNS)
    return t("usage.line", message=text, command=command)


def _reword(text: str, patterns: tuple[tuple[str, str], ...]) -> str:
    for pattern, key in patterns:
        match = re.match(pattern, text)
        if match:
            params = {k: v or "" for k, v in match.groupdict().items()}
            if "detail" in params:
                params["detail"] = _reword(params["detail"], _DETAILS)
            if "name" in params:
                params["name"] = params["name"].replace("'", "")
            return t(key, **params)
    return text


def localize_help() -> None:
    """Put typer's fixed help strings into the current language (Chinese only)."""
    if current_lang() != "zh":
        return
    import typer._click.decorators as decorators
    import typer.core

    words = {
        "Arguments": t("help.arguments"),
        "Options": t("help.options"),
        "Commands": t("help.commands"),
        "required": t("help.required").strip("[]"),
    }
    typer.core._ = lambda text: words.get(text, text)  # the plain help's gettext
    if typer.core.HAS_RICH:
        from typer import rich_utils

        rich_utils.ARGUMENTS_PANEL_TITLE = t("help.arguments")
        rich_utils.OPTIONS_PANEL_TITLE = t("help.options")
        rich_utils.COMMANDS_PANEL_TITLE = t("help.commands")
        rich_utils.REQUIRED_LONG_STRING = t("help.required")
        rich_utils.DEFAULT_STRING = t("help.default")
    _localize_usage_prefix()
    original = decorators.help_option

    def help_option(param_decls: list[str]):
        apply = original(param_decls)

        def with_our_words(command):
            command = apply(command)
            command.params[-1].help = t("help.help")
            return command

        return with_our_words

    decorators.help_option = help_option


def _localize_usage_prefix() -> None:
    from typer._click.formatting import HelpFormatter

    original = HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None):
        return original(self, prog, args, prefix or t("help.usage"))

    HelpFormatter.write_usage = write_usage
