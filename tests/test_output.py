"""What the screen shows: aligned plain text in pipes, rich on terminals, and never a
raw control character from the log."""

from __future__ import annotations

from gridlog.render.output import Heading, Table, clean, record_rich, to_plain, width


def test_clean_escapes_controls_and_keeps_chinese():
    assert clean("楼北侧\x1b[31m跑水\x00") == "楼北侧\\x1b[31m跑水\\x00"
    assert clean("第一行\n第二行") == "第一行↵ 第二行"
    assert clean(None) == ""


def test_wide_characters_count_double():
    assert width("9号楼") == 5
    assert width("ＡＢ") == 4


def test_plain_tables_align_mixed_width_text():
    doc = [
        Heading("红四网格"),
        Table([["#1", "9号楼", "跑水"], ["#12", "小白楼", "x"]]),
    ]
    lines = to_plain(doc).splitlines()
    assert lines[0] == "红四网格"
    assert lines[1].index("9号楼") == lines[2].index("小白楼")
    assert width(lines[1][: lines[1].index("跑水")]) == width(
        lines[2][: lines[2].index("x")]
    )


def test_rich_rendering_fits_80_columns_with_chinese():
    long_text = "9号楼楼顶漏水，涉及18户，动用维修基金需全体住户签字" * 2
    doc = [
        Table(
            [["#10", "跟进", "1月14日", ("逾期60天", "overdue"), long_text]],
            title="红四网格",
        )
    ]
    screen = record_rich(doc, columns=80)
    assert "逾期60天" in screen and "红四网格" in screen
    assert all(width(line) <= 80 for line in screen.splitlines())


def test_due_renders_on_a_terminal(gridlog, red_grids, monkeypatch):
    from gridlog.render import log as render

    result = gridlog("add", "楼顶漏水", "--place", "9号楼", "--follow-up", "昨天")
    assert result.exit_code == 0, result.output
    from gridlog.domain.log import due_items
    from gridlog.storage.db import open_db, resolve_path

    with open_db(resolve_path(None), write=False) as conn:
        import datetime as dt

        items = due_items(conn, dt.date(2019, 3, 14))
    screen = record_rich(render.due_doc(items, dt.date(2019, 3, 14), 0), columns=80)
    assert "1 day overdue" in screen and "红四网格" in screen
