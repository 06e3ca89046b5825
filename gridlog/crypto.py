"""Encryption at rest with SQLCipher, for the workers who ask for it.

Imported only when a database is encrypted or a key is given, so a plain database
never loads SQLCipher. The key comes from GRIDLOG_KEY or is typed at a prompt, never
from the command line (where `ps` and the shell history would show it). SQLCipher
derives the real key from it (PBKDF2, 256,000 rounds) on every open, which is most of
what encryption costs a command.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

from gridlog import db
from gridlog.errors import GridlogError
from gridlog.i18n import t


def cipher() -> ModuleType:
    """SQLCipher's DB-API module, or a clear error when it is not installed."""
    try:
        import sqlcipher3.dbapi2 as module
    except ImportError:
        raise GridlogError("key.no_sqlcipher") from None
    return module


@functools.cache
def _connection_class() -> type:
    class KeyedConnection(cipher().Connection):
        """A SQLCipher connection that remembers its key, for copies made from it."""

        gridlog_key: str | None = None

    return KeyedConnection


def connect(target: str, key: str, *, timeout: float) -> sqlite3.Connection:
    """Open `target` with `key`; a wrong key is said as such, not as a SQL error."""
    module = cipher()
    check_key(key)
    conn = module.connect(
        target, isolation_level=None, timeout=timeout, factory=_connection_class()
    )
    try:
        conn.row_factory = module.Row
        conn.gridlog_key = key
        # SQLCipher logs a failed page check to stderr itself: gridlog says it once.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_pragma(key))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError as exc:
            if "not a database" in str(exc):
                raise GridlogError("key.wrong") from None
            raise
    except BaseException:
        conn.close()
        raise
    return conn


def check_key(key: str) -> None:
    if not key:
        raise GridlogError("key.empty")
    if "\0" in key:
        raise GridlogError("key.nul")


def key_pragma(key: str, schema: str = "") -> str:
    """`PRAGMA key = '…'` with the key as a quoted SQL string (a PRAGMA takes no
    parameters): every quote doubled, so a key cannot end the string early."""
    check_key(key)
    prefix = f"{schema}." if schema else ""
    return f"PRAGMA {prefix}key = '" + key.replace("'", "''") + "'"


def key_to_open(path: Path) -> str:
    """GRIDLOG_KEY, else the key typed at a prompt on a terminal, else an error."""
    key = db.env_key()
    if key is not None:
        return key
    if not interactive():
        raise GridlogError("key.needed", path=str(path))
    return _ask(t("key.prompt", path=str(path)))


def interactive() -> bool:
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
