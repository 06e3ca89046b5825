"""The hub's schema: numbered migrations, like the local database's, applied by
`gridlog hub init` with an administrator's login. Running it again applies only what
is missing.

Everything lives in the schema `gridlog`, so an office's database can hold other
things. The log travels as records, one row per record of a device's jsonl export
(grid, resident, entry, follow-up, sign-off, tombstone, …) keyed by kind and UUID,
with the grid it belongs to and its revision; `seq` grows with every write, so that a
device pulls what changed since the `seq` it last saw.

Who sees what is the database's own business, not gridlog's: every worker is a login
role in `gridlog_worker` (or `gridlog_office`), and row-level security lets a role
read and write only the records of its own grids, through gridlog or through psql
alike. Records of no grid (care rules, tombstones) are for everyone to read; only an
office writes rules, grids and settings.
"""

from __future__ import annotations

from typing import Any

from gridlog.domain.items import REGISTER_ENTRY

_OFFICE = (
    "EXISTS (SELECT FROM gridlog.workers w WHERE w.login = session_user AND w.office)"
)
_OWN_GRIDS = (
    "(SELECT g.grid_uuid FROM gridlog.worker_grids g WHERE g.login = session_user)"
)
_MAY_WRITE = (
    f"({_OFFICE} OR (kind NOT IN ('grid', 'building', 'rule', 'setting')"
    f" AND (grid_uuid IS NULL AND kind = 'tombstone' OR grid_uuid IN {_OWN_GRIDS})))"
)

# A follow-up closed on a day or at an hour nobody wrote down (the devices keep
# 0 or 1; anything else set counts as unknown, as SQLite's truth does).
_UNKNOWN_TIME = (
    "(coalesce(body->>'closed_day_unknown', '0') NOT IN ('0', 'false')"
    " OR coalesce(body->>'closed_time_unknown', '0') NOT IN ('0', 'false'))"
)

# An entry that writes someone into the register, which is no visit to them.
_REGISTERING = f"left(body->>'text', {len(REGISTER_ENTRY)}) = '{REGISTER_ENTRY}'"

# One string of SQL per migration; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gridlog_worker') THEN
            CREATE ROLE gridlog_worker NOLOGIN;
        END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gridlog_office') THEN
            CREATE ROLE gridlog_office NOLOGIN IN ROLE gridlog_worker;
        END IF;
    END $$;

    CREATE TABLE gridlog.workers (
        login text PRIMARY KEY,
        name text NOT NULL,
        office boolean NOT NULL DEFAULT false,
        added_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE gridlog.worker_grids (
        login text NOT NULL REFERENCES gridlog.workers ON DELETE CASCADE,
        grid_uuid uuid NOT NULL,
        PRIMARY KEY (login, grid_uuid)
    );
    CREATE SEQUENCE gridlog.record_seq;
    CREATE TABLE gridlog.records (
        kind text NOT NULL,
        uuid uuid NOT NULL,
        grid_uuid uuid,
        revision bigint NOT NULL DEFAULT 0,
        body jsonb NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('gridlog.record_seq'),
        pushed_by text NOT NULL DEFAULT session_user,
        pushed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, uuid)
    );
    CREATE INDEX records_seq ON gridlog.records (seq);
    CREATE INDEX records_grid_seq ON gridlog.records (grid_uuid, seq);

    -- SECURITY DEFINER: a worker may not read the tables of grants itself, but the
    -- policies must; search_path pinned so that no role can slip in its own tables.
    CREATE FUNCTION gridlog.is_office() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $f$ SELECT EXISTS (SELECT FROM gridlog.workers
                              WHERE login = session_user AND office) $f$;
    CREATE FUNCTION gridlog.may_see(grid uuid) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $f$ SELECT grid IS NULL OR gridlog.is_office()
                   OR EXISTS (SELECT FROM gridlog.worker_grids
                              WHERE login = session_user AND grid_uuid = grid) $f$;
    CREATE FUNCTION gridlog.may_write(kind text, grid uuid) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $f$ SELECT gridlog.is_office()
                   OR (kind NOT IN ('grid', 'building', 'rule', 'setting')
                       AND (grid IS NULL AND kind = 'tombstone'
                            OR grid IS NOT NULL AND gridlog.may_see(grid))) $f$;

    ALTER TABLE gridlog.records ENABLE ROW LEVEL SECURITY;
    ALTER TABLE gridlog.records FORCE ROW LEVEL SECURITY;
    CREATE POLICY records_read ON gridlog.records FOR SELECT
        USING (gridlog.may_see(grid_uuid));
    CREATE POLICY records_insert ON gridlog.records FOR INSERT
        WITH CHECK (gridlog.may_write(kind, grid_uuid));
    CREATE POLICY records_update ON gridlog.records FOR UPDATE
        USING (gridlog.may_write(kind, grid_uuid))
        WITH CHECK (gridlog.may_write(kind, grid_uuid));
    -- A forget reaches the hub: the person's record, the reminders their care rules
    -- made and the photos of entries about them go (`hub.sync`). Nothing else is
    -- ever deleted here.
    CREATE POLICY records_forget ON gridlog.records FOR DELETE
        USING (kind IN ('resident', 'fired', 'photo')
               AND gridlog.may_write(kind, grid_uuid));

    ALTER TABLE gridlog.workers ENABLE ROW LEVEL SECURITY;
    CREATE POLICY workers_read ON gridlog.workers FOR SELECT
        USING (login = session_user OR gridlog.is_office());
    ALTER TABLE gridlog.worker_grids ENABLE ROW LEVEL SECURITY;
    CREATE POLICY worker_grids_read ON gridlog.worker_grids FOR SELECT
        USING (login = session_user OR gridlog.is_office());

    GRANT USAGE ON SCHEMA gridlog TO gridlog_worker;
    GRANT SELECT ON gridlog.migrations, gridlog.workers, gridlog.worker_grids
        TO gridlog_worker;
    GRANT SELECT, INSERT, UPDATE, DELETE ON gridlog.records TO gridlog_worker;
    GRANT USAGE ON SEQUENCE gridlog.record_seq TO gridlog_worker;
    """,
    # How much a version has been scrubbed of forgotten people (blots, emptied
    # fields): between two versions of the same edit, the one scrubbed more wins,
    # so that a forget is never undone by a copy pushed before its device heard.
    """
    CREATE FUNCTION gridlog.scrubbed(body jsonb) RETURNS integer
        LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
        AS $f$ SELECT (length(body::text) - length(replace(body::text, '***', ''))) / 3
                    + (SELECT count(*)::integer FROM jsonb_each(body)
                       WHERE jsonb_typeof(value) = 'null') $f$;
    -- The order `merge` gives two versions after their revision: the time of the
    -- edit, then the content as the device compares it (`merge_read.version`).
    ALTER TABLE gridlog.records ADD COLUMN stamp text COLLATE "C",
        ADD COLUMN rank text COLLATE "C";
    """,
    # `report --hub`: the review's figures are read by the instants and days in the
    # records' bodies, compared byte by byte ("C") as the devices compare them; each
    # index holds only the kind of record it serves.
    """
    CREATE INDEX records_entry_at ON gridlog.records
        (((body->>'at') COLLATE "C")) WHERE kind = 'entry';
    CREATE INDEX records_followup_opened ON gridlog.records
        (((body->>'opened_at') COLLATE "C")) WHERE kind = 'followup';
    CREATE INDEX records_followup_closed ON gridlog.records
        (((body->>'closed_at') COLLATE "C")) WHERE kind = 'followup';
    CREATE INDEX records_followup_due ON gridlog.records
        (((body->>'due_on') COLLATE "C")) WHERE kind = 'followup';
    CREATE INDEX records_entry_place ON gridlog.records
        (((body->>'place') COLLATE "C"), ((body->>'at') COLLATE "C"))
        WHERE kind = 'entry';
    CREATE INDEX records_entry_resident ON gridlog.records
        ((body->>'resident_uuid'), ((body->>'at') COLLATE "C")) WHERE kind = 'entry';
    """,
    # The same rules, written into the policies rather than called per row: a
    # SECURITY DEFINER function is a black box the planner calls for every record
    # (a quarter of a millisecond each, a minute of a first pull at a street's
    # size), while these subqueries run once per statement. A worker reads its own
    # rows of the tables of grants (their policies), which is all they need.
    f"""
    DROP POLICY records_read ON gridlog.records;
    DROP POLICY records_insert ON gridlog.records;
    DROP POLICY records_update ON gridlog.records;
    DROP POLICY records_forget ON gridlog.records;
    CREATE POLICY records_read ON gridlog.records FOR SELECT
        USING (grid_uuid IS NULL OR {_OFFICE} OR grid_uuid IN {_OWN_GRIDS});
    CREATE POLICY records_insert ON gridlog.records FOR INSERT
        WITH CHECK ({_MAY_WRITE});
    CREATE POLICY records_update ON gridlog.records FOR UPDATE
        USING ({_MAY_WRITE}) WITH CHECK ({_MAY_WRITE});
    CREATE POLICY records_forget ON gridlog.records FOR DELETE
        USING (kind IN ('resident', 'fired', 'photo') AND {_MAY_WRITE});
    """,
    # The hub's history: every version it replaced (`replaced`, by the trigger,
    # whoever updates a record and however) or refused (`refused`, asked by
    # `sync._UPSERT` when the version it holds wins), with who had pushed it. A
    # copy of the same version (another device's line of it, or the line a forget
    # scrubbed) is not a version of its own. Workers read their grids' history
    # and add nothing to it; a forget deletes the versions that held the person
    # (`sync`), as it deletes the records.
    f"""
    CREATE TABLE gridlog.history (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        uuid uuid NOT NULL,
        grid_uuid uuid,
        revision bigint NOT NULL,
        body jsonb NOT NULL,
        stamp text COLLATE "C",
        pushed_by text NOT NULL,
        pushed_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('replaced', 'refused')),
        decided_by text NOT NULL DEFAULT session_user,
        decided_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX history_record ON gridlog.history (kind, uuid);
    CREATE INDEX history_grid ON gridlog.history (grid_uuid);

    -- Two lines of one version: the same edit (revision and time) with the same
    -- content (local ids aside), or one the other scrubbed of a forgotten person.
    CREATE FUNCTION gridlog.same_version(
        revision bigint, stamp text, rank text, body jsonb,
        other_revision bigint, other_stamp text, other_rank text, other_body jsonb
    ) RETURNS boolean
        LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
        AS $f$ SELECT revision = other_revision
                      AND stamp IS NOT DISTINCT FROM other_stamp
                      AND (rank IS NOT DISTINCT FROM other_rank
                           OR gridlog.scrubbed(body) <> gridlog.scrubbed(other_body))
        $f$;

    CREATE FUNCTION gridlog.keep_replaced() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $f$ BEGIN
            IF OLD.kind <> 'tombstone' AND OLD.body IS DISTINCT FROM NEW.body
               AND NOT gridlog.same_version(OLD.revision, OLD.stamp, OLD.rank,
                   OLD.body, NEW.revision, NEW.stamp, NEW.rank, NEW.body) THEN
                INSERT INTO gridlog.history (kind, uuid, grid_uuid, revision, body,
                                             stamp, pushed_by, pushed_at, outcome)
                VALUES (OLD.kind, OLD.uuid, OLD.grid_uuid, OLD.revision, OLD.body,
                        OLD.stamp, OLD.pushed_by, OLD.pushed_at, 'replaced');
            END IF;
            RETURN NULL;
        END $f$;
    CREATE TRIGGER records_history AFTER UPDATE ON gridlog.records
        FOR EACH ROW EXECUTE FUNCTION gridlog.keep_replaced();

    -- Called by a push whose version the hub's own beats; always false, so that
    -- the hub keeps its own. Only a role that may write the record's grid, and
    -- only about a record the hub has.
    CREATE FUNCTION gridlog.keep_refused(
        kind text, id uuid, grid uuid, revision bigint, body jsonb, stamp text,
        rank text, held_revision bigint, held_body jsonb, held_stamp text,
        held_rank text
    ) RETURNS boolean
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $f$
            INSERT INTO gridlog.history (kind, uuid, grid_uuid, revision, body,
                                         stamp, pushed_by, pushed_at, outcome)
            SELECT kind, id, grid, revision, body, stamp, session_user, now(),
                   'refused'
            WHERE kind <> 'tombstone' AND body IS DISTINCT FROM held_body
              AND NOT gridlog.same_version(revision, stamp, rank, body,
                  held_revision, held_stamp, held_rank, held_body)
              AND gridlog.may_write(kind, grid)
              AND EXISTS (SELECT FROM gridlog.records r
                          WHERE r.kind = $1 AND r.uuid = $2);
            SELECT false;
        $f$;

    ALTER TABLE gridlog.history ENABLE ROW LEVEL SECURITY;
    CREATE POLICY history_read ON gridlog.history FOR SELECT
        USING (grid_uuid IS NULL OR {_OFFICE} OR grid_uuid IN {_OWN_GRIDS});
    CREATE POLICY history_forget ON gridlog.history FOR DELETE
        USING ({_OFFICE} OR grid_uuid IN {_OWN_GRIDS});
    GRANT SELECT, DELETE ON gridlog.history TO gridlog_worker;
    """,
    # Each record's digest (`hub.digests`) as the device that pushed it made it:
    # what a pull remembers of every line it takes (`hub_sent`), and a new
    # device's first pull takes a grid's years of lines. NULL: loaded otherwise
    # than by a push, the pulling device digests the line itself.
    "ALTER TABLE gridlog.records ADD COLUMN digest text",
    # Records and kept versions found by UUID alone, whatever their kind (a push
    # asks which of the records it sends, and of those they point at, the hub
    # holds as deleted; the versions a forget looks through): at a street's
    # millions of records, the key (kind, uuid) cannot find them.
    """
    CREATE INDEX records_uuid ON gridlog.records (uuid);
    CREATE INDEX history_uuid ON gridlog.history (uuid);
    """,
    # The instants and days `report --hub` reads periods by, and what it counts
    # entries by, as columns of their own that PostgreSQL keeps from the body.
    # Under row-level security a condition on `body->>'at'` (the `->>` is not
    # leakproof) may not become an index lookup and reads every record of the
    # street; one on a column may, and a month's entries are read off the index.
    """
    ALTER TABLE gridlog.records
        ADD COLUMN at text COLLATE "C" GENERATED ALWAYS AS (body->>'at') STORED,
        ADD COLUMN opened_at text COLLATE "C"
            GENERATED ALWAYS AS (body->>'opened_at') STORED,
        ADD COLUMN closed_at text COLLATE "C"
            GENERATED ALWAYS AS (body->>'closed_at') STORED,
        ADD COLUMN due_on text COLLATE "C"
            GENERATED ALWAYS AS (body->>'due_on') STORED,
        ADD COLUMN place text COLLATE "C"
            GENERATED ALWAYS AS (body->>'place') STORED,
        ADD COLUMN entry_kind text
            GENERATED ALWAYS AS (CASE WHEN kind = 'entry' THEN body->>'kind' END)
            STORED,
        ADD COLUMN category text GENERATED ALWAYS AS (body->>'category') STORED;
    DROP INDEX gridlog.records_entry_at;
    DROP INDEX gridlog.records_followup_opened;
    DROP INDEX gridlog.records_followup_closed;
    DROP INDEX gridlog.records_followup_due;
    -- What the review counts of a month's entries is in the index itself.
    CREATE INDEX records_entry_at ON gridlog.records (at)
        INCLUDE (grid_uuid, entry_kind, category, place) WHERE kind = 'entry';
    CREATE INDEX records_followup_opened ON gridlog.records (opened_at)
        WHERE kind = 'followup';
    CREATE INDEX records_followup_closed ON gridlog.records (closed_at)
        WHERE kind = 'followup';
    CREATE INDEX records_followup_due ON gridlog.records (due_on)
        WHERE kind = 'followup';
    CREATE INDEX records_followup_open ON gridlog.records (opened_at)
        WHERE kind = 'followup' AND closed_at IS NULL;
    """,
    # What the review reads of a follow-up (its type, whether its closing time is
    # known, the minutes it took) as columns too, and in the indexes of its
    # instants and due day: a month's cases are then counted from the indexes
    # alone, with no body read and no instant parsed per row. The minutes are
    # SQLite's: whole seconds apart over 60, and none for an unreadable instant.
    # The entry a case was opened by, an entry's building and the resident a
    # record is about, as UUIDs, and whether an entry is a visit (writing someone
    # into the register is none): what the review's hot spots, coverage and
    # unvisited households, and a forget, look records up by.
    f"""
    CREATE FUNCTION gridlog.epoch_seconds(instant text) RETURNS bigint
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET timezone = 'UTC' AS $f$
        BEGIN
            RETURN floor(extract(epoch FROM instant::timestamptz));
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END
    $f$;
    -- A UUID as the text of a body names it; none for text that is not one.
    CREATE FUNCTION gridlog.as_uuid(name text) RETURNS uuid
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
            SELECT CASE
                WHEN name ~* '^[0-9a-f]{{8}}(-[0-9a-f]{{4}}){{3}}-[0-9a-f]{{12}}$'
                THEN name::uuid
            END
        $f$;
    ALTER TABLE gridlog.records
        ADD COLUMN entry_uuid uuid GENERATED ALWAYS AS
            (gridlog.as_uuid(body->>'entry_uuid')) STORED,
        ADD COLUMN resident_uuid uuid GENERATED ALWAYS AS
            (gridlog.as_uuid(body->>'resident_uuid')) STORED,
        ADD COLUMN building_uuid uuid GENERATED ALWAYS AS (CASE
            WHEN kind = 'entry' THEN gridlog.as_uuid(body->>'building_uuid')
            END) STORED,
        ADD COLUMN visit boolean GENERATED ALWAYS AS (kind = 'entry' AND NOT
            coalesce(body->>'kind' = 'other' AND {_REGISTERING}, false)) STORED,
        ADD COLUMN item_type text GENERATED ALWAYS AS
            (CASE WHEN kind = 'followup' THEN body->>'kind' END) STORED,
        ADD COLUMN unknown_time boolean GENERATED ALWAYS AS
            (kind = 'followup' AND {_UNKNOWN_TIME}) STORED,
        ADD COLUMN minutes bigint GENERATED ALWAYS AS (CASE
            WHEN kind = 'followup' AND NOT {_UNKNOWN_TIME} THEN
                (gridlog.epoch_seconds(body->>'closed_at')
                 - gridlog.epoch_seconds(body->>'opened_at')) / 60
            END) STORED;
    DROP INDEX gridlog.records_followup_opened;
    DROP INDEX gridlog.records_followup_closed;
    DROP INDEX gridlog.records_followup_due;
    DROP INDEX gridlog.records_followup_open;
    DROP INDEX gridlog.records_entry_place;
    DROP INDEX gridlog.records_entry_resident;
    DROP INDEX gridlog.records_entry_at;
    -- A month's entries, and the visits among them by place and person.
    CREATE INDEX records_entry_at ON gridlog.records (at)
        INCLUDE (grid_uuid, entry_kind, category, place, resident_uuid, visit)
        WHERE kind = 'entry';
    -- A household's last visit, by its place or by one of its people; what a
    -- forget finds of a person. (The expression indexes these replace served no
    -- login under row-level security: each look read every entry of the street.)
    -- (Each holds the grid too: the row-level policy reads it, and would
    -- otherwise send every look to the table.)
    CREATE INDEX records_entry_place ON gridlog.records (place, at)
        INCLUDE (grid_uuid) WHERE kind = 'entry' AND visit;
    CREATE INDEX records_resident ON gridlog.records (resident_uuid, at)
        INCLUDE (kind, visit, grid_uuid) WHERE resident_uuid IS NOT NULL;
    CREATE INDEX records_followup_opened ON gridlog.records (opened_at)
        INCLUDE (grid_uuid, item_type, closed_at, due_on, unknown_time, minutes,
                 entry_uuid)
        WHERE kind = 'followup';
    CREATE INDEX records_followup_closed ON gridlog.records (closed_at)
        INCLUDE (grid_uuid, item_type, opened_at, due_on, unknown_time, minutes)
        WHERE kind = 'followup';
    CREATE INDEX records_followup_due ON gridlog.records (due_on)
        INCLUDE (grid_uuid, closed_at) WHERE kind = 'followup';
    CREATE INDEX records_followup_open ON gridlog.records (opened_at)
        INCLUDE (grid_uuid, item_type, due_on)
        WHERE kind = 'followup' AND closed_at IS NULL;
    """,
)


def mismatch(conn: Any) -> str | None:
    """Why this gridlog may not sync with this hub, if it may not: the hub lacks
    a migration `sync` relies on (`older`), or a newer gridlog has brought it
    further (`newer`), whose records this one would push without the fields it
    does not know. A release that changes what a record carries adds a hub
    migration, if only to say so."""
    version = hub_version(conn)
    if version < len(MIGRATIONS):
        return "older"
    return "newer" if version > len(MIGRATIONS) else None


def hub_version(conn: Any) -> int:
    """How many migrations the hub has (0 before `hub init`)."""
    found = conn.execute("SELECT to_regclass('gridlog.migrations')").fetchone()[0]
    if found is None:
        return 0
    return conn.execute("SELECT count(*) FROM gridlog.migrations").fetchone()[0]


def init(conn: Any) -> tuple[int, int]:
    """Create or bring up to date the hub's schema, in one transaction, one office
    at a time; (version before, version after)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('gridlog hub init'))")
        conn.execute("CREATE SCHEMA IF NOT EXISTS gridlog")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS gridlog.migrations ("
            " version integer PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        before = hub_version(conn)
        for version, sql in enumerate(MIGRATIONS[before:], start=before + 1):
            conn.execute(sql)
            conn.execute(
                "INSERT INTO gridlog.migrations (version) VALUES (%s)", [version]
            )
    if before < len(MIGRATIONS):
        _vacuum(conn)
    return before, len(MIGRATIONS)


def _vacuum(conn: Any) -> None:
    """Mark the records' pages all-visible now. A migration that adds a column
    rewrites every record, and until a VACUUM each index-only read of the review
    goes back to the table for every row (seconds at a street's millions);
    autovacuum would come, but not before the office's first review. VACUUM
    cannot run inside a transaction: skipped when the caller holds one open."""
    if conn.info.transaction_status.name != "IDLE":
        return
    autocommit = conn.autocommit
    conn.autocommit = True
    try:
        conn.execute("VACUUM (ANALYZE) gridlog.records")
    finally:
        conn.autocommit = autocommit
