"""`undo` after a `sync`: what a sync brought is other devices' work, so `undo`
stops there rather than delete it (or put back its older version) here, from
where the next sync would carry the loss to the hub and every other device."""

from __future__ import annotations

import json
import shutil

import pytest

psycopg = pytest.importorskip("psycopg")

import test_hub  # noqa: E402
from test_hub import due_texts, entry_id, register_wang, texts  # noqa: E402

community = test_hub.community  # the fixture: the office, zhang and wang


def hub_texts(on) -> list[str]:
    """What the hub holds of the log (entries and cases), deleted ones left out."""
    with psycopg.connect(on.admin_url) as admin:
        rows = admin.execute(
            "SELECT kind, body->>'text' FROM gridlog.records"
            " WHERE kind IN ('entry', 'followup') AND NOT body ? 'deleted'"
        ).fetchall()
    return sorted(f"{kind} {text}" for kind, text in rows)


def refused(result) -> None:
    """`undo` said why it stopped, in one line, and changed nothing."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert "sync" in result.stderr


def everyone_holds(on, log: list[str], due: list[str], hub: list[str]) -> None:
    """After each device syncs once more, the hub and every device hold this."""
    for login in ("zhang", "office", "zhang", "office"):
        assert on(login, "sync").exit_code == 0
    for login in ("office", "zhang"):
        assert sorted(texts(on, login)) == log, login
        assert due_texts(on, login) == due, login
    assert hub_texts(on) == hub


def test_undo_right_after_a_first_pull_is_refused_and_the_grid_stays_everywhere(
    community,
):
    """A worker's new device pulls its grid; they undo, thinking of their last
    `add`: nothing here goes, and the next sync takes nothing from anyone."""
    on = community
    for text in ("楼顶漏水", "独居老人走访"):
        added = on("office", "add", text, "--grid", "第一网格", "--follow-up", "明天")
        assert added.exit_code == 0, added.output
    on("office", "sync")
    hub = hub_texts(on)
    assert len(hub) == 4
    assert on("zhang", "sync").exit_code == 0  # the first pull
    refused(on("zhang", "undo"))
    assert sorted(texts(on, "zhang")) == ["楼顶漏水", "独居老人走访"]
    everyone_holds(on, ["楼顶漏水", "独居老人走访"], ["楼顶漏水", "独居老人走访"], hub)
    chinese = on("zhang", "--lang", "zh", "undo")
    assert chinese.exit_code != 0 and "同步" in chinese.stderr


def test_undo_after_a_pull_that_brought_an_edit_of_a_case_keeps_the_edit(community):
    """Undoing it would put the older version back as a newer one, which the next
    sync would push over the office's work."""
    on = community
    on("zhang", "sync")
    on("zhang", "add", "楼顶漏水", "--grid", "第一网格", "--follow-up", "明天")
    on("zhang", "sync")
    on("office", "sync")
    [case] = json.loads(on("office", "due", "--days", "3", "--json").stdout)
    edited = on("office", "edit", str(case["id"]), "--text", "楼顶漏水,已报物业")
    assert edited.exit_code == 0, edited.output
    on("office", "sync")
    on("zhang", "sync")  # brings the edit
    assert due_texts(on, "zhang") == ["楼顶漏水,已报物业"]
    refused(on("zhang", "undo"))
    assert due_texts(on, "zhang") == ["楼顶漏水,已报物业"]
    everyone_holds(
        on,
        ["楼顶漏水"],
        ["楼顶漏水,已报物业"],
        ["entry 楼顶漏水", "followup 楼顶漏水,已报物业"],
    )


def test_undo_after_a_pull_that_brought_a_deletion_keeps_it_deleted(community):
    on = community
    on("zhang", "sync")
    on("zhang", "add", "楼顶漏水", "--grid", "第一网格", "--follow-up", "明天")
    on("zhang", "add", "楼道堆物", "--grid", "第一网格")
    on("zhang", "sync")
    on("office", "sync")
    assert on("office", "delete", entry_id(on, "office", "楼顶漏水")).exit_code == 0
    on("office", "sync")
    on("zhang", "sync")  # brings the deletion
    assert texts(on, "zhang") == ["楼道堆物"]
    refused(on("zhang", "undo"))
    everyone_holds(on, ["楼道堆物"], [], ["entry 楼道堆物"])


def test_undo_after_a_pull_that_brought_a_forget_brings_nobody_back(community):
    on = community
    on("zhang", "sync")
    register_wang(on, "--place", "9号楼101")
    on("zhang", "sync")
    on("office", "sync")
    assert on("office", "resident", "forget", "王建国").exit_code == 0
    on("office", "sync")
    on("zhang", "sync")  # brings the tombstone
    assert "王建国" not in on("zhang", "resident", "list").stdout
    refused(on("zhang", "undo"))
    everyone_holds(on, ["看望"], [], ["entry 看望"])
    for login in ("zhang", "office"):
        assert "王建国" not in on(login, "resident", "list").stdout
        assert "13812345678" not in on(login, "log", "--reveal").stdout


def test_undo_after_a_merge_that_was_synced_is_refused(community, tmp_path):
    """A merge brings another device's work too: once a sync has sent it on, undo
    would delete it from the hub at the next sync, even when that sync brought
    nothing back (and so left no command of its own to stop at)."""
    on = community
    spare, lines = tmp_path / "spare.db", str(tmp_path / "spare.jsonl")
    shutil.copy(on.db("office"), spare)  # the office's spare laptop, as it was set up
    on.at(str(spare), "add", "备用机上的走访", "--grid", "第一网格")
    exported = on.at(str(spare), "export", lines, "--force")
    assert exported.exit_code == 0, exported.output
    assert on("office", "merge", lines).exit_code == 0
    assert on("office", "undo").exit_code == 0  # not synced yet: this device's alone
    assert texts(on, "office") == []
    merged = on("office", "merge", lines)
    assert merged.exit_code == 0, merged.output
    on("office", "sync")
    on("zhang", "sync")
    assert texts(on, "zhang") == ["备用机上的走访"]
    refused(on("office", "undo"))
    everyone_holds(on, ["备用机上的走访"], [], ["entry 备用机上的走访"])


def test_undo_of_ones_own_change_since_the_sync_still_works(community):
    """Undo goes back one command at a time, and stops at the sync."""
    on = community
    on("zhang", "sync")
    on("zhang", "add", "走访", "--grid", "第一网格")
    undone = on("zhang", "undo")
    assert undone.exit_code == 0, undone.output
    assert texts(on, "zhang") == []
    refused(on("zhang", "undo"))
