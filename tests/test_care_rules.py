"""Care rules: reminders the register produces by itself, once per person."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")
SUBSIDY = "满80岁，电话通知办理高龄补贴"


def ok(gridlog, *args: str, now: str | None = None):
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result


def due(gridlog, now: str, *args: str) -> list[dict]:
    """What `due --json` lists on `now`, overdue items included."""
    out = ok(gridlog, "due", "--json", "--all", *args, now=now).stdout
    data = json.loads(out)
    return data["items"] if isinstance(data, dict) else data


def texts(items: list[dict]) -> list[str]:
    return [item["text"] for item in items]


def register(gridlog, name: str, birth: str, place: str = "9号楼2单元101"):
    ok(gridlog, "resident", "add", name, "--place", place, "--birth", birth)


def test_the_subsidy_reminder_is_due_on_the_80th_birthday_and_never_twice(gridlog):
    register(gridlog, "臧树花", "1940-05-20")
    assert not [t for t in texts(due(gridlog, "2020-05-19T09:00")) if "臧树花" in t]
    items = [i for i in due(gridlog, "2020-05-20T09:00") if "臧树花" in i["text"]]
    assert [(i["text"], i["due"]) for i in items] == [
        (f"臧树花 {SUBSIDY}", "2020-05-20")
    ]
    assert items[0]["type"] == "reminder"
    ok(gridlog, "done", str(items[0]["id"]), now="2020-05-20T10:00")
    # Correcting the birth date, or adding and editing rules, does not bring it back.
    ok(gridlog, "resident", "edit", "臧树花", "--birth", "1940-05-21")
    ok(gridlog, "resident", "edit", "臧树花", "--birth", "1940-05-20")
    ok(gridlog, "rule", "add", "95", "满95岁，上门看望")
    ok(gridlog, "rule", "edit", "1", "--text", "满80岁，再打一次电话")
    ok(gridlog, "rule", "edit", "1", "--off")
    ok(gridlog, "rule", "edit", "1", "--on")
    later = texts(due(gridlog, "2021-01-01T09:00"))
    assert not [text for text in later if "80岁" in text]
    listed = json.loads(ok(gridlog, "rule", "list", "--json").stdout)
    eighty = next(rule for rule in listed if rule["age"] == 80)
    assert (eighty["reminders"], eighty["open"]) == (1, 0)


def test_a_resident_added_alone_gets_a_register_entry_to_hang_reminders_on(gridlog):
    register(gridlog, "臧树花", "1940-05-20")
    shown = json.loads(ok(gridlog, "resident", "show", "臧树花", "--json").stdout)
    assert [entry["text"] for entry in shown["entries"]] == ["登记居民 臧树花"]
    assert [care["due"] for care in shown["upcoming"]] == [
        "2020-05-20",
        "2030-05-20",
        "2040-05-20",
    ]
    # Someone already in the log gets theirs on their earliest entry instead.
    ok(gridlog, "add", "走访", "-r", "王芳", "-p", "9号楼1单元101", "--register")
    ok(gridlog, "resident", "edit", "王芳", "--birth", "1939-07-01")
    shown = json.loads(ok(gridlog, "resident", "show", "王芳", "--json").stdout)
    assert [entry["text"] for entry in shown["entries"]] == ["走访"]
    assert len(shown["items"]) == 3


def test_a_birth_year_alone_is_due_on_1_january(gridlog):
    register(gridlog, "赵六", "1940")
    assert "赵六" not in " ".join(texts(due(gridlog, "2019-12-31T09:00")))
    assert texts(due(gridlog, "2020-01-01T09:00")) == [f"赵六 {SUBSIDY}"]


def test_born_on_29_february_is_due_on_28_february_in_a_common_year(gridlog):
    register(gridlog, "孙八", "1940-02-29")  # 80 in 2020, a leap year
    ok(gridlog, "rule", "add", "81", "满81岁，核对补贴发放")
    items = due(gridlog, "2021-12-31T09:00")
    dates = {item["text"]: item["due"] for item in items}
    assert dates[f"孙八 {SUBSIDY}"] == "2020-02-29"
    assert dates["孙八 满81岁，核对补贴发放"] == "2021-02-28"


def test_a_threshold_already_passed_fires_once_due_today(gridlog):
    register(gridlog, "钱七", "1934-01-10")  # 85 on 2019-03-14
    items = due(gridlog, "2019-03-14T09:00")
    assert [(i["text"], i["due"]) for i in items] == [(f"钱七 {SUBSIDY}", "2019-03-14")]


def test_a_new_rule_fires_for_everyone_already_registered(gridlog):
    register(gridlog, "臧树花", "1940-05-20")
    register(gridlog, "王芳", "1945-08-01", place="9号楼1单元101")
    register(gridlog, "李四", "", place="9号楼1单元102")  # no birth date: nothing
    added = ok(gridlog, "rule", "add", "75", "{name}满75岁，登记体检", "--backfill")
    assert "2 reminder" in added.stdout
    items = [i for i in due(gridlog, "2021-01-01T09:00") if "75岁" in i["text"]]
    assert texts(items) == ["臧树花满75岁，登记体检", "王芳满75岁，登记体检"]
    assert [item["due"] for item in items] == ["2019-03-14", "2020-08-01"]


def test_a_new_rule_files_birthdays_from_today_and_lists_those_already_past(gridlog):
    register(gridlog, "臧树花", "1940-02-01")  # 79 on 14 March 2019
    register(gridlog, "钱七", "1937-12-05", place="9号楼1单元101")  # 81
    register(gridlog, "王芳", "1959-05-01", place="9号楼1单元102")  # 60 on 1 May
    added = ok(gridlog, "rule", "add", "60", "满60岁 优待证").stdout
    assert "1 reminder(s)" in added
    assert "2 resident(s) are already past 60" in added and "--backfill" in added
    assert "臧树花" in added and "钱七" in added and "王芳" not in added
    assert "9号楼2单元101" in added and "79" in added and "81" in added
    # Nothing floods the morning; the birthday still to come is filed.
    assert not [t for t in texts(due(gridlog, "2019-03-14T09:00")) if "优待证" in t]
    later = [t for t in texts(due(gridlog, "2019-05-01T09:00")) if "优待证" in t]
    assert later == ["王芳 满60岁 优待证"]
    # Asked for, those past the age are filed, due today.
    backfilled = ok(gridlog, "rule", "add", "65", "满65岁 体检", "--backfill").stdout
    assert "3 reminder(s)" in backfilled and "past" not in backfilled
    items = [i for i in due(gridlog, "2019-03-14T09:00") if "体检" in i["text"]]
    assert sorted(texts(items)) == ["臧树花 满65岁 体检", "钱七 满65岁 体检"]
    assert {item["due"] for item in items} == {"2019-03-14"}
    zh = ok(gridlog, "--lang", "zh", "rule", "add", "70", "满70岁 上门").stdout
    assert "2 位居民已过 70 岁" in zh and "--backfill" in zh


def test_an_identical_rule_is_refused(gridlog, read_db):
    ok(gridlog, "rule", "add", "60", "满60岁 优待证")
    again = gridlog("rule", "add", "60", "满60岁  优待证")  # a space more is the same
    assert again.exit_code == 1
    assert (
        "care rule #4 already" in again.stderr and "gridlog rule edit 4" in again.stderr
    )
    zh = gridlog("--lang", "zh", "rule", "add", "80", "满80岁，电话通知办理高龄补贴")
    assert zh.exit_code == 1 and "已有相同的关怀规则 #1" in zh.stderr
    assert read_db().execute("SELECT count(*) FROM care_rules").fetchone()[0] == 4
    # Another age, or another text, is another rule.
    ok(gridlog, "rule", "add", "65", "满60岁 优待证")
    ok(gridlog, "rule", "add", "60", "满60岁 免费乘公交")
    # An edit that would make two rules the same is refused too.
    edited = gridlog("rule", "edit", "5", "--age", "60")
    assert edited.exit_code == 1 and "care rule #4 already" in edited.stderr


def test_a_rule_switched_off_makes_no_new_reminders(gridlog):
    ok(gridlog, "rule", "edit", "1", "--off")
    register(gridlog, "臧树花", "1940-05-20")
    assert texts(due(gridlog, "2020-06-01T09:00")) == []
    listed = ok(gridlog, "rule", "list").stdout
    assert "off" in listed and SUBSIDY in listed
    ok(gridlog, "rule", "edit", "1", "--on")
    assert texts(due(gridlog, "2020-06-01T09:00")) == [f"臧树花 {SUBSIDY}"]


def test_each_resident_gets_their_own_reminder(gridlog):
    register(gridlog, "臧树花", "1940-05-20")
    register(gridlog, "王芳", "1940-06-02", place="9号楼1单元101")
    items = due(gridlog, "2020-06-02T09:00")
    assert sorted(texts(items)) == sorted([f"臧树花 {SUBSIDY}", f"王芳 {SUBSIDY}"])
    assert len({item["id"] for item in items}) == 2


def test_correcting_a_birth_date_moves_the_open_reminder(gridlog):
    register(gridlog, "臧树花", "1940-05-20")
    ok(gridlog, "resident", "edit", "臧树花", "--birth", "1940-06-20")
    assert texts(due(gridlog, "2020-05-20T09:00")) == []
    assert texts(due(gridlog, "2020-06-20T09:00")) == [f"臧树花 {SUBSIDY}"]


def test_undo_takes_back_the_reminders_a_command_made(gridlog, read_db):
    ok(gridlog, "rule", "add", "70", "满70岁，上门核实")
    register(gridlog, "臧树花", "1940-05-20")
    ok(gridlog, "undo")
    conn = read_db()
    assert conn.execute("SELECT count(*) FROM followups").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM care_rule_fired").fetchone()[0] == 0
    ok(gridlog, "undo")
    assert read_db().execute("SELECT count(*) FROM care_rules").fetchone()[0] == 3


def test_forgetting_a_resident_removes_their_name_from_the_reminder(gridlog, read_db):
    register(gridlog, "臧树花", "1940-05-20")
    ok(gridlog, "resident", "forget", "臧树花")
    assert texts(due(gridlog, "2020-05-20T09:00")) == [f"*** {SUBSIDY}"]
    conn = read_db()
    assert conn.execute("SELECT count(*) FROM care_rule_fired").fetchone()[0] == 0
    dump = "\n".join(conn.iterdump())
    assert "臧树花" not in dump


def test_rule_messages_in_chinese_and_bad_ages(gridlog):
    listed = ok(gridlog, "--lang", "zh", "rule", "list").stdout
    assert "关怀规则" in listed and "启用" in listed
    assert gridlog("rule", "add", "0", "出生").exit_code == 2
    assert gridlog("rule", "edit", "99").exit_code == 1
    assert gridlog("rule", "edit", "1").exit_code == 2
