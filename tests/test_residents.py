"""The register of households and residents, and entries linked to it."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")
ID_NUMBER = "110101194005201238"  # born 1940-05-20, check digit 8
WRONG_ID = "110101194005201234"


def ok(gridlog, *args: str, now: str | None = None):
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result


def data(gridlog, *args: str, now: str | None = None):
    return json.loads(ok(gridlog, *args, "--json", now=now).stdout)


def test_a_resident_is_registered_in_a_household_of_a_grid(gridlog, read_db):
    added = data(
        gridlog,
        "resident",
        "add",
        "臧树花",
        "--place",
        "9号楼2单元101",
        "--birth",
        "1940-05-20",
        "--tag",
        "独居",
        "--tag",
        "高龄",
        "--phone",
        "13812341234",
    )
    assert added["grid"] == "红四网格"  # through its building, as in `add`
    assert added["born"] == "1940-05-20"
    assert added["age"] == 78  # on 2019-03-14
    assert added["tags"] == ["独居", "高龄"]
    row = read_db().execute("SELECT * FROM residents").fetchone()
    assert row["name"] == "臧树花" and row["phone"] == "13812341234"


def test_a_birth_year_alone_is_kept_as_a_year(gridlog):
    added = data(
        gridlog,
        "resident",
        "add",
        "赵六",
        "-p",
        "9号楼1单元103",
        "--birth",
        "一九四〇年",
    )
    assert added["born"] == "1940"
    assert added["age"] == 79  # the age reached this year
    refused = gridlog("resident", "add", "钱七", "-p", "9号楼", "--birth", "5月20日")
    assert refused.exit_code == 1
    assert "needs a year" in refused.stderr


def test_a_two_digit_birth_year_is_the_last_such_year(gridlog):
    """Kind 6 of issue 15: 38年5月20日 said of a resident is 1938, never 2038."""
    added = data(
        gridlog, "resident", "add", "孙八", "-p", "9号楼", "--birth", "38年5月20日"
    )
    assert added["born"] == "1938-05-20"
    assert (
        data(gridlog, "resident", "add", "周九", "-p", "9号楼", "--birth", "52年")[
            "born"
        ]
        == "1952"
    )


def test_the_id_number_is_checked_and_gives_the_birth_date(gridlog):
    bad = gridlog(
        "resident", "add", "王芳", "-p", "9号楼", "--id-number", "110101194005201234"
    )
    assert bad.exit_code == 2 and "check digit" in bad.stderr
    added = data(
        gridlog,
        "resident",
        "add",
        "王芳",
        "-p",
        "9号楼",
        "--id-number",
        "110101194005201238",
    )
    assert added["born"] == "1940-05-20"


def test_a_place_outside_every_grid_needs_a_grid(gridlog):
    result = gridlog("resident", "add", "王芳", "--place", "小白楼1单元")
    assert result.exit_code == 1
    assert "which grid" in result.stderr
    assert (
        data(gridlog, "resident", "add", "王芳", "-p", "小白楼1单元", "-g", "红四")[
            "grid"
        ]
        == "红四网格"
    )


def test_the_same_person_is_not_registered_twice(gridlog):
    ok(gridlog, "resident", "add", "王芳", "--place", "9号楼1单元101")
    again = gridlog("resident", "add", "王芳", "--place", "9号楼1单元101")
    assert again.exit_code == 1
    assert "already registered" in again.stderr and "#1" in again.stderr


def test_naming_someone_unknown_keeps_the_name_and_registers_no_one(gridlog, read_db):
    added = ok(
        gridlog, "add", "违建棚子", "--resident", "赵老板", "--place", "9号楼北侧"
    )
    assert "赵老板 is not in the register (not registered)" in added.stdout
    assert "--register" in added.stdout
    conn = read_db()
    assert conn.execute("SELECT count(*) FROM residents").fetchone()[0] == 0
    row = conn.execute("SELECT resident, resident_id FROM entries").fetchone()
    assert tuple(row) == ("赵老板", None)
    # The entry keeps the name as typed wherever it is read back.
    assert [e["resident"] for e in data(gridlog, "log")] == ["赵老板"]
    assert [e["text"] for e in data(gridlog, "search", "赵老板")] == ["违建棚子"]
    assert "赵老板" in ok(gridlog, "log").stdout
    lines = ok(gridlog, "export", "-").stdout.splitlines()
    exported = [json.loads(line) for line in lines]
    assert [r["resident"] for r in exported if r["type"] == "entry"] == ["赵老板"]
    assert "No residents" in ok(gridlog, "resident", "list").stdout
    zh = ok(
        gridlog, "--lang", "zh", "add", "再次劝拆", "-r", "赵老板", "-p", "9号楼北侧"
    )
    assert "赵老板 不在住户名册中，未登记；加 --register 登记" in zh.stdout
    # Registering later links both entries.
    later = ok(gridlog, "resident", "add", "赵老板", "--place", "9号楼北侧")
    assert "linked 2 earlier entries" in later.stdout


def test_add_with_a_new_name_and_register_registers_it_with_the_entrys_place(
    gridlog, read_db
):
    added = ok(
        gridlog,
        "add",
        "上门看望",
        "--resident",
        "臧树花",
        "--place",
        "10号楼3单元202",
        "--register",
    )
    assert "registered 臧树花 as resident #1" in added.stdout
    entry = data(
        gridlog, "add", "再次上门", "--resident", "臧树花", "--register"
    )  # known now: linked, nobody registered twice
    assert (entry["resident_id"], entry["registered"]) == (1, False)
    conn = read_db()
    assert conn.execute("SELECT count(*) FROM residents").fetchone()[0] == 1
    alone = gridlog("add", "走访", "-p", "9号楼", "--register")
    assert alone.exit_code == 2 and "--register needs --resident" in alone.stderr
    resident = conn.execute("SELECT * FROM residents").fetchone()
    assert (resident["name"], resident["place"]) == ("臧树花", "10号楼3单元202")
    linked = conn.execute("SELECT resident, resident_id FROM entries").fetchall()
    assert [tuple(row) for row in linked] == [("臧树花", resident["id"])] * 2
    zh = ok(
        gridlog,
        "--lang",
        "zh",
        "add",
        "走访",
        "-r",
        "王芳",
        "-p",
        "9号楼",
        "--register",
    )
    assert "已将 王芳 登记为居民 #2" in zh.stdout


def test_add_with_a_known_name_takes_their_household_and_grid(gridlog, read_db):
    ok(gridlog, "resident", "add", "王大爷", "--place", "冶金一号楼3单元")
    entry = data(gridlog, "add", "送高龄补贴表格", "--resident", "王大爷")
    assert entry["grid"] == "红一网格"
    row = read_db().execute("SELECT place, resident_id FROM entries").fetchone()
    assert tuple(row) == ("冶金一号楼3单元", 1)
    assert read_db().execute("SELECT count(*) FROM residents").fetchone()[0] == 1


def test_namesakes_are_told_apart_by_place(gridlog, read_db):
    ok(gridlog, "resident", "add", "王芳", "--place", "9号楼1单元101")
    ok(gridlog, "resident", "add", "王芳", "--place", "10号楼3单元202")
    ambiguous = gridlog("add", "走访", "--resident", "王芳")
    assert ambiguous.exit_code == 1
    assert "2 residents named '王芳'" in ambiguous.stderr
    assert "9号楼1单元101" in ambiguous.stderr and "10号楼3单元202" in ambiguous.stderr
    assert "--place" in ambiguous.stderr
    # The building is enough when only one of them lives there.
    data(gridlog, "add", "走访", "--resident", "王芳", "--place", "10号楼")
    # A place where neither lives is not silently a third 王芳.
    elsewhere = gridlog("add", "走访", "--resident", "王芳", "--place", "6号楼1单元")
    assert elsewhere.exit_code == 1
    assert "gridlog resident add 王芳 --place 6号楼1单元" in elsewhere.stderr
    conn = read_db()
    assert conn.execute("SELECT count(*) FROM residents").fetchone()[0] == 2
    assert [tuple(r) for r in conn.execute("SELECT resident_id FROM entries")] == [(2,)]


def test_the_ambiguity_message_is_in_chinese_too(gridlog):
    ok(gridlog, "resident", "add", "王芳", "--place", "9号楼1单元101")
    ok(gridlog, "resident", "add", "王芳", "--place", "10号楼3单元202")
    result = gridlog("--lang", "zh", "resident", "show", "王芳")
    assert result.exit_code == 1
    assert "登记了 2 位“王芳”" in result.stderr and "--place" in result.stderr


def test_registering_links_the_earlier_entries_that_named_them(gridlog, tmp_path):
    old_log = tmp_path / "2018.csv"
    old_log.write_text(
        "日期,地点,居民,内容\n"
        "2018-11-02,6号楼2单元101,臧树花,右眼白内障\n"
        "2018-11-09,6号楼,臧树花,陪同去医院\n"
        "2018-11-10,9号楼,臧树花,另一个楼的同名人？\n",
        encoding="utf-8",
    )
    ok(gridlog, "import", str(old_log))
    result = ok(gridlog, "resident", "add", "臧树花", "--place", "6号楼2单元101")
    assert "linked 2 earlier entries" in result.stdout
    story = data(gridlog, "resident", "show", "臧树花")
    assert [e["text"] for e in story["entries"]] == ["陪同去医院", "右眼白内障"]


def test_resident_show_lists_everything_about_them_newest_first(gridlog):
    ok(gridlog, "resident", "add", "臧树花", "-p", "6号楼2单元101", "--birth", "1940")
    ok(gridlog, "add", "第一次上门", "--resident", "臧树花", now="2019-03-01T09:00")
    item = data(
        gridlog,
        "add",
        "想做免费白内障手术",
        "--resident",
        "臧树花",
        "--follow-up",
        "3月14日",
        now="2019-03-07T09:00",
    )
    ok(gridlog, "add", "别人的事", "--place", "6号楼2单元102")
    story = data(gridlog, "resident", "show", "臧树花")
    # Registering her with a birth date wrote the entry her care reminders hang on.
    assert [e["text"] for e in story["entries"]] == [
        "登记居民 臧树花",
        "想做免费白内障手术",
        "第一次上门",
    ]
    assert [
        (i["id"], i["type"], i["status"])
        for i in story["items"]
        if i["type"] == "followup"
    ] == [(item["id"], "followup", "open")]
    assert [care["due"] for care in story["upcoming"]] == [
        "2020-01-01",
        "2030-01-01",
        "2040-01-01",
    ]
    screen = ok(gridlog, "resident", "show", "#1").stdout
    assert screen.index("想做免费白内障手术") < screen.index("第一次上门")
    assert "aged 79" in screen


def test_resident_list_filters_by_grid_place_tag_and_age(gridlog):
    for name, place, birth, tags in (
        ("甲", "9号楼1单元101", "1935-01-01", ("高龄", "独居")),
        ("乙", "9号楼2单元201", "1960-06-01", ("低保",)),
        ("丙", "冶金一号楼1单元", "1939-03-14", ("独居",)),
        ("丁", "10号楼1单元", "2010-01-01", ()),
    ):
        args = ["resident", "add", name, "-p", place, "--birth", birth]
        for tag in tags:
            args += ["--tag", tag]
        ok(gridlog, *args)

    def names(*args: str) -> list[str]:
        return [r["name"] for r in data(gridlog, "resident", "list", *args)]

    assert names() == ["丁", "甲", "乙", "丙"]  # by grid, then household
    assert names("--grid", "红一") == ["丙"]
    assert names("--place", "9号楼") == ["甲", "乙"]
    assert names("--tag", "独居") == ["甲", "丙"]
    assert names("--tag", "独居", "--tag", "高龄") == ["甲"]
    assert names("--age", "80") == ["甲", "丙"]  # 丙 is 80 today
    assert names("--age", "60-79") == []
    assert names("--age", "58-79") == ["乙"]
    assert names("--age", "-17") == ["丁"]
    bad = gridlog("resident", "list", "--age", "old")
    assert bad.exit_code == 2


def test_resident_edit_changes_the_record_and_keeps_the_old_values(gridlog, read_db):
    ok(gridlog, "resident", "add", "王大爷", "-p", "9号楼1单元101", "--tag", "独居")
    ok(
        gridlog,
        "resident",
        "edit",
        "王大爷",
        "--place",
        "冶金一号楼1单元",
        "--tag",
        "高龄",
        "--untag",
        "独居",
        "--birth",
        "1939",
    )
    shown = data(gridlog, "resident", "show", "王大爷")
    assert (shown["place"], shown["grid"], shown["tags"], shown["born"]) == (
        "冶金一号楼1单元",
        "红一网格",
        ["高龄"],
        "1939",
    )
    history = (
        read_db()
        .execute(
            "SELECT before FROM history"
            " WHERE table_name = 'residents' AND action = 'update'"
        )
        .fetchone()
    )
    assert json.loads(history[0])["place"] == "9号楼1单元101"
    assert ok(gridlog, "undo").exit_code == 0
    assert data(gridlog, "resident", "show", "王大爷")["place"] == "9号楼1单元101"


def test_editing_the_resident_of_an_entry_moves_its_link(gridlog, read_db):
    """`edit --resident` links the entry to whom it names now (as `add` would), never
    leaving it on the person it named before."""
    ok(gridlog, "resident", "add", "王建国", "--place", "9号楼1单元101")
    ok(gridlog, "resident", "add", "李秀英", "--place", "9号楼2单元201")
    added = data(gridlog, "add", "送药", "--resident", "王建国")
    entry = added["entry_id"]

    def linked() -> tuple:
        conn = read_db()
        try:
            row = conn.execute(
                "SELECT e.resident, r.name FROM entries e"
                " LEFT JOIN residents r ON r.id = e.resident_id WHERE e.id = ?",
                (entry,),
            ).fetchone()
        finally:
            conn.close()
        return tuple(row)

    assert linked() == ("王建国", "王建国")
    ok(gridlog, "edit", str(entry), "--resident", "李秀英")
    assert linked() == ("李秀英", "李秀英")
    ok(gridlog, "edit", str(entry), "--resident", "路过的快递员")
    assert linked() == ("路过的快递员", None)
    ok(gridlog, "undo")
    assert linked() == ("李秀英", "李秀英")
