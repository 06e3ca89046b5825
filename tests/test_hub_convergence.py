"""Three devices and the hub, random work and syncs in random order: in the end
every device holds what the hub holds of the grid they share.

The devices: the office's, and two of zhang's (a phone and a laptop, one login),
all working in 第一网格. Each seed is one run of random operations (add, visit a
case, edit the same entry on two devices, close, snooze, delete, register, edit
and forget a resident) with syncs in between; a failing seed replays exactly.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys

import pytest

psycopg = pytest.importorskip("psycopg")

import test_hub  # noqa: E402

community = test_hub.community  # the fixture: three devices and the hub

KINDS = ("entry", "followup", "signoff", "resident", "tombstone")
NAMES = ("王建国", "李秀英", "赵大爷")


class Device:
    def __init__(self, on, name: str, login: str) -> None:
        self.on, self.name, self.login = on, name, login
        self.db = on.db(login) if name == login else on.db(login) + f".{name}"

    def __call__(self, *args: str):
        if args[0] == "sync":
            args = (*args, "--hub", self.on.url(self.login))
        return self.on.at(self.db, *args)

    def json(self, *args: str) -> list[dict]:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def records(self) -> set[str]:
        """What this device holds of the shared grid, ids aside (they are its own)."""
        exported = self("export", "-")
        assert exported.exit_code == 0, exported.output
        return {
            canonical(line)
            for line in map(json.loads, exported.stdout.splitlines()[1:])
            if line.get("type") in KINDS
        }


def canonical(line: dict) -> str:
    said = {key: value for key, value in line.items() if key not in ("id", "type")}
    return json.dumps(said, ensure_ascii=False, sort_keys=True)


def hub_records(admin_url: str) -> set[str]:
    with psycopg.connect(admin_url) as admin:
        rows = admin.execute(
            "SELECT body FROM gridlog.records"
            " WHERE kind = ANY(%s) AND NOT body ? 'deleted'",
            [list(KINDS)],
        ).fetchall()
    return {canonical(body) for (body,) in rows}


def step(device: Device, rng: random.Random, n: int) -> None:
    """One random thing a worker does; refusals (a case with visits cannot be
    deleted) are part of the game, never a crash."""
    entries = device.json("log", "--limit", "200")
    due = device.json("due", "--days", "400")
    choice = rng.choice(
        [
            *("add", "add", "visit", "edit", "edit", "done", "snooze", "delete"),
            *("register", "resident", "forget"),
        ]
    )
    result = None
    if choice == "add" or (choice in ("edit", "delete") and not entries):
        extra = ("--follow-up", "明天") if rng.random() < 0.6 else ()
        result = device("add", f"走访{n}", "--grid", "第一网格", *extra)
    elif choice == "visit" and due:
        case = str(rng.choice(due)["id"])
        result = device("add", f"再访{n}", "--grid", "第一网格", "--case", case)
    elif choice == "edit":
        entry = str(rng.choice(entries)["id"])
        result = device("edit", entry, "--text", f"改{n}")
    elif choice == "done" and due:
        result = device("done", str(rng.choice(due)["id"]), "--note", f"办结{n}")
    elif choice == "snooze" and due:
        result = device("snooze", str(rng.choice(due)["id"]), "下周一", "--force")
    elif choice == "delete":
        result = device("delete", str(rng.choice(entries)["id"]))
    elif choice == "register":
        name = rng.choice(NAMES)
        result = device(
            "add", f"登记{n}", "--grid", "第一网格", "--resident", name,
            "--place", "9号楼101", "--register", "--phone", f"1381234{n:04d}",
        )  # fmt: skip
    elif choice == "resident":
        residents = device.json("resident", "list")
        if residents:
            who = str(rng.choice(residents)["id"])
            result = device("resident", "edit", who, "--note", f"备注{n}")
    elif choice == "forget":
        residents = device.json("resident", "list")
        if residents:
            result = device("resident", "forget", str(rng.choice(residents)["id"]))
    if result is not None:
        assert "Traceback" not in result.output, result.output
        assert result.exit_code in (0, 1, 2), result.output


@pytest.mark.parametrize("seed", range(int(os.environ.get("GRIDLOG_SEEDS", "4"))))
def test_every_device_ends_equal_to_the_hub(community, seed):
    on = community
    devices = [
        Device(on, "office", "office"),
        Device(on, "zhang", "zhang"),
        Device(on, "laptop", "zhang"),
    ]
    for device in devices:
        assert device("sync").exit_code == 0
    rng = random.Random(seed)
    for n in range(40):
        device = rng.choice(devices)
        if rng.random() < 0.3:
            synced = device("sync")
            assert synced.exit_code == 0, synced.output
        else:
            step(device, rng, n)
    for _ in range(4):  # until a whole round moves nothing
        moves = [device.json("sync") for device in devices]
        if not any(move["pushed"] or move["pulled"] for move in moves):
            break
    else:
        pytest.fail(f"syncs still moving records: {moves}")
    hub = hub_records(on.admin_url)
    for device in devices:
        assert device.records() == hub, device.name
    # Phones are never edited here: one the history keeps and no record holds is
    # a forgotten person's.
    assert phones(on.admin_url, "history") <= phones(on.admin_url, "records")


def phones(admin_url: str, table: str) -> set[str]:
    """The phone numbers `step` registers that the hub's `table` still holds."""
    with psycopg.connect(admin_url) as admin:
        rows = admin.execute(f"SELECT body::text FROM gridlog.{table}").fetchall()
    return {phone for (body,) in rows for phone in re.findall(r"1381234\d{4}", body)}


def killed_sync(device: Device, after: float) -> None:
    """A whole `gridlog sync` process, killed `after` seconds in (or finished)."""
    url = device.on.url(device.login)
    process = subprocess.Popen(
        [sys.executable, "-m", "gridlog", "--db", device.db, "sync", "--hub", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, err = process.communicate(timeout=after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    else:
        assert "Traceback" not in err, err


def test_a_sync_killed_fifty_times_is_finished_by_the_next(community):
    """Killed at random moments (reading, pushing, merging, remembering), a sync
    leaves both sides whole: the next one finishes the job, nothing twice."""
    on = community
    zhang, office = Device(on, "zhang", "zhang"), Device(on, "office", "office")
    for device in (zhang, office):
        assert device("sync").exit_code == 0
    rng = random.Random(50)
    for n in range(50):
        device = (zhang, office)[n % 2]
        added = device("add", f"第{n}次", "--grid", "第一网格", "--follow-up", "明天")
        assert added.exit_code == 0, added.output
        if n % 7 == 3:
            done = device("done", str(device.json("due", "--days", "3")[0]["id"]))
            assert done.exit_code == 0, done.output
        killed_sync(device, after=rng.uniform(0.05, 1.5))
    for _ in range(2):
        for device in (zhang, office):
            assert device("sync").exit_code == 0
    for device in (zhang, office):
        assert device("check").exit_code == 0, device("check").output
        texts = [entry["text"] for entry in device.json("log", "--limit", "200")]
        assert sorted(texts) == sorted(f"第{n}次" for n in range(50))
    hub = hub_records(on.admin_url)
    assert zhang.records() == office.records() == hub
