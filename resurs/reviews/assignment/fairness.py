"""The fairness option: raise the worst-served application's total affinity at a bounded cost in total.

Exact max-min of per-application totals is a linear programme with millions of columns and a fractional
optimum. We keep to flows with a *guarantee*: for a target ``T`` each application keeps only its best ``r_i``
candidates, where ``r_i`` is the largest rank at which the ``k`` weakest of those candidates still add up to
``T``. Any ``k`` experts an application can then receive sum to at least ``T``, so a feasible flow on the
restricted candidates guarantees every application ``≥ T``. A binary search on ``T`` (each step one maximum
flow) finds the largest feasible target, bounded above by ``min_i`` (sum of the application's own ``k`` best
candidates). The min-cost flow on the restricted candidates then maximises total affinity; if that loses more
than ``max_loss`` of the plain optimum's total, ``T`` is lowered by bisection (each step an exact min-cost flow)
until it does not. Applications with many good candidates keep almost all of them, so the restriction bites only
where fairness needs it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from resurs.reviews.assignment.diagnosis import max_flow_of
from resurs.reviews.assignment.problem import SCALE, Pairs, Round, SparseCandidates
from resurs.reviews.assignment.solver import Infeasible, Solution, _network, _run, solve


@dataclass
class FairResult:
    solution: Solution
    plain: Solution
    target: float
    worst_plain: float
    worst_fair: float
    worst_upper_bound: float
    total_loss: float
    steps: int
    wall_s: float

    @property
    def worst_gain(self) -> float:
        return (self.worst_fair - self.worst_plain) / self.worst_plain if self.worst_plain > 0 else 0.0


class _Sorted:
    """Candidate pairs grouped by application, best first, with sums of k consecutive affinities."""

    def __init__(self, rnd: Round):
        p = rnd.candidates.all()
        order = np.argsort(p.app * np.int64(SCALE + 1) + (np.int64(SCALE) - p.q), kind="stable")
        self.pairs = p.take(order)
        n, k = rnd.n_apps, rnd.k
        counts = np.bincount(self.pairs.app, minlength=n)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        self.rank = np.arange(len(self.pairs)) - np.repeat(starts, counts)
        csum = np.concatenate(([0], np.cumsum(self.pairs.q)))
        pos = np.arange(len(self.pairs))
        # window[pos] = q[pos-k+1] + ... + q[pos] within the same application (only for rank >= k-1).
        self.valid = self.rank >= k - 1
        self.window = np.full(len(self.pairs), -1, dtype=np.int64)
        idx = pos[self.valid]
        self.window[idx] = csum[idx + 1] - csum[idx + 1 - k]
        top = (
            self.window[starts + k - 1] if len(self.pairs) and (counts >= k).all() else np.zeros(n, np.int64)
        )
        self.upper = int(top.min()) if n else 0
        self.n, self.k = n, k

    def restricted(self, target: int) -> Pairs | None:
        """Each application's best r_i candidates, or None if some application cannot reach ``target``."""
        ok = self.window >= target
        reach = np.bincount(self.pairs.app[ok], minlength=self.n)
        if (reach == 0).any():
            return None
        last_rank = self.k - 1 + reach - 1
        keep = self.rank <= last_rank[self.pairs.app]
        return self.pairs.take(np.flatnonzero(keep))


def _feasible(rnd: Round, pairs: Pairs) -> bool:
    if int(rnd.min_load.sum()) == 0:
        smf, _arcs, _source = max_flow_of(rnd, pairs)
        return smf.optimal_flow() == rnd.k * rnd.n_apps
    return _run(_network(rnd, pairs)) is not None


def _solve_restricted(rnd: Round, pairs: Pairs) -> Solution:
    cands = SparseCandidates(rnd.n_apps, rnd.n_experts, pairs.app, pairs.expert, q=pairs.q)
    restricted = Round(
        rnd.n_apps,
        rnd.n_experts,
        rnd.k,
        cands,
        rnd.max_load,
        rnd.min_load,
        rnd.app_region,
        rnd.expert_region,
        rnd.require_regional,
    )
    return solve(restricted)


def solve_fair(
    rnd: Round,
    *,
    max_loss: float = 0.05,
    plain: Solution | None = None,
    search_steps: int = 14,
    progress=None,
) -> FairResult:
    """Raise the guaranteed worst-served application's affinity, losing at most ``max_loss`` of the total."""
    t0 = time.perf_counter()
    plain = plain or solve(rnd)
    n = rnd.n_apps
    worst_plain_units = int(np.bincount(plain.app, weights=plain.q, minlength=n).min())
    data = _Sorted(rnd)
    total = plain.objective_units
    best, best_target, steps = plain, worst_plain_units, 0
    lo, hi = worst_plain_units, data.upper  # lo is achieved (by the plain optimum)
    feasible_hi = None
    while hi - lo > max(1, SCALE // 1000) and steps < search_steps:
        mid = (lo + hi + 1) // 2
        steps += 1
        if progress:
            progress(steps, "fairness")
        pairs = data.restricted(mid)
        if pairs is not None and _feasible(rnd, pairs):
            lo, feasible_hi = mid, pairs
        else:
            hi = mid - 1
    if feasible_hi is not None:
        # The largest feasible target; lower it while the total affinity costs more than allowed.
        low_ok, high = worst_plain_units, lo
        candidate_pairs = feasible_hi
        for _ in range(8):
            try:
                trial = _solve_restricted(rnd, candidate_pairs)
            except Infeasible:  # pragma: no cover - a feasible restriction stays feasible
                break
            steps += 1
            if total - trial.objective_units <= max_loss * total:
                best, best_target = trial, high
                break
            high = (low_ok + high) // 2
            if high <= low_ok:
                break
            candidate_pairs = data.restricted(high)
    totals = np.bincount(best.app, weights=best.q, minlength=n)
    return FairResult(
        solution=best,
        plain=plain,
        target=best_target / SCALE,
        worst_plain=worst_plain_units / SCALE,
        worst_fair=float(totals.min()) / SCALE,
        worst_upper_bound=data.upper / SCALE,
        total_loss=(total - best.objective_units) / total if total else 0.0,
        steps=steps,
        wall_s=time.perf_counter() - t0,
    )


# --- max-min: a Lagrangian bound and the best assignment found under it ----------------------------------------


@dataclass
class MaxMinResult:
    """The assignment with the highest worst-served application found, and how far the optimum can be above it."""

    solution: Solution
    plain: Solution
    worst_plain: float
    worst: float
    upper_bound: float  # no assignment (not even a fractional one) serves its worst application better
    total_loss: float
    exact: bool  # solved as an integer programme: ``worst`` is the optimum
    wall_s: float

    @property
    def worst_gain(self) -> float:
        return (self.worst - self.worst_plain) / self.worst_plain if self.worst_plain > 0 else 0.0

    @property
    def bound_gain(self) -> float:
        return (self.upper_bound - self.worst_plain) / self.worst_plain if self.worst_plain > 0 else 0.0

    @property
    def gap(self) -> float:
        """How much more the bound allows, relative to the worst-served application reached."""
        return (self.upper_bound - self.worst) / self.worst if self.worst > 0 else float("inf")


EXACT_UP_TO_PAIRS = 4_000  # rounds this small are solved exactly as an integer programme


def _exact(rnd: Round, pairs: Pairs, min_total_units: int | None) -> Pairs | None:
    """Max-min as a mixed-integer programme (HiGHS through SciPy): a 0/1 variable per pair, and ``t``.

    maximise t  subject to  Σ_j x_ij = k,  min_load ≤ Σ_i x_ij ≤ max_load,  Σ_j a_ij x_ij ≥ t,
    and the total affinity at least ``min_total_units``."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, hstack

    m, n = len(pairs), rnd.n_apps
    cols = np.arange(m)
    per_app = csr_matrix((np.ones(m), (pairs.app, cols)), shape=(n, m))
    per_expert = csr_matrix((np.ones(m), (pairs.expert, cols)), shape=(rnd.n_experts, m))
    affinity = csr_matrix((pairs.q / SCALE, (pairs.app, cols)), shape=(n, m))
    constraints = [
        LinearConstraint(hstack([per_app, csr_matrix((n, 1))]), rnd.k, rnd.k),
        LinearConstraint(hstack([per_expert, csr_matrix((rnd.n_experts, 1))]), rnd.min_load, rnd.max_load),
        LinearConstraint(hstack([affinity, csr_matrix(-np.ones((n, 1)))]), 0, np.inf),
    ]
    if min_total_units is not None:
        constraints.append(LinearConstraint(np.append(pairs.q, 0.0)[None, :], min_total_units, np.inf))
    c = np.zeros(m + 1)
    c[-1] = -1.0
    res = milp(
        c,
        constraints=constraints,
        integrality=np.append(np.ones(m), 0),
        bounds=Bounds(np.zeros(m + 1), np.append(np.ones(m), np.inf)),
    )
    if res.status != 0 or res.x is None:
        return None
    return pairs.take(np.flatnonzero(res.x[:m] > 0.5))


def solve_maxmin(rnd: Round, *, max_loss: float = 0.05, plain: Solution | None = None) -> MaxMinResult:
    """Raise the worst-served application as far as it goes, losing at most ``max_loss`` of the total affinity.

    Rounds of up to ``EXACT_UP_TO_PAIRS`` candidate pairs (a regional call: a few hundred applications) are
    solved exactly as a mixed-integer programme: the result is the optimum and the bound equals it. Larger rounds
    fall back to ``solve_fair`` (the target method with a guarantee), whose bound is the smallest sum of an
    application's own best ``k`` candidates. (A Lagrangian bound from weighted min-cost flows was tried on the
    topic-skewed national round: its iterates served the worst application no better than ``solve_fair`` and in
    a dozen flows its bound did not fall below that one, so it is not used.)
    """
    t0 = time.perf_counter()
    plain = plain or solve(rnd)
    n = rnd.n_apps
    pairs = rnd.candidates.all()
    total = plain.objective_units
    worst_plain = float(np.bincount(plain.app, weights=plain.q, minlength=n).min())
    chosen = None
    if len(pairs) <= EXACT_UP_TO_PAIRS and not rnd.require_regional:
        chosen = _exact(rnd, pairs, total - int(max_loss * total))
    if chosen is not None:
        best = Solution(chosen.app, chosen.expert, chosen.q, int(chosen.q.sum()), True, True, len(pairs), 0)
        worst = float(np.bincount(best.app, weights=best.q, minlength=n).min())
        upper = worst
    else:
        fair = solve_fair(rnd, max_loss=max_loss, plain=plain)
        best = fair.solution
        worst = float(np.bincount(best.app, weights=best.q, minlength=n).min())
        upper = max(float(_Sorted(rnd).upper), worst)
    return MaxMinResult(
        solution=best,
        plain=plain,
        worst_plain=worst_plain / SCALE,
        worst=worst / SCALE,
        upper_bound=upper / SCALE,
        total_loss=(total - best.objective_units) / total if total else 0.0,
        exact=chosen is not None,
        wall_s=time.perf_counter() - t0,
    )
