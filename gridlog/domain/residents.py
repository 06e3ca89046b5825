"""The register of residents: who lives in which household, how old they are, what
care they need (高龄, 独居, 低保 …), and everything the log holds about them.

A household is a place (`9号楼2单元301`); a place belongs to a grid through its
building, as in `add`. Names are not unique: two residents of one name are told apart
by their household, and a name that could mean either is refused with both places.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from gridlog.context import Context
from gridlog.dates.clock import from_utc_iso
from gridlog.domain import grids, settings
from gridlog.domain.limits import Field, check_name, check_phone, check_text
from gridlog.domain.log import log_entry
from gridlog.errors import GridlogError
from gridlog.storage.history import Changes, writing

# Tags the articles' grid workers keep; others may be typed freely.
KNOWN_TAGS = ("高龄", "独居", "低保", "残疾", "退役军人", "重点人员", "特困", "空巢")
# Households whose residents carry these come first when visits are overdue.
PRIORITY_TAGS = ("独居", "高龄", "重点人员")

# The records here are NamedTuples, not frozen dataclasses: every command imports this
# module (through store), and a frozen dataclass costs about 1 ms to create (it compiles
# its methods from source), a NamedTuple a fraction of that.


class Resident(NamedTuple):
    id: int
    name: str
    place: str | None
    grid: str
    phone: str | None
    id_number: str | None
    born_on: dt.date | None
    born_year_only: bool
    tags: list[str]
    note: str | None
    registered_on: dt.date
    born_month_only: bool = False  # `born_on` is the first of the month given

    def age(self, today: dt.date) -> int | None:
        """Whole years on `today`; with only a year known, the age reached this year
        (with only a month, the age reached this month)."""
        if self.born_on is None:
            return None
        born = self.born_on
        years = today.year - born.year
        if (today.month, today.day) < (born.month, born.day):
            years -= 1
        return years


class Birth(NamedTuple):
    """A birth date as far as it is known: a year alone or a month alone stands at
    its first day (and a care rule falls due then)."""

    day: dt.date
    year_only: bool
    month_only: bool = False


class NewResident(NamedTuple):
    name: str
    place: str | None = None
    grid: str | None = None
    phone: str | None = None
    id_number: str | None = None
    birth: Birth | None = None
    tags: Sequence[str] = ()
    note: str | None = None


class Added(NamedTuple):
    resident: Resident
    linked: int  # earlier entries that named them, now linked


def parse_birth(text: str, now: dt.datetime) -> Birth:
    """`1940-05-20`, `1940/5/20`, `19400520`, `1940年5月20日`; or a year alone,
    `1940`, `1940年`, `一九四〇年`; or a month alone, `1940-03`, `1940年3月`. Two digits
    are the last such year: `38年5月20日` is 1938 (the date parser reads them so when
    looking back)."""
    today = now.date()
    value = dates_digits(text.strip())
    year = re.fullmatch(r"(\d{4})年?", value)
    month = _BIRTH_MONTH.fullmatch(value)
    if month:
        return _birth_month(int(month[1]), int(month[2]), text, today)
    if year:
        day = dt.date(int(year[1]), 1, 1)
        year_only = True
    else:
        from gridlog.dates.phrases import parse_when

        parsed = parse_when(value, now, "past")
        day, year_only = parsed.day, bool(re.fullmatch(r"\d{2}年", value))
        if not re.search(r"\d{4}|\d{2}年", value):
            raise GridlogError("resident.birth_needs_year", text=text)
    if day > today or day.year < 1880:
        raise GridlogError("resident.birth_impossible", text=text)
    return Birth(day, year_only)


_BIRTH_MONTH = re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})月?")


def _birth_month(year: int, month: int, text: str, today: dt.date) -> Birth:
    """A birth month without its day: kept as a month, never as its first day."""
    if not 1 <= month <= 12:
        raise GridlogError("date.impossible", text=text)
    day = dt.date(year, month, 1)
    if day > today or year < 1880:
        raise GridlogError("resident.birth_impossible", text=text)
    return Birth(day, False, True)


def dates_digits(text: str) -> str:
    """Chinese numerals as digits, so that `一九四〇年` shows its year."""
    from gridlog.dates.numerals import cn_numerals_to_digits

    return cn_numerals_to_digits(text)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def check_id_number(text: str) -> str:
    """An 18-character resident ID number (居民身份证号), its check digit verified."""
    value = text.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise GridlogError("resident.id_number_bad", exit_code=2)
    digits = zip(value[:17], _ID_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in digits)
    if _ID_CHECK[total % 11] != value[-1]:
        raise GridlogError("resident.id_number_check", exit_code=2)
    return value


def birth_from_id_number(id_number: str) -> Birth | None:
    try:
        day = dt.date(
            int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
        )
    except ValueError:
        return None
    return Birth(day, False)


def _clean_tags(tags: Sequence[str]) -> list[str]:
    return [check_name(Field.TAG, tag) for tag in dict.fromkeys(tags) if tag.strip()]


def add_resident(conn: sqlite3.Connection, ctx: Context, new: NewResident) -> Added:
    """Register a resident in a household; earlier entries that named them (and only
    them) are linked."""
    name = check_name(Field.NAME, new.name)
    place = _optional(new.place, Field.PLACE)
    phone = _optional(new.phone, Field.PHONE)
    id_number = check_id_number(new.id_number) if new.id_number else None
    birth = new.birth or (birth_from_id_number(id_number) if id_number else None)
    note = check_text(Field.NOTE, new.note) if new.note else None
    tags = _clean_tags(new.tags)
    with writing(conn, ctx) as changes:
        grid_id, building_id = _grid_for(conn, new.grid, place)
        same = conn.execute(
            "SELECT id FROM residents WHERE name = ? AND place IS ?", (name, place)
        ).fetchone()
        if same is not None:
            raise GridlogError("resident.exists", name=name, id=same[0])
        resident_id = changes.insert(
            "residents",
            {
                "name": name,
                "place": place,
                "grid_id": grid_id,
                "building_id": building_id,
                "phone": phone,
                "id_number": id_number,
                "born_on": birth and birth.day.isoformat(),
                "born_year_only": int(bool(birth and birth.year_only)),
                "born_month_only": int(bool(birth and birth.month_only)),
                "tags": json.dumps(tags, ensure_ascii=False),
                "note": note,
                "registered_on": ctx.today.isoformat(),
                "created_at": ctx.now_utc,
                "updated_at": ctx.now_utc,
            },
        )
        linked = _link_earlier_entries(conn, changes, resident_id, name, place)
        if birth is not None:
            from gridlog.domain import care_rules

            care_rules.fire(changes, resident_ids=[resident_id])
    return Added(get_resident(conn, resident_id), linked)


def _optional(value: str | None, option: Field) -> str | None:
    if value is None or not value.strip():
        return None
    if option is Field.PHONE:
        return check_phone(option, value)  # as strict as add and import
    return check_name(option, value)


def _grid_for(
    conn: sqlite3.Connection, grid: str | None, place: str | None
) -> tuple[int, int | None]:
    """`--grid`, else the place's building's grid, else the default grid."""
    building = grids.building_for_place(conn, place) if place else None
    building_id = None if building is None else building["id"]
    if grid:
        return grids.find_grid(conn, grid), building_id
    if building is not None:
        return building["grid_id"], building_id
    default = settings.get(conn, "grid")
    if default:
        return grids.find_grid(conn, default), building_id
    raise GridlogError("resident.grid_missing")


def _near(household: str | None, place: str | None) -> bool:
    """Is `place` this household, or a part of the address it lies in (its building,
    its entrance), or a part of it (a room)?"""
    if household is None or place is None:
        return False
    return household.startswith(place) or place.startswith(household)


def _link_earlier_entries(
    conn: sqlite3.Connection,
    changes: Changes,
    resident_id: int,
    name: str,
    place: str | None,
) -> int:
    namesakes = conn.execute(
        "SELECT count(*) FROM residents WHERE name = ?", (name,)
    ).fetchone()[0]
    if namesakes > 1:
        return 0  # which of them an old entry meant, only its writer knows
    rows = conn.execute(
        "SELECT id, place FROM entries WHERE resident = ? AND resident_id IS NULL",
        (name,),
    ).fetchall()
    linked = 0
    for row in rows:
        if place is None or row["place"] is None or _near(place, row["place"]):
            changes.update("entries", row["id"], {"resident_id": resident_id})
            linked += 1
    return linked


def _by_ref(conn: sqlite3.Connection, ref: str) -> sqlite3.Row | None:
    """`#12` (or `12` when no one has that name) names a resident by number; a
    phone number (a mobile's 11 digits, or digits written with dashes or spaces)
    names whoever has it."""
    text = ref.strip()
    by_phone = _by_phone(conn, text)
    if by_phone is not None:
        return by_phone
    number = text.lstrip("#")
    if not (number.isascii() and number.isdigit() and len(number) < 18):
        return None
    if (
        not text.startswith("#")
        and conn.execute("SELECT 1 FROM residents WHERE name = ?", (text,)).fetchone()
    ):
        return None  # someone is called that
    sql = "SELECT * FROM residents WHERE id = ?"
    row = conn.execute(sql, (int(number),)).fetchone()
    if row is None:
        raise GridlogError("resident.unknown_id", id=int(number))
    return row


def _by_phone(conn: sqlite3.Connection, text: str) -> sqlite3.Row | None:
    """The resident whose phone `text` is, when it reads as a phone number rather
    than a record's number: an id never has 11 digits, nor dashes or spaces."""
    from gridlog.domain.masking import mask_phone
    from gridlog.domain.phones import is_mobile, phone_digits, same_number

    digits = None if text.startswith("#") else phone_digits(text)
    if digits is None:
        return None
    written = not (text.isascii() and text.isdigit())
    if not (is_mobile(digits) or (written and len(digits) >= 7)):
        return None
    rows = [
        row
        for row in conn.execute(
            "SELECT * FROM residents WHERE phone IS NOT NULL ORDER BY id"
        )
        if same_number(row["phone"], digits)
    ]
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise GridlogError("resident.unknown_phone", phone=mask_phone(text))
    places = "、".join(
        f"#{row['id']} {row['name']} {row['place'] or '—'}" for row in rows
    )
    raise GridlogError(
        "resident.shared_phone",
        phone=mask_phone(text),
        count=len(rows),
        residents=places,
        id=rows[0]["id"],
    )


def match_resident(
    conn: sqlite3.Connection, ref: str, place: str | None
) -> sqlite3.Row | None:
    """The registered resident `ref` (a name or `#ID`) means at `place`, None for a
    name not registered; a clear error when it could be more than one, or when the
    only ones of that name live elsewhere."""
    row = _by_ref(conn, ref)
    if row is not None:
        return row
    name = ref.strip()
    rows = conn.execute(
        "SELECT * FROM residents WHERE name = ? ORDER BY id", (name,)
    ).fetchall()
    if not rows:
        return None
    if place is None:
        if len(rows) == 1:
            return rows[0]
        raise _ambiguous(name, rows)
    exact = [row for row in rows if row["place"] == place]
    if len(exact) == 1:
        return exact[0]
    near = [row for row in rows if _near(row["place"], place)]
    if len(near) == 1:
        return near[0]
    if near:
        raise _ambiguous(name, near)
    homeless = [row for row in rows if row["place"] is None]
    if len(rows) == 1 and homeless:
        return homeless[0]
    places = "、".join(f"#{row['id']} {row['place'] or '—'}" for row in rows)
    raise GridlogError("resident.elsewhere", name=name, places=places, place=place)


def _ambiguous(name: str, rows: Sequence[sqlite3.Row]) -> GridlogError:
    places = "、".join(f"#{row['id']} {row['place'] or '—'}" for row in rows)
    return GridlogError(
        "resident.ambiguous",
        name=name,
        count=len(rows),
        places=places,
        id=rows[0]["id"],
    )


def find_resident(conn: sqlite3.Connection, ref: str, place: str | None = None) -> int:
    """The id of the registered resident a user means (name or `#ID`, and `--place`
    when two share a name); an error if there is none."""
    row = match_resident(conn, ref, place.strip() if place else None)
    if row is None:
        raise GridlogError("resident.unknown", name=ref.strip())
    return int(row["id"])


def link_entry(
    conn: sqlite3.Connection,
    changes: Changes,
    row: sqlite3.Row | None,
    name: str,
    place: str | None,
    grid_id: int,
    building_id: int | None,
    phone: str | None,
) -> tuple[int, str]:
    """The register's id and name for an entry's `--resident`: the matched resident
    (given what the entry adds: a phone, a first household), or a new one registered
    with the entry's place. Only a worker who asks registers someone new: the name
    in a note about a shed's builder is not a household of the grid."""
    ctx = changes.ctx
    if row is None:
        resident_id = changes.insert(
            "residents",
            {
                "name": name,
                "place": place,
                "grid_id": grid_id,
                "building_id": building_id,
                "phone": phone,
                "tags": "[]",
                "registered_on": ctx.today.isoformat(),
                "created_at": ctx.now_utc,
                "updated_at": ctx.now_utc,
            },
        )
        return resident_id, name
    learned: dict[str, object] = {}
    if phone and not row["phone"]:
        learned["phone"] = phone
    if place and not row["place"]:
        learned.update(place=place, grid_id=grid_id, building_id=building_id)
    if learned:
        changes.update("residents", row["id"], {**learned, "updated_at": ctx.now_utc})
    return int(row["id"]), row["name"]


def get_resident(conn: sqlite3.Connection, resident_id: int) -> Resident:
    row = conn.execute(
        "SELECT r.*, g.name AS grid FROM residents r JOIN grids g ON g.id = r.grid_id"
        " WHERE r.id = ?",
        (resident_id,),
    ).fetchone()
    if row is None:
        raise GridlogError("resident.unknown_id", id=resident_id)
    return _resident(row)


def _resident(row: sqlite3.Row) -> Resident:
    return Resident(
        id=row["id"],
        name=row["name"],
        place=row["place"],
        grid=row["grid"],
        phone=row["phone"],
        id_number=row["id_number"],
        born_on=row["born_on"] and dt.date.fromisoformat(row["born_on"]),
        born_year_only=bool(row["born_year_only"]),
        tags=json.loads(row["tags"]),
        note=row["note"],
        registered_on=dt.date.fromisoformat(row["registered_on"]),
        born_month_only=bool(row["born_month_only"]),
    )


class ResidentFilter(NamedTuple):
    grid_ids: Sequence[int] | None = None
    place: str | None = None  # a household, or the part of an address it lies in
    tags: Sequence[str] = ()  # all of them
    min_age: int | None = None
    max_age: int | None = None
    phone: str | None = None  # any part of their number, however written
    limit: int = 0


def parse_age_range(text: str) -> tuple[int | None, int | None]:
    """`80` (80 and over), `80-` (the same), `60-79`, `-17` (17 and under)."""
    value = text.strip().replace("—", "-").replace("~", "-").replace("～", "-")
    value = value.removesuffix("岁").removesuffix("以上").removesuffix("+")
    match = re.fullmatch(r"(\d{1,3})?\s*(-)?\s*(\d{1,3})?", value)
    if not value or match is None or (match[2] is None and match[3] is not None):
        raise GridlogError("resident.bad_age", text=text, exit_code=2)
    low = int(match[1]) if match[1] else None
    high = int(match[3]) if match[3] else None
    if low is None and high is None:
        raise GridlogError("resident.bad_age", text=text, exit_code=2)
    return low, high


def list_residents(
    conn: sqlite3.Connection, today: dt.date, filters: ResidentFilter
) -> list[Resident]:
    """Registered residents matching `filters`, by grid and household."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    if filters.grid_ids:
        marks = ", ".join(f":grid{i}" for i in range(len(filters.grid_ids)))
        clauses.append(f"r.grid_id IN ({marks})")
        params.update({f"grid{i}": g for i, g in enumerate(filters.grid_ids)})
    if filters.place:
        clauses.append(
            "(substr(r.place, 1, length(:place)) = :place"
            " OR substr(:place, 1, length(r.place)) = r.place)"
        )
        params["place"] = filters.place.strip()
    for i, tag in enumerate(filters.tags):
        clauses.append(f"EXISTS (SELECT 1 FROM json_each(r.tags) WHERE value = :t{i})")
        params[f"t{i}"] = tag.strip()
    if filters.min_age is not None:
        clauses.append("r.born_on <= :oldest_birth")
        params["oldest_birth"] = _years_before(today, filters.min_age).isoformat()
    if filters.max_age is not None:
        clauses.append("r.born_on > :youngest_birth")
        params["youngest_birth"] = _years_before(today, filters.max_age + 1).isoformat()
    if filters.phone is not None:
        from gridlog.domain.phones import phone_digits, with_digits

        digits = phone_digits(filters.phone)
        if digits is None:
            raise GridlogError(
                "resident.phone_filter_bad", text=filters.phone, exit_code=2
            )
        with_digits(conn)
        clauses.append("instr(digits_of(r.phone), :phone) > 0")
        params["phone"] = digits
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    limit = f"LIMIT {int(filters.limit)}" if filters.limit > 0 else ""
    rows = conn.execute(
        "SELECT r.*, g.name AS grid FROM residents r JOIN grids g ON g.id = r.grid_id"
        f" {where} ORDER BY r.grid_id, r.place IS NULL, r.place, r.id {limit}",
        params,
    ).fetchall()
    return [_resident(row) for row in rows]


def _years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class Item(NamedTuple):
    id: int
    type: str
    text: str
    due: dt.date
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    every: str | None = None


class ResidentStory(NamedTuple):
    resident: Resident
    entries: list  # log.LogEntry, newest first
    items: list[Item]  # newest first
    upcoming: list  # care reminders not yet due


def resident_story(
    conn: sqlite3.Connection,
    zone: dt.tzinfo,
    resident_id: int,
    today: dt.date,
) -> ResidentStory:
    """Everything recorded about a resident, newest first: entries that name them,
    and the follow-ups and reminders opened for them."""
    resident = get_resident(conn, resident_id)
    rows = conn.execute(
        "SELECT e.*, g.name AS grid FROM entries e JOIN grids g ON g.id = e.grid_id"
        " WHERE e.resident_id = ? ORDER BY e.at DESC, e.id DESC",
        (resident_id,),
    ).fetchall()
    entries = [log_entry(row, zone) for row in rows]
    items = [
        _item(row, zone)
        for row in conn.execute(
            "SELECT f.* FROM followups f WHERE f.entry_id IN"
            " (SELECT id FROM entries WHERE resident_id = ?1)"
            " ORDER BY f.opened_at DESC, f.id DESC",
            (resident_id,),
        )
    ]
    from gridlog.domain.care_rules import upcoming

    return ResidentStory(resident, entries, items, upcoming(conn, resident_id, today))


def _item(row: sqlite3.Row, zone: dt.tzinfo) -> Item:
    return Item(
        id=row["id"],
        type=row["type"],
        text=row["text"],
        due=dt.date.fromisoformat(row["due_on"]),
        status="open" if row["closed_at"] is None else "done",
        opened_at=from_utc_iso(row["opened_at"], zone),
        closed_at=row["closed_at"] and from_utc_iso(row["closed_at"], zone),
        every=row["every"],
    )


class ResidentEdit(NamedTuple):
    """New values; None leaves a field as it is, "" clears an optional one."""

    name: str | None = None
    place: str | None = None
    grid: str | None = None
    phone: str | None = None
    id_number: str | None = None
    birth: Birth | None = None
    clear_birth: bool = False
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    note: str | None = None


def edit_resident(
    conn: sqlite3.Connection, ctx: Context, resident_id: int, edit: ResidentEdit
) -> Resident:
    """Correct or complete a resident's record; the old values stay in the history."""
    with writing(conn, ctx) as changes:
        row = conn.execute(
            "SELECT * FROM residents WHERE id = ?", (resident_id,)
        ).fetchone()
        if row is None:
            raise GridlogError("resident.unknown_id", id=resident_id)
        values = _edited_values(conn, row, edit)
        if not values:
            raise GridlogError("edit.nothing", exit_code=2)
        _refuse_a_double(conn, row, values)
        changes.update("residents", resident_id, {**values, "updated_at": ctx.now_utc})
        if "born_on" in values and values["born_on"] != row["born_on"]:
            _redate_care_reminders(changes, row)
    return get_resident(conn, resident_id)


def _edited_values(
    conn: sqlite3.Connection, row: sqlite3.Row, edit: ResidentEdit
) -> dict[str, object]:
    """The columns an edit changes, each checked as `add` checks it, in the order of
    the options (so the first bad one is the one reported)."""
    values: dict[str, object] = {}
    if edit.name is not None:
        values["name"] = check_name(Field.NEW_NAME, edit.name)
    if edit.place is not None or edit.grid is not None:
        values.update(_where(conn, row, edit))
    if edit.phone is not None:
        values["phone"] = _optional(edit.phone, Field.PHONE)
    if edit.id_number is not None:
        values["id_number"] = (
            check_id_number(edit.id_number) if edit.id_number.strip() else None
        )
    if edit.birth is not None:
        values["born_on"] = edit.birth.day.isoformat()
        values["born_year_only"] = int(edit.birth.year_only)
        values["born_month_only"] = int(edit.birth.month_only)
    elif edit.clear_birth:
        values.update(born_on=None, born_year_only=0, born_month_only=0)
    if edit.add_tags or edit.remove_tags:
        values["tags"] = _edited_tags(row, edit)
    if edit.note is not None:
        values["note"] = check_text(Field.NOTE, edit.note) if edit.note else None
    return values


def _where(
    conn: sqlite3.Connection, row: sqlite3.Row, edit: ResidentEdit
) -> dict[str, object]:
    """Place, grid and building move together: a new place may lie in another
    building and grid, and a new grid alone keeps the place but looks its building
    up again."""
    place = row["place"] if edit.place is None else _optional(edit.place, "")
    grid_id, building_id = _grid_for(conn, edit.grid, place)
    return {"place": place, "grid_id": grid_id, "building_id": building_id}


def _edited_tags(row: sqlite3.Row, edit: ResidentEdit) -> str:
    """The tags after removing, then adding (a tag both removed and added stays),
    in their first order, as the column stores them."""
    tags = [t for t in json.loads(row["tags"]) if t not in edit.remove_tags]
    tags = list(dict.fromkeys([*tags, *_clean_tags(edit.add_tags)]))
    return json.dumps(tags, ensure_ascii=False)


def _refuse_a_double(
    conn: sqlite3.Connection, row: sqlite3.Row, values: dict[str, object]
) -> None:
    """A new name or place must not make this record another one's twin: a name in
    a household names one person, and entries are linked by it."""
    name, place = values.get("name", row["name"]), values.get("place", row["place"])
    same = conn.execute(
        "SELECT id FROM residents WHERE name = ? AND place IS ? AND id != ?",
        (name, place, row["id"]),
    ).fetchone()
    if same is not None:
        raise GridlogError("resident.exists", name=name, id=same[0])


def _redate_care_reminders(changes: Changes, old: sqlite3.Row) -> None:
    """A changed birth date moves the reminders the care rules opened on the old one
    and opens those the new one has reached. The rules are imported only here: most
    edits leave the birth date alone."""
    from gridlog.domain import care_rules

    resident_id = old["id"]
    if old["born_on"] is not None:
        old_born = dt.date.fromisoformat(old["born_on"])
        care_rules.redate(changes, resident_id, old_born, bool(old["born_year_only"]))
    care_rules.fire(changes, resident_ids=[resident_id])
