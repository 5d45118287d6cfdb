"""Property tests of the assignment solver, its certificate, fairness and diagnosis (no database)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from resurs.reviews.assignment.diagnosis import (
    CAPACITY,
    HALL,
    NO_REGIONAL_CANDIDATE,
    TOO_FEW_CANDIDATES,
    diagnose,
)
from resurs.reviews.assignment.fairness import solve_tiered
from resurs.reviews.assignment.problem import DenseCandidates, Round, SparseCandidates
from resurs.reviews.assignment.solver import Infeasible, check, solve


def lp_optimum(rnd: Round) -> float | None:
    """Independent optimum by SciPy's HiGHS LP (the constraint matrix is totally unimodular)."""
    p = rnd.candidates.all()
    m = len(p)
    n, e = rnd.n_apps, rnd.n_experts
    if m == 0:
        return None  # every application needs k >= 1 experts
    a_eq = np.zeros((n, m))
    a_eq[p.app, np.arange(m)] = 1
    a_ub = [np.zeros((e, m)), np.zeros((e, m))]
    a_ub[0][p.expert, np.arange(m)] = 1
    a_ub[1][p.expert, np.arange(m)] = -1
    rows, rhs = [a_ub[0], a_ub[1]], [rnd.max_load, -rnd.min_load]
    if rnd.require_regional:
        reg = np.zeros((n, m))
        mask = rnd.regional_mask(p.app, p.expert)
        reg[p.app[mask], np.flatnonzero(mask)] = -1
        rows.append(reg)
        rhs.append(-np.ones(n))
    res = linprog(
        -p.q.astype(float),
        A_ub=np.vstack(rows),
        b_ub=np.concatenate(rhs),
        A_eq=a_eq,
        b_eq=np.full(n, rnd.k),
        bounds=(0, 1),
        method="highs",
    )
    return None if res.status != 0 else -res.fun


@st.composite
def rounds(draw, *, regional=None, dense=None):
    n = draw(st.integers(1, 14))
    e = draw(st.integers(1, 9))
    k = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    density = draw(st.floats(0.3, 1.0))
    use_dense = draw(st.booleans()) if dense is None else dense
    affinity = np.round(rng.random((n, e)), 3)
    allowed = rng.random((n, e)) < density
    max_load = rng.integers(0, 2 * k * n // max(e, 1) + 3, size=e)
    min_load = np.minimum(rng.integers(0, 2, size=e), max_load)
    use_regional = draw(st.booleans()) if regional is None else regional
    app_region = rng.integers(0, 3, size=n)
    expert_region = rng.integers(0, 3, size=e)
    if use_dense:
        cands = DenseCandidates(affinity, ~allowed)
    else:
        a, x = np.nonzero(allowed)
        cands = SparseCandidates(n, e, a, x, affinity[a, x])
    return Round(n, e, k, cands, max_load, min_load, app_region, expert_region, use_regional)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(), st.sampled_from([None, 1, 2, 4]))
def test_solution_holds_every_constraint_and_matches_the_lp(rnd, prune):
    optimum = lp_optimum(rnd)
    try:
        solution = solve(rnd, prune=prune, prune_regional=1, prune_always=True)
    except Infeasible as error:
        assert optimum is None
        assert not error.diagnosis.feasible
        return
    assert optimum is not None
    result = check(rnd, solution.app, solution.expert)
    assert result == {**result, "ok": True}
    assert result["forbidden_pairs"] == 0  # conflicts are never assigned
    assert solution.objective_units == round(optimum)
    assert solution.certified


@settings(max_examples=60, deadline=None)
@given(rounds(regional=False))
def test_diagnosis_agrees_with_the_solver(rnd):
    diagnosis = diagnose(rnd)
    try:
        solve(rnd)
        assert diagnosis.feasible
    except Infeasible:
        assert not diagnosis.feasible


def _uniform(n, e, k, cap, seed=1, density=0.3):
    rng = np.random.default_rng(seed)
    mask = rng.random((n, e)) < density
    a, x = np.nonzero(mask)
    return Round(n, e, k, SparseCandidates(n, e, a, x, 1 - rng.random(a.size)), np.full(e, cap))


def test_pruning_falls_back_when_the_pruned_round_is_infeasible():
    # Forty applications of one topic, each with the same 10 best experts capped at 3; pruning to the top 2
    # makes the round infeasible while the full one is not.
    n, e, k = 40, 60, 1
    affinity = np.full((n, e), 0.1)
    affinity[:, :10] = 0.9
    rnd = Round(n, e, k, DenseCandidates(affinity), np.full(e, 3))
    solution = solve(rnd, prune=2, prune_always=True)
    assert solution.stats["fallback"] == "pruned problem infeasible"
    assert check(rnd, solution.app, solution.expert)["ok"]
    assert solution.objective_units == round(lp_optimum(rnd))


def test_pruned_solution_is_certified_equal_to_the_full_one():
    rnd = _uniform(300, 60, 3, 18, density=0.5)
    pruned = solve(rnd, prune=5, prune_always=True)
    full = solve(rnd, prune=None)
    assert pruned.objective_units == full.objective_units
    assert pruned.certified and not pruned.full_problem


def test_infeasible_round_is_explained():
    n, e = 6, 4
    affinity = np.ones((n, e))
    forbidden = np.zeros((n, e), dtype=bool)
    forbidden[0, :] = True  # everyone conflicts with application 0
    rnd = Round(n, e, 2, DenseCandidates(affinity, forbidden), np.full(e, 2))
    diagnosis = diagnose(rnd)
    codes = {r["code"] for r in diagnosis.reasons}
    assert TOO_FEW_CANDIDATES in codes and CAPACITY in codes
    assert 0 in diagnosis.uncovered_apps.tolist()


def test_hall_violation_names_the_crowded_applications():
    # Applications 0-3 may only go to experts 0-1 (capacity 2 each, k=1): four need, four fit; make it five.
    n, e = 5, 4
    forbidden = np.ones((n, e), dtype=bool)
    forbidden[:, :2] = False
    rnd = Round(n, e, 1, DenseCandidates(np.ones((n, e)), forbidden), np.full(e, 2))
    diagnosis = diagnose(rnd)
    hall = [r for r in diagnosis.reasons if r["code"] == HALL]
    assert hall and sorted(hall[0]["apps"]) == [0, 1, 2, 3, 4] and sorted(hall[0]["experts"]) == [0, 1]


def test_regional_rule_without_a_regional_expert_is_diagnosed():
    rnd = Round(
        2,
        2,
        1,
        DenseCandidates(np.ones((2, 2))),
        np.full(2, 2),
        app_region=np.array([0, 5]),
        expert_region=np.array([0, 0]),
        require_regional=True,
    )
    diagnosis = diagnose(rnd)
    assert [r["code"] for r in diagnosis.reasons] == [NO_REGIONAL_CANDIDATE]
    assert diagnosis.uncovered_apps.tolist() == [1]


def test_fairness_raises_the_worst_application_within_the_loss_budget():
    # Two applications compete for one excellent expert; the plain optimum leaves one with poor experts.
    rng = np.random.default_rng(3)
    n, e, k = 60, 20, 2
    affinity = rng.random((n, e)) * 0.3
    affinity[:30, :4] = 0.95  # a crowded topic
    affinity[30:, 4:] += 0.5
    rnd = Round(n, e, k, DenseCandidates(np.clip(affinity, 0, 1)), np.full(e, 8))
    plain = solve(rnd)
    result = solve_tiered(rnd, plain, max_loss=0.05)
    chosen = result.solution
    assert check(rnd, chosen.app, chosen.expert)["ok"]
    assert plain.objective_units - chosen.objective_units <= 0.05 * plain.objective_units
    totals = np.bincount(chosen.app, weights=chosen.q, minlength=n)
    worst_plain = np.bincount(plain.app, weights=plain.q, minlength=n).min()
    assert result.target <= totals.min() <= result.upper
    assert totals.min() > worst_plain
