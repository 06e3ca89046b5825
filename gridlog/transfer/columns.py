"""Which column of an old log holds what: headers as offices type them (日期（必填）,
' Date ', Follow-up, 联系电话), in either language, mapped to gridlog's columns.

Kept apart from reading the cells: the mapping is made once per file, from its header
row, while the cells are read once per row; and `transfer.importing` offers it
(`COLUMNS`, `map_columns`) to whoever needs to know what a file's headers mean.
"""

from __future__ import annotations

import re
import unicodedata

from gridlog.errors import GridlogError

# What a column may be headed, in either language; compared after `header_key`.
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "date", "日期时间", "走访日期", "记录日期", "datetime"),
    "time": ("时间", "time"),
    "grid": ("网格", "grid", "所属网格", "网格名称"),
    "place": ("地点", "place", "地址", "address", "位置"),
    "resident": ("居民", "resident", "姓名", "居民姓名", "name"),
    "phone": ("电话", "phone", "联系电话", "手机", "手机号", "mobile", "tel"),
    "category": ("类别", "category", "分类", "事项类别"),
    "kind": ("类型", "kind", "方式"),
    "text": ("内容", "text", "事项", "工作内容", "走访内容", "情况", "content", "note"),
    "followup": ("跟进日期", "followup", "跟进", "下次跟进"),
    "reminder": ("提醒日期", "reminder", "remind", "提醒"),
    "reminder_text": ("提醒内容", "remindertext"),
    "status": ("状态", "status", "办结情况"),
    "closed": ("办结日期", "closed", "办结时间"),
    "tags": ("标签", "tags"),
    "worker": ("网格员", "worker", "记录人"),
}
# Columns gridlog's own exports carry that an import does not need.
IGNORED = ("编号", "id", "序号", "no")
REQUIRED = ("date", "text")


def header_key(header: str) -> str:
    """Headers as people type them: 日期（必填）, ' Date ', Follow-up, follow_up."""
    text = unicodedata.normalize("NFKC", header).strip().lower().lstrip("\ufeff")
    text = re.sub(r"\(.*?\)|\*", "", text)
    return re.sub(r"[\s_\-]", "", text)


ALIASES = {header_key(name): key for key, names in COLUMNS.items() for name in names}


def map_columns(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds what, and the headers gridlog does not know."""
    columns: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        key = ALIASES.get(header_key(header))
        if key is not None and key not in columns:
            columns[key] = index
        elif header.strip() and header_key(header) not in IGNORED:
            unknown.append(header.strip())
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        names = "、".join(f"{COLUMNS[key][0]}/{COLUMNS[key][1]}" for key in missing)
        found = "、".join(h.strip() for h in headers if h.strip()) or "-"
        raise GridlogError("import.columns_missing", missing=names, found=found)
    return columns, unknown
