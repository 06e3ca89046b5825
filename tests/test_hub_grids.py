"""Grids on the hub: two office devices that each made the same grid before
syncing end with one grid, everywhere, and every record in it names that one."""

from __future__ import annotations

import json
import sqlite3

import pytest

psycopg = pytest.importorskip("psycopg")

import test_hub  # noqa: E402
from test_hub_convergence import Device, hub_records  # noqa: E402

community = test_hub.community  # the fixture: the office, zhang and wang
SMALLEST = "00000000-0000-4000-8000-000000000000"


def hub_grid(admin_url: str, name: str) -> tuple[list[str], set[str]]:
    """The UUIDs of the hub's grids called `name`, and the grids the hub's entries
    and follow-ups in any of them name."""
    with psycopg.connect(admin_url) as admin:
        grids = [
            uuid
            for (uuid,) in admin.execute(
                "SELECT uuid::text FROM gridlog.records WHERE kind = 'grid'"
                " AND body->>'name' = %s AND NOT body ? 'deleted'",
                [name],
            )
        ]
        named = {
            grid
            for (grid,) in admin.execute(
                "SELECT DISTINCT body->>'grid_uuid' FROM gridlog.records"
                " WHERE kind IN ('entry', 'followup') AND NOT body ? 'deleted'"
                " AND body->>'text' LIKE '三格%%'"
            )
        }
    return grids, named


def test_two_office_devices_that_made_the_same_grid_end_with_one(community):
    on = community
    office, laptop = Device(on, "office", "office"), Device(on, "laptop", "office")
    assert laptop("sync").exit_code == 0
    for device in (office, laptop):
        assert device("grid", "add", "第三网格").exit_code == 0
        added = device(
            "add", f"三格{device.name}", "--grid", "第三网格", "--follow-up", "明天"
        )
        assert added.exit_code == 0, added.output
    for _ in range(3):
        for device in (office, laptop):
            synced = device("sync")
            assert synced.exit_code == 0, synced.output
    grids, named = hub_grid(on.admin_url, "第三网格")
    assert len(grids) == 1
    assert named == set(grids)
    for device in (office, laptop):
        listed = device.json("grid", "list")
        assert [grid["name"] for grid in listed].count("第三网格") == 1
        texts = sorted(entry["text"] for entry in device.json("log"))
        assert texts == ["三格laptop", "三格office"]
    assert office.records() == laptop.records() == hub_records(on.admin_url)


def test_a_worker_who_added_their_grid_before_the_first_sync_reaches_the_hub(
    community,
):
    """zhang typed `grid add 第一网格` on his own device before he first synced.
    Whichever of the two UUIDs is smaller (his, here), his visits reach the hub
    under the office's grid, the one his login may write."""
    on = community
    assert on("zhang", "grid", "add", "第一网格").exit_code == 0
    with sqlite3.connect(on.db("zhang")) as conn:  # the smallest UUID there is
        conn.execute("UPDATE grids SET uuid = ? WHERE name = '第一网格'", [SMALLEST])
    assert on("zhang", "add", "自己建格后的走访", "--grid", "第一网格").exit_code == 0
    synced = on("zhang", "sync", "--json")
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["kept_here"] == 0
    on("office", "sync")
    texts = [
        entry["text"] for entry in json.loads(on("office", "log", "--json").stdout)
    ]
    assert texts == ["自己建格后的走访"]
