"""The printable review: one self-contained HTML file, checked as text and then in a
real headless Chromium (rendered DOM, A4-sized screenshot, PDF)."""

from __future__ import annotations

import os
import struct
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gridlog.domain.report import Figures, HotSpot, Report, month_period
from gridlog.render.report_html import render_html
from gridlog.words import i18n

CHROMIUM = Path("/usr/bin/chromium")
# Read at import: the autouse `hermetic` fixture removes every GRIDLOG_* variable.
REQUIRE_CHROMIUM = bool(os.environ.get("GRIDLOG_REQUIRE_CHROMIUM"))


@pytest.fixture(autouse=True)
def restore_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_current", i18n.current_lang())
    monkeypatch.setattr(i18n, "_explicit", i18n.is_explicit())


def march_report(first_grid: str = "红四网格") -> Report:
    """Two grids in March 2019; February had only the first one, with 10 entries."""
    red_four = Figures(
        first_grid,
        entries=12,
        by_kind={"visit": 7, "patrol": 5},
        by_category={"rentals": 8, "sanitation": 4},
        places=6,
        followups_opened=4,
        followups_closed=3,
        open=2,
        overdue=1,
        median_resolution_minutes=90.0,
        longest_resolution_minutes=2880,
        due_in_period=5,
        closed_on_time=4,
    )
    red_one = Figures(
        "红一网格", entries=5, by_kind={"meeting": 5}, by_category={"party": 5}, open=1
    )
    total = Figures(
        "",
        entries=17,
        by_kind={"visit": 7, "patrol": 5, "meeting": 5},
        by_category={"rentals": 8, "sanitation": 4, "party": 5},
        places=6,
        followups_opened=4,
        followups_closed=3,
        open=3,
        overdue=1,
        median_resolution_minutes=90.0,
        longest_resolution_minutes=2880,
        due_in_period=5,
        closed_on_time=4,
    )
    february = Figures(
        first_grid,
        entries=10,
        by_kind={"visit": 10},
        open=3,
        due_in_period=2,
        closed_on_time=1,
    )
    return Report(
        period=month_period(2019, 3),
        by="grid",
        groups=[red_four, red_one],
        total=total,
        previous={first_grid: february},
        previous_total=Figures("", entries=10, by_kind={"visit": 10}, open=3),
        hot_spots=[HotSpot(first_grid, "9号楼", 3)],
    )


class _Rows(HTMLParser):
    """The text of every table row, cell by cell, as a reader sees it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(page: str) -> list[list[str]]:
    parser = _Rows()
    parser.feed(page)
    return parser.rows


def test_the_page_shows_grids_totals_and_changes_in_english():
    i18n.set_lang("en")
    page = render_html(march_report())
    rows = table_rows(page)

    assert '<html lang="en">' in page
    assert "<title>Monthly review 2019-03</title>" in page
    assert "2019-03-01 to 2019-03-31, 31 days" in page
    assert rows[1][:4] == ["红四网格", "12↑2", "7↓3", "6↑6"]
    assert rows[2][:3] == ["红一网格", "5↑5", "0"]
    # nothing closed or due: no time, no share; nothing scheduled after the month
    assert rows[2][-4:] == ["—", "—", "—", "0"]
    assert rows[3][0] == "Total"
    assert rows[3][1] == "17↑7"
    assert rows[3][6] == "3"  # open, as in February: no arrow
    assert rows[1][-2] == "80%↑30 pts"  # 1 of 2 on time in February
    assert ["home visit", "7", "0", "7"] in rows
    assert ["rentals & migrants", "8", "0", "8"] in rows
    assert ["红四网格", "9号楼", "3"] in rows


def test_the_page_is_chinese_in_chinese_mode():
    i18n.set_lang("zh")
    page = render_html(march_report())

    assert '<html lang="zh-CN">' in page
    assert "2019-03 月度讲评" in page
    assert "2019年3月1日至2019年3月31日，共31天" in page
    assert ["走访", "7", "0", "7"] in table_rows(page)


def test_the_page_is_self_contained_printable_and_fits_a_phone():
    page = render_html(march_report())

    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert '<meta name="viewport"' in page
    assert "<script" not in page.lower()
    assert "http://" not in page and "https://" not in page
    assert "url(" not in page and "@import" not in page and "<link" not in page
    assert "@page { size: A4; margin: 12mm }" in page
    assert "tr { break-inside: avoid }" in page
    assert "overflow-x: auto" in page
    assert '"Noto Sans CJK SC"' in page
    assert page.count("<svg") == 2


def test_names_typed_by_users_are_escaped():
    report = march_report(first_grid="<b>红四</b>")
    report.hot_spots = [HotSpot("<b>红四</b>", '9号楼 "东" & <script>', 3)]
    page = render_html(report)

    assert "<b>红四" not in page
    assert "&lt;b&gt;红四&lt;/b&gt;" in page
    assert "<script" not in page
    assert "9号楼 &quot;东&quot; &amp; &lt;script&gt;" in page
    assert ["<b>红四</b>", '9号楼 "东" & <script>', "3"] in table_rows(page)


def test_an_empty_month_says_so():
    i18n.set_lang("en")
    report = Report(
        period=month_period(2019, 3),
        by="grid",
        groups=[],
        total=Figures(""),
        previous={},
        previous_total=Figures(""),
        hot_spots=[],
    )
    assert "No entries or follow-ups in 2019-03." in render_html(report)


# --- In a real browser ------------------------------------------------------------


def chromium(tmp: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on `page` with no network, profile or GPU."""
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        *args,
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def chinese_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: apt-get install chromium fonts-noto-cjk"
        if REQUIRE_CHROMIUM:
            pytest.fail(f"GRIDLOG_REQUIRE_CHROMIUM is set but {reason}")
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("chromium")
    before = i18n._current
    i18n.set_lang("zh")
    try:
        (tmp / "review.html").write_text(render_html(march_report()), encoding="utf-8")
    finally:
        i18n._current = before
    yield tmp / "review.html"


def test_chromium_renders_the_grids_and_totals(chinese_page: Path):
    dom = chromium(chinese_page.parent, chinese_page, "--dump-dom").stdout
    rows = table_rows(dom)

    assert "红四网格" in dom and "红一网格" in dom
    assert rows[0][:2] == ["网格", "日志"]
    assert rows[3][:2] == ["合计", "17↑7"]
    assert dom.count("<rect") >= 5  # two bars per chart, one overdue part
    assert "未办结 2，逾期 1" in dom


def test_chromium_takes_an_a4_sized_screenshot(chinese_page: Path):
    tmp = chinese_page.parent
    chromium(
        tmp, chinese_page, f"--screenshot={tmp / 'page.png'}", "--window-size=794,1123"
    )
    png = (tmp / "page.png").read_bytes()

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (794, 1123)
    assert len(png) > 20_000  # a blank or unstyled page compresses to far less


def test_chromium_prints_it_to_pdf(chinese_page: Path):
    tmp = chinese_page.parent
    chromium(
        tmp,
        chinese_page,
        f"--print-to-pdf={tmp / 'page.pdf'}",
        "--no-pdf-header-footer",
    )
    pdf = (tmp / "page.pdf").read_bytes()

    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 30_000  # a blank page is under 10 kB
    # Chinese set in a CJK font, not as boxes: CI needs the fonts-noto-cjk package.
    assert b"CJK" in pdf, "no CJK font embedded: apt-get install fonts-noto-cjk"
