"""Every question gridlog asks at a terminal: today, the key of an encrypted log.

The key comes from GRIDLOG_KEY or is typed here, never from the command line (where
`ps` and the shell history would show it). Without a terminal there is nobody to ask,
and the command says so rather than wait.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gridlog.errors import GridlogError
from gridlog.storage.cipher import check_key
from gridlog.storage.db import env_key
from gridlog.words.i18n import t


def key_to_open(path: Path) -> str:
    """The key of the encrypted database at `path`: GRIDLOG_KEY, else typed."""
    key = env_key()
    if key is not None:
        return key
    if not interactive():
        raise GridlogError("key.needed", path=str(path))
    return _ask(t("key.prompt", path=str(path)))


def new_key() -> str:
    """The key to encrypt with: GRIDLOG_KEY, else typed twice at a prompt."""
    key = env_key()
    if key is not None:
        return key
    if not interactive():
        raise GridlogError("key.needed_new")
    key = _ask(t("key.prompt_new"))
    if _ask(t("key.prompt_again")) != key:
        raise GridlogError("key.mismatch")
    return key


def interactive() -> bool:
    """Is someone at a terminal to type a key?"""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(prompt: str) -> str:
    import getpass

    try:
        key = getpass.getpass(prompt)
    except EOFError:  # Ctrl-D at the prompt
        raise GridlogError("cancelled") from None
    check_key(key)
    return key
