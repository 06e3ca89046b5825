"""Property test of the lossless export, through the real commands: any log a worker
can type (random texts, names, phones, dates, follow-ups, reminders, closings,
edits and deletions, each on a record that exists) written with `gridlog add`,
`done`, `edit` and `delete`, then `gridlog export`ed as jsonl and brought into an
empty log with `gridlog import` (and another with `gridlog merge`), exports again
the same records and the same history; merging it a second time changes nothing.
Every command must succeed: no error is swallowed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gridlog.domain.phones import phone_digits
from gridlog.words import vocab

# What a log may hold (the rest is refused): a text neither blank nor with a NUL
# (nor a lone `-`, which `add` reads as "the text is on standard input");
# a name one printable line, without invisible format characters (a right-to-left
# override, a zero-width space).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() and text != "-")
NAME = st.builds(
    str.__add__,
    st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp")),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf")), max_size=19
    ),
)
MAYBE_NAME = st.one_of(
    st.none(), st.sampled_from(["9号楼2单元301", "冶金一号楼", "王建国"]), NAME
)
# `--resident 12` or `#12` names resident #12 of the register, not a person called 12,
# and `--resident 138-1234-5678` whoever has that phone.
RESIDENT = st.one_of(
    st.none(),
    st.sampled_from(["王建国", "李秀英"]),
    NAME.map(
        lambda name: (
            "居" + name
            if name.strip("# ").isdigit() or phone_digits(name.strip("# "))
            else name
        )
    ),
)
MOMENT = st.datetimes(dt.datetime(2018, 1, 1), dt.datetime(2019, 3, 14, 8, 0)).map(
    lambda moment: moment.strftime("%Y-%m-%d %H:%M")
)
SOME_DAY = st.dates(dt.date(2018, 1, 1), dt.date(2021, 1, 1)).map(dt.date.isoformat)
DAY = st.one_of(st.none(), SOME_DAY)


def ok(result) -> dict | None:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if result.stdout.startswith("{") else None


def add_args(data, homes: dict[str, str | None]) -> list[str]:
    """`gridlog add` with options as `--name=value`, so that a value may begin with
    a dash, and the text after `--`. A resident's first visit registers them
    (`--register`) at its place (`homes`); a visit to them elsewhere is rightly
    refused as ambiguous, so later visits to them are at that place."""
    draw = data.draw
    args = [
        f"--grid={draw(st.sampled_from(['红四网格', '红一网格']))}",
        f"--at={draw(MOMENT)}",
        f"--category={draw(st.sampled_from([t.key for t in vocab.CATEGORIES]))}",
        f"--kind={draw(st.sampled_from([t.key for t in vocab.KINDS]))}",
    ]
    place, resident = draw(MAYBE_NAME), draw(RESIDENT)
    if resident is not None:
        home = homes.setdefault(resident.strip(), place)
        if home is not None and place is not None:
            place = home
    for option, value in (
        ("--place", place),
        ("--resident", resident),
        ("--phone", draw(st.sampled_from([None, "13812345678", "+86 138-1234-5678"]))),
        ("--follow-up", draw(DAY)),
        ("--remind", draw(DAY)),
    ):
        if value is not None:
            args.append(f"{option}={value}")
    if resident is not None:
        args.append("--register")
    args += [f"--tag={tag}" for tag in draw(st.lists(NAME, max_size=2))]
    return ["add", *args, "--json", "--", draw(TEXT)]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_log_survives_export_and_import_unchanged(gridlog, template, data):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        first = folder / "first.db"
        shutil.copy(template, first)

        def run(db: Path, *args: str):
            return gridlog("--db", str(db), *args)

        entries: dict[int, list[int]] = {}  # live entry -> the items it opened
        open_items: set[int] = set()
        homes: dict[str, str | None] = {}  # resident -> the place registered
        done = []
        for _ in range(data.draw(st.integers(3, 12), label="steps")):
            possible = ["add", "add"]  # a log that grows, mostly
            if entries:
                possible += ["edit", "delete"]
            if open_items:
                possible += ["done", "done", "edit item"]
            operation = data.draw(st.sampled_from(possible), label="operation")
            if operation == "add":
                added = ok(run(first, *add_args(data, homes)))
                items = [added[k]["id"] for k in ("followup", "reminder") if added[k]]
                entries[added["entry_id"]] = items
                open_items.update(items)
            elif operation == "done":
                item = data.draw(st.sampled_from(sorted(open_items)), label="item")
                note = data.draw(st.one_of(st.none(), TEXT), label="note")
                ok(run(first, "done", str(item), *([f"--note={note}"] * bool(note))))
                open_items.discard(item)
            elif operation == "edit":
                entry = data.draw(st.sampled_from(sorted(entries)), label="entry")
                text = data.draw(st.one_of(st.none(), TEXT), label="text")
                place = NAME if text is None else st.one_of(st.none(), NAME)
                place = data.draw(place, label="place")
                changes = [f"--text={text}"] * bool(text)
                changes += [f"--place={place}"] * bool(place)
                ok(run(first, "edit", str(entry), *changes))
            elif operation == "edit item":
                item = data.draw(st.sampled_from(sorted(open_items)), label="item")
                due = data.draw(SOME_DAY, label="due")
                ok(run(first, "edit", str(item), f"--due={due}"))
            else:
                entry = data.draw(st.sampled_from(sorted(entries)), label="entry")
                ok(run(first, "delete", str(entry)))
                open_items.difference_update(entries.pop(entry))
            done.append(operation)
        for operation in sorted(set(done)):
            event(f"ran {operation}")
        event(f"{len(entries)} entries left")

        exported = folder / "first.jsonl"
        ok(run(first, "export", str(exported)))
        lines = _records(exported)
        records = [json.loads(line) for line in lines if line]
        assert {r["id"] for r in records if r["type"] == "entry"} == set(entries)
        assert {
            r["id"]
            for r in records
            if r["type"] == "followup" and r["closed_at"] is None
        } == open_items
        for command in ("import", "merge"):
            db = folder / f"by-{command}.db"
            ok(run(db, command, str(exported)))
            again = folder / f"{command}.jsonl"
            ok(run(db, "export", str(again)))
            assert _records(again) == lines, command
            ok(run(db, "merge", str(exported)))  # twice: no change
            ok(run(db, "export", "--force", str(again)))
            assert _records(again) == lines, command


def _records(path: Path) -> list[str]:
    """The export without its header's timestamp. Lines end in \\n only: texts may
    hold U+0085 or U+2028, which splitlines() cuts."""
    return path.read_text(encoding="utf-8").split("\n")[1:]
