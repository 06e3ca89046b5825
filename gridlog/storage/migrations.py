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
# (`domain.search`) spelled the same expression to read it off the index until m020
# kept the digits in a column (`storage.phone_keys`), whose triggers still use it.
# Shipped in m010: never change it.
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


# The report's summary of entries (m018): how many entries each UTC month holds,
# per grid, worker, kind and category, kept in step by triggers. (Until m024 each
# UTC day too: at a million entries that was nearly a row per entry, most of a
# large import's summing, for periods under half a month, which read as many
# entries as those days held instead.) A worker is stored as `=name`, and no
# worker as '': part of the key, it may not be NULL. A bulk load drops the insert
# trigger for its transaction and counts what it writes itself (see storage.bulk;
# a merge's writes are summed a span of ids at a time, `summarize_entries`).
REPORT_BUCKETS = ("substr({r}.at, 1, 7)",)
REPORT_KEY = "{r}.grid_id, ifnull('=' || {r}.worker, ''), {r}.kind, {r}.category"


def _entries_apply(rows: str) -> str:
    """Add `rows` (a VALUES or a SELECT of key and count) to the entries' summary."""
    return (
        "INSERT INTO report_entries (bucket, grid_id, worker_key, kind, category,"
        f" entries) {rows} ON CONFLICT (bucket, grid_id, worker_key, kind, category)"
        " DO UPDATE SET entries = entries + excluded.entries;"
    )


def _summary_add(r: str) -> str:
    key = REPORT_KEY.format(r=r)
    rows = ", ".join(f"({b.format(r=r)}, {key}, 1)" for b in REPORT_BUCKETS)
    return _entries_apply(f"VALUES {rows}")


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
        WHEN substr(old.at, 1, 7) IS NOT substr(new.at, 1, 7)
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
    return (
        f"SELECT {REPORT_BUCKETS[0].format(r='e')} AS bucket, e.grid_id,"
        " ifnull('=' || e.worker, '') AS worker_key, e.kind, e.category,"
        f" count(*) AS n FROM entries e{where} GROUP BY 1, 2, 3, 4, 5"
    )


def summarize_entries(first: int | None = None, last: int | None = None) -> str:
    """The statement that adds entries to the report's summary: all of them, or
    those of ids `first`..`last` (a bulk load's batch, its trigger dropped)."""
    return _entries_apply(f"{summarized_entries(first, last)} ORDER BY 1, 2, 3, 4, 5")


# The whole summary counted afresh (the upgrade, `check`).
SUMMARIZE_ALL = (
    "INSERT INTO report_entries (bucket, grid_id, worker_key, kind, category,"
    f" entries) {summarized_entries()}",
)


def m018_report_summary(db: Database) -> None:
    """The monthly report counts entries from a summary (`report_entries`: entries
    per UTC day and per UTC month, grid, worker, kind and category; per month
    alone since m024) instead of
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


def phone_digits_of(row: str) -> str:
    """ENTRY_PHONE_DIGITS of `row`'s phone (`new.phone` in a trigger)."""
    return ENTRY_PHONE_DIGITS.replace("replace(phone, ", f"replace({row}.phone, ", 1)


# An entry's phone key (m020) where the program writing it gave none (another
# program, an older tool) or where its phone changed in place (an edit, an undo, a
# merge, a resident forgotten, a tombstone): the same digits, one row at a time.
# gridlog gives the key itself when it inserts (`storage.phone_keys`), so the
# first trigger does nothing then; a bulk load drops it for its transaction.
PHONE_KEY_TRIGGERS = (
    "CREATE TRIGGER entries_phone_key_insert AFTER INSERT ON entries"
    " WHEN new.phone IS NOT NULL AND new.phone_key IS NULL BEGIN"
    f" UPDATE entries SET phone_key = {phone_digits_of('new')} WHERE id = new.id;"
    " END",
    "CREATE TRIGGER entries_phone_key_update AFTER UPDATE OF phone ON entries"
    " WHEN new.phone IS NOT old.phone BEGIN"
    f" UPDATE entries SET phone_key = {phone_digits_of('new')} WHERE id = new.id;"
    " END",
)


def m020_phone_key(db: Database) -> None:
    """The digits of an entry's phone as a column of their own (`phone_key`, see
    `storage.phone_keys`) with a plain index, instead of the index on m010's
    expression: that one worked out 21 replace() calls for every entry written,
    a fifth of the time a large import spends storing entries. Filled here by the
    same expression, so that an upgraded log finds the same phones; the hub's
    trigger is held off meanwhile, since no record changes for the hub."""
    hub = [
        row[0]
        for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
            " AND name = 'entries_hub_update'"
        )
    ]
    _run(
        db,
        """
        ALTER TABLE entries ADD COLUMN phone_key TEXT;
        DROP TRIGGER IF EXISTS entries_hub_update
        """,
    )
    db.execute(
        f"UPDATE entries SET phone_key = {ENTRY_PHONE_DIGITS} WHERE phone IS NOT NULL"
    )
    for statement in (*hub, *PHONE_KEY_TRIGGERS):
        db.execute(statement)
    _run(
        db,
        """
        DROP INDEX entries_phone;
        CREATE INDEX entries_phone_key ON entries (id, phone_key)
            WHERE phone_key IS NOT NULL
        """,
    )


# The report's summary of follow-ups (m021): how many follow-ups (not reminders)
# were opened and closed each UTC month (each day too, until m024), per grid, kept
# in step by triggers, so that a month's are a few hundred rows read rather than
# thousands of follow-ups, each joined to its entry. An opened row also says the
# grid of the entry that opened it and that entry's place (`place_key`: its
# building's id, else `=` and the place as typed, '' for none): the report's hot
# spots. A closed row has 0 and ''. The place comes from the entry, so a row
# exists only while both the follow-up and its entry do: whichever of the two is
# written (or removed) second adds (or takes) it; an entry's edit moves its
# follow-ups' rows.
FOLLOWUP_SUMMARY = "report_followups"
_FOLLOWUP_KEY = "bucket, grid_id, event, entry_grid_id, place_key"
PLACE_KEY = (
    "CASE WHEN {e}.place IS NULL THEN ''"
    " ELSE coalesce({e}.building_id, '=' || {e}.place) END"
)


def _followups_apply(select: str) -> str:
    """Add the rows of `select` (key and count, the count negative to take) to the
    follow-ups' summary."""
    return (
        f"INSERT INTO {FOLLOWUP_SUMMARY} ({_FOLLOWUP_KEY}, followups) {select}"
        f" ON CONFLICT ({_FOLLOWUP_KEY})"
        " DO UPDATE SET followups = followups + excluded.followups;"
    )


def _opened_of_followup(r: str, sign: int) -> str:
    """The opened rows of follow-up `r` (new or old), with its entry's grid and
    place: none while the entry is not there."""
    return _followups_apply(
        f"SELECT substr({r}.opened_at, 1, 7), {r}.grid_id, 'opened', e.grid_id,"
        f" {PLACE_KEY.format(e='e')}, {sign} FROM entries e"
        f" WHERE e.id = {r}.entry_id AND {r}.type = 'followup'"
    )


def _opened_of_entry(r: str, sign: int) -> str:
    """The opened rows of the follow-ups of entry `r` (new or old)."""
    return _followups_apply(
        "SELECT substr(f.opened_at, 1, 7), f.grid_id, 'opened',"
        f" {r}.grid_id, {PLACE_KEY.format(e=r)}, {sign} * count(*)"
        f" FROM followups f WHERE f.entry_id = {r}.id AND f.type = 'followup'"
        " GROUP BY 1, 2"
    )


def _closed_of_followup(r: str, sign: int) -> str:
    return _followups_apply(
        f"SELECT substr({r}.closed_at, 1, 7), {r}.grid_id, 'closed', 0, '', {sign}"
        f" WHERE {r}.closed_at IS NOT NULL AND {r}.type = 'followup'"
    )


def _emptied_of_followup(r: str) -> str:
    """Rows of follow-up `r`'s buckets taken down to nothing, removed."""
    buckets = ", ".join(
        f"substr({r}.{column}, 1, 7)" for column in ("opened_at", "closed_at")
    )
    return (
        f"DELETE FROM {FOLLOWUP_SUMMARY} WHERE followups <= 0"
        f" AND bucket IN ({buckets}) AND grid_id = {r}.grid_id;"
    )


def _emptied_of_entry(r: str) -> str:
    """Rows of the buckets of entry `r`'s follow-ups taken down to nothing, removed."""
    return (
        f"DELETE FROM {FOLLOWUP_SUMMARY} WHERE followups <= 0 AND (bucket, grid_id)"
        " IN (SELECT substr(f.opened_at, 1, 7), f.grid_id"
        f" FROM followups f WHERE f.entry_id = {r}.id);"
    )


def _changed(*columns: str) -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)


FOLLOWUP_TRIGGERS = (
    f"""CREATE TRIGGER report_followups_insert AFTER INSERT ON followups BEGIN
        {_opened_of_followup("new", 1)}
        {_closed_of_followup("new", 1)}
    END""",
    f"""CREATE TRIGGER report_followups_delete AFTER DELETE ON followups BEGIN
        {_opened_of_followup("old", -1)}
        {_closed_of_followup("old", -1)}
        {_emptied_of_followup("old")}
    END""",
    f"""CREATE TRIGGER report_followups_opened
        AFTER UPDATE OF opened_at, grid_id, type, entry_id ON followups
        WHEN {_changed("opened_at", "grid_id", "type", "entry_id")}
        BEGIN
        {_opened_of_followup("old", -1)}
        {_opened_of_followup("new", 1)}
        {_emptied_of_followup("old")}
    END""",
    f"""CREATE TRIGGER report_followups_closed
        AFTER UPDATE OF closed_at, grid_id, type ON followups
        WHEN {_changed("closed_at", "grid_id", "type")}
        BEGIN
        {_closed_of_followup("old", -1)}
        {_closed_of_followup("new", 1)}
        {_emptied_of_followup("old")}
    END""",
    f"""CREATE TRIGGER report_followups_entry_insert AFTER INSERT ON entries BEGIN
        {_opened_of_entry("new", 1)}
    END""",
    f"""CREATE TRIGGER report_followups_entry_delete AFTER DELETE ON entries BEGIN
        {_opened_of_entry("old", -1)}
        {_emptied_of_entry("old")}
    END""",
    f"""CREATE TRIGGER report_followups_entry_update
        AFTER UPDATE OF grid_id, place, building_id ON entries
        WHEN {_changed("grid_id", "place", "building_id")}
        BEGIN
        {_opened_of_entry("old", -1)}
        {_opened_of_entry("new", 1)}
        {_emptied_of_entry("old")}
    END""",
)


def summarized_followups(first: int | None = None, last: int | None = None) -> str:
    """A SELECT of the follow-ups' summary rows for the follow-ups stored (or those
    of ids `first`..`last`), counted afresh: what `report_followups` should hold."""
    span = "" if first is None else f" AND f.id BETWEEN {int(first)} AND {int(last)}"
    opened = (
        "SELECT substr(f.opened_at, 1, 7) AS bucket, f.grid_id, 'opened' AS event,"
        f" e.grid_id AS entry_grid_id, {PLACE_KEY.format(e='e')} AS place_key,"
        " count(*) AS followups FROM followups f JOIN entries e ON e.id = f.entry_id"
        f" WHERE f.type = 'followup'{span} GROUP BY 1, 2, 4, 5"
    )
    closed = (
        "SELECT substr(f.closed_at, 1, 7), f.grid_id, 'closed', 0, '', count(*)"
        " FROM followups f WHERE f.type = 'followup' AND f.closed_at IS NOT NULL"
        f"{span} GROUP BY 1, 2"
    )
    return f"{opened} UNION ALL {closed}"


def summarize_followups(first: int | None = None, last: int | None = None) -> str:
    """The statement that adds follow-ups to their summary: all of them, or those
    of ids `first`..`last` (a bulk load's batch, the insert triggers dropped)."""
    return _followups_apply(
        f"SELECT * FROM ({summarized_followups(first, last)}) WHERE true"
    )


# Counts added to the summaries a row at a time, by a bulk load that counted them
# itself (`storage.bulk`): the entries' key and count, then the follow-ups'.
ADD_TO_SUMMARIES = (
    _entries_apply("VALUES (?, ?, ?, ?, ?, ?)"),
    _followups_apply("VALUES (?, ?, ?, ?, ?, ?)"),
)


# Whole minutes from opening to closing a follow-up: stored in the index of closed
# items (m021), so that the report reads a month's times to resolve from the index
# instead of reading two timestamps per item. strftime('%s'), not unixepoch():
# every SQLite that opens the log must know the index's expression.
MINUTES_TO_CLOSE = "(strftime('%s', closed_at) - strftime('%s', opened_at)) / 60"


def m021_report_followups(db: Database) -> None:
    """The monthly report counts the follow-ups opened and closed in a period, and
    the places where they were opened (its hot spots), from a summary
    (`report_followups`) rather than from each follow-up joined to its entry.
    Filled from what is stored, in one statement, then kept up by triggers. The
    index of closed items gains the minutes each took to close; the open items get
    an index by grid and type, so that the reminders due after every period's end
    (most of what is open) are counted apart, on a range of it. (Its `closed_at`,
    always NULL, lets SQLite read it alone: older versions do not see that its
    WHERE answers the query's `closed_at IS NULL`.)"""
    _run(
        db,
        f"""
        DROP INDEX followups_closed;
        CREATE INDEX followups_closed
            ON followups (closed_at, type, grid_id, opened_at, due_on,
                closed_day_unknown, closed_time_unknown, ({MINUTES_TO_CLOSE}))
            WHERE closed_at IS NOT NULL;
        CREATE INDEX followups_open_type
            ON followups (grid_id, type, due_on, opened_at, closed_at)
            WHERE closed_at IS NULL;
        CREATE TABLE {FOLLOWUP_SUMMARY} (
            bucket TEXT NOT NULL,
            grid_id INTEGER NOT NULL,
            event TEXT NOT NULL,
            entry_grid_id INTEGER NOT NULL,
            place_key NOT NULL,
            followups INTEGER NOT NULL,
            PRIMARY KEY ({_FOLLOWUP_KEY})
        ) WITHOUT ROWID
        """,
    )
    for statement in (summarize_followups(), *FOLLOWUP_TRIGGERS):
        db.execute(statement)


def m022_visits_read_from_indexes(db: Database) -> None:
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


def m023_register_households(db: Database) -> None:
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


def m024_monthly_summaries(db: Database) -> None:
    """The report's summaries count per UTC month alone, no longer per UTC day as
    well: at a million entries the days were nearly a row per entry (770,000 rows),
    most of what summing cost a large import and every `add`'s trigger, and only a
    period under half a month read them, which now reads its entries (a week's,
    on the index by time). The days' rows go; the triggers are made anew."""
    _run(
        db,
        f"""
        DELETE FROM report_entries WHERE length(bucket) = 10;
        DELETE FROM {FOLLOWUP_SUMMARY} WHERE length(bucket) = 10
        """,
    )
    for statement in (*REPORT_TRIGGERS, *FOLLOWUP_TRIGGERS):
        db.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
        db.execute(statement)


def m025_search_without_sizes(db: Database) -> None:
    """The search indexes keep no column sizes (FTS5's `columnsize=0`): they serve
    ranking by relevance, which search never asks for (it lists the newest first),
    and writing them was a fifth of indexing a large import. Each index is made
    anew and filled from what it indexes."""
    for table, columns, content in _SEARCH_INDEXES:
        _run(
            db,
            f"""
            DROP TABLE {table};
            CREATE VIRTUAL TABLE {table} USING fts5(
                {columns},
                content='{content}', content_rowid='id', tokenize='trigram',
                columnsize=0
            );
            INSERT INTO {table} ({table}, rank) VALUES ('hashsize', {32 << 20});
            INSERT INTO {table} ({table}) VALUES ('rebuild')
            """,
        )


_SEARCH_INDEXES = (
    ("entries_search", "text, place, resident", "entries"),
    ("followups_search", "text, close_note", "followups"),
)


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
    m020_phone_key,
    m021_report_followups,
    m022_visits_read_from_indexes,
    m023_register_households,
    m024_monthly_summaries,
    m025_search_without_sizes,
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
