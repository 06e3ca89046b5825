"""Registering grids and finding them the way workers name them."""

from __future__ import annotations

import json

import pytest


def test_grid_list_shows_counts_of_open_and_overdue(gridlog, red_grids):
    assert (
        gridlog("add", "漏水", "--place", "9号楼", "--follow-up", "昨天").exit_code == 0
    )
    assert (
        gridlog("add", "路灯", "--place", "10号楼", "--follow-up", "明天").exit_code
        == 0
    )
    assert gridlog("add", "活动", "--grid", "红一").exit_code == 0
    grids = {g["name"]: g for g in json.loads(gridlog("grid", "list", "--json").stdout)}
    assert grids["红四网格"]["open"] == 2
    assert grids["红四网格"]["overdue"] == 1
    assert grids["红四网格"]["buildings"] == ["9号楼", "10号楼"]
    assert grids["红四网格"]["aliases"] == ["红四"]
    assert grids["红四网格"]["worker"] == "马辉"
    assert grids["红四网格"]["households"] == 210
    assert grids["红一网格"]["open"] == 0

    table = gridlog("grid", "list").stdout
    assert "红四网格" in table and "Overdue" in table
    zh = gridlog("--lang", "zh", "grid", "list").stdout
    assert "逾期" in zh and "网格员" in zh


@pytest.mark.parametrize("name", ["红四网格", "红四", "红四网", "  红四 "])
def test_a_grid_is_found_by_name_alias_or_unique_prefix(gridlog, red_grids, name):
    result = gridlog("add", "巡查", "--grid", name, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["grid"] == "红四网格"


@pytest.mark.parametrize(
    ("place", "grid"),
    [
        ("9号楼", "红四网格"),
        ("9号楼4单元301", "红四网格"),
        ("10号楼2单元", "红四网格"),
        ("冶金一号楼3单元", "红一网格"),
        ("6号楼", "红一网格"),
    ],
)
def test_a_place_belongs_to_its_buildings_grid(gridlog, red_grids, place, grid):
    result = gridlog("add", "走访", "--place", place, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["grid"] == grid


def test_a_longer_building_name_wins_over_its_prefix(gridlog, red_grids):
    assert gridlog("grid", "building", "红一", "9号楼东").exit_code == 0
    result = gridlog("add", "走访", "--place", "9号楼东2单元", "--json")
    assert json.loads(result.stdout)["grid"] == "红一网格"


def test_explicit_grid_wins_over_the_place(gridlog, red_grids):
    result = gridlog("add", "代办", "--place", "9号楼", "--grid", "红一", "--json")
    assert json.loads(result.stdout)["grid"] == "红一网格"


def test_default_grid_from_config(gridlog, red_grids):
    assert gridlog("config", "--grid", "红一").exit_code == 0
    result = gridlog("add", "整理退役军人资料", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["grid"] == "红一网格"


def test_grid_show(gridlog, red_grids):
    result = gridlog("grid", "show", "红四")
    assert result.exit_code == 0, result.output
    assert "红四网格" in result.stdout and "9号楼" in result.stdout
    assert (
        json.loads(gridlog("grid", "show", "红四", "--json").stdout)["name"]
        == "红四网格"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("grid", "add", "红四网格"),  # the name exists
        ("grid", "add", "红四"),  # an alias of another grid
        ("grid", "add", "红五网格", "--building", "9号楼"),  # building taken
        ("grid", "add", "红五网格", "--alias", "红一"),  # alias taken
        ("grid", "add", "   "),
    ],
)
def test_conflicting_registrations_are_refused(gridlog, red_grids, args):
    before = gridlog("grid", "list", "--json").stdout
    result = gridlog(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert gridlog("grid", "list", "--json").stdout == before


@pytest.mark.parametrize("span", ["1-12号楼", "1号楼-12号楼", "1～12号楼", "1至12号楼"])
def test_a_range_of_buildings_is_added_one_by_one(gridlog, span):
    assert gridlog("grid", "add", "第八网格", "--alias", "第八").exit_code == 0
    result = gridlog("--lang", "zh", "grid", "building", "第八", span)
    assert result.exit_code == 0, result.output
    assert "添加 12 栋楼：1号楼、2号楼 … 12号楼。" in result.stdout
    [grid] = json.loads(gridlog("grid", "list", "--json").stdout)
    assert grid["buildings"] == [f"{n}号楼" for n in range(1, 13)]
    placed = gridlog("add", "巡查", "--place", "7号楼3单元", "--json")
    assert json.loads(placed.stdout)["grid"] == "第八网格"


def test_a_range_mixes_with_single_buildings_when_a_grid_is_added(gridlog):
    result = gridlog("grid", "add", "第八网格", "-b", "1-3号楼", "-b", "冶金楼")
    assert result.exit_code == 0, result.output
    assert "(4 buildings)" in result.stdout
    [grid] = json.loads(gridlog("grid", "list", "--json").stdout)
    assert grid["buildings"] == ["1号楼", "2号楼", "3号楼", "冶金楼"]


@pytest.mark.parametrize(
    ("span", "zh", "en"),
    [
        ("12-1号楼", "从小到大", "smaller number first"),
        ("1-500号楼", "最多 200 栋", "at most 200"),
    ],
)
def test_an_absurd_range_of_buildings_is_refused(gridlog, span, zh, en):
    assert gridlog("grid", "add", "第八网格", "-b", "老楼").exit_code == 0
    before = gridlog("grid", "list", "--json").stdout
    refused = gridlog("--lang", "zh", "grid", "building", "第八", span)
    assert refused.exit_code == 2 and zh in refused.stderr and span in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert en in gridlog("grid", "building", "第八", span).stderr
    assert gridlog("grid", "list", "--json").stdout == before


def test_a_building_name_with_a_dash_but_no_range_stays_as_typed(gridlog):
    """`3-2` is building 3 entrance 2 in many offices' notation: not a range."""
    assert gridlog("grid", "add", "第八网格", "-b", "3-2", "-b", "A-B座").exit_code == 0
    [grid] = json.loads(gridlog("grid", "list", "--json").stdout)
    assert grid["buildings"] == ["3-2", "A-B座"]


def test_a_building_really_named_like_a_range_is_added_as_typed(gridlog):
    """An estate's 2-1号楼 (phase 2, building 1): the refusal says how, and
    --as-typed registers it as one building, in `grid add` and `grid building`."""
    assert gridlog("grid", "add", "第八网格", "--alias", "第八").exit_code == 0
    refused = gridlog("--lang", "zh", "grid", "building", "第八", "2-1号楼")
    assert refused.exit_code == 2 and "--as-typed" in refused.stderr
    added = gridlog("grid", "building", "第八", "2-1号楼", "1-2号楼", "--as-typed")
    assert added.exit_code == 0, added.output
    assert (
        gridlog("grid", "add", "第九网格", "-b", "3-1号楼", "--as-typed").exit_code == 0
    )
    grids = json.loads(gridlog("grid", "list", "--json").stdout)
    assert [grid["buildings"] for grid in grids] == [
        ["2-1号楼", "1-2号楼"],
        ["3-1号楼"],
    ]
