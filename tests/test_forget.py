"""Residents' phone and ID numbers masked on screen, and `resident forget`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")
PHONE = "13812341234"
ID_NUMBER = "110101194005201238"


def ok(gridlog, *args: str, now: str | None = None):
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result


def file_bytes(db_path: Path) -> bytes:
    """Everything SQLite keeps on disk for this database."""
    return b"".join(
        path.read_bytes()
        for path in (db_path, db_path.with_name(db_path.name + "-wal"))
        if path.exists()
    )


@pytest.fixture
def zang(gridlog):
    ok(
        gridlog,
        "resident",
        "add",
        "臧树花",
        "--place",
        "9号楼2单元101",
        "--phone",
        PHONE,
        "--id-number",
        ID_NUMBER,
        "--tag",
        "独居",
    )


def test_phone_and_id_number_are_masked_unless_revealed(gridlog, zang):
    listed = ok(gridlog, "resident", "list").stdout
    assert "138****1234" in listed and PHONE not in listed
    shown = ok(gridlog, "resident", "show", "臧树花").stdout
    assert "110101********1238" in shown and ID_NUMBER not in shown
    data = json.loads(ok(gridlog, "resident", "show", "臧树花", "--json").stdout)
    assert (data["phone"], data["id_number"]) == ("138****1234", "110101********1238")
    revealed = ok(gridlog, "resident", "show", "臧树花", "--reveal").stdout
    assert PHONE in revealed and ID_NUMBER in revealed


def test_an_entrys_phone_is_masked_in_its_history(gridlog):
    ok(gridlog, "add", "来电咨询", "--grid", "红四", "--phone", PHONE)
    ok(gridlog, "edit", "1", "--phone", "13900001111")
    history = ok(gridlog, "history", "1").stdout
    assert "138****1234" in history and PHONE not in history
    assert PHONE in ok(gridlog, "history", "1", "--reveal").stdout
    data = json.loads(ok(gridlog, "history", "1", "--json").stdout)
    assert data[1]["before"]["phone"] == "138****1234"


def test_forget_leaves_no_trace_of_name_phone_or_id_number_in_the_file(
    gridlog, zang, db_path
):
    added = ok(
        gridlog,
        "add",
        "臧树花右眼白内障，想做免费手术",
        "--resident",
        "臧树花",
        "--phone",
        PHONE,
        "--follow-up",
        "明天",
        "--json",
    )
    entry = json.loads(added.stdout)
    ok(gridlog, "add", "邻居说臧树花这几天没下楼", "--place", "9号楼2单元102")
    ok(
        gridlog,
        "edit",
        str(entry["entry_id"]),
        "--text",
        "臧树花右眼白内障，想做免费白内障手术",
    )
    ok(gridlog, "done", str(entry["id"]), "--note", "已陪臧树花去医院登记")
    ok(gridlog, "resident", "add", "王芳", "--place", "9号楼1单元101")
    ok(gridlog, "add", "王芳家楼道堆物", "--resident", "王芳")
    report_before = ok(gridlog, "report", "--month", "2019-03", "--format", "json")
    ok(gridlog, "search", "臧树花")
    name = "臧树花".encode()
    assert name in file_bytes(db_path)  # so the check below can fail

    result = ok(gridlog, "resident", "forget", "臧树花")
    assert "臧树花" not in result.stdout  # not even in the receipt

    stored = file_bytes(db_path)
    for secret in (name, PHONE.encode(), ID_NUMBER.encode()):
        assert secret not in stored, secret
    assert "王芳".encode() in stored  # nobody else was forgotten
    # What the log counts is intact, without the person.
    log = json.loads(ok(gridlog, "log", "--json").stdout)
    # The register entry their care reminders (高龄补贴 at 80) hang on stays too.
    assert [e["text"] for e in log] == [
        "登记居民 ***",
        "***右眼白内障，想做免费白内障手术",
        "邻居说***这几天没下楼",
        "王芳家楼道堆物",
    ]
    assert log[1]["resident"] is None
    report_after = ok(gridlog, "report", "--month", "2019-03", "--format", "json")
    assert json.loads(report_after.stdout) == json.loads(report_before.stdout)
    assert json.loads(ok(gridlog, "search", "臧树花", "--json").stdout) == []
    assert gridlog("resident", "show", "臧树花").exit_code == 1
    assert ok(gridlog, "check").exit_code == 0


def test_forget_cannot_be_undone_and_undo_stops_there(gridlog, zang):
    ok(gridlog, "add", "上门", "--resident", "臧树花")
    ok(gridlog, "resident", "forget", "臧树花")
    ok(gridlog, "add", "之后的一条", "--grid", "红四")
    assert ok(gridlog, "undo").exit_code == 0  # the entry after it
    refused = gridlog("undo")
    assert refused.exit_code == 1
    assert "cannot be undone" in refused.stderr
    log = json.loads(ok(gridlog, "log", "--json").stdout)
    assert [e["text"] for e in log] == [
        "登记居民 ***",
        "上门",
    ]  # and the register entry


def test_forgetting_one_of_two_namesakes_keeps_the_others_name(gridlog, db_path):
    ok(gridlog, "resident", "add", "王芳", "--place", "9号楼1单元101", "--phone", PHONE)
    ok(gridlog, "resident", "add", "王芳", "--place", "10号楼3单元202")
    ok(
        gridlog,
        "add",
        "王芳说楼顶漏水",
        "--resident",
        "王芳",
        "--place",
        "9号楼1单元101",
    )
    ok(
        gridlog,
        "add",
        "王芳要办低保",
        "--resident",
        "王芳",
        "--place",
        "10号楼3单元202",
    )
    ambiguous = gridlog("resident", "forget", "王芳")
    assert ambiguous.exit_code == 1 and "--place" in ambiguous.stderr
    ok(gridlog, "resident", "forget", "王芳", "--place", "9号楼1单元101")
    texts = [e["text"] for e in json.loads(ok(gridlog, "log", "--json").stdout)]
    assert texts == ["***说楼顶漏水", "王芳要办低保"]
    assert PHONE.encode() not in file_bytes(db_path)
    remaining = json.loads(ok(gridlog, "resident", "list", "--json").stdout)
    assert [(r["name"], r["place"]) for r in remaining] == [("王芳", "10号楼3单元202")]
