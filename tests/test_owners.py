"""Who answers for a case: `--owner 王主任` on a follow-up or reminder, as the
议事厅 gives each problem an owner and a deadline. Shown in `due`, `show` and
`log --json`, filtered by `due --owner`, changed by `edit --owner` (and back by
`undo`), carried by export and merge (and so by sync) like any other field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_errors import snapshot
from test_merge import lines, ok

pytestmark = pytest.mark.usefixtures("red_grids")


def add(gridlog, *args: str, now: str | None = None) -> dict:
    return json.loads(ok(gridlog("add", *args, "--json", now=now)).stdout)


def due(gridlog, *args: str) -> list[dict]:
    return json.loads(ok(gridlog("due", "--days", "7", *args, "--json")).stdout)


def shown(gridlog, record: int, db: Path | None = None) -> dict:
    where = ("--db", str(db)) if db else ()
    return json.loads(ok(gridlog(*where, "show", str(record), "--json")).stdout)


def test_an_assignment_shows_its_owner_in_due_show_and_log(gridlog):
    said = gridlog(
        "--lang",
        "zh",
        "add",
        "占道",
        "--grid",
        "红四",
        "-f",
        "明天",
        "--owner",
        "王主任",
    )
    assert "负责人 王主任" in ok(said).stdout
    ok(gridlog("undo"))
    case = add(gridlog, "楼道堆物", "--grid", "红四", "-f", "明天", "--owner", "王主任")
    mine = add(gridlog, "路灯不亮", "--grid", "红四", "-f", "明天")
    reminder = add(
        gridlog, "高龄补贴", "--grid", "红一", "--remind", "后天", "--owner", "马辉"
    )
    owners = {item["id"]: item["owner"] for item in due(gridlog)}
    assert owners == {case["id"]: "王主任", mine["id"]: None, reminder["id"]: "马辉"}
    assert "owner 王主任" in gridlog("due", "--days", "7").stdout
    assert "负责人 王主任" in gridlog("--lang", "zh", "due", "--days", "7").stdout
    assert shown(gridlog, case["id"])["owner"] == "王主任"
    assert shown(gridlog, mine["id"])["owner"] is None
    assert "负责人 王主任" in gridlog("--lang", "zh", "show", str(case["id"])).stdout
    entries = json.loads(ok(gridlog("log", "--json")).stdout)
    assert [(e["text"], e["owner"]) for e in entries] == [
        ("楼道堆物", "王主任"),
        ("路灯不亮", None),
        ("高龄补贴", None),  # a reminder is no case of the entry's
    ]


def test_due_owner_lists_only_that_persons_items(gridlog):
    case = add(gridlog, "楼道堆物", "--grid", "红四", "-f", "明天", "--owner", "王主任")
    add(gridlog, "路灯不亮", "--grid", "红四", "-f", "明天", "--owner", "马辉")
    add(gridlog, "地锁", "--grid", "红一", "-f", "明天")
    assert [item["id"] for item in due(gridlog, "--owner", "王主任")] == [case["id"]]
    assert due(gridlog, "--owner", "李书记") == []
    screen = gridlog("due", "--days", "7", "--owner", "王主任").stdout
    assert "楼道堆物" in screen and "路灯不亮" not in screen


def test_the_morning_backlog_counts_only_that_persons_items(gridlog):
    """On screen, items overdue by over a week are summed up per grid: with
    --owner, only that person's."""
    add(gridlog, "旧案", "--grid", "红四", "-f", "3月1日", now="2019-02-20T09:00")
    for _ in range(2):
        add(
            gridlog,
            *("旧案", "--grid", "红四", "-f", "3月1日", "--owner", "王主任"),
            now="2019-02-20T09:00",
        )
    assert "2 more overdue" in gridlog("due", "--owner", "王主任").stdout
    assert "3 more overdue" in gridlog("due").stdout


def test_edit_owner_reassigns_and_undo_gives_it_back(gridlog):
    case = add(gridlog, "楼道堆物", "--grid", "红四", "-f", "明天", "--owner", "王主任")
    moved = ok(gridlog("edit", str(case["id"]), "--owner", "马辉"))
    assert "马辉" in moved.stdout
    assert due(gridlog)[0]["owner"] == "马辉"
    changes = json.loads(ok(gridlog("history", str(case["id"]), "--json")).stdout)
    assert changes[-1]["before"]["owner"] == "王主任"
    assert changes[-1]["after"]["owner"] == "马辉"
    assert "负责人" in gridlog("--lang", "zh", "history", str(case["id"])).stdout
    ok(gridlog("undo"))
    assert due(gridlog)[0]["owner"] == "王主任"
    unowned = add(gridlog, "路灯不亮", "--grid", "红四", "-f", "明天")
    ok(gridlog("edit", str(unowned["id"]), "--owner", "王主任"))
    ok(gridlog("undo"))
    assert shown(gridlog, unowned["id"])["owner"] is None


def test_an_entry_given_a_follow_up_later_can_name_its_owner(gridlog):
    entry = add(gridlog, "楼道堆物", "--grid", "红四")
    edited = ok(
        gridlog("edit", str(entry["id"]), "--follow-up", "明天", "--owner", "王主任")
    )
    assert "王主任" in edited.stdout
    [item] = due(gridlog)
    assert item["owner"] == "王主任"


def test_a_recurring_item_comes_back_to_the_same_owner(gridlog):
    item = add(
        gridlog,
        *("探望独居老人", "--grid", "红四", "-f", "明天"),
        *("--every", "1w", "--owner", "王主任"),
    )
    ok(gridlog("done", str(item["id"]), now="2019-03-15T10:00"))
    [following] = due(gridlog, "--days", "14")
    assert following["id"] != item["id"]
    assert following["owner"] == "王主任"


ADD_CASE = ["add", "楼道堆物", "--grid", "红四", "-f", "明天"]
REFUSED = {
    "empty on add": ([*ADD_CASE, "--owner", ""], "--owner", "不能为空"),
    "blank on add": ([*ADD_CASE, "--owner", "   "], "--owner", "不能为空"),
    "too long on add": ([*ADD_CASE, "--owner", "王" * 201], "--owner", "太长"),
    "control on add": ([*ADD_CASE, "--owner", "王\n主任"], "--owner", "一行"),
    "no item to own": (
        ["add", "走访", "--grid", "红四", "--owner", "王主任"],
        "--owner",
        "--follow-up",
    ),
    "empty on edit": (["edit", "2", "--owner", ""], "--owner", "不能为空"),
    "too long on edit": (["edit", "2", "--owner", "王" * 201], "--owner", "太长"),
    "an entry": (["edit", "3", "--owner", "王主任"], "#3", "#3"),
    "entry with case": (["edit", "1", "--owner", "王主任"], "#1", "#1"),
    "empty in due": (["due", "--owner", ""], "--owner", "不能为空"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("args", "en_word", "zh_word"), list(REFUSED.values()), ids=list(REFUSED)
)
def test_a_bad_owner_is_one_clear_line_and_changes_nothing(
    gridlog, db_path, lang, args, en_word, zh_word
):
    ok(gridlog(*ADD_CASE, "--owner", "王主任"))  # follow-up #2 of entry #1
    ok(gridlog("add", "走访", "--grid", "红四"))  # entry #3
    before = snapshot(db_path)
    result = gridlog("--lang", lang, *args)
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert (en_word if lang == "en" else zh_word) in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(db_path) == before
    assert shown(gridlog, 2)["owner"] == "王主任"


# --- export and merge ---------------------------------------------------------------


def test_the_owner_travels_by_export_and_merge(gridlog, tmp_path):
    """The office assigns, the worker's device merges the export; a reassignment
    made after is the newer revision and wins there, the old owner in history."""
    case = add(gridlog, "楼道堆物", "--grid", "红四", "-f", "明天", "--owner", "王主任")
    first = tmp_path / "first.jsonl"
    ok(gridlog("export", str(first)))
    [line] = [r for r in lines(first) if r["type"] == "followup"]
    assert line["owner"] == "王主任"
    phone = tmp_path / "phone.db"
    ok(gridlog("--db", str(phone), "merge", str(first)))
    assert shown(gridlog, case["id"], phone)["owner"] == "王主任"
    ok(gridlog("edit", str(case["id"]), "--owner", "马辉", now="2019-03-14T10:00"))
    second = tmp_path / "second.jsonl"
    ok(gridlog("export", str(second)))
    ok(gridlog("--db", str(phone), "merge", str(second)))
    assert shown(gridlog, case["id"], phone)["owner"] == "马辉"
    changes = json.loads(
        ok(gridlog("--db", str(phone), "history", str(case["id"]), "--json")).stdout
    )
    assert changes[-1]["before"]["owner"] == "王主任"


def test_an_export_from_before_owners_merges_with_none(gridlog, tmp_path):
    case = add(gridlog, "楼道堆物", "--grid", "红四", "-f", "明天")
    exported = tmp_path / "now.jsonl"
    ok(gridlog("export", str(exported)))
    older = tmp_path / "older.jsonl"
    rows = lines(exported)
    for row in rows:
        row.pop("owner", None)
    rows[0]["schema"] = 14
    older.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    copy = tmp_path / "copy.db"
    ok(gridlog("--db", str(copy), "merge", str(older)))
    assert shown(gridlog, case["id"], copy)["owner"] is None
    # And into a log that has the item: nothing changes.
    ok(gridlog("merge", str(older)))
    assert due(gridlog)[0]["owner"] is None


def test_a_bad_owner_in_a_file_names_its_line(gridlog, tmp_path):
    add(gridlog, "楼道堆物", "--grid", "红四", "-f", "明天", "--owner", "王主任")
    exported = tmp_path / "bad.jsonl"
    ok(gridlog("export", str(exported)))
    rows = lines(exported)
    number = next(n for n, r in enumerate(rows, 1) if r["type"] == "followup")
    rows[number - 1]["owner"] = "王" * 201
    exported.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    copy = tmp_path / "copy.db"
    result = gridlog("--db", str(copy), "merge", str(exported))
    assert result.exit_code != 0
    assert f"line {number}" in result.stderr and "owner" in result.stderr


def test_two_reassignments_made_at_the_same_moment_agree_everywhere(gridlog, tmp_path):
    """The office and the worker each give the case to someone else at the same
    second (the same revision, the same clock): merged either way, both devices
    end with the same owner."""
    case = add(gridlog, "楼道堆物", "--grid", "红四", "-f", "明天")
    start = tmp_path / "start.jsonl"
    ok(gridlog("export", str(start)))
    office, phone = tmp_path / "office.db", tmp_path / "phone.db"
    for db in (office, phone):
        ok(gridlog("--db", str(db), "merge", str(start)))
    moment = "2019-03-14T10:00"
    for db, owner in ((office, "王主任"), (phone, "马辉")):
        ok(
            gridlog(
                "--db", str(db), "edit", str(case["id"]), "--owner", owner, now=moment
            )
        )
    exports = {}
    for db in (office, phone):
        exports[db] = tmp_path / f"{db.stem}.jsonl"
        ok(gridlog("--db", str(db), "export", str(exports[db])))
    ok(gridlog("--db", str(office), "merge", str(exports[phone])))
    ok(gridlog("--db", str(phone), "merge", str(exports[office])))
    owners = {shown(gridlog, case["id"], db)["owner"] for db in (office, phone)}
    assert len(owners) == 1, owners
