"""The demo sector: each app contributes ``<app>/demo.py`` with ``build(ctx: DemoContext)``.

Builders run in dependency order, deterministically (one seeded random generator per app), inside one
transaction. ``ctx.logins`` collects the demo accounts that ``manage.py demo`` prints.

The national-size installation (``manage.py demo --scale national``, PostgreSQL only) builds the demo and then
grows it to a country's size: each app's ``<app>/demo_national.py`` adds its share with ``build(ctx)`` in the
same order, written with COPY (``resurs.core.bulk``); ``NATIONAL`` holds the totals it reaches.
"""

from __future__ import annotations

import random
import time
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


@dataclass(frozen=True)
class NationalSize:
    """Totals of the national-size installation (the demo's own rows included)."""

    organisations: int = 250_000
    regions: int = 85
    centres: int = 300
    ties: int = 600_000  # people's positions and memberships
    sector_ties: int = (
        2_500_000  # edges of the sector network (research.sector): shared people, partnerships...
    )
    applications: int = 15_000  # in the current call, in review
    past_calls: int = 5
    past_applications: int = 4_000  # in each past call
    experts: int = 1_500
    scores: int = 45_000  # experts' evaluations in the current call
    enrolments: int = 200_000
    registrations: int = 100_000  # event registrations
    consultations: int = 10_000
    partnerships: int = 2_000
    nominations: int = 2_000  # in the national study


NATIONAL = NationalSize()


@dataclass
class DemoContext:
    """Shared state between demo builders."""

    seed: int = 2026
    scale: float = 1.0  # tests build a smaller sector with scale < 1
    national: NationalSize | None = None  # set for the national-size installation
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, password)
    log: callable = print
    data: dict = field(default_factory=dict)  # builders may leave things for later builders

    def rng(self, app: str) -> random.Random:
        return random.Random(f"{self.seed}:{app}")

    def count(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))


def build_demo(ctx: DemoContext) -> DemoContext:
    _run_builders(ctx, "demo")
    if ctx.national is not None:
        _run_builders(ctx, "demo_national")
    return ctx


def _run_builders(ctx: DemoContext, module_name: str) -> None:
    for app in DEMO_ORDER:
        try:
            module = import_module(f"resurs.{app}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"resurs.{app}.{module_name}":
                raise
            continue
        started = time.monotonic()
        ctx.log(f"{module_name}: {app}")
        module.build(ctx)
        if module_name != "demo":
            ctx.log(f"{module_name}: {app} took {time.monotonic() - started:.0f} s")
