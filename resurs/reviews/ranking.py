"""Ranking with ties, pass marks per request-size band, and awards proposed within the budgets.

Pure functions over plain data, so that the same rules serve the ranking page, the API and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

MILLION = Decimal(1_000_000)

# (upper bound of the requested amount in roubles or None, pass mark on the scheme's scale).
DEFAULT_BANDS: list[dict] = [
    {"up_to": 500_000, "pass_mark": 5.0},
    {"up_to": 3_000_000, "pass_mark": 5.5},
    {"up_to": 10_000_000, "pass_mark": 6.0},
    {"up_to": None, "pass_mark": 6.5},
]

PROPOSED = "proposed"
BELOW_PASS_MARK = "below_pass_mark"
OVER_BUDGET = "over_budget"
UNSCORED = "unscored"

OUTCOME_LABELS = {
    PROPOSED: _("Proposed for award"),
    BELOW_PASS_MARK: _("Below the pass mark"),
    OVER_BUDGET: _("Does not fit the budget"),
    UNSCORED: _("Not yet scored"),
}


@dataclass
class Item:
    """One application to rank: its score (None until scored), request and direction."""

    key: int
    score: float | None
    requested: Decimal
    direction: int | None = None
    rank: int | None = None
    band: int = 0
    pass_mark: float = 0.0
    outcome: str = ""
    extra: dict = field(default_factory=dict)


def competition_ranks(scores: list[float | None], *, decimals: int = 3) -> list[int | None]:
    """Standard competition ranking ("1224"): equal scores share a rank, the next rank skips. Unscored: None.

    Scores are compared after rounding to ``decimals`` so that float noise never splits a tie.
    """
    rounded = [None if s is None else round(s, decimals) for s in scores]
    ordered = sorted((s for s in rounded if s is not None), reverse=True)
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return [None if s is None else first_position[s] for s in rounded]


def band_of(requested: Decimal, bands: list[dict]) -> int:
    for index, band in enumerate(bands):
        if band["up_to"] is None or Decimal(requested) <= Decimal(str(band["up_to"])):
            return index
    return len(bands) - 1


def rank_and_propose(
    items: list[Item],
    *,
    budget: Decimal,
    direction_budgets: dict[int, Decimal] | None = None,
    bands: list[dict] | None = None,
) -> list[Item]:
    """Rank ``items`` and propose awards in rank order (ties by the given order) within both budgets.

    An application is proposed if it meets its band's pass mark and its full request still fits the call's
    remaining budget and, when its direction has a budget (> 0), the direction's remaining budget; otherwise
    the next one is considered (a smaller request further down may still fit).
    """
    bands = bands or DEFAULT_BANDS
    direction_budgets = {k: Decimal(v) for k, v in (direction_budgets or {}).items() if Decimal(v) > 0}
    ranks = competition_ranks([i.score for i in items])
    for item, rank in zip(items, ranks, strict=True):
        item.rank = rank
        item.band = band_of(item.requested, bands)
        item.pass_mark = float(bands[item.band]["pass_mark"])
    order = sorted(range(len(items)), key=lambda i: (items[i].rank is None, items[i].rank or 0, i))
    left = Decimal(budget)
    left_by_direction = dict(direction_budgets)
    for index in order:
        item = items[index]
        if item.score is None:
            item.outcome = UNSCORED
        elif round(item.score, 3) < item.pass_mark:
            item.outcome = BELOW_PASS_MARK
        elif item.requested > left or (
            item.direction in left_by_direction and item.requested > left_by_direction[item.direction]
        ):
            item.outcome = OVER_BUDGET
        else:
            item.outcome = PROPOSED
            left -= item.requested
            if item.direction in left_by_direction:
                left_by_direction[item.direction] -= item.requested
    return [items[i] for i in order]
