"""Collective sign-offs: a follow-up that needs every household of a list to agree or
sign, such as using the maintenance fund (维修基金) for a roof that covers 18 homes.
The tally says how many have signed, who refused, and whom to visit next."""

import re
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from gridlog.context import Context
from gridlog.domain.items import find_item
from gridlog.domain.limits import Field, check_name
from gridlog.errors import GridlogError

STATUSES = ("pending", "signed", "refused")


class Tally(NamedTuple):  # (not a dataclass: see `context.Context`)
    item_id: int
    signed: list[str]
    refused: list[str]
    pending: list[str]

    @property
    def needed(self) -> int:
        return len(self.signed) + len(self.refused) + len(self.pending)

    @property
    def to_visit(self) -> list[str]:
        """Households still to win over: those not asked yet, then those who said no."""
        return [*self.pending, *self.refused]


def split_households(values: Sequence[str]) -> list[str]:
    """`101 102`, `101,102` and `101、102` all name two households."""
    names = [part for value in values for part in re.split(r"[,，、;；]", value)]
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def record(
    conn: sqlite3.Connection,
    ctx: Context,
    record_id: int,
    households: Sequence[str],
    status: str | None,
) -> Tally:
    """Put households on a follow-up's list (`status` None), or record their answer."""
    names = [check_name(Field.HOUSEHOLD, name) for name in split_households(households)]
    if not names:
        raise GridlogError("field.empty", field=Field.HOUSEHOLD, exit_code=2)
    from gridlog.storage.history import writing  # only a write needs it

    with writing(conn, ctx) as changes:
        item = find_item(conn, record_id)
        if item["closed_at"] is not None:
            raise GridlogError("item.already_done", id=item["id"])
        listed = {
            row["household"]: row
            for row in conn.execute(
                "SELECT * FROM signoffs WHERE followup_id = ?", (item["id"],)
            )
        }
        if status is None:
            for name in names:
                if name not in listed:
                    changes.insert(
                        "signoffs",
                        {
                            "followup_id": item["id"],
                            "household": name,
                            "created_at": ctx.now_utc,
                            "updated_at": ctx.now_utc,
                        },
                    )
        else:
            missing = [name for name in names if name not in listed]
            if missing:
                key = "sign.not_listed" if listed else "sign.no_list"
                raise GridlogError(
                    key, id=item["id"], households="、".join(missing), exit_code=2
                )
            for name in names:
                if listed[name]["status"] != status:
                    changes.update(
                        "signoffs",
                        listed[name]["id"],
                        {
                            "status": status,
                            "answered_at": None if status == "pending" else ctx.now_utc,
                            "updated_at": ctx.now_utc,
                        },
                    )
        item_id = item["id"]
    return tally(conn, item_id)


def tally(conn: sqlite3.Connection, item_id: int) -> Tally:
    """Where a follow-up's sign-off stands, households in the order they were listed."""
    groups: dict[str, list[str]] = {status: [] for status in STATUSES}
    for row in conn.execute(
        "SELECT household, status FROM signoffs WHERE followup_id = ? ORDER BY id",
        (item_id,),
    ):
        groups[row["status"]].append(row["household"])
    return Tally(item_id, groups["signed"], groups["refused"], groups["pending"])
