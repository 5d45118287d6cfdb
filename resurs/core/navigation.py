"""Role-aware navigation. Each app declares its menu entries in ``<app>/navigation.py`` as ``ITEMS``.

An item is shown when ``visible(user)`` is true; core collects them in app order, so apps never edit a shared menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str  # a lazy translation
    url_name: str
    visible: Callable = field(default=lambda user: True)
    section: str = "main"  # "main" (header) or "public" (shown to everyone in the header)
    order: int = 100

    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


@cache
def _all_items() -> tuple[tuple[str, NavItem], ...]:
    """(app label, item) pairs in menu order."""
    items: list[tuple[str, NavItem]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("resurs."):
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError:
            continue
        items.extend((config.label, item) for item in getattr(module, "ITEMS", []))
    return tuple(sorted(items, key=lambda pair: pair[1].order))


def nav_items_for(user) -> list[dict]:
    """The menu entries this user may use, as dicts ready for templates."""
    entries = []
    for app_label, item in _all_items():
        if item.section == "core":
            continue
        try:
            allowed = item.visible(user)
        except Exception:  # a broken predicate must never hide the whole menu
            allowed = False
        url = item.url() if allowed else ""
        if allowed and url:
            entries.append(
                {
                    "label": item.label,
                    "url": url,
                    "url_name": item.url_name,
                    "section": item.section,
                    "app": app_label,
                }
            )
    return entries


def nav_groups_for(user) -> list[dict]:
    """The menu grouped by app: a group of one entry is a plain link, a larger group a drop-down named after its
    first entry (e.g. "Learning" holding the catalogue, my learning, consultations and service quality)."""
    groups: dict[str, dict] = {}
    for entry in nav_items_for(user):
        group = groups.setdefault(entry["app"], {"label": entry["label"], "url": entry["url"], "items": []})
        group["items"].append(entry)
    return list(groups.values())
