"""`gridlog merge`: two logs that went their own ways end up with the same records,
nothing duplicated, the newest version of each kept and the other in its history;
merging twice changes nothing; a bad file changes nothing at all."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def dump(path: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """Everything stored, as SQL (minus tables named in `skip`)."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [
            line for line in conn.iterdump() if not any(word in line for word in skip)
        ]
    finally:
        conn.close()


def records(gridlog, db: Path, tmp_path: Path) -> dict[str, dict]:
    """What a log holds, independent of its local ids: every record by UUID."""
    target = tmp_path / f"{db.stem}-records.jsonl"
    ok(gridlog("--db", str(db), "export", str(target), "--force"))
    found = {}
    for line in target.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["type"] in ("gridlog", "history"):
            continue
        record.pop("id", None)
        found[record.get("uuid") or record["key"]] = record
    return found


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def logbook(gridlog, red_grids) -> None:
    ok(gridlog("config", "--worker", "马辉"))
    ok(
        gridlog(
            "add",
            "楼北侧大面积跑水",
            "--place",
            "9号楼",
            "--resident",
            "王师傅",
            "--register",
            "--phone",
            "13812341234",
            "--follow-up",
            "3月15日",
            now="2019-03-12T09:00",
        )
    )
    ok(gridlog("add", "第二次上门", "--case", "2", now="2019-03-13T10:00"))
    ok(gridlog("add", "舞蹈队想协调活动室", "--grid", "红一", now="2019-03-13T15:00"))
    ok(gridlog("snooze", "2", "3月18日", now="2019-03-13T16:00"))


# --- a copy -------------------------------------------------------------------------


def test_export_merged_into_a_new_log_exports_the_same(gridlog, logbook, tmp_path):
    first = tmp_path / "first.jsonl"
    ok(gridlog("export", str(first)))
    copy = tmp_path / "copy.db"
    ok(gridlog("--db", str(copy), "config", "--lang", "en"))  # a new log: settings only
    result = ok(gridlog("--db", str(copy), "merge", str(first)))
    assert "entries: 3 added" in result.stdout
    assert "history rows restored" in result.stdout
    second = tmp_path / "second.jsonl"
    ok(gridlog("--db", str(copy), "export", str(second), now="2019-05-01T10:00"))

    def comparable(path: Path) -> list[dict]:
        rows = []
        for record in lines(path):
            record.pop("exported_at", None)
            if record["type"] == "history" and record["command"] == "config":
                continue  # the copy's own `config --lang` before the merge
            if record["type"] == "history":
                record.pop("id"), record.pop("op")
            if record.get("key") != "lang":
                rows.append(record)
        return rows

    assert comparable(second) == comparable(first)
    # Ids, the counter and the history came along: the copy goes on where it was.
    story = json.loads(ok(gridlog("--db", str(copy), "show", "2", "--json")).stdout)
    assert (story["due"], story["visits"]) == ("2019-03-18", 2)
    found = json.loads(
        ok(gridlog("--db", str(copy), "search", "大面积跑水", "--json")).stdout
    )
    assert {e["id"] for e in found} == {1, 3}
    changes = json.loads(
        ok(gridlog("--db", str(copy), "history", "2", "--json")).stdout
    )
    assert [c["command"] for c in changes] == ["add", "snooze"]
    # Its history is the original's: undo undoes the original's last command.
    assert "snooze" in ok(gridlog("--db", str(copy), "undo")).stdout
    story = json.loads(ok(gridlog("--db", str(copy), "show", "2", "--json")).stdout)
    assert story["due"] == "2019-03-15"
    added = json.loads(
        ok(
            gridlog("--db", str(copy), "add", "又跑水", "--grid", "红四", "--json")
        ).stdout
    )
    assert added["id"] == 5  # entries 1, 3, 4 and follow-up 2 came before


def test_an_appointments_time_travels_with_export_and_merge(
    gridlog, red_grids, tmp_path
):
    """A due time (`明天 9:00`) is in the export and comes back from a merge; a file
    written before due times existed merges with none."""
    added = json.loads(
        ok(
            gridlog(
                "add", "约见", "--grid", "红四", "--follow-up", "明天 9:00", "--json"
            )
        ).stdout
    )
    exported = tmp_path / "timed.jsonl"
    ok(gridlog("export", str(exported)))
    [item] = [r for r in lines(exported) if r["type"] == "followup"]
    assert item["due_time"] == "09:00"
    copy = tmp_path / "copy.db"
    ok(gridlog("--db", str(copy), "merge", str(exported)))
    story = json.loads(
        ok(gridlog("--db", str(copy), "show", str(added["id"]), "--json")).stdout
    )
    assert story["due_time"] == "09:00"
    older = tmp_path / "older.jsonl"
    rows = lines(exported)
    for row in rows:
        row.pop("due_time", None)
    older.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    third = tmp_path / "third.db"
    ok(gridlog("--db", str(third), "merge", str(older)))
    story = json.loads(
        ok(gridlog("--db", str(third), "show", str(added["id"]), "--json")).stdout
    )
    assert story["due_time"] is None


# --- two logs that went their own ways ------------------------------------------------


@pytest.fixture
def diverged(gridlog, logbook, db_path, tmp_path) -> tuple[Path, Path]:
    """The office computer (A) and the worker's phone (B), copied from one export,
    then used apart: both add entries, both edit entry 1 (B later), B closes the
    follow-up and adds a visit on it, each opens a new case."""
    start = tmp_path / "start.jsonl"
    ok(gridlog("export", str(start)))
    a, b = db_path, tmp_path / "phone.db"
    ok(gridlog("--db", str(b), "merge", str(start)))

    ok(
        gridlog(
            "--db",
            str(a),
            "add",
            "楼道堆物",
            "--place",
            "10号楼",
            "--follow-up",
            "明天",
            now="2019-03-14T09:00",
        )
    )
    ok(
        gridlog(
            "--db",
            str(a),
            "edit",
            "1",
            "--text",
            "楼北侧跑水（电脑上改）",
            now="2019-03-14T10:00",
        )
    )
    ok(
        gridlog(
            "--db",
            str(b),
            "add",
            "第三次上门，物业已到场",
            "--case",
            "2",
            now="2019-03-14T09:30",
        )
    )
    ok(
        gridlog(
            "--db",
            str(b),
            "add",
            "6号楼老人独居",
            "--place",
            "6号楼",
            "--follow-up",
            "下周一",
            now="2019-03-14T09:40",
        )
    )
    ok(
        gridlog(
            "--db",
            str(b),
            "edit",
            "1",
            "--text",
            "楼北侧跑水（手机上改）",
            now="2019-03-14T11:00",
        )
    )
    ok(gridlog("--db", str(b), "done", "2", "--note", "修好了", now="2019-03-14T11:30"))
    return a, b


def export_of(gridlog, db: Path, path: Path) -> Path:
    ok(gridlog("--db", str(db), "export", str(path), now="2019-03-14T12:00"))
    return path


def test_both_ways_give_the_same_records(gridlog, diverged, tmp_path):
    a, b = diverged
    from_a = export_of(gridlog, a, tmp_path / "a.jsonl")
    from_b = export_of(gridlog, b, tmp_path / "b.jsonl")
    assert records(gridlog, a, tmp_path) != records(gridlog, b, tmp_path)

    into_a = ok(gridlog("--db", str(a), "merge", str(from_b), now="2019-03-14T13:00"))
    assert "entries: 2 added, 1 updated" in into_a.stdout
    into_b = ok(gridlog("--db", str(b), "merge", str(from_a), now="2019-03-14T13:00"))
    assert "entries: 1 added, 0 updated" in into_b.stdout
    assert "1 kept here" in into_b.stdout

    merged = records(gridlog, a, tmp_path)
    assert merged == records(gridlog, b, tmp_path)
    texts = sorted(r["text"] for r in merged.values() if r["type"] == "entry")
    assert texts == sorted(
        [
            "楼北侧跑水（手机上改）",  # the newer edit won on both sides
            "第二次上门",
            "舞蹈队想协调活动室",
            "楼道堆物",
            "第三次上门，物业已到场",
            "6号楼老人独居",
        ]
    )
    closed = [r for r in merged.values() if r["type"] == "followup" and r["closed_at"]]
    assert [r["close_note"] for r in closed] == ["修好了"]
    for db in (a, b):
        story = json.loads(ok(gridlog("--db", str(db), "show", "2", "--json")).stdout)
        assert (story["status"], story["visits"]) == ("done", 3)
        assert ok(gridlog("--db", str(db), "check")).exit_code == 0


def test_the_losing_edit_is_in_the_history_on_both_sides(gridlog, diverged, tmp_path):
    a, b = diverged
    from_a = export_of(gridlog, a, tmp_path / "a.jsonl")
    from_b = export_of(gridlog, b, tmp_path / "b.jsonl")
    ok(gridlog("--db", str(a), "merge", str(from_b)))
    ok(gridlog("--db", str(b), "merge", str(from_a)))
    for db in (a, b):
        changes = json.loads(
            ok(gridlog("--db", str(db), "history", "1", "--json")).stdout
        )
        merged = [c for c in changes if c["command"] == "merge"]
        assert merged, db
        shown = json.dumps(merged, ensure_ascii=False)
        assert "电脑上改" in shown and "手机上改" in shown
    screen = ok(gridlog("--db", str(b), "history", "1")).stdout
    assert "手机上改） → 楼北侧跑水（电脑上改）" in screen


def test_merging_twice_changes_nothing(gridlog, diverged, tmp_path):
    a, b = diverged
    from_a = export_of(gridlog, a, tmp_path / "a.jsonl")
    from_b = export_of(gridlog, b, tmp_path / "b.jsonl")
    for db, other in ((a, from_b), (b, from_a)):
        ok(gridlog("--db", str(db), "merge", str(other)))
        before = dump(db)
        again = ok(
            gridlog("--db", str(db), "merge", str(other), now="2019-03-15T08:00")
        )
        assert " 0 added, 0 updated" in again.stdout
        assert "kept" not in again.stdout
        assert dump(db) == before


def test_an_older_copy_of_its_own_records_changes_nothing(gridlog, diverged, tmp_path):
    a, _b = diverged
    before = dump(a)
    result = ok(gridlog("--db", str(a), "merge", str(tmp_path / "start.jsonl")))
    assert "kept" not in result.stdout
    assert dump(a) == before


def test_undo_takes_a_merge_back(gridlog, diverged, tmp_path):
    a, b = diverged
    from_b = export_of(gridlog, b, tmp_path / "b.jsonl")
    before = dump(a, skip=("history", "counters", "_search"))
    ok(gridlog("--db", str(a), "merge", str(from_b)))
    assert dump(a, skip=("history", "counters", "_search")) != before
    result = ok(gridlog("--db", str(a), "undo"))
    assert "merge" in result.stdout
    assert dump(a, skip=("history", "counters", "_search")) == before


def test_ids_are_kept_when_free_and_never_reused(gridlog, diverged, tmp_path):
    a, b = diverged
    ids_a = {
        e["text"]: e["id"]
        for e in json.loads(
            ok(gridlog("--db", str(a), "log", "--json", "--limit", "0")).stdout
        )
    }
    from_b = export_of(gridlog, b, tmp_path / "b.jsonl")
    ok(gridlog("--db", str(a), "merge", str(from_b)))
    merged = {
        e["text"]: e["id"]
        for e in json.loads(
            ok(gridlog("--db", str(a), "log", "--json", "--limit", "0")).stdout
        )
    }
    for text, number in ids_a.items():
        assert merged.get(text, number) == number  # nothing here was renumbered
    ids = list(merged.values())
    assert len(ids) == len(set(ids))
    # B's new entries had ids A had already given out: they took new ones.
    assert merged["第三次上门，物业已到场"] > max(ids_a.values())
    added = json.loads(
        ok(gridlog("--db", str(a), "add", "再来", "--grid", "红四", "--json")).stdout
    )
    items = [
        r["id"]
        for r in lines(export_of(gridlog, a, tmp_path / "x.jsonl"))
        if r["type"] in ("entry", "followup") and r["id"] != added["id"]
    ]
    assert added["id"] > max(items)


def test_grids_of_the_same_name_are_one_grid(gridlog, tmp_path):
    """Two workers who each registered 红四网格 before sharing: one grid, one UUID."""
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    for db, text in ((first, "一号机的日志"), (second, "二号机的日志")):
        ok(
            gridlog(
                "--db",
                str(db),
                "grid",
                "add",
                "红四网格",
                "--alias",
                "红四",
                "--building",
                "9号楼",
            )
        )
        ok(gridlog("--db", str(db), "add", text, "--place", "9号楼"))
    one = export_of(gridlog, first, tmp_path / "one.jsonl")
    two = export_of(gridlog, second, tmp_path / "two.jsonl")
    ok(gridlog("--db", str(first), "merge", str(two)))
    ok(gridlog("--db", str(second), "merge", str(one)))
    merged = records(gridlog, first, tmp_path)
    assert merged == records(gridlog, second, tmp_path)
    grids = [r for r in merged.values() if r["type"] == "grid"]
    assert len(grids) == 1 and grids[0]["aliases"] == ["红四"]
    entries = [r for r in merged.values() if r["type"] == "entry"]
    assert {e["grid_uuid"] for e in entries} == {grids[0]["uuid"]}
    log = json.loads(
        ok(gridlog("--db", str(first), "log", "--grid", "红四", "--json")).stdout
    )
    assert len(log) == 2


def test_settings_fill_gaps_but_never_override(gridlog, logbook, tmp_path):
    export = tmp_path / "x.jsonl"
    ok(gridlog("export", str(export)))
    other = tmp_path / "other.db"
    ok(gridlog("--db", str(other), "grid", "add", "红九网格"))
    ok(gridlog("--db", str(other), "config", "--grid", "红九网格"))
    result = ok(gridlog("--db", str(other), "merge", str(export)))
    assert "settings: 1 added" in result.stdout
    shown = ok(gridlog("--db", str(other), "config")).stdout
    assert "马辉" in shown and "红九网格" in shown


# --- bad files ------------------------------------------------------------------------


def corrupt(path: Path, number: int, text: str) -> None:
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[number - 1] = text
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "text", "words"),
    [
        (5, '{"type": "entry", "uuid": ', "line 5 is not a JSON object"),
        (5, "[1, 2]", "line 5 is not a JSON object"),
        (5, '{"type": "video"}', "line 5 has an unknown type 'video'"),
        (1, '{"type": "grid"}', "line 1 should be the gridlog header"),
        (1, '{"type": "gridlog", "schema": 99}', "newer gridlog"),
    ],
)
def test_a_malformed_line_is_one_clear_line_and_stores_nothing(
    gridlog, logbook, db_path, tmp_path, line, text, words
):
    export = tmp_path / "x.jsonl"
    ok(gridlog("export", str(export)))
    other = tmp_path / "other.db"
    ok(gridlog("--db", str(other), "grid", "add", "红九网格"))
    corrupt(export, line, text)
    before = dump(other)
    result = gridlog("--db", str(other), "merge", str(export))
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert words in result.stderr and "nothing was merged" in result.stderr.lower()
    assert dump(other) == before


def test_a_field_or_reference_gone_wrong_names_its_line(gridlog, logbook, tmp_path):
    export = tmp_path / "x.jsonl"
    ok(gridlog("export", str(export)))
    rows = lines(export)
    number = next(i for i, r in enumerate(rows, 1) if r["type"] == "followup")
    broken = dict(rows[number - 1], entry_uuid="no-such-entry")
    corrupt(export, number, json.dumps(broken, ensure_ascii=False))
    other = tmp_path / "other.db"
    result = gridlog("--db", str(other), "merge", str(export))
    assert result.exit_code == 1
    assert f"line {number}" in result.stderr and "no-such-entry" in result.stderr
    assert not other.exists()  # refused on a new log: no log is left behind

    broken = dict(rows[number - 1], due_on="next week")
    corrupt(export, number, json.dumps(broken, ensure_ascii=False))
    result = gridlog("--db", str(other), "merge", str(export))
    assert f"line {number} has an unusable value for 'due_on'" in result.stderr


def test_merge_speaks_chinese(gridlog, logbook, tmp_path):
    export = tmp_path / "x.jsonl"
    ok(gridlog("export", str(export)))
    corrupt(export, 3, "不是 JSON")
    result = gridlog(
        "--lang", "zh", "--db", str(tmp_path / "o.db"), "merge", str(export)
    )
    assert "第 3 行不是 JSON 对象" in result.stderr


def test_a_missing_file_is_one_line_and_creates_no_log(gridlog, tmp_path):
    new = tmp_path / "new.db"
    result = gridlog("--db", str(new), "merge", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "nope.jsonl" in result.stderr
    assert not new.exists()
