"""Property test of the lossless export: any log a worker can type (random texts,
names, phones, dates, follow-ups, reminders, closings, edits and deletions) exported
as jsonl, merged into an empty log and exported again gives the same records and
the same history. Only gridlog's own input errors may refuse an operation."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gridlog.context import Context
from gridlog.domain import entries, grids, revisions
from gridlog.errors import GridlogError
from gridlog.storage.db import open_db
from gridlog.transfer.export_jsonl import write_jsonl
from gridlog.transfer.merge_apply import merge_lines
from gridlog.words import vocab

ZONE = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2019, 3, 14, 8, 0, tzinfo=ZONE)
# What a log may hold (`merge` refuses the rest): no NUL in a text; in a name, no
# control or invisible format character (a right-to-left override, a zero-width space).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
SHORT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf")), max_size=40
)
NAME = st.one_of(
    st.none(), st.sampled_from(["9号楼2单元301", "冶金一号楼", "王建国"]), SHORT
)
MOMENT = st.datetimes(dt.datetime(2018, 1, 1), dt.datetime(2019, 3, 14)).map(
    lambda moment: moment.replace(microsecond=0, tzinfo=ZONE)
)
DAY = st.one_of(st.none(), st.dates(dt.date(2018, 1, 1), dt.date(2021, 1, 1)))
ADD = st.builds(
    entries.Draft,
    text=TEXT,
    at=MOMENT,
    grid=st.sampled_from(["红四网格", "红一网格"]),
    place=NAME,
    resident=NAME,
    phone=st.one_of(st.none(), st.sampled_from(["13812345678", "+86 138-1234-5678"])),
    category=st.sampled_from([term.key for term in vocab.CATEGORIES]),
    kind=st.sampled_from([term.key for term in vocab.KINDS]),
    follow_up=DAY,
    remind=DAY,
    tags=st.lists(SHORT, max_size=2),
)
OPS = st.lists(
    st.one_of(
        ADD.map(lambda draft: ("add", draft)),
        st.tuples(st.just("done"), st.integers(1, 12), st.one_of(st.none(), TEXT)),
        st.tuples(st.just("edit"), st.integers(1, 12), TEXT, NAME),
        st.tuples(st.just("delete"), st.integers(1, 12)),
    ),
    min_size=1,
    max_size=8,
)


def apply(conn, ctx: Context, op: tuple) -> None:
    """One command as the CLI would run it; a refusal is gridlog's own error."""
    try:
        if op[0] == "add":
            entries.add_entry(conn, ctx, op[1])
        elif op[0] == "done":
            entries.close_item(conn, ctx, op[1], note=op[2] or None)
        elif op[0] == "edit":
            edit = revisions.EntryEdit(text=op[2] or None, place=op[3] or None)
            revisions.edit_record(conn, ctx, op[1], edit)
        else:
            revisions.delete_entry(conn, ctx, op[1])
    except GridlogError:
        pass


def exported(conn, ctx: Context) -> list[str]:
    out = io.StringIO()
    write_jsonl(conn, ctx, out)
    # Lines end in \n only: texts may hold U+0085 or U+2028, which splitlines() cuts.
    return out.getvalue().split("\n")[1:]  # without the header's timestamp


@settings(max_examples=1000, deadline=None)
@given(ops=OPS)
def test_any_log_survives_export_and_import_unchanged(ops):
    ctx = Context(now=NOW, zone=ZONE, worker="马辉", command="add")
    with tempfile.TemporaryDirectory() as folder:
        first = open_db(Path(folder) / "first.db", write=True)
        grids.add_grid(first, ctx, "红四网格", buildings=["9号楼"])
        grids.add_grid(first, ctx, "红一网格", buildings=["冶金一号楼"])
        for op in ops:
            apply(first, ctx, op)
        lines = exported(first, ctx)
        second = open_db(Path(folder) / "second.db", write=True)
        merge_lines(second, ctx, _with_header(first, ctx))
        assert exported(second, ctx) == lines
        merge_lines(second, ctx, _with_header(first, ctx))  # twice: no change
        assert exported(second, ctx) == lines
        first.close()
        second.close()


def _with_header(conn, ctx: Context) -> list[str]:
    out = io.StringIO()
    write_jsonl(conn, ctx, out)
    return out.getvalue().split("\n")
