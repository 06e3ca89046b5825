"""Finding people and entries by a phone number, or any part of one, however it was
written: 13812345678, 138-1234-5678, 138 1234 5678, full-width １３８…"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")


def ok(gridlog, *args: str, now: str | None = None):
    result = gridlog(*args, now=now)
    assert result.exit_code == 0, result.output
    return result


def data(gridlog, *args: str):
    return json.loads(ok(gridlog, *args, "--json").stdout)


@pytest.fixture
def register(gridlog, red_grids):
    for name, place, phone in [
        ("臧树花", "9号楼2单元101", "13612345678"),
        ("王大爷", "9号楼1单元101", "138-1234-5678"),
        ("李奶奶", "10号楼3单元202", "010 6512 3456"),
        ("赵六", "10号楼1单元101", None),
    ]:
        args = ["resident", "add", name, "--place", place]
        ok(gridlog, *args, *(["--phone", phone] if phone else []))


def names(found: list[dict]) -> list[str]:
    return [resident["name"] for resident in found]


@pytest.mark.usefixtures("register")
def test_resident_list_finds_residents_by_any_part_of_their_number(gridlog):
    assert names(data(gridlog, "resident", "list", "--phone", "5678")) == [
        "王大爷",
        "臧树花",
    ]
    assert names(data(gridlog, "resident", "list", "--phone", "1381234")) == ["王大爷"]
    assert names(data(gridlog, "resident", "list", "--phone", "138-1234")) == ["王大爷"]
    assert names(data(gridlog, "resident", "list", "--phone", "６５１２")) == ["李奶奶"]
    assert data(gridlog, "resident", "list", "--phone", "99999") == []
    shown = ok(gridlog, "resident", "list", "--phone", "5678").stdout
    assert "136****5678" in shown and "13612345678" not in shown
    assert "赵六" not in shown
    bad = gridlog("resident", "list", "--phone", "王")
    assert bad.exit_code == 2 and "--phone" in bad.stderr and "digits" in bad.stderr
    zh = gridlog("--lang", "zh", "resident", "list", "--phone", "abc")
    assert zh.exit_code == 2 and "数字" in zh.stderr


@pytest.mark.usefixtures("register")
def test_resident_show_takes_a_full_phone_number(gridlog):
    shown = data(gridlog, "resident", "show", "13612345678")
    assert shown["name"] == "臧树花" and shown["phone"] == "136****5678"
    assert data(gridlog, "resident", "show", "138 1234 5678")["name"] == "王大爷"
    assert data(gridlog, "resident", "show", "+86 13812345678")["name"] == "王大爷"
    # A short number is still a resident's number in the register.
    assert data(gridlog, "resident", "show", "2")["name"] == "王大爷"
    unknown = gridlog("resident", "show", "13900001111")
    assert unknown.exit_code == 1
    assert "no registered resident has the phone number 139****1111" in unknown.stderr
    zh = gridlog("--lang", "zh", "resident", "show", "13900001111")
    assert zh.exit_code == 1 and "没有登记电话为 139****1111 的居民" in zh.stderr


def test_two_residents_sharing_a_number_are_told_apart(gridlog):
    for name in ("王大爷", "王大妈"):
        args = ["--place", "9号楼1单元101", "--phone", "13812345678"]
        ok(gridlog, "resident", "add", name, *args)
    shared = gridlog("resident", "show", "13812345678")
    assert shared.exit_code == 1
    assert "2 residents have the phone number 138****5678" in shared.stderr
    assert "#1" in shared.stderr and "#2" in shared.stderr


@pytest.fixture
def mentions(gridlog, red_grids):
    for args in [
        ("回访，电话13812345678",),
        ("王大爷的儿子电话 138-1234-5678，说周末回来",),
        ("留了手机 １３８ １２３４ ５６７８",),
        ("上门送表格", "--phone", "138 1234 5678"),
        ("楼道灯坏了，报修电话 13600001111",),
        ("2019年5678户普查",),  # the digits of a year and a count, apart
    ]:
        ok(gridlog, "add", *args, "--grid", "红四")


def texts(gridlog, query: str) -> list[str]:
    found = data(gridlog, "search", query, "--reveal")
    return sorted(entry["text"] for entry in found)


CALLS = sorted(
    [
        "回访，电话13812345678",
        "王大爷的儿子电话 138-1234-5678，说周末回来",
        "留了手机 １３８ １２３４ ５６７８",
        "上门送表格",
    ]
)


@pytest.mark.usefixtures("mentions")
@pytest.mark.parametrize(
    "query",
    [
        "13812345678",
        "138-1234-5678",
        "138 1234 5678",
        "１３８１２３４５６７８",
        "12345678",
    ],
)
def test_search_finds_a_number_however_it_was_written(gridlog, query):
    assert texts(gridlog, query) == CALLS


@pytest.mark.usefixtures("mentions")
def test_search_finds_the_last_digits_of_a_number(gridlog):
    assert texts(gridlog, "5678") == sorted([*CALLS, "2019年5678户普查"])
    assert texts(gridlog, "1111") == ["楼道灯坏了，报修电话 13600001111"]
    shown = ok(gridlog, "search", "13812345678").stdout
    assert "138****5678" in shown and "13812345678" not in shown


def test_an_imported_log_is_searched_by_its_phones_too(gridlog, red_grids, tmp_path):
    old_log = tmp_path / "2018.csv"
    old_log.write_text(
        "日期,网格,内容,电话\n"
        "2018-11-02,红四,楼道灯坏了,138 1234 5678\n"
        "2018-11-03,红四,回访,\n",
        encoding="utf-8",
    )
    ok(gridlog, "import", str(old_log))
    assert texts(gridlog, "13812345678") == ["楼道灯坏了"]
    assert texts(gridlog, "5678") == ["楼道灯坏了"]
