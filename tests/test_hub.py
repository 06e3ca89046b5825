"""The community hub on a real PostgreSQL: set up by the office, staffed with
workers who each see only their own grids — through gridlog and through a plain
PostgreSQL connection with their own password alike."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

psycopg = pytest.importorskip("psycopg")

from gridlog.hub.schema import MIGRATIONS  # noqa: E402

PASSWORD = "网格员的密码 123"
FIRST, SECOND = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture
def hub(gridlog, hub_db):
    """An initialised hub that knows two grids (as an office's sync leaves it)."""
    assert gridlog("hub", "init").exit_code == 0
    with psycopg.connect(hub_db.admin_url, autocommit=True) as admin:
        for grid, name, alias in (
            (FIRST, "第一网格", "一格"),
            (SECOND, "第二网格", "二格"),
        ):
            admin.execute(
                "INSERT INTO gridlog.records (kind, uuid, grid_uuid, body)"
                " VALUES ('grid', %s, %s, %s)",
                [grid, grid, json.dumps({"name": name, "aliases": [alias]})],
            )
            admin.execute(
                "INSERT INTO gridlog.records (kind, uuid, grid_uuid, body)"
                " VALUES ('entry', %s, %s, %s)",
                [str(uuid.uuid4()), grid, json.dumps({"text": f"{name}的走访"})],
            )
        admin.execute(
            "INSERT INTO gridlog.records (kind, uuid, body)"
            " VALUES ('rule', %s, '{\"age\": 80}')",
            [str(uuid.uuid4())],
        )
    return hub_db


def add_worker(gridlog, login: str, *args: str):
    """`gridlog hub worker add LOGIN ARGS`, the password piped in as an office does."""
    return gridlog("hub", "worker", "add", login, *args, stdin=PASSWORD + "\n")


def as_worker(hub_db, login: str, monkeypatch):
    """A plain PostgreSQL connection with the worker's own password, as psql has."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return psycopg.connect(hub_db.url(login), autocommit=True)


def visible(conn) -> list[str]:
    rows = conn.execute(
        "SELECT kind, coalesce(body->>'name', body->>'text', kind)"
        " FROM gridlog.records ORDER BY seq"
    ).fetchall()
    return [name for _, name in rows]


def test_init_creates_the_schema_once_and_again_changes_nothing(gridlog, hub_db):
    from gridlog.hub.schema import MIGRATIONS

    first = gridlog("hub", "init")
    assert first.exit_code == 0, first.stderr
    assert f"0 → {len(MIGRATIONS)}" in first.stdout
    again = gridlog("hub", "init")
    assert again.exit_code == 0
    assert "nothing changed" in again.stdout
    with psycopg.connect(hub_db.admin_url) as admin:
        applied = admin.execute("SELECT version FROM gridlog.migrations").fetchall()
    assert applied == [(n,) for n in range(1, len(MIGRATIONS) + 1)]


def test_a_worker_sees_and_writes_only_their_own_grids(gridlog, hub, monkeypatch):
    added = add_worker(gridlog, "zhangwei", "--name", "张伟", "--grid", "一格")
    assert added.exit_code == 0, added.stderr
    assert "zhangwei" in added.stdout and "第一网格" in added.stdout
    with as_worker(hub, "zhangwei", monkeypatch) as conn:
        assert visible(conn) == ["第一网格", "第一网格的走访", "rule"]
        assert conn.execute("SELECT login FROM gridlog.workers").fetchall() == [
            ("zhangwei",)
        ]
        conn.execute(
            "INSERT INTO gridlog.records (kind, uuid, grid_uuid, body)"
            " VALUES ('entry', %s, %s, '{}')",
            [str(uuid.uuid4()), FIRST],
        )
        for kind, grid in (("entry", SECOND), ("grid", FIRST), ("rule", None)):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(
                    "INSERT INTO gridlog.records (kind, uuid, grid_uuid, body)"
                    " VALUES (%s, %s, %s, '{}')",
                    [kind, str(uuid.uuid4()), grid],
                )
        # Another grid's rows cannot be changed, nor can a row move into it.
        moved = conn.execute(
            "UPDATE gridlog.records SET body = '{}' WHERE grid_uuid = %s", [SECOND]
        )
        assert moved.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE gridlog.records SET grid_uuid = %s WHERE grid_uuid = %s",
                [SECOND, FIRST],
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO gridlog.worker_grids VALUES ('zhangwei', %s)", [SECOND]
            )
        # Only a forget deletes, and only a resident's traces of its own grids:
        # the log itself (grids, entries, rules) is never deleted.
        assert conn.execute("DELETE FROM gridlog.records").rowcount == 0


def test_an_office_role_sees_every_grid(gridlog, hub, monkeypatch):
    added = add_worker(gridlog, "office", "--name", "李书记", "--office")
    assert added.exit_code == 0, added.stderr
    with as_worker(hub, "office", monkeypatch) as conn:
        assert len(visible(conn)) == 5
        conn.execute(
            "INSERT INTO gridlog.records (kind, uuid, grid_uuid, body)"
            " VALUES ('grid', %s, %s, '{\"name\": \"第三网格\"}')",
            [new := str(uuid.uuid4()), new],
        )


def test_grant_revoke_list_and_remove(gridlog, hub, monkeypatch):
    assert (
        add_worker(
            gridlog, "wangfang", "--name", "王芳", "--grid", "第一网格"
        ).exit_code
        == 0
    )
    assert (
        gridlog("hub", "worker", "grant", "wangfang", "--grid", "二格").exit_code == 0
    )
    listed = json.loads(gridlog("hub", "worker", "list", "--json").stdout)
    assert listed == [
        {
            "login": "wangfang",
            "name": "王芳",
            "office": False,
            "grids": ["第一网格", "第二网格"],
        }
    ]
    assert (
        gridlog("hub", "worker", "revoke", "wangfang", "--grid", "第一网格").exit_code
        == 0
    )
    with as_worker(hub, "wangfang", monkeypatch) as conn:
        assert visible(conn) == ["第二网格", "第二网格的走访", "rule"]
    screen = gridlog("--lang", "zh", "hub", "worker", "list").stdout
    assert "王芳" in screen and "第二网格" in screen
    removed = gridlog("hub", "worker", "remove", "wangfang")
    assert removed.exit_code == 0
    with pytest.raises(psycopg.OperationalError):
        as_worker(hub, "wangfang", monkeypatch)
    assert "no workers" in gridlog("hub", "worker", "list").stdout


def test_the_password_never_reaches_the_server_in_plain(gridlog, hub):
    assert (
        add_worker(gridlog, "zhaolei", "--name", "赵磊", "--grid", "一格").exit_code
        == 0
    )
    with psycopg.connect(hub.admin_url) as admin:
        stored = admin.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'zhaolei'"
        ).fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$")


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (
            ("add", "Bad Login", "--name", "x", "--grid", "一格"),
            "pw\n",
            "cannot be a login",
        ),
        (
            ("add", "li", "--name", "李", "--grid", "第九网格"),
            "pw\n",
            "no grid called 第九网格",
        ),
        (("add", "li", "--name", "李"), "pw\n", "--grid"),
        (("add", "li", "--name", " ", "--grid", "一格"), "pw\n", "needs a name"),
        (("add", "li", "--name", "李", "--grid", "一格"), "\n", "password is empty"),
        (("grant", "nobody", "--grid", "一格"), "", "no worker nobody"),
        (("remove", "nobody"), "", "no worker nobody"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(gridlog, hub, args, stdin, words):
    result = gridlog("hub", "worker", *args, stdin=stdin)
    assert result.exit_code != 0
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(gridlog("hub", "worker", "list", "--json").stdout) == []


def test_a_second_worker_with_the_same_login_is_refused(gridlog, hub):
    args = ("hub", "worker", "add", "sun", "--name", "孙", "--grid", "一格")
    assert gridlog(*args, stdin="pw\n").exit_code == 0
    again = gridlog(*args, stdin="pw\n")
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_a_hub_without_the_schema_says_to_run_init(gridlog, hub_db):
    result = gridlog("hub", "worker", "list")
    assert result.exit_code == 2
    assert "gridlog hub init" in result.stderr


def test_where_the_hub_is_must_be_said_and_hold_no_password(gridlog, monkeypatch):
    monkeypatch.delenv("GRIDLOG_HUB", raising=False)
    nowhere = gridlog("hub", "init")
    assert nowhere.exit_code == 2 and "GRIDLOG_HUB" in nowhere.stderr
    secret = gridlog("hub", "init", "--hub", "postgresql://admin:s3cret@10.0.0.5/hub")
    assert secret.exit_code == 2 and "PGPASSWORD" in secret.stderr
    assert "s3cret" not in secret.output
    query = gridlog("hub", "init", "--hub", "postgresql://admin@h/hub?password=x")
    assert query.exit_code == 2
    assert gridlog("hub", "init", "--hub", "mysql://h/hub").exit_code == 2


def test_an_unreachable_hub_is_one_line(gridlog):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = gridlog("hub", "init", "--hub", f"postgresql://zhang@127.0.0.1:{port}/x")
    assert result.exit_code == 1
    assert "cannot reach the hub" in result.stderr
    assert "Traceback" not in result.output


def test_a_hub_that_wants_a_password_says_where_to_put_it(
    gridlog, hub_cluster, monkeypatch
):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    port = hub_cluster.port
    result = gridlog("hub", "init", "--hub", f"postgresql://zhang@127.0.0.1:{port}/x")
    assert result.exit_code == 1
    assert "PGPASSWORD" in result.stderr and "~/.pgpass" in result.stderr


def test_without_the_extra_the_hub_says_how_to_install_it(gridlog, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = gridlog("hub", "init", "--hub", "postgresql://admin@localhost/hub")
    assert result.exit_code == 2
    assert "pip install 'gridlog[hub]'" in result.stderr


def test_config_keeps_the_hub_for_this_device_only(
    gridlog, hub_db, monkeypatch, tmp_path
):
    monkeypatch.delenv("GRIDLOG_HUB")
    assert gridlog("config", "--hub", hub_db.admin_url).exit_code == 0
    assert gridlog("hub", "init").exit_code == 0  # found in the log's settings
    export = tmp_path / "all.jsonl"
    assert gridlog("export", str(export)).exit_code == 0
    assert hub_db.admin_url not in export.read_text(encoding="utf-8")
    refused = gridlog("config", "--hub", "postgresql://a:secret@h/hub")
    assert refused.exit_code == 2 and "PGPASSWORD" in refused.stderr
    assert gridlog("config", "--unset", "hub").exit_code == 0
    assert gridlog("hub", "init").exit_code == 2  # nowhere to go now


# --- sync ------------------------------------------------------------------------


@pytest.fixture
def community(gridlog, hub_db, tmp_path, monkeypatch):
    """An office device that made two grids and synced them to the hub, and two
    workers' logins, one per grid; each device is its own database."""
    assert gridlog("hub", "init").exit_code == 0
    assert add_worker(gridlog, "office", "--name", "李书记", "--office").exit_code == 0
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.delenv("GRIDLOG_HUB")
    devices = {
        login: (str(tmp_path / f"{login}.db"), hub_db.url(login))
        for login in ("office", "zhang", "wang")
    }

    def on(login: str, *args: str, now: str | None = None):
        db, url = devices[login]
        if args and args[0] == "sync":
            args = (*args, "--hub", url)
        return gridlog("--db", db, *args, now=now)

    for grid in ("第一网格", "第二网格"):
        assert on("office", "grid", "add", grid).exit_code == 0
    assert on("office", "sync").exit_code == 0
    monkeypatch.setenv("GRIDLOG_HUB", hub_db.admin_url)
    for login, grid in (("zhang", "第一网格"), ("wang", "第二网格")):
        assert (
            add_worker(gridlog, login, "--name", login, "--grid", grid).exit_code == 0
        )
    monkeypatch.delenv("GRIDLOG_HUB")
    on.admin_url = hub_db.admin_url
    on.url = hub_db.url
    on.db = lambda login: devices[login][0]
    on.at = lambda db, *args: gridlog("--db", db, *args)
    on.texts_at = lambda db: [
        entry["text"]
        for entry in json.loads(
            gridlog("--db", db, "log", "--json", "--limit", "1000").stdout
        )
    ]
    return on


def moved(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def texts(on, login: str) -> list[str]:
    return [entry["text"] for entry in json.loads(on(login, "log", "--json").stdout)]


def test_a_workers_visit_reaches_the_office_and_the_offices_case_reaches_due(
    community,
):
    on = community
    assert moved(on("zhang", "sync", "--json"))["pulled"] >= 1  # the grid
    added = on("zhang", "add", "楼顶漏水", "--grid", "第一网格", "--follow-up", "明天")
    assert added.exit_code == 0, added.output
    assert moved(on("zhang", "sync", "--json"))["pushed"] >= 2  # entry, follow-up
    assert moved(on("office", "sync", "--json"))["pulled"] >= 2
    assert texts(on, "office") == ["楼顶漏水"]
    case = on(
        "office", "add", "请核实违建", "--grid", "第一网格", "--follow-up", "明天"
    )
    assert case.exit_code == 0, case.output
    on("office", "sync")
    on("zhang", "sync")
    due = json.loads(on("zhang", "due", "--days", "3", "--json").stdout)
    assert sorted(item["text"] for item in due) == ["楼顶漏水", "请核实违建"]
    [item] = [item for item in due if item["text"] == "请核实违建"]
    assert on("zhang", "done", str(item["id"]), "--note", "已拆除").exit_code == 0
    on("zhang", "sync")
    on("office", "sync")
    office_due = json.loads(on("office", "due", "--days", "3", "--json").stdout)
    assert [item["text"] for item in office_due] == ["楼顶漏水"]  # the case closed


def test_a_second_sync_with_nothing_new_moves_nothing(community):
    on = community
    on("zhang", "sync")
    on("zhang", "add", "走访", "--grid", "第一网格")
    on("zhang", "sync")
    assert moved(on("zhang", "sync", "--json")) == {
        "pushed": 0,
        "pulled": 0,
        "kept_here": 0,
    }


def test_an_import_after_the_first_sync_is_pushed_whole(community, tmp_path):
    """A bulk load notes what it stored for the next push as one statement, not a
    row at a time: every imported entry and follow-up still reaches the office."""
    on = community
    on("zhang", "sync")
    old_log = tmp_path / "old.csv"
    old_log.write_text(
        "日期,网格,内容,跟进日期\n"
        "2019-03-11,第一网格,楼北侧跑水,下周一\n"
        "2019-03-12,第一网格,老人身体好,\n",
        encoding="utf-8",
    )
    imported = on("zhang", "import", str(old_log))
    assert imported.exit_code == 0, imported.output
    assert moved(on("zhang", "sync", "--json"))["pushed"] == 3  # 2 entries, 1 case
    on("office", "sync")
    assert sorted(texts(on, "office")) == ["楼北侧跑水", "老人身体好"]


def test_a_worker_syncs_only_their_own_grid(community):
    on = community
    on("zhang", "sync")
    on("zhang", "add", "一格的走访", "--grid", "第一网格")
    on("zhang", "sync")
    on("wang", "sync")
    assert texts(on, "wang") == []
    grids = json.loads(on("wang", "grid", "list", "--json").stdout)
    assert [grid["name"] for grid in grids] == ["第二网格"]


def test_a_grid_a_worker_made_stays_on_their_device(community):
    on = community
    on("zhang", "sync")
    on("zhang", "grid", "add", "自建网格")
    result = moved(on("zhang", "sync", "--json"))
    assert result["kept_here"] == 1
    on("office", "sync")
    grids = json.loads(on("office", "grid", "list", "--json").stdout)
    assert "自建网格" not in [grid["name"] for grid in grids]


def test_an_edit_made_later_wins_on_every_device(community):
    on = community
    on("zhang", "sync")
    on("zhang", "add", "初稿", "--grid", "第一网格")
    on("zhang", "sync")
    on("office", "sync")
    [entry] = json.loads(on("office", "log", "--json").stdout)
    on("office", "edit", str(entry["id"]), "--text", "办公室改过")
    on("office", "sync")
    on("zhang", "sync")
    assert texts(on, "zhang") == ["办公室改过"]
    assert texts(on, "office") == ["办公室改过"]


def leftovers(
    admin_url: str, *words: str, tables: tuple[str, ...] = ("records", "history")
) -> list[str]:
    """The hub's records, and the versions its history keeps, that still say any
    of `words`, read as its administrator."""
    rows = []
    with psycopg.connect(admin_url) as admin:
        for table in tables:
            rows += admin.execute(
                f"SELECT '{table}', kind, body::text FROM gridlog.{table}"
            ).fetchall()
    return [
        f"{table} {kind}: {body}"
        for table, kind, body in rows
        if any(w in body for w in words)
    ]


def register_wang(on, *args: str) -> None:
    """zhang visits 王建国 and writes him into the register, with his phone."""
    registered = on(
        *("zhang", "add", "看望", "--grid", "第一网格", "--resident", "王建国"),
        *("--register", "--phone", "13812345678", *args),
    )
    assert registered.exit_code == 0, registered.output


def test_a_forget_travels_through_the_hub(community):
    on = community
    on("zhang", "sync")
    register_wang(on, "--place", "9号楼101")
    on("zhang", "sync")
    on("office", "sync")
    assert "王建国" in on("office", "resident", "list").stdout
    forgot = on("zhang", "resident", "forget", "王建国")
    assert forgot.exit_code == 0, forgot.output
    on("zhang", "sync")
    on("office", "sync")
    assert "王建国" not in on("office", "resident", "list").stdout
    assert "13812345678" not in on("office", "log", "--reveal").stdout
    assert leftovers(on.admin_url, "王建国", "13812345678") == []


def test_a_new_device_leaves_nothing_behind_that_the_hub_already_has(community):
    """Every new log starts with the same care rules, which only an office writes:
    they are the hub's own, not a worker's records left on the device."""
    assert moved(community("zhang", "sync", "--json"))["kept_here"] == 0


def test_a_sync_cut_short_is_finished_by_the_next(community, monkeypatch):
    """The push is one transaction on the hub and the pull one on the device: a
    sync that fails between them (a network drop, a kill) leaves both consistent,
    and the next one does what is left, once."""
    from gridlog.transfer import merge_apply

    on = community
    on("zhang", "sync")
    on("office", "add", "办公室交办", "--grid", "第一网格", "--follow-up", "明天")
    on("office", "sync")
    on("zhang", "add", "网格员走访", "--grid", "第一网格")
    real = merge_apply.merge_lines

    def network_drop(*args, **kwargs):
        raise ConnectionResetError("the hub went away")

    monkeypatch.setattr(merge_apply, "merge_lines", network_drop)
    cut = on("zhang", "sync")
    assert cut.exit_code == 1 and "Traceback" not in cut.output, cut.output
    assert "run gridlog sync again" in cut.stderr
    monkeypatch.setattr(merge_apply, "merge_lines", real)
    assert texts(on, "zhang") == ["网格员走访"]  # the pull did not happen
    again = moved(on("zhang", "sync", "--json"))
    assert again["pushed"] == 0  # the push had been taken
    assert sorted(texts(on, "zhang")) == ["办公室交办", "网格员走访"]
    on("office", "sync")
    assert sorted(texts(on, "office")) == ["办公室交办", "网格员走访"]
    assert moved(on("zhang", "sync", "--json"))["pulled"] == 0


def sync_process(on, login: str, db: str) -> subprocess.Popen:
    """A whole `gridlog sync` process for the device `db` of `login`, started now."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gridlog",
            "--db",
            db,
            "sync",
            "--json",
            "--hub",
            on.url(login),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_thirty_two_devices_syncing_at_once_lose_and_double_nothing(
    community, tmp_path
):
    """Each device pulls what changed after the last `seq` it saw, so a push whose
    `seq` was drawn earlier but committed later must never be passed over."""
    on = community
    devices = [
        (("zhang", "wang")[n % 2], str(tmp_path / f"d{n}.db")) for n in range(32)
    ]

    def all_sync() -> None:
        running = [sync_process(on, login, db) for login, db in devices]
        for process in running:
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err

    all_sync()  # each device's first pull: its grid
    for n, (login, db) in enumerate(devices):
        grid = "第一网格" if login == "zhang" else "第二网格"
        for visit in range(2):
            added = on.at(db, "add", f"设备{n}走访{visit}", "--grid", grid)
            assert added.exit_code == 0, added.output
    all_sync()
    all_sync()
    expected = {
        login: sorted(
            f"设备{n}走访{visit}"
            for n, (who, _) in enumerate(devices)
            if who == login
            for visit in range(2)
        )
        for login in ("zhang", "wang")
    }
    for login, db in devices:
        assert sorted(on.texts_at(db)) == expected[login]
    on("office", "sync")
    office = sorted(on.texts_at(on.db("office")))
    assert office == sorted(expected["zhang"] + expected["wang"])
    with psycopg.connect(on.admin_url) as admin:
        entries = admin.execute(
            "SELECT count(*) FROM gridlog.records WHERE kind = 'entry'"
        ).fetchone()[0]
    assert entries == 32 * 2


def test_a_grid_granted_later_arrives_whole(community, monkeypatch):
    """Its records were written before the `seq` the device last pulled to: a pull
    that went only by `seq` would never bring them."""
    on = community
    on("wang", "sync")
    on("wang", "add", "二格的老案子", "--grid", "第二网格", "--follow-up", "明天")
    on("wang", "sync")
    on("zhang", "sync")
    assert texts(on, "zhang") == []
    monkeypatch.setenv("GRIDLOG_HUB", on.admin_url)
    granted = on("office", "hub", "worker", "grant", "zhang", "--grid", "第二网格")
    assert granted.exit_code == 0, granted.output
    monkeypatch.delenv("GRIDLOG_HUB")
    assert moved(on("zhang", "sync", "--json"))["pulled"] >= 3  # grid, entry, case
    assert texts(on, "zhang") == ["二格的老案子"]
    assert moved(on("zhang", "sync", "--json"))["pulled"] == 0


def due_texts(on, login: str) -> list[str]:
    due = json.loads(on(login, "due", "--days", "30", "--json").stdout)
    return sorted(item["text"] for item in due)


def entry_id(on, login: str, text: str) -> str:
    entries = json.loads(on(login, "log", "--json").stdout)
    [entry] = [entry for entry in entries if entry["text"] == text]
    return str(entry["id"])


def shared_case(on, text: str = "楼顶漏水") -> None:
    """A case zhang opened in his grid, on his device, the hub and the office's."""
    on("zhang", "sync")
    added = on("zhang", "add", text, "--grid", "第一网格", "--follow-up", "明天")
    assert added.exit_code == 0, added.output
    on("zhang", "sync")
    on("office", "sync")
    assert texts(on, "office") == [text]


def test_a_deletion_reaches_every_device_and_the_hub(community):
    on = community
    shared_case(on)
    deleted = on("zhang", "delete", entry_id(on, "zhang", "楼顶漏水"))
    assert deleted.exit_code == 0, deleted.output
    assert moved(on("zhang", "sync", "--json"))["pushed"] == 2  # entry, follow-up
    assert moved(on("office", "sync", "--json"))["pulled"] == 2
    assert texts(on, "office") == [] and due_texts(on, "office") == []
    assert leftovers(on.admin_url, "楼顶漏水", tables=("records",)) == []
    # As on a device, the deleted versions stay in the history (the hub's).
    assert len(leftovers(on.admin_url, "楼顶漏水", tables=("history",))) == 2
    assert moved(on("zhang", "sync", "--json"))["pulled"] == 0


def test_undoing_a_delete_brings_the_record_back_everywhere(community):
    on = community
    shared_case(on)
    on("zhang", "delete", entry_id(on, "zhang", "楼顶漏水"))
    on("zhang", "sync")
    on("office", "sync")
    assert on("zhang", "undo").exit_code == 0
    on("zhang", "sync")
    on("office", "sync")
    assert texts(on, "office") == ["楼顶漏水"]
    assert due_texts(on, "office") == ["楼顶漏水"]
    edited = on(
        "zhang", "edit", entry_id(on, "zhang", "楼顶漏水"), "--text", "漏水已查"
    )
    assert edited.exit_code == 0, edited.output
    on("zhang", "sync")
    on("office", "sync")
    assert texts(on, "office") == ["漏水已查"]  # later edits still win


def test_an_edit_the_deleting_device_had_not_seen_wins(community):
    """Nothing is lost to a deletion made on an older version."""
    on = community
    shared_case(on)
    office_edit = on(
        "office",
        "edit",
        entry_id(on, "office", "楼顶漏水"),
        "--text",
        "楼顶漏水,已报物业",
    )
    assert office_edit.exit_code == 0, office_edit.output
    on("office", "sync")
    on("zhang", "delete", entry_id(on, "zhang", "楼顶漏水"))
    on("zhang", "sync")
    assert texts(on, "zhang") == ["楼顶漏水,已报物业"]
    on("office", "sync")
    assert texts(on, "office") == ["楼顶漏水,已报物业"]
    # Its case came back with it (the entry points at it), as it was opened.
    assert due_texts(on, "zhang") == due_texts(on, "office") == ["楼顶漏水"]


def test_a_visit_on_a_case_deleted_meanwhile_keeps_the_case(community):
    on = community
    shared_case(on)
    case = json.loads(on("zhang", "due", "--days", "3", "--json").stdout)[0]["id"]
    on("office", "delete", entry_id(on, "office", "楼顶漏水"))
    on("office", "sync")
    visit = on("zhang", "add", "第二次上门", "--grid", "第一网格", "--case", str(case))
    assert visit.exit_code == 0, visit.output
    assert on("zhang", "sync").exit_code == 0
    on("office", "sync")
    for login in ("zhang", "office"):
        assert sorted(texts(on, login)) == ["楼顶漏水", "第二次上门"]
        assert due_texts(on, login) == ["楼顶漏水"]


def test_a_hub_older_than_gridlog_is_brought_up_to_date_first(community):
    on = community
    with psycopg.connect(on.admin_url, autocommit=True) as admin:
        admin.execute(
            "DELETE FROM gridlog.migrations WHERE version = %s", [len(MIGRATIONS)]
        )
    refused = on("zhang", "sync")
    assert refused.exit_code == 2 and "gridlog hub init" in refused.stderr
    assert "Traceback" not in refused.output


def test_the_offices_assignment_reaches_its_grid_with_its_owner_and_comes_back_closed(
    community,
):
    """议事厅 gives a problem an owner and a deadline: the office assigns it in
    第一网格, zhang finds it in `due` with whom it is assigned to, closes it,
    and the office sees it closed with its time to resolve; 第二网格's worker
    never sees it."""
    on = community
    on("zhang", "sync")
    on("wang", "sync")
    case = on(
        "office",
        *("add", "楼道堆物，请限期清理", "--grid", "第一网格"),
        *("--follow-up", "明天", "--owner", "王主任", "--json"),
        now="2019-03-14T08:00",
    )
    assert case.exit_code == 0, case.output
    assert moved(on("office", "sync", "--json"))["pushed"] >= 2
    on("zhang", "sync")
    on("wang", "sync")
    due = json.loads(on("zhang", "due", "--days", "3", "--json").stdout)
    assert [(item["text"], item["owner"]) for item in due] == [
        ("楼道堆物，请限期清理", "王主任")
    ]
    screen = on("zhang", "--lang", "zh", "due", "--days", "3").stdout
    assert "王主任" in screen
    assert json.loads(on("wang", "due", "--days", "3", "--json").stdout) == []
    assert texts(on, "wang") == []
    [item] = due
    closed = on(
        "zhang", "done", str(item["id"]), "--note", "已清理", now="2019-03-15T10:30"
    )
    assert closed.exit_code == 0, closed.output
    on("zhang", "sync")
    on("office", "sync")
    office_id = json.loads(case.stdout)["id"]
    story = json.loads(on("office", "show", str(office_id), "--json").stdout)
    assert story["status"] == "done"
    assert story["owner"] == "王主任"
    assert story["close_note"] == "已清理"
    assert story["resolution_minutes"] == 26 * 60 + 30
    assert json.loads(on("office", "due", "--days", "3", "--json").stdout) == []
    report = json.loads(
        on(
            "office",
            "report",
            "--month",
            "2019-03",
            "--format",
            "json",
            now="2019-04-01T09:00",
        ).stdout
    )
    assert report["total"]["followups_closed"] == 1
    assert report["total"]["median_resolution_minutes"] == 26 * 60 + 30
    on("wang", "sync")
    assert texts(on, "wang") == []


def test_a_reassignment_in_the_office_reaches_the_workers_due(community):
    on = community
    on("zhang", "sync")
    on(
        "office",
        *("add", "违建核查", "--grid", "第一网格", "-f", "明天", "--owner", "王主任"),
    )
    on("office", "sync")
    on("zhang", "sync")
    [office_item] = json.loads(on("office", "due", "--days", "3", "--json").stdout)
    moved_on = on("office", "edit", str(office_item["id"]), "--owner", "zhang")
    assert moved_on.exit_code == 0, moved_on.output
    on("office", "sync")
    on("zhang", "sync")
    mine = json.loads(
        on("zhang", "due", "--owner", "zhang", "-d", "3", "--json").stdout
    )
    assert [item["text"] for item in mine] == ["违建核查"]


def test_a_hub_a_newer_gridlog_has_synced_with_is_refused_until_updated(community):
    """An older gridlog would push records without the fields it does not know."""
    on = community
    with psycopg.connect(on.admin_url, autocommit=True) as admin:
        admin.execute(
            "INSERT INTO gridlog.migrations (version) VALUES (%s)",
            [len(MIGRATIONS) + 1],
        )
    refused = on("zhang", "sync")
    assert refused.exit_code == 2 and "pip install -U gridlog" in refused.stderr
    assert "Traceback" not in refused.output


def noted_for_push(db: str) -> set[str]:
    """The kinds of record the next push will read again (`hub_dirty`)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {kind for (kind,) in conn.execute("SELECT kind FROM hub_dirty")}


def test_a_new_devices_first_pull_is_searchable_and_leaves_nothing_to_push(
    community, tmp_path
):
    """A new device takes its grid's years in bulk: what it pulled is found by
    `search`, counted by `report`, and is the hub's own, so the next sync does not
    read it all again to find nothing to send."""
    on = community
    on("zhang", "sync")
    for text in ("暖气管道漏水", "楼道堆物", "独居老人走访"):
        on("zhang", "add", text, "--grid", "第一网格", "--follow-up", "明天")
    on("zhang", "sync")
    laptop = str(tmp_path / "zhang-laptop.db")
    first = on.at(laptop, "sync", "--json", "--hub", on.url("zhang"))
    assert moved(first)["pulled"] >= 6
    assert not noted_for_push(laptop) & {"entry", "followup"}
    found = on.at(laptop, "search", "暖气管道")
    assert "暖气管道漏水" in found.stdout and "楼道堆物" not in found.stdout
    [pulled] = [e for e in json.loads(on.at(laptop, "log", "--json").stdout)
                if e["text"] == "楼道堆物"]  # fmt: skip
    story = on.at(laptop, "history", str(pulled["id"]))
    assert story.exit_code == 0, story.output
    assert "sync" in story.stdout and "created" in story.stdout  # as a merge's
    checked = on.at(laptop, "check")
    assert checked.exit_code == 0, checked.output
    assert moved(on.at(laptop, "sync", "--json", "--hub", on.url("zhang"))) == {
        "pushed": 0,
        "pulled": 0,
        "kept_here": 0,
    }
    on.at(laptop, "add", "新的走访", "--grid", "第一网格")
    assert (
        moved(on.at(laptop, "sync", "--json", "--hub", on.url("zhang")))["pushed"] == 1
    )


def test_a_first_pull_blots_a_forgotten_name_the_hub_still_held(community, tmp_path):
    """A line on the hub that names someone forgotten (written by hand, or by a
    device that had not heard) is blotted as it arrives on a new device, the
    search index with it, and the blotted version is sent back."""
    on = community
    on("zhang", "sync")
    register_wang(on)
    on("zhang", "add", "楼道堆物", "--grid", "第一网格")
    on("zhang", "sync")
    assert on("zhang", "resident", "forget", "王建国").exit_code == 0
    on("zhang", "sync")
    with psycopg.connect(on.admin_url, autocommit=True) as admin:
        grid, body = admin.execute(
            "SELECT grid_uuid, body FROM gridlog.records WHERE kind = 'entry'"
            " AND body->>'text' = '楼道堆物'"
        ).fetchone()
        late = dict(body, uuid=str(uuid.uuid4()), id=body["id"] + 100)
        late["text"] = "王建国说楼道堆物"
        admin.execute(
            "INSERT INTO gridlog.records (kind, uuid, grid_uuid, body)"
            " VALUES ('entry', %s, %s, %s)",
            [late["uuid"], grid, json.dumps(late, ensure_ascii=False)],
        )
    laptop = str(tmp_path / "zhang-laptop.db")
    assert on.at(laptop, "sync", "--hub", on.url("zhang")).exit_code == 0
    assert "王建国" not in on.at(laptop, "log", "--reveal").stdout
    assert on.at(laptop, "search", "王建国").stdout.count("楼道堆物") == 0
    assert on.at(laptop, "search", "楼道堆物").stdout.count("楼道堆物") == 2
    assert on.at(laptop, "check").exit_code == 0
    on.at(laptop, "sync", "--hub", on.url("zhang"))
    assert leftovers(on.admin_url, "王建国") == []
