"""What the screen shows: aligned plain text in pipes, rich on terminals, and never a
raw control character from the log."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

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


# --- a real terminal -----------------------------------------------------------------

LONG = "9号楼有人往下扔建筑垃圾，物业说明天来清理，请居民注意安全，不要在楼下停留"
HOSTILE = "恶意\x1b[2J\x1b]0;pwned\x07文本[bold]粗[/bold]"  # clears, retitles, markup
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colour and weight, which rich may send


def on_a_terminal(*args: str, lang: str = "en") -> str:
    """`gridlog ARGS` with its output on a pseudo-terminal 80 columns wide, as a
    user's screen receives it (rich's colours removed, lines as the pty ends them)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
    env = {**os.environ, "COLUMNS": "80", "LINES": "40", "TERM": "xterm-256color"}
    env["GRIDLOG_LANG"] = lang
    for name in ("NO_COLOR", "TYPER_USE_RICH", "FORCE_COLOR"):
        env.pop(name, None)
    probe = (
        "import sys; assert sys.stdout.isatty();"
        " from gridlog.cli.main import run; run()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", probe, *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    received = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            received += chunk
        assert process.wait(timeout=60) == 0, received.decode(errors="replace")
    finally:
        os.close(master)
    screen = received.decode("utf-8").replace("\r\n", "\n")
    assert "Traceback" not in screen
    # Nothing but rich's own colours may reach the terminal: no escape, BEL or other
    # control character from the log.
    plain = SGR.sub("", screen)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", plain), repr(plain)
    return plain


def rows_of(screen: str, starts: str) -> dict[str, tuple[int, str]]:
    """Each table row whose first line contains `starts` (e.g. '#'): the display
    column its last cell begins at, and that cell's text put back together from
    the lines it wraps onto (which must begin at that same column)."""
    lines = screen.split("\n")
    rows: dict[str, tuple[int, str]] = {}
    current = None
    for line in lines:
        found = re.search(r"#\d+", line)
        if found and starts in line:
            cells = line.rstrip().split("  ")
            last = cells[-1].strip()
            column = width(line[: line.rindex(last)])
            current = found.group()
            rows[current] = (column, last)
        elif current and line.strip() and line.startswith(" "):
            column, text = rows[current]
            indent = len(line) - len(line.lstrip(" "))
            assert indent == column, f"{line!r} is not under column {column}"
            rows[current] = (column, text + line.strip())
        else:
            current = None
    return rows


@pytest.fixture
def chinese_log(gridlog, red_grids):
    for args in (
        ("add", LONG, "--place", "9号楼2单元301", "--at", "2019-03-13 08:10"),
        ("add", HOSTILE, "--place", "9号楼", "--at", "2019-03-10 09:00"),
    ):
        result = gridlog(*args, "--follow-up", "今天", "--resident", "王建国")
        assert result.exit_code == 0, result.output


def test_due_on_a_real_terminal_shows_chinese_aligned_and_escaped(chinese_log):
    screen = on_a_terminal("due")
    assert all(width(line) <= 80 for line in screen.split("\n")), screen
    assert "Due on Thu 2019-03-14 · 2 items" in screen and "红四网格" in screen
    rows = rows_of(screen, "follow-up")
    assert sorted(rows) == ["#2", "#4"], screen
    assert rows["#2"][1] == LONG
    assert rows["#4"][1] == clean(HOSTILE)  # shown escaped, markup as typed
    assert rows["#2"][0] == rows["#4"][0]  # the texts start in one column
    zh = on_a_terminal("due", lang="zh")
    assert "红四网格" in zh and "今天到期" in zh and LONG[:8] in zh


def test_log_on_a_real_terminal_shows_chinese_aligned_and_escaped(chinese_log):
    screen = on_a_terminal("log")
    assert all(width(line) <= 80 for line in screen.split("\n")), screen
    assert "2019-03-13 Wed" in screen and "2019-03-10 Sun" in screen
    rows = rows_of(screen, "红四网格")
    assert sorted(rows) == ["#1", "#3"], screen
    assert rows["#1"][1] == f"王建国:{LONG}"
    assert rows["#3"][1] == f"王建国:{clean(HOSTILE)}"
