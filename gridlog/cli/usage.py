"""typer's own words (usage errors, help section titles) in the user's language.

typer and its vendored click speak English only. Usage errors are caught at the one
exit point and re-worded here from click's message patterns; for Chinese help pages
the few fixed strings of typer's help (rich on a terminal, plain otherwise) are
replaced before the page is drawn. Both reach into typer internals, which is why
typer is pinned in pyproject.toml.
"""

from __future__ import annotations

import re

from gridlog.cli.messages import argument_name
from gridlog.render.output import clean
from gridlog.words.i18n import current_lang, t

# click's message shapes → (message key, the groups it needs).
_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"No such option: (?P<name>\S+?)\s+(?:Did you mean (?P<hint>\S+?)\?"
        r"|\(Possible options: (?P<hints>[^)]*)\))$",
        "usage.no_option_hint",
    ),
    (r"No such option: (?P<name>\S+?)$", "usage.no_option"),
    (r"Option '(?P<name>[^']+)' does not take a value\.?", "usage.takes_no_value"),
    (r"Missing argument '(?P<name>[^']+)'\.?", "usage.missing_argument"),
    (r"Missing option '(?P<name>[^']+)'\.?", "usage.missing_option"),
    (r"Option '(?P<name>[^']+)' requires an argument\.?", "usage.needs_value"),
    (r"Invalid value for (?P<name>'[^:]+'): (?P<detail>.*)", "usage.bad_value"),
    (r"No such command '(?P<name>[^']+)'\.?", "usage.no_command"),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((?P<name>.*)\)", "usage.extra"),
    (r"Missing command\.?", "usage.missing_command"),
)


# The messages whose {name} is a parameter's (`TEXT`, `--days`), not the user's words.
_NAMING_A_PARAMETER = ("usage.missing_argument", "usage.bad_value")

_DETAILS: tuple[tuple[str, str], ...] = (
    (r"'(?P<value>.*)' is not a valid (?:integer|int|int range)\.?", "usage.not_int"),
    (r"(?P<value>\S+) is not in the range (?P<range>.*?)\.?$", "usage.out_of_range"),
    (r"\w+ '(?P<value>.*)' is a directory\.?", "usage.is_directory"),
    (r"\w+ '(?P<value>.*)' does not exist\.?", "usage.does_not_exist"),
    (r"\w+ '(?P<value>.*)' is not readable\.?", "usage.not_readable"),
)

# click's ranges (`0<=x<=3660`, `x>=1`) in words: `0～3660`, `≥1`; `0 to 3660`.
_RANGES: tuple[tuple[str, str], ...] = (
    (r"(?P<low>-?[\d.]+)<=x<=(?P<high>-?[\d.]+)", "range.between"),
    (r"x>=(?P<low>-?[\d.]+)", "range.at_least"),
    (r"x<=(?P<high>-?[\d.]+)", "range.at_most"),
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
            if key in _NAMING_A_PARAMETER:  # not what the user typed (`gridlog TEXT`)
                params["name"] = argument_name(params["name"])
            if params.get("hints"):
                params["hint"] = t("usage.hint_sep").join(params["hints"].split(", "))
            if "range" in params:
                params["range"] = range_words(params["range"])
            return t(key, **params)
    return text


def range_words(text: str) -> str:
    """click's `0<=x<=3660` as a person writes it; other shapes as they are."""
    for pattern, key in _RANGES:
        match = re.fullmatch(pattern, text)
        if match:
            return t(key, **match.groupdict())
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
        "default: {default}": t("help.default").strip("[]").replace("{}", "{default}"),
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
    _localize_metavars()
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
    """`用法：gridlog grid [选项] 命令 [参数]...`: the usage line's fixed words."""
    from typer._click.formatting import HelpFormatter

    original = HelpFormatter.write_usage
    pieces = {
        "[OPTIONS]": "help.options_metavar",
        "COMMAND [ARGS]...": "help.command_metavar",
    }

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None):
        for english, key in pieces.items():  # worded at each call, like the prefix
            args = args.replace(english, t(key))
        return original(self, prog, args, prefix or t("help.usage"))

    HelpFormatter.write_usage = write_usage


# The types click names in an option's help line (`--days <int range>`).
_TYPES = {
    "<str>": "help.type_text",
    "<text>": "help.type_text",
    "<int>": "help.type_number",
    "<int range>": "help.type_number",
    "<integer>": "help.type_number",
    "<path>": "help.type_path",
}


def _localize_metavars() -> None:
    """Arguments by their names in the user's language (`{网格} {楼栋...}`), options'
    types in words (`<整数>`) and ranges as written (`0～3660`), on plain and rich
    help alike: both ask the parameter, and rich reads an argument's metavar."""
    from typer._click.types import ParamType, _NumberRangeBase
    from typer.core import TyperArgument

    argument_init = TyperArgument.__init__

    def named_argument(self, *args, metavar: str | None = None, **kwargs) -> None:
        metavar = argument_name(metavar) if metavar else metavar
        argument_init(self, *args, metavar=metavar, **kwargs)

    type_metavar = ParamType.get_metavar

    # Each checks the language when called: a process (a test run) may go on in
    # English after a Chinese help page has patched these.
    def type_in_words(self, param, ctx) -> str | None:
        key = _TYPES.get(f"<{self.name}>")  # flags' <boolean> stays: rich hides it
        if key and current_lang() == "zh":
            return t(key)
        return type_metavar(self, param, ctx)

    describe_range = _NumberRangeBase._describe_range

    def range_in_words(self) -> str:
        described = describe_range(self)
        return range_words(described) if current_lang() == "zh" else described

    TyperArgument.__init__ = named_argument
    ParamType.get_metavar = type_in_words
    _NumberRangeBase._describe_range = range_in_words
