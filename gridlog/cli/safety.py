"""`gridlog backup`, `check`, `encrypt` and `decrypt`: keeping the log safe."""

from pathlib import Path
from typing import Annotated

import typer

from gridlog.cli.common import (
    emit,
    guard_output,
    session,
)
from gridlog.errors import GridlogError
from gridlog.words.i18n import t, tn


def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(metavar="FILE", help=t("backup.file"))],
) -> None:
    from gridlog.storage.backup import back_up

    guard_output(ctx, target, force=False)  # a backup never replaces a file
    with session(ctx, write=False) as (conn, _context):
        health = back_up(conn, target)
        lines = [
            tn(
                "backup.done",
                health.counts["entries"],
                path=str(target),
                entries=health.counts["entries"],
            )
        ]
        if health.photos:
            from gridlog.storage.photos import folder_of

            where = str(folder_of(target))
            lines.append(
                tn("backup.photos", health.photos, count=health.photos, path=where)
            )
        emit(line="\n".join(lines))


def check(
    ctx: typer.Context,
    compact: Annotated[bool, typer.Option("--compact", help=t("opt.compact"))] = False,
) -> None:
    from gridlog.storage.backup import check as check_health
    from gridlog.storage.db import resolve_path, transaction
    from gridlog.storage.migrations import schema_version
    from gridlog.storage.summary import drift as summary_drift
    from gridlog.storage.summary import households_drift, resum_households
    from gridlog.storage.summary import rebuild as recount_summary
    from gridlog.storage.wipe import free_pages, wipe, wipe_owed

    path = resolve_path(ctx.find_root().obj.db)
    compact = compact and path.exists()  # no database yet: nothing to wipe
    compacted = []
    with session(ctx, write=compact) as (conn, _context):
        if compact:
            before = path.stat().st_size
            wipe(conn)
            compacted.append(
                t(
                    "check.compacted",
                    before=f"{before / 1e6:.1f}",
                    after=f"{path.stat().st_size / 1e6:.1f}",
                )
            )
        health = check_health(conn, path)
        owed = wipe_owed(conn)
        free = free_pages(conn)
        current = health.schema_version == schema_version()
        wrong = summary_drift(conn) if current else 0
        astray = households_drift(conn) if current else 0
    if wrong or astray:
        # Derived tables, not the log: counted afresh from the entries and the
        # residents at once.
        with session(ctx, write=True) as (conn, _context), transaction(conn):
            if wrong:
                recount_summary(conn)
            if astray:
                resum_households(conn)
    if health.cipher_version is None:
        encryption = t("check.plain")
    else:
        encryption = t("check.encrypted", version=health.cipher_version)
    # WAL lets readers go on while one writes; a killed encrypt or decrypt leaves
    # the rollback journal, which every start puts back (storage.leftovers).
    journal = health.journal_mode
    journal_ok = journal in ("wal", "memory")
    ok = health.ok and journal_ok and not owed
    lines = [
        *compacted,
        t("check.ok" if ok else "check.bad", path=str(path)),
        t("check.version", version=health.schema_version),
        t(
            "check.journal" if journal_ok else "check.journal_bad",
            mode=health.journal_mode,
        ),
        encryption,
        t("check.size", mb=f"{health.size_bytes / 1e6:.1f}"),
        t("check.counts", **health.counts, open=health.open_items),
        *([t("check.wipe_owed", pages=free)] if owed else []),
        *([tn("check.summary_recounted", wrong, rows=wrong)] if wrong else []),
        *([tn("check.households_resummed", astray, rows=astray)] if astray else []),
        *_photo_lines(health),
        *health.problems[:20],
        *(
            t("check.foreign_key", table=table, parent=parent)
            for table, parent in health.orphans[:20]
        ),
    ]
    emit(line="\n".join(lines))
    if not ok:
        raise typer.Exit(1)


def _photo_lines(health) -> list[str]:
    """How many photos entries have; each one whose file has gone, by name."""
    if not health.photos:
        return []
    lines = [t("check.photos", count=health.photos)]
    lines += [
        t("check.photo_missing", entry=entry, name=name)
        for entry, name in health.missing_photos[:20]
    ]
    return lines


def encrypt(ctx: typer.Context) -> None:
    from gridlog.cli.prompts import new_key
    from gridlog.storage.cipher import cipher
    from gridlog.storage.db import is_encrypted
    from gridlog.storage.encryption import convert

    path = _existing_db(ctx)
    cipher()
    if is_encrypted(path):
        raise GridlogError("encrypt.already", path=str(path))
    done = convert(path, None, new_key())
    entries = done.counts.get("entries", 0)
    lines = [tn("encrypt.done", entries, path=str(path), entries=entries)]
    if done.plain_leftovers:
        names = ", ".join(str(p) for p in done.plain_leftovers)
        lines.append(t("encrypt.leftovers", paths=names))
    lines += _plain_photos(path)
    emit(line="\n".join(lines))


def _plain_photos(path: Path) -> list[str]:
    """Photos kept before `encrypt` stay as they were: say so, and where."""
    from gridlog.storage.photos import folder_of, kept_names

    count = len(kept_names(path))
    if not count:
        return []
    where = str(folder_of(path))
    return [tn("encrypt.photos_plain", count, count=count, path=where)]


def decrypt(ctx: typer.Context) -> None:
    from gridlog.cli.prompts import key_to_open
    from gridlog.storage.cipher import cipher
    from gridlog.storage.db import is_encrypted
    from gridlog.storage.encryption import convert

    path = _existing_db(ctx)
    cipher()
    if not is_encrypted(path):
        raise GridlogError("decrypt.not_encrypted", path=str(path))
    done = convert(path, key_to_open(path), None)
    entries = done.counts.get("entries", 0)
    emit(line=tn("decrypt.done", entries, path=str(path), entries=entries))


def _existing_db(ctx: typer.Context) -> Path:
    from gridlog.storage.db import resolve_path

    # The real file behind any symlink: converting the link would replace it with
    # an encrypted file and leave the database it pointed at in plain text.
    path = resolve_path(ctx.find_root().obj.db).resolve()
    if not path.exists() or path.stat().st_size == 0:
        raise GridlogError("encrypt.no_db", path=str(path))
    return path


def register(app: typer.Typer) -> None:
    """Add the commands that keep the database safe to `app`."""
    app.command(help=t("backup.help"), epilog=t("backup.epilog"))(backup)
    app.command(help=t("check.help"), epilog=t("check.epilog"))(check)
    app.command(help=t("encrypt.help"), epilog=t("encrypt.epilog"))(encrypt)
    app.command(help=t("decrypt.help"), epilog=t("decrypt.epilog"))(decrypt)
