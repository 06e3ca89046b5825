"""Generate a realistic gridlog database of N entries, through gridlog's own storage
layer (grids.add_grid for the registry, bulk.load for the log).

A street office of 40 grids, 20 buildings each, three years of walking ending on the
pinned day: visits, patrols, window duty and meetings in realistic shares, Chinese
texts from the articles' everyday problems, a quarter of entries opening follow-ups
(most closed within days, some late, a few still open and overdue), a few reminders
a year ahead.

    python benchmarks/generate.py --entries 1000000 --out benchmarks/data/1m.db

`--households N` also writes a register of N households per grid (with 1 to 3
residents each); `--register-only` adds one to an existing log:

    python benchmarks/generate.py --households 300 --register-only --out copy-of-1m.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from gridlog.context import Context
from gridlog.domain import grids
from gridlog.storage import bulk
from gridlog.storage.db import open_db

ZONE = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2024, 6, 17, 7, 50, tzinfo=ZONE)  # a Monday morning
GRIDS = 40
BUILDINGS = 20
YEARS = 3

PROBLEMS = [
    ("repairs", "楼顶漏水，住户反映雨天屋里滴水"),
    ("repairs", "楼北侧大面积跑水，联系辖区单位解决"),
    ("repairs", "单元门禁损坏，协调物业维修"),
    ("repairs", "路灯不亮，需要协调物业解决"),
    ("sanitation", "楼道堆放杂物，动员住户清理"),
    ("sanitation", "垃圾桶满溢，通知保洁加大清运"),
    ("city-management", "违规摆摊设点，劝离"),
    ("city-management", "高空抛掷装修垃圾，制止并通知物业"),
    ("disputes", "邻里因漏水发生纠纷，上门调解"),
    ("disputes", "楼上噪音扰民，协调双方"),
    ("civil-affairs", "咨询高龄补贴办理"),
    ("civil-affairs", "低保年审材料收取"),
    ("health", "独居老人身体不适，联系家属"),
    ("safety", "电动车楼道充电，宣传消防安全"),
    ("rentals", "出租屋新住户登记"),
    ("party", "老党员补交党费"),
    ("activities", "协调活动室使用时间"),
    ("employment", "失业人员再就业登记"),
    ("petitions", "居民反映物业收费问题"),
    ("public-order", "夜间巡逻发现可疑人员"),
]
KINDS = ["visit"] * 55 + ["patrol"] * 25 + ["window"] * 15 + ["meeting"] * 5
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘于蒋"
)
GIVEN = "秀英桂兰玉兰淑珍建国志强丽华国华明秀凤英红梅树花宝贵新娟焕萍俊惠继兰"


def register_grids(conn, ctx) -> list[tuple[int, list[tuple[int, str]]]]:
    """40 grids with 20 buildings each; returns their ids and (building id, name)."""
    out = []
    for number in range(1, GRIDS + 1):
        name = f"第{number}网格"
        buildings = [f"{number}区{b}号楼" for b in range(1, BUILDINGS + 1)]
        grid_id = grids.add_grid(
            conn,
            ctx,
            name,
            worker=f"网格员{number}",
            households=BUILDINGS * 12,
            buildings=buildings,
        )
        rows = conn.execute(
            "SELECT id, name FROM buildings WHERE grid_id = ? ORDER BY id", (grid_id,)
        ).fetchall()
        out.append((grid_id, [(row[0], row[1]) for row in rows]))
    return out


def rows(count: int, registry, seed: int = 20190314) -> Iterator[bulk.LoadRow]:
    """`count` entries spread evenly over YEARS years up to NOW, oldest first."""
    rng = random.Random(seed)
    span = dt.timedelta(days=365 * YEARS).total_seconds()
    start = NOW - dt.timedelta(days=365 * YEARS)
    for i in range(count):
        at = start + dt.timedelta(seconds=span * (i + rng.random()) / count)
        at = at.replace(microsecond=0)
        grid_id, buildings = registry[rng.randrange(len(registry))]
        building_id, building = buildings[rng.randrange(len(buildings))]
        category, text = PROBLEMS[rng.randrange(len(PROBLEMS))]
        resident = (
            SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))]
        )
        items = _item(rng, at)
        door = f"{rng.randint(1, 6)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}"
        yield bulk.LoadRow(
            at=at,
            grid_id=grid_id,
            text=f"{text}（{resident}）",
            place=building + door,
            building_id=building_id,
            resident=resident,
            category=category,
            kind=KINDS[rng.randrange(len(KINDS))],
            worker=f"网格员{grid_id}",
            items=items,
        )


def _item(rng: random.Random, at: dt.datetime):
    """A quarter open a follow-up, 3% a reminder; most close, some late, few never."""
    roll = rng.random()
    if roll < 0.03:
        due = (at + dt.timedelta(days=365)).date()
        closed = None if due >= NOW.date() else at + dt.timedelta(days=365, hours=2)
        return (bulk.LoadItem("reminder", due, closed_at=closed),)
    if roll >= 0.28:
        return ()
    due = (at + dt.timedelta(days=rng.choice((0, 1, 2, 3, 7, 14)))).date()
    hours = rng.lognormvariate(3.0, 1.5)  # median about 20 hours
    closed = at + dt.timedelta(hours=hours)
    if closed > NOW or rng.random() < 0.01:
        closed = None  # still open; overdue once past its due date
    return (bulk.LoadItem("followup", due, closed_at=closed),)


def register_households(conn, per_grid: int, seed: int = 40) -> int:
    """A register of `per_grid` households in each grid, at places its entries
    name, of one to three residents (a fifth of them living alone or elderly),
    written in two years before NOW through gridlog's own `add_resident`: what a
    review's coverage and unvisited households read. Returns how many residents."""
    from gridlog.domain.residents import NewResident, add_resident
    from gridlog.errors import GridlogError

    rng = random.Random(seed)
    ctx = Context(
        now=NOW - dt.timedelta(days=730), zone=ZONE, worker="benchmark",
        command="generate",
    )  # fmt: skip
    places = conn.execute(
        "SELECT g.name, place FROM (SELECT grid_id, place, row_number() OVER"
        " (PARTITION BY grid_id ORDER BY place) AS n FROM (SELECT DISTINCT grid_id,"
        " place FROM entries WHERE place IS NOT NULL)) JOIN grids g ON g.id = grid_id"
        " WHERE n <= ?",
        (per_grid,),
    ).fetchall()
    added = 0
    for grid, place in places:
        tags = [rng.choice(("独居", "高龄"))] if rng.random() < 0.2 else []
        for _ in range(rng.choice((1, 2, 2, 3))):
            name = (
                SURNAMES[rng.randrange(len(SURNAMES))]
                + GIVEN[rng.randrange(len(GIVEN))]
            )
            try:
                add_resident(conn, ctx, NewResident(name, place, grid, tags=tags))
            except GridlogError:  # the same name twice in a household
                continue
            added += 1
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--households", type=int, default=0, help="registered per grid (default none)"
    )
    parser.add_argument(
        "--register-only", action="store_true",
        help="add the --households register to --out, an existing log",
    )  # fmt: skip
    args = parser.parse_args()
    started = time.perf_counter()
    if args.register_only:
        conn = open_db(args.out, write=True)
        added = register_households(conn, args.households)
        conn.execute("ANALYZE")
        conn.close()
        took = time.perf_counter() - started
        print(f"{added} residents registered in {took:.1f} s: {args.out}")
        return
    if args.out.exists():
        sys.exit(f"{args.out} exists; remove it first")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    conn = open_db(args.out, write=True)
    ctx = Context(now=NOW, zone=ZONE, worker="benchmark", command="generate")
    registry = register_grids(conn, ctx)
    stored = bulk.load(conn, ctx, rows(args.entries, registry)).stored
    added = register_households(conn, args.households) if args.households else 0
    conn.execute("ANALYZE")
    conn.close()
    took = time.perf_counter() - started
    size = args.out.stat().st_size / 1e6
    print(f"{stored} entries, {added} residents in {took:.1f} s, {size:.0f} MB")
    print(args.out)


if __name__ == "__main__":
    main()
