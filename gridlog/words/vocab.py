"""The grid workers' own lines of work and kinds of entry, in both languages.

What a user types may be the Chinese word, a common synonym or the English key; what
is stored is always the English key, so reports and exports do not depend on the
language of whoever typed the entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridlog.errors import GridlogError


@dataclass(frozen=True)
class Term:
    key: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


CATEGORIES: tuple[Term, ...] = (
    Term("party", "党建", "party building", ("党费", "党员")),
    Term("public-order", "综治", "public order", ("治安", "综合治理")),
    Term("petitions", "信访", "petitions"),
    Term("rentals", "出租屋/流动人口", "rentals & migrants", ("出租屋", "流动人口")),
    Term("family-planning", "计生", "family planning", ("计划生育",)),
    Term("civil-affairs", "民政", "civil affairs", ("低保", "高龄补贴")),
    Term("city-management", "城管", "city management", ("违建", "摆摊")),
    Term("employment", "就业/社保", "employment & social security", ("就业", "社保")),
    Term("safety", "安全生产", "safety", ("安全", "消防")),
    Term("sanitation", "环境卫生", "sanitation", ("卫生", "环境")),
    Term("health", "卫健", "health", ("卫生健康", "医疗")),
    Term("repairs", "物业维修", "repairs", ("维修", "物业")),
    Term("disputes", "矛盾纠纷", "disputes", ("纠纷", "调解")),
    Term("activities", "社区活动", "activities", ("活动",)),
    Term("other", "其他", "other", ("其它",)),
)

KINDS: tuple[Term, ...] = (
    Term("visit", "走访", "home visit", ("入户", "上门")),
    Term("patrol", "巡查", "patrol", ("网格行走", "行走")),
    Term("window", "窗口", "window duty", ("窗口接待", "值班", "接待")),
    Term("meeting", "会议", "meeting", ("议事厅", "开会")),
    Term("other", "其他", "other", ("其它",)),
)

_BY_KEY = {"category": CATEGORIES, "kind": KINDS}


def _lookup(terms: tuple[Term, ...], text: str) -> Term | None:
    wanted = text.strip().lower()
    for term in terms:
        names = (term.key, term.zh, term.en.lower(), *term.synonyms)
        if wanted in names:
            return term
    return None


def category(text: str) -> Term:
    """The category a user means by `text`, or a clear error listing the choices."""
    return _resolve("category", text)


def kind(text: str) -> Term:
    """The kind of entry a user means by `text`, or an error listing the choices."""
    return _resolve("kind", text)


def _resolve(what: str, text: str) -> Term:
    terms = _BY_KEY[what]
    term = _lookup(terms, text)
    if term is None:
        choices = "、".join(f"{term.zh}/{term.key}" for term in terms)
        raise GridlogError(f"{what}.unknown", text=text, choices=choices)
    return term


def label(what: str, key: str, lang: str) -> str:
    """The display name of a stored key; an unknown key is shown as stored."""
    for term in _BY_KEY[what]:
        if term.key == key:
            return term.label(lang)
    return key
