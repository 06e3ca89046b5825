"""SQLCipher connections, for the workers who encrypt their log at rest.

Imported only when a database is encrypted or a key is given, so a plain database
never loads SQLCipher. SQLCipher derives the real key from the passphrase (PBKDF2,
256,000 rounds) on every open, which is most of what encryption costs a command.
Where the key comes from (GRIDLOG_KEY, or a prompt on a terminal) is the command
line's business: this module only uses it.
"""

from __future__ import annotations

import functools
import sqlite3
from types import ModuleType

from gridlog.errors import GridlogError


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
