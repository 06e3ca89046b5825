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
    before, after = json.loads(report_before.stdout), json.loads(report_after.stdout)
    # The register lost the person's household; the reminders, their name.
    assert after.pop("coverage")[0]["households"] == 1
    assert before.pop("coverage")[0]["households"] == 2
    reminders = [after.pop("scheduled_reminders"), before.pop("scheduled_reminders")]
    assert [[(r["id"], r["due"]) for r in rs] for rs in reminders] == [
        [(r["id"], r["due"]) for r in reminders[1]]
    ] * 2
    assert not [r for r in reminders[0] if "臧树花" in r["text"]]
    assert after == before
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


def texts(gridlog) -> list[str]:
    log = ok(gridlog, "log", "--json", "--reveal").stdout  # what is stored
    return [e["text"] for e in json.loads(log)]


def test_forget_never_blots_the_name_inside_another_registered_name(gridlog):
    """Forgetting 王红 used to turn 王红梅 into ***梅, for good."""
    ok(gridlog, "resident", "add", "王红", "--place", "9号楼1单元101")
    ok(gridlog, "resident", "add", "王红梅", "--place", "9号楼1单元102")
    ok(gridlog, "add", "王红梅反映楼道灯坏了", "--resident", "王红梅")
    ok(gridlog, "add", "王红说王红梅家漏水", "--resident", "王红")
    ok(gridlog, "add", "王红梅和王红吵架，已调解", "--place", "9号楼1单元")
    ok(gridlog, "add", "王红反映噪音", "--place", "9号楼1单元")

    result = ok(gridlog, "resident", "forget", "王红", "--place", "9号楼1单元101")
    after = texts(gridlog)
    assert "王红梅反映楼道灯坏了" in after
    assert "***说王红梅家漏水" in after  # theirs: every mention, no other name
    assert "王红梅和***吵架，已调解" in after
    assert "***反映噪音" in after
    # What was left is counted, with where (王红梅 three times, in three entries).
    assert "Left as written: their name 4 time(s)" in result.stdout
    assert "王红" not in result.stdout
    remaining = json.loads(ok(gridlog, "resident", "list", "--json").stdout)
    assert [r["name"] for r in remaining] == ["王红梅"]


def test_forget_leaves_a_short_name_where_it_is_part_of_another_word(gridlog):
    """A resident named 平安: 开展平安建设宣传 is about safety, not about them."""
    ok(gridlog, "resident", "add", "平安", "--place", "9号楼1单元101")
    ok(gridlog, "add", "开展平安建设宣传", "--grid", "红四")
    ok(gridlog, "add", "平安家门口堆物", "--place", "9号楼1单元")
    ok(gridlog, "add", "走访平安，身体好", "--place", "9号楼1单元")
    ok(gridlog, "add", "上门看望", "--resident", "平安")

    result = ok(gridlog, "--lang", "zh", "resident", "forget", "平安")
    after = texts(gridlog)
    assert "开展平安建设宣传" in after
    assert "***家门口堆物" in after
    assert "走访***，身体好" in after
    assert "上门看望" in after
    left = json.loads(ok(gridlog, "search", "宣传", "--json").stdout)[0]["id"]
    assert (
        f"保留未改：其姓名有 1 处是别的词语或别的登记名称的一部分，在 #{left} 中"
        in (result.stdout)
    )


def test_forget_blots_every_number_they_had_however_written(gridlog, db_path):
    """An earlier phone (changed with resident edit) and the same numbers written
    with dashes, spaces, +86 or full-width digits: none is left anywhere."""
    old, new = "13812341234", "13955556666"
    ok(gridlog, "resident", "add", "臧树花", "--place", "9号楼2单元101", "--phone", old,
       "--id-number", ID_NUMBER)  # fmt: skip
    added = ok(gridlog, "add", f"回访，电话{old}", "--resident", "臧树花",
               "--follow-up", "明天", "--json")  # fmt: skip
    item = json.loads(added.stdout)["id"]
    ok(gridlog, "resident", "edit", "臧树花", "--phone", new)
    ok(gridlog, "resident", "add", "王芳", "--place", "9号楼1单元101",
       "--phone", "13700001111")  # fmt: skip
    written = [
        "邻居留了她以前的电话 138-1234-1234",
        "电话 138 1234 1234 打不通",
        "新号码１３９５５５５６６６６",
        "+8613955556666 是她女儿代接",
        "身份证 110101 19400520 1238 已核对",
        "王芳电话13700001111",
    ]
    for text in written:
        ok(gridlog, "add", text, "--grid", "红四")
    ok(gridlog, "edit", str(item), "--text", f"换了新号{new}，原号{old}停机")
    ok(gridlog, "done", str(item), "--note", "已打 139-5555-6666 确认")
    ok(gridlog, "search", "1234")
    assert old.encode() in file_bytes(db_path)  # so the check below can fail

    ok(gridlog, "resident", "forget", "臧树花")
    stored = file_bytes(db_path)
    for number in (old, new, ID_NUMBER):
        wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        dashed = f"{number[:3]}-{number[3:7]}-{number[7:]}"
        spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
        for spelt in (number, wide, dashed, spaced, number[-8:]):
            assert spelt.encode() not in stored, spelt
    assert b"13700001111" in stored  # somebody else's number stays
    after = texts(gridlog)
    assert "邻居留了她以前的电话 ***" in after
    assert "电话 *** 打不通" in after
    assert "新号码***" in after
    assert "*** 是她女儿代接" in after
    assert "身份证 *** 已核对" in after
    assert "王芳电话13700001111" in after
    history = json.loads(ok(gridlog, "history", str(item), "--json", "--reveal").stdout)
    assert old not in json.dumps(history) and new not in json.dumps(history)
    assert json.loads(ok(gridlog, "search", "1234", "--json").stdout) == []


TYPED = f"回访，电话{PHONE}，身份证{ID_NUMBER}"


@pytest.mark.parametrize(
    "command",
    [
        ("resident", "show", "臧树花"),
        ("resident", "show", "臧树花", "--json"),
        ("resident", "list", "--json"),
        ("log",),
        ("log", "--json"),
        ("search", "回访"),
        ("search", "回访", "--json"),
        ("show", "{item}"),
        ("show", "{item}", "--json"),
        ("due", "--days", "30"),
        ("due", "--days", "30", "--json"),
        ("history", "{entry}"),
        ("history", "{entry}", "--json"),
    ],
    ids=" ".join,
)
def test_numbers_typed_into_texts_are_masked_on_screen_unless_revealed(
    gridlog, zang, command
):
    """The register's phone was masked, and then printed in full two lines lower."""
    ok(
        gridlog,
        "resident",
        "edit",
        "臧树花",
        "--note",
        f"女儿电话 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}",
    )
    added = ok(gridlog, "add", "回访", "--resident", "臧树花", "--follow-up", "明天",
               "--json")  # fmt: skip
    ids = json.loads(added.stdout)
    entry, item = str(ids["entry_id"]), str(ids["id"])
    ok(gridlog, "edit", entry, "--text", TYPED)
    ok(gridlog, "edit", item, "--text", f"再打{PHONE}")
    args = [arg.format(entry=entry, item=item) for arg in command]
    shown = ok(gridlog, *args).stdout
    assert "138****1234" in shown or "138 **** 1234" in shown
    assert PHONE not in shown and ID_NUMBER not in shown
    assert f"{PHONE[3:7]} {PHONE[7:]}" not in shown
    revealed = ok(gridlog, *args, "--reveal").stdout
    assert PHONE in revealed or ID_NUMBER in revealed
