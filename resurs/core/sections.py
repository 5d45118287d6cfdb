"""Blocks that apps contribute to pages owned by other apps, without importing each other.

Each app's ``sections.py`` may define any of these functions, each returning a list of
``{"template": "...", "order": N, ...context}`` dicts (or nothing):

- ``home(request)``: the public home page;
- ``desk(request)``: the signed-in user's desk;
- ``organisation_profile(request, organisation)``: the organisation's profile in the registry;
- ``person_profile(request, person)``: the person's profile in the registry.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.apps import apps


@cache
def _providers(hook: str) -> tuple:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("resurs."):
            continue
        try:
            module = import_module(f"{config.name}.sections")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.sections":
                raise
            continue
        provider = getattr(module, hook, None)
        if provider is not None:
            found.append(provider)
    return tuple(found)


def collect(hook: str, request, **kwargs) -> list[dict]:
    """All blocks for ``hook``, in their declared order."""
    blocks: list[dict] = []
    for provider in _providers(hook):
        blocks.extend(provider(request, **kwargs) or [])
    return sorted(blocks, key=lambda block: block.get("order", 100))
