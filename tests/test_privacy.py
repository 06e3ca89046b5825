"""Residents' personal data stays in the database: it is never echoed in an error
message, an internal failure, or the import's problem report, and gridlog writes no
log files of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

NAME = "王建国"
PHONE = "13812345678"


def private(output: str) -> bool:
    return NAME not in output and PHONE not in output and "1.39999E+10" not in output


@pytest.mark.parametrize(
    "args",
    [
        ["add", "走访", "--resident", NAME, "--phone", PHONE, "--grid", "无此网格"],
        ["add", "", "--resident", NAME, "--phone", PHONE, "--grid", "红四"],
        ["add", "走访", "--resident", NAME * 70, "--phone", PHONE, "--grid", "红四"],
        ["add", "走访", "--resident", NAME, "--phone", PHONE * 20, "--grid", "红四"],
        [
            "add",
            "走访",
            "--resident",
            f"{NAME}\n{NAME}",
            "--phone",
            PHONE,
            "-g",
            "红四",
        ],
        ["add", "走访", "--resident", NAME, "--phone", PHONE, "--at", "2019-02-30"],
        ["edit", "999", "--resident", NAME, "--phone", PHONE],
        ["edit", "1", "--resident", NAME * 70],
    ],
)
def test_refusals_do_not_repeat_personal_data(gridlog, red_grids, args):
    gridlog("add", "先有一条", "--grid", "红四")
    result = gridlog(*args)
    assert result.exit_code in (1, 2)
    assert private(result.output), result.output


def test_an_internal_failure_names_only_its_kind(gridlog, red_grids, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError(f"{NAME} {PHONE}")

    monkeypatch.setattr("gridlog.domain.entries.add_entry", broken)
    result = gridlog("add", "走访", "--resident", NAME, "--phone", PHONE, "-g", "红四")
    assert result.exit_code == 1
    assert "ValueError" in result.stderr
    assert private(result.output)


def test_import_problems_name_the_row_and_column_not_the_person(
    gridlog, red_grids, tmp_path
):
    path = tmp_path / "old.csv"
    rows = [
        "日期,网格,居民,电话,内容",
        f"2019-02-30,红四,{NAME},{PHONE},日期错了",
        f"2019-03-01,红四,{NAME},1.39999E+10,电话坏了",
        f"2019-03-01,红四,{NAME * 70},{PHONE},名字太长",
    ]
    path.write_text("\n".join(rows), encoding="utf-8")
    result = gridlog("import", str(path), "--dry-run")
    assert result.exit_code == 1
    assert "row 2, 日期" in result.stdout and "row 4, 居民" in result.stdout
    assert private(result.output), result.output


def test_gridlog_writes_no_files_but_its_database(gridlog, red_grids, db_path):
    folder: Path = db_path.parent
    before = {p.name for p in folder.iterdir()}
    gridlog("add", "走访", "--resident", NAME, "--phone", PHONE, "-g", "红四")
    gridlog("add", "走访", "--grid", "无此网格")
    gridlog("due")
    after = {p.name for p in folder.rglob("*") if p.is_file()}
    made = after - before - {"gridlog.db", "gridlog.db-wal", "gridlog.db-shm"}
    assert made == set()
