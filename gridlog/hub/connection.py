"""Reaching the hub: where it is, and a connection to it.

The hub is a libpq URL (`postgresql://zhang@10.0.0.5/sanyuan`), from `--hub` or
GRIDLOG_HUB. Passwords are libpq's business (PGPASSWORD, ~/.pgpass, or a prompt the
command line offers): gridlog never takes one on its command line and never stores
one. TLS is what libpq negotiates, `sslmode` in the URL included.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from gridlog.errors import GridlogError

Asker = Callable[[], str]


def hub_url(given: str | None, saved: Callable[[], str | None] = lambda: None) -> str:
    """The hub's URL: `--hub`, else GRIDLOG_HUB, else `gridlog config --hub`."""
    url = given or os.environ.get("GRIDLOG_HUB") or saved()
    if not url:
        raise GridlogError("hub.no_url", exit_code=2)
    return checked_url(url)


def checked_url(url: str) -> str:
    """`url` if it is a PostgreSQL URL without a password in it."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise GridlogError("hub.bad_url", url=url, exit_code=2)
    if _password_in(url):
        raise GridlogError("hub.password_in_url", exit_code=2)
    return url


def _password_in(url: str) -> bool:
    """`user:secret@` in the authority, or `password=` in the query."""
    rest = url.split("://", 1)[1]
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    if "@" in authority and ":" in authority.rsplit("@", 1)[0]:
        return True
    query = rest.split("?", 1)[1] if "?" in rest else ""
    return any(part.split("=", 1)[0] == "password" for part in query.split("&"))


def psycopg() -> Any:
    """The psycopg module, or a refusal that says how to install the extra."""
    try:
        import psycopg as module
    except ImportError:
        raise GridlogError("hub.no_psycopg", exit_code=2) from None
    return module


def connect(url: str, ask_password: Asker | None = None) -> Any:
    """A connection to the hub, autocommit off; asks for a password once when the
    server wants one that libpq could not find."""
    module = psycopg()
    try:
        return module.connect(url, connect_timeout=10)
    except module.OperationalError as exc:
        if ask_password is not None and _wants_password(exc):
            try:
                return module.connect(url, connect_timeout=10, password=ask_password())
            except module.OperationalError as again:
                raise _unreachable(url, again) from None
        raise _unreachable(url, exc) from None


def _wants_password(exc: Exception) -> bool:
    text = str(exc)
    return "no password supplied" in text or "password authentication failed" in text


def _unreachable(url: str, exc: Exception) -> GridlogError:
    reason = (
        str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    )
    return GridlogError("hub.unreachable", url=url, reason=reason)


def beside(conn: Any, snapshot: str) -> Any | None:
    """A second connection as the same login that reads what `conn`'s transaction
    reads (its exported `snapshot`), in a read-only transaction: for work that can
    run on the server's other cores meanwhile. None when the server will not give
    one (no connection left, say): the caller then does the work on `conn`."""
    module = psycopg()
    try:
        other = module.connect(
            conn.info.dsn, password=conn.info.password, connect_timeout=10
        )
    except module.Error:
        return None
    other.isolation_level = module.IsolationLevel.REPEATABLE_READ
    other.read_only = True
    try:
        sql = module.sql.SQL("SET TRANSACTION SNAPSHOT {}")
        other.execute(sql.format(module.sql.Literal(snapshot)))
    except module.Error:
        other.close()
        return None
    return other
