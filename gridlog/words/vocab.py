"""The grid workers' own lines of work and kinds of entry.

What a user types may be a category's name in any language gridlog speaks, a common
synonym or the English key; what is stored is always the key, so reports and exports
do not depend on the language of whoever typed the entry. The names shown are in the
message catalogues (`label.category.<key>`, `label.kind.<key>`), so a third language
names them in its own file.
"""

from typing import NamedTuple

from gridlog.errors import GridlogError
from gridlog.words.i18n import LANGUAGES, text_in


class Term(NamedTuple):
    key: str
    synonyms: tuple[str, ...] = ()


CATEGORIES: tuple[Term, ...] = (
    Term("party", ("党费", "党员")),
    Term("public-order", ("治安", "综合治理")),
    Term("petitions"),
    Term("rentals", ("出租屋", "流动人口")),
    Term("family-planning", ("计划生育",)),
    Term("civil-affairs", ("低保", "高龄补贴")),
    Term("city-management", ("违建", "摆摊")),
    Term("employment", ("就业", "社保")),
    Term("safety", ("安全", "消防")),
    Term("sanitation", ("卫生", "环境")),
    Term("health", ("卫生健康", "医疗")),
    Term("repairs", ("维修", "物业")),
    Term("disputes", ("纠纷", "调解")),
    Term("activities", ("活动",)),
    Term("other", ("其它",)),
)

KINDS: tuple[Term, ...] = (
    Term("visit", ("入户", "上门")),
    Term("patrol", ("网格行走", "行走")),
    Term("window", ("窗口接待", "值班", "接待")),
    Term("meeting", ("议事厅", "开会")),
    Term("other", ("其它",)),
)

_BY_KEY = {"category": CATEGORIES, "kind": KINDS}
_UNKNOWN = {"category": "category.unknown", "kind": "kind.unknown"}


def _lookup(what: str, text: str) -> Term | None:
    wanted = text.strip().lower()
    for term in _BY_KEY[what]:
        labels = [label(what, term.key, lang).lower() for lang in LANGUAGES]
        if wanted in (term.key, *labels, *term.synonyms):
            return term
    return None


def category(text: str) -> Term:
    """The category a user means by `text`, or a clear error listing the choices."""
    return _resolve("category", text)


def kind(text: str) -> Term:
    """The kind of entry a user means by `text`, or an error listing the choices."""
    return _resolve("kind", text)


def _resolve(what: str, text: str) -> Term:
    term = _lookup(what, text)
    if term is None:
        choices = "、".join(
            f"{label(what, term.key, 'zh')}/{term.key}" for term in _BY_KEY[what]
        )
        raise GridlogError(_UNKNOWN[what], text=text, choices=choices)
    return term


def label(what: str, key: str, lang: str) -> str:
    """The display name of a stored key; an unknown key is shown as stored."""
    return text_in(lang, f"label.{what}.{key}", key)
