"""The hub's history: when two devices' versions of a record meet on the hub, the
one that loses is kept there (who pushed it, when, whether the hub replaced it or
refused it), readable only by those who may read the grid, and gone with a forget."""

from __future__ import annotations

import json

import pytest

psycopg = pytest.importorskip("psycopg")

import test_hub  # noqa: E402
from test_hub import as_worker, entry_id, leftovers, texts  # noqa: E402

community = test_hub.community  # the fixture: the office, zhang and wang


def hub_history(admin_url: str) -> list[tuple[str, str, str]]:
    """(text, outcome, who pushed it) of every kept version, as the administrator."""
    with psycopg.connect(admin_url) as admin:
        rows = admin.execute(
            "SELECT body->>'text', outcome, pushed_by FROM gridlog.history"
            " WHERE kind = 'entry' ORDER BY id"
        ).fetchall()
    return [tuple(row) for row in rows]


def grid_uuid(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url) as admin:
        return admin.execute(
            "SELECT uuid::text FROM gridlog.records"
            " WHERE kind = 'grid' AND body->>'name' = %s",
            [name],
        ).fetchone()[0]


# What a push asks the hub to keep of a version it refused (see `sync._UPSERT`).
REFUSE = (
    "SELECT gridlog.keep_refused('entry', %s, %s, 5, '{\"text\": \"伪造\"}',"
    " 'z', 'z', 0, '{}', 'a', 'a')"
)


def entry_uuid(admin_url: str, text: str) -> str:
    with psycopg.connect(admin_url) as admin:
        return admin.execute(
            "SELECT uuid::text FROM gridlog.records"
            " WHERE kind = 'entry' AND body->>'text' = %s",
            [text],
        ).fetchone()[0]


def both_edit(on, text: str, zhang_at: str, office_at: str) -> None:
    """zhang's entry, edited apart on his device and on the office's."""
    on("zhang", "sync")
    assert on("zhang", "add", text, "--grid", "第一网格").exit_code == 0
    on("zhang", "sync")
    on("office", "sync")
    for login, at in (("zhang", zhang_at), ("office", office_at)):
        edited = on(
            login, "edit", entry_id(on, login, text), "--text", f"{login}改的", now=at
        )
        assert edited.exit_code == 0, edited.output


def test_a_version_the_hub_replaces_stays_in_its_history(community):
    on = community
    both_edit(on, "楼道堆物", zhang_at="2019-03-14T09:00", office_at="2019-03-14T10:00")
    on("zhang", "sync")
    on("office", "sync")  # the later edit: the hub replaces zhang's
    on("zhang", "sync")
    assert texts(on, "zhang") == texts(on, "office") == ["office改的"]
    assert hub_history(on.admin_url) == [
        ("楼道堆物", "replaced", "zhang"),
        ("zhang改的", "replaced", "zhang"),
    ]


def test_a_version_the_hub_refuses_stays_in_its_history(community):
    on = community
    both_edit(on, "楼道堆物", zhang_at="2019-03-14T09:00", office_at="2019-03-14T10:00")
    on("office", "sync")
    on("zhang", "sync")  # the earlier edit, pushed later: the hub keeps the office's
    assert texts(on, "zhang") == texts(on, "office") == ["office改的"]
    assert hub_history(on.admin_url) == [
        ("楼道堆物", "replaced", "zhang"),
        ("zhang改的", "refused", "zhang"),
    ]
    on("zhang", "sync")
    on("office", "sync")
    assert len(hub_history(on.admin_url)) == 2  # nothing kept twice


def test_two_edits_made_at_the_same_moment_keep_the_one_that_lost(community):
    """The same revision and the same second: the content decides, and the other
    is kept all the same (a copy of one version, or its copy scrubbed by a forget,
    is not a version of its own)."""
    on = community
    both_edit(on, "楼道堆物", zhang_at="2019-03-14T09:00", office_at="2019-03-14T09:00")
    for login in ("zhang", "office", "zhang", "office"):
        on(login, "sync")
    [kept] = texts(on, "office")
    assert texts(on, "zhang") == [kept]
    lost = ({"zhang改的", "office改的"} - {kept}).pop()
    assert [text for text, *_ in hub_history(on.admin_url)] == ["楼道堆物", lost]


def test_a_worker_reads_only_their_own_grids_history(community, monkeypatch):
    on = community
    both_edit(on, "楼道堆物", zhang_at="2019-03-14T09:00", office_at="2019-03-14T10:00")
    on("zhang", "sync")
    on("office", "sync")
    refused_in_first_grid = [
        entry_uuid(on.admin_url, "office改的"),
        grid_uuid(on.admin_url, "第一网格"),
    ]
    with as_worker(on, "zhang", monkeypatch) as zhang:
        seen = zhang.execute("SELECT count(*) FROM gridlog.history").fetchone()[0]
        assert seen == 2
    with as_worker(on, "wang", monkeypatch) as wang:
        assert wang.execute("SELECT count(*) FROM gridlog.history").fetchone()[0] == 0
        assert wang.execute("DELETE FROM gridlog.history").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            wang.execute(
                "INSERT INTO gridlog.history (kind, uuid, revision, body, pushed_by,"
                " pushed_at, outcome) SELECT kind, uuid, 9, body, 'wang', now(),"
                " 'refused' FROM gridlog.records LIMIT 1"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            wang.execute("UPDATE gridlog.history SET body = '{}'")
        # What a push asks the hub to keep, asked about another grid: nothing.
        wang.execute(REFUSE, refused_in_first_grid)
    assert len(hub_history(on.admin_url)) == 2
    with as_worker(on, "zhang", monkeypatch) as zhang:  # his grid: kept, as his
        zhang.execute(REFUSE, refused_in_first_grid)
    assert hub_history(on.admin_url)[-1] == ("伪造", "refused", "zhang")


def test_a_forget_takes_the_person_out_of_the_hubs_history(community):
    on = community
    on("zhang", "sync")
    registered = on(
        "zhang",
        *("add", "看望", "--grid", "第一网格", "--resident", "王建国"),
        *("--place", "9号楼101", "--register", "--phone", "13812345678"),
    )
    assert registered.exit_code == 0, registered.output
    assert on("zhang", "add", "王建国家门口堆物", "--grid", "第一网格").exit_code == 0
    on("zhang", "sync")
    on("office", "sync")
    # Versions the hub replaced: an edit of the visit, a new phone, a deletion.
    edited = on("office", "edit", entry_id(on, "office", "看望"), "--text", "看望老人")
    assert edited.exit_code == 0, edited.output
    assert (
        on("office", "delete", entry_id(on, "office", "王建国家门口堆物")).exit_code
        == 0
    )
    phone = on("zhang", "resident", "edit", "王建国", "--phone", "13900001111")
    assert phone.exit_code == 0, phone.output
    on("office", "sync")
    on("zhang", "sync")
    words = ("王建国", "13812345678", "13900001111")
    assert leftovers(on.admin_url, *words, tables=("history",)) != []
    forgot = on("zhang", "resident", "forget", "王建国")
    assert forgot.exit_code == 0, forgot.output
    on("zhang", "sync")
    on("office", "sync")
    assert leftovers(on.admin_url, *words, tables=("history",)) == []
    assert leftovers(on.admin_url, *words) == []
    assert json.loads(on("office", "log", "--json").stdout)[0]["text"] == "看望老人"


def test_the_office_reads_a_records_versions_on_the_hub(community):
    """Versions no device of the office ever held (zhang's draft, replaced on the
    hub before the office synced) are shown with who pushed them and what the hub
    did with them."""
    on = community
    both_edit(on, "楼道堆物", zhang_at="2019-03-14T09:00", office_at="2019-03-14T10:00")
    on("office", "sync")
    on("zhang", "sync")
    for login in ("office", "zhang"):  # where each device's hub is, kept once
        assert on(login, "config", "--hub", on.url(login)).exit_code == 0
    record = entry_id(on, "office", "office改的")
    shown = on("office", "hub", "history", record, "--json")
    assert shown.exit_code == 0, shown.output
    versions = json.loads(shown.stdout)
    assert [(v["text"], v["outcome"], v["pushed_by"]) for v in versions] == [
        ("楼道堆物", "replaced", "zhang"),
        ("zhang改的", "refused", "zhang"),
    ]
    assert [v["revision"] for v in versions] == [0, 1]  # the draft, an edit of it
    with psycopg.connect(on.admin_url, autocommit=True) as admin:  # his real name
        admin.execute("UPDATE gridlog.workers SET name = '张伟' WHERE login = 'zhang'")
    screen = on("office", "--lang", "zh", "hub", "history", record)
    assert screen.exit_code == 0, screen.output
    assert "zhang改的" in screen.stdout and "未采用" in screen.stdout
    assert "张伟（zhang）" in screen.stdout  # by name, from the hub's roster
    empty = on("zhang", "add", "新的走访", "--grid", "第一网格")
    assert empty.exit_code == 0
    none = on("zhang", "hub", "history", entry_id(on, "zhang", "新的走访"))
    assert none.exit_code == 0 and "no other versions" in none.stdout
    unknown = on("office", "hub", "history", "999")
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output
