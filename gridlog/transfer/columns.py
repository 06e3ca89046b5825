"""Which column of an old log holds what: headers as offices type them (日期（必填）,
' Date ', Follow-up, 联系电话), in either language, mapped to gridlog's columns.

Kept apart from reading the cells: the mapping is made once per file, from its header
row, while the cells are read once per row; and `transfer.importing` offers it
(`COLUMNS`, `map_columns`) to whoever needs to know what a file's headers mean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from gridlog.errors import GridlogError

# What a column may be headed, in either language; compared after `header_key`.
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": (
        "日期",
        "date",
        "日期时间",
        "走访日期",
        "记录日期",
        "datetime",
        "走访时间",  # offices write the visit's date and time in one cell
        "记录时间",
        "登记时间",
    ),
    "time": ("时间", "time"),
    "grid": ("网格", "grid", "所属网格", "网格名称"),
    "place": ("地点", "place", "地址", "address", "位置", "住址", "门牌", "门牌号"),
    "resident": ("居民", "resident", "姓名", "居民姓名", "name"),
    "phone": ("电话", "phone", "联系电话", "手机", "手机号", "mobile", "tel"),
    "category": ("类别", "category", "分类", "事项类别", "问题类别", "问题分类"),
    "kind": ("类型", "kind", "方式"),
    "text": (
        "内容",
        "text",
        "事项",
        "工作内容",
        "走访内容",
        "情况",
        "content",
        "note",
        "情况记录",
        "走访情况",
    ),
    "followup": ("跟进日期", "followup", "跟进", "下次跟进"),
    "reminder": ("提醒日期", "reminder", "remind", "提醒"),
    "reminder_text": ("提醒内容", "remindertext"),
    "status": ("状态", "status", "办结情况"),
    "closed": ("办结日期", "closed", "办结时间"),
    "close_note": ("处理结果", "close_note", "办理结果", "处理情况", "result"),
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


def field_names() -> str:
    """Every field a column may hold, as `--map` takes them: 日期/date, …"""
    return ", ".join(f"{names[0]}/{key}" for key, names in COLUMNS.items())


def parse_maps(texts: Sequence[str]) -> dict[str, str]:
    """`--map 列名=字段` (repeatable): which field a header the table above does not
    know holds, by the header as typed. The field is named as a header would be
    (内容, text, 处理结果); a malformed mapping or an unknown field is refused
    before anything is read."""
    maps: dict[str, str] = {}
    for text in texts:
        parts = text.split("=")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise GridlogError("import.map_bad", text=text, exit_code=2)
        header, name = parts[0].strip(), parts[1].strip()
        field = name if name in COLUMNS else ALIASES.get(header_key(name))
        if field is None:
            raise GridlogError(
                "import.map_field", field=name, fields=field_names(), exit_code=2
            )
        maps[header] = field
    return maps


def map_columns(
    headers: list[str], maps: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Which column holds what, and the headers gridlog does not know. `maps`
    (see `parse_maps`) comes first; a lone 时间 column holds the whole moment."""
    maps = _check_mapped(headers, maps or {})
    columns: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        key = maps.get(header_key(header)) or ALIASES.get(header_key(header))
        if key is not None and key not in columns:
            columns[key] = index
        elif header.strip() and header_key(header) not in IGNORED:
            unknown.append(header.strip())
    if "date" not in columns and "time" in columns:
        columns["date"] = columns.pop("time")
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        names = "、".join(f"{COLUMNS[key][0]}/{COLUMNS[key][1]}" for key in missing)
        found = "、".join(h.strip() for h in headers if h.strip()) or "-"
        raise GridlogError("import.columns_missing", missing=names, found=found)
    return columns, unknown


def _check_mapped(headers: list[str], maps: Mapping[str, str]) -> dict[str, str]:
    """The mappings by `header_key`; one naming a column the file does not have is
    a typing mistake, refused."""
    keys = {header_key(header) for header in headers}
    for header in maps:
        if header_key(header) not in keys:
            found = "、".join(h.strip() for h in headers if h.strip()) or "-"
            raise GridlogError(
                "import.map_no_column", column=header, found=found, exit_code=2
            )
    return {header_key(header): field for header, field in maps.items()}
