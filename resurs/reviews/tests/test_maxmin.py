"""Max-min fairness: on small rounds ``solve_maxmin`` reaches the optimum found by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from resurs.reviews.assignment.fairness import solve_fair, solve_maxmin
from resurs.reviews.assignment.problem import SCALE, Round, SparseCandidates
from resurs.reviews.assignment.solver import check


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
    assert result.worst >= solve_fair(rnd, max_loss=max_loss).worst_fair - 1e-9


def test_large_rounds_fall_back_to_the_target_method_with_its_bound():
    rnd = _round(1, n_apps=120, n_experts=40, k=3, cap=12, missing=0.0)  # 4,800 pairs: above the exact limit
    result = solve_maxmin(rnd)
    fair = solve_fair(rnd)
    assert not result.exact
    assert result.worst == pytest.approx(fair.worst_fair)
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
