"""Photos with an entry: `add --photo` keeps a private copy beside the database,
`show` lists it, export and merge carry it, `delete` keeps it while `undo` can
bring the entry back, and `resident forget` takes it away for good."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("red_grids")

JPEG = b"\xff\xd8\xff\xe0" + "下水道堵塞的照片".encode() * 50
OTHER = b"\x89PNG\r\n\x1a\n" + b"shed" * 100


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def refused(result, *mentions: str) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    for text in mentions:
        assert text in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "sewer.jpg"
    path.write_bytes(JPEG)
    return path


@pytest.fixture
def shed(tmp_path: Path) -> Path:
    path = tmp_path / "shed.png"
    path.write_bytes(OTHER)
    return path


def folder(db: Path) -> Path:
    return db.with_name(db.name + ".photos")


def stored(db: Path) -> dict[str, bytes]:
    """The photos kept for the log at `db`: file name → content."""
    where = folder(db)
    if not where.exists():
        return {}
    return {p.name: p.read_bytes() for p in where.iterdir() if p.is_file()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key(data: bytes) -> str:
    """The stored name of a photo: its SHA-256 in base32 (no digit run on screen
    can then look like a phone number and be masked)."""
    digest = hashlib.sha256(data).digest()
    return base64.b32encode(digest).decode().rstrip("=").lower()


def add_json(gridlog, *args: str) -> dict:
    added = json.loads(ok(gridlog("add", *args, "--json")).stdout)
    return {**added, "id": added["entry_id"]}


def entry_photos(gridlog, record_id: int, *db: str) -> list[dict]:
    shown = json.loads(ok(gridlog(*db, "show", str(record_id), "--json")).stdout)
    return shown["entry"]["photos"]


# --- keeping them ------------------------------------------------------------------


def test_add_keeps_a_private_copy_of_each_photo_beside_the_database(
    gridlog, db_path, photo, shed
):
    result = ok(
        gridlog(
            "add", "下水道堵塞", "--grid", "红四", "--photo", str(photo),
            "--photo", str(shed),
        )
    )  # fmt: skip
    assert "2 photos" in result.stdout
    photo.unlink()  # the copy is the log's own, not a link to the worker's file
    assert stored(db_path) == {key(JPEG): JPEG, key(OTHER): OTHER}
    assert stat.S_IMODE(folder(db_path).stat().st_mode) == 0o700
    for path in folder(db_path).iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_show_lists_each_photo_with_its_name_size_and_where_it_is(
    gridlog, db_path, photo
):
    added = add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    shown = ok(gridlog("show", str(added["id"]))).stdout
    where = folder(db_path) / key(JPEG)
    assert "sewer.jpg" in shown and "1.2 KB" in shown
    assert str(where) in shown.replace("\n", "")
    [listed] = entry_photos(gridlog, added["id"])
    assert listed == {"name": "sewer.jpg", "size": len(JPEG), "path": str(where)}


def test_the_same_photo_twice_is_stored_once(gridlog, db_path, photo, tmp_path):
    copy = tmp_path / "again.jpg"
    copy.write_bytes(JPEG)
    first = add_json(gridlog, "第一次", "--grid", "红四", "--photo", str(photo))
    second = add_json(
        gridlog, "第二次", "--grid", "红四", "--photo", str(copy), "--photo",
        str(photo),
    )  # fmt: skip
    assert list(stored(db_path)) == [key(JPEG)]
    assert [p["name"] for p in entry_photos(gridlog, first["id"])] == ["sewer.jpg"]
    assert [p["name"] for p in entry_photos(gridlog, second["id"])] == ["again.jpg"]


def test_edit_adds_a_photo_to_an_entry_and_undo_takes_it_back(gridlog, db_path, photo):
    added = add_json(gridlog, "违建棚子", "--grid", "红四")
    result = ok(gridlog("edit", str(added["id"]), "--photo", str(photo)))
    assert "1 photo" in result.stdout
    assert [p["name"] for p in entry_photos(gridlog, added["id"])] == ["sewer.jpg"]
    ok(gridlog("undo"))
    assert entry_photos(gridlog, added["id"]) == []
    assert stored(db_path) == {}  # nothing can bring it back: the copy goes


# --- refusing ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_missing_file_a_folder_or_a_huge_file_is_refused_and_nothing_stored(
    gridlog, db_path, tmp_path, read_db, lang
):
    huge = tmp_path / "video.mp4"
    with huge.open("wb") as file:
        file.truncate(20 * 1024 * 1024 + 1)
    cases = [
        (tmp_path / "nowhere.jpg", ("nowhere.jpg",)),
        (tmp_path, (str(tmp_path),)),
        (huge, ("video.mp4", "20 MB")),
    ]
    for path, mentions in cases:
        message = refused(
            gridlog(
                "--lang", lang, "add", "照片", "--grid", "红四", "--photo", str(path)
            ),
            *mentions,
        )
        if lang == "zh":
            assert "照片" in message, message
    with read_db() as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    assert stored(db_path) == {}


def test_a_photo_that_cannot_be_written_leaves_no_half_file_and_no_entry(
    gridlog, db_path, photo, read_db, monkeypatch
):
    import errno

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    refused(gridlog("add", "照片", "--grid", "红四", "--photo", str(photo)), "full")
    monkeypatch.undo()
    with read_db() as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    where = folder(db_path)
    assert not where.exists() or list(where.iterdir()) == []
    assert not [p for p in db_path.parent.iterdir() if "partial" in p.name]


# --- deleting and forgetting ---------------------------------------------------------


def test_delete_keeps_the_photo_so_that_undo_brings_the_entry_back_whole(
    gridlog, db_path, photo
):
    added = add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    ok(gridlog("delete", str(added["id"])))
    refused(gridlog("show", str(added["id"])))
    assert stored(db_path) == {key(JPEG): JPEG}  # undo may still want it
    ok(gridlog("add", "另一条", "--grid", "红四"))  # later commands keep it too
    assert stored(db_path) == {key(JPEG): JPEG}
    ok(gridlog("undo"))  # the later add
    ok(gridlog("undo"))  # the delete
    assert [p["name"] for p in entry_photos(gridlog, added["id"])] == ["sewer.jpg"]
    ok(gridlog("undo"))  # the add itself: now nothing can bring the photo back
    assert stored(db_path) == {}


def test_a_photo_another_entry_still_has_stays_when_one_entry_lets_go(
    gridlog, db_path, photo
):
    add_json(gridlog, "第一次", "--grid", "红四", "--photo", str(photo))
    add_json(gridlog, "第二次", "--grid", "红四", "--photo", str(photo))
    ok(gridlog("undo"))
    assert stored(db_path) == {key(JPEG): JPEG}


def test_forget_removes_the_photos_of_their_entries_and_no_others(
    gridlog, db_path, photo, shed, read_db
):
    ok(gridlog("resident", "add", "臧树花", "--place", "9号楼2单元101"))
    theirs = add_json(
        gridlog, "臧树花家漏水", "--resident", "臧树花", "--photo", str(photo)
    )
    other = add_json(gridlog, "违建棚子", "--grid", "红四", "--photo", str(shed))
    result = ok(gridlog("resident", "forget", "臧树花"))
    assert "1 photo" in result.stdout
    assert entry_photos(gridlog, theirs["id"]) == []
    assert [p["name"] for p in entry_photos(gridlog, other["id"])] == ["shed.png"]
    assert stored(db_path) == {key(OTHER): OTHER}
    with read_db() as conn:
        history = " ".join(
            str(row[0]) + str(row[1])
            for row in conn.execute("SELECT before, after FROM history")
        )
    assert sha(JPEG) not in history and "sewer.jpg" not in history


# --- export and merge ----------------------------------------------------------------


def test_export_and_merge_carry_the_photo_to_another_log(
    gridlog, db_path, photo, tmp_path
):
    added = add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    exported = tmp_path / "out.jsonl"
    said = ok(gridlog("export", str(exported))).stdout
    assert "1 photo kept with an entry" in said
    [line] = [
        json.loads(text)
        for text in exported.read_text(encoding="utf-8").splitlines()
        if json.loads(text)["type"] == "photo"
    ]
    assert (line["name"], line["size"], line["sha256"]) == (
        "sewer.jpg",
        len(JPEG),
        sha(JPEG),
    )
    copy = tmp_path / "copy.db"
    ok(gridlog("--db", str(copy), "grid", "add", "红一网格"))  # a log of its own
    result = ok(gridlog("--db", str(copy), "merge", str(exported)))
    assert "photos: 1 added" in result.stdout, result.stdout
    [merged] = json.loads(ok(gridlog("--db", str(copy), "log", "--json")).stdout)
    assert merged["text"] == "下水道堵塞"
    photos = entry_photos(gridlog, merged["id"], "--db", str(copy))
    assert [p["name"] for p in photos] == ["sewer.jpg"]
    assert stored(copy) == {key(JPEG): JPEG}
    assert stat.S_IMODE(folder(copy).stat().st_mode) == 0o700
    # Merging again changes nothing.
    again = ok(gridlog("--db", str(copy), "merge", str(exported)))
    assert "photos: 0 added, 0 updated, 1 unchanged" in again.stdout
    assert len(entry_photos(gridlog, merged["id"], "--db", str(copy))) == 1
    assert added["id"]


def test_a_fresh_log_from_a_merge_has_the_photo_and_its_undo(gridlog, photo, tmp_path):
    added = add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    exported = tmp_path / "out.jsonl"
    ok(gridlog("export", str(exported)))
    copy = tmp_path / "new.db"
    ok(gridlog("--db", str(copy), "merge", str(exported)))
    assert len(entry_photos(gridlog, added["id"], "--db", str(copy))) == 1
    ok(gridlog("--db", str(copy), "undo"))  # the add, as on the first device
    assert stored(copy) == {}


@pytest.mark.parametrize("damage", ["bytes", "size", "not base64"])
def test_merge_refuses_a_damaged_photo_and_stores_nothing(
    gridlog, photo, tmp_path, damage
):
    add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    exported = tmp_path / "out.jsonl"
    ok(gridlog("export", str(exported)))
    lines = exported.read_text(encoding="utf-8").splitlines()
    for number, text in enumerate(lines):
        record = json.loads(text)
        if record["type"] == "photo":
            if damage == "bytes":
                record["data"] = base64.b64encode(JPEG[:-1] + b"!").decode()
            elif damage == "size":
                record["size"] += 1
            else:
                record["data"] = "不是照片"
            lines[number] = json.dumps(record, ensure_ascii=False)
            bad_line = number + 1
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    copy = tmp_path / "copy.db"
    message = refused(gridlog("--db", str(copy), "merge", str(exported)))
    assert f"line {bad_line}" in message and "sewer.jpg" in message
    assert stored(copy) == {}


def test_csv_export_names_the_photos_of_each_entry(gridlog, photo, shed, tmp_path):
    add_json(
        gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo), "--photo",
        str(shed),
    )  # fmt: skip
    target = tmp_path / "log.csv"
    ok(gridlog("export", str(target)))
    text = target.read_text(encoding="utf-8-sig")
    assert "sewer.jpg、shed.png" in text or "sewer.jpg; shed.png" in text


# --- backups and encryption ----------------------------------------------------------


def test_a_backup_takes_the_photos_along(gridlog, photo, tmp_path):
    add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    target = tmp_path / "saved.db"
    result = ok(gridlog("backup", str(target)))
    assert "1 photo" in result.stdout
    assert stored(target) == {key(JPEG): JPEG}
    assert stat.S_IMODE(folder(target).stat().st_mode) == 0o700


KEY = "马辉的口令 it's long enough"
needs_sqlcipher = pytest.mark.skipif(
    __import__("importlib").util.find_spec("sqlcipher3") is None,
    reason="sqlcipher3 missing",
)


@needs_sqlcipher
def test_an_encrypted_log_refuses_to_keep_a_photo_in_plain(
    gridlog, db_path, photo, read_db, monkeypatch
):
    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    ok(gridlog("encrypt"))
    refused(
        gridlog("add", "照片", "--grid", "红四", "--photo", str(photo)), "encrypted"
    )
    assert json.loads(ok(gridlog("log", "--json")).stdout) == []
    assert stored(db_path) == {}


@needs_sqlcipher
def test_encrypt_says_that_photos_already_kept_stay_in_plain(
    gridlog, db_path, photo, monkeypatch
):
    add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    result = ok(gridlog("encrypt"))
    assert "1 photo" in result.stdout and str(folder(db_path)) in result.stdout


def test_a_photo_a_killed_gridlog_was_writing_is_cleared_at_the_next_start(
    gridlog, db_path, photo
):
    import subprocess

    add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    finished = subprocess.Popen(["true"])
    finished.wait()  # its id now names no running process
    half = folder(db_path) / f".{key(OTHER)}.{finished.pid}.partial"
    half.write_bytes(OTHER[:10])
    ok(gridlog("log"))
    assert not half.exists()
    assert stored(db_path) == {key(JPEG): JPEG}


def test_forget_blots_their_name_out_of_the_names_of_other_photos(gridlog, tmp_path):
    ok(gridlog("resident", "add", "臧树花", "--place", "9号楼2单元101"))
    named = tmp_path / "臧树花家门口.jpg"
    named.write_bytes(JPEG)
    other = add_json(gridlog, "楼道堆物", "--grid", "红四", "--photo", str(named))
    ok(gridlog("resident", "forget", "臧树花"))
    names = [p["name"] for p in entry_photos(gridlog, other["id"])]
    assert names == ["***家门口.jpg"]


@pytest.mark.parametrize("harm", ["deleted", "changed"])
def test_an_export_missing_a_photo_file_is_refused_naming_it(
    gridlog, db_path, photo, tmp_path, harm
):
    added = add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    kept = folder(db_path) / key(JPEG)
    if harm == "deleted":
        kept.unlink()  # someone tidied the folder by hand
    else:
        kept.write_bytes(OTHER)  # or an editor saved over it
    target = tmp_path / "out.jsonl"
    message = refused(gridlog("export", str(target)), "sewer.jpg", f"#{added['id']}")
    assert "Traceback" not in message
    assert not target.exists()
    if harm == "changed":  # adding the photo again mends the copy
        add_json(gridlog, "又一张", "--grid", "红四", "--photo", str(photo))
        ok(gridlog("export", str(target)))


def test_a_deleted_entrys_photo_goes_once_a_forget_bars_the_undo(
    gridlog, db_path, photo
):
    ok(gridlog("resident", "add", "臧树花", "--place", "9号楼2单元101"))
    added = add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    ok(gridlog("delete", str(added["id"])))
    assert stored(db_path) == {key(JPEG): JPEG}
    ok(gridlog("resident", "forget", "臧树花"))  # about someone else entirely
    refused(gridlog("undo"))  # undo stops at a forget
    assert stored(db_path) == {}


def test_check_counts_the_photos_and_names_one_whose_file_is_gone(
    gridlog, db_path, photo
):
    added = add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    assert "Photos kept with entries: 1" in ok(gridlog("check")).stdout
    (folder(db_path) / key(JPEG)).unlink()
    result = gridlog("check")
    assert result.exit_code == 1, result.output
    assert f"photo sewer.jpg of entry #{added['id']}" in result.stdout
    assert "missing" in result.stdout


def test_a_photo_named_oddly_is_kept_under_a_name_every_command_can_show(
    gridlog, tmp_path
):
    odd = tmp_path / "门口\n\u202egpj.jpg"
    odd.write_bytes(JPEG)
    long = tmp_path / ("x" * 240 + ".jpg")
    long.write_bytes(OTHER)
    added = add_json(
        gridlog, "楼道堆物", "--grid", "红四", "--photo", str(odd), "--photo",
        str(long),
    )  # fmt: skip
    names = [p["name"] for p in entry_photos(gridlog, added["id"])]
    assert names[0] == "门口??gpj.jpg"
    assert len(names[1]) == 200 and names[1].endswith("….jpg")
    exported = tmp_path / "out.jsonl"
    ok(gridlog("export", str(exported)))
    copy = tmp_path / "copy.db"
    ok(gridlog("--db", str(copy), "merge", str(exported)))
    assert [
        p["name"] for p in entry_photos(gridlog, added["id"], "--db", str(copy))
    ] == names


def test_a_photo_that_is_not_a_plain_file_is_refused(gridlog, tmp_path):
    pipe = tmp_path / "pipe.jpg"
    os.mkfifo(pipe)
    refused(gridlog("add", "照片", "--grid", "红四", "--photo", str(pipe)), "pipe.jpg")


@needs_sqlcipher
def test_a_merge_bringing_photos_into_an_encrypted_log_is_refused(
    gridlog, photo, tmp_path, monkeypatch
):
    add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    exported = tmp_path / "out.jsonl"
    ok(gridlog("export", str(exported)))
    monkeypatch.setenv("GRIDLOG_KEY", KEY)
    locked = tmp_path / "locked.db"
    ok(gridlog("--db", str(locked), "grid", "add", "红九网格"))  # created encrypted
    refused(gridlog("--db", str(locked), "merge", str(exported)), "encrypted")
    assert json.loads(ok(gridlog("--db", str(locked), "log", "--json")).stdout) == []
    assert stored(locked) == {}


def test_history_and_undo_name_the_photos_added_and_removed(gridlog, photo):
    added = add_json(gridlog, "违建棚子", "--grid", "红四")
    ok(gridlog("edit", str(added["id"]), "--photo", str(photo)))
    shown = ok(gridlog("history", str(added["id"]))).stdout
    assert "photo added: sewer.jpg" in shown
    zh = ok(gridlog("--lang", "zh", "history", str(added["id"]))).stdout
    assert "添加照片：sewer.jpg" in zh
    ok(gridlog("delete", str(added["id"])))
    back = ok(gridlog("undo")).stdout
    assert f"photo sewer.jpg of entry #{added['id']}, which it removed, is back" in back
    gone = ok(
        gridlog("--lang", "zh", "undo")
    ).stdout  # the delete's undo is not undone;
    assert "照片 sewer.jpg" in gone  # this takes back the edit that added it


def test_the_stored_path_shown_is_never_masked_as_a_phone_number(
    gridlog, db_path, tmp_path
):
    """`show` masks every run of digits that looks like a mobile number; a photo
    named by its hex hash would sometimes hold one (`…a13812345678f…`)."""
    import re

    looks_like_a_phone = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    data = next(
        bytes([n % 256, n // 256, 7])
        for n in range(65536)
        if looks_like_a_phone.search(sha(bytes([n % 256, n // 256, 7])))
    )
    picture = tmp_path / "gate.jpg"
    picture.write_bytes(data)
    added = add_json(gridlog, "门岗", "--grid", "红四", "--photo", str(picture))
    where = str(folder(db_path) / key(data))
    assert where in ok(gridlog("show", str(added["id"]))).stdout.replace("\n", "")
    assert [p["path"] for p in entry_photos(gridlog, added["id"])] == [where]


def test_photos_a_killed_backup_was_copying_are_cleared_at_the_next_start(
    gridlog, db_path, photo, tmp_path
):
    """What a backup killed while copying the photos leaves: its half-filled
    folder, announced beside the database."""
    import subprocess

    add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    usb = tmp_path / "usb"
    usb.mkdir()
    finished = subprocess.Popen(["true"])
    finished.wait()
    half = usb / f".copy.db.photos.{finished.pid}.partial"
    half.mkdir(mode=0o700)
    (half / key(JPEG)).write_bytes(JPEG[:10])
    note = db_path.with_name(f".{db_path.name}.{finished.pid}.pending-1")
    note.symlink_to(half)
    ok(gridlog("log"))
    assert not half.exists() and not note.is_symlink()
    assert stored(db_path) == {key(JPEG): JPEG}


def test_the_photos_are_owner_only_even_under_umask_zero(gridlog, db_path, photo):
    old = os.umask(0)
    try:
        add_json(gridlog, "下水道堵塞", "--grid", "红四", "--photo", str(photo))
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder(db_path).stat().st_mode) == 0o700
    assert stat.S_IMODE((folder(db_path) / key(JPEG)).stat().st_mode) == 0o600
