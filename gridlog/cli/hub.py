"""`gridlog hub`: the community's PostgreSQL hub, set up and staffed by the office.

The office runs `hub init` once with an administrator's login, then `hub worker add`
for each grid worker. The domain is `gridlog.hub`; psycopg (the `hub` extra) is
imported only when a hub command connects.
"""

import contextlib
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from gridlog.cli.common import IdArgument, JsonOption, Options, RevealOption, emit
from gridlog.cli.prompts import hub_password, key_to_open, new_worker_password
from gridlog.errors import GridlogError
from gridlog.words.i18n import t, tn

HubOption = Annotated[
    str | None, typer.Option("--hub", help=t("opt.hub"), show_default=False)
]
LoginArgument = Annotated[str, typer.Argument(metavar="LOGIN", help=t("arg.login"))]
HubGridsOption = Annotated[
    list[str] | None, typer.Option("--grid", "-g", help=t("opt.hub_grid"))
]


@contextlib.contextmanager
def hub(ctx: typer.Context, given: str | None, *, ready: bool = True) -> Iterator[Any]:
    """A connection to the hub, closed whatever happens; `ready`: refused before
    `hub init`."""
    from gridlog.hub.connection import connect, hub_url
    from gridlog.hub.schema import hub_version

    url = hub_url(given, lambda: _configured(ctx))
    conn = connect(url, ask_password=lambda: hub_password(url))
    try:
        if ready and hub_version(conn) == 0:
            raise GridlogError("hub.not_ready", exit_code=2)
        conn.rollback()
        yield conn
    finally:
        conn.close()


def _configured(ctx: typer.Context) -> str | None:
    """`gridlog config --hub`, kept in this device's log (if it has one)."""
    from gridlog.domain import settings
    from gridlog.storage.db import open_db, resolve_path

    options: Options = ctx.find_root().obj
    path = resolve_path(options.db)
    if not path.exists():
        return None
    conn = open_db(path, write=False, ask_key=key_to_open)
    try:
        return settings.get(conn, "hub")
    finally:
        conn.close()


def hub_init(ctx: typer.Context, url: HubOption = None) -> None:
    from gridlog.hub.schema import init

    with hub(ctx, url, ready=False) as conn:
        before, after = init(conn)
    key = "hub.init_current" if before == after else "hub.init_done"
    emit(line=t(key, before=before, after=after))


def worker_add(
    ctx: typer.Context,
    login: LoginArgument,
    name: Annotated[str, typer.Option("--name", help=t("opt.hub_worker_name"))],
    grid: HubGridsOption = None,
    office: Annotated[bool, typer.Option("--office", help=t("opt.office"))] = False,
    url: HubOption = None,
) -> None:
    from gridlog.hub import workers

    with hub(ctx, url) as conn:
        added = workers.add(
            conn, login, name, grid or [], office, new_worker_password(login)
        )
    where = t("hub.every_grid") if added.office else "、".join(added.grids)
    emit(line=t("hub.worker_added", login=added.login, name=added.name, grids=where))


def worker_list(
    ctx: typer.Context, json_out: JsonOption = False, url: HubOption = None
) -> None:
    from gridlog.hub import workers

    with hub(ctx, url) as conn:
        found = workers.workers(conn)
    if json_out:
        emit(data=[worker._asdict() for worker in found])
        return
    from gridlog.render.hub import workers_doc

    emit(workers_doc(found))


def worker_remove(
    ctx: typer.Context, login: LoginArgument, url: HubOption = None
) -> None:
    from gridlog.hub import workers

    with hub(ctx, url) as conn:
        workers.remove(conn, login)
    emit(line=t("hub.worker_removed", login=login))


def worker_grant(
    ctx: typer.Context,
    login: LoginArgument,
    grid: HubGridsOption = None,
    url: HubOption = None,
) -> None:
    _change_grids(ctx, url, login, grid, granting=True)


def worker_revoke(
    ctx: typer.Context,
    login: LoginArgument,
    grid: HubGridsOption = None,
    url: HubOption = None,
) -> None:
    _change_grids(ctx, url, login, grid, granting=False)


def _change_grids(
    ctx: typer.Context,
    url: str | None,
    login: str,
    grid: list[str] | None,
    *,
    granting: bool,
) -> None:
    from gridlog.hub import workers

    change = workers.grant if granting else workers.revoke
    with hub(ctx, url) as conn:
        names = change(conn, login, _grids(grid))
    key = "hub.worker_granted" if granting else "hub.worker_revoked"
    emit(line=t(key, login=login, grids="、".join(names)))


def sync(
    ctx: typer.Context, json_out: JsonOption = False, url: HubOption = None
) -> None:
    from gridlog.cli.common import session
    from gridlog.hub.sync import sync as sync_with
    from gridlog.hub.workers import keep_roster

    with hub(ctx, url) as conn, session(ctx, write=True) as (log, context):
        _refuse_mismatch(conn)
        conn.rollback()  # each step of the sync is its own transaction
        try:
            moved = sync_with(log, context, conn)
            keep_roster(log, conn)
        except Exception as exc:  # a dropped network, a refused record, …
            raise _cut_short(exc) from exc
    if json_out:
        emit(data=moved._asdict())
        return
    line = t("sync.done", pushed=moved.pushed, pulled=moved.pulled)
    if moved.kept_here:
        line += tn("sync.kept_here", moved.kept_here, count=moved.kept_here)
    emit(line=line)


def hub_history(
    ctx: typer.Context,
    record: IdArgument,
    json_out: JsonOption = False,
    reveal: RevealOption = False,
    url: HubOption = None,
) -> None:
    from gridlog.cli.common import parse_id, session
    from gridlog.hub.history import kept_versions

    with hub(ctx, url) as conn, session(ctx, write=False) as (log, context):
        _refuse_mismatch(conn)
        versions = kept_versions(log, conn, parse_id(record))
    if json_out:
        from gridlog.render.hub import version_text

        emit(
            data=[
                {
                    "at": version.decided_at.isoformat(),
                    "outcome": version.outcome,
                    "pushed_by": version.pushed_by,
                    "pushed_by_name": version.pushed_by_name,
                    "pushed_at": version.pushed_at.isoformat(),
                    "revision": version.revision,
                    "text": version_text(version.line),
                    "record": version.line,
                }
                for version in versions
            ],
            mask=not reveal,
        )
        return
    from gridlog.render.hub import hub_history_doc

    emit(hub_history_doc(versions, context.today, context.zone), mask=not reveal)


def _refuse_mismatch(conn: Any) -> None:
    """A hub and a gridlog of different schemas do not work together."""
    from gridlog.hub.schema import mismatch

    problem = mismatch(conn)
    if problem is not None:
        key = "hub.older" if problem == "older" else "hub.newer"
        raise GridlogError(key, exit_code=2)


def _cut_short(exc: Exception) -> GridlogError:
    """A sync that stopped midway: each side kept whole steps (a push is one
    transaction on the hub, a pull one here), so the advice is to run it again."""
    from gridlog.cli.messages import describe

    reason = describe(exc) if isinstance(exc, GridlogError) else type(exc).__name__
    return GridlogError("after_commit.sync_cut_short", reason=reason)


def _grids(given: list[str] | None) -> list[str]:
    if not given:
        raise GridlogError("hub.worker_no_grid", exit_code=2)
    return given


def register(app: typer.Typer) -> None:
    """Add the `hub` group (and its `worker` group) to `app`."""
    hub_app = typer.Typer(help=t("hub.help"), no_args_is_help=True)
    hub_app.command("init", help=t("hub.init.help"), epilog=t("hub.init.epilog"))(
        hub_init
    )
    worker_app = typer.Typer(help=t("hub.worker.help"), no_args_is_help=True)
    worker_app.command(
        "add", help=t("hub.worker.add.help"), epilog=t("hub.worker.add.epilog")
    )(worker_add)
    worker_app.command(
        "list", help=t("hub.worker.list.help"), epilog=t("hub.worker.list.epilog")
    )(worker_list)
    worker_app.command(
        "remove",
        help=t("hub.worker.remove.help"),
        epilog=t("hub.worker.remove.epilog"),
    )(worker_remove)
    worker_app.command(
        "grant", help=t("hub.worker.grant.help"), epilog=t("hub.worker.grant.epilog")
    )(worker_grant)
    worker_app.command(
        "revoke",
        help=t("hub.worker.revoke.help"),
        epilog=t("hub.worker.revoke.epilog"),
    )(worker_revoke)
    hub_app.command(
        "history", help=t("hub.history.help"), epilog=t("hub.history.epilog")
    )(hub_history)
    hub_app.add_typer(worker_app, name="worker")
    app.command("sync", help=t("sync.help"), epilog=t("sync.epilog"))(sync)
    app.add_typer(hub_app, name="hub")
