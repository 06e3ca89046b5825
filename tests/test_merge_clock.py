"""A wrong clock cannot take a merge over: the later edit of a record is the one
made after seeing the other's version (its revision is higher), whatever either
device's clock says; and two devices that exchange exports, in any order, end up
with the same records."""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.usefixtures("red_grids")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def records(gridlog, db: Path, path: Path) -> dict[str, dict]:
    """What a log holds, independent of local ids and of its history."""
    ok(gridlog("--db", str(db), "export", str(path)))
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["type"] in ("gridlog", "history", "setting"):
            continue
        record.pop("id", None)
        found[record.get("uuid") or json.dumps(record, sort_keys=True)] = record
    return found


def text_of(gridlog, db: Path, record: int = 1) -> str:
    """The text of entry or follow-up `record`, as the log holds it."""
    path = db.with_name(f"{db.stem}-{uuid.uuid4().hex}.jsonl")
    ok(gridlog("--db", str(db), "export", str(path)))
    for line in path.read_text(encoding="utf-8").splitlines():
        found = json.loads(line)
        if found["type"] in ("entry", "followup") and found["id"] == record:
            return found["text"]
    raise AssertionError(f"no record {record}")


def send(gridlog, source: Path, target: Path, path: Path, now: str) -> None:
    ok(gridlog("--db", str(source), "export", str(path), now=now))
    ok(gridlog("--db", str(target), "merge", str(path), now=now))


def test_a_clock_years_ahead_does_not_win_over_a_later_edit(gridlog, db_path, tmp_path):
    ok(gridlog("add", "楼道堆物", "--grid", "红四", now="2019-03-14T09:00"))
    phone = tmp_path / "phone.db"
    send(gridlog, db_path, phone, tmp_path / "1.jsonl", "2019-03-14T09:10")
    # The phone's clock says 2099.
    ok(
        gridlog(
            "--db", str(phone), "edit", "1", "--text", "手机", now="2099-01-01T09:00"
        )
    )
    send(gridlog, phone, db_path, tmp_path / "2.jsonl", "2099-01-01T09:10")
    assert text_of(gridlog, db_path) == "手机"
    # The office edits after seeing the phone's version: that edit is the later one.
    ok(gridlog("edit", "1", "--text", "电脑", now="2019-03-15T09:00"))
    send(gridlog, db_path, phone, tmp_path / "3.jsonl", "2019-03-15T09:10")
    send(gridlog, phone, db_path, tmp_path / "4.jsonl", "2099-01-02T09:00")
    assert text_of(gridlog, db_path) == text_of(gridlog, phone) == "电脑"


# --- many random stories --------------------------------------------------------------

YEAR = 365 * 24 * 60
SKEWS = st.sampled_from([0, -3 * YEAR, 80 * YEAR])  # minutes a clock is off
EDITS = st.sampled_from(
    [
        ("edit", "1", "--text"),
        ("edit", "3", "--text"),
        ("edit", "2", "--text"),  # the follow-up
        ("snooze", "2"),
    ]
)
STEP = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 1), EDITS),
    st.tuples(st.just("send"), st.integers(0, 1)),
)
_START: dict[str, Path] = {}


def clock(minutes: int) -> str:
    """GRIDLOG_NOW, `minutes` after 2019-03-14 08:00 (years away when skewed)."""
    import datetime as dt

    moment = dt.datetime(2019, 3, 14, 8) + dt.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def start(gridlog) -> Path:
    """Two devices with the same log: an entry, a follow-up on it, an entry."""
    if "home" not in _START:
        home = _START["home"] = Path(tempfile.mkdtemp())
        office = home / "0.db"
        ok(gridlog("--db", str(office), "grid", "add", "红四网格", "--alias", "红四"))
        ok(
            gridlog(
                "--db",
                str(office),
                "add",
                "楼道堆物",
                "--grid",
                "红四",
                "--follow-up",
                "明天",
            )
        )
        ok(gridlog("--db", str(office), "add", "路灯不亮", "--grid", "红四"))
        send(gridlog, office, home / "1.db", home / "start.jsonl", clock(1))
    return _START["home"]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(skews=st.tuples(SKEWS, SKEWS), steps=st.lists(STEP, max_size=8))
def test_two_devices_with_skewed_clocks_converge(gridlog, skews, steps):
    """Any edits on two devices whose clocks are off by years, exchanged in any
    order: once each has sent its export to the other, both hold the same
    records; and an edit made after the last exchange is the one both keep."""
    home = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(start(gridlog), home, dirs_exist_ok=True)
        dbs = (home / "0.db", home / "1.db")
        for n, (action, device, *edit) in enumerate(steps, start=10):
            now = clock(n + skews[device])
            if action == "send":
                other = 1 - device
                send(gridlog, dbs[device], dbs[other], home / f"{n}.jsonl", now)
                continue
            args = edit[0]
            value = "下周一" if args[0] == "snooze" else f"设备{device}第{n}步"
            ok(gridlog("--db", str(dbs[device]), *args, value, now=now))
        now = clock(100)
        send(gridlog, dbs[0], dbs[1], home / "a.jsonl", now)
        send(gridlog, dbs[1], dbs[0], home / "b.jsonl", now)
        both = [records(gridlog, db, home / f"r{i}.jsonl") for i, db in enumerate(dbs)]
        assert both[0] == both[1], steps
        # A further round changes nothing.
        send(gridlog, dbs[0], dbs[1], home / "c.jsonl", now)
        assert records(gridlog, dbs[1], home / "r2.jsonl") == both[1]
        # Edits made after the exchange win on both, even on the device whose
        # clock is the furthest behind.
        device = 0 if skews[0] <= skews[1] else 1
        for record in ("1", "2", "3"):
            edit = ("edit", record, "--text", "最后")
            ok(gridlog("--db", str(dbs[device]), *edit, now=clock(200 + skews[device])))
        send(gridlog, dbs[device], dbs[1 - device], home / "d.jsonl", clock(201))
        send(gridlog, dbs[1 - device], dbs[device], home / "e.jsonl", clock(202))
        for record in (1, 2, 3):
            assert text_of(gridlog, dbs[0], record) == "最后", (record, steps)
            assert text_of(gridlog, dbs[1], record) == "最后", (record, steps)
    finally:
        shutil.rmtree(home)
