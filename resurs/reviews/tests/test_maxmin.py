"""Max-min fairness: on small rounds ``solve_maxmin`` reaches the optimum found by brute force; the method for
large rounds (forced onto small ones) stays within the constraints, never below the balanced method, never above
the optimum, and its bound is never below the optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from resurs.reviews.assignment import fairness
from resurs.reviews.assignment.fairness import scarcity_bound, solve_maxmin, solve_tiered
from resurs.reviews.assignment.problem import SCALE, Round, SparseCandidates
from resurs.reviews.assignment.solver import check, solve


def _round(seed: int, n_apps=5, n_experts=4, k=2, cap=3, missing=0.15):
    rng = np.random.default_rng(seed)
    app, expert, affinity = [], [], []
    for i in range(n_apps):
        for j in range(n_experts):
            if rng.random() >= missing:
                app.append(i)
                expert.append(j)
                affinity.append(round(float(rng.random()), 3))
    cands = SparseCandidates(n_apps, n_experts, np.array(app), np.array(expert), np.array(affinity))
    return Round(n_apps, n_experts, k, cands, np.full(n_experts, cap))


def _balanced_worst(rnd: Round, max_loss: float = 0.05) -> float:
    """The worst-served application under the balanced thresholds alone (the earlier method for large rounds)."""
    chosen = solve_tiered(rnd, solve(rnd), max_loss=max_loss, priced=False).solution
    return float(np.bincount(chosen.app, weights=chosen.q, minlength=rnd.n_apps).min()) / SCALE


def _brute_force(rnd: Round, max_loss: float) -> float | None:
    """The best worst-served total over every feasible assignment whose total loses at most ``max_loss``."""
    pairs = rnd.candidates.all()
    q = {(int(a), int(e)): int(v) for a, e, v in zip(pairs.app, pairs.expert, pairs.q, strict=True)}
    options = [
        [
            combo
            for combo in itertools.combinations(range(rnd.n_experts), rnd.k)
            if all((i, e) in q for e in combo)
        ]
        for i in range(rnd.n_apps)
    ]
    feasible = []
    for choice in itertools.product(*options):
        loads = np.bincount([e for combo in choice for e in combo], minlength=rnd.n_experts)
        if (loads > rnd.max_load).any():
            continue
        totals = [sum(q[(i, e)] for e in combo) for i, combo in enumerate(choice)]
        feasible.append((sum(totals), min(totals)))
    if not feasible:
        return None
    best_total = max(t for t, _w in feasible)
    return max(w for t, w in feasible if best_total - t <= max_loss * best_total) / SCALE


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("max_loss", [0.05, 1.0])
def test_small_rounds_reach_the_brute_force_optimum(seed, max_loss):
    rnd = _round(seed)
    optimum = _brute_force(rnd, max_loss)
    if optimum is None:
        pytest.skip("no feasible assignment for this seed")
    result = solve_maxmin(rnd, max_loss=max_loss)
    assert result.exact
    assert result.worst == pytest.approx(optimum, abs=1e-9)
    assert result.upper_bound == pytest.approx(optimum, abs=1e-9)
    assert result.total_loss <= max_loss + 1e-9
    assert check(rnd, result.solution.app, result.solution.expert)["ok"]
    # Never below the plain optimum's worst application nor below the target method's.
    assert result.worst >= result.worst_plain - 1e-9
    assert result.worst >= _balanced_worst(rnd, max_loss) - 1e-9


def _crowded(seed: int, n_apps=40, n_experts=12, k=3, cap=11, missing=0.3, **extra):
    """A quarter of the experts are everyone's favourites and cannot take everyone: the best-k bound is loose."""
    rng = np.random.default_rng(seed)
    hot = n_experts // 4
    affinity = np.round(0.7 * rng.random((n_apps, n_experts)), 3)
    affinity[:, :hot] = np.round(0.6 + 0.4 * rng.random((n_apps, hot)), 3)
    app, expert = np.nonzero(rng.random((n_apps, n_experts)) >= missing)
    cands = SparseCandidates(n_apps, n_experts, app, expert, affinity[app, expert])
    return Round(n_apps, n_experts, k, cands, np.full(n_experts, cap), **extra)


def _optimum(rnd: Round, max_loss: float | None) -> float:
    """The exact max-min (a mixed-integer programme), with the total-affinity floor of ``max_loss`` or none."""
    floor = None
    if max_loss is not None:
        total = solve(rnd).objective_units
        floor = total - int(max_loss * total)
    chosen = fairness._exact(rnd, rnd.candidates.all(), floor)
    return float(np.bincount(chosen.app, weights=chosen.q, minlength=rnd.n_apps).min()) / SCALE


@pytest.fixture
def large_round_method(monkeypatch):
    """Every round takes the path of large rounds (tiered targets or balanced ones, and the scarcity bound)."""
    monkeypatch.setattr(fairness, "EXACT_UP_TO_PAIRS", 0)


@pytest.mark.parametrize("seed", range(10))
def test_tiered_targets_stay_between_the_balanced_targets_and_the_optimum(large_round_method, seed):
    rnd = _crowded(seed)
    result = solve_maxmin(rnd, max_loss=0.05)
    assert not result.exact and result.method == "tiered"
    assert check(rnd, result.solution.app, result.solution.expert)["ok"]
    assert result.total_loss <= 0.05 + 1e-9
    assert result.worst >= result.worst_plain - 1e-9
    assert result.worst >= _balanced_worst(rnd, 0.05) - 1e-9
    assert result.worst <= _optimum(rnd, 0.05) + 1e-9
    # The bound holds even without the total-affinity floor.
    assert result.upper_bound >= _optimum(rnd, None) - 1e-9


def test_priced_tiers_raise_the_worst_application_above_balanced_targets(large_round_method):
    gains = []
    for seed in range(10):
        rnd = _crowded(seed)
        gains.append(solve_maxmin(rnd).worst - _balanced_worst(rnd))
    assert max(gains) > 0.01


@pytest.mark.parametrize("seed", range(6))
def test_the_target_is_guaranteed_to_every_application(seed):
    rnd = _crowded(seed)
    plain = solve(rnd)
    result = solve_tiered(rnd, plain, max_loss=1.0)
    totals = np.bincount(result.solution.app, weights=result.solution.q, minlength=rnd.n_apps)
    assert totals.min() >= result.target
    assert check(rnd, result.solution.app, result.solution.expert)["ok"]


@pytest.mark.parametrize("seed", range(6))
def test_the_scarcity_bound_holds_for_any_set_of_scarce_experts(seed):
    rnd = _crowded(seed)
    optimum = _optimum(rnd, None)
    ranked = fairness._ranked(rnd)
    rng = np.random.default_rng(seed)
    best_k = scarcity_bound(rnd, ranked, np.zeros(rnd.n_experts, dtype=bool))
    own_best_k = np.bincount(ranked.app, weights=ranked.q * (fairness._rank_in_group(ranked.app) < rnd.k))
    assert best_k == int(own_best_k.min())  # with no scarce expert: the best-k bound
    for scarce in [np.arange(rnd.n_experts) < 3, *(rng.random((8, rnd.n_experts)) < 0.4)]:
        bound = scarcity_bound(rnd, ranked, scarce)
        assert bound / SCALE >= optimum - 1e-9
        assert bound <= best_k


@pytest.mark.parametrize("seed", range(4))
def test_the_scarcity_bound_holds_under_the_regional_rule(seed):
    rng = np.random.default_rng(seed)
    regions = {"app_region": rng.integers(0, 3, 40), "expert_region": np.arange(12) % 3}
    rnd = _crowded(seed, missing=0.0, require_regional=True, **regions)
    optimum = _optimum(rnd, None)  # with the regional rule
    ranked = fairness._ranked(rnd)
    for scarce in [np.zeros(12, dtype=bool), np.arange(12) < 3, *(rng.random((6, 12)) < 0.4)]:
        assert scarcity_bound(rnd, ranked, scarce) / SCALE >= optimum - 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_large_round_method_on_tiny_rounds_against_brute_force(large_round_method, seed):
    rnd = _round(seed)
    optimum = _brute_force(rnd, 0.05)
    if optimum is None:
        pytest.skip("no feasible assignment for this seed")
    result = solve_maxmin(rnd, max_loss=0.05)
    assert result.method == "tiered"
    assert result.worst_plain - 1e-9 <= result.worst <= optimum + 1e-9
    assert result.upper_bound >= _brute_force(rnd, 1.0) - 1e-9
    assert check(rnd, result.solution.app, result.solution.expert)["ok"]


@pytest.mark.parametrize("seed", range(6))
def test_tiered_targets_keep_the_regional_rule(large_round_method, seed):
    rng = np.random.default_rng(seed)
    rnd = _crowded(
        seed,
        missing=0.0,
        app_region=rng.integers(0, 3, 40),
        expert_region=np.arange(12) % 3,
        require_regional=True,
    )
    result = solve_maxmin(rnd)
    checked = check(rnd, result.solution.app, result.solution.expert)
    assert result.method == "tiered" and checked["ok"] and checked["apps_without_regional"] == 0
    assert result.worst >= max(result.worst_plain, _balanced_worst(rnd)) - 1e-9
    # The bound counts only selections with a regional expert, and still holds (the exact optimum keeps the rule).
    assert result.worst <= _optimum(rnd, 0.05) + 1e-9
    assert result.upper_bound >= _optimum(rnd, None) - 1e-9
    tiered = solve_tiered(rnd, solve(rnd), max_loss=1.0)
    totals = np.bincount(tiered.solution.app, weights=tiered.solution.q, minlength=rnd.n_apps)
    assert totals.min() >= tiered.target
    assert check(rnd, tiered.solution.app, tiered.solution.expert)["ok"]


def test_small_rounds_with_the_regional_rule_are_solved_exactly():
    rng = np.random.default_rng(2)
    rnd = _crowded(2, missing=0.0, app_region=rng.integers(0, 3, 40), expert_region=np.arange(12) % 3)
    rnd.require_regional = True
    result = solve_maxmin(rnd)
    checked = check(rnd, result.solution.app, result.solution.expert)
    assert result.exact and checked["ok"] and checked["apps_without_regional"] == 0
    assert result.worst == pytest.approx(_optimum(rnd, 0.05))


def test_tiered_targets_respect_minimum_loads(large_round_method):
    rnd = _crowded(3, min_load=np.full(12, 8))
    result = solve_maxmin(rnd)
    assert result.method == "tiered"
    assert check(rnd, result.solution.app, result.solution.expert)["ok"]
    assert np.bincount(result.solution.expert, minlength=12).min() >= 8
    assert result.worst >= result.worst_plain - 1e-9


def test_large_rounds_use_tiered_targets_and_a_bound():
    rnd = _round(1, n_apps=120, n_experts=40, k=3, cap=12, missing=0.0)  # 4,800 pairs: above the exact limit
    result = solve_maxmin(rnd)
    assert not result.exact and result.method == "tiered"
    assert result.bound_method in {"best_k", "scarce_experts"}
    assert result.worst >= _balanced_worst(rnd) - 1e-9
    assert result.upper_bound >= result.worst
    assert check(rnd, result.solution.app, result.solution.expert)["ok"]


@pytest.mark.django_db
def test_fairness_option_of_a_call_solves_a_small_round_exactly(personas, django_capture_on_commit_callbacks):
    from resurs.reviews import services
    from resurs.reviews.models import Assignment
    from resurs.reviews.tests.factories import review_round

    rnd = review_round(personas, n_apps=4, n_experts=4, k=2, max_load=3)
    review = services.call_review_for(rnd.call)
    review.fairness = True
    review.save(update_fields=["fairness"])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.assignment_run_start(call=rnd.call, actor=personas.staff)
    run.refresh_from_db()
    fairness = run.diagnostics["fairness"]
    assert run.status == "done" and fairness["exact"] is True
    assert fairness["worst_fair"] >= fairness["worst_plain"]
    assert fairness["worst_upper_bound"] == fairness["worst_fair"]
    assert Assignment.objects.filter(call=rnd.call, status="active").count() == 8
