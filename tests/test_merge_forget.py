"""A forget travels: `resident forget` leaves a tombstone that `export` carries and
`merge` honours, so that no export taken before the forget, merged on any device in
any order, brings the person back; and the tombstone itself holds no personal data."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_forget import file_bytes

pytestmark = pytest.mark.usefixtures("red_grids")
NAME = "臧树花"
PHONE = "13812341234"
ID_NUMBER = "110101194005201238"
SECRETS = (NAME.encode(), PHONE.encode(), ID_NUMBER.encode())


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def leaked(db: Path) -> list[bytes]:
    stored = file_bytes(db)
    return [secret for secret in SECRETS if secret in stored]


def register(gridlog, db: Path) -> None:
    """The resident, two entries and four follow-ups that name her."""
    ok(
        gridlog(
            "--db",
            str(db),
            "resident",
            "add",
            NAME,
            "--place",
            "9号楼2单元101",
            "--phone",
            PHONE,
            "--id-number",
            ID_NUMBER,
        )
    )
    ok(
        gridlog(
            "--db",
            str(db),
            "add",
            f"{NAME}右眼白内障，电话{PHONE}",
            "--resident",
            NAME,
            "--follow-up",
            "明天",
        )
    )
    ok(gridlog("--db", str(db), "add", f"邻居说{NAME}没下楼", "--grid", "红四"))
    for day in ("3月20日", "3月21日", "3月22日"):
        ok(
            gridlog(
                "--db",
                str(db),
                "add",
                "回访安排",
                "--grid",
                "红四",
                "--remind",
                day,
                "--remind-text",
                f"回访{NAME}",
            )
        )


def export(gridlog, db: Path, path: Path) -> Path:
    ok(gridlog("--db", str(db), "export", str(path)))
    return path


def test_an_export_from_before_the_forget_does_not_bring_her_back(
    gridlog, db_path, tmp_path
):
    register(gridlog, db_path)
    before = export(gridlog, db_path, tmp_path / "before.jsonl")
    ok(gridlog("resident", "forget", NAME))
    assert leaked(db_path) == []
    result = ok(gridlog("merge", str(before)))
    assert "forgotten again" in result.stdout
    assert leaked(db_path) == [], "merge brought the person back"
    assert gridlog("resident", "show", NAME).exit_code == 1
    texts = [e["text"] for e in json.loads(ok(gridlog("log", "--json")).stdout)]
    assert not any(NAME in text or PHONE in text for text in texts)
    items = json.loads(ok(gridlog("due", "--days", "30", "--json")).stdout)
    assert items and not any(NAME in item["text"] for item in items)
    assert ok(gridlog("check")).exit_code == 0
    # The merge can be merged again, and the log exported: still nobody.
    ok(gridlog("merge", str(before)))
    after = export(gridlog, db_path, tmp_path / "after.jsonl").read_bytes()
    assert not any(secret in after for secret in SECRETS)


def test_the_forget_reaches_a_device_that_still_has_her(gridlog, db_path, tmp_path):
    register(gridlog, db_path)
    before = export(gridlog, db_path, tmp_path / "before.jsonl")
    phone = tmp_path / "phone.db"
    ok(gridlog("--db", str(phone), "merge", str(before)))
    ok(gridlog("--db", str(phone), "add", f"又去看{NAME}", "--grid", "红四"))
    assert leaked(phone) == list(SECRETS)
    ok(gridlog("resident", "forget", NAME))
    forgotten = export(gridlog, db_path, tmp_path / "forgotten.jsonl")
    ok(gridlog("--db", str(phone), "merge", str(forgotten)))
    assert leaked(phone) == []
    # Whatever the phone's old export or the office's, in any order: nobody.
    ok(gridlog("--db", str(phone), "merge", str(before)))
    assert leaked(phone) == []
    from_phone = export(gridlog, phone, tmp_path / "from-phone.jsonl")
    ok(gridlog("merge", str(from_phone)))
    assert leaked(db_path) == [] and leaked(phone) == []


def test_a_text_naming_her_that_arrives_later_is_scrubbed(gridlog, db_path, tmp_path):
    """A device that never had her record wrote her name and number in a text: the
    office, which forgot her, blots them out as the text arrives; and the device,
    once it has the tombstone, blots them out of its own texts."""
    register(gridlog, db_path)
    ok(gridlog("resident", "forget", NAME))
    other = tmp_path / "other.db"
    ok(gridlog("--db", str(other), "grid", "add", "红九网格"))
    ok(
        gridlog(
            "--db", str(other), "add", f"{NAME}家属来电{PHONE}", "--grid", "红九网格"
        )
    )
    from_other = export(gridlog, other, tmp_path / "other.jsonl")
    ok(gridlog("merge", str(from_other)))
    assert leaked(db_path) == []
    texts = [e["text"] for e in json.loads(ok(gridlog("log", "--json")).stdout)]
    assert "***家属来电***" in texts
    ok(
        gridlog(
            "--db",
            str(other),
            "merge",
            str(export(gridlog, db_path, tmp_path / "o.jsonl")),
        )
    )
    assert leaked(other) == []


def test_a_tombstone_holds_no_personal_data(gridlog, db_path, tmp_path):
    register(gridlog, db_path)
    ok(gridlog("resident", "forget", NAME))
    lines = export(gridlog, db_path, tmp_path / "x.jsonl").read_text(encoding="utf-8")
    [tombstone] = [
        json.loads(line) for line in lines.splitlines() if '"tombstone"' in line
    ]
    assert tombstone["kind"] == "resident" and len(tombstone["marks"]) == 3
    assert not any(secret.decode() in json.dumps(tombstone) for secret in SECRETS)
    assert leaked(db_path) == []


# --- many random stories --------------------------------------------------------------

DEVICES = ("office", "phone", "pad")
step = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(DEVICES)),
    st.tuples(st.just("forget"), st.sampled_from(DEVICES)),
    st.tuples(st.just("send"), st.sampled_from(DEVICES), st.sampled_from(DEVICES)),
    st.tuples(st.just("old"), st.sampled_from(DEVICES)),
)
_START: dict[str, Path] = {}


def start(gridlog) -> Path:
    """Three devices with one log that knows her, and its export (made once)."""
    if "home" not in _START:
        home = _START["home"] = Path(tempfile.mkdtemp())
        office = home / "office.db"
        ok(
            gridlog(
                "--db",
                str(office),
                "grid",
                "add",
                "红四网格",
                "--alias",
                "红四",
                "--building",
                "9号楼",
            )
        )
        register(gridlog, office)
        oldest = export(gridlog, office, home / "oldest.jsonl")
        for name in DEVICES[1:]:
            ok(gridlog("--db", str(home / f"{name}.db"), "merge", str(oldest)))
    return _START["home"]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(step, min_size=1, max_size=6))
def test_no_merge_in_any_order_brings_a_forgotten_person_back(gridlog, steps):
    """Three devices start from one log that knows her; each may write about her
    (until it has her tombstone), forget her, send its export to another, or merge
    the oldest export again. A device that has forgotten her or received the
    forget never holds her data again, and once every device has sent to every
    other, none does."""
    home = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(start(gridlog), home, dirs_exist_ok=True)
        dbs = {name: home / f"{name}.db" for name in DEVICES}
        oldest = home / "oldest.jsonl"
        knows = set()  # devices that have the forget
        for n, (action, device, *to) in enumerate(steps):
            db = dbs[device]
            if action == "write" and device not in knows:
                text = f"第{n}次说到{NAME}"
                ok(gridlog("--db", str(db), "add", text, "--grid", "红四"))
            elif action == "forget":
                result = gridlog("--db", str(db), "resident", "forget", NAME)
                assert result.exit_code == 0 or device in knows, result.output
                knows.add(device)
            elif action == "old":
                ok(gridlog("--db", str(db), "merge", str(oldest)))
            elif action == "send":
                sent = export(gridlog, db, home / f"{n}.jsonl")
                ok(gridlog("--db", str(dbs[to[0]]), "merge", str(sent)))
                if device in knows:
                    knows.add(to[0])
            for name in knows:
                assert leaked(dbs[name]) == [], (name, steps)
        if knows:
            for n, source in enumerate((*DEVICES, *DEVICES)):
                sent = export(gridlog, dbs[source], home / f"last-{n}.jsonl")
                for target in DEVICES:
                    if target != source:
                        ok(gridlog("--db", str(dbs[target]), "merge", str(sent)))
            for name in DEVICES:
                assert leaked(dbs[name]) == [], (name, steps)
    finally:
        shutil.rmtree(home)


# --- her numbers however they are written ---------------------------------------------

WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def forgotten_with_an_earlier_phone(gridlog, db: Path) -> str:
    """She is registered with PHONE, changes to a new number, and is forgotten;
    returns the new number."""
    new = "13955556666"
    register(gridlog, db)
    ok(gridlog("--db", str(db), "resident", "edit", NAME, "--phone", new))
    ok(gridlog("--db", str(db), "resident", "forget", NAME))
    return new


def merge_texts(gridlog, db: Path, home: Path, texts: list[str]) -> list[str]:
    """A device that never had her record writes `texts`; `db` merges its export.
    Returns the texts as `db` then holds them, in full."""
    other = home / "other.db"
    if other.exists():
        other.unlink()
    ok(gridlog("--db", str(other), "grid", "add", "红九网格"))
    for text in texts:
        ok(gridlog("--db", str(other), "add", text, "--grid", "红九网格"))
    ok(gridlog("--db", str(db), "merge", str(export(gridlog, other, home / "o.jsonl"))))
    shown = ok(gridlog("--db", str(db), "log", "--json", "--reveal", "--grid", "红九"))
    return sorted(entry["text"] for entry in json.loads(shown.stdout))


def test_a_merge_blots_her_numbers_however_written(gridlog, db_path, tmp_path):
    """A later merge writes her phone with dashes, spaces, full-width digits or
    +86, or her earlier phone: the tombstone knows them all."""
    new = forgotten_with_an_earlier_phone(gridlog, db_path)
    written = {
        "留的电话 138-1234-1234": "留的电话 ***",
        "电话 138 1234 1234 打不通": "电话 *** 打不通",
        f"新号码{PHONE.translate(WIDE)}": "新号码***",
        f"+86 {PHONE}是她女儿代接": "***是她女儿代接",
        f"现在的号码{new[:3]}-{new[3:]}": "现在的号码***",
        "身份证 110101 19400520 1238 已核对": "身份证 *** 已核对",
        "别人的电话13700001111": "别人的电话13700001111",
    }
    assert merge_texts(gridlog, db_path, tmp_path, list(written)) == sorted(
        written.values()
    )
    assert leaked(db_path) == []


digit_variant = st.tuples(
    st.booleans(),  # full-width
    st.sampled_from(["", " ", "-", ".", "\u3000", "－"]),  # between groups
)


@st.composite
def a_variant(draw) -> str:
    """Her phone or ID number as someone might type it."""
    number = draw(st.sampled_from([PHONE, ID_NUMBER, "13955556666"]))
    out = []
    for digit in number:
        wide, gap = draw(digit_variant)
        if out and draw(st.integers(0, 3)) == 0:
            out.append(gap)
        out.append(digit.translate(WIDE) if wide else digit)
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "86", "＋８６"]))
    return prefix + "".join(out) if number != ID_NUMBER else "".join(out)


around = st.text(alphabet="回访电话号码是她说的，。：；（）家人女儿", max_size=6)
_FORGOTTEN: dict[str, Path] = {}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pieces=st.lists(st.tuples(around, a_variant(), around), min_size=1, max_size=3))
def test_no_written_variant_of_a_forgotten_number_comes_back(gridlog, pieces):
    """Random spellings of her numbers in texts merged after the forget: each is
    blotted out whole and nothing around it changes."""
    if "home" not in _FORGOTTEN:
        home = Path(tempfile.mkdtemp())
        ok(gridlog("--db", str(home / "office.db"), "grid", "add", "红四网格",
                   "--alias", "红四", "--building", "9号楼"))  # fmt: skip
        forgotten_with_an_earlier_phone(gridlog, home / "office.db")
        _FORGOTTEN["home"] = home
    home = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(_FORGOTTEN["home"], home, dirs_exist_ok=True)
        texts = ["".join(piece) for piece in pieces]
        got = merge_texts(gridlog, home / "office.db", home, texts)
        assert got == sorted(f"{a}***{b}" for a, _, b in pieces), texts
    finally:
        shutil.rmtree(home)


def without_kinds(export_file: Path, to: Path) -> Path:
    """The export as a gridlog from before marks said which were numbers wrote it."""
    lines = []
    for line in export_file.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("type") == "tombstone":
            for mark in record["marks"]:
                mark.pop("number", None)
        lines.append(json.dumps(record, ensure_ascii=False))
    to.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return to


def test_the_fast_scrub_blots_exactly_what_the_full_one_does(
    gridlog, db_path, tmp_path
):
    """A merge reads numbers only where digits are for a mark known to be a number;
    a mark from an older export (not known) is looked for in every stretch of
    every text. Both blot the same: the same log comes out of either."""
    new = forgotten_with_an_earlier_phone(gridlog, db_path)
    other = tmp_path / "other.db"
    ok(gridlog("--db", str(other), "grid", "add", "红九网格"))
    texts = [
        f"{NAME}说电话是{PHONE}",
        f"订单号99{PHONE}8",  # inside a longer number
        f"订单号99{PHONE}",
        f"身份证{ID_NUMBER[:-1]}X，旧号{new[:3]} {new[3:7]} {new[7:]}",
        f"臧树{PHONE[:5]}花{PHONE}{PHONE}",
        "楼顶漏水，物业已修好",
        f"{PHONE.translate(WIDE)}和{PHONE[::-1]}",
    ]
    for text in texts:
        ok(gridlog("--db", str(other), "add", text, "--grid", "红九网格"))
    marked = export(gridlog, db_path, tmp_path / "marked.jsonl")
    assert '"number": true' in marked.read_text(encoding="utf-8")
    old = without_kinds(marked, tmp_path / "old.jsonl")
    logs = []
    for n, source in enumerate((marked, old)):
        device = tmp_path / f"device{n}.db"
        shutil.copy(other, device)
        ok(gridlog("--db", str(device), "merge", str(source)))
        shown = ok(gridlog("--db", str(device), "log", "--json", "--reveal"))
        everything = export(gridlog, device, tmp_path / f"device{n}.jsonl")
        kept = [  # records and their history; the tombstones differ as merged
            line
            for line in everything.read_text(encoding="utf-8").splitlines()
            if '"type": "tombstone"' not in line
        ]
        logs.append(([e["text"] for e in json.loads(shown.stdout)], kept))
    assert logs[0] == logs[1]
    assert "订单号99***8" in logs[0][0]  # as written it goes, even inside digits
    assert leaked(tmp_path / "device0.db") == []
