"""The demo sector: each app contributes ``<app>/demo.py`` with ``build(ctx: DemoContext)``.

Builders run in dependency order, deterministically (one seeded random generator per app), inside one
transaction. ``ctx.logins`` collects the demo accounts that ``manage.py demo`` prints.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module

DEMO_ORDER = [
    "registry",
    "accounts",
    "grants",
    "reviews",
    "learning",
    "events",
    "outreach",
    "cooperation",
    "research",
]
DEMO_PASSWORD = "resurs-demo"


@dataclass
class DemoContext:
    """Shared state between demo builders."""

    seed: int = 2026
    scale: float = 1.0  # tests build a smaller sector with scale < 1
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, password)
    log: callable = print
    data: dict = field(default_factory=dict)  # builders may leave things for later builders

    def rng(self, app: str) -> random.Random:
        return random.Random(f"{self.seed}:{app}")

    def count(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))


def build_demo(ctx: DemoContext) -> DemoContext:
    for app in DEMO_ORDER:
        try:
            module = import_module(f"resurs.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"resurs.{app}.demo":
                raise
            continue
        ctx.log(f"demo: {app}")
        module.build(ctx)
    return ctx
