"""A hostile or broken jsonl file cannot get into the log: `merge` checks every
field as `import` does (real dates and instants, in years every command can show;
known categories and kinds; no control or invisible format characters in names;
lengths; references to a record of the right kind, never to itself). Each bad
field is one line naming it, with nothing changed; and nothing a merge accepts can
make a read command fail."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def export(gridlog, tmp_path) -> list[dict]:
    """A log with one of every kind of record, exported."""
    ok(
        gridlog(
            "resident",
            "add",
            "王大爷",
            "--place",
            "9号楼1单元101",
            "--birth",
            "1939-04-01",
        )
    )
    ok(
        gridlog(
            "add",
            "楼北侧跑水",
            "--resident",
            "王大爷",
            "--follow-up",
            "明天",
            "--every",
            "每周",
            "--category",
            "repairs",
        )
    )
    ok(gridlog("add", "再次上门", "--case", "2"))
    ok(gridlog("sign", "2", "--need", "1单元101,1单元102"))
    ok(gridlog("sign", "2", "1单元101"))
    path = tmp_path / "good.jsonl"
    ok(gridlog("export", str(path)))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def with_line(lines: list[dict], of: str, **changes) -> tuple[list[dict], int]:
    """The lines with the first record of type `of` changed; and its line number."""
    number = next(i for i, line in enumerate(lines) if line["type"] == of)
    changed = [dict(line) for line in lines]
    changed[number] = {**changed[number], **changes}
    return changed, number + 1


def write(path: Path, lines: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


BAD = [
    ("entry", "at", "9999-99-99T99:99:99Z"),  # the issue's
    ("entry", "at", "9999-12-31T23:59:59Z"),  # real, but no zone can show it
    ("entry", "at", "0001-01-01T00:00:00Z"),
    ("entry", "created_at", "2019-02-30T10:00:00Z"),
    ("entry", "updated_at", "2019-03-14T24:00:00Z"),
    ("followup", "due_on", "2019-13-01"),
    ("followup", "due_on", "9999-12-31"),
    ("followup", "closed_at", "2019-03-14"),
    ("resident", "born_on", "0000-01-01"),
    ("resident", "registered_on", "2019-02-29"),
    ("entry", "category", "hacking"),
    ("entry", "kind", "楼道"),
    ("rule", "category", "nonsense"),
    ("followup", "every", "every day!"),
    ("followup", "every", "0w"),
    ("grid", "name", "\u202e网格四红"),  # a right-to-left override
    ("resident", "name", "王\x07大爷"),
    ("entry", "place", "9号楼\u200b"),  # a zero-width space
    ("entry", "resident", "王\u2066大爷"),
    ("entry", "text", "跑水\x00"),
    ("entry", "text", "水" * 10_001),
    ("entry", "text", "   "),
    ("grid", "name", "红" * 201),
    ("grid", "households", 2**70),
    ("grid", "households", -5),
    ("entry", "tags", ["ok", "\x1b[31m"]),
    ("entry", "revision", -1),
    ("entry", "revision", "2"),
    ("rule", "age", 10**6),
    ("rule", "active", 7),
    ("signoff", "status", "maybe"),
    ("history", "at", "2019-03-14T08:00:00+08:00"),
    ("history", "table", "sqlite_master"),
    ("history", "after", {"text": {"deep": ["er"]}}),
    ("tombstone", "marks", [{"length": 3, "hash": "not hex"}]),
    ("tombstone", "marks", [{"length": 3, "hash": "ab", "number": "yes"}]),
]


@pytest.mark.parametrize(
    ("kind", "field", "value"), BAD, ids=[f"{k}.{f}" for k, f, _ in BAD]
)
def test_a_bad_field_is_one_line_and_changes_nothing(
    gridlog, export, tmp_path, kind, field, value
):
    if kind == "tombstone":
        export.append(
            {
                "type": "tombstone",
                "uuid": "f" * 36,
                "kind": "resident",
                "forgotten_at": "2019-03-14T00:00:00Z",
                "key": "ab" * 16,
                "marks": [],
            }
        )
    lines, number = with_line(export, kind, **{field: value})
    hostile = write(tmp_path / "hostile.jsonl", lines)
    other = tmp_path / "other.db"
    ok(gridlog("--db", str(other), "grid", "add", "红九网格"))
    before = dump(other)
    result = gridlog("--db", str(other), "merge", str(hostile))
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert f"line {number}" in result.stderr and f"'{field}'" in result.stderr
    assert "nothing was merged" in result.stderr.lower()
    assert dump(other) == before
    assert ok(gridlog("--db", str(other), "log")).stdout


@pytest.mark.parametrize(
    ("kind", "field", "pointing_at"),
    [
        ("entry", "case_uuid", "itself"),
        ("followup", "previous_uuid", "itself"),
        ("followup", "entry_uuid", "itself"),
        ("entry", "case_uuid", "entry"),  # an entry's UUID where a case's belongs
    ],
)
def test_a_reference_to_itself_or_the_wrong_kind_is_refused_cleanly(
    gridlog, export, tmp_path, kind, field, pointing_at
):
    own = next(line for line in export if line["type"] == kind)
    target = (
        own["uuid"]
        if pointing_at == "itself"
        else next(line for line in export if line["type"] == "entry")["uuid"]
    )
    if kind == "entry" and pointing_at == "entry":
        own = [line for line in export if line["type"] == "entry"][1]
    lines, number = with_line(export, kind, **{field: target})
    if kind == "entry" and pointing_at == "entry":
        index = export.index(own)
        lines = [dict(line) for line in export]
        lines[index] = {**own, field: target}
        number = index + 1
    hostile = write(tmp_path / "hostile.jsonl", lines)
    other = tmp_path / "other.db"
    ok(gridlog("--db", str(other), "grid", "add", "红九网格"))
    before = dump(other)
    result = gridlog("--db", str(other), "merge", str(hostile))
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and f"line {number}" in result.stderr
    assert "IntegrityError" not in result.stderr
    assert dump(other) == before


def test_an_old_export_without_revisions_or_tombstones_still_merges(
    gridlog, export, tmp_path
):
    for line in export:
        line.pop("revision", None)
    old = write(
        tmp_path / "old.jsonl", [line for line in export if line["type"] != "tombstone"]
    )
    other = tmp_path / "other.db"
    result = ok(gridlog("--db", str(other), "merge", str(old)))
    assert "entries: 3 added" in result.stdout
    assert "sign-offs: 2 added" in result.stdout
    # And into a log that has them: the revision counts from 0.
    ok(gridlog("--db", str(other), "edit", "1", "--text", "改过"))
    result = ok(gridlog("merge", str(old)))
    assert "entries: 0 added, 0 updated, 3 unchanged" in result.stdout


def test_the_edges_a_merge_accepts_every_read_command_can_show(
    gridlog, export, tmp_path
):
    lines, _ = with_line(export, "entry", at="2999-12-31T15:59:59Z", text="水" * 10_000)
    lines, _ = with_line(lines, "followup", due_on="1900-01-01")
    lines, _ = with_line(lines, "resident", born_on="1880-01-01")
    edges = write(tmp_path / "edges.jsonl", lines)
    other = tmp_path / "other.db"
    ok(gridlog("--db", str(other), "merge", str(edges)))
    for command in (
        ("log",),
        ("log", "--json"),
        ("due",),
        ("resident", "list"),
        ("search", "水"),
        ("report", "--month", "2019-03"),
        ("export", str(tmp_path / "x.jsonl")),
        ("export", str(tmp_path / "x.csv")),
        ("export", str(tmp_path / "x.xlsx")),
        ("check",),
    ):
        result = gridlog("--db", str(other), *command)
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output
