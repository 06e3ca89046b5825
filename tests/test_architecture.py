"""The rooms of the house, and the doors between them (see ARCHITECTURE.md).

Every import of every module is read, those inside functions included (about 40% of
gridlog's imports are there, for start-up speed): a check that missed them would
miss the cycles they make.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import gridlog

PACKAGE = Path(gridlog.__file__).parent

# Each part, and the parts it may import besides itself. `errors` is for everyone.
MAY_IMPORT: dict[str, set[str]] = {
    "__main__": {"cli"},
    "cli": {
        *("render", "hub", "transfer", "domain", "storage", "dates", "words"),
        "context",
    },
    "render": {"domain", "dates", "words", "context"},
    "hub": {"transfer", "domain", "storage", "dates", "words", "context"},
    "transfer": {"domain", "storage", "dates", "words", "context"},
    "domain": {"storage", "dates", "words", "context"},
    "storage": {"dates", "context"},
    "context": {"dates"},
    "dates": set(),
    "words": set(),
    "errors": set(),
}
TERMINAL_MODULES = {"typer", "click", "getpass"}  # the command line's alone
RICH_MAY = {"cli", "render"}  # rich renderables are documents too
TERMINAL_ATTRIBUTES = {("sys", "stdout"), ("sys", "stderr"), ("sys", "stdin")}
OPTION = re.compile(r"^--[a-z][a-z0-9-]*$")
NO_SQL = {"cli", "render"}  # they ask the domain; the SQL is below them
SQL_CALLS = {"execute", "executemany", "executescript"}


class Module:
    """One module of the package: its name, its part and its syntax tree."""

    def __init__(self, root: Path, path: Path) -> None:
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        self.name = ".".join(parts)
        self.part = parts[1] if len(parts) > 1 else "__init__"
        self.tree = ast.parse(path.read_text(encoding="utf-8"))


def modules(root: Path) -> dict[str, Module]:
    found = (Module(root, path) for path in sorted(root.rglob("*.py")))
    return {module.name: module for module in found}


def imported(module: Module, known: dict[str, Module]) -> Iterator[tuple[str, int]]:
    """(module name, line) for every import, at any depth; `from a import b` names
    the submodule a.b where there is one."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield (full if full in known else node.module), node.lineno


def part_of(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "gridlog":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def layer_violations(known: dict[str, Module]) -> list[str]:
    found = []
    for module in known.values():
        allowed = MAY_IMPORT.get(module.part, set()) | {module.part, "errors"}
        for name, line in imported(module, known):
            target = part_of(name)
            if target not in (None, "__init__") and target not in allowed:
                found.append(f"{module.name}:{line} imports {name}")
    return sorted(found)


def terminal_violations(known: dict[str, Module]) -> list[str]:
    """Below the command line nothing knows a terminal or how options are typed."""
    found = []
    for module in known.values():
        if module.part == "cli":
            continue
        for name, line in imported(module, known):
            top = name.split(".")[0]
            if top in TERMINAL_MODULES or (
                top == "rich" and module.part not in RICH_MAY
            ):
                found.append(f"{module.name}:{line} imports {name}")
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in TERMINAL_ATTRIBUTES
            ):
                found.append(f"{module.name}:{node.lineno} uses sys.{node.attr}")
            elif isinstance(node, ast.Attribute) and node.attr == "isatty":
                found.append(f"{module.name}:{node.lineno} asks isatty")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and OPTION.match(node.value)
            ):
                found.append(f"{module.name}:{node.lineno} spells {node.value}")
    return sorted(found)


def sql_violations(known: dict[str, Module]) -> list[str]:
    """The command line and the documents ask the domain; they run no SQL."""
    return sorted(
        f"{module.name}:{node.lineno} runs SQL"
        for module in known.values()
        if module.part in NO_SQL
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    )


def cycles(known: dict[str, Module]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a circle
    (Tarjan's strongly connected components)."""
    edges = {
        name: {target for target, _ in imported(module, known) if target in known}
        for name, module in known.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for target in edges[name] - {name}:
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            group = []
            while not group or group[-1] != name:
                group.append(stack.pop())
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return groups


def test_no_part_reaches_a_part_above_it():
    assert layer_violations(modules(PACKAGE)) == []


def test_below_the_command_line_nothing_knows_a_terminal_or_an_option():
    assert terminal_violations(modules(PACKAGE)) == []


def test_commands_and_documents_run_no_sql():
    assert sql_violations(modules(PACKAGE)) == []


def test_no_module_imports_itself_around_a_circle():
    assert cycles(modules(PACKAGE)) == []


def test_every_module_belongs_to_a_known_part():
    stray = [m.name for m in modules(PACKAGE).values() if m.part not in MAY_IMPORT]
    assert stray == ["gridlog"]  # the package's own __init__


def test_the_checks_catch_a_deliberately_broken_house(tmp_path):
    """The rules above can fail: a small package that breaks each of them."""
    house = tmp_path / "gridlog"
    for room in ("cli", "domain", "storage", "dates"):
        (house / room).mkdir(parents=True)
        (house / room / "__init__.py").write_text("")
    (house / "__init__.py").write_text("")
    (house / "cli" / "app.py").write_text("import typer\nconn.execute('DELETE')\n")
    (house / "domain" / "entries.py").write_text(
        "import sys\n"
        "def add(place):\n"
        "    from gridlog.cli import app\n"  # a lower part reaching up, in a function
        "    import typer\n"
        "    sys.stdout.write(place)\n"
        "    return sys.stdin.isatty() or '--place'\n"
    )
    (house / "storage" / "db.py").write_text(
        "def open_db():\n    from gridlog.storage import crypto\n"
    )
    (house / "storage" / "crypto.py").write_text("from gridlog.storage import db\n")
    (house / "dates" / "clock.py").write_text(
        "from gridlog.storage.db import open_db\n"
    )

    known = modules(house)
    assert layer_violations(known) == [
        "gridlog.dates.clock:1 imports gridlog.storage.db",
        "gridlog.domain.entries:3 imports gridlog.cli.app",
    ]
    assert terminal_violations(known) == [
        "gridlog.domain.entries:4 imports typer",
        "gridlog.domain.entries:5 uses sys.stdout",
        "gridlog.domain.entries:6 asks isatty",
        "gridlog.domain.entries:6 spells --place",
        "gridlog.domain.entries:6 uses sys.stdin",
    ]
    assert sql_violations(known) == ["gridlog.cli.app:2 runs SQL"]
    assert cycles(known) == [["gridlog.storage.crypto", "gridlog.storage.db"]]
