"""The sidebar: each app registers its entries in a `menu.py` module; each role sees only what it may use."""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    icon: str
    roles: frozenset[str]
    section: str
    order: int = 100


SECTIONS = ["工作台", "台账管理", "督查督办", "企业诉求", "考核评价", "系统管理"]
_ENTRIES: list[MenuEntry] = []


def register(
    label: str, url_name: str, *, icon: str, roles: set[str] | frozenset[str], section: str, order: int = 100
) -> None:
    if section not in SECTIONS:
        raise ValueError(section)
    _ENTRIES.append(MenuEntry(label, url_name, icon, frozenset(roles), section, order))


def menu_for(roles: frozenset[str], current_path: str = "") -> list[dict]:
    """[{section, entries: [{label, url, icon, active}]}] for a user holding `roles`. The active entry is
    the one whose URL is the longest prefix of the current path."""
    sections: list[dict[str, Any]] = []
    for section in SECTIONS:
        entries: list[dict[str, Any]] = []
        for entry in sorted(
            (e for e in _ENTRIES if e.section == section and e.roles & roles), key=lambda e: e.order
        ):
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            entries.append({"label": entry.label, "url": url, "icon": entry.icon, "active": False})
        if entries:
            sections.append({"section": section, "entries": entries})
    matches = [
        e
        for group in sections
        for e in group["entries"]
        if current_path == e["url"] or (e["url"] != "/" and current_path.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return sections
