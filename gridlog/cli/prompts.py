"""Every question gridlog asks at a terminal: the key of an encrypted log, and the
passwords of the hub.

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
    key = _typed(prompt)
    check_key(key)
    return key


def hub_password(url: str) -> str:
    """The hub asked for a password libpq could not find (PGPASSWORD, ~/.pgpass)."""
    if not interactive():
        raise GridlogError("hub.password_needed", url=url)
    return _typed(t("hub.password_prompt", url=url))


def new_worker_password(login: str) -> str:
    """A new worker's password: the first line of standard input when piped (so an
    office can script it), else typed twice at a prompt."""
    if not interactive():
        return sys.stdin.readline().rstrip("\r\n")
    password = _typed(t("hub.worker_password_prompt", login=login))
    if _typed(t("key.prompt_again")) != password:
        raise GridlogError("hub.password_mismatch")
    return password


def _typed(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:  # Ctrl-D at the prompt
        raise GridlogError("cancelled") from None
