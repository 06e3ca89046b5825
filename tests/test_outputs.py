"""Where gridlog writes a file (report --output, export, import --rejects, backup):
never over the database or its -wal/-shm/-journal, through a symlink or not, never
over the file being imported, never over an existing file without --force, never a
folder; and a failed write (a full disk) leaves no file that looks whole."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest

from gridlog.storage import files


@pytest.fixture
def logbook(gridlog, red_grids) -> None:
    result = gridlog("add", "9号楼楼顶漏水", "--place", "9号楼", "--grid", "红四")
    assert result.exit_code == 0, result.output


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


WRITERS = {
    "report html": ("report", "--month", "2019-03", "--format", "html", "--output"),
    "report xlsx": ("report", "--month", "2019-03", "--format", "xlsx", "--output"),
    "export jsonl": ("export", "--format", "jsonl"),
    "export csv": ("export", "--format", "csv"),
    "backup": ("backup",),
}


def run_writer(gridlog, writer: str, target: Path, *extra: str):
    return gridlog(*WRITERS[writer], str(target), *extra)


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
@pytest.mark.parametrize("through_link", [False, True], ids=["path", "symlink"])
def test_no_output_is_written_over_the_database(
    gridlog, logbook, db_path, tmp_path, writer, suffix, through_link
):
    target = db_path.with_name(db_path.name + suffix)
    if through_link:
        link = tmp_path / "elsewhere" / "report.out"
        link.parent.mkdir()
        link.symlink_to(target)
        target = link
    before = digest(db_path)

    result = run_writer(
        gridlog, writer, target, *(() if writer == "backup" else ("--force",))
    )

    one_line(result, "database")
    assert digest(db_path) == before
    assert gridlog("log").exit_code == 0


def test_import_rejects_are_never_written_over_the_database_or_the_import(
    gridlog, logbook, db_path, tmp_path
):
    source = tmp_path / "old.csv"
    sheet = "日期,网格,内容\n2019-03-01,红四,好的一行\nnot a date,红四,坏的一行\n"
    source.write_text(sheet, encoding="utf-8")
    before = digest(db_path)

    for target, word in ((db_path, "database"), (source, "being read")):
        result = gridlog(
            "import", str(source), "--skip-bad", "--rejects", str(target), "--force"
        )
        one_line(result, word)
        assert digest(db_path) == before
    assert source.read_text(encoding="utf-8") == sheet


def test_the_default_reject_file_never_replaces_an_earlier_one(
    gridlog, logbook, tmp_path
):
    source = tmp_path / "old.csv"
    source.write_text(
        "日期,网格,内容\n2019-03-01,红四,好的一行\nnot a date,红四,坏的一行\n",
        encoding="utf-8",
    )
    earlier = tmp_path / "old.rejected.csv"
    earlier.write_text("my corrected rows\n")

    result = gridlog("import", str(source), "--skip-bad")

    assert result.exit_code == 0, result.output
    assert earlier.read_text() == "my corrected rows\n"
    assert "old.rejected-2.csv" in result.stdout
    assert "坏的一行" in (tmp_path / "old.rejected-2.csv").read_text("utf-8-sig")


@pytest.mark.parametrize(
    "writer", ["report html", "report xlsx", "export jsonl", "export csv"]
)
def test_an_existing_file_is_replaced_only_with_force(
    gridlog, logbook, tmp_path, writer
):
    target = tmp_path / "march.out"
    target.write_text("last month's work\n")

    one_line(run_writer(gridlog, writer, target), "already exists", "--force")
    assert target.read_text() == "last month's work\n"

    result = run_writer(gridlog, writer, target, "--force")
    assert result.exit_code == 0, result.output
    assert target.read_bytes() != b"last month's work\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_explicit_rejects_file_is_replaced_only_with_force(gridlog, logbook, tmp_path):
    source = tmp_path / "old.csv"
    source.write_text(
        "日期,网格,内容\n2019-03-01,红四,好的一行\nnot a date,红四,坏的一行\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "bad.csv"
    rejects.write_text("keep me\n")
    args = ("import", str(source), "--skip-bad", "--rejects", str(rejects))
    one_line(gridlog(*args), "already exists")
    assert rejects.read_text() == "keep me\n"
    assert gridlog("log").stdout.count("好的一行") == 0  # nothing was imported
    assert gridlog(*args, "--force").exit_code == 0
    assert "坏的一行" in rejects.read_text("utf-8-sig")


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_folder_or_a_missing_folder_is_one_line(gridlog, logbook, tmp_path, writer):
    one_line(run_writer(gridlog, writer, tmp_path), "folder")
    one_line(run_writer(gridlog, writer, tmp_path / "nowhere" / "x.out"), "nowhere")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_read_only_folder_is_one_line(gridlog, logbook, unprivileged, writer):
    """As root (as CI runs), a real gridlog process run as nobody: root itself
    writes through folder modes."""
    user = unprivileged()
    folder = user.home / "locked"
    folder.mkdir(mode=0o500)
    user.own(folder)
    try:
        one_line(run_writer(gridlog, writer, folder / "x.out"), "permission")
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("writer", ["report html", "report xlsx", "export csv"])
def test_a_full_disk_leaves_no_file_behind(
    gridlog, logbook, tmp_path, monkeypatch, writer
):
    real_fdopen = os.fdopen

    class Full:
        """A file on a disk with no room left."""

        def __init__(self, raw):
            self.raw = raw

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.raw, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.raw.close()

    monkeypatch.setattr(
        files.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode))
    )
    target = tmp_path / "out" / "march.out"
    target.parent.mkdir()

    one_line(run_writer(gridlog, writer, target), "disk is full")
    assert list(target.parent.iterdir()) == []
