"""The schema, as numbered migrations. Never edit a shipped one: add the next.

The list of migrations is the one count of schema versions: a database's
`PRAGMA user_version` says how many of them it has had, and `schema_version()` is how
many there are. sqlite-utils, slow to import, is loaded only when a database has to
be created or upgraded, so the everyday commands read this module and start fast.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


def _run(db: Database, statements: str) -> None:
    # executescript() would COMMIT the surrounding transaction, so run one by one.
    for statement in statements.split(";"):
        if statement.strip():
            db.execute(statement)


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


def m002_search(db: Database) -> None:
    """Full-text search for Chinese: FTS5 trigram indexes over entries (text, place,
    resident) and follow-ups (text, closing note), external-content so that no text
    is stored twice, kept in step by triggers. A bulk load drops the entry triggers
    for its transaction and indexes each batch in one statement (see storage.bulk)."""
    _run(
        db,
        """
        CREATE VIRTUAL TABLE entries_search USING fts5(
            text, place, resident,
            content='entries', content_rowid='id', tokenize='trigram'
        );
        CREATE VIRTUAL TABLE followups_search USING fts5(
            text, close_note,
            content='followups', content_rowid='id', tokenize='trigram'
        );
        INSERT INTO entries_search (entries_search) VALUES ('rebuild');
        INSERT INTO followups_search (followups_search) VALUES ('rebuild')
        """,
    )
    for statement in SEARCH_TRIGGERS:
        db.execute(statement)


def m003_report_indexes(db: Database) -> None:
    """Covering indexes for the monthly report: the follow-ups opened, closed or due
    in a period are counted from the index alone, without reading each row. They
    replace the single-column indexes of m001, which only the report used."""
    _run(
        db,
        """
        DROP INDEX followups_opened;
        DROP INDEX followups_closed;
        DROP INDEX followups_due;
        CREATE INDEX followups_opened
            ON followups (opened_at, type, grid_id, entry_id);
        CREATE INDEX followups_closed
            ON followups (closed_at, type, grid_id, opened_at, due_on)
            WHERE closed_at IS NOT NULL;
        CREATE INDEX followups_due ON followups (due_on, grid_id, closed_at)
        """,
    )


# Also used by storage.bulk, which drops and recreates the entry triggers around a
# batch: one statement per trigger, since triggers contain semicolons.
ENTRY_TRIGGERS = (
    """CREATE TRIGGER entries_search_insert AFTER INSERT ON entries BEGIN
        INSERT INTO entries_search (rowid, text, place, resident)
        VALUES (new.id, new.text, new.place, new.resident);
    END""",
    """CREATE TRIGGER entries_search_delete AFTER DELETE ON entries BEGIN
        INSERT INTO entries_search (entries_search, rowid, text, place, resident)
        VALUES ('delete', old.id, old.text, old.place, old.resident);
    END""",
    """CREATE TRIGGER entries_search_update AFTER UPDATE OF text, place, resident
        ON entries BEGIN
        INSERT INTO entries_search (entries_search, rowid, text, place, resident)
        VALUES ('delete', old.id, old.text, old.place, old.resident);
        INSERT INTO entries_search (rowid, text, place, resident)
        VALUES (new.id, new.text, new.place, new.resident);
    END""",
)
SEARCH_TRIGGERS = (
    *ENTRY_TRIGGERS,
    """CREATE TRIGGER followups_search_insert AFTER INSERT ON followups BEGIN
        INSERT INTO followups_search (rowid, text, close_note)
        VALUES (new.id, new.text, new.close_note);
    END""",
    """CREATE TRIGGER followups_search_delete AFTER DELETE ON followups BEGIN
        INSERT INTO followups_search (followups_search, rowid, text, close_note)
        VALUES ('delete', old.id, old.text, old.close_note);
    END""",
    """CREATE TRIGGER followups_search_update AFTER UPDATE OF text, close_note
        ON followups BEGIN
        INSERT INTO followups_search (followups_search, rowid, text, close_note)
        VALUES ('delete', old.id, old.text, old.close_note);
        INSERT INTO followups_search (rowid, text, close_note)
        VALUES (new.id, new.text, new.close_note);
    END""",
)


def m004_residents(db: Database) -> None:
    """A light register of residents: each belongs to a household (a place, such as
    `9号楼2单元301`) and through its building to a grid. Entries keep the name as
    typed in `resident` and link to the register through `resident_id`. A follow-up
    may need every household of a list to sign (`signoffs`), and may come back
    (`every`: `1w`, `1m`, `1y`, `3d`; `previous_id`: the occurrence it follows)."""
    _run(
        db,
        """
        CREATE TABLE residents (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            place TEXT,
            grid_id INTEGER NOT NULL REFERENCES grids (id),
            building_id INTEGER REFERENCES buildings (id),
            phone TEXT,
            id_number TEXT,
            born_on TEXT,
            born_year_only INTEGER NOT NULL DEFAULT 0,
            tags TEXT NOT NULL DEFAULT '[]',
            note TEXT,
            registered_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX residents_name ON residents (name, place);
        CREATE INDEX residents_grid_place ON residents (grid_id, place);
        CREATE INDEX residents_born ON residents (born_on) WHERE born_on IS NOT NULL;
        ALTER TABLE entries ADD COLUMN resident_id INTEGER REFERENCES residents (id);
        CREATE INDEX entries_resident ON entries (resident_id, at)
            WHERE resident_id IS NOT NULL;
        CREATE INDEX entries_resident_name ON entries (resident)
            WHERE resident IS NOT NULL;
        CREATE TABLE signoffs (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            followup_id INTEGER NOT NULL REFERENCES followups (id),
            household TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'signed', 'refused')),
            answered_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (followup_id, household)
        );
        ALTER TABLE followups ADD COLUMN every TEXT;
        ALTER TABLE followups ADD COLUMN previous_id INTEGER REFERENCES followups (id);
        CREATE INDEX followups_previous ON followups (previous_id)
            WHERE previous_id IS NOT NULL
        """,
    )


def m005_household_visits(db: Database) -> None:
    """When a household was last visited (`due --stale`): entries by place and time."""
    _run(
        db,
        "CREATE INDEX entries_place_at ON entries (place, at) WHERE place IS NOT NULL",
    )


# The care rules gridlog ships with, from the articles (民政: 高龄补贴 by age tier, in
# the towns the articles describe). A community edits them with `gridlog rule`.
_DEFAULT_RULES = "0b5f6c1e-3f7a-4d2b-9c8e-2a1d4e6f8b90"  # their UUID namespace
DEFAULT_CARE_RULES = (
    (80, "满80岁，电话通知办理高龄补贴"),
    (90, "满90岁，通知高龄补贴提档（90岁档）"),
    (100, "满100岁，通知办理百岁老人长寿补贴，上门看望"),
)


def m006_care_rules(db: Database) -> None:
    import uuid

    """Care rules: on reaching an age, a reminder (`高龄补贴` at 80 …), produced for
    every registered resident with a birth date and kept in `followups` like any other.
    `care_rule_fired` remembers that a rule has produced its reminder for a person, so
    that it fires once per person; `followup_id` is the reminder it made (no foreign
    key: a reminder deleted later stays fired)."""
    _run(
        db,
        """
        CREATE TABLE care_rules (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            age INTEGER NOT NULL,
            text TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT 'civil-affairs',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE care_rule_fired (
            rule_id INTEGER NOT NULL REFERENCES care_rules (id),
            resident_id INTEGER NOT NULL REFERENCES residents (id),
            followup_id INTEGER,
            fired_at TEXT NOT NULL,
            PRIMARY KEY (rule_id, resident_id)
        );
        CREATE INDEX care_rule_fired_resident ON care_rule_fired (resident_id)
        """,
    )
    # The defaults are the same records in every log (UUID from their content, the
    # day they shipped), so that two workers' logs merge them as one.
    shipped = "2026-11-21T00:00:00Z"
    for age, text in DEFAULT_CARE_RULES:
        rule_uuid = uuid.uuid5(uuid.UUID(_DEFAULT_RULES), f"{age}:{text}")
        db.execute(
            "INSERT INTO care_rules (uuid, age, text, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (str(rule_uuid), age, text, shipped, shipped),
        )


# The tables whose records are edited and merged by UUID.
REVISED = ("grids", "care_rules", "residents", "entries", "followups", "signoffs")


def m007_revisions(db: Database) -> None:
    """A revision per record, counting its edits, so that a merge can tell the later
    version of a record by something no device's clock can push: an edit here makes
    it one more than the version it was made on (`history.Changes.update`), a merge
    takes the winner's. `updated_at` only breaks ties between equal revisions."""
    for table in REVISED:
        db.execute(
            f"ALTER TABLE {table} ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"
        )


def m008_tombstones(db: Database) -> None:
    """What `resident forget` leaves behind so that a forget travels: the forgotten
    record's UUID, so that no merge brings the record back, and keyed hashes (a
    random key per tombstone) of the name, phone and ID number with their lengths,
    so that a text arriving later can be scrubbed without the log keeping them."""
    _run(
        db,
        """
        CREATE TABLE tombstones (
            uuid TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            forgotten_at TEXT NOT NULL,
            key TEXT NOT NULL,
            marks TEXT NOT NULL DEFAULT '[]'
        ) WITHOUT ROWID
        """,
    )


def m009_due_time(db: Database) -> None:
    """The time of day a follow-up or reminder is due, when the worker named one
    (`--follow-up "明天 9:00"`: an appointment), as `HH:MM` on the wall clock of
    the day in `due_on`; NULL for an item due some time that day."""
    _run(db, "ALTER TABLE followups ADD COLUMN due_time TEXT")


# The digits of an entry's phone as typed (`138-1234-5678`, `+86 138…`, `１３８…`):
# the separators a phone may hold dropped, full-width digits made plain, in SQLite's
# own functions so that any program writing the log keeps the index. The search
# (`domain.search`) spells the same expression to read it off the index. Shipped in
# m010: never change it; a new form is a new index in a new migration.
ENTRY_PHONE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(replace(replace(replace("
    "replace(replace(replace(replace(replace(replace(replace(replace(replace("
    "replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''),"
    " '+', ''), '.', ''), '\u3000', ''), '－', ''), '（', ''), '）', ''), '＋', ''),"
    " '０', '0'), '１', '1'), '２', '2'), '３', '3'), '４', '4'), '５', '5'),"
    " '６', '6'), '７', '7'), '８', '8'), '９', '9')"
)


def m010_entry_phones(db: Database) -> None:
    """The digits of the phones entries carry (`add --phone`), newest entry first,
    so that a search for a number reads those few, each once normalised, and not
    the whole log: computed per row at search time they cost half a second at a
    million entries."""
    _run(
        db,
        f"CREATE INDEX entries_phone ON entries (id, {ENTRY_PHONE_DIGITS})"
        " WHERE phone IS NOT NULL",
    )


def m011_precision(db: Database) -> None:
    """Only what was given: an entry whose old log gave a day but no time
    (`day_only`: `at` is that day's start, shown as the day alone); a case closed
    on a day nobody wrote down (`closed_day_unknown`: `closed_at` only says that it
    is closed, and stands at its opening, so it counts as closed then but has no
    time to resolve); a birth month without its day (`born_month_only`: `born_on`
    is the month's first day). Rows already stored keep 0: nothing says that they
    lacked a time. The report's index of closed items gains the flag, so that it
    still counts them, and their times, from the index alone."""
    _run(
        db,
        """
        ALTER TABLE entries ADD COLUMN day_only INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE followups ADD COLUMN closed_day_unknown INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE residents ADD COLUMN born_month_only INTEGER NOT NULL DEFAULT 0;
        DROP INDEX followups_closed;
        CREATE INDEX followups_closed
            ON followups (closed_at, type, grid_id, opened_at, due_on,
                closed_day_unknown)
            WHERE closed_at IS NOT NULL
        """,
    )


def m012_photos(db: Database) -> None:
    """Photos kept with an entry (`add --photo`): the file lives beside the
    database, named by its SHA-256 (`storage.photos`), so the same photo is kept
    once however many entries have it; a row here says which entry has it, under
    what name the worker knew it, and how large it is. A photo is never edited:
    it is added, and goes with its entry."""
    _run(
        db,
        """
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            entry_id INTEGER NOT NULL REFERENCES entries (id),
            sha256 TEXT NOT NULL,
            name TEXT NOT NULL,
            size INTEGER NOT NULL,
            added_at TEXT NOT NULL,
            UNIQUE (entry_id, sha256)
        );
        CREATE INDEX photos_sha256 ON photos (sha256)
        """,
    )


def m013_closed_time_unknown(db: Database) -> None:
    """A case closed on a day an old log gave without its time (`办结日期 2019-03-20`):
    `closed_at` is that day's start, and `closed_time_unknown` says the hour is not
    known, so no one shows 00:00 or a time to resolve measured from midnight. The
    report's index of closed items gains it, as it gained `closed_day_unknown`."""
    _run(
        db,
        """
        ALTER TABLE followups ADD COLUMN closed_time_unknown INTEGER NOT NULL DEFAULT 0;
        DROP INDEX followups_closed;
        CREATE INDEX followups_closed
            ON followups (closed_at, type, grid_id, opened_at, due_on,
                closed_day_unknown, closed_time_unknown)
            WHERE closed_at IS NOT NULL
        """,
    )


def m014_hub_sent(db: Database) -> None:
    """What this device last sent the hub of each record (a digest of its export
    line), so that `gridlog sync` pushes only what changed since; and how far it has
    pulled (`counters.hub_pulled`, the hub's `seq`). This device's alone: no export
    carries it."""
    _run(
        db,
        """
        CREATE TABLE hub_sent (
            kind TEXT NOT NULL,
            uuid TEXT NOT NULL,
            digest TEXT NOT NULL,
            PRIMARY KEY (kind, uuid)
        ) WITHOUT ROWID;
        INSERT INTO counters (name, value) VALUES ('hub_pulled', 0)
        """,
    )


def m015_hub_grids(db: Database) -> None:
    """The grids this device's hub login could see when it last pulled (`*` for an
    office, which sees them all), so that a grid granted later is pulled whole: its
    records were written before the `seq` the device had pulled to. This device's
    alone, like `hub_sent`."""
    _run(db, "CREATE TABLE hub_grids (grid_uuid TEXT PRIMARY KEY) WITHOUT ROWID")


def m016_followup_owner(db: Database) -> None:
    """The person responsible for a follow-up or reminder (`--owner 王主任`): the
    议事厅 gives each problem an owner and a deadline, and the office assigns cases to
    whoever answers for them, not always the grid's worker. Free text, like a
    worker's name; NULL for the items nobody was named for."""
    _run(db, "ALTER TABLE followups ADD COLUMN owner TEXT")


# What `sync` sends is what changed since it last did: every write to a record the
# hub carries notes the record in `hub_dirty`, once this device syncs at all
# (`hub_tracking`), so that a device that never syncs pays one lookup a row.
HUB_KINDS = (
    ("grid", "grids"),
    ("building", "buildings"),
    ("rule", "care_rules"),
    ("resident", "residents"),
    ("entry", "entries"),
    ("followup", "followups"),
    ("signoff", "signoffs"),
    ("photo", "photos"),
    ("tombstone", "tombstones"),
)
_TRACKING = "(SELECT value FROM counters WHERE name = 'hub_tracking') = 1"


def _hub_triggers() -> list[str]:
    triggers = []
    for kind, table in HUB_KINDS:
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            triggers.append(
                f"CREATE TRIGGER {table}_hub_{event.lower()} AFTER {event} ON {table}"
                f" WHEN {_TRACKING} BEGIN"
                f" INSERT INTO hub_dirty (kind, uuid) VALUES ('{kind}', {row}.uuid);"
                " END"
            )
        if kind not in ("tombstone", "photo", "signoff"):
            # Other records' lines name this one by its UUID: send them all again.
            triggers.append(
                f"CREATE TRIGGER {table}_hub_uuid AFTER UPDATE OF uuid ON {table}"
                f" WHEN {_TRACKING} AND old.uuid != new.uuid BEGIN"
                " UPDATE counters SET value = 1 WHERE name = 'hub_full';"
                " END"
            )
    for event, row in (("INSERT", "new"), ("DELETE", "old")):
        triggers.append(
            f"CREATE TRIGGER grid_aliases_hub_{event.lower()} AFTER {event}"
            f" ON grid_aliases WHEN {_TRACKING} BEGIN"
            " INSERT INTO hub_dirty (kind, uuid)"
            f" SELECT 'grid', uuid FROM grids WHERE id = {row}.grid_id;"
            " END"
        )
    return triggers


def m017_hub_dirty(db: Database) -> None:
    """Which records changed since `sync` last pushed (`hub_dirty`, in the order
    they changed, so that a change made while a push runs is not taken for one it
    sent), whether the next push must look at every record (`hub_full`: never
    pushed yet, or a UUID others point at changed), and whether to keep track at
    all (`hub_tracking`, from the first sync on)."""
    _run(
        db,
        """
        CREATE TABLE hub_dirty (kind TEXT NOT NULL, uuid TEXT NOT NULL);
        INSERT INTO counters (name, value) VALUES ('hub_tracking', 0);
        INSERT INTO counters (name, value) VALUES ('hub_full', 1)
        """,
    )
    for trigger in _hub_triggers():
        db.execute(trigger)


# The report's summary of entries (m018): how many entries each UTC day and each UTC
# month holds, per grid, worker, kind and category, kept in step by triggers. A
# worker is stored as `=name`, and no worker as '': part of the key, it may not be
# NULL. A bulk load drops the insert trigger for its transaction and adds each
# batch in one statement (see storage.bulk), as it does for the search index.
REPORT_BUCKETS = ("substr({r}.at, 1, 10)", "substr({r}.at, 1, 7)")
REPORT_KEY = "{r}.grid_id, ifnull('=' || {r}.worker, ''), {r}.kind, {r}.category"


def _summary_add(r: str) -> str:
    key = REPORT_KEY.format(r=r)
    rows = ", ".join(f"({b.format(r=r)}, {key}, 1)" for b in REPORT_BUCKETS)
    return (
        "INSERT INTO report_entries (bucket, grid_id, worker_key, kind, category,"
        f" entries) VALUES {rows} ON CONFLICT (bucket, grid_id, worker_key, kind,"
        " category) DO UPDATE SET entries = entries + 1;"
    )


def _summary_take(r: str) -> str:
    where = (
        f"bucket IN ({', '.join(b.format(r=r) for b in REPORT_BUCKETS)})"
        f" AND (grid_id, worker_key, kind, category) = ({REPORT_KEY.format(r=r)})"
    )
    return (
        f"UPDATE report_entries SET entries = entries - 1 WHERE {where};"
        f" DELETE FROM report_entries WHERE entries <= 0 AND {where};"
    )


REPORT_INSERT_TRIGGER = "report_entries_insert"
REPORT_TRIGGERS = (
    f"""CREATE TRIGGER {REPORT_INSERT_TRIGGER} AFTER INSERT ON entries BEGIN
        {_summary_add("new")}
    END""",
    f"""CREATE TRIGGER report_entries_delete AFTER DELETE ON entries BEGIN
        {_summary_take("old")}
    END""",
    f"""CREATE TRIGGER report_entries_update
        AFTER UPDATE OF at, grid_id, worker, kind, category ON entries
        WHEN substr(old.at, 1, 10) IS NOT substr(new.at, 1, 10)
            OR old.grid_id IS NOT new.grid_id OR old.worker IS NOT new.worker
            OR old.kind IS NOT new.kind OR old.category IS NOT new.category
        BEGIN
        {_summary_take("old")}
        {_summary_add("new")}
    END""",
)


def summarized_entries(first: int | None = None, last: int | None = None) -> str:
    """A SELECT of the summary's rows for the entries stored (or those of ids
    `first`..`last`), counted afresh: what `report_entries` should hold."""
    where = "" if first is None else f" WHERE id BETWEEN {int(first)} AND {int(last)}"
    days = (
        f"SELECT {REPORT_BUCKETS[0].format(r='e')} AS bucket, e.grid_id,"
        " ifnull('=' || e.worker, '') AS worker_key, e.kind, e.category,"
        f" count(*) AS n FROM entries e{where} GROUP BY 1, 2, 3, 4, 5"
    )
    # The days once, as a CTE the months are summed from: SQLite keeps a CTE that
    # is read twice, where two subqueries would each read the entries again.
    return (
        f"WITH days AS ({days})"
        " SELECT bucket, grid_id, worker_key, kind, category, n FROM days"
        " UNION ALL SELECT substr(bucket, 1, 7), grid_id, worker_key, kind, category,"
        " sum(n) FROM days GROUP BY 1, 2, 3, 4, 5"
    )


def summarize_entries(first: int | None = None, last: int | None = None) -> str:
    """The statement that adds entries to the report's summary: all of them, or
    those of ids `first`..`last` (a bulk load's batch, its trigger dropped)."""
    return (
        "INSERT INTO report_entries (bucket, grid_id, worker_key, kind, category,"
        f" entries) {summarized_entries(first, last)} ORDER BY 1, 2, 3, 4, 5"
        " ON CONFLICT (bucket, grid_id, worker_key, kind, category)"
        " DO UPDATE SET entries = entries + excluded.entries"
    )


# The whole summary counted afresh (the upgrade, `check`): the days from the
# entries, then the months from the days, so that the entries are read once.
SUMMARIZE_ALL = (
    "INSERT INTO report_entries (bucket, grid_id, worker_key, kind, category,"
    " entries) SELECT substr(at, 1, 10), grid_id, ifnull('=' || worker, ''), kind,"
    " category, count(*) FROM entries GROUP BY 1, 2, 3, 4, 5",
    "INSERT INTO report_entries (bucket, grid_id, worker_key, kind, category,"
    " entries) SELECT substr(bucket, 1, 7), grid_id, worker_key, kind, category,"
    " sum(entries) FROM report_entries WHERE length(bucket) = 10"
    " GROUP BY 1, 2, 3, 4, 5",
)


def m018_report_summary(db: Database) -> None:
    """The monthly report counts entries from a summary (`report_entries`: entries
    per UTC day and per UTC month, grid, worker, kind and category) instead of
    reading each entry of the period: a month is a few thousand rows read, not
    tens of thousands. Filled from the entries stored, in one statement, then kept
    up by triggers. The index of open items by grid gains their type, so that
    counting what was open at a period's end reads the index alone."""
    _run(
        db,
        """
        CREATE TABLE report_entries (
            bucket TEXT NOT NULL,
            grid_id INTEGER NOT NULL,
            worker_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            category TEXT NOT NULL,
            entries INTEGER NOT NULL,
            PRIMARY KEY (bucket, grid_id, worker_key, kind, category)
        ) WITHOUT ROWID;
        DROP INDEX followups_open_grid;
        CREATE INDEX followups_open_grid ON followups (grid_id, due_on, opened_at, type)
            WHERE closed_at IS NULL
        """,
    )
    for statement in (*SUMMARIZE_ALL, *REPORT_TRIGGERS):
        db.execute(statement)


def m019_hub_roster(db: Database) -> None:
    """The hub's workers as the last sync saw them (`gridlog sync`): each login,
    its name and the grids (by UUID) it was granted, so that the office's `report`
    can sum its grids' figures per worker. This device's alone: no export carries
    it, and each sync replaces it whole."""
    _run(
        db,
        """
        CREATE TABLE hub_workers (
            login TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            office INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE hub_worker_grids (
            login TEXT NOT NULL REFERENCES hub_workers (login) ON DELETE CASCADE,
            grid_uuid TEXT NOT NULL,
            PRIMARY KEY (login, grid_uuid)
        ) WITHOUT ROWID
        """,
    )


def m020_visits_read_from_indexes(db: Database) -> None:
    """The monthly review looks up, for each household of the register, its newest
    visit by place and by each resident's name (`domain.coverage`), passing over
    register entries. The two indexes it looks them up in gain the entry's kind, so
    that an entry is read only when its kind is 'other' (a register entry's text
    tells); and the residents' (grid_id, place) index holds what a household is
    made of, in the order residents were registered, so that twelve thousand
    households are read from the index alone. Same names: each serves every query
    the narrower one did."""
    _run(
        db,
        """
        DROP INDEX entries_place_at;
        CREATE INDEX entries_place_at ON entries (place, at, kind)
            WHERE place IS NOT NULL;
        DROP INDEX entries_resident;
        CREATE INDEX entries_resident ON entries (resident_id, at, kind)
            WHERE resident_id IS NOT NULL;
        DROP INDEX residents_grid_place;
        CREATE INDEX residents_grid_place
            ON residents (grid_id, place, id, registered_on, name, tags)
        """,
    )


# The register's households as the review reads them (`domain.coverage`): per grid
# and place, how many live there, their names (joined by a unit separator, in the
# order of the residents' (grid_id, place, id, …) index: the order they were
# entered), the tags of those who have some (JSON arrays joined
# by commas) and the first and last days residents were registered. Kept up by the
# residents' triggers: a household is summed anew from its few residents whenever
# one of them comes, goes or changes what it shows.
def _household_summed(row: str) -> str:
    return (
        f"DELETE FROM register_households WHERE grid_id = {row}.grid_id"
        f" AND place = {row}.place;"
        " INSERT INTO register_households (grid_id, place, residents, names, tags,"
        " registered, registered_last)"
        " SELECT grid_id, place, count(*), group_concat(name, char(31)),"
        " group_concat(nullif(tags, '[]')), min(registered_on), max(registered_on)"
        f" FROM residents WHERE grid_id = {row}.grid_id AND place = {row}.place"
        " GROUP BY grid_id, place;"
    )


# Every household summed afresh from the residents (into an empty table).
SUMMED_HOUSEHOLDS = (
    "SELECT grid_id, place, count(*), group_concat(name, char(31)),"
    " group_concat(nullif(tags, '[]')), min(registered_on), max(registered_on)"
    " FROM residents WHERE place IS NOT NULL GROUP BY grid_id, place"
)
SUM_HOUSEHOLDS = (
    "INSERT INTO register_households (grid_id, place, residents, names, tags,"
    f" registered, registered_last) {SUMMED_HOUSEHOLDS}"
)

HOUSEHOLD_TRIGGERS = (
    "CREATE TRIGGER register_households_insert AFTER INSERT ON residents"
    f" WHEN new.place IS NOT NULL BEGIN {_household_summed('new')} END",
    "CREATE TRIGGER register_households_delete AFTER DELETE ON residents"
    f" WHEN old.place IS NOT NULL BEGIN {_household_summed('old')} END",
    "CREATE TRIGGER register_households_update"
    " AFTER UPDATE OF grid_id, place, name, tags, registered_on ON residents"
    f" BEGIN {_household_summed('old')} {_household_summed('new')} END",
)


def m021_register_households(db: Database) -> None:
    """The register's households, summed from their residents (`register_households`,
    kept up by triggers on residents), so that the review reads twelve thousand
    households as twelve thousand rows rather than grouping 24,000 residents each
    time. Residents change seldom, and a household has a few: each change sums one
    or two households anew. Filled from the residents stored."""
    _run(
        db,
        """
        CREATE TABLE register_households (
            grid_id INTEGER NOT NULL,
            place TEXT NOT NULL,
            residents INTEGER NOT NULL,
            names TEXT NOT NULL,
            tags TEXT,
            registered TEXT NOT NULL,
            registered_last TEXT NOT NULL,
            PRIMARY KEY (grid_id, place)
        ) WITHOUT ROWID;
        """,
    )
    db.execute(SUM_HOUSEHOLDS)
    for statement in HOUSEHOLD_TRIGGERS:
        db.execute(statement)


MIGRATIONS = (
    m001_initial,
    m002_search,
    m003_report_indexes,
    m004_residents,
    m005_household_visits,
    m006_care_rules,
    m007_revisions,
    m008_tombstones,
    m009_due_time,
    m010_entry_phones,
    m011_precision,
    m012_photos,
    m013_closed_time_unknown,
    m014_hub_sent,
    m015_hub_grids,
    m016_followup_owner,
    m017_hub_dirty,
    m018_report_summary,
    m019_hub_roster,
    m020_visits_read_from_indexes,
    m021_register_households,
)


def schema_version() -> int:
    """The version a database has once every migration has run."""
    return len(MIGRATIONS)


def apply(conn: sqlite3.Connection, version: int, until: int | None = None) -> None:
    """Run the migrations after `version` (up to `until`) and record the new version.
    The caller holds the transaction: all of them apply, or none."""
    from sqlite_utils import Database

    steps = MIGRATIONS[version:until]
    database = Database(conn, execute_plugins=False)
    for step in steps:
        step(database)
    conn.execute(f"PRAGMA user_version = {version + len(steps)}")
