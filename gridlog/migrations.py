"""The schema, as numbered migrations. Never edit a shipped one: add the next.

Imported only when a database has to be created or upgraded, because sqlite-utils is
slow to import and the everyday commands must start fast.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("gridlog")


def _run(db: Database, statements: str) -> None:
    # executescript() would COMMIT the surrounding transaction, so run one by one.
    for statement in statements.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO counters (name, value) VALUES ('record', 0);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE grids (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            worker TEXT,
            phone TEXT,
            households INTEGER,
            population INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE grid_aliases (
            alias TEXT PRIMARY KEY,
            grid_id INTEGER NOT NULL REFERENCES grids (id) ON DELETE CASCADE
        );
        CREATE TABLE buildings (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            grid_id INTEGER NOT NULL REFERENCES grids (id),
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE INDEX buildings_grid ON buildings (grid_id);
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            grid_id INTEGER NOT NULL REFERENCES grids (id),
            place TEXT,
            building_id INTEGER REFERENCES buildings (id),
            resident TEXT,
            phone TEXT,
            category TEXT NOT NULL DEFAULT 'other',
            kind TEXT NOT NULL DEFAULT 'visit',
            text TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            worker TEXT,
            case_id INTEGER REFERENCES followups (id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX entries_month ON entries (at, grid_id, kind, category, place);
        CREATE INDEX entries_grid_at ON entries (grid_id, at, kind, category, place);
        CREATE INDEX entries_case ON entries (case_id) WHERE case_id IS NOT NULL;
        CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL CHECK (type IN ('followup', 'reminder')),
            entry_id INTEGER NOT NULL REFERENCES entries (id),
            grid_id INTEGER NOT NULL REFERENCES grids (id),
            text TEXT NOT NULL,
            due_on TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            close_note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX followups_open_due ON followups (due_on, grid_id)
            WHERE closed_at IS NULL;
        CREATE INDEX followups_open_grid ON followups (grid_id, due_on, opened_at)
            WHERE closed_at IS NULL;
        CREATE INDEX followups_entry ON followups (entry_id);
        CREATE INDEX followups_opened ON followups (opened_at);
        CREATE INDEX followups_closed ON followups (closed_at)
            WHERE closed_at IS NOT NULL;
        CREATE INDEX followups_due ON followups (due_on);
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            op INTEGER NOT NULL,
            at TEXT NOT NULL,
            actor TEXT,
            command TEXT,
            table_name TEXT NOT NULL,
            record_id INTEGER NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
            before TEXT,
            after TEXT,
            undoes INTEGER
        );
        CREATE INDEX history_record ON history (table_name, record_id);
        CREATE INDEX history_undoes ON history (undoes) WHERE undoes IS NOT NULL;
        CREATE INDEX history_op ON history (op)
        """,
    )
