"""A record's digest: what it says, whatever id a device gave it. `sync` keeps the
digest of what it last sent or took of each record (`hub_sent`), so that it pushes
only what changed since; `deletions` tells by it whether the hub still holds the
version a device deleted."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def digest(line: dict[str, Any]) -> str:
    """What a record says, whatever id this device gave it."""
    said = {key: value for key, value in line.items() if key != "id"}
    text = json.dumps(said, ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()
