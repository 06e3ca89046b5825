"""Collective sign-offs: the roof over 9号楼 needs all 18 households to sign before
the maintenance fund (维修基金) can pay for it."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")
HOUSEHOLDS = [
    f"{unit}单元{floor}0{door}"
    for unit in (1, 2, 3)
    for floor in (1, 2, 3)
    for door in (1, 2)
]


def ok(gridlog, *args: str):
    result = gridlog(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def roof(gridlog) -> int:
    added = json.loads(
        ok(
            gridlog,
            "add",
            "9号楼楼顶漏水，涉及18户，动用维修基金需全体住户签字",
            "--place",
            "9号楼",
            "--follow-up",
            "1月14日",
            "--json",
        ).stdout
    )
    ok(gridlog, "sign", str(added["id"]), "--need", ",".join(HOUSEHOLDS))
    return added["id"]


def test_the_18_household_sign_off_shows_12_of_18_and_the_six_to_visit(gridlog, roof):
    signed, rest = HOUSEHOLDS[:12], HOUSEHOLDS[12:]
    ok(gridlog, "sign", str(roof), *signed[:6])
    ok(gridlog, "sign", str(roof), "、".join(signed[6:]))
    ok(gridlog, "sign", f"#{roof}", rest[0], "--refused")
    story = json.loads(ok(gridlog, "show", str(roof), "--json").stdout)
    assert story["signoffs"] == {
        "needed": 18,
        "signed": signed,
        "refused": [rest[0]],
        "to_visit": [*rest[1:], rest[0]],  # the undecided first, then the refusal
    }
    screen = ok(gridlog, "show", str(roof)).stdout
    assert "Signed: 12/18 households" in screen
    assert f"Refused (1): {rest[0]}" in screen
    assert "Still to visit (6): " + "、".join([*rest[1:], rest[0]]) in screen
    zh = ok(gridlog, "--lang", "zh", "show", str(roof)).stdout
    assert "已签字 12/18 户" in zh and "还要上门 6 户" in zh
    due = json.loads(ok(gridlog, "due", "--json").stdout)
    assert due[0]["signoffs"] == {"signed": 12, "needed": 18}
    assert "(signed 12/18)" in ok(gridlog, "due", "--all").stdout


def test_a_household_off_the_list_is_refused_with_the_way_to_add_it(gridlog, roof):
    result = gridlog("sign", str(roof), "4单元101")
    assert result.exit_code == 2
    assert f"gridlog sign {roof} --need 4单元101" in result.stderr
    item = json.loads(
        ok(
            gridlog, "add", "楼道灯", "--grid", "红四", "--follow-up", "明天", "--json"
        ).stdout
    )
    nolist = gridlog("sign", str(item["id"]), "101")
    assert nolist.exit_code == 2 and "no sign-off list" in nolist.stderr


def test_the_last_signature_says_it_can_be_closed_and_undo_takes_it_back(gridlog, roof):
    ok(gridlog, "sign", str(roof), *HOUSEHOLDS[:17])
    last = ok(gridlog, "sign", str(roof), HOUSEHOLDS[17]).stdout
    assert "18/18" in last and f"gridlog done {roof}" in last
    ok(gridlog, "undo")
    story = json.loads(ok(gridlog, "show", str(roof), "--json").stdout)
    assert story["signoffs"]["to_visit"] == [HOUSEHOLDS[17]]
    ok(gridlog, "done", str(roof), "--force")
    assert gridlog("sign", str(roof), HOUSEHOLDS[17]).exit_code == 1


def test_done_with_signatures_missing_names_them_and_asks_for_force(
    gridlog, roof, read_db
):
    """`done 23` at 2/6 signed closed silently; it now says who has not signed
    (refused ones too), changes nothing, and closes only with --force."""
    ok(gridlog, "sign", str(roof), *HOUSEHOLDS[:16])
    ok(gridlog, "sign", str(roof), HOUSEHOLDS[16], "--refused")
    refused = gridlog("--lang", "zh", "done", str(roof), "--note", "维修完毕")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "签字未齐（16/18 户）" in refused.stderr
    assert f"{HOUSEHOLDS[17]}、{HOUSEHOLDS[16]}" in refused.stderr
    assert "--force" in refused.stderr
    [[closed]] = read_db().execute(
        "SELECT closed_at FROM followups WHERE id = ?", (roof,)
    )
    assert closed is None
    ok(gridlog, "done", str(roof), "--force", "--note", "业主大会表决通过")
    story = json.loads(ok(gridlog, "show", str(roof), "--json").stdout)
    assert story["status"] == "done"


def test_deleting_the_entry_takes_its_list_and_undo_brings_it_back(gridlog, roof):
    ok(gridlog, "sign", str(roof), *HOUSEHOLDS[:3])
    ok(gridlog, "delete", str(roof - 1))
    ok(gridlog, "undo")
    story = json.loads(ok(gridlog, "show", str(roof), "--json").stdout)
    assert story["signoffs"]["signed"] == HOUSEHOLDS[:3]
