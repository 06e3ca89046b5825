"""The cycle collector while gridlog starts, and once its command runs.

Start-up creates tens of thousands of objects that live as long as the process
(typer's and gridlog's modules, the command), and the collector would pass over
them again and again while they are made: it is off until the root callback
(`cli.app`), when the command is built. Turned back on, it would still sweep all of
them, several times over, while the command runs (about 7 ms of an `add`): so the
console script, whose process ends with the command, first freezes them
(`gc.freeze`: kept, never swept again). A caller that runs gridlog inside its own
process, as the tests do, gets the collector back as it had it and nothing frozen.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_process_ends_with_the_command = False


def process_ends_with_the_command() -> None:
    """Said by the console script: what start-up makes may be frozen."""
    global _process_ends_with_the_command
    _process_ends_with_the_command = True


@contextlib.contextmanager
def off_while_starting() -> Iterator[None]:
    """Off until `command_starts`, and as the caller had it afterwards; the command
    itself (an import of a million rows too) runs with it on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        (gc.enable if enabled else gc.disable)()  # as the caller had it


def command_starts() -> None:
    """Start-up is over: the command is built. On, with what start-up made frozen
    when the process is gridlog's alone."""
    if _process_ends_with_the_command:
        gc.freeze()
    gc.enable()
