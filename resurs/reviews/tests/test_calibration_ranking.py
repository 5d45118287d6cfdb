"""Calibration recovers simulated expert biases; ranking handles ties, pass marks and budgets."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from resurs.reviews.calibration import calibrate
from resurs.reviews.ranking import (
    BELOW_PASS_MARK,
    OVER_BUDGET,
    PROPOSED,
    UNSCORED,
    Item,
    band_of,
    competition_ranks,
    rank_and_propose,
)


def _simulate(seed, n_apps=400, n_experts=40, k=3, noise=0.3):
    rng = np.random.default_rng(seed)
    bias = rng.normal(0, 1, n_experts)
    bias -= bias.mean()
    quality = rng.normal(6, 1.5, n_apps)
    app = np.repeat(np.arange(n_apps), k)
    expert = np.argsort(rng.random((n_apps, n_experts)), axis=1)[:, :k].ravel()
    score = quality[app] + bias[expert] + rng.normal(0, noise, app.size)
    return app, expert, score, bias, quality


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_calibration_recovers_known_biases(seed):
    app, expert, score, bias, quality = _simulate(seed)
    result = calibrate(app, expert, score)
    assert np.abs(result.expert_effect - bias).max() < 0.35
    assert abs(result.expert_effect.sum()) < 1e-6  # sum-to-zero per (here: the one) component
    calibrated_error = np.abs(result.app_effect - quality).mean()
    raw_error = np.abs(result.raw_mean - quality).mean()
    assert calibrated_error < raw_error


def test_calibration_without_noise_is_exact():
    app, expert, score, bias, quality = _simulate(7, noise=0.0)
    result = calibrate(app, expert, score)
    np.testing.assert_allclose(result.expert_effect, bias, atol=1e-6)
    np.testing.assert_allclose(result.app_effect, quality, atol=1e-6)
    assert result.residual_sd < 1e-6


def test_each_component_is_centred_on_its_own():
    # Two disjoint groups: experts 0,1 review apps 0,1; experts 2,3 review apps 2,3.
    app = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    expert = np.array([0, 1, 0, 1, 2, 3, 2, 3])
    score = np.array([7, 5, 8, 6, 4, 4, 6, 6], dtype=float)
    result = calibrate(app, expert, score)
    assert result.app_component[0] != result.app_component[2]
    np.testing.assert_allclose(result.expert_effect, [1, -1, 0, 0], atol=1e-9)
    np.testing.assert_allclose(result.app_effect, [6, 7, 4, 6], atol=1e-9)


def test_competition_ranking_with_ties():
    assert competition_ranks([9.0, 7.5, 9.0, None, 7.5, 6.0]) == [1, 3, 1, None, 3, 5]
    assert competition_ranks([5.0000001, 5.0]) == [1, 1]  # float noise never splits a tie


def test_bands_follow_request_size():
    assert [band_of(Decimal(x), _bands()) for x in ("500000", "500000.01", "3000000", "10000001")] == [
        0,
        1,
        1,
        3,
    ]


def _bands():
    return [
        {"up_to": 500_000, "pass_mark": 5},
        {"up_to": 3_000_000, "pass_mark": 6},
        {"up_to": 10_000_000, "pass_mark": 7},
        {"up_to": None, "pass_mark": 8},
    ]


def test_awards_in_rank_order_within_call_and_direction_budgets():
    items = [
        Item(1, 9.0, Decimal(400_000), direction=1),
        Item(2, 8.0, Decimal(2_000_000), direction=1),  # direction 1 has 2,2 M: does not fit after item 1
        Item(3, 8.0, Decimal(1_000_000), direction=2),
        Item(4, 5.5, Decimal(2_500_000), direction=2),  # band 1 pass mark 6: below
        Item(5, 7.0, Decimal(800_000), direction=1),  # still fits direction 1 (400k + 800k)
        Item(6, None, Decimal(100_000), direction=2),
        Item(7, 6.5, Decimal(900_000), direction=2),  # call budget left 2,6 M - 0,8 M... fits
    ]
    ranked = rank_and_propose(
        items, budget=Decimal(3_100_000), direction_budgets={1: Decimal(2_200_000)}, bands=_bands()
    )
    outcome = {i.key: i.outcome for i in ranked}
    assert outcome == {
        1: PROPOSED,
        2: OVER_BUDGET,
        3: PROPOSED,
        5: PROPOSED,
        7: PROPOSED,
        4: BELOW_PASS_MARK,
        6: UNSCORED,
    }
    assert [i.key for i in ranked] == [1, 2, 3, 5, 7, 4, 6]
    assert {i.key: i.rank for i in ranked}[3] == 2 == {i.key: i.rank for i in ranked}[2]
    assert sum(i.requested for i in ranked if i.outcome == PROPOSED) <= Decimal(3_100_000)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.floats(0, 10)), st.integers(1, 12_000_000), st.integers(1, 3)),
        max_size=30,
    ),
    st.integers(0, 40_000_000),
)
def test_proposals_never_exceed_any_budget(rows, budget):
    items = [Item(i, s, Decimal(r), d) for i, (s, r, d) in enumerate(rows)]
    direction_budgets = {1: Decimal(budget // 3), 2: Decimal(0)}
    ranked = rank_and_propose(items, budget=Decimal(budget), direction_budgets=direction_budgets)
    proposed = [i for i in ranked if i.outcome == PROPOSED]
    assert sum(i.requested for i in proposed) <= budget
    if budget // 3 > 0:  # a direction budget of 0 means "not set" (Direction.budget defaults to 0)
        assert sum(i.requested for i in proposed if i.direction == 1) <= budget // 3
    assert all(i.score is not None and round(i.score, 3) >= i.pass_mark for i in proposed)
    ranks = [i.rank for i in ranked if i.rank is not None]
    assert ranks == sorted(ranks)
