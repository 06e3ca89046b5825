"""A database from every released gridlog opens in this one: backed up, upgraded in
one transaction, nothing lost; and an upgrade that fails midway leaves it untouched.
The databases and the story they hold are in tests/fixtures/."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from gridlog.storage import migrations
from gridlog.storage.migrations import schema_version

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-*.db"))
# The schemas releases shipped (1 never left the first session; 3 to 5 came and went
# within the second, 7 and 8 within the fourth, 10 to 13 within the fifth). A
# release that changes the schema adds its number and fixture.
RELEASED = (2, 6, 9, 14, 19, 23)


def version_of(path: Path) -> int:
    return int(path.stem.removeprefix("schema-"))


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [conn.execute("PRAGMA user_version").fetchone()[0], *conn.iterdump()]
    finally:
        conn.close()


@pytest.fixture(params=FIXTURES, ids=lambda path: path.stem)
def old_db(request, db_path: Path) -> Path:
    shutil.copyfile(request.param, db_path)
    db_path.chmod(0o600)
    return db_path


def test_every_released_schema_has_a_fixture():
    assert max(RELEASED) <= schema_version()
    assert sorted(map(version_of, FIXTURES)) == list(RELEASED)


def test_an_old_database_opens_with_everything_in_it(gridlog, old_db):
    version = dump(old_db)[0]
    texts = [e["text"] for e in json.loads(gridlog("log", "--json").stdout)]
    assert texts == [
        "楼北侧大面积跑水，联系辖区单位解决",
        "王大爷明年满80岁，提醒办高龄补贴",
        "再次上门，已联系物业",
        "楼道堆物，动员清理",
        "窗口接待，咨询低保办理",
    ]
    case = json.loads(gridlog("show", "2", "--json").stdout)
    assert case["visits"] == 2
    due = json.loads(gridlog("due", "--json", now="2019-03-19T08:00").stdout)
    assert [(item["id"], item["overdue_days"]) for item in due] == [(7, 1)]
    assert "窗口接待咨询低保" in gridlog("history", "8").stdout  # the edit's before
    found = json.loads(gridlog("search", "跑水", "--json").stdout)
    assert [hit["id"] for hit in found] == [1]
    assert gridlog("undo").exit_code == 0  # takes back the delete of #9
    assert "写错了的一条" in gridlog("log").stdout
    added = json.loads(gridlog("add", "升级后第一条", "--json").stdout)
    assert added["id"] == 11  # the shared sequence goes on
    assert gridlog("check").exit_code == 0
    if version < schema_version():
        backup = old_db.with_name(f"{old_db.name}.v{version}.bak")
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        assert dump(backup)[0] == version


def test_an_upgrade_that_fails_midway_leaves_the_database_untouched(
    gridlog, old_db, monkeypatch
):
    before = dump(old_db)

    def m999_broken(database) -> None:
        database.execute("CREATE TABLE half_done (x)")
        database.execute("DROP TABLE entries")
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, m999_broken))
    result = gridlog("log")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nothing was changed" in result.stderr
    assert dump(old_db) == before
